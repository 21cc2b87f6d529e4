//! A [`StorageProvider`] on SQLite, through `rusqlite` with SQLite bundled.
//!
//! [`SqliteStorage`] keeps every value in one table and applies each
//! [`WriteBatch`] in one SQLite transaction, so after a crash at any point the
//! database holds the whole batch or none of it. Values are opaque bytes: this
//! crate never parses them.
//!
//! # Schema
//!
//! ```sql
//! CREATE TABLE kv (
//!     namespace TEXT NOT NULL,  -- Namespace::name()
//!     key       BLOB NOT NULL,
//!     value     BLOB NOT NULL,
//!     PRIMARY KEY (namespace, key)
//! );
//! ```
//!
//! The schema version is kept in `PRAGMA user_version` and checked on open: a
//! database written by a newer release with a schema this build does not know
//! is refused with an error, never misread.
//!
//! # Settings
//!
//! - File databases use WAL journaling, so readers in other connections do not
//!   block the writer.
//! - `synchronous = FULL`: a commit that returned `Ok` survives power loss.
//!   Losing a committed epoch would leave this member out of step with the
//!   group, and losing a delete would bring back secrets that were meant to be
//!   gone.
//! - `secure_delete = ON`: SQLite overwrites deleted and replaced values in
//!   the database file with zeros, so consumed key packages and old epoch
//!   secrets do not linger in free pages (forward secrecy). A copy may remain
//!   in the WAL file until its next checkpoint.
//!
//! # Example
//!
//! ```
//! use mls_core::provider::{Namespace, StorageProvider, WriteBatch};
//! use mls_storage_sqlite::SqliteStorage;
//!
//! # fn main() -> Result<(), mls_core::StorageError> {
//! // `SqliteStorage::open(path)` for a database file.
//! let storage = SqliteStorage::open_in_memory()?;
//!
//! let mut batch = WriteBatch::new();
//! batch.put(Namespace::GroupState, b"group-1".to_vec(), b"epoch 2".to_vec());
//! batch.delete(Namespace::EpochSecrets, b"group-1/epoch-0".to_vec());
//! storage.commit(batch)?;
//!
//! assert_eq!(
//!     storage.get(Namespace::GroupState, b"group-1")?,
//!     Some(b"epoch 2".to_vec())
//! );
//! # Ok(())
//! # }
//! ```
#![forbid(unsafe_code)]

use std::fmt;
use std::path::Path;
use std::sync::Mutex;

use mls_core::StorageError;
use mls_core::provider::{Namespace, StorageProvider, WriteBatch, WriteOp};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

/// The schema version this build writes and reads, kept in
/// `PRAGMA user_version`. 0 means a new, empty database.
const SCHEMA_VERSION: i64 = 1;

/// Schema version 1.
///
/// One table for all namespaces rather than one table per namespace:
/// `Namespace` is `non_exhaustive`, and with one table a namespace added to
/// `mls-core` needs no migration here; namespace names are bound as
/// parameters, never spliced into SQL text; and a batch touching several
/// namespaces uses the same two cached statements. The primary key on
/// `(namespace, key)` keeps lookups to one index probe.
const SCHEMA_V1: &str = "CREATE TABLE kv (
    namespace TEXT NOT NULL,
    key BLOB NOT NULL,
    value BLOB NOT NULL,
    PRIMARY KEY (namespace, key)
);";

const SELECT: &str = "SELECT value FROM kv WHERE namespace = ?1 AND key = ?2";
const UPSERT: &str = "INSERT INTO kv (namespace, key, value) VALUES (?1, ?2, ?3)
    ON CONFLICT (namespace, key) DO UPDATE SET value = excluded.value";
const DELETE: &str = "DELETE FROM kv WHERE namespace = ?1 AND key = ?2";

/// A [`StorageProvider`] backed by one SQLite database.
///
/// The connection sits behind a [`Mutex`], so the store is `Send + Sync` and
/// calls from several threads run one at a time. Several `SqliteStorage`
/// values (or processes) may open the same file; SQLite serialises their
/// writes, waiting up to five seconds for a busy database before failing.
pub struct SqliteStorage {
    conn: Mutex<Connection>,
    /// The path, or "in memory", for error messages.
    label: String,
}

impl SqliteStorage {
    /// Opens the database file at `path`, creating it and its schema if it
    /// does not exist, and switches it to WAL journaling.
    ///
    /// Fails if the file cannot be opened, is not a SQLite database, does
    /// not allow WAL mode, or has a schema version this build does not know.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, StorageError> {
        let path = path.as_ref();
        let where_ = path.display().to_string();
        let conn = Connection::open(path).map_err(sql_err(&where_, "cannot open the database"))?;
        let mode: String = conn
            .pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0))
            .map_err(sql_err(&where_, "cannot switch to WAL journaling"))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(StorageError::backend(format!(
                "SQLite database {where_}: WAL journaling was requested but SQLite kept \
                 journal mode {mode:?} (the file system may not support WAL)"
            )));
        }
        Self::init(conn, &where_)
    }

    /// Opens a new, empty database that lives in memory and is gone when the
    /// value is dropped.
    pub fn open_in_memory() -> Result<Self, StorageError> {
        let where_ = "in memory";
        let conn =
            Connection::open_in_memory().map_err(sql_err(where_, "cannot open the database"))?;
        Self::init(conn, where_)
    }

    /// Applies the connection settings and creates or checks the schema.
    fn init(mut conn: Connection, where_: &str) -> Result<Self, StorageError> {
        conn.pragma_update(None, "synchronous", "FULL")
            .map_err(sql_err(where_, "cannot set synchronous = FULL"))?;
        conn.pragma_update(None, "secure_delete", true)
            .map_err(sql_err(where_, "cannot enable secure_delete"))?;

        create_or_check_schema(&mut conn, where_)?;
        Ok(Self {
            conn: Mutex::new(conn),
            label: where_.to_owned(),
        })
    }
}

/// Creates the schema in a new database, or checks the version of an
/// existing one.
fn create_or_check_schema(conn: &mut Connection, where_: &str) -> Result<(), StorageError> {
    // IMMEDIATE: two processes creating the same new file do not both
    // create the schema; the second waits and then sees version 1.
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(sql_err(where_, "cannot start the schema transaction"))?;
    let version: i64 = tx
        .pragma_query_value(None, "user_version", |row| row.get(0))
        .map_err(sql_err(where_, "cannot read the schema version"))?;
    match version {
        0 => {
            tx.execute_batch(SCHEMA_V1)
                .map_err(sql_err(where_, "cannot create the schema"))?;
            tx.pragma_update(None, "user_version", SCHEMA_VERSION)
                .map_err(sql_err(where_, "cannot record the schema version"))?;
            tx.commit()
                .map_err(sql_err(where_, "cannot commit the schema"))
        }
        // Nothing to do; dropping `tx` ends the read-only transaction.
        SCHEMA_VERSION => Ok(()),
        newer if newer > SCHEMA_VERSION => Err(StorageError::backend(format!(
            "SQLite database {where_} has schema version {newer}, but this build of \
             mls-storage-sqlite supports only version {SCHEMA_VERSION}; open it with \
             the newer release that wrote it"
        ))),
        invalid => Err(StorageError::backend(format!(
            "SQLite database {where_} has schema version {invalid}, which no release \
             of mls-storage-sqlite writes; it is not an MLS store"
        ))),
    }
}

/// Builds a closure that wraps a rusqlite error with where and what failed.
fn sql_err<'a>(
    where_: &'a str,
    what: &'a str,
) -> impl FnOnce(rusqlite::Error) -> StorageError + 'a {
    move |err| StorageError::backend(format!("SQLite database {where_}: {what}: {err}"))
}

/// The error for a mutex poisoned by a panic in another thread.
fn poisoned() -> StorageError {
    StorageError::backend(
        "SQLite storage is unusable: a thread panicked while holding its connection; \
         open the database again",
    )
}

impl StorageProvider for SqliteStorage {
    fn get(&self, namespace: Namespace, key: &[u8]) -> Result<Option<Vec<u8>>, StorageError> {
        let conn = self.conn.lock().map_err(|_| poisoned())?;
        conn.prepare_cached(SELECT)
            .and_then(|mut stmt| {
                stmt.query_row(params![namespace.name(), key], |row| row.get(0))
                    .optional()
            })
            .map_err(sql_err(
                &self.label,
                &format!("cannot read a key in namespace {}", namespace.name()),
            ))
    }

    fn commit(&self, batch: WriteBatch) -> Result<(), StorageError> {
        if batch.is_empty() {
            // Nothing to write; do not take SQLite's write lock for it.
            return Ok(());
        }
        let mut conn = self.conn.lock().map_err(|_| poisoned())?;
        // IMMEDIATE takes the write lock up front, so the batch cannot fail
        // halfway because another connection started writing meanwhile.
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(sql_err(&self.label, "cannot begin a write transaction"))?;
        // On any error below, `tx` is dropped before it commits, and dropping
        // a rusqlite transaction rolls it back: nothing of the batch remains.
        for op in batch.ops() {
            let result = match op {
                WriteOp::Put {
                    namespace,
                    key,
                    value,
                } => tx
                    .prepare_cached(UPSERT)
                    .and_then(|mut stmt| stmt.execute(params![namespace.name(), key, value])),
                WriteOp::Delete { namespace, key } => tx
                    .prepare_cached(DELETE)
                    .and_then(|mut stmt| stmt.execute(params![namespace.name(), key])),
            };
            result.map_err(sql_err(
                &self.label,
                "a write failed and the whole batch was rolled back",
            ))?;
        }
        tx.commit().map_err(sql_err(
            &self.label,
            "the commit failed and the whole batch was rolled back",
        ))
    }
}

/// Shows where the database is, never its contents.
impl fmt::Debug for SqliteStorage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SqliteStorage")
            .field("database", &self.label)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn poisoned_lock_is_an_error_not_a_panic() {
        let storage = SqliteStorage::open_in_memory().unwrap();
        let mut batch = WriteBatch::new();
        batch.put(Namespace::Psks, b"k".to_vec(), b"v".to_vec());
        storage.commit(batch.clone()).unwrap();

        // Poison the mutex by panicking while holding the connection.
        let result = std::thread::scope(|scope| {
            scope
                .spawn(|| {
                    let _guard = storage.conn.lock().unwrap();
                    panic!("poison the lock");
                })
                .join()
        });
        assert!(result.is_err());

        let err = storage.get(Namespace::Psks, b"k").unwrap_err();
        assert!(err.message.contains("panicked"), "{err}");
        assert!(storage.commit(batch).is_err());
    }
}
