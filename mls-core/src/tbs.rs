//! The "to be signed" encodings of signed structures (RFC 9420 §7.2, §10,
//! §12.4.3).
//!
//! `LeafNodeTBS`, `KeyPackageTBS` and `GroupInfoTBS` each begin with every
//! field of their signed structure but the last, `signature` (LeafNodeTBS then
//! adds a group binding). Encoding the structure and cutting off the encoded
//! signature gives those bytes without a second, borrowed copy of every
//! field layout that could drift from the real one.

use crate::codec::{VarBytes, encode};
use crate::error::Error;
use tls_codec::{Serialize, Size};

/// Encodes `value`, whose last field is `signature`, without that field.
pub(crate) fn encode_without_signature<T: Serialize + Size>(
    value: &T,
    signature: &VarBytes,
) -> Result<Vec<u8>, Error> {
    let mut out = encode(value)?;
    let head = out
        .len()
        .checked_sub(signature.tls_serialized_len())
        .ok_or(Error::Internal("signature longer than its structure"))?;
    out.truncate(head);
    Ok(out)
}
