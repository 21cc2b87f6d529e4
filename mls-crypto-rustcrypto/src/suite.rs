use crate::hpke::RustCryptoHpke;
use crate::sign::{KeyPair, RustCryptoSigner};
use crate::{aead, hash, kdf};
use mls_core::provider::{CipherSuiteProvider, Signer};
use mls_core::secret::{Secret, SignaturePrivateKey};
use mls_core::{CipherSuiteDefinition, CryptoError};

/// Every primitive of one cipher suite, on the RustCrypto crates.
#[derive(Debug, Clone)]
pub struct RustCryptoSuite {
    definition: CipherSuiteDefinition,
}

impl RustCryptoSuite {
    pub(crate) const fn new(definition: CipherSuiteDefinition) -> Self {
        Self { definition }
    }
}

impl CipherSuiteProvider for RustCryptoSuite {
    fn definition(&self) -> &CipherSuiteDefinition {
        &self.definition
    }

    fn hash_len(&self) -> usize {
        hash::output_len(self.definition.kdf)
    }

    fn aead_key_len(&self) -> usize {
        self.definition.aead.key_len()
    }

    fn aead_nonce_len(&self) -> usize {
        self.definition.aead.nonce_len()
    }

    fn kem_private_key_len(&self) -> usize {
        self.definition.kem.private_key_len()
    }

    fn signature_private_key_len(&self) -> usize {
        self.definition.signature.private_key_len()
    }

    fn hash(&self, data: &[u8]) -> Result<Vec<u8>, CryptoError> {
        Ok(hash::hash(self.definition.kdf, data))
    }

    fn mac(&self, key: &[u8], data: &[u8]) -> Result<Vec<u8>, CryptoError> {
        hash::mac(self.definition.kdf, key, data)
    }

    fn kdf_extract(&self, salt: &[u8], ikm: &[u8]) -> Result<Secret, CryptoError> {
        Ok(Secret::from_slice(&kdf::extract(
            self.definition.kdf,
            salt,
            ikm,
        )))
    }

    fn kdf_expand(&self, prk: &[u8], info: &[u8], len: usize) -> Result<Secret, CryptoError> {
        Ok(Secret::from_slice(&kdf::expand(
            self.definition.kdf,
            prk,
            info,
            len,
        )?))
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
        aead::open(self.definition.aead, key, nonce, aad, ciphertext).map(Secret::new)
    }

    mls_crypto_hpke::cipher_suite_hpke_methods!(RustCryptoHpke);

    fn signature_key_pair_from_private(
        &self,
        private_key: &[u8],
    ) -> Result<(SignaturePrivateKey, Vec<u8>), CryptoError> {
        Ok(KeyPair::from_private(self.definition.signature, private_key)?.into_parts())
    }

    fn sign(
        &self,
        private_key: &SignaturePrivateKey,
        message: &[u8],
    ) -> Result<Vec<u8>, CryptoError> {
        let pair = KeyPair::from_private(self.definition.signature, private_key.as_bytes())?;
        Ok(pair.sign(message))
    }

    fn verify(
        &self,
        public_key: &[u8],
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), CryptoError> {
        crate::sign::verify(self.definition.signature, public_key, message, signature)
    }

    fn signer(&self, private_key: &[u8]) -> Result<Box<dyn Signer>, CryptoError> {
        let pair = KeyPair::from_private(self.definition.signature, private_key)?;
        Ok(Box::new(RustCryptoSigner::new(pair)))
    }
}
