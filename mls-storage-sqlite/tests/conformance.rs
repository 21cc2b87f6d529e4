//! The storage conformance suite (`storage-conformance/suite.rs`, shared by
//! every backend) run on [`SqliteStorage`](mls_storage_sqlite::SqliteStorage),
//! once in memory and once on a WAL database file, plus the suite's reopen
//! checks on a file.

#[macro_use]
#[path = "../../storage-conformance/suite.rs"]
mod suite;

mod support;

mod in_memory {
    use mls_storage_sqlite::SqliteStorage;

    storage_conformance_tests!(Box::new(SqliteStorage::open_in_memory().unwrap()));
}

mod file {
    use mls_storage_sqlite::SqliteStorage;

    use crate::support::{FileStore, TempDir};

    storage_conformance_tests!(FileStore::new());
    storage_conformance_tests!(reopen: TempDir::new(), |dir: &TempDir| {
        SqliteStorage::open(dir.db()).unwrap()
    });
}
