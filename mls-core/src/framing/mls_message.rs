//! `MLSMessage` (RFC 9420 §6): the outer envelope of everything sent.

use super::{PrivateMessage, PublicMessage, WireFormat};
use crate::cipher_suite::ProtocolVersion;
use crate::group::group_info::GroupInfo;
use crate::group::welcome::Welcome;
use crate::key_package::KeyPackage;
use tls_codec::{TlsDeserializeBytes, TlsSerialize, TlsSize};

/// The `select (MLSMessage.wire_format)` body; the discriminant is the wire
/// format code point.
#[derive(Clone, Debug, PartialEq, Eq, TlsSerialize, TlsDeserializeBytes, TlsSize)]
#[repr(u16)]
#[allow(clippy::large_enum_variant)] // one per message; boxing buys nothing
pub enum MlsMessageBody {
    /// `mls_public_message(1)`.
    #[tls_codec(discriminant = 1)]
    PublicMessage(PublicMessage),
    /// `mls_private_message(2)`.
    #[tls_codec(discriminant = 2)]
    PrivateMessage(PrivateMessage),
    /// `mls_welcome(3)`.
    #[tls_codec(discriminant = 3)]
    Welcome(Welcome),
    /// `mls_group_info(4)`.
    #[tls_codec(discriminant = 4)]
    GroupInfo(GroupInfo),
    /// `mls_key_package(5)`.
    #[tls_codec(discriminant = 5)]
    KeyPackage(KeyPackage),
}

/// `MLSMessage` (§6). Decoding fails on any version other than `mls10` and
/// on an unknown wire format.
#[derive(Clone, Debug, PartialEq, Eq, TlsSerialize, TlsDeserializeBytes, TlsSize)]
pub struct MlsMessage {
    /// Always `mls10`.
    pub version: ProtocolVersion,
    /// The wire format and the message.
    pub body: MlsMessageBody,
}

impl MlsMessage {
    /// Wraps a message body.
    pub fn new(body: MlsMessageBody) -> Self {
        Self {
            version: ProtocolVersion,
            body,
        }
    }

    /// The wire format.
    pub fn wire_format(&self) -> WireFormat {
        match self.body {
            MlsMessageBody::PublicMessage(_) => WireFormat::PublicMessage,
            MlsMessageBody::PrivateMessage(_) => WireFormat::PrivateMessage,
            MlsMessageBody::Welcome(_) => WireFormat::Welcome,
            MlsMessageBody::GroupInfo(_) => WireFormat::GroupInfo,
            MlsMessageBody::KeyPackage(_) => WireFormat::KeyPackage,
        }
    }

    /// The KeyPackage this message publishes, or `None` for any other wire
    /// format. The package is not validated here: `Group::add_members`
    /// checks it (§10.1).
    pub fn into_key_package(self) -> Option<KeyPackage> {
        match self.body {
            MlsMessageBody::KeyPackage(key_package) => Some(key_package),
            _ => None,
        }
    }

    /// Decodes one whole message; trailing bytes are an error.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, crate::Error> {
        Ok(crate::codec::decode_exact(bytes)?)
    }

    /// Encodes the message.
    pub fn to_bytes(&self) -> Result<Vec<u8>, crate::Error> {
        crate::codec::encode(self)
    }
}

impl From<KeyPackage> for MlsMessage {
    /// The message that publishes a KeyPackage (`mls_key_package`), as a
    /// client sends it to the delivery service.
    fn from(key_package: KeyPackage) -> Self {
        Self::new(MlsMessageBody::KeyPackage(key_package))
    }
}

impl KeyPackage {
    /// The `MLSMessage` that publishes this KeyPackage: what
    /// `Client::generate_key_package`'s caller sends, in one call.
    pub fn to_message(&self) -> MlsMessage {
        MlsMessage::from(self.clone())
    }
}
