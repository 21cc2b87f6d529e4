//! Criterion benchmarks of the reference delivery service (`mls-ds`) on
//! loopback: the service in-process (`mls_ds::serve` on 127.0.0.1, its
//! tables in a SQLite file in a temporary directory: WAL, `synchronous =
//! FULL`), a group of 50 members, suite 1 (X25519, AES-128-GCM, SHA-256,
//! Ed25519), members on aws-lc, handshakes as PublicMessages (so the
//! service checks each commit with its public view).
//!
//! | group | what is timed | throughput |
//! |---|---|---|
//! | `ds_commit` | one `DsClient::send_commit` of a prepared full commit (`self_update()`) with its GroupInfo, answered 200: request signed, sent, its signature checked, the commit checked by the public view, stored with the GroupInfo, queued for 49 members | 1 accepted handshake |
//! | `ds_fanout` | one `DsClient::send_message` of a prepared 1 KiB application message, answered 200: queued for 49 members | 49 queued messages |
//!
//! Benchmark ids are `<group>/50`. Run with `cargo bench -p interop
//! --bench ds`.
//!
//! **Fixture.** 50 clients register and publish a KeyPackage each; member
//! 0 creates the group at the service, claims the other 49 KeyPackages and
//! uploads one Add commit with its GroupInfo and Welcome; the others fetch
//! the Welcome from their queues and join. Then every member commits an
//! UpdatePath once through the service (every other member processing
//! it), which fills every parent node: a full commit then carries one HPKE
//! ciphertext per level, as in a long-lived group, not one per leaf.
//!
//! **Untimed.** Each `ds_commit` iteration, the next member (round robin)
//! prepares its commit before the clock starts, and after the answer it
//! merges and the 49 others process the commit (the same bytes the
//! service queued for them), so the next committer is in the new epoch.
//! Members acknowledge their queues every [`ACK_EVERY`] iterations of
//! either benchmark, as clients that keep up do: a queue never holds more
//! than that many messages. Application messages are encrypted before the
//! clock starts and never read.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use interop::backends::AWS_LC;
use interop::clients::{TestProvider, crypto};
use mls_core::credential::{AcceptAll, Credential};
use mls_core::crypto::generate_signature_key_pair;
use mls_core::extensions::Extensions;
use mls_core::framing::{MlsMessage, WireFormat};
use mls_core::provider::{MlsProvider, Signer};
use mls_core::{CipherSuite, Client, Group, GroupConfig, KeyPackageOptions, ProcessedMessage};
use mls_ds::ServerHandle;
use mls_ds::client::{CommitUpload, DsClient};
use mls_storage_memory::MemoryStorage;
use std::sync::Arc;
use std::time::{Duration, Instant};

const SUITE: CipherSuite = CipherSuite::MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519;
const N: usize = 50;
const MESSAGE_LEN: usize = 1024;
/// Iterations between two acknowledgements of every queue.
const ACK_EVERY: u64 = 16;

struct Member {
    name: String,
    ds: DsClient,
    group: Group<TestProvider>,
}

struct Fixture {
    // Dropped after the members (fields drop in order): the server needs
    // no client, and the directory must outlive the server.
    members: Vec<Member>,
    group_id: Vec<u8>,
    /// The member whose turn it is to commit.
    next: usize,
    /// Iterations since the queues were last acknowledged.
    unacked: u64,
    server: Option<ServerHandle>,
    _dir: tempfile::TempDir,
}

impl Drop for Fixture {
    fn drop(&mut self) {
        if let Some(server) = self.server.take() {
            server.shutdown().unwrap();
        }
    }
}

fn config() -> GroupConfig {
    GroupConfig {
        handshake_wire_format: WireFormat::PublicMessage,
        ..GroupConfig::default()
    }
}

fn name(i: usize) -> String {
    format!("member-{i}")
}

/// A client on aws-lc with the system clock (the service checks KeyPackage
/// lifetimes against its own), and the signer of its `DsClient`, with the
/// same key: the service finds members by signature key.
fn make_client(i: usize) -> (Client<TestProvider>, Arc<dyn Signer>) {
    let crypto = crypto(AWS_LC).unwrap();
    let rand: Box<dyn mls_core::provider::RandProvider> =
        Box::new(mls_crypto_awslc::SystemRand::new());
    let (for_group, for_ds) = {
        let suite = crypto.cipher_suite(SUITE).unwrap();
        let (key, _) = generate_signature_key_pair(suite, &rand).unwrap();
        (
            suite.signer(key.as_bytes()).unwrap(),
            suite.signer(key.as_bytes()).unwrap(),
        )
    };
    let client = Client::builder(
        MlsProvider::new(crypto, rand, MemoryStorage::new()),
        Credential::basic(name(i).into_bytes()),
        for_group,
    )
    .credential_validator(AcceptAll)
    .build();
    (client, Arc::from(for_ds))
}

fn upload(ds: &DsClient, group_id: &[u8], commit: &MlsMessage, group_info: &MlsMessage) {
    let sent = ds
        .send_commit(
            group_id,
            &CommitUpload {
                commit: Some(commit),
                group_info: Some(group_info),
                ..CommitUpload::default()
            },
        )
        .unwrap();
    assert_eq!(sent.delivered_to.len(), N - 1);
}

/// What a peer receives: the message encoded and decoded again.
fn wire(message: &MlsMessage) -> MlsMessage {
    MlsMessage::from_bytes(&message.to_bytes().unwrap()).unwrap()
}

impl Fixture {
    fn new() -> Self {
        let start = Instant::now();
        let dir = tempfile::tempdir().unwrap();
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let server =
            mls_ds::serve(listener, mls_ds::Config::new(dir.path().join("ds.db"))).unwrap();
        let url = server.url();
        let people: Vec<(Client<TestProvider>, DsClient)> = (0..N)
            .map(|i| {
                let (client, signer) = make_client(i);
                let ds = DsClient::new(&url, &name(i), signer);
                ds.register().unwrap();
                let kp = client
                    .generate_key_package(SUITE, &KeyPackageOptions::default())
                    .unwrap();
                ds.publish_key_package(&kp.to_message()).unwrap();
                (client, ds)
            })
            .collect();

        let mut creator = Group::create(&people[0].0, SUITE, Extensions::new(), config()).unwrap();
        let group_id = creator.group_id().to_vec();
        people[0]
            .1
            .create_group(&creator.group_info(true).unwrap(), None)
            .unwrap();
        let others: Vec<String> = (1..N).map(name).collect();
        let kps: Vec<_> = others
            .iter()
            .map(|n| {
                people[0]
                    .1
                    .claim_key_package(n, SUITE)
                    .unwrap()
                    .into_key_package()
                    .unwrap()
            })
            .collect();
        let out = creator.add_members(&kps).unwrap();
        people[0]
            .1
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
        creator.merge_pending_commit().unwrap();
        let mut creator = Some(creator);
        let members: Vec<Member> = people
            .into_iter()
            .enumerate()
            .map(|(i, (client, ds))| {
                let group = match creator.take() {
                    Some(g) => g,
                    None => {
                        let queued = ds.drain(&group_id).unwrap();
                        assert_eq!(queued.len(), 1);
                        assert_eq!(queued[0].0.kind, "welcome");
                        Group::join(&client, &queued[0].1, config()).unwrap()
                    }
                };
                assert_eq!(group.own_leaf_index() as usize, i);
                Member {
                    name: name(i),
                    ds,
                    group,
                }
            })
            .collect();
        let t_join = start.elapsed();

        let mut f = Fixture {
            members,
            group_id,
            next: 0,
            unacked: 0,
            server: Some(server),
            _dir: dir,
        };
        let start = Instant::now();
        for _ in 0..N {
            let (commit, info) = f.prepare_commit();
            let committer = f.next;
            upload(&f.members[committer].ds, &f.group_id, &commit, &info);
            f.after_commit(&commit);
        }
        let t_fill = start.elapsed();
        let auth = f.members[0].group.epoch_authenticator().to_vec();
        assert!(
            f.members
                .iter()
                .all(|m| m.group.epoch_authenticator() == auth)
        );
        let probe = f.members[0].group.self_update().unwrap();
        f.members[0].group.clear_pending_commit().unwrap();
        eprintln!(
            "setup: {N} members registered, added and joined through the service {:.2} s, \
             {N} filling commits {:.2} s; a full commit is now {} bytes",
            t_join.as_secs_f64(),
            t_fill.as_secs_f64(),
            probe.commit.to_bytes().unwrap().len(),
        );
        f
    }

    /// The next committer's commit and GroupInfo.
    fn prepare_commit(&mut self) -> (MlsMessage, MlsMessage) {
        let out = self.members[self.next].group.self_update().unwrap();
        (out.commit, out.group_info)
    }

    /// The committer merges; everyone else processes the commit; the turn
    /// passes on.
    fn after_commit(&mut self, commit: &MlsMessage) {
        let committer = self.next;
        self.members[committer]
            .group
            .merge_pending_commit()
            .unwrap();
        let commit = wire(commit);
        for (i, m) in self.members.iter_mut().enumerate() {
            if i != committer {
                let processed = m.group.process_and_merge(&commit).unwrap();
                assert!(matches!(processed, ProcessedMessage::Commit(_)));
            }
        }
        self.next = (committer + 1) % N;
        self.tick();
    }

    /// Counts an iteration; every [`ACK_EVERY`], every member empties its
    /// queue.
    fn tick(&mut self) {
        self.unacked += 1;
        if self.unacked >= ACK_EVERY {
            self.ack_all();
        }
    }

    fn ack_all(&mut self) {
        for m in &self.members {
            // Everything queued so far: ids are below i64::MAX.
            m.ds.ack(&self.group_id, i64::MAX as u64)
                .unwrap_or_else(|e| panic!("{}: ack: {e}", m.name));
        }
        self.unacked = 0;
    }
}

fn bench_ds(c: &mut Criterion) {
    let mut slot: Option<Fixture> = None;
    let id = || BenchmarkId::from_parameter(N);

    let mut g = c.benchmark_group("ds_commit");
    g.throughput(Throughput::Elements(1)).sample_size(20);
    g.bench_function(id(), |b| {
        let f = slot.get_or_insert_with(Fixture::new);
        b.iter_custom(|iters| {
            let mut timed = Duration::ZERO;
            for _ in 0..iters {
                let (commit, info) = f.prepare_commit();
                let ds = &f.members[f.next].ds;
                let start = Instant::now();
                let sent = ds
                    .send_commit(
                        &f.group_id,
                        &CommitUpload {
                            commit: Some(&commit),
                            group_info: Some(&info),
                            ..CommitUpload::default()
                        },
                    )
                    .unwrap();
                timed += start.elapsed();
                assert_eq!(sent.delivered_to.len(), N - 1);
                f.after_commit(&commit);
            }
            timed
        })
    });
    g.finish();

    let mut g = c.benchmark_group("ds_fanout");
    g.throughput(Throughput::Elements(N as u64 - 1))
        .sample_size(20);
    g.bench_function(id(), |b| {
        let f = slot.get_or_insert_with(Fixture::new);
        let data = vec![0x42u8; MESSAGE_LEN];
        b.iter_custom(|iters| {
            let sender = &mut f.members[0];
            let messages: Vec<MlsMessage> = (0..iters)
                .map(|_| {
                    sender
                        .group
                        .encrypt_application_message(&data, b"")
                        .unwrap()
                })
                .collect();
            let mut timed = Duration::ZERO;
            for message in &messages {
                let start = Instant::now();
                let sent = f.members[0].ds.send_message(&f.group_id, message).unwrap();
                timed += start.elapsed();
                assert_eq!(sent.delivered_to.len(), N - 1);
                f.tick();
            }
            timed
        })
    });
    g.finish();
}

fn criterion_config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5))
        .without_plots()
}

criterion_group! {
    name = benches;
    config = criterion_config();
    targets = bench_ds
}
criterion_main!(benches);
