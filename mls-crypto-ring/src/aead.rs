//! AEAD seal and open with `ring::aead::LessSafeKey`.
//!
//! `LessSafeKey` (rather than ring's sealing/opening keys with a nonce
//! sequence) because MLS computes every nonce itself (RFC 9420 §9.1 XORs the
//! reuse guard into it; HPKE derives its own), so the caller owns nonce
//! uniqueness.

use mls_core::secret::Secret;
use mls_core::{Aead, CryptoError};
use ring::aead::{self, Aad, LessSafeKey, Nonce, UnboundKey};
use zeroize::Zeroizing;

/// The ring algorithm of an HPKE AEAD.
pub(crate) fn algorithm(aead: Aead) -> &'static aead::Algorithm {
    match aead {
        Aead::Aes128Gcm => &aead::AES_128_GCM,
        Aead::Aes256Gcm => &aead::AES_256_GCM,
        Aead::ChaCha20Poly1305 => &aead::CHACHA20_POLY1305,
    }
}

/// Builds the key and nonce after checking their lengths, so that a wrong
/// length is reported as such rather than as an opaque ring failure.
fn key_and_nonce(
    aead: Aead,
    key: &[u8],
    nonce: &[u8],
) -> Result<(LessSafeKey, Nonce), CryptoError> {
    let alg = algorithm(aead);
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
    let invalid_key = |_| CryptoError::InvalidLength {
        what: "AEAD key",
        len: key.len(),
    };
    let invalid_nonce = |_| CryptoError::InvalidLength {
        what: "AEAD nonce",
        len: nonce.len(),
    };
    let key = LessSafeKey::new(UnboundKey::new(alg, key).map_err(invalid_key)?);
    let nonce = Nonce::try_assume_unique_for_key(nonce).map_err(invalid_nonce)?;
    Ok((key, nonce))
}

/// Encrypts `plaintext`; the 16-byte tag is appended to the ciphertext.
pub(crate) fn seal(
    aead: Aead,
    key: &[u8],
    nonce: &[u8],
    aad: &[u8],
    plaintext: &[u8],
) -> Result<Vec<u8>, CryptoError> {
    let (key, nonce) = key_and_nonce(aead, key, nonce)?;
    let tag_len = algorithm(aead).tag_len();
    // Encrypted in place: the buffer holds plaintext until sealing succeeds,
    // so it is zeroized if sealing fails.
    let mut in_out = Zeroizing::new(Vec::with_capacity(plaintext.len().saturating_add(tag_len)));
    in_out.extend_from_slice(plaintext);
    key.seal_in_place_append_tag(nonce, Aad::from(aad), &mut *in_out)
        .map_err(|_| CryptoError::Backend("AEAD seal failed (input too long)".into()))?;
    Ok(std::mem::take(&mut *in_out))
}

/// Decrypts and authenticates ciphertext-with-tag;
/// [`CryptoError::AeadOpenFailed`] if the tag does not verify.
pub(crate) fn open(
    aead: Aead,
    key: &[u8],
    nonce: &[u8],
    aad: &[u8],
    ciphertext: &[u8],
) -> Result<Secret, CryptoError> {
    let (key, nonce) = key_and_nonce(aead, key, nonce)?;
    let mut in_out = Zeroizing::new(ciphertext.to_vec());
    let plaintext_len = key
        .open_in_place(nonce, Aad::from(aad), &mut in_out)
        .map_err(|_| CryptoError::AeadOpenFailed)?
        .len();
    in_out.truncate(plaintext_len);
    Ok(Secret::new(std::mem::take(&mut *in_out)))
}
