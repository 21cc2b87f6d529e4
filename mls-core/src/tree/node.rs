//! A node of the ratchet tree, and the tree as it travels in a Welcome's
//! `ratchet_tree` extension (RFC 9420 §7.1, §12.4.3.3).

use crate::codec::VarVec;
use crate::tree::leaf_node::LeafNode;
use crate::tree::parent_node::ParentNode;
use tls_codec::{TlsDeserializeBytes, TlsSerialize, TlsSize};

/// `Node` (§7.1): `NodeType node_type` and the node it selects. Any other
/// `node_type` than `leaf(1)` or `parent(2)` is
/// [`DecodeError::UnknownValue`](crate::error::DecodeError::UnknownValue).
#[derive(Clone, Debug, PartialEq, Eq, TlsSerialize, TlsDeserializeBytes, TlsSize)]
#[repr(u8)]
// Leaves are several times larger than parents; boxing them would save
// little, since a full tree has as many leaves as parents, and would cost an
// allocation per leaf.
#[allow(clippy::large_enum_variant)]
pub enum Node {
    /// `leaf(1)`.
    #[tls_codec(discriminant = 1)]
    Leaf(LeafNode),
    /// `parent(2)`.
    #[tls_codec(discriminant = 2)]
    Parent(ParentNode),
}

/// `optional<Node> ratchet_tree<V>` (§12.4.3.3): the tree's nodes in
/// array order (Appendix C), `None` for a blank node.
///
/// This is the wire form only. The rules on its shape — the last node is not
/// blank, leaves sit at even indices, the tree hash matches the GroupContext
/// (§12.4.3.3, §7.9) — are checked when a tree is built from it, not here.
#[derive(Clone, Debug, Default, PartialEq, Eq, TlsSerialize, TlsDeserializeBytes, TlsSize)]
pub struct RatchetTree(VarVec<Option<Node>>);

impl RatchetTree {
    /// A tree from nodes in array order.
    pub fn new(nodes: Vec<Option<Node>>) -> Self {
        Self(VarVec::new(nodes))
    }

    /// The nodes in array order.
    pub fn nodes(&self) -> &[Option<Node>] {
        self.0.as_slice()
    }

    /// Takes the nodes out.
    pub fn into_nodes(self) -> Vec<Option<Node>> {
        self.0.into_vec()
    }

    /// Decodes one whole `ratchet_tree` (as carried out of band, or in the
    /// `ratchet_tree` extension's data); trailing bytes are an error. The
    /// tree's shape and hashes are checked when a group is joined with it.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, crate::Error> {
        Ok(crate::codec::decode_exact(bytes)?)
    }

    /// Encodes the tree.
    pub fn to_bytes(&self) -> Result<Vec<u8>, crate::Error> {
        crate::codec::encode(self)
    }
}

#[cfg(test)]
mod tests;
