//! The records a group is stored as (see [`crate::storage`] for keys and
//! the envelope). Each `write_*` has its `read_*`; both sides follow the
//! same field order, written out here as the TLS-style struct it encodes.

use super::super::config::GroupConfig;
use super::super::pending::{CachedProposal, PendingCommit};
use super::super::state::{Inactive, NewEpoch, PastLeaf, PastSignatureKeys};
use crate::credential::Credential;
use crate::error::{DecodeError, Error};
use crate::framing::{PaddingPolicy, Sender, WireFormat};
use crate::group::proposal::{Proposal, ProposalRef, ReInit};
use crate::key_schedule::{EpochSecrets, GroupContext};
use crate::secret::{HpkePrivateKey, Secret};
use crate::secret_tree::OutOfOrderPolicy;
use crate::storage::codec::{Dec, Enc};
use crate::tree::node::Node;
use crate::tree::public_tree::{Change, TreeChanges};
use crate::tree::treekem::TreePrivateKeys;
use crate::tree_math::{LeafIndex, NodeIndex};
use std::collections::{BTreeMap, VecDeque};

/// ```text
/// struct {
///     WireFormat handshake_wire_format;
///     uint8 padding_kind; uint16 padding_multiple;
///     uint32 max_forward_jump; uint32 max_skipped_keys; uint32 past_epochs;
///     uint8 ratchet_tree_in_welcome; uint8 external_pub_in_group_info;
///     optional<uint64> max_key_package_lifetime;
///     uint8 check_lifetimes; uint8 check_tree_lifetimes;
///     uint32 resumption_psk_epochs; uint32 max_leaves;
/// } StoredConfig;
/// ```
pub(super) fn write_config(enc: &mut Enc, c: &GroupConfig) -> Result<(), Error> {
    enc.value(&c.handshake_wire_format)?;
    match c.padding {
        PaddingPolicy::None => enc.u8(0).u16(0),
        PaddingPolicy::Multiple(m) => enc.u8(1).u16(m),
    };
    enc.u32(c.out_of_order.max_forward_jump)
        .u32(c.out_of_order.max_skipped_keys)
        .u32(c.out_of_order.past_epochs)
        .bool(c.ratchet_tree_in_welcome)
        .bool(c.external_pub_in_group_info);
    match c.max_key_package_lifetime {
        None => enc.u8(0),
        Some(v) => enc.u8(1).u64(v),
    };
    enc.bool(c.check_lifetimes)
        .bool(c.check_tree_lifetimes)
        .u32(c.resumption_psk_epochs)
        .u32(c.max_leaves);
    Ok(())
}

pub(super) fn read_config(dec: &mut Dec<'_>) -> Result<GroupConfig, Error> {
    let handshake_wire_format: WireFormat = dec.value()?;
    let padding = match (dec.u8()?, dec.u16()?) {
        (0, _) => PaddingPolicy::None,
        (1, m) => PaddingPolicy::Multiple(m),
        (other, _) => return Err(DecodeError::UnknownValue(other.into()).into()),
    };
    let out_of_order = OutOfOrderPolicy {
        max_forward_jump: dec.u32()?,
        max_skipped_keys: dec.u32()?,
        past_epochs: dec.u32()?,
    };
    let ratchet_tree_in_welcome = dec.bool()?;
    let external_pub_in_group_info = dec.bool()?;
    let max_key_package_lifetime = if dec.bool()? { Some(dec.u64()?) } else { None };
    Ok(GroupConfig {
        handshake_wire_format,
        padding,
        out_of_order,
        ratchet_tree_in_welcome,
        external_pub_in_group_info,
        max_key_package_lifetime,
        check_lifetimes: dec.bool()?,
        check_tree_lifetimes: dec.bool()?,
        resumption_psk_epochs: dec.u32()?,
        max_leaves: dec.u32()?,
        // Stored at the end of the group record (see `read_group`).
        max_proposals_per_epoch: GroupConfig::default().max_proposals_per_epoch,
        reserved_sending_generations: GroupConfig::default().reserved_sending_generations,
    })
}

fn write_inactive(enc: &mut Enc, inactive: Option<&Inactive>) -> Result<(), Error> {
    match inactive {
        None => {
            enc.u8(0);
        }
        Some(Inactive::Removed) => {
            enc.u8(1);
        }
        Some(Inactive::ReInit(reinit)) => {
            enc.u8(2).value(reinit)?;
        }
    }
    Ok(())
}

fn read_inactive(dec: &mut Dec<'_>) -> Result<Option<Inactive>, Error> {
    Ok(match dec.u8()? {
        0 => None,
        1 => Some(Inactive::Removed),
        2 => Some(Inactive::ReInit(dec.value::<ReInit>()?)),
        other => return Err(DecodeError::UnknownValue(other.into()).into()),
    })
}

/// The main record of a group.
pub(crate) struct GroupRecord {
    pub(crate) config: GroupConfig,
    pub(crate) context: GroupContext,
    pub(crate) own_leaf: LeafIndex,
    pub(crate) leaf_count: u32,
    pub(crate) interim_transcript_hash: Vec<u8>,
    pub(crate) confirmation_tag: Vec<u8>,
    pub(crate) inactive: Option<Inactive>,
    pub(crate) past_signature_keys: PastSignatureKeys,
    /// Past epochs whose message keys are stored, newest first.
    pub(crate) retained_epochs: Vec<u64>,
}

/// ```text
/// struct {
///     StoredConfig config;
///     GroupContext context;
///     uint32 own_leaf; uint32 leaf_count;
///     opaque interim_transcript_hash<V>; opaque confirmation_tag<V>;
///     uint8 inactive; select (inactive) { case 2: ReInit reinit; };
///     PastKeys past_signature_keys<V>;  // uint64 epoch, (uint32 leaf, optional<opaque key<V>>)<V>
///     uint64 retained_epochs<V>;
///     PastCredentials past_credentials<V>;  // uint64 epoch, (uint32 leaf, Credential)<V>
///     uint32 max_proposals_per_epoch;
///     uint32 reserved_sending_generations;
/// } GroupRecord;
/// ```
///
/// `past_credentials`, `max_proposals_per_epoch` and
/// `reserved_sending_generations` came after format 1's first release. A
/// record that ends before `past_credentials` loads with those credentials
/// unknown (a late message from such a sender is then refused, not
/// misattributed); one that ends before either of the last two takes its
/// default.
#[allow(clippy::too_many_arguments)]
pub(crate) fn write_group(
    enc: &mut Enc,
    config: &GroupConfig,
    context: &GroupContext,
    own_leaf: LeafIndex,
    leaf_count: u32,
    interim_transcript_hash: &[u8],
    confirmation_tag: &[u8],
    inactive: Option<&Inactive>,
    past_signature_keys: &PastSignatureKeys,
    retained_epochs: impl IntoIterator<Item = u64>,
) -> Result<(), Error> {
    write_config(enc, config)?;
    enc.value(context)?
        .u32(own_leaf.0)
        .u32(leaf_count)
        .bytes(interim_transcript_hash)?
        .bytes(confirmation_tag)?;
    write_inactive(enc, inactive)?;
    enc.list(past_signature_keys, |enc, (epoch, keys)| {
        enc.u64(*epoch);
        enc.list(keys, |enc, (leaf, past)| {
            enc.u32(*leaf)
                .opt_bytes(past.as_ref().map(|p| p.signature_key.as_slice()))?;
            Ok(())
        })?;
        Ok(())
    })?;
    enc.list(retained_epochs, |enc, e| {
        enc.u64(e);
        Ok(())
    })?;
    enc.list(past_signature_keys, |enc, (epoch, keys)| {
        enc.u64(*epoch);
        let known = keys
            .iter()
            .filter_map(|(leaf, p)| Some((leaf, p.as_ref()?.credential.as_ref()?)));
        enc.list(known, |enc, (leaf, credential)| {
            enc.u32(*leaf).value(credential)?;
            Ok(())
        })?;
        Ok(())
    })?;
    enc.u32(config.max_proposals_per_epoch);
    enc.u32(config.reserved_sending_generations);
    Ok(())
}

pub(crate) fn read_group(dec: &mut Dec<'_>) -> Result<GroupRecord, Error> {
    let mut config = read_config(dec)?;
    let context = dec.value()?;
    let own_leaf = LeafIndex(dec.u32()?);
    let leaf_count = dec.u32()?;
    let interim_transcript_hash = dec.bytes()?.to_vec();
    let confirmation_tag = dec.bytes()?.to_vec();
    let inactive = read_inactive(dec)?;
    let mut past_signature_keys: VecDeque<_> = dec
        .list(|dec| {
            let epoch = dec.u64()?;
            let keys: BTreeMap<u32, Option<PastLeaf>> = dec
                .list(|dec| {
                    let leaf = dec.u32()?;
                    let key = dec.opt_bytes()?.map(|k| PastLeaf {
                        signature_key: k.to_vec(),
                        credential: None,
                    });
                    Ok((leaf, key))
                })?
                .into_iter()
                .collect();
            Ok((epoch, keys))
        })?
        .into();
    let retained_epochs = dec.list(|dec| dec.u64())?;
    if !dec.is_at_end() {
        let credentials = dec.list(|dec| {
            let epoch = dec.u64()?;
            let leaves = dec.list(|dec| Ok((dec.u32()?, dec.value::<Credential>()?)))?;
            Ok((epoch, leaves))
        })?;
        for (epoch, leaves) in credentials {
            let Some((_, keys)) = past_signature_keys.iter_mut().find(|(e, _)| *e == epoch) else {
                return Err(DecodeError::UnknownValue(epoch).into());
            };
            for (leaf, credential) in leaves {
                match keys.get_mut(&leaf) {
                    Some(Some(past)) => past.credential = Some(credential),
                    _ => return Err(DecodeError::UnknownValue(leaf.into()).into()),
                }
            }
        }
    }
    if !dec.is_at_end() {
        config.max_proposals_per_epoch = dec.u32()?;
    }
    if !dec.is_at_end() {
        config.reserved_sending_generations = dec.u32()?;
    }
    Ok(GroupRecord {
        config,
        context,
        own_leaf,
        leaf_count,
        interim_transcript_hash,
        confirmation_tag,
        inactive,
        past_signature_keys,
        retained_epochs,
    })
}

/// The secrets of a current epoch beyond those that protect messages.
fn write_full_secrets(enc: &mut Enc, s: &EpochSecrets) -> Result<(), Error> {
    enc.bytes(s.exporter_secret.as_bytes())?
        .bytes(s.epoch_authenticator.as_bytes())?
        .bytes(s.external_secret.as_bytes())?
        .bytes(s.confirmation_key.as_bytes())?
        .bytes(s.resumption_psk.as_bytes())?
        .bytes(s.init_secret.as_bytes())?;
    Ok(())
}

/// An epoch's record. `full` is set for the current epoch; a past epoch
/// keeps only what reads its late messages, so its `init_secret`,
/// exporter and the rest are gone from storage once it is past.
pub(crate) struct EpochRecord {
    pub(crate) context: GroupContext,
    pub(crate) leaf_count: u32,
    pub(crate) sender_data_secret: Secret,
    pub(crate) membership_key: Secret,
    pub(crate) full: Option<EpochSecrets>,
}

/// ```text
/// struct {
///     GroupContext context; uint32 leaf_count;
///     opaque sender_data_secret<V>; opaque membership_key<V>;
///     uint8 full;
///     select (full) { case 1: opaque exporter_secret<V>; opaque epoch_authenticator<V>;
///         opaque external_secret<V>; opaque confirmation_key<V>;
///         opaque resumption_psk<V>; opaque init_secret<V>; };
/// } EpochRecord;
/// ```
/// The `encryption_secret` is never stored: the secret tree's nodes are.
pub(crate) fn write_epoch(
    enc: &mut Enc,
    context: &GroupContext,
    leaf_count: u32,
    sender_data_secret: &Secret,
    membership_key: &Secret,
    full: Option<&EpochSecrets>,
) -> Result<(), Error> {
    enc.value(context)?
        .u32(leaf_count)
        .bytes(sender_data_secret.as_bytes())?
        .bytes(membership_key.as_bytes())?;
    match full {
        None => {
            enc.u8(0);
        }
        Some(s) => {
            enc.u8(1);
            write_full_secrets(enc, s)?;
        }
    }
    Ok(())
}

pub(crate) fn read_epoch(dec: &mut Dec<'_>) -> Result<EpochRecord, Error> {
    let context: GroupContext = dec.value()?;
    let leaf_count = dec.u32()?;
    let sender_data_secret = dec.secret()?;
    let membership_key = dec.secret()?;
    let full = if dec.bool()? {
        Some(EpochSecrets {
            sender_data_secret: sender_data_secret.clone(),
            encryption_secret: Secret::new(Vec::new()),
            exporter_secret: dec.secret()?,
            epoch_authenticator: dec.secret()?,
            external_secret: dec.secret()?,
            confirmation_key: dec.secret()?,
            membership_key: membership_key.clone(),
            resumption_psk: dec.secret()?,
            init_secret: dec.secret()?,
        })
    } else {
        None
    };
    Ok(EpochRecord {
        context,
        leaf_count,
        sender_data_secret,
        membership_key,
        full,
    })
}

/// `struct { uint64 epoch; opaque psk<V>; } ResumptionPsks<V>;`
pub(crate) fn write_resumption_psks(
    enc: &mut Enc,
    psks: &VecDeque<(u64, Secret)>,
) -> Result<(), Error> {
    enc.list(psks, |enc, (epoch, psk)| {
        enc.u64(*epoch).bytes(psk.as_bytes())?;
        Ok(())
    })?;
    Ok(())
}

pub(crate) fn read_resumption_psks(dec: &mut Dec<'_>) -> Result<VecDeque<(u64, Secret)>, Error> {
    Ok(dec.list(|dec| Ok((dec.u64()?, dec.secret()?)))?.into())
}

fn write_tree_keys(enc: &mut Enc, keys: &TreePrivateKeys) -> Result<(), Error> {
    enc.list(keys.entries(), |enc, (x, key)| {
        enc.u32(x.0).bytes(key.as_bytes())?;
        Ok(())
    })?;
    Ok(())
}

fn read_tree_keys(dec: &mut Dec<'_>) -> Result<TreePrivateKeys, Error> {
    let keys: BTreeMap<NodeIndex, HpkePrivateKey> = dec
        .list(|dec| Ok((NodeIndex(dec.u32()?), dec.private_key()?)))?
        .into_iter()
        .collect();
    Ok(TreePrivateKeys::from_entries(keys))
}

/// ```text
/// struct {
///     (uint32 node; opaque private_key<V>;) tree_keys<V>;
///     (opaque public_key<V>; opaque private_key<V>;) pending_update_keys<V>;
/// } OwnKeys;
/// ```
pub(crate) fn write_own_keys<'a>(
    enc: &mut Enc,
    keys: &TreePrivateKeys,
    pending_update_keys: impl IntoIterator<Item = &'a (Vec<u8>, HpkePrivateKey)>,
) -> Result<(), Error> {
    write_tree_keys(enc, keys)?;
    enc.list(pending_update_keys, |enc, (public, private)| {
        enc.bytes(public)?.bytes(private.as_bytes())?;
        Ok(())
    })?;
    Ok(())
}

/// Tree keys and pending Update keys.
pub(crate) type OwnKeys = (TreePrivateKeys, Vec<(Vec<u8>, HpkePrivateKey)>);

pub(crate) fn read_own_keys(dec: &mut Dec<'_>) -> Result<OwnKeys, Error> {
    let keys = read_tree_keys(dec)?;
    let pending = dec.list(|dec| Ok((dec.bytes()?.to_vec(), dec.private_key()?)))?;
    Ok((keys, pending))
}

/// `struct { uint32 arrival; ProposalRef reference; Proposal proposal; Sender sender; }`
pub(crate) fn write_proposal(enc: &mut Enc, arrival: u32, p: &CachedProposal) -> Result<(), Error> {
    enc.u32(arrival)
        .value(&p.reference)?
        .value(&p.proposal)?
        .value(&p.sender)?;
    Ok(())
}

pub(crate) fn read_proposal(dec: &mut Dec<'_>) -> Result<(u32, CachedProposal), Error> {
    let arrival = dec.u32()?;
    Ok((
        arrival,
        CachedProposal {
            reference: dec.value::<ProposalRef>()?,
            proposal: dec.value::<Proposal>()?,
            sender: dec.value::<Sender>()?,
        },
    ))
}

/// ```text
/// struct {
///     Step tree_changes<V>;   // uint8 kind (0 set, 1 extend, 2 halve);
///                             // set: uint32 node, optional<Node> old, optional<Node> new
///     GroupContext context; full epoch secrets; OwnKeys keys (no updates);
///     uint32 own_leaf; opaque interim_transcript_hash<V>;
///     opaque confirmation_tag<V>; uint8 inactive ...;
///     opaque encryption_secret<V>;
/// } PendingCommitRecord;
/// ```
pub(crate) fn write_pending_commit(enc: &mut Enc, p: &PendingCommit) -> Result<(), Error> {
    enc.list(p.tree_changes.steps(), |enc, (change, new)| {
        match change {
            Change::Set { x, old } => {
                enc.u8(0).u32(x.0).value(old)?.value(new)?;
            }
            Change::Extend => {
                enc.u8(1);
            }
            Change::Halve => {
                enc.u8(2);
            }
        }
        Ok(())
    })?;
    let n = &p.next;
    enc.value(&n.context)?
        .bytes(n.secrets.sender_data_secret.as_bytes())?
        .bytes(n.secrets.membership_key.as_bytes())?
        .bytes(n.secrets.encryption_secret.as_bytes())?;
    write_full_secrets(enc, &n.secrets)?;
    write_tree_keys(enc, &n.keys)?;
    enc.u32(n.own_leaf.0)
        .bytes(&n.interim_transcript_hash)?
        .bytes(&n.confirmation_tag)?;
    write_inactive(enc, n.inactive.as_ref())
}

pub(crate) fn read_pending_commit(dec: &mut Dec<'_>) -> Result<PendingCommit, Error> {
    let steps = dec.list(|dec| {
        Ok(match dec.u8()? {
            0 => {
                let x = NodeIndex(dec.u32()?);
                let old: Option<Node> = dec.value()?;
                let new: Option<Node> = dec.value()?;
                (Change::Set { x, old }, new)
            }
            1 => (Change::Extend, None),
            2 => (Change::Halve, None),
            other => return Err(DecodeError::UnknownValue(other.into()).into()),
        })
    })?;
    let context: GroupContext = dec.value()?;
    let sender_data_secret = dec.secret()?;
    let membership_key = dec.secret()?;
    let encryption_secret = dec.secret()?;
    let secrets = EpochSecrets {
        sender_data_secret,
        encryption_secret,
        exporter_secret: dec.secret()?,
        epoch_authenticator: dec.secret()?,
        external_secret: dec.secret()?,
        confirmation_key: dec.secret()?,
        membership_key,
        resumption_psk: dec.secret()?,
        init_secret: dec.secret()?,
    };
    let keys = read_tree_keys(dec)?;
    let own_leaf = LeafIndex(dec.u32()?);
    let interim_transcript_hash = dec.bytes()?.to_vec();
    let confirmation_tag = dec.bytes()?.to_vec();
    let inactive = read_inactive(dec)?;
    Ok(PendingCommit {
        tree_changes: TreeChanges::from_steps(steps),
        next: NewEpoch {
            context,
            secrets,
            keys,
            own_leaf,
            interim_transcript_hash,
            confirmation_tag,
            inactive,
        },
    })
}
