//! Clients on a chosen backend, for the group tests, the differential
//! tests and the benchmarks.

use crate::SeededRand;
use mls_core::credential::{AcceptAll, Credential};
use mls_core::crypto::{generate_signature_key_pair, generate_signer};
use mls_core::group::{Client, ClientBuilder, DefaultRules};
use mls_core::provider::{
    CryptoProvider, DynProvider, MlsProvider, Provider, RandProvider, Signer, StorageProvider,
};
use mls_core::{CipherSuite, CipherSuiteDefinition, Error};
use mls_storage_memory::MemoryStorage;
use std::sync::Arc;

/// A provider whose crypto backend and randomness are picked at run time,
/// with in-memory storage.
pub type TestProvider = MlsProvider<Box<dyn CryptoProvider>, Box<dyn RandProvider>, MemoryStorage>;

/// The crypto provider of backend `name` (`rustcrypto`, `ring`, `aws-lc`).
pub fn crypto(name: &str) -> Option<Box<dyn CryptoProvider>> {
    crate::backends::all()
        .into_iter()
        .find(|b| b.name == name)
        .map(|b| b.provider)
}

/// The crypto provider of backend `name` for a group on `suite`: the stock
/// provider ([`crypto`]) when it offers the suite, else the backend with
/// every built-in suite it implements, the provisional (post-quantum) ones
/// included. So test clients and the demo run on those suites by name,
/// while a stock provider stays what a default-configured user gets.
pub fn crypto_for(name: &str, suite: CipherSuite) -> Option<Box<dyn CryptoProvider>> {
    let stock = crypto(name)?;
    if stock.suite(suite).is_some() {
        return Some(stock);
    }
    crate::backends::offering(name, CipherSuiteDefinition::BUILT_IN)?
        .ok()
        .map(|b| b.provider)
}

/// The time every test client's clock shows (2026-01-01T00:00:00Z), so
/// lifetimes, and so messages, are the same bytes on every run.
pub const TEST_TIME: u64 = 1_767_225_600;

/// A client named `identity` (a basic credential) on backend `backend`,
/// drawing randomness from `seed`, with a fresh signature key for `suite`
/// and a clock fixed at [`TEST_TIME`]. Its leaves advertise `suite` only.
///
/// Its groups have [`DefaultRules::open`]: the lifecycle, differential
/// and interop tests exercise external joins and proposals from outside
/// the group, which the library's default rules refuse. Tests of those
/// defaults start from [`client_builder`].
pub fn client(
    backend: &str,
    suite: CipherSuite,
    identity: &str,
    seed: [u8; 32],
) -> Result<Client<TestProvider>, Error> {
    Ok(client_builder(backend, suite, identity, seed)?
        .rules(DefaultRules::open())
        .build())
}

/// [`client`] before `build`, with the library's default rules (and
/// [`AcceptAll`] as its credential validator), for tests that set their
/// own.
pub fn client_builder(
    backend: &str,
    suite: CipherSuite,
    identity: &str,
    seed: [u8; 32],
) -> Result<ClientBuilder<TestProvider>, Error> {
    let crypto = crypto_for(backend, suite).ok_or(Error::Internal("unknown backend"))?;
    client_builder_on(crypto, suite, identity, seed)
}

/// [`client_builder`] on a crypto provider the caller built, for instance
/// one made with suite definitions of its own (`with_suites`).
pub fn client_builder_on(
    crypto: Box<dyn CryptoProvider>,
    suite: CipherSuite,
    identity: &str,
    seed: [u8; 32],
) -> Result<ClientBuilder<TestProvider>, Error> {
    let rand: Box<dyn RandProvider> = Box::new(SeededRand::new(seed));
    let signer = generate_signer(crypto.cipher_suite(suite)?, &rand)?;
    let provider = MlsProvider::new(crypto, rand, MemoryStorage::new());
    Ok(test_client_builder(provider, suite, identity, signer))
}

/// A test client: basic credential, clock at [`TEST_TIME`], leaves that
/// advertise `suite` only (the same leaf bytes on every backend, whatever
/// else each offers), open rules (see [`client`]).
fn test_client<P: Provider>(
    provider: P,
    suite: CipherSuite,
    identity: &str,
    signer: Box<dyn Signer>,
) -> Client<P> {
    test_client_builder(provider, suite, identity, signer)
        .rules(DefaultRules::open())
        .build()
}

fn test_client_builder<P: Provider>(
    provider: P,
    suite: CipherSuite,
    identity: &str,
    signer: Box<dyn Signer>,
) -> ClientBuilder<P> {
    // Test members authenticate each other by construction.
    Client::builder(
        provider,
        Credential::basic(identity.as_bytes().to_vec()),
        signer,
    )
    .credential_validator(AcceptAll)
    .clock(|| TEST_TIME)
    .cipher_suites(&[suite])
}

/// A provider on a crypto backend borrowed from a [`Backend`], with seeded
/// randomness and in-memory storage: the conformance runner drives exactly
/// the backends it was given, without building new ones by name.
///
/// [`Backend`]: crate::backends::Backend
pub struct BackendProvider<'a> {
    crypto: &'a dyn CryptoProvider,
    rand: SeededRand,
    storage: MemoryStorage,
}

impl<'a> BackendProvider<'a> {
    /// `crypto`, randomness from `seed`, empty in-memory storage.
    pub fn new(crypto: &'a dyn CryptoProvider, seed: [u8; 32]) -> Self {
        Self {
            crypto,
            rand: SeededRand::new(seed),
            storage: MemoryStorage::new(),
        }
    }
}

impl<'a> Provider for BackendProvider<'a> {
    type Crypto = dyn CryptoProvider + 'a;
    type Rand = SeededRand;
    type Storage = MemoryStorage;

    fn crypto(&self) -> &Self::Crypto {
        self.crypto
    }
    fn rand(&self) -> &SeededRand {
        &self.rand
    }
    fn storage(&self) -> &MemoryStorage {
        &self.storage
    }
}

/// A client on `crypto` whose signature key is `signer`'s (for example one
/// built from a vector's private key with `CipherSuiteProvider::signer`),
/// with `credential`, randomness from `seed` and in-memory storage.
pub fn client_with_signer(
    crypto: &dyn CryptoProvider,
    credential: Credential,
    signer: Box<dyn Signer>,
    seed: [u8; 32],
) -> Client<BackendProvider<'_>> {
    // The official passive-client vectors include joins and proposals
    // from outside the group: the runner admits what the RFC allows.
    // and it has no Authentication Service to consult: the vectors'
    // credentials are accepted as they are.
    Client::builder(BackendProvider::new(crypto, seed), credential, signer)
        .rules(DefaultRules::open())
        .credential_validator(AcceptAll)
        .build()
}

/// A seed from a small number, for readable tests.
pub fn seed(n: u64) -> [u8; 32] {
    let mut seed = [0u8; 32];
    seed[..8].copy_from_slice(&n.to_be_bytes());
    seed
}

/// A provider whose storage is picked at run time as well (memory, a
/// SQLite file, or a wrapper that injects faults): the library's
/// [`DynProvider`].
pub type StoredProvider = DynProvider;

/// A client like [`client`] whose state lives in `storage`. Its signature
/// key is made on first use and kept in `storage` (under its identity), so
/// a client made again on the same storage, after a restart, is the same
/// member. `seed` should differ between restarts: a seeded rand that
/// started over would draw the same "random" keys again.
pub fn client_on_storage(
    backend: &str,
    suite: CipherSuite,
    identity: &str,
    seed: [u8; 32],
    storage: Arc<dyn StorageProvider>,
) -> Result<Client<StoredProvider>, Error> {
    let crypto = crypto_for(backend, suite).ok_or(Error::Internal("unknown backend"))?;
    let rand: Box<dyn RandProvider> = Box::new(SeededRand::new(seed));
    let suite_provider = crypto.cipher_suite(suite)?;
    let signer = match mls_core::storage::signature_key(&*storage, identity.as_bytes())? {
        Some((stored_suite, key)) if stored_suite == suite => {
            suite_provider.signer(key.as_bytes())?
        }
        _ => {
            let (key, _) = generate_signature_key_pair(suite_provider, &rand)?;
            mls_core::storage::store_signature_key(
                &*storage,
                identity.as_bytes(),
                suite,
                key.as_bytes(),
            )?;
            suite_provider.signer(key.as_bytes())?
        }
    };
    let provider = MlsProvider::new(crypto, rand, storage);
    Ok(test_client(provider, suite, identity, signer))
}
