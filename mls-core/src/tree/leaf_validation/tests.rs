//! One test per §7.3 rule: start from a valid, signed leaf, change the one
//! thing named, re-sign, and expect exactly the variant of that rule.

use super::*;
use crate::codec::{VarBytes, VarVec};
use crate::credential::{AcceptAll, BasicIdentityAllowList};
use crate::extensions::{Extension, Extensions};
use crate::tree::leaf_node::Lifetime;
use crate::tree_math::LeafIndex;
use crate::wire_fixtures::{
    GREASE, SUITE, Tagged, TaggedSigner, bytes, key_package_leaf, leaf_node, x509_credential,
};

/// Inside the fixture leaf's lifetime [1_700_000_000, 1_800_000_000].
const NOW: u64 = 1_750_000_000;

fn tbs_ctx(leaf: u32) -> LeafNodeTbsContext<'static> {
    LeafNodeTbsContext {
        group_id: b"group",
        leaf_index: LeafIndex(leaf),
    }
}

/// Signs `leaf` with the key it names, for the group binding of leaf 3
/// where its source has one.
fn signed(mut leaf: LeafNode) -> LeafNode {
    let signer = TaggedSigner(leaf.signature_key.as_slice().to_vec());
    leaf.sign(&signer, &Tagged, Some(tbs_ctx(3))).unwrap();
    leaf
}

/// A valid key_package leaf with `change` applied, then signed.
fn kp_leaf_with(change: impl FnOnce(&mut LeafNode)) -> LeafNode {
    let mut leaf = key_package_leaf();
    change(&mut leaf);
    signed(leaf)
}

fn kp_leaf() -> LeafNode {
    kp_leaf_with(|_| {})
}

fn validator() -> LeafNodeValidator<'static> {
    LeafNodeValidator::new(&Tagged, &AcceptAll, NOW)
}

fn check(v: &LeafNodeValidator<'_>, leaf: &LeafNode) -> Result<(), Error> {
    v.validate(leaf, ExpectedSource::KeyPackage, &NoOtherLeaves)
}

/// The ProtocolError of a failed check.
fn rule(result: Result<(), Error>) -> ProtocolError {
    match result {
        Err(Error::Protocol(p)) => p,
        other => panic!("expected a protocol error, got {other:?}"),
    }
}

#[test]
fn valid_leaves_pass_for_their_source() {
    let update = signed(leaf_node(LeafNodeSource::Update));
    let commit = signed(leaf_node(LeafNodeSource::Commit(bytes(0xaa, 32))));
    let v = validator();
    check(&v, &kp_leaf()).unwrap();
    v.validate(&update, ExpectedSource::Update(tbs_ctx(3)), &NoOtherLeaves)
        .unwrap();
    v.validate(&commit, ExpectedSource::Commit(tbs_ctx(3)), &NoOtherLeaves)
        .unwrap();
    for leaf in [kp_leaf(), update, commit] {
        v.validate(&leaf, ExpectedSource::Any(tbs_ctx(3)), &NoOtherLeaves)
            .unwrap();
    }
}

#[test]
fn bad_signature() {
    let mut leaf = kp_leaf();
    leaf.encryption_key = bytes(0xe2, 32);
    assert_eq!(
        rule(check(&validator(), &leaf)),
        ProtocolError::LeafNodeSignatureInvalid
    );
    // Signed under another key than signature_key.
    let mut leaf = key_package_leaf();
    leaf.sign(&TaggedSigner(vec![0x52; 32]), &Tagged, None)
        .unwrap();
    assert_eq!(
        rule(check(&validator(), &leaf)),
        ProtocolError::LeafNodeSignatureInvalid
    );
    // An update leaf signed for leaf 3, presented at leaf 4 or in another group.
    let update = signed(leaf_node(LeafNodeSource::Update));
    let other_group = LeafNodeTbsContext {
        group_id: b"other",
        leaf_index: LeafIndex(3),
    };
    for ctx in [tbs_ctx(4), other_group] {
        for expected in [ExpectedSource::Update(ctx), ExpectedSource::Any(ctx)] {
            assert_eq!(
                rule(validator().validate(&update, expected, &NoOtherLeaves)),
                ProtocolError::LeafNodeSignatureInvalid
            );
        }
    }
}

#[test]
fn credential_rejected_by_the_validator() {
    let leaf = kp_leaf();
    let key = leaf.signature_key.as_slice().to_vec();
    let reject = |list: &BasicIdentityAllowList| {
        rule(check(&LeafNodeValidator::new(&Tagged, list, NOW), &leaf))
    };
    let rejected = |reason: &str| ProtocolError::CredentialRejected {
        reason: reason.to_owned(),
    };
    assert_eq!(
        reject(&BasicIdentityAllowList::new()),
        rejected("identity is not on the allow list")
    );
    assert_eq!(
        reject(&BasicIdentityAllowList::new().allow(b"bob".to_vec(), key.clone())),
        rejected("identity is not on the allow list")
    );
    assert_eq!(
        reject(&BasicIdentityAllowList::new().allow(b"alice".to_vec(), vec![0x52; 32])),
        rejected("identity is allowed, but with another signature key")
    );
    let list = BasicIdentityAllowList::new().allow(b"alice".to_vec(), key);
    check(&LeafNodeValidator::new(&Tagged, &list, NOW), &leaf).unwrap();

    // The allow list takes basic credentials only.
    let x509 = kp_leaf_with(|l| {
        l.credential = x509_credential();
        l.capabilities.credentials = VarVec::new(vec![CredentialType::X509]);
    });
    check(&validator(), &x509).unwrap();
    assert_eq!(
        rule(check(&LeafNodeValidator::new(&Tagged, &list, NOW), &x509)),
        rejected("credential type 0x0002 is not accepted; only basic credentials are")
    );
}

#[test]
fn credential_type_not_in_own_capabilities() {
    let leaf = kp_leaf_with(|l| {
        l.capabilities.credentials = VarVec::new(vec![CredentialType(GREASE[1])]);
    });
    assert_eq!(
        rule(check(&validator(), &leaf)),
        ProtocolError::CredentialTypeNotInCapabilities { credential_type: 1 }
    );
}

#[test]
fn protocol_version_and_cipher_suite_must_be_supported() {
    let no_mls10 = kp_leaf_with(|l| l.capabilities.versions = VarVec::new(vec![GREASE[0]]));
    assert_eq!(
        rule(check(&validator(), &no_mls10)),
        ProtocolError::MissingCapability {
            what: "protocol version",
            code: 1
        }
    );
    let no_suite = kp_leaf_with(|l| l.capabilities.cipher_suites = VarVec::new(vec![0x0003]));
    assert_eq!(
        rule(check(&validator(), &no_suite)),
        ProtocolError::MissingCapability {
            what: "cipher suite",
            code: SUITE.code()
        }
    );
}

#[test]
fn required_capabilities_must_be_supported() {
    let leaf = kp_leaf();
    let with = |required: RequiredCapabilities| {
        let v = validator().with_required_capabilities(Some(&required));
        check(&v, &leaf)
    };
    let missing = |what, code| ProtocolError::MissingCapability { what, code };

    // What the fixture lists, and default types, which need not be listed.
    with(RequiredCapabilities {
        extension_types: VarVec::new(vec![ExtensionType(GREASE[0]), ExtensionType::RATCHET_TREE]),
        proposal_types: VarVec::new(vec![ProposalType(0xF000), ProposalType::REMOVE]),
        credential_types: VarVec::new(vec![CredentialType::BASIC]),
    })
    .unwrap();

    let err = with(RequiredCapabilities {
        extension_types: VarVec::new(vec![ExtensionType(0xF001)]),
        ..RequiredCapabilities::default()
    });
    assert_eq!(rule(err), missing("required extension type", 0xF001));

    let err = with(RequiredCapabilities {
        proposal_types: VarVec::new(vec![ProposalType(0x0008)]),
        ..RequiredCapabilities::default()
    });
    assert_eq!(rule(err), missing("required proposal type", 0x0008));

    // Credential types have no defaults (§11.1).
    let err = with(RequiredCapabilities {
        credential_types: VarVec::new(vec![CredentialType::X509]),
        ..RequiredCapabilities::default()
    });
    assert_eq!(rule(err), missing("required credential type", 2));
}

#[test]
fn extension_not_in_capabilities() {
    let leaf = kp_leaf_with(|l| {
        let mut extensions = l.extensions.as_slice().to_vec();
        extensions.push(Extension {
            extension_type: ExtensionType(0xF0F0),
            extension_data: bytes(1, 2),
        });
        l.extensions = Extensions::from_vec(extensions);
    });
    assert_eq!(
        rule(check(&validator(), &leaf)),
        ProtocolError::ExtensionNotInCapabilities {
            extension_type: 0xF0F0
        }
    );
    // Default extension types (§7.2) need not be listed: the fixture carries
    // application_id; drop it from the capabilities and add ratchet_tree.
    let defaults = kp_leaf_with(|l| {
        l.capabilities.extensions = VarVec::new(vec![ExtensionType(GREASE[0])]);
        let mut extensions = l.extensions.as_slice().to_vec();
        extensions.push(Extension {
            extension_type: ExtensionType::RATCHET_TREE,
            extension_data: bytes(0, 1),
        });
        l.extensions = Extensions::from_vec(extensions);
    });
    check(&validator(), &defaults).unwrap();
    // §13: one extension type twice.
    let twice = kp_leaf_with(|l| {
        let mut extensions = l.extensions.as_slice().to_vec();
        extensions.extend(extensions.clone());
        l.extensions = Extensions::from_vec(extensions);
    });
    assert_eq!(
        rule(check(&validator(), &twice)),
        ProtocolError::DuplicateExtension(ExtensionType::APPLICATION_ID.0)
    );
}

#[test]
fn credential_type_some_member_cannot_handle() {
    let members = MemberCredentialTypes {
        in_use: vec![CredentialType::X509],
        supported_by_all: Some(vec![CredentialType::X509]),
    };
    let leaf = kp_leaf();
    assert_eq!(
        rule(check(&validator().with_members(&members), &leaf)),
        ProtocolError::CredentialTypeNotSupportedByMembers { credential_type: 1 }
    );
}

#[test]
fn leaf_must_support_member_credential_types() {
    let members = MemberCredentialTypes {
        in_use: vec![CredentialType::BASIC, CredentialType::X509],
        supported_by_all: Some(vec![CredentialType::BASIC, CredentialType::X509]),
    };
    let leaf = kp_leaf();
    assert_eq!(
        rule(check(&validator().with_members(&members), &leaf)),
        ProtocolError::MemberCredentialTypeNotSupported { credential_type: 2 }
    );
    let both = kp_leaf_with(|l| {
        l.capabilities.credentials = VarVec::new(vec![CredentialType::X509, CredentialType::BASIC]);
    });
    check(&validator().with_members(&members), &both).unwrap();
}

#[test]
fn member_credential_types_from_leaves() {
    assert_eq!(
        MemberCredentialTypes::from_leaves([]),
        MemberCredentialTypes::default()
    );
    let basic = key_package_leaf(); // basic; lists basic and GREASE
    let mut x509 = key_package_leaf();
    x509.credential = x509_credential();
    x509.capabilities.credentials = VarVec::new(vec![
        CredentialType::X509,
        CredentialType::BASIC,
        CredentialType(GREASE[1]),
    ]);
    let got = MemberCredentialTypes::from_leaves([&basic, &x509, &basic]);
    assert_eq!(got.in_use, [CredentialType::BASIC, CredentialType::X509]);
    assert_eq!(
        got.supported_by_all,
        Some(vec![CredentialType::BASIC, CredentialType(GREASE[1])])
    );
    // The x509 member is not supported by the basic one.
    let x509_leaf = kp_leaf_with(|l| {
        l.credential = x509_credential();
        l.capabilities.credentials = VarVec::new(vec![CredentialType::X509, CredentialType::BASIC]);
    });
    assert_eq!(
        rule(check(&validator().with_members(&got), &x509_leaf)),
        ProtocolError::CredentialTypeNotSupportedByMembers { credential_type: 2 }
    );
}

#[test]
fn wrong_leaf_node_source() {
    let update = signed(leaf_node(LeafNodeSource::Update));
    let commit = signed(leaf_node(LeafNodeSource::Commit(bytes(0xaa, 32))));
    let kp = kp_leaf();
    let cases = [
        (&update, ExpectedSource::KeyPackage, "update"),
        (&commit, ExpectedSource::KeyPackage, "commit"),
        (&kp, ExpectedSource::Update(tbs_ctx(3)), "key_package"),
        (&commit, ExpectedSource::Update(tbs_ctx(3)), "commit"),
        (&kp, ExpectedSource::Commit(tbs_ctx(3)), "key_package"),
        (&update, ExpectedSource::Commit(tbs_ctx(3)), "update"),
    ];
    for (leaf, expected, source) in cases {
        match rule(validator().validate(leaf, expected, &NoOtherLeaves)) {
            ProtocolError::WrongLeafNodeSource { found, .. } => assert_eq!(found, source),
            other => panic!("expected WrongLeafNodeSource, got {other:?}"),
        }
    }
}

#[test]
fn lifetime_outside_now() {
    let leaf = kp_leaf();
    let (not_before, not_after) = (1_700_000_000, 1_800_000_000);
    for now in [0, not_before - 1, not_after + 1, u64::MAX] {
        assert_eq!(
            rule(check(
                &LeafNodeValidator::new(&Tagged, &AcceptAll, now),
                &leaf
            )),
            ProtocolError::LifetimeNotValid {
                not_before,
                not_after,
                now
            }
        );
    }
    // Both ends are inclusive.
    for now in [not_before, not_after] {
        check(&LeafNodeValidator::new(&Tagged, &AcceptAll, now), &leaf).unwrap();
    }
    // An inverted lifetime holds no time at all.
    let inverted = kp_leaf_with(|l| {
        l.leaf_node_source = LeafNodeSource::KeyPackage(Lifetime {
            not_before: NOW + 1,
            not_after: NOW - 1,
        });
    });
    assert!(matches!(
        rule(check(&validator(), &inverted)),
        ProtocolError::LifetimeNotValid { .. }
    ));
}

#[test]
fn lifetime_check_is_on_by_default_and_can_be_skipped() {
    let leaf = kp_leaf();
    let late = 1_900_000_000;
    let on = LeafNodeValidator::new(&Tagged, &AcceptAll, late);
    assert!(matches!(
        rule(check(&on, &leaf)),
        ProtocolError::LifetimeNotValid { .. }
    ));
    assert!(matches!(
        rule(check(
            &on.with_lifetime_check(LifetimeCheck::At(late)),
            &leaf
        )),
        ProtocolError::LifetimeNotValid { .. }
    ));
    check(&on.with_lifetime_check(LifetimeCheck::Skip), &leaf).unwrap();
    // Skipping the lifetime skips nothing else.
    let mut tampered = leaf.clone();
    tampered.encryption_key = bytes(0xe2, 32);
    assert_eq!(
        rule(check(
            &on.with_lifetime_check(LifetimeCheck::Skip),
            &tampered
        )),
        ProtocolError::LeafNodeSignatureInvalid
    );
    // Update and commit leaves carry no lifetime.
    let update = signed(leaf_node(LeafNodeSource::Update));
    on.validate(&update, ExpectedSource::Update(tbs_ctx(3)), &NoOtherLeaves)
        .unwrap();
}

#[test]
fn signature_key_already_used() {
    let leaf = kp_leaf();
    let mut other = key_package_leaf();
    other.encryption_key = bytes(0xe9, 32);
    let others: &[&LeafNode] = &[&other];
    assert_eq!(
        rule(validator().validate(&leaf, ExpectedSource::KeyPackage, others)),
        ProtocolError::DuplicateSignatureKey
    );
    let pairs: &[(&[u8], &[u8])] = &[(&[0x51; 32], &[0xe9; 32])];
    assert_eq!(
        rule(validator().validate(&leaf, ExpectedSource::KeyPackage, pairs)),
        ProtocolError::DuplicateSignatureKey
    );
}

#[test]
fn encryption_key_already_used() {
    let leaf = kp_leaf();
    let mut other = key_package_leaf();
    other.signature_key = bytes(0x59, 32);
    let others: &[&LeafNode] = &[&other];
    assert_eq!(
        rule(validator().validate(&leaf, ExpectedSource::KeyPackage, others)),
        ProtocolError::DuplicateEncryptionKey
    );
    let pairs: &[(&[u8], &[u8])] = &[(&[0x59; 32], &[0xe1; 32])];
    assert_eq!(
        rule(validator().validate(&leaf, ExpectedSource::KeyPackage, pairs)),
        ProtocolError::DuplicateEncryptionKey
    );
    // Distinct keys pass.
    let pairs: &[(&[u8], &[u8])] = &[(&[0x59; 32], &[0xe9; 32])];
    validator()
        .validate(&leaf, ExpectedSource::KeyPackage, pairs)
        .unwrap();
}

#[test]
fn update_must_change_the_encryption_key() {
    let old = signed(leaf_node(LeafNodeSource::Commit(bytes(0xaa, 32))));
    let same = signed(leaf_node(LeafNodeSource::Update));
    // Otherwise valid: the leaf being replaced is not among the others.
    validator()
        .validate(&same, ExpectedSource::Update(tbs_ctx(3)), &NoOtherLeaves)
        .unwrap();
    assert_eq!(
        check_update_changes_encryption_key(&same, &old),
        Err(ProtocolError::UpdateKeepsEncryptionKey)
    );
    let mut fresh = leaf_node(LeafNodeSource::Update);
    fresh.encryption_key = VarBytes::new(vec![0xe2; 32]);
    check_update_changes_encryption_key(&fresh, &old).unwrap();
}

#[test]
fn default_types() {
    assert!(!is_default_extension(ExtensionType(0)));
    assert!((1..=5).all(|t| is_default_extension(ExtensionType(t))));
    assert!(!is_default_extension(ExtensionType(6)));
    assert!(!is_default_extension(ExtensionType(GREASE[0])));
    assert!(!is_default_proposal(ProposalType(0)));
    assert!((1..=7).all(|t| is_default_proposal(ProposalType(t))));
    assert!(!is_default_proposal(ProposalType(8)));
}

#[test]
fn messages_name_the_rule_and_section() {
    let msg = ProtocolError::LifetimeNotValid {
        not_before: 1,
        not_after: 2,
        now: 3,
    }
    .to_string();
    assert!(msg.contains("lifetime") && msg.contains("§7.3"), "{msg}");
    let msg = ProtocolError::CredentialRejected {
        reason: "nope".into(),
    }
    .to_string();
    assert!(msg.contains("nope") && msg.contains("§5.3.1"), "{msg}");
}
