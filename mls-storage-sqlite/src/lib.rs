//! A [`StorageProvider`] on SQLite, through `rusqlite` with SQLite bundled.
//!
//! [`SqliteStorage`] keeps every value in one table and applies each
//! [`WriteBatch`] in one SQLite transaction, so after a crash at any point the
//! database holds the whole batch or none of it. Values are opaque bytes: this
//! crate never parses them.
//!
//! # Schema and migrations
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
//! The schema version is kept in `PRAGMA user_version` (0 for a new, empty
//! file). The crate holds an ordered list of migrations, the i-th taking
//! version i to i + 1; opening a database applies the missing ones in order,
//! all in one `BEGIN IMMEDIATE` transaction, so a crash or a second process
//! never sees a half-migrated schema. A database written by a newer release
//! (a version this build does not know) is refused with
//! [`StorageErrorKind::UnsupportedVersion`], never misread or downgraded.
//!
//! [`scan`](StorageProvider::scan) is one range query on the primary key
//! (`key >= prefix AND key < successor(prefix)`), so it reads only the
//! matching entries, in one statement and therefore from one consistent
//! snapshot.
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
//!   secrets do not linger in free pages (forward secrecy). An older copy may
//!   remain in the WAL file until the next checkpoint; an application that
//!   cares calls [`SqliteStorage::checkpoint`] after each state transition.
//! - Every write batch starts with `BEGIN IMMEDIATE`, taking the write lock
//!   before its first write, so a batch never fails halfway because another
//!   connection started writing meanwhile.
//!
//! # Several connections and processes
//!
//! Several `SqliteStorage` values, in one process or several, may open the
//! same file; SQLite serialises their writes. A connection that finds the
//! database locked waits up to [`SqliteOptions::busy_timeout`] (five seconds
//! by default) and then fails with [`StorageErrorKind::Busy`]; nothing of the
//! batch was applied and retrying may succeed. Other SQLite failures are
//! [`StorageErrorKind::Backend`], and a file that is not a SQLite database
//! (or is damaged) is [`StorageErrorKind::Corrupt`].
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
//! batch.put(Namespace::TreeNodes, b"group-1/node-0".to_vec(), b"leaf".to_vec());
//! batch.put(Namespace::TreeNodes, b"group-1/node-1".to_vec(), b"parent".to_vec());
//! batch.delete(Namespace::EpochSecrets, b"group-1/epoch-0".to_vec());
//! storage.commit(batch)?;
//!
//! assert_eq!(
//!     storage.get(Namespace::GroupState, b"group-1")?,
//!     Some(b"epoch 2".to_vec())
//! );
//! let nodes = storage.scan(Namespace::TreeNodes, b"group-1/")?;
//! assert_eq!(nodes.len(), 2);
//! assert_eq!(nodes[0].0, b"group-1/node-0".to_vec());
//! # Ok(())
//! # }
//! ```
//!
//! A database file with a shorter busy timeout, checkpointed after a state
//! transition so deleted secrets leave the WAL file too:
//!
//! ```
//! use std::time::Duration;
//!
//! use mls_core::provider::{Namespace, StorageProvider, WriteBatch};
//! use mls_storage_sqlite::{SqliteOptions, SqliteStorage};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let dir = tempfile::tempdir()?;
//! # let path = dir.path().join("mls.sqlite");
//! let mut options = SqliteOptions::default();
//! options.busy_timeout = Duration::from_secs(1);
//! let storage = SqliteStorage::open_with(&path, &options)?;
//!
//! let mut batch = WriteBatch::new();
//! batch.put(Namespace::GroupState, b"group-1".to_vec(), b"epoch 3".to_vec());
//! batch.delete(Namespace::EpochSecrets, b"group-1/epoch-1".to_vec());
//! storage.commit(batch)?;
//! storage.checkpoint()?;
//! # Ok(())
//! # }
//! ```
#![forbid(unsafe_code)]

use std::fmt;
use std::path::Path;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use mls_core::provider::{Entries, Namespace, StorageProvider, WriteBatch, WriteOp};
use mls_core::{StorageError, StorageErrorKind};
use rusqlite::{Connection, ErrorCode, OptionalExtension, TransactionBehavior, params};

/// The schema migrations, in order: entry i takes a database from schema
/// version i to i + 1. Only ever append to this list; a released entry is
/// never edited, since databases in the field already went through it.
///
/// Version 1: one table for all namespaces rather than one table per
/// namespace: `Namespace` is `non_exhaustive`, and with one table a namespace
/// added to `mls-core` needs no migration here; namespace names are bound as
/// parameters, never spliced into SQL text; and a batch touching several
/// namespaces uses the same two cached statements. The primary key on
/// `(namespace, key)` keeps lookups to one index probe and scans to one
/// index range.
const MIGRATIONS: &[&str] = &["CREATE TABLE kv (
    namespace TEXT NOT NULL,
    key BLOB NOT NULL,
    value BLOB NOT NULL,
    PRIMARY KEY (namespace, key)
);"];

/// The schema version this build writes and reads, kept in
/// `PRAGMA user_version`.
const SCHEMA_VERSION: usize = MIGRATIONS.len();

const SELECT: &str = "SELECT value FROM kv WHERE namespace = ?1 AND key = ?2";
const SCAN_RANGE: &str = "SELECT key, value FROM kv
    WHERE namespace = ?1 AND key >= ?2 AND key < ?3 ORDER BY key";
const SCAN_FROM: &str = "SELECT key, value FROM kv
    WHERE namespace = ?1 AND key >= ?2 ORDER BY key";
const UPSERT: &str = "INSERT INTO kv (namespace, key, value) VALUES (?1, ?2, ?3)
    ON CONFLICT (namespace, key) DO UPDATE SET value = excluded.value";
const DELETE: &str = "DELETE FROM kv WHERE namespace = ?1 AND key = ?2";

/// A hook called before every write of a batch; see
/// [`SqliteStorage::set_write_hook`].
pub type WriteHook = Box<dyn Fn(u64) -> Result<(), StorageError> + Send + Sync>;

/// Settings for [`SqliteStorage::open_with`].
///
/// Marked `non_exhaustive` so settings can be added: start from
/// [`SqliteOptions::default`] and change the fields you need.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct SqliteOptions {
    /// How long a connection waits for another connection or process to
    /// release the database's lock before failing with
    /// [`StorageErrorKind::Busy`]. Five seconds by default.
    pub busy_timeout: Duration,
}

impl Default for SqliteOptions {
    fn default() -> Self {
        Self {
            busy_timeout: Duration::from_secs(5),
        }
    }
}

/// A [`StorageProvider`] backed by one SQLite database.
///
/// The connection sits behind a [`Mutex`], so the store is `Send + Sync` and
/// calls from several threads run one at a time; share it with an `Arc`.
/// Several `SqliteStorage` values (or processes) may open the same file; see
/// the [crate documentation](crate) for how their writes are serialised.
pub struct SqliteStorage {
    inner: Mutex<Inner>,
    ctx: Context,
}

/// What the mutex guards.
struct Inner {
    conn: Connection,
    write_hook: Option<WriteHook>,
    /// Writes attempted since this value was opened (see `set_write_hook`).
    writes: u64,
}

/// Where the database is and how it was opened, for error messages.
struct Context {
    /// The path, or "in memory".
    label: String,
    busy_timeout: Duration,
}

impl SqliteStorage {
    /// Opens the database file at `path` with [`SqliteOptions::default`];
    /// see [`open_with`](Self::open_with).
    pub fn open(path: impl AsRef<Path>) -> Result<Self, StorageError> {
        Self::open_with(path, &SqliteOptions::default())
    }

    /// Opens the database file at `path`, creating it if it does not exist,
    /// switches it to WAL journaling and brings its schema up to date.
    ///
    /// Fails with [`StorageErrorKind::UnsupportedVersion`] if a newer release
    /// wrote the file, [`StorageErrorKind::Corrupt`] if it is not a SQLite
    /// database or is damaged, [`StorageErrorKind::Busy`] if a migration is
    /// needed and another process holds the write lock for longer than the
    /// busy timeout, and [`StorageErrorKind::Backend`] if the file cannot be
    /// opened or does not allow WAL mode.
    pub fn open_with(
        path: impl AsRef<Path>,
        options: &SqliteOptions,
    ) -> Result<Self, StorageError> {
        let path = path.as_ref();
        let ctx = Context {
            label: path.display().to_string(),
            busy_timeout: options.busy_timeout,
        };
        let conn = Connection::open(path).map_err(ctx.err("cannot open the database"))?;
        // First, so that everything below waits for a busy database too.
        conn.busy_timeout(options.busy_timeout)
            .map_err(ctx.err("cannot set the busy timeout"))?;
        // While another connection switches the same new file to WAL,
        // SQLite may answer SQLITE_BUSY at once instead of calling the busy
        // handler (it avoids a deadlock rather than waiting), so the switch
        // is retried until the busy timeout has passed.
        let deadline = std::time::Instant::now() + options.busy_timeout;
        let mode: String = loop {
            match conn.pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0)) {
                Err(err)
                    if matches!(
                        err.sqlite_error_code(),
                        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked)
                    ) && std::time::Instant::now() < deadline =>
                {
                    std::thread::sleep(std::time::Duration::from_millis(5));
                }
                other => break other.map_err(ctx.err("cannot switch to WAL journaling"))?,
            }
        };
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(StorageError::backend(format!(
                "SQLite database {}: WAL journaling was requested but SQLite kept \
                 journal mode {mode:?} (the file system may not support WAL)",
                ctx.label
            )));
        }
        Self::init(conn, ctx)
    }

    /// Opens a new, empty database that lives in memory and is gone when the
    /// value is dropped.
    pub fn open_in_memory() -> Result<Self, StorageError> {
        let ctx = Context {
            label: "in memory".to_owned(),
            busy_timeout: SqliteOptions::default().busy_timeout,
        };
        let conn = Connection::open_in_memory().map_err(ctx.err("cannot open the database"))?;
        Self::init(conn, ctx)
    }

    /// Applies the connection settings and migrates the schema.
    fn init(mut conn: Connection, ctx: Context) -> Result<Self, StorageError> {
        conn.pragma_update(None, "synchronous", "FULL")
            .map_err(ctx.err("cannot set synchronous = FULL"))?;
        conn.pragma_update(None, "secure_delete", true)
            .map_err(ctx.err("cannot enable secure_delete"))?;
        migrate(&mut conn, &ctx)?;
        Ok(Self {
            inner: Mutex::new(Inner {
                conn,
                write_hook: None,
                writes: 0,
            }),
            ctx,
        })
    }

    /// Moves every committed page from the WAL file into the database file
    /// and truncates the WAL file to zero bytes
    /// (`PRAGMA wal_checkpoint(TRUNCATE)`).
    ///
    /// `secure_delete` wipes a deleted value from the database file, but the
    /// WAL file may still hold a page written before the delete until SQLite
    /// checkpoints it on its own. A forward-secrecy-conscious application
    /// calls this after each state transition (a processed commit, a used
    /// key package) so the deleted secrets leave the WAL file too. The file
    /// system may keep the freed blocks; this does not shred the disk.
    ///
    /// Fails with [`StorageErrorKind::Busy`] if another connection's reader
    /// or writer kept the checkpoint from completing within the busy timeout.
    /// A no-op for an in-memory database.
    pub fn checkpoint(&self) -> Result<(), StorageError> {
        let inner = self.inner.lock().map_err(|_| poisoned())?;
        // Columns: busy (1 if it could not complete), WAL frames, frames
        // checkpointed.
        let busy: i64 = inner
            .conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |row| row.get(0))
            .map_err(self.ctx.err("cannot checkpoint the WAL file"))?;
        if busy != 0 {
            return Err(StorageError::new(
                StorageErrorKind::Busy,
                format!(
                    "SQLite database {}: the WAL checkpoint did not complete because \
                     another connection or process was reading or writing; retrying \
                     may succeed",
                    self.ctx.label
                ),
            ));
        }
        Ok(())
    }

    /// Installs (or, with `None`, removes) a hook called before every write.
    ///
    /// **A testing aid** for crash and failure tests, not for production use.
    /// During [`commit`](StorageProvider::commit), the hook is called with a
    /// running count `n` before each put or delete of the batch and once more
    /// before the `COMMIT`. `n` starts at 1 and counts every such write this
    /// `SqliteStorage` value attempted since it was opened, across batches
    /// and whether or not a hook was installed at the time (an empty batch
    /// writes nothing and calls nothing). A test can:
    ///
    /// - call `std::process::abort()` at the k-th write to simulate a crash
    ///   in the middle of a batch, then reopen the file and check that none
    ///   of the batch is there;
    /// - return `Err` at the k-th write to simulate a failing write: the
    ///   whole batch is rolled back and `commit` returns that error.
    ///
    /// The hook runs while the store's connection lock is held: it must not
    /// call back into this store.
    pub fn set_write_hook(&self, hook: Option<WriteHook>) {
        // A poisoned lock makes every other call fail; setting the hook is
        // still harmless.
        let mut inner = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        inner.write_hook = hook;
    }
}

/// Brings the schema up to date, or refuses a version this build does not
/// know.
fn migrate(conn: &mut Connection, ctx: &Context) -> Result<(), StorageError> {
    let version = known_version(read_version(conn, ctx)?, ctx)?;
    if version == SCHEMA_VERSION {
        // The common case takes no write lock.
        return Ok(());
    }
    // IMMEDIATE: two processes opening the same old or new file do not both
    // migrate; the second waits and then finds the schema up to date.
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(ctx.err("cannot start the schema migration"))?;
    // Read again under the write lock: another process may have migrated
    // between the first read and now.
    let version = known_version(read_version(&tx, ctx)?, ctx)?;
    for (from, sql) in MIGRATIONS.iter().enumerate().skip(version) {
        let what = format!(
            "cannot migrate the schema from version {from} to {}",
            from + 1
        );
        tx.execute_batch(sql).map_err(ctx.err(&what))?;
    }
    tx.pragma_update(None, "user_version", SCHEMA_VERSION as i64)
        .map_err(ctx.err("cannot record the schema version"))?;
    // Dropping `tx` on any error above rolled everything back.
    tx.commit()
        .map_err(ctx.err("cannot commit the schema migration"))
}

fn read_version(conn: &Connection, ctx: &Context) -> Result<i64, StorageError> {
    conn.pragma_query_value(None, "user_version", |row| row.get(0))
        .map_err(ctx.err("cannot read the schema version"))
}

/// `version` as an index into [`MIGRATIONS`], if this build knows it.
fn known_version(version: i64, ctx: &Context) -> Result<usize, StorageError> {
    match usize::try_from(version) {
        Ok(known) if known <= SCHEMA_VERSION => Ok(known),
        Ok(_) => Err(StorageError::new(
            StorageErrorKind::UnsupportedVersion,
            format!(
                "SQLite database {} has schema version {version}, but this build of \
                 mls-storage-sqlite supports only version {SCHEMA_VERSION}; open it \
                 with the newer release that wrote it",
                ctx.label
            ),
        )),
        Err(_) => Err(StorageError::corrupt(format!(
            "SQLite database {} has schema version {version}, which no release of \
             mls-storage-sqlite writes; it is not an MLS store",
            ctx.label
        ))),
    }
}

/// The first byte string greater than every string starting with `prefix`,
/// or `None` if there is none (`prefix` empty or all `0xff`).
fn successor(prefix: &[u8]) -> Option<Vec<u8>> {
    let end = prefix.iter().rposition(|&byte| byte != 0xff)?;
    let mut next = prefix.get(..=end)?.to_vec();
    let last = next.last_mut()?;
    // Not 0xff, so this cannot overflow.
    *last = last.checked_add(1)?;
    Some(next)
}

impl Context {
    /// Builds a closure that turns a rusqlite error into a [`StorageError`]
    /// saying where and what failed, of the kind the SQLite error code calls
    /// for.
    fn err<'a>(&'a self, what: &'a str) -> impl FnOnce(rusqlite::Error) -> StorageError + 'a {
        move |err| {
            let label = &self.label;
            match err.sqlite_error_code() {
                Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => StorageError::new(
                    StorageErrorKind::Busy,
                    format!(
                        "SQLite database {label}: {what}: the database is locked: another \
                         connection or process holds its write lock and did not release it \
                         within the busy timeout ({:?}); retrying may succeed ({err})",
                        self.busy_timeout
                    ),
                ),
                Some(ErrorCode::NotADatabase) => StorageError::corrupt(format!(
                    "SQLite database {label}: {what}: the file is not a SQLite database, or \
                     its header is damaged ({err})"
                )),
                Some(ErrorCode::DatabaseCorrupt) => StorageError::corrupt(format!(
                    "SQLite database {label}: {what}: the database file is damaged ({err})"
                )),
                _ => StorageError::backend(format!("SQLite database {label}: {what}: {err}")),
            }
        }
    }
}

/// The error for a mutex poisoned by a panic in another thread.
fn poisoned() -> StorageError {
    StorageError::backend(
        "SQLite storage is unusable: a thread panicked while holding its connection; \
         open the database again",
    )
}

/// Counts a write and calls the hook, if any, with the count.
fn before_write(hook: Option<&WriteHook>, writes: &mut u64) -> Result<(), StorageError> {
    *writes += 1;
    match hook {
        Some(hook) => hook(*writes),
        None => Ok(()),
    }
}

impl StorageProvider for SqliteStorage {
    fn get(&self, namespace: Namespace, key: &[u8]) -> Result<Option<Vec<u8>>, StorageError> {
        let inner = self.inner.lock().map_err(|_| poisoned())?;
        inner
            .conn
            .prepare_cached(SELECT)
            .and_then(|mut stmt| {
                stmt.query_row(params![namespace.name(), key], |row| row.get(0))
                    .optional()
            })
            .map_err(self.ctx.err(&format!(
                "cannot read a key in namespace {}",
                namespace.name()
            )))
    }

    fn scan(&self, namespace: Namespace, prefix: &[u8]) -> Result<Entries, StorageError> {
        let inner = self.inner.lock().map_err(|_| poisoned())?;
        let read = |sql: &str, params: &[&dyn rusqlite::ToSql]| {
            let mut stmt = inner.conn.prepare_cached(sql)?;
            let rows = stmt.query_map(params, |row| Ok((row.get(0)?, row.get(1)?)))?;
            rows.collect::<Result<Vec<_>, _>>()
        };
        // One statement, so one read transaction: a consistent snapshot.
        match successor(prefix) {
            Some(end) => read(SCAN_RANGE, params![namespace.name(), prefix, end]),
            None => read(SCAN_FROM, params![namespace.name(), prefix]),
        }
        .map_err(
            self.ctx
                .err(&format!("cannot scan namespace {}", namespace.name())),
        )
    }

    fn commit(&self, batch: WriteBatch) -> Result<(), StorageError> {
        if batch.is_empty() {
            // Nothing to write; do not take SQLite's write lock for it.
            return Ok(());
        }
        let mut inner = self.inner.lock().map_err(|_| poisoned())?;
        let Inner {
            conn,
            write_hook,
            writes,
        } = &mut *inner;
        let hook = write_hook.as_ref();
        // IMMEDIATE takes the write lock up front, so the batch cannot fail
        // halfway because another connection started writing meanwhile.
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(self.ctx.err("cannot begin a write transaction"))?;
        // On any error below, `tx` is dropped before it commits, and dropping
        // a rusqlite transaction rolls it back: nothing of the batch remains.
        // Conditions first, inside the transaction: with the write lock
        // held, no other connection or process can change a key between
        // the check and the writes.
        for op in batch.ops() {
            if let WriteOp::Expect {
                namespace,
                key,
                value,
            } = op
            {
                let held: Option<Vec<u8>> = tx
                    .prepare_cached(SELECT)
                    .and_then(|mut stmt| {
                        stmt.query_row(params![namespace.name(), key], |row| row.get(0))
                            .optional()
                    })
                    .map_err(self.ctx.err("cannot read a key the batch depends on"))?;
                if held != *value {
                    return Err(StorageError::new(
                        StorageErrorKind::Conflict,
                        format!(
                            "a key of namespace {} changed since it was read: another writer \
                             (nothing was written)",
                            namespace.name()
                        ),
                    ));
                }
            }
        }
        for op in batch.ops() {
            if matches!(op, WriteOp::Expect { .. }) {
                continue;
            }
            before_write(hook, writes)?;
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
                WriteOp::Expect { .. } => Ok(0),
            };
            result.map_err(
                self.ctx
                    .err("a write failed and the whole batch was rolled back"),
            )?;
        }
        before_write(hook, writes)?;
        tx.commit().map_err(
            self.ctx
                .err("the commit failed and the whole batch was rolled back"),
        )
    }
}

/// Shows where the database is, never its contents.
impl fmt::Debug for SqliteStorage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SqliteStorage")
            .field("database", &self.ctx.label)
            .field("busy_timeout", &self.ctx.busy_timeout)
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
                    let _guard = storage.inner.lock().unwrap();
                    panic!("poison the lock");
                })
                .join()
        });
        assert!(result.is_err());

        let err = storage.get(Namespace::Psks, b"k").unwrap_err();
        assert!(err.message.contains("panicked"), "{err}");
        assert!(storage.scan(Namespace::Psks, b"").is_err());
        assert!(storage.commit(batch).is_err());
        assert!(storage.checkpoint().is_err());
        storage.set_write_hook(None);
    }

    #[test]
    fn successor_of_a_prefix() {
        assert_eq!(successor(b""), None);
        assert_eq!(successor(&[0xff]), None);
        assert_eq!(successor(&[0xff, 0xff]), None);
        assert_eq!(successor(&[0x00]), Some(vec![0x01]));
        assert_eq!(successor(&[0x01]), Some(vec![0x02]));
        assert_eq!(successor(&[0x01, 0xfe]), Some(vec![0x01, 0xff]));
        assert_eq!(successor(&[0x01, 0xff]), Some(vec![0x02]));
        assert_eq!(successor(&[0x01, 0xff, 0xff]), Some(vec![0x02]));
        assert_eq!(successor(&[0xfe, 0xff]), Some(vec![0xff]));
        assert_eq!(successor(&[0x00, 0xff, 0x00]), Some(vec![0x00, 0xff, 0x01]));
    }

    /// The migrations list defines the schema version.
    #[test]
    fn schema_version_is_the_number_of_migrations() {
        assert_eq!(SCHEMA_VERSION, 1);
        let storage = SqliteStorage::open_in_memory().unwrap();
        let inner = storage.inner.lock().unwrap();
        let version: i64 = inner
            .conn
            .pragma_query_value(None, "user_version", |row| row.get(0))
            .unwrap();
        assert_eq!(version, 1);
    }

    /// Both scan statements search the primary key's index: SQLite reads
    /// only the matching range, not the whole table, and needs no sort.
    #[test]
    fn scans_use_the_primary_key_index() {
        fn plan(conn: &Connection, sql: &str, params: &[&dyn rusqlite::ToSql]) -> String {
            let mut stmt = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
            let rows = stmt
                .query_map(params, |row| row.get::<_, String>(3))
                .unwrap();
            rows.collect::<Result<Vec<_>, _>>().unwrap().join("; ")
        }

        let storage = SqliteStorage::open_in_memory().unwrap();
        let inner = storage.inner.lock().unwrap();
        let range = plan(&inner.conn, SCAN_RANGE, params!["ns", b"a", b"b"]);
        assert!(
            range.contains("SEARCH kv USING INDEX") && range.contains("key>? AND key<?"),
            "{range}"
        );
        assert!(!range.contains("TEMP B-TREE"), "{range}");
        let from = plan(&inner.conn, SCAN_FROM, params!["ns", b"a"]);
        assert!(
            from.contains("SEARCH kv USING INDEX") && from.contains("key>?"),
            "{from}"
        );
        assert!(!from.contains("TEMP B-TREE"), "{from}");
    }
}
