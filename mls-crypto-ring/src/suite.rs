//! [`RingSuite`]: one MLS cipher suite's primitives, assembled from the
//! modules of this crate.

use crate::hpke::RingHpke;
use crate::sign::RingSigner;
use crate::{aead, hash, kdf, sign};
use mls_core::provider::{CipherSuiteProvider, Signer};
use mls_core::secret::{Secret, SignaturePrivateKey};
use mls_core::{CipherSuite, CipherSuiteDefinition, CryptoError, SignatureScheme};
use mls_crypto_hpke::HpkePrimitives;

/// Every primitive of one cipher suite (1, 2, 3 or 7), on ring.
///
/// Obtained from [`crate::RingProvider`] (as a `&dyn CipherSuiteProvider`)
/// or from [`RingSuite::get`].
#[derive(Debug, Clone)]
pub struct RingSuite {
    definition: CipherSuiteDefinition,
}

/// The RFC 9420 suites this crate implements, in code-point order.
pub(crate) static SUITES: [RingSuite; 4] = [
    RingSuite::new(CipherSuiteDefinition::RFC9420[0]),
    RingSuite::new(CipherSuiteDefinition::RFC9420[1]),
    RingSuite::new(CipherSuiteDefinition::RFC9420[2]),
    RingSuite::new(CipherSuiteDefinition::RFC9420[6]),
];

impl RingSuite {
    pub(crate) const fn new(definition: CipherSuiteDefinition) -> Self {
        Self { definition }
    }

    /// The suite object for the RFC 9420 suite `suite`, or `None` if this
    /// crate does not implement it (suites 4, 5 and 6: ring has no X448,
    /// Ed448 or P-521).
    pub fn get(suite: CipherSuite) -> Option<&'static RingSuite> {
        SUITES.iter().find(|s| s.definition.suite == suite)
    }

    /// Whether ring has every algorithm of `definition`: X25519, P-256 or
    /// P-384 DHKEM; any of the three hashes; any of the three AEADs;
    /// Ed25519, ECDSA P-256 or ECDSA P-384.
    pub fn implements(definition: &CipherSuiteDefinition) -> bool {
        RingHpke::supports_kem(definition.kem)
            && matches!(
                definition.signature,
                SignatureScheme::Ed25519
                    | SignatureScheme::EcdsaSecp256r1Sha256
                    | SignatureScheme::EcdsaSecp384r1Sha384
            )
    }
}

impl CipherSuiteProvider for RingSuite {
    fn definition(&self) -> &CipherSuiteDefinition {
        &self.definition
    }

    fn hash_len(&self) -> usize {
        hash::hash_len(self.definition.kdf)
    }

    fn aead_key_len(&self) -> usize {
        aead::algorithm(self.definition.aead).key_len()
    }

    fn aead_nonce_len(&self) -> usize {
        aead::algorithm(self.definition.aead).nonce_len()
    }

    fn kem_private_key_len(&self) -> usize {
        // ring has no KEM: the registry value (RFC 9180 §7.1).
        self.definition.kem.private_key_len()
    }

    fn signature_private_key_len(&self) -> usize {
        self.definition.signature.private_key_len()
    }

    fn hash(&self, data: &[u8]) -> Result<Vec<u8>, CryptoError> {
        hash::hash(self.definition.kdf, data)
    }

    fn mac(&self, key: &[u8], data: &[u8]) -> Result<Vec<u8>, CryptoError> {
        hash::mac(self.definition.kdf, key, data)
    }

    fn kdf_extract(&self, salt: &[u8], ikm: &[u8]) -> Result<Secret, CryptoError> {
        kdf::extract(self.definition.kdf, salt, ikm)
    }

    fn kdf_expand(&self, prk: &[u8], info: &[u8], len: usize) -> Result<Secret, CryptoError> {
        kdf::expand(self.definition.kdf, prk, info, len)
    }

    fn aead_seal(
        &self,
        key: &[u8],
        nonce: &[u8],
        aad: &[u8],
        plaintext: &[u8],
    ) -> Result<Vec<u8>, CryptoError> {
        aead::seal(self.definition.aead, key, nonce, aad, plaintext)
    }

    fn aead_open(
        &self,
        key: &[u8],
        nonce: &[u8],
        aad: &[u8],
        ciphertext: &[u8],
    ) -> Result<Secret, CryptoError> {
        aead::open(self.definition.aead, key, nonce, aad, ciphertext)
    }

    mls_crypto_hpke::cipher_suite_hpke_methods!(RingHpke);

    fn signature_key_pair_from_private(
        &self,
        private_key: &[u8],
    ) -> Result<(SignaturePrivateKey, Vec<u8>), CryptoError> {
        sign::key_pair_from_private(self.definition.signature, private_key)
    }

    fn sign(
        &self,
        private_key: &SignaturePrivateKey,
        message: &[u8],
    ) -> Result<Vec<u8>, CryptoError> {
        sign::sign(self.definition.signature, private_key, message)
    }

    fn verify(
        &self,
        public_key: &[u8],
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), CryptoError> {
        sign::verify(self.definition.signature, public_key, message, signature)
    }

    fn signer(&self, private_key: &[u8]) -> Result<Box<dyn Signer>, CryptoError> {
        Ok(Box::new(RingSigner::from_private_key(
            self.definition.signature,
            private_key,
        )?))
    }
}
