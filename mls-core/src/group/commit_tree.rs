//! The part of processing a received commit that needs no secret
//! (RFC 9420 §12.4.2): resolving its proposal list, validating and
//! applying it (§12.2, §12.3), checking the committer's UpdatePath (leaf,
//! fresh keys, shape, parent hashes) and merging its public keys, and the
//! provisional GroupContext with the new tree hash.
//!
//! Shared by a member's [`Group`](super::Group) (which then decrypts its
//! path secret, runs the key schedule and checks the confirmation tag)
//! and the [`PublicGroup`](super::PublicGroup), which stops here.

use super::epoch_step::provisional_context;
use super::key_index::{KeyIndex, ProvisionalKeys};
use super::pending::ProposalCache;
use super::proposal_list::{self, Applied, Committer, ListContext, ListItem};
use super::rules::MessageSender;
use super::staged::{CommitSummary, CommittedProposal, MemberUpdate};
use super::state::Member;
use crate::codec::VarBytes;
use crate::error::{Error, ProtocolError};
use crate::extensions::ExternalSenders;
use crate::framing::Sender;
use crate::group::commit::{Commit, UpdatePath};
use crate::group::proposal::{Proposal, ProposalOrRef, ProposalRef};
use crate::key_schedule::GroupContext;
use crate::tree::leaf_node::{LeafNode, LeafNodeTbsContext};
use crate::tree::leaf_validation::ExpectedSource;
use crate::tree::public_tree::PublicTree;
use crate::tree::treekem::merge_update_path;
use crate::tree_math::LeafIndex;

/// The proposals of `commit`, references resolved from `cache` (the
/// proposals of the commit's epoch, §12.4), each with its reference if it
/// had one. An unknown reference is [`ProtocolError::UnknownProposalRef`].
pub(crate) fn resolve_list(
    cache: &ProposalCache,
    commit: &Commit,
    committer: Sender,
) -> Result<Vec<(ListItem, Option<ProposalRef>)>, Error> {
    commit
        .proposals
        .as_slice()
        .iter()
        .map(|p| match p {
            ProposalOrRef::Proposal(proposal) => Ok((
                ListItem {
                    proposal: proposal.clone(),
                    sender: committer,
                    by_reference: false,
                },
                None,
            )),
            ProposalOrRef::Reference(reference) => {
                let cached = cache
                    .get(reference)
                    .ok_or(ProtocolError::UnknownProposalRef)?;
                Ok((
                    ListItem {
                        proposal: cached.proposal.clone(),
                        sender: cached.sender,
                        by_reference: true,
                    },
                    Some(reference.clone()),
                ))
            }
        })
        .collect()
}

/// A commit whose public part passed §12.4.2, applied to the tree.
pub(crate) struct PublicCommit {
    pub(crate) applied: Applied,
    /// The next epoch's GroupContext with the new tree hash; its confirmed
    /// transcript hash is still the old one.
    pub(crate) provisional: GroupContext,
    /// The committer's leaf and its new LeafNode, if the commit has a path.
    pub(crate) path_leaf: Option<(LeafIndex, LeafNode)>,
}

/// Validates and applies `items` and the public part of `commit`'s path
/// to `tree`, which must be recording changes: on error the caller rolls
/// it back. `ctx.context` is the GroupContext of the commit's epoch.
pub(crate) fn apply_commit_public(
    ctx: &ListContext<'_>,
    tree: &mut PublicTree,
    key_index: &KeyIndex,
    commit: &Commit,
    items: &[ListItem],
    committer: Committer,
) -> Result<PublicCommit, Error> {
    let suite = ctx.suite;
    // §12.2: a resync must come from the client it replaces.
    let resync_credential = match committer {
        Committer::External => items.iter().find_map(|i| match &i.proposal {
            Proposal::Remove(r) => Some((
                r.removed,
                tree.leaf(LeafIndex(r.removed))
                    .map(|l| (l.credential.clone(), l.encryption_key.clone())),
            )),
            _ => None,
        }),
        Committer::Member(_) => None,
    };
    let applied = proposal_list::apply(ctx, tree, key_index, items, committer)?;
    let excluded = applied.joiners();
    let mut provisional = provisional_context(ctx.context, &applied.extensions)?;
    let Some(path) = &commit.path else {
        if applied.path_required {
            return Err(ProtocolError::PathRequired.into());
        }
        provisional.tree_hash = VarBytes::new(tree.tree_hash(suite)?);
        return Ok(PublicCommit {
            applied,
            provisional,
            path_leaf: None,
        });
    };
    let leaf = match committer {
        Committer::Member(l) => {
            // §12.4.2: the new leaf must change the encryption key.
            let current = tree.leaf(l).ok_or(ProtocolError::SenderLeafBlank(l.0))?;
            if current.encryption_key == path.leaf_node.encryption_key {
                return Err(ProtocolError::UpdateKeepsEncryptionKey.into());
            }
            l
        }
        // §12.4.3.2: the joiner takes the leftmost blank leaf.
        Committer::External => {
            let l = tree.add_leaf(path.leaf_node.clone())?;
            if l.0 >= ctx.config.leaf_limit() {
                return Err(ProtocolError::TooManyMembers(ctx.config.leaf_limit()).into());
            }
            l
        }
    };
    // §12.2: a resync's leaf meets the rules of an Update of the removed
    // leaf: same client, new encryption key.
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
    check_path_leaf_and_keys(ctx, tree, key_index, path, leaf, replaces, &applied)?;
    merge_update_path(tree, suite, leaf, path, &excluded)?;
    provisional.tree_hash = VarBytes::new(tree.tree_hash(suite)?);
    Ok(PublicCommit {
        applied,
        provisional,
        path_leaf: Some((leaf, path.leaf_node.clone())),
    })
}

/// §12.4.2: the path's leaf is valid for a commit from `leaf`, and no
/// public key of the path is already in the new tree.
fn check_path_leaf_and_keys(
    ctx: &ListContext<'_>,
    tree: &PublicTree,
    key_index: &KeyIndex,
    path: &UpdatePath,
    leaf: LeafIndex,
    replaces: bool,
    applied: &Applied,
) -> Result<(), Error> {
    let required = applied.extensions.required_capabilities()?;
    let validator = ctx
        .validator()
        .with_required_capabilities(required.as_ref());
    let mut keys = ProvisionalKeys::new(key_index, tree);
    for (l, kp) in &applied.added {
        keys.new_signature
            .insert(kp.leaf_node.signature_key.as_slice().to_vec(), l.0);
        keys.new_encryption
            .insert(kp.leaf_node.encryption_key.as_slice().to_vec(), l.0);
    }
    let source = ExpectedSource::Commit(LeafNodeTbsContext {
        group_id: ctx.context.group_id.as_slice(),
        leaf_index: leaf,
    });
    // §5.3.1: a member's new leaf must carry a valid successor of its
    // credential. (An external joiner's leaf replaces nothing; a resync's
    // must repeat the removed leaf's credential, §12.2.)
    let current = match replaces {
        true => tree.leaf(leaf),
        false => None,
    };
    let validator = match current {
        Some(old) => validator.with_predecessor(&old.credential, old.signature_key.as_slice()),
        None => validator,
    };
    validator.validate(&path.leaf_node, source, &keys.for_leaf(leaf))?;
    let own_path = {
        let x = leaf.node().ok_or(Error::Internal("leaf node index"))?;
        let mut nodes = tree.size().direct_path(x).unwrap_or_default();
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

/// What [`summarize`] needs of a checked commit.
pub(crate) struct SummaryParts<'a> {
    /// The epoch the commit leads to.
    pub(crate) epoch: u64,
    pub(crate) applied: &'a Applied,
    pub(crate) path_leaf: Option<&'a (LeafIndex, LeafNode)>,
    /// Whether it removes the member processing it (never for a
    /// [`PublicGroup`](super::PublicGroup)).
    pub(crate) removed_us: bool,
}

/// What a checked commit changes, in members and credentials, read from
/// `tree`, the tree of the commit's epoch (before the commit);
/// `external` is that epoch's decoded `external_senders`.
pub(crate) fn summarize(
    tree: &PublicTree,
    external: Option<&ExternalSenders>,
    sender: MessageSender,
    resolved: &[(ListItem, Option<ProposalRef>)],
    parts: SummaryParts<'_>,
) -> Result<CommitSummary, Error> {
    let member = |leaf: LeafIndex| {
        tree.leaf(leaf)
            .map(|l| Member::of_leaf(leaf.0, l))
            .ok_or(ProtocolError::SenderLeafBlank(leaf.0))
    };
    let applied = parts.applied;
    let mut proposals = Vec::with_capacity(resolved.len());
    for (item, reference) in resolved {
        let proposer = match reference {
            None => sender.clone(),
            Some(_) => current_sender(tree, item.sender, &item.proposal, external)?,
        };
        proposals.push(CommittedProposal {
            proposal: item.proposal.clone(),
            sender: proposer,
            reference: reference.clone(),
        });
    }
    let mut added: Vec<Member> = applied
        .added
        .iter()
        .map(|(l, kp)| Member::of_leaf(l.0, &kp.leaf_node))
        .collect();
    let mut committer_update = None;
    if let Some((leaf, new_leaf)) = parts.path_leaf {
        let after = Member::of_leaf(leaf.0, new_leaf);
        match sender.sender {
            Sender::Member(_) => {
                committer_update = Some(MemberUpdate {
                    before: member(*leaf)?,
                    after,
                });
            }
            _ => added.push(after),
        }
    }
    let removed = applied
        .removed
        .iter()
        .map(|l| member(*l))
        .collect::<Result<Vec<_>, _>>()?;
    let mut updated = Vec::with_capacity(applied.updated.len());
    for leaf in &applied.updated {
        let after = resolved
            .iter()
            .rev()
            .find_map(|(item, _)| match &item.proposal {
                Proposal::Update(u) if item.sender == Sender::Member(leaf.0) => {
                    Some(Member::of_leaf(leaf.0, &u.leaf_node))
                }
                _ => None,
            });
        let after = after.ok_or(Error::Internal("an applied Update without its proposal"))?;
        updated.push(MemberUpdate {
            before: member(*leaf)?,
            after,
        });
    }
    let replaced_extensions = resolved
        .iter()
        .any(|(i, _)| matches!(i.proposal, Proposal::GroupContextExtensions(_)));
    Ok(CommitSummary {
        sender,
        epoch: parts.epoch,
        proposals,
        added,
        removed,
        updated,
        committer_update,
        extensions: replaced_extensions.then(|| applied.extensions.clone()),
        has_path: parts.path_leaf.is_some(),
        removed_us: parts.removed_us,
        reinit: applied.reinit.clone(),
    })
}

/// The sender of a proposal of the current epoch, as it is in `tree`;
/// `external` is the decoded `external_senders` of the GroupContext.
pub(crate) fn current_sender(
    tree: &PublicTree,
    sender: Sender,
    proposal: &Proposal,
    external: Option<&ExternalSenders>,
) -> Result<MessageSender, Error> {
    let (credential, signature_key) = match sender {
        Sender::Member(leaf) => {
            let l = tree
                .leaf(LeafIndex(leaf))
                .ok_or(ProtocolError::SenderLeafBlank(leaf))?;
            (l.credential.clone(), l.signature_key.as_slice().to_vec())
        }
        Sender::External(index) => {
            let s = external
                .and_then(|s| s.get(index))
                .ok_or(ProtocolError::ExternalSenderOutOfRange(index))?;
            (s.credential.clone(), s.signature_key.as_slice().to_vec())
        }
        Sender::NewMemberProposal => match proposal {
            Proposal::Add(add) => (
                add.key_package.leaf_node.credential.clone(),
                add.key_package.leaf_node.signature_key.as_slice().to_vec(),
            ),
            _ => return Err(Error::Internal("a new member's proposal other than Add")),
        },
        Sender::NewMemberCommit => {
            return Err(Error::Internal(
                "a cached proposal from a new member's commit",
            ));
        }
    };
    Ok(MessageSender {
        sender,
        credential,
        signature_key,
    })
}
