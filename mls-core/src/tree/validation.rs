//! Structural checks of a ratchet tree received when joining (RFC 9420
//! §12.4.3.1): unmerged leaves and unique encryption keys. Tree hash and
//! parent hashes are in [`super::parent_hash`], leaf rules in
//! `leaf_validation`.

use super::node::Node;
use super::public_tree::PublicTree;
use crate::error::{Error, ProtocolError};
use crate::provider::CipherSuiteProvider;
use crate::tree::leaf_node::{LeafNode, LeafNodeTbsContext};
use crate::tree::leaf_validation::{ExpectedSource, LeafNodeValidator, NoOtherLeaves};
use crate::tree_math::LeafIndex;
use std::collections::HashSet;

/// §12.4.3.1: for each non-blank parent and each of its unmerged leaves,
/// the leaf is non-blank and below the parent, every non-blank node between
/// them lists it too, and the list is sorted (§7.1).
pub fn verify_unmerged_leaves(tree: &PublicTree) -> Result<(), Error> {
    for (p, parent) in tree.parents() {
        let leaves = parent.unmerged_leaves.as_slice();
        if leaves.windows(2).any(|w| matches!(w, [a, b] if a >= b)) {
            return Err(ProtocolError::UnmergedLeavesUnsorted(p.0).into());
        }
        for &leaf in leaves {
            let invalid = ProtocolError::UnmergedLeafInvalid { node: p.0, leaf };
            if !tree.is_descendant(p, LeafIndex(leaf)) || tree.leaf(LeafIndex(leaf)).is_none() {
                return Err(invalid.into());
            }
            let x = LeafIndex(leaf).node().ok_or(invalid)?;
            let mut node = tree.size().parent(x);
            while let Some(n) = node.filter(|n| *n != p) {
                if let Some(Node::Parent(between)) = tree.node(n)
                    && !between.unmerged_leaves.as_slice().contains(&leaf)
                {
                    return Err(ProtocolError::UnmergedLeafMissing {
                        node: n.0,
                        leaf,
                        parent: p.0,
                    }
                    .into());
                }
                node = tree.size().parent(n);
            }
        }
    }
    Ok(())
}

/// §12.4.3.1: no encryption key appears in two nodes of the tree.
pub fn verify_unique_encryption_keys(tree: &PublicTree) -> Result<(), Error> {
    let mut seen = HashSet::new();
    for i in 0..tree.size().node_width() {
        let x = crate::tree_math::NodeIndex(i);
        let key = match tree.node(x) {
            Some(Node::Leaf(l)) => l.encryption_key.as_slice(),
            Some(Node::Parent(p)) => p.encryption_key.as_slice(),
            None => continue,
        };
        if !seen.insert(key) {
            return Err(ProtocolError::DuplicateNodeEncryptionKey(i).into());
        }
    }
    Ok(())
}

/// Verifies every leaf's signature (§7.3), with `group_id` as the context
/// of update and commit leaves.
pub fn verify_leaf_signatures(
    tree: &PublicTree,
    suite: &dyn CipherSuiteProvider,
    group_id: &[u8],
) -> Result<(), Error> {
    for (index, leaf) in tree.leaves() {
        let context = LeafNodeTbsContext {
            group_id,
            leaf_index: index,
        };
        leaf.verify_signature(suite, Some(context))?;
    }
    Ok(())
}

/// §7.3 and §12.4.3.1: no two leaves share a signature key.
pub fn verify_unique_signature_keys(tree: &PublicTree) -> Result<(), Error> {
    let mut seen = HashSet::new();
    for (_, leaf) in tree.leaves() {
        if !seen.insert(leaf.signature_key.as_slice()) {
            return Err(ProtocolError::DuplicateSignatureKey.into());
        }
    }
    Ok(())
}

fn validate_one(
    validator: &LeafNodeValidator<'_>,
    group_id: &[u8],
    (leaf_index, leaf): (LeafIndex, &LeafNode),
) -> Result<(), Error> {
    let context = LeafNodeTbsContext {
        group_id,
        leaf_index,
    };
    // Key uniqueness is checked once for the whole tree, not per leaf.
    validator.validate(leaf, ExpectedSource::Any(context), &NoOtherLeaves)
}

/// Validates every leaf of a joined tree (§7.3, §12.4.3.1): signature keys
/// unique, then each leaf by `validator` (signature, credential,
/// capabilities, extensions, lifetime as configured). The first failing
/// leaf in tree order is reported.
pub fn validate_leaves(
    tree: &PublicTree,
    validator: &LeafNodeValidator<'_>,
    group_id: &[u8],
) -> Result<(), Error> {
    verify_unique_signature_keys(tree)?;
    tree.leaves()
        .try_for_each(|l| validate_one(validator, group_id, l))
}

/// [`validate_leaves`] with the per-leaf checks (dominated by signature
/// verification) spread over rayon's thread pool. The result is the same,
/// including which leaf is reported when several fail.
#[cfg(feature = "parallel")]
pub fn validate_leaves_parallel(
    tree: &PublicTree,
    validator: &LeafNodeValidator<'_>,
    group_id: &[u8],
) -> Result<(), Error> {
    use rayon::prelude::*;
    verify_unique_signature_keys(tree)?;
    let leaves: Vec<(LeafIndex, &LeafNode)> = tree.leaves().collect();
    let results: Vec<Result<(), Error>> = leaves
        .into_par_iter()
        .map(|l| validate_one(validator, group_id, l))
        .collect();
    results.into_iter().collect()
}

/// §12.4.3.1: the tree's hash equals the `tree_hash` the group agreed on
/// (in the GroupInfo's GroupContext).
pub fn verify_tree_hash(
    tree: &mut PublicTree,
    suite: &dyn CipherSuiteProvider,
    expected: &[u8],
) -> Result<(), Error> {
    if tree.tree_hash(suite)? != expected {
        return Err(ProtocolError::TreeHashMismatch.into());
    }
    Ok(())
}
