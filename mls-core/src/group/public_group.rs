//! A group followed without any secret (RFC 9420 §12.4.3.1, §12.4.2,
//! RFC 9750 §5): the view a delivery service keeps to check and order
//! handshake messages, like OpenMLS' `PublicGroup` and mls-rs'
//! `ExternalGroup`.
//!
//! # What is checked, and where the code lives
//!
//! A [`PublicGroup`] starts from a GroupInfo and its ratchet tree and runs
//! the same checks a joiner runs on them, through the same functions
//! (`join::tree_from`, `join::verify_group_info_and_tree`): the GroupInfo
//! signature under its signer's leaf, the tree hash against the
//! GroupContext, parent hashes, unmerged leaves, unique keys and every
//! leaf (§12.4.3.1, §7.9.2, §7.3), with the credential validator it is
//! given.
//!
//! It then processes PublicMessage proposals and commits:
//!
//! * framing (§6, §6.2): group id, epoch, no application data, the sender
//!   rules, the sender's leaf in range, a confirmation tag on a commit, a
//!   membership tag of the right length on a member's message, and the
//!   sender's signature over the GroupContext: `verify_public_message`,
//!   the function a member's `MessageProtection` calls;
//! * a proposal alone: `proposal_list::check_received_proposal`, as a
//!   member checks it, then it is cached by its `ProposalRef`;
//! * a commit: `commit_tree::apply_commit_public`, the public half of a
//!   member's §12.4.2 checks, shared with `Group`: proposal references
//!   resolved from the cache, the list rules (§12.2) and their application
//!   (§12.3) with every new leaf validated, the committer's path leaf and
//!   the freshness of its keys, the UpdatePath's shape (one encrypted path
//!   secret per resolution node), its parent hashes, and the new tree
//!   hash. Then the transcript: the confirmed transcript hash from the
//!   commit's content (§8.2), the interim one from the confirmation tag
//!   it carries.
//!
//! # What cannot be checked without secrets
//!
//! * the **membership tag**'s value (§6.2: a MAC under the epoch's
//!   `membership_key`): only its presence and length are checked;
//! * the **confirmation tag** (§8.2: a MAC under the next epoch's
//!   `confirmation_key`): it is taken as carried, into the interim
//!   transcript hash. A commit whose tag is wrong is refused by every
//!   member but accepted here: the view then follows an epoch no member
//!   reached. The same holds for the GroupInfo's tag at the start;
//! * the **path secrets**: the HPKE ciphertexts of an UpdatePath are
//!   counted, not decrypted, so a path whose secrets do not match its
//!   public keys passes here and fails at members;
//! * an **ExternalInit**'s `kem_output` (§8.3) and the **PSKs** a commit
//!   names (§8.4): their values feed the key schedule only;
//! * PrivateMessages: refused, their content cannot be read.
//!
//! The application's [`GroupRules`](super::GroupRules) are not consulted:
//! a delivery service has its own policy.
//!
//! # Storage
//!
//! A view is stored through the provider's storage with a member's
//! transaction model (`group/persist/public.rs`), in its own namespace
//! ([`Namespace::PublicGroups`](crate::provider::Namespace)): building it,
//! caching a proposal and merging a commit are one transaction each,
//! guarded by the view's write counter, so a crash leaves the view in the
//! epoch before or after a commit and two instances of one view on one
//! store cannot both write ([`Error::Conflict`]). A failed write leaves
//! the view in memory as it was. [`PublicGroupBuilder::load`] reads it
//! back.
//!
//! # Where a view starts
//!
//! From a GroupInfo and its tree, such as the creator's GroupInfo of
//! epoch 0 or any member's later. Not from the creator's first commit
//! alone: that commit's confirmed transcript hash chains from the
//! interim transcript hash of epoch 0, which is computed from epoch 0's
//! confirmation tag, a MAC under that epoch's secrets (§8.2, §11), and
//! only a GroupInfo carries it.
//!
//! # Not done
//!
//! PrivateMessage handshakes are refused: a delivery service can only
//! order them by epoch.

use super::commit_tree::{
    PublicCommit, SummaryParts, apply_commit_public, resolve_list, summarize,
};
use super::config::GroupConfig;
use super::join::{tree_from, verify_group_info_and_tree};
use super::key_index::{CredentialCounts, KeyIndex};
use super::pending::{CachedProposal, ProposalCache};
use super::persist::WriteCounter;
use super::persist::public::{LoadedParts, PublicRecordRef};
use super::process::{ReceivedProposal, message_sender};
use super::proposal_list::{self, Committer, ListContext, ListItem};
use super::rules::MessageSender;
use super::staged::CommitSummary;
use super::state::{GroupSenderKeys, Member, PastSignatureKeys, first_old_values};
use crate::cipher_suite::CipherSuite;
use crate::codec::{VarBytes, encode};
use crate::credential::CredentialValidator;
use crate::error::{Error, Misuse, ProtocolError};
use crate::extensions::{ExtensionType, Extensions};
use crate::framing::verify_public_message;
use crate::framing::{AuthenticatedContent, Content, MlsMessage, MlsMessageBody};
use crate::group::commit::Commit;
use crate::group::group_info::GroupInfo;
use crate::group::proposal::{ProposalRef, ReInit};
use crate::key_schedule::GroupContext;
use crate::key_schedule::transcript::{confirmed_transcript_hash, interim_transcript_hash};
use crate::provider::{CipherSuiteProvider, CryptoProvider, Provider};
use crate::tree::leaf_validation::MemberCredentialTypes;
use crate::tree::node::RatchetTree;
use crate::tree::public_tree::{PublicTree, TreeChanges};
use crate::tree_math::LeafIndex;
use std::sync::Arc;

type Clock = Arc<dyn Fn() -> u64 + Send + Sync>;

/// Builds a [`PublicGroup`]: the provider, and the hooks a member's
/// [`Client`](super::Client) would give.
pub struct PublicGroupBuilder<P: Provider> {
    pub(super) provider: P,
    credential_validator: Arc<dyn CredentialValidator>,
    clock: Clock,
    config: GroupConfig,
}

impl<P: Provider> PublicGroupBuilder<P> {
    /// The Authentication Service (§5.3.1) that validates every credential
    /// of the tree and of the leaves commits bring. Default:
    /// [`NoValidator`](crate::credential::NoValidator), which refuses
    /// every credential, as for a [`Client`](super::Client).
    pub fn credential_validator(mut self, validator: impl CredentialValidator + 'static) -> Self {
        self.credential_validator = Arc::new(validator);
        self
    }

    /// The clock for lifetimes, in seconds since the Unix epoch. Default:
    /// the system clock.
    pub fn clock(mut self, clock: impl Fn() -> u64 + Send + Sync + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// The group's configuration (leaf bound, lifetime checks, proposal
    /// bound), as the members use it.
    pub fn config(mut self, config: GroupConfig) -> Self {
        self.config = config;
        self
    }

    /// Follows the group from `group_info` (an MLSMessage carrying a
    /// GroupInfo) and its ratchet tree: from the GroupInfo's
    /// `ratchet_tree` extension, else `ratchet_tree`. Checks the GroupInfo
    /// and the tree as a joiner does (§12.4.3.1), except the confirmation
    /// tag, which needs the epoch's secrets, and stores the view in one
    /// transaction.
    ///
    /// Errors: those of a joiner's checks; [`Misuse::GroupIdInUse`] if a
    /// view of this group that did not end in a ReInit is stored already
    /// (load it, or [`PublicGroup::delete_stored`] it first).
    pub fn build_from_group_info(
        self,
        group_info: &MlsMessage,
        ratchet_tree: Option<RatchetTree>,
    ) -> Result<PublicGroup<P>, Error> {
        let MlsMessageBody::GroupInfo(info) = &group_info.body else {
            return Err(Misuse::UnexpectedMessage("a GroupInfo").into());
        };
        self.build_from(info, ratchet_tree)
    }

    fn build_from(
        self,
        info: &GroupInfo,
        ratchet_tree: Option<RatchetTree>,
    ) -> Result<PublicGroup<P>, Error> {
        let suite = self
            .provider
            .crypto()
            .cipher_suite(info.group_context.cipher_suite)?;
        let mut tree = tree_from(info, ratchet_tree, self.config.leaf_limit())?;
        verify_group_info_and_tree(
            self.credential_validator.as_ref(),
            (self.clock)(),
            suite,
            info,
            &mut tree,
            &self.config,
        )?;
        let context = info.group_context.clone();
        // §8.2: the interim transcript hash follows from the GroupInfo's
        // confirmation tag, which cannot be verified here.
        let interim = interim_transcript_hash(
            suite,
            context.confirmed_transcript_hash.as_slice(),
            info.confirmation_tag.as_slice(),
        )?;
        let config = self.config.clone();
        let mut group = self.assemble(
            LoadedParts {
                key_index: KeyIndex::build(&tree),
                credential_counts: CredentialCounts::build(&tree),
                config,
                context,
                tree,
                interim_transcript_hash: interim,
                confirmation_tag: info.confirmation_tag.as_slice().to_vec(),
                reinit: None,
                proposals: ProposalCache::default(),
            },
            WriteCounter::default(),
        );
        group.persist_new()?;
        Ok(group)
    }

    /// A view from its parts, built or loaded.
    pub(super) fn assemble(
        self,
        parts: LoadedParts,
        write_counter: WriteCounter,
    ) -> PublicGroup<P> {
        PublicGroup {
            credential_types: parts.credential_counts.types(),
            credential_counts: parts.credential_counts,
            key_index: parts.key_index,
            provider: self.provider,
            credential_validator: self.credential_validator,
            clock: self.clock,
            config: parts.config,
            context: parts.context,
            tree: parts.tree,
            interim_transcript_hash: parts.interim_transcript_hash,
            confirmation_tag: parts.confirmation_tag,
            proposals: parts.proposals,
            reinit: parts.reinit,
            write_counter,
        }
    }
}

/// A group followed without any secret: its tree, GroupContext and
/// transcript, kept current by the PublicMessage handshakes it processes,
/// as a delivery service needs it (RFC 9750 §5).
///
/// It checks everything a member checks that needs no secret, with the
/// members' own code: the GroupInfo and tree it starts from (§12.4.3.1),
/// and of each proposal and commit the framing (§6.2), the sender's
/// signature, the proposal list (§12.2), every new leaf, the UpdatePath's
/// shape and parent hashes and the new tree hash (§12.4.2).
///
/// It **cannot** check:
///
/// * the value of a membership tag (§6.2), only its presence and length;
/// * a confirmation tag (§8.2), neither in the GroupInfo it starts from
///   nor in a commit: the tag is taken as carried into the interim
///   transcript hash. A commit the members refuse for a wrong tag moves
///   this view to an epoch no member is in;
/// * that an UpdatePath's encrypted path secrets match its public keys,
///   an ExternalInit's `kem_output`, or that a commit's PSKs exist;
/// * PrivateMessages, which it refuses.
///
/// The application's [`GroupRules`](super::GroupRules) are not consulted.
pub struct PublicGroup<P: Provider> {
    pub(super) provider: P,
    credential_validator: Arc<dyn CredentialValidator>,
    clock: Clock,
    pub(super) config: GroupConfig,
    pub(super) context: GroupContext,
    pub(super) tree: PublicTree,
    key_index: KeyIndex,
    credential_types: MemberCredentialTypes,
    credential_counts: CredentialCounts,
    pub(super) interim_transcript_hash: Vec<u8>,
    /// The confirmation tag of the current epoch, as carried (unverified).
    pub(super) confirmation_tag: Vec<u8>,
    /// The proposals of the current epoch, for commits that reference them.
    pub(super) proposals: ProposalCache,
    /// The ReInit of the last commit, if it carried one (§11.2): the group
    /// accepts no further commit.
    pub(super) reinit: Option<ReInit>,
    /// The stored view's write counter, as this instance last saw it.
    pub(super) write_counter: WriteCounter,
}

impl<P: Provider> std::fmt::Debug for PublicGroup<P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PublicGroup")
            .field("group_id", &self.context.group_id)
            .field("epoch", &self.context.epoch)
            .field("cipher_suite", &self.context.cipher_suite)
            .field("leaf_count", &self.tree.size().leaf_count())
            .finish_non_exhaustive()
    }
}

/// What [`PublicGroup::process_message`] received.
#[derive(Debug)]
#[allow(clippy::large_enum_variant)] // returned once per message
pub enum PublicProcessedMessage {
    /// A proposal, now cached for a commit to reference.
    Proposal(ReceivedProposal),
    /// A commit, checked as far as it can be without secrets but not
    /// applied: [`PublicGroup::merge_staged_commit`] applies it.
    StagedCommit(PublicStagedCommit),
    /// A commit, applied. Only from [`PublicGroup::process_and_merge`].
    Commit(CommitSummary),
}

/// A commit checked by a [`PublicGroup`], not yet applied: inspect it (it
/// dereferences to its [`CommitSummary`]), then
/// [`PublicGroup::merge_staged_commit`] or drop it.
#[derive(Debug)]
pub struct PublicStagedCommit {
    summary: CommitSummary,
    group_id: Vec<u8>,
    base_epoch: u64,
    base_confirmation_tag: Vec<u8>,
    tree_changes: TreeChanges,
    context: GroupContext,
    interim_transcript_hash: Vec<u8>,
    confirmation_tag: Vec<u8>,
}

impl std::ops::Deref for PublicStagedCommit {
    type Target = CommitSummary;
    fn deref(&self) -> &CommitSummary {
        &self.summary
    }
}

impl PublicStagedCommit {
    /// What the commit changes.
    pub fn summary(&self) -> &CommitSummary {
        &self.summary
    }

    /// The GroupContext of the epoch the commit leads to.
    pub fn group_context(&self) -> &GroupContext {
        &self.context
    }
}

impl<P: Provider> PublicGroup<P> {
    /// A builder over `provider`: its crypto checks, its storage keeps
    /// the view.
    pub fn builder(provider: P) -> PublicGroupBuilder<P> {
        PublicGroupBuilder {
            provider,
            credential_validator: Arc::new(crate::credential::NoValidator),
            clock: Arc::new(super::client::now_seconds),
            config: GroupConfig::default(),
        }
    }

    // ----- queries -----

    /// The group id.
    pub fn group_id(&self) -> &[u8] {
        self.context.group_id.as_slice()
    }

    /// The current epoch.
    pub fn epoch(&self) -> u64 {
        self.context.epoch
    }

    /// The group's cipher suite.
    pub fn cipher_suite(&self) -> CipherSuite {
        self.context.cipher_suite
    }

    /// The current GroupContext (§8.1), with the tree hash and confirmed
    /// transcript hash as the members have them if every commit carried
    /// a confirmation tag they accepted.
    pub fn group_context(&self) -> &GroupContext {
        &self.context
    }

    /// The GroupContext extensions.
    pub fn extensions(&self) -> &Extensions {
        &self.context.extensions
    }

    /// The interim transcript hash of the current epoch (§8.2).
    pub fn interim_transcript_hash(&self) -> &[u8] {
        &self.interim_transcript_hash
    }

    /// The confirmation tag of the current epoch, as the last commit (or
    /// the GroupInfo) carried it: not verified.
    pub fn confirmation_tag(&self) -> &[u8] {
        &self.confirmation_tag
    }

    /// The members, by leaf index.
    pub fn members(&self) -> Vec<Member> {
        self.tree
            .leaves()
            .map(|(i, l)| Member::of_leaf(i.0, l))
            .collect()
    }

    /// The member at `leaf`, if that leaf is occupied.
    pub fn member(&self, leaf: u32) -> Option<Member> {
        self.tree
            .leaf(LeafIndex(leaf))
            .map(|l| Member::of_leaf(leaf, l))
    }

    /// The public ratchet tree, for joiners that get it out of band.
    pub fn ratchet_tree(&self) -> RatchetTree {
        self.tree.to_wire()
    }

    /// The proposals received in this epoch, in arrival order.
    pub fn pending_proposals(&self) -> Vec<CachedProposal> {
        self.proposals.iter().cloned().collect()
    }

    /// The ReInit the group ended with, if a commit carried one (§11.2).
    pub fn reinit(&self) -> Option<&ReInit> {
        self.reinit.as_ref()
    }

    /// Checks a GroupInfo offered as the current epoch's (a committer
    /// uploads one with its commit, for external joiners): signed by the
    /// member at its `signer` leaf (§12.4.3.1), with the current
    /// GroupContext and confirmation tag, and, if it carries one, the
    /// current ratchet tree. Its `external_pub` cannot be checked: it is
    /// derived from the epoch's secrets.
    pub fn check_group_info(&self, group_info: &MlsMessage) -> Result<(), Error> {
        check_group_info_of(
            self.suite()?,
            &self.tree,
            &self.context,
            &self.confirmation_tag,
            self.config.leaf_limit(),
            group_info,
        )
    }

    fn suite(&self) -> Result<&dyn CipherSuiteProvider, Error> {
        self.provider
            .crypto()
            .cipher_suite(self.context.cipher_suite)
    }

    // ----- processing -----

    /// Checks a PublicMessage proposal or commit of the current epoch as
    /// far as it can be without secrets (see the module documentation).
    /// A proposal is cached (and stored, in one transaction); a commit is
    /// returned staged, the group unchanged until
    /// [`merge_staged_commit`](Self::merge_staged_commit). Any error
    /// leaves the group as it was.
    pub fn process_message(
        &mut self,
        message: &MlsMessage,
    ) -> Result<PublicProcessedMessage, Error> {
        let MlsMessageBody::PublicMessage(public) = &message.body else {
            return Err(match &message.body {
                MlsMessageBody::PrivateMessage(_) => {
                    Misuse::UnexpectedMessage("a PublicMessage (a PrivateMessage needs secrets)")
                }
                _ => Misuse::UnexpectedMessage("a PublicMessage"),
            }
            .into());
        };
        if public.content.group_id != self.context.group_id {
            return Err(ProtocolError::WrongGroupId.into());
        }
        let suite = self.suite()?;
        let (content, sender) = {
            let no_past = PastSignatureKeys::new();
            let keys = GroupSenderKeys::new(
                &self.tree,
                self.context.epoch,
                &no_past,
                self.context.extensions.external_senders()?,
            );
            let verified =
                verify_public_message(suite, public, &self.context, self.tree.size(), None, &keys)?;
            let sender = message_sender(&keys, verified.authenticated_content())?;
            (verified.into_authenticated_content(), sender)
        };
        match &content.content.content {
            Content::Proposal(proposal) => {
                let ctx = self.list_context(suite);
                proposal_list::check_received_proposal(
                    &ctx,
                    &self.tree,
                    &self.key_index,
                    proposal,
                    sender.sender,
                )?;
                self.proposals
                    .check_room(self.config.max_proposals_per_epoch)?;
                let reference = ProposalRef::from_authenticated_content(suite, &encode(&content)?)?;
                let cached = CachedProposal {
                    reference: reference.clone(),
                    proposal: proposal.clone(),
                    sender: sender.sender,
                };
                // The same proposal twice is cached once (and stored once).
                if self.proposals.get(&reference).is_none() {
                    self.persist_proposal(self.proposals.len(), &cached)?;
                    self.proposals.insert(cached);
                }
                Ok(PublicProcessedMessage::Proposal(ReceivedProposal {
                    reference,
                    proposal: proposal.clone(),
                    sender,
                }))
            }
            Content::Commit(commit) => {
                // §11.2: a re-initialized group takes no further commit.
                if self.reinit.is_some() {
                    return Err(Misuse::GroupInactive(
                        "it was re-initialized; follow the new group",
                    )
                    .into());
                }
                self.stage_commit(&content, commit, sender)
                    .map(PublicProcessedMessage::StagedCommit)
            }
            // verify_public_message refuses application data.
            Content::Application(_) => Err(ProtocolError::ApplicationDataInPublicMessage.into()),
        }
    }

    /// [`process_message`](Self::process_message), merging a commit at
    /// once; it comes back as [`PublicProcessedMessage::Commit`].
    pub fn process_and_merge(
        &mut self,
        message: &MlsMessage,
    ) -> Result<PublicProcessedMessage, Error> {
        match self.process_message(message)? {
            PublicProcessedMessage::StagedCommit(staged) => Ok(PublicProcessedMessage::Commit(
                self.merge_staged_commit(staged)?,
            )),
            other => Ok(other),
        }
    }

    /// Applies a staged commit: the group enters the commit's epoch, and
    /// the nodes it changed, the new epoch's record and the deletion of
    /// the epoch's proposals are stored in one transaction. Refused with
    /// [`Misuse::StaleStagedCommit`] if the group is no longer in the
    /// state the commit was staged in; [`Error::Conflict`] if another
    /// instance of the view wrote first. Any error leaves the group as it
    /// was.
    pub fn merge_staged_commit(
        &mut self,
        staged: PublicStagedCommit,
    ) -> Result<CommitSummary, Error> {
        self.merge_checked(staged, None)
    }

    /// [`merge_staged_commit`](Self::merge_staged_commit), if
    /// `group_info` is the GroupInfo of the epoch the commit leads to, as
    /// [`check_group_info`](Self::check_group_info) would find it after
    /// the merge; else the group stays as it was. A delivery service that
    /// keeps the committer's GroupInfo for external joiners takes the
    /// commit and the GroupInfo together or neither.
    pub fn merge_staged_commit_with_group_info(
        &mut self,
        staged: PublicStagedCommit,
        group_info: &MlsMessage,
    ) -> Result<CommitSummary, Error> {
        self.merge_checked(staged, Some(group_info))
    }

    fn merge_checked(
        &mut self,
        staged: PublicStagedCommit,
        group_info: Option<&MlsMessage>,
    ) -> Result<CommitSummary, Error> {
        if staged.group_id.as_slice() != self.context.group_id.as_slice()
            || staged.base_epoch != self.context.epoch
            || staged.base_confirmation_tag != self.confirmation_tag
        {
            return Err(Misuse::StaleStagedCommit.into());
        }
        self.tree.replay_changes(&staged.tree_changes)?;
        if let Some(info) = group_info {
            let checked = self.suite().and_then(|suite| {
                check_group_info_of(
                    suite,
                    &self.tree,
                    &staged.context,
                    &staged.confirmation_tag,
                    self.config.leaf_limit(),
                    info,
                )
            });
            if let Err(err) = checked {
                self.tree.rollback_changes()?;
                return Err(err);
            }
        }
        let leaf_count = self.tree.size().leaf_count();
        let config = self.config.clone();
        let next = PublicRecordRef {
            config: &config,
            context: &staged.context,
            leaf_count,
            interim_transcript_hash: &staged.interim_transcript_hash,
            confirmation_tag: &staged.confirmation_tag,
            reinit: staged.summary.reinit.as_ref(),
        };
        if let Err(err) = self.persist_epoch(&next) {
            self.tree.rollback_changes()?;
            return Err(err);
        }
        let changed = self.tree.keep_changes();
        for (x, old) in first_old_values(&changed) {
            let new = self.tree.node(x);
            self.key_index.replace(x, old, new);
            if x.leaf().is_some() {
                self.credential_counts.replace(old, new);
            }
        }
        self.credential_types = self.credential_counts.types();
        self.context = staged.context;
        self.interim_transcript_hash = staged.interim_transcript_hash;
        self.confirmation_tag = staged.confirmation_tag;
        self.proposals.clear();
        self.reinit = staged.summary.reinit.clone();
        Ok(staged.summary)
    }

    fn list_context<'a>(&'a self, suite: &'a dyn CipherSuiteProvider) -> ListContext<'a> {
        list_context(
            suite,
            &self.context,
            &self.config,
            self.credential_validator.as_ref(),
            &self.credential_types,
            (self.clock)(),
        )
    }

    /// The public part of §12.4.2 (shared with a member's group), then the
    /// transcript hashes; the tree is rolled back and the changes staged.
    fn stage_commit(
        &mut self,
        content: &AuthenticatedContent,
        commit: &Commit,
        sender: MessageSender,
    ) -> Result<PublicStagedCommit, Error> {
        let committer = Committer::of(sender.sender)?;
        let tag = content
            .auth
            .confirmation_tag
            .as_ref()
            .ok_or(ProtocolError::ConfirmationTagMissing)?
            .as_slice()
            .to_vec();
        let resolved = resolve_list(&self.proposals, commit, sender.sender)?;
        let items: Vec<ListItem> = resolved.iter().map(|(i, _)| i.clone()).collect();
        let suite = self
            .provider
            .crypto()
            .cipher_suite(self.context.cipher_suite)?;
        let ctx = list_context(
            suite,
            &self.context,
            &self.config,
            self.credential_validator.as_ref(),
            &self.credential_types,
            (self.clock)(),
        );
        self.tree.begin_changes();
        let public = apply_commit_public(
            &ctx,
            &mut self.tree,
            &self.key_index,
            commit,
            &items,
            committer,
        );
        // Back to this epoch either way; the merge replays the changes.
        let tree_changes = self.tree.rollback_changes()?;
        let PublicCommit {
            applied,
            mut provisional,
            path_leaf,
        } = public?;
        // §8.2: the transcript, from the commit as signed and the
        // confirmation tag as carried.
        let input = content.confirmed_transcript_hash_input()?;
        let confirmed = confirmed_transcript_hash(suite, &self.interim_transcript_hash, &input)?;
        let interim = interim_transcript_hash(suite, &confirmed, &tag)?;
        provisional.confirmed_transcript_hash = VarBytes::new(confirmed);
        let external = self.context.extensions.external_senders()?;
        let summary = summarize(
            &self.tree,
            external.as_ref(),
            sender,
            &resolved,
            SummaryParts {
                epoch: provisional.epoch,
                applied: &applied,
                path_leaf: path_leaf.as_ref(),
                removed_us: false,
            },
        )?;
        Ok(PublicStagedCommit {
            summary,
            group_id: self.context.group_id.as_slice().to_vec(),
            base_epoch: self.context.epoch,
            base_confirmation_tag: self.confirmation_tag.clone(),
            tree_changes,
            context: provisional,
            interim_transcript_hash: interim,
            confirmation_tag: tag,
        })
    }
}

/// A [`ListContext`] from the fields of a public group, so the caller can
/// still change its tree.
fn list_context<'a>(
    suite: &'a dyn CipherSuiteProvider,
    context: &'a GroupContext,
    config: &'a GroupConfig,
    credential_validator: &'a dyn CredentialValidator,
    credential_types: &'a MemberCredentialTypes,
    now: u64,
) -> ListContext<'a> {
    ListContext {
        suite,
        context,
        config,
        credential_validator,
        credential_types,
        now,
        resumption_commit: false,
    }
}

/// A GroupInfo offered as the one of the epoch whose tree, GroupContext
/// and confirmation tag are given: signed by the member at its `signer`
/// leaf (§12.4.3.1), with that GroupContext and tag, and, if it carries
/// one, that tree.
fn check_group_info_of(
    suite: &dyn CipherSuiteProvider,
    tree: &PublicTree,
    context: &GroupContext,
    confirmation_tag: &[u8],
    leaf_limit: u32,
    group_info: &MlsMessage,
) -> Result<(), Error> {
    let MlsMessageBody::GroupInfo(info) = &group_info.body else {
        return Err(Misuse::UnexpectedMessage("a GroupInfo").into());
    };
    info.extensions.check_no_duplicates()?;
    let signer = tree
        .leaf(LeafIndex(info.signer))
        .ok_or(ProtocolError::GroupInfoSignerBlank(info.signer))?;
    info.verify_signature(suite, signer.signature_key.as_slice())?;
    if &info.group_context != context {
        return Err(ProtocolError::GroupInfoMismatch("group_context").into());
    }
    if info.confirmation_tag.as_slice() != confirmation_tag {
        return Err(ProtocolError::GroupInfoMismatch("confirmation_tag").into());
    }
    if let Some(ext) = info.extensions.get(ExtensionType::RATCHET_TREE) {
        let carried = RatchetTree::from_bytes_bounded(ext.extension_data.as_slice(), leaf_limit)?;
        if !tree.equals_wire(&carried) {
            return Err(ProtocolError::GroupInfoMismatch("ratchet_tree").into());
        }
    }
    Ok(())
}
