//! The application in charge (issue 13): default rules that refuse what a
//! non-member could make the group do, rules with the group's context,
//! staged commits, senders named by the credential they had, and the
//! Authentication Service hook (§5.3.1). Every refusal is checked by its
//! error and by the state afterwards, in memory and reloaded from storage.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "group_rules/support.rs"]
mod support;

#[path = "group_rules/attribution.rs"]
mod attribution;
#[path = "group_rules/authentication.rs"]
mod authentication;
#[path = "group_rules/credentials.rs"]
mod credentials;
#[path = "group_rules/defaults.rs"]
mod defaults;
#[path = "group_rules/identities.rs"]
mod identities;
#[path = "group_rules/malformed_key.rs"]
mod malformed_key;
#[path = "group_rules/staged.rs"]
mod staged;
