//! The public ratchet tree (RFC 9420 §4, §7): nodes in array order
//! (Appendix C), kept at the full width of a power-of-two leaf count, with
//! cached tree hashes.
//!
//! Every mutation invalidates the cached tree hash of the nodes it touches
//! and their ancestors only, so after a commit the hashes are recomputed
//! along the changed paths (O(log N) per path), never over the whole tree.

use super::leaf_node::LeafNode;
use super::node::{Node, RatchetTree};
use super::parent_node::ParentNode;
use super::tree_hash;
use crate::error::{Error, ProtocolError};
use crate::provider::CipherSuiteProvider;
use crate::tree_math::{LeafIndex, NodeIndex, TreeSize};

/// The public state of a ratchet tree.
#[derive(Clone, Debug)]
pub struct PublicTree {
    size: TreeSize,
    /// `size.node_width()` entries; `None` is a blank node. Boxed, so a
    /// blank node costs a pointer rather than a node's size (about 290
    /// bytes): a hostile tree of blanks, one byte each on the wire, stays
    /// within a small multiple of its size in memory.
    nodes: Vec<Option<Box<Node>>>,
    /// Cached tree hash per node, flat (see [`hash_cache`]).
    hashes: HashCache,
    /// Number of non-blank nodes in each node's subtree (itself included),
    /// so blank subtrees are skipped in O(1) by resolutions, filtered
    /// direct paths and truncation instead of being walked.
    occupied: Vec<u32>,
    /// While a commit is being built or checked, every change made, so it
    /// can be undone or replayed (see [`changes`]). `None` otherwise.
    journal: Option<Vec<changes::Change>>,
    /// No leaf left of this index is blank, so Adds search from here and
    /// adding N members costs O(N), not O(N²).
    free_hint: u32,
}

/// Two trees are equal when their nodes are; caches and bookkeeping differ
/// with history.
impl PartialEq for PublicTree {
    fn eq(&self, other: &Self) -> bool {
        self.size == other.size && self.nodes == other.nodes
    }
}

impl Eq for PublicTree {}

/// Non-blank node counts per subtree, bottom up by level.
fn occupancy(nodes: &[Option<Box<Node>>], size: TreeSize) -> Vec<u32> {
    let mut counts: Vec<u32> = nodes.iter().map(|n| u32::from(n.is_some())).collect();
    let width = u64::from(size.node_width());
    let mut level: u32 = 1;
    // Nodes of level k are 2^k - 1 + i * 2^(k+1); their children are one
    // level down, so counting level by level from 1 sees them complete.
    while let Some(step) = level
        .checked_add(1)
        .and_then(|l| 1u64.checked_shl(l))
        .filter(|s| *s <= width.saturating_add(1))
    {
        let mut x = (1u64 << level).saturating_sub(1);
        while x < width {
            let node = NodeIndex(u32::try_from(x).unwrap_or(u32::MAX));
            if let (Some(l), Some(r)) = (size.left(node), size.right(node)) {
                let sum = counts
                    .get(idx(l.0))
                    .copied()
                    .unwrap_or(0)
                    .saturating_add(counts.get(idx(r.0)).copied().unwrap_or(0));
                if let Some(c) = counts.get_mut(idx(node.0)) {
                    *c = c.saturating_add(sum);
                }
            }
            x = x.saturating_add(step);
        }
        level = level.saturating_add(1);
    }
    counts
}

/// `i` as a vector index (u32 always fits in usize on supported targets).
pub(crate) fn idx(i: u32) -> usize {
    usize::try_from(i).unwrap_or(usize::MAX)
}

impl PublicTree {
    /// A tree with one leaf, the group creator's.
    pub fn new(leaf: LeafNode) -> Self {
        let size = TreeSize::ONE_LEAF;
        Self {
            size,
            nodes: vec![Some(Box::new(Node::Leaf(leaf)))],
            hashes: HashCache::new(1),
            occupied: vec![1],
            journal: None,
            free_hint: 0,
        }
    }

    /// Builds a tree from its serialized form (§12.4.3.3), checking its
    /// shape: not empty, no trailing blank node, leaves at even and parents
    /// at odd indices, and no more leaves than the index type allows. The
    /// tree is padded to a power-of-two leaf count.
    pub fn from_wire(tree: RatchetTree) -> Result<Self, Error> {
        Self::from_wire_bounded(tree, u32::MAX)
    }

    /// [`from_wire`](Self::from_wire) for a tree with at most `max_leaves`
    /// leaves ([`GroupConfig::max_leaves`](crate::group::GroupConfig)):
    /// checked on the wire form's length, before the tree is padded and
    /// its caches allocated, so a hostile width costs nothing.
    pub fn from_wire_bounded(tree: RatchetTree, max_leaves: u32) -> Result<Self, Error> {
        let mut nodes = tree.into_boxed_nodes();
        if !matches!(nodes.last(), Some(Some(_))) {
            return Err(ProtocolError::TrailingBlankNode.into());
        }
        let len = u32::try_from(nodes.len()).map_err(|_| ProtocolError::TreeTooLarge)?;
        // The last node is not blank; at an odd index it is a parent, which
        // a truncated tree (§7.7) never ends in. Found by fuzzing: such a
        // tree used to lose that node when its length was a power of two.
        if len.is_multiple_of(2) {
            return Err(ProtocolError::NodeTypeMismatch(len.saturating_sub(1)).into());
        }
        let leaves = len.checked_add(1).ok_or(ProtocolError::TreeTooLarge)? / 2;
        if leaves > max_leaves {
            return Err(ProtocolError::TooManyMembers(max_leaves).into());
        }
        for (i, node) in (0u32..).zip(&nodes) {
            let is_leaf_index = i % 2 == 0;
            match node.as_deref() {
                Some(Node::Leaf(_)) if !is_leaf_index => {
                    return Err(ProtocolError::NodeTypeMismatch(i).into());
                }
                Some(Node::Parent(_)) if is_leaf_index => {
                    return Err(ProtocolError::NodeTypeMismatch(i).into());
                }
                _ => {}
            }
        }
        let size = TreeSize::covering(leaves).ok_or(ProtocolError::TreeTooLarge)?;
        nodes.resize(idx(size.node_width()), None);
        Ok(Self::with_nodes(size, nodes))
    }

    /// A tree over `nodes`, which span `size`'s full width.
    fn with_nodes(size: TreeSize, nodes: Vec<Option<Box<Node>>>) -> Self {
        let hashes = HashCache::new(nodes.len());
        let occupied = occupancy(&nodes, size);
        Self {
            size,
            nodes,
            hashes,
            occupied,
            journal: None,
            free_hint: 0,
        }
    }

    /// A tree of `size` from its stored non-blank nodes (the rest are
    /// blank). Each node must be of the type its index says and within the
    /// tree; the caller checks the tree hash against the GroupContext.
    ///
    /// A stored tree is truncated (§7.7) like every tree the group holds:
    /// its width is the smallest that covers its rightmost leaf. Checking
    /// that before allocating keeps a damaged width from asking for
    /// gigabytes of blank nodes.
    pub(crate) fn from_stored(size: TreeSize, stored: Vec<(u32, Node)>) -> Result<Self, Error> {
        let rightmost_leaf = stored
            .iter()
            .filter(|(_, n)| matches!(n, Node::Leaf(_)))
            .map(|(i, _)| i / 2)
            .max()
            .unwrap_or(0);
        let expected = rightmost_leaf
            .checked_add(1)
            .and_then(TreeSize::covering)
            .ok_or(ProtocolError::TreeTooLarge)?;
        if size != expected {
            return Err(ProtocolError::TreeTooLarge.into());
        }
        let mut nodes = vec![None; idx(size.node_width())];
        for (i, node) in stored {
            let is_leaf_index = i % 2 == 0;
            if matches!(node, Node::Leaf(_)) != is_leaf_index {
                return Err(ProtocolError::NodeTypeMismatch(i).into());
            }
            let slot = nodes.get_mut(idx(i)).ok_or(ProtocolError::TreeTooLarge)?;
            *slot = Some(Box::new(node));
        }
        Ok(Self::with_nodes(size, nodes))
    }

    /// The serialized tree (§12.4.3.3): array order, trailing blanks removed.
    pub fn to_wire(&self) -> RatchetTree {
        RatchetTree::from_boxed_nodes(self.wire_nodes().to_vec())
    }

    /// Whether `wire` is this tree's [`Self::to_wire`], without copying it.
    pub fn equals_wire(&self, wire: &RatchetTree) -> bool {
        let ours = self.wire_nodes();
        wire.nodes().len() == ours.len() && wire.nodes().zip(ours).all(|(a, b)| a == b.as_deref())
    }

    /// The nodes up to the last non-blank one.
    fn wire_nodes(&self) -> &[Option<Box<Node>>] {
        let end = self
            .nodes
            .iter()
            .rposition(Option::is_some)
            .map_or(0, |i| i.saturating_add(1));
        self.nodes.get(..end).unwrap_or_default()
    }

    /// The tree's width.
    pub fn size(&self) -> TreeSize {
        self.size
    }

    /// The node at `x`; `None` if blank or outside the tree.
    pub fn node(&self, x: NodeIndex) -> Option<&Node> {
        self.nodes.get(idx(x.0)).and_then(Option::as_deref)
    }

    /// The leaf at `leaf`; `None` if blank or outside the tree.
    pub fn leaf(&self, leaf: LeafIndex) -> Option<&LeafNode> {
        match self.node(leaf.node()?) {
            Some(Node::Leaf(l)) => Some(l),
            _ => None,
        }
    }

    /// The parent node at `x`; `None` if blank, a leaf or outside the tree.
    pub fn parent_node(&self, x: NodeIndex) -> Option<&ParentNode> {
        match self.node(x) {
            Some(Node::Parent(p)) => Some(p),
            _ => None,
        }
    }

    /// Non-blank leaves with their indices, in order.
    pub fn leaves(&self) -> impl Iterator<Item = (LeafIndex, &LeafNode)> {
        (0u32..)
            .zip(self.nodes.iter().step_by(2))
            .filter_map(|(i, n)| match n.as_deref() {
                Some(Node::Leaf(l)) => Some((LeafIndex(i), l)),
                _ => None,
            })
    }

    /// Non-blank nodes with their indices, in array order. Persisting a
    /// tree walks this rather than [`Self::to_wire`], which copies every
    /// node.
    pub fn nodes(&self) -> impl Iterator<Item = (NodeIndex, &Node)> {
        (0u32..)
            .zip(&self.nodes)
            .filter_map(|(i, n)| n.as_deref().map(|n| (NodeIndex(i), n)))
    }

    /// Non-blank parent nodes with their indices, in order.
    pub fn parents(&self) -> impl Iterator<Item = (NodeIndex, &ParentNode)> {
        (0u32..)
            .zip(&self.nodes)
            .filter_map(|(i, n)| match n.as_deref() {
                Some(Node::Parent(p)) => Some((NodeIndex(i), p)),
                _ => None,
            })
    }

    /// Number of non-blank leaves (members).
    pub fn member_count(&self) -> usize {
        self.leaves().count()
    }

    /// The resolution of `x` (§4.1.1): the nearest non-blank nodes below and
    /// including `x`, with each non-blank parent's unmerged leaves.
    pub fn resolution(&self, x: NodeIndex) -> Vec<NodeIndex> {
        let mut out = Vec::new();
        self.resolve_into(x, &mut out);
        out
    }

    fn resolve_into(&self, x: NodeIndex, out: &mut Vec<NodeIndex>) {
        match self.node(x) {
            Some(Node::Leaf(_)) => out.push(x),
            Some(Node::Parent(p)) => {
                out.push(x);
                out.extend(
                    p.unmerged_leaves
                        .as_slice()
                        .iter()
                        .filter_map(|&l| LeafIndex(l).node()),
                );
            }
            None => {
                // A blank parent: left then right. Depth is at most 31, and
                // an all-blank subtree is not entered.
                if self.occupancy(x) == 0 {
                    return;
                }
                if let (Some(l), Some(r)) = (self.size.left(x), self.size.right(x)) {
                    self.resolve_into(l, out);
                    self.resolve_into(r, out);
                }
            }
        }
    }

    /// The filtered direct path of `leaf` (§4.1.2): its direct path without
    /// the nodes whose child on the copath has an empty resolution, paired
    /// with that copath child.
    pub fn filtered_direct_path(
        &self,
        leaf: LeafIndex,
    ) -> Result<Vec<(NodeIndex, NodeIndex)>, Error> {
        let x = self.leaf_node_index(leaf)?;
        let path = self
            .size
            .direct_path(x)
            .ok_or(Error::Internal("direct path of a leaf in the tree"))?;
        let copath = self
            .size
            .copath(x)
            .ok_or(Error::Internal("copath of a leaf in the tree"))?;
        Ok(path
            .into_iter()
            .zip(copath)
            .filter(|(_, c)| self.has_nonempty_resolution(*c))
            .collect())
    }

    /// A resolution is empty exactly when the subtree is all blank.
    fn has_nonempty_resolution(&self, x: NodeIndex) -> bool {
        self.occupancy(x) > 0
    }

    fn occupancy(&self, x: NodeIndex) -> u32 {
        self.occupied.get(idx(x.0)).copied().unwrap_or(0)
    }

    pub(crate) fn leaf_node_index(&self, leaf: LeafIndex) -> Result<NodeIndex, Error> {
        leaf.node()
            .filter(|x| self.size.contains(*x))
            .ok_or_else(|| ProtocolError::BlankOrMissingLeaf(leaf.0).into())
    }

    /// Whether leaf `leaf` lies in the subtree under `x`.
    pub fn is_descendant(&self, x: NodeIndex, leaf: LeafIndex) -> bool {
        let Some(l) = leaf.node() else { return false };
        let half = (1u64 << x.level()).saturating_sub(1);
        let (lo, hi) = (
            u64::from(x.0).saturating_sub(half),
            u64::from(x.0).saturating_add(half),
        );
        (lo..=hi).contains(&u64::from(l.0))
    }

    // ----- mutation; each invalidates the hashes it affects -----

    /// Marks `x` and its ancestors for re-hashing.
    fn invalidate(&mut self, x: NodeIndex) {
        let mut node = Some(x);
        while let Some(n) = node {
            // Once an ancestor is already stale, so is everything above it.
            if !self.hashes.invalidate(idx(n.0)) && n != x {
                break;
            }
            node = self.size.parent(n);
        }
    }

    /// Replaces the node at `x` (leaf or parent) and invalidates its hashes.
    pub(crate) fn set_node(&mut self, x: NodeIndex, node: Option<Node>) -> Result<(), Error> {
        let slot = self
            .nodes
            .get_mut(idx(x.0))
            .ok_or(Error::Internal("node index outside the tree"))?;
        let was = slot.is_some();
        let is = node.is_some();
        let old = std::mem::replace(slot, node.map(Box::new)).map(|b| *b);
        if !is && let Some(leaf) = x.leaf() {
            self.free_hint = self.free_hint.min(leaf.0);
        }
        if let Some(journal) = self.journal.as_mut() {
            journal.push(changes::Change::Set { x, old });
        }
        self.invalidate(x);
        if was != is {
            let mut n = Some(x);
            while let Some(a) = n {
                if let Some(count) = self.occupied.get_mut(idx(a.0)) {
                    *count = if is {
                        count.saturating_add(1)
                    } else {
                        count.saturating_sub(1)
                    };
                }
                n = self.size.parent(a);
            }
        }
        Ok(())
    }

    /// Doubles the tree to the right: the old tree becomes the left subtree
    /// of a new blank root (§7.7).
    fn extend(&mut self) -> Result<(), Error> {
        let leaves = self
            .size
            .leaf_count()
            .checked_mul(2)
            .ok_or(ProtocolError::TreeTooLarge)?;
        let size = TreeSize::from_leaf_count(leaves).ok_or(ProtocolError::TreeTooLarge)?;
        let old_root = self.size.root();
        // The new right half is blank.
        self.free_hint = self.free_hint.min(self.size.leaf_count());
        self.nodes.resize(idx(size.node_width()), None);
        self.hashes.resize(idx(size.node_width()));
        self.occupied.resize(idx(size.node_width()), 0);
        // The new root's subtree is the old tree plus blanks.
        let count = self.occupancy(old_root);
        if let Some(slot) = self.occupied.get_mut(idx(size.root().0)) {
            *slot = count;
        }
        self.size = size;
        if let Some(journal) = self.journal.as_mut() {
            journal.push(changes::Change::Extend);
        }
        Ok(())
    }

    /// Halves the tree while its right subtree is all blank (§7.7).
    fn truncate(&mut self) {
        while self.size.leaf_count() > 1 {
            let right_blank = self
                .size
                .right(self.size.root())
                .is_some_and(|r| self.occupancy(r) == 0);
            if !right_blank {
                break;
            }
            if self.halve().is_err() {
                break;
            }
            if let Some(journal) = self.journal.as_mut() {
                journal.push(changes::Change::Halve);
            }
        }
    }

    /// Drops the right half of the tree, which the caller knows is blank.
    fn halve(&mut self) -> Result<(), Error> {
        let half = TreeSize::from_leaf_count(self.size.leaf_count() / 2)
            .ok_or(Error::Internal("halving a one-leaf tree"))?;
        self.nodes.truncate(idx(half.node_width()));
        self.hashes.resize(idx(half.node_width()));
        self.occupied.truncate(idx(half.node_width()));
        self.size = half;
        Ok(())
    }

    /// Blanks the parent nodes on `leaf`'s direct path.
    fn blank_direct_path(&mut self, leaf: NodeIndex) -> Result<(), Error> {
        let path = self
            .size
            .direct_path(leaf)
            .ok_or(Error::Internal("direct path of a leaf"))?;
        for p in path {
            if self.node(p).is_some() {
                self.set_node(p, None)?;
            }
        }
        Ok(())
    }

    /// Add (§12.1.1): the leftmost blank leaf, extending the tree if there
    /// is none; the new leaf is added to the unmerged leaves of every
    /// non-blank node on its direct path. Returns the new leaf's index.
    pub fn add_leaf(&mut self, leaf: LeafNode) -> Result<LeafIndex, Error> {
        let start = idx(self.free_hint).saturating_mul(2);
        let free = (0u32..)
            .step_by(2)
            .zip(self.nodes.iter().step_by(2))
            .skip(start / 2)
            .find(|(_, n)| n.is_none())
            .map(|(i, _)| i);
        let x = match free {
            Some(i) => NodeIndex(i),
            None => {
                let first_new = self.size.node_width().saturating_add(1);
                self.extend()?;
                NodeIndex(first_new)
            }
        };
        let index = x.leaf().ok_or(Error::Internal("leaf at an even index"))?;
        self.free_hint = index.0;
        let path = self
            .size
            .direct_path(x)
            .ok_or(Error::Internal("direct path of a leaf"))?;
        for p in path {
            if let Some(Node::Parent(parent)) = self.node(p) {
                let mut parent = parent.clone();
                let mut unmerged = parent.unmerged_leaves.as_slice().to_vec();
                // Kept sorted (§7.1); a new leaf may sit left of older ones.
                let at = unmerged.partition_point(|&l| l < index.0);
                unmerged.insert(at, index.0);
                parent.unmerged_leaves = crate::codec::VarVec::new(unmerged);
                // Through set_node, so a commit being built can undo it.
                self.set_node(p, Some(Node::Parent(parent)))?;
            }
        }
        self.set_node(x, Some(Node::Leaf(leaf)))?;
        Ok(index)
    }

    /// Update (§12.1.2): replaces `leaf`'s node and blanks its direct path.
    pub fn update_leaf(&mut self, leaf: LeafIndex, node: LeafNode) -> Result<(), Error> {
        let x = self.leaf_node_index(leaf)?;
        if self.leaf(leaf).is_none() {
            return Err(ProtocolError::BlankOrMissingLeaf(leaf.0).into());
        }
        self.set_node(x, Some(Node::Leaf(node)))?;
        self.blank_direct_path(x)
    }

    /// Remove (§12.1.3): blanks the leaf and its direct path, then truncates.
    pub fn remove_leaf(&mut self, leaf: LeafIndex) -> Result<(), Error> {
        let x = self.leaf_node_index(leaf)?;
        if self.leaf(leaf).is_none() {
            return Err(ProtocolError::BlankOrMissingLeaf(leaf.0).into());
        }
        self.set_node(x, None)?;
        self.blank_direct_path(x)?;
        self.truncate();
        Ok(())
    }

    // ----- tree hashes (§7.8) -----

    /// The tree hash of the root, recomputing only stale nodes.
    pub fn tree_hash(&mut self, suite: &dyn CipherSuiteProvider) -> Result<Vec<u8>, Error> {
        self.node_tree_hash(suite, self.size.root())
    }

    /// The root's tree hash if it is cached (after [`PublicTree::tree_hash`]
    /// and no change since), for readers that hold the tree shared.
    pub(crate) fn cached_tree_hash(&self) -> Option<&[u8]> {
        self.hashes.get(idx(self.size.root().0))
    }

    /// The tree hash of node `x`, recomputing only stale nodes below it.
    pub fn node_tree_hash(
        &mut self,
        suite: &dyn CipherSuiteProvider,
        x: NodeIndex,
    ) -> Result<Vec<u8>, Error> {
        if let Some(h) = self.hashes.get(idx(x.0)) {
            return Ok(h.to_vec());
        }
        let hash = match (self.size.left(x), self.size.right(x)) {
            (Some(l), Some(r)) => {
                let left = self.node_tree_hash(suite, l)?;
                let right = self.node_tree_hash(suite, r)?;
                tree_hash::parent_tree_hash(suite, self.parent_node(x), &left, &right)?
            }
            _ => {
                let leaf = x.leaf().ok_or(Error::Internal("leaf node index"))?;
                tree_hash::leaf_hash(suite, leaf, self.leaf(leaf))?
            }
        };
        self.hashes.set(idx(x.0), &hash);
        Ok(hash)
    }

    /// The tree hash of `x` computed from scratch, ignoring the cache: the
    /// reference the cache is tested against.
    pub fn tree_hash_uncached(
        &self,
        suite: &dyn CipherSuiteProvider,
        x: NodeIndex,
    ) -> Result<Vec<u8>, Error> {
        tree_hash::subtree_hash_excluding(self, suite, x, &[], false)
    }

    /// Tree hashes of every node, in array order (for the vectors and tests).
    pub fn all_tree_hashes(
        &mut self,
        suite: &dyn CipherSuiteProvider,
    ) -> Result<Vec<Vec<u8>>, Error> {
        (0..self.size.node_width())
            .map(|i| self.node_tree_hash(suite, NodeIndex(i)))
            .collect()
    }

    /// Recomputes the occupancy counts from scratch (tests compare them with
    /// the incrementally maintained ones).
    #[cfg(test)]
    pub(crate) fn occupancy_is_consistent(&self) -> bool {
        occupancy(&self.nodes, self.size) == self.occupied
    }

    /// The cached hash of `x`, if fresh.
    pub(crate) fn cached_hash(&self, x: NodeIndex) -> Option<&[u8]> {
        self.hashes.get(idx(x.0))
    }
}

mod changes;
mod hash_cache;
pub(crate) use changes::{Change, TreeChanges};
use hash_cache::HashCache;

#[cfg(test)]
mod tests;
