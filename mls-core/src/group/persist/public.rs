//! A public view in storage ([`PublicGroup`]), with the member's
//! transaction model: every transition is one [`WriteBatch`] guarded by
//! the view's write counter (one writer per view), and a failed write
//! leaves the view in memory as it was.
//!
//! What is written:
//!
//! * built from a GroupInfo: the record, every non-blank tree node, a new
//!   write counter, over whatever was stored under the id before (only an
//!   inactive view may be replaced);
//! * a proposal: its cache entry;
//! * a merged commit: the tree nodes it changed, the record, and the
//!   deletion of the epoch's cached proposals. O(log N) bytes for a path.
//!
//! Entries live in [`Namespace::PublicGroups`] under the group id's prefix
//! (table in [`crate::storage`]).

use super::super::config::{GroupConfig, MAX_LEAVES_CEILING};
use super::super::key_index::{CredentialCounts, KeyIndex};
use super::super::pending::{CachedProposal, ProposalCache};
use super::super::public_group::{PublicGroup, PublicGroupBuilder};
use super::counter::{self, WriteCounter};
use super::records::{read_config, read_proposal, write_config, write_proposal};
use crate::error::{DecodeError, Error, Misuse, StorageError, StorageErrorKind};
use crate::group::proposal::ReInit;
use crate::key_schedule::GroupContext;
use crate::provider::{CryptoProvider, Namespace, Provider, StorageProvider, WriteBatch};
use crate::storage::codec::{Dec, Enc};
use crate::storage::{self, RecordKind, keys};
use crate::tree::node::Node;
use crate::tree::public_tree::PublicTree;
use crate::tree_math::{NodeIndex, TreeSize};

const NS: Namespace = Namespace::PublicGroups;

/// How many times a load is tried while another writer keeps changing the
/// view under it.
const LOAD_ATTEMPTS: usize = 8;

fn corrupt(what: impl std::fmt::Display) -> Error {
    StorageError::corrupt(what).into()
}

/// The main record of a public view.
struct PublicRecord {
    config: GroupConfig,
    context: GroupContext,
    leaf_count: u32,
    interim_transcript_hash: Vec<u8>,
    confirmation_tag: Vec<u8>,
    reinit: Option<ReInit>,
}

/// ```text
/// struct {
///     StoredConfig config;           // as in GroupRecord
///     uint32 max_proposals_per_epoch;
///     GroupContext context;
///     uint32 leaf_count;
///     opaque interim_transcript_hash<V>;
///     opaque confirmation_tag<V>;    // as carried, not verified
///     optional<ReInit> reinit;
/// } PublicGroupRecord;
/// ```
fn write_record(enc: &mut Enc, r: &PublicRecordRef<'_>) -> Result<(), Error> {
    write_config(enc, r.config)?;
    enc.u32(r.config.max_proposals_per_epoch)
        .value(r.context)?
        .u32(r.leaf_count)
        .bytes(r.interim_transcript_hash)?
        .bytes(r.confirmation_tag)?;
    match r.reinit {
        None => {
            enc.u8(0);
        }
        Some(reinit) => {
            enc.u8(1).value(reinit)?;
        }
    }
    Ok(())
}

fn read_record(dec: &mut Dec<'_>) -> Result<PublicRecord, Error> {
    let mut config = read_config(dec)?;
    config.max_proposals_per_epoch = dec.u32()?;
    Ok(PublicRecord {
        config,
        context: dec.value()?,
        leaf_count: dec.u32()?,
        interim_transcript_hash: dec.bytes()?.to_vec(),
        confirmation_tag: dec.bytes()?.to_vec(),
        reinit: match dec.u8()? {
            0 => None,
            1 => Some(dec.value()?),
            other => return Err(DecodeError::UnknownValue(other.into()).into()),
        },
    })
}

/// The record's fields, borrowed from a view or from a staged commit.
pub(crate) struct PublicRecordRef<'a> {
    pub(crate) config: &'a GroupConfig,
    pub(crate) context: &'a GroupContext,
    pub(crate) leaf_count: u32,
    pub(crate) interim_transcript_hash: &'a [u8],
    pub(crate) confirmation_tag: &'a [u8],
    pub(crate) reinit: Option<&'a ReInit>,
}

fn put_record(batch: &mut WriteBatch, r: &PublicRecordRef<'_>) -> Result<(), Error> {
    storage::put_encoded(
        batch,
        NS,
        keys::group_main(r.context.group_id.as_slice()),
        RecordKind::PublicGroup,
        |enc| write_record(enc, r),
    )
}

fn put_tree_node(
    batch: &mut WriteBatch,
    group_id: &[u8],
    tree: &PublicTree,
    x: NodeIndex,
) -> Result<(), Error> {
    storage::put_or_delete(
        batch,
        NS,
        keys::public_tree_node(group_id, x.0),
        RecordKind::TreeNode,
        tree.node(x),
        |enc, node| enc.value(node).map(drop),
    )
}

/// Deletes every entry of the view `group_id`.
fn wipe(
    storage: &(impl StorageProvider + ?Sized),
    group_id: &[u8],
    batch: &mut WriteBatch,
) -> Result<(), Error> {
    for (key, _) in storage.scan(NS, &keys::group(group_id))? {
        batch.delete(NS, key);
    }
    Ok(())
}

impl<P: Provider> PublicGroup<P> {
    fn record(&self) -> PublicRecordRef<'_> {
        PublicRecordRef {
            config: &self.config,
            context: &self.context,
            leaf_count: self.tree.size().leaf_count(),
            interim_transcript_hash: &self.interim_transcript_hash,
            confirmation_tag: &self.confirmation_tag,
            reinit: self.reinit.as_ref(),
        }
    }

    /// Commits `batch` if the stored write counter is still the one this
    /// instance saw; otherwise nothing is written ([`Error::Conflict`]).
    fn commit_batch(&mut self, mut batch: WriteBatch) -> Result<(), Error> {
        let group_id = self.context.group_id.as_slice().to_vec();
        let next = self.write_counter.guard_in(NS, &group_id, &mut batch)?;
        self.provider
            .storage()
            .commit(batch)
            .map_err(counter::conflict_to_error)?;
        self.write_counter = next;
        Ok(())
    }

    /// Stores a view just built. A view of the same id that still follows
    /// its group is refused ([`Misuse::GroupIdInUse`]); one that ended in
    /// a ReInit is replaced.
    pub(crate) fn persist_new(&mut self) -> Result<(), Error> {
        let storage = self.provider.storage();
        let group_id = self.context.group_id.as_slice().to_vec();
        let current = WriteCounter::read_in(storage, NS, &group_id)?;
        let existing = storage::get_record(
            storage,
            NS,
            &keys::group_main(&group_id),
            RecordKind::PublicGroup,
            read_record,
        )?;
        if existing.is_some_and(|r| r.reinit.is_none()) {
            return Err(Misuse::GroupIdInUse.into());
        }
        let mut batch = WriteBatch::new();
        wipe(storage, &group_id, &mut batch)?;
        put_record(&mut batch, &self.record())?;
        for (x, _) in self.tree.nodes() {
            put_tree_node(&mut batch, &group_id, &self.tree, x)?;
        }
        self.write_counter = WriteCounter::fresh(current, &self.provider.rand())?;
        self.commit_batch(batch)
    }

    /// Stores a proposal about to enter the cache at position `arrival`.
    pub(crate) fn persist_proposal(
        &mut self,
        arrival: usize,
        p: &CachedProposal,
    ) -> Result<(), Error> {
        let arrival =
            u32::try_from(arrival).map_err(|_| Error::Internal("proposal cache past u32"))?;
        let mut batch = WriteBatch::new();
        storage::put_encoded(
            &mut batch,
            NS,
            keys::proposal(self.context.group_id.as_slice(), p.reference.0.as_slice()),
            RecordKind::Proposal,
            |enc| write_proposal(enc, arrival, p),
        )?;
        self.commit_batch(batch)
    }

    /// Stores the epoch a merged commit leads to: the tree holds the
    /// commit's changes with its journal open, `next` is the new record.
    /// On error the caller rolls the tree back.
    pub(crate) fn persist_epoch(&mut self, next: &PublicRecordRef<'_>) -> Result<(), Error> {
        let group_id = self.context.group_id.as_slice().to_vec();
        let mut batch = WriteBatch::new();
        let changed = self.tree.recorded_changes();
        for x in super::super::state::first_old_values(&changed).keys() {
            put_tree_node(&mut batch, &group_id, &self.tree, *x)?;
        }
        put_record(&mut batch, next)?;
        for p in self.proposals.iter() {
            batch.delete(NS, keys::proposal(&group_id, p.reference.0.as_slice()));
        }
        self.commit_batch(batch)
    }

    /// The ids of the public views stored in `provider`'s storage, in byte
    /// order.
    pub fn stored_group_ids(provider: &P) -> Result<Vec<Vec<u8>>, Error> {
        Ok(provider
            .storage()
            .scan(NS, &[])?
            .into_iter()
            .filter_map(|(key, _)| storage::main_record_group_id(&key))
            .collect())
    }

    /// Deletes every stored entry of the view `group_id` in one
    /// transaction. Deleting an unknown view is not an error.
    pub fn delete_stored(provider: &P, group_id: &[u8]) -> Result<(), Error> {
        let storage = provider.storage();
        let mut batch = WriteBatch::new();
        wipe(storage, group_id, &mut batch)?;
        if batch.is_empty() {
            return Ok(());
        }
        Ok(storage.commit(batch)?)
    }
}

impl<P: Provider> PublicGroupBuilder<P> {
    /// Loads the view of `group_id` stored by an earlier instance: the
    /// same epoch, tree, transcript and cached proposals. The stored
    /// settings are used, not the builder's
    /// [`config`](Self::config); the validator and clock are the
    /// builder's.
    ///
    /// Errors: [`StorageErrorKind::NotFound`] if no such view is stored;
    /// [`StorageErrorKind::Corrupt`] if a value is damaged or the stored
    /// tree's hash is not the GroupContext's;
    /// [`StorageErrorKind::UnsupportedVersion`] for a newer format;
    /// [`Error::Conflict`] if other writers kept changing it meanwhile.
    pub fn load(self, group_id: &[u8]) -> Result<PublicGroup<P>, Error> {
        let storage = self.provider.storage();
        for _ in 0..LOAD_ATTEMPTS {
            let before = WriteCounter::read_in(storage, NS, group_id)?;
            let loaded = load_once(storage, &self, group_id);
            let after = WriteCounter::read_in(storage, NS, group_id)?;
            if before.same_as(&after) {
                let parts = loaded?;
                return Ok(self.assemble(parts, before));
            }
        }
        Err(Error::Conflict)
    }
}

/// What a load reads, before it becomes a view.
pub(crate) struct LoadedParts {
    pub(crate) config: GroupConfig,
    pub(crate) context: GroupContext,
    pub(crate) tree: PublicTree,
    pub(crate) interim_transcript_hash: Vec<u8>,
    pub(crate) confirmation_tag: Vec<u8>,
    pub(crate) reinit: Option<ReInit>,
    pub(crate) proposals: ProposalCache,
    pub(crate) key_index: KeyIndex,
    pub(crate) credential_counts: CredentialCounts,
}

fn load_once<P: Provider>(
    storage: &P::Storage,
    builder: &PublicGroupBuilder<P>,
    group_id: &[u8],
) -> Result<LoadedParts, Error> {
    let record = storage::get_record(
        storage,
        NS,
        &keys::group_main(group_id),
        RecordKind::PublicGroup,
        read_record,
    )?
    .ok_or_else(|| {
        Error::from(StorageError::new(
            StorageErrorKind::NotFound,
            "no public group with this id is stored",
        ))
    })?;
    if record.context.group_id.as_slice() != group_id {
        return Err(corrupt(
            "the stored public group record names another group",
        ));
    }
    let suite = builder
        .provider
        .crypto()
        .cipher_suite(record.context.cipher_suite)?;
    // As for a member's group: checked against the constant before the
    // tree is allocated, not against the record's own max_leaves.
    if record.leaf_count > MAX_LEAVES_CEILING {
        return Err(corrupt(format!(
            "the stored tree is {} leaves wide, beyond the {MAX_LEAVES_CEILING} any group may have",
            record.leaf_count
        )));
    }
    let size = TreeSize::from_leaf_count(record.leaf_count)
        .ok_or_else(|| corrupt("the stored tree has an impossible width"))?;
    let prefix = keys::public_tree_nodes(group_id);
    let mut nodes = Vec::new();
    for (key, value) in storage::scan_records(storage, NS, &prefix)? {
        let x = keys::suffix_u32(&key, prefix.len())
            .ok_or_else(|| corrupt("a tree node key is malformed"))?;
        let node: Node =
            storage::decode_record(NS, &key, RecordKind::TreeNode, &value, |dec| dec.value())?;
        nodes.push((x, node));
    }
    let mut tree = PublicTree::from_stored(size, nodes)
        .map_err(|e| corrupt(format!("the stored tree is malformed: {e}")))?;
    if tree.tree_hash(suite)? != record.context.tree_hash.as_slice() {
        return Err(corrupt(
            "the stored tree's hash is not the GroupContext's tree_hash: \
             tree and epoch are from different transitions",
        ));
    }

    let mut cached = Vec::new();
    for (key, value) in storage::scan_records(storage, NS, &keys::proposals(group_id))? {
        cached.push(storage::decode_record(
            NS,
            &key,
            RecordKind::Proposal,
            &value,
            read_proposal,
        )?);
    }
    cached.sort_by_key(|(arrival, _)| *arrival);
    let mut proposals = ProposalCache::default();
    for (_, p) in cached {
        proposals.insert(p);
    }
    Ok(LoadedParts {
        key_index: KeyIndex::build(&tree),
        credential_counts: CredentialCounts::build(&tree),
        config: record.config,
        context: record.context,
        tree,
        interim_transcript_hash: record.interim_transcript_hash,
        confirmation_tag: record.confirmation_tag,
        reinit: record.reinit,
        proposals,
    })
}
