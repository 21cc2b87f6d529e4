//! `GroupInfo` (§12.4.3), what an external joiner fetches: decode, re-encode, decode again (see `mls_fuzz::roundtrip`).
#![no_main]

use libfuzzer_sys::fuzz_target;
use mls_core::group::group_info::GroupInfo;

fuzz_target!(|data: &[u8]| {
    mls_fuzz::roundtrip::check::<GroupInfo>(data);
});
