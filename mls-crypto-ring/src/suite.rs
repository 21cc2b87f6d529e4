//! [`RingSuite`]: one MLS cipher suite's primitives, assembled from the
//! modules of this crate.

use crate::hpke::RingHpke;
use crate::sign::RingSigner;
use crate::{aead, hash, kdf, sign};
use mls_core::provider::{CipherSuiteProvider, Signer};
use mls_core::secret::{Secret, SignaturePrivateKey};
use mls_core::{CipherSuite, CryptoError};

/// Every primitive of one cipher suite (1, 2, 3 or 7), on ring.
///
/// Obtained from [`crate::RingProvider`] (as a `&dyn CipherSuiteProvider`)
/// or from [`RingSuite::get`].
#[derive(Debug)]
pub struct RingSuite {
    suite: CipherSuite,
}

/// The suites this crate implements, in code-point order.
static SUITES: [RingSuite; 4] = [
    RingSuite::new(CipherSuite::MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519),
    RingSuite::new(CipherSuite::MLS_128_DHKEMP256_AES128GCM_SHA256_P256),
    RingSuite::new(CipherSuite::MLS_128_DHKEMX25519_CHACHA20POLY1305_SHA256_Ed25519),
    RingSuite::new(CipherSuite::MLS_256_DHKEMP384_AES256GCM_SHA384_P384),
];

impl RingSuite {
    const fn new(suite: CipherSuite) -> Self {
        Self { suite }
    }

    /// The suite object for `suite`, or `None` if this crate does not
    /// implement it (suites 4, 5 and 6: ring has no X448, Ed448 or P-521).
    pub fn get(suite: CipherSuite) -> Option<&'static RingSuite> {
        SUITES.iter().find(|s| s.suite == suite)
    }

    /// Every suite object, in code-point order.
    pub(crate) fn all() -> &'static [RingSuite] {
        &SUITES
    }
}

impl CipherSuiteProvider for RingSuite {
    fn cipher_suite(&self) -> CipherSuite {
        self.suite
    }

    fn hash_len(&self) -> usize {
        hash::hash_len(self.suite.kdf())
    }

    fn aead_key_len(&self) -> usize {
        aead::algorithm(self.suite.aead()).key_len()
    }

    fn aead_nonce_len(&self) -> usize {
        aead::algorithm(self.suite.aead()).nonce_len()
    }

    fn kem_private_key_len(&self) -> usize {
        // ring has no KEM: the registry value (RFC 9180 §7.1).
        self.suite.kem().private_key_len()
    }

    fn signature_private_key_len(&self) -> usize {
        self.suite.signature_scheme().private_key_len()
    }

    fn hash(&self, data: &[u8]) -> Result<Vec<u8>, CryptoError> {
        hash::hash(self.suite.kdf(), data)
    }

    fn mac(&self, key: &[u8], data: &[u8]) -> Result<Vec<u8>, CryptoError> {
        hash::mac(self.suite.kdf(), key, data)
    }

    fn kdf_extract(&self, salt: &[u8], ikm: &[u8]) -> Result<Secret, CryptoError> {
        kdf::extract(self.suite.kdf(), salt, ikm)
    }

    fn kdf_expand(&self, prk: &[u8], info: &[u8], len: usize) -> Result<Secret, CryptoError> {
        kdf::expand(self.suite.kdf(), prk, info, len)
    }

    fn aead_seal(
        &self,
        key: &[u8],
        nonce: &[u8],
        aad: &[u8],
        plaintext: &[u8],
    ) -> Result<Vec<u8>, CryptoError> {
        aead::seal(self.suite.aead(), key, nonce, aad, plaintext)
    }

    fn aead_open(
        &self,
        key: &[u8],
        nonce: &[u8],
        aad: &[u8],
        ciphertext: &[u8],
    ) -> Result<Secret, CryptoError> {
        aead::open(self.suite.aead(), key, nonce, aad, ciphertext)
    }

    mls_crypto_hpke::cipher_suite_hpke_methods!(RingHpke);

    fn signature_key_pair_from_private(
        &self,
        private_key: &[u8],
    ) -> Result<(SignaturePrivateKey, Vec<u8>), CryptoError> {
        sign::key_pair_from_private(self.suite.signature_scheme(), private_key)
    }

    fn sign(
        &self,
        private_key: &SignaturePrivateKey,
        message: &[u8],
    ) -> Result<Vec<u8>, CryptoError> {
        sign::sign(self.suite.signature_scheme(), private_key, message)
    }

    fn verify(
        &self,
        public_key: &[u8],
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), CryptoError> {
        sign::verify(
            self.suite.signature_scheme(),
            public_key,
            message,
            signature,
        )
    }

    fn signer(&self, private_key: &[u8]) -> Result<Box<dyn Signer>, CryptoError> {
        Ok(Box::new(RingSigner::from_private_key(
            self.suite.signature_scheme(),
            private_key,
        )?))
    }
}
