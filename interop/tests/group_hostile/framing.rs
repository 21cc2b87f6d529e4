//! CHECKLIST "Framing (§6, §9, §15)": "Commit without confirmation_tag, or
//! a wrong one", "external sender index out of range", "new_member_commit
//! that is not a commit", "new_member_proposal that is not an Add",
//! "Signature invalid under the key implied by sender_type" (for
//! `external` and `new_member_proposal` senders); and
//! the control test showing that the forge makes commits the library
//! accepts, so the rejections elsewhere are the rule's doing.

use super::world::{BACKENDS, By, Forge, World, by_value, public_message};
use mls_core::codec::{VarBytes, VarVec};
use mls_core::extensions::{ExtensionBody, Extensions, ExternalSender, ExternalSenders};
use mls_core::framing::{Content, MlsMessageBody, PublicMessage, Sender};
use mls_core::group::external_proposal;
use mls_core::group::proposal::{Add, Proposal, Remove};
use mls_core::group::{KeyPackageOptions, ProcessedMessage};
use mls_core::provider::Signer;
use mls_core::{Error, MlsMessage, ProtocolError};

/// The forge is right, on every backend: a member's commit made outside
/// the library (a Remove with a path, then a path-less one after it) is
/// accepted, and the members agree with the epoch the test derived.
#[test]
fn forged_valid_commits_are_accepted_on_every_backend() {
    for backend in BACKENDS {
        let mut w = World::on(backend, 5);
        let forged = w.forge(
            By::Member(1),
            Forge {
                proposals: vec![by_value(Proposal::Remove(Remove { removed: 3 }))],
                path: true,
                ..Default::default()
            },
            |_, _| {},
        );
        // Bob cannot process his own commit: he leaves the world here.
        w.members[1].group = None;
        w.deliver(1, &forged.message);
        assert!(w.members[3].group.is_none(), "{backend}: Dave was removed");
        w.assert_agree(2);
        assert_eq!(
            w.gr(0).epoch_authenticator(),
            forged.next.secrets.epoch_authenticator.as_bytes(),
            "{backend}"
        );
        // The test now knows epoch 2 too: a path-less commit by Carol.
        w.spy = forged.next;
        let dave = w.new_client("dave");
        let kp = dave
            .generate_key_package(
                mls_core::CipherSuite::MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519,
                &KeyPackageOptions::default(),
            )
            .unwrap();
        let forged = w.forge(
            By::Member(2),
            Forge {
                proposals: vec![by_value(Proposal::Add(Add { key_package: kp }))],
                ..Default::default()
            },
            |_, _| {},
        );
        w.members[2].group = None;
        w.deliver(2, &forged.message);
        w.assert_agree(3);
        assert_eq!(
            w.gr(0).epoch_authenticator(),
            forged.next.secrets.epoch_authenticator.as_bytes(),
            "{backend}"
        );
    }
}

/// A valid commit from Bob (made by the forge) whose authentication is
/// then changed by `alter`, MACed again with the membership key.
fn altered_commit(w: &World, alter: impl FnOnce(&mut Option<VarBytes>)) -> MlsMessage {
    let forged = w.forge(
        By::Member(1),
        Forge {
            path: true,
            ..Default::default()
        },
        |_, _| {},
    );
    let mut content = public_message(&forged.message).into_authenticated();
    alter(&mut content.auth.confirmation_tag);
    w.wrap(content)
}

/// CHECKLIST: "Commit ... [with] a wrong one [confirmation_tag]": one bit
/// flipped, truncated, empty, one byte too long; on a forged commit and on
/// one the library made.
#[test]
fn commit_with_wrong_confirmation_tag() {
    let mut w = World::new(3);
    type Change = fn(&mut Vec<u8>);
    let cases: [(&str, Change); 4] = [
        ("one bit flipped", |t| t[0] ^= 1),
        ("truncated", |t| t.truncate(16)),
        ("empty", |t| t.clear()),
        ("one byte too long", |t| t.push(0)),
    ];
    for (what, change) in cases {
        let msg = altered_commit(&w, |tag| {
            let mut bytes = tag.as_ref().unwrap().as_slice().to_vec();
            change(&mut bytes);
            *tag = Some(VarBytes::new(bytes));
        });
        w.expect_rejected(
            Some(1),
            &msg,
            &format!("confirmation tag {what}"),
            protocol!(ProtocolError::ConfirmationTagMismatch),
        );
    }
    // A commit the library made, with its tag flipped and the membership
    // tag recomputed.
    let out = w.g(1).self_update().unwrap();
    w.g(1).clear_pending_commit().unwrap();
    let mut content = public_message(&out.commit).into_authenticated();
    let mut tag = content
        .auth
        .confirmation_tag
        .clone()
        .unwrap()
        .as_slice()
        .to_vec();
    tag[31] ^= 0x80;
    content.auth.confirmation_tag = Some(VarBytes::new(tag));
    let msg = w.wrap(content);
    w.expect_rejected(
        Some(1),
        &msg,
        "a real commit with its confirmation tag flipped",
        protocol!(ProtocolError::ConfirmationTagMismatch),
    );
    w.assert_recovers(0);
}

/// CHECKLIST: "Commit without confirmation_tag", from a joiner (no
/// membership tag to compute).
#[test]
fn external_commit_without_confirmation_tag() {
    let mut w = World::new(3);
    let zed = w.new_client("zed");
    let cs = w.cs();
    let (_, external_pub) = w.spy.secrets.external_key_pair(cs).unwrap();
    let export =
        mls_core::key_schedule::external_init_secret_to(cs, &external_pub, &w.rand()).unwrap();
    let forged = w.forge(
        By::External(&zed),
        Forge {
            proposals: vec![by_value(Proposal::ExternalInit(
                mls_core::group::proposal::ExternalInit {
                    kem_output: VarBytes::new(export.kem_output),
                },
            ))],
            path: true,
            init_secret: Some(export.secret),
            ..Default::default()
        },
        |_, _| {},
    );
    let mut message = public_message(&forged.message);
    message.auth.confirmation_tag = None;
    let msg = MlsMessage::new(MlsMessageBody::PublicMessage(message));
    w.expect_rejected(
        None,
        &msg,
        "an external commit without confirmation tag",
        protocol!(ProtocolError::ConfirmationTagMissing),
    );
    w.assert_recovers(0);
}

/// CHECKLIST: "Commit without confirmation_tag", from a member, on the
/// wire: the encoding has no way to leave the tag out, so cutting it out
/// of a valid commit is a decoding error (and no panic).
#[test]
fn member_commit_without_confirmation_tag_on_the_wire() {
    let w = World::new(3);
    let valid = altered_commit(&w, |_| {});
    // [.. signature, confirmation_tag (1 + 32), membership_tag (1 + 32)].
    let mut bytes = valid.to_bytes().unwrap();
    let end = bytes.len();
    let tag = public_message(&valid).auth.confirmation_tag.unwrap();
    assert_eq!(&bytes[end - 65..end - 33], tag.as_slice());
    bytes.drain(end - 66..end - 33);
    let err = MlsMessage::from_bytes(&bytes).expect_err("a commit needs its tag");
    assert!(matches!(err, Error::Decode(_)), "unexpected error {err:?}");
}

/// CHECKLIST: "Commit without confirmation_tag", from a member, as an
/// `MlsMessage` built in memory (the original membership tag kept: none
/// can be computed over a tagless commit).
#[test]
fn member_commit_without_confirmation_tag_in_memory() {
    let mut w = World::new(3);
    let valid = altered_commit(&w, |_| {});
    let mut message = public_message(&valid);
    message.auth.confirmation_tag = None;
    let msg = MlsMessage::new(MlsMessageBody::PublicMessage(message));
    w.expect_rejected(
        Some(1),
        &msg,
        "a member's commit without confirmation tag",
        protocol!(ProtocolError::ConfirmationTagMissing),
    );
    w.assert_recovers(0);
}

/// A joiner-side message from `signer` with `sender` and `content`.
fn outsider_message(
    w: &World,
    signer: &dyn Signer,
    sender: Sender,
    content: Content,
) -> MlsMessage {
    let content = w.sign_content(signer, sender, content);
    let message = PublicMessage::from_authenticated(
        w.cs(),
        content,
        &mls_core::secret::Secret::new(Vec::new()),
        &w.spy.context,
    )
    .unwrap();
    MlsMessage::new(MlsMessageBody::PublicMessage(message))
}

/// CHECKLIST: "new_member_commit that is not a commit".
#[test]
fn new_member_commit_that_is_not_a_commit() {
    let mut w = World::new(3);
    let zed = w.new_client("zed");
    let msg = outsider_message(
        &w,
        zed.signer(),
        Sender::NewMemberCommit,
        Content::Proposal(Proposal::Remove(Remove { removed: 2 })),
    );
    w.expect_rejected(
        None,
        &msg,
        "a new_member_commit proposal",
        protocol!(ProtocolError::SenderContentMismatch {
            sender: "new_member_commit",
            ..
        }),
    );
    w.assert_recovers(0);
}

/// CHECKLIST: "new_member_proposal that is not an Add".
#[test]
fn new_member_proposal_that_is_not_an_add() {
    let mut w = World::new(3);
    let zed = w.new_client("zed");
    let msg = outsider_message(
        &w,
        zed.signer(),
        Sender::NewMemberProposal,
        Content::Proposal(Proposal::Remove(Remove { removed: 2 })),
    );
    w.expect_rejected(
        None,
        &msg,
        "a new_member_proposal Remove",
        protocol!(ProtocolError::SenderContentMismatch {
            sender: "new_member_proposal",
            ..
        }),
    );
    w.assert_recovers(0);
}

/// CHECKLIST: "external sender index out of range": with no
/// external_senders extension, and past the end of a one-entry list; the
/// valid index then works.
#[test]
fn external_sender_index_out_of_range() {
    let mut w = World::new(3);
    let ds = w.new_client("delivery service");
    let remove = Proposal::Remove(Remove { removed: 2 });
    let send = |w: &World, index: u32| {
        external_proposal(
            w.cs(),
            ds.signer(),
            w.gr(0).group_context(),
            index,
            remove.clone(),
        )
        .unwrap()
    };
    let msg = send(&w, 0);
    w.expect_rejected(
        None,
        &msg,
        "an external proposal with no external_senders",
        protocol!(ProtocolError::ExternalSenderOutOfRange(0)),
    );

    let senders = ExternalSenders(VarVec::new(vec![ExternalSender {
        signature_key: VarBytes::new(ds.signer().public_key().to_vec()),
        credential: ds.credential().clone(),
    }]))
    .to_extension()
    .unwrap();
    w.commit_all(0, |g| {
        g.commit_builder()
            .group_context_extensions(Extensions::from_vec(vec![senders]))
            .build()
    });
    for index in [1u32, u32::MAX] {
        let msg = send(&w, index);
        w.expect_rejected(
            None,
            &msg,
            &format!("an external proposal from sender {index} of 1"),
            protocol!(ProtocolError::ExternalSenderOutOfRange(i) if *i == index),
        );
    }
    let msg = send(&w, 0);
    for g in w.members.iter_mut().filter_map(|m| m.group.as_mut()) {
        assert!(matches!(
            g.process_and_merge(&msg).unwrap(),
            ProcessedMessage::Proposal(_)
        ));
    }
    // Alice commits the external sender's Remove of Carol.
    w.assert_recovers(0);
    assert!(w.members[2].group.is_none());
}

/// CHECKLIST "Framing": "sender leaf blank": after Carol's and Dave's
/// removal (a new spy takes Carol's leaf, Erin keeps the tree wide), a
/// proposal framed as Dave's (signed with his key, with the epoch's
/// membership tag) is refused by the library's own sender lookup.
#[test]
fn sender_leaf_blank() {
    let mut w = World::new(5);
    let (carol, dave) = (w.leaf(2), w.leaf(3));
    // Committed with a new spy's Add, so the test knows the new epoch.
    w.add_spy(|b| b.remove_member(carol).remove_member(dave));
    let content = w.sign_content(
        w.signer(3),
        Sender::Member(dave),
        Content::Proposal(Proposal::Remove(Remove { removed: 1 })),
    );
    let msg = w.wrap(content);
    w.expect_rejected_by(
        &[0, 1, 4],
        &msg,
        "a proposal from a blank leaf",
        protocol!(ProtocolError::SenderLeafBlank(l) if *l == dave),
    );
}

/// CHECKLIST "Framing": "Signature invalid under the key implied by
/// sender_type", for `external` (§6.1: the key is the `signature_key` of
/// entry `sender_index` of `external_senders`; §12.1.8.1). The group lists
/// the delivery service at index 0; a proposal claiming index 0 but
/// signed by another key (a member's, an outsider's) is refused by the
/// signature check: the rules admit external senders' proposals. The one
/// signed by the listed key is then accepted.
#[test]
fn external_sender_signature_invalid() {
    let mut w = World::new(3);
    let ds = w.new_client("delivery service");
    let impostor = w.new_client("impostor");
    let senders = ExternalSenders(VarVec::new(vec![ExternalSender {
        signature_key: VarBytes::new(ds.signer().public_key().to_vec()),
        credential: ds.credential().clone(),
    }]))
    .to_extension()
    .unwrap();
    w.commit_all(0, |g| {
        g.commit_builder()
            .group_context_extensions(Extensions::from_vec(vec![senders]))
            .build()
    });
    let remove = Proposal::Remove(Remove { removed: 2 });
    let send = |w: &World, signer: &dyn Signer| {
        external_proposal(w.cs(), signer, w.gr(0).group_context(), 0, remove.clone()).unwrap()
    };
    let forged = [
        ("an outsider", send(&w, impostor.signer())),
        ("member Bob", send(&w, w.signer(1))),
    ];
    for (who, msg) in forged {
        w.expect_rejected(
            None,
            &msg,
            &format!("an external sender's proposal signed by {who}"),
            protocol!(ProtocolError::ContentSignatureInvalid),
        );
    }
    // The listed key's own signature, one bit flipped.
    let mut message = public_message(&send(&w, ds.signer()));
    let mut signature = message.auth.signature.as_slice().to_vec();
    signature[0] ^= 1;
    message.auth.signature = VarBytes::new(signature);
    w.expect_rejected(
        None,
        &MlsMessage::new(MlsMessageBody::PublicMessage(message)),
        "an external sender's proposal with a flipped signature bit",
        protocol!(ProtocolError::ContentSignatureInvalid),
    );

    let msg = send(&w, ds.signer());
    for g in w.members.iter_mut().filter_map(|m| m.group.as_mut()) {
        assert!(matches!(
            g.process_and_merge(&msg).unwrap(),
            ProcessedMessage::Proposal(_)
        ));
    }
    w.assert_recovers(0);
    assert!(w.members[2].group.is_none());
}

/// CHECKLIST "Framing": "Signature invalid under the key implied by
/// sender_type", for `new_member_proposal` (§6.1: the key is the
/// `signature_key` of the Add's KeyPackage leaf; §12.1.8). Zed asks to
/// add Yan's (valid) KeyPackage, signing with his own key, through the
/// public `Client::new_member_proposal`; and Yan's request with one
/// signature bit flipped. The rules admit new members' proposals, so the
/// signature check is what refuses. Yan's own request is accepted.
#[test]
fn new_member_proposal_signature_invalid() {
    let mut w = World::new(3);
    let zed = w.new_client("zed");
    let yan = w.new_client("yan");
    let kp = yan
        .generate_key_package(super::world::SUITE, &KeyPackageOptions::default())
        .unwrap();
    let info = w.gr(0).group_info(false).unwrap();
    let msg = zed.new_member_proposal(&info, kp.clone()).unwrap();
    w.expect_rejected(
        None,
        &msg,
        "a new_member_proposal signed by another key than its KeyPackage's",
        protocol!(ProtocolError::ContentSignatureInvalid),
    );

    let genuine = yan.new_member_proposal(&info, kp).unwrap();
    let mut message = public_message(&genuine);
    let mut signature = message.auth.signature.as_slice().to_vec();
    signature[0] ^= 1;
    message.auth.signature = VarBytes::new(signature);
    w.expect_rejected(
        None,
        &MlsMessage::new(MlsMessageBody::PublicMessage(message)),
        "a new_member_proposal with a flipped signature bit",
        protocol!(ProtocolError::ContentSignatureInvalid),
    );

    for g in w.members.iter_mut().filter_map(|m| m.group.as_mut()) {
        assert!(matches!(
            g.process_and_merge(&genuine).unwrap(),
            ProcessedMessage::Proposal(_)
        ));
    }
}
