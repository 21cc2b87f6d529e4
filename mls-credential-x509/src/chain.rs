//! Path validation (RFC 5280 §6) by rustls-webpki: from the end-entity
//! certificate through the presented intermediates to a configured trust
//! anchor, at the time of the check.
//!
//! webpki builds the path itself, so intermediates may come in any order
//! and unused ones are ignored. It bounds the work a hostile chain can cause
//! (signature checks and path-building calls), checks signatures, validity,
//! basic constraints, path length and name constraints. It checks neither
//! key usage nor revocation here: `usage.rs` and `revocation.rs` do.

use crate::error::{Error, Refusal};
use rustls_pki_types::{CertificateDer, SignatureVerificationAlgorithm, TrustAnchor, UnixTime};
use std::time::Duration;
use webpki::{EndEntityCert, ExtendedKeyUsageValidator, KeyPurposeIdIter};

#[cfg(not(any(feature = "ring", feature = "aws-lc-rs")))]
compile_error!(
    "mls-credential-x509 verifies certificate signatures with ring or aws-lc-rs: \
     enable the `ring` (default) or the `aws-lc-rs` feature"
);

/// The signature algorithms accepted on certificates (not on the leaf's
/// own key, which `key.rs` checks). The same list as rustls' for the
/// backend: ECDSA, Ed25519 and RSA of at least 2048 bits, as issued by CAs.
#[cfg(feature = "aws-lc-rs")]
pub(crate) static ALGORITHMS: &[&dyn SignatureVerificationAlgorithm] = {
    use webpki::aws_lc_rs as alg;
    &[
        alg::ECDSA_P256_SHA256,
        alg::ECDSA_P256_SHA384,
        alg::ECDSA_P384_SHA256,
        alg::ECDSA_P384_SHA384,
        alg::ECDSA_P521_SHA256,
        alg::ECDSA_P521_SHA384,
        alg::ECDSA_P521_SHA512,
        alg::ED25519,
        alg::RSA_PSS_2048_8192_SHA256_LEGACY_KEY,
        alg::RSA_PSS_2048_8192_SHA384_LEGACY_KEY,
        alg::RSA_PSS_2048_8192_SHA512_LEGACY_KEY,
        alg::RSA_PKCS1_2048_8192_SHA256,
        alg::RSA_PKCS1_2048_8192_SHA384,
        alg::RSA_PKCS1_2048_8192_SHA512,
        alg::RSA_PKCS1_3072_8192_SHA384,
    ]
};

/// See the aws-lc-rs list; ring has no P-521.
#[cfg(all(feature = "ring", not(feature = "aws-lc-rs")))]
pub(crate) static ALGORITHMS: &[&dyn SignatureVerificationAlgorithm] = {
    use webpki::ring as alg;
    &[
        alg::ECDSA_P256_SHA256,
        alg::ECDSA_P256_SHA384,
        alg::ECDSA_P384_SHA256,
        alg::ECDSA_P384_SHA384,
        alg::ED25519,
        alg::RSA_PSS_2048_8192_SHA256_LEGACY_KEY,
        alg::RSA_PSS_2048_8192_SHA384_LEGACY_KEY,
        alg::RSA_PSS_2048_8192_SHA512_LEGACY_KEY,
        alg::RSA_PKCS1_2048_8192_SHA256,
        alg::RSA_PKCS1_2048_8192_SHA384,
        alg::RSA_PKCS1_2048_8192_SHA512,
        alg::RSA_PKCS1_3072_8192_SHA384,
    ]
};

#[cfg(not(any(feature = "ring", feature = "aws-lc-rs")))]
pub(crate) static ALGORITHMS: &[&dyn SignatureVerificationAlgorithm] = &[];

/// The name of the backend that verifies certificate signatures.
pub(crate) const BACKEND: &str = if cfg!(feature = "aws-lc-rs") {
    "aws-lc-rs"
} else {
    "ring"
};

/// Extended key usage is checked by `usage.rs` on every presented
/// certificate, where the error can say which one; webpki is told to let
/// any list pass but still rejects a malformed one.
struct AnyEku;

impl ExtendedKeyUsageValidator for AnyEku {
    fn validate(&self, iter: KeyPurposeIdIter<'_, '_>) -> Result<(), webpki::Error> {
        for purpose in iter {
            purpose?;
        }
        Ok(())
    }
}

/// Validates the path from `chain[0]` to one of `anchors` at `time`.
pub(crate) fn verify_path(
    chain: &[&[u8]],
    anchors: &[TrustAnchor<'static>],
    time: u64,
) -> Result<(), Error> {
    let Some((leaf, intermediates)) = chain.split_first() else {
        return Err(Refusal::EmptyChain.into());
    };
    let leaf = CertificateDer::from(*leaf);
    let intermediates: Vec<CertificateDer<'_>> = intermediates
        .iter()
        .map(|der| CertificateDer::from(*der))
        .collect();
    let end_entity = EndEntityCert::try_from(&leaf).map_err(|err| Error::Malformed {
        index: 0,
        detail: describe(&err),
    })?;
    end_entity
        .verify_for_usage(
            ALGORITHMS,
            anchors,
            &intermediates,
            UnixTime::since_unix_epoch(Duration::from_secs(time)),
            AnyEku,
            None,
            None,
        )
        .map(|_| ())
        .map_err(|err| Refusal::Chain(describe(&err)).into())
}

/// webpki's error in words: what failed, and where to look.
fn describe(err: &webpki::Error) -> String {
    use crate::cert::format_time;
    use webpki::Error as E;
    match err {
        E::UnknownIssuer => "the chain does not lead to a trust anchor: no trust anchor and \
             no intermediate (presented or known) issued a certificate of the path \
             (a missing intermediate, or a certificate from another CA)"
            .to_owned(),
        E::CertExpired { not_after, time } => format!(
            "a certificate of the path expired at {} (check time {})",
            format_time(not_after.as_secs()),
            format_time(time.as_secs())
        ),
        E::CertNotValidYet { not_before, time } => format!(
            "a certificate of the path is not valid before {} (check time {})",
            format_time(not_before.as_secs()),
            format_time(time.as_secs())
        ),
        E::InvalidSignatureForPublicKey => "a certificate's signature does not verify with its \
             issuer's key (a CA impersonating a trusted one by name, or a damaged certificate)"
            .to_owned(),
        E::UnsupportedSignatureAlgorithmContext(_)
        | E::UnsupportedSignatureAlgorithmForPublicKeyContext(_) => format!(
            "a certificate is signed with an algorithm not accepted here \
             (accepted: ECDSA P-256/P-384{}, Ed25519, RSA >= 2048 bits, verified with {BACKEND}): {err:?}",
            if cfg!(feature = "aws-lc-rs") {
                "/P-521"
            } else {
                ""
            }
        ),
        E::CaUsedAsEndEntity => "the leaf certificate is a CA certificate (basicConstraints cA); \
             a member needs an end-entity certificate"
            .to_owned(),
        E::EndEntityUsedAsCa => {
            "an issuing certificate of the path is not a CA certificate (basicConstraints)"
                .to_owned()
        }
        E::PathLenConstraintViolated => {
            "the path is longer than a CA's pathLenConstraint allows".to_owned()
        }
        E::NameConstraintViolation => {
            "a name of the leaf is outside a CA's name constraints".to_owned()
        }
        E::UnsupportedCriticalExtension => {
            "a certificate has a critical extension this validator does not know".to_owned()
        }
        E::MaximumSignatureChecksExceeded
        | E::MaximumPathBuildCallsExceeded
        | E::MaximumPathDepthExceeded => {
            format!("the chain is too complex to validate ({err:?}); present the path only")
        }
        E::CertDistrusted => "a certificate of the path has a distrusted key".to_owned(),
        E::InvalidCertValidity => "a certificate's notAfter is before its notBefore".to_owned(),
        _ => format!("certificate path validation failed: {err:?}"),
    }
}
