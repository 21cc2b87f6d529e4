//! Proposal-list validation (RFC 9420 §12.2) and application (§12.3),
//! shared by the member creating a commit and those processing it.

use super::config::GroupConfig;
use super::key_index::ProvisionalKeys;
use crate::credential::CredentialValidator;
use crate::error::{Error, ProtocolError};
use crate::extensions::Extensions;
use crate::framing::Sender;
use crate::group::proposal::{ExternalInit, Proposal, ProposalType, ReInit};
use crate::key_package::KeyPackage;
use crate::key_package::validate::validate_key_package;
use crate::key_schedule::{GroupContext, PreSharedKeyId, Psk, ResumptionPskUsage};
use crate::provider::CipherSuiteProvider;
use crate::tree::leaf_node::{LeafNodeSource, LeafNodeTbsContext};
use crate::tree::leaf_validation::{
    ExpectedSource, LeafNodeValidator, LifetimeCheck, MemberCredentialTypes,
    check_update_changes_encryption_key, is_default_extension, is_default_proposal,
};
use crate::tree::public_tree::PublicTree;
use crate::tree_math::LeafIndex;
use std::collections::HashSet;

/// One proposal of a commit, with its sender.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ListItem {
    pub(crate) proposal: Proposal,
    pub(crate) sender: Sender,
    pub(crate) by_reference: bool,
}

/// Who commits: a member, or a new member by external commit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Committer {
    Member(LeafIndex),
    External,
}

impl Committer {
    /// The committer a commit's sender makes (§6: only a member or a new
    /// member's commit may carry a Commit).
    pub(crate) fn of(sender: Sender) -> Result<Self, Error> {
        match sender {
            Sender::Member(l) => Ok(Committer::Member(LeafIndex(l))),
            Sender::NewMemberCommit => Ok(Committer::External),
            other => Err(ProtocolError::SenderContentMismatch {
                sender: other.name(),
                content: "commit",
            }
            .into()),
        }
    }
}

/// What applying a proposal list produced, besides the tree changes.
#[derive(Clone, Debug, Default)]
pub(crate) struct Applied {
    /// The GroupContext extensions of the new epoch.
    pub(crate) extensions: Extensions,
    /// New members, in the order of their Adds, with their leaves.
    pub(crate) added: Vec<(LeafIndex, KeyPackage)>,
    pub(crate) removed: Vec<LeafIndex>,
    pub(crate) updated: Vec<LeafIndex>,
    pub(crate) psks: Vec<PreSharedKeyId>,
    pub(crate) external_init: Option<ExternalInit>,
    pub(crate) reinit: Option<ReInit>,
    /// §12.4: the commit must carry a path.
    pub(crate) path_required: bool,
}

impl Applied {
    /// The leaves of the members this commit adds, who get no path secret.
    pub(crate) fn joiners(&self) -> Vec<LeafIndex> {
        self.added.iter().map(|(l, _)| *l).collect()
    }
}

/// What the checks need from the group.
pub(crate) struct ListContext<'a> {
    pub(crate) suite: &'a dyn CipherSuiteProvider,
    pub(crate) context: &'a GroupContext,
    pub(crate) config: &'a GroupConfig,
    pub(crate) credential_validator: &'a dyn CredentialValidator,
    pub(crate) credential_types: &'a MemberCredentialTypes,
    pub(crate) now: u64,
    /// The first commit of a re-initialized or branched group (§11.2,
    /// §11.3), where a resumption PSK with usage reinit or branch belongs.
    pub(crate) resumption_commit: bool,
}

impl<'a> ListContext<'a> {
    /// The context of a group whose state is given field by field, so the
    /// caller may still change its tree.
    pub(crate) fn new<P: crate::provider::Provider>(
        client: &'a super::client::Client<P>,
        suite: &'a dyn CipherSuiteProvider,
        context: &'a GroupContext,
        config: &'a GroupConfig,
        credential_types: &'a MemberCredentialTypes,
    ) -> Self {
        Self {
            suite,
            context,
            config,
            credential_validator: client.credential_validator(),
            credential_types,
            now: client.now(),
            resumption_commit: false,
        }
    }

    pub(crate) fn validator(&self) -> LeafNodeValidator<'_> {
        let lifetime = if self.config.check_lifetimes {
            LifetimeCheck::At(self.now)
        } else {
            LifetimeCheck::Skip
        };
        LeafNodeValidator::new(self.suite, self.credential_validator, self.now)
            .with_group_id(self.context.group_id.as_slice())
            .with_members(self.credential_types)
            .with_lifetime_check(lifetime)
    }
}

/// §5.3.1, §12.1.8.1: every credential of an `external_senders` extension
/// is validated by the Authentication Service before the group accepts it.
pub(crate) fn check_external_senders(
    validator: &dyn crate::credential::CredentialValidator,
    extensions: &crate::extensions::Extensions,
    group_id: &[u8],
    now: u64,
) -> Result<(), Error> {
    use crate::credential::{CredentialCheck, CredentialUse};
    let Some(senders) = extensions.external_senders()? else {
        return Ok(());
    };
    for sender in senders.0.as_slice() {
        let check = CredentialCheck::new(
            &sender.credential,
            sender.signature_key.as_slice(),
            CredentialUse::ExternalSender,
            now,
        )
        .in_group(group_id);
        validator
            .validate(&check)
            .map_err(|reason| ProtocolError::CredentialRejected { reason })?;
    }
    Ok(())
}

/// §17.4 "External" column: the proposal types an external sender may send.
fn external_sender_may_send(t: ProposalType) -> bool {
    matches!(
        t,
        ProposalType::ADD
            | ProposalType::REMOVE
            | ProposalType::PSK
            | ProposalType::REINIT
            | ProposalType::GROUP_CONTEXT_EXTENSIONS
    )
}

/// Checks a single received proposal when it arrives (§12.1, §12.1.8):
/// every rule that does not depend on the rest of a commit, so that a
/// proposal that could never be committed is refused at once instead of
/// being cached and blocking our next commit.
pub(crate) fn check_received_proposal(
    ctx: &ListContext<'_>,
    tree: &PublicTree,
    index: &super::key_index::KeyIndex,
    proposal: &Proposal,
    sender: Sender,
) -> Result<(), Error> {
    let t = proposal.proposal_type();
    if let Sender::External(_) = sender
        && !external_sender_may_send(t)
    {
        return Err(ProtocolError::ExternalSenderProposalType(t.0).into());
    }
    let required = ctx.context.extensions.required_capabilities()?;
    let validator = ctx
        .validator()
        .with_required_capabilities(required.as_ref());
    let keys = ProvisionalKeys::new(index, tree);
    match proposal {
        Proposal::Remove(r) if tree.leaf(LeafIndex(r.removed)).is_none() => {
            return Err(ProtocolError::RemoveOfBlankLeaf(r.removed).into());
        }
        Proposal::PreSharedKey(p) => check_psk(ctx.suite, &p.psk, false)?,
        Proposal::ExternalInit(_) => {
            return Err(ProtocolError::ExternalInitInRegularCommit.into());
        }
        // §12.1.1: the KeyPackage is valid (§10.1) for this group.
        Proposal::Add(add) => {
            check_lifetime_bound(ctx.config, &add.key_package)?;
            let existing =
                index.signature_key_leaf(tree, add.key_package.leaf_node.signature_key.as_slice());
            if let Some(leaf) = existing {
                return Err(ProtocolError::AddOfExistingMember(leaf).into());
            }
            validate_key_package(
                &add.key_package,
                &validator,
                &keys.for_leaf(LeafIndex(u32::MAX)),
            )?;
        }
        // §12.1.2: the new leaf is valid for an Update by its sender.
        Proposal::Update(update) => {
            let Sender::Member(leaf) = sender else {
                return Err(ProtocolError::ExternalSenderProposalType(t.0).into());
            };
            let leaf = LeafIndex(leaf);
            let current = tree
                .leaf(leaf)
                .ok_or(ProtocolError::SenderLeafBlank(leaf.0))?;
            check_update_changes_encryption_key(&update.leaf_node, current)?;
            let source = ExpectedSource::Update(LeafNodeTbsContext {
                group_id: ctx.context.group_id.as_slice(),
                leaf_index: leaf,
            });
            validator
                .with_predecessor(&current.credential, current.signature_key.as_slice())
                .validate(&update.leaf_node, source, &keys.for_leaf(leaf))?;
        }
        Proposal::GroupContextExtensions(g) => {
            g.extensions.check_no_duplicates()?;
            let required = g.extensions.required_capabilities()?;
            check_external_senders(
                ctx.credential_validator,
                &g.extensions,
                ctx.context.group_id.as_slice(),
                ctx.now,
            )?;
            check_members_support(tree, &g.extensions, required.as_ref())?;
        }
        _ => {}
    }
    // §12.2: a non-default type every member must support.
    if !is_default_proposal(t) {
        let items = [ListItem {
            proposal: proposal.clone(),
            sender,
            by_reference: true,
        }];
        check_proposal_types_supported(tree, &items)?;
    }
    Ok(())
}

/// §12.1.4: the nonce length, and no reinit or branch usage outside those
/// operations.
fn check_psk(
    suite: &dyn CipherSuiteProvider,
    id: &PreSharedKeyId,
    reinit_or_branch_allowed: bool,
) -> Result<(), Error> {
    id.check_nonce_length(suite)?;
    if let Psk::Resumption(r) = &id.psk
        && matches!(
            r.usage,
            ResumptionPskUsage::Reinit | ResumptionPskUsage::Branch
        )
        && !reinit_or_branch_allowed
    {
        return Err(ProtocolError::PskUsageNotAllowed.into());
    }
    Ok(())
}

/// Validates `items` (§12.2) and applies them to `tree` (§12.3), which
/// must be recording changes: on error the caller rolls the tree back.
/// `keys` tracks key uniqueness over the changing tree.
pub(crate) fn apply(
    ctx: &ListContext<'_>,
    tree: &mut PublicTree,
    index: &super::key_index::KeyIndex,
    items: &[ListItem],
    committer: Committer,
) -> Result<Applied, Error> {
    check_list_rules(ctx, tree, items, committer)?;
    let mut out = Applied {
        extensions: ctx.context.extensions.clone(),
        path_required: items.is_empty() || committer == Committer::External,
        ..Applied::default()
    };
    for item in items {
        out.path_required |= matches!(
            item.proposal,
            Proposal::Update(_)
                | Proposal::Remove(_)
                | Proposal::ExternalInit(_)
                | Proposal::GroupContextExtensions(_)
        );
        // Custom proposal types require a path unless known otherwise
        // (§17.4: "path required" defaults to yes for new types).
        out.path_required |= matches!(item.proposal, Proposal::Custom(_));
    }

    // 1. GroupContextExtensions (§12.1.7): replaced first, and used for the rest.
    let gce = items.iter().find_map(|i| match &i.proposal {
        Proposal::GroupContextExtensions(g) => Some(&g.extensions),
        _ => None,
    });
    if let Some(extensions) = gce {
        extensions.check_no_duplicates()?;
        // Decoding the known ones checks their syntax.
        extensions.required_capabilities()?;
        check_external_senders(
            ctx.credential_validator,
            extensions,
            ctx.context.group_id.as_slice(),
            ctx.now,
        )?;
        out.extensions = extensions.clone();
    }
    let required = out.extensions.required_capabilities()?;
    let validator = ctx
        .validator()
        .with_required_capabilities(required.as_ref());

    let group_id = ctx.context.group_id.as_slice();
    let removed = removed_leaves(items);

    // 2. Updates (§12.1.2).
    for item in items {
        let Proposal::Update(update) = &item.proposal else {
            continue;
        };
        let Sender::Member(leaf) = item.sender else {
            return Err(ProtocolError::ExternalSenderProposalType(ProposalType::UPDATE.0).into());
        };
        let leaf = LeafIndex(leaf);
        let current = tree
            .leaf(leaf)
            .ok_or(ProtocolError::SenderLeafBlank(leaf.0))?;
        check_update_changes_encryption_key(&update.leaf_node, current)?;
        {
            let keys = ProvisionalKeys::new(index, tree);
            let source = ExpectedSource::Update(LeafNodeTbsContext {
                group_id,
                leaf_index: leaf,
            });
            validator
                .with_predecessor(&current.credential, current.signature_key.as_slice())
                .validate(&update.leaf_node, source, &keys.for_leaf(leaf))?;
        }
        tree.update_leaf(leaf, update.leaf_node.clone())?;
        out.updated.push(leaf);
    }

    // 3. Removes (§12.1.3).
    for item in items {
        if let Proposal::Remove(r) = &item.proposal {
            let leaf = LeafIndex(r.removed);
            if tree.leaf(leaf).is_none() {
                return Err(ProtocolError::RemoveOfBlankLeaf(r.removed).into());
            }
            tree.remove_leaf(leaf)?;
            out.removed.push(leaf);
        }
    }

    // 4. Adds (§12.1.1), in list order. The signatures of a batch are
    // checked up front, on every core with `parallel`; an Add whose
    // signatures fail is validated in full below, so the error and its
    // order are the same as without the batch.
    let presigned = verify_add_signatures(ctx.suite, items);
    let mut new_signature = std::collections::HashMap::new();
    let mut new_encryption = std::collections::HashMap::new();
    let adds = items.iter().filter_map(|i| match &i.proposal {
        Proposal::Add(add) => Some(add),
        _ => None,
    });
    for (add_index, add) in adds.enumerate() {
        let kp = &add.key_package;
        let signature_key = kp.leaf_node.signature_key.as_slice();
        if new_signature.contains_key(signature_key) {
            return Err(ProtocolError::DuplicateAdd.into());
        }
        // §12.2: a client already in the group (same signature key) and
        // not removed by this commit.
        if let Some(existing) = index.signature_key_leaf(tree, signature_key)
            && !removed.contains(&existing)
        {
            return Err(ProtocolError::AddOfExistingMember(existing).into());
        }
        check_lifetime_bound(ctx.config, kp)?;
        {
            let mut keys = ProvisionalKeys::new(index, tree);
            keys.new_signature = std::mem::take(&mut new_signature);
            keys.new_encryption = std::mem::take(&mut new_encryption);
            // The new leaf's index is not known yet; u32::MAX excludes nothing.
            let add_validator = if presigned.get(add_index).copied().unwrap_or(false) {
                validator.with_signatures_verified()
            } else {
                validator
            };
            let result =
                validate_key_package(kp, &add_validator, &keys.for_leaf(LeafIndex(u32::MAX)));
            new_signature = keys.new_signature;
            new_encryption = keys.new_encryption;
            result?;
        }
        if tree.size().leaf_count() >= ctx.config.leaf_limit()
            && !tree_has_blank_leaf_below(tree, ctx.config.leaf_limit())
        {
            return Err(ProtocolError::TooManyMembers(ctx.config.leaf_limit()).into());
        }
        let leaf = tree.add_leaf(kp.leaf_node.clone())?;
        if leaf.0 >= ctx.config.leaf_limit() {
            return Err(ProtocolError::TooManyMembers(ctx.config.leaf_limit()).into());
        }
        new_signature.insert(signature_key.to_vec(), leaf.0);
        new_encryption.insert(kp.leaf_node.encryption_key.as_slice().to_vec(), leaf.0);
        out.added.push((leaf, kp.clone()));
    }

    // 5.–7. PSKs in order, ExternalInit, ReInit (§12.3).
    for item in items {
        match &item.proposal {
            Proposal::PreSharedKey(p) => out.psks.push(p.psk.clone()),
            Proposal::ExternalInit(e) => out.external_init = Some(e.clone()),
            Proposal::ReInit(r) => out.reinit = Some(r.clone()),
            _ => {}
        }
    }

    // §12.1.7, §12.2: every member that stays supports the new extensions
    // and required capabilities (checked once the membership is final).
    if gce.is_some() {
        check_members_support(tree, &out.extensions, required.as_ref())?;
    }
    Ok(out)
}

/// The first blank leaf is below `max` (so an Add stays within bounds).
fn tree_has_blank_leaf_below(tree: &PublicTree, max: u32) -> bool {
    (0..tree.size().leaf_count().min(max)).any(|i| tree.leaf(LeafIndex(i)).is_none())
}

/// §7.2: the configured bound on the total lifetime of a KeyPackage,
/// enforced whether or not expiry is checked.
fn check_lifetime_bound(config: &GroupConfig, kp: &KeyPackage) -> Result<(), Error> {
    if let (Some(max), LeafNodeSource::KeyPackage(lifetime)) = (
        config.max_key_package_lifetime,
        &kp.leaf_node.leaf_node_source,
    ) && lifetime.not_after.saturating_sub(lifetime.not_before) > max
    {
        return Err(ProtocolError::LifetimeTooLong {
            not_before: lifetime.not_before,
            not_after: lifetime.not_after,
            max,
        }
        .into());
    }
    Ok(())
}

/// Whether the KeyPackage and leaf signatures of each Add verify, in Add
/// order. Only worth it for batches, and only parallel with `parallel`.
fn verify_add_signatures(suite: &dyn CipherSuiteProvider, items: &[ListItem]) -> Vec<bool> {
    let adds: Vec<&KeyPackage> = items
        .iter()
        .filter_map(|i| match &i.proposal {
            Proposal::Add(add) => Some(&add.key_package),
            _ => None,
        })
        .collect();
    if adds.len() < 8 {
        return vec![false; adds.len()];
    }
    let check = |kp: &&KeyPackage| {
        kp.cipher_suite == suite.cipher_suite()
            && kp.verify_signature(suite).is_ok()
            && kp.leaf_node.verify_signature(suite, None).is_ok()
    };
    #[cfg(feature = "parallel")]
    {
        use rayon::prelude::*;
        adds.par_iter().map(check).collect()
    }
    #[cfg(not(feature = "parallel"))]
    {
        adds.iter().map(check).collect()
    }
}

/// The leaves the list's Remove proposals name.
fn removed_leaves(items: &[ListItem]) -> HashSet<u32> {
    items
        .iter()
        .filter_map(|i| match &i.proposal {
            Proposal::Remove(r) => Some(r.removed),
            _ => None,
        })
        .collect()
}

/// The list-level rules of §12.2 that need no tree change.
fn check_list_rules(
    ctx: &ListContext<'_>,
    tree: &PublicTree,
    items: &[ListItem],
    committer: Committer,
) -> Result<(), Error> {
    let mut changed_leaves = HashSet::new();
    let mut psk_ids = HashSet::new();
    let mut gce_count = 0usize;
    let mut external_inits = 0usize;
    let mut removes = 0usize;
    let reinit_count = items
        .iter()
        .filter(|i| matches!(i.proposal, Proposal::ReInit(_)))
        .count();
    for item in items {
        let t = item.proposal.proposal_type();
        if let Sender::External(_) = item.sender
            && !external_sender_may_send(t)
        {
            return Err(ProtocolError::ExternalSenderProposalType(t.0).into());
        }
        if committer == Committer::External {
            if item.by_reference {
                return Err(ProtocolError::ExternalCommitByReference.into());
            }
            if !matches!(
                item.proposal,
                Proposal::ExternalInit(_) | Proposal::Remove(_) | Proposal::PreSharedKey(_)
            ) {
                return Err(ProtocolError::ExternalCommitProposalType(t.0).into());
            }
        }
        match &item.proposal {
            Proposal::Update(_) => {
                let Sender::Member(leaf) = item.sender else {
                    return Err(ProtocolError::ExternalSenderProposalType(t.0).into());
                };
                if committer == Committer::Member(LeafIndex(leaf)) {
                    return Err(ProtocolError::CommitterUpdate.into());
                }
                if !changed_leaves.insert(leaf) {
                    return Err(ProtocolError::DuplicateLeafChange(leaf).into());
                }
            }
            Proposal::Remove(r) => {
                removes = removes.saturating_add(1);
                if committer == Committer::Member(LeafIndex(r.removed)) {
                    return Err(ProtocolError::CommitterRemoved.into());
                }
                if tree.leaf(LeafIndex(r.removed)).is_none() {
                    return Err(ProtocolError::RemoveOfBlankLeaf(r.removed).into());
                }
                if !changed_leaves.insert(r.removed) {
                    return Err(ProtocolError::DuplicateLeafChange(r.removed).into());
                }
            }
            Proposal::PreSharedKey(p) => {
                check_psk(ctx.suite, &p.psk, ctx.resumption_commit)?;
                if !psk_ids.insert(p.psk.clone()) {
                    return Err(ProtocolError::DuplicatePsk.into());
                }
            }
            Proposal::GroupContextExtensions(_) => {
                gce_count = gce_count.saturating_add(1);
                if gce_count > 1 {
                    return Err(ProtocolError::MultipleGroupContextExtensions.into());
                }
            }
            Proposal::ReInit(_) => {
                if items.len() > 1 || reinit_count > 1 {
                    return Err(ProtocolError::ReInitWithOtherProposals.into());
                }
            }
            Proposal::ExternalInit(_) => {
                if committer != Committer::External {
                    return Err(ProtocolError::ExternalInitInRegularCommit.into());
                }
                external_inits = external_inits.saturating_add(1);
            }
            Proposal::Add(_) | Proposal::Custom(_) => {}
        }
    }
    if committer == Committer::External {
        if external_inits != 1 {
            return Err(ProtocolError::ExternalInitCount(external_inits).into());
        }
        if removes > 1 {
            return Err(ProtocolError::ExternalCommitRemoveCount.into());
        }
    }
    check_proposal_types_supported(tree, items)?;
    Ok(())
}

/// §12.2: a non-default proposal type must be supported by every member
/// who processes the commit (not those it removes).
fn check_proposal_types_supported(tree: &PublicTree, items: &[ListItem]) -> Result<(), Error> {
    let custom: Vec<ProposalType> = items
        .iter()
        .map(|i| i.proposal.proposal_type())
        .filter(|t| !is_default_proposal(*t))
        .collect();
    if custom.is_empty() {
        return Ok(());
    }
    let removed = removed_leaves(items);
    for (leaf, node) in tree.leaves() {
        if removed.contains(&leaf.0) {
            continue;
        }
        for t in &custom {
            if !node.capabilities.lists_proposal(*t) {
                return Err(ProtocolError::ProposalTypeUnsupported {
                    proposal_type: t.0,
                    leaf: leaf.0,
                }
                .into());
            }
        }
    }
    Ok(())
}

/// §12.1.7: every member (after the commit's adds and removes) supports
/// the required capabilities and lists every non-default extension type.
fn check_members_support(
    tree: &PublicTree,
    extensions: &Extensions,
    required: Option<&crate::extensions::RequiredCapabilities>,
) -> Result<(), Error> {
    for (leaf, node) in tree.leaves() {
        let caps = &node.capabilities;
        let listed = |t| is_default_extension(t) || caps.lists_extension(t);
        let extension_ok = extensions
            .as_slice()
            .iter()
            .all(|e| listed(e.extension_type));
        let required_ok = required.is_none_or(|r| {
            r.extension_types.as_slice().iter().all(|t| listed(*t))
                && r.proposal_types
                    .as_slice()
                    .iter()
                    .all(|t| is_default_proposal(*t) || caps.lists_proposal(*t))
                && r.credential_types
                    .as_slice()
                    .iter()
                    .all(|t| caps.supports_credential(*t))
        });
        if !extension_ok || !required_ok {
            return Err(ProtocolError::GroupContextExtensionsUnsupported(leaf.0).into());
        }
    }
    Ok(())
}
