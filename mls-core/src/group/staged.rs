//! Staged commits: another member's (or a joiner's) commit, checked in full
//! (§12.4.2) and accepted by the group's rules, waiting for the
//! application to merge or discard it. Until the merge, the group is
//! unchanged in memory and in storage.

use super::rules::MessageSender;
use super::state::{Group, Member, NewEpoch};
use crate::error::{Error, Misuse};
use crate::extensions::Extensions;
use crate::group::proposal::{Proposal, ProposalRef, ReInit};
use crate::provider::{Provider, WriteBatch};
use crate::tree::public_tree::TreeChanges;

/// A proposal a commit applies, with who proposed it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommittedProposal {
    /// The proposal.
    pub proposal: Proposal,
    /// Who proposed it (the committer, for a proposal by value).
    pub sender: MessageSender,
    /// Its reference, if the commit included it by reference.
    pub reference: Option<ProposalRef>,
}

/// A member whose leaf a commit replaces (an Update, or the committer's
/// own path): the member before and after.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MemberUpdate {
    /// The leaf as it was.
    pub before: Member,
    /// The leaf as it will be.
    pub after: Member,
}

/// What a commit changes, in terms of members and their credentials.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct CommitSummary {
    /// Who committed, as they were in the commit's epoch. For a join by
    /// external commit, the joiner (also listed in `added`).
    pub sender: MessageSender,
    /// The epoch the commit leads to.
    pub epoch: u64,
    /// Every proposal applied, in the commit's order.
    pub proposals: Vec<CommittedProposal>,
    /// The members added, with their new leaf indices.
    pub added: Vec<Member>,
    /// The members removed, with the credentials they had.
    pub removed: Vec<Member>,
    /// Members whose Update proposal was applied.
    pub updated: Vec<MemberUpdate>,
    /// The committer's leaf, replaced by the commit's path (a member's
    /// commit with a path).
    pub committer_update: Option<MemberUpdate>,
    /// The new GroupContext extensions, if a GroupContextExtensions
    /// proposal replaced them.
    pub extensions: Option<Extensions>,
    /// Whether the commit carries an UpdatePath.
    pub has_path: bool,
    /// Whether the commit removes us: after the merge the group can no
    /// longer be used.
    pub removed_us: bool,
    /// The ReInit the commit carries, if any (§11.2): after the merge the
    /// group is closed and its successor is joined by Welcome.
    pub reinit: Option<ReInit>,
}

/// A received commit that passed every check and the group's rules, not
/// yet applied: inspect it (it dereferences to its [`CommitSummary`]),
/// then [`Group::merge_staged_commit`] or [`Group::discard_staged_commit`].
pub struct StagedCommit {
    summary: CommitSummary,
    group_id: Vec<u8>,
    base_epoch: u64,
    base_confirmation_tag: Vec<u8>,
    own_leaf: u32,
    tree_changes: TreeChanges,
    /// `None` when the commit removes us: the tree moves on, our keys do not.
    next: Option<NewEpoch>,
}

impl std::fmt::Debug for StagedCommit {
    // The next epoch's secrets stay out of the output.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StagedCommit")
            .field("summary", &self.summary)
            .field("base_epoch", &self.base_epoch)
            .finish_non_exhaustive()
    }
}

impl std::ops::Deref for StagedCommit {
    type Target = CommitSummary;
    fn deref(&self) -> &CommitSummary {
        &self.summary
    }
}

impl StagedCommit {
    /// What the commit changes.
    pub fn summary(&self) -> &CommitSummary {
        &self.summary
    }
}

impl<P: Provider> Group<P> {
    pub(crate) fn stage(
        &self,
        summary: CommitSummary,
        tree_changes: TreeChanges,
        next: Option<NewEpoch>,
    ) -> StagedCommit {
        StagedCommit {
            summary,
            group_id: self.context.group_id.as_slice().to_vec(),
            base_epoch: self.context.epoch,
            base_confirmation_tag: self.confirmation_tag.clone(),
            own_leaf: self.own_leaf.0,
            tree_changes,
            next,
        }
    }

    /// Applies a staged commit: the group enters the commit's epoch (or, if
    /// the commit removed us, becomes inactive), stored in one transaction.
    /// If storage fails, the group is as it was and `staged` can be merged
    /// again from a new [`process_message`](Group::process_message).
    ///
    /// Refused with [`Misuse::StaleStagedCommit`] if the group is no longer
    /// in the state the commit was staged in (another commit was merged
    /// since, or it was staged by another member's group).
    pub fn merge_staged_commit(&mut self, staged: StagedCommit) -> Result<CommitSummary, Error> {
        if staged.group_id.as_slice() != self.context.group_id.as_slice()
            || staged.base_epoch != self.context.epoch
            || staged.base_confirmation_tag != self.confirmation_tag
            || staged.own_leaf != self.own_leaf.0
        {
            return Err(Misuse::StaleStagedCommit.into());
        }
        self.check_current_staging()?;
        self.tree.replay_changes(&staged.tree_changes)?;
        match staged.next {
            Some(next) => self.persist_epoch(next, WriteBatch::new())?,
            None => self.persist_removed()?,
        }
        Ok(staged.summary)
    }

    /// Drops a staged commit: the group stays in its epoch. What receiving
    /// it consumed (the key of a PrivateMessage) is stored, so the same
    /// message is refused as a replay.
    pub fn discard_staged_commit(&mut self, staged: StagedCommit) -> Result<(), Error> {
        drop(staged);
        self.persist_small(WriteBatch::new())
    }

    /// A group that was removed or re-initialized accepts no commit.
    fn check_current_staging(&self) -> Result<(), Error> {
        if self.inactive.is_some() {
            self.check_active()?;
        }
        Ok(())
    }
}
