//! CHECKLIST "Authorization and identity (§12.1.8, §5.3.1, §7.3)": "A new
//! credential (KeyPackage, Update, commit path, external join,
//! `external_senders`) that the Authentication Service rejects is refused;
//! a replaced credential that is not a valid successor of the old one is
//! refused." The `external_senders` case is in `credentials.rs`; the
//! commit-path successor case is in `credentials.rs` and `identities.rs`.
//!
//! The receiving member's validator is an [`AuthService`] whose revocation
//! list and successor policy the test changes between steps, as a real
//! AS's would change: so the same message is shown refused while the AS
//! says no and accepted once it says yes, and the refusal is the AS's
//! doing, not some other check's.

use super::support::*;
use mls_core::credential::{CredentialCheck, CredentialUse, CredentialValidator};
use mls_core::extensions::Extensions;
use mls_core::group::{ExternalJoinOptions, Group, GroupConfig, KeyPackageOptions};
use mls_core::{Error, ProcessedMessage, ProtocolError};
use std::sync::{Arc, Mutex};

/// One question to the AS: which method, the usage, the credential's
/// name and the predecessor's name.
type Question = (&'static str, CredentialUse, Vec<u8>, Option<Vec<u8>>);

/// An Authentication Service: `validate` refuses the identities on its
/// revocation list; `validate_successor` accepts an unchanged credential,
/// and, while renewals are on, a basic identity that keeps the old one as
/// a prefix ("bob" may become "bob#2"). Records every question.
#[derive(Clone)]
struct AuthService {
    revoked: Arc<Mutex<Vec<Vec<u8>>>>,
    renewals: Arc<Mutex<bool>>,
    asked: Arc<Mutex<Vec<Question>>>,
}

impl AuthService {
    fn new() -> Self {
        Self {
            revoked: Arc::default(),
            renewals: Arc::new(Mutex::new(true)),
            asked: Arc::default(),
        }
    }

    fn revoke(&self, name: &[u8]) {
        self.revoked.lock().unwrap().push(name.to_vec());
    }

    fn reinstate(&self, name: &[u8]) {
        self.revoked.lock().unwrap().retain(|n| n != name);
    }

    fn set_renewals(&self, on: bool) {
        *self.renewals.lock().unwrap() = on;
    }

    fn record(&self, method: &'static str, check: &CredentialCheck<'_>) {
        self.asked.lock().unwrap().push((
            method,
            check.usage,
            name(check.credential).to_vec(),
            check.predecessor.map(|(c, _)| name(c).to_vec()),
        ));
    }

    /// The questions asked about `who`.
    fn asked_about(&self, who: &[u8]) -> Vec<Question> {
        self.asked
            .lock()
            .unwrap()
            .iter()
            .filter(|q| q.2 == who)
            .cloned()
            .collect()
    }

    fn forget(&self) {
        self.asked.lock().unwrap().clear();
    }
}

impl CredentialValidator for AuthService {
    fn validate(&self, check: &CredentialCheck<'_>) -> Result<(), String> {
        self.record("validate", check);
        let who = name(check.credential);
        if self.revoked.lock().unwrap().iter().any(|n| n == who) {
            return Err(format!("{} is revoked", String::from_utf8_lossy(who)));
        }
        Ok(())
    }

    fn validate_successor(&self, check: &CredentialCheck<'_>) -> Result<(), String> {
        self.record("validate_successor", check);
        let (old, _) = check.predecessor.ok_or("no predecessor")?;
        let renewal =
            *self.renewals.lock().unwrap() && name(check.credential).starts_with(name(old));
        if old == check.credential || renewal {
            Ok(())
        } else {
            Err(format!(
                "{} is not a renewal of {}",
                String::from_utf8_lossy(name(check.credential)),
                String::from_utf8_lossy(name(old))
            ))
        }
    }
}

/// A client named `name` whose AS is `service` (default rules).
fn client_with(
    name: &str,
    n: u64,
    service: &AuthService,
) -> mls_core::Client<interop::clients::TestProvider> {
    builder(name, n)
        .credential_validator(service.clone())
        .build()
}

/// Alice (whose AS the test controls), Bob and Carol (whose AS accepts
/// everyone and allows renewals), in one group.
struct Trio {
    alice_as: AuthService,
    alice: mls_core::Client<interop::clients::TestProvider>,
    groups: Vec<Group<interop::clients::TestProvider>>,
}

fn trio() -> Trio {
    let alice_as = AuthService::new();
    let alice = client_with("alice", 1, &alice_as);
    let bob = client_with("bob", 2, &AuthService::new());
    let carol = client_with("carol", 3, &AuthService::new());
    let groups = group_with_config(&alice, &[&bob, &carol], Extensions::new(), public());
    Trio {
        alice_as,
        alice,
        groups,
    }
}

/// PublicMessage handshakes: a refused message can be processed again
/// once the AS changed its mind.
fn public() -> GroupConfig {
    GroupConfig {
        handshake_wire_format: mls_core::framing::WireFormat::PublicMessage,
        ..GroupConfig::default()
    }
}

fn expect_rejected(result: Result<ProcessedMessage, Error>, who: &str) {
    match result {
        Err(Error::Protocol(ProtocolError::CredentialRejected { reason })) => {
            assert_eq!(reason, format!("{who} is revoked"))
        }
        other => panic!("expected CredentialRejected, got {other:?}"),
    }
}

fn expect_not_successor(result: Result<ProcessedMessage, Error>, new: &str, old: &str) {
    match result {
        Err(Error::Protocol(ProtocolError::CredentialNotSuccessor { reason })) => {
            assert_eq!(reason, format!("{new} is not a renewal of {old}"))
        }
        other => panic!("expected CredentialNotSuccessor, got {other:?}"),
    }
}

/// CHECKLIST "Authorization and identity": a new credential in an
/// **Update** that the AS rejects is refused (§5.3.1, §12.1.2, §7.3):
/// on receipt of the proposal; and when the AS revokes it after the
/// proposal was cached, in the commit that applies it by reference. Once
/// reinstated, the same commit is accepted.
#[test]
fn an_update_whose_credential_the_as_rejects_is_refused() {
    let Trio {
        alice_as,
        alice,
        mut groups,
    } = trio();
    alice_as.revoke(b"bob#2");
    let proposal = groups[1]
        .propose_update_with_identity(signing_identity("bob#2", 20))
        .unwrap();
    let before = snapshot(&groups[0]);
    expect_rejected(groups[0].process_message(&proposal), "bob#2");
    assert_unchanged(&groups[0], &alice, &before);
    assert_eq!(
        alice_as.asked_about(b"bob#2"),
        vec![(
            "validate",
            CredentialUse::Update,
            b"bob#2".to_vec(),
            Some(b"bob".to_vec())
        )],
        "validate refused it, and validate_successor was not asked"
    );

    // By reference: Alice's AS accepts the new credential when the Update
    // arrives and revokes it before Carol's commit of it does.
    alice_as.reinstate(b"bob#2");
    assert!(matches!(
        groups[0].process_message(&proposal).unwrap(),
        ProcessedMessage::Proposal(_)
    ));
    groups[2].process_message(&proposal).unwrap();
    let out = groups[2].commit().unwrap();
    groups[2].merge_pending_commit().unwrap();
    alice_as.revoke(b"bob#2");
    alice_as.forget();
    let before = snapshot(&groups[0]);
    assert_eq!(before.2, 1, "Bob's Update is cached");
    expect_rejected(groups[0].process_message(&out.commit), "bob#2");
    assert_unchanged(&groups[0], &alice, &before);
    assert_eq!(alice_as.asked_about(b"bob#2")[0].1, CredentialUse::Update);

    alice_as.reinstate(b"bob#2");
    groups[0].process_and_merge(&out.commit).unwrap();
    assert_eq!(name(&groups[0].member(1).unwrap().credential), b"bob#2");
    assert_eq!(
        groups[0].epoch_authenticator(),
        groups[2].epoch_authenticator()
    );
}

/// CHECKLIST "Authorization and identity": a replaced credential that is
/// not a valid successor of the old one is refused, in an **Update**
/// (§5.3.1, §12.1.2): on receipt, and in a commit of the cached proposal
/// once the AS's successor policy no longer allows it. `validate`
/// accepted the credential: the refusal is `validate_successor`'s.
#[test]
fn an_update_whose_credential_is_not_a_successor_is_refused() {
    let Trio {
        alice_as,
        alice,
        mut groups,
    } = trio();
    alice_as.set_renewals(false);
    let proposal = groups[1]
        .propose_update_with_identity(signing_identity("bob#2", 20))
        .unwrap();
    let before = snapshot(&groups[0]);
    expect_not_successor(groups[0].process_message(&proposal), "bob#2", "bob");
    assert_unchanged(&groups[0], &alice, &before);
    let asked: Vec<_> = alice_as
        .asked_about(b"bob#2")
        .into_iter()
        .map(|q| (q.0, q.1))
        .collect();
    assert_eq!(
        asked,
        vec![
            ("validate", CredentialUse::Update),
            ("validate_successor", CredentialUse::Update)
        ]
    );

    // By reference: renewals allowed when the Update arrives, not when
    // Carol's commit of it does.
    alice_as.set_renewals(true);
    groups[0].process_message(&proposal).unwrap();
    groups[2].process_message(&proposal).unwrap();
    let out = groups[2].commit().unwrap();
    groups[2].merge_pending_commit().unwrap();
    alice_as.set_renewals(false);
    let before = snapshot(&groups[0]);
    expect_not_successor(groups[0].process_message(&out.commit), "bob#2", "bob");
    assert_unchanged(&groups[0], &alice, &before);

    alice_as.set_renewals(true);
    groups[0].process_and_merge(&out.commit).unwrap();
    assert_eq!(
        groups[0].epoch_authenticator(),
        groups[2].epoch_authenticator()
    );
}

/// CHECKLIST "Authorization and identity": a new credential in a
/// **commit path** leaf that the AS rejects is refused (§5.3.1, §7.3,
/// §12.4.2) by `validate`, as `CredentialRejected`, even though the
/// successor policy would allow it ("bob" → "bob#2" is a renewal). With
/// the credential reinstated the same commit is accepted.
#[test]
fn a_commit_path_credential_the_as_rejects_is_refused() {
    let Trio {
        alice_as,
        alice,
        mut groups,
    } = trio();
    alice_as.revoke(b"bob#2");
    let out = groups[1]
        .commit_builder()
        .identity(signing_identity("bob#2", 20))
        .build()
        .unwrap();
    groups[1].merge_pending_commit().unwrap();
    let before = snapshot(&groups[0]);
    expect_rejected(groups[0].process_message(&out.commit), "bob#2");
    assert_unchanged(&groups[0], &alice, &before);
    assert_eq!(
        alice_as.asked_about(b"bob#2"),
        vec![(
            "validate",
            CredentialUse::Commit,
            b"bob#2".to_vec(),
            Some(b"bob".to_vec())
        )]
    );
    // Carol's AS accepts it.
    groups[2].process_and_merge(&out.commit).unwrap();

    alice_as.reinstate(b"bob#2");
    groups[0].process_and_merge(&out.commit).unwrap();
    assert_eq!(
        groups[0].epoch_authenticator(),
        groups[1].epoch_authenticator()
    );
}

/// CHECKLIST "Authorization and identity": a new credential in a
/// **KeyPackage** that the AS rejects is refused (§5.3.1, §10.1, §12.1.1):
/// in a member's Add proposal on receipt, in a commit's Add by value, by
/// our own `add_members`, and in a commit of an Add cached before the AS
/// revoked the credential.
#[test]
fn a_key_package_credential_the_as_rejects_is_refused() {
    let Trio {
        alice_as,
        alice,
        mut groups,
    } = trio();
    alice_as.revoke(b"eve");
    let eve = client_with("eve", 5, &AuthService::new());
    let kp = || {
        eve.generate_key_package(SUITE, &KeyPackageOptions::default())
            .unwrap()
    };
    let before = snapshot(&groups[0]);
    let proposal = groups[1].propose_add(kp()).unwrap();
    expect_rejected(groups[0].process_message(&proposal), "eve");
    assert_unchanged(&groups[0], &alice, &before);
    assert_eq!(alice_as.asked_about(b"eve")[0].1, CredentialUse::KeyPackage);

    // Carol never received Bob's proposal: her commit adds Eve by value.
    let out = groups[2].commit_builder().add_member(kp()).build().unwrap();
    groups[2].clear_pending_commit().unwrap();
    expect_rejected(groups[0].process_message(&out.commit), "eve");
    assert_unchanged(&groups[0], &alice, &before);

    match groups[0].add_members(&[kp()]) {
        Err(Error::Protocol(ProtocolError::CredentialRejected { reason })) => {
            assert_eq!(reason, "eve is revoked")
        }
        other => panic!("expected CredentialRejected, got {other:?}"),
    }
    assert!(!groups[0].has_pending_commit());
    assert_unchanged(&groups[0], &alice, &before);

    // By reference: Bob's Add, cached while Eve was in good standing,
    // committed by Carol after Alice's AS revoked her.
    alice_as.reinstate(b"eve");
    let proposal = groups[1].propose_add(kp()).unwrap();
    groups[0].process_message(&proposal).unwrap();
    groups[2].process_message(&proposal).unwrap();
    let by_ref = groups[2]
        .commit_builder()
        .include_received_proposals(true)
        .build()
        .unwrap();
    groups[2].merge_pending_commit().unwrap();
    alice_as.revoke(b"eve");
    let before = snapshot(&groups[0]);
    assert_eq!(before.2, 1, "Bob's Add is cached");
    expect_rejected(groups[0].process_message(&by_ref.commit), "eve");
    assert_unchanged(&groups[0], &alice, &before);

    // Reinstated, the commit by reference goes in.
    alice_as.reinstate(b"eve");
    groups[0].process_and_merge(&by_ref.commit).unwrap();
    assert_eq!(name(&groups[0].member(3).unwrap().credential), b"eve");
    assert_eq!(
        groups[0].epoch_authenticator(),
        groups[2].epoch_authenticator()
    );
}

/// CHECKLIST "Authorization and identity": the credential of an
/// **external joiner** that the members' AS rejects is refused (§5.3.1,
/// §12.4.3.2: the joiner's path leaf is a new credential, checked with
/// `validate` and no predecessor). Bob's AS accepts the same commit.
#[test]
fn an_external_joiner_the_as_rejects_is_refused() {
    let alice_as = AuthService::new();
    let open = |name: &str, n: u64, service: &AuthService| {
        builder(name, n)
            .rules(mls_core::group::DefaultRules::open())
            .credential_validator(service.clone())
            .build()
    };
    let alice = open("alice", 1, &alice_as);
    let bob = open("bob", 2, &AuthService::new());
    let mut groups = group_of(&alice, &[&bob], Extensions::new());
    let eve = open("eve", 5, &AuthService::new());
    let info = groups[0].group_info(true).unwrap();
    let (_, commit) = Group::join_by_external_commit(
        &eve,
        &info,
        GroupConfig::default(),
        ExternalJoinOptions::default(),
    )
    .unwrap();
    alice_as.revoke(b"eve");
    let before = snapshot(&groups[0]);
    expect_rejected(groups[0].process_message(&commit), "eve");
    assert_unchanged(&groups[0], &alice, &before);
    assert_eq!(
        alice_as.asked_about(b"eve"),
        vec![("validate", CredentialUse::Commit, b"eve".to_vec(), None)]
    );
    groups[1].process_and_merge(&commit).unwrap();

    alice_as.reinstate(b"eve");
    groups[0].process_and_merge(&commit).unwrap();
    assert_eq!(
        groups[0].epoch_authenticator(),
        groups[1].epoch_authenticator()
    );
}

/// CHECKLIST "Authorization and identity", from the joiner's side
/// (§5.3.1: "the credentials of the members of the group it is joining",
/// §12.4.3.1, §12.4.3.2): a joiner whose AS rejects a member's credential
/// in the tree refuses to join, by external commit and by Welcome, and
/// stores nothing (the Welcome's KeyPackage stays).
#[test]
fn a_joiner_refuses_a_tree_with_a_credential_its_as_rejects() {
    let alice = member("alice", 1);
    let bob = member("bob", 2);
    let mut groups = group_of(&alice, &[&bob], Extensions::new());
    let eve_as = AuthService::new();
    eve_as.revoke(b"bob");
    let eve = builder("eve", 5)
        .rules(mls_core::group::DefaultRules::open())
        .credential_validator(eve_as.clone())
        .build();

    let info = groups[0].group_info(true).unwrap();
    match Group::join_by_external_commit(
        &eve,
        &info,
        GroupConfig::default(),
        ExternalJoinOptions::default(),
    ) {
        Err(Error::Protocol(ProtocolError::CredentialRejected { reason })) => {
            assert_eq!(reason, "bob is revoked")
        }
        other => panic!(
            "expected CredentialRejected, got {:?}",
            other.map(|(g, _)| g.epoch())
        ),
    }
    assert!(eve.group_ids().unwrap().is_empty());
    assert_eq!(
        eve_as.asked_about(b"bob"),
        vec![("validate", CredentialUse::Tree, b"bob".to_vec(), None)]
    );

    let kp = eve
        .generate_key_package(SUITE, &KeyPackageOptions::default())
        .unwrap();
    let out = groups[0].add_members(&[kp]).unwrap();
    groups[0].merge_pending_commit().unwrap();
    match Group::join(&eve, &out.welcome.clone().unwrap(), GroupConfig::default()) {
        Err(Error::Protocol(ProtocolError::CredentialRejected { reason })) => {
            assert_eq!(reason, "bob is revoked")
        }
        other => panic!(
            "expected CredentialRejected, got {:?}",
            other.map(|g| g.epoch())
        ),
    }
    assert!(eve.group_ids().unwrap().is_empty());
    assert_eq!(eve.key_packages().unwrap().len(), 1, "the KeyPackage stays");

    // Reinstated, the same Welcome joins.
    eve_as.reinstate(b"bob");
    let joined = Group::join(&eve, &out.welcome.unwrap(), GroupConfig::default()).unwrap();
    assert_eq!(
        joined.epoch_authenticator(),
        groups[0].epoch_authenticator()
    );
}
