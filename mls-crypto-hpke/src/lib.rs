//! # mls-crypto-hpke
//!
//! HPKE (RFC 9180) for the MLS crypto backends, written once for all of them.
//!
//! A backend implements [`HpkePrimitives`]: static Diffie-Hellman, HKDF and
//! AEAD functions over its own library. This crate turns that into an
//! `hpke_rs_crypto::HpkeCrypto` ([`HpkeAdapter`]) so that `hpke-rs` runs the
//! HPKE key schedule, and exposes the single-shot operations MLS needs
//! ([`seal`], [`open`], [`export_to`], [`export_from`], [`derive_key_pair`]).
//!
//! Two things `hpke-rs` 0.8 does not do are done here:
//!
//! * **Randomness from the MLS rand trait.** The ephemeral key of every
//!   encapsulation is `DeriveKeyPair(rand(Nsk))` with the bytes drawn from the
//!   caller's [`RandProvider`](mls_core::provider::RandProvider), so a
//!   seeded rand gives identical `enc` and ciphertext on every backend.
//! * **DHKEM(X448).** `hpke-rs`' generic DHKEM has no `DeriveKeyPair` for
//!   X448, so [`x448`] implements that KEM's `DeriveKeyPair`, `Encap` and
//!   `Decap` (RFC 9180 §4.1, §7.1.3) and hands the shared secret to `hpke-rs`'
//!   key schedule. P-521 needs nothing extra: `hpke-rs` covers it once a
//!   backend supplies the curve's DH.
//!
//! ```
//! // The HPKE ids of an MLS suite, as hpke-rs sees them.
//! use mls_core::CipherSuite;
//! let ids = mls_crypto_hpke::hpke_ids(CipherSuite::MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519);
//! assert_eq!(ids.0 as u16, 0x0020);
//! ```
#![forbid(unsafe_code)]

mod adapter;
mod ops;
mod rand;
pub mod x448;

pub use adapter::{HpkeAdapter, HpkePrimitives};
pub use ops::{derive_key_pair, export_from, export_to, hpke_ids, open, seal};
pub use rand::DrawnRandomness;
