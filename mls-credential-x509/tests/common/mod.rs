//! A small PKI for the tests: root → intermediate → leaf, with rcgen.

#![allow(dead_code, unreachable_pub)]

use mls_core::codec::{VarBytes, VarVec};
use mls_core::credential::{Certificate, Credential, CredentialCheck, CredentialUse};
use mls_credential_x509::X509Validator;
use rcgen::string::Ia5String;
use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair, KeyUsagePurpose,
    PublicKeyData, SanType, SignatureAlgorithm, date_time_ymd,
};

/// 2025-06-01T00:00:00Z: the time of every check unless a test says
/// otherwise.
pub const NOW: u64 = 1_748_736_000;

pub type Issuer = CertifiedIssuer<'static, KeyPair>;

pub fn key(alg: &'static SignatureAlgorithm) -> KeyPair {
    KeyPair::generate_for(alg).unwrap()
}

pub fn p256() -> KeyPair {
    key(&rcgen::PKCS_ECDSA_P256_SHA256)
}

fn ca_params(name: &str) -> CertificateParams {
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.distinguished_name.push(DnType::CommonName, name);
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    params.not_before = date_time_ymd(2020, 1, 1);
    params.not_after = date_time_ymd(2040, 1, 1);
    params
}

pub fn root(name: &str) -> Issuer {
    CertifiedIssuer::self_signed(ca_params(name), p256()).unwrap()
}

pub fn intermediate(name: &str, parent: &Issuer) -> Issuer {
    intermediate_with(ca_params(name), parent)
}

pub fn intermediate_with(params: CertificateParams, parent: &Issuer) -> Issuer {
    CertifiedIssuer::signed_by(params, p256(), parent).unwrap()
}

pub fn ca_params_named(name: &str) -> CertificateParams {
    ca_params(name)
}

pub fn uri(name: &str) -> SanType {
    SanType::URI(Ia5String::try_from(name).unwrap())
}

pub fn email(name: &str) -> SanType {
    SanType::Rfc822Name(Ia5String::try_from(name).unwrap())
}

pub fn dns(name: &str) -> SanType {
    SanType::DnsName(Ia5String::try_from(name).unwrap())
}

/// Leaf parameters: valid through 2025, digitalSignature, the given names.
pub fn leaf_params(names: Vec<SanType>) -> CertificateParams {
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.distinguished_name.push(DnType::CommonName, "member");
    params.subject_alt_names = names;
    params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    params.not_before = date_time_ymd(2025, 1, 1);
    params.not_after = date_time_ymd(2026, 1, 1);
    params
}

pub fn alice() -> Vec<SanType> {
    vec![uri("im:alice@example.com"), email("alice@example.com")]
}

/// A leaf certificate (DER) for `key`, issued by `issuer`.
pub fn leaf(params: &CertificateParams, key: &impl PublicKeyData, issuer: &Issuer) -> Vec<u8> {
    params.signed_by(key, issuer).unwrap().der().to_vec()
}

/// An X.509 credential from DER certificates, leaf first.
pub fn credential(chain: &[&[u8]]) -> Credential {
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

/// root → intermediate, and a validator trusting the root.
pub struct Pki {
    pub root: Issuer,
    pub intermediate: Issuer,
}

impl Pki {
    pub fn new() -> Self {
        let root = root("Test Root");
        let intermediate = intermediate("Test Intermediate", &root);
        Self { root, intermediate }
    }

    pub fn validator(&self) -> X509Validator {
        self.builder().build().unwrap()
    }

    pub fn builder(&self) -> mls_credential_x509::X509ValidatorBuilder {
        X509Validator::builder().trust_anchor(self.root.der().to_vec())
    }

    /// A leaf for `key` through the intermediate, and its credential.
    pub fn member(&self, params: &CertificateParams, key: &KeyPair) -> (Vec<u8>, Credential) {
        let der = leaf(params, key, &self.intermediate);
        let credential = credential(&[&der, self.intermediate.der()]);
        (der, credential)
    }
}

/// `validator.validate` of `credential` with `key` at [`NOW`], as mls-core
/// calls it for a KeyPackage.
pub fn validate(
    validator: &impl mls_core::credential::CredentialValidator,
    credential: &Credential,
    key: &[u8],
) -> Result<(), String> {
    validator.validate(&CredentialCheck::new(
        credential,
        key,
        CredentialUse::KeyPackage,
        NOW,
    ))
}

/// Asserts `result` is an error whose reason contains `needle`.
#[track_caller]
pub fn assert_refused(result: Result<(), String>, needle: &str) {
    match result {
        Ok(()) => panic!("accepted; expected a refusal containing {needle:?}"),
        Err(reason) => assert!(
            reason.contains(needle),
            "reason {reason:?} does not contain {needle:?}"
        ),
    }
}
