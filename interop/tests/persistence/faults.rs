//! A storage error at any write of a transition leaves the group as it was,
//! in memory and in storage, and retrying the same call succeeds.

use super::support::*;
use interop::clients::StoredProvider;
use mls_core::group::{Client, Group, GroupConfig};
use mls_core::{Error, MlsMessage};
use std::sync::Arc;

/// Runs `op` with a failure injected at write 1, 2, ... until it succeeds;
/// after each failure the group must be unchanged in memory and in
/// storage. Returns the result and the number of write points tried.
fn inject<T>(
    store: &Faulty,
    client: &Client<StoredProvider>,
    group: &mut Group<StoredProvider>,
    mut op: impl FnMut(&mut Group<StoredProvider>) -> Result<T, Error>,
) -> (T, u64) {
    let mut k = 1;
    loop {
        let before = fingerprint(group);
        store.fail_at(k);
        match op(group) {
            Err(Error::Storage(e)) => {
                assert!(e.message.contains("injected"), "{e}");
                assert_eq!(fingerprint(group), before, "write {k}: memory changed");
                let stored = Group::load(client, group.group_id()).unwrap();
                assert_eq!(fingerprint(&stored), before, "write {k}: storage changed");
                k += 1;
            }
            Ok(value) => {
                store.fail_at(0);
                assert!(k > 1, "the transition wrote nothing");
                return (value, k - 1);
            }
            Err(other) => panic!("write {k}: unexpected error {other}"),
        }
    }
}

#[test]
fn a_failed_write_changes_nothing_and_a_retry_succeeds() {
    for backend in BACKENDS {
        let dir = tempfile::tempdir().unwrap();
        let store = Faulty::new(Store::new(backend, &dir, "alice").open());
        let alice = member("rustcrypto", "alice", store.clone(), 0);
        let bob = member(
            "ring",
            "bob",
            Arc::new(mls_storage_memory::MemoryStorage::new()),
            0,
        );
        let mut counts = Vec::new();

        // Join from a Welcome: the KeyPackage stays until the join is stored.
        let mut b = Group::create(&bob, SUITE, Default::default(), GroupConfig::default()).unwrap();
        let out = b.add_members(&[key_package(&alice)]).unwrap();
        b.merge_pending_commit().unwrap();
        let welcome = out.welcome.unwrap();
        let mut k = 1;
        let mut a = loop {
            store.fail_at(k);
            match Group::join(&alice, &welcome, GroupConfig::default()) {
                Err(Error::Storage(_)) => {
                    assert_eq!(alice.key_packages().unwrap().len(), 1, "write {k}");
                    assert!(alice.group_ids().unwrap().is_empty(), "write {k}");
                    k += 1;
                }
                Ok(group) => break group,
                Err(other) => panic!("{other}"),
            }
        };
        store.fail_at(0);
        assert!(alice.key_packages().unwrap().is_empty());
        counts.push(("join", k - 1));
        assert_agree(&[&a, &b]);

        // Processing another member's commit: staged and discarded (what
        // receiving it spent is stored), then staged and merged.
        let refused = b.self_update().unwrap();
        let (_, n) = inject(&store, &alice, &mut a, |g| {
            match g.process_message(&refused.commit)? {
                mls_core::ProcessedMessage::StagedCommit(s) => g.discard_staged_commit(s),
                other => panic!("expected a staged commit, got {other:?}"),
            }
        });
        counts.push(("discard staged commit", n));
        b.clear_pending_commit().unwrap();
        let out = b.self_update().unwrap();
        b.merge_pending_commit().unwrap();
        let (_, n) = inject(&store, &alice, &mut a, |g| g.process_and_merge(&out.commit));
        counts.push(("process commit", n));
        assert_agree(&[&a, &b]);

        // Creating a commit, then merging it.
        let (out, n) = inject(&store, &alice, &mut a, |g| g.self_update());
        counts.push(("create commit", n));
        let (_, n) = inject(&store, &alice, &mut a, |g| g.merge_pending_commit());
        counts.push(("merge own commit", n));
        b.process_and_merge(&out.commit).unwrap();
        assert_agree(&[&a, &b]);

        // Receiving a proposal, and a message.
        let proposal = b.propose_update().unwrap();
        let (_, n) = inject(&store, &alice, &mut a, |g| g.process_and_merge(&proposal));
        counts.push(("receive proposal", n));
        let out = b.commit().unwrap();
        b.merge_pending_commit().unwrap();
        a.process_and_merge(&out.commit).unwrap();
        let message = b.encrypt_application_message(b"hello", b"").unwrap();
        let (received, n) = inject(&store, &alice, &mut a, |g| g.process_and_merge(&message));
        expect_app(Ok(received), b"hello");
        counts.push(("decrypt", n));

        // Sending a message.
        let (sent, n): (MlsMessage, u64) = inject(&store, &alice, &mut a, |g| {
            g.encrypt_application_message(b"back", b"")
        });
        counts.push(("encrypt", n));
        expect_app(b.process_and_merge(&sent), b"back");
        assert_agree(&[&a, &b]);

        // Being removed: the group turns inactive only once stored.
        let out = b.remove_members(&[a.own_leaf_index()]).unwrap();
        b.merge_pending_commit().unwrap();
        let (_, n) = inject(&store, &alice, &mut a, |g| g.process_and_merge(&out.commit));
        counts.push(("removed", n));
        assert!(!a.is_active());
        assert!(!Group::load(&alice, a.group_id()).unwrap().is_active());
        eprintln!("{backend:?}: write points per transition {counts:?}");
    }
}
