//! Handshake and application messages: a total order per group, the
//! checks of the public view, fan-out.
//!
//! # Order
//!
//! Every request runs under one lock (in `routes`), so the
//! messages of a group are accepted one at a time. A handshake for epoch
//! `E` is accepted only while the group is at `E`; the first valid commit
//! for `E` moves the group to `E + 1`, and any later message for `E` gets
//! 409 "stale epoch".
//!
//! # What is checked
//!
//! * **PublicMessage** proposals and commits go through the group's public
//!   view (`mls_core::PublicGroup`): framing, the sender's signature, the
//!   proposal list, every new leaf, the UpdatePath's shape and parent
//!   hashes, the tree hash. A proposal is cached by the view for commits
//!   that reference it. The sender must be the requesting client: the
//!   signature key of the sender (a member's leaf, an external sender, or
//!   a joiner's new leaf) must be the client's registered key. A joiner's
//!   external commit (sender `new_member_commit`) comes from a registered
//!   client who need not be a member yet.
//! * **PrivateMessage** handshakes cannot be read without the group's
//!   secrets: they are **ordered by epoch only**. The client must be a
//!   member of the current epoch (by its signature key). A PrivateMessage
//!   commit must come with the GroupInfo of the epoch it creates (and the
//!   tree, in the GroupInfo or beside it): the service checks that
//!   GroupInfo as a joiner does and follows the group from it. It cannot
//!   check that the GroupInfo is the one the commit leads to: that is
//!   trusted to the committer, a member. A PublicMessage commit can only
//!   reference proposals the service saw as PublicMessages.
//! * **Application** messages (PrivateMessage) come from a member of the
//!   current epoch, for the current epoch or an earlier one (members keep
//!   past epochs' keys for late messages); they are fanned out to the
//!   other members.
//!
//! With a commit the committer may upload the new epoch's GroupInfo: it is
//! checked against the view after the merge (signer, GroupContext,
//! confirmation tag, tree) and becomes the one served for external joins,
//! and the base the view is rebuilt from. A Welcome is queued for the
//! listed clients, each of which must be a member the commit adds. Any
//! failure leaves the group, its queues and its view as they were.

use crate::Core;
use crate::api::{SubmitRequest, SubmitResponse};
use crate::auth::Caller;
use crate::db::to_i64;
use crate::error::{ApiError, ApiResult};
use crate::groups::{
    decode_group_info, decode_message, decode_tree, group_row, is_member, member_keys,
    rebuildable_base, set_base, tree_bytes, with_view,
};
use crate::queues::{Outgoing, clients_for_keys, enqueue};
use crate::views::View;
use mls_core::MlsMessage;
use mls_core::framing::{Content, ContentType, FramedContent, MlsMessageBody, Sender};
use mls_core::group::PublicProcessedMessage;
use mls_core::group::proposal::Proposal;
use rusqlite::{Connection, OptionalExtension, params};

/// The signature key the message's sender must hold, from the view and
/// the message alone: checked before the view caches anything.
fn claimed_sender_key(view: &View, content: &FramedContent) -> ApiResult<Vec<u8>> {
    let key = match content.sender {
        Sender::Member(leaf) => view.member(leaf).map(|m| m.signature_key),
        Sender::External(index) => view
            .extensions()
            .external_senders()
            .ok()
            .flatten()
            .and_then(|s| s.get(index).map(|s| s.signature_key.as_slice().to_vec())),
        Sender::NewMemberProposal => match &content.content {
            Content::Proposal(Proposal::Add(add)) => {
                Some(add.key_package.leaf_node.signature_key.as_slice().to_vec())
            }
            _ => None,
        },
        Sender::NewMemberCommit => match &content.content {
            Content::Commit(commit) => commit
                .path
                .as_ref()
                .map(|p| p.leaf_node.signature_key.as_slice().to_vec()),
            _ => None,
        },
    };
    key.ok_or_else(|| {
        ApiError::new(
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            "message refused: its sender is not in the group (a blank leaf, an unknown \
             external sender, or a joiner's message without its new leaf)",
        )
    })
}

/// Checks the message's epoch against the group's: handshakes only for
/// the current epoch, application messages for it or an earlier one.
fn check_epoch(message_epoch: u64, group_epoch: u64, application: bool) -> ApiResult<()> {
    if message_epoch > group_epoch {
        return Err(ApiError::conflict(format!(
            "future epoch: the message is for epoch {message_epoch}, the group is at epoch {group_epoch}"
        )));
    }
    if message_epoch < group_epoch && !application {
        return Err(ApiError::conflict(format!(
            "stale epoch: the message is for epoch {message_epoch}, but a commit for it was \
             already accepted and the group is at epoch {group_epoch}"
        )));
    }
    Ok(())
}

/// A Welcome and its recipients, checked against the group before any
/// change.
struct Welcome {
    bytes: Vec<u8>,
    recipients: Vec<String>,
}

fn parse_welcome(
    conn: &Connection,
    req: &SubmitRequest,
    suite: mls_core::CipherSuite,
) -> ApiResult<Option<Welcome>> {
    let Some(hex_welcome) = &req.welcome else {
        if !req.welcome_recipients.is_empty() {
            return Err(ApiError::bad_request(
                "welcome_recipients without a welcome",
            ));
        }
        return Ok(None);
    };
    let message = decode_message("welcome", hex_welcome)?;
    let MlsMessageBody::Welcome(welcome) = &message.body else {
        return Err(ApiError::bad_request(
            "welcome is an MLSMessage but not a Welcome",
        ));
    };
    if welcome.cipher_suite != suite {
        return Err(ApiError::bad_request(
            "the Welcome is for another cipher suite",
        ));
    }
    if req.welcome_recipients.is_empty()
        || req.welcome_recipients.len() > welcome.secrets.as_slice().len()
    {
        return Err(ApiError::bad_request(
            "welcome_recipients must name one client per new member the Welcome is for",
        ));
    }
    for (i, r) in req.welcome_recipients.iter().enumerate() {
        if req.welcome_recipients.iter().take(i).any(|x| x == r) {
            return Err(ApiError::bad_request(format!(
                "welcome recipient {r:?} is listed twice"
            )));
        }
        let known: Option<i64> = conn
            .query_row(
                "SELECT 1 FROM clients WHERE client_id = ?1",
                params![r],
                |row| row.get(0),
            )
            .optional()?;
        if known.is_none() {
            return Err(ApiError::bad_request(format!(
                "welcome recipient {r:?} is not a registered client"
            )));
        }
    }
    Ok(Some(Welcome {
        bytes: message.to_bytes().map_err(ApiError::internal)?,
        recipients: req.welcome_recipients.clone(),
    }))
}

/// Every Welcome recipient's key must be among `added` (the members the
/// commit adds).
fn check_recipients(conn: &Connection, welcome: &Welcome, added: &[Vec<u8>]) -> ApiResult<()> {
    for r in &welcome.recipients {
        let key: Vec<u8> = conn.query_row(
            "SELECT signature_key FROM clients WHERE client_id = ?1",
            params![r],
            |row| row.get(0),
        )?;
        if !added.contains(&key) {
            return Err(ApiError::forbidden(format!(
                "welcome recipient {r:?} is not a member this commit adds"
            )));
        }
    }
    Ok(())
}

/// `POST /v1/groups/{id}/messages`.
pub(crate) fn submit(
    core: &mut Core,
    caller: &Caller,
    group_id: &[u8],
    body: &[u8],
) -> ApiResult<SubmitResponse> {
    let req: SubmitRequest = serde_json::from_slice(body)
        .map_err(|e| ApiError::bad_request(format!("message body: {e}")))?;
    let message = decode_message("MLS message", &req.message)?;
    let row = group_row(&core.conn, group_id)?;
    if row.closed {
        return Err(ApiError::conflict(
            "the group was re-initialized and takes no more messages",
        ));
    }
    let (msg_group, msg_epoch, content_type) = match &message.body {
        MlsMessageBody::PublicMessage(m) => (
            m.content.group_id.as_slice(),
            m.content.epoch,
            match m.content.content {
                Content::Application(_) => ContentType::Application,
                Content::Proposal(_) => ContentType::Proposal,
                Content::Commit(_) => ContentType::Commit,
            },
        ),
        MlsMessageBody::PrivateMessage(m) => (m.group_id.as_slice(), m.epoch, m.content_type),
        _ => {
            return Err(ApiError::bad_request(
                "only a PublicMessage or a PrivateMessage can be sent to a group",
            ));
        }
    };
    if msg_group != group_id {
        return Err(ApiError::bad_request("the message is for another group"));
    }
    check_epoch(
        msg_epoch,
        row.epoch,
        content_type == ContentType::Application,
    )?;
    if content_type != ContentType::Commit
        && (req.group_info.is_some() || req.ratchet_tree.is_some() || req.welcome.is_some())
    {
        return Err(ApiError::bad_request(
            "group_info, ratchet_tree and welcome go only with a commit",
        ));
    }
    let public = matches!(message.body, MlsMessageBody::PublicMessage(_));
    check_policy(&core.config, &message, public, content_type)?;
    with_view(core, group_id, |core, view, dirty| {
        let ctx = Submission {
            caller,
            group_id,
            epoch: row.epoch,
            message: &message,
            req: &req,
        };
        match (public, content_type) {
            (true, ContentType::Commit) => public_commit(core, view, dirty, &ctx),
            (true, _) => public_proposal(core, view, dirty, &ctx),
            (false, ContentType::Commit) => private_commit(core, view, &ctx),
            (false, kind) => private_other(core, view, &ctx, kind, msg_epoch),
        }
    })
}

/// What the service's configuration allows, before the view is used:
/// joins from outside the group and PrivateMessage handshakes are off
/// unless turned on (see [`Config`](crate::Config)).
fn check_policy(
    config: &crate::config::Config,
    message: &MlsMessage,
    public: bool,
    content_type: ContentType,
) -> ApiResult<()> {
    if let MlsMessageBody::PublicMessage(m) = &message.body {
        let from_outside = matches!(
            m.content.sender,
            Sender::NewMemberCommit | Sender::NewMemberProposal
        );
        if from_outside && !config.allow_external_joins {
            return Err(ApiError::forbidden(
                "joins from outside the group (external commits, new members' proposals) \
                 are off on this service",
            ));
        }
    }
    if !public && content_type != ContentType::Application && !config.allow_private_handshakes {
        return Err(ApiError::forbidden(
            "PrivateMessage proposals and commits are off on this service: it cannot \
             check them; send handshakes as PublicMessages",
        ));
    }
    Ok(())
}

/// What every kind of submission needs.
struct Submission<'a> {
    caller: &'a Caller,
    group_id: &'a [u8],
    /// The group's epoch when the message arrived.
    epoch: u64,
    message: &'a MlsMessage,
    req: &'a SubmitRequest,
}

/// Checks the message's sender is the caller, before the view sees it.
fn check_sender(view: &View, s: &Submission<'_>) -> ApiResult<()> {
    let MlsMessageBody::PublicMessage(m) = &s.message.body else {
        return Err(ApiError::internal("not a PublicMessage"));
    };
    if claimed_sender_key(view, &m.content)? != s.caller.signature_key {
        return Err(ApiError::forbidden(
            "the message's sender is not the requesting client",
        ));
    }
    Ok(())
}

fn public_proposal(
    core: &mut Core,
    view: &mut View,
    dirty: &mut bool,
    s: &Submission<'_>,
) -> ApiResult<SubmitResponse> {
    check_sender(view, s)?;
    let keys = member_keys(view);
    let cached: Vec<_> = view
        .pending_proposals()
        .into_iter()
        .map(|p| p.reference)
        .collect();
    // The view leaves itself as it was on any error.
    match view.process_message(s.message) {
        // The view takes a proposal it holds already without change; the
        // service must not log and fan it out again (or the log would grow
        // past the proposal bound).
        Ok(PublicProcessedMessage::Proposal(p)) if cached.contains(&p.reference) => {
            return Err(ApiError::conflict(
                "duplicate proposal: this proposal was accepted already in this epoch",
            ));
        }
        Ok(PublicProcessedMessage::Proposal(_)) => *dirty = true,
        Ok(_) => {
            *dirty = true;
            return Err(ApiError::internal(
                "a proposal was processed as something else",
            ));
        }
        Err(e) => return Err(ApiError::refused("proposal", &e)),
    }
    let now = core.config.now();
    let bytes = s.message.to_bytes().map_err(ApiError::internal)?;
    let tx = core.conn.transaction()?;
    tx.execute(
        "INSERT INTO handshake_log (group_id, epoch, message, accepted_at) VALUES (?1, ?2, ?3, ?4)",
        params![s.group_id, to_i64(s.epoch)?, bytes, to_i64(now)?],
    )?;
    let recipients = clients_for_keys(&tx, &keys, &s.caller.client_id)?;
    let out = Outgoing {
        group_id: s.group_id,
        kind: "proposal",
        epoch: s.epoch,
        sender: &s.caller.client_id,
        message: &bytes,
    };
    enqueue(&tx, &core.config, now, &recipients, &out)?;
    tx.commit()?;
    Ok(SubmitResponse {
        epoch: s.epoch,
        kind: "proposal".into(),
        delivered_to: recipients,
    })
}

fn public_commit(
    core: &mut Core,
    view: &mut View,
    dirty: &mut bool,
    s: &Submission<'_>,
) -> ApiResult<SubmitResponse> {
    check_sender(view, s)?;
    if s.req.ratchet_tree.is_some() {
        return Err(ApiError::bad_request(
            "ratchet_tree goes only with a PrivateMessage commit: the service knows the tree \
             a PublicMessage commit leads to",
        ));
    }
    let info = s
        .req
        .group_info
        .as_deref()
        .map(decode_group_info)
        .transpose()?;
    let welcome = parse_welcome(&core.conn, s.req, view.cipher_suite())?;
    let keys = member_keys(view);
    let staged = match view.process_message(s.message) {
        Ok(PublicProcessedMessage::StagedCommit(staged)) => staged,
        Ok(_) => {
            return Err(ApiError::internal(
                "a commit was processed as something else",
            ));
        }
        Err(e) => return Err(ApiError::refused("commit", &e)),
    };
    if staged.sender.signature_key != s.caller.signature_key {
        return Err(ApiError::forbidden(
            "the commit's sender is not the requesting client",
        ));
    }
    if let Some(w) = &welcome {
        let added: Vec<Vec<u8>> = staged
            .added
            .iter()
            .map(|m| m.signature_key.clone())
            .collect();
        check_recipients(&core.conn, w, &added)?;
    }
    // With a GroupInfo, the view takes the commit only if the GroupInfo
    // is the new epoch's; either way a refusal leaves the view as it was.
    let summary = match &info {
        Some(info) => view
            .merge_staged_commit_with_group_info(staged, info)
            .map_err(|e| ApiError::refused("GroupInfo", &e))?,
        None => view
            .merge_staged_commit(staged)
            .map_err(|e| ApiError::refused("commit", &e))?,
    };
    *dirty = true;
    let base = match &info {
        // Checked against the new epoch by the merge above.
        Some(info) => Some((info, rebuildable_base(core, view, info)?)),
        None => None,
    };
    let now = core.config.now();
    let bytes = s.message.to_bytes().map_err(ApiError::internal)?;
    let tx = core.conn.transaction()?;
    tx.execute(
        "UPDATE groups SET epoch = ?2, closed = ?3 WHERE group_id = ?1",
        params![s.group_id, to_i64(summary.epoch)?, summary.reinit.is_some()],
    )?;
    match &base {
        Some((info, tree)) => set_base(&tx, s.group_id, summary.epoch, info, tree, now)?,
        None => {
            tx.execute(
                "INSERT INTO handshake_log (group_id, epoch, message, accepted_at)
                 VALUES (?1, ?2, ?3, ?4)",
                params![s.group_id, to_i64(s.epoch)?, bytes, to_i64(now)?],
            )?;
        }
    }
    let recipients = fan_out_commit(&tx, &core.config, s, &keys, &bytes, welcome.as_ref(), now)?;
    tx.commit()?;
    Ok(SubmitResponse {
        epoch: summary.epoch,
        kind: "commit".into(),
        delivered_to: recipients,
    })
}

/// Queues a commit for the members of its epoch (but the committer) and
/// its Welcome for the new members; returns who got the commit.
fn fan_out_commit(
    tx: &Connection,
    config: &crate::config::Config,
    s: &Submission<'_>,
    member_keys: &[Vec<u8>],
    commit: &[u8],
    welcome: Option<&Welcome>,
    now: u64,
) -> ApiResult<Vec<String>> {
    let recipients = clients_for_keys(tx, member_keys, &s.caller.client_id)?;
    let out = Outgoing {
        group_id: s.group_id,
        kind: "commit",
        epoch: s.epoch,
        sender: &s.caller.client_id,
        message: commit,
    };
    enqueue(tx, config, now, &recipients, &out)?;
    if let Some(w) = welcome {
        let out = Outgoing {
            group_id: s.group_id,
            kind: "welcome",
            epoch: s.epoch.saturating_add(1),
            sender: &s.caller.client_id,
            message: &w.bytes,
        };
        enqueue(tx, config, now, &w.recipients, &out)?;
    }
    Ok(recipients)
}

fn private_commit(
    core: &mut Core,
    view: &mut View,
    s: &Submission<'_>,
) -> ApiResult<SubmitResponse> {
    if !is_member(view, &s.caller.signature_key) {
        return Err(ApiError::forbidden(
            "the requesting client is not a member of the group",
        ));
    }
    let keys = member_keys(view);
    let info = s
        .req
        .group_info
        .as_deref()
        .map(decode_group_info)
        .transpose()?
        .ok_or_else(|| {
            ApiError::bad_request(
                "a PrivateMessage commit needs the GroupInfo of the epoch it creates \
                 (group_info): the service cannot read the commit",
            )
        })?;
    let tree = decode_tree(core, s.req.ratchet_tree.as_deref())?;
    let next = core
        .views
        .build(&core.config, &info, tree)
        .map_err(|e| ApiError::refused("GroupInfo", &e))?;
    // The committer vouches for the next epoch: the GroupInfo must be
    // signed by its own leaf.
    let MlsMessageBody::GroupInfo(signed) = &info.body else {
        return Err(ApiError::internal("a decoded GroupInfo is not one"));
    };
    if next.member(signed.signer).map(|m| m.signature_key) != Some(s.caller.signature_key.clone()) {
        return Err(ApiError::forbidden(
            "the GroupInfo of a PrivateMessage commit must be signed by the committer",
        ));
    }
    let next_epoch = s
        .epoch
        .checked_add(1)
        .ok_or_else(|| ApiError::conflict("the epoch counter is exhausted"))?;
    if next.group_id() != s.group_id
        || next.epoch() != next_epoch
        || next.cipher_suite() != view.cipher_suite()
    {
        return Err(ApiError::new(
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            format!(
                "GroupInfo refused: it must be of this group and cipher suite, at epoch {next_epoch}"
            ),
        ));
    }
    let welcome = parse_welcome(&core.conn, s.req, view.cipher_suite())?;
    if let Some(w) = &welcome {
        let added: Vec<Vec<u8>> = member_keys(&next)
            .into_iter()
            .filter(|k| !keys.contains(k))
            .collect();
        check_recipients(&core.conn, w, &added)?;
    }
    let now = core.config.now();
    let bytes = s.message.to_bytes().map_err(ApiError::internal)?;
    let tree = tree_bytes(&next)?;
    let tx = core.conn.transaction()?;
    tx.execute(
        "UPDATE groups SET epoch = ?2 WHERE group_id = ?1",
        params![s.group_id, to_i64(next_epoch)?],
    )?;
    set_base(&tx, s.group_id, next_epoch, &info, &tree, now)?;
    let recipients = fan_out_commit(&tx, &core.config, s, &keys, &bytes, welcome.as_ref(), now)?;
    tx.commit()?;
    *view = next;
    Ok(SubmitResponse {
        epoch: next_epoch,
        kind: "commit".into(),
        delivered_to: recipients,
    })
}

fn private_other(
    core: &mut Core,
    view: &View,
    s: &Submission<'_>,
    kind: ContentType,
    message_epoch: u64,
) -> ApiResult<SubmitResponse> {
    if !is_member(view, &s.caller.signature_key) {
        return Err(ApiError::forbidden(
            "the requesting client is not a member of the group",
        ));
    }
    let keys = member_keys(view);
    let kind = if kind == ContentType::Application {
        "application"
    } else {
        "proposal"
    };
    let now = core.config.now();
    let bytes = s.message.to_bytes().map_err(ApiError::internal)?;
    let tx = core.conn.transaction()?;
    let recipients = clients_for_keys(&tx, &keys, &s.caller.client_id)?;
    let out = Outgoing {
        group_id: s.group_id,
        kind,
        epoch: message_epoch,
        sender: &s.caller.client_id,
        message: &bytes,
    };
    enqueue(&tx, &core.config, now, &recipients, &out)?;
    tx.commit()?;
    Ok(SubmitResponse {
        epoch: s.epoch,
        kind: kind.into(),
        delivered_to: recipients,
    })
}
