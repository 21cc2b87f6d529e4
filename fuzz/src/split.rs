//! The parts of an `MLSMessage` each wire target decodes on its own: the
//! Welcome, GroupInfo or KeyPackage inside, and the Proposal or Commit in
//! a PublicMessage (a PrivateMessage's content is encrypted), encoded.

use mls_core::MlsMessage;
use mls_core::codec::encode;
use mls_core::framing::{Content, MlsMessageBody};
use mls_core::group::proposal::{Proposal, ProposalOrRef};

/// `(target, bytes)` for every part of `message` a wire target decodes,
/// the message itself included.
pub fn parts(message: &MlsMessage) -> Vec<(&'static str, Vec<u8>)> {
    let mut out = Vec::new();
    if let Ok(bytes) = message.to_bytes() {
        out.push(("mls_message", bytes));
    }
    let inner = match &message.body {
        MlsMessageBody::Welcome(w) => encode(w).map(|b| vec![("welcome", b)]),
        MlsMessageBody::GroupInfo(g) => encode(g).map(|b| vec![("group_info", b)]),
        MlsMessageBody::KeyPackage(k) => encode(k).map(|b| vec![("key_package", b)]),
        MlsMessageBody::PublicMessage(p) => Ok(content_parts(&p.content.content)),
        MlsMessageBody::PrivateMessage(_) => Ok(Vec::new()),
    };
    out.extend(inner.unwrap_or_default());
    out
}

/// The Proposal, or the Commit and every proposal it carries by value.
pub fn content_parts(content: &Content) -> Vec<(&'static str, Vec<u8>)> {
    let mut out = Vec::new();
    match content {
        Content::Proposal(p) => out.extend(proposal_parts(p)),
        Content::Commit(c) => {
            out.extend(encode(c).ok().map(|b| ("commit", b)));
            for p in c.proposals.as_slice() {
                if let ProposalOrRef::Proposal(p) = p {
                    out.extend(proposal_parts(p));
                }
            }
        }
        Content::Application(_) => {}
    }
    out
}

/// The proposal, and the KeyPackage an Add carries.
fn proposal_parts(proposal: &Proposal) -> Vec<(&'static str, Vec<u8>)> {
    let mut out: Vec<_> = encode(proposal)
        .ok()
        .map(|b| ("proposal", b))
        .into_iter()
        .collect();
    if let Proposal::Add(add) = proposal {
        out.extend(encode(&add.key_package).ok().map(|b| ("key_package", b)));
    }
    out
}
