//! The cipher suites of RFC 9420 §17.1 and the algorithms each is made of.

use crate::error::Unsupported;
use std::fmt;

/// An MLS cipher suite (RFC 9420 §5.1, registry in §17.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(u16)]
#[allow(non_camel_case_types)]
pub enum CipherSuite {
    /// 0x0001: DHKEM(X25519), AES-128-GCM, SHA-256, Ed25519.
    MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519 = 0x0001,
    /// 0x0002: DHKEM(P-256), AES-128-GCM, SHA-256, ECDSA P-256.
    MLS_128_DHKEMP256_AES128GCM_SHA256_P256 = 0x0002,
    /// 0x0003: DHKEM(X25519), ChaCha20-Poly1305, SHA-256, Ed25519.
    MLS_128_DHKEMX25519_CHACHA20POLY1305_SHA256_Ed25519 = 0x0003,
    /// 0x0004: DHKEM(X448), AES-256-GCM, SHA-512, Ed448.
    MLS_256_DHKEMX448_AES256GCM_SHA512_Ed448 = 0x0004,
    /// 0x0005: DHKEM(P-521), AES-256-GCM, SHA-512, ECDSA P-521.
    MLS_256_DHKEMP521_AES256GCM_SHA512_P521 = 0x0005,
    /// 0x0006: DHKEM(X448), ChaCha20-Poly1305, SHA-512, Ed448.
    MLS_256_DHKEMX448_CHACHA20POLY1305_SHA512_Ed448 = 0x0006,
    /// 0x0007: DHKEM(P-384), AES-256-GCM, SHA-384, ECDSA P-384.
    MLS_256_DHKEMP384_AES256GCM_SHA384_P384 = 0x0007,
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

    /// The 16-bit code point.
    pub fn code(self) -> u16 {
        self as u16
    }

    /// The suite's KEM.
    pub fn kem(self) -> Kem {
        use CipherSuite::*;
        match self {
            MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519
            | MLS_128_DHKEMX25519_CHACHA20POLY1305_SHA256_Ed25519 => Kem::DhKemX25519,
            MLS_128_DHKEMP256_AES128GCM_SHA256_P256 => Kem::DhKemP256,
            MLS_256_DHKEMX448_AES256GCM_SHA512_Ed448
            | MLS_256_DHKEMX448_CHACHA20POLY1305_SHA512_Ed448 => Kem::DhKemX448,
            MLS_256_DHKEMP521_AES256GCM_SHA512_P521 => Kem::DhKemP521,
            MLS_256_DHKEMP384_AES256GCM_SHA384_P384 => Kem::DhKemP384,
        }
    }

    /// The suite's KDF, whose hash is also the suite's hash function.
    pub fn kdf(self) -> Kdf {
        use CipherSuite::*;
        match self {
            MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519
            | MLS_128_DHKEMP256_AES128GCM_SHA256_P256
            | MLS_128_DHKEMX25519_CHACHA20POLY1305_SHA256_Ed25519 => Kdf::HkdfSha256,
            MLS_256_DHKEMX448_AES256GCM_SHA512_Ed448
            | MLS_256_DHKEMP521_AES256GCM_SHA512_P521
            | MLS_256_DHKEMX448_CHACHA20POLY1305_SHA512_Ed448 => Kdf::HkdfSha512,
            MLS_256_DHKEMP384_AES256GCM_SHA384_P384 => Kdf::HkdfSha384,
        }
    }

    /// The suite's AEAD.
    pub fn aead(self) -> Aead {
        use CipherSuite::*;
        match self {
            MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519
            | MLS_128_DHKEMP256_AES128GCM_SHA256_P256 => Aead::Aes128Gcm,
            MLS_128_DHKEMX25519_CHACHA20POLY1305_SHA256_Ed25519
            | MLS_256_DHKEMX448_CHACHA20POLY1305_SHA512_Ed448 => Aead::ChaCha20Poly1305,
            MLS_256_DHKEMX448_AES256GCM_SHA512_Ed448
            | MLS_256_DHKEMP521_AES256GCM_SHA512_P521
            | MLS_256_DHKEMP384_AES256GCM_SHA384_P384 => Aead::Aes256Gcm,
        }
    }

    /// The suite's signature scheme.
    pub fn signature_scheme(self) -> SignatureScheme {
        use CipherSuite::*;
        match self {
            MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519
            | MLS_128_DHKEMX25519_CHACHA20POLY1305_SHA256_Ed25519 => SignatureScheme::Ed25519,
            MLS_128_DHKEMP256_AES128GCM_SHA256_P256 => SignatureScheme::EcdsaSecp256r1Sha256,
            MLS_256_DHKEMX448_AES256GCM_SHA512_Ed448
            | MLS_256_DHKEMX448_CHACHA20POLY1305_SHA512_Ed448 => SignatureScheme::Ed448,
            MLS_256_DHKEMP521_AES256GCM_SHA512_P521 => SignatureScheme::EcdsaSecp521r1Sha512,
            MLS_256_DHKEMP384_AES256GCM_SHA384_P384 => SignatureScheme::EcdsaSecp384r1Sha384,
        }
    }
}

impl TryFrom<u16> for CipherSuite {
    type Error = Unsupported;

    fn try_from(code: u16) -> Result<Self, Self::Error> {
        CipherSuite::ALL
            .into_iter()
            .find(|s| s.code() == code)
            .ok_or(Unsupported::UnknownCipherSuite(code))
    }
}

impl fmt::Display for CipherSuite {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?} (0x{:04x})", self, self.code())
    }
}

impl Kem {
    /// Nsk: length of a serialized private key (RFC 9180 §7.1).
    pub fn private_key_len(self) -> usize {
        match self {
            Kem::DhKemP256 | Kem::DhKemX25519 => 32,
            Kem::DhKemP384 => 48,
            Kem::DhKemP521 => 66,
            Kem::DhKemX448 => 56,
        }
    }

    /// Npk: length of a serialized public key, which is also Nenc.
    pub fn public_key_len(self) -> usize {
        match self {
            Kem::DhKemP256 => 65,
            Kem::DhKemP384 => 97,
            Kem::DhKemP521 => 133,
            Kem::DhKemX25519 => 32,
            Kem::DhKemX448 => 56,
        }
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
    /// Length of a private key as this library stores it: the EdDSA seed or
    /// the big-endian ECDSA scalar.
    pub fn private_key_len(self) -> usize {
        match self {
            SignatureScheme::Ed25519 | SignatureScheme::EcdsaSecp256r1Sha256 => 32,
            SignatureScheme::EcdsaSecp384r1Sha384 => 48,
            SignatureScheme::EcdsaSecp521r1Sha512 => 66,
            SignatureScheme::Ed448 => 57,
        }
    }
}

// On the wire a suite is its uint16 code point (§5.1). Decoding an unknown
// code point fails; structures that must carry unknown or GREASE values
// (Capabilities, §7.2) hold the raw `u16` instead.
impl tls_codec::Size for CipherSuite {
    fn tls_serialized_len(&self) -> usize {
        2
    }
}

impl tls_codec::Serialize for CipherSuite {
    fn tls_serialize<W: std::io::Write>(&self, writer: &mut W) -> Result<usize, tls_codec::Error> {
        self.code().tls_serialize(writer)
    }
}

impl tls_codec::DeserializeBytes for CipherSuite {
    fn tls_deserialize_bytes(bytes: &[u8]) -> Result<(Self, &[u8]), tls_codec::Error> {
        let (code, rest) = u16::tls_deserialize_bytes(bytes)?;
        let suite =
            CipherSuite::try_from(code).map_err(|_| tls_codec::Error::UnknownValue(code.into()))?;
        Ok((suite, rest))
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
