//! Signature key pairs, sign and verify on every offered suite, and the
//! official `sign_with_label` vectors.

mod common;

use common::{hex, offered_suites, suite};
use mls_core::provider::Signer;
use mls_core::{CryptoError, Error, SignatureScheme, crypto};
use mls_crypto_awslc::{AwsLcSigner, SystemRand};

fn invalid_signature<T: std::fmt::Debug>(result: Result<T, Error>) -> bool {
    matches!(result, Err(Error::Crypto(CryptoError::InvalidSignature)))
}

#[test]
fn sign_and_verify_every_suite() {
    let rand = SystemRand::new();
    for s in offered_suites() {
        let name = s.cipher_suite();
        let (sk, pk) = crypto::generate_signature_key_pair(s, &rand).unwrap();
        assert_eq!(sk.len(), s.signature_private_key_len(), "{name}");
        let signer = s.signer(sk.as_bytes()).unwrap();
        assert_eq!(signer.public_key(), pk.as_slice(), "{name}");
        assert_eq!(signer.scheme(), name.signature_scheme());

        let sig = crypto::sign_with_label(signer.as_ref(), s, "Label", b"content").unwrap();
        crypto::verify_with_label(s, &pk, "Label", b"content", &sig).unwrap();

        // The suite's own sign() agrees with the signer's key.
        let sig2 = s.sign(&sk, b"raw message").unwrap();
        s.verify(&pk, b"raw message", &sig2).unwrap();

        // A flipped bit anywhere in the signature is rejected.
        for i in 0..sig.len() {
            let mut bad = sig.clone();
            bad[i] ^= 0x01;
            assert!(
                invalid_signature(crypto::verify_with_label(s, &pk, "Label", b"content", &bad)),
                "{name}: flipped bit in byte {i} accepted"
            );
        }
        // Other content, other label, other key, truncated signature.
        assert!(invalid_signature(crypto::verify_with_label(
            s, &pk, "Label", b"contenu", &sig
        )));
        assert!(invalid_signature(crypto::verify_with_label(
            s, &pk, "Other", b"content", &sig
        )));
        let (_, other_pk) = crypto::generate_signature_key_pair(s, &rand).unwrap();
        assert!(invalid_signature(crypto::verify_with_label(
            s, &other_pk, "Label", b"content", &sig
        )));
        assert!(invalid_signature(crypto::verify_with_label(
            s,
            &pk,
            "Label",
            b"content",
            &sig[..sig.len() - 1]
        )));
        assert_eq!(
            s.verify(&pk, b"raw message", &[]).unwrap_err(),
            CryptoError::InvalidSignature
        );
    }
}

#[test]
fn official_sign_with_label_vectors() {
    for v in common::vectors::CRYPTO_BASICS {
        let Some(s) = suite(v.cipher_suite) else {
            continue;
        };
        let code = v.cipher_suite;
        let (sk, pk) = s
            .signature_key_pair_from_private(&hex(v.sign_priv))
            .unwrap();
        assert_eq!(pk, hex(v.sign_pub), "suite {code}");
        assert_eq!(sk.as_bytes(), hex(v.sign_priv), "suite {code}");
        let content = hex(v.sign_content);
        let signature = hex(v.signature);
        crypto::verify_with_label(s, &pk, "SignWithLabel", &content, &signature).unwrap();

        // Ed25519 is deterministic: we must produce the same signature.
        let signer = s.signer(sk.as_bytes()).unwrap();
        let ours = crypto::sign_with_label(signer.as_ref(), s, "SignWithLabel", &content).unwrap();
        if s.cipher_suite().signature_scheme() == SignatureScheme::Ed25519 {
            assert_eq!(ours, signature, "suite {code}");
        }
        crypto::verify_with_label(s, &pk, "SignWithLabel", &content, &ours).unwrap();
    }
}

/// Official vectors carry P-521 scalars with the leading zero byte dropped
/// (65 bytes): they are left-padded, not rejected.
#[test]
fn short_ecdsa_scalars_are_left_padded() {
    for v in common::vectors::CRYPTO_BASICS {
        let Some(s) = suite(v.cipher_suite) else {
            continue;
        };
        if s.cipher_suite().signature_scheme() == SignatureScheme::Ed25519 {
            continue;
        }
        let full = hex(v.sign_priv);
        let (sk, pk) = s.signature_key_pair_from_private(&full).unwrap();
        // Strip every leading zero the vector has, and make one if it has none
        // by testing a small scalar.
        let stripped: Vec<u8> = full.iter().copied().skip_while(|b| *b == 0).collect();
        if stripped.len() < full.len() {
            let (sk2, pk2) = s.signature_key_pair_from_private(&stripped).unwrap();
            assert_eq!(sk2, sk);
            assert_eq!(pk2, pk);
            let signer =
                AwsLcSigner::from_private_key(s.cipher_suite().signature_scheme(), &stripped)
                    .unwrap();
            assert_eq!(signer.public_key(), pk.as_slice());
        }
        let (small, _) = s.signature_key_pair_from_private(&[0x01]).unwrap();
        let mut expected = vec![0u8; s.signature_private_key_len()];
        *expected.last_mut().unwrap() = 1;
        assert_eq!(small.as_bytes(), expected);
    }
    // The P-521 vector really is one of those keys.
    if let Some(v) = common::vectors::CRYPTO_BASICS
        .iter()
        .find(|v| v.cipher_suite == 5)
    {
        assert_eq!(hex(v.sign_priv)[0], 0);
    }
}

#[test]
fn bad_private_keys_are_rejected() {
    for s in offered_suites() {
        let len = s.signature_private_key_len();
        let name = s.cipher_suite();
        assert!(
            matches!(
                s.signature_key_pair_from_private(&vec![1u8; len + 1]),
                Err(CryptoError::InvalidLength { .. })
            ),
            "{name}"
        );
        assert!(matches!(
            s.signature_key_pair_from_private(&[]),
            Err(CryptoError::InvalidLength { .. })
        ));
        if s.cipher_suite().signature_scheme() == SignatureScheme::Ed25519 {
            assert!(matches!(
                s.signature_key_pair_from_private(&[1u8; 31]),
                Err(CryptoError::InvalidLength { .. })
            ));
        } else {
            // Zero, and a scalar above the group order.
            assert!(matches!(
                s.signature_key_pair_from_private(&vec![0u8; len]),
                Err(CryptoError::InvalidPrivateKey(_))
            ));
            assert!(matches!(
                s.signature_key_pair_from_private(&vec![0xffu8; len]),
                Err(CryptoError::InvalidPrivateKey(_))
            ));
        }
    }
    assert_eq!(
        AwsLcSigner::from_private_key(SignatureScheme::Ed448, &[0u8; 57]).unwrap_err(),
        CryptoError::UnsupportedAlgorithm("Ed448")
    );
}

/// ECDSA public keys must be uncompressed SEC1 points; Ed25519 keys 32 bytes.
#[test]
fn public_key_encodings_are_strict() {
    let rand = SystemRand::new();
    for s in offered_suites() {
        let name = s.cipher_suite();
        let (sk, pk) = crypto::generate_signature_key_pair(s, &rand).unwrap();
        let sig = s.sign(&sk, b"m").unwrap();
        if s.cipher_suite().signature_scheme() == SignatureScheme::Ed25519 {
            assert_eq!(pk.len(), 32);
            let mut longer = pk.clone();
            longer.push(0);
            assert!(matches!(
                s.verify(&longer, b"m", &sig),
                Err(CryptoError::InvalidPublicKey(_))
            ));
            continue;
        }
        assert_eq!(pk[0], 0x04, "{name}");
        // The compressed form of the same point.
        let coord = (pk.len() - 1) / 2;
        let mut compressed = vec![0x02 | (pk[pk.len() - 1] & 1)];
        compressed.extend_from_slice(&pk[1..1 + coord]);
        assert!(
            matches!(
                s.verify(&compressed, b"m", &sig),
                Err(CryptoError::InvalidPublicKey(_))
            ),
            "{name}: compressed point accepted"
        );
        // A hybrid-prefixed point, and a point off the curve.
        let mut hybrid = pk.clone();
        hybrid[0] = 0x06 | (pk[pk.len() - 1] & 1);
        assert!(matches!(
            s.verify(&hybrid, b"m", &sig),
            Err(CryptoError::InvalidPublicKey(_))
        ));
        let mut off_curve = pk.clone();
        off_curve[pk.len() - 1] ^= 1;
        assert!(matches!(
            s.verify(&off_curve, b"m", &sig),
            Err(CryptoError::InvalidPublicKey(_))
        ));
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
