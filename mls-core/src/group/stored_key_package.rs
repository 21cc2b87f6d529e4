//! The stored form of a KeyPackage's private keys (namespace
//! `key_packages`, keyed by KeyPackageRef).

use crate::codec::{VarBytes, decode_exact, encode};
use crate::error::{DecodeError, Error};
use crate::key_package::KeyPackage;
use crate::secret::HpkePrivateKey;
use tls_codec::{TlsDeserializeBytes, TlsSerialize, TlsSize};

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
        encode(&Wire {
            version: FORMAT_VERSION,
            key_package: self.key_package.clone(),
            init_private: VarBytes::from(self.init_private.as_bytes()),
            encryption_private: VarBytes::from(self.encryption_private.as_bytes()),
            last_resort: u8::from(self.last_resort),
        })
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
