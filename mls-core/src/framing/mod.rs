//! Message framing (RFC 9420 §6): the content every handshake and
//! application message carries, its authentication, and the two wire forms
//! that protect it.
//!
//! Inbound and verified types are kept apart ("parse, don't validate"):
//! [`PublicMessage`], [`PrivateMessage`] and [`AuthenticatedContent`] are
//! what came off the wire, and nothing in them has been checked. The only way
//! to a [`VerifiedContent`] is through [`MessageProtection::unprotect`], which
//! checks the group, the epoch, the membership tag or the decryption, the
//! padding, the sender rules and the signature.

mod auth;
mod mls_message;
mod private_message;
mod protection;
mod public_message;
mod sender_data;

pub use auth::{AuthenticatedContent, FramedContentAuthData, VerifiedContent};
pub use mls_message::{MlsMessage, MlsMessageBody};
pub use private_message::{PaddingPolicy, PrivateMessage};
pub(crate) use protection::verify_public_message;
pub use protection::{EpochKeys, MessageProtection, SenderKeys};
pub use public_message::PublicMessage;
pub use sender_data::{SenderData, sender_data_key_nonce};

use crate::codec::VarBytes;
use crate::group::commit::Commit;
use crate::group::proposal::Proposal;
use crate::secret_tree::RatchetKind;
use tls_codec::{TlsDeserializeBytes, TlsSerialize, TlsSize};

/// `WireFormat` (§6, registry §17.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, TlsSerialize, TlsDeserializeBytes, TlsSize)]
#[repr(u16)]
pub enum WireFormat {
    /// `mls_public_message(1)`.
    PublicMessage = 1,
    /// `mls_private_message(2)`.
    PrivateMessage = 2,
    /// `mls_welcome(3)`.
    Welcome = 3,
    /// `mls_group_info(4)`.
    GroupInfo = 4,
    /// `mls_key_package(5)`.
    KeyPackage = 5,
}

/// `ContentType` (§6).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, TlsSerialize, TlsDeserializeBytes, TlsSize)]
#[repr(u8)]
pub enum ContentType {
    /// `application(1)`.
    Application = 1,
    /// `proposal(2)`.
    Proposal = 2,
    /// `commit(3)`.
    Commit = 3,
}

impl ContentType {
    /// The secret-tree ratchet that keys this content (§9.1).
    pub fn ratchet(self) -> RatchetKind {
        match self {
            ContentType::Application => RatchetKind::Application,
            ContentType::Proposal | ContentType::Commit => RatchetKind::Handshake,
        }
    }

    fn name(self) -> &'static str {
        match self {
            ContentType::Application => "application data",
            ContentType::Proposal => "a proposal",
            ContentType::Commit => "a commit",
        }
    }
}

/// `Sender` (§6): the sender type and, for members and external senders, an index.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, TlsSerialize, TlsDeserializeBytes, TlsSize)]
#[repr(u8)]
pub enum Sender {
    /// `member(1)`: the member at this leaf index.
    #[tls_codec(discriminant = 1)]
    Member(u32),
    /// `external(2)`: this index in the `external_senders` extension.
    #[tls_codec(discriminant = 2)]
    External(u32),
    /// `new_member_proposal(3)`: a prospective member proposing its own Add.
    #[tls_codec(discriminant = 3)]
    NewMemberProposal,
    /// `new_member_commit(4)`: a joiner's external commit.
    #[tls_codec(discriminant = 4)]
    NewMemberCommit,
}

impl Sender {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Sender::Member(_) => "member",
            Sender::External(_) => "external",
            Sender::NewMemberProposal => "new_member_proposal",
            Sender::NewMemberCommit => "new_member_commit",
        }
    }

    /// Whether the signature covers the GroupContext (§6.1: member and
    /// new_member_commit senders).
    fn signs_group_context(self) -> bool {
        matches!(self, Sender::Member(_) | Sender::NewMemberCommit)
    }
}

/// The body of a FramedContent: the `content_type` and what it selects (§6).
/// The enum's discriminant is the `content_type` byte on the wire.
#[derive(Clone, Debug, PartialEq, Eq, TlsSerialize, TlsDeserializeBytes, TlsSize)]
#[repr(u8)]
#[allow(clippy::large_enum_variant)] // one per message; boxing buys nothing
pub enum Content {
    /// `application(1)`: application data.
    #[tls_codec(discriminant = 1)]
    Application(VarBytes),
    /// `proposal(2)`.
    #[tls_codec(discriminant = 2)]
    Proposal(Proposal),
    /// `commit(3)`.
    #[tls_codec(discriminant = 3)]
    Commit(Commit),
}

impl Content {
    /// The content type.
    pub fn content_type(&self) -> ContentType {
        match self {
            Content::Application(_) => ContentType::Application,
            Content::Proposal(_) => ContentType::Proposal,
            Content::Commit(_) => ContentType::Commit,
        }
    }
}

/// `FramedContent` (§6).
#[derive(Clone, Debug, PartialEq, Eq, TlsSerialize, TlsDeserializeBytes, TlsSize)]
pub struct FramedContent {
    /// The group.
    pub group_id: VarBytes,
    /// The epoch the content was sent in.
    pub epoch: u64,
    /// Who sent it.
    pub sender: Sender,
    /// Application-chosen data authenticated with the content.
    pub authenticated_data: VarBytes,
    /// The content type and body.
    pub content: Content,
}

impl FramedContent {
    /// §6 sender rules: which sender types may send which content.
    /// new_member_commit sends only Commits, new_member_proposal only Add
    /// proposals, external senders only proposals (§12.1.8); members anything.
    pub(crate) fn check_sender_rules(&self) -> Result<(), crate::Error> {
        let allowed = matches!(
            (self.sender, &self.content),
            (Sender::Member(_), _)
                | (Sender::NewMemberCommit, Content::Commit(_))
                | (
                    Sender::NewMemberProposal,
                    Content::Proposal(Proposal::Add(_))
                )
                | (Sender::External(_), Content::Proposal(_))
        );
        if allowed {
            Ok(())
        } else {
            let content = match (self.sender, &self.content) {
                (Sender::NewMemberProposal, Content::Proposal(_)) => "a proposal other than Add",
                (_, other) => other.content_type().name(),
            };
            Err(crate::ProtocolError::SenderContentMismatch {
                sender: self.sender.name(),
                content,
            }
            .into())
        }
    }
}

#[cfg(test)]
mod tests;
