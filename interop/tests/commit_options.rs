//! Options the interop harness needs and any application may use: the
//! tree out of band for one commit's Welcome, a path in the first commit
//! of a re-initialized or branched group, a re-initialization to a suite
//! with another signature scheme, and the private keys of a KeyPackage.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use interop::clients::{TestProvider, client_builder, seed};
use mls_core::group::{
    Client, DefaultRules, Group, GroupConfig, JoinOptions, KeyPackageOptions, SigningIdentity,
};
use mls_core::{CipherSuite, Error, ProtocolError};

const ED25519: CipherSuite = CipherSuite::MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519;
const P256: CipherSuite = CipherSuite::MLS_128_DHKEMP256_AES128GCM_SHA256_P256;

/// A client whose default key is for `suite`, whose leaves advertise both
/// suites.
fn client(backend: &str, suite: CipherSuite, name: &str, n: u64) -> Client<TestProvider> {
    client_builder(backend, suite, name, seed(n))
        .unwrap()
        .cipher_suites(&[ED25519, P256])
        .rules(DefaultRules::open())
        .build()
}

fn kp(c: &Client<TestProvider>, suite: CipherSuite) -> mls_core::key_package::KeyPackage {
    c.generate_key_package(suite, &KeyPackageOptions::default())
        .unwrap()
}

#[test]
fn a_welcome_without_the_tree_comes_with_it_out_of_band() {
    let alice = client("rustcrypto", ED25519, "alice", 1);
    let bob = client("ring", ED25519, "bob", 2);
    let carol = client("aws-lc", ED25519, "carol", 3);
    let mut group =
        Group::create(&alice, ED25519, Default::default(), GroupConfig::default()).unwrap();

    let out = group
        .commit_builder()
        .add_member(kp(&bob, ED25519))
        .ratchet_tree_in_welcome(false)
        .build()
        .unwrap();
    let tree = out
        .ratchet_tree
        .clone()
        .expect("the tree is returned when the Welcome lacks it");
    group.merge_pending_commit().unwrap();
    assert_eq!(tree, group.ratchet_tree(), "the new epoch's tree");
    let welcome = out.welcome.unwrap();
    assert_eq!(
        Group::join(&bob, &welcome, GroupConfig::default()).unwrap_err(),
        Error::Protocol(ProtocolError::RatchetTreeMissing)
    );
    let joined = Group::join_with_options(
        &bob,
        &welcome,
        GroupConfig::default(),
        JoinOptions {
            ratchet_tree: Some(tree),
            resumed_group: None,
        },
    )
    .unwrap();
    assert_eq!(joined.epoch_authenticator(), group.epoch_authenticator());

    // The group's own setting is untouched: the next Welcome carries the
    // tree again, and nothing is returned beside it.
    let out = group.add_members(&[kp(&carol, ED25519)]).unwrap();
    assert!(out.ratchet_tree.is_none());
    group.merge_pending_commit().unwrap();
    let carol_group = Group::join(&carol, &out.welcome.unwrap(), GroupConfig::default()).unwrap();
    assert_eq!(
        carol_group.epoch_authenticator(),
        group.epoch_authenticator()
    );
}

#[test]
fn key_package_private_keys_are_the_package_s_and_go_with_the_join() {
    let alice = client("rustcrypto", ED25519, "alice", 4);
    let bob = client("aws-lc", ED25519, "bob", 5);
    let package = kp(&bob, ED25519);
    let crypto = interop::clients::crypto("aws-lc").unwrap();
    let cs = crypto.cipher_suite(ED25519).unwrap();
    let reference = package.reference(cs).unwrap();
    let keys = bob
        .key_package_private_keys(&reference)
        .unwrap()
        .expect("held");
    assert!(!format!("{keys:?}").contains(&format!("{:?}", keys.init_private.as_bytes())));

    // Another device of bob's (the same key: the same seed) imports the
    // package with these keys and joins with them, so they are the
    // package's private keys.
    let device = client("aws-lc", ED25519, "bob", 5);
    device
        .import_key_package(
            &package,
            keys.init_private.as_bytes(),
            keys.encryption_private.as_bytes(),
        )
        .unwrap();
    let mut group =
        Group::create(&alice, ED25519, Default::default(), GroupConfig::default()).unwrap();
    let out = group.add_members(std::slice::from_ref(&package)).unwrap();
    group.merge_pending_commit().unwrap();
    let welcome = out.welcome.unwrap();
    let on_device = Group::join(&device, &welcome, GroupConfig::default()).unwrap();
    assert_eq!(on_device.epoch_authenticator(), group.epoch_authenticator());
    let joined = Group::join(&bob, &welcome, GroupConfig::default()).unwrap();
    assert_eq!(joined.epoch_authenticator(), group.epoch_authenticator());
    assert!(
        bob.key_package_private_keys(&reference).unwrap().is_none(),
        "a join consumes the package's keys"
    );
}

#[test]
fn reinit_and_branch_put_a_path_in_their_first_commit_when_asked() {
    let alice = client("rustcrypto", ED25519, "alice", 7);
    let bob = client("ring", ED25519, "bob", 8);
    let mut group =
        Group::create(&alice, ED25519, Default::default(), GroupConfig::default()).unwrap();
    let out = group.add_members(&[kp(&bob, ED25519)]).unwrap();
    group.merge_pending_commit().unwrap();
    let mut bob_group = Group::join(&bob, &out.welcome.unwrap(), GroupConfig::default()).unwrap();

    for force_path in [false, true] {
        let (mut branch, out) = group
            .branch_with(
                format!("branch-{force_path}").as_bytes(),
                Default::default(),
                &[kp(&bob, ED25519)],
                GroupConfig::default(),
                force_path,
            )
            .unwrap();
        assert_eq!(out.has_path, force_path);
        branch.merge_pending_commit().unwrap();
        let bob_branch = join_resuming(&bob, &out.welcome.unwrap(), &bob_group);
        assert_eq!(
            bob_branch.epoch_authenticator(),
            branch.epoch_authenticator()
        );
    }

    let out = group
        .commit_builder()
        .reinit(b"next", ED25519, Default::default())
        .build()
        .unwrap();
    group.merge_pending_commit().unwrap();
    bob_group.process_and_merge(&out.commit).unwrap();
    let (mut next, out) = group
        .reinit_successor_with(&[kp(&bob, ED25519)], GroupConfig::default(), true)
        .unwrap();
    assert!(out.has_path);
    next.merge_pending_commit().unwrap();
    let bob_next = join_resuming(&bob, &out.welcome.unwrap(), &bob_group);
    assert_eq!(bob_next.epoch_authenticator(), next.epoch_authenticator());
}

/// §11.2 lets a ReInit change the cipher suite, and with it the signature
/// scheme: the member who creates the new group signs there with the key
/// it made for the new suite, not with its default (Ed25519) key.
#[test]
fn a_reinit_to_a_suite_with_another_signature_scheme() {
    let alice = client("rustcrypto", ED25519, "alice", 9);
    let bob = client("aws-lc", ED25519, "bob", 10);
    let mut group =
        Group::create(&alice, ED25519, Default::default(), GroupConfig::default()).unwrap();
    let out = group.add_members(&[kp(&bob, ED25519)]).unwrap();
    group.merge_pending_commit().unwrap();
    let mut bob_group = Group::join(&bob, &out.welcome.unwrap(), GroupConfig::default()).unwrap();

    let out = bob_group
        .commit_builder()
        .reinit(b"p256", P256, Default::default())
        .build()
        .unwrap();
    bob_group.merge_pending_commit().unwrap();
    group.process_and_merge(&out.commit).unwrap();

    // Without a P-256 key, alice cannot create the new group.
    let bob_p256 = p256_identity(&bob, "bob", 11);
    let bob_kp = bob
        .generate_key_package_as(&bob_p256, P256, &KeyPackageOptions::default())
        .unwrap();
    assert!(matches!(
        group.reinit_successor(std::slice::from_ref(&bob_kp), GroupConfig::default()),
        Err(Error::Misuse(
            mls_core::Misuse::SignatureSchemeMismatch { .. }
        ))
    ));
    // With one (made for her KeyPackage in the new suite), she signs with it.
    let alice_p256 = p256_identity(&alice, "alice", 12);
    let _ = alice
        .generate_key_package_as(&alice_p256, P256, &KeyPackageOptions::default())
        .unwrap();
    let (mut next, out) = group
        .reinit_successor(&[bob_kp], GroupConfig::default())
        .unwrap();
    next.merge_pending_commit().unwrap();
    assert_eq!(next.cipher_suite(), P256);
    let own = next.member(next.own_leaf_index()).unwrap();
    assert_eq!(own.signature_key, alice_p256.signature_key());
    let bob_next = join_resuming(&bob, &out.welcome.unwrap(), &bob_group);
    assert_eq!(bob_next.epoch_authenticator(), next.epoch_authenticator());
}

/// Joins a reinit or branch Welcome, resuming `old`.
fn join_resuming(
    client: &Client<TestProvider>,
    welcome: &mls_core::MlsMessage,
    old: &Group<TestProvider>,
) -> Group<TestProvider> {
    Group::join_with_options(
        client,
        welcome,
        GroupConfig::default(),
        JoinOptions {
            ratchet_tree: None,
            resumed_group: Some(old),
        },
    )
    .unwrap()
}

/// A P-256 identity for `client`'s credential.
fn p256_identity(client: &Client<TestProvider>, name: &str, n: u64) -> SigningIdentity {
    let crypto = interop::clients::crypto("rustcrypto").unwrap();
    let rand = interop::SeededRand::new(seed(n));
    let signer =
        mls_core::crypto::generate_signer(crypto.cipher_suite(P256).unwrap(), &rand).unwrap();
    let _ = name;
    SigningIdentity::new(client.credential().clone(), signer)
}
