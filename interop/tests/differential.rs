//! Differential tests: every suite that two or more backends share must give
//! the same answers on random inputs. Deterministic operations (hash, HMAC,
//! HKDF, DeriveKeyPair, AEAD, HPKE and key generation under a seeded rand,
//! EdDSA) must agree byte for byte; randomized ones (ECDSA) must cross-verify;
//! and a flipped bit must be rejected everywhere.
//!
//! Each check returns `Result` so that `checks_catch_a_tampered_backend` can
//! prove the checks fail when one backend's output is altered.

#![allow(clippy::unwrap_used, clippy::panic)]

#[path = "differential/tamper.rs"]
mod tamper;

use interop::SeededRand;
use interop::backends;
use mls_core::crypto::{generate_hpke_key_pair, generate_signature_key_pair};
use mls_core::provider::CipherSuiteProvider;
use mls_core::secret::SignaturePrivateKey;
use mls_core::{CipherSuite, SignatureScheme};
use proptest::prelude::*;
use std::sync::OnceLock;
use tamper::{Tamper, Tampered};

type Suites<'a> = Vec<(&'static str, &'a dyn CipherSuiteProvider)>;
/// Each backend's name with what it produced.
type Outputs<'a, T> = Vec<(&'a str, T)>;
/// A pair of byte strings: (private key, public key), (enc, ciphertext), ...
type Pair = (Vec<u8>, Vec<u8>);
/// One differential check.
type Check = fn(&Suites, &Inputs) -> Result<(), String>;

/// For each suite offered by at least two backends, the backends offering
/// it. Built once: the providers live for the whole test run.
fn shared() -> &'static [(CipherSuite, Suites<'static>)] {
    static SHARED: OnceLock<Vec<(CipherSuite, Suites<'static>)>> = OnceLock::new();
    SHARED.get_or_init(|| {
        let backends: &'static [backends::Backend] = Box::leak(backends::all().into_boxed_slice());
        CipherSuite::ALL
            .into_iter()
            .map(|cs| {
                let impls = backends
                    .iter()
                    .filter_map(|b| b.provider.suite(cs).map(|s| (b.name, s)))
                    .collect::<Vec<_>>();
                (cs, impls)
            })
            .filter(|(_, impls)| impls.len() >= 2)
            .collect()
    })
}

fn same<T: PartialEq + std::fmt::Debug>(what: &str, outputs: &[(&str, T)]) -> Result<(), String> {
    let Some((first_name, first)) = outputs.first() else {
        return Ok(());
    };
    for (name, out) in outputs.iter().skip(1) {
        if out != first {
            return Err(format!(
                "{what}: {first_name} gave {first:?}, {name} gave {out:?}"
            ));
        }
    }
    Ok(())
}

/// `bytes` with one bit flipped; empty input becomes one zero byte, so the
/// result always differs.
fn flip(bytes: &[u8], bit: usize) -> Vec<u8> {
    if bytes.is_empty() {
        return vec![0];
    }
    let mut out = bytes.to_vec();
    let i = bit % (out.len() * 8);
    out[i / 8] ^= 1 << (i % 8);
    out
}

#[derive(Debug, Clone)]
struct Inputs {
    data: Vec<u8>,
    key: Vec<u8>,
    seed: [u8; 32],
    bit: usize,
    len: usize,
}

fn check_kdf(suites: &Suites, i: &Inputs) -> Result<(), String> {
    let run = |f: &dyn Fn(&dyn CipherSuiteProvider) -> Vec<u8>| -> Vec<(&str, Vec<u8>)> {
        suites.iter().map(|(n, s)| (*n, f(*s))).collect()
    };
    same("hash", &run(&|s| s.hash(&i.data).unwrap()))?;
    same("hmac", &run(&|s| s.mac(&i.key, &i.data).unwrap()))?;
    same(
        "extract",
        &run(&|s| s.kdf_extract(&i.key, &i.data).unwrap().as_bytes().to_vec()),
    )?;
    same(
        "expand",
        &run(&|s| {
            let prk = s.kdf_extract(&i.key, &i.data).unwrap();
            s.kdf_expand(prk.as_bytes(), &i.key, i.len)
                .unwrap()
                .as_bytes()
                .to_vec()
        }),
    )
}

fn check_derive_key_pair(suites: &Suites, i: &Inputs) -> Result<(), String> {
    let pairs: Outputs<'_, Pair> = suites
        .iter()
        .map(|(n, s)| {
            let (sk, pk) = s.kem_derive_key_pair(&i.data).unwrap();
            (*n, (sk.as_bytes().to_vec(), pk))
        })
        .collect();
    same("DeriveKeyPair", &pairs)?;
    let generated: Outputs<'_, Pair> = suites
        .iter()
        .map(|(n, s)| {
            let nsk = s.kem_private_key_len();
            // Nsk bytes, whatever the length of the input.
            let random: Vec<u8> = (0..nsk)
                .map(|k| {
                    i.data
                        .get(k % i.data.len().max(1))
                        .map_or(k as u8, |b| b ^ k as u8)
                })
                .collect();
            let (sk, pk) = s.kem_key_pair_from_random(&random).unwrap();
            (*n, (sk.as_bytes().to_vec(), pk))
        })
        .collect();
    same("kem_key_pair_from_random", &generated)
}

fn check_aead(suites: &Suites, i: &Inputs) -> Result<(), String> {
    let (_, first) = suites[0];
    let key: Vec<u8> = i
        .key
        .iter()
        .copied()
        .cycle()
        .take(first.aead_key_len())
        .collect();
    let nonce: Vec<u8> = i.seed[..first.aead_nonce_len()].to_vec();
    let aad = &i.seed[..];
    let cts: Vec<(&str, Vec<u8>)> = suites
        .iter()
        .map(|(n, s)| (*n, s.aead_seal(&key, &nonce, aad, &i.data).unwrap()))
        .collect();
    same("AEAD ciphertext", &cts)?;
    for (sealer, ct) in &cts {
        for (opener, s) in suites {
            let pt = s
                .aead_open(&key, &nonce, aad, ct)
                .map_err(|e| format!("{opener} cannot open {sealer}'s AEAD ciphertext: {e}"))?;
            if pt.as_bytes() != i.data {
                return Err(format!(
                    "{opener} opened {sealer}'s ciphertext to other bytes"
                ));
            }
            if s.aead_open(&key, &nonce, aad, &flip(ct, i.bit)).is_ok() {
                return Err(format!("{opener} accepted a flipped AEAD ciphertext"));
            }
        }
    }
    Ok(())
}

fn check_hpke(suites: &Suites, i: &Inputs) -> Result<(), String> {
    // The receiver key comes from one backend; every backend must agree on it
    // (checked by check_derive_key_pair).
    let (sk, pk) = generate_hpke_key_pair(suites[0].1, &SeededRand::new(i.seed)).unwrap();
    let cts: Outputs<'_, Pair> = suites
        .iter()
        .map(|(n, s)| {
            let ct = s
                .hpke_seal(&pk, &i.key, &i.seed, &i.data, &SeededRand::new(i.seed))
                .unwrap();
            (*n, (ct.kem_output, ct.ciphertext))
        })
        .collect();
    same("HPKE output under one seed", &cts)?;
    for (sealer, (enc, ct)) in &cts {
        for (opener, s) in suites {
            let pt = s
                .hpke_open(&sk, enc, &i.key, &i.seed, ct)
                .map_err(|e| format!("{opener} cannot open {sealer}'s HPKE ciphertext: {e}"))?;
            if pt.as_bytes() != i.data {
                return Err(format!(
                    "{opener} opened {sealer}'s HPKE ciphertext to other bytes"
                ));
            }
            if s.hpke_open(&sk, enc, &i.key, &i.seed, &flip(ct, i.bit))
                .is_ok()
            {
                return Err(format!("{opener} accepted a flipped HPKE ciphertext"));
            }
            if s.hpke_open(&sk, &flip(enc, i.bit), &i.key, &i.seed, ct)
                .is_ok()
            {
                return Err(format!("{opener} accepted a flipped HPKE kem_output"));
            }
        }
    }
    let exports: Outputs<'_, Pair> = suites
        .iter()
        .map(|(n, s)| {
            let e = s
                .hpke_export_to(&pk, &i.key, &i.data, i.len, &SeededRand::new(i.seed))
                .unwrap();
            (*n, (e.kem_output, e.secret.as_bytes().to_vec()))
        })
        .collect();
    same("HPKE export under one seed", &exports)?;
    for (opener, s) in suites {
        let (_, (enc, secret)) = &exports[0];
        let got = s
            .hpke_export_from(&sk, enc, &i.key, &i.data, i.len)
            .unwrap();
        if got.as_bytes() != secret.as_slice() {
            return Err(format!("{opener} derived another HPKE export"));
        }
    }
    Ok(())
}

fn check_signatures(suites: &Suites, i: &Inputs) -> Result<(), String> {
    let keys: Vec<(&str, (SignaturePrivateKey, Vec<u8>))> = suites
        .iter()
        .map(|(n, s)| {
            (
                *n,
                generate_signature_key_pair(*s, &SeededRand::new(i.seed)).unwrap(),
            )
        })
        .collect();
    same("signature key pair under one seed", &keys)?;
    let (sk, pk) = &keys[0].1;
    let sigs: Vec<(&str, Vec<u8>)> = suites
        .iter()
        .map(|(n, s)| (*n, s.signer(sk.as_bytes()).unwrap().sign(&i.data).unwrap()))
        .collect();
    let scheme = suites[0].1.definition().signature;
    if matches!(scheme, SignatureScheme::Ed25519 | SignatureScheme::Ed448) {
        same("EdDSA signature", &sigs)?;
    }
    for (signer, sig) in &sigs {
        for (verifier, s) in suites {
            s.verify(pk, &i.data, sig)
                .map_err(|e| format!("{verifier} rejects {signer}'s signature: {e}"))?;
            if s.verify(pk, &i.data, &flip(sig, i.bit)).is_ok() {
                return Err(format!(
                    "{verifier} accepted a flipped signature by {signer}"
                ));
            }
            if s.verify(pk, &flip(&i.data, i.bit), sig).is_ok() {
                return Err(format!(
                    "{verifier} accepted {signer}'s signature on other data"
                ));
            }
        }
    }
    Ok(())
}

fn inputs() -> impl Strategy<Value = Inputs> {
    (
        proptest::collection::vec(any::<u8>(), 0..200),
        proptest::collection::vec(any::<u8>(), 1..80),
        any::<[u8; 32]>(),
        any::<usize>(),
        1usize..300,
    )
        .prop_map(|(data, key, seed, bit, len)| Inputs {
            data,
            key,
            seed,
            bit,
            len,
        })
}

macro_rules! differential {
    ($name:ident, $check:ident) => {
        proptest! {
            #![proptest_config(ProptestConfig::with_cases(256))]
            #[test]
            fn $name(i in inputs()) {
                // Every case runs on every shared suite: 256 cases per suite.
                for (cs, suites) in shared() {
                    if let Err(e) = $check(suites, &i) {
                        prop_assert!(false, "suite {}: {}", cs.code(), e);
                    }
                }
            }
        }
    };
}

differential!(kdf_outputs_agree, check_kdf);
differential!(derive_key_pair_agrees, check_derive_key_pair);
differential!(aead_interoperates, check_aead);
differential!(hpke_interoperates, check_hpke);
differential!(signatures_interoperate, check_signatures);

#[test]
fn every_suite_is_shared_by_two_backends_where_expected() {
    let codes: Vec<u16> = shared().iter().map(|(cs, _)| cs.code()).collect();
    // X448 suites (4, 6) exist only in the RustCrypto backend.
    assert_eq!(codes, [1, 2, 3, 5, 7]);
}

#[test]
fn checks_catch_a_tampered_backend() {
    let i = Inputs {
        data: b"differential".to_vec(),
        key: b"key material".to_vec(),
        seed: [3; 32],
        bit: 5,
        len: 42,
    };
    for (cs, suites) in shared() {
        let checks: [(&str, Check, Tamper); 5] = [
            ("kdf", check_kdf, Tamper::Hash),
            (
                "derive_key_pair",
                check_derive_key_pair,
                Tamper::DeriveKeyPair,
            ),
            ("aead", check_aead, Tamper::AeadSeal),
            ("hpke", check_hpke, Tamper::HpkeSeal),
            ("signatures", check_signatures, Tamper::Sign),
        ];
        for (name, check, tamper) in checks {
            check(suites, &i).unwrap_or_else(|e| panic!("suite {}: honest {name}: {e}", cs.code()));
            let tampered = Tampered::new(suites[1].1, tamper);
            let mut bad: Suites = suites.clone();
            bad[1] = ("tampered", &tampered);
            assert!(
                check(&bad, &i).is_err(),
                "suite {}: {name} did not notice a tampered backend",
                cs.code()
            );
        }
    }
}
