//! A group reloaded from storage continues exactly where it was.

use super::support::*;
use mls_core::group::{Group, GroupConfig, ProcessedMessage};
use mls_core::{Error, Misuse, ProtocolError, StorageErrorKind};

/// Every member restarts after every kind of transition and the group goes
/// on: same fingerprint before and after each reload, messages and commits
/// across restarts, and a message read before a restart is a replay after.
#[test]
fn reloaded_members_continue_on_both_backends() {
    for backend in BACKENDS {
        let dir = tempfile::tempdir().unwrap();
        let mut t = trio(backend, &dir, GroupConfig::default());
        let mut restarts = 0;
        let mut restart_all = |t: &mut Trio| {
            restarts += 1;
            for i in 0..3 {
                let before = fingerprint(&t.groups[i]);
                t.restart(i, restarts);
                assert_eq!(fingerprint(&t.groups[i]), before, "{backend:?} member {i}");
            }
        };
        restart_all(&mut t);

        // Messages; the receiver restarts between two of them.
        let m1 = t.groups[1]
            .encrypt_application_message(b"one", b"")
            .unwrap();
        let m2 = t.groups[1]
            .encrypt_application_message(b"two", b"")
            .unwrap();
        expect_app(t.groups[0].process_and_merge(&m1), b"one");
        restart_all(&mut t);
        expect_app(t.groups[0].process_and_merge(&m2), b"two");
        expect_app(t.groups[2].process_and_merge(&m2), b"two");
        expect_app(t.groups[2].process_and_merge(&m1), b"one");
        restart_all(&mut t);
        // The keys were deleted from storage, not just from memory.
        for (i, m) in [(0, &m1), (2, &m2)] {
            assert!(
                matches!(
                    t.groups[i].process_and_merge(m),
                    Err(Error::Protocol(ProtocolError::GenerationReplayed { .. }))
                ),
                "{backend:?}: a message read before the restart is a replay after it"
            );
        }

        // Proposals cached (several, so their arrival order must survive
        // the reload: commits list them in that order), then a commit
        // pending across a restart.
        let proposal = t.groups[1].propose_update().unwrap();
        let psk_ids: Vec<_> = (0..4u8)
            .map(|i| {
                for c in &t.clients {
                    c.store_external_psk(&[i], &[i; 32]).unwrap();
                }
                t.groups[2].external_psk_id(&[i]).unwrap()
            })
            .collect();
        let mut others = Vec::new();
        for id in psk_ids {
            others.push(t.groups[2].propose_psk(id).unwrap());
        }
        for i in [0, 2] {
            assert!(matches!(
                t.groups[i].process_and_merge(&proposal).unwrap(),
                ProcessedMessage::Proposal(_)
            ));
        }
        for m in &others {
            t.groups[0].process_and_merge(m).unwrap();
            t.groups[1].process_and_merge(m).unwrap();
        }
        restart_all(&mut t);
        assert_eq!(t.groups[0].pending_proposals().count(), 5);
        let out = t.groups[0].commit().unwrap();
        restart_all(&mut t);
        assert!(t.groups[0].has_pending_commit());
        t.groups[0].merge_pending_commit().unwrap();
        // Bob's Update key was stored with the proposal: he can process a
        // commit that applies it only if it survived his restart.
        t.groups[1].process_and_merge(&out.commit).unwrap();
        t.groups[2].process_and_merge(&out.commit).unwrap();
        assert_agree(&[&t.groups[0], &t.groups[1], &t.groups[2]]);
        restart_all(&mut t);

        // Commits from each member after restarts.
        for i in [2, 1, 0] {
            t.update(i);
            restart_all(&mut t);
            assert_agree(&[&t.groups[0], &t.groups[1], &t.groups[2]]);
        }

        // Remove carol; her stored group is inactive after a restart.
        let out = t.groups[0].remove_members(&[2]).unwrap();
        t.groups[0].merge_pending_commit().unwrap();
        t.groups[1].process_and_merge(&out.commit).unwrap();
        t.groups[2].process_and_merge(&out.commit).unwrap();
        restart_all(&mut t);
        assert!(!t.groups[2].is_active());
        assert!(t.groups[0].is_active());
        let m = t.groups[0]
            .encrypt_application_message(b"after", b"")
            .unwrap();
        expect_app(t.groups[1].process_and_merge(&m), b"after");
        assert_agree(&[&t.groups[0], &t.groups[1]]);
    }
}

/// Listing: groups and KeyPackages held; joining consumes the KeyPackage
/// in the same transaction; an active group id cannot be joined twice;
/// deleting a group removes every entry of it.
#[test]
fn listing_uniqueness_and_deletion() {
    for backend in BACKENDS {
        let dir = tempfile::tempdir().unwrap();
        let alice_store = Store::new(backend, &dir, "alice");
        let bob_store = Store::new(backend, &dir, "bob");
        let alice = member("rustcrypto", "alice", alice_store.open(), 0);
        let bob = member("aws-lc", "bob", bob_store.open(), 0);
        assert!(alice.group_ids().unwrap().is_empty());

        let mut g1 =
            Group::create(&alice, SUITE, Default::default(), GroupConfig::default()).unwrap();
        let g2 = Group::create(&alice, SUITE, Default::default(), GroupConfig::default()).unwrap();
        let mut ids = vec![g1.group_id().to_vec(), g2.group_id().to_vec()];
        ids.sort();
        assert_eq!(alice.group_ids().unwrap(), ids, "{backend:?}");

        let kp1 = key_package(&bob);
        let kp2 = key_package(&bob);
        assert_eq!(bob.key_packages().unwrap().len(), 2);
        let out = g1.add_members(std::slice::from_ref(&kp1)).unwrap();
        g1.merge_pending_commit().unwrap();
        let welcome = out.welcome.unwrap();
        let b = Group::join(&bob, &welcome, GroupConfig::default()).unwrap();
        assert_eq!(bob.key_packages().unwrap(), vec![kp2], "{backend:?}");
        assert_eq!(bob.group_ids().unwrap(), vec![b.group_id().to_vec()]);

        // A last-resort KeyPackage is not consumed, so the same Welcome
        // could be used twice: the second join is refused while the group
        // is stored and active (group ids are unique, §12.4.3.1).
        let last_resort = bob
            .generate_key_package(
                SUITE,
                &mls_core::group::KeyPackageOptions {
                    last_resort: true,
                    ..Default::default()
                },
            )
            .unwrap();
        let mut g3 =
            Group::create(&alice, SUITE, Default::default(), GroupConfig::default()).unwrap();
        let out = g3.add_members(&[last_resort]).unwrap();
        g3.merge_pending_commit().unwrap();
        let welcome3 = out.welcome.unwrap();
        let b3 = Group::join(&bob, &welcome3, GroupConfig::default()).unwrap();
        assert_eq!(bob.key_packages().unwrap().len(), 2, "last resort is kept");
        assert!(
            matches!(
                Group::join(&bob, &welcome3, GroupConfig::default()),
                Err(Error::Protocol(
                    mls_core::error::ProtocolError::WelcomeForActiveGroup
                ))
            ),
            "{backend:?}"
        );
        drop((b, b3, welcome));

        // Deleting a group removes it; loading it then is NotFound.
        alice.delete_group(g2.group_id()).unwrap();
        let mut expected = vec![g1.group_id().to_vec(), g3.group_id().to_vec()];
        expected.sort();
        assert_eq!(alice.group_ids().unwrap(), expected);
        match Group::load(&alice, g2.group_id()) {
            Err(Error::Storage(e)) => assert_eq!(e.kind, StorageErrorKind::NotFound),
            other => panic!("{backend:?}: expected NotFound, got {other:?}"),
        }
    }
}

/// A group is loaded only by the client it belongs to: another signature
/// key (a store shared by mistake, a lost signer) is refused by name.
#[test]
fn a_group_loads_only_for_its_own_client() {
    let dir = tempfile::tempdir().unwrap();
    let t = trio(Backend::Memory, &dir, GroupConfig::default());
    let group_id = t.groups[0].group_id().to_vec();
    let store = t.stores[0].open();
    // Same store, another signature key: overwrite alice's stored key.
    let other =
        interop::clients::client("rustcrypto", SUITE, "alice", interop::clients::seed(99)).unwrap();
    let impostor = mls_core::group::Client::new(
        interop::clients::StoredProvider::new(
            interop::clients::crypto("rustcrypto").unwrap(),
            Box::new(interop::SeededRand::new(interop::clients::seed(98))),
            store,
        ),
        mls_core::credential::Credential::basic(b"alice".to_vec()),
        mls_core::crypto::generate_signer(
            other.provider().crypto.cipher_suite(SUITE).unwrap(),
            &interop::SeededRand::new(interop::clients::seed(97)),
        )
        .unwrap(),
    );
    assert!(matches!(
        Group::load(&impostor, &group_id),
        Err(Error::Misuse(Misuse::GroupOfAnotherClient))
    ));
    assert!(Group::load(&t.clients[0], &group_id).is_ok());
}

/// A group on a post-quantum suite reloads like any other: X-Wing with
/// ML-DSA-44 (0x0052) and ML-KEM-1024 with ML-DSA-87 (0x0907), whose tree
/// keys are seeds and whose signature keys are ML-DSA seeds, on both
/// stores. Every reload gives the same fingerprint; messages and commits
/// cross the restarts.
#[test]
fn a_post_quantum_group_reloads_and_continues() {
    use interop::clients::{client_on_storage, seed};
    use mls_core::CipherSuite;
    for suite in [
        CipherSuite::MLS_128_MLKEM768X25519_CHACHA20POLY1305_SHA384_MLDSA44,
        CipherSuite::MLS_256_MLKEM1024_AES256GCM_SHA384_MLDSA87,
    ] {
        for backend in BACKENDS {
            let dir = tempfile::tempdir().unwrap();
            let stores = [
                Store::new(backend, &dir, "alice"),
                Store::new(backend, &dir, "bob"),
            ];
            let client = |i: usize, restart: u64| {
                let storage = stores[i].open();
                client_on_storage(
                    "rustcrypto",
                    suite,
                    NAMES[i],
                    seed(10 * i as u64 + restart),
                    storage,
                )
                .unwrap()
            };
            let alice = client(0, 0);
            let bob = client(1, 0);
            let mut a =
                Group::create(&alice, suite, Default::default(), GroupConfig::default()).unwrap();
            let kp = bob
                .generate_key_package(suite, &mls_core::group::KeyPackageOptions::default())
                .unwrap();
            let out = a.add_members(&[kp]).unwrap();
            a.merge_pending_commit().unwrap();
            let b = Group::join(&bob, &out.welcome.unwrap(), GroupConfig::default()).unwrap();
            let mut groups = [a, b];
            let reload = |groups: &mut [Group<_>; 2], restart: u64| {
                for (i, g) in groups.iter_mut().enumerate() {
                    let before = fingerprint(g);
                    let id = g.group_id().to_vec();
                    *g = Group::load(&client(i, restart), &id).unwrap();
                    assert_eq!(fingerprint(g), before, "{suite:?} {backend:?} member {i}");
                }
            };
            reload(&mut groups, 1);

            let m = groups[1].encrypt_application_message(b"pq", b"").unwrap();
            expect_app(groups[0].process_and_merge(&m), b"pq");
            let out = groups[1].self_update().unwrap();
            reload(&mut groups, 2);
            groups[1].merge_pending_commit().unwrap();
            groups[0].process_and_merge(&out.commit).unwrap();
            assert_agree(&[&groups[0], &groups[1]]);
            reload(&mut groups, 3);
            let m = groups[0]
                .encrypt_application_message(b"after", b"")
                .unwrap();
            expect_app(groups[1].process_and_merge(&m), b"after");
            assert_eq!(groups[0].epoch(), 2);
        }
    }
}
