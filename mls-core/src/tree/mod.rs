//! The ratchet tree (RFC 9420 §7).
//!
//! For now this holds the wire structures: leaf nodes (§7.2), parent nodes
//! (§7.1) and the serialized tree of §12.4.3.3. Tree hashes, parent hashes,
//! TreeKEM and tree validation will sit beside them, one rule per file.

pub mod leaf_node;
pub mod node;
pub mod parent_node;
