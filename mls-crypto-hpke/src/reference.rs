//! HPKE through `hpke-rs`' own KEM and key schedule: the oracle the
//! backends' tests hold [`crate::seal`], [`crate::seal_many`] and
//! [`crate::open`] to, byte for byte. Not for production use: it is the
//! slower path this crate replaced (the crate docs say why).

use crate::adapter::{HpkeAdapter, HpkePrimitives};
use crate::dhkem;
use crate::ops::{hpke, map_err, padded_private_key, without_randomness};
use crate::rand::DrawnRandomness;
use hpke_rs::{Context, HpkePrivateKey as RsPrivateKey, HpkePublicKey};
use mls_core::provider::{HpkeCiphertext, HpkeExport, HpkeRecipient, RandProvider, random_bytes};
use mls_core::secret::{HpkePrivateKey, Secret};
use mls_core::{CipherSuiteDefinition, CryptoError, Kem};
use zeroize::Zeroizing;

fn setup_sender<P: HpkePrimitives>(
    suite: CipherSuiteDefinition,
    public_key: &[u8],
    info: &[u8],
    rand: &dyn RandProvider,
) -> Result<(Vec<u8>, Context<HpkeAdapter<P>>), CryptoError> {
    let kem = suite.kem;
    let ikm = Zeroizing::new(random_bytes(rand, kem.private_key_len())?);
    if kem == Kem::DhKemX448 {
        // hpke-rs has no X448 DeriveKeyPair: only its key schedule is checked.
        let (shared, enc) = dhkem::encap::<P>(kem, public_key, &ikm)?;
        let ctx = without_randomness::<P>(suite)
            .key_schedule(&shared, info, &[], &[])
            .map_err(map_err)?;
        Ok((enc, ctx))
    } else {
        hpke::<P>(suite, DrawnRandomness::from_bytes(ikm))
            .setup_sender(
                &HpkePublicKey::new(public_key.to_vec()),
                info,
                None,
                None,
                None,
            )
            .map_err(map_err)
    }
}

/// `SealBase` through `hpke-rs`.
pub fn seal<P: HpkePrimitives>(
    suite: CipherSuiteDefinition,
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

/// `OpenBase` through `hpke-rs`.
pub fn open<P: HpkePrimitives>(
    suite: CipherSuiteDefinition,
    private_key: &HpkePrivateKey,
    kem_output: &[u8],
    info: &[u8],
    aad: &[u8],
    ciphertext: &[u8],
) -> Result<Secret, CryptoError> {
    let kem = suite.kem;
    let sk = padded_private_key(kem, private_key.as_bytes())?;
    let hpke = without_randomness::<P>(suite);
    let mut ctx = if kem == Kem::DhKemX448 {
        let shared = dhkem::decap::<P>(kem, kem_output, &sk)?;
        hpke.key_schedule(&shared, info, &[], &[])
            .map_err(map_err)?
    } else {
        hpke.setup_receiver(
            kem_output,
            &RsPrivateKey::new(sk.to_vec()),
            info,
            None,
            None,
            None,
        )
        .map_err(map_err)?
    };
    Ok(Secret::new(ctx.open(aad, ciphertext).map_err(map_err)?))
}

/// `SetupBaseS` then `Export` through `hpke-rs`.
pub fn export_to<P: HpkePrimitives>(
    suite: CipherSuiteDefinition,
    public_key: &[u8],
    info: &[u8],
    exporter_context: &[u8],
    len: usize,
    rand: &dyn RandProvider,
) -> Result<HpkeExport, CryptoError> {
    let (kem_output, ctx) = setup_sender::<P>(suite, public_key, info, rand)?;
    let secret = Secret::new(ctx.export(exporter_context, len).map_err(map_err)?);
    Ok(HpkeExport { kem_output, secret })
}

/// A deterministic rand for the checks: byte `i` of the stream is
/// `seed + i` (mod 256). Never use outside tests.
struct Counter {
    next: std::sync::Mutex<u8>,
}

impl Counter {
    fn new(seed: u8) -> Self {
        Self {
            next: std::sync::Mutex::new(seed),
        }
    }
}

impl RandProvider for Counter {
    fn fill(&self, dest: &mut [u8]) -> Result<(), CryptoError> {
        let mut next = self
            .next
            .lock()
            .map_err(|_| CryptoError::Rand("test rand poisoned".into()))?;
        for b in dest {
            *b = *next;
            *next = next.wrapping_add(1);
        }
        Ok(())
    }
}

fn differ(what: &str, suite: CipherSuiteDefinition) -> String {
    format!("{what} differs from hpke-rs on {}", suite.suite)
}

/// Checks [`crate::seal`], [`crate::seal_many`], [`crate::open`],
/// [`crate::export_to`] and [`crate::export_from`] against `hpke-rs` on
/// every suite of `suites` whose KEM the backend `P` implements: the same
/// bytes from the same randomness, and each side opens the other's
/// ciphertexts. `Err` says what differed. For the backends' tests.
pub fn check_against_hpke_rs<P: HpkePrimitives>(
    suites: &[CipherSuiteDefinition],
) -> Result<(), String> {
    let big_info: Vec<u8> = (0..100_000u32).map(|i| (i % 251) as u8).collect();
    let cases: [(&[u8], &[u8], &[u8]); 3] = [
        (b"", b"", b"secret"),
        (b"MLS 1.0 Welcome", b"aad", &[7u8; 100]),
        (&big_info, b"", b"group secrets"),
    ];
    for &suite in suites.iter().filter(|s| P::supports_kem(s.kem)) {
        let e = |err: CryptoError| format!("{suite:?}: {err}");
        let keys: Vec<(HpkePrivateKey, Vec<u8>)> = (0..3u8)
            .map(|i| crate::derive_key_pair::<P>(suite, &vec![i; suite.kem.private_key_len()]))
            .collect::<Result<_, _>>()
            .map_err(e)?;
        for (info, aad, plaintext) in cases {
            let ours = crate::seal::<P>(suite, &keys[0].1, info, aad, plaintext, &Counter::new(1))
                .map_err(e)?;
            let theirs =
                seal::<P>(suite, &keys[0].1, info, aad, plaintext, &Counter::new(1)).map_err(e)?;
            if ours != theirs {
                return Err(differ("seal", suite));
            }
            let opened = open::<P>(
                suite,
                &keys[0].0,
                &ours.kem_output,
                info,
                aad,
                &ours.ciphertext,
            )
            .map_err(e)?;
            let reopened = crate::open::<P>(
                suite,
                &keys[0].0,
                &theirs.kem_output,
                info,
                aad,
                &theirs.ciphertext,
            )
            .map_err(e)?;
            if opened.as_bytes() != plaintext || reopened.as_bytes() != plaintext {
                return Err(differ("open", suite));
            }
            let rands: Vec<Counter> = (0..3u8).map(|i| Counter::new(i.wrapping_mul(40))).collect();
            let recipients: Vec<HpkeRecipient<'_>> = keys
                .iter()
                .zip(&rands)
                .map(|((_, pk), rand)| HpkeRecipient {
                    public_key: pk,
                    plaintext,
                    rand,
                })
                .collect();
            let many = crate::seal_many::<P>(suite, info, aad, &recipients).map_err(e)?;
            let one_by_one: Vec<HpkeCiphertext> = keys
                .iter()
                .enumerate()
                .map(|(i, (_, pk))| {
                    let seed = u8::try_from(i).unwrap_or(0).wrapping_mul(40);
                    seal::<P>(suite, pk, info, aad, plaintext, &Counter::new(seed))
                })
                .collect::<Result<_, _>>()
                .map_err(e)?;
            if many != one_by_one {
                return Err(differ("seal_many", suite));
            }
            let exported =
                crate::export_to::<P>(suite, &keys[1].1, info, aad, 42, &Counter::new(9))
                    .map_err(e)?;
            let expected =
                export_to::<P>(suite, &keys[1].1, info, aad, 42, &Counter::new(9)).map_err(e)?;
            let received =
                crate::export_from::<P>(suite, &keys[1].0, &exported.kem_output, info, aad, 42)
                    .map_err(e)?;
            if exported.kem_output != expected.kem_output
                || exported.secret.as_bytes() != expected.secret.as_bytes()
                || received.as_bytes() != expected.secret.as_bytes()
            {
                return Err(differ("export", suite));
            }
        }
    }
    Ok(())
}
