//! The storage conformance suite (`storage-conformance/suite.rs`, shared by
//! every backend) run on [`MemoryStorage`].
//!
//! The suite's `reopen` checks are not expanded here: nothing of a
//! `MemoryStorage` outlives the value, so there is nothing to reopen.

#[macro_use]
#[path = "../../storage-conformance/suite.rs"]
mod suite;

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
    assert_eq!(b.scan(Namespace::GroupState, b"").unwrap(), Vec::new());
}
