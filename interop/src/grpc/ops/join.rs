//! Becoming a member: `CreateGroup`, `CreateKeyPackage`, `JoinGroup`,
//! `ExternalJoin`.

use super::Env;
use super::common::{group_config, key_package_bytes, leaf_named, new_key_package, optional_tree};
use crate::grpc::actor::NewActor;
use crate::grpc::messages::*;
use crate::grpc::status::{invalid, mls_context};
use crate::grpc::table::{Entry, MemberState, PendingJoin, Table, decode_message};
use mls_core::extensions::Extensions;
use mls_core::group::{ExternalJoinOptions, Group, JoinOptions};
use tonic::Status;

/// `CreateGroup`: a one-member group with the runner's group id.
pub fn create_group(
    env: &Env,
    table: &mut Table,
    req: CreateGroupRequest,
) -> Result<CreateGroupResponse, Status> {
    let (NewActor { actor, .. }, suite) = env.new_actor(&req.identity, req.cipher_suite)?;
    let group = Group::create_with_id(
        &actor.client,
        suite,
        &req.group_id,
        Extensions::new(),
        group_config(req.encrypt_handshake),
    )
    .map_err(mls_context("creating the group"))?;
    let state_id = table.insert(Entry::Member(Box::new(MemberState::new(actor, group))))?;
    Ok(CreateGroupResponse { state_id })
}

/// `CreateKeyPackage`: a new client for the identity, with one KeyPackage
/// and its private keys (returned too, for passive-client vectors).
pub fn create_key_package(
    env: &Env,
    table: &mut Table,
    req: CreateKeyPackageRequest,
) -> Result<CreateKeyPackageResponse, Status> {
    let (
        NewActor {
            actor,
            signature_private,
        },
        suite,
    ) = env.new_actor(&req.identity, req.cipher_suite)?;
    let (key_package, init_priv, encryption_priv) = new_key_package(&actor, suite)?;
    let key_package = key_package_bytes(key_package)?;
    let transaction_id = table.insert(Entry::Pending(PendingJoin { actor }))?;
    Ok(CreateKeyPackageResponse {
        transaction_id,
        key_package,
        init_priv,
        encryption_priv,
        signature_priv: signature_private.as_bytes().to_vec(),
    })
}

/// `JoinGroup`: joins from a Welcome with the transaction's KeyPackage.
pub fn join_group(
    _env: &Env,
    table: &mut Table,
    req: JoinGroupRequest,
) -> Result<JoinGroupResponse, Status> {
    let actor = table.pending(req.transaction_id)?.actor.clone();
    let welcome = decode_message(&req.welcome, "welcome")?;
    let options = JoinOptions {
        ratchet_tree: optional_tree(&req.ratchet_tree, "ratchet_tree")?,
        resumed_group: None,
    };
    let group = Group::join_with_options(
        &actor.client,
        &welcome,
        group_config(req.encrypt_handshake),
        options,
    )
    .map_err(mls_context("joining from the Welcome"))?;
    let epoch_authenticator = group.epoch_authenticator().to_vec();
    let state_id = table.insert(Entry::Member(Box::new(MemberState::new(actor, group))))?;
    Ok(JoinGroupResponse {
        state_id,
        epoch_authenticator,
    })
}

/// `ExternalJoin`: a new client joins by external commit (§12.4.3.2),
/// with external PSKs and, for a resync, removing the leaf of its earlier
/// appearance (found by its identity). The commit is merged at once: the
/// runner delivers it to the members itself.
pub fn external_join(
    env: &Env,
    table: &mut Table,
    req: ExternalJoinRequest,
) -> Result<ExternalJoinResponse, Status> {
    let group_info = decode_message(&req.group_info, "group_info")?;
    let info = super::common::group_info_of(&group_info, "group_info")?;
    let ratchet_tree = optional_tree(&req.ratchet_tree, "ratchet_tree")?;
    let remove_prior_leaf = if req.remove_prior {
        let tree = match &ratchet_tree {
            Some(tree) => tree.clone(),
            None => info
                .extensions
                .ratchet_tree()
                .map_err(|e| invalid(format!("group_info's ratchet_tree: {e}")))?
                .ok_or_else(|| invalid("remove_prior needs the tree, and none was given"))?,
        };
        Some(leaf_named(&tree, &req.identity)?)
    } else {
        None
    };
    let (NewActor { actor, .. }, _) =
        env.new_actor(&req.identity, info.group_context.cipher_suite.code().into())?;
    let mut external_psks = Vec::with_capacity(req.psks.len());
    for psk in &req.psks {
        actor
            .client
            .store_external_psk(&psk.psk_id, &psk.psk_secret)
            .map_err(mls_context("storing a PSK"))?;
        external_psks.push(psk.psk_id.clone());
    }
    let options = ExternalJoinOptions {
        ratchet_tree,
        remove_prior_leaf,
        external_psks,
        ..ExternalJoinOptions::default()
    };
    let (mut group, commit) = Group::join_by_external_commit(
        &actor.client,
        &group_info,
        group_config(req.encrypt_handshake),
        options,
    )
    .map_err(mls_context("joining by external commit"))?;
    group
        .merge_pending_commit()
        .map_err(mls_context("merging the external commit"))?;
    let epoch_authenticator = group.epoch_authenticator().to_vec();
    let commit = super::common::message_bytes(&commit)?;
    let state_id = table.insert(Entry::Member(Box::new(MemberState::new(actor, group))))?;
    Ok(ExternalJoinResponse {
        state_id,
        commit,
        epoch_authenticator,
    })
}
