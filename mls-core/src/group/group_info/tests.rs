use super::*;
use crate::codec::{decode_exact, encode};
use crate::wire_fixtures::{
    Tagged, TaggedSigner, bytes, extensions_with_grease, group_context, round_trip,
    tagged_signature, truncations_fail,
};

fn group_info() -> GroupInfo {
    GroupInfo {
        group_context: group_context(),
        extensions: extensions_with_grease(),
        confirmation_tag: bytes(0xc0, 32),
        signer: 3,
        signature: bytes(0x5a, 64),
    }
}

#[test]
fn group_info_round_trips() {
    let encoded = round_trip(&group_info());
    truncations_fail::<GroupInfo>(&encoded);
}

/// Any suite code point decodes (a provider may define a private one);
/// joining refuses one the provider lacks.
#[test]
fn unknown_suite_in_group_context_decodes_as_its_code_point() {
    let mut encoded = encode(&group_info()).unwrap();
    encoded[3] = 0x42;
    let decoded = decode_exact::<GroupInfo>(&encoded).unwrap();
    assert_eq!(decoded.group_context.cipher_suite.code(), 0x42);
}

#[test]
fn tbs_ends_with_confirmation_tag_and_signer() {
    let gi = group_info();
    let tbs = gi.tbs().unwrap();
    let mut tail = encode(&gi.confirmation_tag).unwrap();
    tail.extend_from_slice(&[0, 0, 0, 3]);
    assert!(tbs.ends_with(&tail));
    let full = encode(&gi).unwrap();
    assert_eq!(full[..tbs.len()], tbs);
}

#[test]
fn sign_then_verify() {
    let key = bytes(0x51, 32);
    let mut gi = group_info();
    gi.sign(&TaggedSigner(key.as_slice().to_vec()), &Tagged)
        .unwrap();
    assert_eq!(
        gi.signature.as_slice(),
        tagged_signature(&key, "GroupInfoTBS", &gi.tbs().unwrap())
    );
    gi.verify_signature(&Tagged, key.as_slice()).unwrap();
    assert_eq!(
        gi.verify_signature(&Tagged, &[0x52; 32]).unwrap_err(),
        Error::Protocol(ProtocolError::GroupInfoSignatureInvalid)
    );
    let mut moved = gi.clone();
    moved.signer = 4;
    assert!(moved.verify_signature(&Tagged, key.as_slice()).is_err());
}
