//! Signature key pairs, sign and verify (RFC 9420 §5.1.2).

use crate::harness::{Case, ecdsa, flip_bit, h};
use crate::vectors::{self, Curve};
use interop::SeededRand;
use mls_core::crypto::{generate_signature_key_pair, sign_with_label, verify_with_label};
use mls_core::secret::SignaturePrivateKey;
use mls_core::{CryptoError, Error, SignatureScheme};
use sha2::{Digest, Sha256};

fn key_pair(c: &Case, seed: u8) -> (SignaturePrivateKey, Vec<u8>) {
    generate_signature_key_pair(c.s, &SeededRand::new([seed; 32])).unwrap()
}

fn curve(scheme: SignatureScheme) -> Option<&'static Curve> {
    match scheme {
        SignatureScheme::EcdsaSecp256r1Sha256 => Some(&vectors::P256),
        SignatureScheme::EcdsaSecp384r1Sha384 => Some(&vectors::P384),
        SignatureScheme::EcdsaSecp521r1Sha512 => Some(&vectors::P521),
        SignatureScheme::Ed25519
        | SignatureScheme::Ed448
        | SignatureScheme::MlDsa44
        | SignatureScheme::MlDsa65
        | SignatureScheme::MlDsa87 => None,
    }
}

/// Big-endian `x - 1` (x > 0).
fn minus_one(x: &[u8]) -> Vec<u8> {
    let mut out = x.to_vec();
    for b in out.iter_mut().rev() {
        let (v, borrow) = b.overflowing_sub(1);
        *b = v;
        if !borrow {
            break;
        }
    }
    out
}

/// Private key bytes of the wrong length. The trait does not say which
/// error this is, and the backends differ (ring and aws-lc: `InvalidLength`
/// with the given length; rustcrypto: `InvalidPrivateKey`), so either is
/// accepted; anything else (success, a panic, `Backend`) is not.
fn assert_bad_length<T>(result: Result<T, CryptoError>, len: usize, what: &str) {
    match result {
        Err(CryptoError::InvalidLength { len: l, .. }) if l == len => {}
        Err(CryptoError::InvalidPrivateKey(_)) => {}
        Err(other) => panic!("{what}: {len}-byte key gave {other:?}, not a length error"),
        Ok(_) => panic!("{what}: {len}-byte key accepted"),
    }
}

/// Generate, sign, verify, with the suite's one-shot `sign`, with its
/// `Signer`, and through `SignWithLabel` / `VerifyWithLabel`.
pub(crate) fn signature_round_trip(c: &Case) {
    let s = c.s;
    let (sk, pk) = key_pair(c, 1);
    assert_eq!(sk.len(), s.signature_private_key_len());
    // Rebuilding the pair from its private key gives the same pair.
    let (sk2, pk2) = s.signature_key_pair_from_private(sk.as_bytes()).unwrap();
    assert_eq!(
        (sk2.as_bytes(), &pk2),
        (sk.as_bytes(), &pk),
        "from_private(sk)"
    );

    let sig = s.sign(&sk, b"message").unwrap();
    assert_eq!(s.verify(&pk, b"message", &sig), Ok(()), "sign then verify");
    let signer = s.signer(sk.as_bytes()).unwrap();
    assert_eq!(signer.public_key(), pk.as_slice(), "signer public key");
    assert_eq!(signer.scheme(), c.def().signature, "signer scheme");
    let by_signer = signer.sign(b"message").unwrap();
    assert_eq!(
        s.verify(&pk, b"message", &by_signer),
        Ok(()),
        "signer output"
    );
    if matches!(
        c.def().signature,
        SignatureScheme::Ed25519 | SignatureScheme::Ed448
    ) {
        // EdDSA is deterministic (RFC 8032 §5.1.6); ECDSA and ML-DSA may be
        // hedged (aws-lc's are).
        assert_eq!(by_signer, sig, "EdDSA signatures differ");
    }
    let empty = s.sign(&sk, b"").unwrap();
    assert_eq!(s.verify(&pk, b"", &empty), Ok(()), "empty message");

    let invalid = Err(CryptoError::InvalidSignature);
    assert_eq!(s.verify(&pk, b"messagf", &sig), invalid, "other message");
    let (_, other_pk) = key_pair(c, 2);
    assert_ne!(other_pk, pk);
    assert_eq!(s.verify(&other_pk, b"message", &sig), invalid, "other key");

    let labeled = sign_with_label(&*signer, s, "Label", b"content").unwrap();
    verify_with_label(s, &pk, "Label", b"content", &labeled).unwrap();
    let invalid = Err(Error::Crypto(CryptoError::InvalidSignature));
    assert_eq!(
        verify_with_label(s, &pk, "Other", b"content", &labeled),
        invalid,
        "other label"
    );
    assert_eq!(
        verify_with_label(s, &pk, "Label", b"contenu", &labeled),
        invalid,
        "other content"
    );
}

/// The bits `signature_bit_flips_rejected` flips in a `len`-byte signature:
/// all of them up to 512 bytes (EdDSA, ECDSA). An ML-DSA signature (2,420
/// to 4,627 bytes, each verification about a millisecond) gets every bit of
/// its first 64 bytes (the challenge c̃ and the start of z) and last 96
/// bytes (the hint, FIPS 204 §7.2: ω + k bytes, at most 84), and one bit,
/// in turn, of every 8th byte between.
fn flipped_bits(len: usize) -> Vec<usize> {
    if len <= 512 {
        return (0..len * 8).collect();
    }
    let (head, tail) = (64, len - 96);
    let mut bits: Vec<usize> = (0..head * 8).collect();
    bits.extend((head..tail).step_by(8).map(|byte| byte * 8 + byte % 8));
    bits.extend(tail * 8..len * 8);
    bits
}

/// Every single-bit flip of a signature (of a long one, a sample covering
/// its structure: see [`flipped_bits`]), and a truncated, empty or extended
/// one, is `InvalidSignature`.
pub(crate) fn signature_bit_flips_rejected(c: &Case) {
    let s = c.s;
    let (sk, pk) = key_pair(c, 3);
    let sig = s.sign(&sk, b"message").unwrap();
    for bit in flipped_bits(sig.len()) {
        assert_eq!(
            s.verify(&pk, b"message", &flip_bit(&sig, bit)),
            Err(CryptoError::InvalidSignature),
            "bit {bit} of the {}-byte signature flipped",
            sig.len()
        );
    }
    let mut longer = sig.clone();
    longer.push(0);
    for (what, bad) in [
        ("truncated", &sig[..sig.len() - 1]),
        ("empty", &[][..]),
        ("extended", &longer[..]),
    ] {
        assert_eq!(
            s.verify(&pk, b"message", bad),
            Err(CryptoError::InvalidSignature),
            "{what} signature"
        );
    }
}

/// The trait contract: any failure of `verify`, a malformed public key
/// included, is `InvalidSignature`. ECDSA keys must be uncompressed SEC1
/// points (RFC 9420 §5.1.1).
pub(crate) fn verify_rejects_malformed_public_keys(c: &Case) {
    let s = c.s;
    let (sk, pk) = key_pair(c, 4);
    let sig = s.sign(&sk, b"message").unwrap();
    let mut longer = pk.clone();
    longer.push(0);
    let mut bad: Vec<(&str, Vec<u8>)> = vec![
        ("empty", Vec::new()),
        ("truncated", pk[..pk.len() - 1].to_vec()),
        ("extended", longer),
        ("all-zero", vec![0u8; pk.len()]),
    ];
    if ecdsa(c) {
        let coord = (pk.len() - 1) / 2;
        let y_odd = pk[pk.len() - 1] & 1;
        let mut compressed = vec![0x02 | y_odd];
        compressed.extend_from_slice(&pk[1..=coord]);
        let mut hybrid = pk.clone();
        hybrid[0] = 0x06 | y_odd;
        bad.extend([
            ("compressed", compressed),
            ("hybrid", hybrid),
            ("off-curve", flip_bit(&pk, (pk.len() - 1) * 8)),
            ("identity", vec![0x00]),
            ("without the 0x04 prefix", pk[1..].to_vec()),
        ]);
    }
    // Every case is tried before failing, so the report lists them all.
    let wrong: Vec<String> = bad
        .iter()
        .filter_map(|(what, key)| match s.verify(key, b"message", &sig) {
            Err(CryptoError::InvalidSignature) => None,
            other => Some(format!("{what} public key: {other:?}")),
        })
        .collect();
    assert!(
        wrong.is_empty(),
        "verify must answer Err(InvalidSignature) for a malformed key; got:\n  {}",
        wrong.join("\n  ")
    );
}

/// Private keys are checked: wrong lengths, and for ECDSA zero and scalars
/// not below the group order, are rejected by both
/// `signature_key_pair_from_private` and `signer`.
pub(crate) fn signature_private_key_validation(c: &Case) {
    let s = c.s;
    let len = s.signature_private_key_len();
    let mut wrong = vec![0, len + 1];
    if !ecdsa(c) {
        // An EdDSA or ML-DSA seed is exactly `len` bytes; short ECDSA
        // scalars are padded.
        wrong.push(len - 1);
    }
    for l in wrong {
        let key = vec![1u8; l];
        assert_bad_length(s.signature_key_pair_from_private(&key), l, "from_private");
        assert_bad_length(s.signer(&key).map(|_| ()), l, "signer");
    }
    let Some(curve) = curve(c.def().signature) else {
        return;
    };
    let n = h(curve.n);
    assert_eq!(n.len(), len, "test data: order length");
    for (what, key) in [
        ("zero", vec![0u8; len]),
        ("the group order", n.clone()),
        ("all-ones", vec![0xffu8; len]),
    ] {
        assert!(
            matches!(
                s.signature_key_pair_from_private(&key),
                Err(CryptoError::InvalidPrivateKey(_))
            ),
            "{what} scalar: {:?}",
            s.signature_key_pair_from_private(&key).map(|(_, pk)| pk)
        );
        assert!(
            matches!(s.signer(&key), Err(CryptoError::InvalidPrivateKey(_))),
            "{what} scalar: signer"
        );
    }
    // n - 1 is the largest valid scalar; its public key is -G, whose x is G's.
    let (_, pk) = s.signature_key_pair_from_private(&minus_one(&n)).unwrap();
    assert_eq!(pk[0], 0x04);
    assert_eq!(&pk[1..=len], h(curve.gx), "(n - 1) * G has x = Gx");
}

/// ECDSA scalars with leading zero bytes dropped are left-padded: the
/// short and the padded scalar give the same key pair and signer.
pub(crate) fn ecdsa_short_scalars_are_left_padded(c: &Case) {
    let s = c.s;
    let len = s.signature_private_key_len();
    if !ecdsa(c) {
        // No padding for EdDSA or ML-DSA seeds: a short seed is an error.
        assert_bad_length(
            s.signature_key_pair_from_private(&vec![0x42; len - 1]),
            len - 1,
            "short EdDSA seed",
        );
        return;
    }
    let short = vec![0x42u8; len - 1];
    let mut padded = vec![0u8];
    padded.extend_from_slice(&short);
    let (sk_short, pk_short) = s.signature_key_pair_from_private(&short).unwrap();
    let (sk_padded, pk_padded) = s.signature_key_pair_from_private(&padded).unwrap();
    assert_eq!(sk_short.as_bytes(), padded.as_slice(), "normalised key");
    assert_eq!(sk_padded.as_bytes(), padded.as_slice());
    assert_eq!(pk_short, pk_padded, "same public key");

    let signer = s.signer(&short).unwrap();
    assert_eq!(
        signer.public_key(),
        pk_padded.as_slice(),
        "signer of short key"
    );
    let sig = signer.sign(b"m").unwrap();
    assert_eq!(s.verify(&pk_padded, b"m", &sig), Ok(()));
    let sig = s.sign(&SignaturePrivateKey::new(short), b"m").unwrap();
    assert_eq!(
        s.verify(&pk_padded, b"m", &sig),
        Ok(()),
        "sign with short key"
    );
}

/// Wycheproof's deterministic ML-DSA signature verifies on every backend,
/// and not for another message; a backend that signs deterministically
/// (the same bytes twice) must give exactly those bytes, and a hedged one
/// (aws-lc draws `rnd`, FIPS 204 §3.4) signatures that verify; RustCrypto
/// is deterministic (`pq_suites.rs` checks). The signature also pins the
/// public key, since its challenge hashes `H(pk)`.
fn ml_dsa_signature_known_answer(c: &Case) {
    let s = c.s;
    let scheme = c.def().signature;
    let expected = vectors::ml_dsa_wycheproof_signature(scheme).expect("an ML-DSA scheme");
    let message = vectors::ML_DSA_SIGN_MESSAGE;
    let (sk, pk) = s
        .signature_key_pair_from_private(&vectors::ML_DSA_SIGN_SEED)
        .unwrap();
    assert_eq!(
        s.verify(&pk, message, &expected),
        Ok(()),
        "Wycheproof's signature"
    );
    assert!(
        s.verify(&pk, b"Hello world!", &expected).is_err(),
        "Wycheproof's signature over another message"
    );
    let first = s.sign(&sk, message).unwrap();
    let second = s.sign(&sk, message).unwrap();
    if first == second {
        assert_eq!(first, expected, "deterministic ML-DSA signature");
    } else {
        assert_eq!(s.verify(&pk, message, &first), Ok(()), "hedged signature");
    }
}

/// Exact bytes for every scheme: RFC 8032 for EdDSA (key and signature);
/// for ECDSA, scalar 1 (one byte, so padded) has the generator as its
/// public key; for ML-DSA, the LAMPS example key from its seed (FIPS 204
/// prints no known answers, and signing may be hedged).
pub(crate) fn signature_known_answers(c: &Case) {
    let s = c.s;
    let scheme = c.def().signature;
    if let Some(digest) = vectors::ml_dsa_example_key_sha256(scheme) {
        let seed: Vec<u8> = (0u8..32).collect();
        let (sk, pk) = s.signature_key_pair_from_private(&seed).unwrap();
        assert_eq!(
            sk.as_bytes(),
            seed.as_slice(),
            "the private key is the seed"
        );
        assert_eq!(
            Sha256::digest(&pk).to_vec(),
            h(digest),
            "LAMPS example public key"
        );
        let sig = s.sign(&sk, b"m").unwrap();
        assert_eq!(s.verify(&pk, b"m", &sig), Ok(()));
        ml_dsa_signature_known_answer(c);
        return;
    }
    let eddsa = match scheme {
        SignatureScheme::Ed25519 => Some(&vectors::ED25519_TEST_1),
        SignatureScheme::Ed448 => Some(&vectors::ED448_BLANK),
        SignatureScheme::EcdsaSecp256r1Sha256
        | SignatureScheme::EcdsaSecp384r1Sha384
        | SignatureScheme::EcdsaSecp521r1Sha512
        | SignatureScheme::MlDsa44
        | SignatureScheme::MlDsa65
        | SignatureScheme::MlDsa87 => None,
    };
    if let Some(v) = eddsa {
        let (sk, pk) = s.signature_key_pair_from_private(&h(v.seed)).unwrap();
        assert_eq!(sk.as_bytes(), h(v.seed), "RFC 8032 seed");
        assert_eq!(pk, h(v.public), "RFC 8032 public key");
        let message = h(v.message);
        assert_eq!(
            s.sign(&sk, &message).unwrap(),
            h(v.signature),
            "RFC 8032 signature"
        );
        assert_eq!(s.verify(&pk, &message, &h(v.signature)), Ok(()));
        return;
    }
    let Some(curve) = curve(scheme) else {
        unreachable!("every scheme is EdDSA or has a curve")
    };
    let len = s.signature_private_key_len();
    let (sk, pk) = s.signature_key_pair_from_private(&[0x01]).unwrap();
    let mut one = vec![0u8; len];
    one[len - 1] = 1;
    assert_eq!(sk.as_bytes(), one.as_slice(), "scalar 1, padded");
    let mut g = vec![0x04];
    g.extend(h(curve.gx));
    g.extend(h(curve.gy));
    assert_eq!(pk, g, "1 * G = G");
    let sig = s.sign(&sk, b"m").unwrap();
    assert_eq!(s.verify(&g, b"m", &sig), Ok(()));
}
