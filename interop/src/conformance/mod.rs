//! The conformance runner: every supported official vector file against every
//! backend, as rows of file × backend × cipher suite.

mod crypto_basics;
mod deserialization;
mod key_schedule;
mod message_protection;
mod messages;
mod passive_client;
mod psk_secret;
mod public_view;
mod secret_tree;
mod transcript_hashes;
mod tree_math;
mod tree_operations;
mod tree_validation;
mod treekem;
mod welcome;

use crate::backends::Backend;
use crate::vectors::{VectorDir, pin};
use mls_core::CipherSuite;
use serde::Serialize;
use std::path::Path;

pub use passive_client::Lifetimes;
pub use public_view::{PublicViewCounts, run as run_public_view};

/// One row of the report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Row {
    /// The vector file name (or, for `--passive`, the path given).
    pub file: String,
    /// The backend name, or `None` for files that use no crypto
    /// (`tree-math`, `deserialization`, `messages`), which are run once
    /// rather than once per backend.
    pub backend: Option<&'static str>,
    /// The suite code point, or `None` for files without suites.
    pub cipher_suite: Option<u16>,
    /// Cases that passed.
    pub passed: usize,
    /// Cases that failed.
    pub failed: usize,
    /// Cases skipped because the backend lacks the suite.
    pub skipped: usize,
    /// A check the runner switched off for this file, and why.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<&'static str>,
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
    note: Option<&'static str>,
}

impl Tally {
    /// Records that the runner switched a check off, with the reason.
    pub(crate) fn note(&mut self, note: &'static str) {
        self.note = Some(note);
    }

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

    fn into_row(self, file: &str, backend: Option<&'static str>, suite: Option<u16>) -> Row {
        Row {
            file: file.to_string(),
            backend,
            cipher_suite: suite,
            passed: self.passed,
            failed: self.failed,
            skipped: self.skipped,
            note: self.note,
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

/// The vector files this runner supports, in report order: exactly the
/// files of the pin ([`pin::OFFICIAL`]).
pub fn files() -> impl Iterator<Item = &'static str> {
    pin::OFFICIAL.files.iter().map(|f| f.name)
}

/// The official passive-client files, which the default run checks with
/// the KeyPackage lifetime check off (CHECKLIST.md, "Notes on the official
/// vectors"), and the note each of their rows carries. Any other file in
/// the format goes through [`run_passive`], with the check on unless asked.
///
/// * `passive-client-welcome.json`: the joiner's KeyPackages are valid
///   from 2023-03-03 to 2024-03-02.
/// * `passive-client-handling-commit.json`: the KeyPackages added in
///   commits have the lifetime [0, 2^64-1]; they have not expired, but
///   exceed the library's default maximum total lifetime of 90 days
///   (`GroupConfig::max_key_package_lifetime`, the maximum §7.2 requires
///   an application to set), which the runner lifts with the check.
pub const LIFETIME_OFF_FILES: [(&str, &str); 2] = [
    (
        "passive-client-welcome.json",
        "lifetime check off: KeyPackages expired 2024-03-02",
    ),
    (
        "passive-client-handling-commit.json",
        "lifetime check off: added KeyPackages live [0, 2^64-1], over the 90-day maximum",
    ),
];

/// Runs suite-specific cases: one row per backend and suite (cases of the
/// same suite counted together, in first-seen order); where the backend lacks
/// the suite, `checks(case)` cases are counted as skipped.
fn per_suite<C>(
    file: &str,
    cases: &[C],
    backends: &[Backend],
    rows: &mut Vec<Row>,
    code_of: impl Fn(&C) -> u16,
    checks: impl Fn(&C) -> usize,
    run: impl Fn(&C, &Backend, &dyn mls_core::provider::CipherSuiteProvider, &mut Tally),
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
                        Some(suite) => run(case, b, suite, &mut t),
                    },
                }
            }
            rows.push(t.into_row(file, Some(b.name), Some(code)));
        }
    }
}

/// Runs every pinned file against every backend.
pub fn run(vectors: &VectorDir, backends: &[Backend]) -> Result<Vec<Row>, String> {
    let mut rows = Vec::new();
    for file in files() {
        rows.extend(run_file(vectors, file, backends)?);
    }
    Ok(rows)
}

/// The backends that passed no case in `rows`. Every backend offers suites
/// the official files cover, so after [`run`] such a backend is misbuilt
/// (a FIPS build whose module offers nothing, say), not merely lacking a
/// suite; rows of files that use no crypto do not count for any backend.
pub fn idle_backends(rows: &[Row], backends: &[Backend]) -> Vec<&'static str> {
    backends
        .iter()
        .map(|b| b.name)
        .filter(|name| {
            !rows
                .iter()
                .any(|r| r.backend == Some(*name) && r.passed > 0)
        })
        .collect()
}

/// Runs one file against every backend.
pub fn run_file(
    vectors: &VectorDir,
    file: &'static str,
    backends: &[Backend],
) -> Result<Vec<Row>, String> {
    if let Some((_, note)) = LIFETIME_OFF_FILES.iter().find(|(name, _)| *name == file) {
        let cases: Vec<passive_client::Case> = vectors.load(file)?;
        let lifetimes = Lifetimes::OffForOfficialFile(note);
        return Ok(passive_rows(file, &cases, backends, lifetimes));
    }
    let mut rows = Vec::new();
    // A file without suites uses no crypto: one row, whatever the backends
    // (so that totals count its cases once).
    macro_rules! suite_free {
        ($module:ident) => {{
            let cases: Vec<$module::Case> = vectors.load(file)?;
            let mut t = Tally::default();
            $module::run(&cases, &mut t);
            rows.push(t.into_row(file, None, None));
        }};
    }
    // A file of per-suite cases; `$checks` counts a case's checks for skips.
    macro_rules! suite_specific {
        ($module:ident, $checks:expr) => {{
            let cases: Vec<$module::Case> = vectors.load(file)?;
            let code_of = |c: &$module::Case| c.cipher_suite;
            per_suite(
                file,
                &cases,
                backends,
                &mut rows,
                code_of,
                $checks,
                |c, _, suite, t| $module::run(c, suite, t),
            );
        }};
    }
    match file {
        "tree-math.json" => suite_free!(tree_math),
        "deserialization.json" => suite_free!(deserialization),
        "crypto-basics.json" => suite_specific!(crypto_basics, |_| crypto_basics::CHECKS),
        "key-schedule.json" => suite_specific!(key_schedule, |c| c.epochs.len()),
        "psk_secret.json" => suite_specific!(psk_secret, |_| 1),
        "secret-tree.json" => suite_specific!(secret_tree, secret_tree::checks),
        "transcript-hashes.json" => {
            suite_specific!(transcript_hashes, |_| transcript_hashes::CHECKS)
        }
        "message-protection.json" => {
            suite_specific!(message_protection, |_| message_protection::CHECKS)
        }
        "messages.json" => suite_free!(messages),
        "tree-validation.json" => suite_specific!(tree_validation, |_| tree_validation::CHECKS),
        "tree-operations.json" => suite_specific!(tree_operations, |_| 1),
        "treekem.json" => suite_specific!(treekem, treekem::checks),
        "welcome.json" => suite_specific!(welcome, |_| welcome::CHECKS),
        other => return Err(format!("no runner for vector file {other}")),
    }
    Ok(rows)
}

/// Runs passive-client files given by path (any file in the format of
/// FORMATS.md "Passive Client Scenarios") against every backend, with
/// the lifetime check on unless `lifetimes` says otherwise. Rows are named
/// by the path as given.
pub fn run_passive(
    paths: &[&Path],
    backends: &[Backend],
    lifetimes: Lifetimes,
) -> Result<Vec<Row>, String> {
    let mut rows = Vec::new();
    for path in paths {
        let cases: Vec<passive_client::Case> = crate::vectors::load_path(path)?;
        let name = path.display().to_string();
        rows.extend(passive_rows(&name, &cases, backends, lifetimes));
    }
    Ok(rows)
}

fn passive_rows(
    file: &str,
    cases: &[passive_client::Case],
    backends: &[Backend],
    lifetimes: Lifetimes,
) -> Vec<Row> {
    let mut rows = Vec::new();
    per_suite(
        file,
        cases,
        backends,
        &mut rows,
        |c| c.cipher_suite,
        passive_client::checks,
        |c, b, suite, t| {
            // The case's index in the file, so a failure names it.
            let index = cases.iter().position(|x| std::ptr::eq(x, c)).unwrap_or(0);
            passive_client::run(c, index, b.provider.as_ref(), suite, lifetimes, t);
        },
    );
    // Every row says whether lifetimes were checked, skipped rows too.
    for row in &mut rows {
        row.note = Some(lifetimes.note());
    }
    rows
}
