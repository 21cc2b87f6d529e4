//! Test-only fixtures for the wire-structure tests: a stand-in suite whose
//! "signature" is the public key followed by the signed message (so a wrong
//! key or changed content fails, and the signed bytes are visible), whose
//! hash is the identity (so reference inputs are visible), and sample values
//! of every structure. NO SECURITY: never use outside `cfg(test)`.

use crate::codec::{VarBytes, VarVec, decode_exact, encode};
use crate::credential::{Certificate, Credential, CredentialType};
use crate::error::{CryptoError, DecodeError};
use crate::extensions::{Extension, ExtensionType, Extensions};
use crate::group::proposal::ProposalType;
use crate::key_package::KeyPackage;
use crate::key_schedule::GroupContext;
use crate::provider::{CipherSuiteProvider, HpkeCiphertext, RandProvider, Signer};
use crate::secret::{HpkePrivateKey, Secret, SignaturePrivateKey};
use crate::test_provider::{no_hpke_open_export, suite1_sizes};
use crate::tree::leaf_node::{Capabilities, LeafNode, LeafNodeSource, Lifetime};
use crate::{CipherSuite, ProtocolVersion, SignatureScheme};
use std::fmt::Debug;
use tls_codec::{DeserializeBytes, Serialize, Size};

/// The suite every fixture uses.
pub(crate) const SUITE: CipherSuite = CipherSuite::MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519;

/// The stand-in suite (see the module docs).
pub(crate) struct Tagged;

fn unsupported<T>() -> Result<T, CryptoError> {
    Err(CryptoError::UnsupportedAlgorithm("fixture suite"))
}

impl CipherSuiteProvider for Tagged {
    suite1_sizes!();
    fn hash(&self, data: &[u8]) -> Result<Vec<u8>, CryptoError> {
        Ok(data.to_vec())
    }
    fn mac(&self, _: &[u8], _: &[u8]) -> Result<Vec<u8>, CryptoError> {
        unsupported()
    }
    fn kdf_extract(&self, _: &[u8], _: &[u8]) -> Result<Secret, CryptoError> {
        unsupported()
    }
    fn kdf_expand(&self, _: &[u8], _: &[u8], _: usize) -> Result<Secret, CryptoError> {
        unsupported()
    }
    fn aead_seal(&self, _: &[u8], _: &[u8], _: &[u8], _: &[u8]) -> Result<Vec<u8>, CryptoError> {
        unsupported()
    }
    fn aead_open(&self, _: &[u8], _: &[u8], _: &[u8], _: &[u8]) -> Result<Secret, CryptoError> {
        unsupported()
    }
    fn hpke_seal(
        &self,
        _: &[u8],
        _: &[u8],
        _: &[u8],
        _: &[u8],
        _: &dyn RandProvider,
    ) -> Result<HpkeCiphertext, CryptoError> {
        unsupported()
    }
    no_hpke_open_export!();
    fn kem_derive_key_pair(&self, _: &[u8]) -> Result<(HpkePrivateKey, Vec<u8>), CryptoError> {
        unsupported()
    }
    fn signature_key_pair_from_private(
        &self,
        _: &[u8],
    ) -> Result<(SignaturePrivateKey, Vec<u8>), CryptoError> {
        unsupported()
    }
    fn sign(&self, _: &SignaturePrivateKey, _: &[u8]) -> Result<Vec<u8>, CryptoError> {
        unsupported()
    }
    fn verify(&self, public_key: &[u8], msg: &[u8], sig: &[u8]) -> Result<(), CryptoError> {
        if sig.strip_prefix(public_key) == Some(msg) {
            Ok(())
        } else {
            Err(CryptoError::InvalidSignature)
        }
    }
    fn signer(&self, _: &[u8]) -> Result<Box<dyn Signer>, CryptoError> {
        unsupported()
    }
}

/// A signer of the stand-in suite: signs as `public_key || message`.
pub(crate) struct TaggedSigner(pub(crate) Vec<u8>);

impl Signer for TaggedSigner {
    fn scheme(&self) -> SignatureScheme {
        SignatureScheme::Ed25519
    }
    fn public_key(&self) -> &[u8] {
        &self.0
    }
    fn sign(&self, msg: &[u8]) -> Result<Vec<u8>, CryptoError> {
        Ok([self.0.as_slice(), msg].concat())
    }
}

/// What `TaggedSigner(public_key)` produces for `SignWithLabel(label,
/// content)`: the key, then `SignContent` (§5.1.2) written out by hand.
pub(crate) fn tagged_signature(public_key: &VarBytes, label: &str, content: &[u8]) -> Vec<u8> {
    let label = format!("MLS 1.0 {label}");
    let mut out = public_key.as_slice().to_vec();
    crate::codec::write_varint(label.len(), &mut out).unwrap();
    out.extend_from_slice(label.as_bytes());
    crate::codec::write_varint(content.len(), &mut out).unwrap();
    out.extend_from_slice(content);
    out
}

/// Some GREASE values (§13.5).
pub(crate) const GREASE: [u16; 3] = [0x0A0A, 0x5A5A, 0xEAEA];

pub(crate) fn bytes(fill: u8, len: usize) -> VarBytes {
    VarBytes::new(vec![fill; len])
}

pub(crate) fn extensions_with_grease() -> Extensions {
    Extensions::from_vec(vec![
        Extension {
            extension_type: ExtensionType::APPLICATION_ID,
            extension_data: VarBytes::new(b"\x03app".to_vec()),
        },
        Extension {
            extension_type: ExtensionType(GREASE[0]),
            extension_data: bytes(0x77, 5),
        },
    ])
}

pub(crate) fn capabilities_with_grease() -> Capabilities {
    Capabilities {
        versions: VarVec::new(vec![ProtocolVersion::MLS10, GREASE[0]]),
        cipher_suites: VarVec::new(vec![SUITE.code(), GREASE[1], 0x0003]),
        extensions: VarVec::new(vec![
            ExtensionType::APPLICATION_ID,
            ExtensionType(GREASE[0]),
        ]),
        proposals: VarVec::new(vec![ProposalType(GREASE[2]), ProposalType(0xF000)]),
        credentials: VarVec::new(vec![CredentialType::BASIC, CredentialType(GREASE[1])]),
    }
}

pub(crate) fn x509_credential() -> Credential {
    Credential::X509 {
        certificates: VarVec::new(vec![
            Certificate {
                cert_data: bytes(0x30, 40),
            },
            Certificate {
                cert_data: bytes(0x31, 3),
            },
        ]),
    }
}

/// A leaf with the given source, signed by `TaggedSigner(signature_key)`
/// where it needs no group binding, otherwise with a placeholder signature.
pub(crate) fn leaf_node(source: LeafNodeSource) -> LeafNode {
    LeafNode {
        encryption_key: bytes(0xe1, 32),
        signature_key: bytes(0x51, 32),
        credential: Credential::basic(b"alice".to_vec()),
        capabilities: capabilities_with_grease(),
        leaf_node_source: source,
        extensions: extensions_with_grease(),
        signature: bytes(0x99, 64),
    }
}

pub(crate) fn key_package_leaf() -> LeafNode {
    leaf_node(LeafNodeSource::KeyPackage(Lifetime {
        not_before: 1_700_000_000,
        not_after: 1_800_000_000,
    }))
}

pub(crate) fn key_package() -> KeyPackage {
    KeyPackage {
        version: ProtocolVersion,
        cipher_suite: SUITE,
        init_key: bytes(0x1c, 32),
        leaf_node: key_package_leaf(),
        extensions: extensions_with_grease(),
        signature: bytes(0x98, 64),
    }
}

pub(crate) fn group_context() -> GroupContext {
    GroupContext {
        version: ProtocolVersion,
        cipher_suite: SUITE,
        group_id: VarBytes::new(b"group".to_vec()),
        epoch: 7,
        tree_hash: bytes(0x7e, 32),
        confirmed_transcript_hash: bytes(0xc7, 32),
        extensions: Extensions::new(),
    }
}

/// Encodes `value`, decodes it back exactly, and checks both directions
/// agree. Returns the encoding.
pub(crate) fn round_trip<T>(value: &T) -> Vec<u8>
where
    T: Serialize + Size + DeserializeBytes + PartialEq + Debug,
{
    let encoded = encode(value).unwrap();
    assert_eq!(encoded.len(), value.tls_serialized_len(), "size mismatch");
    let decoded: T = decode_exact(&encoded).unwrap();
    assert_eq!(&decoded, value);
    assert_eq!(encode(&decoded).unwrap(), encoded);
    encoded
}

/// Every strict prefix of `encoded` fails to decode as `T` (an error, not a
/// panic), and so does `encoded` with a byte appended.
pub(crate) fn truncations_fail<T: DeserializeBytes + Debug>(encoded: &[u8]) {
    for len in 0..encoded.len() {
        let prefix = &encoded[..len];
        assert!(
            decode_exact::<T>(prefix).is_err(),
            "prefix of {len} bytes decoded"
        );
    }
    let mut longer = encoded.to_vec();
    longer.push(0);
    assert_eq!(
        decode_exact::<T>(&longer).unwrap_err(),
        DecodeError::TrailingBytes(1)
    );
}
