//! Proposals by a member (`addProposal`, `updateProposal`,
//! `removeProposal`, `externalPSKProposal`, `resumptionPSKProposal`,
//! `groupContextExtensionsProposal`) and proposals described for a commit
//! or an external sender (the Go runner's `ProposalDescriptionToProto`).

use super::super::config::{Action, ExtensionSpec, ProposalSpec};
use super::super::run::{Run, by};
use crate::grpc::messages::*;

/// The configs' extensions as messages.
pub(in super::super) fn extensions(specs: &[ExtensionSpec]) -> Vec<Extension> {
    specs
        .iter()
        .map(|e| Extension {
            extension_type: e.extension_type,
            extension_data: e.extension_data.clone(),
        })
        .collect()
}

impl Run<'_> {
    /// One of the member proposal actions; keeps the proposal as output
    /// `proposal` of the step.
    pub(in super::super) async fn proposal(
        &mut self,
        index: usize,
        actor: &str,
        action: &Action,
    ) -> Result<(), String> {
        let client = self.client(actor)?;
        let state_id = self.state(actor);
        let sent = match action {
            Action::AddProposal { key_package } => {
                let key_package = self.get(*key_package, "key_package")?;
                client
                    .add_proposal(AddProposalRequest {
                        state_id,
                        key_package,
                    })
                    .await
            }
            Action::UpdateProposal => {
                client
                    .update_proposal(UpdateProposalRequest { state_id })
                    .await
            }
            Action::RemoveProposal { removed } => {
                if let Some(r) = self.rec() {
                    r.stop(removed);
                }
                client
                    .remove_proposal(RemoveProposalRequest {
                        state_id,
                        removed_id: removed.as_bytes().to_vec(),
                    })
                    .await
            }
            Action::ExternalPskProposal { psk_id } => {
                let psk_id = self.get(*psk_id, "psk_id")?;
                client
                    .external_psk_proposal(ExternalPSKProposalRequest { state_id, psk_id })
                    .await
            }
            Action::ResumptionPskProposal { epoch_id } => {
                client
                    .resumption_psk_proposal(ResumptionPSKProposalRequest {
                        state_id,
                        epoch_id: *epoch_id,
                    })
                    .await
            }
            Action::GroupContextExtensionsProposal { extensions: specs } => {
                client
                    .group_context_extensions_proposal(GroupContextExtensionsProposalRequest {
                        state_id,
                        extensions: extensions(specs),
                    })
                    .await
            }
            other => return Err(format!("{} is not a proposal action", other.name())),
        };
        let sent = sent.map_err(by(actor))?;
        if let Some(r) = self.rec() {
            r.stop(actor);
        }
        self.store(index, "proposal", sent.proposal);
        Ok(())
    }

    /// A described proposal as the message the server takes; a `reinit`
    /// with `changeCipherSuite` switches the run to another suite, as in
    /// the Go runner.
    pub(in super::super) fn describe(
        &mut self,
        spec: &ProposalSpec,
    ) -> Result<ProposalDescription, String> {
        let mut out = ProposalDescription {
            proposal_type: spec.proposal_type.as_bytes().to_vec(),
            ..ProposalDescription::default()
        };
        match spec.proposal_type.as_str() {
            "add" => out.key_package = self.get(spec.key_package, "key_package")?,
            "remove" => {
                if let Some(r) = self.rec() {
                    r.stop(&spec.removed);
                }
                out.removed_id = spec.removed.as_bytes().to_vec();
            }
            "externalPSK" => out.psk_id = self.get(spec.psk_id, "psk_id")?,
            "resumptionPSK" => out.epoch_id = spec.epoch_id,
            "groupContextExtensions" => out.extensions = extensions(&spec.extensions),
            "reinit" => {
                out.extensions = extensions(&spec.extensions);
                if spec.change_cipher_suite {
                    self.change_cipher_suite()?;
                }
                out.cipher_suite = u32::from(self.suite);
                out.group_id = self.new_group_id(spec.change_group_id)?;
            }
            other => return Err(format!("unknown proposal type [{other}]")),
        }
        Ok(out)
    }

    /// The group id of step 0 (the script's `createGroup`), with `++`
    /// appended when it is to change.
    pub(in super::super) fn new_group_id(&self, change: bool) -> Result<Vec<u8>, String> {
        let mut id = self.get(0, "group_id")?;
        if change {
            id.extend_from_slice(b"++");
        }
        Ok(id)
    }

    /// Switches the run to a suite every client of the run supports other
    /// than the current one (the smallest such code point; the Go runner
    /// takes any).
    pub(in super::super) fn change_cipher_suite(&mut self) -> Result<(), String> {
        let mut common: Option<Vec<u16>> = None;
        for client in self.all_clients() {
            common = Some(match common {
                None => client.suites().to_vec(),
                Some(c) => c.into_iter().filter(|s| client.supports(*s)).collect(),
            });
        }
        let mut common = common.unwrap_or_default();
        common.retain(|s| *s != self.suite);
        common.sort_unstable();
        self.suite = *common.first().ok_or("no remaining supported ciphersuite")?;
        Ok(())
    }
}
