//! CHECKLIST "Ratchet tree", through the public API: each broken tree is
//! sent to a joiner in a Welcome (`Group::join`) and to an external joiner
//! in a GroupInfo (`Group::join_by_external_commit`), with the GroupContext's
//! tree_hash made to match the broken tree and the GroupInfo re-signed by
//! its signer, so the rule under test is the first one broken.
//!
//! The tree: Alice, Bob and Carol (leaves 0-2), Bob committed with a path
//! (parents 1 and 3 on his direct path), then Eve was added at leaf 3,
//! unmerged at the root (node 3).

use super::world::{Invite, World, config, open_welcome, seal_welcome};
use mls_core::codec::{VarBytes, VarVec};
use mls_core::extensions::ExtensionBody;
use mls_core::framing::MlsMessageBody;
use mls_core::group::group_info::GroupInfo;
use mls_core::group::{ExternalJoinOptions, Group, GroupConfig};
use mls_core::tree::node::{Node, RatchetTree};
use mls_core::tree::public_tree::PublicTree;
use mls_core::{Error, MlsMessage, ProtocolError};

fn world() -> (World, Invite) {
    let mut w = World::new(3);
    w.commit_all(1, |g| g.self_update());
    let invite = w.invite("eve", |g, kp| g.add_members(&[kp]));
    (w, invite)
}

/// `info` with its tree changed by `tamper`, the tree hash updated and the
/// signature made again by member 0 (the signer of both GroupInfos).
fn tampered(w: &World, info: &GroupInfo, tamper: &dyn Fn(&mut Vec<Option<Node>>)) -> GroupInfo {
    let cs = w.cs();
    let mut info = info.clone();
    let mut nodes = info
        .extensions
        .ratchet_tree()
        .unwrap()
        .unwrap()
        .into_nodes();
    tamper(&mut nodes);
    let tree = RatchetTree::new(nodes);
    let mut public = PublicTree::from_wire(tree.clone()).unwrap();
    info.group_context.tree_hash = VarBytes::new(public.tree_hash(cs).unwrap());
    let extension = tree.to_extension().unwrap();
    super::world::replace_ratchet_tree(&mut info, extension);
    assert_eq!(info.signer, w.leaf(0));
    info.sign(w.signer(0), cs).unwrap();
    info
}

fn parent(nodes: &mut [Option<Node>], x: usize) -> &mut mls_core::tree::parent_node::ParentNode {
    match &mut nodes[x] {
        Some(Node::Parent(p)) => p,
        other => panic!("node {x} is not a parent: {other:?}"),
    }
}

fn leaf(nodes: &mut [Option<Node>], x: usize) -> &mut mls_core::tree::leaf_node::LeafNode {
    match &mut nodes[x] {
        Some(Node::Leaf(l)) => l,
        other => panic!("node {x} is not a leaf: {other:?}"),
    }
}

/// The broken tree is refused with `expected` by a Welcome joiner and by
/// an external joiner, under `config`; the genuine ones still join.
fn refused_both_ways(
    what: &str,
    group_config: GroupConfig,
    tamper: &dyn Fn(&mut Vec<Option<Node>>),
    expected: impl Fn(&Error) -> bool,
) {
    let (mut w, invite) = world();
    let cs = w.cs();
    // By Welcome.
    let opened = open_welcome(cs, &invite.welcome, &invite.known, &[]);
    let info = tampered(&w, &opened.info, tamper);
    let welcome = seal_welcome(
        cs,
        &w.rand(),
        &info,
        &opened.secrets.joiner_secret,
        &opened.psk_secret,
        &invite.known.kp,
        &opened.secrets,
    );
    let result = Group::join(
        &invite.client,
        &MlsMessage::new(MlsMessageBody::Welcome(welcome)),
        group_config.clone(),
    );
    match result {
        Err(e) => assert!(expected(&e), "{what}, by Welcome: unexpected error {e:?}"),
        Ok(_) => panic!("{what}, by Welcome: the broken tree was accepted"),
    }
    w.finish_invite(invite);
    // By external commit, with the GroupInfo of the same epoch.
    let MlsMessageBody::GroupInfo(genuine) = w.gr(0).group_info(true).unwrap().body else {
        panic!("a GroupInfo");
    };
    let zed = w.new_client("zed");
    let info = tampered(&w, &genuine, tamper);
    let result = Group::join_by_external_commit(
        &zed,
        &MlsMessage::new(MlsMessageBody::GroupInfo(info)),
        group_config,
        ExternalJoinOptions::default(),
    );
    match result {
        Err(e) => assert!(
            expected(&e),
            "{what}, by external commit: unexpected error {e:?}"
        ),
        Ok(_) => panic!("{what}, by external commit: the broken tree was accepted"),
    }
    assert!(
        zed.group_ids().unwrap().is_empty(),
        "{what}: nothing stored"
    );
}

/// CHECKLIST: "Parent-hash chain broken": Bob's parent (node 1) with
/// another parent_hash, so no chain covers it.
#[test]
fn tree_with_a_broken_parent_hash_chain() {
    refused_both_ways(
        "a parent no chain covers",
        config(),
        &|nodes| {
            parent(nodes, 1).parent_hash = VarBytes::new(vec![0x42; 32]);
        },
        protocol!(ProtocolError::ParentHashUncovered(1)),
    );
}

/// CHECKLIST: "unmerged_leaves unsorted": the root lists Eve's leaf
/// twice (not strictly increasing; the set of leaves, and so the parent
/// hashes, unchanged).
#[test]
fn tree_with_unsorted_unmerged_leaves() {
    refused_both_ways(
        "unmerged leaves not strictly increasing",
        config(),
        &|nodes| {
            parent(nodes, 3).unmerged_leaves = VarVec::new(vec![3, 3]);
        },
        protocol!(ProtocolError::UnmergedLeavesUnsorted(3)),
    );
}

/// CHECKLIST: "Duplicate encryption_key": Eve's leaf (unmerged at the
/// root, so outside every parent hash) with Alice's encryption key.
#[test]
fn tree_with_a_duplicate_encryption_key() {
    refused_both_ways(
        "two nodes with one encryption key",
        config(),
        &|nodes| {
            let alice = leaf(nodes, 0).encryption_key.clone();
            leaf(nodes, 6).encryption_key = alice;
        },
        protocol!(ProtocolError::DuplicateNodeEncryptionKey(_)),
    );
}

/// CHECKLIST "LeafNode": "Bad signature", on a leaf of the tree to join.
#[test]
fn tree_with_a_bad_leaf_signature() {
    refused_both_ways(
        "a leaf whose signature does not verify",
        config(),
        &|nodes| {
            let l = leaf(nodes, 6);
            let mut signature = l.signature.as_slice().to_vec();
            signature[0] ^= 1;
            l.signature = VarBytes::new(signature);
        },
        protocol!(ProtocolError::LeafNodeSignatureInvalid),
    );
}

/// CHECKLIST: "more leaves than ... the configured maximum allows".
#[test]
fn tree_over_the_configured_maximum() {
    refused_both_ways(
        "a tree wider than max_leaves",
        GroupConfig {
            max_leaves: 2,
            ..config()
        },
        &|_| {},
        protocol!(ProtocolError::TooManyMembers(2)),
    );
}
