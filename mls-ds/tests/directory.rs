//! The KeyPackage directory and the queues' retention: one-time packages
//! go on claim, the last-resort one stays; invalid packages are refused;
//! a queue over its bound drops its oldest messages and says so.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use mls_ds::Config;
use mls_ds::api::KeyPackageCounts;

fn counts(one_time: u64, last_resort: u64) -> KeyPackageCounts {
    KeyPackageCounts {
        one_time,
        last_resort,
    }
}

#[test]
fn one_time_packages_are_claimed_once_and_the_last_resort_stays() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(dir.path());
    let alice = Person::new(&server.url(), "alice");
    let bob = Person::new(&server.url(), "bob");
    alice.ds.register().unwrap();
    bob.ds.register().unwrap();

    let claim = |who: &Person| bob.ds.claim_key_package(&who.name, SUITE);
    assert!(matches!(
        claim(&alice),
        Err(mls_ds::Error::Refused { status: 404, .. })
    ));
    let first = alice.key_package(false);
    alice.ds.publish_key_package(&first).unwrap();
    alice.publish(false);
    let published = alice
        .ds
        .publish_key_package(&alice.key_package(true))
        .unwrap();
    assert!(published.last_resort);
    assert_eq!(alice.ds.key_package_counts().unwrap(), counts(2, 1));
    // The same package twice: 409, nothing added.
    let again = alice.ds.publish_key_package(&first).unwrap_err();
    assert!(
        matches!(again, mls_ds::Error::Refused { status: 409, .. }),
        "{again}"
    );
    assert_eq!(alice.ds.key_package_counts().unwrap(), counts(2, 1));

    // Oldest one-time first, deleted on claim.
    assert_eq!(claim(&alice).unwrap(), first);
    assert_eq!(alice.ds.key_package_counts().unwrap(), counts(1, 1));
    let second = claim(&alice).unwrap();
    assert_ne!(second, first);
    assert_eq!(alice.ds.key_package_counts().unwrap(), counts(0, 1));
    // Then the last resort, again and again, never deleted.
    let lr1 = claim(&alice).unwrap();
    let lr2 = claim(&alice).unwrap();
    assert_eq!(lr1, lr2);
    assert!(
        lr1.clone()
            .into_key_package()
            .unwrap()
            .extensions
            .get(mls_core::group::LAST_RESORT)
            .is_some()
    );
    assert_eq!(alice.ds.key_package_counts().unwrap(), counts(0, 1));
    // Another suite, an unknown suite, an unknown client.
    let p256 = mls_core::CipherSuite::MLS_128_DHKEMP256_AES128GCM_SHA256_P256;
    assert!(matches!(
        bob.ds.claim_key_package("alice", p256),
        Err(mls_ds::Error::Refused { status: 404, .. })
    ));
    assert!(matches!(
        bob.ds.claim_key_package("nobody", SUITE),
        Err(mls_ds::Error::Refused { status: 404, .. })
    ));
    // A code point no one defines, and a provisional (post-quantum) suite,
    // which is not taken unless configured (`Config::cipher_suites`).
    for code in [0x7777, 0x004d] {
        let body = json(&mls_ds::api::ClaimRequest {
            client_id: "alice".into(),
            cipher_suite: code,
        });
        assert_refused(
            &bob.ds
                .request("POST", "/v1/key-packages/claim", &body)
                .unwrap(),
            400,
            &format!("cipher_suite 0x{code:04x} is not one this service takes"),
        );
    }
    assert_eq!(alice.ds.key_package_counts().unwrap(), counts(0, 1));
    // Counts are per client.
    assert_eq!(bob.ds.key_package_counts().unwrap(), counts(0, 0));
}

#[test]
fn a_client_keeps_a_bounded_number_of_key_packages() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = Config::new(dir.path().join("ds.db"));
    config.max_key_packages = 2;
    let server = start_with(config);
    let alice = Person::new(&server.url(), "alice");
    alice.ds.register().unwrap();
    alice.publish(false);
    alice.publish(true);
    let e = alice
        .ds
        .publish_key_package(&alice.key_package(false))
        .unwrap_err();
    assert!(
        matches!(&e, mls_ds::Error::Refused { status: 409, reason } if reason.contains("the most")),
        "{e}"
    );
    assert_eq!(alice.ds.key_package_counts().unwrap(), counts(1, 1));
    alice.ds.claim_key_package("alice", SUITE).unwrap();
    alice.publish(false);
    assert_eq!(alice.ds.key_package_counts().unwrap(), counts(1, 1));
}

#[test]
fn invalid_key_packages_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(dir.path());
    let alice = Person::new(&server.url(), "alice");
    alice.ds.register().unwrap();
    // A broken signature.
    let mut kp = alice.key_package(false).into_key_package().unwrap();
    let mut sig = kp.signature.as_slice().to_vec();
    sig[3] ^= 0x40;
    kp.signature = sig.into();
    let e = alice.ds.publish_key_package(&kp.to_message()).unwrap_err();
    assert!(
        matches!(&e, mls_ds::Error::Refused { status: 422, reason } if reason.contains("KeyPackage refused")),
        "{e}"
    );
    // An expired one (the server's clock 200 days ahead).
    drop(server);
    let mut config = Config::new(dir.path().join("ds.db"));
    config.clock = std::sync::Arc::new(|| now() + 200 * 24 * 3600);
    config.max_clock_skew = u64::MAX / 4;
    let server = start_with(config);
    let mut alice = alice;
    alice.reconnect(&server.url());
    let e = alice
        .ds
        .publish_key_package(&alice.key_package(false))
        .unwrap_err();
    assert!(
        matches!(&e, mls_ds::Error::Refused { status: 422, .. }),
        "{e}"
    );
    assert_eq!(alice.ds.key_package_counts().unwrap(), counts(0, 0));
}

#[test]
fn queues_keep_messages_until_acknowledged_within_their_bound() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = Config::new(dir.path().join("ds.db"));
    config.max_queue_len = 3;
    config.max_fetch = 2;
    let server = start_with(config);
    let mut people = vec![
        Person::new(&server.url(), "alice"),
        Person::new(&server.url(), "bob"),
    ];
    for p in &people {
        p.ds.register().unwrap();
        p.publish(false);
    }
    let gid = people[0].create_group();
    add(&mut people, 0, 1, &gid);

    for i in 0..5 {
        let m = people[0]
            .g()
            .encrypt_application_message(format!("m{i}").as_bytes(), b"")
            .unwrap();
        people[0].ds.send_message(&gid, &m).unwrap();
    }
    let bob = &people[1].ds;
    // Three kept, two dropped and counted; fetches in batches of two.
    let list = bob.queues().unwrap();
    assert_eq!((list.queues[0].pending, list.queues[0].dropped), (3, 2));
    let first = bob.fetch(&gid, 0, 100).unwrap();
    assert_eq!(first.messages.len(), 2);
    assert_eq!(first.dropped, 2);
    let rest = bob.fetch(&gid, first.messages[1].id, 100).unwrap();
    assert_eq!(rest.messages.len(), 1);
    // Fetching does not delete; acknowledging does, up to the id.
    assert_eq!(bob.fetch(&gid, 0, 100).unwrap().messages, first.messages);
    assert_eq!(bob.ack(&gid, first.messages[0].id).unwrap().deleted, 1);
    assert_eq!(
        bob.fetch(&gid, 0, 100).unwrap().messages[0],
        first.messages[1]
    );
    let texts = people[1].sync(&gid);
    assert_eq!(texts, ["m3", "m4"]);
    assert_eq!(people[1].ds.queues().unwrap().queues[0].pending, 0);
}

#[test]
fn old_messages_expire() {
    let dir = tempfile::tempdir().unwrap();
    let offset = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
    let mut config = Config::new(dir.path().join("ds.db"));
    config.max_message_age = 100;
    config.max_clock_skew = 10_000;
    let o = std::sync::Arc::clone(&offset);
    config.clock = std::sync::Arc::new(move || now() + o.load(std::sync::atomic::Ordering::SeqCst));
    let server = start_with(config);
    let mut people = vec![
        Person::new(&server.url(), "alice"),
        Person::new(&server.url(), "bob"),
    ];
    for p in &people {
        p.ds.register().unwrap();
        p.publish(false);
    }
    let gid = people[0].create_group();
    add(&mut people, 0, 1, &gid);
    let m = people[0]
        .g()
        .encrypt_application_message(b"late", b"")
        .unwrap();
    people[0].ds.send_message(&gid, &m).unwrap();
    offset.store(1_000, std::sync::atomic::Ordering::SeqCst);
    let fetched = people[1].ds.fetch(&gid, 0, 10).unwrap();
    assert!(fetched.messages.is_empty());
    assert_eq!(fetched.dropped, 1);
}

/// The configured suites are checked when the service starts: a code point
/// given twice is refused, not served.
#[test]
fn configured_suites_are_checked_at_start() {
    let mut config = Config::in_memory();
    config
        .cipher_suites
        .push(mls_core::CipherSuiteDefinition::RFC9420[0]);
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let err = mls_ds::serve(listener, config).unwrap_err();
    assert!(
        matches!(&err, mls_ds::Error::Unsupported(m) if m.contains("the configured cipher suites")),
        "{err}"
    );
}
