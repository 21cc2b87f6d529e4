//! The official vectors under `cargo test`: a broken vector or a regression in
//! any backend fails the suite. The folder comes from `$MLS_TEST_VECTORS` or
//! the `fetch-vectors` cache and is checked against the pin; if it is
//! missing or does not match, the tests fail with the command that fixes it
//! (they are never skipped).

#![allow(clippy::unwrap_used, clippy::panic, clippy::expect_used)]

use interop::backends;
use interop::conformance::{self, Lifetimes, Row};
use interop::vectors::VectorDir;
use mls_core::CipherSuite;
use std::path::PathBuf;
use std::sync::OnceLock;

/// The pinned vectors, checked once for the whole test binary.
fn vector_dir() -> &'static VectorDir {
    static DIR: OnceLock<Result<VectorDir, String>> = OnceLock::new();
    match DIR.get_or_init(|| VectorDir::locate(None).map_err(|e| e.to_string())) {
        Ok(dir) => dir,
        Err(e) => panic!("{e}"),
    }
}

fn run_file(file: &'static str) -> Vec<Row> {
    let rows = conformance::run_file(vector_dir(), file, &backends::all()).unwrap();
    let failures = interop::report::failures(&rows);
    assert!(failures.is_empty(), "{failures}");
    rows
}

#[test]
fn tree_math_passes_once() {
    // No crypto: one row, not one per backend.
    let rows = run_file("tree-math.json");
    assert_eq!(rows.len(), 1);
    for r in rows {
        assert_eq!((r.backend, r.cipher_suite), (None, None));
        // 10 trees (1 to 512 leaves), 5 checks each.
        assert_eq!((r.passed, r.failed, r.skipped), (50, 0, 0), "{r:?}");
    }
}

#[test]
fn deserialization_passes_once() {
    let rows = run_file("deserialization.json");
    assert_eq!(rows.len(), 1);
    for r in rows {
        assert_eq!((r.backend, r.cipher_suite), (None, None));
        assert_eq!((r.passed, r.failed, r.skipped), (14, 0, 0), "{r:?}");
    }
}

/// Every backend has one row per suite: `per_suite` passes where it offers
/// the suite, that many skips where it does not. Returns the rows.
fn expect_per_suite(file: &'static str, per_suite: usize) -> Vec<Row> {
    let rows = run_file(file);
    for b in backends::all() {
        let offered = b.provider.supported_cipher_suites();
        for cs in CipherSuite::ALL {
            let row = rows
                .iter()
                .find(|r| r.backend == Some(b.name) && r.cipher_suite == Some(cs.code()))
                .unwrap_or_else(|| panic!("{file}: no row for {} suite {}", b.name, cs.code()));
            let expected = if offered.contains(&cs) {
                (per_suite, 0, 0)
            } else {
                (0, 0, per_suite)
            };
            assert_eq!((row.passed, row.failed, row.skipped), expected, "{row:?}");
        }
    }
    rows
}

#[test]
fn crypto_basics_passes_for_every_suite_each_backend_offers() {
    expect_per_suite("crypto-basics.json", 6);
}

#[test]
fn key_schedule_passes_for_every_suite_each_backend_offers() {
    // One case per epoch, five epochs per suite.
    expect_per_suite("key-schedule.json", 5);
}

#[test]
fn psk_secret_passes_for_every_suite_each_backend_offers() {
    // 0 to 10 PSKs per suite.
    expect_per_suite("psk_secret.json", 11);
}

#[test]
fn secret_tree_passes_for_every_suite_each_backend_offers() {
    // Per suite: trees of 1, 8 and 32 leaves, one case per leaf plus one
    // sender-data case per tree.
    expect_per_suite("secret-tree.json", 44);
}

#[test]
fn transcript_hashes_pass_for_every_suite_each_backend_offers() {
    expect_per_suite("transcript-hashes.json", 3);
}

#[test]
fn message_protection_passes_for_every_suite_each_backend_offers() {
    expect_per_suite("message-protection.json", 11);
}

#[test]
fn tree_validation_passes_for_every_suite_each_backend_offers() {
    // 14 trees per suite; resolutions, tree hashes, parent hashes and leaf
    // signatures of each.
    expect_per_suite("tree-validation.json", 56);
}

#[test]
fn tree_operations_pass_on_every_backend() {
    let rows = run_file("tree-operations.json");
    assert_eq!(rows.len(), backends::all().len());
    for r in rows {
        // Suite 1 only: two adds, an update, two removes.
        assert_eq!(r.cipher_suite, Some(1));
        assert_eq!((r.passed, r.failed, r.skipped), (5, 0, 0), "{r:?}");
    }
}

#[test]
fn treekem_passes_for_every_suite_each_backend_offers() {
    // Per suite: each tree's private state, then per UpdatePath: merge,
    // decrypt at every member, and our own path round trip.
    expect_per_suite("treekem.json", 197);
}

#[test]
fn welcome_passes_for_every_suite_each_backend_offers() {
    // One Welcome per suite: group secrets, group info, its signature and
    // its confirmation tag.
    expect_per_suite("welcome.json", 4);
}

/// Every row of a default run of an official passive-client file says the
/// lifetime check was off, and why.
fn expect_lifetime_note(rows: &[Row], why: &str) {
    for r in rows {
        let note = r.note.unwrap_or_else(|| panic!("no note in {r:?}"));
        assert!(note.starts_with("lifetime check off: "), "{note}");
        assert!(note.contains(why), "{note}");
    }
}

#[test]
fn passive_client_welcome_passes_for_every_suite_each_backend_offers() {
    // Eight joins per suite (with and without the tree in the Welcome,
    // with and without an external PSK), no epochs after: the key pairs
    // and the join with its epoch authenticator.
    let rows = expect_per_suite("passive-client-welcome.json", 16);
    expect_lifetime_note(&rows, "expired");
}

#[test]
fn passive_client_handling_commit_passes_for_every_suite_each_backend_offers() {
    // 13 scenarios per suite, two epochs each: key pairs, join, and one
    // case per epoch.
    let rows = expect_per_suite("passive-client-handling-commit.json", 52);
    expect_lifetime_note(&rows, "90-day maximum");
}

#[test]
fn messages_decode_and_reencode_once() {
    let rows = run_file("messages.json");
    assert_eq!(rows.len(), 1);
    for r in rows {
        // 300 cases, 17 fields each.
        assert_eq!((r.passed, r.failed, r.skipped), (5100, 0, 0), "{r:?}");
    }
}

/// Runs `file` after `tamper` changed it, outside the pin; returns the rows
/// of suite 1 (or of files without suites).
fn run_tampered(file: &'static str, tamper: impl Fn(&mut serde_json::Value)) -> Vec<Row> {
    let mut cases: serde_json::Value = vector_dir().load(file).unwrap();
    tamper(&mut cases);
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(file), cases.to_string()).unwrap();
    // An edited copy is exactly what the pin refuses; the runner's own
    // checks are what is under test here.
    let edited = VectorDir::unpinned(dir.path());
    let rows = conformance::run_file(&edited, file, &backends::all()).unwrap();
    rows.into_iter()
        .filter(|r| matches!(r.cipher_suite, None | Some(1)))
        .collect()
}

/// Flips the last hex digit of a string field.
fn flip_hex(v: &mut serde_json::Value) {
    let s = v.as_str().unwrap().to_string();
    let last = if s.ends_with('0') { "1" } else { "0" };
    *v = serde_json::Value::String(format!("{}{last}", &s[..s.len() - 1]));
}

#[test]
fn a_tampered_key_schedule_fails_from_that_epoch_on() {
    for r in run_tampered("key-schedule.json", |v| {
        flip_hex(&mut v[0]["epochs"][2]["joiner_secret"])
    }) {
        assert_eq!((r.passed, r.failed), (2, 3), "{r:?}");
        assert!(r.failures[0].contains("joiner_secret"), "{:?}", r.failures);
    }
}

#[test]
fn a_tampered_tree_hash_fails() {
    let rows = run_tampered("tree-validation.json", |v| {
        flip_hex(&mut v[0]["tree_hashes"][0])
    });
    for r in rows {
        assert_eq!((r.passed, r.failed), (55, 1), "{r:?}");
        assert!(
            r.failures[0].contains("tree hash of node 0"),
            "{:?}",
            r.failures
        );
    }
}

#[test]
fn a_tampered_commit_secret_fails() {
    let rows = run_tampered("treekem.json", |v| {
        flip_hex(&mut v[0]["update_paths"][0]["commit_secret"])
    });
    for r in rows {
        assert_eq!((r.passed, r.failed), (196, 1), "{r:?}");
        assert!(r.failures[0].contains(": decrypt"), "{:?}", r.failures);
    }
}

#[test]
fn a_tampered_private_message_fails_to_unprotect() {
    for r in run_tampered("message-protection.json", |v| {
        flip_hex(&mut v[0]["commit_priv"])
    }) {
        assert_eq!((r.passed, r.failed), (10, 1), "{r:?}");
        assert!(
            r.failures[0].starts_with("commit vector PrivateMessage"),
            "{:?}",
            r.failures
        );
    }
}

#[test]
fn a_message_with_trailing_bytes_fails() {
    let rows = run_tampered("messages.json", |cases| {
        for field in ["private_message", "commit"] {
            let v = &mut cases[7][field];
            *v = serde_json::Value::String(format!("{}00", v.as_str().unwrap()));
        }
    });
    assert_eq!(rows.len(), 1);
    for r in rows {
        assert_eq!((r.passed, r.failed), (5098, 2), "{r:?}");
        assert!(
            r.failures.iter().all(|f| f.starts_with("case 7 ")),
            "{:?}",
            r.failures
        );
    }
}

#[test]
fn a_tampered_vector_is_reported_as_failed() {
    // Suite 1's RefHash output, last digit flipped.
    let suite1 = run_tampered("crypto-basics.json", |cases| {
        flip_hex(&mut cases[0]["ref_hash"]["out"])
    });
    assert_eq!(suite1.len(), backends::all().len());
    for r in suite1 {
        assert_eq!((r.passed, r.failed), (5, 1), "{r:?}");
        assert!(r.failures[0].starts_with("ref_hash"), "{:?}", r.failures);
    }
}

#[test]
fn a_welcome_under_another_signer_key_fails_its_signature() {
    for r in run_tampered("welcome.json", |v| flip_hex(&mut v[0]["signer_pub"])) {
        assert_eq!((r.passed, r.failed), (3, 1), "{r:?}");
        assert!(r.failures[0].starts_with("signature"), "{:?}", r.failures);
    }
}

#[test]
fn a_tampered_initial_epoch_authenticator_fails_the_join() {
    let rows = run_tampered("passive-client-welcome.json", |v| {
        flip_hex(&mut v[0]["initial_epoch_authenticator"])
    });
    for r in rows {
        assert_eq!((r.passed, r.failed), (15, 1), "{r:?}");
        assert!(
            r.failures[0].contains("initial epoch_authenticator"),
            "{:?}",
            r.failures
        );
    }
}

#[test]
fn a_tampered_epoch_authenticator_fails_that_epoch() {
    let rows = run_tampered("passive-client-handling-commit.json", |v| {
        flip_hex(&mut v[0]["epochs"][1]["epoch_authenticator"])
    });
    for r in rows {
        assert_eq!((r.passed, r.failed), (51, 1), "{r:?}");
        assert!(
            r.failures[0].starts_with("case 0 epoch 1: "),
            "{:?}",
            r.failures
        );
    }
}

/// A passive-client file of its own name and folder holding the first
/// `n` cases of `file`; removed when dropped.
struct PassiveFile(PathBuf);

impl PassiveFile {
    fn first_cases(file: &str, n: usize, name: &str) -> Self {
        let cases: Vec<serde_json::Value> = vector_dir().load(file).unwrap();
        let dir = std::env::temp_dir().join(format!("mls-passive-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("recorded-session.json");
        let cases = serde_json::Value::Array(cases.into_iter().take(n).collect());
        std::fs::write(&path, cases.to_string()).unwrap();
        Self(path)
    }
}

impl Drop for PassiveFile {
    fn drop(&mut self) {
        if let Some(dir) = self.0.parent() {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

#[test]
fn passive_files_run_from_any_path_and_name_the_lifetime_decision() {
    // Suite 1's first scenario (a commit adding a KeyPackage that lives
    // [0, 2^64-1]) and second.
    let file = PassiveFile::first_cases("passive-client-handling-commit.json", 2, "api");
    let path = file.0.as_path();
    for lifetimes in [Lifetimes::Checked, Lifetimes::OffByOption] {
        let rows = conformance::run_passive(&[path], &backends::all(), lifetimes).unwrap();
        assert_eq!(rows.len(), backends::all().len());
        for r in rows {
            assert_eq!(r.file, path.display().to_string());
            assert_eq!(r.note, Some(lifetimes.note()), "{r:?}");
            if lifetimes == Lifetimes::Checked {
                // The library's 90-day maximum lifetime refuses the Add.
                assert_eq!((r.passed, r.failed), (7, 1), "{r:?}");
                assert!(
                    r.failures[0].starts_with("case 0 epoch 1: "),
                    "{:?}",
                    r.failures
                );
            } else {
                assert_eq!((r.passed, r.failed), (8, 0), "{r:?}");
            }
        }
    }
}

#[test]
fn the_cli_says_when_the_lifetime_check_is_off() {
    let file = PassiveFile::first_cases("passive-client-welcome.json", 1, "cli");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_mls-interop"))
        .args(["conformance", "--passive"])
        .arg(&file.0)
        .arg("--no-lifetime-check")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(stderr.contains("--no-lifetime-check"), "{stderr}");
    assert!(
        stdout.contains("(lifetime check off: --no-lifetime-check)"),
        "{stdout}"
    );
    assert!(stdout.contains("recorded-session.json"), "{stdout}");
}

#[test]
fn a_backend_that_passes_nothing_is_reported() {
    let all = backends::all();
    let mut rows = run_file("welcome.json");
    assert!(conformance::idle_backends(&rows, &all).is_empty());
    // As if the last backend had been built without a single suite.
    let last = all.last().unwrap().name;
    for r in rows.iter_mut().filter(|r| r.backend == Some(last)) {
        r.skipped += r.passed;
        r.passed = 0;
    }
    assert_eq!(conformance::idle_backends(&rows, &all), vec![last]);
    // Rows of files without crypto do not make a backend busy.
    rows.extend(run_file("tree-math.json"));
    assert_eq!(conformance::idle_backends(&rows, &all), vec![last]);
}
