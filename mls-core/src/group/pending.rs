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

/// At most this many proposals are held per epoch; more is a flood.
pub(crate) const MAX_CACHED_PROPOSALS: usize = 100_000;

impl ProposalCache {
    pub(crate) fn insert(&mut self, item: CachedProposal) -> Result<(), crate::Error> {
        if self.by_ref.contains_key(&item.reference) {
            return Ok(());
        }
        if self.items.len() >= MAX_CACHED_PROPOSALS {
            return Err(crate::error::Misuse::TooLarge("proposal cache").into());
        }
        self.by_ref.insert(item.reference.clone(), self.items.len());
        self.items.push(item);
        Ok(())
    }

    /// Fails if one more proposal would exceed the bound.
    pub(crate) fn check_room(&self) -> Result<(), crate::Error> {
        if self.items.len() >= MAX_CACHED_PROPOSALS {
            return Err(crate::error::Misuse::TooLarge("proposal cache").into());
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
