//! Temporary directories and file-backed stores for the SQLite tests.
//!
//! Shared by several test crates, each of which uses only part of it.
#![allow(dead_code, clippy::unwrap_used)]

use std::ops::Deref;
use std::path::{Path, PathBuf};

use mls_storage_sqlite::SqliteStorage;

/// A fresh directory under the system temp dir, removed on drop (also when
/// the test fails).
pub(crate) struct TempDir(tempfile::TempDir);

impl TempDir {
    pub(crate) fn new() -> Self {
        Self(
            tempfile::Builder::new()
                .prefix("mls-storage-sqlite-test-")
                .tempdir()
                .unwrap(),
        )
    }

    pub(crate) fn path(&self) -> &Path {
        self.0.path()
    }

    /// The database file inside this directory.
    pub(crate) fn db(&self) -> PathBuf {
        self.0.path().join("mls.sqlite")
    }
}

/// A store on a file in its own temporary directory. Fields drop in order:
/// the connection closes before the directory is removed.
pub(crate) struct FileStore {
    storage: SqliteStorage,
    _dir: TempDir,
}

impl FileStore {
    pub(crate) fn new() -> Self {
        let dir = TempDir::new();
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
