//! `messages.json`: every MLS wire structure decodes and re-encodes to the
//! exact bytes of the vector (syntax only, no semantics).

use super::{Tally, expect_eq};
use crate::vectors::Hex;
use mls_core::codec::tls_codec::{DeserializeBytes, Serialize, Size};
use mls_core::codec::{decode_exact, encode};
use mls_core::framing::{ContentType, MlsMessage, MlsMessageBody, WireFormat};
use mls_core::group::commit::Commit;
use mls_core::group::proposal::{
    Add, ExternalInit, GroupContextExtensions, PreSharedKey, ReInit, Remove, Update,
};
use mls_core::group::welcome::GroupSecrets;
use mls_core::tree::node::RatchetTree;
use serde::Deserialize;

#[derive(Deserialize)]
pub(crate) struct Case {
    mls_welcome: Hex,
    mls_group_info: Hex,
    mls_key_package: Hex,
    ratchet_tree: Hex,
    group_secrets: Hex,
    add_proposal: Hex,
    update_proposal: Hex,
    remove_proposal: Hex,
    pre_shared_key_proposal: Hex,
    re_init_proposal: Hex,
    external_init_proposal: Hex,
    group_context_extensions_proposal: Hex,
    commit: Hex,
    public_message_application: Hex,
    public_message_proposal: Hex,
    public_message_commit: Hex,
    private_message: Hex,
}

/// Decodes `bytes` as exactly one `T` and checks it re-encodes to `bytes`.
fn round_trip<T: DeserializeBytes + Serialize + Size>(bytes: &[u8]) -> Result<(), String> {
    let value: T = decode_exact(bytes).map_err(|e| format!("decode: {e}"))?;
    let encoded = encode(&value).map_err(|e| format!("encode: {e}"))?;
    expect_eq("re-encoded", bytes, &encoded)
}

/// Decodes an `MLSMessage` (§6), checks its wire format (and, for a
/// PublicMessage, the content type), and that it re-encodes to `bytes`.
fn mls_message(
    bytes: &[u8],
    wire_format: WireFormat,
    content_type: Option<ContentType>,
) -> Result<(), String> {
    let message = MlsMessage::from_bytes(bytes).map_err(|e| format!("decode: {e}"))?;
    if message.wire_format() != wire_format {
        return Err(format!(
            "wire format {:?}, expected {wire_format:?}",
            message.wire_format()
        ));
    }
    if let (MlsMessageBody::PublicMessage(p), Some(expected)) = (&message.body, content_type) {
        let found = p.content.content.content_type();
        if found != expected {
            return Err(format!("content type {found:?}, expected {expected:?}"));
        }
    }
    let encoded = message.to_bytes().map_err(|e| format!("encode: {e}"))?;
    expect_eq("re-encoded", bytes, &encoded)
}

pub(crate) fn run(cases: &[Case], t: &mut Tally) {
    for (i, c) in cases.iter().enumerate() {
        let name = |field: &str| format!("case {i} {field}");
        t.check(
            &name("mls_welcome"),
            mls_message(&c.mls_welcome, WireFormat::Welcome, None),
        );
        t.check(
            &name("mls_group_info"),
            mls_message(&c.mls_group_info, WireFormat::GroupInfo, None),
        );
        t.check(
            &name("mls_key_package"),
            mls_message(&c.mls_key_package, WireFormat::KeyPackage, None),
        );
        t.check(
            &name("ratchet_tree"),
            round_trip::<RatchetTree>(&c.ratchet_tree),
        );
        t.check(
            &name("group_secrets"),
            round_trip::<GroupSecrets>(&c.group_secrets),
        );
        t.check(&name("add_proposal"), round_trip::<Add>(&c.add_proposal));
        t.check(
            &name("update_proposal"),
            round_trip::<Update>(&c.update_proposal),
        );
        t.check(
            &name("remove_proposal"),
            round_trip::<Remove>(&c.remove_proposal),
        );
        t.check(
            &name("pre_shared_key_proposal"),
            round_trip::<PreSharedKey>(&c.pre_shared_key_proposal),
        );
        t.check(
            &name("re_init_proposal"),
            round_trip::<ReInit>(&c.re_init_proposal),
        );
        t.check(
            &name("external_init_proposal"),
            round_trip::<ExternalInit>(&c.external_init_proposal),
        );
        t.check(
            &name("group_context_extensions_proposal"),
            round_trip::<GroupContextExtensions>(&c.group_context_extensions_proposal),
        );
        t.check(&name("commit"), round_trip::<Commit>(&c.commit));
        for (field, bytes, content_type) in [
            (
                "public_message_application",
                &c.public_message_application,
                ContentType::Application,
            ),
            (
                "public_message_proposal",
                &c.public_message_proposal,
                ContentType::Proposal,
            ),
            (
                "public_message_commit",
                &c.public_message_commit,
                ContentType::Commit,
            ),
        ] {
            t.check(
                &name(field),
                mls_message(bytes, WireFormat::PublicMessage, Some(content_type)),
            );
        }
        t.check(
            &name("private_message"),
            mls_message(&c.private_message, WireFormat::PrivateMessage, None),
        );
    }
}
