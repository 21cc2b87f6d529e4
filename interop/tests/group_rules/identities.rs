//! Identities that rotate: a signer per group, a commit or Update that
//! changes the signature key and credential (the new leaf signed by the new
//! key, §7.3), and `Group::load` finding the group's signer by its key.

use super::support::*;
use interop::SeededRand;
use interop::clients::{client_on_storage, seed};
use mls_core::credential::Credential;
use mls_core::crypto::generate_signer;
use mls_core::extensions::Extensions;
use mls_core::group::{Group, GroupConfig, ProcessedMessage, SigningIdentity};
use mls_core::provider::{CryptoProvider, StorageProvider};
use mls_core::{Error, Misuse};
use std::sync::Arc;

fn identity(name: &str, n: u64) -> SigningIdentity {
    let crypto = interop::clients::crypto(BACKEND).unwrap();
    let signer = generate_signer(
        crypto.cipher_suite(SUITE).unwrap(),
        &SeededRand::new(seed(n)),
    )
    .unwrap();
    SigningIdentity::new(Credential::basic(name.as_bytes().to_vec()), signer)
}

fn expect_from(g: &mut Group<interop::clients::TestProvider>, m: &mls_core::MlsMessage) -> Vec<u8> {
    match g.process_message(m).unwrap() {
        ProcessedMessage::Application(a) => a.sender.signature_key,
        other => panic!("expected application data, got {other:?}"),
    }
}

/// A group created with its own identity signs with it; the client's
/// other groups keep the default key, so the two cannot be linked by key.
#[test]
fn a_group_signs_with_its_own_identity() {
    let alice = member("alice", 1);
    let bob = member("bob", 2);
    let per_group = identity("alice", 20);
    let mut a = Group::create_with_identity(
        &alice,
        &per_group,
        SUITE,
        Extensions::new(),
        GroupConfig::default(),
    )
    .unwrap();
    let kp = bob
        .generate_key_package(SUITE, &Default::default())
        .unwrap();
    let out = a.add_members(&[kp]).unwrap();
    a.merge_pending_commit().unwrap();
    let mut b = Group::join(&bob, &out.welcome.unwrap(), GroupConfig::default()).unwrap();
    let m = a.encrypt_application_message(b"hi", b"").unwrap();
    assert_eq!(expect_from(&mut b, &m), per_group.signature_key());
    assert_ne!(per_group.signature_key(), alice.signer().public_key());

    let other = group_of(&alice, &[], Extensions::new());
    assert_eq!(
        other[0].member(0).unwrap().signature_key,
        alice.signer().public_key()
    );
}

/// A commit whose path carries a new credential and signature key: every
/// member accepts it (the validator's successor rule allows it), the group
/// then signs with the new key, and a joiner verifies the GroupInfo signed
/// by it.
#[test]
fn a_commit_rotates_the_signature_key_and_credential() {
    let alice = builder("alice", 1).credential_validator(Renewals).build();
    let bob = builder("bob", 2).credential_validator(Renewals).build();
    let carol = builder("carol", 3).credential_validator(Renewals).build();
    let mut groups = group_of(&alice, &[&bob, &carol], Extensions::new());
    let renewed = identity("bob#2", 21);
    let out = groups[1]
        .commit_builder()
        .identity(renewed.clone())
        .build()
        .unwrap();
    groups[1].merge_pending_commit().unwrap();
    for i in [0, 2] {
        let ProcessedMessage::Commit(s) = groups[i].process_and_merge(&out.commit).unwrap() else {
            panic!("expected a commit");
        };
        let update = s.committer_update.unwrap();
        assert_eq!(update.before.signature_key, bob.signer().public_key());
        assert_eq!(update.after.signature_key, renewed.signature_key());
        assert_eq!(name(&update.after.credential), b"bob#2");
    }
    let m = groups[1]
        .encrypt_application_message(b"new key", b"")
        .unwrap();
    assert_eq!(expect_from(&mut groups[0], &m), renewed.signature_key());

    // Bob's next commit adds Dave; Dave checks the GroupInfo Bob signed
    // with his new key, and Bob's own leaf in the tree he receives.
    let dave = member("dave", 4);
    let kp = dave
        .generate_key_package(SUITE, &Default::default())
        .unwrap();
    let out = groups[1].add_members(&[kp]).unwrap();
    groups[1].merge_pending_commit().unwrap();
    let d = Group::join(&dave, &out.welcome.unwrap(), GroupConfig::default()).unwrap();
    assert_eq!(d.member(1).unwrap().signature_key, renewed.signature_key());
    groups[0].process_and_merge(&out.commit).unwrap();
    assert_eq!(d.epoch_authenticator(), groups[0].epoch_authenticator());

    // With the default successor rule the same rotation is refused.
    let strict = member("erin", 5);
    let mut g = group_of(&strict, &[&carol], Extensions::new());
    let out = g[1]
        .commit_builder()
        .identity(identity("mallory", 22))
        .build()
        .unwrap();
    assert!(matches!(
        g[0].process_message(&out.commit),
        Err(Error::Protocol(
            mls_core::ProtocolError::CredentialNotSuccessor { .. }
        ))
    ));
}

/// An Update proposal with a new identity, committed by another member:
/// the proposer's group signs with the new key once the commit is merged.
#[test]
fn an_update_rotates_the_identity_when_committed() {
    let alice = builder("alice", 1).credential_validator(Renewals).build();
    let bob = builder("bob", 2).credential_validator(Renewals).build();
    let mut groups = group_of(&alice, &[&bob], Extensions::new());
    let renewed = identity("bob#2", 23);
    let proposal = groups[1]
        .propose_update_with_identity(renewed.clone())
        .unwrap();
    groups[0].process_message(&proposal).unwrap();
    let out = groups[0].commit().unwrap();
    groups[0].merge_pending_commit().unwrap();
    groups[1].process_and_merge(&out.commit).unwrap();
    assert_eq!(
        groups[0].epoch_authenticator(),
        groups[1].epoch_authenticator()
    );
    let m = groups[1]
        .encrypt_application_message(b"rotated", b"")
        .unwrap();
    assert_eq!(expect_from(&mut groups[0], &m), renewed.signature_key());
}

/// `Group::load` finds the group's signer among the client's identities by
/// the key in its leaf; a client that does not hold it is refused.
#[test]
fn load_finds_the_signer_by_the_stored_key() {
    let storage: Arc<dyn StorageProvider> = Arc::new(mls_storage_memory::MemoryStorage::new());
    let alice = client_on_storage(BACKEND, SUITE, "alice", seed(1), Arc::clone(&storage)).unwrap();
    let per_group = identity("alice", 24);
    let g = Group::create_with_identity(
        &alice,
        &per_group,
        SUITE,
        Extensions::new(),
        GroupConfig::default(),
    )
    .unwrap();
    let id = g.group_id().to_vec();
    drop(g);

    // After a restart: the same storage, a new client.
    let restarted =
        client_on_storage(BACKEND, SUITE, "alice", seed(2), Arc::clone(&storage)).unwrap();
    assert!(matches!(
        Group::load(&restarted, &id),
        Err(Error::Misuse(Misuse::GroupOfAnotherClient))
    ));
    restarted.add_identity(per_group.clone());
    let mut g = Group::load(&restarted, &id).unwrap();
    let out = g.self_update().unwrap();
    g.merge_pending_commit().unwrap();
    assert_eq!(
        g.member(0).unwrap().signature_key,
        per_group.signature_key()
    );
    drop(out);
}
