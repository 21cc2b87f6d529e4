//! What only the ring provider can say about itself: its suite list, its
//! `RingSuite` table and its FIPS status. Every primitive check (known
//! answers, tampering, invalid keys, HPKE) runs on all backends in
//! `interop/tests/provider_conformance.rs`.

use mls_core::CipherSuite;
use mls_core::provider::CryptoProvider;
use mls_crypto_ring::{RingProvider, RingSuite};

#[test]
fn suite_list() {
    let provider = RingProvider::default();
    assert_eq!(provider.name(), "ring");
    assert!(!provider.fips_mode());
    let codes: Vec<u16> = provider
        .supported_cipher_suites()
        .into_iter()
        .map(CipherSuite::code)
        .collect();
    assert_eq!(codes, [1, 2, 3, 7]);
    for cs in CipherSuite::ALL {
        // The public table and the provider agree.
        let expected = matches!(cs.code(), 1 | 2 | 3 | 7);
        assert_eq!(RingSuite::get(cs).is_some(), expected, "{cs}");
        assert_eq!(provider.suite(cs).is_some(), expected, "{cs}");
    }
}
