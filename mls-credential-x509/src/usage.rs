//! What the certificates allow their keys to be used for: key usage on the
//! leaf (RFC 5280 §4.2.1.3) and the extended key usage policy (§4.2.1.12).

use crate::cert::ParsedCert;
use crate::error::{Error, Refusal, Role};
use x509_cert::der::asn1::ObjectIdentifier;

/// A leaf whose key usage does not include digitalSignature may not verify
/// the signatures MLS makes with its key.
///
/// The extension is required, not only honoured when present: RFC 5280
/// would let a certificate without it be used for anything, but a PKI that
/// issues MLS credentials states the purpose of its keys, and a
/// certificate that does not is more likely issued for something else.
pub(crate) fn check_key_usage(leaf: &ParsedCert<'_>) -> Result<(), Error> {
    match leaf.key_usage()? {
        None => Err(Refusal::KeyUsage("extension is missing; digitalSignature is required").into()),
        Some(usage) if !usage.digital_signature() => {
            Err(Refusal::KeyUsage("does not include digitalSignature").into())
        }
        Some(_) => Ok(()),
    }
}

/// The extended key usage a validator requires, if any.
///
/// MLS has no registered key purpose, so by default any list (or none) is
/// accepted. A deployment whose CA issues MLS certificates under a purpose
/// of its own requires it: then the leaf must list it, and an intermediate
/// that lists purposes must list it too (the purposes of a CA constrain
/// what it issues, as browsers and rustls-webpki treat them).
/// `anyExtendedKeyUsage` does not stand in for the required purpose: the
/// point of requiring one is that the CA meant this use.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) enum EkuPolicy {
    #[default]
    Any,
    Require(ObjectIdentifier),
}

impl EkuPolicy {
    pub(crate) fn check(&self, chain: &[ParsedCert<'_>]) -> Result<(), Error> {
        let Self::Require(required) = self else {
            return Ok(());
        };
        for cert in chain {
            let listed = cert.extended_key_usage()?;
            let ok = match &listed {
                Some(purposes) => purposes.contains(required),
                // Only an intermediate may be silent about purposes.
                None => cert.role != Role::Leaf,
            };
            if !ok {
                let detail = match listed {
                    None => " (it has no extended key usage extension)".to_owned(),
                    Some(purposes) => format!(
                        " (it lists {})",
                        purposes
                            .iter()
                            .map(ToString::to_string)
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                };
                return Err(Refusal::ExtendedKeyUsage {
                    index: cert.index,
                    role: cert.role.as_str(),
                    required: required.to_string(),
                    detail,
                }
                .into());
            }
        }
        Ok(())
    }
}
