//! Several processes on one database file, and crashes in the middle of a
//! batch.
//!
//! Each test re-executes this test binary (`--exact <test name>`) with
//! `MLS_SQLITE_TEST_CHILD` set to the role the child plays; the same test
//! function, run as the child, plays that role and returns.
// Clippy's allow-unwrap-in-tests covers only `#[test]` functions; the
// helpers they call may unwrap too.
#![allow(clippy::unwrap_used, clippy::panic)]

mod support;

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use mls_core::StorageErrorKind;
use mls_core::provider::{Namespace, StorageProvider, WriteBatch};
use mls_storage_sqlite::{SqliteOptions, SqliteStorage};
use rusqlite::Connection;
use support::TempDir;

const ROLE: &str = "MLS_SQLITE_TEST_CHILD";
const DB: &str = "MLS_SQLITE_TEST_DB";
const ABORT_AT: &str = "MLS_SQLITE_TEST_ABORT_AT";

/// What a child prints once it holds the write lock.
const LOCKED: &str = "CHILD HOLDS THE WRITE LOCK";
/// How long the child holds it.
const HOLD: Duration = Duration::from_secs(1);

/// The role this process plays, if it is a child.
fn child_role() -> Option<String> {
    std::env::var(ROLE).ok()
}

fn child_db() -> PathBuf {
    PathBuf::from(std::env::var_os(DB).unwrap())
}

/// Starts this test binary running only `test`, as a child in `role`.
fn spawn_child(test: &str, role: &str, dir: &TempDir, extra: &[(&str, String)]) -> Child {
    let mut command = Command::new(std::env::current_exe().unwrap());
    command
        .args(["--exact", test, "--nocapture", "--test-threads=1"])
        .env(ROLE, role)
        .env(DB, dir.db())
        // A core dump from an aborting child lands in the temp dir.
        .current_dir(dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (key, value) in extra {
        command.env(key, value);
    }
    command.spawn().unwrap()
}

/// Reads the child's stdout until it says it holds the lock.
fn wait_until_locked(child: &mut Child) -> BufReader<std::process::ChildStdout> {
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    loop {
        line.clear();
        if stdout.read_line(&mut line).unwrap() == 0 {
            let mut stderr = String::new();
            child
                .stderr
                .take()
                .unwrap()
                .read_to_string(&mut stderr)
                .unwrap();
            panic!("the child exited before taking the lock: {stderr}");
        }
        if line.contains(LOCKED) {
            return stdout;
        }
    }
}

/// Waits for the child and checks that it succeeded.
fn finish(mut child: Child, mut stdout: BufReader<std::process::ChildStdout>) {
    let mut rest = String::new();
    stdout.read_to_string(&mut rest).unwrap();
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    let status = child.wait().unwrap();
    assert!(status.success(), "child failed: {status}\n{rest}\n{stderr}");
}

/// The child's part: take the write lock with a raw connection, write its
/// own value, say so, hold the lock for [`HOLD`], commit.
fn hold_the_write_lock(db: &Path) {
    let conn = Connection::open(db).unwrap();
    conn.busy_timeout(Duration::from_secs(5)).unwrap();
    conn.execute_batch("BEGIN IMMEDIATE").unwrap();
    conn.execute(
        "INSERT INTO kv (namespace, key, value) VALUES (?1, ?2, ?3)",
        rusqlite::params![Namespace::GroupState.name(), b"child", b"child data"],
    )
    .unwrap();
    println!("{LOCKED}");
    std::thread::sleep(HOLD);
    conn.execute_batch("COMMIT").unwrap();
}

fn parent_batch() -> WriteBatch {
    let mut batch = WriteBatch::new();
    batch.put(
        Namespace::GroupState,
        b"parent".to_vec(),
        b"parent data".to_vec(),
    );
    batch.put(
        Namespace::TreeNodes,
        b"node".to_vec(),
        b"parent node".to_vec(),
    );
    batch
}

/// `PRAGMA integrity_check` on a fresh connection.
fn assert_intact(db: &Path) {
    let conn = Connection::open(db).unwrap();
    let result: String = conn
        .query_row("PRAGMA integrity_check", [], |row| row.get(0))
        .unwrap();
    assert_eq!(result, "ok");
}

fn assert_both_processes_data(storage: &SqliteStorage) {
    assert_eq!(
        storage.get(Namespace::GroupState, b"child").unwrap(),
        Some(b"child data".to_vec())
    );
    assert_eq!(
        storage.get(Namespace::GroupState, b"parent").unwrap(),
        Some(b"parent data".to_vec())
    );
    assert_eq!(
        storage.get(Namespace::TreeNodes, b"node").unwrap(),
        Some(b"parent node".to_vec())
    );
}

/// Another process holds the write lock for a second; with the default
/// busy timeout (five seconds) the commit waits for it and succeeds.
#[test]
fn a_commit_waits_for_another_process_holding_the_lock() {
    const NAME: &str = "a_commit_waits_for_another_process_holding_the_lock";
    if child_role().is_some() {
        hold_the_write_lock(&child_db());
        return;
    }
    let dir = TempDir::new();
    let storage = SqliteStorage::open(dir.db()).unwrap();

    let mut child = spawn_child(NAME, "hold-lock", &dir, &[]);
    let stdout = wait_until_locked(&mut child);
    let started = Instant::now();
    storage.commit(parent_batch()).unwrap();
    let waited = started.elapsed();
    // The commit got the lock only once the child had committed.
    assert_eq!(
        storage.get(Namespace::GroupState, b"child").unwrap(),
        Some(b"child data".to_vec())
    );
    assert!(waited >= HOLD / 4, "did not wait for the lock: {waited:?}");
    finish(child, stdout);

    assert_intact(&dir.db());
    assert_both_processes_data(&storage);
}

/// The same with a 100 ms busy timeout: the commit fails with `Busy` and
/// applies nothing; once the other process is done, a retry succeeds.
#[test]
fn a_commit_blocked_by_another_process_fails_with_busy() {
    const NAME: &str = "a_commit_blocked_by_another_process_fails_with_busy";
    if child_role().is_some() {
        hold_the_write_lock(&child_db());
        return;
    }
    let dir = TempDir::new();
    let mut options = SqliteOptions::default();
    options.busy_timeout = Duration::from_millis(100);
    let storage = SqliteStorage::open_with(dir.db(), &options).unwrap();

    let mut child = spawn_child(NAME, "hold-lock", &dir, &[]);
    let stdout = wait_until_locked(&mut child);
    let err = storage.commit(parent_batch()).unwrap_err();
    assert_eq!(err.kind, StorageErrorKind::Busy, "{err}");
    assert!(err.message.contains("retrying may succeed"), "{err}");
    // Nothing of the batch, and the child's write is not committed yet.
    assert_eq!(
        storage.scan(Namespace::GroupState, &[]).unwrap(),
        Vec::new()
    );
    assert_eq!(storage.scan(Namespace::TreeNodes, &[]).unwrap(), Vec::new());
    finish(child, stdout);

    storage.commit(parent_batch()).unwrap();
    assert_intact(&dir.db());
    assert_both_processes_data(&storage);
}

/// Writes what the crash test starts from.
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

/// A state transition of five writes.
fn five_op_batch() -> WriteBatch {
    let mut batch = WriteBatch::new();
    batch.put(Namespace::EpochSecrets, b"new".to_vec(), b"secret".to_vec());
    batch.put(
        Namespace::GroupState,
        b"group".to_vec(),
        b"epoch 2".to_vec(),
    );
    batch.delete(Namespace::KeyPackages, b"kp".to_vec());
    batch.put(Namespace::TreeNodes, b"node".to_vec(), vec![7; 64 * 1024]);
    batch.delete(Namespace::Psks, b"missing".to_vec());
    batch
}

/// Every entry of every namespace.
fn contents(storage: &SqliteStorage) -> Vec<(Namespace, Vec<u8>, Vec<u8>)> {
    Namespace::ALL
        .into_iter()
        .flat_map(|namespace| {
            storage
                .scan(namespace, &[])
                .unwrap()
                .into_iter()
                .map(move |(key, value)| (namespace, key, value))
        })
        .collect()
}

/// A process killed (`abort`) before any of the five writes of a batch or
/// before its commit leaves the file with none of the batch; one that gets
/// through leaves all of it. Either way the file is intact and usable.
#[test]
fn a_crash_at_any_write_leaves_all_or_nothing() {
    const NAME: &str = "a_crash_at_any_write_leaves_all_or_nothing";
    if child_role().is_some() {
        let abort_at: u64 = std::env::var(ABORT_AT).unwrap().parse().unwrap();
        let storage = SqliteStorage::open(child_db()).unwrap();
        storage.set_write_hook(Some(Box::new(move |n| {
            if n == abort_at {
                std::process::abort();
            }
            Ok(())
        })));
        storage.commit(five_op_batch()).unwrap();
        return;
    }

    let (before, after) = {
        let scratch = SqliteStorage::open_in_memory().unwrap();
        seed(&scratch);
        let before = contents(&scratch);
        scratch.commit(five_op_batch()).unwrap();
        (before, contents(&scratch))
    };
    // Writes 1 to 5 are the puts and deletes, 6 the commit; 7 never comes.
    for k in 1..=7u64 {
        let dir = TempDir::new();
        seed(&SqliteStorage::open(dir.db()).unwrap());

        let child = spawn_child(NAME, "abort-at", &dir, &[(ABORT_AT, k.to_string())]);
        let output = child.wait_with_output().unwrap();
        let crashed = k <= 6;
        assert_eq!(
            !output.status.success(),
            crashed,
            "k = {k}: {}\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );

        assert_intact(&dir.db());
        let storage = SqliteStorage::open(dir.db()).unwrap();
        let expected = if crashed { &before } else { &after };
        assert_eq!(&contents(&storage), expected, "k = {k}");
        // The file is usable: the batch can be committed now.
        storage.commit(five_op_batch()).unwrap();
        assert_eq!(contents(&storage), after, "k = {k}");
    }
}
