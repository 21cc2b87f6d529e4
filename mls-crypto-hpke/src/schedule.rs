//! The base-mode key schedule and single-shot use of its context
//! (RFC 9180 §5.1–§5.3), for the one mode MLS uses: `mode_base`, no PSK.
//!
//! Hand-written because `hpke-rs` 0.8 hashes `info` inside every
//! `setup_sender`, and a Welcome seals the same `info` (the EncryptContext
//! around the encrypted GroupInfo, megabytes at 10,000 members; RFC 9420
//! §12.4.3.1) to every joiner: with `hpke-rs` that is O(N²) work for N
//! joiners. [`InfoContext`] hashes it once. The backends' tests check the
//! output against `hpke-rs` byte for byte.

use crate::adapter::HpkePrimitives;
use crate::labeled::Labeler;
use mls_core::{CipherSuiteDefinition, CryptoError};
use zeroize::Zeroizing;

const MODE_BASE: u8 = 0x00;

/// `suite_id = "HPKE" || I2OSP(kem_id, 2) || I2OSP(kdf_id, 2) || I2OSP(aead_id, 2)`.
fn suite_id(suite: CipherSuiteDefinition) -> [u8; 10] {
    let [k0, k1] = (suite.kem as u16).to_be_bytes();
    let [d0, d1] = (suite.kdf as u16).to_be_bytes();
    let [a0, a1] = (suite.aead as u16).to_be_bytes();
    [b'H', b'P', b'K', b'E', k0, k1, d0, d1, a0, a1]
}

/// `key_schedule_context = mode || psk_id_hash || info_hash` for one suite
/// and one `info`: everything of the key schedule that does not depend on
/// the KEM's shared secret.
pub(crate) struct InfoContext {
    suite: CipherSuiteDefinition,
    suite_id: [u8; 10],
    context: Vec<u8>,
}

impl InfoContext {
    pub(crate) fn new<P: HpkePrimitives>(
        suite: CipherSuiteDefinition,
        info: &[u8],
    ) -> Result<Self, CryptoError> {
        let suite_id = suite_id(suite);
        let l = Labeler {
            kdf: suite.kdf,
            suite_id: &suite_id,
        };
        let psk_id_hash = l.extract::<P>(&[], b"psk_id_hash", &[])?;
        let info_hash = l.extract::<P>(&[], b"info_hash", info)?;
        let mut context = Vec::with_capacity(
            1usize
                .saturating_add(psk_id_hash.len())
                .saturating_add(info_hash.len()),
        );
        context.push(MODE_BASE);
        context.extend_from_slice(&psk_id_hash);
        context.extend_from_slice(&info_hash);
        Ok(Self {
            suite,
            suite_id,
            context,
        })
    }

    /// `KeySchedule` from the KEM's shared secret, as far as its `secret`:
    /// what is expanded from it depends on the use (a seal needs no
    /// exporter secret, an export no AEAD key), and [`Keys`] expands only
    /// that.
    pub(crate) fn keys<P: HpkePrimitives>(
        &self,
        shared_secret: &[u8],
    ) -> Result<Keys<'_>, CryptoError> {
        // `secret = LabeledExtract(shared_secret, "secret", psk)`, psk empty.
        let secret = self.labeler().extract::<P>(shared_secret, b"secret", &[])?;
        Ok(Keys { info: self, secret })
    }

    fn labeler(&self) -> Labeler<'_> {
        Labeler {
            kdf: self.suite.kdf,
            suite_id: &self.suite_id,
        }
    }
}

/// An AEAD key and nonce.
type KeyNonce = (Zeroizing<Vec<u8>>, Zeroizing<Vec<u8>>);

/// An HPKE context used once: sequence number 0, so the nonce is the base
/// nonce (§5.2).
pub(crate) struct Keys<'a> {
    info: &'a InfoContext,
    secret: Zeroizing<Vec<u8>>,
}

impl Keys<'_> {
    /// `LabeledExpand(secret, label, key_schedule_context, len)`.
    fn expand<P: HpkePrimitives>(
        &self,
        label: &[u8],
        len: usize,
    ) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
        self.info
            .labeler()
            .expand::<P>(&self.secret, label, &self.info.context, len)
    }

    /// The AEAD key and base nonce.
    fn aead_key_nonce<P: HpkePrimitives>(&self) -> Result<KeyNonce, CryptoError> {
        let aead = self.info.suite.aead;
        Ok((
            self.expand::<P>(b"key", aead.key_len())?,
            self.expand::<P>(b"base_nonce", aead.nonce_len())?,
        ))
    }

    /// `Context.Seal(aad, pt)` at sequence number 0.
    pub(crate) fn seal<P: HpkePrimitives>(
        &self,
        aad: &[u8],
        plaintext: &[u8],
    ) -> Result<Vec<u8>, CryptoError> {
        let (key, nonce) = self.aead_key_nonce::<P>()?;
        P::aead_seal(self.info.suite.aead, &key, &nonce, aad, plaintext)
    }

    /// `Context.Open(aad, ct)` at sequence number 0.
    pub(crate) fn open<P: HpkePrimitives>(
        &self,
        aad: &[u8],
        ciphertext: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
        let (key, nonce) = self.aead_key_nonce::<P>()?;
        P::aead_open(self.info.suite.aead, &key, &nonce, aad, ciphertext)
            .map(Zeroizing::new)
            .map_err(|_| CryptoError::HpkeOpenFailed)
    }

    /// `Context.Export(exporter_context, L) = LabeledExpand(exporter_secret,
    /// "sec", exporter_context, L)` (§5.3).
    pub(crate) fn export<P: HpkePrimitives>(
        &self,
        exporter_context: &[u8],
        len: usize,
    ) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
        let exporter_secret = self.expand::<P>(b"exp", self.info.suite.kdf.hash_len())?;
        self.info
            .labeler()
            .expand::<P>(&exporter_secret, b"sec", exporter_context, len)
    }
}
