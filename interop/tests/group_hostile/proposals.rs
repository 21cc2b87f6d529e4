//! CHECKLIST "Proposals and proposal lists (§12.1, §12.2)".

use super::world::{By, Caps, Forge, SUITE, World, by_ref, by_value, team, team_id};
use mls_core::ProtocolError;
use mls_core::ProtocolVersion;
use mls_core::codec::{VarBytes, VarVec};
use mls_core::extensions::{
    Extension, ExtensionBody, ExtensionType, Extensions, RequiredCapabilities,
};
use mls_core::group::KeyPackageOptions;
use mls_core::group::proposal::{
    Add, CustomProposal, ExternalInit, GroupContextExtensions, PreSharedKey, Proposal, ProposalRef,
    ProposalType, ReInit, Remove, Update,
};
use mls_core::key_schedule::{PreSharedKeyId, ResumptionPskUsage, external_init_secret_to};

fn remove(leaf: u32) -> Proposal {
    Proposal::Remove(Remove { removed: leaf })
}

fn psk(id: &PreSharedKeyId) -> Proposal {
    Proposal::PreSharedKey(PreSharedKey { psk: id.clone() })
}

fn reinit() -> Proposal {
    Proposal::ReInit(ReInit {
        group_id: VarBytes::from(&b"successor"[..]),
        version: ProtocolVersion,
        cipher_suite: SUITE,
        extensions: Extensions::new(),
    })
}

fn gce(extensions: Vec<Extension>) -> Proposal {
    Proposal::GroupContextExtensions(GroupContextExtensions {
        extensions: Extensions::from_vec(extensions),
    })
}

/// CHECKLIST: "Remove of a blank leaf" (§12.1.3), in a commit and as a
/// proposal; a leaf outside the tree too.
#[test]
fn remove_of_blank_leaf() {
    let mut w = World::new(4);
    // Bob and Carol leave; the spy (erin, member 4) takes leaf 1 and leaf 2
    // stays blank between erin and dave.
    w.add_spy(|b| b.remove_member(1).remove_member(2));
    let (dave, erin) = (3, 4);
    assert_eq!(w.leaf(erin), 1);
    assert!(w.gr(0).member(2).is_none() && w.gr(0).member(3).is_some());

    let msg = w.forge_simple(dave, vec![by_value(remove(2))], true);
    w.expect_rejected(
        Some(dave),
        &msg,
        "commit removing blank leaf 2",
        protocol!(ProtocolError::RemoveOfBlankLeaf(2)),
    );
    let msg = w.forge_simple(dave, vec![by_value(remove(9))], true);
    w.expect_rejected(
        Some(dave),
        &msg,
        "commit removing leaf 9, outside the tree",
        protocol!(ProtocolError::RemoveOfBlankLeaf(9)),
    );
    let msg = w.forge_proposal(dave, remove(2));
    w.expect_rejected(
        Some(dave),
        &msg,
        "Remove proposal of blank leaf 2",
        protocol!(ProtocolError::RemoveOfBlankLeaf(2)),
    );
    w.assert_recovers(0);
}

/// CHECKLIST: "PSK with a nonce of the wrong length" (§8.4), in a commit
/// and as a proposal.
#[test]
fn psk_nonce_of_wrong_length() {
    let mut w = World::new(3);
    w.share_psk();
    for len in [0usize, 5, 31, 33, 64] {
        let id = PreSharedKeyId::external(b"team".to_vec(), vec![1u8; len]);
        let forged = w.forge(
            By::Member(1),
            Forge {
                proposals: vec![by_value(psk(&id))],
                psks: vec![(id.clone(), team())],
                ..Default::default()
            },
            |_, _| {},
        );
        w.expect_rejected(
            Some(1),
            &forged.message,
            &format!("commit with a {len}-byte psk_nonce"),
            protocol!(ProtocolError::PskNonceLength { expected: 32, actual } if *actual == len),
        );
        let msg = w.forge_proposal(1, psk(&id));
        w.expect_rejected(
            Some(1),
            &msg,
            &format!("proposal with a {len}-byte psk_nonce"),
            protocol!(ProtocolError::PskNonceLength { expected: 32, actual } if *actual == len),
        );
    }
    w.assert_recovers(0);
}

/// CHECKLIST: "PSK ... with usage reinit/branch in a normal commit"
/// (§12.1.4), in a commit and as a proposal.
#[test]
fn psk_usage_reinit_or_branch_in_normal_commit() {
    let mut w = World::new(3);
    let group_id = w.gr(0).group_id().to_vec();
    let epoch = w.gr(0).epoch();
    for usage in [ResumptionPskUsage::Reinit, ResumptionPskUsage::Branch] {
        let id = PreSharedKeyId::resumption(usage, group_id.clone(), epoch, vec![2u8; 32]);
        let forged = w.forge(
            By::Member(1),
            Forge {
                proposals: vec![by_value(psk(&id))],
                psks: vec![(id.clone(), w.spy.secrets.resumption_psk.clone())],
                ..Default::default()
            },
            |_, _| {},
        );
        w.expect_rejected(
            Some(1),
            &forged.message,
            &format!("commit with a {usage:?} resumption PSK"),
            protocol!(ProtocolError::PskUsageNotAllowed),
        );
        let msg = w.forge_proposal(1, psk(&id));
        w.expect_rejected(
            Some(1),
            &msg,
            &format!("proposal of a {usage:?} resumption PSK"),
            protocol!(ProtocolError::PskUsageNotAllowed),
        );
    }
    w.assert_recovers(0);
}

/// CHECKLIST: "Committer's own Update" (§12.2), by value and by reference.
#[test]
fn committer_own_update() {
    let mut w = World::new(3);
    let update = Proposal::Update(Update {
        leaf_node: w.update_leaf(1),
    });
    let msg = w.forge_simple(1, vec![by_value(update)], true);
    w.expect_rejected(
        Some(1),
        &msg,
        "commit with the committer's Update by value",
        protocol!(ProtocolError::CommitterUpdate),
    );
    let r = w.propose(1, |g| g.propose_update());
    let msg = w.forge_simple(1, vec![by_ref(&r)], true);
    w.expect_rejected(
        Some(1),
        &msg,
        "commit with the committer's Update by reference",
        protocol!(ProtocolError::CommitterUpdate),
    );
    // Alice commits Bob's Update; Bob still has its private key.
    w.assert_recovers(0);
}

/// CHECKLIST: "Committer's own ... Remove" (§12.2), by value and by
/// reference.
#[test]
fn committer_own_remove() {
    let mut w = World::new(3);
    let msg = w.forge_simple(1, vec![by_value(remove(1))], true);
    w.expect_rejected(
        Some(1),
        &msg,
        "commit removing the committer by value",
        protocol!(ProtocolError::CommitterRemoved),
    );
    let r = w.propose(0, |g| g.propose_remove(1));
    let msg = w.forge_simple(1, vec![by_ref(&r)], true);
    w.expect_rejected(
        Some(1),
        &msg,
        "commit removing the committer by reference",
        protocol!(ProtocolError::CommitterRemoved),
    );
    // Carol commits Alice's Remove of Bob.
    w.assert_recovers(2);
    assert!(w.members[1].group.is_none());
}

/// CHECKLIST: "two Updates/Removes for one leaf" (§12.2).
#[test]
fn two_changes_for_one_leaf() {
    let mut w = World::new(4);
    let msg = w.forge_simple(1, vec![by_value(remove(2)), by_value(remove(2))], true);
    w.expect_rejected(
        Some(1),
        &msg,
        "two Removes of leaf 2",
        protocol!(ProtocolError::DuplicateLeafChange(2)),
    );
    let first = w.propose(2, |g| g.propose_update());
    let msg = w.forge_simple(1, vec![by_ref(&first), by_value(remove(2))], true);
    w.expect_rejected(
        Some(1),
        &msg,
        "an Update and a Remove of leaf 2",
        protocol!(ProtocolError::DuplicateLeafChange(2)),
    );
    let second = w.propose(2, |g| g.propose_update());
    let msg = w.forge_simple(1, vec![by_ref(&first), by_ref(&second)], true);
    w.expect_rejected(
        Some(1),
        &msg,
        "two Updates of leaf 2",
        protocol!(ProtocolError::DuplicateLeafChange(2)),
    );
    w.assert_recovers_with(0, |g| g.self_update());
}

/// §12.2 on the committing side: "If there are multiple proposals that
/// apply to the same leaf, the committer chooses one and includes only
/// that one in the Commit". A member holding two received Updates of one
/// leaf, or an Update and a Remove of it, can still commit what it
/// received.
#[test]
fn committer_chooses_one_change_per_leaf() {
    let mut w = World::new(4);
    w.propose(2, |g| g.propose_update());
    w.propose(3, |g| g.propose_update());
    w.propose(1, |g| g.propose_remove(3));
    w.assert_recovers(0);
    assert!(
        w.members[3].group.is_none(),
        "the Remove wins over the Update"
    );
}

/// CHECKLIST: "Add of a member already present" (§12.2).
#[test]
fn add_of_existing_member() {
    let mut w = World::new(3);
    let kp = w
        .client(2)
        .generate_key_package(SUITE, &KeyPackageOptions::default())
        .unwrap();
    let msg = w.forge_simple(
        1,
        vec![by_value(Proposal::Add(Add { key_package: kp }))],
        false,
    );
    w.expect_rejected(
        Some(1),
        &msg,
        "Add of Carol, already at leaf 2",
        protocol!(ProtocolError::AddOfExistingMember(2)),
    );
    w.assert_recovers(0);
}

/// CHECKLIST: "two Adds of one key package" (§12.2); and two packages of
/// one client.
#[test]
fn two_adds_of_one_key_package() {
    let mut w = World::new(3);
    let dave = w.new_client("dave");
    let kp = dave
        .generate_key_package(SUITE, &KeyPackageOptions::default())
        .unwrap();
    let other = dave
        .generate_key_package(SUITE, &KeyPackageOptions::default())
        .unwrap();
    let add = |kp: &mls_core::key_package::KeyPackage| {
        by_value(Proposal::Add(Add {
            key_package: kp.clone(),
        }))
    };
    let msg = w.forge_simple(1, vec![add(&kp), add(&kp)], false);
    w.expect_rejected(
        Some(1),
        &msg,
        "two Adds of one KeyPackage",
        protocol!(ProtocolError::DuplicateAdd),
    );
    let msg = w.forge_simple(1, vec![add(&kp), add(&other)], false);
    w.expect_rejected(
        Some(1),
        &msg,
        "two Adds of one client's KeyPackages",
        protocol!(ProtocolError::DuplicateAdd),
    );
    w.assert_recovers(0);
}

/// CHECKLIST: "duplicate PSK ids" (§12.2), by value and mixed with a
/// reference.
#[test]
fn duplicate_psk_ids() {
    let mut w = World::new(3);
    w.share_psk();
    let id = team_id(3);
    let forged = w.forge(
        By::Member(1),
        Forge {
            proposals: vec![by_value(psk(&id)), by_value(psk(&id))],
            psks: vec![(id.clone(), team()), (id.clone(), team())],
            ..Default::default()
        },
        |_, _| {},
    );
    w.expect_rejected(
        Some(1),
        &forged.message,
        "two PreSharedKey proposals of one id",
        protocol!(ProtocolError::DuplicatePsk),
    );
    let copy = id.clone();
    let r = w.propose(2, |g| g.propose_psk(copy));
    let forged = w.forge(
        By::Member(1),
        Forge {
            proposals: vec![by_ref(&r), by_value(psk(&id))],
            psks: vec![(id.clone(), team()), (id.clone(), team())],
            ..Default::default()
        },
        |_, _| {},
    );
    w.expect_rejected(
        Some(1),
        &forged.message,
        "a PSK id by reference and again by value",
        protocol!(ProtocolError::DuplicatePsk),
    );
    // Alice commits Carol's PSK proposal.
    w.assert_recovers(0);
}

/// CHECKLIST: "two GroupContextExtensions" (§12.2).
#[test]
fn two_group_context_extensions() {
    let mut w = World::new(3);
    let msg = w.forge_simple(1, vec![by_value(gce(vec![])), by_value(gce(vec![]))], true);
    w.expect_rejected(
        Some(1),
        &msg,
        "two GroupContextExtensions",
        protocol!(ProtocolError::MultipleGroupContextExtensions),
    );
    w.assert_recovers(0);
}

/// CHECKLIST: "ReInit together with other proposals" (§12.2).
#[test]
fn reinit_with_other_proposals() {
    let mut w = World::new(3);
    for (what, list) in [
        (
            "ReInit then Remove",
            vec![by_value(reinit()), by_value(remove(2))],
        ),
        (
            "Remove then ReInit",
            vec![by_value(remove(2)), by_value(reinit())],
        ),
        ("two ReInits", vec![by_value(reinit()), by_value(reinit())]),
    ] {
        let msg = w.forge_simple(1, list, true);
        w.expect_rejected(
            Some(1),
            &msg,
            what,
            protocol!(ProtocolError::ReInitWithOtherProposals),
        );
    }
    let r = w.propose(0, |g| {
        g.propose_reinit(b"successor", SUITE, Extensions::new())
    });
    let msg = w.forge_simple(1, vec![by_ref(&r), by_value(remove(2))], true);
    w.expect_rejected(
        Some(1),
        &msg,
        "a ReInit by reference with a Remove",
        protocol!(ProtocolError::ReInitWithOtherProposals),
    );
    // A commit of the cached ReInit would close the group: update instead.
    w.assert_recovers_with(0, |g| g.self_update());
}

/// CHECKLIST: "ExternalInit in a normal commit" (§12.2); as a proposal too.
#[test]
fn external_init_in_normal_commit() {
    let mut w = World::new(3);
    let cs = w.cs();
    let (_, external_pub) = w.spy.secrets.external_key_pair(cs).unwrap();
    let export = external_init_secret_to(cs, &external_pub, &w.rand()).unwrap();
    let init = Proposal::ExternalInit(ExternalInit {
        kem_output: VarBytes::new(export.kem_output),
    });
    let msg = w.forge_simple(1, vec![by_value(init.clone())], true);
    w.expect_rejected(
        Some(1),
        &msg,
        "a member's commit with an ExternalInit",
        protocol!(ProtocolError::ExternalInitInRegularCommit),
    );
    let msg = w.forge_proposal(1, init);
    w.expect_rejected(
        Some(1),
        &msg,
        "an ExternalInit proposal from a member",
        protocol!(ProtocolError::ExternalInitInRegularCommit),
    );
    w.assert_recovers(0);
}

/// CHECKLIST: "a proposal type some member does not support" (§12.2).
#[test]
fn custom_proposal_type_not_supported_by_a_member() {
    const CUSTOM: ProposalType = ProposalType(0xf00d);
    let supports = Caps {
        proposals: vec![CUSTOM],
        ..Caps::default()
    };
    let mut w = World::build("rustcrypto", &[supports.clone(), supports, Caps::default()]);
    let custom = CustomProposal::new(CUSTOM, VarBytes::new(vec![1, 2, 3])).unwrap();
    let msg = w.forge_simple(1, vec![by_value(Proposal::Custom(custom))], true);
    w.expect_rejected(
        Some(1),
        &msg,
        "a custom proposal Carol does not support",
        protocol!(ProtocolError::ProposalTypeUnsupported {
            proposal_type: 0xf00d,
            leaf: 2
        }),
    );
    w.assert_recovers(0);
}

/// CHECKLIST: "GroupContextExtensions requiring a capability some member
/// lacks" (§12.1.7): a required extension type, and a non-default
/// extension Carol does not list.
#[test]
fn group_context_extensions_a_member_cannot_support() {
    const EXT: ExtensionType = ExtensionType(0xf00e);
    let lists = Caps {
        extensions: vec![EXT],
        ..Caps::default()
    };
    let mut w = World::build("rustcrypto", &[lists.clone(), lists, Caps::default()]);
    let required = RequiredCapabilities {
        extension_types: VarVec::new(vec![EXT]),
        ..Default::default()
    }
    .to_extension()
    .unwrap();
    let msg = w.forge_simple(1, vec![by_value(gce(vec![required]))], true);
    w.expect_rejected(
        Some(1),
        &msg,
        "required_capabilities naming an extension Carol lacks",
        protocol!(ProtocolError::GroupContextExtensionsUnsupported(2)),
    );
    let unknown = Extension {
        extension_type: EXT,
        extension_data: VarBytes::new(vec![0]),
    };
    let msg = w.forge_simple(1, vec![by_value(gce(vec![unknown]))], true);
    w.expect_rejected(
        Some(1),
        &msg,
        "a group context extension Carol does not list",
        protocol!(ProtocolError::GroupContextExtensionsUnsupported(2)),
    );
    w.assert_recovers(0);
}

/// CHECKLIST: "a tree that is invalid after applying the list": an Add
/// whose leaf reuses Carol's encryption key (§7.3: unique among leaves).
#[test]
fn add_making_the_tree_invalid() {
    let mut w = World::new(3);
    let dave = w.new_client("dave");
    let cs = w.cs();
    let mut kp = dave
        .generate_key_package(SUITE, &KeyPackageOptions::default())
        .unwrap();
    kp.leaf_node.encryption_key = w.leaf_node(2).encryption_key;
    kp.leaf_node.sign(dave.signer(), cs, None).unwrap();
    kp.sign(dave.signer(), cs).unwrap();
    let msg = w.forge_simple(
        1,
        vec![by_value(Proposal::Add(Add { key_package: kp }))],
        false,
    );
    w.expect_rejected(
        Some(1),
        &msg,
        "an Add reusing Carol's encryption key",
        protocol!(ProtocolError::DuplicateEncryptionKey),
    );
    w.assert_recovers(0);
}

/// CHECKLIST: "ProposalRef unknown or from another epoch" (§12.4).
#[test]
fn unknown_or_stale_proposal_ref() {
    let mut w = World::new(3);
    let unknown = ProposalRef(VarBytes::new(vec![0xab; 32]));
    let msg = w.forge_simple(1, vec![by_ref(&unknown)], true);
    w.expect_rejected(
        Some(1),
        &msg,
        "a reference to no proposal",
        protocol!(ProtocolError::UnknownProposalRef),
    );
    // A proposal of epoch 1, left out of the commit to epoch 2.
    let stale = w.propose(2, |g| g.propose_remove(0));
    w.add_spy(|b| b.include_received_proposals(false));
    let msg = w.forge_simple(1, vec![by_ref(&stale)], true);
    w.expect_rejected(
        Some(1),
        &msg,
        "a reference to a proposal of the previous epoch",
        protocol!(ProtocolError::UnknownProposalRef),
    );
    w.assert_recovers(0);
}

/// CHECKLIST: "ReInit to a lower version" (§12.1.5). `ProtocolVersion`
/// only has `mls10`, so a lower version cannot even be decoded: the wire
/// bytes of a ReInit proposal with version 0 are refused as an unknown
/// value.
#[test]
fn reinit_to_lower_version_is_undecodable() {
    let w = World::new(3);
    let mut bytes = w.forge_proposal(1, reinit()).to_bytes().unwrap();
    let mut pattern = b"successor".to_vec();
    pattern.extend([0, 1, 0, 1]); // version mls10, suite 1
    let at = bytes
        .windows(pattern.len())
        .position(|win| win == pattern.as_slice())
        .expect("the ReInit's group id, version and suite");
    bytes[at + 10] = 0; // version 0x0000
    let err = mls_core::MlsMessage::from_bytes(&bytes).expect_err("version 0");
    assert!(
        matches!(
            err,
            mls_core::Error::Decode(mls_core::DecodeError::UnknownValue(0))
        ),
        "unexpected error {err:?}"
    );
}

/// A forged proposal `msg` reaches every member (its sender too, whose
/// group did not make it): each either refuses it on receipt with an
/// error `at_receipt` accepts (state unchanged) or caches it. Returns its
/// reference if it was cached (everyone must agree).
fn receive_hostile_proposal(
    w: &mut World,
    msg: &mls_core::MlsMessage,
    what: &str,
    at_receipt: impl Fn(&mls_core::Error) -> bool,
) -> Option<ProposalRef> {
    let mut cached = None;
    let mut refused = false;
    for (i, m) in w.members.iter_mut().enumerate() {
        let Some(g) = m.group.as_mut() else { continue };
        let epoch = g.epoch();
        match g.process_and_merge(msg) {
            Ok(mls_core::ProcessedMessage::Proposal(c)) => cached = Some(c),
            Ok(other) => panic!("{what}: member {i}: unexpected {other:?}"),
            Err(e) => {
                assert!(at_receipt(&e), "{what}: member {i}: unexpected error {e:?}");
                assert_eq!(g.epoch(), epoch);
                assert_eq!(g.pending_proposals().count(), 0);
                refused = true;
            }
        }
    }
    assert!(
        !(refused && cached.is_some()),
        "{what}: members disagree on receipt"
    );
    let cached = cached?;
    let reference = cached.reference.clone();
    w.cache.push(cached);
    Some(reference)
}

/// An Update of Carol's whose leaf signature does not verify, as Carol
/// would send it.
fn bad_update(w: &World) -> mls_core::MlsMessage {
    let mut leaf = w.update_leaf(2);
    let mut sig = leaf.signature.as_slice().to_vec();
    sig[0] ^= 1;
    leaf.signature = VarBytes::new(sig);
    w.forge_proposal(2, Proposal::Update(Update { leaf_node: leaf }))
}

/// An Add of a KeyPackage whose signature does not verify.
fn bad_add_proposal(w: &World) -> Proposal {
    let dave = w.new_client("dave");
    let mut kp = dave
        .generate_key_package(SUITE, &KeyPackageOptions::default())
        .unwrap();
    let mut sig = kp.signature.as_slice().to_vec();
    sig[0] ^= 1;
    kp.signature = VarBytes::new(sig);
    Proposal::Add(Add { key_package: kp })
}

/// [`bad_add_proposal`], sent by Carol.
fn bad_add(w: &World) -> mls_core::MlsMessage {
    w.forge_proposal(2, bad_add_proposal(w))
}

/// CHECKLIST: "an individual proposal that is invalid" (§12.2): an Update
/// whose leaf signature does not verify is refused on receipt by every
/// member (so no commit can reference it: an Update is only ever
/// committed by reference).
#[test]
fn invalid_update_proposal() {
    let mut w = World::new(3);
    let msg = bad_update(&w);
    let invalid = protocol!(ProtocolError::LeafNodeSignatureInvalid);
    assert_eq!(
        receive_hostile_proposal(&mut w, &msg, "bad Update", invalid),
        None,
        "every member refuses the bad Update on receipt"
    );
    // See honest_commit_after_invalid_update for commit().
    w.assert_recovers_with(0, |g| g.self_update());
}

/// As [`invalid_update_proposal`], for an Add whose KeyPackage signature
/// does not verify (§10.1): refused on receipt, and refused inside a
/// commit that carries it by value.
#[test]
fn invalid_add_proposal() {
    let mut w = World::new(3);
    let msg = bad_add(&w);
    let invalid = protocol!(ProtocolError::KeyPackageSignatureInvalid);
    assert_eq!(
        receive_hostile_proposal(&mut w, &msg, "bad Add", invalid),
        None,
        "every member refuses the bad Add on receipt"
    );
    let commit = w.forge_simple(1, vec![by_value(bad_add_proposal(&w))], false);
    w.expect_rejected(
        Some(1),
        &commit,
        "a commit with an inline Add whose KeyPackage signature is bad",
        protocol!(ProtocolError::KeyPackageSignatureInvalid),
    );
    // See honest_commit_after_invalid_add for commit().
    w.assert_recovers_with(0, |g| g.self_update());
}

/// §12.2 on the committing side: a member who received a proposal that
/// cannot be committed (or took it in without checking) must still be
/// able to commit what it received: `commit()`, like `add_members` and
/// `remove_members`, includes received proposals by default. The hostile
/// proposal is either refused on receipt or left out by the committer.
fn honest_commit_after(make: impl FnOnce(&mut World) -> mls_core::MlsMessage) {
    let mut w = World::new(3);
    let msg = make(&mut w);
    receive_hostile_proposal(&mut w, &msg, "hostile proposal", |_| true);
    w.assert_recovers(0);
    w.assert_recovers_with(1, |g| g.remove_members(&[2]));
}

#[test]
fn honest_commit_after_invalid_update() {
    honest_commit_after(|w| bad_update(w));
}

#[test]
fn honest_commit_after_invalid_add() {
    honest_commit_after(|w| bad_add(w));
}

#[test]
fn honest_commit_after_unavailable_psk_proposal() {
    honest_commit_after(|w| {
        w.client(2)
            .store_external_psk(b"carol only", &[1u8; 32])
            .unwrap();
        let id = PreSharedKeyId::external(b"carol only".to_vec(), vec![6u8; 32]);
        w.forge_proposal(2, psk(&id))
    });
}

#[test]
fn honest_commit_after_unsupported_custom_proposal() {
    // Nobody lists the type, so every honest commit() would be invalid.
    honest_commit_after(|w| {
        let custom = CustomProposal::new(ProposalType(0xf00d), VarBytes::new(vec![7])).unwrap();
        w.forge_proposal(2, Proposal::Custom(custom))
    });
}

/// Control for the four tests above: a valid received Add and Remove are
/// committed by `commit()`.
#[test]
fn honest_commit_after_valid_proposals() {
    honest_commit_after(|w| {
        let dave = w.new_client("dave");
        let kp = dave
            .generate_key_package(SUITE, &KeyPackageOptions::default())
            .unwrap();
        w.forge_proposal(2, Proposal::Add(Add { key_package: kp }))
    });
}

/// CHECKLIST §12.2 exceptions: an Add of a client already in the group is
/// valid when the same commit removes it, and a custom proposal type need
/// not be supported by a member the commit removes. The library must not
/// reject these (the forged commits are otherwise valid).
#[test]
fn list_rule_exceptions_are_accepted() {
    const CUSTOM: ProposalType = ProposalType(0xf00d);
    let supports = Caps {
        proposals: vec![CUSTOM],
        ..Caps::default()
    };
    let mut w = World::build(
        "rustcrypto",
        &[
            supports.clone(),
            supports.clone(),
            supports,
            Caps::default(),
        ],
    );
    // Carol (leaf 2) re-added with a new KeyPackage while being removed.
    let kp = w
        .client(2)
        .generate_key_package(SUITE, &KeyPackageOptions::default())
        .unwrap();
    let forged = w.forge(
        By::Member(1),
        Forge {
            proposals: vec![
                by_value(remove(2)),
                by_value(Proposal::Add(Add { key_package: kp })),
            ],
            path: true,
            ..Default::default()
        },
        |_, _| {},
    );
    for i in [0, 3] {
        w.g(i)
            .process_and_merge(&forged.message)
            .unwrap_or_else(|e| panic!("member {i} rejected a re-add of a removed client: {e:?}"));
        assert_eq!(
            w.gr(i).epoch_authenticator(),
            forged.next.secrets.epoch_authenticator.as_bytes()
        );
    }
    // A custom proposal that Dave (leaf 3) lacks, in a commit removing him.
    let mut w = World::build(
        "rustcrypto",
        &[
            Caps {
                proposals: vec![CUSTOM],
                ..Caps::default()
            },
            Caps {
                proposals: vec![CUSTOM],
                ..Caps::default()
            },
            Caps {
                proposals: vec![CUSTOM],
                ..Caps::default()
            },
            Caps::default(),
        ],
    );
    let custom = CustomProposal::new(CUSTOM, VarBytes::new(vec![1])).unwrap();
    let forged = w.forge(
        By::Member(1),
        Forge {
            proposals: vec![by_value(Proposal::Custom(custom)), by_value(remove(3))],
            path: true,
            ..Default::default()
        },
        |_, _| {},
    );
    for i in [0, 2] {
        w.g(i)
            .process_and_merge(&forged.message)
            .unwrap_or_else(|e| {
                panic!("member {i} rejected a custom proposal only the removed member lacks: {e:?}")
            });
        assert_eq!(
            w.gr(i).epoch_authenticator(),
            forged.next.secrets.epoch_authenticator.as_bytes()
        );
    }
}
