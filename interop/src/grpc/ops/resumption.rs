//! Re-initialization (§11.2) and branching (§11.3): `ReInitCommit`'s
//! handling on both sides, `ReInitWelcome`, `HandleReInitWelcome`,
//! `CreateBranch`, `HandleBranch`.

use super::Env;
use super::common::{
    key_package_bytes, message_bytes, new_key_package, optional_tree, successor_config, tree_bytes,
};
use super::groups::{handle_commit, handle_pending_commit};
use super::proposals::extensions_from;
use crate::grpc::messages::*;
use crate::grpc::status::{invalid, mls_context};
use crate::grpc::table::{Entry, MemberState, ReInitState, Table, decode_message};
use mls_core::group::{CommitOutput, Group, JoinOptions};
use mls_core::key_package::KeyPackage;
use mls_core::provider::DynProvider;
use tonic::Status;

/// After a commit with a ReInit was merged: the old group moves to a
/// `reinit_id`, with a KeyPackage of ours for the new suite.
fn into_reinit(
    table: &mut Table,
    state_id: u32,
    epoch_authenticator: Vec<u8>,
) -> Result<HandleReInitCommitResponse, Status> {
    let state = table.member(state_id)?;
    let suite = state
        .group
        .reinit()
        .ok_or_else(|| invalid("the commit did not re-initialize the group"))?
        .cipher_suite;
    let (key_package, _, _) = new_key_package(&state.actor, suite)?;
    let key_package = key_package_bytes(key_package)?;
    let Some(Entry::Member(state)) = table.remove(state_id) else {
        return Err(Status::internal("the state vanished"));
    };
    let MemberState { actor, group, .. } = *state;
    let reinit_id = table.insert(Entry::ReInit(Box::new(ReInitState { actor, group })))?;
    Ok(HandleReInitCommitResponse {
        reinit_id,
        key_package,
        epoch_authenticator,
    })
}

/// `HandleReInitCommit`: another member's commit of a ReInit.
pub fn handle_reinit_commit(
    env: &Env,
    table: &mut Table,
    req: HandleCommitRequest,
) -> Result<HandleReInitCommitResponse, Status> {
    let state_id = req.state_id;
    let handled = handle_commit(env, table, req)?;
    into_reinit(table, state_id, handled.epoch_authenticator)
}

/// `HandlePendingReInitCommit`: our commit of a ReInit was accepted.
pub fn handle_pending_reinit_commit(
    env: &Env,
    table: &mut Table,
    req: HandlePendingCommitRequest,
) -> Result<HandleReInitCommitResponse, Status> {
    let state_id = req.state_id;
    let handled = handle_pending_commit(env, table, req)?;
    into_reinit(table, state_id, handled.epoch_authenticator)
}

/// The KeyPackages the runner passed, each an `MLSMessage`.
fn key_packages(list: &[Vec<u8>]) -> Result<Vec<KeyPackage>, Status> {
    list.iter()
        .enumerate()
        .map(|(i, kp)| super::common::key_package_from(kp, &format!("key_package {i}")))
        .collect()
}

/// Merges the first commit of a successor group and makes it a state.
fn new_subgroup(
    table: &mut Table,
    actor: crate::grpc::actor::Actor,
    mut group: Group<DynProvider>,
    output: CommitOutput,
    external_tree: bool,
) -> Result<CreateSubgroupResponse, Status> {
    group
        .merge_pending_commit()
        .map_err(mls_context("merging the new group's first commit"))?;
    let welcome = match &output.welcome {
        Some(welcome) => message_bytes(welcome)?,
        None => Vec::new(),
    };
    let ratchet_tree = tree_bytes(&group, external_tree)?;
    let epoch_authenticator = group.epoch_authenticator().to_vec();
    let state_id = table.insert(Entry::Member(Box::new(MemberState::new(actor, group))))?;
    Ok(CreateSubgroupResponse {
        state_id,
        welcome,
        ratchet_tree,
        epoch_authenticator,
    })
}

/// `ReInitWelcome`: creates the successor group with the other members'
/// KeyPackages and the `reinit` PSK.
pub fn reinit_welcome(
    _: &Env,
    table: &mut Table,
    req: ReInitWelcomeRequest,
) -> Result<CreateSubgroupResponse, Status> {
    let key_packages = key_packages(&req.key_package)?;
    let state = table.reinit(req.reinit_id)?;
    let config = successor_config(&state.group, !req.external_tree);
    let (successor, output) = state
        .group
        .reinit_successor_with(&key_packages, config, req.force_path)
        .map_err(mls_context("creating the re-initialized group"))?;
    let actor = state.actor.clone();
    new_subgroup(table, actor, successor, output, req.external_tree)
}

/// `HandleReInitWelcome`: joins the successor group, resuming the old one.
pub fn handle_reinit_welcome(
    _: &Env,
    table: &mut Table,
    req: HandleReInitWelcomeRequest,
) -> Result<JoinGroupResponse, Status> {
    let welcome = decode_message(&req.welcome, "welcome")?;
    let ratchet_tree = optional_tree(&req.ratchet_tree, "ratchet_tree")?;
    let state = table.reinit(req.reinit_id)?;
    let config = successor_config(&state.group, true);
    let group = Group::join_with_options(
        &state.actor.client,
        &welcome,
        config,
        JoinOptions {
            ratchet_tree,
            resumed_group: Some(&state.group),
        },
    )
    .map_err(mls_context("joining the re-initialized group"))?;
    let actor = state.actor.clone();
    let epoch_authenticator = group.epoch_authenticator().to_vec();
    let state_id = table.insert(Entry::Member(Box::new(MemberState::new(actor, group))))?;
    Ok(JoinGroupResponse {
        state_id,
        epoch_authenticator,
    })
}

/// `CreateBranch`: a subgroup of current members with the `branch` PSK.
pub fn create_branch(
    _: &Env,
    table: &mut Table,
    req: CreateBranchRequest,
) -> Result<CreateSubgroupResponse, Status> {
    let key_packages = key_packages(&req.key_packages)?;
    let extensions = extensions_from(&req.extensions)?;
    let state = table.member(req.state_id)?;
    let config = successor_config(&state.group, !req.external_tree);
    let (successor, output) = state
        .group
        .branch_with(
            &req.group_id,
            extensions,
            &key_packages,
            config,
            req.force_path,
        )
        .map_err(mls_context("branching"))?;
    let actor = state.actor.clone();
    new_subgroup(table, actor, successor, output, req.external_tree)
}

/// `HandleBranch`: joins a branch with the transaction's KeyPackage,
/// resuming the member's group of `state_id`.
pub fn handle_branch(
    _: &Env,
    table: &mut Table,
    req: HandleBranchRequest,
) -> Result<HandleBranchResponse, Status> {
    let welcome = decode_message(&req.welcome, "welcome")?;
    let ratchet_tree = optional_tree(&req.ratchet_tree, "ratchet_tree")?;
    let actor = table.pending(req.transaction_id)?.actor.clone();
    let old = table.member(req.state_id)?;
    let config = successor_config(&old.group, true);
    let group = Group::join_with_options(
        &actor.client,
        &welcome,
        config,
        JoinOptions {
            ratchet_tree,
            resumed_group: Some(&old.group),
        },
    )
    .map_err(mls_context("joining the branch"))?;
    let epoch_authenticator = group.epoch_authenticator().to_vec();
    let state_id = table.insert(Entry::Member(Box::new(MemberState::new(actor, group))))?;
    Ok(HandleBranchResponse {
        state_id,
        epoch_authenticator,
    })
}
