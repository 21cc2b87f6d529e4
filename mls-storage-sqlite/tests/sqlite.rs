//! Behaviour specific to the SQLite backend: persistence across reopening,
//! rollback of a failed batch, schema versioning, file settings.
// Clippy's allow-unwrap-in-tests covers only `#[test]` functions; the
// helpers they call may unwrap too.
#![allow(clippy::unwrap_used)]

mod support;

use mls_core::provider::{Namespace, StorageProvider, WriteBatch};
use mls_storage_sqlite::SqliteStorage;
use rusqlite::Connection;
use support::TempDir;

fn put(storage: &SqliteStorage, namespace: Namespace, key: &[u8], value: &[u8]) {
    let mut batch = WriteBatch::new();
    batch.put(namespace, key.to_vec(), value.to_vec());
    storage.commit(batch).unwrap();
}

fn get(storage: &SqliteStorage, namespace: Namespace, key: &[u8]) -> Option<Vec<u8>> {
    storage.get(namespace, key).unwrap()
}

fn user_version(conn: &Connection) -> i64 {
    conn.pragma_query_value(None, "user_version", |row| row.get(0))
        .unwrap()
}

#[test]
fn data_survives_closing_and_reopening() {
    let dir = TempDir::new("reopen");
    {
        let storage = SqliteStorage::open(dir.db()).unwrap();
        let mut batch = WriteBatch::new();
        for namespace in Namespace::ALL {
            batch.put(
                namespace,
                b"key".to_vec(),
                namespace.name().as_bytes().to_vec(),
            );
            batch.put(namespace, b"gone".to_vec(), b"soon".to_vec());
        }
        storage.commit(batch).unwrap();
        let mut batch = WriteBatch::new();
        batch.delete(Namespace::KeyPackages, b"gone".to_vec());
        storage.commit(batch).unwrap();
    }
    {
        let storage = SqliteStorage::open(dir.db()).unwrap();
        for namespace in Namespace::ALL {
            assert_eq!(
                get(&storage, namespace, b"key"),
                Some(namespace.name().as_bytes().to_vec())
            );
            let expected = (namespace != Namespace::KeyPackages).then(|| b"soon".to_vec());
            assert_eq!(get(&storage, namespace, b"gone"), expected);
        }
        // The reopened store keeps working.
        put(&storage, Namespace::GroupState, b"key", b"updated");
    }
    let storage = SqliteStorage::open(dir.db()).unwrap();
    assert_eq!(
        get(&storage, Namespace::GroupState, b"key"),
        Some(b"updated".to_vec())
    );
}

#[test]
fn two_stores_on_one_file_see_each_others_commits() {
    let dir = TempDir::new("two-stores");
    let a = SqliteStorage::open(dir.db()).unwrap();
    let b = SqliteStorage::open(dir.db()).unwrap();
    put(&a, Namespace::Psks, b"psk", b"from a");
    assert_eq!(get(&b, Namespace::Psks, b"psk"), Some(b"from a".to_vec()));
    put(&b, Namespace::Psks, b"psk", b"from b");
    assert_eq!(get(&a, Namespace::Psks, b"psk"), Some(b"from b".to_vec()));
}

/// Sets up a file store holding two values, plus a second connection that
/// installs a trigger failing any insert of the key `DEAD`.
fn store_with_failing_key(dir: &TempDir) -> SqliteStorage {
    let storage = SqliteStorage::open(dir.db()).unwrap();
    let mut batch = WriteBatch::new();
    batch.put(
        Namespace::GroupState,
        b"group".to_vec(),
        b"epoch 1".to_vec(),
    );
    batch.put(Namespace::KeyPackages, b"kp".to_vec(), b"package".to_vec());
    storage.commit(batch).unwrap();

    let other = Connection::open(dir.db()).unwrap();
    other
        .execute_batch(
            "CREATE TRIGGER fail_dead BEFORE INSERT ON kv WHEN NEW.key = X'DEAD'
             BEGIN SELECT RAISE(ABORT, 'injected failure'); END;",
        )
        .unwrap();
    storage
}

fn assert_untouched(storage: &SqliteStorage) {
    assert_eq!(
        get(storage, Namespace::GroupState, b"group"),
        Some(b"epoch 1".to_vec())
    );
    assert_eq!(
        get(storage, Namespace::KeyPackages, b"kp"),
        Some(b"package".to_vec())
    );
    assert_eq!(get(storage, Namespace::EpochSecrets, b"new"), None);
    assert_eq!(get(storage, Namespace::TreeNodes, b"after"), None);
}

#[test]
fn a_batch_failing_midway_leaves_nothing_applied() {
    let dir = TempDir::new("midway");
    let storage = store_with_failing_key(&dir);

    // A state transition whose fourth write fails: the first three (a new
    // key, an overwrite and a delete) must be undone.
    let mut batch = WriteBatch::new();
    batch.put(Namespace::EpochSecrets, b"new".to_vec(), b"secret".to_vec());
    batch.put(
        Namespace::GroupState,
        b"group".to_vec(),
        b"epoch 2".to_vec(),
    );
    batch.delete(Namespace::KeyPackages, b"kp".to_vec());
    batch.put(Namespace::TreeNodes, vec![0xde, 0xad], b"node".to_vec());
    batch.put(Namespace::TreeNodes, b"after".to_vec(), b"node".to_vec());
    let err = storage.commit(batch).unwrap_err();
    assert!(err.message.contains("injected failure"), "{err}");
    assert!(err.message.contains("rolled back"), "{err}");

    assert_untouched(&storage);
    // Nor did anything reach the file: a fresh connection sees the same.
    drop(storage);
    let reopened = SqliteStorage::open(dir.db()).unwrap();
    assert_untouched(&reopened);

    // No transaction was left open: the next batch commits.
    let mut batch = WriteBatch::new();
    batch.put(
        Namespace::GroupState,
        b"group".to_vec(),
        b"epoch 2".to_vec(),
    );
    reopened.commit(batch).unwrap();
    assert_eq!(
        get(&reopened, Namespace::GroupState, b"group"),
        Some(b"epoch 2".to_vec())
    );
}

/// Another connection holds the write lock for longer than the busy timeout
/// (five seconds): the commit fails with an error, applies nothing, and the
/// store works once the lock is released.
#[test]
fn a_batch_blocked_by_another_writer_fails_cleanly() {
    let dir = TempDir::new("busy");
    let storage = SqliteStorage::open(dir.db()).unwrap();
    put(&storage, Namespace::GroupState, b"group", b"epoch 1");

    let other = Connection::open(dir.db()).unwrap();
    other.execute_batch("BEGIN IMMEDIATE").unwrap();

    let mut batch = WriteBatch::new();
    batch.put(
        Namespace::GroupState,
        b"group".to_vec(),
        b"epoch 2".to_vec(),
    );
    batch.put(Namespace::TreeNodes, b"n".to_vec(), b"node".to_vec());
    let err = storage.commit(batch.clone()).unwrap_err();
    assert!(err.message.contains("locked"), "{err}");
    // WAL: reads go on while another connection writes.
    assert_eq!(
        get(&storage, Namespace::GroupState, b"group"),
        Some(b"epoch 1".to_vec())
    );
    assert_eq!(get(&storage, Namespace::TreeNodes, b"n"), None);

    other.execute_batch("ROLLBACK").unwrap();
    storage.commit(batch).unwrap();
    assert_eq!(
        get(&storage, Namespace::GroupState, b"group"),
        Some(b"epoch 2".to_vec())
    );
}

#[test]
fn files_use_wal_and_record_the_schema_version() {
    let dir = TempDir::new("settings");
    let _storage = SqliteStorage::open(dir.db()).unwrap();
    let conn = Connection::open(dir.db()).unwrap();
    let mode: String = conn
        .pragma_query_value(None, "journal_mode", |row| row.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    assert_eq!(user_version(&conn), 1);
}

#[test]
fn a_newer_schema_version_is_refused() {
    let dir = TempDir::new("future");
    {
        let storage = SqliteStorage::open(dir.db()).unwrap();
        put(&storage, Namespace::GroupState, b"g", b"v");
    }
    let conn = Connection::open(dir.db()).unwrap();
    conn.pragma_update(None, "user_version", 2).unwrap();
    drop(conn);

    let err = SqliteStorage::open(dir.db()).unwrap_err();
    assert!(err.message.contains("schema version 2"), "{err}");
    assert!(err.message.contains("supports only version 1"), "{err}");
    assert!(err.message.contains("mls.sqlite"), "{err}");

    // Refusing did not change the file.
    let conn = Connection::open(dir.db()).unwrap();
    assert_eq!(user_version(&conn), 2);
}

#[test]
fn a_negative_schema_version_is_refused() {
    let dir = TempDir::new("negative");
    let conn = Connection::open(dir.db()).unwrap();
    conn.pragma_update(None, "user_version", -1).unwrap();
    drop(conn);
    let err = SqliteStorage::open(dir.db()).unwrap_err();
    assert!(err.message.contains("schema version -1"), "{err}");
}

#[test]
fn a_file_that_is_not_a_database_is_an_error() {
    let dir = TempDir::new("garbage");
    std::fs::write(dir.db(), vec![0x5a; 8192]).unwrap();
    let err = SqliteStorage::open(dir.db()).unwrap_err();
    assert!(err.message.contains("mls.sqlite"), "{err}");
}

#[test]
fn a_missing_directory_is_an_error() {
    let dir = TempDir::new("missing");
    let path = dir.path().join("no-such-dir").join("mls.sqlite");
    let err = SqliteStorage::open(&path).unwrap_err();
    assert!(err.message.contains("cannot open"), "{err}");
    assert!(err.message.contains("no-such-dir"), "{err}");
}

/// Deleted and overwritten values do not stay in the file (secure_delete).
#[test]
fn deleted_values_are_wiped_from_the_file() {
    const MARKER: &[u8] = b"EPOCH-SECRET-THAT-MUST-BE-GONE";
    let dir = TempDir::new("wipe");
    {
        let storage = SqliteStorage::open(dir.db()).unwrap();
        put(&storage, Namespace::EpochSecrets, b"deleted", MARKER);
        put(&storage, Namespace::OwnLeafKeys, b"replaced", MARKER);
        put(&storage, Namespace::GroupState, b"kept", b"other data");
        let mut batch = WriteBatch::new();
        batch.delete(Namespace::EpochSecrets, b"deleted".to_vec());
        batch.put(
            Namespace::OwnLeafKeys,
            b"replaced".to_vec(),
            b"new key".to_vec(),
        );
        storage.commit(batch).unwrap();
    }
    // Closing the last connection checkpoints the WAL into the file.
    let mut files = 0;
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        files += 1;
        assert!(!bytes.windows(MARKER.len()).any(|w| w == MARKER));
    }
    assert!(files >= 1);
    let storage = SqliteStorage::open(dir.db()).unwrap();
    assert_eq!(
        get(&storage, Namespace::GroupState, b"kept"),
        Some(b"other data".to_vec())
    );
}

#[test]
fn debug_names_the_database_only() {
    let storage = SqliteStorage::open_in_memory().unwrap();
    put(&storage, Namespace::Psks, b"k", b"SECRET");
    let shown = format!("{storage:?}");
    assert!(shown.contains("in memory"), "{shown}");
    assert!(!shown.contains("SECRET"), "{shown}");
}

#[test]
fn in_memory_stores_are_separate() {
    let a = SqliteStorage::open_in_memory().unwrap();
    let b = SqliteStorage::open_in_memory().unwrap();
    put(&a, Namespace::Psks, b"k", b"v");
    assert_eq!(get(&b, Namespace::Psks, b"k"), None);
}
