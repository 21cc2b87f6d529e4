//! `Proposal` (§12.1), as inside a PublicMessage, PrivateMessage or Commit: decode, re-encode, decode again (see `mls_fuzz::roundtrip`).
#![no_main]

use libfuzzer_sys::fuzz_target;
use mls_core::group::proposal::Proposal;

fuzz_target!(|data: &[u8]| {
    mls_fuzz::roundtrip::check::<Proposal>(data);
});
