//! Criterion benchmarks of the group API (RFC 9420 §11–12) on every
//! backend, suite 1 (X25519, AES-128-GCM, SHA-256, Ed25519), groups of 10,
//! 100, 1,000 and 10,000 members built with real clients.
//!
//! | group | what is timed |
//! |---|---|
//! | `group_create_add` | `Group::create`, `add_members` with N-1 pre-generated KeyPackages, `merge_pending_commit` |
//! | `group_join` | `Group::join` from that Welcome (ratchet tree in its GroupInfo), as the last member added |
//! | `group_commit_create` | `self_update()` (a full commit with a path) by leaf 0; `clear_pending_commit()` after each, so every iteration starts from the same epoch |
//! | `group_commit_process` | `process_message` of such a commit at leaf 1 |
//! | `group_remove_create` | `remove_members(&[N-1])` by leaf 0, cleared after each |
//! | `group_remove_process` | `process_message` of such a remove at leaf 1 |
//! | `group_app_protect` | `encrypt_application_message` of 1 KiB, group of 10 |
//! | `group_app_unprotect` | `process_message` of such a message, group of 10 |
//! | `group_key_package` | `generate_key_package` (keys drawn, signed, stored with its private keys) and its serialization |
//!
//! Benchmark ids are `<group>/<backend>/<N>`. Run with
//! `cargo bench -p interop --bench group`; `GROUP_BENCH_SIZES=10,100`
//! restricts the sizes, and a filter argument skips the setup of every
//! size it does not select (fixtures are built lazily).
//! `GROUP_BENCH_SUITES=0x0001,0x004d` runs other suites, the provisional
//! post-quantum ones included, on every backend that has them, with ids
//! `<group>/<backend>/<code point>/<N>` (suite 1 keeps the short id).
//! Each fixture's setup line gives the sizes of a KeyPackage, the add
//! commit's Welcome and a full commit.
//!
//! **Fixture.** Per backend and size, N clients each with its own
//! KeyPackage; leaf 0 creates the group and adds the other N-1 in one
//! commit. That leaves every parent node blank, where a full commit would
//! encrypt to O(N) leaves, which is not the steady state of a group. So a
//! few members join and commit an UpdatePath each: leaf 2^k for every
//! level k (which fills the copath of leaf 0, the committer) and leaf
//! (N-1) xor 2^k (which fills the copath of leaf N-1, the member that is
//! removed). The committer's path then has one HPKE ciphertext per level,
//! as in a long-lived group. Every member with a state processes every
//! commit, so the committer and the receiver (leaf 1) stay in step. The
//! time of each setup step is printed once (`setup ...` on stderr).
//!
//! **Processing.** A `Group` is not `Clone`, so a commit cannot be
//! processed twice from the same state. Instead the committer creates and
//! merges a batch of commits (untimed), each encoded to bytes and decoded,
//! and the receiver processes them in order (timed, `iter_custom`). For
//! removes, every timed remove of leaf N-1 is followed by an untimed
//! commit re-adding it from a `last_resort` KeyPackage: the group keeps N
//! members and only that leaf's direct path is ever blanked. The
//! `_create` benchmarks clear their commits, but each spends a generation
//! of the committer's handshake ratchet; the receiver therefore accepts a
//! commit any number of generations ahead (`max_forward_jump`), and each
//! batch starts with one untimed commit that skips them.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use criterion::{
    BatchSize, BenchmarkId, Criterion, SamplingMode, Throughput, criterion_group, criterion_main,
};
use interop::clients::{TestProvider, client, seed};
use mls_core::CipherSuite;
use mls_core::extensions::Extensions;
use mls_core::framing::MlsMessage;
use mls_core::group::{Client, Group, GroupConfig, KeyPackageOptions, ProcessedMessage};
use mls_core::key_package::KeyPackage;
use std::hint::black_box;
use std::time::{Duration, Instant};

/// The suite every backend runs; `GROUP_BENCH_SUITES` adds others.
const SUITE: CipherSuite = CipherSuite::MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519;
const BACKENDS: [&str; 3] = ["rustcrypto", "ring", "aws-lc"];
const SIZES: [usize; 4] = [10, 100, 1_000, 10_000];
const MESSAGE_LEN: usize = 1024;

type G = Group<TestProvider>;

/// What one set of benchmarks runs on: a backend and a suite. `label` is
/// the backend's name, followed by the suite's code point for a suite
/// other than [`SUITE`] (`rustcrypto/0x004d`).
struct On {
    backend: &'static str,
    suite: CipherSuite,
    label: String,
}

/// The suites to run: [`SUITE`], or those `GROUP_BENCH_SUITES` lists by
/// code point (`0x0001,0x004d`, hex or decimal).
fn suites() -> Vec<CipherSuite> {
    let Ok(list) = std::env::var("GROUP_BENCH_SUITES") else {
        return vec![SUITE];
    };
    list.split(',')
        .map(|s| {
            let s = s.trim();
            let code = match s.strip_prefix("0x") {
                Some(hex) => u16::from_str_radix(hex, 16),
                None => s.parse(),
            };
            CipherSuite::from_code(code.expect("GROUP_BENCH_SUITES: code points"))
        })
        .collect()
}

/// Everything the benchmarks of one backend and size need.
struct Fixture {
    n: usize,
    clients: Vec<Client<TestProvider>>,
    /// `key_packages[i - 1]` is leaf i's; leaf N-1's is `last_resort`.
    key_packages: Vec<KeyPackage>,
    /// The Welcome of the setup's add commit (joined again by leaf N-1).
    welcome: MlsMessage,
    /// Leaf 0: creates every commit.
    committer: G,
    /// Leaf 1: processes them.
    receiver: G,
}

fn config() -> GroupConfig {
    GroupConfig::default()
}

/// The receiver's settings: the defaults, except that a commit may come
/// any number of handshake generations ahead. Each commit built and
/// cleared by the `_create` benchmarks spends a generation of the
/// committer's handshake ratchet (a cleared commit must not reuse its
/// key), so the commit after them is thousands of generations ahead.
fn receiver_config() -> GroupConfig {
    let mut config = GroupConfig::default();
    config.out_of_order.max_forward_jump = u32::MAX;
    config
}

/// Untimed: one commit from the committer, merged and processed, so the
/// receiver has skipped the generations the `_create` benchmarks spent.
fn resync(f: &mut Fixture) {
    let out = f.committer.self_update().unwrap();
    f.committer.merge_pending_commit().unwrap();
    expect_commit(f.receiver.process_and_merge(&wire(&out.commit)).unwrap());
}

/// What a peer would receive: the message encoded and decoded again.
fn wire(message: &MlsMessage) -> MlsMessage {
    MlsMessage::from_bytes(&message.to_bytes().unwrap()).unwrap()
}

fn expect_commit(result: ProcessedMessage) {
    assert!(matches!(result, ProcessedMessage::Commit(_)));
}

/// Leaves whose UpdatePaths fill the copaths of leaf 0 and of leaf `x`
/// (the subtree of 2^k leaves at level k next to each), in a group of `n`.
fn populating_leaves(n: usize, x: usize) -> Vec<usize> {
    let width = n.next_power_of_two();
    let mut leaves = Vec::new();
    let mut k = 1;
    while (1usize << k) < width {
        for leaf in [1usize << k, x ^ (1usize << k)] {
            if leaf < n && leaf != 0 && leaf != x && !leaves.contains(&leaf) {
                leaves.push(leaf);
            }
        }
        k += 1;
    }
    leaves
}

fn secs(d: Duration) -> f64 {
    d.as_secs_f64()
}

fn setup(on: &On, n: usize) -> Fixture {
    let (backend, suite) = (on.backend, on.suite);
    let x = n - 1;
    let start = Instant::now();
    let clients: Vec<_> = (0..n)
        .map(|i| client(backend, suite, &format!("member {i}"), seed(i as u64 + 1)).unwrap())
        .collect();
    let key_packages: Vec<_> = clients
        .iter()
        .enumerate()
        .skip(1)
        .map(|(leaf, c)| {
            let options = KeyPackageOptions {
                last_resort: leaf == x,
                ..KeyPackageOptions::default()
            };
            c.generate_key_package(suite, &options).unwrap()
        })
        .collect();
    let t_clients = start.elapsed();
    let key_package_bytes = key_packages[0].to_message().to_bytes().unwrap().len();

    let start = Instant::now();
    let mut committer = Group::create(&clients[0], suite, Extensions::new(), config()).unwrap();
    let out = committer.add_members(&key_packages).unwrap();
    committer.merge_pending_commit().unwrap();
    let welcome_bytes = out.welcome.unwrap().to_bytes().unwrap();
    let welcome = MlsMessage::from_bytes(&welcome_bytes).unwrap();
    let t_add = start.elapsed();

    let start = Instant::now();
    let populating = populating_leaves(n, x);
    let mut joined: Vec<usize> = vec![1];
    joined.extend(populating.iter().copied().filter(|&l| l != 1));
    let mut members: Vec<(usize, G)> = joined
        .iter()
        .map(|&leaf| {
            let config = if leaf == 1 {
                receiver_config()
            } else {
                config()
            };
            let g = Group::join(&clients[leaf], &welcome, config).unwrap();
            assert_eq!(g.own_leaf_index() as usize, leaf);
            (leaf, g)
        })
        .collect();
    let t_join = start.elapsed();

    let start = Instant::now();
    let mut largest_commit = 0;
    for &leaf in &populating {
        let i = members.iter().position(|(l, _)| *l == leaf).unwrap();
        let out = members[i].1.self_update().unwrap();
        members[i].1.merge_pending_commit().unwrap();
        let bytes = out.commit.to_bytes().unwrap();
        largest_commit = largest_commit.max(bytes.len());
        let commit = MlsMessage::from_bytes(&bytes).unwrap();
        expect_commit(committer.process_and_merge(&commit).unwrap());
        for (l, g) in members.iter_mut() {
            if *l != leaf {
                expect_commit(g.process_and_merge(&commit).unwrap());
            }
        }
    }
    let t_populate = start.elapsed();
    let receiver = members.swap_remove(0).1;
    drop(members);
    assert_eq!(receiver.own_leaf_index(), 1);
    assert_eq!(
        committer.epoch_authenticator(),
        receiver.epoch_authenticator()
    );
    // The size of a full commit in this state shows the copath is filled.
    let probe = committer.self_update().unwrap();
    committer.clear_pending_commit().unwrap();
    eprintln!(
        "setup {} N={n}: clients+KeyPackages {:.2} s (KeyPackage {key_package_bytes} bytes), \
         create+add {:.2} s (Welcome {} KiB), {} joins {:.2} s, {} populating commits {:.2} s \
         (largest {} KiB); full commit now {} bytes",
        on.label,
        secs(t_clients),
        secs(t_add),
        welcome_bytes.len() / 1024,
        joined.len(),
        secs(t_join),
        populating.len(),
        secs(t_populate),
        largest_commit / 1024,
        probe.commit.to_bytes().unwrap().len(),
    );
    Fixture {
        n,
        clients,
        key_packages,
        welcome,
        committer,
        receiver,
    }
}

fn sizes() -> Vec<usize> {
    match std::env::var("GROUP_BENCH_SIZES") {
        Ok(list) => list
            .split(',')
            .map(|s| s.trim().parse().expect("GROUP_BENCH_SIZES: numbers"))
            .collect(),
        Err(_) => SIZES.to_vec(),
    }
}

fn groups(c: &mut Criterion) {
    for suite in suites() {
        for backend in BACKENDS {
            // A backend without the suite (ring and aws-lc have no
            // post-quantum KEM) has nothing to run.
            let offers = interop::clients::crypto_for(backend, suite)
                .is_some_and(|crypto| crypto.suite(suite).is_some());
            if !offers {
                continue;
            }
            let label = if suite == SUITE {
                backend.to_string()
            } else {
                format!("{backend}/0x{:04x}", suite.code())
            };
            let on = On {
                backend,
                suite,
                label,
            };
            bench_key_package(c, &on);
            for n in sizes() {
                let mut fixture: Option<Fixture> = None;
                bench_size(c, &on, n, &mut fixture);
                if n == 10 {
                    bench_application(c, &on, &mut fixture);
                }
            }
        }
    }
}

fn bench_key_package(c: &mut Criterion, on: &On) {
    let client = client(on.backend, on.suite, "key packages", seed(1)).unwrap();
    let options = KeyPackageOptions::default();
    let mut g = c.benchmark_group("group_key_package");
    g.throughput(Throughput::Elements(1));
    g.bench_function(BenchmarkId::from_parameter(&on.label), |b| {
        b.iter(|| {
            client
                .generate_key_package(on.suite, &options)
                .unwrap()
                .to_message()
                .to_bytes()
                .unwrap()
        })
    });
    g.finish();
}

fn fixture<'a>(f: &'a mut Option<Fixture>, on: &On, n: usize) -> &'a mut Fixture {
    f.get_or_insert_with(|| setup(on, n))
}

fn bench_size(c: &mut Criterion, on: &On, n: usize, slot: &mut Option<Fixture>) {
    let id = || BenchmarkId::new(&on.label, n);
    let samples = if n >= 1_000 { 10 } else { 20 };

    // Seconds per iteration at 10,000: one iteration per sample.
    let mode = if n >= 1_000 {
        SamplingMode::Flat
    } else {
        SamplingMode::Auto
    };
    let mut g = c.benchmark_group("group_create_add");
    g.sample_size(samples).sampling_mode(mode);
    g.bench_function(id(), |b| {
        let f = fixture(slot, on, n);
        b.iter_with_large_drop(|| {
            let mut group =
                Group::create(&f.clients[0], on.suite, Extensions::new(), config()).unwrap();
            let out = group.add_members(&f.key_packages).unwrap();
            group.merge_pending_commit().unwrap();
            (group, out)
        })
    });
    g.finish();

    let mut g = c.benchmark_group("group_join");
    g.sample_size(samples).sampling_mode(mode);
    g.bench_function(id(), |b| {
        let f = fixture(slot, on, n);
        let joiner = &f.clients[f.n - 1];
        // Each join is stored; the previous one is deleted (untimed), or
        // the group id would already be in use. The KeyPackage is
        // last-resort, so it is still there.
        let group_id = f.committer.group_id().to_vec();
        b.iter_batched(
            || joiner.delete_group(&group_id).unwrap(),
            |()| Group::join(joiner, &f.welcome, config()).unwrap(),
            // One join at a time: a batch would join twice before the
            // next deletion.
            BatchSize::PerIteration,
        )
    });
    g.finish();

    let mut g = c.benchmark_group("group_commit_create");
    g.sample_size(samples);
    g.bench_function(id(), |b| {
        let f = fixture(slot, on, n);
        b.iter(|| {
            let out = f.committer.self_update().unwrap();
            f.committer.clear_pending_commit().unwrap();
            out
        })
    });
    g.finish();

    let mut g = c.benchmark_group("group_commit_process");
    g.sample_size(samples);
    g.bench_function(id(), |b| {
        let f = fixture(slot, on, n);
        b.iter_custom(|iters| {
            resync(f);
            let commits: Vec<MlsMessage> = (0..iters)
                .map(|_| {
                    let out = f.committer.self_update().unwrap();
                    f.committer.merge_pending_commit().unwrap();
                    wire(&out.commit)
                })
                .collect();
            let start = Instant::now();
            for commit in &commits {
                black_box(f.receiver.process_and_merge(commit).unwrap());
            }
            start.elapsed()
        })
    });
    g.finish();

    let mut g = c.benchmark_group("group_remove_create");
    g.sample_size(samples);
    g.bench_function(id(), |b| {
        let f = fixture(slot, on, n);
        let removed = (f.n - 1) as u32;
        b.iter(|| {
            let out = f.committer.remove_members(&[removed]).unwrap();
            f.committer.clear_pending_commit().unwrap();
            out
        })
    });
    g.finish();

    let mut g = c.benchmark_group("group_remove_process");
    g.sample_size(samples);
    g.bench_function(id(), |b| {
        let f = fixture(slot, on, n);
        let removed = (f.n - 1) as u32;
        let key_package = f.key_packages[f.n - 2].clone();
        b.iter_custom(|iters| {
            resync(f);
            let mut timed = Duration::ZERO;
            for _ in 0..iters {
                let out = f.committer.remove_members(&[removed]).unwrap();
                f.committer.merge_pending_commit().unwrap();
                let commit = wire(&out.commit);
                let start = Instant::now();
                black_box(f.receiver.process_and_merge(&commit).unwrap());
                timed += start.elapsed();
                // Untimed: the removed client comes back to the same leaf.
                let out = f
                    .committer
                    .add_members(std::slice::from_ref(&key_package))
                    .unwrap();
                f.committer.merge_pending_commit().unwrap();
                expect_commit(f.receiver.process_and_merge(&wire(&out.commit)).unwrap());
            }
            timed
        })
    });
    g.finish();

    if n != 10 {
        *slot = None;
    }
}

fn bench_application(c: &mut Criterion, on: &On, slot: &mut Option<Fixture>) {
    let id = || BenchmarkId::new(&on.label, 10);
    let data = vec![0x42u8; MESSAGE_LEN];

    let mut g = c.benchmark_group("group_app_protect");
    g.throughput(Throughput::Elements(1));
    g.bench_function(id(), |b| {
        let f = fixture(slot, on, 10);
        b.iter(|| {
            f.committer
                .encrypt_application_message(black_box(&data), b"")
                .unwrap()
        })
    });
    g.finish();

    // Leaf 1 sends, leaf 0 reads: leaf 0's own sends above never reach
    // leaf 1, whose ratchet for leaf 0 would be too far behind.
    let mut g = c.benchmark_group("group_app_unprotect");
    g.throughput(Throughput::Elements(1));
    g.bench_function(id(), |b| {
        let f = fixture(slot, on, 10);
        let (sender, reader) = (&mut f.receiver, &mut f.committer);
        b.iter_batched(
            || wire(&sender.encrypt_application_message(&data, b"").unwrap()),
            |m| reader.process_and_merge(&m).unwrap(),
            BatchSize::SmallInput,
        )
    });
    g.finish();
    *slot = None;
}

fn criterion_config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .without_plots()
}

criterion_group! {
    name = benches;
    config = criterion_config();
    targets = groups
}
criterion_main!(benches);
