//! One sender's hash ratchet (RFC 9420 §9.1) with the deletion schedule and
//! the out-of-order window of §9.2.

use super::{MessageKey, OutOfOrderPolicy, RatchetKind};
use crate::crypto::derive_tree_secret;
use crate::error::{Error, Misuse, ProtocolError};
use crate::provider::CipherSuiteProvider;
use crate::secret::Secret;
use std::collections::BTreeMap;

/// A hash ratchet: the secret of generation `next`, and the keys of skipped
/// generations kept for late messages.
///
/// Deletion schedule (§9.2): the secret of a generation is replaced by the
/// next one as soon as its key is derived, and a key is removed when it is
/// used. Only keys of generations in the window below the newest received one
/// are kept; older skipped keys are dropped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct HashRatchet {
    /// `ratchet_secret_[N]_[next]`; `None` once generation `u32::MAX` is used.
    pub(super) secret: Option<Secret>,
    /// The next generation to derive; `u64` so "after `u32::MAX`" is representable.
    pub(super) next: u64,
    /// Keys of skipped generations, all in the window below `next`.
    pub(super) skipped: BTreeMap<u32, MessageKey>,
}

impl HashRatchet {
    pub(crate) fn new(secret: Secret) -> Self {
        Self {
            secret: Some(secret),
            next: 0,
            skipped: BTreeMap::new(),
        }
    }

    /// Number of skipped keys held (tests and diagnostics).
    pub(crate) fn skipped_len(&self) -> usize {
        self.skipped.len()
    }

    /// Derives the key of generation `next` and steps the secret forward,
    /// deleting the old one.
    fn step(
        &mut self,
        suite: &dyn CipherSuiteProvider,
        with_key: bool,
    ) -> Result<Option<MessageKey>, Error> {
        let generation = u32::try_from(self.next).map_err(|_| Misuse::RatchetExhausted)?;
        let secret = self.secret.take().ok_or(Misuse::RatchetExhausted)?;
        let key = if with_key {
            Some(MessageKey::derive(suite, &secret, generation)?)
        } else {
            None
        };
        let nh = crate::key_schedule::nh(suite)?;
        // After u32::MAX there is no generation to derive a secret for.
        if generation < u32::MAX {
            self.secret = Some(derive_tree_secret(
                suite,
                secret.as_bytes(),
                "secret",
                generation,
                nh,
            )?);
        }
        self.next = self.next.saturating_add(1);
        Ok(key)
    }

    /// The key for sending: generation `next`, consumed at once.
    pub(crate) fn next_for_sending(
        &mut self,
        suite: &dyn CipherSuiteProvider,
    ) -> Result<(u32, MessageKey), Error> {
        let generation = u32::try_from(self.next).map_err(|_| Misuse::RatchetExhausted)?;
        let key = self
            .step(suite, true)?
            .ok_or(Error::Internal("ratchet step without key"))?;
        Ok((generation, key))
    }

    /// The key for a received `generation` and the ratchet state to keep if
    /// the message then decrypts. `self` is not changed, so a forged or
    /// replayed message cannot harm the ratchet.
    pub(crate) fn for_receiving(
        &self,
        suite: &dyn CipherSuiteProvider,
        generation: u32,
        kind: RatchetKind,
        policy: &OutOfOrderPolicy,
    ) -> Result<(MessageKey, HashRatchet), Error> {
        let g = u64::from(generation);
        if g < self.next {
            if let Some(key) = self.skipped.get(&generation) {
                let mut after = self.clone();
                after.skipped.remove(&generation);
                return Ok((key.clone(), after));
            }
            let oldest = self.window_start(policy);
            return Err(if g >= oldest {
                ProtocolError::GenerationReplayed {
                    generation,
                    ratchet: kind.name(),
                }
            } else {
                ProtocolError::GenerationTooOld {
                    generation,
                    ratchet: kind.name(),
                    oldest: u32::try_from(oldest).unwrap_or(u32::MAX),
                }
            }
            .into());
        }
        // Checked before any derivation: a hostile generation such as
        // 0xffffffff costs one comparison, not four billion hashes.
        let distance = g.saturating_sub(self.next);
        if distance > u64::from(policy.max_forward_jump) {
            return Err(ProtocolError::GenerationTooFarAhead {
                generation,
                next: u32::try_from(self.next).unwrap_or(u32::MAX),
                max_jump: policy.max_forward_jump,
                ratchet: kind.name(),
            }
            .into());
        }
        let mut after = self.clone();
        let keep_from = g.saturating_sub(u64::from(policy.max_skipped_keys));
        while after.next < g {
            let skipped_generation = after.next;
            // Keys that would fall out of the window at once are not derived.
            let key = after.step(suite, skipped_generation >= keep_from)?;
            if let (Some(key), Ok(sg)) = (key, u32::try_from(skipped_generation)) {
                after.skipped.insert(sg, key);
            }
        }
        let key = after
            .step(suite, true)?
            .ok_or(Error::Internal("ratchet step without key"))?;
        let start = after.window_start(policy);
        after.skipped.retain(|&k, _| u64::from(k) >= start);
        Ok((key, after))
    }

    /// The oldest generation whose key may still be held: `max_skipped_keys`
    /// generations below the newest one received. A missing key at or above
    /// it was used; below it, it was dropped.
    fn window_start(&self, policy: &OutOfOrderPolicy) -> u64 {
        self.next
            .saturating_sub(1)
            .saturating_sub(u64::from(policy.max_skipped_keys))
    }
}
