use crate::rand::DrawnRandomness;
use hpke_rs_crypto::HpkeCrypto;
use hpke_rs_crypto::error::Error as HpkeCryptoError;
use hpke_rs_crypto::types::{
    AeadAlgorithm, KdfAlgorithm, KemAlgorithm, SingleStageKdfAlgorithm, TwoStageKdfAlgorithm,
};
use mls_core::{Aead, CryptoError, Kdf, Kem};
use std::marker::PhantomData;

/// The primitives a backend supplies for HPKE. Static functions, because
/// `hpke-rs`' crypto trait is static.
pub trait HpkePrimitives: 'static {
    /// Backend name for diagnostics.
    const NAME: &'static str;
    /// Whether the backend implements `kem`'s Diffie-Hellman.
    fn supports_kem(kem: Kem) -> bool;
    /// `DH(sk, pk)`: the raw shared secret. Must reject invalid public keys
    /// (off-curve points, an all-zero X25519/X448 result).
    fn dh(kem: Kem, public_key: &[u8], private_key: &[u8]) -> Result<Vec<u8>, CryptoError>;
    /// The public key of `private_key`, serialized (RFC 9180 `SerializePublicKey`).
    fn public_key(kem: Kem, private_key: &[u8]) -> Result<Vec<u8>, CryptoError>;
    /// `DH(sk, pk)` and the public key of `sk`: (shared secret, own public
    /// key), what DHKEM's Encap and Decap need of one private key. The
    /// default makes the two calls; a backend whose parsed key object
    /// computes its public key anyway answers both from one parse.
    fn dh_with_public(
        kem: Kem,
        public_key: &[u8],
        private_key: &[u8],
    ) -> Result<(Vec<u8>, Vec<u8>), CryptoError> {
        Ok((
            Self::dh(kem, public_key, private_key)?,
            Self::public_key(kem, private_key)?,
        ))
    }
    /// `Encap(pk)` of a KEM the backend implements whole (not a DHKEM),
    /// with the given randomness: (shared secret, enc). Lengths are checked
    /// before the call. The default: no such KEM.
    fn kem_encap_derand(
        kem: Kem,
        public_key: &[u8],
        randomness: &[u8],
    ) -> Result<(Vec<u8>, Vec<u8>), CryptoError> {
        let _ = (public_key, randomness);
        Err(CryptoError::UnsupportedAlgorithm(unsupported_kem(kem)))
    }
    /// `Decap(enc, sk)` of a KEM the backend implements whole: the shared
    /// secret. Lengths are checked before the call.
    fn kem_decap(kem: Kem, enc: &[u8], private_key: &[u8]) -> Result<Vec<u8>, CryptoError> {
        let _ = (enc, private_key);
        Err(CryptoError::UnsupportedAlgorithm(unsupported_kem(kem)))
    }
    /// `SHAKE256(data, len)`, for the `DeriveKeyPair` of such KEMs.
    fn shake256(data: &[u8], len: usize) -> Result<Vec<u8>, CryptoError> {
        let _ = (data, len);
        Err(CryptoError::UnsupportedAlgorithm("SHAKE256"))
    }
    /// Ok when `private_key` is a valid scalar (used by DeriveKeyPair's
    /// rejection sampling on NIST curves).
    fn validate_private_key(kem: Kem, private_key: &[u8]) -> Result<(), CryptoError>;
    /// HKDF-Extract.
    fn kdf_extract(kdf: Kdf, salt: &[u8], ikm: &[u8]) -> Result<Vec<u8>, CryptoError>;
    /// HKDF-Expand.
    fn kdf_expand(kdf: Kdf, prk: &[u8], info: &[u8], len: usize) -> Result<Vec<u8>, CryptoError>;
    /// AEAD seal (tag appended).
    fn aead_seal(
        aead: Aead,
        key: &[u8],
        nonce: &[u8],
        aad: &[u8],
        plaintext: &[u8],
    ) -> Result<Vec<u8>, CryptoError>;
    /// AEAD open.
    fn aead_open(
        aead: Aead,
        key: &[u8],
        nonce: &[u8],
        aad: &[u8],
        ciphertext: &[u8],
    ) -> Result<Vec<u8>, CryptoError>;
}

/// The name of a KEM for an "unsupported" error.
pub fn unsupported_kem(kem: Kem) -> &'static str {
    match kem {
        Kem::DhKemP256 => "DHKEM(P-256)",
        Kem::DhKemP384 => "DHKEM(P-384)",
        Kem::DhKemP521 => "DHKEM(P-521)",
        Kem::DhKemX25519 => "DHKEM(X25519)",
        Kem::DhKemX448 => "DHKEM(X448)",
        Kem::XWingDraft06 => "X-Wing (0x647A)",
        Kem::MlKem768 => "ML-KEM-768",
        Kem::MlKem1024 => "ML-KEM-1024",
    }
}

/// `hpke_rs_crypto::HpkeCrypto` over a backend's [`HpkePrimitives`].
pub struct HpkeAdapter<P>(PhantomData<fn() -> P>);

impl<P> std::fmt::Debug for HpkeAdapter<P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("HpkeAdapter")
    }
}

pub(crate) fn kem_from_hpke(alg: KemAlgorithm) -> Result<Kem, HpkeCryptoError> {
    match alg {
        KemAlgorithm::DhKemP256 => Ok(Kem::DhKemP256),
        KemAlgorithm::DhKemP384 => Ok(Kem::DhKemP384),
        KemAlgorithm::DhKemP521 => Ok(Kem::DhKemP521),
        KemAlgorithm::DhKem25519 => Ok(Kem::DhKemX25519),
        KemAlgorithm::DhKem448 => Ok(Kem::DhKemX448),
        _ => Err(HpkeCryptoError::UnknownKemAlgorithm),
    }
}

fn kdf_from_hpke(alg: TwoStageKdfAlgorithm) -> Kdf {
    match alg {
        TwoStageKdfAlgorithm::HkdfSha256 => Kdf::HkdfSha256,
        TwoStageKdfAlgorithm::HkdfSha384 => Kdf::HkdfSha384,
        TwoStageKdfAlgorithm::HkdfSha512 => Kdf::HkdfSha512,
    }
}

fn aead_from_hpke(alg: AeadAlgorithm) -> Result<Aead, HpkeCryptoError> {
    match alg {
        AeadAlgorithm::Aes128Gcm => Ok(Aead::Aes128Gcm),
        AeadAlgorithm::Aes256Gcm => Ok(Aead::Aes256Gcm),
        AeadAlgorithm::ChaCha20Poly1305 => Ok(Aead::ChaCha20Poly1305),
        AeadAlgorithm::HpkeExport => Err(HpkeCryptoError::UnknownAeadAlgorithm),
    }
}

fn to_hpke_err(err: CryptoError) -> HpkeCryptoError {
    match err {
        CryptoError::InvalidPublicKey(_) => HpkeCryptoError::KemInvalidPublicKey,
        CryptoError::InvalidPrivateKey(_) => HpkeCryptoError::KemInvalidSecretKey,
        CryptoError::AeadOpenFailed => HpkeCryptoError::AeadOpenError,
        other => HpkeCryptoError::CryptoLibraryError(other.to_string()),
    }
}

impl<P: HpkePrimitives> HpkeCrypto for HpkeAdapter<P> {
    type HpkePrng = DrawnRandomness;

    fn name() -> String {
        P::NAME.into()
    }

    fn supports_kdf(alg: KdfAlgorithm) -> Result<(), HpkeCryptoError> {
        match alg {
            KdfAlgorithm::HkdfSha256 | KdfAlgorithm::HkdfSha384 | KdfAlgorithm::HkdfSha512 => {
                Ok(())
            }
            _ => Err(HpkeCryptoError::UnknownKdfAlgorithm),
        }
    }

    fn supports_kem(alg: KemAlgorithm) -> Result<(), HpkeCryptoError> {
        let kem = kem_from_hpke(alg)?;
        if P::supports_kem(kem) {
            Ok(())
        } else {
            Err(HpkeCryptoError::UnknownKemAlgorithm)
        }
    }

    fn supports_aead(alg: AeadAlgorithm) -> Result<(), HpkeCryptoError> {
        match alg {
            AeadAlgorithm::HpkeExport => Ok(()),
            other => aead_from_hpke(other).map(|_| ()),
        }
    }

    fn kdf_extract(
        alg: TwoStageKdfAlgorithm,
        salt: &[u8],
        ikm: &[u8],
    ) -> Result<Vec<u8>, HpkeCryptoError> {
        P::kdf_extract(kdf_from_hpke(alg), salt, ikm).map_err(to_hpke_err)
    }

    fn kdf_expand(
        alg: TwoStageKdfAlgorithm,
        prk: &[u8],
        info: &[u8],
        output_size: usize,
    ) -> Result<Vec<u8>, HpkeCryptoError> {
        P::kdf_expand(kdf_from_hpke(alg), prk, info, output_size).map_err(to_hpke_err)
    }

    fn kdf_derive(
        _: SingleStageKdfAlgorithm,
        _: &[u8],
        _: usize,
    ) -> Result<Vec<u8>, HpkeCryptoError> {
        // Single-stage (SHAKE) KDFs belong to post-quantum drafts MLS does not use.
        Err(HpkeCryptoError::UnknownKdfAlgorithm)
    }

    fn dh(alg: KemAlgorithm, pk: &[u8], sk: &[u8]) -> Result<Vec<u8>, HpkeCryptoError> {
        P::dh(kem_from_hpke(alg)?, pk, sk).map_err(to_hpke_err)
    }

    fn secret_to_public(alg: KemAlgorithm, sk: &[u8]) -> Result<Vec<u8>, HpkeCryptoError> {
        P::public_key(kem_from_hpke(alg)?, sk).map_err(to_hpke_err)
    }

    // The four KEM entry points below serve hpke-rs' non-DH (post-quantum)
    // KEMs and its own key generation; MLS reaches neither, because ephemeral
    // and long-term keys come from DeriveKeyPair over MLS randomness.
    fn kem_key_gen(
        _: KemAlgorithm,
        _: &mut Self::HpkePrng,
    ) -> Result<(Vec<u8>, Vec<u8>), HpkeCryptoError> {
        Err(HpkeCryptoError::UnsupportedKemOperation)
    }

    fn kem_key_gen_derand(
        _: KemAlgorithm,
        _: &[u8],
    ) -> Result<(Vec<u8>, Vec<u8>), HpkeCryptoError> {
        Err(HpkeCryptoError::UnsupportedKemOperation)
    }

    fn kem_encaps(
        _: KemAlgorithm,
        _: &[u8],
        _: &mut Self::HpkePrng,
    ) -> Result<(Vec<u8>, Vec<u8>), HpkeCryptoError> {
        Err(HpkeCryptoError::UnsupportedKemOperation)
    }

    fn kem_encaps_derand(
        _: KemAlgorithm,
        _: &[u8],
        _: &[u8],
    ) -> Result<(Vec<u8>, Vec<u8>), HpkeCryptoError> {
        Err(HpkeCryptoError::UnsupportedKemOperation)
    }

    fn kem_decaps(_: KemAlgorithm, _: &[u8], _: &[u8]) -> Result<Vec<u8>, HpkeCryptoError> {
        Err(HpkeCryptoError::UnsupportedKemOperation)
    }

    fn dh_validate_sk(alg: KemAlgorithm, sk: &[u8]) -> Result<Vec<u8>, HpkeCryptoError> {
        P::validate_private_key(kem_from_hpke(alg)?, sk).map_err(to_hpke_err)?;
        Ok(sk.to_vec())
    }

    fn aead_seal(
        alg: AeadAlgorithm,
        key: &[u8],
        nonce: &[u8],
        aad: &[u8],
        msg: &[u8],
    ) -> Result<Vec<u8>, HpkeCryptoError> {
        P::aead_seal(aead_from_hpke(alg)?, key, nonce, aad, msg).map_err(to_hpke_err)
    }

    fn aead_open(
        alg: AeadAlgorithm,
        key: &[u8],
        nonce: &[u8],
        aad: &[u8],
        msg: &[u8],
    ) -> Result<Vec<u8>, HpkeCryptoError> {
        P::aead_open(aead_from_hpke(alg)?, key, nonce, aad, msg).map_err(to_hpke_err)
    }
}
