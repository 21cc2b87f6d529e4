use super::*;
use crate::codec::{decode_exact, encode};
use crate::error::DecodeError;
use crate::key_schedule::ResumptionPskUsage;
use crate::wire_fixtures::{bytes, round_trip, truncations_fail};

fn group_secrets(path: bool) -> GroupSecrets {
    GroupSecrets {
        joiner_secret: Secret::new(vec![0x11; 32]),
        path_secret: path.then(|| PathSecret {
            path_secret: Secret::new(vec![0x22; 32]),
        }),
        psks: VarVec::new(vec![
            PreSharedKeyId::external(b"ext".to_vec(), vec![1; 32]),
            PreSharedKeyId::resumption(ResumptionPskUsage::Reinit, b"old".to_vec(), 9, vec![2; 32]),
        ]),
    }
}

#[test]
fn group_secrets_layout() {
    let gs = GroupSecrets {
        joiner_secret: Secret::new(vec![0xaa, 0xbb]),
        path_secret: Some(PathSecret {
            path_secret: Secret::new(vec![0xcc]),
        }),
        psks: VarVec::default(),
    };
    assert_eq!(round_trip(&gs), [2, 0xaa, 0xbb, 1, 1, 0xcc, 0]);
}

#[test]
fn group_secrets_round_trip() {
    for path in [false, true] {
        let encoded = round_trip(&group_secrets(path));
        truncations_fail::<GroupSecrets>(&encoded);
    }
    assert_eq!(
        decode_exact::<GroupSecrets>(&[0, 2, 0]).unwrap_err(),
        DecodeError::InvalidOptional(2)
    );
}

#[test]
fn group_secrets_debug_is_redacted() {
    let shown = format!("{:?}", group_secrets(true));
    assert!(shown.contains("redacted"), "{shown}");
    assert!(
        !shown.contains("11, 17") && !shown.contains("1111"),
        "{shown}"
    );
}

fn welcome() -> Welcome {
    Welcome {
        cipher_suite: crate::wire_fixtures::SUITE,
        secrets: VarVec::new(vec![
            EncryptedGroupSecrets {
                new_member: KeyPackageRef(bytes(0x01, 32)),
                encrypted_group_secrets: HpkeCiphertextWire {
                    kem_output: bytes(0x02, 32),
                    ciphertext: bytes(0x03, 80),
                },
            },
            EncryptedGroupSecrets {
                new_member: KeyPackageRef(bytes(0x04, 32)),
                encrypted_group_secrets: HpkeCiphertextWire {
                    kem_output: bytes(0x05, 32),
                    ciphertext: bytes(0x06, 80),
                },
            },
        ]),
        encrypted_group_info: bytes(0x07, 300),
    }
}

#[test]
fn welcome_round_trips() {
    let w = welcome();
    let encoded = round_trip(&w);
    truncations_fail::<Welcome>(&encoded);
    let second = KeyPackageRef(bytes(0x04, 32));
    assert_eq!(w.secrets_for(&second).map(|s| &s.new_member), Some(&second));
    assert!(w.secrets_for(&KeyPackageRef(bytes(0x09, 32))).is_none());
}

/// Any suite code point decodes; joining refuses one the provider lacks
/// (`Unsupported::CipherSuiteNotProvided`).
#[test]
fn welcome_with_unknown_suite_decodes_as_its_code_point() {
    let mut encoded = encode(&welcome()).unwrap();
    encoded[0] = 0x0a;
    encoded[1] = 0x0a;
    let decoded = decode_exact::<Welcome>(&encoded).unwrap();
    assert_eq!(decoded.cipher_suite.code(), 0x0a0a);
}
