//! The storage conformance suite (shared with `mls-storage-memory`) run on
//! [`SqliteStorage`], once in memory and once on a WAL database file.
// Clippy's allow-unwrap-in-tests covers only `#[test]` functions; the
// helpers they call may unwrap too.
#![allow(clippy::unwrap_used)]

#[macro_use]
#[path = "../../mls-storage-memory/tests/common/mod.rs"]
mod common;

mod support;

mod in_memory {
    use mls_storage_sqlite::SqliteStorage;

    storage_conformance_tests!(Box::new(SqliteStorage::open_in_memory().unwrap()));
}

mod file {
    use crate::support::FileStore;

    storage_conformance_tests!(FileStore::new("conformance"));
}
