//! The conformance runner: every supported official vector file against every
//! backend, as rows of file × backend × cipher suite.

mod crypto_basics;
mod deserialization;
mod key_schedule;
mod psk_secret;
mod tree_math;

use crate::backends::Backend;
use mls_core::CipherSuite;
use serde::Serialize;
use std::path::Path;

/// One row of the report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Row {
    /// The vector file name.
    pub file: &'static str,
    /// The backend name.
    pub backend: &'static str,
    /// The suite code point, or `None` for files without suites.
    pub cipher_suite: Option<u16>,
    /// Cases that passed.
    pub passed: usize,
    /// Cases that failed.
    pub failed: usize,
    /// Cases skipped because the backend lacks the suite.
    pub skipped: usize,
    /// What failed, one line per failed case (not part of the JSON report).
    #[serde(skip)]
    pub failures: Vec<String>,
}

/// Counts outcomes for one row.
#[derive(Default)]
pub(crate) struct Tally {
    passed: usize,
    failed: usize,
    skipped: usize,
    failures: Vec<String>,
}

impl Tally {
    /// Records one case.
    pub(crate) fn check(&mut self, name: &str, result: Result<(), String>) {
        match result {
            Ok(()) => self.passed = self.passed.saturating_add(1),
            Err(why) => {
                self.failed = self.failed.saturating_add(1);
                self.failures.push(format!("{name}: {why}"));
            }
        }
    }

    /// Records `n` cases skipped.
    pub(crate) fn skip(&mut self, n: usize) {
        self.skipped = self.skipped.saturating_add(n);
    }

    fn into_row(self, file: &'static str, backend: &'static str, suite: Option<u16>) -> Row {
        Row {
            file,
            backend,
            cipher_suite: suite,
            passed: self.passed,
            failed: self.failed,
            skipped: self.skipped,
            failures: self.failures,
        }
    }
}

/// Compares expected and actual bytes, describing a mismatch.
pub(crate) fn expect_eq(what: &str, expected: &[u8], actual: &[u8]) -> Result<(), String> {
    if expected == actual {
        Ok(())
    } else {
        Err(format!(
            "{what}: expected {}, got {}",
            hex::encode(expected),
            hex::encode(actual)
        ))
    }
}

/// The vector files this runner supports, in report order.
pub const FILES: [&str; 5] = [
    "tree-math.json",
    "deserialization.json",
    "crypto-basics.json",
    "key-schedule.json",
    "psk_secret.json",
];

/// Runs suite-specific cases: one row per backend and suite (cases of the
/// same suite counted together, in first-seen order); where the backend lacks
/// the suite, `checks(case)` cases are counted as skipped.
fn per_suite<C>(
    file: &'static str,
    cases: &[C],
    backends: &[Backend],
    rows: &mut Vec<Row>,
    code_of: impl Fn(&C) -> u16,
    checks: impl Fn(&C) -> usize,
    run: impl Fn(&C, &dyn mls_core::provider::CipherSuiteProvider, &mut Tally),
) {
    let mut codes: Vec<u16> = Vec::new();
    for case in cases {
        if !codes.contains(&code_of(case)) {
            codes.push(code_of(case));
        }
    }
    for b in backends {
        for &code in &codes {
            let mut t = Tally::default();
            for case in cases.iter().filter(|c| code_of(c) == code) {
                match CipherSuite::try_from(code) {
                    Err(e) => t.check("cipher_suite", Err(e.to_string())),
                    Ok(cs) => match b.provider.suite(cs) {
                        None => t.skip(checks(case)),
                        Some(suite) => run(case, suite, &mut t),
                    },
                }
            }
            rows.push(t.into_row(file, b.name, Some(code)));
        }
    }
}

/// Runs every supported file against every backend.
pub fn run(dir: &Path, backends: &[Backend]) -> Result<Vec<Row>, String> {
    let mut rows = Vec::new();
    for file in FILES {
        rows.extend(run_file(dir, file, backends)?);
    }
    Ok(rows)
}

/// Runs one file against every backend.
pub fn run_file(dir: &Path, file: &'static str, backends: &[Backend]) -> Result<Vec<Row>, String> {
    let mut rows = Vec::new();
    match file {
        "tree-math.json" => {
            let cases: Vec<tree_math::Case> = crate::vectors::load(dir, file)?;
            for b in backends {
                let mut t = Tally::default();
                tree_math::run(&cases, &mut t);
                rows.push(t.into_row(file, b.name, None));
            }
        }
        "deserialization.json" => {
            let cases: Vec<deserialization::Case> = crate::vectors::load(dir, file)?;
            for b in backends {
                let mut t = Tally::default();
                deserialization::run(&cases, &mut t);
                rows.push(t.into_row(file, b.name, None));
            }
        }
        "crypto-basics.json" => {
            let cases: Vec<crypto_basics::Case> = crate::vectors::load(dir, file)?;
            per_suite(
                file,
                &cases,
                backends,
                &mut rows,
                |c| c.cipher_suite,
                |_| crypto_basics::CHECKS,
                crypto_basics::run,
            );
        }
        "key-schedule.json" => {
            let cases: Vec<key_schedule::Case> = crate::vectors::load(dir, file)?;
            per_suite(
                file,
                &cases,
                backends,
                &mut rows,
                |c| c.cipher_suite,
                |c| c.epochs.len(),
                key_schedule::run,
            );
        }
        "psk_secret.json" => {
            let cases: Vec<psk_secret::Case> = crate::vectors::load(dir, file)?;
            per_suite(
                file,
                &cases,
                backends,
                &mut rows,
                |c| c.cipher_suite,
                |_| 1,
                psk_secret::run,
            );
        }
        other => return Err(format!("no runner for vector file {other}")),
    }
    Ok(rows)
}
