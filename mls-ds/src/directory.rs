//! Clients and the KeyPackage directory.
//!
//! A published KeyPackage is validated as a member validates one before
//! adding it (RFC 9420 §10.1: suite, signature, leaf node per §7.3 with
//! the configured credential validator, lifetime, `init_key` apart from
//! the leaf's key), and its leaf's signature key must be the publisher's
//! registered key: no one publishes packages in another's name. A package
//! with the `last_resort` extension is the client's last resort: a claim
//! returns it only when no one-time package of the suite is left, and
//! does not delete it.

use crate::Core;
use crate::api::{
    ClaimRequest, ClaimResponse, KeyPackageCounts, PublishResponse, RegisterRequest,
    RegisterResponse,
};
use crate::auth::{Caller, scheme_from_code, suite_for_scheme, valid_client_id};
use crate::db::{to_i64, to_u64};
use crate::error::{ApiError, ApiResult};
use axum::http::StatusCode;
use mls_core::group::LAST_RESORT;
use mls_core::key_package::validate_key_package;
use mls_core::provider::CryptoProvider;
use mls_core::tree::leaf_validation::{LeafNodeValidator, NoOtherLeaves};
use mls_core::{CipherSuite, MlsMessage};
use rusqlite::{Connection, OptionalExtension, params};

/// The parsed registration body: who registers, with which key. Checked
/// before the request's signature, which must verify under that key.
pub(crate) fn parse_registration(
    core: &Core,
    body: &[u8],
) -> ApiResult<(RegisterRequest, mls_core::SignatureScheme, Vec<u8>)> {
    let req: RegisterRequest = serde_json::from_slice(body)
        .map_err(|e| ApiError::bad_request(format!("registration body: {e}")))?;
    if !valid_client_id(&req.client_id) {
        return Err(ApiError::bad_request(
            "client_id must be 1 to 64 of A-Z a-z 0-9 . _ -",
        ));
    }
    let scheme = scheme_from_code(req.signature_scheme).ok_or_else(|| {
        ApiError::bad_request(format!(
            "signature_scheme 0x{:04x} is not one MLS uses",
            req.signature_scheme
        ))
    })?;
    if suite_for_scheme(&core.crypto, scheme).is_none() {
        return Err(ApiError::bad_request(format!(
            "signature scheme {scheme:?} is not supported by this service"
        )));
    }
    let key = hex::decode(&req.signature_key)
        .map_err(|_| ApiError::bad_request("signature_key is not hex"))?;
    mls_core::crypto::check_signature_key(scheme, &key)
        .map_err(|e| ApiError::bad_request(format!("signature_key: {e}")))?;
    Ok((req, scheme, key))
}

/// Stores a registration whose signature verified.
pub(crate) fn register(
    conn: &Connection,
    now: u64,
    req: &RegisterRequest,
    scheme: mls_core::SignatureScheme,
    key: &[u8],
) -> ApiResult<RegisterResponse> {
    let taken: Option<String> = conn
        .query_row(
            "SELECT client_id FROM clients WHERE client_id = ?1 OR signature_key = ?2",
            params![req.client_id, key],
            |r| r.get(0),
        )
        .optional()?;
    if let Some(other) = taken {
        return Err(ApiError::conflict(if other == req.client_id {
            "client id already registered"
        } else {
            "this signature key is already registered by another client"
        }));
    }
    conn.execute(
        "INSERT INTO clients (client_id, signature_scheme, signature_key, registered_at)
         VALUES (?1, ?2, ?3, ?4)",
        params![req.client_id, i64::from(scheme as u16), key, to_i64(now)?],
    )?;
    Ok(RegisterResponse {
        client_id: req.client_id.clone(),
    })
}

/// Validates and stores a KeyPackage the caller publishes.
pub(crate) fn publish(core: &mut Core, caller: &Caller, body: &[u8]) -> ApiResult<PublishResponse> {
    // Only the count of a client's packages is bounded otherwise: without
    // a size bound one client could store max_key_packages request bodies.
    if body.len() > core.config.max_key_package_bytes {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!(
                "a KeyPackage of {} bytes; this service takes at most {}",
                body.len(),
                core.config.max_key_package_bytes
            ),
        ));
    }
    let message =
        MlsMessage::from_bytes(body).map_err(|e| ApiError::malformed("MLS message", e))?;
    let key_package = message
        .into_key_package()
        .ok_or_else(|| ApiError::bad_request("the body is an MLSMessage but not a KeyPackage"))?;
    let suite = core
        .crypto
        .cipher_suite(key_package.cipher_suite)
        .map_err(|e| ApiError::bad_request(e.to_string()))?;
    let now = core.config.now();
    let validator = LeafNodeValidator::new(suite, core.config.credential_validator.as_ref(), now);
    validate_key_package(&key_package, &validator, &NoOtherLeaves)
        .map_err(|e| ApiError::refused("KeyPackage", &e))?;
    if key_package.leaf_node.signature_key.as_slice() != caller.signature_key.as_slice() {
        return Err(ApiError::forbidden(
            "the KeyPackage's signature key is not the publishing client's",
        ));
    }
    let reference = key_package
        .reference(suite)
        .map_err(|e| ApiError::refused("KeyPackage", &e))?;
    let last_resort = key_package.extensions.get(LAST_RESORT).is_some();
    let held = counts(&core.conn, caller)?;
    if held.one_time.saturating_add(held.last_resort) >= core.config.max_key_packages {
        return Err(ApiError::conflict(format!(
            "the client already has {} KeyPackages, the most this service keeps",
            core.config.max_key_packages
        )));
    }
    let encoded = key_package
        .to_message()
        .to_bytes()
        .map_err(ApiError::internal)?;
    let inserted = core.conn.execute(
        "INSERT OR IGNORE INTO key_packages
         (client_id, reference, cipher_suite, last_resort, key_package, published_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            caller.client_id,
            reference.as_slice(),
            i64::from(key_package.cipher_suite.code()),
            last_resort,
            encoded,
            to_i64(now)?
        ],
    )?;
    if inserted == 0 {
        return Err(ApiError::conflict("this KeyPackage is already published"));
    }
    Ok(PublishResponse {
        reference: hex::encode(reference.as_slice()),
        last_resort,
    })
}

/// The caller's packages, one-time and last-resort.
pub(crate) fn counts(conn: &Connection, caller: &Caller) -> ApiResult<KeyPackageCounts> {
    let (one_time, last_resort): (i64, i64) = conn.query_row(
        "SELECT COALESCE(SUM(last_resort = 0), 0), COALESCE(SUM(last_resort != 0), 0)
         FROM key_packages WHERE client_id = ?1",
        params![caller.client_id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    Ok(KeyPackageCounts {
        one_time: to_u64(one_time)?,
        last_resort: to_u64(last_resort)?,
    })
}

/// Claims a package of `req.client_id` for `req.cipher_suite`: the oldest
/// one-time package (deleted), else the last-resort one (kept).
pub(crate) fn claim(core: &mut Core, body: &[u8]) -> ApiResult<ClaimResponse> {
    let req: ClaimRequest = serde_json::from_slice(body)
        .map_err(|e| ApiError::bad_request(format!("claim body: {e}")))?;
    if core
        .crypto
        .suite(CipherSuite::from_code(req.cipher_suite))
        .is_none()
    {
        return Err(ApiError::bad_request(format!(
            "cipher_suite 0x{:04x} is not one this service takes",
            req.cipher_suite
        )));
    }
    let tx = core.conn.transaction()?;
    let known: Option<i64> = tx
        .query_row(
            "SELECT 1 FROM clients WHERE client_id = ?1",
            params![req.client_id],
            |r| r.get(0),
        )
        .optional()?;
    if known.is_none() {
        return Err(ApiError::not_found("no such client"));
    }
    let row: Option<(i64, Vec<u8>, bool)> = tx
        .query_row(
            "SELECT id, key_package, last_resort FROM key_packages
             WHERE client_id = ?1 AND cipher_suite = ?2 ORDER BY last_resort, id LIMIT 1",
            params![req.client_id, i64::from(req.cipher_suite)],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    let Some((id, key_package, last_resort)) = row else {
        return Err(ApiError::not_found(
            "the client has no KeyPackage left for this cipher suite",
        ));
    };
    if !last_resort {
        tx.execute("DELETE FROM key_packages WHERE id = ?1", params![id])?;
    }
    tx.commit()?;
    Ok(ClaimResponse {
        key_package: hex::encode(key_package),
        last_resort,
    })
}
