//! Hostile UpdatePaths (RFC 9420 §7.5, §7.6, §12.4.2): the path lines of
//! `shared/CHECKLIST.md`, on the official treekem vector trees and every
//! backend offering suite 1. Each expects its named error.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use interop::{SeededRand, backends};
use mls_core::codec::{VarBytes, VarVec, decode_exact};
use mls_core::extensions::Extensions;
use mls_core::group::commit::UpdatePath;
use mls_core::key_schedule::GroupContext;
use mls_core::provider::CipherSuiteProvider;
use mls_core::secret::HpkePrivateKey;
use mls_core::tree::leaf_node::LeafNodeSource;
use mls_core::tree::node::{Node, RatchetTree};
use mls_core::tree::public_tree::PublicTree;
use mls_core::tree::treekem::{
    TreePrivateKeys, create_update_path, decrypt_update_path, merge_update_path,
};
use mls_core::tree_math::LeafIndex;
use mls_core::{CipherSuite, Error, ProtocolError};

type Member = (LeafIndex, Vec<u8>, Vec<u8>, Vec<(u32, Vec<u8>)>);

/// A member's private keys: leaf key and the path secrets it holds.
fn keys_of(suite: &dyn CipherSuiteProvider, m: &Member) -> TreePrivateKeys {
    let mut keys = TreePrivateKeys::for_leaf(m.0, HpkePrivateKey::from_slice(&m.1)).unwrap();
    for (node, secret) in &m.3 {
        keys.insert_path_secret(
            suite,
            mls_core::tree_math::NodeIndex(*node),
            &mls_core::secret::Secret::from_slice(secret),
        )
        .unwrap();
    }
    keys
}

struct Fixture {
    tree: PublicTree,
    /// (leaf, encryption_priv, signature_priv, path secrets by node)
    leaves: Vec<Member>,
    context: GroupContext,
}

const SUITE: CipherSuite = CipherSuite::MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519;

/// The largest suite-1 treekem vector tree.
fn fixture() -> Fixture {
    let vectors = interop::vectors::VectorDir::locate(None).unwrap_or_else(|e| panic!("{e}"));
    let cases: serde_json::Value = vectors.load("treekem.json").unwrap();
    let h = |v: &serde_json::Value| hex::decode(v.as_str().unwrap()).unwrap();
    let c = cases
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["cipher_suite"] == 1)
        .max_by_key(|c| c["leaves_private"].as_array().unwrap().len())
        .unwrap();
    let tree = PublicTree::from_wire(decode_exact::<RatchetTree>(&h(&c["ratchet_tree"])).unwrap())
        .unwrap();
    let leaves = c["leaves_private"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                LeafIndex(l["index"].as_u64().unwrap() as u32),
                h(&l["encryption_priv"]),
                h(&l["signature_priv"]),
                l["path_secrets"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|s| (s["node"].as_u64().unwrap() as u32, h(&s["path_secret"])))
                    .collect(),
            )
        })
        .collect();
    let context = GroupContext {
        version: mls_core::ProtocolVersion,
        cipher_suite: SUITE,
        group_id: VarBytes::new(h(&c["group_id"])),
        epoch: c["epoch"].as_u64().unwrap(),
        tree_hash: VarBytes::default(),
        confirmed_transcript_hash: VarBytes::new(h(&c["confirmed_transcript_hash"])),
        extensions: Extensions::new(),
    };
    Fixture {
        tree,
        leaves,
        context,
    }
}

fn on_backends(check: impl Fn(&dyn CipherSuiteProvider, &Fixture)) {
    let f = fixture();
    assert!(
        f.leaves.len() >= 3,
        "fixture needs three members without path secrets"
    );
    for b in backends::all() {
        check(b.provider.suite(SUITE).unwrap(), &f);
    }
}

/// The first member creates a path; returns it with the provisional context.
fn created(
    suite: &dyn CipherSuiteProvider,
    f: &Fixture,
    excluded: &[LeafIndex],
) -> (UpdatePath, GroupContext) {
    let (sender, _, sig, _) = &f.leaves[0];
    let signer = suite.signer(sig).unwrap();
    let mut tree = f.tree.clone();
    let mut context = f.context.clone();
    let leaf = tree.leaf(*sender).unwrap().clone();
    let out = create_update_path(
        &mut tree,
        suite,
        &SeededRand::new([1; 32]),
        signer.as_ref(),
        *sender,
        leaf,
        excluded,
        &mut context,
    )
    .unwrap();
    (out.update_path, context)
}

fn protocol(r: Result<(), Error>) -> ProtocolError {
    match r {
        Err(Error::Protocol(e)) => e,
        other => panic!("expected a protocol error, got {other:?}"),
    }
}

fn merge(
    suite: &dyn CipherSuiteProvider,
    f: &Fixture,
    path: &UpdatePath,
    excluded: &[LeafIndex],
) -> Result<(), Error> {
    let mut tree = f.tree.clone();
    let result = merge_update_path(&mut tree, suite, f.leaves[0].0, path, excluded);
    if result.is_err() {
        // A rejected path leaves the tree as it was.
        assert_eq!(tree.to_wire(), f.tree.to_wire());
    }
    result
}

#[test]
fn our_path_merges_and_decrypts_at_every_member() {
    on_backends(|suite, f| {
        let (path, context) = created(suite, f, &[]);
        let mut tree = f.tree.clone();
        merge_update_path(&mut tree, suite, f.leaves[0].0, &path, &[]).unwrap();
        assert_eq!(tree.tree_hash(suite).unwrap(), context.tree_hash.as_slice());
        let mut secrets = Vec::new();
        for m in &f.leaves[1..] {
            let leaf = &m.0;
            let mut keys = keys_of(suite, m);
            let out = decrypt_update_path(
                &tree,
                suite,
                f.leaves[0].0,
                &path,
                &[],
                *leaf,
                &mut keys,
                &context,
            )
            .unwrap();
            secrets.push(out.commit_secret);
        }
        assert!(secrets.windows(2).all(|w| w[0] == w[1]));
    });
}

#[test]
fn path_length_must_match_the_filtered_direct_path() {
    on_backends(|suite, f| {
        let (path, _) = created(suite, f, &[]);
        let mut short = path.clone();
        let mut nodes = short.nodes.into_vec();
        let expected = nodes.len();
        nodes.pop();
        short.nodes = VarVec::new(nodes);
        assert_eq!(
            protocol(merge(suite, f, &short, &[])),
            ProtocolError::UpdatePathLength {
                expected,
                actual: expected - 1
            }
        );
        let mut empty = path;
        empty.nodes = VarVec::default();
        assert!(matches!(
            protocol(merge(suite, f, &empty, &[])),
            ProtocolError::UpdatePathLength { actual: 0, .. }
        ));
    });
}

#[test]
fn ciphertext_count_must_match_the_resolution() {
    on_backends(|suite, f| {
        let (path, _) = created(suite, f, &[]);
        let mut extra = path.clone();
        let mut nodes = extra.nodes.into_vec();
        let mut cts = nodes[0].encrypted_path_secret.clone().into_vec();
        cts.push(cts[0].clone());
        nodes[0].encrypted_path_secret = VarVec::new(cts);
        extra.nodes = VarVec::new(nodes);
        assert!(matches!(
            protocol(merge(suite, f, &extra, &[])),
            ProtocolError::EncryptedPathSecretCount { .. }
        ));
        // Excluding a member as a joiner changes the count the path must have.
        let joiner = f.leaves[1].0;
        assert!(matches!(
            protocol(merge(suite, f, &path, &[joiner])),
            ProtocolError::EncryptedPathSecretCount { .. }
        ));
    });
}

#[test]
fn the_leaf_parent_hash_and_source_are_checked() {
    on_backends(|suite, f| {
        let (path, _) = created(suite, f, &[]);
        let mut wrong = path.clone();
        wrong.leaf_node.leaf_node_source = LeafNodeSource::Commit(VarBytes::new(vec![0; 32]));
        assert_eq!(
            protocol(merge(suite, f, &wrong, &[])),
            ProtocolError::LeafParentHashMismatch
        );
        let mut key = path.clone();
        let mut nodes = key.nodes.into_vec();
        nodes[0].encryption_key = VarBytes::new(vec![7; 32]);
        key.nodes = VarVec::new(nodes);
        assert_eq!(
            protocol(merge(suite, f, &key, &[])),
            ProtocolError::LeafParentHashMismatch
        );
        let mut source = path;
        source.leaf_node.leaf_node_source = LeafNodeSource::Update;
        assert!(matches!(
            protocol(merge(suite, f, &source, &[])),
            ProtocolError::WrongLeafNodeSource { .. }
        ));
    });
}

#[test]
fn a_key_that_does_not_match_the_path_secret_is_rejected() {
    on_backends(|suite, f| {
        let (path, context) = created(suite, f, &[]);
        let mut tree = f.tree.clone();
        merge_update_path(&mut tree, suite, f.leaves[0].0, &path, &[]).unwrap();
        // Replace the root's key after merging: the derived key differs.
        let root = tree.size().root();
        let mut node = tree.parent_node(root).unwrap().clone();
        node.encryption_key = VarBytes::new(vec![9; 32]);
        let mut wire = tree.to_wire().into_nodes();
        wire[root.0 as usize] = Some(Node::Parent(node));
        let tampered = PublicTree::from_wire(RatchetTree::new(wire)).unwrap();
        let leaf = &f.leaves[1].0;
        let mut keys = keys_of(suite, &f.leaves[1]);
        let before = keys.clone();
        let r = decrypt_update_path(
            &tampered,
            suite,
            f.leaves[0].0,
            &path,
            &[],
            *leaf,
            &mut keys,
            &context,
        );
        assert!(
            matches!(r, Err(Error::Protocol(ProtocolError::PathPublicKeyMismatch(n))) if n == root.0)
        );
        assert_eq!(keys, before, "keys must not change on a rejected path");
    });
}

#[test]
fn excluded_joiners_get_nothing_and_others_still_decrypt() {
    on_backends(|suite, f| {
        let joiner = f.leaves[2].0;
        let (path, context) = created(suite, f, &[joiner]);
        let mut tree = f.tree.clone();
        merge_update_path(&mut tree, suite, f.leaves[0].0, &path, &[joiner]).unwrap();
        let leaf = &f.leaves[1].0;
        let mut keys = keys_of(suite, &f.leaves[1]);
        decrypt_update_path(
            &tree,
            suite,
            f.leaves[0].0,
            &path,
            &[joiner],
            *leaf,
            &mut keys,
            &context,
        )
        .unwrap();
        // The joiner holds only its leaf key: it was added in this commit.
        let (_, enc, _, _) = &f.leaves[2];
        let mut keys = TreePrivateKeys::for_leaf(joiner, HpkePrivateKey::from_slice(enc)).unwrap();
        let r = decrypt_update_path(
            &tree,
            suite,
            f.leaves[0].0,
            &path,
            &[joiner],
            joiner,
            &mut keys,
            &context,
        );
        assert!(
            matches!(r, Err(Error::Protocol(ProtocolError::NoPathSecretForUs))),
            "{r:?}"
        );
    });
}

#[test]
fn a_welcome_path_secret_gives_the_keys_above_it() {
    use mls_core::tree::treekem::keys_from_path_secret;
    on_backends(|suite, f| {
        let (sender, _, sig, _) = &f.leaves[0];
        let signer = suite.signer(sig).unwrap();
        let mut tree = f.tree.clone();
        let mut context = f.context.clone();
        let leaf = tree.leaf(*sender).unwrap().clone();
        let created = create_update_path(
            &mut tree,
            suite,
            &SeededRand::new([4; 32]),
            signer.as_ref(),
            *sender,
            leaf,
            &[],
            &mut context,
        )
        .unwrap();
        // As a joiner would get it: the path secret of the lowest common
        // ancestor of the committer and the member, here the root.
        let (root, secret) = created.path_secrets.last().unwrap();
        let mut keys = TreePrivateKeys::default();
        keys_from_path_secret(&tree, suite, *root, secret.clone(), &mut keys).unwrap();
        assert_eq!(keys.nodes().collect::<Vec<_>>(), vec![*root]);
        // The lowest node: every key of the path above it.
        let (lowest, secret) = &created.path_secrets[0];
        let mut keys = TreePrivateKeys::default();
        keys_from_path_secret(&tree, suite, *lowest, secret.clone(), &mut keys).unwrap();
        assert_eq!(keys.nodes().count(), created.path_secrets.len());
        // A wrong secret is caught by the public-key check.
        let wrong = mls_core::secret::Secret::new(vec![0; suite.hash_len()]);
        let r = keys_from_path_secret(&tree, suite, *root, wrong, &mut TreePrivateKeys::default());
        assert!(
            matches!(r, Err(Error::Protocol(ProtocolError::PathPublicKeyMismatch(n))) if n == root.0)
        );
    });
}
