//! CHECKLIST "Welcome and GroupInfo (§12.4.3.1)". Alice adds Eve with a
//! real commit; Eve's Welcome is altered (re-encrypted where needed with
//! the key-schedule functions and Eve's known init key). After each
//! rejection Eve's KeyPackage must still be stored: the genuine Welcome
//! then joins and Eve agrees with the group.

use super::world::{
    G, Invite, SUITE, TEAM_PSK, TEAM_PSK_ID, World, config, open_welcome, rewrap_secrets,
    seal_welcome, team, team_id,
};
use mls_core::codec::VarBytes;
use mls_core::crypto::generate_hpke_key_pair;
use mls_core::extensions::{ExtensionBody, ExtensionType, Extensions};
use mls_core::framing::MlsMessageBody;
use mls_core::group::welcome::{PathSecret, Welcome};
use mls_core::group::{Group, JoinOptions, KeyPackageOptions};
use mls_core::key_schedule::{PreSharedKeyId, ResumptionPskUsage};
use mls_core::secret::Secret;
use mls_core::tree::node::{Node, RatchetTree};
use mls_core::{CipherSuite, Error, MlsMessage, ProtocolError};

fn join(invite: &Invite, welcome: Welcome) -> Result<G, Error> {
    Group::join(
        &invite.client,
        &MlsMessage::new(MlsMessageBody::Welcome(welcome)),
        config(),
    )
}

fn expect_join_error(result: Result<G, Error>, what: &str, expected: impl Fn(&Error) -> bool) {
    match result {
        Ok(_) => panic!("{what}: the hostile Welcome was accepted"),
        Err(e) => assert!(expected(&e), "{what}: unexpected error {e:?}"),
    }
}

/// Eve's Welcome with its GroupInfo changed by `tamper` (which may re-sign
/// it), re-encrypted under the same secrets; joining must fail as
/// `expected` says.
fn expect_tampered_info_rejected(
    w: &World,
    invite: &Invite,
    tamper: impl Fn(&mut mls_core::group::group_info::GroupInfo),
    what: &str,
    expected: impl Fn(&Error) -> bool,
) {
    let cs = w.cs();
    let opened = open_welcome(cs, &invite.welcome, &invite.known, &[]);
    let mut info = opened.info.clone();
    tamper(&mut info);
    let welcome = seal_welcome(
        cs,
        &w.rand(),
        &info,
        &opened.secrets.joiner_secret,
        &opened.psk_secret,
        &invite.known.kp,
        &opened.secrets,
    );
    expect_join_error(join(invite, welcome), what, expected);
}

fn add_eve(w: &mut World) -> Invite {
    w.invite("eve", |g, kp| g.add_members(&[kp]))
}

/// CHECKLIST: "No entry for our KeyPackageRef": the entry dropped, or
/// naming another package.
#[test]
fn welcome_without_entry_for_us() {
    let mut w = World::new(3);
    let invite = add_eve(&mut w);
    let mut none = invite.welcome.clone();
    none.secrets = Vec::new().into();
    expect_join_error(
        join(&invite, none),
        "a Welcome with no entries",
        protocol!(ProtocolError::WelcomeNotForUs),
    );
    let mut other = invite.welcome.clone();
    let mut entries = other.secrets.as_slice().to_vec();
    entries[0].new_member.0 = VarBytes::new(vec![0xee; 32]);
    other.secrets = entries.into();
    expect_join_error(
        join(&invite, other),
        "a Welcome for another KeyPackageRef",
        protocol!(ProtocolError::WelcomeNotForUs),
    );
    w.finish_invite(invite);
}

/// CHECKLIST: "suite mismatch".
#[test]
fn welcome_suite_mismatch() {
    let mut w = World::new(3);
    let invite = add_eve(&mut w);
    let mut welcome = invite.welcome.clone();
    welcome.cipher_suite = CipherSuite::MLS_128_DHKEMP256_AES128GCM_SHA256_P256;
    expect_join_error(
        join(&invite, welcome),
        "a Welcome of another suite",
        protocol!(ProtocolError::WelcomeCipherSuiteMismatch { .. }),
    );
    w.finish_invite(invite);
}

/// CHECKLIST: "missing PSK": Alice's commit injects the team PSK, which
/// Eve does not hold until after the first attempt.
#[test]
fn welcome_with_missing_psk() {
    let mut w = World::new(3);
    w.share_psk();
    let invite = w.invite("eve", |g, kp| {
        let id = g.external_psk_id(TEAM_PSK_ID).unwrap();
        g.commit_builder().add_member(kp).pre_shared_key(id).build()
    });
    expect_join_error(
        join(&invite, invite.welcome.clone()),
        "a Welcome naming a PSK Eve lacks",
        protocol!(ProtocolError::PskNotFound),
    );
    invite
        .client
        .store_external_psk(TEAM_PSK_ID, &TEAM_PSK)
        .unwrap();
    w.finish_invite(invite);
}

/// CHECKLIST: "more than one reinit/branch PSK". Eve's own one-member
/// group supplies the first, so the second is the one refused.
#[test]
fn welcome_with_two_resumption_psks() {
    let mut w = World::new(3);
    let invite = add_eve(&mut w);
    let cs = w.cs();
    let solo = Group::create(&invite.client, SUITE, Default::default(), config()).unwrap();
    let opened = open_welcome(cs, &invite.welcome, &invite.known, &[]);
    let mut secrets = opened.secrets.clone();
    let branch = |nonce| {
        PreSharedKeyId::resumption(
            ResumptionPskUsage::Branch,
            solo.group_id().to_vec(),
            0,
            vec![nonce; 32],
        )
    };
    secrets.psks = vec![branch(1), branch(2)].into();
    let welcome = rewrap_secrets(cs, &w.rand(), &invite.welcome, &invite.known.kp, &secrets);
    let result = Group::join_with_options(
        &invite.client,
        &MlsMessage::new(MlsMessageBody::Welcome(welcome)),
        config(),
        JoinOptions {
            ratchet_tree: None,
            resumed_group: Some(&solo),
        },
    );
    expect_join_error(
        result,
        "a Welcome with two branch PSKs",
        protocol!(ProtocolError::MultipleResumptionPsks),
    );
    w.finish_invite(invite);
}

/// A PSK id of the wrong nonce length in the GroupSecrets (§8.4).
#[test]
fn welcome_with_bad_psk_nonce() {
    let mut w = World::new(3);
    let invite = add_eve(&mut w);
    let cs = w.cs();
    let opened = open_welcome(cs, &invite.welcome, &invite.known, &[]);
    let mut secrets = opened.secrets.clone();
    secrets.psks = vec![PreSharedKeyId::external(TEAM_PSK_ID.to_vec(), vec![1u8; 7])].into();
    invite
        .client
        .store_external_psk(TEAM_PSK_ID, &TEAM_PSK)
        .unwrap();
    let welcome = rewrap_secrets(cs, &w.rand(), &invite.welcome, &invite.known.kp, &secrets);
    expect_join_error(
        join(&invite, welcome),
        "a Welcome with a 7-byte psk_nonce",
        protocol!(ProtocolError::PskNonceLength {
            expected: 32,
            actual: 7
        }),
    );
    w.finish_invite(invite);
}

/// CHECKLIST: "Bad GroupInfo signature".
#[test]
fn welcome_with_bad_group_info_signature() {
    let mut w = World::new(3);
    let invite = add_eve(&mut w);
    expect_tampered_info_rejected(
        &w,
        &invite,
        |info| {
            let mut sig = info.signature.as_slice().to_vec();
            sig[3] ^= 0x10;
            info.signature = VarBytes::new(sig);
        },
        "a GroupInfo with a bad signature",
        protocol!(ProtocolError::GroupInfoSignatureInvalid),
    );
    w.finish_invite(invite);
}

/// CHECKLIST: "signer leaf blank".
#[test]
fn welcome_with_blank_group_info_signer() {
    let mut w = World::new(2);
    // Alice, Bob and Eve: leaf 3 of the padded tree is blank.
    let invite = add_eve(&mut w);
    for signer in [3u32, 1_000] {
        expect_tampered_info_rejected(
            &w,
            &invite,
            |info| info.signer = signer,
            &format!("a GroupInfo signed by blank leaf {signer}"),
            protocol!(ProtocolError::GroupInfoSignerBlank(s) if *s == signer),
        );
    }
    w.finish_invite(invite);
}

/// CHECKLIST: "bad confirmation_tag": the GroupInfo is re-signed by Alice,
/// so only the tag is wrong.
#[test]
fn welcome_with_bad_confirmation_tag() {
    let mut w = World::new(3);
    let invite = add_eve(&mut w);
    expect_tampered_info_rejected(
        &w,
        &invite,
        |info| {
            let mut tag = info.confirmation_tag.as_slice().to_vec();
            tag[0] ^= 1;
            info.confirmation_tag = VarBytes::new(tag);
            info.sign(w.signer(0), w.cs()).unwrap();
        },
        "a GroupInfo with a wrong confirmation tag",
        protocol!(ProtocolError::ConfirmationTagMismatch),
    );
    w.finish_invite(invite);
}

/// CHECKLIST: "no leaf matching our KeyPackage": the secrets are sent to
/// another of Eve's KeyPackages than the one the commit added.
#[test]
fn welcome_without_our_leaf() {
    let mut w = World::new(3);
    let invite = add_eve(&mut w);
    let cs = w.cs();
    let other = invite
        .client
        .generate_key_package(SUITE, &KeyPackageOptions::default())
        .unwrap();
    let opened = open_welcome(cs, &invite.welcome, &invite.known, &[]);
    let welcome = rewrap_secrets(cs, &w.rand(), &invite.welcome, &other, &opened.secrets);
    expect_join_error(
        join(&invite, welcome),
        "a Welcome for a KeyPackage whose leaf is not in the tree",
        protocol!(ProtocolError::OwnLeafNotInTree),
    );
    w.finish_invite(invite);
}

/// CHECKLIST: "a path secret whose derived key does not match the tree".
#[test]
fn welcome_with_wrong_path_secret() {
    let mut w = World::new(3);
    let invite = w.invite("eve", |g, kp| {
        g.commit_builder().add_member(kp).force_path(true).build()
    });
    let cs = w.cs();
    let opened = open_welcome(cs, &invite.welcome, &invite.known, &[]);
    assert!(opened.secrets.path_secret.is_some());
    let mut secrets = opened.secrets.clone();
    secrets.path_secret = Some(PathSecret {
        path_secret: Secret::new(vec![0x42; 32]),
    });
    let welcome = rewrap_secrets(cs, &w.rand(), &invite.welcome, &invite.known.kp, &secrets);
    expect_join_error(
        join(&invite, welcome),
        "a path secret that does not derive the tree's key",
        protocol!(ProtocolError::PathPublicKeyMismatch(_)),
    );
    w.finish_invite(invite);
}

/// CHECKLIST: "a tree that fails any check above": Bob's leaf replaced by
/// a valid leaf of his with another key, the GroupInfo re-signed by Alice;
/// the tree no longer hashes to the GroupContext's tree_hash.
#[test]
fn welcome_with_tree_not_matching_tree_hash() {
    let mut w = World::new(3);
    let invite = add_eve(&mut w);
    let cs = w.cs();
    expect_tampered_info_rejected(
        &w,
        &invite,
        |info| {
            let mut nodes = info
                .extensions
                .ratchet_tree()
                .unwrap()
                .expect("the Welcome carries the tree")
                .into_nodes();
            let Some(Some(Node::Leaf(bob))) = nodes.get_mut(2) else {
                panic!("Bob's leaf at node 2");
            };
            let (_, key) = generate_hpke_key_pair(cs, &w.rand()).unwrap();
            bob.encryption_key = VarBytes::new(key);
            bob.sign(w.signer(1), cs, None).unwrap();
            let tree = RatchetTree::new(nodes).to_extension().unwrap();
            super::world::replace_ratchet_tree(info, tree);
            info.sign(w.signer(0), cs).unwrap();
        },
        "a Welcome whose tree does not match the tree hash",
        protocol!(ProtocolError::TreeHashMismatch),
    );
    w.finish_invite(invite);
}

/// The team PSK helpers are shared with the proposal tests; a Welcome
/// whose PSK value is known opens with it.
#[test]
fn welcome_with_psk_opens_with_its_value() {
    let mut w = World::new(2);
    w.share_psk();
    let id = team_id(9);
    let copy = id.clone();
    let invite = w.invite("eve", move |g, kp| {
        g.commit_builder()
            .add_member(kp)
            .pre_shared_key(copy)
            .build()
    });
    let opened = open_welcome(w.cs(), &invite.welcome, &invite.known, &[(id, team())]);
    assert_eq!(opened.info.group_context.epoch, w.gr(0).epoch());
    invite
        .client
        .store_external_psk(TEAM_PSK_ID, &TEAM_PSK)
        .unwrap();
    w.finish_invite(invite);
}

/// CHECKLIST "Welcome and GroupInfo": a GroupContext extension the joiner
/// does not support (§12.4.3.1, §13): Alice re-signs a GroupInfo whose
/// GroupContext carries extension type 0xff00, which Eve's client does not
/// know.
#[test]
fn welcome_with_an_unsupported_group_context_extension() {
    let mut w = World::new(3);
    let invite = add_eve(&mut w);
    let cs = w.cs();
    expect_tampered_info_rejected(
        &w,
        &invite,
        |info| {
            let mut list = info.group_context.extensions.as_slice().to_vec();
            list.push(mls_core::extensions::Extension {
                extension_type: ExtensionType(0xff00),
                extension_data: VarBytes::new(vec![1, 2, 3]),
            });
            info.group_context.extensions = Extensions::from_vec(list);
            info.sign(w.signer(0), cs).unwrap();
        },
        "a GroupContext extension the joiner does not support",
        protocol!(ProtocolError::GroupContextExtensionNotSupported(0xff00)),
    );
    w.finish_invite(invite);
}
