//! What a delivery service may do to the order of messages, on both wire
//! formats: a proposal delivered after the commit that references it, an
//! application message after the next commit (within the past-epoch
//! bound), duplicates. A refusal the sender's message can recover from
//! must not cost the receiver the message: once what was missing arrives,
//! the same bytes are accepted and every member agrees.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use interop::clients::{TestProvider, client, seed};
use mls_core::error::ProtocolError;
use mls_core::framing::WireFormat;
use mls_core::group::{Client, Group, GroupConfig, KeyPackageOptions, ProcessedMessage};
use mls_core::{CipherSuite, Error};

const SUITE: CipherSuite = CipherSuite::MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519;
const FORMATS: [WireFormat; 2] = [WireFormat::PrivateMessage, WireFormat::PublicMessage];

type G = Group<TestProvider>;

/// Alice, Bob and Carol in one group, handshakes in `format`.
fn trio(format: WireFormat) -> (G, G, G) {
    let (a, b, c, _) = trio_with_carol(format);
    (a, b, c)
}

/// [`trio`], with Carol's client (whose store holds her group).
fn trio_with_carol(format: WireFormat) -> (G, G, G, Client<TestProvider>) {
    let config = GroupConfig {
        handshake_wire_format: format,
        ..GroupConfig::default()
    };
    let alice = client("rustcrypto", SUITE, "alice", seed(1)).unwrap();
    let bob = client("rustcrypto", SUITE, "bob", seed(2)).unwrap();
    let carol = client("rustcrypto", SUITE, "carol", seed(3)).unwrap();
    let mut a = Group::create(&alice, SUITE, Default::default(), config.clone()).unwrap();
    let kps: Vec<_> = [&bob, &carol]
        .iter()
        .map(|c| {
            c.generate_key_package(SUITE, &KeyPackageOptions::default())
                .unwrap()
        })
        .collect();
    let out = a.add_members(&kps).unwrap();
    a.merge_pending_commit().unwrap();
    let welcome = out.welcome.unwrap();
    let b = Group::join(&bob, &welcome, config.clone()).unwrap();
    let c = Group::join(&carol, &welcome, config).unwrap();
    (a, b, c, carol)
}

/// A message already received: its key is spent, or its epoch is past.
fn is_stale(result: &Result<ProcessedMessage, Error>) -> bool {
    matches!(
        result,
        Err(Error::Protocol(
            ProtocolError::GenerationReplayed { .. } | ProtocolError::WrongEpoch { .. }
        ))
    )
}

fn assert_agree(groups: &[&G]) {
    for g in groups {
        assert_eq!(g.epoch(), groups[0].epoch());
        assert_eq!(g.epoch_authenticator(), groups[0].epoch_authenticator());
    }
}

fn expect_commit(result: Result<ProcessedMessage, Error>) {
    match result {
        Ok(ProcessedMessage::Commit(_)) => {}
        other => panic!("expected a merged commit, got {other:?}"),
    }
}

/// Bob proposes an Update, Alice commits it by reference; Carol receives
/// the commit first. It is refused as naming a proposal she does not have,
/// then accepted, the same bytes, once the proposal is in. Before the fix
/// the refusal spent the commit's handshake key and the retry was refused
/// as a replay forever.
#[test]
fn a_commit_before_its_proposal_is_accepted_once_the_proposal_arrives() {
    for format in FORMATS {
        let (mut a, mut b, mut c) = trio(format);
        let proposal = b.propose_update().unwrap();
        assert!(matches!(
            a.process_message(&proposal).unwrap(),
            ProcessedMessage::Proposal(_)
        ));
        let out = a.commit().unwrap();
        a.merge_pending_commit().unwrap();
        let before = c.epoch_authenticator().to_vec();
        match c.process_and_merge(&out.commit) {
            Err(Error::Protocol(ProtocolError::UnknownProposalRef)) => {}
            other => panic!("{format:?}: expected UnknownProposalRef, got {other:?}"),
        }
        assert_eq!(
            c.epoch_authenticator(),
            before,
            "{format:?}: refused, unchanged"
        );
        assert!(matches!(
            c.process_message(&proposal).unwrap(),
            ProcessedMessage::Proposal(_)
        ));
        expect_commit(c.process_and_merge(&out.commit));
        expect_commit(b.process_and_merge(&out.commit));
        assert_agree(&[&a, &b, &c]);
        // A duplicate is refused: its key is spent (PrivateMessage), or it
        // is of a past epoch (PublicMessage).
        assert!(
            is_stale(&c.process_and_merge(&out.commit)),
            "{format:?}: a duplicate commit is refused"
        );
    }
}

/// The refusal and the recovery survive a reload in between: what the
/// refusal stored does not spend the key either.
#[test]
fn a_commit_refused_for_a_missing_proposal_is_accepted_after_a_reload() {
    let (mut a, mut b, mut c, carol) = trio_with_carol(WireFormat::PrivateMessage);
    let proposal = b.propose_update().unwrap();
    a.process_message(&proposal).unwrap();
    let out = a.commit().unwrap();
    a.merge_pending_commit().unwrap();
    assert!(matches!(
        c.process_and_merge(&out.commit),
        Err(Error::Protocol(ProtocolError::UnknownProposalRef))
    ));
    let group_id = c.group_id().to_vec();
    drop(c);
    let mut c = Group::load(&carol, &group_id).unwrap();
    c.process_message(&proposal).unwrap();
    expect_commit(c.process_and_merge(&out.commit));
    expect_commit(b.process_and_merge(&out.commit));
    assert_agree(&[&a, &b, &c]);
}

/// An application message sent before a commit and delivered after it is
/// read in the past epoch; a duplicate of it is refused as a replay.
#[test]
fn an_application_message_after_the_next_commit_is_read_and_a_duplicate_refused() {
    for format in FORMATS {
        let (mut a, mut b, mut c) = trio(format);
        let late = b.encrypt_application_message(b"late", b"").unwrap();
        let out = a.self_update().unwrap();
        a.merge_pending_commit().unwrap();
        expect_commit(b.process_and_merge(&out.commit));
        expect_commit(c.process_and_merge(&out.commit));
        match c.process_message(&late).unwrap() {
            ProcessedMessage::Application(m) => {
                assert_eq!(m.data, b"late");
                assert_eq!(m.epoch, 1);
            }
            other => panic!("{format:?}: expected application data, got {other:?}"),
        }
        match c.process_message(&late) {
            Err(Error::Protocol(ProtocolError::GenerationReplayed { .. })) => {}
            other => panic!("{format:?}: expected a replay refusal, got {other:?}"),
        }
        assert_agree(&[&a, &b, &c]);
    }
}

/// A proposal delivered twice is cached once; a duplicated commit is
/// refused and changes nothing.
#[test]
fn duplicate_proposals_and_commits() {
    for format in FORMATS {
        let (mut a, mut b, mut c) = trio(format);
        let proposal = b.propose_update().unwrap();
        for g in [&mut a, &mut c] {
            g.process_message(&proposal).unwrap();
            // A PrivateMessage's key is spent: the copy is a replay. A
            // PublicMessage has no key; its copy is the same proposal.
            let again = g.process_message(&proposal);
            match format {
                WireFormat::PrivateMessage => assert!(
                    matches!(
                        again,
                        Err(Error::Protocol(ProtocolError::GenerationReplayed { .. }))
                    ),
                    "{again:?}"
                ),
                _ => assert!(matches!(again, Ok(ProcessedMessage::Proposal(_)))),
            }
        }
        assert_eq!(c.pending_proposals().count(), 1, "{format:?}");
        let out = a.commit().unwrap();
        a.merge_pending_commit().unwrap();
        expect_commit(c.process_and_merge(&out.commit));
        expect_commit(b.process_and_merge(&out.commit));
        let after = c.epoch_authenticator().to_vec();
        assert!(is_stale(&c.process_and_merge(&out.commit)), "{format:?}");
        assert_eq!(c.epoch_authenticator(), after);
        assert_agree(&[&a, &b, &c]);
    }
}
