//! How the server reports failures: every one is a gRPC status whose
//! message is the library's error text, so the runner's report says why.

use tonic::Status;

/// A request the server cannot act on (a missing or malformed field, an
/// id of the wrong kind).
pub fn invalid(message: impl Into<String>) -> Status {
    Status::invalid_argument(message.into())
}

/// An id this server does not hold.
pub fn not_found(message: impl Into<String>) -> Status {
    Status::not_found(message.into())
}

/// The library refused: `FAILED_PRECONDITION` with its error text (the
/// runner sent something the protocol rejects, or asked in a state where
/// the operation is not allowed).
pub fn mls_error(error: mls_core::Error) -> Status {
    Status::failed_precondition(error.to_string())
}

/// [`mls_error`] with what was being done.
pub fn mls_context(what: &str) -> impl Fn(mls_core::Error) -> Status + '_ {
    move |error| Status::failed_precondition(format!("{what}: {error}"))
}
