//! `message-protection.json`: PublicMessage and PrivateMessage protection of
//! RFC 9420 §6 for a proposal, a commit and application data, in both
//! directions (the vector's messages unprotect; ours round-trip).

use super::Tally;
use crate::vectors::Hex;
use mls_core::codec::{VarBytes, decode_exact};
use mls_core::extensions::Extensions;
use mls_core::framing::{
    Content, EpochKeys, FramedContent, MessageProtection, MlsMessage, PaddingPolicy, SenderKeys,
    WireFormat,
};
use mls_core::group::commit::Commit;
use mls_core::group::proposal::Proposal;
use mls_core::key_schedule::GroupContext;
use mls_core::provider::{CipherSuiteProvider, Signer};
use mls_core::secret::Secret;
use mls_core::secret_tree::{OutOfOrderPolicy, SecretTree};
use mls_core::tree_math::TreeSize;
use mls_core::{Error, Misuse};
use serde::Deserialize;

#[derive(Deserialize)]
pub(crate) struct Case {
    pub(crate) cipher_suite: u16,
    group_id: Hex,
    epoch: u64,
    tree_hash: Hex,
    confirmed_transcript_hash: Hex,
    signature_priv: Hex,
    signature_pub: Hex,
    encryption_secret: Hex,
    sender_data_secret: Hex,
    membership_key: Hex,
    proposal: Hex,
    proposal_pub: Hex,
    proposal_priv: Hex,
    commit: Hex,
    commit_pub: Hex,
    commit_priv: Hex,
    application: Hex,
    application_priv: Hex,
}

/// Cases per entry: four each for the proposal and the commit (vector
/// PublicMessage, own PublicMessage, vector PrivateMessage, own
/// PrivateMessage), three for application data (no PublicMessage allowed).
pub(crate) const CHECKS: usize = 11;

/// The sender in every case.
const SENDER: u32 = 1;

struct FixedKey(Vec<u8>);

impl SenderKeys for FixedKey {
    fn signature_key(&self, _content: &FramedContent) -> Result<Vec<u8>, Error> {
        Ok(self.0.clone())
    }
}

fn err(e: impl std::fmt::Display) -> String {
    e.to_string()
}

impl Case {
    fn protection(&self, suite: &dyn CipherSuiteProvider) -> Result<MessageProtection, String> {
        let context = GroupContext {
            version: mls_core::ProtocolVersion,
            cipher_suite: suite.cipher_suite(),
            group_id: VarBytes::from(&self.group_id[..]),
            epoch: self.epoch,
            tree_hash: VarBytes::from(&self.tree_hash[..]),
            confirmed_transcript_hash: VarBytes::from(&self.confirmed_transcript_hash[..]),
            extensions: Extensions::new(),
        };
        let size = TreeSize::from_leaf_count(2).ok_or("tree size")?;
        let policy = OutOfOrderPolicy::default();
        let tree = SecretTree::new(Secret::from_slice(&self.encryption_secret), size, policy);
        let keys = EpochKeys::from_parts(
            context,
            Secret::from_slice(&self.sender_data_secret),
            Secret::from_slice(&self.membership_key),
            tree,
        );
        Ok(MessageProtection::new(keys, policy, PaddingPolicy::None))
    }
}

/// Unprotects `bytes` with fresh keys and compares the content.
fn unprotect(
    c: &Case,
    suite: &dyn CipherSuiteProvider,
    bytes: &[u8],
    expected: &Content,
) -> Result<(), String> {
    let message: MlsMessage = decode_exact(bytes).map_err(err)?;
    let mut protection = c.protection(suite)?;
    let verified = protection
        .unprotect(suite, &message, &FixedKey(c.signature_pub.0.clone()))
        .map_err(err)?;
    if verified.content() != expected {
        return Err("unprotected content differs".into());
    }
    Ok(())
}

/// Protects `content` with the vector's keys and unprotects it with fresh ones.
fn round_trip(
    c: &Case,
    suite: &dyn CipherSuiteProvider,
    signer: &dyn Signer,
    wire_format: WireFormat,
    content: &Content,
) -> Result<(), String> {
    let mut sender = c.protection(suite)?;
    let signed = sender
        .sign(
            suite,
            signer,
            wire_format,
            mls_core::framing::Sender::Member(SENDER),
            b"",
            content.clone(),
        )
        .map_err(err)?;
    let mut signed = signed;
    if matches!(content, Content::Commit(_)) {
        // Any tag of the right shape: its value is checked by the group.
        signed.set_confirmation_tag(vec![0; suite.hash_len()]);
    }
    let rand = crate::SeededRand::new([3; 32]);
    let message = sender.wrap(suite, &signed, &rand).map_err(err)?;
    let bytes = message.to_bytes().map_err(err)?;
    unprotect(c, suite, &bytes, content)
}

fn check_handshake(
    c: &Case,
    suite: &dyn CipherSuiteProvider,
    signer: &dyn Signer,
    name: &str,
    content: Result<Content, String>,
    [public, private]: [&[u8]; 2],
    t: &mut Tally,
) {
    let content = match content {
        Ok(content) => content,
        Err(why) => {
            for _ in 0..4 {
                t.check(name, Err(why.clone()));
            }
            return;
        }
    };
    t.check(
        &format!("{name} vector PublicMessage"),
        unprotect(c, suite, public, &content),
    );
    t.check(
        &format!("{name} own PublicMessage"),
        round_trip(c, suite, signer, WireFormat::PublicMessage, &content),
    );
    t.check(
        &format!("{name} vector PrivateMessage"),
        unprotect(c, suite, private, &content),
    );
    t.check(
        &format!("{name} own PrivateMessage"),
        round_trip(c, suite, signer, WireFormat::PrivateMessage, &content),
    );
}

pub(crate) fn run(c: &Case, suite: &dyn CipherSuiteProvider, t: &mut Tally) {
    let signer = match suite.signer(&c.signature_priv) {
        Ok(s) => s,
        Err(e) => {
            for _ in 0..CHECKS {
                t.check("signature_priv", Err(err(&e)));
            }
            return;
        }
    };
    let signer = signer.as_ref();
    let proposal = decode_exact::<Proposal>(&c.proposal)
        .map(Content::Proposal)
        .map_err(err);
    check_handshake(
        c,
        suite,
        signer,
        "proposal",
        proposal,
        [&c.proposal_pub, &c.proposal_priv],
        t,
    );
    let commit = decode_exact::<Commit>(&c.commit)
        .map(Content::Commit)
        .map_err(err);
    check_handshake(
        c,
        suite,
        signer,
        "commit",
        commit,
        [&c.commit_pub, &c.commit_priv],
        t,
    );

    let application = Content::Application(VarBytes::from(&c.application[..]));
    let public = c.protection(suite).and_then(|p| {
        match p.sign(
            suite,
            signer,
            WireFormat::PublicMessage,
            mls_core::framing::Sender::Member(SENDER),
            b"",
            application.clone(),
        ) {
            Err(Error::Misuse(Misuse::ApplicationDataAsPublicMessage)) => Ok(()),
            Err(other) => Err(format!(
                "expected ApplicationDataAsPublicMessage, got {other}"
            )),
            Ok(_) => Err("application data was protected as a PublicMessage".into()),
        }
    });
    t.check("application as PublicMessage refused", public);
    t.check(
        "application vector PrivateMessage",
        unprotect(c, suite, &c.application_priv, &application),
    );
    t.check(
        "application own PrivateMessage",
        round_trip(c, suite, signer, WireFormat::PrivateMessage, &application),
    );
}
