//! Operations on a member's group: reading it (`GroupInfo`, `StateAuth`,
//! `Export`), application messages, PSKs, and commits made and received.

use super::Env;
use super::common::{message_bytes, tree_bytes};
use super::proposals::by_value;
use crate::grpc::messages::*;
use crate::grpc::status::{invalid, mls_context, mls_error};
use crate::grpc::table::{MemberState, Table, decode_message};
use mls_core::group::ProcessedMessage;
use tonic::Status;

/// `GroupInfo`: signed for external joiners, with the tree inside or, if
/// `external_tree`, beside it.
pub fn group_info(
    _: &Env,
    table: &mut Table,
    req: GroupInfoRequest,
) -> Result<GroupInfoResponse, Status> {
    let state = table.member(req.state_id)?;
    let info = state
        .group
        .group_info(!req.external_tree)
        .map_err(mls_context("signing the GroupInfo"))?;
    Ok(GroupInfoResponse {
        group_info: message_bytes(&info)?,
        ratchet_tree: tree_bytes(&state.group, req.external_tree)?,
    })
}

/// `StateAuth`: the epoch authenticator (§8.7).
pub fn state_auth(
    _: &Env,
    table: &mut Table,
    req: StateAuthRequest,
) -> Result<StateAuthResponse, Status> {
    Ok(StateAuthResponse {
        state_auth_secret: table
            .member(req.state_id)?
            .group
            .epoch_authenticator()
            .to_vec(),
    })
}

/// `Export`: `MLS-Exporter(label, context, key_length)` (§8.5).
pub fn export(_: &Env, table: &mut Table, req: ExportRequest) -> Result<ExportResponse, Status> {
    let length = u16::try_from(req.key_length)
        .map_err(|_| invalid(format!("key_length {} is not a uint16", req.key_length)))?;
    let secret = table
        .member(req.state_id)?
        .group
        .export_secret(&req.label, &req.context, length)
        .map_err(mls_error)?;
    Ok(ExportResponse {
        exported_secret: secret.as_bytes().to_vec(),
    })
}

/// `Protect`: an application message.
pub fn protect(_: &Env, table: &mut Table, req: ProtectRequest) -> Result<ProtectResponse, Status> {
    let message = table
        .member(req.state_id)?
        .group
        .encrypt_application_message(&req.plaintext, &req.authenticated_data)
        .map_err(mls_context("protecting"))?;
    Ok(ProtectResponse {
        ciphertext: message_bytes(&message)?,
    })
}

/// `Unprotect`: an application message from another member.
pub fn unprotect(
    _: &Env,
    table: &mut Table,
    req: UnprotectRequest,
) -> Result<UnprotectResponse, Status> {
    let message = decode_message(&req.ciphertext, "ciphertext")?;
    match table
        .member(req.state_id)?
        .group
        .process_message(&message)
        .map_err(mls_context("unprotecting"))?
    {
        ProcessedMessage::Application(application) => Ok(UnprotectResponse {
            authenticated_data: application.authenticated_data,
            plaintext: application.data,
        }),
        _ => Err(invalid(
            "ciphertext is a handshake message, not application data",
        )),
    }
}

/// `StorePSK`: an external PSK, for a member or for a client waiting for
/// a Welcome that uses it.
pub fn store_psk(
    _: &Env,
    table: &mut Table,
    req: StorePSKRequest,
) -> Result<StorePSKResponse, Status> {
    table
        .actor_of_state_or_transaction(req.state_or_transaction_id)?
        .client
        .store_external_psk(&req.psk_id, &req.psk_secret)
        .map_err(mls_context("storing the PSK"))?;
    Ok(StorePSKResponse {})
}

/// Processes the proposals a commit references, except the member's own
/// (which it holds already and could not decrypt).
fn receive_proposals(state: &mut MemberState, proposals: &[Vec<u8>]) -> Result<(), Status> {
    for (i, bytes) in proposals.iter().enumerate() {
        if state.own_proposals.contains(bytes) {
            continue;
        }
        let message = decode_message(bytes, "proposal")?;
        match state
            .group
            .process_message(&message)
            .map_err(mls_context(&format!("proposal {i}")))?
        {
            ProcessedMessage::Proposal(_) => {}
            _ => return Err(invalid(format!("proposal {i} is not a proposal"))),
        }
    }
    Ok(())
}

/// `Commit` (and `ReInitCommit`): commits the proposals received by
/// reference, every proposal of ours of this epoch, and `by_value`; the
/// commit stays pending until `HandlePendingCommit`.
pub fn commit(_: &Env, table: &mut Table, req: CommitRequest) -> Result<CommitResponse, Status> {
    let state = table.member(req.state_id)?;
    receive_proposals(state, &req.by_reference)?;
    let proposals = by_value(state, &req.by_value)?;
    let mut builder = state
        .group
        .commit_builder()
        .force_path(req.force_path)
        .ratchet_tree_in_welcome(!req.external_tree);
    for proposal in proposals {
        builder = builder.proposal(proposal);
    }
    let output = builder.build().map_err(mls_context("committing"))?;
    let welcome = match &output.welcome {
        Some(welcome) => message_bytes(welcome)?,
        None => Vec::new(),
    };
    // Set only when there is a Welcome and it leaves the tree out.
    let ratchet_tree = match &output.ratchet_tree {
        Some(tree) => tree.to_bytes().map_err(mls_error)?,
        None => Vec::new(),
    };
    Ok(CommitResponse {
        commit: message_bytes(&output.commit)?,
        welcome,
        ratchet_tree,
    })
}

/// `HandleCommit`: another member's commit with the proposals it
/// references; the group moves to the new epoch.
pub fn handle_commit(
    _: &Env,
    table: &mut Table,
    req: HandleCommitRequest,
) -> Result<HandleCommitResponse, Status> {
    let state = table.member(req.state_id)?;
    receive_proposals(state, &req.proposal)?;
    let commit = decode_message(&req.commit, "commit")?;
    match state
        .group
        .process_and_merge(&commit)
        .map_err(mls_context("handling the commit"))?
    {
        ProcessedMessage::Commit(_) => {}
        _ => return Err(invalid("commit is not a commit")),
    }
    state.own_proposals.clear();
    Ok(HandleCommitResponse {
        state_id: req.state_id,
        epoch_authenticator: state.group.epoch_authenticator().to_vec(),
    })
}

/// `HandlePendingCommit`: our commit was accepted; moves to its epoch.
pub fn handle_pending_commit(
    _: &Env,
    table: &mut Table,
    req: HandlePendingCommitRequest,
) -> Result<HandleCommitResponse, Status> {
    let state = table.member(req.state_id)?;
    state
        .group
        .merge_pending_commit()
        .map_err(mls_context("merging our commit"))?;
    state.own_proposals.clear();
    Ok(HandleCommitResponse {
        state_id: req.state_id,
        epoch_authenticator: state.group.epoch_authenticator().to_vec(),
    })
}

/// `Free`: forgets a state, transaction, reinit or signer id. An unknown
/// id is not an error: the runner frees every id it handed out, whether
/// or not the run got far enough to use it.
pub fn free(_: &Env, table: &mut Table, req: FreeRequest) -> Result<FreeResponse, Status> {
    table.remove(req.state_id);
    Ok(FreeResponse {})
}
