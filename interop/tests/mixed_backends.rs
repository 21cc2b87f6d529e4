//! Groups whose members run on different crypto backends (rustcrypto,
//! ring, aws-lc) for every suite they share: suites 1, 2, 3 and 7 on all
//! three, suite 5 on rustcrypto and aws-lc. The whole lifecycle runs, and
//! after every epoch change all members report the same epoch
//! authenticator and exporter output.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use interop::clients::{TestProvider, client, client_builder_on, seed};
use mls_core::group::{
    Client, DefaultRules, ExternalJoinOptions, Group, GroupConfig, JoinOptions, KeyPackageOptions,
    ProcessedMessage,
};
use mls_core::provider::CryptoProvider;
use mls_core::{CipherSuite, CipherSuiteDefinition, MlsMessage};
use mls_crypto_awslc::AwsLcProvider;
use mls_crypto_ring::RingProvider;
use mls_crypto_rustcrypto::RustCryptoProvider;

type G = Group<TestProvider>;

struct Member {
    client: Client<TestProvider>,
    group: Option<G>,
}

impl Member {
    fn g(&mut self) -> &mut G {
        self.group.as_mut().expect("member is in the group")
    }
}

fn kp(c: &Client<TestProvider>, suite: CipherSuite) -> mls_core::key_package::KeyPackage {
    c.generate_key_package(suite, &KeyPackageOptions::default())
        .unwrap()
}

/// Every member in the group agrees on the epoch, the authenticator and
/// an exported secret.
fn assert_agree(members: &[Member], label: &str) {
    let groups: Vec<&G> = members.iter().filter_map(|m| m.group.as_ref()).collect();
    let first = groups[0];
    let export = |g: &G| g.export_secret("mixed", label.as_bytes(), 32).unwrap();
    for g in &groups {
        assert_eq!(g.epoch(), first.epoch(), "{label}: epoch");
        assert_eq!(
            g.epoch_authenticator(),
            first.epoch_authenticator(),
            "{label}: epoch authenticator"
        );
        assert_eq!(
            export(g).as_bytes(),
            export(first).as_bytes(),
            "{label}: exporter"
        );
    }
}

/// Delivers a handshake message to every member but `from`.
fn deliver(members: &mut [Member], from: usize, message: &MlsMessage) {
    for (i, m) in members.iter_mut().enumerate() {
        if i == from {
            continue;
        }
        if let Some(g) = m.group.as_mut() {
            g.process_and_merge(message)
                .unwrap_or_else(|e| panic!("member {i} rejected a message: {e}"));
        }
    }
}

/// `from` commits with `build`, merges, and everyone else processes it.
fn commit_all(
    members: &mut [Member],
    from: usize,
    build: impl FnOnce(&mut G) -> mls_core::group::CommitOutput,
) -> mls_core::group::CommitOutput {
    let out = build(members[from].g());
    members[from].g().merge_pending_commit().unwrap();
    deliver(members, from, &out.commit);
    out
}

/// Application data from `from` reaches every other member.
fn chat(members: &mut [Member], from: usize, text: &str) {
    let msg = members[from]
        .g()
        .encrypt_application_message(text.as_bytes(), b"")
        .unwrap();
    let sender = members[from].g().own_leaf_index();
    for (i, m) in members.iter_mut().enumerate() {
        if i == from {
            continue;
        }
        if let Some(g) = m.group.as_mut() {
            match g.process_and_merge(&msg).unwrap() {
                ProcessedMessage::Application(a) => {
                    assert_eq!(a.data, text.as_bytes());
                    assert_eq!(a.sender.leaf_index(), Some(sender));
                }
                other => panic!("expected application data, got {other:?}"),
            }
        }
    }
}

fn lifecycle(suite: CipherSuite, backends: &[&str]) {
    lifecycle_with(suite, backends, |backend, name, seed| {
        client(backend, suite, name, seed).unwrap()
    });
}

/// The whole lifecycle, member `i` on `backends[i % len]`, its client made
/// by `make(backend, name, seed)`.
fn lifecycle_with(
    suite: CipherSuite,
    backends: &[&str],
    make: impl Fn(&str, &str, [u8; 32]) -> Client<TestProvider>,
) {
    let config = GroupConfig::default();
    let names = ["alice", "bob", "carol", "dave"];
    let mut members: Vec<Member> = names
        .iter()
        .enumerate()
        .map(|(i, name)| Member {
            client: make(backends[i % backends.len()], name, seed(i as u64 + 1)),
            group: None,
        })
        .collect();
    let label = |s: &str| format!("suite {suite:?} {backends:?}: {s}");

    // Alice creates; adds Bob and Carol in one commit.
    members[0].group = Some(
        Group::create(
            &members[0].client,
            suite,
            Default::default(),
            config.clone(),
        )
        .unwrap(),
    );
    let (kb, kc) = (kp(&members[1].client, suite), kp(&members[2].client, suite));
    let out = members[0].g().add_members(&[kb, kc]).unwrap();
    members[0].g().merge_pending_commit().unwrap();
    let welcome = out.welcome.unwrap();
    for i in [1, 2] {
        members[i].group = Some(Group::join(&members[i].client, &welcome, config.clone()).unwrap());
    }
    assert_agree(&members, &label("after add"));
    chat(&mut members, 0, "from alice");
    chat(&mut members, 1, "from bob");
    chat(&mut members, 2, "from carol");

    // Updates: a full commit by Bob, an Update proposal by Carol committed by Alice.
    commit_all(&mut members, 1, |g| g.self_update().unwrap());
    assert_agree(&members, &label("after bob's update"));
    let p = members[2].g().propose_update().unwrap();
    deliver(&mut members, 2, &p);
    commit_all(&mut members, 0, |g| g.commit().unwrap());
    assert_agree(&members, &label("after carol's update"));

    // PSKs: an external PSK everyone holds, and a resumption PSK.
    for m in &members {
        m.client
            .store_external_psk(b"team-psk", &[7u8; 32])
            .unwrap();
    }
    let epoch = members[0].g().epoch();
    commit_all(&mut members, 0, |g| {
        let ext = g.external_psk_id(b"team-psk").unwrap();
        let res = g.resumption_psk_id(epoch).unwrap();
        g.commit_builder()
            .pre_shared_key(ext)
            .pre_shared_key(res)
            .build()
            .unwrap()
    });
    assert_agree(&members, &label("after PSKs"));

    // Dave joins by external commit.
    let info = members[1].g().group_info(true).unwrap();
    let (dave, commit) = Group::join_by_external_commit(
        &members[3].client,
        &info,
        config.clone(),
        ExternalJoinOptions::default(),
    )
    .unwrap();
    let mut dave = dave;
    dave.merge_pending_commit().unwrap();
    members[3].group = Some(dave);
    deliver(&mut members, 3, &commit);
    assert_agree(&members, &label("after external join"));
    chat(&mut members, 3, "from dave");

    // Dave resyncs: a new external commit that removes his old leaf.
    let old_leaf = members[3].g().own_leaf_index();
    let info = members[2].g().group_info(true).unwrap();
    let (dave, commit) = Group::join_by_external_commit(
        &members[3].client,
        &info,
        config.clone(),
        ExternalJoinOptions {
            remove_prior_leaf: Some(old_leaf),
            ..Default::default()
        },
    )
    .unwrap();
    let mut dave = dave;
    dave.merge_pending_commit().unwrap();
    members[3].group = Some(dave);
    deliver(&mut members, 3, &commit);
    assert_agree(&members, &label("after resync"));
    assert_eq!(members[0].g().members().len(), 4);

    // Alice removes Bob; Bob sees it.
    let bob_leaf = members[1].g().own_leaf_index();
    let out = members[0].g().remove_members(&[bob_leaf]).unwrap();
    members[0].g().merge_pending_commit().unwrap();
    deliver(&mut members, 0, &out.commit);
    assert!(!members[1].g().is_active());
    members[1].group = None;
    assert_agree(&members, &label("after remove"));
    chat(&mut members, 2, "bob is gone");

    // Branch: Carol starts a subgroup with Dave.
    let kd = kp(&members[3].client, suite);
    let (mut sub_carol, out) = members[2]
        .g()
        .branch(b"subgroup", Default::default(), &[kd], config.clone())
        .unwrap();
    sub_carol.merge_pending_commit().unwrap();
    let sub_dave = Group::join_with_options(
        &members[3].client,
        out.welcome.as_ref().unwrap(),
        config.clone(),
        JoinOptions {
            ratchet_tree: None,
            resumed_group: members[3].group.as_ref(),
        },
    )
    .unwrap();
    assert_eq!(
        sub_carol.epoch_authenticator(),
        sub_dave.epoch_authenticator()
    );
    assert_eq!(sub_dave.epoch(), 1);

    // ReInit: Alice re-initializes into a new group id.
    commit_all(&mut members, 0, |g| {
        g.commit_builder()
            .reinit(b"reinit-group", suite, Default::default())
            .build()
            .unwrap()
    });
    for m in members.iter_mut().filter_map(|m| m.group.as_ref()) {
        assert!(m.reinit().is_some());
    }
    let others: Vec<_> = [2, 3]
        .iter()
        .map(|&i| kp(&members[i].client, suite))
        .collect();
    let (mut new_alice, out) = members[0]
        .g()
        .reinit_successor(&others, config.clone())
        .unwrap();
    new_alice.merge_pending_commit().unwrap();
    let welcome = out.welcome.unwrap();
    let mut successors = vec![new_alice];
    for i in [2, 3] {
        successors.push(
            Group::join_with_options(
                &members[i].client,
                &welcome,
                config.clone(),
                JoinOptions {
                    ratchet_tree: None,
                    resumed_group: members[i].group.as_ref(),
                },
            )
            .unwrap(),
        );
    }
    let mut new_members: Vec<Member> = successors
        .into_iter()
        .zip([0usize, 2, 3])
        .map(|(g, i)| Member {
            client: members[i].client.clone(),
            group: Some(g),
        })
        .collect();
    assert_agree(&new_members, &label("after reinit"));
    assert_eq!(new_members[0].g().group_id(), b"reinit-group");
    chat(&mut new_members, 1, "in the new group");
    chat(&mut new_members, 0, "alice in the new group");
}

#[test]
fn suites_shared_by_all_three_backends() {
    for suite in [
        CipherSuite::MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519,
        CipherSuite::MLS_128_DHKEMP256_AES128GCM_SHA256_P256,
        CipherSuite::MLS_128_DHKEMX25519_CHACHA20POLY1305_SHA256_Ed25519,
        CipherSuite::MLS_256_DHKEMP384_AES256GCM_SHA384_P384,
    ] {
        lifecycle(suite, &["rustcrypto", "ring", "aws-lc"]);
    }
}

#[test]
fn suite_5_on_rustcrypto_and_aws_lc() {
    lifecycle(
        CipherSuite::MLS_256_DHKEMP521_AES256GCM_SHA512_P521,
        &["rustcrypto", "aws-lc"],
    );
}

/// Suite 1's algorithms under a code point of the private-use range (RFC
/// 9420 §17.1 reserves 0xF000-0xFFFF), each backend built with that one
/// definition: the whole lifecycle runs across the three backends, and the
/// code point is what goes on the wire.
#[test]
fn private_code_point_on_all_three_backends() {
    let definition = CipherSuiteDefinition::RFC9420[0].with_code_point(0xf0a1);
    let suite = definition.suite;
    let crypto = |backend: &str| -> Box<dyn CryptoProvider> {
        match backend {
            "rustcrypto" => Box::new(RustCryptoProvider::with_suites([definition]).unwrap()),
            "ring" => Box::new(RingProvider::with_suites([definition]).unwrap()),
            _ => Box::new(AwsLcProvider::with_suites([definition]).unwrap()),
        }
    };
    let make = |backend: &str, name: &str, seed: [u8; 32]| {
        client_builder_on(crypto(backend), suite, name, seed)
            .unwrap()
            .rules(DefaultRules::open())
            .build()
    };

    // The package carries the private code point, and a client on the
    // default provider (no definition for it) refuses to make one.
    let package = kp(&make("ring", "probe", seed(9)), suite);
    assert_eq!(package.cipher_suite.code(), 0xf0a1);
    let stock = client(
        "ring",
        CipherSuite::MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519,
        "stock",
        seed(10),
    )
    .unwrap();
    let refused = stock
        .generate_key_package(suite, &KeyPackageOptions::default())
        .unwrap_err();
    assert!(
        matches!(
            refused,
            mls_core::Error::Unsupported(mls_core::error::Unsupported::CipherSuiteNotProvided {
                suite: s,
                provider: "ring",
            }) if s == suite
        ),
        "{refused:?}"
    );

    lifecycle_with(suite, &["rustcrypto", "ring", "aws-lc"], make);
}
