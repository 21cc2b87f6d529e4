//! What a member's group looks like from outside, in memory and in
//! storage, to check that a refused message changed nothing.

use crate::clients::FuzzProvider;
use crate::records::{self, Dump};
use mls_core::Group;
use mls_core::group::Member;
use mls_core::group::proposal::Proposal;
use mls_core::provider::Namespace;

/// The member's observable state.
#[derive(Debug, PartialEq)]
pub struct State {
    pub epoch: u64,
    pub epoch_authenticator: Vec<u8>,
    pub members: Vec<Member>,
    pub active: bool,
    pub pending_commit: bool,
    pub proposals: Vec<Proposal>,
    pub stored: Dump,
}

/// Observes `group` and everything its client stores.
pub fn observe(
    group: &Group<FuzzProvider>,
    storage: &impl mls_core::provider::StorageProvider,
) -> State {
    State {
        epoch: group.epoch(),
        epoch_authenticator: group.epoch_authenticator().to_vec(),
        members: group.members(),
        active: group.is_active(),
        pending_commit: group.has_pending_commit(),
        proposals: group.pending_proposals().cloned().collect(),
        stored: records::dump(storage),
    }
}

/// Whether `key` (namespace `epoch_secrets`) is a secret tree record of
/// `group_id`: an unconsumed tree node (`G ‖ 0x01 ‖ …`) or a sender's
/// ratchets (`G ‖ 0x02 ‖ …`), the records a spent message key changes
/// (mls-core `storage` module docs).
pub fn is_secret_tree_record(group_id: &[u8], namespace: Namespace, key: &[u8]) -> bool {
    let mut prefix = Vec::new();
    if mls_core::codec::write_varint(group_id.len(), &mut prefix).is_err() {
        return false;
    }
    prefix.extend_from_slice(group_id);
    let secret_tree = namespace == Namespace::EpochSecrets
        && key.starts_with(&prefix)
        && matches!(key.get(prefix.len()), Some(1 | 2));
    // Every transaction of a group also advances its write counter
    // (`G ‖ 0x03` in group_state, the one-writer check), so storing a
    // spent key changes it too.
    let write_counter = namespace == Namespace::GroupState
        && key.len() == prefix.len() + 1
        && key.starts_with(&prefix)
        && key.get(prefix.len()) == Some(&3);
    secret_tree || write_counter
}
