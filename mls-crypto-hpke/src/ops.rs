use crate::adapter::{HpkeAdapter, HpkePrimitives};
use crate::dhkem;
use crate::rand::DrawnRandomness;
use crate::schedule::{InfoContext, Keys};
use crate::wholekem;
use hpke_rs::hpke_types::{AeadAlgorithm, KdfAlgorithm, KemAlgorithm};
use hpke_rs::{Hpke, HpkeError, Mode};
use mls_core::provider::{HpkeCiphertext, HpkeExport, HpkeRecipient, RandProvider, random_bytes};
use mls_core::secret::{HpkePrivateKey, Secret};
use mls_core::{Aead, CipherSuiteDefinition, CryptoError, Kdf, Kem};
use zeroize::Zeroizing;

/// The `hpke-rs` algorithm ids of an MLS suite.
pub fn hpke_ids(suite: CipherSuiteDefinition) -> (KemAlgorithm, KdfAlgorithm, AeadAlgorithm) {
    let kem = match suite.kem {
        Kem::DhKemP256 => KemAlgorithm::DhKemP256,
        Kem::DhKemP384 => KemAlgorithm::DhKemP384,
        Kem::DhKemP521 => KemAlgorithm::DhKemP521,
        Kem::DhKemX25519 => KemAlgorithm::DhKem25519,
        Kem::DhKemX448 => KemAlgorithm::DhKem448,
        Kem::XWingDraft06 => KemAlgorithm::XWingDraft06,
        Kem::MlKem768 => KemAlgorithm::MlKem768,
        Kem::MlKem1024 => KemAlgorithm::MlKem1024,
    };
    let kdf = match suite.kdf {
        Kdf::HkdfSha256 => KdfAlgorithm::HkdfSha256,
        Kdf::HkdfSha384 => KdfAlgorithm::HkdfSha384,
        Kdf::HkdfSha512 => KdfAlgorithm::HkdfSha512,
    };
    let aead = match suite.aead {
        Aead::Aes128Gcm => AeadAlgorithm::Aes128Gcm,
        Aead::Aes256Gcm => AeadAlgorithm::Aes256Gcm,
        Aead::ChaCha20Poly1305 => AeadAlgorithm::ChaCha20Poly1305,
    };
    (kem, kdf, aead)
}

pub(crate) fn hpke<P: HpkePrimitives>(
    suite: CipherSuiteDefinition,
    prng: DrawnRandomness,
) -> Hpke<HpkeAdapter<P>> {
    let (kem, kdf, aead) = hpke_ids(suite);
    Hpke::new_with_rng(Mode::Base, kem, kdf, aead, prng)
}

/// An `Hpke` that holds no randomness, for `DeriveKeyPair`: any draw from
/// it fails, so a path that should be deterministic cannot quietly consume
/// randomness.
pub(crate) fn without_randomness<P: HpkePrimitives>(
    suite: CipherSuiteDefinition,
) -> Hpke<HpkeAdapter<P>> {
    hpke::<P>(
        suite,
        DrawnRandomness::from_bytes(Zeroizing::new(Vec::new())),
    )
}

pub(crate) fn map_err(err: HpkeError) -> CryptoError {
    match err {
        HpkeError::OpenError => CryptoError::HpkeOpenFailed,
        HpkeError::InsufficientRandomness => {
            CryptoError::Rand("HPKE needed more randomness than was drawn".into())
        }
        HpkeError::CryptoError(msg) if msg.contains("public key") => {
            CryptoError::InvalidPublicKey("HPKE")
        }
        HpkeError::CryptoError(msg) if msg.contains("secret key") => {
            CryptoError::InvalidPrivateKey("HPKE")
        }
        other => CryptoError::Backend(other.to_string()),
    }
}

/// Left-pads NIST-curve private keys to Nsk: serialized scalars with a
/// leading zero byte dropped (as in some official vectors) are valid keys.
pub(crate) fn padded_private_key(kem: Kem, sk: &[u8]) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
    let nsk = kem.private_key_len();
    let nist = matches!(kem, Kem::DhKemP256 | Kem::DhKemP384 | Kem::DhKemP521);
    if sk.len() > nsk || (!nist && sk.len() != nsk) || sk.is_empty() {
        return Err(CryptoError::InvalidLength {
            what: "HPKE private key",
            len: sk.len(),
        });
    }
    let mut padded = Zeroizing::new(vec![0u8; nsk]);
    let start = nsk.saturating_sub(sk.len());
    padded
        .get_mut(start..)
        .ok_or(CryptoError::InvalidPrivateKey("HPKE"))?
        .copy_from_slice(sk);
    Ok(padded)
}

/// Nsk random bytes (the `ikm` of a DHKEM's ephemeral `DeriveKeyPair`), or
/// Nrand for a whole KEM's encapsulation.
fn ephemeral_ikm(kem: Kem, rand: &dyn RandProvider) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
    Ok(Zeroizing::new(random_bytes(
        rand,
        wholekem::encap_randomness_len(kem),
    )?))
}

/// `Encap(pkR)` with an ephemeral key drawn from `rand`: (shared secret, enc).
fn encap<P: HpkePrimitives>(
    suite: CipherSuiteDefinition,
    public_key: &[u8],
    rand: &dyn RandProvider,
) -> Result<(Zeroizing<Vec<u8>>, Vec<u8>), CryptoError> {
    let kem = suite.kem;
    let ikm = ephemeral_ikm(kem, rand)?;
    if !kem.is_dhkem() {
        return wholekem::encap::<P>(kem, public_key, &ikm);
    }
    dhkem::encap::<P>(kem, public_key, &ikm)
}

/// `SetupBaseS(pk, info)` with the info already hashed: the encapsulated
/// key and the context's keys.
fn setup_sender<'a, P: HpkePrimitives>(
    info: &'a InfoContext,
    suite: CipherSuiteDefinition,
    public_key: &[u8],
    rand: &dyn RandProvider,
) -> Result<(Vec<u8>, Keys<'a>), CryptoError> {
    let (shared, enc) = encap::<P>(suite, public_key, rand)?;
    Ok((enc, info.keys::<P>(&shared)?))
}

/// The KEM half of `SetupBaseR(enc, sk, info)`: the shared secret, for
/// [`InfoContext::keys`].
fn decap<P: HpkePrimitives>(
    suite: CipherSuiteDefinition,
    private_key: &HpkePrivateKey,
    kem_output: &[u8],
) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
    let kem = suite.kem;
    if !kem.is_dhkem() {
        return wholekem::decap::<P>(kem, kem_output, private_key.as_bytes());
    }
    let sk = padded_private_key(kem, private_key.as_bytes())?;
    dhkem::decap::<P>(kem, kem_output, &sk)
}

/// HPKE `SealBase(pk, info, aad, pt)`; the ephemeral key is
/// `DeriveKeyPair(rand(Nsk))`.
pub fn seal<P: HpkePrimitives>(
    suite: CipherSuiteDefinition,
    public_key: &[u8],
    info: &[u8],
    aad: &[u8],
    plaintext: &[u8],
    rand: &dyn RandProvider,
) -> Result<HpkeCiphertext, CryptoError> {
    let info = InfoContext::new::<P>(suite, info)?;
    seal_with_info::<P>(&info, suite, public_key, aad, plaintext, rand)
}

fn seal_with_info<P: HpkePrimitives>(
    info: &InfoContext,
    suite: CipherSuiteDefinition,
    public_key: &[u8],
    aad: &[u8],
    plaintext: &[u8],
    rand: &dyn RandProvider,
) -> Result<HpkeCiphertext, CryptoError> {
    let (kem_output, keys) = setup_sender::<P>(info, suite, public_key, rand)?;
    Ok(HpkeCiphertext {
        kem_output,
        ciphertext: keys.seal::<P>(aad, plaintext)?,
    })
}

/// `SealBase` of one `info` and `aad` to every recipient, in order: the
/// same bytes as one [`seal`] per recipient with its `rand`, but `info` is
/// hashed once rather than once per recipient.
pub fn seal_many<P: HpkePrimitives>(
    suite: CipherSuiteDefinition,
    info: &[u8],
    aad: &[u8],
    recipients: &[HpkeRecipient<'_>],
) -> Result<Vec<HpkeCiphertext>, CryptoError> {
    let context = InfoContext::new::<P>(suite, info)?;
    recipients
        .iter()
        .map(|r| seal_with_info::<P>(&context, suite, r.public_key, aad, r.plaintext, r.rand))
        .collect()
}

/// HPKE `OpenBase(enc, sk, info, aad, ct)`.
pub fn open<P: HpkePrimitives>(
    suite: CipherSuiteDefinition,
    private_key: &HpkePrivateKey,
    kem_output: &[u8],
    info: &[u8],
    aad: &[u8],
    ciphertext: &[u8],
) -> Result<Secret, CryptoError> {
    let shared = decap::<P>(suite, private_key, kem_output)?;
    let info = InfoContext::new::<P>(suite, info)?;
    let mut plaintext = info.keys::<P>(&shared)?.open::<P>(aad, ciphertext)?;
    Ok(Secret::new(std::mem::take(&mut *plaintext)))
}

/// RFC 9180 §5.3: `Export` is `LabeledExpand(.., L)` with `L <= 255 * Nh`.
fn check_export_len(suite: CipherSuiteDefinition, len: usize) -> Result<(), CryptoError> {
    if len > suite.kdf.hash_len().saturating_mul(255) {
        return Err(CryptoError::InvalidLength {
            what: "HPKE export",
            len,
        });
    }
    Ok(())
}

/// `SetupBaseS` then `Export(exporter_context, len)`.
pub fn export_to<P: HpkePrimitives>(
    suite: CipherSuiteDefinition,
    public_key: &[u8],
    info: &[u8],
    exporter_context: &[u8],
    len: usize,
    rand: &dyn RandProvider,
) -> Result<HpkeExport, CryptoError> {
    check_export_len(suite, len)?;
    let info = InfoContext::new::<P>(suite, info)?;
    let (kem_output, keys) = setup_sender::<P>(&info, suite, public_key, rand)?;
    let mut secret = keys.export::<P>(exporter_context, len)?;
    Ok(HpkeExport {
        kem_output,
        secret: Secret::new(std::mem::take(&mut *secret)),
    })
}

/// `SetupBaseR` then `Export(exporter_context, len)`.
pub fn export_from<P: HpkePrimitives>(
    suite: CipherSuiteDefinition,
    private_key: &HpkePrivateKey,
    kem_output: &[u8],
    info: &[u8],
    exporter_context: &[u8],
    len: usize,
) -> Result<Secret, CryptoError> {
    check_export_len(suite, len)?;
    let shared = decap::<P>(suite, private_key, kem_output)?;
    let info = InfoContext::new::<P>(suite, info)?;
    let mut secret = info
        .keys::<P>(&shared)?
        .export::<P>(exporter_context, len)?;
    Ok(Secret::new(std::mem::take(&mut *secret)))
}

/// A fresh key pair from `Nsk` uniformly random bytes: RFC 9180's
/// `GenerateKeyPair` (§4) with its randomness given, so a seeded run
/// repeats. Any `Nsk` bytes are an X25519 or X448 private key (RFC 7748
/// §5 clamps the scalar where it is used), so for those the bytes are the
/// key and `DeriveKeyPair`'s two HKDF steps are skipped; a NIST-curve
/// scalar must be below the group order, so those keys are derived
/// (§7.1.3's rejection sampling).
pub fn key_pair_from_random<P: HpkePrimitives>(
    suite: CipherSuiteDefinition,
    random: &[u8],
) -> Result<(HpkePrivateKey, Vec<u8>), CryptoError> {
    let kem = suite.kem;
    if !kem.is_dhkem() {
        // Any seed is a key; it is the key's stored form.
        return wholekem::key_pair_from_seed::<P>(kem, random);
    }
    if !dhkem::is_montgomery(kem) {
        return derive_key_pair::<P>(suite, random);
    }
    if random.len() != kem.private_key_len() {
        return Err(CryptoError::InvalidLength {
            what: "KEM private key randomness",
            len: random.len(),
        });
    }
    let public_key = P::public_key(kem, random)?;
    Ok((HpkePrivateKey::from_slice(random), public_key))
}

/// KEM `DeriveKeyPair(ikm)` (RFC 9180 §7.1.3): (private key, public key).
pub fn derive_key_pair<P: HpkePrimitives>(
    suite: CipherSuiteDefinition,
    ikm: &[u8],
) -> Result<(HpkePrivateKey, Vec<u8>), CryptoError> {
    if suite.kem == Kem::DhKemX448 {
        return dhkem::derive_x448_key_pair::<P>(ikm);
    }
    if !suite.kem.is_dhkem() {
        return wholekem::derive_key_pair::<P>(suite.kem, ikm);
    }
    let pair = without_randomness::<P>(suite)
        .derive_key_pair(ikm)
        .map_err(map_err)?;
    let (sk, pk) = pair.into_keys();
    Ok((
        HpkePrivateKey::from_slice(sk.as_slice()),
        pk.as_slice().to_vec(),
    ))
}
