//! A deterministic [`RandProvider`] for tests: the same seed gives the same
//! bytes on every run and every backend.

use mls_core::CryptoError;
use mls_core::provider::RandProvider;
use rand_chacha::ChaCha20Rng;
use rand_core::{Rng, SeedableRng};
use std::sync::Mutex;

/// ChaCha20 keyed by a 32-byte seed. Not for production: anyone who knows
/// the seed knows every key.
pub struct SeededRand(Mutex<ChaCha20Rng>);

impl SeededRand {
    /// A generator from `seed`.
    pub fn new(seed: [u8; 32]) -> Self {
        Self(Mutex::new(ChaCha20Rng::from_seed(seed)))
    }
}

impl RandProvider for SeededRand {
    fn fill(&self, dest: &mut [u8]) -> Result<(), CryptoError> {
        let mut rng = self
            .0
            .lock()
            .map_err(|_| CryptoError::Rand("seeded generator lock poisoned".into()))?;
        rng.fill_bytes(dest);
        Ok(())
    }
}
