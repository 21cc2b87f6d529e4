//! Forward secrecy on disk: once a key is used or an epoch is over, its
//! bytes are gone from the SQLite database files (after a WAL checkpoint),
//! not only from memory. `secure_delete` overwrites deleted and replaced
//! cells; the checkpoint truncates the WAL that still held old pages.

use super::support::*;
use mls_core::codec::read_varint;
use mls_core::group::{Group, GroupConfig};
use mls_core::provider::{Namespace, StorageProvider};
use mls_storage_memory::MemoryStorage;
use mls_storage_sqlite::SqliteStorage;
use std::path::Path;
use std::sync::Arc;

/// Every byte of the database and its WAL file.
fn files(db: &Path) -> Vec<u8> {
    let mut all = std::fs::read(db).unwrap();
    let wal = db.with_extension("db-wal");
    if wal.exists() {
        all.extend(std::fs::read(wal).unwrap());
    }
    all
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> &'a [u8] {
        let (a, b) = self.0.split_at(n);
        self.0 = b;
        a
    }
    fn opaque(&mut self) -> &'a [u8] {
        let (len, rest) = read_varint(self.0).unwrap();
        self.0 = rest;
        self.take(len)
    }
}

/// The application ratchet's secret and its skipped keys, read from a
/// stored sender-ratchets value (layout in mls-core
/// `secret_tree/stored.rs`: version, kind, then per ratchet
/// `optional<opaque secret>`, `uint64 next`, skipped `(uint32, opaque key,
/// opaque nonce)<V>`, then the checksum).
fn application_ratchet(value: &[u8]) -> (Vec<u8>, Vec<Vec<u8>>) {
    let mut r = Reader(&value[3..value.len() - 4]);
    let mut ratchet = || {
        let secret = if r.take(1)[0] == 1 {
            r.opaque().to_vec()
        } else {
            Vec::new()
        };
        r.take(8);
        let mut list = Reader(r.opaque());
        let mut keys = Vec::new();
        while !list.0.is_empty() {
            list.take(4);
            keys.push(list.opaque().to_vec());
            list.opaque();
        }
        (secret, keys)
    };
    let _handshake = ratchet();
    ratchet()
}

#[test]
fn used_keys_and_past_epochs_leave_the_database_files() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("alice.db");
    let sqlite = Arc::new(SqliteStorage::open(&path).unwrap());
    let alice = member("rustcrypto", "alice", sqlite.clone(), 0);
    let bob = member("ring", "bob", Arc::new(MemoryStorage::new()), 0);
    // No past epoch kept: an epoch's message keys go when it ends.
    let mut config = GroupConfig::default();
    config.out_of_order.past_epochs = 0;
    let mut a = Group::create(&alice, SUITE, Default::default(), config.clone()).unwrap();
    let out = a.add_members(&[key_package(&bob)]).unwrap();
    a.merge_pending_commit().unwrap();
    let mut b = Group::join(&bob, &out.welcome.unwrap(), config).unwrap();

    // Bob sends two messages; alice reads the second first, so the first
    // one's key is kept as a skipped key until it arrives.
    let m1 = b.encrypt_application_message(b"first", b"").unwrap();
    let m2 = b.encrypt_application_message(b"second", b"").unwrap();
    expect_app(a.process_and_merge(&m2), b"second");
    sqlite.checkpoint().unwrap();
    let ratchets = sqlite
        .scan(Namespace::EpochSecrets, &[])
        .unwrap()
        .into_iter()
        .filter(|(_, v)| v[2] == 7) // sender ratchets
        .collect::<Vec<_>>();
    assert_eq!(ratchets.len(), 1, "bob's ratchets at alice");
    let (ratchet_secret, skipped) = application_ratchet(&ratchets[0].1);
    assert_eq!(skipped.len(), 1, "m1's key is held");
    let m1_key = skipped[0].clone();
    let authenticator = a.epoch_authenticator().to_vec();
    let bytes = files(&path);
    // The test can see them while they are live: its search works.
    for (what, secret) in [
        ("m1's key", &m1_key),
        ("the ratchet secret", &ratchet_secret),
        ("the epoch authenticator", &authenticator),
    ] {
        assert!(
            contains(&bytes, secret),
            "{what} should be stored while live"
        );
    }

    // m1 arrives: its key is deleted before the plaintext is returned.
    expect_app(a.process_and_merge(&m1), b"first");
    sqlite.checkpoint().unwrap();
    assert!(
        !contains(&files(&path), &m1_key),
        "a used message key is still in the database files"
    );

    // The next epoch: the old epoch's secrets and message keys go.
    let commit = b.self_update().unwrap();
    b.merge_pending_commit().unwrap();
    a.process_and_merge(&commit.commit).unwrap();
    sqlite.checkpoint().unwrap();
    let bytes = files(&path);
    for (what, secret) in [
        ("the previous epoch authenticator", &authenticator),
        ("the previous epoch's ratchet secret", &ratchet_secret),
        ("m1's key", &m1_key),
    ] {
        assert!(
            !contains(&bytes, secret),
            "{what} is still in the database files"
        );
    }
    assert_eq!(a.epoch_authenticator(), b.epoch_authenticator());
}

/// The epochs that have entries in a store's `epoch_secrets` namespace
/// (layout in `mls_core::storage`: `opaque group_id<V> ‖ tag ‖ uint64
/// epoch ‖ ...` for tags 0 to 2).
fn stored_epochs(store: &dyn StorageProvider, group_id: &[u8]) -> std::collections::BTreeSet<u64> {
    let prefix_len = mls_core::codec::encode(&mls_core::codec::VarBytes::from(group_id))
        .unwrap()
        .len();
    store
        .scan(Namespace::EpochSecrets, &[])
        .unwrap()
        .into_iter()
        .filter(|(k, _)| k[prefix_len] <= 2)
        .map(|(k, _)| u64::from_be_bytes(k[prefix_len + 1..prefix_len + 9].try_into().unwrap()))
        .collect()
}

/// Whatever a transition consumed in an epoch that it also ends (the
/// handshake key of the commit that ends it, say) leaves storage with the
/// epoch: after every transition, only the current epoch and the retained
/// past ones have entries.
#[test]
fn no_secret_of_a_dropped_epoch_stays_in_storage() {
    for past_epochs in [0, 1] {
        let dir = tempfile::tempdir().unwrap();
        let mut config = GroupConfig::default();
        config.out_of_order.past_epochs = past_epochs;
        let mut t = trio(Backend::Sqlite, &dir, config);
        let check = |t: &Trio| {
            for (i, g) in t.groups.iter().enumerate() {
                let epochs = stored_epochs(&*t.stores[i].open(), g.group_id());
                let oldest = g.epoch().saturating_sub(u64::from(past_epochs));
                // A member who joined later has no older epochs.
                assert!(
                    epochs.contains(&g.epoch())
                        && epochs.iter().all(|e| (oldest..=g.epoch()).contains(e)),
                    "member {i}, past_epochs {past_epochs}: epoch {} but stored {epochs:?}",
                    g.epoch()
                );
            }
        };
        check(&t);
        // Each commit comes from a member who has not sent in the epoch, so
        // receivers derive its leaf from the secret tree's root.
        for i in [1, 2, 0, 2, 1] {
            t.update(i);
            check(&t);
        }
        let m = t.groups[0].encrypt_application_message(b"m", b"").unwrap();
        t.groups[1].process_and_merge(&m).unwrap();
        t.update(2);
        check(&t);
    }
}
