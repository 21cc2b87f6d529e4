//! Stored state written by earlier releases keeps loading (DESIGN
//! "Storage"). Every corpus folder under `tests/fixtures/storage/`
//! (`v1`, and later `v2`...) is loaded with today's code: each member's
//! store goes into a fresh `MemoryStorage`, the client is made again on it
//! (its signature key comes from the store), its groups are loaded and
//! compared with `expected.json`, then carried on with the recorded
//! messages. A damaged value must be refused as `Corrupt`, never panic.
//!
//! Never regenerate a folder to make these tests pass: see
//! `tests/fixtures/storage/README.md`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use interop::clients::{StoredProvider, client, client_on_storage, seed};
use interop::corpus::{self, Expected, ExpectedStore, StoreDump};
use mls_core::group::{Client, Group, GroupConfig};
use mls_core::key_package::KeyPackage;
use mls_core::provider::{Namespace, StorageProvider, WriteBatch};
use mls_core::storage::FORMAT_VERSION;
use mls_core::{CipherSuite, Error, MlsMessage, StorageErrorKind};
use mls_storage_memory::MemoryStorage;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Every corpus folder, `v1` first.
fn corpus_folders() -> Vec<(u16, PathBuf)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/storage");
    let mut out: Vec<(u16, PathBuf)> = std::fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("{}: {e}", root.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            let version = name
                .strip_prefix('v')
                .and_then(|v| v.parse().ok())
                .unwrap_or_else(|| panic!("corpus folder {name:?} is not v<format version>"));
            (version, p)
        })
        .collect();
    out.sort();
    assert!(
        out.first().is_some_and(|(v, _)| *v == 1),
        "the v1 corpus is missing"
    );
    out
}

fn unhex(s: &str) -> Vec<u8> {
    hex::decode(s).unwrap()
}

/// A fresh memory store holding exactly `dump`, written in one batch.
fn restore(dump: &StoreDump) -> Arc<dyn StorageProvider> {
    let storage = MemoryStorage::new();
    storage.commit(dump.to_batch().unwrap()).unwrap();
    Arc::new(storage)
}

/// The member of `store` made again on `storage`; `n` picks new randomness.
fn reopen(
    expected: &Expected,
    store: &ExpectedStore,
    storage: Arc<dyn StorageProvider>,
    n: u64,
) -> Result<Client<StoredProvider>, Error> {
    client_on_storage(
        &store.backend,
        suite(expected),
        &store.identity,
        seed(n),
        storage,
    )
}

fn suite(expected: &Expected) -> CipherSuite {
    CipherSuite::try_from(expected.cipher_suite).expect("a known suite")
}

fn encoded(kp: &KeyPackage) -> Vec<u8> {
    mls_core::codec::encode(kp).unwrap()
}

/// The folder's own claims: format version, envelope of every value.
fn check_folder(version: u16, dir: &Path) -> Expected {
    let expected = corpus::read_expected(dir).unwrap();
    assert_eq!(
        expected.format_version,
        version,
        "{} holds format {}",
        dir.display(),
        expected.format_version
    );
    assert!(
        version <= FORMAT_VERSION,
        "{} is of format {version}, newer than this build's {FORMAT_VERSION}",
        dir.display()
    );
    assert_eq!(expected.time, interop::clients::TEST_TIME);
    assert!(!expected.stores.is_empty());
    for store in &expected.stores {
        let dump = corpus::read_store(dir, &store.file).unwrap();
        assert_eq!(dump.format_version, version, "{}", store.file);
        for (namespace, _, value) in dump.entries().unwrap() {
            // StoredValue starts with its uint16 format_version.
            assert_eq!(
                value.get(..2),
                Some(&version.to_be_bytes()[..]),
                "{}: a value in {} is not of format {version}",
                store.file,
                namespace.name()
            );
        }
    }
    expected
}

#[test]
fn every_stored_group_loads_as_it_was_and_carries_on() {
    for (version, dir) in corpus_folders() {
        let expected = check_folder(version, &dir);
        let mut groups_checked = 0;
        for (i, store) in expected.stores.iter().enumerate() {
            let at = format!("v{version}/{} ({})", store.file, store.scenario);
            let dump = corpus::read_store(&dir, &store.file).unwrap();
            let storage = restore(&dump);
            let client = reopen(&expected, store, storage, 10_000 + i as u64)
                .unwrap_or_else(|e| panic!("{at}: making the client: {e}"));

            let mut ids = client.group_ids().unwrap();
            ids.sort();
            let mut want: Vec<Vec<u8>> = store.groups.iter().map(|g| unhex(&g.group_id)).collect();
            want.sort();
            assert_eq!(ids, want, "{at}: group_ids");

            for eg in &store.groups {
                let mut g = Group::load(&client, &unhex(&eg.group_id))
                    .unwrap_or_else(|e| panic!("{at}: Group::load: {e}"));
                assert_eq!(g.epoch(), eg.epoch, "{at}: epoch");
                assert_eq!(
                    hex::encode(g.epoch_authenticator()),
                    eg.epoch_authenticator,
                    "{at}: epoch authenticator"
                );
                let exporter = g
                    .export_secret(&expected.exporter_label, b"", corpus::EXPORTER_LEN)
                    .unwrap();
                assert_eq!(
                    hex::encode(exporter.as_bytes()),
                    eg.exporter,
                    "{at}: exporter"
                );
                assert_eq!(g.own_leaf_index(), eg.own_leaf_index, "{at}: own leaf");
                assert_eq!(g.members().len(), eg.member_count, "{at}: members");
                assert_eq!(
                    g.has_pending_commit(),
                    eg.has_pending_commit,
                    "{at}: pending commit"
                );
                assert_eq!(
                    g.pending_proposals().count(),
                    eg.pending_proposals,
                    "{at}: cached proposals"
                );
                assert_eq!(g.is_active(), eg.is_active, "{at}: active");
                assert_eq!(g.cipher_suite(), suite(&expected), "{at}: suite");

                if let Some(then) = &eg.then {
                    if then.merge_pending_commit {
                        g.merge_pending_commit()
                            .unwrap_or_else(|e| panic!("{at}: merging the pending commit: {e}"));
                    }
                    for m in &then.messages {
                        let message = MlsMessage::from_bytes(&unhex(&m.message)).unwrap();
                        let data = m.application_data.as_deref().map(unhex);
                        corpus::process(&mut g, &message, data.as_deref())
                            .unwrap_or_else(|e| panic!("{at}: {}: {e}", m.what));
                    }
                    assert_eq!(g.epoch(), then.epoch, "{at}: epoch after the steps");
                    assert_eq!(
                        hex::encode(g.epoch_authenticator()),
                        then.epoch_authenticator,
                        "{at}: authenticator after the steps"
                    );
                    // The state after the steps was stored too.
                    let again = Group::load(&client, g.group_id()).unwrap();
                    assert_eq!(again.epoch_authenticator(), g.epoch_authenticator());
                }
                groups_checked += 1;
            }

            let mut held: Vec<Vec<u8>> =
                client.key_packages().unwrap().iter().map(encoded).collect();
            held.sort();
            let mut want: Vec<Vec<u8>> = store
                .key_packages
                .iter()
                .map(|k| unhex(&k.key_package))
                .collect();
            want.sort();
            assert_eq!(held, want, "{at}: key_packages()");
        }
        assert!(
            groups_checked >= 6,
            "v{version}: only {groups_checked} groups"
        );
    }
}

/// A fresh member on its own memory store, clock at TEST_TIME, that knows
/// the PSK `psk`, creates a group adding `kp` in one commit that also
/// injects `psk` (so the Welcome needs it), and returns its group and the
/// Welcome.
fn welcome_with_psk(
    suite: CipherSuite,
    kp: &KeyPackage,
    psk: Option<(&[u8], &[u8])>,
    n: u64,
) -> (Group<interop::clients::TestProvider>, MlsMessage) {
    let control = client("rustcrypto", suite, "corpus control", seed(n)).unwrap();
    let mut g = Group::create(&control, suite, Default::default(), GroupConfig::default()).unwrap();
    let psk_id = psk.map(|(id, secret)| {
        control.store_external_psk(id, secret).unwrap();
        g.external_psk_id(id).unwrap()
    });
    let mut builder = g.commit_builder().add_member(kp.clone());
    if let Some(psk_id) = psk_id {
        builder = builder.pre_shared_key(psk_id);
    }
    let out = builder.build().unwrap();
    g.merge_pending_commit().unwrap();
    (g, out.welcome.unwrap())
}

#[test]
fn stored_key_packages_and_psks_are_usable() {
    for (version, dir) in corpus_folders() {
        let expected = check_folder(version, &dir);
        let suite = suite(&expected);
        let mut used = 0;
        for (i, store) in expected.stores.iter().enumerate() {
            if store.key_packages.is_empty() {
                continue;
            }
            let at = format!("v{version}/{}", store.file);
            let dump = corpus::read_store(&dir, &store.file).unwrap();
            let heidi = reopen(&expected, store, restore(&dump), 20_000 + i as u64).unwrap();
            let psk = store
                .external_psks
                .first()
                .map(|p| (unhex(&p.id), unhex(&p.secret)));
            for (k, ekp) in store.key_packages.iter().enumerate() {
                let kp: KeyPackage =
                    mls_core::codec::decode_exact(&unhex(&ekp.key_package)).unwrap();
                // The first join also needs the stored PSK.
                let with_psk = if k == 0 {
                    psk.as_ref().map(|(id, s)| (id.as_slice(), s.as_slice()))
                } else {
                    None
                };
                let (control, welcome) = welcome_with_psk(suite, &kp, with_psk, 30_000 + k as u64);
                let joined = Group::join(&heidi, &welcome, GroupConfig::default())
                    .unwrap_or_else(|e| panic!("{at}: joining with KeyPackage {k}: {e}"));
                assert_eq!(
                    joined.epoch_authenticator(),
                    control.epoch_authenticator(),
                    "{at}: KeyPackage {k}"
                );
                let still_held = heidi
                    .key_packages()
                    .unwrap()
                    .iter()
                    .any(|held| encoded(held) == encoded(&kp));
                assert_eq!(
                    still_held, ekp.last_resort,
                    "{at}: KeyPackage {k} (last resort: {}) after a join",
                    ekp.last_resort
                );
                used += 1;
            }
        }
        assert!(used >= 3, "v{version}: only {used} KeyPackages");
    }
}

/// Which loader must refuse a damaged value of `namespace`.
fn is_group_namespace(namespace: Namespace) -> bool {
    matches!(
        namespace,
        Namespace::GroupState
            | Namespace::TreeNodes
            | Namespace::EpochSecrets
            | Namespace::OwnLeafKeys
    )
}

fn assert_corrupt<T>(result: Result<T, Error>, what: &str) {
    match result {
        Err(Error::Storage(e)) if e.kind == StorageErrorKind::Corrupt => {}
        Err(other) => panic!("{what}: expected a Corrupt storage error, got {other:?}"),
        Ok(_) => panic!("{what}: a damaged value was accepted"),
    }
}

#[test]
fn a_flipped_bit_in_any_stored_value_is_refused_as_corrupt() {
    for (version, dir) in corpus_folders() {
        let expected = check_folder(version, &dir);
        let mut flipped = 0;
        for (i, store) in expected.stores.iter().enumerate() {
            let dump = corpus::read_store(&dir, &store.file).unwrap();
            let entries = dump.entries().unwrap();
            for (victim, (namespace, key, value)) in entries.iter().enumerate() {
                let what = format!(
                    "v{version}/{}: {} value {} of {} bytes, key {}",
                    store.file,
                    namespace.name(),
                    victim,
                    value.len(),
                    hex::encode(key)
                );
                let storage = MemoryStorage::new();
                let mut batch = WriteBatch::new();
                for (j, (ns, k, v)) in entries.iter().enumerate() {
                    let mut v = v.clone();
                    if j == victim {
                        let mid = v.len() / 2;
                        v[mid] ^= 0x10;
                    }
                    batch.put(*ns, k.clone(), v);
                }
                storage.commit(batch).unwrap();
                let storage: Arc<dyn StorageProvider> = Arc::new(storage);
                let client = reopen(&expected, store, storage, 40_000 + i as u64);
                if *namespace == Namespace::SignatureKeys {
                    assert_corrupt(client, &what);
                    flipped += 1;
                    continue;
                }
                let client = client.unwrap_or_else(|e| panic!("{what}: making the client: {e}"));
                if is_group_namespace(*namespace) {
                    assert_eq!(store.groups.len(), 1, "{what}: one group per store");
                    let group_id = unhex(&store.groups[0].group_id);
                    assert_corrupt(Group::load(&client, &group_id), &what);
                } else if *namespace == Namespace::KeyPackages {
                    assert_corrupt(client.key_packages(), &what);
                } else if *namespace == Namespace::Psks {
                    // Read when a Welcome injects the PSK.
                    let kp: KeyPackage =
                        mls_core::codec::decode_exact(&unhex(&store.key_packages[0].key_package))
                            .unwrap();
                    let p = &store.external_psks[0];
                    let (_, welcome) = welcome_with_psk(
                        suite(&expected),
                        &kp,
                        Some((&unhex(&p.id), &unhex(&p.secret))),
                        50_000,
                    );
                    assert_corrupt(
                        Group::join(&client, &welcome, GroupConfig::default()),
                        &what,
                    );
                } else {
                    panic!("{what}: no check for namespace {}", namespace.name());
                }
                flipped += 1;
            }
        }
        assert!(flipped > 50, "v{version}: only {flipped} values flipped");
    }
}
