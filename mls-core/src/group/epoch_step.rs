//! The steps of a commit shared by its creator and its receivers: PSK
//! lookup (§8.4), the key-schedule step with the transcript hashes (§8,
//! §8.2), and the GroupInfo of the new epoch (§12.4.3).

use super::state::Group;
use crate::codec::VarBytes;
use crate::error::{Error, ProtocolError};
use crate::extensions::{ExtensionBody, Extensions, ExternalPub};
use crate::framing::AuthenticatedContent;
use crate::group::group_info::GroupInfo;
use crate::key_schedule::transcript::{
    confirmation_tag, confirmed_transcript_hash, interim_transcript_hash,
};
use crate::key_schedule::{EpochSecrets, GroupContext, PreSharedKeyId, Psk, psk_secret};
use crate::provider::{CipherSuiteProvider, Provider};
use crate::secret::Secret;
use crate::tree::public_tree::PublicTree;

/// The new epoch's secrets and transcript state, from a signed commit.
pub(crate) struct KeyScheduleStep {
    pub(crate) context: GroupContext,
    pub(crate) joiner_secret: Secret,
    pub(crate) psk_secret: Secret,
    pub(crate) secrets: EpochSecrets,
    pub(crate) confirmation_tag: Vec<u8>,
    pub(crate) interim_transcript_hash: Vec<u8>,
}

/// §12.4.2: the confirmed transcript hash over the commit, the new
/// GroupContext (`provisional` with that hash), the key schedule from
/// `init_secret`, and the confirmation tag the new epoch computes.
pub(crate) fn key_schedule_step(
    suite: &dyn CipherSuiteProvider,
    interim_before: &[u8],
    content: &AuthenticatedContent,
    mut provisional: GroupContext,
    init_secret: &Secret,
    commit_secret: &Secret,
    psk_secret: Secret,
) -> Result<KeyScheduleStep, Error> {
    let input = content.confirmed_transcript_hash_input()?;
    let confirmed = confirmed_transcript_hash(suite, interim_before, &input)?;
    provisional.confirmed_transcript_hash = VarBytes::new(confirmed.clone());
    let (joiner_secret, secrets) = EpochSecrets::next_epoch(
        suite,
        init_secret,
        commit_secret,
        &psk_secret,
        &provisional.to_bytes()?,
    )?;
    let tag = confirmation_tag(suite, &secrets.confirmation_key, &confirmed)?;
    let interim = interim_transcript_hash(suite, &confirmed, &tag)?;
    Ok(KeyScheduleStep {
        context: provisional,
        joiner_secret,
        psk_secret,
        secrets,
        confirmation_tag: tag,
        interim_transcript_hash: interim,
    })
}

impl<P: Provider> Group<P> {
    /// The PSK values for `ids`, in order (§8.4): external ones from the
    /// client's store, resumption ones from this group's retained epochs.
    /// A missing one is [`ProtocolError::PskNotFound`].
    pub(crate) fn resolve_psks(&self, ids: &[PreSharedKeyId]) -> Result<Secret, Error> {
        self.resolve_psks_with(ids, None)
    }

    /// [`resolve_psks`](Self::resolve_psks), where `extra` supplies one
    /// more known PSK (the old group's, for a reinit or branch commit).
    pub(crate) fn resolve_psks_with(
        &self,
        ids: &[PreSharedKeyId],
        extra: Option<&(PreSharedKeyId, Secret)>,
    ) -> Result<Secret, Error> {
        let client = self.client.clone();
        let suite = client.suite(self.context.cipher_suite)?;
        let mut values = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some((extra_id, value)) = extra
                && extra_id == id
            {
                values.push((id.clone(), value.clone()));
                continue;
            }
            let value = match &id.psk {
                Psk::External(psk_id) => self.client.external_psk(psk_id.as_slice())?,
                Psk::Resumption(r) if r.psk_group_id == self.context.group_id => {
                    self.resumption_psk(r.psk_epoch).cloned()
                }
                Psk::Resumption(_) => None,
            }
            .ok_or(ProtocolError::PskNotFound)?;
            values.push((id.clone(), value));
        }
        psk_secret(suite, &values)
    }

    /// The signed GroupInfo of the current state (§12.4.3), optionally
    /// with the ratchet tree and `external_pub`.
    pub(crate) fn build_group_info(
        &self,
        tree: &PublicTree,
        context: &GroupContext,
        secrets: &EpochSecrets,
        tag: &[u8],
        with_tree: bool,
    ) -> Result<GroupInfo, Error> {
        let client = self.client.clone();
        let suite = client.suite(self.context.cipher_suite)?;
        let mut extensions = Vec::new();
        if with_tree {
            extensions.push(tree.to_wire().to_extension()?);
        }
        if self.config.external_pub_in_group_info {
            let (_, external_pub) = secrets.external_key_pair(suite)?;
            extensions.push(
                ExternalPub {
                    external_pub: VarBytes::new(external_pub),
                }
                .to_extension()?,
            );
        }
        let mut info = GroupInfo {
            group_context: context.clone(),
            extensions: Extensions::from_vec(extensions),
            confirmation_tag: VarBytes::from(tag),
            signer: self.own_leaf.0,
            signature: VarBytes::default(),
        };
        // Signed by our leaf's key in `tree`: a commit of ours that changes
        // our identity signs its GroupInfo with the new one.
        let key = tree
            .leaf(self.own_leaf)
            .ok_or(Error::Internal("our own leaf is blank"))?
            .signature_key
            .as_slice();
        if key == self.signer.public_key() {
            info.sign(self.signer.as_ref(), suite)?;
        } else {
            let identity = self
                .client
                .identity_for_key(key)
                .ok_or(Error::Internal("no identity for our new leaf's key"))?;
            info.sign(identity.signer.as_ref(), suite)?;
        }
        Ok(info)
    }

    /// A GroupInfo of the current epoch for external joiners (§12.4.3.2),
    /// as an MLSMessage. With `with_tree`, the ratchet tree rides along.
    pub fn group_info(&self, with_tree: bool) -> Result<crate::framing::MlsMessage, Error> {
        let info = self.build_group_info(
            &self.tree,
            &self.context,
            &self.secrets,
            &self.confirmation_tag,
            with_tree,
        )?;
        Ok(crate::framing::MlsMessage::new(
            crate::framing::MlsMessageBody::GroupInfo(info),
        ))
    }
}

/// §12.4.1: the provisional GroupContext of the next epoch: the epoch
/// incremented and the new extensions; the tree hash is set once the tree
/// is final, and the confirmed transcript hash is still the old one.
pub(crate) fn provisional_context(
    old: &GroupContext,
    extensions: &Extensions,
) -> Result<GroupContext, Error> {
    let mut next = old.clone();
    next.epoch = old
        .epoch
        .checked_add(1)
        .ok_or(crate::error::Misuse::TooLarge("epoch"))?;
    next.extensions = extensions.clone();
    Ok(next)
}

/// `Nh` zero bytes: the commit secret of a commit without a path (§12.4).
pub(crate) fn zero_secret(suite: &dyn CipherSuiteProvider) -> Secret {
    Secret::new(vec![0u8; suite.hash_len()])
}
