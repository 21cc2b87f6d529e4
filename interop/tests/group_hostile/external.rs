//! CHECKLIST "External commit (§12.4.3.2)", and the GroupInfo an external
//! joiner starts from (§12.4.3.1 checks, applied by `join_by_external_commit`).

use super::world::{By, Forge, SUITE, World, by_ref, by_value, config};
use mls_core::codec::VarBytes;
use mls_core::extensions::Extensions;
use mls_core::framing::MlsMessageBody;
use mls_core::group::proposal::{
    Add, CustomProposal, ExternalInit, GroupContextExtensions, Proposal, ProposalOrRef,
    ProposalType, ReInit, Remove, Update,
};
use mls_core::group::{ExternalJoinOptions, Group, KeyPackageOptions};
use mls_core::key_schedule::external_init_secret_to;
use mls_core::secret::Secret;
use mls_core::{Error, MlsMessage, ProtocolError, ProtocolVersion};

/// A fresh ExternalInit for the current epoch and the init secret it gives.
fn external_init(w: &World) -> (Proposal, Secret) {
    let cs = w.cs();
    let (_, external_pub) = w.spy.secrets.external_key_pair(cs).unwrap();
    let export = external_init_secret_to(cs, &external_pub, &w.rand()).unwrap();
    let proposal = Proposal::ExternalInit(ExternalInit {
        kem_output: VarBytes::new(export.kem_output),
    });
    (proposal, export.secret)
}

/// An external commit from `joiner` with `proposals` (the ExternalInits
/// among them made by [`external_init`] with `init_secret`).
fn external<'a>(proposals: Vec<ProposalOrRef>, init_secret: &Secret, path: bool) -> Forge<'a> {
    Forge {
        proposals,
        path,
        init_secret: Some(init_secret.clone()),
        ..Default::default()
    }
}

/// The forge is right: a well-formed external commit is accepted by
/// everyone, who then agree with the epoch the test derived.
#[test]
fn forged_external_commit_is_accepted() {
    let mut w = World::new(3);
    let zed = w.new_client("zed");
    let (init, secret) = external_init(&w);
    let forged = w.forge(
        By::External(&zed),
        external(vec![by_value(init)], &secret, true),
        |_, _| {},
    );
    w.deliver(usize::MAX, &forged.message);
    w.assert_agree(2);
    assert_eq!(
        w.gr(0).epoch_authenticator(),
        forged.next.secrets.epoch_authenticator.as_bytes()
    );
    assert_eq!(w.gr(0).members().len(), 4);
}

/// CHECKLIST: "Not exactly one ExternalInit" (§12.2): none, and two.
#[test]
fn external_commit_without_exactly_one_external_init() {
    let mut w = World::new(3);
    let zed = w.new_client("zed");
    let (init, secret) = external_init(&w);
    let (second, _) = external_init(&w);
    let none = w.forge(
        By::External(&zed),
        external(vec![], &secret, true),
        |_, _| {},
    );
    w.expect_rejected(
        None,
        &none.message,
        "an external commit without ExternalInit",
        protocol!(ProtocolError::ExternalInitCount(0)),
    );
    let two = w.forge(
        By::External(&zed),
        external(vec![by_value(init), by_value(second)], &secret, true),
        |_, _| {},
    );
    w.expect_rejected(
        None,
        &two.message,
        "an external commit with two ExternalInits",
        protocol!(ProtocolError::ExternalInitCount(2)),
    );
    w.assert_recovers(0);
}

/// CHECKLIST: "more than one Remove" (§12.2).
#[test]
fn external_commit_with_two_removes() {
    let mut w = World::new(3);
    let zed = w.new_client("zed");
    let (init, secret) = external_init(&w);
    let remove = |l| by_value(Proposal::Remove(Remove { removed: l }));
    let forged = w.forge(
        By::External(&zed),
        external(vec![by_value(init), remove(1), remove(2)], &secret, true),
        |_, _| {},
    );
    w.expect_rejected(
        None,
        &forged.message,
        "an external commit with two Removes",
        protocol!(ProtocolError::ExternalCommitRemoveCount),
    );
    w.assert_recovers(0);
}

/// CHECKLIST: "other proposal types" (§12.2): an Add, an Update, a
/// ReInit, a GroupContextExtensions and a custom proposal inside an
/// external commit.
#[test]
fn external_commit_with_other_proposal_types() {
    let mut w = World::new(3);
    let zed = w.new_client("zed");
    let dave = w.new_client("dave");
    let kp = dave
        .generate_key_package(SUITE, &KeyPackageOptions::default())
        .unwrap();
    let others = [
        (1u16, Proposal::Add(Add { key_package: kp })),
        (
            2,
            Proposal::Update(Update {
                leaf_node: w.update_leaf(1),
            }),
        ),
        (
            5,
            Proposal::ReInit(ReInit {
                group_id: VarBytes::from(&b"successor"[..]),
                version: ProtocolVersion,
                cipher_suite: SUITE,
                extensions: Extensions::new(),
            }),
        ),
        (
            7,
            Proposal::GroupContextExtensions(GroupContextExtensions {
                extensions: Extensions::new(),
            }),
        ),
        (
            0xf00d,
            Proposal::Custom(
                CustomProposal::new(ProposalType(0xf00d), VarBytes::new(vec![1])).unwrap(),
            ),
        ),
    ];
    for (code, other) in others {
        let (init, secret) = external_init(&w);
        let forged = w.forge(
            By::External(&zed),
            external(vec![by_value(init), by_value(other)], &secret, true),
            |_, _| {},
        );
        w.expect_rejected(
            None,
            &forged.message,
            &format!("an external commit with a proposal of type {code:#06x}"),
            protocol!(ProtocolError::ExternalCommitProposalType(t) if *t == code),
        );
    }
    w.assert_recovers(0);
}

/// CHECKLIST: "proposals by reference" (§12.4.3.2): a Remove the members
/// hold in their cache.
#[test]
fn external_commit_with_proposal_by_reference() {
    let mut w = World::new(3);
    let zed = w.new_client("zed");
    let r = w.propose(0, |g| g.propose_remove(2));
    let (init, secret) = external_init(&w);
    let forged = w.forge(
        By::External(&zed),
        external(vec![by_value(init), by_ref(&r)], &secret, true),
        |_, _| {},
    );
    w.expect_rejected(
        None,
        &forged.message,
        "an external commit with a proposal by reference",
        protocol!(ProtocolError::ExternalCommitByReference),
    );
    // Bob commits Alice's Remove of Carol.
    w.assert_recovers(1);
}

/// CHECKLIST: "no path" (§12.4.3.2). The sender's key comes from the
/// path, so the message cannot even be authenticated.
#[test]
fn external_commit_without_path() {
    let mut w = World::new(3);
    let zed = w.new_client("zed");
    let (init, secret) = external_init(&w);
    let forged = w.forge(
        By::External(&zed),
        external(vec![by_value(init)], &secret, false),
        |_, _| {},
    );
    w.expect_rejected(
        None,
        &forged.message,
        "an external commit without a path",
        protocol!(ProtocolError::PathRequired),
    );
    w.assert_recovers(0);
}

/// CHECKLIST: "signature not by the path leaf" (§12.4.3.2): the joiner's
/// path leaf, Bob's signature.
#[test]
fn external_commit_signed_by_another_key() {
    let mut w = World::new(3);
    let zed = w.new_client("zed");
    let (init, secret) = external_init(&w);
    let forged = w.forge(
        By::External(&zed),
        external(vec![by_value(init)], &secret, true),
        |_, _| {},
    );
    // Re-sign the same content with Bob's key.
    let mut content = super::world::public_message(&forged.message).into_authenticated();
    let tag = content.auth.confirmation_tag.clone();
    content = w.sign_content(
        w.signer(1),
        content.content.sender,
        content.content.content.clone(),
    );
    content.auth.confirmation_tag = tag;
    let msg = w.wrap(content);
    w.expect_rejected(
        None,
        &msg,
        "an external commit not signed by its path leaf",
        protocol!(ProtocolError::ContentSignatureInvalid),
    );
    w.assert_recovers(0);
}

/// §12.2: a resync's Remove must be of the joiner's own earlier leaf.
#[test]
fn external_resync_removing_someone_else() {
    let mut w = World::new(3);
    let zed = w.new_client("zed");
    let (init, secret) = external_init(&w);
    let forged = w.forge(
        By::External(&zed),
        external(
            vec![
                by_value(init),
                by_value(Proposal::Remove(Remove { removed: 2 })),
            ],
            &secret,
            true,
        ),
        |_, _| {},
    );
    w.expect_rejected(
        None,
        &forged.message,
        "an external commit removing Carol",
        protocol!(ProtocolError::ResyncIdentityMismatch(2)),
    );
    w.assert_recovers(0);
}

fn group_info_of(w: &World) -> mls_core::group::group_info::GroupInfo {
    match w.gr(0).group_info(true).unwrap().body {
        MlsMessageBody::GroupInfo(info) => info,
        other => panic!("expected a GroupInfo, got {other:?}"),
    }
}

fn join_external(
    client: &mls_core::group::Client<interop::clients::TestProvider>,
    info: mls_core::group::group_info::GroupInfo,
) -> Result<(super::world::G, MlsMessage), Error> {
    Group::join_by_external_commit(
        client,
        &MlsMessage::new(MlsMessageBody::GroupInfo(info)),
        config(),
        ExternalJoinOptions::default(),
    )
}

/// Zed joins with the genuine GroupInfo after the hostile ones failed.
fn join_genuinely(w: &mut World, zed: mls_core::group::Client<interop::clients::TestProvider>) {
    let epoch = w.gr(0).epoch();
    let (mut group, commit) = join_external(&zed, group_info_of(w)).expect("genuine join");
    group.merge_pending_commit().expect("stored");
    w.members.push(super::world::Member {
        client: zed,
        group: Some(group),
    });
    w.deliver(w.members.len() - 1, &commit);
    w.assert_agree(epoch + 1);
}

/// CHECKLIST "Welcome and GroupInfo": "Bad GroupInfo signature", for a
/// GroupInfo an external joiner uses.
#[test]
fn external_join_with_bad_group_info_signature() {
    let mut w = World::new(3);
    let zed = w.new_client("zed");
    let mut info = group_info_of(&w);
    let mut sig = info.signature.as_slice().to_vec();
    sig[0] ^= 1;
    info.signature = VarBytes::new(sig);
    let err = join_external(&zed, info).expect_err("a bad GroupInfo signature");
    assert!(
        protocol!(ProtocolError::GroupInfoSignatureInvalid)(&err),
        "unexpected error {err:?}"
    );
    join_genuinely(&mut w, zed);
}

/// CHECKLIST "Welcome and GroupInfo": "signer leaf blank", for a GroupInfo
/// an external joiner uses: a blank leaf of the padded tree, and one
/// outside it.
#[test]
fn external_join_with_blank_group_info_signer() {
    let mut w = World::new(3);
    let zed = w.new_client("zed");
    for signer in [3u32, 100] {
        let mut info = group_info_of(&w);
        info.signer = signer;
        let err = join_external(&zed, info).expect_err("a blank signer");
        assert!(
            protocol!(ProtocolError::GroupInfoSignerBlank(s) if *s == signer)(&err),
            "signer {signer}: unexpected error {err:?}"
        );
    }
    join_genuinely(&mut w, zed);
}
