//! `tree-validation.json`: resolutions and tree hashes of every node (over
//! the tree padded to a power of two), parent hashes and leaf signatures of
//! trees as a joiner sees them (RFC 9420 §4.1.1, §7.8, §7.9.2, §7.3).
//!
//! Every leaf is validated as a joiner would (§7.3) with one check switched
//! off: the lifetime, because this file's KeyPackage leaves expired in 2024
//! (see CHECKLIST.md). The library keeps the check on by default; the
//! report row says it was off.

use super::{Tally, expect_eq};
use crate::vectors::Hex;
use mls_core::codec::decode_exact;
use mls_core::credential::AcceptAll;
use mls_core::provider::CipherSuiteProvider;
use mls_core::tree::leaf_validation::{LeafNodeValidator, LifetimeCheck};
use mls_core::tree::node::RatchetTree;
use mls_core::tree::parent_hash::verify_parent_hashes;
use mls_core::tree::public_tree::PublicTree;
use mls_core::tree::validation::{
    validate_leaves, verify_unique_encryption_keys, verify_unmerged_leaves,
};
use mls_core::tree_math::NodeIndex;
use serde::Deserialize;

#[derive(Deserialize)]
pub(crate) struct Case {
    pub(crate) cipher_suite: u16,
    tree: Hex,
    group_id: Hex,
    tree_hashes: Vec<Hex>,
    resolutions: Vec<Vec<u32>>,
}

/// What the report says about the switched-off check.
pub(crate) const LIFETIME_NOTE: &str = "lifetime check off: leaves expired in 2024";

/// Cases per tree: resolutions, tree hashes, parent hashes (with the other
/// structural checks), leaf validation.
pub(crate) const CHECKS: usize = 4;

fn err(e: impl std::fmt::Display) -> String {
    e.to_string()
}

fn resolutions(c: &Case, tree: &PublicTree) -> Result<(), String> {
    if c.resolutions.len() != tree.size().node_width() as usize {
        return Err(format!(
            "{} resolutions for a tree of {} nodes",
            c.resolutions.len(),
            tree.size().node_width()
        ));
    }
    for (i, expected) in (0u32..).zip(&c.resolutions) {
        let got: Vec<u32> = tree.resolution(NodeIndex(i)).iter().map(|n| n.0).collect();
        if &got != expected {
            return Err(format!(
                "resolution of node {i}: expected {expected:?}, got {got:?}"
            ));
        }
    }
    Ok(())
}

fn tree_hashes(
    c: &Case,
    tree: &mut PublicTree,
    suite: &dyn CipherSuiteProvider,
) -> Result<(), String> {
    let hashes = tree.all_tree_hashes(suite).map_err(err)?;
    if hashes.len() != c.tree_hashes.len() {
        return Err(format!(
            "{} tree hashes, expected {}",
            hashes.len(),
            c.tree_hashes.len()
        ));
    }
    for (i, (expected, got)) in c.tree_hashes.iter().zip(&hashes).enumerate() {
        expect_eq(&format!("tree hash of node {i}"), expected, got)?;
    }
    Ok(())
}

pub(crate) fn run(c: &Case, suite: &dyn CipherSuiteProvider, t: &mut Tally) {
    t.note(LIFETIME_NOTE);
    let tree = decode_exact::<RatchetTree>(&c.tree)
        .map_err(err)
        .and_then(|w| PublicTree::from_wire(w).map_err(err));
    let mut tree = match tree {
        Ok(tree) => tree,
        Err(why) => {
            for _ in 0..CHECKS {
                t.check("tree", Err(why.clone()));
            }
            return;
        }
    };
    t.check("resolutions", resolutions(c, &tree));
    t.check("tree hashes", tree_hashes(c, &mut tree, suite));
    t.check(
        "parent hashes",
        verify_parent_hashes(&mut tree, suite)
            .and_then(|()| verify_unmerged_leaves(&tree))
            .and_then(|()| verify_unique_encryption_keys(&tree))
            .map_err(err),
    );
    let validator =
        LeafNodeValidator::new(suite, &AcceptAll, 0).with_lifetime_check(LifetimeCheck::Skip);
    t.check(
        "leaf nodes",
        validate_leaves(&tree, &validator, &c.group_id).map_err(err),
    );
}
