//! Revocation by policy: certificates the application has decided not to
//! trust any more, refused wherever they appear in a presented chain.
//!
//! This is not CRL or OCSP processing: fetching and checking those needs
//! the network and a freshness policy that belong to the application. It
//! gives the application one place to put the answer, and a handle to
//! update it while clients run.

use crate::cert::{ParsedCert, strip_leading_zeros};
use crate::error::{Error, Refusal};
use sha2::{Digest, Sha256};
use std::collections::HashSet;
use std::sync::{Arc, PoisonError, RwLock};

/// A set of revoked certificates, by SHA-256 fingerprint of their DER or
/// by issuer and serial number (the pair a CRL names).
///
/// Clones share one set: keep a clone after giving one to
/// [`X509ValidatorBuilder::revocations`](crate::X509ValidatorBuilder::revocations),
/// and a certificate revoked through it is refused from the next check on,
/// with no need to rebuild the client.
#[derive(Clone, Debug, Default)]
pub struct Revocations {
    inner: Arc<RwLock<Entries>>,
}

#[derive(Debug, Default)]
struct Entries {
    fingerprints: HashSet<[u8; 32]>,
    /// (issuer `Name` DER, serial without leading zero bytes).
    serials: HashSet<(Vec<u8>, Vec<u8>)>,
}

impl Revocations {
    /// An empty set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Revokes the certificate whose DER encoding is `der`, by fingerprint.
    pub fn revoke_certificate(&self, der: &[u8]) -> &Self {
        self.revoke_fingerprint(fingerprint(der))
    }

    /// Revokes the certificate with this SHA-256 fingerprint of its DER.
    pub fn revoke_fingerprint(&self, sha256: [u8; 32]) -> &Self {
        self.write(|entries| {
            entries.fingerprints.insert(sha256);
        });
        self
    }

    /// Revokes the certificate that `issuer` (the DER encoding of the
    /// issuer's `Name`, the whole SEQUENCE) issued with serial number
    /// `serial` (big-endian; leading zero bytes do not matter). This
    /// catches every re-encoding of the same certificate, as a CRL entry
    /// does.
    pub fn revoke_serial(&self, issuer: &[u8], serial: &[u8]) -> &Self {
        let entry = (issuer.to_vec(), strip_leading_zeros(serial).to_vec());
        self.write(|entries| {
            entries.serials.insert(entry);
        });
        self
    }

    /// Whether nothing is revoked.
    pub fn is_empty(&self) -> bool {
        self.read(|entries| entries.fingerprints.is_empty() && entries.serials.is_empty())
    }

    /// Refuses the chain if any certificate in it is revoked.
    pub(crate) fn check(&self, chain: &[ParsedCert<'_>]) -> Result<(), Error> {
        if self.is_empty() {
            return Ok(());
        }
        for cert in chain {
            if let Some(matched_by) = self.matched_by(cert)? {
                return Err(Refusal::Revoked {
                    index: cert.index,
                    role: cert.role.as_str(),
                    matched_by,
                }
                .into());
            }
        }
        Ok(())
    }

    /// How `cert` is revoked, if it is.
    pub(crate) fn matched_by(&self, cert: &ParsedCert<'_>) -> Result<Option<&'static str>, Error> {
        if self.read(|e| e.fingerprints.contains(&fingerprint(cert.der))) {
            return Ok(Some("SHA-256 fingerprint"));
        }
        let entry = (cert.issuer_der()?, cert.serial().to_vec());
        Ok(self
            .read(|e| e.serials.contains(&entry))
            .then_some("issuer and serial number"))
    }

    // A writer that panicked cannot leave a half-inserted entry (each
    // write is one insert), so a poisoned lock still holds a usable set.
    fn read<T>(&self, f: impl FnOnce(&Entries) -> T) -> T {
        f(&self.inner.read().unwrap_or_else(PoisonError::into_inner))
    }

    fn write(&self, f: impl FnOnce(&mut Entries)) {
        f(&mut self.inner.write().unwrap_or_else(PoisonError::into_inner));
    }
}

/// The SHA-256 fingerprint of a certificate's DER encoding.
pub fn fingerprint(der: &[u8]) -> [u8; 32] {
    Sha256::digest(der).into()
}
