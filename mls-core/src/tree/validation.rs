//! Structural checks of a ratchet tree received when joining (RFC 9420
//! §12.4.3.1): unmerged leaves and unique encryption keys. Tree hash and
//! parent hashes are in [`super::parent_hash`], leaf rules in
//! `leaf_validation`.

use super::node::Node;
use super::public_tree::PublicTree;
use crate::error::{Error, ProtocolError};
use crate::provider::CipherSuiteProvider;
use crate::tree::leaf_node::LeafNodeTbsContext;
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
