//! The cipher suites of RFC 9420 §17.1 and the algorithms each is made of.
//!
//! A suite is two things kept apart on purpose:
//!
//! * [`CipherSuite`], the 16-bit code point that goes on the wire (§5.1).
//!   Any value decodes; whether the group can use it is decided by the crypto
//!   provider, which either has a suite object for it or does not.
//! * [`CipherSuiteDefinition`], the data that says which KEM, KDF, AEAD and
//!   signature scheme a code point stands for, and where the code point comes
//!   from ([`Registration`]). Backends build their suite objects from a
//!   definition's algorithms, never from the code point, so a deployment can
//!   give a suite another code point ([`CipherSuiteDefinition::with_code_point`])
//!   without touching protocol code.

use crate::error::Unsupported;
use std::fmt;

/// An MLS cipher suite's code point (RFC 9420 §5.1, registry in §17.1).
///
/// The constants are the suites RFC 9420 registers. Any other value is a
/// code point too: a provider built with a [`CipherSuiteDefinition`] for it
/// offers it, every other provider refuses it with
/// [`Unsupported::CipherSuiteNotProvided`](crate::error::Unsupported).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CipherSuite(u16);

#[allow(non_upper_case_globals)]
impl CipherSuite {
    /// 0x0001: DHKEM(X25519), AES-128-GCM, SHA-256, Ed25519.
    pub const MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519: Self = Self(0x0001);
    /// 0x0002: DHKEM(P-256), AES-128-GCM, SHA-256, ECDSA P-256.
    pub const MLS_128_DHKEMP256_AES128GCM_SHA256_P256: Self = Self(0x0002);
    /// 0x0003: DHKEM(X25519), ChaCha20-Poly1305, SHA-256, Ed25519.
    pub const MLS_128_DHKEMX25519_CHACHA20POLY1305_SHA256_Ed25519: Self = Self(0x0003);
    /// 0x0004: DHKEM(X448), AES-256-GCM, SHA-512, Ed448.
    pub const MLS_256_DHKEMX448_AES256GCM_SHA512_Ed448: Self = Self(0x0004);
    /// 0x0005: DHKEM(P-521), AES-256-GCM, SHA-512, ECDSA P-521.
    pub const MLS_256_DHKEMP521_AES256GCM_SHA512_P521: Self = Self(0x0005);
    /// 0x0006: DHKEM(X448), ChaCha20-Poly1305, SHA-512, Ed448.
    pub const MLS_256_DHKEMX448_CHACHA20POLY1305_SHA512_Ed448: Self = Self(0x0006);
    /// 0x0007: DHKEM(P-384), AES-256-GCM, SHA-384, ECDSA P-384.
    pub const MLS_256_DHKEMP384_AES256GCM_SHA384_P384: Self = Self(0x0007);
    /// 0x004D, **not IANA-registered**: X-Wing (ML-KEM-768 and X25519),
    /// ChaCha20-Poly1305, SHA-256, Ed25519, as OpenMLS 0.9 defines it
    /// ([`CipherSuiteDefinition::PROVISIONAL`]).
    pub const MLS_256_XWING_CHACHA20POLY1305_SHA256_Ed25519: Self = Self(0x004d);
    /// 0x004E, **not IANA-registered**: X-Wing, AES-256-GCM, SHA-384,
    /// Ed25519: draft-ietf-mls-pq-ciphersuites' TBD2 as OpenMLS 0.9 numbers
    /// it ([`CipherSuiteDefinition::PROVISIONAL`]).
    pub const MLS_128_MLKEM768X25519_AES256GCM_SHA384_Ed25519: Self = Self(0x004e);
    /// 0x004F, **not IANA-registered**: X-Wing, AES-128-GCM, SHA-256,
    /// Ed25519: draft-ietf-mls-pq-ciphersuites' TBD1 as OpenMLS 0.9 numbers
    /// it ([`CipherSuiteDefinition::PROVISIONAL`]).
    pub const MLS_128_MLKEM768X25519_AES128GCM_SHA256_Ed25519: Self = Self(0x004f);
    /// 0x0050, **not IANA-registered**: ML-KEM-768, AES-256-GCM, SHA-384,
    /// ECDSA P-256: the draft's TBD7 as OpenMLS 0.9 numbers it.
    pub const MLS_128_MLKEM768_AES256GCM_SHA384_P256: Self = Self(0x0050);
    /// 0x0042, **not IANA-registered**: ML-KEM-1024, AES-256-GCM, SHA-384,
    /// ECDSA P-384: the draft's TBD8 as OpenMLS 0.9 numbers it.
    pub const MLS_192_MLKEM1024_AES256GCM_SHA384_P384: Self = Self(0x0042);
    /// 0xF042 (private-use range): ML-KEM-768, AES-256-GCM, SHA-384,
    /// Ed25519: the draft's TBD6 as OpenMLS 0.9 numbers it.
    pub const MLS_128_MLKEM768_AES256GCM_SHA384_Ed25519: Self = Self(0xf042);
    /// 0x0051, **not IANA-registered**: ML-KEM-768, AES-256-GCM, SHA-384,
    /// ML-DSA-65: the draft's TBD10 as OpenMLS 0.9 numbers it.
    pub const MLS_192_MLKEM768_AES256GCM_SHA384_MLDSA65: Self = Self(0x0051);
    /// 0x0052, **not IANA-registered**: X-Wing, ChaCha20-Poly1305, SHA-384,
    /// ML-DSA-44: the draft's TBD9 as OpenMLS 0.9 numbers it.
    pub const MLS_128_MLKEM768X25519_CHACHA20POLY1305_SHA384_MLDSA44: Self = Self(0x0052);
    /// 0x0906, **not IANA-registered**: ML-KEM-1024, AES-256-GCM, SHA-512,
    /// ML-DSA-87: OpenMLS 0.9's own suite.
    pub const MLS_256_MLKEM1024_AES256GCM_SHA512_MLDSA87: Self = Self(0x0906);
    /// 0x0907, **not IANA-registered**: ML-KEM-1024, AES-256-GCM, SHA-384,
    /// ML-DSA-87: the draft's TBD11 as OpenMLS 0.9 numbers it.
    pub const MLS_256_MLKEM1024_AES256GCM_SHA384_MLDSA87: Self = Self(0x0907);
}

/// HPKE KEM identifiers (RFC 9180 §7.1) used by MLS suites.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u16)]
pub enum Kem {
    /// DHKEM(P-256, HKDF-SHA256).
    DhKemP256 = 0x0010,
    /// DHKEM(P-384, HKDF-SHA384).
    DhKemP384 = 0x0011,
    /// DHKEM(P-521, HKDF-SHA512).
    DhKemP521 = 0x0012,
    /// DHKEM(X25519, HKDF-SHA256).
    DhKemX25519 = 0x0020,
    /// DHKEM(X448, HKDF-SHA512).
    DhKemX448 = 0x0021,
    /// X-Wing (ML-KEM-768 and X25519, draft-connolly-cfrg-xwing-kem-06)
    /// under its HPKE KEM id 0x647A, which enters HPKE's `suite_id`: what
    /// OpenMLS 0.9's providers use for every X-Wing suite (they map their
    /// `XWingKemDraft6` to `hpke-rs` 0.7's `XWingDraft06`, 0x647A, not to
    /// the obsolete 0x004D; a group with OpenMLS members on 0x004E proves
    /// it, `bench-peers interop-pq`). Its `DeriveKeyPair` is theirs too:
    /// the private key is `SHAKE256(ikm, 32)`, unlabeled, where the HPKE-PQ
    /// draft labels the input and so gives other keys.
    XWingDraft06 = 0x647A,
    /// ML-KEM-768 (FIPS 203), HPKE KEM id 0x0041. The private key is the
    /// 64-byte seed `d || z`; `DeriveKeyPair` is OpenMLS 0.9's (`hpke-rs`
    /// 0.7): the seed is `SHAKE256(ikm, 64)`, unlabeled.
    MlKem768 = 0x0041,
    /// ML-KEM-1024 (FIPS 203), HPKE KEM id 0x0042, keys as [`Kem::MlKem768`].
    MlKem1024 = 0x0042,
}

/// HPKE KDF identifiers (RFC 9180 §7.2); also the suite's hash.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u16)]
pub enum Kdf {
    /// HKDF-SHA256.
    HkdfSha256 = 0x0001,
    /// HKDF-SHA384.
    HkdfSha384 = 0x0002,
    /// HKDF-SHA512.
    HkdfSha512 = 0x0003,
}

/// HPKE AEAD identifiers (RFC 9180 §7.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u16)]
pub enum Aead {
    /// AES-128-GCM.
    Aes128Gcm = 0x0001,
    /// AES-256-GCM.
    Aes256Gcm = 0x0002,
    /// ChaCha20-Poly1305.
    ChaCha20Poly1305 = 0x0003,
}

/// TLS SignatureScheme values (RFC 8446 §4.2.3) used by MLS suites.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u16)]
pub enum SignatureScheme {
    /// ecdsa_secp256r1_sha256.
    EcdsaSecp256r1Sha256 = 0x0403,
    /// ecdsa_secp384r1_sha384.
    EcdsaSecp384r1Sha384 = 0x0503,
    /// ecdsa_secp521r1_sha512.
    EcdsaSecp521r1Sha512 = 0x0603,
    /// ed25519.
    Ed25519 = 0x0807,
    /// ed448.
    Ed448 = 0x0808,
    /// ML-DSA-44 (FIPS 204), pure, empty context; the TLS code point of
    /// draft-ietf-tls-mldsa, which OpenMLS 0.9 uses too.
    MlDsa44 = 0x0904,
    /// ML-DSA-65 (FIPS 204), as [`SignatureScheme::MlDsa44`].
    MlDsa65 = 0x0905,
    /// ML-DSA-87 (FIPS 204), as [`SignatureScheme::MlDsa44`].
    MlDsa87 = 0x0906,
}

/// Where a suite's code point comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Registration {
    /// Registered in the IANA "MLS Cipher Suites" registry (RFC 9420 §17.1).
    Iana,
    /// Proposed by an Internet-Draft and not registered: the value can change
    /// when IANA assigns one, and other implementations may use another.
    /// `source` names the draft and its revision.
    Provisional {
        /// The document the code point is taken from, with its revision.
        source: &'static str,
    },
    /// Chosen by a deployment ([`CipherSuiteDefinition::with_code_point`] or
    /// [`CipherSuiteDefinition::new`]): every member must be configured with
    /// the same mapping.
    Private,
}

/// What a cipher suite's code point stands for: its algorithms and where the
/// code point comes from.
///
/// Crypto providers build their suite objects from these fields, so a
/// definition with a different code point but the same algorithms is the
/// same suite to every backend:
///
/// ```
/// use mls_core::{CipherSuite, CipherSuiteDefinition, Registration};
///
/// let suite_1 = CipherSuite::MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519;
/// let builtin = suite_1.definition().expect("registered in RFC 9420");
/// assert_eq!(builtin.registration, Registration::Iana);
///
/// // The same algorithms under a code point of the private-use range.
/// let private = builtin.with_code_point(0xf001);
/// assert_eq!(private.suite.code(), 0xf001);
/// assert_eq!(private.kem, builtin.kem);
/// assert_eq!(private.registration, Registration::Private);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct CipherSuiteDefinition {
    /// The code point on the wire.
    pub suite: CipherSuite,
    /// The suite's name in its registry or draft (RFC 9420 §17.1 style).
    pub name: &'static str,
    /// The HPKE KEM.
    pub kem: Kem,
    /// The HPKE KDF; its hash is the suite's hash.
    pub kdf: Kdf,
    /// The AEAD of HPKE and of the message protection.
    pub aead: Aead,
    /// The signature scheme.
    pub signature: SignatureScheme,
    /// Where the code point comes from.
    pub registration: Registration,
}

/// A suite RFC 9420 registers.
const fn rfc9420(
    code: u16,
    name: &'static str,
    kem: Kem,
    kdf: Kdf,
    aead: Aead,
    signature: SignatureScheme,
) -> CipherSuiteDefinition {
    CipherSuiteDefinition::new(code, name, kem, kdf, aead, signature).registered(Registration::Iana)
}

/// A post-quantum suite as OpenMLS 0.9 defines it.
const fn openmls_09(
    suite: CipherSuite,
    name: &'static str,
    kem: Kem,
    kdf: Kdf,
    aead: Aead,
    signature: SignatureScheme,
) -> CipherSuiteDefinition {
    CipherSuiteDefinition::new(suite.0, name, kem, kdf, aead, signature).registered(
        Registration::Provisional {
            source: "OpenMLS 0.9 (its draft-ietf-mls-pq-ciphersuites feature)",
        },
    )
}

/// `a` then `b`, for a constant: an `N` other than `A + B` fails the
/// assertion at compile time.
// Only ever evaluated for `BUILT_IN`, at compile time, where an overflow or
// an index out of bounds is a build error, not a runtime panic.
#[allow(clippy::indexing_slicing, clippy::arithmetic_side_effects)]
const fn concat<const A: usize, const B: usize, const N: usize>(
    a: [CipherSuiteDefinition; A],
    b: [CipherSuiteDefinition; B],
) -> [CipherSuiteDefinition; N] {
    assert!(A + B == N, "N must be A + B");
    let mut out = [a[0]; N];
    let mut i = 0;
    while i < N {
        out[i] = if i < A { a[i] } else { b[i - A] };
        i += 1;
    }
    out
}

impl CipherSuiteDefinition {
    /// The suites RFC 9420 registers (§17.1), in code-point order.
    pub const RFC9420: [CipherSuiteDefinition; 7] = [
        rfc9420(
            0x0001,
            "MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519",
            Kem::DhKemX25519,
            Kdf::HkdfSha256,
            Aead::Aes128Gcm,
            SignatureScheme::Ed25519,
        ),
        rfc9420(
            0x0002,
            "MLS_128_DHKEMP256_AES128GCM_SHA256_P256",
            Kem::DhKemP256,
            Kdf::HkdfSha256,
            Aead::Aes128Gcm,
            SignatureScheme::EcdsaSecp256r1Sha256,
        ),
        rfc9420(
            0x0003,
            "MLS_128_DHKEMX25519_CHACHA20POLY1305_SHA256_Ed25519",
            Kem::DhKemX25519,
            Kdf::HkdfSha256,
            Aead::ChaCha20Poly1305,
            SignatureScheme::Ed25519,
        ),
        rfc9420(
            0x0004,
            "MLS_256_DHKEMX448_AES256GCM_SHA512_Ed448",
            Kem::DhKemX448,
            Kdf::HkdfSha512,
            Aead::Aes256Gcm,
            SignatureScheme::Ed448,
        ),
        rfc9420(
            0x0005,
            "MLS_256_DHKEMP521_AES256GCM_SHA512_P521",
            Kem::DhKemP521,
            Kdf::HkdfSha512,
            Aead::Aes256Gcm,
            SignatureScheme::EcdsaSecp521r1Sha512,
        ),
        rfc9420(
            0x0006,
            "MLS_256_DHKEMX448_CHACHA20POLY1305_SHA512_Ed448",
            Kem::DhKemX448,
            Kdf::HkdfSha512,
            Aead::ChaCha20Poly1305,
            SignatureScheme::Ed448,
        ),
        rfc9420(
            0x0007,
            "MLS_256_DHKEMP384_AES256GCM_SHA384_P384",
            Kem::DhKemP384,
            Kdf::HkdfSha384,
            Aead::Aes256Gcm,
            SignatureScheme::EcdsaSecp384r1Sha384,
        ),
    ];

    /// Suites under code points no registry has assigned, which other
    /// implementations use ([`Registration::Provisional`]), in code-point
    /// order. Providers offer
    /// them only when asked (`with_provisional_suites`), and their code
    /// points can change.
    ///
    /// * 0x004D `MLS_256_XWING_CHACHA20POLY1305_SHA256_Ed25519`: OpenMLS
    ///   0.9's hybrid post-quantum suite (its `draft-ietf-mls-pq-ciphersuites`
    ///   feature), the KEM being X-Wing draft-06 under HPKE KEM id 0x647A
    ///   ([`Kem::XWingDraft06`]). draft-ietf-mls-pq-ciphersuites-06 has no
    ///   suite of these algorithms; ts-mls gives 0x004D to another suite.
    /// * 0x004F `MLS_128_MLKEM768X25519_AES128GCM_SHA256_Ed25519` and 0x004E
    ///   `MLS_128_MLKEM768X25519_AES256GCM_SHA384_Ed25519`: the draft's TBD1
    ///   and TBD2 (its X-Wing suites) under the numbers OpenMLS 0.9 gives
    ///   them, with OpenMLS' X-Wing (KEM id 0x647A, unlabeled
    ///   `DeriveKeyPair`) rather than the HPKE-PQ draft's (labeled), so
    ///   that groups with OpenMLS agree.
    /// * 0x0042, 0x0050 and 0xF042: the draft's pure ML-KEM suites with
    ///   classical signatures (TBD8, TBD7, TBD6), again as OpenMLS 0.9
    ///   numbers and derives them ([`Kem::MlKem768`], [`Kem::MlKem1024`]).
    /// * 0x0051, 0x0052, 0x0907: the draft's suites with ML-DSA signatures
    ///   (TBD10, TBD9, TBD11) as OpenMLS 0.9 numbers them, and 0x0906,
    ///   OpenMLS' ML-KEM-1024 and ML-DSA-87 suite with SHA-512.
    pub const PROVISIONAL: [CipherSuiteDefinition; 10] = [
        openmls_09(
            CipherSuite::MLS_192_MLKEM1024_AES256GCM_SHA384_P384,
            "MLS_192_MLKEM1024_AES256GCM_SHA384_P384",
            Kem::MlKem1024,
            Kdf::HkdfSha384,
            Aead::Aes256Gcm,
            SignatureScheme::EcdsaSecp384r1Sha384,
        ),
        openmls_09(
            CipherSuite::MLS_256_XWING_CHACHA20POLY1305_SHA256_Ed25519,
            "MLS_256_XWING_CHACHA20POLY1305_SHA256_Ed25519",
            Kem::XWingDraft06,
            Kdf::HkdfSha256,
            Aead::ChaCha20Poly1305,
            SignatureScheme::Ed25519,
        ),
        openmls_09(
            CipherSuite::MLS_128_MLKEM768X25519_AES256GCM_SHA384_Ed25519,
            "MLS_128_MLKEM768X25519_AES256GCM_SHA384_Ed25519",
            Kem::XWingDraft06,
            Kdf::HkdfSha384,
            Aead::Aes256Gcm,
            SignatureScheme::Ed25519,
        ),
        openmls_09(
            CipherSuite::MLS_128_MLKEM768X25519_AES128GCM_SHA256_Ed25519,
            "MLS_128_MLKEM768X25519_AES128GCM_SHA256_Ed25519",
            Kem::XWingDraft06,
            Kdf::HkdfSha256,
            Aead::Aes128Gcm,
            SignatureScheme::Ed25519,
        ),
        openmls_09(
            CipherSuite::MLS_128_MLKEM768_AES256GCM_SHA384_P256,
            "MLS_128_MLKEM768_AES256GCM_SHA384_P256",
            Kem::MlKem768,
            Kdf::HkdfSha384,
            Aead::Aes256Gcm,
            SignatureScheme::EcdsaSecp256r1Sha256,
        ),
        openmls_09(
            CipherSuite::MLS_192_MLKEM768_AES256GCM_SHA384_MLDSA65,
            "MLS_192_MLKEM768_AES256GCM_SHA384_MLDSA65",
            Kem::MlKem768,
            Kdf::HkdfSha384,
            Aead::Aes256Gcm,
            SignatureScheme::MlDsa65,
        ),
        openmls_09(
            CipherSuite::MLS_128_MLKEM768X25519_CHACHA20POLY1305_SHA384_MLDSA44,
            "MLS_128_MLKEM768X25519_CHACHA20POLY1305_SHA384_MLDSA44",
            Kem::XWingDraft06,
            Kdf::HkdfSha384,
            Aead::ChaCha20Poly1305,
            SignatureScheme::MlDsa44,
        ),
        openmls_09(
            CipherSuite::MLS_256_MLKEM1024_AES256GCM_SHA512_MLDSA87,
            "MLS_256_MLKEM1024_AES256GCM_SHA512_MLDSA87",
            Kem::MlKem1024,
            Kdf::HkdfSha512,
            Aead::Aes256Gcm,
            SignatureScheme::MlDsa87,
        ),
        openmls_09(
            CipherSuite::MLS_256_MLKEM1024_AES256GCM_SHA384_MLDSA87,
            "MLS_256_MLKEM1024_AES256GCM_SHA384_MLDSA87",
            Kem::MlKem1024,
            Kdf::HkdfSha384,
            Aead::Aes256Gcm,
            SignatureScheme::MlDsa87,
        ),
        openmls_09(
            CipherSuite::MLS_128_MLKEM768_AES256GCM_SHA384_Ed25519,
            "MLS_128_MLKEM768_AES256GCM_SHA384_Ed25519",
            Kem::MlKem768,
            Kdf::HkdfSha384,
            Aead::Aes256Gcm,
            SignatureScheme::Ed25519,
        ),
    ];

    /// Every definition this library knows by code point: [`Self::RFC9420`]
    /// then [`Self::PROVISIONAL`]. [`CipherSuite::definition`] looks code
    /// points up here.
    pub const BUILT_IN: &'static [CipherSuiteDefinition] =
        &concat::<7, 10, 17>(Self::RFC9420, Self::PROVISIONAL);

    /// A suite of the given algorithms under a code point of the deployment's
    /// choosing ([`Registration::Private`]).
    pub const fn new(
        code: u16,
        name: &'static str,
        kem: Kem,
        kdf: Kdf,
        aead: Aead,
        signature: SignatureScheme,
    ) -> Self {
        Self {
            suite: CipherSuite(code),
            name,
            kem,
            kdf,
            aead,
            signature,
            registration: Registration::Private,
        }
    }

    const fn registered(self, registration: Registration) -> Self {
        Self {
            registration,
            ..self
        }
    }

    /// These algorithms under another code point, for a deployment whose
    /// peers use a different value (a draft's provisional code point that
    /// another implementation numbers otherwise, or a private-use value).
    /// The result is [`Registration::Private`].
    pub const fn with_code_point(self, code: u16) -> Self {
        Self {
            suite: CipherSuite(code),
            registration: Registration::Private,
            ..self
        }
    }
}

impl CipherSuite {
    /// Every suite RFC 9420 defines, in code-point order.
    pub const ALL: [CipherSuite; 7] = [
        CipherSuite::MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519,
        CipherSuite::MLS_128_DHKEMP256_AES128GCM_SHA256_P256,
        CipherSuite::MLS_128_DHKEMX25519_CHACHA20POLY1305_SHA256_Ed25519,
        CipherSuite::MLS_256_DHKEMX448_AES256GCM_SHA512_Ed448,
        CipherSuite::MLS_256_DHKEMP521_AES256GCM_SHA512_P521,
        CipherSuite::MLS_256_DHKEMX448_CHACHA20POLY1305_SHA512_Ed448,
        CipherSuite::MLS_256_DHKEMP384_AES256GCM_SHA384_P384,
    ];

    /// The suite with code point `code`, known to this library or not.
    pub const fn from_code(code: u16) -> Self {
        Self(code)
    }

    /// The 16-bit code point.
    pub const fn code(self) -> u16 {
        self.0
    }

    /// The library's built-in definition of this code point
    /// ([`CipherSuiteDefinition::BUILT_IN`]), or `None`. A provider may
    /// define a code point differently; what a group uses is the definition
    /// of its provider's suite object
    /// ([`CipherSuiteProvider::definition`](crate::provider::CipherSuiteProvider::definition)).
    pub fn definition(self) -> Option<&'static CipherSuiteDefinition> {
        CipherSuiteDefinition::BUILT_IN
            .iter()
            .find(|d| d.suite == self)
    }
}

/// A code point with a built-in definition; any other fails with
/// [`Unsupported::UnknownCipherSuite`]. [`CipherSuite::from_code`] takes any.
impl TryFrom<u16> for CipherSuite {
    type Error = Unsupported;

    fn try_from(code: u16) -> Result<Self, Self::Error> {
        let suite = CipherSuite(code);
        match suite.definition() {
            Some(_) => Ok(suite),
            None => Err(Unsupported::UnknownCipherSuite(code)),
        }
    }
}

impl fmt::Debug for CipherSuite {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.definition() {
            Some(d) => f.write_str(d.name),
            None => write!(f, "CipherSuite(0x{:04x})", self.0),
        }
    }
}

impl fmt::Display for CipherSuite {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.definition() {
            Some(d) => write!(f, "{} (0x{:04x})", d.name, self.0),
            None => write!(f, "0x{:04x}", self.0),
        }
    }
}

impl Kem {
    /// Nsk: length of a serialized private key (RFC 9180 §7.1); for X-Wing
    /// the 32-byte seed the key is expanded from.
    pub fn private_key_len(self) -> usize {
        match self {
            Kem::DhKemP256 | Kem::DhKemX25519 | Kem::XWingDraft06 => 32,
            Kem::DhKemP384 => 48,
            Kem::DhKemP521 => 66,
            Kem::DhKemX448 => 56,
            Kem::MlKem768 | Kem::MlKem1024 => 64,
        }
    }

    /// Npk: length of a serialized public key.
    pub fn public_key_len(self) -> usize {
        match self {
            Kem::DhKemP256 => 65,
            Kem::DhKemP384 => 97,
            Kem::DhKemP521 => 133,
            Kem::DhKemX25519 => 32,
            Kem::DhKemX448 => 56,
            Kem::XWingDraft06 => 1216,
            Kem::MlKem768 => 1184,
            Kem::MlKem1024 => 1568,
        }
    }

    /// Nenc: length of an encapsulated key. A DHKEM's is its public key's.
    pub fn enc_len(self) -> usize {
        match self {
            Kem::XWingDraft06 => 1120,
            Kem::MlKem768 => 1088,
            Kem::MlKem1024 => 1568,
            dh => dh.public_key_len(),
        }
    }

    /// Whether this is a DHKEM (RFC 9180 §4.1), built from a curve's
    /// Diffie-Hellman; the others are KEMs a backend implements whole.
    pub fn is_dhkem(self) -> bool {
        !matches!(self, Kem::XWingDraft06 | Kem::MlKem768 | Kem::MlKem1024)
    }
}

impl Kdf {
    /// Nh: the hash output length.
    pub fn hash_len(self) -> usize {
        match self {
            Kdf::HkdfSha256 => 32,
            Kdf::HkdfSha384 => 48,
            Kdf::HkdfSha512 => 64,
        }
    }
}

impl Aead {
    /// Nk: key length.
    pub fn key_len(self) -> usize {
        match self {
            Aead::Aes128Gcm => 16,
            Aead::Aes256Gcm | Aead::ChaCha20Poly1305 => 32,
        }
    }

    /// Nn: nonce length.
    pub fn nonce_len(self) -> usize {
        12
    }

    /// Nt: tag length.
    pub fn tag_len(self) -> usize {
        16
    }
}

impl SignatureScheme {
    /// The scheme's name, for messages.
    pub fn name(self) -> &'static str {
        match self {
            SignatureScheme::Ed25519 => "Ed25519",
            SignatureScheme::Ed448 => "Ed448",
            SignatureScheme::EcdsaSecp256r1Sha256 => "ECDSA P-256",
            SignatureScheme::EcdsaSecp384r1Sha384 => "ECDSA P-384",
            SignatureScheme::EcdsaSecp521r1Sha512 => "ECDSA P-521",
            SignatureScheme::MlDsa44 => "ML-DSA-44",
            SignatureScheme::MlDsa65 => "ML-DSA-65",
            SignatureScheme::MlDsa87 => "ML-DSA-87",
        }
    }

    /// Length of a private key as this library stores it: the EdDSA or
    /// ML-DSA seed (FIPS 204 `ξ`), or the big-endian ECDSA scalar.
    pub fn private_key_len(self) -> usize {
        match self {
            SignatureScheme::Ed25519
            | SignatureScheme::EcdsaSecp256r1Sha256
            | SignatureScheme::MlDsa44
            | SignatureScheme::MlDsa65
            | SignatureScheme::MlDsa87 => 32,
            SignatureScheme::EcdsaSecp384r1Sha384 => 48,
            SignatureScheme::EcdsaSecp521r1Sha512 => 66,
            SignatureScheme::Ed448 => 57,
        }
    }
}

// On the wire a suite is its uint16 code point (§5.1). Every value decodes:
// whether a group can use it is the crypto provider's answer
// (`CryptoProvider::cipher_suite` fails with `Unsupported::CipherSuiteNotProvided`), so a
// provider built with a private definition can read its own suite.
impl tls_codec::Size for CipherSuite {
    fn tls_serialized_len(&self) -> usize {
        2
    }
}

impl tls_codec::Serialize for CipherSuite {
    fn tls_serialize<W: std::io::Write>(&self, writer: &mut W) -> Result<usize, tls_codec::Error> {
        self.0.tls_serialize(writer)
    }
}

impl tls_codec::DeserializeBytes for CipherSuite {
    fn tls_deserialize_bytes(bytes: &[u8]) -> Result<(Self, &[u8]), tls_codec::Error> {
        let (code, rest) = u16::tls_deserialize_bytes(bytes)?;
        Ok((CipherSuite(code), rest))
    }
}

/// `ProtocolVersion` (§6). Only `mls10` is defined; decoding any other
/// value fails, so a structure carrying this type is always MLS 1.0.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct ProtocolVersion;

impl ProtocolVersion {
    /// The code point of `mls10`.
    pub const MLS10: u16 = 1;
}

impl tls_codec::Size for ProtocolVersion {
    fn tls_serialized_len(&self) -> usize {
        2
    }
}

impl tls_codec::Serialize for ProtocolVersion {
    fn tls_serialize<W: std::io::Write>(&self, writer: &mut W) -> Result<usize, tls_codec::Error> {
        Self::MLS10.tls_serialize(writer)
    }
}

impl tls_codec::DeserializeBytes for ProtocolVersion {
    fn tls_deserialize_bytes(bytes: &[u8]) -> Result<(Self, &[u8]), tls_codec::Error> {
        let (code, rest) = u16::tls_deserialize_bytes(bytes)?;
        if code != Self::MLS10 {
            return Err(tls_codec::Error::UnknownValue(code.into()));
        }
        Ok((ProtocolVersion, rest))
    }
}
