//! HKDF (RFC 5869) with the suite's hash: `KDF.Extract` and `KDF.Expand`
//! of RFC 9420 §5.1.

use crate::hash::HashAlgorithm;
use aws_lc_rs::{hkdf, hmac};
use mls_core::CryptoError;
use mls_core::secret::Secret;
use zeroize::Zeroizing;

/// HKDF-Extract: `PRK = HMAC(salt, IKM)` (RFC 5869 §2.2).
///
/// Computed as an HMAC because aws-lc-rs' `hkdf::Prk` keeps the PRK opaque,
/// while MLS stores and re-expands it. An empty salt needs no special case:
/// HMAC pads its key with zeros to the block size, so an empty key and
/// RFC 5869's default of `HashLen` zero bytes give the same PRK.
pub(crate) fn extract(alg: &HashAlgorithm, salt: &[u8], ikm: &[u8]) -> Secret {
    let tag = hmac::sign(&hmac::Key::new(alg.hmac, salt), ikm);
    Secret::from_slice(tag.as_ref())
}

/// An HKDF output length for aws-lc-rs' `Prk::expand`.
struct OkmLen(usize);

impl hkdf::KeyType for OkmLen {
    fn len(&self) -> usize {
        self.0
    }
}

/// HKDF-Expand to `len` bytes (RFC 5869 §2.3).
///
/// Rejects, with [`CryptoError::InvalidLength`], checked in this order:
/// * a PRK that is not exactly `HashLen` bytes (`what: "HKDF PRK"`). RFC 5869
///   §2.3 asks for "at least HashLen octets", but every expand input in MLS
///   and HPKE is a KDF output, so all backends accept exactly `HashLen` and
///   nothing else. This also keeps PRKs longer than 64 bytes, on which
///   aws-lc-rs would panic, away from it;
/// * `len > 255 * HashLen`, the most RFC 5869 can produce
///   (`what: "HKDF-Expand output"`).
pub(crate) fn expand(
    alg: &HashAlgorithm,
    prk: &[u8],
    info: &[u8],
    len: usize,
) -> Result<Secret, CryptoError> {
    let hash_len = alg.digest.output_len();
    if prk.len() != hash_len {
        return Err(CryptoError::InvalidLength {
            what: "HKDF PRK",
            len: prk.len(),
        });
    }
    if len > hash_len.saturating_mul(255) {
        return Err(CryptoError::InvalidLength {
            what: "HKDF-Expand output",
            len,
        });
    }
    let prk = hkdf::Prk::new_less_safe(alg.hkdf, prk);
    let info = [info];
    let okm = prk
        .expand(&info, OkmLen(len))
        .map_err(|_| CryptoError::InvalidLength {
            what: "HKDF-Expand output",
            len,
        })?;
    let mut out = Zeroizing::new(vec![0u8; len]);
    okm.fill(&mut out)
        .map_err(|_| CryptoError::Backend("aws-lc HKDF-Expand failed".into()))?;
    Ok(Secret::new(std::mem::take(&mut *out)))
}
