//! The provisional post-quantum suites, OpenMLS 0.9's (X-Wing: 0x004D,
//! 0x004E, 0x004F; ML-KEM: 0x0042, 0x0050, 0xF042; with ML-DSA: 0x0051,
//! 0x0052, 0x0906, 0x0907): known answers through the provider (the X-Wing
//! draft's vector, the ML-KEM and ML-DSA example keys), HPKE byte
//! compatibility with OpenMLS 0.9's HPKE (`hpke-rs` 0.7) on each suite's
//! KEM, KDF and AEAD, the group lifecycle on each, and ML-DSA agreeing
//! between aws-lc and RustCrypto, down to a group of members on both.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use hpke_rs_07::hpke_types::{AeadAlgorithm, KdfAlgorithm, KemAlgorithm};
use hpke_rs_07::rustcrypto::HpkeRustCrypto;
use hpke_rs_07::{Hpke, HpkePublicKey, Mode};
use interop::SeededRand;
use interop::clients::{TestProvider, client_builder_on, seed};
use mls_core::group::{
    Client, DefaultRules, Group, GroupConfig, KeyPackageOptions, ProcessedMessage,
};
use mls_core::provider::{CipherSuiteProvider, CryptoProvider, RandProvider};
use mls_core::{
    CipherSuite, CipherSuiteDefinition, CryptoError, Kem, Registration, SignatureScheme,
};
use mls_crypto_awslc::AwsLcProvider;
use mls_crypto_ring::RingProvider;
use mls_crypto_rustcrypto::RustCryptoProvider;

const SUITE: CipherSuite = CipherSuite::MLS_256_XWING_CHACHA20POLY1305_SHA256_Ed25519;

/// X-Wing as OpenMLS 0.9's providers give it to `hpke-rs`: HPKE KEM id
/// 0x647A (not the obsolete 0x004D, which gives other HPKE keys).
const XWING: KemAlgorithm = KemAlgorithm::XWingDraft06;

/// Every provisional suite, with the `hpke-rs` ids of its KEM, KDF and AEAD.
const SUITES: [(CipherSuite, KemAlgorithm, KdfAlgorithm, AeadAlgorithm); 10] = [
    (
        CipherSuite::MLS_192_MLKEM1024_AES256GCM_SHA384_P384,
        KemAlgorithm::MlKem1024,
        KdfAlgorithm::HkdfSha384,
        AeadAlgorithm::Aes256Gcm,
    ),
    (
        SUITE,
        XWING,
        KdfAlgorithm::HkdfSha256,
        AeadAlgorithm::ChaCha20Poly1305,
    ),
    (
        CipherSuite::MLS_128_MLKEM768X25519_AES256GCM_SHA384_Ed25519,
        XWING,
        KdfAlgorithm::HkdfSha384,
        AeadAlgorithm::Aes256Gcm,
    ),
    (
        CipherSuite::MLS_128_MLKEM768X25519_AES128GCM_SHA256_Ed25519,
        XWING,
        KdfAlgorithm::HkdfSha256,
        AeadAlgorithm::Aes128Gcm,
    ),
    (
        CipherSuite::MLS_128_MLKEM768_AES256GCM_SHA384_P256,
        KemAlgorithm::MlKem768,
        KdfAlgorithm::HkdfSha384,
        AeadAlgorithm::Aes256Gcm,
    ),
    (
        CipherSuite::MLS_192_MLKEM768_AES256GCM_SHA384_MLDSA65,
        KemAlgorithm::MlKem768,
        KdfAlgorithm::HkdfSha384,
        AeadAlgorithm::Aes256Gcm,
    ),
    (
        CipherSuite::MLS_128_MLKEM768X25519_CHACHA20POLY1305_SHA384_MLDSA44,
        XWING,
        KdfAlgorithm::HkdfSha384,
        AeadAlgorithm::ChaCha20Poly1305,
    ),
    (
        CipherSuite::MLS_256_MLKEM1024_AES256GCM_SHA512_MLDSA87,
        KemAlgorithm::MlKem1024,
        KdfAlgorithm::HkdfSha512,
        AeadAlgorithm::Aes256Gcm,
    ),
    (
        CipherSuite::MLS_256_MLKEM1024_AES256GCM_SHA384_MLDSA87,
        KemAlgorithm::MlKem1024,
        KdfAlgorithm::HkdfSha384,
        AeadAlgorithm::Aes256Gcm,
    ),
    (
        CipherSuite::MLS_128_MLKEM768_AES256GCM_SHA384_Ed25519,
        KemAlgorithm::MlKem768,
        KdfAlgorithm::HkdfSha384,
        AeadAlgorithm::Aes256Gcm,
    ),
];

fn hex(s: &str) -> Vec<u8> {
    hex::decode(s).unwrap()
}

fn sha256(data: &[u8]) -> Vec<u8> {
    let crypto = RustCryptoProvider::new();
    let suite = crypto
        .cipher_suite(CipherSuite::MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519)
        .unwrap();
    suite.hash(data).unwrap()
}

/// Yields the given bytes, then fails: a test can hand HPKE exactly the
/// randomness of a vector.
struct Fixed(std::sync::Mutex<Vec<u8>>);

impl RandProvider for Fixed {
    fn fill(&self, dest: &mut [u8]) -> Result<(), CryptoError> {
        let mut left = self.0.lock().unwrap();
        if left.len() < dest.len() {
            return Err(CryptoError::Rand("fixed randomness exhausted".into()));
        }
        let rest = left.split_off(dest.len());
        dest.copy_from_slice(&left);
        *left = rest;
        Ok(())
    }
}

fn xwing() -> &'static dyn CipherSuiteProvider {
    suite(SUITE)
}

fn suite(cs: CipherSuite) -> &'static dyn CipherSuiteProvider {
    static PROVIDER: std::sync::OnceLock<RustCryptoProvider> = std::sync::OnceLock::new();
    PROVIDER
        .get_or_init(RustCryptoProvider::with_provisional_suites)
        .cipher_suite(cs)
        .unwrap()
}

#[test]
fn the_suites_are_provisional_and_opt_in() {
    let provisional: Vec<CipherSuite> = CipherSuiteDefinition::PROVISIONAL
        .iter()
        .map(|d| d.suite)
        .collect();
    assert_eq!(provisional, SUITES.map(|s| s.0));
    for (cs, kem, _, _) in SUITES {
        let d = cs.definition().unwrap();
        assert_eq!(d.kem as u16, kem as u16);
        assert!(matches!(d.registration, Registration::Provisional { .. }));
        assert!(RustCryptoProvider::new().suite(cs).is_none());
        assert!(RingProvider::with_provisional_suites().suite(cs).is_none());
        assert!(AwsLcProvider::with_provisional_suites().suite(cs).is_none());
    }
    let d = SUITE.definition().unwrap();
    assert_eq!(SUITE.code(), 0x004d);
    assert_eq!(d.kem, Kem::XWingDraft06);
    assert!(matches!(d.registration, Registration::Provisional { .. }));
    assert!(CipherSuiteDefinition::PROVISIONAL.contains(d));
    assert!(!CipherSuiteDefinition::RFC9420.contains(d));

    // `new()` offers the registered suites only; ring and aws-lc-rs have
    // no X-Wing.
    assert!(RustCryptoProvider::new().suite(SUITE).is_none());
    assert!(
        RustCryptoProvider::with_provisional_suites()
            .suite(SUITE)
            .is_some()
    );
    assert!(
        RingProvider::with_provisional_suites()
            .suite(SUITE)
            .is_none()
    );
    assert!(
        AwsLcProvider::with_provisional_suites()
            .suite(SUITE)
            .is_none()
    );
    assert_eq!(
        RingProvider::with_suites([*d]).err(),
        Some(mls_core::error::Unsupported::AlgorithmsNotProvided {
            code: 0x004d,
            name: "MLS_256_XWING_CHACHA20POLY1305_SHA256_Ed25519",
            provider: "ring",
        })
    );
    let s = xwing();
    assert_eq!(
        (s.hash_len(), s.aead_key_len(), s.kem_private_key_len()),
        (32, 32, 32)
    );
}

/// draft-connolly-cfrg-xwing-kem-06, Appendix C, the first vector, through
/// the provider: the seed as a KeyPackage's random private key, and
/// `eseed` as the randomness HPKE draws for its encapsulation.
#[test]
fn xwing_draft06_vector_through_hpke() {
    let s = xwing();
    let seed = hex("7f9c2ba4e88f827d616045507605853ed73b8093f6efbc88eb1a6eacfa66ef26");
    let eseed = hex(concat!(
        "3cb1eea988004b93103cfb0aeefd2a686e01fa4a58e8a3639ca8a1e3f9ae57e2",
        "35b8cc873c23dc62b8d260169afa2f75ab916a58d974918835d25e6a435085b2"
    ));
    let (sk, pk) = s.kem_key_pair_from_random(&seed).unwrap();
    assert_eq!(sk.as_bytes(), seed.as_slice());
    assert_eq!(
        sha256(&pk),
        hex("2e816deebcd76c5c80d0cd2d174478871658e8e2ff42bc9d4a6e486372e856bb")
    );
    let sealed = s
        .hpke_seal(&pk, b"info", b"aad", b"plaintext", &Fixed(eseed.into()))
        .unwrap();
    assert_eq!(
        sha256(&sealed.kem_output),
        hex("17cd532d657e44c897ca6583e548a5424fc70bf54f99515a4d2bcf99e3469f33")
    );
    let opened = s
        .hpke_open(&sk, &sealed.kem_output, b"info", b"aad", &sealed.ciphertext)
        .unwrap();
    assert_eq!(opened.as_bytes(), b"plaintext");
}

/// The example ML-KEM keys of the LAMPS ML-KEM certificates draft
/// (draft-ietf-lamps-kyber-certificates, Appendix C): the seed `00 01 .. 3f`
/// gives these encapsulation keys, pinned by their SHA-256 (RustCrypto's
/// `ml-kem` ships the same examples).
#[test]
fn ml_kem_example_keys_from_the_seed() {
    let seed: Vec<u8> = (0u8..64).collect();
    for (cs, len, digest) in [
        (
            CipherSuite::MLS_128_MLKEM768_AES256GCM_SHA384_P256,
            1184,
            "0b7934c83125c788995e2ba6bd761e33046b3e40571be53e023309a29f398cc9",
        ),
        (
            CipherSuite::MLS_192_MLKEM1024_AES256GCM_SHA384_P384,
            1568,
            "c7b8fa0aa471d5ae18922d6ccad5b31e1d84f92ae723abfd13747018740a8530",
        ),
    ] {
        let (sk, pk) = suite(cs).kem_key_pair_from_random(&seed).unwrap();
        assert_eq!(sk.as_bytes(), seed.as_slice());
        assert_eq!(pk.len(), len);
        assert_eq!(sha256(&pk), hex(digest), "{cs:?}");
    }
}

fn openmls_hpke(kem: KemAlgorithm, kdf: KdfAlgorithm, aead: AeadAlgorithm) -> Hpke<HpkeRustCrypto> {
    Hpke::new(Mode::Base, kem, kdf, aead)
}

/// OpenMLS 0.9 derives tree keys with `hpke-rs` 0.7: the same keys from
/// the same `ikm`, and each side opens what the other sealed, on every
/// provisional suite's KEM, KDF and AEAD.
#[test]
fn hpke_agrees_with_openmls_hpke() {
    for (cs, kem, kdf, aead) in SUITES {
        hpke_agrees_on(suite(cs), || openmls_hpke(kem, kdf, aead));
    }
}

fn hpke_agrees_on(s: &dyn CipherSuiteProvider, openmls_hpke: impl Fn() -> Hpke<HpkeRustCrypto>) {
    for ikm in [vec![0u8; 32], vec![7u8; 32], (0u8..64).collect::<Vec<_>>()] {
        let (sk, pk) = s.kem_derive_key_pair(&ikm).unwrap();
        let theirs = openmls_hpke().derive_key_pair(&ikm).unwrap();
        let (their_sk, their_pk) = theirs.into_keys();
        assert_eq!(pk, their_pk.as_slice(), "public key from ikm {ikm:02x?}");
        assert_eq!(sk.as_bytes(), their_sk.as_slice());

        let ours = s
            .hpke_seal(&pk, b"info", b"aad", b"from us", &SeededRand::new(seed(1)))
            .unwrap();
        let opened = openmls_hpke()
            .open(
                &ours.kem_output,
                &their_sk,
                b"info",
                b"aad",
                &ours.ciphertext,
                None,
                None,
                None,
            )
            .unwrap();
        assert_eq!(opened, b"from us");

        let (enc, ct) = openmls_hpke()
            .seal(
                &HpkePublicKey::new(pk.clone()),
                b"info",
                b"aad",
                b"from them",
                None,
                None,
                None,
            )
            .unwrap();
        let opened = s.hpke_open(&sk, &enc, b"info", b"aad", &ct).unwrap();
        assert_eq!(opened.as_bytes(), b"from them");
    }
}

/// Peer input of the wrong size is an error, not a panic, and the same
/// error a DH suite gives: `InvalidPublicKey` for a public key or `enc`,
/// `InvalidLength` for a private key.
#[test]
fn malformed_kem_inputs_are_refused() {
    for (cs, _, _, _) in SUITES {
        let s = suite(cs);
        let kem = cs.definition().unwrap().kem;
        let (sk, pk) = s.kem_derive_key_pair(&[1u8; 32]).unwrap();
        let rand = SeededRand::new(seed(2));
        let short_pk = &pk[..pk.len() - 1];
        assert!(
            matches!(
                s.hpke_seal(short_pk, b"", b"", b"x", &rand),
                Err(CryptoError::InvalidPublicKey(_))
            ),
            "{cs:?}: short public key"
        );
        let sealed = s.hpke_seal(&pk, b"", b"", b"x", &rand).unwrap();
        assert_eq!(sealed.kem_output.len(), kem.enc_len());
        let short_enc = &sealed.kem_output[..kem.enc_len() - 1];
        assert!(
            matches!(
                s.hpke_open(&sk, short_enc, b"", b"", &sealed.ciphertext),
                Err(CryptoError::InvalidPublicKey(_))
            ),
            "{cs:?}: short enc"
        );
        let short_sk = mls_core::secret::HpkePrivateKey::from_slice(&sk.as_bytes()[1..]);
        assert_eq!(
            s.hpke_open(&short_sk, &sealed.kem_output, b"", b"", &sealed.ciphertext)
                .err(),
            Some(CryptoError::InvalidLength {
                what: "HPKE private key",
                len: kem.private_key_len() - 1
            }),
            "{cs:?}: short private key"
        );
        // A ciphertext of the right size opens to a different shared secret
        // (implicit rejection), so the AEAD fails.
        let mut flipped = sealed.kem_output.clone();
        flipped[0] ^= 1;
        assert_eq!(
            s.hpke_open(&sk, &flipped, b"", b"", &sealed.ciphertext)
                .err(),
            Some(CryptoError::HpkeOpenFailed),
            "{cs:?}"
        );
    }
}

/// Create, add, message, update, remove on each provisional suite: every
/// member reaches the same epoch authenticator.
#[test]
fn group_lifecycle_on_the_provisional_suites() {
    for (cs, _, _, _) in SUITES {
        lifecycle(cs);
    }
}

fn lifecycle(suite: CipherSuite) {
    let make = |name: &str, n: u64| {
        let crypto: Box<dyn CryptoProvider> =
            Box::new(RustCryptoProvider::with_provisional_suites());
        client_builder_on(crypto, suite, name, seed(n))
            .unwrap()
            .rules(DefaultRules::open())
            .build()
    };
    let (alice, bob, carol) = (make("alice", 1), make("bob", 2), make("carol", 3));
    run_group(suite, &alice, &bob, &carol);
}

/// Alice creates and adds Bob and Carol; Bob sends; Carol updates with a
/// path; Alice removes Bob. Every member agrees at each epoch.
fn run_group(
    suite: CipherSuite,
    alice: &Client<TestProvider>,
    bob: &Client<TestProvider>,
    carol: &Client<TestProvider>,
) {
    let config = GroupConfig::default();
    let mut a = Group::create(alice, suite, Default::default(), config.clone()).unwrap();
    let kps: Vec<_> = [bob, carol]
        .iter()
        .map(|c| {
            c.generate_key_package(suite, &KeyPackageOptions::default())
                .unwrap()
        })
        .collect();
    let kem = alice
        .provider()
        .crypto
        .cipher_suite(suite)
        .unwrap()
        .definition()
        .kem;
    assert_eq!(kps[0].init_key.as_slice().len(), kem.public_key_len());
    let out = a.add_members(&kps).unwrap();
    a.merge_pending_commit().unwrap();
    let welcome = out.welcome.unwrap();
    let mut b = Group::join(bob, &welcome, config.clone()).unwrap();
    let mut c = Group::join(carol, &welcome, config.clone()).unwrap();
    let agree = |groups: &[&Group<_>]| {
        for g in groups {
            assert_eq!(g.epoch_authenticator(), groups[0].epoch_authenticator());
        }
    };
    agree(&[&a, &b, &c]);

    let msg = b
        .encrypt_application_message(b"post-quantum hello", b"")
        .unwrap();
    for g in [&mut a, &mut c] {
        match g.process_and_merge(&msg).unwrap() {
            ProcessedMessage::Application(m) => assert_eq!(m.data, b"post-quantum hello"),
            other => panic!("{other:?}"),
        }
    }

    // A full commit with a path: every member decrypts a path secret sealed
    // to its KEM key.
    let out = c.self_update().unwrap();
    c.merge_pending_commit().unwrap();
    a.process_and_merge(&out.commit).unwrap();
    b.process_and_merge(&out.commit).unwrap();
    agree(&[&a, &b, &c]);

    let bob_leaf = b.own_leaf_index();
    let out = a.remove_members(&[bob_leaf]).unwrap();
    a.merge_pending_commit().unwrap();
    c.process_and_merge(&out.commit).unwrap();
    b.process_and_merge(&out.commit).unwrap();
    assert!(!b.is_active());
    agree(&[&a, &c]);
    assert_eq!(a.epoch(), 3);
}

/// A FIPS-capable suite with post-quantum signatures that both aws-lc and
/// RustCrypto implement: DHKEM(P-384), AES-256-GCM, SHA-384 and `scheme`,
/// under a private-use code point (no draft defines such a suite).
fn private_suite(scheme: SignatureScheme) -> CipherSuiteDefinition {
    CipherSuiteDefinition::new(
        0xf0d0 + scheme as u16 - SignatureScheme::MlDsa44 as u16,
        "DHKEMP384_AES256GCM_SHA384 with ML-DSA",
        Kem::DhKemP384,
        mls_core::Kdf::HkdfSha384,
        mls_core::Aead::Aes256Gcm,
        scheme,
    )
}

fn ml_dsa_backends(scheme: SignatureScheme) -> Vec<(&'static str, Box<dyn CryptoProvider>)> {
    let d = private_suite(scheme);
    vec![
        (
            "rustcrypto",
            Box::new(RustCryptoProvider::with_suites([d]).unwrap()),
        ),
        ("aws-lc", Box::new(AwsLcProvider::with_suites([d]).unwrap())),
    ]
}

/// Keys from one seed are the same bytes on both backends, and each
/// verifies the other's signatures (aws-lc signs hedged, RustCrypto
/// deterministically); a flipped bit fails on both.
#[test]
fn ml_dsa_agrees_between_aws_lc_and_rustcrypto() {
    for scheme in [
        SignatureScheme::MlDsa44,
        SignatureScheme::MlDsa65,
        SignatureScheme::MlDsa87,
    ] {
        let backends = ml_dsa_backends(scheme);
        let code = private_suite(scheme).suite;
        let suites: Vec<_> = backends
            .iter()
            .map(|(_, c)| c.cipher_suite(code).unwrap())
            .collect();
        let seed = [9u8; 32];
        let (_, pk) = suites[0].signature_key_pair_from_private(&seed).unwrap();
        let (_, pk_aws) = suites[1].signature_key_pair_from_private(&seed).unwrap();
        assert_eq!(pk, pk_aws, "{scheme:?}");
        // RustCrypto signs with FIPS 204's deterministic variant, so the
        // provider conformance suite compares its signature with
        // Wycheproof's bytes.
        let sign = || suites[0].signer(&seed).unwrap().sign(b"message").unwrap();
        assert_eq!(sign(), sign(), "RustCrypto's ML-DSA is deterministic");
        for signer in &suites {
            let sig = signer.signer(&seed).unwrap().sign(b"message").unwrap();
            for verifier in &suites {
                verifier.verify(&pk, b"message", &sig).unwrap();
                let mut bad = sig.clone();
                bad[7] ^= 1;
                assert_eq!(
                    verifier.verify(&pk, b"message", &bad),
                    Err(CryptoError::InvalidSignature)
                );
                assert_eq!(
                    verifier.verify(&pk[..pk.len() - 1], b"message", &sig),
                    Err(CryptoError::InvalidSignature)
                );
            }
        }
    }
}

/// A group on the private ML-DSA-87 suite with members on aws-lc and
/// RustCrypto: adds, messages, a path update, a removal, and the same
/// epoch authenticator everywhere. CI runs it in the `fips` build too,
/// where the aws-lc members run on the FIPS module.
#[test]
fn ml_dsa_group_across_aws_lc_and_rustcrypto() {
    let d = private_suite(SignatureScheme::MlDsa87);
    let make = |backend: &str, name: &str, n: u64| {
        let crypto: Box<dyn CryptoProvider> = match backend {
            "aws-lc" => {
                let aws = AwsLcProvider::with_suites([d]).unwrap();
                assert_eq!(aws.fips_mode(), cfg!(feature = "fips"), "FIPS mode");
                Box::new(aws)
            }
            _ => Box::new(RustCryptoProvider::with_suites([d]).unwrap()),
        };
        client_builder_on(crypto, d.suite, name, seed(n))
            .unwrap()
            .rules(DefaultRules::open())
            .build()
    };
    let alice = make("aws-lc", "alice", 1);
    let bob = make("rustcrypto", "bob", 2);
    let carol = make("aws-lc", "carol", 3);
    run_group(d.suite, &alice, &bob, &carol);
}
