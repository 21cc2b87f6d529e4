use aes_gcm::aead::{Aead as _, KeyInit, Payload};
use aes_gcm::{Aes128Gcm, Aes256Gcm};
use chacha20poly1305::ChaCha20Poly1305;
use mls_core::{Aead, CryptoError};

fn cipher<C: KeyInit>(key: &[u8]) -> Result<C, CryptoError> {
    C::new_from_slice(key).map_err(|_| CryptoError::InvalidLength {
        what: "AEAD key",
        len: key.len(),
    })
}

fn check_nonce(nonce: &[u8]) -> Result<(), CryptoError> {
    if nonce.len() == 12 {
        Ok(())
    } else {
        Err(CryptoError::InvalidLength {
            what: "AEAD nonce",
            len: nonce.len(),
        })
    }
}

macro_rules! with_cipher {
    ($aead:expr, $key:expr, |$c:ident| $body:expr) => {
        match $aead {
            Aead::Aes128Gcm => {
                let $c = cipher::<Aes128Gcm>($key)?;
                $body
            }
            Aead::Aes256Gcm => {
                let $c = cipher::<Aes256Gcm>($key)?;
                $body
            }
            Aead::ChaCha20Poly1305 => {
                let $c = cipher::<ChaCha20Poly1305>($key)?;
                $body
            }
        }
    };
}

/// AEAD encryption with the tag appended.
pub(crate) fn seal(
    aead: Aead,
    key: &[u8],
    nonce: &[u8],
    aad: &[u8],
    plaintext: &[u8],
) -> Result<Vec<u8>, CryptoError> {
    check_nonce(nonce)?;
    let payload = Payload {
        msg: plaintext,
        aad,
    };
    with_cipher!(aead, key, |c| c
        .encrypt(
            nonce.try_into().map_err(|_| CryptoError::InvalidLength {
                what: "AEAD nonce",
                len: nonce.len()
            })?,
            payload
        )
        .map_err(|_| CryptoError::Backend("AEAD encryption failed".into())))
}

/// AEAD decryption of ciphertext with its tag.
pub(crate) fn open(
    aead: Aead,
    key: &[u8],
    nonce: &[u8],
    aad: &[u8],
    ciphertext: &[u8],
) -> Result<Vec<u8>, CryptoError> {
    check_nonce(nonce)?;
    let payload = Payload {
        msg: ciphertext,
        aad,
    };
    with_cipher!(aead, key, |c| c
        .decrypt(
            nonce.try_into().map_err(|_| CryptoError::InvalidLength {
                what: "AEAD nonce",
                len: nonce.len()
            })?,
            payload
        )
        .map_err(|_| CryptoError::AeadOpenFailed))
}
