//! Staged commits: nothing changes before the merge; the summary names the
//! members by their credentials; a discarded or stale commit leaves the
//! group as it was.

use super::support::*;
use mls_core::extensions::Extensions;
use mls_core::group::{Group, KeyPackageOptions, ProcessedMessage, StagedCommit};
use mls_core::{Error, Misuse};

fn staged(result: Result<ProcessedMessage, Error>) -> StagedCommit {
    match result.unwrap() {
        ProcessedMessage::StagedCommit(s) => s,
        other => panic!("expected a staged commit, got {other:?}"),
    }
}

#[test]
fn a_staged_commit_changes_nothing_until_merged() {
    let (alice, bob, carol, dave) = (
        member("alice", 1),
        member("bob", 2),
        member("carol", 3),
        member("dave", 4),
    );
    let mut groups = group_of(&alice, &[&bob, &carol], Extensions::new());
    let kp = dave
        .generate_key_package(SUITE, &KeyPackageOptions::default())
        .unwrap();
    let out = groups[0]
        .commit_builder()
        .remove_member(2)
        .add_member(kp)
        .build()
        .unwrap();
    groups[0].merge_pending_commit().unwrap();

    let before = snapshot(&groups[1]);
    let s = staged(groups[1].process_message(&out.commit));
    assert_unchanged(&groups[1], &bob, &before);
    assert_eq!(name(&s.sender.credential), b"alice");
    assert_eq!(s.sender.leaf_index(), Some(0));
    assert_eq!(s.epoch, before.0 + 1);
    assert_eq!(s.proposals.len(), 2);
    let removed: Vec<_> = s
        .removed
        .iter()
        .map(|m| (m.index, name(&m.credential)))
        .collect();
    assert_eq!(removed, vec![(2, &b"carol"[..])]);
    let added: Vec<_> = s
        .added
        .iter()
        .map(|m| (m.index, name(&m.credential)))
        .collect();
    assert_eq!(added, vec![(2, &b"dave"[..])]);
    assert!(!s.removed_us && s.has_path && s.extensions.is_none());

    // Discarding keeps the epoch; the same commit can not be replayed
    // after that if it was encrypted, so stage Carol's copy for the merge.
    groups[1].discard_staged_commit(s).unwrap();
    assert_unchanged(&groups[1], &bob, &before);

    let s = staged(groups[2].process_message(&out.commit));
    assert!(s.removed_us);
    groups[2].merge_staged_commit(s).unwrap();
    assert!(!groups[2].is_active());
}

#[test]
fn the_merge_agrees_with_the_committer_and_a_stale_commit_is_refused() {
    let (alice, bob, carol) = (member("alice", 1), member("bob", 2), member("carol", 3));
    let mut groups = group_of(&alice, &[&bob, &carol], Extensions::new());
    // Alice and Carol commit in the same epoch; Bob stages both.
    let by_alice = groups[0].self_update().unwrap();
    let by_carol = groups[2].self_update().unwrap();
    groups[0].merge_pending_commit().unwrap();
    let first = staged(groups[1].process_message(&by_alice.commit));
    let second = staged(groups[1].process_message(&by_carol.commit));
    let update = first.committer_update.clone().unwrap();
    assert_eq!(update.before.credential, update.after.credential);
    assert_ne!(update.before.signature_key, Vec::<u8>::new());
    groups[1].merge_staged_commit(first).unwrap();
    assert_eq!(
        groups[1].epoch_authenticator(),
        groups[0].epoch_authenticator()
    );
    let reloaded = Group::load(&bob, groups[1].group_id()).unwrap();
    assert_eq!(
        reloaded.epoch_authenticator(),
        groups[0].epoch_authenticator()
    );

    let after = snapshot(&groups[1]);
    assert!(matches!(
        groups[1].merge_staged_commit(second),
        Err(Error::Misuse(Misuse::StaleStagedCommit))
    ));
    assert_unchanged(&groups[1], &bob, &after);
}
