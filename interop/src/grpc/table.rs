//! What an interop server remembers between RPCs: the runner names every
//! piece of state by a number it got back (`state_id`, `transaction_id`,
//! `reinit_id`, `signer_id`), and [`Table`] maps those numbers to
//! [`Entry`]s. All four kinds share one counter, so a number given to the
//! wrong RPC is refused with a clear error instead of finding something
//! else.

use super::actor::Actor;
use super::status::{invalid, not_found};
use mls_core::MlsMessage;
use mls_core::cipher_suite::CipherSuite;
use mls_core::credential::Credential;
use mls_core::group::Group;
use mls_core::provider::{DynProvider, Signer};
use std::collections::HashMap;
use tonic::Status;

/// One member's view of one group.
pub struct MemberState {
    /// The actor (client and storage) the group belongs to.
    pub actor: Actor,
    /// The group.
    pub group: Group<DynProvider>,
    /// The proposals this member sent in the current epoch, as sent: the
    /// runner passes them back in `by_reference` lists, and a member does
    /// not process its own messages (§6: it could not decrypt them).
    pub own_proposals: Vec<Vec<u8>>,
}

impl MemberState {
    /// A member that has sent nothing yet.
    pub fn new(actor: Actor, group: Group<DynProvider>) -> Self {
        Self {
            actor,
            group,
            own_proposals: Vec::new(),
        }
    }
}

/// A member after a commit with a ReInit (§11.2): the old group, which can
/// no longer send, and the KeyPackage for the new group.
pub struct ReInitState {
    /// The actor.
    pub actor: Actor,
    /// The old group (inactive), for the `reinit` resumption PSK.
    pub group: Group<DynProvider>,
}

/// A client waiting for a Welcome: the KeyPackage's private keys are in its
/// storage.
pub struct PendingJoin {
    /// The actor.
    pub actor: Actor,
}

/// An external sender (§12.1.8.1) the runner created: its key and
/// credential.
pub struct ExternalSigner {
    /// The suite whose signature scheme the key is for.
    pub suite: CipherSuite,
    /// The signer.
    pub signer: Box<dyn Signer>,
    /// The public key.
    pub signature_key: Vec<u8>,
    /// The credential (basic, the identity the runner gave).
    pub credential: Credential,
}

/// One numbered piece of state.
pub enum Entry {
    /// A `transaction_id`.
    Pending(PendingJoin),
    /// A `state_id`.
    Member(Box<MemberState>),
    /// A `reinit_id`.
    ReInit(Box<ReInitState>),
    /// A `signer_id`.
    Signer(ExternalSigner),
}

impl Entry {
    fn kind(&self) -> &'static str {
        match self {
            Entry::Pending(_) => "a transaction_id (a KeyPackage awaiting a Welcome)",
            Entry::Member(_) => "a state_id (a group)",
            Entry::ReInit(_) => "a reinit_id",
            Entry::Signer(_) => "a signer_id",
        }
    }
}

/// The numbered state of one server.
#[derive(Default)]
pub struct Table {
    next: u32,
    entries: HashMap<u32, Entry>,
}

/// At most this many entries live at once: `Free` is called after every
/// run, so a runner never comes near it, and a runaway one gets an error
/// instead of exhausting memory.
pub const MAX_ENTRIES: usize = 100_000;

impl Table {
    /// Stores `entry` under a fresh number (never 0, which the runner's
    /// messages use for "absent").
    pub fn insert(&mut self, entry: Entry) -> Result<u32, Status> {
        if self.entries.len() >= MAX_ENTRIES {
            return Err(Status::resource_exhausted(format!(
                "this server holds {MAX_ENTRIES} states; Free some first"
            )));
        }
        for _ in 0..=MAX_ENTRIES {
            self.next = self.next.checked_add(1).unwrap_or(1);
            if !self.entries.contains_key(&self.next) {
                self.entries.insert(self.next, entry);
                return Ok(self.next);
            }
        }
        Err(Status::resource_exhausted("no free id"))
    }

    /// Replaces entry `id` (after a commit or join changed it in place).
    pub fn replace(&mut self, id: u32, entry: Entry) {
        self.entries.insert(id, entry);
    }

    /// Removes entry `id`; `Free` of an unknown id is not an error (the
    /// runner frees every actor's ids, some of which a failed step never
    /// created).
    pub fn remove(&mut self, id: u32) -> Option<Entry> {
        self.entries.remove(&id)
    }

    /// How many entries are held.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether no entry is held.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    fn get_mut(&mut self, id: u32, what: &str) -> Result<&mut Entry, Status> {
        self.entries
            .get_mut(&id)
            .ok_or_else(|| not_found(format!("no {what} {id} on this server")))
    }

    /// The group of `state_id`.
    pub fn member(&mut self, id: u32) -> Result<&mut MemberState, Status> {
        match self.get_mut(id, "state_id")? {
            Entry::Member(state) => Ok(state),
            other => Err(invalid(format!("{id} is {}, not a state_id", other.kind()))),
        }
    }

    /// The old group and actor of `reinit_id`.
    pub fn reinit(&mut self, id: u32) -> Result<&mut ReInitState, Status> {
        match self.get_mut(id, "reinit_id")? {
            Entry::ReInit(state) => Ok(state),
            other => Err(invalid(format!(
                "{id} is {}, not a reinit_id",
                other.kind()
            ))),
        }
    }

    /// The waiting client of `transaction_id`.
    pub fn pending(&mut self, id: u32) -> Result<&mut PendingJoin, Status> {
        match self.get_mut(id, "transaction_id")? {
            Entry::Pending(pending) => Ok(pending),
            other => Err(invalid(format!(
                "{id} is {}, not a transaction_id",
                other.kind()
            ))),
        }
    }

    /// The external sender of `signer_id`.
    pub fn signer(&mut self, id: u32) -> Result<&mut ExternalSigner, Status> {
        match self.get_mut(id, "signer_id")? {
            Entry::Signer(signer) => Ok(signer),
            other => Err(invalid(format!(
                "{id} is {}, not a signer_id",
                other.kind()
            ))),
        }
    }

    /// The actor behind a `state_id` or a `transaction_id` (`StorePSK`
    /// takes either).
    pub fn actor_of_state_or_transaction(&mut self, id: u32) -> Result<&Actor, Status> {
        match self.get_mut(id, "state_id or transaction_id")? {
            Entry::Member(state) => Ok(&state.actor),
            Entry::Pending(pending) => Ok(&pending.actor),
            Entry::ReInit(state) => Ok(&state.actor),
            other => Err(invalid(format!(
                "{id} is {}, not a state_id or transaction_id",
                other.kind()
            ))),
        }
    }
}

/// Decodes an `MLSMessage` the runner passed, naming the field on failure.
pub fn decode_message(bytes: &[u8], field: &str) -> Result<MlsMessage, Status> {
    MlsMessage::from_bytes(bytes).map_err(|e| invalid(format!("{field}: {e}")))
}
