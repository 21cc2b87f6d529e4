//! The provider's suite list and FIPS status.

use mls_core::provider::CryptoProvider;
use mls_core::{CipherSuite, Error, Unsupported};
use mls_crypto_awslc::AwsLcProvider;

fn codes(provider: &AwsLcProvider) -> Vec<u16> {
    provider
        .supported_cipher_suites()
        .into_iter()
        .map(CipherSuite::code)
        .collect()
}

#[test]
fn name_and_suite_objects() {
    let provider = AwsLcProvider::new();
    assert_eq!(provider.name(), "aws-lc");
    for suite in CipherSuite::ALL {
        let listed = provider.supported_cipher_suites().contains(&suite);
        match provider.suite(suite) {
            Some(object) => {
                assert!(listed, "{suite} provided but not listed");
                assert_eq!(object.cipher_suite(), suite);
            }
            None => {
                assert!(!listed, "{suite} listed but not provided");
                assert_eq!(
                    provider.cipher_suite(suite).err(),
                    Some(Error::Unsupported(Unsupported::CipherSuiteNotProvided {
                        suite,
                        provider: "aws-lc"
                    }))
                );
            }
        }
    }
    // No X448/Ed448 in aws-lc-rs.
    assert!(
        provider
            .suite(CipherSuite::MLS_256_DHKEMX448_AES256GCM_SHA512_Ed448)
            .is_none()
    );
    assert!(
        provider
            .suite(CipherSuite::MLS_256_DHKEMX448_CHACHA20POLY1305_SHA512_Ed448)
            .is_none()
    );
}

/// `fips_approved` answers for a FIPS build in every build, and a FIPS
/// build offers exactly those suites.
#[test]
fn fips_approved_suites() {
    let approved: Vec<u16> = CipherSuite::ALL
        .into_iter()
        .filter(|s| mls_crypto_awslc::fips_approved(*s))
        .map(CipherSuite::code)
        .collect();
    assert_eq!(approved, [2, 5, 7]);
    if cfg!(feature = "fips") {
        assert_eq!(codes(&AwsLcProvider::new()), approved);
    }
}

#[test]
fn suites_are_in_code_point_order() {
    let list = codes(&AwsLcProvider::new());
    let mut sorted = list.clone();
    sorted.sort_unstable();
    assert_eq!(list, sorted);
}

#[cfg(not(feature = "fips"))]
#[test]
fn default_build_offers_five_suites_and_no_fips() {
    let provider = AwsLcProvider::default();
    assert!(aws_lc_rs::try_fips_mode().is_err());
    assert!(!provider.fips_mode());
    assert_eq!(codes(&provider), [1, 2, 3, 5, 7]);
}

#[cfg(feature = "fips")]
#[test]
fn fips_build_offers_only_approved_suites() {
    let provider = AwsLcProvider::new();
    // The linked library itself reports FIPS mode, and the provider says so.
    assert_eq!(aws_lc_rs::try_fips_mode(), Ok(()));
    assert!(provider.fips_mode());
    assert_eq!(codes(&provider), [2, 5, 7]);
}
