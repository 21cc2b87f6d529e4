//! Groups (RFC 9420 §11–12).
//!
//! For now this holds the wire structures of the group operations:
//! proposals (§12.1), commits and update paths (§12.4), GroupInfo
//! (§12.4.3) and Welcome (§12.4.3.1). The group state machine will sit beside
//! them.

pub mod commit;
pub mod group_info;
pub mod proposal;
pub mod welcome;
