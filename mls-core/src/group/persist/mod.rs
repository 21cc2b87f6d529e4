//! A group in storage: every state transition is one transaction
//! (DESIGN "Storage"), and a group is loaded back by its id.
//!
//! A transition changes the group in memory first, then writes what it
//! changed in one [`WriteBatch`]. If the write fails, the in-memory change
//! is undone (the tree's change journal, the secret trees' journals and a
//! snapshot of the small fields), so the group is exactly as before and
//! the call can be retried. What is written:
//!
//! * a commit (ours merged, or another's processed): the tree nodes it
//!   changed, the new epoch's secrets and secret-tree root, the group
//!   record, our private keys, the resumption PSKs; the previous epoch
//!   keeps only its message keys (or is deleted), epochs beyond the
//!   retention bound are deleted, cached proposals and the pending commit
//!   are deleted. O(log N) bytes for a path, never the whole tree.
//! * a message sent or received: the sender's ratchets and the secret tree
//!   nodes consumed, so a used key is gone from storage before the
//!   plaintext is returned or the ciphertext sent. Our own application
//!   ratchet is stored moved ahead by a block of generations
//!   (`GroupConfig::reserved_sending_generations`), whose keys are used
//!   from memory: the sends in between write nothing and only read the
//!   write counter.
//! * a proposal: its cache entry; a commit we create: the pending commit.
//! * creating or joining a group: everything, with the consumed
//!   KeyPackage's deletion in the same transaction.

mod counter;
pub(crate) mod public;
mod records;

pub(crate) use counter::WriteCounter;

use super::client::Client;
use super::config::MAX_LEAVES_CEILING;
use super::pending::{CachedProposal, PendingCommit, ProposalCache};
use super::state::{Group, Inactive, NewEpoch, PastSignatureKeys, first_old_values};
use crate::error::{Error, Misuse, StorageError, StorageErrorKind};
use crate::framing::{EpochKeys, MessageProtection};
use crate::key_schedule::{EpochSecrets, GroupContext};
use crate::provider::{Namespace, Provider, StorageProvider, WriteBatch};
use crate::secret::{HpkePrivateKey, Secret};
use crate::secret_tree::{SecretTree, Touched};
use crate::storage::{self, RecordKind, keys};
use crate::tree::leaf_validation::MemberCredentialTypes;
use crate::tree::node::Node;
use crate::tree::public_tree::PublicTree;
use crate::tree::treekem::TreePrivateKeys;
use crate::tree_math::{LeafIndex, NodeIndex, TreeSize};
use std::collections::{BTreeMap, BTreeSet, VecDeque};

/// The namespaces a group's entries live in, all under its key prefix.
const GROUP_NAMESPACES: [Namespace; 4] = [
    Namespace::GroupState,
    Namespace::TreeNodes,
    Namespace::EpochSecrets,
    Namespace::OwnLeafKeys,
];

/// What a failed epoch write puts back.
struct EpochUndo {
    context: GroupContext,
    secrets: EpochSecrets,
    keys: TreePrivateKeys,
    own_leaf: LeafIndex,
    interim_transcript_hash: Vec<u8>,
    confirmation_tag: Vec<u8>,
    past_signature_keys: PastSignatureKeys,
    resumption_psks: VecDeque<(u64, Secret)>,
    proposals: ProposalCache,
    pending_commit: Option<PendingCommit>,
    pending_update_keys: Vec<(Vec<u8>, HpkePrivateKey)>,
    inactive: Option<Inactive>,
    credential_types: MemberCredentialTypes,
    signer: std::sync::Arc<dyn crate::provider::Signer>,
}

/// The secret-tree journals of each epoch held, by epoch.
type Journals = Vec<(u64, Vec<Touched>)>;

fn corrupt(what: impl std::fmt::Display) -> Error {
    StorageError::corrupt(what).into()
}

fn put_epoch_record(
    batch: &mut WriteBatch,
    group_id: &[u8],
    keys_: &EpochKeys,
    full: Option<&EpochSecrets>,
) -> Result<(), Error> {
    storage::put_encoded(
        batch,
        Namespace::EpochSecrets,
        keys::epoch(group_id, keys_.epoch()),
        RecordKind::Epoch,
        |enc| {
            records::write_epoch(
                enc,
                keys_.group_context(),
                keys_.secret_tree().size().leaf_count(),
                keys_.sender_data_secret(),
                keys_.membership_key(),
                full,
            )
        },
    )
}

fn put_secret_node(
    batch: &mut WriteBatch,
    group_id: &[u8],
    epoch: u64,
    tree: &SecretTree,
    x: NodeIndex,
) -> Result<(), Error> {
    storage::put_or_delete(
        batch,
        Namespace::EpochSecrets,
        keys::secret_node(group_id, epoch, x.0),
        RecordKind::SecretNode,
        tree.node_secrets().get(&x),
        |enc, secret| enc.bytes(secret.as_bytes()).map(drop),
    )
}

fn put_secret_leaf(
    batch: &mut WriteBatch,
    group_id: &[u8],
    epoch: u64,
    tree: &SecretTree,
    leaf: LeafIndex,
) -> Result<(), Error> {
    storage::put_or_delete(
        batch,
        Namespace::EpochSecrets,
        keys::secret_leaf(group_id, epoch, leaf.0),
        RecordKind::SecretLeaf,
        tree.leaf_ratchets().get(&leaf),
        crate::secret_tree::stored::write_leaf,
    )
}

/// Every node and leaf of an epoch's secret tree.
fn put_secret_tree(
    batch: &mut WriteBatch,
    group_id: &[u8],
    keys_: &EpochKeys,
) -> Result<(), Error> {
    let tree = keys_.secret_tree();
    for x in tree.node_secrets().keys() {
        put_secret_node(batch, group_id, keys_.epoch(), tree, *x)?;
    }
    for leaf in tree.leaf_ratchets().keys() {
        put_secret_leaf(batch, group_id, keys_.epoch(), tree, *leaf)?;
    }
    Ok(())
}

/// The current value of every node and leaf a journal touched.
fn put_touched(
    batch: &mut WriteBatch,
    group_id: &[u8],
    keys_: &EpochKeys,
    touched: &[Touched],
) -> Result<(), Error> {
    let mut nodes = BTreeSet::new();
    let mut leaves = BTreeSet::new();
    for t in touched {
        match t {
            Touched::Node(x, _) => nodes.insert(*x),
            Touched::Leaf(l, _) => leaves.insert(*l),
        };
    }
    let tree = keys_.secret_tree();
    for x in nodes {
        put_secret_node(batch, group_id, keys_.epoch(), tree, x)?;
    }
    for leaf in leaves {
        put_secret_leaf(batch, group_id, keys_.epoch(), tree, leaf)?;
    }
    Ok(())
}

/// Deletes every node and leaf a journal touched.
fn delete_touched(batch: &mut WriteBatch, group_id: &[u8], epoch: u64, touched: &[Touched]) {
    for t in touched {
        let key = match t {
            Touched::Node(x, _) => keys::secret_node(group_id, epoch, x.0),
            Touched::Leaf(l, _) => keys::secret_leaf(group_id, epoch, l.0),
        };
        batch.delete(Namespace::EpochSecrets, key);
    }
}

/// Deletes an epoch's record and whatever its secret tree still holds.
fn delete_epoch(batch: &mut WriteBatch, group_id: &[u8], keys_: &EpochKeys) {
    let epoch = keys_.epoch();
    batch.delete(Namespace::EpochSecrets, keys::epoch(group_id, epoch));
    let tree = keys_.secret_tree();
    for x in tree.node_secrets().keys() {
        batch.delete(
            Namespace::EpochSecrets,
            keys::secret_node(group_id, epoch, x.0),
        );
    }
    for leaf in tree.leaf_ratchets().keys() {
        batch.delete(
            Namespace::EpochSecrets,
            keys::secret_leaf(group_id, epoch, leaf.0),
        );
    }
}

/// `arrival` is the proposal's position in the epoch's cache: commits list
/// received proposals in arrival order, so a reload keeps it.
fn put_proposal(
    batch: &mut WriteBatch,
    group_id: &[u8],
    arrival: usize,
    p: &CachedProposal,
) -> Result<(), Error> {
    // The cache's bound is a u32 (`max_proposals_per_epoch`).
    let arrival = u32::try_from(arrival).map_err(|_| Error::Internal("proposal cache past u32"))?;
    storage::put_encoded(
        batch,
        Namespace::GroupState,
        keys::proposal(group_id, p.reference.0.as_slice()),
        RecordKind::Proposal,
        |enc| records::write_proposal(enc, arrival, p),
    )
}

fn put_pending_commit(
    batch: &mut WriteBatch,
    group_id: &[u8],
    p: &PendingCommit,
) -> Result<(), Error> {
    storage::put_encoded(
        batch,
        Namespace::GroupState,
        keys::pending_commit(group_id),
        RecordKind::PendingCommit,
        |enc| records::write_pending_commit(enc, p),
    )
}

/// Deletes every entry of `group_id` (a group replaced by a rejoin or
/// resync, or deleted).
fn wipe_group(
    storage: &(impl StorageProvider + ?Sized),
    group_id: &[u8],
    batch: &mut WriteBatch,
) -> Result<(), Error> {
    let prefix = keys::group(group_id);
    for namespace in GROUP_NAMESPACES {
        for (key, _) in storage.scan(namespace, &prefix)? {
            batch.delete(namespace, key);
        }
    }
    Ok(())
}

impl<P: Provider> Group<P> {
    /// Commits `batch` if the group's stored write counter is still the
    /// one this instance saw ([`counter`]); otherwise nothing is written
    /// and the caller gets [`Error::Conflict`].
    fn commit_batch(&mut self, mut batch: WriteBatch) -> Result<(), Error> {
        if self.unmerged_external_join.is_some() {
            return Err(Misuse::UnmergedExternalJoin.into());
        }
        if batch.is_empty() {
            return Ok(());
        }
        let next = self.write_counter.guard(self.group_id(), &mut batch)?;
        self.client
            .provider()
            .storage()
            .commit(batch)
            .map_err(counter::conflict_to_error)?;
        self.write_counter = next;
        Ok(())
    }

    fn put_tree_node(&self, batch: &mut WriteBatch, x: NodeIndex) -> Result<(), Error> {
        storage::put_or_delete(
            batch,
            Namespace::TreeNodes,
            keys::tree_node(self.group_id(), x.0),
            RecordKind::TreeNode,
            self.tree.node(x),
            |enc, node| enc.value(node).map(drop),
        )
    }

    fn put_group_record(&self, batch: &mut WriteBatch) -> Result<(), Error> {
        storage::put_encoded(
            batch,
            Namespace::GroupState,
            keys::group_main(self.group_id()),
            RecordKind::Group,
            |enc| {
                records::write_group(
                    enc,
                    &self.config,
                    &self.context,
                    self.own_leaf,
                    self.tree.size().leaf_count(),
                    &self.interim_transcript_hash,
                    &self.confirmation_tag,
                    self.inactive.as_ref(),
                    &self.past_signature_keys,
                    self.protection.epochs().skip(1).map(EpochKeys::epoch),
                )
            },
        )
    }

    fn put_own_keys(
        &self,
        batch: &mut WriteBatch,
        new_update_key: Option<&(Vec<u8>, HpkePrivateKey)>,
    ) -> Result<(), Error> {
        storage::put_encoded(
            batch,
            Namespace::OwnLeafKeys,
            keys::own_keys(self.group_id()),
            RecordKind::OwnKeys,
            |enc| {
                records::write_own_keys(
                    enc,
                    &self.keys,
                    self.pending_update_keys.iter().chain(new_update_key),
                )
            },
        )
    }

    fn put_resumption_psks(&self, batch: &mut WriteBatch) -> Result<(), Error> {
        storage::put_encoded(
            batch,
            Namespace::EpochSecrets,
            keys::resumption_psks(self.group_id()),
            RecordKind::ResumptionPsks,
            |enc| records::write_resumption_psks(enc, &self.resumption_psks),
        )
    }

    /// Everything of the group, for a group just created or joined.
    fn put_everything(&self, batch: &mut WriteBatch) -> Result<(), Error> {
        let group_id = self.group_id().to_vec();
        self.put_group_record(batch)?;
        for (x, _) in self.tree.nodes() {
            self.put_tree_node(batch, x)?;
        }
        for (i, epoch) in self.protection.epochs().enumerate() {
            put_epoch_record(batch, &group_id, epoch, (i == 0).then_some(&self.secrets))?;
            put_secret_tree(batch, &group_id, epoch)?;
        }
        self.put_resumption_psks(batch)?;
        self.put_own_keys(batch, None)?;
        for (arrival, p) in self.proposals.iter().enumerate() {
            put_proposal(batch, &group_id, arrival, p)?;
        }
        if let Some(pending) = &self.pending_commit {
            put_pending_commit(batch, &group_id, pending)?;
        }
        Ok(())
    }

    fn take_journals(&mut self) -> Journals {
        self.protection
            .epochs_mut()
            .map(|e| (e.epoch(), e.secret_tree_mut().take_journal()))
            .filter(|(_, j)| !j.is_empty())
            .collect()
    }

    fn rollback_journals(&mut self, journals: Journals) {
        for (epoch, journal) in journals {
            if let Some(keys_) = self.protection.epochs_mut().find(|k| k.epoch() == epoch) {
                keys_.secret_tree_mut().rollback(journal);
            }
        }
    }

    fn put_journals(&self, batch: &mut WriteBatch, journals: &Journals) -> Result<(), Error> {
        for (epoch, touched) in journals {
            if let Some(keys_) = self.protection.epochs().find(|k| k.epoch() == *epoch) {
                put_touched(batch, self.group_id(), keys_, touched)?;
            }
        }
        Ok(())
    }

    /// Stores a group just created or joined, with `extra` (the consumed
    /// KeyPackage's deletion) in the same transaction. An active group of
    /// the same id is refused (§12.4.3.1: the id must be unique among the
    /// client's groups) unless `replace` (an external-commit resync); an
    /// inactive one (we were removed) is replaced.
    pub(crate) fn persist_new(&mut self, replace: bool, extra: WriteBatch) -> Result<(), Error> {
        let storage = self.client.provider().storage();
        let group_id = self.group_id().to_vec();
        // Whatever is stored under the id now is what this write replaces,
        // read first: a second instance storing the same group meanwhile
        // (one Welcome processed twice) makes this write a conflict.
        let current = WriteCounter::read(storage, &group_id)?;
        if !replace {
            let existing = storage::get_record(
                storage,
                Namespace::GroupState,
                &keys::group_main(&group_id),
                RecordKind::Group,
                records::read_group,
            )?;
            if existing.is_some_and(|g| g.inactive.is_none()) {
                return Err(Misuse::GroupIdInUse.into());
            }
        }
        let mut batch = WriteBatch::new();
        wipe_group(storage, &group_id, &mut batch)?;
        self.put_everything(&mut batch)?;
        batch.extend(extra);
        let previous = std::mem::replace(
            &mut self.write_counter,
            WriteCounter::fresh(current, &self.client.provider().rand())?,
        );
        self.commit_batch(batch).inspect_err(|_| {
            self.write_counter = previous;
        })?;
        self.protection.set_journaling(true);
        self.protection
            .set_sending_reservation(self.config.reserved_sending_generations);
        Ok(())
    }

    /// Stores what a send or receive consumed (the secret trees' journals)
    /// with `extra`; on failure the consumed keys are put back in memory.
    pub(crate) fn persist_small(&mut self, extra: WriteBatch) -> Result<(), Error> {
        let journals = self.take_journals();
        let mut batch = WriteBatch::new();
        self.put_journals(&mut batch, &journals)?;
        batch.extend(extra);
        match self.commit_batch(batch) {
            Ok(()) => Ok(()),
            Err(err) => {
                self.rollback_journals(journals);
                Err(err)
            }
        }
    }

    /// Stores what sending an application message consumed. A send that
    /// took a key reserved by an earlier write changed nothing stored; it
    /// still happens only if this instance is the group's current writer
    /// (one read of the write counter), so a stale instance gets
    /// [`Error::Conflict`] as if it had written, and its reserved keys go.
    pub(crate) fn persist_sent(&mut self) -> Result<(), Error> {
        let result = if self
            .protection
            .epochs()
            .all(|e| !e.secret_tree().has_journal_entries())
        {
            self.check_current_writer()
        } else {
            self.persist_small(WriteBatch::new())
        };
        if matches!(result, Err(Error::Conflict)) {
            self.protection.drop_reserved();
        }
        result
    }

    fn check_current_writer(&self) -> Result<(), Error> {
        if self.unmerged_external_join.is_some() {
            return Err(Misuse::UnmergedExternalJoin.into());
        }
        if self
            .write_counter
            .is_current(self.client.provider().storage(), self.group_id())?
        {
            Ok(())
        } else {
            Err(Error::Conflict)
        }
    }

    /// Enters `next` and stores it in one transaction, with `extra`. The
    /// tree holds the commit's changes with its journal open; it is kept on
    /// success and rolled back, with everything else, on failure.
    pub(crate) fn persist_epoch(&mut self, next: NewEpoch, extra: WriteBatch) -> Result<(), Error> {
        let changed = self.tree.recorded_changes();
        let journals = self.take_journals();
        let undo = EpochUndo {
            context: self.context.clone(),
            secrets: self.secrets.clone(),
            keys: self.keys.clone(),
            own_leaf: self.own_leaf,
            interim_transcript_hash: self.interim_transcript_hash.clone(),
            confirmation_tag: self.confirmation_tag.clone(),
            past_signature_keys: self.past_signature_keys.clone(),
            resumption_psks: self.resumption_psks.clone(),
            proposals: std::mem::take(&mut self.proposals),
            pending_commit: self.pending_commit.take(),
            pending_update_keys: std::mem::take(&mut self.pending_update_keys),
            inactive: self.inactive.clone(),
            credential_types: self.credential_types.clone(),
            signer: std::sync::Arc::clone(&self.signer),
        };
        let old_epoch = self.context.epoch;
        let dropped = self.enter_epoch(next, &changed);

        let result = self.epoch_batch(&changed, &journals, &dropped, old_epoch, &undo);
        let result = result.and_then(|mut batch| {
            batch.extend(extra);
            self.commit_batch(batch)
        });
        match result {
            Ok(()) => {
                self.tree.keep_changes();
                Ok(())
            }
            Err(err) => {
                self.undo_epoch(undo, dropped, &changed);
                self.rollback_journals(journals);
                self.tree.rollback_changes()?;
                Err(err)
            }
        }
    }

    fn epoch_batch(
        &self,
        changed: &[(NodeIndex, Option<Node>)],
        journals: &Journals,
        dropped: &[EpochKeys],
        old_epoch: u64,
        undo: &EpochUndo,
    ) -> Result<WriteBatch, Error> {
        let group_id = self.group_id().to_vec();
        let mut batch = WriteBatch::new();
        for x in first_old_values(changed).keys() {
            self.put_tree_node(&mut batch, *x)?;
        }
        self.put_journals(&mut batch, journals)?;
        for old in dropped {
            delete_epoch(&mut batch, &group_id, old);
            // What this transition consumed in a dropped epoch (say the
            // handshake key of the commit) is no longer in its tree, but
            // still on disk: delete it too, or an old node secret would
            // outlive its epoch.
            if let Some((_, touched)) = journals.iter().find(|(e, _)| *e == old.epoch()) {
                delete_touched(&mut batch, &group_id, old.epoch(), touched);
            }
        }
        // The previous epoch, if kept, keeps only its message keys.
        if let Some(previous) = self.protection.epochs().find(|k| k.epoch() == old_epoch) {
            put_epoch_record(&mut batch, &group_id, previous, None)?;
        }
        let current = self.protection.current();
        put_epoch_record(&mut batch, &group_id, current, Some(&self.secrets))?;
        put_secret_tree(&mut batch, &group_id, current)?;
        self.put_group_record(&mut batch)?;
        self.put_resumption_psks(&mut batch)?;
        self.put_own_keys(&mut batch, None)?;
        for p in undo.proposals.iter() {
            batch.delete(
                Namespace::GroupState,
                keys::proposal(&group_id, p.reference.0.as_slice()),
            );
        }
        batch.delete(Namespace::GroupState, keys::pending_commit(&group_id));
        Ok(batch)
    }

    /// Puts back what [`enter_epoch`](Self::enter_epoch) replaced; the tree
    /// still holds the new nodes (they are rolled back after).
    fn undo_epoch(
        &mut self,
        undo: EpochUndo,
        dropped: Vec<EpochKeys>,
        changed: &[(NodeIndex, Option<Node>)],
    ) {
        self.protection.undo_start_epoch(dropped);
        for (x, old) in first_old_values(changed) {
            let new = self.tree.node(x);
            self.key_index.replace(x, new, old);
            if x.leaf().is_some() {
                self.credential_counts.replace(new, old);
            }
        }
        self.context = undo.context;
        self.secrets = undo.secrets;
        self.keys = undo.keys;
        self.own_leaf = undo.own_leaf;
        self.interim_transcript_hash = undo.interim_transcript_hash;
        self.confirmation_tag = undo.confirmation_tag;
        self.past_signature_keys = undo.past_signature_keys;
        self.resumption_psks = undo.resumption_psks;
        self.proposals = undo.proposals;
        self.pending_commit = undo.pending_commit;
        self.pending_update_keys = undo.pending_update_keys;
        self.inactive = undo.inactive;
        self.credential_types = undo.credential_types;
        self.signer = undo.signer;
    }

    /// A commit removed us: the tree moves on (kept for inspection), our
    /// keys do not, the group is marked inactive, and a commit of ours
    /// still pending is dropped (it was made for the epoch the removal
    /// ended, found by fuzzing: merging it afterwards moved a removed
    /// member into an epoch of its own), in one transaction.
    pub(crate) fn persist_removed(&mut self) -> Result<(), Error> {
        let changed = self.tree.recorded_changes();
        let journals = self.take_journals();
        let previous = self.inactive.replace(Inactive::Removed);
        let pending_commit = self.pending_commit.take();
        let first = first_old_values(&changed);
        for (x, old) in &first {
            self.key_index.replace(*x, *old, self.tree.node(*x));
        }
        let result = (|| {
            let mut batch = WriteBatch::new();
            for x in first.keys() {
                self.put_tree_node(&mut batch, *x)?;
            }
            self.put_journals(&mut batch, &journals)?;
            self.put_group_record(&mut batch)?;
            batch.delete(Namespace::GroupState, keys::pending_commit(self.group_id()));
            Ok::<_, Error>(batch)
        })()
        .and_then(|batch| self.commit_batch(batch));
        match result {
            Ok(()) => {
                self.tree.keep_changes();
                Ok(())
            }
            Err(err) => {
                for (x, old) in first_old_values(&changed) {
                    self.key_index.replace(x, self.tree.node(x), old);
                }
                self.inactive = previous;
                self.pending_commit = pending_commit;
                self.rollback_journals(journals);
                self.tree.rollback_changes()?;
                Err(err)
            }
        }
    }

    /// Stores `proposal` in this epoch's cache, with what sending or
    /// receiving it consumed, then caches it in memory.
    pub(crate) fn persist_proposal(
        &mut self,
        proposal: CachedProposal,
        new_update_key: Option<(Vec<u8>, HpkePrivateKey)>,
    ) -> Result<(), Error> {
        let mut batch = WriteBatch::new();
        let known = self.proposals.get(&proposal.reference).is_some();
        if !known {
            self.proposals
                .check_room(self.config.max_proposals_per_epoch)?;
            put_proposal(&mut batch, self.group_id(), self.proposals.len(), &proposal)?;
        }
        if new_update_key.is_some() {
            self.put_own_keys(&mut batch, new_update_key.as_ref())?;
        }
        self.persist_small(batch)?;
        if let Some(key) = new_update_key {
            self.pending_update_keys.push(key);
        }
        if !known {
            self.proposals.insert(proposal);
        }
        Ok(())
    }

    /// Stores our new pending commit (and the handshake key it used), then
    /// holds it in memory.
    pub(crate) fn persist_pending_commit(&mut self, pending: PendingCommit) -> Result<(), Error> {
        let mut batch = WriteBatch::new();
        put_pending_commit(&mut batch, self.group_id(), &pending)?;
        self.persist_small(batch)?;
        self.pending_commit = Some(pending);
        Ok(())
    }

    /// Deletes our pending commit from storage (the handshake key it used
    /// stays spent).
    pub(crate) fn persist_cleared_commit(&mut self) -> Result<(), Error> {
        let mut batch = WriteBatch::new();
        batch.delete(Namespace::GroupState, keys::pending_commit(self.group_id()));
        self.persist_small(batch)
    }

    /// Loads the group `group_id` from the client's storage, exactly as it
    /// was after its last transition: same epoch, tree, secrets, cached
    /// proposals and pending commit. The group's settings are stored with
    /// it.
    ///
    /// Errors: [`StorageErrorKind::NotFound`] if no such group is stored;
    /// [`StorageErrorKind::Corrupt`] if a value is damaged or the stored
    /// tree's hash is not the GroupContext's;
    /// [`StorageErrorKind::UnsupportedVersion`] for a newer format.
    pub fn load(client: &Client<P>, group_id: &[u8]) -> Result<Self, Error> {
        load(client, group_id)
    }
}

fn missing(what: &str) -> Error {
    corrupt(format!(
        "the stored group has no {what}; its state is incomplete"
    ))
}

fn load_epoch<P: Provider>(
    client: &Client<P>,
    group_id: &[u8],
    epoch: u64,
    policy: crate::secret_tree::OutOfOrderPolicy,
) -> Result<(EpochKeys, Option<EpochSecrets>), Error> {
    let storage = client.provider().storage();
    let record = storage::get_record(
        storage,
        Namespace::EpochSecrets,
        &keys::epoch(group_id, epoch),
        RecordKind::Epoch,
        records::read_epoch,
    )?
    .ok_or_else(|| missing(&format!("secrets for epoch {epoch}")))?;
    if record.context.epoch != epoch || record.context.group_id.as_slice() != group_id {
        return Err(corrupt(format!(
            "the stored secrets of epoch {epoch} name another epoch or group"
        )));
    }
    let size = TreeSize::from_leaf_count(record.leaf_count)
        .ok_or_else(|| corrupt("a stored epoch has an impossible tree width"))?;
    let mut nodes = BTreeMap::new();
    let prefix = keys::secret_nodes(group_id, epoch);
    for (key, value) in storage::scan_records(storage, Namespace::EpochSecrets, &prefix)? {
        let x = keys::suffix_u32(&key, prefix.len())
            .ok_or_else(|| corrupt("a secret tree node key is malformed"))?;
        let secret = storage::decode_record(
            Namespace::EpochSecrets,
            &key,
            RecordKind::SecretNode,
            &value,
            |dec| dec.secret(),
        )?;
        if !size.contains(NodeIndex(x)) {
            return Err(corrupt("a stored secret tree node is outside the tree"));
        }
        nodes.insert(NodeIndex(x), secret);
    }
    let mut leaves = BTreeMap::new();
    let prefix = keys::secret_leaves(group_id, epoch);
    for (key, value) in storage::scan_records(storage, Namespace::EpochSecrets, &prefix)? {
        let leaf = keys::suffix_u32(&key, prefix.len())
            .ok_or_else(|| corrupt("a sender ratchet key is malformed"))?;
        if leaf >= size.leaf_count() {
            return Err(corrupt("stored sender ratchets are outside the tree"));
        }
        let ratchets = storage::decode_record(
            Namespace::EpochSecrets,
            &key,
            RecordKind::SecretLeaf,
            &value,
            crate::secret_tree::stored::read_leaf,
        )?;
        leaves.insert(LeafIndex(leaf), ratchets);
    }
    let tree = SecretTree::from_stored(size, nodes, leaves, policy);
    let keys_ = EpochKeys::from_parts(
        record.context,
        record.sender_data_secret,
        record.membership_key,
        tree,
    );
    Ok((keys_, record.full))
}

/// How many times a load is tried while other writers keep changing the
/// group under it.
const LOAD_ATTEMPTS: usize = 8;

/// Loads the group from several reads; the write counter, read before and
/// after, shows that no transaction of another instance came between them
/// (a state assembled from two epochs would be a torn one).
fn load<P: Provider>(client: &Client<P>, group_id: &[u8]) -> Result<Group<P>, Error> {
    let storage = client.provider().storage();
    for _ in 0..LOAD_ATTEMPTS {
        let before = WriteCounter::read(storage, group_id)?;
        let loaded = load_once(client, group_id);
        let after = WriteCounter::read(storage, group_id)?;
        if before.same_as(&after) {
            let mut group = loaded?;
            group.write_counter = before;
            return Ok(group);
        }
    }
    Err(Error::Conflict)
}

fn load_once<P: Provider>(client: &Client<P>, group_id: &[u8]) -> Result<Group<P>, Error> {
    let storage = client.provider().storage();
    let record = storage::get_record(
        storage,
        Namespace::GroupState,
        &keys::group_main(group_id),
        RecordKind::Group,
        records::read_group,
    )?
    .ok_or_else(|| {
        Error::from(StorageError::new(
            StorageErrorKind::NotFound,
            "no group with this id is stored",
        ))
    })?;
    if record.context.group_id.as_slice() != group_id {
        return Err(corrupt("the stored group record names another group"));
    }
    let suite = client.suite(record.context.cipher_suite)?;
    let size = TreeSize::from_leaf_count(record.leaf_count)
        .ok_or_else(|| corrupt("the stored tree has an impossible width"))?;
    // No group grows past MAX_LEAVES_CEILING (its `leaf_limit` refuses
    // Adds, external joins and Welcome trees beyond it, §12.1.1,
    // §12.4.3.1), so a wider stored tree is damage. Checked before the tree
    // is allocated, and against a constant rather than the record's own
    // `max_leaves`, which the same damage could have raised.
    if record.leaf_count > MAX_LEAVES_CEILING {
        return Err(corrupt(format!(
            "the stored tree is {} leaves wide, beyond the {MAX_LEAVES_CEILING} any group may have",
            record.leaf_count
        )));
    }

    let prefix = keys::group(group_id);
    let mut nodes = Vec::new();
    for (key, value) in storage::scan_records(storage, Namespace::TreeNodes, &prefix)? {
        let x = keys::suffix_u32(&key, prefix.len())
            .ok_or_else(|| corrupt("a tree node key is malformed"))?;
        let node: Node = storage::decode_record(
            Namespace::TreeNodes,
            &key,
            RecordKind::TreeNode,
            &value,
            |dec| dec.value(),
        )?;
        nodes.push((x, node));
    }
    let mut tree = PublicTree::from_stored(size, nodes)
        .map_err(|e| corrupt(format!("the stored tree is malformed: {e}")))?;
    // A group we were removed from keeps the tree of the commit that
    // removed us with the GroupContext of the epoch before it.
    let removed = matches!(record.inactive, Some(Inactive::Removed));
    if !removed && tree.tree_hash(suite)? != record.context.tree_hash.as_slice() {
        return Err(corrupt(
            "the stored tree's hash is not the GroupContext's tree_hash: \
             tree and epoch are from different transitions",
        ));
    }

    // The group must be this client's: it signs with the identity whose
    // key is in our leaf, and signing with another key would make every
    // message we send invalid.
    let mut signer = std::sync::Arc::clone(&client.default_identity().signer);
    if record.inactive.is_none() {
        let own = tree
            .leaf(record.own_leaf)
            .ok_or_else(|| corrupt("the stored tree has no leaf at our own index"))?;
        signer = client
            .identity_for_key(own.signature_key.as_slice())
            .ok_or(Misuse::GroupOfAnotherClient)?
            .signer;
    }

    let (own_keys, pending_update_keys) = storage::get_record(
        storage,
        Namespace::OwnLeafKeys,
        &keys::own_keys(group_id),
        RecordKind::OwnKeys,
        records::read_own_keys,
    )?
    .ok_or_else(|| missing("private keys"))?;

    let policy = record.config.out_of_order;
    let (current, full) = load_epoch(client, group_id, record.context.epoch, policy)?;
    let secrets = full.ok_or_else(|| missing("secrets for the current epoch"))?;
    if current.group_context() != &record.context {
        return Err(corrupt(
            "the current epoch's stored GroupContext differs from the group's",
        ));
    }
    let mut past = VecDeque::new();
    for epoch in &record.retained_epochs {
        past.push_back(load_epoch(client, group_id, *epoch, policy)?.0);
    }
    let resumption_psks = storage::get_record(
        storage,
        Namespace::EpochSecrets,
        &keys::resumption_psks(group_id),
        RecordKind::ResumptionPsks,
        records::read_resumption_psks,
    )?
    .ok_or_else(|| missing("resumption PSKs"))?;

    let mut cached = Vec::new();
    let proposals_prefix = keys::proposals(group_id);
    for (key, value) in storage::scan_records(storage, Namespace::GroupState, &proposals_prefix)? {
        cached.push(storage::decode_record(
            Namespace::GroupState,
            &key,
            RecordKind::Proposal,
            &value,
            records::read_proposal,
        )?);
    }
    cached.sort_by_key(|(arrival, _)| *arrival);
    let mut proposals = ProposalCache::default();
    for (_, p) in cached {
        proposals.insert(p);
    }
    let pending_commit = storage::get_record(
        storage,
        Namespace::GroupState,
        &keys::pending_commit(group_id),
        RecordKind::PendingCommit,
        records::read_pending_commit,
    )?;

    let config = record.config;
    let mut group = Group::from_parts(
        client.clone(),
        config.clone(),
        record.context,
        tree,
        own_keys,
        record.own_leaf,
        secrets,
        record.interim_transcript_hash,
        record.confirmation_tag,
    );
    group.protection =
        MessageProtection::from_stored(current, past, config.out_of_order, config.padding);
    group.protection.set_journaling(true);
    group
        .protection
        .set_sending_reservation(config.reserved_sending_generations);
    group.past_signature_keys = record.past_signature_keys;
    group.resumption_psks = resumption_psks;
    group.proposals = proposals;
    group.pending_commit = pending_commit;
    group.pending_update_keys = pending_update_keys;
    group.inactive = record.inactive;
    group.signer = signer;
    Ok(group)
}

impl<P: Provider> Client<P> {
    /// The ids of the groups stored for this client, in byte order.
    pub fn group_ids(&self) -> Result<Vec<Vec<u8>>, Error> {
        Ok(self
            .provider()
            .storage()
            .scan(Namespace::GroupState, &[])?
            .into_iter()
            .filter_map(|(key, _)| storage::main_record_group_id(&key))
            .collect())
    }

    /// Deletes every stored entry of the group `group_id` in one
    /// transaction (after leaving it, say). Deleting an unknown group is
    /// not an error.
    pub fn delete_group(&self, group_id: &[u8]) -> Result<(), Error> {
        let storage = self.provider().storage();
        let mut batch = WriteBatch::new();
        wipe_group(storage, group_id, &mut batch)?;
        if batch.is_empty() {
            return Ok(());
        }
        Ok(storage.commit(batch)?)
    }
}
