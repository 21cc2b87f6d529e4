//! Undo and redo of tree changes while a commit is built or checked.
//!
//! Applying a commit's proposals and path to a copy of the tree would cost
//! a clone of every node (about 16 ms at 10,000 members, against well under
//! a millisecond for the commit itself). Instead the tree records each
//! change it makes between [`PublicTree::begin_changes`] and
//! [`PublicTree::rollback_changes`]: a rejected commit is undone, and a
//! commit we created is undone and kept as [`TreeChanges`] that
//! [`PublicTree::apply_changes`] replays when the caller merges it. Either
//! way the work is proportional to the nodes the commit touched.

use super::PublicTree;
use crate::error::Error;
use crate::tree::node::Node;
use crate::tree_math::NodeIndex;

/// One recorded change, with what is needed to undo it.
#[derive(Clone, Debug, PartialEq, Eq)]
// A commit records a few dozen changes; boxing each old node would add an
// allocation per change for no gain.
#[allow(clippy::large_enum_variant)]
pub(crate) enum Change {
    /// Node `x` was replaced; `old` is what it held.
    Set { x: NodeIndex, old: Option<Node> },
    /// The tree doubled to the right (§7.7).
    Extend,
    /// The tree lost its blank right half (§7.7).
    Halve,
}

/// The changes a commit made to a tree, in order, replayable on the tree
/// they were made to.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct TreeChanges {
    /// Each change with the value it set (for `Set`).
    steps: Vec<(Change, Option<Node>)>,
}

impl TreeChanges {
    /// The recorded steps with the value each `Set` wrote.
    pub(crate) fn steps(&self) -> &[(Change, Option<Node>)] {
        &self.steps
    }

    /// Changes from their stored steps.
    pub(crate) fn from_steps(steps: Vec<(Change, Option<Node>)>) -> Self {
        Self { steps }
    }
}

impl PublicTree {
    /// The changes recorded so far, as [`keep_changes`](Self::keep_changes)
    /// would return them; recording goes on.
    pub(crate) fn recorded_changes(&self) -> Vec<(NodeIndex, Option<Node>)> {
        self.journal
            .iter()
            .flatten()
            .filter_map(|c| match c {
                Change::Set { x, old } => Some((*x, old.clone())),
                Change::Extend | Change::Halve => None,
            })
            .collect()
    }

    /// Starts recording changes. Any recording in progress is discarded.
    pub(crate) fn begin_changes(&mut self) {
        self.journal = Some(Vec::new());
    }

    /// Stops recording and keeps the changes in the tree. Returns each
    /// changed node with the value it had before, in order (a node may
    /// appear more than once).
    pub(crate) fn keep_changes(&mut self) -> Vec<(NodeIndex, Option<Node>)> {
        self.journal
            .take()
            .unwrap_or_default()
            .into_iter()
            .filter_map(|c| match c {
                Change::Set { x, old } => Some((x, old)),
                Change::Extend | Change::Halve => None,
            })
            .collect()
    }

    /// Undoes every change since [`begin_changes`](Self::begin_changes)
    /// and returns them for [`apply_changes`](Self::apply_changes).
    pub(crate) fn rollback_changes(&mut self) -> Result<TreeChanges, Error> {
        let journal = self.journal.take().unwrap_or_default();
        let mut steps = Vec::with_capacity(journal.len());
        for change in journal.into_iter().rev() {
            let redo = match &change {
                Change::Set { x, old } => {
                    let now = self.node(*x).cloned();
                    self.set_node(*x, old.clone())?;
                    now
                }
                Change::Extend => {
                    self.halve()?;
                    None
                }
                Change::Halve => {
                    self.extend()?;
                    None
                }
            };
            steps.push((change, redo));
        }
        steps.reverse();
        Ok(TreeChanges { steps })
    }

    /// Replays changes recorded on this tree in the same state; returns
    /// the changed nodes as [`keep_changes`](Self::keep_changes) does.
    #[cfg(test)]
    pub(crate) fn apply_changes(
        &mut self,
        changes: &TreeChanges,
    ) -> Result<Vec<(NodeIndex, Option<Node>)>, Error> {
        self.replay_changes(changes)?;
        Ok(self.keep_changes())
    }

    /// Replays changes as [`apply_changes`](Self::apply_changes) does, but
    /// leaves them recorded, to be kept or rolled back by the caller. On
    /// error the tree is as it was.
    pub(crate) fn replay_changes(&mut self, changes: &TreeChanges) -> Result<(), Error> {
        self.begin_changes();
        for (change, new) in &changes.steps {
            let step = match change {
                Change::Set { x, .. } => self.set_node(*x, new.clone()),
                Change::Extend => self.extend(),
                Change::Halve => self.halve().map(|()| {
                    if let Some(journal) = self.journal.as_mut() {
                        journal.push(Change::Halve);
                    }
                }),
            };
            if let Err(err) = step {
                self.rollback_changes()?;
                return Err(err);
            }
        }
        Ok(())
    }
}
