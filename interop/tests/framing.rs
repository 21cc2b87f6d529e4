//! Hostile inputs to message protection (RFC 9420 §6, §9): the framing lines
//! of `shared/CHECKLIST.md`. Every check runs on every backend and every
//! suite it offers, and expects one named error variant. After each
//! rejection the receiver must still accept the next valid message, so a
//! rejected input provably left the ratchets alone.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "framing/fixture.rs"]
mod fixture;
#[allow(dead_code)]
#[path = "provider_conformance/harness.rs"]
mod harness;

use fixture::{Fixture, epoch_keys};
use harness::Case;
use mls_core::codec::{VarBytes, encode};
use mls_core::framing::{
    AuthenticatedContent, Content, FramedContent, MessageProtection, MlsMessage, MlsMessageBody,
    PaddingPolicy, PublicMessage, Sender, WireFormat,
};
use mls_core::group::proposal::{Proposal, Remove};
use mls_core::secret_tree::{OutOfOrderPolicy, RatchetKind};
use mls_core::tree_math::LeafIndex;
use mls_core::{CipherSuite, Error, ProtocolError};

fn every_suite(check: &str, f: impl Fn(&Case)) {
    for cs in CipherSuite::ALL {
        harness::run_suite(check, cs, &f);
    }
}

fn protocol(result: Result<impl std::fmt::Debug, Error>) -> ProtocolError {
    match result {
        Err(Error::Protocol(e)) => e,
        other => panic!("expected a protocol error, got {other:?}"),
    }
}

fn remove_proposal() -> Content {
    Content::Proposal(Proposal::Remove(Remove { removed: 1 }))
}

/// Alice's signed proposal as a PublicMessage.
fn alice_public(f: &Fixture, content: Content) -> PublicMessage {
    let signed = f
        .alice_signs(WireFormat::PublicMessage, b"", content)
        .unwrap();
    PublicMessage::from_authenticated(f.suite, signed, &f.membership_key, &f.context).unwrap()
}

fn public(m: PublicMessage) -> MlsMessage {
    MlsMessage::new(MlsMessageBody::PublicMessage(m))
}

/// The receiver still works: a fresh message from Alice decrypts.
fn still_works(f: &mut Fixture) {
    let m = f.alice_sends(b"still here");
    assert_eq!(f.bob_receives(&m).unwrap(), b"still here");
}

#[test]
fn private_message_round_trip_and_replay() {
    every_suite("replay", |c| {
        let mut f = Fixture::new(c.s);
        let m = f.alice_sends(b"hello");
        assert_eq!(f.bob_receives(&m).unwrap(), b"hello");
        // The key was deleted on first use: the same ciphertext is a replay.
        assert_eq!(
            protocol(f.bob_receives(&m)),
            ProtocolError::GenerationReplayed {
                generation: 0,
                ratchet: "application"
            }
        );
        still_works(&mut f);
    });
}

#[test]
fn out_of_order_within_the_window() {
    every_suite("out of order", |c| {
        let mut f = Fixture::new(c.s);
        let sent: Vec<MlsMessage> = (0..5u8).map(|i| f.alice_sends(&[i])).collect();
        for i in [4usize, 0, 2, 1, 3] {
            assert_eq!(f.bob_receives(&sent[i]).unwrap(), vec![i as u8]);
        }
        for m in &sent {
            assert!(matches!(
                protocol(f.bob_receives(m)),
                ProtocolError::GenerationReplayed { .. }
            ));
        }
        let tree = f.bob.current().secret_tree();
        assert_eq!(tree.skipped_keys(LeafIndex(0), RatchetKind::Application), 0);
    });
}

#[test]
fn generation_older_than_the_window() {
    every_suite("too old", |c| {
        let policy = OutOfOrderPolicy {
            max_skipped_keys: 2,
            ..OutOfOrderPolicy::default()
        };
        let mut f = Fixture::with_policy(c.s, policy);
        let sent: Vec<MlsMessage> = (0..10u8).map(|i| f.alice_sends(&[i])).collect();
        assert_eq!(f.bob_receives(&sent[9]).unwrap(), vec![9]);
        assert_eq!(
            protocol(f.bob_receives(&sent[0])),
            ProtocolError::GenerationTooOld {
                generation: 0,
                ratchet: "application",
                oldest: 7
            }
        );
        // The two most recent skipped generations are kept.
        assert_eq!(f.bob_receives(&sent[8]).unwrap(), vec![8]);
        assert_eq!(f.bob_receives(&sent[7]).unwrap(), vec![7]);
        still_works(&mut f);
    });
}

#[test]
fn generation_far_ahead_is_rejected_without_deriving() {
    every_suite("far ahead", |c| {
        let mut f = Fixture::new(c.s);
        let plaintext = encode(&VarBytes::from(&b"x"[..])).unwrap();
        for generation in [u32::MAX, 1_001] {
            let m = f.craft_private(&plaintext, None, Some(generation));
            assert!(matches!(
                protocol(f.bob_receives(&m)),
                ProtocolError::GenerationTooFarAhead { generation: g, next: 0, max_jump: 1_000, .. } if g == generation
            ));
            let tree = f.bob.current().secret_tree();
            assert_eq!(tree.skipped_keys(LeafIndex(0), RatchetKind::Application), 0);
        }
        still_works(&mut f);
    });
}

#[test]
fn sender_leaf_out_of_range() {
    every_suite("leaf out of range", |c| {
        let mut f = Fixture::new(c.s);
        let plaintext = encode(&VarBytes::from(&b"x"[..])).unwrap();
        for leaf in [2, u32::MAX] {
            let m = f.craft_private(&plaintext, Some(leaf), None);
            assert_eq!(
                protocol(f.bob_receives(&m)),
                ProtocolError::SenderLeafOutOfRange {
                    leaf,
                    leaf_count: 2
                }
            );
        }
        let mut m = alice_public(&f, remove_proposal());
        m.content.sender = Sender::Member(5);
        assert_eq!(
            protocol(f.bob_receives(&public(m))),
            ProtocolError::SenderLeafOutOfRange {
                leaf: 5,
                leaf_count: 2
            }
        );
        still_works(&mut f);
    });
}

#[test]
fn non_zero_padding() {
    every_suite("padding", |c| {
        let mut f = Fixture::new(c.s);
        // A correctly signed application content, then padding.
        let signed = f
            .alice_signs(
                WireFormat::PrivateMessage,
                b"aad",
                Content::Application(VarBytes::from(&b"padded"[..])),
            )
            .unwrap();
        let mut body = encode(&VarBytes::from(&b"padded"[..])).unwrap();
        body.extend(encode(&signed.auth.signature).unwrap());
        // Zero padding is accepted (the crafted message is otherwise valid)...
        let mut zero = body.clone();
        zero.extend([0u8; 16]);
        let m = f.craft_private(&zero, None, None);
        assert_eq!(f.bob_receives(&m).unwrap(), b"padded");
        // ...and one non-zero byte anywhere in it is not.
        let mut bad = body;
        bad.extend([0u8, 0, 0, 1, 0]);
        let m = f.craft_private(&bad, None, None);
        assert_eq!(protocol(f.bob_receives(&m)), ProtocolError::NonZeroPadding);
        still_works(&mut f);
    });
}

#[test]
fn padding_policy_pads_and_still_decrypts() {
    every_suite("padding policy", |c| {
        let mut f = Fixture::new(c.s);
        let (keys, _) = epoch_keys(c.s, 0, f.policy);
        f.alice = MessageProtection::new(keys, f.policy, PaddingPolicy::Multiple(64));
        let m = f.alice_sends(b"short");
        let MlsMessageBody::PrivateMessage(p) = &m.body else {
            panic!("not a PrivateMessage")
        };
        let tag = 16;
        assert_eq!((p.ciphertext.as_slice().len() - tag) % 64, 0);
        assert_eq!(f.bob_receives(&m).unwrap(), b"short");
    });
}

#[test]
fn wrong_group_id() {
    every_suite("group id", |c| {
        let mut f = Fixture::new(c.s);
        let mut m = f.alice_sends(b"x");
        if let MlsMessageBody::PrivateMessage(p) = &mut m.body {
            p.group_id = VarBytes::from(&b"another group"[..]);
        }
        assert_eq!(protocol(f.bob_receives(&m)), ProtocolError::WrongGroupId);
        let mut p = alice_public(&f, remove_proposal());
        p.content.group_id = VarBytes::from(&b"another group"[..]);
        assert_eq!(
            protocol(f.bob_receives(&public(p))),
            ProtocolError::WrongGroupId
        );
        still_works(&mut f);
    });
}

#[test]
fn wrong_epoch_and_retention() {
    every_suite("epoch", |c| {
        let mut f = Fixture::new(c.s);
        let mut p = alice_public(&f, remove_proposal());
        p.content.epoch = 1;
        assert_eq!(
            protocol(f.bob_receives(&public(p))),
            ProtocolError::WrongEpoch {
                received: 1,
                current: 0
            }
        );
        let mut m = f.alice_sends(b"x");
        if let MlsMessageBody::PrivateMessage(p) = &mut m.body {
            p.epoch = 1;
        }
        assert_eq!(
            protocol(f.bob_receives(&m)),
            ProtocolError::WrongEpoch {
                received: 1,
                current: 0
            }
        );
        // A message sent just before a commit is read after it (1 past epoch kept)...
        let late = f.alice_sends(b"late");
        let later = f.alice_sends(b"later");
        f.bob.start_epoch(epoch_keys(c.s, 1, f.policy).0);
        assert_eq!(f.bob.retained_past_epochs(), 1);
        assert_eq!(f.bob_receives(&late).unwrap(), b"late");
        // ...but not after a second commit: the error says why.
        f.bob.start_epoch(epoch_keys(c.s, 2, f.policy).0);
        assert_eq!(
            protocol(f.bob_receives(&later)),
            ProtocolError::EpochNotRetained {
                received: 0,
                current: 2,
                retained: 1
            }
        );
        // A public message of a past epoch is never accepted.
        let p = alice_public(&f, remove_proposal());
        assert!(matches!(
            protocol(f.bob_receives(&public(p))),
            ProtocolError::WrongEpoch {
                received: 0,
                current: 2
            }
        ));
    });
}

#[test]
fn strict_forward_secrecy_keeps_no_past_epoch() {
    every_suite("no past epochs", |c| {
        let policy = OutOfOrderPolicy {
            past_epochs: 0,
            ..OutOfOrderPolicy::default()
        };
        let mut f = Fixture::with_policy(c.s, policy);
        let late = f.alice_sends(b"late");
        f.bob.start_epoch(epoch_keys(c.s, 1, policy).0);
        assert_eq!(f.bob.retained_past_epochs(), 0);
        assert_eq!(
            protocol(f.bob_receives(&late)),
            ProtocolError::EpochNotRetained {
                received: 0,
                current: 1,
                retained: 0
            }
        );
    });
}

#[test]
fn application_data_in_public_message() {
    every_suite("application in public", |c| {
        let mut f = Fixture::new(c.s);
        // The API refuses to build one...
        let refused = f.alice_signs(
            WireFormat::PublicMessage,
            b"",
            Content::Application(VarBytes::from(&b"x"[..])),
        );
        assert!(matches!(
            refused,
            Err(Error::Misuse(
                mls_core::Misuse::ApplicationDataAsPublicMessage
            ))
        ));
        // ...and the receiver rejects one built by hand.
        let mut p = alice_public(&f, remove_proposal());
        p.content.content = Content::Application(VarBytes::from(&b"x"[..]));
        let bytes = public(p).to_bytes().unwrap();
        let m = MlsMessage::from_bytes(&bytes).unwrap();
        assert_eq!(
            protocol(f.bob_receives(&m)),
            ProtocolError::ApplicationDataInPublicMessage
        );
        still_works(&mut f);
    });
}

#[test]
fn membership_tag_missing_wrong_truncated_empty() {
    every_suite("membership tag", |c| {
        let mut f = Fixture::new(c.s);
        let good = alice_public(&f, remove_proposal());
        assert!(f.bob_receives(&public(good.clone())).is_ok());
        let tag = good.membership_tag.clone().unwrap().into_vec();
        let nh = c.s.hash_len();
        let with_tag = |t: Option<Vec<u8>>| {
            let mut m = good.clone();
            m.membership_tag = t.map(VarBytes::new);
            public(m)
        };
        assert_eq!(
            protocol(f.bob_receives(&with_tag(None))),
            ProtocolError::MembershipTagMissing
        );
        let mut wrong = tag.clone();
        wrong[nh - 1] ^= 1;
        assert_eq!(
            protocol(f.bob_receives(&with_tag(Some(wrong)))),
            ProtocolError::MembershipTagMismatch
        );
        for len in [nh - 1, 0, nh + 1] {
            let mut t = tag.clone();
            t.resize(len, 0);
            assert_eq!(
                protocol(f.bob_receives(&with_tag(Some(t)))),
                ProtocolError::MacLength {
                    what: "membership_tag",
                    expected: nh,
                    actual: len
                }
            );
        }
        // On the wire a missing tag is a truncated message.
        let bytes = public(good).to_bytes().unwrap();
        let cut = &bytes[..bytes.len() - tag.len() - 1];
        assert!(matches!(
            MlsMessage::from_bytes(cut),
            Err(Error::Decode(mls_core::DecodeError::EndOfInput { .. }))
        ));
        still_works(&mut f);
    });
}

#[test]
fn bad_signature() {
    every_suite("signature", |c| {
        let mut f = Fixture::new(c.s);
        // A PublicMessage whose signature is wrong but whose membership tag
        // is valid for it: the signature check must catch it.
        let signed = f
            .alice_signs(WireFormat::PublicMessage, b"", remove_proposal())
            .unwrap();
        let mut forged = signed.clone();
        let mut sig = forged.auth.signature.into_vec();
        sig[0] ^= 0x80;
        forged.auth.signature = VarBytes::new(sig);
        let p =
            PublicMessage::from_authenticated(c.s, forged, &f.membership_key, &f.context).unwrap();
        assert_eq!(
            protocol(f.bob_receives(&public(p))),
            ProtocolError::ContentSignatureInvalid
        );
        // Signed by Bob's key but claiming to be Alice.
        let by_bob = AuthenticatedContent::sign(
            c.s,
            f.signers[1].as_ref(),
            WireFormat::PrivateMessage,
            signed.content.clone(),
            Some(&f.context),
        )
        .unwrap();
        let mut by_bob = by_bob;
        by_bob.content.content = Content::Application(VarBytes::from(&b"x"[..]));
        let m = f.alice.wrap(c.s, &by_bob, &f.rand).unwrap();
        assert_eq!(
            protocol(f.bob_receives(&m)),
            ProtocolError::ContentSignatureInvalid
        );
        still_works(&mut f);
    });
}

#[test]
fn sender_type_rules() {
    every_suite("sender rules", |c| {
        let mut f = Fixture::new(c.s);
        for sender in [Sender::NewMemberProposal, Sender::NewMemberCommit] {
            let framed = FramedContent {
                group_id: VarBytes::from(fixture::GROUP_ID),
                epoch: 0,
                sender,
                authenticated_data: VarBytes::default(),
                content: remove_proposal(),
            };
            let signed = AuthenticatedContent::sign(
                c.s,
                f.signers[0].as_ref(),
                WireFormat::PublicMessage,
                framed,
                Some(&f.context),
            )
            .unwrap();
            let p = PublicMessage::from_authenticated(c.s, signed, &f.membership_key, &f.context)
                .unwrap();
            assert!(matches!(
                protocol(f.bob_receives(&public(p))),
                ProtocolError::SenderContentMismatch { .. }
            ));
        }
        still_works(&mut f);
    });
}
