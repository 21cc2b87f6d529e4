//! Primitive tests of the ring provider: known answers for the hash, HMAC and
//! HKDF, and round trips with tamper checks for AEAD, signatures and HPKE on
//! every suite. The official MLS vectors run in the `interop` crate.

// The helpers below are test code too; clippy.toml only exempts `#[test]` fns.
#![allow(clippy::unwrap_used)]

use mls_core::crypto::{
    decrypt_with_label, encrypt_with_label, generate_hpke_key_pair, generate_signature_key_pair,
    sign_with_label, verify_with_label,
};
use mls_core::provider::{CipherSuiteProvider, CryptoProvider, RandProvider, random_bytes};
use mls_core::{CipherSuite, CryptoError};
use mls_crypto_ring::{RingProvider, RingSigner, RingSuite, SystemRand};

fn hex(s: &str) -> Vec<u8> {
    assert!(s.len().is_multiple_of(2), "odd hex length");
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

const SUITE_1: CipherSuite = CipherSuite::MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519;
const SUITE_7: CipherSuite = CipherSuite::MLS_256_DHKEMP384_AES256GCM_SHA384_P384;

fn suite(cs: CipherSuite) -> &'static dyn CipherSuiteProvider {
    static PROVIDER: RingProvider = RingProvider::new();
    PROVIDER.suite(cs).unwrap()
}

fn all_suites() -> Vec<&'static dyn CipherSuiteProvider> {
    RingProvider::new()
        .supported_cipher_suites()
        .into_iter()
        .map(suite)
        .collect()
}

#[test]
fn suite_list() {
    let provider = RingProvider::default();
    assert_eq!(provider.name(), "ring");
    assert!(!provider.fips_mode());
    let codes: Vec<u16> = provider
        .supported_cipher_suites()
        .into_iter()
        .map(CipherSuite::code)
        .collect();
    assert_eq!(codes, [1, 2, 3, 7]);
    for cs in CipherSuite::ALL {
        let expected = matches!(cs.code(), 1 | 2 | 3 | 7);
        assert_eq!(provider.suite(cs).is_some(), expected, "{cs}");
        assert_eq!(RingSuite::get(cs).is_some(), expected, "{cs}");
        if let Some(s) = provider.suite(cs) {
            assert_eq!(s.cipher_suite(), cs);
        }
    }
    assert!(
        provider
            .cipher_suite(CipherSuite::MLS_256_DHKEMX448_AES256GCM_SHA512_Ed448)
            .is_err()
    );
}

#[test]
fn sizes_match_the_registry() {
    for s in all_suites() {
        let cs = s.cipher_suite();
        assert_eq!(s.hash_len(), cs.kdf().hash_len(), "{cs}");
        assert_eq!(s.aead_key_len(), cs.aead().key_len(), "{cs}");
        assert_eq!(s.aead_nonce_len(), cs.aead().nonce_len(), "{cs}");
        assert_eq!(s.kem_private_key_len(), cs.kem().private_key_len(), "{cs}");
        assert_eq!(
            s.signature_private_key_len(),
            cs.signature_scheme().private_key_len(),
            "{cs}"
        );
    }
}

#[test]
fn hash_known_answers() {
    // FIPS 180-2 "abc".
    assert_eq!(
        suite(SUITE_1).hash(b"abc").unwrap(),
        hex("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    );
    assert_eq!(
        suite(SUITE_7).hash(b"abc").unwrap(),
        hex(concat!(
            "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed",
            "8086072ba1e7cc2358baeca134c825a7"
        ))
    );
}

#[test]
fn hmac_rfc4231_test_case_1() {
    let key = [0x0b; 20];
    assert_eq!(
        suite(SUITE_1).mac(&key, b"Hi There").unwrap(),
        hex("b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")
    );
    assert_eq!(
        suite(SUITE_7).mac(&key, b"Hi There").unwrap(),
        hex(concat!(
            "afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59c",
            "faea9ea9076ede7f4af152e8b2fa9cb6"
        ))
    );
}

#[test]
fn hkdf_rfc5869_test_case_1() {
    let s = suite(SUITE_1);
    let ikm = [0x0b; 22];
    let salt = hex("000102030405060708090a0b0c");
    let info = hex("f0f1f2f3f4f5f6f7f8f9");
    let prk = s.kdf_extract(&salt, &ikm).unwrap();
    assert_eq!(
        prk.as_bytes(),
        hex("077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5")
    );
    let okm = s.kdf_expand(prk.as_bytes(), &info, 42).unwrap();
    assert_eq!(
        okm.as_bytes(),
        hex(concat!(
            "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf",
            "34007208d5b887185865"
        ))
    );
}

#[test]
fn hkdf_empty_salt_is_hash_len_zeros() {
    // RFC 5869 §2.2: a missing salt is HashLen zero bytes.
    for s in all_suites() {
        let zeros = vec![0u8; s.hash_len()];
        assert_eq!(
            s.kdf_extract(&[], b"ikm").unwrap(),
            s.kdf_extract(&zeros, b"ikm").unwrap()
        );
    }
}

#[test]
fn hkdf_expand_length_limit() {
    for s in all_suites() {
        let prk = vec![7u8; s.hash_len()];
        let max = 255 * s.hash_len();
        assert_eq!(s.kdf_expand(&prk, b"", max).unwrap().len(), max);
        assert!(matches!(
            s.kdf_expand(&prk, b"", max + 1),
            Err(CryptoError::InvalidLength { .. })
        ));
    }
}

#[test]
fn aead_round_trip_and_tamper() {
    let rand = SystemRand::new();
    for s in all_suites() {
        let cs = s.cipher_suite();
        let key = random_bytes(&rand, s.aead_key_len()).unwrap();
        let nonce = random_bytes(&rand, s.aead_nonce_len()).unwrap();
        let ct = s.aead_seal(&key, &nonce, b"aad", b"plaintext").unwrap();
        assert_eq!(ct.len(), b"plaintext".len() + cs.aead().tag_len());
        let pt = s.aead_open(&key, &nonce, b"aad", &ct).unwrap();
        assert_eq!(pt.as_bytes(), b"plaintext", "{cs}");

        let mut tampered = ct.clone();
        tampered[0] ^= 1;
        assert_eq!(
            s.aead_open(&key, &nonce, b"aad", &tampered),
            Err(CryptoError::AeadOpenFailed)
        );
        let mut tag_tampered = ct.clone();
        *tag_tampered.last_mut().unwrap() ^= 0x80;
        assert_eq!(
            s.aead_open(&key, &nonce, b"aad", &tag_tampered),
            Err(CryptoError::AeadOpenFailed)
        );
        assert_eq!(
            s.aead_open(&key, &nonce, b"other aad", &ct),
            Err(CryptoError::AeadOpenFailed)
        );
        assert_eq!(
            s.aead_open(&key, &nonce, b"aad", &ct[..10]),
            Err(CryptoError::AeadOpenFailed)
        );

        assert!(matches!(
            s.aead_seal(&key[1..], &nonce, b"", b""),
            Err(CryptoError::InvalidLength {
                what: "AEAD key",
                ..
            })
        ));
        assert!(matches!(
            s.aead_open(&key, &nonce[1..], b"", &ct),
            Err(CryptoError::InvalidLength {
                what: "AEAD nonce",
                ..
            })
        ));
    }
}

#[test]
fn sign_verify_round_trip_and_bit_flip() {
    let rand = SystemRand::new();
    for s in all_suites() {
        let cs = s.cipher_suite();
        let (private_key, public_key) = generate_signature_key_pair(s, &rand).unwrap();
        assert_eq!(private_key.len(), s.signature_private_key_len());

        // The suite's one-shot sign and its signer agree on the key.
        let signature = s.sign(&private_key, b"message").unwrap();
        s.verify(&public_key, b"message", &signature).unwrap();
        let signer = s.signer(private_key.as_bytes()).unwrap();
        assert_eq!(signer.public_key(), public_key.as_slice());
        assert_eq!(signer.scheme(), cs.signature_scheme());

        // Labeled: SignWithLabel / VerifyWithLabel.
        let labeled = sign_with_label(&*signer, s, "Label", b"content").unwrap();
        verify_with_label(s, &public_key, "Label", b"content", &labeled).unwrap();
        assert!(verify_with_label(s, &public_key, "Other", b"content", &labeled).is_err());

        // Every single-bit flip of the signature is rejected.
        for i in 0..signature.len() * 8 {
            let mut flipped = signature.clone();
            flipped[i / 8] ^= 1 << (i % 8);
            assert_eq!(
                s.verify(&public_key, b"message", &flipped),
                Err(CryptoError::InvalidSignature),
                "{cs}, bit {i}"
            );
        }
        assert_eq!(
            s.verify(&public_key, b"messagf", &signature),
            Err(CryptoError::InvalidSignature)
        );
        assert_eq!(
            s.verify(&public_key[1..], b"message", &signature),
            Err(CryptoError::InvalidSignature)
        );
    }
}

#[test]
fn ed25519_rfc8032_test_1() {
    let s = suite(SUITE_1);
    let seed = hex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
    let (private_key, public_key) = s.signature_key_pair_from_private(&seed).unwrap();
    assert_eq!(private_key.as_bytes(), seed);
    assert_eq!(
        public_key,
        hex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
    );
    let signature = s.sign(&private_key, b"").unwrap();
    assert_eq!(
        signature,
        hex(concat!(
            "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555",
            "fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
        ))
    );
}

#[test]
fn ecdsa_short_scalar_is_left_padded() {
    for cs in [
        CipherSuite::MLS_128_DHKEMP256_AES128GCM_SHA256_P256,
        SUITE_7,
    ] {
        let s = suite(cs);
        let size = s.signature_private_key_len();
        let short = vec![0x42; size - 1];
        let mut padded = vec![0u8];
        padded.extend_from_slice(&short);
        let (normalised, public_short) = s.signature_key_pair_from_private(&short).unwrap();
        let (_, public_padded) = s.signature_key_pair_from_private(&padded).unwrap();
        assert_eq!(normalised.as_bytes(), padded.as_slice());
        assert_eq!(public_short, public_padded);
        // Uncompressed SEC1.
        assert_eq!(public_short.len(), 1 + 2 * size);
        assert_eq!(public_short[0], 0x04);

        let signer = RingSigner::from_private_key(cs.signature_scheme(), &short).unwrap();
        let signature = mls_core::provider::Signer::sign(&signer, b"m").unwrap();
        s.verify(&public_padded, b"m", &signature).unwrap();
    }
}

#[test]
fn invalid_signature_keys_rejected() {
    for s in all_suites() {
        let size = s.signature_private_key_len();
        assert!(s.signature_key_pair_from_private(&[]).is_err());
        assert!(
            s.signature_key_pair_from_private(&vec![1u8; size + 1])
                .is_err()
        );
        assert!(s.signer(&vec![1u8; size + 1]).is_err());
    }
    // ECDSA: zero and a scalar above the group order.
    for cs in [
        CipherSuite::MLS_128_DHKEMP256_AES128GCM_SHA256_P256,
        SUITE_7,
    ] {
        let s = suite(cs);
        let size = s.signature_private_key_len();
        assert!(s.signature_key_pair_from_private(&vec![0u8; size]).is_err());
        assert!(
            s.signature_key_pair_from_private(&vec![0xff; size])
                .is_err()
        );
    }
}

#[test]
fn hpke_round_trip() {
    let rand = SystemRand::new();
    for s in all_suites() {
        let cs = s.cipher_suite();
        let (private_key, public_key) = generate_hpke_key_pair(s, &rand).unwrap();
        assert_eq!(private_key.len(), s.kem_private_key_len(), "{cs}");
        assert_eq!(public_key.len(), cs.kem().public_key_len(), "{cs}");

        let sealed = encrypt_with_label(
            s,
            &public_key,
            "UpdatePathNode",
            b"ctx",
            b"path secret",
            &rand,
        )
        .unwrap();
        assert_eq!(sealed.kem_output.len(), cs.kem().public_key_len());
        let opened = decrypt_with_label(
            s,
            &private_key,
            "UpdatePathNode",
            b"ctx",
            &sealed.kem_output,
            &sealed.ciphertext,
        )
        .unwrap();
        assert_eq!(opened.as_bytes(), b"path secret", "{cs}");

        // Wrong context, wrong label, modified ciphertext: all rejected.
        let open = |label: &str, ctx: &[u8], ct: &[u8]| {
            decrypt_with_label(s, &private_key, label, ctx, &sealed.kem_output, ct)
        };
        assert!(open("UpdatePathNode", b"other", &sealed.ciphertext).is_err());
        assert!(open("Welcome", b"ctx", &sealed.ciphertext).is_err());
        let mut tampered = sealed.ciphertext.clone();
        tampered[0] ^= 1;
        assert!(open("UpdatePathNode", b"ctx", &tampered).is_err());

        // Another recipient's key does not open it.
        let (other_private, _) = generate_hpke_key_pair(s, &rand).unwrap();
        assert!(
            decrypt_with_label(
                s,
                &other_private,
                "UpdatePathNode",
                b"ctx",
                &sealed.kem_output,
                &sealed.ciphertext,
            )
            .is_err()
        );
    }
}

#[test]
fn hpke_export_round_trip() {
    let rand = SystemRand::new();
    for s in all_suites() {
        let (private_key, public_key) = generate_hpke_key_pair(s, &rand).unwrap();
        let sent = s
            .hpke_export_to(&public_key, b"info", b"exporter", 32, &rand)
            .unwrap();
        let received = s
            .hpke_export_from(&private_key, &sent.kem_output, b"info", b"exporter", 32)
            .unwrap();
        assert_eq!(sent.secret.as_bytes(), received.as_bytes());
        assert_eq!(received.len(), 32);
    }
}

/// A rand that repeats one byte: two draws give the same bytes.
struct Fixed(u8);

impl RandProvider for Fixed {
    fn fill(&self, dest: &mut [u8]) -> Result<(), CryptoError> {
        dest.fill(self.0);
        Ok(())
    }
}

#[test]
fn hpke_is_deterministic_under_fixed_rand() {
    for s in all_suites() {
        let (sk1, pk1) = s.kem_derive_key_pair(&[5u8; 32]).unwrap();
        let (sk2, pk2) = s.kem_derive_key_pair(&[5u8; 32]).unwrap();
        assert_eq!(sk1, sk2);
        assert_eq!(pk1, pk2);
        let a = s.hpke_seal(&pk1, b"i", b"a", b"p", &Fixed(9)).unwrap();
        let b = s.hpke_seal(&pk1, b"i", b"a", b"p", &Fixed(9)).unwrap();
        assert_eq!(a, b);
    }
}

#[test]
fn hpke_rejects_bad_public_keys() {
    let rand = SystemRand::new();
    let rejected = |s: &dyn CipherSuiteProvider, public_key: &[u8]| {
        matches!(
            s.hpke_seal(public_key, b"", b"", b"p", &rand),
            Err(CryptoError::InvalidPublicKey(_))
        )
    };
    // X25519: the all-zero point has small order; DH output would be zero
    // (RFC 9180 §7.1.4).
    let s = suite(SUITE_1);
    assert!(rejected(s, &[0u8; 32]));
    assert!(rejected(s, &[9u8; 31]));

    for cs in [
        CipherSuite::MLS_128_DHKEMP256_AES128GCM_SHA256_P256,
        SUITE_7,
    ] {
        let s = suite(cs);
        let (_, public_key) = generate_hpke_key_pair(s, &rand).unwrap();
        // Not on the curve.
        let mut off_curve = public_key.clone();
        *off_curve.last_mut().unwrap() ^= 1;
        assert!(rejected(s, &off_curve), "{cs}");
        // Compressed form: RFC 9180 §7.1.1 serializes keys uncompressed.
        let size = s.kem_private_key_len();
        let mut compressed = vec![0x02 | (public_key[2 * size] & 1)];
        compressed.extend_from_slice(&public_key[1..=size]);
        assert!(rejected(s, &compressed), "{cs}");
        // The identity, and an all-zero key of the right length.
        assert!(rejected(s, &[0u8]), "{cs}");
        assert!(rejected(s, &vec![0u8; public_key.len()]), "{cs}");
    }
}

#[test]
fn hpke_rejects_bad_private_keys() {
    let rand = SystemRand::new();
    for cs in [
        CipherSuite::MLS_128_DHKEMP256_AES128GCM_SHA256_P256,
        SUITE_7,
    ] {
        let s = suite(cs);
        let (_, public_key) = generate_hpke_key_pair(s, &rand).unwrap();
        let sealed = s.hpke_seal(&public_key, b"", b"", b"p", &rand).unwrap();
        // A scalar above the group order.
        let too_big = mls_core::secret::HpkePrivateKey::new(vec![0xff; s.kem_private_key_len()]);
        assert!(matches!(
            s.hpke_open(&too_big, &sealed.kem_output, b"", b"", &sealed.ciphertext),
            Err(CryptoError::InvalidPrivateKey(_))
        ));
    }
}
