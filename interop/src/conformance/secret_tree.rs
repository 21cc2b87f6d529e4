//! `secret-tree.json`: sender-data keys (RFC 9420 §6.3.2) and the per-leaf
//! handshake and application ratchets of the secret tree (§9). One case for
//! the sender data and one per leaf.

use super::{Tally, expect_eq};
use crate::vectors::Hex;
use mls_core::framing::sender_data_key_nonce;
use mls_core::provider::CipherSuiteProvider;
use mls_core::secret::Secret;
use mls_core::secret_tree::{OutOfOrderPolicy, RatchetKind, SecretTree};
use mls_core::tree_math::{LeafIndex, TreeSize};
use serde::Deserialize;

#[derive(Deserialize)]
pub(crate) struct Case {
    pub(crate) cipher_suite: u16,
    sender_data: SenderData,
    encryption_secret: Hex,
    pub(crate) leaves: Vec<Vec<Generation>>,
}

#[derive(Deserialize)]
struct SenderData {
    sender_data_secret: Hex,
    ciphertext: Hex,
    key: Hex,
    nonce: Hex,
}

#[derive(Deserialize)]
pub(crate) struct Generation {
    generation: u32,
    handshake_key: Hex,
    handshake_nonce: Hex,
    application_key: Hex,
    application_nonce: Hex,
}

/// Cases per entry: the sender data, then one per leaf.
pub(crate) fn checks(c: &Case) -> usize {
    c.leaves.len().saturating_add(1)
}

fn err(e: impl std::fmt::Display) -> String {
    e.to_string()
}

fn check_leaf(
    suite: &dyn CipherSuiteProvider,
    tree: &mut SecretTree,
    leaf: LeafIndex,
    generations: &[Generation],
) -> Result<(), String> {
    for g in generations {
        for (kind, key, nonce) in [
            (RatchetKind::Handshake, &g.handshake_key, &g.handshake_nonce),
            (
                RatchetKind::Application,
                &g.application_key,
                &g.application_nonce,
            ),
        ] {
            let (k, pending) = tree
                .key_for_receiving(suite, leaf, kind, g.generation)
                .map_err(err)?;
            tree.commit_received(pending).map_err(err)?;
            let what = format!("{} generation {}", kind.name(), g.generation);
            expect_eq(&format!("{what} key"), key, k.key.as_bytes())?;
            expect_eq(&format!("{what} nonce"), nonce, k.nonce.as_bytes())?;
        }
    }
    Ok(())
}

pub(crate) fn run(c: &Case, suite: &dyn CipherSuiteProvider, t: &mut Tally) {
    let s = &c.sender_data;
    t.check(
        "sender_data",
        sender_data_key_nonce(
            suite,
            &Secret::from_slice(&s.sender_data_secret),
            &s.ciphertext,
        )
        .map_err(err)
        .and_then(|(key, nonce)| {
            expect_eq("sender_data_key", &s.key, key.as_bytes())?;
            expect_eq("sender_data_nonce", &s.nonce, nonce.as_bytes())
        }),
    );
    let size = u32::try_from(c.leaves.len())
        .ok()
        .and_then(TreeSize::from_leaf_count);
    let Some(size) = size else {
        t.check(
            "tree",
            Err(format!("{} leaves is not a tree size", c.leaves.len())),
        );
        return;
    };
    let mut tree = SecretTree::new(
        Secret::from_slice(&c.encryption_secret),
        size,
        OutOfOrderPolicy::default(),
    );
    for (i, generations) in (0u32..).zip(&c.leaves) {
        t.check(
            &format!("leaf {i}"),
            check_leaf(suite, &mut tree, LeafIndex(i), generations),
        );
    }
}
