//! Array-based tree arithmetic (RFC 9420 Appendix C).
//!
//! Node indices are `u32` as on the wire. Every function that could step
//! outside the tree or overflow returns `None` instead of wrapping, so hostile
//! indices (a leaf index near `u32::MAX`, say) cannot panic or alias another
//! node. MLS trees are full binary trees (§7.1: the leaf count is a power of
//! two); [`TreeSize`] enforces that.

/// Index of a node in the array representation of the tree.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NodeIndex(pub u32);

/// Index of a leaf, counting leaves only (leaf `i` is node `2i`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LeafIndex(pub u32);

impl LeafIndex {
    /// The node index of this leaf, `2i`; `None` past `u32::MAX`.
    pub fn node(self) -> Option<NodeIndex> {
        self.0.checked_mul(2).map(NodeIndex)
    }
}

impl NodeIndex {
    /// Whether the node is a leaf (even index).
    pub fn is_leaf(self) -> bool {
        self.0 & 1 == 0
    }

    /// The leaf index of a leaf node; `None` for a parent node.
    pub fn leaf(self) -> Option<LeafIndex> {
        self.is_leaf().then_some(LeafIndex(self.0 >> 1))
    }

    /// The level of the node: leaves are 0, their parents 1, and so on.
    pub fn level(self) -> u32 {
        self.0.trailing_ones()
    }

    /// The left child of a parent node; `None` for a leaf.
    pub fn left(self) -> Option<NodeIndex> {
        let k = self.level().checked_sub(1)?;
        Some(NodeIndex(self.0 ^ 1u32.checked_shl(k)?))
    }

    /// The right child of a parent node; `None` for a leaf or a node whose
    /// right child would not fit in `u32`.
    pub fn right(self) -> Option<NodeIndex> {
        let k = self.level().checked_sub(1)?;
        let flip = 3u64.checked_shl(k)?;
        u32::try_from(u64::from(self.0) ^ flip).ok().map(NodeIndex)
    }
}

/// The size of a full binary tree, as a number of leaves (a power of two).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TreeSize(u32);

impl TreeSize {
    /// A tree of one leaf.
    pub const ONE_LEAF: Self = Self(1);

    /// A tree with `leaves` leaves. `None` unless `leaves` is a power of two
    /// no larger than 2^31, the most a `u32` node index can address.
    pub fn from_leaf_count(leaves: u32) -> Option<Self> {
        (leaves.is_power_of_two() && leaves <= 1 << 31).then_some(Self(leaves))
    }

    /// The smallest full tree holding `leaves` leaves (at least one).
    pub fn covering(leaves: u32) -> Option<Self> {
        Self::from_leaf_count(leaves.max(1).checked_next_power_of_two()?)
    }

    /// Number of leaves.
    pub fn leaf_count(self) -> u32 {
        self.0
    }

    /// Number of nodes, `2n - 1`.
    pub fn node_width(self) -> u32 {
        // n is a power of two in 1..=2^31 (checked at construction), so
        // 2n - 1 fits in u32; `| 1` adds the final 1 without overflow.
        self.0.saturating_sub(1).saturating_mul(2) | 1
    }

    /// Whether `x` is a node of this tree.
    pub fn contains(self, x: NodeIndex) -> bool {
        x.0 < self.node_width()
    }

    /// Whether `leaf` is a leaf of this tree.
    pub fn contains_leaf(self, leaf: LeafIndex) -> bool {
        leaf.0 < self.0
    }

    /// The root node.
    pub fn root(self) -> NodeIndex {
        // For a full tree of n = 2^k leaves the root is 2^k - 1.
        NodeIndex(self.0.saturating_sub(1))
    }

    /// The left child of `x`; `None` for a leaf or a node outside the tree.
    pub fn left(self, x: NodeIndex) -> Option<NodeIndex> {
        self.contains(x).then(|| x.left()).flatten()
    }

    /// The right child of `x`; `None` for a leaf or a node outside the tree.
    pub fn right(self, x: NodeIndex) -> Option<NodeIndex> {
        self.contains(x).then(|| x.right()).flatten()
    }

    /// The parent of `x`; `None` for the root or a node outside the tree.
    pub fn parent(self, x: NodeIndex) -> Option<NodeIndex> {
        if !self.contains(x) || x == self.root() {
            return None;
        }
        let k = x.level();
        // x is below the root, so k <= 30 and the shifts stay in range.
        let x64 = u64::from(x.0);
        let b = x64.checked_shr(k.checked_add(1)?)? & 1;
        let p = (x64 | 1u64.checked_shl(k)?) ^ b.checked_shl(k.checked_add(1)?)?;
        u32::try_from(p).ok().map(NodeIndex)
    }

    /// The other child of `x`'s parent; `None` for the root or outside the tree.
    pub fn sibling(self, x: NodeIndex) -> Option<NodeIndex> {
        let p = self.parent(x)?;
        if x < p { p.right() } else { p.left() }
    }

    /// The direct path of `x`, from its parent up to the root (§4.1).
    /// Empty for the root; `None` outside the tree.
    pub fn direct_path(self, x: NodeIndex) -> Option<Vec<NodeIndex>> {
        if !self.contains(x) {
            return None;
        }
        let root = self.root();
        let mut path = Vec::with_capacity(self.0.trailing_zeros() as usize);
        let mut node = x;
        // Each step raises the level by one, so at most log2(n) iterations.
        while node != root {
            node = self.parent(node)?;
            path.push(node);
        }
        Some(path)
    }

    /// The copath of `x`: the sibling of each node on the path from `x`
    /// (inclusive) up to the root (exclusive), in that order (§4.1).
    pub fn copath(self, x: NodeIndex) -> Option<Vec<NodeIndex>> {
        let direct = self.direct_path(x)?;
        let mut out = Vec::with_capacity(direct.len());
        let mut node = x;
        for parent in direct {
            out.push(self.sibling(node)?);
            node = parent;
        }
        Some(out)
    }

    /// The lowest node that is an ancestor of (or equal to) both `x` and `y`.
    pub fn common_ancestor(self, x: NodeIndex, y: NodeIndex) -> Option<NodeIndex> {
        if !self.contains(x) || !self.contains(y) {
            return None;
        }
        // Bits above the first differing bit are the shared prefix; the
        // ancestor is that prefix followed by a 0 and then 1s (Appendix C,
        // `common_ancestor_direct`). Working in u64 keeps the shifts in range.
        // Levels are at most 32, so every shift below is by less than 64.
        let (lx, ly) = (x.level().checked_add(1)?, y.level().checked_add(1)?);
        let (xs, ys) = (u64::from(x.0), u64::from(y.0));
        if lx <= ly && xs.checked_shr(ly)? == ys.checked_shr(ly)? {
            return Some(y);
        }
        if ly <= lx && xs.checked_shr(lx)? == ys.checked_shr(lx)? {
            return Some(x);
        }
        // x != y here, so k >= 1.
        let k = 64u32.checked_sub((xs ^ ys).leading_zeros())?;
        let prefix = xs.checked_shr(k)?.checked_shl(k)?;
        let low = 1u64.checked_shl(k.checked_sub(1)?)?.checked_sub(1)?;
        u32::try_from(prefix | low).ok().map(NodeIndex)
    }
}

#[cfg(test)]
mod tests;
