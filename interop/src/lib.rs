//! # interop
//!
//! Conformance and interoperability tooling for the workspace:
//!
//! * [`conformance`]: runs the MLS working group's official test vectors
//!   against every crypto backend ([`backends::all`]) and reports
//!   file × backend × cipher suite. The `mls-interop conformance` binary
//!   prints the same rows as a table or as JSON.
//! * [`vectors`]: the vectors are pinned, not committed ([`vectors::pin`]:
//!   upstream commit, names, sizes, SHA-256); [`vectors::fetch()`]
//!   (`mls-interop fetch-vectors`) makes them available and
//!   [`vectors::VectorDir`] checks every file before it is read.
//! * [`demo`]: a group on three crypto backends with its state in SQLite
//!   files, restarted halfway (`mls-interop demo`).
//! * [`corpus`]: the stored-state corpus under `tests/fixtures/storage`
//!   (`mls-interop storage-corpus`), so a release that cannot read an older
//!   release's stored groups fails its tests.
//! * [`grpc`]: the working group's `MLSClient` gRPC service on tonic
//!   (`mls-interop serve`), for their interoperability runner, and that
//!   runner's scenarios in Rust with a passive-vector recorder
//!   (`mls-interop run-scenarios`).
//! * [`SeededRand`]: a deterministic randomness source, so two backends given
//!   the same seed produce the same keys and HPKE output.
//! * `tests/`: the same vectors under `cargo test`, differential property
//!   tests across backends, and a check that the README's suite table matches
//!   the code.
//!
//! ```no_run
//! // `--vectors`, else $MLS_TEST_VECTORS, else the fetch-vectors cache.
//! let vectors = interop::vectors::VectorDir::locate(None)?;
//! let rows = interop::conformance::run(&vectors, &interop::backends::all())?;
//! assert!(rows.iter().all(|r| r.failed == 0));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![forbid(unsafe_code)]

pub mod backends;
pub mod clients;
pub mod conformance;
pub mod corpus;
pub mod demo;
pub mod grpc;
pub mod report;
mod seeded_rand;
pub mod vectors;

pub use seeded_rand::SeededRand;
