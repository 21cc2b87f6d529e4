//! PrivateMessage (RFC 9420 §6.3): content and its signature encrypted with a
//! key from the sender's ratchet, the sender encrypted under a key sampled
//! from that ciphertext.

use super::sender_data::{SenderDataAad, sender_data_key_nonce};
use super::{
    AuthenticatedContent, Content, ContentType, FramedContent, FramedContentAuthData, Sender,
    SenderData, WireFormat,
};
use crate::codec::{VarBytes, decode_exact, encode, encode_into};
use crate::error::{Error, Misuse, ProtocolError, undecryptable};
use crate::group::commit::Commit;
use crate::group::proposal::Proposal;
use crate::provider::{CipherSuiteProvider, RandProvider};
use crate::secret::Secret;
use crate::secret_tree::{PendingRatchet, SecretTree};
use crate::tree_math::LeafIndex;
use tls_codec::{DeserializeBytes, Size, TlsDeserializeBytes, TlsSerialize, TlsSize};

/// `PrivateMessage` (§6.3) as it travels; nothing in it is checked.
#[derive(Clone, Debug, PartialEq, Eq, TlsSerialize, TlsDeserializeBytes, TlsSize)]
pub struct PrivateMessage {
    /// The group.
    pub group_id: VarBytes,
    /// The epoch whose keys encrypt the message.
    pub epoch: u64,
    /// The content type (which ratchet keyed it).
    pub content_type: ContentType,
    /// Application-chosen data, authenticated but not encrypted.
    pub authenticated_data: VarBytes,
    /// The encrypted `SenderData`.
    pub encrypted_sender_data: VarBytes,
    /// The encrypted `PrivateMessageContent`.
    pub ciphertext: VarBytes,
}

/// How much zero padding a PrivateMessage gets (§6.3.1). Padding hides the
/// content length from anyone outside the group.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum PaddingPolicy {
    /// No padding.
    #[default]
    None,
    /// Pad the encrypted content to a multiple of this many bytes.
    Multiple(u16),
}

impl PaddingPolicy {
    pub(crate) fn padding_for(self, len: usize) -> usize {
        match self {
            PaddingPolicy::None | PaddingPolicy::Multiple(0) => 0,
            PaddingPolicy::Multiple(m) => {
                let m = usize::from(m);
                // m > 0 here, so neither remainder can fail.
                let rem = len.checked_rem(m).unwrap_or(0);
                m.saturating_sub(rem).checked_rem(m).unwrap_or(0)
            }
        }
    }
}

/// `PrivateContentAAD` (§6.3.1).
#[derive(TlsSerialize, TlsSize)]
struct PrivateContentAad<'a> {
    group_id: &'a VarBytes,
    epoch: u64,
    content_type: ContentType,
    authenticated_data: &'a VarBytes,
}

/// Encodes `PrivateMessageContent` (§6.3.1): the body without its type
/// byte, the auth data, and `padding` zero bytes.
fn encode_content(
    content: &AuthenticatedContent,
    padding: PaddingPolicy,
) -> Result<Vec<u8>, Error> {
    let body = &content.content.content;
    let len = match body {
        Content::Application(data) => data.tls_serialized_len(),
        Content::Proposal(p) => p.tls_serialized_len(),
        Content::Commit(c) => c.tls_serialized_len(),
    }
    .saturating_add(content.auth.serialized_len());
    let pad = padding.padding_for(len);
    // Sized once for content, signature and padding: no regrowth copies.
    let mut out = Vec::with_capacity(len.saturating_add(pad));
    match body {
        Content::Application(data) => encode_into(data, &mut out)?,
        Content::Proposal(p) => encode_into(p, &mut out)?,
        Content::Commit(c) => encode_into(c, &mut out)?,
    }
    content.auth.serialize(body.content_type(), &mut out)?;
    out.resize(out.len().saturating_add(pad), 0);
    Ok(out)
}

/// Decodes `PrivateMessageContent`; every padding byte must be zero.
fn decode_content(
    content_type: ContentType,
    bytes: &[u8],
) -> Result<(Content, FramedContentAuthData), Error> {
    let (content, rest) = match content_type {
        ContentType::Application => {
            let (d, rest) = VarBytes::tls_deserialize_bytes(bytes)?;
            (Content::Application(d), rest)
        }
        ContentType::Proposal => {
            let (p, rest) = Proposal::tls_deserialize_bytes(bytes)?;
            (Content::Proposal(p), rest)
        }
        ContentType::Commit => {
            let (c, rest) = Commit::tls_deserialize_bytes(bytes)?;
            (Content::Commit(c), rest)
        }
    };
    let (auth, padding) = FramedContentAuthData::deserialize(content_type, rest)?;
    if padding.iter().any(|&b| b != 0) {
        return Err(ProtocolError::NonZeroPadding.into());
    }
    Ok((content, auth))
}

/// XORs the reuse guard into the first four bytes of the nonce (§6.3.1).
fn guard_nonce(nonce: &Secret, reuse_guard: [u8; 4]) -> Secret {
    let mut bytes = nonce.as_bytes().to_vec();
    for (b, g) in bytes.iter_mut().zip(reuse_guard) {
        *b ^= g;
    }
    Secret::new(bytes)
}

impl PrivateMessage {
    /// Encrypts signed content from a member (§6.3). The message key is
    /// consumed from `secret_tree` before this returns.
    pub fn encrypt(
        suite: &dyn CipherSuiteProvider,
        content: &AuthenticatedContent,
        secret_tree: &mut SecretTree,
        sender_data_secret: &Secret,
        padding: PaddingPolicy,
        rand: &dyn RandProvider,
    ) -> Result<Self, Error> {
        if content.wire_format != WireFormat::PrivateMessage {
            return Err(Misuse::WrongWireFormat.into());
        }
        let Sender::Member(leaf) = content.content.sender else {
            return Err(Misuse::NonMemberPrivateMessage.into());
        };
        let framed = &content.content;
        let content_type = framed.content.content_type();
        let plaintext = Secret::new(encode_content(content, padding)?);
        let (generation, key) =
            secret_tree.next_sending_key(suite, LeafIndex(leaf), content_type.ratchet())?;
        let mut reuse_guard = [0u8; 4];
        rand.fill(&mut reuse_guard)?;
        let aad = encode(&PrivateContentAad {
            group_id: &framed.group_id,
            epoch: framed.epoch,
            content_type,
            authenticated_data: &framed.authenticated_data,
        })?;
        let ciphertext = suite.aead_seal(
            key.key.as_bytes(),
            guard_nonce(&key.nonce, reuse_guard).as_bytes(),
            &aad,
            plaintext.as_bytes(),
        )?;
        let sender_data = encode(&SenderData {
            leaf_index: leaf,
            generation,
            reuse_guard,
        })?;
        let (sd_key, sd_nonce) = sender_data_key_nonce(suite, sender_data_secret, &ciphertext)?;
        let sd_aad = encode(&SenderDataAad {
            group_id: &framed.group_id,
            epoch: framed.epoch,
            content_type,
        })?;
        let encrypted_sender_data = suite.aead_seal(
            sd_key.as_bytes(),
            sd_nonce.as_bytes(),
            &sd_aad,
            &sender_data,
        )?;
        Ok(Self {
            group_id: framed.group_id.clone(),
            epoch: framed.epoch,
            content_type,
            authenticated_data: framed.authenticated_data.clone(),
            encrypted_sender_data: VarBytes::new(encrypted_sender_data),
            ciphertext: VarBytes::new(ciphertext),
        })
    }

    /// Decrypts the sender data and the content (§6.3.2, §6.3.1). The tree
    /// is not changed: the returned pending state is committed by the caller
    /// once the signature has been checked too.
    pub(crate) fn decrypt(
        &self,
        suite: &dyn CipherSuiteProvider,
        secret_tree: &SecretTree,
        sender_data_secret: &Secret,
    ) -> Result<(AuthenticatedContent, PendingRatchet), Error> {
        let (sd_key, sd_nonce) =
            sender_data_key_nonce(suite, sender_data_secret, self.ciphertext.as_slice())?;
        let sd_aad = encode(&SenderDataAad {
            group_id: &self.group_id,
            epoch: self.epoch,
            content_type: self.content_type,
        })?;
        let sender_data = suite
            .aead_open(
                sd_key.as_bytes(),
                sd_nonce.as_bytes(),
                &sd_aad,
                self.encrypted_sender_data.as_slice(),
            )
            .map_err(undecryptable("PrivateMessage sender data"))?;
        let sender_data: SenderData = decode_exact(sender_data.as_bytes())?;
        let leaf_count = secret_tree.size().leaf_count();
        if sender_data.leaf_index >= leaf_count {
            return Err(ProtocolError::SenderLeafOutOfRange {
                leaf: sender_data.leaf_index,
                leaf_count,
            }
            .into());
        }
        let (key, pending) = secret_tree.key_for_receiving(
            suite,
            LeafIndex(sender_data.leaf_index),
            self.content_type.ratchet(),
            sender_data.generation,
        )?;
        let aad = encode(&PrivateContentAad {
            group_id: &self.group_id,
            epoch: self.epoch,
            content_type: self.content_type,
            authenticated_data: &self.authenticated_data,
        })?;
        let plaintext = suite
            .aead_open(
                key.key.as_bytes(),
                guard_nonce(&key.nonce, sender_data.reuse_guard).as_bytes(),
                &aad,
                self.ciphertext.as_slice(),
            )
            .map_err(undecryptable("PrivateMessage content"))?;
        let (content, auth) = decode_content(self.content_type, plaintext.as_bytes())?;
        let content = AuthenticatedContent {
            wire_format: WireFormat::PrivateMessage,
            content: FramedContent {
                group_id: self.group_id.clone(),
                epoch: self.epoch,
                sender: Sender::Member(sender_data.leaf_index),
                authenticated_data: self.authenticated_data.clone(),
                content,
            },
            auth,
        };
        Ok((content, pending))
    }
}
