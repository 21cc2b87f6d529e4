//! The stored form of a KeyPackage's private keys (namespace
//! `key_packages`, keyed by KeyPackageRef).

use crate::codec::{VarBytes, decode_exact, encode};
use crate::error::{DecodeError, Error};
use crate::key_package::KeyPackage;
use crate::secret::HpkePrivateKey;
use tls_codec::{TlsDeserializeBytes, TlsSerialize, TlsSize};
use zeroize::Zeroize;

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

#[derive(TlsSerialize, TlsDeserializeBytes, TlsSize)]
struct Wire {
    version: u16,
    key_package: KeyPackage,
    init_private: VarBytes,
    encryption_private: VarBytes,
    last_resort: u8,
}

impl StoredKeyPackage {
    pub(crate) fn encode(&self) -> Result<Vec<u8>, Error> {
        let wire = Wire {
            version: FORMAT_VERSION,
            key_package: self.key_package.clone(),
            init_private: VarBytes::from(self.init_private.as_bytes()),
            encryption_private: VarBytes::from(self.encryption_private.as_bytes()),
            last_resort: u8::from(self.last_resort),
        };
        let encoded = encode(&wire);
        // The copies of the private keys made for encoding are wiped.
        wire.init_private.into_vec().zeroize();
        wire.encryption_private.into_vec().zeroize();
        encoded
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
