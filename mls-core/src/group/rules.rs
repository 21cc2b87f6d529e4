//! The application's rules for one group: which proposals and commits it
//! accepts from others, and which cached proposals its own commits carry.
//!
//! The RFC's own checks (§12.2, §12.4.2) always run first; rules can only
//! refuse more. What a peer could make the library do without the
//! application's decision is refused by [`DefaultRules`]: proposals from
//! non-members (§12.1.8: an external proposal the group has not authorized
//! is invalid) and joins by external commit.

use super::staged::CommitSummary;
use super::state::Member;
use crate::credential::Credential;
use crate::framing::Sender;
use crate::group::proposal::Proposal;
use crate::tree::public_tree::PublicTree;
use crate::tree_math::LeafIndex;

/// Who sent a message, as the group knew them in the epoch that protected
/// it: the credential and signature key are a snapshot of that epoch's
/// tree (or of `external_senders`, or of the joiner's own leaf), never a
/// lookup of the leaf index in a later tree, where another member may sit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MessageSender {
    /// The sender as the message names it: a member's leaf, an external
    /// sender's index, or a new member.
    pub sender: Sender,
    /// The sender's credential.
    pub credential: Credential,
    /// The sender's signature public key.
    pub signature_key: Vec<u8>,
}

impl MessageSender {
    /// The sender's leaf index, if it is a member.
    pub fn leaf_index(&self) -> Option<u32> {
        match self.sender {
            Sender::Member(leaf) => Some(leaf),
            _ => None,
        }
    }

    /// Whether the sender is a member of the group (not an external sender
    /// or a joiner).
    pub fn is_member(&self) -> bool {
        matches!(self.sender, Sender::Member(_))
    }
}

/// How a proposal reached us (§12.4).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProposalSource {
    /// In a message of its own, to be committed by reference later.
    ByReference,
    /// By value inside a commit, from the committer.
    ByValue,
}

/// The members of a group in one epoch, read without copying the tree.
#[derive(Clone, Copy)]
pub struct Roster<'a> {
    tree: &'a PublicTree,
}

impl std::fmt::Debug for Roster<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Roster")
            .field("leaf_count", &self.tree.size().leaf_count())
            .finish_non_exhaustive()
    }
}

impl<'a> Roster<'a> {
    pub(crate) fn new(tree: &'a PublicTree) -> Self {
        Self { tree }
    }

    /// The member at `leaf`, if that leaf is occupied.
    pub fn member(&self, leaf: u32) -> Option<Member> {
        self.tree.leaf(LeafIndex(leaf)).map(|l| Member {
            index: leaf,
            credential: l.credential.clone(),
            signature_key: l.signature_key.as_slice().to_vec(),
        })
    }

    /// Every member, by leaf index.
    pub fn members(&self) -> impl Iterator<Item = Member> + 'a {
        self.tree.leaves().map(|(i, l)| Member {
            index: i.0,
            credential: l.credential.clone(),
            signature_key: l.signature_key.as_slice().to_vec(),
        })
    }

    /// The number of members.
    pub fn len(&self) -> usize {
        self.tree.leaves().count()
    }

    /// Whether the group has no members (never true of a live group).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The group a rule is asked about: its id, epoch and current members.
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub struct RulesContext<'a> {
    /// The group id.
    pub group_id: &'a [u8],
    /// The current epoch (the one the proposal or commit belongs to).
    pub epoch: u64,
    /// The members in the current epoch, with their credentials.
    pub roster: Roster<'a>,
    /// Our own leaf index.
    pub own_leaf: u32,
}

/// The application's rules for a group (set per group through
/// [`ClientBuilder::group_rules`](super::ClientBuilder::group_rules), and
/// applied again when the group is loaded).
///
/// Every method returns `Err(reason)` to refuse; the reason is reported as
/// [`ProtocolError::ProposalRejectedByRules`] or
/// [`ProtocolError::CommitRejectedByRules`].
///
/// [`ProtocolError::ProposalRejectedByRules`]: crate::error::ProtocolError::ProposalRejectedByRules
/// [`ProtocolError::CommitRejectedByRules`]: crate::error::ProtocolError::CommitRejectedByRules
pub trait GroupRules: Send + Sync {
    /// Whether to accept `proposal` from `sender`: received alone (it is
    /// then cached for a commit) or inside a commit being received.
    fn accept_proposal(
        &self,
        group: &RulesContext<'_>,
        proposal: &Proposal,
        sender: &MessageSender,
        source: ProposalSource,
    ) -> Result<(), String>;

    /// Whether to accept a commit from another member or a joiner, after
    /// the RFC's checks and [`accept_proposal`](Self::accept_proposal) for
    /// each of its proposals, before it is staged. Default: accept.
    fn accept_commit(
        &self,
        group: &RulesContext<'_>,
        commit: &CommitSummary,
    ) -> Result<(), String> {
        let _ = (group, commit);
        Ok(())
    }

    /// Whether our next commit includes `proposal`, cached in this epoch
    /// from `sender`. Default: the proposals
    /// [`accept_proposal`](Self::accept_proposal) accepts by reference.
    fn include_in_commit(
        &self,
        group: &RulesContext<'_>,
        proposal: &Proposal,
        sender: &MessageSender,
    ) -> bool {
        self.accept_proposal(group, proposal, sender, ProposalSource::ByReference)
            .is_ok()
    }
}

/// The rules a group has unless the application sets its own: every
/// proposal and commit of a member that passes the RFC's checks, and
/// nothing from outside the group unless a flag admits it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DefaultRules {
    /// Accept `new_member_proposal` Adds (§12.1.8): a client asking to be
    /// added. Default: refused.
    pub new_member_proposals: bool,
    /// Accept proposals from the group's `external_senders` (§12.1.8.1).
    /// Default: refused.
    pub external_sender_proposals: bool,
    /// Accept joins by external commit (§12.4.3.2), other than a member
    /// re-joining to replace its own leaf (a resync, §12.2), which is
    /// always accepted. Default: refused.
    pub external_commits: bool,
}

impl DefaultRules {
    /// Rules that admit everything the RFC allows: non-member proposals
    /// and external joins. For tests and for groups open by design.
    pub fn open() -> Self {
        Self {
            new_member_proposals: true,
            external_sender_proposals: true,
            external_commits: true,
        }
    }
}

impl GroupRules for DefaultRules {
    fn accept_proposal(
        &self,
        _group: &RulesContext<'_>,
        _proposal: &Proposal,
        sender: &MessageSender,
        _source: ProposalSource,
    ) -> Result<(), String> {
        match sender.sender {
            Sender::NewMemberProposal if !self.new_member_proposals => Err(
                "proposals from new members (new_member_proposal) are not accepted in this group"
                    .to_owned(),
            ),
            Sender::External(index) if !self.external_sender_proposals => Err(format!(
                "proposals from external sender {index} are not accepted in this group"
            )),
            _ => Ok(()),
        }
    }

    fn accept_commit(
        &self,
        _group: &RulesContext<'_>,
        commit: &CommitSummary,
    ) -> Result<(), String> {
        let resync = commit
            .removed
            .iter()
            .any(|m| m.credential == commit.sender.credential);
        if commit.sender.sender == Sender::NewMemberCommit && !self.external_commits && !resync {
            return Err("joins by external commit are not accepted in this group".to_owned());
        }
        Ok(())
    }
}
