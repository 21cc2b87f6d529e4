//! Joining by external commit (RFC 9420 §12.4.3.2), including resync, and
//! proposals from outside the group (§12.1.8): `new_member_proposal` and
//! `external` senders.

use super::client::Client;
use super::config::GroupConfig;
use super::epoch_step::{key_schedule_step, provisional_context};
use super::identity::SigningIdentity;
use super::join::{check_extensions_supported, tree_from, verify_group_info_and_tree};
use super::key_index::{KeyIndex, member_credential_types};
use super::proposal_list::{self, Committer, ListContext, ListItem};
use super::state::Group;
use crate::codec::{VarBytes, VarVec};
use crate::error::{Error, Misuse, ProtocolError};
use crate::extensions::Extensions;
use crate::framing::{
    AuthenticatedContent, Content, FramedContent, MlsMessage, MlsMessageBody, PublicMessage,
    Sender, WireFormat,
};
use crate::group::commit::Commit;
use crate::group::group_info::GroupInfo;
use crate::group::proposal::{Add, ExternalInit, PreSharedKey, Proposal, ProposalOrRef, Remove};
use crate::key_package::KeyPackage;
use crate::key_schedule::transcript::interim_transcript_hash;
use crate::key_schedule::{GroupContext, PreSharedKeyId, Psk, external_init_secret_to, psk_secret};
use crate::provider::{CipherSuiteProvider, Provider, Signer};
use crate::secret::Secret;
use crate::tree::leaf_node::LeafNodeSource;
use crate::tree::node::RatchetTree;
use crate::tree::treekem::create_update_path;

/// Options of [`Group::join_by_external_commit`].
#[derive(Clone, Debug, Default)]
pub struct ExternalJoinOptions {
    /// The ratchet tree, when the GroupInfo does not carry it.
    pub ratchet_tree: Option<RatchetTree>,
    /// Resync: the leaf of our earlier appearance in the group, removed by
    /// the same commit (§12.4.3.2). Our new leaf must carry the same
    /// credential.
    pub remove_prior_leaf: Option<u32>,
    /// External PSKs to inject (from the client's store).
    pub external_psks: Vec<Vec<u8>>,
    /// Data authenticated with the commit.
    pub authenticated_data: Vec<u8>,
    /// Who we are in the group, if not the client's default identity
    /// (added to the client's identities).
    pub identity: Option<SigningIdentity>,
}

impl<P: Provider> Group<P> {
    /// Joins the group of `group_info` (an MLSMessage carrying a GroupInfo
    /// with `external_pub`) by external commit. Returns our group, in the
    /// new epoch, and the commit to send to the group.
    ///
    /// Nothing is stored yet: the group has a pending commit. Once the
    /// delivery service accepted the commit, call
    /// [`merge_pending_commit`](Group::merge_pending_commit), which stores
    /// the group; until then the group refuses every other use with
    /// [`Misuse::UnmergedExternalJoin`]. If the delivery service refused
    /// it, drop the group: nothing was stored, so joining again (or a
    /// resync of an existing group, which stays as it was) just works.
    pub fn join_by_external_commit(
        client: &Client<P>,
        group_info: &MlsMessage,
        config: GroupConfig,
        options: ExternalJoinOptions,
    ) -> Result<(Self, MlsMessage), Error> {
        let MlsMessageBody::GroupInfo(info) = &group_info.body else {
            return Err(Misuse::UnexpectedMessage("a GroupInfo").into());
        };
        external_join(client, info, config, options)
    }
}

fn external_join<P: Provider>(
    client: &Client<P>,
    info: &GroupInfo,
    config: GroupConfig,
    options: ExternalJoinOptions,
) -> Result<(Group<P>, MlsMessage), Error> {
    let resync = options.remove_prior_leaf.is_some();
    let old = &info.group_context;
    let suite = client.suite(old.cipher_suite)?;
    let identity = match &options.identity {
        Some(identity) => {
            super::client::check_scheme(identity, suite.definition().signature)?;
            client.add_identity(identity.clone());
            identity.clone()
        }
        None => client.default_identity().clone(),
    };
    let rand = &client.provider().rand();
    let mut tree = tree_from(info, options.ratchet_tree.clone(), config.leaf_limit())?;
    verify_group_info_and_tree(
        client.credential_validator(),
        client.now(),
        suite,
        info,
        &mut tree,
        &config,
    )?;
    check_extensions_supported(client, &old.extensions)?;
    let external_pub = info
        .extensions
        .external_pub()?
        .ok_or(ProtocolError::ExternalPubMissing)?;
    // §8.3: the init secret of the new epoch, and the KEM output for members.
    let export = external_init_secret_to(suite, external_pub.external_pub.as_slice(), rand)?;

    let mut proposals = vec![Proposal::ExternalInit(ExternalInit {
        kem_output: VarBytes::new(export.kem_output.clone()),
    })];
    if let Some(leaf) = options.remove_prior_leaf {
        proposals.push(Proposal::Remove(Remove { removed: leaf }));
    }
    let mut psk_values = Vec::new();
    for id in &options.external_psks {
        let psk = client.external_psk(id)?.ok_or(ProtocolError::PskNotFound)?;
        let psk_id = PreSharedKeyId::with_fresh_nonce(
            Psk::External(VarBytes::from(id.as_slice())),
            suite,
            rand,
        )?;
        proposals.push(Proposal::PreSharedKey(PreSharedKey {
            psk: psk_id.clone(),
        }));
        psk_values.push((psk_id, psk));
    }
    let items: Vec<ListItem> = proposals
        .iter()
        .map(|p| ListItem {
            proposal: p.clone(),
            sender: Sender::NewMemberCommit,
            by_reference: false,
        })
        .collect();
    let index = KeyIndex::build(&tree);
    let credential_types = member_credential_types(&tree);
    let ctx = ListContext::new(client, suite, old, &config, &credential_types);
    let applied = proposal_list::apply(&ctx, &mut tree, &index, &items, Committer::External)?;

    // §12.4.3.2: we take the leftmost blank leaf, then send a full path.
    let template = client.leaf_template_for(&identity, LeafNodeSource::Update, Extensions::new());
    let own_leaf = tree.add_leaf(template.clone())?;
    if own_leaf.0 >= config.leaf_limit() {
        return Err(ProtocolError::TooManyMembers(config.leaf_limit()).into());
    }
    let mut provisional = provisional_context(old, &applied.extensions)?;
    let created = create_update_path(
        &mut tree,
        suite,
        rand,
        identity.signer.as_ref(),
        own_leaf,
        template,
        &[],
        &mut provisional,
    )?;
    let commit = Commit {
        proposals: VarVec::new(proposals.into_iter().map(ProposalOrRef::Proposal).collect()),
        path: Some(created.update_path),
    };
    let framed = FramedContent {
        group_id: old.group_id.clone(),
        epoch: old.epoch,
        sender: Sender::NewMemberCommit,
        authenticated_data: VarBytes::new(options.authenticated_data),
        content: Content::Commit(commit),
    };
    let mut content = AuthenticatedContent::sign(
        suite,
        identity.signer.as_ref(),
        WireFormat::PublicMessage,
        framed,
        Some(old),
    )?;
    let interim_before = interim_transcript_hash(
        suite,
        old.confirmed_transcript_hash.as_slice(),
        info.confirmation_tag.as_slice(),
    )?;
    let psk = psk_secret(suite, &psk_values)?;
    let step = key_schedule_step(
        suite,
        &interim_before,
        &content,
        provisional,
        &export.secret,
        &created.commit_secret,
        psk,
    )?;
    content.set_confirmation_tag(step.confirmation_tag.clone());
    // A new member's commit carries no membership tag (§6.2): the key is unused.
    let message = PublicMessage::from_authenticated(suite, content, &Secret::new(Vec::new()), old)?;
    let mut group = Group::from_parts(
        client.clone(),
        config,
        step.context,
        tree,
        created.private_keys,
        own_leaf,
        step.secrets,
        step.interim_transcript_hash,
        step.confirmation_tag,
    );
    // Stored at merge (a resync then replaces our stored state of the
    // group): the delivery service may refuse the commit.
    group.unmerged_external_join = Some(resync);
    Ok((
        group,
        MlsMessage::new(MlsMessageBody::PublicMessage(message)),
    ))
}

impl<P: Provider> Client<P> {
    /// A `new_member_proposal` (§12.1.8): asks the group of `group_info`
    /// to add us with `key_package`. Sent as a PublicMessage, signed with
    /// the KeyPackage's key; a member commits it by reference.
    pub fn new_member_proposal(
        &self,
        group_info: &MlsMessage,
        key_package: KeyPackage,
    ) -> Result<MlsMessage, Error> {
        let MlsMessageBody::GroupInfo(info) = &group_info.body else {
            return Err(Misuse::UnexpectedMessage("a GroupInfo").into());
        };
        let suite = self.suite(info.group_context.cipher_suite)?;
        external_message(
            suite,
            self.signer(),
            &info.group_context,
            Sender::NewMemberProposal,
            Proposal::Add(Add { key_package }),
        )
    }
}

/// A proposal from an `external` sender (§12.1.8): the party at
/// `sender_index` in the group's `external_senders` extension, signing
/// with `signer`, for the group whose current GroupContext is `context`
/// (from a GroupInfo). External senders may send Add, Remove,
/// PreSharedKey, ReInit and GroupContextExtensions.
pub fn external_proposal(
    suite: &dyn CipherSuiteProvider,
    signer: &dyn Signer,
    context: &GroupContext,
    sender_index: u32,
    proposal: Proposal,
) -> Result<MlsMessage, Error> {
    external_message(
        suite,
        signer,
        context,
        Sender::External(sender_index),
        proposal,
    )
}

fn external_message(
    suite: &dyn CipherSuiteProvider,
    signer: &dyn Signer,
    context: &GroupContext,
    sender: Sender,
    proposal: Proposal,
) -> Result<MlsMessage, Error> {
    let framed = FramedContent {
        group_id: context.group_id.clone(),
        epoch: context.epoch,
        sender,
        authenticated_data: VarBytes::default(),
        content: Content::Proposal(proposal),
    };
    framed.check_sender_rules()?;
    let content = AuthenticatedContent::sign(
        suite,
        signer,
        WireFormat::PublicMessage,
        framed,
        Some(context),
    )?;
    let message =
        PublicMessage::from_authenticated(suite, content, &Secret::new(Vec::new()), context)?;
    Ok(MlsMessage::new(MlsMessageBody::PublicMessage(message)))
}
