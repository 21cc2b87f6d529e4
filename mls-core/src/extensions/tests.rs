use super::*;
use crate::codec::{decode_exact, encode};
use crate::tree::node::Node;
use crate::tree::parent_node::ParentNode;
use crate::wire_fixtures::{GREASE, bytes, extensions_with_grease, round_trip, truncations_fail};

fn every_known_extension() -> Extensions {
    let senders = ExternalSenders(VarVec::new(vec![
        ExternalSender {
            signature_key: bytes(0x51, 32),
            credential: Credential::basic(b"ds".to_vec()),
        },
        ExternalSender {
            signature_key: bytes(0x52, 32),
            credential: crate::wire_fixtures::x509_credential(),
        },
    ]));
    let tree = RatchetTree::new(vec![None, Some(Node::Parent(ParentNode::default())), None]);
    Extensions::from_vec(vec![
        ApplicationId {
            application_id: VarBytes::new(b"app".to_vec()),
        }
        .to_extension()
        .unwrap(),
        tree.to_extension().unwrap(),
        RequiredCapabilities {
            extension_types: VarVec::new(vec![ExtensionType::EXTERNAL_SENDERS]),
            proposal_types: VarVec::new(vec![ProposalType(0xF000)]),
            credential_types: VarVec::new(vec![CredentialType::X509]),
        }
        .to_extension()
        .unwrap(),
        ExternalPub {
            external_pub: bytes(0xe9, 32),
        }
        .to_extension()
        .unwrap(),
        senders.to_extension().unwrap(),
        Extension {
            extension_type: ExtensionType(GREASE[2]),
            extension_data: bytes(0, 7),
        },
    ])
}

#[test]
fn typed_getters_decode_each_known_extension() {
    let list = every_known_extension();
    let encoded = round_trip(&list);
    truncations_fail::<Extensions>(&encoded);
    let list: Extensions = decode_exact(&encoded).unwrap();
    list.check_no_duplicates().unwrap();

    assert_eq!(
        list.application_id()
            .unwrap()
            .unwrap()
            .application_id
            .as_slice(),
        b"app"
    );
    assert_eq!(list.ratchet_tree().unwrap().unwrap().nodes().len(), 3);
    let rc = list.required_capabilities().unwrap().unwrap();
    assert_eq!(rc.proposal_types.as_slice(), [ProposalType(0xF000)]);
    assert_eq!(
        list.external_pub().unwrap().unwrap().external_pub,
        bytes(0xe9, 32)
    );
    let senders = list.external_senders().unwrap().unwrap();
    assert_eq!(senders.get(1).unwrap().signature_key, bytes(0x52, 32));
    assert!(senders.get(2).is_none());
    assert!(senders.get(u32::MAX).is_none());
    // The unknown (GREASE) extension is kept as it came.
    assert_eq!(
        list.get(ExtensionType(GREASE[2])).unwrap().extension_data,
        bytes(0, 7)
    );
}

#[test]
fn absent_extension_is_none() {
    let list = extensions_with_grease();
    assert!(list.external_pub().unwrap().is_none());
    assert!(list.ratchet_tree().unwrap().is_none());
    assert!(Extensions::new().external_senders().unwrap().is_none());
}

#[test]
fn malformed_body_is_an_error_not_a_panic() {
    let with_body = |data: &[u8]| {
        Extensions::from_vec(vec![Extension {
            extension_type: ExtensionType::EXTERNAL_PUB,
            extension_data: VarBytes::new(data.to_vec()),
        }])
    };
    assert_eq!(
        with_body(&[]).external_pub().unwrap_err(),
        DecodeError::EndOfInput { needed: 0 }
    );
    assert_eq!(
        with_body(&[1, 9, 9]).external_pub().unwrap_err(),
        DecodeError::TrailingBytes(1)
    );
    assert_eq!(
        with_body(&[5, 9]).external_pub().unwrap_err(),
        DecodeError::LengthExceedsInput
    );
}

#[test]
fn duplicate_extension_types_are_detected() {
    let mut items = extensions_with_grease().as_slice().to_vec();
    items.push(Extension {
        extension_type: ExtensionType(GREASE[0]),
        extension_data: VarBytes::default(),
    });
    let list = Extensions::from_vec(items);
    // Decoding keeps the list as sent; the §13 rule is a separate check.
    let back: Extensions = decode_exact(&encode(&list).unwrap()).unwrap();
    assert_eq!(
        back.check_no_duplicates().unwrap_err(),
        ProtocolError::DuplicateExtension(GREASE[0])
    );
    extensions_with_grease().check_no_duplicates().unwrap();
    Extensions::new().check_no_duplicates().unwrap();
}

#[test]
fn extension_layout() {
    let ext = ExternalPub {
        external_pub: VarBytes::new(vec![1, 2]),
    }
    .to_extension()
    .unwrap();
    assert_eq!(round_trip(&ext), [0, 4, 3, 2, 1, 2]);
    let senders = ExternalSenders::default().to_extension().unwrap();
    assert_eq!(round_trip(&senders), [0, 5, 1, 0]);
}
