//! An index of the public keys in a group's tree, so the uniqueness rules
//! of §7.3 and §12.4.2 cost a hash lookup per key instead of a scan of
//! every leaf.

use crate::credential::CredentialType;
use crate::tree::leaf_node::LeafNode;
use crate::tree::leaf_validation::{LeafKeysInUse, MemberCredentialTypes};
use crate::tree::node::Node;
use crate::tree::public_tree::PublicTree;
use crate::tree_math::{LeafIndex, NodeIndex};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Where each signature and encryption key of the tree sits.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct KeyIndex {
    /// `signature_key` → leaf index.
    signature: HashMap<Vec<u8>, u32>,
    /// `encryption_key` → node index (leaves and parents).
    encryption: HashMap<Vec<u8>, u32>,
}

impl KeyIndex {
    /// Indexes every node of `tree` (O(N), on create and join).
    pub(crate) fn build(tree: &PublicTree) -> Self {
        let mut index = Self::default();
        for (leaf, node) in tree.leaves() {
            index
                .signature
                .insert(node.signature_key.as_slice().to_vec(), leaf.0);
            if let Some(x) = leaf.node() {
                index
                    .encryption
                    .insert(node.encryption_key.as_slice().to_vec(), x.0);
            }
        }
        for (x, node) in tree.parents() {
            index
                .encryption
                .insert(node.encryption_key.as_slice().to_vec(), x.0);
        }
        index
    }

    /// Updates the index for node `x` changing from `old` to `new`.
    pub(crate) fn replace(&mut self, x: NodeIndex, old: Option<&Node>, new: Option<&Node>) {
        if let Some(old) = old {
            let (sig, enc) = keys(old);
            if let Some(sig) = sig
                && self.signature.get(sig) == x.leaf().map(|l| l.0).as_ref()
            {
                self.signature.remove(sig);
            }
            if self.encryption.get(enc) == Some(&x.0) {
                self.encryption.remove(enc);
            }
        }
        if let Some(new) = new {
            let (sig, enc) = keys(new);
            if let (Some(sig), Some(leaf)) = (sig, x.leaf()) {
                self.signature.insert(sig.to_vec(), leaf.0);
            }
            self.encryption.insert(enc.to_vec(), x.0);
        }
    }

    /// The leaf holding `signature_key`, per the index.
    pub(crate) fn signature_key_leaf(&self, signature_key: &[u8]) -> Option<u32> {
        self.signature.get(signature_key).copied()
    }

    /// The node holding `encryption_key`, per the index.
    pub(crate) fn encryption_key_node(&self, encryption_key: &[u8]) -> Option<NodeIndex> {
        self.encryption.get(encryption_key).copied().map(NodeIndex)
    }
}

fn keys(node: &Node) -> (Option<&[u8]>, &[u8]) {
    match node {
        Node::Leaf(l) => (
            Some(l.signature_key.as_slice()),
            l.encryption_key.as_slice(),
        ),
        Node::Parent(p) => (None, p.encryption_key.as_slice()),
    }
}

/// The keys in use in a tree being changed by a commit: the index of the
/// tree before the commit, checked against the tree as it is now (so keys
/// of removed or replaced nodes are free), plus the leaves the commit added.
pub(crate) struct ProvisionalKeys<'a> {
    pub(crate) index: &'a KeyIndex,
    pub(crate) tree: &'a PublicTree,
    /// Signature and encryption keys of leaves added or replaced by this
    /// commit, with their leaf.
    pub(crate) new_signature: HashMap<Vec<u8>, u32>,
    pub(crate) new_encryption: HashMap<Vec<u8>, u32>,
}

impl<'a> ProvisionalKeys<'a> {
    pub(crate) fn new(index: &'a KeyIndex, tree: &'a PublicTree) -> Self {
        Self {
            index,
            tree,
            new_signature: HashMap::new(),
            new_encryption: HashMap::new(),
        }
    }

    /// The keys of the leaf `leaf` is about to hold, excluding itself.
    pub(crate) fn for_leaf(&self, leaf: LeafIndex) -> Excluding<'_, 'a> {
        Excluding { keys: self, leaf }
    }

    /// Whether `key` is the encryption key of any node of the tree other
    /// than those under `except` (the committer's leaf and direct path).
    pub(crate) fn encryption_key_in_tree(&self, key: &[u8], except: &[NodeIndex]) -> bool {
        let indexed = self.index.encryption_key_node(key).is_some_and(|x| {
            !except.contains(&x) && node_encryption_key(self.tree, x) == Some(key)
        });
        indexed
            || self
                .new_encryption
                .get(key)
                .is_some_and(|l| LeafIndex(*l).node().is_none_or(|x| !except.contains(&x)))
    }
}

fn node_encryption_key(tree: &PublicTree, x: NodeIndex) -> Option<&[u8]> {
    match tree.node(x)? {
        Node::Leaf(l) => Some(l.encryption_key.as_slice()),
        Node::Parent(p) => Some(p.encryption_key.as_slice()),
    }
}

/// [`ProvisionalKeys`] seen from one leaf: its own keys do not count.
pub(crate) struct Excluding<'k, 'a> {
    keys: &'k ProvisionalKeys<'a>,
    leaf: LeafIndex,
}

impl LeafKeysInUse for Excluding<'_, '_> {
    fn signature_key_in_use(&self, signature_key: &[u8]) -> bool {
        let k = self.keys;
        let indexed = k.index.signature_key_leaf(signature_key).is_some_and(|j| {
            j != self.leaf.0
                && k.tree
                    .leaf(LeafIndex(j))
                    .is_some_and(|l| l.signature_key.as_slice() == signature_key)
        });
        indexed
            || k.new_signature
                .get(signature_key)
                .is_some_and(|j| *j != self.leaf.0)
    }

    fn encryption_key_in_use(&self, encryption_key: &[u8]) -> bool {
        let k = self.keys;
        let me = self.leaf.node();
        let indexed = k
            .index
            .encryption_key_node(encryption_key)
            .is_some_and(|x| {
                Some(x) != me && node_encryption_key(k.tree, x) == Some(encryption_key)
            });
        indexed
            || k.new_encryption
                .get(encryption_key)
                .is_some_and(|j| *j != self.leaf.0)
    }
}

/// The credential types of the members (§7.3), kept between commits.
pub(crate) fn member_credential_types(tree: &PublicTree) -> MemberCredentialTypes {
    MemberCredentialTypes::from_leaves(tree.leaves().map(|(_, l)| l))
}

/// Counts behind [`MemberCredentialTypes`], updated per changed leaf so a
/// commit that adds or removes members does not rescan the tree.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct CredentialCounts {
    members: u32,
    /// Members whose credential has each type.
    in_use: BTreeMap<CredentialType, u32>,
    /// Members listing each type in `capabilities.credentials`.
    supported: BTreeMap<CredentialType, u32>,
}

impl CredentialCounts {
    pub(crate) fn build(tree: &PublicTree) -> Self {
        let mut counts = Self::default();
        for (_, leaf) in tree.leaves() {
            counts.add(leaf, true);
        }
        counts
    }

    /// Counts `leaf` in (`up`) or out.
    fn add(&mut self, leaf: &LeafNode, up: bool) {
        let step = |map: &mut BTreeMap<CredentialType, u32>, t: CredentialType| {
            let n = map.entry(t).or_insert(0);
            *n = if up {
                n.saturating_add(1)
            } else {
                n.saturating_sub(1)
            };
            if *n == 0 {
                map.remove(&t);
            }
        };
        self.members = if up {
            self.members.saturating_add(1)
        } else {
            self.members.saturating_sub(1)
        };
        step(&mut self.in_use, leaf.credential.credential_type());
        // A type listed twice counts once.
        let listed: BTreeSet<CredentialType> = leaf
            .capabilities
            .credentials
            .as_slice()
            .iter()
            .copied()
            .collect();
        for t in listed {
            step(&mut self.supported, t);
        }
    }

    /// Node `x` changed from `old` to `new`.
    pub(crate) fn replace(&mut self, old: Option<&Node>, new: Option<&Node>) {
        if let Some(Node::Leaf(l)) = old {
            self.add(l, false);
        }
        if let Some(Node::Leaf(l)) = new {
            self.add(l, true);
        }
    }

    /// The types as leaf validation needs them.
    pub(crate) fn types(&self) -> MemberCredentialTypes {
        MemberCredentialTypes {
            in_use: self.in_use.keys().copied().collect(),
            supported_by_all: (self.members > 0).then(|| {
                self.supported
                    .iter()
                    .filter(|(_, n)| **n == self.members)
                    .map(|(t, _)| *t)
                    .collect()
            }),
        }
    }
}
