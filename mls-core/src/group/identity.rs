//! Signing identities: a credential with the signer of its signature key.
//! A client holds several (one per group if the application wants groups
//! unlinkable, a renewed certificate next to the old one); a group signs
//! with the one whose key is in its own leaf.

use crate::credential::Credential;
use crate::provider::Signer;
use std::sync::Arc;

/// Who a member is in a group: its credential, and the signer of the
/// signature key its leaf carries (RFC 9420 §5.3: the credential binds the
/// identity to that key).
#[derive(Clone)]
pub struct SigningIdentity {
    /// The credential.
    pub credential: Credential,
    /// The signer of the signature key.
    pub signer: Arc<dyn Signer>,
}

impl SigningIdentity {
    /// `credential` with the key of `signer`.
    pub fn new(credential: Credential, signer: impl Signer + 'static) -> Self {
        Self {
            credential,
            signer: Arc::new(signer),
        }
    }

    /// The signature public key (`SignaturePublicKey` content, §5.1.1).
    pub fn signature_key(&self) -> &[u8] {
        self.signer.public_key()
    }
}

impl std::fmt::Debug for SigningIdentity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningIdentity")
            .field("credential", &self.credential)
            .field(
                "signature_key",
                &crate::codec::VarBytes::from(self.signer.public_key()),
            )
            .field("scheme", &self.signer.scheme())
            .finish()
    }
}
