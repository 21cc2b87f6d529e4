//! `Commit` (§12.4), as inside a PublicMessage or PrivateMessage: decode, re-encode, decode again (see `mls_fuzz::roundtrip`).
#![no_main]

use libfuzzer_sys::fuzz_target;
use mls_core::group::commit::Commit;

fuzz_target!(|data: &[u8]| {
    mls_fuzz::roundtrip::check::<Commit>(data);
});
