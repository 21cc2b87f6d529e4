//! A commit writes the tree nodes it changed and the epoch's state, so the
//! bytes written per commit grow with log N, not with N (DESIGN
//! "Performance shape"). The benchmark (`benches/persist.rs`) measures
//! the same at 1,000 and 10,000 members on SQLite.

use super::support::*;
use interop::clients::{client, seed};
use mls_core::group::{Group, GroupConfig, KeyPackageOptions};
use mls_storage_memory::MemoryStorage;
use std::sync::Arc;

/// Writes and bytes written by a member processing an update commit in a
/// group of `n`, averaged over a few commits from different members.
fn per_commit(n: usize) -> (f64, f64) {
    let creator = client("rustcrypto", SUITE, "creator", seed(1)).unwrap();
    let store = Faulty::new(Arc::new(MemoryStorage::new()));
    let receiver = member("rustcrypto", "receiver", store.clone(), 0);
    let config = GroupConfig {
        ratchet_tree_in_welcome: true,
        ..GroupConfig::default()
    };
    let mut g = Group::create(&creator, SUITE, Default::default(), config.clone()).unwrap();
    let mut kps = vec![key_package(&receiver)];
    let others: Vec<_> = (2..n)
        .map(|i| client("rustcrypto", SUITE, &format!("m{i}"), seed(i as u64)).unwrap())
        .collect();
    for c in &others {
        kps.push(
            c.generate_key_package(SUITE, &KeyPackageOptions::default())
                .unwrap(),
        );
    }
    let out = g.add_members(&kps).unwrap();
    g.merge_pending_commit().unwrap();
    let mut r = Group::join(&receiver, &out.welcome.unwrap(), config).unwrap();
    let (writes0, bytes0) = (store.writes(), store.bytes());
    let commits = 4;
    for _ in 0..commits {
        let out = g.self_update().unwrap();
        g.merge_pending_commit().unwrap();
        r.process_and_merge(&out.commit).unwrap();
    }
    assert_eq!(r.epoch_authenticator(), g.epoch_authenticator());
    (
        (store.writes() - writes0) as f64 / f64::from(commits),
        (store.bytes() - bytes0) as f64 / f64::from(commits),
    )
}

#[test]
fn bytes_written_per_commit_grow_with_log_n() {
    let (w_small, b_small) = per_commit(16);
    let (w_large, b_large) = per_commit(256);
    eprintln!(
        "per processed commit: N=16 {w_small} writes {b_small} bytes; \
         N=256 {w_large} writes {b_large} bytes"
    );
    // 16 times the members: a log-N write set grows by 8/4 = 2x in path
    // length; a whole-tree rewrite would grow 16x.
    assert!(b_large < 2.5 * b_small, "{b_small} -> {b_large} bytes");
    // Per level of the tree a commit writes at most: the path node, the
    // secret-tree sibling its handshake key's derivation left, and the
    // deletion of that sibling two epochs later. 4 levels more here.
    assert!(
        w_large <= w_small + 3.0 * 4.0,
        "{w_small} -> {w_large} writes"
    );
    // Absolute bound: a path of 8 parents plus one leaf and the epoch's
    // records, far from 256 leaves' worth (about 60 KB).
    assert!(b_large < 8_000.0, "{b_large} bytes per commit at N=256");
}
