//! Pre-shared keys (RFC 9420 §8.4): their identifiers and the PSK secret
//! that chains any number of them into the key schedule.

use crate::codec::{VarBytes, encode};
use crate::crypto::expand_with_label;
use crate::error::{Error, Misuse, ProtocolError};
use crate::provider::{CipherSuiteProvider, RandProvider, random_bytes};
use crate::secret::Secret;
use tls_codec::{TlsDeserializeBytes, TlsSerialize, TlsSize};

/// `ResumptionPSKUsage` (§8.4): why a resumption PSK is injected.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, TlsSerialize, TlsDeserializeBytes, TlsSize)]
#[repr(u8)]
pub enum ResumptionPskUsage {
    /// An ordinary PSK proposal in a running group.
    Application = 1,
    /// The bridge from a group to its re-initialized successor (§11.2).
    Reinit = 2,
    /// The bridge from a group to a subgroup branched from it (§11.3).
    Branch = 3,
}

/// A resumption PSK: the `resumption_psk` of `psk_group_id` at `psk_epoch`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, TlsSerialize, TlsDeserializeBytes, TlsSize)]
pub struct ResumptionPsk {
    /// Why the PSK is injected.
    pub usage: ResumptionPskUsage,
    /// The group whose epoch the PSK comes from.
    pub psk_group_id: VarBytes,
    /// The epoch whose `resumption_psk` is used.
    pub psk_epoch: u64,
}

/// The `select (psktype)` part of a `PreSharedKeyID` (`PSKType`, §8.4).
#[derive(Clone, Debug, PartialEq, Eq, Hash, TlsSerialize, TlsDeserializeBytes, TlsSize)]
#[repr(u8)]
pub enum Psk {
    /// `external(1)`: a PSK the application provisioned, named by `psk_id`.
    #[tls_codec(discriminant = 1)]
    External(VarBytes),
    /// `resumption(2)`: a `resumption_psk` from an earlier epoch.
    #[tls_codec(discriminant = 2)]
    Resumption(ResumptionPsk),
}

/// `PreSharedKeyID` (§8.4).
#[derive(Clone, Debug, PartialEq, Eq, Hash, TlsSerialize, TlsDeserializeBytes, TlsSize)]
pub struct PreSharedKeyId {
    /// Which PSK.
    pub psk: Psk,
    /// A fresh random value of length `KDF.Nh` each time the PSK is injected.
    pub psk_nonce: VarBytes,
}

impl PreSharedKeyId {
    /// An id for `psk` with a fresh `psk_nonce` of `KDF.Nh` random bytes, as
    /// §8.4 requires each time a PSK is injected.
    pub fn with_fresh_nonce(
        psk: Psk,
        suite: &dyn CipherSuiteProvider,
        rand: &dyn RandProvider,
    ) -> Result<Self, Error> {
        Ok(Self {
            psk,
            psk_nonce: VarBytes::new(random_bytes(rand, suite.hash_len())?),
        })
    }

    /// Checks that `psk_nonce` is `KDF.Nh` bytes long (§8.4).
    pub fn check_nonce_length(&self, suite: &dyn CipherSuiteProvider) -> Result<(), ProtocolError> {
        let actual = self.psk_nonce.as_slice().len();
        if actual != suite.hash_len() {
            return Err(ProtocolError::PskNonceLength {
                expected: suite.hash_len(),
                actual,
            });
        }
        Ok(())
    }

    /// An external PSK id with the given nonce.
    pub fn external(psk_id: impl Into<Vec<u8>>, psk_nonce: impl Into<Vec<u8>>) -> Self {
        Self {
            psk: Psk::External(VarBytes::new(psk_id.into())),
            psk_nonce: VarBytes::new(psk_nonce.into()),
        }
    }

    /// A resumption PSK id with the given nonce.
    pub fn resumption(
        usage: ResumptionPskUsage,
        psk_group_id: impl Into<Vec<u8>>,
        psk_epoch: u64,
        psk_nonce: impl Into<Vec<u8>>,
    ) -> Self {
        Self {
            psk: Psk::Resumption(ResumptionPsk {
                usage,
                psk_group_id: VarBytes::new(psk_group_id.into()),
                psk_epoch,
            }),
            psk_nonce: VarBytes::new(psk_nonce.into()),
        }
    }
}

/// `PSKLabel` (§8.4).
#[derive(TlsSerialize, TlsSize)]
struct PskLabel<'a> {
    id: &'a PreSharedKeyId,
    index: u16,
    count: u16,
}

/// Computes `psk_secret` from PSKs in the order the Commit or GroupSecrets
/// lists them (§8.4). No PSKs give the all-zero vector of length `KDF.Nh`.
pub fn psk_secret(
    suite: &dyn CipherSuiteProvider,
    psks: &[(PreSharedKeyId, Secret)],
) -> Result<Secret, Error> {
    let nh = suite.hash_len();
    let nh16 = u16::try_from(nh).map_err(|_| Misuse::TooLarge("hash length"))?;
    let count = u16::try_from(psks.len()).map_err(|_| Misuse::TooLarge("PSK list"))?;
    let zero = vec![0u8; nh];
    let mut secret = Secret::new(zero.clone());
    for (index, (id, psk)) in (0u16..).zip(psks) {
        let extracted = suite.kdf_extract(&zero, psk.as_bytes())?;
        let label = encode(&PskLabel { id, index, count })?;
        let input = expand_with_label(suite, extracted.as_bytes(), "derived psk", &label, nh16)?;
        secret = suite.kdf_extract(input.as_bytes(), secret.as_bytes())?;
    }
    Ok(secret)
}
