//! HPKE (RFC 9180) through the MLS labeled operations on every offered
//! suite, RFC 9180 Appendix A known answers, and the official
//! `encrypt_with_label` vectors.

mod common;

use common::{hex, offered_suites, suite};
use mls_core::provider::RandProvider;
use mls_core::secret::HpkePrivateKey;
use mls_core::{CryptoError, Error, Kem, crypto};
use mls_crypto_awslc::SystemRand;
use std::sync::Mutex;

/// Yields the given bytes, then fails.
struct FixedRand(Mutex<Vec<u8>>);

impl FixedRand {
    fn new(bytes: Vec<u8>) -> Self {
        Self(Mutex::new(bytes))
    }
}

impl RandProvider for FixedRand {
    fn fill(&self, dest: &mut [u8]) -> Result<(), CryptoError> {
        let mut left = self
            .0
            .lock()
            .map_err(|_| CryptoError::Rand("poisoned".into()))?;
        if left.len() < dest.len() {
            return Err(CryptoError::Rand("fixed bytes exhausted".into()));
        }
        let rest = left.split_off(dest.len());
        dest.copy_from_slice(&left);
        *left = rest;
        Ok(())
    }
}

fn hpke_open_failed<T: std::fmt::Debug>(result: Result<T, Error>) -> bool {
    matches!(result, Err(Error::Crypto(CryptoError::HpkeOpenFailed)))
}

#[test]
fn encrypt_decrypt_with_label_every_suite() {
    let rand = SystemRand::new();
    for s in offered_suites() {
        let name = s.cipher_suite();
        let (sk, pk) = crypto::generate_hpke_key_pair(s, &rand).unwrap();
        assert_eq!(sk.len(), s.kem_private_key_len(), "{name}");
        assert_eq!(pk.len(), name.kem().public_key_len(), "{name}");

        let ct =
            crypto::encrypt_with_label(s, &pk, "UpdatePathNode", b"ctx", b"path secret", &rand)
                .unwrap();
        assert_eq!(ct.kem_output.len(), name.kem().public_key_len(), "{name}");
        let pt = crypto::decrypt_with_label(
            s,
            &sk,
            "UpdatePathNode",
            b"ctx",
            &ct.kem_output,
            &ct.ciphertext,
        )
        .unwrap();
        assert_eq!(pt.as_bytes(), b"path secret", "{name}");

        // Tampering with the ciphertext, the label or the context fails.
        let mut bad = ct.ciphertext.clone();
        bad[0] ^= 1;
        assert!(hpke_open_failed(crypto::decrypt_with_label(
            s,
            &sk,
            "UpdatePathNode",
            b"ctx",
            &ct.kem_output,
            &bad
        )));
        assert!(hpke_open_failed(crypto::decrypt_with_label(
            s,
            &sk,
            "Welcome",
            b"ctx",
            &ct.kem_output,
            &ct.ciphertext
        )));
        assert!(hpke_open_failed(crypto::decrypt_with_label(
            s,
            &sk,
            "UpdatePathNode",
            b"other",
            &ct.kem_output,
            &ct.ciphertext
        )));
        // Another recipient's key fails.
        let (other_sk, _) = crypto::generate_hpke_key_pair(s, &rand).unwrap();
        assert!(
            crypto::decrypt_with_label(
                s,
                &other_sk,
                "UpdatePathNode",
                b"ctx",
                &ct.kem_output,
                &ct.ciphertext
            )
            .is_err()
        );
    }
}

#[test]
fn export_to_and_from_agree() {
    let rand = SystemRand::new();
    for s in offered_suites() {
        let (sk, pk) = crypto::generate_hpke_key_pair(s, &rand).unwrap();
        let sent = s
            .hpke_export_to(&pk, b"info", b"MLS 1.0 external init secret", 32, &rand)
            .unwrap();
        let received = s
            .hpke_export_from(
                &sk,
                &sent.kem_output,
                b"info",
                b"MLS 1.0 external init secret",
                32,
            )
            .unwrap();
        assert_eq!(sent.secret, received, "{}", s.cipher_suite());
        assert_eq!(received.len(), 32);
    }
}

/// A seeded rand gives the same key pair and the same HPKE output.
#[test]
fn seeded_randomness_is_reproducible() {
    for s in offered_suites() {
        let nsk = s.kem_private_key_len();
        let seeded = || FixedRand::new((0..2 * nsk).map(|i| i as u8).collect());
        let (sk1, pk1) = crypto::generate_hpke_key_pair(s, &seeded()).unwrap();
        let (sk2, pk2) = crypto::generate_hpke_key_pair(s, &seeded()).unwrap();
        assert_eq!((sk1, &pk1), (sk2, &pk2));
        let ct1 = crypto::encrypt_with_label(s, &pk1, "L", b"c", b"m", &seeded()).unwrap();
        let ct2 = crypto::encrypt_with_label(s, &pk1, "L", b"c", b"m", &seeded()).unwrap();
        assert_eq!(ct1, ct2, "{}", s.cipher_suite());
    }
}

/// RFC 9180 Appendix A.1.1 (suite 1's HPKE) and A.3.1 (suite 2's): base
/// mode, first message.
#[test]
fn rfc9180_appendix_a_base_mode() {
    struct Case {
        suite: u16,
        ikm_r: &'static str,
        sk_r: &'static str,
        pk_r: &'static str,
        ikm_e: &'static str,
        enc: &'static str,
        ct: &'static str,
    }
    let cases = [
        Case {
            suite: 1,
            ikm_r: "6db9df30aa07dd42ee5e8181afdb977e538f5e1fec8a06223f33f7013e525037",
            sk_r: "4612c550263fc8ad58375df3f557aac531d26850903e55a9f23f21d8534e8ac8",
            pk_r: "3948cfe0ad1ddb695d780e59077195da6c56506b027329794ab02bca80815c4d",
            ikm_e: "7268600d403fce431561aef583ee1613527cff655c1343f29812e66706df3234",
            enc: "37fda3567bdbd628e88668c3c8d7e97d1d1253b6d4ea6d44c150f741f1bf4431",
            ct: "f938558b5d72f1a23810b4be2ab4f84331acc02fc97babc53a52ae8218a355a96d8770ac83d07bea87e13c512a",
        },
        Case {
            suite: 2,
            ikm_r: "668b37171f1072f3cf12ea8a236a45df23fc13b82af3609ad1e354f6ef817550",
            sk_r: "f3ce7fdae57e1a310d87f1ebbde6f328be0a99cdbcadf4d6589cf29de4b8ffd2",
            pk_r: concat!(
                "04fe8c19ce0905191ebc298a9245792531f26f0cece2460639e8bc39cb7f706a",
                "826a779b4cf969b8a0e539c7f62fb3d30ad6aa8f80e30f1d128aafd68a2ce72ea0"
            ),
            ikm_e: "4270e54ffd08d79d5928020af4686d8f6b7d35dbe470265f1f5aa22816ce860e",
            enc: concat!(
                "04a92719c6195d5085104f469a8b9814d5838ff72b60501e2c4466e5e67b325a",
                "c98536d7b61a1af4b78e5b7f951c0900be863c403ce65c9bfcb9382657222d18c4"
            ),
            ct: "5ad590bb8baa577f8619db35a36311226a896e7342a6d836d8b7bcd2f20b6c7f9076ac232e3ab2523f39513434",
        },
    ];
    let info = hex("4f6465206f6e2061204772656369616e2055726e");
    let aad = hex("436f756e742d30");
    let pt = hex("4265617574792069732074727574682c20747275746820626561757479");
    for case in cases {
        let Some(s) = suite(case.suite) else { continue };
        let (sk, pk) = s.kem_derive_key_pair(&hex(case.ikm_r)).unwrap();
        assert_eq!(sk.as_bytes(), hex(case.sk_r), "suite {}", case.suite);
        assert_eq!(pk, hex(case.pk_r), "suite {}", case.suite);

        let sealed = s
            .hpke_seal(&pk, &info, &aad, &pt, &FixedRand::new(hex(case.ikm_e)))
            .unwrap();
        assert_eq!(sealed.kem_output, hex(case.enc), "suite {}", case.suite);
        assert_eq!(sealed.ciphertext, hex(case.ct), "suite {}", case.suite);

        let opened = s
            .hpke_open(&sk, &hex(case.enc), &info, &aad, &hex(case.ct))
            .unwrap();
        assert_eq!(opened.as_bytes(), pt);
    }
}

#[test]
fn official_encrypt_with_label_vectors() {
    let rand = SystemRand::new();
    for v in common::vectors::CRYPTO_BASICS {
        let Some(s) = suite(v.cipher_suite) else {
            continue;
        };
        let sk = HpkePrivateKey::new(hex(v.hpke_priv));
        let context = hex(v.hpke_context);
        let pt = crypto::decrypt_with_label(
            s,
            &sk,
            "EncryptWithLabel",
            &context,
            &hex(v.kem_output),
            &hex(v.ciphertext),
        )
        .unwrap();
        assert_eq!(pt.as_bytes(), hex(v.plaintext), "suite {}", v.cipher_suite);

        // The vector's public key belongs to its private key.
        let ct = crypto::encrypt_with_label(
            s,
            &hex(v.hpke_pub),
            "EncryptWithLabel",
            &context,
            b"x",
            &rand,
        )
        .unwrap();
        let back = crypto::decrypt_with_label(
            s,
            &sk,
            "EncryptWithLabel",
            &context,
            &ct.kem_output,
            &ct.ciphertext,
        )
        .unwrap();
        assert_eq!(back.as_bytes(), b"x");
    }
}

/// A P-521 private key with its leading zero byte dropped (65 bytes) still
/// decrypts.
#[test]
fn short_p521_private_key_is_left_padded() {
    let Some(s) = suite(5) else { return };
    let rand = SystemRand::new();
    let (sk, pk) = (0u8..=255)
        .map(|i| s.kem_derive_key_pair(&[i; 66]).unwrap())
        .find(|(sk, _)| sk.as_bytes()[0] == 0)
        .expect("half of all P-521 keys start with a zero byte");
    let short = HpkePrivateKey::new(sk.as_bytes()[1..].to_vec());
    assert_eq!(short.len(), 65);
    let ct = crypto::encrypt_with_label(s, &pk, "L", b"c", b"m", &rand).unwrap();
    let pt =
        crypto::decrypt_with_label(s, &short, "L", b"c", &ct.kem_output, &ct.ciphertext).unwrap();
    assert_eq!(pt.as_bytes(), b"m");
}

/// Public keys and `enc` values that are not the exact RFC 9180 encoding,
/// off the curve, or of small order are rejected.
#[test]
fn bad_public_keys_are_rejected() {
    let rand = SystemRand::new();
    for s in offered_suites() {
        let name = s.cipher_suite();
        let (sk, pk) = crypto::generate_hpke_key_pair(s, &rand).unwrap();
        let ct = crypto::encrypt_with_label(s, &pk, "L", b"c", b"m", &rand).unwrap();
        let open = |enc: &[u8]| crypto::decrypt_with_label(s, &sk, "L", b"c", enc, &ct.ciphertext);
        let seal = |pk: &[u8]| crypto::encrypt_with_label(s, pk, "L", b"c", b"m", &rand);

        assert!(open(&ct.kem_output[1..]).is_err(), "{name}: short enc");
        assert!(seal(&pk[1..]).is_err(), "{name}: short public key");
        assert!(seal(&[]).is_err(), "{name}: empty public key");
        if name.kem() == Kem::DhKemX25519 {
            // The all-zero point (small order): the DH output would be zero.
            assert!(open(&[0u8; 32]).is_err(), "{name}: zero enc");
            assert!(seal(&[0u8; 32]).is_err(), "{name}: zero public key");
            // Another small-order point: 1 (the identity's u-coordinate).
            let mut one = [0u8; 32];
            one[0] = 1;
            assert!(seal(&one).is_err(), "{name}: small-order public key");
        } else {
            let coord = (pk.len() - 1) / 2;
            let mut compressed = vec![0x02 | (pk[pk.len() - 1] & 1)];
            compressed.extend_from_slice(&pk[1..1 + coord]);
            assert!(seal(&compressed).is_err(), "{name}: compressed public key");
            let mut off_curve = pk.clone();
            off_curve[pk.len() - 1] ^= 1;
            assert!(seal(&off_curve).is_err(), "{name}: off-curve public key");
            let mut off_curve_enc = ct.kem_output.clone();
            off_curve_enc[pk.len() - 1] ^= 1;
            assert!(open(&off_curve_enc).is_err(), "{name}: off-curve enc");
        }
    }
}

#[test]
fn bad_private_keys_are_rejected() {
    let rand = SystemRand::new();
    for s in offered_suites() {
        let name = s.cipher_suite();
        let (_, pk) = crypto::generate_hpke_key_pair(s, &rand).unwrap();
        let ct = crypto::encrypt_with_label(s, &pk, "L", b"c", b"m", &rand).unwrap();
        let open = |sk: Vec<u8>| {
            crypto::decrypt_with_label(
                s,
                &HpkePrivateKey::new(sk),
                "L",
                b"c",
                &ct.kem_output,
                &ct.ciphertext,
            )
        };
        let nsk = s.kem_private_key_len();
        assert!(open(vec![1u8; nsk + 1]).is_err(), "{name}: long key");
        assert!(open(Vec::new()).is_err(), "{name}: empty key");
        if name.kem() != Kem::DhKemX25519 {
            assert!(open(vec![0u8; nsk]).is_err(), "{name}: zero scalar");
            assert!(
                open(vec![0xffu8; nsk]).is_err(),
                "{name}: scalar above the order"
            );
        }
    }
}
