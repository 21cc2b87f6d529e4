//! Clients on the fuzzing provider with in-memory storage, admitting
//! everything a peer can ask for, so no input is refused by policy before
//! it reaches the protocol checks.

use crate::provider::{FuzzCrypto, FuzzRand, FuzzSuite, SUITE, mix};
use mls_core::credential::{AcceptAll, Credential};
use mls_core::group::{Client, DefaultRules, KeyPackageOptions};
use mls_core::key_package::KeyPackage;
use mls_core::provider::{CipherSuiteProvider, MlsProvider};
use mls_core::{Error, GroupConfig};
use mls_storage_memory::MemoryStorage;

/// The provider of every fuzzing client.
pub type FuzzProvider = MlsProvider<FuzzCrypto, FuzzRand, MemoryStorage>;

/// The time every client's clock shows (2026-01-01T00:00:00Z), so
/// KeyPackage lifetimes, and so messages, are the same on every run.
pub const TIME: u64 = 1_767_225_600;

/// A client named `name` whose randomness and signature key follow from
/// `name` and `seed` alone, on empty storage.
pub fn client(name: &str, seed: u64) -> Result<Client<FuzzProvider>, Error> {
    client_on(name, seed, MemoryStorage::new())
}

/// [`client`] on the given storage: the same member again after a
/// restart, since the signature key depends only on `name`.
pub fn client_on(
    name: &str,
    seed: u64,
    storage: MemoryStorage,
) -> Result<Client<FuzzProvider>, Error> {
    let signer = FuzzSuite.signer(&mix(&[b"signature key", name.as_bytes()], 32))?;
    let provider = MlsProvider::new(FuzzCrypto, FuzzRand::new(seed), storage);
    Ok(Client::builder(
        provider,
        Credential::basic(name.as_bytes().to_vec()),
        signer,
    )
    // The fuzzer plays every peer: external joins and proposals from
    // outside must be let in to be exercised.
    .rules(DefaultRules::open())
    .credential_validator(AcceptAll)
    .clock(|| TIME)
    .cipher_suites(&[SUITE])
    .build())
}

/// A fresh KeyPackage of `client`.
pub fn key_package(client: &Client<FuzzProvider>) -> Result<KeyPackage, Error> {
    client.generate_key_package(SUITE, &KeyPackageOptions::default())
}

/// The group configuration of every member, with the handshake wire
/// format chosen by the input (both must be exercised).
pub fn config(public_handshakes: bool) -> GroupConfig {
    let mut config = GroupConfig::default();
    if public_handshakes {
        config.handshake_wire_format = mls_core::framing::WireFormat::PublicMessage;
    }
    config
}
