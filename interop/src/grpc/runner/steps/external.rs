//! Proposals from outside the group: `newMemberAddProposal` (§12.1.8,
//! sender `new_member_proposal`), `addExternalSigner` and
//! `externalSignerProposal` (§12.1.8.1, sender `external`).

use super::super::config::ProposalSpec;
use super::super::run::{Run, by};
use crate::grpc::messages::*;

impl Run<'_> {
    /// `newMemberAddProposal`: a GroupInfo from the actor, and the
    /// joiner's self-signed Add proposal, whose pending join `joinGroup`
    /// or `fullCommit` completes later.
    pub(in super::super) async fn new_member_add_proposal(
        &mut self,
        index: usize,
        actor: &str,
        joiner: &str,
    ) -> Result<(), String> {
        let info = self.fetch_group_info(actor, false).await?;
        let proposed = self
            .client(joiner)?
            .new_member_add_proposal(NewMemberAddProposalRequest {
                group_info: info.group_info,
                identity: joiner.as_bytes().to_vec(),
            })
            .await
            .map_err(by(joiner))?;
        self.transaction_id
            .insert(joiner.to_string(), proposed.transaction_id);
        self.hold(joiner, proposed.transaction_id);
        if let Some(r) = self.rec() {
            // Its KeyPackage travels inside the proposal only.
            r.stop(joiner);
            r.forget_key_package(joiner);
        }
        self.store(index, "proposal", proposed.proposal);
        self.store(index, "init_priv", proposed.init_priv);
        self.store(index, "encryption_priv", proposed.encryption_priv);
        self.store(index, "signature_priv", proposed.signature_priv);
        Ok(())
    }

    /// `addExternalSigner`: a signer created at `signer`, and the actor's
    /// GroupContextExtensions proposal adding it.
    pub(in super::super) async fn add_external_signer(
        &mut self,
        index: usize,
        actor: &str,
        signer: &str,
    ) -> Result<(), String> {
        let created = self
            .client(signer)?
            .create_external_signer(CreateExternalSignerRequest {
                cipher_suite: u32::from(self.suite),
                identity: signer.as_bytes().to_vec(),
            })
            .await
            .map_err(by(signer))?;
        self.signer_id.insert(signer.to_string(), created.signer_id);
        self.hold(signer, created.signer_id);
        let proposed = self
            .client(actor)?
            .add_external_signer(AddExternalSignerRequest {
                state_id: self.state(actor),
                external_sender: created.external_sender,
            })
            .await
            .map_err(by(actor))?;
        if let Some(r) = self.rec() {
            r.stop(actor);
            r.stop(signer);
        }
        self.store(index, "proposal", proposed.proposal);
        Ok(())
    }

    /// `externalSignerProposal`: a GroupInfo and tree from `member`, and
    /// the proposal `description` from the actor's external signer. Like
    /// the Go runner, it leaves `signer_index` at 0.
    pub(in super::super) async fn external_signer_proposal(
        &mut self,
        index: usize,
        actor: &str,
        member: &str,
        description: &ProposalSpec,
    ) -> Result<(), String> {
        let info = self.fetch_group_info(member, true).await?;
        let client = self.client(actor)?;
        let description = self.describe(description)?;
        let proposed = client
            .external_signer_proposal(ExternalSignerProposalRequest {
                signer_id: self.signer_id.get(actor).copied().unwrap_or(0),
                signer_index: 0,
                group_info: info.group_info,
                ratchet_tree: info.ratchet_tree,
                description: Some(description),
            })
            .await
            .map_err(by(actor))?;
        if let Some(r) = self.rec() {
            r.stop(actor);
        }
        self.store(index, "proposal", proposed.proposal);
        Ok(())
    }
}
