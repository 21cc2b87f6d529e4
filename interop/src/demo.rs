//! `mls-interop demo`: a small group whose members run on different crypto
//! backends and keep their state in SQLite files, restarted halfway.
//!
//! Alice (aws-lc), Bob (RustCrypto), Carol (ring) and Dave (RustCrypto)
//! use suite 1 with the operating system's randomness and the system clock.
//! Each member keeps its group state and its signature key in its own
//! SQLite database. The run goes through Welcome, application messages,
//! a full commit, a proposal committed by reference, an Add and a Remove,
//! printing each epoch's authenticator per member and stopping with an
//! error if they differ. Then every group, client and database is closed,
//! each member reopens its file, finds its group with
//! [`Client::group_ids`], loads it with [`Group::load`] and must be where it
//! was; the group then carries on for one more epoch.
//!
//! ```no_run
//! let dir = tempfile::tempdir()?;
//! let mut out = Vec::new();
//! interop::demo::run(dir.path(), &mut out)?;
//! print!("{}", String::from_utf8_lossy(&out));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use crate::clients::{StoredProvider, crypto};
use mls_core::credential::Credential;
use mls_core::crypto::generate_signature_key_pair;
use mls_core::provider::{MlsProvider, RandProvider, StorageProvider};
use mls_core::storage::{signature_key, store_signature_key};
use mls_core::{
    CipherSuite, Client, CommitOutput, Group, GroupConfig, KeyPackageOptions, MlsMessage,
    ProcessedMessage,
};
use mls_storage_sqlite::SqliteStorage;
use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The cipher suite of the demo group, which every backend offers.
pub const SUITE: CipherSuite = CipherSuite::MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519;

/// The members, in order: name and crypto backend.
pub const MEMBERS: [(&str, &str); 4] = [
    ("alice", "aws-lc"),
    ("bob", "rustcrypto"),
    ("carol", "ring"),
    ("dave", "rustcrypto"),
];

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

/// One member: its client (on its own database) and, once it is in the
/// group, its group.
struct Member {
    name: &'static str,
    client: Client<StoredProvider>,
    group: Option<Group<StoredProvider>>,
}

impl Member {
    /// Opens member `i`'s database in `dir` (creating it if need be) and
    /// makes its client, with the signature key kept in the database: a
    /// member opened again is the same member.
    fn open(dir: &Path, i: usize) -> Result<Self, DemoError> {
        let (name, backend) = MEMBERS[i];
        let path = database(dir, name);
        let storage: Arc<dyn StorageProvider> = Arc::new(
            SqliteStorage::open(&path).context(format!("{name}: opening {}", path.display()))?,
        );
        let crypto = crypto(backend).ok_or_else(|| DemoError(format!("no backend {backend}")))?;
        let rand = system_rand(backend)
            .ok_or_else(|| DemoError(format!("no randomness for {backend}")))?;
        let suite = crypto
            .cipher_suite(SUITE)
            .context(format!("{name}: {backend} and suite {}", SUITE.code()))?;
        let signer = match signature_key(&*storage, name.as_bytes())
            .context(format!("{name}: reading the stored signature key"))?
        {
            Some((stored, key)) if stored == SUITE => suite.signer(key.as_bytes()),
            Some((stored, _)) => {
                return fail(format!(
                    "{name}: {} holds a signature key for suite {}, not {}",
                    path.display(),
                    stored.code(),
                    SUITE.code()
                ));
            }
            None => {
                let (key, _) = generate_signature_key_pair(suite, &rand)
                    .context(format!("{name}: generating a signature key"))?;
                store_signature_key(&*storage, name.as_bytes(), SUITE, key.as_bytes())
                    .context(format!("{name}: storing the signature key"))?;
                suite.signer(key.as_bytes())
            }
        }
        .context(format!("{name}: the signature key"))?;
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
            client,
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

/// Member `by` merges its commit; every other active member processes it.
/// New members join from the Welcome.
fn commit(
    members: &mut [Member],
    by: usize,
    output: CommitOutput,
    joiners: &[usize],
    what: &str,
) -> Result<(), DemoError> {
    let committer = members[by].name;
    members[by]
        .group()?
        .merge_pending_commit()
        .context(format!("{committer} merging \"{what}\""))?;
    for (j, m) in members.iter_mut().enumerate() {
        if j == by || !m.active() {
            continue;
        }
        let name = m.name;
        match m
            .group()?
            .process_and_merge(&output.commit)
            .context(format!("{name} processing {committer}'s \"{what}\""))?
        {
            ProcessedMessage::Commit(_) => {}
            other => return fail(format!("{name} expected a commit, got {other:?}")),
        }
    }
    if !joiners.is_empty() {
        let welcome = output
            .welcome
            .as_ref()
            .ok_or_else(|| DemoError(format!("\"{what}\" made no Welcome")))?;
        for &j in joiners {
            let m = &mut members[j];
            let group = Group::join(&m.client, welcome, GroupConfig::default())
                .context(format!("{} joining from the Welcome", m.name))?;
            m.group = Some(group);
        }
    }
    Ok(())
}

/// Each of `senders` sends an application message; every other active
/// member must read exactly what was sent.
fn messages(
    out: &mut dyn Write,
    members: &mut [Member],
    senders: &[usize],
) -> Result<(), DemoError> {
    let mut delivered = 0;
    for &s in senders {
        let sender = members[s].name;
        let group = members[s].group()?;
        let text = format!("hello from {sender} in epoch {}", group.epoch());
        let message = group
            .encrypt_application_message(text.as_bytes(), b"")
            .context(format!("{sender} encrypting a message"))?;
        delivered += deliver(members, s, &message, text.as_bytes())?;
    }
    let names: Vec<&str> = senders.iter().map(|&s| members[s].name).collect();
    writeln!(
        out,
        "       messages from {}: {delivered} delivered, each read as sent",
        names.join(", ")
    )?;
    Ok(())
}

/// Every active member but `from` reads `message`, which must be `text`.
fn deliver(
    members: &mut [Member],
    from: usize,
    message: &MlsMessage,
    text: &[u8],
) -> Result<usize, DemoError> {
    let sender = members[from].name;
    let mut count = 0;
    for (j, m) in members.iter_mut().enumerate() {
        if j == from || !m.active() {
            continue;
        }
        let name = m.name;
        match m
            .group()?
            .process_and_merge(message)
            .context(format!("{name} reading {sender}'s message"))?
        {
            ProcessedMessage::Application(a) if a.data == text => count += 1,
            other => return fail(format!("{name} read {other:?} from {sender}")),
        }
    }
    Ok(count)
}

/// The group as one member left it before the restart.
struct Before {
    epoch: u64,
    authenticator: Vec<u8>,
    active: bool,
}

/// Runs the demo with the members' databases in `dir`, writing its report
/// to `out`. `dir` must exist and must not hold databases of an earlier
/// run. Every member is closed when it returns.
pub fn run(dir: &Path, out: &mut dyn Write) -> Result<(), DemoError> {
    for (name, _) in MEMBERS {
        let path = database(dir, name);
        if path.exists() {
            return fail(format!(
                "{} already exists (from an earlier run?): give the demo an empty folder",
                path.display()
            ));
        }
    }
    writeln!(
        out,
        "MLS demo: {} members on three crypto backends, suite {} ({SUITE:?})",
        MEMBERS.len(),
        SUITE.code()
    )?;
    let roster: Vec<String> = MEMBERS.iter().map(|(n, b)| format!("{n} on {b}")).collect();
    writeln!(
        out,
        "  {}; each member's state in its own SQLite file in {}",
        roster.join(", "),
        dir.display()
    )?;
    let mut header = format!("{:>5}  {:<40}", "epoch", "what happened");
    for (name, _) in MEMBERS {
        header.push_str(&format!(" {name:<16}"));
    }
    writeln!(out, "{}", header.trim_end())?;

    let (group_id, before) = first_part(dir, out)?;
    let members = restart(dir, out, &group_id, &before)?;
    second_part(out, members)?;

    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).context(format!("listing {}", dir.display()))? {
        let entry = entry.context(format!("listing {}", dir.display()))?;
        let len = entry
            .metadata()
            .context(format!("reading the size of {}", entry.path().display()))?
            .len();
        files.push((entry.file_name().to_string_lossy().into_owned(), len));
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
fn first_part(dir: &Path, out: &mut dyn Write) -> Result<(Vec<u8>, Vec<Before>), DemoError> {
    let mut members = (0..MEMBERS.len())
        .map(|i| Member::open(dir, i))
        .collect::<Result<Vec<_>, _>>()?;
    let config = GroupConfig::default();

    let group = Group::create(&members[ALICE].client, SUITE, Default::default(), config)
        .context("alice creating the group")?;
    let group_id = group.group_id().to_vec();
    members[ALICE].group = Some(group);
    epoch_line(out, &members, "alice creates the group")?;

    let packages = [BOB, CAROL]
        .iter()
        .map(|&i| {
            members[i]
                .client
                .generate_key_package(SUITE, &KeyPackageOptions::default())
                .context(format!("{} making a KeyPackage", members[i].name))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let what = "alice adds bob and carol (one Welcome)";
    let output = members[ALICE]
        .group()?
        .add_members(&packages)
        .context(what)?;
    commit(&mut members, ALICE, output, &[BOB, CAROL], what)?;
    epoch_line(out, &members, what)?;
    messages(out, &mut members, &[ALICE, BOB, CAROL])?;

    let what = "bob updates his keys (full commit)";
    let output = members[BOB].group()?.self_update().context(what)?;
    commit(&mut members, BOB, output, &[], what)?;
    epoch_line(out, &members, what)?;

    let what = "carol proposes an update; alice commits";
    let proposal = members[CAROL]
        .group()?
        .propose_update()
        .context("carol proposing an update")?;
    for i in [ALICE, BOB] {
        let name = members[i].name;
        match members[i]
            .group()?
            .process_and_merge(&proposal)
            .context(format!("{name} receiving carol's proposal"))?
        {
            ProcessedMessage::Proposal(_) => {}
            other => return fail(format!("{name} expected carol's proposal, got {other:?}")),
        }
    }
    let output = members[ALICE].group()?.commit().context(what)?;
    commit(&mut members, ALICE, output, &[], what)?;
    epoch_line(out, &members, what)?;

    let what = "alice adds dave";
    let package = members[DAVE]
        .client
        .generate_key_package(SUITE, &KeyPackageOptions::default())
        .context("dave making a KeyPackage")?;
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
    out: &mut dyn Write,
    group_id: &[u8],
    before: &[Before],
) -> Result<Vec<Member>, DemoError> {
    writeln!(
        out,
        "restart: all groups, clients and databases closed; each member reopens its file"
    )?;
    let mut members = Vec::new();
    for (i, was) in before.iter().enumerate() {
        let mut m = Member::open(dir, i)?;
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
/// carries on where it stopped), one more epoch and more messages.
fn second_part(out: &mut dyn Write, mut members: Vec<Member>) -> Result<(), DemoError> {
    messages(out, &mut members, &[ALICE, CAROL, DAVE])?;
    let what = "dave updates his keys (full commit)";
    let output = members[DAVE].group()?.self_update().context(what)?;
    commit(&mut members, DAVE, output, &[], what)?;
    epoch_line(out, &members, what)?;
    messages(out, &mut members, &[ALICE, CAROL, DAVE])?;
    Ok(())
}

/// [`run`] for the command line: in `dir` if given (created if needed,
/// kept afterwards), else in a temporary folder that is removed at the
/// end.
pub fn run_cli(dir: Option<&Path>, out: &mut dyn Write) -> Result<(), DemoError> {
    match dir {
        Some(dir) => {
            std::fs::create_dir_all(dir).context(format!("creating {}", dir.display()))?;
            run(dir, out)?;
            writeln!(out, "the databases are kept in {}", dir.display())?;
        }
        None => {
            let tmp = tempfile::tempdir().context("creating a temporary folder")?;
            let shown = tmp.path().display().to_string();
            run(tmp.path(), out)?;
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
