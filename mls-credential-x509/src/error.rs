//! The crate's one error type, grouped by whose fault an error is, as in
//! `mls-core`: a malformed certificate, a credential our policy refuses,
//! something we do not support, and misuse of the builder.
//!
//! Through [`CredentialValidator`](mls_core::credential::CredentialValidator)
//! only the message reaches `mls-core` (inside `CredentialRejected` or
//! `CredentialNotSuccessor`), so every message says what was wrong in words
//! the operator of a PKI can act on.

/// Any error returned by `mls-credential-x509`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A certificate of the credential could not be parsed.
    #[error("certificate {index} of the chain is malformed: {detail}")]
    Malformed {
        /// Position in the chain (0 is the leaf).
        index: usize,
        /// What the parser reported.
        detail: String,
    },
    /// The credential is well formed but the policy refuses it.
    #[error("{0}")]
    Refused(#[from] Refusal),
    /// The credential uses something no MLS member can use, or this crate
    /// does not support.
    #[error("unsupported: {0}")]
    Unsupported(String),
    /// The validator was configured in a way that cannot work.
    #[error("API misuse: {0}")]
    Misuse(#[from] Misuse),
}

/// Why a well-formed credential is refused. One variant per rule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Refusal {
    /// The credential is not X.509 and no validator for its type is set.
    #[error(
        "credential type 0x{0:04x} is not accepted; only X.509 credentials are \
         (combine with X509Validator::with_basic to accept basic ones)"
    )]
    NotX509(u16),
    /// The credential carries no certificate (§5.3: the chain starts with
    /// the leaf's end-entity certificate).
    #[error("the X.509 credential carries no certificate")]
    EmptyChain,
    /// More certificates than any path this validator would build.
    #[error("the chain has {len} certificates; at most {max} are accepted")]
    ChainTooLong {
        /// Certificates presented.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// A certificate's notAfter is before the time of the check.
    #[error("certificate {index} ({role}) expired at {not_after} (check time {time})")]
    Expired {
        /// Position in the chain.
        index: usize,
        /// "leaf", "intermediate" or "known intermediate".
        role: &'static str,
        /// notAfter, RFC 3339.
        not_after: String,
        /// The time of the check, RFC 3339.
        time: String,
    },
    /// A certificate's notBefore is after the time of the check.
    #[error("certificate {index} ({role}) is not valid before {not_before} (check time {time})")]
    NotYetValid {
        /// Position in the chain.
        index: usize,
        /// "leaf", "intermediate" or "known intermediate".
        role: &'static str,
        /// notBefore, RFC 3339.
        not_before: String,
        /// The time of the check, RFC 3339.
        time: String,
    },
    /// A certificate of the chain is on the revocation list.
    #[error("certificate {index} ({role}) is revoked by policy (matched by {matched_by})")]
    Revoked {
        /// Position in the chain.
        index: usize,
        /// "leaf", "intermediate" or "known intermediate".
        role: &'static str,
        /// "SHA-256 fingerprint" or "issuer and serial number".
        matched_by: &'static str,
    },
    /// The leaf certificate may not be used to verify signatures.
    #[error("the leaf certificate's key usage {0}")]
    KeyUsage(&'static str),
    /// A certificate lacks the extended key usage the policy requires.
    #[error(
        "certificate {index} ({role}) does not allow the extended key usage {required}{detail}"
    )]
    ExtendedKeyUsage {
        /// Position in the chain.
        index: usize,
        /// "leaf", "intermediate" or "known intermediate".
        role: &'static str,
        /// The required OID, dotted.
        required: String,
        /// What the certificate lists instead.
        detail: String,
    },
    /// The leaf certificate certifies another key than the leaf's (§5.3:
    /// the two MUST be identical).
    #[error(
        "the leaf certificate key does not match the leaf's signature_key \
         (certificate: {algorithm} key of {cert_len} bytes, signature_key: {key_len} bytes)"
    )]
    KeyMismatch {
        /// The certificate's key algorithm.
        algorithm: &'static str,
        /// Length of the certified key.
        cert_len: usize,
        /// Length of the presented signature key.
        key_len: usize,
    },
    /// Path validation failed: no trusted path, a bad signature, a CA used
    /// as a leaf, a constraint violated.
    #[error("{0}")]
    Chain(String),
    /// The validator set with `X509Validator::with_basic` refused a basic
    /// credential; its reason, unchanged.
    #[error("{0}")]
    Basic(String),
    /// The new credential does not name the same member as the old one.
    #[error("not a successor of the member's credential: {0}")]
    NotSuccessor(String),
}

/// A builder configuration that cannot work.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Misuse {
    /// No trust anchor: every X.509 credential would be refused.
    #[error("no trust anchor configured: every X.509 credential would be refused")]
    NoTrustAnchors,
    /// A trust anchor certificate could not be parsed.
    #[error("trust anchor {index} is not a usable certificate: {detail}")]
    InvalidTrustAnchor {
        /// Position in the order the anchors were added.
        index: usize,
        /// What the parser reported.
        detail: String,
    },
    /// A known intermediate certificate could not be parsed, or does not
    /// allow the required extended key usage.
    #[error("known intermediate {index} is not usable: {detail}")]
    InvalidIntermediate {
        /// Position in the order the intermediates were added.
        index: usize,
        /// What was wrong.
        detail: String,
    },
    /// An extended key usage OID is not in dotted form.
    #[error("{0:?} is not an object identifier in dotted form")]
    InvalidOid(String),
    /// An empty list of identity name kinds: no two certificates could be
    /// found to name the same member.
    #[error("the identity name kinds are empty: no credential could have a successor")]
    NoIdentityKinds,
}

/// Where a certificate comes from, in the words of the messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Role {
    /// `certificates[0]` of the credential.
    Leaf,
    /// Any later entry of the credential.
    Intermediate,
    /// One of the validator's own known intermediates.
    Known,
}

impl Role {
    pub(crate) fn of_index(index: usize) -> Self {
        if index == 0 {
            Self::Leaf
        } else {
            Self::Intermediate
        }
    }

    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Leaf => "leaf",
            Self::Intermediate => "intermediate",
            Self::Known => "known intermediate",
        }
    }
}
