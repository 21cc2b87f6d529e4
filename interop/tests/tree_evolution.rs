//! Property test of the ratchet tree under random group evolution (RFC 9420
//! §7): adds, removes, updates and commits with UpdatePaths over groups of
//! up to 512 members. After every operation the cached tree hash equals a
//! full recomputation and every non-blank parent is parent-hash valid
//! (§7.9.2), as a joiner would check.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use interop::{SeededRand, backends};
use mls_core::CipherSuite;
use mls_core::codec::{VarBytes, VarVec, decode_exact, encode};
use mls_core::credential::Credential;
use mls_core::extensions::Extensions;
use mls_core::key_schedule::GroupContext;
use mls_core::provider::CipherSuiteProvider;
use mls_core::tree::leaf_node::{Capabilities, LeafNode, LeafNodeSource, Lifetime};
use mls_core::tree::parent_hash::verify_parent_hashes;
use mls_core::tree::public_tree::PublicTree;
use mls_core::tree::treekem::create_update_path;
use mls_core::tree::validation::{verify_unique_encryption_keys, verify_unmerged_leaves};
use mls_core::tree_math::LeafIndex;
use proptest::prelude::*;

const SUITE: CipherSuite = CipherSuite::MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519;

#[derive(Clone, Debug)]
enum Op {
    Add,
    Remove(u32),
    Update(u32),
    Commit(u32),
}

fn ops() -> impl Strategy<Value = (usize, Vec<Op>)> {
    (
        1usize..512,
        proptest::collection::vec(
            prop_oneof![
                2 => Just(Op::Add),
                2 => any::<u32>().prop_map(Op::Remove),
                1 => any::<u32>().prop_map(Op::Update),
                3 => any::<u32>().prop_map(Op::Commit),
            ],
            1..24,
        ),
    )
}

/// A leaf with a unique encryption key (signatures are not part of these
/// checks, so the leaf is unsigned).
fn leaf(suite: &dyn CipherSuiteProvider, n: u64) -> LeafNode {
    let (_, encryption_key) = suite.kem_derive_key_pair(&n.to_be_bytes()).unwrap();
    LeafNode {
        encryption_key: VarBytes::new(encryption_key),
        signature_key: VarBytes::new(n.to_be_bytes().to_vec()),
        credential: Credential::Basic {
            identity: VarBytes::new(n.to_be_bytes().to_vec()),
        },
        capabilities: Capabilities {
            versions: VarVec::new(vec![1]),
            cipher_suites: VarVec::new(vec![1]),
            extensions: VarVec::default(),
            proposals: VarVec::default(),
            credentials: VarVec::new(vec![mls_core::credential::CredentialType::BASIC]),
        },
        leaf_node_source: LeafNodeSource::KeyPackage(Lifetime {
            not_before: 0,
            not_after: u64::MAX,
        }),
        extensions: Extensions::new(),
        signature: VarBytes::default(),
    }
}

fn member(tree: &PublicTree, pick: u32) -> LeafIndex {
    let members: Vec<LeafIndex> = tree.leaves().map(|(i, _)| i).collect();
    members[pick as usize % members.len()]
}

fn check(tree: &mut PublicTree, suite: &dyn CipherSuiteProvider) -> Result<(), String> {
    let cached = tree.tree_hash(suite).unwrap();
    let full = tree.tree_hash_uncached(suite, tree.size().root()).unwrap();
    if cached != full {
        return Err("cached tree hash differs from a recomputation".into());
    }
    verify_parent_hashes(tree, suite).map_err(|e| e.to_string())?;
    verify_unmerged_leaves(tree).map_err(|e| e.to_string())?;
    verify_unique_encryption_keys(tree).map_err(|e| e.to_string())?;
    let bytes = encode(&tree.to_wire()).unwrap();
    let mut back = PublicTree::from_wire(decode_exact(&bytes).unwrap()).unwrap();
    if back.tree_hash(suite).unwrap() != cached {
        return Err("decoded tree hashes differently".into());
    }
    Ok(())
}

fn run(suite: &dyn CipherSuiteProvider, members: usize, ops: &[Op]) -> Result<(), String> {
    let rand = SeededRand::new([17; 32]);
    let signer_key = mls_core::crypto::generate_signature_key_pair(suite, &rand)
        .unwrap()
        .0;
    let signer = suite.signer(signer_key.as_bytes()).unwrap();
    let mut next = 0u64;
    let mut fresh = || {
        next += 1;
        leaf(suite, next)
    };
    let mut tree = PublicTree::new(fresh());
    for _ in 1..members {
        tree.add_leaf(fresh()).unwrap();
    }
    check(&mut tree, suite)?;
    for (step, op) in ops.iter().enumerate() {
        match op {
            Op::Add if tree.member_count() < 512 => {
                tree.add_leaf(fresh()).unwrap();
            }
            Op::Remove(i) if tree.member_count() > 1 => {
                tree.remove_leaf(member(&tree, *i)).unwrap();
            }
            Op::Update(i) => {
                let mut l = fresh();
                l.leaf_node_source = LeafNodeSource::Update;
                tree.update_leaf(member(&tree, *i), l).unwrap();
            }
            Op::Commit(i) => {
                let sender = member(&tree, *i);
                let mut context = GroupContext {
                    version: mls_core::ProtocolVersion,
                    cipher_suite: SUITE,
                    group_id: VarBytes::from(&b"g"[..]),
                    epoch: step as u64,
                    tree_hash: VarBytes::default(),
                    confirmed_transcript_hash: VarBytes::default(),
                    extensions: Extensions::new(),
                };
                let l = tree.leaf(sender).unwrap().clone();
                create_update_path(
                    &mut tree,
                    suite,
                    &rand,
                    signer.as_ref(),
                    sender,
                    l,
                    &[],
                    &mut context,
                )
                .map_err(|e| e.to_string())?;
            }
            _ => {}
        }
        check(&mut tree, suite).map_err(|e| format!("after step {step} ({op:?}): {e}"))?;
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    #[test]
    fn tree_hash_cache_and_parent_hashes_survive_any_evolution((members, ops) in ops()) {
        let b = backends::all().into_iter().find(|b| b.name == "rustcrypto").unwrap();
        let suite = b.provider.suite(SUITE).unwrap();
        let result = run(suite, members, &ops);
        prop_assert!(result.is_ok(), "{}", result.unwrap_err());
    }
}

/// The property can fail: a parent key changed behind the tree's back
/// breaks the parent-hash chain that a commit created.
#[test]
fn a_broken_chain_is_detected() {
    let b = backends::all()
        .into_iter()
        .find(|b| b.name == "rustcrypto")
        .unwrap();
    let suite = b.provider.suite(SUITE).unwrap();
    let rand = SeededRand::new([3; 32]);
    let signer_key = mls_core::crypto::generate_signature_key_pair(suite, &rand)
        .unwrap()
        .0;
    let signer = suite.signer(signer_key.as_bytes()).unwrap();
    let mut tree = PublicTree::new(leaf(suite, 1));
    for n in 2..6 {
        tree.add_leaf(leaf(suite, n)).unwrap();
    }
    let mut context = GroupContext {
        version: mls_core::ProtocolVersion,
        cipher_suite: SUITE,
        group_id: VarBytes::from(&b"g"[..]),
        epoch: 0,
        tree_hash: VarBytes::default(),
        confirmed_transcript_hash: VarBytes::default(),
        extensions: Extensions::new(),
    };
    let l = tree.leaf(LeafIndex(0)).unwrap().clone();
    create_update_path(
        &mut tree,
        suite,
        &rand,
        signer.as_ref(),
        LeafIndex(0),
        l,
        &[],
        &mut context,
    )
    .unwrap();
    check(&mut tree, suite).unwrap();
    let mut wire = tree.to_wire().into_nodes();
    if let Some(mls_core::tree::node::Node::Parent(p)) = &mut wire[3] {
        p.encryption_key = VarBytes::new(vec![1; 32]);
    }
    let mut broken = PublicTree::from_wire(mls_core::tree::node::RatchetTree::new(wire)).unwrap();
    assert!(matches!(
        verify_parent_hashes(&mut broken, suite),
        Err(mls_core::Error::Protocol(
            mls_core::ProtocolError::ParentHashUncovered(_)
        ))
    ));
}
