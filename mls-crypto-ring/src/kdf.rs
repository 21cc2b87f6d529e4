//! HKDF (RFC 5869) with ring.
//!
//! ring's `hkdf::Prk` is opaque: ring never hands out the output of
//! HKDF-Extract, but MLS needs it as bytes (the key schedule stores and
//! derives from `joiner_secret`, `epoch_secret`, ...). Extract is therefore
//! computed from its definition, `PRK = HMAC-Hash(salt, IKM)` (RFC 5869
//! §2.2), with `ring::hmac`. An empty salt needs no special case: HMAC pads
//! its key with zeros to the block size, so an empty key and the "string of
//! HashLen zeros" RFC 5869 prescribes give the same PRK.
//!
//! Expand is ring's own, fed the PRK bytes through `Prk::new_less_safe`.

use crate::hash::{hash_len, hmac_algorithm};
use mls_core::secret::Secret;
use mls_core::{CryptoError, Kdf};
use ring::{hkdf, hmac};
use zeroize::Zeroizing;

/// The output length of one `Prk::expand` call, as ring's API wants it.
struct Len(usize);

impl hkdf::KeyType for Len {
    fn len(&self) -> usize {
        self.0
    }
}

fn hkdf_algorithm(kdf: Kdf) -> hkdf::Algorithm {
    match kdf {
        Kdf::HkdfSha256 => hkdf::HKDF_SHA256,
        Kdf::HkdfSha384 => hkdf::HKDF_SHA384,
        Kdf::HkdfSha512 => hkdf::HKDF_SHA512,
    }
}

/// `HKDF-Extract(salt, ikm)`.
pub(crate) fn extract(kdf: Kdf, salt: &[u8], ikm: &[u8]) -> Result<Secret, CryptoError> {
    let key = hmac::Key::new(hmac_algorithm(kdf), salt);
    Ok(Secret::from_slice(hmac::sign(&key, ikm).as_ref()))
}

/// `HKDF-Expand(prk, info, len)`; `prk` is exactly Nh bytes (the rule every
/// backend follows, see `CipherSuiteProvider::kdf_expand`) and `len` at most
/// `255 * Nh` (RFC 5869 §2.3).
pub(crate) fn expand(kdf: Kdf, prk: &[u8], info: &[u8], len: usize) -> Result<Secret, CryptoError> {
    if prk.len() != hash_len(kdf) {
        return Err(CryptoError::InvalidLength {
            what: "HKDF PRK",
            len: prk.len(),
        });
    }
    let too_long = CryptoError::InvalidLength {
        what: "HKDF-Expand output",
        len,
    };
    if len > hash_len(kdf).saturating_mul(255) {
        return Err(too_long);
    }
    let prk = hkdf::Prk::new_less_safe(hkdf_algorithm(kdf), prk);
    let info = [info];
    let okm = prk.expand(&info, Len(len)).map_err(|_| too_long.clone())?;
    let mut out = Zeroizing::new(vec![0u8; len]);
    okm.fill(&mut out).map_err(|_| too_long)?;
    // Move the buffer into the `Secret` rather than copying it.
    Ok(Secret::new(std::mem::take(&mut *out)))
}
