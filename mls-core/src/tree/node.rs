//! A node of the ratchet tree, and the tree as it travels in a Welcome's
//! `ratchet_tree` extension (RFC 9420 §7.1, §12.4.3.3).

use crate::codec::VarVec;
use crate::tree::leaf_node::LeafNode;
use crate::tree::parent_node::ParentNode;
use tls_codec::{DeserializeBytes, TlsDeserializeBytes, TlsSerialize, TlsSize};

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
/// Nodes are boxed: a blank node is one byte on the wire, and costs a
/// pointer, not a node's size, once decoded (bounded work before the
/// sender of a Welcome is known).
///
/// This is the wire form only. The rules on its shape — the last node is not
/// blank, leaves sit at even indices, the tree hash matches the GroupContext
/// (§12.4.3.3, §7.9) — are checked when a tree is built from it, not here.
#[derive(Clone, Debug, Default, PartialEq, Eq, TlsSerialize, TlsDeserializeBytes, TlsSize)]
pub struct RatchetTree(VarVec<Option<Box<Node>>>);

impl RatchetTree {
    /// A tree from nodes in array order.
    pub fn new(nodes: Vec<Option<Node>>) -> Self {
        Self(VarVec::new(
            nodes.into_iter().map(|n| n.map(Box::new)).collect(),
        ))
    }

    /// A tree from boxed nodes, as the public tree keeps them.
    pub(crate) fn from_boxed_nodes(nodes: Vec<Option<Box<Node>>>) -> Self {
        Self(VarVec::new(nodes))
    }

    /// The number of nodes, blanks included.
    pub fn len(&self) -> usize {
        self.0.as_slice().len()
    }

    /// Whether the tree has no node at all (never valid, §12.4.3.3).
    pub fn is_empty(&self) -> bool {
        self.0.as_slice().is_empty()
    }

    /// The nodes in array order, `None` for a blank node.
    pub fn nodes(&self) -> impl ExactSizeIterator<Item = Option<&Node>> {
        self.0.as_slice().iter().map(Option::as_deref)
    }

    /// Takes the nodes out.
    pub fn into_nodes(self) -> Vec<Option<Node>> {
        self.0
            .into_vec()
            .into_iter()
            .map(|n| n.map(|b| *b))
            .collect()
    }

    /// Takes the boxed nodes out.
    pub(crate) fn into_boxed_nodes(self) -> Vec<Option<Box<Node>>> {
        self.0.into_vec()
    }

    /// Decodes one whole `ratchet_tree` (as carried out of band, or in the
    /// `ratchet_tree` extension's data); trailing bytes are an error. The
    /// tree's shape and hashes are checked when a group is joined with it.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, crate::Error> {
        Ok(crate::codec::decode_exact(bytes)?)
    }

    /// [`from_bytes`](Self::from_bytes) for a tree of at most `max_leaves`
    /// leaves (§12.4.3.1, `GroupConfig::max_leaves`). The nodes are
    /// counted in a first pass that keeps none of them, so a tree that is
    /// too wide is refused with
    /// [`ProtocolError::TooManyMembers`](crate::error::ProtocolError::TooManyMembers)
    /// having cost no more memory than its largest node; one that fits is
    /// decoded into a vector of exactly its length. A tree that ends in a
    /// blank node (or has none) is refused in the same pass.
    pub fn from_bytes_bounded(bytes: &[u8], max_leaves: u32) -> Result<Self, crate::Error> {
        let (mut content, rest) =
            crate::codec::read_vector_bytes(bytes).map_err(crate::error::DecodeError::from)?;
        if !rest.is_empty() {
            return Err(crate::error::DecodeError::TrailingBytes(rest.len()).into());
        }
        // A tree of n leaves has at most 2n - 1 nodes (§4, Appendix C).
        let max_nodes = u64::from(max_leaves).saturating_mul(2).saturating_sub(1);
        let mut count: u64 = 0;
        // An empty tree is refused like one that ends in a blank.
        let mut last_is_blank = true;
        let all = content;
        while !content.is_empty() {
            count = count.saturating_add(1);
            if count > max_nodes {
                return Err(crate::error::ProtocolError::TooManyMembers(max_leaves).into());
            }
            let (node, remainder) = <Option<Node>>::tls_deserialize_bytes(content)
                .map_err(crate::error::DecodeError::from)?;
            last_is_blank = node.is_none();
            content = remainder;
        }
        // A width its leaves do not need (§12.4.3.3), refused before the
        // nodes are kept.
        if last_is_blank {
            return Err(crate::error::ProtocolError::TrailingBlankNode.into());
        }
        let mut nodes = Vec::with_capacity(usize::try_from(count).unwrap_or(0));
        content = all;
        while !content.is_empty() {
            let (node, remainder) = <Option<Box<Node>>>::tls_deserialize_bytes(content)
                .map_err(crate::error::DecodeError::from)?;
            nodes.push(node);
            content = remainder;
        }
        Ok(Self(VarVec::new(nodes)))
    }

    /// Encodes the tree.
    pub fn to_bytes(&self) -> Result<Vec<u8>, crate::Error> {
        crate::codec::encode(self)
    }
}

#[cfg(test)]
mod tests;
