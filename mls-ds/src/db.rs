//! The service's own SQLite tables.
//!
//! | table | holds |
//! |---|---|
//! | `clients` | client id, signature scheme and key (unique: a key names one client) |
//! | `nonces` | request nonces still inside the clock-skew window |
//! | `key_packages` | published KeyPackages, with their reference, suite and last-resort flag |
//! | `groups` | each group's epoch, and the base its public view is rebuilt from: the latest GroupInfo the service accepted and the ratchet tree of that epoch |
//! | `handshake_log` | the PublicMessage proposals and commits accepted since that base, in order |
//! | `queue` | messages waiting for a client, one queue per client and group |
//! | `queue_drops` | how many messages retention dropped from each queue |
//!
//! The public views live in memory and are rebuilt from `groups` and
//! `handshake_log` (see [`crate::views`]): every accepted handshake is
//! written with its fan-out in one transaction, to the log, or, for a
//! commit that came with its GroupInfo, as the group's new base (which
//! empties the log), so a restart finds each view where it was.

use crate::error::{ApiError, ApiResult, Error};
use rusqlite::Connection;
use std::path::Path;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS clients (
    client_id TEXT PRIMARY KEY,
    signature_scheme INTEGER NOT NULL,
    signature_key BLOB NOT NULL UNIQUE,
    registered_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS nonces (
    client_id TEXT NOT NULL,
    nonce BLOB NOT NULL,
    expires_at INTEGER NOT NULL,
    PRIMARY KEY (client_id, nonce)
);
CREATE INDEX IF NOT EXISTS nonces_by_expiry ON nonces (expires_at);
CREATE TABLE IF NOT EXISTS key_packages (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    client_id TEXT NOT NULL,
    reference BLOB NOT NULL UNIQUE,
    cipher_suite INTEGER NOT NULL,
    last_resort INTEGER NOT NULL,
    key_package BLOB NOT NULL,
    published_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS key_packages_by_client
    ON key_packages (client_id, cipher_suite, last_resort, id);
CREATE TABLE IF NOT EXISTS groups (
    group_id BLOB PRIMARY KEY,
    cipher_suite INTEGER NOT NULL,
    epoch INTEGER NOT NULL,
    closed INTEGER NOT NULL DEFAULT 0,
    base_epoch INTEGER NOT NULL,
    base_group_info BLOB NOT NULL,
    base_tree BLOB NOT NULL,
    base_accepted_at INTEGER NOT NULL,
    created_by TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS handshake_log (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    group_id BLOB NOT NULL,
    epoch INTEGER NOT NULL,
    message BLOB NOT NULL,
    accepted_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS handshake_log_by_group ON handshake_log (group_id, seq);
CREATE TABLE IF NOT EXISTS queue (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    client_id TEXT NOT NULL,
    group_id BLOB NOT NULL,
    kind TEXT NOT NULL,
    epoch INTEGER NOT NULL,
    sender TEXT NOT NULL,
    message BLOB NOT NULL,
    enqueued_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS queue_by_client ON queue (client_id, group_id, id);
CREATE INDEX IF NOT EXISTS queue_by_age ON queue (enqueued_at);
CREATE TABLE IF NOT EXISTS queue_drops (
    client_id TEXT NOT NULL,
    group_id BLOB NOT NULL,
    dropped INTEGER NOT NULL,
    PRIMARY KEY (client_id, group_id)
);
PRAGMA user_version = 1;
";

/// Opens (creating if need be) the database at `path`, or one in memory.
pub(crate) fn open(path: Option<&Path>) -> Result<Connection, Error> {
    let conn = match path {
        Some(p) => Connection::open(p)?,
        None => Connection::open_in_memory()?,
    };
    // WAL keeps a crash from tearing a transaction.
    conn.pragma_update(None, "journal_mode", "WAL")?;
    // FULL: an accepted commit must survive a power loss, or the service
    // could accept a second commit for an epoch whose first its members
    // already merged (a forked group).
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if version > 1 {
        return Err(Error::Database(format!(
            "the database has schema version {version}, newer than this server's (1)"
        )));
    }
    conn.execute_batch(SCHEMA)?;
    Ok(conn)
}

/// SQLite integers are signed: a u64 beyond i64 is refused rather than
/// wrapped.
pub(crate) fn to_i64(v: u64) -> ApiResult<i64> {
    i64::try_from(v).map_err(|_| ApiError::bad_request(format!("{v} is out of range")))
}

/// A stored integer back to u64; a negative one is a damaged database.
pub(crate) fn to_u64(v: i64) -> ApiResult<u64> {
    u64::try_from(v).map_err(|_| ApiError::internal("a negative number in the database"))
}
