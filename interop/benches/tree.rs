//! Criterion benchmarks of the ratchet tree (RFC 9420 §7) at 1,000 and
//! 10,000 members, suite 1 on aws-lc (the fastest backend here; the tree
//! code is the same for all).
//!
//! | group | what is timed |
//! |---|---|
//! | `update_path_apply` | merge another member's UpdatePath (length and ciphertext counts, parent hashes, leaf parent hash), re-hash the tree, decrypt at a member and derive and check every key up the path |
//! | `tree_validate` | a joiner's checks of a whole tree from its bytes: decode, tree hash, parent hashes, unmerged leaves, unique keys, every leaf (signature, capabilities) |
//! | `tree_validate_parallel` | the same with leaf checks on rayon (`mls-core/parallel`) |
//!
//! The tree is built once per size: every member joins, then every second
//! member commits an UpdatePath, so every parent node is set and parent
//! hashes chain as in a live group. Building the 10,000-member tree takes
//! several seconds before measuring starts.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use interop::SeededRand;
use mls_core::CipherSuite;
use mls_core::codec::{VarBytes, VarVec, decode_exact, encode};
use mls_core::credential::{AcceptAll, Credential};
use mls_core::crypto::{generate_hpke_key_pair, generate_signature_key_pair};
use mls_core::extensions::Extensions;
use mls_core::key_schedule::GroupContext;
use mls_core::provider::{CipherSuiteProvider, Signer};
use mls_core::tree::leaf_node::{Capabilities, LeafNode, LeafNodeSource, Lifetime};
use mls_core::tree::leaf_validation::{LeafNodeValidator, LifetimeCheck};
use mls_core::tree::node::RatchetTree;
use mls_core::tree::parent_hash::verify_parent_hashes;
use mls_core::tree::public_tree::PublicTree;
use mls_core::tree::treekem::{
    TreePrivateKeys, create_update_path, decrypt_update_path, merge_update_path,
};
use mls_core::tree::validation::{
    validate_leaves, validate_leaves_parallel, verify_unique_encryption_keys,
    verify_unmerged_leaves,
};
use mls_core::tree_math::LeafIndex;
use std::time::Duration;

const SUITE: CipherSuite = CipherSuite::MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519;
const GROUP_ID: &[u8] = b"bench group";

struct Group {
    tree: PublicTree,
    signers: Vec<Box<dyn Signer>>,
    /// Leaf 1 never commits, so its original leaf key stays valid.
    leaf1_keys: TreePrivateKeys,
}

fn context(tree_hash: Vec<u8>) -> GroupContext {
    GroupContext {
        version: mls_core::ProtocolVersion,
        cipher_suite: SUITE,
        group_id: VarBytes::from(GROUP_ID),
        epoch: 1,
        tree_hash: VarBytes::new(tree_hash),
        confirmed_transcript_hash: VarBytes::default(),
        extensions: Extensions::new(),
    }
}

fn member_leaf(
    suite: &dyn CipherSuiteProvider,
    rand: &SeededRand,
    n: usize,
) -> (LeafNode, Box<dyn Signer>, mls_core::secret::HpkePrivateKey) {
    let (sig_priv, sig_pub) = generate_signature_key_pair(suite, rand).unwrap();
    let (enc_priv, enc_pub) = generate_hpke_key_pair(suite, rand).unwrap();
    let signer = suite.signer(sig_priv.as_bytes()).unwrap();
    let mut leaf = LeafNode {
        encryption_key: VarBytes::new(enc_pub),
        signature_key: VarBytes::new(sig_pub),
        credential: Credential::Basic {
            identity: VarBytes::new(format!("member {n}").into_bytes()),
        },
        capabilities: Capabilities {
            versions: VarVec::new(vec![1]),
            cipher_suites: VarVec::new(vec![SUITE.code()]),
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
    };
    leaf.sign(signer.as_ref(), suite, None).unwrap();
    (leaf, signer, enc_priv)
}

fn build(suite: &dyn CipherSuiteProvider, members: usize) -> Group {
    let rand = SeededRand::new([21; 32]);
    let mut signers = Vec::with_capacity(members);
    let mut tree = None::<PublicTree>;
    let mut leaf1_keys = None;
    for n in 0..members {
        let (leaf, signer, enc_priv) = member_leaf(suite, &rand, n);
        signers.push(signer);
        match tree.as_mut() {
            None => tree = Some(PublicTree::new(leaf)),
            Some(t) => {
                let index = t.add_leaf(leaf).unwrap();
                if index == LeafIndex(1) {
                    leaf1_keys = Some(TreePrivateKeys::for_leaf(index, enc_priv).unwrap());
                }
            }
        }
    }
    let mut tree = tree.unwrap();
    // Every second member commits, in bit-reversed order so early commits
    // do not all overwrite the same upper nodes.
    let pairs = members / 2;
    let bits = usize::BITS - pairs.max(1).leading_zeros();
    let mut order: Vec<usize> = (0..pairs).collect();
    order.sort_by_key(|k| k.reverse_bits() >> (usize::BITS - bits));
    for k in order {
        let sender = LeafIndex((2 * k) as u32);
        let leaf = tree.leaf(sender).unwrap().clone();
        let mut provisional = context(Vec::new());
        create_update_path(
            &mut tree,
            suite,
            &rand,
            signers[2 * k].as_ref(),
            sender,
            leaf,
            &[],
            &mut provisional,
        )
        .unwrap();
    }
    Group {
        tree,
        signers,
        leaf1_keys: leaf1_keys.unwrap(),
    }
}

fn trees(c: &mut Criterion) {
    let backend = interop::backends::all()
        .into_iter()
        .find(|b| b.name == "aws-lc")
        .unwrap();
    let suite = backend.provider.suite(SUITE).unwrap();
    for members in [1_000usize, 10_000] {
        let mut group = build(suite, members);
        group.tree.tree_hash(suite).unwrap();
        let id = || BenchmarkId::from_parameter(members);

        // One UpdatePath from leaf 0, created once; leaf 1 decrypts it.
        let sender = LeafIndex(0);
        let mut ours = group.tree.clone();
        let mut provisional = context(Vec::new());
        let leaf = ours.leaf(sender).unwrap().clone();
        let rand = SeededRand::new([5; 32]);
        let created = create_update_path(
            &mut ours,
            suite,
            &rand,
            group.signers[0].as_ref(),
            sender,
            leaf,
            &[],
            &mut provisional,
        )
        .unwrap();
        let path = created.update_path;
        let mut g = c.benchmark_group("update_path_apply");
        g.sample_size(20);
        // The same path is merged into the same tree again and again: each
        // merge does the full work (blank the path, set every node, check the
        // leaf's parent hash, re-hash the path) and leaves the tree as the
        // first did. Cloning a 10,000-member tree per iteration instead would
        // measure the allocator, not the merge.
        let mut tree = group.tree.clone();
        g.bench_function(id(), |b| {
            b.iter(|| {
                merge_update_path(&mut tree, suite, sender, &path, &[]).unwrap();
                let hash = tree.tree_hash(suite).unwrap();
                assert_eq!(hash, provisional.tree_hash.as_slice());
                let mut keys = group.leaf1_keys.clone();
                decrypt_update_path(
                    &tree,
                    suite,
                    sender,
                    &path,
                    &[],
                    LeafIndex(1),
                    &mut keys,
                    &provisional,
                )
                .unwrap()
            })
        });
        g.finish();
        let bytes = encode(&group.tree.to_wire()).unwrap();
        let validator =
            LeafNodeValidator::new(suite, &AcceptAll, 0).with_lifetime_check(LifetimeCheck::Skip);
        let join = |parallel: bool| {
            let mut tree =
                PublicTree::from_wire(decode_exact::<RatchetTree>(&bytes).unwrap()).unwrap();
            tree.tree_hash(suite).unwrap();
            verify_parent_hashes(&mut tree, suite).unwrap();
            verify_unmerged_leaves(&tree).unwrap();
            verify_unique_encryption_keys(&tree).unwrap();
            if parallel {
                validate_leaves_parallel(&tree, &validator, GROUP_ID).unwrap();
            } else {
                validate_leaves(&tree, &validator, GROUP_ID).unwrap();
            }
        };
        for (name, parallel) in [("tree_validate", false), ("tree_validate_parallel", true)] {
            let mut g = c.benchmark_group(name);
            g.sample_size(10);
            g.bench_function(id(), |b| b.iter(|| join(parallel)));
            g.finish();
        }
    }
}

fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3))
        .without_plots()
}

criterion_group! {
    name = benches;
    config = config();
    targets = trees
}
criterion_main!(benches);
