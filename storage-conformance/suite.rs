//! Storage conformance tests, written once and run on every
//! [`StorageProvider`] backend (STYLE.md §4, the rustls way).
//!
//! A backend's test crate includes this file as a module named `suite` and
//! expands [`storage_conformance_tests!`] into one named `#[test]` per check:
//!
//! ```ignore
//! #[macro_use]
//! #[path = "../../storage-conformance/suite.rs"]
//! mod suite;
//!
//! // Each check gets a fresh, empty store.
//! storage_conformance_tests!(Box::new(MyStorage::new()));
//! // Backends that persist also run the reopen checks.
//! storage_conformance_tests!(reopen: tempfile::tempdir().unwrap(), |dir: &tempfile::TempDir| {
//!     MyStorage::open(dir.path().join("db")).unwrap()
//! });
//! ```
//!
//! See `storage-conformance/README.md`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};

use mls_core::StorageErrorKind;

use mls_core::provider::{Namespace, StorageProvider, WriteBatch};

/// Expands the conformance checks into `#[test]` functions.
///
/// - `storage_conformance_tests!(make)`: every check on a fresh store.
///   `make` is evaluated once per test and gives a new, empty store: a
///   provider or something that dereferences to one (a fixture that also
///   owns a temporary directory, say).
/// - `storage_conformance_tests!(reopen: place, open)`: the persistence
///   checks, for backends whose data outlives the store value. `place` is
///   evaluated once per test and gives a fresh location that stays alive for
///   the test (a temporary directory); `open` is a closure `|&place| store`
///   that opens a store there, called several times per test, each store
///   dropped before the next is opened.
///
/// The including file must declare this file as `mod suite` at its crate
/// root. The two forms expand to distinct test names, so both may be used in
/// one module.
macro_rules! storage_conformance_tests {
    (reopen: $place:expr, $open:expr $(,)?) => {
        storage_conformance_tests!(@lists reopen ($place, $open));
    };
    ($make:expr $(,)?) => {
        storage_conformance_tests!(@lists each ($make));
    };
    // The one list of checks. Every `pub(crate) fn` of this file must be in
    // it (or be a helper named in `HELPERS`); a test that every backend
    // expands compares the two, so a check cannot be written and not run.
    (@lists $form:ident $args:tt) => {
        storage_conformance_tests!(@expand $form $args;
            each: [
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
                scan_is_ordered_by_key_bytes,
                scan_prefix_boundaries,
                scan_excludes_other_namespaces,
                scan_sees_overwrites_and_deletes,
                matches_a_model_over_many_batches,
                concurrent_commits_all_land,
                readers_never_see_part_of_a_batch,
                expect_holds_or_nothing_is_written,
                expect_is_checked_before_the_batch,
                compare_and_swap_loses_no_update,
            ],
            reopen: [
                reopen_keeps_committed_data,
                reopen_then_write_again,
            ],
        );
    };
    (@expand each ($make:expr); each: [$($name:ident),+ $(,)?], reopen: [$($reopen:ident),+ $(,)?] $(,)?) => {
        $(
            #[test]
            fn $name() {
                let store = $make;
                crate::suite::$name(&*store);
            }
        )+

        #[test]
        fn store_is_send_and_sync() {
            let store = $make;
            crate::suite::assert_send_sync(&*store);
        }

        #[test]
        fn every_check_of_the_suite_is_expanded() {
            crate::suite::assert_every_check_is_listed(
                &[$(stringify!($name)),+],
                &[$(stringify!($reopen)),+],
            );
        }
    };
    (@expand reopen ($place:expr, $open:expr); each: [$($name:ident),+ $(,)?], reopen: [$($reopen:ident),+ $(,)?] $(,)?) => {
        $(
            #[test]
            fn $reopen() {
                let place = $place;
                let open = $open;
                crate::suite::reopen::$reopen(
                    &|| -> ::std::boxed::Box<dyn ::mls_core::provider::StorageProvider> {
                        ::std::boxed::Box::new(open(&place))
                    },
                );
            }
        )+
    };
}

/// The `pub(crate)` functions of this file that are not checks.
const HELPERS: [&str; 2] = ["assert_send_sync", "assert_every_check_is_listed"];

/// Fails unless the checks the macro lists are exactly the `pub(crate) fn`s
/// of this file (less [`HELPERS`]): the top-level ones in `each`, those of
/// `mod reopen` in `reopen`. Reads this file's own source, so it sees a
/// check however it is written; and shows first that a check added without
/// being listed is caught.
pub(crate) fn assert_every_check_is_listed(each: &[&str], reopen: &[&str]) {
    let source = include_str!("suite.rs");
    let unlisted = source.replacen(
        "\npub(crate) mod reopen {",
        "\npub(crate) fn added_but_not_listed(storage: &dyn StorageProvider) {}\n\
         pub(crate) mod reopen {",
        1,
    );
    let caught = differences(&unlisted, each, reopen);
    assert!(
        caught.iter().any(|d| d.contains("added_but_not_listed")),
        "the wiring check missed an unlisted check: {caught:?}"
    );
    let differences = differences(source, each, reopen);
    assert!(
        differences.is_empty(),
        "storage-conformance/suite.rs: every check must be listed in the macro's `@lists` \
         arm to run:\n{}",
        differences.join("\n")
    );
}

/// How the checks defined in `source` differ from those listed, one line
/// per check.
fn differences(source: &str, each: &[&str], reopen: &[&str]) -> Vec<String> {
    let Some((top, in_reopen)) = source.split_once("\npub(crate) mod reopen {") else {
        return vec!["suite.rs has no `pub(crate) mod reopen`".into()];
    };
    let defined = |text: &str| -> Vec<String> {
        text.lines()
            .filter_map(|l| l.trim_start().strip_prefix("pub(crate) fn "))
            .filter_map(|rest| rest.split(['(', '<']).next())
            .filter(|name| !HELPERS.contains(name))
            .map(str::to_string)
            .collect()
    };
    let mut out = Vec::new();
    for (form, listed, defined) in [
        ("each", each, defined(top)),
        ("reopen", reopen, defined(in_reopen)),
    ] {
        if defined.len() < 2 {
            out.push(format!("found no `{form}` checks: the parse is wrong"));
        }
        for name in &defined {
            if !listed.contains(&name.as_str()) {
                out.push(format!("`{name}` is defined but not in the `{form}` list"));
            }
        }
        for name in listed {
            if !defined.iter().any(|d| d == name) {
                out.push(format!("`{name}` is in the `{form}` list but not defined"));
            }
        }
    }
    out
}

/// Compiles only if the backend's concrete type may be shared across threads.
pub(crate) fn assert_send_sync<T: Send + Sync + ?Sized>(_: &T) {}

fn put(storage: &dyn StorageProvider, namespace: Namespace, key: &[u8], value: &[u8]) {
    let mut batch = WriteBatch::new();
    batch.put(namespace, key.to_vec(), value.to_vec());
    storage.commit(batch).unwrap();
}

fn get(storage: &dyn StorageProvider, namespace: Namespace, key: &[u8]) -> Option<Vec<u8>> {
    storage.get(namespace, key).unwrap()
}

fn scan_keys(storage: &dyn StorageProvider, namespace: Namespace, prefix: &[u8]) -> Vec<Vec<u8>> {
    storage
        .scan(namespace, prefix)
        .unwrap()
        .into_iter()
        .map(|(key, _)| key)
        .collect()
}

/// What a store should hold, namespace by namespace.
type Model = BTreeMap<Namespace, BTreeMap<Vec<u8>, Vec<u8>>>;

/// Checks every namespace of `storage` against `model`, through both `scan`
/// and `get`.
fn assert_matches_model(storage: &dyn StorageProvider, model: &Model) {
    for namespace in Namespace::ALL {
        let expected: Vec<(Vec<u8>, Vec<u8>)> = model
            .get(&namespace)
            .map(|map| map.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
            .unwrap_or_default();
        assert_eq!(
            storage.scan(namespace, &[]).unwrap(),
            expected,
            "{namespace:?}"
        );
        for (key, value) in &expected {
            assert_eq!(get(storage, namespace, key).as_ref(), Some(value));
        }
    }
}

/// A small deterministic generator (xorshift64), so a failure reproduces.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    /// A short key over a small alphabet that includes 0x00 and 0xff, so
    /// keys share prefixes and sit on scan boundaries.
    fn key(&mut self) -> Vec<u8> {
        const ALPHABET: [u8; 4] = [0x00, 0x01, 0x80, 0xff];
        let len = self.below(4) as usize;
        (0..len)
            .map(|_| ALPHABET[self.below(ALPHABET.len() as u64) as usize])
            .collect()
    }
}

pub(crate) fn missing_key_is_none(storage: &dyn StorageProvider) {
    for namespace in Namespace::ALL {
        assert_eq!(get(storage, namespace, b"absent"), None);
        assert_eq!(get(storage, namespace, b""), None);
        assert_eq!(storage.scan(namespace, &[]).unwrap(), Vec::new());
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

    // Also in a batch with other writes, which still apply.
    let mut batch = WriteBatch::new();
    batch.delete(Namespace::Psks, b"still-never-written".to_vec());
    batch.put(Namespace::Psks, b"written".to_vec(), b"v".to_vec());
    storage.commit(batch).unwrap();
    assert_eq!(
        get(storage, Namespace::Psks, b"written"),
        Some(b"v".to_vec())
    );
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
    assert_eq!(
        storage.scan(Namespace::EpochSecrets, &[]).unwrap(),
        Vec::new()
    );
}

pub(crate) fn delete_then_put_same_key_applies_in_order(storage: &dyn StorageProvider) {
    put(storage, Namespace::GroupState, b"g", b"old");
    let mut batch = WriteBatch::new();
    batch.delete(Namespace::GroupState, b"g".to_vec());
    batch.put(Namespace::GroupState, b"g".to_vec(), b"new".to_vec());
    batch.delete(Namespace::GroupState, b"h".to_vec());
    batch.put(Namespace::GroupState, b"h".to_vec(), b"fresh".to_vec());
    storage.commit(batch).unwrap();
    assert_eq!(
        get(storage, Namespace::GroupState, b"g"),
        Some(b"new".to_vec())
    );
    assert_eq!(
        get(storage, Namespace::GroupState, b"h"),
        Some(b"fresh".to_vec())
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

    // The empty key sorts first and matches only the empty prefix.
    let all = storage.scan(Namespace::Psks, &[]).unwrap();
    assert_eq!(all.len(), 6);
    assert_eq!(all[0], (Vec::new(), b"empty key".to_vec()));
    assert_eq!(
        storage.scan(Namespace::Psks, b"empty value").unwrap(),
        vec![(b"empty value".to_vec(), Vec::new())]
    );
    assert_eq!(
        scan_keys(storage, Namespace::Psks, &[0]),
        vec![vec![0], vec![0, 0]]
    );
}

pub(crate) fn large_value(storage: &dyn StorageProvider) {
    let value: Vec<u8> = (0..(1usize << 20)).map(|i| (i % 251) as u8).collect();
    put(storage, Namespace::TreeNodes, b"big", &value);
    assert_eq!(
        get(storage, Namespace::TreeNodes, b"big"),
        Some(value.clone())
    );
    assert_eq!(
        storage.scan(Namespace::TreeNodes, b"b").unwrap(),
        vec![(b"big".to_vec(), value)]
    );
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

/// Keys come back in ascending unsigned byte order, a shorter key before the
/// longer keys it is a prefix of, whatever order they were written in.
pub(crate) fn scan_is_ordered_by_key_bytes(storage: &dyn StorageProvider) {
    let keys: Vec<Vec<u8>> = vec![
        b"b".to_vec(),
        vec![0x80],
        b"ab".to_vec(),
        vec![0x00, 0x00],
        vec![0xff],
        vec![0x7f, 0xff],
        b"a".to_vec(),
        vec![0x00],
        vec![0x7f],
        vec![0x01],
        Vec::new(),
        vec![0x80, 0x00],
    ];
    // Written in two batches, so order within one batch cannot explain it.
    let (first, second) = keys.split_at(keys.len() / 2);
    for part in [first, second] {
        let mut batch = WriteBatch::new();
        for key in part {
            let mut value = b"value of ".to_vec();
            value.extend_from_slice(key);
            batch.put(Namespace::TreeNodes, key.clone(), value);
        }
        storage.commit(batch).unwrap();
    }

    let mut sorted = keys.clone();
    sorted.sort();
    let entries = storage.scan(Namespace::TreeNodes, &[]).unwrap();
    assert_eq!(
        entries.iter().map(|(k, _)| k.clone()).collect::<Vec<_>>(),
        sorted
    );
    for (key, value) in entries {
        assert_eq!(&value[..9], b"value of ");
        assert_eq!(value[9..], key[..]);
    }
}

/// Prefixes that end in 0xff or are all 0xff, where a backend computing an
/// upper bound by incrementing the last byte would go wrong.
pub(crate) fn scan_prefix_boundaries(storage: &dyn StorageProvider) {
    let keys: Vec<Vec<u8>> = vec![
        vec![0x01],
        vec![0x01, 0x00],
        vec![0x01, 0xff],
        vec![0x01, 0xff, 0xff],
        vec![0x02],
        vec![0xff],
        vec![0xff, 0xff],
    ];
    let mut batch = WriteBatch::new();
    for key in keys.iter().rev() {
        batch.put(Namespace::TreeNodes, key.clone(), key.clone());
    }
    storage.commit(batch).unwrap();

    let cases: [(&[u8], Vec<Vec<u8>>); 4] = [
        (&[], keys.clone()),
        (
            &[0x01],
            vec![
                vec![0x01],
                vec![0x01, 0x00],
                vec![0x01, 0xff],
                vec![0x01, 0xff, 0xff],
            ],
        ),
        (
            &[0x01, 0xff],
            vec![vec![0x01, 0xff], vec![0x01, 0xff, 0xff]],
        ),
        (&[0xff], vec![vec![0xff], vec![0xff, 0xff]]),
    ];
    for (prefix, expected) in cases {
        let entries = storage.scan(Namespace::TreeNodes, prefix).unwrap();
        let expected: Vec<_> = expected.into_iter().map(|k| (k.clone(), k)).collect();
        assert_eq!(entries, expected, "prefix {prefix:02x?}");
    }

    // More prefixes, against the definition: every key that starts with it.
    let more: [&[u8]; 10] = [
        &[0x00],
        &[0x01, 0x00],
        &[0x01, 0x00, 0x00],
        &[0x01, 0xfe],
        &[0x01, 0xff, 0xff],
        &[0x01, 0xff, 0xff, 0xff],
        &[0x02],
        &[0x03],
        &[0xff, 0xff],
        &[0xff, 0xff, 0xff],
    ];
    for prefix in more {
        let expected: Vec<Vec<u8>> = keys
            .iter()
            .filter(|key| key.starts_with(prefix))
            .cloned()
            .collect();
        assert_eq!(
            scan_keys(storage, Namespace::TreeNodes, prefix),
            expected,
            "prefix {prefix:02x?}"
        );
    }
}

pub(crate) fn scan_excludes_other_namespaces(storage: &dyn StorageProvider) {
    let mut batch = WriteBatch::new();
    for namespace in Namespace::ALL {
        for key in [&b"group-1/a"[..], b"group-1/b", b"group-2/a"] {
            let mut value = namespace.name().as_bytes().to_vec();
            value.extend_from_slice(key);
            batch.put(namespace, key.to_vec(), value);
        }
    }
    // Only in one namespace.
    batch.put(
        Namespace::TreeNodes,
        b"group-1/c".to_vec(),
        b"tree".to_vec(),
    );
    storage.commit(batch).unwrap();

    for namespace in Namespace::ALL {
        let entries = storage.scan(namespace, b"group-1/").unwrap();
        let mut expected: Vec<(Vec<u8>, Vec<u8>)> = [&b"group-1/a"[..], b"group-1/b"]
            .into_iter()
            .map(|key| {
                let mut value = namespace.name().as_bytes().to_vec();
                value.extend_from_slice(key);
                (key.to_vec(), value)
            })
            .collect();
        if namespace == Namespace::TreeNodes {
            expected.push((b"group-1/c".to_vec(), b"tree".to_vec()));
        }
        assert_eq!(entries, expected, "{namespace:?}");
        assert_eq!(
            storage.scan(namespace, &[]).unwrap().len(),
            expected.len() + 1
        );
    }

    // Emptying one namespace leaves the others' scans alone.
    let mut batch = WriteBatch::new();
    for key in [&b"group-1/a"[..], b"group-1/b", b"group-2/a"] {
        batch.delete(Namespace::Psks, key.to_vec());
    }
    storage.commit(batch).unwrap();
    assert_eq!(storage.scan(Namespace::Psks, &[]).unwrap(), Vec::new());
    assert_eq!(storage.scan(Namespace::GroupState, &[]).unwrap().len(), 3);
}

pub(crate) fn scan_sees_overwrites_and_deletes(storage: &dyn StorageProvider) {
    let mut batch = WriteBatch::new();
    for i in 0..5u8 {
        batch.put(Namespace::KeyPackages, vec![b'k', i], vec![i]);
    }
    storage.commit(batch).unwrap();

    let mut batch = WriteBatch::new();
    batch.delete(Namespace::KeyPackages, vec![b'k', 1]);
    batch.put(Namespace::KeyPackages, vec![b'k', 3], b"new".to_vec());
    batch.delete(Namespace::KeyPackages, vec![b'k', 4]);
    storage.commit(batch).unwrap();

    assert_eq!(
        storage.scan(Namespace::KeyPackages, b"k").unwrap(),
        vec![
            (vec![b'k', 0], vec![0]),
            (vec![b'k', 2], vec![2]),
            (vec![b'k', 3], b"new".to_vec()),
        ]
    );
}

/// Many batches of random puts and deletes over a small key space, checked
/// after each one against a model, through `get`, `scan` and prefix scans.
pub(crate) fn matches_a_model_over_many_batches(storage: &dyn StorageProvider) {
    const NAMESPACES: [Namespace; 3] = [
        Namespace::GroupState,
        Namespace::TreeNodes,
        Namespace::EpochSecrets,
    ];
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut model = Model::new();
    for round in 0..100u32 {
        let mut batch = WriteBatch::new();
        for _ in 0..rng.below(8) {
            let namespace = NAMESPACES[rng.below(NAMESPACES.len() as u64) as usize];
            let key = rng.key();
            if rng.below(3) == 0 {
                batch.delete(namespace, key.clone());
                if let Some(map) = model.get_mut(&namespace) {
                    map.remove(&key);
                }
            } else {
                let value = round.to_be_bytes()[..rng.below(5) as usize].to_vec();
                batch.put(namespace, key.clone(), value.clone());
                model.entry(namespace).or_default().insert(key, value);
            }
        }
        storage.commit(batch).unwrap();
        assert_matches_model(storage, &model);
        for namespace in NAMESPACES {
            let prefix = rng.key();
            let expected: Vec<(Vec<u8>, Vec<u8>)> = model
                .get(&namespace)
                .into_iter()
                .flatten()
                .filter(|(key, _)| key.starts_with(&prefix))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            assert_eq!(
                storage.scan(namespace, &prefix).unwrap(),
                expected,
                "round {round}, {namespace:?}, prefix {prefix:02x?}"
            );
        }
    }
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

/// Writers commit batches that keep an invariant (the ten keys of writer `t`
/// all carry the counter of its latest batch, and so does its `GroupState`
/// entry) while a reader scans: no scan may see a batch applied halfway.
/// Each writer waits for the reader to have seen its previous batch before
/// it commits the next, so scans provably run between batches: the reader
/// must have seen every writer part of the way through.
pub(crate) fn readers_never_see_part_of_a_batch(storage: &dyn StorageProvider) {
    const WRITERS: u8 = 4;
    const BATCHES: u32 = 50;
    const KEYS: u8 = 10;

    let writers_done = AtomicBool::new(false);
    let seen_by_reader: [AtomicU32; WRITERS as usize] = std::array::from_fn(|_| AtomicU32::new(0));
    let seen_by_reader = &seen_by_reader;
    std::thread::scope(|scope| {
        let writers: Vec<_> = (0..WRITERS)
            .map(|t| {
                scope.spawn(move || {
                    for counter in 1..=BATCHES {
                        // Batch n once the reader saw batch n - 1:
                        // interleaved, not raced.
                        while seen_by_reader[usize::from(t)].load(Ordering::Acquire) + 1 < counter {
                            std::thread::yield_now();
                        }
                        let value = counter.to_be_bytes().to_vec();
                        let mut batch = WriteBatch::new();
                        // Interleave the two namespaces within the batch.
                        for i in 0..KEYS {
                            batch.put(Namespace::TreeNodes, vec![t, i], value.clone());
                            if i == KEYS / 2 {
                                batch.put(Namespace::GroupState, vec![t], value.clone());
                            }
                        }
                        storage.commit(batch).unwrap();
                    }
                })
            })
            .collect();

        let reader = scope.spawn(|| {
            let mut last = [0u32; WRITERS as usize];
            let mut midway = [false; WRITERS as usize];
            let mut scans = 0u32;
            loop {
                // Read the flag first: a scan after it sees every batch.
                let done = writers_done.load(Ordering::Acquire);
                for t in 0..WRITERS {
                    // Alternate whole-namespace and per-writer scans.
                    let entries: Vec<_> = if scans.is_multiple_of(2) {
                        storage
                            .scan(Namespace::TreeNodes, &[])
                            .unwrap()
                            .into_iter()
                            .filter(|(key, _)| key[0] == t)
                            .collect()
                    } else {
                        storage.scan(Namespace::TreeNodes, &[t]).unwrap()
                    };
                    let counters: Vec<u32> = entries
                        .iter()
                        .map(|(_, value)| u32::from_be_bytes(value[..].try_into().unwrap()))
                        .collect();
                    let seen = match counters.first() {
                        None => 0,
                        Some(&first) => {
                            assert_eq!(
                                entries.len(),
                                usize::from(KEYS),
                                "writer {t}: a batch applied halfway: {counters:?}"
                            );
                            assert!(
                                counters.iter().all(|&c| c == first),
                                "writer {t}: a batch applied halfway: {counters:?}"
                            );
                            first
                        }
                    };
                    let t_index = usize::from(t);
                    assert!(seen >= last[t_index], "writer {t}: went back in time");
                    last[t_index] = seen;
                    midway[t_index] |= seen > 0 && seen < BATCHES;
                    seen_by_reader[t_index].store(seen, Ordering::Release);
                    // The same batch wrote GroupState, so it is at least as new.
                    let group = get(storage, Namespace::GroupState, &[t])
                        .map_or(0, |v| u32::from_be_bytes(v[..].try_into().unwrap()));
                    assert!(group >= seen, "writer {t}: {group} < {seen}");
                }
                scans += 1;
                if done {
                    break;
                }
            }
            assert_eq!(last, [BATCHES; WRITERS as usize]);
            assert_eq!(
                midway, [true; WRITERS as usize],
                "the reader never saw a writer between its first and last batch"
            );
            scans
        });

        // Join the writers without unwrapping first, so a failed writer
        // cannot leave the reader spinning.
        let results: Vec<_> = writers.into_iter().map(|w| w.join()).collect();
        writers_done.store(true, Ordering::Release);
        let scans = reader.join().unwrap();
        for result in results {
            result.unwrap();
        }
        assert!(scans >= BATCHES);
    });
}

/// A batch whose [`WriteOp::Expect`](mls_core::provider::WriteOp::Expect)
/// does not hold fails as `Conflict` and writes nothing, whether the key is
/// present with another value, absent, or present where absence was
/// expected; one that holds applies.
pub(crate) fn expect_holds_or_nothing_is_written(storage: &dyn StorageProvider) {
    put(storage, Namespace::GroupState, b"v", b"1");
    let attempt = |expected: Option<&[u8]>, key: &[u8]| {
        let mut batch = WriteBatch::new();
        batch.put(Namespace::TreeNodes, b"written".to_vec(), b"x".to_vec());
        batch.expect(
            Namespace::GroupState,
            key.to_vec(),
            expected.map(<[u8]>::to_vec),
        );
        batch.put(Namespace::GroupState, b"v".to_vec(), b"2".to_vec());
        storage.commit(batch)
    };
    for (expected, key) in [
        (Some(&b"0"[..]), &b"v"[..]),
        (None, b"v"),
        (Some(b"1"), b"absent"),
        (Some(b""), b"absent"),
    ] {
        let err = attempt(expected, key).unwrap_err();
        assert_eq!(
            err.kind,
            StorageErrorKind::Conflict,
            "{expected:?} at {key:?}"
        );
        assert_eq!(get(storage, Namespace::TreeNodes, b"written"), None);
        assert_eq!(
            get(storage, Namespace::GroupState, b"v"),
            Some(b"1".to_vec())
        );
    }
    attempt(None, b"absent").unwrap();
    assert_eq!(
        get(storage, Namespace::GroupState, b"v"),
        Some(b"2".to_vec())
    );
    attempt(Some(b"2"), b"v").unwrap();
    assert_eq!(
        get(storage, Namespace::TreeNodes, b"written"),
        Some(b"x".to_vec())
    );
}

/// Conditions see the store as it was before the batch, wherever they sit
/// in it: a condition after a write to its own key still checks the old
/// value.
pub(crate) fn expect_is_checked_before_the_batch(storage: &dyn StorageProvider) {
    put(storage, Namespace::GroupState, b"v", b"1");
    let mut batch = WriteBatch::new();
    batch.put(Namespace::GroupState, b"v".to_vec(), b"2".to_vec());
    batch.expect(Namespace::GroupState, b"v".to_vec(), Some(b"1".to_vec()));
    storage.commit(batch).unwrap();
    assert_eq!(
        get(storage, Namespace::GroupState, b"v"),
        Some(b"2".to_vec())
    );
    let mut batch = WriteBatch::new();
    batch.delete(Namespace::GroupState, b"v".to_vec());
    batch.expect(Namespace::GroupState, b"v".to_vec(), None);
    assert_eq!(
        storage.commit(batch).unwrap_err().kind,
        StorageErrorKind::Conflict
    );
    assert_eq!(
        get(storage, Namespace::GroupState, b"v"),
        Some(b"2".to_vec())
    );
}

/// Threads increment one counter by compare-and-swap (read, then a batch
/// expecting what was read), retrying on `Conflict`: no increment is lost,
/// which only holds if the check and the write are one atomic step.
pub(crate) fn compare_and_swap_loses_no_update(storage: &dyn StorageProvider) {
    const THREADS: u32 = 4;
    const EACH: u32 = 25;
    let key = b"counter".to_vec();
    let conflicts = AtomicU32::new(0);
    std::thread::scope(|scope| {
        for _ in 0..THREADS {
            scope.spawn(|| {
                let mut done = 0;
                while done < EACH {
                    let held = storage.get(Namespace::GroupState, &key).unwrap();
                    let n = held
                        .as_deref()
                        .map_or(0, |v| u32::from_be_bytes(v.try_into().unwrap()));
                    let mut batch = WriteBatch::new();
                    batch.expect(Namespace::GroupState, key.clone(), held);
                    batch.put(
                        Namespace::GroupState,
                        key.clone(),
                        (n + 1).to_be_bytes().to_vec(),
                    );
                    match storage.commit(batch) {
                        Ok(()) => done += 1,
                        Err(e) if e.kind == StorageErrorKind::Conflict => {
                            conflicts.fetch_add(1, Ordering::Relaxed);
                        }
                        Err(e) => panic!("{e}"),
                    }
                }
            });
        }
    });
    let total = get(storage, Namespace::GroupState, &key)
        .map(|v| u32::from_be_bytes(v[..].try_into().unwrap()));
    assert_eq!(total, Some(THREADS * EACH));
}

/// Checks for backends whose data outlives the store value. Each takes
/// `open`, which opens a store on the test's one location.
#[allow(dead_code)] // A backend that cannot reopen does not expand them.
pub(crate) mod reopen {
    use super::*;

    type Open<'a> = &'a dyn Fn() -> Box<dyn StorageProvider>;

    /// Puts, overwrites, deletes, empty and binary bytes in every namespace
    /// come back after the store is dropped and opened again.
    pub(crate) fn reopen_keeps_committed_data(open: Open<'_>) {
        let mut model = Model::new();
        {
            let storage = open();
            for (n, namespace) in Namespace::ALL.into_iter().enumerate() {
                let n = n as u8;
                let mut batch = WriteBatch::new();
                let entries: [(Vec<u8>, Vec<u8>); 5] = [
                    (Vec::new(), b"empty key".to_vec()),
                    (b"empty value".to_vec(), Vec::new()),
                    (vec![0xff, n], vec![0x00, n, 0xff]),
                    (b"replaced".to_vec(), b"first".to_vec()),
                    (b"deleted".to_vec(), b"soon gone".to_vec()),
                ];
                for (key, value) in entries {
                    batch.put(namespace, key.clone(), value.clone());
                    model.entry(namespace).or_default().insert(key, value);
                }
                storage.commit(batch).unwrap();

                let mut batch = WriteBatch::new();
                batch.put(namespace, b"replaced".to_vec(), vec![n; 3]);
                batch.delete(namespace, b"deleted".to_vec());
                storage.commit(batch).unwrap();
                let map = model.entry(namespace).or_default();
                map.insert(b"replaced".to_vec(), vec![n; 3]);
                map.remove(&b"deleted"[..]);
            }
            assert_matches_model(&*storage, &model);
        }
        let storage = open();
        assert_matches_model(&*storage, &model);
        assert_eq!(get(&*storage, Namespace::GroupState, b"deleted"), None);
    }

    /// A reopened store accepts writes, and those persist as well, including
    /// a 1 MiB value.
    pub(crate) fn reopen_then_write_again(open: Open<'_>) {
        let big: Vec<u8> = (0..(1usize << 20)).map(|i| (i % 253) as u8).collect();
        {
            let storage = open();
            put(&*storage, Namespace::GroupState, b"group", b"epoch 1");
            put(&*storage, Namespace::EpochSecrets, b"epoch-1", b"secret 1");
        }
        {
            let storage = open();
            assert_eq!(
                get(&*storage, Namespace::GroupState, b"group"),
                Some(b"epoch 1".to_vec())
            );
            let mut batch = WriteBatch::new();
            batch.put(
                Namespace::GroupState,
                b"group".to_vec(),
                b"epoch 2".to_vec(),
            );
            batch.put(
                Namespace::EpochSecrets,
                b"epoch-2".to_vec(),
                b"secret 2".to_vec(),
            );
            batch.delete(Namespace::EpochSecrets, b"epoch-1".to_vec());
            batch.put(Namespace::TreeNodes, b"big".to_vec(), big.clone());
            storage.commit(batch).unwrap();
        }
        let storage = open();
        assert_eq!(
            get(&*storage, Namespace::GroupState, b"group"),
            Some(b"epoch 2".to_vec())
        );
        assert_eq!(
            storage.scan(Namespace::EpochSecrets, &[]).unwrap(),
            vec![(b"epoch-2".to_vec(), b"secret 2".to_vec())]
        );
        assert_eq!(get(&*storage, Namespace::TreeNodes, b"big"), Some(big));
    }
}
