//! `psk_secret.json`: the PSK secret chain of RFC 9420 §8.4 over external PSKs.

use super::{Tally, expect_eq};
use crate::vectors::Hex;
use mls_core::key_schedule::{PreSharedKeyId, psk_secret};
use mls_core::provider::CipherSuiteProvider;
use mls_core::secret::Secret;
use serde::Deserialize;

#[derive(Deserialize)]
pub(crate) struct Case {
    pub(crate) cipher_suite: u16,
    psks: Vec<PskEntry>,
    psk_secret: Hex,
}

#[derive(Deserialize)]
struct PskEntry {
    psk_id: Hex,
    psk: Hex,
    psk_nonce: Hex,
}

pub(crate) fn run(c: &Case, suite: &dyn CipherSuiteProvider, t: &mut Tally) {
    let psks: Vec<(PreSharedKeyId, Secret)> = c
        .psks
        .iter()
        .map(|p| {
            (
                PreSharedKeyId::external(p.psk_id.0.clone(), p.psk_nonce.0.clone()),
                Secret::from_slice(&p.psk),
            )
        })
        .collect();
    t.check(
        &format!("{} PSKs", psks.len()),
        psk_secret(suite, &psks)
            .map_err(|e| e.to_string())
            .and_then(|s| expect_eq("psk_secret", &c.psk_secret, s.as_bytes())),
    );
}
