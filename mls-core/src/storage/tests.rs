use super::*;
use crate::provider::Namespace;

const KEY: &[u8] = b"\x02g1\x00";

fn sealed() -> Vec<u8> {
    seal(Namespace::GroupState, KEY, RecordKind::Group, b"body bytes").to_vec()
}

fn kind_of(result: Result<&[u8], Error>) -> Option<StorageErrorKind> {
    match result {
        Err(Error::Storage(e)) => Some(e.kind),
        _ => None,
    }
}

#[test]
fn round_trips() {
    let value = sealed();
    assert_eq!(
        open(Namespace::GroupState, KEY, RecordKind::Group, &value).unwrap(),
        b"body bytes"
    );
}

/// Every truncation and every single-bit flip is refused as Corrupt.
#[test]
fn every_truncation_and_bit_flip_is_corrupt() {
    let value = sealed();
    for len in 0..value.len() {
        assert_eq!(
            kind_of(open(
                Namespace::GroupState,
                KEY,
                RecordKind::Group,
                &value[..len]
            )),
            Some(StorageErrorKind::Corrupt),
            "truncated to {len}"
        );
    }
    for bit in 0..value.len() * 8 {
        let mut flipped = value.clone();
        flipped[bit / 8] ^= 1 << (bit % 8);
        assert_eq!(
            kind_of(open(
                Namespace::GroupState,
                KEY,
                RecordKind::Group,
                &flipped
            )),
            Some(StorageErrorKind::Corrupt),
            "bit {bit}"
        );
    }
}

/// A value under another key, namespace or kind is foreign.
#[test]
fn foreign_values_are_corrupt() {
    let value = sealed();
    for (ns, key, kind) in [
        (Namespace::GroupState, &b"\x02g2\x00"[..], RecordKind::Group),
        (Namespace::TreeNodes, KEY, RecordKind::Group),
        (Namespace::GroupState, KEY, RecordKind::PendingCommit),
    ] {
        assert_eq!(
            kind_of(open(ns, key, kind, &value)),
            Some(StorageErrorKind::Corrupt),
            "{ns:?} {kind:?}"
        );
    }
}

/// A well-formed value of another format version is UnsupportedVersion.
#[test]
fn a_newer_format_version_is_refused_by_name() {
    let mut value = sealed();
    value[..2].copy_from_slice(&(FORMAT_VERSION + 1).to_be_bytes());
    let covered = value.len() - 4;
    let sum = checksum(Namespace::GroupState, KEY, &value[..covered]);
    value[covered..].copy_from_slice(&sum.to_be_bytes());
    assert_eq!(
        kind_of(open(Namespace::GroupState, KEY, RecordKind::Group, &value)),
        Some(StorageErrorKind::UnsupportedVersion)
    );
}

#[test]
fn main_record_keys_name_their_group() {
    assert_eq!(
        main_record_group_id(&keys::group_main(b"group")),
        Some(b"group".to_vec())
    );
    assert_eq!(main_record_group_id(&keys::pending_commit(b"group")), None);
    assert_eq!(main_record_group_id(&keys::tree_node(b"group", 0)), None);
    assert_eq!(main_record_group_id(&[0xff]), None);
}

#[test]
fn keys_are_allocated_at_their_exact_length() {
    // The in-memory store keeps every key it is given (one per tree node),
    // so spare capacity is memory held for the group's lifetime.
    let id = [7u8; 32];
    for key in [
        keys::group(&id),
        keys::group_main(&id),
        keys::tree_node(&id, 12_345),
        keys::epoch(&id, 9),
    ] {
        assert_eq!(key.capacity(), key.len());
    }
    let mut expected = vec![32u8];
    expected.extend_from_slice(&id);
    expected.extend_from_slice(&12_345u32.to_be_bytes());
    assert_eq!(keys::tree_node(&id, 12_345), expected);
}
