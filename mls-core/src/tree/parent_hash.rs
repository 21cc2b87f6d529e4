//! Parent hashes (RFC 9420 §7.9) and their verification when joining
//! (§7.9.2).

use super::leaf_node::LeafNodeSource;
use super::node::Node;
use super::parent_node::ParentNode;
use super::public_tree::{PublicTree, idx};
use super::tree_hash::subtree_hash_excluding;
use crate::codec::{VarBytes, encode};
use crate::error::{Error, ProtocolError};
use crate::provider::CipherSuiteProvider;
use crate::tree_math::{LeafIndex, NodeIndex};
use std::collections::{HashMap, HashSet};
use tls_codec::{TlsSerialize, TlsSize};

/// `ParentHashInput` (§7.9).
#[derive(TlsSerialize, TlsSize)]
struct ParentHashInput<'a> {
    encryption_key: &'a VarBytes,
    parent_hash: &'a VarBytes,
    original_sibling_tree_hash: VarBytes,
}

/// The parent hash of `parent` with copath child whose original tree hash is
/// `original_sibling_tree_hash` (§7.9).
pub fn parent_hash(
    suite: &dyn CipherSuiteProvider,
    parent: &ParentNode,
    original_sibling_tree_hash: &[u8],
) -> Result<Vec<u8>, Error> {
    let input = encode(&ParentHashInput {
        encryption_key: &parent.encryption_key,
        parent_hash: &parent.parent_hash,
        original_sibling_tree_hash: VarBytes::from(original_sibling_tree_hash),
    })?;
    Ok(suite.hash(&input)?)
}

/// The `parent_hash` field a node has, if it has one to check: a parent
/// node's non-empty field, or a commit leaf's.
fn claimed_parent_hash(node: &Node) -> Option<&VarBytes> {
    match node {
        Node::Parent(p) if !p.parent_hash.as_slice().is_empty() => Some(&p.parent_hash),
        Node::Leaf(l) => match &l.leaf_node_source {
            LeafNodeSource::Commit(ph) => Some(ph),
            _ => None,
        },
        _ => None,
    }
}

/// The nearest non-blank ancestor of `x`.
fn first_nonblank_ancestor(tree: &PublicTree, x: NodeIndex) -> Option<NodeIndex> {
    let mut node = tree.size().parent(x);
    while let Some(n) = node {
        if tree.node(n).is_some() {
            return Some(n);
        }
        node = tree.size().parent(n);
    }
    None
}

/// What §7.9.2 needs to know about a parent `p` and its child `c`,
/// computed once per pair however many nodes below `c` point at `p`.
struct Link {
    /// The one node of `res(c)` that is not among `p`'s unmerged leaves,
    /// if exactly one is and every unmerged leaf of `p` below `c` is in
    /// `res(c)`: the only `d` that can be valid with respect to `p`.
    lone: Option<NodeIndex>,
    /// `p`'s copath child for `c`.
    sibling: NodeIndex,
}

fn link(tree: &PublicTree, parent: &ParentNode, c: NodeIndex, sibling: NodeIndex) -> Link {
    // d in res(c), and P.unmerged_leaves ∩ subtree(c) == res(c) \ {d}:
    // res(c) is the unmerged leaves below c plus exactly one other node.
    let unmerged: HashSet<NodeIndex> = parent
        .unmerged_leaves
        .as_slice()
        .iter()
        .filter(|&&l| tree.is_descendant(c, LeafIndex(l)))
        .filter_map(|&l| LeafIndex(l).node())
        .collect();
    let resolution = tree.resolution(c);
    let (in_unmerged, rest): (Vec<NodeIndex>, Vec<NodeIndex>) =
        resolution.into_iter().partition(|n| unmerged.contains(n));
    let lone = match rest.as_slice() {
        [only] if in_unmerged.len() == unmerged.len() => Some(*only),
        _ => None,
    };
    Link { lone, sibling }
}

/// Checks that every non-blank parent node is parent-hash valid (§7.9.2):
/// covered by exactly one parent-hash link from a node below it. Links
/// are followed bottom up, so every chain ends at a leaf.
///
/// Cost: one candidate per non-blank node, each checked with the cached
/// tree hashes (only subtrees holding unmerged leaves are re-hashed).
pub fn verify_parent_hashes(
    tree: &mut PublicTree,
    suite: &dyn CipherSuiteProvider,
) -> Result<(), Error> {
    // Fill the cache first; the checks read it.
    tree.tree_hash(suite)?;
    verify_parent_hashes_cached(tree, suite)
}

/// [`verify_parent_hashes`] on a tree whose hash cache is filled (a
/// missing entry is computed, not cached), so it can run while other
/// threads read the tree.
pub(crate) fn verify_parent_hashes_cached(
    tree: &PublicTree,
    suite: &dyn CipherSuiteProvider,
) -> Result<(), Error> {
    let width = idx(tree.size().node_width());
    let mut covered = vec![0u8; width];
    // Per (parent, child) pair: the link facts, and the parent hash once
    // computed. Each pair is worked out once, so a hostile tree whose nodes
    // all point at one parent costs O(N), not O(N^2).
    let mut links: HashMap<(NodeIndex, NodeIndex), Link> = HashMap::new();
    let mut hashes: HashMap<(NodeIndex, NodeIndex), Vec<u8>> = HashMap::new();
    for i in 0..tree.size().node_width() {
        let d = NodeIndex(i);
        let Some(claimed) = tree.node(d).and_then(claimed_parent_hash) else {
            continue;
        };
        // Only the nearest non-blank ancestor can be valid for d: a
        // non-blank node in between would be in res(c) instead of d (or,
        // being a parent, could not be an unmerged leaf).
        let Some(p) = first_nonblank_ancestor(tree, d) else {
            continue;
        };
        let (Some(parent), Some(left), Some(right)) = (
            tree.parent_node(p),
            tree.size().left(p),
            tree.size().right(p),
        ) else {
            continue;
        };
        let (c, s) = if d < p { (left, right) } else { (right, left) };
        let l = links
            .entry((p, c))
            .or_insert_with(|| link(tree, parent, c, s));
        if l.lone != Some(d) {
            continue;
        }
        let sibling = l.sibling;
        let expected = match hashes.get(&(p, c)) {
            Some(h) => h.clone(),
            None => {
                let mut excluded = parent.unmerged_leaves.as_slice().to_vec();
                excluded.sort_unstable();
                let sibling_hash = subtree_hash_excluding(tree, suite, sibling, &excluded, true)?;
                let h = parent_hash(suite, parent, &sibling_hash)?;
                hashes.insert((p, c), h.clone());
                h
            }
        };
        if expected.as_slice() == claimed.as_slice()
            && let Some(count) = covered.get_mut(idx(p.0))
        {
            *count = count.saturating_add(1);
        }
    }
    for (p, _) in tree.parents() {
        match covered.get(idx(p.0)).copied().unwrap_or(0) {
            0 => return Err(ProtocolError::ParentHashUncovered(p.0).into()),
            1 => {}
            _ => return Err(ProtocolError::ParentHashCoveredTwice(p.0).into()),
        }
    }
    Ok(())
}
