//! What the service refuses unless its configuration allows it (safe by
//! default): joins from outside a group and its GroupInfo for
//! non-members (`Config::allow_external_joins`), PrivateMessage
//! handshakes (`Config::allow_private_handshakes`); and, whatever the
//! configuration, a proposal sent twice and a PrivateMessage commit whose
//! GroupInfo its committer did not sign. Each refusal changes nothing.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use mls_core::group::ExternalJoinOptions;
use mls_core::{Group, GroupConfig};
use mls_ds::client::CommitUpload;

const ALICE: usize = 0;
const BOB: usize = 1;
const CAROL: usize = 2;

fn refused(result: Result<mls_ds::api::SubmitResponse, mls_ds::Error>, status: u16, reason: &str) {
    match result {
        Err(mls_ds::Error::Refused {
            status: s,
            reason: r,
        }) => {
            assert_eq!(s, status, "{r}");
            assert!(r.contains(reason), "expected {reason:?} in {r:?}");
        }
        other => panic!("expected {status} {reason:?}, got {other:?}"),
    }
}

#[test]
fn joins_from_outside_are_off_by_default() {
    let w = World::new(&["alice", "bob", "carol"], 2);
    let gid = w.group_id.clone();
    let before = w.snapshot();

    // Carol is registered but not a member: no GroupInfo for her.
    let r = w.people[CAROL]
        .ds
        .request(
            "GET",
            &format!("/v1/groups/{}/group-info", hex::encode(&gid)),
            &[],
        )
        .unwrap();
    assert_refused(&r, 403, "only members may read the GroupInfo");
    // A member may read it.
    let (epoch, info, tree) = w.people[BOB].ds.group_info(&gid).unwrap();
    assert_eq!(epoch, 1);

    // With the GroupInfo from a member, her external commit is refused.
    let options = ExternalJoinOptions {
        ratchet_tree: Some(tree),
        ..ExternalJoinOptions::default()
    };
    let config = w.people[CAROL].config.clone();
    let (_, commit) =
        Group::join_by_external_commit(&w.people[CAROL].client, &info, config, options).unwrap();
    refused(
        w.people[CAROL].ds.send_message(&gid, &commit),
        403,
        "joins from outside the group",
    );
    assert_eq!(w.snapshot(), before);
    assert_eq!(w.epoch(), 1);
}

#[test]
fn private_message_handshakes_are_off_by_default() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(dir.path());
    let config = GroupConfig::default(); // PrivateMessage handshakes
    let mut people = vec![
        Person::with_config(&server.url(), "alice", config.clone()),
        Person::with_config(&server.url(), "bob", config),
    ];
    for p in &people {
        p.ds.register().unwrap();
        p.publish(false);
    }
    let gid = people[ALICE].create_group();
    let before = snapshot(&people, &gid);
    let kp = people[ALICE]
        .ds
        .claim_key_package("bob", SUITE)
        .unwrap()
        .into_key_package()
        .unwrap();
    let out = people[ALICE].g().add_members(&[kp]).unwrap();
    people[ALICE].g().merge_pending_commit().unwrap();
    let tree = people[ALICE].g().ratchet_tree();
    refused(
        people[ALICE].ds.send_commit(
            &gid,
            &CommitUpload {
                commit: Some(&out.commit),
                group_info: Some(&out.group_info),
                ratchet_tree: Some(&tree),
                ..CommitUpload::default()
            },
        ),
        403,
        "PrivateMessage proposals and commits are off",
    );
    // The claim spent bob's one-time KeyPackage; nothing else changed.
    let after = snapshot(&people, &gid);
    assert_eq!(after.group, before.group);
    assert_eq!(after.queues, before.queues);
    assert_eq!(after.pending, before.pending);
    assert_eq!(people[ALICE].ds.group_state(&gid).unwrap().epoch, 0);
}

#[test]
fn a_proposal_sent_twice_is_refused_the_second_time() {
    let mut w = World::new(&["alice", "bob"], 2);
    let gid = w.group_id.clone();
    let proposal = w.people[BOB].g().propose_update().unwrap();
    let sent = w.people[BOB].ds.send_message(&gid, &proposal).unwrap();
    assert_eq!(sent.kind, "proposal");
    let before = w.snapshot();
    refused(
        w.people[BOB].ds.send_message(&gid, &proposal),
        409,
        "duplicate proposal",
    );
    assert_eq!(w.snapshot(), before);
    // Alice got it once.
    assert_eq!(w.people[ALICE].ds.drain(&gid).unwrap().len(), 1);
}

#[test]
fn a_private_commit_needs_the_committers_group_info() {
    let dir = tempfile::tempdir().unwrap();
    let server = start_with(open_config(dir.path()));
    let config = GroupConfig::default(); // PrivateMessage handshakes
    let mut people = vec![
        Person::with_config(&server.url(), "alice", config.clone()),
        Person::with_config(&server.url(), "bob", config),
    ];
    for p in &people {
        p.ds.register().unwrap();
        p.publish(false);
    }
    let gid = people[ALICE].create_group();
    add(&mut people, ALICE, BOB, &gid);
    let before = snapshot(&people, &gid);

    // Bob commits, but uploads a GroupInfo alice signed.
    let out = people[BOB].g().self_update().unwrap();
    let alices = people[ALICE].g().group_info(true).unwrap();
    refused(
        people[BOB].ds.send_commit(
            &gid,
            &CommitUpload {
                commit: Some(&out.commit),
                group_info: Some(&alices),
                ..CommitUpload::default()
            },
        ),
        403,
        "signed by the committer",
    );
    assert_eq!(snapshot(&people, &gid), before);
    // His own goes through.
    commit_private(&mut people[BOB], &gid, &out, &[]);
    sync_all(&mut people, &gid);
    assert_eq!(people[ALICE].g().epoch(), 2);
    let alices = people[ALICE].g().epoch_authenticator().to_vec();
    assert_eq!(alices, people[BOB].g().epoch_authenticator());
}

#[test]
fn dot_only_client_ids_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(dir.path());
    for id in [".", ".."] {
        let p = Person::new(&server.url(), id);
        match p.ds.register() {
            Err(mls_ds::Error::Refused { status: 400, .. }) => {}
            other => panic!("{id:?}: {other:?}"),
        }
    }
    Person::new(&server.url(), "a.b").ds.register().unwrap();
}

/// A fetch stops at its byte budget (but always returns a message), and
/// a drain still gets everything, in order.
#[test]
fn a_fetch_is_bounded_in_bytes() {
    let mut w = World::with(&["alice", "bob"], 2, |dir| {
        let mut config = mls_ds::Config::new(dir.join("ds.db"));
        config.max_fetch_bytes = 1;
        config
    });
    let gid = w.group_id.clone();
    for text in ["one", "two", "three"] {
        let m = w.people[ALICE]
            .g()
            .encrypt_application_message(text.as_bytes(), b"")
            .unwrap();
        w.people[ALICE].ds.send_message(&gid, &m).unwrap();
    }
    let first = w.people[BOB].ds.fetch(&gid, 0, 100).unwrap();
    assert_eq!(first.messages.len(), 1, "one message over the budget");
    assert_eq!(w.people[BOB].sync(&gid), ["one", "two", "three"]);
}

/// A nonce outlives its window by one more, so a clock stepped back by up
/// to a window does not let a request be replayed.
#[test]
fn a_clock_stepped_back_does_not_reopen_a_replay() {
    use std::sync::atomic::{AtomicU64, Ordering};
    let offset = std::sync::Arc::new(AtomicU64::new(0));
    let o = offset.clone();
    let dir = tempfile::tempdir().unwrap();
    let mut config = mls_ds::Config::new(dir.path().join("ds.db"));
    config.clock = std::sync::Arc::new(move || now() + o.load(Ordering::SeqCst));
    let skew = config.max_clock_skew;
    let server = start_with(config);
    let alice = Person::new(&server.url(), "alice");
    alice.ds.register().unwrap();
    let path = "/v1/key-packages";
    let signed = |at: u64, nonce: u8| {
        alice
            .ds
            .auth_headers("GET", path, &[], Some(at), Some(&[nonce; 16]))
            .unwrap()
    };
    let first = signed(now(), 1);
    let send = |headers: &[(&str, String)]| alice.ds.send_raw("GET", path, &[], headers).unwrap();
    assert_eq!(send(&first).status, 200);
    // The clock runs past the first nonce's window; another request
    // prunes what has expired.
    offset.store(skew + 2, Ordering::SeqCst);
    assert_eq!(send(&signed(now() + skew + 2, 2)).status, 200);
    // The clock steps back: the first request's timestamp is fresh again,
    // but its nonce is still known.
    offset.store(0, Ordering::SeqCst);
    assert_refused(&send(&first), 409, "replayed request");
}
