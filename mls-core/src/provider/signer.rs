use crate::cipher_suite::SignatureScheme;
use crate::error::CryptoError;

/// A signing key whose private half may live outside this process (an HSM,
/// a platform keystore). The protocol only ever asks it to sign.
pub trait Signer: Send + Sync {
    /// The signature scheme of the key.
    fn scheme(&self) -> SignatureScheme;
    /// The public key, encoded as `SignaturePublicKey` content (RFC 9420 §5.1.1).
    fn public_key(&self) -> &[u8];
    /// Signs `message` (already the full `SignContent` encoding).
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, CryptoError>;
}

impl<S: Signer + ?Sized> Signer for Box<S> {
    fn scheme(&self) -> SignatureScheme {
        (**self).scheme()
    }
    fn public_key(&self) -> &[u8] {
        (**self).public_key()
    }
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, CryptoError> {
        (**self).sign(message)
    }
}
