//! The suite's AEAD (RFC 9420 §5.1): AES-128-GCM, AES-256-GCM,
//! ChaCha20-Poly1305, with the tag appended to the ciphertext.

use aws_lc_rs::aead::{self, Aad, LessSafeKey, Nonce, UnboundKey};
use mls_core::{Aead, CryptoError};
use zeroize::Zeroizing;

/// The aws-lc-rs algorithm of an HPKE AEAD id.
pub(crate) fn for_aead(aead: Aead) -> &'static aead::Algorithm {
    match aead {
        Aead::Aes128Gcm => &aead::AES_128_GCM,
        Aead::Aes256Gcm => &aead::AES_256_GCM,
        Aead::ChaCha20Poly1305 => &aead::CHACHA20_POLY1305,
    }
}

/// Whether the AEAD is FIPS-approved: AES-GCM (SP 800-38D) is,
/// ChaCha20-Poly1305 is not.
pub(crate) fn fips_approved(alg: &aead::Algorithm) -> bool {
    *alg == aead::AES_128_GCM || *alg == aead::AES_256_GCM
}

/// Checks the key and nonce lengths, then binds the key. Lengths are checked
/// here so the error names what was wrong rather than aws-lc's `Unspecified`.
fn key_and_nonce(
    alg: &'static aead::Algorithm,
    key: &[u8],
    nonce: &[u8],
) -> Result<(LessSafeKey, Nonce), CryptoError> {
    if key.len() != alg.key_len() {
        return Err(CryptoError::InvalidLength {
            what: "AEAD key",
            len: key.len(),
        });
    }
    if nonce.len() != alg.nonce_len() {
        return Err(CryptoError::InvalidLength {
            what: "AEAD nonce",
            len: nonce.len(),
        });
    }
    let key = UnboundKey::new(alg, key)
        .map_err(|_| CryptoError::Backend("aws-lc rejected an AEAD key".into()))?;
    let nonce = Nonce::try_assume_unique_for_key(nonce)
        .map_err(|_| CryptoError::Backend("aws-lc rejected an AEAD nonce".into()))?;
    Ok((LessSafeKey::new(key), nonce))
}

/// AEAD encryption; returns ciphertext with the tag appended.
///
/// The nonce comes from the caller, as MLS requires (RFC 9420 §6.3.1, §9;
/// RFC 9180 §5.2). Under the FIPS module, AES-GCM encryption with an
/// externally chosen nonce is outside the module's approved GCM services
/// (SP 800-38D §8.2 wants the IV built inside the module); see the crate
/// docs.
pub(crate) fn seal(
    alg: &'static aead::Algorithm,
    key: &[u8],
    nonce: &[u8],
    aad: &[u8],
    plaintext: &[u8],
) -> Result<Vec<u8>, CryptoError> {
    let (key, nonce) = key_and_nonce(alg, key, nonce)?;
    // Zeroizing: if sealing fails, the buffer still holds the plaintext.
    let mut in_out = Zeroizing::new(Vec::with_capacity(
        plaintext.len().saturating_add(alg.tag_len()),
    ));
    in_out.extend_from_slice(plaintext);
    key.seal_in_place_append_tag(nonce, Aad::from(aad), &mut *in_out)
        .map_err(|_| CryptoError::Backend("aws-lc AEAD seal failed".into()))?;
    Ok(std::mem::take(&mut *in_out))
}

/// AEAD decryption of ciphertext-with-tag. Any failure to authenticate,
/// including a ciphertext shorter than the tag, is
/// [`CryptoError::AeadOpenFailed`].
pub(crate) fn open(
    alg: &'static aead::Algorithm,
    key: &[u8],
    nonce: &[u8],
    aad: &[u8],
    ciphertext: &[u8],
) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
    let (key, nonce) = key_and_nonce(alg, key, nonce)?;
    if ciphertext.len() < alg.tag_len() {
        return Err(CryptoError::AeadOpenFailed);
    }
    let mut in_out = Zeroizing::new(ciphertext.to_vec());
    let plaintext_len = key
        .open_in_place(nonce, Aad::from(aad), &mut in_out)
        .map_err(|_| CryptoError::AeadOpenFailed)?
        .len();
    in_out.truncate(plaintext_len);
    Ok(in_out)
}
