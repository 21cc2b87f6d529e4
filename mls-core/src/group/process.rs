//! Receiving messages: application data, proposals, and other members'
//! commits, validated in full (RFC 9420 §12.4.2) before any state changes.

use super::commit_tree::{
    PublicCommit, SummaryParts, apply_commit_public, current_sender, resolve_list, summarize,
};
use super::epoch_step::{key_schedule_step, zero_secret};
use super::pending::CachedProposal;
use super::proposal_list::{self, Committer, ListContext, ListItem};
use super::rules::{MessageSender, ProposalSource};
use super::staged::{CommitSummary, StagedCommit};
use super::state::{Group, GroupSenderKeys, Inactive, NewEpoch};
use crate::codec::encode;
use crate::error::{Error, Misuse, ProtocolError};
use crate::framing::{AuthenticatedContent, Content, MlsMessage, Sender};
use crate::group::commit::Commit;
use crate::group::proposal::{Proposal, ProposalRef};
use crate::key_schedule::external_init_secret_from;
use crate::key_schedule::transcript::verify_confirmation_tag;
use crate::provider::Provider;
use crate::provider::WriteBatch;
use crate::tree::treekem::{TreePrivateKeys, decrypt_update_path};
use crate::tree_math::LeafIndex;

/// Application data received from a member.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApplicationMessage {
    /// The sender, as it was in the epoch the message was sent in.
    pub sender: MessageSender,
    /// The epoch it was sent in.
    pub epoch: u64,
    /// The data.
    pub data: Vec<u8>,
    /// The sender's authenticated data.
    pub authenticated_data: Vec<u8>,
}

/// A proposal received alone, accepted by the group's rules and cached for
/// a commit to reference.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReceivedProposal {
    /// `ProposalRef` of the AuthenticatedContent that carried it (§5.2).
    pub reference: ProposalRef,
    /// The proposal.
    pub proposal: Proposal,
    /// Who sent it.
    pub sender: MessageSender,
}

/// What [`Group::process_message`] received.
#[derive(Debug)]
#[allow(clippy::large_enum_variant)] // returned once per message
pub enum ProcessedMessage {
    /// Application data.
    Application(ApplicationMessage),
    /// A proposal, now cached for a commit to reference.
    Proposal(ReceivedProposal),
    /// A commit, checked and accepted by the group's rules but not
    /// applied: merge it with [`Group::merge_staged_commit`] or drop it
    /// with [`Group::discard_staged_commit`]. Only from
    /// [`Group::process_message`].
    StagedCommit(StagedCommit),
    /// A commit, merged: the group is in the new epoch. Only from
    /// [`Group::process_and_merge`].
    Commit(CommitSummary),
}

/// A commit that passed §12.4.2, before the rules see it.
struct CheckedCommit {
    /// The epoch it leads to.
    epoch: u64,
    applied: proposal_list::Applied,
    /// The committer's leaf and its new LeafNode, if the commit has a path.
    path_leaf: Option<(LeafIndex, crate::tree::leaf_node::LeafNode)>,
    removed_us: bool,
    /// `None` if the commit removes us.
    next: Option<NewEpoch>,
}

/// The sender of a verified message, as it was in the message's epoch
/// (§6.1): never looked up by leaf index in a later tree.
pub(crate) fn message_sender(
    keys: &GroupSenderKeys<'_>,
    content: &AuthenticatedContent,
) -> Result<MessageSender, Error> {
    let sender = content.content.sender;
    let (credential, signature_key) = match (sender, &content.content.content) {
        (Sender::Member(leaf), _) => {
            let (key, credential) = keys.member_in_epoch(leaf, content.content.epoch)?;
            let credential = credential.ok_or_else(|| {
                crate::error::StorageError::new(
                    crate::error::StorageErrorKind::UnsupportedVersion,
                    format!(
                        "the credential leaf {leaf} had in epoch {} was not kept by the \
                         release that stored this group; its message cannot be attributed",
                        content.content.epoch
                    ),
                )
            })?;
            (credential, key)
        }
        (Sender::External(index), _) => {
            let s = keys.external_sender(index)?;
            (s.credential.clone(), s.signature_key.as_slice().to_vec())
        }
        (Sender::NewMemberProposal, Content::Proposal(Proposal::Add(add))) => (
            add.key_package.leaf_node.credential.clone(),
            add.key_package.leaf_node.signature_key.as_slice().to_vec(),
        ),
        (
            Sender::NewMemberCommit,
            Content::Commit(Commit {
                path: Some(path), ..
            }),
        ) => (
            path.leaf_node.credential.clone(),
            path.leaf_node.signature_key.as_slice().to_vec(),
        ),
        // Verification refused these already.
        _ => {
            return Err(Error::Internal(
                "a verified message with an impossible sender",
            ));
        }
    };
    Ok(MessageSender {
        sender,
        credential,
        signature_key,
    })
}

impl<P: Provider> Group<P> {
    /// Processes a PublicMessage or PrivateMessage of this group. Any error
    /// leaves the group as it was (a PrivateMessage's key is spent once its
    /// signature verifies, so a replay of it is refused).
    ///
    /// A commit is checked in full (§12.4.2) and by the group's rules, then
    /// returned staged: nothing changes until
    /// [`merge_staged_commit`](Group::merge_staged_commit). A proposal the
    /// rules accept is cached; application data is returned. Either is
    /// stored before it is returned, in one transaction: a decrypted
    /// message's key is deleted from storage before the plaintext is handed
    /// over. If storage fails, the group is as it was and the message can
    /// be processed again.
    pub fn process_message(&mut self, message: &MlsMessage) -> Result<ProcessedMessage, Error> {
        match self.process_message_unstored(message) {
            // Staging writes nothing: the merge stores the new epoch with
            // the key the commit used.
            Ok(staged @ ProcessedMessage::StagedCommit(_)) => Ok(staged),
            Ok(ProcessedMessage::Proposal(received)) => {
                let cached = CachedProposal {
                    reference: received.reference.clone(),
                    proposal: received.proposal.clone(),
                    sender: received.sender.sender,
                };
                self.persist_proposal(cached, None)?;
                Ok(ProcessedMessage::Proposal(received))
            }
            Ok(other) => {
                self.persist_small(WriteBatch::new())?;
                Ok(other)
            }
            Err(err) => {
                // A PrivateMessage whose signature verified spent its key
                // even if the content was then refused; that is stored
                // too, so a replay stays refused after a reload. If
                // storing fails, the key is back in memory as well and the
                // original error is what the caller needs.
                let _ = self.persist_small(WriteBatch::new());
                Err(err)
            }
        }
    }

    /// [`process_message`](Group::process_message), merging a commit at
    /// once: for applications whose rules (see
    /// [`GroupRules`](super::GroupRules)) say everything they need to
    /// decide. A commit comes back as [`ProcessedMessage::Commit`].
    pub fn process_and_merge(&mut self, message: &MlsMessage) -> Result<ProcessedMessage, Error> {
        match self.process_message(message)? {
            ProcessedMessage::StagedCommit(staged) => {
                Ok(ProcessedMessage::Commit(self.merge_staged_commit(staged)?))
            }
            other => Ok(other),
        }
    }

    /// Receives `message` in memory. A PrivateMessage's key is spent
    /// whatever the content's fate, except when the content is refused for
    /// a reason its sender can recover from: a commit that references a
    /// proposal not received yet (a delivery service may deliver them out
    /// of order). That message can then be processed again once the
    /// proposal is in, instead of being refused as a replay forever.
    fn process_message_unstored(
        &mut self,
        message: &MlsMessage,
    ) -> Result<ProcessedMessage, Error> {
        let client = self.client.clone();
        let suite = client.suite(self.context.cipher_suite)?;
        let (verified, sender, spend) = {
            let external_senders = self.external_senders()?;
            let keys = GroupSenderKeys::new(
                &self.tree,
                self.context.epoch,
                &self.past_signature_keys,
                external_senders,
            );
            let (verified, spend) = self.protection.unprotect_unspent(suite, message, &keys)?;
            // §6.1: who sent it, as they were in the message's epoch.
            let sender = message_sender(&keys, verified.authenticated_content())?;
            (verified, sender, spend)
        };
        let result = self.receive_verified(suite, verified.into_authenticated_content(), sender);
        let recoverable = matches!(
            result,
            Err(Error::Protocol(ProtocolError::UnknownProposalRef))
        );
        if let Some(spend) = spend
            && !recoverable
        {
            self.protection.spend(spend)?;
        }
        result
    }

    fn receive_verified(
        &mut self,
        suite: &dyn crate::provider::CipherSuiteProvider,
        content: AuthenticatedContent,
        sender: MessageSender,
    ) -> Result<ProcessedMessage, Error> {
        let epoch = content.content.epoch;
        match &content.content.content {
            Content::Application(data) => {
                if !sender.is_member() {
                    return Err(Error::Internal("application data from a non-member"));
                }
                Ok(ProcessedMessage::Application(ApplicationMessage {
                    sender,
                    epoch,
                    data: data.as_slice().to_vec(),
                    authenticated_data: content.content.authenticated_data.as_slice().to_vec(),
                }))
            }
            Content::Proposal(proposal) => {
                // §12.1: only proposals of the current epoch can be committed.
                self.check_current_epoch(epoch)?;
                let ctx = self.list_context(suite);
                proposal_list::check_received_proposal(
                    &ctx,
                    &self.tree,
                    &self.key_index,
                    proposal,
                    sender.sender,
                )?;
                // §12.1.8: a proposal from outside the group needs the
                // application's authorization; so does any other its
                // rules refuse.
                self.rules
                    .accept_proposal(
                        &self.rules_context(),
                        proposal,
                        &sender,
                        ProposalSource::ByReference,
                    )
                    .map_err(ProtocolError::ProposalRejectedByRules)?;
                self.proposals
                    .check_room(self.config.max_proposals_per_epoch)?;
                let reference = ProposalRef::from_authenticated_content(suite, &encode(&content)?)?;
                Ok(ProcessedMessage::Proposal(ReceivedProposal {
                    reference,
                    proposal: proposal.clone(),
                    sender,
                }))
            }
            Content::Commit(commit) => {
                self.check_current_epoch(epoch)?;
                if self.inactive.is_some() {
                    self.check_active()?;
                }
                if content.content.sender == Sender::Member(self.own_leaf.0) {
                    return Err(Misuse::OwnCommit.into());
                }
                let commit = commit.clone();
                self.stage_commit(&content, &commit, sender)
                    .map(ProcessedMessage::StagedCommit)
            }
        }
    }

    fn check_current_epoch(&self, epoch: u64) -> Result<(), Error> {
        if epoch != self.context.epoch {
            return Err(ProtocolError::WrongEpoch {
                received: epoch,
                current: self.context.epoch,
            }
            .into());
        }
        Ok(())
    }

    pub(crate) fn list_context<'a>(
        &'a self,
        suite: &'a dyn crate::provider::CipherSuiteProvider,
    ) -> ListContext<'a> {
        ListContext::new(
            &self.client,
            suite,
            &self.context,
            &self.config,
            &self.credential_types,
        )
    }

    /// §12.4.2 for another member's (or a joiner's) commit, then the
    /// group's rules; the result is staged, the group unchanged.
    fn stage_commit(
        &mut self,
        content: &AuthenticatedContent,
        commit: &Commit,
        sender: MessageSender,
    ) -> Result<StagedCommit, Error> {
        let committer = Committer::of(sender.sender)?;
        let resolved = resolve_list(&self.proposals, commit, sender.sender)?;
        let items: Vec<ListItem> = resolved.iter().map(|(i, _)| i.clone()).collect();
        self.tree.begin_changes();
        let checked = self.check_commit(content, commit, &items, committer);
        // Back to this epoch either way; the merge replays the changes.
        let changes = self.tree.rollback_changes()?;
        let checked = checked?;
        let summary = self.summarize(sender, &resolved, &checked)?;
        let ctx = self.rules_context();
        for p in &summary.proposals {
            let source = match p.reference {
                Some(_) => ProposalSource::ByReference,
                None => ProposalSource::ByValue,
            };
            self.rules
                .accept_proposal(&ctx, &p.proposal, &p.sender, source)
                .map_err(ProtocolError::ProposalRejectedByRules)?;
        }
        self.rules
            .accept_commit(&ctx, &summary)
            .map_err(ProtocolError::CommitRejectedByRules)?;
        Ok(self.stage(summary, changes, checked.next))
    }

    /// What a checked commit changes, in members and credentials, read
    /// from the tree of the current epoch (before the commit).
    fn summarize(
        &self,
        sender: MessageSender,
        resolved: &[(ListItem, Option<ProposalRef>)],
        checked: &CheckedCommit,
    ) -> Result<CommitSummary, Error> {
        let external = self.external_senders()?;
        summarize(
            &self.tree,
            external.as_ref(),
            sender,
            resolved,
            SummaryParts {
                epoch: checked.epoch,
                applied: &checked.applied,
                path_leaf: checked.path_leaf.as_ref(),
                removed_us: checked.removed_us,
            },
        )
    }

    /// The sender of a proposal of the current epoch, as it is now;
    /// `external` is the decoded `external_senders` of the GroupContext.
    pub(crate) fn current_sender(
        &self,
        sender: Sender,
        proposal: &Proposal,
        external: Option<&crate::extensions::ExternalSenders>,
    ) -> Result<MessageSender, Error> {
        current_sender(&self.tree, sender, proposal, external)
    }

    /// Every check of §12.4.2, building the new epoch; the tree records
    /// its changes and is rolled back by the caller on error.
    fn check_commit(
        &mut self,
        content: &AuthenticatedContent,
        commit: &Commit,
        items: &[ListItem],
        committer: Committer,
    ) -> Result<CheckedCommit, Error> {
        let client = self.client.clone();
        let suite = client.suite(self.context.cipher_suite)?;
        let tag = content
            .auth
            .confirmation_tag
            .as_ref()
            .ok_or(ProtocolError::ConfirmationTagMissing)?
            .clone();
        let ctx = ListContext::new(
            &client,
            suite,
            &self.context,
            &self.config,
            &self.credential_types,
        );
        let public = apply_commit_public(
            &ctx,
            &mut self.tree,
            &self.key_index,
            commit,
            items,
            committer,
        )?;
        let PublicCommit {
            applied,
            provisional,
            path_leaf,
        } = public;
        let removed_us = applied.removed.contains(&self.own_leaf);

        let mut keys = self.keys.clone();
        if applied.updated.contains(&self.own_leaf) {
            // Our Update was committed: our leaf key is the proposal's.
            let leaf = self.own_leaf_node_in_tree()?;
            let private = self
                .pending_update_keys
                .iter()
                .find(|(public, _)| public.as_slice() == leaf.encryption_key.as_slice())
                .map(|(_, k)| k.clone())
                .ok_or(Error::Internal("no private key for our committed Update"))?;
            keys = TreePrivateKeys::for_leaf(self.own_leaf, private)?;
        }
        let commit_secret = match (&commit.path, &path_leaf) {
            (Some(path), Some((leaf, _))) if !removed_us => {
                decrypt_update_path(
                    &self.tree,
                    suite,
                    *leaf,
                    path,
                    &applied.joiners(),
                    self.own_leaf,
                    &mut keys,
                    &provisional,
                )?
                .commit_secret
            }
            _ => zero_secret(suite),
        };
        if removed_us {
            return Ok(CheckedCommit {
                epoch: provisional.epoch,
                applied,
                path_leaf,
                removed_us,
                next: None,
            });
        }

        let init_secret = match &applied.external_init {
            Some(init) => {
                let (external_priv, _) = self.secrets.external_key_pair(suite)?;
                external_init_secret_from(suite, &external_priv, init.kem_output.as_slice())
                    .map_err(crate::error::undecryptable_error(
                        "ExternalInit's kem_output",
                    ))?
            }
            None => self.secrets.init_secret.clone(),
        };
        let psk_secret = self.resolve_psks(&applied.psks)?;
        let step = key_schedule_step(
            suite,
            &self.interim_transcript_hash,
            content,
            provisional,
            &init_secret,
            &commit_secret,
            psk_secret,
        )?;
        // §12.4.2: the confirmation tag, length first then constant time.
        if !verify_confirmation_tag(
            suite,
            &step.secrets.confirmation_key,
            step.context.confirmed_transcript_hash.as_slice(),
            tag.as_slice(),
        )? {
            return Err(ProtocolError::ConfirmationTagMismatch.into());
        }
        if let Some(own) = self.own_leaf.node() {
            keys.prune(&self.tree, own);
        }
        let next = NewEpoch {
            context: step.context,
            secrets: step.secrets,
            keys,
            own_leaf: self.own_leaf,
            interim_transcript_hash: step.interim_transcript_hash,
            confirmation_tag: tag.as_slice().to_vec(),
            inactive: applied.reinit.clone().map(Inactive::ReInit),
        };
        Ok(CheckedCommit {
            epoch: next.context.epoch,
            applied,
            path_leaf,
            removed_us,
            next: Some(next),
        })
    }

    fn own_leaf_node_in_tree(&self) -> Result<&crate::tree::leaf_node::LeafNode, Error> {
        self.own_leaf_node()
    }
}
