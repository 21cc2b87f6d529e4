//! Sender data of a PrivateMessage (RFC 9420 §6.3.2): who sent it, at which
//! generation, and the reuse guard, encrypted under a key sampled from the
//! content ciphertext.

use super::ContentType;
use crate::codec::VarBytes;
use crate::crypto::expand_with_label;
use crate::error::{Error, Misuse};
use crate::provider::CipherSuiteProvider;
use crate::secret::Secret;
use tls_codec::{TlsDeserializeBytes, TlsSerialize, TlsSize};

/// `SenderData` (§6.3.2).
#[derive(Clone, Debug, PartialEq, Eq, TlsSerialize, TlsDeserializeBytes, TlsSize)]
pub struct SenderData {
    /// The sender's leaf.
    pub leaf_index: u32,
    /// The generation of the sender's ratchet that keyed the content.
    pub generation: u32,
    /// Four random bytes XORed into the content nonce (§6.3.1).
    pub reuse_guard: [u8; 4],
}

/// `SenderDataAAD` (§6.3.2).
#[derive(TlsSerialize, TlsSize)]
pub(crate) struct SenderDataAad<'a> {
    pub(crate) group_id: &'a VarBytes,
    pub(crate) epoch: u64,
    pub(crate) content_type: ContentType,
}

/// `sender_data_key` and `sender_data_nonce` (§6.3.2): `ExpandWithLabel(
/// sender_data_secret, "key"/"nonce", ciphertext_sample, AEAD.Nk/AEAD.Nn)`,
/// where the sample is the first `KDF.Nh` bytes of the content ciphertext
/// (all of it if shorter).
pub fn sender_data_key_nonce(
    suite: &dyn CipherSuiteProvider,
    sender_data_secret: &Secret,
    ciphertext: &[u8],
) -> Result<(Secret, Secret), Error> {
    let sample = ciphertext.get(..suite.hash_len()).unwrap_or(ciphertext);
    let nk = u16::try_from(suite.aead_key_len()).map_err(|_| Misuse::TooLarge("AEAD key"))?;
    let nn = u16::try_from(suite.aead_nonce_len()).map_err(|_| Misuse::TooLarge("AEAD nonce"))?;
    let key = expand_with_label(suite, sender_data_secret.as_bytes(), "key", sample, nk)?;
    let nonce = expand_with_label(suite, sender_data_secret.as_bytes(), "nonce", sample, nn)?;
    Ok((key, nonce))
}
