//! # mls-crypto-hpke
//!
//! HPKE (RFC 9180) for the MLS crypto backends, written once for all of them.
//!
//! A backend implements [`HpkePrimitives`]: static Diffie-Hellman, HKDF and
//! AEAD functions over its own library. This crate builds the single-shot
//! base-mode operations MLS needs on them ([`seal`], [`seal_many`],
//! [`open`], [`export_to`], [`export_from`], [`derive_key_pair`]), and turns
//! them into an `hpke_rs_crypto::HpkeCrypto` ([`HpkeAdapter`]) for what
//! `hpke-rs` does: `DeriveKeyPair` of long-term keys on X25519 and the NIST
//! curves, and the oracle the backends' tests compare with
//! ([`reference`](mod@reference)).
//!
//! What `hpke-rs` 0.8 does not do is written here:
//!
//! * **Randomness from the MLS rand trait.** The ephemeral key of every
//!   encapsulation is `DeriveKeyPair(rand(Nsk))` with the bytes drawn from the
//!   caller's [`RandProvider`](mls_core::provider::RandProvider), so a
//!   seeded rand gives identical `enc` and ciphertext on every backend.
//! * **DHKEM(X448).** `hpke-rs`' generic DHKEM has no `DeriveKeyPair` for
//!   X448 (RFC 9180 §7.1.3).
//! * **GenerateKeyPair from given bytes.** [`key_pair_from_random`] takes
//!   X25519 and X448 random bytes as the private key, without
//!   `DeriveKeyPair`'s HKDF (a KeyPackage's keys).
//! * **One private key parse per Encap and Decap.** `hpke-rs` computes the
//!   public key of a private key in a call separate from its DH; with
//!   [`HpkePrimitives::dh_with_public`] a backend answers both from one
//!   parsed key (a scalar multiplication less per operation on aws-lc).
//! * **One `info` hash for many recipients.** [`seal_many`] hashes the
//!   `info` once; `hpke-rs` would hash it per recipient, which makes a
//!   Welcome to N joiners O(N²) (RFC 9420 §12.4.3.1: the `info` holds the
//!   encrypted GroupInfo).
//!
//! The DHKEM (RFC 9180 §4.1) and the base-mode key schedule (§5.1) are
//! therefore this crate's own; P-521 needs nothing extra once a backend
//! supplies the curve's DH.
//!
//! ```
//! // The HPKE ids of an MLS suite, as hpke-rs sees them.
//! use mls_core::CipherSuite;
//! let suite_1 = CipherSuite::MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519;
//! let ids = mls_crypto_hpke::hpke_ids(*suite_1.definition().unwrap());
//! assert_eq!(ids.0 as u16, 0x0020);
//! ```
#![forbid(unsafe_code)]

mod adapter;
mod dhkem;
mod labeled;
mod ops;
mod rand;
#[doc(hidden)]
pub mod reference;
mod schedule;
mod wholekem;

pub use adapter::{HpkeAdapter, HpkePrimitives, unsupported_kem};
pub use ops::{
    derive_key_pair, export_from, export_to, hpke_ids, key_pair_from_random, open, seal, seal_many,
};
pub use rand::DrawnRandomness;

/// Expands, inside an `impl CipherSuiteProvider for ...` whose type has a
/// `definition: CipherSuiteDefinition` field, the six HPKE methods of the trait as calls
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
            $crate::seal::<$primitives>(self.definition, public_key, info, aad, plaintext, rand)
        }

        fn hpke_seal_many(
            &self,
            info: &[u8],
            aad: &[u8],
            recipients: &[::mls_core::provider::HpkeRecipient<'_>],
        ) -> Result<Vec<::mls_core::provider::HpkeCiphertext>, ::mls_core::CryptoError> {
            $crate::seal_many::<$primitives>(self.definition, info, aad, recipients)
        }

        fn hpke_open(
            &self,
            private_key: &::mls_core::secret::HpkePrivateKey,
            kem_output: &[u8],
            info: &[u8],
            aad: &[u8],
            ciphertext: &[u8],
        ) -> Result<::mls_core::secret::Secret, ::mls_core::CryptoError> {
            $crate::open::<$primitives>(
                self.definition,
                private_key,
                kem_output,
                info,
                aad,
                ciphertext,
            )
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
                self.definition,
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
                self.definition,
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
            $crate::derive_key_pair::<$primitives>(self.definition, ikm)
        }

        fn kem_key_pair_from_random(
            &self,
            random: &[u8],
        ) -> Result<(::mls_core::secret::HpkePrivateKey, Vec<u8>), ::mls_core::CryptoError> {
            $crate::key_pair_from_random::<$primitives>(self.definition, random)
        }
    };
}
