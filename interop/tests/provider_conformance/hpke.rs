//! HPKE (RFC 9180) base mode as MLS uses it: `EncryptWithLabel` /
//! `DecryptWithLabel` (RFC 9420 §5.1.3), export (§8.3), and the KEM's
//! `DeriveKeyPair`.

use crate::harness::{Case, ecdsa_on_the_kem_curve, flip_bit, h, nist_kem};
use crate::vectors::{self, Curve};
use interop::SeededRand;
use mls_core::crypto::{decrypt_with_label, encrypt_with_label, generate_hpke_key_pair};
use mls_core::provider::random_bytes;
use mls_core::secret::HpkePrivateKey;
use mls_core::{CryptoError, Error, Kem};

fn key_pair(c: &Case, seed: u8) -> (HpkePrivateKey, Vec<u8>) {
    generate_hpke_key_pair(c.s, &SeededRand::new([seed; 32])).unwrap()
}

fn rand(seed: u8) -> SeededRand {
    SeededRand::new([seed; 32])
}

fn curve(kem: Kem) -> Option<&'static Curve> {
    match kem {
        Kem::DhKemP256 => Some(&vectors::P256),
        Kem::DhKemP384 => Some(&vectors::P384),
        Kem::DhKemP521 => Some(&vectors::P521),
        Kem::DhKemX25519 | Kem::DhKemX448 | Kem::XWingDraft06 | Kem::MlKem768 | Kem::MlKem1024 => {
            None
        }
    }
}

fn is_invalid_public_key<T>(r: &Result<T, CryptoError>) -> bool {
    matches!(r, Err(CryptoError::InvalidPublicKey(_)))
}

fn is_invalid_private_key<T>(r: &Result<T, CryptoError>) -> bool {
    matches!(r, Err(CryptoError::InvalidPrivateKey(_)))
}

/// `EncryptWithLabel` then `DecryptWithLabel`, with the sizes RFC 9180
/// fixes (`enc` is Nenc bytes, which is Npk for a DH KEM; the ciphertext
/// carries a 16-byte tag).
pub(crate) fn hpke_labeled_round_trip(c: &Case) {
    let s = c.s;
    let (sk, pk) = key_pair(c, 1);
    assert_eq!(sk.len(), c.def().kem.private_key_len(), "Nsk");
    assert_eq!(pk.len(), c.def().kem.public_key_len(), "Npk");
    let pt = b"path secret";
    let ct = encrypt_with_label(s, &pk, "UpdatePathNode", b"ctx", pt, &rand(2)).unwrap();
    assert_eq!(ct.kem_output.len(), c.def().kem.enc_len(), "Nenc");
    assert_eq!(ct.ciphertext.len(), pt.len() + c.def().aead.tag_len());
    let opened = decrypt_with_label(
        s,
        &sk,
        "UpdatePathNode",
        b"ctx",
        &ct.kem_output,
        &ct.ciphertext,
    )
    .unwrap();
    assert_eq!(opened.as_bytes(), pt);

    // The primitive itself, with AAD (which the labeled form leaves empty).
    let sealed = s.hpke_seal(&pk, b"info", b"aad", pt, &rand(3)).unwrap();
    let opened = s
        .hpke_open(&sk, &sealed.kem_output, b"info", b"aad", &sealed.ciphertext)
        .unwrap();
    assert_eq!(opened.as_bytes(), pt);
    let empty = s.hpke_seal(&pk, b"", b"", b"", &rand(4)).unwrap();
    assert_eq!(empty.ciphertext.len(), c.def().aead.tag_len());
    let opened = s
        .hpke_open(&sk, &empty.kem_output, b"", b"", &empty.ciphertext)
        .unwrap();
    assert!(opened.as_bytes().is_empty(), "empty plaintext");
}

/// A wrong label, context, recipient, AAD or info, and any change to the
/// ciphertext, is `HpkeOpenFailed`. A changed `enc` is `HpkeOpenFailed` on
/// Montgomery curves (still a valid point, so a wrong key) and
/// `InvalidPublicKey` on NIST curves (off the curve).
pub(crate) fn hpke_open_rejects_tampering(c: &Case) {
    let s = c.s;
    let (sk, pk) = key_pair(c, 5);
    let ct = encrypt_with_label(s, &pk, "Welcome", b"ctx", b"secret", &rand(6)).unwrap();
    let failed = Err(Error::Crypto(CryptoError::HpkeOpenFailed));
    let open = |sk: &HpkePrivateKey, label: &str, ctx: &[u8], enc: &[u8], ct: &[u8]| {
        decrypt_with_label(s, sk, label, ctx, enc, ct).map(|p| p.as_bytes().to_vec())
    };
    let (enc, body) = (&ct.kem_output, &ct.ciphertext);
    assert_eq!(
        open(&sk, "UpdatePathNode", b"ctx", enc, body),
        failed,
        "wrong label"
    );
    assert_eq!(
        open(&sk, "Welcome", b"ctX", enc, body),
        failed,
        "wrong context"
    );
    let (other_sk, _) = key_pair(c, 7);
    assert_eq!(
        open(&other_sk, "Welcome", b"ctx", enc, body),
        failed,
        "wrong recipient"
    );
    for bit in 0..body.len() * 8 {
        assert_eq!(
            open(&sk, "Welcome", b"ctx", enc, &flip_bit(body, bit)),
            failed,
            "ciphertext bit {bit} flipped"
        );
    }
    assert_eq!(
        open(&sk, "Welcome", b"ctx", enc, &body[..body.len() - 1]),
        failed,
        "truncated"
    );
    assert_eq!(
        open(&sk, "Welcome", b"ctx", enc, &[]),
        failed,
        "empty ciphertext"
    );

    let sealed = s.hpke_seal(&pk, b"info", b"aad", b"pt", &rand(8)).unwrap();
    let (enc, body) = (&sealed.kem_output, &sealed.ciphertext);
    let failed = Some(CryptoError::HpkeOpenFailed);
    assert_eq!(
        s.hpke_open(&sk, enc, b"info", b"aaD", body).err(),
        failed,
        "wrong AAD"
    );
    assert_eq!(
        s.hpke_open(&sk, enc, b"infO", b"aad", body).err(),
        failed,
        "wrong info"
    );

    let flipped_enc = if nist_kem(c) {
        // The last bit of y: the point leaves the curve.
        flip_bit(enc, (enc.len() - 1) * 8)
    } else {
        flip_bit(enc, 0)
    };
    let r = s.hpke_open(&sk, &flipped_enc, b"info", b"aad", body);
    if nist_kem(c) {
        assert!(is_invalid_public_key(&r), "off-curve enc: {:?}", r.err());
    } else {
        assert_eq!(r.err(), failed, "flipped enc");
    }
}

/// Encodings RFC 9180 §7.1.1 and §7.1.4 do not allow, as the recipient's
/// public key, are `InvalidPublicKey` for both `SealBase` and the export's
/// `SetupBaseS`; as `enc` they are `InvalidPublicKey` on the receiving side.
pub(crate) fn hpke_rejects_invalid_public_keys(c: &Case) {
    if !c.def().kem.is_dhkem() {
        return whole_kem_rejects_invalid_public_keys(c);
    }
    let s = c.s;
    let (sk, pk) = key_pair(c, 9);
    let npk = pk.len();
    let mut longer = pk.clone();
    longer.push(0);
    let mut bad: Vec<(&str, Vec<u8>)> = vec![
        ("empty", Vec::new()),
        ("truncated", pk[..npk - 1].to_vec()),
        ("extended", longer),
        ("all-zero", vec![0u8; npk]),
    ];
    if nist_kem(c) {
        let coord = (npk - 1) / 2;
        let y_odd = pk[npk - 1] & 1;
        let mut compressed = vec![0x02 | y_odd];
        compressed.extend_from_slice(&pk[1..=coord]);
        let mut hybrid = pk.clone();
        hybrid[0] = 0x06 | y_odd;
        bad.extend([
            ("off-curve", flip_bit(&pk, (npk - 1) * 8)),
            ("compressed", compressed),
            ("hybrid", hybrid),
            ("identity", vec![0x00]),
            ("without the 0x04 prefix", pk[1..].to_vec()),
        ]);
    } else {
        // u = 1 has small order on both curves: the DH output is all-zero
        // (X25519) or the point is refused outright (X448).
        let mut one = vec![0u8; npk];
        one[0] = 1;
        bad.push(("u = 1 (small order)", one));
    }
    for (what, key) in &bad {
        let sealed = s.hpke_seal(key, b"info", b"", b"pt", &rand(10));
        assert!(
            is_invalid_public_key(&sealed),
            "seal to {what} public key: {:?}",
            sealed.map(|ct| ct.kem_output)
        );
        let export = s.hpke_export_to(key, b"info", b"ctx", 32, &rand(10));
        assert!(
            is_invalid_public_key(&export),
            "export to {what} public key: {:?}",
            export.map(|e| e.kem_output)
        );
        let opened = s.hpke_open(&sk, key, b"info", b"", &[0u8; 32]);
        assert!(
            is_invalid_public_key(&opened),
            "open with {what} enc: {:?}",
            opened.err()
        );
        let exported = s.hpke_export_from(&sk, key, b"info", b"ctx", 32);
        assert!(
            is_invalid_public_key(&exported),
            "export from {what} enc: {:?}",
            exported.err()
        );
    }
}

/// The same for ML-KEM and X-Wing, whose `enc` is a ciphertext rather
/// than a public key: keys and `enc` of the wrong size, and an encapsulation
/// key failing FIPS 203's modulus check (§7.2: its first coefficient set to
/// 4095, not below q = 3329; X-Wing's key starts with ML-KEM-768's). A
/// ciphertext of the right size is never refused (implicit rejection).
fn whole_kem_rejects_invalid_public_keys(c: &Case) {
    let s = c.s;
    let (sk, pk) = key_pair(c, 9);
    let enc = s
        .hpke_seal(&pk, b"info", b"", b"pt", &rand(10))
        .unwrap()
        .kem_output;
    let wrong_sizes = |bytes: &[u8]| {
        let mut longer = bytes.to_vec();
        longer.push(0);
        vec![
            ("empty", Vec::new()),
            ("truncated", bytes[..bytes.len() - 1].to_vec()),
            ("extended", longer),
        ]
    };
    let mut out_of_range = pk.clone();
    out_of_range[0] = 0xff;
    out_of_range[1] |= 0x0f;
    let mut bad_keys = wrong_sizes(&pk);
    bad_keys.push(("coefficient 4095", out_of_range));
    for (what, key) in &bad_keys {
        let sealed = s.hpke_seal(key, b"info", b"", b"pt", &rand(10));
        assert!(
            is_invalid_public_key(&sealed),
            "seal to {what} public key: {:?}",
            sealed.map(|ct| ct.kem_output.len())
        );
        let export = s.hpke_export_to(key, b"info", b"ctx", 32, &rand(10));
        assert!(
            is_invalid_public_key(&export),
            "export to {what} public key: {:?}",
            export.map(|e| e.kem_output.len())
        );
    }
    for (what, bad_enc) in wrong_sizes(&enc) {
        let opened = s.hpke_open(&sk, &bad_enc, b"info", b"", &[0u8; 32]);
        assert!(
            is_invalid_public_key(&opened),
            "open with {what} enc: {:?}",
            opened.err()
        );
        let exported = s.hpke_export_from(&sk, &bad_enc, b"info", b"ctx", 32);
        assert!(
            is_invalid_public_key(&exported),
            "export from {what} enc: {:?}",
            exported.err()
        );
    }
}

/// Private keys of the wrong length are `InvalidLength`; on NIST curves,
/// zero and scalars not below the group order are `InvalidPrivateKey`.
pub(crate) fn hpke_rejects_invalid_private_keys(c: &Case) {
    let s = c.s;
    let nsk = s.kem_private_key_len();
    let (_, pk) = key_pair(c, 11);
    let sealed = s.hpke_seal(&pk, b"", b"", b"pt", &rand(12)).unwrap();
    let (enc, body) = (&sealed.kem_output, &sealed.ciphertext);
    let mut lengths = vec![0, nsk + 1];
    if !nist_kem(c) {
        lengths.push(nsk - 1);
    }
    for len in lengths {
        let sk = HpkePrivateKey::new(vec![1u8; len]);
        let expected = Some(CryptoError::InvalidLength {
            what: "HPKE private key",
            len,
        });
        assert_eq!(
            s.hpke_open(&sk, enc, b"", b"", body).err(),
            expected,
            "open, {len} bytes"
        );
        assert_eq!(
            s.hpke_export_from(&sk, enc, b"", b"", 32).err(),
            expected,
            "export, {len} bytes"
        );
    }
    let Some(curve) = curve(c.def().kem) else {
        return;
    };
    for (what, key) in [
        ("zero", vec![0u8; nsk]),
        ("the group order", h(curve.n)),
        ("all-ones", vec![0xffu8; nsk]),
    ] {
        let sk = HpkePrivateKey::new(key);
        let opened = s.hpke_open(&sk, enc, b"", b"", body);
        assert!(
            is_invalid_private_key(&opened),
            "open, {what} scalar: {:?}",
            opened.err()
        );
        let exported = s.hpke_export_from(&sk, enc, b"", b"", 32);
        assert!(
            is_invalid_private_key(&exported),
            "export, {what} scalar: {:?}",
            exported.err()
        );
    }
}

/// A NIST private key with its leading zero byte dropped (as serialized
/// by some encoders and in the official vectors) still decrypts; X25519
/// and X448 keys have no such form.
pub(crate) fn hpke_short_private_keys(c: &Case) {
    let s = c.s;
    let nsk = s.kem_private_key_len();
    if !nist_kem(c) {
        let (sk, pk) = key_pair(c, 13);
        let sealed = s.hpke_seal(&pk, b"", b"", b"pt", &rand(14)).unwrap();
        let short = HpkePrivateKey::new(sk.as_bytes()[1..].to_vec());
        assert_eq!(
            s.hpke_open(&short, &sealed.kem_output, b"", b"", &sealed.ciphertext)
                .err(),
            Some(CryptoError::InvalidLength {
                what: "HPKE private key",
                len: nsk - 1
            })
        );
        return;
    }
    let (sk, pk) = (0u16..4096)
        .map(|i| {
            let mut ikm = [0x33u8; 32];
            ikm[..2].copy_from_slice(&i.to_be_bytes());
            s.kem_derive_key_pair(&ikm).unwrap()
        })
        .find(|(sk, _)| sk.as_bytes()[0] == 0)
        .expect("a derived key with a leading zero byte");
    let short = HpkePrivateKey::new(sk.as_bytes()[1..].to_vec());
    let sealed = s.hpke_seal(&pk, b"i", b"a", b"pt", &rand(15)).unwrap();
    let opened = s
        .hpke_open(&short, &sealed.kem_output, b"i", b"a", &sealed.ciphertext)
        .unwrap();
    assert_eq!(opened.as_bytes(), b"pt", "open with the short key");
    let sent = s.hpke_export_to(&pk, b"i", b"ctx", 32, &rand(16)).unwrap();
    let received = s
        .hpke_export_from(&short, &sent.kem_output, b"i", b"ctx", 32)
        .unwrap();
    assert_eq!(
        received.as_bytes(),
        sent.secret.as_bytes(),
        "export with the short key"
    );
}

/// `hpke_export_to` and `hpke_export_from` agree, for lengths up to the
/// `255 * Nh` limit (one more is refused), and depend on `info`,
/// the exporter context, the length and the key.
pub(crate) fn hpke_export_round_trip(c: &Case) {
    let s = c.s;
    let nh = s.hash_len();
    let (sk, pk) = key_pair(c, 17);
    for len in [1, 16, 32, nh, 255 * nh] {
        let sent = s
            .hpke_export_to(&pk, b"info", b"ctx", len, &rand(18))
            .unwrap();
        assert_eq!(sent.kem_output.len(), c.def().kem.enc_len());
        assert_eq!(sent.secret.len(), len, "sender, L = {len}");
        let received = s
            .hpke_export_from(&sk, &sent.kem_output, b"info", b"ctx", len)
            .unwrap();
        assert_eq!(received.as_bytes(), sent.secret.as_bytes(), "L = {len}");
    }
    // Export(exporter_context, L) requires L <= 255 * Nh (RFC 9180 §5.3).
    let too_long = |r: &Result<(), CryptoError>| {
        *r == Err(CryptoError::InvalidLength {
            what: "HPKE export",
            len: 255 * nh + 1,
        })
    };
    let sent = s
        .hpke_export_to(&pk, b"info", b"ctx", 255 * nh + 1, &rand(18))
        .map(|_| ());
    assert!(too_long(&sent), "export_to, L = 255 * Nh + 1: {sent:?}");
    let received = s
        .hpke_export_from(&sk, &pk, b"info", b"ctx", 255 * nh + 1)
        .map(|_| ());
    assert!(
        too_long(&received),
        "export_from, L = 255 * Nh + 1: {received:?}"
    );
    let sent = s
        .hpke_export_to(&pk, b"info", b"ctx", 32, &rand(19))
        .unwrap();
    let enc = &sent.kem_output;
    let secret = sent.secret.as_bytes();
    let from = |sk: &HpkePrivateKey, info: &[u8], ctx: &[u8], len| {
        s.hpke_export_from(sk, enc, info, ctx, len)
            .unwrap()
            .as_bytes()
            .to_vec()
    };
    // LabeledExpand binds L (RFC 9180 §4): a shorter export is not a prefix.
    assert_ne!(from(&sk, b"info", b"ctx", 16), &secret[..16], "L is bound");
    assert_ne!(from(&sk, b"infO", b"ctx", 32), secret, "other info");
    assert_ne!(
        from(&sk, b"info", b"ctX", 32),
        secret,
        "other exporter context"
    );
    let (other_sk, _) = key_pair(c, 20);
    assert_ne!(
        from(&other_sk, b"info", b"ctx", 32),
        secret,
        "other recipient"
    );
}

/// The trait documents the ephemeral key of a DH KEM as
/// `DeriveKeyPair(rand(Nsk))`, and a whole KEM's encapsulation randomness
/// as drawn from the same `rand`: so a seed fixes `enc` and the ciphertext,
/// and on a DH KEM `enc` is the public key `kem_derive_key_pair` gives for
/// the first Nsk bytes of that seed.
pub(crate) fn hpke_deterministic_under_seeded_rand(c: &Case) {
    let s = c.s;
    let nsk = s.kem_private_key_len();
    let (_, pk) = key_pair(c, 21);
    let seal = |seed| encrypt_with_label(s, &pk, "L", b"c", b"m", &rand(seed)).unwrap();
    let (a, b, other) = (seal(22), seal(22), seal(23));
    assert_eq!(a, b, "same seed, same output");
    assert_ne!(a.kem_output, other.kem_output, "other seed, other enc");
    assert_ne!(
        a.ciphertext, other.ciphertext,
        "other seed, other ciphertext"
    );

    let export = |seed| s.hpke_export_to(&pk, b"i", b"c", 32, &rand(seed)).unwrap();
    let (e1, e2) = (export(22), export(22));
    assert_eq!(e1.kem_output, e2.kem_output, "export: same seed, same enc");
    assert_eq!(
        e1.secret.as_bytes(),
        e2.secret.as_bytes(),
        "export: same secret"
    );

    let ikm = random_bytes(&rand(22), nsk).unwrap();
    if c.def().kem.is_dhkem() {
        let (_, ephemeral_pk) = s.kem_derive_key_pair(&ikm).unwrap();
        assert_eq!(
            a.kem_output, ephemeral_pk,
            "enc = DeriveKeyPair(rand(Nsk)).pk"
        );
        assert_eq!(
            e1.kem_output, ephemeral_pk,
            "export enc = DeriveKeyPair(rand(Nsk)).pk"
        );
    }

    // generate_hpke_key_pair is kem_key_pair_from_random(rand(Nsk)).
    let (gen_sk, gen_pk) = key_pair(c, 22);
    let (from_sk, from_pk) = s.kem_key_pair_from_random(&ikm).unwrap();
    assert_eq!(gen_sk.as_bytes(), from_sk.as_bytes());
    assert_eq!(gen_pk, from_pk);
}

/// `kem_key_pair_from_random`: on X25519 and X448 the random bytes are the
/// private key (this workspace's backends skip `DeriveKeyPair` there), on
/// NIST curves it is `DeriveKeyPair` (a scalar needs rejection sampling).
/// Either way the pair works and the input must be Nsk bytes.
pub(crate) fn kem_key_pair_from_random_is_generate_key_pair(c: &Case) {
    let s = c.s;
    let nsk = s.kem_private_key_len();
    let random = random_bytes(&rand(25), nsk).unwrap();
    let (sk, pk) = s.kem_key_pair_from_random(&random).unwrap();
    let (dkp_sk, dkp_pk) = s.kem_derive_key_pair(&random).unwrap();
    if nist_kem(c) {
        assert_eq!(sk.as_bytes(), dkp_sk.as_bytes(), "NIST: DeriveKeyPair");
        assert_eq!(pk, dkp_pk);
    } else {
        assert_eq!(sk.as_bytes(), &random[..], "X25519/X448: sk = the bytes");
        assert_ne!(pk, dkp_pk, "not DeriveKeyPair");
    }
    assert_eq!(pk.len(), c.def().kem.public_key_len());
    let sealed = s.hpke_seal(&pk, b"", b"", b"pt", &rand(26)).unwrap();
    let opened = s
        .hpke_open(&sk, &sealed.kem_output, b"", b"", &sealed.ciphertext)
        .unwrap();
    assert_eq!(opened.as_bytes(), b"pt");
    if !nist_kem(c) {
        for len in [nsk - 1, nsk + 1] {
            assert!(
                matches!(
                    s.kem_key_pair_from_random(&vec![7; len]),
                    Err(CryptoError::InvalidLength { .. })
                ),
                "{len} random bytes"
            );
        }
    }
}

/// `DeriveKeyPair` is a function of `ikm`: the same input twice gives the
/// same pair, other inputs other pairs, and the pair works. On NIST curves
/// its public key is the one the signature code computes for the same
/// scalar (an independent computation of `sk * G`) where the suite signs
/// with ECDSA on the KEM's curve.
pub(crate) fn kem_derive_key_pair_is_deterministic(c: &Case) {
    let s = c.s;
    let nsk = s.kem_private_key_len();
    let mut seen = Vec::new();
    for ikm in [vec![0x5au8; nsk], vec![0x5bu8; 32], vec![0x5cu8; 64]] {
        let (sk1, pk1) = s.kem_derive_key_pair(&ikm).unwrap();
        let (sk2, pk2) = s.kem_derive_key_pair(&ikm).unwrap();
        assert_eq!(sk1.as_bytes(), sk2.as_bytes(), "{}-byte ikm: sk", ikm.len());
        assert_eq!(pk1, pk2, "{}-byte ikm: pk", ikm.len());
        assert_eq!(sk1.len(), nsk);
        assert_eq!(pk1.len(), c.def().kem.public_key_len());
        if nist_kem(c) {
            assert_eq!(pk1[0], 0x04, "uncompressed point");
        }
        if ecdsa_on_the_kem_curve(c) {
            let (_, sig_pk) = s.signature_key_pair_from_private(sk1.as_bytes()).unwrap();
            assert_eq!(sig_pk, pk1, "DeriveKeyPair pk = sk * G");
        }
        assert!(!seen.contains(&pk1), "two ikm values gave one key");
        seen.push(pk1.clone());

        let sealed = s.hpke_seal(&pk1, b"", b"", b"pt", &rand(24)).unwrap();
        let opened = s
            .hpke_open(&sk1, &sealed.kem_output, b"", b"", &sealed.ciphertext)
            .unwrap();
        assert_eq!(opened.as_bytes(), b"pt");
    }
}

/// RFC 9180 Appendix A, base mode: `DeriveKeyPair` of both key pairs, the
/// key schedule's HKDF steps (§5.1), the first encryption with `ikmE` as
/// the only randomness, and the three exported values.
pub(crate) fn rfc9180_base_mode(c: &Case, v: &vectors::Rfc9180Base) {
    let s = c.s;
    let at = v.section;
    assert_eq!(
        (c.def().kem as u16, c.def().kdf as u16, c.def().aead as u16),
        v.ids,
        "{at}: test data is for another suite"
    );
    let (sk_e, pk_e) = s.kem_derive_key_pair(&h(v.ikm_e)).unwrap();
    assert_eq!(sk_e.as_bytes(), h(v.sk_em), "{at}: skEm");
    assert_eq!(pk_e, h(v.pk_em), "{at}: pkEm");
    let (sk_r, pk_r) = s.kem_derive_key_pair(&h(v.ikm_r)).unwrap();
    assert_eq!(sk_r.as_bytes(), h(v.sk_rm), "{at}: skRm");
    assert_eq!(pk_r, h(v.pk_rm), "{at}: pkRm");

    // Key schedule, with the primitives: LabeledExtract(salt, label, ikm) =
    // Extract(salt, "HPKE-v1" | suite_id | label | ikm), LabeledExpand(prk,
    // label, info, L) = Expand(prk, I2OSP(L, 2) | "HPKE-v1" | suite_id |
    // label | info, L).
    let mut suite_id = b"HPKE".to_vec();
    for id in [v.ids.0, v.ids.1, v.ids.2] {
        suite_id.extend(id.to_be_bytes());
    }
    let labeled = |label: &str, rest: &[u8]| {
        let mut out = b"HPKE-v1".to_vec();
        out.extend(&suite_id);
        out.extend(label.as_bytes());
        out.extend(rest);
        out
    };
    let extract = |salt: &[u8], label: &str, ikm: &[u8]| {
        s.kdf_extract(salt, &labeled(label, ikm))
            .unwrap()
            .as_bytes()
            .to_vec()
    };
    let expand = |prk: &[u8], label: &str, info: &[u8], len: usize| {
        let mut full = u16::try_from(len).unwrap().to_be_bytes().to_vec();
        full.extend(labeled(label, info));
        s.kdf_expand(prk, &full, len).unwrap().as_bytes().to_vec()
    };
    let mut context = vec![0u8]; // mode_base
    context.extend(extract(&[], "psk_id_hash", &[]));
    context.extend(extract(&[], "info_hash", &h(vectors::RFC9180_INFO)));
    assert_eq!(
        context,
        h(v.key_schedule_context),
        "{at}: key_schedule_context"
    );
    let secret = extract(&h(v.shared_secret), "secret", &[]);
    assert_eq!(secret, h(v.secret), "{at}: secret");
    let (nk, nn, nh) = (s.aead_key_len(), s.aead_nonce_len(), s.hash_len());
    assert_eq!(expand(&secret, "key", &context, nk), h(v.key), "{at}: key");
    assert_eq!(
        expand(&secret, "base_nonce", &context, nn),
        h(v.base_nonce),
        "{at}: base_nonce"
    );
    assert_eq!(
        expand(&secret, "exp", &context, nh),
        h(v.exporter_secret),
        "{at}: exporter_secret"
    );

    let (info, aad, pt) = (
        h(vectors::RFC9180_INFO),
        h(vectors::RFC9180_AAD_0),
        h(vectors::RFC9180_PT),
    );
    let replay = crate::harness::Replay::new(h(v.ikm_e));
    let sealed = s.hpke_seal(&pk_r, &info, &aad, &pt, &replay).unwrap();
    assert_eq!(sealed.kem_output, h(v.pk_em), "{at}: enc");
    assert_eq!(sealed.ciphertext, h(v.ct), "{at}: ct, sequence 0");
    let opened = s
        .hpke_open(&sk_r, &h(v.pk_em), &info, &aad, &h(v.ct))
        .unwrap();
    assert_eq!(opened.as_bytes(), pt, "{at}: open");

    for (ctx, value) in v.exports {
        let replay = crate::harness::Replay::new(h(v.ikm_e));
        let sent = s
            .hpke_export_to(&pk_r, &info, &h(ctx), 32, &replay)
            .unwrap();
        assert_eq!(sent.kem_output, h(v.pk_em), "{at}: export enc");
        assert_eq!(
            sent.secret.as_bytes(),
            h(value),
            "{at}: export, context {ctx:?}"
        );
        let received = s
            .hpke_export_from(&sk_r, &h(v.pk_em), &info, &h(ctx), 32)
            .unwrap();
        assert_eq!(
            received.as_bytes(),
            h(value),
            "{at}: receiver export, context {ctx:?}"
        );
    }
}
