//! CHECKLIST "Encoding (§2.1)" through the receive path a peer reaches:
//! `MlsMessage::from_bytes`, which an application calls on every byte
//! string from the network, and `Group::join`, which decodes what a
//! Welcome seals (GroupSecrets, GroupInfo, the `ratchet_tree` extension).
//!
//! Each case starts from a genuine message of a real group, changes the
//! bytes named, and checks the exact `DecodeError`; then the genuine
//! message still processes (or joins) and every member agrees.

use super::world::{
    Invite, World, config, open_welcome, public_message, rewrap_secret_bytes, seal_welcome,
};
use mls_core::codec::{VarBytes, encode};
use mls_core::framing::{Content, MlsMessageBody};
use mls_core::group::Group;
use mls_core::{DecodeError, Error, MlsMessage, StorageErrorKind};

/// `bytes` refused by `MlsMessage::from_bytes` with exactly `expected`.
fn refused(what: &str, bytes: &[u8], expected: DecodeError) {
    match MlsMessage::from_bytes(bytes) {
        Err(Error::Decode(e)) => assert_eq!(e, expected, "{what}"),
        other => panic!("{what}: expected Decode({expected:?}), got {other:?}"),
    }
}

/// Where `needle` starts in `hay` (it must occur exactly once).
fn position(hay: &[u8], needle: &[u8]) -> usize {
    let found: Vec<usize> = hay
        .windows(needle.len())
        .enumerate()
        .filter(|(_, w)| *w == needle)
        .map(|(i, _)| i)
        .collect();
    assert_eq!(found.len(), 1, "the structure occurs once in the message");
    found[0]
}

/// A world where Bob made a commit with a path (not yet delivered).
fn with_pending_commit() -> (World, MlsMessage) {
    let mut w = World::new(3);
    let commit = w.g(1).self_update().expect("commit").commit;
    (w, commit)
}

/// Bob merges and delivers the genuine `commit`: everyone follows.
fn genuine_commit_still_processes(mut w: World, commit: &MlsMessage) {
    w.g(1).merge_pending_commit().expect("merge");
    w.deliver(1, commit);
    w.assert_agree(2);
}

/// §2.1.1: `optional<T>` has a presence byte of 0 or 1. The commit's
/// `optional<UpdatePath> path` is set to 2.
#[test]
fn an_optional_presence_byte_other_than_0_or_1() {
    let (w, commit) = with_pending_commit();
    let Content::Commit(c) = public_message(&commit).content.content else {
        panic!("a commit")
    };
    let mut bytes = commit.to_bytes().unwrap();
    let at = position(&bytes, &encode(&c).unwrap());
    // An empty proposal list (one zero byte), then the presence byte.
    assert_eq!(&bytes[at..at + 2], &[0, 1]);
    for presence in [2u8, 0x80, 0xff] {
        bytes[at + 1] = presence;
        refused(
            "path presence",
            &bytes,
            DecodeError::InvalidOptional(presence),
        );
    }
    genuine_commit_still_processes(w, &commit);
}

/// §2.1.2: a variable-length header with the reserved `0b11` prefix, and
/// one that is not minimally encoded, in the first vector of a
/// PublicMessage (its group_id), a PrivateMessage and a Welcome.
#[test]
fn a_variable_length_header_reserved_or_not_minimal() {
    let (mut w, commit) = with_pending_commit();
    let application = w.g(0).encrypt_application_message(b"hi", b"").unwrap();
    let group_id_len = w.gr(0).group_context().group_id.as_slice().len();
    let invite = w.invite("eve", |g, kp| g.add_members(&[kp]));
    let welcome = MlsMessage::new(MlsMessageBody::Welcome(invite.welcome.clone()));
    // version (2) and wire_format (2), then the first vector: group_id in
    // a PublicMessage or PrivateMessage; for a Welcome, cipher_suite (2)
    // comes first, then the `secrets` vector.
    let cases = [
        ("PublicMessage", commit.to_bytes().unwrap(), 4, group_id_len),
        (
            "PrivateMessage",
            application.to_bytes().unwrap(),
            4,
            group_id_len,
        ),
    ];
    for (what, bytes, at, len) in cases {
        assert!(len < 64, "a one-byte header");
        assert_eq!(bytes[at] as usize, len, "{what}: the header");
        let mut reserved = bytes.clone();
        reserved[at] |= 0xc0;
        refused(what, &reserved, DecodeError::ReservedVarintPrefix);
        // The same length in two bytes (0b01 prefix).
        let mut wide = bytes[..at].to_vec();
        wide.extend_from_slice(&[0x40, len as u8]);
        wide.extend_from_slice(&bytes[at + 1..]);
        refused(what, &wide, DecodeError::NonMinimalVarint);
    }
    // The Welcome's `secrets` vector is longer than 63 bytes: its two-byte
    // header, in four bytes (0b10 prefix), is not minimal.
    let bytes = welcome.to_bytes().unwrap();
    assert_eq!(bytes[6] >> 6, 0b01, "a two-byte header");
    let len = (u32::from(bytes[6] & 0x3f) << 8) | u32::from(bytes[7]);
    let mut wide = bytes[..6].to_vec();
    wide.extend_from_slice(&(0x8000_0000 | len).to_be_bytes());
    wide.extend_from_slice(&bytes[8..]);
    refused("Welcome", &wide, DecodeError::NonMinimalVarint);
    let mut reserved = bytes.clone();
    reserved[6] |= 0xc0;
    refused("Welcome", &reserved, DecodeError::ReservedVarintPrefix);
    // A header longer than what follows.
    let mut long = bytes[..6].to_vec();
    long.extend_from_slice(&(0x8000_0000u32 | 0x3fff_ffff).to_be_bytes());
    long.extend_from_slice(&bytes[8..]);
    refused("Welcome", &long, DecodeError::LengthExceedsInput);

    w.finish_invite(invite);
    // Eve missed Bob's commit: Bob's pending commit is dropped, Alice
    // commits instead.
    w.g(1).clear_pending_commit().unwrap();
    w.assert_recovers(0);
}

/// Trailing bytes after a complete message, for every wire format a
/// peer sends (§6: an MLSMessage is exactly one structure).
#[test]
fn trailing_bytes_after_every_kind_of_message() {
    let (mut w, commit) = with_pending_commit();
    let application = w.g(0).encrypt_application_message(b"hi", b"").unwrap();
    let info = w.gr(0).group_info(true).unwrap();
    let eve = w.new_client("eve");
    let key_package = MlsMessage::from(
        eve.generate_key_package(w.gr(0).cipher_suite(), &Default::default())
            .unwrap(),
    );
    let invite = w.invite("frank", |g, kp| g.add_members(&[kp]));
    let welcome = MlsMessage::new(MlsMessageBody::Welcome(invite.welcome.clone()));
    for (what, message) in [
        ("PublicMessage", &commit),
        ("PrivateMessage", &application),
        ("Welcome", &welcome),
        ("GroupInfo", &info),
        ("KeyPackage", &key_package),
    ] {
        let genuine = message.to_bytes().unwrap();
        assert_eq!(&MlsMessage::from_bytes(&genuine).unwrap(), message);
        for extra in [&[0u8][..], &[1, 2, 3]] {
            let mut bytes = genuine.clone();
            bytes.extend_from_slice(extra);
            refused(what, &bytes, DecodeError::TrailingBytes(extra.len()));
        }
    }
    w.finish_invite(invite);
    w.g(1).clear_pending_commit().unwrap();
    w.assert_recovers(2);
}

/// A fresh Eve invited by Alice, and the Welcome opened by the test.
fn invited() -> (World, Invite) {
    let mut w = World::new(2);
    let invite = w.invite("eve", |g, kp| g.add_members(&[kp]));
    (w, invite)
}

/// Trailing bytes inside what a Welcome seals: after the GroupSecrets
/// (encrypted to Eve's init key) and after the `ratchet_tree` extension's
/// tree (in a GroupInfo re-signed by its signer). `Group::join` refuses
/// both by the decoding rule, stores no group, and the genuine Welcome
/// then joins.
#[test]
fn trailing_bytes_inside_a_welcome() {
    let (mut w, invite) = invited();
    let cs = w.cs();
    let opened = open_welcome(cs, &invite.welcome, &invite.known, &[]);

    // GroupSecrets with a byte after them.
    let mut plaintext = encode(&opened.secrets).unwrap();
    plaintext.push(0);
    let secrets_trailing =
        rewrap_secret_bytes(cs, &w.rand(), &invite.welcome, &invite.known.kp, &plaintext);

    // The tree with a byte after it, inside the extension.
    let mut info = opened.info.clone();
    let mut ext = info
        .extensions
        .as_slice()
        .iter()
        .find(|e| e.extension_type == mls_core::extensions::ExtensionType::RATCHET_TREE)
        .expect("the Welcome carries the tree")
        .clone();
    let mut data = ext.extension_data.as_slice().to_vec();
    data.push(0);
    ext.extension_data = VarBytes::new(data);
    super::world::replace_ratchet_tree(&mut info, ext);
    info.sign(w.signer(0), cs).unwrap();
    let tree_trailing = seal_welcome(
        cs,
        &w.rand(),
        &info,
        &opened.secrets.joiner_secret,
        &opened.psk_secret,
        &invite.known.kp,
        &opened.secrets,
    );

    for (what, welcome) in [
        ("GroupSecrets", secrets_trailing),
        ("ratchet_tree", tree_trailing),
    ] {
        let message = MlsMessage::new(MlsMessageBody::Welcome(welcome));
        match Group::join(&invite.client, &message, config()) {
            Err(Error::Decode(DecodeError::TrailingBytes(1))) => {}
            other => panic!("{what}: expected Decode(TrailingBytes(1)), got {other:?}"),
        }
        let gid = w.gr(0).group_context().group_id.as_slice().to_vec();
        assert!(
            matches!(
                Group::load(&invite.client, &gid),
                Err(Error::Storage(e)) if e.kind == StorageErrorKind::NotFound
            ),
            "{what}: no group stored"
        );
    }
    // The same secrets and GroupInfo without the extra byte join.
    w.finish_invite(invite);
    w.assert_recovers(1);
}
