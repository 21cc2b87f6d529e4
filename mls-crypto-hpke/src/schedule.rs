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
use mls_core::{CipherSuite, CryptoError};
use zeroize::Zeroizing;

const MODE_BASE: u8 = 0x00;

/// `suite_id = "HPKE" || I2OSP(kem_id, 2) || I2OSP(kdf_id, 2) || I2OSP(aead_id, 2)`.
fn suite_id(suite: CipherSuite) -> [u8; 10] {
    let [k0, k1] = (suite.kem() as u16).to_be_bytes();
    let [d0, d1] = (suite.kdf() as u16).to_be_bytes();
    let [a0, a1] = (suite.aead() as u16).to_be_bytes();
    [b'H', b'P', b'K', b'E', k0, k1, d0, d1, a0, a1]
}

/// `key_schedule_context = mode || psk_id_hash || info_hash` for one suite
/// and one `info`: everything of the key schedule that does not depend on
/// the KEM's shared secret.
pub(crate) struct InfoContext {
    suite: CipherSuite,
    suite_id: [u8; 10],
    context: Vec<u8>,
}

impl InfoContext {
    pub(crate) fn new<P: HpkePrimitives>(
        suite: CipherSuite,
        info: &[u8],
    ) -> Result<Self, CryptoError> {
        let suite_id = suite_id(suite);
        let l = Labeler {
            kdf: suite.kdf(),
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

    /// `KeySchedule` from the KEM's shared secret: the context's key, base
    /// nonce and exporter secret.
    pub(crate) fn keys<P: HpkePrimitives>(
        &self,
        shared_secret: &[u8],
    ) -> Result<Keys, CryptoError> {
        let l = Labeler {
            kdf: self.suite.kdf(),
            suite_id: &self.suite_id,
        };
        // `secret = LabeledExtract(shared_secret, "secret", psk)`, psk empty.
        let secret = l.extract::<P>(shared_secret, b"secret", &[])?;
        let aead = self.suite.aead();
        Ok(Keys {
            key: l.expand::<P>(&secret, b"key", &self.context, aead.key_len())?,
            base_nonce: l.expand::<P>(&secret, b"base_nonce", &self.context, aead.nonce_len())?,
            exporter_secret: l.expand::<P>(
                &secret,
                b"exp",
                &self.context,
                self.suite.kdf().hash_len(),
            )?,
            suite: self.suite,
            suite_id: self.suite_id,
        })
    }
}

/// An HPKE context used once: sequence number 0, so the nonce is the base
/// nonce (§5.2).
pub(crate) struct Keys {
    key: Zeroizing<Vec<u8>>,
    base_nonce: Zeroizing<Vec<u8>>,
    exporter_secret: Zeroizing<Vec<u8>>,
    suite: CipherSuite,
    suite_id: [u8; 10],
}

impl Keys {
    /// `Context.Seal(aad, pt)` at sequence number 0.
    pub(crate) fn seal<P: HpkePrimitives>(
        &self,
        aad: &[u8],
        plaintext: &[u8],
    ) -> Result<Vec<u8>, CryptoError> {
        P::aead_seal(
            self.suite.aead(),
            &self.key,
            &self.base_nonce,
            aad,
            plaintext,
        )
    }

    /// `Context.Open(aad, ct)` at sequence number 0.
    pub(crate) fn open<P: HpkePrimitives>(
        &self,
        aad: &[u8],
        ciphertext: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
        P::aead_open(
            self.suite.aead(),
            &self.key,
            &self.base_nonce,
            aad,
            ciphertext,
        )
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
        Labeler {
            kdf: self.suite.kdf(),
            suite_id: &self.suite_id,
        }
        .expand::<P>(&self.exporter_secret, b"sec", exporter_context, len)
    }
}
