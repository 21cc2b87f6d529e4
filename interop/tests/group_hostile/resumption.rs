//! Welcomes that resume a group (§11.2 reinitialization, §11.3 subgroup
//! branching) and do not match it (§12.4.3.1: "If a PreSharedKeyID was
//! used that has type `resumption` with usage `reinit` or `branch`, verify
//! that the `epoch` field in the GroupInfo is equal to 1", then the ReInit
//! or the old group's parameters).
//!
//! Carol (member 2) is the joiner; her group of the world is the resumed
//! group she passes in `JoinOptions`. The hostile Welcome is made by the
//! library: Alice creates a group with the parameters under test and adds
//! a KeyPackage of Carol's whose private keys the test knows; the test
//! then puts the resumption PSK into the GroupSecrets, with the old
//! group's `resumption_psk` (which it learns from the world's spy, or from
//! the forged ReInit commit it built), and re-keys the GroupInfo: the new
//! welcome key, the confirmation tag under the joiner's key schedule with
//! that PSK, and Alice's signature. Everything Carol checks before the
//! resumption rules therefore passes, and [`forged_resuming_welcomes_join`]
//! shows that such a Welcome joins when its parameters match.
//!
//! After each rejection Carol's storage is unchanged (no group stored, her
//! KeyPackage still there), and the genuine Welcome of the library's own
//! `reinit_successor` or `branch` still joins.

use super::world::{
    By, Forge, G, Known, SUITE, World, by_value, config, open_welcome, seal_welcome, welcome_of,
};
use interop::clients::TestProvider;
use mls_core::codec::{VarBytes, VarVec, encode};
use mls_core::crypto::generate_hpke_key_pair;
use mls_core::extensions::{ExtensionBody, Extensions, RequiredCapabilities};
use mls_core::framing::MlsMessageBody;
use mls_core::group::proposal::{Proposal, ReInit};
use mls_core::group::welcome::Welcome;
use mls_core::group::{Client, Group, JoinOptions, KeyPackageOptions};
use mls_core::key_package::KeyPackage;
use mls_core::key_schedule::transcript::confirmation_tag;
use mls_core::key_schedule::{EpochSecrets, PreSharedKeyId, ResumptionPskUsage, psk_secret};
use mls_core::provider::{
    CipherSuiteProvider, CryptoProvider, Namespace, Provider, StorageProvider,
};
use mls_core::secret::Secret;
use mls_core::{CipherSuite, Error, MlsMessage, ProtocolError, ProtocolVersion};

const ALICE: usize = 0;
const BOB: usize = 1;
const CAROL: usize = 2;

/// Another suite every backend has, with the same hash (so the same PSK
/// nonce length) and signature scheme as [`SUITE`].
const OTHER_SUITE: CipherSuite = CipherSuite::MLS_128_DHKEMX25519_CHACHA20POLY1305_SHA256_Ed25519;

/// The group id the ReInit names.
const NEW_ID: &[u8] = b"reinit-group";
/// The group id of the branches.
const SUB_ID: &[u8] = b"subgroup";

/// The extensions the ReInit names: a `required_capabilities` requiring
/// nothing (so that they differ from an empty list).
fn reinit_extensions() -> Extensions {
    let required = RequiredCapabilities {
        extension_types: VarVec::new(Vec::new()),
        proposal_types: VarVec::new(Vec::new()),
        credential_types: VarVec::new(Vec::new()),
    };
    Extensions::from_vec(vec![required.to_extension().unwrap()])
}

fn suite_object(client: &Client<TestProvider>, suite: CipherSuite) -> &dyn CipherSuiteProvider {
    client
        .provider()
        .crypto()
        .cipher_suite(suite)
        .expect("the suite on every backend")
}

/// A KeyPackage of `client` in `suite` whose private keys the test knows
/// (and the client stores).
fn known_in(w: &World, client: &Client<TestProvider>, suite: CipherSuite) -> Known {
    let cs = suite_object(client, suite);
    let rand = w.rand();
    let mut kp = client
        .generate_key_package(suite, &KeyPackageOptions::default())
        .unwrap();
    let (init_private, init_public) = generate_hpke_key_pair(cs, &rand).unwrap();
    let (enc_private, enc_public) = generate_hpke_key_pair(cs, &rand).unwrap();
    kp.init_key = VarBytes::new(init_public);
    kp.leaf_node.encryption_key = VarBytes::new(enc_public);
    kp.leaf_node.sign(client.signer(), cs, None).unwrap();
    kp.sign(client.signer(), cs).unwrap();
    client
        .import_key_package(&kp, init_private.as_bytes(), enc_private.as_bytes())
        .unwrap();
    Known { kp, init_private }
}

/// A resumption PSK id of Carol's group at `epoch`.
fn resumption_id(w: &World, usage: ResumptionPskUsage, epoch: u64) -> PreSharedKeyId {
    PreSharedKeyId::resumption(
        usage,
        w.gr(CAROL).group_id().to_vec(),
        epoch,
        vec![0x5a; 32],
    )
}

/// The parameters of the group a hostile Welcome invites into.
struct NewGroup<'a> {
    suite: CipherSuite,
    group_id: &'a [u8],
    extensions: Extensions,
    /// Empty commits before Carol's Add: the Welcome is for epoch
    /// `extra_commits + 1`.
    extra_commits: u64,
}

/// Alice creates `new` and adds `known`; its Welcome's GroupSecrets then
/// name `psk` (the value is the second element), and the GroupInfo is
/// re-encrypted, re-confirmed and re-signed to match (see the module
/// docs).
fn resuming_welcome(
    w: &World,
    new: NewGroup<'_>,
    known: &Known,
    psk: (PreSharedKeyId, Secret),
) -> MlsMessage {
    let client = w.client(ALICE);
    let cs = suite_object(client, new.suite);
    let mut g = Group::create_with_id(client, new.suite, new.group_id, new.extensions, config())
        .expect("Alice creates the group");
    for _ in 0..new.extra_commits {
        g.commit().unwrap();
        g.merge_pending_commit().unwrap();
    }
    let out = g.add_members(std::slice::from_ref(&known.kp)).unwrap();
    g.merge_pending_commit().unwrap();
    let opened = open_welcome(cs, &welcome_of(&out), known, &[]);
    assert!(
        opened.secrets.psks.as_slice().is_empty(),
        "a plain Add carries no PSK"
    );
    let mut secrets = opened.secrets;
    secrets.psks = vec![psk.0.clone()].into();
    let psk_value = psk_secret(cs, &[psk]).unwrap();
    let mut info = opened.info;
    assert_eq!(info.group_context.epoch, new.extra_commits + 1);
    let keys = EpochSecrets::derive(
        cs,
        &secrets.joiner_secret,
        &psk_value,
        &info.group_context.to_bytes().unwrap(),
    )
    .unwrap();
    info.confirmation_tag = VarBytes::new(
        confirmation_tag(
            cs,
            &keys.confirmation_key,
            info.group_context.confirmed_transcript_hash.as_slice(),
        )
        .unwrap(),
    );
    info.sign(client.signer(), cs).unwrap();
    let mut welcome = seal_welcome(
        cs,
        &w.rand(),
        &info,
        &secrets.joiner_secret,
        &psk_value,
        &known.kp,
        &secrets,
    );
    welcome.cipher_suite = new.suite;
    wrap(welcome)
}

fn wrap(welcome: Welcome) -> MlsMessage {
    MlsMessage::new(MlsMessageBody::Welcome(welcome))
}

/// Carol joins `welcome`, resuming her group of the world.
fn carol_joins(w: &World, welcome: &MlsMessage) -> Result<G, Error> {
    Group::join_with_options(
        w.client(CAROL),
        welcome,
        config(),
        JoinOptions {
            ratchet_tree: None,
            resumed_group: Some(w.gr(CAROL)),
        },
    )
}

/// Every entry of `client`'s storage.
fn stored(client: &Client<TestProvider>) -> Vec<(Namespace, Vec<u8>, Vec<u8>)> {
    let storage = client.provider().storage();
    Namespace::ALL
        .into_iter()
        .flat_map(|ns| {
            storage
                .scan(ns, &[])
                .unwrap()
                .into_iter()
                .map(move |(k, v)| (ns, k, v))
        })
        .collect()
}

/// Carol refuses `welcome` with an error `expected` accepts, and stores
/// nothing (no group; her KeyPackage is kept).
fn expect_refused(w: &World, welcome: &MlsMessage, what: &str, expected: impl Fn(&Error) -> bool) {
    let before = stored(w.client(CAROL));
    let old_group = encode(&w.gr(CAROL).ratchet_tree()).unwrap();
    match carol_joins(w, welcome) {
        Ok(g) => panic!(
            "{what}: Carol joined group {:?} at epoch {}",
            g.group_id(),
            g.epoch()
        ),
        Err(e) => assert!(expected(&e), "{what}: unexpected error {e:?}"),
    }
    assert_eq!(
        stored(w.client(CAROL)),
        before,
        "{what}: Carol's storage changed on a refused Welcome"
    );
    assert_eq!(encode(&w.gr(CAROL).ratchet_tree()).unwrap(), old_group);
}

/// Carol joins `welcome` as a resumption of her group, into the group
/// `creator` holds.
fn expect_joins(w: &World, welcome: &MlsMessage, creator: &G, what: &str) {
    let g = carol_joins(w, welcome).unwrap_or_else(|e| panic!("{what}: refused with {e:?}"));
    assert_eq!(g.epoch(), 1, "{what}");
    assert_eq!(g.group_id(), creator.group_id(), "{what}");
    assert_eq!(
        g.epoch_authenticator(),
        creator.epoch_authenticator(),
        "{what}"
    );
}

/// A world in which Alice's (forged, otherwise valid) commit of a ReInit
/// to `NEW_ID`, `suite` and [`reinit_extensions`] was processed by Bob
/// and Carol, and the `resumption_psk` of the epoch it led to (2), which
/// the reinit PSK names.
fn reinit_world(suite: CipherSuite) -> (World, Secret) {
    let mut w = World::new(3);
    let reinit = Proposal::ReInit(ReInit {
        group_id: VarBytes::new(NEW_ID.to_vec()),
        version: ProtocolVersion,
        cipher_suite: suite,
        extensions: reinit_extensions(),
    });
    let forged = w.forge(
        By::Member(ALICE),
        Forge {
            proposals: vec![by_value(reinit)],
            ..Default::default()
        },
        |_, _| {},
    );
    for i in [BOB, CAROL] {
        let g = w.g(i);
        g.process_and_merge(&forged.message)
            .expect("the ReInit commit is valid");
        assert_eq!(g.epoch(), 2);
        assert!(g.reinit().is_some() && !g.is_active());
        assert_eq!(
            g.epoch_authenticator(),
            forged.next.secrets.epoch_authenticator.as_bytes(),
            "the test knows the epoch after the ReInit"
        );
    }
    (w, forged.next.secrets.resumption_psk)
}

/// Bob's `reinit_successor` invites `kp`: Carol joins with that Welcome.
fn genuine_reinit_joins(w: &World, kp: KeyPackage) {
    let (mut successor, out) = w.gr(BOB).reinit_successor(&[kp], config()).unwrap();
    successor.merge_pending_commit().unwrap();
    expect_joins(
        w,
        out.welcome.as_ref().unwrap(),
        &successor,
        "the genuine reinit Welcome",
    );
    assert_eq!(successor.group_id(), NEW_ID);
}

/// Bob branches a subgroup with `kp`: Carol joins with that Welcome.
fn genuine_branch_joins(w: &World, kp: KeyPackage) {
    let (mut sub, out) = w
        .gr(BOB)
        .branch(SUB_ID, Extensions::new(), &[kp], config())
        .unwrap();
    sub.merge_pending_commit().unwrap();
    expect_joins(
        w,
        out.welcome.as_ref().unwrap(),
        &sub,
        "the genuine branch Welcome",
    );
}

/// The control: Welcomes built as the hostile ones are, with parameters
/// that match, join. So each hostile Welcome below is refused for its one
/// difference.
#[test]
fn forged_resuming_welcomes_join() {
    let (w, psk) = reinit_world(SUITE);
    let known = w.known_key_package(w.client(CAROL));
    let welcome = resuming_welcome(
        &w,
        NewGroup {
            suite: SUITE,
            group_id: NEW_ID,
            extensions: reinit_extensions(),
            extra_commits: 0,
        },
        &known,
        (resumption_id(&w, ResumptionPskUsage::Reinit, 2), psk),
    );
    let g = carol_joins(&w, &welcome).expect("a matching reinit Welcome joins");
    assert_eq!((g.epoch(), g.group_id()), (1, NEW_ID));

    let w = World::new(3);
    let known = w.known_key_package(w.client(CAROL));
    let welcome = resuming_welcome(
        &w,
        NewGroup {
            suite: SUITE,
            group_id: SUB_ID,
            extensions: Extensions::new(),
            extra_commits: 0,
        },
        &known,
        (
            resumption_id(&w, ResumptionPskUsage::Branch, 1),
            w.spy.secrets.resumption_psk.clone(),
        ),
    );
    let g = carol_joins(&w, &welcome).expect("a matching branch Welcome joins");
    assert_eq!((g.epoch(), g.group_id()), (1, SUB_ID));
}

/// §11.2, §12.4.3.1: a reinit Welcome into epoch 3 of a group matching the
/// ReInit.
#[test]
fn reinit_welcome_not_at_epoch_one() {
    let (w, psk) = reinit_world(SUITE);
    let known = w.known_key_package(w.client(CAROL));
    let welcome = resuming_welcome(
        &w,
        NewGroup {
            suite: SUITE,
            group_id: NEW_ID,
            extensions: reinit_extensions(),
            extra_commits: 2,
        },
        &known,
        (resumption_id(&w, ResumptionPskUsage::Reinit, 2), psk),
    );
    expect_refused(
        &w,
        &welcome,
        "a reinit Welcome at epoch 3",
        protocol!(ProtocolError::ResumptionEpochNotOne(3)),
    );
    genuine_reinit_joins(&w, known.kp);
}

/// §11.3, §12.4.3.1: a branch Welcome into epoch 2.
#[test]
fn branch_welcome_not_at_epoch_one() {
    let w = World::new(3);
    let known = w.known_key_package(w.client(CAROL));
    let welcome = resuming_welcome(
        &w,
        NewGroup {
            suite: SUITE,
            group_id: SUB_ID,
            extensions: Extensions::new(),
            extra_commits: 1,
        },
        &known,
        (
            resumption_id(&w, ResumptionPskUsage::Branch, 1),
            w.spy.secrets.resumption_psk.clone(),
        ),
    );
    expect_refused(
        &w,
        &welcome,
        "a branch Welcome at epoch 2",
        protocol!(ProtocolError::ResumptionEpochNotOne(2)),
    );
    genuine_branch_joins(&w, known.kp);
}

/// §11.2: the new group's id is not the one the ReInit named.
#[test]
fn reinit_welcome_with_another_group_id() {
    let (w, psk) = reinit_world(SUITE);
    let known = w.known_key_package(w.client(CAROL));
    let welcome = resuming_welcome(
        &w,
        NewGroup {
            suite: SUITE,
            group_id: b"another-group",
            extensions: reinit_extensions(),
            extra_commits: 0,
        },
        &known,
        (resumption_id(&w, ResumptionPskUsage::Reinit, 2), psk),
    );
    expect_refused(
        &w,
        &welcome,
        "a reinit Welcome into another group id",
        protocol!(ProtocolError::ReInitMismatch("group_id")),
    );
    genuine_reinit_joins(&w, known.kp);
}

/// §11.2: the ReInit named suite 3; the new group (and Carol's KeyPackage,
/// as the Welcome requires) is of suite 1.
#[test]
fn reinit_welcome_with_another_cipher_suite() {
    let (w, psk) = reinit_world(OTHER_SUITE);
    let known = w.known_key_package(w.client(CAROL));
    let welcome = resuming_welcome(
        &w,
        NewGroup {
            suite: SUITE,
            group_id: NEW_ID,
            extensions: reinit_extensions(),
            extra_commits: 0,
        },
        &known,
        (resumption_id(&w, ResumptionPskUsage::Reinit, 2), psk),
    );
    expect_refused(
        &w,
        &welcome,
        "a reinit Welcome of another cipher suite",
        protocol!(ProtocolError::ReInitMismatch("cipher_suite")),
    );
    let kp = w
        .client(CAROL)
        .generate_key_package(OTHER_SUITE, &KeyPackageOptions::default())
        .unwrap();
    genuine_reinit_joins(&w, kp);
}

/// §11.2: the new group's GroupContext extensions are not the ReInit's.
#[test]
fn reinit_welcome_with_other_extensions() {
    let (w, psk) = reinit_world(SUITE);
    let known = w.known_key_package(w.client(CAROL));
    let welcome = resuming_welcome(
        &w,
        NewGroup {
            suite: SUITE,
            group_id: NEW_ID,
            extensions: Extensions::new(),
            extra_commits: 0,
        },
        &known,
        (resumption_id(&w, ResumptionPskUsage::Reinit, 2), psk),
    );
    expect_refused(
        &w,
        &welcome,
        "a reinit Welcome with other GroupContext extensions",
        protocol!(ProtocolError::ReInitMismatch("extensions")),
    );
    genuine_reinit_joins(&w, known.kp);
}

/// §12.4.3.1 "verify that the last Commit to the referenced group contains
/// a ReInit proposal": a reinit PSK of Carol's current epoch, whose commit
/// (Alice's Add) had none.
#[test]
fn reinit_welcome_for_a_group_never_reinitialized() {
    let w = World::new(3);
    assert!(w.gr(CAROL).reinit().is_none());
    let known = w.known_key_package(w.client(CAROL));
    let welcome = resuming_welcome(
        &w,
        NewGroup {
            suite: SUITE,
            group_id: NEW_ID,
            extensions: reinit_extensions(),
            extra_commits: 0,
        },
        &known,
        (
            resumption_id(&w, ResumptionPskUsage::Reinit, 1),
            w.spy.secrets.resumption_psk.clone(),
        ),
    );
    expect_refused(
        &w,
        &welcome,
        "a reinit Welcome resuming a group without ReInit",
        protocol!(ProtocolError::ReInitMismatch(
            "the old group's last commit had no ReInit"
        )),
    );
    genuine_branch_joins(&w, known.kp);
}

/// §11.3: a branch must keep the old group's cipher suite; this one is of
/// suite 3 (Carol's KeyPackage too, as the Welcome requires).
#[test]
fn branch_welcome_with_another_cipher_suite() {
    let w = World::new(3);
    let known = known_in(&w, w.client(CAROL), OTHER_SUITE);
    let welcome = resuming_welcome(
        &w,
        NewGroup {
            suite: OTHER_SUITE,
            group_id: SUB_ID,
            extensions: Extensions::new(),
            extra_commits: 0,
        },
        &known,
        (
            resumption_id(&w, ResumptionPskUsage::Branch, 1),
            w.spy.secrets.resumption_psk.clone(),
        ),
    );
    expect_refused(
        &w,
        &welcome,
        "a branch Welcome of another cipher suite",
        protocol!(ProtocolError::BranchMismatch),
    );
    let kp = w
        .client(CAROL)
        .generate_key_package(SUITE, &KeyPackageOptions::default())
        .unwrap();
    genuine_branch_joins(&w, kp);
}

/// §11.2: the reinit PSK names "the epoch after the Commit covering the
/// ReInit" (2). This one names epoch 1, before the ReInit, whose
/// `resumption_psk` Carol still keeps (`resumption_psk_epochs`): the last
/// commit to that epoch (Alice's Add) had no ReInit.
#[test]
fn reinit_welcome_with_the_psk_of_the_epoch_before_the_reinit() {
    let (w, _) = reinit_world(SUITE);
    let known = w.known_key_package(w.client(CAROL));
    let welcome = resuming_welcome(
        &w,
        NewGroup {
            suite: SUITE,
            group_id: NEW_ID,
            extensions: reinit_extensions(),
            extra_commits: 0,
        },
        &known,
        (
            resumption_id(&w, ResumptionPskUsage::Reinit, 1),
            w.spy.secrets.resumption_psk.clone(),
        ),
    );
    expect_refused(
        &w,
        &welcome,
        "a reinit Welcome with the PSK of the epoch before the ReInit",
        protocol!(ProtocolError::ReInitMismatch("epoch")),
    );
    genuine_reinit_joins(&w, known.kp);
}
