//! Creating proposals and commits (RFC 9420 §12.1, §12.4.1), and the
//! Welcome for the members a commit adds (§12.4.3.1).

use super::derived_rand::DerivedRand;
use super::epoch_step::{key_schedule_step, provisional_context, zero_secret};
use super::identity::SigningIdentity;
use super::pending::{CachedProposal, PendingCommit};
use super::proposal_list::{self, Committer, ListContext, ListItem};
use super::rules::MessageSender;
use super::staged::CommittedProposal;
use super::state::{Group, Inactive, NewEpoch};
use crate::codec::{VarBytes, VarVec, encode};
use crate::crypto::{encrypt_with_label_to_many, generate_hpke_key_pair};
use crate::error::{CryptoError, Error, Misuse};
use crate::extensions::Extensions;
use crate::framing::{Content, MlsMessage, MlsMessageBody, Sender};
use crate::group::commit::{Commit, HpkeCiphertextWire};
use crate::group::proposal::{
    Add, CustomProposal, GroupContextExtensions, PreSharedKey, Proposal, ProposalOrRef,
    ProposalRef, ReInit, Remove, Update,
};
use crate::group::welcome::{EncryptedGroupSecrets, GroupSecrets, PathSecret, Welcome};
use crate::key_package::KeyPackage;
use crate::key_schedule::{
    PreSharedKeyId, Psk, ResumptionPskUsage, welcome_key_nonce, welcome_secret,
};
use crate::provider::WriteBatch;
use crate::provider::{HpkeRecipient, Provider};
use crate::secret::HpkePrivateKey;
use crate::secret::Secret;
use crate::tree::leaf_node::{LeafNodeSource, LeafNodeTbsContext};
use crate::tree::treekem::create_update_path;
use crate::tree_math::{LeafIndex, NodeIndex};
use crate::{CipherSuite, ProtocolVersion};

/// What a commit produced, for the caller to send. The group does not
/// move until [`Group::merge_pending_commit`].
#[derive(Clone, Debug)]
pub struct CommitOutput {
    /// The Commit, to send to the group.
    pub commit: MlsMessage,
    /// One Welcome for every member the commit adds, if it adds any.
    pub welcome: Option<MlsMessage>,
    /// The GroupInfo of the new epoch (for external joins, §12.4.3.2).
    pub group_info: MlsMessage,
    /// Exactly the proposals the commit carries, in its order: received
    /// ones (by reference) that the group's rules let in, then ours.
    pub proposals: Vec<CommittedProposal>,
    /// Whether the commit carries an UpdatePath (§12.4).
    pub has_path: bool,
    /// The new epoch's ratchet tree, when there is a Welcome that does not
    /// carry it (`ratchet_tree_in_welcome` off): the joiners need it out
    /// of band (§12.4.3.3).
    pub ratchet_tree: Option<crate::tree::node::RatchetTree>,
}

/// Builds a commit: proposals by value on top of those received in the
/// epoch (included by reference, §12.4), and the choice of a path.
#[must_use = "a builder does nothing until build() is called"]
pub struct CommitBuilder<'g, P: Provider> {
    group: &'g mut Group<P>,
    proposals: Vec<Proposal>,
    include_received: bool,
    force_path: bool,
    authenticated_data: Vec<u8>,
    leaf: LeafChanges,
    tree_in_welcome: Option<bool>,
}

/// How a commit is made, besides its proposals by value.
#[derive(Default)]
pub(crate) struct CommitOptions {
    pub(crate) include_received: bool,
    pub(crate) force_path: bool,
    pub(crate) authenticated_data: Vec<u8>,
    pub(crate) leaf: LeafChanges,
    /// Whether the Welcome's GroupInfo carries the tree; `None`: as the
    /// group's config says.
    pub(crate) tree_in_welcome: Option<bool>,
}

/// A commit's proposals three ways: for validation, on the wire, and as
/// `CommitOutput::proposals` reports them.
type CommitList = (Vec<ListItem>, Vec<ProposalOrRef>, Vec<CommittedProposal>);

/// What our commit changes in our own leaf besides its keys.
#[derive(Clone, Debug, Default)]
pub(crate) struct LeafChanges {
    pub(crate) extensions: Option<Extensions>,
    pub(crate) credential: Option<crate::credential::Credential>,
    /// A new credential and signature key (§7.3: the new leaf is signed
    /// by the new key; the commit itself by the old one).
    pub(crate) identity: Option<SigningIdentity>,
}

impl<P: Provider> CommitBuilder<'_, P> {
    /// Adds the client of `key_package` (§12.1.1).
    pub fn add_member(mut self, key_package: KeyPackage) -> Self {
        self.proposals.push(Proposal::Add(Add { key_package }));
        self
    }

    /// Removes the member at leaf `leaf` (§12.1.3).
    pub fn remove_member(mut self, leaf: u32) -> Self {
        self.proposals
            .push(Proposal::Remove(Remove { removed: leaf }));
        self
    }

    /// Injects a PSK (§12.1.4). Build the id with
    /// [`Group::external_psk_id`] or [`Group::resumption_psk_id`].
    pub fn pre_shared_key(mut self, psk: PreSharedKeyId) -> Self {
        self.proposals
            .push(Proposal::PreSharedKey(PreSharedKey { psk }));
        self
    }

    /// Replaces the GroupContext extensions (§12.1.7).
    pub fn group_context_extensions(mut self, extensions: Extensions) -> Self {
        self.proposals
            .push(Proposal::GroupContextExtensions(GroupContextExtensions {
                extensions,
            }));
        self
    }

    /// Re-initializes the group with new parameters (§12.1.5, §11.2). Must
    /// be the only proposal.
    pub fn reinit(
        mut self,
        group_id: &[u8],
        cipher_suite: CipherSuite,
        extensions: Extensions,
    ) -> Self {
        self.proposals.push(Proposal::ReInit(ReInit {
            group_id: VarBytes::from(group_id),
            version: ProtocolVersion,
            cipher_suite,
            extensions,
        }));
        self
    }

    /// A proposal of a custom type, which every member must support.
    pub fn custom(mut self, proposal: CustomProposal) -> Self {
        self.proposals.push(Proposal::Custom(proposal));
        self
    }

    /// Any proposal by value.
    pub fn proposal(mut self, proposal: Proposal) -> Self {
        self.proposals.push(proposal);
        self
    }

    /// Whether to include the proposals received in this epoch (by
    /// reference). Default: yes, as §12.4 recommends.
    pub fn include_received_proposals(mut self, include: bool) -> Self {
        self.include_received = include;
        self
    }

    /// Sends a path even where none is required (§12.4), for forward
    /// secrecy and post-compromise security of our own leaf.
    pub fn force_path(mut self, force: bool) -> Self {
        self.force_path = force;
        self
    }

    /// Whether the GroupInfo in this commit's Welcome carries the
    /// `ratchet_tree` extension (§12.4.3.3), overriding the group's
    /// [`GroupConfig::ratchet_tree_in_welcome`](super::GroupConfig) for
    /// this commit: without it, joiners need the tree out of band
    /// ([`Group::ratchet_tree`]).
    pub fn ratchet_tree_in_welcome(mut self, include: bool) -> Self {
        self.tree_in_welcome = Some(include);
        self
    }

    /// Data authenticated with the commit (not encrypted in a PublicMessage).
    pub fn authenticated_data(mut self, data: &[u8]) -> Self {
        self.authenticated_data = data.to_vec();
        self
    }

    /// Extensions of our new leaf, if the commit has a path.
    pub fn leaf_extensions(mut self, extensions: Extensions) -> Self {
        self.leaf.extensions = Some(extensions);
        self
    }

    /// Replaces our credential (same signature key) in the commit's new
    /// leaf, for example a renewed certificate; the commit then has a
    /// path. Every member's credential validator must accept it as a
    /// successor of the old one (§5.3.1).
    pub fn credential(mut self, credential: crate::credential::Credential) -> Self {
        self.leaf.credential = Some(credential);
        self.force_path = true;
        self
    }

    /// Replaces our credential and signature key with `identity`'s in the
    /// commit's new leaf (a new key, a renewed certificate with a new
    /// key): the leaf is signed by the new key, the commit by the old one,
    /// and after the merge the group signs with `identity`, which is added
    /// to the client's identities. The commit then has a path. Every
    /// member's credential validator must accept the credential as a
    /// successor of the old one (§5.3.1).
    pub fn identity(mut self, identity: SigningIdentity) -> Self {
        self.leaf.identity = Some(identity);
        self.force_path = true;
        self
    }

    /// Creates the commit. The group stays in its epoch with the commit
    /// pending until [`Group::merge_pending_commit`] (after the delivery
    /// service accepted it) or [`Group::clear_pending_commit`].
    pub fn build(self) -> Result<CommitOutput, Error> {
        let CommitBuilder {
            group,
            proposals,
            include_received,
            force_path,
            authenticated_data,
            leaf,
            tree_in_welcome,
        } = self;
        let options = CommitOptions {
            include_received,
            force_path,
            authenticated_data,
            leaf,
            tree_in_welcome,
        };
        group.create_commit(proposals, options, None)
    }
}

impl<P: Provider> Group<P> {
    /// A builder for a commit.
    pub fn commit_builder(&mut self) -> CommitBuilder<'_, P> {
        CommitBuilder {
            group: self,
            proposals: Vec::new(),
            include_received: true,
            force_path: false,
            authenticated_data: Vec::new(),
            leaf: LeafChanges::default(),
            tree_in_welcome: None,
        }
    }

    /// Commits the proposals received in this epoch, with a path (a full
    /// commit; with none received, an "empty" commit that updates our leaf).
    pub fn commit(&mut self) -> Result<CommitOutput, Error> {
        self.commit_builder().force_path(true).build()
    }

    /// Adds members in one commit.
    pub fn add_members(&mut self, key_packages: &[KeyPackage]) -> Result<CommitOutput, Error> {
        key_packages
            .iter()
            .fold(self.commit_builder(), |b, kp| b.add_member(kp.clone()))
            .build()
    }

    /// Removes members in one commit.
    pub fn remove_members(&mut self, leaves: &[u32]) -> Result<CommitOutput, Error> {
        leaves
            .iter()
            .fold(self.commit_builder(), |b, l| b.remove_member(*l))
            .build()
    }

    /// Updates our leaf and path: an empty full commit (§12.4).
    pub fn self_update(&mut self) -> Result<CommitOutput, Error> {
        self.commit_builder()
            .include_received_proposals(false)
            .force_path(true)
            .build()
    }

    /// A PreSharedKeyID for the external PSK `psk_id`, with a fresh nonce.
    pub fn external_psk_id(&self, psk_id: &[u8]) -> Result<PreSharedKeyId, Error> {
        PreSharedKeyId::with_fresh_nonce(
            Psk::External(VarBytes::from(psk_id)),
            self.suite()?,
            &self.client.provider().rand(),
        )
    }

    /// A PreSharedKeyID for this group's `resumption_psk` of `epoch`
    /// (usage `application`, §8.6), with a fresh nonce.
    pub fn resumption_psk_id(&self, epoch: u64) -> Result<PreSharedKeyId, Error> {
        PreSharedKeyId::with_fresh_nonce(
            Psk::Resumption(crate::key_schedule::ResumptionPsk {
                usage: ResumptionPskUsage::Application,
                psk_group_id: self.context.group_id.clone(),
                psk_epoch: epoch,
            }),
            self.suite()?,
            &self.client.provider().rand(),
        )
    }

    /// Drops our pending commit (from storage too); the group stays in its
    /// epoch.
    pub fn clear_pending_commit(&mut self) -> Result<(), Error> {
        if self.unmerged_external_join.is_some() {
            return Err(Misuse::UnmergedExternalJoin.into());
        }
        self.persist_cleared_commit()?;
        self.pending_commit = None;
        Ok(())
    }

    /// Moves the group to the epoch of our pending commit (§12.4.1), once
    /// the delivery service has accepted it. For a group joined by
    /// external commit, stores the group: it exists from now on.
    pub fn merge_pending_commit(&mut self) -> Result<(), Error> {
        if let Some(resync) = self.unmerged_external_join.take() {
            return self
                .persist_new(resync, WriteBatch::new())
                .inspect_err(|_| {
                    self.unmerged_external_join = Some(resync);
                });
        }
        let pending = self
            .pending_commit
            .as_ref()
            .ok_or(Misuse::NoPendingCommit)?;
        let next = pending.next.clone();
        // Replayed with the journal open: a failed write undoes it, and
        // the pending commit stays (persist_epoch puts it back).
        self.tree.replay_changes(&pending.tree_changes)?;
        self.persist_epoch(next, WriteBatch::new())
    }

    // ----- proposals -----

    /// Proposes adding the client of `key_package` (§12.1.1).
    pub fn propose_add(&mut self, key_package: KeyPackage) -> Result<MlsMessage, Error> {
        self.propose(Proposal::Add(Add { key_package }))
    }

    /// Proposes removing the member at `leaf` (§12.1.3).
    pub fn propose_remove(&mut self, leaf: u32) -> Result<MlsMessage, Error> {
        if self.tree.leaf(LeafIndex(leaf)).is_none() {
            return Err(Misuse::NotAMember(leaf).into());
        }
        self.propose(Proposal::Remove(Remove { removed: leaf }))
    }

    /// Proposes replacing our leaf with fresh keys (§12.1.2). The new
    /// encryption key is kept, and used if a commit includes the proposal.
    pub fn propose_update(&mut self) -> Result<MlsMessage, Error> {
        self.propose_update_leaf(None)
    }

    /// Proposes replacing our leaf with one for `identity` (a new
    /// credential and signature key, §12.1.2): the new leaf is signed by
    /// the new key, the proposal by the current one. Once a commit applies
    /// it, the group signs with `identity` (added to the client's
    /// identities now).
    pub fn propose_update_with_identity(
        &mut self,
        identity: SigningIdentity,
    ) -> Result<MlsMessage, Error> {
        self.propose_update_leaf(Some(identity))
    }

    fn propose_update_leaf(
        &mut self,
        identity: Option<SigningIdentity>,
    ) -> Result<MlsMessage, Error> {
        let client = self.client.clone();
        let suite = client.suite(self.context.cipher_suite)?;
        let (private, public) = generate_hpke_key_pair(suite, &self.client.provider().rand())?;
        let mut leaf = self.own_leaf_node()?.clone();
        leaf.encryption_key = VarBytes::new(public);
        leaf.leaf_node_source = LeafNodeSource::Update;
        leaf.capabilities = self.client.capabilities();
        let leaf_signer = self.take_identity(&mut leaf, identity.as_ref())?;
        leaf.sign(
            leaf_signer.as_ref(),
            suite,
            Some(LeafNodeTbsContext {
                group_id: self.context.group_id.as_slice(),
                leaf_index: self.own_leaf,
            }),
        )?;
        let key = leaf.encryption_key.as_slice().to_vec();
        self.propose_with_key(
            Proposal::Update(Update { leaf_node: leaf }),
            Some((key, private)),
        )
    }

    /// Puts `identity` (if any) into our new `leaf` and returns the signer
    /// that signs the leaf: the new identity's (added to the client's
    /// identities, so the group finds it once the leaf is ours), or ours.
    fn take_identity(
        &self,
        leaf: &mut crate::tree::leaf_node::LeafNode,
        identity: Option<&SigningIdentity>,
    ) -> Result<std::sync::Arc<dyn crate::provider::Signer>, Error> {
        let Some(identity) = identity else {
            return Ok(std::sync::Arc::clone(&self.signer));
        };
        super::client::check_scheme(identity, self.suite()?.definition().signature)?;
        self.client.add_identity(identity.clone());
        leaf.credential = identity.credential.clone();
        leaf.signature_key = VarBytes::from(identity.signature_key());
        Ok(std::sync::Arc::clone(&identity.signer))
    }

    /// Proposes injecting a PSK (§12.1.4).
    pub fn propose_psk(&mut self, psk: PreSharedKeyId) -> Result<MlsMessage, Error> {
        self.propose(Proposal::PreSharedKey(PreSharedKey { psk }))
    }

    /// Proposes new GroupContext extensions (§12.1.7).
    pub fn propose_group_context_extensions(
        &mut self,
        extensions: Extensions,
    ) -> Result<MlsMessage, Error> {
        self.propose(Proposal::GroupContextExtensions(GroupContextExtensions {
            extensions,
        }))
    }

    /// Proposes re-initializing the group (§12.1.5).
    pub fn propose_reinit(
        &mut self,
        group_id: &[u8],
        cipher_suite: CipherSuite,
        extensions: Extensions,
    ) -> Result<MlsMessage, Error> {
        self.propose(Proposal::ReInit(ReInit {
            group_id: VarBytes::from(group_id),
            version: ProtocolVersion,
            cipher_suite,
            extensions,
        }))
    }

    /// Proposes a custom proposal.
    pub fn propose_custom(&mut self, proposal: CustomProposal) -> Result<MlsMessage, Error> {
        self.propose(Proposal::Custom(proposal))
    }

    /// Signs and protects a proposal from us, and caches it so our own
    /// commit can include it by reference.
    pub fn propose(&mut self, proposal: Proposal) -> Result<MlsMessage, Error> {
        // §10.1: a KeyPackage is validated "before it is used to add the
        // client to the group", and proposing its Add is such a use. The
        // check is the one every receiver applies to the Add (§12.1.1),
        // so we do not send, or cache for our own commit, an Add the
        // group would refuse.
        if let Proposal::Add(_) = &proposal {
            self.check_active()?;
            let client = self.client.clone();
            let suite = client.suite(self.context.cipher_suite)?;
            let ctx = self.list_context(suite);
            proposal_list::check_received_proposal(
                &ctx,
                &self.tree,
                &self.key_index,
                &proposal,
                Sender::Member(self.own_leaf.0),
            )?;
        }
        self.propose_with_key(proposal, None)
    }

    /// [`propose`](Self::propose), storing the private key of an Update
    /// in the same transaction.
    fn propose_with_key(
        &mut self,
        proposal: Proposal,
        update_key: Option<(Vec<u8>, HpkePrivateKey)>,
    ) -> Result<MlsMessage, Error> {
        self.check_active()?;
        let client = self.client.clone();
        let suite = client.suite(self.context.cipher_suite)?;
        let content = self.protection.sign(
            suite,
            self.signer(),
            self.config.handshake_wire_format,
            Sender::Member(self.own_leaf.0),
            &[],
            Content::Proposal(proposal.clone()),
        )?;
        let reference = ProposalRef::from_authenticated_content(suite, &encode(&content)?)?;
        let message = self
            .protection
            .wrap(suite, &content, &self.client.provider().rand())?;
        self.persist_proposal(
            CachedProposal {
                reference,
                proposal,
                sender: Sender::Member(self.own_leaf.0),
            },
            update_key,
        )?;
        Ok(message)
    }

    // ----- commits -----

    /// The list a commit of ours covers: received proposals by reference
    /// (skipping what §12.2 forbids us to commit and what the group's
    /// rules leave out), then ours by value.
    fn commit_list(
        &self,
        by_value: Vec<Proposal>,
        include_received: bool,
    ) -> Result<CommitList, Error> {
        let me = Sender::Member(self.own_leaf.0);
        let own_leaf = self.own_leaf_node()?;
        let own = MessageSender {
            sender: me,
            credential: own_leaf.credential.clone(),
            signature_key: own_leaf.signature_key.as_slice().to_vec(),
        };
        let mut items = Vec::new();
        let mut wire = Vec::new();
        let mut listed = Vec::new();
        if include_received {
            let ctx = self.rules_context();
            let external = self.external_senders()?;
            let keep = self.received_to_commit(&by_value);
            for (cached, keep) in self.proposals.iter().zip(keep) {
                if !keep {
                    continue;
                }
                let sender =
                    self.current_sender(cached.sender, &cached.proposal, external.as_ref())?;
                if !self
                    .rules
                    .include_in_commit(&ctx, &cached.proposal, &sender)
                {
                    continue;
                }
                items.push(ListItem {
                    proposal: cached.proposal.clone(),
                    sender: cached.sender,
                    by_reference: true,
                });
                wire.push(ProposalOrRef::Reference(cached.reference.clone()));
                listed.push(CommittedProposal {
                    proposal: cached.proposal.clone(),
                    sender,
                    reference: Some(cached.reference.clone()),
                });
            }
        }
        for proposal in by_value {
            items.push(ListItem {
                proposal: proposal.clone(),
                sender: me,
                by_reference: false,
            });
            listed.push(CommittedProposal {
                proposal: proposal.clone(),
                sender: own.clone(),
                reference: None,
            });
            wire.push(ProposalOrRef::Proposal(proposal));
        }
        Ok((items, wire, listed))
    }

    /// Which received proposals our commit includes (§12.2, §12.4): all
    /// that can go together, preferring Removes over Updates of the same
    /// leaf, the latest Update of a leaf, the first of duplicates; never our
    /// own Update (our path replaces it) or a Remove of us; a ReInit only
    /// when nothing else is to be committed.
    fn received_to_commit(&self, by_value: &[Proposal]) -> Vec<bool> {
        use std::collections::HashSet;
        let me = Sender::Member(self.own_leaf.0);
        let cached: Vec<&CachedProposal> = self.proposals.iter().collect();
        let mut keep = vec![false; cached.len()];
        let mut touched: HashSet<u32> = HashSet::new();
        let mut removed: HashSet<u32> = HashSet::new();
        let mut signature_keys: HashSet<Vec<u8>> = HashSet::new();
        let mut psks = HashSet::new();
        let mut gce = by_value
            .iter()
            .any(|p| matches!(p, Proposal::GroupContextExtensions(_)));
        for p in by_value {
            match p {
                Proposal::Remove(r) => {
                    touched.insert(r.removed);
                    removed.insert(r.removed);
                }
                Proposal::PreSharedKey(p) => {
                    psks.insert(p.psk.clone());
                }
                Proposal::Add(a) => {
                    signature_keys
                        .insert(a.key_package.leaf_node.signature_key.as_slice().to_vec());
                }
                _ => {}
            }
        }
        // Removes first, so they win over Updates of the same leaf.
        for (i, c) in cached.iter().enumerate() {
            if let Proposal::Remove(r) = &c.proposal
                && r.removed != self.own_leaf.0
                && self.tree.leaf(LeafIndex(r.removed)).is_some()
                && touched.insert(r.removed)
            {
                removed.insert(r.removed);
                set(&mut keep, i, true);
            }
        }
        // The most recent Update of each remaining leaf.
        for (i, c) in cached.iter().enumerate().rev() {
            if let (Proposal::Update(_), Sender::Member(leaf)) = (&c.proposal, c.sender)
                && c.sender != me
                && touched.insert(leaf)
            {
                set(&mut keep, i, true);
            }
        }
        let mut others = false;
        for (i, c) in cached.iter().enumerate() {
            let include = match &c.proposal {
                Proposal::Add(a) => {
                    let key = a.key_package.leaf_node.signature_key.as_slice();
                    let member = self
                        .key_index
                        .signature_key_leaf(&self.tree, key)
                        .is_some_and(|l| !removed.contains(&l));
                    !member && signature_keys.insert(key.to_vec())
                }
                // Only PSKs we hold (whether a member holds a PSK is its
                // own business, so it is not refused on receipt).
                Proposal::PreSharedKey(p) => {
                    self.resolve_psks(std::slice::from_ref(&p.psk)).is_ok()
                        && psks.insert(p.psk.clone())
                }
                Proposal::GroupContextExtensions(_) => !std::mem::replace(&mut gce, true),
                Proposal::Custom(_) => true,
                Proposal::Remove(_) | Proposal::Update(_) => keep.get(i).copied().unwrap_or(false),
                Proposal::ReInit(_) | Proposal::ExternalInit(_) => false,
            };
            set(&mut keep, i, include);
            others |= include;
        }
        // A ReInit goes alone (§12.2): only if nothing else is committed.
        if !others
            && by_value.is_empty()
            && let Some(i) = cached
                .iter()
                .position(|c| matches!(c.proposal, Proposal::ReInit(_)))
        {
            set(&mut keep, i, true);
        }
        keep
    }

    /// Creates a commit; `resumption` is the reinit or branch PSK of the
    /// first commit of a successor group (§11.2, §11.3), with its value
    /// from the old group.
    pub(crate) fn create_commit(
        &mut self,
        by_value: Vec<Proposal>,
        options: CommitOptions,
        resumption: Option<(PreSharedKeyId, Secret)>,
    ) -> Result<CommitOutput, Error> {
        self.check_active()?;
        if self.pending_commit.is_some() {
            return Err(Misuse::CommitPending.into());
        }
        let (items, wire, listed) = self.commit_list(by_value, options.include_received)?;
        self.tree.begin_changes();
        let result = self.build_commit(&items, wire, options, resumption);
        // The tree goes back to this epoch either way; a successful commit
        // keeps its changes for the merge.
        let changes = self.tree.rollback_changes()?;
        let (mut output, next) = result?;
        output.proposals = listed;
        self.persist_pending_commit(PendingCommit {
            tree_changes: changes,
            next,
        })?;
        Ok(output)
    }

    /// Everything of a commit after the list is chosen; the tree is
    /// recording changes and is rolled back by the caller.
    fn build_commit(
        &mut self,
        items: &[ListItem],
        wire: Vec<ProposalOrRef>,
        options: CommitOptions,
        resumption: Option<(PreSharedKeyId, Secret)>,
    ) -> Result<(CommitOutput, NewEpoch), Error> {
        let CommitOptions {
            force_path,
            authenticated_data,
            leaf: leaf_changes,
            tree_in_welcome,
            ..
        } = options;
        let authenticated_data = authenticated_data.as_slice();
        let client = self.client.clone();
        let suite = client.suite(self.context.cipher_suite)?;
        let rand = &self.client.provider().rand();
        let mut ctx = ListContext::new(
            &client,
            suite,
            &self.context,
            &self.config,
            &self.credential_types,
        );
        ctx.resumption_commit = resumption.is_some();
        let applied = proposal_list::apply(
            &ctx,
            &mut self.tree,
            &self.key_index,
            items,
            Committer::Member(self.own_leaf),
        )?;
        let mut provisional = provisional_context(&self.context, &applied.extensions)?;
        let excluded = applied.joiners();

        let mut keys = self.keys.clone();
        let mut path_secrets = Vec::new();
        let has_path = applied.path_required || force_path;
        let (path, commit_secret) = if has_path {
            let mut leaf = self.own_leaf_node()?.clone();
            leaf.capabilities = self.client.capabilities();
            if let Some(ext) = leaf_changes.extensions {
                leaf.extensions = ext;
            }
            if let Some(credential) = leaf_changes.credential {
                leaf.credential = credential;
            }
            let path_signer = self.take_identity(&mut leaf, leaf_changes.identity.as_ref())?;
            let created = create_update_path(
                &mut self.tree,
                suite,
                rand,
                path_signer.as_ref(),
                self.own_leaf,
                leaf,
                &excluded,
                &mut provisional,
            )?;
            keys = created.private_keys;
            path_secrets = created.path_secrets;
            (Some(created.update_path), created.commit_secret)
        } else {
            provisional.tree_hash = VarBytes::new(self.tree.tree_hash(suite)?);
            if let Some(own) = self.own_leaf.node() {
                keys.prune(&self.tree, own);
            }
            (None, zero_secret(suite))
        };

        let psk_secret = self.resolve_psks_with(&applied.psks, resumption.as_ref())?;
        let commit = Commit {
            proposals: VarVec::new(wire),
            path,
        };
        let mut content = self.protection.sign(
            suite,
            self.signer.as_ref(),
            self.config.handshake_wire_format,
            Sender::Member(self.own_leaf.0),
            authenticated_data,
            Content::Commit(commit),
        )?;
        let step = key_schedule_step(
            suite,
            &self.interim_transcript_hash,
            &content,
            provisional,
            &self.secrets.init_secret,
            &commit_secret,
            psk_secret,
        )?;
        content.set_confirmation_tag(step.confirmation_tag.clone());
        let commit_message = self.protection.wrap(suite, &content, rand)?;

        let group_info = self.build_group_info(
            &self.tree,
            &step.context,
            &step.secrets,
            &step.confirmation_tag,
            false,
        )?;
        let tree_in_welcome = tree_in_welcome.unwrap_or(self.config.ratchet_tree_in_welcome);
        let mut out_of_band_tree = None;
        let welcome = if applied.added.is_empty() {
            None
        } else {
            let mut welcome_info = group_info.clone();
            if !tree_in_welcome {
                // The tree is still the new epoch's here (the caller rolls
                // it back afterwards).
                out_of_band_tree = Some(self.tree.to_wire());
            } else {
                welcome_info = self.build_group_info(
                    &self.tree,
                    &step.context,
                    &step.secrets,
                    &step.confirmation_tag,
                    true,
                )?;
            }
            Some(self.build_welcome(
                &welcome_info,
                &step.joiner_secret,
                &step.psk_secret,
                &applied.psks,
                &applied.added,
                &path_secrets,
            )?)
        };
        let next = NewEpoch {
            context: step.context,
            secrets: step.secrets,
            keys,
            own_leaf: self.own_leaf,
            interim_transcript_hash: step.interim_transcript_hash,
            confirmation_tag: step.confirmation_tag,
            inactive: applied.reinit.map(Inactive::ReInit),
        };
        let output = CommitOutput {
            commit: commit_message,
            welcome,
            group_info: MlsMessage::new(MlsMessageBody::GroupInfo(group_info)),
            proposals: Vec::new(),
            has_path,
            ratchet_tree: out_of_band_tree,
        };
        Ok((output, next))
    }

    /// One Welcome for all of `added` (§12.4.3.1).
    fn build_welcome(
        &self,
        group_info: &crate::group::group_info::GroupInfo,
        joiner_secret: &Secret,
        psk_secret: &Secret,
        psks: &[PreSharedKeyId],
        added: &[(LeafIndex, KeyPackage)],
        path_secrets: &[(NodeIndex, Secret)],
    ) -> Result<MlsMessage, Error> {
        let client = self.client.clone();
        let suite = client.suite(self.context.cipher_suite)?;
        let rand = &self.client.provider().rand();
        let welcome_secret = welcome_secret(suite, joiner_secret, psk_secret)?;
        let (key, nonce) = welcome_key_nonce(suite, &welcome_secret)?;
        let encrypted_group_info =
            suite.aead_seal(key.as_bytes(), nonce.as_bytes(), &[], &encode(group_info)?)?;
        // Per joiner: the path secret of the lowest node on our filtered
        // path that is an ancestor of its leaf (§12.4.3.1), and randomness
        // drawn in order, so the encryptions can run in parallel and still
        // be reproducible.
        let mut plaintexts = Vec::with_capacity(added.len());
        let mut rands = Vec::with_capacity(added.len());
        for (leaf, _) in added {
            let path_secret = path_secrets
                .iter()
                .find(|(x, _)| self.tree.is_descendant(*x, *leaf))
                .map(|(_, s)| PathSecret {
                    path_secret: s.clone(),
                });
            let group_secrets = GroupSecrets {
                joiner_secret: joiner_secret.clone(),
                path_secret,
                psks: VarVec::new(psks.to_vec()),
            };
            plaintexts.push(Secret::new(encode(&group_secrets)?));
            rands.push(DerivedRand::draw(suite, rand)?);
        }
        let recipients: Vec<HpkeRecipient<'_>> = added
            .iter()
            .zip(&plaintexts)
            .zip(&rands)
            .map(|(((_, kp), plaintext), rand)| HpkeRecipient {
                public_key: kp.init_key.as_slice(),
                plaintext: plaintext.as_bytes(),
                rand,
            })
            .collect();
        let sealed =
            encrypt_with_label_to_many(suite, "Welcome", &encrypted_group_info, &recipients)?;
        if sealed.len() != added.len() {
            return Err(
                CryptoError::Backend("hpke_seal_many: wrong number of ciphertexts".into()).into(),
            );
        }
        let secrets = added
            .iter()
            .zip(sealed)
            .map(|((_, kp), ct)| {
                Ok(EncryptedGroupSecrets {
                    new_member: kp.reference(suite)?,
                    encrypted_group_secrets: HpkeCiphertextWire::from(ct),
                })
            })
            .collect::<Result<Vec<_>, Error>>()?;
        Ok(MlsMessage::new(MlsMessageBody::Welcome(Welcome {
            cipher_suite: self.context.cipher_suite,
            secrets: VarVec::new(secrets),
            encrypted_group_info: VarBytes::new(encrypted_group_info),
        })))
    }
}

/// `keep[i] = value`, for indices known to be in range.
fn set(keep: &mut [bool], i: usize, value: bool) {
    if let Some(k) = keep.get_mut(i) {
        *k = value;
    }
}
