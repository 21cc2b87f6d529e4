//! The crypto backends every test and the conformance runner iterate over.

use mls_core::provider::CryptoProvider;

/// One backend under test.
pub struct Backend {
    /// The name shown in reports.
    pub name: &'static str,
    /// The provider.
    pub provider: Box<dyn CryptoProvider>,
}

/// Every crypto backend of the workspace, in a fixed order.
pub fn all() -> Vec<Backend> {
    vec![
        Backend {
            name: "rustcrypto",
            provider: Box::new(mls_crypto_rustcrypto::RustCryptoProvider::new()),
        },
        Backend {
            name: "ring",
            provider: Box::new(mls_crypto_ring::RingProvider::new()),
        },
        Backend {
            name: "aws-lc",
            provider: Box::new(mls_crypto_awslc::AwsLcProvider::new()),
        },
    ]
}
