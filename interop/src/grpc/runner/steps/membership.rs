//! Becoming a member: `createGroup`, `createKeyPackage`, `joinGroup`,
//! `externalJoin`, and what they need: `installExternalPSK`, `groupInfo`.

use super::super::run::{Run, agree, by};
use super::random_bytes;
use crate::grpc::messages::*;

impl Run<'_> {
    /// `createGroup`: a group with a fresh id; with `members`, a KeyPackage
    /// from each, one commit adding them all by value, and their joins.
    pub(in super::super) async fn create_group(
        &mut self,
        index: usize,
        actor: &str,
        members: &[String],
    ) -> Result<(), String> {
        let creator = self.client(actor)?;
        let group_id = super::group_id()?;
        let created = creator
            .create_group(CreateGroupRequest {
                group_id: group_id.clone(),
                cipher_suite: u32::from(self.suite),
                encrypt_handshake: self.encrypt,
                identity: actor.as_bytes().to_vec(),
            })
            .await
            .map_err(by(actor))?;
        if let Some(r) = self.rec() {
            r.stop(actor);
        }
        self.set_state(actor, created.state_id);
        self.store(index, "group_id", group_id);
        if members.is_empty() {
            return Ok(());
        }

        let mut key_packages = Vec::with_capacity(members.len());
        let mut transactions = Vec::with_capacity(members.len());
        for member in members {
            let kp = self.key_package_of(member).await?;
            key_packages.push(kp.key_package);
            transactions.push(kp.transaction_id);
        }
        let by_value = key_packages
            .into_iter()
            .map(|key_package| ProposalDescription {
                proposal_type: b"add".to_vec(),
                key_package,
                ..ProposalDescription::default()
            })
            .collect();
        let commit = creator
            .commit(CommitRequest {
                state_id: self.state(actor),
                by_value,
                ..CommitRequest::default()
            })
            .await
            .map_err(by(actor))?;
        let merged = creator
            .handle_pending_commit(HandlePendingCommitRequest {
                state_id: self.state(actor),
            })
            .await
            .map_err(by(actor))?;
        self.set_state(actor, merged.state_id);

        for (member, transaction_id) in members.iter().zip(transactions) {
            let joined = self
                .client(member)?
                .join_group(JoinGroupRequest {
                    transaction_id,
                    welcome: commit.welcome.clone(),
                    encrypt_handshake: self.encrypt,
                    identity: member.as_bytes().to_vec(),
                    ratchet_tree: Vec::new(),
                })
                .await
                .map_err(by(member))?;
            agree(
                "joiner",
                member,
                &joined.epoch_authenticator,
                &merged.epoch_authenticator,
            )?;
            let suite = self.suite;
            if let Some(r) = self.rec() {
                r.joined(
                    member,
                    suite,
                    &commit.welcome,
                    None,
                    &joined.epoch_authenticator,
                );
            }
            self.set_state(member, joined.state_id);
        }
        Ok(())
    }

    /// A KeyPackage from `member` for the run's suite, kept as its
    /// pending join.
    pub(in super::super) async fn key_package_of(
        &mut self,
        member: &str,
    ) -> Result<CreateKeyPackageResponse, String> {
        let kp = self
            .client(member)?
            .create_key_package(CreateKeyPackageRequest {
                cipher_suite: u32::from(self.suite),
                identity: member.as_bytes().to_vec(),
            })
            .await
            .map_err(by(member))?;
        self.hold(member, kp.transaction_id);
        if let Some(r) = self.rec() {
            r.key_package(member, &kp);
        }
        Ok(kp)
    }

    /// `createKeyPackage`.
    pub(in super::super) async fn create_key_package(
        &mut self,
        index: usize,
        actor: &str,
    ) -> Result<(), String> {
        let kp = self.key_package_of(actor).await?;
        self.transaction_id
            .insert(actor.to_string(), kp.transaction_id);
        self.store(index, "key_package", kp.key_package);
        Ok(())
    }

    /// `joinGroup`: the actor's pending join with the Welcome of step
    /// `welcome` (no ratchet tree, as the Go runner sends).
    pub(in super::super) async fn join_group(
        &mut self,
        actor: &str,
        welcome: usize,
    ) -> Result<(), String> {
        let client = self.client(actor)?;
        let welcome = self.get(welcome, "welcome")?;
        let transaction_id = *self
            .transaction_id
            .get(actor)
            .ok_or_else(|| format!("malformed step: No transaction for {actor}"))?;
        let joined = client
            .join_group(JoinGroupRequest {
                transaction_id,
                welcome: welcome.clone(),
                encrypt_handshake: self.encrypt,
                identity: actor.as_bytes().to_vec(),
                ratchet_tree: Vec::new(),
            })
            .await
            .map_err(by(actor))?;
        let suite = self.suite;
        if let Some(r) = self.rec() {
            r.joined(actor, suite, &welcome, None, &joined.epoch_authenticator);
        }
        self.set_state(actor, joined.state_id);
        Ok(())
    }

    /// `externalJoin`: a GroupInfo from the actor, an external commit by
    /// the joiner, handled by `members` and the actor.
    #[allow(clippy::too_many_arguments)] // The step's parameters, one each.
    pub(in super::super) async fn external_join(
        &mut self,
        index: usize,
        actor: &str,
        joiner: &str,
        members: &[String],
        external_tree: bool,
        remove_prior: bool,
        psks: &[usize],
    ) -> Result<(), String> {
        let info = self.fetch_group_info(actor, external_tree).await?;
        self.store(index, "group_info", info.group_info.clone());
        self.store(index, "ratchet_tree", info.ratchet_tree.clone());

        let psks = psks
            .iter()
            .map(|&i| {
                Ok(PreSharedKey {
                    psk_id: self.get(i, "psk_id")?,
                    psk_secret: self.get(i, "psk_secret")?,
                })
            })
            .collect::<Result<Vec<_>, String>>()?;
        let joined = self
            .client(joiner)?
            .external_join(ExternalJoinRequest {
                group_info: info.group_info,
                ratchet_tree: info.ratchet_tree,
                encrypt_handshake: self.encrypt,
                identity: joiner.as_bytes().to_vec(),
                remove_prior,
                psks,
            })
            .await
            .map_err(by(joiner))?;
        if let Some(r) = self.rec() {
            r.stop(joiner);
        }
        self.set_state(joiner, joined.state_id);
        self.store(index, "commit", joined.commit.clone());
        self.store(
            index,
            "epoch_authenticator",
            joined.epoch_authenticator.clone(),
        );

        let handlers: Vec<&str> = members.iter().map(String::as_str).chain([actor]).collect();
        self.members_handle(&handlers, &[], &joined.commit, &joined.epoch_authenticator)
            .await?;
        Ok(())
    }

    /// `installExternalPSK`: a random 32-byte id and secret, stored at
    /// each client's state (or, before it has one, its pending join).
    pub(in super::super) async fn install_external_psk(
        &mut self,
        index: usize,
        clients: &[String],
    ) -> Result<(), String> {
        let psk_id = random_bytes::<32>()?.to_vec();
        let psk_secret = random_bytes::<32>()?.to_vec();
        self.store(index, "psk_id", psk_id.clone());
        self.store(index, "psk_secret", psk_secret.clone());
        for name in clients {
            let client = self.client(name)?;
            let id = self
                .state_id
                .get(name)
                .or_else(|| self.transaction_id.get(name))
                .copied()
                .unwrap_or(0);
            client
                .store_psk(StorePSKRequest {
                    state_or_transaction_id: id,
                    psk_id: psk_id.clone(),
                    psk_secret: psk_secret.clone(),
                })
                .await
                .map_err(by(name))?;
            if let Some(r) = self.rec() {
                r.psk(name, &psk_id, &psk_secret);
            }
        }
        Ok(())
    }

    /// `groupInfo`.
    pub(in super::super) async fn group_info(
        &mut self,
        index: usize,
        actor: &str,
        external_tree: bool,
    ) -> Result<(), String> {
        let info = self.fetch_group_info(actor, external_tree).await?;
        self.store(index, "group_info", info.group_info);
        self.store(index, "ratchet_tree", info.ratchet_tree);
        Ok(())
    }

    /// The GroupInfo of `actor`'s group (the tree beside it if
    /// `external_tree`), for the steps that pass it on.
    pub(in super::super) async fn fetch_group_info(
        &self,
        actor: &str,
        external_tree: bool,
    ) -> Result<GroupInfoResponse, String> {
        self.client(actor)?
            .group_info(GroupInfoRequest {
                state_id: self.state(actor),
                external_tree,
            })
            .await
            .map_err(by(actor))
    }
}
