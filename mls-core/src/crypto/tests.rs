//! Byte-layout tests for the labeled operations, with a stand-in suite whose
//! "hash" and "expand" return their input, so the exact encoding is visible.
//! The official crypto-basics vectors run against real backends in `interop`.

use super::*;
use crate::test_provider::{no_hpke_open_export, suite1_sizes};

struct Echo;

impl CipherSuiteProvider for Echo {
    suite1_sizes!();
    fn hash(&self, data: &[u8]) -> Result<Vec<u8>, CryptoError> {
        Ok(data.to_vec())
    }
    fn mac(&self, _: &[u8], data: &[u8]) -> Result<Vec<u8>, CryptoError> {
        Ok(data.to_vec())
    }
    fn kdf_extract(&self, _: &[u8], ikm: &[u8]) -> Result<Secret, CryptoError> {
        Ok(Secret::from_slice(ikm))
    }
    fn kdf_expand(&self, _: &[u8], info: &[u8], _: usize) -> Result<Secret, CryptoError> {
        Ok(Secret::from_slice(info))
    }
    fn aead_seal(&self, _: &[u8], _: &[u8], _: &[u8], _: &[u8]) -> Result<Vec<u8>, CryptoError> {
        Err(CryptoError::UnsupportedAlgorithm("echo"))
    }
    fn aead_open(&self, _: &[u8], _: &[u8], _: &[u8], _: &[u8]) -> Result<Secret, CryptoError> {
        Err(CryptoError::UnsupportedAlgorithm("echo"))
    }
    fn hpke_seal(
        &self,
        _: &[u8],
        info: &[u8],
        _: &[u8],
        _: &[u8],
        _: &dyn RandProvider,
    ) -> Result<HpkeCiphertext, CryptoError> {
        Ok(HpkeCiphertext {
            kem_output: info.to_vec(),
            ciphertext: Vec::new(),
        })
    }
    no_hpke_open_export!();
    fn kem_derive_key_pair(&self, ikm: &[u8]) -> Result<(HpkePrivateKey, Vec<u8>), CryptoError> {
        Ok((HpkePrivateKey::from_slice(ikm), ikm.to_vec()))
    }
    fn signature_key_pair_from_private(
        &self,
        sk: &[u8],
    ) -> Result<(SignaturePrivateKey, Vec<u8>), CryptoError> {
        if sk.first() == Some(&0) {
            return Err(CryptoError::InvalidPrivateKey("echo"));
        }
        Ok((SignaturePrivateKey::from_slice(sk), sk.to_vec()))
    }
    fn sign(&self, _: &SignaturePrivateKey, msg: &[u8]) -> Result<Vec<u8>, CryptoError> {
        Ok(msg.to_vec())
    }
    fn verify(&self, _: &[u8], msg: &[u8], sig: &[u8]) -> Result<(), CryptoError> {
        if msg == sig {
            Ok(())
        } else {
            Err(CryptoError::InvalidSignature)
        }
    }
    fn signer(&self, _: &[u8]) -> Result<Box<dyn Signer>, CryptoError> {
        Ok(Box::new(EchoSigner))
    }
}

struct EchoSigner;

impl Signer for EchoSigner {
    fn scheme(&self) -> crate::SignatureScheme {
        crate::SignatureScheme::Ed25519
    }
    fn public_key(&self) -> &[u8] {
        &[]
    }
    fn sign(&self, msg: &[u8]) -> Result<Vec<u8>, CryptoError> {
        Ok(msg.to_vec())
    }
}

/// Yields 0, 1, 2, ... so the rejection loop sees a zero first byte once.
struct Counter(std::sync::Mutex<u8>);

impl RandProvider for Counter {
    fn fill(&self, dest: &mut [u8]) -> Result<(), CryptoError> {
        let mut n = self.0.lock().unwrap();
        dest.fill(*n);
        *n += 1;
        Ok(())
    }
}

#[test]
fn ref_hash_encodes_label_and_value_without_prefix() {
    let out = ref_hash(&Echo, b"RefHash", &[0xaa, 0xbb]).unwrap();
    assert_eq!(out, b"\x07RefHash\x02\xaa\xbb");
}

#[test]
fn expand_with_label_builds_kdf_label() {
    let out = expand_with_label(&Echo, &[], "key", &[0x01], 16).unwrap();
    assert_eq!(out.as_bytes(), b"\x00\x10\x0bMLS 1.0 key\x01\x01");
}

/// Contexts on both sides of the on-stack encoding's size, and one whose
/// length needs a two-byte varint, encode alike.
#[test]
fn expand_with_label_encodes_every_context_length() {
    for len in [0usize, 63, 64, 140, 143, 144, 145, 160, 300] {
        let context = vec![0x5a; len];
        let out = expand_with_label(&Echo, &[], "key", &context, 16).unwrap();
        let mut expected = b"\x00\x10\x0bMLS 1.0 key".to_vec();
        if len < 64 {
            expected.push(len as u8);
        } else {
            expected.extend((0x4000u16 | len as u16).to_be_bytes());
        }
        expected.extend(&context);
        assert_eq!(
            out.as_bytes(),
            expected.as_slice(),
            "context of {len} bytes"
        );
    }
}

#[test]
fn derive_secret_uses_nh_and_empty_context() {
    let out = derive_secret(&Echo, &[], "init").unwrap();
    assert_eq!(out.as_bytes(), b"\x00\x20\x0cMLS 1.0 init\x00");
}

#[test]
fn derive_tree_secret_encodes_generation_as_u32() {
    let out = derive_tree_secret(&Echo, &[], "tree", 0x0102_0304, 12).unwrap();
    assert_eq!(
        out.as_bytes(),
        b"\x00\x0c\x0cMLS 1.0 tree\x04\x01\x02\x03\x04"
    );
}

#[test]
fn sign_and_verify_with_label_use_sign_content() {
    let sig = sign_with_label(&EchoSigner, &Echo, "LeafNodeTBS", b"x").unwrap();
    assert_eq!(sig, b"\x13MLS 1.0 LeafNodeTBS\x01x");
    // Suite 1 signs with Ed25519: a 32-byte key is well formed (§5.1.1).
    let key = [0u8; 32];
    verify_with_label(&Echo, &key, "LeafNodeTBS", b"x", &sig).unwrap();
    let err = verify_with_label(&Echo, &key, "LeafNodeTBS", b"y", &sig).unwrap_err();
    assert_eq!(err, Error::Crypto(CryptoError::InvalidSignature));
    // Any other length is named before the backend sees it.
    let err = verify_with_label(&Echo, &[], "LeafNodeTBS", b"x", &sig).unwrap_err();
    assert!(matches!(
        err,
        Error::Protocol(crate::error::ProtocolError::MalformedSignatureKey { len: 0, .. })
    ));
}

#[test]
fn encrypt_with_label_passes_encrypt_context_as_info() {
    let rand = Counter(Default::default());
    let ct = encrypt_with_label(&Echo, &[], "UpdatePathNode", b"ctx", b"pt", &rand).unwrap();
    assert_eq!(ct.kem_output, b"\x16MLS 1.0 UpdatePathNode\x03ctx");
}

#[test]
fn signature_keygen_retries_invalid_candidates() {
    let rand = Counter(Default::default());
    let (sk, _) = generate_signature_key_pair(&Echo, &rand).unwrap();
    assert_eq!(sk.as_bytes(), &[1u8; 32]);
}

#[test]
fn hpke_keygen_derives_from_nsk_random_bytes() {
    let rand = Counter(std::sync::Mutex::new(7));
    let (sk, pk) = generate_hpke_key_pair(&Echo, &rand).unwrap();
    assert_eq!(sk.as_bytes(), &[7u8; 32]);
    assert_eq!(pk, vec![7u8; 32]);
}
