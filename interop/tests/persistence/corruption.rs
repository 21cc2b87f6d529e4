//! A truncated, bit-flipped, foreign, stale or missing stored value is a
//! typed error (`StorageErrorKind::Corrupt`), never a panic and never a
//! silently wrong group (CHECKLIST "Storage").

use super::support::*;
use mls_core::group::{Group, GroupConfig};
use mls_core::provider::{Namespace, StorageProvider, WriteBatch};
use mls_core::{Error, StorageErrorKind};

const GROUP_NAMESPACES: [Namespace; 4] = [
    Namespace::GroupState,
    Namespace::TreeNodes,
    Namespace::EpochSecrets,
    Namespace::OwnLeafKeys,
];

fn put(store: &dyn StorageProvider, ns: Namespace, key: &[u8], value: &[u8]) {
    let mut batch = WriteBatch::new();
    batch.put(ns, key.to_vec(), value.to_vec());
    store.commit(batch).unwrap();
}

fn expect_corrupt<T: std::fmt::Debug>(result: Result<T, Error>, what: &str) {
    match result {
        Err(Error::Storage(e)) if e.kind == StorageErrorKind::Corrupt => {}
        other => panic!("{what}: expected a Corrupt storage error, got {other:?}"),
    }
}

#[test]
fn every_damaged_value_of_a_group_is_a_typed_error() {
    for backend in BACKENDS {
        let dir = tempfile::tempdir().unwrap();
        let mut t = trio(backend, &dir, GroupConfig::default());
        // Every record kind: sender ratchets, a cached proposal, a pending
        // commit, a past epoch.
        t.update(1);
        let m = t.groups[1].encrypt_application_message(b"x", b"").unwrap();
        t.groups[0].process_and_merge(&m).unwrap();
        let p = t.groups[2].propose_update().unwrap();
        t.groups[0].process_and_merge(&p).unwrap();
        t.groups[0].commit().unwrap();

        let alice = t.clients[0].clone();
        let group_id = t.groups[0].group_id().to_vec();
        let expected = fingerprint(&t.groups[0]);
        let store = t.stores[0].open();
        let mut entries = Vec::new();
        for ns in GROUP_NAMESPACES {
            for (k, v) in store.scan(ns, &[]).unwrap() {
                entries.push((ns, k, v));
            }
        }
        assert!(entries.len() > 15, "{backend:?}: {} entries", entries.len());
        let mut checked = 0;
        for (i, (ns, key, value)) in entries.iter().enumerate() {
            let foreign = &entries[(i + 1) % entries.len()].2;
            let mut flipped_middle = value.clone();
            flipped_middle[value.len() / 2] ^= 0x10;
            let mut flipped_first = value.clone();
            flipped_first[0] ^= 0x01;
            let mut flipped_last = value.clone();
            *flipped_last.last_mut().unwrap() ^= 0x80;
            for (what, damaged) in [
                ("truncated to half", value[..value.len() / 2].to_vec()),
                ("last byte cut", value[..value.len() - 1].to_vec()),
                ("empty", Vec::new()),
                ("bit flipped in the middle", flipped_middle),
                ("bit flipped in the version", flipped_first),
                ("bit flipped in the checksum", flipped_last),
                ("another key's value", foreign.clone()),
            ] {
                put(&*store, *ns, key, &damaged);
                expect_corrupt(
                    Group::load(&alice, &group_id),
                    &format!("{backend:?} {ns:?} entry {i}: {what}"),
                );
                checked += 1;
            }
            put(&*store, *ns, key, value);
        }
        assert_eq!(
            fingerprint(&Group::load(&alice, &group_id).unwrap()),
            expected
        );
        eprintln!("{backend:?}: {checked} damaged values refused");
    }
}

/// A value that is intact but from an older transition (a node of the
/// previous epoch), or a missing record, is refused too: the stored tree
/// must hash to the GroupContext's tree hash, and every record the group
/// needs must be there.
#[test]
fn stale_or_missing_records_are_typed_errors() {
    for backend in BACKENDS {
        let dir = tempfile::tempdir().unwrap();
        let mut t = trio(backend, &dir, GroupConfig::default());
        let alice = t.clients[0].clone();
        let group_id = t.groups[0].group_id().to_vec();
        let store = t.stores[0].open();
        let old_nodes = store.scan(Namespace::TreeNodes, &[]).unwrap();
        t.update(1);
        let expected = fingerprint(&t.groups[0]);
        let new_nodes = store.scan(Namespace::TreeNodes, &[]).unwrap();
        let mut stale = 0;
        for (key, value) in &old_nodes {
            let now = new_nodes
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.clone());
            if now.as_ref() == Some(value) {
                continue;
            }
            put(&*store, Namespace::TreeNodes, key, value);
            expect_corrupt(
                Group::load(&alice, &group_id),
                &format!("{backend:?}: stale node"),
            );
            match now {
                Some(v) => put(&*store, Namespace::TreeNodes, key, &v),
                None => {
                    let mut b = WriteBatch::new();
                    b.delete(Namespace::TreeNodes, key.clone());
                    store.commit(b).unwrap();
                }
            }
            stale += 1;
        }
        // Nodes the update filled that were blank before: deleting one
        // brings back the old (blank) node.
        for (key, value) in &new_nodes {
            if old_nodes.iter().any(|(k, _)| k == key) {
                continue;
            }
            let mut b = WriteBatch::new();
            b.delete(Namespace::TreeNodes, key.clone());
            store.commit(b).unwrap();
            expect_corrupt(
                Group::load(&alice, &group_id),
                &format!("{backend:?}: stale blank"),
            );
            put(&*store, Namespace::TreeNodes, key, value);
            stale += 1;
        }
        assert!(stale >= 2, "{backend:?}: the update changed {stale} nodes");
        // Every record alice's group cannot do without, deleted in turn:
        // the group record, each epoch's record, the resumption PSKs, the
        // private keys. (A secret-tree node or sender ratchet may be
        // absent legitimately, once consumed; so may proposals.)
        let prefix_len = group_id.len() + 1;
        let mut missing = 0;
        for ns in [
            Namespace::GroupState,
            Namespace::EpochSecrets,
            Namespace::OwnLeafKeys,
        ] {
            for (key, value) in store.scan(ns, &[]).unwrap() {
                let tag = key.get(prefix_len).copied();
                let required = match ns {
                    Namespace::GroupState => tag == Some(0),
                    Namespace::EpochSecrets => matches!(tag, Some(0) | Some(3)),
                    _ => true,
                };
                if !required {
                    continue;
                }
                let mut b = WriteBatch::new();
                b.delete(ns, key.clone());
                store.commit(b).unwrap();
                match Group::load(&alice, &group_id) {
                    Err(Error::Storage(e))
                        if e.kind == StorageErrorKind::Corrupt
                            || (e.kind == StorageErrorKind::NotFound && tag == Some(0)) => {}
                    other => panic!("{backend:?} {ns:?} tag {tag:?} deleted: {other:?}"),
                }
                missing += 1;
                put(&*store, ns, &key, &value);
            }
        }
        // Group record, two epoch records, resumption PSKs, own keys.
        assert_eq!(missing, 5, "{backend:?}");
        assert_eq!(
            fingerprint(&Group::load(&alice, &group_id).unwrap()),
            expected
        );
    }
}

/// A damaged KeyPackage record makes the join that needs it fail with a
/// typed error, and leaves no group behind.
#[test]
fn a_damaged_key_package_fails_the_join() {
    for backend in BACKENDS {
        let dir = tempfile::tempdir().unwrap();
        let mut t = trio(backend, &dir, GroupConfig::default());
        let dave_store = Store::new(backend, &dir, "dave");
        let dave = member("aws-lc", "dave", dave_store.open(), 0);
        let kp = key_package(&dave);
        let out = t.groups[0].add_members(&[kp]).unwrap();
        t.groups[0].merge_pending_commit().unwrap();
        let store = dave_store.open();
        let (key, value) = store.scan(Namespace::KeyPackages, &[]).unwrap().remove(0);
        let mut flipped = value.clone();
        flipped[value.len() / 3] ^= 0x04;
        put(&*store, Namespace::KeyPackages, &key, &flipped);
        expect_corrupt(
            Group::join(&dave, out.welcome.as_ref().unwrap(), GroupConfig::default()),
            &format!("{backend:?}: damaged KeyPackage"),
        );
        assert!(dave.group_ids().unwrap().is_empty());
        put(&*store, Namespace::KeyPackages, &key, &value);
        let d = Group::join(&dave, out.welcome.as_ref().unwrap(), GroupConfig::default()).unwrap();
        assert_eq!(d.epoch_authenticator(), t.groups[0].epoch_authenticator());
    }
}
