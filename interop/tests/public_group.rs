//! The public view of a group (`PublicGroup`): built from a member's
//! GroupInfo, it follows the group's PublicMessage proposals and commits
//! to the same tree, roster and GroupContext (epoch, tree hash, confirmed
//! transcript hash) as every member, and refuses a hostile commit that the
//! members refuse for a reason that needs no secret, with the same error.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

// The world of the hostile-input tests: a real group whose handshakes are
// PublicMessages, and a forger that knows the epoch's secrets.
#[path = "group_hostile/world.rs"]
#[allow(dead_code)]
mod world;

use interop::SeededRand;
use interop::clients::{TestProvider, crypto, seed};
use mls_core::codec::VarBytes;
use mls_core::framing::{MlsMessageBody, Sender};
use mls_core::group::proposal::{Proposal, ProposalOrRef, Remove};
use mls_core::group::{
    CommitOutput, ExternalJoinOptions, KeyPackageOptions, PublicGroup, PublicProcessedMessage,
};
use mls_core::provider::MlsProvider;
use mls_core::{Error, MlsMessage, ProtocolError};
use mls_storage_memory::MemoryStorage;
use world::{BACKENDS, By, Forge, G, Member, SUITE, World, config, public_message};

type Public = PublicGroup<TestProvider>;

/// The error a hostile message must be refused with.
type Expected = fn(&Error) -> bool;

/// A public view of `w`'s group from member 0's GroupInfo (with the tree).
fn public_view(w: &World) -> Public {
    let provider = MlsProvider::new(
        crypto(w.backend).expect("backend"),
        Box::new(SeededRand::new(seed(9_999))) as Box<dyn mls_core::provider::RandProvider>,
        MemoryStorage::new(),
    );
    let info = w.gr(0).group_info(true).expect("group info");
    PublicGroup::builder(provider)
        .credential_validator(mls_core::credential::AcceptAll)
        .config(config())
        .build_from_group_info(&info, None)
        .expect("the public view accepts a member's GroupInfo")
}

/// The public view agrees with every member (GroupContext, tree, roster).
fn assert_follows(w: &World, pg: &Public, what: &str) {
    let mut checked = 0;
    for (i, m) in w.members.iter().enumerate() {
        let Some(g) = m.group.as_ref() else { continue };
        assert_eq!(pg.group_context(), g.group_context(), "{what}: member {i}");
        assert_eq!(
            pg.ratchet_tree(),
            g.ratchet_tree(),
            "{what}: member {i} tree"
        );
        assert_eq!(pg.members(), g.members(), "{what}: member {i} roster");
        checked += 1;
    }
    assert!(checked > 0, "{what}: no member left to compare with");
}

/// The committer's GroupInfo of the new epoch has the GroupContext and
/// the confirmation tag (the interim transcript hash's input) the public
/// view took from the commit.
fn assert_matches_group_info(pg: &Public, out: &CommitOutput, what: &str) {
    let MlsMessageBody::GroupInfo(info) = &out.group_info.body else {
        panic!("{what}: not a GroupInfo");
    };
    assert_eq!(pg.group_context(), &info.group_context, "{what}");
    assert_eq!(
        pg.confirmation_tag(),
        info.confirmation_tag.as_slice(),
        "{what}: confirmation tag"
    );
}

/// `pg` processes member `by`'s commit and merges it.
fn public_commit(pg: &mut Public, commit: &MlsMessage, what: &str) {
    match pg.process_and_merge(commit) {
        Ok(PublicProcessedMessage::Commit(summary)) => {
            assert_eq!(summary.epoch, pg.epoch(), "{what}: summary epoch");
        }
        other => panic!("{what}: the public view did not take the commit: {other:?}"),
    }
}

/// A member's commit, with everyone (and the public view) processing it.
fn commit(
    w: &mut World,
    pg: &mut Public,
    by: usize,
    what: &str,
    build: impl FnOnce(&mut G) -> Result<CommitOutput, Error>,
) -> CommitOutput {
    let out = w.commit_all(by, build);
    public_commit(pg, &out.commit, what);
    assert_follows(w, pg, what);
    assert_matches_group_info(pg, &out, what);
    pg.check_group_info(&out.group_info)
        .unwrap_or_else(|e| panic!("{what}: the committer's GroupInfo: {e:?}"));
    out
}

#[test]
fn public_view_follows_commits_on_every_backend() {
    for backend in BACKENDS {
        let mut w = World::on(backend, 4);
        let mut pg = public_view(&w);
        assert_follows(&w, &pg, &format!("{backend}: from the GroupInfo"));
        assert_eq!(pg.epoch(), 1);

        // A commit with an UpdatePath only.
        commit(
            &mut w,
            &mut pg,
            1,
            &format!("{backend}: update path"),
            |g| g.self_update(),
        );

        // An Update proposal, then a commit referencing it (with a path).
        let proposal = w.g(2).propose_update().expect("propose update");
        w.deliver(2, &proposal);
        match pg.process_message(&proposal).expect("the proposal") {
            PublicProcessedMessage::Proposal(p) => {
                assert_eq!(p.sender.sender, Sender::Member(w.leaf(2)));
                assert_eq!(Some(&p.reference), w.cache.last().map(|c| &c.reference));
            }
            other => panic!("{backend}: not a proposal: {other:?}"),
        }
        assert_eq!(pg.pending_proposals().len(), 1);
        let out = commit(
            &mut w,
            &mut pg,
            3,
            &format!("{backend}: by reference"),
            |g| g.commit(),
        );
        assert_eq!(out.proposals.len(), 1);
        assert!(pg.pending_proposals().is_empty());

        // An Add without a path; the new member joins.
        let erin = w.new_client("erin");
        let kp = erin
            .generate_key_package(SUITE, &KeyPackageOptions::default())
            .expect("key package");
        let out = commit(&mut w, &mut pg, 0, &format!("{backend}: add"), |g| {
            g.add_members(&[kp])
        });
        assert!(!out.has_path);
        let joined =
            G::join(&erin, out.welcome.as_ref().expect("welcome"), config()).expect("erin joins");
        w.members.push(Member {
            client: erin,
            group: Some(joined),
        });
        assert_follows(&w, &pg, &format!("{backend}: after the join"));

        // A Remove (member 2 leaves the world: its group goes inactive).
        let removed = w.leaf(2);
        commit(&mut w, &mut pg, 1, &format!("{backend}: remove"), |g| {
            g.remove_members(&[removed])
        });
        assert!(pg.member(removed).is_none());

        // A join by external commit into the blank leaf.
        let frank = w.new_client("frank");
        let info = w.gr(0).group_info(true).expect("group info");
        let (mut joined, external) =
            G::join_by_external_commit(&frank, &info, config(), ExternalJoinOptions::default())
                .expect("external join");
        joined.merge_pending_commit().expect("merge");
        let others = w.members.len();
        w.deliver(others, &external);
        match pg
            .process_and_merge(&external)
            .expect("the external commit")
        {
            PublicProcessedMessage::Commit(summary) => {
                assert_eq!(summary.sender.sender, Sender::NewMemberCommit);
                assert_eq!(summary.added.len(), 1);
                assert_eq!(summary.added[0].index, removed, "the leftmost blank leaf");
            }
            other => panic!("{backend}: not a commit: {other:?}"),
        }
        w.members.push(Member {
            client: frank,
            group: Some(joined),
        });
        assert_follows(&w, &pg, &format!("{backend}: external join"));
        assert_eq!(pg.epoch(), 6);
        let last = w.members.len() - 1;
        pg.check_group_info(&w.gr(last).group_info(true).expect("group info"))
            .expect("the joiner's GroupInfo");
    }
}

/// A hostile commit refused by the members for a reason that needs no
/// secret is refused by the public view with the same error, and leaves
/// it as it was; a valid commit then goes through.
#[test]
fn public_view_refuses_what_members_refuse_without_secrets() {
    let mut w = World::new(4);
    let mut pg = public_view(&w);
    let third = w.leaf(3);
    let cases: Vec<(&str, MlsMessage, Expected)> = vec![
        (
            "signed by another member's key",
            w.forge(
                By::Member(1),
                Forge {
                    path: true,
                    signer: Some(w.signer(2)),
                    ..Default::default()
                },
                |_, _| {},
            )
            .message,
            |e| matches!(e, Error::Protocol(ProtocolError::ContentSignatureInvalid)),
        ),
        (
            "the committer removes itself",
            w.forge_simple(
                1,
                vec![ProposalOrRef::Proposal(Proposal::Remove(Remove {
                    removed: w.leaf(1),
                }))],
                true,
            ),
            |e| matches!(e, Error::Protocol(ProtocolError::CommitterRemoved)),
        ),
        (
            "a Remove without a path",
            w.forge_simple(
                1,
                vec![ProposalOrRef::Proposal(Proposal::Remove(Remove {
                    removed: third,
                }))],
                false,
            ),
            |e| matches!(e, Error::Protocol(ProtocolError::PathRequired)),
        ),
        (
            "a proposal reference nobody has",
            w.forge_simple(
                1,
                vec![ProposalOrRef::Reference(
                    mls_core::group::proposal::ProposalRef::from_authenticated_content(
                        w.cs(),
                        b"no such proposal",
                    )
                    .expect("reference"),
                )],
                true,
            ),
            |e| matches!(e, Error::Protocol(ProtocolError::UnknownProposalRef)),
        ),
    ];
    for (what, msg, expected) in cases {
        w.expect_rejected(Some(1), &msg, what, expected);
        let (context, tree) = (pg.group_context().clone(), pg.ratchet_tree());
        match pg.process_message(&msg) {
            Ok(r) => panic!("{what}: the public view accepted it: {r:?}"),
            Err(e) => assert!(expected(&e), "{what}: the public view said {e:?}"),
        }
        assert_eq!(pg.group_context(), &context, "{what}: context changed");
        assert_eq!(pg.ratchet_tree(), tree, "{what}: tree changed");
        assert_follows(&w, &pg, what);
    }
    // The world's own view (world.rs, `Shadow`) refused each the same way.
    assert_eq!(w.shadow.refused, 4);
    assert_eq!(w.shadow.beyond_view, 0);
    commit(&mut w, &mut pg, 2, "recovery", |g| g.commit());
    assert!(w.shadow.followed >= 1);
}

/// What the public view cannot check: a commit whose confirmation tag is
/// wrong (or whose membership tag is forged) is refused by every member
/// and accepted here. The view's docs say so; this test pins it.
#[test]
fn public_view_cannot_check_the_confirmation_or_membership_tag() {
    let mut w = World::new(3);
    let mut pg = public_view(&w);
    let valid = w.forge_simple(1, vec![], true);

    let mut bad_tag = public_message(&valid).into_authenticated();
    bad_tag.set_confirmation_tag(vec![0u8; w.cs().hash_len()]);
    let bad_tag = w.wrap(bad_tag);
    let mut bad_membership = public_message(&valid);
    bad_membership.membership_tag = Some(VarBytes::new(vec![0u8; w.cs().hash_len()]));
    let bad_membership = MlsMessage::new(MlsMessageBody::PublicMessage(bad_membership));
    let cases: [(&str, &MlsMessage, ProtocolError); 2] = [
        (
            "confirmation tag",
            &bad_tag,
            ProtocolError::ConfirmationTagMismatch,
        ),
        (
            "membership tag",
            &bad_membership,
            ProtocolError::MembershipTagMismatch,
        ),
    ];
    for (what, msg, refused) in cases {
        w.expect_rejected(Some(1), msg, what, |e| {
            matches!(e, Error::Protocol(p) if std::mem::discriminant(p) == std::mem::discriminant(&refused))
        });
        match pg.process_message(msg) {
            Ok(PublicProcessedMessage::StagedCommit(staged)) => {
                assert_eq!(staged.group_context().epoch, 2, "{what}");
            }
            other => panic!("{what}: expected a staged commit, got {other:?}"),
        }
    }
    // Members refuse a wrong membership tag's length without secrets, and
    // so does the public view.
    let mut short = public_message(&valid);
    short.membership_tag = Some(VarBytes::new(vec![0u8; 3]));
    let short = MlsMessage::new(MlsMessageBody::PublicMessage(short));
    let length = |e: &Error| matches!(e, Error::Protocol(ProtocolError::MacLength { .. }));
    w.expect_rejected(Some(1), &short, "short membership tag", length);
    assert!(length(&pg.process_message(&short).unwrap_err()));
    // The world's view took the two (and started again after each), and
    // refused the third.
    assert_eq!((w.shadow.beyond_view, w.shadow.refused), (2, 1));
}

/// A GroupInfo offered as the current one (as a committer uploads it for
/// external joiners) is checked against the epoch: signature, GroupContext,
/// confirmation tag, ratchet tree.
#[test]
fn public_view_checks_a_group_info_against_the_epoch() {
    let mut w = World::new(3);
    let mut pg = public_view(&w);
    let stale = w.gr(0).group_info(true).expect("group info");
    pg.check_group_info(&stale).expect("the current GroupInfo");
    let out = commit(&mut w, &mut pg, 1, "update", |g| g.self_update());
    pg.check_group_info(&w.gr(2).group_info(false).expect("group info"))
        .expect("another member's, without the tree");
    let mismatch = |e: Error, field: &str| {
        assert!(
            matches!(&e, Error::Protocol(ProtocolError::GroupInfoMismatch(f)) if *f == field),
            "{field}: {e:?}"
        );
    };
    mismatch(pg.check_group_info(&stale).unwrap_err(), "group_context");

    let MlsMessageBody::GroupInfo(mut info) = out.group_info.body.clone() else {
        panic!("not a GroupInfo");
    };
    info.confirmation_tag = VarBytes::new(vec![0u8; w.cs().hash_len()]);
    let unsigned = MlsMessage::new(MlsMessageBody::GroupInfo(info.clone()));
    assert!(matches!(
        pg.check_group_info(&unsigned).unwrap_err(),
        Error::Protocol(ProtocolError::GroupInfoSignatureInvalid)
    ));
    info.sign(w.signer(1), w.cs()).expect("sign");
    let resigned = MlsMessage::new(MlsMessageBody::GroupInfo(info));
    mismatch(
        pg.check_group_info(&resigned).unwrap_err(),
        "confirmation_tag",
    );

    // A commit and its GroupInfo merge together or not at all: with the
    // epoch's old GroupInfo (or one with the wrong tag) the view stays
    // where it was; with the committer's, it moves on.
    let out = w.commit_all(2, |g| g.self_update());
    let before = (pg.group_context().clone(), pg.ratchet_tree());
    for (bad, field) in [(&stale, "group_context"), (&resigned, "group_context")] {
        let PublicProcessedMessage::StagedCommit(staged) =
            pg.process_message(&out.commit).expect("the commit")
        else {
            panic!("not a staged commit");
        };
        mismatch(
            pg.merge_staged_commit_with_group_info(staged, bad)
                .unwrap_err(),
            field,
        );
        assert_eq!((pg.group_context().clone(), pg.ratchet_tree()), before);
    }
    let PublicProcessedMessage::StagedCommit(staged) =
        pg.process_message(&out.commit).expect("the commit")
    else {
        panic!("not a staged commit");
    };
    pg.merge_staged_commit_with_group_info(staged, &out.group_info)
        .expect("the committer's GroupInfo");
    assert_follows(&w, &pg, "merged with its GroupInfo");
}

/// A commit with a ReInit is followed, and the view records it (§11.2).
#[test]
fn public_view_records_a_reinit() {
    let mut w = World::new(3);
    let mut pg = public_view(&w);
    let new_id = b"the successor".to_vec();
    let out = w.commit_all(1, |g| {
        g.commit_builder()
            .reinit(&new_id, SUITE, mls_core::extensions::Extensions::new())
            .build()
    });
    assert!(pg.reinit().is_none());
    public_commit(&mut pg, &out.commit, "reinit");
    let reinit = pg.reinit().expect("the ReInit is recorded");
    assert_eq!(reinit.group_id.as_slice(), new_id.as_slice());
    assert_eq!(pg.group_context(), w.gr(1).group_context());
}

/// Proposals from outside the group (§12.1.8): an external sender's
/// Remove (after a GroupContextExtensions commit names the sender) and a
/// new member's Add, cached by the view under the members' references and
/// followed when a member commits them; the out-of-range sender index is
/// refused by both.
#[test]
fn public_view_follows_proposals_from_outside_the_group() {
    use mls_core::codec::VarVec;
    use mls_core::extensions::{ExtensionBody, Extensions, ExternalSender, ExternalSenders};
    use mls_core::group::external_proposal;

    let mut w = World::new(4);
    let mut pg = public_view(&w);
    let ds = w.new_client("delivery service");
    let senders = ExternalSenders(VarVec::new(vec![ExternalSender {
        signature_key: VarBytes::new(ds.signer().public_key().to_vec()),
        credential: ds.credential().clone(),
    }]))
    .to_extension()
    .expect("extension");
    let out = commit(&mut w, &mut pg, 0, "external_senders", |g| {
        g.commit_builder()
            .group_context_extensions(Extensions::from_vec(vec![senders]))
            .build()
    });
    assert!(out.has_path, "a GroupContextExtensions commit has a path");

    let removed = w.leaf(2);
    let send = |w: &World, index: u32| {
        external_proposal(
            w.cs(),
            ds.signer(),
            w.gr(0).group_context(),
            index,
            Proposal::Remove(Remove { removed }),
        )
        .expect("external proposal")
    };
    let out_of_range = send(&w, 1);
    let expected = |e: &Error| {
        matches!(
            e,
            Error::Protocol(ProtocolError::ExternalSenderOutOfRange(1))
        )
    };
    w.expect_rejected(None, &out_of_range, "sender 1 of 1", expected);
    assert!(expected(&pg.process_message(&out_of_range).unwrap_err()));

    let external = send(&w, 0);
    let joiner = w.new_client("erin");
    let kp = joiner
        .generate_key_package(SUITE, &KeyPackageOptions::default())
        .expect("key package");
    let info = w.gr(0).group_info(false).expect("group info");
    let new_member = joiner.new_member_proposal(&info, kp).expect("proposal");
    for (msg, sender) in [
        (&external, Sender::External(0)),
        (&new_member, Sender::NewMemberProposal),
    ] {
        w.deliver(usize::MAX, msg);
        match pg.process_message(msg).expect("a proposal from outside") {
            PublicProcessedMessage::Proposal(p) => {
                assert_eq!(p.sender.sender, sender);
                assert_eq!(Some(&p.reference), w.cache.last().map(|c| &c.reference));
            }
            other => panic!("not a proposal: {other:?}"),
        }
    }
    assert_eq!(pg.pending_proposals().len(), 2);
    let out = commit(&mut w, &mut pg, 1, "outside proposals", |g| g.commit());
    assert_eq!(out.proposals.len(), 2);
    // Removes apply before Adds (§12.3): the joiner takes the freed leaf.
    let at = pg.member(removed).expect("the joiner's leaf");
    assert_eq!(&at.credential, joiner.credential());
    assert_eq!(pg.members().len(), 4, "one removed, one added");
}

/// A member that lost its state rejoins by an external commit that
/// removes its old leaf (§12.4.3.2, a resync): the view follows it, and
/// the old leaf's key is gone from the tree.
#[test]
fn public_view_follows_a_resync() {
    for backend in BACKENDS {
        let mut w = World::on(backend, 3);
        let mut pg = public_view(&w);
        let carol = 2;
        let old_leaf = w.leaf(carol);
        let old_key = w.leaf_node(carol).encryption_key;
        let info = w.gr(0).group_info(true).expect("group info");
        let (mut rejoined, commit) = G::join_by_external_commit(
            w.client(carol),
            &info,
            config(),
            ExternalJoinOptions {
                remove_prior_leaf: Some(old_leaf),
                ..Default::default()
            },
        )
        .expect("resync");
        rejoined.merge_pending_commit().expect("merge");
        w.deliver(carol, &commit);
        match pg.process_and_merge(&commit).expect("the resync commit") {
            PublicProcessedMessage::Commit(summary) => {
                assert_eq!(summary.sender.sender, Sender::NewMemberCommit);
                assert_eq!(summary.removed.len(), 1, "{backend}: the old leaf");
                assert_eq!(summary.added.len(), 1, "{backend}: the new leaf");
            }
            other => panic!("{backend}: not a commit: {other:?}"),
        }
        w.members[carol].group = Some(rejoined);
        assert_follows(&w, &pg, &format!("{backend}: resync"));
        let new_leaf = w.leaf(carol);
        assert_eq!(new_leaf, old_leaf, "{backend}: the leftmost blank leaf");
        let tree = pg.ratchet_tree();
        let Some(Some(mls_core::tree::node::Node::Leaf(now))) =
            tree.nodes().nth(2 * new_leaf as usize)
        else {
            panic!("{backend}: no leaf at carol's index");
        };
        assert_ne!(now.encryption_key, old_key, "{backend}: a new leaf key");
        assert!(
            w.shadow.followed >= 1,
            "{backend}: the world's view followed it"
        );
    }
}
