//! Cipher suites as data (`CipherSuiteDefinition`): each backend builds its
//! suite objects from a definition's algorithms, so a suite under another
//! code point computes exactly what the built-in one does, and every
//! backend refuses the same bad lists with the same errors.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use interop::SeededRand;
use interop::clients::seed;
use mls_core::codec::decode_exact;
use mls_core::crypto::{generate_hpke_key_pair, generate_signature_key_pair};
use mls_core::error::Unsupported;
use mls_core::provider::CryptoProvider;
use mls_core::{CipherSuite, CipherSuiteDefinition, Registration};
use mls_crypto_awslc::AwsLcProvider;
use mls_crypto_ring::RingProvider;
use mls_crypto_rustcrypto::RustCryptoProvider;

const PRIVATE: u16 = 0xf0a1;

/// Each backend built from `definitions`, or its refusal.
fn build(
    definitions: &[CipherSuiteDefinition],
) -> Vec<Result<Box<dyn CryptoProvider>, Unsupported>> {
    let d = definitions.to_vec();
    vec![
        RustCryptoProvider::with_suites(d.clone()).map(|p| Box::new(p) as Box<dyn CryptoProvider>),
        RingProvider::with_suites(d.clone()).map(|p| Box::new(p) as Box<dyn CryptoProvider>),
        AwsLcProvider::with_suites(d).map(|p| Box::new(p) as Box<dyn CryptoProvider>),
    ]
}

#[test]
fn built_in_definitions_are_the_rfc_suites_then_the_provisional_ones() {
    let built_in = CipherSuiteDefinition::BUILT_IN;
    assert_eq!(built_in.len(), 17);
    assert_eq!(built_in[..7], CipherSuiteDefinition::RFC9420);
    assert_eq!(built_in[7..], CipherSuiteDefinition::PROVISIONAL);
    assert!(
        CipherSuiteDefinition::PROVISIONAL
            .iter()
            .all(|d| matches!(d.registration, Registration::Provisional { .. }))
    );
    for (d, suite) in built_in.iter().zip(CipherSuite::ALL) {
        assert_eq!(d.suite, suite);
        assert_eq!(d.registration, Registration::Iana);
        assert_eq!(suite.definition(), Some(d));
        assert_eq!(format!("{suite:?}"), d.name);
    }
    let private = CipherSuite::from_code(PRIVATE);
    assert_eq!(private.definition(), None);
    assert_eq!(format!("{private:?}"), "CipherSuite(0xf0a1)");
    assert_eq!(private.to_string(), "0xf0a1");
    assert_eq!(
        CipherSuite::try_from(PRIVATE),
        Err(Unsupported::UnknownCipherSuite(PRIVATE))
    );
}

/// Any code point decodes; the provider decides whether a group can use it.
#[test]
fn any_code_point_decodes() {
    let suite: CipherSuite = decode_exact(&PRIVATE.to_be_bytes()).unwrap();
    assert_eq!(suite.code(), PRIVATE);
    for provider in build(&CipherSuiteDefinition::RFC9420[..1]) {
        let provider = provider.unwrap();
        let err = provider.cipher_suite(suite).err().unwrap();
        assert!(
            matches!(err, mls_core::Error::Unsupported(Unsupported::CipherSuiteNotProvided { suite: s, .. }) if s == suite),
            "{err:?}"
        );
    }
}

/// Suite 1 under a private code point, on every backend: the provider offers
/// exactly that code point, and its keys, signatures and HPKE output are
/// byte for byte those of suite 1 under one seed.
#[test]
fn remapped_suite_computes_what_the_original_does() {
    let original = CipherSuiteDefinition::RFC9420[0];
    let remapped = original.with_code_point(PRIVATE);
    assert_eq!(remapped.registration, Registration::Private);
    assert_eq!(
        (
            remapped.kem,
            remapped.kdf,
            remapped.aead,
            remapped.signature
        ),
        (
            original.kem,
            original.kdf,
            original.aead,
            original.signature
        )
    );
    for provider in build(&[remapped]) {
        let provider = provider.unwrap();
        assert_eq!(provider.supported_cipher_suites(), [remapped.suite]);
        assert!(provider.suite(original.suite).is_none());
        let ours = provider.cipher_suite(remapped.suite).unwrap();
        assert_eq!(ours.definition(), &remapped);
        let stock = interop::clients::crypto(provider.name()).unwrap();
        let theirs = stock.cipher_suite(original.suite).unwrap();

        let rand = || SeededRand::new(seed(3));
        let (sk_a, pk_a) = generate_signature_key_pair(ours, &rand()).unwrap();
        let (sk_b, pk_b) = generate_signature_key_pair(theirs, &rand()).unwrap();
        assert_eq!(pk_a, pk_b, "{}", provider.name());
        assert_eq!(sk_a.as_bytes(), sk_b.as_bytes());
        let (hsk_a, hpk_a) = generate_hpke_key_pair(ours, &rand()).unwrap();
        let (hsk_b, hpk_b) = generate_hpke_key_pair(theirs, &rand()).unwrap();
        assert_eq!(hpk_a, hpk_b, "{}", provider.name());
        assert_eq!(hsk_a.as_bytes(), hsk_b.as_bytes());
        let sealed = ours
            .hpke_seal(&hpk_a, b"info", b"aad", b"data", &rand())
            .unwrap();
        let again = theirs
            .hpke_seal(&hpk_b, b"info", b"aad", b"data", &rand())
            .unwrap();
        assert_eq!(sealed.kem_output, again.kem_output);
        assert_eq!(sealed.ciphertext, again.ciphertext);
    }
}

#[test]
fn a_code_point_given_twice_is_refused() {
    let a = CipherSuiteDefinition::RFC9420[0].with_code_point(PRIVATE);
    let b = CipherSuiteDefinition::RFC9420[1].with_code_point(PRIVATE);
    for built in build(&[a, b]) {
        assert_eq!(
            built.err(),
            Some(Unsupported::DuplicateCipherSuite(PRIVATE))
        );
    }
}

/// Suite 4 (X448, Ed448): RustCrypto builds it, ring and aws-lc-rs have
/// neither algorithm and say so, naming the definition.
#[test]
fn algorithms_a_backend_lacks_are_refused() {
    let x448 = CipherSuiteDefinition::RFC9420[3].with_code_point(PRIVATE);
    let [rustcrypto, ring, aws_lc]: [_; 3] = build(&[x448]).try_into().ok().unwrap();
    assert!(rustcrypto.is_ok());
    for (built, provider) in [(ring, "ring"), (aws_lc, "aws-lc")] {
        assert_eq!(
            built.err(),
            Some(Unsupported::AlgorithmsNotProvided {
                code: PRIVATE,
                name: "MLS_256_DHKEMX448_AES256GCM_SHA512_Ed448",
                provider,
            })
        );
    }
}

/// `backends::all_offering` names the backends `backends::all` does, in
/// its order, and on the RFC 9420 definitions offers what each stock
/// provider offers; on every built-in definition it adds exactly the
/// provisional suites of `with_provisional_suites()`. So the two lists of
/// backends cannot drift apart.
#[test]
fn all_offering_matches_the_stock_backends() {
    let stock = interop::backends::all();
    let rfc = interop::backends::all_offering(&CipherSuiteDefinition::RFC9420).unwrap();
    let every = interop::backends::all_offering(CipherSuiteDefinition::BUILT_IN).unwrap();
    let provisional = [
        RustCryptoProvider::with_provisional_suites().supported_cipher_suites(),
        RingProvider::with_provisional_suites().supported_cipher_suites(),
        AwsLcProvider::with_provisional_suites().supported_cipher_suites(),
    ];
    assert_eq!(stock.len(), 3);
    for (i, b) in stock.iter().enumerate() {
        assert_eq!(rfc[i].name, b.name);
        assert_eq!(every[i].name, b.name);
        assert_eq!(
            rfc[i].provider.supported_cipher_suites(),
            b.provider.supported_cipher_suites(),
            "{}",
            b.name
        );
        assert_eq!(
            every[i].provider.supported_cipher_suites(),
            provisional[i],
            "{}",
            b.name
        );
    }
    for b in &every {
        let alone = interop::backends::offering(b.name, CipherSuiteDefinition::BUILT_IN)
            .unwrap()
            .unwrap();
        assert_eq!(
            alone.provider.supported_cipher_suites(),
            b.provider.supported_cipher_suites()
        );
    }
    assert!(interop::backends::offering("nope", CipherSuiteDefinition::BUILT_IN).is_none());
    assert!(matches!(
        interop::backends::all_offering(&[
            CipherSuiteDefinition::RFC9420[0],
            CipherSuiteDefinition::RFC9420[0]
        ]),
        Err(Unsupported::DuplicateCipherSuite(1))
    ));
}
