//! GroupInfo (RFC 9420 §12.4.3): the signed description of a group that a
//! new member joins from.

use crate::codec::VarBytes;
use crate::crypto::{sign_with_label, verify_with_label};
use crate::error::{Error, ProtocolError};
use crate::extensions::Extensions;
use crate::key_schedule::GroupContext;
use crate::provider::{CipherSuiteProvider, Signer};
use crate::tbs::encode_without_signature;
use tls_codec::{TlsDeserializeBytes, TlsSerialize, TlsSize};

/// The `SignWithLabel` label of a GroupInfo signature (§12.4.3).
const LABEL: &str = "GroupInfoTBS";

/// `GroupInfo` (§12.4.3).
#[derive(Clone, Debug, PartialEq, Eq, TlsSerialize, TlsDeserializeBytes, TlsSize)]
pub struct GroupInfo {
    /// The GroupContext of the epoch the joiner enters.
    pub group_context: GroupContext,
    /// `Extension extensions<V>`: extensions for the joiner (for example
    /// `ratchet_tree`, `external_pub`), not part of the GroupContext.
    pub extensions: Extensions,
    /// `MAC confirmation_tag` of the epoch (§8.2).
    pub confirmation_tag: VarBytes,
    /// Leaf index of the member who signed.
    pub signer: u32,
    /// `SignWithLabel(., "GroupInfoTBS", GroupInfoTBS)`.
    pub signature: VarBytes,
}

impl GroupInfo {
    /// The encoded `GroupInfoTBS` (§12.4.3): every field but the last,
    /// `signature`.
    pub fn tbs(&self) -> Result<Vec<u8>, Error> {
        encode_without_signature(self, &self.signature)
    }

    /// Signs with `signer`, the key of the member at leaf `self.signer`, and
    /// stores the signature (§12.4.3).
    pub fn sign(
        &mut self,
        signer: &dyn Signer,
        suite: &dyn CipherSuiteProvider,
    ) -> Result<(), Error> {
        let tbs = self.tbs()?;
        self.signature = VarBytes::new(sign_with_label(signer, suite, LABEL, &tbs)?);
        Ok(())
    }

    /// Verifies the signature under `signer_key`, the `signature_key` of
    /// the leaf at index `self.signer` in the group's tree (§12.4.3.1). The
    /// caller looks the leaf up and rejects a blank one.
    pub fn verify_signature(
        &self,
        suite: &dyn CipherSuiteProvider,
        signer_key: &[u8],
    ) -> Result<(), Error> {
        let tbs = self.tbs()?;
        verify_with_label(suite, signer_key, LABEL, &tbs, self.signature.as_slice())
            .map_err(|e| e.signature_invalid(ProtocolError::GroupInfoSignatureInvalid))
    }
}

#[cfg(test)]
mod tests;
