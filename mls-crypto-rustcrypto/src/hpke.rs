use crate::{aead, kdf, mlkem, xwing};
use mls_core::{Aead, CryptoError, Kdf, Kem};
use mls_crypto_hpke::HpkePrimitives;
use p256::elliptic_curve::sec1::ToSec1Point;
use zeroize::Zeroizing;

/// The static Diffie-Hellman, HKDF and AEAD that `mls-crypto-hpke` runs HPKE on.
pub(crate) struct RustCryptoHpke;

fn array<const N: usize>(
    bytes: &[u8],
    err: CryptoError,
) -> Result<Zeroizing<[u8; N]>, CryptoError> {
    let arr: [u8; N] = bytes.try_into().map_err(|_| err)?;
    Ok(Zeroizing::new(arr))
}

/// RFC 9180 §7.1.1: NIST public keys are uncompressed SEC1 points of Npk
/// bytes. The SEC1 parser alone would also take compressed points.
fn check_uncompressed(kem: Kem, public_key: &[u8]) -> Result<(), CryptoError> {
    if public_key.len() == kem.public_key_len() && public_key.first() == Some(&0x04) {
        Ok(())
    } else {
        Err(CryptoError::InvalidPublicKey(
            "HPKE (not an uncompressed point)",
        ))
    }
}

macro_rules! nist_dh {
    ($curve:ident, $pk:expr, $sk:expr) => {{
        let sk = $curve::SecretKey::from_slice($sk)
            .map_err(|_| CryptoError::InvalidPrivateKey(stringify!($curve)))?;
        let pk = $curve::PublicKey::from_sec1_bytes($pk)
            .map_err(|_| CryptoError::InvalidPublicKey(stringify!($curve)))?;
        let shared =
            $curve::elliptic_curve::ecdh::diffie_hellman(sk.to_nonzero_scalar(), pk.as_affine());
        Ok(shared.raw_secret_bytes().to_vec())
    }};
}

macro_rules! nist_public {
    ($curve:ident, $sk:expr) => {{
        let sk = $curve::SecretKey::from_slice($sk)
            .map_err(|_| CryptoError::InvalidPrivateKey(stringify!($curve)))?;
        Ok(sk.public_key().to_sec1_point(false).as_bytes().to_vec())
    }};
}

impl HpkePrimitives for RustCryptoHpke {
    const NAME: &'static str = "rustcrypto";

    fn supports_kem(_: Kem) -> bool {
        true
    }

    fn dh(kem: Kem, public_key: &[u8], private_key: &[u8]) -> Result<Vec<u8>, CryptoError> {
        match kem {
            Kem::DhKemX25519 => {
                let sk = array::<32>(private_key, CryptoError::InvalidPrivateKey("X25519"))?;
                let pk: [u8; 32] = public_key
                    .try_into()
                    .map_err(|_| CryptoError::InvalidPublicKey("X25519"))?;
                let secret = x25519_dalek::StaticSecret::from(*sk);
                let shared = secret.diffie_hellman(&x25519_dalek::PublicKey::from(pk));
                // RFC 9180 §7.1.4: an all-zero result means a low-order point.
                if !shared.was_contributory() {
                    return Err(CryptoError::InvalidPublicKey("X25519"));
                }
                Ok(shared.as_bytes().to_vec())
            }
            Kem::DhKemX448 => {
                let sk = array::<56>(private_key, CryptoError::InvalidPrivateKey("X448"))?;
                // `from_bytes` rejects low-order points, so the result is never all-zero.
                let pk = x448::PublicKey::from_bytes(public_key)
                    .ok_or(CryptoError::InvalidPublicKey("X448"))?;
                let secret = x448::StaticSecret::from(*sk);
                Ok(secret.diffie_hellman(&pk).as_bytes().to_vec())
            }
            Kem::DhKemP256 => {
                check_uncompressed(kem, public_key)?;
                nist_dh!(p256, public_key, private_key)
            }
            Kem::DhKemP384 => {
                check_uncompressed(kem, public_key)?;
                nist_dh!(p384, public_key, private_key)
            }
            Kem::DhKemP521 => {
                check_uncompressed(kem, public_key)?;
                nist_dh!(p521, public_key, private_key)
            }
            Kem::XWingDraft06 | Kem::MlKem768 | Kem::MlKem1024 => Err(
                CryptoError::UnsupportedAlgorithm("Diffie-Hellman of a KEM that is not a DHKEM"),
            ),
        }
    }

    fn public_key(kem: Kem, private_key: &[u8]) -> Result<Vec<u8>, CryptoError> {
        match kem {
            Kem::DhKemX25519 => {
                let sk = array::<32>(private_key, CryptoError::InvalidPrivateKey("X25519"))?;
                let secret = x25519_dalek::StaticSecret::from(*sk);
                Ok(x25519_dalek::PublicKey::from(&secret).as_bytes().to_vec())
            }
            Kem::DhKemX448 => {
                let sk = array::<56>(private_key, CryptoError::InvalidPrivateKey("X448"))?;
                let secret = x448::StaticSecret::from(*sk);
                Ok(x448::PublicKey::from(&secret).as_bytes().to_vec())
            }
            Kem::DhKemP256 => nist_public!(p256, private_key),
            Kem::DhKemP384 => nist_public!(p384, private_key),
            Kem::DhKemP521 => nist_public!(p521, private_key),
            Kem::XWingDraft06 => xwing::public_key(private_key),
            Kem::MlKem768 | Kem::MlKem1024 => mlkem::public_key(kem, private_key),
        }
    }

    fn validate_private_key(kem: Kem, private_key: &[u8]) -> Result<(), CryptoError> {
        let ok = match kem {
            Kem::DhKemX25519 => private_key.len() == 32,
            Kem::DhKemX448 => private_key.len() == 56,
            Kem::DhKemP256 => p256::SecretKey::from_slice(private_key).is_ok(),
            Kem::DhKemP384 => p384::SecretKey::from_slice(private_key).is_ok(),
            Kem::DhKemP521 => p521::SecretKey::from_slice(private_key).is_ok(),
            Kem::XWingDraft06 | Kem::MlKem768 | Kem::MlKem1024 => {
                private_key.len() == kem.private_key_len()
            }
        };
        if ok {
            Ok(())
        } else {
            Err(CryptoError::InvalidPrivateKey("HPKE"))
        }
    }

    fn kem_encap_derand(
        kem: Kem,
        public_key: &[u8],
        randomness: &[u8],
    ) -> Result<(Vec<u8>, Vec<u8>), CryptoError> {
        match kem {
            Kem::XWingDraft06 => xwing::encap(public_key, randomness),
            Kem::MlKem768 | Kem::MlKem1024 => mlkem::encap(kem, public_key, randomness),
            dh => Err(CryptoError::UnsupportedAlgorithm(
                mls_crypto_hpke::unsupported_kem(dh),
            )),
        }
    }

    fn kem_decap(kem: Kem, enc: &[u8], private_key: &[u8]) -> Result<Vec<u8>, CryptoError> {
        match kem {
            Kem::XWingDraft06 => xwing::decap(enc, private_key),
            Kem::MlKem768 | Kem::MlKem1024 => mlkem::decap(kem, enc, private_key),
            dh => Err(CryptoError::UnsupportedAlgorithm(
                mls_crypto_hpke::unsupported_kem(dh),
            )),
        }
    }

    fn shake256(data: &[u8], len: usize) -> Result<Vec<u8>, CryptoError> {
        Ok(xwing::shake256(data, len))
    }

    fn kdf_extract(kdf: Kdf, salt: &[u8], ikm: &[u8]) -> Result<Vec<u8>, CryptoError> {
        Ok(kdf::extract(kdf, salt, ikm).to_vec())
    }

    fn kdf_expand(kdf: Kdf, prk: &[u8], info: &[u8], len: usize) -> Result<Vec<u8>, CryptoError> {
        Ok(kdf::expand(kdf, prk, info, len)?.to_vec())
    }

    fn aead_seal(
        aead: Aead,
        key: &[u8],
        nonce: &[u8],
        aad: &[u8],
        plaintext: &[u8],
    ) -> Result<Vec<u8>, CryptoError> {
        aead::seal(aead, key, nonce, aad, plaintext)
    }

    fn aead_open(
        aead: Aead,
        key: &[u8],
        nonce: &[u8],
        aad: &[u8],
        ciphertext: &[u8],
    ) -> Result<Vec<u8>, CryptoError> {
        aead::open(aead, key, nonce, aad, ciphertext)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Our DHKEM and key schedule give `hpke-rs`' bytes on every suite.
    #[test]
    fn hpke_matches_hpke_rs() {
        mls_crypto_hpke::reference::check_against_hpke_rs::<RustCryptoHpke>(
            &mls_core::CipherSuiteDefinition::RFC9420,
        )
        .unwrap_or_else(|e| panic!("{e}"));
    }
}
