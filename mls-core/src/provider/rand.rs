use crate::error::CryptoError;

/// A source of cryptographically secure random bytes.
///
/// Every random byte the protocol and the backends consume (init keys, leaf
/// and path secrets, reuse guards, ephemeral HPKE keys, signature keys) is
/// drawn here. A seeded implementation makes two backends produce identical
/// keys and HPKE output, which the differential tests rely on. Implementations
/// take `&self` so one source can be shared; use interior mutability.
pub trait RandProvider: Send + Sync {
    /// Fills `dest` with random bytes.
    fn fill(&self, dest: &mut [u8]) -> Result<(), CryptoError>;
}

impl<R: RandProvider + ?Sized> RandProvider for &R {
    fn fill(&self, dest: &mut [u8]) -> Result<(), CryptoError> {
        (**self).fill(dest)
    }
}

impl<R: RandProvider + ?Sized> RandProvider for std::sync::Arc<R> {
    fn fill(&self, dest: &mut [u8]) -> Result<(), CryptoError> {
        (**self).fill(dest)
    }
}

/// Draws `len` random bytes.
pub fn random_bytes(
    rand: &(impl RandProvider + ?Sized),
    len: usize,
) -> Result<Vec<u8>, CryptoError> {
    let mut out = vec![0u8; len];
    rand.fill(&mut out)?;
    Ok(out)
}

/// A boxed generator is a generator.
impl<R: RandProvider + ?Sized> RandProvider for Box<R> {
    fn fill(&self, dest: &mut [u8]) -> Result<(), CryptoError> {
        (**self).fill(dest)
    }
}
