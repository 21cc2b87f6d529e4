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

/// Expands, inside an `impl CipherSuiteProvider for ...` whose type has a
/// `suite: CipherSuite` field, the five HPKE methods of the trait as calls
/// to this crate with `$primitives` (an [`HpkePrimitives`] type). Every
/// backend forwards them identically; writing the forwarding once keeps
/// the three backends from drifting apart.
#[macro_export]
macro_rules! cipher_suite_hpke_methods {
    ($primitives:ty) => {
        fn hpke_seal(
            &self,
            public_key: &[u8],
            info: &[u8],
            aad: &[u8],
            plaintext: &[u8],
            rand: &dyn ::mls_core::provider::RandProvider,
        ) -> Result<::mls_core::provider::HpkeCiphertext, ::mls_core::CryptoError> {
            $crate::seal::<$primitives>(self.suite, public_key, info, aad, plaintext, rand)
        }

        fn hpke_open(
            &self,
            private_key: &::mls_core::secret::HpkePrivateKey,
            kem_output: &[u8],
            info: &[u8],
            aad: &[u8],
            ciphertext: &[u8],
        ) -> Result<::mls_core::secret::Secret, ::mls_core::CryptoError> {
            $crate::open::<$primitives>(self.suite, private_key, kem_output, info, aad, ciphertext)
        }

        fn hpke_export_to(
            &self,
            public_key: &[u8],
            info: &[u8],
            exporter_context: &[u8],
            len: usize,
            rand: &dyn ::mls_core::provider::RandProvider,
        ) -> Result<::mls_core::provider::HpkeExport, ::mls_core::CryptoError> {
            $crate::export_to::<$primitives>(
                self.suite,
                public_key,
                info,
                exporter_context,
                len,
                rand,
            )
        }

        fn hpke_export_from(
            &self,
            private_key: &::mls_core::secret::HpkePrivateKey,
            kem_output: &[u8],
            info: &[u8],
            exporter_context: &[u8],
            len: usize,
        ) -> Result<::mls_core::secret::Secret, ::mls_core::CryptoError> {
            $crate::export_from::<$primitives>(
                self.suite,
                private_key,
                kem_output,
                info,
                exporter_context,
                len,
            )
        }

        fn kem_derive_key_pair(
            &self,
            ikm: &[u8],
        ) -> Result<(::mls_core::secret::HpkePrivateKey, Vec<u8>), ::mls_core::CryptoError> {
            $crate::derive_key_pair::<$primitives>(self.suite, ikm)
        }
    };
}
