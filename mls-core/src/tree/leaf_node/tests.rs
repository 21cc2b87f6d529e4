use super::*;
use crate::codec::decode_exact;
use crate::error::DecodeError;
use crate::wire_fixtures::{
    GREASE, Tagged, TaggedSigner, bytes, key_package_leaf, leaf_node, round_trip, tagged_signature,
    truncations_fail,
};

fn all_sources() -> [LeafNode; 3] {
    [
        key_package_leaf(),
        leaf_node(LeafNodeSource::Update),
        leaf_node(LeafNodeSource::Commit(bytes(0xaa, 32))),
    ]
}

#[test]
fn every_source_round_trips() {
    for leaf in all_sources() {
        let encoded = round_trip(&leaf);
        truncations_fail::<LeafNode>(&encoded);
    }
}

#[test]
fn leaf_node_source_discriminants() {
    let lifetime = Lifetime {
        not_before: 1,
        not_after: 2,
    };
    let kp = round_trip(&LeafNodeSource::KeyPackage(lifetime));
    assert_eq!(kp, [1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 2]);
    assert_eq!(round_trip(&LeafNodeSource::Update), [2]);
    assert_eq!(
        round_trip(&LeafNodeSource::Commit(VarBytes::new(vec![9]))),
        [3, 1, 9]
    );
}

#[test]
fn unknown_leaf_node_source_is_rejected() {
    for source in [0u8, 4, 0xff] {
        assert_eq!(
            decode_exact::<LeafNodeSource>(&[source]).unwrap_err(),
            DecodeError::UnknownValue(source.into())
        );
    }
    // Inside a whole leaf: change the source byte of an `update` leaf.
    let leaf = leaf_node(LeafNodeSource::Update);
    let mut encoded = encode(&leaf).unwrap();
    let at = encode(&leaf.encryption_key).unwrap().len()
        + encode(&leaf.signature_key).unwrap().len()
        + encode(&leaf.credential).unwrap().len()
        + encode(&leaf.capabilities).unwrap().len();
    assert_eq!(encoded[at], 2);
    encoded[at] = 0;
    assert_eq!(
        decode_exact::<LeafNode>(&encoded).unwrap_err(),
        DecodeError::UnknownValue(0)
    );
}

#[test]
fn grease_and_unknown_capabilities_survive() {
    let leaf = key_package_leaf();
    let encoded = round_trip(&leaf);
    let back: LeafNode = decode_exact(&encoded).unwrap();
    let caps = &back.capabilities;
    assert!(caps.versions.as_slice().contains(&GREASE[0]));
    assert!(caps.cipher_suites.as_slice().contains(&GREASE[1]));
    assert!(caps.lists_extension(ExtensionType(GREASE[0])));
    assert!(caps.lists_proposal(ProposalType(GREASE[2])));
    assert!(caps.lists_proposal(ProposalType(0xF000)));
    assert!(caps.supports_credential(CredentialType(GREASE[1])));
    assert!(caps.supports_mls10());
    assert!(caps.supports_cipher_suite(CipherSuite::MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519));
    assert!(!caps.supports_cipher_suite(CipherSuite::MLS_256_DHKEMP521_AES256GCM_SHA512_P521));
    // An unknown extension in the leaf's own list survives as well.
    assert!(back.extensions.get(ExtensionType(GREASE[0])).is_some());
}

#[test]
fn capabilities_layout() {
    let caps = Capabilities {
        versions: VarVec::new(vec![1]),
        cipher_suites: VarVec::new(vec![0x0A0A]),
        ..Capabilities::default()
    };
    assert_eq!(round_trip(&caps), [2, 0, 1, 2, 0x0a, 0x0a, 0, 0, 0]);
    // An odd number of bytes cannot hold u16 codes.
    assert!(decode_exact::<Capabilities>(&[1, 0, 0, 0, 0, 0]).is_err());
}

#[test]
fn unknown_credential_type_in_a_leaf_is_a_typed_error() {
    let leaf = key_package_leaf();
    let mut encoded = encode(&leaf).unwrap();
    let at =
        encode(&leaf.encryption_key).unwrap().len() + encode(&leaf.signature_key).unwrap().len();
    encoded[at] = 0x0a;
    encoded[at + 1] = 0x0a;
    assert_eq!(
        decode_exact::<LeafNode>(&encoded).unwrap_err(),
        DecodeError::UnknownCredentialType(0x0a0a)
    );
}

#[test]
fn key_package_leaf_tbs_is_the_leaf_without_signature() {
    let leaf = key_package_leaf();
    let full = encode(&leaf).unwrap();
    let sig_len = encode(&leaf.signature).unwrap().len();
    let tbs = leaf.tbs(None).unwrap();
    assert_eq!(tbs, full[..full.len() - sig_len]);
    // A group binding is not part of a key_package leaf's TBS.
    let ctx = LeafNodeTbsContext {
        group_id: b"g",
        leaf_index: LeafIndex(3),
    };
    assert_eq!(leaf.tbs(Some(ctx)).unwrap(), tbs);
}

#[test]
fn update_and_commit_tbs_append_group_id_and_leaf_index() {
    for leaf in &all_sources()[1..] {
        let full = encode(leaf).unwrap();
        let sig_len = encode(&leaf.signature).unwrap().len();
        let ctx = LeafNodeTbsContext {
            group_id: b"grp",
            leaf_index: LeafIndex(0x0102_0304),
        };
        let tbs = leaf.tbs(Some(ctx)).unwrap();
        let mut want = full[..full.len() - sig_len].to_vec();
        want.extend_from_slice(b"\x03grp\x01\x02\x03\x04");
        assert_eq!(tbs, want);
    }
}

#[test]
fn update_and_commit_tbs_need_a_group() {
    for leaf in &all_sources()[1..] {
        let err = leaf.tbs(None).unwrap_err();
        assert!(
            matches!(
                err,
                Error::Protocol(ProtocolError::WrongLeafNodeSource { found, .. })
                    if found == leaf.leaf_node_source.name()
            ),
            "{err:?}"
        );
    }
}

#[test]
fn sign_then_verify_key_package_leaf() {
    let mut leaf = key_package_leaf();
    let signer = TaggedSigner(leaf.signature_key.as_slice().to_vec());
    leaf.sign(&signer, &Tagged, None).unwrap();
    leaf.verify_signature(&Tagged, None).unwrap();
    assert_eq!(
        leaf.signature.as_slice(),
        tagged_signature(&leaf.signature_key, "LeafNodeTBS", &leaf.tbs(None).unwrap())
    );

    let mut tampered = leaf.clone();
    tampered.encryption_key = bytes(0xe2, 32);
    assert_eq!(
        tampered.verify_signature(&Tagged, None).unwrap_err(),
        Error::Protocol(ProtocolError::LeafNodeSignatureInvalid)
    );
}

#[test]
fn update_leaf_signature_is_bound_to_group_and_index() {
    let mut leaf = leaf_node(LeafNodeSource::Update);
    let signer = TaggedSigner(leaf.signature_key.as_slice().to_vec());
    let ctx = |group_id: &'static [u8], i| LeafNodeTbsContext {
        group_id,
        leaf_index: LeafIndex(i),
    };
    leaf.sign(&signer, &Tagged, Some(ctx(b"a", 1))).unwrap();
    leaf.verify_signature(&Tagged, Some(ctx(b"a", 1))).unwrap();
    for other in [ctx(b"b", 1), ctx(b"a", 2)] {
        assert_eq!(
            leaf.verify_signature(&Tagged, Some(other)).unwrap_err(),
            Error::Protocol(ProtocolError::LeafNodeSignatureInvalid)
        );
    }
}

#[test]
fn lifetime_bounds_are_inclusive() {
    let l = Lifetime {
        not_before: 10,
        not_after: 20,
    };
    assert!(!l.contains(9));
    assert!(l.contains(10));
    assert!(l.contains(20));
    assert!(!l.contains(21));
}
