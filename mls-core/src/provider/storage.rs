use crate::error::StorageError;
use zeroize::Zeroize;

/// The fixed set of namespaces the core stores values in. A backend keeps
/// them apart (a table or key prefix each) and never interprets the values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Namespace {
    /// Per-group state (group context, epoch, configuration).
    GroupState,
    /// Ratchet tree nodes, one value per changed node.
    TreeNodes,
    /// Epoch secrets kept for past epochs.
    EpochSecrets,
    /// Our own leaf and path HPKE private keys.
    OwnLeafKeys,
    /// Key packages we published, with their private keys.
    KeyPackages,
    /// Signature key pairs.
    SignatureKeys,
    /// Pre-shared keys.
    Psks,
    /// Groups followed without secrets
    /// ([`PublicGroup`](crate::group::PublicGroup)): their GroupContext,
    /// tree and cached proposals, apart from any group the same store
    /// holds as a member.
    PublicGroups,
}

impl Namespace {
    /// Every namespace.
    pub const ALL: [Namespace; 8] = [
        Namespace::GroupState,
        Namespace::TreeNodes,
        Namespace::EpochSecrets,
        Namespace::OwnLeafKeys,
        Namespace::KeyPackages,
        Namespace::SignatureKeys,
        Namespace::Psks,
        Namespace::PublicGroups,
    ];

    /// A stable name, usable as a table name or key prefix.
    pub fn name(self) -> &'static str {
        match self {
            Namespace::GroupState => "group_state",
            Namespace::TreeNodes => "tree_nodes",
            Namespace::EpochSecrets => "epoch_secrets",
            Namespace::OwnLeafKeys => "own_leaf_keys",
            Namespace::KeyPackages => "key_packages",
            Namespace::SignatureKeys => "signature_keys",
            Namespace::Psks => "psks",
            Namespace::PublicGroups => "public_groups",
        }
    }
}

/// One write inside a [`WriteBatch`].
#[derive(Clone, PartialEq, Eq)]
pub enum WriteOp {
    /// Sets `key` to `value`.
    Put {
        /// Namespace.
        namespace: Namespace,
        /// Key bytes.
        key: Vec<u8>,
        /// Value bytes.
        value: Vec<u8>,
    },
    /// Removes `key` if present.
    Delete {
        /// Namespace.
        namespace: Namespace,
        /// Key bytes.
        key: Vec<u8>,
    },
    /// A condition, not a write: the batch applies only if `key` holds
    /// exactly `value` (`None`: is absent) in the store as it was before
    /// the batch. Otherwise the backend applies nothing and fails with
    /// [`StorageErrorKind::Conflict`](crate::error::StorageErrorKind::Conflict).
    /// The core uses it to detect a second writer of one group (a
    /// compare-and-swap on the group's write counter).
    Expect {
        /// Namespace.
        namespace: Namespace,
        /// Key bytes.
        key: Vec<u8>,
        /// The value the key must hold, or `None` if it must be absent.
        value: Option<Vec<u8>>,
    },
}

/// Every write of one state transition. A backend applies all of it or none.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct WriteBatch {
    ops: Vec<WriteOp>,
}

/// Shows namespaces, keys and value lengths; never values (they hold
/// secrets).
impl std::fmt::Debug for WriteOp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WriteOp::Put {
                namespace,
                key,
                value,
            } => f
                .debug_struct("Put")
                .field("namespace", namespace)
                .field("key_len", &key.len())
                .field("value_len", &value.len())
                .finish(),
            WriteOp::Delete { namespace, key } => f
                .debug_struct("Delete")
                .field("namespace", namespace)
                .field("key_len", &key.len())
                .finish(),
            WriteOp::Expect {
                namespace,
                key,
                value,
            } => f
                .debug_struct("Expect")
                .field("namespace", namespace)
                .field("key_len", &key.len())
                .field("value_len", &value.as_ref().map(Vec::len))
                .finish(),
        }
    }
}

impl std::fmt::Debug for WriteBatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(&self.ops).finish()
    }
}

impl WriteBatch {
    /// An empty batch.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a put.
    pub fn put(
        &mut self,
        namespace: Namespace,
        key: impl Into<Vec<u8>>,
        value: impl Into<Vec<u8>>,
    ) {
        self.ops.push(WriteOp::Put {
            namespace,
            key: key.into(),
            value: value.into(),
        });
    }

    /// Adds a delete.
    pub fn delete(&mut self, namespace: Namespace, key: impl Into<Vec<u8>>) {
        self.ops.push(WriteOp::Delete {
            namespace,
            key: key.into(),
        });
    }

    /// Adds a condition (see [`WriteOp::Expect`]): the whole batch applies
    /// only if `key` holds `value` (or is absent, for `None`) before it.
    pub fn expect(
        &mut self,
        namespace: Namespace,
        key: impl Into<Vec<u8>>,
        value: Option<Vec<u8>>,
    ) {
        self.ops.push(WriteOp::Expect {
            namespace,
            key: key.into(),
            value,
        });
    }

    /// The writes, in order.
    pub fn ops(&self) -> &[WriteOp] {
        &self.ops
    }

    /// Whether the batch is empty.
    pub fn is_empty(&self) -> bool {
        self.ops.is_empty()
    }

    /// Number of writes.
    pub fn len(&self) -> usize {
        self.ops.len()
    }

    /// Takes every operation out, in order, for a backend that keeps the
    /// values it is given (the in-memory store moves them into its maps
    /// rather than copying a large group's tree once more). `Put` values
    /// carry secrets: whoever drains them wipes them when done (e.g. holds
    /// them in `Zeroizing`); what is not drained is still wiped on drop.
    pub fn drain(&mut self) -> impl Iterator<Item = WriteOp> + '_ {
        self.ops.drain(..)
    }

    /// Appends every write of `other`, after those already here.
    pub fn extend(&mut self, mut other: WriteBatch) {
        self.ops.append(&mut other.ops);
    }
}

/// Values carry private keys and epoch secrets: they are wiped when the
/// batch is dropped, so a committed or abandoned batch leaves no copy.
impl Drop for WriteBatch {
    fn drop(&mut self) {
        for op in &mut self.ops {
            if let WriteOp::Put { value, .. } = op {
                value.zeroize();
            }
        }
    }
}

/// Entries returned by [`StorageProvider::scan`]: keys with their values.
pub type Entries = Vec<(Vec<u8>, Vec<u8>)>;

/// A transactional key-value store of opaque bytes.
///
/// The core decides keys and encodes values; a backend never sees an MLS type.
/// This is the minimal surface the persistence layer builds on.
pub trait StorageProvider: Send + Sync {
    /// Reads one value.
    fn get(&self, namespace: Namespace, key: &[u8]) -> Result<Option<Vec<u8>>, StorageError>;

    /// Every entry of `namespace` whose key starts with `prefix` (all of the
    /// namespace for an empty prefix), in ascending byte order of the keys.
    ///
    /// The core uses it to load a group's tree nodes and to list the groups
    /// and KeyPackages held; it reads a consistent view (no batch applied
    /// halfway through).
    fn scan(&self, namespace: Namespace, prefix: &[u8]) -> Result<Entries, StorageError>;

    /// Applies every write in `batch` atomically: after a crash at any point
    /// the store holds either all of them or none.
    ///
    /// Every [`WriteOp::Expect`] of the batch is checked first, inside the
    /// same transaction (so no other writer can come between the check and
    /// the writes, in this process or another): if one does not hold, the
    /// batch fails with
    /// [`StorageErrorKind::Conflict`](crate::error::StorageErrorKind::Conflict)
    /// and nothing is written.
    fn commit(&self, batch: WriteBatch) -> Result<(), StorageError>;
}

/// A shared store is a store: several clients may use one database.
impl<S: StorageProvider + ?Sized> StorageProvider for std::sync::Arc<S> {
    fn get(&self, namespace: Namespace, key: &[u8]) -> Result<Option<Vec<u8>>, StorageError> {
        (**self).get(namespace, key)
    }

    fn scan(&self, namespace: Namespace, prefix: &[u8]) -> Result<Entries, StorageError> {
        (**self).scan(namespace, prefix)
    }

    fn commit(&self, batch: WriteBatch) -> Result<(), StorageError> {
        (**self).commit(batch)
    }
}

/// A boxed store is a store.
impl<S: StorageProvider + ?Sized> StorageProvider for Box<S> {
    fn get(&self, namespace: Namespace, key: &[u8]) -> Result<Option<Vec<u8>>, StorageError> {
        (**self).get(namespace, key)
    }

    fn scan(&self, namespace: Namespace, prefix: &[u8]) -> Result<Entries, StorageError> {
        (**self).scan(namespace, prefix)
    }

    fn commit(&self, batch: WriteBatch) -> Result<(), StorageError> {
        (**self).commit(batch)
    }
}
