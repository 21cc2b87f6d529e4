//! CHECKLIST "Ratchet tree", through the public API: each broken tree is
//! sent to a joiner in a Welcome (`Group::join`) and to an external joiner
//! in a GroupInfo (`Group::join_by_external_commit`), so the rule under
//! test is the only one broken: the parent-hash chains the change does
//! not target are recomputed ([`rechain`]), changed leaves re-signed by
//! their owners, the GroupContext's tree_hash made to match the broken
//! tree, the Welcome's confirmation tag recomputed for that GroupContext,
//! and the GroupInfo re-signed ([`tampered`]). Each refused tree is
//! accepted once the library's check for its rule is switched off (tried
//! by hand on each check while writing these tests).
//!
//! This file holds the machinery and the tests on [`world`]'s tree; other
//! shapes are in `tree_shapes.rs`, the hash-collision case in
//! `tree_collision.rs`, stored trees in `tree_stored.rs`.

use super::world::{Invite, World, config, open_welcome, seal_welcome};
use interop::clients::TestProvider;
use mls_core::codec::{VarBytes, VarVec, encode};
use mls_core::crypto::generate_hpke_key_pair;
use mls_core::extensions::ExtensionBody;
use mls_core::framing::MlsMessageBody;
use mls_core::group::group_info::GroupInfo;
use mls_core::group::{Client, ExternalJoinOptions, Group, GroupConfig};
use mls_core::key_schedule::EpochSecrets;
use mls_core::key_schedule::transcript::confirmation_tag;
use mls_core::secret::Secret;
use mls_core::tree::leaf_node::{LeafNode, LeafNodeSource, LeafNodeTbsContext};
use mls_core::tree::node::{Node, RatchetTree};
use mls_core::tree::parent_hash::parent_hash;
use mls_core::tree::parent_node::ParentNode;
use mls_core::tree::public_tree::PublicTree;
use mls_core::tree_math::{LeafIndex, NodeIndex};
use mls_core::{Error, MlsMessage, ProtocolError};

/// A change to a tree in array order, with the world for its signers and
/// fresh keys.
pub(crate) type Tamper<'a> = &'a dyn Fn(&World, &mut Vec<Option<Node>>);

/// Makes the client that joins by external commit.
pub(crate) type ExternalJoiner = fn(&World) -> Client<TestProvider>;

/// The default external joiner: a new client of the world's backend.
fn zed(w: &World) -> Client<TestProvider> {
    w.new_client("zed")
}

/// A world and the unprocessed Welcome of a joiner, Eve.
pub(crate) type MakeWorld = fn() -> (World, Invite);

/// Alice, Bob and Carol (leaves 0-2); Bob commits with a path (parents 1
/// and 3); Alice adds Eve at leaf 3, unmerged at the root:
///
/// ```text
/// 0 Alice   1 P(Bob)   2 Bob (commit)   3 R [3]   4 Carol   5 _   6 Eve
/// ```
pub(crate) fn world() -> (World, Invite) {
    let mut w = World::new(3);
    w.commit_all(1, |g| g.self_update());
    let invite = w.invite("eve", |g, kp| g.add_members(&[kp]));
    (w, invite)
}

/// The tree of `nodes` as a reader sees it (trailing blanks dropped, as the
/// wire form never has them, and padded).
pub(crate) fn public(nodes: &[Option<Node>]) -> PublicTree {
    let mut nodes = nodes.to_vec();
    while matches!(nodes.last(), Some(None)) {
        nodes.pop();
    }
    PublicTree::from_wire(RatchetTree::new(nodes)).unwrap()
}

/// The tree hash (§7.8) of node `x` of `nodes`, nodes past the end blank,
/// computed here from the RFC's structs rather than by the library (which
/// refuses to build a tree that ends in a blank).
pub(crate) fn tree_hash_of(w: &World, nodes: &[Option<Node>], x: u32) -> Vec<u8> {
    let node = nodes.get(x as usize).cloned().flatten();
    let mut input = Vec::new();
    match NodeIndex(x).left().zip(NodeIndex(x).right()) {
        None => {
            // LeafNodeHashInput: node_type leaf(1), leaf_index, leaf_node.
            let l = match node {
                Some(Node::Leaf(l)) => Some(l),
                _ => None,
            };
            input.push(1);
            input.extend_from_slice(&(x / 2).to_be_bytes());
            input.extend(encode(&l).unwrap());
        }
        Some((left, right)) => {
            // ParentNodeHashInput: node_type parent(2), parent_node,
            // left_hash, right_hash.
            let p = match node {
                Some(Node::Parent(p)) => Some(p),
                _ => None,
            };
            input.push(2);
            input.extend(encode(&p).unwrap());
            input.extend(encode(&VarBytes::new(tree_hash_of(w, nodes, left.0))).unwrap());
            input.extend(encode(&VarBytes::new(tree_hash_of(w, nodes, right.0))).unwrap());
        }
    }
    w.cs().hash(&input).unwrap()
}

/// §7.9's `original_sibling_tree_hash`: the tree hash of node `x` with the
/// leaves `excluded` blanked and removed from every `unmerged_leaves`.
pub(crate) fn original_tree_hash(
    w: &World,
    nodes: &[Option<Node>],
    x: u32,
    excluded: &[u32],
) -> Vec<u8> {
    let mut nodes = nodes.to_vec();
    for &l in excluded {
        if let Some(slot) = nodes.get_mut(2 * l as usize) {
            *slot = None;
        }
    }
    for node in &mut nodes {
        if let Some(Node::Parent(p)) = node {
            let kept = p
                .unmerged_leaves
                .as_slice()
                .iter()
                .copied()
                .filter(|l| !excluded.contains(l))
                .collect();
            p.unmerged_leaves = VarVec::new(kept);
        }
    }
    tree_hash_of(w, &nodes, x)
}

/// The parent hash of parent node `p` (§7.9) as the node `from` below it
/// would carry it: with the copath child on the other side of `from`.
pub(crate) fn parent_hash_for(w: &World, nodes: &[Option<Node>], p: u32, from: u32) -> Vec<u8> {
    let x = NodeIndex(p);
    let sibling = if from < p { x.right() } else { x.left() }.unwrap();
    let Some(Node::Parent(parent)) = &nodes[p as usize] else {
        panic!("node {p} is not a parent");
    };
    let osth = original_tree_hash(w, nodes, sibling.0, parent.unmerged_leaves.as_slice());
    parent_hash(w.cs(), parent, &osth).unwrap()
}

/// The world member whose leaf index is `leaf`.
pub(crate) fn member_at(w: &World, leaf: u32) -> usize {
    (0..w.members.len())
        .find(|&i| w.members[i].group.is_some() && w.leaf(i) == leaf)
        .unwrap_or_else(|| panic!("no member at leaf {leaf}"))
}

/// Signs `l`, at leaf index `index`, again with its owner's key.
pub(crate) fn resign(w: &World, l: &mut LeafNode, index: u32) {
    let context = LeafNodeTbsContext {
        group_id: w.spy.context.group_id.as_slice(),
        leaf_index: LeafIndex(index),
    };
    l.sign(w.signer(member_at(w, index)), w.cs(), Some(context))
        .unwrap();
}

/// Sets node `x`'s parent_hash to `hash`; a leaf becomes a commit leaf,
/// signed again by its owner.
pub(crate) fn set_parent_hash(w: &World, nodes: &mut [Option<Node>], x: u32, hash: Vec<u8>) {
    match &mut nodes[x as usize] {
        Some(Node::Parent(p)) => p.parent_hash = VarBytes::new(hash),
        Some(Node::Leaf(l)) => {
            l.leaf_node_source = LeafNodeSource::Commit(VarBytes::new(hash));
            resign(w, l, x / 2);
        }
        None => panic!("node {x} is blank"),
    }
}

/// Makes `chain` (node indices, bottom up) a valid parent-hash chain (§7.9):
/// each node's parent_hash becomes the parent hash of the next one, top
/// down; the top keeps its own.
pub(crate) fn rechain(w: &World, nodes: &mut [Option<Node>], chain: &[u32]) {
    for k in (0..chain.len().saturating_sub(1)).rev() {
        let hash = parent_hash_for(w, nodes, chain[k + 1], chain[k]);
        set_parent_hash(w, nodes, chain[k], hash);
    }
}

/// A fresh HPKE public key.
pub(crate) fn fresh_key(w: &World) -> VarBytes {
    VarBytes::new(generate_hpke_key_pair(w.cs(), &w.rand()).unwrap().1)
}

/// A parent node with a fresh key, no parent hash and `unmerged` leaves.
pub(crate) fn fresh_parent(w: &World, unmerged: &[u32]) -> Option<Node> {
    Some(Node::Parent(ParentNode {
        encryption_key: fresh_key(w),
        parent_hash: VarBytes::default(),
        unmerged_leaves: VarVec::new(unmerged.to_vec()),
    }))
}

/// What becomes of the GroupContext's tree_hash when the tree is changed.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum TreeHash {
    /// Made to match the changed tree.
    Recomputed,
    /// Left as it was, matching the genuine tree.
    Genuine,
}

/// `info` with its tree changed by `tamper` and everything else made to
/// match: the GroupContext's tree_hash if `tree_hash` says so (of the tree
/// as a reader that dropped trailing blanks would see it), the confirmation tag if the
/// Welcome's `keys` (joiner secret, PSK secret) are given, and the
/// signature, by the same signer unless `tamper` blanked its leaf (then by
/// the first member whose leaf is left).
pub(crate) fn tampered(
    w: &World,
    info: &GroupInfo,
    tamper: Tamper<'_>,
    keys: Option<(&Secret, &Secret)>,
    tree_hash: TreeHash,
) -> GroupInfo {
    let cs = w.cs();
    let mut info = info.clone();
    let mut nodes = info
        .extensions
        .ratchet_tree()
        .unwrap()
        .unwrap()
        .into_nodes();
    tamper(w, &mut nodes);
    if tree_hash == TreeHash::Recomputed {
        info.group_context.tree_hash = VarBytes::new(public(&nodes).tree_hash(cs).unwrap());
    }
    let extension = RatchetTree::new(nodes.clone()).to_extension().unwrap();
    super::world::replace_ratchet_tree(&mut info, extension);
    if let Some((joiner, psk)) = keys {
        let context = info.group_context.to_bytes().unwrap();
        let secrets = EpochSecrets::derive(cs, joiner, psk, &context).unwrap();
        let tag = confirmation_tag(
            cs,
            &secrets.confirmation_key,
            info.group_context.confirmed_transcript_hash.as_slice(),
        )
        .unwrap();
        info.confirmation_tag = VarBytes::new(tag);
    }
    let present = |l: u32| matches!(nodes.get(2 * l as usize), Some(Some(_)));
    let signer = if present(info.signer) {
        member_at(w, info.signer)
    } else {
        (0..w.members.len())
            .find(|&i| w.members[i].group.is_some() && present(w.leaf(i)))
            .expect("a member left in the tree")
    };
    info.signer = w.leaf(signer);
    info.sign(w.signer(signer), cs).unwrap();
    info
}

pub(crate) fn parent(nodes: &mut [Option<Node>], x: usize) -> &mut ParentNode {
    match &mut nodes[x] {
        Some(Node::Parent(p)) => p,
        other => panic!("node {x} is not a parent: {other:?}"),
    }
}

pub(crate) fn leaf(nodes: &mut [Option<Node>], x: usize) -> &mut LeafNode {
    match &mut nodes[x] {
        Some(Node::Leaf(l)) => l,
        other => panic!("node {x} is not a leaf: {other:?}"),
    }
}

/// What a joiner makes of a GroupInfo with a changed tree.
enum Outcome {
    Refused(Box<dyn Fn(&Error) -> bool>),
    Joined,
}

/// Sends the tree of `make`'s world, changed by `tamper`, to Eve in her
/// Welcome (`Group::join`) and to a new client in a GroupInfo of the same
/// epoch (`Group::join_by_external_commit`), and checks `outcome` both
/// ways. A refused tree leaves nothing stored, and Eve's genuine Welcome
/// still joins afterwards.
fn both_ways(
    make: MakeWorld,
    external_joiner: ExternalJoiner,
    what: &str,
    group_config: GroupConfig,
    (tamper, tree_hash): (Tamper<'_>, TreeHash),
    outcome: &Outcome,
) {
    let (mut w, invite) = make();
    let cs = w.cs();
    // By Welcome.
    let opened = open_welcome(cs, &invite.welcome, &invite.known, &[]);
    let keys = Some((&opened.secrets.joiner_secret, &opened.psk_secret));
    let info = tampered(&w, &opened.info, tamper, keys, tree_hash);
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
    match (result, outcome) {
        (Err(e), Outcome::Refused(expected)) => {
            assert!(expected(&e), "{what}, by Welcome: unexpected error {e:?}");
            assert!(
                invite.client.group_ids().unwrap().is_empty(),
                "{what}, by Welcome: nothing stored"
            );
            w.finish_invite(invite);
        }
        (Ok(g), Outcome::Joined) => {
            assert_eq!(
                g.group_context().tree_hash,
                info.group_context.tree_hash,
                "{what}, by Welcome: joined the changed tree"
            );
            // Eve's KeyPackage is spent: the rest of the world goes on
            // without her.
        }
        (Err(e), Outcome::Joined) => panic!("{what}, by Welcome: refused with {e:?}"),
        (Ok(_), Outcome::Refused(_)) => panic!("{what}, by Welcome: the broken tree was accepted"),
    }
    // By external commit, with the GroupInfo of the same epoch.
    let MlsMessageBody::GroupInfo(genuine) = w.gr(0).group_info(true).unwrap().body else {
        panic!("a GroupInfo");
    };
    let zed = external_joiner(&w);
    let info = tampered(&w, &genuine, tamper, None, tree_hash);
    let result = Group::join_by_external_commit(
        &zed,
        &MlsMessage::new(MlsMessageBody::GroupInfo(info)),
        group_config,
        ExternalJoinOptions::default(),
    );
    match (result, outcome) {
        (Err(e), Outcome::Refused(expected)) => {
            assert!(
                expected(&e),
                "{what}, by external commit: unexpected error {e:?}"
            );
            assert!(
                zed.group_ids().unwrap().is_empty(),
                "{what}, by external commit: nothing stored"
            );
        }
        (Ok(_), Outcome::Joined) => {}
        (Err(e), Outcome::Joined) => panic!("{what}, by external commit: refused with {e:?}"),
        (Ok(_), Outcome::Refused(_)) => {
            panic!("{what}, by external commit: the broken tree was accepted")
        }
    }
}

/// The tree of `make`'s world changed by `tamper` is refused both ways
/// with an error `expected` accepts (see [`both_ways`]).
pub(crate) fn refused_in(
    make: MakeWorld,
    what: &str,
    group_config: GroupConfig,
    tamper: Tamper<'_>,
    expected: impl Fn(&Error) -> bool + 'static,
) {
    refused_in_by(make, zed, what, group_config, tamper, expected);
}

/// [`refused_in`] with the external joiner made by `external_joiner`.
pub(crate) fn refused_in_by(
    make: MakeWorld,
    external_joiner: ExternalJoiner,
    what: &str,
    group_config: GroupConfig,
    tamper: Tamper<'_>,
    expected: impl Fn(&Error) -> bool + 'static,
) {
    both_ways(
        make,
        external_joiner,
        what,
        group_config,
        (tamper, TreeHash::Recomputed),
        &Outcome::Refused(Box::new(expected)),
    );
}

/// The tree of `make`'s world changed by `tamper` is joined both ways: the
/// positive control of a shape whose broken variants are refused.
pub(crate) fn accepted_in(make: MakeWorld, what: &str, tamper: Tamper<'_>) {
    accepted_in_by(make, zed, what, tamper);
}

/// [`accepted_in`] with the external joiner made by `external_joiner`.
pub(crate) fn accepted_in_by(
    make: MakeWorld,
    external_joiner: ExternalJoiner,
    what: &str,
    tamper: Tamper<'_>,
) {
    both_ways(
        make,
        external_joiner,
        what,
        config(),
        (tamper, TreeHash::Recomputed),
        &Outcome::Joined,
    );
}

/// The tree of `make`'s world changed by `tamper`, with the GroupContext's
/// tree_hash left as it was (everything else re-signed and matching), is
/// refused both ways with an error `expected` accepts.
pub(crate) fn refused_with_the_genuine_tree_hash(
    make: MakeWorld,
    what: &str,
    tamper: Tamper<'_>,
    expected: impl Fn(&Error) -> bool + 'static,
) {
    both_ways(
        make,
        zed,
        what,
        config(),
        (tamper, TreeHash::Genuine),
        &Outcome::Refused(Box::new(expected)),
    );
}

/// The tree of [`world`] changed by `tamper` is refused both ways.
fn refused_both_ways(
    what: &str,
    group_config: GroupConfig,
    tamper: &dyn Fn(&mut Vec<Option<Node>>),
    expected: impl Fn(&Error) -> bool + 'static,
) {
    refused_in(world, what, group_config, &|_, n| tamper(n), expected);
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

/// CHECKLIST: "Duplicate encryption_key": Carol's leaf with Alice's
/// encryption key, re-signed by Carol, and the chain Bob -> 1 -> root
/// recomputed over the changed subtree under node 5 (so that, the key
/// check aside, the tree is valid: Eve's leaf, which the test cannot sign
/// for, is not the one changed).
#[test]
fn tree_with_a_duplicate_encryption_key() {
    refused_in(
        world,
        "two leaves with one encryption key",
        config(),
        &|w, nodes| {
            let alice = leaf(nodes, 0).encryption_key.clone();
            let carol = leaf(nodes, 4);
            carol.encryption_key = alice;
            resign(w, carol, 2);
            rechain(w, nodes, &[2, 1, 3]);
        },
        protocol!(ProtocolError::DuplicateNodeEncryptionKey(4)),
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

/// The machinery itself: recomputing the genuine chains of both worlds
/// reproduces their trees exactly (so the broken variants differ from a
/// valid tree only where they say).
#[test]
fn rechain_reproduces_the_genuine_trees() {
    let check = |make: MakeWorld, chains: &[&[u32]]| {
        let (w, invite) = make();
        let opened = open_welcome(w.cs(), &invite.welcome, &invite.known, &[]);
        let nodes = opened
            .info
            .extensions
            .ratchet_tree()
            .unwrap()
            .unwrap()
            .into_nodes();
        let mut again = nodes.clone();
        for chain in chains {
            rechain(&w, &mut again, chain);
        }
        assert_eq!(again, nodes);
        // The test's own tree hash agrees with the library's.
        let mut tree = public(&nodes);
        let root = tree.size().root().0;
        assert_eq!(
            tree_hash_of(&w, &nodes, root),
            tree.tree_hash(w.cs()).unwrap()
        );
    };
    check(world, &[&[2, 1, 3]]);
    check(
        super::tree_shapes::world_with_a_blank_parent,
        &[&[6, 5], &[0, 3]],
    );
}
