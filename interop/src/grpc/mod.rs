//! `mls-interop serve`: this library as a client of the MLS working group's
//! interoperability runner (`mls_client.MLSClient` over gRPC).
//!
//! * [`messages`]: the `mls_client` package's messages as our own prost
//!   types; the working group's `.proto` is not part of this repository and
//!   a build needs neither it nor `protoc`.
//! * [`service`]: the service as tonic server code written by hand, in the
//!   shape `tonic-build` generates.
//! * [`server`]: our implementation, on the crypto backend and storage chosen
//!   on the command line; it hands each RPC to
//! * [`ops`]: the work of each RPC, on
//! * [`table`]: the numbered state the runner refers to (`state_id`,
//!   `transaction_id`, `reinit_id`, `signer_id`), whose members are
//! * [`actor`]s: one MLS client per identity the runner names, each with
//!   its own store; failures are reported as [`status`]es carrying the
//!   library's error text.
//! * [`client`]: the other side of the wire, a typed client of the service.
//! * [`runner`]: the working group's scenario runner on that client
//!   (`mls-interop run-scenarios`), which also records passive-client
//!   vectors.
//!
//! `tests/grpc_proto.rs` checks [`messages::MESSAGES`] and
//! [`service::RPCS`] against the working group's file when
//! `MLS_INTEROP_PROTO` names it.

pub mod actor;
pub mod client;
pub mod messages;
pub mod ops;
pub mod runner;
pub mod server;
pub mod service;
pub mod status;
pub mod table;
