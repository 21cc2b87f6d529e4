//! Transcript hashes and the confirmation tag (RFC 9420 §8.2).
//!
//! The hashes take the encoded `ConfirmedTranscriptHashInput` (built by
//! [`crate::framing::AuthenticatedContent::confirmed_transcript_hash_input`])
//! so that this module does not depend on the framing types.

use crate::codec::{VarBytes, encode};
use crate::error::Error;
use crate::provider::CipherSuiteProvider;
use crate::secret::{Secret, ct_eq};

/// `confirmed_transcript_hash_[n] = Hash(interim_transcript_hash_[n-1] ||
/// ConfirmedTranscriptHashInput_[n])`.
pub fn confirmed_transcript_hash(
    suite: &dyn CipherSuiteProvider,
    interim_before: &[u8],
    confirmed_input: &[u8],
) -> Result<Vec<u8>, Error> {
    let mut data = Vec::with_capacity(interim_before.len().saturating_add(confirmed_input.len()));
    data.extend_from_slice(interim_before);
    data.extend_from_slice(confirmed_input);
    Ok(suite.hash(&data)?)
}

/// `interim_transcript_hash_[n] = Hash(confirmed_transcript_hash_[n] ||
/// InterimTranscriptHashInput_[n])`, where the input is `MAC confirmation_tag`
/// (an `opaque<V>`).
pub fn interim_transcript_hash(
    suite: &dyn CipherSuiteProvider,
    confirmed: &[u8],
    confirmation_tag: &[u8],
) -> Result<Vec<u8>, Error> {
    let mut data = confirmed.to_vec();
    data.extend_from_slice(&encode(&VarBytes::from(confirmation_tag))?);
    Ok(suite.hash(&data)?)
}

/// `confirmation_tag = MAC(confirmation_key, confirmed_transcript_hash)`.
pub fn confirmation_tag(
    suite: &dyn CipherSuiteProvider,
    confirmation_key: &Secret,
    confirmed_transcript_hash: &[u8],
) -> Result<Vec<u8>, Error> {
    Ok(suite.mac(confirmation_key.as_bytes(), confirmed_transcript_hash)?)
}

/// Whether `tag` is the confirmation tag for the transcript hash: length
/// first, then a constant-time comparison (§6.1, CHECKLIST "tag comparison").
pub fn verify_confirmation_tag(
    suite: &dyn CipherSuiteProvider,
    confirmation_key: &Secret,
    confirmed_transcript_hash: &[u8],
    tag: &[u8],
) -> Result<bool, Error> {
    let expected = confirmation_tag(suite, confirmation_key, confirmed_transcript_hash)?;
    Ok(ct_eq(&expected, tag))
}
