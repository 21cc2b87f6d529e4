//! `Group::load` on damaged storage. A small group's stored state (one
//! member's: tree nodes, epoch secrets, sender ratchets, a cached proposal,
//! a pending commit, a KeyPackage, a PSK, a signature key) is built once;
//! each input changes some of its records through the `StorageProvider`
//! trait (replaced, mutated, deleted; optionally re-sealed with a valid
//! checksum, so the change reaches the record decoders and the consistency
//! checks behind them) and loads the group.
//!
//! Loading must not panic; a group that loads must be usable (its
//! secrets, messages and commits) without panicking; and with no change,
//! it must load as it was stored.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use mls_core::provider::{Namespace, Provider, StorageProvider};
use mls_core::{Group, MlsMessage};
use mls_fuzz::clients::{FuzzProvider, client, client_on, config, key_package};
use mls_fuzz::mutate::{Mutation, apply};
use mls_fuzz::provider::SUITE;
use mls_fuzz::records::{self, Dump};
use mls_storage_memory::MemoryStorage;
use std::sync::OnceLock;

#[derive(Arbitrary, Debug)]
struct Input {
    changes: Vec<Change>,
    after_load: Vec<Use>,
}

/// A change to the stored record number `record` (wrapping around the
/// record count, in key order).
#[derive(Arbitrary, Debug)]
enum Change {
    /// Byte damage; `reseal` recomputes the checksum afterwards.
    Mutate {
        record: u16,
        mutation: Mutation,
        reseal: bool,
    },
    /// The value replaced by input bytes (version, kind and body when
    /// `reseal`, the checksum appended).
    Replace {
        record: u16,
        bytes: Vec<u8>,
        reseal: bool,
    },
    /// The record deleted.
    Delete { record: u16 },
    /// Another record's value put under this key (re-sealed or not).
    CopyFrom {
        record: u16,
        from: u16,
        reseal: bool,
    },
}

/// What the loaded group is asked to do.
#[derive(Arbitrary, Debug)]
enum Use {
    /// Process one of the messages the other members sent after the state
    /// was stored (and merge it if it is a commit).
    Process(u8),
    Encrypt,
    Commit,
    MergePending,
    GroupInfo,
    Reload,
}

struct Fixture {
    group_id: Vec<u8>,
    records: Dump,
    epoch_authenticator: Vec<u8>,
    incoming: Vec<MlsMessage>,
}

const OWNER: &str = "alice";
const OWNER_SEED: u64 = 1;

/// Alice's state: a group of three at epoch 1, one message received and
/// one sent, Bob's Update proposal cached, her commit of it pending, a
/// spare KeyPackage, an external PSK and a stored signature key.
fn build() -> Result<Fixture, mls_core::Error> {
    let alice = client(OWNER, OWNER_SEED)?;
    let bob = client("bob", 2)?;
    let carol = client("carol", 3)?;
    let mut a = Group::create(&alice, SUITE, Default::default(), config(false))?;
    let added = a.add_members(&[key_package(&bob)?, key_package(&carol)?])?;
    a.merge_pending_commit()?;
    let welcome = added
        .welcome
        .ok_or(mls_core::Error::Internal("no Welcome"))?;
    let mut b = Group::join(&bob, &welcome, config(true))?;
    let mut c = Group::join(&carol, &welcome, config(false))?;

    let from_carol = c.encrypt_application_message(b"to alice", b"")?;
    a.process_message(&from_carol)?;
    let to_all = a.encrypt_application_message(b"to all", b"")?;
    b.process_message(&to_all)?;
    // Application messages must be sent before proposals are pending.
    let mut incoming = vec![
        b.encrypt_application_message(b"after restart", b"")?,
        c.encrypt_application_message(b"out of order", b"")?,
    ];
    let update = b.propose_update()?;
    a.process_message(&update)?;
    c.process_message(&update)?;
    let _pending = a.commit()?;
    key_package(&alice)?;
    alice.store_external_psk(b"psk", &[7; 32])?;
    mls_core::storage::store_signature_key(
        alice.provider().storage(),
        OWNER.as_bytes(),
        SUITE,
        &[9; 32],
    )?;

    // What arrives after a restart: messages of epoch 1, and a commit that
    // competes with Alice's pending one.
    incoming.push(c.propose_remove(b.own_leaf_index())?);
    incoming.push(b.self_update()?.commit);
    incoming.push(c.commit()?.commit);
    let stored = records::dump(alice.provider().storage());
    for ((namespace, key), value) in &stored {
        assert!(
            records::is_sealed(*namespace, key, value),
            "mls-core's value envelope changed: update mls_fuzz::records::checksum"
        );
    }
    Ok(Fixture {
        group_id: a.group_id().to_vec(),
        records: stored,
        epoch_authenticator: a.epoch_authenticator().to_vec(),
        incoming,
    })
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| build().unwrap_or_else(|e| panic!("building the fixture: {e}")))
}

fn pick(len: usize, i: u16) -> usize {
    usize::from(i) % len
}

/// Applies the changes; returns whether any of them changed a byte.
fn change(records: &mut Vec<((Namespace, Vec<u8>), Vec<u8>)>, changes: &[Change]) -> bool {
    let original = records.clone();
    for change in changes.iter().take(8) {
        if records.is_empty() {
            break;
        }
        let n = records.len();
        match change {
            Change::Mutate {
                record,
                mutation,
                reseal,
            } => {
                let donors: Vec<&[u8]> = original.iter().map(|(_, v)| v.as_slice()).collect();
                let ((namespace, key), value) = &mut records[pick(n, *record)];
                if *reseal {
                    let mut covered = records::covered(value).to_vec();
                    apply(&mut covered, mutation, &donors);
                    *value = records::seal(*namespace, key, &covered);
                } else {
                    apply(value, mutation, &donors);
                }
            }
            Change::Replace {
                record,
                bytes,
                reseal,
            } => {
                let ((namespace, key), value) = &mut records[pick(n, *record)];
                *value = if *reseal {
                    records::seal(*namespace, key, bytes)
                } else {
                    bytes.clone()
                };
            }
            Change::Delete { record } => {
                records.remove(pick(n, *record));
            }
            Change::CopyFrom {
                record,
                from,
                reseal,
            } => {
                let donor = records[pick(n, *from)].1.clone();
                let ((namespace, key), value) = &mut records[pick(n, *record)];
                *value = if *reseal {
                    records::seal(*namespace, key, records::covered(&donor))
                } else {
                    donor
                };
            }
        }
    }
    *records != original
}

/// Exercises a loaded group; errors are fine, panics are not.
fn exercise(
    group: &mut Group<FuzzProvider>,
    owner: &mls_core::Client<FuzzProvider>,
    uses: &[Use],
    fixture: &Fixture,
) {
    let _ = group.epoch();
    let _ = group.epoch_authenticator().to_vec();
    let _ = group.export_secret("fuzz", b"context", 32);
    let _ = group.members();
    let _ = group.ratchet_tree();
    let _ = group.is_active();
    for u in uses.iter().take(8) {
        match u {
            Use::Process(i) => {
                let message = &fixture.incoming[usize::from(*i) % fixture.incoming.len()];
                let _ = group.process_and_merge(message);
            }
            Use::Encrypt => {
                let _ = group.encrypt_application_message(b"after load", b"");
            }
            Use::Commit => {
                let _ = group.commit();
            }
            Use::MergePending => {
                let _ = group.merge_pending_commit();
            }
            Use::GroupInfo => {
                let _ = group.group_info(true);
            }
            Use::Reload => {
                // What the calls above stored is loaded again and used on.
                let group_id = group.group_id().to_vec();
                if let Ok(again) = Group::load(owner, &group_id) {
                    *group = again;
                }
            }
        }
    }
}

fn run(input: &Input) {
    let fixture = fixture();
    let mut entries: Vec<_> = fixture
        .records
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let changed = change(&mut entries, &input.changes);
    let storage = MemoryStorage::new();
    records::restore(&storage, &entries.into_iter().collect());
    let Ok(owner) = client_on(OWNER, OWNER_SEED + 100, storage) else {
        panic!("a client on the fuzzing provider always builds");
    };
    let _ = owner.group_ids();
    let _ = owner.key_packages();
    match Group::load(&owner, &fixture.group_id) {
        Ok(mut group) => {
            if !changed {
                assert_eq!(
                    group.epoch_authenticator(),
                    fixture.epoch_authenticator.as_slice(),
                    "an unchanged stored group loads in another epoch"
                );
            }
            exercise(&mut group, &owner, &input.after_load, fixture);
        }
        Err(e) => assert!(changed, "an unchanged stored group does not load: {e}"),
    }
    let _ = owner.provider().storage().scan(Namespace::GroupState, &[]);
}

fuzz_target!(|input: Input| run(&input));
