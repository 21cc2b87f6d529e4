//! aws-lc specifics of signatures: Ed448 is not offered, public key
//! encodings are strict, and the signer's `Debug` hides the key. Signing,
//! verifying, key validation and the official vectors are checked for every
//! backend by the shared conformance suite
//! (`interop/tests/provider_conformance.rs`).

mod common;

use common::{offered_suites, suite};
use mls_core::provider::Signer;
use mls_core::{CryptoError, SignatureScheme, crypto};
use mls_crypto_awslc::{AwsLcSigner, SystemRand};

/// aws-lc-rs has no Ed448.
#[test]
fn ed448_signer_is_unsupported() {
    assert_eq!(
        AwsLcSigner::from_private_key(SignatureScheme::Ed448, &[0u8; 57]).unwrap_err(),
        CryptoError::UnsupportedAlgorithm("Ed448")
    );
}

/// ECDSA public keys must be uncompressed SEC1 points; Ed25519 keys 32
/// bytes. aws-lc-rs itself would take compressed points; any other encoding
/// is `InvalidSignature`, as every failure of `verify` is.
#[test]
fn public_key_encodings_are_strict() {
    let rand = SystemRand::new();
    for s in offered_suites() {
        let name = s.cipher_suite();
        let (sk, pk) = crypto::generate_signature_key_pair(s, &rand).unwrap();
        let sig = s.sign(&sk, b"m").unwrap();
        s.verify(&pk, b"m", &sig).unwrap();
        if s.definition().signature == SignatureScheme::Ed25519 {
            assert_eq!(pk.len(), 32);
            let mut longer = pk.clone();
            longer.push(0);
            assert_eq!(
                s.verify(&longer, b"m", &sig),
                Err(CryptoError::InvalidSignature),
                "{name}: 33-byte key accepted"
            );
            continue;
        }
        assert_eq!(pk[0], 0x04, "{name}");
        // The compressed form of the same point.
        let coord = (pk.len() - 1) / 2;
        let mut compressed = vec![0x02 | (pk[pk.len() - 1] & 1)];
        compressed.extend_from_slice(&pk[1..1 + coord]);
        assert_eq!(
            s.verify(&compressed, b"m", &sig),
            Err(CryptoError::InvalidSignature),
            "{name}: compressed point accepted"
        );
        // A hybrid-prefixed point, and a point off the curve.
        let mut hybrid = pk.clone();
        hybrid[0] = 0x06 | (pk[pk.len() - 1] & 1);
        assert_eq!(
            s.verify(&hybrid, b"m", &sig),
            Err(CryptoError::InvalidSignature),
            "{name}: hybrid point accepted"
        );
        let mut off_curve = pk.clone();
        off_curve[pk.len() - 1] ^= 1;
        assert_eq!(
            s.verify(&off_curve, b"m", &sig),
            Err(CryptoError::InvalidSignature),
            "{name}: point off the curve accepted"
        );
    }
}

#[test]
fn signer_debug_hides_the_key() {
    let s = suite(2).unwrap();
    let key = [0x42u8; 32];
    let signer =
        AwsLcSigner::from_private_key(SignatureScheme::EcdsaSecp256r1Sha256, &key).unwrap();
    let shown = format!("{signer:?}");
    assert!(shown.contains("EcdsaSecp256r1Sha256"));
    assert!(!shown.contains("42, 42"));
    assert!(!shown.to_lowercase().contains("4242"));
    assert_eq!(
        signer.public_key(),
        s.signature_key_pair_from_private(&key)
            .unwrap()
            .1
            .as_slice()
    );
}
