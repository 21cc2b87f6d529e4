//! Passive-client files (`passive-client-welcome.json`,
//! `passive-client-handling-commit.json`, and any file in that format): a
//! client joins from a Welcome and follows the group through the commits
//! of the vector (RFC 9420 §12.4.2, §12.4.3.1), through the public group
//! API of mls-core, and must agree on every epoch authenticator (§8.7).
//!
//! Per case, on a client whose signer is built from `signature_priv`:
//! the KeyPackage's private keys are checked against its public keys, the
//! package is imported with `init_priv` and `encryption_priv`, each external
//! PSK is stored, the Welcome is joined (with `ratchet_tree` when the
//! vector gives one), and every epoch's proposals then commit go through
//! `Group::process_message`.
//!
//! The KeyPackage lifetime check (§7.2, §7.3) is the library's default.
//! The official files carry KeyPackages that cannot pass it (see
//! [`super::LIFETIME_OFF_FILES`] for why, file by file), so the default run
//! turns it off for exactly those files; `--passive FILE` keeps it on
//! unless `--no-lifetime-check` is given. Every row says which.

use super::Tally;
use crate::clients::{BackendProvider, client_with_signer, seed};
use crate::vectors::Hex;
use mls_core::codec::decode_exact;
use mls_core::crypto::{decrypt_with_label, encrypt_with_label};
use mls_core::framing::MlsMessage;
use mls_core::group::{Client, Group, GroupConfig, JoinOptions, ProcessedMessage};
use mls_core::key_package::KeyPackage;
use mls_core::provider::{CipherSuiteProvider, CryptoProvider, Signer};
use mls_core::secret::HpkePrivateKey;
use mls_core::tree::node::RatchetTree;
use serde::Deserialize;

#[derive(Deserialize)]
pub(crate) struct Case {
    pub(crate) cipher_suite: u16,
    external_psks: Vec<ExternalPsk>,
    key_package: Hex,
    signature_priv: Hex,
    encryption_priv: Hex,
    init_priv: Hex,
    welcome: Hex,
    ratchet_tree: Option<Hex>,
    initial_epoch_authenticator: Hex,
    pub(super) epochs: Vec<Epoch>,
}

#[derive(Deserialize)]
struct ExternalPsk {
    psk_id: Hex,
    psk: Hex,
}

#[derive(Deserialize)]
pub(super) struct Epoch {
    pub(super) proposals: Vec<Hex>,
    pub(super) commit: Hex,
    epoch_authenticator: Hex,
}

/// Whether KeyPackage lifetimes are checked (`GroupConfig::check_lifetimes`:
/// the validity window at the current time and the configured maximum
/// total lifetime, §7.2, §7.3), and why not.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lifetimes {
    /// The library's default: checked.
    Checked,
    /// Off for an official file whose KeyPackages cannot pass the check;
    /// the note (what the report says) gives the reason.
    OffForOfficialFile(&'static str),
    /// Off because `--no-lifetime-check` was given.
    OffByOption,
}

impl Lifetimes {
    /// The group configuration: the default, or the default with both
    /// lifetime checks off (`check_lifetimes` and the §7.2 maximum,
    /// `max_key_package_lifetime`).
    pub fn config(self) -> GroupConfig {
        match self {
            Self::Checked => GroupConfig::default(),
            Self::OffForOfficialFile(_) | Self::OffByOption => GroupConfig {
                check_lifetimes: false,
                max_key_package_lifetime: None,
                ..GroupConfig::default()
            },
        }
    }

    /// What each row of the report says.
    pub fn note(self) -> &'static str {
        match self {
            Self::Checked => "lifetime check on",
            Self::OffForOfficialFile(note) => note,
            Self::OffByOption => "lifetime check off: --no-lifetime-check",
        }
    }
}

/// Cases per vector: the KeyPackage's key pairs, the join (with the
/// initial epoch authenticator), then one per epoch.
pub(crate) fn checks(c: &Case) -> usize {
    c.epochs.len().saturating_add(2)
}

/// An error from mls-core with its variant, for diagnosis.
fn describe(e: &mls_core::Error) -> String {
    format!("{e} [{e:?}]")
}

fn decode_message(what: &str, bytes: &[u8]) -> Result<MlsMessage, String> {
    decode_exact::<MlsMessage>(bytes).map_err(|e| format!("{what}: {e}"))
}

fn expect_authenticator(what: &str, expected: &[u8], actual: &[u8]) -> Result<(), String> {
    super::expect_eq(&format!("{what} epoch_authenticator"), expected, actual)
}

/// The KeyPackage and the signer of `signature_priv`.
pub(super) fn setup(
    c: &Case,
    suite: &dyn CipherSuiteProvider,
) -> Result<(KeyPackage, Box<dyn Signer>), String> {
    let key_package = decode_message("key_package", &c.key_package)?
        .into_key_package()
        .ok_or("key_package is not an MLSMessage(KeyPackage)")?;
    if key_package.cipher_suite != suite.cipher_suite() {
        return Err(format!(
            "the key package is for suite {}, the vector for {}",
            key_package.cipher_suite.code(),
            c.cipher_suite
        ));
    }
    let signer = suite
        .signer(&c.signature_priv)
        .map_err(|e| format!("signature_priv: {e}"))?;
    Ok((key_package, signer))
}

/// `private` opens what is sealed to `public` (there is no public-from-
/// private operation on the suite, so an HPKE round trip stands in).
fn hpke_pair(
    what: &str,
    suite: &dyn CipherSuiteProvider,
    private: &[u8],
    public: &[u8],
) -> Result<(), String> {
    let rand = crate::SeededRand::new(seed(1));
    let message = b"passive client key check";
    let sealed = encrypt_with_label(suite, public, "key check", &[], message, &rand)
        .map_err(|e| format!("{what}: sealing to the public key: {}", describe(&e)))?;
    let opened = decrypt_with_label(
        suite,
        &HpkePrivateKey::from_slice(private),
        "key check",
        &[],
        &sealed.kem_output,
        &sealed.ciphertext,
    )
    .map_err(|e| format!("{what} does not match the key package: {}", describe(&e)))?;
    if opened.as_bytes() == message {
        Ok(())
    } else {
        Err(format!("{what} does not match the key package"))
    }
}

/// FORMATS.md's first step: the private keys belong to the KeyPackage.
fn key_pairs(
    c: &Case,
    suite: &dyn CipherSuiteProvider,
    key_package: &KeyPackage,
    signer: &dyn Signer,
) -> Result<(), String> {
    if signer.public_key() != key_package.leaf_node.signature_key.as_slice() {
        return Err("signature_priv does not match the key package's signature_key".into());
    }
    hpke_pair(
        "init_priv",
        suite,
        &c.init_priv,
        key_package.init_key.as_slice(),
    )?;
    hpke_pair(
        "encryption_priv",
        suite,
        &c.encryption_priv,
        key_package.leaf_node.encryption_key.as_slice(),
    )
}

/// Imports the KeyPackage, stores the PSKs, joins, and compares the
/// initial epoch authenticator.
pub(super) fn join<'a>(
    c: &Case,
    client: &Client<BackendProvider<'a>>,
    key_package: &KeyPackage,
    config: GroupConfig,
) -> Result<Group<BackendProvider<'a>>, String> {
    client
        .import_key_package(key_package, &c.init_priv, &c.encryption_priv)
        .map_err(|e| format!("import_key_package: {}", describe(&e)))?;
    for psk in &c.external_psks {
        client
            .store_external_psk(&psk.psk_id, &psk.psk)
            .map_err(|e| format!("store_external_psk: {}", describe(&e)))?;
    }
    let welcome = decode_message("welcome", &c.welcome)?;
    let ratchet_tree = c
        .ratchet_tree
        .as_ref()
        .map(|t| decode_exact::<RatchetTree>(t).map_err(|e| format!("ratchet_tree: {e}")))
        .transpose()?;
    let options = JoinOptions {
        ratchet_tree,
        resumed_group: None,
    };
    let group = Group::join_with_options(client, &welcome, config, options)
        .map_err(|e| format!("join: {}", describe(&e)))?;
    expect_authenticator(
        "initial",
        &c.initial_epoch_authenticator,
        group.epoch_authenticator(),
    )?;
    Ok(group)
}

/// One epoch of the vector: its proposals, then its commit; then the new
/// epoch authenticator.
pub(super) fn follow(epoch: &Epoch, group: &mut Group<BackendProvider<'_>>) -> Result<(), String> {
    let at = format!("from group epoch {}", group.epoch());
    for (i, bytes) in epoch.proposals.iter().enumerate() {
        let message = decode_message(&format!("{at} proposal {i}"), bytes)?;
        match group.process_and_merge(&message) {
            Ok(ProcessedMessage::Proposal(_)) => {}
            Ok(other) => {
                return Err(format!(
                    "{at} proposal {i}: processed as something else: {other:?}"
                ));
            }
            Err(e) => return Err(format!("{at} proposal {i}: {}", describe(&e))),
        }
    }
    let message = decode_message(&format!("{at} commit"), &epoch.commit)?;
    match group.process_and_merge(&message) {
        Ok(ProcessedMessage::Commit(_)) => {}
        Ok(other) => {
            return Err(format!(
                "{at} commit: processed as something else: {other:?}"
            ));
        }
        Err(e) => return Err(format!("{at} commit: {}", describe(&e))),
    }
    expect_authenticator(&at, &epoch.epoch_authenticator, group.epoch_authenticator())
}

pub(crate) fn run(
    c: &Case,
    index: usize,
    crypto: &dyn CryptoProvider,
    suite: &dyn CipherSuiteProvider,
    lifetimes: Lifetimes,
    t: &mut Tally,
) {
    let case = format!("case {index}");
    let (key_package, signer) = match setup(c, suite) {
        Ok(v) => v,
        Err(why) => {
            for _ in 0..checks(c) {
                t.check(&format!("{case} setup"), Err(why.clone()));
            }
            return;
        }
    };
    t.check(
        &format!("{case} key pairs"),
        key_pairs(c, suite, &key_package, signer.as_ref()),
    );
    let client = client_with_signer(
        crypto,
        key_package.leaf_node.credential.clone(),
        signer,
        seed(0),
    );
    let mut group = match join(c, &client, &key_package, lifetimes.config()) {
        Ok(group) => {
            t.check(&format!("{case} join"), Ok(()));
            group
        }
        Err(why) => {
            t.check(&format!("{case} join"), Err(why));
            for i in 0..c.epochs.len() {
                t.check(&format!("{case} epoch {i}"), Err("the join failed".into()));
            }
            return;
        }
    };
    let mut failed_at = None;
    for (i, epoch) in c.epochs.iter().enumerate() {
        let name = format!("{case} epoch {i}");
        match failed_at {
            Some(at) => t.check(&name, Err(format!("epoch {at} failed before it"))),
            None => {
                let result = follow(epoch, &mut group);
                if result.is_err() {
                    failed_at = Some(i);
                }
                t.check(&name, result);
            }
        }
    }
}
