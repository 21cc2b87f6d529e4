//! Temporary directories and file-backed stores for the SQLite tests.
//!
//! Shared by both test crates, each of which uses only part of it.
#![allow(dead_code)]

use std::ops::Deref;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

use mls_storage_sqlite::SqliteStorage;

/// A fresh directory under the system temp dir, removed on drop (also when
/// the test fails).
pub(crate) struct TempDir(PathBuf);

impl TempDir {
    pub(crate) fn new(name: &str) -> Self {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!(
            "mls-storage-sqlite-test-{}-{name}-{n}",
            std::process::id()
        ));
        // A leftover from an earlier run with the same pid.
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).unwrap();
        Self(path)
    }

    pub(crate) fn path(&self) -> &Path {
        &self.0
    }

    /// The database file inside this directory.
    pub(crate) fn db(&self) -> PathBuf {
        self.0.join("mls.sqlite")
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A store on a file in its own temporary directory. Fields drop in order:
/// the connection closes before the directory is removed.
pub(crate) struct FileStore {
    storage: SqliteStorage,
    _dir: TempDir,
}

impl FileStore {
    pub(crate) fn new(name: &str) -> Self {
        let dir = TempDir::new(name);
        let storage = SqliteStorage::open(dir.db()).unwrap();
        Self { storage, _dir: dir }
    }
}

impl Deref for FileStore {
    type Target = SqliteStorage;

    fn deref(&self) -> &SqliteStorage {
        &self.storage
    }
}
