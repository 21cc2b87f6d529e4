//! Criterion benchmarks of message protection (RFC 9420 §6, §9) on every
//! backend, with suite 1 (X25519, AES-128-GCM, SHA-256, Ed25519).
//!
//! | group | what is timed |
//! |---|---|
//! | `protect` | sign + encrypt a 1 KiB application message as a PrivateMessage |
//! | `unprotect` | decrypt + verify it at another member |
//! | `protect_unprotect` | both, one message end to end |
//! | `ratchet_jump_1000` | the key for generation 1,000 of a fresh ratchet (999 skipped; 32 keys kept) |
//!
//! Throughput is reported in messages (elements) per second. Run with
//! `cargo bench -p interop --bench framing`; numbers are in BENCHMARKS.md.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use criterion::{BatchSize, BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use interop::SeededRand;
use interop::backends;
use mls_core::codec::VarBytes;
use mls_core::crypto::generate_signature_key_pair;
use mls_core::extensions::Extensions;
use mls_core::framing::{
    EpochKeys, FramedContent, MessageProtection, MlsMessage, PaddingPolicy, SenderKeys,
};
use mls_core::key_schedule::{EpochSecrets, GroupContext};
use mls_core::provider::CipherSuiteProvider;
use mls_core::secret::Secret;
use mls_core::secret_tree::{OutOfOrderPolicy, RatchetKind, SecretTree};
use mls_core::tree_math::{LeafIndex, TreeSize};
use mls_core::{CipherSuite, Error};
use std::hint::black_box;
use std::time::Duration;

const SUITE: CipherSuite = CipherSuite::MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519;
const MESSAGE_LEN: usize = 1024;

struct OneKey(Vec<u8>);

impl SenderKeys for OneKey {
    fn signature_key(&self, _: &FramedContent) -> Result<Vec<u8>, Error> {
        Ok(self.0.clone())
    }
}

fn epoch(suite: &dyn CipherSuiteProvider) -> (EpochKeys, EpochSecrets) {
    let context = GroupContext {
        version: mls_core::ProtocolVersion,
        cipher_suite: suite.cipher_suite(),
        group_id: VarBytes::from(&b"bench"[..]),
        epoch: 0,
        tree_hash: VarBytes::from(&[1u8; 32][..]),
        confirmed_transcript_hash: VarBytes::from(&[2u8; 32][..]),
        extensions: Extensions::new(),
    };
    let nh = suite.hash_len();
    let secrets = EpochSecrets::derive(
        suite,
        &Secret::new(vec![3; nh]),
        &Secret::new(vec![0; nh]),
        &context.to_bytes().unwrap(),
    )
    .unwrap();
    let size = TreeSize::from_leaf_count(2).unwrap();
    (
        EpochKeys::new(context, &secrets, size, OutOfOrderPolicy::default()),
        secrets,
    )
}

fn framing(c: &mut Criterion) {
    let data = vec![0x42u8; MESSAGE_LEN];
    for backend in backends::all() {
        let Some(suite) = backend.provider.suite(SUITE) else {
            continue;
        };
        let rand = SeededRand::new([5; 32]);
        let (private, public) = generate_signature_key_pair(suite, &rand).unwrap();
        let signer = suite.signer(private.as_bytes()).unwrap();
        let keys = OneKey(public);
        let policy = OutOfOrderPolicy::default();
        let fresh = || MessageProtection::new(epoch(suite).0, policy, PaddingPolicy::None);
        let id = || BenchmarkId::new(backend.name, format!("suite{}", SUITE.code()));

        let mut group = c.benchmark_group("protect");
        group.throughput(Throughput::Elements(1));
        let mut alice = fresh();
        group.bench_function(id(), |b| {
            b.iter(|| {
                alice
                    .protect_application(suite, signer.as_ref(), 0, b"", black_box(&data), &rand)
                    .unwrap()
            })
        });
        group.finish();

        let mut group = c.benchmark_group("unprotect");
        group.throughput(Throughput::Elements(1));
        let (mut alice, mut bob) = (fresh(), fresh());
        group.bench_function(id(), |b| {
            b.iter_batched(
                || {
                    let m = alice
                        .protect_application(suite, signer.as_ref(), 0, b"", &data, &rand)
                        .unwrap();
                    MlsMessage::from_bytes(&m.to_bytes().unwrap()).unwrap()
                },
                |m| bob.unprotect(suite, &m, &keys).unwrap(),
                BatchSize::SmallInput,
            )
        });
        group.finish();

        let mut group = c.benchmark_group("protect_unprotect");
        group.throughput(Throughput::Elements(1));
        let (mut alice, mut bob) = (fresh(), fresh());
        group.bench_function(id(), |b| {
            b.iter(|| {
                let m = alice
                    .protect_application(suite, signer.as_ref(), 0, b"", black_box(&data), &rand)
                    .unwrap();
                let m = MlsMessage::from_bytes(&m.to_bytes().unwrap()).unwrap();
                bob.unprotect(suite, &m, &keys).unwrap()
            })
        });
        group.finish();

        let mut group = c.benchmark_group("ratchet_jump_1000");
        let (_, secrets) = epoch(suite);
        let tree = SecretTree::new(
            secrets.encryption_secret.clone(),
            TreeSize::from_leaf_count(2).unwrap(),
            policy,
        );
        group.bench_function(id(), |b| {
            b.iter_batched(
                || tree.clone(),
                |t| {
                    t.key_for_receiving(suite, LeafIndex(0), RatchetKind::Application, 1_000)
                        .unwrap()
                },
                BatchSize::SmallInput,
            )
        });
        group.finish();
    }
}

fn config() -> Criterion {
    Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(2))
        .without_plots()
}

criterion_group! {
    name = benches;
    config = config();
    targets = framing
}
criterion_main!(benches);
