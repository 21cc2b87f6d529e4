//! Parent nodes (RFC 9420 §7.1).

use crate::codec::{VarBytes, VarVec};
use tls_codec::{TlsDeserializeBytes, TlsSerialize, TlsSize};

/// `ParentNode` (§7.1): an interior node of the ratchet tree.
#[derive(Clone, Debug, Default, PartialEq, Eq, TlsSerialize, TlsDeserializeBytes, TlsSize)]
pub struct ParentNode {
    /// `HPKEPublicKey encryption_key`: the node's HPKE public key.
    pub encryption_key: VarBytes,
    /// `opaque parent_hash<V>`: the parent hash of this node's parent (§7.9);
    /// empty at the root.
    pub parent_hash: VarBytes,
    /// `uint32 unmerged_leaves<V>`: leaf indices added below this node since
    /// it was last updated (§7.1, §7.9). Sortedness and membership are tree
    /// validation rules (§7.9.2), not checked when decoding.
    pub unmerged_leaves: VarVec<u32>,
}
