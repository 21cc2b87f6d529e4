//! The Authentication Service hook (§5.3.1): it sees every new credential
//! with the group id and the time, and a member's old credential when the
//! member replaces it.

use super::support::*;
use interop::clients::TEST_TIME;
use mls_core::codec::{VarBytes, VarVec};
use mls_core::credential::{Credential, CredentialCheck, CredentialUse, CredentialValidator};
use mls_core::extensions::{ExtensionBody, Extensions, ExternalSender, ExternalSenders};
use mls_core::{Error, ProtocolError};
use std::sync::{Arc, Mutex};

/// One question to the validator: usage, group id, time, predecessor.
type Seen = (CredentialUse, Option<Vec<u8>>, u64, Option<Credential>);

/// Accepts every credential except external senders named "rogue", and
/// records what it was asked.
#[derive(Clone, Default)]
struct Recording {
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl CredentialValidator for Recording {
    fn validate(&self, check: &CredentialCheck<'_>) -> Result<(), String> {
        self.seen.lock().unwrap().push((
            check.usage,
            check.group_id.map(<[u8]>::to_vec),
            check.time,
            check.predecessor.map(|(c, _)| c.clone()),
        ));
        if check.usage == CredentialUse::ExternalSender && name(check.credential) == b"rogue" {
            return Err("rogue is not one of our servers".to_owned());
        }
        Ok(())
    }
}

fn senders(identity: &[u8]) -> Extensions {
    let senders = ExternalSenders(VarVec::new(vec![ExternalSender {
        signature_key: VarBytes::from(vec![7u8; 32]),
        credential: Credential::basic(identity.to_vec()),
    }]));
    Extensions::from_vec(vec![senders.to_extension().unwrap()])
}

/// A member's proposal to add an `external_senders` entry whose
/// credential the validator rejects is refused, alone and in a commit.
#[test]
fn a_rejected_external_sender_credential_is_refused() {
    let validator = Recording::default();
    let alice = builder("alice", 1)
        .credential_validator(validator.clone())
        .build();
    let bob = member("bob", 2);
    let mut groups = group_of(&alice, &[&bob], Extensions::new());
    let proposal = groups[1]
        .propose_group_context_extensions(senders(b"rogue"))
        .unwrap();
    let before = snapshot(&groups[0]);
    match groups[0].process_message(&proposal) {
        Err(Error::Protocol(ProtocolError::CredentialRejected { reason })) => {
            assert!(
                reason.contains("rogue is not one of our servers"),
                "{reason}"
            )
        }
        other => panic!("expected CredentialRejected, got {other:?}"),
    }
    assert_unchanged(&groups[0], &alice, &before);
    let seen = validator.seen.lock().unwrap().last().cloned().unwrap();
    assert_eq!(seen.0, CredentialUse::ExternalSender);
    assert_eq!(seen.1.as_deref(), Some(groups[0].group_id()));
    assert_eq!(seen.2, TEST_TIME);

    let out = groups[1]
        .commit_builder()
        .include_received_proposals(false)
        .group_context_extensions(senders(b"rogue"))
        .build()
        .unwrap();
    assert!(matches!(
        groups[0].process_message(&out.commit),
        Err(Error::Protocol(ProtocolError::CredentialRejected { .. }))
    ));
    assert_unchanged(&groups[0], &alice, &before);

    // A server the validator accepts goes in.
    groups[1].clear_pending_commit().unwrap();
    let out = groups[1]
        .commit_builder()
        .include_received_proposals(false)
        .group_context_extensions(senders(b"server"))
        .build()
        .unwrap();
    let summary = match groups[0].process_and_merge(&out.commit).unwrap() {
        mls_core::ProcessedMessage::Commit(s) => s,
        other => panic!("expected a commit, got {other:?}"),
    };
    assert!(summary.extensions.is_some());
}

/// A commit whose path changes the committer's credential to one that is
/// not a valid successor is refused (the default successor rule allows no
/// change of credential); the validator saw the old credential.
#[test]
fn a_credential_change_that_is_not_a_successor_is_refused() {
    let validator = Recording::default();
    let alice = builder("alice", 1)
        .credential_validator(validator.clone())
        .build();
    let bob = member("bob", 2);
    let mut groups = group_of(&alice, &[&bob], Extensions::new());
    let out = groups[1]
        .commit_builder()
        .credential(Credential::basic(b"mallory".to_vec()))
        .build()
        .unwrap();
    let before = snapshot(&groups[0]);
    match groups[0].process_message(&out.commit) {
        Err(Error::Protocol(ProtocolError::CredentialNotSuccessor { reason })) => {
            assert!(reason.contains("credential changed"), "{reason}")
        }
        other => panic!("expected CredentialNotSuccessor, got {other:?}"),
    }
    assert_unchanged(&groups[0], &alice, &before);
    let seen = validator.seen.lock().unwrap().last().cloned().unwrap();
    assert_eq!(seen.0, CredentialUse::Commit);
    assert_eq!(seen.3, Some(Credential::basic(b"bob".to_vec())));

    // The same commit with Bob's own credential is accepted.
    groups[1].clear_pending_commit().unwrap();
    let out = groups[1].self_update().unwrap();
    groups[1].merge_pending_commit().unwrap();
    groups[0].process_and_merge(&out.commit).unwrap();
    assert_eq!(
        groups[0].epoch_authenticator(),
        groups[1].epoch_authenticator()
    );
}

/// A validator whose successor rule allows a basic identity to gain a
/// suffix ([`Renewals`]) lets the change through, and every member then
/// names the committer by its new credential.
#[test]
fn a_valid_successor_is_accepted() {
    let alice = builder("alice", 1).credential_validator(Renewals).build();
    let bob = member("bob", 2);
    let mut groups = group_of(&alice, &[&bob], Extensions::new());
    let out = groups[1]
        .commit_builder()
        .credential(Credential::basic(b"bob#2".to_vec()))
        .build()
        .unwrap();
    groups[1].merge_pending_commit().unwrap();
    let summary = match groups[0].process_and_merge(&out.commit).unwrap() {
        mls_core::ProcessedMessage::Commit(s) => s,
        other => panic!("expected a commit, got {other:?}"),
    };
    let update = summary.committer_update.unwrap();
    assert_eq!(name(&update.before.credential), b"bob");
    assert_eq!(name(&update.after.credential), b"bob#2");
    assert_eq!(name(&groups[0].member(1).unwrap().credential), b"bob#2");
    assert_eq!(
        groups[0].epoch_authenticator(),
        groups[1].epoch_authenticator()
    );
}

/// The `external_senders` of a group are validated when it is created and
/// when it is joined, not only when a proposal changes them.
#[test]
fn external_senders_are_validated_at_create_and_join() {
    let strict = builder("alice", 1)
        .credential_validator(Recording::default())
        .build();
    match mls_core::Group::create(
        &strict,
        SUITE,
        senders(b"rogue"),
        mls_core::GroupConfig::default(),
    ) {
        Err(Error::Protocol(ProtocolError::CredentialRejected { reason })) => {
            assert!(reason.contains("rogue"), "{reason}")
        }
        other => panic!("expected CredentialRejected, got {other:?}"),
    }
    assert!(strict.group_ids().unwrap().is_empty());

    // Alice's validator accepts the rogue server; Bob's does not.
    let alice = member("alice", 1);
    let bob = builder("bob", 2)
        .credential_validator(Recording::default())
        .build();
    let mut a = mls_core::Group::create(
        &alice,
        SUITE,
        senders(b"rogue"),
        mls_core::GroupConfig::default(),
    )
    .unwrap();
    let kp = bob
        .generate_key_package(SUITE, &mls_core::KeyPackageOptions::default())
        .unwrap();
    let out = a.add_members(&[kp]).unwrap();
    match mls_core::Group::join(
        &bob,
        &out.welcome.unwrap(),
        mls_core::GroupConfig::default(),
    ) {
        Err(Error::Protocol(ProtocolError::CredentialRejected { reason })) => {
            assert!(reason.contains("rogue"), "{reason}")
        }
        other => panic!("expected CredentialRejected, got {other:?}"),
    }
    assert!(bob.group_ids().unwrap().is_empty());
    assert_eq!(bob.key_packages().unwrap().len(), 1, "the KeyPackage stays");
}

/// A client whose application set no validator accepts no credential: it
/// creates its group, and adds nobody, saying why.
#[test]
fn a_client_without_a_validator_accepts_no_credential() {
    use mls_core::provider::{CryptoProvider, MlsProvider, RandProvider};
    let crypto = interop::clients::crypto(BACKEND).unwrap();
    let rand: Box<dyn RandProvider> = Box::new(interop::SeededRand::new(interop::clients::seed(1)));
    let signer =
        mls_core::crypto::generate_signer(crypto.cipher_suite(SUITE).unwrap(), &rand).unwrap();
    let provider = MlsProvider::new(crypto, rand, mls_storage_memory::MemoryStorage::new());
    let alice = mls_core::Client::new(provider, Credential::basic(b"alice".to_vec()), signer);
    let mut a = mls_core::Group::create(
        &alice,
        SUITE,
        Extensions::new(),
        mls_core::GroupConfig::default(),
    )
    .unwrap();
    let kp = member("bob", 2)
        .generate_key_package(SUITE, &mls_core::KeyPackageOptions::default())
        .unwrap();
    match a.add_members(&[kp]) {
        Err(Error::Protocol(ProtocolError::CredentialRejected { reason })) => {
            assert!(reason.contains("no credential validator"), "{reason}")
        }
        other => panic!("expected CredentialRejected, got {other:?}"),
    }
    assert!(!a.has_pending_commit());
}
