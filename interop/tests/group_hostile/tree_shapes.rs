//! CHECKLIST "Ratchet tree", continued: trees of other shapes (blank
//! parents on a chain, an all-blank subtree under the root, a trailing
//! blank), unmerged leaves, parent keys and empty parent hashes, sent in a
//! Welcome and in a GroupInfo through the public join API (machinery in
//! `tree.rs`). Each broken tree breaks one rule: the parent-hash chains
//! it keeps are recomputed, the leaves it changes re-signed by their
//! owners, the tree hash and confirmation tag made to match, the GroupInfo
//! re-signed.

use super::tree::{
    MakeWorld, accepted_in, fresh_key, fresh_parent, leaf, parent, rechain, refused_in,
    set_parent_hash, world,
};
use super::world::{World, config};
use mls_core::ProtocolError;
use mls_core::codec::VarVec;
use mls_core::tree::node::Node;
use mls_core::tree::parent_hash::parent_hash;

/// Alice, Bob, Carol and Dave (leaves 0-3); Dave removes Bob with a path
/// (blanking 1 and 3, setting 5 and 3); Alice commits with a path, which
/// skips the blank node 1 (its other child is blank); Alice adds Eve, who
/// lands in Bob's old leaf, unmerged at the root:
///
/// ```text
/// 0 Alice (commit)   1 _   2 Eve   3 R [1]   4 Carol   5 P(Dave)   6 Dave (commit)
/// ```
///
/// Alice's leaf is covered by no parent directly above it: her
/// parent_hash is the root's, across the blank node 1.
pub(crate) fn world_with_a_blank_parent() -> (World, super::world::Invite) {
    let mut w = World::new(4);
    w.commit_all(3, |g| g.remove_members(&[1]));
    w.commit_all(0, |g| g.self_update());
    let invite = w.invite("eve", |g, kp| g.add_members(&[kp]));
    (w, invite)
}

const BLANK: MakeWorld = world_with_a_blank_parent;

// ----- trailing blank node (§12.4.3.3) -----

/// CHECKLIST "Trailing blank node in a serialized tree": the tree of
/// [`world`] with a blank parent and a blank leaf appended (so it ends in
/// a blank leaf), and the one with only a blank parent appended. The
/// GroupContext keeps the hash of the tree without them, so a reader that
/// dropped trailing blanks would accept it. §12.4.3.3: "the array MUST
/// NOT end in a blank node"; refused while decoding, before the tree is
/// built.
#[test]
fn tree_ending_in_a_blank_node() {
    refused_in(
        world,
        "a tree ending in a blank leaf",
        config(),
        &|_, nodes| nodes.extend([None, None]),
        protocol!(ProtocolError::TrailingBlankNode),
    );
    refused_in(
        world,
        "a tree ending in a blank parent",
        config(),
        &|_, nodes| nodes.push(None),
        protocol!(ProtocolError::TrailingBlankNode),
    );
}

// ----- tree hash (§7.8, §12.4.3.1) -----

/// CHECKLIST "tree hash not equal to the GroupContext tree_hash", both
/// ways (welcome.rs has the Welcome way): Bob's commit leaf with a fresh
/// encryption key, re-signed by Bob (his parent_hash, which covers node 1,
/// does not depend on his own key), the GroupContext keeping the genuine
/// tree's hash.
#[test]
fn tree_not_matching_the_group_context_tree_hash() {
    super::tree::refused_with_the_genuine_tree_hash(
        world,
        "a tree whose hash is not the GroupContext's",
        &|w, nodes| {
            let bob = leaf(nodes, 2);
            bob.encryption_key = fresh_key(w);
            super::tree::resign(w, bob, 1);
        },
        protocol!(ProtocolError::TreeHashMismatch),
    );
}

// ----- parent-hash chains across blank parents (§7.9, §7.9.2) -----

/// CHECKLIST "Parent-hash chain broken: ... blank intermediate nodes":
/// Alice's parent_hash (re-signed by her) is the root's parent hash with
/// the copath child of her own blank parent (node 2, Eve's leaf) instead
/// of the root's (node 5): what a reader that does not skip blank parents
/// would compute. No chain covers the root.
#[test]
fn chain_across_a_blank_parent_with_the_wrong_sibling() {
    refused_in(
        BLANK,
        "a leaf's parent hash taken with the sibling below the blank parent",
        config(),
        &|w, nodes| {
            let p = parent(nodes, 3).clone();
            let wrong = super::tree::original_tree_hash(w, nodes, 2, p.unmerged_leaves.as_slice());
            set_parent_hash(w, nodes, 0, parent_hash(w.cs(), &p, &wrong).unwrap());
        },
        protocol!(ProtocolError::ParentHashUncovered(3)),
    );
}

/// CHECKLIST "Parent-hash chain broken: ... blank intermediate nodes":
/// the root's key changed (a fresh one) while Alice's leaf, across the
/// blank node 1, still carries the old root's parent hash. No chain
/// covers the root.
#[test]
fn chain_across_a_blank_parent_broken_at_the_top() {
    refused_in(
        BLANK,
        "a root that the leaf across the blank parent does not cover",
        config(),
        &|w, nodes| parent(nodes, 3).encryption_key = fresh_key(w),
        protocol!(ProtocolError::ParentHashUncovered(3)),
    );
}

// ----- an all-blank left subtree under the root (§7.9, §7.9.2) -----

/// Carol at leaf 2 is the only member in the tree besides Eve; the root's
/// left subtree is all blank; the chain Carol -> 5 -> root has the root's
/// parent hash over the tree hash of that blank subtree:
///
/// ```text
/// 0 _   1 _   2 _   3 R [3]   4 Carol (commit)   5 P [3]   6 Eve
/// ```
fn empty_left_subtree(w: &World, nodes: &mut [Option<Node>]) {
    nodes[0] = None;
    nodes[1] = None;
    nodes[2] = None;
    nodes[3] = fresh_parent(w, &[3]);
    nodes[5] = fresh_parent(w, &[3]);
    rechain(w, nodes, &[4, 5, 3]);
}

/// CHECKLIST "Parent-hash chain broken: ... empty left subtree of the
/// root", the positive control: the valid tree of that shape (§7.9's
/// original_sibling_tree_hash of an all-blank subtree is its tree hash,
/// not an empty string) joins both ways.
#[test]
fn empty_left_subtree_of_the_root_joins() {
    accepted_in(
        world,
        "an all-blank left subtree under the root",
        &|w, n| empty_left_subtree(w, n),
    );
}

/// CHECKLIST "Parent-hash chain broken: ... empty left subtree of the
/// root": node 5's parent_hash is the root's parent hash with an empty
/// original_sibling_tree_hash (a reader that treats the blank subtree as
/// having no hash), and Carol's leaf re-chained to that node 5. No chain
/// covers the root.
#[test]
fn empty_left_subtree_of_the_root_with_an_empty_sibling_hash() {
    refused_in(
        world,
        "the root's parent hash over an empty sibling hash",
        config(),
        &|w, nodes| {
            empty_left_subtree(w, nodes);
            let root = parent(nodes, 3).clone();
            set_parent_hash(w, nodes, 5, parent_hash(w.cs(), &root, &[]).unwrap());
            rechain(w, nodes, &[4, 5]);
        },
        protocol!(ProtocolError::ParentHashUncovered(3)),
    );
}

/// CHECKLIST "Parent-hash chain broken: ... empty left subtree of the
/// root": node 5's parent_hash is the root's parent hash with its own
/// side (node 5) as the sibling, the only non-blank child. No chain
/// covers the root.
#[test]
fn empty_left_subtree_of_the_root_with_the_wrong_sibling() {
    refused_in(
        world,
        "the root's parent hash over the chain's own side",
        config(),
        &|w, nodes| {
            empty_left_subtree(w, nodes);
            let root = parent(nodes, 3).clone();
            let own = super::tree::original_tree_hash(w, nodes, 5, root.unmerged_leaves.as_slice());
            set_parent_hash(w, nodes, 5, parent_hash(w.cs(), &root, &own).unwrap());
            rechain(w, nodes, &[4, 5]);
        },
        protocol!(ProtocolError::ParentHashUncovered(3)),
    );
}

// ----- empty parent hash where one is required (§7.9) -----

/// CHECKLIST "Parent-hash chain broken: empty parent_hash where one is
/// required": Bob's commit leaf (re-signed by Bob) with an empty
/// parent_hash, though his parent (node 1) is not blank. Nothing covers
/// node 1.
#[test]
fn commit_leaf_with_an_empty_parent_hash() {
    refused_in(
        world,
        "a commit leaf with an empty parent hash",
        config(),
        &|w, nodes| set_parent_hash(w, nodes, 2, Vec::new()),
        protocol!(ProtocolError::ParentHashUncovered(1)),
    );
}

/// CHECKLIST "Parent-hash chain broken: empty parent_hash where one is
/// required": Alice's commit leaf (re-signed) with an empty parent_hash,
/// though the root above the blank node 1 is not blank.
#[test]
fn commit_leaf_with_an_empty_parent_hash_across_a_blank_parent() {
    refused_in(
        BLANK,
        "a commit leaf with an empty parent hash across a blank parent",
        config(),
        &|w, nodes| set_parent_hash(w, nodes, 0, Vec::new()),
        protocol!(ProtocolError::ParentHashUncovered(3)),
    );
}

/// CHECKLIST "Parent-hash chain broken: empty parent_hash where one is
/// required": Bob's parent (node 1) with an empty parent_hash under a
/// non-blank root, and Bob's leaf re-chained to the changed node 1 (so
/// node 1 stays covered). Nothing covers the root.
#[test]
fn parent_with_an_empty_parent_hash() {
    refused_in(
        world,
        "a parent with an empty parent hash below a non-blank root",
        config(),
        &|w, nodes| {
            parent(nodes, 1).parent_hash = Default::default();
            rechain(w, nodes, &[2, 1]);
        },
        protocol!(ProtocolError::ParentHashUncovered(3)),
    );
}

// ----- unmerged leaves (§7.1, §7.9.2, §12.4.3.1) -----

/// CHECKLIST "unmerged_leaves ... naming a blank ... leaf": Carol's leaf
/// blanked and the root listing it with Eve's ([2, 3]), the chain
/// Bob -> 1 -> root recomputed over the changed sibling subtree.
#[test]
fn unmerged_leaf_that_is_blank() {
    refused_in(
        world,
        "an unmerged leaf that is blank",
        config(),
        &|w, nodes| {
            nodes[4] = None;
            parent(nodes, 3).unmerged_leaves = VarVec::new(vec![2, 3]);
            rechain(w, nodes, &[2, 1, 3]);
        },
        protocol!(ProtocolError::UnmergedLeafInvalid { node: 3, leaf: 2 }),
    );
}

/// CHECKLIST "unmerged_leaves ... naming a ... non-descendant leaf":
/// Dave's parent (node 5) lists Alice's leaf 0, which is not below it;
/// Alice's chain to the root recomputed over the changed node 5.
#[test]
fn unmerged_leaf_that_is_not_a_descendant() {
    refused_in(
        BLANK,
        "an unmerged leaf outside the node's subtree",
        config(),
        &|w, nodes| {
            parent(nodes, 5).unmerged_leaves = VarVec::new(vec![0]);
            rechain(w, nodes, &[0, 3]);
        },
        protocol!(ProtocolError::UnmergedLeafInvalid { node: 5, leaf: 0 }),
    );
}

/// CHECKLIST "unmerged_leaves ... missing from an intermediate node": the
/// root lists Dave's leaf 3 as unmerged (with Eve's leaf 1), but node 5,
/// non-blank and between them, does not; Alice's chain to the root
/// recomputed with Dave's leaf excluded from the sibling's original hash.
#[test]
fn unmerged_leaf_missing_from_an_intermediate_node() {
    refused_in(
        BLANK,
        "an unmerged leaf missing below its ancestor",
        config(),
        &|w, nodes| {
            parent(nodes, 3).unmerged_leaves = VarVec::new(vec![1, 3]);
            rechain(w, nodes, &[0, 3]);
        },
        protocol!(ProtocolError::UnmergedLeafMissing {
            node: 5,
            leaf: 3,
            parent: 3
        }),
    );
}

// ----- duplicate encryption keys among parents (§12.4.3.1) -----

/// CHECKLIST "Duplicate encryption_key among parent nodes": Bob's parent
/// (node 1) with the root's key, the chain Bob -> 1 -> root recomputed.
#[test]
fn two_parents_with_one_encryption_key() {
    refused_in(
        world,
        "a parent with another parent's key",
        config(),
        &|w, nodes| {
            parent(nodes, 1).encryption_key = parent(nodes, 3).encryption_key.clone();
            rechain(w, nodes, &[2, 1, 3]);
        },
        protocol!(ProtocolError::DuplicateNodeEncryptionKey(3)),
    );
}

/// CHECKLIST "Duplicate encryption_key among parent nodes": Bob's parent
/// (node 1) with Carol's leaf key, the chain Bob -> 1 -> root recomputed.
#[test]
fn parent_with_a_leaf_encryption_key() {
    refused_in(
        world,
        "a parent with a leaf's key",
        config(),
        &|w, nodes| {
            parent(nodes, 1).encryption_key = leaf(nodes, 4).encryption_key.clone();
            rechain(w, nodes, &[2, 1, 3]);
        },
        protocol!(ProtocolError::DuplicateNodeEncryptionKey(4)),
    );
}
