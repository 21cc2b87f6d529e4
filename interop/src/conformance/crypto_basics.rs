//! `crypto-basics.json`: the labeled operations of RFC 9420 §5 and §8.
//! Signatures and HPKE are checked twice: the vector's output must verify or
//! decrypt, and our own output must round-trip.

use super::{Tally, expect_eq};
use crate::vectors::Hex;
use mls_core::crypto;
use mls_core::provider::{CipherSuiteProvider, RandProvider};
use mls_core::secret::HpkePrivateKey;
use serde::Deserialize;

#[derive(Deserialize)]
pub(crate) struct Case {
    pub(crate) cipher_suite: u16,
    ref_hash: RefHash,
    expand_with_label: ExpandWithLabel,
    derive_secret: DeriveSecret,
    derive_tree_secret: DeriveTreeSecret,
    sign_with_label: SignWithLabel,
    encrypt_with_label: EncryptWithLabel,
}

#[derive(Deserialize)]
struct RefHash {
    label: String,
    value: Hex,
    out: Hex,
}

#[derive(Deserialize)]
struct ExpandWithLabel {
    secret: Hex,
    label: String,
    context: Hex,
    length: u16,
    out: Hex,
}

#[derive(Deserialize)]
struct DeriveSecret {
    secret: Hex,
    label: String,
    out: Hex,
}

#[derive(Deserialize)]
struct DeriveTreeSecret {
    secret: Hex,
    label: String,
    generation: u32,
    length: u16,
    out: Hex,
}

#[derive(Deserialize)]
struct SignWithLabel {
    #[serde(rename = "priv")]
    private: Hex,
    #[serde(rename = "pub")]
    public: Hex,
    content: Hex,
    label: String,
    signature: Hex,
}

#[derive(Deserialize)]
struct EncryptWithLabel {
    #[serde(rename = "priv")]
    private: Hex,
    #[serde(rename = "pub")]
    public: Hex,
    label: String,
    context: Hex,
    plaintext: Hex,
    kem_output: Hex,
    ciphertext: Hex,
}

/// Cases per suite entry: ref_hash, expand_with_label, derive_secret,
/// derive_tree_secret, sign_with_label, encrypt_with_label.
pub(crate) const CHECKS: usize = 6;

fn err(e: impl std::fmt::Display) -> String {
    e.to_string()
}

fn sign(v: &SignWithLabel, suite: &dyn CipherSuiteProvider) -> Result<(), String> {
    crypto::verify_with_label(suite, &v.public, &v.label, &v.content, &v.signature)
        .map_err(|e| format!("vector signature: {e}"))?;
    // The public key derived from the private key must be the vector's.
    let (_, derived) = suite
        .signature_key_pair_from_private(&v.private)
        .map_err(err)?;
    expect_eq("public key from private key", &v.public, &derived)?;
    let signer = suite.signer(&v.private).map_err(err)?;
    let ours =
        crypto::sign_with_label(signer.as_ref(), suite, &v.label, &v.content).map_err(err)?;
    crypto::verify_with_label(suite, &v.public, &v.label, &v.content, &ours)
        .map_err(|e| format!("our signature: {e}"))
}

fn encrypt(
    v: &EncryptWithLabel,
    suite: &dyn CipherSuiteProvider,
    rand: &dyn RandProvider,
) -> Result<(), String> {
    let sk = HpkePrivateKey::from_slice(&v.private);
    let pt = crypto::decrypt_with_label(
        suite,
        &sk,
        &v.label,
        &v.context,
        &v.kem_output,
        &v.ciphertext,
    )
    .map_err(|e| format!("vector ciphertext: {e}"))?;
    expect_eq("decrypted vector plaintext", &v.plaintext, pt.as_bytes())?;
    let ct = crypto::encrypt_with_label(suite, &v.public, &v.label, &v.context, &v.plaintext, rand)
        .map_err(err)?;
    let pt = crypto::decrypt_with_label(
        suite,
        &sk,
        &v.label,
        &v.context,
        &ct.kem_output,
        &ct.ciphertext,
    )
    .map_err(|e| format!("our ciphertext: {e}"))?;
    expect_eq("decrypted own plaintext", &v.plaintext, pt.as_bytes())
}

pub(crate) fn run(c: &Case, suite: &dyn CipherSuiteProvider, t: &mut Tally) {
    let rand = crate::SeededRand::new([7; 32]);
    let r = &c.ref_hash;
    t.check(
        "ref_hash",
        crypto::ref_hash(suite, r.label.as_bytes(), &r.value)
            .map_err(err)
            .and_then(|out| expect_eq("RefHash", &r.out, &out)),
    );
    let e = &c.expand_with_label;
    t.check(
        "expand_with_label",
        crypto::expand_with_label(suite, &e.secret, &e.label, &e.context, e.length)
            .map_err(err)
            .and_then(|out| expect_eq("ExpandWithLabel", &e.out, out.as_bytes())),
    );
    let d = &c.derive_secret;
    t.check(
        "derive_secret",
        crypto::derive_secret(suite, &d.secret, &d.label)
            .map_err(err)
            .and_then(|out| expect_eq("DeriveSecret", &d.out, out.as_bytes())),
    );
    let d = &c.derive_tree_secret;
    t.check(
        "derive_tree_secret",
        crypto::derive_tree_secret(suite, &d.secret, &d.label, d.generation, d.length)
            .map_err(err)
            .and_then(|out| expect_eq("DeriveTreeSecret", &d.out, out.as_bytes())),
    );
    t.check("sign_with_label", sign(&c.sign_with_label, suite));
    t.check(
        "encrypt_with_label",
        encrypt(&c.encrypt_with_label, suite, &rand),
    );
}
