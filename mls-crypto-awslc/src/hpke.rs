//! The primitives HPKE (RFC 9180) needs, for `mls-crypto-hpke` to drive.
//!
//! Static Diffie-Hellman for DHKEM(X25519), DHKEM(P-256), DHKEM(P-384) and
//! DHKEM(P-521) through aws-lc-rs' `agreement::PrivateKey`; aws-lc-rs has no
//! X448, so DHKEM(X448) is reported unsupported. KDF and AEAD delegate to
//! [`crate::kdf`] and [`crate::aead`].

use crate::{aead, hash, kdf};
use aws_lc_rs::agreement::{self, PrivateKey, UnparsedPublicKey};
use mls_core::{Aead, CryptoError, Kdf, Kem};
use mls_crypto_hpke::HpkePrimitives;
use zeroize::Zeroizing;

/// HPKE primitives over aws-lc-rs.
#[derive(Debug)]
pub(crate) struct AwsLcHpke;

/// The aws-lc-rs curve of a DHKEM, or `None` for DHKEM(X448) and the KEMs
/// that are not DHKEMs.
pub(crate) fn agreement_algorithm(kem: Kem) -> Option<&'static agreement::Algorithm> {
    match kem {
        Kem::DhKemP256 => Some(&agreement::ECDH_P256),
        Kem::DhKemP384 => Some(&agreement::ECDH_P384),
        Kem::DhKemP521 => Some(&agreement::ECDH_P521),
        Kem::DhKemX25519 => Some(&agreement::X25519),
        Kem::DhKemX448 | Kem::XWingDraft06 | Kem::MlKem768 | Kem::MlKem1024 => None,
    }
}

/// Whether the curve is FIPS-approved for key agreement: the NIST curves
/// are (SP 800-56A rev. 3), X25519 is not.
pub(crate) fn fips_approved(alg: &agreement::Algorithm) -> bool {
    *alg == agreement::ECDH_P256 || *alg == agreement::ECDH_P384 || *alg == agreement::ECDH_P521
}

fn algorithm(kem: Kem) -> Result<&'static agreement::Algorithm, CryptoError> {
    agreement_algorithm(kem).ok_or(CryptoError::UnsupportedAlgorithm(
        mls_crypto_hpke::unsupported_kem(kem),
    ))
}

/// Parses `SerializePrivateKey` output (RFC 9180 §7.1.2): exactly Nsk bytes
/// (the hpke glue left-pads short NIST scalars first). For the NIST curves
/// aws-lc rejects zero and scalars not below the group order.
fn private_key(kem: Kem, sk: &[u8]) -> Result<PrivateKey, CryptoError> {
    let alg = algorithm(kem)?;
    if sk.len() != kem.private_key_len() {
        return Err(CryptoError::InvalidLength {
            what: "HPKE private key",
            len: sk.len(),
        });
    }
    PrivateKey::from_private_key(alg, sk)
        .map_err(|_| CryptoError::InvalidPrivateKey(mls_crypto_hpke::unsupported_kem(kem)))
}

/// Checks the `SerializePublicKey` encoding (RFC 9180 §7.1.1): 32 raw bytes
/// for X25519, the uncompressed SEC1 point `0x04 || X || Y` for the NIST
/// curves. aws-lc-rs would also take compressed points and SPKI DER; HPKE
/// does not, and every backend must agree on which keys are valid.
fn check_public_key_encoding(kem: Kem, pk: &[u8]) -> Result<(), CryptoError> {
    let nist = matches!(kem, Kem::DhKemP256 | Kem::DhKemP384 | Kem::DhKemP521);
    let well_formed = pk.len() == kem.public_key_len() && (!nist || pk.first() == Some(&0x04));
    if well_formed {
        Ok(())
    } else {
        Err(CryptoError::InvalidPublicKey(
            mls_crypto_hpke::unsupported_kem(kem),
        ))
    }
}

/// `DH(sk, pk)` with a parsed private key.
fn agree(kem: Kem, public_key: &[u8], sk: &PrivateKey) -> Result<Vec<u8>, CryptoError> {
    let alg = algorithm(kem)?;
    check_public_key_encoding(kem, public_key)?;
    // aws-lc checks that a NIST point is on the curve and not infinity.
    let mut shared = agreement::agree(
        sk,
        UnparsedPublicKey::new(alg, public_key),
        CryptoError::InvalidPublicKey(mls_crypto_hpke::unsupported_kem(kem)),
        |secret| Ok(Zeroizing::new(secret.to_vec())),
    )?;
    // RFC 9180 §7.1.4 / RFC 7748 §6.1: an all-zero X25519 output means a
    // small-order peer key. aws-lc already refuses it; check anyway,
    // without branching on individual bytes.
    if kem == Kem::DhKemX25519 && shared.iter().fold(0u8, |acc, b| acc | b) == 0 {
        return Err(CryptoError::InvalidPublicKey(
            mls_crypto_hpke::unsupported_kem(kem),
        ));
    }
    Ok(std::mem::take(&mut *shared))
}

impl HpkePrimitives for AwsLcHpke {
    const NAME: &'static str = "aws-lc";

    fn supports_kem(kem: Kem) -> bool {
        agreement_algorithm(kem).is_some()
    }

    fn dh(kem: Kem, public_key: &[u8], private_key_bytes: &[u8]) -> Result<Vec<u8>, CryptoError> {
        agree(kem, public_key, &private_key(kem, private_key_bytes)?)
    }

    // aws-lc computes the public key when it parses a private key (for
    // X25519 a base-point multiplication), so DHKEM's Encap and Decap parse
    // once and take both from the same key object.
    fn dh_with_public(
        kem: Kem,
        public_key: &[u8],
        private_key_bytes: &[u8],
    ) -> Result<(Vec<u8>, Vec<u8>), CryptoError> {
        let sk = private_key(kem, private_key_bytes)?;
        let own = sk
            .compute_public_key()
            .map_err(|_| CryptoError::InvalidPrivateKey(mls_crypto_hpke::unsupported_kem(kem)))?;
        Ok((agree(kem, public_key, &sk)?, own.as_ref().to_vec()))
    }

    fn public_key(kem: Kem, private_key_bytes: &[u8]) -> Result<Vec<u8>, CryptoError> {
        let sk = private_key(kem, private_key_bytes)?;
        // Uncompressed SEC1 for the NIST curves, raw bytes for X25519.
        let pk = sk
            .compute_public_key()
            .map_err(|_| CryptoError::InvalidPrivateKey(mls_crypto_hpke::unsupported_kem(kem)))?;
        Ok(pk.as_ref().to_vec())
    }

    fn validate_private_key(kem: Kem, private_key_bytes: &[u8]) -> Result<(), CryptoError> {
        private_key(kem, private_key_bytes).map(|_| ())
    }

    fn kdf_extract(kdf: Kdf, salt: &[u8], ikm: &[u8]) -> Result<Vec<u8>, CryptoError> {
        Ok(kdf::extract(hash::for_kdf(kdf), salt, ikm)
            .as_bytes()
            .to_vec())
    }

    fn kdf_expand(kdf: Kdf, prk: &[u8], info: &[u8], len: usize) -> Result<Vec<u8>, CryptoError> {
        Ok(kdf::expand(hash::for_kdf(kdf), prk, info, len)?
            .as_bytes()
            .to_vec())
    }

    fn aead_seal(
        alg: Aead,
        key: &[u8],
        nonce: &[u8],
        aad: &[u8],
        plaintext: &[u8],
    ) -> Result<Vec<u8>, CryptoError> {
        aead::seal(aead::for_aead(alg), key, nonce, aad, plaintext)
    }

    fn aead_open(
        alg: Aead,
        key: &[u8],
        nonce: &[u8],
        aad: &[u8],
        ciphertext: &[u8],
    ) -> Result<Vec<u8>, CryptoError> {
        let mut plaintext = aead::open(aead::for_aead(alg), key, nonce, aad, ciphertext)?;
        Ok(std::mem::take(&mut *plaintext))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Our DHKEM and key schedule give `hpke-rs`' bytes on every suite.
    #[test]
    fn hpke_matches_hpke_rs() {
        mls_crypto_hpke::reference::check_against_hpke_rs::<AwsLcHpke>(
            &mls_core::CipherSuiteDefinition::RFC9420,
        )
        .unwrap_or_else(|e| panic!("{e}"));
    }
}
