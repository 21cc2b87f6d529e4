//! Who a certificate names: the subject alternative names that identify a
//! member (URIs, DNS names, e-mail addresses), for applications that name
//! members and for the successor rule of §5.3.1.
//!
//! The subject distinguished name is not used: RFC 5280 §4.2.1.6 makes the
//! SAN the place for identities bound to the subject, and comparing DNs
//! (attribute order, string types, case rules) is a source of confusion
//! between different subjects.

use crate::cert::ParsedCert;
use crate::error::{Error, Refusal};
use mls_core::credential::Credential;
use std::collections::BTreeSet;
use std::fmt;
use x509_cert::ext::pkix::name::GeneralName;

/// The kinds of subject alternative name that identify a member.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum NameKind {
    /// `uniformResourceIdentifier`, e.g. an `im:` or `https:` URI.
    Uri,
    /// `dNSName`.
    Dns,
    /// `rfc822Name`, an e-mail address.
    Email,
}

impl NameKind {
    /// Every kind.
    pub const ALL: [Self; 3] = [Self::Uri, Self::Dns, Self::Email];
}

/// One identity a certificate names, normalised for comparison: DNS names
/// and the domain of an e-mail address in ASCII lower case (they are
/// case-insensitive), URIs and e-mail local parts as written.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum SubjectName {
    /// A URI.
    Uri(String),
    /// A DNS name.
    Dns(String),
    /// An e-mail address.
    Email(String),
}

impl SubjectName {
    /// The kind of name.
    pub fn kind(&self) -> NameKind {
        match self {
            Self::Uri(_) => NameKind::Uri,
            Self::Dns(_) => NameKind::Dns,
            Self::Email(_) => NameKind::Email,
        }
    }

    /// The name itself.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Uri(name) | Self::Dns(name) | Self::Email(name) => name,
        }
    }

    /// `name` as a name of `kind`, normalised.
    fn new(kind: NameKind, name: &str) -> Self {
        match kind {
            NameKind::Uri => Self::Uri(name.to_owned()),
            NameKind::Dns => Self::Dns(name.to_ascii_lowercase()),
            NameKind::Email => Self::Email(match name.rsplit_once('@') {
                Some((local, domain)) => format!("{local}@{}", domain.to_ascii_lowercase()),
                None => name.to_owned(),
            }),
        }
    }

    fn from_general_name(name: &GeneralName) -> Option<Self> {
        let (kind, name) = match name {
            GeneralName::UniformResourceIdentifier(uri) => (NameKind::Uri, uri),
            GeneralName::DnsName(dns) => (NameKind::Dns, dns),
            GeneralName::Rfc822Name(email) => (NameKind::Email, email),
            _ => return None,
        };
        Some(Self::new(kind, name.as_str()))
    }
}

/// `URI:...`, `DNS:...`, `email:...`, as OpenSSL prints them.
impl fmt::Display for SubjectName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Uri(name) => write!(f, "URI:{name}"),
            Self::Dns(name) => write!(f, "DNS:{name}"),
            Self::Email(name) => write!(f, "email:{name}"),
        }
    }
}

/// The identities the end-entity certificate of an X.509 credential names,
/// sorted, without duplicates.
///
/// This reads the certificate; it does not validate it. Call it on a
/// credential that passed validation, such as a group member's (the group
/// validated it when the member joined), to show who the member is.
pub fn subject_names(credential: &Credential) -> Result<Vec<SubjectName>, Error> {
    let Credential::X509 { certificates } = credential else {
        return Err(Refusal::NotX509(credential.credential_type().0).into());
    };
    let leaf = certificates.as_slice().first().ok_or(Refusal::EmptyChain)?;
    let leaf = ParsedCert::parse(0, leaf.cert_data.as_slice())?;
    Ok(names_of(&leaf)?.into_iter().collect())
}

pub(crate) fn names_of(cert: &ParsedCert<'_>) -> Result<BTreeSet<SubjectName>, Error> {
    Ok(cert
        .subject_alt_names()?
        .iter()
        .filter_map(SubjectName::from_general_name)
        .collect())
}

/// The successor rule: the new certificate names exactly the identities
/// of the kinds in `kinds` that the old one named, and names at least one.
///
/// Equal sets rather than one name in common: with one in common, a
/// certificate for `alice` and `mallory` could succeed one for `alice`,
/// and the member would silently take on a second identity. A renewal that
/// changes names is a new member (remove and add).
pub(crate) fn check_same_identity(
    old: &ParsedCert<'_>,
    new: &ParsedCert<'_>,
    kinds: &[NameKind],
) -> Result<(), Error> {
    let keep = |names: BTreeSet<SubjectName>| -> BTreeSet<SubjectName> {
        names
            .into_iter()
            .filter(|name| kinds.contains(&name.kind()))
            .collect()
    };
    let old_names = keep(names_of(old)?);
    let new_names = keep(names_of(new)?);
    if old_names.is_empty() {
        return Err(Refusal::NotSuccessor(format!(
            "the old certificate names no identity of the kinds compared ({}), \
             so no other certificate can be shown to name the same member",
            list_kinds(kinds)
        ))
        .into());
    }
    if old_names != new_names {
        return Err(Refusal::NotSuccessor(format!(
            "the new certificate names [{}], the old one [{}]; a successor must name the same identities",
            list(&new_names),
            list(&old_names)
        ))
        .into());
    }
    Ok(())
}

/// A basic predecessor is succeeded by a certificate that names its
/// identity (as UTF-8) among the kinds compared.
pub(crate) fn check_basic_predecessor(
    identity: &[u8],
    new: &ParsedCert<'_>,
    kinds: &[NameKind],
) -> Result<(), Error> {
    let names = names_of(new)?;
    let found = std::str::from_utf8(identity).is_ok_and(|identity| {
        kinds
            .iter()
            .any(|&kind| names.contains(&SubjectName::new(kind, identity)))
    });
    if found {
        Ok(())
    } else {
        Err(Refusal::NotSuccessor(format!(
            "the basic identity {:?} is not among the new certificate's names [{}]",
            String::from_utf8_lossy(identity),
            list(&names)
        ))
        .into())
    }
}

fn list(names: &BTreeSet<SubjectName>) -> String {
    names
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

fn list_kinds(kinds: &[NameKind]) -> String {
    kinds
        .iter()
        .map(|kind| match kind {
            NameKind::Uri => "URI",
            NameKind::Dns => "DNS",
            NameKind::Email => "email",
        })
        .collect::<Vec<_>>()
        .join(", ")
}
