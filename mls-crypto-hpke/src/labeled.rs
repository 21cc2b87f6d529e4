//! `LabeledExtract` and `LabeledExpand` (RFC 9180 §4), shared by the KEM
//! (suite id `"KEM" || kem_id`) and the key schedule (suite id
//! `"HPKE" || kem_id || kdf_id || aead_id`).

use crate::adapter::HpkePrimitives;
use mls_core::{CryptoError, Kdf};
use zeroize::Zeroizing;

const VERSION: &[u8] = b"HPKE-v1";

/// A KDF with the suite id its labels carry.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Labeler<'a> {
    pub(crate) kdf: Kdf,
    pub(crate) suite_id: &'a [u8],
}

impl Labeler<'_> {
    /// `LabeledExtract(salt, label, ikm)`.
    pub(crate) fn extract<P: HpkePrimitives>(
        &self,
        salt: &[u8],
        label: &[u8],
        ikm: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
        let mut input = Zeroizing::new(Vec::with_capacity(
            VERSION
                .len()
                .saturating_add(self.suite_id.len())
                .saturating_add(label.len())
                .saturating_add(ikm.len()),
        ));
        input.extend_from_slice(VERSION);
        input.extend_from_slice(self.suite_id);
        input.extend_from_slice(label);
        input.extend_from_slice(ikm);
        Ok(Zeroizing::new(P::kdf_extract(self.kdf, salt, &input)?))
    }

    /// `LabeledExpand(prk, label, info, L)`.
    pub(crate) fn expand<P: HpkePrimitives>(
        &self,
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
            2usize
                .saturating_add(VERSION.len())
                .saturating_add(self.suite_id.len())
                .saturating_add(label.len())
                .saturating_add(info.len()),
        );
        labeled_info.extend_from_slice(&l.to_be_bytes());
        labeled_info.extend_from_slice(VERSION);
        labeled_info.extend_from_slice(self.suite_id);
        labeled_info.extend_from_slice(label);
        labeled_info.extend_from_slice(info);
        Ok(Zeroizing::new(P::kdf_expand(
            self.kdf,
            prk,
            &labeled_info,
            len,
        )?))
    }
}
