//! What several RPCs need: the group configuration the runner's flags ask
//! for, encodings of the protocol objects it passes around, and finding a
//! member by the identity the runner names it with.

use super::super::actor::Actor;
use super::super::status::{invalid, mls_context, mls_error};
use mls_core::MlsMessage;
use mls_core::cipher_suite::CipherSuite;
use mls_core::credential::Credential;
use mls_core::framing::{MlsMessageBody, WireFormat};
use mls_core::group::{Group, GroupConfig, KeyPackageOptions, Member};
use mls_core::key_package::KeyPackage;
use mls_core::provider::DynProvider;
use mls_core::tree::node::{Node, RatchetTree};
use tonic::Status;

/// The configuration of every group this server creates or joins:
/// handshakes as PrivateMessage when the runner sets `encrypt_handshake`,
/// KeyPackages of other implementations accepted whatever lifetime they
/// declare (the runner's peers choose their own).
pub fn group_config(encrypt_handshake: bool) -> GroupConfig {
    GroupConfig {
        handshake_wire_format: if encrypt_handshake {
            WireFormat::PrivateMessage
        } else {
            WireFormat::PublicMessage
        },
        max_key_package_lifetime: None,
        ..GroupConfig::default()
    }
}

/// The configuration a successor group (re-initialization, branch) gets:
/// the old group's handshake wire format.
pub fn successor_config(old: &Group<DynProvider>, tree_in_welcome: bool) -> GroupConfig {
    GroupConfig {
        ratchet_tree_in_welcome: tree_in_welcome,
        ..group_config(old.config().handshake_wire_format == WireFormat::PrivateMessage)
    }
}

/// An `MLSMessage` as bytes for a response.
pub fn message_bytes(message: &MlsMessage) -> Result<Vec<u8>, Status> {
    message.to_bytes().map_err(mls_error)
}

/// A KeyPackage wrapped in an `MLSMessage`, as the runner passes them.
pub fn key_package_bytes(key_package: KeyPackage) -> Result<Vec<u8>, Status> {
    message_bytes(&MlsMessage::new(MlsMessageBody::KeyPackage(key_package)))
}

/// A KeyPackage from the `MLSMessage` the runner passed in `field`.
pub fn key_package_from(bytes: &[u8], field: &str) -> Result<KeyPackage, Status> {
    match super::super::table::decode_message(bytes, field)?.body {
        MlsMessageBody::KeyPackage(key_package) => Ok(key_package),
        _ => Err(invalid(format!(
            "{field} is an MLSMessage but not a KeyPackage"
        ))),
    }
}

/// The GroupInfo inside an `MLSMessage` the runner passed in `field`.
pub fn group_info_of<'m>(
    message: &'m MlsMessage,
    field: &str,
) -> Result<&'m mls_core::group::group_info::GroupInfo, Status> {
    match &message.body {
        MlsMessageBody::GroupInfo(info) => Ok(info),
        _ => Err(invalid(format!(
            "{field} is an MLSMessage but not a GroupInfo"
        ))),
    }
}

/// A ratchet tree the runner passed out of band; empty means none.
pub fn optional_tree(bytes: &[u8], field: &str) -> Result<Option<RatchetTree>, Status> {
    if bytes.is_empty() {
        return Ok(None);
    }
    RatchetTree::from_bytes_bounded(bytes, mls_core::group::MAX_LEAVES_CEILING)
        .map(Some)
        .map_err(|e| invalid(format!("{field}: {e}")))
}

/// The group's tree for a response when the runner asked for it out of
/// band, else empty.
pub fn tree_bytes(group: &Group<DynProvider>, external_tree: bool) -> Result<Vec<u8>, Status> {
    if external_tree {
        group.ratchet_tree().to_bytes().map_err(mls_error)
    } else {
        Ok(Vec::new())
    }
}

/// Whether `credential` is a basic credential for `identity`.
fn names(credential: &Credential, identity: &[u8]) -> bool {
    matches!(credential, Credential::Basic { identity: id } if id.as_slice() == identity)
}

/// The leaf of the member the runner calls `identity`.
pub fn member_named(members: &[Member], identity: &[u8]) -> Result<u32, Status> {
    members
        .iter()
        .find(|m| names(&m.credential, identity))
        .map(|m| m.index)
        .ok_or_else(|| {
            invalid(format!(
                "no member has the identity {:?}",
                String::from_utf8_lossy(identity)
            ))
        })
}

/// The leaf of `identity` in a tree received out of band or in a
/// GroupInfo (for by-value removes from outside the group and resyncs).
pub fn leaf_named(tree: &RatchetTree, identity: &[u8]) -> Result<u32, Status> {
    tree.nodes()
        .enumerate()
        .filter_map(|(i, node)| match node {
            Some(Node::Leaf(leaf)) if names(&leaf.credential, identity) => {
                u32::try_from(i / 2).ok()
            }
            _ => None,
        })
        .next()
        .ok_or_else(|| {
            invalid(format!(
                "no leaf of the tree has the identity {:?}",
                String::from_utf8_lossy(identity)
            ))
        })
}

/// A new KeyPackage of `actor` for `suite` and its private keys, as the
/// runner wants them: the package as an `MLSMessage`, then the init and
/// encryption private keys.
pub fn new_key_package(
    actor: &Actor,
    suite: CipherSuite,
) -> Result<(KeyPackage, Vec<u8>, Vec<u8>), Status> {
    let identity = actor.identity_for(suite)?;
    let client = &actor.client;
    let key_package = client
        .generate_key_package_as(&identity, suite, &KeyPackageOptions::default())
        .map_err(mls_context("generating a KeyPackage"))?;
    let cs = client
        .provider()
        .crypto
        .cipher_suite(suite)
        .map_err(mls_error)?;
    let reference = key_package.reference(cs).map_err(mls_error)?;
    let keys = client
        .key_package_private_keys(&reference)
        .map_err(mls_error)?
        .ok_or_else(|| Status::internal("the new KeyPackage's keys are not in storage"))?;
    Ok((
        key_package,
        keys.init_private.as_bytes().to_vec(),
        keys.encryption_private.as_bytes().to_vec(),
    ))
}
