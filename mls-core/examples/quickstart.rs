//! Quickstart: create a group, add two members, exchange messages, update,
//! remove. Run with `cargo run -p mls-core --example quickstart`.
//!
//! Another member's commit arrives staged: the application sees who
//! committed and what changes (members added and removed with their
//! credentials) before it merges, and can discard it instead.
//!
//! Every member here uses the RustCrypto backend and in-memory storage;
//! any crypto backend and storage work the same way, and members of one
//! group may use different ones.

use mls_core::credential::{AcceptAll, Credential};
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
///
/// A client accepts no credential until it has a validator (its
/// Authentication Service, §5.3.1). The three members here run in one
/// process and take each other's credentials as they are; an application
/// checks them: `BasicIdentityAllowList`, `mls-credential-x509`, or its own
/// `CredentialValidator`.
fn new_client(name: &str) -> Result<Client<Provider>, Error> {
    let provider = MlsProvider::new(RustCryptoProvider::new(), SystemRand, MemoryStorage::new());
    let signer = generate_signer(provider.crypto.cipher_suite(SUITE)?, &SystemRand)?;
    Ok(Client::builder(
        provider,
        Credential::basic(name.as_bytes().to_vec()),
        signer,
    )
    .credential_validator(AcceptAll)
    .build())
}

/// Decrypts an application message and returns its sender and text.
fn read(group: &mut Group<Provider>, message: &MlsMessage) -> Result<String, Error> {
    match group.process_message(message)? {
        ProcessedMessage::Application(m) => Ok(format!(
            "{} from {}",
            String::from_utf8_lossy(&m.data),
            name(&m.sender.credential)
        )),
        _ => Err(Error::Internal("expected an application message")),
    }
}

/// Receives another member's commit: inspect the staged commit, then merge.
fn receive_commit(
    reader: &str,
    group: &mut Group<Provider>,
    commit: &MlsMessage,
) -> Result<(), Error> {
    let ProcessedMessage::StagedCommit(staged) = group.process_message(commit)? else {
        return Err(Error::Internal("expected a commit"));
    };
    let who = name(&staged.sender.credential);
    for m in &staged.removed {
        println!("  {reader} sees: {who} removes {}", name(&m.credential));
    }
    if let Some(update) = &staged.committer_update {
        println!(
            "  {reader} sees: {who} renews its keys (leaf {})",
            update.after.index
        );
    }
    // The application decides here; `discard_staged_commit` refuses it.
    group.merge_staged_commit(staged)?;
    Ok(())
}

/// The identity of a basic credential, for printing.
fn name(credential: &Credential) -> String {
    match credential {
        Credential::Basic { identity } => String::from_utf8_lossy(identity.as_slice()).into_owned(),
        other => format!("{other:?}"),
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
    receive_commit("alice", &mut a, &update.commit)?;
    receive_commit("carol", &mut c, &update.commit)?;
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
    receive_commit("bob", &mut b, &removal.commit)?;
    receive_commit("carol", &mut c, &removal.commit)?;
    println!(
        "epoch {}: carol removed ({} members, carol active: {})",
        a.epoch(),
        a.members().len(),
        c.is_active()
    );
    assert_eq!(a.epoch_authenticator(), b.epoch_authenticator());
    Ok(())
}
