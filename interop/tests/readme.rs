//! The README's cipher-suite table must match what each provider reports.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use mls_core::provider::CryptoProvider;
use mls_core::{CipherSuite, CipherSuiteDefinition, Registration};

fn readme_rows() -> Vec<Vec<String>> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md");
    let text = std::fs::read_to_string(path).unwrap();
    let start = text.find("<!-- suites:start -->").expect("start marker");
    let end = text.find("<!-- suites:end -->").expect("end marker");
    text[start..end]
        .lines()
        .filter(|l| l.starts_with('|'))
        .skip(2) // header and separator
        .map(|l| {
            l.trim_matches('|')
                .split('|')
                .map(|c| c.trim().to_string())
                .collect()
        })
        .collect()
}

fn column(provider: &dyn CryptoProvider, fips_only: bool) -> Vec<u16> {
    provider
        .supported_cipher_suites()
        .into_iter()
        .filter(|cs| !fips_only || mls_crypto_awslc::fips_approved(*cs))
        .map(CipherSuite::code)
        .collect()
}

/// One row per built-in suite: "yes" where `new()` offers it, "opt-in"
/// where only `with_provisional_suites()` does, else "no".
#[test]
fn readme_suite_table_matches_the_providers() {
    use mls_crypto_awslc::AwsLcProvider;
    use mls_crypto_ring::RingProvider;
    use mls_crypto_rustcrypto::RustCryptoProvider;

    let rows = readme_rows();
    assert_eq!(
        rows.len(),
        CipherSuiteDefinition::BUILT_IN.len(),
        "one row per built-in suite"
    );
    let columns: [(&str, Vec<u16>, Vec<u16>); 4] = [
        (
            "rustcrypto",
            column(&RustCryptoProvider::new(), false),
            column(&RustCryptoProvider::with_provisional_suites(), false),
        ),
        (
            "ring",
            column(&RingProvider::new(), false),
            column(&RingProvider::with_provisional_suites(), false),
        ),
        (
            "aws-lc",
            column(&AwsLcProvider::new(), false),
            column(&AwsLcProvider::with_provisional_suites(), false),
        ),
        (
            "aws-lc fips",
            column(&AwsLcProvider::new(), true),
            column(&AwsLcProvider::with_provisional_suites(), true),
        ),
    ];
    for (row, d) in rows.iter().zip(CipherSuiteDefinition::BUILT_IN) {
        let code = d.suite.code();
        assert_eq!(row[0], format!("0x{code:04X}"));
        assert_eq!(row[1], d.name);
        let registration = match d.registration {
            Registration::Iana => "IANA",
            Registration::Provisional { .. } => "provisional",
            Registration::Private => "private",
        };
        assert_eq!(row[2], registration, "{}", d.name);
        for (i, (name, default, opt_in)) in columns.iter().enumerate() {
            let want = if default.contains(&code) {
                "yes"
            } else if opt_in.contains(&code) {
                "opt-in"
            } else {
                "no"
            };
            assert_eq!(
                row[3 + i],
                want,
                "README says {name} suite 0x{code:04X} is {:?}",
                row[3 + i]
            );
        }
    }
}

/// The commands of the README's first code block ("Getting started").
fn getting_started_commands(readme: &str) -> Vec<String> {
    let section = &readme[readme.find("## Getting started").expect("section")..];
    let block = section
        .split("```sh")
        .nth(1)
        .and_then(|b| b.split("```").next())
        .expect("a sh block");
    block
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_string)
        .collect()
}

#[test]
fn ci_runs_the_readmes_commands_as_written() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    let readme = std::fs::read_to_string(format!("{root}/README.md")).unwrap();
    let ci = std::fs::read_to_string(format!("{root}/.ci/run")).unwrap();
    let commands = getting_started_commands(&readme);
    assert_eq!(commands.len(), 2, "run and test: {commands:?}");
    assert!(commands[1].contains("fetch-vectors"), "{commands:?}");
    for command in commands {
        assert!(
            ci.lines().any(|l| l.trim() == command),
            ".ci/run does not run the README's `{command}`"
        );
    }
}
