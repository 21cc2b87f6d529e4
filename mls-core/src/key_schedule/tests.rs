//! Encodings and edge cases of the key schedule (§8). The derivations are
//! checked against key-schedule.json, psk_secret.json and
//! transcript-hashes.json on every backend in `interop`.

use super::*;
use crate::codec::decode_exact;
use crate::error::DecodeError;
use crate::test_provider::ToySuite;

#[test]
fn psk_ids_encode_as_the_rfc_says() {
    let external = PreSharedKeyId::external(b"id".to_vec(), vec![7; 2]);
    assert_eq!(encode(&external).unwrap(), b"\x01\x02id\x02\x07\x07");
    let resumption =
        PreSharedKeyId::resumption(ResumptionPskUsage::Branch, b"g".to_vec(), 9, vec![1]);
    let bytes = encode(&resumption).unwrap();
    assert_eq!(
        bytes,
        b"\x02\x03\x01g\x00\x00\x00\x00\x00\x00\x00\x09\x01\x01"
    );
    assert_eq!(decode_exact::<PreSharedKeyId>(&bytes).unwrap(), resumption);
}

#[test]
fn unknown_psk_type_and_usage_are_rejected() {
    // psktype reserved(0) and 3.
    for t in [0u8, 3] {
        assert_eq!(
            decode_exact::<PreSharedKeyId>(&[t, 0, 0]),
            Err(DecodeError::UnknownValue(t.into()))
        );
    }
    // usage reserved(0) and 4.
    for u in [0u8, 4] {
        let bytes = [2, u, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        assert_eq!(
            decode_exact::<PreSharedKeyId>(&bytes),
            Err(DecodeError::UnknownValue(u.into()))
        );
    }
}

#[test]
fn fresh_psk_nonces_have_the_hash_length() {
    let rand = crate::test_provider::ToyRand::new();
    let psk = Psk::External(VarBytes::from(&b"id"[..]));
    let a = PreSharedKeyId::with_fresh_nonce(psk.clone(), &ToySuite, &rand).unwrap();
    let b = PreSharedKeyId::with_fresh_nonce(psk, &ToySuite, &rand).unwrap();
    assert_eq!(a.psk_nonce.as_slice().len(), 32);
    assert_ne!(a.psk_nonce, b.psk_nonce);
    assert_eq!(a.check_nonce_length(&ToySuite), Ok(()));
    for len in [0, 31, 33] {
        let short = PreSharedKeyId::external(b"id".to_vec(), vec![0; len]);
        assert_eq!(
            short.check_nonce_length(&ToySuite),
            Err(crate::ProtocolError::PskNonceLength {
                expected: 32,
                actual: len
            })
        );
    }
}

#[test]
fn no_psks_give_the_zero_secret_and_order_matters() {
    assert_eq!(psk_secret(&ToySuite, &[]).unwrap().as_bytes(), &[0u8; 32]);
    let a = (
        PreSharedKeyId::external(b"a".to_vec(), vec![1; 32]),
        Secret::new(vec![1; 32]),
    );
    let b = (
        PreSharedKeyId::external(b"b".to_vec(), vec![2; 32]),
        Secret::new(vec![2; 32]),
    );
    let ab = psk_secret(&ToySuite, &[a.clone(), b.clone()]).unwrap();
    let ba = psk_secret(&ToySuite, &[b, a.clone()]).unwrap();
    assert_ne!(ab, ba);
    assert_ne!(psk_secret(&ToySuite, &[a]).unwrap().as_bytes(), &[0u8; 32]);
}

#[test]
fn group_context_round_trips_and_rejects_other_versions() {
    let context = GroupContext {
        version: ProtocolVersion,
        cipher_suite: CipherSuite::MLS_256_DHKEMP521_AES256GCM_SHA512_P521,
        group_id: VarBytes::from(&b"group"[..]),
        epoch: u64::MAX,
        tree_hash: VarBytes::from(&[3u8; 64][..]),
        confirmed_transcript_hash: VarBytes::default(),
        extensions: Extensions::new(),
    };
    let bytes = context.to_bytes().unwrap();
    assert_eq!(&bytes[..4], &[0, 1, 0, 5]);
    assert_eq!(decode_exact::<GroupContext>(&bytes).unwrap(), context);
    let mut other = bytes.clone();
    other[1] = 2;
    assert_eq!(
        decode_exact::<GroupContext>(&other),
        Err(DecodeError::UnknownValue(2))
    );
    let mut suite = bytes;
    suite[3] = 0x42;
    let decoded = decode_exact::<GroupContext>(&suite).unwrap();
    assert_eq!(decoded.cipher_suite.code(), 0x0042);
}

#[test]
fn confirmation_tag_is_compared_length_first() {
    let key = Secret::new(vec![5; 32]);
    let hash = [6u8; 32];
    let tag = transcript::confirmation_tag(&ToySuite, &key, &hash).unwrap();
    assert!(transcript::verify_confirmation_tag(&ToySuite, &key, &hash, &tag).unwrap());
    for bad in [&tag[..31], &[][..], &[tag.as_slice(), &[0]].concat()[..]] {
        assert!(!transcript::verify_confirmation_tag(&ToySuite, &key, &hash, bad).unwrap());
    }
    let mut flipped = tag.clone();
    flipped[0] ^= 1;
    assert!(!transcript::verify_confirmation_tag(&ToySuite, &key, &hash, &flipped).unwrap());
}

#[test]
fn epochs_chain_and_differ() {
    let context = |epoch| GroupContext {
        version: ProtocolVersion,
        cipher_suite: CipherSuite::MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519,
        group_id: VarBytes::from(&b"g"[..]),
        epoch,
        tree_hash: VarBytes::default(),
        confirmed_transcript_hash: VarBytes::default(),
        extensions: Extensions::new(),
    };
    let zero = Secret::new(vec![0; 32]);
    let (_, e0) = EpochSecrets::next_epoch(
        &ToySuite,
        &zero,
        &zero,
        &zero,
        &context(0).to_bytes().unwrap(),
    )
    .unwrap();
    let (_, e1) = EpochSecrets::next_epoch(
        &ToySuite,
        &e0.init_secret,
        &zero,
        &zero,
        &context(1).to_bytes().unwrap(),
    )
    .unwrap();
    assert_ne!(e0.epoch_authenticator, e1.epoch_authenticator);
    let a = e1.export(&ToySuite, "label", b"ctx", 20).unwrap();
    assert_eq!(a.len(), 20);
    assert_ne!(a, e1.export(&ToySuite, "label", b"ctx2", 20).unwrap());
    assert_ne!(a, e1.export(&ToySuite, "other", b"ctx", 20).unwrap());
    // Secrets never print.
    assert!(!format!("{e1:?}").contains(&format!("{:?}", e1.init_secret.as_bytes())));
}
