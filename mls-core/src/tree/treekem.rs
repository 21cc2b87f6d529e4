//! TreeKEM (RFC 9420 §7.4–§7.6): creating an UpdatePath, merging one into
//! the tree, and decrypting the path secret it carries for us.
//!
//! All three work on the tree of the commit being built or processed (the
//! group applies them to its provisional tree), and cost O(log N) hashes and
//! key derivations plus one HPKE operation per node of the copath
//! resolutions (creation) or one decryption (processing).

use super::leaf_node::{LeafNode, LeafNodeSource, LeafNodeTbsContext};
use super::node::Node;
use super::parent_hash::parent_hash;
use super::parent_node::ParentNode;
use super::public_tree::PublicTree;
use crate::codec::{VarBytes, VarVec, encode};
use crate::crypto::{
    decrypt_with_label, derive_secret, encrypt_with_label, generate_hpke_key_pair,
};
use crate::error::{Error, ProtocolError};
use crate::group::commit::{HpkeCiphertextWire, UpdatePath, UpdatePathNode};
use crate::key_schedule::GroupContext;
use crate::provider::{CipherSuiteProvider, RandProvider, Signer, random_bytes};
use crate::secret::{HpkePrivateKey, Secret};
use crate::tree_math::{LeafIndex, NodeIndex};
use std::collections::BTreeMap;

/// The private keys a member holds for tree nodes: its leaf and the
/// parent nodes on its direct path it knows the secrets of (§7.4).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TreePrivateKeys {
    keys: BTreeMap<NodeIndex, HpkePrivateKey>,
}

impl TreePrivateKeys {
    /// Keys holding just the leaf's private key.
    pub fn for_leaf(leaf: LeafIndex, encryption_priv: HpkePrivateKey) -> Result<Self, Error> {
        let mut keys = BTreeMap::new();
        keys.insert(
            leaf.node()
                .ok_or(ProtocolError::BlankOrMissingLeaf(leaf.0))?,
            encryption_priv,
        );
        Ok(Self { keys })
    }

    /// Keys from their stored form.
    pub(crate) fn from_entries(keys: BTreeMap<NodeIndex, HpkePrivateKey>) -> Self {
        Self { keys }
    }

    /// Every key held, by node.
    pub(crate) fn entries(&self) -> &BTreeMap<NodeIndex, HpkePrivateKey> {
        &self.keys
    }

    /// The private key for node `x`, if held.
    pub fn get(&self, x: NodeIndex) -> Option<&HpkePrivateKey> {
        self.keys.get(&x)
    }

    /// Stores the key pair derived from `path_secret` at `x` (§7.4:
    /// `node_secret = DeriveSecret(path_secret, "node")`), returning the
    /// public key.
    pub fn insert_path_secret(
        &mut self,
        suite: &dyn CipherSuiteProvider,
        x: NodeIndex,
        path_secret: &Secret,
    ) -> Result<Vec<u8>, Error> {
        let (private, public) = node_key_pair(suite, path_secret)?;
        self.keys.insert(x, private);
        Ok(public)
    }

    /// Nodes whose keys are held.
    pub fn nodes(&self) -> impl Iterator<Item = NodeIndex> + '_ {
        self.keys.keys().copied()
    }

    /// Drops keys of nodes no longer on `leaf`'s direct path or now blank.
    pub(crate) fn prune(&mut self, tree: &PublicTree, leaf: NodeIndex) {
        self.retain_path(tree, leaf);
    }

    /// Drops keys of nodes no longer on `leaf`'s direct path or now blank.
    fn retain_path(&mut self, tree: &PublicTree, leaf: NodeIndex) {
        let path = tree.size().direct_path(leaf).unwrap_or_default();
        self.keys
            .retain(|x, _| (*x == leaf || path.contains(x)) && tree.node(*x).is_some());
    }
}

/// `DeriveKeyPair(DeriveSecret(path_secret, "node"))` (§7.4).
fn node_key_pair(
    suite: &dyn CipherSuiteProvider,
    path_secret: &Secret,
) -> Result<(HpkePrivateKey, Vec<u8>), Error> {
    let node_secret = derive_secret(suite, path_secret.as_bytes(), "node")?;
    Ok(suite.kem_derive_key_pair(node_secret.as_bytes())?)
}

/// `path_secret[n] = DeriveSecret(path_secret[n-1], "path")`; also the
/// commit secret from the last path secret (§7.4, §8).
fn next_path_secret(suite: &dyn CipherSuiteProvider, s: &Secret) -> Result<Secret, Error> {
    derive_secret(suite, s.as_bytes(), "path")
}

/// What creating an UpdatePath produced.
#[derive(Debug)]
pub struct CreatedPath {
    /// The UpdatePath to send.
    pub update_path: UpdatePath,
    /// `commit_secret` for the key schedule.
    pub commit_secret: Secret,
    /// The committer's new private keys (leaf and filtered direct path).
    pub private_keys: TreePrivateKeys,
    /// Path secret per filtered-direct-path node, for the joiners' Welcome.
    pub path_secrets: Vec<(NodeIndex, Secret)>,
}

/// The filtered path's new parent nodes (unmerged leaves emptied) with
/// their parent hashes, computed top down (§7.5, §7.9), and the parent hash
/// the sender's leaf must carry. The tree is only read: the copath children
/// are not on the sender's path, so their tree hashes are the same before
/// and after the merge (the `&mut` is for the hash cache alone).
fn new_path_nodes(
    tree: &mut PublicTree,
    suite: &dyn CipherSuiteProvider,
    path: &[(NodeIndex, NodeIndex)],
    keys: &[VarBytes],
) -> Result<(Vec<(NodeIndex, ParentNode)>, VarBytes), Error> {
    // Each node's parent_hash is the parent hash of the node above it on
    // the filtered path; the topmost gets an empty one.
    let mut nodes = Vec::with_capacity(path.len());
    let mut above = VarBytes::default();
    for ((p, copath_child), key) in path.iter().zip(keys).rev() {
        let node = ParentNode {
            encryption_key: key.clone(),
            parent_hash: above,
            unmerged_leaves: VarVec::default(),
        };
        let sibling_hash = tree.node_tree_hash(suite, *copath_child)?;
        above = VarBytes::new(parent_hash(suite, &node, &sibling_hash)?);
        nodes.push((*p, node));
    }
    Ok((nodes, above))
}

/// Blanks the sender's direct path, sets the new path nodes and the leaf.
fn apply_path(
    tree: &mut PublicTree,
    sender: NodeIndex,
    nodes: Vec<(NodeIndex, ParentNode)>,
    leaf: LeafNode,
) -> Result<(), Error> {
    for p in tree.size().direct_path(sender).unwrap_or_default() {
        if tree.node(p).is_some() {
            tree.set_node(p, None)?;
        }
    }
    for (p, node) in nodes {
        tree.set_node(p, Some(Node::Parent(node)))?;
    }
    tree.set_node(sender, Some(Node::Leaf(leaf)))
}

/// The resolution of `x` without the leaves of `excluded` (joiners of this
/// commit, §7.6).
/// `excluded` must be sorted (see [`sorted_nodes`]): a commit adding
/// thousands of members would otherwise cost resolution × joiners.
fn resolution_excluding(tree: &PublicTree, x: NodeIndex, excluded: &[NodeIndex]) -> Vec<NodeIndex> {
    let mut resolution = tree.resolution(x);
    if !excluded.is_empty() {
        resolution.retain(|n| excluded.binary_search(n).is_err());
    }
    resolution
}

/// The node indices of `leaves`, sorted for [`resolution_excluding`].
fn sorted_nodes(leaves: &[LeafIndex]) -> Vec<NodeIndex> {
    let mut nodes: Vec<NodeIndex> = leaves.iter().filter_map(|l| l.node()).collect();
    nodes.sort_unstable();
    nodes
}

/// Creates an UpdatePath from `sender` (§7.4–§7.6) and merges it into
/// `tree`. `leaf` is the committer's new leaf content (credential,
/// capabilities, extensions); its encryption key, signature key, source,
/// parent hash and signature are set here. `provisional` is the new epoch's
/// GroupContext; its `tree_hash` is set here to the merged tree's hash,
/// and the path secrets are encrypted under it. Leaves in `excluded` (the
/// commit's joiners) receive nothing.
#[allow(clippy::too_many_arguments)]
pub fn create_update_path(
    tree: &mut PublicTree,
    suite: &dyn CipherSuiteProvider,
    rand: &dyn RandProvider,
    signer: &dyn Signer,
    sender: LeafIndex,
    mut leaf: LeafNode,
    excluded: &[LeafIndex],
    provisional: &mut GroupContext,
) -> Result<CreatedPath, Error> {
    let sender_node = tree.leaf_node_index(sender)?;
    let path = tree.filtered_direct_path(sender)?;
    let excluded_nodes = sorted_nodes(excluded);
    // path_secret[0] is random, then path_secret[n] = DeriveSecret(.., "path").
    let mut secrets = Vec::with_capacity(path.len());
    let mut current = Secret::new(random_bytes(rand, suite.hash_len())?);
    let mut private_keys = TreePrivateKeys::default();
    let mut public_keys = Vec::with_capacity(path.len());
    for (p, _) in &path {
        public_keys.push(VarBytes::new(
            private_keys.insert_path_secret(suite, *p, &current)?,
        ));
        let next = next_path_secret(suite, &current)?;
        secrets.push((*p, std::mem::replace(&mut current, next)));
    }
    // One step past the last path secret: the commit secret (§8).
    let commit_secret = current;
    let (leaf_priv, leaf_pub) = generate_hpke_key_pair(suite, rand)?;
    private_keys.keys.insert(sender_node, leaf_priv);

    let (new_nodes, leaf_parent_hash) = new_path_nodes(tree, suite, &path, &public_keys)?;
    leaf.encryption_key = VarBytes::new(leaf_pub);
    leaf.signature_key = VarBytes::from(signer.public_key());
    leaf.leaf_node_source = LeafNodeSource::Commit(leaf_parent_hash);
    let tbs_context = LeafNodeTbsContext {
        group_id: provisional.group_id.as_slice(),
        leaf_index: sender,
    };
    leaf.sign(signer, suite, Some(tbs_context))?;
    apply_path(tree, sender_node, new_nodes, leaf.clone())?;
    provisional.tree_hash = VarBytes::new(tree.tree_hash(suite)?);
    let context = encode(&*provisional)?;

    let mut nodes = Vec::with_capacity(path.len());
    for (((_, copath_child), key), (_, secret)) in path.iter().zip(public_keys).zip(&secrets) {
        let mut encrypted = Vec::new();
        for r in resolution_excluding(tree, *copath_child, &excluded_nodes) {
            let public = node_public_key(tree, r)?;
            let ct = encrypt_with_label(
                suite,
                public,
                "UpdatePathNode",
                &context,
                secret.as_bytes(),
                rand,
            )?;
            encrypted.push(HpkeCiphertextWire::from(ct));
        }
        nodes.push(UpdatePathNode {
            encryption_key: key,
            encrypted_path_secret: VarVec::new(encrypted),
        });
    }
    Ok(CreatedPath {
        update_path: UpdatePath {
            leaf_node: leaf,
            nodes: VarVec::new(nodes),
        },
        commit_secret,
        private_keys,
        path_secrets: secrets,
    })
}

fn node_public_key(tree: &PublicTree, x: NodeIndex) -> Result<&[u8], Error> {
    match tree.node(x) {
        Some(Node::Leaf(l)) => Ok(l.encryption_key.as_slice()),
        Some(Node::Parent(p)) => Ok(p.encryption_key.as_slice()),
        None => Err(Error::Internal("resolution holds a blank node")),
    }
}

/// Merges another member's UpdatePath into `tree` (§7.5): checks its length
/// against the sender's filtered direct path and the number of ciphertexts
/// per node against the copath resolutions (without `excluded`), sets the
/// new keys, and verifies the parent hash in the new leaf (§7.9.2). The
/// leaf's own validation (signature, source, capabilities) is the caller's
/// (`leaf_validation`). Every check runs before the tree changes, so a
/// rejected path leaves it as it was.
pub fn merge_update_path(
    tree: &mut PublicTree,
    suite: &dyn CipherSuiteProvider,
    sender: LeafIndex,
    update_path: &UpdatePath,
    excluded: &[LeafIndex],
) -> Result<(), Error> {
    let sender_node = tree.leaf_node_index(sender)?;
    let excluded_nodes = sorted_nodes(excluded);
    if tree.leaf(sender).is_none() {
        return Err(ProtocolError::BlankOrMissingLeaf(sender.0).into());
    }
    let path = tree.filtered_direct_path(sender)?;
    let nodes = update_path.nodes.as_slice();
    if nodes.len() != path.len() {
        return Err(ProtocolError::UpdatePathLength {
            expected: path.len(),
            actual: nodes.len(),
        }
        .into());
    }
    for ((p, copath_child), node) in path.iter().zip(nodes) {
        let expected = resolution_excluding(tree, *copath_child, &excluded_nodes).len();
        let actual = node.encrypted_path_secret.as_slice().len();
        if expected != actual {
            return Err(ProtocolError::EncryptedPathSecretCount {
                node: p.0,
                expected,
                actual,
            }
            .into());
        }
    }
    let LeafNodeSource::Commit(claimed) = &update_path.leaf_node.leaf_node_source else {
        return Err(ProtocolError::WrongLeafNodeSource {
            found: update_path.leaf_node.leaf_node_source.name(),
            expected: "commit, in an UpdatePath",
        }
        .into());
    };
    let keys: Vec<VarBytes> = nodes.iter().map(|n| n.encryption_key.clone()).collect();
    let (new_nodes, computed) = new_path_nodes(tree, suite, &path, &keys)?;
    if computed != *claimed {
        return Err(ProtocolError::LeafParentHashMismatch.into());
    }
    apply_path(tree, sender_node, new_nodes, update_path.leaf_node.clone())
}

/// What decrypting an UpdatePath gave us.
#[derive(Debug)]
pub struct DecryptedPath {
    /// The path secret decrypted (for the lowest path node above us).
    pub path_secret: Secret,
    /// `commit_secret` for the key schedule.
    pub commit_secret: Secret,
}

/// Decrypts our path secret from a merged UpdatePath (§7.5) and derives
/// the keys above it, checking each public key against the tree. `keys`
/// gains the new path keys and loses replaced ones.
///
/// `tree` is the tree after [`merge_update_path`]; `provisional` the new
/// epoch's GroupContext with that tree's hash.
#[allow(clippy::too_many_arguments)]
pub fn decrypt_update_path(
    tree: &PublicTree,
    suite: &dyn CipherSuiteProvider,
    sender: LeafIndex,
    update_path: &UpdatePath,
    excluded: &[LeafIndex],
    me: LeafIndex,
    keys: &mut TreePrivateKeys,
    provisional: &GroupContext,
) -> Result<DecryptedPath, Error> {
    let path = tree.filtered_direct_path(sender)?;
    let my_node = tree.leaf_node_index(me)?;
    // The first node whose copath child holds our leaf.
    let position = path
        .iter()
        .position(|(_, c)| tree.is_descendant(*c, me))
        .ok_or(ProtocolError::NoPathSecretForUs)?;
    let (_, copath_child) = path.get(position).ok_or(Error::Internal("path position"))?;
    let node = update_path
        .nodes
        .as_slice()
        .get(position)
        .ok_or(ProtocolError::NoPathSecretForUs)?;
    let resolution = resolution_excluding(tree, *copath_child, &sorted_nodes(excluded));
    let (index, private) = resolution
        .iter()
        .enumerate()
        .find_map(|(i, r)| keys.get(*r).map(|k| (i, k)))
        .ok_or(ProtocolError::NoPathSecretForUs)?;
    let ct = node
        .encrypted_path_secret
        .as_slice()
        .get(index)
        .ok_or(ProtocolError::NoPathSecretForUs)?;
    let context = encode(provisional)?;
    let decrypted = decrypt_with_label(
        suite,
        private,
        "UpdatePathNode",
        &context,
        ct.kem_output.as_slice(),
        ct.ciphertext.as_slice(),
    )
    .map_err(crate::error::undecryptable_error("UpdatePath secret"))?;
    let mut secret = decrypted.clone();
    let mut derived = Vec::new();
    for (p, _) in path.iter().skip(position) {
        let (private, public) = node_key_pair(suite, &secret)?;
        if node_public_key(tree, *p)? != public.as_slice() {
            return Err(ProtocolError::PathPublicKeyMismatch(p.0).into());
        }
        derived.push((*p, private));
        secret = next_path_secret(suite, &secret)?;
    }
    // All checks passed: replace the keys.
    for (p, private) in derived {
        keys.keys.insert(p, private);
    }
    keys.retain_path(tree, my_node);
    Ok(DecryptedPath {
        path_secret: decrypted,
        commit_secret: secret,
    })
}

/// The path keys from a path secret received in a Welcome for node `x`
/// (§12.4.3.1): derives upward from `x` through the non-blank nodes,
/// checking each public key; `keys` changes only if all match.
pub fn keys_from_path_secret(
    tree: &PublicTree,
    suite: &dyn CipherSuiteProvider,
    x: NodeIndex,
    path_secret: Secret,
    keys: &mut TreePrivateKeys,
) -> Result<(), Error> {
    let mut secret = path_secret;
    let mut node = Some(x);
    let mut derived = Vec::new();
    while let Some(p) = node {
        if tree.node(p).is_some() {
            let (private, public) = node_key_pair(suite, &secret)?;
            if node_public_key(tree, p)? != public.as_slice() {
                return Err(ProtocolError::PathPublicKeyMismatch(p.0).into());
            }
            derived.push((p, private));
            secret = next_path_secret(suite, &secret)?;
        }
        node = tree.size().parent(p);
    }
    // Every key checked: only now are they kept.
    keys.keys.extend(derived);
    Ok(())
}
