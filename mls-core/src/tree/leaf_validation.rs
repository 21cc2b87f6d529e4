//! LeafNode validation (RFC 9420 §7.3), as pure functions over the leaf and
//! what the caller knows about the group.
//!
//! §7.3 asks for these checks whenever a leaf arrives: in a KeyPackage
//! before an Add, in an Add, Update or Commit, and in a ratchet tree being
//! joined. [`LeafNodeValidator`] holds the group's side (suite, required
//! capabilities, the members' credential types, the application's
//! [`CredentialValidator`], the time) and checks one leaf at a time, so a
//! whole tree is checked with one validator and no quadratic work. Each
//! broken rule is its own [`ProtocolError`] variant.
//!
//! Two rules need the leaf being replaced and are left to the caller's
//! context: the Update rule ([`check_update_changes_encryption_key`]) and the
//! exclusion of the replaced leaf from the key-uniqueness check
//! ([`LeafKeysInUse`]).
//!
//! Default proposal and extension types (§7.2) are treated as supported
//! whether or not a leaf lists them. §7.2 says they "MUST NOT be listed";
//! this module does not reject a leaf that lists them anyway: that sentence
//! binds the creator of a leaf, rejecting would only break interoperability
//! with clients that list them, and nothing depends on their absence.

use crate::credential::{
    Credential, CredentialCheck, CredentialType, CredentialUse, CredentialValidator,
};
use crate::error::{Error, ProtocolError};
use crate::extensions::{ExtensionType, RequiredCapabilities};
use crate::group::proposal::ProposalType;
use crate::provider::CipherSuiteProvider;
use crate::tree::leaf_node::{LeafNode, LeafNodeSource, LeafNodeTbsContext};
use crate::{CipherSuite, ProtocolVersion};
use std::collections::{BTreeSet, HashSet};

/// Whether `extension_type` is one of the default extension types of §7.2
/// (`application_id`, `ratchet_tree`, `required_capabilities`,
/// `external_pub`, `external_senders`: 0x0001 to 0x0005), which every client
/// supports without listing them.
pub fn is_default_extension(extension_type: ExtensionType) -> bool {
    (ExtensionType::APPLICATION_ID.0..=ExtensionType::EXTERNAL_SENDERS.0)
        .contains(&extension_type.0)
}

/// Whether `proposal_type` is one of the default proposal types of §7.2
/// (`add` to `group_context_extensions`: 0x0001 to 0x0007), which every
/// client supports without listing them.
pub fn is_default_proposal(proposal_type: ProposalType) -> bool {
    (ProposalType::ADD.0..=ProposalType::GROUP_CONTEXT_EXTENSIONS.0).contains(&proposal_type.0)
}

/// Where a leaf was found, which fixes the `leaf_node_source` it must carry
/// (§7.3) and the group binding its signature covers (§7.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExpectedSource<'a> {
    /// In a KeyPackage (downloaded, or in an Add proposal): the source must
    /// be `key_package`; its signature binds no group.
    KeyPackage,
    /// In an Update proposal: the source must be `update`; the signature
    /// covers the group id and the sender's leaf index.
    Update(LeafNodeTbsContext<'a>),
    /// In the UpdatePath of a Commit: the source must be `commit`; the
    /// signature covers the group id and the committer's leaf index.
    Commit(LeafNodeTbsContext<'a>),
    /// In a ratchet tree being validated (§7.3, §12.4.3.1): any source is
    /// allowed; `update` and `commit` leaves are checked against this group
    /// id and their own leaf index.
    Any(LeafNodeTbsContext<'a>),
}

impl<'a> ExpectedSource<'a> {
    /// §7.3 "Verify the `leaf_node_source` field".
    fn check(self, source: &LeafNodeSource) -> Result<(), ProtocolError> {
        let expected = match (self, source) {
            (Self::KeyPackage, LeafNodeSource::KeyPackage(_))
            | (Self::Update(_), LeafNodeSource::Update)
            | (Self::Commit(_), LeafNodeSource::Commit(_))
            | (Self::Any(_), _) => return Ok(()),
            (Self::KeyPackage, _) => "key_package, for a leaf in a KeyPackage (§7.3)",
            (Self::Update(_), _) => "update, for a leaf in an Update proposal (§7.3)",
            (Self::Commit(_), _) => "commit, for the leaf of a Commit's UpdatePath (§7.3)",
        };
        Err(ProtocolError::WrongLeafNodeSource {
            found: source.name(),
            expected,
        })
    }

    /// The group binding of the signature, where the context has one.
    fn tbs_context(self) -> Option<LeafNodeTbsContext<'a>> {
        match self {
            Self::KeyPackage => None,
            Self::Update(ctx) | Self::Commit(ctx) | Self::Any(ctx) => Some(ctx),
        }
    }
}

/// Whether, and at what time, to check the `lifetime` of `key_package`
/// leaves (§7.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LifetimeCheck {
    /// Check that this time, in seconds since the Unix epoch, lies within
    /// `[not_before, not_after]`. The default of [`LeafNodeValidator::new`].
    At(u64),
    /// Do not check lifetimes. For replaying recorded data whose lifetimes
    /// have since expired, such as the official test vectors; a client
    /// processing live messages should not use it.
    Skip,
}

/// The credential types of a group's members, as §7.3 needs them: the types
/// in use, which a new leaf must support, and the types every member
/// supports, one of which a new leaf must use.
///
/// Built once per group state with [`MemberCredentialTypes::from_leaves`].
/// Including the leaf under validation in the set is harmless (its own type
/// must be in its own capabilities anyway), so one value serves a whole
/// tree; for an Update, leave out the leaf being replaced, whose credential
/// type may be going away.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MemberCredentialTypes {
    /// The distinct credential types of the members' credentials.
    pub in_use: Vec<CredentialType>,
    /// The credential types listed in every member's
    /// `capabilities.credentials`; `None` when there are no members, in
    /// which case nothing is required.
    pub supported_by_all: Option<Vec<CredentialType>>,
}

impl MemberCredentialTypes {
    /// Collects the credential types of `leaves` (the non-blank leaves of
    /// the tree), in time linear in their total size.
    pub fn from_leaves<'l>(leaves: impl IntoIterator<Item = &'l LeafNode>) -> Self {
        let mut in_use = BTreeSet::new();
        let mut supported: Option<BTreeSet<CredentialType>> = None;
        for leaf in leaves {
            in_use.insert(leaf.credential.credential_type());
            let listed = leaf.capabilities.credentials.as_slice();
            supported = Some(match supported {
                None => listed.iter().copied().collect(),
                Some(mut so_far) => {
                    let listed: HashSet<CredentialType> = listed.iter().copied().collect();
                    so_far.retain(|t| listed.contains(t));
                    so_far
                }
            });
        }
        Self {
            in_use: in_use.into_iter().collect(),
            supported_by_all: supported.map(|s| s.into_iter().collect()),
        }
    }
}

/// The `signature_key`s and `encryption_key`s already used by other leaves
/// of the group, for the uniqueness rule of §7.3.
///
/// "Other" excludes the leaf being replaced (the sender's own leaf for an
/// Update or a Commit), and, when a whole tree is checked, the leaf itself.
/// Implement it over an index for large trees; the slice implementations
/// scan linearly.
pub trait LeafKeysInUse {
    /// Whether another leaf has this `signature_key`.
    fn signature_key_in_use(&self, signature_key: &[u8]) -> bool;
    /// Whether another leaf has this `encryption_key`.
    fn encryption_key_in_use(&self, encryption_key: &[u8]) -> bool;
}

/// No other leaves: the group's first member, or a check without a group.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct NoOtherLeaves;

impl LeafKeysInUse for NoOtherLeaves {
    fn signature_key_in_use(&self, _: &[u8]) -> bool {
        false
    }
    fn encryption_key_in_use(&self, _: &[u8]) -> bool {
        false
    }
}

/// The other leaves themselves.
impl LeafKeysInUse for [&LeafNode] {
    fn signature_key_in_use(&self, signature_key: &[u8]) -> bool {
        self.iter()
            .any(|l| l.signature_key.as_slice() == signature_key)
    }
    fn encryption_key_in_use(&self, encryption_key: &[u8]) -> bool {
        self.iter()
            .any(|l| l.encryption_key.as_slice() == encryption_key)
    }
}

/// `(signature_key, encryption_key)` pairs of the other leaves.
impl LeafKeysInUse for [(&[u8], &[u8])] {
    fn signature_key_in_use(&self, signature_key: &[u8]) -> bool {
        self.iter().any(|(s, _)| *s == signature_key)
    }
    fn encryption_key_in_use(&self, encryption_key: &[u8]) -> bool {
        self.iter().any(|(_, e)| *e == encryption_key)
    }
}

/// Checks LeafNodes against the rules of §7.3 for one group state.
///
/// Built with [`LeafNodeValidator::new`], which checks lifetimes at the
/// given time; the `with_*` methods add what the group requires.
#[derive(Clone, Copy)]
pub struct LeafNodeValidator<'a> {
    suite: &'a dyn CipherSuiteProvider,
    credential_validator: &'a dyn CredentialValidator,
    required_capabilities: Option<&'a RequiredCapabilities>,
    members: Option<&'a MemberCredentialTypes>,
    lifetime: LifetimeCheck,
    /// The time the credential validator is given.
    now: u64,
    /// The group the leaves are presented in, for the credential validator.
    group_id: Option<&'a [u8]>,
    /// The credential and key the validated leaf replaces (§5.3.1).
    predecessor: Option<(&'a Credential, &'a [u8])>,
    /// Signatures were checked beforehand (in parallel, for a batch of
    /// Adds); only the other rules remain.
    signatures_verified: bool,
}

impl std::fmt::Debug for LeafNodeValidator<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LeafNodeValidator")
            .field("cipher_suite", &self.suite.cipher_suite())
            .field("required_capabilities", &self.required_capabilities)
            .field("members", &self.members)
            .field("lifetime", &self.lifetime)
            .finish_non_exhaustive()
    }
}

impl<'a> LeafNodeValidator<'a> {
    /// A validator for a group of cipher suite `suite.cipher_suite()`, with
    /// the application's `credential_validator` (§5.3.1), checking
    /// lifetimes at `now` (seconds since the Unix epoch). Without the
    /// `with_*` methods the group has no `required_capabilities` and no
    /// other members.
    pub fn new(
        suite: &'a dyn CipherSuiteProvider,
        credential_validator: &'a dyn CredentialValidator,
        now: u64,
    ) -> Self {
        Self {
            suite,
            credential_validator,
            required_capabilities: None,
            members: None,
            lifetime: LifetimeCheck::At(now),
            now,
            group_id: None,
            predecessor: None,
            signatures_verified: false,
        }
    }

    /// The group the leaves are presented in; the credential validator is
    /// told (§5.3.1).
    pub fn with_group_id(mut self, group_id: &'a [u8]) -> Self {
        self.group_id = Some(group_id);
        self
    }

    /// The leaf being validated replaces a member's leaf with `credential`
    /// and `signature_key` (an Update or a commit's path): the credential
    /// validator must also accept the new credential as their successor
    /// (§5.3.1).
    pub fn with_predecessor(mut self, credential: &'a Credential, signature_key: &'a [u8]) -> Self {
        self.predecessor = Some((credential, signature_key));
        self
    }

    /// The group's `required_capabilities` extension (§11.1), if it has one.
    pub fn with_required_capabilities(
        mut self,
        required_capabilities: Option<&'a RequiredCapabilities>,
    ) -> Self {
        self.required_capabilities = required_capabilities;
        self
    }

    /// The credential types of the group's current members (§7.3).
    pub fn with_members(mut self, members: &'a MemberCredentialTypes) -> Self {
        self.members = Some(members);
        self
    }

    /// Replaces the lifetime check; [`LifetimeCheck::Skip`] turns it off
    /// (only for recorded data such as the official test vectors).
    pub fn with_lifetime_check(mut self, lifetime: LifetimeCheck) -> Self {
        self.lifetime = lifetime;
        self
    }

    /// Skips the signature checks, which the caller has already done for
    /// this leaf (and its KeyPackage): used when a batch of Adds is
    /// verified on several cores first.
    pub(crate) fn with_signatures_verified(mut self) -> Self {
        self.signatures_verified = true;
        self
    }

    /// Whether signatures are taken as checked.
    pub(crate) fn signatures_verified(&self) -> bool {
        self.signatures_verified
    }

    /// The suite the validator checks signatures with.
    pub fn suite(&self) -> &'a dyn CipherSuiteProvider {
        self.suite
    }

    /// Checks `leaf`, found where `expected` says, against §7.3. Returns
    /// the first rule broken, as the [`ProtocolError`] naming it:
    ///
    /// 1. `leaf_node_source` fits `expected` (`WrongLeafNodeSource`);
    /// 2. the signature verifies under `signature_key`, with the group
    ///    binding of `expected` for `update` and `commit` leaves
    ///    (`LeafNodeSignatureInvalid`);
    /// 3. the credential validator accepts the credential
    ///    (`CredentialRejected`); called only on authentic leaves;
    /// 4. the credential type is in the leaf's own capabilities
    ///    (`CredentialTypeNotInCapabilities`);
    /// 5. the capabilities include mls10, the group's suite and the
    ///    group's `required_capabilities` (`MissingCapability`);
    /// 6. every member supports the leaf's credential type, and the leaf
    ///    supports every type in use (`CredentialTypeNotSupportedByMembers`,
    ///    `MemberCredentialTypeNotSupported`);
    /// 7. no extension type twice (`DuplicateExtension`, §13) and every
    ///    non-default one listed in the capabilities
    ///    (`ExtensionNotInCapabilities`);
    /// 8. for a `key_package` leaf, the lifetime contains the time, unless
    ///    skipped (`LifetimeNotValid`);
    /// 9. `signature_key` and `encryption_key` are not in `other_leaves`
    ///    (`DuplicateSignatureKey`, `DuplicateEncryptionKey`).
    ///
    /// For an Update, also call [`check_update_changes_encryption_key`].
    pub fn validate<K: LeafKeysInUse + ?Sized>(
        &self,
        leaf: &LeafNode,
        expected: ExpectedSource<'_>,
        other_leaves: &K,
    ) -> Result<(), Error> {
        // §7.3: leaf_node_source fits the context. First, because it fixes
        // what the signature covers.
        expected.check(&leaf.leaf_node_source)?;

        // §7.3: the signature verifies under signature_key.
        if !self.signatures_verified {
            // LeafNodeSignatureInvalid; a backend failure stays one.
            leaf.verify_signature(self.suite, expected.tbs_context())?;
        }

        // §5.3.1, §7.3: the credential is validated with the AS, and a
        // replaced credential's successor too.
        let usage = match expected {
            ExpectedSource::KeyPackage => CredentialUse::KeyPackage,
            ExpectedSource::Update(_) => CredentialUse::Update,
            ExpectedSource::Commit(_) => CredentialUse::Commit,
            ExpectedSource::Any(_) => CredentialUse::Tree,
        };
        let check = CredentialCheck {
            credential: &leaf.credential,
            signature_key: leaf.signature_key.as_slice(),
            usage,
            group_id: self.group_id.or(expected.tbs_context().map(|c| c.group_id)),
            time: self.now,
            predecessor: self.predecessor,
        };
        self.credential_validator
            .validate(&check)
            .map_err(|reason| ProtocolError::CredentialRejected { reason })?;
        if check.predecessor.is_some() {
            self.credential_validator
                .validate_successor(&check)
                .map_err(|reason| ProtocolError::CredentialNotSuccessor { reason })?;
        }

        let caps = &leaf.capabilities;
        let credential_type = leaf.credential.credential_type();

        // §7.2: the leaf's credential type is in its own capabilities.
        if !caps.supports_credential(credential_type) {
            return Err(ProtocolError::CredentialTypeNotInCapabilities {
                credential_type: credential_type.0,
            }
            .into());
        }

        // §11.1, §7.3: compatible with the group's parameters.
        self.check_group_parameters(leaf)?;

        // §7.3: credential types, in both directions.
        if let Some(members) = self.members {
            check_member_credentials(leaf, members)?;
        }

        // §13: no extension type twice; §7.2, §7.3: every non-default
        // extension is listed in the capabilities.
        leaf.extensions.check_no_duplicates()?;
        let listed: HashSet<ExtensionType> = caps.extensions.as_slice().iter().copied().collect();
        for extension in leaf.extensions.as_slice() {
            let t = extension.extension_type;
            if !is_default_extension(t) && !listed.contains(&t) {
                return Err(ProtocolError::ExtensionNotInCapabilities {
                    extension_type: t.0,
                }
                .into());
            }
        }

        // §7.3: the lifetime contains the current time.
        if let (LeafNodeSource::KeyPackage(lifetime), LifetimeCheck::At(now)) =
            (&leaf.leaf_node_source, self.lifetime)
            && !lifetime.contains(now)
        {
            return Err(ProtocolError::LifetimeNotValid {
                not_before: lifetime.not_before,
                not_after: lifetime.not_after,
                now,
            }
            .into());
        }

        // §7.3: signature_key and encryption_key are unique in the group.
        if other_leaves.signature_key_in_use(leaf.signature_key.as_slice()) {
            return Err(ProtocolError::DuplicateSignatureKey.into());
        }
        if other_leaves.encryption_key_in_use(leaf.encryption_key.as_slice()) {
            return Err(ProtocolError::DuplicateEncryptionKey.into());
        }
        Ok(())
    }

    /// §11.1: every member supports the group's protocol version and cipher
    /// suite; §7.3: and what `required_capabilities` lists (default
    /// extension and proposal types are supported without being listed;
    /// credential types have no defaults).
    fn check_group_parameters(&self, leaf: &LeafNode) -> Result<(), ProtocolError> {
        let caps = &leaf.capabilities;
        if !caps.supports_mls10() {
            return Err(missing("protocol version", ProtocolVersion::MLS10));
        }
        let suite: CipherSuite = self.suite.cipher_suite();
        if !caps.supports_cipher_suite(suite) {
            return Err(missing("cipher suite", suite.code()));
        }
        let Some(required) = self.required_capabilities else {
            return Ok(());
        };
        let extensions: HashSet<ExtensionType> =
            caps.extensions.as_slice().iter().copied().collect();
        for t in required.extension_types.as_slice() {
            if !is_default_extension(*t) && !extensions.contains(t) {
                return Err(missing("required extension type", t.0));
            }
        }
        let proposals: HashSet<ProposalType> = caps.proposals.as_slice().iter().copied().collect();
        for t in required.proposal_types.as_slice() {
            if !is_default_proposal(*t) && !proposals.contains(t) {
                return Err(missing("required proposal type", t.0));
            }
        }
        let credentials: HashSet<CredentialType> =
            caps.credentials.as_slice().iter().copied().collect();
        for t in required.credential_types.as_slice() {
            if !credentials.contains(t) {
                return Err(missing("required credential type", t.0));
            }
        }
        Ok(())
    }
}

fn missing(what: &'static str, code: u16) -> ProtocolError {
    ProtocolError::MissingCapability { what, code }
}

/// §7.3: "Verify that the credential type is supported by all members of the
/// group [...] and that the `capabilities` field of this LeafNode indicates
/// support for all the credential types currently in use by other members."
fn check_member_credentials(
    leaf: &LeafNode,
    members: &MemberCredentialTypes,
) -> Result<(), ProtocolError> {
    let credential_type = leaf.credential.credential_type();
    if let Some(supported) = &members.supported_by_all
        && !supported.contains(&credential_type)
    {
        return Err(ProtocolError::CredentialTypeNotSupportedByMembers {
            credential_type: credential_type.0,
        });
    }
    for t in &members.in_use {
        if !leaf.capabilities.supports_credential(*t) {
            return Err(ProtocolError::MemberCredentialTypeNotSupported {
                credential_type: t.0,
            });
        }
    }
    Ok(())
}

/// §7.3: the leaf of an Update proposal must carry an `encryption_key`
/// different from that of the leaf it replaces (`replaced`, the sender's
/// current leaf). Checked in addition to [`LeafNodeValidator::validate`]
/// with [`ExpectedSource::Update`].
pub fn check_update_changes_encryption_key(
    update: &LeafNode,
    replaced: &LeafNode,
) -> Result<(), ProtocolError> {
    if update.encryption_key == replaced.encryption_key {
        return Err(ProtocolError::UpdateKeepsEncryptionKey);
    }
    Ok(())
}

#[cfg(test)]
mod tests;
