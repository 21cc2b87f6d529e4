use hkdf::Hkdf;
use mls_core::{CryptoError, Kdf};
use sha2::{Sha256, Sha384, Sha512};
use zeroize::Zeroizing;

/// HKDF-Extract(salt, ikm).
pub(crate) fn extract(kdf: Kdf, salt: &[u8], ikm: &[u8]) -> Zeroizing<Vec<u8>> {
    Zeroizing::new(match kdf {
        Kdf::HkdfSha256 => Hkdf::<Sha256>::extract(Some(salt), ikm).0.to_vec(),
        Kdf::HkdfSha384 => Hkdf::<Sha384>::extract(Some(salt), ikm).0.to_vec(),
        Kdf::HkdfSha512 => Hkdf::<Sha512>::extract(Some(salt), ikm).0.to_vec(),
    })
}

/// HKDF-Expand(prk, info, len); `prk` is exactly Nh bytes (the rule every
/// backend follows, see `CipherSuiteProvider::kdf_expand`) and `len` at most
/// 255 * Nh.
pub(crate) fn expand(
    kdf: Kdf,
    prk: &[u8],
    info: &[u8],
    len: usize,
) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
    if prk.len() != crate::hash::output_len(kdf) {
        return Err(CryptoError::InvalidLength {
            what: "HKDF PRK",
            len: prk.len(),
        });
    }
    let mut okm = Zeroizing::new(vec![0u8; len]);
    let bad_prk = |_| CryptoError::InvalidLength {
        what: "HKDF PRK",
        len: prk.len(),
    };
    let bad_len = |_| CryptoError::InvalidLength {
        what: "HKDF-Expand output",
        len,
    };
    match kdf {
        Kdf::HkdfSha256 => Hkdf::<Sha256>::from_prk(prk)
            .map_err(bad_prk)?
            .expand(info, &mut okm)
            .map_err(bad_len)?,
        Kdf::HkdfSha384 => Hkdf::<Sha384>::from_prk(prk)
            .map_err(bad_prk)?
            .expand(info, &mut okm)
            .map_err(bad_len)?,
        Kdf::HkdfSha512 => Hkdf::<Sha512>::from_prk(prk)
            .map_err(bad_prk)?
            .expand(info, &mut okm)
            .map_err(bad_len)?,
    }
    Ok(okm)
}
