use crate::adapter::{HpkeAdapter, HpkePrimitives};
use crate::rand::DrawnRandomness;
use crate::x448;
use hpke_rs::hpke_types::{AeadAlgorithm, KdfAlgorithm, KemAlgorithm};
use hpke_rs::{Context, Hpke, HpkeError, HpkePrivateKey as RsPrivateKey, HpkePublicKey, Mode};
use mls_core::provider::{HpkeCiphertext, HpkeExport, RandProvider, random_bytes};
use mls_core::secret::{HpkePrivateKey, Secret};
use mls_core::{Aead, CipherSuite, CryptoError, Kdf, Kem};
use zeroize::Zeroizing;

/// The `hpke-rs` algorithm ids of an MLS suite.
pub fn hpke_ids(suite: CipherSuite) -> (KemAlgorithm, KdfAlgorithm, AeadAlgorithm) {
    let kem = match suite.kem() {
        Kem::DhKemP256 => KemAlgorithm::DhKemP256,
        Kem::DhKemP384 => KemAlgorithm::DhKemP384,
        Kem::DhKemP521 => KemAlgorithm::DhKemP521,
        Kem::DhKemX25519 => KemAlgorithm::DhKem25519,
        Kem::DhKemX448 => KemAlgorithm::DhKem448,
    };
    let kdf = match suite.kdf() {
        Kdf::HkdfSha256 => KdfAlgorithm::HkdfSha256,
        Kdf::HkdfSha384 => KdfAlgorithm::HkdfSha384,
        Kdf::HkdfSha512 => KdfAlgorithm::HkdfSha512,
    };
    let aead = match suite.aead() {
        Aead::Aes128Gcm => AeadAlgorithm::Aes128Gcm,
        Aead::Aes256Gcm => AeadAlgorithm::Aes256Gcm,
        Aead::ChaCha20Poly1305 => AeadAlgorithm::ChaCha20Poly1305,
    };
    (kem, kdf, aead)
}

fn hpke<P: HpkePrimitives>(suite: CipherSuite, prng: DrawnRandomness) -> Hpke<HpkeAdapter<P>> {
    let (kem, kdf, aead) = hpke_ids(suite);
    Hpke::new_with_rng(Mode::Base, kem, kdf, aead, prng)
}

/// An `Hpke` that holds no randomness: for the receiving side, the key
/// schedule after our own X448 encapsulation, and `DeriveKeyPair`. Any draw
/// from it fails, so a path that should be deterministic cannot quietly
/// consume randomness.
fn without_randomness<P: HpkePrimitives>(suite: CipherSuite) -> Hpke<HpkeAdapter<P>> {
    hpke::<P>(
        suite,
        DrawnRandomness::from_bytes(Zeroizing::new(Vec::new())),
    )
}

fn map_err(err: HpkeError) -> CryptoError {
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
fn rs_private_key(kem: Kem, sk: &[u8]) -> Result<RsPrivateKey, CryptoError> {
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
    Ok(RsPrivateKey::new(padded.to_vec()))
}

/// Nsk random bytes: the `ikm` of the ephemeral `DeriveKeyPair`.
fn ephemeral_ikm(kem: Kem, rand: &dyn RandProvider) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
    Ok(Zeroizing::new(random_bytes(rand, kem.private_key_len())?))
}

/// `SetupBaseS(pk, info)`: the encapsulated key and the sender context.
fn setup_sender<P: HpkePrimitives>(
    suite: CipherSuite,
    public_key: &[u8],
    info: &[u8],
    rand: &dyn RandProvider,
) -> Result<(Vec<u8>, Context<HpkeAdapter<P>>), CryptoError> {
    let kem = suite.kem();
    let ikm = ephemeral_ikm(kem, rand)?;
    if kem == Kem::DhKemX448 {
        let (shared, enc) = x448::encap::<P>(public_key, &ikm)?;
        let ctx = without_randomness::<P>(suite)
            .key_schedule(&shared, info, &[], &[])
            .map_err(map_err)?;
        Ok((enc, ctx))
    } else {
        let mut hpke = hpke::<P>(suite, DrawnRandomness::from_bytes(ikm));
        hpke.setup_sender(
            &HpkePublicKey::new(public_key.to_vec()),
            info,
            None,
            None,
            None,
        )
        .map_err(map_err)
    }
}

/// `SetupBaseR(enc, sk, info)`: the receiver context.
fn setup_receiver<P: HpkePrimitives>(
    suite: CipherSuite,
    private_key: &HpkePrivateKey,
    kem_output: &[u8],
    info: &[u8],
) -> Result<Context<HpkeAdapter<P>>, CryptoError> {
    let kem = suite.kem();
    let sk = rs_private_key(kem, private_key.as_bytes())?;
    let hpke = without_randomness::<P>(suite);
    if kem == Kem::DhKemX448 {
        let shared = x448::decap::<P>(kem_output, sk.as_slice())?;
        hpke.key_schedule(&shared, info, &[], &[]).map_err(map_err)
    } else {
        hpke.setup_receiver(kem_output, &sk, info, None, None, None)
            .map_err(map_err)
    }
}

/// HPKE `SealBase(pk, info, aad, pt)`; the ephemeral key is
/// `DeriveKeyPair(rand(Nsk))`.
pub fn seal<P: HpkePrimitives>(
    suite: CipherSuite,
    public_key: &[u8],
    info: &[u8],
    aad: &[u8],
    plaintext: &[u8],
    rand: &dyn RandProvider,
) -> Result<HpkeCiphertext, CryptoError> {
    let (kem_output, mut ctx) = setup_sender::<P>(suite, public_key, info, rand)?;
    let ciphertext = ctx.seal(aad, plaintext).map_err(map_err)?;
    Ok(HpkeCiphertext {
        kem_output,
        ciphertext,
    })
}

/// HPKE `OpenBase(enc, sk, info, aad, ct)`.
pub fn open<P: HpkePrimitives>(
    suite: CipherSuite,
    private_key: &HpkePrivateKey,
    kem_output: &[u8],
    info: &[u8],
    aad: &[u8],
    ciphertext: &[u8],
) -> Result<Secret, CryptoError> {
    let mut ctx = setup_receiver::<P>(suite, private_key, kem_output, info)?;
    Ok(Secret::new(ctx.open(aad, ciphertext).map_err(map_err)?))
}

/// RFC 9180 §5.3: `Export` is `LabeledExpand(.., L)` with `L <= 255 * Nh`.
/// Checked here so the error is typed rather than a string from hpke-rs.
fn check_export_len(suite: CipherSuite, len: usize) -> Result<(), CryptoError> {
    if len > suite.kdf().hash_len().saturating_mul(255) {
        return Err(CryptoError::InvalidLength {
            what: "HPKE export",
            len,
        });
    }
    Ok(())
}

/// `SetupBaseS` then `Export(exporter_context, len)`.
pub fn export_to<P: HpkePrimitives>(
    suite: CipherSuite,
    public_key: &[u8],
    info: &[u8],
    exporter_context: &[u8],
    len: usize,
    rand: &dyn RandProvider,
) -> Result<HpkeExport, CryptoError> {
    check_export_len(suite, len)?;
    let (kem_output, ctx) = setup_sender::<P>(suite, public_key, info, rand)?;
    let secret = Secret::new(ctx.export(exporter_context, len).map_err(map_err)?);
    Ok(HpkeExport { kem_output, secret })
}

/// `SetupBaseR` then `Export(exporter_context, len)`.
pub fn export_from<P: HpkePrimitives>(
    suite: CipherSuite,
    private_key: &HpkePrivateKey,
    kem_output: &[u8],
    info: &[u8],
    exporter_context: &[u8],
    len: usize,
) -> Result<Secret, CryptoError> {
    check_export_len(suite, len)?;
    let ctx = setup_receiver::<P>(suite, private_key, kem_output, info)?;
    Ok(Secret::new(
        ctx.export(exporter_context, len).map_err(map_err)?,
    ))
}

/// KEM `DeriveKeyPair(ikm)` (RFC 9180 §7.1.3): (private key, public key).
pub fn derive_key_pair<P: HpkePrimitives>(
    suite: CipherSuite,
    ikm: &[u8],
) -> Result<(HpkePrivateKey, Vec<u8>), CryptoError> {
    if suite.kem() == Kem::DhKemX448 {
        return x448::derive_key_pair::<P>(ikm);
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
