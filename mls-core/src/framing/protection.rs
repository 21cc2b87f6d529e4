//! Protecting and unprotecting messages with an epoch's keys (RFC 9420 §6),
//! with a bounded number of past epochs retained for late PrivateMessages.

use super::{
    AuthenticatedContent, Content, ContentType, FramedContent, MlsMessage, MlsMessageBody,
    PaddingPolicy, PrivateMessage, PublicMessage, Sender, VerifiedContent, WireFormat,
};
use crate::codec::VarBytes;
use crate::error::{Error, Misuse, ProtocolError};
use crate::key_schedule::{EpochSecrets, GroupContext};
use crate::provider::{CipherSuiteProvider, RandProvider, Signer};
use crate::secret::Secret;
use crate::secret_tree::{OutOfOrderPolicy, PendingRatchet, SecretTree};
use crate::tree_math::TreeSize;
use std::collections::VecDeque;

/// Where the signature keys of senders come from. The group implements it
/// over its ratchet tree and `external_senders` extension; tests use fixed keys.
pub trait SenderKeys {
    /// The signature public key of `content`'s sender in `content.epoch`.
    /// Errors name the rule: [`ProtocolError::SenderLeafBlank`],
    /// [`ProtocolError::ExternalSenderOutOfRange`], ...
    fn signature_key(&self, content: &FramedContent) -> Result<Vec<u8>, Error>;
}

/// The keys of one epoch that protect messages: the GroupContext, the
/// sender-data secret, the membership key and the secret tree.
#[derive(Clone, Debug)]
pub struct EpochKeys {
    group_context: GroupContext,
    sender_data_secret: Secret,
    membership_key: Secret,
    secret_tree: SecretTree,
}

impl EpochKeys {
    /// The message keys of an epoch whose tree is `size` leaves wide.
    pub fn new(
        group_context: GroupContext,
        secrets: &EpochSecrets,
        size: TreeSize,
        policy: OutOfOrderPolicy,
    ) -> Self {
        Self::from_parts(
            group_context,
            secrets.sender_data_secret.clone(),
            secrets.membership_key.clone(),
            SecretTree::new(secrets.encryption_secret.clone(), size, policy),
        )
    }

    /// The keys from their parts (the vectors give them separately).
    pub fn from_parts(
        group_context: GroupContext,
        sender_data_secret: Secret,
        membership_key: Secret,
        secret_tree: SecretTree,
    ) -> Self {
        Self {
            group_context,
            sender_data_secret,
            membership_key,
            secret_tree,
        }
    }

    /// The epoch's GroupContext.
    pub fn group_context(&self) -> &GroupContext {
        &self.group_context
    }

    /// The epoch's secret tree.
    pub fn secret_tree(&self) -> &SecretTree {
        &self.secret_tree
    }

    pub(crate) fn secret_tree_mut(&mut self) -> &mut SecretTree {
        &mut self.secret_tree
    }

    pub(crate) fn sender_data_secret(&self) -> &Secret {
        &self.sender_data_secret
    }

    pub(crate) fn membership_key(&self) -> &Secret {
        &self.membership_key
    }

    pub(crate) fn epoch(&self) -> u64 {
        self.group_context.epoch
    }
}

/// Message protection for a group: the current epoch's keys and up to
/// `policy.past_epochs` earlier ones, newest first.
#[derive(Clone, Debug)]
pub struct MessageProtection {
    current: EpochKeys,
    past: VecDeque<EpochKeys>,
    policy: OutOfOrderPolicy,
    padding: PaddingPolicy,
}

/// The key a verified PrivateMessage used, still in its ratchet until
/// [`MessageProtection::spend`] deletes it.
pub(crate) struct Spend {
    epoch: u64,
    pending: PendingRatchet,
}

impl MessageProtection {
    /// Protection starting at `current`.
    pub fn new(current: EpochKeys, policy: OutOfOrderPolicy, padding: PaddingPolicy) -> Self {
        Self {
            current,
            past: VecDeque::new(),
            policy,
            padding,
        }
    }

    /// The current epoch's keys.
    pub fn current(&self) -> &EpochKeys {
        &self.current
    }

    /// Number of past epochs whose keys are held.
    pub fn retained_past_epochs(&self) -> usize {
        self.past.len()
    }

    /// Moves to a new epoch. The previous epoch is kept for late messages if
    /// the policy retains any; epochs beyond the bound are dropped, and their
    /// secrets zeroized (§9.2).
    pub fn start_epoch(&mut self, next: EpochKeys) {
        drop(self.start_epoch_keeping_dropped(next));
    }

    /// [`start_epoch`](Self::start_epoch), returning the epochs it drops
    /// (oldest last) so that [`undo_start_epoch`](Self::undo_start_epoch)
    /// can bring them back if the new epoch cannot be stored.
    pub(crate) fn start_epoch_keeping_dropped(&mut self, mut next: EpochKeys) -> Vec<EpochKeys> {
        next.secret_tree
            .set_journaling(self.current.secret_tree.is_journaling());
        next.secret_tree
            .set_sending_reservation(self.current.secret_tree.sending_reservation());
        let mut previous = std::mem::replace(&mut self.current, next);
        // We never send in a past epoch: its keys reserved for that go now.
        previous.secret_tree.drop_reserved();
        self.past.push_front(previous);
        let keep = usize::try_from(self.policy.past_epochs).unwrap_or(usize::MAX);
        let mut dropped = Vec::new();
        while self.past.len() > keep {
            if let Some(old) = self.past.pop_back() {
                dropped.push(old);
            }
        }
        dropped
    }

    /// Undoes [`start_epoch_keeping_dropped`](Self::start_epoch_keeping_dropped).
    pub(crate) fn undo_start_epoch(&mut self, dropped: Vec<EpochKeys>) {
        for old in dropped.into_iter().rev() {
            self.past.push_back(old);
        }
        if let Some(previous) = self.past.pop_front() {
            self.current = previous;
        }
    }

    /// Protection from stored parts: the current epoch and the retained
    /// past ones, newest first.
    pub(crate) fn from_stored(
        current: EpochKeys,
        past: VecDeque<EpochKeys>,
        policy: OutOfOrderPolicy,
        padding: PaddingPolicy,
    ) -> Self {
        Self {
            current,
            past,
            policy,
            padding,
        }
    }

    /// The current epoch and the retained past ones, newest first.
    pub(crate) fn epochs(&self) -> impl Iterator<Item = &EpochKeys> {
        std::iter::once(&self.current).chain(self.past.iter())
    }

    /// Mutable [`epochs`](Self::epochs).
    pub(crate) fn epochs_mut(&mut self) -> impl Iterator<Item = &mut EpochKeys> {
        std::iter::once(&mut self.current).chain(self.past.iter_mut())
    }

    /// Sets how many application generations one send derives at once, in
    /// this epoch and the next ones (see
    /// [`SecretTree::set_sending_reservation`]).
    pub fn set_sending_reservation(&mut self, generations: u32) {
        self.current
            .secret_tree
            .set_sending_reservation(generations);
    }

    /// Deletes every key reserved for sending and not yet used.
    pub(crate) fn drop_reserved(&mut self) {
        for epoch in self.epochs_mut() {
            epoch.secret_tree.drop_reserved();
        }
    }

    /// Records (or stops recording) what each secret tree's changes touch.
    pub(crate) fn set_journaling(&mut self, on: bool) {
        for epoch in self.epochs_mut() {
            epoch.secret_tree.set_journaling(on);
        }
    }

    /// Signs `content` from `sender` in the current epoch, for `wire_format`.
    /// A Commit still needs its confirmation tag before [`wrap`](Self::wrap).
    pub fn sign(
        &self,
        suite: &dyn CipherSuiteProvider,
        signer: &dyn Signer,
        wire_format: WireFormat,
        sender: Sender,
        authenticated_data: &[u8],
        content: Content,
    ) -> Result<AuthenticatedContent, Error> {
        let context = &self.current.group_context;
        let framed = FramedContent {
            group_id: context.group_id.clone(),
            epoch: context.epoch,
            sender,
            authenticated_data: VarBytes::from(authenticated_data),
            content,
        };
        AuthenticatedContent::sign(suite, signer, wire_format, framed, Some(context))
    }

    /// Puts signed content of the current epoch into its wire format: a
    /// PublicMessage with its membership tag, or a PrivateMessage encrypted
    /// with the next key of the sender's ratchet.
    pub fn wrap(
        &mut self,
        suite: &dyn CipherSuiteProvider,
        content: &AuthenticatedContent,
        rand: &dyn RandProvider,
    ) -> Result<MlsMessage, Error> {
        if content.content.epoch != self.current.epoch() {
            return Err(Misuse::NotCurrentEpoch.into());
        }
        let body = match content.wire_format {
            WireFormat::PublicMessage => {
                MlsMessageBody::PublicMessage(PublicMessage::from_authenticated(
                    suite,
                    content.clone(),
                    &self.current.membership_key,
                    &self.current.group_context,
                )?)
            }
            WireFormat::PrivateMessage => MlsMessageBody::PrivateMessage(PrivateMessage::encrypt(
                suite,
                content,
                &mut self.current.secret_tree,
                &self.current.sender_data_secret,
                self.padding,
                rand,
            )?),
            _ => return Err(Misuse::WrongWireFormat.into()),
        };
        Ok(MlsMessage::new(body))
    }

    /// Signs and encrypts application data from the member at `leaf`.
    pub fn protect_application(
        &mut self,
        suite: &dyn CipherSuiteProvider,
        signer: &dyn Signer,
        leaf: u32,
        authenticated_data: &[u8],
        data: &[u8],
        rand: &dyn RandProvider,
    ) -> Result<MlsMessage, Error> {
        let content = self.sign(
            suite,
            signer,
            WireFormat::PrivateMessage,
            Sender::Member(leaf),
            authenticated_data,
            Content::Application(VarBytes::from(data)),
        )?;
        self.wrap(suite, &content, rand)
    }

    /// Checks an incoming PublicMessage or PrivateMessage and returns its
    /// verified content (§6.2, §6.3). Every check happens before any state
    /// changes; a PrivateMessage's key is deleted only once the message has
    /// passed them all, so a rejected message leaves the ratchets unharmed.
    pub fn unprotect(
        &mut self,
        suite: &dyn CipherSuiteProvider,
        message: &MlsMessage,
        keys: &dyn SenderKeys,
    ) -> Result<VerifiedContent, Error> {
        let (content, spend) = self.unprotect_unspent(suite, message, keys)?;
        if let Some(spend) = spend {
            self.spend(spend)?;
        }
        Ok(content)
    }

    /// [`unprotect`](Self::unprotect) that leaves a PrivateMessage's key in
    /// place: the caller [`spend`](Self::spend)s it once the content is
    /// accepted or refused for good, and drops it when the content is
    /// refused for a reason the sender can recover from (a commit whose
    /// proposals have not arrived yet), so the same message can be
    /// processed again later.
    pub(crate) fn unprotect_unspent(
        &mut self,
        suite: &dyn CipherSuiteProvider,
        message: &MlsMessage,
        keys: &dyn SenderKeys,
    ) -> Result<(VerifiedContent, Option<Spend>), Error> {
        match &message.body {
            MlsMessageBody::PublicMessage(m) => Ok((self.unprotect_public(suite, m, keys)?, None)),
            MlsMessageBody::PrivateMessage(m) => {
                let (content, spend) = self.unprotect_private(suite, m, keys)?;
                Ok((content, Some(spend)))
            }
            _ => Err(Misuse::NotAProtectedMessage.into()),
        }
    }

    /// §9.2: deletes the key a PrivateMessage used, now that the message is
    /// accepted (or refused for good).
    pub(crate) fn spend(&mut self, spend: Spend) -> Result<(), Error> {
        let epoch = if spend.epoch == self.current.epoch() {
            &mut self.current
        } else {
            self.past
                .iter_mut()
                .find(|k| k.epoch() == spend.epoch)
                .ok_or(Error::Internal("the epoch of a key to spend is gone"))?
        };
        epoch.secret_tree.commit_received(spend.pending)
    }

    fn check_group(&self, group_id: &VarBytes) -> Result<(), Error> {
        if *group_id != self.current.group_context.group_id {
            return Err(ProtocolError::WrongGroupId.into());
        }
        Ok(())
    }

    fn unprotect_public(
        &self,
        suite: &dyn CipherSuiteProvider,
        message: &PublicMessage,
        keys: &dyn SenderKeys,
    ) -> Result<VerifiedContent, Error> {
        self.check_group(&message.content.group_id)?;
        let epoch = &self.current;
        verify_public_message(
            suite,
            message,
            &epoch.group_context,
            epoch.secret_tree.size(),
            Some(&epoch.membership_key),
            keys,
        )
    }

    fn unprotect_private(
        &mut self,
        suite: &dyn CipherSuiteProvider,
        message: &PrivateMessage,
        keys: &dyn SenderKeys,
    ) -> Result<(VerifiedContent, Spend), Error> {
        self.check_group(&message.group_id)?;
        let current = self.current.epoch();
        let retained = self.policy.past_epochs;
        let epoch = if message.epoch == current {
            &mut self.current
        } else if message.epoch > current {
            return Err(ProtocolError::WrongEpoch {
                received: message.epoch,
                current,
            }
            .into());
        } else {
            self.past
                .iter_mut()
                .find(|k| k.epoch() == message.epoch)
                .ok_or(ProtocolError::EpochNotRetained {
                    received: message.epoch,
                    current,
                    retained,
                })?
        };
        let (content, pending) =
            message.decrypt(suite, &epoch.secret_tree, &epoch.sender_data_secret)?;
        content.content.check_sender_rules()?;
        let key = keys.signature_key(&content.content)?;
        content.verify_signature(suite, &key, Some(&epoch.group_context))?;
        let spend = Spend {
            epoch: message.epoch,
            pending,
        };
        Ok((VerifiedContent::new(content), spend))
    }
}

/// The checks of a PublicMessage of the group whose current epoch has
/// `context` and a tree `size` wide (§6.2), the group id already matched:
/// epoch, no application data, confirmation tag present on a commit, the
/// sender rules (§6), the sender's leaf in range, the membership tag, then
/// the signature over the GroupContext (§6.1).
///
/// Without `membership_key` (a view of the group without secrets, see
/// [`PublicGroup`](crate::group::PublicGroup)) a member's membership tag
/// is checked for presence and length only: its value needs the epoch's
/// secrets.
pub(crate) fn verify_public_message(
    suite: &dyn CipherSuiteProvider,
    message: &PublicMessage,
    context: &GroupContext,
    size: TreeSize,
    membership_key: Option<&Secret>,
    keys: &dyn SenderKeys,
) -> Result<VerifiedContent, Error> {
    let framed = &message.content;
    // A PublicMessage can only be checked against the current epoch: its
    // membership key and GroupContext (§6.2).
    let current = context.epoch;
    if framed.epoch != current {
        return Err(ProtocolError::WrongEpoch {
            received: framed.epoch,
            current,
        }
        .into());
    }
    if framed.content.content_type() == ContentType::Application {
        return Err(ProtocolError::ApplicationDataInPublicMessage.into());
    }
    // §6.1: a commit carries a confirmation tag. Checked before the
    // membership tag, whose input cannot be built without it.
    if framed.content.content_type() == ContentType::Commit
        && message.auth.confirmation_tag.is_none()
    {
        return Err(ProtocolError::ConfirmationTagMissing.into());
    }
    framed.check_sender_rules()?;
    if let Sender::Member(leaf) = framed.sender {
        check_leaf_range(leaf, size)?;
    }
    match membership_key {
        Some(key) => message.verify_membership_tag(suite, key, context)?,
        None => {
            message.check_membership_tag_shape(suite)?;
        }
    }
    let key = keys.signature_key(framed)?;
    let content = message.clone().into_authenticated();
    content.verify_signature(suite, &key, Some(context))?;
    Ok(VerifiedContent::new(content))
}

fn check_leaf_range(leaf: u32, size: TreeSize) -> Result<(), Error> {
    if leaf >= size.leaf_count() {
        return Err(ProtocolError::SenderLeafOutOfRange {
            leaf,
            leaf_count: size.leaf_count(),
        }
        .into());
    }
    Ok(())
}
