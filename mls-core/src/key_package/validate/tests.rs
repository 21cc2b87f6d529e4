//! One test per §10.1 rule: start from a valid, signed KeyPackage, change
//! the one thing named, re-sign, and expect exactly the variant of that rule.

use super::*;
use crate::CipherSuite;
use crate::credential::AcceptAll;
use crate::extensions::Extensions;
use crate::tree::leaf_node::{LeafNode, LeafNodeSource, LeafNodeTbsContext, Lifetime};
use crate::tree::leaf_validation::{LifetimeCheck, NoOtherLeaves};
use crate::tree_math::LeafIndex;
use crate::wire_fixtures::{SUITE, Tagged, TaggedSigner, bytes, key_package};

/// Inside the fixture leaf's lifetime [1_700_000_000, 1_800_000_000].
const NOW: u64 = 1_750_000_000;

fn signer(leaf: &LeafNode) -> TaggedSigner {
    TaggedSigner(leaf.signature_key.as_slice().to_vec())
}

/// Signs the leaf (binding it to leaf 3 of "group" where its source needs
/// it), then the package.
fn sign(kp: &mut KeyPackage) {
    let ctx = LeafNodeTbsContext {
        group_id: b"group",
        leaf_index: LeafIndex(3),
    };
    let s = signer(&kp.leaf_node);
    kp.leaf_node.sign(&s, &Tagged, Some(ctx)).unwrap();
    kp.sign(&s, &Tagged).unwrap();
}

/// A valid KeyPackage with `change` applied, then signed.
fn kp_with(change: impl FnOnce(&mut KeyPackage)) -> KeyPackage {
    let mut kp = key_package();
    change(&mut kp);
    sign(&mut kp);
    kp
}

fn validator() -> LeafNodeValidator<'static> {
    LeafNodeValidator::new(&Tagged, &AcceptAll, NOW)
}

/// The ProtocolError of validating `kp` with `v` and no other leaves.
fn rule_with(v: &LeafNodeValidator<'_>, kp: &KeyPackage) -> ProtocolError {
    match validate_key_package(kp, v, &NoOtherLeaves) {
        Err(Error::Protocol(p)) => p,
        other => panic!("expected a protocol error, got {other:?}"),
    }
}

fn rule(kp: &KeyPackage) -> ProtocolError {
    rule_with(&validator(), kp)
}

#[test]
fn valid_key_package_passes() {
    validate_key_package(&kp_with(|_| {}), &validator(), &NoOtherLeaves).unwrap();
}

#[test]
fn cipher_suite_differs_from_the_group() {
    let other = CipherSuite::MLS_128_DHKEMP256_AES128GCM_SHA256_P256;
    let kp = kp_with(|kp| kp.cipher_suite = other);
    assert_eq!(
        rule(&kp),
        ProtocolError::KeyPackageCipherSuiteMismatch {
            key_package: other,
            group: SUITE
        }
    );
}

#[test]
fn bad_signature() {
    let mut kp = kp_with(|_| {});
    kp.init_key = bytes(0x1d, 32);
    assert_eq!(rule(&kp), ProtocolError::KeyPackageSignatureInvalid);
    // Signed by a key other than leaf_node.signature_key.
    let mut kp = kp_with(|_| {});
    kp.sign(&TaggedSigner(vec![0x52; 32]), &Tagged).unwrap();
    assert_eq!(rule(&kp), ProtocolError::KeyPackageSignatureInvalid);
}

#[test]
fn init_key_equals_encryption_key() {
    let kp = kp_with(|kp| kp.init_key = kp.leaf_node.encryption_key.clone());
    assert_eq!(rule(&kp), ProtocolError::InitKeyEqualsEncryptionKey);
}

#[test]
fn leaf_node_source_not_key_package() {
    for source in [
        LeafNodeSource::Update,
        LeafNodeSource::Commit(bytes(0xaa, 32)),
    ] {
        let name = source.name();
        let kp = kp_with(|kp| kp.leaf_node.leaf_node_source = source);
        match rule(&kp) {
            ProtocolError::WrongLeafNodeSource { found, .. } => assert_eq!(found, name),
            other => panic!("expected WrongLeafNodeSource, got {other:?}"),
        }
    }
}

#[test]
fn leaf_node_is_validated() {
    // A leaf whose own signature is broken, under a valid package signature.
    let mut kp = kp_with(|_| {});
    kp.leaf_node.signature = bytes(0x99, 64);
    kp.sign(&signer(&kp.leaf_node), &Tagged).unwrap();
    assert_eq!(rule(&kp), ProtocolError::LeafNodeSignatureInvalid);
    // A leaf key already used in the group.
    let kp = kp_with(|_| {});
    let pairs: &[(&[u8], &[u8])] = &[(&[0x59; 32], kp.leaf_node.encryption_key.as_slice())];
    assert_eq!(
        validate_key_package(&kp, &validator(), pairs),
        Err(ProtocolError::DuplicateEncryptionKey.into())
    );
}

#[test]
fn lifetime_expired_or_not_yet_valid_and_skip() {
    let kp = kp_with(|_| {});
    for now in [1_600_000_000, 1_900_000_000] {
        let v = LeafNodeValidator::new(&Tagged, &AcceptAll, now);
        assert_eq!(
            rule_with(&v, &kp),
            ProtocolError::LifetimeNotValid {
                not_before: 1_700_000_000,
                not_after: 1_800_000_000,
                now
            }
        );
        let skip = v.with_lifetime_check(LifetimeCheck::Skip);
        validate_key_package(&kp, &skip, &NoOtherLeaves).unwrap();
    }
    let kp = kp_with(|kp| {
        kp.leaf_node.leaf_node_source = LeafNodeSource::KeyPackage(Lifetime {
            not_before: NOW + 1,
            not_after: NOW + 2,
        });
    });
    assert!(matches!(rule(&kp), ProtocolError::LifetimeNotValid { .. }));
}

#[test]
fn duplicate_key_package_extension() {
    let kp = kp_with(|kp| {
        let mut extensions = kp.extensions.as_slice().to_vec();
        extensions.extend(extensions.clone());
        kp.extensions = Extensions::from_vec(extensions);
    });
    assert_eq!(rule(&kp), ProtocolError::DuplicateExtension(1));
}
