//! Tree hashes (RFC 9420 §7.8): `TreeHashInput` for leaves and parents.
//!
//! The cache lives in [`PublicTree`]; this module computes single node
//! hashes, and subtree hashes with some leaves treated as blank (the
//! "original sibling tree hash" of §7.9).

use super::leaf_node::LeafNode;
use super::node::Node;
use super::parent_node::ParentNode;
use super::public_tree::PublicTree;
use crate::codec::{VarBytes, VarVec, encode};
use crate::error::Error;
use crate::provider::CipherSuiteProvider;
use crate::tree_math::{LeafIndex, NodeIndex};
use tls_codec::{TlsSerialize, TlsSize};

/// `TreeHashInput` with `node_type = leaf(1)` and its `LeafNodeHashInput`.
#[derive(TlsSerialize, TlsSize)]
struct LeafHashInput<'a> {
    node_type: u8,
    leaf_index: u32,
    leaf_node: Option<&'a LeafNode>,
}

/// `TreeHashInput` with `node_type = parent(2)` and its `ParentNodeHashInput`.
#[derive(TlsSerialize, TlsSize)]
struct ParentHashInput<'a> {
    node_type: u8,
    parent_node: Option<&'a ParentNode>,
    left_hash: VarBytes,
    right_hash: VarBytes,
}

/// The tree hash of a leaf (§7.8).
pub(crate) fn leaf_hash(
    suite: &dyn CipherSuiteProvider,
    leaf_index: LeafIndex,
    leaf: Option<&LeafNode>,
) -> Result<Vec<u8>, Error> {
    let input = encode(&LeafHashInput {
        node_type: 1,
        leaf_index: leaf_index.0,
        leaf_node: leaf,
    })?;
    Ok(suite.hash(&input)?)
}

/// The tree hash of a parent node from its children's hashes (§7.8).
pub(crate) fn parent_tree_hash(
    suite: &dyn CipherSuiteProvider,
    parent: Option<&ParentNode>,
    left: &[u8],
    right: &[u8],
) -> Result<Vec<u8>, Error> {
    let input = encode(&ParentHashInput {
        node_type: 2,
        parent_node: parent,
        left_hash: VarBytes::from(left),
        right_hash: VarBytes::from(right),
    })?;
    Ok(suite.hash(&input)?)
}

/// The tree hash of the subtree under `x` as if every leaf in `excluded`
/// (sorted) were blank and absent from all `unmerged_leaves` (§7.9's
/// `original_sibling_tree_hash`). With `use_cache`, subtrees holding no
/// excluded leaf take the tree's cached hash when it is fresh. Lookups in
/// `excluded` are binary searches, so a long list costs O(log) per node.
pub(crate) fn subtree_hash_excluding(
    tree: &PublicTree,
    suite: &dyn CipherSuiteProvider,
    x: NodeIndex,
    excluded: &[u32],
    use_cache: bool,
) -> Result<Vec<u8>, Error> {
    let touches = excludes_below(tree, x, excluded);
    if use_cache
        && !touches
        && let Some(h) = tree.cached_hash(x)
    {
        return Ok(h.to_vec());
    }
    let size = tree.size();
    match (size.left(x), size.right(x)) {
        (Some(l), Some(r)) => {
            let left = subtree_hash_excluding(tree, suite, l, excluded, use_cache)?;
            let right = subtree_hash_excluding(tree, suite, r, excluded, use_cache)?;
            match tree.node(x) {
                Some(Node::Parent(p)) if touches => {
                    let mut filtered = p.clone();
                    filtered.unmerged_leaves = VarVec::new(
                        p.unmerged_leaves
                            .as_slice()
                            .iter()
                            .copied()
                            .filter(|u| excluded.binary_search(u).is_err())
                            .collect(),
                    );
                    parent_tree_hash(suite, Some(&filtered), &left, &right)
                }
                _ => parent_tree_hash(suite, tree.parent_node(x), &left, &right),
            }
        }
        _ => {
            let leaf = x.leaf().ok_or(Error::Internal("leaf node index"))?;
            let node = if excluded.binary_search(&leaf.0).is_ok() {
                None
            } else {
                tree.leaf(leaf)
            };
            leaf_hash(suite, leaf, node)
        }
    }
}

/// Whether a leaf of the sorted `excluded` lies under `x`: the first entry at
/// or after the subtree's leftmost leaf is within its rightmost.
fn excludes_below(tree: &PublicTree, x: NodeIndex, excluded: &[u32]) -> bool {
    let half = (1u64 << x.level()).saturating_sub(1);
    let lo = u64::from(x.0).saturating_sub(half) / 2;
    let hi = u64::from(x.0).saturating_add(half) / 2;
    let first = excluded.partition_point(|&l| u64::from(l) < lo);
    excluded
        .get(first)
        .is_some_and(|&l| u64::from(l) <= hi && tree.is_descendant(x, LeafIndex(l)))
}
