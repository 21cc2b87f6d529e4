//! Per-group settings.

use crate::framing::{PaddingPolicy, WireFormat};
use crate::secret_tree::OutOfOrderPolicy;

/// How a group sends and accepts messages. Every field has a safe default
/// ([`GroupConfig::default`]); the settings are local to this member and
/// not part of the group's shared state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupConfig {
    /// The wire format of our proposals and commits: `PublicMessage` (the
    /// delivery service can read and check them) or `PrivateMessage`
    /// (encrypted, §6.3). Default: `PrivateMessage`.
    pub handshake_wire_format: WireFormat,
    /// Padding of PrivateMessages we send (§6.3). Default: none.
    pub padding: PaddingPolicy,
    /// Bounds on out-of-order and late messages (§9.2) and on the number
    /// of past epochs whose keys are kept.
    pub out_of_order: OutOfOrderPolicy,
    /// Whether the GroupInfo in our Welcomes carries the `ratchet_tree`
    /// extension (§12.4.3.3). If not, joiners need the tree out of band.
    /// Default: true.
    pub ratchet_tree_in_welcome: bool,
    /// Whether GroupInfos we publish carry `external_pub` (§12.4.3.2), which
    /// lets clients join by external commit. Default: true.
    pub external_pub_in_group_info: bool,
    /// The longest KeyPackage lifetime (`not_after - not_before`, seconds)
    /// we accept in an Add (§7.2: applications MUST set one); `None`
    /// accepts any. Enforced even when `check_lifetimes` is off. Default:
    /// 90 days.
    pub max_key_package_lifetime: Option<u64>,
    /// Whether to check the lifetimes of `key_package` leaves (§7.3).
    /// Default: true. Turning it off is only for replaying recorded data.
    pub check_lifetimes: bool,
    /// Whether to check the lifetimes of the leaves of a tree we join
    /// (§7.3 RECOMMENDS it for received leaves but does not require it: a
    /// member who never updates keeps its KeyPackage's lifetime, and would
    /// make the group unjoinable once it expires). Default: false.
    pub check_tree_lifetimes: bool,
    /// How many past epochs keep their `resumption_psk` (§8.6) for
    /// resumption PSKs, re-initialization and branching. Default: 4.
    pub resumption_psk_epochs: u32,
    /// The most leaves the tree may have (blank ones included). Adds and
    /// external joins beyond it are rejected, and so is a tree to join
    /// that is wider, before it is expanded (§12.4.3.1; the join costs
    /// memory in proportion to the width). Default: 2^16 (65,536). A value
    /// above [`MAX_LEAVES_CEILING`] acts as the ceiling (see
    /// [`GroupConfig::leaf_limit`]).
    pub max_leaves: u32,
    /// The most proposals held for commits in one epoch (§12.4: received
    /// and our own, each stored until the next commit). One more is
    /// refused with `ProtocolError::TooManyProposals`. Default: 10,000.
    pub max_proposals_per_epoch: u32,
    /// How many generations of our application ratchet (§9.1) one storage
    /// write reserves. Sending writes the ratchet once per this many
    /// messages instead of once per message; the keys in between are held
    /// in memory only, and storage never holds a key or secret of a
    /// generation already sent. Each send still checks, by a read, that no
    /// other instance of the group wrote since (`Error::Conflict`).
    ///
    /// The cost: after a crash or reload, the generations reserved and not
    /// used are skipped, so receivers see a jump of up to this many
    /// generations (within their `out_of_order.max_forward_jump`). 1
    /// writes every message; values above
    /// [`MAX_SENDING_RESERVATION`](crate::secret_tree::MAX_SENDING_RESERVATION)
    /// act as it. Default: 16.
    pub reserved_sending_generations: u32,
}

/// The widest tree (in leaves) any group holds, whatever its
/// `max_leaves`: 2^20. A stored group is never wider, so `Group::load`
/// refuses a damaged record declaring a wider tree before allocating it,
/// and loading costs at most a bounded amount of memory whatever the
/// stored configuration says.
pub const MAX_LEAVES_CEILING: u32 = 1 << 20;

impl GroupConfig {
    /// The most leaves the tree may have: `max_leaves`, at most
    /// [`MAX_LEAVES_CEILING`].
    pub fn leaf_limit(&self) -> u32 {
        self.max_leaves.min(MAX_LEAVES_CEILING)
    }
}

impl Default for GroupConfig {
    fn default() -> Self {
        Self {
            handshake_wire_format: WireFormat::PrivateMessage,
            padding: PaddingPolicy::None,
            out_of_order: OutOfOrderPolicy::default(),
            ratchet_tree_in_welcome: true,
            external_pub_in_group_info: true,
            max_key_package_lifetime: Some(90 * 24 * 3600),
            check_lifetimes: true,
            check_tree_lifetimes: false,
            resumption_psk_epochs: 4,
            max_leaves: 1 << 16,
            max_proposals_per_epoch: 10_000,
            reserved_sending_generations: 16,
        }
    }
}
