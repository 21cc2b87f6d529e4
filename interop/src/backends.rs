//! The crypto backends every test and the conformance runner iterate over.

use mls_core::provider::CryptoProvider;
use mls_core::{CipherSuiteDefinition, Unsupported};

/// One backend under test.
pub struct Backend {
    /// The name shown in reports.
    pub name: &'static str,
    /// The provider.
    pub provider: Box<dyn CryptoProvider>,
}

/// The name of the aws-lc backend: `aws-lc-fips` when this crate is built
/// with its `fips` feature, which builds aws-lc-rs on the AWS-LC FIPS module
/// (one AWS-LC is linked per build, so the two never run side by side).
pub const AWS_LC: &str = if cfg!(feature = "fips") {
    "aws-lc-fips"
} else {
    "aws-lc"
};

/// Every crypto backend of the workspace, in a fixed order.
pub fn all() -> Vec<Backend> {
    vec![
        Backend {
            name: "rustcrypto",
            provider: Box::new(mls_crypto_rustcrypto::RustCryptoProvider::new()),
        },
        Backend {
            name: "ring",
            provider: Box::new(mls_crypto_ring::RingProvider::new()),
        },
        Backend {
            name: AWS_LC,
            provider: Box::new(mls_crypto_awslc::AwsLcProvider::new()),
        },
    ]
}

/// Builds a backend's provider on exactly the given suite definitions.
type WithSuites = fn(Vec<CipherSuiteDefinition>) -> Result<Box<dyn CryptoProvider>, Unsupported>;

/// Every backend's name and `with_suites`, in [`all`]'s order.
const WITH_SUITES: [(&str, WithSuites); 3] = [
    ("rustcrypto", |d| {
        Ok(Box::new(
            mls_crypto_rustcrypto::RustCryptoProvider::with_suites(d)?,
        ))
    }),
    ("ring", |d| {
        Ok(Box::new(mls_crypto_ring::RingProvider::with_suites(d)?))
    }),
    (AWS_LC, |d| {
        Ok(Box::new(mls_crypto_awslc::AwsLcProvider::with_suites(d)?))
    }),
];

/// Every crypto backend, each offering those of `definitions` it implements
/// and no other suite: how tests run every backend on provisional or
/// private suites. A backend implementing none of them offers nothing. A
/// code point given twice is `DuplicateCipherSuite`.
pub fn all_offering(definitions: &[CipherSuiteDefinition]) -> Result<Vec<Backend>, Unsupported> {
    WITH_SUITES
        .iter()
        .map(|&(name, with_suites)| offering_on(name, with_suites, definitions))
        .collect()
}

/// [`all_offering`] for backend `name` alone (`None` for an unknown name),
/// without building the others.
pub fn offering(
    name: &str,
    definitions: &[CipherSuiteDefinition],
) -> Option<Result<Backend, Unsupported>> {
    let &(name, with_suites) = WITH_SUITES.iter().find(|(n, _)| *n == name)?;
    Some(offering_on(name, with_suites, definitions))
}

fn offering_on(
    name: &'static str,
    with_suites: WithSuites,
    definitions: &[CipherSuiteDefinition],
) -> Result<Backend, Unsupported> {
    let implemented = definitions
        .iter()
        .copied()
        .filter(|d| with_suites(vec![*d]).is_ok())
        .collect();
    Ok(Backend {
        name,
        provider: with_suites(implemented)?,
    })
}

/// The backends called `names`, in [`all`]'s order (every backend when
/// `names` is empty). An unknown name is an error that lists the known
/// ones; so is `aws-lc-fips` when the linked AWS-LC does not report FIPS
/// mode, so a row under that name always ran on the FIPS module.
pub fn select(names: &[String]) -> Result<Vec<Backend>, String> {
    let known: Vec<&str> = all().iter().map(|b| b.name).collect();
    if let Some(unknown) = names.iter().find(|n| !known.contains(&n.as_str())) {
        let hint = if unknown == "aws-lc-fips" {
            " (build with `--features fips` for the FIPS module)"
        } else {
            ""
        };
        return Err(format!(
            "unknown backend {unknown:?}{hint}; this build has: {}",
            known.join(", ")
        ));
    }
    let chosen: Vec<Backend> = all()
        .into_iter()
        .filter(|b| names.is_empty() || names.iter().any(|n| n == b.name))
        .collect();
    for b in &chosen {
        if b.name == "aws-lc-fips" && !b.provider.fips_mode() {
            return Err("aws-lc-fips: the linked AWS-LC does not report FIPS mode".into());
        }
    }
    Ok(chosen)
}

/// [`select`], each backend offering every built-in suite it implements, the
/// provisional (post-quantum) ones included: for files that name their
/// suite, such as passive-client sessions recorded from servers started
/// with `serve --provisional-suites`.
pub fn select_with_provisional(names: &[String]) -> Result<Vec<Backend>, String> {
    select(names)?
        .into_iter()
        .map(|b| {
            offering(b.name, CipherSuiteDefinition::BUILT_IN)
                .ok_or_else(|| format!("no backend named {:?}", b.name))?
                .map_err(|e| format!("backend {}: {e}", b.name))
        })
        .collect()
}
