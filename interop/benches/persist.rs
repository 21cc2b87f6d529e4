//! Criterion benchmarks of persistence (DESIGN "Storage"): what storing
//! each group transition costs on a SQLite file and in memory, in groups
//! of 1,000 and 10,000 members, suite 1 (X25519, AES-128-GCM, SHA-256,
//! Ed25519) on aws-lc.
//!
//! | group | what is timed |
//! |---|---|
//! | `persist_process_commit` | `process_message` of a full commit (another member's `self_update()`) at leaf 1, with its storage transaction |
//! | `persist_merge_commit` | `self_update()` and `merge_pending_commit()` (two transactions: the pending commit, then the epoch) |
//! | `load_group` | `Group::load` of leaf 1 from its store |
//!
//! Benchmark ids are `<group>/<store>/<N>`; `<store>` is `memory`,
//! `sqlite` (a `SqliteStorage` file in a temporary directory, WAL,
//! `synchronous = FULL`, `secure_delete`) or, for `load_group` only,
//! `sqlite-reopen` (see below). Run with
//! `cargo bench -p interop --bench persist`; `PERSIST_BENCH_SIZES=1000`
//! restricts the sizes and `PERSIST_BENCH_BACKENDS=aws-lc,rustcrypto`
//! picks the crypto backends (ids then end in `+rustcrypto` for a backend
//! other than aws-lc). A filter argument skips the setup of every size it
//! does not select (fixtures are built lazily).
//!
//! **Fixture.** As in `group.rs`: leaf 0 creates the group and adds the
//! other N-1 members in one commit, then the members at leaves 2^k (every
//! level k) join and commit an UpdatePath each, which fills the copath of
//! leaves 0 and 1: a full commit then carries one HPKE ciphertext per
//! level. To build 10,000 members quickly, the KeyPackages are made on
//! every core and the Welcome does not carry the ratchet tree (joiners get
//! it out of band, `ratchet_tree_in_welcome: false`), which avoids hashing
//! a 2.9 MB GroupInfo once per joiner.
//!
//! Leaf 1 joins twice from the same stored KeyPackage (its store is copied
//! before the join): once onto a SQLite file, once onto memory. Both
//! instances are the same member in the same state and process every
//! commit, so the two stores are compared on identical work; each
//! benchmark times one and keeps the other in step untimed. The joins are
//! timed outside criterion, three times each from a fresh copy (min-max
//! printed, `join ...` on stderr, with the time spent inside the store's
//! `commit`), with the size of the database after the join. Every store
//! is wrapped in [`Counting`], which tallies the transactions, puts,
//! deletes and bytes (keys plus values) each one writes, by kind of
//! record; before the benchmarks, 20 commits are made and processed and
//! the tally per commit printed (`writes ...`), with the WAL's growth.
//!
//! **Processing.** A `Group` is not `Clone`, so (as in `group.rs`) leaf 0
//! creates and merges a batch of commits untimed, each encoded and decoded,
//! and the receiver processes them in order, timed (`iter_custom`).
//!
//! **Loading.** `load_group/sqlite` loads leaf 1 through the client it
//! already has (the same open connection: SQLite's page cache is warm);
//! `load_group/sqlite-reopen` opens the file again each iteration
//! (`SqliteStorage::open`, a client on it, `Group::load`), like an
//! application starting; the OS file cache is warm in both.
//!
//! **Merging.** `persist_merge_commit/memory` times leaf 0 (memory) and
//! `persist_merge_commit/sqlite` times leaf 1 on SQLite; above their
//! sibling, both leaves have the same copath. The other members process each commit untimed. After
//! the SQLite merges, leaf 1's memory instance cannot follow (it cannot
//! process its own leaf's commit), so that benchmark runs last.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use criterion::{BenchmarkId, Criterion, SamplingMode, criterion_group, criterion_main};
use interop::clients::{StoredProvider, client, client_on_storage, seed};
use mls_core::CipherSuite;
use mls_core::StorageError;
use mls_core::extensions::Extensions;
use mls_core::framing::MlsMessage;
use mls_core::group::{
    Client, Group, GroupConfig, JoinOptions, KeyPackageOptions, ProcessedMessage,
};
use mls_core::key_package::KeyPackage;
use mls_core::provider::{Namespace, StorageProvider, WriteBatch, WriteOp};
use mls_core::tree::node::RatchetTree;
use mls_storage_memory::MemoryStorage;
use mls_storage_sqlite::SqliteStorage;
use std::collections::BTreeMap;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const SUITE: CipherSuite = CipherSuite::MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519;
const SIZES: [usize; 2] = [1_000, 10_000];
const DEFAULT_BACKEND: &str = "aws-lc";
/// Commits made and processed to measure the writes per commit.
const TALLY_COMMITS: usize = 20;
/// The target of the issue: bytes written per processed commit at 10,000
/// members (the Welcome excluded).
const TARGET_BYTES: u64 = 64 * 1024;
/// How many times leaf 1's joins (memory, SQLite) are timed.
const JOIN_REPEATS: usize = 3;

type G = Group<StoredProvider>;

// ---------------------------------------------------------------------------
// A store that counts what it writes.

/// Writes of one kind of record.
#[derive(Clone, Copy, Default)]
struct Class {
    puts: u64,
    deletes: u64,
    /// Keys and values.
    bytes: u64,
    largest_value: u64,
}

/// What was written, over one or more transactions.
#[derive(Clone, Default)]
struct Tally {
    transactions: u64,
    puts: u64,
    deletes: u64,
    /// Keys and values of every put, keys of every delete.
    bytes: u64,
    /// Time spent in the wrapped store's `commit`.
    time: Duration,
    classes: BTreeMap<&'static str, Class>,
}

impl Tally {
    fn writes(&self) -> u64 {
        self.puts + self.deletes
    }

    fn add(&mut self, other: &Tally) {
        self.transactions += other.transactions;
        self.puts += other.puts;
        self.deletes += other.deletes;
        self.bytes += other.bytes;
        self.time += other.time;
        for (name, c) in &other.classes {
            let mine = self.classes.entry(name).or_default();
            mine.puts += c.puts;
            mine.deletes += c.deletes;
            mine.bytes += c.bytes;
            mine.largest_value = mine.largest_value.max(c.largest_value);
        }
    }

    /// One line: totals, then each kind of record by bytes, largest first.
    fn describe(&self, per: u64) -> String {
        let per = per.max(1);
        let mut classes: Vec<_> = self.classes.iter().collect();
        classes.sort_by_key(|(_, c)| std::cmp::Reverse(c.bytes));
        let detail: Vec<String> = classes
            .iter()
            .map(|(name, c)| {
                format!(
                    "{name} {:.1} puts {:.1} deletes {} B (largest value {} B)",
                    c.puts as f64 / per as f64,
                    c.deletes as f64 / per as f64,
                    c.bytes / per,
                    c.largest_value
                )
            })
            .collect();
        format!(
            "{:.1} transactions ({:.2} ms in the store), {:.1} writes ({:.1} puts, \
             {:.1} deletes), {} bytes; {}",
            self.transactions as f64 / per as f64,
            ms(self.time) / per as f64,
            self.writes() as f64 / per as f64,
            self.puts as f64 / per as f64,
            self.deletes as f64 / per as f64,
            self.bytes / per,
            detail.join("; ")
        )
    }
}

/// The length of the `opaque group_id<V>` prefix of a group's keys (an
/// MLS variable-length integer, then the id).
fn group_prefix_len(key: &[u8]) -> Option<usize> {
    let first = *key.first()?;
    let len_bytes = 1usize << (first >> 6);
    let mut len = usize::from(first & 0x3f);
    for b in key.get(1..len_bytes)? {
        len = (len << 8) | usize::from(*b);
    }
    Some(len_bytes + len)
}

/// The kind of record a key holds (the key layout of
/// `mls_core::storage`).
fn class(namespace: Namespace, key: &[u8]) -> &'static str {
    let tag = group_prefix_len(key).and_then(|p| key.get(p).copied());
    match namespace {
        Namespace::GroupState => match tag {
            Some(0) => "group record",
            Some(1) => "cached proposal",
            Some(2) => "pending commit",
            _ => "group_state (other)",
        },
        Namespace::TreeNodes => {
            let node = key.len().checked_sub(4).map(|i| key[i + 3]);
            match node {
                Some(b) if b % 2 == 0 => "tree leaf node",
                _ => "tree parent node",
            }
        }
        Namespace::EpochSecrets => match tag {
            Some(0) => "epoch record",
            Some(1) => "secret tree node",
            Some(2) => "sender ratchets",
            Some(3) => "resumption PSKs",
            _ => "epoch_secrets (other)",
        },
        Namespace::OwnLeafKeys => "own private keys",
        Namespace::KeyPackages => "KeyPackage",
        Namespace::SignatureKeys => "signature key",
        Namespace::Psks => "external PSK",
        _ => "other namespace",
    }
}

fn tally_batch(batch: &WriteBatch) -> Tally {
    let mut t = Tally {
        transactions: 1,
        ..Tally::default()
    };
    for op in batch.ops() {
        let (namespace, key, value) = match op {
            WriteOp::Put {
                namespace,
                key,
                value,
            } => (*namespace, key, Some(value)),
            WriteOp::Delete { namespace, key } => (*namespace, key, None),
            // A condition, not a write (the group's write counter check).
            WriteOp::Expect { .. } => continue,
        };
        let c = t.classes.entry(class(namespace, key)).or_default();
        let bytes = (key.len() + value.map_or(0, Vec::len)) as u64;
        match value {
            Some(v) => {
                t.puts += 1;
                c.puts += 1;
                c.largest_value = c.largest_value.max(v.len() as u64);
            }
            None => {
                t.deletes += 1;
                c.deletes += 1;
            }
        }
        t.bytes += bytes;
        c.bytes += bytes;
    }
    t
}

/// A store that tallies every committed transaction (like `Faulty` in the
/// persistence tests, without the faults).
struct Counting {
    inner: Arc<dyn StorageProvider>,
    tally: Mutex<Tally>,
}

impl Counting {
    fn new(inner: Arc<dyn StorageProvider>) -> Arc<Self> {
        Arc::new(Self {
            inner,
            tally: Mutex::new(Tally::default()),
        })
    }

    /// What was written since the last call.
    fn take(&self) -> Tally {
        std::mem::take(&mut *self.tally.lock().unwrap())
    }
}

impl StorageProvider for Counting {
    fn get(&self, namespace: Namespace, key: &[u8]) -> Result<Option<Vec<u8>>, StorageError> {
        self.inner.get(namespace, key)
    }

    fn scan(
        &self,
        namespace: Namespace,
        prefix: &[u8],
    ) -> Result<Vec<(Vec<u8>, Vec<u8>)>, StorageError> {
        self.inner.scan(namespace, prefix)
    }

    fn commit(&self, batch: WriteBatch) -> Result<(), StorageError> {
        let mut t = tally_batch(&batch);
        let start = Instant::now();
        self.inner.commit(batch)?;
        t.time = start.elapsed();
        self.tally.lock().unwrap().add(&t);
        Ok(())
    }
}

/// Copies every entry of `from` into `to`, in one transaction.
fn copy_store(from: &dyn StorageProvider, to: &dyn StorageProvider) {
    let mut batch = WriteBatch::new();
    for namespace in Namespace::ALL {
        for (key, value) in from.scan(namespace, &[]).unwrap() {
            batch.put(namespace, key, value);
        }
    }
    to.commit(batch).unwrap();
}

/// The database file and its WAL file, in bytes.
fn db_size(path: &Path) -> (u64, u64) {
    let len = |p: &Path| std::fs::metadata(p).map_or(0, |m| m.len());
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    (len(path), len(Path::new(&wal)))
}

// ---------------------------------------------------------------------------
// The fixture.

/// One member of the group with its client and counted store.
struct Member {
    client: Client<StoredProvider>,
    store: Arc<Counting>,
    group: G,
}

struct Fixture {
    backend: String,
    n: usize,
    _dir: tempfile::TempDir,
    db_path: PathBuf,
    group_id: Vec<u8>,
    /// Leaf 0, memory: creates the commits that leaf 1 processes.
    committer: Member,
    /// Leaf 1 on a SQLite file.
    sqlite: Member,
    /// Leaf 1 again, on memory (`None` once leaf 1 committed on SQLite).
    memory: Option<Member>,
    sqlite_store: Arc<SqliteStorage>,
}

fn config() -> GroupConfig {
    GroupConfig {
        ratchet_tree_in_welcome: false,
        ..GroupConfig::default()
    }
}

fn identity(leaf: usize) -> String {
    format!("member {leaf}")
}

/// What a peer would receive: the message encoded and decoded again.
fn wire(message: &MlsMessage) -> MlsMessage {
    MlsMessage::from_bytes(&message.to_bytes().unwrap()).unwrap()
}

fn expect_commit(result: ProcessedMessage) {
    assert!(matches!(result, ProcessedMessage::Commit(_)));
}

fn secs(d: Duration) -> f64 {
    d.as_secs_f64()
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// Leaves whose UpdatePaths fill the copath of leaves 0 and 1: leaf 2^k
/// for every level k >= 1.
fn populating_leaves(n: usize) -> Vec<usize> {
    (1..)
        .map(|k| 1usize << k)
        .take_while(|&leaf| leaf < n)
        .collect()
}

/// A client on a fresh counted memory store.
fn memory_member_client(
    backend: &str,
    leaf: usize,
    seed_n: u64,
) -> (Client<StoredProvider>, Arc<Counting>) {
    let store = Counting::new(Arc::new(MemoryStorage::new()));
    let client =
        client_on_storage(backend, SUITE, &identity(leaf), seed(seed_n), store.clone()).unwrap();
    (client, store)
}

/// KeyPackages of the members at `leaves` that never join (clients on
/// memory, dropped after), made on every core. In order of `leaves`.
fn plain_key_packages(backend: &str, leaves: &[usize]) -> Vec<KeyPackage> {
    let threads = std::thread::available_parallelism().map_or(1, |p| p.get());
    let chunk = leaves.len().div_ceil(threads).max(1);
    std::thread::scope(|s| {
        let handles: Vec<_> = leaves
            .chunks(chunk)
            .map(|part| {
                s.spawn(move || {
                    part.iter()
                        .map(|&leaf| {
                            let c = client(backend, SUITE, &identity(leaf), seed(leaf as u64 + 1))
                                .unwrap();
                            c.generate_key_package(SUITE, &KeyPackageOptions::default())
                                .unwrap()
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    })
}

fn join(client: &Client<StoredProvider>, welcome: &MlsMessage, tree: &RatchetTree) -> G {
    let options = JoinOptions {
        ratchet_tree: Some(tree.clone()),
        ..JoinOptions::default()
    };
    Group::join_with_options(client, welcome, config(), options).unwrap()
}

/// Leaf 1 joined onto a new memory store and a new SQLite file.
struct JoinResult {
    memory: Member,
    sqlite: Member,
    sqlite_store: Arc<SqliteStorage>,
    path: PathBuf,
    t_memory: Duration,
    t_sqlite: Duration,
    memory_tally: Tally,
    sqlite_tally: Tally,
    /// The database and WAL file sizes before the join.
    before: (u64, u64),
}

/// Leaf 1 joins from a copy of `staged` (its signature key and
/// KeyPackage), first onto memory, then onto a SQLite file at `path`;
/// each join is timed.
fn join_leaf1(
    backend: &str,
    staged: &dyn StorageProvider,
    path: &Path,
    repeat: u64,
    welcome: &MlsMessage,
    tree: &RatchetTree,
) -> JoinResult {
    let sqlite_store = Arc::new(SqliteStorage::open(path).unwrap());
    let sqlite_counted = Counting::new(sqlite_store.clone());
    let memory_counted = Counting::new(Arc::new(MemoryStorage::new()));
    copy_store(staged, &*sqlite_counted);
    copy_store(staged, &*memory_counted);
    sqlite_counted.take();
    memory_counted.take();
    let before = db_size(path);
    let on = |store: &Arc<Counting>, n: u64| {
        client_on_storage(backend, SUITE, &identity(1), seed(n), store.clone()).unwrap()
    };
    let sqlite_client = on(&sqlite_counted, 1_000_000 + repeat);
    let memory_client = on(&memory_counted, 2_000_000 + repeat);

    let t = Instant::now();
    let memory_group = join(&memory_client, welcome, tree);
    let t_memory = t.elapsed();
    let t = Instant::now();
    let sqlite_group = join(&sqlite_client, welcome, tree);
    let t_sqlite = t.elapsed();
    JoinResult {
        memory_tally: memory_counted.take(),
        sqlite_tally: sqlite_counted.take(),
        memory: Member {
            client: memory_client,
            store: memory_counted,
            group: memory_group,
        },
        sqlite: Member {
            client: sqlite_client,
            store: sqlite_counted,
            group: sqlite_group,
        },
        sqlite_store,
        path: path.to_owned(),
        t_memory,
        t_sqlite,
        before,
    }
}

fn setup(backend: &str, n: usize) -> Fixture {
    let start = Instant::now();
    let populating = populating_leaves(n);
    // Leaf 0 (the committer), leaf 1 (staged: its store is copied before
    // it joins) and the populating leaves are members with stored state.
    let (committer_client, committer_store) = memory_member_client(backend, 0, 1);
    let (staged_client, staged_store) = memory_member_client(backend, 1, 2);
    let stored: Vec<(usize, Client<StoredProvider>, Arc<Counting>)> = populating
        .iter()
        .map(|&leaf| {
            let (c, s) = memory_member_client(backend, leaf, leaf as u64 + 1);
            (leaf, c, s)
        })
        .collect();
    let plain: Vec<usize> = (2..n).filter(|l| !populating.contains(l)).collect();
    let mut plain_kps = plain_key_packages(backend, &plain).into_iter();
    let options = KeyPackageOptions::default();
    let mut key_packages = Vec::with_capacity(n - 1);
    key_packages.push(staged_client.generate_key_package(SUITE, &options).unwrap());
    for leaf in 2..n {
        match stored.iter().find(|(l, _, _)| *l == leaf) {
            Some((_, c, _)) => key_packages.push(c.generate_key_package(SUITE, &options).unwrap()),
            None => key_packages.push(plain_kps.next().unwrap()),
        }
    }
    let t_clients = start.elapsed();

    let start = Instant::now();
    let mut committer =
        Group::create(&committer_client, SUITE, Extensions::new(), config()).unwrap();
    let out = committer.add_members(&key_packages).unwrap();
    committer.merge_pending_commit().unwrap();
    drop(key_packages);
    let welcome_bytes = out.welcome.unwrap().to_bytes().unwrap();
    let welcome = MlsMessage::from_bytes(&welcome_bytes).unwrap();
    let tree = committer.ratchet_tree();
    let group_id = committer.group_id().to_vec();
    let t_add = start.elapsed();

    // Leaf 1 joins JOIN_REPEATS times onto memory and SQLite, each time
    // from a copy of its staged store; the last pair of joins is kept.
    let dir = tempfile::tempdir().unwrap();
    let mut timings = Vec::new();
    let mut kept = None;
    for r in 0..JOIN_REPEATS {
        let path = dir.path().join(format!("leaf1-{r}.db"));
        let j = join_leaf1(backend, &*staged_store, &path, r as u64, &welcome, &tree);
        timings.push([
            j.t_memory,
            j.memory_tally.time,
            j.t_sqlite,
            j.sqlite_tally.time,
        ]);
        if r + 1 == JOIN_REPEATS {
            kept = Some(j);
        } else {
            drop(j);
            for suffix in ["", "-wal", "-shm"] {
                let mut file = path.clone().into_os_string();
                file.push(suffix);
                let _ = std::fs::remove_file(file);
            }
        }
    }
    drop((staged_client, staged_store));
    let j = kept.unwrap();
    let range = |i: usize| {
        let min = timings.iter().map(|t| t[i]).min().unwrap();
        let max = timings.iter().map(|t| t[i]).max().unwrap();
        format!("{:.1}-{:.1} ms", ms(min), ms(max))
    };
    let (db, wal) = db_size(&j.path);
    j.sqlite_store.checkpoint().unwrap();
    let (db_checkpointed, _) = db_size(&j.path);
    eprintln!(
        "join {backend} N={n} ({JOIN_REPEATS} times each): memory {} (in the store {}), \
         sqlite {} (in the store {}); Welcome {} KiB without the tree, tree out of band \
         {} KiB; the join's transaction: {}",
        range(0),
        range(1),
        range(2),
        range(3),
        welcome_bytes.len() / 1024,
        mls_core::codec::encode(&tree).unwrap().len() / 1024,
        j.sqlite_tally.describe(1),
    );
    eprintln!(
        "sqlite file {backend} N={n}: before the join {} KiB + WAL {} KiB; after the join \
         {} KiB + WAL {} KiB; after a checkpoint {} KiB",
        j.before.0 / 1024,
        j.before.1 / 1024,
        db / 1024,
        wal / 1024,
        db_checkpointed / 1024,
    );
    let JoinResult {
        mut memory,
        mut sqlite,
        sqlite_store,
        path: db_path,
        ..
    } = j;

    let start = Instant::now();
    let mut others: Vec<(usize, G, Client<StoredProvider>)> = stored
        .into_iter()
        .map(|(leaf, c, _)| (leaf, join(&c, &welcome, &tree), c))
        .collect();
    let t_join = start.elapsed();

    let start = Instant::now();
    let mut largest_commit = 0;
    for i in 0..others.len() {
        let out = others[i].1.self_update().unwrap();
        others[i].1.merge_pending_commit().unwrap();
        let bytes = out.commit.to_bytes().unwrap();
        largest_commit = largest_commit.max(bytes.len());
        let commit = MlsMessage::from_bytes(&bytes).unwrap();
        expect_commit(committer.process_and_merge(&commit).unwrap());
        expect_commit(sqlite.group.process_and_merge(&commit).unwrap());
        expect_commit(memory.group.process_and_merge(&commit).unwrap());
        for (j, (_, g, _)) in others.iter_mut().enumerate() {
            if j != i {
                expect_commit(g.process_and_merge(&commit).unwrap());
            }
        }
    }
    let t_populate = start.elapsed();
    drop(others);
    assert_eq!(
        committer.epoch_authenticator(),
        sqlite.group.epoch_authenticator()
    );
    assert_eq!(
        committer.epoch_authenticator(),
        memory.group.epoch_authenticator()
    );
    sqlite.store.take();
    memory.store.take();
    committer_store.take();
    eprintln!(
        "setup {backend} N={n}: clients+KeyPackages {:.2} s, create+add {:.2} s, \
         {} joins {:.2} s, {} populating commits {:.2} s (largest {} KiB)",
        secs(t_clients),
        secs(t_add),
        populating.len(),
        secs(t_join),
        populating.len(),
        secs(t_populate),
        largest_commit / 1024,
    );
    let mut f = Fixture {
        backend: backend.to_owned(),
        n,
        _dir: dir,
        db_path,
        group_id,
        committer: Member {
            client: committer_client,
            store: committer_store,
            group: committer,
        },
        sqlite,
        memory: Some(memory),
        sqlite_store,
    };
    report_writes(&mut f);
    f
}

/// Untimed: `count` commits by leaf 0, merged.
fn commits(f: &mut Fixture, count: u64) -> Vec<MlsMessage> {
    (0..count)
        .map(|_| {
            let out = f.committer.group.self_update().unwrap();
            f.committer.group.merge_pending_commit().unwrap();
            wire(&out.commit)
        })
        .collect()
}

/// Measures and prints the writes of processing and of merging a commit.
fn report_writes(f: &mut Fixture) {
    let (backend, n) = (f.backend.clone(), f.n);
    let mut processed = Tally::default();
    let mut smallest = u64::MAX;
    let mut largest = 0;
    let mut memory_bytes = 0;
    let mut create = Tally::default();
    let mut merge = Tally::default();
    // An empty WAL file, so that its growth is what these commits wrote.
    f.sqlite_store.checkpoint().unwrap();
    let sizes_before = db_size(&f.db_path);
    for _ in 0..TALLY_COMMITS {
        f.committer.store.take();
        let out = f.committer.group.self_update().unwrap();
        create.add(&f.committer.store.take());
        f.committer.group.merge_pending_commit().unwrap();
        merge.add(&f.committer.store.take());
        let commit = wire(&out.commit);
        expect_commit(f.sqlite.group.process_and_merge(&commit).unwrap());
        let t = f.sqlite.store.take();
        smallest = smallest.min(t.bytes);
        largest = largest.max(t.bytes);
        processed.add(&t);
        let m = f.memory.as_mut().unwrap();
        expect_commit(m.group.process_and_merge(&commit).unwrap());
        memory_bytes += m.store.take().bytes;
    }
    let sizes_after = db_size(&f.db_path);
    let per = TALLY_COMMITS as u64;
    assert_eq!(
        memory_bytes, processed.bytes,
        "both stores get the same batches"
    );
    let average = processed.bytes / per;
    eprintln!(
        "writes {backend} N={n}: process commit, per commit over {TALLY_COMMITS}: {} \
         (range {smallest}-{largest} bytes; target < {TARGET_BYTES} at 10,000: {})",
        processed.describe(per),
        if average < TARGET_BYTES {
            "met"
        } else {
            "NOT met"
        },
    );
    eprintln!(
        "writes {backend} N={n}: self_update (pending commit), per commit: {}",
        create.describe(per)
    );
    eprintln!(
        "writes {backend} N={n}: merge_pending_commit, per commit: {}",
        merge.describe(per)
    );
    eprintln!(
        "sqlite file {backend} N={n}: before these {TALLY_COMMITS} commits {} KiB + WAL {} KiB, \
         after {} KiB + WAL {} KiB: the WAL grew {} bytes per processed commit",
        sizes_before.0 / 1024,
        sizes_before.1 / 1024,
        sizes_after.0 / 1024,
        sizes_after.1 / 1024,
        sizes_after.1.saturating_sub(sizes_before.1) / per,
    );
}

// ---------------------------------------------------------------------------
// The benchmarks.

fn sizes() -> Vec<usize> {
    list("PERSIST_BENCH_SIZES")
        .map(|l| {
            l.iter()
                .map(|s| s.parse().expect("PERSIST_BENCH_SIZES: numbers"))
                .collect()
        })
        .unwrap_or_else(|| SIZES.to_vec())
}

fn backends() -> Vec<String> {
    list("PERSIST_BENCH_BACKENDS").unwrap_or_else(|| vec![DEFAULT_BACKEND.to_owned()])
}

fn list(var: &str) -> Option<Vec<String>> {
    std::env::var(var)
        .ok()
        .map(|l| l.split(',').map(|s| s.trim().to_owned()).collect())
}

fn fixture<'a>(slot: &'a mut Option<Fixture>, backend: &str, n: usize) -> &'a mut Fixture {
    slot.get_or_insert_with(|| setup(backend, n))
}

fn benches(c: &mut Criterion) {
    for backend in backends() {
        for n in sizes() {
            let mut slot = None;
            bench_size(c, &backend, n, &mut slot);
        }
    }
}

fn bench_size(c: &mut Criterion, backend: &str, n: usize, slot: &mut Option<Fixture>) {
    let id = |store: &str| {
        let name = if backend == DEFAULT_BACKEND {
            store.to_owned()
        } else {
            format!("{store}+{backend}")
        };
        BenchmarkId::new(name, n)
    };

    let mut g = c.benchmark_group("persist_process_commit");
    g.sample_size(20);
    g.bench_function(id("memory"), |b| {
        let f = fixture(slot, backend, n);
        b.iter_custom(|iters| {
            let batch = commits(f, iters);
            let m = f.memory.as_mut().unwrap();
            let start = Instant::now();
            for commit in &batch {
                black_box(m.group.process_and_merge(commit).unwrap());
            }
            let elapsed = start.elapsed();
            for commit in &batch {
                expect_commit(f.sqlite.group.process_and_merge(commit).unwrap());
            }
            elapsed
        })
    });
    g.bench_function(id("sqlite"), |b| {
        let f = fixture(slot, backend, n);
        b.iter_custom(|iters| {
            let batch = commits(f, iters);
            let start = Instant::now();
            for commit in &batch {
                black_box(f.sqlite.group.process_and_merge(commit).unwrap());
            }
            let elapsed = start.elapsed();
            let m = f.memory.as_mut().unwrap();
            for commit in &batch {
                expect_commit(m.group.process_and_merge(commit).unwrap());
            }
            elapsed
        })
    });
    g.finish();

    let mut g = c.benchmark_group("load_group");
    g.sample_size(10).sampling_mode(SamplingMode::Flat);
    g.bench_function(id("memory"), |b| {
        let f = fixture(slot, backend, n);
        let m = f.memory.as_ref().unwrap();
        let loaded = Group::load(&m.client, &f.group_id).unwrap();
        assert_eq!(loaded.epoch_authenticator(), m.group.epoch_authenticator());
        b.iter_with_large_drop(|| Group::load(&m.client, &f.group_id).unwrap())
    });
    g.bench_function(id("sqlite"), |b| {
        let f = fixture(slot, backend, n);
        let loaded = Group::load(&f.sqlite.client, &f.group_id).unwrap();
        assert_eq!(
            loaded.epoch_authenticator(),
            f.sqlite.group.epoch_authenticator()
        );
        b.iter_with_large_drop(|| Group::load(&f.sqlite.client, &f.group_id).unwrap())
    });
    g.bench_function(id("sqlite-reopen"), |b| {
        let f = fixture(slot, backend, n);
        let mut restart = 3_000_000;
        b.iter_with_large_drop(|| {
            restart += 1;
            let store: Arc<dyn StorageProvider> =
                Arc::new(SqliteStorage::open(&f.db_path).unwrap());
            let client =
                client_on_storage(backend, SUITE, &identity(1), seed(restart), store).unwrap();
            Group::load(&client, &f.group_id).unwrap()
        })
    });
    g.finish();

    let mut g = c.benchmark_group("persist_merge_commit");
    g.sample_size(20);
    g.bench_function(id("memory"), |b| {
        let f = fixture(slot, backend, n);
        b.iter_custom(|iters| {
            let mut timed = Duration::ZERO;
            for _ in 0..iters {
                let start = Instant::now();
                let out = f.committer.group.self_update().unwrap();
                f.committer.group.merge_pending_commit().unwrap();
                timed += start.elapsed();
                let commit = wire(&out.commit);
                expect_commit(f.sqlite.group.process_and_merge(&commit).unwrap());
                let m = f.memory.as_mut().unwrap();
                expect_commit(m.group.process_and_merge(&commit).unwrap());
            }
            timed
        })
    });
    g.bench_function(id("sqlite"), |b| {
        let f = fixture(slot, backend, n);
        // Leaf 1 commits from here on: its memory instance cannot follow.
        f.memory = None;
        b.iter_custom(|iters| {
            let mut timed = Duration::ZERO;
            for _ in 0..iters {
                let start = Instant::now();
                let out = f.sqlite.group.self_update().unwrap();
                f.sqlite.group.merge_pending_commit().unwrap();
                timed += start.elapsed();
                expect_commit(
                    f.committer
                        .group
                        .process_and_merge(&wire(&out.commit))
                        .unwrap(),
                );
            }
            timed
        })
    });
    g.finish();
    if let Some(f) = slot.as_mut() {
        report_merge_sqlite(f);
    }
    *slot = None;
}

/// Prints the writes of leaf 1's own commits on SQLite, and the file size.
fn report_merge_sqlite(f: &mut Fixture) {
    let mut create = Tally::default();
    let mut merge = Tally::default();
    f.sqlite.store.take();
    f.sqlite_store.checkpoint().unwrap();
    let (_, wal_before) = db_size(&f.db_path);
    for _ in 0..TALLY_COMMITS {
        let out = f.sqlite.group.self_update().unwrap();
        create.add(&f.sqlite.store.take());
        f.sqlite.group.merge_pending_commit().unwrap();
        merge.add(&f.sqlite.store.take());
        expect_commit(
            f.committer
                .group
                .process_and_merge(&wire(&out.commit))
                .unwrap(),
        );
    }
    let per = TALLY_COMMITS as u64;
    eprintln!(
        "writes {} N={}: leaf 1 on sqlite, self_update (pending commit) per commit: {}",
        f.backend,
        f.n,
        create.describe(per)
    );
    eprintln!(
        "writes {} N={}: leaf 1 on sqlite, merge_pending_commit per commit: {}",
        f.backend,
        f.n,
        merge.describe(per)
    );
    let (db, wal) = db_size(&f.db_path);
    f.sqlite_store.checkpoint().unwrap();
    let (checkpointed, _) = db_size(&f.db_path);
    eprintln!(
        "sqlite file {} N={}: at the end {} KiB + WAL {} KiB (the WAL grew {} bytes per \
         self_update + merge), after a checkpoint {} KiB",
        f.backend,
        f.n,
        db / 1024,
        wal / 1024,
        wal.saturating_sub(wal_before) / per,
        checkpointed / 1024
    );
}

fn criterion_config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5))
        .without_plots()
}

criterion_group! {
    name = persist;
    config = criterion_config();
    targets = benches
}
criterion_main!(persist);
