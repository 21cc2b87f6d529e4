//! The provider's suite list and FIPS status, with and without the `fips`
//! feature. Suite objects, names and list order are checked for every
//! backend by the shared conformance suite
//! (`interop/tests/provider_conformance.rs`).

use mls_core::CipherSuite;
use mls_core::provider::CryptoProvider;
use mls_crypto_awslc::AwsLcProvider;

fn codes(provider: &AwsLcProvider) -> Vec<u16> {
    provider
        .supported_cipher_suites()
        .into_iter()
        .map(CipherSuite::code)
        .collect()
}

/// aws-lc-rs has no X448 or Ed448, so neither X448 suite is offered.
#[test]
fn no_x448_suites() {
    let provider = AwsLcProvider::new();
    assert!(
        provider
            .suite(CipherSuite::MLS_256_DHKEMX448_AES256GCM_SHA512_Ed448)
            .is_none()
    );
    assert!(
        provider
            .suite(CipherSuite::MLS_256_DHKEMX448_CHACHA20POLY1305_SHA512_Ed448)
            .is_none()
    );
}

/// `fips_approved` answers for a FIPS build in every build, and a FIPS
/// build offers exactly those suites.
#[test]
fn fips_approved_suites() {
    let approved: Vec<u16> = CipherSuite::ALL
        .into_iter()
        .filter(|s| mls_crypto_awslc::fips_approved(*s))
        .map(CipherSuite::code)
        .collect();
    assert_eq!(approved, [2, 5, 7]);
    if cfg!(feature = "fips") {
        assert_eq!(codes(&AwsLcProvider::new()), approved);
    }
}

#[cfg(not(feature = "fips"))]
#[test]
fn default_build_offers_five_suites_and_no_fips() {
    let provider = AwsLcProvider::default();
    assert!(aws_lc_rs::try_fips_mode().is_err());
    assert!(!provider.fips_mode());
    assert_eq!(codes(&provider), [1, 2, 3, 5, 7]);
}

#[cfg(feature = "fips")]
#[test]
fn fips_build_offers_only_approved_suites() {
    let provider = AwsLcProvider::new();
    // The linked library itself reports FIPS mode, and the provider says so.
    assert_eq!(aws_lc_rs::try_fips_mode(), Ok(()));
    assert!(provider.fips_mode());
    assert_eq!(codes(&provider), [2, 5, 7]);
}

/// A provider built from definitions offers exactly them, under their code
/// points; the `fips` build refuses a definition with an algorithm the
/// module does not approve (X25519), and takes suite 2's under another code
/// point.
#[test]
fn provider_from_definitions() {
    use mls_core::CipherSuiteDefinition;
    use mls_core::error::Unsupported;

    let p256 = CipherSuiteDefinition::RFC9420[1].with_code_point(0xf002);
    let provider = AwsLcProvider::with_suites([p256]).unwrap();
    assert_eq!(codes(&provider), [0xf002]);
    assert!(
        provider
            .suite(CipherSuite::MLS_128_DHKEMP256_AES128GCM_SHA256_P256)
            .is_none()
    );
    let suite = provider.suite(p256.suite).unwrap();
    assert_eq!(suite.definition(), &p256);
    assert_eq!(suite.hash_len(), 32);

    let x25519 = CipherSuiteDefinition::RFC9420[0];
    let built = AwsLcProvider::with_suites([x25519]);
    if cfg!(feature = "fips") {
        assert_eq!(
            built.unwrap_err(),
            Unsupported::AlgorithmsNotProvided {
                code: 1,
                name: "MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519",
                provider: "aws-lc",
            }
        );
    } else {
        assert_eq!(codes(&built.unwrap()), [1]);
    }
}

/// ML-DSA-87 with DHKEM(P-384), AES-256-GCM and SHA-384 under a private
/// code point: every algorithm FIPS-approved, so the `fips` build offers it
/// too. Keys come from the seed (the LAMPS example key of seed `00 .. 1f`,
/// draft-ietf-lamps-dilithium-certificates Appendix C, pinned by its
/// SHA-256), and signatures verify.
#[test]
fn ml_dsa_suite_from_a_definition() {
    use mls_core::provider::CipherSuiteProvider;
    use mls_core::{Aead, CipherSuiteDefinition, Kdf, Kem, SignatureScheme};

    let d = CipherSuiteDefinition::new(
        0xf0d2,
        "DHKEMP384_AES256GCM_SHA384_MLDSA87",
        Kem::DhKemP384,
        Kdf::HkdfSha384,
        Aead::Aes256Gcm,
        SignatureScheme::MlDsa87,
    );
    let provider = AwsLcProvider::with_suites([d]).unwrap();
    let suite: &dyn CipherSuiteProvider = provider.suite(d.suite).unwrap();
    let seed: Vec<u8> = (0u8..32).collect();
    let (sk, pk) = suite.signature_key_pair_from_private(&seed).unwrap();
    assert_eq!(sk.as_bytes(), seed.as_slice());
    assert_eq!(pk.len(), 2592);
    // The example pins SHA-256, which suite 2 (offered by every build) has.
    let sha256 = AwsLcProvider::new()
        .suite(CipherSuite::MLS_128_DHKEMP256_AES128GCM_SHA256_P256)
        .unwrap()
        .hash(&pk)
        .unwrap();
    assert_eq!(
        sha256
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>(),
        "91dc389cfaa01470b7f66eee45a4ae9026d154817c754dfe22298b3fa241ffcd"
    );
    let sig = suite.sign(&sk, b"message").unwrap();
    suite.verify(&pk, b"message", &sig).unwrap();
    assert!(suite.verify(&pk, b"messagf", &sig).is_err());
}
