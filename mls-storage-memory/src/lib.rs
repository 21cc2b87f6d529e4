//! An in-memory [`StorageProvider`] for tests and short-lived clients.
//!
//! [`MemoryStorage`] keeps one map per [`Namespace`] behind a single
//! [`RwLock`]. Reads share the lock; [`commit`](StorageProvider::commit)
//! applies a whole [`WriteBatch`] under one write lock, so no reader ever sees
//! part of a batch. Values are opaque bytes: this crate never parses them.
//!
//! Nothing survives the process. Use `mls-storage-sqlite` for state that must
//! outlive it.
//!
//! # Example
//!
//! ```
//! use mls_core::provider::{Namespace, StorageProvider, WriteBatch};
//! use mls_storage_memory::MemoryStorage;
//!
//! # fn main() -> Result<(), mls_core::StorageError> {
//! let storage = MemoryStorage::new();
//!
//! let mut batch = WriteBatch::new();
//! batch.put(Namespace::GroupState, b"group-1".to_vec(), b"state".to_vec());
//! batch.delete(Namespace::KeyPackages, b"kp-1".to_vec());
//! storage.commit(batch)?;
//!
//! assert_eq!(
//!     storage.get(Namespace::GroupState, b"group-1")?,
//!     Some(b"state".to_vec())
//! );
//! assert_eq!(storage.get(Namespace::KeyPackages, b"kp-1")?, None);
//! # Ok(())
//! # }
//! ```
#![forbid(unsafe_code)]

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::sync::RwLock;

use zeroize::Zeroizing;

use mls_core::StorageError;
use mls_core::error::StorageErrorKind;
use mls_core::provider::{Entries, Namespace, StorageProvider, WriteBatch, WriteOp};

/// One ordered map from key to value per namespace (ordered for
/// [`scan`](StorageProvider::scan)). A namespace's map is created on its
/// first put. Values hold private keys and epoch secrets, so a value is
/// wiped when it is replaced, deleted or dropped with the store.
type Maps = HashMap<Namespace, BTreeMap<Vec<u8>, Zeroizing<Vec<u8>>>>;

/// A [`StorageProvider`] that keeps everything in memory.
///
/// Cheap to create; each instance is a separate, initially empty store.
#[derive(Default)]
pub struct MemoryStorage {
    maps: RwLock<Maps>,
}

impl MemoryStorage {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }
}

/// The error for a lock poisoned by a panic in another thread. A panic while
/// the write lock was held may have left a batch half-applied, so the store
/// refuses to serve anything from then on rather than expose that state.
fn poisoned() -> StorageError {
    StorageError::backend("in-memory storage is unusable: a thread panicked while holding its lock")
}

impl StorageProvider for MemoryStorage {
    fn get(&self, namespace: Namespace, key: &[u8]) -> Result<Option<Vec<u8>>, StorageError> {
        let maps = self.maps.read().map_err(|_| poisoned())?;
        Ok(maps
            .get(&namespace)
            .and_then(|map| map.get(key))
            .map(|value| value.to_vec()))
    }

    fn scan(&self, namespace: Namespace, prefix: &[u8]) -> Result<Entries, StorageError> {
        let maps = self.maps.read().map_err(|_| poisoned())?;
        let Some(map) = maps.get(&namespace) else {
            return Ok(Vec::new());
        };
        Ok(map
            .range(prefix.to_vec()..)
            .take_while(|(key, _)| key.starts_with(prefix))
            .map(|(key, value)| (key.clone(), value.to_vec()))
            .collect())
    }

    fn commit(&self, mut batch: WriteBatch) -> Result<(), StorageError> {
        let mut maps = self.maps.write().map_err(|_| poisoned())?;
        // Conditions first, against the state before the batch.
        for op in batch.ops() {
            if let WriteOp::Expect {
                namespace,
                key,
                value,
            } = op
            {
                let held = maps.get(namespace).and_then(|map| map.get(key.as_slice()));
                if held.map(|v| v.as_slice()) != value.as_deref() {
                    return Err(StorageError::new(
                        StorageErrorKind::Conflict,
                        format!(
                            "a key of namespace {} changed since it was read: another writer",
                            namespace.name()
                        ),
                    ));
                }
            }
        }
        // No operation below can fail, so holding the write lock for the whole
        // loop makes the batch all-or-nothing for every reader.
        for op in batch.drain() {
            match op {
                WriteOp::Put {
                    namespace,
                    key,
                    value,
                } => {
                    maps.entry(namespace)
                        .or_default()
                        .insert(key, Zeroizing::new(value));
                }
                WriteOp::Delete { namespace, key } => {
                    if let Some(map) = maps.get_mut(&namespace) {
                        map.remove(key.as_slice());
                    }
                }
                WriteOp::Expect { .. } => {}
            }
        }
        Ok(())
    }
}

/// Shows how many entries each namespace holds, never keys or values (they
/// include private keys and epoch secrets).
impl fmt::Debug for MemoryStorage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = f.debug_struct("MemoryStorage");
        match self.maps.read() {
            Ok(maps) => {
                for namespace in Namespace::ALL {
                    let len = maps.get(&namespace).map_or(0, BTreeMap::len);
                    s.field(namespace.name(), &len);
                }
            }
            Err(_) => {
                s.field("poisoned", &true);
            }
        }
        s.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn poisoned_lock_is_an_error_not_a_panic() {
        let storage = MemoryStorage::new();
        let mut batch = WriteBatch::new();
        batch.put(Namespace::Psks, b"k".to_vec(), b"v".to_vec());
        storage.commit(batch.clone()).unwrap();

        // Poison the lock by panicking while holding the write guard.
        let result = std::thread::scope(|scope| {
            scope
                .spawn(|| {
                    let _guard = storage.maps.write().unwrap();
                    panic!("poison the lock");
                })
                .join()
        });
        assert!(result.is_err());

        let err = storage.get(Namespace::Psks, b"k").unwrap_err();
        assert!(err.message.contains("panicked"), "{err}");
        assert!(storage.commit(batch).is_err());
        assert!(format!("{storage:?}").contains("poisoned"));
    }

    #[test]
    fn debug_shows_counts_not_values() {
        let storage = MemoryStorage::new();
        let mut batch = WriteBatch::new();
        batch.put(Namespace::EpochSecrets, b"key".to_vec(), b"SECRET".to_vec());
        storage.commit(batch).unwrap();
        let shown = format!("{storage:?}");
        assert!(shown.contains("epoch_secrets: 1"), "{shown}");
        assert!(!shown.contains("SECRET"), "{shown}");
    }
}
