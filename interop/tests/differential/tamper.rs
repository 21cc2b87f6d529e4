//! A wrapper that alters one operation of an honest suite, to prove the
//! differential checks notice.

use mls_core::CipherSuiteDefinition;
use mls_core::CryptoError;
use mls_core::provider::{CipherSuiteProvider, HpkeCiphertext, HpkeExport, RandProvider, Signer};
use mls_core::secret::{HpkePrivateKey, Secret, SignaturePrivateKey};

/// Which output to alter.
#[derive(Clone, Copy)]
pub(crate) enum Tamper {
    Hash,
    DeriveKeyPair,
    AeadSeal,
    HpkeSeal,
    Sign,
}

pub(crate) struct Tampered<'a> {
    inner: &'a dyn CipherSuiteProvider,
    tamper: Tamper,
}

impl<'a> Tampered<'a> {
    pub(crate) fn new(inner: &'a dyn CipherSuiteProvider, tamper: Tamper) -> Self {
        Self { inner, tamper }
    }

    fn alter(&self, which: Tamper, mut bytes: Vec<u8>) -> Vec<u8> {
        if std::mem::discriminant(&which) == std::mem::discriminant(&self.tamper)
            && let Some(last) = bytes.last_mut()
        {
            *last ^= 1;
        }
        bytes
    }
}

struct TamperedSigner {
    inner: Box<dyn Signer>,
}

impl Signer for TamperedSigner {
    fn scheme(&self) -> mls_core::SignatureScheme {
        self.inner.scheme()
    }
    fn public_key(&self) -> &[u8] {
        self.inner.public_key()
    }
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, CryptoError> {
        let mut sig = self.inner.sign(message)?;
        if let Some(last) = sig.last_mut() {
            *last ^= 1;
        }
        Ok(sig)
    }
}

impl CipherSuiteProvider for Tampered<'_> {
    fn definition(&self) -> &CipherSuiteDefinition {
        self.inner.definition()
    }
    fn hash_len(&self) -> usize {
        self.inner.hash_len()
    }
    fn aead_key_len(&self) -> usize {
        self.inner.aead_key_len()
    }
    fn aead_nonce_len(&self) -> usize {
        self.inner.aead_nonce_len()
    }
    fn kem_private_key_len(&self) -> usize {
        self.inner.kem_private_key_len()
    }
    fn signature_private_key_len(&self) -> usize {
        self.inner.signature_private_key_len()
    }
    fn hash(&self, data: &[u8]) -> Result<Vec<u8>, CryptoError> {
        Ok(self.alter(Tamper::Hash, self.inner.hash(data)?))
    }
    fn mac(&self, key: &[u8], data: &[u8]) -> Result<Vec<u8>, CryptoError> {
        self.inner.mac(key, data)
    }
    fn kdf_extract(&self, salt: &[u8], ikm: &[u8]) -> Result<Secret, CryptoError> {
        self.inner.kdf_extract(salt, ikm)
    }
    fn kdf_expand(&self, prk: &[u8], info: &[u8], len: usize) -> Result<Secret, CryptoError> {
        self.inner.kdf_expand(prk, info, len)
    }
    fn aead_seal(&self, k: &[u8], n: &[u8], a: &[u8], p: &[u8]) -> Result<Vec<u8>, CryptoError> {
        Ok(self.alter(Tamper::AeadSeal, self.inner.aead_seal(k, n, a, p)?))
    }
    fn aead_open(&self, k: &[u8], n: &[u8], a: &[u8], c: &[u8]) -> Result<Secret, CryptoError> {
        self.inner.aead_open(k, n, a, c)
    }
    fn hpke_seal(
        &self,
        pk: &[u8],
        info: &[u8],
        aad: &[u8],
        pt: &[u8],
        rand: &dyn RandProvider,
    ) -> Result<HpkeCiphertext, CryptoError> {
        let ct = self.inner.hpke_seal(pk, info, aad, pt, rand)?;
        Ok(HpkeCiphertext {
            kem_output: ct.kem_output,
            ciphertext: self.alter(Tamper::HpkeSeal, ct.ciphertext),
        })
    }
    fn hpke_open(
        &self,
        sk: &HpkePrivateKey,
        enc: &[u8],
        info: &[u8],
        aad: &[u8],
        ct: &[u8],
    ) -> Result<Secret, CryptoError> {
        self.inner.hpke_open(sk, enc, info, aad, ct)
    }
    fn hpke_export_to(
        &self,
        pk: &[u8],
        info: &[u8],
        ctx: &[u8],
        len: usize,
        rand: &dyn RandProvider,
    ) -> Result<HpkeExport, CryptoError> {
        self.inner.hpke_export_to(pk, info, ctx, len, rand)
    }
    fn hpke_export_from(
        &self,
        sk: &HpkePrivateKey,
        enc: &[u8],
        info: &[u8],
        ctx: &[u8],
        len: usize,
    ) -> Result<Secret, CryptoError> {
        self.inner.hpke_export_from(sk, enc, info, ctx, len)
    }
    fn kem_derive_key_pair(&self, ikm: &[u8]) -> Result<(HpkePrivateKey, Vec<u8>), CryptoError> {
        let (sk, pk) = self.inner.kem_derive_key_pair(ikm)?;
        Ok((sk, self.alter(Tamper::DeriveKeyPair, pk)))
    }
    fn kem_key_pair_from_random(
        &self,
        random: &[u8],
    ) -> Result<(HpkePrivateKey, Vec<u8>), CryptoError> {
        let (sk, pk) = self.inner.kem_key_pair_from_random(random)?;
        Ok((sk, self.alter(Tamper::DeriveKeyPair, pk)))
    }
    fn signature_key_pair_from_private(
        &self,
        sk: &[u8],
    ) -> Result<(SignaturePrivateKey, Vec<u8>), CryptoError> {
        self.inner.signature_key_pair_from_private(sk)
    }
    fn sign(&self, sk: &SignaturePrivateKey, msg: &[u8]) -> Result<Vec<u8>, CryptoError> {
        Ok(self.alter(Tamper::Sign, self.inner.sign(sk, msg)?))
    }
    fn verify(&self, pk: &[u8], msg: &[u8], sig: &[u8]) -> Result<(), CryptoError> {
        self.inner.verify(pk, msg, sig)
    }
    fn signer(&self, sk: &[u8]) -> Result<Box<dyn Signer>, CryptoError> {
        let inner = self.inner.signer(sk)?;
        Ok(match self.tamper {
            Tamper::Sign => Box::new(TamperedSigner { inner }),
            _ => inner,
        })
    }
}
