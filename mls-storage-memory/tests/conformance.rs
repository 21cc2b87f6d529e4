//! The storage conformance suite (tests/common) run on [`MemoryStorage`].
// Clippy's allow-unwrap-in-tests covers only `#[test]` functions; the
// helpers they call may unwrap too.
#![allow(clippy::unwrap_used)]

#[macro_use]
mod common;

use mls_storage_memory::MemoryStorage;

storage_conformance_tests!(Box::new(MemoryStorage::new()));

#[test]
fn separate_instances_do_not_share_data() {
    use mls_core::provider::{Namespace, StorageProvider, WriteBatch};

    let a = MemoryStorage::new();
    let b = MemoryStorage::default();
    let mut batch = WriteBatch::new();
    batch.put(Namespace::GroupState, b"g".to_vec(), b"v".to_vec());
    a.commit(batch).unwrap();
    assert_eq!(
        a.get(Namespace::GroupState, b"g").unwrap(),
        Some(b"v".to_vec())
    );
    assert_eq!(b.get(Namespace::GroupState, b"g").unwrap(), None);
}
