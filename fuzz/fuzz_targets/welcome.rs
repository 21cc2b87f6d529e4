//! `Welcome` (§12.4.3.1) as carried in an `MLSMessage`, without the envelope: decode, re-encode, decode again (see `mls_fuzz::roundtrip`).
#![no_main]

use libfuzzer_sys::fuzz_target;
use mls_core::group::welcome::Welcome;

fuzz_target!(|data: &[u8]| {
    mls_fuzz::roundtrip::check::<Welcome>(data);
});
