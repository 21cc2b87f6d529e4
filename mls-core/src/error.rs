//! The crate's one error type, grouped by whose fault an error is.
//!
//! Follows rustls' split (STYLE.md §6): malformed input, a peer breaking a
//! protocol rule, something we do not support, misuse of the API, storage,
//! crypto. Each variant's message names what was wrong in words a user can act
//! on. Later protocol layers add variants; the enums are `non_exhaustive` so
//! that is not a breaking change.

use std::fmt;

/// Any error returned by `mls-core`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Bytes from the network or from storage could not be decoded.
    #[error("malformed input: {0}")]
    Decode(#[from] DecodeError),
    /// The peer or the input uses something this library does not support.
    #[error("unsupported: {0}")]
    Unsupported(#[from] Unsupported),
    /// The caller used the API in a way it does not allow.
    #[error("API misuse: {0}")]
    Misuse(#[from] Misuse),
    /// A storage backend failed.
    #[error("storage: {0}")]
    Storage(#[from] StorageError),
    /// A crypto backend failed, or a cryptographic check did not pass.
    #[error("crypto: {0}")]
    Crypto(#[from] CryptoError),
}

/// Why bytes could not be decoded (RFC 9420 §2.1).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DecodeError {
    /// The input ended before the structure did.
    #[error("input ended early: needed {needed} more byte(s)")]
    EndOfInput {
        /// How many bytes were missing, where known (0 when not).
        needed: usize,
    },
    /// A variable-length vector header used the reserved `0b11` prefix (§2.1.2).
    #[error("variable-length header starts with the reserved prefix 0b11")]
    ReservedVarintPrefix,
    /// A variable-length header was not minimally encoded (§2.1.2).
    #[error("variable-length header is not minimally encoded")]
    NonMinimalVarint,
    /// A vector's length prefix is larger than the input that follows it.
    #[error("a vector's length prefix is larger than the input that follows it")]
    LengthExceedsInput,
    /// Bytes were left over after a complete message.
    #[error("{0} trailing byte(s) after a complete message")]
    TrailingBytes(usize),
    /// An `optional<T>` presence byte was neither 0 nor 1 (§2.1.1).
    #[error("optional presence byte is {0}, not 0 or 1")]
    InvalidOptional(u8),
    /// An enumerated field holds a value this structure does not define
    /// (an unknown wire format, content type, sender type, PSK type...).
    #[error("unknown enum value {0}")]
    UnknownValue(u64),
    /// Any other structural error reported by the TLS codec.
    #[error("{0}")]
    Codec(String),
}

/// Something this library does not support.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Unsupported {
    /// A cipher suite code point that RFC 9420 does not define.
    #[error("unknown cipher suite 0x{0:04x}")]
    UnknownCipherSuite(u16),
    /// A cipher suite the configured crypto provider does not implement.
    #[error("cipher suite {suite} is not offered by crypto provider {provider}")]
    CipherSuiteNotProvided {
        /// The suite asked for.
        suite: crate::CipherSuite,
        /// The provider's name.
        provider: &'static str,
    },
}

/// A misuse of the API by the caller.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Misuse {
    /// A key or secret of the wrong length was passed in.
    #[error("{what} must be {expected} byte(s), got {actual}")]
    WrongLength {
        /// What the value is.
        what: &'static str,
        /// The length required.
        expected: usize,
        /// The length given.
        actual: usize,
    },
    /// A signer's scheme does not match the cipher suite in use.
    #[error("signer uses {signer:?} but the cipher suite needs {suite:?}")]
    SignatureSchemeMismatch {
        /// The signer's scheme.
        signer: crate::SignatureScheme,
        /// The scheme the suite requires.
        suite: crate::SignatureScheme,
    },
    /// A value too large for the field it must be written into.
    #[error("{0} is too large to encode")]
    TooLarge(&'static str),
}

/// A storage backend failure.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct StorageError {
    /// What failed, as the backend reported it.
    pub message: String,
}

impl StorageError {
    /// Wraps a backend's own error.
    pub fn backend(err: impl fmt::Display) -> Self {
        Self {
            message: err.to_string(),
        }
    }
}

/// A crypto failure: a backend error or a failed cryptographic check.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CryptoError {
    /// A signature did not verify.
    #[error("signature does not verify")]
    InvalidSignature,
    /// AEAD decryption failed: wrong key, nonce, associated data or a modified ciphertext.
    #[error("AEAD decryption failed (wrong key or modified ciphertext)")]
    AeadOpenFailed,
    /// HPKE decryption failed.
    #[error("HPKE decryption failed (wrong key or modified ciphertext)")]
    HpkeOpenFailed,
    /// A public key is not a valid encoding for its algorithm.
    #[error("invalid {0} public key")]
    InvalidPublicKey(&'static str),
    /// A private key is not valid for its algorithm.
    #[error("invalid {0} private key")]
    InvalidPrivateKey(&'static str),
    /// A key, nonce or output length does not fit the algorithm.
    #[error("invalid length for {what}: {len}")]
    InvalidLength {
        /// What had the wrong length.
        what: &'static str,
        /// The length given.
        len: usize,
    },
    /// The randomness source failed.
    #[error("randomness source failed: {0}")]
    Rand(String),
    /// The suite object was asked for an algorithm it does not implement.
    #[error("algorithm not supported by this backend: {0}")]
    UnsupportedAlgorithm(&'static str),
    /// Any other failure reported by the underlying library.
    #[error("backend error: {0}")]
    Backend(String),
}

impl From<tls_codec::Error> for DecodeError {
    fn from(err: tls_codec::Error) -> Self {
        match err {
            tls_codec::Error::EndOfStream => DecodeError::EndOfInput { needed: 0 },
            tls_codec::Error::TrailingData => DecodeError::TrailingBytes(0),
            tls_codec::Error::DecodingError(msg) => decoding_message(msg),
            tls_codec::Error::UnknownValue(v) => DecodeError::UnknownValue(v),
            other => DecodeError::Codec(other.to_string()),
        }
    }
}

impl From<tls_codec::Error> for Error {
    fn from(err: tls_codec::Error) -> Self {
        Error::Decode(err.into())
    }
}

/// Recovers the typed reason from a message that crossed `tls_codec`'s
/// string-only error (see codec.rs).
fn decoding_message(msg: String) -> DecodeError {
    use crate::codec::{MSG_LENGTH_EXCEEDS, MSG_NON_MINIMAL, MSG_RESERVED_PREFIX};
    const OPTION_PREFIX: &str = "Trying to decode Option<T> with ";
    if msg == MSG_RESERVED_PREFIX {
        DecodeError::ReservedVarintPrefix
    } else if msg == MSG_NON_MINIMAL {
        DecodeError::NonMinimalVarint
    } else if msg == MSG_LENGTH_EXCEEDS {
        DecodeError::LengthExceedsInput
    } else if let Some(v) = msg
        .strip_prefix(OPTION_PREFIX)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse::<u8>().ok())
    {
        DecodeError::InvalidOptional(v)
    } else {
        DecodeError::Codec(msg)
    }
}
