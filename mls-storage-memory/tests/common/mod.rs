//! Storage conformance tests, written once and run on every backend
//! (STYLE.md §4).
//!
//! Each check takes a fresh, empty `&dyn StorageProvider`.
//! [`storage_conformance_tests!`] expands them into one `#[test]` each for a
//! given backend. `mls-storage-sqlite` includes this file with
//! `#[path = "../../mls-storage-memory/tests/common/mod.rs"] mod common;`
//! until the backends share a test crate.

use mls_core::provider::{Namespace, StorageProvider, WriteBatch};

/// Expands every conformance check into a `#[test]`.
///
/// `$make` is evaluated once per test and must give a fresh, empty store,
/// either a provider or something that dereferences to one (a fixture that
/// also owns a temporary directory, say). The including file must declare
/// this module as `mod common`.
macro_rules! storage_conformance_tests {
    ($make:expr) => {
        storage_conformance_tests!(@each $make;
            missing_key_is_none,
            put_then_get,
            overwrite,
            delete,
            delete_missing_key_is_not_an_error,
            namespaces_are_separate,
            empty_batch,
            put_then_delete_same_key_applies_in_order,
            delete_then_put_same_key_applies_in_order,
            last_put_wins,
            empty_and_binary_bytes_are_kept_exactly,
            large_value,
            batch_across_every_namespace,
            concurrent_commits_all_land,
        );
    };
    (@each $make:expr; $($name:ident),+ $(,)?) => {
        $(
            #[test]
            fn $name() {
                let store = $make;
                crate::common::$name(&*store);
            }
        )+
    };
}

fn put(storage: &dyn StorageProvider, namespace: Namespace, key: &[u8], value: &[u8]) {
    let mut batch = WriteBatch::new();
    batch.put(namespace, key.to_vec(), value.to_vec());
    storage.commit(batch).unwrap();
}

fn get(storage: &dyn StorageProvider, namespace: Namespace, key: &[u8]) -> Option<Vec<u8>> {
    storage.get(namespace, key).unwrap()
}

pub(crate) fn missing_key_is_none(storage: &dyn StorageProvider) {
    for namespace in Namespace::ALL {
        assert_eq!(get(storage, namespace, b"absent"), None);
    }
}

pub(crate) fn put_then_get(storage: &dyn StorageProvider) {
    put(storage, Namespace::GroupState, b"group", b"state-1");
    assert_eq!(
        get(storage, Namespace::GroupState, b"group"),
        Some(b"state-1".to_vec())
    );
    // Reading does not consume.
    assert_eq!(
        get(storage, Namespace::GroupState, b"group"),
        Some(b"state-1".to_vec())
    );
    assert_eq!(get(storage, Namespace::GroupState, b"other"), None);
}

pub(crate) fn overwrite(storage: &dyn StorageProvider) {
    put(storage, Namespace::TreeNodes, b"node-3", b"old");
    put(storage, Namespace::TreeNodes, b"node-3", b"new and longer");
    assert_eq!(
        get(storage, Namespace::TreeNodes, b"node-3"),
        Some(b"new and longer".to_vec())
    );
    put(storage, Namespace::TreeNodes, b"node-3", b"s");
    assert_eq!(
        get(storage, Namespace::TreeNodes, b"node-3"),
        Some(b"s".to_vec())
    );
}

pub(crate) fn delete(storage: &dyn StorageProvider) {
    put(storage, Namespace::KeyPackages, b"kp-1", b"package-1");
    put(storage, Namespace::KeyPackages, b"kp-2", b"package-2");
    let mut batch = WriteBatch::new();
    batch.delete(Namespace::KeyPackages, b"kp-1".to_vec());
    storage.commit(batch).unwrap();
    assert_eq!(get(storage, Namespace::KeyPackages, b"kp-1"), None);
    assert_eq!(
        get(storage, Namespace::KeyPackages, b"kp-2"),
        Some(b"package-2".to_vec())
    );
}

pub(crate) fn delete_missing_key_is_not_an_error(storage: &dyn StorageProvider) {
    let mut batch = WriteBatch::new();
    batch.delete(Namespace::Psks, b"never-written".to_vec());
    storage.commit(batch).unwrap();
    assert_eq!(get(storage, Namespace::Psks, b"never-written"), None);
}

pub(crate) fn namespaces_are_separate(storage: &dyn StorageProvider) {
    // The same key in every namespace, each with its own value.
    let mut batch = WriteBatch::new();
    for namespace in Namespace::ALL {
        batch.put(
            namespace,
            b"same-key".to_vec(),
            namespace.name().as_bytes().to_vec(),
        );
    }
    storage.commit(batch).unwrap();
    for namespace in Namespace::ALL {
        assert_eq!(
            get(storage, namespace, b"same-key"),
            Some(namespace.name().as_bytes().to_vec())
        );
    }

    // Deleting in one namespace leaves the others alone.
    let mut batch = WriteBatch::new();
    batch.delete(Namespace::EpochSecrets, b"same-key".to_vec());
    storage.commit(batch).unwrap();
    for namespace in Namespace::ALL {
        let expected =
            (namespace != Namespace::EpochSecrets).then(|| namespace.name().as_bytes().to_vec());
        assert_eq!(
            get(storage, namespace, b"same-key"),
            expected,
            "{namespace:?}"
        );
    }

    // A key written in one namespace is not visible in another.
    put(storage, Namespace::SignatureKeys, b"only-here", b"v");
    for namespace in Namespace::ALL {
        let expected = (namespace == Namespace::SignatureKeys).then(|| b"v".to_vec());
        assert_eq!(
            get(storage, namespace, b"only-here"),
            expected,
            "{namespace:?}"
        );
    }
}

pub(crate) fn empty_batch(storage: &dyn StorageProvider) {
    storage.commit(WriteBatch::new()).unwrap();
    put(storage, Namespace::OwnLeafKeys, b"leaf", b"key");
    storage.commit(WriteBatch::new()).unwrap();
    assert_eq!(
        get(storage, Namespace::OwnLeafKeys, b"leaf"),
        Some(b"key".to_vec())
    );
}

pub(crate) fn put_then_delete_same_key_applies_in_order(storage: &dyn StorageProvider) {
    put(storage, Namespace::EpochSecrets, b"epoch-1", b"existing");
    let mut batch = WriteBatch::new();
    batch.put(
        Namespace::EpochSecrets,
        b"epoch-1".to_vec(),
        b"replaced".to_vec(),
    );
    batch.delete(Namespace::EpochSecrets, b"epoch-1".to_vec());
    batch.put(
        Namespace::EpochSecrets,
        b"epoch-2".to_vec(),
        b"fresh".to_vec(),
    );
    batch.delete(Namespace::EpochSecrets, b"epoch-2".to_vec());
    storage.commit(batch).unwrap();
    assert_eq!(get(storage, Namespace::EpochSecrets, b"epoch-1"), None);
    assert_eq!(get(storage, Namespace::EpochSecrets, b"epoch-2"), None);
}

pub(crate) fn delete_then_put_same_key_applies_in_order(storage: &dyn StorageProvider) {
    put(storage, Namespace::GroupState, b"g", b"old");
    let mut batch = WriteBatch::new();
    batch.delete(Namespace::GroupState, b"g".to_vec());
    batch.put(Namespace::GroupState, b"g".to_vec(), b"new".to_vec());
    storage.commit(batch).unwrap();
    assert_eq!(
        get(storage, Namespace::GroupState, b"g"),
        Some(b"new".to_vec())
    );
}

pub(crate) fn last_put_wins(storage: &dyn StorageProvider) {
    let mut batch = WriteBatch::new();
    batch.put(Namespace::TreeNodes, b"n".to_vec(), b"first".to_vec());
    batch.put(Namespace::TreeNodes, b"n".to_vec(), b"second".to_vec());
    batch.put(Namespace::TreeNodes, b"n".to_vec(), b"third".to_vec());
    storage.commit(batch).unwrap();
    assert_eq!(
        get(storage, Namespace::TreeNodes, b"n"),
        Some(b"third".to_vec())
    );
}

/// Values and keys are opaque bytes: an empty value is not a missing one, and
/// NUL, invalid UTF-8 and high bytes come back unchanged.
pub(crate) fn empty_and_binary_bytes_are_kept_exactly(storage: &dyn StorageProvider) {
    let binary: Vec<u8> = (0..=255u8).rev().collect();
    let mut batch = WriteBatch::new();
    batch.put(Namespace::Psks, Vec::new(), b"empty key".to_vec());
    batch.put(Namespace::Psks, b"empty value".to_vec(), Vec::new());
    batch.put(Namespace::Psks, binary.clone(), binary.clone());
    batch.put(Namespace::Psks, vec![0u8], vec![0u8, 0]);
    batch.put(Namespace::Psks, vec![0u8, 0], vec![0u8]);
    batch.put(Namespace::Psks, vec![0xff, 0xfe, 0x00], vec![0xc3, 0x28]);
    storage.commit(batch).unwrap();

    assert_eq!(
        get(storage, Namespace::Psks, b""),
        Some(b"empty key".to_vec())
    );
    assert_eq!(
        get(storage, Namespace::Psks, b"empty value"),
        Some(Vec::new())
    );
    assert_eq!(get(storage, Namespace::Psks, &binary), Some(binary.clone()));
    assert_eq!(get(storage, Namespace::Psks, &[0]), Some(vec![0, 0]));
    assert_eq!(get(storage, Namespace::Psks, &[0, 0]), Some(vec![0]));
    assert_eq!(get(storage, Namespace::Psks, &[0, 0, 0]), None);
    assert_eq!(
        get(storage, Namespace::Psks, &[0xff, 0xfe, 0x00]),
        Some(vec![0xc3, 0x28])
    );
    // A key's prefix is a different key.
    assert_eq!(get(storage, Namespace::Psks, &[0xff, 0xfe]), None);
}

pub(crate) fn large_value(storage: &dyn StorageProvider) {
    let value: Vec<u8> = (0..(1usize << 20)).map(|i| (i % 251) as u8).collect();
    put(storage, Namespace::TreeNodes, b"big", &value);
    assert_eq!(get(storage, Namespace::TreeNodes, b"big"), Some(value));
}

/// The shape of one state transition: a new epoch written, consumed key
/// packages and old epoch secrets deleted, in one batch.
pub(crate) fn batch_across_every_namespace(storage: &dyn StorageProvider) {
    put(storage, Namespace::KeyPackages, b"consumed", b"kp");
    put(storage, Namespace::EpochSecrets, b"epoch-0", b"old");

    let mut batch = WriteBatch::new();
    for namespace in Namespace::ALL {
        for i in 0..10u8 {
            batch.put(namespace, vec![i], vec![i; usize::from(i) + 1]);
        }
    }
    batch.delete(Namespace::KeyPackages, b"consumed".to_vec());
    batch.delete(Namespace::EpochSecrets, b"epoch-0".to_vec());
    storage.commit(batch).unwrap();

    for namespace in Namespace::ALL {
        for i in 0..10u8 {
            assert_eq!(
                get(storage, namespace, &[i]),
                Some(vec![i; usize::from(i) + 1])
            );
        }
    }
    assert_eq!(get(storage, Namespace::KeyPackages, b"consumed"), None);
    assert_eq!(get(storage, Namespace::EpochSecrets, b"epoch-0"), None);
}

/// Several threads commit and read through one shared store.
pub(crate) fn concurrent_commits_all_land(storage: &dyn StorageProvider) {
    const THREADS: u8 = 4;
    const BATCHES: u8 = 25;
    std::thread::scope(|scope| {
        for t in 0..THREADS {
            scope.spawn(move || {
                for b in 0..BATCHES {
                    let mut batch = WriteBatch::new();
                    batch.put(Namespace::TreeNodes, vec![t, b], vec![b, t]);
                    batch.put(Namespace::GroupState, vec![t], vec![b]);
                    storage.commit(batch).unwrap();
                    assert_eq!(
                        get(storage, Namespace::TreeNodes, &[t, b]),
                        Some(vec![b, t])
                    );
                }
            });
        }
    });
    for t in 0..THREADS {
        for b in 0..BATCHES {
            assert_eq!(
                get(storage, Namespace::TreeNodes, &[t, b]),
                Some(vec![b, t])
            );
        }
        assert_eq!(
            get(storage, Namespace::GroupState, &[t]),
            Some(vec![BATCHES - 1])
        );
    }
}
