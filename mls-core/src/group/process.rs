//! Receiving messages: application data, proposals, and other members'
//! commits, validated in full (RFC 9420 §12.4.2) before any state changes.

use super::epoch_step::{key_schedule_step, provisional_context, zero_secret};
use super::key_index::ProvisionalKeys;
use super::pending::CachedProposal;
use super::proposal_list::{self, Committer, ListContext, ListItem};
use super::state::{Group, GroupSenderKeys, Inactive, NewEpoch};
use crate::codec::{VarBytes, encode};
use crate::error::{Error, Misuse, ProtocolError};
use crate::framing::{AuthenticatedContent, Content, MlsMessage, Sender};
use crate::group::commit::Commit;
use crate::group::proposal::{Proposal, ProposalOrRef, ProposalRef, ReInit};
use crate::key_schedule::external_init_secret_from;
use crate::key_schedule::transcript::verify_confirmation_tag;
use crate::provider::Provider;
use crate::provider::WriteBatch;
use crate::tree::leaf_node::LeafNodeTbsContext;
use crate::tree::leaf_validation::ExpectedSource;
use crate::tree::treekem::{TreePrivateKeys, decrypt_update_path, merge_update_path};
use crate::tree_math::LeafIndex;

/// Application data received from a member.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApplicationMessage {
    /// The sender's leaf index.
    pub sender: u32,
    /// The epoch it was sent in.
    pub epoch: u64,
    /// The data.
    pub data: Vec<u8>,
    /// The sender's authenticated data.
    pub authenticated_data: Vec<u8>,
}

/// What a processed commit changed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommitSummary {
    /// Who committed.
    pub sender: Sender,
    /// The epoch the group is now in.
    pub epoch: u64,
    /// Leaves of the members added.
    pub added: Vec<u32>,
    /// Leaves of the members removed.
    pub removed: Vec<u32>,
    /// Leaves of the members whose Update was applied.
    pub updated: Vec<u32>,
    /// Whether the commit removed us: the group can no longer be used.
    pub removed_us: bool,
    /// The ReInit the commit carried, if any (§11.2): the group is closed
    /// and its successor is joined by Welcome.
    pub reinit: Option<ReInit>,
}

/// What [`Group::process_message`] received.
#[derive(Clone, Debug, PartialEq, Eq)]
#[allow(clippy::large_enum_variant)] // returned once per message
pub enum ProcessedMessage {
    /// Application data.
    Application(ApplicationMessage),
    /// A proposal, now cached for a commit to reference.
    Proposal(CachedProposal),
    /// A commit, now merged: the group is in the new epoch.
    Commit(CommitSummary),
}

impl<P: Provider> Group<P> {
    /// Processes a PublicMessage or PrivateMessage of this group. A commit
    /// is validated in full before the group moves; any error leaves the
    /// group as it was (a PrivateMessage's key is spent once its
    /// signature verifies, so a replay of it is refused).
    ///
    /// The outcome is stored before it is returned, in one transaction: a
    /// decrypted message's key is deleted from storage before the
    /// plaintext is handed over, a proposal is cached, a commit's new
    /// epoch replaces the old one. If storage fails, the group is as it
    /// was and the message can be processed again.
    pub fn process_message(&mut self, message: &MlsMessage) -> Result<ProcessedMessage, Error> {
        match self.process_message_unstored(message) {
            // A commit stored its epoch (with the key it used) itself.
            Ok(ProcessedMessage::Commit(summary)) => Ok(ProcessedMessage::Commit(summary)),
            Ok(ProcessedMessage::Proposal(cached)) => {
                self.persist_proposal(cached.clone(), None)?;
                Ok(ProcessedMessage::Proposal(cached))
            }
            Ok(application) => {
                self.persist_small(WriteBatch::new())?;
                Ok(application)
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

    fn process_message_unstored(
        &mut self,
        message: &MlsMessage,
    ) -> Result<ProcessedMessage, Error> {
        let client = self.client.clone();
        let suite = client.suite(self.context.cipher_suite)?;
        let external_senders = self.external_senders()?;
        let keys = GroupSenderKeys::new(
            &self.tree,
            self.context.epoch,
            &self.past_signature_keys,
            external_senders,
        );
        let verified = self.protection.unprotect(suite, message, &keys)?;
        let content = verified.into_authenticated_content();
        let epoch = content.content.epoch;
        match &content.content.content {
            Content::Application(data) => {
                let Sender::Member(sender) = content.content.sender else {
                    return Err(Error::Internal("application data from a non-member"));
                };
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
                let sender = content.content.sender;
                let ctx = self.list_context(suite, false);
                proposal_list::check_received_proposal(
                    &ctx,
                    &self.tree,
                    &self.key_index,
                    proposal,
                    sender,
                )?;

                let reference = ProposalRef::from_authenticated_content(suite, &encode(&content)?)?;
                let cached = CachedProposal {
                    reference,
                    proposal: proposal.clone(),
                    sender,
                };
                Ok(ProcessedMessage::Proposal(cached))
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
                self.process_commit(&content, &commit)
                    .map(ProcessedMessage::Commit)
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
        in_commit: bool,
    ) -> ListContext<'a> {
        let mut ctx = ListContext::new(
            &self.client,
            suite,
            &self.context,
            &self.config,
            &self.credential_types,
        );
        ctx.in_commit = in_commit;
        ctx
    }

    /// The proposals of `commit`, references resolved from this epoch's
    /// cache (§12.4).
    fn resolve_list(&self, commit: &Commit, committer: Sender) -> Result<Vec<ListItem>, Error> {
        commit
            .proposals
            .as_slice()
            .iter()
            .map(|p| match p {
                ProposalOrRef::Proposal(proposal) => Ok(ListItem {
                    proposal: proposal.clone(),
                    sender: committer,
                    by_reference: false,
                }),
                ProposalOrRef::Reference(reference) => {
                    let cached = self
                        .proposals
                        .get(reference)
                        .ok_or(ProtocolError::UnknownProposalRef)?;
                    Ok(ListItem {
                        proposal: cached.proposal.clone(),
                        sender: cached.sender,
                        by_reference: true,
                    })
                }
            })
            .collect()
    }

    /// §12.4.2 for another member's (or a joiner's) commit.
    fn process_commit(
        &mut self,
        content: &AuthenticatedContent,
        commit: &Commit,
    ) -> Result<CommitSummary, Error> {
        let sender = content.content.sender;
        let committer = match sender {
            Sender::Member(l) => Committer::Member(LeafIndex(l)),
            Sender::NewMemberCommit => Committer::External,
            _ => {
                return Err(ProtocolError::SenderContentMismatch {
                    sender: sender.name(),
                    content: "commit",
                }
                .into());
            }
        };
        let items = self.resolve_list(commit, sender)?;
        self.tree.begin_changes();
        match self.check_commit(content, commit, &items, committer) {
            Ok((summary, next)) => {
                // Both keep the tree's changes once stored, or undo them.
                match next {
                    Some(next) => self.persist_epoch(next, WriteBatch::new())?,
                    // We were removed: the tree moves on, our keys do not.
                    None => self.persist_removed()?,
                }
                Ok(summary)
            }
            Err(err) => {
                self.tree.rollback_changes()?;
                Err(err)
            }
        }
    }

    /// Every check of §12.4.2, building the new epoch; the tree records
    /// its changes and is rolled back by the caller on error.
    fn check_commit(
        &mut self,
        content: &AuthenticatedContent,
        commit: &Commit,
        items: &[ListItem],
        committer: Committer,
    ) -> Result<(CommitSummary, Option<NewEpoch>), Error> {
        let client = self.client.clone();
        let suite = client.suite(self.context.cipher_suite)?;
        let tag = content
            .auth
            .confirmation_tag
            .as_ref()
            .ok_or(ProtocolError::ConfirmationTagMissing)?
            .clone();
        // §12.2: a resync must come from the client it replaces.
        let resync_credential = match committer {
            Committer::External => items.iter().find_map(|i| match &i.proposal {
                Proposal::Remove(r) => Some((
                    r.removed,
                    self.tree
                        .leaf(LeafIndex(r.removed))
                        .map(|l| (l.credential.clone(), l.encryption_key.clone())),
                )),
                _ => None,
            }),
            Committer::Member(_) => None,
        };
        let ctx = ListContext::new(
            &client,
            suite,
            &self.context,
            &self.config,
            &self.credential_types,
        );
        let applied =
            proposal_list::apply(&ctx, &mut self.tree, &self.key_index, items, committer)?;
        let excluded = applied.joiners();
        let removed_us = applied.removed.contains(&self.own_leaf);

        let mut provisional = provisional_context(&self.context, &applied.extensions)?;

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
        let mut sender_leaf = match committer {
            Committer::Member(l) => Some(l),
            Committer::External => None,
        };
        let commit_secret = match &commit.path {
            None => {
                if applied.path_required {
                    return Err(ProtocolError::PathRequired.into());
                }
                provisional.tree_hash = VarBytes::new(self.tree.tree_hash(suite)?);
                zero_secret(suite)
            }
            Some(path) => {
                let leaf = match committer {
                    Committer::Member(l) => {
                        // §12.4.2: the new leaf must change the encryption key.
                        let current = self
                            .tree
                            .leaf(l)
                            .ok_or(ProtocolError::SenderLeafBlank(l.0))?;
                        if current.encryption_key == path.leaf_node.encryption_key {
                            return Err(ProtocolError::UpdateKeepsEncryptionKey.into());
                        }
                        l
                    }
                    // §12.4.3.2: the joiner takes the leftmost blank leaf.
                    Committer::External => {
                        let l = self.tree.add_leaf(path.leaf_node.clone())?;
                        if l.0 >= self.config.max_leaves {
                            return Err(
                                ProtocolError::TooManyMembers(self.config.max_leaves).into()
                            );
                        }
                        l
                    }
                };
                sender_leaf = Some(leaf);
                // §12.2: a resync's leaf meets the rules of an Update of
                // the removed leaf: same client, new encryption key.
                if let Some((removed, old_leaf)) = &resync_credential {
                    let Some((credential, encryption_key)) = old_leaf else {
                        return Err(ProtocolError::RemoveOfBlankLeaf(*removed).into());
                    };
                    if *credential != path.leaf_node.credential {
                        return Err(ProtocolError::ResyncIdentityMismatch(*removed).into());
                    }
                    if *encryption_key == path.leaf_node.encryption_key {
                        return Err(ProtocolError::UpdateKeepsEncryptionKey.into());
                    }
                }
                let replaces = matches!(committer, Committer::Member(_));
                self.check_path_leaf_and_keys(suite, path, leaf, replaces, &applied)?;
                merge_update_path(&mut self.tree, suite, leaf, path, &excluded)?;
                provisional.tree_hash = VarBytes::new(self.tree.tree_hash(suite)?);
                if removed_us {
                    zero_secret(suite)
                } else {
                    decrypt_update_path(
                        &self.tree,
                        suite,
                        leaf,
                        path,
                        &excluded,
                        self.own_leaf,
                        &mut keys,
                        &provisional,
                    )?
                    .commit_secret
                }
            }
        };
        let summary = CommitSummary {
            sender: content.content.sender,
            epoch: provisional.epoch,
            added: applied.added.iter().map(|(l, _)| l.0).collect(),
            removed: applied.removed.iter().map(|l| l.0).collect(),
            updated: applied.updated.iter().map(|l| l.0).collect(),
            removed_us,
            reinit: applied.reinit.clone(),
        };
        if removed_us {
            return Ok((summary, None));
        }

        let init_secret = match &applied.external_init {
            Some(init) => {
                let (external_priv, _) = self.secrets.external_key_pair(suite)?;
                external_init_secret_from(suite, &external_priv, init.kem_output.as_slice())?
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
        let _ = sender_leaf;
        let next = NewEpoch {
            context: step.context,
            secrets: step.secrets,
            keys,
            own_leaf: self.own_leaf,
            interim_transcript_hash: step.interim_transcript_hash,
            confirmation_tag: tag.as_slice().to_vec(),
            inactive: applied.reinit.map(Inactive::ReInit),
        };
        Ok((summary, Some(next)))
    }

    fn own_leaf_node_in_tree(&self) -> Result<&crate::tree::leaf_node::LeafNode, Error> {
        self.own_leaf_node()
    }

    /// §12.4.2: the path's leaf is valid for a commit from `leaf`, and no
    /// public key of the path is already in the new tree.
    fn check_path_leaf_and_keys(
        &self,
        suite: &dyn crate::provider::CipherSuiteProvider,
        path: &crate::group::commit::UpdatePath,
        leaf: LeafIndex,
        replaces: bool,
        applied: &proposal_list::Applied,
    ) -> Result<(), Error> {
        let required = applied.extensions.required_capabilities()?;
        let ctx = self.list_context(suite, true);
        let validator = ctx
            .validator()
            .with_required_capabilities(required.as_ref());
        let mut keys = ProvisionalKeys::new(&self.key_index, &self.tree);
        for (l, kp) in &applied.added {
            keys.new_signature
                .insert(kp.leaf_node.signature_key.as_slice().to_vec(), l.0);
            keys.new_encryption
                .insert(kp.leaf_node.encryption_key.as_slice().to_vec(), l.0);
        }
        let source = ExpectedSource::Commit(LeafNodeTbsContext {
            group_id: self.context.group_id.as_slice(),
            leaf_index: leaf,
        });
        // §5.3.1: a member's new leaf must carry a valid successor of its
        // credential. (An external joiner's leaf replaces nothing; a
        // resync's must repeat the removed leaf's credential, §12.2.)
        let current = match replaces {
            true => self.tree.leaf(leaf),
            false => None,
        };
        let validator = match current {
            Some(old) => validator.with_predecessor(&old.credential, old.signature_key.as_slice()),
            None => validator,
        };
        validator.validate(&path.leaf_node, source, &keys.for_leaf(leaf))?;
        let own_path = {
            let x = leaf.node().ok_or(Error::Internal("leaf node index"))?;
            let mut nodes = self.tree.size().direct_path(x).unwrap_or_default();
            nodes.push(x);
            nodes
        };
        for node in path.nodes.as_slice() {
            if keys.encryption_key_in_tree(node.encryption_key.as_slice(), &own_path) {
                return Err(ProtocolError::UpdatePathKeyInUse.into());
            }
        }
        Ok(())
    }
}
