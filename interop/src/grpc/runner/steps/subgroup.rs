//! New groups from an existing one: `reinit` (§11.2) and `branch`
//! (§11.3). After either, each actor's state is its state in the new
//! group, as in the Go runner.

use super::super::config::{Action, ExtensionSpec};
use super::super::run::{Run, agree, by};
use super::proposals::extensions;
use crate::grpc::messages::*;

/// `names` without `without`, each once, in order.
fn others<'n>(names: impl IntoIterator<Item = &'n str>, without: &str) -> Vec<&'n str> {
    let mut out: Vec<&str> = Vec::new();
    for name in names {
        if name != without && !out.contains(&name) {
            out.push(name);
        }
    }
    out
}

impl Run<'_> {
    /// `reinit`: a ReInit proposal (from `proposer`, or the external one
    /// of step `externalReinitProposal`), committed by `committer`, then
    /// handled by every other member, each offering a KeyPackage for the
    /// new group; `welcomer` creates it and the others join.
    pub(in super::super) async fn reinit(&mut self, action: &Action) -> Result<(), String> {
        let Action::ReInit {
            proposer,
            committer,
            welcomer,
            members,
            change_cipher_suite,
            change_group_id,
            extensions: specs,
            force_path,
            external_tree,
            external_reinit_proposal,
        } = action
        else {
            return Err(format!("{} is not reinit", action.name()));
        };
        if let Some(r) = self.rec() {
            r.stop_all();
        }
        let mut everyone: Vec<&str> = vec![welcomer.as_str(), committer.as_str()];
        everyone.extend(members.iter().map(String::as_str));
        if !proposer.is_empty() {
            everyone.push(proposer);
        }
        let not_committer = others(everyone.iter().copied(), committer);
        let not_welcomer = others(everyone.iter().copied(), welcomer);

        let group_id = self.new_group_id(*change_group_id)?;
        if *change_cipher_suite {
            self.change_cipher_suite()?;
        }
        let proposal = if proposer.is_empty() {
            self.get(*external_reinit_proposal, "proposal")?
        } else {
            self.client(proposer)?
                .reinit_proposal(ReInitProposalRequest {
                    state_id: self.state(proposer),
                    cipher_suite: u32::from(self.suite),
                    group_id,
                    extensions: extensions(specs),
                })
                .await
                .map_err(by(proposer))?
                .proposal
        };

        let committer_client = self.client(committer)?;
        let commit = committer_client
            .reinit_commit(CommitRequest {
                state_id: self.state(committer),
                by_reference: vec![proposal.clone()],
                ..CommitRequest::default()
            })
            .await
            .map_err(by(committer))?
            .commit;
        let merged = committer_client
            .handle_pending_reinit_commit(HandlePendingCommitRequest {
                state_id: self.state(committer),
            })
            .await
            .map_err(by(committer))?;
        self.hold(committer, merged.reinit_id);
        let authenticator = merged.epoch_authenticator;
        let mut offers: Vec<(&str, u32, Vec<u8>)> =
            vec![(committer.as_str(), merged.reinit_id, merged.key_package)];

        for &member in &not_committer {
            let handled = self
                .client(member)?
                .handle_reinit_commit(HandleCommitRequest {
                    state_id: self.state(member),
                    proposal: vec![proposal.clone()],
                    commit: commit.clone(),
                })
                .await
                .map_err(by(member))?;
            self.hold(member, handled.reinit_id);
            agree(
                "member",
                member,
                &handled.epoch_authenticator,
                &authenticator,
            )?;
            offers.push((member, handled.reinit_id, handled.key_package));
        }
        let reinit_id = |name: &str| {
            offers
                .iter()
                .find(|(n, _, _)| *n == name)
                .map(|(_, id, _)| *id)
                .ok_or_else(|| format!("{name} has no pending reinitialisation"))
        };

        let key_package = not_welcomer
            .iter()
            .map(|&m| {
                offers
                    .iter()
                    .find(|(n, _, _)| *n == m)
                    .map(|(_, _, kp)| kp.clone())
                    .ok_or_else(|| format!("{m} offered no KeyPackage"))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let welcomer_reinit = reinit_id(welcomer)?;
        let created = self
            .client(welcomer)?
            .reinit_welcome(ReInitWelcomeRequest {
                reinit_id: welcomer_reinit,
                key_package,
                force_path: *force_path,
                external_tree: *external_tree,
            })
            .await
            .map_err(by(welcomer))?;
        self.set_state(welcomer, created.state_id);
        let ratchet_tree = if *external_tree {
            created.ratchet_tree
        } else {
            Vec::new()
        };

        for &member in &not_welcomer {
            let id = reinit_id(member)?;
            let joined = self
                .client(member)?
                .handle_reinit_welcome(HandleReInitWelcomeRequest {
                    reinit_id: id,
                    welcome: created.welcome.clone(),
                    ratchet_tree: ratchet_tree.clone(),
                })
                .await
                .map_err(by(member))?;
            if joined.epoch_authenticator != created.epoch_authenticator {
                return Err(format!(
                    "member [{member}] failed to agree on reinit epoch authenticator"
                ));
            }
            self.set_state(member, joined.state_id);
        }
        Ok(())
    }

    /// `branch`: a KeyPackage from each member, a branch with a fresh
    /// group id by the actor, joined by each member.
    pub(in super::super) async fn branch(
        &mut self,
        actor: &str,
        members: &[String],
        force_path: bool,
        external_tree: bool,
        specs: &[ExtensionSpec],
    ) -> Result<(), String> {
        if let Some(r) = self.rec() {
            r.stop_all();
        }
        let mut transactions = Vec::with_capacity(members.len());
        let mut key_packages = Vec::with_capacity(members.len());
        for member in members {
            let kp = self.key_package_of(member).await?;
            transactions.push(kp.transaction_id);
            key_packages.push(kp.key_package);
        }
        let created = self
            .client(actor)?
            .create_branch(CreateBranchRequest {
                state_id: self.state(actor),
                group_id: super::group_id()?,
                extensions: extensions(specs),
                key_packages,
                force_path,
                external_tree,
            })
            .await
            .map_err(by(actor))?;
        self.set_state(actor, created.state_id);
        let ratchet_tree = if external_tree {
            created.ratchet_tree
        } else {
            Vec::new()
        };
        for (member, transaction_id) in members.iter().zip(transactions) {
            let joined = self
                .client(member)?
                .handle_branch(HandleBranchRequest {
                    state_id: self.state(member),
                    transaction_id,
                    welcome: created.welcome.clone(),
                    ratchet_tree: ratchet_tree.clone(),
                })
                .await
                .map_err(by(member))?;
            agree(
                "member",
                member,
                &joined.epoch_authenticator,
                &created.epoch_authenticator,
            )?;
            self.set_state(member, joined.state_id);
        }
        Ok(())
    }
}
