use super::*;
use crate::codec::{decode_exact, encode};
use crate::error::DecodeError;
use crate::group::proposal::{Proposal, ProposalRef, Remove};
use crate::tree::leaf_node::LeafNodeSource;
use crate::wire_fixtures::{bytes, leaf_node, round_trip, truncations_fail};

fn ciphertext(fill: u8) -> HpkeCiphertextWire {
    HpkeCiphertextWire {
        kem_output: bytes(fill, 32),
        ciphertext: bytes(fill.wrapping_add(1), 48),
    }
}

fn path() -> UpdatePath {
    UpdatePath {
        leaf_node: leaf_node(LeafNodeSource::Commit(bytes(0x9a, 32))),
        nodes: VarVec::new(vec![
            UpdatePathNode {
                encryption_key: bytes(0xe3, 32),
                encrypted_path_secret: VarVec::new(vec![ciphertext(1), ciphertext(3)]),
            },
            UpdatePathNode {
                encryption_key: bytes(0xe4, 32),
                encrypted_path_secret: VarVec::default(),
            },
        ]),
    }
}

#[test]
fn hpke_ciphertext_layout_and_conversion() {
    let ct = HpkeCiphertextWire {
        kem_output: VarBytes::new(vec![1, 2]),
        ciphertext: VarBytes::new(vec![3]),
    };
    assert_eq!(round_trip(&ct), [2, 1, 2, 1, 3]);
    let plain: HpkeCiphertext = ct.clone().into();
    assert_eq!(plain.kem_output, [1, 2]);
    assert_eq!(plain.ciphertext, [3]);
    assert_eq!(HpkeCiphertextWire::from(plain), ct);
}

#[test]
fn commit_with_and_without_path_round_trips() {
    let proposals = VarVec::new(vec![
        ProposalOrRef::Proposal(Proposal::Remove(Remove { removed: 2 })),
        ProposalOrRef::Reference(ProposalRef(bytes(0xab, 32))),
    ]);
    let without = Commit {
        proposals: proposals.clone(),
        path: None,
    };
    let encoded = round_trip(&without);
    assert_eq!(encoded.last(), Some(&0));
    truncations_fail::<Commit>(&encoded);

    let with = Commit {
        proposals,
        path: Some(path()),
    };
    let encoded = round_trip(&with);
    truncations_fail::<Commit>(&encoded);

    let empty = Commit {
        proposals: VarVec::default(),
        path: None,
    };
    assert_eq!(round_trip(&empty), [0, 0]);
}

#[test]
fn path_presence_byte_must_be_0_or_1() {
    assert_eq!(
        decode_exact::<Commit>(&[0, 2]).unwrap_err(),
        DecodeError::InvalidOptional(2)
    );
}

#[test]
fn update_path_round_trips() {
    let encoded = round_trip(&path());
    truncations_fail::<UpdatePath>(&encoded);
    let path = path();
    let node = &path.nodes.as_slice()[0];
    let encoded = encode(node).unwrap();
    assert_eq!(decode_exact::<UpdatePathNode>(&encoded).unwrap(), *node);
}
