//! The RPCs' work, one module per family. Each operation runs with the
//! server's [`Table`](super::table::Table) locked, on a blocking thread
//! (see `server.rs`), and returns the response or a status carrying the
//! library's error text.

pub mod common;
pub mod external;
pub mod groups;
pub mod join;
pub mod proposals;
pub mod resumption;

use super::actor::{Actor, NewActor, Store, suite_of};
use mls_core::CipherSuiteDefinition;
use mls_core::cipher_suite::CipherSuite;
use mls_core::provider::CryptoProvider;
use tonic::Status;

/// What every operation may use besides the table: the crypto backend new
/// actors run on and where they keep their state.
pub struct Env {
    /// The backend's name (`rustcrypto`, `ring`, `aws-lc`, `aws-lc-fips`).
    pub backend: &'static str,
    /// Whether new actors offer the provisional post-quantum suites too
    /// ([`InteropServer::with_provisional_suites`](super::server::InteropServer::with_provisional_suites)).
    pub provisional: bool,
    /// Where actors keep their state.
    pub store: Store,
}

impl Env {
    /// A fresh instance of the backend, for a new actor.
    pub fn crypto(&self) -> Result<Box<dyn CryptoProvider>, Status> {
        let crypto = if self.provisional {
            crate::backends::offering(self.backend, CipherSuiteDefinition::BUILT_IN)
                .and_then(Result::ok)
                .map(|b| b.provider)
        } else {
            crate::clients::crypto(self.backend)
        };
        crypto.ok_or_else(|| Status::internal(format!("backend {} vanished", self.backend)))
    }

    /// A new actor named `identity` with a signature key for the suite
    /// `code` (which this backend must offer), and that suite.
    pub fn new_actor(&self, identity: &[u8], code: u32) -> Result<(NewActor, CipherSuite), Status> {
        let crypto = self.crypto()?;
        let suite = suite_of(crypto.as_ref(), code)?;
        Ok((Actor::create(crypto, &self.store, identity, suite)?, suite))
    }
}
