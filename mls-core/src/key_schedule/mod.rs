//! The key schedule (RFC 9420 §8): from the previous epoch's `init_secret`,
//! a `commit_secret` and a `psk_secret` to every secret of the new epoch.
//!
//! The functions here are the steps of the §8 diagram, so each can be checked
//! against `key-schedule.json` on its own. [`EpochSecrets`] holds the outputs
//! of one epoch; every field is a zeroizing [`Secret`].

pub mod psk;
pub mod transcript;

use crate::cipher_suite::{CipherSuite, ProtocolVersion};
use crate::codec::{VarBytes, encode};
use crate::crypto::{derive_secret, expand_with_label};
use crate::error::{Error, Misuse};
use crate::extensions::Extensions;
use crate::provider::{CipherSuiteProvider, HpkeExport, RandProvider};
use crate::secret::{HpkePrivateKey, Secret};
use tls_codec::{TlsDeserializeBytes, TlsSerialize, TlsSize};

pub use psk::{PreSharedKeyId, Psk, ResumptionPsk, ResumptionPskUsage, psk_secret};

/// `GroupContext` (§8.1): the state every member agrees on in an epoch.
#[derive(Clone, Debug, PartialEq, Eq, TlsSerialize, TlsDeserializeBytes, TlsSize)]
pub struct GroupContext {
    /// Always `mls10`.
    pub version: ProtocolVersion,
    /// The group's cipher suite.
    pub cipher_suite: CipherSuite,
    /// The application-chosen group identifier.
    pub group_id: VarBytes,
    /// The epoch number, starting at 0.
    pub epoch: u64,
    /// The tree hash of the ratchet tree's root (§7.8).
    pub tree_hash: VarBytes,
    /// The confirmed transcript hash (§8.2).
    pub confirmed_transcript_hash: VarBytes,
    /// The group context extensions.
    pub extensions: Extensions,
}

impl GroupContext {
    /// The context's TLS encoding, the `context` input of the §8 derivations.
    pub fn to_bytes(&self) -> Result<Vec<u8>, Error> {
        encode(self)
    }
}

/// `KDF.Nh` as the `u16` length `ExpandWithLabel` takes.
pub(crate) fn nh(suite: &dyn CipherSuiteProvider) -> Result<u16, Error> {
    u16::try_from(suite.hash_len()).map_err(|_| Misuse::TooLarge("hash length").into())
}

/// `joiner_secret = ExpandWithLabel(KDF.Extract(init_secret, commit_secret),
/// "joiner", GroupContext_[n], KDF.Nh)` (§8).
pub fn joiner_secret(
    suite: &dyn CipherSuiteProvider,
    init_secret: &Secret,
    commit_secret: &Secret,
    group_context: &[u8],
) -> Result<Secret, Error> {
    let prk = suite.kdf_extract(init_secret.as_bytes(), commit_secret.as_bytes())?;
    expand_with_label(suite, prk.as_bytes(), "joiner", group_context, nh(suite)?)
}

/// `KDF.Extract(joiner_secret, psk_secret)`: the value `welcome_secret` and
/// `epoch_secret` are both taken from (§8).
fn joiner_psk_prk(
    suite: &dyn CipherSuiteProvider,
    joiner_secret: &Secret,
    psk_secret: &Secret,
) -> Result<Secret, Error> {
    Ok(suite.kdf_extract(joiner_secret.as_bytes(), psk_secret.as_bytes())?)
}

/// `welcome_secret = DeriveSecret(KDF.Extract(joiner_secret, psk_secret), "welcome")` (§8).
pub fn welcome_secret(
    suite: &dyn CipherSuiteProvider,
    joiner_secret: &Secret,
    psk_secret: &Secret,
) -> Result<Secret, Error> {
    let prk = joiner_psk_prk(suite, joiner_secret, psk_secret)?;
    derive_secret(suite, prk.as_bytes(), "welcome")
}

/// The AEAD key and nonce that encrypt a Welcome's GroupInfo (§12.4.3.1).
pub fn welcome_key_nonce(
    suite: &dyn CipherSuiteProvider,
    welcome_secret: &Secret,
) -> Result<(Secret, Secret), Error> {
    let key_len = u16::try_from(suite.aead_key_len()).map_err(|_| Misuse::TooLarge("key"))?;
    let nonce_len = u16::try_from(suite.aead_nonce_len()).map_err(|_| Misuse::TooLarge("nonce"))?;
    let key = expand_with_label(suite, welcome_secret.as_bytes(), "key", &[], key_len)?;
    let nonce = expand_with_label(suite, welcome_secret.as_bytes(), "nonce", &[], nonce_len)?;
    Ok((key, nonce))
}

/// Every secret of one epoch (§8, table "Epoch-derived secrets"), plus the
/// next epoch's `init_secret`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EpochSecrets {
    /// Keys the sender data of PrivateMessages (§6.3.2).
    pub sender_data_secret: Secret,
    /// Root of the secret tree (§9).
    pub encryption_secret: Secret,
    /// Input of the exporter (§8.5).
    pub exporter_secret: Secret,
    /// Confirms that members agree on the epoch (§8.7).
    pub epoch_authenticator: Secret,
    /// Seeds the external key pair (§8.3).
    pub external_secret: Secret,
    /// Keys the confirmation tag (§8.2).
    pub confirmation_key: Secret,
    /// Keys the membership tag of PublicMessages (§6.2).
    pub membership_key: Secret,
    /// The resumption PSK of this epoch (§8.6).
    pub resumption_psk: Secret,
    /// `init_secret` for the next epoch.
    pub init_secret: Secret,
}

impl EpochSecrets {
    /// Derives the epoch's secrets from `joiner_secret` and `psk_secret`
    /// (§8): `epoch_secret = ExpandWithLabel(KDF.Extract(joiner_secret,
    /// psk_secret), "epoch", GroupContext_[n], KDF.Nh)`, then one
    /// `DeriveSecret` per label.
    pub fn derive(
        suite: &dyn CipherSuiteProvider,
        joiner_secret: &Secret,
        psk_secret: &Secret,
        group_context: &[u8],
    ) -> Result<Self, Error> {
        let prk = joiner_psk_prk(suite, joiner_secret, psk_secret)?;
        let epoch_secret =
            expand_with_label(suite, prk.as_bytes(), "epoch", group_context, nh(suite)?)?;
        let d = |label: &str| derive_secret(suite, epoch_secret.as_bytes(), label);
        Ok(Self {
            sender_data_secret: d("sender data")?,
            encryption_secret: d("encryption")?,
            exporter_secret: d("exporter")?,
            epoch_authenticator: d("authentication")?,
            external_secret: d("external")?,
            confirmation_key: d("confirm")?,
            membership_key: d("membership")?,
            resumption_psk: d("resumption")?,
            init_secret: d("init")?,
        })
    }

    /// Runs a whole epoch step from the previous `init_secret` (§8); also
    /// returns the `joiner_secret`, which a committer needs for Welcomes.
    pub fn next_epoch(
        suite: &dyn CipherSuiteProvider,
        init_secret: &Secret,
        commit_secret: &Secret,
        psk_secret: &Secret,
        group_context: &[u8],
    ) -> Result<(Secret, Self), Error> {
        let joiner = joiner_secret(suite, init_secret, commit_secret, group_context)?;
        let secrets = Self::derive(suite, &joiner, psk_secret, group_context)?;
        Ok((joiner, secrets))
    }

    /// `MLS-Exporter(label, context, length)` (§8.5).
    pub fn export(
        &self,
        suite: &dyn CipherSuiteProvider,
        label: &str,
        context: &[u8],
        length: u16,
    ) -> Result<Secret, Error> {
        exporter(suite, &self.exporter_secret, label, context, length)
    }

    /// The external key pair `KEM.DeriveKeyPair(external_secret)` (§8.3):
    /// (`external_priv`, `external_pub`).
    pub fn external_key_pair(
        &self,
        suite: &dyn CipherSuiteProvider,
    ) -> Result<(HpkePrivateKey, Vec<u8>), Error> {
        Ok(suite.kem_derive_key_pair(self.external_secret.as_bytes())?)
    }
}

/// `MLS-Exporter(Label, Context, Length) = ExpandWithLabel(DeriveSecret(
/// exporter_secret, Label), "exported", Hash(Context), Length)` (§8.5).
pub fn exporter(
    suite: &dyn CipherSuiteProvider,
    exporter_secret: &Secret,
    label: &str,
    context: &[u8],
    length: u16,
) -> Result<Secret, Error> {
    let derived = derive_secret(suite, exporter_secret.as_bytes(), label)?;
    let context_hash = suite.hash(context)?;
    expand_with_label(suite, derived.as_bytes(), "exported", &context_hash, length)
}

/// The HPKE export label of external initialization (§8.3).
const EXTERNAL_INIT_LABEL: &[u8] = b"MLS 1.0 external init secret";

/// Joiner side of §8.3: `kem_output, context = SetupBaseS(external_pub, "")`,
/// `init_secret = context.export("MLS 1.0 external init secret", KDF.Nh)`.
pub fn external_init_secret_to(
    suite: &dyn CipherSuiteProvider,
    external_pub: &[u8],
    rand: &dyn RandProvider,
) -> Result<HpkeExport, Error> {
    Ok(suite.hpke_export_to(
        external_pub,
        &[],
        EXTERNAL_INIT_LABEL,
        suite.hash_len(),
        rand,
    )?)
}

/// Member side of §8.3: the `init_secret` from an ExternalInit's `kem_output`.
pub fn external_init_secret_from(
    suite: &dyn CipherSuiteProvider,
    external_priv: &HpkePrivateKey,
    kem_output: &[u8],
) -> Result<Secret, Error> {
    Ok(suite.hpke_export_from(
        external_priv,
        kem_output,
        &[],
        EXTERNAL_INIT_LABEL,
        suite.hash_len(),
    )?)
}

#[cfg(test)]
mod tests;
