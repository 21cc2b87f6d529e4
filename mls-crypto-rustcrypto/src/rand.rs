use mls_core::CryptoError;
use mls_core::provider::RandProvider;

/// The operating system's random number generator (via `getrandom`).
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemRand;

impl RandProvider for SystemRand {
    fn fill(&self, dest: &mut [u8]) -> Result<(), CryptoError> {
        getrandom::fill(dest).map_err(|e| CryptoError::Rand(e.to_string()))
    }
}
