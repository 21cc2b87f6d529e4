//! Malformed MLS messages, commits for a stale epoch, commits the public
//! view refuses, a wrong GroupInfo with a commit, oversized bodies: each
//! refused with its status and reason, changing nothing.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use mls_core::MlsMessage;
use mls_core::framing::MlsMessageBody;
use mls_ds::api::{CreateGroupRequest, SubmitRequest};
use mls_ds::client::CommitUpload;

const ALICE: usize = 0;
const BOB: usize = 1;
const CAROL: usize = 2;

fn refused(e: mls_ds::Error, status: u16, reason: &str) {
    match e {
        mls_ds::Error::Refused {
            status: s,
            reason: r,
        } => {
            assert_eq!(s, status, "{r}");
            assert!(r.contains(reason), "expected {reason:?} in {r:?}");
        }
        other => panic!("not a refusal: {other}"),
    }
}

fn submit(p: &Person, gid: &[u8], req: &SubmitRequest) -> mls_ds::Error {
    p.ds.submit(gid, req).unwrap_err()
}

#[test]
fn malformed_messages_get_400_and_change_nothing() {
    let mut w = World::new(&["alice", "bob", "carol"], 2);
    let gid = w.group_id.clone();
    let before = w.snapshot();
    let alice = &mut w.people[ALICE];
    let app = alice
        .g()
        .encrypt_application_message(b"x", b"")
        .unwrap()
        .to_bytes()
        .unwrap();
    let kp = alice.key_package(false).to_bytes().unwrap();
    let info = alice.g().group_info(true).unwrap().to_bytes().unwrap();
    let msg = |m: &[u8]| SubmitRequest {
        message: hex::encode(m),
        ..SubmitRequest::default()
    };
    let alice = &w.people[ALICE];

    refused(submit(alice, &gid, &msg(&[])), 400, "malformed MLS message");
    refused(
        submit(alice, &gid, &msg(&[0, 1, 0, 9, 9])),
        400,
        "malformed MLS message",
    );
    refused(
        submit(alice, &gid, &msg(&app[..app.len() - 1])),
        400,
        "malformed MLS message",
    );
    let mut trailing = app.clone();
    trailing.push(0);
    refused(
        submit(alice, &gid, &msg(&trailing)),
        400,
        "malformed MLS message",
    );
    refused(
        submit(alice, &gid, &msg(&kp)),
        400,
        "PublicMessage or a PrivateMessage",
    );
    refused(
        submit(alice, &gid, &msg(&info)),
        400,
        "PublicMessage or a PrivateMessage",
    );
    let not_hex = SubmitRequest {
        message: "xyz".into(),
        ..SubmitRequest::default()
    };
    refused(submit(alice, &gid, &not_hex), 400, "not hex");
    // Extras that go only with a commit.
    let extra = SubmitRequest {
        group_info: Some(hex::encode(&info)),
        ..msg(&app)
    };
    refused(submit(alice, &gid, &extra), 400, "only with a commit");
    // Not JSON, unknown fields, a bad group id, a message for another id.
    let path = format!("/v1/groups/{}/messages", hex::encode(&gid));
    for body in [&b"not json"[..], br#"{"message":"00","extra":1}"#] {
        assert_refused(
            &alice.ds.request("POST", &path, body).unwrap(),
            400,
            "message body",
        );
    }
    assert_refused(
        &alice
            .ds
            .request("POST", "/v1/groups/zz/messages", &json(&msg(&app)))
            .unwrap(),
        400,
        "not hex",
    );
    refused(
        alice.ds.submit(b"other group", &msg(&app)).unwrap_err(),
        404,
        "no such group",
    );

    // KeyPackages: garbage, truncated, another message type.
    for (body, reason) in [
        (vec![1, 2, 3], "malformed"),
        (kp[..kp.len() / 2].to_vec(), "malformed"),
        (app.clone(), "not a KeyPackage"),
    ] {
        assert_refused(
            &alice.ds.request("POST", "/v1/key-packages", &body).unwrap(),
            400,
            reason,
        );
    }
    // Groups: garbage GroupInfo, a KeyPackage as GroupInfo, a bad tree.
    for (gi, tree, reason) in [
        (vec![0, 1, 0, 4], None, "malformed"),
        (kp.clone(), None, "not a GroupInfo"),
        (info.clone(), Some(vec![7; 9]), "malformed ratchet_tree"),
    ] {
        let body = json(&CreateGroupRequest {
            group_info: hex::encode(gi),
            ratchet_tree: tree.map(hex::encode),
        });
        assert_refused(
            &alice.ds.request("POST", "/v1/groups", &body).unwrap(),
            400,
            reason,
        );
    }
    // The existing group again: 409.
    let body = json(&CreateGroupRequest {
        group_info: hex::encode(&info),
        ratchet_tree: None,
    });
    assert_refused(
        &alice.ds.request("POST", "/v1/groups", &body).unwrap(),
        409,
        "exists",
    );
    // Bad queue queries.
    let q = format!("/v1/queues/alice/{}?after=x", hex::encode(&gid));
    assert_refused(&alice.ds.request("GET", &q, &[]).unwrap(), 400, "after");
    let q = format!("/v1/queues/alice/{}?what=1", hex::encode(&gid));
    assert_refused(
        &alice.ds.request("GET", &q, &[]).unwrap(),
        400,
        "unknown query parameter",
    );
    assert_refused(
        &alice.ds.request("GET", "/v1/nowhere", &[]).unwrap(),
        404,
        "no endpoint",
    );
    assert_eq!(w.snapshot(), before);
}

#[test]
fn the_first_commit_of_an_epoch_wins_and_a_second_is_stale() {
    let mut w = World::new(&["alice", "bob", "carol"], 3);
    let gid = w.group_id.clone();
    let first = w.people[ALICE].g().self_update().unwrap();
    let second = w.people[BOB].g().self_update().unwrap();
    let proposal = w.people[CAROL].g().propose_update().unwrap();
    let sent = upload(&w.people[ALICE], &gid, &first, &[]);
    assert_eq!(sent.epoch, 3);
    let before = w.snapshot();
    let e = w.people[BOB]
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
    refused(e, 409, "stale epoch");
    refused(
        w.people[CAROL]
            .ds
            .send_message(&gid, &proposal)
            .unwrap_err(),
        409,
        "stale epoch",
    );
    // The same commit again (a retry after a lost answer) is stale too.
    let e = w.people[ALICE]
        .ds
        .send_commit(
            &gid,
            &CommitUpload {
                commit: Some(&first.commit),
                ..CommitUpload::default()
            },
        )
        .unwrap_err();
    refused(e, 409, "stale epoch");
    assert_eq!(w.snapshot(), before);
    assert_eq!(w.epoch(), 3);

    // Everyone follows the winner; Bob drops his commit.
    w.people[ALICE].g().merge_pending_commit().unwrap();
    w.people[BOB].g().clear_pending_commit().unwrap();
    sync_all(&mut w.people[..2], &gid);
    assert_eq!(w.people[BOB].g().epoch(), 3);

    // A message for an epoch the service has not reached (Bob merged a
    // commit he did not upload).
    w.people[BOB].g().self_update().unwrap();
    w.people[BOB].g().merge_pending_commit().unwrap();
    let ahead = w.people[BOB]
        .g()
        .encrypt_application_message(b"x", b"")
        .unwrap();
    let before = w.snapshot();
    refused(
        w.people[BOB].ds.send_message(&gid, &ahead).unwrap_err(),
        409,
        "future epoch",
    );
    assert_eq!(w.snapshot(), before);
}

#[test]
fn commits_the_view_refuses_change_nothing() {
    let mut w = World::new(&["alice", "bob", "carol"], 2);
    let gid = w.group_id.clone();
    let before = w.snapshot();

    // A commit whose signature is broken.
    let out = w.people[ALICE].g().self_update().unwrap();
    let mut broken = out.commit.clone();
    let MlsMessageBody::PublicMessage(m) = &mut broken.body else {
        panic!("a PublicMessage")
    };
    let mut sig = m.auth.signature.as_slice().to_vec();
    sig[0] ^= 1;
    m.auth.signature = sig.into();
    let e = w.people[ALICE]
        .ds
        .send_commit(
            &gid,
            &CommitUpload {
                commit: Some(&broken),
                ..CommitUpload::default()
            },
        )
        .unwrap_err();
    refused(e, 422, "commit refused");
    assert_eq!(w.snapshot(), before);

    // The right commit with a GroupInfo of the old epoch: the merge is
    // undone, nothing is queued.
    let (_, old_info, _) = w.people[ALICE].ds.group_info(&gid).unwrap();
    let e = w.people[ALICE]
        .ds
        .send_commit(
            &gid,
            &CommitUpload {
                commit: Some(&out.commit),
                group_info: Some(&old_info),
                ..CommitUpload::default()
            },
        )
        .unwrap_err();
    refused(e, 422, "GroupInfo refused");
    assert_eq!(w.snapshot(), before);
    // A tree beside a PublicMessage commit is refused too.
    let tree = w.people[ALICE].g().ratchet_tree();
    let e = w.people[ALICE]
        .ds
        .send_commit(
            &gid,
            &CommitUpload {
                commit: Some(&out.commit),
                ratchet_tree: Some(&tree),
                ..CommitUpload::default()
            },
        )
        .unwrap_err();
    refused(e, 400, "ratchet_tree");
    assert_eq!(w.snapshot(), before);

    // And then the commit with its own GroupInfo is accepted.
    let sent = upload(&w.people[ALICE], &gid, &out, &[]);
    assert_eq!(
        (sent.epoch, sent.delivered_to.clone()),
        (2, vec!["bob".to_owned()])
    );
    w.people[ALICE].g().merge_pending_commit().unwrap();
    sync_all(&mut w.people, &gid);
    assert_eq!(w.people[BOB].g().epoch(), 2);

    // A GroupInfo upload that is not the current epoch's.
    let before = w.snapshot();
    let e = w.people[BOB]
        .ds
        .put_group_info(&gid, &old_info)
        .unwrap_err();
    refused(e, 422, "GroupInfo refused");
    let not_info: MlsMessage = w.people[BOB].key_package(false);
    let e = w.people[BOB]
        .ds
        .put_group_info(&gid, &not_info)
        .unwrap_err();
    refused(e, 400, "not a GroupInfo");
    assert_eq!(w.snapshot(), before);
}

#[test]
fn oversized_bodies_get_413_and_change_nothing() {
    let w = World::new(&["alice", "bob"], 2);
    let gid = w.group_id.clone();
    let before = w.snapshot();
    let big = vec![b'0'; (1 << 20) + 1];
    let alice = &w.people[ALICE];
    for path in [
        "/v1/clients".to_owned(),
        "/v1/key-packages".to_owned(),
        "/v1/groups".to_owned(),
        format!("/v1/groups/{}/messages", hex::encode(&gid)),
    ] {
        let r = alice.ds.request("POST", &path, &big).unwrap();
        assert_eq!(r.status, 413, "{path}: {}", r.reason());
    }
    assert_eq!(w.snapshot(), before);
    // Just under the bound is read (and refused for what it is).
    let r = alice
        .ds
        .request(
            "POST",
            &format!("/v1/groups/{}/messages", hex::encode(&gid)),
            &big[1..],
        )
        .unwrap();
    assert_refused(&r, 400, "message body");
    // A KeyPackage has a bound of its own (64 KiB by default).
    let r = alice
        .ds
        .request("POST", "/v1/key-packages", &big[..(64 << 10) + 1])
        .unwrap();
    assert_refused(&r, 413, "a KeyPackage of 65537 bytes");
    let r = alice
        .ds
        .request("POST", "/v1/key-packages", &big[..64 << 10])
        .unwrap();
    assert_refused(&r, 400, "malformed");
    assert_eq!(w.snapshot(), before);
}

#[test]
fn racing_commits_for_one_epoch_one_wins() {
    let mut w = World::new(&["alice", "bob", "carol"], 3);
    let gid = w.group_id.clone();
    let outs: Vec<_> = (0..3)
        .map(|i| w.people[i].g().self_update().unwrap())
        .collect();
    let results: Vec<_> = std::thread::scope(|s| {
        let handles: Vec<_> = outs
            .iter()
            .enumerate()
            .map(|(i, out)| {
                let ds = &w.people[i].ds;
                let gid = &gid;
                s.spawn(move || {
                    ds.send_commit(
                        gid,
                        &CommitUpload {
                            commit: Some(&out.commit),
                            group_info: Some(&out.group_info),
                            ..CommitUpload::default()
                        },
                    )
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let winners: Vec<usize> = (0..3).filter(|&i| results[i].is_ok()).collect();
    assert_eq!(winners.len(), 1, "{results:?}");
    for r in results.into_iter().filter_map(Result::err) {
        refused(r, 409, "stale epoch");
    }
    assert_eq!(w.epoch(), 3);
    // Everyone follows the winner.
    let winner = winners[0];
    for i in 0..3 {
        if i == winner {
            w.people[i].g().merge_pending_commit().unwrap();
        } else {
            w.people[i].g().clear_pending_commit().unwrap();
        }
    }
    sync_all(&mut w.people, &gid);
    for p in &mut w.people {
        assert_eq!(p.g().epoch(), 3);
    }
}
