//! Re-initialization (RFC 9420 §11.2) and subgroup branching (§11.3): a
//! new group linked to the old one by a resumption PSK.

use super::config::GroupConfig;
use super::create_commit::{CommitOptions, CommitOutput};
use super::state::Group;
use crate::error::{Error, Misuse};
use crate::group::proposal::{PreSharedKey, Proposal};
use crate::key_package::KeyPackage;
use crate::key_schedule::{PreSharedKeyId, Psk, ResumptionPsk, ResumptionPskUsage};
use crate::provider::Provider;

impl<P: Provider> Group<P> {
    /// After a commit with a ReInit (ours merged, or another's processed):
    /// creates the successor group with the ReInit's parameters and adds
    /// `key_packages` (one per other member, for the new cipher suite) in
    /// its first commit, which carries the `reinit` resumption PSK of this
    /// group's last epoch (§11.2). The new group is at epoch 0 with that
    /// commit pending; merge it, then send the Welcome.
    pub fn reinit_successor(
        &self,
        key_packages: &[KeyPackage],
        config: GroupConfig,
    ) -> Result<(Group<P>, CommitOutput), Error> {
        self.reinit_successor_with(key_packages, config, false)
    }

    /// [`reinit_successor`](Self::reinit_successor) whose first commit
    /// carries an UpdatePath if `force_path` (§12.4: optional for a commit
    /// of Adds and a PSK).
    pub fn reinit_successor_with(
        &self,
        key_packages: &[KeyPackage],
        config: GroupConfig,
        force_path: bool,
    ) -> Result<(Group<P>, CommitOutput), Error> {
        let reinit = self.reinit().ok_or(Misuse::NoReInit)?.clone();
        // The new suite may have another signature scheme: then we sign
        // with the key our KeyPackage for it was made with.
        let identity = self
            .client
            .identity_for_suite(&self.own_identity()?, reinit.cipher_suite)?;
        let mut successor = super::join::create(
            &self.client,
            &identity,
            reinit.cipher_suite,
            reinit.group_id.as_slice(),
            reinit.extensions.clone(),
            config,
        )?;
        let output = self.resume_into(
            &mut successor,
            key_packages,
            ResumptionPskUsage::Reinit,
            force_path,
        )?;
        Ok((successor, output))
    }

    /// Branches a subgroup (§11.3): a new group with `group_id`, this
    /// group's cipher suite and `extensions`, adding `key_packages` (of
    /// current members) in a first commit with the `branch` resumption PSK
    /// of this epoch. The new group is at epoch 0 with that commit pending.
    pub fn branch(
        &self,
        group_id: &[u8],
        extensions: crate::extensions::Extensions,
        key_packages: &[KeyPackage],
        config: GroupConfig,
    ) -> Result<(Group<P>, CommitOutput), Error> {
        self.branch_with(group_id, extensions, key_packages, config, false)
    }

    /// [`branch`](Self::branch) whose first commit carries an UpdatePath
    /// if `force_path`.
    pub fn branch_with(
        &self,
        group_id: &[u8],
        extensions: crate::extensions::Extensions,
        key_packages: &[KeyPackage],
        config: GroupConfig,
        force_path: bool,
    ) -> Result<(Group<P>, CommitOutput), Error> {
        self.check_active()?;
        let mut successor = super::join::create(
            &self.client,
            &self.own_identity()?,
            self.context.cipher_suite,
            group_id,
            extensions,
            config,
        )?;
        let output = self.resume_into(
            &mut successor,
            key_packages,
            ResumptionPskUsage::Branch,
            force_path,
        )?;
        Ok((successor, output))
    }

    /// Who we are in this group: our leaf's credential and the key the
    /// group signs with (a successor group keeps them, not the client's
    /// default identity).
    fn own_identity(&self) -> Result<super::identity::SigningIdentity, Error> {
        let leaf = self
            .tree
            .leaf(self.own_leaf)
            .ok_or(Error::Internal("our own leaf is blank"))?;
        Ok(super::identity::SigningIdentity {
            credential: leaf.credential.clone(),
            signer: self.signer.clone(),
        })
    }

    /// The first commit of `successor`: the Adds and the resumption PSK of
    /// this group's current epoch with `usage`.
    fn resume_into(
        &self,
        successor: &mut Group<P>,
        key_packages: &[KeyPackage],
        usage: ResumptionPskUsage,
        force_path: bool,
    ) -> Result<CommitOutput, Error> {
        let psk_id = PreSharedKeyId::with_fresh_nonce(
            Psk::Resumption(ResumptionPsk {
                usage,
                psk_group_id: self.context.group_id.clone(),
                psk_epoch: self.context.epoch,
            }),
            successor.suite()?,
            &self.client.provider().rand(),
        )?;
        let value = self.secrets.resumption_psk.clone();
        let mut proposals: Vec<Proposal> = key_packages
            .iter()
            .map(|kp| {
                Proposal::Add(crate::group::proposal::Add {
                    key_package: kp.clone(),
                })
            })
            .collect();
        proposals.push(Proposal::PreSharedKey(PreSharedKey {
            psk: psk_id.clone(),
        }));
        let options = CommitOptions {
            force_path,
            ..CommitOptions::default()
        };
        successor.create_commit(proposals, options, Some((psk_id, value)))
    }
}
