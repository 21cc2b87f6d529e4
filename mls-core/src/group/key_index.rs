//! An index of the public keys in a group's tree, so the uniqueness rules
//! of §7.3 and §12.4.2 cost a hash lookup per key instead of a scan of
//! every leaf.

use crate::credential::CredentialType;
use crate::tree::leaf_node::LeafNode;
use crate::tree::leaf_validation::{LeafKeysInUse, MemberCredentialTypes};
use crate::tree::node::Node;
use crate::tree::public_tree::PublicTree;
use crate::tree_math::{LeafIndex, NodeIndex};
use hashbrown::HashTable;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::hash::{BuildHasher, RandomState};

/// Where each signature and encryption key of the tree sits.
///
/// The index holds no key bytes: a slot is a key's hash and the node that
/// held the key when it was indexed, and a lookup compares the key with
/// that node of the tree it is given. A copy of every key, one allocation
/// each, was a sixth of what a member held after joining 10,000. The hash is
/// keyed per index (SipHash, `RandomState`), so keys chosen by a peer
/// cannot pile into one bucket.
#[derive(Clone, Default)]
pub(crate) struct KeyIndex {
    hasher: RandomState,
    /// Signature keys, at their leaf index.
    signature: HashTable<Slot>,
    /// Encryption keys, at their node index (leaves and parents).
    encryption: HashTable<Slot>,
}

/// One indexed key. The hash is kept so the table can grow without
/// reading the tree.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Slot {
    hash: u64,
    at: u32,
}

impl KeyIndex {
    /// Indexes every node of `tree` (O(N), on create and join).
    pub(crate) fn build(tree: &PublicTree) -> Self {
        let mut index = Self::default();
        for (x, node) in tree.nodes() {
            index.replace(x, None, Some(node));
        }
        index
    }

    /// Updates the index for node `x` changing from `old` to `new`.
    pub(crate) fn replace(&mut self, x: NodeIndex, old: Option<&Node>, new: Option<&Node>) {
        if let Some(old) = old {
            let (sig, enc) = keys(old);
            if let (Some(sig), Some(leaf)) = (sig, x.leaf()) {
                let hash = self.hasher.hash_one(sig);
                remove(&mut self.signature, hash, leaf.0);
            }
            let hash = self.hasher.hash_one(enc);
            remove(&mut self.encryption, hash, x.0);
        }
        if let Some(new) = new {
            let (sig, enc) = keys(new);
            if let (Some(sig), Some(leaf)) = (sig, x.leaf()) {
                let hash = self.hasher.hash_one(sig);
                insert(&mut self.signature, hash, leaf.0);
            }
            let hash = self.hasher.hash_one(enc);
            insert(&mut self.encryption, hash, x.0);
        }
    }

    /// An indexed leaf that holds `signature_key` in `tree`.
    pub(crate) fn signature_key_leaf(
        &self,
        tree: &PublicTree,
        signature_key: &[u8],
    ) -> Option<u32> {
        let hash = self.hasher.hash_one(signature_key);
        self.signature
            .find(hash, |s| {
                s.hash == hash
                    && tree
                        .leaf(LeafIndex(s.at))
                        .is_some_and(|l| l.signature_key.as_slice() == signature_key)
            })
            .map(|s| s.at)
    }

    /// An indexed node that holds `encryption_key` in `tree`.
    pub(crate) fn encryption_key_node(
        &self,
        tree: &PublicTree,
        encryption_key: &[u8],
    ) -> Option<NodeIndex> {
        let hash = self.hasher.hash_one(encryption_key);
        self.encryption
            .find(hash, |s| {
                s.hash == hash && node_encryption_key(tree, NodeIndex(s.at)) == Some(encryption_key)
            })
            .map(|s| NodeIndex(s.at))
    }

    /// The indexed nodes, sorted: (leaves by signature key, nodes by
    /// encryption key).
    fn positions(&self) -> (Vec<u32>, Vec<u32>) {
        let sorted = |t: &HashTable<Slot>| {
            let mut v: Vec<u32> = t.iter().map(|s| s.at).collect();
            v.sort_unstable();
            v
        };
        (sorted(&self.signature), sorted(&self.encryption))
    }
}

fn insert(table: &mut HashTable<Slot>, hash: u64, at: u32) {
    if table.find(hash, |s| *s == Slot { hash, at }).is_none() {
        table.insert_unique(hash, Slot { hash, at }, |s| s.hash);
    }
}

fn remove(table: &mut HashTable<Slot>, hash: u64, at: u32) {
    if let Ok(entry) = table.find_entry(hash, |s| *s == Slot { hash, at }) {
        entry.remove();
    }
}

/// Two indexes are equal when they index the same nodes: each belongs
/// with a tree, and the keys are that tree's (the hashes are per index).
impl PartialEq for KeyIndex {
    fn eq(&self, other: &Self) -> bool {
        self.positions() == other.positions()
    }
}

impl Eq for KeyIndex {}

/// Counts only: the keys are the tree's.
impl std::fmt::Debug for KeyIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyIndex")
            .field("signature_keys", &self.signature.len())
            .field("encryption_keys", &self.encryption.len())
            .finish()
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
        let indexed = self
            .index
            .encryption_key_node(self.tree, key)
            .is_some_and(|x| !except.contains(&x));
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
        let indexed = k
            .index
            .signature_key_leaf(k.tree, signature_key)
            .is_some_and(|j| j != self.leaf.0);
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
            .encryption_key_node(k.tree, encryption_key)
            .is_some_and(|x| Some(x) != me);
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

#[cfg(test)]
mod tests;
