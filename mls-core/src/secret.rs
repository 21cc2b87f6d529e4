//! Byte strings that must not outlive their use or leak into logs.
//!
//! Every type here zeroizes its bytes on drop and prints as `<redacted>` in
//! `Debug`, so a `{:?}` of a struct holding one never shows key material.

use zeroize::{Zeroize, ZeroizeOnDrop};

macro_rules! secret_bytes {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq, Zeroize, ZeroizeOnDrop)]
        pub struct $name(Vec<u8>);

        impl $name {
            /// Takes ownership of secret bytes.
            pub fn new(bytes: Vec<u8>) -> Self {
                Self(bytes)
            }

            /// Copies secret bytes from a slice.
            pub fn from_slice(bytes: &[u8]) -> Self {
                Self(bytes.to_vec())
            }

            /// The secret bytes. Keep the borrow short.
            pub fn as_bytes(&self) -> &[u8] {
                &self.0
            }

            /// Length in bytes.
            pub fn len(&self) -> usize {
                self.0.len()
            }

            /// Whether there are no bytes.
            pub fn is_empty(&self) -> bool {
                self.0.is_empty()
            }
        }

        impl From<Vec<u8>> for $name {
            fn from(bytes: Vec<u8>) -> Self {
                Self(bytes)
            }
        }

        impl std::fmt::Debug for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, concat!(stringify!($name), "(<redacted {} bytes>)"), self.0.len())
            }
        }
    };
}

secret_bytes!(
    /// A secret from the key schedule, the secret tree or a KDF.
    Secret
);
secret_bytes!(
    /// An HPKE private key, serialized as RFC 9180 `SerializePrivateKey`.
    HpkePrivateKey
);
secret_bytes!(
    /// A signature private key: the EdDSA seed or the big-endian ECDSA scalar.
    SignaturePrivateKey
);

/// Compares two MACs or tags in constant time after a length check
/// (a length mismatch returns early; lengths are public).
pub fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    use subtle::ConstantTimeEq;
    a.len() == b.len() && bool::from(a.ct_eq(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_is_redacted() {
        let s = Secret::new(vec![0xde, 0xad, 0xbe, 0xef]);
        let shown = format!("{s:?}");
        assert_eq!(shown, "Secret(<redacted 4 bytes>)");
        assert!(!shown.contains("de"));
    }

    #[test]
    fn ct_eq_checks_length_first() {
        assert!(ct_eq(b"abc", b"abc"));
        assert!(!ct_eq(b"abc", b"abd"));
        assert!(!ct_eq(b"abc", b"ab"));
        assert!(!ct_eq(b"", b"a"));
    }
}
