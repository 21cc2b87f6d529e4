//! Running one check on every backend that offers a suite, and reporting
//! every failure with the backend and suite it happened on.

use interop::backends::{self, Backend};
use mls_core::provider::{CipherSuiteProvider, RandProvider};
use mls_core::{Aead, CipherSuite, CipherSuiteDefinition, CryptoError, Kdf, Kem, SignatureScheme};
use std::fmt;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Mutex, OnceLock};

/// Private suites signing with ML-DSA-44, -65 and -87 over DHKEM(P-384),
/// AES-256-GCM and SHA-384 (0xF0D0..0xF0D2): aws-lc has ML-DSA but no
/// post-quantum KEM, so these are where its ML-DSA meets every check, next
/// to RustCrypto's. No draft defines such suites.
pub(crate) const ML_DSA_PRIVATE: [CipherSuiteDefinition; 3] = [
    ml_dsa_private(0xf0d0, SignatureScheme::MlDsa44),
    ml_dsa_private(0xf0d1, SignatureScheme::MlDsa65),
    ml_dsa_private(0xf0d2, SignatureScheme::MlDsa87),
];

const fn ml_dsa_private(code: u16, signature: SignatureScheme) -> CipherSuiteDefinition {
    CipherSuiteDefinition::new(
        code,
        "DHKEMP384_AES256GCM_SHA384 with ML-DSA",
        Kem::DhKemP384,
        Kdf::HkdfSha384,
        Aead::Aes256Gcm,
        signature,
    )
}

/// Every suite the checks run on: the built-in ones and [`ML_DSA_PRIVATE`].
pub(crate) fn conformance_suites() -> impl Iterator<Item = CipherSuiteDefinition> {
    CipherSuiteDefinition::BUILT_IN
        .iter()
        .copied()
        .chain(ML_DSA_PRIVATE)
}

/// Every backend of the workspace, each offering every conformance suite
/// it implements, built once per test binary.
pub(crate) fn all_backends() -> &'static [Backend] {
    static ALL: OnceLock<Vec<Backend>> = OnceLock::new();
    ALL.get_or_init(|| {
        let suites: Vec<_> = conformance_suites().collect();
        backends::all_offering(&suites).expect("distinct code points")
    })
}

/// One backend's implementation of one suite: what every check receives.
pub(crate) struct Case<'a> {
    pub(crate) backend: &'static str,
    pub(crate) cs: CipherSuite,
    pub(crate) s: &'a dyn CipherSuiteProvider,
}

impl Case<'_> {
    /// The suite's algorithms as the backend's suite object reports them
    /// (a private suite has no built-in definition to look up).
    pub(crate) fn def(&self) -> &CipherSuiteDefinition {
        self.s.definition()
    }
}

impl fmt::Display for Case<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "backend {}, suite {}", self.backend, self.cs)
    }
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "(non-string panic payload)".to_string()
    }
}

/// Runs `check` on `cs` for every backend that offers it. A failing backend
/// does not hide the others: all failures are collected, each prefixed with
/// its backend and suite, and reported together.
pub(crate) fn run_suite(check: &str, cs: CipherSuite, f: impl Fn(&Case)) {
    let mut failures = Vec::new();
    let mut ran = Vec::new();
    for b in all_backends() {
        let Some(s) = b.provider.suite(cs) else {
            continue;
        };
        let case = Case {
            backend: b.name,
            cs,
            s,
        };
        ran.push(b.name);
        if let Err(payload) = catch_unwind(AssertUnwindSafe(|| f(&case))) {
            failures.push(format!("[{case}] {}", panic_message(&*payload)));
        }
    }
    assert!(
        failures.is_empty(),
        "{check} failed on {} of {} backend(s) offering {cs} ({}):\n{}",
        failures.len(),
        ran.len(),
        ran.join(", "),
        failures.join("\n")
    );
}

/// Runs `check` once per backend (provider-level properties).
pub(crate) fn run_backend(check: &str, f: impl Fn(&Backend)) {
    let mut failures = Vec::new();
    for b in all_backends() {
        if let Err(payload) = catch_unwind(AssertUnwindSafe(|| f(b))) {
            failures.push(format!("[backend {}] {}", b.name, panic_message(&*payload)));
        }
    }
    assert!(
        failures.is_empty(),
        "{check} failed:\n{}",
        failures.join("\n")
    );
}

/// Decodes hex test data (vectors are written as in their RFC).
pub(crate) fn h(s: &str) -> Vec<u8> {
    hex::decode(s).unwrap_or_else(|e| panic!("bad hex in test data ({e}): {s}"))
}

/// `bytes` with bit `bit` (0 = least significant bit of byte 0) flipped.
pub(crate) fn flip_bit(bytes: &[u8], bit: usize) -> Vec<u8> {
    let mut out = bytes.to_vec();
    out[bit / 8] ^= 1 << (bit % 8);
    out
}

/// A rand that hands out exactly the given bytes, then fails: it pins the
/// ephemeral `ikmE` of RFC 9180's vectors and proves HPKE draws nothing more.
pub(crate) struct Replay(Mutex<Vec<u8>>);

impl Replay {
    pub(crate) fn new(bytes: Vec<u8>) -> Self {
        Self(Mutex::new(bytes))
    }
}

impl RandProvider for Replay {
    fn fill(&self, dest: &mut [u8]) -> Result<(), CryptoError> {
        let mut left = self
            .0
            .lock()
            .map_err(|_| CryptoError::Rand("poisoned".into()))?;
        if left.len() < dest.len() {
            return Err(CryptoError::Rand("replayed bytes exhausted".into()));
        }
        let rest = left.split_off(dest.len());
        dest.copy_from_slice(&left);
        *left = rest;
        Ok(())
    }
}

/// Whether the suite's KEM is on a NIST curve (SEC1 points, scalars below
/// the group order) rather than a Montgomery curve.
pub(crate) fn nist_kem(c: &Case) -> bool {
    match c.def().kem {
        Kem::DhKemP256 | Kem::DhKemP384 | Kem::DhKemP521 => true,
        Kem::DhKemX25519 | Kem::DhKemX448 | Kem::XWingDraft06 | Kem::MlKem768 | Kem::MlKem1024 => {
            false
        }
    }
}

/// Whether the suite signs with ECDSA (rather than EdDSA).
pub(crate) fn ecdsa(c: &Case) -> bool {
    use mls_core::SignatureScheme as S;
    match c.def().signature {
        S::EcdsaSecp256r1Sha256 | S::EcdsaSecp384r1Sha384 | S::EcdsaSecp521r1Sha512 => true,
        S::Ed25519 | S::Ed448 | S::MlDsa44 | S::MlDsa65 | S::MlDsa87 => false,
    }
}

/// Whether the suite signs with ECDSA on its KEM's curve, so a KEM private
/// key is also a signature private key (every RFC 9420 NIST suite).
pub(crate) fn ecdsa_on_the_kem_curve(c: &Case) -> bool {
    use SignatureScheme as S;
    matches!(
        (c.def().kem, c.def().signature),
        (Kem::DhKemP256, S::EcdsaSecp256r1Sha256)
            | (Kem::DhKemP384, S::EcdsaSecp384r1Sha384)
            | (Kem::DhKemP521, S::EcdsaSecp521r1Sha512)
    )
}
