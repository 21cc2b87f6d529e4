//! Helpers shared by the integration tests.
// Test helpers: each test binary uses a different subset, and a panic is
// the right answer to bad test data.
#![allow(dead_code, clippy::expect_used)]

use mls_core::CipherSuite;
use mls_core::provider::{CipherSuiteProvider, CryptoProvider};
use mls_crypto_awslc::AwsLcProvider;

/// Every suite object the provider offers in this build.
pub(crate) fn offered_suites() -> Vec<&'static dyn CipherSuiteProvider> {
    static PROVIDER: AwsLcProvider = AwsLcProvider::new();
    PROVIDER
        .supported_cipher_suites()
        .into_iter()
        .map(|s| PROVIDER.suite(s).expect("listed suite is provided"))
        .collect()
}

/// The suite object for a code point, if this build offers it.
pub(crate) fn suite(code: u16) -> Option<&'static dyn CipherSuiteProvider> {
    let suite = CipherSuite::try_from(code).expect("known suite");
    offered_suites()
        .into_iter()
        .find(|s| s.cipher_suite() == suite)
}
