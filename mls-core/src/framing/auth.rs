//! Authentication of FramedContent (RFC 9420 §6.1): the signature over
//! `FramedContentTBS`, the confirmation tag of commits, and the verified
//! content type that only successful checks produce.

use super::{Content, ContentType, FramedContent, WireFormat};
use crate::cipher_suite::ProtocolVersion;
use crate::codec::{VarBytes, encode};
use crate::crypto::{sign_encoded_with_label, verify_encoded_with_label};
use crate::error::{Error, Misuse, ProtocolError};
use crate::key_schedule::GroupContext;
use crate::provider::{CipherSuiteProvider, Signer};
use std::io::Write;
use tls_codec::{DeserializeBytes, Serialize, Size};

/// `FramedContentAuthData` (§6.1). `confirmation_tag` is present exactly
/// when the content is a Commit; the encoder refuses anything else.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FramedContentAuthData {
    /// `SignWithLabel(., "FramedContentTBS", FramedContentTBS)`.
    pub signature: VarBytes,
    /// The commit's confirmation tag (§8.2).
    pub confirmation_tag: Option<VarBytes>,
}

impl FramedContentAuthData {
    pub(crate) fn serialized_len(&self) -> usize {
        self.signature.tls_serialized_len().saturating_add(
            self.confirmation_tag
                .as_ref()
                .map_or(0, Size::tls_serialized_len),
        )
    }

    pub(crate) fn serialize<W: Write>(
        &self,
        content_type: ContentType,
        writer: &mut W,
    ) -> Result<usize, tls_codec::Error> {
        let mut written = self.signature.tls_serialize(writer)?;
        match (content_type, &self.confirmation_tag) {
            (ContentType::Commit, Some(tag)) => {
                written = written.saturating_add(tag.tls_serialize(writer)?)
            }
            (ContentType::Commit, None) => {
                return Err(tls_codec::Error::EncodingError(
                    "a commit needs a confirmation_tag".into(),
                ));
            }
            (_, None) => {}
            (_, Some(_)) => {
                return Err(tls_codec::Error::EncodingError(
                    "only a commit carries a confirmation_tag".into(),
                ));
            }
        }
        Ok(written)
    }

    pub(crate) fn deserialize(
        content_type: ContentType,
        bytes: &[u8],
    ) -> Result<(Self, &[u8]), tls_codec::Error> {
        let (signature, rest) = VarBytes::tls_deserialize_bytes(bytes)?;
        let (confirmation_tag, rest) = if content_type == ContentType::Commit {
            let (tag, rest) = VarBytes::tls_deserialize_bytes(rest)?;
            (Some(tag), rest)
        } else {
            (None, rest)
        };
        Ok((
            Self {
                signature,
                confirmation_tag,
            },
            rest,
        ))
    }
}

/// `FramedContentTBS` (§6.1), borrowed, encoded by hand because its last
/// field depends on the sender type. Signing and verifying encode it
/// straight into the `SignContent` around it, so an application message's
/// data is copied once.
pub(crate) struct FramedContentTbs<'a> {
    wire_format: WireFormat,
    content: &'a FramedContent,
    context: Option<&'a GroupContext>,
}

impl<'a> FramedContentTbs<'a> {
    /// Fails if the sender signs the group context (§6.1) and none is given.
    pub(crate) fn new(
        wire_format: WireFormat,
        content: &'a FramedContent,
        context: Option<&'a GroupContext>,
    ) -> Result<Self, Error> {
        let context = if content.sender.signs_group_context() {
            Some(context.ok_or(Misuse::MissingGroupContext)?)
        } else {
            None
        };
        Ok(Self {
            wire_format,
            content,
            context,
        })
    }
}

impl Size for FramedContentTbs<'_> {
    fn tls_serialized_len(&self) -> usize {
        ProtocolVersion
            .tls_serialized_len()
            .saturating_add(self.wire_format.tls_serialized_len())
            .saturating_add(self.content.tls_serialized_len())
            .saturating_add(self.context.map_or(0, Size::tls_serialized_len))
    }
}

impl Serialize for FramedContentTbs<'_> {
    fn tls_serialize<W: Write>(&self, writer: &mut W) -> Result<usize, tls_codec::Error> {
        let mut written = ProtocolVersion.tls_serialize(writer)?;
        written = written.saturating_add(self.wire_format.tls_serialize(writer)?);
        written = written.saturating_add(self.content.tls_serialize(writer)?);
        if let Some(context) = self.context {
            written = written.saturating_add(context.tls_serialize(writer)?);
        }
        Ok(written)
    }
}

/// `AuthenticatedContent` (§6.1): content, the wire format it travels in,
/// and its authentication. As decoded from bytes nothing in it is checked;
/// see [`VerifiedContent`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuthenticatedContent {
    /// The wire format the content is (or will be) sent in.
    pub wire_format: WireFormat,
    /// The content.
    pub content: FramedContent,
    /// Signature and, for commits, confirmation tag.
    pub auth: FramedContentAuthData,
}

impl AuthenticatedContent {
    /// Signs `content` for sending in `wire_format` (§6.1). For a Commit the
    /// confirmation tag is set afterwards with
    /// [`set_confirmation_tag`](Self::set_confirmation_tag), since it depends
    /// on the transcript hash over this signature (§8.2).
    pub fn sign(
        suite: &dyn CipherSuiteProvider,
        signer: &dyn Signer,
        wire_format: WireFormat,
        content: FramedContent,
        context: Option<&GroupContext>,
    ) -> Result<Self, Error> {
        if wire_format == WireFormat::PublicMessage
            && content.content.content_type() == ContentType::Application
        {
            return Err(Misuse::ApplicationDataAsPublicMessage.into());
        }
        let tbs = FramedContentTbs::new(wire_format, &content, context)?;
        let signature = sign_encoded_with_label(signer, suite, "FramedContentTBS", &tbs)?;
        Ok(Self {
            wire_format,
            content,
            auth: FramedContentAuthData {
                signature: VarBytes::new(signature),
                confirmation_tag: None,
            },
        })
    }

    /// Sets a Commit's confirmation tag.
    pub fn set_confirmation_tag(&mut self, tag: Vec<u8>) {
        self.auth.confirmation_tag = Some(VarBytes::new(tag));
    }

    /// Checks the signature under `public_key` (§6.1).
    pub(crate) fn verify_signature(
        &self,
        suite: &dyn CipherSuiteProvider,
        public_key: &[u8],
        context: Option<&GroupContext>,
    ) -> Result<(), Error> {
        let tbs = FramedContentTbs::new(self.wire_format, &self.content, context)?;
        verify_encoded_with_label(
            suite,
            public_key,
            "FramedContentTBS",
            &tbs,
            self.auth.signature.as_slice(),
        )
        .map_err(|err| match err {
            // A malformed key keeps its own name (§5.1.1).
            err @ Error::Protocol(ProtocolError::MalformedSignatureKey { .. }) => err,
            _ => ProtocolError::ContentSignatureInvalid.into(),
        })
    }

    /// The encoded `ConfirmedTranscriptHashInput` (§8.2): wire format,
    /// content and signature.
    pub fn confirmed_transcript_hash_input(&self) -> Result<Vec<u8>, Error> {
        let mut out = encode(&self.wire_format)?;
        out.extend(encode(&self.content)?);
        out.extend(encode(&self.auth.signature)?);
        Ok(out)
    }
}

impl Size for AuthenticatedContent {
    fn tls_serialized_len(&self) -> usize {
        self.wire_format
            .tls_serialized_len()
            .saturating_add(self.content.tls_serialized_len())
            .saturating_add(self.auth.serialized_len())
    }
}

impl Serialize for AuthenticatedContent {
    fn tls_serialize<W: Write>(&self, writer: &mut W) -> Result<usize, tls_codec::Error> {
        let a = self.wire_format.tls_serialize(writer)?;
        let b = self.content.tls_serialize(writer)?;
        let c = self
            .auth
            .serialize(self.content.content.content_type(), writer)?;
        Ok(a.saturating_add(b).saturating_add(c))
    }
}

impl DeserializeBytes for AuthenticatedContent {
    fn tls_deserialize_bytes(bytes: &[u8]) -> Result<(Self, &[u8]), tls_codec::Error> {
        let (wire_format, rest) = WireFormat::tls_deserialize_bytes(bytes)?;
        let (content, rest) = FramedContent::tls_deserialize_bytes(rest)?;
        let (auth, rest) =
            FramedContentAuthData::deserialize(content.content.content_type(), rest)?;
        Ok((
            Self {
                wire_format,
                content,
                auth,
            },
            rest,
        ))
    }
}

/// Content whose group, epoch, membership tag or decryption, padding,
/// sender rules and signature were checked. Only
/// [`MessageProtection::unprotect`](super::MessageProtection::unprotect)
/// makes one. A Commit's confirmation tag is checked by the group once it
/// has derived the new epoch (§12.4.2); its presence is checked here.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifiedContent(AuthenticatedContent);

impl VerifiedContent {
    pub(crate) fn new(content: AuthenticatedContent) -> Self {
        Self(content)
    }

    /// The verified content and its authentication.
    pub fn authenticated_content(&self) -> &AuthenticatedContent {
        &self.0
    }

    /// The sender.
    pub fn sender(&self) -> super::Sender {
        self.0.content.sender
    }

    /// The epoch the content was sent in.
    pub fn epoch(&self) -> u64 {
        self.0.content.epoch
    }

    /// The content body.
    pub fn content(&self) -> &Content {
        &self.0.content.content
    }

    /// The authenticated data.
    pub fn authenticated_data(&self) -> &[u8] {
        self.0.content.authenticated_data.as_slice()
    }

    /// Gives up the verified wrapper.
    pub fn into_authenticated_content(self) -> AuthenticatedContent {
        self.0
    }
}
