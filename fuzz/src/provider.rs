//! A crypto provider for fuzzing. **NOT SECURE.**
//!
//! Every signature verifies, every MAC (membership and confirmation tags)
//! is one fixed value, AEAD and HPKE are the identity plus a fixed tag,
//! and hash, KDF and `DeriveKeyPair` are a deterministic SipHash mix. With
//! real crypto a fuzzer never gets past the first signature or tag check,
//! so it would only test the decoders; with this provider its inputs reach
//! the group logic behind them (tree validation, proposal lists, the key
//! schedule, storage), as rustls' fuzzing provider lets its fuzzers reach
//! the handshake state machine.
//!
//! It has the sizes of suite 1 (MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519:
//! Nh 32, Nk 16, Nn 12, 32-byte keys), so keys pass mls-core's own shape
//! checks (`crypto::check_signature_key` wants a 32-byte Ed25519 key).
//!
//! It cannot reach a release build by accident: this file refuses to
//! compile without `--cfg fuzzing` (which `cargo fuzz` sets), and the crate
//! is outside the workspace and `publish = false`.

#[cfg(not(fuzzing))]
compile_error!(
    "mls-fuzz's crypto provider is NOT SECURE (every signature and tag verifies); \
     it builds only with `--cfg fuzzing`, as `cargo fuzz` sets"
);

use mls_core::{CipherSuite, CipherSuiteDefinition};
use mls_core::CryptoError;
use mls_core::provider::{
    CipherSuiteProvider, CryptoProvider, HpkeCiphertext, HpkeExport, RandProvider, Signer,
};
use mls_core::secret::{HpkePrivateKey, Secret, SignaturePrivateKey};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};

/// The one suite this provider offers.
pub const SUITE: CipherSuite = CipherSuite::MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519;

const NH: usize = 32;
const NK: usize = 16;
const NN: usize = 12;
const KEY_LEN: usize = 32;
const TAG_LEN: usize = 16;
const SIGNATURE_LEN: usize = 64;

/// The AEAD and HPKE tag: appended on seal, only its length is checked on
/// open, so a mutated ciphertext opens to the mutated plaintext.
const TAG: [u8; TAG_LEN] = [0xA7; TAG_LEN];
/// Every MAC. A fixed value makes every membership and confirmation tag
/// of the right length verify.
const MAC: [u8; NH] = [0x3C; NH];
/// The KEM output of every HPKE seal and export.
const KEM_OUTPUT: [u8; KEY_LEN] = [0xE5; KEY_LEN];

/// `len` bytes of SipHash (`DefaultHasher`, fixed keys) over the parts:
/// deterministic, so a run replays exactly from its input.
pub fn mix(parts: &[&[u8]], len: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(len.saturating_add(8));
    let mut block = 0u64;
    while out.len() < len {
        let mut h = DefaultHasher::new();
        block.hash(&mut h);
        for p in parts {
            p.hash(&mut h);
        }
        out.extend(h.finish().to_be_bytes());
        block = block.wrapping_add(1);
    }
    out.truncate(len);
    out
}

fn expect_len(what: &'static str, bytes: &[u8], len: usize) -> Result<(), CryptoError> {
    if bytes.len() == len {
        Ok(())
    } else {
        Err(CryptoError::InvalidLength {
            what,
            len: bytes.len(),
        })
    }
}

/// The bound a real HKDF and HPKE export put on output lengths.
fn expect_at_most(what: &'static str, len: usize) -> Result<(), CryptoError> {
    if len <= 255 * NH {
        Ok(())
    } else {
        Err(CryptoError::InvalidLength { what, len })
    }
}

/// The KEM public key of a private key: a function of it, as for a real
/// KEM, so the receiver of an export can recompute the sender's secret.
fn kem_public(private_key: &[u8]) -> Vec<u8> {
    mix(&[b"kem pk", private_key], KEY_LEN)
}

fn signature_public(private_key: &[u8]) -> Vec<u8> {
    mix(&[b"sig pk", private_key], KEY_LEN)
}

fn export(
    public_key: &[u8],
    info: &[u8],
    context: &[u8],
    len: usize,
) -> Result<Secret, CryptoError> {
    expect_at_most("HPKE export", len)?;
    Ok(Secret::new(mix(
        &[b"export", public_key, info, context],
        len,
    )))
}

fn strip_tag(ciphertext: &[u8]) -> Option<&[u8]> {
    let body_len = ciphertext.len().checked_sub(TAG_LEN)?;
    ciphertext.get(..body_len)
}

/// Suite 1's sizes with no security at all (see the module docs).
#[derive(Debug, Default)]
pub struct FuzzSuite;

impl CipherSuiteProvider for FuzzSuite {
    fn definition(&self) -> &CipherSuiteDefinition {
        &CipherSuiteDefinition::RFC9420[0]
    }
    fn hash_len(&self) -> usize {
        NH
    }
    fn aead_key_len(&self) -> usize {
        NK
    }
    fn aead_nonce_len(&self) -> usize {
        NN
    }
    fn kem_private_key_len(&self) -> usize {
        KEY_LEN
    }
    fn signature_private_key_len(&self) -> usize {
        KEY_LEN
    }

    fn hash(&self, data: &[u8]) -> Result<Vec<u8>, CryptoError> {
        Ok(mix(&[b"hash", data], NH))
    }
    fn mac(&self, _key: &[u8], _data: &[u8]) -> Result<Vec<u8>, CryptoError> {
        Ok(MAC.to_vec())
    }
    fn kdf_extract(&self, salt: &[u8], ikm: &[u8]) -> Result<Secret, CryptoError> {
        Ok(Secret::new(mix(&[b"extract", salt, ikm], NH)))
    }
    fn kdf_expand(&self, prk: &[u8], info: &[u8], len: usize) -> Result<Secret, CryptoError> {
        expect_len("HKDF PRK", prk, NH)?;
        expect_at_most("HKDF-Expand output", len)?;
        Ok(Secret::new(mix(&[b"expand", prk, info], len)))
    }

    fn aead_seal(
        &self,
        key: &[u8],
        nonce: &[u8],
        _aad: &[u8],
        plaintext: &[u8],
    ) -> Result<Vec<u8>, CryptoError> {
        expect_len("AEAD key", key, NK)?;
        expect_len("AEAD nonce", nonce, NN)?;
        let mut out = plaintext.to_vec();
        out.extend_from_slice(&TAG);
        Ok(out)
    }
    fn aead_open(
        &self,
        key: &[u8],
        nonce: &[u8],
        _aad: &[u8],
        ciphertext: &[u8],
    ) -> Result<Secret, CryptoError> {
        expect_len("AEAD key", key, NK)?;
        expect_len("AEAD nonce", nonce, NN)?;
        let body = strip_tag(ciphertext).ok_or(CryptoError::AeadOpenFailed)?;
        Ok(Secret::new(body.to_vec()))
    }

    fn hpke_seal(
        &self,
        public_key: &[u8],
        _info: &[u8],
        _aad: &[u8],
        plaintext: &[u8],
        _rand: &dyn RandProvider,
    ) -> Result<HpkeCiphertext, CryptoError> {
        expect_len("HPKE public key", public_key, KEY_LEN)?;
        let mut ciphertext = plaintext.to_vec();
        ciphertext.extend_from_slice(&TAG);
        Ok(HpkeCiphertext {
            kem_output: KEM_OUTPUT.to_vec(),
            ciphertext,
        })
    }
    fn hpke_open(
        &self,
        private_key: &HpkePrivateKey,
        kem_output: &[u8],
        _info: &[u8],
        _aad: &[u8],
        ciphertext: &[u8],
    ) -> Result<Secret, CryptoError> {
        expect_len("HPKE private key", private_key.as_bytes(), KEY_LEN)?;
        expect_len("HPKE kem_output", kem_output, KEY_LEN)?;
        let body = strip_tag(ciphertext).ok_or(CryptoError::HpkeOpenFailed)?;
        Ok(Secret::new(body.to_vec()))
    }
    fn hpke_export_to(
        &self,
        public_key: &[u8],
        info: &[u8],
        exporter_context: &[u8],
        len: usize,
        _rand: &dyn RandProvider,
    ) -> Result<HpkeExport, CryptoError> {
        expect_len("HPKE public key", public_key, KEY_LEN)?;
        Ok(HpkeExport {
            kem_output: KEM_OUTPUT.to_vec(),
            secret: export(public_key, info, exporter_context, len)?,
        })
    }
    fn hpke_export_from(
        &self,
        private_key: &HpkePrivateKey,
        kem_output: &[u8],
        info: &[u8],
        exporter_context: &[u8],
        len: usize,
    ) -> Result<Secret, CryptoError> {
        expect_len("HPKE private key", private_key.as_bytes(), KEY_LEN)?;
        expect_len("HPKE kem_output", kem_output, KEY_LEN)?;
        let public_key = kem_public(private_key.as_bytes());
        export(&public_key, info, exporter_context, len)
    }

    fn kem_derive_key_pair(&self, ikm: &[u8]) -> Result<(HpkePrivateKey, Vec<u8>), CryptoError> {
        let private_key = mix(&[b"kem sk", ikm], KEY_LEN);
        let public_key = kem_public(&private_key);
        Ok((HpkePrivateKey::new(private_key), public_key))
    }

    fn signature_key_pair_from_private(
        &self,
        private_key: &[u8],
    ) -> Result<(SignaturePrivateKey, Vec<u8>), CryptoError> {
        expect_len("signature private key", private_key, KEY_LEN)?;
        Ok((
            SignaturePrivateKey::from_slice(private_key),
            signature_public(private_key),
        ))
    }
    fn sign(
        &self,
        private_key: &SignaturePrivateKey,
        message: &[u8],
    ) -> Result<Vec<u8>, CryptoError> {
        let public_key = signature_public(private_key.as_bytes());
        Ok(mix(&[b"sig", &public_key, message], SIGNATURE_LEN))
    }
    fn verify(&self, _public_key: &[u8], _message: &[u8], _sig: &[u8]) -> Result<(), CryptoError> {
        Ok(())
    }
    fn signer(&self, private_key: &[u8]) -> Result<Box<dyn Signer>, CryptoError> {
        let (private_key, public_key) = self.signature_key_pair_from_private(private_key)?;
        Ok(Box::new(FuzzSigner {
            private_key,
            public_key,
        }))
    }
}

/// An in-memory signer of [`FuzzSuite`].
pub struct FuzzSigner {
    private_key: SignaturePrivateKey,
    public_key: Vec<u8>,
}

impl Signer for FuzzSigner {
    fn scheme(&self) -> mls_core::SignatureScheme {
        CipherSuiteDefinition::RFC9420[0].signature
    }
    fn public_key(&self) -> &[u8] {
        &self.public_key
    }
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, CryptoError> {
        FuzzSuite.sign(&self.private_key, message)
    }
}

/// The provider: [`FuzzSuite`] for suite 1, nothing else.
#[derive(Debug, Default)]
pub struct FuzzCrypto;

impl CryptoProvider for FuzzCrypto {
    fn name(&self) -> &'static str {
        "fuzzing (NOT SECURE)"
    }
    fn supported_cipher_suites(&self) -> Vec<CipherSuite> {
        vec![SUITE]
    }
    fn suite(&self, suite: CipherSuite) -> Option<&dyn CipherSuiteProvider> {
        (suite == SUITE).then_some(&FuzzSuite as &dyn CipherSuiteProvider)
    }
}

/// A counter-based randomness source: distinct bytes on every call, the
/// same sequence for the same seed, so a fuzz input replays exactly.
#[derive(Debug)]
pub struct FuzzRand {
    seed: u64,
    counter: AtomicU64,
}

impl FuzzRand {
    /// A source whose sequence is fixed by `seed`.
    pub fn new(seed: u64) -> Self {
        Self {
            seed,
            counter: AtomicU64::new(0),
        }
    }
}

impl RandProvider for FuzzRand {
    fn fill(&self, dest: &mut [u8]) -> Result<(), CryptoError> {
        let n = self.counter.fetch_add(1, Ordering::Relaxed);
        dest.copy_from_slice(&mix(
            &[b"rand", &self.seed.to_be_bytes(), &n.to_be_bytes()],
            dest.len(),
        ));
        Ok(())
    }
}
