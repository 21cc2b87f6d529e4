//! Rendering conformance rows for people and for machines.

use crate::conformance::Row;
use std::fmt::Write as _;

/// A fixed-width table, one line per row, with a totals line. The file
/// column is as wide as the longest file name (at least 24); files that use
/// no crypto show `-` as backend.
pub fn table(rows: &[Row]) -> String {
    let mut out = String::new();
    let w = rows
        .iter()
        .map(|r| r.file.chars().count())
        .max()
        .unwrap_or(0)
        .max(24);
    let _ = writeln!(
        out,
        "{:<w$} {:<11} {:>6} {:>7} {:>7} {:>8}",
        "file", "backend", "suite", "passed", "failed", "skipped"
    );
    let (mut p, mut f, mut s) = (0usize, 0usize, 0usize);
    for r in rows {
        let suite = r
            .cipher_suite
            .map_or_else(|| "-".to_string(), |c| c.to_string());
        let note = if r.skipped > 0 && r.passed == 0 && r.failed == 0 {
            "  (suite not offered by backend)".to_string()
        } else if let Some(n) = r.note {
            format!("  ({n})")
        } else {
            String::new()
        };
        let _ = writeln!(
            out,
            "{:<w$} {:<11} {:>6} {:>7} {:>7} {:>8}{note}",
            r.file,
            r.backend.unwrap_or("-"),
            suite,
            r.passed,
            r.failed,
            r.skipped
        );
        p = p.saturating_add(r.passed);
        f = f.saturating_add(r.failed);
        s = s.saturating_add(r.skipped);
    }
    let _ = writeln!(out, "total: {p} passed, {f} failed, {s} skipped");
    out
}

/// The rows as a JSON array of
/// `{"file", "backend", "cipher_suite", "passed", "failed", "skipped"}`
/// (`backend` is `null` for files that use no crypto),
/// plus `"note"` where the runner switched a check off (or, for
/// passive-client files, says whether lifetimes were checked).
pub fn json(rows: &[Row]) -> Result<String, serde_json::Error> {
    serde_json::to_string_pretty(rows)
}

/// Failure details, one line each, for standard error.
pub fn failures(rows: &[Row]) -> String {
    let mut out = String::new();
    for r in rows {
        for why in &r.failures {
            let suite = r
                .cipher_suite
                .map_or_else(String::new, |c| format!(" suite {c}"));
            let backend = r.backend.unwrap_or("no crypto");
            let _ = writeln!(out, "FAIL {} [{backend}{suite}] {why}", r.file);
        }
    }
    out
}
