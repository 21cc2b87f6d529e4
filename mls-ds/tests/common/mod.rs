//! Real MLS members (mls-core on RustCrypto, state in memory) talking to
//! a real server through `DsClient`, and a snapshot of everything a
//! refused request must leave as it was.

#![allow(
    dead_code,
    unreachable_pub,
    missing_docs,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)]

use mls_core::credential::{AcceptAll, Credential};
use mls_core::crypto::generate_signature_key_pair;
use mls_core::extensions::Extensions;
use mls_core::framing::WireFormat;
use mls_core::provider::{CryptoProvider, MlsProvider, Signer};
use mls_core::tree::node::RatchetTree;
use mls_core::{
    CipherSuite, Client, CommitOutput, DefaultRules, Group, GroupConfig, KeyPackageOptions,
    MlsMessage, ProcessedMessage,
};
use mls_crypto_rustcrypto::{RustCryptoProvider, SystemRand};
use mls_ds::client::{CommitUpload, DsClient, RawResponse};
use mls_ds::{Config, ServerHandle};
use mls_storage_memory::MemoryStorage;
use std::path::Path;
use std::sync::Arc;

pub type P = MlsProvider<RustCryptoProvider, SystemRand, MemoryStorage>;
pub const SUITE: CipherSuite = CipherSuite::MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519;

/// Handshakes as PublicMessages, so the service's public view checks them.
pub fn public_config() -> GroupConfig {
    GroupConfig {
        handshake_wire_format: WireFormat::PublicMessage,
        ..GroupConfig::default()
    }
}

pub fn start(dir: &Path) -> ServerHandle {
    start_with(Config::new(dir.join("ds.db")))
}

/// The defaults with joins from outside and PrivateMessage handshakes on.
pub fn open_config(dir: &Path) -> Config {
    let mut config = Config::new(dir.join("ds.db"));
    config.allow_external_joins = true;
    config.allow_private_handshakes = true;
    config
}

pub fn start_with(config: Config) -> ServerHandle {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    mls_ds::serve(listener, config).unwrap()
}

pub struct Person {
    pub name: String,
    pub client: Client<P>,
    pub signer: Arc<dyn Signer>,
    pub ds: DsClient,
    pub group: Option<Group<P>>,
    pub config: GroupConfig,
}

impl Person {
    pub fn new(url: &str, name: &str) -> Self {
        Self::with_config(url, name, public_config())
    }

    pub fn with_config(url: &str, name: &str, config: GroupConfig) -> Self {
        let crypto = RustCryptoProvider::new();
        let suite = crypto.cipher_suite(SUITE).unwrap();
        let (key, _) = generate_signature_key_pair(suite, &SystemRand).unwrap();
        let signer: Arc<dyn Signer> = Arc::from(suite.signer(key.as_bytes()).unwrap());
        let provider = MlsProvider::new(crypto.clone(), SystemRand, MemoryStorage::new());
        let client = Client::builder(
            provider,
            Credential::basic(name.as_bytes().to_vec()),
            suite.signer(key.as_bytes()).unwrap(),
        )
        .credential_validator(AcceptAll)
        .rules(DefaultRules::open())
        .build();
        Self {
            name: name.to_owned(),
            client,
            ds: DsClient::new(url, name, Arc::clone(&signer)),
            signer,
            group: None,
            config,
        }
    }

    /// Points the person at a (restarted) server.
    pub fn reconnect(&mut self, url: &str) {
        self.ds = DsClient::new(url, &self.name, Arc::clone(&self.signer));
    }

    pub fn g(&mut self) -> &mut Group<P> {
        self.group.as_mut().expect("in the group")
    }

    pub fn key_package(&self, last_resort: bool) -> MlsMessage {
        let options = KeyPackageOptions {
            last_resort,
            ..KeyPackageOptions::default()
        };
        self.client
            .generate_key_package(SUITE, &options)
            .unwrap()
            .to_message()
    }

    pub fn publish(&self, last_resort: bool) {
        self.ds
            .publish_key_package(&self.key_package(last_resort))
            .unwrap();
    }

    /// Creates a group and registers it with the service.
    pub fn create_group(&mut self) -> Vec<u8> {
        let group = Group::create(
            &self.client,
            SUITE,
            Extensions::default(),
            self.config.clone(),
        )
        .unwrap();
        let info = group.group_info(true).unwrap();
        let state = self.ds.create_group(&info, None).unwrap();
        assert_eq!(state.epoch, 0);
        let id = group.group_id().to_vec();
        self.group = Some(group);
        id
    }

    /// Reads and applies everything waiting in the group's queue; returns
    /// the application messages, as text.
    pub fn sync(&mut self, group_id: &[u8]) -> Vec<String> {
        let mut texts = Vec::new();
        for (meta, message) in self.ds.drain(group_id).unwrap() {
            if meta.kind == "welcome" {
                assert!(self.group.is_none(), "{}: a second Welcome", self.name);
                self.group =
                    Some(Group::join(&self.client, &message, self.config.clone()).unwrap());
                continue;
            }
            let Some(group) = self.group.as_mut() else {
                continue;
            };
            match group.process_and_merge(&message) {
                Ok(ProcessedMessage::Application(a)) => {
                    texts.push(String::from_utf8(a.data).unwrap())
                }
                Ok(_) => {}
                Err(e) => panic!("{}: processing a {}: {e}", self.name, meta.kind),
            }
        }
        texts
    }
}

/// Uploads a commit with its GroupInfo (and Welcome for `joiners`).
pub fn upload(
    p: &Person,
    group_id: &[u8],
    out: &CommitOutput,
    joiners: &[&str],
) -> mls_ds::api::SubmitResponse {
    upload_with_tree(p, group_id, out, joiners, None)
}

/// [`upload`], with the new epoch's tree (a PrivateMessage commit's
/// GroupInfo needs one beside it: `CommitOutput::group_info` has none).
pub fn upload_with_tree(
    p: &Person,
    group_id: &[u8],
    out: &CommitOutput,
    joiners: &[&str],
    tree: Option<&RatchetTree>,
) -> mls_ds::api::SubmitResponse {
    p.ds.send_commit(
        group_id,
        &CommitUpload {
            commit: Some(&out.commit),
            group_info: Some(&out.group_info),
            welcome: if joiners.is_empty() {
                None
            } else {
                out.welcome.as_ref()
            },
            welcome_recipients: joiners.iter().map(|s| s.to_string()).collect(),
            ratchet_tree: tree,
        },
    )
    .unwrap()
}

/// `adder` adds `new` (by a claimed KeyPackage); everyone syncs.
pub fn add(people: &mut [Person], adder: usize, new: usize, group_id: &[u8]) {
    let name = people[new].name.clone();
    let kp = people[adder].ds.claim_key_package(&name, SUITE).unwrap();
    let kp = kp.into_key_package().unwrap();
    let out = people[adder].g().add_members(&[kp]).unwrap();
    if people[adder].config.handshake_wire_format == WireFormat::PublicMessage {
        upload(&people[adder], group_id, &out, &[&name]);
        people[adder].g().merge_pending_commit().unwrap();
    } else {
        commit_private(&mut people[adder], group_id, &out, &[&name]);
    }
    sync_all(people, group_id);
}

pub fn sync_all(people: &mut [Person], group_id: &[u8]) {
    for p in people.iter_mut() {
        p.sync(group_id);
    }
}

/// A server with `names` registered, each with one published KeyPackage;
/// the first creates a group and adds the others.
pub struct World {
    pub dir: tempfile::TempDir,
    pub server: Option<ServerHandle>,
    pub people: Vec<Person>,
    pub group_id: Vec<u8>,
}

impl World {
    pub fn new(names: &[&str], members: usize) -> Self {
        Self::with(names, members, |dir| Config::new(dir.join("ds.db")))
    }

    /// [`World::new`] on a server with `config(dir)`.
    pub fn with(names: &[&str], members: usize, config: impl FnOnce(&Path) -> Config) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let server = start_with(config(dir.path()));
        let mut people: Vec<Person> = names
            .iter()
            .map(|n| Person::new(&server.url(), n))
            .collect();
        for p in &people {
            p.ds.register().unwrap();
            p.publish(false);
        }
        let group_id = people[0].create_group();
        for i in 1..members {
            add(&mut people, 0, i, &group_id);
        }
        Self {
            dir,
            server: Some(server),
            people,
            group_id,
        }
    }

    pub fn url(&self) -> String {
        self.server.as_ref().unwrap().url()
    }

    pub fn snapshot(&self) -> Snapshot {
        snapshot(&self.people, &self.group_id)
    }

    pub fn epoch(&self) -> u64 {
        self.people[0].ds.group_state(&self.group_id).unwrap().epoch
    }
}

/// What a refused request must not change: every person's KeyPackage
/// counts and queues, and the group's state and GroupInfo.
#[derive(Debug, PartialEq, Eq)]
pub struct Snapshot {
    pub counts: Vec<mls_ds::api::KeyPackageCounts>,
    pub queues: Vec<mls_ds::api::QueueList>,
    pub pending: Vec<Vec<mls_ds::api::QueuedMessage>>,
    pub group: Option<mls_ds::api::GroupState>,
    pub group_info: Option<(u64, Vec<u8>)>,
}

pub fn snapshot(people: &[Person], group_id: &[u8]) -> Snapshot {
    let mut group = None;
    for p in people {
        if let Ok(state) = p.ds.group_state(group_id) {
            group = Some(state);
            break;
        }
    }
    Snapshot {
        counts: people
            .iter()
            .map(|p| p.ds.key_package_counts().unwrap())
            .collect(),
        queues: people.iter().map(|p| p.ds.queues().unwrap()).collect(),
        pending: people
            .iter()
            .map(|p| p.ds.fetch(group_id, 0, 100).unwrap().messages)
            .collect(),
        group,
        group_info: people[0]
            .ds
            .group_info(group_id)
            .ok()
            .map(|(e, gi, _)| (e, gi.to_bytes().unwrap())),
    }
}

/// Asserts the status and that the reason mentions `reason`.
pub fn assert_refused(r: &RawResponse, status: u16, reason: &str) {
    assert_eq!(r.status, status, "reason: {}", r.reason());
    assert!(
        r.reason().to_lowercase().contains(&reason.to_lowercase()),
        "expected a reason with {reason:?}, got {:?}",
        r.reason()
    );
}

/// A JSON body.
pub fn json<T: serde::Serialize>(value: &T) -> Vec<u8> {
    serde_json::to_vec(value).unwrap()
}

pub fn now() -> u64 {
    mls_ds::config::system_clock()
}

/// Merges a PrivateMessage commit, then uploads it with the new tree.
pub fn commit_private(p: &mut Person, group_id: &[u8], out: &CommitOutput, joiners: &[&str]) {
    p.g().merge_pending_commit().unwrap();
    let tree = p.g().ratchet_tree();
    upload_with_tree(p, group_id, out, joiners, Some(&tree));
}
