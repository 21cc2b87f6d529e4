//! # mls-crypto-rustcrypto
//!
//! An MLS [`CryptoProvider`] built on the pure-Rust RustCrypto crates. It
//! implements all seven cipher suites of RFC 9420 §17.1:
//!
//! | suite | KEM | AEAD | hash | signature |
//! |---|---|---|---|---|
//! | 1 | X25519 (`x25519-dalek`) | AES-128-GCM | SHA-256 | Ed25519 (`ed25519-dalek`) |
//! | 2 | P-256 (`p256`) | AES-128-GCM | SHA-256 | ECDSA P-256 |
//! | 3 | X25519 | ChaCha20-Poly1305 | SHA-256 | Ed25519 |
//! | 4 | X448 (`x448`) | AES-256-GCM | SHA-512 | Ed448 (`ed448-goldilocks`) |
//! | 5 | P-521 (`p521`) | AES-256-GCM | SHA-512 | ECDSA P-521 |
//! | 6 | X448 | ChaCha20-Poly1305 | SHA-512 | Ed448 |
//! | 7 | P-384 (`p384`) | AES-256-GCM | SHA-384 | ECDSA P-384 |
//! | 0x004D, provisional | X-Wing draft-06 (`x-wing`) | ChaCha20-Poly1305 | SHA-256 | Ed25519 |
//! | 0x004E, provisional | X-Wing draft-06 | AES-256-GCM | SHA-384 | Ed25519 |
//! | 0x004F, provisional | X-Wing draft-06 | AES-128-GCM | SHA-256 | Ed25519 |
//! | 0x0042, provisional | ML-KEM-1024 (`ml-kem`) | AES-256-GCM | SHA-384 | ECDSA P-384 |
//! | 0x0050, provisional | ML-KEM-768 | AES-256-GCM | SHA-384 | ECDSA P-256 |
//! | 0xF042, provisional | ML-KEM-768 | AES-256-GCM | SHA-384 | Ed25519 |
//! | 0x0051, provisional | ML-KEM-768 | AES-256-GCM | SHA-384 | ML-DSA-65 (`ml-dsa`) |
//! | 0x0052, provisional | X-Wing draft-06 | ChaCha20-Poly1305 | SHA-384 | ML-DSA-44 |
//! | 0x0906, provisional | ML-KEM-1024 | AES-256-GCM | SHA-512 | ML-DSA-87 |
//! | 0x0907, provisional | ML-KEM-1024 | AES-256-GCM | SHA-384 | ML-DSA-87 |
//!
//! The last ten are not IANA-registered: they are OpenMLS 0.9's
//! post-quantum suites, offered only by
//! [`RustCryptoProvider::with_provisional_suites`].
//!
//! HPKE runs through `mls-crypto-hpke` over these primitives. ECDSA signing
//! is deterministic (RFC 6979), and so is ML-DSA's (FIPS 204's deterministic
//! variant, empty context).
//!
//! `x448` and `ed448-goldilocks` are pre-releases of the RustCrypto
//! `elliptic-curves` 0.14 series: the last stable releases predate the
//! `rand_core` 0.10 generation the rest of the stack uses.
//!
//! ## Example
//!
//! ```
//! use mls_core::{CipherSuite, crypto, provider::CryptoProvider};
//! use mls_crypto_rustcrypto::{RustCryptoProvider, SystemRand};
//!
//! let provider = RustCryptoProvider::new();
//! let suite = provider
//!     .cipher_suite(CipherSuite::MLS_256_DHKEMX448_AES256GCM_SHA512_Ed448)
//!     .unwrap();
//!
//! // Sign and verify with a label (RFC 9420 §5.1.2).
//! let (sk, pk) = crypto::generate_signature_key_pair(suite, &SystemRand).unwrap();
//! let signer = suite.signer(sk.as_bytes()).unwrap();
//! let sig = crypto::sign_with_label(signer.as_ref(), suite, "Example", b"content").unwrap();
//! crypto::verify_with_label(suite, &pk, "Example", b"content", &sig).unwrap();
//!
//! // Encrypt to an HPKE key with a label (§5.1.3).
//! let (hpke_sk, hpke_pk) = crypto::generate_hpke_key_pair(suite, &SystemRand).unwrap();
//! let ct = crypto::encrypt_with_label(suite, &hpke_pk, "Example", b"ctx", b"hi", &SystemRand)
//!     .unwrap();
//! let pt = crypto::decrypt_with_label(suite, &hpke_sk, "Example", b"ctx", &ct.kem_output, &ct.ciphertext)
//!     .unwrap();
//! assert_eq!(pt.as_bytes(), b"hi");
//! ```
#![forbid(unsafe_code)]

mod aead;
mod hash;
mod hpke;
mod kdf;
mod mlkem;
mod rand;
mod sign;
mod suite;
mod xwing;

pub use rand::SystemRand;
pub use sign::RustCryptoSigner;
pub use suite::RustCryptoSuite;

use mls_core::error::Unsupported;
use mls_core::provider::{CipherSuiteProvider, CryptoProvider, check_suite_definitions};
use mls_core::{CipherSuite, CipherSuiteDefinition};
use std::borrow::Cow;

static SUITES: [RustCryptoSuite; 7] = [
    RustCryptoSuite::new(CipherSuiteDefinition::RFC9420[0]),
    RustCryptoSuite::new(CipherSuiteDefinition::RFC9420[1]),
    RustCryptoSuite::new(CipherSuiteDefinition::RFC9420[2]),
    RustCryptoSuite::new(CipherSuiteDefinition::RFC9420[3]),
    RustCryptoSuite::new(CipherSuiteDefinition::RFC9420[4]),
    RustCryptoSuite::new(CipherSuiteDefinition::RFC9420[5]),
    RustCryptoSuite::new(CipherSuiteDefinition::RFC9420[6]),
];

/// The RustCrypto crypto provider: every RFC 9420 cipher suite, or the
/// suites of the definitions it was built with.
#[derive(Debug, Clone)]
pub struct RustCryptoProvider {
    suites: Cow<'static, [RustCryptoSuite]>,
}

impl Default for RustCryptoProvider {
    fn default() -> Self {
        Self::new()
    }
}

impl RustCryptoProvider {
    /// The provider of the seven RFC 9420 suites.
    pub const fn new() -> Self {
        Self {
            suites: Cow::Borrowed(&SUITES),
        }
    }

    /// A provider of every built-in suite this backend implements, the
    /// IANA-registered ones and those under provisional code points
    /// ([`CipherSuiteDefinition::PROVISIONAL`]), which [`Self::new`] leaves
    /// out.
    pub fn with_provisional_suites() -> Self {
        // The built-in code points are distinct and every algorithm is
        // implemented: nothing to check.
        let suites = CipherSuiteDefinition::BUILT_IN
            .iter()
            .copied()
            .map(RustCryptoSuite::new)
            .collect();
        Self {
            suites: Cow::Owned(suites),
        }
    }

    /// A provider of exactly `definitions`, for instance a suite under
    /// another code point
    /// ([`CipherSuiteDefinition::with_code_point`]). Fails on a code point
    /// given twice; every algorithm a definition can name is implemented.
    pub fn with_suites(
        definitions: impl IntoIterator<Item = CipherSuiteDefinition>,
    ) -> Result<Self, Unsupported> {
        let definitions: Vec<_> = definitions.into_iter().collect();
        check_suite_definitions("rustcrypto", &definitions, |_| true)?;
        let suites = definitions.into_iter().map(RustCryptoSuite::new).collect();
        Ok(Self {
            suites: Cow::Owned(suites),
        })
    }
}

impl CryptoProvider for RustCryptoProvider {
    fn name(&self) -> &'static str {
        "rustcrypto"
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
