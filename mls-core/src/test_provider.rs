//! Stand-in suites for unit tests of protocol logic (STYLE.md §5). NOT
//! SECURE, `cfg(test)` only. [`ToySuite`] is deterministic and SipHash-based
//! with the sizes of suite 1, so the secret tree, key schedule and framing
//! can be exercised inside `mls-core` without a crypto backend; the official
//! vectors run against real backends in `interop`. The macros give other
//! stand-ins (`crypto/tests.rs`, `wire_fixtures.rs`) the shared parts.

use crate::error::CryptoError;
use crate::provider::{CipherSuiteProvider, HpkeCiphertext, RandProvider, Signer};
use crate::secret::{HpkePrivateKey, Secret, SignaturePrivateKey};
use std::hash::{DefaultHasher, Hash, Hasher};

/// The sizes of suite 1, for a stand-in suite's `impl CipherSuiteProvider`.
macro_rules! suite1_sizes {
    () => {
        fn definition(&self) -> &crate::CipherSuiteDefinition {
            &crate::CipherSuiteDefinition::RFC9420[0]
        }
        fn hash_len(&self) -> usize {
            32
        }
        fn aead_key_len(&self) -> usize {
            16
        }
        fn aead_nonce_len(&self) -> usize {
            12
        }
        fn kem_private_key_len(&self) -> usize {
            32
        }
        fn signature_private_key_len(&self) -> usize {
            32
        }
    };
}

/// HPKE open and export, which no stand-in suite implements.
macro_rules! no_hpke_open_export {
    () => {
        fn hpke_open(
            &self,
            _: &crate::secret::HpkePrivateKey,
            _: &[u8],
            _: &[u8],
            _: &[u8],
            _: &[u8],
        ) -> Result<crate::secret::Secret, crate::error::CryptoError> {
            Err(crate::error::CryptoError::UnsupportedAlgorithm(
                "stand-in suite",
            ))
        }
        fn hpke_export_to(
            &self,
            _: &[u8],
            _: &[u8],
            _: &[u8],
            _: usize,
            _: &dyn crate::provider::RandProvider,
        ) -> Result<crate::provider::HpkeExport, crate::error::CryptoError> {
            Err(crate::error::CryptoError::UnsupportedAlgorithm(
                "stand-in suite",
            ))
        }
        fn hpke_export_from(
            &self,
            _: &crate::secret::HpkePrivateKey,
            _: &[u8],
            _: &[u8],
            _: &[u8],
            _: usize,
        ) -> Result<crate::secret::Secret, crate::error::CryptoError> {
            Err(crate::error::CryptoError::UnsupportedAlgorithm(
                "stand-in suite",
            ))
        }
    };
}

pub(crate) use {no_hpke_open_export, suite1_sizes};

pub(crate) struct ToySuite;

/// `len` bytes of SipHash output over the parts (with a block counter).
fn mix(parts: &[&[u8]], len: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(len + 8);
    let mut block = 0u64;
    while out.len() < len {
        let mut h = DefaultHasher::new();
        block.hash(&mut h);
        for p in parts {
            p.hash(&mut h);
        }
        out.extend(h.finish().to_be_bytes());
        block += 1;
    }
    out.truncate(len);
    out
}

const TAG: usize = 16;

impl CipherSuiteProvider for ToySuite {
    suite1_sizes!();
    no_hpke_open_export!();

    fn hash(&self, data: &[u8]) -> Result<Vec<u8>, CryptoError> {
        Ok(mix(&[b"hash", data], 32))
    }
    fn mac(&self, key: &[u8], data: &[u8]) -> Result<Vec<u8>, CryptoError> {
        Ok(mix(&[b"mac", key, data], 32))
    }
    fn kdf_extract(&self, salt: &[u8], ikm: &[u8]) -> Result<Secret, CryptoError> {
        Ok(Secret::new(mix(&[b"extract", salt, ikm], 32)))
    }
    fn kdf_expand(&self, prk: &[u8], info: &[u8], len: usize) -> Result<Secret, CryptoError> {
        Ok(Secret::new(mix(&[b"expand", prk, info], len)))
    }
    fn aead_seal(
        &self,
        key: &[u8],
        nonce: &[u8],
        aad: &[u8],
        plaintext: &[u8],
    ) -> Result<Vec<u8>, CryptoError> {
        let stream = mix(&[b"stream", key, nonce], plaintext.len());
        let mut out: Vec<u8> = plaintext.iter().zip(stream).map(|(p, s)| p ^ s).collect();
        let tag = mix(&[b"tag", key, nonce, aad, &out], TAG);
        out.extend(tag);
        Ok(out)
    }
    fn aead_open(
        &self,
        key: &[u8],
        nonce: &[u8],
        aad: &[u8],
        ciphertext: &[u8],
    ) -> Result<Secret, CryptoError> {
        let split = ciphertext
            .len()
            .checked_sub(TAG)
            .ok_or(CryptoError::AeadOpenFailed)?;
        let (body, tag) = ciphertext.split_at(split);
        if mix(&[b"tag", key, nonce, aad, body], TAG) != tag {
            return Err(CryptoError::AeadOpenFailed);
        }
        let stream = mix(&[b"stream", key, nonce], body.len());
        Ok(Secret::new(
            body.iter().zip(stream).map(|(c, s)| c ^ s).collect(),
        ))
    }
    fn hpke_seal(
        &self,
        _: &[u8],
        _: &[u8],
        _: &[u8],
        _: &[u8],
        _: &dyn RandProvider,
    ) -> Result<HpkeCiphertext, CryptoError> {
        Err(CryptoError::UnsupportedAlgorithm("stand-in suite"))
    }
    fn kem_derive_key_pair(&self, ikm: &[u8]) -> Result<(HpkePrivateKey, Vec<u8>), CryptoError> {
        Ok((
            HpkePrivateKey::new(mix(&[b"kem sk", ikm], 32)),
            mix(&[b"kem pk", ikm], 32),
        ))
    }
    fn signature_key_pair_from_private(
        &self,
        sk: &[u8],
    ) -> Result<(SignaturePrivateKey, Vec<u8>), CryptoError> {
        Ok((SignaturePrivateKey::from_slice(sk), mix(&[b"pk", sk], 32)))
    }
    fn sign(&self, sk: &SignaturePrivateKey, msg: &[u8]) -> Result<Vec<u8>, CryptoError> {
        let pk = mix(&[b"pk", sk.as_bytes()], 32);
        Ok(mix(&[b"sig", &pk, msg], 64))
    }
    fn verify(&self, pk: &[u8], msg: &[u8], sig: &[u8]) -> Result<(), CryptoError> {
        if mix(&[b"sig", pk, msg], 64) == sig {
            Ok(())
        } else {
            Err(CryptoError::InvalidSignature)
        }
    }
    fn signer(&self, sk: &[u8]) -> Result<Box<dyn Signer>, CryptoError> {
        Ok(Box::new(ToySigner {
            sk: SignaturePrivateKey::from_slice(sk),
            pk: mix(&[b"pk", sk], 32),
        }))
    }
}

pub(crate) struct ToySigner {
    sk: SignaturePrivateKey,
    pk: Vec<u8>,
}

impl Signer for ToySigner {
    fn scheme(&self) -> crate::SignatureScheme {
        crate::SignatureScheme::Ed25519
    }
    fn public_key(&self) -> &[u8] {
        &self.pk
    }
    fn sign(&self, msg: &[u8]) -> Result<Vec<u8>, CryptoError> {
        ToySuite.sign(&self.sk, msg)
    }
}

/// A counter-based rand: deterministic, distinct bytes on every call.
pub(crate) struct ToyRand(std::sync::atomic::AtomicU64);

impl ToyRand {
    pub(crate) fn new() -> Self {
        Self(std::sync::atomic::AtomicU64::new(1))
    }
}

impl RandProvider for ToyRand {
    fn fill(&self, dest: &mut [u8]) -> Result<(), CryptoError> {
        let n = self.0.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        dest.copy_from_slice(&mix(&[b"rand", &n.to_be_bytes()], dest.len()));
        Ok(())
    }
}
