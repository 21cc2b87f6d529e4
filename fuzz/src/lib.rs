//! Fuzz targets for mls-core (`fuzz_targets/`), and what they share: a
//! crypto provider that is NOT SECURE ([`provider`]), clients on it with
//! in-memory storage ([`clients`]), a view of stored records
//! ([`records`]), byte mutations ([`mutate`]), the codec round trip
//! ([`roundtrip`]), a member's observable state ([`observe`]) and the live
//! group of the stateful target ([`world`]).
//!
//! Build and run with `cargo +nightly fuzz`; see `fuzz/README.md`.
#![forbid(unsafe_code)]

pub mod clients;
pub mod mutate;
pub mod observe;
pub mod provider;
pub mod records;
pub mod roundtrip;
pub mod seeds;
pub mod split;
pub mod world;
