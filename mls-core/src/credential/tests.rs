use super::*;
use crate::codec::{decode_exact, encode};
use crate::error::DecodeError;
use crate::wire_fixtures::{round_trip, truncations_fail, x509_credential};

#[test]
fn basic_credential_encodes_type_then_identity() {
    let c = Credential::basic(b"alice".to_vec());
    assert_eq!(c.credential_type(), CredentialType::BASIC);
    let encoded = round_trip(&c);
    assert_eq!(encoded, b"\x00\x01\x05alice");
    truncations_fail::<Credential>(&encoded);
}

#[test]
fn x509_credential_round_trips() {
    let c = x509_credential();
    assert_eq!(c.credential_type(), CredentialType::X509);
    let encoded = round_trip(&c);
    // type, chain length (1 + 40 + 1 + 3 = 45 bytes), first certificate.
    assert_eq!(&encoded[..4], &[0x00, 0x02, 45, 40]);
    truncations_fail::<Credential>(&encoded);
}

#[test]
fn unknown_credential_type_is_a_typed_error() {
    for code in [0u16, 3, 0x0A0A, 0xFFFF] {
        let mut bytes = code.to_be_bytes().to_vec();
        bytes.extend_from_slice(b"\x05alice");
        assert_eq!(
            decode_exact::<Credential>(&bytes).unwrap_err(),
            DecodeError::UnknownCredentialType(code)
        );
    }
}

#[test]
fn unknown_credential_type_survives_nesting() {
    // A certificate chain inside a vector inside a struct: the typed error
    // must come back through tls_codec's string error at every level.
    let sender = crate::extensions::ExternalSender {
        signature_key: VarBytes::new(vec![1, 2]),
        credential: Credential::basic(b"x".to_vec()),
    };
    let mut bytes = encode(&sender).unwrap();
    // signature_key is 3 bytes; the credential type follows.
    bytes[3] = 0x00;
    bytes[4] = 0x07;
    assert_eq!(
        decode_exact::<crate::extensions::ExternalSender>(&bytes).unwrap_err(),
        DecodeError::UnknownCredentialType(7)
    );
}

#[test]
fn certificate_round_trips() {
    let cert = Certificate {
        cert_data: VarBytes::new(vec![0x30; 100]),
    };
    let encoded = round_trip(&cert);
    assert_eq!(&encoded[..2], &[0x40, 100]);
    truncations_fail::<Certificate>(&encoded);
}
