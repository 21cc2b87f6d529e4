//! The common path of the group API on every backend: create, add two
//! members in one commit, exchange messages, update, remove. Every member
//! must agree on the epoch authenticator and the exporter at every epoch.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use interop::clients::{TestProvider, client, seed};
use mls_core::group::{Group, GroupConfig, KeyPackageOptions, ProcessedMessage};
use mls_core::{CipherSuite, Error};

const SUITE: CipherSuite = CipherSuite::MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519;

fn assert_agree(groups: &[&Group<TestProvider>]) {
    let first = groups[0];
    for g in groups {
        assert_eq!(g.epoch(), first.epoch());
        assert_eq!(g.epoch_authenticator(), first.epoch_authenticator());
        assert_eq!(
            g.export_secret("test", b"ctx", 32).unwrap().as_bytes(),
            first.export_secret("test", b"ctx", 32).unwrap().as_bytes()
        );
        assert_eq!(g.group_context(), first.group_context());
    }
}

fn expect_app(result: Result<ProcessedMessage, Error>, data: &[u8], sender: u32) {
    match result.unwrap() {
        ProcessedMessage::Application(m) => {
            assert_eq!(m.data, data);
            assert_eq!(m.sender.leaf_index(), Some(sender));
        }
        other => panic!("expected application data, got {other:?}"),
    }
}

#[test]
fn create_add_message_update_remove_on_every_backend() {
    for backend in ["rustcrypto", "ring", "aws-lc"] {
        let alice = client(backend, SUITE, "alice", seed(1)).unwrap();
        let bob = client(backend, SUITE, "bob", seed(2)).unwrap();
        let carol = client(backend, SUITE, "carol", seed(3)).unwrap();
        let config = GroupConfig::default();

        let mut a = Group::create(&alice, SUITE, Default::default(), config.clone()).unwrap();
        let kp_b = bob
            .generate_key_package(SUITE, &KeyPackageOptions::default())
            .unwrap();
        let kp_c = carol
            .generate_key_package(SUITE, &KeyPackageOptions::default())
            .unwrap();
        let out = a.add_members(&[kp_b, kp_c]).unwrap();
        assert_eq!(a.epoch(), 0, "{backend}: the group moves only on merge");
        a.merge_pending_commit().unwrap();
        let welcome = out.welcome.expect("a Welcome for the new members");
        let mut b = Group::join(&bob, &welcome, config.clone()).unwrap();
        let mut c = Group::join(&carol, &welcome, config.clone()).unwrap();
        assert_agree(&[&a, &b, &c]);
        assert_eq!(a.members().len(), 3);
        assert_eq!((b.own_leaf_index(), c.own_leaf_index()), (1, 2));

        // Messages in both directions.
        let m = a.encrypt_application_message(b"hi all", b"aad").unwrap();
        expect_app(b.process_and_merge(&m), b"hi all", 0);
        expect_app(c.process_and_merge(&m), b"hi all", 0);
        let m = c.encrypt_application_message(b"hi alice", &[]).unwrap();
        expect_app(a.process_and_merge(&m), b"hi alice", 2);

        // Bob updates with a full commit.
        let out = b.self_update().unwrap();
        b.merge_pending_commit().unwrap();
        for g in [&mut a, &mut c] {
            assert!(matches!(
                g.process_and_merge(&out.commit).unwrap(),
                ProcessedMessage::Commit(_)
            ));
        }
        assert_agree(&[&a, &b, &c]);

        // Carol proposes an update, Alice commits it by reference.
        let p = c.propose_update().unwrap();
        a.process_and_merge(&p).unwrap();
        b.process_and_merge(&p).unwrap();
        let out = a.commit().unwrap();
        a.merge_pending_commit().unwrap();
        b.process_and_merge(&out.commit).unwrap();
        c.process_and_merge(&out.commit).unwrap();
        assert_agree(&[&a, &b, &c]);

        // Alice removes Bob.
        let out = a.remove_members(&[1]).unwrap();
        a.merge_pending_commit().unwrap();
        let ProcessedMessage::Commit(summary) = b.process_and_merge(&out.commit).unwrap() else {
            panic!("expected a commit");
        };
        assert!(summary.removed_us);
        assert!(!b.is_active());
        c.process_and_merge(&out.commit).unwrap();
        assert_agree(&[&a, &c]);
        assert_eq!(a.members().len(), 2);
        let m = a.encrypt_application_message(b"bye bob", &[]).unwrap();
        expect_app(c.process_and_merge(&m), b"bye bob", 0);
        // A removed member keeps no keys of the new epoch.
        assert!(
            matches!(
                b.process_and_merge(&m),
                Err(Error::Protocol(mls_core::ProtocolError::WrongEpoch { .. }))
            ),
            "{backend}: a removed member cannot read"
        );
    }
}

/// §12.1.8: a `new_member_proposal` from a joiner and a Remove from an
/// `external` sender listed in `external_senders` are received, cached and
/// committed by reference; the joiner joins from the Welcome.
#[test]
fn external_proposals_are_committed_by_reference() {
    use mls_core::codec::{VarBytes, VarVec};
    use mls_core::credential::Credential;
    use mls_core::crypto::generate_signer;
    use mls_core::extensions::{ExtensionBody, Extensions, ExternalSender, ExternalSenders};
    use mls_core::group::external_proposal;
    use mls_core::group::proposal::{ExternalInit, Proposal, Remove};
    use mls_core::provider::CryptoProvider;

    for backend in ["rustcrypto", "ring", "aws-lc"] {
        let alice = client(backend, SUITE, "alice", seed(1)).unwrap();
        let bob = client(backend, SUITE, "bob", seed(2)).unwrap();
        let dave = client(backend, SUITE, "dave", seed(4)).unwrap();
        let crypto = interop::clients::crypto(backend).unwrap();
        let suite = crypto.cipher_suite(SUITE).unwrap();
        let server = generate_signer(suite, &interop::SeededRand::new(seed(9))).unwrap();
        let senders = ExternalSenders(VarVec::new(vec![ExternalSender {
            signature_key: VarBytes::from(server.public_key()),
            credential: Credential::basic(b"server".to_vec()),
        }]));
        let extensions = Extensions::from_vec(vec![senders.to_extension().unwrap()]);
        let config = GroupConfig::default();
        let mut a = Group::create(&alice, SUITE, extensions, config.clone()).unwrap();
        let kp_b = bob
            .generate_key_package(SUITE, &KeyPackageOptions::default())
            .unwrap();
        let out = a.add_members(&[kp_b]).unwrap();
        a.merge_pending_commit().unwrap();
        let mut b = Group::join(&bob, &out.welcome.unwrap(), config.clone()).unwrap();

        // Dave asks to join; Bob commits his Add by reference.
        let info = a.group_info(false).unwrap();
        let kp_d = dave
            .generate_key_package(SUITE, &KeyPackageOptions::default())
            .unwrap();
        let proposal = dave.new_member_proposal(&info, kp_d).unwrap();
        for g in [&mut a, &mut b] {
            assert!(matches!(
                g.process_and_merge(&proposal).unwrap(),
                ProcessedMessage::Proposal(_)
            ));
        }
        let out = b.commit().unwrap();
        b.merge_pending_commit().unwrap();
        let ProcessedMessage::Commit(summary) = a.process_and_merge(&out.commit).unwrap() else {
            panic!("expected a commit");
        };
        assert_eq!(
            summary.added.iter().map(|m| m.index).collect::<Vec<_>>(),
            vec![2],
            "{backend}"
        );
        let mut d = Group::join(&dave, &out.welcome.unwrap(), config.clone()).unwrap();
        assert_agree(&[&a, &b, &d]);

        // The server removes Bob; Dave commits it.
        let remove = external_proposal(
            suite,
            server.as_ref(),
            a.group_context(),
            0,
            Proposal::Remove(Remove { removed: 1 }),
        )
        .unwrap();
        for g in [&mut a, &mut b, &mut d] {
            g.process_and_merge(&remove).unwrap();
        }
        let out = d.commit().unwrap();
        d.merge_pending_commit().unwrap();
        a.process_and_merge(&out.commit).unwrap();
        b.process_and_merge(&out.commit).unwrap();
        assert!(!b.is_active(), "{backend}: bob was removed");
        assert_agree(&[&a, &d]);

        // An external sender index outside the list is refused.
        let forged = external_proposal(
            suite,
            server.as_ref(),
            a.group_context(),
            1,
            Proposal::Remove(Remove { removed: 0 }),
        )
        .unwrap();
        assert!(matches!(
            a.process_and_merge(&forged),
            Err(Error::Protocol(
                mls_core::ProtocolError::ExternalSenderOutOfRange(1)
            ))
        ));

        // An external sender may send Add, Remove, PreSharedKey, ReInit
        // and GroupContextExtensions only (§12.1.8.1): an ExternalInit
        // from it is refused by type.
        let wrong_type = external_proposal(
            suite,
            server.as_ref(),
            a.group_context(),
            0,
            Proposal::ExternalInit(ExternalInit {
                kem_output: VarBytes::new(vec![1; 32]),
            }),
        )
        .unwrap();
        assert!(
            matches!(
                a.process_and_merge(&wrong_type),
                Err(Error::Protocol(
                    mls_core::ProtocolError::ExternalSenderProposalType(_)
                ))
            ),
            "{backend}"
        );
    }
}

/// A batch of Adds (whose signatures are checked up front, in parallel)
/// reports a bad KeyPackage signature exactly as a single Add does, and a
/// clean batch of twelve joins and agrees.
#[test]
fn a_batch_of_adds_checks_every_signature() {
    use mls_core::codec::VarBytes;
    let alice = client("aws-lc", SUITE, "alice", seed(1)).unwrap();
    let joiners: Vec<_> = (0..12)
        .map(|i| client("aws-lc", SUITE, &format!("joiner {i}"), seed(100 + i)).unwrap())
        .collect();
    let kps: Vec<_> = joiners
        .iter()
        .map(|c| {
            c.generate_key_package(SUITE, &KeyPackageOptions::default())
                .unwrap()
        })
        .collect();
    let mut a = Group::create(&alice, SUITE, Default::default(), GroupConfig::default()).unwrap();

    let mut bad = kps.clone();
    let mut sig = bad[7].signature.as_slice().to_vec();
    sig[0] ^= 1;
    bad[7].signature = VarBytes::new(sig);
    assert!(matches!(
        a.add_members(&bad),
        Err(Error::Protocol(
            mls_core::ProtocolError::KeyPackageSignatureInvalid
        ))
    ));
    let mut leaf_sig = kps[3].leaf_node.signature.as_slice().to_vec();
    leaf_sig[0] ^= 1;
    let mut bad_leaf = kps.clone();
    bad_leaf[3].leaf_node.signature = VarBytes::new(leaf_sig);
    // The KeyPackage signature covers the leaf, so it fails first (§10.1).
    assert!(matches!(
        a.add_members(&bad_leaf),
        Err(Error::Protocol(
            mls_core::ProtocolError::KeyPackageSignatureInvalid
        ))
    ));
    assert_eq!(a.epoch(), 0);

    let out = a.add_members(&kps).unwrap();
    a.merge_pending_commit().unwrap();
    let welcome = out.welcome.unwrap();
    let groups: Vec<_> = joiners
        .iter()
        .map(|c| Group::join(c, &welcome, GroupConfig::default()).unwrap())
        .collect();
    let mut all: Vec<&Group<TestProvider>> = groups.iter().collect();
    all.push(&a);
    assert_agree(&all);
}
