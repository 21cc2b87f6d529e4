//! Deletion schedule and out-of-order rules of the secret tree (§9.2), on
//! the deterministic toy suite. Key values are checked against the official
//! vectors in `interop`; here only the bookkeeping is.

use super::*;
use crate::error::ProtocolError;
use crate::test_provider::ToySuite;

fn tree(leaves: u32, policy: OutOfOrderPolicy) -> SecretTree {
    SecretTree::new(
        Secret::new(vec![1; 32]),
        TreeSize::from_leaf_count(leaves).unwrap(),
        policy,
    )
}

fn receive(t: &mut SecretTree, leaf: u32, generation: u32) -> Result<MessageKey, Error> {
    let (key, pending) = t.key_for_receiving(
        &ToySuite,
        LeafIndex(leaf),
        RatchetKind::Application,
        generation,
    )?;
    t.commit_received(pending)?;
    Ok(key)
}

fn protocol(r: Result<MessageKey, Error>) -> ProtocolError {
    match r {
        Err(Error::Protocol(e)) => e,
        other => panic!("expected a protocol error, got {other:?}"),
    }
}

#[test]
fn node_secrets_are_deleted_as_children_are_derived() {
    let mut t = tree(8, OutOfOrderPolicy::default());
    assert_eq!(t.held_node_secrets(), 1);
    // Deriving leaf 0 consumes the root and its path, keeping the three
    // copath siblings (nodes 11, 5, 2).
    t.next_sending_key(&ToySuite, LeafIndex(0), RatchetKind::Handshake)
        .unwrap();
    assert_eq!(t.held_node_secrets(), 3);
    for leaf in 1..8 {
        t.next_sending_key(&ToySuite, LeafIndex(leaf), RatchetKind::Application)
            .unwrap();
    }
    assert_eq!(t.held_node_secrets(), 0);
}

#[test]
fn sending_and_receiving_agree_and_keys_are_used_once() {
    let mut sender = tree(4, OutOfOrderPolicy::default());
    let mut receiver = sender.clone();
    for expected in 0..5 {
        let (generation, key) = sender
            .next_sending_key(&ToySuite, LeafIndex(3), RatchetKind::Application)
            .unwrap();
        assert_eq!(generation, expected);
        assert_eq!(receive(&mut receiver, 3, generation).unwrap(), key);
        assert_eq!(
            protocol(receive(&mut receiver, 3, generation)),
            ProtocolError::GenerationReplayed {
                generation,
                ratchet: "application"
            }
        );
    }
    // The two ratchets of a leaf are independent.
    let (g, _) = sender
        .next_sending_key(&ToySuite, LeafIndex(3), RatchetKind::Handshake)
        .unwrap();
    assert_eq!(g, 0);
}

#[test]
fn a_receive_that_is_not_committed_changes_nothing() {
    let t = tree(2, OutOfOrderPolicy::default());
    let before = t.clone();
    let (_, pending) = t
        .key_for_receiving(&ToySuite, LeafIndex(1), RatchetKind::Application, 500)
        .unwrap();
    drop(pending);
    assert_eq!(t, before);
}

#[test]
fn a_stale_pending_receive_is_refused() {
    let mut t = tree(2, OutOfOrderPolicy::default());
    let (_, first) = t
        .key_for_receiving(&ToySuite, LeafIndex(1), RatchetKind::Application, 0)
        .unwrap();
    let (_, second) = t
        .key_for_receiving(&ToySuite, LeafIndex(1), RatchetKind::Application, 1)
        .unwrap();
    t.commit_received(first).unwrap();
    assert_eq!(
        t.commit_received(second),
        Err(Misuse::StalePendingRatchet.into())
    );
    // Generation 0 stays used.
    assert!(matches!(
        protocol(receive(&mut t, 1, 0)),
        ProtocolError::GenerationReplayed { .. }
    ));
}

#[test]
fn skipped_keys_are_bounded_and_the_window_slides() {
    let policy = OutOfOrderPolicy {
        max_skipped_keys: 3,
        ..OutOfOrderPolicy::default()
    };
    let mut t = tree(2, policy);
    receive(&mut t, 0, 10).unwrap();
    assert_eq!(t.skipped_keys(LeafIndex(0), RatchetKind::Application), 3);
    receive(&mut t, 0, 8).unwrap();
    assert_eq!(t.skipped_keys(LeafIndex(0), RatchetKind::Application), 2);
    assert_eq!(
        protocol(receive(&mut t, 0, 6)),
        ProtocolError::GenerationTooOld {
            generation: 6,
            ratchet: "application",
            oldest: 7
        }
    );
    assert!(matches!(
        protocol(receive(&mut t, 0, 8)),
        ProtocolError::GenerationReplayed { generation: 8, .. }
    ));
    // Moving on drops keys that leave the window.
    receive(&mut t, 0, 12).unwrap();
    assert_eq!(t.skipped_keys(LeafIndex(0), RatchetKind::Application), 2);
    assert!(matches!(
        protocol(receive(&mut t, 0, 7)),
        ProtocolError::GenerationTooOld { .. }
    ));
    receive(&mut t, 0, 9).unwrap();
    receive(&mut t, 0, 11).unwrap();
    assert_eq!(t.skipped_keys(LeafIndex(0), RatchetKind::Application), 0);
}

#[test]
fn no_skipped_keys_means_strict_order() {
    let policy = OutOfOrderPolicy {
        max_skipped_keys: 0,
        ..OutOfOrderPolicy::default()
    };
    let mut t = tree(2, policy);
    receive(&mut t, 0, 2).unwrap();
    assert!(matches!(
        protocol(receive(&mut t, 0, 1)),
        ProtocolError::GenerationTooOld { .. }
    ));
}

#[test]
fn forward_jump_bound_is_checked_before_deriving() {
    let policy = OutOfOrderPolicy {
        max_forward_jump: 10,
        ..OutOfOrderPolicy::default()
    };
    let mut t = tree(2, policy);
    assert_eq!(
        protocol(receive(&mut t, 0, 11)),
        ProtocolError::GenerationTooFarAhead {
            generation: 11,
            next: 0,
            max_jump: 10,
            ratchet: "application"
        }
    );
    assert!(matches!(
        protocol(receive(&mut t, 0, u32::MAX)),
        ProtocolError::GenerationTooFarAhead { .. }
    ));
    // The leaf was not even derived.
    assert_eq!(t.held_node_secrets(), 1);
    receive(&mut t, 0, 10).unwrap();
}

#[test]
fn leaves_outside_the_tree_are_refused() {
    let mut t = tree(4, OutOfOrderPolicy::default());
    for leaf in [4, u32::MAX / 2, u32::MAX] {
        assert_eq!(
            t.next_sending_key(&ToySuite, LeafIndex(leaf), RatchetKind::Handshake)
                .unwrap_err(),
            Misuse::LeafOutOfRange {
                leaf,
                leaf_count: 4
            }
            .into()
        );
    }
}
