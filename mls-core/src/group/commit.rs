//! Commits and update paths (RFC 9420 §12.4, §7.6).

use crate::codec::{VarBytes, VarVec};
use crate::group::proposal::ProposalOrRef;
use crate::provider::HpkeCiphertext;
use crate::tree::leaf_node::LeafNode;
use tls_codec::{TlsDeserializeBytes, TlsSerialize, TlsSize};

/// `HPKECiphertext` (§7.6) as it is encoded on the wire.
///
/// [`HpkeCiphertext`] is the same pair as the crypto provider returns it;
/// the two convert into each other with `From`.
#[derive(Clone, Debug, PartialEq, Eq, TlsSerialize, TlsDeserializeBytes, TlsSize)]
pub struct HpkeCiphertextWire {
    /// `opaque kem_output<V>`: the encapsulated key.
    pub kem_output: VarBytes,
    /// `opaque ciphertext<V>`: the AEAD ciphertext with its tag.
    pub ciphertext: VarBytes,
}

impl From<HpkeCiphertext> for HpkeCiphertextWire {
    fn from(ct: HpkeCiphertext) -> Self {
        Self {
            kem_output: VarBytes::new(ct.kem_output),
            ciphertext: VarBytes::new(ct.ciphertext),
        }
    }
}

impl From<HpkeCiphertextWire> for HpkeCiphertext {
    fn from(ct: HpkeCiphertextWire) -> Self {
        Self {
            kem_output: ct.kem_output.into_vec(),
            ciphertext: ct.ciphertext.into_vec(),
        }
    }
}

/// `UpdatePathNode` (§7.6): a new public key on the committer's filtered
/// direct path, and its path secret encrypted to each node of the copath
/// node's resolution.
#[derive(Clone, Debug, PartialEq, Eq, TlsSerialize, TlsDeserializeBytes, TlsSize)]
pub struct UpdatePathNode {
    /// `HPKEPublicKey encryption_key`.
    pub encryption_key: VarBytes,
    /// `HPKECiphertext encrypted_path_secret<V>`, one per resolution node.
    pub encrypted_path_secret: VarVec<HpkeCiphertextWire>,
}

/// `UpdatePath` (§7.6): the committer's new leaf and the path above it.
/// Whether its length matches the filtered direct path is a commit-time
/// rule (§12.4.2).
#[derive(Clone, Debug, PartialEq, Eq, TlsSerialize, TlsDeserializeBytes, TlsSize)]
pub struct UpdatePath {
    /// The committer's new leaf (source `commit`).
    pub leaf_node: LeafNode,
    /// `UpdatePathNode nodes<V>`, from the leaf's parent up.
    pub nodes: VarVec<UpdatePathNode>,
}

/// `Commit` (§12.4).
#[derive(Clone, Debug, PartialEq, Eq, TlsSerialize, TlsDeserializeBytes, TlsSize)]
pub struct Commit {
    /// `ProposalOrRef proposals<V>`, in the order they are applied.
    pub proposals: VarVec<ProposalOrRef>,
    /// `optional<UpdatePath> path`.
    pub path: Option<UpdatePath>,
}

#[cfg(test)]
mod tests;
