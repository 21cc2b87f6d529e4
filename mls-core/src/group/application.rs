//! Application messages (RFC 9420 §6.3): always PrivateMessages.

use super::state::Group;
use crate::error::{Error, Misuse};
use crate::framing::MlsMessage;
use crate::provider::Provider;

impl<P: Provider> Group<P> {
    /// Encrypts `data` for the group as a PrivateMessage from us, with
    /// `authenticated_data` sent alongside in the clear but authenticated.
    ///
    /// Refused while proposals received in this epoch wait for a commit
    /// (§12.4: a member that has seen valid proposals must commit before
    /// sending application data).
    pub fn encrypt_application_message(
        &mut self,
        data: &[u8],
        authenticated_data: &[u8],
    ) -> Result<MlsMessage, Error> {
        self.check_active()?;
        if !self.proposals.is_empty() {
            return Err(Misuse::ProposalsPending.into());
        }
        let client = self.client.clone();
        let suite = client.suite(self.context.cipher_suite)?;
        let message = self.protection.protect_application(
            suite,
            self.signer.as_ref(),
            self.own_leaf.0,
            authenticated_data,
            data,
            &self.client.provider().rand(),
        )?;
        // The key is gone from storage before the ciphertext leaves: taken
        // now, or with the reservation it came from (`persist_sent`).
        self.persist_sent()?;
        Ok(message)
    }
}
