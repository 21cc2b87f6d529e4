//! `key-schedule.json`: the epoch chain of RFC 9420 §8, the external key
//! pair (§8.3) and the exporter (§8.5). One case per epoch.

use super::{Tally, expect_eq};
use crate::vectors::Hex;
use mls_core::CipherSuite;
use mls_core::codec::VarBytes;
use mls_core::extensions::Extensions;
use mls_core::key_schedule::{EpochSecrets, GroupContext, welcome_secret};
use mls_core::provider::CipherSuiteProvider;
use mls_core::secret::Secret;
use serde::Deserialize;

#[derive(Deserialize)]
pub(crate) struct Case {
    pub(crate) cipher_suite: u16,
    group_id: Hex,
    initial_init_secret: Hex,
    pub(crate) epochs: Vec<Epoch>,
}

#[derive(Deserialize)]
pub(crate) struct Epoch {
    tree_hash: Hex,
    commit_secret: Hex,
    psk_secret: Hex,
    confirmed_transcript_hash: Hex,
    group_context: Hex,
    joiner_secret: Hex,
    welcome_secret: Hex,
    init_secret: Hex,
    sender_data_secret: Hex,
    encryption_secret: Hex,
    exporter_secret: Hex,
    epoch_authenticator: Hex,
    external_secret: Hex,
    confirmation_key: Hex,
    membership_key: Hex,
    resumption_psk: Hex,
    external_pub: Hex,
    exporter: Exporter,
}

#[derive(Deserialize)]
struct Exporter {
    /// Used as the literal label string, not hex (a known trap of this file).
    label: String,
    context: Hex,
    length: u16,
    secret: Hex,
}

fn err(e: impl std::fmt::Display) -> String {
    e.to_string()
}

fn check_epoch(
    suite: &dyn CipherSuiteProvider,
    cs: CipherSuite,
    group_id: &[u8],
    number: u64,
    init_secret: &Secret,
    e: &Epoch,
) -> Result<Secret, String> {
    let context = GroupContext {
        version: mls_core::ProtocolVersion,
        cipher_suite: cs,
        group_id: VarBytes::from(group_id),
        epoch: number,
        tree_hash: VarBytes::from(&e.tree_hash[..]),
        confirmed_transcript_hash: VarBytes::from(&e.confirmed_transcript_hash[..]),
        extensions: Extensions::new(),
    };
    let context = context.to_bytes().map_err(err)?;
    expect_eq("group_context", &e.group_context, &context)?;
    let commit_secret = Secret::from_slice(&e.commit_secret);
    let psk_secret = Secret::from_slice(&e.psk_secret);
    let (joiner, s) =
        EpochSecrets::next_epoch(suite, init_secret, &commit_secret, &psk_secret, &context)
            .map_err(err)?;
    expect_eq("joiner_secret", &e.joiner_secret, joiner.as_bytes())?;
    let welcome = welcome_secret(suite, &joiner, &psk_secret).map_err(err)?;
    expect_eq("welcome_secret", &e.welcome_secret, welcome.as_bytes())?;
    let pairs: [(&str, &Hex, &Secret); 9] = [
        ("init_secret", &e.init_secret, &s.init_secret),
        (
            "sender_data_secret",
            &e.sender_data_secret,
            &s.sender_data_secret,
        ),
        (
            "encryption_secret",
            &e.encryption_secret,
            &s.encryption_secret,
        ),
        ("exporter_secret", &e.exporter_secret, &s.exporter_secret),
        (
            "epoch_authenticator",
            &e.epoch_authenticator,
            &s.epoch_authenticator,
        ),
        ("external_secret", &e.external_secret, &s.external_secret),
        ("confirmation_key", &e.confirmation_key, &s.confirmation_key),
        ("membership_key", &e.membership_key, &s.membership_key),
        ("resumption_psk", &e.resumption_psk, &s.resumption_psk),
    ];
    for (what, expected, actual) in pairs {
        expect_eq(what, expected, actual.as_bytes())?;
    }
    let (_, external_pub) = s.external_key_pair(suite).map_err(err)?;
    expect_eq("external_pub", &e.external_pub, &external_pub)?;
    let x = &e.exporter;
    let exported = s
        .export(suite, &x.label, &x.context, x.length)
        .map_err(err)?;
    expect_eq("exporter", &x.secret, exported.as_bytes())?;
    Ok(s.init_secret.clone())
}

pub(crate) fn run(c: &Case, suite: &dyn CipherSuiteProvider, t: &mut Tally) {
    let cs = suite.cipher_suite();
    let mut init = Secret::from_slice(&c.initial_init_secret);
    for (number, epoch) in (0u64..).zip(&c.epochs) {
        match check_epoch(suite, cs, &c.group_id, number, &init, epoch) {
            Ok(next) => {
                init = next;
                t.check(&format!("epoch {number}"), Ok(()));
            }
            Err(why) => {
                // Later epochs chain from this one; count them as failed too.
                let left = c
                    .epochs
                    .len()
                    .saturating_sub(usize::try_from(number).unwrap_or(0));
                for _ in 0..left {
                    t.check(&format!("epoch {number}"), Err(why.clone()));
                }
                return;
            }
        }
    }
}
