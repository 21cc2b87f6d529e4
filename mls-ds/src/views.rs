//! The public views (`mls_core::PublicGroup`) of the groups, kept in
//! memory and rebuilt from the service's own tables.
//!
//! A view is rebuilt from its group's base (the latest GroupInfo the
//! service accepted, with the ratchet tree of that epoch) and the
//! PublicMessage handshakes accepted since, replayed in order. Each is
//! replayed with the clock pinned to the time it was first accepted, so a
//! KeyPackage lifetime that has run out since, or anything else checked
//! against the time, does not turn an accepted commit into a refused one
//! at restart.
//!
//! When `mls-core` persists a `PublicGroup` through the storage provider
//! (planned: `PublicGroup::load(builder, group_id)`), [`Views::get`]
//! becomes a load and the rebuild goes away; the callers do not change.

use crate::config::Config;
use crate::error::{ApiError, ApiResult};
use mls_core::credential::{CredentialCheck, CredentialValidator};
use mls_core::group::PublicGroupBuilder;
use mls_core::provider::MlsProvider;
use mls_core::tree::node::RatchetTree;
use mls_core::{MlsMessage, PublicGroup};
use mls_crypto_rustcrypto::{RustCryptoProvider, SystemRand};
use mls_storage_memory::MemoryStorage;
use rusqlite::{Connection, OptionalExtension, params};
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// The provider of a view: RustCrypto (every suite of RFC 9420, Ed448 and
/// P-521 included, in pure Rust) and a storage the view does not use yet.
pub(crate) type ViewProvider = MlsProvider<RustCryptoProvider, SystemRand, MemoryStorage>;
/// A group's public view.
pub(crate) type View = PublicGroup<ViewProvider>;

/// The configured validator, shared by every view.
struct SharedValidator(Arc<dyn CredentialValidator>);

impl CredentialValidator for SharedValidator {
    fn validate(&self, check: &CredentialCheck<'_>) -> Result<(), String> {
        self.0.validate(check)
    }
    fn validate_successor(&self, check: &CredentialCheck<'_>) -> Result<(), String> {
        self.0.validate_successor(check)
    }
}

/// The views by group id.
pub(crate) struct Views {
    map: HashMap<Vec<u8>, View>,
    /// The configured suites ([`Config::cipher_suites`]).
    crypto: RustCryptoProvider,
    /// While a view is rebuilt, the time the replayed message was
    /// accepted at; 0 otherwise (the configured clock).
    pinned: Arc<AtomicU64>,
}

/// Unpins the clock when a rebuild ends, however it ends.
struct Unpin<'a>(&'a AtomicU64);

impl Drop for Unpin<'_> {
    fn drop(&mut self) {
        self.0.store(0, Ordering::SeqCst);
    }
}

impl Views {
    pub(crate) fn new(crypto: RustCryptoProvider) -> Self {
        Self {
            map: HashMap::new(),
            crypto,
            pinned: Arc::new(AtomicU64::new(0)),
        }
    }

    fn builder(&self, config: &Config) -> PublicGroupBuilder<ViewProvider> {
        let pinned = Arc::clone(&self.pinned);
        let clock = Arc::clone(&config.clock);
        let provider = MlsProvider::new(self.crypto.clone(), SystemRand, MemoryStorage::new());
        PublicGroup::builder(provider)
            .credential_validator(SharedValidator(Arc::clone(&config.credential_validator)))
            .config(config.group_config.clone())
            .clock(move || match pinned.load(Ordering::SeqCst) {
                0 => clock(),
                t => t,
            })
    }

    /// A new view from a GroupInfo (and its tree), checked as a joiner
    /// checks them.
    pub(crate) fn build(
        &self,
        config: &Config,
        group_info: &MlsMessage,
        tree: Option<RatchetTree>,
    ) -> Result<View, mls_core::Error> {
        self.builder(config).build_from_group_info(group_info, tree)
    }

    /// The view of `group_id`, rebuilt from the tables if it is not in
    /// memory.
    pub(crate) fn get(
        &mut self,
        conn: &Connection,
        config: &Config,
        group_id: &[u8],
    ) -> ApiResult<&mut View> {
        if !self.map.contains_key(group_id) {
            let view = self.rebuild(conn, config, group_id)?;
            self.map.insert(group_id.to_vec(), view);
        }
        self.map
            .get_mut(group_id)
            .ok_or_else(|| ApiError::internal("a view vanished"))
    }

    /// The view of `group_id`, out of the cache (rebuilt if it was not
    /// there): the caller puts it back with [`insert`](Self::insert) or,
    /// if it may be ahead of the tables, drops it.
    pub(crate) fn take(
        &mut self,
        conn: &Connection,
        config: &Config,
        group_id: &[u8],
    ) -> ApiResult<View> {
        match self.map.remove(group_id) {
            Some(view) => Ok(view),
            None => self.rebuild(conn, config, group_id),
        }
    }

    pub(crate) fn insert(&mut self, group_id: Vec<u8>, view: View) {
        self.map.insert(group_id, view);
    }

    /// Forgets every view (after a handler panicked while holding them).
    pub(crate) fn clear(&mut self) {
        self.map.clear();
    }

    fn rebuild(&self, conn: &Connection, config: &Config, group_id: &[u8]) -> ApiResult<View> {
        let unavailable = |what: String| {
            ApiError::new(
                axum::http::StatusCode::SERVICE_UNAVAILABLE,
                format!("the public view of this group cannot be rebuilt: {what}"),
            )
        };
        let base: Option<(Vec<u8>, Vec<u8>, i64)> = conn
            .query_row(
                "SELECT base_group_info, base_tree, base_accepted_at FROM groups WHERE group_id = ?1",
                params![group_id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        let Some((info, tree, at)) = base else {
            return Err(ApiError::not_found("no such group"));
        };
        let _unpin = Unpin(&self.pinned);
        self.pinned
            .store(crate::db::to_u64(at)?.max(1), Ordering::SeqCst);
        let info = MlsMessage::from_bytes(&info)
            .map_err(|e| unavailable(format!("stored GroupInfo: {e}")))?;
        let tree = RatchetTree::from_bytes_bounded(&tree, config.group_config.leaf_limit())
            .map_err(|e| unavailable(format!("stored tree: {e}")))?;
        let mut view = self
            .build(config, &info, Some(tree))
            .map_err(|e| unavailable(format!("stored GroupInfo: {e}")))?;
        let mut stmt = conn.prepare(
            "SELECT message, accepted_at FROM handshake_log WHERE group_id = ?1 ORDER BY seq",
        )?;
        let rows = stmt.query_map(params![group_id], |r| {
            Ok((r.get::<_, Vec<u8>>(0)?, r.get::<_, i64>(1)?))
        })?;
        for row in rows {
            let (bytes, at) = row?;
            self.pinned
                .store(crate::db::to_u64(at)?.max(1), Ordering::SeqCst);
            let message = MlsMessage::from_bytes(&bytes)
                .map_err(|e| unavailable(format!("logged handshake: {e}")))?;
            view.process_and_merge(&message)
                .map_err(|e| unavailable(format!("replaying a logged handshake: {e}")))?;
        }
        Ok(view)
    }
}
