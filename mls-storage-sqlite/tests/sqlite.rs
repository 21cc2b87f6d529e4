//! Behaviour specific to the SQLite backend: persistence across reopening,
//! rollback of a failed batch, lock waits and `Busy`, schema versioning,
//! checkpoints, the write hook, file settings.
// Clippy's allow-unwrap-in-tests covers only `#[test]` functions; the
// helpers they call may unwrap too.
#![allow(clippy::unwrap_used)]

mod support;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use mls_core::provider::{Namespace, StorageProvider, WriteBatch};
use mls_core::{StorageError, StorageErrorKind};
use mls_storage_sqlite::{SqliteOptions, SqliteStorage};
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

fn short_timeout() -> SqliteOptions {
    let mut options = SqliteOptions::default();
    options.busy_timeout = Duration::from_millis(100);
    options
}

#[test]
fn default_busy_timeout_is_five_seconds() {
    assert_eq!(
        SqliteOptions::default().busy_timeout,
        Duration::from_secs(5)
    );
}

#[test]
fn data_survives_closing_and_reopening() {
    let dir = TempDir::new();
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
        let storage = SqliteStorage::open_with(dir.db(), &short_timeout()).unwrap();
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
    let dir = TempDir::new();
    let a = SqliteStorage::open(dir.db()).unwrap();
    let b = SqliteStorage::open(dir.db()).unwrap();
    put(&a, Namespace::Psks, b"psk", b"from a");
    assert_eq!(get(&b, Namespace::Psks, b"psk"), Some(b"from a".to_vec()));
    put(&b, Namespace::Psks, b"psk", b"from b");
    assert_eq!(get(&a, Namespace::Psks, b"psk"), Some(b"from b".to_vec()));
    assert_eq!(
        a.scan(Namespace::Psks, b"p").unwrap(),
        vec![(b"psk".to_vec(), b"from b".to_vec())]
    );
}

/// Several stores opening the same new file at once: one creates the
/// schema, the others wait for it and find it done.
#[test]
fn concurrent_opens_of_a_new_file_migrate_once() {
    let dir = TempDir::new();
    let path = dir.db();
    let stores: Vec<SqliteStorage> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..4)
            .map(|_| scope.spawn(|| SqliteStorage::open(&path).unwrap()))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    for (i, store) in stores.iter().enumerate() {
        put(store, Namespace::GroupState, &[i as u8], b"v");
    }
    assert_eq!(stores[0].scan(Namespace::GroupState, &[]).unwrap().len(), 4);
    assert_eq!(user_version(&Connection::open(&path).unwrap()), 1);
}

/// An existing empty file is a valid, empty SQLite database: it gets the
/// schema.
#[test]
fn an_empty_file_is_initialised() {
    let dir = TempDir::new();
    std::fs::write(dir.db(), b"").unwrap();
    let storage = SqliteStorage::open(dir.db()).unwrap();
    put(&storage, Namespace::GroupState, b"g", b"v");
    assert_eq!(user_version(&Connection::open(dir.db()).unwrap()), 1);
}

/// Sets up a file store holding two values, plus a second connection that
/// installs a trigger failing any insert of the key `DEAD`.
fn store_with_failing_key(dir: &TempDir) -> SqliteStorage {
    let storage = SqliteStorage::open(dir.db()).unwrap();
    seed(&storage);
    let other = Connection::open(dir.db()).unwrap();
    other
        .execute_batch(
            "CREATE TRIGGER fail_dead BEFORE INSERT ON kv WHEN NEW.key = X'DEAD'
             BEGIN SELECT RAISE(ABORT, 'injected failure'); END;",
        )
        .unwrap();
    storage
}

/// Two values, committed in one batch (three writes for the hook count).
fn seed(storage: &SqliteStorage) {
    let mut batch = WriteBatch::new();
    batch.put(
        Namespace::GroupState,
        b"group".to_vec(),
        b"epoch 1".to_vec(),
    );
    batch.put(Namespace::KeyPackages, b"kp".to_vec(), b"package".to_vec());
    storage.commit(batch).unwrap();
}

/// A state transition of five writes: a new key, an overwrite, a delete, a
/// put and a delete of a missing key.
fn five_op_batch() -> WriteBatch {
    let mut batch = WriteBatch::new();
    batch.put(Namespace::EpochSecrets, b"new".to_vec(), b"secret".to_vec());
    batch.put(
        Namespace::GroupState,
        b"group".to_vec(),
        b"epoch 2".to_vec(),
    );
    batch.delete(Namespace::KeyPackages, b"kp".to_vec());
    batch.put(Namespace::TreeNodes, b"after".to_vec(), b"node".to_vec());
    batch.delete(Namespace::Psks, b"missing".to_vec());
    batch
}

/// Checks that the store holds exactly what [`seed`] wrote.
fn assert_untouched(storage: &SqliteStorage) {
    assert_eq!(
        get(storage, Namespace::GroupState, b"group"),
        Some(b"epoch 1".to_vec())
    );
    assert_eq!(
        get(storage, Namespace::KeyPackages, b"kp"),
        Some(b"package".to_vec())
    );
    for namespace in Namespace::ALL {
        let expected = match namespace {
            Namespace::GroupState => 1,
            Namespace::KeyPackages => 1,
            _ => 0,
        };
        assert_eq!(
            storage.scan(namespace, &[]).unwrap().len(),
            expected,
            "{namespace:?}"
        );
    }
}

/// Checks that the store holds [`seed`] followed by [`five_op_batch`].
fn assert_batch_applied(storage: &SqliteStorage) {
    assert_eq!(
        get(storage, Namespace::GroupState, b"group"),
        Some(b"epoch 2".to_vec())
    );
    assert_eq!(get(storage, Namespace::KeyPackages, b"kp"), None);
    assert_eq!(
        get(storage, Namespace::EpochSecrets, b"new"),
        Some(b"secret".to_vec())
    );
    assert_eq!(
        get(storage, Namespace::TreeNodes, b"after"),
        Some(b"node".to_vec())
    );
}

#[test]
fn a_batch_failing_midway_leaves_nothing_applied() {
    let dir = TempDir::new();
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
    assert_eq!(err.kind, StorageErrorKind::Backend);
    assert!(err.message.contains("injected failure"), "{err}");
    assert!(err.message.contains("rolled back"), "{err}");

    assert_untouched(&storage);
    // Nor did anything reach the file: a fresh connection sees the same.
    drop(storage);
    let reopened = SqliteStorage::open(dir.db()).unwrap();
    assert_untouched(&reopened);

    // No transaction was left open: the next batch commits.
    reopened.commit(five_op_batch()).unwrap();
    assert_batch_applied(&reopened);
}

/// The hook sees one running count per store value: each put or delete and
/// each commit, across batches, whether a hook was installed or not.
#[test]
fn the_write_hook_sees_a_running_count() {
    let storage = SqliteStorage::open_in_memory().unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let record = |seen: &Arc<Mutex<Vec<u64>>>| {
        let seen = Arc::clone(seen);
        Some(Box::new(move |n| {
            seen.lock().unwrap().push(n);
            Ok(())
        }) as mls_storage_sqlite::WriteHook)
    };

    storage.set_write_hook(record(&seen));
    seed(&storage);
    assert_eq!(*seen.lock().unwrap(), [1, 2, 3]);
    // An empty batch writes nothing.
    storage.commit(WriteBatch::new()).unwrap();
    assert_eq!(*seen.lock().unwrap(), [1, 2, 3]);
    storage.commit(five_op_batch()).unwrap();
    assert_eq!(*seen.lock().unwrap(), [1, 2, 3, 4, 5, 6, 7, 8, 9]);

    // Counted without a hook too.
    storage.set_write_hook(None);
    put(&storage, Namespace::Psks, b"k", b"v");
    storage.set_write_hook(record(&seen));
    put(&storage, Namespace::Psks, b"k", b"w");
    assert_eq!(seen.lock().unwrap()[9..], [12, 13]);

    // Reads are not writes.
    get(&storage, Namespace::Psks, b"k");
    storage.scan(Namespace::Psks, b"").unwrap();
    assert_eq!(seen.lock().unwrap().len(), 11);
}

/// A hook error at the k-th write of a five-write batch, for every k and at
/// the commit: the batch is rolled back, the hook's error is returned, the
/// file holds nothing of the batch, and the next commit works.
#[test]
fn a_hook_error_at_any_write_rolls_back_the_whole_batch() {
    // Five puts and deletes, then the commit.
    for k in 1..=6u64 {
        let dir = TempDir::new();
        let storage = SqliteStorage::open(dir.db()).unwrap();
        seed(&storage); // Writes 1 to 3.
        let fail_at = 3 + k;
        storage.set_write_hook(Some(Box::new(move |n| {
            if n == fail_at {
                Err(StorageError::backend(format!(
                    "injected failure at write {n}"
                )))
            } else {
                Ok(())
            }
        })));

        let err = storage.commit(five_op_batch()).unwrap_err();
        assert_eq!(err.kind, StorageErrorKind::Backend, "k = {k}");
        assert_eq!(err.message, format!("injected failure at write {fail_at}"));
        assert_untouched(&storage);

        // A fresh connection sees the same.
        let other = SqliteStorage::open(dir.db()).unwrap();
        assert_untouched(&other);
        drop(other);

        // The store works on; the hook fails only once.
        storage.commit(five_op_batch()).unwrap();
        assert_batch_applied(&storage);
        drop(storage);
        assert_batch_applied(&SqliteStorage::open(dir.db()).unwrap());
    }
}

/// Another connection holds the write lock for longer than the busy
/// timeout: the commit fails with `Busy`, applies nothing, reads go on, and
/// the store works once the lock is released.
#[test]
fn a_batch_blocked_by_another_writer_fails_with_busy() {
    let dir = TempDir::new();
    let storage = SqliteStorage::open_with(dir.db(), &short_timeout()).unwrap();
    seed(&storage);

    let other = Connection::open(dir.db()).unwrap();
    other.execute_batch("BEGIN IMMEDIATE").unwrap();

    let started = Instant::now();
    let err = storage.commit(five_op_batch()).unwrap_err();
    let waited = started.elapsed();
    assert_eq!(err.kind, StorageErrorKind::Busy, "{err}");
    assert!(
        err.message.contains("another connection or process"),
        "{err}"
    );
    assert!(err.message.contains("retrying may succeed"), "{err}");
    assert!(err.message.contains("mls.sqlite"), "{err}");
    assert!(waited >= Duration::from_millis(90), "{waited:?}");
    // WAL: reads go on while another connection writes.
    assert_untouched(&storage);

    other.execute_batch("ROLLBACK").unwrap();
    storage.commit(five_op_batch()).unwrap();
    assert_batch_applied(&storage);
}

/// A writer that releases the lock within the busy timeout is waited for.
#[test]
fn a_batch_waits_for_another_writer_within_the_busy_timeout() {
    let dir = TempDir::new();
    let storage = SqliteStorage::open(dir.db()).unwrap();
    seed(&storage);

    let other = Connection::open(dir.db()).unwrap();
    other.execute_batch("BEGIN IMMEDIATE").unwrap();
    other
        .execute(
            "INSERT INTO kv (namespace, key, value) VALUES (?1, ?2, ?3)",
            rusqlite::params![Namespace::Psks.name(), b"other", b"writer"],
        )
        .unwrap();
    let started = Instant::now();
    std::thread::scope(|scope| {
        scope.spawn(move || {
            std::thread::sleep(Duration::from_millis(300));
            other.execute_batch("COMMIT").unwrap();
        });
        storage.commit(five_op_batch()).unwrap();
    });
    assert!(started.elapsed() >= Duration::from_millis(250));
    assert_batch_applied(&storage);
    assert_eq!(
        get(&storage, Namespace::Psks, b"other"),
        Some(b"writer".to_vec())
    );
}

#[test]
fn files_use_wal_and_record_the_schema_version() {
    let dir = TempDir::new();
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
    let dir = TempDir::new();
    {
        let storage = SqliteStorage::open(dir.db()).unwrap();
        put(&storage, Namespace::GroupState, b"g", b"v");
    }
    let conn = Connection::open(dir.db()).unwrap();
    conn.pragma_update(None, "user_version", 99).unwrap();
    drop(conn);

    let err = SqliteStorage::open(dir.db()).unwrap_err();
    assert_eq!(err.kind, StorageErrorKind::UnsupportedVersion, "{err}");
    assert!(err.message.contains("schema version 99"), "{err}");
    assert!(err.message.contains("supports only version 1"), "{err}");
    assert!(err.message.contains("mls.sqlite"), "{err}");

    // Refusing did not change the file.
    let conn = Connection::open(dir.db()).unwrap();
    assert_eq!(user_version(&conn), 99);
    let value: Vec<u8> = conn
        .query_row("SELECT value FROM kv WHERE key = X'67'", [], |row| {
            row.get(0)
        })
        .unwrap();
    assert_eq!(value, b"v");
}

#[test]
fn a_negative_schema_version_is_refused() {
    let dir = TempDir::new();
    let conn = Connection::open(dir.db()).unwrap();
    conn.pragma_update(None, "user_version", -1).unwrap();
    drop(conn);
    let err = SqliteStorage::open(dir.db()).unwrap_err();
    assert_eq!(err.kind, StorageErrorKind::Corrupt, "{err}");
    assert!(err.message.contains("schema version -1"), "{err}");
}

#[test]
fn a_file_that_is_not_a_database_is_refused() {
    let dir = TempDir::new();
    let garbage = vec![0x5a; 8192];
    std::fs::write(dir.db(), &garbage).unwrap();
    let err = SqliteStorage::open(dir.db()).unwrap_err();
    assert_eq!(err.kind, StorageErrorKind::Corrupt, "{err}");
    assert!(err.message.contains("not a SQLite database"), "{err}");
    assert!(err.message.contains("mls.sqlite"), "{err}");
    // Refusing did not change the file.
    assert_eq!(std::fs::read(dir.db()).unwrap(), garbage);
}

#[test]
fn a_missing_directory_is_an_error() {
    let dir = TempDir::new();
    let path = dir.path().join("no-such-dir").join("mls.sqlite");
    let err = SqliteStorage::open(&path).unwrap_err();
    assert_eq!(err.kind, StorageErrorKind::Backend, "{err}");
    assert!(err.message.contains("cannot open"), "{err}");
    assert!(err.message.contains("no-such-dir"), "{err}");
}

/// Deleted and overwritten values do not stay in the file (secure_delete).
#[test]
fn deleted_values_are_wiped_from_the_file() {
    const MARKER: &[u8] = b"EPOCH-SECRET-THAT-MUST-BE-GONE";
    let dir = TempDir::new();
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
    assert!(!any_file_contains(&dir, MARKER));
    let storage = SqliteStorage::open(dir.db()).unwrap();
    assert_eq!(
        get(&storage, Namespace::GroupState, b"kept"),
        Some(b"other data".to_vec())
    );
}

fn any_file_contains(dir: &TempDir, needle: &[u8]) -> bool {
    std::fs::read_dir(dir.path()).unwrap().any(|entry| {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        bytes.windows(needle.len()).any(|w| w == needle)
    })
}

/// While the store stays open, a deleted secret is still in the WAL file
/// until `checkpoint`, which empties the WAL file.
#[test]
fn checkpoint_removes_deleted_secrets_from_the_wal_file() {
    const MARKER: &[u8] = b"OLD-EPOCH-SECRET-IN-THE-WAL";
    let dir = TempDir::new();
    let storage = SqliteStorage::open(dir.db()).unwrap();
    put(&storage, Namespace::EpochSecrets, b"epoch-0", MARKER);
    put(&storage, Namespace::GroupState, b"kept", b"other data");
    let mut batch = WriteBatch::new();
    batch.delete(Namespace::EpochSecrets, b"epoch-0".to_vec());
    storage.commit(batch).unwrap();

    let wal = dir.path().join("mls.sqlite-wal");
    assert!(
        any_file_contains(&dir, MARKER),
        "the WAL keeps the old page"
    );
    storage.checkpoint().unwrap();
    assert_eq!(std::fs::metadata(&wal).unwrap().len(), 0);
    assert!(!any_file_contains(&dir, MARKER));

    // The store works on.
    assert_eq!(
        get(&storage, Namespace::GroupState, b"kept"),
        Some(b"other data".to_vec())
    );
    put(&storage, Namespace::GroupState, b"more", b"data");
    storage.checkpoint().unwrap();
    assert_eq!(
        get(&storage, Namespace::GroupState, b"more"),
        Some(b"data".to_vec())
    );
}

/// A reader holding an old snapshot keeps the checkpoint from finishing.
#[test]
fn checkpoint_blocked_by_a_reader_is_busy() {
    let dir = TempDir::new();
    let storage = SqliteStorage::open_with(dir.db(), &short_timeout()).unwrap();
    put(&storage, Namespace::GroupState, b"g", b"1");

    let reader = Connection::open(dir.db()).unwrap();
    reader.execute_batch("BEGIN").unwrap();
    let _: i64 = reader
        .query_row("SELECT count(*) FROM kv", [], |row| row.get(0))
        .unwrap();
    put(&storage, Namespace::GroupState, b"g", b"2");

    let err = storage.checkpoint().unwrap_err();
    assert_eq!(err.kind, StorageErrorKind::Busy, "{err}");
    reader.execute_batch("COMMIT").unwrap();
    storage.checkpoint().unwrap();
}

#[test]
fn checkpoint_in_memory_is_a_no_op() {
    let storage = SqliteStorage::open_in_memory().unwrap();
    put(&storage, Namespace::GroupState, b"g", b"v");
    storage.checkpoint().unwrap();
    assert_eq!(
        get(&storage, Namespace::GroupState, b"g"),
        Some(b"v".to_vec())
    );
}

/// Many threads share one store through an `Arc` and interleave batches:
/// every write lands, every delete holds.
#[test]
fn threads_sharing_one_store_lose_nothing() {
    const THREADS: u8 = 8;
    const BATCHES: u8 = 40;
    let dir = TempDir::new();
    let storage = Arc::new(SqliteStorage::open(dir.db()).unwrap());
    let stop_reader = Arc::new(AtomicBool::new(false));

    let reader = {
        let storage = Arc::clone(&storage);
        let stop = Arc::clone(&stop_reader);
        std::thread::spawn(move || {
            while !stop.load(Ordering::Acquire) {
                // Each writer's "current" entry is replaced in every batch:
                // at most one per writer at any time.
                let current = storage.scan(Namespace::GroupState, b"current/").unwrap();
                assert!(current.len() <= usize::from(THREADS));
            }
        })
    };
    let writers: Vec<_> = (0..THREADS)
        .map(|t| {
            let storage = Arc::clone(&storage);
            std::thread::spawn(move || {
                for b in 0..BATCHES {
                    let mut batch = WriteBatch::new();
                    batch.put(Namespace::TreeNodes, vec![t, b], vec![b, t]);
                    batch.put(Namespace::EpochSecrets, vec![t, b], vec![b]);
                    if b > 0 {
                        batch.delete(Namespace::EpochSecrets, vec![t, b - 1]);
                    }
                    batch.put(
                        Namespace::GroupState,
                        [b"current/".as_slice(), &[t]].concat(),
                        vec![b],
                    );
                    storage.commit(batch).unwrap();
                }
            })
        })
        .collect();
    let results: Vec<_> = writers.into_iter().map(|w| w.join()).collect();
    stop_reader.store(true, Ordering::Release);
    reader.join().unwrap();
    for result in results {
        result.unwrap();
    }

    let nodes = storage.scan(Namespace::TreeNodes, &[]).unwrap();
    assert_eq!(nodes.len(), usize::from(THREADS) * usize::from(BATCHES));
    for t in 0..THREADS {
        for b in 0..BATCHES {
            assert_eq!(
                get(&storage, Namespace::TreeNodes, &[t, b]),
                Some(vec![b, t])
            );
        }
        assert_eq!(
            storage.scan(Namespace::EpochSecrets, &[t]).unwrap(),
            vec![(vec![t, BATCHES - 1], vec![BATCHES - 1])]
        );
    }
    let current = storage.scan(Namespace::GroupState, b"current/").unwrap();
    assert_eq!(current.len(), usize::from(THREADS));
    assert!(current.iter().all(|(_, v)| v == &[BATCHES - 1]));
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
