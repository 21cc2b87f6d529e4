//! Every endpoint's bad input: unsigned, bad signature, stale timestamp,
//! replayed, wrong member, malformed MLS message, stale epoch, oversized
//! body. Each gets its status and reason, and changes nothing: every
//! client's KeyPackage counts and queues, the group's epoch, members and
//! GroupInfo are as they were.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use mls_core::extensions::Extensions;
use mls_ds::api::{
    AckRequest, ClaimRequest, CreateGroupRequest, PutGroupInfoRequest, RegisterRequest,
    SubmitRequest,
};
use mls_ds::client::{CommitUpload, DsClient};
use std::sync::Arc;

const ALICE: usize = 0;
const BOB: usize = 1;
const CAROL: usize = 2;

/// Alice and Bob in a group; Carol registered, with a KeyPackage, not a
/// member.
fn world() -> World {
    World::new(&["alice", "bob", "carol"], 2)
}

struct Endpoint {
    method: &'static str,
    path: String,
    body: Vec<u8>,
}

fn ep(method: &'static str, path: String, body: Vec<u8>) -> Endpoint {
    Endpoint { method, path, body }
}

/// One valid request per endpoint, as Alice (a member) would send it.
fn endpoints(w: &mut World) -> Vec<Endpoint> {
    let gid = hex::encode(&w.group_id);
    let alice = &mut w.people[ALICE];
    let kp = alice.key_package(false).to_bytes().unwrap();
    let app = alice
        .g()
        .encrypt_application_message(b"hi", b"")
        .unwrap()
        .to_bytes()
        .unwrap();
    let info = alice.g().group_info(true).unwrap().to_bytes().unwrap();
    let other =
        mls_core::Group::create(&alice.client, SUITE, Extensions::default(), public_config())
            .unwrap();
    let other_info = other.group_info(true).unwrap().to_bytes().unwrap();
    vec![
        ep("POST", "/v1/key-packages".into(), kp),
        ep("GET", "/v1/key-packages".into(), vec![]),
        ep(
            "POST",
            "/v1/key-packages/claim".into(),
            json(&ClaimRequest {
                client_id: "carol".into(),
                cipher_suite: SUITE.code(),
            }),
        ),
        ep(
            "POST",
            "/v1/groups".into(),
            json(&CreateGroupRequest {
                group_info: hex::encode(other_info),
                ratchet_tree: None,
            }),
        ),
        ep("GET", format!("/v1/groups/{gid}"), vec![]),
        ep(
            "POST",
            format!("/v1/groups/{gid}/messages"),
            json(&SubmitRequest {
                message: hex::encode(app),
                ..SubmitRequest::default()
            }),
        ),
        ep("GET", format!("/v1/groups/{gid}/group-info"), vec![]),
        ep(
            "PUT",
            format!("/v1/groups/{gid}/group-info"),
            json(&PutGroupInfoRequest {
                group_info: hex::encode(info),
            }),
        ),
        ep("GET", "/v1/queues/alice".into(), vec![]),
        ep(
            "GET",
            format!("/v1/queues/alice/{gid}?after=0&limit=10"),
            vec![],
        ),
        ep(
            "POST",
            format!("/v1/queues/alice/{gid}/ack"),
            json(&AckRequest {
                through: u64::MAX >> 2,
            }),
        ),
    ]
}

#[test]
fn unsigned_badly_signed_and_stale_requests_get_401_and_change_nothing() {
    let mut w = world();
    // Something in Bob's queue, so an ack that went through would show.
    let m = w.people[ALICE]
        .g()
        .encrypt_application_message(b"x", b"")
        .unwrap();
    w.people[ALICE].ds.send_message(&w.group_id, &m).unwrap();
    let before = w.snapshot();
    let endpoints = endpoints(&mut w);
    let alice = &w.people[ALICE];
    let mallory = Person::new(&w.url(), "mallory");
    // Mallory's key, presented as Alice.
    let forged = DsClient::new(&w.url(), "alice", Arc::clone(&mallory.signer));
    for e in &endpoints {
        let what = format!("{} {}", e.method, e.path);
        let r = alice.ds.send_raw(e.method, &e.path, &e.body, &[]).unwrap();
        assert_refused(&r, 401, "unsigned");

        let bad_signature = "bad signature";
        let h = forged
            .auth_headers(e.method, &e.path, &e.body, None, None)
            .unwrap();
        let r = forged.send_raw(e.method, &e.path, &e.body, &h).unwrap();
        assert_refused(&r, 401, bad_signature);

        // Alice's signature over another body.
        let h = alice
            .ds
            .auth_headers(e.method, &e.path, b"other", None, None)
            .unwrap();
        let r = alice.ds.send_raw(e.method, &e.path, &e.body, &h).unwrap();
        assert_refused(&r, 401, bad_signature);

        // Alice's signature over another path.
        let h = alice
            .ds
            .auth_headers(e.method, "/v1/elsewhere", &e.body, None, None)
            .unwrap();
        let r = alice.ds.send_raw(e.method, &e.path, &e.body, &h).unwrap();
        assert_refused(&r, 401, bad_signature);

        for ts in [now() - 3600, now() + 3600] {
            let h = alice
                .ds
                .auth_headers(e.method, &e.path, &e.body, Some(ts), None)
                .unwrap();
            let r = alice.ds.send_raw(e.method, &e.path, &e.body, &h).unwrap();
            assert_refused(&r, 401, "stale timestamp");
        }

        // A client nobody registered.
        let h = mallory
            .ds
            .auth_headers(e.method, &e.path, &e.body, None, None)
            .unwrap();
        let r = mallory.ds.send_raw(e.method, &e.path, &e.body, &h).unwrap();
        assert_refused(&r, 401, "unknown client");
        assert_eq!(w.snapshot(), before, "{what}");
    }
    // A short nonce, and a mangled signature header.
    let e = &endpoints[2];
    let h = alice
        .ds
        .auth_headers(e.method, &e.path, &e.body, None, Some(&[1; 8]))
        .unwrap();
    assert_refused(
        &alice.ds.send_raw(e.method, &e.path, &e.body, &h).unwrap(),
        401,
        "nonce",
    );
    let mut h = alice
        .ds
        .auth_headers(e.method, &e.path, &e.body, None, None)
        .unwrap();
    h[3].1 = "zz".into();
    assert_refused(
        &alice.ds.send_raw(e.method, &e.path, &e.body, &h).unwrap(),
        401,
        "hex",
    );
    assert_eq!(w.snapshot(), before);
}

#[test]
fn registration_is_signed_by_the_key_it_registers() {
    let w = world();
    let erin = Person::new(&w.url(), "erin");
    let mallory = Person::new(&w.url(), "mallory");
    let body = |key: &[u8], id: &str| {
        json(&RegisterRequest {
            client_id: id.into(),
            signature_scheme: erin.signer.scheme() as u16,
            signature_key: hex::encode(key),
        })
    };
    let erins = body(erin.signer.public_key(), "erin");
    let path = "/v1/clients";
    let before = w.snapshot();
    let unknown = |r: &mls_ds::client::RawResponse| assert_refused(r, 401, "");

    assert_refused(
        &erin.ds.send_raw("POST", path, &erins, &[]).unwrap(),
        401,
        "unsigned",
    );
    // Erin's key registered by a request Mallory signs.
    let as_erin = DsClient::new(&w.url(), "erin", Arc::clone(&mallory.signer));
    let h = as_erin
        .auth_headers("POST", path, &erins, None, None)
        .unwrap();
    assert_refused(
        &as_erin.send_raw("POST", path, &erins, &h).unwrap(),
        401,
        "bad signature",
    );
    // Signed as another client than the one registered.
    let h = mallory
        .ds
        .auth_headers("POST", path, &erins, None, None)
        .unwrap();
    assert_refused(
        &mallory.ds.send_raw("POST", path, &erins, &h).unwrap(),
        401,
        "another client",
    );
    let h = erin
        .ds
        .auth_headers("POST", path, &erins, Some(now() - 600), None)
        .unwrap();
    assert_refused(
        &erin.ds.send_raw("POST", path, &erins, &h).unwrap(),
        401,
        "stale timestamp",
    );
    // Malformed registrations.
    for (bad, reason) in [
        (body(erin.signer.public_key(), "no spaces"), "client_id"),
        (
            body(&erin.signer.public_key()[1..], "erin"),
            "signature_key",
        ),
        (b"{".to_vec(), "registration body"),
        (body(alice_key(&w).as_slice(), "erin"), ""),
    ] {
        let h = erin
            .ds
            .auth_headers("POST", path, &bad, None, None)
            .unwrap();
        let r = erin.ds.send_raw("POST", path, &bad, &h).unwrap();
        assert!(
            r.status == 400 || r.status == 401,
            "{}: {}",
            r.status,
            r.reason()
        );
        assert!(r.reason().contains(reason), "{}", r.reason());
    }
    unknown(&erin.ds.request("GET", "/v1/key-packages", &[]).unwrap());
    assert_eq!(w.snapshot(), before);

    // Alice's key again, as "erin2", properly signed by Alice: taken.
    let alice2 = DsClient::new(&w.url(), "erin2", Arc::clone(&w.people[ALICE].signer));
    let refused = alice2.register().unwrap_err();
    assert!(
        matches!(refused, mls_ds::Error::Refused { status: 409, .. }),
        "{refused}"
    );
    erin.ds.register().unwrap();
    assert_eq!(erin.ds.key_package_counts().unwrap().one_time, 0);
}

fn alice_key(w: &World) -> Vec<u8> {
    w.people[ALICE].signer.public_key().to_vec()
}

#[test]
fn replayed_requests_get_409_and_change_nothing() {
    let mut w = world();
    let endpoints = endpoints(&mut w);
    for e in &endpoints {
        let what = format!("{} {}", e.method, e.path);
        let client = &w.people[ALICE].ds;
        let h = client
            .auth_headers(e.method, &e.path, &e.body, None, None)
            .unwrap();
        let first = client.send_raw(e.method, &e.path, &e.body, &h).unwrap();
        assert!(
            first.status < 300,
            "{what}: {} {}",
            first.status,
            first.reason()
        );
        let before = w.snapshot();
        let again = client.send_raw(e.method, &e.path, &e.body, &h).unwrap();
        assert_refused(&again, 409, "replayed");
        assert_eq!(w.snapshot(), before, "{what}");
    }

    // A registration replayed.
    let erin = Person::new(&w.url(), "erin");
    let body = json(&RegisterRequest {
        client_id: "erin".into(),
        signature_scheme: erin.signer.scheme() as u16,
        signature_key: hex::encode(erin.signer.public_key()),
    });
    let h = erin
        .ds
        .auth_headers("POST", "/v1/clients", &body, None, None)
        .unwrap();
    assert_eq!(
        erin.ds
            .send_raw("POST", "/v1/clients", &body, &h)
            .unwrap()
            .status,
        201
    );
    let again = erin.ds.send_raw("POST", "/v1/clients", &body, &h).unwrap();
    assert_refused(&again, 409, "replayed");
}

#[test]
fn members_cannot_act_as_each_other() {
    let mut w = world();
    let gid = w.group_id.clone();
    let before = w.snapshot();

    // Bob posts Alice's commit and application message.
    let out = w.people[ALICE].g().self_update().unwrap();
    let refused = w.people[BOB]
        .ds
        .send_commit(
            &gid,
            &CommitUpload {
                commit: Some(&out.commit),
                group_info: Some(&out.group_info),
                ..CommitUpload::default()
            },
        )
        .unwrap_err();
    assert!(
        matches!(refused, mls_ds::Error::Refused { status: 403, .. }),
        "{refused}"
    );
    assert_eq!(w.snapshot(), before);

    // Carol, registered but not a member, posts a member's messages.
    let app = w.people[ALICE]
        .g()
        .encrypt_application_message(b"x", b"")
        .unwrap();
    for m in [&app, &out.commit] {
        let refused = w.people[CAROL].ds.send_message(&gid, m).unwrap_err();
        assert!(
            matches!(refused, mls_ds::Error::Refused { status: 403, .. }),
            "{refused}"
        );
    }
    assert_eq!(w.snapshot(), before);

    // Carol reads the group's state or replaces its GroupInfo.
    assert!(matches!(
        w.people[CAROL].ds.group_state(&gid),
        Err(mls_ds::Error::Refused { status: 403, .. })
    ));
    let (_, info, _) = w.people[ALICE].ds.group_info(&gid).unwrap();
    assert!(matches!(
        w.people[CAROL].ds.put_group_info(&gid, &info),
        Err(mls_ds::Error::Refused { status: 403, .. })
    ));

    // Bob reads, lists or acknowledges Alice's queue.
    let m = w.people[BOB]
        .g()
        .encrypt_application_message(b"for alice", b"")
        .unwrap();
    w.people[BOB].ds.send_message(&gid, &m).unwrap();
    let before = w.snapshot();
    let g = hex::encode(&gid);
    let bob = &w.people[BOB].ds;
    for (method, path, body) in [
        ("GET", "/v1/queues/alice".to_owned(), vec![]),
        ("GET", format!("/v1/queues/alice/{g}"), vec![]),
        (
            "POST",
            format!("/v1/queues/alice/{g}/ack"),
            json(&AckRequest {
                through: u64::MAX >> 2,
            }),
        ),
    ] {
        let r = bob.request(method, &path, &body).unwrap();
        assert_refused(&r, 403, "own queues");
    }
    assert_eq!(w.snapshot(), before);

    // Bob publishes a KeyPackage of Alice's.
    let kp = w.people[ALICE].key_package(false);
    let refused = w.people[BOB].ds.publish_key_package(&kp).unwrap_err();
    assert!(
        matches!(refused, mls_ds::Error::Refused { status: 403, .. }),
        "{refused}"
    );
    assert_eq!(w.snapshot(), before);

    // A Welcome routed to a client the commit does not add.
    let kp = w.people[ALICE]
        .ds
        .claim_key_package("carol", SUITE)
        .unwrap();
    let before = w.snapshot();
    w.people[ALICE].g().clear_pending_commit().unwrap();
    let out = w.people[ALICE]
        .g()
        .add_members(&[kp.into_key_package().unwrap()])
        .unwrap();
    let refused = w.people[ALICE]
        .ds
        .send_commit(
            &gid,
            &CommitUpload {
                commit: Some(&out.commit),
                group_info: Some(&out.group_info),
                welcome: out.welcome.as_ref(),
                welcome_recipients: vec!["bob".into()],
                ..CommitUpload::default()
            },
        )
        .unwrap_err();
    assert!(
        matches!(refused, mls_ds::Error::Refused { status: 403, .. }),
        "{refused}"
    );
    assert_eq!(w.snapshot(), before);
    for (recipients, status) in [
        (vec!["nobody".to_owned()], 400),
        (vec!["carol".to_owned(), "carol".to_owned()], 400),
        (vec![], 400),
    ] {
        let refused = w.people[ALICE]
            .ds
            .send_commit(
                &gid,
                &CommitUpload {
                    commit: Some(&out.commit),
                    group_info: Some(&out.group_info),
                    welcome: out.welcome.as_ref(),
                    welcome_recipients: recipients.clone(),
                    ..CommitUpload::default()
                },
            )
            .unwrap_err();
        assert!(
            matches!(refused, mls_ds::Error::Refused { status: s, .. } if s == status),
            "{recipients:?}: {refused}"
        );
    }
    assert_eq!(w.snapshot(), before);
    // The same commit, routed right, is accepted: the refusal left the
    // view as it was.
    upload(&w.people[ALICE], &gid, &out, &["carol"]);
    w.people[ALICE].g().merge_pending_commit().unwrap();
    sync_all(&mut w.people, &gid);
    let before = w.snapshot();

    // Bob posts Alice's proposal.
    let proposal = w.people[ALICE].g().propose_update().unwrap();
    let refused = w.people[BOB].ds.send_message(&gid, &proposal).unwrap_err();
    assert!(
        matches!(&refused, mls_ds::Error::Refused { status: 403, reason } if reason.contains("not the requesting client")),
        "{refused}"
    );
    assert_eq!(w.snapshot(), before);
    // Alice may: the refusal cached nothing.
    w.people[ALICE].ds.send_message(&gid, &proposal).unwrap();
}
