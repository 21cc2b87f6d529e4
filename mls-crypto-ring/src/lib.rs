//! # mls-crypto-ring
//!
//! An MLS (RFC 9420) crypto provider on [ring](https://docs.rs/ring).
//!
//! ## Suites
//!
//! | Code | Suite | KEM | AEAD | Hash | Signature |
//! |------|-------|-----|------|------|-----------|
//! | 0x0001 | `MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519` | X25519 | AES-128-GCM | SHA-256 | Ed25519 |
//! | 0x0002 | `MLS_128_DHKEMP256_AES128GCM_SHA256_P256` | P-256 | AES-128-GCM | SHA-256 | ECDSA P-256 |
//! | 0x0003 | `MLS_128_DHKEMX25519_CHACHA20POLY1305_SHA256_Ed25519` | X25519 | ChaCha20-Poly1305 | SHA-256 | Ed25519 |
//! | 0x0007 | `MLS_256_DHKEMP384_AES256GCM_SHA384_P384` | P-384 | AES-256-GCM | SHA-384 | ECDSA P-384 |
//!
//! Suites 4, 5 and 6 are not offered: ring has no X448, Ed448 or P-521.
//!
//! ## What comes from where
//!
//! ring provides hashing (`digest`), HMAC and HKDF (`hmac`, `hkdf`), the
//! AEADs (`aead`), signatures (`signature`) and randomness (`rand`).
//!
//! **The Diffie-Hellman of the KEMs comes from RustCrypto**: `x25519-dalek`
//! for X25519 and the `ecdh` feature of `p256` / `p384` for the NIST curves.
//! ring only does *ephemeral* key agreement: an `agreement::EphemeralPrivateKey`
//! is generated inside ring, used once and cannot be loaded from bytes. HPKE
//! decapsulation (RFC 9180 §4.1) needs `DH(skR, pkE)` with a stored private
//! key, and `DeriveKeyPair` needs the public key of a given scalar, neither
//! of which ring can do. The same `p256` / `p384` crates compute the public
//! key of an ECDSA private key, which ring requires alongside the scalar.
//! The HPKE construction itself is `mls-crypto-hpke`, running over these
//! primitives.
//!
//! Two smaller consequences of ring's API, both handled here:
//!
//! * ring's HKDF PRK is opaque, so HKDF-Extract is computed by its definition,
//!   `HMAC-Hash(salt, IKM)`; HKDF-Expand is ring's.
//! * ECDSA signing takes its nonce from ring's `SystemRandom` (hedged with the
//!   key and message), not from the MLS rand provider: the suite's `sign`
//!   takes none. Ed25519 signatures are deterministic.
//!
//! ## Secrets
//!
//! Secrets this crate holds or returns are in zeroizing types
//! (`mls_core::secret`, `zeroize::Zeroizing`). ring's own parsed key types
//! (inside [`RingSigner`]) are not zeroized on drop; ring offers no way to.
//!
//! ## Example
//!
//! ```rust
//! use mls_core::CipherSuite;
//! use mls_core::crypto::{
//!     decrypt_with_label, encrypt_with_label, generate_hpke_key_pair,
//!     generate_signature_key_pair, sign_with_label, verify_with_label,
//! };
//! use mls_core::provider::CryptoProvider;
//! use mls_crypto_ring::{RingProvider, SystemRand};
//!
//! # fn main() -> Result<(), mls_core::Error> {
//! let provider = RingProvider::new();
//! let rand = SystemRand::new();
//! let suite = provider.cipher_suite(CipherSuite::MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519)?;
//!
//! // SignWithLabel / VerifyWithLabel (RFC 9420 §5.1.2).
//! let (signature_key, public_key) = generate_signature_key_pair(suite, &rand)?;
//! let signer = suite.signer(signature_key.as_bytes())?;
//! let signature = sign_with_label(&*signer, suite, "LeafNodeTBS", b"content")?;
//! verify_with_label(suite, &public_key, "LeafNodeTBS", b"content", &signature)?;
//!
//! // EncryptWithLabel / DecryptWithLabel (RFC 9420 §5.1.3).
//! let (hpke_private, hpke_public) = generate_hpke_key_pair(suite, &rand)?;
//! let sealed = encrypt_with_label(suite, &hpke_public, "UpdatePathNode", b"context", b"secret", &rand)?;
//! let opened = decrypt_with_label(
//!     suite,
//!     &hpke_private,
//!     "UpdatePathNode",
//!     b"context",
//!     &sealed.kem_output,
//!     &sealed.ciphertext,
//! )?;
//! assert_eq!(opened.as_bytes(), b"secret");
//! # Ok(())
//! # }
//! ```
#![forbid(unsafe_code)]

mod aead;
mod hash;
mod hpke;
mod kdf;
mod rand;
mod sign;
mod suite;

pub use rand::SystemRand;
pub use sign::RingSigner;
pub use suite::RingSuite;

use mls_core::error::Unsupported;
use mls_core::provider::{CipherSuiteProvider, CryptoProvider, check_suite_definitions};
use mls_core::{CipherSuite, CipherSuiteDefinition};
use std::borrow::Cow;

/// The ring crypto provider: cipher suites 1, 2, 3 and 7, or the suites of
/// the definitions it was built with.
#[derive(Clone, Debug)]
pub struct RingProvider {
    suites: Cow<'static, [RingSuite]>,
}

impl Default for RingProvider {
    fn default() -> Self {
        Self::new()
    }
}

impl RingProvider {
    /// The provider of RFC 9420 suites 1, 2, 3 and 7.
    pub const fn new() -> Self {
        Self {
            suites: Cow::Borrowed(&suite::SUITES),
        }
    }

    /// A provider of every built-in suite this backend implements, the
    /// IANA-registered ones and those under provisional code points
    /// ([`CipherSuiteDefinition::PROVISIONAL`]), which [`Self::new`] leaves
    /// out.
    pub fn with_provisional_suites() -> Self {
        // The built-in code points are distinct: nothing to check.
        let suites = CipherSuiteDefinition::BUILT_IN
            .iter()
            .copied()
            .filter(RingSuite::implements)
            .map(RingSuite::new)
            .collect();
        Self {
            suites: Cow::Owned(suites),
        }
    }

    /// A provider of exactly `definitions`, for instance a suite under
    /// another code point
    /// ([`CipherSuiteDefinition::with_code_point`]). Fails on a code point
    /// given twice or on algorithms ring lacks ([`RingSuite::implements`]).
    pub fn with_suites(
        definitions: impl IntoIterator<Item = CipherSuiteDefinition>,
    ) -> Result<Self, Unsupported> {
        let definitions: Vec<_> = definitions.into_iter().collect();
        check_suite_definitions("ring", &definitions, RingSuite::implements)?;
        let suites = definitions.into_iter().map(RingSuite::new).collect();
        Ok(Self {
            suites: Cow::Owned(suites),
        })
    }
}

impl CryptoProvider for RingProvider {
    fn name(&self) -> &'static str {
        "ring"
    }

    fn supported_cipher_suites(&self) -> Vec<CipherSuite> {
        self.suites.iter().map(|s| s.cipher_suite()).collect()
    }

    fn suite(&self, suite: CipherSuite) -> Option<&dyn CipherSuiteProvider> {
        self.suites
            .iter()
            .find(|s| s.cipher_suite() == suite)
            .map(|s| s as &dyn CipherSuiteProvider)
    }
}
