//! `tree-operations.json`: Add, Update and Remove applied to a tree
//! (RFC 9420 §12.1.1–§12.1.3), checked by the serialized tree and the tree
//! hash before and after.

use super::{Tally, expect_eq};
use crate::vectors::Hex;
use mls_core::codec::{decode_exact, encode};
use mls_core::group::proposal::Proposal;
use mls_core::provider::CipherSuiteProvider;
use mls_core::tree::node::RatchetTree;
use mls_core::tree::public_tree::PublicTree;
use mls_core::tree_math::LeafIndex;
use serde::Deserialize;

#[derive(Deserialize)]
pub(crate) struct Case {
    pub(crate) cipher_suite: u16,
    tree_before: Hex,
    proposal: Hex,
    proposal_sender: u32,
    tree_hash_before: Hex,
    tree_after: Hex,
    tree_hash_after: Hex,
}

fn err(e: impl std::fmt::Display) -> String {
    e.to_string()
}

fn check(c: &Case, suite: &dyn CipherSuiteProvider) -> Result<(), String> {
    let wire: RatchetTree = decode_exact(&c.tree_before).map_err(err)?;
    let mut tree = PublicTree::from_wire(wire).map_err(err)?;
    expect_eq(
        "tree_hash_before",
        &c.tree_hash_before,
        &tree.tree_hash(suite).map_err(err)?,
    )?;
    match decode_exact::<Proposal>(&c.proposal).map_err(err)? {
        Proposal::Add(add) => tree.add_leaf(add.key_package.leaf_node).map(|_| ()),
        Proposal::Update(update) => {
            tree.update_leaf(LeafIndex(c.proposal_sender), update.leaf_node)
        }
        Proposal::Remove(remove) => tree.remove_leaf(LeafIndex(remove.removed)),
        other => return Err(format!("unexpected proposal {other:?}")),
    }
    .map_err(err)?;
    let after = encode(&tree.to_wire()).map_err(err)?;
    expect_eq("tree_after", &c.tree_after, &after)?;
    let hash = tree.tree_hash(suite).map_err(err)?;
    expect_eq("tree_hash_after", &c.tree_hash_after, &hash)?;
    // The cache must agree with a full recomputation.
    let full = tree
        .tree_hash_uncached(suite, tree.size().root())
        .map_err(err)?;
    expect_eq("uncached tree hash", &hash, &full)
}

pub(crate) fn run(c: &Case, suite: &dyn CipherSuiteProvider, t: &mut Tally) {
    t.check("tree operation", check(c, suite));
}
