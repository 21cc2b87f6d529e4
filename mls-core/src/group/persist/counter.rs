//! One writer per group: a compare-and-swap on a write counter.
//!
//! Two `Group` instances of one group may share a store: two threads, or
//! an application and its notification extension on one SQLite file.
//! Blind writes would let each overwrite the other's epoch, and both could
//! send with the same generation of a ratchet (a reused nonce). So every
//! transaction of a group carries a condition
//! ([`WriteOp::Expect`](crate::provider::WriteOp::Expect)): the group's
//! write counter still holds what this instance last read or wrote. The
//! backend checks it inside the transaction and writes the next value with
//! the rest; an instance that fell behind gets [`Error::Conflict`], and the
//! state it would have overwritten stays.
//!
//! ```text
//! struct {
//!     uint64 count;          // transactions of this incarnation so far
//!     opaque incarnation<V>; // 16 random bytes, new each time the group is stored anew
//! } WriteCounter;            // group_state, key G ‖ 0x03
//! ```
//!
//! The incarnation keeps an instance of a group that was deleted and
//! stored again (a rejoin) from matching the new group's counter.

use crate::error::{Error, StorageErrorKind};
use crate::provider::{Namespace, RandProvider, StorageProvider, WriteBatch, random_bytes};
use crate::storage::{self, RecordKind, keys};

const INCARNATION_LEN: usize = 16;

/// What this instance knows of its group's write counter.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct WriteCounter {
    count: u64,
    incarnation: Vec<u8>,
    /// The stored value as last read or written (`None`: absent, as for a
    /// group stored by a release without the counter).
    stored: Option<Vec<u8>>,
}

impl WriteCounter {
    /// The counter stored for `group_id`, as it is now.
    pub(crate) fn read(
        storage: &(impl StorageProvider + ?Sized),
        group_id: &[u8],
    ) -> Result<Self, Error> {
        Self::read_in(storage, Namespace::GroupState, group_id)
    }

    /// The counter stored for `group_id` in `namespace` (a public view's
    /// is in [`Namespace::PublicGroups`]).
    pub(crate) fn read_in(
        storage: &(impl StorageProvider + ?Sized),
        namespace: Namespace,
        group_id: &[u8],
    ) -> Result<Self, Error> {
        let key = keys::write_counter(group_id);
        let Some(stored) = storage.get(namespace, &key)? else {
            return Ok(Self::default());
        };
        let (count, incarnation) =
            storage::decode_record(namespace, &key, RecordKind::WriteCounter, &stored, |dec| {
                Ok((dec.u64()?, dec.bytes()?.to_vec()))
            })?;
        Ok(Self {
            count,
            incarnation,
            stored: Some(stored),
        })
    }

    /// A group about to be stored anew, over whatever is stored under its
    /// id now (`current`, read in the same step as the rest of what is
    /// replaced): the next write expects `current` and starts a new
    /// incarnation.
    pub(crate) fn fresh(current: Self, rand: &dyn RandProvider) -> Result<Self, Error> {
        Ok(Self {
            count: current.count,
            incarnation: random_bytes(rand, INCARNATION_LEN)?,
            stored: current.stored,
        })
    }

    /// Whether the store holds, now, the value this instance last read or
    /// wrote: one read, for a step that writes nothing but must still
    /// happen only at the group's current writer.
    pub(crate) fn is_current(
        &self,
        storage: &(impl StorageProvider + ?Sized),
        group_id: &[u8],
    ) -> Result<bool, Error> {
        let stored = storage.get(Namespace::GroupState, &keys::write_counter(group_id))?;
        Ok(stored.as_deref() == self.stored.as_deref())
    }

    /// Whether the store holds the value this instance last saw.
    pub(crate) fn same_as(&self, other: &Self) -> bool {
        self.stored == other.stored
    }

    /// Adds the condition and the next value to `batch`; returns the
    /// counter to keep once the batch is committed.
    pub(crate) fn guard(&self, group_id: &[u8], batch: &mut WriteBatch) -> Result<Self, Error> {
        self.guard_in(Namespace::GroupState, group_id, batch)
    }

    /// [`guard`](Self::guard) for a counter in `namespace`.
    pub(crate) fn guard_in(
        &self,
        namespace: Namespace,
        group_id: &[u8],
        batch: &mut WriteBatch,
    ) -> Result<Self, Error> {
        let key = keys::write_counter(group_id);
        batch.expect(namespace, key.clone(), self.stored.clone());
        let count = self
            .count
            .checked_add(1)
            .ok_or(Error::Internal("a group's write counter ran out"))?;
        let mut enc = crate::storage::codec::Enc::new();
        enc.u64(count).bytes(&self.incarnation)?;
        let sealed =
            storage::seal(namespace, &key, RecordKind::WriteCounter, &enc.finish()).to_vec();
        batch.put(namespace, key, sealed.clone());
        Ok(Self {
            count,
            incarnation: self.incarnation.clone(),
            stored: Some(sealed),
        })
    }
}

/// A backend's conflict is the group's [`Error::Conflict`].
pub(crate) fn conflict_to_error(err: crate::error::StorageError) -> Error {
    if err.kind == StorageErrorKind::Conflict {
        Error::Conflict
    } else {
        err.into()
    }
}
