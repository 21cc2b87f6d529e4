//! What an operator can set, with defaults that are safe for a test or a
//! small deployment.

use mls_core::credential::{AcceptAll, CredentialValidator};
use mls_core::{CipherSuiteDefinition, GroupConfig};
use std::path::PathBuf;
use std::sync::Arc;

/// Seconds since the Unix epoch.
pub type Clock = Arc<dyn Fn() -> u64 + Send + Sync>;

/// The server's settings. Build it with [`Config::new`] (a database file)
/// or [`Config::in_memory`], then change the public fields.
#[derive(Clone)]
#[non_exhaustive]
pub struct Config {
    /// The SQLite file of the service's tables; `None` keeps them in
    /// memory (lost at shutdown: for tests and examples).
    pub database: Option<PathBuf>,
    /// The largest request body accepted, in bytes; a larger one gets
    /// 413. Default: 1 MiB.
    pub max_body_bytes: usize,
    /// How far a request's timestamp may be from the server's clock, in
    /// seconds, either way. Default: 60.
    pub max_clock_skew: u64,
    /// The most messages one queue (one client, one group) keeps. When a
    /// new message would exceed it the oldest is dropped and the queue's
    /// `dropped` counter grows, so the client learns that it missed
    /// messages and must resynchronize (for example rejoin by external
    /// commit). Default: 10,000.
    pub max_queue_len: u64,
    /// The longest a message waits in a queue, in seconds; older ones are
    /// dropped (and counted) like the overflow above. Default: 30 days.
    pub max_message_age: u64,
    /// The most messages one fetch returns. Default: 100.
    pub max_fetch: u32,
    /// The most message bytes one fetch returns (at least one message is
    /// returned, whatever its size). Default: 4 MiB.
    pub max_fetch_bytes: usize,
    /// The most KeyPackages one client may have published and unclaimed;
    /// one more is refused (409) until some are claimed. Default: 1,000.
    pub max_key_packages: u64,
    /// The Authentication Service the public views consult for every
    /// credential of a tree and every new leaf (RFC 9420 §5.3.1).
    /// Default: [`AcceptAll`]: the service orders and routes messages;
    /// deciding who is who stays with the members, who run their own.
    pub credential_validator: Arc<dyn CredentialValidator>,
    /// The group settings the public views check with (leaf bound,
    /// proposal bound, lifetimes), as the members use them.
    pub group_config: GroupConfig,
    /// Whether clients outside a group may join it by external commit
    /// and send new members' proposals (§12.4.3.2), and read its GroupInfo
    /// to do so. Default: off. A public view cannot check an external
    /// commit's confirmation tag, path secrets or `kem_output`, so with
    /// joins open (and the default [`AcceptAll`] validator) any
    /// registered client can move a group into an epoch its members
    /// refuse; turn it on for groups whose members want open joins, with
    /// a validator that knows who may join.
    pub allow_external_joins: bool,
    /// Whether PrivateMessage proposals and commits are taken. Default:
    /// off. The service cannot read them: it orders them by epoch only,
    /// and follows a PrivateMessage commit by the GroupInfo its committer
    /// uploads, which it cannot check is the one the commit leads to.
    pub allow_private_handshakes: bool,
    /// The largest KeyPackage accepted, in bytes (the MLSMessage); a
    /// larger one gets 413. Default: 64 KiB.
    pub max_key_package_bytes: usize,
    /// The cipher suites the service takes: groups and KeyPackages on
    /// them, and request signatures of their schemes. Default: the seven
    /// of RFC 9420 ([`CipherSuiteDefinition::RFC9420`]). Add
    /// [`CipherSuiteDefinition::PROVISIONAL`] to serve groups on the
    /// post-quantum suites, whose code points are not registered. The
    /// service checks with RustCrypto, so a suite it does not implement is
    /// refused when the server starts.
    pub cipher_suites: Vec<CipherSuiteDefinition>,
    /// The server's clock (seconds since the Unix epoch). Default: the
    /// system clock. Tests move it to check skew and retention.
    pub clock: Clock,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("database", &self.database)
            .field("max_body_bytes", &self.max_body_bytes)
            .field("max_clock_skew", &self.max_clock_skew)
            .field("max_queue_len", &self.max_queue_len)
            .field("max_message_age", &self.max_message_age)
            .field("max_fetch", &self.max_fetch)
            .field("max_fetch_bytes", &self.max_fetch_bytes)
            .field("max_key_packages", &self.max_key_packages)
            .field("allow_external_joins", &self.allow_external_joins)
            .field("allow_private_handshakes", &self.allow_private_handshakes)
            .field("max_key_package_bytes", &self.max_key_package_bytes)
            .field("cipher_suites", &self.cipher_suites)
            .finish_non_exhaustive()
    }
}

/// The system clock, in seconds since the Unix epoch (0 if the clock is
/// before it, which every timestamp check then refuses).
pub fn system_clock() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

impl Default for Config {
    /// [`Config::in_memory`].
    fn default() -> Self {
        Self::in_memory()
    }
}

impl Config {
    /// The defaults, with the tables in the SQLite file at `database`.
    pub fn new(database: impl Into<PathBuf>) -> Self {
        Self {
            database: Some(database.into()),
            ..Self::in_memory()
        }
    }

    /// The defaults, with the tables in memory.
    pub fn in_memory() -> Self {
        Self {
            database: None,
            max_body_bytes: 1 << 20,
            max_clock_skew: 60,
            max_queue_len: 10_000,
            max_message_age: 30 * 24 * 3600,
            max_fetch: 100,
            max_fetch_bytes: 4 << 20,
            max_key_packages: 1_000,
            credential_validator: Arc::new(AcceptAll),
            group_config: GroupConfig::default(),
            clock: Arc::new(system_clock),
            allow_external_joins: false,
            allow_private_handshakes: false,
            max_key_package_bytes: 64 << 10,
            cipher_suites: CipherSuiteDefinition::RFC9420.to_vec(),
        }
    }

    pub(crate) fn now(&self) -> u64 {
        (self.clock)()
    }
}
