//! Hash, HMAC, HKDF and AEAD against published vectors, on every offered suite.

mod common;

use common::{hex, offered_suites, suite};
use mls_core::CryptoError;
use mls_core::crypto;

const P256: u16 = 2;
const P521: u16 = 5;
const P384: u16 = 7;

#[test]
fn sha256_of_abc() {
    let s = suite(P256).unwrap();
    assert_eq!(
        s.hash(b"abc").unwrap(),
        hex("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    );
}

/// RFC 4231 §4.3, test case 2, for SHA-256 (suite 2), SHA-384 (suite 7)
/// and SHA-512 (suite 5).
#[test]
fn hmac_rfc4231_case_2() {
    let key = b"Jefe";
    let data = b"what do ya want for nothing?";
    let cases = [
        (
            P256,
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
        ),
        (
            P384,
            "af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e8e2240ca5e69e2c78b3239ecfab21649",
        ),
        (
            P521,
            "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737",
        ),
    ];
    for (code, expected) in cases {
        let s = suite(code).unwrap();
        assert_eq!(s.mac(key, data).unwrap(), hex(expected), "suite {code}");
    }
}

/// RFC 4231 §4.2, test case 1 (HMAC-SHA-256).
#[test]
fn hmac_rfc4231_case_1() {
    let s = suite(P256).unwrap();
    assert_eq!(
        s.mac(&[0x0b; 20], b"Hi There").unwrap(),
        hex("b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")
    );
}

/// RFC 5869 Appendix A.1, test case 1 (HKDF-SHA256).
#[test]
fn hkdf_rfc5869_case_1() {
    let s = suite(P256).unwrap();
    let prk = s
        .kdf_extract(&hex("000102030405060708090a0b0c"), &[0x0b; 22])
        .unwrap();
    assert_eq!(
        prk.as_bytes(),
        hex("077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5")
    );
    let okm = s
        .kdf_expand(prk.as_bytes(), &hex("f0f1f2f3f4f5f6f7f8f9"), 42)
        .unwrap();
    assert_eq!(
        okm.as_bytes(),
        hex("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865")
    );
}

/// RFC 5869 Appendix A.3, test case 3: empty salt and info. The empty salt
/// must act as HashLen zero bytes.
#[test]
fn hkdf_rfc5869_case_3_empty_salt() {
    let s = suite(P256).unwrap();
    let prk = s.kdf_extract(&[], &[0x0b; 22]).unwrap();
    assert_eq!(
        prk.as_bytes(),
        hex("19ef24a32c717b167f33a91d6f648bdf96596776afdb6377ac434c1c293ccb04")
    );
    assert_eq!(s.kdf_extract(&[0u8; 32], &[0x0b; 22]).unwrap(), prk);
    let okm = s.kdf_expand(prk.as_bytes(), &[], 42).unwrap();
    assert_eq!(
        okm.as_bytes(),
        hex("8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8")
    );
}

#[test]
fn hkdf_expand_length_limits() {
    for s in offered_suites() {
        let nh = s.hash_len();
        let prk = vec![7u8; nh];
        assert_eq!(
            s.kdf_expand(&prk, b"info", 255 * nh).unwrap().len(),
            255 * nh
        );
        assert_eq!(
            s.kdf_expand(&prk, b"info", 255 * nh + 1).unwrap_err(),
            CryptoError::InvalidLength {
                what: "HKDF-Expand output",
                len: 255 * nh + 1
            }
        );
        assert!(matches!(
            s.kdf_expand(&prk[1..], b"info", 16),
            Err(CryptoError::InvalidLength { .. })
        ));
        assert!(matches!(
            s.kdf_expand(&[7u8; 65], b"info", 16),
            Err(CryptoError::InvalidLength { .. })
        ));
        assert!(s.kdf_expand(&prk, b"", 0).unwrap().is_empty());
    }
}

/// The labeled derivations of RFC 9420 §8 on the official vectors.
#[test]
fn derive_secret_official_vectors() {
    for v in common::vectors::CRYPTO_BASICS {
        let Some(s) = suite(v.cipher_suite) else {
            continue;
        };
        let out = crypto::derive_secret(s, &hex(v.derive_secret_in), "DeriveSecret").unwrap();
        assert_eq!(
            out.as_bytes(),
            hex(v.derive_secret_out),
            "suite {}",
            v.cipher_suite
        );
    }
}

#[test]
fn aead_round_trip_and_tamper() {
    for s in offered_suites() {
        let name = s.cipher_suite();
        let key: Vec<u8> = (0..s.aead_key_len() as u8).collect();
        let nonce = vec![9u8; s.aead_nonce_len()];
        let aad = b"associated data";
        let plaintext = b"an MLS application message";

        let ct = s.aead_seal(&key, &nonce, aad, plaintext).unwrap();
        assert_eq!(ct.len(), plaintext.len() + 16, "{name}");
        let pt = s.aead_open(&key, &nonce, aad, &ct).unwrap();
        assert_eq!(pt.as_bytes(), plaintext, "{name}");

        // Every single-bit flip of the ciphertext or tag is caught.
        for i in 0..ct.len() {
            let mut bad = ct.clone();
            bad[i] ^= 0x01;
            assert_eq!(
                s.aead_open(&key, &nonce, aad, &bad).unwrap_err(),
                CryptoError::AeadOpenFailed,
                "{name} byte {i}"
            );
        }
        // Wrong associated data, nonce or key.
        assert_eq!(
            s.aead_open(&key, &nonce, b"other", &ct).unwrap_err(),
            CryptoError::AeadOpenFailed
        );
        let mut other_nonce = nonce.clone();
        other_nonce[0] ^= 1;
        assert_eq!(
            s.aead_open(&key, &other_nonce, aad, &ct).unwrap_err(),
            CryptoError::AeadOpenFailed
        );
        let mut other_key = key.clone();
        other_key[0] ^= 1;
        assert_eq!(
            s.aead_open(&other_key, &nonce, aad, &ct).unwrap_err(),
            CryptoError::AeadOpenFailed
        );
        // Truncated below the tag, and empty.
        assert_eq!(
            s.aead_open(&key, &nonce, aad, &ct[..15]).unwrap_err(),
            CryptoError::AeadOpenFailed
        );
        assert_eq!(
            s.aead_open(&key, &nonce, aad, &[]).unwrap_err(),
            CryptoError::AeadOpenFailed
        );
        // An empty plaintext still carries a tag.
        let ct = s.aead_seal(&key, &nonce, &[], &[]).unwrap();
        assert_eq!(ct.len(), 16);
        assert!(s.aead_open(&key, &nonce, &[], &ct).unwrap().is_empty());
    }
}

#[test]
fn aead_rejects_wrong_key_and_nonce_lengths() {
    for s in offered_suites() {
        let key = vec![1u8; s.aead_key_len()];
        let nonce = vec![2u8; s.aead_nonce_len()];
        let short_key = &key[1..];
        assert_eq!(
            s.aead_seal(short_key, &nonce, &[], b"x").unwrap_err(),
            CryptoError::InvalidLength {
                what: "AEAD key",
                len: key.len() - 1
            }
        );
        assert_eq!(
            s.aead_open(&key, &nonce[1..], &[], &[0u8; 32]).unwrap_err(),
            CryptoError::InvalidLength {
                what: "AEAD nonce",
                len: nonce.len() - 1
            }
        );
    }
}
