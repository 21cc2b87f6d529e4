//! DHKEM (RFC 9180 §4.1) over a backend's Diffie-Hellman, for the five
//! curves MLS uses.
//!
//! Hand-written rather than `hpke-rs`' KEM for two reasons. `hpke-rs` 0.8 has
//! no `DeriveKeyPair` for X448. And its Encap and Decap take private keys as
//! bytes and compute the public key (the ephemeral's `enc`, the receiver's
//! `pkRm`) in a call separate from the DH, so a backend whose parsed key
//! object computes its public key on parse (aws-lc: a full base-point
//! multiplication for X25519) pays one scalar multiplication more per
//! operation than DHKEM needs. [`HpkePrimitives::dh_with_public`] answers
//! both from one parse, so an ephemeral key's private half is derived here
//! (§7.1.3) and its public half comes with the DH. `hpke-rs` still derives
//! the long-term key pairs, and the backends' tests check this module
//! against it byte for byte.

use crate::adapter::HpkePrimitives;
use crate::labeled::Labeler;
use mls_core::secret::HpkePrivateKey;
use mls_core::{CryptoError, Kdf, Kem};
use zeroize::Zeroizing;

/// The KDF of the KEM (not of the suite): the second half of its name.
pub(crate) fn kem_kdf(kem: Kem) -> Kdf {
    match kem {
        Kem::DhKemP256 | Kem::DhKemX25519 => Kdf::HkdfSha256,
        Kem::DhKemP384 => Kdf::HkdfSha384,
        Kem::DhKemP521 | Kem::DhKemX448 => Kdf::HkdfSha512,
        // Not a DHKEM; `wholekem` handles it and never asks.
        Kem::XWingDraft06 | Kem::MlKem768 | Kem::MlKem1024 => Kdf::HkdfSha256,
    }
}

/// `suite_id = "KEM" || I2OSP(kem_id, 2)`.
fn suite_id(kem: Kem) -> [u8; 5] {
    let [hi, lo] = (kem as u16).to_be_bytes();
    [b'K', b'E', b'M', hi, lo]
}

fn labeler(kem: Kem, suite_id: &[u8]) -> Labeler<'_> {
    Labeler {
        kdf: kem_kdf(kem),
        suite_id,
    }
}

/// The Montgomery curves, whose `DeriveKeyPair` is a single expand (§7.1.3).
pub(crate) fn is_montgomery(kem: Kem) -> bool {
    matches!(kem, Kem::DhKemX25519 | Kem::DhKemX448)
}

/// `dkp_prk = LabeledExtract("", "dkp_prk", ikm)` and `LabeledExpand`
/// from it, the two halves of every curve's `DeriveKeyPair` (§7.1.3).
struct DkpPrk {
    kem: Kem,
    suite_id: [u8; 5],
    prk: Zeroizing<Vec<u8>>,
}

impl DkpPrk {
    fn new<P: HpkePrimitives>(kem: Kem, ikm: &[u8]) -> Result<Self, CryptoError> {
        let suite_id = suite_id(kem);
        let prk = labeler(kem, &suite_id).extract::<P>(&[], b"dkp_prk", ikm)?;
        Ok(Self { kem, suite_id, prk })
    }

    /// `LabeledExpand(dkp_prk, label, context, Nsk)`.
    fn expand<P: HpkePrimitives>(
        &self,
        label: &[u8],
        context: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
        labeler(self.kem, &self.suite_id).expand::<P>(
            &self.prk,
            label,
            context,
            self.kem.private_key_len(),
        )
    }
}

/// The private half of `DeriveKeyPair(ikm)` for X25519 and X448:
/// `LabeledExpand(dkp_prk, "sk", "", Nsk)` (§7.1.3).
fn montgomery_private_key<P: HpkePrimitives>(
    kem: Kem,
    ikm: &[u8],
) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
    DkpPrk::new::<P>(kem, ikm)?.expand::<P>(b"sk", &[])
}

/// `DeriveKeyPair(ikm)` for X448, which `hpke-rs` lacks.
pub(crate) fn derive_x448_key_pair<P: HpkePrimitives>(
    ikm: &[u8],
) -> Result<(HpkePrivateKey, Vec<u8>), CryptoError> {
    let sk = montgomery_private_key::<P>(Kem::DhKemX448, ikm)?;
    let pk = P::public_key(Kem::DhKemX448, &sk)?;
    Ok((HpkePrivateKey::from_slice(&sk), pk))
}

/// `ExtractAndExpand(dh, kem_context)`.
fn extract_and_expand<P: HpkePrimitives>(
    kem: Kem,
    dh: &[u8],
    kem_context: &[u8],
) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
    let id = suite_id(kem);
    let l = labeler(kem, &id);
    let eae_prk = l.extract::<P>(&[], b"eae_prk", dh)?;
    l.expand::<P>(
        &eae_prk,
        b"shared_secret",
        kem_context,
        kem_kdf(kem).hash_len(),
    )
}

/// The private half of `DeriveKeyPair(ikm)` on the NIST curves (§7.1.3):
/// the first candidate `LabeledExpand(dkp_prk, "candidate", I2OSP(counter,
/// 1), Nsk)`, first byte masked, that is a valid scalar. At most 256
/// candidates, as the RFC bounds it.
fn nist_private_key<P: HpkePrimitives>(
    kem: Kem,
    ikm: &[u8],
) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
    let dkp_prk = DkpPrk::new::<P>(kem, ikm)?;
    let bitmask = if kem == Kem::DhKemP521 { 0x01 } else { 0xff };
    for counter in 0..=u8::MAX {
        let mut candidate = dkp_prk.expand::<P>(b"candidate", &[counter])?;
        if let Some(first) = candidate.first_mut() {
            *first &= bitmask;
        }
        if P::validate_private_key(kem, &candidate).is_ok() {
            return Ok(candidate);
        }
    }
    Err(CryptoError::Backend(
        "DeriveKeyPair: no valid scalar among 256 candidates".into(),
    ))
}

/// `Encap(pkR)` with the ephemeral key `DeriveKeyPair(ikm)`: returns
/// (shared_secret, enc). Only the private half is derived here; `enc`, its
/// public key, comes with the DH from one parse of it.
pub(crate) fn encap<P: HpkePrimitives>(
    kem: Kem,
    public_key: &[u8],
    ikm: &[u8],
) -> Result<(Zeroizing<Vec<u8>>, Vec<u8>), CryptoError> {
    let sk_e = if is_montgomery(kem) {
        montgomery_private_key::<P>(kem, ikm)?
    } else {
        nist_private_key::<P>(kem, ikm)?
    };
    let (dh, enc) = P::dh_with_public(kem, public_key, &sk_e)?;
    let dh = Zeroizing::new(dh);
    let mut kem_context = Vec::with_capacity(enc.len().saturating_add(public_key.len()));
    kem_context.extend_from_slice(&enc);
    kem_context.extend_from_slice(public_key);
    Ok((extract_and_expand::<P>(kem, &dh, &kem_context)?, enc))
}

/// `Decap(enc, skR)`: the shared secret. `private_key` is exactly Nsk bytes.
pub(crate) fn decap<P: HpkePrimitives>(
    kem: Kem,
    enc: &[u8],
    private_key: &[u8],
) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
    let (dh, pk_r) = P::dh_with_public(kem, enc, private_key)?;
    let dh = Zeroizing::new(dh);
    let mut kem_context = Vec::with_capacity(enc.len().saturating_add(pk_r.len()));
    kem_context.extend_from_slice(enc);
    kem_context.extend_from_slice(&pk_r);
    extract_and_expand::<P>(kem, &dh, &kem_context)
}
