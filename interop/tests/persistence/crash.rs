//! The crash matrix (issue "Persistence"): each of merging our own commit,
//! processing another member's commit, joining from a Welcome and a public
//! view (`PublicGroup`) following a commit runs in a
//! child process that aborts at its k-th storage write, for every k, and
//! once right after the transition returned. The database is then reopened:
//! the group must be exactly in the old epoch or exactly in the new one
//! (epoch, authenticator, exporter, GroupContext, tree, pending commit; the
//! load itself checks the stored tree against the GroupContext's hash),
//! and it must continue: the transition is redone if it was lost, a control
//! member's next commit is processed, and the authenticators agree.
//!
//! The child is this test binary again, running the ignored test
//! `crash_child` with the scenario in environment variables.

use super::public_view::{
    View, ViewPrint, builder as view_builder, config as view_config, print as view_print,
};
use super::support::*;
use interop::clients::StoredProvider;
use mls_core::MlsMessage;
use mls_core::group::{Client, Group, GroupConfig};
use mls_core::provider::{Provider, StorageProvider};
use mls_storage_memory::MemoryStorage;
use mls_storage_sqlite::SqliteStorage;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

const ENV_SCENARIO: &str = "MLS_CRASH_SCENARIO";
const ENV_DIR: &str = "MLS_CRASH_DIR";
const ENV_K: &str = "MLS_CRASH_K";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Scenario {
    Merge,
    Process,
    Join,
    /// A delivery service's public view processes a member's commit.
    Public,
}

impl Scenario {
    fn name(self) -> &'static str {
        match self {
            Scenario::Merge => "merge",
            Scenario::Process => "process",
            Scenario::Join => "join",
            Scenario::Public => "public",
        }
    }

    fn parse(s: &str) -> Self {
        match s {
            "merge" => Scenario::Merge,
            "process" => Scenario::Process,
            "join" => Scenario::Join,
            "public" => Scenario::Public,
            other => panic!("unknown scenario {other}"),
        }
    }

    /// The member whose database the transition writes.
    fn subject(self) -> &'static str {
        match self {
            Scenario::Join => "dave",
            Scenario::Public => "ds",
            _ => "alice",
        }
    }
}

fn db(dir: &Path, name: &str) -> PathBuf {
    dir.join(format!("{name}.db"))
}

/// Copies a database with its WAL and shared-memory files, if any.
fn copy_db(from: &Path, to: &Path, name: &str) {
    std::fs::create_dir_all(to).unwrap();
    for suffix in ["", "-wal", "-shm"] {
        let src = from.join(format!("{name}.db{suffix}"));
        if src.exists() {
            std::fs::copy(&src, to.join(format!("{name}.db{suffix}"))).unwrap();
        }
    }
}

fn subject_client(
    scenario: Scenario,
    storage: Arc<dyn StorageProvider>,
    restart: u64,
) -> Client<StoredProvider> {
    match scenario {
        Scenario::Join => member("aws-lc", "dave", storage, restart),
        _ => member("rustcrypto", "alice", storage, restart),
    }
}

fn read_message(dir: &Path, name: &str) -> MlsMessage {
    MlsMessage::from_bytes(&std::fs::read(dir.join(name)).unwrap()).unwrap()
}

fn write_message(dir: &Path, name: &str, m: &MlsMessage) {
    std::fs::write(dir.join(name), m.to_bytes().unwrap()).unwrap();
}

/// The subject after the transition.
enum Subject {
    Member(Box<Group<StoredProvider>>),
    View(Box<View>),
}

impl Subject {
    /// Processes the control member's next commit; what must equal the
    /// control's: its epoch authenticator, or the view's GroupContext.
    fn follow(self, commit: &MlsMessage) -> Vec<u8> {
        match self {
            Subject::Member(mut g) => {
                g.process_and_merge(commit).unwrap();
                g.epoch_authenticator().to_vec()
            }
            Subject::View(mut v) => {
                v.process_and_merge(commit).unwrap();
                mls_core::codec::encode(v.group_context()).unwrap()
            }
        }
    }
}

/// The transition, on the subject's database in `dir`.
fn transition(scenario: Scenario, dir: &Path, client: &Client<StoredProvider>) -> Subject {
    let group_id = std::fs::read(dir.join("group_id")).unwrap();
    if scenario == Scenario::Public {
        let mut v = view_builder(client.provider().storage().clone(), 1)
            .load(&group_id)
            .unwrap();
        v.process_and_merge(&read_message(dir, "commit")).unwrap();
        return Subject::View(Box::new(v));
    }
    Subject::Member(Box::new(match scenario {
        Scenario::Merge => {
            let mut g = Group::load(client, &group_id).unwrap();
            g.merge_pending_commit().unwrap();
            g
        }
        Scenario::Process => {
            let mut g = Group::load(client, &group_id).unwrap();
            g.process_and_merge(&read_message(dir, "commit")).unwrap();
            g
        }
        Scenario::Join | Scenario::Public => {
            let welcome = read_message(dir, "welcome");
            Group::join(client, &welcome, GroupConfig::default()).unwrap()
        }
    }))
}

/// Entry point of the child process; does nothing unless started by the
/// matrix below.
#[test]
#[ignore = "run by the crash matrix in a child process"]
fn crash_child() {
    let Ok(scenario) = std::env::var(ENV_SCENARIO) else {
        return;
    };
    let scenario = Scenario::parse(&scenario);
    let dir = PathBuf::from(std::env::var(ENV_DIR).unwrap());
    let k = std::env::var(ENV_K).unwrap();
    let sqlite = Arc::new(SqliteStorage::open(db(&dir, scenario.subject())).unwrap());
    let client = subject_client(scenario, sqlite.clone(), 1);
    let after = k == "after";
    if !after {
        let k: u64 = k.parse().unwrap();
        sqlite.set_write_hook(Some(Box::new(move |n| {
            if n == k {
                std::process::abort();
            }
            Ok(())
        })));
    }
    let _group = transition(scenario, &dir, &client);
    if after {
        std::process::abort();
    }
    println!("completed");
}

enum Outcome {
    Aborted,
    Completed,
}

fn run_child(scenario: Scenario, dir: &Path, k: &str) -> Outcome {
    let out = Command::new(std::env::current_exe().unwrap())
        .args([
            "--ignored",
            "--exact",
            "persistence::crash::crash_child",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(ENV_SCENARIO, scenario.name())
        .env(ENV_DIR, dir)
        .env(ENV_K, k)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    if out.status.signal() == Some(6) {
        Outcome::Aborted
    } else if out.status.success() && stdout.contains("completed") {
        Outcome::Completed
    } else {
        panic!(
            "{scenario:?} k={k}: child failed: {:?}\n{stdout}\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// What the subject's database holds, as far as the scenario is concerned.
#[derive(Debug, PartialEq, Eq)]
enum State {
    Group(Fingerprint),
    /// Not joined yet; the KeyPackages held.
    NotJoined(usize),
    View(ViewPrint),
}

fn state(scenario: Scenario, dir: &Path) -> State {
    let storage: Arc<dyn StorageProvider> =
        Arc::new(SqliteStorage::open(db(dir, scenario.subject())).unwrap());
    let group_id = std::fs::read(dir.join("group_id")).unwrap();
    if scenario == Scenario::Public {
        return State::View(view_print(
            &view_builder(storage, 2).load(&group_id).unwrap(),
        ));
    }
    let client = subject_client(scenario, storage, 2);
    if client.group_ids().unwrap().is_empty() {
        return State::NotJoined(client.key_packages().unwrap().len());
    }
    State::Group(fingerprint(&Group::load(&client, &group_id).unwrap()))
}

/// Builds the scenario in `base`: the subject's database right before the
/// transition, the message it needs, and the control member's next commit
/// (its authenticator after that commit is returned).
fn build(scenario: Scenario, base: &Path) -> Vec<u8> {
    std::fs::create_dir_all(base).unwrap();
    let subject_store: Arc<dyn StorageProvider> =
        Arc::new(SqliteStorage::open(db(base, scenario.subject())).unwrap());
    let subject = subject_client(scenario, subject_store, 0);
    let control = member("ring", "bob", Arc::new(MemoryStorage::new()), 0);
    let config = GroupConfig::default();
    match scenario {
        Scenario::Public => {
            // The members keep their state elsewhere: the database under
            // test holds the view alone.
            let alice = member("rustcrypto", "alice", Arc::new(MemoryStorage::new()), 0);
            let mut a = Group::create(&alice, SUITE, Default::default(), view_config()).unwrap();
            let out = a.add_members(&[key_package(&control)]).unwrap();
            a.merge_pending_commit().unwrap();
            let mut b = Group::join(&control, &out.welcome.unwrap(), view_config()).unwrap();
            let view_store: Arc<dyn StorageProvider> =
                Arc::new(SqliteStorage::open(db(base, "ds")).unwrap());
            view_builder(view_store, 0)
                .build_from_group_info(&a.group_info(true).unwrap(), None)
                .unwrap();
            std::fs::write(base.join("group_id"), a.group_id()).unwrap();
            let out = b.self_update().unwrap();
            b.merge_pending_commit().unwrap();
            write_message(base, "commit", &out.commit);
            let next = b.self_update().unwrap();
            b.merge_pending_commit().unwrap();
            write_message(base, "next", &next.commit);
            mls_core::codec::encode(b.group_context()).unwrap()
        }
        Scenario::Merge | Scenario::Process => {
            let mut a = Group::create(&subject, SUITE, Default::default(), config.clone()).unwrap();
            let out = a.add_members(&[key_package(&control)]).unwrap();
            a.merge_pending_commit().unwrap();
            let mut b = Group::join(&control, &out.welcome.unwrap(), config).unwrap();
            // Some secret-tree state on both sides.
            let m = a.encrypt_application_message(b"hi", b"").unwrap();
            expect_app(b.process_and_merge(&m), b"hi");
            let m = b.encrypt_application_message(b"hello", b"").unwrap();
            expect_app(a.process_and_merge(&m), b"hello");
            std::fs::write(base.join("group_id"), a.group_id()).unwrap();
            if scenario == Scenario::Merge {
                let out = a.self_update().unwrap();
                b.process_and_merge(&out.commit).unwrap();
            } else {
                let out = b.self_update().unwrap();
                b.merge_pending_commit().unwrap();
                write_message(base, "commit", &out.commit);
            }
            let next = b.self_update().unwrap();
            b.merge_pending_commit().unwrap();
            write_message(base, "next", &next.commit);
            b.epoch_authenticator().to_vec()
        }
        Scenario::Join => {
            let kp = key_package(&subject);
            let mut c = Group::create(&control, SUITE, Default::default(), config).unwrap();
            let out = c.add_members(&[kp]).unwrap();
            c.merge_pending_commit().unwrap();
            std::fs::write(base.join("group_id"), c.group_id()).unwrap();
            write_message(base, "welcome", &out.welcome.unwrap());
            let next = c.self_update().unwrap();
            c.merge_pending_commit().unwrap();
            write_message(base, "next", &next.commit);
            c.epoch_authenticator().to_vec()
        }
    }
}

/// After a crash: old or new state exactly; redo if old; then the
/// control's next commit processes and the authenticators agree.
fn recover_and_continue(
    scenario: Scenario,
    dir: &Path,
    old: &State,
    new: &State,
    control: &[u8],
) -> bool {
    let found = state(scenario, dir);
    let was_old = if &found == old {
        true
    } else if &found == new {
        false
    } else {
        panic!("{scenario:?} in {dir:?}: a torn state: {found:?}\nold {old:?}\nnew {new:?}");
    };
    let storage: Arc<dyn StorageProvider> =
        Arc::new(SqliteStorage::open(db(dir, scenario.subject())).unwrap());
    let client = subject_client(scenario, storage, 3);
    let subject = if was_old {
        transition(scenario, dir, &client)
    } else {
        let group_id = std::fs::read(dir.join("group_id")).unwrap();
        if scenario == Scenario::Public {
            let storage = client.provider().storage().clone();
            Subject::View(Box::new(view_builder(storage, 4).load(&group_id).unwrap()))
        } else {
            Subject::Member(Box::new(Group::load(&client, &group_id).unwrap()))
        }
    };
    assert_eq!(
        subject.follow(&read_message(dir, "next")),
        control,
        "{scenario:?} in {dir:?}"
    );
    was_old
}

#[test]
fn a_crash_at_any_write_leaves_the_old_epoch_or_the_new_one() {
    let root = tempfile::tempdir().unwrap();
    let mut summary = Vec::new();
    for scenario in [
        Scenario::Merge,
        Scenario::Process,
        Scenario::Join,
        Scenario::Public,
    ] {
        let base = root.path().join(scenario.name()).join("base");
        let control = build(scenario, &base);
        let subject = scenario.subject();

        // The two acceptable states, from undisturbed runs on copies.
        let old = state(scenario, &base);
        let done = root.path().join(scenario.name()).join("undisturbed");
        copy_db(&base, &done, subject);
        for f in ["group_id", "commit", "welcome", "next"] {
            if base.join(f).exists() {
                std::fs::copy(base.join(f), done.join(f)).unwrap();
            }
        }
        let storage: Arc<dyn StorageProvider> =
            Arc::new(SqliteStorage::open(db(&done, subject)).unwrap());
        drop(transition(
            scenario,
            &done,
            &subject_client(scenario, storage, 1),
        ));
        let new = state(scenario, &done);
        assert_ne!(old, new);

        let mut olds = 0;
        let mut news = 0;
        let mut points = 0;
        // k = 1, 2, ... until the child completes (k is past the last
        // write), then once more crashing right after the transition.
        let mut next = 1u64;
        let mut finished = false;
        loop {
            let k = if finished {
                "after".to_string()
            } else {
                next.to_string()
            };
            let dir = root.path().join(scenario.name()).join(&k);
            copy_db(&base, &dir, subject);
            for f in ["group_id", "commit", "welcome", "next"] {
                if base.join(f).exists() {
                    std::fs::copy(base.join(f), dir.join(f)).unwrap();
                }
            }
            match run_child(scenario, &dir, &k) {
                Outcome::Aborted => {
                    points += 1;
                    if recover_and_continue(scenario, &dir, &old, &new, &control) {
                        olds += 1;
                    } else {
                        news += 1;
                    }
                    if finished {
                        break;
                    }
                    next += 1;
                }
                Outcome::Completed => {
                    assert!(!finished, "{scenario:?}: the child did not crash after");
                    assert!(next < 1000, "{scenario:?}: no end of writes");
                    finished = true;
                }
            }
        }
        // Every write point inside the transaction leaves the old epoch;
        // a crash after the transition returned leaves the new one.
        assert!(
            olds >= 2,
            "{scenario:?}: {olds} crash points inside the transaction"
        );
        assert_eq!(news, 1, "{scenario:?}");
        summary.push((scenario.name(), points, olds, news));
    }
    eprintln!("crash matrix (transition, crash points, old epoch, new epoch): {summary:?}");
}
