//! Randomness from the operating system, through `ring::rand::SystemRandom`.

use mls_core::CryptoError;
use mls_core::provider::RandProvider;
use ring::rand::{SecureRandom, SystemRandom};

/// A [`RandProvider`] reading the operating system's CSPRNG via ring.
#[derive(Clone, Debug)]
pub struct SystemRand {
    rng: SystemRandom,
}

impl SystemRand {
    /// A handle on the system CSPRNG.
    pub fn new() -> Self {
        Self {
            rng: SystemRandom::new(),
        }
    }
}

impl Default for SystemRand {
    fn default() -> Self {
        Self::new()
    }
}

impl RandProvider for SystemRand {
    fn fill(&self, dest: &mut [u8]) -> Result<(), CryptoError> {
        self.rng
            .fill(dest)
            .map_err(|_| CryptoError::Rand("the operating system's random source failed".into()))
    }
}
