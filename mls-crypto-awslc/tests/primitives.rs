//! HKDF-Expand input lengths, on every offered suite. Everything else about
//! hash, HMAC, HKDF and AEAD is checked for every backend by the shared
//! conformance suite (`interop/tests/provider_conformance.rs`).

mod common;

use common::offered_suites;
use mls_core::CryptoError;

/// The PRK must be exactly Nh bytes (every MLS expand input is a KDF
/// output); a PRK longer than 64 bytes, on which aws-lc-rs would panic, is
/// refused like any other length. An empty output is allowed.
#[test]
fn hkdf_expand_length_limits() {
    for s in offered_suites() {
        let name = s.cipher_suite();
        let nh = s.hash_len();
        let prk = vec![7u8; nh + 1];
        for bad in [&prk[..nh - 1], &prk[..], &[7u8; 65][..], &[]] {
            assert_eq!(
                s.kdf_expand(bad, b"info", 16).unwrap_err(),
                CryptoError::InvalidLength {
                    what: "HKDF PRK",
                    len: bad.len()
                },
                "{name}: {}-byte PRK",
                bad.len()
            );
        }
        assert!(
            s.kdf_expand(&prk[..nh], b"", 0).unwrap().is_empty(),
            "{name}"
        );
    }
}
