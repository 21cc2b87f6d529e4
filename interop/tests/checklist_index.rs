//! `CHECKLIST_TESTS.md` maps every line of the project's hostile-input
//! checklist to the integration tests that cover it. This test keeps the
//! map honest: every test it names exists in the file it names, the error
//! variant it claims appears in that file, every case has a test, and no
//! case is left to do.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;

/// One `path::test → Variant` entry of the map.
#[derive(Debug)]
struct Entry {
    line: usize,
    file: String,
    test: String,
    /// `None` for a behavioural case (no error is expected).
    variant: Option<String>,
}

/// The cases (bold bullets) and the entries under each.
fn parse(map: &str) -> Vec<(String, Vec<Result<Entry, String>>)> {
    let mut cases: Vec<(String, Vec<Result<Entry, String>>)> = Vec::new();
    for (i, raw) in map.lines().enumerate() {
        let line = i + 1;
        if let Some(case) = raw.strip_prefix("- **") {
            cases.push((case.trim_end_matches("**").to_string(), Vec::new()));
        } else if let Some(entry) = raw.strip_prefix("  - ") {
            let (_, entries) = cases
                .last_mut()
                .unwrap_or_else(|| panic!("line {line}: an entry before any case"));
            entries.push(parse_entry(line, entry));
        }
    }
    cases
}

fn parse_entry(line: usize, entry: &str) -> Result<Entry, String> {
    let rest = entry
        .strip_prefix('`')
        .ok_or_else(|| format!("line {line}: not a test entry: {entry}"))?;
    let (target, rest) = rest
        .split_once('`')
        .ok_or_else(|| format!("line {line}: unclosed `"))?;
    let (file, test) = target
        .rsplit_once("::")
        .ok_or_else(|| format!("line {line}: expected path::test, got {target}"))?;
    let claim = rest
        .trim_start()
        .strip_prefix('→')
        .ok_or_else(|| format!("line {line}: no → after the test"))?
        .trim_start();
    let variant = if claim.starts_with("behaviour") {
        None
    } else {
        let v = claim
            .strip_prefix('`')
            .and_then(|v| v.split_once('`'))
            .map(|(v, _)| v.to_string())
            .ok_or_else(|| format!("line {line}: no `Variant` after →"))?;
        Some(v)
    };
    Ok(Entry {
        line,
        file: file.to_string(),
        test: test.to_string(),
        variant,
    })
}

/// `source` with its `//` comments (doc comments included) removed, so a
/// variant named only in prose does not count as asserted.
fn without_comments(source: &str) -> String {
    source
        .lines()
        .map(|l| l.split_once("//").map_or(l, |(code, _)| code))
        .collect::<Vec<_>>()
        .join("\n")
}

fn defines(code: &str, test: &str) -> bool {
    code.contains(&format!("fn {test}(")) || code.contains(&format!("fn {test}<"))
}

/// `fn test` is defined with `#[test]` among the attributes above it.
fn is_test(code: &str, test: &str) -> bool {
    let lines: Vec<&str> = code.lines().collect();
    lines.iter().enumerate().any(|(i, l)| {
        let t = l.trim_start();
        (t.starts_with(&format!("fn {test}(")) || t.starts_with(&format!("fn {test}<")))
            && lines[..i]
                .iter()
                .rev()
                .map(|a| a.trim())
                .take_while(|a| a.is_empty() || a.starts_with("#["))
                .any(|a| a == "#[test]")
    })
}

#[test]
fn every_checklist_case_names_existing_tests_and_their_variants() {
    let tests = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let map = std::fs::read_to_string(tests.join("CHECKLIST_TESTS.md")).expect("the map");
    let cases = parse(&map);
    // The checklist has 13 sections and over a hundred distinct inputs;
    // a map that lost most of them is caught here.
    assert!(
        map.lines().filter(|l| l.starts_with("## ")).count() >= 13,
        "a section per CHECKLIST heading"
    );
    assert!(cases.len() >= 100, "only {} cases", cases.len());

    let mut problems = Vec::new();
    for (case, entries) in &cases {
        if entries.is_empty() {
            problems.push(format!("{case}: no test"));
        }
        for entry in entries {
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    problems.push(format!("{case}: {e}"));
                    continue;
                }
            };
            let Ok(source) = std::fs::read_to_string(root.join(&entry.file)) else {
                problems.push(format!("line {}: no file {}", entry.line, entry.file));
                continue;
            };
            let code = without_comments(&source);
            // The storage conformance suite's checks are functions each
            // backend's test file calls from its own #[test].
            let called_by_tests = entry.file.starts_with("storage-conformance/");
            let found = if called_by_tests {
                defines(&code, &entry.test)
            } else {
                is_test(&code, &entry.test)
            };
            if !found {
                problems.push(format!(
                    "line {}: no #[test] fn {} in {}",
                    entry.line, entry.test, entry.file
                ));
            }
            if let Some(variant) = &entry.variant {
                let name = variant.rsplit("::").next().unwrap_or(variant);
                if !code.contains(name) {
                    problems.push(format!(
                        "line {}: {} never names {name}",
                        entry.line, entry.file
                    ));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The parser accepts what the map's format allows and refuses the rest,
/// so the check above cannot pass on entries it did not read.
#[test]
fn the_parser_reads_entries_and_refuses_malformed_ones() {
    let map = "## S\n- **case**\n  - `a/b.rs::t` → `ProtocolError::X` (why)\n  - `a/b.rs::u` → behaviour (what)\n  - TODO\n";
    let cases = parse(map);
    assert_eq!(cases.len(), 1);
    let entries = &cases[0].1;
    let first = entries[0].as_ref().unwrap();
    assert_eq!((first.file.as_str(), first.test.as_str()), ("a/b.rs", "t"));
    assert_eq!(first.variant.as_deref(), Some("ProtocolError::X"));
    assert!(entries[1].as_ref().unwrap().variant.is_none());
    assert!(entries[2].is_err(), "TODO is not a test");
}

/// A variant named only in a comment, or a function without `#[test]`,
/// does not count.
#[test]
fn comments_and_helpers_do_not_count() {
    let source = "/// refused with WrongEpoch\n#[test]\nfn a() {}\n\nfn b() { WrongEpoch }\n";
    let code = without_comments(source);
    assert!(is_test(&code, "a"));
    assert!(!is_test(&code, "b") && defines(&code, "b"));
    assert!(code.contains("WrongEpoch"), "in b's code");
    assert!(!without_comments("/// WrongEpoch\nfn a() {}").contains("WrongEpoch"));
}
