//! `MLSMessage` (§6), the envelope of everything a peer or the delivery service sends: decode, re-encode, decode again (see `mls_fuzz::roundtrip`).
#![no_main]

use libfuzzer_sys::fuzz_target;
use mls_core::MlsMessage;

fuzz_target!(|data: &[u8]| {
    mls_fuzz::roundtrip::check::<MlsMessage>(data);
});
