//! `mls-interop demo`: a small group whose members run on different crypto
//! backends, keep their state in SQLite files, talk only through the
//! reference delivery service (`mls-ds`, over HTTP), and are restarted
//! halfway.
//!
//! Alice (aws-lc), Bob (RustCrypto), Carol (ring) and Dave (RustCrypto)
//! use suite 1 with the operating system's randomness and the system clock.
//! [`run_on_suite`] (`--suite`) takes another built-in suite; on a
//! post-quantum one, members whose backend lacks it run on RustCrypto.
//! Each member keeps its group state and its signature key in its own
//! SQLite database, registers with the delivery service, publishes
//! KeyPackages there, and sends and fetches every message through it: the
//! creator uploads the group's first GroupInfo, committers claim the
//! KeyPackages they add and upload each commit with its GroupInfo and
//! Welcome, and every member reads its queue. Handshakes are
//! PublicMessages, so the service checks each with its public view of the
//! group and orders them: when two members commit in one epoch, the first
//! commit wins and the second is refused. The run goes through Welcome,
//! application messages, two racing commits, a proposal committed by
//! reference, an Add and a Remove, printing each epoch's authenticator per
//! member and stopping with an error if they differ. Then every group,
//! client and database is closed (and the service, when it runs in this
//! process, restarts on its own database); each member reopens its file,
//! finds its group with [`Client::group_ids`], loads it with
//! [`Group::load`] and must be where it was; the group then carries on for
//! one more epoch.
//!
//! ```no_run
//! let dir = tempfile::tempdir()?;
//! let mut out = Vec::new();
//! interop::demo::run(dir.path(), &mut out)?;
//! print!("{}", String::from_utf8_lossy(&out));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use crate::clients::{StoredProvider, crypto_for};
use mls_core::credential::Credential;
use mls_core::crypto::generate_signature_key_pair;
use mls_core::framing::{MlsMessageBody, WireFormat};
use mls_core::provider::{MlsProvider, RandProvider, StorageProvider};
use mls_core::storage::{signature_key, store_signature_key};
use mls_core::{
    CipherSuite, Client, CommitOutput, Group, GroupConfig, KeyPackageOptions, MlsMessage,
    ProcessedMessage, Registration,
};
use mls_ds::client::{CommitUpload, DsClient};
use mls_storage_sqlite::SqliteStorage;
use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The cipher suite of the demo group, which every backend offers.
pub const SUITE: CipherSuite = CipherSuite::MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519;

/// The members, in order: name and crypto backend (on suite 1; a member
/// whose backend lacks the chosen suite runs on RustCrypto, see
/// [`backends_for`]).
pub const MEMBERS: [(&str, &str); 4] = [
    ("alice", "aws-lc"),
    ("bob", "rustcrypto"),
    ("carol", "ring"),
    ("dave", "rustcrypto"),
];

/// The crypto backend of each member of [`MEMBERS`] for a group on
/// `suite`: its own when that backend has the suite (provisional suites
/// included), else RustCrypto, which has every built-in suite. `None` when
/// no backend has the suite.
pub fn backends_for(suite: CipherSuite) -> Option<[&'static str; 4]> {
    let has = |backend: &str| crypto_for(backend, suite).is_some_and(|c| c.suite(suite).is_some());
    if !has("rustcrypto") {
        return None;
    }
    Some(MEMBERS.map(|(_, backend)| if has(backend) { backend } else { "rustcrypto" }))
}

/// The built-in suite `arg` names: its code point (`0x004d`, `77`) or its
/// name (`MLS_256_XWING_CHACHA20POLY1305_SHA256_Ed25519`, any case).
pub fn parse_suite(arg: &str) -> Result<CipherSuite, DemoError> {
    let code = match arg.strip_prefix("0x").or_else(|| arg.strip_prefix("0X")) {
        Some(hex) => u16::from_str_radix(hex, 16).ok(),
        None => arg.parse::<u16>().ok(),
    };
    let found = mls_core::CipherSuiteDefinition::BUILT_IN
        .iter()
        .find(|d| code == Some(d.suite.code()) || d.name.eq_ignore_ascii_case(arg));
    match found {
        Some(d) => Ok(d.suite),
        None => fail(format!(
            "--suite {arg}: not a built-in cipher suite (a code point such as 0x0001 or 0x004d, or a suite name)"
        )),
    }
}

/// What one run is on: the suite and each member's backend.
struct Setting {
    suite: CipherSuite,
    backends: [&'static str; 4],
}

const ALICE: usize = 0;
const BOB: usize = 1;
const CAROL: usize = 2;
const DAVE: usize = 3;

/// Why the demo stopped: what it was doing and what went wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoError(String);

impl fmt::Display for DemoError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for DemoError {}

impl From<std::io::Error> for DemoError {
    fn from(e: std::io::Error) -> Self {
        DemoError(format!("writing the output: {e}"))
    }
}

/// Adds what the demo was doing to an error.
trait Context<T> {
    fn context(self, what: impl fmt::Display) -> Result<T, DemoError>;
}

impl<T, E: fmt::Display> Context<T> for Result<T, E> {
    fn context(self, what: impl fmt::Display) -> Result<T, DemoError> {
        self.map_err(|e| DemoError(format!("{what}: {e}")))
    }
}

fn fail<T>(message: impl fmt::Display) -> Result<T, DemoError> {
    Err(DemoError(message.to_string()))
}

/// The operating system's randomness, through backend `name`'s own source.
fn system_rand(name: &str) -> Option<Box<dyn RandProvider>> {
    match name {
        "rustcrypto" => Some(Box::new(mls_crypto_rustcrypto::SystemRand)),
        "ring" => Some(Box::new(mls_crypto_ring::SystemRand::new())),
        "aws-lc" => Some(Box::new(mls_crypto_awslc::SystemRand::new())),
        _ => None,
    }
}

/// The database file of member `name` in `dir`.
fn database(dir: &Path, name: &str) -> PathBuf {
    dir.join(format!("{name}.db"))
}

/// The delivery service's database when it runs in this process.
const DS_DATABASE: &str = "ds.db";

/// The group settings of every member: handshakes as PublicMessages, so
/// the delivery service can check them with its public view before it
/// orders them (RFC 9420 §6, RFC 9750 §5).
fn config() -> GroupConfig {
    GroupConfig {
        handshake_wire_format: WireFormat::PublicMessage,
        ..GroupConfig::default()
    }
}

/// The delivery service the members talk through: one started in this
/// process on a loopback port (restarted with the members), or one
/// running elsewhere.
struct Service {
    url: String,
    local: Option<(mls_ds::ServerHandle, PathBuf)>,
    suite: CipherSuite,
}

impl Service {
    /// Starts the service in this process, its tables in `db`, taking
    /// `suite` as well as the RFC 9420 suites.
    fn start(db: &Path, suite: CipherSuite) -> Result<Self, DemoError> {
        let listener = std::net::TcpListener::bind("127.0.0.1:0")
            .context("binding a loopback port for the delivery service")?;
        let mut config = mls_ds::Config::new(db);
        if let Some(definition) = suite.definition()
            && !config.cipher_suites.contains(definition)
        {
            config.cipher_suites.push(*definition);
        }
        let handle = mls_ds::serve(listener, config).context("starting the delivery service")?;
        Ok(Self {
            url: handle.url(),
            local: Some((handle, db.to_path_buf())),
            suite,
        })
    }

    /// The service at `url`, run by someone else.
    fn remote(url: &str, suite: CipherSuite) -> Self {
        Self {
            url: url.to_string(),
            local: None,
            suite,
        }
    }

    /// Stops a service of this process and starts it again on its
    /// database (on a new port); says what it did.
    fn restart(&mut self, out: &mut dyn Write) -> Result<(), DemoError> {
        let Some((handle, db)) = self.local.take() else {
            writeln!(
                out,
                "       the delivery service at {} keeps running",
                self.url
            )?;
            return Ok(());
        };
        handle.shutdown().context("stopping the delivery service")?;
        *self = Self::start(&db, self.suite)?;
        writeln!(
            out,
            "       the delivery service restarts on {} and listens at {}",
            db.file_name().unwrap_or_default().to_string_lossy(),
            self.url
        )?;
        Ok(())
    }
}

/// One member: its client (on its own database), its connection to the
/// delivery service and, once it is in the group, its group.
struct Member {
    name: &'static str,
    suite: CipherSuite,
    client: Client<StoredProvider>,
    ds: DsClient,
    group: Option<Group<StoredProvider>>,
}

impl Member {
    /// Opens member `i`'s database in `dir` (creating it if need be) and
    /// makes its client, with the signature key kept in the database: a
    /// member opened again is the same member. It talks to the service at
    /// `url` as `name-tag`.
    fn open(
        dir: &Path,
        i: usize,
        url: &str,
        tag: &str,
        setting: &Setting,
    ) -> Result<Self, DemoError> {
        let (name, _) = MEMBERS[i];
        let (backend, suite_id) = (setting.backends[i], setting.suite);
        let path = database(dir, name);
        let storage: Arc<dyn StorageProvider> = Arc::new(
            SqliteStorage::open(&path).context(format!("{name}: opening {}", path.display()))?,
        );
        let crypto = crypto_for(backend, suite_id)
            .ok_or_else(|| DemoError(format!("no backend {backend}")))?;
        let rand = system_rand(backend)
            .ok_or_else(|| DemoError(format!("no randomness for {backend}")))?;
        let suite = crypto
            .cipher_suite(suite_id)
            .context(format!("{name}: {backend} and suite {suite_id}"))?;
        let key = match signature_key(&*storage, name.as_bytes())
            .context(format!("{name}: reading the stored signature key"))?
        {
            Some((stored, key)) if stored == suite_id => key,
            Some((stored, _)) => {
                return fail(format!(
                    "{name}: {} holds a signature key for suite {stored}, not {suite_id}",
                    path.display(),
                ));
            }
            None => {
                let (key, _) = generate_signature_key_pair(suite, &rand)
                    .context(format!("{name}: generating a signature key"))?;
                store_signature_key(&*storage, name.as_bytes(), suite_id, key.as_bytes())
                    .context(format!("{name}: storing the signature key"))?;
                key
            }
        };
        // The same key signs the member's MLS messages and its requests to
        // the service, which knows the member by it.
        let signer = suite
            .signer(key.as_bytes())
            .context(format!("{name}: the signature key"))?;
        let request_signer: Arc<dyn mls_core::provider::Signer> = suite
            .signer(key.as_bytes())
            .context(format!("{name}: the signature key"))?
            .into();
        let ds = DsClient::new(url, &format!("{name}-{tag}"), request_signer);
        let provider = MlsProvider::new(crypto, rand, storage);
        // The demo's members all run in this process: they take each
        // other's basic credentials as they are.
        let client = Client::builder(
            provider,
            Credential::basic(name.as_bytes().to_vec()),
            signer,
        )
        .credential_validator(mls_core::credential::AcceptAll)
        .build();
        Ok(Member {
            name,
            suite: suite_id,
            client,
            ds,
            group: None,
        })
    }

    /// The member's group, which it must have.
    fn group(&mut self) -> Result<&mut Group<StoredProvider>, DemoError> {
        let name = self.name;
        self.group
            .as_mut()
            .ok_or_else(|| DemoError(format!("{name} is not in the group")))
    }

    /// Whether the member is in the group and can still use it.
    fn active(&self) -> bool {
        self.group.as_ref().is_some_and(Group::is_active)
    }

    /// Publishes a fresh KeyPackage at the delivery service.
    fn publish_key_package(&self) -> Result<(), DemoError> {
        let name = self.name;
        let package = self
            .client
            .generate_key_package(self.suite, &KeyPackageOptions::default())
            .context(format!("{name} making a KeyPackage"))?;
        self.ds
            .publish_key_package(&MlsMessage::new(MlsMessageBody::KeyPackage(package)))
            .context(format!("{name} publishing a KeyPackage"))?;
        Ok(())
    }

    /// Fetches everything the service queued for this member, in order,
    /// and processes it: a Welcome joins the group, the rest goes to the
    /// group.
    fn fetch(&mut self) -> Result<Vec<Fetched>, DemoError> {
        let name = self.name;
        let queues = self
            .ds
            .queues()
            .context(format!("{name} listing its queues"))?;
        let mut fetched = Vec::new();
        for queue in queues.queues {
            let group_id =
                hex::decode(&queue.group_id).context(format!("{name}: a queue's group id"))?;
            let messages = self
                .ds
                .drain(&group_id)
                .context(format!("{name} fetching its queue"))?;
            for (_, message) in messages {
                if let MlsMessageBody::Welcome(_) = &message.body {
                    let group = Group::join(&self.client, &message, config())
                        .context(format!("{name} joining from the Welcome"))?;
                    self.group = Some(group);
                    fetched.push(Fetched::Joined);
                    continue;
                }
                let processed = self
                    .group()?
                    .process_and_merge(&message)
                    .context(format!("{name} processing a message from its queue"))?;
                fetched.push(match processed {
                    ProcessedMessage::Commit(_) => Fetched::Commit,
                    ProcessedMessage::Proposal(_) => Fetched::Proposal,
                    ProcessedMessage::Application(a) => Fetched::Application(a.data),
                    other => return fail(format!("{name} fetched {other:?}")),
                });
            }
        }
        Ok(fetched)
    }

    /// [`fetch`](Self::fetch), which must bring exactly `expected`.
    fn expect(&mut self, expected: &[Fetched], what: &str) -> Result<(), DemoError> {
        let fetched = self.fetch()?;
        if fetched != expected {
            return fail(format!(
                "{} fetched {fetched:?} after \"{what}\", expected {expected:?}",
                self.name
            ));
        }
        Ok(())
    }
}

/// What a member found in its queue.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Fetched {
    Joined,
    Commit,
    Proposal,
    Application(Vec<u8>),
}

/// The first 8 bytes of `bytes`, in hex.
fn short(bytes: &[u8]) -> String {
    hex::encode(&bytes[..bytes.len().min(8)])
}

/// Checks that every active member is at one epoch with one authenticator,
/// and prints the line of that epoch.
fn epoch_line(out: &mut dyn Write, members: &[Member], what: &str) -> Result<(), DemoError> {
    let mut agreed: Option<(&str, u64, &[u8])> = None;
    for m in members {
        let Some(g) = m.group.as_ref().filter(|g| g.is_active()) else {
            continue;
        };
        match agreed {
            None => agreed = Some((m.name, g.epoch(), g.epoch_authenticator())),
            Some((first, epoch, auth)) => {
                if g.epoch() != epoch || g.epoch_authenticator() != auth {
                    return fail(format!(
                        "after \"{what}\": {} is at epoch {} with authenticator {}, but {first} \
                         is at epoch {epoch} with authenticator {}",
                        m.name,
                        g.epoch(),
                        short(g.epoch_authenticator()),
                        short(auth)
                    ));
                }
            }
        }
    }
    let Some((_, epoch, _)) = agreed else {
        return fail(format!("after \"{what}\": nobody is in the group"));
    };
    let mut line = format!("{epoch:>5}  {what:<40}");
    for m in members {
        let cell = match &m.group {
            None => "-".to_string(),
            Some(g) if !g.is_active() => "removed".to_string(),
            Some(g) => short(g.epoch_authenticator()),
        };
        line.push_str(&format!(" {cell:<16}"));
    }
    writeln!(out, "{}", line.trim_end())?;
    Ok(())
}

/// Member `by` sends its commit (with the new epoch's GroupInfo, and the
/// Welcome for `joiners`) to the service and, once it is accepted, merges
/// it; every other active member fetches it, and the joiners their
/// Welcome.
fn commit(
    members: &mut [Member],
    by: usize,
    output: CommitOutput,
    joiners: &[usize],
    what: &str,
) -> Result<(), DemoError> {
    let committer = members[by].name;
    let group_id = members[by].group()?.group_id().to_vec();
    let upload = CommitUpload {
        commit: Some(&output.commit),
        group_info: Some(&output.group_info),
        welcome: output.welcome.as_ref(),
        welcome_recipients: joiners
            .iter()
            .map(|&j| members[j].ds.client_id().to_string())
            .collect(),
        ..CommitUpload::default()
    };
    members[by]
        .ds
        .send_commit(&group_id, &upload)
        .context(format!(
            "the delivery service refused {committer}'s \"{what}\""
        ))?;
    members[by]
        .group()?
        .merge_pending_commit()
        .context(format!("{committer} merging \"{what}\""))?;
    for (j, m) in members.iter_mut().enumerate() {
        if j == by {
            continue;
        }
        if joiners.contains(&j) {
            m.expect(&[Fetched::Joined], what)?;
        } else if m.active() {
            m.expect(&[Fetched::Commit], what)?;
        }
    }
    Ok(())
}

/// Each of `senders` sends an application message through the service;
/// every other active member must fetch exactly what was sent.
fn messages(
    out: &mut dyn Write,
    members: &mut [Member],
    senders: &[usize],
) -> Result<(), DemoError> {
    let mut delivered = 0;
    for &s in senders {
        let sender = members[s].name;
        let group = members[s].group()?;
        let group_id = group.group_id().to_vec();
        let text = format!("hello from {sender} in epoch {}", group.epoch());
        let message = group
            .encrypt_application_message(text.as_bytes(), b"")
            .context(format!("{sender} encrypting a message"))?;
        members[s]
            .ds
            .send_message(&group_id, &message)
            .context(format!("{sender} sending a message"))?;
        for (j, m) in members.iter_mut().enumerate() {
            if j != s && m.active() {
                m.expect(&[Fetched::Application(text.clone().into_bytes())], &text)?;
                delivered += 1;
            }
        }
    }
    let names: Vec<&str> = senders.iter().map(|&s| members[s].name).collect();
    writeln!(
        out,
        "       messages from {}: {delivered} delivered through the service, each read as sent",
        names.join(", ")
    )?;
    Ok(())
}

/// The group as one member left it before the restart.
struct Before {
    epoch: u64,
    authenticator: Vec<u8>,
    active: bool,
}

/// Runs the demo with the members' databases in `dir` and the delivery
/// service in this process (its database in `dir` too), writing its report
/// to `out`. `dir` must exist and must not hold databases of an earlier
/// run. Every member and the service are closed when it returns.
pub fn run(dir: &Path, out: &mut dyn Write) -> Result<(), DemoError> {
    run_with(dir, None, out)
}

/// [`run`], through the delivery service at `ds_url` if given (an
/// `mls-ds` running elsewhere) rather than one in this process.
pub fn run_with(dir: &Path, ds_url: Option<&str>, out: &mut dyn Write) -> Result<(), DemoError> {
    run_on_suite(dir, ds_url, SUITE, out)
}

/// [`run_with`] on cipher suite `suite`: any built-in suite, the
/// provisional post-quantum ones included. Members whose backend lacks the
/// suite run on RustCrypto ([`backends_for`]); a service in this process
/// takes the suite, one elsewhere must be configured to
/// (`mls-ds --provisional-suites`).
pub fn run_on_suite(
    dir: &Path,
    ds_url: Option<&str>,
    suite: CipherSuite,
    out: &mut dyn Write,
) -> Result<(), DemoError> {
    let Some(backends) = backends_for(suite) else {
        return fail(format!(
            "no crypto backend of this build offers suite {suite}"
        ));
    };
    let setting = Setting { suite, backends };
    let mut files = MEMBERS
        .iter()
        .map(|(name, _)| database(dir, name))
        .collect::<Vec<_>>();
    files.push(dir.join(DS_DATABASE));
    for path in files {
        if path.exists() {
            return fail(format!(
                "{} already exists (from an earlier run?): give the demo an empty folder",
                path.display()
            ));
        }
    }
    let mut service = match ds_url {
        Some(url) => Service::remote(url, suite),
        None => Service::start(&dir.join(DS_DATABASE), suite)?,
    };
    // Client ids of this run: a service that outlives the run (--ds) keeps
    // the ids of earlier runs registered.
    let mut tag = [0u8; 4];
    mls_crypto_rustcrypto::SystemRand
        .fill(&mut tag)
        .context("drawing the run's client-id tag")?;
    let tag = hex::encode(tag);

    let mut distinct = backends.to_vec();
    distinct.sort_unstable();
    distinct.dedup();
    let name = suite.definition().map_or("", |d| d.name);
    writeln!(
        out,
        "MLS demo: {} members on {} crypto backend(s), suite 0x{:04x} {name}",
        MEMBERS.len(),
        distinct.len(),
        suite.code()
    )?;
    if let Some(Registration::Provisional { source }) = suite.definition().map(|d| d.registration) {
        writeln!(
            out,
            "  a provisional code point (from {source}): not registered with IANA, may change"
        )?;
    }
    let roster: Vec<String> = MEMBERS
        .iter()
        .zip(backends)
        .map(|((n, _), b)| format!("{n} on {b}"))
        .collect();
    writeln!(
        out,
        "  {}; each member's state in its own SQLite file in {}",
        roster.join(", "),
        dir.display()
    )?;
    let place = match &service.local {
        Some((_, db)) => format!("in this process, its tables in {}", db.display()),
        None => "run elsewhere".to_string(),
    };
    writeln!(
        out,
        "  every message goes through the delivery service (mls-ds) at {}, {place}",
        service.url
    )?;
    let mut header = format!("{:>5}  {:<40}", "epoch", "what happened");
    for (name, _) in MEMBERS {
        header.push_str(&format!(" {name:<16}"));
    }
    writeln!(out, "{}", header.trim_end())?;

    let (group_id, before) = first_part(dir, &service.url, &tag, &setting, out)?;
    writeln!(
        out,
        "restart: all groups, clients and databases closed; each member reopens its file"
    )?;
    service.restart(out)?;
    let members = restart(dir, &service.url, &tag, &setting, out, &group_id, &before)?;
    second_part(out, members)?;
    drop(service);

    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).context(format!("listing {}", dir.display()))? {
        let entry = entry.context(format!("listing {}", dir.display()))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        // SQLite's write-ahead log and index files come and go.
        if !name.ends_with(".db") {
            continue;
        }
        let len = entry
            .metadata()
            .context(format!("reading the size of {}", entry.path().display()))?
            .len();
        files.push((name, len));
    }
    files.sort();
    let listed: Vec<String> = files
        .iter()
        .map(|(name, len)| format!("{name} {len} bytes"))
        .collect();
    writeln!(out, "files: {}", listed.join(", "))?;
    writeln!(
        out,
        "ok: all members agreed at every epoch, before and after the restart"
    )?;
    Ok(())
}

/// Up to the restart: returns the group id and where each member was.
fn first_part(
    dir: &Path,
    url: &str,
    tag: &str,
    setting: &Setting,
    out: &mut dyn Write,
) -> Result<(Vec<u8>, Vec<Before>), DemoError> {
    let mut members = (0..MEMBERS.len())
        .map(|i| Member::open(dir, i, url, tag, setting))
        .collect::<Result<Vec<_>, _>>()?;
    for m in &members {
        m.ds.register()
            .context(format!("{} registering with the delivery service", m.name))?;
    }
    for i in [BOB, CAROL, DAVE] {
        members[i].publish_key_package()?;
    }

    let group = Group::create(
        &members[ALICE].client,
        setting.suite,
        Default::default(),
        config(),
    )
    .context("alice creating the group")?;
    let group_id = group.group_id().to_vec();
    let info = group
        .group_info(true)
        .context("alice's GroupInfo of epoch 0")?;
    members[ALICE]
        .ds
        .create_group(&info, None)
        .context("alice creating the group at the delivery service")?;
    members[ALICE].group = Some(group);
    epoch_line(out, &members, "alice creates the group")?;

    let what = "alice adds bob and carol (one Welcome)";
    let mut packages = Vec::new();
    for i in [BOB, CAROL] {
        let id = members[i].ds.client_id().to_string();
        let claimed = members[ALICE]
            .ds
            .claim_key_package(&id, setting.suite)
            .context(format!("alice claiming a KeyPackage of {id}"))?;
        packages.push(
            claimed
                .into_key_package()
                .ok_or_else(|| DemoError(format!("the service gave no KeyPackage for {id}")))?,
        );
    }
    let output = members[ALICE]
        .group()?
        .add_members(&packages)
        .context(what)?;
    commit(&mut members, ALICE, output, &[BOB, CAROL], what)?;
    epoch_line(out, &members, what)?;
    messages(out, &mut members, &[ALICE, BOB, CAROL])?;

    // Two members commit in the same epoch: the service takes the first
    // and refuses the second, whose author drops it and follows the first.
    let what = "bob and carol commit at once: bob's wins";
    let bobs = members[BOB].group()?.self_update().context(what)?;
    let carols = members[CAROL].group()?.self_update().context(what)?;
    commit(&mut members, BOB, bobs, &[], what)?;
    let refused = members[CAROL].ds.send_commit(
        &group_id,
        &CommitUpload {
            commit: Some(&carols.commit),
            group_info: Some(&carols.group_info),
            ..CommitUpload::default()
        },
    );
    match refused {
        Err(mls_ds::Error::Refused {
            status: 409,
            reason,
        }) => {
            members[CAROL]
                .group()?
                .clear_pending_commit()
                .context("carol dropping her refused commit")?;
            epoch_line(out, &members, what)?;
            writeln!(
                out,
                "       carol's commit for the same epoch: refused (409, {reason})"
            )?;
        }
        other => {
            return fail(format!(
                "the service should refuse carol's commit for a finished epoch, said {other:?}"
            ));
        }
    }

    let what = "carol proposes an update; alice commits";
    let proposal = members[CAROL]
        .group()?
        .propose_update()
        .context("carol proposing an update")?;
    members[CAROL]
        .ds
        .send_message(&group_id, &proposal)
        .context("carol sending her proposal")?;
    for i in [ALICE, BOB] {
        members[i].expect(&[Fetched::Proposal], "carol's proposal")?;
    }
    let output = members[ALICE].group()?.commit().context(what)?;
    commit(&mut members, ALICE, output, &[], what)?;
    epoch_line(out, &members, what)?;

    let what = "alice adds dave";
    let id = members[DAVE].ds.client_id().to_string();
    let package = members[ALICE]
        .ds
        .claim_key_package(&id, setting.suite)
        .context("alice claiming dave's KeyPackage")?
        .into_key_package()
        .ok_or_else(|| DemoError("the service gave no KeyPackage for dave".into()))?;
    let output = members[ALICE]
        .group()?
        .add_members(&[package])
        .context(what)?;
    commit(&mut members, ALICE, output, &[DAVE], what)?;
    epoch_line(out, &members, what)?;

    let what = "carol removes bob";
    let bob_leaf = members[BOB].group()?.own_leaf_index();
    let output = members[CAROL]
        .group()?
        .remove_members(&[bob_leaf])
        .context(what)?;
    commit(&mut members, CAROL, output, &[], what)?;
    if members[BOB].active() {
        return fail("bob processed his removal but his group is still active");
    }
    epoch_line(out, &members, what)?;
    messages(out, &mut members, &[ALICE, CAROL, DAVE])?;

    let mut before = Vec::new();
    for m in &mut members {
        let g = m.group()?;
        before.push(Before {
            epoch: g.epoch(),
            authenticator: g.epoch_authenticator().to_vec(),
            active: g.is_active(),
        });
    }
    // Every group, client and database connection is closed here.
    drop(members);
    Ok((group_id, before))
}

/// Reopens every member's database and loads its group, which must be
/// where it was.
fn restart(
    dir: &Path,
    url: &str,
    tag: &str,
    setting: &Setting,
    out: &mut dyn Write,
    group_id: &[u8],
    before: &[Before],
) -> Result<Vec<Member>, DemoError> {
    let mut members = Vec::new();
    for (i, was) in before.iter().enumerate() {
        let mut m = Member::open(dir, i, url, tag, setting)?;
        let name = m.name;
        let ids = m
            .client
            .group_ids()
            .context(format!("{name} listing its groups"))?;
        if !ids.iter().any(|id| id == group_id) {
            return fail(format!(
                "{name}'s database lists {} group(s), not the demo's group {}",
                ids.len(),
                short(group_id)
            ));
        }
        let group =
            Group::load(&m.client, group_id).context(format!("{name} loading the group"))?;
        if group.epoch() != was.epoch
            || group.epoch_authenticator() != was.authenticator
            || group.is_active() != was.active
        {
            return fail(format!(
                "{name} came back at epoch {} with authenticator {} (active: {}), but left at \
                 epoch {} with {} (active: {})",
                group.epoch(),
                short(group.epoch_authenticator()),
                group.is_active(),
                was.epoch,
                short(&was.authenticator),
                was.active
            ));
        }
        let state = if was.active {
            format!(
                "epoch {}, authenticator {}",
                was.epoch,
                short(&was.authenticator)
            )
        } else {
            format!("removed at epoch {}, inactive", was.epoch)
        };
        writeln!(
            out,
            "       {name:<5} found {} group(s), loaded {}: {state}, as before",
            ids.len(),
            short(group_id)
        )?;
        m.group = Some(group);
        members.push(m);
    }
    // Bob was removed: he deletes the group from his database.
    let bob = &mut members[BOB];
    bob.group = None;
    bob.client
        .delete_group(group_id)
        .context("bob deleting the group he was removed from")?;
    let left = bob
        .client
        .group_ids()
        .context("bob listing his groups")?
        .len();
    writeln!(
        out,
        "       bob deletes the group he was removed from ({left} group(s) left)"
    )?;
    Ok(members)
}

/// After the restart: messages in the same epoch (each sender's ratchet
/// carries on where it stopped), one more epoch and more messages, all
/// through the restarted service.
fn second_part(out: &mut dyn Write, mut members: Vec<Member>) -> Result<(), DemoError> {
    messages(out, &mut members, &[ALICE, CAROL, DAVE])?;
    let what = "dave updates his keys (full commit)";
    let output = members[DAVE].group()?.self_update().context(what)?;
    commit(&mut members, DAVE, output, &[], what)?;
    epoch_line(out, &members, what)?;
    messages(out, &mut members, &[ALICE, CAROL, DAVE])?;
    Ok(())
}

/// [`run_on_suite`] for the command line: in `dir` if given (created if
/// needed, kept afterwards), else in a temporary folder that is removed at
/// the end.
pub fn run_cli(
    dir: Option<&Path>,
    ds_url: Option<&str>,
    suite: CipherSuite,
    out: &mut dyn Write,
) -> Result<(), DemoError> {
    match dir {
        Some(dir) => {
            std::fs::create_dir_all(dir).context(format!("creating {}", dir.display()))?;
            run_on_suite(dir, ds_url, suite, out)?;
            writeln!(out, "the databases are kept in {}", dir.display())?;
        }
        None => {
            let tmp = tempfile::tempdir().context("creating a temporary folder")?;
            let shown = tmp.path().display().to_string();
            run_on_suite(tmp.path(), ds_url, suite, out)?;
            tmp.close()
                .context(format!("removing the temporary folder {shown}"))?;
            writeln!(
                out,
                "temporary folder {shown} removed (--dir PATH keeps the databases)"
            )?;
        }
    }
    Ok(())
}
