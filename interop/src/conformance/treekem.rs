//! `treekem.json`: TreeKEM (RFC 9420 §7.4–§7.6). Every UpdatePath of the
//! vector merges (parent hashes checked) to the expected tree hash and
//! decrypts at every other member to the expected path and commit secrets;
//! then an UpdatePath of our own from the same sender decrypts at every
//! other member to our commit secret.

use super::{Tally, expect_eq};
use crate::vectors::Hex;
use mls_core::codec::{VarBytes, decode_exact};
use mls_core::extensions::Extensions;
use mls_core::group::commit::UpdatePath;
use mls_core::key_schedule::GroupContext;
use mls_core::provider::CipherSuiteProvider;
use mls_core::secret::{HpkePrivateKey, Secret};
use mls_core::tree::node::RatchetTree;
use mls_core::tree::public_tree::PublicTree;
use mls_core::tree::treekem::{
    TreePrivateKeys, create_update_path, decrypt_update_path, merge_update_path,
};
use mls_core::tree_math::{LeafIndex, NodeIndex};
use serde::Deserialize;

#[derive(Deserialize)]
pub(crate) struct Case {
    pub(crate) cipher_suite: u16,
    group_id: Hex,
    epoch: u64,
    confirmed_transcript_hash: Hex,
    ratchet_tree: Hex,
    leaves_private: Vec<LeafPrivate>,
    pub(crate) update_paths: Vec<PathCase>,
}

#[derive(Deserialize)]
struct LeafPrivate {
    index: u32,
    encryption_priv: Hex,
    signature_priv: Hex,
    path_secrets: Vec<NodeSecret>,
}

#[derive(Deserialize)]
struct NodeSecret {
    node: u32,
    path_secret: Hex,
}

#[derive(Deserialize)]
pub(crate) struct PathCase {
    sender: u32,
    update_path: Hex,
    path_secrets: Vec<Option<Hex>>,
    commit_secret: Hex,
    tree_hash_after: Hex,
}

/// Cases: the private state, then per UpdatePath: merge, decrypt, our own.
pub(crate) fn checks(c: &Case) -> usize {
    c.update_paths.len().saturating_mul(3).saturating_add(1)
}

fn err(e: impl std::fmt::Display) -> String {
    e.to_string()
}

fn context(c: &Case, suite: &dyn CipherSuiteProvider, tree_hash: Vec<u8>) -> GroupContext {
    GroupContext {
        version: mls_core::ProtocolVersion,
        cipher_suite: suite.cipher_suite(),
        group_id: VarBytes::from(&c.group_id[..]),
        epoch: c.epoch,
        tree_hash: VarBytes::new(tree_hash),
        confirmed_transcript_hash: VarBytes::from(&c.confirmed_transcript_hash[..]),
        extensions: Extensions::new(),
    }
}

fn private_states(
    c: &Case,
    suite: &dyn CipherSuiteProvider,
    tree: &PublicTree,
) -> Result<Vec<(LeafIndex, TreePrivateKeys)>, String> {
    let mut out = Vec::new();
    for l in &c.leaves_private {
        let leaf = LeafIndex(l.index);
        let mut keys =
            TreePrivateKeys::for_leaf(leaf, HpkePrivateKey::from_slice(&l.encryption_priv))
                .map_err(err)?;
        for s in &l.path_secrets {
            let public = keys
                .insert_path_secret(
                    suite,
                    NodeIndex(s.node),
                    &Secret::from_slice(&s.path_secret),
                )
                .map_err(err)?;
            match tree.parent_node(NodeIndex(s.node)) {
                Some(p) if p.encryption_key.as_slice() == public.as_slice() => {}
                _ => {
                    return Err(format!(
                        "leaf {}: node {} does not hold the derived key",
                        l.index, s.node
                    ));
                }
            }
        }
        if tree.leaf(leaf).is_none() {
            return Err(format!("leaf {} is blank", l.index));
        }
        out.push((leaf, keys));
    }
    Ok(out)
}

fn merge(
    c: &Case,
    p: &PathCase,
    suite: &dyn CipherSuiteProvider,
    tree: &PublicTree,
) -> Result<(PublicTree, UpdatePath), String> {
    let path: UpdatePath = decode_exact(&p.update_path).map_err(err)?;
    let mut merged = tree.clone();
    merge_update_path(&mut merged, suite, LeafIndex(p.sender), &path, &[]).map_err(err)?;
    let hash = merged.tree_hash(suite).map_err(err)?;
    expect_eq("tree_hash_after", &p.tree_hash_after, &hash)?;
    let _ = c;
    Ok((merged, path))
}

fn decrypt_all(
    c: &Case,
    p: &PathCase,
    suite: &dyn CipherSuiteProvider,
    states: &[(LeafIndex, TreePrivateKeys)],
    merged: &mut PublicTree,
    path: &UpdatePath,
) -> Result<(), String> {
    let provisional = context(c, suite, merged.tree_hash(suite).map_err(err)?);
    for (leaf, keys) in states.iter().filter(|(l, _)| l.0 != p.sender) {
        let mut keys = keys.clone();
        let out = decrypt_update_path(
            merged,
            suite,
            LeafIndex(p.sender),
            path,
            &[],
            *leaf,
            &mut keys,
            &provisional,
        )
        .map_err(|e| format!("leaf {}: {e}", leaf.0))?;
        let expected = p
            .path_secrets
            .get(leaf.0 as usize)
            .and_then(Option::as_ref)
            .ok_or(format!("no path secret for leaf {}", leaf.0))?;
        expect_eq(
            &format!("path secret at leaf {}", leaf.0),
            expected,
            out.path_secret.as_bytes(),
        )?;
        expect_eq(
            &format!("commit secret at leaf {}", leaf.0),
            &p.commit_secret,
            out.commit_secret.as_bytes(),
        )?;
    }
    Ok(())
}

fn own_path(
    c: &Case,
    p: &PathCase,
    suite: &dyn CipherSuiteProvider,
    tree: &PublicTree,
    states: &[(LeafIndex, TreePrivateKeys)],
) -> Result<(), String> {
    let sender = LeafIndex(p.sender);
    let private = c
        .leaves_private
        .iter()
        .find(|l| l.index == p.sender)
        .ok_or("no private state for the sender")?;
    let signer = suite.signer(&private.signature_priv).map_err(err)?;
    let leaf = tree.leaf(sender).ok_or("sender leaf is blank")?.clone();
    let rand = crate::SeededRand::new([11; 32]);
    let mut ours = tree.clone();
    let mut provisional = context(c, suite, Vec::new());
    let created = create_update_path(
        &mut ours,
        suite,
        &rand,
        signer.as_ref(),
        sender,
        leaf,
        &[],
        &mut provisional,
    )
    .map_err(err)?;
    for (leaf, keys) in states.iter().filter(|(l, _)| *l != sender) {
        let mut theirs = tree.clone();
        merge_update_path(&mut theirs, suite, sender, &created.update_path, &[])
            .map_err(|e| format!("leaf {} merging our path: {e}", leaf.0))?;
        let hash = theirs.tree_hash(suite).map_err(err)?;
        expect_eq(
            "tree hash after our path",
            provisional.tree_hash.as_slice(),
            &hash,
        )?;
        let mut keys = keys.clone();
        let out = decrypt_update_path(
            &theirs,
            suite,
            sender,
            &created.update_path,
            &[],
            *leaf,
            &mut keys,
            &provisional,
        )
        .map_err(|e| format!("leaf {} decrypting our path: {e}", leaf.0))?;
        expect_eq(
            &format!("our commit secret at leaf {}", leaf.0),
            created.commit_secret.as_bytes(),
            out.commit_secret.as_bytes(),
        )?;
    }
    Ok(())
}

pub(crate) fn run(c: &Case, suite: &dyn CipherSuiteProvider, t: &mut Tally) {
    let tree = decode_exact::<RatchetTree>(&c.ratchet_tree)
        .map_err(err)
        .and_then(|w| PublicTree::from_wire(w).map_err(err));
    let states = tree
        .as_ref()
        .map_err(Clone::clone)
        .and_then(|tree| private_states(c, suite, tree));
    let (tree, states) = match (tree, states) {
        (Ok(tree), Ok(states)) => {
            t.check("private state", Ok(()));
            (tree, states)
        }
        (Err(why), _) | (_, Err(why)) => {
            for _ in 0..checks(c) {
                t.check("setup", Err(why.clone()));
            }
            return;
        }
    };
    for p in &c.update_paths {
        let name = format!("path from leaf {}", p.sender);
        match merge(c, p, suite, &tree) {
            Ok((mut merged, path)) => {
                t.check(&format!("{name}: merge"), Ok(()));
                t.check(
                    &format!("{name}: decrypt"),
                    decrypt_all(c, p, suite, &states, &mut merged, &path),
                );
            }
            Err(why) => {
                t.check(&format!("{name}: merge"), Err(why.clone()));
                t.check(&format!("{name}: decrypt"), Err(why));
            }
        }
        t.check(
            &format!("{name}: own path"),
            own_path(c, p, suite, &tree, &states),
        );
    }
}
