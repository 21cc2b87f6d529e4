//! Hostile ratchet trees (RFC 9420 §7.9.2, §12.4.3.1): the ratchet-tree lines
//! of `shared/CHECKLIST.md`. Each check starts from an official vector tree
//! that passes, changes one thing, and expects the named error, on every
//! backend offering the vector's suite.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use interop::backends;
use mls_core::codec::{VarBytes, VarVec, decode_exact};
use mls_core::provider::CipherSuiteProvider;
use mls_core::tree::node::{Node, RatchetTree};
use mls_core::tree::parent_hash::verify_parent_hashes;
use mls_core::tree::public_tree::PublicTree;
use mls_core::tree::validation::{
    verify_leaf_signatures, verify_tree_hash, verify_unique_encryption_keys, verify_unmerged_leaves,
};
use mls_core::tree_math::{LeafIndex, NodeIndex};
use mls_core::{CipherSuite, Error, ProtocolError};

struct VectorTree {
    cs: CipherSuite,
    nodes: Vec<Option<Node>>,
    group_id: Vec<u8>,
}

fn vector_trees() -> Vec<VectorTree> {
    let vectors = interop::vectors::VectorDir::locate(None).unwrap_or_else(|e| panic!("{e}"));
    let cases: serde_json::Value = vectors.load("tree-validation.json").unwrap();
    cases
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let bytes = hex::decode(c["tree"].as_str().unwrap()).unwrap();
            VectorTree {
                cs: CipherSuite::try_from(c["cipher_suite"].as_u64().unwrap() as u16).unwrap(),
                nodes: decode_exact::<RatchetTree>(&bytes).unwrap().into_nodes(),
                group_id: hex::decode(c["group_id"].as_str().unwrap()).unwrap(),
            }
        })
        .collect()
}

/// Every check a joiner runs on a tree's structure.
fn validate(
    nodes: &[Option<Node>],
    suite: &dyn CipherSuiteProvider,
    group_id: &[u8],
) -> Result<(), Error> {
    let mut tree = PublicTree::from_wire(RatchetTree::new(nodes.to_vec()))?;
    verify_unmerged_leaves(&tree)?;
    verify_unique_encryption_keys(&tree)?;
    verify_parent_hashes(&mut tree, suite)?;
    verify_leaf_signatures(&tree, suite, group_id)
}

fn protocol(r: Result<(), Error>) -> ProtocolError {
    match r {
        Err(Error::Protocol(e)) => e,
        other => panic!("expected a protocol error, got {other:?}"),
    }
}

/// Runs `check` on every vector tree of suite 1 that `select` accepts, for
/// every backend; asserts it ran at least once.
fn on_trees(
    select: impl Fn(&[Option<Node>]) -> bool,
    check: impl Fn(&VectorTree, &dyn CipherSuiteProvider),
) {
    let mut ran = 0;
    for b in backends::all() {
        for t in vector_trees().iter().filter(|t| {
            t.cs == CipherSuite::MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519 && select(&t.nodes)
        }) {
            let suite = b.provider.suite(t.cs).unwrap();
            validate(&t.nodes, suite, &t.group_id).unwrap();
            check(t, suite);
            ran += 1;
        }
    }
    assert!(ran > 0, "no vector tree matched");
}

fn parents(
    nodes: &[Option<Node>],
) -> impl Iterator<Item = (usize, &mls_core::tree::parent_node::ParentNode)> {
    nodes.iter().enumerate().filter_map(|(i, n)| match n {
        Some(Node::Parent(p)) => Some((i, p)),
        _ => None,
    })
}

fn parent_mut(
    nodes: &mut [Option<Node>],
    i: usize,
) -> &mut mls_core::tree::parent_node::ParentNode {
    match &mut nodes[i] {
        Some(Node::Parent(p)) => p,
        _ => panic!("node {i} is not a parent"),
    }
}

#[test]
fn a_changed_parent_hash_breaks_the_chain() {
    on_trees(
        |n| parents(n).any(|(_, p)| !p.parent_hash.as_slice().is_empty()),
        |t, suite| {
            let mut nodes = t.nodes.clone();
            let (i, _) = parents(&nodes)
                .find(|(_, p)| !p.parent_hash.as_slice().is_empty())
                .unwrap();
            let p = parent_mut(&mut nodes, i);
            let mut ph = p.parent_hash.as_slice().to_vec();
            ph[0] ^= 1;
            p.parent_hash = VarBytes::new(ph);
            // The node above it is no longer covered by this link.
            assert!(matches!(
                protocol(validate(&nodes, suite, &t.group_id)),
                ProtocolError::ParentHashUncovered(_)
            ));
        },
    );
}

#[test]
fn a_changed_parent_key_breaks_the_chain() {
    on_trees(
        |n| parents(n).next().is_some(),
        |t, suite| {
            let mut nodes = t.nodes.clone();
            let (i, _) = parents(&nodes).next().unwrap();
            let p = parent_mut(&mut nodes, i);
            let mut key = p.encryption_key.as_slice().to_vec();
            key[0] ^= 1;
            p.encryption_key = VarBytes::new(key);
            assert_eq!(
                protocol(validate(&nodes, suite, &t.group_id)),
                ProtocolError::ParentHashUncovered(i as u32)
            );
        },
    );
}

#[test]
fn unmerged_leaves_must_be_sorted_present_and_below() {
    on_trees(
        |n| parents(n).any(|(_, p)| !p.unmerged_leaves.as_slice().is_empty()),
        |t, suite| {
            let (i, p) = parents(&t.nodes)
                .find(|(_, p)| !p.unmerged_leaves.as_slice().is_empty())
                .unwrap();
            let leaf = p.unmerged_leaves.as_slice()[0];
            // Listed twice: not strictly increasing.
            let mut nodes = t.nodes.clone();
            parent_mut(&mut nodes, i).unmerged_leaves = VarVec::new(vec![leaf, leaf]);
            assert_eq!(
                protocol(validate(&nodes, suite, &t.group_id)),
                ProtocolError::UnmergedLeavesUnsorted(i as u32)
            );
            // A non-blank leaf that is not below the parent, if there is one.
            let tree = PublicTree::from_wire(RatchetTree::new(t.nodes.clone())).unwrap();
            let x = NodeIndex(i as u32);
            if let Some((outside, _)) = tree.leaves().find(|(l, _)| !tree.is_descendant(x, *l)) {
                let mut nodes = t.nodes.clone();
                parent_mut(&mut nodes, i).unmerged_leaves = VarVec::new(vec![outside.0]);
                assert_eq!(
                    protocol(validate(&nodes, suite, &t.group_id)),
                    ProtocolError::UnmergedLeafInvalid {
                        node: i as u32,
                        leaf: outside.0
                    }
                );
            }
        },
    );
}

#[test]
fn an_unmerged_leaf_that_is_blank_is_rejected() {
    on_trees(
        |n| parents(n).any(|(_, p)| !p.unmerged_leaves.as_slice().is_empty()),
        |t, suite| {
            let (_, p) = parents(&t.nodes)
                .find(|(_, p)| !p.unmerged_leaves.as_slice().is_empty())
                .unwrap();
            let leaf = p.unmerged_leaves.as_slice()[0] as usize;
            let mut nodes = t.nodes.clone();
            nodes[leaf * 2] = None;
            while matches!(nodes.last(), Some(None)) {
                nodes.pop();
            }
            assert!(matches!(
                protocol(validate(&nodes, suite, &t.group_id)),
                ProtocolError::UnmergedLeafInvalid { leaf: l, .. } if l as usize == leaf
            ));
        },
    );
}

#[test]
fn encryption_keys_must_be_unique() {
    on_trees(
        |n| n.len() >= 3,
        |t, suite| {
            let mut nodes = t.nodes.clone();
            let Some(Node::Leaf(first)) = nodes[0].clone() else {
                panic!()
            };
            let Some(Some(Node::Leaf(second))) =
                nodes.iter_mut().skip(1).step_by(2).find(|n| n.is_some())
            else {
                return;
            };
            second.encryption_key = first.encryption_key.clone();
            assert!(matches!(
                protocol(validate(&nodes, suite, &t.group_id)),
                ProtocolError::DuplicateNodeEncryptionKey(_)
            ));
        },
    );
}

#[test]
fn a_tampered_leaf_signature_is_rejected() {
    on_trees(
        |_| true,
        |t, suite| {
            let mut nodes = t.nodes.clone();
            let Some(Node::Leaf(leaf)) = &mut nodes[0] else {
                panic!()
            };
            let mut sig = leaf.signature.as_slice().to_vec();
            sig[0] ^= 1;
            leaf.signature = VarBytes::new(sig);
            // The signature is part of the leaf's tree hash, so the full
            // validation stops at the parent-hash chain first; the leaf
            // check names the rule on its own.
            let full = validate(&nodes, suite, &t.group_id);
            assert!(
                matches!(
                    full,
                    Err(Error::Protocol(
                        ProtocolError::LeafNodeSignatureInvalid
                            | ProtocolError::ParentHashUncovered(_)
                    ))
                ),
                "{full:?}"
            );
            let tree = PublicTree::from_wire(RatchetTree::new(nodes.clone())).unwrap();
            let result = verify_leaf_signatures(&tree, suite, &t.group_id);
            assert!(
                matches!(
                    result,
                    Err(Error::Protocol(ProtocolError::LeafNodeSignatureInvalid))
                ),
                "{result:?}"
            );
        },
    );
}

#[test]
fn lifetimes_are_checked_unless_switched_off() {
    use mls_core::credential::AcceptAll;
    use mls_core::tree::leaf_validation::{LeafNodeValidator, LifetimeCheck};
    use mls_core::tree::validation::validate_leaves;
    // 2026-01-01: after the vectors' leaves expired.
    const NOW: u64 = 1_767_225_600;
    on_trees(
        |_| true,
        |t, suite| {
            let tree = PublicTree::from_wire(RatchetTree::new(t.nodes.clone())).unwrap();
            let on = LeafNodeValidator::new(suite, &AcceptAll, NOW);
            assert!(matches!(
                validate_leaves(&tree, &on, &t.group_id),
                Err(Error::Protocol(ProtocolError::LifetimeNotValid { .. }))
            ));
            let off = on.with_lifetime_check(LifetimeCheck::Skip);
            validate_leaves(&tree, &off, &t.group_id).unwrap();
        },
    );
}

#[test]
fn parallel_leaf_validation_agrees_with_sequential() {
    use mls_core::credential::AcceptAll;
    use mls_core::tree::leaf_validation::{LeafNodeValidator, LifetimeCheck};
    use mls_core::tree::validation::{validate_leaves, validate_leaves_parallel};
    on_trees(
        |n| n.len() >= 5,
        |t, suite| {
            let validator = LeafNodeValidator::new(suite, &AcceptAll, 0)
                .with_lifetime_check(LifetimeCheck::Skip);
            let tree = PublicTree::from_wire(RatchetTree::new(t.nodes.clone())).unwrap();
            validate_leaves_parallel(&tree, &validator, &t.group_id).unwrap();
            // Two bad leaves: both report the first one in tree order.
            let mut nodes = t.nodes.clone();
            let mut leaves = nodes.iter_mut().step_by(2).skip(1).flatten();
            for leaf in leaves.by_ref().take(2) {
                if let Node::Leaf(leaf) = leaf {
                    let mut sig = leaf.signature.as_slice().to_vec();
                    sig[0] ^= 1;
                    leaf.signature = VarBytes::new(sig);
                }
            }
            let tree = PublicTree::from_wire(RatchetTree::new(nodes)).unwrap();
            let sequential = validate_leaves(&tree, &validator, &t.group_id);
            assert!(matches!(
                sequential,
                Err(Error::Protocol(ProtocolError::LeafNodeSignatureInvalid))
            ));
            assert_eq!(
                validate_leaves_parallel(&tree, &validator, &t.group_id),
                sequential
            );
        },
    );
}

#[test]
fn the_tree_hash_must_match_the_group_context() {
    on_trees(
        |_| true,
        |t, suite| {
            let mut tree = PublicTree::from_wire(RatchetTree::new(t.nodes.clone())).unwrap();
            let good = tree.tree_hash(suite).unwrap();
            verify_tree_hash(&mut tree, suite, &good).unwrap();
            let mut bad = good.clone();
            bad[0] ^= 1;
            assert_eq!(
                verify_tree_hash(&mut tree, suite, &bad),
                Err(ProtocolError::TreeHashMismatch.into())
            );
            // Any change to the tree changes its hash.
            let mut nodes = t.nodes.clone();
            let Some(Node::Leaf(leaf)) = &mut nodes[0] else {
                panic!()
            };
            leaf.extensions = mls_core::extensions::Extensions::default();
            leaf.signature = VarBytes::new(vec![0]);
            let mut changed = PublicTree::from_wire(RatchetTree::new(nodes)).unwrap();
            assert_eq!(
                verify_tree_hash(&mut changed, suite, &good),
                Err(ProtocolError::TreeHashMismatch.into())
            );
        },
    );
}

#[test]
fn an_empty_parent_hash_where_one_is_required_breaks_the_chain() {
    on_trees(
        |n| parents(n).any(|(_, p)| !p.parent_hash.as_slice().is_empty()),
        |t, suite| {
            let mut nodes = t.nodes.clone();
            let (i, _) = parents(&nodes)
                .find(|(_, p)| !p.parent_hash.as_slice().is_empty())
                .unwrap();
            parent_mut(&mut nodes, i).parent_hash = VarBytes::default();
            assert!(matches!(
                protocol(validate(&nodes, suite, &t.group_id)),
                ProtocolError::ParentHashUncovered(_)
            ));
        },
    );
}

#[test]
fn a_parent_key_used_twice_is_rejected() {
    on_trees(
        |n| parents(n).count() >= 2,
        |t, suite| {
            let mut nodes = t.nodes.clone();
            let ps: Vec<(usize, VarBytes)> = parents(&nodes)
                .map(|(i, p)| (i, p.encryption_key.clone()))
                .collect();
            parent_mut(&mut nodes, ps[1].0).encryption_key = ps[0].1.clone();
            assert!(matches!(
                protocol(validate(&nodes, suite, &t.group_id)),
                ProtocolError::DuplicateNodeEncryptionKey(_)
            ));
        },
    );
}

#[test]
fn an_unmerged_leaf_missing_from_an_intermediate_node_is_rejected() {
    use mls_core::extensions::Extensions;
    use mls_core::key_schedule::GroupContext;
    use mls_core::tree::treekem::create_update_path;
    // Leaves 0-6; remove 5; leaf 4 commits (setting nodes 11 and 7, not 9,
    // whose other child is blank); a new member lands in leaf 5 and is
    // unmerged at 11 and at 7.
    for b in backends::all() {
        let suite = b
            .provider
            .suite(CipherSuite::MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519)
            .unwrap();
        let t = &vector_trees()[0];
        let Some(Node::Leaf(template)) = &t.nodes[0] else {
            panic!()
        };
        let leaf = |n: u8| {
            let mut l = template.clone();
            l.encryption_key = VarBytes::new(suite.kem_derive_key_pair(&[n; 32]).unwrap().1);
            l
        };
        let mut tree = PublicTree::new(leaf(0));
        for n in 1..7 {
            tree.add_leaf(leaf(n)).unwrap();
        }
        tree.remove_leaf(LeafIndex(5)).unwrap();
        let rand = interop::SeededRand::new([2; 32]);
        let signer = suite.signer(&[7; 32]).unwrap();
        let mut context = GroupContext {
            version: mls_core::ProtocolVersion,
            cipher_suite: suite.cipher_suite(),
            group_id: VarBytes::from(&b"g"[..]),
            epoch: 1,
            tree_hash: VarBytes::default(),
            confirmed_transcript_hash: VarBytes::default(),
            extensions: Extensions::new(),
        };
        let l4 = tree.leaf(LeafIndex(4)).unwrap().clone();
        create_update_path(
            &mut tree,
            suite,
            &rand,
            signer.as_ref(),
            LeafIndex(4),
            l4,
            &[],
            &mut context,
        )
        .unwrap();
        assert_eq!(tree.add_leaf(leaf(9)).unwrap(), LeafIndex(5));
        assert!(tree.parent_node(NodeIndex(9)).is_none());
        assert_eq!(
            tree.parent_node(NodeIndex(11))
                .unwrap()
                .unmerged_leaves
                .as_slice(),
            &[5]
        );
        assert_eq!(
            tree.parent_node(NodeIndex(7))
                .unwrap()
                .unmerged_leaves
                .as_slice(),
            &[5]
        );
        verify_unmerged_leaves(&tree).unwrap();
        let mut nodes = tree.to_wire().into_nodes();
        parent_mut(&mut nodes, 11).unmerged_leaves = VarVec::default();
        let broken = PublicTree::from_wire(RatchetTree::new(nodes)).unwrap();
        assert_eq!(
            verify_unmerged_leaves(&broken),
            Err(ProtocolError::UnmergedLeafMissing {
                node: 11,
                leaf: 5,
                parent: 7
            }
            .into())
        );
    }
}
