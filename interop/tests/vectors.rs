//! The official vectors under `cargo test`: a broken vector or a regression in
//! any backend fails the suite. The folder comes from `$MLS_TEST_VECTORS` or
//! `../shared/test-vectors`; if it is missing the tests fail and say where
//! they looked.

#![allow(clippy::unwrap_used, clippy::panic, clippy::expect_used)]

use interop::backends;
use interop::conformance::{self, Row};
use mls_core::CipherSuite;
use std::path::{Path, PathBuf};

fn vector_dir() -> PathBuf {
    match interop::vectors::locate(None) {
        Ok(dir) => dir,
        Err(e) => panic!("{e}"),
    }
}

fn run_file(file: &'static str) -> Vec<Row> {
    let rows = conformance::run_file(&vector_dir(), file, &backends::all()).unwrap();
    let failures = interop::report::failures(&rows);
    assert!(failures.is_empty(), "{failures}");
    rows
}

#[test]
fn tree_math_passes_on_every_backend() {
    let rows = run_file("tree-math.json");
    assert_eq!(rows.len(), backends::all().len());
    for r in rows {
        // 10 trees (1 to 512 leaves), 5 checks each.
        assert_eq!((r.passed, r.failed, r.skipped), (50, 0, 0), "{r:?}");
    }
}

#[test]
fn deserialization_passes_on_every_backend() {
    for r in run_file("deserialization.json") {
        assert_eq!((r.passed, r.failed, r.skipped), (14, 0, 0), "{r:?}");
    }
}

#[test]
fn crypto_basics_passes_for_every_suite_each_backend_offers() {
    let rows = run_file("crypto-basics.json");
    for b in backends::all() {
        let offered = b.provider.supported_cipher_suites();
        for cs in CipherSuite::ALL {
            let row = rows
                .iter()
                .find(|r| r.backend == b.name && r.cipher_suite == Some(cs.code()))
                .unwrap_or_else(|| panic!("no row for {} suite {}", b.name, cs.code()));
            let expected = if offered.contains(&cs) {
                (6, 0, 0)
            } else {
                (0, 0, 6)
            };
            assert_eq!((row.passed, row.failed, row.skipped), expected, "{row:?}");
        }
    }
}

#[test]
fn a_tampered_vector_is_reported_as_failed() {
    let src = vector_dir().join("crypto-basics.json");
    let text = std::fs::read_to_string(src).unwrap();
    let mut cases: serde_json::Value = serde_json::from_str(&text).unwrap();
    // Flip the first hex digit of suite 1's RefHash output.
    let out = &mut cases[0]["ref_hash"]["out"];
    let s = out.as_str().unwrap().to_string();
    let flipped = if s.starts_with('0') { "1" } else { "0" };
    *out = serde_json::Value::String(format!("{flipped}{}", &s[1..]));

    let dir = std::env::temp_dir().join(format!("mls-vectors-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("crypto-basics.json"), cases.to_string()).unwrap();
    let rows = conformance::run_file(&dir, "crypto-basics.json", &backends::all()).unwrap();
    std::fs::remove_dir_all(&dir).unwrap();

    let suite1: Vec<&Row> = rows.iter().filter(|r| r.cipher_suite == Some(1)).collect();
    assert_eq!(suite1.len(), backends::all().len());
    for r in suite1 {
        assert_eq!((r.passed, r.failed), (5, 1), "{r:?}");
        assert!(r.failures[0].starts_with("ref_hash"), "{:?}", r.failures);
    }
}

#[test]
fn a_missing_vector_folder_is_an_error_naming_it() {
    let missing = Path::new("/nonexistent/mls-test-vectors");
    let err = interop::vectors::locate(Some(missing)).unwrap_err();
    assert_eq!(err.tried, vec![missing.to_path_buf()]);
    assert!(err.to_string().contains("/nonexistent/mls-test-vectors"));
}
