//! The secret tree (RFC 9420 §9): per-sender handshake and application
//! ratchets derived from the epoch's `encryption_secret`.
//!
//! The tree is derived lazily. Only the secrets still needed are held: a node
//! secret is deleted as soon as its children are derived, and a leaf secret
//! as soon as its two ratchets are (§9.2). A tree of 50,000 leaves therefore
//! costs memory for the senders seen, not for the group.
//!
//! Receiving is two-step so that a message that fails to decrypt (forged,
//! replayed, corrupted) leaves every ratchet as it was:
//! [`SecretTree::key_for_receiving`] computes the key and the ratchet state
//! that would follow without changing the tree, and
//! [`SecretTree::commit_received`] keeps that state once the AEAD has
//! accepted the message.

mod ratchet;
pub(crate) mod stored;

use crate::crypto::{derive_tree_secret, expand_with_label};
use crate::error::{Error, Misuse};
use crate::key_schedule::nh;
use crate::provider::CipherSuiteProvider;
use crate::secret::Secret;
use crate::tree_math::{LeafIndex, NodeIndex, TreeSize};
use ratchet::HashRatchet;
use std::collections::{BTreeMap, VecDeque};

/// Bounds on out-of-order delivery (§9.2). The defaults keep a message that
/// arrives up to 1,000 generations early, 32 skipped keys per sender and
/// ratchet, and one past epoch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OutOfOrderPolicy {
    /// How far ahead of the next expected generation a message may be.
    /// Beyond it the message is rejected before any key is derived.
    pub max_forward_jump: u32,
    /// How many keys of skipped generations each ratchet keeps for late
    /// messages. 0 rejects every message that arrives after a later one.
    pub max_skipped_keys: u32,
    /// How many past epochs keep their secret trees so that a message sent
    /// just before a commit can still be read. 0 deletes an epoch's keys as
    /// soon as the next epoch starts (strict forward secrecy).
    pub past_epochs: u32,
}

impl Default for OutOfOrderPolicy {
    fn default() -> Self {
        Self {
            max_forward_jump: 1_000,
            max_skipped_keys: 32,
            past_epochs: 1,
        }
    }
}

/// Which of a sender's two ratchets (§9.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RatchetKind {
    /// Proposals and commits.
    Handshake,
    /// Application data.
    Application,
}

impl RatchetKind {
    /// `"handshake"` or `"application"`, the §9 labels.
    pub fn name(self) -> &'static str {
        match self {
            RatchetKind::Handshake => "handshake",
            RatchetKind::Application => "application",
        }
    }
}

/// An AEAD key and nonce for one generation of one ratchet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MessageKey {
    /// `ratchet_key_[i]_[j]`, `AEAD.Nk` bytes.
    pub key: Secret,
    /// `ratchet_nonce_[i]_[j]`, `AEAD.Nn` bytes.
    pub nonce: Secret,
}

impl MessageKey {
    /// `DeriveTreeSecret(secret, "key" / "nonce", generation, AEAD.Nk / AEAD.Nn)` (§9.1).
    fn derive(
        suite: &dyn CipherSuiteProvider,
        secret: &Secret,
        generation: u32,
    ) -> Result<Self, Error> {
        let nk = u16::try_from(suite.aead_key_len()).map_err(|_| Misuse::TooLarge("AEAD key"))?;
        let nn =
            u16::try_from(suite.aead_nonce_len()).map_err(|_| Misuse::TooLarge("AEAD nonce"))?;
        Ok(Self {
            key: derive_tree_secret(suite, secret.as_bytes(), "key", generation, nk)?,
            nonce: derive_tree_secret(suite, secret.as_bytes(), "nonce", generation, nn)?,
        })
    }
}

/// A sender's two ratchets.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct LeafRatchets {
    handshake: HashRatchet,
    application: HashRatchet,
}

impl LeafRatchets {
    fn get(&self, kind: RatchetKind) -> &HashRatchet {
        match kind {
            RatchetKind::Handshake => &self.handshake,
            RatchetKind::Application => &self.application,
        }
    }

    fn get_mut(&mut self, kind: RatchetKind) -> &mut HashRatchet {
        match kind {
            RatchetKind::Handshake => &mut self.handshake,
            RatchetKind::Application => &mut self.application,
        }
    }
}

/// What deriving a leaf's ratchets does to the tree: node secrets consumed
/// and sibling secrets created, in order.
type NodeChanges = Vec<(NodeIndex, Option<Secret>)>;

/// The state a successful receive leaves behind; pass it to
/// [`SecretTree::commit_received`] once the message has decrypted.
#[derive(Debug)]
#[must_use = "the ratchet only moves when the pending state is committed"]
pub struct PendingRatchet {
    leaf: LeafIndex,
    kind: RatchetKind,
    ratchet: HashRatchet,
    /// Set when the leaf's ratchets were first derived by this receive.
    fresh_leaf: Option<(LeafRatchets, NodeChanges)>,
    /// The tree's `changes` count when this was computed.
    base: u64,
}

/// A part of the secret tree that a change touched, with the value it had
/// before (`None`: absent). The journal of these is what a transaction
/// writes to storage, and what undoes the change if the write fails.
#[derive(Clone, Debug)]
pub(crate) enum Touched {
    /// A node secret.
    Node(NodeIndex, Option<Secret>),
    /// A leaf's ratchets.
    Leaf(LeafIndex, Option<LeafRatchets>),
}

/// Keys of our own application ratchet derived ahead of use, with their
/// generations, so that one storage write covers several messages (see
/// [`SecretTree::set_sending_reservation`]). The stored ratchet is already
/// past them: a key here is never in storage, and a reload skips them.
#[derive(Debug)]
struct Reserved {
    leaf: LeafIndex,
    keys: VecDeque<(u32, MessageKey)>,
}

/// The most application generations one write may reserve: a bound on the
/// keys held in memory and on the gap a receiver sees after a reload.
pub const MAX_SENDING_RESERVATION: u32 = 1_024;

/// The secret tree of one epoch (§9).
#[derive(Debug)]
pub struct SecretTree {
    size: TreeSize,
    /// Node secrets not yet consumed; initially just the root.
    nodes: BTreeMap<NodeIndex, Secret>,
    /// Ratchets of the leaves derived so far.
    leaves: BTreeMap<LeafIndex, LeafRatchets>,
    policy: OutOfOrderPolicy,
    /// Counts changes, so a pending receive computed before another change
    /// is refused instead of undoing that change.
    changes: u64,
    /// When recording, every touched node and leaf with its old value.
    journal: Option<Vec<Touched>>,
    /// How many application generations a send derives at once (1: one).
    reservation: u32,
    /// The keys derived ahead and not yet used.
    reserved: Option<Reserved>,
}

/// A copy holds the same secrets but no reserved keys: two copies sending
/// from one reservation would reuse a generation (a nonce under one key).
/// The copy's stored ratchet is already past the original's reservation.
impl Clone for SecretTree {
    fn clone(&self) -> Self {
        Self {
            size: self.size,
            nodes: self.nodes.clone(),
            leaves: self.leaves.clone(),
            policy: self.policy,
            changes: self.changes,
            journal: self.journal.clone(),
            reservation: self.reservation,
            reserved: None,
        }
    }
}

/// Two trees are equal if they hold the same secrets; the change counter,
/// the journal and the keys reserved in memory are bookkeeping.
impl PartialEq for SecretTree {
    fn eq(&self, other: &Self) -> bool {
        self.size == other.size
            && self.nodes == other.nodes
            && self.leaves == other.leaves
            && self.policy == other.policy
    }
}

impl Eq for SecretTree {}

impl SecretTree {
    /// A tree over `size` leaves whose root secret is `encryption_secret`.
    pub fn new(encryption_secret: Secret, size: TreeSize, policy: OutOfOrderPolicy) -> Self {
        let mut nodes = BTreeMap::new();
        nodes.insert(size.root(), encryption_secret);
        Self {
            size,
            nodes,
            leaves: BTreeMap::new(),
            policy,
            changes: 0,
            journal: None,
            reservation: 1,
            reserved: None,
        }
    }

    /// A tree from its stored parts: the node secrets not yet consumed and
    /// the ratchets of the leaves derived so far.
    pub(crate) fn from_stored(
        size: TreeSize,
        nodes: BTreeMap<NodeIndex, Secret>,
        leaves: BTreeMap<LeafIndex, LeafRatchets>,
        policy: OutOfOrderPolicy,
    ) -> Self {
        Self {
            size,
            nodes,
            leaves,
            policy,
            changes: 0,
            journal: None,
            reservation: 1,
            reserved: None,
        }
    }

    /// The node secrets held, by node.
    pub(crate) fn node_secrets(&self) -> &BTreeMap<NodeIndex, Secret> {
        &self.nodes
    }

    /// The ratchets of the leaves derived so far.
    pub(crate) fn leaf_ratchets(&self) -> &BTreeMap<LeafIndex, LeafRatchets> {
        &self.leaves
    }

    /// Sets how many generations of our application ratchet a send derives
    /// at once (0 and 1: one; at most [`MAX_SENDING_RESERVATION`]). The
    /// ratchet moves past all of them in one change, so the group writes
    /// to storage once per that many messages; the keys not yet used stay
    /// in memory only, and are skipped if the group is reloaded.
    pub fn set_sending_reservation(&mut self, generations: u32) {
        self.reservation = generations.clamp(1, MAX_SENDING_RESERVATION);
        self.reserved = None;
    }

    /// The reservation set by
    /// [`set_sending_reservation`](Self::set_sending_reservation).
    pub fn sending_reservation(&self) -> u32 {
        self.reservation
    }

    /// Deletes the keys reserved and not yet used; their generations are
    /// never sent.
    pub(crate) fn drop_reserved(&mut self) {
        self.reserved = None;
    }

    /// How many reserved keys are held (tests and diagnostics).
    pub fn reserved_keys(&self) -> usize {
        self.reserved.as_ref().map_or(0, |r| r.keys.len())
    }

    /// Whether the journal holds changes not yet taken.
    pub(crate) fn has_journal_entries(&self) -> bool {
        self.journal.as_ref().is_some_and(|j| !j.is_empty())
    }

    pub(crate) fn is_journaling(&self) -> bool {
        self.journal.is_some()
    }

    /// Starts (or stops) recording touched nodes and leaves.
    pub(crate) fn set_journaling(&mut self, on: bool) {
        self.journal = on.then(Vec::new);
    }

    /// The touched nodes and leaves since the last call, in order; recording
    /// goes on.
    pub(crate) fn take_journal(&mut self) -> Vec<Touched> {
        self.journal
            .as_mut()
            .map(std::mem::take)
            .unwrap_or_default()
    }

    /// Puts back the values `journal` recorded, newest first.
    pub(crate) fn rollback(&mut self, journal: Vec<Touched>) {
        self.changes = self.changes.wrapping_add(1);
        // Keys reserved by the change being undone must not outlive it.
        self.reserved = None;
        for touched in journal.into_iter().rev() {
            match touched {
                Touched::Node(x, Some(secret)) => {
                    self.nodes.insert(x, secret);
                }
                Touched::Node(x, None) => {
                    self.nodes.remove(&x);
                }
                Touched::Leaf(leaf, Some(ratchets)) => {
                    self.leaves.insert(leaf, ratchets);
                }
                Touched::Leaf(leaf, None) => {
                    self.leaves.remove(&leaf);
                }
            }
        }
    }

    fn record_leaf(&mut self, leaf: LeafIndex) {
        if let Some(journal) = self.journal.as_mut() {
            journal.push(Touched::Leaf(leaf, self.leaves.get(&leaf).cloned()));
        }
    }

    /// The tree's width in leaves.
    pub fn size(&self) -> TreeSize {
        self.size
    }

    /// The out-of-order bounds in force.
    pub fn policy(&self) -> &OutOfOrderPolicy {
        &self.policy
    }

    /// Node secrets still held (tests of the deletion schedule).
    pub fn held_node_secrets(&self) -> usize {
        self.nodes.len()
    }

    /// Skipped keys held for `leaf`'s ratchet (tests and diagnostics).
    pub fn skipped_keys(&self, leaf: LeafIndex, kind: RatchetKind) -> usize {
        self.leaves
            .get(&leaf)
            .map_or(0, |r| r.get(kind).skipped_len())
    }

    fn check_leaf(&self, leaf: LeafIndex) -> Result<NodeIndex, Error> {
        leaf.node()
            .filter(|n| self.size.contains(*n))
            .ok_or_else(|| {
                Misuse::LeafOutOfRange {
                    leaf: leaf.0,
                    leaf_count: self.size.leaf_count(),
                }
                .into()
            })
    }

    /// Derives `leaf`'s ratchets from the nearest ancestor still holding a
    /// secret, without changing the tree (§9: "tree" left/right, then
    /// "handshake"/"application").
    fn derive_leaf(
        &self,
        suite: &dyn CipherSuiteProvider,
        leaf: LeafIndex,
    ) -> Result<(LeafRatchets, NodeChanges), Error> {
        let target = self.check_leaf(leaf)?;
        let nh = nh(suite)?;
        // The ancestor holding a secret: the leaf itself or on its direct path.
        let mut path = vec![target];
        path.extend(
            self.size
                .direct_path(target)
                .ok_or(Error::Internal("direct path of a leaf in the tree"))?,
        );
        let (start, mut secret) = path
            .iter()
            .find_map(|n| self.nodes.get(n).map(|s| (*n, s.clone())))
            .ok_or(Error::Internal(
                "secret tree holds no secret above this leaf",
            ))?;
        let mut changes: NodeChanges = vec![(start, None)];
        let mut node = start;
        while node != target {
            let left = self.size.left(node).ok_or(Error::Internal("left child"))?;
            let right = self
                .size
                .right(node)
                .ok_or(Error::Internal("right child"))?;
            let left_secret = expand_with_label(suite, secret.as_bytes(), "tree", b"left", nh)?;
            let right_secret = expand_with_label(suite, secret.as_bytes(), "tree", b"right", nh)?;
            let (next, next_secret, sibling, sibling_secret) = if target < node {
                (left, left_secret, right, right_secret)
            } else {
                (right, right_secret, left, left_secret)
            };
            changes.push((sibling, Some(sibling_secret)));
            node = next;
            secret = next_secret;
        }
        let ratchets = LeafRatchets {
            handshake: HashRatchet::new(expand_with_label(
                suite,
                secret.as_bytes(),
                "handshake",
                &[],
                nh,
            )?),
            application: HashRatchet::new(expand_with_label(
                suite,
                secret.as_bytes(),
                "application",
                &[],
                nh,
            )?),
        };
        Ok((ratchets, changes))
    }

    fn apply(&mut self, changes: NodeChanges) {
        for (node, secret) in changes {
            if let Some(journal) = self.journal.as_mut() {
                journal.push(Touched::Node(node, self.nodes.get(&node).cloned()));
            }
            match secret {
                Some(s) => {
                    self.nodes.insert(node, s);
                }
                None => {
                    self.nodes.remove(&node);
                }
            }
        }
    }

    fn leaf_ratchets_mut(
        &mut self,
        suite: &dyn CipherSuiteProvider,
        leaf: LeafIndex,
    ) -> Result<&mut LeafRatchets, Error> {
        self.changes = self.changes.wrapping_add(1);
        self.record_leaf(leaf);
        if !self.leaves.contains_key(&leaf) {
            let (ratchets, changes) = self.derive_leaf(suite, leaf)?;
            self.apply(changes);
            self.leaves.insert(leaf, ratchets);
        }
        self.leaves
            .get_mut(&leaf)
            .ok_or(Error::Internal("leaf ratchets just inserted"))
    }

    /// The key for our next message from `leaf`: its generation and the key,
    /// which is consumed (deleted from the tree) at once.
    ///
    /// For application messages the ratchet may move several generations
    /// at once (the [reservation](Self::set_sending_reservation)): the
    /// following calls then take the keys held in memory and change
    /// nothing that is stored, so they touch no journal.
    pub fn next_sending_key(
        &mut self,
        suite: &dyn CipherSuiteProvider,
        leaf: LeafIndex,
        kind: RatchetKind,
    ) -> Result<(u32, MessageKey), Error> {
        if kind == RatchetKind::Handshake || self.reservation <= 1 {
            return self
                .leaf_ratchets_mut(suite, leaf)?
                .get_mut(kind)
                .next_for_sending(suite);
        }
        if let Some(next) = self
            .reserved
            .as_mut()
            .filter(|r| r.leaf == leaf)
            .and_then(|r| r.keys.pop_front())
        {
            return Ok(next);
        }
        self.reserved = None;
        let reservation = self.reservation;
        let ratchet = self.leaf_ratchets_mut(suite, leaf)?.get_mut(kind);
        let first = ratchet.next_for_sending(suite)?;
        // Generations up to u32::MAX exist; the reservation stops there.
        let left = (u64::from(u32::MAX) + 1).saturating_sub(ratchet.next);
        let more = u64::from(reservation.saturating_sub(1)).min(left);
        let mut keys = VecDeque::with_capacity(usize::try_from(more).unwrap_or(0));
        for _ in 0..more {
            keys.push_back(ratchet.next_for_sending(suite)?);
        }
        self.reserved = Some(Reserved { leaf, keys });
        Ok(first)
    }

    /// The key for a message from `leaf` at `generation`, and the state to
    /// commit if it decrypts. The tree is not changed. Errors name the rule:
    /// a replay, a generation too old or too far ahead.
    pub fn key_for_receiving(
        &self,
        suite: &dyn CipherSuiteProvider,
        leaf: LeafIndex,
        kind: RatchetKind,
        generation: u32,
    ) -> Result<(MessageKey, PendingRatchet), Error> {
        let (fresh_leaf, current) = match self.leaves.get(&leaf) {
            Some(r) => (None, r.get(kind).clone()),
            None => {
                let (ratchets, changes) = self.derive_leaf(suite, leaf)?;
                let current = ratchets.get(kind).clone();
                (Some((ratchets, changes)), current)
            }
        };
        let (key, ratchet) = current.for_receiving(suite, generation, kind, &self.policy)?;
        Ok((
            key,
            PendingRatchet {
                leaf,
                kind,
                ratchet,
                fresh_leaf,
                base: self.changes,
            },
        ))
    }

    /// Keeps the ratchet state of a receive whose message decrypted: the used
    /// key and the secrets it was derived from are gone from the tree.
    ///
    /// Fails with [`Misuse::StalePendingRatchet`] if the tree changed since
    /// the pending state was computed; committing it would bring back keys
    /// that were used in between.
    pub fn commit_received(&mut self, pending: PendingRatchet) -> Result<(), Error> {
        let PendingRatchet {
            leaf,
            kind,
            ratchet,
            fresh_leaf,
            base,
        } = pending;
        if base != self.changes {
            return Err(Misuse::StalePendingRatchet.into());
        }
        self.changes = self.changes.wrapping_add(1);
        self.record_leaf(leaf);
        if kind == RatchetKind::Application
            && self.reserved.as_ref().is_some_and(|r| r.leaf == leaf)
        {
            self.reserved = None;
        }
        if let Some((ratchets, changes)) = fresh_leaf {
            self.apply(changes);
            self.leaves.insert(leaf, ratchets);
        }
        let slot = self
            .leaves
            .get_mut(&leaf)
            .ok_or(Error::Internal("leaf ratchets of a pending receive"))?;
        *slot.get_mut(kind) = ratchet;
        Ok(())
    }
}

#[cfg(test)]
mod reservation_tests;
#[cfg(test)]
mod tests;
