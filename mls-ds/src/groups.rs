//! Groups: creation from a GroupInfo, the group's state, and its GroupInfo
//! for external joins; the helpers the handshake path shares
//! ([`crate::handshakes`]).
//!
//! A group's public view starts from the GroupInfo (and tree) its creator
//! uploads: a view cannot start from the creator's first commit alone,
//! since the epoch-0 interim transcript hash depends on the epoch-0
//! confirmation tag, a MAC under a secret. Every GroupInfo the service
//! accepts (at creation, with a commit, or uploaded later for the current
//! epoch) is checked first: against the view (signer, GroupContext,
//! confirmation tag, tree) and by building a view from it alone, as a
//! restart will.

use crate::Core;
use crate::api::{
    CreateGroupRequest, GroupInfoResponse, GroupState, MemberEntry, PutGroupInfoRequest,
};
use crate::auth::Caller;
use crate::db::{to_i64, to_u64};
use crate::error::{ApiError, ApiResult};
use crate::queues::client_for_key;
use crate::views::View;
use mls_core::MlsMessage;
use mls_core::framing::MlsMessageBody;
use mls_core::tree::node::RatchetTree;
use rusqlite::{Connection, OptionalExtension, params};

/// The service's record of a group.
pub(crate) struct GroupRow {
    pub(crate) epoch: u64,
    pub(crate) closed: bool,
    pub(crate) base_epoch: u64,
}

pub(crate) fn group_row(conn: &Connection, group_id: &[u8]) -> ApiResult<GroupRow> {
    let row: Option<(i64, bool, i64)> = conn
        .query_row(
            "SELECT epoch, closed, base_epoch FROM groups WHERE group_id = ?1",
            params![group_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    let (epoch, closed, base_epoch) = row.ok_or_else(|| ApiError::not_found("no such group"))?;
    Ok(GroupRow {
        epoch: to_u64(epoch)?,
        closed,
        base_epoch: to_u64(base_epoch)?,
    })
}

/// A group id from the path, hex.
pub(crate) fn parse_group_id(hex_id: &str) -> ApiResult<Vec<u8>> {
    let id = hex::decode(hex_id).map_err(|_| ApiError::bad_request("the group id is not hex"))?;
    if id.is_empty() {
        return Err(ApiError::bad_request("the group id is empty"));
    }
    Ok(id)
}

pub(crate) fn unhex(what: &str, value: &str) -> ApiResult<Vec<u8>> {
    hex::decode(value).map_err(|_| ApiError::bad_request(format!("{what} is not hex")))
}

pub(crate) fn decode_message(what: &str, value: &str) -> ApiResult<MlsMessage> {
    MlsMessage::from_bytes(&unhex(what, value)?).map_err(|e| ApiError::malformed(what, e))
}

pub(crate) fn decode_group_info(value: &str) -> ApiResult<MlsMessage> {
    let message = decode_message("group_info", value)?;
    if !matches!(message.body, MlsMessageBody::GroupInfo(_)) {
        return Err(ApiError::bad_request(
            "group_info is an MLSMessage but not a GroupInfo",
        ));
    }
    Ok(message)
}

pub(crate) fn decode_tree(core: &Core, value: Option<&str>) -> ApiResult<Option<RatchetTree>> {
    value
        .map(|v| {
            RatchetTree::from_bytes_bounded(
                &unhex("ratchet_tree", v)?,
                core.config.group_config.leaf_limit(),
            )
            .map_err(|e| ApiError::malformed("ratchet_tree", e))
        })
        .transpose()
}

pub(crate) fn tree_bytes(view: &View) -> ApiResult<Vec<u8>> {
    view.ratchet_tree().to_bytes().map_err(ApiError::internal)
}

pub(crate) fn member_keys(view: &View) -> Vec<Vec<u8>> {
    view.members()
        .into_iter()
        .map(|m| m.signature_key)
        .collect()
}

pub(crate) fn is_member(view: &View, key: &[u8]) -> bool {
    view.members().iter().any(|m| m.signature_key == key)
}

fn state(conn: &Connection, group_id: &[u8], row: &GroupRow, view: &View) -> ApiResult<GroupState> {
    let mut members = Vec::new();
    for m in view.members() {
        members.push(MemberEntry {
            leaf: m.index,
            client_id: client_for_key(conn, &m.signature_key)?,
        });
    }
    Ok(GroupState {
        group_id: hex::encode(group_id),
        epoch: row.epoch,
        cipher_suite: view.cipher_suite().code(),
        members,
        group_info_current: row.base_epoch == row.epoch,
    })
}

/// `POST /v1/groups`: the creator uploads the GroupInfo (and tree) of the
/// group's current epoch; it must be a member.
pub(crate) fn create(core: &mut Core, caller: &Caller, body: &[u8]) -> ApiResult<GroupState> {
    let req: CreateGroupRequest = serde_json::from_slice(body)
        .map_err(|e| ApiError::bad_request(format!("group body: {e}")))?;
    let info = decode_group_info(&req.group_info)?;
    let tree = decode_tree(core, req.ratchet_tree.as_deref())?;
    let view = core
        .views
        .build(&core.config, &info, tree)
        .map_err(|e| ApiError::refused("GroupInfo", &e))?;
    if !is_member(&view, &caller.signature_key) {
        return Err(ApiError::forbidden(
            "the creator is not a member of the group",
        ));
    }
    let group_id = view.group_id().to_vec();
    let now = core.config.now();
    let tx = core.conn.transaction()?;
    let exists: Option<i64> = tx
        .query_row(
            "SELECT 1 FROM groups WHERE group_id = ?1",
            params![group_id],
            |r| r.get(0),
        )
        .optional()?;
    if exists.is_some() {
        return Err(ApiError::conflict("a group with this id already exists"));
    }
    let epoch = to_i64(view.epoch())?;
    tx.execute(
        "INSERT INTO groups (group_id, cipher_suite, epoch, closed, base_epoch, base_group_info,
         base_tree, base_accepted_at, created_by) VALUES (?1, ?2, ?3, 0, ?3, ?4, ?5, ?6, ?7)",
        params![
            group_id,
            i64::from(view.cipher_suite().code()),
            epoch,
            info.to_bytes().map_err(ApiError::internal)?,
            tree_bytes(&view)?,
            to_i64(now)?,
            caller.client_id
        ],
    )?;
    let row = GroupRow {
        epoch: view.epoch(),
        closed: false,
        base_epoch: view.epoch(),
    };
    let out = state(&tx, &group_id, &row, &view)?;
    tx.commit()?;
    core.views.insert(group_id, view);
    Ok(out)
}

/// `GET /v1/groups/{id}`: for members only.
pub(crate) fn get_state(
    core: &mut Core,
    caller: &Caller,
    group_id: &[u8],
) -> ApiResult<GroupState> {
    let row = group_row(&core.conn, group_id)?;
    let view = core.views.get(&core.conn, &core.config, group_id)?;
    if !is_member(view, &caller.signature_key) {
        return Err(ApiError::forbidden(
            "only members may read the group's state",
        ));
    }
    state(&core.conn, group_id, &row, view)
}

/// `GET /v1/groups/{id}/group-info`: for members, and for any registered
/// client (a joiner is not a member yet) where external joins are allowed
/// ([`Config::allow_external_joins`](crate::Config)).
pub(crate) fn get_group_info(
    core: &mut Core,
    caller: &Caller,
    group_id: &[u8],
) -> ApiResult<GroupInfoResponse> {
    let row = group_row(&core.conn, group_id)?;
    if !core.config.allow_external_joins {
        let view = core.views.get(&core.conn, &core.config, group_id)?;
        if !is_member(view, &caller.signature_key) {
            return Err(ApiError::forbidden(
                "only members may read the GroupInfo: external joins are off on this service",
            ));
        }
    }
    if row.base_epoch != row.epoch {
        return Err(ApiError::not_found(format!(
            "no GroupInfo of the current epoch {}: the last commit came without one",
            row.epoch
        )));
    }
    let (info, tree): (Vec<u8>, Vec<u8>) = core.conn.query_row(
        "SELECT base_group_info, base_tree FROM groups WHERE group_id = ?1",
        params![group_id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    Ok(GroupInfoResponse {
        epoch: row.epoch,
        group_info: hex::encode(info),
        ratchet_tree: hex::encode(tree),
    })
}

/// Runs `f` on the group's view, taken out of the cache so `f` can use
/// the rest of `core`. `f` sets `dirty` once it changed the view: after
/// that a failure drops the view, and the next use rebuilds it from the
/// tables (which the failed step did not change).
pub(crate) fn with_view<T>(
    core: &mut Core,
    group_id: &[u8],
    f: impl FnOnce(&mut Core, &mut View, &mut bool) -> ApiResult<T>,
) -> ApiResult<T> {
    let mut view = core.views.take(&core.conn, &core.config, group_id)?;
    let mut dirty = false;
    let result = f(core, &mut view, &mut dirty);
    if result.is_ok() || !dirty {
        core.views.insert(group_id.to_vec(), view);
    }
    result
}

/// Checks a GroupInfo for the view's current epoch, and that a view built
/// from it alone (as a restart builds it) is accepted too. Returns the
/// encoded tree that goes with it.
pub(crate) fn check_new_base(core: &Core, view: &View, info: &MlsMessage) -> ApiResult<Vec<u8>> {
    view.check_group_info(info)
        .map_err(|e| ApiError::refused("GroupInfo", &e))?;
    rebuildable_base(core, view, info)
}

/// The second half of [`check_new_base`], for a GroupInfo the view has
/// checked already (merged with its commit): a view built from it alone
/// is accepted. Returns the encoded tree that goes with it.
pub(crate) fn rebuildable_base(core: &Core, view: &View, info: &MlsMessage) -> ApiResult<Vec<u8>> {
    core.views
        .build(&core.config, info, Some(view.ratchet_tree()))
        .map_err(|e| ApiError::refused("GroupInfo", &e))?;
    tree_bytes(view)
}

/// Makes `info` (with `tree`) the group's base at `epoch`: the log before
/// that epoch is no longer needed to rebuild the view.
pub(crate) fn set_base(
    conn: &Connection,
    group_id: &[u8],
    epoch: u64,
    info: &MlsMessage,
    tree: &[u8],
    now: u64,
) -> ApiResult<()> {
    let epoch = to_i64(epoch)?;
    conn.execute(
        "UPDATE groups SET base_epoch = ?2, base_group_info = ?3, base_tree = ?4,
         base_accepted_at = ?5 WHERE group_id = ?1",
        params![
            group_id,
            epoch,
            info.to_bytes().map_err(ApiError::internal)?,
            tree,
            to_i64(now)?
        ],
    )?;
    conn.execute(
        "DELETE FROM handshake_log WHERE group_id = ?1 AND epoch < ?2",
        params![group_id, epoch],
    )?;
    Ok(())
}

/// `PUT /v1/groups/{id}/group-info`: a member uploads the current epoch's
/// GroupInfo (after a commit that came without one, or an external join).
pub(crate) fn put_group_info(
    core: &mut Core,
    caller: &Caller,
    group_id: &[u8],
    body: &[u8],
) -> ApiResult<GroupInfoResponse> {
    let req: PutGroupInfoRequest = serde_json::from_slice(body)
        .map_err(|e| ApiError::bad_request(format!("group info body: {e}")))?;
    let info = decode_group_info(&req.group_info)?;
    let row = group_row(&core.conn, group_id)?;
    with_view(core, group_id, |core, view, _| {
        if !is_member(view, &caller.signature_key) {
            return Err(ApiError::forbidden("only members may upload the GroupInfo"));
        }
        let tree = check_new_base(core, view, &info)?;
        let now = core.config.now();
        let tx = core.conn.transaction()?;
        set_base(&tx, group_id, row.epoch, &info, &tree, now)?;
        tx.commit()?;
        Ok(GroupInfoResponse {
            epoch: row.epoch,
            group_info: req.group_info,
            ratchet_tree: hex::encode(tree),
        })
    })
}
