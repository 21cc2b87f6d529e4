//! The stored form of the library's state: keys, value envelope and
//! records (DESIGN "Storage").
//!
//! A backend stores opaque bytes under opaque keys; this module decides
//! both. Every value is an envelope
//!
//! ```text
//! struct {
//!     uint16 format_version;   // FORMAT_VERSION
//!     uint8  kind;             // RecordKind: what the key says is stored here
//!     opaque body[..];         // the record, TLS presentation language
//!     uint32 checksum;         // CRC-32 of namespace, key and the above
//! } StoredValue;
//! ```
//!
//! The checksum covers the key as well as the value, so a truncated or
//! bit-flipped value, or a value copied under another key (another group,
//! another node), is refused as [`StorageErrorKind::Corrupt`] before its
//! body is read. It guards against damage, not against an attacker who can
//! write the database (who could recompute it); such an attacker is outside
//! what a client can defend against with local state.
//!
//! # Keys
//!
//! Every key of a group starts with the group id as `opaque<V>`, which no
//! other group id's prefix can be (the length comes first), so a prefix
//! scan returns exactly one group's entries:
//!
//! | namespace | key | value |
//! |---|---|---|
//! | group_state | `G ‖ 0x00` | the group record: GroupContext, transcript, settings |
//! | group_state | `G ‖ 0x01 ‖ ref` | a received or sent proposal of this epoch |
//! | group_state | `G ‖ 0x02` | our pending commit |
//! | group_state | `G ‖ 0x03` | the write counter every transaction of the group checks and advances (one writer per group) |
//! | tree_nodes | `G ‖ uint32 node` | a non-blank ratchet tree node |
//! | epoch_secrets | `G ‖ 0x00 ‖ uint64 epoch` | the epoch's secrets (past epochs: message keys only) |
//! | epoch_secrets | `G ‖ 0x01 ‖ uint64 epoch ‖ uint32 node` | an unconsumed secret tree node |
//! | epoch_secrets | `G ‖ 0x02 ‖ uint64 epoch ‖ uint32 leaf` | a sender's ratchets |
//! | epoch_secrets | `G ‖ 0x03` | resumption PSKs of retained epochs |
//! | own_leaf_keys | `G` | our tree private keys and pending Update keys |
//! | key_packages | KeyPackageRef | a KeyPackage with its private keys |
//! | psks | `opaque<V>` psk_id | an external PSK |
//! | signature_keys | name | a software signature key ([`store_signature_key`]) |
//! | public_groups | `G ‖ 0x00` | a public view's record: GroupContext, transcript, settings |
//! | public_groups | `G ‖ 0x01 ‖ ref` | a proposal the public view cached in this epoch |
//! | public_groups | `G ‖ 0x03` | the public view's write counter |
//! | public_groups | `G ‖ 0x04 ‖ uint32 node` | a non-blank node of the public view's tree |
//!
//! A public view ([`PublicGroup`](crate::group::PublicGroup)) has a
//! namespace of its own, so a store that holds a group both as a member
//! and as a delivery service keeps the two apart.

pub(crate) mod codec;

use crate::codec::{varint_len, write_varint};
use crate::error::{Error, StorageError, StorageErrorKind};
use crate::provider::Namespace;
use zeroize::Zeroizing;

/// The format of stored values this build writes. A value of another
/// version is refused with [`StorageErrorKind::UnsupportedVersion`]; a
/// later release that changes a record reads this version too.
pub const FORMAT_VERSION: u16 = 1;

/// What a stored value holds; checked against what its key says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub(crate) enum RecordKind {
    Group = 1,
    Proposal = 2,
    PendingCommit = 3,
    TreeNode = 4,
    Epoch = 5,
    SecretNode = 6,
    SecretLeaf = 7,
    ResumptionPsks = 8,
    OwnKeys = 9,
    KeyPackage = 10,
    ExternalPsk = 11,
    SignatureKey = 12,
    WriteCounter = 13,
    PublicGroup = 14,
}

impl RecordKind {
    fn name(self) -> &'static str {
        match self {
            RecordKind::Group => "group state",
            RecordKind::Proposal => "cached proposal",
            RecordKind::PendingCommit => "pending commit",
            RecordKind::TreeNode => "tree node",
            RecordKind::Epoch => "epoch secrets",
            RecordKind::SecretNode => "secret tree node",
            RecordKind::SecretLeaf => "sender ratchets",
            RecordKind::ResumptionPsks => "resumption PSKs",
            RecordKind::OwnKeys => "own private keys",
            RecordKind::KeyPackage => "KeyPackage private keys",
            RecordKind::ExternalPsk => "external PSK",
            RecordKind::SignatureKey => "signature private key",
            RecordKind::WriteCounter => "group write counter",
            RecordKind::PublicGroup => "public group state",
        }
    }
}

fn checksum(namespace: Namespace, key: &[u8], covered: &[u8]) -> u32 {
    let mut h = crc32fast::Hasher::new();
    h.update(namespace.name().as_bytes());
    h.update(&(key.len() as u64).to_be_bytes());
    h.update(key);
    h.update(covered);
    h.finalize()
}

/// Wraps `body` in the envelope for `key`.
pub(crate) fn seal(
    namespace: Namespace,
    key: &[u8],
    kind: RecordKind,
    body: &[u8],
) -> Zeroizing<Vec<u8>> {
    let mut out = Zeroizing::new(Vec::with_capacity(body.len().saturating_add(7)));
    out.extend_from_slice(&FORMAT_VERSION.to_be_bytes());
    out.push(kind as u8);
    out.extend_from_slice(body);
    let sum = checksum(namespace, key, &out);
    out.extend_from_slice(&sum.to_be_bytes());
    out
}

/// Checks the envelope of a value read from `key` and returns its body.
pub(crate) fn open<'a>(
    namespace: Namespace,
    key: &[u8],
    kind: RecordKind,
    value: &'a [u8],
) -> Result<&'a [u8], Error> {
    let corrupt = |why: &str| -> Error {
        StorageError::corrupt(format!(
            "stored {} in namespace {} is damaged: {why}",
            kind.name(),
            namespace.name()
        ))
        .into()
    };
    // version (2) ‖ kind (1) ‖ body ‖ checksum (4)
    let Some((covered, sum)) = value.split_last_chunk::<4>() else {
        return Err(corrupt("too short to be a stored value"));
    };
    let Some(([v0, v1, stored_kind], body)) = covered.split_first_chunk::<3>() else {
        return Err(corrupt("too short to be a stored value"));
    };
    if checksum(namespace, key, covered) != u32::from_be_bytes(*sum) {
        return Err(corrupt(
            "checksum mismatch (truncated, altered, or stored under another key)",
        ));
    }
    let version = u16::from_be_bytes([*v0, *v1]);
    if version != FORMAT_VERSION {
        return Err(StorageError::new(
            StorageErrorKind::UnsupportedVersion,
            format!(
                "stored {} has format version {version}; this build reads version \
                 {FORMAT_VERSION} (written by a newer release?)",
                kind.name()
            ),
        )
        .into());
    }
    if *stored_kind != kind as u8 {
        return Err(corrupt(&format!(
            "it holds record kind {stored_kind} where {} was expected",
            kind as u8
        )));
    }
    Ok(body)
}

/// Turns a decode error inside a checked envelope into a typed storage
/// error: the checksum matched, so the body was written wrongly.
pub(crate) fn body_error(kind: RecordKind) -> impl Fn(Error) -> Error {
    move |err| match err {
        Error::Decode(e) => {
            StorageError::corrupt(format!("stored {} does not decode: {e}", kind.name())).into()
        }
        other => other,
    }
}

/// Key builders (see the table in the module docs).
pub(crate) mod keys {
    use super::*;

    /// `opaque group_id<V>`: no group's prefix is another's.
    pub(crate) fn group(group_id: &[u8]) -> Vec<u8> {
        with(group_id, &[])
    }

    /// The group's prefix and `parts`, in one allocation of the exact size:
    /// the in-memory store keeps every key it is given, one per tree node.
    fn with(group_id: &[u8], parts: &[&[u8]]) -> Vec<u8> {
        let len = parts.iter().fold(
            varint_len(group_id.len())
                .unwrap_or(4)
                .saturating_add(group_id.len()),
            |n, p| n.saturating_add(p.len()),
        );
        let mut out = Vec::with_capacity(len);
        // A group id over 2^30 - 1 bytes cannot come off the wire.
        let _ = write_varint(group_id.len(), &mut out);
        out.extend_from_slice(group_id);
        for p in parts {
            out.extend_from_slice(p);
        }
        out
    }

    pub(crate) fn group_main(group_id: &[u8]) -> Vec<u8> {
        with(group_id, &[&[0]])
    }

    pub(crate) fn proposals(group_id: &[u8]) -> Vec<u8> {
        with(group_id, &[&[1]])
    }

    pub(crate) fn proposal(group_id: &[u8], reference: &[u8]) -> Vec<u8> {
        with(group_id, &[&[1], reference])
    }

    pub(crate) fn pending_commit(group_id: &[u8]) -> Vec<u8> {
        with(group_id, &[&[2]])
    }

    pub(crate) fn write_counter(group_id: &[u8]) -> Vec<u8> {
        with(group_id, &[&[3]])
    }

    pub(crate) fn public_tree_nodes(group_id: &[u8]) -> Vec<u8> {
        with(group_id, &[&[4]])
    }

    pub(crate) fn public_tree_node(group_id: &[u8], node: u32) -> Vec<u8> {
        with(group_id, &[&[4], &node.to_be_bytes()])
    }

    pub(crate) fn tree_node(group_id: &[u8], node: u32) -> Vec<u8> {
        with(group_id, &[&node.to_be_bytes()])
    }

    pub(crate) fn epoch(group_id: &[u8], epoch: u64) -> Vec<u8> {
        with(group_id, &[&[0], &epoch.to_be_bytes()])
    }

    pub(crate) fn secret_nodes(group_id: &[u8], epoch: u64) -> Vec<u8> {
        with(group_id, &[&[1], &epoch.to_be_bytes()])
    }

    pub(crate) fn secret_node(group_id: &[u8], epoch: u64, node: u32) -> Vec<u8> {
        with(group_id, &[&[1], &epoch.to_be_bytes(), &node.to_be_bytes()])
    }

    pub(crate) fn secret_leaves(group_id: &[u8], epoch: u64) -> Vec<u8> {
        with(group_id, &[&[2], &epoch.to_be_bytes()])
    }

    pub(crate) fn secret_leaf(group_id: &[u8], epoch: u64, leaf: u32) -> Vec<u8> {
        with(group_id, &[&[2], &epoch.to_be_bytes(), &leaf.to_be_bytes()])
    }

    pub(crate) fn resumption_psks(group_id: &[u8]) -> Vec<u8> {
        with(group_id, &[&[3]])
    }

    pub(crate) fn own_keys(group_id: &[u8]) -> Vec<u8> {
        group(group_id)
    }

    /// The 4-byte big-endian number at the end of a key, after `prefix`.
    pub(crate) fn suffix_u32(key: &[u8], prefix_len: usize) -> Option<u32> {
        let tail: [u8; 4] = key.get(prefix_len..)?.try_into().ok()?;
        Some(u32::from_be_bytes(tail))
    }
}

/// Adds a put of a sealed record to `batch`.
pub(crate) fn put_record(
    batch: &mut crate::provider::WriteBatch,
    namespace: Namespace,
    key: Vec<u8>,
    kind: RecordKind,
    body: &[u8],
) {
    // Moved, not copied: the batch wipes its values when dropped.
    let mut value = seal(namespace, &key, kind, body);
    batch.put(namespace, key, std::mem::take(&mut *value));
}

/// Adds a put of the record `write` encodes.
pub(crate) fn put_encoded(
    batch: &mut crate::provider::WriteBatch,
    namespace: Namespace,
    key: Vec<u8>,
    kind: RecordKind,
    write: impl FnOnce(&mut codec::Enc) -> Result<(), Error>,
) -> Result<(), Error> {
    let mut enc = codec::Enc::new();
    write(&mut enc)?;
    put_record(batch, namespace, key, kind, &enc.finish());
    Ok(())
}

/// Adds a put of `value`'s record, or a delete of `key` if there is none
/// (a blank node, a consumed secret).
pub(crate) fn put_or_delete<T: ?Sized>(
    batch: &mut crate::provider::WriteBatch,
    namespace: Namespace,
    key: Vec<u8>,
    kind: RecordKind,
    value: Option<&T>,
    write: impl FnOnce(&mut codec::Enc, &T) -> Result<(), Error>,
) -> Result<(), Error> {
    match value {
        Some(value) => put_encoded(batch, namespace, key, kind, |enc| write(enc, value)),
        None => {
            batch.delete(namespace, key);
            Ok(())
        }
    }
}

/// Checks and decodes a record read from `key`; the whole body must be
/// consumed.
pub(crate) fn decode_record<T>(
    namespace: Namespace,
    key: &[u8],
    kind: RecordKind,
    value: &[u8],
    read: impl FnOnce(&mut codec::Dec<'_>) -> Result<T, Error>,
) -> Result<T, Error> {
    let body = open(namespace, key, kind, value)?;
    let mut dec = codec::Dec::new(body);
    let value = read(&mut dec).map_err(body_error(kind))?;
    dec.finish().map_err(body_error(kind))?;
    Ok(value)
}

/// Reads and decodes the record at `key`, if any. The bytes read are
/// wiped once decoded (they may hold secrets).
pub(crate) fn get_record<T>(
    storage: &(impl crate::provider::StorageProvider + ?Sized),
    namespace: Namespace,
    key: &[u8],
    kind: RecordKind,
    read: impl FnOnce(&mut codec::Dec<'_>) -> Result<T, Error>,
) -> Result<Option<T>, Error> {
    match storage.get(namespace, key)? {
        None => Ok(None),
        Some(bytes) => {
            let bytes = Zeroizing::new(bytes);
            decode_record(namespace, key, kind, &bytes, read).map(Some)
        }
    }
}

/// A key and its value, wiped on drop.
pub(crate) type SecretEntry = (Vec<u8>, Zeroizing<Vec<u8>>);

/// Every entry of `namespace` under `prefix`, values wiped on drop.
pub(crate) fn scan_records(
    storage: &(impl crate::provider::StorageProvider + ?Sized),
    namespace: Namespace,
    prefix: &[u8],
) -> Result<Vec<SecretEntry>, Error> {
    Ok(storage
        .scan(namespace, prefix)?
        .into_iter()
        .map(|(k, v)| (k, Zeroizing::new(v)))
        .collect())
}

/// The group id of a `group_state` key, if it is a group's main record.
pub(crate) fn main_record_group_id(key: &[u8]) -> Option<Vec<u8>> {
    let (len, rest) = crate::codec::read_varint(key).ok()?;
    let (group_id, tail) = (rest.get(..len)?, rest.get(len..)?);
    (tail == [0]).then(|| group_id.to_vec())
}

/// Stores a software signature private key of `cipher_suite` under `name`
/// (namespace `signature_keys`), for applications whose signer is a key
/// they hold rather than an HSM: a client restarted on the same storage
/// then signs with the same key. Replaces a key stored under `name`.
pub fn store_signature_key(
    storage: &(impl crate::provider::StorageProvider + ?Sized),
    name: &[u8],
    cipher_suite: crate::CipherSuite,
    private_key: &[u8],
) -> Result<(), Error> {
    let mut batch = crate::provider::WriteBatch::new();
    put_encoded(
        &mut batch,
        Namespace::SignatureKeys,
        name.to_vec(),
        RecordKind::SignatureKey,
        |enc| enc.value(&cipher_suite)?.bytes(private_key).map(drop),
    )?;
    Ok(storage.commit(batch)?)
}

/// The signature private key stored under `name` by
/// [`store_signature_key`], with its cipher suite.
pub fn signature_key(
    storage: &(impl crate::provider::StorageProvider + ?Sized),
    name: &[u8],
) -> Result<Option<(crate::CipherSuite, crate::secret::SignaturePrivateKey)>, Error> {
    get_record(
        storage,
        Namespace::SignatureKeys,
        name,
        RecordKind::SignatureKey,
        |dec| {
            let suite = dec.value()?;
            let key = crate::secret::SignaturePrivateKey::from_slice(dec.bytes()?);
            Ok((suite, key))
        },
    )
}

#[cfg(test)]
mod tests;
