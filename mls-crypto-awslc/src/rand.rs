//! The system randomness source of AWS-LC.

use mls_core::CryptoError;
use mls_core::provider::RandProvider;

/// Random bytes from AWS-LC's `RAND_bytes` (the module's DRBG when built
/// with the `fips` feature).
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemRand;

impl SystemRand {
    /// The system randomness source.
    pub fn new() -> Self {
        Self
    }
}

impl RandProvider for SystemRand {
    fn fill(&self, dest: &mut [u8]) -> Result<(), CryptoError> {
        aws_lc_rs::rand::fill(dest)
            .map_err(|_| CryptoError::Rand("aws-lc RAND_bytes failed".into()))
    }
}
