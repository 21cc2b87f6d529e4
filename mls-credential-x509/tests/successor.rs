//! `validate_successor` (§5.3.1): a member's new credential names the same
//! identities as its old one.

// Test helpers outside #[test] functions unwrap too.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use mls_core::credential::{BasicIdentityAllowList, Credential, CredentialCheck, CredentialUse};
use mls_credential_x509::{NameKind, X509Validator};
use rcgen::date_time_ymd;

/// `validator.validate_successor` of `new` replacing `old`, as mls-core
/// calls it for an Update or a commit's path.
fn successor(
    validator: &X509Validator,
    old: &Credential,
    new: &Credential,
    new_key: &[u8],
) -> Result<(), String> {
    use mls_core::credential::CredentialValidator;
    validator.validate_successor(
        &CredentialCheck::new(new, new_key, CredentialUse::Update, NOW)
            .in_group(b"group")
            .replacing(old, b"old key"),
    )
}

#[test]
fn renewal_with_same_names_and_new_key_is_accepted() {
    let pki = Pki::new();
    let (old_key, new_key) = (p256(), p256());
    let (_, old) = pki.member(&leaf_params(alice()), &old_key);
    // Names in another order, e-mail domain in another case: the same set.
    let renewed = vec![email("alice@Example.COM"), uri("im:alice@example.com")];
    let (_, new) = pki.member(&leaf_params(renewed), &new_key);
    let validator = pki.validator();
    validate(&validator, &new, new_key.public_key_raw()).unwrap();
    successor(&validator, &old, &new, new_key.public_key_raw()).unwrap();
}

#[test]
fn renewal_after_the_old_certificate_expired_is_accepted() {
    let pki = Pki::new();
    let mut params = leaf_params(alice());
    params.not_before = date_time_ymd(2024, 1, 1);
    params.not_after = date_time_ymd(2025, 1, 1);
    let (_, old) = pki.member(&params, &p256());
    let new_key = p256();
    let (_, new) = pki.member(&leaf_params(alice()), &new_key);
    successor(&pki.validator(), &old, &new, new_key.public_key_raw()).unwrap();
}

#[test]
fn different_person_is_refused() {
    let pki = Pki::new();
    let (_, old) = pki.member(&leaf_params(alice()), &p256());
    let bob = vec![uri("im:bob@example.com"), email("bob@example.com")];
    let new_key = p256();
    let (_, new) = pki.member(&leaf_params(bob), &new_key);
    assert_refused(
        successor(&pki.validator(), &old, &new, new_key.public_key_raw()),
        "not a successor of the member's credential: the new certificate names \
         [URI:im:bob@example.com, email:bob@example.com], the old one \
         [URI:im:alice@example.com, email:alice@example.com]",
    );
}

#[test]
fn an_added_identity_is_refused() {
    let pki = Pki::new();
    let (_, old) = pki.member(&leaf_params(alice()), &p256());
    let mut more = alice();
    more.push(uri("im:mallory@example.com"));
    let new_key = p256();
    let (_, new) = pki.member(&leaf_params(more), &new_key);
    assert_refused(
        successor(&pki.validator(), &old, &new, new_key.public_key_raw()),
        "a successor must name the same identities",
    );
}

#[test]
fn identity_kinds_limit_what_is_compared() {
    let pki = Pki::new();
    let (_, old) = pki.member(&leaf_params(alice()), &p256());
    // Same URI, new e-mail address.
    let moved = vec![uri("im:alice@example.com"), email("alice@new.example")];
    let new_key = p256();
    let (_, new) = pki.member(&leaf_params(moved), &new_key);
    assert_refused(
        successor(&pki.validator(), &old, &new, new_key.public_key_raw()),
        "not a successor",
    );
    let by_uri = pki
        .builder()
        .identity_kinds(&[NameKind::Uri])
        .build()
        .unwrap();
    successor(&by_uri, &old, &new, new_key.public_key_raw()).unwrap();
}

#[test]
fn certificate_without_names_has_no_successor() {
    let pki = Pki::new();
    let (_, old) = pki.member(&leaf_params(Vec::new()), &p256());
    let new_key = p256();
    let (_, new) = pki.member(&leaf_params(Vec::new()), &new_key);
    assert_refused(
        successor(&pki.validator(), &old, &new, new_key.public_key_raw()),
        "the old certificate names no identity of the kinds compared (URI, DNS, email)",
    );
    // The very same credential (a new encryption key only) is fine.
    successor(&pki.validator(), &old, &old, b"old key").unwrap();
}

#[test]
fn basic_to_x509_only_when_allowed_and_named() {
    let pki = Pki::new();
    let old = Credential::basic("alice@example.com");
    let new_key = p256();
    let (_, new) = pki.member(&leaf_params(alice()), &new_key);
    assert_refused(
        successor(&pki.validator(), &old, &new, new_key.public_key_raw()),
        "a basic credential may not be replaced by an X.509 one",
    );
    let upgrading = pki.builder().allow_basic_predecessor().build().unwrap();
    successor(&upgrading, &old, &new, new_key.public_key_raw()).unwrap();
    assert_refused(
        successor(
            &upgrading,
            &Credential::basic("mallory"),
            &new,
            new_key.public_key_raw(),
        ),
        "the basic identity \"mallory\" is not among the new certificate's names",
    );
}

#[test]
fn x509_to_basic_is_refused() {
    let pki = Pki::new();
    let (_, old) = pki.member(&leaf_params(alice()), &p256());
    let new = Credential::basic("alice@example.com");
    let validator = pki
        .builder()
        .allow_basic_predecessor()
        .build()
        .unwrap()
        .with_basic(BasicIdentityAllowList::new().allow("alice@example.com", b"k".to_vec()));
    assert_refused(
        successor(&validator, &old, &new, b"k"),
        "an X.509 credential may not be replaced by a basic one",
    );
}

#[test]
fn basic_to_basic_goes_to_the_inner_validator() {
    let pki = Pki::new();
    let validator = pki.validator().with_basic(BasicIdentityAllowList::new());
    // The allow list's default successor rule: no change of credential.
    assert_refused(
        successor(
            &validator,
            &Credential::basic("bob"),
            &Credential::basic("eve"),
            b"k",
        ),
        "accepts no successor credential",
    );
    successor(
        &validator,
        &Credential::basic("bob"),
        &Credential::basic("bob"),
        b"k",
    )
    .unwrap();
}
