//! Members racing each other through the delivery service (issue 15, item
//! 4): 8 members on the three crypto backends, each in its own thread with
//! its own `DsClient`, run 50 rounds. In each round every member reads its
//! queue, sends an application message naming itself, the round and its
//! epoch, and then all of them submit a commit for the same epoch at once.
//!
//! Checked: the service accepts exactly one commit per epoch and refuses
//! every other with 409 "stale epoch"; every member ends at epoch 51 with
//! the same epoch authenticator; every member reads every other member's
//! message of every round exactly once, decrypted in the epoch it was
//! sent in (the round's winner has already merged its commit when it reads
//! the round's messages, so it reads them with the past epoch's keys); no
//! queue ever drops a message, and every queue is empty at the end.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use interop::backends::AWS_LC;
use interop::clients::{TestProvider, crypto};
use mls_core::credential::{AcceptAll, Credential};
use mls_core::crypto::generate_signature_key_pair;
use mls_core::extensions::Extensions;
use mls_core::framing::WireFormat;
use mls_core::provider::{MlsProvider, RandProvider, Signer};
use mls_core::{CipherSuite, Client, Group, GroupConfig, KeyPackageOptions, ProcessedMessage};
use mls_ds::client::{CommitUpload, DsClient};
use mls_storage_memory::MemoryStorage;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, OnceLock, PoisonError};
use std::time::Instant;

const MEMBERS: usize = 8;
const ROUNDS: u64 = 50;
const SUITE: CipherSuite = CipherSuite::MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519;
const BACKENDS: [&str; 3] = ["rustcrypto", "ring", AWS_LC];
/// The panic message of a member stopped because another one failed.
const BROKEN: &str = "another member failed";

/// A barrier that a failing member breaks. With `std::sync::Barrier` a
/// member that panics leaves the others waiting forever, and the test
/// hangs instead of failing.
struct Gate {
    n: usize,
    state: Mutex<GateState>,
    cv: Condvar,
}

struct GateState {
    arrived: usize,
    generation: u64,
    broken: bool,
}

impl Gate {
    fn new(n: usize) -> Self {
        Self {
            n,
            state: Mutex::new(GateState {
                arrived: 0,
                generation: 0,
                broken: false,
            }),
            cv: Condvar::new(),
        }
    }

    fn wait(&self) {
        let mut s = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        if s.broken {
            drop(s);
            panic!("{BROKEN}");
        }
        s.arrived += 1;
        if s.arrived == self.n {
            s.arrived = 0;
            s.generation += 1;
            self.cv.notify_all();
            return;
        }
        let generation = s.generation;
        let s = self
            .cv
            .wait_while(s, |s| s.generation == generation && !s.broken)
            .unwrap_or_else(PoisonError::into_inner);
        if s.generation == generation {
            drop(s);
            panic!("{BROKEN}");
        }
    }

    fn break_all(&self) {
        self.state
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .broken = true;
        self.cv.notify_all();
    }
}

/// Breaks the gate when its member's thread unwinds.
struct BreakOnPanic<'a>(&'a Gate);

impl Drop for BreakOnPanic<'_> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            self.0.break_all();
        }
    }
}

/// What the members share.
struct Shared {
    url: String,
    gate: Gate,
    group_id: OnceLock<Vec<u8>>,
    /// `accepted[r]`: commits the service accepted in round `r`.
    accepted: Vec<AtomicUsize>,
}

/// What a member reports at the end.
struct Outcome {
    epoch: u64,
    authenticator: Vec<u8>,
    /// `(sender, round)` of every application message it read.
    read: Vec<(usize, u64)>,
    wins: u64,
    stale: u64,
}

fn name(i: usize) -> String {
    format!("member-{i}")
}

/// Handshakes as PublicMessages, so the service's public view checks each
/// commit before it accepts it.
fn config() -> GroupConfig {
    GroupConfig {
        handshake_wire_format: WireFormat::PublicMessage,
        ..GroupConfig::default()
    }
}

/// The operating system's randomness, through the backend's own source.
fn system_rand(backend: &str) -> Box<dyn RandProvider> {
    match backend {
        "rustcrypto" => Box::new(mls_crypto_rustcrypto::SystemRand),
        "ring" => Box::new(mls_crypto_ring::SystemRand::new()),
        _ => Box::new(mls_crypto_awslc::SystemRand::new()),
    }
}

/// Member `i`'s client on its backend, and the signer of its `DsClient`:
/// the service knows the member by the same signature key as the group.
fn make_client(i: usize) -> (Client<TestProvider>, Arc<dyn Signer>) {
    let backend = BACKENDS[i % BACKENDS.len()];
    let crypto = crypto(backend).expect("a backend");
    let rand = system_rand(backend);
    let (for_group, for_ds) = {
        let suite = crypto.cipher_suite(SUITE).unwrap();
        let (key, _) = generate_signature_key_pair(suite, &rand).unwrap();
        (
            suite.signer(key.as_bytes()).unwrap(),
            suite.signer(key.as_bytes()).unwrap(),
        )
    };
    // The clock is the system's (not interop's fixed test time): the
    // service checks KeyPackage lifetimes against its own clock.
    let client = Client::builder(
        MlsProvider::new(crypto, rand, MemoryStorage::new()),
        Credential::basic(name(i).into_bytes()),
        for_group,
    )
    .credential_validator(AcceptAll)
    .build();
    (client, Arc::from(for_ds))
}

/// One member: its client, its connection to the service, its group.
struct Member {
    i: usize,
    name: String,
    client: Client<TestProvider>,
    ds: DsClient,
    group: Option<Group<TestProvider>>,
    read: Vec<(usize, u64)>,
}

impl Member {
    fn g(&mut self) -> &mut Group<TestProvider> {
        self.group.as_mut().expect("in the group")
    }

    /// Reads and processes everything in the member's queue, in order,
    /// then acknowledges it. Returns how many commits it applied.
    fn drain(&mut self, group_id: &[u8]) -> u64 {
        let mut commits = 0;
        let mut after = 0;
        loop {
            let batch = self.ds.fetch(group_id, after, 100).unwrap();
            assert_eq!(
                batch.dropped, 0,
                "{}: the queue dropped messages",
                self.name
            );
            let Some(last) = batch.messages.last().map(|m| m.id) else {
                break;
            };
            for meta in batch.messages {
                assert!(meta.id > after, "{}: queue ids out of order", self.name);
                after = meta.id;
                let message = mls_ds::client::decode_queued(&meta).unwrap();
                if meta.kind == "welcome" {
                    assert!(self.group.is_none(), "{}: a second Welcome", self.name);
                    self.group = Some(Group::join(&self.client, &message, config()).unwrap());
                    continue;
                }
                let who = self.name.clone();
                let group = self.g();
                let epoch_before = group.epoch();
                match group.process_and_merge(&message) {
                    Ok(ProcessedMessage::Application(a)) => {
                        let text = String::from_utf8(a.data).unwrap();
                        let (sender, round, epoch) = parse(&text);
                        assert_eq!(meta.kind, "application", "{who}: {text}");
                        assert_eq!(a.epoch, epoch, "{who}: {text} decrypted in another epoch");
                        assert_eq!(meta.epoch, epoch, "{who}: {text} queued in another epoch");
                        assert_eq!(epoch, 1 + round, "{who}: {text} sent in a wrong epoch");
                        assert_eq!(meta.sender, name(sender), "{who}: {text}");
                        assert_eq!(
                            a.sender.credential,
                            Credential::basic(name(sender).into_bytes()),
                            "{who}: {text} signed by someone else"
                        );
                        self.read.push((sender, round));
                    }
                    Ok(ProcessedMessage::Commit(_)) => {
                        assert_eq!(meta.kind, "commit");
                        assert_eq!(meta.epoch, epoch_before, "{who}: a commit's epoch");
                        commits += 1;
                    }
                    Ok(other) => panic!("{who}: unexpected {other:?}"),
                    Err(e) => panic!("{who}: processing a {} of {}: {e}", meta.kind, meta.sender),
                }
            }
            after = last;
        }
        if after > 0 {
            self.ds.ack(group_id, after).unwrap();
        }
        commits
    }
}

/// `"member-3 round 7 epoch 8"` → `(3, 7, 8)`.
fn parse(text: &str) -> (usize, u64, u64) {
    let words: Vec<&str> = text.split(' ').collect();
    match words.as_slice() {
        [sender, "round", round, "epoch", epoch] => (
            sender.strip_prefix("member-").unwrap().parse().unwrap(),
            round.parse().unwrap(),
            epoch.parse().unwrap(),
        ),
        _ => panic!("not a message of this test: {text:?}"),
    }
}

fn run_member(i: usize, shared: &Shared) -> Outcome {
    let _guard = BreakOnPanic(&shared.gate);
    let (client, signer) = make_client(i);
    let mut me = Member {
        i,
        name: name(i),
        client,
        ds: DsClient::new(&shared.url, &name(i), signer),
        group: None,
        read: Vec::new(),
    };
    me.ds.register().unwrap();
    let kp = me
        .client
        .generate_key_package(SUITE, &KeyPackageOptions::default())
        .unwrap();
    me.ds.publish_key_package(&kp.to_message()).unwrap();
    shared.gate.wait();

    // Member 0 creates the group at the service and adds everyone by
    // claimed KeyPackage in one commit.
    if i == 0 {
        let group = Group::create(&me.client, SUITE, Extensions::default(), config()).unwrap();
        let state = me
            .ds
            .create_group(&group.group_info(true).unwrap(), None)
            .unwrap();
        assert_eq!(state.epoch, 0);
        let group_id = group.group_id().to_vec();
        me.group = Some(group);
        let others: Vec<String> = (1..MEMBERS).map(name).collect();
        let kps: Vec<_> = others
            .iter()
            .map(|n| {
                me.ds
                    .claim_key_package(n, SUITE)
                    .unwrap()
                    .into_key_package()
                    .unwrap()
            })
            .collect();
        let out = me.g().add_members(&kps).unwrap();
        let sent = me
            .ds
            .send_commit(
                &group_id,
                &CommitUpload {
                    commit: Some(&out.commit),
                    group_info: Some(&out.group_info),
                    welcome: out.welcome.as_ref(),
                    welcome_recipients: others,
                    ratchet_tree: None,
                },
            )
            .unwrap();
        assert_eq!((sent.kind.as_str(), sent.epoch), ("commit", 1));
        me.g().merge_pending_commit().unwrap();
        shared.group_id.set(group_id).unwrap();
    }
    shared.gate.wait();
    let group_id = shared.group_id.get().unwrap().clone();
    assert_eq!(me.drain(&group_id), 0);
    assert_eq!(me.g().epoch(), 1, "{} after joining", me.name);
    assert_eq!(me.g().own_leaf_index() as usize, i);

    let (mut wins, mut stale) = (0, 0);
    // Whether the previous round's commit is ours (so not in our queue).
    let mut won_last = true;
    for round in 0..ROUNDS {
        // (a) The previous round's messages and its one commit.
        let commits = me.drain(&group_id);
        assert_eq!(commits, u64::from(!won_last), "{}: commits read", me.name);
        let epoch = me.g().epoch();
        assert_eq!(
            epoch,
            1 + round,
            "{} at the start of round {round}",
            me.name
        );

        // (b) A message in this epoch, then a commit prepared for it, so
        // that the submissions below race on the wire only.
        let text = format!("{} round {round} epoch {epoch}", me.name);
        let message = me
            .g()
            .encrypt_application_message(text.as_bytes(), b"")
            .unwrap();
        let sent = me.ds.send_message(&group_id, &message).unwrap();
        assert_eq!((sent.kind.as_str(), sent.epoch), ("application", epoch));
        assert_eq!(sent.delivered_to.len(), MEMBERS - 1, "{text}: fan-out");
        assert!(!sent.delivered_to.contains(&me.name));
        let out = me.g().self_update().unwrap();
        // Every message of the epoch is in before any commit for it.
        shared.gate.wait();

        // (c) Everyone submits; the first to arrive wins.
        won_last = false;
        let result = me.ds.send_commit(
            &group_id,
            &CommitUpload {
                commit: Some(&out.commit),
                group_info: Some(&out.group_info),
                ..CommitUpload::default()
            },
        );
        match result {
            Ok(sent) => {
                assert_eq!((sent.kind.as_str(), sent.epoch), ("commit", epoch + 1));
                assert_eq!(sent.delivered_to.len(), MEMBERS - 1);
                shared.accepted[round as usize].fetch_add(1, Ordering::SeqCst);
                me.g().merge_pending_commit().unwrap();
                wins += 1;
                won_last = true;
            }
            Err(mls_ds::Error::Refused { status, reason }) => {
                assert_eq!(status, 409, "{}: {reason}", me.name);
                assert!(reason.contains("stale epoch"), "{}: {reason}", me.name);
                me.g().clear_pending_commit().unwrap();
                stale += 1;
            }
            Err(e) => panic!("{}: submitting a commit: {e}", me.name),
        }
        // Every submission is answered before anyone reads the round.
        shared.gate.wait();
        let accepted = shared.accepted[round as usize].load(Ordering::SeqCst);
        assert_eq!(accepted, 1, "commits accepted for epoch {epoch}");
    }
    // The last round's messages and commit.
    assert_eq!(me.drain(&group_id), u64::from(!won_last));
    assert!(
        me.ds.queues().unwrap().queues.is_empty(),
        "{}: messages left",
        me.name
    );
    if me.i == 0 {
        let state = me.ds.group_state(&group_id).unwrap();
        assert_eq!(state.epoch, 1 + ROUNDS, "the service's epoch");
    }
    let g = me.g();
    Outcome {
        epoch: g.epoch(),
        authenticator: g.epoch_authenticator().to_vec(),
        read: std::mem::take(&mut me.read),
        wins,
        stale,
    }
}

#[test]
fn eight_members_race_fifty_rounds_of_commits() {
    let started = Instant::now();
    let dir = tempfile::tempdir().unwrap();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let server = mls_ds::serve(listener, mls_ds::Config::new(dir.path().join("ds.db"))).unwrap();
    let shared = Shared {
        url: server.url(),
        gate: Gate::new(MEMBERS),
        group_id: OnceLock::new(),
        accepted: (0..ROUNDS).map(|_| AtomicUsize::new(0)).collect(),
    };

    let results: Vec<std::thread::Result<Outcome>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..MEMBERS)
            .map(|i| {
                let shared = &shared;
                std::thread::Builder::new()
                    .name(name(i))
                    .spawn_scoped(s, move || run_member(i, shared))
                    .unwrap()
            })
            .collect();
        handles.into_iter().map(|h| h.join()).collect()
    });
    // Report the member that failed first, not the ones it stopped.
    let mut outcomes = Vec::new();
    let mut failures = Vec::new();
    for result in results {
        match result {
            Ok(outcome) => outcomes.push(outcome),
            Err(payload) => failures.push(payload),
        }
    }
    if !failures.is_empty() {
        let is_broken = |p: &Box<dyn std::any::Any + Send>| {
            p.downcast_ref::<String>().is_some_and(|s| s == BROKEN)
        };
        let first = failures
            .iter()
            .position(|p| !is_broken(p))
            .unwrap_or_default();
        std::panic::resume_unwind(failures.swap_remove(first));
    }

    for (r, accepted) in shared.accepted.iter().enumerate() {
        assert_eq!(accepted.load(Ordering::SeqCst), 1, "round {r}");
    }
    assert_eq!(outcomes.iter().map(|o| o.wins).sum::<u64>(), ROUNDS);
    assert_eq!(
        outcomes.iter().map(|o| o.stale).sum::<u64>(),
        ROUNDS * (MEMBERS as u64 - 1)
    );
    let first = &outcomes[0];
    for (i, o) in outcomes.iter().enumerate() {
        assert_eq!(o.epoch, 1 + ROUNDS, "{}'s epoch", name(i));
        assert_eq!(
            o.authenticator,
            first.authenticator,
            "{}'s epoch authenticator",
            name(i)
        );
        let read = &o.read;
        let expected: Vec<(usize, u64)> = (0..MEMBERS)
            .filter(|&j| j != i)
            .flat_map(|j| (0..ROUNDS).map(move |r| (j, r)))
            .collect();
        // Every expected message present and no more: each exactly once.
        let missing: Vec<_> = expected.iter().filter(|e| !read.contains(e)).collect();
        assert!(
            missing.is_empty() && read.len() == expected.len(),
            "{} read {} messages of {}; missing (sender, round): {missing:?}",
            name(i),
            read.len(),
            expected.len()
        );
    }
    server.shutdown().unwrap();
    let wins: Vec<u64> = outcomes.iter().map(|o| o.wins).collect();
    eprintln!(
        "{MEMBERS} members, {ROUNDS} rounds in {:.1} s; commits won per member: {wins:?}",
        started.elapsed().as_secs_f64()
    );
}
