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

/// Why the Authentication Service is asked about a credential: the
/// occasions §5.3.1 lists.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CredentialUse {
    /// The leaf of a KeyPackage: one fetched to be added, one in an Add
    /// proposal, or the KeyPackage a Welcome was sent to.
    KeyPackage,
    /// The new leaf of an Update proposal.
    Update,
    /// The new leaf of a commit's UpdatePath, a member's or an external
    /// joiner's.
    Commit,
    /// A leaf of the ratchet tree of a group being joined.
    Tree,
    /// An entry of the group's `external_senders` extension (§12.1.8.1), at
    /// creation, at join and in a GroupContextExtensions proposal.
    ExternalSender,
}

/// What the Authentication Service is asked to decide (§5.3.1): whether
/// `credential` legitimately binds its identity to `signature_key`, for
/// `usage` in the group `group_id` at `time`.
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub struct CredentialCheck<'a> {
    /// The credential presented.
    pub credential: &'a Credential,
    /// The signature key it is presented with.
    pub signature_key: &'a [u8],
    /// Where it is presented.
    pub usage: CredentialUse,
    /// The group, if the credential is presented in one (`None` for a
    /// KeyPackage checked outside a group).
    pub group_id: Option<&'a [u8]>,
    /// The time of the check, by the client's clock (seconds since the Unix
    /// epoch), for validity periods.
    pub time: u64,
    /// The credential and signature key the member had before, when a
    /// member replaces its own leaf (an Update or a commit's path). The
    /// library calls [`CredentialValidator::validate_successor`] for these.
    pub predecessor: Option<(&'a Credential, &'a [u8])>,
}

impl<'a> CredentialCheck<'a> {
    /// A check of `credential` with `signature_key` for `usage` at `time`,
    /// outside any group and replacing nothing.
    pub fn new(
        credential: &'a Credential,
        signature_key: &'a [u8],
        usage: CredentialUse,
        time: u64,
    ) -> Self {
        Self {
            credential,
            signature_key,
            usage,
            group_id: None,
            time,
            predecessor: None,
        }
    }

    /// The same check, in the group `group_id`.
    pub fn in_group(mut self, group_id: &'a [u8]) -> Self {
        self.group_id = Some(group_id);
        self
    }

    /// The same check, for a credential that replaces `credential` with
    /// `signature_key`.
    pub fn replacing(mut self, credential: &'a Credential, signature_key: &'a [u8]) -> Self {
        self.predecessor = Some((credential, signature_key));
        self
    }
}

/// The application's Authentication Service hook (§5.3.1): decides whether a
/// credential legitimately binds its presented identity to a signature key,
/// whether that identity is acceptable in the group, and whether a member's
/// new credential is a valid successor of its old one.
///
/// MLS leaves this decision to the application; the library never decides who
/// is who. It calls [`validate`](Self::validate) whenever §5.3.1 says a new
/// credential enters the group (see [`CredentialUse`]), and
/// [`validate_successor`](Self::validate_successor) as well when a member
/// replaces its own leaf. An `Err(reason)` is reported as
/// [`ProtocolError::CredentialRejected`] carrying `reason`.
///
/// [`ProtocolError::CredentialRejected`]: crate::error::ProtocolError::CredentialRejected
pub trait CredentialValidator: Send + Sync {
    /// `Ok(())` if `check.credential` is valid for `check.signature_key`
    /// under the application's policy, otherwise the reason it is not.
    fn validate(&self, check: &CredentialCheck<'_>) -> Result<(), String>;

    /// `Ok(())` if `check.credential` may replace `check.predecessor` (the
    /// same member, for example a renewed certificate of the same subject).
    /// Called after [`validate`](Self::validate) accepted the new
    /// credential, only when `check.predecessor` is set.
    ///
    /// The default accepts a new signature key under the same credential
    /// and refuses any change of credential: whether two credentials name
    /// the same member is the application's to say (§5.3.1), so a
    /// validator that allows renewals overrides this.
    fn validate_successor(&self, check: &CredentialCheck<'_>) -> Result<(), String> {
        match check.predecessor {
            Some((old, _)) if old != check.credential => Err(
                "the credential changed, and this validator accepts no successor credential"
                    .to_owned(),
            ),
            _ => Ok(()),
        }
    }
}

/// The validator a client has until the application sets one: it refuses
/// every credential, saying so. Who is who is the application's decision
/// (§5.3.1), so a client adds nobody and joins no group before it has an
/// Authentication Service ([`ClientBuilder::credential_validator`]).
///
/// [`ClientBuilder::credential_validator`]: crate::group::ClientBuilder::credential_validator
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct NoValidator;

impl CredentialValidator for NoValidator {
    fn validate(&self, _: &CredentialCheck<'_>) -> Result<(), String> {
        Err("this client has no credential validator: set one with \
             ClientBuilder::credential_validator (RFC 9420 §5.3.1)"
            .to_owned())
    }
}

/// A [`CredentialValidator`] that accepts every credential presented.
///
/// For tests, and for applications that authenticate members out of band
/// (for example by comparing safety numbers after the fact): with it, anyone
/// holding a KeyPackage can claim any identity. A member that is in the
/// group still cannot change its credential: the successor rule is the
/// default one, which allows a new signature key only.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AcceptAll;

impl CredentialValidator for AcceptAll {
    fn validate(&self, _: &CredentialCheck<'_>) -> Result<(), String> {
        Ok(())
    }
}

/// A [`CredentialValidator`] that accepts only `basic` credentials whose
/// identity is on a list, each pinned to one signature key.
///
/// A basic credential proves nothing by itself (§5.3), so the identity alone
/// is not enough: the pair (identity, signature key) must have been learnt
/// through a trusted channel. X.509 and other credential types are rejected.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BasicIdentityAllowList {
    entries: Vec<(Vec<u8>, Vec<u8>)>,
}

impl BasicIdentityAllowList {
    /// An empty list, which rejects every credential.
    pub fn new() -> Self {
        Self::default()
    }

    /// Allows `identity` with `signature_key`.
    pub fn allow(
        mut self,
        identity: impl Into<Vec<u8>>,
        signature_key: impl Into<Vec<u8>>,
    ) -> Self {
        self.entries.push((identity.into(), signature_key.into()));
        self
    }
}

/// A member may rotate its signature key under the same identity (if the new
/// pair is allowed), but not change identity: the default successor rule,
/// since the list cannot tell which identities belong to one person.
impl CredentialValidator for BasicIdentityAllowList {
    fn validate(&self, check: &CredentialCheck<'_>) -> Result<(), String> {
        let (credential, signature_key) = (check.credential, check.signature_key);
        let Credential::Basic { identity } = credential else {
            return Err(format!(
                "credential type 0x{:04x} is not accepted; only basic credentials are",
                credential.credential_type().0
            ));
        };
        let identity = identity.as_slice();
        let mut known = false;
        for (allowed, key) in &self.entries {
            if allowed.as_slice() == identity {
                if key.as_slice() == signature_key {
                    return Ok(());
                }
                known = true;
            }
        }
        Err(if known {
            "identity is allowed, but with another signature key".to_owned()
        } else {
            "identity is not on the allow list".to_owned()
        })
    }
}

#[cfg(test)]
mod tests;
