//! Per-task randomness derived from the client's rand, so work that draws
//! randomness (HPKE encapsulations for a Welcome) can run in parallel and
//! still give the same bytes for the same seeded rand.
//!
//! Each task gets `Nh` fresh bytes from the client's rand, drawn in task
//! order, and expands them with the suite's KDF
//! (`KDF.Expand(seed, label || counter, len)`): a PRF keyed by fresh random
//! bytes, so the output is as unpredictable as the rand itself. Written
//! here because it is eight lines over the suite's own KDF; a DRBG crate
//! would add a dependency and a second primitive to trust.

use crate::error::CryptoError;
use crate::provider::{CipherSuiteProvider, RandProvider};
use crate::secret::Secret;
use std::sync::Mutex;

const LABEL: &[u8] = b"mls-core derived rand";

/// A deterministic stream keyed by a seed drawn from the client's rand.
pub(crate) struct DerivedRand<'a> {
    suite: &'a dyn CipherSuiteProvider,
    seed: Secret,
    counter: Mutex<u32>,
}

impl<'a> DerivedRand<'a> {
    /// A stream keyed by `Nh` bytes from `rand`.
    pub(crate) fn draw(
        suite: &'a dyn CipherSuiteProvider,
        rand: &dyn RandProvider,
    ) -> Result<Self, CryptoError> {
        let mut seed = vec![0u8; suite.hash_len()];
        rand.fill(&mut seed)?;
        Ok(Self {
            suite,
            seed: Secret::new(seed),
            counter: Mutex::new(0),
        })
    }
}

impl RandProvider for DerivedRand<'_> {
    fn fill(&self, dest: &mut [u8]) -> Result<(), CryptoError> {
        let mut counter = self
            .counter
            .lock()
            .map_err(|_| CryptoError::Rand("derived rand lock poisoned".into()))?;
        let mut info = LABEL.to_vec();
        info.extend_from_slice(&counter.to_be_bytes());
        *counter = counter
            .checked_add(1)
            .ok_or_else(|| CryptoError::Rand("derived rand exhausted".into()))?;
        let out = self
            .suite
            .kdf_expand(self.seed.as_bytes(), &info, dest.len())?;
        // A backend returning another length is an error, not a panic.
        if out.len() != dest.len() {
            return Err(CryptoError::InvalidLength {
                what: "KDF output for derived randomness",
                len: out.len(),
            });
        }
        dest.copy_from_slice(out.as_bytes());
        Ok(())
    }
}
