//! Leaf nodes (RFC 9420 §7.2): a member's keys, credential, capabilities
//! and the signature over them.
//!
//! The signature input `LeafNodeTBS` depends on where the leaf came from: a
//! leaf in a KeyPackage signs only its own fields, while a leaf sent in an
//! Update or a Commit also signs the group id and its leaf index, so it
//! cannot be replayed into another group or position. [`LeafNode::tbs`]
//! builds that input; [`LeafNode::sign`] and [`LeafNode::verify_signature`]
//! wrap it with `SignWithLabel(., "LeafNodeTBS", .)` (§5.1.2).

use crate::codec::{VarBytes, VarVec, encode};
use crate::credential::{Credential, CredentialType};
use crate::crypto::{sign_with_label, verify_with_label};
use crate::error::{Error, ProtocolError};
use crate::extensions::{ExtensionType, Extensions};
use crate::group::proposal::ProposalType;
use crate::provider::{CipherSuiteProvider, Signer};
use crate::tbs::encode_without_signature;
use crate::tree_math::LeafIndex;
use crate::{CipherSuite, ProtocolVersion};
use tls_codec::{TlsDeserializeBytes, TlsSerialize, TlsSize};

/// The `SignWithLabel` label of a leaf node signature (§7.2).
const LABEL: &str = "LeafNodeTBS";

/// `Capabilities` (§7.2): what a client supports.
///
/// Every list holds raw `uint16` codes rather than typed enums: a peer may
/// advertise values this library does not know, GREASE values included
/// (§13.5), and those must be ignored, not rejected, and must survive a
/// decode/encode round trip because they are covered by the leaf's signature.
#[derive(Clone, Debug, Default, PartialEq, Eq, TlsSerialize, TlsDeserializeBytes, TlsSize)]
pub struct Capabilities {
    /// `ProtocolVersion versions<V>`.
    pub versions: VarVec<u16>,
    /// `CipherSuite cipher_suites<V>`.
    pub cipher_suites: VarVec<u16>,
    /// `ExtensionType extensions<V>`: the non-default extensions supported
    /// (§7.2 lists the default ones, which need not appear).
    pub extensions: VarVec<ExtensionType>,
    /// `ProposalType proposals<V>`: the non-default proposal types supported.
    pub proposals: VarVec<ProposalType>,
    /// `CredentialType credentials<V>`.
    pub credentials: VarVec<CredentialType>,
}

impl Capabilities {
    /// Whether `versions` lists `mls10`, the only version RFC 9420 defines.
    pub fn supports_mls10(&self) -> bool {
        self.versions.as_slice().contains(&ProtocolVersion::MLS10)
    }

    /// Whether `cipher_suites` lists `suite`.
    pub fn supports_cipher_suite(&self, suite: CipherSuite) -> bool {
        self.cipher_suites.as_slice().contains(&suite.code())
    }

    /// Whether `extensions` lists `extension_type`. Default extensions
    /// (§7.2) need not be listed; this checks the list only.
    pub fn lists_extension(&self, extension_type: ExtensionType) -> bool {
        self.extensions.as_slice().contains(&extension_type)
    }

    /// Whether `proposals` lists `proposal_type`. Default proposal types
    /// (§7.2) need not be listed; this checks the list only.
    pub fn lists_proposal(&self, proposal_type: ProposalType) -> bool {
        self.proposals.as_slice().contains(&proposal_type)
    }

    /// Whether `credentials` lists `credential_type`.
    pub fn supports_credential(&self, credential_type: CredentialType) -> bool {
        self.credentials.as_slice().contains(&credential_type)
    }
}

/// `Lifetime` (§7.2): the validity window of a KeyPackage's leaf, in seconds
/// since the Unix epoch, both ends inclusive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, TlsSerialize, TlsDeserializeBytes, TlsSize)]
pub struct Lifetime {
    /// Not valid before this time.
    pub not_before: u64,
    /// Not valid after this time.
    pub not_after: u64,
}

impl Lifetime {
    /// Whether `now` lies within `[not_before, not_after]`.
    pub fn contains(&self, now: u64) -> bool {
        self.not_before <= now && now <= self.not_after
    }
}

/// `LeafNodeSource` and the field it selects (§7.2).
#[derive(Clone, Debug, PartialEq, Eq, Hash, TlsSerialize, TlsDeserializeBytes, TlsSize)]
#[repr(u8)]
pub enum LeafNodeSource {
    /// `key_package(1)`: the leaf sits in a KeyPackage, with its lifetime.
    #[tls_codec(discriminant = 1)]
    KeyPackage(Lifetime),
    /// `update(2)`: the leaf was sent in an Update proposal.
    #[tls_codec(discriminant = 2)]
    Update,
    /// `commit(3)`: the leaf was sent in a Commit's UpdatePath, with the
    /// parent hash of its parent (§7.9).
    #[tls_codec(discriminant = 3)]
    Commit(VarBytes),
}

impl LeafNodeSource {
    /// The RFC's name of the source.
    pub fn name(&self) -> &'static str {
        match self {
            Self::KeyPackage(_) => "key_package",
            Self::Update => "update",
            Self::Commit(_) => "commit",
        }
    }
}

/// `LeafNode` (§7.2).
#[derive(Clone, Debug, PartialEq, Eq, TlsSerialize, TlsDeserializeBytes, TlsSize)]
pub struct LeafNode {
    /// `HPKEPublicKey encryption_key`: the leaf's HPKE public key.
    pub encryption_key: VarBytes,
    /// `SignaturePublicKey signature_key`: the member's signature key.
    pub signature_key: VarBytes,
    /// The credential binding an identity to `signature_key` (§5.3).
    pub credential: Credential,
    /// What the client supports.
    pub capabilities: Capabilities,
    /// Where the leaf came from, with the field that depends on it.
    pub leaf_node_source: LeafNodeSource,
    /// `Extension extensions<V>`: the leaf's extensions.
    pub extensions: Extensions,
    /// `SignWithLabel(., "LeafNodeTBS", LeafNodeTBS)`.
    pub signature: VarBytes,
}

/// The group binding of an `update` or `commit` leaf's signature (§7.2):
/// the group id and the leaf's index in that group.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LeafNodeTbsContext<'a> {
    /// The group's `group_id`.
    pub group_id: &'a [u8],
    /// The leaf's index in the tree.
    pub leaf_index: LeafIndex,
}

/// The tail of `LeafNodeTBS` for the `update` and `commit` sources (§7.2).
#[derive(TlsSerialize, TlsSize)]
struct LeafNodeTbsGroup {
    group_id: VarBytes,
    leaf_index: u32,
}

impl LeafNode {
    /// The encoded `LeafNodeTBS` (§7.2): the leaf without its signature,
    /// followed, for the `update` and `commit` sources, by the group id and
    /// leaf index of `context`.
    ///
    /// A `key_package` leaf signs no group binding, so `context` is ignored
    /// for it (a caller checking a tree may pass it for every leaf). An
    /// `update` or `commit` leaf without `context` is
    /// [`ProtocolError::WrongLeafNodeSource`]: its signature cannot be made or
    /// checked, and a leaf found where there is no group (in a KeyPackage)
    /// must have the `key_package` source (§7.3).
    pub fn tbs(&self, context: Option<LeafNodeTbsContext<'_>>) -> Result<Vec<u8>, Error> {
        // The fields shared by every source are the leaf minus `signature`.
        let mut out = encode_without_signature(self, &self.signature)?;
        match (&self.leaf_node_source, context) {
            (LeafNodeSource::KeyPackage(_), _) => {}
            (LeafNodeSource::Update | LeafNodeSource::Commit(_), Some(ctx)) => {
                out.extend(encode(&LeafNodeTbsGroup {
                    group_id: VarBytes::from(ctx.group_id),
                    leaf_index: ctx.leaf_index.0,
                })?);
            }
            (source, None) => {
                return Err(ProtocolError::WrongLeafNodeSource {
                    found: source.name(),
                    expected: "key_package, since no group id and leaf index apply here",
                }
                .into());
            }
        }
        Ok(out)
    }

    /// Signs the leaf with `signer` and stores the signature (§7.2). The
    /// caller sets `signature_key` to the signer's public key first.
    pub fn sign(
        &mut self,
        signer: &dyn Signer,
        suite: &dyn CipherSuiteProvider,
        context: Option<LeafNodeTbsContext<'_>>,
    ) -> Result<(), Error> {
        let tbs = self.tbs(context)?;
        self.signature = VarBytes::new(sign_with_label(signer, suite, LABEL, &tbs)?);
        Ok(())
    }

    /// Verifies the leaf's signature under its own `signature_key` (§7.3).
    /// `context` as for [`LeafNode::tbs`].
    pub fn verify_signature(
        &self,
        suite: &dyn CipherSuiteProvider,
        context: Option<LeafNodeTbsContext<'_>>,
    ) -> Result<(), Error> {
        let tbs = self.tbs(context)?;
        verify_with_label(
            suite,
            self.signature_key.as_slice(),
            LABEL,
            &tbs,
            self.signature.as_slice(),
        )
        // A signature that does not verify is the peer's fault: name the rule.
        .map_err(|e| e.signature_invalid(ProtocolError::LeafNodeSignatureInvalid))
    }
}

#[cfg(test)]
mod tests;
