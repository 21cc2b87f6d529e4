//! `ratchet_tree` (§12.4.3.3), in-band extension data or out of band: decode, re-encode, decode again (see `mls_fuzz::roundtrip`).
#![no_main]

use libfuzzer_sys::fuzz_target;
use mls_core::tree::node::RatchetTree;

fuzz_target!(|data: &[u8]| {
    mls_fuzz::roundtrip::check::<RatchetTree>(data);
});
