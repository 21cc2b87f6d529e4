//! What a group holds between commits: proposals received in the epoch
//! (for commits that reference them, §12.4) and our own pending commit.

use super::state::NewEpoch;
use crate::framing::Sender;
use crate::group::proposal::{Proposal, ProposalRef};
use crate::tree::public_tree::TreeChanges;

/// A proposal received in this epoch, by its reference (§5.2).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CachedProposal {
    /// `ProposalRef` of the AuthenticatedContent that carried it.
    pub reference: ProposalRef,
    /// The proposal.
    pub proposal: Proposal,
    /// Who sent it.
    pub sender: Sender,
}

/// The proposals of the current epoch, in arrival order. Cleared at each
/// new epoch: a reference to a proposal of an earlier epoch is unknown.
#[derive(Clone, Debug, Default)]
pub(crate) struct ProposalCache {
    items: Vec<CachedProposal>,
    by_ref: std::collections::HashMap<ProposalRef, usize>,
}

impl ProposalCache {
    /// Adds `item` unless a proposal with its reference is held. The bound
    /// is checked by [`check_room`](Self::check_room) before anything is
    /// stored; a reload takes back what was admitted.
    pub(crate) fn insert(&mut self, item: CachedProposal) {
        if self.by_ref.contains_key(&item.reference) {
            return;
        }
        self.by_ref.insert(item.reference.clone(), self.items.len());
        self.items.push(item);
    }

    /// Fails if one more proposal would exceed `limit`
    /// ([`GroupConfig::max_proposals_per_epoch`](crate::group::GroupConfig)):
    /// a flood of proposals, each authentic, is still bounded in memory
    /// and in storage.
    pub(crate) fn check_room(&self, limit: u32) -> Result<(), crate::Error> {
        if u32::try_from(self.items.len()).map_or(true, |n| n >= limit) {
            return Err(crate::error::ProtocolError::TooManyProposals(limit).into());
        }
        Ok(())
    }

    pub(crate) fn get(&self, reference: &ProposalRef) -> Option<&CachedProposal> {
        self.by_ref.get(reference).and_then(|i| self.items.get(*i))
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = &CachedProposal> {
        self.items.iter()
    }

    pub(crate) fn len(&self) -> usize {
        self.items.len()
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub(crate) fn clear(&mut self) {
        self.items.clear();
        self.by_ref.clear();
    }
}

/// A commit we created, waiting for the caller to merge (once the
/// delivery service accepted it) or clear it.
pub(crate) struct PendingCommit {
    /// The tree changes, undone until the merge replays them.
    pub(crate) tree_changes: TreeChanges,
    /// The epoch the merge enters (its `changed` list is filled at merge).
    pub(crate) next: NewEpoch,
}
