//! Commits and what travels within an epoch: `fullCommit`, `commit`,
//! `handleCommit`, `handlePendingCommit`, `protect`, `unprotect`.

use super::super::config::ProposalSpec;
use super::super::run::{Run, agree, by};
use crate::grpc::messages::*;

/// The parameters `commit` and `fullCommit` share.
pub(in super::super) struct CommitParams<'s> {
    pub(in super::super) by_reference: &'s [usize],
    pub(in super::super) by_value: &'s [ProposalSpec],
    pub(in super::super) force_path: bool,
    pub(in super::super) external_tree: bool,
}

impl Run<'_> {
    /// The `Commit` both actions make; keeps `commit`, `welcome` and (with
    /// an external tree) `ratchet_tree` as outputs of the step. Returns
    /// the proposals by reference and the reply.
    async fn make_commit(
        &mut self,
        index: usize,
        actor: &str,
        params: &CommitParams<'_>,
    ) -> Result<(Vec<Vec<u8>>, CommitResponse), String> {
        let client = self.client(actor)?;
        let by_reference = self.get_all(params.by_reference, "proposal")?;
        let by_value = params
            .by_value
            .iter()
            .map(|spec| self.describe(spec))
            .collect::<Result<Vec<_>, _>>()?;
        let made = client
            .commit(CommitRequest {
                state_id: self.state(actor),
                by_reference: by_reference.clone(),
                by_value,
                force_path: params.force_path,
                external_tree: params.external_tree,
            })
            .await
            .map_err(by(actor))?;
        if let Some(r) = self.rec() {
            r.stop(actor);
        }
        self.store(index, "commit", made.commit.clone());
        self.store(index, "welcome", made.welcome.clone());
        if params.external_tree {
            self.store(index, "ratchet_tree", made.ratchet_tree.clone());
        }
        Ok((by_reference, made))
    }

    /// `fullCommit`: the commit, merged at the committer, handled by
    /// `members` and joined by `joiners`, all checked to agree.
    pub(in super::super) async fn full_commit(
        &mut self,
        index: usize,
        actor: &str,
        params: &CommitParams<'_>,
        members: &[String],
        joiners: &[String],
    ) -> Result<(), String> {
        let (by_reference, made) = self.make_commit(index, actor, params).await?;
        let merged = self
            .client(actor)?
            .handle_pending_commit(HandlePendingCommitRequest {
                state_id: self.state(actor),
            })
            .await
            .map_err(by(actor))?;
        self.set_state(actor, merged.state_id);
        let authenticator = merged.epoch_authenticator;
        self.store(index, "epoch_authenticator", authenticator.clone());

        let handlers: Vec<&str> = members.iter().map(String::as_str).collect();
        self.members_handle(&handlers, &by_reference, &made.commit, &authenticator)
            .await?;

        for joiner in joiners {
            let transaction_id = *self
                .transaction_id
                .get(joiner)
                .ok_or_else(|| format!("malformed step: No transaction for {joiner}"))?;
            let ratchet_tree = if params.external_tree {
                made.ratchet_tree.clone()
            } else {
                Vec::new()
            };
            let joined = self
                .client(joiner)?
                .join_group(JoinGroupRequest {
                    transaction_id,
                    welcome: made.welcome.clone(),
                    encrypt_handshake: self.encrypt,
                    identity: joiner.as_bytes().to_vec(),
                    ratchet_tree: ratchet_tree.clone(),
                })
                .await
                .map_err(by(joiner))?;
            agree(
                "joiner",
                joiner,
                &joined.epoch_authenticator,
                &authenticator,
            )?;
            let suite = self.suite;
            let tree = params.external_tree.then_some(ratchet_tree.as_slice());
            if let Some(r) = self.rec() {
                r.joined(
                    joiner,
                    suite,
                    &made.welcome,
                    tree,
                    &joined.epoch_authenticator,
                );
            }
            self.set_state(joiner, joined.state_id);
        }
        Ok(())
    }

    /// `commit`: the commit alone, left pending.
    pub(in super::super) async fn commit(
        &mut self,
        index: usize,
        actor: &str,
        params: &CommitParams<'_>,
    ) -> Result<(), String> {
        self.make_commit(index, actor, params).await.map(|_| ())
    }

    /// `handleCommit`: the proposals of `by_reference`, then the commit of
    /// step `commit`.
    pub(in super::super) async fn handle_commit(
        &mut self,
        actor: &str,
        commit: usize,
        by_reference: &[usize],
    ) -> Result<(), String> {
        let client = self.client(actor)?;
        let commit = self.get(commit, "commit")?;
        let proposals = self.get_all(by_reference, "proposal")?;
        let handled = client
            .handle_commit(HandleCommitRequest {
                state_id: self.state(actor),
                proposal: proposals.clone(),
                commit: commit.clone(),
            })
            .await
            .map_err(by(actor))?;
        if let Some(r) = self.rec() {
            r.handled(actor, &proposals, &commit, &handled.epoch_authenticator);
        }
        self.set_state(actor, handled.state_id);
        Ok(())
    }

    /// `handlePendingCommit`.
    pub(in super::super) async fn handle_pending_commit(
        &mut self,
        actor: &str,
    ) -> Result<(), String> {
        let merged = self
            .client(actor)?
            .handle_pending_commit(HandlePendingCommitRequest {
                state_id: self.state(actor),
            })
            .await
            .map_err(by(actor))?;
        if let Some(r) = self.rec() {
            r.stop(actor);
        }
        self.set_state(actor, merged.state_id);
        Ok(())
    }

    /// `protect`: keeps the ciphertext and what went in, for `unprotect`.
    pub(in super::super) async fn protect(
        &mut self,
        index: usize,
        actor: &str,
        authenticated_data: &[u8],
        plaintext: &[u8],
    ) -> Result<(), String> {
        let sealed = self
            .client(actor)?
            .protect(ProtectRequest {
                state_id: self.state(actor),
                authenticated_data: authenticated_data.to_vec(),
                plaintext: plaintext.to_vec(),
            })
            .await
            .map_err(by(actor))?;
        self.store(index, "authenticatedData", authenticated_data.to_vec());
        self.store(index, "plaintext", plaintext.to_vec());
        self.store(index, "ciphertext", sealed.ciphertext);
        Ok(())
    }

    /// `unprotect`: must give back what `protect` at step `ciphertext`
    /// sealed.
    pub(in super::super) async fn unprotect(
        &mut self,
        index: usize,
        actor: &str,
        ciphertext: usize,
    ) -> Result<(), String> {
        let client = self.client(actor)?;
        let sealed = self.get(ciphertext, "ciphertext")?;
        let opened = client
            .unprotect(UnprotectRequest {
                state_id: self.state(actor),
                ciphertext: sealed,
            })
            .await
            .map_err(by(actor))?;
        if opened.authenticated_data != self.get(ciphertext, "authenticatedData")? {
            return Err(format!("{actor}: incorrect authenticated data"));
        }
        if opened.plaintext != self.get(ciphertext, "plaintext")? {
            return Err(format!("{actor}: incorrect plaintext"));
        }
        self.store(index, "authenticatedData", opened.authenticated_data);
        self.store(index, "plaintext", opened.plaintext);
        Ok(())
    }
}

impl Run<'_> {
    /// Has each of `members` handle `commit` (with the proposals it
    /// references) and checks that it reaches `authenticator`.
    pub(in super::super) async fn members_handle(
        &mut self,
        members: &[&str],
        by_reference: &[Vec<u8>],
        commit: &[u8],
        authenticator: &[u8],
    ) -> Result<(), String> {
        for &member in members {
            let handled = self
                .client(member)?
                .handle_commit(HandleCommitRequest {
                    state_id: self.state(member),
                    proposal: by_reference.to_vec(),
                    commit: commit.to_vec(),
                })
                .await
                .map_err(by(member))?;
            agree(
                "member",
                member,
                &handled.epoch_authenticator,
                authenticator,
            )?;
            if let Some(r) = self.rec() {
                r.handled(member, by_reference, commit, &handled.epoch_authenticator);
            }
            self.set_state(member, handled.state_id);
        }
        Ok(())
    }
}
