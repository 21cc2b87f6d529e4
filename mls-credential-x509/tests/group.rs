//! The validator inside mls-core: members with X.509 credentials (P-256
//! keys made by the MLS backend and certified as they are), and a member
//! from another CA refused.
//! A group mixing basic and X.509 members, and a member who renews its
//! certificate (with a new key) in a commit.

// Test helpers outside #[test] functions unwrap too.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use mls_core::credential::{AcceptAll, Credential, CredentialType};
use mls_core::crypto::generate_signer;
use mls_core::group::SigningIdentity;
use mls_core::provider::{CryptoProvider, MlsProvider, Signer};
use mls_core::{
    CipherSuite, Client, Error, Group, GroupConfig, KeyPackageOptions, ProcessedMessage,
    ProtocolError,
};
use mls_credential_x509::{SubjectName, X509Validator, subject_names};
use mls_crypto_rustcrypto::{RustCryptoProvider, SystemRand};
use mls_storage_memory::MemoryStorage;
use rcgen::{PublicKeyData, SignatureAlgorithm};

type Provider = MlsProvider<RustCryptoProvider, SystemRand, MemoryStorage>;

const SUITE: CipherSuite = CipherSuite::MLS_128_DHKEMP256_AES128GCM_SHA256_P256;

/// An MLS P-256 signature key (uncompressed SEC1 point) as rcgen's subject
/// key: the same bytes.
struct MlsKey(Vec<u8>);

impl PublicKeyData for MlsKey {
    fn der_bytes(&self) -> &[u8] {
        &self.0
    }
    fn algorithm(&self) -> &'static SignatureAlgorithm {
        &rcgen::PKCS_ECDSA_P256_SHA256
    }
}

fn provider() -> Provider {
    MlsProvider::new(RustCryptoProvider::new(), SystemRand, MemoryStorage::new())
}

fn signer(provider: &Provider) -> Box<dyn Signer> {
    generate_signer(provider.crypto.cipher_suite(SUITE).unwrap(), &SystemRand).unwrap()
}

/// A client named `name` with a certificate from `pki`, validating with
/// `validator`.
fn x509_client(name: &str, pki: &Pki, validator: X509Validator) -> Client<Provider> {
    let provider = provider();
    let signer = signer(&provider);
    let der = leaf(
        &leaf_params(vec![uri(&format!("im:{name}@example.com"))]),
        &MlsKey(signer.public_key().to_vec()),
        &pki.intermediate,
    );
    let credential = credential(&[&der, pki.intermediate.der()]);
    Client::builder(provider, credential, signer)
        .credential_validator(validator)
        .clock(|| NOW)
        .build()
}

fn commit_and_process(from: &mut Group<Provider>, to: &mut Group<Provider>) {
    let update = from.self_update().unwrap();
    from.merge_pending_commit().unwrap();
    match to.process_message(&update.commit).unwrap() {
        ProcessedMessage::StagedCommit(staged) => {
            to.merge_staged_commit(staged).unwrap();
        }
        _ => panic!("expected a commit"),
    }
    assert_eq!(from.epoch_authenticator(), to.epoch_authenticator());
}

#[test]
fn members_with_certificates_form_a_group_and_refuse_another_ca() {
    let pki = Pki::new();
    let alice = x509_client("alice", &pki, pki.validator());
    let bob = x509_client("bob", &pki, pki.validator());
    let config = GroupConfig::default();

    let mut a = Group::create(&alice, SUITE, Default::default(), config.clone()).unwrap();
    let kp = bob
        .generate_key_package(SUITE, &KeyPackageOptions::default())
        .unwrap();
    let added = a.add_members(&[kp]).unwrap();
    a.merge_pending_commit().unwrap();
    let mut b = Group::join(&bob, &added.welcome.unwrap(), config).unwrap();

    let names: Vec<Vec<SubjectName>> = b
        .members()
        .iter()
        .map(|m| subject_names(&m.credential).unwrap())
        .collect();
    assert_eq!(
        names,
        vec![
            vec![SubjectName::Uri("im:alice@example.com".to_owned())],
            vec![SubjectName::Uri("im:bob@example.com".to_owned())],
        ]
    );

    // A commit with a path: the new leaf keeps the credential (§5.3.1
    // successor check with the same certificate).
    commit_and_process(&mut b, &mut a);

    let other = Pki::new();
    let mallory = x509_client("mallory", &other, other.validator());
    let kp = mallory
        .generate_key_package(SUITE, &KeyPackageOptions::default())
        .unwrap();
    let err = a.add_members(&[kp]).unwrap_err().to_string();
    assert!(err.contains("credential rejected"), "{err}");
    assert!(
        err.contains("signature does not verify with its issuer's key"),
        "{err}"
    );
}

/// `name`'s certificate from `pki` for `signer`'s key, as a credential.
fn certificate_for(name: &str, pki: &Pki, signer: &dyn Signer) -> Credential {
    let der = leaf(
        &leaf_params(vec![uri(&format!("im:{name}@example.com"))]),
        &MlsKey(signer.public_key().to_vec()),
        &pki.intermediate,
    );
    credential(&[&der, pki.intermediate.der()])
}

/// Every member supports both credential types (§7.2: a member must
/// support every type in use) and validates X.509 members against the PKI
/// and basic members with `AcceptAll` (a stand-in for the application's
/// own basic-identity check).
fn mixed_client(credential: Credential, signer: Box<dyn Signer>, pki: &Pki) -> Client<Provider> {
    Client::builder(provider(), credential, signer)
        .credential_validator(pki.validator().with_basic(AcceptAll))
        .credential_types(&[CredentialType::BASIC, CredentialType::X509])
        .clock(|| NOW)
        .build()
}

#[test]
fn basic_and_x509_members_share_a_group_and_a_certificate_is_renewed() {
    let pki = Pki::new();
    let alice_signer = signer(&provider());
    let alice_cert = certificate_for("alice", &pki, alice_signer.as_ref());
    let alice = mixed_client(alice_cert, alice_signer, &pki);
    let bob_signer = signer(&provider());
    let bob = mixed_client(Credential::basic(b"bob".to_vec()), bob_signer, &pki);
    let config = GroupConfig::default();
    let mut a = Group::create(&alice, SUITE, Default::default(), config.clone()).unwrap();
    let kp = bob
        .generate_key_package(SUITE, &KeyPackageOptions::default())
        .unwrap();
    let added = a.add_members(&[kp]).unwrap();
    a.merge_pending_commit().unwrap();
    let mut b = Group::join(&bob, &added.welcome.unwrap(), config).unwrap();
    let types: Vec<_> = b
        .members()
        .iter()
        .map(|m| m.credential.credential_type())
        .collect();
    assert_eq!(types, vec![CredentialType::X509, CredentialType::BASIC]);

    // Alice renews: a new key, a new certificate naming the same identity.
    let new_signer = signer(&provider());
    let renewed = certificate_for("alice", &pki, new_signer.as_ref());
    let identity = SigningIdentity::new(renewed.clone(), new_signer);
    let out = a
        .commit_builder()
        .identity(identity.clone())
        .build()
        .unwrap();
    a.merge_pending_commit().unwrap();
    let ProcessedMessage::StagedCommit(staged) = b.process_message(&out.commit).unwrap() else {
        panic!("expected a commit");
    };
    let update = staged.committer_update.clone().unwrap();
    assert_eq!(update.after.credential, renewed);
    assert_eq!(update.after.signature_key, identity.signature_key());
    b.merge_staged_commit(staged).unwrap();
    assert_eq!(a.epoch_authenticator(), b.epoch_authenticator());
    let m = a.encrypt_application_message(b"renewed", b"").unwrap();
    let ProcessedMessage::Application(m) = b.process_message(&m).unwrap() else {
        panic!("expected application data");
    };
    assert_eq!(m.sender.credential, renewed);

    // A "renewal" naming someone else is not a successor.
    let other_signer = signer(&provider());
    let mallory = certificate_for("mallory", &pki, other_signer.as_ref());
    let out = a
        .commit_builder()
        .identity(SigningIdentity::new(mallory, other_signer))
        .build()
        .unwrap();
    let epoch = b.epoch();
    match b.process_message(&out.commit) {
        Err(Error::Protocol(ProtocolError::CredentialNotSuccessor { reason })) => {
            assert!(reason.contains("im:alice@example.com"), "{reason}")
        }
        other => panic!("expected CredentialNotSuccessor, got {other:?}"),
    }
    assert_eq!(b.epoch(), epoch);
}
