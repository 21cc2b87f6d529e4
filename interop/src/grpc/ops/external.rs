//! Proposals from outside the group (§12.1.8): a new member asking to be
//! added, and an external sender the group lists in `external_senders`.

use super::Env;
use super::common::{leaf_named, message_bytes, new_key_package, optional_tree};
use super::proposals::{DescriptionContext, from_description};
use crate::grpc::actor::{NewActor, signature_key, suite_of};
use crate::grpc::messages::*;
use crate::grpc::status::{invalid, mls_context, mls_error};
use crate::grpc::table::{Entry, ExternalSigner, PendingJoin, Table, decode_message};
use mls_core::codec::{VarBytes, VarVec, decode_exact, encode};
use mls_core::credential::Credential;
use mls_core::extensions::{Extension, ExtensionType, Extensions, ExternalSender, ExternalSenders};
use mls_core::group::external_proposal;
use mls_core::group::proposal::{GroupContextExtensions, Proposal};
use tonic::Status;

/// `NewMemberAddProposal`: a new client asks the group of `group_info` to
/// add it; returns the transaction to join with and the private keys.
pub fn new_member_add_proposal(
    env: &Env,
    table: &mut Table,
    req: NewMemberAddProposalRequest,
) -> Result<NewMemberAddProposalResponse, Status> {
    let group_info = decode_message(&req.group_info, "group_info")?;
    let info = super::common::group_info_of(&group_info, "group_info")?;
    let (
        NewActor {
            actor,
            signature_private,
        },
        suite,
    ) = env.new_actor(&req.identity, info.group_context.cipher_suite.code().into())?;
    let (key_package, init_priv, encryption_priv) = new_key_package(&actor, suite)?;
    let proposal = actor
        .client
        .new_member_proposal(&group_info, key_package)
        .map_err(mls_context("making the proposal"))?;
    let proposal = message_bytes(&proposal)?;
    let transaction_id = table.insert(Entry::Pending(PendingJoin { actor }))?;
    Ok(NewMemberAddProposalResponse {
        transaction_id,
        proposal,
        init_priv,
        encryption_priv,
        signature_priv: signature_private.as_bytes().to_vec(),
    })
}

/// `CreateExternalSigner`: a signature key and basic credential, and the
/// `ExternalSender` a member adds to the group's `external_senders`.
pub fn create_external_signer(
    env: &Env,
    table: &mut Table,
    req: CreateExternalSignerRequest,
) -> Result<CreateExternalSignerResponse, Status> {
    let crypto = env.crypto()?;
    let suite = suite_of(crypto.as_ref(), req.cipher_suite)?;
    let (_, public, signer) = signature_key(crypto.as_ref(), suite)?;
    let credential = Credential::basic(req.identity.clone());
    let external_sender = encode(&ExternalSender {
        signature_key: VarBytes::from(public.as_slice()),
        credential: credential.clone(),
    })
    .map_err(mls_error)?;
    let signer_id = table.insert(Entry::Signer(ExternalSigner {
        suite,
        signer,
        signature_key: public,
        credential,
    }))?;
    Ok(CreateExternalSignerResponse {
        signer_id,
        external_sender,
    })
}

/// `AddExternalSigner`: proposes the group's extensions with
/// `external_sender` appended to `external_senders` (§12.1.8.1).
pub fn add_external_signer(
    _: &Env,
    table: &mut Table,
    req: AddExternalSignerRequest,
) -> Result<ProposalResponse, Status> {
    let sender: ExternalSender =
        decode_exact(&req.external_sender).map_err(|e| invalid(format!("external_sender: {e}")))?;
    let state = table.member(req.state_id)?;
    let current = state.group.extensions();
    let mut senders = current
        .external_senders()
        .map_err(|e| Status::internal(format!("the group's external_senders: {e}")))?
        .map(|s| s.0.as_slice().to_vec())
        .unwrap_or_default();
    senders.push(sender);
    let data = encode(&ExternalSenders(VarVec::from(senders))).map_err(mls_error)?;
    let mut extensions: Vec<Extension> = current
        .as_slice()
        .iter()
        .filter(|e| e.extension_type != ExtensionType::EXTERNAL_SENDERS)
        .cloned()
        .collect();
    extensions.push(Extension {
        extension_type: ExtensionType::EXTERNAL_SENDERS,
        extension_data: VarBytes::new(data),
    });
    let message = state
        .group
        .propose(Proposal::GroupContextExtensions(GroupContextExtensions {
            extensions: Extensions::from_vec(extensions),
        }))
        .map_err(mls_context("proposing the external sender"))?;
    let proposal = message_bytes(&message)?;
    state.own_proposals.push(proposal.clone());
    Ok(ProposalResponse { proposal })
}

/// `ExternalSignerProposal`: a proposal signed by the external sender of
/// `signer_id`, for the group of `group_info` (whose tree comes beside it
/// or inside), at its place in the group's `external_senders` (found by
/// its key; `signer_index` if the list does not have it).
pub fn external_signer_proposal(
    env: &Env,
    table: &mut Table,
    req: ExternalSignerProposalRequest,
) -> Result<ProposalResponse, Status> {
    let group_info = decode_message(&req.group_info, "group_info")?;
    let info = super::common::group_info_of(&group_info, "group_info")?;
    let description = req
        .description
        .as_ref()
        .ok_or_else(|| invalid("description is missing"))?;
    let context = &info.group_context;
    let tree = match optional_tree(&req.ratchet_tree, "ratchet_tree")? {
        Some(tree) => Some(tree),
        None => info
            .extensions
            .ratchet_tree()
            .map_err(|e| invalid(format!("group_info's ratchet_tree: {e}")))?,
    };
    let signer = table.signer(req.signer_id)?;
    let scheme = |s: mls_core::CipherSuite| s.definition().map(|d| d.signature);
    if scheme(signer.suite).is_none() || scheme(signer.suite) != scheme(context.cipher_suite) {
        return Err(invalid("the signer's key is for another signature scheme"));
    }
    let index = context
        .extensions
        .external_senders()
        .map_err(|e| invalid(format!("group_info's external_senders: {e}")))?
        .and_then(|senders| {
            senders
                .0
                .as_slice()
                .iter()
                .position(|s| s.signature_key.as_slice() == signer.signature_key.as_slice())
        })
        .map(u32::try_from)
        .transpose()
        .map_err(|_| invalid("external_senders is too long"))?
        .unwrap_or(req.signer_index);
    let crypto = env.crypto()?;
    let suite = crypto
        .cipher_suite(context.cipher_suite)
        .map_err(mls_error)?;
    let member = |identity: &[u8]| match &tree {
        Some(tree) => leaf_named(tree, identity),
        None => Err(invalid(
            "a remove needs the ratchet tree, and none was given",
        )),
    };
    let ctx = DescriptionContext {
        suite,
        group_id: context.group_id.as_slice(),
        member: &member,
    };
    let proposal = from_description(description, &ctx)?;
    let message = external_proposal(suite, signer.signer.as_ref(), context, index, proposal)
        .map_err(mls_context("signing the external proposal"))?;
    Ok(ProposalResponse {
        proposal: message_bytes(&message)?,
    })
}
