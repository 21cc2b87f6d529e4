use crate::error::StorageError;

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
}

impl Namespace {
    /// Every namespace.
    pub const ALL: [Namespace; 7] = [
        Namespace::GroupState,
        Namespace::TreeNodes,
        Namespace::EpochSecrets,
        Namespace::OwnLeafKeys,
        Namespace::KeyPackages,
        Namespace::SignatureKeys,
        Namespace::Psks,
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
        }
    }
}

/// One write inside a [`WriteBatch`].
#[derive(Clone, Debug, PartialEq, Eq)]
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
}

/// Every write of one state transition. A backend applies all of it or none.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WriteBatch {
    ops: Vec<WriteOp>,
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

    /// The writes, in order.
    pub fn ops(&self) -> &[WriteOp] {
        &self.ops
    }

    /// Whether the batch is empty.
    pub fn is_empty(&self) -> bool {
        self.ops.is_empty()
    }
}

/// A transactional key-value store of opaque bytes.
///
/// The core decides keys and encodes values; a backend never sees an MLS type.
/// This is the minimal surface the persistence layer builds on.
pub trait StorageProvider: Send + Sync {
    /// Reads one value.
    fn get(&self, namespace: Namespace, key: &[u8]) -> Result<Option<Vec<u8>>, StorageError>;

    /// Applies every write in `batch` atomically: after a crash at any point
    /// the store holds either all of them or none.
    fn commit(&self, batch: WriteBatch) -> Result<(), StorageError>;
}

/// A shared store is a store: several clients may use one database.
impl<S: StorageProvider + ?Sized> StorageProvider for std::sync::Arc<S> {
    fn get(&self, namespace: Namespace, key: &[u8]) -> Result<Option<Vec<u8>>, StorageError> {
        (**self).get(namespace, key)
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

    fn commit(&self, batch: WriteBatch) -> Result<(), StorageError> {
        (**self).commit(batch)
    }
}
