//! CHECKLIST "Commit (§12.4.2, §7.5, §7.6)".

use super::world::{BACKENDS, By, Forge, PathInfo, World, by_ref, by_value};
use mls_core::ProtocolError;
use mls_core::codec::{VarBytes, encode};
use mls_core::crypto::encrypt_with_label;
use mls_core::extensions::Extensions;
use mls_core::group::commit::{Commit, HpkeCiphertextWire, UpdatePath};
use mls_core::group::proposal::{GroupContextExtensions, PreSharedKey, Proposal, Remove};
use mls_core::key_schedule::{PreSharedKeyId, ResumptionPskUsage};
use mls_core::secret::Secret;
use mls_core::tree::leaf_node::{LeafNodeSource, Lifetime};

fn path_of(commit: &mut Commit) -> &mut UpdatePath {
    commit.path.as_mut().expect("the forged commit has a path")
}

/// CHECKLIST: "Path missing where required (empty list, any Update or
/// Remove)" (§12.4); and GroupContextExtensions (§17.4 "path required").
#[test]
fn path_missing_where_required() {
    let mut w = World::new(4);
    let update = w.propose(2, |g| g.propose_update());
    let cases = [
        ("an empty commit", vec![]),
        (
            "a Remove",
            vec![by_value(Proposal::Remove(Remove { removed: 3 }))],
        ),
        ("an Update by reference", vec![by_ref(&update)]),
        (
            "a GroupContextExtensions",
            vec![by_value(Proposal::GroupContextExtensions(
                GroupContextExtensions {
                    extensions: Extensions::new(),
                },
            ))],
        ),
    ];
    for (what, list) in cases {
        let msg = w.forge_simple(1, list, false);
        w.expect_rejected(
            Some(1),
            &msg,
            &format!("{what} without a path"),
            protocol!(ProtocolError::PathRequired),
        );
    }
    // Alice commits Carol's Update.
    w.assert_recovers(0);
}

/// CHECKLIST: "path length not the filtered direct path" (§12.4.2). Bob's
/// filtered direct path in a three-member tree is nodes 1 and 3.
#[test]
fn update_path_of_wrong_length() {
    let mut w = World::new(3);
    type Tweak = fn(&mut UpdatePath);
    let tweaks: [(&str, usize, Tweak); 3] = [
        ("one node short", 1, |p| {
            let mut nodes = p.nodes.as_slice().to_vec();
            nodes.pop();
            p.nodes = nodes.into();
        }),
        ("one node too many", 3, |p| {
            let mut nodes = p.nodes.as_slice().to_vec();
            nodes.push(nodes[0].clone());
            p.nodes = nodes.into();
        }),
        ("no nodes", 0, |p| p.nodes = Vec::new().into()),
    ];
    for (what, len, tweak) in tweaks {
        let forged = w.forge(By::Member(1), path_forge(), |c, _| tweak(path_of(c)));
        w.expect_rejected(
            Some(1),
            &forged.message,
            &format!("an UpdatePath {what}"),
            protocol!(ProtocolError::UpdatePathLength { expected: 2, actual } if *actual == len),
        );
    }
    w.assert_recovers(0);
}

fn path_forge<'a>() -> Forge<'a> {
    Forge {
        path: true,
        ..Default::default()
    }
}

/// CHECKLIST: "wrong number of encrypted path secrets" (§7.6): one node's
/// ciphertexts must match its copath child's resolution.
#[test]
fn wrong_number_of_encrypted_path_secrets() {
    let mut w = World::new(3);
    for (node_position, node, extra) in [(0usize, 1u32, true), (1, 3, false), (0, 1, false)] {
        let forged = w.forge(By::Member(1), path_forge(), |c, _| {
            let path = path_of(c);
            let mut nodes = path.nodes.as_slice().to_vec();
            let mut cts = nodes[node_position]
                .encrypted_path_secret
                .as_slice()
                .to_vec();
            if extra {
                cts.push(cts[0].clone());
            } else {
                cts.clear();
            }
            nodes[node_position].encrypted_path_secret = cts.into();
            path.nodes = nodes.into();
        });
        let actual = if extra { 2 } else { 0 };
        w.expect_rejected(
            Some(1),
            &forged.message,
            &format!("node {node} with {actual} ciphertexts"),
            protocol!(ProtocolError::EncryptedPathSecretCount { node: n, expected: 1, actual: a }
                if *n == node && *a == actual),
        );
    }
    w.assert_recovers(0);
}

/// CHECKLIST: "Path leaf with the wrong source" (§7.3, §12.4.2).
#[test]
fn path_leaf_with_wrong_source() {
    let mut w = World::new(3);
    let (cs, signer) = (w.cs(), w.signer(1));
    let forged = w.forge(By::Member(1), path_forge(), |c, info: &PathInfo| {
        let leaf = &mut path_of(c).leaf_node;
        leaf.leaf_node_source = LeafNodeSource::Update;
        leaf.sign(signer, cs, Some(info.tbs())).unwrap();
    });
    let update = forged.message;
    let forged = w.forge(By::Member(1), path_forge(), |c, _| {
        let leaf = &mut path_of(c).leaf_node;
        leaf.leaf_node_source = LeafNodeSource::KeyPackage(Lifetime {
            not_before: 0,
            not_after: u64::MAX,
        });
        leaf.sign(signer, cs, None).unwrap();
    });
    let key_package = forged.message;
    w.expect_rejected(
        Some(1),
        &update,
        "path leaf with source update",
        protocol!(ProtocolError::WrongLeafNodeSource {
            found: "update",
            ..
        }),
    );
    w.expect_rejected(
        Some(1),
        &key_package,
        "path leaf with source key_package",
        protocol!(ProtocolError::WrongLeafNodeSource {
            found: "key_package",
            ..
        }),
    );
    w.assert_recovers(0);
}

/// CHECKLIST: "Path leaf with ... an unchanged encryption_key" (§12.4.2).
#[test]
fn path_leaf_keeps_encryption_key() {
    let mut w = World::new(3);
    let (cs, signer) = (w.cs(), w.signer(1));
    let old_key = w.leaf_node(1).encryption_key;
    let forged = w.forge(By::Member(1), path_forge(), |c, info| {
        let leaf = &mut path_of(c).leaf_node;
        leaf.encryption_key = old_key.clone();
        leaf.sign(signer, cs, Some(info.tbs())).unwrap();
    });
    w.expect_rejected(
        Some(1),
        &forged.message,
        "path leaf keeping the old encryption key",
        protocol!(ProtocolError::UpdateKeepsEncryptionKey),
    );
    w.assert_recovers(0);
}

/// CHECKLIST: "Path leaf with ... a bad parent_hash" (§7.9.2), on every
/// backend: one bit flipped, and an empty parent hash.
#[test]
fn path_leaf_with_bad_parent_hash_on_every_backend() {
    for backend in BACKENDS {
        let mut w = World::on(backend, 3);
        let (cs, signer) = (w.cs(), w.signer(1));
        let mut messages = Vec::new();
        for empty in [false, true] {
            let forged = w.forge(By::Member(1), path_forge(), |c, info| {
                let leaf = &mut path_of(c).leaf_node;
                let LeafNodeSource::Commit(hash) = &leaf.leaf_node_source else {
                    panic!("a commit leaf");
                };
                let mut hash = hash.as_slice().to_vec();
                if empty {
                    hash.clear();
                } else {
                    hash[0] ^= 1;
                }
                leaf.leaf_node_source = LeafNodeSource::Commit(VarBytes::new(hash));
                leaf.sign(signer, cs, Some(info.tbs())).unwrap();
            });
            messages.push((empty, forged.message));
        }
        for (empty, msg) in messages {
            w.expect_rejected(
                Some(1),
                &msg,
                &format!("{backend}: path leaf parent_hash (empty: {empty})"),
                protocol!(ProtocolError::LeafParentHashMismatch),
            );
        }
        w.assert_recovers(0);
    }
}

/// CHECKLIST (§12.4.2): a path public key already in the tree.
#[test]
fn path_key_already_in_tree() {
    let mut w = World::new(3);
    let carol_key = w.leaf_node(2).encryption_key;
    let forged = w.forge(By::Member(1), path_forge(), |c, _| {
        let path = path_of(c);
        let mut nodes = path.nodes.as_slice().to_vec();
        nodes[0].encryption_key = carol_key.clone();
        path.nodes = nodes.into();
    });
    w.expect_rejected(
        Some(1),
        &forged.message,
        "a path node reusing Carol's leaf key",
        protocol!(ProtocolError::UpdatePathKeyInUse),
    );
    w.assert_recovers(0);
}

/// CHECKLIST: "a path public key that does not match the decrypted
/// secret" (§7.5). Alice's ciphertext carries a random path secret; only
/// she can tell, so only she receives the commit.
#[test]
fn path_secret_not_matching_public_key() {
    let mut w = World::new(3);
    let cs = w.cs();
    let rand = w.rand();
    let alice_key = w.leaf_node(0).encryption_key;
    let forged = w.forge(By::Member(1), path_forge(), |c, info| {
        let context = encode(&info.encryption_context).unwrap();
        let ct = encrypt_with_label(
            cs,
            alice_key.as_slice(),
            "UpdatePathNode",
            &context,
            &[0x55; 32],
            &rand,
        )
        .unwrap();
        let path = path_of(c);
        let mut nodes = path.nodes.as_slice().to_vec();
        nodes[0].encrypted_path_secret = vec![HpkeCiphertextWire::from(ct)].into();
        path.nodes = nodes.into();
    });
    w.expect_rejected_by(
        &[0],
        &forged.message,
        "a path secret for Alice that does not derive node 1's key",
        protocol!(ProtocolError::PathPublicKeyMismatch(1)),
    );
    w.assert_recovers(0);
}

/// CHECKLIST: "a required PSK that is not available" (§12.4.2): an
/// external PSK nobody holds, and a resumption PSK of another group.
#[test]
fn required_psk_not_available() {
    let mut w = World::new(3);
    let ids = [
        PreSharedKeyId::external(b"nobody has this".to_vec(), vec![4u8; 32]),
        PreSharedKeyId::resumption(
            ResumptionPskUsage::Application,
            b"another group".to_vec(),
            1,
            vec![5u8; 32],
        ),
    ];
    for id in ids {
        let forged = w.forge(
            By::Member(1),
            Forge {
                proposals: vec![by_value(Proposal::PreSharedKey(PreSharedKey {
                    psk: id.clone(),
                }))],
                psks: vec![(id.clone(), Secret::new(vec![9u8; 32]))],
                ..Default::default()
            },
            |_, _| {},
        );
        w.expect_rejected(
            Some(1),
            &forged.message,
            &format!("a commit naming the unavailable PSK {:?}", id.psk),
            protocol!(ProtocolError::PskNotFound),
        );
    }
    w.assert_recovers(0);
}
