//! The tree-hash cache of a [`PublicTree`](super::PublicTree): one flat
//! buffer of `width × Nh` bytes and a freshness flag per node.
//!
//! A `Vec<Option<Vec<u8>>>` cost a 24-byte slot plus a heap block per node
//! (about 80 bytes for a 32-byte hash); a joined tree of blanks, one byte
//! per node on the wire, is hashed in full before any sender is trusted,
//! so that was most of the memory a hostile Welcome could make us spend.
//! Flat, a node costs `Nh + 1` bytes.

/// Cached tree hashes, indexed by node.
#[derive(Clone, Debug, Default)]
pub(crate) struct HashCache {
    /// The hash length, fixed by the first hash stored (0 before).
    len: usize,
    /// `fresh.len() × len` bytes; node `x`'s hash at `x × len`.
    bytes: Vec<u8>,
    /// Whether node `x`'s bytes hold its current hash.
    fresh: Vec<bool>,
}

impl HashCache {
    /// A cache for `width` nodes, all stale.
    pub(crate) fn new(width: usize) -> Self {
        Self {
            len: 0,
            bytes: Vec::new(),
            fresh: vec![false; width],
        }
    }

    /// Node `x`'s hash, if fresh.
    pub(crate) fn get(&self, x: usize) -> Option<&[u8]> {
        if !self.fresh.get(x).copied().unwrap_or(false) {
            return None;
        }
        let start = x.checked_mul(self.len)?;
        self.bytes.get(start..start.checked_add(self.len)?)
    }

    /// Stores node `x`'s hash. Outside the tree it is not stored.
    pub(crate) fn set(&mut self, x: usize, hash: &[u8]) {
        if x >= self.fresh.len() {
            return;
        }
        if self.len != hash.len() {
            // The first hash fixes the length; a tree only ever sees one
            // suite, but a different length must not mix with the old ones.
            let Some(total) = self.fresh.len().checked_mul(hash.len()) else {
                return;
            };
            self.len = hash.len();
            self.fresh.iter_mut().for_each(|f| *f = false);
            self.bytes = vec![0; total];
        }
        let Some(start) = x.checked_mul(self.len) else {
            return;
        };
        let Some(end) = start.checked_add(self.len) else {
            return;
        };
        if let Some(slot) = self.bytes.get_mut(start..end) {
            slot.copy_from_slice(hash);
            if let Some(f) = self.fresh.get_mut(x) {
                *f = true;
            }
        }
    }

    /// Marks node `x` stale; returns whether it was fresh.
    pub(crate) fn invalidate(&mut self, x: usize) -> bool {
        self.fresh
            .get_mut(x)
            .map(|f| std::mem::replace(f, false))
            .unwrap_or(false)
    }

    /// Grows or shrinks to `width` nodes; new nodes are stale.
    pub(crate) fn resize(&mut self, width: usize) {
        self.fresh.resize(width, false);
        // A width times Nh that overflows cannot be allocated anyway; the
        // cache then keeps no bytes and every node reads as stale.
        self.bytes
            .resize(width.checked_mul(self.len).unwrap_or(0), 0);
    }
}
