use super::*;
use crate::codec::{decode_exact, write_varint};
use crate::error::DecodeError;
use crate::wire_fixtures::{
    Tagged, TaggedSigner, bytes, key_package, round_trip, tagged_signature, truncations_fail,
};

#[test]
fn key_package_round_trips() {
    let kp = key_package();
    let encoded = round_trip(&kp);
    assert_eq!(&encoded[..4], &[0, 1, 0, 1]);
    truncations_fail::<KeyPackage>(&encoded);
}

#[test]
fn unknown_version_is_rejected_and_any_suite_decodes() {
    let encoded = encode(&key_package()).unwrap();
    let mut bad_version = encoded.clone();
    bad_version[1] = 2;
    assert_eq!(
        decode_exact::<KeyPackage>(&bad_version).unwrap_err(),
        DecodeError::UnknownValue(2)
    );
    for suite in [0u16, 8, 0x0A0A] {
        let mut bad_suite = encoded.clone();
        bad_suite[2..4].copy_from_slice(&suite.to_be_bytes());
        // The provider decides: validation refuses a suite it lacks.
        let decoded = decode_exact::<KeyPackage>(&bad_suite).unwrap();
        assert_eq!(decoded.cipher_suite.code(), suite);
    }
}

#[test]
fn tbs_is_the_package_without_signature() {
    let kp = key_package();
    let full = encode(&kp).unwrap();
    let sig = encode(&kp.signature).unwrap();
    assert_eq!(kp.tbs().unwrap(), full[..full.len() - sig.len()]);
}

#[test]
fn sign_then_verify() {
    let mut kp = key_package();
    let signer = TaggedSigner(kp.leaf_node.signature_key.as_slice().to_vec());
    kp.sign(&signer, &Tagged).unwrap();
    kp.verify_signature(&Tagged).unwrap();
    assert_eq!(
        kp.signature.as_slice(),
        tagged_signature(
            &kp.leaf_node.signature_key,
            "KeyPackageTBS",
            &kp.tbs().unwrap()
        )
    );

    let mut tampered = kp.clone();
    tampered.init_key = bytes(0x1d, 32);
    assert_eq!(
        tampered.verify_signature(&Tagged).unwrap_err(),
        Error::Protocol(ProtocolError::KeyPackageSignatureInvalid)
    );
    // The signature is checked under the leaf's key.
    let mut other_key = kp.clone();
    other_key.leaf_node.signature_key = bytes(0x52, 32);
    assert!(other_key.verify_signature(&Tagged).is_err());
}

#[test]
fn reference_hashes_label_and_encoding() {
    let kp = key_package();
    let encoded = encode(&kp).unwrap();
    // The fixture suite's hash is the identity: the reference is RefHashInput.
    let r = kp.reference(&Tagged).unwrap();
    let mut want = vec![28];
    want.extend_from_slice(b"MLS 1.0 KeyPackage Reference");
    write_varint(encoded.len(), &mut want).unwrap();
    want.extend_from_slice(&encoded);
    assert_eq!(r.as_slice(), want);
    assert_eq!(KeyPackageRef::from_encoded(&Tagged, &encoded).unwrap(), r);
    let encoded_ref = round_trip(&r);
    truncations_fail::<KeyPackageRef>(&encoded_ref);
}

#[test]
fn a_key_package_is_published_as_an_mls_message_and_read_back() {
    use crate::framing::{MlsMessage, WireFormat};
    let kp = key_package();
    let message = kp.to_message();
    assert_eq!(message.wire_format(), WireFormat::KeyPackage);
    let bytes = message.to_bytes().unwrap();
    // MLSMessage: version mls10 (1), wire format mls_key_package (5), then
    // the package itself.
    assert_eq!(&bytes[..4], &[0, 1, 0, 5]);
    assert_eq!(&bytes[4..], &round_trip(&kp)[..]);
    let read = MlsMessage::from_bytes(&bytes).unwrap();
    assert_eq!(read.into_key_package(), Some(kp.clone()));
    assert_eq!(MlsMessage::from(kp).to_bytes().unwrap(), bytes);
}
