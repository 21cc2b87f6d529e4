//! Credentials (RFC 9420 §5.3): what binds a member's identity to its
//! signature key.
//!
//! Only the two types the RFC defines can be decoded. A `Credential` has no
//! length prefix around its body, so a credential of any other type cannot be
//! skipped: decoding fails with [`DecodeError::UnknownCredentialType`]. The
//! [`CredentialType`] code itself is a plain `u16`, so a `Capabilities` or
//! `RequiredCapabilities` list keeps unknown and GREASE values intact.
//!
//! [`DecodeError::UnknownCredentialType`]: crate::error::DecodeError::UnknownCredentialType

use crate::codec::{VarBytes, VarVec};
use std::io::Write;
use tls_codec::{DeserializeBytes, Serialize, Size, TlsDeserializeBytes, TlsSerialize, TlsSize};

/// Prefix of the message that carries [`DecodeError::UnknownCredentialType`]
/// through `tls_codec`'s string-only error; error.rs maps it back.
///
/// [`DecodeError::UnknownCredentialType`]: crate::error::DecodeError::UnknownCredentialType
pub(crate) const MSG_UNKNOWN_CREDENTIAL_TYPE: &str = "mls: unknown credential type ";

crate::codec::code_point! {
    /// `CredentialType` (§5.3, registry §17.5): a `uint16` code.
    CredentialType
}

impl CredentialType {
    /// `basic(1)`: an application-defined identity.
    pub const BASIC: Self = Self(0x0001);
    /// `x509(2)`: a chain of X.509 certificates.
    pub const X509: Self = Self(0x0002);
}

/// `struct { opaque cert_data<V>; } Certificate` (§5.3): one DER-encoded
/// X.509 certificate.
#[derive(Clone, Debug, PartialEq, Eq, Hash, TlsSerialize, TlsDeserializeBytes, TlsSize)]
pub struct Certificate {
    /// The certificate bytes (DER).
    pub cert_data: VarBytes,
}

/// `Credential` (§5.3): a credential type and its body.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Credential {
    /// `basic`: `opaque identity<V>`, an identity whose meaning the
    /// application defines (and which it must authenticate by other means).
    Basic {
        /// The identity bytes.
        identity: VarBytes,
    },
    /// `x509`: `Certificate certificates<V>`, the chain with the end-entity
    /// certificate first.
    X509 {
        /// The chain, leaf first.
        certificates: VarVec<Certificate>,
    },
}

impl Credential {
    /// A basic credential for `identity`.
    pub fn basic(identity: impl Into<Vec<u8>>) -> Self {
        Self::Basic {
            identity: VarBytes::new(identity.into()),
        }
    }

    /// The credential's type code.
    pub fn credential_type(&self) -> CredentialType {
        match self {
            Self::Basic { .. } => CredentialType::BASIC,
            Self::X509 { .. } => CredentialType::X509,
        }
    }
}

impl Size for Credential {
    fn tls_serialized_len(&self) -> usize {
        let body = match self {
            Self::Basic { identity } => identity.tls_serialized_len(),
            Self::X509 { certificates } => certificates.tls_serialized_len(),
        };
        body.saturating_add(2)
    }
}

impl Serialize for Credential {
    fn tls_serialize<W: Write>(&self, writer: &mut W) -> Result<usize, tls_codec::Error> {
        let head = self.credential_type().tls_serialize(writer)?;
        let body = match self {
            Self::Basic { identity } => identity.tls_serialize(writer)?,
            Self::X509 { certificates } => certificates.tls_serialize(writer)?,
        };
        Ok(head.saturating_add(body))
    }
}

impl DeserializeBytes for Credential {
    fn tls_deserialize_bytes(bytes: &[u8]) -> Result<(Self, &[u8]), tls_codec::Error> {
        let (credential_type, rest) = CredentialType::tls_deserialize_bytes(bytes)?;
        match credential_type {
            CredentialType::BASIC => {
                let (identity, rest) = VarBytes::tls_deserialize_bytes(rest)?;
                Ok((Self::Basic { identity }, rest))
            }
            CredentialType::X509 => {
                let (certificates, rest) = VarVec::tls_deserialize_bytes(rest)?;
                Ok((Self::X509 { certificates }, rest))
            }
            CredentialType(other) => Err(tls_codec::Error::DecodingError(format!(
                "{MSG_UNKNOWN_CREDENTIAL_TYPE}{other}"
            ))),
        }
    }
}

#[cfg(test)]
mod tests;
