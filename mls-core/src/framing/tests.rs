//! Framing codec rules and protection round trips on the toy suite. The
//! hostile-input checklist runs on every real backend in
//! `interop/tests/framing.rs`; the official vectors in `interop` too.

use super::*;
use crate::codec::{VarVec, decode_exact, encode};
use crate::error::{DecodeError, Error, Misuse, ProtocolError};
use crate::extensions::Extensions;
use crate::group::proposal::Remove;
use crate::key_schedule::{EpochSecrets, GroupContext};
use crate::provider::CipherSuiteProvider;
use crate::secret::Secret;
use crate::secret_tree::OutOfOrderPolicy;
use crate::test_provider::{ToyRand, ToySuite};
use crate::tree_math::TreeSize;

struct Key(Vec<u8>);

impl SenderKeys for Key {
    fn signature_key(&self, _: &FramedContent) -> Result<Vec<u8>, Error> {
        Ok(self.0.clone())
    }
}

fn context() -> GroupContext {
    GroupContext {
        version: crate::ProtocolVersion,
        cipher_suite: ToySuite.cipher_suite(),
        group_id: VarBytes::from(&b"g"[..]),
        epoch: 3,
        tree_hash: VarBytes::from(&[1u8; 32][..]),
        confirmed_transcript_hash: VarBytes::from(&[2u8; 32][..]),
        extensions: Extensions::new(),
    }
}

fn protection() -> MessageProtection {
    let context = context();
    let secrets = EpochSecrets::derive(
        &ToySuite,
        &Secret::new(vec![4; 32]),
        &Secret::new(vec![0; 32]),
        &context.to_bytes().unwrap(),
    )
    .unwrap();
    let keys = EpochKeys::new(
        context,
        &secrets,
        TreeSize::from_leaf_count(4).unwrap(),
        OutOfOrderPolicy::default(),
    );
    MessageProtection::new(keys, OutOfOrderPolicy::default(), PaddingPolicy::None)
}

fn signer() -> Box<dyn crate::provider::Signer> {
    ToySuite.signer(&[8; 32]).unwrap()
}

fn commit() -> Content {
    Content::Commit(Commit {
        proposals: VarVec::new(vec![crate::group::proposal::ProposalOrRef::Proposal(
            Proposal::Remove(Remove { removed: 2 }),
        )]),
        path: None,
    })
}

fn send(content: Content, wire_format: WireFormat) -> Vec<u8> {
    let mut alice = protection();
    let s = signer();
    let mut signed = alice
        .sign(
            &ToySuite,
            s.as_ref(),
            wire_format,
            Sender::Member(1),
            b"ad",
            content,
        )
        .unwrap();
    if signed.content.content.content_type() == ContentType::Commit {
        signed.set_confirmation_tag(vec![9; 32]);
    }
    alice
        .wrap(&ToySuite, &signed, &ToyRand::new())
        .unwrap()
        .to_bytes()
        .unwrap()
}

#[test]
fn every_content_type_round_trips_in_both_wire_formats() {
    let cases = [
        (commit(), WireFormat::PublicMessage),
        (commit(), WireFormat::PrivateMessage),
        (
            Content::Proposal(Proposal::Remove(Remove { removed: 0 })),
            WireFormat::PublicMessage,
        ),
        (
            Content::Application(VarBytes::from(&b"hi"[..])),
            WireFormat::PrivateMessage,
        ),
    ];
    for (content, wire_format) in cases {
        let bytes = send(content.clone(), wire_format);
        let message = MlsMessage::from_bytes(&bytes).unwrap();
        assert_eq!(message.wire_format(), wire_format);
        assert_eq!(message.to_bytes().unwrap(), bytes);
        let mut bob = protection();
        let key = Key(signer().public_key().to_vec());
        let verified = bob.unprotect(&ToySuite, &message, &key).unwrap();
        assert_eq!(verified.content(), &content);
        assert_eq!(verified.sender(), Sender::Member(1));
        assert_eq!(verified.epoch(), 3);
        assert_eq!(verified.authenticated_data(), b"ad");
    }
}

#[test]
fn every_truncation_is_a_decode_error() {
    for wire_format in [WireFormat::PublicMessage, WireFormat::PrivateMessage] {
        let bytes = send(commit(), wire_format);
        for len in 0..bytes.len() {
            assert!(
                matches!(MlsMessage::from_bytes(&bytes[..len]), Err(Error::Decode(_))),
                "{wire_format:?} cut at {len}"
            );
        }
        let mut long = bytes.clone();
        long.push(0);
        assert_eq!(
            MlsMessage::from_bytes(&long),
            Err(DecodeError::TrailingBytes(1).into())
        );
    }
}

#[test]
fn unknown_enum_values_are_rejected() {
    let bytes = send(commit(), WireFormat::PublicMessage);
    let decode = |patch: &dyn Fn(&mut Vec<u8>)| {
        let mut b = bytes.clone();
        patch(&mut b);
        MlsMessage::from_bytes(&b)
    };
    // version (u16) at 0, wire_format (u16) at 2.
    assert_eq!(
        decode(&|b| b[1] = 2),
        Err(DecodeError::UnknownValue(2).into())
    );
    assert_eq!(
        decode(&|b| b[3] = 6),
        Err(DecodeError::UnknownValue(6).into())
    );
    assert_eq!(
        decode(&|b| b[3] = 0),
        Err(DecodeError::UnknownValue(0).into())
    );
    // group_id "g" (2 bytes) at 4, epoch (8) at 6, sender_type at 14.
    assert_eq!(
        decode(&|b| b[14] = 5),
        Err(DecodeError::UnknownValue(5).into())
    );
}

#[test]
fn auth_data_must_match_the_content_type() {
    let mut signed = protection()
        .sign(
            &ToySuite,
            signer().as_ref(),
            WireFormat::PublicMessage,
            Sender::Member(1),
            b"",
            commit(),
        )
        .unwrap();
    // A commit without its confirmation tag cannot be encoded...
    assert!(encode(&signed).is_err());
    signed.set_confirmation_tag(vec![1; 32]);
    let bytes = encode(&signed).unwrap();
    assert_eq!(
        decode_exact::<AuthenticatedContent>(&bytes).unwrap(),
        signed
    );
    // ...nor can a proposal with one.
    signed.content.content = Content::Proposal(Proposal::Remove(Remove { removed: 0 }));
    assert!(encode(&signed).is_err());
}

#[test]
fn public_message_membership_tag_follows_the_sender_type() {
    let bytes = send(
        Content::Proposal(Proposal::Remove(Remove { removed: 0 })),
        WireFormat::PublicMessage,
    );
    let MlsMessageBody::PublicMessage(mut m) = MlsMessage::from_bytes(&bytes).unwrap().body else {
        panic!("not public")
    };
    m.membership_tag = None;
    assert!(encode(&m).is_err());
    m.content.sender = Sender::External(0);
    let external = encode(&m).unwrap();
    assert_eq!(decode_exact::<PublicMessage>(&external).unwrap(), m);
    m.membership_tag = Some(VarBytes::from(&[0u8; 32][..]));
    assert!(encode(&m).is_err());
    // An external sender's message with a tag: the tag is trailing input.
    let mut tagged = external;
    tagged.extend(encode(&VarBytes::from(&[0u8; 32][..])).unwrap());
    assert_eq!(
        decode_exact::<PublicMessage>(&tagged),
        Err(DecodeError::TrailingBytes(33))
    );
}

#[test]
fn wrap_refuses_misuse() {
    let mut p = protection();
    let s = signer();
    let signed = p
        .sign(
            &ToySuite,
            s.as_ref(),
            WireFormat::PrivateMessage,
            Sender::External(0),
            b"",
            Content::Proposal(Proposal::Remove(Remove { removed: 0 })),
        )
        .unwrap();
    assert_eq!(
        p.wrap(&ToySuite, &signed, &ToyRand::new()),
        Err(Misuse::NonMemberPrivateMessage.into())
    );
    let mut old = signed;
    old.content.epoch = 2;
    assert_eq!(
        p.wrap(&ToySuite, &old, &ToyRand::new()),
        Err(Misuse::NotCurrentEpoch.into())
    );
}

#[test]
fn padding_policy() {
    assert_eq!(PaddingPolicy::None.padding_for(5), 0);
    assert_eq!(PaddingPolicy::Multiple(0).padding_for(5), 0);
    assert_eq!(PaddingPolicy::Multiple(1).padding_for(5), 0);
    assert_eq!(PaddingPolicy::Multiple(32).padding_for(5), 27);
    assert_eq!(PaddingPolicy::Multiple(32).padding_for(64), 0);
    assert_eq!(PaddingPolicy::Multiple(32).padding_for(65), 31);
}

#[test]
fn a_welcome_is_not_unprotected() {
    let welcome = crate::group::welcome::Welcome {
        cipher_suite: ToySuite.cipher_suite(),
        secrets: VarVec::default(),
        encrypted_group_info: VarBytes::default(),
    };
    let m = MlsMessage::new(MlsMessageBody::Welcome(welcome));
    assert_eq!(
        protection().unprotect(&ToySuite, &m, &Key(Vec::new())),
        Err(Misuse::NotAProtectedMessage.into())
    );
}

#[test]
fn sender_rules() {
    let framed = |sender, content| FramedContent {
        group_id: VarBytes::default(),
        epoch: 0,
        sender,
        authenticated_data: VarBytes::default(),
        content,
    };
    let remove = || Content::Proposal(Proposal::Remove(Remove { removed: 0 }));
    assert!(
        framed(Sender::Member(0), commit())
            .check_sender_rules()
            .is_ok()
    );
    assert!(
        framed(Sender::External(0), remove())
            .check_sender_rules()
            .is_ok()
    );
    assert!(
        framed(Sender::NewMemberCommit, commit())
            .check_sender_rules()
            .is_ok()
    );
    for (sender, content) in [
        (Sender::External(0), commit()),
        (Sender::NewMemberCommit, remove()),
        (Sender::NewMemberProposal, remove()),
        (Sender::NewMemberProposal, commit()),
        (
            Sender::External(0),
            Content::Application(VarBytes::default()),
        ),
    ] {
        assert!(matches!(
            framed(sender, content).check_sender_rules(),
            Err(Error::Protocol(ProtocolError::SenderContentMismatch { .. }))
        ));
    }
}
