//! KEMs a backend implements whole rather than from a curve's
//! Diffie-Hellman: X-Wing (draft-connolly-cfrg-xwing-kem-06) and ML-KEM
//! (FIPS 203). The private
//! key is a seed, encapsulation takes its randomness from the caller (drawn
//! from the MLS `RandProvider`, so a seeded run repeats on every backend),
//! and `DeriveKeyPair` hashes `ikm` to a seed with SHAKE256.
//!
//! These functions check every length before the backend sees the bytes, so
//! a backend's fixed-size conversions cannot fail on peer input. The errors
//! are the DH KEMs': a public key or `enc` of the wrong size is
//! `InvalidPublicKey`, a private key of the wrong size is `InvalidLength`
//! of an "HPKE private key", so callers see one story on every suite.

use crate::adapter::HpkePrimitives;
use mls_core::secret::HpkePrivateKey;
use mls_core::{CryptoError, Kem};
use zeroize::Zeroizing;

/// Nrand: the randomness one encapsulation consumes.
pub(crate) fn encap_randomness_len(kem: Kem) -> usize {
    match kem {
        // 32 bytes for ML-KEM-768's message, 32 for the X25519 ephemeral key
        // (X-Wing draft-06 §5.4, `eseed`).
        Kem::XWingDraft06 => 64,
        // ML-KEM's message `m` (FIPS 203 §7.2).
        Kem::MlKem768 | Kem::MlKem1024 => 32,
        dh => dh.private_key_len(),
    }
}

fn check_len(what: &'static str, bytes: &[u8], len: usize) -> Result<(), CryptoError> {
    if bytes.len() == len {
        Ok(())
    } else {
        Err(CryptoError::InvalidLength {
            what,
            len: bytes.len(),
        })
    }
}

/// The KEM's name in errors.
fn kem_name(kem: Kem) -> &'static str {
    match kem {
        Kem::XWingDraft06 => "X-Wing",
        Kem::MlKem768 => "ML-KEM-768",
        Kem::MlKem1024 => "ML-KEM-1024",
        Kem::DhKemP256 | Kem::DhKemP384 | Kem::DhKemP521 | Kem::DhKemX25519 | Kem::DhKemX448 => {
            "DHKEM"
        }
    }
}

/// A public key or `enc` of exactly `len` bytes, else
/// `InvalidPublicKey`.
fn check_public(kem: Kem, bytes: &[u8], len: usize) -> Result<(), CryptoError> {
    if bytes.len() == len {
        Ok(())
    } else {
        Err(CryptoError::InvalidPublicKey(kem_name(kem)))
    }
}

/// `Encap(pk)` with the given randomness: (shared secret, enc).
pub(crate) fn encap<P: HpkePrimitives>(
    kem: Kem,
    public_key: &[u8],
    randomness: &[u8],
) -> Result<(Zeroizing<Vec<u8>>, Vec<u8>), CryptoError> {
    check_public(kem, public_key, kem.public_key_len())?;
    check_len("KEM randomness", randomness, encap_randomness_len(kem))?;
    let (shared, enc) = P::kem_encap_derand(kem, public_key, randomness)?;
    Ok((Zeroizing::new(shared), enc))
}

/// `Decap(enc, sk)`: the shared secret.
pub(crate) fn decap<P: HpkePrimitives>(
    kem: Kem,
    enc: &[u8],
    private_key: &[u8],
) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
    check_public(kem, enc, kem.enc_len())?;
    check_len("HPKE private key", private_key, kem.private_key_len())?;
    Ok(Zeroizing::new(P::kem_decap(kem, enc, private_key)?))
}

/// The key pair of the seed `seed`: (private key, public key).
pub(crate) fn key_pair_from_seed<P: HpkePrimitives>(
    kem: Kem,
    seed: &[u8],
) -> Result<(HpkePrivateKey, Vec<u8>), CryptoError> {
    check_len("HPKE private key", seed, kem.private_key_len())?;
    let public_key = P::public_key(kem, seed)?;
    Ok((HpkePrivateKey::from_slice(seed), public_key))
}

/// `DeriveKeyPair(ikm)`: the seed is `SHAKE256(ikm, Nsk)` (32 bytes for
/// X-Wing, 64 for ML-KEM), with no label: what OpenMLS 0.9 (through
/// `hpke-rs` 0.7) computes, whose tree keys we must derive alike. (The
/// HPKE-PQ draft labels the input, and `hpke-rs` 0.8 follows it: a KEM id of
/// that derivation would be another [`Kem`].)
pub(crate) fn derive_key_pair<P: HpkePrimitives>(
    kem: Kem,
    ikm: &[u8],
) -> Result<(HpkePrivateKey, Vec<u8>), CryptoError> {
    let seed = Zeroizing::new(P::shake256(ikm, kem.private_key_len())?);
    key_pair_from_seed::<P>(kem, &seed)
}
