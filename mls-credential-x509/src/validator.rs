//! The Authentication Service for X.509 credentials (RFC 9420 §5.3.1):
//! the builder, the order of the checks, and the successor rule.

use crate::cert::{ParsedCert, parse_chain};
use crate::chain::{self, ALGORITHMS};
use crate::error::{Error, Misuse, Refusal, Role};
use crate::identity::{self, NameKind};
use crate::key;
use crate::revocation::Revocations;
use crate::usage::{self, EkuPolicy};
use mls_core::credential::{Credential, CredentialCheck, CredentialValidator};
use rustls_pki_types::{CertificateDer, TrustAnchor};
use std::fmt;
use x509_cert::der::asn1::ObjectIdentifier;

/// The longest chain accepted: the leaf, webpki's limit of six
/// intermediates, and a trust anchor sent along. A longer one is refused
/// before anything is parsed.
pub const MAX_CHAIN_LEN: usize = 8;

/// A [`CredentialValidator`] for X.509 credentials.
///
/// [`validate`](CredentialValidator::validate) accepts a credential when,
/// in this order (the first failure is the reason returned):
///
/// 1. it is `x509` (or `basic` and an inner validator set with
///    [`with_basic`](Self::with_basic) accepts it), with 1 to
///    [`MAX_CHAIN_LEN`] certificates, each of which parses;
/// 2. no certificate of the chain is [revoked](Revocations);
/// 3. every certificate is within its validity period at `check.time`
///    (the time mls-core passes, never the system clock here);
/// 4. the leaf has key usage digitalSignature, and the extended key usage
///    policy holds (any, by default);
/// 5. the leaf certifies exactly `check.signature_key`, with a key
///    algorithm an MLS signature scheme uses;
/// 6. rustls-webpki finds a valid path from the leaf through the presented
///    intermediates, and the validator's [known
///    ones](X509ValidatorBuilder::intermediate) that are not revoked, to a
///    trust anchor.
///
/// [`validate_successor`](CredentialValidator::validate_successor) then
/// requires a member's new certificate to name the same identities as its
/// old one (see [`X509ValidatorBuilder::identity_kinds`]).
///
/// Every check runs for every [`CredentialUse`](mls_core::credential::CredentialUse),
/// leaves of a joined tree included: a member whose certificate expired
/// makes the group's tree unacceptable until it renews (§5.3.1 leaves the
/// decision to the application; a validator that tolerates expired
/// members wraps this one).
pub struct X509Validator {
    anchors: Vec<TrustAnchor<'static>>,
    known_intermediates: Vec<Vec<u8>>,
    revocations: Revocations,
    eku: EkuPolicy,
    identity_kinds: Vec<NameKind>,
    basic_predecessor: bool,
    basic: Option<Box<dyn CredentialValidator>>,
}

impl fmt::Debug for X509Validator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("X509Validator")
            .field("trust_anchors", &self.anchors.len())
            .field("known_intermediates", &self.known_intermediates.len())
            .field("revocations", &self.revocations)
            .field("eku", &self.eku)
            .field("identity_kinds", &self.identity_kinds)
            .field("basic_predecessor", &self.basic_predecessor)
            .field("basic", &self.basic.is_some())
            .finish()
    }
}

/// Builds an [`X509Validator`].
#[derive(Debug, Default)]
pub struct X509ValidatorBuilder {
    anchors: Vec<Vec<u8>>,
    intermediates: Vec<Vec<u8>>,
    revocations: Revocations,
    eku: Option<String>,
    identity_kinds: Option<Vec<NameKind>>,
    basic_predecessor: bool,
}

impl X509ValidatorBuilder {
    /// Trusts the CA whose certificate (DER) is `der`: its subject and key
    /// become a trust anchor. Its own validity period and constraints are
    /// not checked (a trust anchor is trusted as configured, RFC 5280
    /// §6.1.1); remove it from the configuration to stop trusting it.
    pub fn trust_anchor(mut self, der: impl Into<Vec<u8>>) -> Self {
        self.anchors.push(der.into());
        self
    }

    /// Trusts each CA certificate (DER) of `ders`.
    pub fn trust_anchors<I>(mut self, ders: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<Vec<u8>>,
    {
        self.anchors.extend(ders.into_iter().map(Into::into));
        self
    }

    /// Knows the intermediate CA certificate (DER) `der`, for chains that
    /// omit it: §5.3 lets a chain leave out the non-leaf certificates
    /// peers already have. It is not trusted by itself: a path through it
    /// must still end at a trust anchor. A revoked one is left out of the
    /// paths.
    pub fn intermediate(mut self, der: impl Into<Vec<u8>>) -> Self {
        self.intermediates.push(der.into());
        self
    }

    /// The revoked certificates. The validator shares the set with the
    /// caller's clone, so later revocations apply at once.
    pub fn revocations(mut self, revocations: Revocations) -> Self {
        self.revocations = revocations;
        self
    }

    /// Requires the extended key usage `oid` (dotted, e.g.
    /// `"1.3.6.1.5.5.7.3.2"`): the leaf must list it, and an intermediate
    /// that lists purposes must list it too. Default: any purpose, since
    /// MLS has no registered one.
    pub fn require_extended_key_usage(mut self, oid: &str) -> Self {
        self.eku = Some(oid.to_owned());
        self
    }

    /// The kinds of subject alternative name that identify a member, for
    /// the successor rule: a new certificate must name exactly the names
    /// of these kinds that the old one named, and at least one. Default:
    /// URIs, DNS names and e-mail addresses. A deployment whose members
    /// are named by one kind (for example `im:` URIs) lists only it, so
    /// that a change of another kind does not block a renewal.
    pub fn identity_kinds(mut self, kinds: &[NameKind]) -> Self {
        self.identity_kinds = Some(kinds.to_vec());
        self
    }

    /// Lets a member with a basic credential move to an X.509 one, when the
    /// certificate names the basic identity (as UTF-8, among the identity
    /// kinds). Default: refused, since a basic credential proves nothing
    /// (§5.3) and the move would let its holder acquire any certificate's
    /// identity. The way back, X.509 to basic, is always refused.
    pub fn allow_basic_predecessor(mut self) -> Self {
        self.basic_predecessor = true;
        self
    }

    /// The validator, or why the configuration cannot work.
    pub fn build(self) -> Result<X509Validator, Error> {
        if self.anchors.is_empty() {
            return Err(Misuse::NoTrustAnchors.into());
        }
        let anchors = self
            .anchors
            .iter()
            .enumerate()
            .map(|(index, der)| {
                webpki::anchor_from_trusted_cert(&CertificateDer::from(der.as_slice()))
                    .map(|anchor| anchor.to_owned())
                    .map_err(|err| {
                        Error::from(Misuse::InvalidTrustAnchor {
                            index,
                            detail: format!("{err:?}"),
                        })
                    })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let eku = match self.eku {
            None => EkuPolicy::Any,
            Some(oid) => EkuPolicy::Require(
                ObjectIdentifier::new(&oid).map_err(|_| Misuse::InvalidOid(oid.clone()))?,
            ),
        };
        // A known intermediate the policy could never use is a mistake in
        // the configuration, reported now rather than as a refusal later.
        for (index, der) in self.intermediates.iter().enumerate() {
            let invalid = |err: Error| Misuse::InvalidIntermediate {
                index,
                detail: err.to_string(),
            };
            let cert = ParsedCert::parse_as(index, Role::Known, der).map_err(invalid)?;
            eku.check(std::slice::from_ref(&cert)).map_err(invalid)?;
        }
        let identity_kinds = self
            .identity_kinds
            .unwrap_or_else(|| NameKind::ALL.to_vec());
        if identity_kinds.is_empty() {
            return Err(Misuse::NoIdentityKinds.into());
        }
        Ok(X509Validator {
            anchors,
            known_intermediates: self.intermediates,
            revocations: self.revocations,
            eku,
            identity_kinds,
            basic_predecessor: self.basic_predecessor,
            basic: None,
        })
    }
}

impl X509Validator {
    /// A builder; at least one trust anchor is required.
    pub fn builder() -> X509ValidatorBuilder {
        X509ValidatorBuilder::default()
    }

    /// The same validator, which hands `basic` credentials to `inner`
    /// (for example mls-core's `BasicIdentityAllowList`): a group of
    /// members with basic and with X.509 credentials. Without it, basic
    /// credentials are refused.
    pub fn with_basic(mut self, inner: impl CredentialValidator + 'static) -> Self {
        self.basic = Some(Box::new(inner));
        self
    }

    /// Whether every algorithm that verifies certificate signatures runs
    /// in FIPS mode (only with the `fips` feature, on the AWS-LC FIPS
    /// module).
    pub fn fips(&self) -> bool {
        ALGORITHMS.iter().all(|alg| alg.fips())
    }

    /// [`CredentialValidator::validate`] with the typed error.
    pub fn check(&self, check: &CredentialCheck<'_>) -> Result<(), Error> {
        let certificates = match check.credential {
            Credential::X509 { certificates } => certificates.as_slice(),
            Credential::Basic { .. } => {
                return match &self.basic {
                    Some(inner) => inner
                        .validate(check)
                        .map_err(|reason| Refusal::Basic(reason).into()),
                    None => Err(Refusal::NotX509(check.credential.credential_type().0).into()),
                };
            }
        };
        if certificates.is_empty() {
            return Err(Refusal::EmptyChain.into());
        }
        if certificates.len() > MAX_CHAIN_LEN {
            return Err(Refusal::ChainTooLong {
                len: certificates.len(),
                max: MAX_CHAIN_LEN,
            }
            .into());
        }
        let ders: Vec<&[u8]> = certificates
            .iter()
            .map(|cert| cert.cert_data.as_slice())
            .collect();
        let chain = parse_chain(ders.iter().copied())?;
        // §5.3: certificates[0] is the end-entity certificate.
        let leaf = chain.first().ok_or(Refusal::EmptyChain)?;
        self.revocations.check(&chain)?;
        for cert in &chain {
            cert.check_validity(check.time)?;
        }
        usage::check_key_usage(leaf)?;
        self.eku.check(&chain)?;
        key::check_key_binding(leaf, check.signature_key)?;
        let mut pool = ders;
        for (index, der) in self.known_intermediates.iter().enumerate() {
            if !self.revocations.is_empty() {
                let known = ParsedCert::parse_as(index, Role::Known, der)?;
                if self.revocations.matched_by(&known)?.is_some() {
                    continue;
                }
            }
            pool.push(der.as_slice());
        }
        chain::verify_path(&pool, &self.anchors, check.time)
    }

    /// [`CredentialValidator::validate_successor`] with the typed error:
    /// §5.3.1, "the AS MUST also verify that the set of presented
    /// identifiers in the new credential is valid as a successor to the set
    /// of presented identifiers in the old credential".
    pub fn check_successor(&self, check: &CredentialCheck<'_>) -> Result<(), Error> {
        let Some((old, _)) = check.predecessor else {
            return Ok(());
        };
        // The same credential (a new encryption key only): `validate`,
        // called first, already found that it certifies the signature key.
        if old == check.credential {
            return Ok(());
        }
        match (old, check.credential) {
            (Credential::X509 { certificates: old }, Credential::X509 { certificates: new }) => {
                // The old certificate is read, not validated: it was when it
                // entered the group, and renewing an expired certificate is
                // the common case.
                let old = leaf_of(old.as_slice())?;
                let new = leaf_of(new.as_slice())?;
                identity::check_same_identity(&old, &new, &self.identity_kinds)
            }
            (Credential::Basic { identity }, Credential::X509 { certificates: new }) => {
                if !self.basic_predecessor {
                    return Err(Refusal::NotSuccessor(
                        "a basic credential may not be replaced by an X.509 one \
                         (X509ValidatorBuilder::allow_basic_predecessor allows it)"
                            .to_owned(),
                    )
                    .into());
                }
                let new = leaf_of(new.as_slice())?;
                identity::check_basic_predecessor(identity.as_slice(), &new, &self.identity_kinds)
            }
            (Credential::X509 { .. }, Credential::Basic { .. }) => Err(Refusal::NotSuccessor(
                "an X.509 credential may not be replaced by a basic one".to_owned(),
            )
            .into()),
            (Credential::Basic { .. }, Credential::Basic { .. }) => match &self.basic {
                Some(inner) => inner
                    .validate_successor(check)
                    .map_err(Refusal::NotSuccessor)
                    .map_err(Into::into),
                None => Err(Refusal::NotX509(check.credential.credential_type().0).into()),
            },
        }
    }
}

fn leaf_of(certificates: &[mls_core::credential::Certificate]) -> Result<ParsedCert<'_>, Error> {
    let leaf = certificates.first().ok_or(Refusal::EmptyChain)?;
    ParsedCert::parse(0, leaf.cert_data.as_slice())
}

/// The reason strings mls-core reports in `CredentialRejected` and
/// `CredentialNotSuccessor` are the [`Error`] messages.
impl CredentialValidator for X509Validator {
    fn validate(&self, check: &CredentialCheck<'_>) -> Result<(), String> {
        self.check(check).map_err(|err| err.to_string())
    }

    fn validate_successor(&self, check: &CredentialCheck<'_>) -> Result<(), String> {
        self.check_successor(check).map_err(|err| err.to_string())
    }
}
