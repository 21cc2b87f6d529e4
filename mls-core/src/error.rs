//! The crate's one error type, grouped by whose fault an error is.
//!
//! Follows rustls' split (STYLE.md §6): malformed input, a peer breaking a
//! protocol rule, something we do not support, misuse of the API, storage,
//! crypto. Each variant's message names what was wrong in words a user can act
//! on. Later protocol layers add variants; the enums are `non_exhaustive` so
//! that is not a breaking change.

use std::fmt;

/// Any error returned by `mls-core`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Bytes from the network or from storage could not be decoded.
    #[error("malformed input: {0}")]
    Decode(#[from] DecodeError),
    /// A peer broke a rule of RFC 9420; the variant names the rule.
    #[error("protocol violation: {0}")]
    Protocol(#[from] ProtocolError),
    /// The peer or the input uses something this library does not support.
    #[error("unsupported: {0}")]
    Unsupported(#[from] Unsupported),
    /// The caller used the API in a way it does not allow.
    #[error("API misuse: {0}")]
    Misuse(#[from] Misuse),
    /// A storage backend failed.
    #[error("storage: {0}")]
    Storage(#[from] StorageError),
    /// An invariant of the library's own state did not hold. This is a bug
    /// (or state altered behind the library's back); please report it.
    #[error("internal error: {0}")]
    Internal(&'static str),
    /// A crypto backend failed, or a cryptographic check did not pass.
    #[error("crypto: {0}")]
    Crypto(#[from] CryptoError),
    /// Another instance of this group (another thread, or another process
    /// sharing the store) stored a change since this instance loaded or
    /// last stored it. This instance changed nothing, in memory or in
    /// storage (but for dropping the sending keys it had reserved, whose
    /// generations are then never used); load the group again
    /// ([`Group::load`](crate::group::Group::load)) and retry.
    #[error(
        "another instance of this group stored a change since this one loaded it; \
         nothing was changed: load the group again and retry"
    )]
    Conflict,
}

/// Why bytes could not be decoded (RFC 9420 §2.1).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DecodeError {
    /// The input ended before the structure did.
    #[error("input ended early: needed {needed} more byte(s)")]
    EndOfInput {
        /// How many bytes were missing, where known (0 when not).
        needed: usize,
    },
    /// A variable-length vector header used the reserved `0b11` prefix (§2.1.2).
    #[error("variable-length header starts with the reserved prefix 0b11")]
    ReservedVarintPrefix,
    /// A variable-length header was not minimally encoded (§2.1.2).
    #[error("variable-length header is not minimally encoded")]
    NonMinimalVarint,
    /// A vector's length prefix is larger than the input that follows it.
    #[error("a vector's length prefix is larger than the input that follows it")]
    LengthExceedsInput,
    /// Bytes were left over after a complete message.
    #[error("{0} trailing byte(s) after a complete message")]
    TrailingBytes(usize),
    /// An `optional<T>` presence byte was neither 0 nor 1 (§2.1.1).
    #[error("optional presence byte is {0}, not 0 or 1")]
    InvalidOptional(u8),
    /// An enumerated field holds a value this structure does not define
    /// (an unknown wire format, content type, sender type, PSK type...).
    #[error("unknown enum value {0}")]
    UnknownValue(u64),
    /// Any other structural error reported by the TLS codec.
    #[error("{0}")]
    Codec(String),
    /// A `Credential` has a `credential_type` other than `basic` or `x509`
    /// (§5.3). Such a credential has no length prefix, so it cannot be
    /// skipped and the enclosing message cannot be parsed.
    #[error("unknown credential type 0x{0:04x}: only basic (1) and x509 (2) can be parsed")]
    UnknownCredentialType(u16),
}

/// A peer (or a message) broke a rule of RFC 9420. One variant per rule,
/// named after it; the section that states the rule is in each doc comment.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ProtocolError {
    /// An extension list holds two extensions of one type (§13: "Any field
    /// containing a list of extensions MUST NOT have more than one extension
    /// of any given type").
    #[error("extension type 0x{0:04x} appears more than once in one extension list")]
    DuplicateExtension(u16),
    /// A LeafNode's `leaf_node_source` does not fit where the leaf is used
    /// (§7.2, §7.3): for instance an `update` or `commit` leaf, whose
    /// signature covers a group id and leaf index, handled with neither. A
    /// protocol rule, kept here until the crate has a protocol-error group.
    #[error("leaf_node_source `{found}` does not fit here: {expected}")]
    WrongLeafNodeSource {
        /// The source the leaf carries.
        found: &'static str,
        /// What the context needed.
        expected: &'static str,
    },
    /// A serialized ratchet tree ends in a blank node (§12.4.3.3), or is empty.
    #[error("a serialized ratchet tree must not be empty or end in a blank node")]
    TrailingBlankNode,
    /// A leaf node at an odd index or a parent node at an even one (§7.1,
    /// Appendix C).
    #[error("node {0} has the wrong node type for its position")]
    NodeTypeMismatch(u32),
    /// A tree too large for `u32` node indices (Appendix C).
    #[error("the ratchet tree has too many nodes")]
    TreeTooLarge,
    /// A parent node's unmerged_leaves are not in increasing order (§7.1).
    #[error("unmerged_leaves of node {0} are not sorted in increasing order")]
    UnmergedLeavesUnsorted(u32),
    /// An unmerged leaf that is blank or not below the parent node (§12.4.3.1).
    #[error("node {node} lists leaf {leaf} as unmerged, but it is blank or not a descendant")]
    UnmergedLeafInvalid {
        /// The parent node.
        node: u32,
        /// The leaf index listed.
        leaf: u32,
    },
    /// A non-blank node between an unmerged leaf and the parent listing it
    /// does not list it too (§12.4.3.1).
    #[error("node {node} does not list leaf {leaf}, which node {parent} lists as unmerged")]
    UnmergedLeafMissing {
        /// The intermediate node.
        node: u32,
        /// The leaf index.
        leaf: u32,
        /// The parent node listing it.
        parent: u32,
    },
    /// A non-blank parent node that no parent-hash chain reaches (§7.9.2).
    #[error("parent node {0} is not parent-hash valid")]
    ParentHashUncovered(u32),
    /// A parent node that two parent-hash chains reach (§7.9.2).
    #[error("parent node {0} is covered by more than one parent-hash chain")]
    ParentHashCoveredTwice(u32),
    /// An encryption key that appears in more than one node (§12.4.3.1).
    #[error("encryption key of node {0} appears in another node of the tree")]
    DuplicateNodeEncryptionKey(u32),
    /// The tree hash does not match the one the group agreed on (§12.4.3.1).
    #[error("the ratchet tree's hash does not match the GroupContext tree_hash")]
    TreeHashMismatch,
    /// A proposal or path names a leaf that is blank or outside the tree.
    #[error("leaf {0} is blank or outside the tree")]
    BlankOrMissingLeaf(u32),
    /// An UpdatePath whose length is not the sender's filtered direct path's
    /// (§12.4.2).
    #[error("UpdatePath has {actual} node(s); the filtered direct path has {expected}")]
    UpdatePathLength {
        /// The filtered direct path's length.
        expected: usize,
        /// The UpdatePath's length.
        actual: usize,
    },
    /// An UpdatePathNode with a wrong number of encrypted path secrets (§7.6).
    #[error(
        "UpdatePathNode for node {node} has {actual} ciphertext(s); the copath resolution has {expected}"
    )]
    EncryptedPathSecretCount {
        /// The filtered-direct-path node.
        node: u32,
        /// The resolution's size.
        expected: usize,
        /// The ciphertexts given.
        actual: usize,
    },
    /// The committer's new leaf carries a parent hash that does not match
    /// its UpdatePath (§7.9.2).
    #[error("the UpdatePath leaf's parent_hash does not match the path")]
    LeafParentHashMismatch,
    /// A public key derived from a path secret differs from the tree's (§7.5).
    #[error("public key derived for node {0} does not match the UpdatePath")]
    PathPublicKeyMismatch(u32),
    /// No ciphertext in the UpdatePath is for a key we hold (§7.5).
    #[error("the UpdatePath holds no path secret encrypted to a key we hold")]
    NoPathSecretForUs,
    /// A PreSharedKeyID whose psk_nonce is not `KDF.Nh` bytes (§8.4).
    #[error("psk_nonce is {actual} byte(s), expected {expected}")]
    PskNonceLength {
        /// `KDF.Nh`.
        expected: usize,
        /// The length received.
        actual: usize,
    },
    /// The message's group_id is not this group's (§6.2, §6.3).
    #[error("message is for another group")]
    WrongGroupId,
    /// The message's epoch is neither the current one nor, for a
    /// PrivateMessage, a past epoch whose keys are still retained (§6).
    #[error("message is for epoch {received}; current epoch is {current}")]
    WrongEpoch {
        /// The message's epoch.
        received: u64,
        /// The group's current epoch.
        current: u64,
    },
    /// A PrivateMessage from a past epoch whose keys were deleted under the
    /// retention bound (§9.2): the message cannot be decrypted any more.
    #[error(
        "message is for epoch {received}, whose keys are no longer retained (current epoch {current}, {retained} past epoch(s) kept)"
    )]
    EpochNotRetained {
        /// The message's epoch.
        received: u64,
        /// The group's current epoch.
        current: u64,
        /// How many past epochs the configuration keeps.
        retained: u32,
    },
    /// Application data sent as a PublicMessage (§6.2: it MUST be a PrivateMessage).
    #[error("application data must be sent as a PrivateMessage")]
    ApplicationDataInPublicMessage,
    /// A PublicMessage from a member without a membership_tag (§6.2).
    #[error("PublicMessage from a member has no membership_tag")]
    MembershipTagMissing,
    /// A membership_tag (or other MAC) of the wrong length (§6.2); checked
    /// before any comparison.
    #[error("{what} is {actual} byte(s), expected {expected}")]
    MacLength {
        /// Which MAC.
        what: &'static str,
        /// `KDF.Nh`.
        expected: usize,
        /// The length received.
        actual: usize,
    },
    /// A membership_tag that does not match (§6.2).
    #[error("membership_tag does not match")]
    MembershipTagMismatch,
    /// A membership_tag on a message from a non-member sender (§6.2).
    #[error("membership_tag present on a message from a non-member sender")]
    UnexpectedMembershipTag,
    /// The FramedContent signature does not verify under the sender's key (§6.1).
    #[error("FramedContent signature does not verify under the sender's key")]
    ContentSignatureInvalid,
    /// A Commit without a confirmation_tag (§6.1).
    #[error("commit has no confirmation_tag")]
    ConfirmationTagMissing,
    /// A confirmation_tag that does not match (§8.2).
    #[error("confirmation_tag does not match")]
    ConfirmationTagMismatch,
    /// A PrivateMessage's padding has a non-zero byte (§6.3.1).
    #[error("PrivateMessage padding contains a non-zero byte")]
    NonZeroPadding,
    /// The sender's leaf index is outside the tree (§6.3.2).
    #[error("sender leaf {leaf} is outside the tree of {leaf_count} leaves")]
    SenderLeafOutOfRange {
        /// The sender's leaf index.
        leaf: u32,
        /// The tree's leaf count.
        leaf_count: u32,
    },
    /// The sender's leaf is blank (§6.3.2).
    #[error("sender leaf {0} is blank")]
    SenderLeafBlank(u32),
    /// An external sender index not in the external_senders extension (§6.1).
    #[error("external sender index {0} is not in the external_senders extension")]
    ExternalSenderOutOfRange(u32),
    /// A sender type that may not send this content type (§6.1): a
    /// new_member_commit that is not a Commit, a new_member_proposal that is
    /// not an Add, an external sender sending a Commit...
    #[error("sender type {sender} may not send {content}")]
    SenderContentMismatch {
        /// The sender type.
        sender: &'static str,
        /// The content type.
        content: &'static str,
    },
    /// A Welcome names a group id we already hold as an active group
    /// (§12.4.3.1: a client's group ids are unique). Nothing was stored.
    #[error("the Welcome is for a group id this client already holds as an active group")]
    WelcomeForActiveGroup,
    /// Peer data could not be decrypted with the key it must be encrypted
    /// to: the ciphertext, its KEM output or its sender data was altered or
    /// made for another key. The field names what (PrivateMessage sender
    /// data or content, §6.3; a Welcome's GroupSecrets or GroupInfo,
    /// §12.4.3.1; an UpdatePath secret, §7.6; an ExternalInit, §8.3).
    #[error("cannot decrypt the {0}: it was altered or made for another key")]
    DecryptionFailed(&'static str),
    /// The message key for this generation was already used: a replay, or a
    /// duplicate delivery (§9.2 deletion schedule).
    #[error("generation {generation} of this sender's {ratchet} ratchet was already used")]
    GenerationReplayed {
        /// The generation.
        generation: u32,
        /// `"handshake"` or `"application"`.
        ratchet: &'static str,
    },
    /// The generation is older than the skipped keys kept for out-of-order
    /// delivery (§9.2).
    #[error(
        "generation {generation} of the {ratchet} ratchet is older than the keys kept (oldest kept: {oldest})"
    )]
    GenerationTooOld {
        /// The generation.
        generation: u32,
        /// `"handshake"` or `"application"`.
        ratchet: &'static str,
        /// The oldest generation whose key may still be held.
        oldest: u32,
    },
    /// The generation is further ahead than the configured maximum forward
    /// jump (§9.2): rejected without deriving anything.
    #[error(
        "generation {generation} is more than {max_jump} ahead of the next expected {next} in the {ratchet} ratchet"
    )]
    GenerationTooFarAhead {
        /// The generation.
        generation: u32,
        /// The next generation the ratchet expects.
        next: u32,
        /// The configured maximum.
        max_jump: u32,
        /// `"handshake"` or `"application"`.
        ratchet: &'static str,
    },
    /// A LeafNode's signature does not verify under its own `signature_key`
    /// (§7.3: "Verify that the signature on the LeafNode is valid using
    /// `signature_key`").
    #[error("LeafNode signature does not verify under its signature_key (RFC 9420 §7.3)")]
    LeafNodeSignatureInvalid,
    /// The application's credential validator rejected a credential (§5.3.1:
    /// a new credential "MUST be validated with the AS").
    #[error(
        "credential rejected by the application's credential validator (RFC 9420 §5.3.1): {reason}"
    )]
    CredentialRejected {
        /// The validator's reason.
        reason: String,
    },
    /// A signature public key is not in the encoding §5.1.1 fixes for its
    /// scheme: the raw key for EdDSA, the uncompressed point `0x04||X||Y`
    /// for ECDSA (a compressed point, for example).
    #[error(
        "malformed {scheme:?} signature public key (RFC 9420 §5.1.1: raw EdDSA key or \
         uncompressed ECDSA point 0x04||X||Y): {len} bytes, first byte {first_byte:02x?}"
    )]
    MalformedSignatureKey {
        /// The scheme the key is for.
        scheme: crate::cipher_suite::SignatureScheme,
        /// The key's length.
        len: usize,
        /// Its first byte (0x02/0x03 for a compressed point), if any.
        first_byte: Option<u8>,
    },
    /// A member replaced its credential (in an Update or a commit's path)
    /// with one the credential validator does not accept as a successor of
    /// the old one (§5.3.1).
    #[error(
        "new credential is not a valid successor of the member's old one (RFC 9420 §5.3.1): {reason}"
    )]
    CredentialNotSuccessor {
        /// The validator's reason.
        reason: String,
    },
    /// A LeafNode's credential type is not in its own
    /// `capabilities.credentials` (§7.2).
    #[error(
        "the leaf's credential type 0x{credential_type:04x} is not listed in its own capabilities.credentials (RFC 9420 §7.2)"
    )]
    CredentialTypeNotInCapabilities {
        /// The leaf's credential type.
        credential_type: u16,
    },
    /// A LeafNode's capabilities lack what the group needs: protocol version
    /// mls10, the group's cipher suite (§11.1), or an entry of the group's
    /// `required_capabilities` (§7.3, §11.1).
    #[error(
        "the leaf's capabilities do not include {what} 0x{code:04x}, which the group requires (RFC 9420 §7.3, §11.1)"
    )]
    MissingCapability {
        /// `"protocol version"`, `"cipher suite"`, `"required extension
        /// type"`, `"required proposal type"` or `"required credential type"`.
        what: &'static str,
        /// The code point missing.
        code: u16,
    },
    /// A LeafNode carries a non-default extension that its
    /// `capabilities.extensions` does not list (§7.2, §7.3).
    #[error(
        "the leaf carries extension type 0x{extension_type:04x} without listing it in capabilities.extensions (RFC 9420 §7.2, §7.3)"
    )]
    ExtensionNotInCapabilities {
        /// The extension type.
        extension_type: u16,
    },
    /// A LeafNode's credential type is not supported by every member of the
    /// group (§7.3).
    #[error(
        "the leaf's credential type 0x{credential_type:04x} is not supported by every member of the group (RFC 9420 §7.3)"
    )]
    CredentialTypeNotSupportedByMembers {
        /// The leaf's credential type.
        credential_type: u16,
    },
    /// A LeafNode does not support a credential type in use by a member of
    /// the group (§7.3).
    #[error(
        "the leaf's capabilities do not list credential type 0x{credential_type:04x}, which a member of the group uses (RFC 9420 §7.3)"
    )]
    MemberCredentialTypeNotSupported {
        /// The credential type a member uses.
        credential_type: u16,
    },
    /// The current time is outside a `key_package` leaf's lifetime (§7.3).
    #[error(
        "the leaf's lifetime [{not_before}, {not_after}] does not contain the current time {now} (RFC 9420 §7.3)"
    )]
    LifetimeNotValid {
        /// `lifetime.not_before`, seconds since the Unix epoch.
        not_before: u64,
        /// `lifetime.not_after`, seconds since the Unix epoch.
        not_after: u64,
        /// The time checked, seconds since the Unix epoch.
        now: u64,
    },
    /// A LeafNode's `signature_key` is already used by another leaf of the
    /// group (§7.3: it MUST be unique among the members).
    #[error("the leaf's signature_key is already used by another member (RFC 9420 §7.3)")]
    DuplicateSignatureKey,
    /// A LeafNode's `encryption_key` is already used by another leaf of the
    /// group (§7.3: it MUST be unique among the members).
    #[error("the leaf's encryption_key is already used by another member (RFC 9420 §7.3)")]
    DuplicateEncryptionKey,
    /// An Update's leaf keeps the `encryption_key` of the leaf it replaces
    /// (§7.3: it MUST be a different public key).
    #[error(
        "an Update's leaf must change the encryption_key of the leaf it replaces (RFC 9420 §7.3)"
    )]
    UpdateKeepsEncryptionKey,
    /// A KeyPackage's cipher suite is not the group's (§10.1).
    #[error("KeyPackage cipher suite {key_package} is not the group's {group} (RFC 9420 §10.1)")]
    KeyPackageCipherSuiteMismatch {
        /// The KeyPackage's suite.
        key_package: crate::CipherSuite,
        /// The group's suite.
        group: crate::CipherSuite,
    },
    /// A KeyPackage's signature does not verify under its leaf's
    /// `signature_key` (§10.1).
    #[error("KeyPackage signature does not verify under leaf_node.signature_key (RFC 9420 §10.1)")]
    KeyPackageSignatureInvalid,
    /// A KeyPackage's `init_key` equals its leaf's `encryption_key` (§10.1:
    /// they MUST differ).
    #[error(
        "KeyPackage init_key equals leaf_node.encryption_key; they must differ (RFC 9420 §10.1)"
    )]
    InitKeyEqualsEncryptionKey,

    // ----- proposals and proposal lists (§12.1, §12.2) -----
    /// A Remove names a blank leaf or one outside the tree (§12.1.3).
    #[error("Remove of leaf {0}, which is blank or outside the tree (RFC 9420 §12.1.3)")]
    RemoveOfBlankLeaf(u32),
    /// A regular commit covers an Update from the committer (§12.2).
    #[error("a Commit covers an Update proposal from the committer itself (RFC 9420 §12.2)")]
    CommitterUpdate,
    /// A regular commit removes the committer (§12.2).
    #[error("a Commit covers a Remove of the committer itself (RFC 9420 §12.2)")]
    CommitterRemoved,
    /// Two Update or Remove proposals apply to one leaf (§12.2).
    #[error("more than one Update or Remove for leaf {0} (RFC 9420 §12.2)")]
    DuplicateLeafChange(u32),
    /// Two Adds carry KeyPackages of one client (same signature key, §12.2).
    #[error("two Add proposals carry KeyPackages with the same signature key (RFC 9420 §12.2)")]
    DuplicateAdd,
    /// An Add's KeyPackage is a client already in the group, not removed by
    /// the same commit (§12.2).
    #[error("an Add proposal adds a client already in the group, at leaf {0} (RFC 9420 §12.2)")]
    AddOfExistingMember(u32),
    /// Two PreSharedKey proposals reference one PreSharedKeyID (§12.2).
    #[error("two PreSharedKey proposals reference the same PSK id (RFC 9420 §12.2)")]
    DuplicatePsk,
    /// More than one GroupContextExtensions proposal (§12.2).
    #[error("more than one GroupContextExtensions proposal (RFC 9420 §12.2)")]
    MultipleGroupContextExtensions,
    /// A ReInit together with other proposals (§12.2).
    #[error("a ReInit proposal must be the only proposal of its Commit (RFC 9420 §12.2)")]
    ReInitWithOtherProposals,
    /// An ExternalInit outside an external commit (§12.2).
    #[error("an ExternalInit proposal is only allowed in an external Commit (RFC 9420 §12.2)")]
    ExternalInitInRegularCommit,
    /// A proposal type that a member who must process the commit does not
    /// support (§12.2).
    #[error(
        "proposal type 0x{proposal_type:04x} is not supported by the member at leaf {leaf} (RFC 9420 §12.2)"
    )]
    ProposalTypeUnsupported {
        /// The proposal type.
        proposal_type: u16,
        /// A member lacking it.
        leaf: u32,
    },
    /// A resumption PSK with usage reinit or branch outside those
    /// operations (§12.1.4).
    #[error(
        "a resumption PSK with usage reinit or branch in an ordinary Commit (RFC 9420 §12.1.4)"
    )]
    PskUsageNotAllowed,
    /// A GroupContextExtensions proposal needs a capability a member lacks,
    /// or an extension a member does not list (§12.1.7).
    #[error(
        "the new group context extensions need a capability the member at leaf {0} lacks (RFC 9420 §12.1.7)"
    )]
    GroupContextExtensionsUnsupported(u32),
    /// A Commit references a proposal not received in this epoch (§12.4).
    #[error("a Commit references a proposal that was not received in this epoch (RFC 9420 §12.4)")]
    UnknownProposalRef,
    /// An external sender sent a proposal type it may not (§12.1.8).
    #[error("proposal type 0x{0:04x} cannot be sent by an external sender (RFC 9420 §12.1.8)")]
    ExternalSenderProposalType(u16),
    /// The Commit has no path although its proposals require one (§12.4).
    #[error(
        "the Commit has no path, but it is empty or covers a path-required proposal (RFC 9420 §12.4)"
    )]
    PathRequired,
    /// A public key of an UpdatePath is already in the tree (§12.4.2).
    #[error("an UpdatePath public key already appears in the ratchet tree (RFC 9420 §12.4.2)")]
    UpdatePathKeyInUse,
    /// A PSK the commit or Welcome names is not available (§12.4.2,
    /// §12.4.3.1).
    #[error("a pre-shared key named by the message is not available (RFC 9420 §12.4.2)")]
    PskNotFound,
    /// A proposal the group's rules refused (§12.1.8 for proposals from
    /// outside the group).
    #[error("the group's rules refused a proposal: {0}")]
    ProposalRejectedByRules(String),
    /// A commit the group's rules refused.
    #[error("the group's rules refused a commit: {0}")]
    CommitRejectedByRules(String),
    /// A KeyPackage's lifetime is longer than the maximum the group
    /// accepts (§7.2: applications MUST bound it).
    #[error(
        "KeyPackage lifetime [{not_before}, {not_after}] is longer than the accepted maximum of {max} seconds (RFC 9420 §7.2)"
    )]
    LifetimeTooLong {
        /// Start of the lifetime.
        not_before: u64,
        /// End of the lifetime.
        not_after: u64,
        /// The configured maximum length, in seconds.
        max: u64,
    },
    /// The group would exceed the configured maximum number of leaves
    /// (`GroupConfig::max_leaves`), or a tree to join is wider than it.
    #[error("the group would exceed its configured maximum of {0} leaves")]
    TooManyMembers(u32),
    /// This epoch already holds the configured maximum of proposals
    /// (`GroupConfig::max_proposals_per_epoch`); a commit must come first.
    #[error(
        "this epoch already holds its configured maximum of {0} proposals; a commit must come first"
    )]
    TooManyProposals(u32),

    // ----- external commits (§12.4.3.2) -----
    /// An external commit has not exactly one ExternalInit (§12.2).
    #[error("an external Commit must carry exactly one ExternalInit, found {0} (RFC 9420 §12.2)")]
    ExternalInitCount(usize),
    /// An external commit with more than one Remove (§12.2).
    #[error("an external Commit may carry at most one Remove (RFC 9420 §12.2)")]
    ExternalCommitRemoveCount,
    /// An external commit with a proposal type other than ExternalInit,
    /// Remove and PreSharedKey (§12.2).
    #[error("proposal type 0x{0:04x} is not allowed in an external Commit (RFC 9420 §12.2)")]
    ExternalCommitProposalType(u16),
    /// An external commit with a proposal by reference (§12.4.3.2).
    #[error("an external Commit must not reference proposals (RFC 9420 §12.4.3.2)")]
    ExternalCommitByReference,
    /// A resync's new leaf does not carry the removed member's identity
    /// (§12.2: it must be valid as an Update of that leaf).
    #[error("an external Commit removing leaf {0} must come from the same client (RFC 9420 §12.2)")]
    ResyncIdentityMismatch(u32),
    /// The GroupInfo has no `external_pub` extension (§12.4.3.2).
    #[error(
        "the GroupInfo has no external_pub extension; external commits are not possible (RFC 9420 §12.4.3.2)"
    )]
    ExternalPubMissing,

    // ----- Welcome and GroupInfo (§12.4.3) -----
    /// No entry of the Welcome is for any of our KeyPackages (§12.4.3.1).
    #[error("the Welcome has no entry for any of our KeyPackages (RFC 9420 §12.4.3.1)")]
    WelcomeNotForUs,
    /// The Welcome's suite differs from the KeyPackage's (§12.4.3.1).
    #[error(
        "the Welcome's cipher suite {welcome} differs from our KeyPackage's {key_package} (RFC 9420 §12.4.3.1)"
    )]
    WelcomeCipherSuiteMismatch {
        /// The Welcome's suite.
        welcome: crate::CipherSuite,
        /// The KeyPackage's suite.
        key_package: crate::CipherSuite,
    },
    /// More than one resumption PSK with usage reinit or branch
    /// (§12.4.3.1).
    #[error("more than one resumption PSK with usage reinit or branch (RFC 9420 §12.4.3.1)")]
    MultipleResumptionPsks,
    /// A reinit or branch Welcome for an epoch other than 1 (§12.4.3.1).
    #[error(
        "a Welcome with a reinit or branch PSK must start epoch 1, not {0} (RFC 9420 §12.4.3.1)"
    )]
    ResumptionEpochNotOne(u64),
    /// A reinit Welcome whose group does not match the ReInit (§11.2):
    /// `group_id`, `cipher_suite` or `extensions` differ from the ReInit's,
    /// `epoch` (the reinit PSK is not of the epoch after the ReInit), or
    /// the old group's last commit had no ReInit.
    #[error("the new group does not match the ReInit proposal: {0} (RFC 9420 §11.2)")]
    ReInitMismatch(&'static str),
    /// A branch Welcome whose version or suite differs from the old
    /// group's (§11.3).
    #[error("a branched group must keep the version and cipher suite (RFC 9420 §11.3)")]
    BranchMismatch,
    /// The GroupInfo's signature does not verify (§12.4.3.1).
    #[error(
        "the GroupInfo signature does not verify under the signer's leaf key (RFC 9420 §12.4.3.1)"
    )]
    GroupInfoSignatureInvalid,
    /// The GroupInfo signer's leaf is blank or outside the tree.
    #[error("the GroupInfo signer, leaf {0}, is blank or outside the tree (RFC 9420 §12.4.3.1)")]
    GroupInfoSignerBlank(u32),
    /// A GroupInfo offered as the group's current one (to a
    /// [`PublicGroup`](crate::group::PublicGroup)) does not describe the
    /// current epoch: the named field (`group_context`,
    /// `confirmation_tag` or `ratchet_tree`) differs (§12.4.3).
    #[error("the GroupInfo's {0} differs from the group's current epoch (RFC 9420 §12.4.3)")]
    GroupInfoMismatch(&'static str),
    /// Neither the Welcome nor the caller supplied the ratchet tree.
    #[error(
        "no ratchet tree: the GroupInfo has no ratchet_tree extension and none was given (RFC 9420 §12.4.3.3)"
    )]
    RatchetTreeMissing,
    /// No leaf of the tree is our KeyPackage's leaf (§12.4.3.1).
    #[error("no leaf of the ratchet tree matches our KeyPackage (RFC 9420 §12.4.3.1)")]
    OwnLeafNotInTree,
    /// A group context extension the joiner does not support (§12.4.3).
    #[error("group context extension 0x{0:04x} is not supported by this client (RFC 9420 §12.4.3)")]
    GroupContextExtensionNotSupported(u16),
}

/// Something this library does not support.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Unsupported {
    /// A cipher suite code point this library has no built-in definition of
    /// ([`CipherSuiteDefinition::BUILT_IN`](crate::CipherSuiteDefinition::BUILT_IN)).
    #[error("unknown cipher suite 0x{0:04x}")]
    UnknownCipherSuite(u16),
    /// A suite definition given to a crypto provider whose algorithms it does
    /// not implement.
    #[error(
        "crypto provider {provider} does not implement the algorithms of {name} (0x{code:04x})"
    )]
    AlgorithmsNotProvided {
        /// The definition's code point.
        code: u16,
        /// The definition's name.
        name: &'static str,
        /// The provider's name.
        provider: &'static str,
    },
    /// Two suite definitions given to one crypto provider share a code point.
    #[error("cipher suite code point 0x{0:04x} is defined twice")]
    DuplicateCipherSuite(u16),
    /// A cipher suite the configured crypto provider does not implement.
    #[error("cipher suite {suite} is not offered by crypto provider {provider}")]
    CipherSuiteNotProvided {
        /// The suite asked for.
        suite: crate::CipherSuite,
        /// The provider's name.
        provider: &'static str,
    },
}

/// A misuse of the API by the caller.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Misuse {
    /// A signer's scheme does not match the cipher suite in use.
    #[error("signer uses {signer:?} but the cipher suite needs {suite:?}")]
    SignatureSchemeMismatch {
        /// The signer's scheme.
        signer: crate::SignatureScheme,
        /// The scheme the suite requires.
        suite: crate::SignatureScheme,
    },
    /// A ratchet has used every generation a `u32` can number (§9.1).
    #[error("the sender ratchet is exhausted; a commit must start a new epoch")]
    RatchetExhausted,
    /// A leaf index outside the secret tree was asked for.
    #[error("leaf {leaf} is outside the tree of {leaf_count} leaves")]
    LeafOutOfRange {
        /// The leaf asked for.
        leaf: u32,
        /// The tree's leaf count.
        leaf_count: u32,
    },
    /// Member and new_member_commit content is signed over the GroupContext,
    /// which was not given (§6.1).
    #[error("signing or verifying this sender's content needs the GroupContext")]
    MissingGroupContext,
    /// Content signed for one wire format was wrapped in another.
    #[error("the content was signed for a different wire format")]
    WrongWireFormat,
    /// Only members can send PrivateMessages (§6.3).
    #[error("only a member can send a PrivateMessage")]
    NonMemberPrivateMessage,
    /// Content of a past epoch was given to be sent.
    #[error("content must be signed in the current epoch to be sent")]
    NotCurrentEpoch,
    /// A Welcome, GroupInfo or KeyPackage was given where a PublicMessage or
    /// PrivateMessage was expected.
    #[error("only PublicMessages and PrivateMessages can be unprotected")]
    NotAProtectedMessage,
    /// A pending receive was committed after the secret tree changed.
    #[error("the secret tree changed since this pending receive was computed")]
    StalePendingRatchet,
    /// Application data cannot be sent as a PublicMessage (§6.2).
    #[error("application data must be sent as a PrivateMessage")]
    ApplicationDataAsPublicMessage,
    /// A value too large for the field it must be written into.
    #[error("{0} is too large to encode")]
    TooLarge(&'static str),
    /// A commit of ours is pending: merge or clear it first.
    #[error("a commit is pending: merge it or clear it before starting another")]
    CommitPending,
    /// No commit of ours is pending.
    #[error("there is no pending commit to merge")]
    NoPendingCommit,
    /// A group joined by external commit is used (or cleared) before its
    /// commit was merged: it is not stored and not a member's state yet.
    #[error(
        "this group was joined by external commit and is not stored yet: call \
         merge_pending_commit once the delivery service accepted the commit, or drop the \
         group if it refused it"
    )]
    UnmergedExternalJoin,
    /// A staged commit no longer fits the group: another commit was merged
    /// since it was staged, or it was staged by another member's group.
    #[error("this staged commit was made for another state of the group; process the commit again")]
    StaleStagedCommit,
    /// A commit we sent came back: merge the pending commit instead.
    #[error("this is our own commit: call merge_pending_commit instead of processing it")]
    OwnCommit,
    /// The group can no longer be used: we were removed, or it was
    /// re-initialized (§12.4.2).
    #[error("the group is no longer active ({0})")]
    GroupInactive(&'static str),
    /// Proposals received this epoch must be committed before application
    /// data is sent (§12.4).
    #[error("proposals are pending; commit them before sending application data (RFC 9420 §12.4)")]
    ProposalsPending,
    /// The message is not of the kind this call handles.
    #[error("expected {0}")]
    UnexpectedMessage(&'static str),
    /// A ReInit proposal or state was needed but is absent.
    #[error("the group has no committed ReInit to complete")]
    NoReInit,
    /// The caller asked for a member that is not in the group.
    #[error("leaf {0} is not a member of the group")]
    NotAMember(u32),
    /// A group with this id is already stored and active; group ids are
    /// unique among a client's groups (§12.4.3.1).
    #[error("a group with this id is already stored for this client and active")]
    GroupIdInUse,
    /// The stored group's own leaf has another signature key than the
    /// client loading it: it belongs to another client (a storage shared
    /// by mistake, or the wrong signer after a restart).
    #[error(
        "the stored group signs with a key none of this client's identities holds \
         (add the group's identity with Client::add_identity before loading it)"
    )]
    GroupOfAnotherClient,
}

/// A storage failure: the backend failed, or a stored value is damaged.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct StorageError {
    /// What kind of failure, for callers that react differently to each.
    pub kind: StorageErrorKind,
    /// What failed, in words.
    pub message: String,
}

/// The kinds of [`StorageError`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum StorageErrorKind {
    /// The backend failed (I/O, a full disk, a closed database, ...).
    Backend,
    /// Another process or connection holds the database's write lock and
    /// did not release it within the backend's wait; retrying may succeed.
    Busy,
    /// A stored value is truncated, altered or of another kind than the
    /// key says, or the stored state contradicts itself (a tree whose hash
    /// is not the GroupContext's). Nothing was loaded from it.
    Corrupt,
    /// The store was written by a newer release, in a format this build
    /// does not read.
    UnsupportedVersion,
    /// Nothing is stored under the requested key (a group id, a
    /// KeyPackage reference).
    NotFound,
    /// A condition of the batch ([`WriteOp::Expect`](crate::provider::WriteOp::Expect))
    /// did not hold: another writer changed the key. Nothing was written.
    Conflict,
}

impl StorageError {
    /// Wraps a backend's own error.
    pub fn backend(err: impl fmt::Display) -> Self {
        Self::new(StorageErrorKind::Backend, err)
    }

    /// An error of the given kind.
    pub fn new(kind: StorageErrorKind, err: impl fmt::Display) -> Self {
        Self {
            kind,
            message: err.to_string(),
        }
    }

    /// A damaged stored value or an inconsistent stored state.
    pub fn corrupt(err: impl fmt::Display) -> Self {
        Self::new(StorageErrorKind::Corrupt, err)
    }
}

/// A crypto failure: a backend error or a failed cryptographic check.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CryptoError {
    /// A signature did not verify.
    #[error("signature does not verify")]
    InvalidSignature,
    /// AEAD decryption failed: wrong key, nonce, associated data or a modified ciphertext.
    #[error("AEAD decryption failed (wrong key or modified ciphertext)")]
    AeadOpenFailed,
    /// HPKE decryption failed.
    #[error("HPKE decryption failed (wrong key or modified ciphertext)")]
    HpkeOpenFailed,
    /// A public key is not a valid encoding for its algorithm.
    #[error("invalid {0} public key")]
    InvalidPublicKey(&'static str),
    /// A private key is not valid for its algorithm.
    #[error("invalid {0} private key")]
    InvalidPrivateKey(&'static str),
    /// A key, nonce or output length does not fit the algorithm.
    #[error("invalid length for {what}: {len}")]
    InvalidLength {
        /// What had the wrong length.
        what: &'static str,
        /// The length given.
        len: usize,
    },
    /// The randomness source failed.
    #[error("randomness source failed: {0}")]
    Rand(String),
    /// The suite object was asked for an algorithm it does not implement.
    #[error("algorithm not supported by this backend: {0}")]
    UnsupportedAlgorithm(&'static str),
    /// Any other failure reported by the underlying library.
    #[error("backend error: {0}")]
    Backend(String),
}

impl From<tls_codec::Error> for DecodeError {
    fn from(err: tls_codec::Error) -> Self {
        match err {
            tls_codec::Error::EndOfStream => DecodeError::EndOfInput { needed: 0 },
            tls_codec::Error::TrailingData => DecodeError::TrailingBytes(0),
            tls_codec::Error::DecodingError(msg) => decoding_message(msg),
            tls_codec::Error::UnknownValue(v) => DecodeError::UnknownValue(v),
            other => DecodeError::Codec(other.to_string()),
        }
    }
}

impl From<tls_codec::Error> for Error {
    fn from(err: tls_codec::Error) -> Self {
        Error::Decode(err.into())
    }
}

/// Recovers the typed reason from a message that crossed `tls_codec`'s
/// string-only error (see codec.rs).
fn decoding_message(msg: String) -> DecodeError {
    use crate::codec::{MSG_LENGTH_EXCEEDS, MSG_NON_MINIMAL, MSG_RESERVED_PREFIX};
    const OPTION_PREFIX: &str = "Trying to decode Option<T> with ";
    if msg == MSG_RESERVED_PREFIX {
        DecodeError::ReservedVarintPrefix
    } else if msg == MSG_NON_MINIMAL {
        DecodeError::NonMinimalVarint
    } else if msg == MSG_LENGTH_EXCEEDS {
        DecodeError::LengthExceedsInput
    } else if let Some(code) = msg
        .strip_prefix(crate::credential::MSG_UNKNOWN_CREDENTIAL_TYPE)
        .and_then(|n| n.parse::<u16>().ok())
    {
        DecodeError::UnknownCredentialType(code)
    } else if let Some(v) = msg
        .strip_prefix(OPTION_PREFIX)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse::<u8>().ok())
    {
        DecodeError::InvalidOptional(v)
    } else {
        DecodeError::Codec(msg)
    }
}

/// Maps the failure to open peer data into the protocol error naming it;
/// other crypto failures (a backend error) stay what they are.
pub(crate) fn undecryptable(what: &'static str) -> impl Fn(CryptoError) -> Error {
    move |err| match err {
        CryptoError::AeadOpenFailed
        | CryptoError::HpkeOpenFailed
        | CryptoError::InvalidPublicKey(_)
        | CryptoError::InvalidLength { .. } => ProtocolError::DecryptionFailed(what).into(),
        other => other.into(),
    }
}

/// [`undecryptable`] for a call that returns the crate's error.
pub(crate) fn undecryptable_error(what: &'static str) -> impl Fn(Error) -> Error {
    move |err| match err {
        Error::Crypto(c) => undecryptable(what)(c),
        other => other,
    }
}

impl Error {
    /// A signature that does not verify, reported as `rule`: a peer's
    /// signature over its own object failing is the peer's fault (the
    /// public `verify_signature` functions name the rule, not the
    /// primitive); other errors stay what they are.
    pub(crate) fn signature_invalid(self, rule: ProtocolError) -> Error {
        match self {
            Error::Crypto(CryptoError::InvalidSignature) => rule.into(),
            other => other,
        }
    }
}
