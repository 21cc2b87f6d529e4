//! Safe defaults: proposals from outside the group are refused unless the
//! rules admit them (§12.1.8), and our commits carry only what the rules
//! let in.

use super::support::*;
use interop::SeededRand;
use interop::clients::{TestProvider, seed};
use mls_core::codec::{VarBytes, VarVec};
use mls_core::credential::Credential;
use mls_core::crypto::generate_signer;
use mls_core::extensions::{ExtensionBody, Extensions, ExternalSender, ExternalSenders};
use mls_core::group::external_proposal;
use mls_core::group::proposal::{Proposal, Remove};
use mls_core::group::{
    DefaultRules, GroupRules, KeyPackageOptions, MessageSender, ProcessedMessage, ProposalSource,
    RulesContext,
};
use mls_core::provider::{CryptoProvider, Signer};
use mls_core::{Error, ProtocolError};

fn rejected_by_rules(result: Result<ProcessedMessage, Error>) -> String {
    match result {
        Err(Error::Protocol(ProtocolError::ProposalRejectedByRules(reason))) => reason,
        other => panic!("expected ProposalRejectedByRules, got {other:?}"),
    }
}

/// An outsider's `new_member_proposal` is refused by default, and the next
/// ordinary commit adds nobody. With rules that admit it, the same
/// proposal is cached and the commit adds the outsider.
#[test]
fn new_member_proposal_is_refused_by_default() {
    let (alice, bob, eve) = (member("alice", 1), member("bob", 2), member("eve", 3));
    let mut groups = group_of(&alice, &[&bob], Extensions::new());
    let info = groups[0].group_info(false).unwrap();
    let kp = eve
        .generate_key_package(SUITE, &KeyPackageOptions::default())
        .unwrap();
    let proposal = eve.new_member_proposal(&info, kp).unwrap();

    let before = snapshot(&groups[0]);
    let reason = rejected_by_rules(groups[0].process_message(&proposal));
    assert!(reason.contains("new_member_proposal"), "{reason}");
    assert_unchanged(&groups[0], &alice, &before);

    // The rules come back with a group loaded from storage.
    let mut reloaded = mls_core::Group::load(&alice, groups[0].group_id()).unwrap();
    rejected_by_rules(reloaded.process_message(&proposal));
    drop(reloaded);

    let out = groups[0].commit().unwrap();
    assert!(out.proposals.is_empty(), "{:?}", out.proposals);
    assert!(out.has_path);
    assert!(out.welcome.is_none());
    groups[0].merge_pending_commit().unwrap();
    assert_eq!(groups[0].members().len(), 2);

    // Bob, whose rules admit new members, caches it; Alice's next commit
    // (her rules now admitting it too) adds Eve.
    groups[1].set_rules(std::sync::Arc::new(DefaultRules {
        new_member_proposals: true,
        ..DefaultRules::default()
    }));
    groups[1].process_and_merge(&out.commit).unwrap();
    let info = groups[0].group_info(false).unwrap();
    let kp = eve
        .generate_key_package(SUITE, &KeyPackageOptions::default())
        .unwrap();
    let proposal = eve.new_member_proposal(&info, kp).unwrap();
    let ProcessedMessage::Proposal(received) = groups[1].process_message(&proposal).unwrap() else {
        panic!("expected a proposal");
    };
    assert_eq!(name(&received.sender.credential), b"eve");
    assert!(!received.sender.is_member());
    let out = groups[1].commit().unwrap();
    assert_eq!(out.proposals.len(), 1);
    assert!(out.proposals[0].reference.is_some());
    assert_eq!(name(&out.proposals[0].sender.credential), b"eve");
    assert!(out.welcome.is_some());
}

/// A group whose `external_senders` lists one server, and the server's
/// signer.
fn with_server(n: u64) -> (Extensions, Box<dyn Signer>) {
    let crypto = interop::clients::crypto(BACKEND).unwrap();
    let suite = crypto.cipher_suite(SUITE).unwrap();
    let server = generate_signer(suite, &SeededRand::new(seed(n))).unwrap();
    let senders = ExternalSenders(VarVec::new(vec![ExternalSender {
        signature_key: VarBytes::from(server.public_key()),
        credential: Credential::basic(b"server".to_vec()),
    }]));
    (
        Extensions::from_vec(vec![senders.to_extension().unwrap()]),
        server,
    )
}

fn server_remove(
    g: &mls_core::Group<TestProvider>,
    server: &dyn Signer,
    leaf: u32,
) -> mls_core::MlsMessage {
    let crypto = interop::clients::crypto(BACKEND).unwrap();
    external_proposal(
        crypto.cipher_suite(SUITE).unwrap(),
        server,
        g.group_context(),
        0,
        Proposal::Remove(Remove { removed: leaf }),
    )
    .unwrap()
}

/// An external sender's Remove is refused unless the rules admit it.
#[test]
fn external_sender_remove_is_refused_unless_admitted() {
    let (extensions, server) = with_server(9);
    let alice = member("alice", 1);
    let bob = member("bob", 2);
    let carol = builder("carol", 3)
        .rules(DefaultRules {
            external_sender_proposals: true,
            ..DefaultRules::default()
        })
        .build();
    let mut groups = group_of(&alice, &[&bob, &carol], extensions);
    let remove = server_remove(&groups[0], server.as_ref(), 1);

    let before = snapshot(&groups[0]);
    let reason = rejected_by_rules(groups[0].process_message(&remove));
    assert!(reason.contains("external sender 0"), "{reason}");
    assert_unchanged(&groups[0], &alice, &before);
    assert!(groups[0].commit().unwrap().proposals.is_empty());

    // Carol's rules admit the server: she caches and commits it.
    let ProcessedMessage::Proposal(received) = groups[2].process_message(&remove).unwrap() else {
        panic!("expected a proposal");
    };
    assert_eq!(name(&received.sender.credential), b"server");
    let out = groups[2].commit().unwrap();
    assert_eq!(out.proposals.len(), 1);
    groups[2].merge_pending_commit().unwrap();
    assert_eq!(groups[2].members().len(), 2);
}

/// Rules with the group's context: only the member whose credential is
/// "alice" may add. Bob's Add is refused at Carol by its reason; Alice's
/// is accepted.
struct OnlyAliceAdds;

impl GroupRules for OnlyAliceAdds {
    fn accept_proposal(
        &self,
        group: &RulesContext<'_>,
        proposal: &Proposal,
        sender: &MessageSender,
        _source: ProposalSource,
    ) -> Result<(), String> {
        let admin = sender
            .leaf_index()
            .and_then(|l| group.roster.member(l))
            .is_some_and(|m| name(&m.credential) == b"alice" && m.credential == sender.credential);
        match proposal {
            Proposal::Add(_) if !admin => Err(format!(
                "only alice may add members to group {:02x?} in epoch {}",
                &group.group_id[..4],
                group.epoch
            )),
            _ => Ok(()),
        }
    }
}

#[test]
fn rules_see_the_group_and_the_sender() {
    let alice = member("alice", 1);
    let bob = member("bob", 2);
    let carol = builder("carol", 3).rules(OnlyAliceAdds).build();
    let dave = member("dave", 4);
    let mut groups = group_of(&alice, &[&bob, &carol], Extensions::new());
    let kp = dave
        .generate_key_package(SUITE, &KeyPackageOptions::default())
        .unwrap();
    let by_bob = groups[1].propose_add(kp.clone()).unwrap();
    let before = snapshot(&groups[2]);
    let reason = rejected_by_rules(groups[2].process_message(&by_bob));
    assert!(reason.contains("only alice may add"), "{reason}");
    assert!(reason.contains("epoch 1"), "{reason}");
    assert_unchanged(&groups[2], &carol, &before);

    // Bob's commit carrying the Add by value is refused too, and leaves
    // Carol where she was.
    let out = groups[1]
        .commit_builder()
        .include_received_proposals(false)
        .add_member(kp.clone())
        .build()
        .unwrap();
    match groups[2].process_message(&out.commit) {
        Err(Error::Protocol(ProtocolError::ProposalRejectedByRules(reason))) => {
            assert!(reason.contains("only alice"), "{reason}")
        }
        other => panic!("expected ProposalRejectedByRules, got {other:?}"),
    }
    assert_unchanged(&groups[2], &carol, &before);

    // Alice's own Add goes through.
    let by_alice = groups[0].propose_add(kp).unwrap();
    assert!(matches!(
        groups[2].process_message(&by_alice).unwrap(),
        ProcessedMessage::Proposal(_)
    ));
}

/// Rules chosen per group id: the group `open` admits new members, the
/// client's other groups keep the defaults, also after a reload.
#[test]
fn rules_are_chosen_per_group() {
    let alice = builder("alice", 1)
        .group_rules(|group_id| -> std::sync::Arc<dyn GroupRules> {
            if group_id == b"open" {
                std::sync::Arc::new(DefaultRules::open())
            } else {
                std::sync::Arc::new(DefaultRules::default())
            }
        })
        .build();
    let eve = member("eve", 3);
    let config = mls_core::GroupConfig::default();
    for (id, admitted) in [(&b"open"[..], true), (&b"closed"[..], false)] {
        let g =
            mls_core::Group::create_with_id(&alice, SUITE, id, Extensions::new(), config.clone())
                .unwrap();
        drop(g);
        let mut g = mls_core::Group::load(&alice, id).unwrap();
        let info = g.group_info(false).unwrap();
        let kp = eve
            .generate_key_package(SUITE, &KeyPackageOptions::default())
            .unwrap();
        let proposal = eve.new_member_proposal(&info, kp).unwrap();
        assert_eq!(g.process_message(&proposal).is_ok(), admitted, "{id:?}");
    }
}
