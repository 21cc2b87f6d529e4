//! ML-KEM-768 and ML-KEM-1024 (FIPS 203) on RustCrypto's `ml-kem`. The
//! private key is the 64-byte seed `d || z` (FIPS 203 §6.1 `KeyGen_internal`
//! takes it); `mls-crypto-hpke` checks every length before these run.

use ml_kem::Seed;
use ml_kem::kem::{Decapsulate, KeyExport, TryKeyInit};
use mls_core::{CryptoError, Kem};
use zeroize::Zeroizing;

fn seed(private_key: &[u8]) -> Result<Zeroizing<Seed>, CryptoError> {
    Ok(Zeroizing::new(
        Seed::try_from(private_key).map_err(|_| CryptoError::InvalidPrivateKey("ML-KEM"))?,
    ))
}

fn message(m: &[u8]) -> Result<Zeroizing<ml_kem::B32>, CryptoError> {
    Ok(Zeroizing::new(ml_kem::B32::try_from(m).map_err(|_| {
        CryptoError::Rand("ML-KEM needs 32 bytes of randomness".into())
    })?))
}

/// The three operations for one parameter set's module of `ml-kem`.
macro_rules! parameter_set {
    ($name:ident, $module:ident) => {
        mod $name {
            use super::*;
            use ml_kem::$module::{Ciphertext, DecapsulationKey, EncapsulationKey};

            pub(super) fn public_key(private_key: &[u8]) -> Result<Vec<u8>, CryptoError> {
                let dk = DecapsulationKey::from_seed(*seed(private_key)?);
                Ok(dk.encapsulation_key().to_bytes().to_vec())
            }

            /// `new_from_slice` is FIPS 203 §7.2's input check (every
            /// coefficient of the key below q).
            pub(super) fn encap(
                public_key: &[u8],
                m: &[u8],
            ) -> Result<(Vec<u8>, Vec<u8>), CryptoError> {
                let ek = EncapsulationKey::new_from_slice(public_key)
                    .map_err(|_| CryptoError::InvalidPublicKey("ML-KEM"))?;
                let m = message(m)?;
                let (ct, ss) = ek.encapsulate_deterministic(&m);
                Ok((ss.to_vec(), ct.to_vec()))
            }

            /// Decapsulation does not fail on a ciphertext of the right
            /// size (implicit rejection, FIPS 203 §6.3).
            pub(super) fn decap(enc: &[u8], private_key: &[u8]) -> Result<Vec<u8>, CryptoError> {
                let ct = Ciphertext::try_from(enc)
                    .map_err(|_| CryptoError::InvalidPublicKey("ML-KEM ciphertext"))?;
                let dk = DecapsulationKey::from_seed(*seed(private_key)?);
                Ok(dk.decapsulate(&ct).to_vec())
            }
        }
    };
}

parameter_set!(p768, ml_kem_768);
parameter_set!(p1024, ml_kem_1024);

fn not_ml_kem(kem: Kem) -> CryptoError {
    CryptoError::UnsupportedAlgorithm(mls_crypto_hpke::unsupported_kem(kem))
}

/// The encapsulation key of the seed `private_key`.
pub(crate) fn public_key(kem: Kem, private_key: &[u8]) -> Result<Vec<u8>, CryptoError> {
    match kem {
        Kem::MlKem768 => p768::public_key(private_key),
        Kem::MlKem1024 => p1024::public_key(private_key),
        other => Err(not_ml_kem(other)),
    }
}

/// `Encaps` with the message `m` (32 bytes): (shared secret, ciphertext).
pub(crate) fn encap(
    kem: Kem,
    public_key: &[u8],
    m: &[u8],
) -> Result<(Vec<u8>, Vec<u8>), CryptoError> {
    match kem {
        Kem::MlKem768 => p768::encap(public_key, m),
        Kem::MlKem1024 => p1024::encap(public_key, m),
        other => Err(not_ml_kem(other)),
    }
}

/// `Decaps`.
pub(crate) fn decap(kem: Kem, enc: &[u8], private_key: &[u8]) -> Result<Vec<u8>, CryptoError> {
    match kem {
        Kem::MlKem768 => p768::decap(enc, private_key),
        Kem::MlKem1024 => p1024::decap(enc, private_key),
        other => Err(not_ml_kem(other)),
    }
}

#[cfg(test)]
mod tests;
