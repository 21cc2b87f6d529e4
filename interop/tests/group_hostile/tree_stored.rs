//! CHECKLIST "Ratchet tree": "more leaves than the index type ... allows
//! (no overflow in index math)", for the one way a tree enters a client
//! without the wire: `Group::load` over stored records.
//!
//! On the wire a tree of more than 2^31 leaves cannot be written at all
//! (its node vector would exceed the 2^30 - 1 bytes of a vector, see
//! `resource_bounds.rs`). In storage the tree's width is a `uint32
//! leaf_count` in the group record and each non-blank node is a record
//! keyed by its `uint32` node index, so a damaged store can declare any
//! width and put a node at any index. Each case below writes such a
//! record with a correct envelope (format version, kind, CRC-32 over
//! namespace, key and value: mls-core/src/storage/mod.rs), so the
//! envelope check passes and the tree rules are what refuse it, before
//! anything the size of the declared width is allocated.

use super::world::World;
use mls_core::codec::encode;
use mls_core::group::Group;
use mls_core::provider::{Namespace, Provider, StorageProvider, WriteBatch};
use mls_core::{Error, StorageErrorKind};

/// The stored value of `ns`/`key` with its body changed by `change` and
/// the envelope's checksum made to match.
fn reseal(ns: Namespace, key: &[u8], value: &[u8], change: impl FnOnce(&mut Vec<u8>)) -> Vec<u8> {
    let (covered, _) = value.split_at(value.len() - 4);
    let (header, body) = covered.split_at(3);
    let mut body = body.to_vec();
    change(&mut body);
    let mut out = header.to_vec();
    out.extend_from_slice(&body);
    let key_len = (key.len() as u64).to_be_bytes();
    let mut crc = crc32fast::Hasher::new();
    for part in [ns.name().as_bytes(), &key_len, key, &out] {
        crc.update(part);
    }
    let sum = crc.finalize();
    out.extend_from_slice(&sum.to_be_bytes());
    out
}

fn put(store: &dyn StorageProvider, ns: Namespace, key: &[u8], value: &[u8]) {
    let mut batch = WriteBatch::new();
    batch.put(ns, key.to_vec(), value.to_vec());
    store.commit(batch).unwrap();
}

/// `opaque<V>` of a short group id: the key prefix of every group record.
fn group_prefix(group_id: &[u8]) -> Vec<u8> {
    assert!(group_id.len() < 64, "a one-byte varint length");
    let mut k = vec![group_id.len() as u8];
    k.extend_from_slice(group_id);
    k
}

/// The Corrupt message carrying `ProtocolError::TreeTooLarge`.
const TOO_WIDE: &str =
    "the stored tree is malformed: protocol violation: the ratchet tree has too many nodes";

/// What a damaged store holds, and what `Group::load` must say about it.
struct Case {
    what: &'static str,
    /// The group record's `leaf_count`.
    leaf_count: Option<u32>,
    /// A copy of Alice's leaf stored under this node index.
    extra_leaf_at: Option<u32>,
    /// Part of the Corrupt error's message.
    message: &'static str,
}

/// Alice's stored group, changed as `case` says, fails to load with
/// `StorageErrorKind::Corrupt` naming the rule; with the genuine records
/// put back it loads again, unchanged.
fn refused_at_load(case: &Case) {
    let w = World::new(3);
    let client = w.client(0);
    let store = client.provider().storage();
    let group_id = w.gr(0).group_id().to_vec();
    let prefix = group_prefix(&group_id);
    let mut main_key = prefix.clone();
    main_key.push(0);
    let genuine = store
        .get(Namespace::GroupState, &main_key)
        .unwrap()
        .unwrap();
    let context = encode(w.gr(0).group_context()).unwrap();
    let leaf_key = |x: u32| {
        let mut k = prefix.clone();
        k.extend_from_slice(&x.to_be_bytes());
        k
    };

    if let Some(count) = case.leaf_count {
        let forged = reseal(Namespace::GroupState, &main_key, &genuine, |body| {
            // GroupRecord: StoredConfig, GroupContext, uint32 own_leaf,
            // uint32 leaf_count, ...
            let at = body
                .windows(context.len())
                .position(|x| x == context.as_slice())
                .expect("the GroupContext in the group record")
                + context.len()
                + 4;
            assert_eq!(
                body[at..at + 4],
                4u32.to_be_bytes(),
                "three members: width 4"
            );
            body[at..at + 4].copy_from_slice(&count.to_be_bytes());
        });
        put(store, Namespace::GroupState, &main_key, &forged);
    }
    if let Some(x) = case.extra_leaf_at {
        let alice = store
            .get(Namespace::TreeNodes, &leaf_key(0))
            .unwrap()
            .unwrap();
        let key = leaf_key(x);
        let copy = reseal(Namespace::TreeNodes, &key, &alice, |_| {});
        put(store, Namespace::TreeNodes, &key, &copy);
    }

    match Group::load(client, &group_id) {
        Err(Error::Storage(e)) if e.kind == StorageErrorKind::Corrupt => assert!(
            e.message.contains(case.message),
            "{}: the error names another rule: {}",
            case.what,
            e.message
        ),
        Err(e) => panic!("{}: expected a Corrupt storage error, got {e:?}", case.what),
        Ok(_) => panic!("{}: the damaged tree loaded", case.what),
    }

    put(store, Namespace::GroupState, &main_key, &genuine);
    if let Some(x) = case.extra_leaf_at {
        let mut batch = WriteBatch::new();
        batch.delete(Namespace::TreeNodes, leaf_key(x));
        store.commit(batch).unwrap();
    }
    let loaded = Group::load(client, &group_id).expect("the genuine records load");
    assert_eq!(loaded.epoch_authenticator(), w.gr(0).epoch_authenticator());
    assert_eq!(loaded.ratchet_tree(), w.gr(0).ratchet_tree());
}

/// CHECKLIST "more leaves than the index type ... allows": a group record
/// declaring 2^32 - 1 leaves (more than the 2^31 a `u32` node index can
/// address, and not a power of two) and one declaring 0.
#[test]
fn stored_width_beyond_the_index_type() {
    for (what, count) in [
        ("2^32 - 1 leaves", u32::MAX),
        ("2^31 + 2^30 leaves", 3 << 30),
        ("no leaves", 0),
    ] {
        refused_at_load(&Case {
            what,
            leaf_count: Some(count),
            extra_leaf_at: None,
            message: "the stored tree has an impossible width",
        });
    }
}

/// A group record declaring 8 leaves over a tree whose leaves need 4:
/// refused as a width the leaves do not need (`ProtocolError::TreeTooLarge`
/// inside the Corrupt error).
#[test]
fn stored_width_its_leaves_do_not_need() {
    // The message is the Corrupt error wrapping this variant's.
    assert!(TOO_WIDE.ends_with(&mls_core::ProtocolError::TreeTooLarge.to_string()));
    refused_at_load(&Case {
        what: "8 leaves declared, 3 used",
        leaf_count: Some(8),
        extra_leaf_at: None,
        message: TOO_WIDE,
    });
}

/// CHECKLIST "more leaves than the index type ... allows", at its edge: a
/// group record declaring 2^31 leaves (the most a `u32` node index can
/// address), alone and with a leaf record at node 2^32 - 2 that makes the
/// width one its leaves need. Refused because no group grows past
/// `MAX_LEAVES_CEILING` (2^20), before the 2^32 - 1 node slots are
/// allocated: were it not, this test would die allocating tens of
/// gigabytes. The ceiling is a constant, so raising the record's own
/// `max_leaves` would not help.
#[test]
fn stored_width_beyond_max_leaves() {
    for (what, extra_leaf_at) in [
        ("2^31 leaves declared, 3 used", None),
        (
            "2^31 leaves declared, leaf 2^31 - 1 stored",
            Some(u32::MAX - 1),
        ),
    ] {
        refused_at_load(&Case {
            what,
            leaf_count: Some(1 << 31),
            extra_leaf_at,
            message: "beyond the 1048576 any group may have",
        });
    }
    assert_eq!(mls_core::group::MAX_LEAVES_CEILING, 1 << 20);
}

/// CHECKLIST "more leaves than the index type ... allows": a leaf record
/// at node index 2^32 - 2 (leaf 2^31 - 1, the last a `u32` node index can
/// hold) in a group whose record declares 4 leaves, and one at node
/// 2^32 - 1, past any tree: the node is outside the declared width.
#[test]
fn stored_node_outside_the_declared_width() {
    refused_at_load(&Case {
        what: "a leaf at node 2^32 - 2",
        leaf_count: None,
        extra_leaf_at: Some(u32::MAX - 1),
        message: TOO_WIDE,
    });
    refused_at_load(&Case {
        what: "a leaf at node 2^32 - 1",
        leaf_count: None,
        extra_leaf_at: Some(u32::MAX),
        message: TOO_WIDE,
    });
}
