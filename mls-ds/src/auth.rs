//! Request authentication: what a client signs, and the server's checks.
//!
//! Every request but registration names a registered client and carries
//! four headers:
//!
//! | header | value |
//! |---|---|
//! | `mls-ds-client` | the client id |
//! | `mls-ds-timestamp` | seconds since the Unix epoch, by the client's clock |
//! | `mls-ds-nonce` | 16 to 64 random bytes, hex |
//! | `mls-ds-signature` | hex of `SignWithLabel(key, "DS Request v1", DsRequestTBS)` |
//!
//! ```text
//! struct {
//!     opaque client_id<V>;
//!     opaque method<V>;        // "GET", "POST", ...
//!     opaque path<V>;          // path and query, exactly as sent
//!     uint64 timestamp;
//!     opaque nonce<V>;
//!     opaque body_sha256<V>;   // SHA-256 of the body (of the empty string if none)
//! } DsRequestTBS;
//! ```
//!
//! `SignWithLabel` is RFC 9420 §5.1.2's, so the signed bytes start with
//! `"MLS 1.0 DS Request v1"`: no MLS structure signs under that label, so
//! a request signature can never be replayed as (or made from) a signature
//! a member gives inside a group.
//!
//! Registration is signed the same way by the key it registers (proof of
//! possession). The server refuses a timestamp more than the configured
//! skew away from its clock, and a nonce the client already used within
//! that window (it keeps each nonce one window longer than its timestamp
//! can pass the check, so a clock stepped back by up to a window does not
//! make a pruned nonce usable again).
//! A nonce is spent once its signature verifies, whatever the outcome of
//! the request: a refused request cannot be replayed later, when it might
//! succeed.

use crate::error::{ApiError, ApiResult};
use axum::http::HeaderMap;
use mls_core::codec::write_varint;
use mls_core::crypto::{sign_with_label, verify_with_label};
use mls_core::provider::{CipherSuiteProvider, CryptoProvider, Signer};
use mls_core::{CipherSuiteDefinition, SignatureScheme};
use rusqlite::{Connection, OptionalExtension, params};
use sha2::{Digest, Sha256};

/// The `SignWithLabel` label of a request signature.
pub const LABEL: &str = "DS Request v1";
/// Header naming the client.
pub const HEADER_CLIENT: &str = "mls-ds-client";
/// Header with the request's timestamp.
pub const HEADER_TIMESTAMP: &str = "mls-ds-timestamp";
/// Header with the request's nonce, hex.
pub const HEADER_NONCE: &str = "mls-ds-nonce";
/// Header with the request's signature, hex.
pub const HEADER_SIGNATURE: &str = "mls-ds-signature";

/// The shortest nonce accepted, in bytes.
pub const MIN_NONCE_LEN: usize = 16;
/// The longest nonce accepted, in bytes.
pub const MAX_NONCE_LEN: usize = 64;
/// The longest client id, in bytes.
pub const MAX_CLIENT_ID_LEN: usize = 64;

/// Whether `id` is a valid client id: 1 to 64 ASCII letters, digits, `.`,
/// `_` or `-`, so it can stand in a URL path and a header unescaped.
pub fn valid_client_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_CLIENT_ID_LEN
        // "." and ".." are path segments clients and proxies rewrite.
        && !id.bytes().all(|b| b == b'.')
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

/// The signature scheme with TLS code point `code`, if MLS uses it.
pub fn scheme_from_code(code: u16) -> Option<SignatureScheme> {
    CipherSuiteDefinition::BUILT_IN
        .iter()
        .map(|d| d.signature)
        .find(|s| *s as u16 == code)
}

/// A suite object of `crypto` whose signature scheme is `scheme`: labeled
/// signing and verifying need one, and any suite of the scheme does.
pub fn suite_for_scheme(
    crypto: &dyn CryptoProvider,
    scheme: SignatureScheme,
) -> Option<&dyn CipherSuiteProvider> {
    crypto
        .supported_cipher_suites()
        .into_iter()
        .filter_map(|s| crypto.suite(s))
        .find(|s| s.definition().signature == scheme)
}

fn push_var(out: &mut Vec<u8>, bytes: &[u8]) -> Result<(), mls_core::Error> {
    write_varint(bytes.len(), out).map_err(|_| mls_core::Misuse::TooLarge("a request field"))?;
    out.extend_from_slice(bytes);
    Ok(())
}

/// What a request signature covers (see the module documentation).
#[derive(Debug, Clone, Copy)]
pub struct RequestToSign<'a> {
    /// The client the request is sent as.
    pub client_id: &'a str,
    /// The HTTP method.
    pub method: &'a str,
    /// The path and query, exactly as sent.
    pub path_and_query: &'a str,
    /// Seconds since the Unix epoch.
    pub timestamp: u64,
    /// A fresh nonce of 16 to 64 bytes.
    pub nonce: &'a [u8],
    /// The body (empty if none).
    pub body: &'a [u8],
}

impl RequestToSign<'_> {
    /// The encoded `DsRequestTBS`.
    pub fn tbs(&self) -> Result<Vec<u8>, mls_core::Error> {
        let mut out = Vec::new();
        push_var(&mut out, self.client_id.as_bytes())?;
        push_var(&mut out, self.method.as_bytes())?;
        push_var(&mut out, self.path_and_query.as_bytes())?;
        out.extend_from_slice(&self.timestamp.to_be_bytes());
        push_var(&mut out, self.nonce)?;
        push_var(&mut out, &Sha256::digest(self.body))?;
        Ok(out)
    }

    /// Signs the request: the four authentication headers, as (name,
    /// value).
    pub fn sign(
        &self,
        signer: &dyn Signer,
        suite: &dyn CipherSuiteProvider,
    ) -> Result<[(&'static str, String); 4], mls_core::Error> {
        let signature = sign_with_label(signer, suite, LABEL, &self.tbs()?)?;
        Ok([
            (HEADER_CLIENT, self.client_id.to_owned()),
            (HEADER_TIMESTAMP, self.timestamp.to_string()),
            (HEADER_NONCE, hex::encode(self.nonce)),
            (HEADER_SIGNATURE, hex::encode(signature)),
        ])
    }
}

/// A request as the server received it.
pub(crate) struct Request<'a> {
    pub(crate) method: &'a str,
    pub(crate) path_and_query: &'a str,
    pub(crate) headers: &'a HeaderMap,
    pub(crate) body: &'a [u8],
}

/// The client a request was signed by.
#[derive(Debug, Clone)]
pub(crate) struct Caller {
    pub(crate) client_id: String,
    pub(crate) signature_key: Vec<u8>,
}

/// The authentication headers, parsed but not yet checked.
struct Claimed {
    client_id: String,
    timestamp: u64,
    nonce: Vec<u8>,
    signature: Vec<u8>,
}

fn header<'h>(headers: &'h HeaderMap, name: &str) -> ApiResult<&'h str> {
    headers
        .get(name)
        .ok_or_else(|| ApiError::unauthorized(format!("unsigned request: no {name} header")))?
        .to_str()
        .map_err(|_| ApiError::unauthorized(format!("header {name} is not ASCII")))
}

fn claimed(headers: &HeaderMap) -> ApiResult<Claimed> {
    let client_id = header(headers, HEADER_CLIENT)?.to_owned();
    if !valid_client_id(&client_id) {
        return Err(ApiError::unauthorized(
            "header mls-ds-client is not a valid client id",
        ));
    }
    let timestamp = header(headers, HEADER_TIMESTAMP)?
        .parse::<u64>()
        .map_err(|_| {
            ApiError::unauthorized("header mls-ds-timestamp is not a number of seconds")
        })?;
    let nonce = hex::decode(header(headers, HEADER_NONCE)?)
        .map_err(|_| ApiError::unauthorized("header mls-ds-nonce is not hex"))?;
    if !(MIN_NONCE_LEN..=MAX_NONCE_LEN).contains(&nonce.len()) {
        return Err(ApiError::unauthorized(format!(
            "the nonce must be {MIN_NONCE_LEN} to {MAX_NONCE_LEN} bytes, not {}",
            nonce.len()
        )));
    }
    let signature = hex::decode(header(headers, HEADER_SIGNATURE)?)
        .map_err(|_| ApiError::unauthorized("header mls-ds-signature is not hex"))?;
    Ok(Claimed {
        client_id,
        timestamp,
        nonce,
        signature,
    })
}

/// The checks every signed request passes, given the key it must be
/// signed with (the registered one, or at registration the one being
/// registered): timestamp in the window, signature, fresh nonce. The
/// nonce is recorded on success.
pub(crate) fn authenticate_with(
    conn: &Connection,
    crypto: &dyn CryptoProvider,
    now: u64,
    max_skew: u64,
    request: &Request<'_>,
    expected_client: Option<&str>,
    key: Option<(SignatureScheme, Vec<u8>)>,
) -> ApiResult<Caller> {
    let claimed = claimed(request.headers)?;
    if expected_client.is_some_and(|e| e != claimed.client_id) {
        return Err(ApiError::unauthorized(
            "the request is signed as another client than the one it registers",
        ));
    }
    let (scheme, signature_key) = match key {
        Some(k) => k,
        None => registered_key(conn, &claimed.client_id)?
            .ok_or_else(|| ApiError::unauthorized("unknown client: register first"))?,
    };
    if now.abs_diff(claimed.timestamp) > max_skew {
        return Err(ApiError::unauthorized(format!(
            "stale timestamp: {} is more than {max_skew} s from the server's clock ({now})",
            claimed.timestamp
        )));
    }
    let suite = suite_for_scheme(crypto, scheme)
        .ok_or_else(|| ApiError::internal(format!("no suite for signature scheme {scheme:?}")))?;
    let tbs = RequestToSign {
        client_id: &claimed.client_id,
        method: request.method,
        path_and_query: request.path_and_query,
        timestamp: claimed.timestamp,
        nonce: &claimed.nonce,
        body: request.body,
    }
    .tbs()
    .map_err(|e| ApiError::unauthorized(format!("request cannot be signed: {e}")))?;
    verify_with_label(suite, &signature_key, LABEL, &tbs, &claimed.signature).map_err(|_| {
        ApiError::unauthorized("bad signature: the request is not signed by the client's key")
    })?;
    spend_nonce(conn, &claimed, now, max_skew)?;
    Ok(Caller {
        client_id: claimed.client_id,
        signature_key,
    })
}

fn registered_key(
    conn: &Connection,
    client_id: &str,
) -> ApiResult<Option<(SignatureScheme, Vec<u8>)>> {
    let row: Option<(i64, Vec<u8>)> = conn
        .query_row(
            "SELECT signature_scheme, signature_key FROM clients WHERE client_id = ?1",
            params![client_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let Some((code, key)) = row else {
        return Ok(None);
    };
    let scheme = u16::try_from(code)
        .ok()
        .and_then(scheme_from_code)
        .ok_or_else(|| ApiError::internal("a stored client has an unknown signature scheme"))?;
    Ok(Some((scheme, key)))
}

/// Records the nonce, refusing one seen in the window. Nonces are pruned
/// one window after they expire, so the table holds at most two windows
/// of requests, and a clock stepped back by up to a window does not
/// re-open a request whose nonce was pruned too early.
fn spend_nonce(conn: &Connection, claimed: &Claimed, now: u64, max_skew: u64) -> ApiResult<()> {
    let horizon = crate::db::to_i64(now.saturating_sub(max_skew))?;
    conn.execute("DELETE FROM nonces WHERE expires_at < ?1", params![horizon])?;
    let expires = crate::db::to_i64(claimed.timestamp.saturating_add(max_skew))?;
    let inserted = conn.execute(
        "INSERT OR IGNORE INTO nonces (client_id, nonce, expires_at) VALUES (?1, ?2, ?3)",
        params![claimed.client_id, claimed.nonce, expires],
    )?;
    if inserted == 0 {
        return Err(ApiError::conflict(
            "replayed request: this nonce was already used by this client",
        ));
    }
    Ok(())
}
