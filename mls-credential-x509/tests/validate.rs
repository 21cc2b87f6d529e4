//! `validate`: each rule accepts the good chain and refuses the bad one with
//! its own reason.

// Test helpers outside #[test] functions unwrap too.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use mls_core::credential::{
    BasicIdentityAllowList, Credential, CredentialCheck, CredentialUse, CredentialValidator,
};
use mls_credential_x509::{
    Error, MAX_CHAIN_LEN, Misuse, NameKind, Revocations, SubjectName, X509Validator, fingerprint,
    subject_names,
};
use rcgen::{ExtendedKeyUsagePurpose, IsCa, KeyUsagePurpose, date_time_ymd};
use x509_cert::der::{Decode, Encode};

#[test]
fn valid_chain_is_accepted() {
    let pki = Pki::new();
    let key = p256();
    let (_, cred) = pki.member(&leaf_params(alice()), &key);
    validate(&pki.validator(), &cred, key.public_key_raw()).unwrap();
}

#[test]
fn every_mls_key_algorithm_is_accepted() {
    let pki = Pki::new();
    for alg in [
        &rcgen::PKCS_ED25519,
        &rcgen::PKCS_ECDSA_P256_SHA256,
        &rcgen::PKCS_ECDSA_P384_SHA384,
    ] {
        let key = key(alg);
        let (_, cred) = pki.member(&leaf_params(alice()), &key);
        validate(&pki.validator(), &cred, key.public_key_raw()).unwrap();
    }
}

#[test]
fn root_sent_along_and_leaf_under_root_are_accepted() {
    let pki = Pki::new();
    let key = p256();
    let der = leaf(&leaf_params(alice()), &key, &pki.intermediate);
    let with_root = credential(&[&der, pki.intermediate.der(), pki.root.der()]);
    validate(&pki.validator(), &with_root, key.public_key_raw()).unwrap();

    let direct = leaf(&leaf_params(alice()), &key, &pki.root);
    validate(
        &pki.validator(),
        &credential(&[&direct]),
        key.public_key_raw(),
    )
    .unwrap();
}

#[test]
fn validity_is_checked_at_the_time_of_the_check() {
    let pki = Pki::new();
    let key = p256();
    let (_, cred) = pki.member(&leaf_params(alice()), &key);
    let validator = pki.validator();
    let at = |time| {
        validator.validate(&CredentialCheck::new(
            &cred,
            key.public_key_raw(),
            CredentialUse::Tree,
            time,
        ))
    };
    // 2026-06-01: after the leaf's notAfter, whatever the system clock says.
    assert_refused(
        at(1_780_272_000),
        "certificate 0 (leaf) expired at 2026-01-01T00:00:00Z",
    );
    // 2024-06-01: before its notBefore.
    assert_refused(at(1_717_200_000), "not valid before 2025-01-01T00:00:00Z");
    at(NOW).unwrap();
}

#[test]
fn expired_leaf_is_refused() {
    let pki = Pki::new();
    let key = p256();
    let mut params = leaf_params(alice());
    params.not_before = date_time_ymd(2024, 1, 1);
    params.not_after = date_time_ymd(2025, 1, 1);
    let (_, cred) = pki.member(&params, &key);
    assert_refused(
        validate(&pki.validator(), &cred, key.public_key_raw()),
        "certificate 0 (leaf) expired at 2025-01-01T00:00:00Z (check time 2025-06-01T00:00:00Z)",
    );
}

#[test]
fn not_yet_valid_leaf_is_refused() {
    let pki = Pki::new();
    let key = p256();
    let mut params = leaf_params(alice());
    params.not_before = date_time_ymd(2025, 7, 1);
    params.not_after = date_time_ymd(2026, 7, 1);
    let (_, cred) = pki.member(&params, &key);
    assert_refused(
        validate(&pki.validator(), &cred, key.public_key_raw()),
        "certificate 0 (leaf) is not valid before 2025-07-01T00:00:00Z",
    );
}

#[test]
fn expired_intermediate_is_refused() {
    let root = root("Root");
    let mut params = ca_params_named("Old Intermediate");
    params.not_after = date_time_ymd(2025, 3, 1);
    let intermediate = intermediate_with(params, &root);
    let key = p256();
    let der = leaf(&leaf_params(alice()), &key, &intermediate);
    let validator = X509Validator::builder()
        .trust_anchor(root.der().to_vec())
        .build()
        .unwrap();
    assert_refused(
        validate(
            &validator,
            &credential(&[&der, intermediate.der()]),
            key.public_key_raw(),
        ),
        "certificate 1 (intermediate) expired at 2025-03-01T00:00:00Z",
    );
}

#[test]
fn certificate_of_another_key_is_refused() {
    let pki = Pki::new();
    let (certified, other) = (p256(), p256());
    let (_, cred) = pki.member(&leaf_params(alice()), &certified);
    assert_refused(
        validate(&pki.validator(), &cred, other.public_key_raw()),
        "leaf certificate key does not match the leaf's signature_key",
    );
    // An Ed25519 key presented with a P-256 certificate: lengths differ.
    assert_refused(
        validate(
            &pki.validator(),
            &cred,
            key(&rcgen::PKCS_ED25519).public_key_raw(),
        ),
        "certificate: ECDSA P-256 key of 65 bytes, signature_key: 32 bytes",
    );
}

/// A key that is not a key pair: the bytes and the algorithm rcgen puts in
/// the certificate.
struct RawKey(Vec<u8>, &'static rcgen::SignatureAlgorithm);

impl rcgen::PublicKeyData for RawKey {
    fn der_bytes(&self) -> &[u8] {
        &self.0
    }
    fn algorithm(&self) -> &'static rcgen::SignatureAlgorithm {
        self.1
    }
}

#[test]
fn key_no_mls_scheme_uses_is_refused() {
    let pki = Pki::new();
    let rsa = RawKey(vec![0x30, 0x03, 0x02, 0x01, 0x03], &rcgen::PKCS_RSA_SHA256);
    let der = leaf(&leaf_params(alice()), &rsa, &pki.intermediate);
    assert_refused(
        validate(
            &pki.validator(),
            &credential(&[&der, pki.intermediate.der()]),
            &rsa.0,
        ),
        "unsupported: the leaf certificate's key is of algorithm 1.2.840.113549.1.1.1, \
         which no MLS signature scheme uses",
    );
    // A compressed P-256 point is no MLS key either.
    let compressed = RawKey(vec![2; 33], &rcgen::PKCS_ECDSA_P256_SHA256);
    let der = leaf(&leaf_params(alice()), &compressed, &pki.intermediate);
    assert_refused(
        validate(
            &pki.validator(),
            &credential(&[&der, pki.intermediate.der()]),
            &compressed.0,
        ),
        "the ECDSA P-256 key is 33 bytes, not 65",
    );
}

#[test]
fn chain_from_an_untrusted_root_is_refused() {
    let pki = Pki::new();
    let other_root = root("Other Root");
    let other = Pki {
        intermediate: intermediate("Other Intermediate", &other_root),
        root: other_root,
    };
    let key = p256();
    let (_, cred) = other.member(&leaf_params(alice()), &key);
    assert_refused(
        validate(&pki.validator(), &cred, key.public_key_raw()),
        "the chain does not lead to a trust anchor",
    );
}

#[test]
fn chain_from_an_impostor_with_trusted_names_is_refused() {
    let pki = Pki::new();
    let impostor = Pki::new(); // the same names, other keys
    let key = p256();
    let (_, cred) = impostor.member(&leaf_params(alice()), &key);
    assert_refused(
        validate(&pki.validator(), &cred, key.public_key_raw()),
        "a certificate's signature does not verify with its issuer's key",
    );
}

#[test]
fn missing_intermediate_is_refused() {
    let pki = Pki::new();
    let key = p256();
    let (der, _) = pki.member(&leaf_params(alice()), &key);
    assert_refused(
        validate(&pki.validator(), &credential(&[&der]), key.public_key_raw()),
        "chain does not lead to a trust anchor",
    );
}

#[test]
fn omitted_intermediate_known_to_the_validator_is_accepted() {
    // §5.3: a chain may omit the non-leaf certificates peers already have.
    let pki = Pki::new();
    let key = p256();
    let (der, _) = pki.member(&leaf_params(alice()), &key);
    let revocations = Revocations::new();
    let validator = pki
        .builder()
        .intermediate(pki.intermediate.der().to_vec())
        .revocations(revocations.clone())
        .build()
        .unwrap();
    let leaf_only = credential(&[&der]);
    validate(&validator, &leaf_only, key.public_key_raw()).unwrap();

    // Revoked, it is left out of the paths.
    revocations.revoke_certificate(pki.intermediate.der());
    assert_refused(
        validate(&validator, &leaf_only, key.public_key_raw()),
        "the chain does not lead to a trust anchor",
    );

    assert!(matches!(
        pki.builder().intermediate(b"junk".to_vec()).build(),
        Err(Error::Misuse(Misuse::InvalidIntermediate { index: 0, .. }))
    ));
}

#[test]
fn revoked_leaf_is_refused_by_fingerprint() {
    let pki = Pki::new();
    let key = p256();
    let (der, cred) = pki.member(&leaf_params(alice()), &key);
    let revocations = Revocations::new();
    let validator = pki
        .builder()
        .revocations(revocations.clone())
        .build()
        .unwrap();
    validate(&validator, &cred, key.public_key_raw()).unwrap();

    // Revoked after the validator was built: the shared set applies.
    revocations.revoke_fingerprint(fingerprint(&der));
    assert_refused(
        validate(&validator, &cred, key.public_key_raw()),
        "certificate 0 (leaf) is revoked by policy (matched by SHA-256 fingerprint)",
    );
}

#[test]
fn revoked_intermediate_is_refused_by_issuer_and_serial() {
    let pki = Pki::new();
    let key = p256();
    let (_, cred) = pki.member(&leaf_params(alice()), &key);
    let intermediate = x509_cert::Certificate::from_der(pki.intermediate.der()).unwrap();
    let tbs = intermediate.tbs_certificate();
    // Written with a sign-padding zero: the serial compares all the same.
    let mut serial = vec![0];
    serial.extend_from_slice(tbs.serial_number().as_bytes());
    let revocations = Revocations::new();
    revocations.revoke_serial(&tbs.issuer().to_der().unwrap(), &serial);
    let validator = pki.builder().revocations(revocations).build().unwrap();
    assert_refused(
        validate(&validator, &cred, key.public_key_raw()),
        "certificate 1 (intermediate) is revoked by policy (matched by issuer and serial number)",
    );
}

#[test]
fn leaf_without_digital_signature_is_refused() {
    let pki = Pki::new();
    let key = p256();
    let mut params = leaf_params(alice());
    params.key_usages = vec![KeyUsagePurpose::KeyAgreement];
    let (_, cred) = pki.member(&params, &key);
    assert_refused(
        validate(&pki.validator(), &cred, key.public_key_raw()),
        "key usage does not include digitalSignature",
    );

    params.key_usages = Vec::new();
    let (_, cred) = pki.member(&params, &key);
    assert_refused(
        validate(&pki.validator(), &cred, key.public_key_raw()),
        "key usage extension is missing",
    );
}

#[test]
fn ca_certificate_as_leaf_is_refused() {
    let pki = Pki::new();
    let key = p256();
    let mut params = leaf_params(alice());
    params.is_ca = IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    params.key_usages.push(KeyUsagePurpose::KeyCertSign);
    let (_, cred) = pki.member(&params, &key);
    assert_refused(
        validate(&pki.validator(), &cred, key.public_key_raw()),
        "the leaf certificate is a CA certificate",
    );
}

#[test]
fn required_extended_key_usage() {
    const MLS_EKU: &str = "1.3.6.1.4.1.55555.1";
    let pki = Pki::new();
    let validator = pki
        .builder()
        .require_extended_key_usage(MLS_EKU)
        .build()
        .unwrap();
    let key = p256();

    let mut params = leaf_params(alice());
    let (_, cred) = pki.member(&params, &key);
    assert_refused(
        validate(&validator, &cred, key.public_key_raw()),
        "certificate 0 (leaf) does not allow the extended key usage 1.3.6.1.4.1.55555.1 \
         (it has no extended key usage extension)",
    );

    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
    let (_, cred) = pki.member(&params, &key);
    assert_refused(
        validate(&validator, &cred, key.public_key_raw()),
        "(it lists 1.3.6.1.5.5.7.3.2)",
    );

    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::Other(vec![
        1, 3, 6, 1, 4, 1, 55555, 1,
    ])];
    let (_, cred) = pki.member(&params, &key);
    validate(&validator, &cred, key.public_key_raw()).unwrap();
    // The default policy accepts any purpose.
    validate(&pki.validator(), &cred, key.public_key_raw()).unwrap();
}

#[test]
fn basic_credentials_are_refused_unless_delegated() {
    let pki = Pki::new();
    let basic = Credential::basic("bob");
    assert_refused(
        validate(&pki.validator(), &basic, b"bob's key"),
        "credential type 0x0001 is not accepted; only X.509 credentials are",
    );
    let mixed = pki
        .validator()
        .with_basic(BasicIdentityAllowList::new().allow("bob", b"bob's key".to_vec()));
    validate(&mixed, &basic, b"bob's key").unwrap();
    assert_refused(
        validate(&mixed, &basic, b"another key"),
        "identity is allowed, but with another signature key",
    );
    // X.509 credentials still go through the X.509 checks.
    let key = p256();
    let (_, cred) = pki.member(&leaf_params(alice()), &key);
    validate(&mixed, &cred, key.public_key_raw()).unwrap();
}

#[test]
fn empty_and_overlong_chains_are_refused() {
    let pki = Pki::new();
    assert_refused(
        validate(&pki.validator(), &credential(&[]), b"key"),
        "carries no certificate",
    );
    let der = pki.intermediate.der().to_vec();
    let chain: Vec<&[u8]> = vec![&der; MAX_CHAIN_LEN + 1];
    assert_refused(
        validate(&pki.validator(), &credential(&chain), b"key"),
        "the chain has 9 certificates; at most 8 are accepted",
    );
}

#[test]
fn garbage_is_refused_without_panic() {
    let pki = Pki::new();
    let validator = pki.validator();
    let key = p256();
    let (der, _) = pki.member(&leaf_params(alice()), &key);
    let pk = key.public_key_raw();

    for garbage in [
        &b""[..],
        b"\x30",
        b"\x30\x80",
        b"\x30\x03\x02\x01\x00",
        b"not DER",
    ] {
        assert_refused(
            validate(&validator, &credential(&[garbage]), pk),
            "certificate 0 of the chain is malformed",
        );
        assert_refused(
            validate(&validator, &credential(&[&der, garbage]), pk),
            "certificate 1 of the chain is malformed",
        );
    }
    // Every truncation and every single-byte change of a good chain: any
    // outcome but a panic (a flip inside the signature or a name is still
    // well-formed DER, refused later).
    for len in 0..der.len() {
        let _ = validate(&validator, &credential(&[&der[..len]]), pk);
    }
    for i in 0..der.len() {
        for flip in [0x01u8, 0x80, 0xff] {
            let mut bad = der.clone();
            bad[i] ^= flip;
            let cred = credential(&[&bad, pki.intermediate.der()]);
            assert!(
                validate(&validator, &cred, pk).is_err(),
                "byte {i} ^ {flip:#x} accepted"
            );
            let _ = subject_names(&cred);
        }
    }
}

#[test]
fn builder_misuse_is_reported() {
    assert_eq!(
        X509Validator::builder().build().unwrap_err(),
        Error::Misuse(Misuse::NoTrustAnchors)
    );
    assert!(matches!(
        X509Validator::builder()
            .trust_anchor(b"junk".to_vec())
            .build(),
        Err(Error::Misuse(Misuse::InvalidTrustAnchor { index: 0, .. }))
    ));
    let pki = Pki::new();
    assert!(matches!(
        pki.builder().require_extended_key_usage("mls").build(),
        Err(Error::Misuse(Misuse::InvalidOid(_)))
    ));
    assert!(matches!(
        pki.builder().identity_kinds(&[]).build(),
        Err(Error::Misuse(Misuse::NoIdentityKinds))
    ));
}

#[test]
fn subject_names_reads_the_leaf_identities() {
    let pki = Pki::new();
    let key = p256();
    let names = vec![
        uri("im:alice@example.com"),
        email("alice@EXAMPLE.com"),
        dns("Alice.Example.com"),
    ];
    let (_, cred) = pki.member(&leaf_params(names), &key);
    let found = subject_names(&cred).unwrap();
    assert_eq!(
        found,
        vec![
            SubjectName::Uri("im:alice@example.com".to_owned()),
            SubjectName::Dns("alice.example.com".to_owned()),
            SubjectName::Email("alice@example.com".to_owned()),
        ]
    );
    assert_eq!(found[0].kind(), NameKind::Uri);
    assert_eq!(found[0].to_string(), "URI:im:alice@example.com");
    assert_eq!(
        subject_names(&Credential::basic("bob")),
        Err(mls_credential_x509::Error::Refused(
            mls_credential_x509::Refusal::NotX509(1)
        ))
    );
}

#[test]
fn fips_is_reported_only_on_the_fips_module() {
    assert_eq!(Pki::new().validator().fips(), cfg!(feature = "fips"));
}
