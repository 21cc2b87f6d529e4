//! Joining by external commit stores nothing until the delivery service
//! has accepted the commit (`merge_pending_commit`): a refused commit is
//! dropped with its group, and joining again works.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use interop::clients::{TestProvider, client, seed};
use mls_core::error::{Misuse, StorageErrorKind};
use mls_core::group::{Client, ExternalJoinOptions, Group, GroupConfig, KeyPackageOptions};
use mls_core::{CipherSuite, Error, MlsMessage};

const SUITE: CipherSuite = CipherSuite::MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519;

type G = Group<TestProvider>;

/// Alice and Bob in a group, and a GroupInfo of it for Dave.
fn pair() -> (G, G, MlsMessage) {
    let (a, b, info, _) = pair_with_bob();
    (a, b, info)
}

/// [`pair`], with Bob's client (whose store holds his group).
fn pair_with_bob() -> (G, G, MlsMessage, Client<TestProvider>) {
    let alice = client("rustcrypto", SUITE, "alice", seed(1)).unwrap();
    let bob = client("rustcrypto", SUITE, "bob", seed(2)).unwrap();
    let mut a = Group::create(&alice, SUITE, Default::default(), GroupConfig::default()).unwrap();
    let kp = bob
        .generate_key_package(SUITE, &KeyPackageOptions::default())
        .unwrap();
    let out = a.add_members(&[kp]).unwrap();
    a.merge_pending_commit().unwrap();
    let b = Group::join(&bob, &out.welcome.unwrap(), GroupConfig::default()).unwrap();
    let info = a.group_info(true).unwrap();
    (a, b, info, bob)
}

fn external_join(dave: &Client<TestProvider>, info: &MlsMessage) -> (G, MlsMessage) {
    Group::join_by_external_commit(
        dave,
        info,
        GroupConfig::default(),
        ExternalJoinOptions::default(),
    )
    .unwrap()
}

fn is_unmerged(result: Result<impl std::fmt::Debug, Error>) -> bool {
    matches!(result, Err(Error::Misuse(Misuse::UnmergedExternalJoin)))
}

#[test]
fn a_refused_external_commit_stores_nothing_and_a_retry_joins() {
    let (mut a, mut b, info) = pair();
    let dave = client("rustcrypto", SUITE, "dave", seed(4)).unwrap();
    let (mut refused, _commit) = external_join(&dave, &info);
    let group_id = refused.group_id().to_vec();
    assert!(refused.has_pending_commit());
    assert!(
        dave.group_ids().unwrap().is_empty(),
        "nothing stored before the merge"
    );
    match Group::load(&dave, &group_id) {
        Err(Error::Storage(e)) => assert_eq!(e.kind, StorageErrorKind::NotFound),
        other => panic!("expected NotFound, got {other:?}"),
    }
    // Unusable until merged: it is not a member's state yet.
    assert!(is_unmerged(refused.encrypt_application_message(b"x", b"")));
    assert!(is_unmerged(refused.commit()));
    assert!(is_unmerged(refused.clear_pending_commit()));
    // The delivery service refused the commit: the group is dropped.
    drop(refused);

    let (mut joined, commit) = external_join(&dave, &info);
    joined.merge_pending_commit().unwrap();
    assert!(!joined.has_pending_commit());
    assert_eq!(dave.group_ids().unwrap(), vec![group_id.clone()]);
    a.process_and_merge(&commit).unwrap();
    b.process_and_merge(&commit).unwrap();
    let reloaded = Group::load(&dave, &group_id).unwrap();
    for g in [&a, &b, &joined, &reloaded] {
        assert_eq!(g.epoch(), 2);
        assert_eq!(g.epoch_authenticator(), a.epoch_authenticator());
    }
    let message = joined.encrypt_application_message(b"hi", b"").unwrap();
    a.process_message(&message).unwrap();
}

/// A resync whose commit is refused leaves the stored group as it was.
#[test]
fn a_refused_resync_leaves_the_stored_group() {
    let (_a, bob, info, bob_client) = pair_with_bob();
    let (epoch, leaf, authenticator) = (
        bob.epoch(),
        bob.own_leaf_index(),
        bob.epoch_authenticator().to_vec(),
    );
    let (refused, _) = Group::join_by_external_commit(
        &bob_client,
        &info,
        GroupConfig::default(),
        ExternalJoinOptions {
            remove_prior_leaf: Some(leaf),
            ..Default::default()
        },
    )
    .unwrap();
    drop(refused);
    let stored = Group::load(&bob_client, bob.group_id()).unwrap();
    assert_eq!(stored.epoch(), epoch);
    assert_eq!(stored.own_leaf_index(), leaf);
    assert_eq!(stored.epoch_authenticator(), authenticator);
}
