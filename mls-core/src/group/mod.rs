//! Groups (RFC 9420 §11–12): the state machine users call, and the wire
//! structures of the group operations.
//!
//! * [`Client`]: a credential and its signer bound to a provider; makes
//!   KeyPackages, creates and joins groups.
//! * [`Group`]: one member's view of a group. Proposals and commits
//!   ([`Group::commit_builder`]), [`Group::process_message`] for what
//!   others send, application messages, exporter and epoch authenticator.
//! * [`PublicGroup`]: a group followed without any secret, as a delivery
//!   service follows it: every check a member makes that needs no secret,
//!   through the same code (`commit_tree`, `proposal_list`, framing's
//!   `verify_public_message`, join's tree validation).
//!
//! A commit we create stays pending until [`Group::merge_pending_commit`];
//! another member's commit is checked in full (§12.4.2) and by the group's
//! [`GroupRules`], then returned as a [`StagedCommit`] for the application
//! to inspect and [`Group::merge_staged_commit`] or
//! [`Group::discard_staged_commit`]; a rejected one leaves the group as it
//! was. Senders are named by [`MessageSender`]: the credential they had in
//! the epoch of their message.
//!
//! The wire structures: proposals (§12.1), commits and update paths
//! (§12.4), GroupInfo (§12.4.3) and Welcome (§12.4.3.1).

mod application;
mod client;
pub mod commit;
mod commit_tree;
mod config;
mod create_commit;
mod derived_rand;
mod epoch_step;
mod external;
pub mod group_info;
mod identity;
mod join;
mod key_index;
mod pending;
mod persist;
mod process;
pub mod proposal;
mod proposal_list;
mod public_group;
mod resumption;
mod rules;
mod staged;
mod state;
mod stored_key_package;
pub mod welcome;

pub use client::{Client, ClientBuilder, KeyPackageOptions, KeyPackagePrivateKeys, LAST_RESORT};
pub use config::{GroupConfig, MAX_LEAVES_CEILING};
pub use create_commit::{CommitBuilder, CommitOutput};
pub use external::{ExternalJoinOptions, external_proposal};
pub use identity::SigningIdentity;
pub use join::JoinOptions;
pub use pending::CachedProposal;
pub use process::{ApplicationMessage, ProcessedMessage, ReceivedProposal};
pub use public_group::{
    PublicGroup, PublicGroupBuilder, PublicProcessedMessage, PublicStagedCommit,
};
pub use rules::{DefaultRules, GroupRules, MessageSender, ProposalSource, Roster, RulesContext};
pub use staged::{CommitSummary, CommittedProposal, MemberUpdate, StagedCommit};
pub use state::{Group, Member};
