//! Bounded work before trust (CHECKLIST "Resource bounds"). Anyone who
//! holds one of our KeyPackages can send us a Welcome, so what joining
//! costs before anything in it is trusted must be bounded by its size; and
//! the proposals cached per epoch, each authentic, are bounded by the
//! configuration.
//!
//! A counting global allocator measures the heap each join attempt takes at
//! its peak, beyond what was allocated before it. It counts every thread,
//! so the tests of this file run one at a time (`SERIAL`), and this file is
//! a test binary of its own.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[allow(dead_code, unreachable_pub)]
#[path = "group_hostile/world.rs"]
mod world;

use interop::clients::{client, seed};
use mls_core::codec::{VarBytes, encode};
use mls_core::error::{DecodeError, ProtocolError};
use mls_core::extensions::{Extension, ExtensionType, Extensions};
use mls_core::framing::MlsMessageBody;
use mls_core::group::group_info::GroupInfo;
use mls_core::group::{Group, GroupConfig, KeyPackageOptions};
use mls_core::tree::node::{Node, RatchetTree};
use mls_core::{Error, MlsMessage};
use peakmem_alloc::{INSTRUMENTED_SYSTEM, PeakMemAlloc, PeakMemAllocTrait};
use proptest::prelude::*;
use std::alloc::System;
use std::sync::{Mutex, MutexGuard};
use world::{Invite, SUITE, World, config, open_welcome, seal_welcome};

#[global_allocator]
static GLOBAL: &PeakMemAlloc<System> = &INSTRUMENTED_SYSTEM;

static SERIAL: Mutex<()> = Mutex::new(());

/// Held for a whole test: another test's allocations would count in this
/// one's peak.
fn serial() -> MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|e| e.into_inner())
}

/// What a join attempt may allocate beyond a multiple of its input: the
/// HPKE and AEAD work, the key schedule, the client's own records.
const FIXED: usize = 64 * 1024;

/// Eve's Welcome with the `ratchet_tree` extension's data replaced by
/// `tree_data`, the GroupInfo re-signed by Alice (so the tree is what
/// fails, not the signature).
fn welcome_with_tree(w: &World, invite: &Invite, tree_data: Vec<u8>) -> MlsMessage {
    let cs = w.cs();
    let opened = open_welcome(cs, &invite.welcome, &invite.known, &[]);
    let mut info: GroupInfo = opened.info.clone();
    info.extensions = Extensions::from_vec(
        info.extensions
            .as_slice()
            .iter()
            .map(|e| {
                if e.extension_type == ExtensionType::RATCHET_TREE {
                    Extension {
                        extension_type: ExtensionType::RATCHET_TREE,
                        extension_data: VarBytes::new(tree_data.clone()),
                    }
                } else {
                    e.clone()
                }
            })
            .collect(),
    );
    info.sign(w.signer(0), cs).unwrap();
    let welcome = seal_welcome(
        cs,
        &w.rand(),
        &info,
        &opened.secrets.joiner_secret,
        &opened.psk_secret,
        &invite.known.kp,
        &opened.secrets,
    );
    MlsMessage::new(MlsMessageBody::Welcome(welcome))
}

/// The join's result and the most heap it held at once.
/// The caller holds [`serial`].
fn measured_join(
    invite: &Invite,
    welcome: &MlsMessage,
    config: &GroupConfig,
) -> (Result<(), Error>, usize) {
    GLOBAL.reset_peak_memory();
    let result = Group::join(&invite.client, welcome, config.clone()).map(|_| ());
    (result, GLOBAL.get_peak_memory())
}

fn world_with_eve_invited() -> (World, Invite) {
    let mut w = World::new(2);
    let invite = w.invite("eve", |g, kp| g.add_members(&[kp]));
    (w, invite)
}

/// The real tree of Eve's Welcome, as nodes.
fn real_nodes(w: &World, invite: &Invite) -> Vec<Option<Node>> {
    let opened = open_welcome(w.cs(), &invite.welcome, &invite.known, &[]);
    opened
        .info
        .extensions
        .ratchet_tree()
        .unwrap()
        .unwrap()
        .into_nodes()
}

/// A `ratchet_tree` whose header declares 2^30 - 1 bytes of nodes, the
/// most the §2.1.2 encoding can declare (enough for 2^29 leaves; a tree of
/// 2^31 leaves, 2^32 - 1 nodes, is not expressible on the wire at all),
/// with four bytes behind it: refused as a decode error
/// (`LengthExceedsInput`) having allocated nothing for the declared
/// length.
#[test]
fn a_tree_declaring_a_huge_length_is_refused_before_allocating() {
    let _serial = serial();
    let (w, invite) = world_with_eve_invited();
    let tree = vec![0xbf, 0xff, 0xff, 0xff, 1, 0, 1, 0];
    let welcome = welcome_with_tree(&w, &invite, tree);
    let size = encode(&welcome).unwrap().len();
    let (result, peak) = measured_join(&invite, &welcome, &config());
    assert!(
        matches!(result, Err(Error::Decode(DecodeError::LengthExceedsInput))),
        "{result:?}"
    );
    assert!(
        peak <= 2 * size + FIXED,
        "peak {peak} B for a {size} B Welcome"
    );
}

/// A tree 2^17 leaves wide (one byte per blank node, 256 KiB) against the
/// default maximum of 2^16 leaves: refused by its width before any node is
/// kept, so the peak stays near the Welcome's own size (the Welcome and
/// its decrypted GroupInfo are both held).
#[test]
fn a_tree_wider_than_max_leaves_is_refused_before_it_is_expanded() {
    let _serial = serial();
    let (w, invite) = world_with_eve_invited();
    let real = real_nodes(&w, &invite);
    let leaf = real[0].clone();
    let leaves: u32 = 1 << 17;
    let mut nodes = vec![None; (2 * leaves - 1) as usize];
    nodes[0] = leaf.clone();
    *nodes.last_mut().unwrap() = leaf;
    let tree = RatchetTree::new(nodes).to_bytes().unwrap();
    let welcome = welcome_with_tree(&w, &invite, tree);
    let size = encode(&welcome).unwrap().len();
    let (result, peak) = measured_join(&invite, &welcome, &config());
    assert!(
        matches!(
            result,
            Err(Error::Protocol(ProtocolError::TooManyMembers(max))) if max == 1 << 16
        ),
        "{result:?}"
    );
    assert!(
        peak <= 4 * size + FIXED,
        "peak {peak} B for a {size} B Welcome"
    );
    assert_eq!(GroupConfig::default().max_leaves, 1 << 16);
}

/// The same width is refused under a smaller configured maximum, and
/// joins under a larger one: the bound is the configuration's.
#[test]
fn max_leaves_is_the_configured_one() {
    let _serial = serial();
    let (_w, invite) = world_with_eve_invited();
    let welcome = MlsMessage::new(MlsMessageBody::Welcome(invite.welcome.clone()));
    let one = GroupConfig {
        max_leaves: 1,
        ..config()
    };
    let (result, _) = measured_join(&invite, &welcome, &one);
    assert!(
        matches!(
            result,
            Err(Error::Protocol(ProtocolError::TooManyMembers(1)))
        ),
        "{result:?}"
    );
    let (result, _) = measured_join(&invite, &welcome, &config());
    result.expect("the genuine Welcome joins under the default maximum");
}

/// A hostile tree: runs of blanks and copies of the real leaves, maybe cut
/// short or with stray bytes.
fn hostile_tree() -> impl Strategy<Value = (Vec<(u32, bool)>, u8, Vec<u8>)> {
    (
        prop::collection::vec((0u32..20_000, any::<bool>()), 1..6),
        any::<u8>(),
        prop::collection::vec(any::<u8>(), 0..8),
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Whatever tree a Welcome carries, joining holds at most a small
    /// multiple of the Welcome's size (plus a fixed amount) at its peak.
    #[test]
    fn a_hostile_welcome_costs_a_small_multiple_of_its_size(
        (runs, cut, stray) in hostile_tree(),
    ) {
        let _serial = serial();
    let (w, invite) = world_with_eve_invited();
        let real = real_nodes(&w, &invite);
        // Alice's leaf first in most cases: the GroupInfo's signature then
        // verifies, and the tree is hashed before it is refused.
        let mut nodes = if cut % 3 == 0 { Vec::new() } else { vec![real[0].clone()] };
        for (blanks, leaf) in runs {
            nodes.extend(std::iter::repeat_n(None, blanks as usize));
            if leaf {
                if nodes.len() % 2 == 1 {
                    nodes.push(None);
                }
                nodes.push(real[0].clone());
            }
        }
        let mut tree = RatchetTree::new(nodes).to_bytes().unwrap();
        match cut % 4 {
            0 => tree.truncate(tree.len().saturating_sub(usize::from(cut))),
            1 => tree.extend_from_slice(&stray),
            _ => {}
        }
        let welcome = welcome_with_tree(&w, &invite, tree);
        let size = encode(&welcome).unwrap().len();
        let (result, peak) = measured_join(&invite, &welcome, &config());
        prop_assert!(result.is_err(), "a tree not matching the GroupContext joined");
        prop_assert!(
            peak <= BOUND_FACTOR * size + FIXED,
            "peak {peak} B for a {size} B Welcome ({:?})", result
        );
    }
}

/// The multiple of a Welcome's size a join may hold at its peak. A blank
/// node is one byte on the wire and, once the tree is within
/// `max_leaves` and taken for checking, a boxed slot (8 bytes), an
/// occupancy count (4) and a flat hash-cache entry (Nh + 1), up to twice
/// over for the power-of-two padding. Measured over 200 cases: at most
/// about 86 times the Welcome's size (it was 135 with a heap block per
/// cached hash); the default `max_leaves` (2^16) caps it at a few MiB
/// whatever the size.
const BOUND_FACTOR: usize = 128;

/// Proposals beyond `max_proposals_per_epoch` are refused with
/// `TooManyProposals`, a peer's fault, and leave the cache (in memory and
/// in storage) as it was.
#[test]
fn proposals_per_epoch_are_bounded() {
    let _serial = serial();
    let limit = 2;
    let bounded = GroupConfig {
        max_proposals_per_epoch: limit,
        ..GroupConfig::default()
    };
    let alice = client("rustcrypto", SUITE, "alice", seed(1)).unwrap();
    let bob = client("rustcrypto", SUITE, "bob", seed(2)).unwrap();
    let mut a = Group::create(&alice, SUITE, Extensions::new(), GroupConfig::default()).unwrap();
    let kp = bob
        .generate_key_package(SUITE, &KeyPackageOptions::default())
        .unwrap();
    let out = a.add_members(&[kp]).unwrap();
    a.merge_pending_commit().unwrap();
    let mut b = Group::join(&bob, &out.welcome.unwrap(), bounded).unwrap();
    let sent: Vec<_> = (0..=limit).map(|_| a.propose_update().unwrap()).collect();
    for p in &sent[..2] {
        b.process_message(p).unwrap();
    }
    let result = b.process_message(&sent[2]);
    assert!(
        matches!(
            result,
            Err(Error::Protocol(ProtocolError::TooManyProposals(2)))
        ),
        "{result:?}"
    );
    assert_eq!(b.pending_proposals().count(), 2);
    let reloaded = Group::load(&bob, b.group_id()).unwrap();
    assert_eq!(
        reloaded.pending_proposals().count(),
        2,
        "nothing more stored"
    );
    // Our own proposals count too.
    let own = b.propose_update();
    assert!(
        matches!(
            own,
            Err(Error::Protocol(ProtocolError::TooManyProposals(2)))
        ),
        "{own:?}"
    );
}
