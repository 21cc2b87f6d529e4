//! Proposals: the member RPCs (`AddProposal` … `ReInitProposal`) and the
//! runner's `ProposalDescription`s (by-value proposals in a commit, and
//! proposals from an external signer).

use super::Env;
use super::common::{key_package_from, member_named, message_bytes};
use crate::grpc::messages::{self as pb, *};
use crate::grpc::status::{invalid, mls_context, mls_error};
use crate::grpc::table::{MemberState, Table};
use mls_core::ProtocolVersion;
use mls_core::cipher_suite::CipherSuite;
use mls_core::codec::VarBytes;
use mls_core::extensions::{Extension, ExtensionType, Extensions};
use mls_core::group::proposal::{
    Add, GroupContextExtensions, PreSharedKey, Proposal, ReInit, Remove,
};
use mls_core::key_schedule::{PreSharedKeyId, Psk, ResumptionPsk, ResumptionPskUsage};
use mls_core::provider::CipherSuiteProvider;
use mls_crypto_rustcrypto::SystemRand;
use tonic::Status;

/// The runner's extensions as the library's.
pub fn extensions_from(list: &[pb::Extension]) -> Result<Extensions, Status> {
    list.iter()
        .map(|e| {
            let code = u16::try_from(e.extension_type).map_err(|_| {
                invalid(format!(
                    "extension type {} is not a uint16",
                    e.extension_type
                ))
            })?;
            Ok(Extension {
                extension_type: ExtensionType(code),
                extension_data: VarBytes::from(e.extension_data.as_slice()),
            })
        })
        .collect::<Result<Vec<_>, Status>>()
        .map(Extensions::from_vec)
}

/// A suite code the runner names in a ReInit: one with a built-in
/// definition, RFC 9420's or a provisional one, which need not be one this
/// server implements: the group only records it.
pub fn any_suite(code: u32) -> Result<CipherSuite, Status> {
    u16::try_from(code)
        .ok()
        .and_then(|code| CipherSuite::try_from(code).ok())
        .ok_or_else(|| {
            invalid(format!(
                "cipher suite {code} is not one this library defines"
            ))
        })
}

/// What turning a description into a proposal needs to know about the
/// group: its id and suite (for PSK ids and their nonces) and how to find
/// a member by identity.
pub struct DescriptionContext<'a> {
    /// The group's suite.
    pub suite: &'a dyn CipherSuiteProvider,
    /// The group's id (for resumption PSKs).
    pub group_id: &'a [u8],
    /// The leaf of the member with an identity.
    pub member: &'a dyn Fn(&[u8]) -> Result<u32, Status>,
}

/// The proposal a `ProposalDescription` asks for (`proposal_type` is
/// ASCII: `add`, `remove`, `externalPSK`, `resumptionPSK`,
/// `groupContextExtensions`, `reinit`).
pub fn from_description(
    description: &ProposalDescription,
    ctx: &DescriptionContext<'_>,
) -> Result<Proposal, Status> {
    let psk = |psk: Psk| {
        PreSharedKeyId::with_fresh_nonce(psk, ctx.suite, &SystemRand)
            .map(|psk| Proposal::PreSharedKey(PreSharedKey { psk }))
            .map_err(mls_error)
    };
    match description.proposal_type.as_slice() {
        b"add" => Ok(Proposal::Add(Add {
            key_package: key_package_from(&description.key_package, "key_package")?,
        })),
        b"remove" => Ok(Proposal::Remove(Remove {
            removed: (ctx.member)(&description.removed_id)?,
        })),
        b"externalPSK" => psk(Psk::External(VarBytes::from(description.psk_id.as_slice()))),
        b"resumptionPSK" => psk(Psk::Resumption(ResumptionPsk {
            usage: ResumptionPskUsage::Application,
            psk_group_id: VarBytes::from(ctx.group_id),
            psk_epoch: description.epoch_id,
        })),
        b"groupContextExtensions" => Ok(Proposal::GroupContextExtensions(GroupContextExtensions {
            extensions: extensions_from(&description.extensions)?,
        })),
        b"reinit" => Ok(Proposal::ReInit(ReInit {
            group_id: VarBytes::from(description.group_id.as_slice()),
            version: ProtocolVersion,
            cipher_suite: any_suite(description.cipher_suite)?,
            extensions: extensions_from(&description.extensions)?,
        })),
        other => Err(invalid(format!(
            "unknown proposal_type {:?}",
            String::from_utf8_lossy(other)
        ))),
    }
}

/// The proposals of `descriptions` for a member's own commit.
pub fn by_value(
    state: &MemberState,
    descriptions: &[ProposalDescription],
) -> Result<Vec<Proposal>, Status> {
    let group = &state.group;
    let crypto = &state.actor.client.provider().crypto;
    let suite = crypto
        .cipher_suite(group.cipher_suite())
        .map_err(mls_error)?;
    let members = group.members();
    let member = |identity: &[u8]| member_named(&members, identity);
    let ctx = DescriptionContext {
        suite,
        group_id: group.group_id(),
        member: &member,
    };
    descriptions
        .iter()
        .map(|d| from_description(d, &ctx))
        .collect()
}

/// Sends `proposal` from the member of `state_id` and remembers it as its
/// own.
fn propose(
    table: &mut Table,
    state_id: u32,
    make: impl FnOnce(&mut MemberState) -> Result<Proposal, Status>,
) -> Result<ProposalResponse, Status> {
    let state = table.member(state_id)?;
    let proposal = make(state)?;
    let message = state
        .group
        .propose(proposal)
        .map_err(mls_context("sending the proposal"))?;
    let proposal = message_bytes(&message)?;
    state.own_proposals.push(proposal.clone());
    Ok(ProposalResponse { proposal })
}

/// `AddProposal`.
pub fn add(
    _: &Env,
    table: &mut Table,
    req: AddProposalRequest,
) -> Result<ProposalResponse, Status> {
    propose(table, req.state_id, |_| {
        Ok(Proposal::Add(Add {
            key_package: key_package_from(&req.key_package, "key_package")?,
        }))
    })
}

/// `UpdateProposal`: fresh keys for our leaf; the group keeps the private
/// key for a commit that includes it.
pub fn update(
    _: &Env,
    table: &mut Table,
    req: UpdateProposalRequest,
) -> Result<ProposalResponse, Status> {
    let state = table.member(req.state_id)?;
    let message = state
        .group
        .propose_update()
        .map_err(mls_context("sending the Update"))?;
    let proposal = message_bytes(&message)?;
    state.own_proposals.push(proposal.clone());
    Ok(ProposalResponse { proposal })
}

/// `RemoveProposal`: removes the member with identity `removed_id`.
pub fn remove(
    _: &Env,
    table: &mut Table,
    req: RemoveProposalRequest,
) -> Result<ProposalResponse, Status> {
    propose(table, req.state_id, |state| {
        Ok(Proposal::Remove(Remove {
            removed: member_named(&state.group.members(), &req.removed_id)?,
        }))
    })
}

/// `ExternalPSKProposal`.
pub fn external_psk(
    _: &Env,
    table: &mut Table,
    req: ExternalPSKProposalRequest,
) -> Result<ProposalResponse, Status> {
    propose(table, req.state_id, |state| {
        let psk = state
            .group
            .external_psk_id(&req.psk_id)
            .map_err(mls_error)?;
        Ok(Proposal::PreSharedKey(PreSharedKey { psk }))
    })
}

/// `ResumptionPSKProposal`: this group's `resumption_psk` of `epoch_id`.
pub fn resumption_psk(
    _: &Env,
    table: &mut Table,
    req: ResumptionPSKProposalRequest,
) -> Result<ProposalResponse, Status> {
    propose(table, req.state_id, |state| {
        let psk = state
            .group
            .resumption_psk_id(req.epoch_id)
            .map_err(mls_error)?;
        Ok(Proposal::PreSharedKey(PreSharedKey { psk }))
    })
}

/// `GroupContextExtensionsProposal`.
pub fn group_context_extensions(
    _: &Env,
    table: &mut Table,
    req: GroupContextExtensionsProposalRequest,
) -> Result<ProposalResponse, Status> {
    propose(table, req.state_id, |_| {
        Ok(Proposal::GroupContextExtensions(GroupContextExtensions {
            extensions: extensions_from(&req.extensions)?,
        }))
    })
}

/// `ReInitProposal`.
pub fn reinit(
    _: &Env,
    table: &mut Table,
    req: ReInitProposalRequest,
) -> Result<ProposalResponse, Status> {
    propose(table, req.state_id, |_| {
        Ok(Proposal::ReInit(ReInit {
            group_id: VarBytes::from(req.group_id.as_slice()),
            version: ProtocolVersion,
            cipher_suite: any_suite(req.cipher_suite)?,
            extensions: extensions_from(&req.extensions)?,
        }))
    })
}
