//! §5.1.1: a signature key in another encoding than the RFC's (here a
//! compressed P-256 point) is refused by its own error, the same on every
//! backend, before any backend parses it.

use interop::clients::{client, seed};
use mls_core::cipher_suite::SignatureScheme;
use mls_core::codec::VarBytes;
use mls_core::extensions::Extensions;
use mls_core::group::{Group, GroupConfig, KeyPackageOptions};
use mls_core::{CipherSuite, Error, ProtocolError};

const P256: CipherSuite = CipherSuite::MLS_128_DHKEMP256_AES128GCM_SHA256_P256;

#[test]
fn a_compressed_ecdsa_key_is_named_on_every_backend() {
    for backend in ["rustcrypto", "ring", "aws-lc"] {
        let alice = client(backend, P256, "alice", seed(1)).unwrap();
        let bob = client(backend, P256, "bob", seed(2)).unwrap();
        let mut a = Group::create(&alice, P256, Extensions::new(), GroupConfig::default()).unwrap();
        let mut kp = bob
            .generate_key_package(P256, &KeyPackageOptions::default())
            .unwrap();
        // 0x02/0x03 || X: the same point, compressed.
        let point = kp.leaf_node.signature_key.as_slice().to_vec();
        assert_eq!((point.len(), point[0]), (65, 0x04));
        let mut compressed = vec![0x02 | (point[64] & 1)];
        compressed.extend_from_slice(&point[1..33]);
        let prefix = compressed[0];
        kp.leaf_node.signature_key = VarBytes::new(compressed);
        match a.add_members(&[kp]) {
            Err(Error::Protocol(ProtocolError::MalformedSignatureKey {
                scheme,
                len,
                first_byte,
            })) => {
                assert_eq!(scheme, SignatureScheme::EcdsaSecp256r1Sha256, "{backend}");
                assert_eq!((len, first_byte), (33, Some(prefix)), "{backend}");
            }
            other => panic!("{backend}: expected MalformedSignatureKey, got {other:?}"),
        }
        assert!(!a.has_pending_commit(), "{backend}");
    }
}
