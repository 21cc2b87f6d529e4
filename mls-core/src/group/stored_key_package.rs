//! The stored form of a KeyPackage's private keys (namespace
//! `key_packages`, keyed by KeyPackageRef).

use crate::codec::{VarBytes, VarSlice, decode_exact, encode_into};
use crate::error::{DecodeError, Error};
use crate::key_package::KeyPackage;
use crate::secret::HpkePrivateKey;
use std::ops::Range;
use tls_codec::{Size, TlsDeserializeBytes, TlsSize};
use zeroize::Zeroizing;

/// Format version of the stored value; bumped when the layout changes so
/// older values can still be read.
const FORMAT_VERSION: u16 = 1;

/// A KeyPackage with the private keys that go with it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct StoredKeyPackage {
    pub(crate) key_package: KeyPackage,
    pub(crate) init_private: HpkePrivateKey,
    pub(crate) encryption_private: HpkePrivateKey,
    pub(crate) last_resort: bool,
}

#[derive(TlsDeserializeBytes, TlsSize)]
struct Wire {
    version: u16,
    key_package: KeyPackage,
    init_private: VarBytes,
    encryption_private: VarBytes,
    last_resort: u8,
}

impl StoredKeyPackage {
    pub(crate) fn encode(&self) -> Result<Zeroizing<Vec<u8>>, Error> {
        Ok(Self::encode_parts(
            &self.key_package,
            &self.init_private,
            &self.encryption_private,
            self.last_resort,
        )?
        .0)
    }

    /// The stored value of these parts, written in one buffer of its exact
    /// size (no copy of the package or of a private key to wipe), and where
    /// in it the package's encoding lies: a new package's reference is
    /// hashed from there instead of encoding the package again.
    pub(crate) fn encode_parts(
        key_package: &KeyPackage,
        init_private: &HpkePrivateKey,
        encryption_private: &HpkePrivateKey,
        last_resort: bool,
    ) -> Result<(Zeroizing<Vec<u8>>, Range<usize>), Error> {
        let init = VarSlice(init_private.as_bytes());
        let encryption = VarSlice(encryption_private.as_bytes());
        let len = FORMAT_VERSION
            .tls_serialized_len()
            .saturating_add(key_package.tls_serialized_len())
            .saturating_add(init.tls_serialized_len())
            .saturating_add(encryption.tls_serialized_len())
            .saturating_add(1);
        let mut out = Zeroizing::new(Vec::with_capacity(len));
        encode_into(&FORMAT_VERSION, &mut out)?;
        let start = out.len();
        encode_into(key_package, &mut out)?;
        let package = start..out.len();
        encode_into(&init, &mut out)?;
        encode_into(&encryption, &mut out)?;
        encode_into(&u8::from(last_resort), &mut out)?;
        Ok((out, package))
    }

    pub(crate) fn decode(bytes: &[u8]) -> Result<Self, Error> {
        let wire: Wire = decode_exact(bytes)?;
        if wire.version != FORMAT_VERSION {
            return Err(DecodeError::UnknownValue(wire.version.into()).into());
        }
        Ok(Self {
            key_package: wire.key_package,
            init_private: HpkePrivateKey::new(wire.init_private.into_vec()),
            encryption_private: HpkePrivateKey::new(wire.encryption_private.into_vec()),
            last_resort: wire.last_resort != 0,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire_fixtures::key_package;

    fn stored() -> StoredKeyPackage {
        StoredKeyPackage {
            key_package: key_package(),
            init_private: HpkePrivateKey::new(vec![1; 32]),
            encryption_private: HpkePrivateKey::new(vec![2; 32]),
            last_resort: true,
        }
    }

    #[test]
    fn round_trips() {
        let value = stored();
        assert_eq!(
            StoredKeyPackage::decode(&value.encode().unwrap()).unwrap(),
            value
        );
    }

    /// The layout is `Wire`'s: version, package, the two keys, the flag;
    /// the range returned is exactly the package's encoding.
    #[test]
    fn the_layout_and_the_package_range() {
        let value = stored();
        let (bytes, package) = StoredKeyPackage::encode_parts(
            &value.key_package,
            &value.init_private,
            &value.encryption_private,
            value.last_resort,
        )
        .unwrap();
        assert_eq!(bytes.capacity(), bytes.len());
        assert_eq!(&bytes[..2], &FORMAT_VERSION.to_be_bytes());
        let encoded = crate::codec::encode(&value.key_package).unwrap();
        assert_eq!(&bytes[package.clone()], encoded.as_slice());
        let mut tail = vec![32];
        tail.extend([1; 32]);
        tail.push(32);
        tail.extend([2; 32]);
        tail.push(1);
        assert_eq!(&bytes[package.end..], tail.as_slice());
    }

    /// A truncated, extended or foreign value, or one of another format
    /// version, is a typed error (CHECKLIST "Storage").
    #[test]
    fn damaged_values_are_errors() {
        let bytes = stored().encode().unwrap();
        for len in [0, 1, 2, bytes.len() / 2, bytes.len() - 1] {
            assert!(matches!(
                StoredKeyPackage::decode(&bytes[..len]),
                Err(Error::Decode(_))
            ));
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(matches!(
            StoredKeyPackage::decode(&longer),
            Err(Error::Decode(_))
        ));
        let mut other_version = bytes;
        other_version[1] = 2;
        assert!(matches!(
            StoredKeyPackage::decode(&other_version),
            Err(Error::Decode(DecodeError::UnknownValue(2)))
        ));
    }
}
