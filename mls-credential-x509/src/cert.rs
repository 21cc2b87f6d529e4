//! Reading the certificate fields that rustls-webpki does not expose: the
//! validity window (for messages that say which certificate expired), key
//! usage, extended key usage and subject alternative names.
//!
//! Certificates are hostile input: every accessor returns an error rather
//! than assume a well-formed extension.

use crate::error::{Error, Refusal, Role};
use x509_cert::Certificate;
use x509_cert::der::asn1::ObjectIdentifier;
use x509_cert::der::{DateTime, Decode};
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::ext::pkix::{ExtendedKeyUsage, KeyUsage, SubjectAltName};

/// One certificate of a chain, parsed, with its place in the chain.
pub(crate) struct ParsedCert<'a> {
    pub(crate) index: usize,
    pub(crate) role: Role,
    pub(crate) der: &'a [u8],
    pub(crate) cert: Certificate,
}

impl<'a> ParsedCert<'a> {
    /// Parses certificate `index` of a chain.
    pub(crate) fn parse(index: usize, der: &'a [u8]) -> Result<Self, Error> {
        Self::parse_as(index, Role::of_index(index), der)
    }

    /// Parses a certificate from elsewhere than a credential.
    pub(crate) fn parse_as(index: usize, role: Role, der: &'a [u8]) -> Result<Self, Error> {
        let cert = Certificate::from_der(der).map_err(|err| Error::Malformed {
            index,
            detail: err.to_string(),
        })?;
        Ok(Self {
            index,
            role,
            der,
            cert,
        })
    }

    fn malformed(&self, what: &str, err: impl std::fmt::Display) -> Error {
        Error::Malformed {
            index: self.index,
            detail: format!("{what}: {err}"),
        }
    }

    /// The validity window at `time` (RFC 5280 §4.1.2.5: both ends
    /// inclusive, as rustls-webpki checks it).
    pub(crate) fn check_validity(&self, time: u64) -> Result<(), Error> {
        let validity = self.cert.tbs_certificate().validity();
        let not_before = validity.not_before.to_unix_duration().as_secs();
        let not_after = validity.not_after.to_unix_duration().as_secs();
        if time < not_before {
            return Err(Refusal::NotYetValid {
                index: self.index,
                role: self.role.as_str(),
                not_before: validity.not_before.to_string(),
                time: format_time(time),
            }
            .into());
        }
        if time > not_after {
            return Err(Refusal::Expired {
                index: self.index,
                role: self.role.as_str(),
                not_after: validity.not_after.to_string(),
                time: format_time(time),
            }
            .into());
        }
        Ok(())
    }

    /// The key usage extension, `None` when absent.
    pub(crate) fn key_usage(&self) -> Result<Option<KeyUsage>, Error> {
        self.cert
            .tbs_certificate()
            .get_extension::<KeyUsage>()
            .map(|found| found.map(|(_, usage)| usage))
            .map_err(|err| self.malformed("key usage extension", err))
    }

    /// The extended key usage OIDs, `None` when the extension is absent.
    pub(crate) fn extended_key_usage(&self) -> Result<Option<Vec<ObjectIdentifier>>, Error> {
        self.cert
            .tbs_certificate()
            .get_extension::<ExtendedKeyUsage>()
            .map(|found| found.map(|(_, usage)| usage.0))
            .map_err(|err| self.malformed("extended key usage extension", err))
    }

    /// The subject alternative names (empty when the extension is absent).
    pub(crate) fn subject_alt_names(&self) -> Result<Vec<GeneralName>, Error> {
        self.cert
            .tbs_certificate()
            .get_extension::<SubjectAltName>()
            .map(|found| found.map(|(_, names)| names.0).unwrap_or_default())
            .map_err(|err| self.malformed("subject alternative name extension", err))
    }

    /// The serial number, without the sign-padding zero bytes, so that a
    /// policy entry compares equal however it was written.
    pub(crate) fn serial(&self) -> &[u8] {
        strip_leading_zeros(self.cert.tbs_certificate().serial_number().as_bytes())
    }

    /// The issuer name, DER (a full `Name` SEQUENCE).
    pub(crate) fn issuer_der(&self) -> Result<Vec<u8>, Error> {
        use x509_cert::der::Encode;
        self.cert
            .tbs_certificate()
            .issuer()
            .to_der()
            .map_err(|err| self.malformed("issuer name", err))
    }
}

/// Parses every certificate of a chain, leaf first.
pub(crate) fn parse_chain<'a>(
    certificates: impl IntoIterator<Item = &'a [u8]>,
) -> Result<Vec<ParsedCert<'a>>, Error> {
    certificates
        .into_iter()
        .enumerate()
        .map(|(index, der)| ParsedCert::parse(index, der))
        .collect()
}

pub(crate) fn strip_leading_zeros(bytes: &[u8]) -> &[u8] {
    let start = bytes
        .iter()
        .position(|&b| b != 0)
        .unwrap_or(bytes.len().saturating_sub(1));
    bytes.get(start..).unwrap_or(bytes)
}

/// `secs` since the Unix epoch as RFC 3339, or as a count of seconds when
/// it lies past what X.509 times can express (year 9999).
pub(crate) fn format_time(secs: u64) -> String {
    DateTime::from_unix_duration(std::time::Duration::from_secs(secs))
        .map(|time| time.to_string())
        .unwrap_or_else(|_| format!("{secs} s after the Unix epoch"))
}
