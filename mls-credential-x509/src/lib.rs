//! X.509 credentials for MLS (RFC 9420 §5.3, §5.3.1): an Authentication
//! Service that decides whether a member's certificate chain binds its
//! identity to its leaf's signature key.
//!
//! ```no_run
//! # fn main() -> Result<(), mls_credential_x509::Error> {
//! # let (root_der, leaked_cert_der) = (Vec::new(), Vec::new());
//! use mls_credential_x509::{Revocations, X509Validator};
//!
//! let revoked = Revocations::new();
//! let validator = X509Validator::builder()
//!     .trust_anchor(root_der)
//!     .revocations(revoked.clone())
//!     .build()?;
//! // Client::builder(provider, credential, signer).credential_validator(validator)
//! revoked.revoke_certificate(&leaked_cert_der); // applies from the next check on
//! # Ok(()) }
//! ```
//!
//! # What is checked
//!
//! [`X509Validator`] lists the checks in order. In short: the chain (leaf
//! first, then intermediates, as §5.3 orders it) leads to a configured
//! trust anchor at the time mls-core gives (never the system clock here);
//! every certificate is within its validity period and not revoked by
//! policy; the leaf has key usage digitalSignature and certifies exactly
//! the leaf's `signature_key` (§5.3.1); the extended key usage policy
//! holds. A member's new certificate must name the same identities as its
//! old one ([`X509ValidatorBuilder::identity_kinds`]). [`subject_names`]
//! gives those identities to an application that names members.
//!
//! # Policies, and why
//!
//! - **Extended key usage:** any by default, since MLS has no registered
//!   key purpose; [`X509ValidatorBuilder::require_extended_key_usage`]
//!   requires one, on the leaf and on intermediates that list purposes.
//! - **Key usage:** the extension must be present on the leaf and include
//!   digitalSignature. RFC 5280 lets an absent extension mean "any use";
//!   a PKI that issues keys for signing says so.
//! - **Key binding:** MLS encodes Ed25519/Ed448 keys as their raw bytes and
//!   ECDSA keys as the uncompressed SEC1 point, which is exactly the content
//!   of the certificate's `subjectPublicKey`; the bytes are compared, and
//!   the key algorithm must be one an MLS signature scheme uses (Ed25519,
//!   Ed448, ECDSA on P-256, P-384, P-521).
//! - **Revocation:** by policy only ([`Revocations`]: SHA-256 fingerprint,
//!   or issuer and serial number), anywhere in the presented chain, even in
//!   an intermediate the path would not need: a credential that carries a
//!   revoked certificate is refused whole. CRL and OCSP fetching need the
//!   network and a freshness policy, which belong to the application.
//! - **Successor:** the same set of subject alternative names of the
//!   configured kinds (URI, DNS, e-mail by default), at least one; the old
//!   certificate is not re-validated, since renewing an expired
//!   certificate is the common case. basic → X.509 only when allowed and
//!   the certificate names the basic identity; X.509 → basic never.
//! - **Other credential types:** refused, or handed to an inner validator
//!   with [`X509Validator::with_basic`] for groups that mix basic and
//!   X.509 members.
//! - **Omitted intermediates:** §5.3 lets a chain leave out the non-leaf
//!   certificates peers already have; give those to the validator with
//!   [`X509ValidatorBuilder::intermediate`].
//! - **Who may be in which group** (the reference identifiers of §5.3.1):
//!   not decided here. This validator says who a credential names
//!   ([`subject_names`]); an application with per-group membership rules
//!   wraps it and compares those names with its own list for
//!   `check.group_id`.
//! - **Expired members:** every use is checked at the time given, leaves of
//!   a tree being joined included, as §5.3.2 expects members to renew
//!   before expiry. An application that tolerates expired members there
//!   wraps this validator.
//!
//! # Crates, and why
//!
//! Path building and validation are what
//! [rustls-webpki](https://docs.rs/rustls-webpki) does, and what the
//! RustCrypto `x509-cert` family does not (it parses and builds
//! certificates but validates no path). webpki is the validator of rustls,
//! written for hostile input: it builds the path itself (intermediates in
//! any order), bounds the signature checks and path-building calls a chain
//! can cost, and checks validity, basic constraints, path length and name
//! constraints. It was already in this workspace's dependency tree (rustls
//! under `interop`'s fetch-vectors).
//!
//! webpki verifies certificate signatures with ring (the default feature,
//! the same ring as `mls-crypto-ring`) or, with the `aws-lc-rs` feature,
//! with aws-lc-rs (the same as `mls-crypto-awslc`; P-521 CAs need it). The
//! `fips` feature builds aws-lc-rs on the AWS-LC FIPS module, so a FIPS
//! deployment verifies certificates inside the same module as its MLS
//! crypto; [`X509Validator::fips`] reports it. No second implementation of
//! a primitive enters the tree.
//!
//! webpki deliberately ignores key usage on end-entity certificates and
//! exposes neither e-mail names nor the key algorithm's parameters, so
//! those fields are read with `x509-cert`, on the `der`/`spki` versions
//! the RustCrypto backend already uses. A certificate must parse under
//! both to be accepted.

#![forbid(unsafe_code)]

mod cert;
mod chain;
mod error;
mod identity;
mod key;
mod revocation;
mod usage;
mod validator;

pub use error::{Error, Misuse, Refusal};
pub use identity::{NameKind, SubjectName, subject_names};
pub use revocation::{Revocations, fingerprint};
pub use validator::{MAX_CHAIN_LEN, X509Validator, X509ValidatorBuilder};
