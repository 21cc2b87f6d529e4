//! Proposals (RFC 9420 §12.1) and the references that name them (§5.2).
//!
//! Decoding checks syntax only. Whether a proposal is allowed where it
//! appears, and whether a list of proposals is valid together (§12.2), is
//! decided when a commit is processed.

use crate::codec::VarBytes;
use crate::crypto::ref_hash;
use crate::error::Error;
use crate::extensions::Extensions;
use crate::key_package::KeyPackage;
use crate::key_schedule::PreSharedKeyId;
use crate::provider::CipherSuiteProvider;
use crate::tree::leaf_node::LeafNode;
use crate::{CipherSuite, ProtocolVersion};
use std::io::Write;
use tls_codec::{DeserializeBytes, Serialize, Size, TlsDeserializeBytes, TlsSerialize, TlsSize};

/// The `RefHash` label of a ProposalRef (§5.2).
const REF_LABEL: &[u8] = b"MLS 1.0 Proposal Reference";

crate::codec::code_point! {
    /// `ProposalType` (§12.1, registry §17.4): a `uint16` code. Kept as a raw
    /// code so capability lists keep unknown and GREASE values (§13.5).
    ProposalType
}

impl ProposalType {
    /// `add(1)` (§12.1.1).
    pub const ADD: Self = Self(0x0001);
    /// `update(2)` (§12.1.2).
    pub const UPDATE: Self = Self(0x0002);
    /// `remove(3)` (§12.1.3).
    pub const REMOVE: Self = Self(0x0003);
    /// `psk(4)` (§12.1.4).
    pub const PSK: Self = Self(0x0004);
    /// `reinit(5)` (§12.1.5).
    pub const REINIT: Self = Self(0x0005);
    /// `external_init(6)` (§12.1.6).
    pub const EXTERNAL_INIT: Self = Self(0x0006);
    /// `group_context_extensions(7)` (§12.1.7).
    pub const GROUP_CONTEXT_EXTENSIONS: Self = Self(0x0007);

    /// Whether RFC 9420 assigns this code: `reserved(0)` or one of the seven
    /// proposal types above.
    pub fn is_rfc_assigned(self) -> bool {
        self.0 <= Self::GROUP_CONTEXT_EXTENSIONS.0
    }
}

/// `Add` (§12.1.1): add the client of `key_package` to the group.
#[derive(Clone, Debug, PartialEq, Eq, TlsSerialize, TlsDeserializeBytes, TlsSize)]
pub struct Add {
    /// The new member's KeyPackage.
    pub key_package: KeyPackage,
}

/// `Update` (§12.1.2): replace the sender's leaf.
#[derive(Clone, Debug, PartialEq, Eq, TlsSerialize, TlsDeserializeBytes, TlsSize)]
pub struct Update {
    /// The sender's new leaf (source `update`).
    pub leaf_node: LeafNode,
}

/// `Remove` (§12.1.3): remove the member at leaf index `removed`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, TlsSerialize, TlsDeserializeBytes, TlsSize)]
pub struct Remove {
    /// The leaf index of the member to remove.
    pub removed: u32,
}

/// `PreSharedKey` (§12.1.4): inject a PSK into the next epoch.
#[derive(Clone, Debug, PartialEq, Eq, TlsSerialize, TlsDeserializeBytes, TlsSize)]
pub struct PreSharedKey {
    /// Which PSK, with a fresh nonce.
    pub psk: PreSharedKeyId,
}

/// `ReInit` (§12.1.5): close the group and start a new one with these
/// parameters.
///
/// `version` is [`ProtocolVersion`], which decodes only `mls10`: a ReInit
/// to a version this library does not implement fails to decode, where it
/// would otherwise fail when acted on.
#[derive(Clone, Debug, PartialEq, Eq, TlsSerialize, TlsDeserializeBytes, TlsSize)]
pub struct ReInit {
    /// The new group's id.
    pub group_id: VarBytes,
    /// The new group's protocol version.
    pub version: ProtocolVersion,
    /// The new group's cipher suite.
    pub cipher_suite: CipherSuite,
    /// The new group's GroupContext extensions.
    pub extensions: Extensions,
}

/// `ExternalInit` (§12.1.6): the KEM output from which the group derives
/// an external joiner's `init_secret` (§8.3).
#[derive(Clone, Debug, PartialEq, Eq, TlsSerialize, TlsDeserializeBytes, TlsSize)]
pub struct ExternalInit {
    /// The HPKE encapsulation.
    pub kem_output: VarBytes,
}

/// `GroupContextExtensions` (§12.1.7): replace the group's extensions.
#[derive(Clone, Debug, PartialEq, Eq, TlsSerialize, TlsDeserializeBytes, TlsSize)]
pub struct GroupContextExtensions {
    /// The new GroupContext extensions.
    pub extensions: Extensions,
}

/// A proposal of a type RFC 9420 does not assign, with its body kept as
/// bytes.
///
/// RFC 9420 gives a proposal no length prefix around its body, so an
/// unknown type cannot be skipped in general. We follow mls-rs: a custom
/// proposal's body is `opaque data<V>`, which lets a receiver carry and
/// re-encode proposals of types it does not interpret. Whether such a
/// proposal is acceptable (every member must list its type in its
/// capabilities, §12.1) is a commit-time rule.
///
/// The fields are private so that a custom proposal can never claim an
/// RFC-assigned type, whose body has a different encoding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CustomProposal {
    proposal_type: ProposalType,
    data: VarBytes,
}

impl CustomProposal {
    /// A custom proposal, or `None` if `proposal_type` is one RFC 9420
    /// assigns (0 to 7).
    pub fn new(proposal_type: ProposalType, data: VarBytes) -> Option<Self> {
        (!proposal_type.is_rfc_assigned()).then_some(Self {
            proposal_type,
            data,
        })
    }

    /// The proposal's type code.
    pub fn proposal_type(&self) -> ProposalType {
        self.proposal_type
    }

    /// The proposal's body.
    pub fn data(&self) -> &VarBytes {
        &self.data
    }
}

/// `Proposal` (§12.1): `ProposalType proposal_type` and the body it selects.
///
/// Decoding `reserved(0)` is
/// [`DecodeError::UnknownValue`](crate::error::DecodeError::UnknownValue);
/// a code RFC 9420 does not assign becomes [`Proposal::Custom`].
#[derive(Clone, Debug, PartialEq, Eq)]
// A commit carries a handful of proposals; boxing the large Add and Update
// bodies would cost an allocation each for no measurable gain.
#[allow(clippy::large_enum_variant)]
pub enum Proposal {
    /// `add(1)`.
    Add(Add),
    /// `update(2)`.
    Update(Update),
    /// `remove(3)`.
    Remove(Remove),
    /// `psk(4)`.
    PreSharedKey(PreSharedKey),
    /// `reinit(5)`.
    ReInit(ReInit),
    /// `external_init(6)`.
    ExternalInit(ExternalInit),
    /// `group_context_extensions(7)`.
    GroupContextExtensions(GroupContextExtensions),
    /// Any type RFC 9420 does not assign, body as `opaque data<V>`.
    Custom(CustomProposal),
}

impl Proposal {
    /// The proposal's type code.
    pub fn proposal_type(&self) -> ProposalType {
        match self {
            Self::Add(_) => ProposalType::ADD,
            Self::Update(_) => ProposalType::UPDATE,
            Self::Remove(_) => ProposalType::REMOVE,
            Self::PreSharedKey(_) => ProposalType::PSK,
            Self::ReInit(_) => ProposalType::REINIT,
            Self::ExternalInit(_) => ProposalType::EXTERNAL_INIT,
            Self::GroupContextExtensions(_) => ProposalType::GROUP_CONTEXT_EXTENSIONS,
            Self::Custom(c) => c.proposal_type,
        }
    }
}

impl Size for Proposal {
    fn tls_serialized_len(&self) -> usize {
        let body = match self {
            Self::Add(p) => p.tls_serialized_len(),
            Self::Update(p) => p.tls_serialized_len(),
            Self::Remove(p) => p.tls_serialized_len(),
            Self::PreSharedKey(p) => p.tls_serialized_len(),
            Self::ReInit(p) => p.tls_serialized_len(),
            Self::ExternalInit(p) => p.tls_serialized_len(),
            Self::GroupContextExtensions(p) => p.tls_serialized_len(),
            Self::Custom(p) => p.data.tls_serialized_len(),
        };
        body.saturating_add(2)
    }
}

impl Serialize for Proposal {
    fn tls_serialize<W: Write>(&self, writer: &mut W) -> Result<usize, tls_codec::Error> {
        let head = self.proposal_type().tls_serialize(writer)?;
        let body = match self {
            Self::Add(p) => p.tls_serialize(writer)?,
            Self::Update(p) => p.tls_serialize(writer)?,
            Self::Remove(p) => p.tls_serialize(writer)?,
            Self::PreSharedKey(p) => p.tls_serialize(writer)?,
            Self::ReInit(p) => p.tls_serialize(writer)?,
            Self::ExternalInit(p) => p.tls_serialize(writer)?,
            Self::GroupContextExtensions(p) => p.tls_serialize(writer)?,
            Self::Custom(p) => p.data.tls_serialize(writer)?,
        };
        Ok(head.saturating_add(body))
    }
}

/// Decodes a body of type `T` and wraps it in a [`Proposal`] variant.
fn body<T: DeserializeBytes>(
    bytes: &[u8],
    wrap: impl FnOnce(T) -> Proposal,
) -> Result<(Proposal, &[u8]), tls_codec::Error> {
    let (value, rest) = T::tls_deserialize_bytes(bytes)?;
    Ok((wrap(value), rest))
}

impl DeserializeBytes for Proposal {
    fn tls_deserialize_bytes(bytes: &[u8]) -> Result<(Self, &[u8]), tls_codec::Error> {
        let (proposal_type, rest) = ProposalType::tls_deserialize_bytes(bytes)?;
        match proposal_type {
            ProposalType::ADD => body(rest, Self::Add),
            ProposalType::UPDATE => body(rest, Self::Update),
            ProposalType::REMOVE => body(rest, Self::Remove),
            ProposalType::PSK => body(rest, Self::PreSharedKey),
            ProposalType::REINIT => body(rest, Self::ReInit),
            ProposalType::EXTERNAL_INIT => body(rest, Self::ExternalInit),
            ProposalType::GROUP_CONTEXT_EXTENSIONS => body(rest, Self::GroupContextExtensions),
            // Only `reserved(0)` is assigned and not matched above.
            reserved if reserved.is_rfc_assigned() => {
                Err(tls_codec::Error::UnknownValue(reserved.0.into()))
            }
            proposal_type => body(rest, |data| {
                Self::Custom(CustomProposal {
                    proposal_type,
                    data,
                })
            }),
        }
    }
}

/// `ProposalRef` (§5.2): `opaque HashReference<V>` naming a proposal sent
/// earlier in the epoch.
#[derive(
    Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, TlsSerialize, TlsDeserializeBytes, TlsSize,
)]
pub struct ProposalRef(pub VarBytes);

impl ProposalRef {
    /// `RefHash("MLS 1.0 Proposal Reference", authenticated_content)`
    /// (§5.2), where `authenticated_content` is the encoded
    /// `AuthenticatedContent` that carried the proposal.
    pub fn from_authenticated_content(
        suite: &dyn CipherSuiteProvider,
        authenticated_content: &[u8],
    ) -> Result<Self, Error> {
        Ok(Self(VarBytes::new(ref_hash(
            suite,
            REF_LABEL,
            authenticated_content,
        )?)))
    }

    /// The hash bytes.
    pub fn as_slice(&self) -> &[u8] {
        self.0.as_slice()
    }
}

/// `ProposalOrRef` (§12.4): a proposal inline in a Commit, or a reference
/// to one sent before. Any other `ProposalOrRefType` than `proposal(1)` or
/// `reference(2)` is
/// [`DecodeError::UnknownValue`](crate::error::DecodeError::UnknownValue).
#[derive(Clone, Debug, PartialEq, Eq, TlsSerialize, TlsDeserializeBytes, TlsSize)]
#[repr(u8)]
#[allow(clippy::large_enum_variant)] // as for `Proposal`
pub enum ProposalOrRef {
    /// `proposal(1)`: the proposal itself.
    #[tls_codec(discriminant = 1)]
    Proposal(Proposal),
    /// `reference(2)`: a [`ProposalRef`].
    #[tls_codec(discriminant = 2)]
    Reference(ProposalRef),
}

#[cfg(test)]
mod tests;
