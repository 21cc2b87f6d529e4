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

/// If `d`'s parent hash is valid with respect to its nearest non-blank
/// ancestor (the only candidate, see below), that ancestor.
///
/// §7.9.2 requires `d` to be in the resolution of `p`'s child `c` on its
/// path. A non-blank node strictly between `d` and `p` would be in that
/// resolution instead (or, being a parent, could not be an unmerged leaf),
/// so only the nearest non-blank ancestor can qualify.
fn valid_parent_of(
    tree: &PublicTree,
    suite: &dyn CipherSuiteProvider,
    d: NodeIndex,
    claimed: &VarBytes,
) -> Result<Option<NodeIndex>, Error> {
    let Some(p) = first_nonblank_ancestor(tree, d) else {
        return Ok(None);
    };
    let Some(parent) = tree.parent_node(p) else {
        return Ok(None);
    };
    let size = tree.size();
    let (Some(left), Some(right)) = (size.left(p), size.right(p)) else {
        return Ok(None);
    };
    let (c, s) = if d < p { (left, right) } else { (right, left) };
    // d in res(c), and P.unmerged_leaves ∩ subtree(c) == res(c) \ {d}.
    let resolution = tree.resolution(c);
    if !resolution.contains(&d) {
        return Ok(None);
    }
    let mut rest: Vec<NodeIndex> = resolution.into_iter().filter(|n| *n != d).collect();
    let mut unmerged_below: Vec<NodeIndex> = parent
        .unmerged_leaves
        .as_slice()
        .iter()
        .filter(|&&l| tree.is_descendant(c, LeafIndex(l)))
        .filter_map(|&l| LeafIndex(l).node())
        .collect();
    rest.sort_unstable();
    unmerged_below.sort_unstable();
    if rest != unmerged_below {
        return Ok(None);
    }
    let sibling_hash =
        subtree_hash_excluding(tree, suite, s, parent.unmerged_leaves.as_slice(), true)?;
    let expected = parent_hash(suite, parent, &sibling_hash)?;
    Ok((expected.as_slice() == claimed.as_slice()).then_some(p))
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
    // Fill the cache first; the checks below read it.
    tree.tree_hash(suite)?;
    let tree = &*tree;
    let width = idx(tree.size().node_width());
    let mut covered = vec![0u8; width];
    for i in 0..tree.size().node_width() {
        let d = NodeIndex(i);
        let Some(claimed) = tree.node(d).and_then(claimed_parent_hash) else {
            continue;
        };
        if let Some(p) = valid_parent_of(tree, suite, d, claimed)?
            && let Some(c) = covered.get_mut(idx(p.0))
        {
            *c = c.saturating_add(1);
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
