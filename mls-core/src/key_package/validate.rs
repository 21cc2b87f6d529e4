//! KeyPackage validation (RFC 9420 §10.1): before a downloaded KeyPackage
//! is used in an Add, and when an Add carrying one is received.

use super::KeyPackage;
use crate::error::{Error, ProtocolError};
use crate::tree::leaf_validation::{ExpectedSource, LeafKeysInUse, LeafNodeValidator};

/// Checks `key_package` against §10.1 for the group `validator` describes
/// (its suite is the group's cipher suite). `other_leaves` are the group's
/// current leaves, for the key-uniqueness rule of §7.3.
///
/// In order:
/// - the cipher suite is the group's
///   ([`ProtocolError::KeyPackageCipherSuiteMismatch`]); the version needs
///   no check, since a KeyPackage of any version but `mls10` does not
///   decode;
/// - no extension type appears twice in `extensions` (§13,
///   [`ProtocolError::DuplicateExtension`]);
/// - the signature verifies under `leaf_node.signature_key` with label
///   `KeyPackageTBS` ([`ProtocolError::KeyPackageSignatureInvalid`]);
/// - `leaf_node` is valid for a KeyPackage per §7.3
///   ([`LeafNodeValidator::validate`] with [`ExpectedSource::KeyPackage`]:
///   source `key_package`, lifetime, capabilities, credential...);
/// - `init_key` differs from `leaf_node.encryption_key`
///   ([`ProtocolError::InitKeyEqualsEncryptionKey`]).
pub fn validate_key_package<K: LeafKeysInUse + ?Sized>(
    key_package: &KeyPackage,
    validator: &LeafNodeValidator<'_>,
    other_leaves: &K,
) -> Result<(), Error> {
    let group_suite = validator.suite().cipher_suite();
    if key_package.cipher_suite != group_suite {
        return Err(ProtocolError::KeyPackageCipherSuiteMismatch {
            key_package: key_package.cipher_suite,
            group: group_suite,
        }
        .into());
    }

    key_package.extensions.check_no_duplicates()?;

    if !validator.signatures_verified() {
        // KeyPackageSignatureInvalid; a backend failure stays one.
        key_package.verify_signature(validator.suite())?;
    }

    validator.validate(
        &key_package.leaf_node,
        ExpectedSource::KeyPackage,
        other_leaves,
    )?;

    if key_package.init_key == key_package.leaf_node.encryption_key {
        return Err(ProtocolError::InitKeyEqualsEncryptionKey.into());
    }
    Ok(())
}

#[cfg(test)]
mod tests;
