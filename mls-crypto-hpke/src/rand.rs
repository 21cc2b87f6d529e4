use hpke_rs_crypto::{TryCryptoRng, TryRng};
use zeroize::Zeroizing;

/// A PRNG for `hpke-rs` that yields bytes drawn up front from an MLS
/// `RandProvider`, then fails. `hpke-rs` asks for exactly Nsk bytes per
/// encapsulation; failing afterwards makes any other use visible.
pub struct DrawnRandomness {
    bytes: Zeroizing<Vec<u8>>,
    used: usize,
}

impl DrawnRandomness {
    /// Yields exactly `bytes`.
    pub fn from_bytes(bytes: Zeroizing<Vec<u8>>) -> Self {
        Self { bytes, used: 0 }
    }
}

/// The drawn bytes ran out.
#[derive(Debug)]
pub struct Exhausted;

impl std::fmt::Display for Exhausted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("pre-drawn HPKE randomness exhausted")
    }
}

impl std::error::Error for Exhausted {}

impl TryRng for DrawnRandomness {
    type Error = Exhausted;

    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        let mut b = [0u8; 4];
        self.try_fill_bytes(&mut b)?;
        Ok(u32::from_le_bytes(b))
    }

    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        let mut b = [0u8; 8];
        self.try_fill_bytes(&mut b)?;
        Ok(u64::from_le_bytes(b))
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
        let end = self.used.checked_add(dst.len()).ok_or(Exhausted)?;
        let src = self.bytes.get(self.used..end).ok_or(Exhausted)?;
        dst.copy_from_slice(src);
        self.used = end;
        Ok(())
    }
}

impl TryCryptoRng for DrawnRandomness {}
