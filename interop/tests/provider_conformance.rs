//! The crypto provider conformance suite: every check below runs on every
//! backend of `interop::backends::all_offering()` and every cipher suite it
//! offers (STYLE.md §4, as rustls' per-provider API tests and
//! `openmls_test`).
//!
//! A check is a plain function of one [`harness::Case`] (a backend's object
//! for one suite). The `per_suite!` macro makes one `#[test]` per check and
//! built-in suite, named `<check>::csN_<suite>` for the RFC 9420 suites and
//! `<check>::pqXXXX_<suite>` for the provisional post-quantum ones (by code
//! point), and `<check>::private_XXXX_<suite>` for three private suites with
//! ML-DSA signatures (the only place aws-lc's ML-DSA fits: it has no
//! post-quantum KEM); so `cargo test cs5` runs everything on P-521,
//! `cargo test mldsa` every ML-DSA suite and `cargo test hkdf` every HKDF
//! check. Each test runs its check on every backend offering the suite and
//! reports all failing backends, each line naming backend and suite. A new
//! backend is picked up from `interop::backends` without touching this
//! file.
//!
//! What is checked, and against what:
//! * sizes against the RFC 9420 §17.1 / RFC 9180 §7 registry;
//! * hash (FIPS 180-2), HMAC (RFC 4231), HKDF (RFC 5869, the official MLS
//!   `derive_secret` vectors, its HMAC definition, the `255 * Nh` limit);
//! * AEAD (RFC 9180 Appendix A keys as known answers, tampering, lengths);
//! * signatures (RFC 8032, generator points, bit flips, malformed keys,
//!   scalar range and padding);
//! * HPKE (labeled round trip, tampering, invalid keys, export, seeded
//!   determinism, `DeriveKeyPair`, RFC 9180 Appendix A base mode); on
//!   ML-KEM and X-Wing, FIPS 203's modulus check on public keys and sizes
//!   of keys and ciphertexts (`enc` is Nenc bytes, not Npk);
//! * ML-DSA (the LAMPS example keys from their seed, Wycheproof's
//!   deterministic signature per parameter set, verified by every backend
//!   and reproduced byte for byte by a deterministic signer, round trips,
//!   bit flips sampled over the signature's parts, malformed keys).
//!
//! Backends must agree on error *variants* where the trait documents them;
//! where it is silent and they differ, the check accepts each documented
//! behaviour and says so (see `signatures::assert_bad_length`).

// Helpers outside `#[test]` functions unwrap and panic too: a panic is how a
// check fails.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "provider_conformance/harness.rs"]
mod harness;
#[path = "provider_conformance/hpke.rs"]
mod hpke;
#[path = "provider_conformance/primitives.rs"]
mod primitives;
#[path = "provider_conformance/signatures.rs"]
mod signatures;
#[path = "provider_conformance/vectors.rs"]
mod vectors;

use mls_core::{CipherSuite, Error, Unsupported};

/// One `#[test]` per check and conformance suite
/// ([`harness::conformance_suites`]: the built-in suites and three private
/// ML-DSA ones). The list is checked in `every_suite_has_a_test`, so a new
/// built-in suite fails there until it is added here.
macro_rules! per_suite {
    ($($module:ident :: $check:ident),* $(,)?) => {$(
        mod $check {
            use mls_core::CipherSuite as Cs;

            fn run(cs: Cs) {
                crate::harness::run_suite(
                    concat!(stringify!($module), "::", stringify!($check)),
                    cs,
                    crate::$module::$check,
                );
            }

            #[test]
            fn cs1_x25519_aes128gcm_sha256_ed25519() {
                run(Cs::MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519);
            }
            #[test]
            fn cs2_p256_aes128gcm_sha256_p256() {
                run(Cs::MLS_128_DHKEMP256_AES128GCM_SHA256_P256);
            }
            #[test]
            fn cs3_x25519_chacha20poly1305_sha256_ed25519() {
                run(Cs::MLS_128_DHKEMX25519_CHACHA20POLY1305_SHA256_Ed25519);
            }
            #[test]
            fn cs4_x448_aes256gcm_sha512_ed448() {
                run(Cs::MLS_256_DHKEMX448_AES256GCM_SHA512_Ed448);
            }
            #[test]
            fn cs5_p521_aes256gcm_sha512_p521() {
                run(Cs::MLS_256_DHKEMP521_AES256GCM_SHA512_P521);
            }
            #[test]
            fn cs6_x448_chacha20poly1305_sha512_ed448() {
                run(Cs::MLS_256_DHKEMX448_CHACHA20POLY1305_SHA512_Ed448);
            }
            #[test]
            fn cs7_p384_aes256gcm_sha384_p384() {
                run(Cs::MLS_256_DHKEMP384_AES256GCM_SHA384_P384);
            }
            #[test]
            fn pq0042_mlkem1024_aes256gcm_sha384_p384() {
                run(Cs::MLS_192_MLKEM1024_AES256GCM_SHA384_P384);
            }
            #[test]
            fn pq004d_xwing_chacha20poly1305_sha256_ed25519() {
                run(Cs::MLS_256_XWING_CHACHA20POLY1305_SHA256_Ed25519);
            }
            #[test]
            fn pq004e_xwing_aes256gcm_sha384_ed25519() {
                run(Cs::MLS_128_MLKEM768X25519_AES256GCM_SHA384_Ed25519);
            }
            #[test]
            fn pq004f_xwing_aes128gcm_sha256_ed25519() {
                run(Cs::MLS_128_MLKEM768X25519_AES128GCM_SHA256_Ed25519);
            }
            #[test]
            fn pq0050_mlkem768_aes256gcm_sha384_p256() {
                run(Cs::MLS_128_MLKEM768_AES256GCM_SHA384_P256);
            }
            #[test]
            fn pq0051_mlkem768_aes256gcm_sha384_mldsa65() {
                run(Cs::MLS_192_MLKEM768_AES256GCM_SHA384_MLDSA65);
            }
            #[test]
            fn pq0052_xwing_chacha20poly1305_sha384_mldsa44() {
                run(Cs::MLS_128_MLKEM768X25519_CHACHA20POLY1305_SHA384_MLDSA44);
            }
            #[test]
            fn pq0906_mlkem1024_aes256gcm_sha512_mldsa87() {
                run(Cs::MLS_256_MLKEM1024_AES256GCM_SHA512_MLDSA87);
            }
            #[test]
            fn pq0907_mlkem1024_aes256gcm_sha384_mldsa87() {
                run(Cs::MLS_256_MLKEM1024_AES256GCM_SHA384_MLDSA87);
            }
            #[test]
            fn pqf042_mlkem768_aes256gcm_sha384_ed25519() {
                run(Cs::MLS_128_MLKEM768_AES256GCM_SHA384_Ed25519);
            }
            #[test]
            fn private_f0d0_p384_aes256gcm_sha384_mldsa44() {
                run(Cs::from_code(0xf0d0));
            }
            #[test]
            fn private_f0d1_p384_aes256gcm_sha384_mldsa65() {
                run(Cs::from_code(0xf0d1));
            }
            #[test]
            fn private_f0d2_p384_aes256gcm_sha384_mldsa87() {
                run(Cs::from_code(0xf0d2));
            }
        }
    )*};
}

per_suite! {
    primitives::sizes_match_the_registry,
    primitives::hash_known_answers,
    primitives::hmac_known_answers,
    primitives::hkdf_known_answers,
    primitives::hkdf_matches_its_definition,
    primitives::hkdf_expand_length_limit,
    primitives::aead_known_answer,
    primitives::aead_round_trip,
    primitives::aead_rejects_tampering,
    primitives::aead_rejects_wrong_key_and_nonce_lengths,
    signatures::signature_round_trip,
    signatures::signature_bit_flips_rejected,
    signatures::verify_rejects_malformed_public_keys,
    signatures::signature_private_key_validation,
    signatures::ecdsa_short_scalars_are_left_padded,
    signatures::signature_known_answers,
    hpke::hpke_labeled_round_trip,
    hpke::hpke_open_rejects_tampering,
    hpke::hpke_rejects_invalid_public_keys,
    hpke::hpke_rejects_invalid_private_keys,
    hpke::hpke_short_private_keys,
    hpke::hpke_export_round_trip,
    hpke::hpke_deterministic_under_seeded_rand,
    hpke::kem_derive_key_pair_is_deterministic,
    hpke::kem_key_pair_from_random_is_generate_key_pair,
}

/// RFC 9180 Appendix A covers four MLS suites exactly (same KEM, KDF and
/// AEAD); each runs on every backend offering it.
mod rfc9180_appendix_a {
    use crate::{harness, hpke, vectors};

    fn run(v: &'static vectors::Rfc9180Base) {
        harness::run_suite(v.section, v.suite, |c| hpke::rfc9180_base_mode(c, v));
    }

    #[test]
    fn a1_x25519_sha256_aes128gcm_is_cs1() {
        run(&vectors::RFC9180_A1);
    }
    #[test]
    fn a2_x25519_sha256_chacha20poly1305_is_cs3() {
        run(&vectors::RFC9180_A2);
    }
    #[test]
    fn a3_p256_sha256_aes128gcm_is_cs2() {
        run(&vectors::RFC9180_A3);
    }
    #[test]
    fn a6_p521_sha512_aes256gcm_is_cs5() {
        run(&vectors::RFC9180_A6);
    }
}

/// `supported_cipher_suites`, `suite` and `cipher_suite` tell one story:
/// the list is in code-point order without repeats, a suite object exists
/// exactly for listed suites and reports its own suite, and a missing suite
/// is `CipherSuiteNotProvided` naming the suite and the provider.
#[test]
fn suite_list_is_consistent() {
    harness::run_backend("suite_list_is_consistent", |b| {
        let p = &*b.provider;
        assert_eq!(p.name(), b.name, "provider name vs backends::all()");
        let listed = p.supported_cipher_suites();
        assert!(!listed.is_empty(), "no suites");
        assert!(
            listed.windows(2).all(|w| w[0].code() < w[1].code()),
            "not in strictly increasing code-point order: {listed:?}"
        );
        for cs in harness::conformance_suites().map(|d| d.suite) {
            let offered = listed.contains(&cs);
            match (p.suite(cs), p.cipher_suite(cs)) {
                (Some(s), Ok(t)) => {
                    assert!(offered, "{cs} provided but not listed");
                    assert_eq!(s.cipher_suite(), cs, "suite({cs}) reports another suite");
                    assert_eq!(
                        t.cipher_suite(),
                        cs,
                        "cipher_suite({cs}) reports another suite"
                    );
                }
                (None, Err(err)) => {
                    assert!(!offered, "{cs} listed but suite() is None");
                    assert_eq!(
                        err,
                        Error::Unsupported(Unsupported::CipherSuiteNotProvided {
                            suite: cs,
                            provider: p.name(),
                        })
                    );
                    let shown = err.to_string();
                    assert!(
                        shown.contains(&cs.to_string()) && shown.contains(p.name()),
                        "error does not name the suite and provider: {shown}"
                    );
                }
                (s, t) => panic!(
                    "{cs}: suite() is {} but cipher_suite() is {}",
                    if s.is_some() { "Some" } else { "None" },
                    if t.is_ok() { "Ok" } else { "Err" }
                ),
            }
        }
    });
}

/// Every conformance suite (built-in, and the private ML-DSA ones) is
/// offered by at least one backend, so no `per_suite` test passes without
/// running; and the macro's list is every conformance suite.
#[test]
fn every_suite_has_a_test() {
    // The macro's list, written out: a suite added to `BUILT_IN` fails here
    // until `per_suite!` gets a test function for it.
    const IN_MACRO: [CipherSuite; 20] = [
        CipherSuite::MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519,
        CipherSuite::MLS_128_DHKEMP256_AES128GCM_SHA256_P256,
        CipherSuite::MLS_128_DHKEMX25519_CHACHA20POLY1305_SHA256_Ed25519,
        CipherSuite::MLS_256_DHKEMX448_AES256GCM_SHA512_Ed448,
        CipherSuite::MLS_256_DHKEMP521_AES256GCM_SHA512_P521,
        CipherSuite::MLS_256_DHKEMX448_CHACHA20POLY1305_SHA512_Ed448,
        CipherSuite::MLS_256_DHKEMP384_AES256GCM_SHA384_P384,
        CipherSuite::MLS_192_MLKEM1024_AES256GCM_SHA384_P384,
        CipherSuite::MLS_256_XWING_CHACHA20POLY1305_SHA256_Ed25519,
        CipherSuite::MLS_128_MLKEM768X25519_AES256GCM_SHA384_Ed25519,
        CipherSuite::MLS_128_MLKEM768X25519_AES128GCM_SHA256_Ed25519,
        CipherSuite::MLS_128_MLKEM768_AES256GCM_SHA384_P256,
        CipherSuite::MLS_192_MLKEM768_AES256GCM_SHA384_MLDSA65,
        CipherSuite::MLS_128_MLKEM768X25519_CHACHA20POLY1305_SHA384_MLDSA44,
        CipherSuite::MLS_256_MLKEM1024_AES256GCM_SHA512_MLDSA87,
        CipherSuite::MLS_256_MLKEM1024_AES256GCM_SHA384_MLDSA87,
        CipherSuite::MLS_128_MLKEM768_AES256GCM_SHA384_Ed25519,
        CipherSuite::from_code(0xf0d0),
        CipherSuite::from_code(0xf0d1),
        CipherSuite::from_code(0xf0d2),
    ];
    let suites: Vec<CipherSuite> = harness::conformance_suites().map(|d| d.suite).collect();
    assert_eq!(
        IN_MACRO.len(),
        suites.len(),
        "per_suite! and the conformance suites differ in length"
    );
    for cs in suites {
        assert!(IN_MACRO.contains(&cs), "{cs} has no per_suite! test");
        let offering: Vec<&str> = harness::all_backends()
            .iter()
            .filter(|b| b.provider.suite(cs).is_some())
            .map(|b| b.name)
            .collect();
        assert!(
            !offering.is_empty(),
            "no backend offers {cs}: its tests check nothing"
        );
    }
}
