//! Quickstart: create a group, add two members, exchange messages, update,
//! remove. Run with `cargo run -p mls-core --example quickstart`.
//!
//! Every member here uses the RustCrypto backend and in-memory storage;
//! any crypto backend and storage work the same way, and members of one
//! group may use different ones.

use mls_core::credential::Credential;
use mls_core::crypto::generate_signer;
use mls_core::provider::{CryptoProvider, MlsProvider};
use mls_core::{
    CipherSuite, Client, Error, Group, GroupConfig, KeyPackageOptions, MlsMessage, ProcessedMessage,
};
use mls_crypto_rustcrypto::{RustCryptoProvider, SystemRand};
use mls_storage_memory::MemoryStorage;

type Provider = MlsProvider<RustCryptoProvider, SystemRand, MemoryStorage>;

const SUITE: CipherSuite = CipherSuite::MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519;

/// A client with a basic credential and a fresh signature key.
fn new_client(name: &str) -> Result<Client<Provider>, Error> {
    let provider = MlsProvider::new(RustCryptoProvider::new(), SystemRand, MemoryStorage::new());
    let signer = generate_signer(provider.crypto.cipher_suite(SUITE)?, &SystemRand)?;
    Ok(Client::new(
        provider,
        Credential::basic(name.as_bytes().to_vec()),
        signer,
    ))
}

/// Decrypts an application message and returns its text.
fn read(group: &mut Group<Provider>, message: &mls_core::MlsMessage) -> Result<String, Error> {
    match group.process_message(message)? {
        ProcessedMessage::Application(m) => Ok(String::from_utf8_lossy(&m.data).into_owned()),
        _ => Err(Error::Internal("expected an application message")),
    }
}

fn main() -> Result<(), Error> {
    let (alice, bob, carol) = (
        new_client("alice")?,
        new_client("bob")?,
        new_client("carol")?,
    );
    let config = GroupConfig::default();

    // Alice creates the group and adds Bob and Carol from their KeyPackages.
    let mut a = Group::create(&alice, SUITE, Default::default(), config.clone())?;
    // Bob publishes his KeyPackage as an MLSMessage; Alice fetches it.
    let published = bob
        .generate_key_package(SUITE, &KeyPackageOptions::default())?
        .to_message()
        .to_bytes()?;
    let bob_kp = MlsMessage::from_bytes(&published)?
        .into_key_package()
        .ok_or(Error::Internal("not a KeyPackage"))?;
    let carol_kp = carol.generate_key_package(SUITE, &KeyPackageOptions::default())?;
    let added = a.add_members(&[bob_kp, carol_kp])?;
    a.merge_pending_commit()?; // once the delivery service accepted the commit
    let welcome = added.welcome.ok_or(Error::Internal("no Welcome"))?;
    let mut b = Group::join(&bob, &welcome, config.clone())?;
    let mut c = Group::join(&carol, &welcome, config.clone())?;
    println!("epoch {}: {} members", a.epoch(), a.members().len());

    // Messages.
    let hello = a.encrypt_application_message(b"hello, group", &[])?;
    println!("bob reads:   {}", read(&mut b, &hello)?);
    println!("carol reads: {}", read(&mut c, &hello)?);
    let reply = b.encrypt_application_message(b"hi alice", &[])?;
    println!("alice reads: {}", read(&mut a, &reply)?);

    // Bob updates his keys; the others process his commit.
    let update = b.self_update()?;
    b.merge_pending_commit()?;
    a.process_message(&update.commit)?;
    c.process_message(&update.commit)?;
    assert_eq!(a.epoch_authenticator(), c.epoch_authenticator());
    println!("epoch {}: bob updated", a.epoch());

    // Every call above stored its change. A restarted application loads
    // the group back by its id from the client's storage (with
    // mls-storage-sqlite, from the database file) and carries on.
    let group_id = a.group_id().to_vec();
    drop(a);
    let mut a = Group::load(&alice, &group_id)?;
    println!("alice reloaded at epoch {}", a.epoch());

    // Alice removes Carol.
    let removal = a.remove_members(&[c.own_leaf_index()])?;
    a.merge_pending_commit()?;
    b.process_message(&removal.commit)?;
    c.process_message(&removal.commit)?;
    println!(
        "epoch {}: carol removed ({} members, carol active: {})",
        a.epoch(),
        a.members().len(),
        c.is_active()
    );
    assert_eq!(a.epoch_authenticator(), b.epoch_authenticator());
    Ok(())
}
