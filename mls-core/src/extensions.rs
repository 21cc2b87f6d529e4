//! Extensions (RFC 9420 §13): the generic container.
//!
//! An extension is a type code and opaque data. Structures that carry
//! extensions (GroupContext, LeafNode, KeyPackage, GroupInfo) hold an
//! [`Extensions`] list; typed views of the RFC's own extensions are built on
//! top of it, and unknown or GREASE types are preserved byte for byte.

use crate::codec::{VarBytes, VarVec};
use tls_codec::{TlsDeserializeBytes, TlsSerialize, TlsSize};

/// `ExtensionType` (§13, registry §17.3).
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    TlsSerialize,
    TlsDeserializeBytes,
    TlsSize,
)]
pub struct ExtensionType(pub u16);

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
}
