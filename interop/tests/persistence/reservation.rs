//! Sending reserves application generations in blocks
//! (`GroupConfig::reserved_sending_generations`): one write per block, a
//! reload skips what the block had left, receivers read across the gap
//! within their forward window, and the setting is stored with the group.

use super::support::*;
use mls_core::group::{Group, GroupConfig};
use mls_core::secret_tree::OutOfOrderPolicy;
use mls_core::{Error, ProtocolError};
use mls_storage_memory::MemoryStorage;
use std::sync::Arc;

#[test]
fn one_write_per_block_and_a_reload_skips_the_rest_of_it() {
    let store = Faulty::new(Arc::new(MemoryStorage::new()));
    let alice = member("rustcrypto", "alice", store.clone(), 0);
    let bob = member("aws-lc", "bob", Arc::new(MemoryStorage::new()), 0);
    let carol = member("ring", "carol", Arc::new(MemoryStorage::new()), 0);
    let config = GroupConfig {
        reserved_sending_generations: 8,
        ..GroupConfig::default()
    };
    let mut a = Group::create(&alice, SUITE, Default::default(), config).unwrap();
    let out = a
        .add_members(&[key_package(&bob), key_package(&carol)])
        .unwrap();
    a.merge_pending_commit().unwrap();
    let welcome = out.welcome.unwrap();
    let mut b = Group::join(&bob, &welcome, GroupConfig::default()).unwrap();
    // Carol accepts no gap wider than 3 generations.
    let narrow = GroupConfig {
        out_of_order: OutOfOrderPolicy {
            max_forward_jump: 3,
            ..OutOfOrderPolicy::default()
        },
        ..GroupConfig::default()
    };
    let mut c = Group::join(&carol, &welcome, narrow).unwrap();

    let mut wrote = Vec::new();
    for i in 0..20u8 {
        let before = store.writes();
        let m = a.encrypt_application_message(&[i], b"").unwrap();
        if store.writes() > before {
            wrote.push(i);
        }
        expect_app(b.process_and_merge(&m), &[i]);
        expect_app(c.process_and_merge(&m), &[i]);
    }
    assert_eq!(wrote, [0, 8, 16]);

    // Generations 20..23 were reserved and never sent: after a reload the
    // next message is generation 24.
    let alice = member("rustcrypto", "alice", store.clone(), 1);
    let mut a = Group::load(&alice, a.group_id()).unwrap();
    assert_eq!(a.config().reserved_sending_generations, 8);
    let m = a.encrypt_application_message(b"after", b"").unwrap();
    expect_app(b.process_and_merge(&m), b"after");
    match c.process_and_merge(&m) {
        Err(Error::Protocol(ProtocolError::GenerationTooFarAhead {
            generation, next, ..
        })) => assert_eq!((generation, next), (24, 20)),
        other => panic!("expected a jump of 4 refused, got {other:?}"),
    }
}

#[test]
fn one_generation_per_write_writes_every_message() {
    let store = Faulty::new(Arc::new(MemoryStorage::new()));
    let alice = member("rustcrypto", "alice", store.clone(), 0);
    let config = GroupConfig {
        reserved_sending_generations: 1,
        ..GroupConfig::default()
    };
    let mut a = Group::create(&alice, SUITE, Default::default(), config).unwrap();
    for _ in 0..5 {
        let writes = store.writes();
        a.encrypt_application_message(b"m", b"").unwrap();
        assert!(store.writes() > writes);
    }
}

/// A failed block write leaves no reserved key: the retry takes the same
/// generation, and the receiver reads it.
#[test]
fn a_failed_block_write_is_retried_from_the_same_generation() {
    let store = Faulty::new(Arc::new(MemoryStorage::new()));
    let alice = member("rustcrypto", "alice", store.clone(), 0);
    let bob = member("aws-lc", "bob", Arc::new(MemoryStorage::new()), 0);
    let mut a = Group::create(&alice, SUITE, Default::default(), GroupConfig::default()).unwrap();
    let out = a.add_members(&[key_package(&bob)]).unwrap();
    a.merge_pending_commit().unwrap();
    let narrow = GroupConfig {
        out_of_order: OutOfOrderPolicy {
            max_forward_jump: 0,
            ..OutOfOrderPolicy::default()
        },
        ..GroupConfig::default()
    };
    let mut b = Group::join(&bob, &out.welcome.unwrap(), narrow).unwrap();
    store.fail_at(1);
    assert!(a.encrypt_application_message(b"lost", b"").is_err());
    store.fail_at(0);
    // Bob accepts only the very next generation: 0.
    for data in [&b"one"[..], b"two"] {
        let m = a.encrypt_application_message(data, b"").unwrap();
        expect_app(b.process_and_merge(&m), data);
    }
}
