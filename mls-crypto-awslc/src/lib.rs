//! # mls-crypto-awslc
//!
//! An MLS (RFC 9420) crypto provider on [aws-lc-rs], with an optional FIPS
//! mode on the AWS-LC FIPS module.
//!
//! ## Cipher suites
//!
//! | code | suite | default | `fips` |
//! |---|---|---|---|
//! | 0x0001 | `MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519` | yes | no |
//! | 0x0002 | `MLS_128_DHKEMP256_AES128GCM_SHA256_P256` | yes | yes |
//! | 0x0003 | `MLS_128_DHKEMX25519_CHACHA20POLY1305_SHA256_Ed25519` | yes | no |
//! | 0x0004 | `MLS_256_DHKEMX448_AES256GCM_SHA512_Ed448` | no | no |
//! | 0x0005 | `MLS_256_DHKEMP521_AES256GCM_SHA512_P521` | yes | yes |
//! | 0x0006 | `MLS_256_DHKEMX448_CHACHA20POLY1305_SHA512_Ed448` | no | no |
//! | 0x0007 | `MLS_256_DHKEMP384_AES256GCM_SHA384_P384` | yes | yes |
//!
//! aws-lc-rs has no X448 or Ed448, so suites 4 and 6 are not offered; use
//! `mls-crypto-rustcrypto` for them.
//!
//! The modules have the same names and jobs as in the other backends:
//! `hash` (hash, HMAC), `kdf` (HKDF), `aead`, `hpke` (the primitives
//! `mls-crypto-hpke` drives), `sign` (Ed25519, ECDSA, [`AwsLcSigner`]) and
//! `rand` ([`SystemRand`]).
//!
//! ## FIPS
//!
//! With the `fips` feature, aws-lc-rs is built on `aws-lc-fips-sys`, the
//! AWS-LC FIPS module, and [`AwsLcProvider`] offers only the suites whose
//! every algorithm is FIPS-approved: 2, 5 and 7. X25519 is not an approved
//! key agreement (SP 800-56A covers the NIST curves), ChaCha20-Poly1305 is not
//! an approved AEAD, and aws-lc-rs documents its Ed25519 signing as not for
//! FIPS use, so suites 1 and 3 are left out.
//! [`CryptoProvider::fips_mode`] returns `true` when the linked AWS-LC reports
//! that it runs in FIPS mode (`aws_lc_rs::try_fips_mode()`), and is always
//! `false` without the feature.
//!
//! Two things the MLS protocol itself requires fall outside the module's
//! *approved services* as AWS-LC's service indicator counts them, although
//! the algorithms are approved: AES-GCM encryption with a nonce chosen by
//! the caller (MLS derives nonces from its secret tree, RFC 9420 §9, and HPKE
//! from its key schedule, RFC 9180 §5.2), and HKDF-Expand of a PRK computed
//! outside the module's HKDF (MLS keeps PRKs as bytes). A deployment that
//! needs every call to be an approved service should review both.
//!
//! Building the FIPS module needs a C toolchain, CMake, Go and Perl; on
//! Debian or Ubuntu:
//!
//! ```text
//! apt-get install -y cmake golang-go perl
//! cargo test -p mls-crypto-awslc --features fips
//! ```
//!
//! (`.ci/install-fips-tools` in the workspace installs whatever is missing.)
//!
//! ## Example
//!
//! Sign and verify a labeled message, then an HPKE round trip:
//!
//! ```rust
//! use mls_core::provider::CryptoProvider;
//! use mls_core::{CipherSuite, crypto};
//! use mls_crypto_awslc::{AwsLcProvider, SystemRand};
//!
//! let provider = AwsLcProvider::new();
//! let rand = SystemRand::new();
//! // Suite 2 is offered with and without the `fips` feature.
//! let suite = provider.cipher_suite(CipherSuite::MLS_128_DHKEMP256_AES128GCM_SHA256_P256)?;
//!
//! let (private_key, public_key) = crypto::generate_signature_key_pair(suite, &rand)?;
//! let signer = suite.signer(private_key.as_bytes())?;
//! let signature = crypto::sign_with_label(signer.as_ref(), suite, "Example", b"content")?;
//! crypto::verify_with_label(suite, &public_key, "Example", b"content", &signature)?;
//!
//! let (hpke_private, hpke_public) = crypto::generate_hpke_key_pair(suite, &rand)?;
//! let sealed =
//!     crypto::encrypt_with_label(suite, &hpke_public, "Example", b"context", b"secret", &rand)?;
//! let opened = crypto::decrypt_with_label(
//!     suite,
//!     &hpke_private,
//!     "Example",
//!     b"context",
//!     &sealed.kem_output,
//!     &sealed.ciphertext,
//! )?;
//! assert_eq!(opened.as_bytes(), b"secret");
//! # Ok::<(), mls_core::Error>(())
//! ```
//!
//! [aws-lc-rs]: https://github.com/aws/aws-lc-rs
#![forbid(unsafe_code)]
#![cfg_attr(
    not(test),
    warn(clippy::indexing_slicing, clippy::arithmetic_side_effects)
)]

mod aead;
mod hash;
mod hpke;
mod kdf;
mod rand;
mod sign;
mod suite;

pub use rand::SystemRand;
pub use sign::AwsLcSigner;
pub use suite::AwsLcSuite;

use mls_core::CipherSuite;
use mls_core::provider::{CipherSuiteProvider, CryptoProvider};

/// Whether a build with the `fips` feature offers `suite`: aws-lc-rs
/// implements it and every one of its algorithms is FIPS-approved (suites 2,
/// 5 and 7). The answer is the same in every build, so a default build can
/// tell which suites a FIPS build would offer.
pub fn fips_approved(suite: CipherSuite) -> bool {
    suite::SUITES
        .iter()
        .any(|s| s.cipher_suite() == suite && s.fips_approved())
}

/// The aws-lc-rs crypto provider: suites 1, 2, 3, 5 and 7, or only 2, 5 and
/// 7 with the `fips` feature.
#[derive(Debug, Default, Clone, Copy)]
pub struct AwsLcProvider {
    _private: (),
}

impl AwsLcProvider {
    /// The provider. It holds no state; every suite object is static.
    pub const fn new() -> Self {
        Self { _private: () }
    }
}

impl CryptoProvider for AwsLcProvider {
    fn name(&self) -> &'static str {
        "aws-lc"
    }

    fn supported_cipher_suites(&self) -> Vec<CipherSuite> {
        AwsLcSuite::all().map(|s| s.cipher_suite()).collect()
    }

    fn suite(&self, suite: CipherSuite) -> Option<&dyn CipherSuiteProvider> {
        AwsLcSuite::get(suite).map(|s| s as &dyn CipherSuiteProvider)
    }

    fn fips_mode(&self) -> bool {
        #[cfg(feature = "fips")]
        {
            aws_lc_rs::try_fips_mode().is_ok()
        }
        #[cfg(not(feature = "fips"))]
        {
            false
        }
    }
}
