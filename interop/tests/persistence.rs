//! Persistence (DESIGN "Storage"): groups reload and continue, a failed
//! write changes nothing, damaged values are typed errors, a crash at any
//! write leaves the old epoch or the new one, and deleted secrets leave the
//! database files. Each test runs on the memory and the SQLite backend,
//! except those that need a file (crash, bytes on disk): SQLite only.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    unreachable_pub
)]

mod persistence {
    mod corruption;
    #[cfg(unix)]
    mod crash;
    mod faults;
    mod forward_secrecy;
    mod incremental;
    mod public_view;
    mod reload;
    mod reservation;
    pub mod support;
}
