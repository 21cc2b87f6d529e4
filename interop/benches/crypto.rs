//! Criterion benchmarks of the crypto primitives MLS leans on, for every
//! backend of [`interop::backends::all`] and every cipher suite it offers.
//!
//! Benchmark ids read as `<operation>/<backend>/suite<N>`, for example
//! `hpke_seal/ring/suite2`, so the report is a table of operation × backend ×
//! suite. Operations:
//!
//! | group | what is timed |
//! |---|---|
//! | `hpke_seal` | HPKE `SealBase` of 32 bytes (`hpke_seal`) |
//! | `hpke_open` | HPKE `OpenBase` of the same (`hpke_open`) |
//! | `sign` | signing 1 KiB with `suite.signer(..)` |
//! | `verify` | `suite.verify` of that signature |
//! | `aead_seal` | AEAD encryption of 1 KiB |
//! | `aead_open` | AEAD decryption of the same |
//! | `kem_derive_key_pair` | KEM `DeriveKeyPair` on Nsk bytes |
//!
//! Run everything with `cargo bench -p interop --bench crypto`, or one group
//! (a regex on the id) with `cargo bench -p interop --bench crypto -- hpke_seal`.
//! Sample size and times are kept small so the whole run fits in a few
//! minutes on two cores; see BENCHMARKS.md.

// Bench code, not library code: a failed setup should stop the run loudly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, BenchmarkId, Criterion, criterion_group, criterion_main};
use interop::SeededRand;
use interop::backends::{self, Backend};
use mls_core::crypto::{generate_hpke_key_pair, generate_signature_key_pair};
use mls_core::provider::{CipherSuiteProvider, random_bytes};
use std::hint::black_box;
use std::time::Duration;

/// Plaintext length for HPKE (about the size of a path secret).
const HPKE_PLAINTEXT_LEN: usize = 32;
/// Message length for signatures and AEAD.
const MESSAGE_LEN: usize = 1024;
/// HPKE `info`, as `EncryptWithLabel` would build it (any bytes will do).
const HPKE_INFO: &[u8] = b"MLS 1.0 bench";
const SEED: [u8; 32] = [7; 32];

/// Runs `bench` once per (backend, suite) inside the group `op`, with the id
/// `<op>/<backend>/suite<N>`.
fn per_suite(
    c: &mut Criterion,
    backends: &[Backend],
    op: &str,
    mut bench: impl FnMut(&mut BenchmarkGroup<'_, WallTime>, BenchmarkId, &dyn CipherSuiteProvider),
) {
    let mut group = c.benchmark_group(op);
    for backend in backends {
        for cs in backend.provider.supported_cipher_suites() {
            let suite = backend
                .provider
                .suite(cs)
                .expect("a listed suite is provided");
            let id = BenchmarkId::new(backend.name, format!("suite{}", cs.code()));
            bench(&mut group, id, suite);
        }
    }
    group.finish();
}

fn message(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i % 251) as u8).collect()
}

fn hpke_seal(c: &mut Criterion, backends: &[Backend]) {
    let plaintext = message(HPKE_PLAINTEXT_LEN);
    per_suite(c, backends, "hpke_seal", |group, id, suite| {
        let rand = SeededRand::new(SEED);
        let (_, public_key) = generate_hpke_key_pair(suite, &rand).unwrap();
        group.bench_function(id, |b| {
            b.iter(|| {
                suite
                    .hpke_seal(
                        black_box(&public_key),
                        HPKE_INFO,
                        &[],
                        black_box(&plaintext),
                        &rand,
                    )
                    .unwrap()
            })
        });
    });
}

fn hpke_open(c: &mut Criterion, backends: &[Backend]) {
    let plaintext = message(HPKE_PLAINTEXT_LEN);
    per_suite(c, backends, "hpke_open", |group, id, suite| {
        let rand = SeededRand::new(SEED);
        let (private_key, public_key) = generate_hpke_key_pair(suite, &rand).unwrap();
        let ct = suite
            .hpke_seal(&public_key, HPKE_INFO, &[], &plaintext, &rand)
            .unwrap();
        let opened = suite
            .hpke_open(&private_key, &ct.kem_output, HPKE_INFO, &[], &ct.ciphertext)
            .unwrap();
        assert_eq!(opened.as_bytes(), plaintext.as_slice());
        group.bench_function(id, |b| {
            b.iter(|| {
                suite
                    .hpke_open(
                        &private_key,
                        black_box(&ct.kem_output),
                        HPKE_INFO,
                        &[],
                        black_box(&ct.ciphertext),
                    )
                    .unwrap()
            })
        });
    });
}

fn sign(c: &mut Criterion, backends: &[Backend]) {
    let msg = message(MESSAGE_LEN);
    per_suite(c, backends, "sign", |group, id, suite| {
        let rand = SeededRand::new(SEED);
        let (private_key, _) = generate_signature_key_pair(suite, &rand).unwrap();
        let signer = suite.signer(private_key.as_bytes()).unwrap();
        group.bench_function(id, |b| b.iter(|| signer.sign(black_box(&msg)).unwrap()));
    });
}

fn verify(c: &mut Criterion, backends: &[Backend]) {
    let msg = message(MESSAGE_LEN);
    per_suite(c, backends, "verify", |group, id, suite| {
        let rand = SeededRand::new(SEED);
        let (private_key, public_key) = generate_signature_key_pair(suite, &rand).unwrap();
        let signer = suite.signer(private_key.as_bytes()).unwrap();
        let signature = signer.sign(&msg).unwrap();
        suite.verify(&public_key, &msg, &signature).unwrap();
        group.bench_function(id, |b| {
            b.iter(|| {
                suite
                    .verify(
                        black_box(&public_key),
                        black_box(&msg),
                        black_box(&signature),
                    )
                    .unwrap()
            })
        });
    });
}

/// A key and a nonce of the suite's AEAD sizes.
fn aead_key_nonce(suite: &dyn CipherSuiteProvider) -> (Vec<u8>, Vec<u8>) {
    let rand = SeededRand::new(SEED);
    let key = random_bytes(&rand, suite.aead_key_len()).unwrap();
    let nonce = random_bytes(&rand, suite.aead_nonce_len()).unwrap();
    (key, nonce)
}

fn aead_seal(c: &mut Criterion, backends: &[Backend]) {
    let msg = message(MESSAGE_LEN);
    per_suite(c, backends, "aead_seal", |group, id, suite| {
        let (key, nonce) = aead_key_nonce(suite);
        group.bench_function(id, |b| {
            b.iter(|| {
                suite
                    .aead_seal(black_box(&key), black_box(&nonce), &[], black_box(&msg))
                    .unwrap()
            })
        });
    });
}

fn aead_open(c: &mut Criterion, backends: &[Backend]) {
    let msg = message(MESSAGE_LEN);
    per_suite(c, backends, "aead_open", |group, id, suite| {
        let (key, nonce) = aead_key_nonce(suite);
        let ct = suite.aead_seal(&key, &nonce, &[], &msg).unwrap();
        let opened = suite.aead_open(&key, &nonce, &[], &ct).unwrap();
        assert_eq!(opened.as_bytes(), msg.as_slice());
        group.bench_function(id, |b| {
            b.iter(|| {
                suite
                    .aead_open(black_box(&key), black_box(&nonce), &[], black_box(&ct))
                    .unwrap()
            })
        });
    });
}

fn kem_derive_key_pair(c: &mut Criterion, backends: &[Backend]) {
    per_suite(c, backends, "kem_derive_key_pair", |group, id, suite| {
        let rand = SeededRand::new(SEED);
        let ikm = random_bytes(&rand, suite.kem_private_key_len()).unwrap();
        group.bench_function(id, |b| {
            b.iter(|| suite.kem_derive_key_pair(black_box(&ikm)).unwrap())
        });
    });
}

fn crypto(c: &mut Criterion) {
    let backends = backends::all();
    hpke_seal(c, &backends);
    hpke_open(c, &backends);
    sign(c, &backends);
    verify(c, &backends);
    aead_seal(c, &backends);
    aead_open(c, &backends);
    kem_derive_key_pair(c, &backends);
}

/// Small samples and short times: the numbers are for comparing backends,
/// and the whole run has to fit in a few minutes on two cores.
fn config() -> Criterion {
    Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(1))
        .nresamples(10_000)
        .without_plots()
}

criterion_group! {
    name = benches;
    config = config();
    targets = crypto
}
criterion_main!(benches);
