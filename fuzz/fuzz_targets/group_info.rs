//! `GroupInfo` (§12.4.3), what an external joiner fetches: decode,
//! re-encode, decode again (see `mls_fuzz::roundtrip`); then join by
//! external commit from it, on the fuzzing provider so the checks behind
//! the signature (tree hash, tree validation, `external_pub`, the
//! GroupContext) are reached. Joining may fail; it must not panic, and a
//! failed join stores nothing.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mls_core::framing::MlsMessageBody;
use mls_core::group::ExternalJoinOptions;
use mls_core::group::group_info::GroupInfo;
use mls_core::provider::Provider;
use mls_core::{Group, MlsMessage};
use mls_fuzz::clients::{client, config};
use mls_fuzz::records;

fuzz_target!(|data: &[u8]| {
    let Some(info) = mls_fuzz::roundtrip::check::<GroupInfo>(data) else {
        return;
    };
    let Ok(joiner) = client("joiner", 1) else {
        panic!("a client on the fuzzing provider always builds");
    };
    let before = records::dump(joiner.provider().storage());
    let message = MlsMessage::new(MlsMessageBody::GroupInfo(info));
    match Group::join_by_external_commit(
        &joiner,
        &message,
        config(false),
        ExternalJoinOptions::default(),
    ) {
        Ok((mut group, _commit)) => {
            group
                .merge_pending_commit()
                .expect("an accepted external join stores");
            let _ = group.epoch_authenticator().to_vec();
            let _ = group.encrypt_application_message(b"joined", b"");
        }
        Err(e) => {
            let after = records::dump(joiner.provider().storage());
            assert!(
                before == after,
                "a refused external join stored something: {e}"
            );
        }
    }
});
