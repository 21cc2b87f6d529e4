//! Stored records seen through the `StorageProvider` trait only: a dump of
//! everything a client holds (to compare before and after a call), and
//! the value envelope, so a mutated record can be sealed again and reach
//! the record decoders behind the checksum.

use mls_core::provider::{Namespace, StorageProvider, WriteBatch};
use std::collections::BTreeMap;

/// Every stored entry, by namespace and key.
pub type Dump = BTreeMap<(Namespace, Vec<u8>), Vec<u8>>;

/// Everything `storage` holds. A storage error is a bug of the in-memory
/// store, which cannot fail, so it panics.
pub fn dump(storage: &impl StorageProvider) -> Dump {
    let mut out = Dump::new();
    for namespace in Namespace::ALL {
        let entries = storage
            .scan(namespace, &[])
            .unwrap_or_else(|e| panic!("in-memory scan failed: {e}"));
        for (key, value) in entries {
            out.insert((namespace, key), value);
        }
    }
    out
}

/// Writes every entry of `dump` into `storage` in one batch.
pub fn restore(storage: &impl StorageProvider, dump: &Dump) {
    let mut batch = WriteBatch::new();
    for ((namespace, key), value) in dump {
        batch.put(*namespace, key.clone(), value.clone());
    }
    storage
        .commit(batch)
        .unwrap_or_else(|e| panic!("in-memory commit failed: {e}"));
}

/// The entries that differ between two dumps (added, removed or changed).
pub fn diff(before: &Dump, after: &Dump) -> Vec<(Namespace, Vec<u8>)> {
    let mut keys: Vec<_> = before.keys().chain(after.keys()).cloned().collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter(|k| before.get(k) != after.get(k))
        .collect()
}

/// Length of the checksum that ends every stored value.
const CHECKSUM_LEN: usize = 4;

/// The checksum of mls-core's value envelope (`storage::checksum`, which
/// is private): CRC-32 of the namespace name, the key length and key, and
/// the value without its checksum. Kept identical by hand; if mls-core
/// changes it, re-sealed inputs would stop reaching the decoders, so
/// group_load's fixture checks every stored value with [`is_sealed`].
fn checksum(namespace: Namespace, key: &[u8], covered: &[u8]) -> u32 {
    let mut h = crc32fast::Hasher::new();
    h.update(namespace.name().as_bytes());
    h.update(&(key.len() as u64).to_be_bytes());
    h.update(key);
    h.update(covered);
    h.finalize()
}

/// The part of a stored value the checksum covers (format version, record
/// kind, body), or the whole value if it is too short to have a checksum.
pub fn covered(value: &[u8]) -> &[u8] {
    value
        .len()
        .checked_sub(CHECKSUM_LEN)
        .and_then(|n| value.get(..n))
        .unwrap_or(value)
}

/// `covered` followed by its checksum for `key`: a value mls-core reads
/// past the checksum.
pub fn seal(namespace: Namespace, key: &[u8], covered: &[u8]) -> Vec<u8> {
    let mut out = covered.to_vec();
    out.extend_from_slice(&checksum(namespace, key, covered).to_be_bytes());
    out
}

/// Whether `value` carries the right checksum for `key`.
pub fn is_sealed(namespace: Namespace, key: &[u8], value: &[u8]) -> bool {
    value.len() >= CHECKSUM_LEN && seal(namespace, key, covered(value)) == value
}
