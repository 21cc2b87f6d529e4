//! The crypto backends every test and the conformance runner iterate over.

use mls_core::provider::CryptoProvider;

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
