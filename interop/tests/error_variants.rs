//! Every public error variant of `mls-core` is produced by at least one
//! test that names it (issue 14: "one test per public error variant that
//! produces it"). The variants are read from `mls-core/src/error.rs`, the
//! tests from the workspace's test sources; a variant no test names fails
//! this test, unless it is in [`NOT_PRODUCIBLE`] with the reason no test
//! can produce it, or in [`NOT_YET_TESTED`], the list of known gaps, which
//! may only shrink: a gap that a test now names fails this test until it
//! is taken off the list.
//!
//! A name is counted where it is written qualified (`ProtocolError::Foo`)
//! in a test source, which is how the tests assert variants (`matches!`,
//! `assert_eq!`, the hostile tests' `protocol!`).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

/// The error enums whose variants a caller matches on.
const ENUMS: [&str; 7] = [
    "Error",
    "DecodeError",
    "ProtocolError",
    "Unsupported",
    "Misuse",
    "StorageErrorKind",
    "CryptoError",
];

/// Variants no test can bring about, with why.
const NOT_PRODUCIBLE: [(&str, &str); 5] = [
    (
        "Error::Internal",
        "an invariant of the library's own state failed: a bug, not an input",
    ),
    (
        "CryptoError::Backend",
        "a crypto backend's own failure (a keystore that is down); the backends \
         of this workspace fail on no input a test can give",
    ),
    (
        "Misuse::RatchetExhausted",
        "2^32 messages of one sender in one epoch",
    ),
    (
        "Misuse::TooLarge",
        "a value over 2^30 - 1 bytes or an epoch at 2^64 - 1: a test would hold a \
         gigabyte or run for ever",
    ),
    (
        "DecodeError::Codec",
        "a tls_codec error the decoders of mls-core never raise (they map every \
         error they can meet); kept so a new one still reads as a decode error",
    ),
];

/// Variants still without a test that produces them through the public
/// API. Empty since issue 14 (tree validation and resumption Welcomes
/// through `Group::join`); a new variant may be listed here only with an
/// issue that tests it. Only ever shrinks.
const NOT_YET_TESTED: [&str; 0] = [];

/// Where tests live, relative to the workspace root.
fn test_sources(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            if path.is_dir() {
                if !matches!(name.as_str(), "target" | ".git" | "fuzz") {
                    stack.push(path);
                }
            } else if name.ends_with(".rs") && name != "error_variants.rs" && is_test_source(&path)
            {
                out.push(path);
            }
        }
    }
    out
}

/// Integration tests (`tests/`), unit-test modules (`tests.rs`, files
/// under a `tests/` folder) and the storage suite.
fn is_test_source(path: &Path) -> bool {
    let text = path.to_string_lossy();
    text.contains("/tests/") || text.ends_with("/tests.rs") || text.ends_with("suite.rs")
}

/// `(enum, variant)` for every variant of [`ENUMS`] in `error.rs`.
fn variants(source: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for name in ENUMS {
        let start = format!("pub enum {name} {{");
        let body_start = source
            .find(&start)
            .unwrap_or_else(|| panic!("no enum {name}"))
            + start.len();
        let body_len = source[body_start..].find("\n}").unwrap();
        for line in source[body_start..body_start + body_len].lines() {
            // Variants sit at one level of indentation; fields deeper.
            let Some(rest) = line.strip_prefix("    ") else {
                continue;
            };
            let first = rest.chars().next().unwrap_or(' ');
            if !first.is_ascii_uppercase() {
                continue;
            }
            let variant: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            out.push((name.to_string(), variant));
        }
    }
    out
}

#[test]
fn every_public_error_variant_is_produced_by_a_named_test() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let errors = std::fs::read_to_string(root.join("mls-core/src/error.rs")).unwrap();
    let all = variants(&errors);
    assert!(
        all.len() > 100,
        "the parser found only {} variants",
        all.len()
    );
    let sources: String = test_sources(root)
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect::<Vec<_>>()
        .join("\n");
    let named = |qualified: &str| {
        sources.match_indices(qualified).any(|(at, _)| {
            // A whole name: not the prefix of a longer variant.
            !sources[at + qualified.len()..]
                .starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
        })
    };
    let qualified: Vec<String> = all.iter().map(|(e, v)| format!("{e}::{v}")).collect();
    for listed in NOT_PRODUCIBLE.iter().map(|(n, _)| *n).chain(NOT_YET_TESTED) {
        assert!(
            qualified.iter().any(|q| q == listed),
            "{listed} is listed here but is no variant of error.rs"
        );
    }
    let unnamed: Vec<&String> = qualified
        .iter()
        .filter(|q| !named(q))
        .filter(|q| !NOT_PRODUCIBLE.iter().any(|(n, _)| n == q))
        .filter(|q| !NOT_YET_TESTED.contains(&q.as_str()))
        .collect();
    assert!(
        unnamed.is_empty(),
        "error variants no test names ({}): add a test that produces each and \
         asserts it:\n{unnamed:#?}",
        unnamed.len(),
    );
    let closed: Vec<&str> = NOT_YET_TESTED.into_iter().filter(|g| named(g)).collect();
    assert!(
        closed.is_empty(),
        "these have a test now: take them off NOT_YET_TESTED: {closed:?}"
    );
}
