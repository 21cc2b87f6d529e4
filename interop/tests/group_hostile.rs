//! Hostile inputs to the group API: the lines of `shared/CHECKLIST.md`
//! under "Ratchet tree" (the `tree*` modules), "Proposals and proposal
//! lists", "Commit", "External commit" and "Welcome and GroupInfo", and the
//! framing lines on confirmation tags, sender types and external sender
//! indices.
//!
//! Each test builds a small real group, crafts one hostile message that
//! breaks exactly one rule (correctly signed, MACed and confirmed
//! otherwise: see `world.rs` for how the test learns the epoch's secrets),
//! and checks that every receiver rejects it with the error naming that
//! rule, that no receiver's state changed, and that a later valid commit
//! from another member still processes with everyone agreeing on the
//! epoch authenticator.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

/// A predicate on errors: `Error::Protocol(pattern)`, with an optional guard.
macro_rules! protocol {
    ($p:pat $(if $guard:expr)?) => {
        |e: &mls_core::Error| matches!(e, mls_core::Error::Protocol($p) $(if $guard)?)
    };
}

// The crate root looks for modules next to it, in `tests/`: name the folder.
#[path = "group_hostile/commit.rs"]
mod commit;
#[path = "group_hostile/encoding.rs"]
mod encoding;
#[path = "group_hostile/external.rs"]
mod external;
#[path = "group_hostile/framing.rs"]
mod framing;
#[path = "group_hostile/key_packages.rs"]
mod key_packages;
#[path = "group_hostile/proposals.rs"]
mod proposals;
#[path = "group_hostile/resumption.rs"]
mod resumption;
#[path = "group_hostile/tree.rs"]
mod tree;
#[path = "group_hostile/tree_collision.rs"]
mod tree_collision;
#[path = "group_hostile/tree_shapes.rs"]
mod tree_shapes;
#[path = "group_hostile/tree_stored.rs"]
mod tree_stored;
#[path = "group_hostile/welcome.rs"]
mod welcome;
#[path = "group_hostile/world.rs"]
mod world;
