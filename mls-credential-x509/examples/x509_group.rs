//! X.509 credentials end to end: a small PKI (root → intermediate →
//! members), a credential checked and one refused, then an MLS group of two
//! members with certificates that refuses a third from another CA.
//! Run with `cargo run -p mls-credential-x509 --example x509_group`.
//!
//! Each member's signature key is made by the MLS crypto backend (it could
//! live in an HSM behind the `Signer` trait); the CA certifies that public
//! key as it is, since MLS and X.509 encode it the same way.

use mls_core::codec::{VarBytes, VarVec};
use mls_core::credential::{Certificate, Credential, CredentialCheck, CredentialUse};
use mls_core::crypto::generate_signer;
use mls_core::provider::{CryptoProvider, MlsProvider, Signer};
use mls_core::{CipherSuite, Client, Group, GroupConfig, KeyPackageOptions};
use mls_credential_x509::{X509Validator, subject_names};
use mls_crypto_rustcrypto::{RustCryptoProvider, SystemRand};
use mls_storage_memory::MemoryStorage;
use rcgen::string::Ia5String;
use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair, KeyUsagePurpose,
    PublicKeyData, SanType, SignatureAlgorithm, date_time_ymd,
};
use std::error::Error;

type Provider = MlsProvider<RustCryptoProvider, SystemRand, MemoryStorage>;
type Issuer = CertifiedIssuer<'static, KeyPair>;

const SUITE: CipherSuite = CipherSuite::MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519;

/// 2025-06-01T00:00:00Z. The clients' clock is fixed so that the example
/// runs the same in any year; certificates are valid through 2025.
const NOW: u64 = 1_748_736_000;

/// An MLS signature public key as rcgen's view of a subject key: the bytes
/// are the same in both encodings (Ed25519: the raw 32 bytes).
struct MlsPublicKey<'a>(&'a [u8], &'static SignatureAlgorithm);

impl PublicKeyData for MlsPublicKey<'_> {
    fn der_bytes(&self) -> &[u8] {
        self.0
    }
    fn algorithm(&self) -> &'static SignatureAlgorithm {
        self.1
    }
}

fn ca(name: &str, parent: Option<&Issuer>) -> Result<Issuer, rcgen::Error> {
    let mut params = CertificateParams::new(Vec::<String>::new())?;
    params.distinguished_name.push(DnType::CommonName, name);
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    params.not_before = date_time_ymd(2020, 1, 1);
    params.not_after = date_time_ymd(2040, 1, 1);
    let key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256)?;
    match parent {
        None => CertifiedIssuer::self_signed(params, key),
        Some(parent) => CertifiedIssuer::signed_by(params, key, parent),
    }
}

/// A member's certificate for `signature_key`, naming `im:NAME@example.com`.
fn member_cert(
    name: &str,
    signature_key: &[u8],
    issuer: &Issuer,
    not_after: (i32, u8, u8),
) -> Result<Vec<u8>, rcgen::Error> {
    let mut params = CertificateParams::new(Vec::<String>::new())?;
    params.distinguished_name.push(DnType::CommonName, name);
    params.subject_alt_names = vec![SanType::URI(Ia5String::try_from(format!(
        "im:{name}@example.com"
    ))?)];
    params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    params.not_before = date_time_ymd(2025, 1, 1);
    params.not_after = date_time_ymd(not_after.0, not_after.1, not_after.2);
    let key = MlsPublicKey(signature_key, &rcgen::PKCS_ED25519);
    Ok(params.signed_by(&key, issuer)?.der().to_vec())
}

fn credential(chain: &[&[u8]]) -> Credential {
    Credential::X509 {
        certificates: VarVec::new(
            chain
                .iter()
                .map(|der| Certificate {
                    cert_data: VarBytes::new(der.to_vec()),
                })
                .collect(),
        ),
    }
}

/// A client whose credential is a certificate from `issuer` (sent with the
/// issuer's certificate), validating others against `root`.
fn client(name: &str, issuer: &Issuer, root: &Issuer) -> Result<Client<Provider>, Box<dyn Error>> {
    let provider = MlsProvider::new(RustCryptoProvider::new(), SystemRand, MemoryStorage::new());
    let signer = generate_signer(provider.crypto.cipher_suite(SUITE)?, &SystemRand)?;
    let cert = member_cert(name, signer.public_key(), issuer, (2026, 1, 1))?;
    let validator = X509Validator::builder()
        .trust_anchor(root.der().to_vec())
        .build()?;
    Ok(
        Client::builder(provider, credential(&[&cert, issuer.der()]), signer)
            .credential_validator(validator)
            .clock(|| NOW)
            .build(),
    )
}

fn main() -> Result<(), Box<dyn Error>> {
    let root = ca("Example Root CA", None)?;
    let issuing = ca("Example Issuing CA", Some(&root))?;
    let validator = X509Validator::builder()
        .trust_anchor(root.der().to_vec())
        .build()?;

    // One credential checked by hand, as mls-core checks a KeyPackage.
    let provider = RustCryptoProvider::new();
    let signer = generate_signer(provider.cipher_suite(SUITE)?, &SystemRand)?;
    let key = signer.public_key();
    let good = credential(&[
        &member_cert("dave", key, &issuing, (2026, 1, 1))?,
        issuing.der(),
    ]);
    validator
        .check(&CredentialCheck::new(
            &good,
            key,
            CredentialUse::KeyPackage,
            NOW,
        ))
        .map_err(|err| format!("a good credential was refused: {err}"))?;
    println!("dave's credential: accepted");
    let expired = credential(&[
        &member_cert("dave", key, &issuing, (2025, 3, 1))?,
        issuing.der(),
    ]);
    match validator.check(&CredentialCheck::new(
        &expired,
        key,
        CredentialUse::KeyPackage,
        NOW,
    )) {
        Ok(()) => return Err("an expired credential was accepted".into()),
        Err(err) => println!("dave's old credential: refused: {err}"),
    }

    // A group whose members hold certificates.
    let (alice, bob) = (
        client("alice", &issuing, &root)?,
        client("bob", &issuing, &root)?,
    );
    let config = GroupConfig::default();
    let mut a = Group::create(&alice, SUITE, Default::default(), config.clone())?;
    let bob_kp = bob.generate_key_package(SUITE, &KeyPackageOptions::default())?;
    let added = a.add_members(&[bob_kp])?;
    a.merge_pending_commit()?;
    let welcome = added.welcome.ok_or("no Welcome")?;
    let b = Group::join(&bob, &welcome, config)?;
    for member in b.members() {
        let names = subject_names(&member.credential)?;
        let names: Vec<String> = names.iter().map(ToString::to_string).collect();
        println!("member {}: {}", member.index, names.join(", "));
    }

    // Mallory's certificate comes from a CA the group does not trust.
    let rogue_root = ca("Rogue Root CA", None)?;
    let mallory = client("mallory", &rogue_root, &rogue_root)?;
    let mallory_kp = mallory.generate_key_package(SUITE, &KeyPackageOptions::default())?;
    match a.add_members(&[mallory_kp]) {
        Ok(_) => return Err("a member from an untrusted CA was added".into()),
        Err(err) => println!("adding mallory: refused: {err}"),
    }
    Ok(())
}
