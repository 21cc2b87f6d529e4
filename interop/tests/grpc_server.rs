//! `mls-interop serve` in-process: a tonic client over a real HTTP/2
//! connection calls the server the way the working group's runner does.
//!
//! * `Name` and `SupportedCiphersuites` on every backend;
//! * every RPC of the service is implemented (none answers UNIMPLEMENTED);
//! * a whole lifecycle over three servers, one per backend
//!   (`grpc_server/lifecycle.rs`), and malformed requests
//!   (`grpc_server/hostile.rs`).

// Test helpers outside #[test] fns fail loudly, as the tests do.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

// The crate root looks for modules next to it, in `tests/`: name the folder.
#[path = "grpc_support/mod.rs"]
mod grpc_support;
#[path = "grpc_server/hostile.rs"]
mod hostile;
#[path = "grpc_server/lifecycle.rs"]
mod lifecycle;

use grpc_support::{call, runtime, start_one as start};
use interop::grpc::messages::*;
use interop::grpc::server::{InteropServer, StorageChoice};
use interop::grpc::service::RPCS;
use tonic::Code;

#[test]
fn name_and_supported_ciphersuites_over_grpc() {
    runtime().block_on(async {
        for backend in ["rustcrypto", "ring", "awslc"] {
            let server = start(backend, StorageChoice::Memory).await;
            let channel = &server.channel;

            let name: NameResponse = call(channel, "Name", NameRequest {}).await.expect("Name");
            let expected = InteropServer::new(backend, StorageChoice::Memory).expect("backend");
            assert_eq!(name.name, expected.display_name());
            assert!(name.name.contains(expected.backend()), "{}", name.name);

            let suites: SupportedCiphersuitesResponse = call(
                channel,
                "SupportedCiphersuites",
                SupportedCiphersuitesRequest {},
            )
            .await
            .expect("SupportedCiphersuites");
            let crypto = interop::clients::crypto(expected.backend()).expect("backend by name");
            let want: Vec<u32> = crypto
                .supported_cipher_suites()
                .into_iter()
                .map(|s| u32::from(s.code()))
                .collect();
            assert!(!want.is_empty());
            assert_eq!(suites.ciphersuites, want, "{backend}");

            // A path that is no RPC of the service: UNIMPLEMENTED, not a
            // hang or a reset stream.
            let unknown = call::<NameRequest, NameResponse>(channel, "NoSuchRpc", NameRequest {})
                .await
                .expect_err("an unknown RPC must fail");
            assert_eq!(unknown.code(), Code::Unimplemented);
        }
    });
}

/// Every RPC of the service called with an empty request (the encoding of
/// any message with all fields at their defaults, so one codec serves
/// all): none may answer UNIMPLEMENTED, and none may break the connection
/// (a panicking handler would show up as `Unknown` or a transport error).
/// `Name`, `SupportedCiphersuites` and `Free` (of an unknown id) succeed;
/// the others refuse the empty request with a status that says why.
#[test]
fn every_rpc_is_implemented() {
    runtime().block_on(async {
        let server = start("rustcrypto", StorageChoice::Memory).await;
        let mut answered = 0;
        for rpc in RPCS {
            match call::<NameRequest, NameRequest>(&server.channel, rpc.name, NameRequest {}).await
            {
                Ok(_) => {
                    assert!(
                        ["Name", "SupportedCiphersuites", "Free"].contains(&rpc.name),
                        "{} accepted an empty request",
                        rpc.name
                    );
                }
                Err(status) => {
                    assert!(
                        matches!(
                            status.code(),
                            Code::InvalidArgument | Code::NotFound | Code::FailedPrecondition
                        ),
                        "{}: {:?} {}",
                        rpc.name,
                        status.code(),
                        status.message()
                    );
                    assert!(
                        status.message().starts_with(rpc.name),
                        "{}: the error names its RPC: {}",
                        rpc.name,
                        status.message()
                    );
                }
            }
            answered += 1;
        }
        assert_eq!(answered, 34);
        assert_eq!(RPCS.len(), 34);
        // The server still answers after all of them.
        let name: NameResponse = call(&server.channel, "Name", NameRequest {})
            .await
            .expect("Name after every RPC");
        assert_eq!(name.name, server.name);
        assert_eq!(server.handle.held(), 0, "empty requests created no state");
    });
}
