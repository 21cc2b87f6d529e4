//! The public view (`PublicGroup`) against the passive-client files: a
//! delivery service following the same group as the passive client, from
//! the client's GroupInfo, must end every epoch in the client's
//! GroupContext (epoch, tree hash, confirmed transcript hash, extensions)
//! with the same ratchet tree and the same interim transcript hash input
//! (the confirmation tag).
//!
//! The view cannot read the Welcome (it is encrypted to the joiner), so it
//! starts from the GroupInfo the joined client signs. It follows an epoch
//! whose proposals and commit are all PublicMessages; an epoch with a
//! PrivateMessage handshake cannot be followed without secrets, so it is
//! counted and the view starts again from the client's GroupInfo after it.
//!
//! The `messages` and `tree-operations` files carry no group to follow a
//! commit in (standalone messages; a proposal applied to a bare tree with
//! no GroupContext), so they are not part of this check.

use super::Lifetimes;
use super::passive_client::{Case, Epoch, join, setup};
use crate::backends::Backend;
use crate::clients::{BackendProvider, client_with_signer, seed};
use crate::vectors::VectorDir;
use mls_core::codec::decode_exact;
use mls_core::framing::{MlsMessage, MlsMessageBody};
use mls_core::group::{Group, PublicGroup, PublicProcessedMessage};
use mls_core::provider::CryptoProvider;

/// What following the passive-client files publicly did, on one backend.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PublicViewCounts {
    /// Cases whose suite the backend offers and whose client joined.
    pub cases: usize,
    /// PublicMessage commits the view followed to the client's state.
    pub commits: usize,
    /// PublicMessage proposals the view cached before a commit used them.
    pub proposals: usize,
    /// Epochs with a PrivateMessage handshake, which a view cannot follow.
    pub private_epochs: usize,
    /// Cases skipped: the backend lacks the suite, or the client itself
    /// failed (the conformance run reports those).
    pub skipped: usize,
    /// Where the view and the client disagreed, one line each.
    pub mismatches: Vec<String>,
}

type View<'a> = PublicGroup<BackendProvider<'a>>;

/// A view of `group` from the GroupInfo it signs now, with the tree.
fn view_of<'a, P: mls_core::provider::Provider>(
    crypto: &'a dyn CryptoProvider,
    group: &Group<P>,
    lifetimes: Lifetimes,
) -> Result<View<'a>, String> {
    let info = group
        .group_info(true)
        .map_err(|e| format!("the client's GroupInfo: {e}"))?;
    PublicGroup::builder(BackendProvider::new(crypto, seed(77)))
        .credential_validator(mls_core::credential::AcceptAll)
        .config(lifetimes.config())
        .build_from_group_info(&info, None)
        .map_err(|e| format!("the view refused the client's GroupInfo: {e} [{e:?}]"))
}

fn is_public(bytes: &[u8]) -> Result<(bool, MlsMessage), String> {
    let m = decode_exact::<MlsMessage>(bytes).map_err(|e| e.to_string())?;
    Ok((matches!(m.body, MlsMessageBody::PublicMessage(_)), m))
}

/// One epoch through the view; the client has processed it already.
fn follow_epoch<P: mls_core::provider::Provider>(
    view: &mut View<'_>,
    epoch: &Epoch,
    group: &Group<P>,
    counts: &mut PublicViewCounts,
) -> Result<(), String> {
    for (i, bytes) in epoch.proposals.iter().enumerate() {
        let (_, m) = is_public(bytes)?;
        match view.process_message(&m) {
            Ok(PublicProcessedMessage::Proposal(_)) => counts.proposals += 1,
            other => return Err(format!("proposal {i}: {other:?}")),
        }
    }
    let (_, commit) = is_public(&epoch.commit)?;
    match view.process_and_merge(&commit) {
        Ok(PublicProcessedMessage::Commit(_)) => counts.commits += 1,
        other => return Err(format!("commit: {other:?}")),
    }
    if view.group_context() != group.group_context() {
        return Err(format!(
            "GroupContext differs: view {:?}, client {:?}",
            view.group_context(),
            group.group_context()
        ));
    }
    if view.ratchet_tree() != group.ratchet_tree() {
        return Err("ratchet tree differs".into());
    }
    // The client's confirmation tag (the interim transcript hash's input)
    // is in the GroupInfo it signs.
    let info = group
        .group_info(false)
        .map_err(|e| format!("the client's GroupInfo: {e}"))?;
    let MlsMessageBody::GroupInfo(info) = &info.body else {
        return Err("the client's GroupInfo is not one".into());
    };
    if view.confirmation_tag() != info.confirmation_tag.as_slice() {
        return Err("confirmation tag (the interim transcript hash's input) differs".into());
    }
    Ok(())
}

/// Follows every case of the pinned passive-client files on `backend`.
pub fn run(vectors: &VectorDir, backend: &Backend) -> Result<PublicViewCounts, String> {
    let mut counts = PublicViewCounts::default();
    for (file, note) in super::LIFETIME_OFF_FILES {
        let cases: Vec<Case> = vectors.load(file)?;
        let lifetimes = Lifetimes::OffForOfficialFile(note);
        for (index, c) in cases.iter().enumerate() {
            run_case(file, index, c, backend, lifetimes, &mut counts);
        }
    }
    Ok(counts)
}

fn run_case(
    file: &str,
    index: usize,
    c: &Case,
    backend: &Backend,
    lifetimes: Lifetimes,
    counts: &mut PublicViewCounts,
) {
    let crypto = backend.provider.as_ref();
    let Some(suite) = mls_core::CipherSuite::try_from(c.cipher_suite)
        .ok()
        .and_then(|cs| crypto.suite(cs))
    else {
        counts.skipped += 1;
        return;
    };
    let Ok((key_package, signer)) = setup(c, suite) else {
        counts.skipped += 1;
        return;
    };
    let client = client_with_signer(
        crypto,
        key_package.leaf_node.credential.clone(),
        signer,
        seed(0),
    );
    let Ok(mut group) = join(c, &client, &key_package, lifetimes.config()) else {
        counts.skipped += 1;
        return;
    };
    counts.cases += 1;
    let at = |i: usize| format!("{file} case {index} epoch {i} ({})", backend.name);
    let mut view = match view_of(crypto, &group, lifetimes) {
        Ok(v) => Some(v),
        Err(why) => {
            counts.mismatches.push(format!("{}: {why}", at(0)));
            return;
        }
    };
    for (i, epoch) in c.epochs.iter().enumerate() {
        let all_public = epoch
            .proposals
            .iter()
            .chain(std::iter::once(&epoch.commit))
            .all(|b| is_public(b).is_ok_and(|(p, _)| p));
        if super::passive_client::follow(epoch, &mut group).is_err() {
            // The conformance run reports the client's own failure.
            counts.skipped += 1;
            return;
        }
        match (all_public, view.as_mut()) {
            (true, Some(v)) => {
                if let Err(why) = follow_epoch(v, epoch, &group, counts) {
                    counts.mismatches.push(format!("{}: {why}", at(i)));
                    return;
                }
            }
            _ => {
                counts.private_epochs += usize::from(!all_public);
                // Start again from the client's GroupInfo of the new epoch.
                view = match view_of(crypto, &group, lifetimes) {
                    Ok(v) => Some(v),
                    Err(why) => {
                        counts.mismatches.push(format!("{}: {why}", at(i)));
                        return;
                    }
                };
            }
        }
    }
}
