use super::*;
use crate::codec::{decode_exact, encode, write_varint};
use crate::error::DecodeError;
use crate::key_schedule::ResumptionPskUsage;
use crate::tree::leaf_node::LeafNodeSource;
use crate::wire_fixtures::{
    SUITE, Tagged, bytes, extensions_with_grease, key_package, leaf_node, round_trip,
    truncations_fail,
};

fn every_proposal() -> Vec<Proposal> {
    vec![
        Proposal::Add(Add {
            key_package: key_package(),
        }),
        Proposal::Update(Update {
            leaf_node: leaf_node(LeafNodeSource::Update),
        }),
        Proposal::Remove(Remove {
            removed: 0x0102_0304,
        }),
        Proposal::PreSharedKey(PreSharedKey {
            psk: PreSharedKeyId::external(b"psk".to_vec(), vec![7; 32]),
        }),
        Proposal::PreSharedKey(PreSharedKey {
            psk: PreSharedKeyId::resumption(
                ResumptionPskUsage::Application,
                b"g".to_vec(),
                3,
                vec![8; 32],
            ),
        }),
        Proposal::ReInit(ReInit {
            group_id: VarBytes::new(b"new".to_vec()),
            version: ProtocolVersion,
            cipher_suite: SUITE,
            extensions: extensions_with_grease(),
        }),
        Proposal::ExternalInit(ExternalInit {
            kem_output: bytes(0x4b, 32),
        }),
        Proposal::GroupContextExtensions(GroupContextExtensions {
            extensions: extensions_with_grease(),
        }),
        Proposal::Custom(CustomProposal::new(ProposalType(0xF000), bytes(1, 3)).unwrap()),
        Proposal::Custom(CustomProposal::new(ProposalType(0x0A0A), VarBytes::default()).unwrap()),
    ]
}

#[test]
fn every_proposal_round_trips_with_its_type_first() {
    for p in every_proposal() {
        let encoded = round_trip(&p);
        assert_eq!(encoded[..2], p.proposal_type().0.to_be_bytes(), "{p:?}");
        truncations_fail::<Proposal>(&encoded);
    }
}

#[test]
fn bodies_round_trip_on_their_own() {
    for p in every_proposal() {
        let encoded = encode(&p).unwrap();
        let body = &encoded[2..];
        match &p {
            Proposal::Add(x) => assert_eq!(round_trip(x), body),
            Proposal::Update(x) => assert_eq!(round_trip(x), body),
            Proposal::Remove(x) => assert_eq!(round_trip(x), body),
            Proposal::PreSharedKey(x) => assert_eq!(round_trip(x), body),
            Proposal::ReInit(x) => assert_eq!(round_trip(x), body),
            Proposal::ExternalInit(x) => assert_eq!(round_trip(x), body),
            Proposal::GroupContextExtensions(x) => assert_eq!(round_trip(x), body),
            Proposal::Custom(x) => assert_eq!(round_trip(x.data()), body),
        }
    }
}

#[test]
fn remove_layout() {
    assert_eq!(
        round_trip(&Proposal::Remove(Remove { removed: 5 })),
        [0, 3, 0, 0, 0, 5]
    );
}

#[test]
fn reserved_proposal_type_is_rejected() {
    assert_eq!(
        decode_exact::<Proposal>(&[0, 0, 0, 0, 0, 5]).unwrap_err(),
        DecodeError::UnknownValue(0)
    );
}

#[test]
fn unassigned_proposal_types_decode_as_custom() {
    let p: Proposal = decode_exact(&[0x0a, 0x0a, 2, 0xde, 0xad]).unwrap();
    let Proposal::Custom(c) = &p else {
        panic!("{p:?}")
    };
    assert_eq!(c.proposal_type(), ProposalType(0x0A0A));
    assert_eq!(c.data().as_slice(), [0xde, 0xad]);
    assert!(!c.proposal_type().is_rfc_assigned());
    // A custom body is opaque<V>: a bad header is still an error.
    assert_eq!(
        decode_exact::<Proposal>(&[0x0a, 0x0a, 5, 1]).unwrap_err(),
        DecodeError::LengthExceedsInput
    );
}

#[test]
fn custom_proposal_cannot_claim_an_assigned_type() {
    for t in 0..=7u16 {
        assert!(CustomProposal::new(ProposalType(t), VarBytes::default()).is_none());
        assert!(ProposalType(t).is_rfc_assigned());
    }
    assert!(CustomProposal::new(ProposalType(8), VarBytes::default()).is_some());
}

#[test]
fn unknown_psk_type_is_rejected_and_any_reinit_suite_decodes() {
    let psk = Proposal::PreSharedKey(PreSharedKey {
        psk: PreSharedKeyId::external(b"x".to_vec(), vec![1]),
    });
    let mut encoded = encode(&psk).unwrap();
    assert_eq!(encoded[2], 1); // psktype external
    encoded[2] = 3;
    assert_eq!(
        decode_exact::<Proposal>(&encoded).unwrap_err(),
        DecodeError::UnknownValue(3)
    );

    let reinit = ReInit {
        group_id: VarBytes::default(),
        version: ProtocolVersion,
        cipher_suite: SUITE,
        extensions: Default::default(),
    };
    let mut encoded = encode(&reinit).unwrap();
    assert_eq!(encoded, [0, 0, 1, 0, 1, 0]);
    encoded[4] = 9;
    let decoded = decode_exact::<ReInit>(&encoded).unwrap();
    assert_eq!(decoded.cipher_suite.code(), 0x0009);
}

#[test]
fn proposal_or_ref_round_trips() {
    let by_value = ProposalOrRef::Proposal(Proposal::Remove(Remove { removed: 1 }));
    assert_eq!(round_trip(&by_value), [1, 0, 3, 0, 0, 0, 1]);
    let by_ref = ProposalOrRef::Reference(ProposalRef(bytes(0xab, 32)));
    let encoded = round_trip(&by_ref);
    assert_eq!(encoded[..2], [2, 32]);
    truncations_fail::<ProposalOrRef>(&encoded);
    for t in [0u8, 3] {
        assert_eq!(
            decode_exact::<ProposalOrRef>(&[t, 0]).unwrap_err(),
            DecodeError::UnknownValue(t.into())
        );
    }
}

#[test]
fn proposal_ref_hashes_label_and_authenticated_content() {
    let content = b"authenticated content bytes";
    let r = ProposalRef::from_authenticated_content(&Tagged, content).unwrap();
    let mut want = vec![26];
    want.extend_from_slice(b"MLS 1.0 Proposal Reference");
    write_varint(content.len(), &mut want).unwrap();
    want.extend_from_slice(content);
    assert_eq!(r.as_slice(), want);
}
