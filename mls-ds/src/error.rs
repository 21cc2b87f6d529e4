//! The crate's public error type, and the refusal a request gets.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// Any error of the delivery service's library API: starting the server,
/// or a [`DsClient`](crate::client::DsClient) call.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The server refused a request: its HTTP status and the reason it
    /// gave.
    #[error("the delivery service answered {status}: {reason}")]
    Refused {
        /// The HTTP status code.
        status: u16,
        /// The reason the server gave.
        reason: String,
    },
    /// The request did not reach the server, or its answer could not be
    /// read.
    #[error("transport: {0}")]
    Transport(String),
    /// The server's answer was not what the API documents.
    #[error("unexpected answer from the delivery service: {0}")]
    BadAnswer(String),
    /// Something this crate does not support was asked for.
    #[error("unsupported: {0}")]
    Unsupported(String),
    /// The database could not be opened or prepared.
    #[error("database: {0}")]
    Database(String),
    /// A socket or runtime could not be set up.
    #[error("i/o: {0}")]
    Io(#[from] std::io::Error),
    /// An MLS operation on our side failed (signing a request, encoding a
    /// message).
    #[error("mls: {0}")]
    Mls(#[from] mls_core::Error),
}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        Error::Database(e.to_string())
    }
}

/// Why a request was refused: the status and a reason a client can act
/// on. Every handler returns one instead of panicking, and returns it
/// before anything is written (or with the write rolled back).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ApiError {
    pub(crate) status: StatusCode,
    pub(crate) reason: String,
}

impl ApiError {
    pub(crate) fn new(status: StatusCode, reason: impl Into<String>) -> Self {
        Self {
            status,
            reason: reason.into(),
        }
    }

    pub(crate) fn bad_request(reason: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, reason)
    }

    pub(crate) fn unauthorized(reason: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, reason)
    }

    pub(crate) fn forbidden(reason: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, reason)
    }

    pub(crate) fn not_found(reason: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, reason)
    }

    pub(crate) fn conflict(reason: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, reason)
    }

    /// The message is well formed but breaks a rule of RFC 9420 that the
    /// public view checks.
    pub(crate) fn refused(what: &str, e: &mls_core::Error) -> Self {
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!("{what} refused: {e}"),
        )
    }

    /// A decode failure of an MLS structure the client sent.
    pub(crate) fn malformed(what: &str, e: impl std::fmt::Display) -> Self {
        Self::bad_request(format!("malformed {what}: {e}"))
    }

    pub(crate) fn internal(reason: impl std::fmt::Display) -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("internal error: {reason}"),
        )
    }
}

impl From<rusqlite::Error> for ApiError {
    fn from(e: rusqlite::Error) -> Self {
        ApiError::internal(format!("database: {e}"))
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = serde_json::json!({ "error": self.reason });
        (self.status, axum::Json(body)).into_response()
    }
}

pub(crate) type ApiResult<T> = Result<T, ApiError>;
