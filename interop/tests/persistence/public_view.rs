//! A public view (`PublicGroup`) in storage, with a member's transaction
//! model: it reloads where it was and follows on, a failed write changes
//! nothing in memory or in storage and a retry succeeds, two instances of
//! one view on one store cannot both write, and views are listed and
//! deleted apart from the groups the same store holds as a member.

use super::support::*;
use interop::SeededRand;
use interop::clients::{StoredProvider, crypto, seed};
use mls_core::framing::WireFormat;
use mls_core::group::{Group, GroupConfig, PublicGroup, PublicGroupBuilder};
use mls_core::provider::{MlsProvider, RandProvider, StorageProvider};
use mls_core::{Error, Misuse, MlsMessage, StorageErrorKind};
use std::sync::Arc;

pub(super) type View = PublicGroup<StoredProvider>;

/// Handshakes as PublicMessages, so the view can read them.
pub(super) fn config() -> GroupConfig {
    GroupConfig {
        handshake_wire_format: WireFormat::PublicMessage,
        ..Default::default()
    }
}

/// The delivery service's provider on `storage`; `n` varies the seed.
fn provider(storage: Arc<dyn StorageProvider>, n: u64) -> StoredProvider {
    MlsProvider::new(
        crypto("aws-lc").unwrap(),
        Box::new(SeededRand::new(seed(7_000 + n))) as Box<dyn RandProvider>,
        storage,
    )
}

pub(super) fn builder(
    storage: Arc<dyn StorageProvider>,
    n: u64,
) -> PublicGroupBuilder<StoredProvider> {
    PublicGroup::builder(provider(storage, n)).credential_validator(mls_core::credential::AcceptAll)
}

/// Everything of a view a caller can observe.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct ViewPrint {
    context: Vec<u8>,
    tree: Vec<u8>,
    interim: Vec<u8>,
    confirmation_tag: Vec<u8>,
    proposals: Vec<Vec<u8>>,
    reinit: bool,
}

pub(super) fn print(v: &View) -> ViewPrint {
    ViewPrint {
        context: mls_core::codec::encode(v.group_context()).unwrap(),
        tree: mls_core::codec::encode(&v.ratchet_tree()).unwrap(),
        interim: v.interim_transcript_hash().to_vec(),
        confirmation_tag: v.confirmation_tag().to_vec(),
        proposals: v
            .pending_proposals()
            .iter()
            .map(|p| {
                let mut out = mls_core::codec::encode(&p.reference).unwrap();
                out.extend(mls_core::codec::encode(&p.proposal).unwrap());
                out.extend(mls_core::codec::encode(&p.sender).unwrap());
                out
            })
            .collect(),
        reinit: v.reinit().is_some(),
    }
}

/// Alice (rustcrypto) and Bob (ring) in a group with PublicMessage
/// handshakes; alice's GroupInfo with the tree.
fn two_members() -> (Group<StoredProvider>, Group<StoredProvider>, MlsMessage) {
    let alice = member(
        "rustcrypto",
        "alice",
        Arc::new(mls_storage_memory::MemoryStorage::new()),
        0,
    );
    let bob = member(
        "ring",
        "bob",
        Arc::new(mls_storage_memory::MemoryStorage::new()),
        0,
    );
    let mut a = Group::create(&alice, SUITE, Default::default(), config()).unwrap();
    let out = a.add_members(&[key_package(&bob)]).unwrap();
    a.merge_pending_commit().unwrap();
    let b = Group::join(&bob, &out.welcome.unwrap(), config()).unwrap();
    let info = a.group_info(true).unwrap();
    (a, b, info)
}

fn assert_view_follows(v: &View, g: &Group<StoredProvider>, what: &str) {
    assert_eq!(v.group_context(), g.group_context(), "{what}");
    assert_eq!(v.ratchet_tree(), g.ratchet_tree(), "{what}: tree");
}

#[test]
fn a_reloaded_view_continues_where_it_was() {
    for backend in BACKENDS {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::new(backend, &dir, "ds");
        let (mut a, mut b, info) = two_members();
        let mut view = builder(store.open(), 0)
            .build_from_group_info(&info, None)
            .unwrap();

        // A proposal cached, then the view reloaded: the cache survives and
        // a commit by reference to it is followed.
        let proposal = b.propose_update().unwrap();
        a.process_and_merge(&proposal).unwrap();
        view.process_message(&proposal).unwrap();
        let before = print(&view);
        drop(view);
        let mut view = builder(store.open(), 1).load(a.group_id()).unwrap();
        assert_eq!(
            print(&view),
            before,
            "{backend:?}: reloaded with its proposal"
        );
        let out = a.commit().unwrap();
        a.merge_pending_commit().unwrap();
        b.process_and_merge(&out.commit).unwrap();
        view.process_and_merge(&out.commit).unwrap();
        assert_view_follows(&view, &a, "commit by reference after reload");
        assert!(view.pending_proposals().is_empty());

        // Reloaded after the commit: the new epoch, no proposal left.
        let before = print(&view);
        drop(view);
        let mut view = builder(store.open(), 2).load(a.group_id()).unwrap();
        assert_eq!(print(&view), before, "{backend:?}: reloaded after a commit");
        view.check_group_info(&out.group_info).unwrap();
        let out = b.self_update().unwrap();
        b.merge_pending_commit().unwrap();
        a.process_and_merge(&out.commit).unwrap();
        view.process_and_merge(&out.commit).unwrap();
        assert_view_follows(&view, &b, "a path commit after the second reload");
    }
}

#[test]
fn views_are_listed_unique_and_deleted_apart_from_member_groups() {
    let (a, _b, info) = two_members();
    let storage: Arc<dyn StorageProvider> = Arc::new(mls_storage_memory::MemoryStorage::new());
    // The same store holds the group as a member too: alice's client.
    let alice = member("rustcrypto", "alice-2", storage.clone(), 0);
    let bob = member(
        "ring",
        "bob-2",
        Arc::new(mls_storage_memory::MemoryStorage::new()),
        0,
    );
    let mut own = Group::create(&alice, SUITE, Default::default(), config()).unwrap();
    own.add_members(&[key_package(&bob)]).unwrap();
    own.merge_pending_commit().unwrap();

    let view = builder(storage.clone(), 0)
        .build_from_group_info(&info, None)
        .unwrap();
    let ids = |n| View::stored_group_ids(&provider(storage.clone(), n)).unwrap();
    assert_eq!(ids(2), vec![a.group_id().to_vec()]);
    assert_eq!(alice.group_ids().unwrap(), vec![own.group_id().to_vec()]);

    // A second view of the same group on the same store is refused.
    let err = builder(storage.clone(), 3)
        .build_from_group_info(&info, None)
        .unwrap_err();
    assert!(matches!(err, Error::Misuse(Misuse::GroupIdInUse)), "{err}");

    // Deleting the view leaves the member's group.
    drop(view);
    View::delete_stored(&provider(storage.clone(), 4), a.group_id()).unwrap();
    assert!(ids(5).is_empty());
    assert_eq!(alice.group_ids().unwrap(), vec![own.group_id().to_vec()]);
    Group::load(&alice, own.group_id()).unwrap();
    let err = builder(storage.clone(), 6).load(a.group_id()).unwrap_err();
    assert!(
        matches!(&err, Error::Storage(e) if e.kind == StorageErrorKind::NotFound),
        "{err}"
    );
    // And it can be built again.
    builder(storage, 7)
        .build_from_group_info(&info, None)
        .unwrap();
}

/// Runs `op` with a failure injected at write 1, 2, ... until it
/// succeeds; after each failure the view is unchanged in memory and in
/// storage.
fn inject<T>(
    store: &Faulty,
    storage: &Arc<dyn StorageProvider>,
    view: &mut View,
    mut op: impl FnMut(&mut View) -> Result<T, Error>,
) -> (T, u64) {
    let mut k = 1;
    loop {
        let before = print(view);
        store.fail_at(k);
        match op(view) {
            Err(Error::Storage(e)) => {
                assert!(e.message.contains("injected"), "{e}");
                assert_eq!(print(view), before, "write {k}: memory changed");
                let stored = builder(storage.clone(), 100 + k)
                    .load(view.group_id())
                    .unwrap();
                assert_eq!(print(&stored), before, "write {k}: storage changed");
                k += 1;
            }
            Ok(value) => {
                store.fail_at(0);
                assert!(k > 1, "the transition wrote nothing");
                return (value, k - 1);
            }
            Err(other) => panic!("write {k}: unexpected error {other}"),
        }
    }
}

#[test]
fn a_failed_write_changes_nothing_and_a_retry_succeeds() {
    for backend in BACKENDS {
        let dir = tempfile::tempdir().unwrap();
        let faulty = Faulty::new(Store::new(backend, &dir, "ds").open());
        let storage: Arc<dyn StorageProvider> = faulty.clone();
        let (mut a, mut b, info) = two_members();

        // Building: nothing stored until the one transaction lands.
        let mut k = 1;
        let mut view = loop {
            faulty.fail_at(k);
            match builder(storage.clone(), k).build_from_group_info(&info, None) {
                Err(Error::Storage(_)) => {
                    assert!(
                        storage
                            .scan(mls_core::provider::Namespace::PublicGroups, &[])
                            .unwrap()
                            .is_empty(),
                        "write {k}: a partial view was stored"
                    );
                    k += 1;
                }
                Ok(view) => break view,
                Err(other) => panic!("{other}"),
            }
        };
        faulty.fail_at(0);
        assert!(k > 1);

        let proposal = b.propose_update().unwrap();
        a.process_and_merge(&proposal).unwrap();
        let (_, n) = inject(&faulty, &storage, &mut view, |v| {
            v.process_message(&proposal)
        });
        assert!(n >= 1, "{backend:?}: the proposal wrote nothing");
        let out = a.commit().unwrap();
        a.merge_pending_commit().unwrap();
        b.process_and_merge(&out.commit).unwrap();
        let (_, n) = inject(&faulty, &storage, &mut view, |v| {
            v.process_and_merge(&out.commit)
        });
        assert!(
            n >= 3,
            "{backend:?}: a commit writes nodes, record, counter: {n}"
        );
        assert_view_follows(&view, &a, "after the injected failures");
    }
}

#[test]
fn two_instances_of_one_view_cannot_both_write() {
    let storage: Arc<dyn StorageProvider> = Arc::new(mls_storage_memory::MemoryStorage::new());
    let (mut a, mut b, info) = two_members();
    let mut first = builder(storage.clone(), 0)
        .build_from_group_info(&info, None)
        .unwrap();
    let mut second = builder(storage.clone(), 1).load(a.group_id()).unwrap();

    let out = a.self_update().unwrap();
    a.merge_pending_commit().unwrap();
    b.process_and_merge(&out.commit).unwrap();
    first.process_and_merge(&out.commit).unwrap();
    let stale = print(&second);
    let err = second.process_and_merge(&out.commit).unwrap_err();
    assert!(matches!(err, Error::Conflict), "{err}");
    assert_eq!(print(&second), stale, "the refused instance is unchanged");
    // Reloaded, the second instance is where the first one wrote.
    let second = builder(storage, 2).load(a.group_id()).unwrap();
    assert_eq!(print(&second), print(&first));
    assert_view_follows(&second, &b, "reloaded after the conflict");
}
