//! DHKEM(X448, HKDF-SHA512) (RFC 9180 §4.1, §7.1), which `hpke-rs` 0.8 lacks:
//! its generic DHKEM has no `DeriveKeyPair` for X448. Only the KEM lives here;
//! the key schedule, AEAD and exporter stay with `hpke-rs`.

use crate::adapter::HpkePrimitives;
use mls_core::secret::HpkePrivateKey;
use mls_core::{CryptoError, Kdf, Kem};
use zeroize::Zeroizing;

const KEM: Kem = Kem::DhKemX448;
const KDF: Kdf = Kdf::HkdfSha512;
/// Nsk and Nsecret for DHKEM(X448).
const NSK: usize = 56;
const NSECRET: usize = 64;
/// `suite_id = "KEM" || I2OSP(kem_id, 2)` (§4.1).
const SUITE_ID: &[u8] = b"KEM\x00\x21";

/// `LabeledExtract(salt, label, ikm)` (§4).
fn labeled_extract<P: HpkePrimitives>(
    salt: &[u8],
    label: &[u8],
    ikm: &[u8],
) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
    let mut input = Zeroizing::new(Vec::with_capacity(
        7usize
            .saturating_add(SUITE_ID.len())
            .saturating_add(label.len())
            .saturating_add(ikm.len()),
    ));
    input.extend_from_slice(b"HPKE-v1");
    input.extend_from_slice(SUITE_ID);
    input.extend_from_slice(label);
    input.extend_from_slice(ikm);
    Ok(Zeroizing::new(P::kdf_extract(KDF, salt, &input)?))
}

/// `LabeledExpand(prk, label, info, L)` (§4).
fn labeled_expand<P: HpkePrimitives>(
    prk: &[u8],
    label: &[u8],
    info: &[u8],
    len: usize,
) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
    let l = u16::try_from(len).map_err(|_| CryptoError::InvalidLength {
        what: "HPKE LabeledExpand output",
        len,
    })?;
    let mut labeled_info = Vec::with_capacity(
        9usize
            .saturating_add(SUITE_ID.len())
            .saturating_add(label.len())
            .saturating_add(info.len()),
    );
    labeled_info.extend_from_slice(&l.to_be_bytes());
    labeled_info.extend_from_slice(b"HPKE-v1");
    labeled_info.extend_from_slice(SUITE_ID);
    labeled_info.extend_from_slice(label);
    labeled_info.extend_from_slice(info);
    Ok(Zeroizing::new(P::kdf_expand(KDF, prk, &labeled_info, len)?))
}

/// `DeriveKeyPair(ikm)` for X448 (§7.1.3): `sk = LabeledExpand(dkp_prk, "sk", "", Nsk)`.
pub fn derive_key_pair<P: HpkePrimitives>(
    ikm: &[u8],
) -> Result<(HpkePrivateKey, Vec<u8>), CryptoError> {
    let dkp_prk = labeled_extract::<P>(&[], b"dkp_prk", ikm)?;
    let sk = labeled_expand::<P>(&dkp_prk, b"sk", &[], NSK)?;
    let pk = P::public_key(KEM, &sk)?;
    Ok((HpkePrivateKey::from_slice(&sk), pk))
}

/// `ExtractAndExpand(dh, kem_context)` (§4.1).
fn extract_and_expand<P: HpkePrimitives>(
    dh: &[u8],
    kem_context: &[u8],
) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
    let eae_prk = labeled_extract::<P>(&[], b"eae_prk", dh)?;
    labeled_expand::<P>(&eae_prk, b"shared_secret", kem_context, NSECRET)
}

/// `Encap(pkR)` with the ephemeral key `DeriveKeyPair(ikm)`: returns
/// (shared_secret, enc).
pub fn encap<P: HpkePrimitives>(
    public_key: &[u8],
    ikm: &[u8],
) -> Result<(Zeroizing<Vec<u8>>, Vec<u8>), CryptoError> {
    let (sk_e, enc) = derive_key_pair::<P>(ikm)?;
    let dh = Zeroizing::new(P::dh(KEM, public_key, sk_e.as_bytes())?);
    let mut kem_context = enc.clone();
    kem_context.extend_from_slice(public_key);
    Ok((extract_and_expand::<P>(&dh, &kem_context)?, enc))
}

/// `Decap(enc, skR)`: the shared secret.
pub fn decap<P: HpkePrimitives>(
    enc: &[u8],
    private_key: &[u8],
) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
    let dh = Zeroizing::new(P::dh(KEM, enc, private_key)?);
    let mut kem_context = enc.to_vec();
    kem_context.extend_from_slice(&P::public_key(KEM, private_key)?);
    extract_and_expand::<P>(&dh, &kem_context)
}
