//! Extensions (RFC 9420 §13): the generic container, and the bodies of the
//! extensions the RFC defines.
//!
//! An extension is a type code and opaque data. Structures that carry
//! extensions (GroupContext, LeafNode, KeyPackage, GroupInfo) hold an
//! [`Extensions`] list; typed views of the RFC's own extensions
//! ([`ExtensionBody`]) are decoded from it on demand, and unknown or GREASE
//! types are preserved byte for byte.

use crate::codec::{VarBytes, VarVec, decode_exact, encode};
use crate::credential::{Credential, CredentialType};
use crate::error::{DecodeError, Error, ProtocolError};
use crate::group::proposal::ProposalType;
use crate::tree::node::RatchetTree;
use tls_codec::{DeserializeBytes, Serialize, Size, TlsDeserializeBytes, TlsSerialize, TlsSize};

crate::codec::code_point! {
    /// `ExtensionType` (§13, registry §17.3).
    ExtensionType
}

impl ExtensionType {
    /// `application_id` (§5.3.3).
    pub const APPLICATION_ID: Self = Self(0x0001);
    /// `ratchet_tree` (§12.4.3.3).
    pub const RATCHET_TREE: Self = Self(0x0002);
    /// `required_capabilities` (§11.1).
    pub const REQUIRED_CAPABILITIES: Self = Self(0x0003);
    /// `external_pub` (§12.4.3.2).
    pub const EXTERNAL_PUB: Self = Self(0x0004);
    /// `external_senders` (§12.1.8.1).
    pub const EXTERNAL_SENDERS: Self = Self(0x0005);
}

/// `struct { ExtensionType extension_type; opaque extension_data<V>; } Extension` (§13).
#[derive(Clone, Debug, PartialEq, Eq, TlsSerialize, TlsDeserializeBytes, TlsSize)]
pub struct Extension {
    /// The extension's type code.
    pub extension_type: ExtensionType,
    /// The extension's encoded body.
    pub extension_data: VarBytes,
}

/// `Extension extensions<V>`: a list of extensions in wire order.
#[derive(Clone, Debug, Default, PartialEq, Eq, TlsSerialize, TlsDeserializeBytes, TlsSize)]
pub struct Extensions(VarVec<Extension>);

impl Extensions {
    /// An empty list.
    pub fn new() -> Self {
        Self::default()
    }

    /// A list from extensions in the given order.
    pub fn from_vec(extensions: Vec<Extension>) -> Self {
        Self(VarVec::new(extensions))
    }

    /// The extensions in wire order.
    pub fn as_slice(&self) -> &[Extension] {
        self.0.as_slice()
    }

    /// The extension of type `extension_type`, if present.
    pub fn get(&self, extension_type: ExtensionType) -> Option<&Extension> {
        self.as_slice()
            .iter()
            .find(|e| e.extension_type == extension_type)
    }

    /// Whether the list is empty.
    pub fn is_empty(&self) -> bool {
        self.as_slice().is_empty()
    }

    /// Checks §13: "Any field containing a list of extensions MUST NOT have
    /// more than one extension of any given type." Returns
    /// [`ProtocolError::DuplicateExtension`] naming the first repeated type.
    pub fn check_no_duplicates(&self) -> Result<(), ProtocolError> {
        let mut seen = std::collections::HashSet::with_capacity(self.as_slice().len());
        for e in self.as_slice() {
            if !seen.insert(e.extension_type) {
                return Err(ProtocolError::DuplicateExtension(e.extension_type.0));
            }
        }
        Ok(())
    }

    /// Decodes the body of the extension of type `T::TYPE`, if present.
    /// The whole `extension_data` must be one `T`; leftover bytes are an
    /// error. With duplicates (see [`Extensions::check_no_duplicates`]) the
    /// first one is used.
    pub fn find<T: ExtensionBody>(&self) -> Result<Option<T>, DecodeError> {
        self.get(T::TYPE)
            .map(|e| decode_exact::<T>(e.extension_data.as_slice()))
            .transpose()
    }

    /// The `application_id` extension (§5.3.3), if present.
    pub fn application_id(&self) -> Result<Option<ApplicationId>, DecodeError> {
        self.find()
    }

    /// The `ratchet_tree` extension (§12.4.3.3), if present.
    pub fn ratchet_tree(&self) -> Result<Option<RatchetTree>, DecodeError> {
        self.find()
    }

    /// The `required_capabilities` extension (§11.1), if present.
    pub fn required_capabilities(&self) -> Result<Option<RequiredCapabilities>, DecodeError> {
        self.find()
    }

    /// The `external_pub` extension (§12.4.3.2), if present.
    pub fn external_pub(&self) -> Result<Option<ExternalPub>, DecodeError> {
        self.find()
    }

    /// The `external_senders` extension (§12.1.8.1), if present.
    pub fn external_senders(&self) -> Result<Option<ExternalSenders>, DecodeError> {
        self.find()
    }
}

/// The body of an extension type this library knows (§13).
pub trait ExtensionBody: Sized + Serialize + DeserializeBytes + Size {
    /// The extension type whose `extension_data` this body is.
    const TYPE: ExtensionType;

    /// Wraps the encoded body into an [`Extension`].
    fn to_extension(&self) -> Result<Extension, Error> {
        Ok(Extension {
            extension_type: Self::TYPE,
            extension_data: VarBytes::new(encode(self)?),
        })
    }
}

/// `struct { opaque application_id<V>; } ApplicationId` (§5.3.3): an
/// application-chosen identifier for a leaf, in LeafNode extensions.
#[derive(Clone, Debug, PartialEq, Eq, TlsSerialize, TlsDeserializeBytes, TlsSize)]
pub struct ApplicationId {
    /// The identifier.
    pub application_id: VarBytes,
}

impl ExtensionBody for ApplicationId {
    const TYPE: ExtensionType = ExtensionType::APPLICATION_ID;
}

/// `optional<Node> ratchet_tree<V>` (§12.4.3.3), in GroupInfo extensions.
impl ExtensionBody for RatchetTree {
    const TYPE: ExtensionType = ExtensionType::RATCHET_TREE;
}

/// `RequiredCapabilities` (§11.1), in GroupContext extensions: what every
/// member must support. Codes are raw, so unknown values survive.
#[derive(Clone, Debug, Default, PartialEq, Eq, TlsSerialize, TlsDeserializeBytes, TlsSize)]
pub struct RequiredCapabilities {
    /// `ExtensionType extension_types<V>`.
    pub extension_types: VarVec<ExtensionType>,
    /// `ProposalType proposal_types<V>`.
    pub proposal_types: VarVec<ProposalType>,
    /// `CredentialType credential_types<V>`.
    pub credential_types: VarVec<CredentialType>,
}

impl ExtensionBody for RequiredCapabilities {
    const TYPE: ExtensionType = ExtensionType::REQUIRED_CAPABILITIES;
}

/// `struct { HPKEPublicKey external_pub; } ExternalPub` (§12.4.3.2), in
/// GroupInfo extensions: the key external joiners encapsulate to.
#[derive(Clone, Debug, PartialEq, Eq, TlsSerialize, TlsDeserializeBytes, TlsSize)]
pub struct ExternalPub {
    /// The group's external HPKE public key (§8.3).
    pub external_pub: VarBytes,
}

impl ExtensionBody for ExternalPub {
    const TYPE: ExtensionType = ExtensionType::EXTERNAL_PUB;
}

/// `ExternalSender` (§12.1.8.1): a party outside the group allowed to send
/// proposals.
#[derive(Clone, Debug, PartialEq, Eq, TlsSerialize, TlsDeserializeBytes, TlsSize)]
pub struct ExternalSender {
    /// `SignaturePublicKey signature_key`.
    pub signature_key: VarBytes,
    /// The sender's credential.
    pub credential: Credential,
}

/// `ExternalSender external_senders<V>` (§12.1.8.1), in GroupContext
/// extensions. A proposal's `sender_index` indexes this list.
#[derive(Clone, Debug, Default, PartialEq, Eq, TlsSerialize, TlsDeserializeBytes, TlsSize)]
pub struct ExternalSenders(pub VarVec<ExternalSender>);

impl ExternalSenders {
    /// The external sender at `index`, if there is one.
    pub fn get(&self, index: u32) -> Option<&ExternalSender> {
        usize::try_from(index)
            .ok()
            .and_then(|i| self.0.as_slice().get(i))
    }
}

impl ExtensionBody for ExternalSenders {
    const TYPE: ExtensionType = ExtensionType::EXTERNAL_SENDERS;
}

#[cfg(test)]
mod tests;
