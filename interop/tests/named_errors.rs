//! Errors no other test produced, each brought about through the public
//! API and asserted by its variant (see `error_variants.rs`, which checks
//! that every variant has such a test). A caller's mistake is a `Misuse`;
//! a peer's is a `Protocol` error naming the rule.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use interop::SeededRand;
use interop::clients::{TestProvider, client, crypto, seed};
use mls_core::codec::VarBytes;
use mls_core::credential::Credential;
use mls_core::crypto::generate_signer;
use mls_core::error::{Misuse, ProtocolError, Unsupported};
use mls_core::framing::PublicMessage;
use mls_core::framing::{
    AuthenticatedContent, Content, FramedContent, MlsMessageBody, Sender, WireFormat,
};
use mls_core::group::proposal::{Proposal, Remove};
use mls_core::group::{
    Client, CommitSummary, ExternalJoinOptions, Group, GroupConfig, GroupRules, JoinOptions,
    KeyPackageOptions, MessageSender, ProposalSource, RulesContext, SigningIdentity,
};
use mls_core::secret::Secret;
use mls_core::{CipherSuite, Error, MlsMessage};

const SUITE: CipherSuite = CipherSuite::MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519;

type G = Group<TestProvider>;

fn misuse<T: std::fmt::Debug>(result: Result<T, Error>) -> Misuse {
    match result {
        Err(Error::Misuse(m)) => m,
        other => panic!("expected a Misuse, got {other:?}"),
    }
}

fn protocol<T: std::fmt::Debug>(result: Result<T, Error>) -> ProtocolError {
    match result {
        Err(Error::Protocol(p)) => p,
        other => panic!("expected a ProtocolError, got {other:?}"),
    }
}

/// Alice and Bob in a group under `config`, with their clients.
fn pair_with(config: GroupConfig) -> (G, G, Client<TestProvider>, Client<TestProvider>) {
    let alice = client("rustcrypto", SUITE, "alice", seed(1)).unwrap();
    let bob = client("rustcrypto", SUITE, "bob", seed(2)).unwrap();
    let mut a = Group::create(&alice, SUITE, Default::default(), config.clone()).unwrap();
    let kp = bob
        .generate_key_package(SUITE, &KeyPackageOptions::default())
        .unwrap();
    let out = a.add_members(&[kp]).unwrap();
    a.merge_pending_commit().unwrap();
    let b = Group::join(&bob, &out.welcome.unwrap(), config).unwrap();
    (a, b, alice, bob)
}

fn pair() -> (G, G) {
    let (a, b, _, _) = pair_with(GroupConfig::default());
    (a, b)
}

#[test]
fn commit_pending_and_no_pending_commit() {
    let (mut a, _) = pair();
    assert_eq!(misuse(a.merge_pending_commit()), Misuse::NoPendingCommit);
    a.self_update().unwrap();
    assert_eq!(misuse(a.self_update()), Misuse::CommitPending);
}

/// (As a PublicMessage: our own PrivateMessage is a replay to us.)
#[test]
fn own_commit_is_not_processed() {
    let (mut a, _, _, _) = pair_with(GroupConfig {
        handshake_wire_format: WireFormat::PublicMessage,
        ..GroupConfig::default()
    });
    let out = a.self_update().unwrap();
    assert_eq!(misuse(a.process_message(&out.commit)), Misuse::OwnCommit);
}

#[test]
fn a_removed_member_cannot_send() {
    let (mut a, mut b) = pair();
    let out = a.remove_members(&[b.own_leaf_index()]).unwrap();
    a.merge_pending_commit().unwrap();
    b.process_and_merge(&out.commit).unwrap();
    assert!(matches!(
        misuse(b.encrypt_application_message(b"x", b"")),
        Misuse::GroupInactive(_)
    ));
}

/// Found by fuzzing (`fuzz/regressions/group_ops`): a member with a
/// commit of its own pending, removed by another's commit, could still
/// merge its commit and enter an epoch of its own. The removal drops it,
/// in memory and in storage.
#[test]
fn a_removed_member_cannot_merge_its_pending_commit() {
    let (mut a, mut b, _, bob) = pair_with(GroupConfig::default());
    b.self_update().unwrap();
    let out = a.remove_members(&[b.own_leaf_index()]).unwrap();
    a.merge_pending_commit().unwrap();
    b.process_and_merge(&out.commit).unwrap();
    assert!(!b.is_active());
    assert!(!b.has_pending_commit());
    assert_eq!(misuse(b.merge_pending_commit()), Misuse::NoPendingCommit);
    let mut reloaded = Group::load(&bob, b.group_id()).unwrap();
    assert_eq!(
        misuse(reloaded.merge_pending_commit()),
        Misuse::NoPendingCommit
    );
}

#[test]
fn application_data_waits_for_pending_proposals() {
    let (mut a, mut b) = pair();
    let proposal = b.propose_update().unwrap();
    a.process_message(&proposal).unwrap();
    assert_eq!(
        misuse(a.encrypt_application_message(b"x", b"")),
        Misuse::ProposalsPending
    );
}

#[test]
fn a_welcome_where_a_group_info_is_expected() {
    let (a, _, _, _) = pair_with(GroupConfig::default());
    let dave = client("rustcrypto", SUITE, "dave", seed(4)).unwrap();
    let not_info = a.group_info(true).unwrap();
    let welcome_like = MlsMessage::new(MlsMessageBody::KeyPackage(
        dave.generate_key_package(SUITE, &KeyPackageOptions::default())
            .unwrap(),
    ));
    assert!(matches!(
        misuse(Group::join_by_external_commit(
            &dave,
            &welcome_like,
            GroupConfig::default(),
            ExternalJoinOptions::default()
        )),
        Misuse::UnexpectedMessage(_)
    ));
    drop(not_info);
}

#[test]
fn reinit_successor_needs_a_reinit() {
    let (a, _) = pair();
    assert_eq!(
        misuse(a.reinit_successor(&[], GroupConfig::default())),
        Misuse::NoReInit
    );
}

#[test]
fn removing_a_blank_leaf_is_the_callers_mistake() {
    let (mut a, _) = pair();
    assert_eq!(misuse(a.propose_remove(7)), Misuse::NotAMember(7));
}

#[test]
fn a_group_id_is_created_once() {
    let alice = client("rustcrypto", SUITE, "alice", seed(1)).unwrap();
    let id = b"the one group";
    Group::create_with_id(
        &alice,
        SUITE,
        id,
        Default::default(),
        GroupConfig::default(),
    )
    .unwrap();
    assert_eq!(
        misuse(Group::create_with_id(
            &alice,
            SUITE,
            id,
            Default::default(),
            GroupConfig::default()
        )),
        Misuse::GroupIdInUse
    );
}

/// An identity whose key is of another scheme than the suite's.
#[test]
fn an_identity_of_another_signature_scheme() {
    let alice = client("rustcrypto", SUITE, "alice", seed(1)).unwrap();
    let p256 = CipherSuite::MLS_128_DHKEMP256_AES128GCM_SHA256_P256;
    let provider = crypto("rustcrypto").unwrap();
    let signer = generate_signer(
        provider.cipher_suite(p256).unwrap(),
        &SeededRand::new(seed(9)),
    )
    .unwrap();
    let identity = SigningIdentity {
        credential: Credential::basic(b"alice".to_vec()),
        signer: signer.into(),
    };
    assert!(matches!(
        misuse(Group::create_with_identity(
            &alice,
            &identity,
            SUITE,
            Default::default(),
            GroupConfig::default()
        )),
        Misuse::SignatureSchemeMismatch { .. }
    ));
}

/// A member's content signed without the GroupContext it must cover
/// (§6.1).
#[test]
fn member_content_needs_the_group_context() {
    let provider = crypto("rustcrypto").unwrap();
    let suite = provider.cipher_suite(SUITE).unwrap();
    let signer = generate_signer(suite, &SeededRand::new(seed(9))).unwrap();
    let framed = FramedContent {
        group_id: VarBytes::new(b"g".to_vec()),
        epoch: 1,
        sender: Sender::Member(0),
        authenticated_data: VarBytes::default(),
        content: Content::Application(VarBytes::new(b"x".to_vec())),
    };
    assert_eq!(
        misuse(AuthenticatedContent::sign(
            suite,
            signer.as_ref(),
            WireFormat::PrivateMessage,
            framed,
            None
        )),
        Misuse::MissingGroupContext
    );
}

#[test]
fn an_unknown_cipher_suite_code() {
    assert_eq!(
        CipherSuite::try_from(0xff00),
        Err(Unsupported::UnknownCipherSuite(0xff00))
    );
}

/// A GroupInfo without `external_pub` cannot be joined by external
/// commit (§12.4.3.2).
#[test]
fn external_join_without_external_pub() {
    let (a, _, _, _) = pair_with(GroupConfig {
        external_pub_in_group_info: false,
        ..GroupConfig::default()
    });
    let dave = client("rustcrypto", SUITE, "dave", seed(4)).unwrap();
    let info = a.group_info(true).unwrap();
    assert_eq!(
        protocol(Group::join_by_external_commit(
            &dave,
            &info,
            GroupConfig::default(),
            ExternalJoinOptions::default()
        )),
        ProtocolError::ExternalPubMissing
    );
}

/// A Welcome without the tree, and no tree given (§12.4.3.1).
#[test]
fn welcome_without_tree_and_none_given() {
    let config = GroupConfig {
        ratchet_tree_in_welcome: false,
        ..GroupConfig::default()
    };
    let alice = client("rustcrypto", SUITE, "alice", seed(1)).unwrap();
    let bob = client("rustcrypto", SUITE, "bob", seed(2)).unwrap();
    let mut a = Group::create(&alice, SUITE, Default::default(), config.clone()).unwrap();
    let kp = bob
        .generate_key_package(SUITE, &KeyPackageOptions::default())
        .unwrap();
    let out = a.add_members(&[kp]).unwrap();
    a.merge_pending_commit().unwrap();
    let welcome = out.welcome.unwrap();
    assert_eq!(
        protocol(Group::join(&bob, &welcome, config.clone())),
        ProtocolError::RatchetTreeMissing
    );
    // With the tree given out of band, the same Welcome joins.
    let joined = Group::join_with_options(
        &bob,
        &welcome,
        config,
        JoinOptions {
            ratchet_tree: Some(a.ratchet_tree()),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(joined.epoch_authenticator(), a.epoch_authenticator());
}

/// A KeyPackage whose lifetime is longer than the group accepts.
#[test]
fn an_add_with_a_too_long_lifetime() {
    let (mut a, _) = pair();
    let carol = client("rustcrypto", SUITE, "carol", seed(3)).unwrap();
    let kp = carol
        .generate_key_package(
            SUITE,
            &KeyPackageOptions {
                lifetime: 365 * 24 * 3600,
                ..Default::default()
            },
        )
        .unwrap();
    assert!(matches!(
        protocol(a.add_members(&[kp])),
        ProtocolError::LifetimeTooLong { .. }
    ));
}

/// A forged PrivateMessage: its content or sender data altered. The
/// failure to decrypt is the peer's (a `Protocol` error), not a crypto
/// backend's, and the receiver's ratchet is unharmed.
#[test]
fn an_altered_private_message_is_undecryptable() {
    let (mut a, mut b) = pair();
    let genuine = a.encrypt_application_message(b"hello", b"").unwrap();
    let MlsMessageBody::PrivateMessage(m) = &genuine.body else {
        panic!("a PrivateMessage");
    };
    let mut content = m.clone();
    let mut ct = content.ciphertext.as_slice().to_vec();
    *ct.last_mut().unwrap() ^= 1;
    content.ciphertext = VarBytes::new(ct);
    let mut sender_data = m.clone();
    let mut sd = sender_data.encrypted_sender_data.as_slice().to_vec();
    sd[0] ^= 1;
    sender_data.encrypted_sender_data = VarBytes::new(sd);
    for (forged, what) in [
        (content, "PrivateMessage content"),
        (sender_data, "PrivateMessage sender data"),
    ] {
        let forged = MlsMessage::new(MlsMessageBody::PrivateMessage(forged));
        assert_eq!(
            protocol(b.process_message(&forged)),
            ProtocolError::DecryptionFailed(what)
        );
    }
    b.process_message(&genuine).unwrap();
}

/// A Welcome whose encrypted GroupInfo was altered.
#[test]
fn an_altered_welcome_is_undecryptable() {
    let alice = client("rustcrypto", SUITE, "alice", seed(1)).unwrap();
    let bob = client("rustcrypto", SUITE, "bob", seed(2)).unwrap();
    let mut a = Group::create(&alice, SUITE, Default::default(), GroupConfig::default()).unwrap();
    let kp = bob
        .generate_key_package(SUITE, &KeyPackageOptions::default())
        .unwrap();
    let out = a.add_members(&[kp]).unwrap();
    let MlsMessageBody::Welcome(mut welcome) = out.welcome.unwrap().body else {
        panic!("a Welcome");
    };
    let mut info = welcome.encrypted_group_info.as_slice().to_vec();
    *info.last_mut().unwrap() ^= 1;
    welcome.encrypted_group_info = VarBytes::new(info);
    let forged = MlsMessage::new(MlsMessageBody::Welcome(welcome));
    // The GroupInfo's ciphertext is also the GroupSecrets' HPKE context:
    // those fail first.
    assert_eq!(
        protocol(Group::join(&bob, &forged, GroupConfig::default())),
        ProtocolError::DecryptionFailed("Welcome's GroupSecrets")
    );
}

/// Content signed for a PrivateMessage cannot be sent as a PublicMessage.
#[test]
fn content_of_the_other_wire_format() {
    let (a, _) = pair();
    let provider = crypto("rustcrypto").unwrap();
    let suite = provider.cipher_suite(SUITE).unwrap();
    let signer = generate_signer(suite, &SeededRand::new(seed(9))).unwrap();
    let framed = FramedContent {
        group_id: a.group_context().group_id.clone(),
        epoch: a.epoch(),
        sender: Sender::Member(0),
        authenticated_data: VarBytes::default(),
        content: Content::Proposal(Proposal::Remove(Remove { removed: 1 })),
    };
    let content = AuthenticatedContent::sign(
        suite,
        signer.as_ref(),
        WireFormat::PrivateMessage,
        framed,
        Some(a.group_context()),
    )
    .unwrap();
    assert_eq!(
        misuse(PublicMessage::from_authenticated(
            suite,
            content,
            &Secret::new(vec![0; 32]),
            a.group_context()
        )),
        Misuse::WrongWireFormat
    );
}

/// A joiner's external commit carries no membership tag (§6.2): one that
/// does is refused before its signature is even looked at.
#[test]
fn a_membership_tag_from_a_non_member() {
    let (mut a, _) = pair();
    let dave = client("rustcrypto", SUITE, "dave", seed(4)).unwrap();
    let info = a.group_info(true).unwrap();
    let (_, commit) = Group::join_by_external_commit(
        &dave,
        &info,
        GroupConfig::default(),
        ExternalJoinOptions::default(),
    )
    .unwrap();
    let MlsMessageBody::PublicMessage(mut m) = commit.body else {
        panic!("an external commit is a PublicMessage");
    };
    m.membership_tag = Some(VarBytes::new(vec![0; 32]));
    let tagged = MlsMessage::new(MlsMessageBody::PublicMessage(m));
    assert_eq!(
        protocol(a.process_message(&tagged)),
        ProtocolError::UnexpectedMembershipTag
    );
}

/// Rules that refuse every commit.
struct NoCommits;

impl GroupRules for NoCommits {
    fn accept_proposal(
        &self,
        _: &RulesContext<'_>,
        _: &Proposal,
        _: &MessageSender,
        _: ProposalSource,
    ) -> Result<(), String> {
        Ok(())
    }

    fn accept_commit(&self, _: &RulesContext<'_>, _: &CommitSummary) -> Result<(), String> {
        Err("no commits today".into())
    }
}

/// The application's rules refuse a commit: named, with their reason, and
/// the group stays in its epoch.
#[test]
fn a_commit_the_rules_refuse() {
    let (mut a, mut b) = pair();
    b.set_rules(std::sync::Arc::new(NoCommits));
    let out = a.self_update().unwrap();
    let epoch = b.epoch();
    assert_eq!(
        protocol(b.process_message(&out.commit)),
        ProtocolError::CommitRejectedByRules("no commits today".into())
    );
    assert_eq!(b.epoch(), epoch);
}
