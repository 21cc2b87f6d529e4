//! §5.1.1: a signature key in another encoding than the RFC's (a
//! compressed, hybrid, truncated, prefix-less or all-zero point) is
//! refused by its own error, the same on every backend, before any backend
//! parses it.

use interop::clients::{client, seed};
use mls_core::cipher_suite::SignatureScheme;
use mls_core::codec::VarBytes;
use mls_core::extensions::Extensions;
use mls_core::group::{Group, GroupConfig, KeyPackageOptions};
use mls_core::provider::CryptoProvider;
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

/// A malformed encoding made from the uncompressed point `0x04||X||Y`.
type Malform = fn(&[u8]) -> Vec<u8>;

/// Every malformed encoding of an ECDSA key tried, by name: §5.1.1 fixes
/// the uncompressed SEC1 point.
fn malformations() -> Vec<(&'static str, Malform)> {
    vec![
        ("hybrid 0x06", |p| [&[0x06], &p[1..]].concat()),
        ("hybrid 0x07", |p| [&[0x07], &p[1..]].concat()),
        ("one byte short", |p| p[..p.len() - 1].to_vec()),
        ("one byte too long", |p| [p, &[0]].concat()),
        ("no 0x04 prefix (X||Y)", |p| p[1..].to_vec()),
        ("X||Y with a zero byte in front", |p| {
            [&[0x00], &p[1..]].concat()
        }),
        ("all zero", |p| vec![0; p.len()]),
        ("the point at infinity (0x00)", |_| vec![0x00]),
        ("empty", |_| Vec::new()),
        ("0x04 alone", |_| vec![0x04]),
    ]
}

/// `f(point)`: the uncompressed point with its last coordinate byte
/// changed: the right shape, off the curve.
fn off_curve(point: &[u8]) -> Vec<u8> {
    let mut p = point.to_vec();
    let last = p.len() - 1;
    p[last] ^= 1;
    p
}

/// The ECDSA suites `backend` offers (at least P-256 on every backend).
fn ecdsa_suites(backend: &str) -> Vec<CipherSuite> {
    let suites: Vec<CipherSuite> = interop::clients::crypto(backend)
        .unwrap()
        .supported_cipher_suites()
        .into_iter()
        .filter(|s| {
            matches!(
                s.definition().unwrap().signature,
                SignatureScheme::EcdsaSecp256r1Sha256
                    | SignatureScheme::EcdsaSecp384r1Sha384
                    | SignatureScheme::EcdsaSecp521r1Sha512
            )
        })
        .collect();
    assert!(suites.contains(&P256), "{backend} offers P-256");
    suites
}

fn backends() -> Vec<&'static str> {
    interop::backends::all().iter().map(|b| b.name).collect()
}

/// Asserts `result` is `MalformedSignatureKey` for `key` under `scheme`.
fn assert_malformed<T: std::fmt::Debug>(
    result: Result<T, Error>,
    scheme: SignatureScheme,
    key: &[u8],
    what: &str,
) {
    match result {
        Err(Error::Protocol(ProtocolError::MalformedSignatureKey {
            scheme: s,
            len,
            first_byte,
        })) => assert_eq!(
            (s, len, first_byte),
            (scheme, key.len(), key.first().copied()),
            "{what}"
        ),
        other => panic!("{what}: expected MalformedSignatureKey, got {other:?}"),
    }
}

/// CHECKLIST "Authorization and identity": "A compressed or malformed
/// ECDSA public key (§5.1.1: uncompressed points only) is refused with its
/// own error, the same on every backend." A KeyPackage whose leaf carries
/// a hybrid point (0x06/0x07), a key one byte short or long, X||Y without
/// the 0x04 prefix, an all-zero key, the point at infinity, an empty key
/// or 0x04 alone is refused by `add_members` with `MalformedSignatureKey`
/// naming the scheme, the length and the first byte, on every backend and
/// every ECDSA suite it offers; nothing is committed.
///
/// A key of the right shape but off the curve cannot be told from a valid
/// one without decoding the point: the library leaves that to the backend
/// (see `mls_core::crypto::check_signature_key`), so it is refused as a
/// signature that does not verify: the KeyPackage's, which is checked
/// first (§10.1), `KeyPackageSignatureInvalid`, on every backend.
#[test]
fn a_malformed_ecdsa_key_in_a_key_package_is_named_on_every_backend() {
    for backend in backends() {
        for suite in ecdsa_suites(backend) {
            let scheme = suite.definition().unwrap().signature;
            let alice = client(backend, suite, "alice", seed(1)).unwrap();
            let bob = client(backend, suite, "bob", seed(2)).unwrap();
            let mut a =
                Group::create(&alice, suite, Extensions::new(), GroupConfig::default()).unwrap();
            let kp = bob
                .generate_key_package(suite, &KeyPackageOptions::default())
                .unwrap();
            let point = kp.leaf_node.signature_key.as_slice().to_vec();
            assert_eq!(point[0], 0x04, "{backend} {suite:?}");
            for (what, malform) in malformations() {
                let what = format!("{backend} {suite:?}: {what}");
                let key = malform(&point);
                let mut bad = kp.clone();
                bad.leaf_node.signature_key = VarBytes::new(key.clone());
                assert_malformed(a.add_members(&[bad]), scheme, &key, &what);
                assert!(!a.has_pending_commit(), "{what}");
            }
            let mut bad = kp.clone();
            bad.leaf_node.signature_key = VarBytes::new(off_curve(&point));
            match a.add_members(&[bad]) {
                Err(Error::Protocol(ProtocolError::KeyPackageSignatureInvalid)) => {}
                other => panic!(
                    "{backend} {suite:?}: off the curve: expected KeyPackageSignatureInvalid, \
                     got {other:?}"
                ),
            }
            assert!(!a.has_pending_commit(), "{backend} {suite:?}");
            assert_eq!(a.epoch(), 0, "{backend} {suite:?}");
            // The genuine KeyPackage still goes in.
            a.add_members(&[kp]).unwrap();
        }
    }
}

/// The same, on receipt, through the message signature (§6.1): a
/// `new_member_proposal` is verified under its Add's KeyPackage leaf key,
/// so a malformed key there is `MalformedSignatureKey` (not a mere
/// `ContentSignatureInvalid`), on every backend; an off-curve key is
/// `ContentSignatureInvalid`. The receiver's state is unchanged, in memory
/// and in storage; the genuine request is then accepted.
#[test]
fn a_malformed_ecdsa_key_in_a_received_message_is_named_on_every_backend() {
    for backend in backends() {
        let alice = client(backend, P256, "alice", seed(1)).unwrap();
        let zed = client(backend, P256, "zed", seed(3)).unwrap();
        let mut a = Group::create(&alice, P256, Extensions::new(), GroupConfig::default()).unwrap();
        let info = a.group_info(false).unwrap();
        let kp = zed
            .generate_key_package(P256, &KeyPackageOptions::default())
            .unwrap();
        let point = kp.leaf_node.signature_key.as_slice().to_vec();
        let before = super::support::snapshot(&a);
        for (what, malform) in malformations() {
            let what = format!("{backend}: {what}");
            let key = malform(&point);
            let mut bad = kp.clone();
            bad.leaf_node.signature_key = VarBytes::new(key.clone());
            let msg = zed.new_member_proposal(&info, bad).unwrap();
            assert_malformed(
                a.process_message(&msg),
                SignatureScheme::EcdsaSecp256r1Sha256,
                &key,
                &what,
            );
            super::support::assert_unchanged(&a, &alice, &before);
        }
        let mut bad = kp.clone();
        bad.leaf_node.signature_key = VarBytes::new(off_curve(&point));
        let msg = zed.new_member_proposal(&info, bad).unwrap();
        match a.process_message(&msg) {
            Err(Error::Protocol(ProtocolError::ContentSignatureInvalid)) => {}
            other => {
                panic!("{backend}: off the curve: expected ContentSignatureInvalid, got {other:?}")
            }
        }
        super::support::assert_unchanged(&a, &alice, &before);
        let msg = zed.new_member_proposal(&info, kp).unwrap();
        assert!(matches!(
            a.process_message(&msg).unwrap(),
            mls_core::ProcessedMessage::Proposal(_)
        ));
    }
}
