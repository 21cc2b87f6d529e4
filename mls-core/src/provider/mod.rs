//! The provider traits: how a deployment plugs in crypto, randomness and
//! storage without touching protocol logic.
//!
//! As in OpenMLS' `OpenMlsProvider`, one bundle ([`Provider`]) hands out the
//! three parts; unlike a monolithic trait, each part is its own trait and
//! [`MlsProvider`] is a plain struct of parts (rustls' `CryptoProvider` is the
//! model, STYLE.md §1), so a deployment can pair aws-lc-rs crypto with SQLite
//! storage, or replace only the randomness in a test.

mod crypto;
mod rand;
mod signer;
mod storage;

pub use crypto::{
    CipherSuiteProvider, CryptoProvider, HpkeCiphertext, HpkeExport, HpkeRecipient,
    check_suite_definitions,
};
pub use rand::{RandProvider, random_bytes};
pub use signer::Signer;
pub use storage::{Entries, Namespace, StorageProvider, WriteBatch, WriteOp};

/// Everything the protocol needs from its environment.
pub trait Provider {
    /// The crypto provider type.
    type Crypto: CryptoProvider + ?Sized;
    /// The randomness source type.
    type Rand: RandProvider + ?Sized;
    /// The storage type.
    type Storage: StorageProvider + ?Sized;

    /// The crypto provider.
    fn crypto(&self) -> &Self::Crypto;
    /// The randomness source. Every random byte the protocol consumes comes
    /// from here.
    fn rand(&self) -> &Self::Rand;
    /// The storage backend.
    fn storage(&self) -> &Self::Storage;
}

/// A provider whose parts are chosen at run time (from configuration, or
/// per test): any crypto backend, any randomness, any storage, behind one
/// concrete type. Storage is an `Arc` so the application can keep a handle
/// on it (to list or delete groups, to checkpoint a database).
///
/// ```
/// use std::sync::Arc;
/// use mls_core::provider::{DynProvider, MlsProvider, Provider};
///
/// let provider: DynProvider = MlsProvider::new(
///     Box::new(mls_crypto_rustcrypto::RustCryptoProvider::new()),
///     Box::new(mls_crypto_rustcrypto::SystemRand),
///     Arc::new(mls_storage_memory::MemoryStorage::new()),
/// );
/// assert!(!provider.crypto().supported_cipher_suites().is_empty());
/// ```
pub type DynProvider = MlsProvider<
    Box<dyn CryptoProvider>,
    Box<dyn RandProvider>,
    std::sync::Arc<dyn StorageProvider>,
>;

/// A provider assembled from independent parts.
#[derive(Debug, Clone, Default)]
pub struct MlsProvider<C, R, S> {
    /// Crypto part.
    pub crypto: C,
    /// Randomness part.
    pub rand: R,
    /// Storage part.
    pub storage: S,
}

impl<C, R, S> MlsProvider<C, R, S> {
    /// Bundles the three parts.
    pub fn new(crypto: C, rand: R, storage: S) -> Self {
        Self {
            crypto,
            rand,
            storage,
        }
    }
}

impl<C: CryptoProvider, R: RandProvider, S: StorageProvider> Provider for MlsProvider<C, R, S> {
    type Crypto = C;
    type Rand = R;
    type Storage = S;

    fn crypto(&self) -> &C {
        &self.crypto
    }

    fn rand(&self) -> &R {
        &self.rand
    }

    fn storage(&self) -> &S {
        &self.storage
    }
}
