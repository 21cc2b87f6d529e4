//! One writer per group (CHECKLIST "Concurrency"): two instances of one
//! group on one SQLite file, in two threads and in two processes. The
//! instance that fell behind gets `Error::Conflict`, changes nothing, and
//! works again once reloaded; no update is lost and no generation of a
//! ratchet is used twice.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use interop::clients::{StoredProvider, TestProvider, client, client_on_storage, seed};
use mls_core::group::{Client, Group, GroupConfig, KeyPackageOptions, ProcessedMessage};
use mls_core::provider::StorageProvider;
use mls_core::{CipherSuite, Error, MlsMessage};
use mls_storage_sqlite::SqliteStorage;
use std::path::Path;
use std::sync::Arc;

const SUITE: CipherSuite = CipherSuite::MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519;
/// Set for the child process of `two_processes_on_one_file`: the database.
const CHILD_DB: &str = "MLS_TWO_WRITERS_CHILD_DB";

/// Alice's client on its own connection to `db` (an app and its extension
/// each open the file); `n` keeps their random draws apart.
fn alice_on(db: &Path, n: u64) -> Client<StoredProvider> {
    let storage: Arc<dyn StorageProvider> = Arc::new(SqliteStorage::open(db).unwrap());
    client_on_storage("rustcrypto", SUITE, "alice", seed(100 + n), storage).unwrap()
}

/// Alice (stored in `db`) and Bob (in memory) in one group; Alice's group
/// id.
fn setup(db: &Path) -> (Vec<u8>, Group<TestProvider>) {
    let alice = alice_on(db, 0);
    let bob = client("rustcrypto", SUITE, "bob", seed(2)).unwrap();
    let mut a = Group::create(&alice, SUITE, Default::default(), GroupConfig::default()).unwrap();
    let kp = bob
        .generate_key_package(SUITE, &KeyPackageOptions::default())
        .unwrap();
    let out = a.add_members(&[kp]).unwrap();
    a.merge_pending_commit().unwrap();
    let b = Group::join(&bob, &out.welcome.unwrap(), GroupConfig::default()).unwrap();
    (a.group_id().to_vec(), b)
}

fn is_conflict<T: std::fmt::Debug>(result: &Result<T, Error>) -> bool {
    matches!(result, Err(Error::Conflict))
}

fn expect_app(b: &mut Group<TestProvider>, m: &MlsMessage, data: &[u8]) {
    match b.process_message(m) {
        Ok(ProcessedMessage::Application(a)) => assert_eq!(a.data, data),
        other => panic!("expected application data, got {other:?}"),
    }
}

/// The stale instance is refused, in memory and in storage, and works
/// after a reload; Bob reads both messages (distinct generations).
#[test]
fn a_stale_instance_gets_conflict_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("alice.sqlite");
    let (id, mut b) = setup(&db);
    let mut first = Group::load(&alice_on(&db, 1), &id).unwrap();
    let mut second = Group::load(&alice_on(&db, 2), &id).unwrap();

    let m1 = first.encrypt_application_message(b"one", b"").unwrap();
    let stale = second.encrypt_application_message(b"two", b"");
    assert!(is_conflict(&stale), "{stale:?}");
    // A commit is refused as well, and leaves the stale instance's epoch.
    let commit = second
        .self_update()
        .and_then(|_| second.merge_pending_commit());
    assert!(is_conflict(&commit), "{commit:?}");
    assert_eq!(second.epoch(), 1);

    let mut second = Group::load(&alice_on(&db, 3), &id).unwrap();
    let m2 = second.encrypt_application_message(b"two", b"").unwrap();
    expect_app(&mut b, &m1, b"one");
    expect_app(&mut b, &m2, b"two");
    // `first` is the stale one now.
    assert!(is_conflict(&first.encrypt_application_message(b"x", b"")));
}

/// Two threads send as fast as they can through their own instances,
/// reloading on each conflict: every message sent is read by Bob (none
/// shares a generation), and the count adds up.
/// `Group::load` gives up with `Error::Conflict` after a few reads torn
/// by another writer; while the other thread writes as fast as it can (and
/// the machine is busy) that can happen, so the caller tries again, as an
/// application would.
fn load_while_busy(client: &Client<StoredProvider>, id: &[u8]) -> Group<StoredProvider> {
    loop {
        match Group::load(client, id) {
            Ok(group) => return group,
            Err(Error::Conflict) => std::thread::yield_now(),
            Err(e) => panic!("load: {e:?}"),
        }
    }
}

#[test]
fn two_threads_on_one_file_lose_nothing() {
    const EACH: usize = 15;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("alice.sqlite");
    let (id, mut b) = setup(&db);
    let workers: Vec<_> = (0..2u64)
        .map(|t| {
            let db = db.clone();
            let id = id.clone();
            std::thread::spawn(move || {
                let client = alice_on(&db, 10 + t);
                let mut group = load_while_busy(&client, &id);
                let (mut sent, mut conflicts) = (Vec::new(), 0);
                while sent.len() < EACH {
                    match group.encrypt_application_message(format!("{t}").as_bytes(), b"") {
                        Ok(m) => sent.push(m),
                        Err(Error::Conflict) => {
                            conflicts += 1;
                            group = load_while_busy(&client, &id);
                        }
                        Err(e) => panic!("thread {t}: {e:?}"),
                    }
                }
                (sent, conflicts)
            })
        })
        .collect();
    let mut total = 0;
    for (t, w) in workers.into_iter().enumerate() {
        let (sent, _conflicts) = w.join().unwrap();
        for m in &sent {
            expect_app(&mut b, m, format!("{t}").as_bytes());
            total += 1;
        }
    }
    assert_eq!(total, 2 * EACH);
}

/// Run as a child process by `two_processes_on_one_file`: loads Alice's
/// group from the file and commits, so the parent's instance is stale.
#[test]
#[ignore = "the child process of two_processes_on_one_file"]
fn child_commits() {
    let Ok(db) = std::env::var(CHILD_DB) else {
        return;
    };
    let db = Path::new(&db);
    let id = std::fs::read(db.with_extension("id")).unwrap();
    let mut group = Group::load(&alice_on(db, 50), &id).unwrap();
    let out = group.self_update().unwrap();
    group.merge_pending_commit().unwrap();
    std::fs::write(db.with_extension("commit"), out.commit.to_bytes().unwrap()).unwrap();
}

/// Another process commits while this one holds a loaded instance: this
/// instance's send and commit are refused with `Conflict`, the other
/// process's epoch is what is stored (no lost update), and a reload
/// follows it.
#[test]
fn two_processes_on_one_file() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("alice.sqlite");
    let (id, mut b) = setup(&db);
    std::fs::write(db.with_extension("id"), &id).unwrap();
    let mut stale = Group::load(&alice_on(&db, 1), &id).unwrap();

    let status = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "child_commits", "--ignored", "--test-threads=1"])
        .env(CHILD_DB, &db)
        .status()
        .unwrap();
    assert!(status.success(), "the child process failed");
    let commit =
        MlsMessage::from_bytes(&std::fs::read(db.with_extension("commit")).unwrap()).unwrap();

    assert!(is_conflict(&stale.encrypt_application_message(b"x", b"")));
    let refused = stale
        .self_update()
        .and_then(|_| stale.merge_pending_commit());
    assert!(is_conflict(&refused), "{refused:?}");
    assert_eq!(stale.epoch(), 1, "the stale instance stays where it was");

    let mut fresh = Group::load(&alice_on(&db, 2), &id).unwrap();
    assert_eq!(
        fresh.epoch(),
        2,
        "the other process's commit is what is stored"
    );
    match b.process_and_merge(&commit) {
        Ok(ProcessedMessage::Commit(_)) => {}
        other => panic!("expected the child's commit, got {other:?}"),
    }
    assert_eq!(fresh.epoch_authenticator(), b.epoch_authenticator());
    let m = fresh.encrypt_application_message(b"after", b"").unwrap();
    expect_app(&mut b, &m, b"after");
}
