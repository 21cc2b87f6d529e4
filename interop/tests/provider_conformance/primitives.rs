//! Hash, HMAC, HKDF and AEAD: sizes, known answers, limits and tampering.

use crate::harness::{Case, flip_bit, h};
use crate::vectors::{self, PerHash};
use mls_core::{CipherSuite, CryptoError, Kdf, SignatureScheme};

/// The entry of `v` for the suite's hash.
fn for_hash(c: &Case, v: PerHash) -> Vec<u8> {
    h(match c.def().kdf {
        Kdf::HkdfSha256 => v.0,
        Kdf::HkdfSha384 => v.1,
        Kdf::HkdfSha512 => v.2,
    })
}

/// Sizes reported by the suite object and the sizes of what it produces
/// agree with the registry (RFC 9420 §17.1, RFC 9180 §7) as written in
/// mls-core's `cipher_suite.rs`.
pub(crate) fn sizes_match_the_registry(c: &Case) {
    let (s, cs) = (c.s, c.cs);
    assert_eq!(s.cipher_suite(), cs, "cipher_suite()");
    let nh = c.def().kdf.hash_len();
    assert_eq!(s.hash_len(), nh, "Nh");
    assert_eq!(s.aead_key_len(), c.def().aead.key_len(), "Nk");
    assert_eq!(s.aead_nonce_len(), c.def().aead.nonce_len(), "Nn");
    assert_eq!(
        s.kem_private_key_len(),
        c.def().kem.private_key_len(),
        "Nsk"
    );
    let sig_sk = c.def().signature.private_key_len();
    assert_eq!(s.signature_private_key_len(), sig_sk, "signature key");

    assert_eq!(s.hash(b"x").unwrap().len(), nh, "hash output");
    assert_eq!(s.mac(b"k", b"x").unwrap().len(), nh, "HMAC output");
    assert_eq!(s.kdf_extract(b"s", b"x").unwrap().len(), nh, "PRK");
    let (sk, pk) = s.kem_derive_key_pair(&[7u8; 64]).unwrap();
    assert_eq!(sk.len(), c.def().kem.private_key_len(), "DeriveKeyPair sk");
    assert_eq!(pk.len(), c.def().kem.public_key_len(), "DeriveKeyPair pk");
    let key = vec![1u8; c.def().aead.key_len()];
    let nonce = vec![2u8; c.def().aead.nonce_len()];
    let ct = s.aead_seal(&key, &nonce, b"", b"12345").unwrap();
    assert_eq!(ct.len(), 5 + c.def().aead.tag_len(), "AEAD overhead (Nt)");
    let (sig_key, sig_pk) = s
        .signature_key_pair_from_private(&vec![1u8; sig_sk])
        .unwrap();
    assert_eq!(sig_key.len(), sig_sk, "normalised signature key");
    let pk_len = match c.def().signature {
        SignatureScheme::Ed25519 => 32,
        SignatureScheme::Ed448 => 57,
        SignatureScheme::EcdsaSecp256r1Sha256
        | SignatureScheme::EcdsaSecp384r1Sha384
        | SignatureScheme::EcdsaSecp521r1Sha512 => 1 + 2 * sig_sk,
        SignatureScheme::MlDsa44 => 1312,
        SignatureScheme::MlDsa65 => 1952,
        SignatureScheme::MlDsa87 => 2592,
    };
    assert_eq!(sig_pk.len(), pk_len, "signature public key");
}

/// FIPS 180-2 "abc", and the empty message.
pub(crate) fn hash_known_answers(c: &Case) {
    assert_eq!(
        c.s.hash(b"abc").unwrap(),
        for_hash(c, vectors::HASH_ABC),
        "\"abc\""
    );
    assert_eq!(
        c.s.hash(b"").unwrap(),
        for_hash(c, vectors::HASH_EMPTY),
        "empty"
    );
}

/// RFC 4231 test cases 1 and 2 for the suite's hash.
pub(crate) fn hmac_known_answers(c: &Case) {
    assert_eq!(
        c.s.mac(&[0x0b; 20], b"Hi There").unwrap(),
        for_hash(c, vectors::HMAC_CASE_1),
        "RFC 4231 case 1"
    );
    assert_eq!(
        c.s.mac(b"Jefe", b"what do ya want for nothing?").unwrap(),
        for_hash(c, vectors::HMAC_CASE_2),
        "RFC 4231 case 2"
    );
}

/// Known HKDF answers: RFC 5869 A.1 and A.3 for SHA-256 suites, and for
/// every suite the official `DeriveSecret` vector of its KDF, an HKDF-Expand of Nh
/// bytes with `info` = the encoded `KDFLabel` (RFC 9420 §8).
pub(crate) fn hkdf_known_answers(c: &Case) {
    let s = c.s;
    if c.def().kdf == Kdf::HkdfSha256 {
        for (i, v) in vectors::HKDF_SHA256.iter().enumerate() {
            let prk = s.kdf_extract(&h(v.salt), &h(v.ikm)).unwrap();
            assert_eq!(prk.as_bytes(), h(v.prk), "RFC 5869 case {i}: PRK");
            let okm = s.kdf_expand(prk.as_bytes(), &h(v.info), 42).unwrap();
            assert_eq!(okm.as_bytes(), h(v.okm), "RFC 5869 case {i}: OKM");
        }
    }
    // The vectors cover the RFC 9420 suites; `DeriveSecret` depends on the
    // KDF alone, so another suite takes the first RFC suite's with its KDF.
    let vector_suite = if CipherSuite::ALL.contains(&c.cs) {
        c.cs
    } else {
        CipherSuite::ALL
            .into_iter()
            .find(|cs| cs.definition().is_some_and(|d| d.kdf == c.def().kdf))
            .expect("an RFC 9420 suite with this KDF")
    };
    let (secret, out) = vectors::derive_secret_vector(vector_suite);
    let nh = s.hash_len();
    // struct { uint16 length; opaque label<V>; opaque context<V>; } with a
    // one-byte varint length (< 64) for the 20-byte label and the empty context.
    let label = b"MLS 1.0 DeriveSecret";
    let mut info = u16::try_from(nh).unwrap().to_be_bytes().to_vec();
    info.push(u8::try_from(label.len()).unwrap());
    info.extend_from_slice(label);
    info.push(0);
    let okm = s.kdf_expand(&h(secret), &info, nh).unwrap();
    assert_eq!(okm.as_bytes(), h(out), "crypto-basics derive_secret");
}

/// HKDF against its definition (RFC 5869 §2.2, §2.3) over the suite's
/// HMAC, which has its own known answers: Extract is `HMAC(salt, ikm)`,
/// an empty salt is Nh zero bytes, and Expand is `T(1) | T(2) | ...` with
/// `T(i) = HMAC(PRK, T(i-1) | info | i)`. This pins SHA-384 and SHA-512,
/// for which RFC 5869 has no vectors.
pub(crate) fn hkdf_matches_its_definition(c: &Case) {
    let s = c.s;
    let nh = s.hash_len();
    let (salt, ikm, info) = (b"salt value".as_slice(), b"input key".as_slice(), b"ctx");
    let prk = s.kdf_extract(salt, ikm).unwrap();
    assert_eq!(prk.as_bytes(), s.mac(salt, ikm).unwrap(), "Extract = HMAC");
    assert_eq!(
        s.kdf_extract(&[], ikm).unwrap().as_bytes(),
        s.kdf_extract(&vec![0u8; nh], ikm).unwrap().as_bytes(),
        "empty salt = Nh zeros"
    );

    let len = 2 * nh + 5;
    let mut expected = Vec::new();
    let mut t = Vec::new();
    for i in 1u8..=3 {
        let mut block = t.clone();
        block.extend_from_slice(info);
        block.push(i);
        t = s.mac(prk.as_bytes(), &block).unwrap();
        expected.extend_from_slice(&t);
    }
    expected.truncate(len);
    let okm = s.kdf_expand(prk.as_bytes(), info, len).unwrap();
    assert_eq!(okm.as_bytes(), expected, "Expand = T(1) | T(2) | T(3)");
    // Shorter outputs are prefixes of longer ones.
    let short = s.kdf_expand(prk.as_bytes(), info, 7).unwrap();
    assert_eq!(short.as_bytes(), &expected[..7], "Expand prefix");
}

/// RFC 5869 §2.3: `L <= 255 * HashLen`. The maximum is produced in full;
/// one byte more is `InvalidLength` naming the output length.
pub(crate) fn hkdf_expand_length_limit(c: &Case) {
    let s = c.s;
    let nh = s.hash_len();
    let prk = s.kdf_extract(b"salt", b"ikm").unwrap();
    let max = 255 * nh;
    let okm = s.kdf_expand(prk.as_bytes(), b"info", max).unwrap();
    assert_eq!(okm.len(), max, "255 * Nh bytes");
    let first = s.kdf_expand(prk.as_bytes(), b"info", nh).unwrap();
    assert_eq!(
        &okm.as_bytes()[..nh],
        first.as_bytes(),
        "prefix of the maximum"
    );
    assert_eq!(
        s.kdf_expand(prk.as_bytes(), b"info", max + 1).err(),
        Some(CryptoError::InvalidLength {
            what: "HKDF-Expand output",
            len: max + 1,
        }),
        "255 * Nh + 1 bytes"
    );
    // The PRK is exactly Nh bytes on every backend (trait contract).
    for bad in [nh - 1, nh + 1] {
        let prk = vec![7u8; bad];
        assert_eq!(
            s.kdf_expand(&prk, b"info", nh).err(),
            Some(CryptoError::InvalidLength {
                what: "HKDF PRK",
                len: bad,
            }),
            "PRK of {bad} bytes"
        );
    }
}

fn aead_inputs(c: &Case) -> (Vec<u8>, Vec<u8>) {
    let key: Vec<u8> = (0..c.s.aead_key_len()).map(|i| i as u8).collect();
    let nonce = vec![0x24u8; c.s.aead_nonce_len()];
    (key, nonce)
}

/// The RFC 9180 Appendix A key schedule gives AEAD known answers for all
/// three AEADs: `ct = Seal(key, base_nonce, aad, pt)` for sequence 0.
pub(crate) fn aead_known_answer(c: &Case) {
    use mls_core::Aead;
    let v = match c.def().aead {
        Aead::Aes128Gcm => &vectors::RFC9180_A1,
        Aead::ChaCha20Poly1305 => &vectors::RFC9180_A2,
        Aead::Aes256Gcm => &vectors::RFC9180_A6,
    };
    let (key, nonce) = (h(v.key), h(v.base_nonce));
    let (aad, pt) = (h(vectors::RFC9180_AAD_0), h(vectors::RFC9180_PT));
    let ct = c.s.aead_seal(&key, &nonce, &aad, &pt).unwrap();
    assert_eq!(ct, h(v.ct), "{} sequence 0", v.section);
    let opened = c.s.aead_open(&key, &nonce, &aad, &ct).unwrap();
    assert_eq!(opened.as_bytes(), pt, "{} open", v.section);
}

/// Seal then open, for an ordinary and an empty plaintext.
pub(crate) fn aead_round_trip(c: &Case) {
    let s = c.s;
    let (key, nonce) = aead_inputs(c);
    let tag = c.def().aead.tag_len();
    let plaintext = b"an MLS application message";
    let ct = s.aead_seal(&key, &nonce, b"aad", plaintext).unwrap();
    assert_eq!(ct.len(), plaintext.len() + tag);
    assert_eq!(
        ct,
        s.aead_seal(&key, &nonce, b"aad", plaintext).unwrap(),
        "sealing is deterministic"
    );
    let pt = s.aead_open(&key, &nonce, b"aad", &ct).unwrap();
    assert_eq!(pt.as_bytes(), plaintext);

    let empty = s.aead_seal(&key, &nonce, &[], &[]).unwrap();
    assert_eq!(empty.len(), tag, "empty plaintext is a bare tag");
    assert!(s.aead_open(&key, &nonce, &[], &empty).unwrap().is_empty());
}

/// Any change to the ciphertext, tag, AAD, nonce or key is
/// `AeadOpenFailed`; so is input shorter than a tag.
pub(crate) fn aead_rejects_tampering(c: &Case) {
    let s = c.s;
    let (key, nonce) = aead_inputs(c);
    let tag = c.def().aead.tag_len();
    let ct = s.aead_seal(&key, &nonce, b"aad", b"8 bytes!").unwrap();
    let open = |key: &[u8], nonce: &[u8], aad: &[u8], ct: &[u8]| s.aead_open(key, nonce, aad, ct);
    let failed = Some(CryptoError::AeadOpenFailed);

    // Every bit: the first 64 are ciphertext, the rest the tag.
    for bit in 0..ct.len() * 8 {
        let part = if bit < 64 { "ciphertext" } else { "tag" };
        assert_eq!(
            open(&key, &nonce, b"aad", &flip_bit(&ct, bit)).err(),
            failed,
            "{part} bit {bit} flipped"
        );
    }
    assert_eq!(open(&key, &nonce, b"aaD", &ct).err(), failed, "wrong AAD");
    assert_eq!(open(&key, &nonce, b"", &ct).err(), failed, "missing AAD");
    assert_eq!(
        open(&key, &flip_bit(&nonce, 0), b"aad", &ct).err(),
        failed,
        "wrong nonce"
    );
    assert_eq!(
        open(&flip_bit(&key, 0), &nonce, b"aad", &ct).err(),
        failed,
        "wrong key"
    );
    assert_eq!(
        open(&key, &nonce, b"aad", &ct[..ct.len() - 1]).err(),
        failed,
        "truncated by one byte"
    );
    assert_eq!(
        open(&key, &nonce, b"aad", &ct[..tag - 1]).err(),
        failed,
        "shorter than a tag"
    );
    assert_eq!(open(&key, &nonce, b"aad", &[]).err(), failed, "empty");
    let mut longer = ct.clone();
    longer.push(0);
    assert_eq!(
        open(&key, &nonce, b"aad", &longer).err(),
        failed,
        "extended"
    );
}

/// Keys and nonces of the wrong length are `InvalidLength`, on both sides.
pub(crate) fn aead_rejects_wrong_key_and_nonce_lengths(c: &Case) {
    let s = c.s;
    let (key, nonce) = aead_inputs(c);
    let ct = s.aead_seal(&key, &nonce, &[], b"x").unwrap();
    let nk = key.len();
    let nn = nonce.len();
    for len in [0, nk - 1, nk + 1] {
        let bad = vec![1u8; len];
        let expected = Some(CryptoError::InvalidLength {
            what: "AEAD key",
            len,
        });
        assert_eq!(
            s.aead_seal(&bad, &nonce, &[], b"x").err(),
            expected,
            "seal, {len}-byte key"
        );
        assert_eq!(
            s.aead_open(&bad, &nonce, &[], &ct).err(),
            expected,
            "open, {len}-byte key"
        );
    }
    for len in [0, nn - 1, nn + 1] {
        let bad = vec![2u8; len];
        let expected = Some(CryptoError::InvalidLength {
            what: "AEAD nonce",
            len,
        });
        assert_eq!(
            s.aead_seal(&key, &bad, &[], b"x").err(),
            expected,
            "seal, {len}-byte nonce"
        );
        assert_eq!(
            s.aead_open(&key, &bad, &[], &ct).err(),
            expected,
            "open, {len}-byte nonce"
        );
    }
}
