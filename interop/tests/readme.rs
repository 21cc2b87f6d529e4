//! The README's cipher-suite table must match what each provider reports.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use mls_core::CipherSuite;
use mls_core::provider::CryptoProvider;

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

#[test]
fn readme_suite_table_matches_the_providers() {
    let rows = readme_rows();
    assert_eq!(rows.len(), CipherSuite::ALL.len(), "one row per RFC suite");
    let columns: [(&str, Vec<u16>); 4] = [
        (
            "rustcrypto",
            column(&mls_crypto_rustcrypto::RustCryptoProvider::new(), false),
        ),
        ("ring", column(&mls_crypto_ring::RingProvider::new(), false)),
        (
            "aws-lc",
            column(&mls_crypto_awslc::AwsLcProvider::new(), false),
        ),
        (
            "aws-lc fips",
            column(&mls_crypto_awslc::AwsLcProvider::new(), true),
        ),
    ];
    for (row, cs) in rows.iter().zip(CipherSuite::ALL) {
        assert_eq!(row[0], cs.code().to_string());
        assert_eq!(row[1], format!("{cs:?}"));
        for (i, (name, offered)) in columns.iter().enumerate() {
            let want = if offered.contains(&cs.code()) {
                "yes"
            } else {
                "no"
            };
            assert_eq!(
                row[2 + i],
                want,
                "README says {name} suite {} is {:?}",
                cs.code(),
                row[2 + i]
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
