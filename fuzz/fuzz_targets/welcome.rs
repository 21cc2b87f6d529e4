//! `Welcome` (§12.4.3.1) as carried in an `MLSMessage`: decode, re-encode,
//! decode again (see `mls_fuzz::roundtrip`); then join from it as "bob",
//! whose first KeyPackage is the one the committed seeds welcome (the
//! fuzzing provider and a seeded rand make it the same every time), so
//! mutations of those seeds reach the join logic: GroupSecrets, the
//! GroupInfo inside, the tree, PSKs. Joining may fail; it must not panic,
//! and a failed join consumes nothing.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mls_core::framing::MlsMessageBody;
use mls_core::group::welcome::Welcome;
use mls_core::provider::Provider;
use mls_core::{Group, MlsMessage};
use mls_fuzz::clients::{client, config, key_package};
use mls_fuzz::records;

fuzz_target!(|data: &[u8]| {
    let Some(welcome) = mls_fuzz::roundtrip::check::<Welcome>(data) else {
        return;
    };
    // As in tools/seeds.rs: "bob", seed 2, first KeyPackage.
    let Ok(bob) = client("bob", 2) else {
        panic!("a client on the fuzzing provider always builds");
    };
    if key_package(&bob).is_err() {
        panic!("a KeyPackage on the fuzzing provider always builds");
    }
    let before = records::dump(bob.provider().storage());
    let message = MlsMessage::new(MlsMessageBody::Welcome(welcome));
    match Group::join(&bob, &message, config(false)) {
        Ok(mut group) => {
            let _ = group.epoch_authenticator().to_vec();
            let _ = group.encrypt_application_message(b"joined", b"");
            let _ = group.commit();
        }
        Err(e) => {
            let after = records::dump(bob.provider().storage());
            assert!(before == after, "a refused Welcome changed storage: {e}");
        }
    }
});
