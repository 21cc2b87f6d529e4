//! The JSON bodies of the endpoints, shared by the server and
//! [`DsClient`](crate::client::DsClient). Binary values (MLS messages,
//! keys, group ids) travel as lowercase hex.

use serde::{Deserialize, Serialize};

/// `POST /v1/clients`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegisterRequest {
    /// The new client's id (1 to 64 of `A-Z a-z 0-9 . _ -`).
    pub client_id: String,
    /// The TLS code point of its signature scheme (RFC 8446 §4.2.3; for
    /// example `0x0807` = 2055 for Ed25519).
    pub signature_scheme: u16,
    /// Its signature public key, as in a LeafNode (RFC 9420 §5.1.1), hex.
    pub signature_key: String,
}

/// The answer to `POST /v1/clients`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegisterResponse {
    /// The registered client id.
    pub client_id: String,
}

/// The answer to `POST /v1/key-packages`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublishResponse {
    /// The KeyPackageRef (RFC 9420 §5.2), hex.
    pub reference: String,
    /// Whether the package carries the `last_resort` extension.
    pub last_resort: bool,
}

/// The answer to `GET /v1/key-packages`: the caller's packages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyPackageCounts {
    /// One-time packages left.
    pub one_time: u64,
    /// Last-resort packages (kept when claimed).
    pub last_resort: u64,
}

/// `POST /v1/key-packages/claim`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClaimRequest {
    /// Whose KeyPackage.
    pub client_id: String,
    /// For which cipher suite (its code point).
    pub cipher_suite: u16,
}

/// The answer to `POST /v1/key-packages/claim`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClaimResponse {
    /// The KeyPackage as an MLSMessage, hex.
    pub key_package: String,
    /// Whether it is the client's last-resort package (which stays).
    pub last_resort: bool,
}

/// `POST /v1/groups`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateGroupRequest {
    /// The group's GroupInfo (an MLSMessage), hex: the creator's, of the
    /// epoch the group is at (0 for a new group).
    pub group_info: String,
    /// The ratchet tree, hex, if the GroupInfo has no `ratchet_tree`
    /// extension.
    #[serde(default)]
    pub ratchet_tree: Option<String>,
}

/// A member of a group as the service knows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberEntry {
    /// The member's leaf index.
    pub leaf: u32,
    /// The registered client with the member's signature key, if any.
    pub client_id: Option<String>,
}

/// The answer to `POST /v1/groups` and `GET /v1/groups/{group_id}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupState {
    /// The group id, hex.
    pub group_id: String,
    /// The epoch the service has the group at.
    pub epoch: u64,
    /// The cipher suite's code point.
    pub cipher_suite: u16,
    /// The members of that epoch.
    pub members: Vec<MemberEntry>,
    /// Whether the service holds a GroupInfo of that epoch (for external
    /// joins).
    pub group_info_current: bool,
}

/// `POST /v1/groups/{group_id}/messages`: a handshake or application
/// message, and what goes with a commit.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubmitRequest {
    /// The MLSMessage (a PublicMessage or a PrivateMessage), hex.
    pub message: String,
    /// With a commit: the GroupInfo of the epoch it creates, hex. Required
    /// for a PrivateMessage commit.
    #[serde(default)]
    pub group_info: Option<String>,
    /// With that GroupInfo, if it has no `ratchet_tree` extension: the
    /// new epoch's tree, hex (used only for a PrivateMessage commit).
    #[serde(default)]
    pub ratchet_tree: Option<String>,
    /// With a commit that adds members: the Welcome (an MLSMessage), hex.
    #[serde(default)]
    pub welcome: Option<String>,
    /// The clients the Welcome is for; each must be a member the commit
    /// adds.
    #[serde(default)]
    pub welcome_recipients: Vec<String>,
}

/// The answer to `POST /v1/groups/{group_id}/messages`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubmitResponse {
    /// The group's epoch after the message.
    pub epoch: u64,
    /// `"commit"`, `"proposal"` or `"application"`.
    pub kind: String,
    /// The clients the message was queued for.
    pub delivered_to: Vec<String>,
}

/// The answer to `GET /v1/groups/{group_id}/group-info`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupInfoResponse {
    /// The epoch of the GroupInfo, the group's current one.
    pub epoch: u64,
    /// The GroupInfo (an MLSMessage), hex.
    pub group_info: String,
    /// The ratchet tree of that epoch, hex.
    pub ratchet_tree: String,
}

/// `PUT /v1/groups/{group_id}/group-info`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PutGroupInfoRequest {
    /// The GroupInfo of the current epoch, hex.
    pub group_info: String,
}

/// One of the caller's queues.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueSummary {
    /// The group, hex.
    pub group_id: String,
    /// Messages waiting.
    pub pending: u64,
    /// Messages retention dropped from this queue, ever.
    pub dropped: u64,
}

/// The answer to `GET /v1/queues/{client_id}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueList {
    /// Every queue with a message waiting or a drop recorded.
    pub queues: Vec<QueueSummary>,
}

/// A message waiting in a queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueuedMessage {
    /// Its id: increasing in the order messages were accepted; the
    /// cursor of fetch and acknowledge.
    pub id: u64,
    /// `"commit"`, `"proposal"`, `"application"` or `"welcome"`.
    pub kind: String,
    /// The epoch it was sent in.
    pub epoch: u64,
    /// The client that sent it.
    pub sender: String,
    /// The MLSMessage, hex.
    pub message: String,
}

/// The answer to `GET /v1/queues/{client_id}/{group_id}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FetchResponse {
    /// Messages after the cursor, oldest first.
    pub messages: Vec<QueuedMessage>,
    /// Messages retention dropped from this queue, ever: if it grew since
    /// the last fetch, messages were lost.
    pub dropped: u64,
}

/// `POST /v1/queues/{client_id}/{group_id}/ack`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AckRequest {
    /// Delete every message with an id up to this one.
    pub through: u64,
}

/// The answer to an acknowledgement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AckResponse {
    /// How many messages were deleted.
    pub deleted: u64,
}
