//! The suite's hash function and HMAC (RFC 9420 §5.1: `Hash` and `MAC`),
//! from `ring::digest` and `ring::hmac`.

use mls_core::{CryptoError, Kdf};
use ring::{digest, hmac};

/// The ring digest algorithm of an HPKE KDF (every MLS suite's hash is its
/// KDF's hash).
pub(crate) fn digest_algorithm(kdf: Kdf) -> &'static digest::Algorithm {
    match kdf {
        Kdf::HkdfSha256 => &digest::SHA256,
        Kdf::HkdfSha384 => &digest::SHA384,
        Kdf::HkdfSha512 => &digest::SHA512,
    }
}

/// The ring HMAC algorithm of an HPKE KDF.
pub(crate) fn hmac_algorithm(kdf: Kdf) -> hmac::Algorithm {
    match kdf {
        Kdf::HkdfSha256 => hmac::HMAC_SHA256,
        Kdf::HkdfSha384 => hmac::HMAC_SHA384,
        Kdf::HkdfSha512 => hmac::HMAC_SHA512,
    }
}

/// Nh: the output length of the KDF's hash, as ring reports it.
pub(crate) fn hash_len(kdf: Kdf) -> usize {
    digest_algorithm(kdf).output_len()
}

/// `Hash(data)`.
pub(crate) fn hash(kdf: Kdf, data: &[u8]) -> Result<Vec<u8>, CryptoError> {
    Ok(digest::digest(digest_algorithm(kdf), data)
        .as_ref()
        .to_vec())
}

/// `HMAC-Hash(key, data)`.
///
/// Returned as a plain vector because the trait does: MLS MACs
/// (membership tags, confirmation tags) are public values.
pub(crate) fn mac(kdf: Kdf, key: &[u8], data: &[u8]) -> Result<Vec<u8>, CryptoError> {
    let key = hmac::Key::new(hmac_algorithm(kdf), key);
    Ok(hmac::sign(&key, data).as_ref().to_vec())
}
