//! # mls-ds
//!
//! A reference delivery service (DS) for RFC 9420 Messaging Layer Security
//! (RFC 9750 §5): a KeyPackage directory, per-group ordering of handshake
//! messages checked by a secret-free public view of each group
//! (`mls_core::PublicGroup`), fan-out to one queue per client per group,
//! and the GroupInfo and ratchet tree for external joins. HTTP on axum and
//! tokio; the service's own tables in SQLite (rusqlite).
//!
//! Run it alone with the `mls-ds` binary (`mls-ds --db PATH --listen
//! ADDR`), or in-process with [`serve`]; talk to it with
//! [`client::DsClient`].
//!
//! # Endpoints
//!
//! Every request but registration is signed by a registered client (see
//! [`auth`] for the headers and what is signed); binary values in JSON are
//! hex. Every refusal is a 4xx (or 5xx for the service's own failure) with
//! a JSON body `{"error": "<reason>"}`, and changes nothing but the
//! request's nonce, which is spent once its signature verifies (see
//! [`auth`]). Any request
//! may also get 401 (unsigned, unknown client, stale timestamp, bad
//! signature), 409 (replayed nonce) or 413 (body over the configured
//! bound).
//!
//! | method | path | body | answer | refusals |
//! |---|---|---|---|---|
//! | POST | `/v1/clients` | [`RegisterRequest`](api::RegisterRequest), signed by the key it registers | 201 [`RegisterResponse`](api::RegisterResponse) | 400 bad id, scheme or key; 401; 409 id or key taken |
//! | POST | `/v1/key-packages` | a KeyPackage MLSMessage (binary) | 201 [`PublishResponse`](api::PublishResponse) | 400 malformed or not a KeyPackage; 403 not signed by the caller's key; 409 already published, or the client holds `max_key_packages`; 413 over `max_key_package_bytes`; 422 invalid (§10.1) |
//! | GET | `/v1/key-packages` | — | 200 [`KeyPackageCounts`](api::KeyPackageCounts) of the caller | — |
//! | POST | `/v1/key-packages/claim` | [`ClaimRequest`](api::ClaimRequest) | 200 [`ClaimResponse`](api::ClaimResponse): the oldest one-time package (deleted), else the last-resort one (kept) | 400; 404 no such client, or nothing left |
//! | POST | `/v1/groups` | [`CreateGroupRequest`](api::CreateGroupRequest): the GroupInfo of the group's epoch (0 for a new group), with its tree | 201 [`GroupState`](api::GroupState) | 400 malformed; 403 the caller is not a member; 409 the group exists; 422 GroupInfo or tree invalid (§12.4.3.1) |
//! | GET | `/v1/groups/{group_id}` | — | 200 [`GroupState`](api::GroupState) | 403 not a member; 404 |
//! | POST | `/v1/groups/{group_id}/messages` | [`SubmitRequest`](api::SubmitRequest): a handshake or application message, and with a commit its GroupInfo and Welcome | 200 [`SubmitResponse`](api::SubmitResponse) | 400 malformed, wrong group, extras without a commit, PrivateMessage commit without GroupInfo; 403 sender is not the caller, caller not a member, Welcome recipient not added, a join from outside or a PrivateMessage handshake where the configuration does not allow it, a PrivateMessage commit's GroupInfo not signed by its committer; 404; 409 duplicate proposal, stale or future epoch, group re-initialized; 422 refused by the public view; 503 view cannot be rebuilt |
//! | GET | `/v1/groups/{group_id}/group-info` | — | 200 [`GroupInfoResponse`](api::GroupInfoResponse): the current epoch's GroupInfo and tree | 403 not a member, unless [`Config::allow_external_joins`]; 404 no group, or no GroupInfo of the current epoch |
//! | PUT | `/v1/groups/{group_id}/group-info` | [`PutGroupInfoRequest`](api::PutGroupInfoRequest) | 200 [`GroupInfoResponse`](api::GroupInfoResponse) | 400; 403 not a member; 404; 422 not the current epoch's (signer, GroupContext, confirmation tag, tree) |
//! | GET | `/v1/queues/{client_id}` | — | 200 [`QueueList`](api::QueueList) | 403 not the caller's |
//! | GET | `/v1/queues/{client_id}/{group_id}?after=N&limit=M` | — | 200 [`FetchResponse`](api::FetchResponse): messages with id > N, at most M (and the configured bound) | 400 bad query; 403 not the caller's |
//! | POST | `/v1/queues/{client_id}/{group_id}/ack` | [`AckRequest`](api::AckRequest) | 200 [`AckResponse`](api::AckResponse): messages through the id deleted | 400; 403 not the caller's |
//!
//! # Ordering and checks
//!
//! Every request runs under one lock, so the messages of a group are
//! accepted one at a time. A handshake for epoch `E` is
//! accepted only while the group is at `E`; the first valid commit wins
//! and a later one for `E` gets 409 "stale epoch". PublicMessage
//! handshakes are validated by the public view before they are accepted;
//! **PrivateMessage handshakes are ordered by epoch only** (the service
//! cannot read them): the sender must be a member by signature key, and
//! a PrivateMessage commit must bring the new epoch's GroupInfo, signed by
//! the committer, and tree, which the service checks as a joiner does and
//! follows the group from. A proposal the view holds already is refused
//! as a duplicate (409).
//!
//! Fan-out goes to the clients whose registered signature keys are the
//! members' keys. A member whose leaf carries a key no client registered
//! (a per-group identity, or a key rotated by an Update) gets nothing.
//!
//! # Restart
//!
//! Everything accepted is in the database before the answer is sent.
//! The public views live in memory and are rebuilt on first use after a
//! restart from each group's latest accepted GroupInfo and tree and the
//! PublicMessage handshakes accepted since (replayed at the times they
//! were accepted). A commit uploaded with its GroupInfo makes that
//! GroupInfo the new base, so the replay stays short when committers
//! upload one, as [`client::DsClient::send_commit`] callers should.
//!
//! # Limits
//!
//! * One lock serializes every request (signature checks included): the
//!   simplest total order, at the cost of throughput.
//! * A view stays in memory once used. A restart replays the handshakes
//!   accepted since the group's last GroupInfo, so commits uploaded
//!   without one make the replay (and the log) longer.
//! * The public view cannot check membership or confirmation tags (RFC
//!   9420 §6.2, §8.2) or path secrets: a commit members will refuse for
//!   those reasons is accepted here and the group is then ahead of its
//!   members. Nothing but secrets can catch that.
//! * One signature key per client: a member signing with another key in
//!   a group (a per-group identity, a rotated key) gets no fan-out.
//! * Joins from outside a group (external commits, new members'
//!   proposals) and `GET .../group-info` for non-members are off unless
//!   [`Config::allow_external_joins`]; PrivateMessage handshakes unless
//!   [`Config::allow_private_handshakes`]. With joins on and the default
//!   `AcceptAll` validator, any registered client can join any group, or
//!   move it into an epoch its members refuse (a forged tag); give such a
//!   service a validator that knows who may join.
//! * Registration is open and unmetered; KeyPackages are bounded in count
//!   and size per client, groups and views are not (no quota per client,
//!   no eviction of views). A deployment meters registration.
//! * A commit is merged into the view together with its GroupInfo, or not
//!   at all (`PublicGroup::merge_staged_commit_with_group_info`). A step
//!   that fails after that (the GroupInfo refused as a new base, a
//!   database error) drops the view, which is rebuilt by a replay on next
//!   use (the tables were not changed), at the cost of the log's length.
//! * A request signature names the path, not the service: a client that
//!   registers one key with two services lets a request to one be replayed
//!   once at the other. Use a key per service.
//! * Plain HTTP: put TLS in front ([`client::DsClient`] speaks HTTPS too).
//!
//! # Crypto
//!
//! Request signatures and the public views use `mls-crypto-rustcrypto`:
//! it offers every cipher suite of RFC 9420 (Ed448 and P-521 included,
//! which aws-lc-rs lacks), so the service can follow any group, and it
//! builds without a C toolchain. The service takes the RFC 9420 suites by
//! default; [`Config::cipher_suites`] adds others, such as the provisional
//! post-quantum suites (`mls-ds --provisional-suites`).
//!
//! # Example
//!
//! ```
//! use mls_core::crypto::generate_signature_key_pair;
//! use mls_core::provider::CryptoProvider;
//! use mls_core::CipherSuite;
//! use mls_crypto_rustcrypto::{RustCryptoProvider, SystemRand};
//! use std::sync::Arc;
//!
//! let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
//! let server = mls_ds::serve(listener, mls_ds::Config::in_memory())?;
//!
//! let crypto = RustCryptoProvider::new();
//! let suite = crypto.cipher_suite(CipherSuite::MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519)?;
//! let (key, _) = generate_signature_key_pair(suite, &SystemRand)?;
//! let alice = mls_ds::client::DsClient::new(&server.url(), "alice", Arc::from(suite.signer(key.as_bytes())?));
//! alice.register()?;
//! assert_eq!(alice.key_package_counts()?.one_time, 0);
//!
//! // A second registration of the same id is refused.
//! assert!(matches!(alice.register(), Err(mls_ds::Error::Refused { status: 409, .. })));
//! server.shutdown()?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![forbid(unsafe_code)]

pub mod api;
pub mod auth;
pub mod client;
pub mod config;
mod db;
mod directory;
mod error;
mod groups;
mod handshakes;
mod queues;
mod routes;
mod server;
mod views;

pub use config::Config;
pub use error::Error;
pub use server::{ServerHandle, run, serve};

/// The service's state: the database, the groups' public views, the
/// configuration and the crypto that checks signatures. Behind one lock.
pub(crate) struct Core {
    pub(crate) conn: rusqlite::Connection,
    pub(crate) views: views::Views,
    pub(crate) config: Config,
    pub(crate) crypto: mls_crypto_rustcrypto::RustCryptoProvider,
}
