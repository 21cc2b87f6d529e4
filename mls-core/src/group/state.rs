//! The state of a group at one member, and the queries on it.

use super::client::Client;
use super::config::GroupConfig;
use super::key_index::KeyIndex;
use super::pending::{PendingCommit, ProposalCache};
use crate::cipher_suite::CipherSuite;
use crate::credential::Credential;
use crate::error::{Error, Misuse, ProtocolError};
use crate::extensions::{Extensions, ExternalSenders};
use crate::framing::{Content, EpochKeys, FramedContent, MessageProtection, Sender, SenderKeys};
use crate::group::proposal::Proposal;
use crate::key_schedule::{EpochSecrets, GroupContext};
use crate::provider::{CipherSuiteProvider, Provider};
use crate::secret::Secret;
use crate::tree::leaf_node::LeafNode;
use crate::tree::leaf_validation::MemberCredentialTypes;
use crate::tree::node::Node;
use crate::tree::public_tree::PublicTree;
use crate::tree::treekem::TreePrivateKeys;
use crate::tree_math::{LeafIndex, NodeIndex};
use std::collections::{BTreeMap, VecDeque};

/// Per retained past epoch (newest first): what each leaf that changed at
/// the end of that epoch held during it (`None`: blank).
pub(crate) type PastSignatureKeys = VecDeque<(u64, BTreeMap<u32, Option<PastLeaf>>)>;

/// A leaf as it was in a past epoch: the key its messages verify with and
/// the credential they are attributed to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct PastLeaf {
    pub(crate) signature_key: Vec<u8>,
    /// `None` only in a state stored before credentials were kept (format
    /// 1 without the trailing list); such a sender cannot be named.
    pub(crate) credential: Option<Credential>,
}

/// One member of a group, as [`Group::members`] lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Member {
    /// The member's leaf index.
    pub index: u32,
    /// The member's credential.
    pub credential: Credential,
    /// The member's signature public key.
    pub signature_key: Vec<u8>,
}

impl Member {
    pub(crate) fn of_leaf(index: u32, leaf: &LeafNode) -> Self {
        Self {
            index,
            credential: leaf.credential.clone(),
            signature_key: leaf.signature_key.as_slice().to_vec(),
        }
    }
}

/// Why a group can no longer send.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Inactive {
    /// A commit removed us.
    Removed,
    /// A commit carried a ReInit; the successor group is joined by Welcome.
    ReInit(crate::group::proposal::ReInit),
}

/// A group as one member sees it: the current epoch's tree, secrets and
/// GroupContext, message protection for it and a few past epochs, the
/// proposals received in this epoch, and at most one pending commit of ours.
pub struct Group<P: Provider> {
    pub(crate) client: Client<P>,
    pub(crate) config: GroupConfig,
    pub(crate) context: GroupContext,
    pub(crate) tree: PublicTree,
    pub(crate) keys: TreePrivateKeys,
    pub(crate) own_leaf: LeafIndex,
    pub(crate) secrets: EpochSecrets,
    pub(crate) interim_transcript_hash: Vec<u8>,
    pub(crate) confirmation_tag: Vec<u8>,
    pub(crate) protection: MessageProtection,
    pub(crate) key_index: KeyIndex,
    pub(crate) credential_types: MemberCredentialTypes,
    pub(crate) credential_counts: super::key_index::CredentialCounts,
    /// For each retained past epoch, the signature keys of leaves that
    /// changed when it ended, so late messages from that epoch verify
    /// against the key the sender had then.
    pub(crate) past_signature_keys: PastSignatureKeys,
    /// `resumption_psk` of the current and retained past epochs (§8.6).
    pub(crate) resumption_psks: VecDeque<(u64, Secret)>,
    pub(crate) proposals: ProposalCache,
    pub(crate) pending_commit: Option<PendingCommit>,
    /// Private keys of Update proposals we sent this epoch, by public key.
    pub(crate) pending_update_keys: Vec<(Vec<u8>, crate::secret::HpkePrivateKey)>,
    pub(crate) inactive: Option<Inactive>,
    /// The application's rules for this group.
    pub(crate) rules: std::sync::Arc<dyn super::rules::GroupRules>,
    /// The signer of the signature key in our leaf.
    pub(crate) signer: std::sync::Arc<dyn crate::provider::Signer>,
    /// Set while a group joined by external commit waits for the delivery
    /// service to accept the commit: nothing of it is stored until
    /// [`merge_pending_commit`](Group::merge_pending_commit), and nothing
    /// else may be done with it. `Some(true)` for a resync.
    pub(crate) unmerged_external_join: Option<bool>,
    /// The group's write counter as this instance last read or wrote it:
    /// every transaction checks it (one writer per group).
    pub(crate) write_counter: super::persist::WriteCounter,
}

impl<P: Provider> std::fmt::Debug for Group<P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Group")
            .field("group_id", &self.context.group_id)
            .field("epoch", &self.context.epoch)
            .field("cipher_suite", &self.context.cipher_suite)
            .field("own_leaf", &self.own_leaf)
            .field("leaf_count", &self.tree.size().leaf_count())
            .finish_non_exhaustive()
    }
}

/// Each node of `changed` once, with the value it had before its first
/// change (a commit may change a node more than once).
pub(crate) fn first_old_values(
    changed: &[(NodeIndex, Option<Node>)],
) -> BTreeMap<NodeIndex, Option<&Node>> {
    let mut first = BTreeMap::new();
    for (x, old) in changed {
        first.entry(*x).or_insert(old.as_ref());
    }
    first
}

/// Everything that makes up a new epoch, assembled before it replaces the
/// current one.
#[derive(Clone)]
pub(crate) struct NewEpoch {
    pub(crate) context: GroupContext,
    pub(crate) secrets: EpochSecrets,
    pub(crate) keys: TreePrivateKeys,
    pub(crate) own_leaf: LeafIndex,
    pub(crate) interim_transcript_hash: Vec<u8>,
    pub(crate) confirmation_tag: Vec<u8>,
    pub(crate) inactive: Option<Inactive>,
}

impl<P: Provider> Group<P> {
    /// The suite object of the group's cipher suite.
    pub(crate) fn suite(&self) -> Result<&dyn CipherSuiteProvider, Error> {
        self.client.suite(self.context.cipher_suite)
    }

    /// Fails if the group can no longer be used to send.
    pub(crate) fn check_active(&self) -> Result<(), Error> {
        match &self.inactive {
            None => Ok(()),
            Some(Inactive::Removed) => Err(Misuse::GroupInactive("we were removed").into()),
            Some(Inactive::ReInit(_)) => {
                Err(Misuse::GroupInactive("it was re-initialized; join the new group").into())
            }
        }
    }

    /// Replaces the current epoch with `next`, whose tree changes
    /// (`changed`: each changed node with its previous value, as the tree's
    /// journal recorded them) are already in `self.tree`. Cannot fail:
    /// everything was checked. Returns the past epochs' message keys it
    /// dropped, for an undo if the new epoch cannot be stored.
    pub(crate) fn enter_epoch(
        &mut self,
        next: NewEpoch,
        changed: &[(NodeIndex, Option<Node>)],
    ) -> Vec<EpochKeys> {
        let suite_policy = self.config.out_of_order;
        // Signature keys that changed, for late messages of the old epoch.
        let mut changed_keys = BTreeMap::new();
        for (x, old) in first_old_values(changed) {
            let new = self.tree.node(x);
            self.key_index.replace(x, old, new);
            let Some(leaf) = x.leaf() else {
                continue;
            };
            self.credential_counts.replace(old, new);
            changed_keys.insert(
                leaf.0,
                match old {
                    Some(Node::Leaf(l)) => Some(PastLeaf {
                        signature_key: l.signature_key.as_slice().to_vec(),
                        credential: Some(l.credential.clone()),
                    }),
                    _ => None,
                },
            );
        }
        let old_epoch = self.context.epoch;
        self.past_signature_keys
            .push_front((old_epoch, changed_keys));
        let keep = usize::try_from(suite_policy.past_epochs).unwrap_or(usize::MAX);
        self.past_signature_keys.truncate(keep);
        self.credential_types = self.credential_counts.types();
        debug_assert_eq!(
            self.credential_types,
            super::key_index::member_credential_types(&self.tree),
            "incremental credential counts drifted from the tree"
        );
        let epoch_keys = EpochKeys::new(
            next.context.clone(),
            &next.secrets,
            self.tree.size(),
            suite_policy,
        );
        let dropped = self.protection.start_epoch_keeping_dropped(epoch_keys);
        self.resumption_psks
            .push_front((next.context.epoch, next.secrets.resumption_psk.clone()));
        let keep = usize::try_from(self.config.resumption_psk_epochs)
            .unwrap_or(usize::MAX)
            .saturating_add(1);
        self.resumption_psks.truncate(keep);
        self.context = next.context;
        self.secrets = next.secrets;
        // The secret tree holds it now; it is not kept twice (nor stored).
        self.secrets.encryption_secret = Secret::new(Vec::new());
        self.keys = next.keys;
        self.own_leaf = next.own_leaf;
        self.interim_transcript_hash = next.interim_transcript_hash;
        self.confirmation_tag = next.confirmation_tag;
        self.proposals.clear();
        self.pending_commit = None;
        self.pending_update_keys.clear();
        if next.inactive.is_some() {
            self.inactive = next.inactive;
        }
        self.refresh_signer();
        dropped
    }

    // ----- queries -----

    /// The group id.
    pub fn group_id(&self) -> &[u8] {
        self.context.group_id.as_slice()
    }

    /// The group's configuration (as created or joined, or loaded).
    pub fn config(&self) -> &GroupConfig {
        &self.config
    }

    /// The current epoch.
    pub fn epoch(&self) -> u64 {
        self.context.epoch
    }

    /// The group's cipher suite.
    pub fn cipher_suite(&self) -> CipherSuite {
        self.context.cipher_suite
    }

    /// The current GroupContext (§8.1).
    pub fn group_context(&self) -> &GroupContext {
        &self.context
    }

    /// The GroupContext extensions.
    pub fn extensions(&self) -> &Extensions {
        &self.context.extensions
    }

    /// Our leaf index.
    pub fn own_leaf_index(&self) -> u32 {
        self.own_leaf.0
    }

    /// The epoch authenticator (§8.7): equal at every member of the epoch.
    pub fn epoch_authenticator(&self) -> &[u8] {
        self.secrets.epoch_authenticator.as_bytes()
    }

    /// `MLS-Exporter(label, context, length)` of the current epoch (§8.5).
    pub fn export_secret(&self, label: &str, context: &[u8], length: u16) -> Result<Secret, Error> {
        self.secrets.export(self.suite()?, label, context, length)
    }

    /// The members, by leaf index.
    pub fn members(&self) -> Vec<Member> {
        self.tree
            .leaves()
            .map(|(i, l)| Member {
                index: i.0,
                credential: l.credential.clone(),
                signature_key: l.signature_key.as_slice().to_vec(),
            })
            .collect()
    }

    /// The member at `leaf`, if that leaf is occupied.
    pub fn member(&self, leaf: u32) -> Option<Member> {
        self.tree.leaf(LeafIndex(leaf)).map(|l| Member {
            index: leaf,
            credential: l.credential.clone(),
            signature_key: l.signature_key.as_slice().to_vec(),
        })
    }

    /// The public ratchet tree (for a joiner that gets it out of band).
    pub fn ratchet_tree(&self) -> crate::tree::node::RatchetTree {
        self.tree.to_wire()
    }

    /// Our own leaf node.
    pub(crate) fn own_leaf_node(&self) -> Result<&LeafNode, Error> {
        self.tree
            .leaf(self.own_leaf)
            .ok_or(Error::Internal("our own leaf is blank"))
    }

    /// The `external_senders` extension of the GroupContext, if any.
    pub(crate) fn external_senders(&self) -> Result<Option<ExternalSenders>, Error> {
        Ok(self.context.extensions.external_senders()?)
    }

    /// The signer of our leaf's signature key.
    pub(crate) fn signer(&self) -> &dyn crate::provider::Signer {
        self.signer.as_ref()
    }

    /// After our leaf changed (our commit or Update with a new identity),
    /// sign with the identity whose key the leaf now carries. The client
    /// holds it: it was added when the commit or proposal was made.
    pub(crate) fn refresh_signer(&mut self) {
        let Some(leaf) = self.tree.leaf(self.own_leaf) else {
            return;
        };
        if leaf.signature_key.as_slice() != self.signer.public_key()
            && let Some(identity) = self.client.identity_for_key(leaf.signature_key.as_slice())
        {
            self.signer = identity.signer;
        }
    }

    /// Replaces this group's rules until it is dropped (a loaded group gets
    /// its rules from the client, see
    /// [`ClientBuilder::group_rules`](super::ClientBuilder::group_rules)).
    pub fn set_rules(&mut self, rules: std::sync::Arc<dyn super::rules::GroupRules>) {
        self.rules = rules;
    }

    /// The context the group's rules see: this epoch and its members.
    pub(crate) fn rules_context(&self) -> super::rules::RulesContext<'_> {
        super::rules::RulesContext {
            group_id: self.context.group_id.as_slice(),
            epoch: self.context.epoch,
            roster: super::rules::Roster::new(&self.tree),
            own_leaf: self.own_leaf.0,
        }
    }

    /// Whether the group can still be used (not removed, not re-initialized).
    pub fn is_active(&self) -> bool {
        self.inactive.is_none()
    }

    /// The ReInit this group ended with, if a commit carried one (§11.2).
    pub fn reinit(&self) -> Option<&crate::group::proposal::ReInit> {
        match &self.inactive {
            Some(Inactive::ReInit(r)) => Some(r),
            _ => None,
        }
    }

    /// Proposals received in this epoch, waiting to be committed.
    pub fn pending_proposals(&self) -> impl Iterator<Item = &Proposal> {
        self.proposals.iter().map(|p| &p.proposal)
    }

    /// Whether a commit of ours is waiting to be merged or cleared.
    pub fn has_pending_commit(&self) -> bool {
        self.pending_commit.is_some() || self.unmerged_external_join.is_some()
    }

    /// The `resumption_psk` of `epoch`, if it is retained (§8.6).
    pub(crate) fn resumption_psk(&self, epoch: u64) -> Option<&Secret> {
        self.resumption_psks
            .iter()
            .find(|(e, _)| *e == epoch)
            .map(|(_, s)| s)
    }
}

/// Signature keys of senders (§6.1) from the tree, the keys leaves had in
/// retained past epochs, and `external_senders`.
pub(crate) struct GroupSenderKeys<'a> {
    tree: &'a PublicTree,
    current_epoch: u64,
    past: &'a PastSignatureKeys,
    external_senders: Option<ExternalSenders>,
}

impl<'a> GroupSenderKeys<'a> {
    pub(crate) fn new(
        tree: &'a PublicTree,
        current_epoch: u64,
        past: &'a PastSignatureKeys,
        external_senders: Option<ExternalSenders>,
    ) -> Self {
        Self {
            tree,
            current_epoch,
            past,
            external_senders,
        }
    }
}

impl GroupSenderKeys<'_> {
    /// The member at `leaf` as it was in `epoch` (§6.1: the sender of a
    /// message of a retained past epoch is who held the leaf then, not who
    /// holds it now): its signature key and, if known, its credential.
    pub(crate) fn member_in_epoch(
        &self,
        leaf: u32,
        epoch: u64,
    ) -> Result<(Vec<u8>, Option<Credential>), Error> {
        if epoch < self.current_epoch {
            // The oldest change after that epoch holds what the leaf was
            // in it; `past` is newest first.
            let historic = self
                .past
                .iter()
                .rev()
                .filter(|(e, _)| *e >= epoch)
                .find_map(|(_, leaves)| leaves.get(&leaf));
            if let Some(past) = historic {
                return past
                    .as_ref()
                    .map(|p| (p.signature_key.clone(), p.credential.clone()))
                    .ok_or_else(|| ProtocolError::SenderLeafBlank(leaf).into());
            }
        }
        self.tree
            .leaf(LeafIndex(leaf))
            .map(|l| {
                (
                    l.signature_key.as_slice().to_vec(),
                    Some(l.credential.clone()),
                )
            })
            .ok_or_else(|| ProtocolError::SenderLeafBlank(leaf).into())
    }

    /// The external sender at `index` of the current GroupContext.
    pub(crate) fn external_sender(
        &self,
        index: u32,
    ) -> Result<&crate::extensions::ExternalSender, Error> {
        self.external_senders
            .as_ref()
            .and_then(|s| s.get(index))
            .ok_or_else(|| ProtocolError::ExternalSenderOutOfRange(index).into())
    }
}

impl SenderKeys for GroupSenderKeys<'_> {
    fn signature_key(&self, content: &FramedContent) -> Result<Vec<u8>, Error> {
        match content.sender {
            Sender::Member(leaf) => Ok(self.member_in_epoch(leaf, content.epoch)?.0),
            Sender::External(index) => self
                .external_senders
                .as_ref()
                .and_then(|s| s.get(index))
                .map(|s| s.signature_key.as_slice().to_vec())
                .ok_or_else(|| ProtocolError::ExternalSenderOutOfRange(index).into()),
            Sender::NewMemberProposal => match &content.content {
                Content::Proposal(Proposal::Add(add)) => {
                    Ok(add.key_package.leaf_node.signature_key.as_slice().to_vec())
                }
                _ => Err(ProtocolError::SenderContentMismatch {
                    sender: "new_member_proposal",
                    content: "a proposal other than Add",
                }
                .into()),
            },
            // §12.4.3.2: signed by the new member's key, from the path leaf.
            Sender::NewMemberCommit => match &content.content {
                Content::Commit(commit) => commit
                    .path
                    .as_ref()
                    .map(|p| p.leaf_node.signature_key.as_slice().to_vec())
                    .ok_or_else(|| ProtocolError::PathRequired.into()),
                _ => Err(ProtocolError::SenderContentMismatch {
                    sender: "new_member_commit",
                    content: "not a commit",
                }
                .into()),
            },
        }
    }
}
