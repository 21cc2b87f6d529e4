//! Who, not which leaf: a late message is attributed to the member who
//! sent it, even after its leaf went to someone else.

use super::support::*;
use mls_core::extensions::Extensions;
use mls_core::group::{Group, GroupConfig, KeyPackageOptions, ProcessedMessage};

/// X at leaf 5 sends in epoch E; X is removed and Y added at leaf 5 in
/// E+1; the delayed message from E is attributed to X, not Y, also after
/// the receiver reloads the group from storage.
#[test]
fn a_late_message_is_attributed_to_who_held_the_leaf_then() {
    let alice = member("alice", 1);
    let others: Vec<_> = (2..=5).map(|n| member(&format!("m{n}"), n)).collect();
    let x = member("x", 10);
    let y = member("y", 11);
    let mut refs: Vec<&_> = others.iter().collect();
    refs.push(&x);
    let mut groups = group_of(&alice, &refs, Extensions::new());
    assert_eq!(groups[5].own_leaf_index(), 5);
    let epoch_e = groups[0].epoch();
    let late = groups[5]
        .encrypt_application_message(b"from x", b"")
        .unwrap();

    let kp = y
        .generate_key_package(SUITE, &KeyPackageOptions::default())
        .unwrap();
    let out = groups[0]
        .commit_builder()
        .remove_member(5)
        .add_member(kp)
        .build()
        .unwrap();
    groups[0].merge_pending_commit().unwrap();
    let mut y_group =
        Group::join(&y, out.welcome.as_ref().unwrap(), GroupConfig::default()).unwrap();
    assert_eq!(y_group.own_leaf_index(), 5);
    groups[1].process_and_merge(&out.commit).unwrap();
    assert_eq!(name(&groups[1].member(5).unwrap().credential), b"y");

    // Delivered late, after a restart.
    let mut reloaded = Group::load(&others[0], groups[1].group_id()).unwrap();
    let ProcessedMessage::Application(m) = reloaded.process_message(&late).unwrap() else {
        panic!("expected application data");
    };
    assert_eq!(m.epoch, epoch_e);
    assert_eq!(m.sender.leaf_index(), Some(5));
    assert_eq!(name(&m.sender.credential), b"x");
    assert_ne!(
        m.sender.signature_key,
        reloaded.member(5).unwrap().signature_key,
        "the key of the leaf's new holder"
    );
    assert_eq!(m.data, b"from x");

    // Y's own messages in E+1 are Y's.
    let now = y_group.encrypt_application_message(b"from y", b"").unwrap();
    let ProcessedMessage::Application(m) = reloaded.process_message(&now).unwrap() else {
        panic!("expected application data");
    };
    assert_eq!(name(&m.sender.credential), b"y");
}
