//! The ratchet tree (RFC 9420 §7).
//!
//! One rule per file: the wire structures (leaf nodes §7.2, parent nodes
//! §7.1, the serialized tree of §12.4.3.3), the public tree with its cached
//! tree hashes and the Add/Update/Remove operations (`public_tree`, §7.7,
//! §7.8, §12.1), parent hashes and their verification (`parent_hash`,
//! §7.9), the structural checks of a joined tree (`validation`,
//! §12.4.3.1), LeafNode validation (`leaf_validation`, §7.3) and TreeKEM
//! (`treekem`, §7.4–§7.6).

pub mod leaf_node;
pub mod leaf_validation;
pub mod node;
pub mod parent_hash;
pub mod parent_node;
pub mod public_tree;
pub mod tree_hash;
pub mod treekem;
pub mod validation;
