use hmac::{Hmac, KeyInit, Mac};
use mls_core::{CryptoError, Kdf};
use sha2::{Digest, Sha256, Sha384, Sha512};

/// The suite's hash of `data`.
pub(crate) fn hash(kdf: Kdf, data: &[u8]) -> Vec<u8> {
    match kdf {
        Kdf::HkdfSha256 => Sha256::digest(data).to_vec(),
        Kdf::HkdfSha384 => Sha384::digest(data).to_vec(),
        Kdf::HkdfSha512 => Sha512::digest(data).to_vec(),
    }
}

fn hmac<M: Mac + KeyInit>(key: &[u8], data: &[u8]) -> Result<Vec<u8>, CryptoError> {
    let mut mac = <M as KeyInit>::new_from_slice(key).map_err(|_| CryptoError::InvalidLength {
        what: "HMAC key",
        len: key.len(),
    })?;
    mac.update(data);
    Ok(mac.finalize().into_bytes().to_vec())
}

/// HMAC with the suite's hash.
pub(crate) fn mac(kdf: Kdf, key: &[u8], data: &[u8]) -> Result<Vec<u8>, CryptoError> {
    match kdf {
        Kdf::HkdfSha256 => hmac::<Hmac<Sha256>>(key, data),
        Kdf::HkdfSha384 => hmac::<Hmac<Sha384>>(key, data),
        Kdf::HkdfSha512 => hmac::<Hmac<Sha512>>(key, data),
    }
}

/// Nh of the suite's hash, from the hash implementation itself.
pub(crate) fn output_len(kdf: Kdf) -> usize {
    match kdf {
        Kdf::HkdfSha256 => <Sha256 as Digest>::output_size(),
        Kdf::HkdfSha384 => <Sha384 as Digest>::output_size(),
        Kdf::HkdfSha512 => <Sha512 as Digest>::output_size(),
    }
}
