//! PublicMessage (RFC 9420 §6.2): signed content, plus a membership tag when
//! the sender is a member.

use super::auth::FramedContentTbs;
use super::{
    AuthenticatedContent, ContentType, FramedContent, FramedContentAuthData, Sender, WireFormat,
};
use crate::codec::{VarBytes, encode_into};
use crate::error::{Error, Misuse, ProtocolError};
use crate::key_schedule::GroupContext;
use crate::provider::CipherSuiteProvider;
use crate::secret::{Secret, ct_eq};
use std::io::Write;
use tls_codec::{DeserializeBytes, Serialize, Size};

/// `PublicMessage` (§6.2) as it travels. Decoding checks only the structure;
/// [`MessageProtection::unprotect`](super::MessageProtection::unprotect)
/// checks the rest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublicMessage {
    /// The content.
    pub content: FramedContent,
    /// Signature and, for commits, confirmation tag.
    pub auth: FramedContentAuthData,
    /// `MAC(membership_key, AuthenticatedContentTBM)`; present exactly when
    /// the sender is a member.
    pub membership_tag: Option<VarBytes>,
}

impl PublicMessage {
    /// Wraps signed content for sending, adding the membership tag for a
    /// member sender (§6.2).
    pub fn from_authenticated(
        suite: &dyn CipherSuiteProvider,
        content: AuthenticatedContent,
        membership_key: &Secret,
        context: &GroupContext,
    ) -> Result<Self, Error> {
        if content.wire_format != WireFormat::PublicMessage {
            return Err(Misuse::WrongWireFormat.into());
        }
        if content.content.content.content_type() == ContentType::Application {
            return Err(Misuse::ApplicationDataAsPublicMessage.into());
        }
        let mut message = Self {
            content: content.content,
            auth: content.auth,
            membership_tag: None,
        };
        if matches!(message.content.sender, Sender::Member(_)) {
            let tag = suite.mac(membership_key.as_bytes(), &message.tbm(context)?)?;
            message.membership_tag = Some(VarBytes::new(tag));
        }
        Ok(message)
    }

    /// `AuthenticatedContentTBM` (§6.2): `FramedContentTBS || auth`.
    fn tbm(&self, context: &GroupContext) -> Result<Vec<u8>, Error> {
        let tbs = FramedContentTbs::new(WireFormat::PublicMessage, &self.content, Some(context))?;
        let mut out = Vec::with_capacity(
            tbs.tls_serialized_len()
                .saturating_add(self.auth.serialized_len()),
        );
        encode_into(&tbs, &mut out)?;
        self.auth
            .serialize(self.content.content.content_type(), &mut out)?;
        Ok(out)
    }

    /// Checks the membership tag of a member's message: present, `KDF.Nh`
    /// bytes long, then equal in constant time (§6.2).
    pub(crate) fn verify_membership_tag(
        &self,
        suite: &dyn CipherSuiteProvider,
        membership_key: &Secret,
        context: &GroupContext,
    ) -> Result<(), Error> {
        let Some(tag) = self.check_membership_tag_shape(suite)? else {
            return Ok(());
        };
        let expected = suite.mac(membership_key.as_bytes(), &self.tbm(context)?)?;
        if ct_eq(&expected, tag) {
            Ok(())
        } else {
            Err(ProtocolError::MembershipTagMismatch.into())
        }
    }

    /// What can be checked of the membership tag without the membership
    /// key (§6.2): present, `KDF.Nh` bytes long, exactly when the sender
    /// is a member. Returns the tag of a member's message.
    pub(crate) fn check_membership_tag_shape(
        &self,
        suite: &dyn CipherSuiteProvider,
    ) -> Result<Option<&[u8]>, Error> {
        match (self.content.sender, &self.membership_tag) {
            (Sender::Member(_), None) => Err(ProtocolError::MembershipTagMissing.into()),
            (Sender::Member(_), Some(tag)) => {
                if tag.as_slice().len() != suite.hash_len() {
                    return Err(ProtocolError::MacLength {
                        what: "membership_tag",
                        expected: suite.hash_len(),
                        actual: tag.as_slice().len(),
                    }
                    .into());
                }
                Ok(Some(tag.as_slice()))
            }
            (_, Some(_)) => Err(ProtocolError::UnexpectedMembershipTag.into()),
            (_, None) => Ok(None),
        }
    }

    /// The content and its authentication, still unverified.
    pub fn into_authenticated(self) -> AuthenticatedContent {
        AuthenticatedContent {
            wire_format: WireFormat::PublicMessage,
            content: self.content,
            auth: self.auth,
        }
    }
}

impl Size for PublicMessage {
    fn tls_serialized_len(&self) -> usize {
        self.content
            .tls_serialized_len()
            .saturating_add(self.auth.serialized_len())
            .saturating_add(
                self.membership_tag
                    .as_ref()
                    .map_or(0, Size::tls_serialized_len),
            )
    }
}

impl Serialize for PublicMessage {
    fn tls_serialize<W: Write>(&self, writer: &mut W) -> Result<usize, tls_codec::Error> {
        let mut written = self.content.tls_serialize(writer)?;
        written = written.saturating_add(
            self.auth
                .serialize(self.content.content.content_type(), writer)?,
        );
        let is_member = matches!(self.content.sender, Sender::Member(_));
        match (is_member, &self.membership_tag) {
            (true, Some(tag)) => written = written.saturating_add(tag.tls_serialize(writer)?),
            (false, None) => {}
            (true, None) => {
                return Err(tls_codec::Error::EncodingError(
                    "a member's PublicMessage needs a membership_tag".into(),
                ));
            }
            (false, Some(_)) => {
                return Err(tls_codec::Error::EncodingError(
                    "only a member's PublicMessage carries a membership_tag".into(),
                ));
            }
        }
        Ok(written)
    }
}

impl DeserializeBytes for PublicMessage {
    fn tls_deserialize_bytes(bytes: &[u8]) -> Result<(Self, &[u8]), tls_codec::Error> {
        let (content, rest) = FramedContent::tls_deserialize_bytes(bytes)?;
        let (auth, rest) =
            FramedContentAuthData::deserialize(content.content.content_type(), rest)?;
        let (membership_tag, rest) = if matches!(content.sender, Sender::Member(_)) {
            let (tag, rest) = VarBytes::tls_deserialize_bytes(rest)?;
            (Some(tag), rest)
        } else {
            (None, rest)
        };
        Ok((
            Self {
                content,
                auth,
                membership_tag,
            },
            rest,
        ))
    }
}
