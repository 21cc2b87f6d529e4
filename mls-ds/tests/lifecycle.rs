//! A whole group through the service: creation, adds by claimed
//! KeyPackage and Welcome, application messages fanned out, commits with
//! GroupInfo, an external join from the served GroupInfo, a restart of
//! the server on the same database with a proposal and a commit pending
//! in the log, and the group carrying on.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use mls_core::Group;
use mls_core::group::ExternalJoinOptions;
use mls_ds::client::CommitUpload;

const ALICE: usize = 0;
const BOB: usize = 1;
const CAROL: usize = 2;
const DAVE: usize = 3;

/// Every member is at one epoch with one epoch authenticator.
fn assert_agree(people: &mut [Person], epoch: u64) {
    let mut auth: Option<Vec<u8>> = None;
    for p in people.iter_mut().filter(|p| p.group.is_some()) {
        let g = p.g();
        assert_eq!(g.epoch(), epoch, "{}'s epoch", p.name);
        let a = p.g().epoch_authenticator().to_vec();
        match &auth {
            None => auth = Some(a),
            Some(first) => assert_eq!(first, &a, "{}'s authenticator", p.name),
        }
    }
}

/// `from` sends `text`; every other member must read exactly it.
fn say(people: &mut [Person], from: usize, group_id: &[u8], text: &str) {
    let message = people[from]
        .g()
        .encrypt_application_message(text.as_bytes(), b"")
        .unwrap();
    let sent = people[from].ds.send_message(group_id, &message).unwrap();
    let members = people.iter().filter(|p| p.group.is_some()).count();
    assert_eq!(sent.kind, "application");
    assert_eq!(
        sent.delivered_to.len(),
        members - 1,
        "fan-out to the others"
    );
    assert!(!sent.delivered_to.contains(&people[from].name));
    for (i, p) in people.iter_mut().enumerate() {
        if i == from || p.group.is_none() {
            continue;
        }
        assert_eq!(p.sync(group_id), vec![text.to_owned()], "{}", p.name);
    }
}

#[test]
fn three_members_an_external_join_and_a_restart() {
    let mut w = World::with(&["alice", "bob", "carol", "dave"], 1, open_config);
    let gid = w.group_id.clone();
    let people = &mut w.people;

    // Adds by claimed KeyPackages: the one-time packages are used up.
    add(people, ALICE, BOB, &gid);
    assert_eq!(people[BOB].ds.key_package_counts().unwrap().one_time, 0);
    add(people, BOB, CAROL, &gid);
    assert_agree(people, 2);
    let state = people[ALICE].ds.group_state(&gid).unwrap();
    let ids: Vec<_> = state
        .members
        .iter()
        .map(|m| m.client_id.clone().unwrap())
        .collect();
    assert_eq!(ids, ["alice", "bob", "carol"]);

    say(people, ALICE, &gid, "hello from alice");
    say(people, CAROL, &gid, "hello from carol");

    // A commit with the new GroupInfo: the service serves it.
    let out = people[BOB].g().self_update().unwrap();
    let sent = upload(&people[BOB], &gid, &out, &[]);
    assert_eq!(sent.epoch, 3);
    assert_eq!(sent.delivered_to, ["alice", "carol"]);
    people[BOB].g().merge_pending_commit().unwrap();
    sync_all(people, &gid);
    assert_agree(people, 3);
    let (epoch, served, _) = people[DAVE].ds.group_info(&gid).unwrap();
    assert_eq!(epoch, 3);
    assert_eq!(served, out.group_info);

    // Dave (registered, not a member) joins by external commit from the
    // served GroupInfo and tree.
    let (_, info, tree) = people[DAVE].ds.group_info(&gid).unwrap();
    let options = ExternalJoinOptions {
        ratchet_tree: Some(tree),
        ..ExternalJoinOptions::default()
    };
    let config = people[DAVE].config.clone();
    let (mut joined, commit) =
        Group::join_by_external_commit(&people[DAVE].client, &info, config, options).unwrap();
    let sent = people[DAVE].ds.send_message(&gid, &commit).unwrap();
    assert_eq!((sent.kind.as_str(), sent.epoch), ("commit", 4));
    joined.merge_pending_commit().unwrap();
    people[DAVE]
        .ds
        .put_group_info(&gid, &joined.group_info(true).unwrap())
        .unwrap();
    people[DAVE].group = Some(joined);
    sync_all(people, &gid);
    assert_agree(people, 4);
    say(people, DAVE, &gid, "hello from dave");

    // Before the restart, leave the log non-empty: a commit without a
    // GroupInfo, then a proposal.
    let out = people[CAROL].g().self_update().unwrap();
    people[CAROL]
        .ds
        .send_commit(
            &gid,
            &CommitUpload {
                commit: Some(&out.commit),
                ..CommitUpload::default()
            },
        )
        .unwrap();
    people[CAROL].g().merge_pending_commit().unwrap();
    sync_all(people, &gid);
    assert_agree(people, 5);
    let refused = people[DAVE].ds.group_info(&gid).unwrap_err();
    assert!(
        matches!(refused, mls_ds::Error::Refused { status: 404, .. }),
        "{refused}"
    );
    let proposal = people[BOB].g().propose_update().unwrap();
    assert_eq!(
        people[BOB].ds.send_message(&gid, &proposal).unwrap().kind,
        "proposal"
    );
    sync_all(people, &gid);

    // Restart on the same database.
    w.server.take().unwrap().shutdown().unwrap();
    let server = start_with(open_config(w.dir.path()));
    let url = server.url();
    w.server = Some(server);
    let people = &mut w.people;
    for p in people.iter_mut() {
        p.reconnect(&url);
    }
    assert_eq!(people[ALICE].ds.group_state(&gid).unwrap().epoch, 5);

    // Alice commits Bob's proposal by reference: the rebuilt view must
    // know both the epoch and the proposal.
    let out = people[ALICE].g().commit().unwrap();
    assert_eq!(out.proposals.len(), 1);
    let sent = upload(&people[ALICE], &gid, &out, &[]);
    assert_eq!(sent.epoch, 6);
    people[ALICE].g().merge_pending_commit().unwrap();
    sync_all(people, &gid);
    assert_agree(people, 6);
    say(people, BOB, &gid, "after the restart");
    assert_eq!(people[DAVE].ds.group_info(&gid).unwrap().0, 6);

    // A stale Bob proposal from before the commit is refused now.
    let stale = people[ALICE].ds.send_message(&gid, &proposal).unwrap_err();
    assert!(
        matches!(stale, mls_ds::Error::Refused { status: 409, .. }),
        "{stale}"
    );

    // Carol removes Dave; Dave's queue gets the commit that removes him.
    let dave_leaf = people[DAVE].g().own_leaf_index();
    let out = people[CAROL].g().remove_members(&[dave_leaf]).unwrap();
    let sent = upload(&people[CAROL], &gid, &out, &[]);
    assert!(sent.delivered_to.contains(&"dave".to_owned()));
    people[CAROL].g().merge_pending_commit().unwrap();
    sync_all(people, &gid);
    assert!(!people[DAVE].g().is_active());
    people[DAVE].group = None;
    assert_agree(people, 7);
    say(people, ALICE, &gid, "dave is gone");
}

#[test]
fn private_message_handshakes_are_ordered_by_epoch() {
    let dir = tempfile::tempdir().unwrap();
    let server = start_with(open_config(dir.path()));
    let config = mls_core::GroupConfig::default(); // PrivateMessage handshakes
    let mut people = vec![
        Person::with_config(&server.url(), "alice", config.clone()),
        Person::with_config(&server.url(), "bob", config.clone()),
        Person::with_config(&server.url(), "carol", config),
    ];
    for p in &people {
        p.ds.register().unwrap();
        p.publish(false);
    }
    let gid = people[ALICE].create_group();
    add(&mut people, ALICE, BOB, &gid);
    add(&mut people, BOB, CAROL, &gid);
    assert_agree(&mut people, 2);

    // Two commits for epoch 2: without a GroupInfo refused, then the
    // first with one wins and the second is stale.
    let first = people[ALICE].g().self_update().unwrap();
    let second = people[BOB].g().self_update().unwrap();
    let bare = people[ALICE]
        .ds
        .send_commit(
            &gid,
            &CommitUpload {
                commit: Some(&first.commit),
                ..CommitUpload::default()
            },
        )
        .unwrap_err();
    assert!(
        matches!(bare, mls_ds::Error::Refused { status: 400, .. }),
        "{bare}"
    );
    commit_private(&mut people[ALICE], &gid, &first, &[]);
    let stale = people[BOB]
        .ds
        .send_commit(
            &gid,
            &CommitUpload {
                commit: Some(&second.commit),
                group_info: Some(&second.group_info),
                ..CommitUpload::default()
            },
        )
        .unwrap_err();
    match stale {
        mls_ds::Error::Refused { status, reason } => {
            assert_eq!(status, 409);
            assert!(reason.contains("stale epoch"), "{reason}");
        }
        other => panic!("{other}"),
    }
    people[BOB].g().clear_pending_commit().unwrap();
    sync_all(&mut people, &gid);
    assert_agree(&mut people, 3);
    say(&mut people, CAROL, &gid, "private handshakes work");

    // After a restart the service knows the members from the GroupInfo
    // the last commit brought.
    server.shutdown().unwrap();
    let server = start_with(open_config(dir.path()));
    for p in people.iter_mut() {
        p.reconnect(&server.url());
    }
    assert_eq!(people[ALICE].ds.group_state(&gid).unwrap().epoch, 3);
    say(&mut people, BOB, &gid, "after the restart");
    let out = people[CAROL].g().self_update().unwrap();
    commit_private(&mut people[CAROL], &gid, &out, &[]);
    sync_all(&mut people, &gid);
    assert_agree(&mut people, 4);

    // A non-member cannot post a PrivateMessage, even a member's.
    let message = people[ALICE]
        .g()
        .encrypt_application_message(b"x", b"")
        .unwrap();
    let dave = Person::new(&server.url(), "dave");
    dave.ds.register().unwrap();
    let refused = dave.ds.send_message(&gid, &message).unwrap_err();
    assert!(
        matches!(refused, mls_ds::Error::Refused { status: 403, .. }),
        "{refused}"
    );
}
