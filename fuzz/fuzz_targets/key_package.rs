//! `KeyPackage` (§10), what a client fetches from the directory: decode, re-encode, decode again (see `mls_fuzz::roundtrip`).
#![no_main]

use libfuzzer_sys::fuzz_target;
use mls_core::key_package::KeyPackage;

fuzz_target!(|data: &[u8]| {
    mls_fuzz::roundtrip::check::<KeyPackage>(data);
});
