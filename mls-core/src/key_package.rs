//! Key packages (RFC 9420 §10): a client's signed offer to be added to a
//! group, and the reference that names it.

use crate::codec::{VarBytes, encode};
use crate::crypto::{ref_hash, sign_with_label, verify_with_label};
use crate::error::{Error, ProtocolError};
use crate::extensions::Extensions;
use crate::provider::{CipherSuiteProvider, Signer};
use crate::tbs::encode_without_signature;
use crate::tree::leaf_node::LeafNode;
use crate::{CipherSuite, ProtocolVersion};
use tls_codec::{TlsDeserializeBytes, TlsSerialize, TlsSize};

pub(crate) mod validate;
pub use validate::validate_key_package;

/// The `SignWithLabel` label of a KeyPackage signature (§10).
const LABEL: &str = "KeyPackageTBS";

/// The `RefHash` label of a KeyPackageRef (§5.2).
const REF_LABEL: &[u8] = b"MLS 1.0 KeyPackage Reference";

/// `KeyPackage` (§10).
///
/// Decoding checks only the syntax, and that `version` is `mls10` and
/// `cipher_suite` a suite RFC 9420 defines. The §10.1 rules (suite and
/// version match the group, signature, `leaf_node_source` is `key_package`,
/// `init_key` differs from the leaf's `encryption_key`) are checked when the
/// package is used.
#[derive(Clone, Debug, PartialEq, Eq, TlsSerialize, TlsDeserializeBytes, TlsSize)]
pub struct KeyPackage {
    /// The protocol version.
    pub version: ProtocolVersion,
    /// The cipher suite the package is for.
    pub cipher_suite: CipherSuite,
    /// `HPKEPublicKey init_key`: the key a Welcome's GroupSecrets are
    /// encrypted to.
    pub init_key: VarBytes,
    /// The leaf the client will occupy.
    pub leaf_node: LeafNode,
    /// `Extension extensions<V>`: the package's own extensions.
    pub extensions: Extensions,
    /// `SignWithLabel(., "KeyPackageTBS", KeyPackageTBS)` under
    /// `leaf_node.signature_key`.
    pub signature: VarBytes,
}

impl KeyPackage {
    /// The encoded `KeyPackageTBS` (§10): every field but the last,
    /// `signature`.
    pub fn tbs(&self) -> Result<Vec<u8>, Error> {
        encode_without_signature(self, &self.signature)
    }

    /// Signs the package with `signer` and stores the signature (§10). The
    /// caller sets `leaf_node.signature_key` to the signer's public key, and
    /// signs the leaf first (it is part of what is signed here).
    pub fn sign(
        &mut self,
        signer: &dyn Signer,
        suite: &dyn CipherSuiteProvider,
    ) -> Result<(), Error> {
        let tbs = self.tbs()?;
        self.signature = VarBytes::new(sign_with_label(signer, suite, LABEL, &tbs)?);
        Ok(())
    }

    /// Verifies the package's signature under `leaf_node.signature_key`
    /// (§10.1). The leaf's own signature is checked separately
    /// ([`LeafNode::verify_signature`]).
    pub fn verify_signature(&self, suite: &dyn CipherSuiteProvider) -> Result<(), Error> {
        let tbs = self.tbs()?;
        verify_with_label(
            suite,
            self.leaf_node.signature_key.as_slice(),
            LABEL,
            &tbs,
            self.signature.as_slice(),
        )
        .map_err(|e| e.signature_invalid(ProtocolError::KeyPackageSignatureInvalid))
    }

    /// `KeyPackageRef = MakeKeyPackageRef(value)` (§5.2) over this
    /// package's encoding. Our codec is canonical (minimal headers,
    /// presence bytes 0 or 1), so a decoded package re-encodes to the bytes
    /// it came from.
    pub fn reference(&self, suite: &dyn CipherSuiteProvider) -> Result<KeyPackageRef, Error> {
        KeyPackageRef::from_encoded(suite, &encode(self)?)
    }
}

/// `KeyPackageRef` (§5.2): `opaque HashReference<V>` naming a KeyPackage.
#[derive(
    Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, TlsSerialize, TlsDeserializeBytes, TlsSize,
)]
pub struct KeyPackageRef(pub VarBytes);

impl KeyPackageRef {
    /// `RefHash("MLS 1.0 KeyPackage Reference", encoded)` (§5.2), where
    /// `encoded` is an encoded `KeyPackage`.
    pub fn from_encoded(suite: &dyn CipherSuiteProvider, encoded: &[u8]) -> Result<Self, Error> {
        Ok(Self(VarBytes::new(ref_hash(suite, REF_LABEL, encoded)?)))
    }

    /// The hash bytes.
    pub fn as_slice(&self) -> &[u8] {
        self.0.as_slice()
    }
}

#[cfg(test)]
mod tests;
