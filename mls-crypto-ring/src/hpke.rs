//! The primitives HPKE needs, handed to `mls-crypto-hpke`, which builds
//! HPKE on them.
//!
//! ring offers only *ephemeral* key agreement: its `agreement` module
//! consumes the private key on use and cannot load one from bytes. HPKE's
//! `Decap` (RFC 9180 §4.1) needs `DH(skR, pkE)` with a stored private key,
//! and `DeriveKeyPair` needs the public key of given scalar bytes, so the
//! Diffie-Hellman of the three KEMs comes from RustCrypto: `x25519-dalek`
//! for X25519, `p256` / `p384` (their `ecdh` feature) for the NIST curves.
//! HKDF and the AEADs are ring's, through [`crate::kdf`] and [`crate::aead`].

use crate::{aead, kdf};
use mls_core::{Aead, CryptoError, Kdf, Kem};
use p256::elliptic_curve::sec1::{FromSec1Point, ModulusSize, ToSec1Point};
use p256::elliptic_curve::{
    AffinePoint, CurveArithmetic, FieldBytesSize, PublicKey, SecretKey, ecdh,
};

/// `HpkePrimitives` over ring (HKDF, AEAD) and RustCrypto (static DH).
pub(crate) struct RingHpke;

/// The uncompressed-point tag of SEC1 §2.3.3.
const SEC1_UNCOMPRESSED: u8 = 0x04;

fn unsupported(kem: Kem) -> CryptoError {
    CryptoError::UnsupportedAlgorithm(mls_crypto_hpke::unsupported_kem(kem))
}

/// Checks a private key's length against Nsk. `mls-crypto-hpke` left-pads
/// short NIST scalars before they get here, so an exact match is required.
fn check_private_len(kem: Kem, private_key: &[u8]) -> Result<(), CryptoError> {
    if private_key.len() == kem.private_key_len() {
        Ok(())
    } else {
        Err(CryptoError::InvalidLength {
            what: "HPKE private key",
            len: private_key.len(),
        })
    }
}

mod x25519 {
    use super::{KEM_X25519, check_private_len};
    use mls_core::CryptoError;
    use x25519_dalek::{PublicKey, StaticSecret};
    use zeroize::Zeroizing;

    fn secret(private_key: &[u8]) -> Result<StaticSecret, CryptoError> {
        // The conversion to `[u8; 32]` is the length check (Nsk = 32).
        let bytes: Zeroizing<[u8; 32]> =
            Zeroizing::new(
                private_key
                    .try_into()
                    .map_err(|_| CryptoError::InvalidLength {
                        what: "HPKE private key",
                        len: private_key.len(),
                    })?,
            );
        // `StaticSecret` zeroizes itself on drop; `bytes` is zeroized too.
        Ok(StaticSecret::from(*bytes))
    }

    pub(super) fn dh(public_key: &[u8], private_key: &[u8]) -> Result<Vec<u8>, CryptoError> {
        let public: [u8; 32] = public_key
            .try_into()
            .map_err(|_| CryptoError::InvalidPublicKey("X25519"))?;
        let shared = secret(private_key)?.diffie_hellman(&PublicKey::from(public));
        // RFC 9180 §7.1.4: an all-zero DH output (a small-order peer key)
        // must be rejected. `was_contributory` is that check, in constant time.
        if !shared.was_contributory() {
            return Err(CryptoError::InvalidPublicKey("X25519"));
        }
        Ok(shared.as_bytes().to_vec())
    }

    pub(super) fn public_key(private_key: &[u8]) -> Result<Vec<u8>, CryptoError> {
        Ok(PublicKey::from(&secret(private_key)?).as_bytes().to_vec())
    }

    pub(super) fn validate_private_key(private_key: &[u8]) -> Result<(), CryptoError> {
        // Every 32-byte string is an X25519 private key (it is clamped on use).
        check_private_len(KEM_X25519, private_key)
    }
}

const KEM_X25519: Kem = Kem::DhKemX25519;

/// DH on a NIST curve with RustCrypto's `elliptic-curve` types, shared by
/// P-256 and P-384.
mod nist {
    use super::*;

    fn secret<C>(kem: Kem, private_key: &[u8]) -> Result<SecretKey<C>, CryptoError>
    where
        C: CurveArithmetic,
    {
        check_private_len(kem, private_key)?;
        // Rejects zero and scalars not below the group order.
        SecretKey::<C>::from_slice(private_key)
            .map_err(|_| CryptoError::InvalidPrivateKey(mls_crypto_hpke::unsupported_kem(kem)))
    }

    pub(super) fn dh<C>(
        kem: Kem,
        public_key: &[u8],
        private_key: &[u8],
    ) -> Result<Vec<u8>, CryptoError>
    where
        C: CurveArithmetic,
        AffinePoint<C>: FromSec1Point<C> + ToSec1Point<C>,
        FieldBytesSize<C>: ModulusSize,
    {
        // RFC 9180 §7.1.1: public keys are uncompressed points of Npk bytes.
        // `from_sec1_bytes` then rejects points off the curve and the identity.
        let invalid = CryptoError::InvalidPublicKey(mls_crypto_hpke::unsupported_kem(kem));
        if public_key.len() != kem.public_key_len()
            || public_key.first() != Some(&SEC1_UNCOMPRESSED)
        {
            return Err(invalid);
        }
        let public = PublicKey::<C>::from_sec1_bytes(public_key).map_err(|_| invalid)?;
        let secret = secret::<C>(kem, private_key)?;
        let shared = ecdh::diffie_hellman(secret.to_nonzero_scalar(), public.as_affine());
        // DH output is the x-coordinate (RFC 9180 §7.1.1, SEC1 §3.3.1).
        Ok(shared.raw_secret_bytes().to_vec())
    }

    pub(super) fn public_key<C>(kem: Kem, private_key: &[u8]) -> Result<Vec<u8>, CryptoError>
    where
        C: CurveArithmetic,
        AffinePoint<C>: FromSec1Point<C> + ToSec1Point<C>,
        FieldBytesSize<C>: ModulusSize,
    {
        let public = secret::<C>(kem, private_key)?.public_key();
        Ok(public.to_sec1_point(false).as_bytes().to_vec())
    }

    pub(super) fn validate_private_key<C>(kem: Kem, private_key: &[u8]) -> Result<(), CryptoError>
    where
        C: CurveArithmetic,
    {
        secret::<C>(kem, private_key).map(|_| ())
    }
}

impl mls_crypto_hpke::HpkePrimitives for RingHpke {
    const NAME: &'static str = "ring";

    fn supports_kem(kem: Kem) -> bool {
        matches!(kem, Kem::DhKemX25519 | Kem::DhKemP256 | Kem::DhKemP384)
    }

    fn dh(kem: Kem, public_key: &[u8], private_key: &[u8]) -> Result<Vec<u8>, CryptoError> {
        match kem {
            Kem::DhKemX25519 => x25519::dh(public_key, private_key),
            Kem::DhKemP256 => nist::dh::<p256::NistP256>(kem, public_key, private_key),
            Kem::DhKemP384 => nist::dh::<p384::NistP384>(kem, public_key, private_key),
            Kem::DhKemP521
            | Kem::DhKemX448
            | Kem::XWingDraft06
            | Kem::MlKem768
            | Kem::MlKem1024 => Err(unsupported(kem)),
        }
    }

    fn public_key(kem: Kem, private_key: &[u8]) -> Result<Vec<u8>, CryptoError> {
        match kem {
            Kem::DhKemX25519 => x25519::public_key(private_key),
            Kem::DhKemP256 => nist::public_key::<p256::NistP256>(kem, private_key),
            Kem::DhKemP384 => nist::public_key::<p384::NistP384>(kem, private_key),
            Kem::DhKemP521
            | Kem::DhKemX448
            | Kem::XWingDraft06
            | Kem::MlKem768
            | Kem::MlKem1024 => Err(unsupported(kem)),
        }
    }

    fn validate_private_key(kem: Kem, private_key: &[u8]) -> Result<(), CryptoError> {
        match kem {
            Kem::DhKemX25519 => x25519::validate_private_key(private_key),
            Kem::DhKemP256 => nist::validate_private_key::<p256::NistP256>(kem, private_key),
            Kem::DhKemP384 => nist::validate_private_key::<p384::NistP384>(kem, private_key),
            Kem::DhKemP521
            | Kem::DhKemX448
            | Kem::XWingDraft06
            | Kem::MlKem768
            | Kem::MlKem1024 => Err(unsupported(kem)),
        }
    }

    fn kdf_extract(kdf: Kdf, salt: &[u8], ikm: &[u8]) -> Result<Vec<u8>, CryptoError> {
        // The trait hands out plain vectors; the caller owns them from here.
        Ok(kdf::extract(kdf, salt, ikm)?.as_bytes().to_vec())
    }

    fn kdf_expand(kdf: Kdf, prk: &[u8], info: &[u8], len: usize) -> Result<Vec<u8>, CryptoError> {
        Ok(kdf::expand(kdf, prk, info, len)?.as_bytes().to_vec())
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
        Ok(aead::open(aead, key, nonce, aad, ciphertext)?
            .as_bytes()
            .to_vec())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Our DHKEM and key schedule give `hpke-rs`' bytes on every suite.
    #[test]
    fn hpke_matches_hpke_rs() {
        mls_crypto_hpke::reference::check_against_hpke_rs::<RingHpke>(
            &mls_core::CipherSuiteDefinition::RFC9420,
        )
        .unwrap_or_else(|e| panic!("{e}"));
    }
}
