//! The stored-state corpus (DESIGN "Storage": "keep a corpus of stored
//! states under test").
//!
//! [`generate`] builds a few groups deterministically (seeded randomness,
//! the clock at [`TEST_TIME`], in-memory storage) and writes every member's
//! whole store as JSON, with an `expected.json` saying what loading each
//! store must give. `interop/tests/stored_corpus.rs` loads the stores kept
//! in `interop/tests/fixtures/storage/v<format>/` with the current code and
//! checks them, so a change that cannot read state written by an earlier
//! release fails its tests. See `interop/tests/fixtures/storage/README.md`.
//!
//! The scenarios (all on suite 1):
//!
//! * **active**: alice (RustCrypto), bob (ring) and carol (aws-lc) in a
//!   group with a fourth, undumped member, `control`, after an Add of
//!   three, messages, a full commit and an Update proposal committed by
//!   reference; bob and carol hold a skipped message key. After loading,
//!   each processes a message alice sent earlier (bob and carol), a commit
//!   by `control` and a message `control` sent in the epoch before it.
//! * **pending**: dave (ring) with a pending commit and a cached Update
//!   proposal from erin (aws-lc), who holds her own proposal and its key.
//!   After loading, dave merges his commit and erin processes it.
//! * **removed**: grace (ring), removed from frank's group (inactive).
//! * **key-packages**: heidi (aws-lc) with two KeyPackages, one last-resort
//!   KeyPackage and an external PSK.

use crate::clients::{StoredProvider, TEST_TIME, client_on_storage, seed};
use mls_core::provider::{Namespace, StorageProvider, WriteBatch};
use mls_core::storage::FORMAT_VERSION;
use mls_core::{
    CipherSuite, Client, Group, GroupConfig, KeyPackageOptions, MlsMessage, ProcessedMessage,
    StorageError,
};
use mls_storage_memory::MemoryStorage;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::path::Path;
use std::sync::Arc;

/// The cipher suite of every corpus group.
pub const SUITE: CipherSuite = CipherSuite::MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519;

/// The exporter label of [`ExpectedGroup::exporter`] (empty context, 32
/// bytes).
pub const EXPORTER_LABEL: &str = "corpus";

/// The length of [`ExpectedGroup::exporter`].
pub const EXPORTER_LEN: u16 = 32;

/// The name of the file of expectations in a corpus folder.
pub const EXPECTED_FILE: &str = "expected.json";

/// One stored entry, key and value in hex.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// The key, hex.
    pub key: String,
    /// The stored value, hex.
    pub value: String,
}

/// Every entry of one namespace.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NamespaceDump {
    /// [`Namespace::name`].
    pub namespace: String,
    /// The entries, in key order.
    pub entries: Vec<Entry>,
}

/// One decoded entry of a [`StoreDump`]: namespace, key, value.
pub type StoredEntry = (Namespace, Vec<u8>, Vec<u8>);

/// A member's whole store: every namespace of [`Namespace::ALL`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoreDump {
    /// The storage format version the values were written in.
    pub format_version: u16,
    /// The namespaces, in the order of [`Namespace::ALL`].
    pub namespaces: Vec<NamespaceDump>,
}

/// What a corpus folder's stores must give when loaded.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Expected {
    /// The storage format version the stores were written in (the folder
    /// is `v<format_version>`).
    pub format_version: u16,
    /// The cipher suite code of every group.
    pub cipher_suite: u16,
    /// The clock of every client, seconds since the Unix epoch.
    pub time: u64,
    /// The exporter label of [`ExpectedGroup::exporter`].
    pub exporter_label: String,
    /// One entry per store file.
    pub stores: Vec<ExpectedStore>,
}

/// One member's store and what it holds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExpectedStore {
    /// Which scenario made it.
    pub scenario: String,
    /// The store's file, in the same folder.
    pub file: String,
    /// The member's identity (basic credential), also the name its
    /// signature key is stored under.
    pub identity: String,
    /// The crypto backend the member ran on.
    pub backend: String,
    /// The groups stored, by group id.
    pub groups: Vec<ExpectedGroup>,
    /// The KeyPackages held.
    pub key_packages: Vec<ExpectedKeyPackage>,
    /// The external PSKs held.
    pub external_psks: Vec<ExpectedPsk>,
}

/// A stored group as [`Group::load`] must give it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExpectedGroup {
    /// Group id, hex.
    pub group_id: String,
    /// Epoch.
    pub epoch: u64,
    /// Epoch authenticator, hex.
    pub epoch_authenticator: String,
    /// `export_secret(EXPORTER_LABEL, b"", EXPORTER_LEN)`, hex.
    pub exporter: String,
    /// Our leaf index.
    pub own_leaf_index: u32,
    /// Number of members.
    pub member_count: usize,
    /// Whether a commit of ours waits to be merged.
    pub has_pending_commit: bool,
    /// Number of cached proposals.
    pub pending_proposals: usize,
    /// Whether the group can still be used.
    pub is_active: bool,
    /// What to do with the loaded group, and where it must end up.
    pub then: Option<Then>,
}

/// Steps to take on a loaded group, in order: merge our pending commit if
/// asked, then process the messages.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Then {
    /// Merge the pending commit first.
    pub merge_pending_commit: bool,
    /// Messages to process after that, in order.
    pub messages: Vec<FurtherMessage>,
    /// The epoch after the steps.
    pub epoch: u64,
    /// The epoch authenticator after the steps, hex.
    pub epoch_authenticator: String,
}

/// A message for a loaded group to process.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FurtherMessage {
    /// What it is, in words.
    pub what: String,
    /// The `MlsMessage`, hex.
    pub message: String,
    /// For application messages: the data it must decrypt to, hex. For a
    /// commit: `None`.
    pub application_data: Option<String>,
}

/// A KeyPackage a client holds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExpectedKeyPackage {
    /// The encoded KeyPackage, hex.
    pub key_package: String,
    /// Whether it is last-resort (kept after a join).
    pub last_resort: bool,
}

/// An external PSK a client holds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExpectedPsk {
    /// The PSK id, hex.
    pub id: String,
    /// The PSK, hex.
    pub secret: String,
}

/// Why generating or reading the corpus failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CorpusError(String);

impl fmt::Display for CorpusError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for CorpusError {}

/// Adds what was being done to an error.
trait Context<T> {
    fn context(self, what: impl fmt::Display) -> Result<T, CorpusError>;
}

impl<T, E: fmt::Display> Context<T> for Result<T, E> {
    fn context(self, what: impl fmt::Display) -> Result<T, CorpusError> {
        self.map_err(|e| CorpusError(format!("{what}: {e}")))
    }
}

fn fail<T>(message: impl fmt::Display) -> Result<T, CorpusError> {
    Err(CorpusError(message.to_string()))
}

/// Every entry of every namespace of `storage`.
pub fn dump(storage: &dyn StorageProvider) -> Result<StoreDump, StorageError> {
    let mut namespaces = Vec::new();
    for namespace in Namespace::ALL {
        let entries = storage
            .scan(namespace, &[])?
            .into_iter()
            .map(|(key, value)| Entry {
                key: hex::encode(key),
                value: hex::encode(value),
            })
            .collect();
        namespaces.push(NamespaceDump {
            namespace: namespace.name().to_string(),
            entries,
        });
    }
    Ok(StoreDump {
        format_version: FORMAT_VERSION,
        namespaces,
    })
}

/// The namespace named `name` ([`Namespace::name`]).
pub fn namespace(name: &str) -> Option<Namespace> {
    Namespace::ALL.into_iter().find(|n| n.name() == name)
}

impl StoreDump {
    /// Every entry, decoded: namespace, key, value.
    pub fn entries(&self) -> Result<Vec<StoredEntry>, CorpusError> {
        let mut out = Vec::new();
        for ns in &self.namespaces {
            let Some(namespace) = namespace(&ns.namespace) else {
                return fail(format!("unknown namespace {:?}", ns.namespace));
            };
            for e in &ns.entries {
                let key = hex::decode(&e.key).context(format!("a key in {}", ns.namespace))?;
                let value =
                    hex::decode(&e.value).context(format!("a value in {}", ns.namespace))?;
                out.push((namespace, key, value));
            }
        }
        Ok(out)
    }

    /// One batch putting every entry, to commit into an empty store.
    pub fn to_batch(&self) -> Result<WriteBatch, CorpusError> {
        let mut batch = WriteBatch::new();
        for (namespace, key, value) in self.entries()? {
            batch.put(namespace, key, value);
        }
        Ok(batch)
    }
}

/// Reads `expected.json` of the corpus folder `dir`.
pub fn read_expected(dir: &Path) -> Result<Expected, CorpusError> {
    read_json(&dir.join(EXPECTED_FILE))
}

/// Reads the store file `file` of the corpus folder `dir`.
pub fn read_store(dir: &Path, file: &str) -> Result<StoreDump, CorpusError> {
    read_json(&dir.join(file))
}

fn read_json<T: for<'de> Deserialize<'de>>(path: &Path) -> Result<T, CorpusError> {
    let text = std::fs::read_to_string(path).context(format!("reading {}", path.display()))?;
    serde_json::from_str(&text).context(format!("parsing {}", path.display()))
}

/// A member being generated: its store, its client, its seed number.
struct Stored {
    identity: &'static str,
    backend: &'static str,
    storage: Arc<dyn StorageProvider>,
    client: Client<StoredProvider>,
}

/// A member on a fresh in-memory store; `n` picks its seed.
fn member(identity: &'static str, backend: &'static str, n: u64) -> Result<Stored, CorpusError> {
    let storage: Arc<dyn StorageProvider> = Arc::new(MemoryStorage::new());
    let client = client_on_storage(backend, SUITE, identity, seed(n), storage.clone())
        .context(format!("making {identity} on {backend}"))?;
    Ok(Stored {
        identity,
        backend,
        storage,
        client,
    })
}

impl Stored {
    fn key_package(
        &self,
        last_resort: bool,
    ) -> Result<mls_core::key_package::KeyPackage, CorpusError> {
        let options = KeyPackageOptions {
            last_resort,
            ..KeyPackageOptions::default()
        };
        self.client
            .generate_key_package(SUITE, &options)
            .context(format!("{} making a KeyPackage", self.identity))
    }

    fn join(&self, welcome: &Option<MlsMessage>) -> Result<Group<StoredProvider>, CorpusError> {
        let welcome = welcome
            .as_ref()
            .ok_or_else(|| CorpusError("a commit adding members made no Welcome".into()))?;
        Group::join(&self.client, welcome, GroupConfig::default())
            .context(format!("{} joining", self.identity))
    }

    fn expected_store(&self, scenario: &str) -> ExpectedStore {
        ExpectedStore {
            scenario: scenario.to_string(),
            file: format!("{}.json", self.identity),
            identity: self.identity.to_string(),
            backend: self.backend.to_string(),
            groups: Vec::new(),
            key_packages: Vec::new(),
            external_psks: Vec::new(),
        }
    }
}

/// The observable state of `g`.
fn expect_group(g: &Group<StoredProvider>) -> Result<ExpectedGroup, CorpusError> {
    let exporter = g
        .export_secret(EXPORTER_LABEL, b"", EXPORTER_LEN)
        .context("exporting a secret")?;
    Ok(ExpectedGroup {
        group_id: hex::encode(g.group_id()),
        epoch: g.epoch(),
        epoch_authenticator: hex::encode(g.epoch_authenticator()),
        exporter: hex::encode(exporter.as_bytes()),
        own_leaf_index: g.own_leaf_index(),
        member_count: g.members().len(),
        has_pending_commit: g.has_pending_commit(),
        pending_proposals: g.pending_proposals().count(),
        is_active: g.is_active(),
        then: None,
    })
}

/// Processes `message` in `g`, which must be application data `data` (or a
/// commit, for `None`).
pub fn process(
    g: &mut Group<StoredProvider>,
    message: &MlsMessage,
    data: Option<&[u8]>,
) -> Result<(), CorpusError> {
    match (
        g.process_and_merge(message)
            .context("processing a message")?,
        data,
    ) {
        (ProcessedMessage::Application(a), Some(data)) if a.data == data => Ok(()),
        (ProcessedMessage::Commit(_), None) => Ok(()),
        (other, _) => fail(format!(
            "expected {}, got {other:?}",
            if data.is_some() {
                "application data"
            } else {
                "a commit"
            }
        )),
    }
}

/// Member `by` merges its pending commit; `others` process it.
fn commit_to(
    by: &mut Group<StoredProvider>,
    others: &mut [&mut Group<StoredProvider>],
    commit: &MlsMessage,
) -> Result<(), CorpusError> {
    by.merge_pending_commit().context("merging a commit")?;
    for g in others.iter_mut() {
        process(g, commit, None)?;
    }
    Ok(())
}

/// `from` sends `text`; every group of `to` reads it.
fn say(
    from: &mut Group<StoredProvider>,
    to: &mut [&mut Group<StoredProvider>],
    text: &str,
) -> Result<MlsMessage, CorpusError> {
    let message = from
        .encrypt_application_message(text.as_bytes(), b"")
        .context("encrypting a message")?;
    for g in to.iter_mut() {
        process(g, &message, Some(text.as_bytes()))?;
    }
    Ok(message)
}

fn further(
    what: &str,
    message: &MlsMessage,
    data: Option<&str>,
) -> Result<FurtherMessage, CorpusError> {
    Ok(FurtherMessage {
        what: what.to_string(),
        message: hex::encode(message.to_bytes().context("encoding a message")?),
        application_data: data.map(hex::encode),
    })
}

/// A store file to write: its name and contents.
type Dumped = (String, StoreDump);

/// Scenario "active".
fn active(dumps: &mut Vec<Dumped>, stores: &mut Vec<ExpectedStore>) -> Result<(), CorpusError> {
    let alice = member("alice", "rustcrypto", 1)?;
    let bob = member("bob", "ring", 2)?;
    let carol = member("carol", "aws-lc", 3)?;
    let control = member("control", "rustcrypto", 4)?;
    let mut a = Group::create(
        &alice.client,
        SUITE,
        Default::default(),
        GroupConfig::default(),
    )
    .context("alice creating a group")?;
    let packages = [
        bob.key_package(false)?,
        carol.key_package(false)?,
        control.key_package(false)?,
    ];
    let out = a.add_members(&packages).context("alice adding three")?;
    a.merge_pending_commit().context("alice merging")?;
    let mut b = bob.join(&out.welcome)?;
    let mut c = carol.join(&out.welcome)?;
    let mut x = control.join(&out.welcome)?;
    say(&mut a, &mut [&mut b, &mut c, &mut x], "alice in epoch 1")?;
    say(&mut b, &mut [&mut a, &mut c, &mut x], "bob in epoch 1")?;
    say(&mut c, &mut [&mut a, &mut b, &mut x], "carol in epoch 1")?;

    let out = b.self_update().context("bob updating")?;
    commit_to(&mut b, &mut [&mut a, &mut c, &mut x], &out.commit)?;

    let proposal = c.propose_update().context("carol proposing an update")?;
    for g in [&mut a, &mut b, &mut x] {
        g.process_and_merge(&proposal)
            .context("receiving carol's proposal")?;
    }
    let out = a.commit().context("alice committing carol's update")?;
    commit_to(&mut a, &mut [&mut b, &mut c, &mut x], &out.commit)?;

    // Alice's first message of epoch 3 reaches bob and carol only after
    // her second: they keep its key, skipped, for later.
    let early_text = "alice in epoch 3, delivered late";
    let early = a
        .encrypt_application_message(early_text.as_bytes(), b"")
        .context("alice encrypting")?;
    x.process_and_merge(&early).context("control reading")?;
    say(&mut a, &mut [&mut b, &mut c, &mut x], "alice in epoch 3")?;
    say(&mut c, &mut [&mut a, &mut b, &mut x], "carol in epoch 3")?;

    let mut expected = Vec::new();
    for (m, g) in [(&alice, &a), (&bob, &b), (&carol, &c)] {
        dumps.push((
            format!("{}.json", m.identity),
            dump(&*m.storage).context("dumping")?,
        ));
        let mut store = m.expected_store("active");
        store.groups.push(expect_group(g)?);
        expected.push(store);
    }

    // What the loaded groups process: control's message of epoch 3, sent
    // before its commit and read after it, and the commit.
    let late_text = "control in epoch 3, read in epoch 4";
    let late = x
        .encrypt_application_message(late_text.as_bytes(), b"")
        .context("control encrypting")?;
    let update = x.self_update().context("control updating")?;
    x.merge_pending_commit().context("control merging")?;
    let commit = further("control's full commit", &update.commit, None)?;
    let late = further(
        "control's message from the epoch before",
        &late,
        Some(late_text),
    )?;
    let early = further("alice's skipped message", &early, Some(early_text))?;
    for (i, (store, g)) in expected
        .iter_mut()
        .zip([&mut a, &mut b, &mut c])
        .enumerate()
    {
        let mut messages = Vec::new();
        if i != 0 {
            messages.push(early.clone());
        }
        messages.push(commit.clone());
        messages.push(late.clone());
        // The same steps on the live groups, so the corpus is consistent.
        for m in &messages {
            let bytes = hex::decode(&m.message).context("hex")?;
            let msg = MlsMessage::from_bytes(&bytes).context("decoding")?;
            let data = m
                .application_data
                .as_deref()
                .map(hex::decode)
                .transpose()
                .context("hex")?;
            process(g, &msg, data.as_deref()).context(format!("{}: {}", store.identity, m.what))?;
        }
        if g.epoch_authenticator() != x.epoch_authenticator() {
            return fail(format!(
                "{} disagrees with control after its commit",
                store.identity
            ));
        }
        store.groups[0].then = Some(Then {
            merge_pending_commit: false,
            messages,
            epoch: x.epoch(),
            epoch_authenticator: hex::encode(x.epoch_authenticator()),
        });
    }
    stores.extend(expected);
    Ok(())
}

/// Scenario "pending".
fn pending(dumps: &mut Vec<Dumped>, stores: &mut Vec<ExpectedStore>) -> Result<(), CorpusError> {
    let dave = member("dave", "ring", 5)?;
    let erin = member("erin", "aws-lc", 6)?;
    let mut d = Group::create(
        &dave.client,
        SUITE,
        Default::default(),
        GroupConfig::default(),
    )
    .context("dave creating a group")?;
    let out = d
        .add_members(&[erin.key_package(false)?])
        .context("dave adding erin")?;
    d.merge_pending_commit().context("dave merging")?;
    let mut e = erin.join(&out.welcome)?;
    say(&mut d, &mut [&mut e], "dave in epoch 1")?;
    say(&mut e, &mut [&mut d], "erin in epoch 1")?;
    let proposal = e.propose_update().context("erin proposing an update")?;
    d.process_and_merge(&proposal)
        .context("dave receiving erin's proposal")?;
    let out = d.commit().context("dave committing erin's update")?;

    let mut dave_store = dave.expected_store("pending");
    dave_store.groups.push(expect_group(&d)?);
    let mut erin_store = erin.expected_store("pending");
    erin_store.groups.push(expect_group(&e)?);
    dumps.push(("dave.json".into(), dump(&*dave.storage).context("dumping")?));
    dumps.push(("erin.json".into(), dump(&*erin.storage).context("dumping")?));

    commit_to(&mut d, &mut [&mut e], &out.commit)?;
    if d.epoch_authenticator() != e.epoch_authenticator() {
        return fail("dave and erin disagree after dave's commit");
    }
    let after = (d.epoch(), hex::encode(d.epoch_authenticator()));
    dave_store.groups[0].then = Some(Then {
        merge_pending_commit: true,
        messages: Vec::new(),
        epoch: after.0,
        epoch_authenticator: after.1.clone(),
    });
    erin_store.groups[0].then = Some(Then {
        merge_pending_commit: false,
        messages: vec![further(
            "dave's commit of erin's update",
            &out.commit,
            None,
        )?],
        epoch: after.0,
        epoch_authenticator: after.1,
    });
    stores.push(dave_store);
    stores.push(erin_store);
    Ok(())
}

/// Scenario "removed".
fn removed(dumps: &mut Vec<Dumped>, stores: &mut Vec<ExpectedStore>) -> Result<(), CorpusError> {
    let frank = member("frank", "rustcrypto", 7)?;
    let grace = member("grace", "ring", 8)?;
    let mut f = Group::create(
        &frank.client,
        SUITE,
        Default::default(),
        GroupConfig::default(),
    )
    .context("frank creating a group")?;
    let out = f
        .add_members(&[grace.key_package(false)?])
        .context("frank adding grace")?;
    f.merge_pending_commit().context("frank merging")?;
    let mut g = grace.join(&out.welcome)?;
    say(&mut f, &mut [&mut g], "frank in epoch 1")?;
    say(&mut g, &mut [&mut f], "grace in epoch 1")?;
    let out = f
        .remove_members(&[g.own_leaf_index()])
        .context("frank removing grace")?;
    commit_to(&mut f, &mut [&mut g], &out.commit)?;
    if g.is_active() {
        return fail("grace is still active after her removal");
    }
    let mut store = grace.expected_store("removed");
    store.groups.push(expect_group(&g)?);
    dumps.push((
        "grace.json".into(),
        dump(&*grace.storage).context("dumping")?,
    ));
    stores.push(store);
    Ok(())
}

/// The external PSK of scenario "key-packages".
const PSK_ID: &[u8] = b"corpus external psk";

/// Scenario "key-packages".
fn key_packages(
    dumps: &mut Vec<Dumped>,
    stores: &mut Vec<ExpectedStore>,
) -> Result<(), CorpusError> {
    let heidi = member("heidi", "aws-lc", 9)?;
    let mut store = heidi.expected_store("key-packages");
    for last_resort in [false, false, true] {
        let kp = heidi.key_package(last_resort)?;
        store.key_packages.push(ExpectedKeyPackage {
            key_package: hex::encode(mls_core::codec::encode(&kp).context("encoding")?),
            last_resort,
        });
    }
    let secret: Vec<u8> = (0u8..32).map(|i| i.wrapping_mul(37) ^ 0x5c).collect();
    heidi
        .client
        .store_external_psk(PSK_ID, &secret)
        .context("heidi storing a PSK")?;
    store.external_psks.push(ExpectedPsk {
        id: hex::encode(PSK_ID),
        secret: hex::encode(&secret),
    });
    dumps.push((
        "heidi.json".into(),
        dump(&*heidi.storage).context("dumping")?,
    ));
    stores.push(store);
    Ok(())
}

/// Builds the corpus of this build's storage format in `dir` (created if
/// need be; it must hold no files) and returns the files written with
/// their sizes. The same build writes the same bytes on every run.
pub fn generate(dir: &Path) -> Result<Vec<(String, u64)>, CorpusError> {
    if dir.exists() {
        let mut entries = std::fs::read_dir(dir).context(format!("reading {}", dir.display()))?;
        if entries.next().is_some() {
            return fail(format!(
                "{} is not empty: a corpus is written once and never regenerated \
                 (interop/tests/fixtures/storage/README.md); write to a new folder",
                dir.display()
            ));
        }
    }
    std::fs::create_dir_all(dir).context(format!("creating {}", dir.display()))?;
    let mut dumps = Vec::new();
    let mut stores = Vec::new();
    active(&mut dumps, &mut stores)?;
    pending(&mut dumps, &mut stores)?;
    removed(&mut dumps, &mut stores)?;
    key_packages(&mut dumps, &mut stores)?;
    let expected = Expected {
        format_version: FORMAT_VERSION,
        cipher_suite: SUITE.code(),
        time: TEST_TIME,
        exporter_label: EXPORTER_LABEL.to_string(),
        stores,
    };
    let mut files = Vec::new();
    let mut write = |name: &str, text: String| -> Result<(), CorpusError> {
        let path = dir.join(name);
        let text = text + "\n";
        std::fs::write(&path, &text).context(format!("writing {}", path.display()))?;
        files.push((name.to_string(), text.len() as u64));
        Ok(())
    };
    for (name, store) in &dumps {
        write(name, serde_json::to_string_pretty(store).context("JSON")?)?;
    }
    write(
        EXPECTED_FILE,
        serde_json::to_string_pretty(&expected).context("JSON")?,
    )?;
    Ok(files)
}
