//! Shared pieces of the persistence tests: the two storage backends behind
//! one "open again" call, a wrapper that fails or counts writes, members
//! on a chosen crypto backend, and a fingerprint of a group's state.

use interop::clients::{StoredProvider, client_on_storage, seed};
use mls_core::StorageError;
use mls_core::group::{Client, Group, GroupConfig, KeyPackageOptions};
use mls_core::provider::{Entries, Namespace, StorageProvider, WriteBatch, WriteOp};
use mls_core::{CipherSuite, MlsMessage};
use mls_storage_memory::MemoryStorage;
use mls_storage_sqlite::SqliteStorage;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

pub const SUITE: CipherSuite = CipherSuite::MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519;

/// Which storage backend a test runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Memory,
    Sqlite,
}

pub const BACKENDS: [Backend; 2] = [Backend::Memory, Backend::Sqlite];

/// One member's store. Memory "reopens" to the same map (a restart of the
/// client, not of the process); SQLite opens a new connection on the file.
pub struct Store {
    memory: Option<Arc<MemoryStorage>>,
    path: Option<PathBuf>,
}

impl Store {
    pub fn new(backend: Backend, dir: &tempfile::TempDir, name: &str) -> Self {
        match backend {
            Backend::Memory => Self {
                memory: Some(Arc::new(MemoryStorage::new())),
                path: None,
            },
            Backend::Sqlite => Self {
                memory: None,
                path: Some(dir.path().join(format!("{name}.db"))),
            },
        }
    }

    pub fn open(&self) -> Arc<dyn StorageProvider> {
        match (&self.memory, &self.path) {
            (Some(m), _) => m.clone(),
            (None, Some(path)) => Arc::new(SqliteStorage::open(path).unwrap()),
            (None, None) => unreachable!(),
        }
    }
}

/// A store that counts the writes (operations of committed batches) and
/// bytes written, and can fail the batch that contains the k-th write.
pub struct Faulty {
    inner: Arc<dyn StorageProvider>,
    writes: AtomicU64,
    bytes: AtomicU64,
    fail_at: AtomicU64,
}

impl Faulty {
    pub fn new(inner: Arc<dyn StorageProvider>) -> Arc<Self> {
        Arc::new(Self {
            inner,
            writes: AtomicU64::new(0),
            bytes: AtomicU64::new(0),
            fail_at: AtomicU64::new(0),
        })
    }

    /// Writes so far.
    pub fn writes(&self) -> u64 {
        self.writes.load(Ordering::SeqCst)
    }

    /// Bytes (keys and values) written so far.
    pub fn bytes(&self) -> u64 {
        self.bytes.load(Ordering::SeqCst)
    }

    /// Fails the batch holding the `k`-th write from now (1-based); 0 turns
    /// failures off.
    pub fn fail_at(&self, k: u64) {
        let at = if k == 0 { 0 } else { self.writes() + k };
        self.fail_at.store(at, Ordering::SeqCst);
    }
}

impl StorageProvider for Faulty {
    fn get(&self, namespace: Namespace, key: &[u8]) -> Result<Option<Vec<u8>>, StorageError> {
        self.inner.get(namespace, key)
    }

    fn scan(&self, namespace: Namespace, prefix: &[u8]) -> Result<Entries, StorageError> {
        self.inner.scan(namespace, prefix)
    }

    fn commit(&self, batch: WriteBatch) -> Result<(), StorageError> {
        let start = self.writes();
        let len = batch.len() as u64;
        let fail = self.fail_at.load(Ordering::SeqCst);
        if fail != 0 && fail > start && fail <= start + len {
            return Err(StorageError::backend(format!(
                "injected failure at write {}",
                fail - start
            )));
        }
        let bytes: u64 = batch
            .ops()
            .iter()
            .map(|op| match op {
                WriteOp::Put { key, value, .. } => (key.len() + value.len()) as u64,
                WriteOp::Delete { key, .. } => key.len() as u64,
                WriteOp::Expect { .. } => 0,
            })
            .sum();
        self.inner.commit(batch)?;
        self.writes.fetch_add(len, Ordering::SeqCst);
        self.bytes.fetch_add(bytes, Ordering::SeqCst);
        Ok(())
    }
}

/// A member: its client on a store, on a crypto backend.
pub fn member(
    crypto: &str,
    identity: &str,
    storage: Arc<dyn StorageProvider>,
    restart: u64,
) -> Client<StoredProvider> {
    // A different seed per restart: a seeded rand that started over would
    // draw the same "random" keys again.
    let n = identity.bytes().map(u64::from).sum::<u64>() * 1000 + restart;
    client_on_storage(crypto, SUITE, identity, seed(n), storage).unwrap()
}

pub fn key_package(client: &Client<StoredProvider>) -> mls_core::key_package::KeyPackage {
    client
        .generate_key_package(SUITE, &KeyPackageOptions::default())
        .unwrap()
}

/// Everything of a group's state a caller can observe.
#[derive(Debug, PartialEq, Eq)]
pub struct Fingerprint {
    pub epoch: u64,
    pub authenticator: Vec<u8>,
    pub exporter: Vec<u8>,
    pub context: Vec<u8>,
    pub tree: Vec<u8>,
    pub own_leaf: u32,
    pub active: bool,
    pub pending_commit: bool,
    /// Encoded, in the cache's (arrival) order.
    pub pending_proposals: Vec<Vec<u8>>,
}

pub fn fingerprint(g: &Group<StoredProvider>) -> Fingerprint {
    Fingerprint {
        epoch: g.epoch(),
        authenticator: g.epoch_authenticator().to_vec(),
        exporter: g
            .export_secret("persistence", b"", 32)
            .unwrap()
            .as_bytes()
            .to_vec(),
        context: mls_core::codec::encode(g.group_context()).unwrap(),
        tree: mls_core::codec::encode(&g.ratchet_tree()).unwrap(),
        own_leaf: g.own_leaf_index(),
        active: g.is_active(),
        pending_commit: g.has_pending_commit(),
        pending_proposals: g
            .pending_proposals()
            .map(|p| mls_core::codec::encode(p).unwrap())
            .collect(),
    }
}

/// Asserts every group is at the same epoch with the same authenticator.
pub fn assert_agree(groups: &[&Group<StoredProvider>]) {
    for g in groups {
        assert_eq!(g.epoch(), groups[0].epoch());
        assert_eq!(g.epoch_authenticator(), groups[0].epoch_authenticator());
    }
}

/// Expects application data `data`.
pub fn expect_app(result: Result<mls_core::group::ProcessedMessage, mls_core::Error>, data: &[u8]) {
    match result.unwrap() {
        mls_core::group::ProcessedMessage::Application(m) => assert_eq!(m.data, data),
        other => panic!("expected application data, got {other:?}"),
    }
}

/// A three-member group (alice on rustcrypto, bob on ring, carol on
/// aws-lc), each member on its own store; returns the groups.
pub struct Trio {
    pub stores: Vec<Store>,
    pub clients: Vec<Client<StoredProvider>>,
    pub groups: Vec<Group<StoredProvider>>,
}

pub const CRYPTO: [&str; 3] = ["rustcrypto", "ring", "aws-lc"];
pub const NAMES: [&str; 3] = ["alice", "bob", "carol"];

pub fn trio(backend: Backend, dir: &tempfile::TempDir, config: GroupConfig) -> Trio {
    let stores: Vec<Store> = NAMES.iter().map(|n| Store::new(backend, dir, n)).collect();
    let clients: Vec<_> = (0..3)
        .map(|i| member(CRYPTO[i], NAMES[i], stores[i].open(), 0))
        .collect();
    let mut a = Group::create(&clients[0], SUITE, Default::default(), config.clone()).unwrap();
    let out = a
        .add_members(&[key_package(&clients[1]), key_package(&clients[2])])
        .unwrap();
    a.merge_pending_commit().unwrap();
    let welcome = out.welcome.unwrap();
    let b = Group::join(&clients[1], &welcome, config.clone()).unwrap();
    let c = Group::join(&clients[2], &welcome, config).unwrap();
    Trio {
        stores,
        clients,
        groups: vec![a, b, c],
    }
}

impl Trio {
    /// Restarts member `i`: a new client on a newly opened store, and the
    /// group loaded from it.
    pub fn restart(&mut self, i: usize, restart: u64) {
        let group_id = self.groups[i].group_id().to_vec();
        let client = member(CRYPTO[i], NAMES[i], self.stores[i].open(), restart);
        self.groups[i] = Group::load(&client, &group_id)
            .unwrap_or_else(|e| panic!("member {i} at epoch {}: {e}", self.groups[i].epoch()));
        self.clients[i] = client;
    }

    /// Member `i` commits an update; everyone else processes it.
    pub fn update(&mut self, i: usize) -> MlsMessage {
        let out = self.groups[i].self_update().unwrap();
        self.groups[i].merge_pending_commit().unwrap();
        for j in 0..self.groups.len() {
            if j != i {
                self.groups[j].process_and_merge(&out.commit).unwrap();
            }
        }
        out.commit
    }
}
