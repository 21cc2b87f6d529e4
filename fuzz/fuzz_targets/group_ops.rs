//! A live group under a stream of operations chosen by the input: members
//! commit (add, remove, update, empty, with received proposals), propose,
//! send application messages; clients join by Welcome or by external
//! commit; and any message is delivered to any member, in any order, any
//! number of times, intact or damaged (bit flips, truncation, splices).
//!
//! After every step (see `mls_fuzz::world`): no panic; members who merged
//! the same commits agree on epoch, epoch authenticator and roster; a
//! refused message left its receiver as it was, in memory and in storage;
//! a reloaded group is the group in memory.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use mls_core::{Group, MlsMessage};
use mls_fuzz::clients::key_package;
use mls_fuzz::mutate::{Mutation, apply};
use mls_fuzz::world::{Kind, TOLERATE_REMOVED_KEEPS_PENDING, World};

#[derive(Arbitrary, Debug)]
struct Input {
    /// Whether each founding member sends handshakes as PublicMessage.
    public_handshakes: [bool; 3],
    ops: Vec<Op>,
}

#[derive(Arbitrary, Debug)]
enum Op {
    Commit {
        member: u8,
        kind: CommitKind,
        merge: bool,
    },
    Propose {
        member: u8,
        kind: ProposalKind,
    },
    Send {
        member: u8,
        size: u8,
    },
    /// A new client joins by external commit, from a member's GroupInfo.
    JoinExternal {
        via: u8,
    },
    Deliver {
        message: u8,
        to: u8,
        discard: bool,
    },
    /// One message to every slot, in slot order.
    Broadcast {
        message: u8,
    },
    DeliverMutated {
        message: u8,
        to: u8,
        mutations: Vec<Mutation>,
    },
    MergePending {
        member: u8,
    },
    ClearPending {
        member: u8,
    },
    Reload {
        member: u8,
    },
}

#[derive(Arbitrary, Debug)]
enum CommitKind {
    /// The received proposals, with a path.
    Full,
    /// The received proposals, a path only if they need one.
    Partial,
    SelfUpdate,
    Add,
    Remove {
        target: u8,
    },
    AddAndRemove {
        target: u8,
    },
}

#[derive(Arbitrary, Debug)]
enum ProposalKind {
    Update,
    Remove { target: u8 },
    Add,
}

const MAX_OPS: usize = 48;
const MAX_MUTATIONS: usize = 4;

fn pick(len: usize, i: u8) -> usize {
    usize::from(i) % len.max(1)
}

/// The leaf of slot `target` in `member`'s group, if both are members.
fn leaf_of(world: &World, target: u8) -> Option<u32> {
    let slot = &world.slots[pick(world.slots.len(), target)];
    slot.group.as_ref().map(|g| g.own_leaf_index())
}

/// A new client's KeyPackage, and its slot (for the Welcome).
fn newcomer(world: &mut World) -> Option<(usize, mls_core::key_package::KeyPackage)> {
    let slot = world.new_slot().ok()??;
    let kp = key_package(&world.slots[slot].client).ok()?;
    Some((slot, kp))
}

fn commit(world: &mut World, member: usize, kind: &CommitKind, merge: bool) {
    let history = world.slots[member].history.clone();
    let remove = match kind {
        CommitKind::Remove { target } | CommitKind::AddAndRemove { target } => {
            leaf_of(world, *target)
        }
        _ => None,
    };
    let add = match kind {
        CommitKind::Add | CommitKind::AddAndRemove { .. } => newcomer(world),
        _ => None,
    };
    let Some(group) = world.slots[member].group.as_mut() else {
        return;
    };
    let out = match kind {
        CommitKind::Full => group.commit(),
        CommitKind::Partial => group.commit_builder().build(),
        CommitKind::SelfUpdate => group.self_update(),
        CommitKind::Add | CommitKind::Remove { .. } | CommitKind::AddAndRemove { .. } => {
            let mut builder = group.commit_builder();
            if let Some((_, kp)) = &add {
                builder = builder.add_member(kp.clone());
            }
            if let Some(leaf) = remove {
                builder = builder.remove_member(leaf);
            }
            builder.build()
        }
    };
    let Ok(out) = out else {
        return;
    };
    let Some(id) = world.send(out.commit, Kind::Commit) else {
        // The pool is full: the run has done enough; forget the commit.
        let _ = world.slots[member]
            .group
            .as_mut()
            .map(Group::clear_pending_commit);
        return;
    };
    world.slots[member].pending = Some(id);
    let mut joined = history.clone();
    joined.push(id);
    if let (Some(welcome), Some((slot, _))) = (out.welcome, add) {
        world.send(
            welcome,
            Kind::Welcome {
                to: vec![slot],
                history: joined.clone(),
            },
        );
    }
    world.send(out.group_info, Kind::GroupInfo { history: joined });
    if merge {
        merge_pending(world, member);
    }
}

fn merge_pending(world: &mut World, member: usize) {
    let slot = &mut world.slots[member];
    let Some(group) = slot.group.as_mut() else {
        return;
    };
    let was_active = group.is_active();
    if !was_active && TOLERATE_REMOVED_KEEPS_PENDING {
        return;
    }
    if group.merge_pending_commit().is_ok() {
        assert!(
            was_active,
            "a removed member merged its stale pending commit"
        );
        let id = slot
            .pending
            .take()
            .unwrap_or_else(|| panic!("merge_pending_commit merged a commit we never made"));
        slot.history.push(id);
    }
}

fn propose(world: &mut World, member: usize, kind: &ProposalKind) {
    let remove = match kind {
        ProposalKind::Remove { target } => leaf_of(world, *target),
        _ => None,
    };
    let add = match kind {
        ProposalKind::Add => newcomer(world),
        _ => None,
    };
    let Some(group) = world.slots[member].group.as_mut() else {
        return;
    };
    let message = match (kind, remove, add) {
        (ProposalKind::Update, _, _) => group.propose_update(),
        (ProposalKind::Remove { .. }, Some(leaf), _) => group.propose_remove(leaf),
        (ProposalKind::Add, _, Some((_, kp))) => group.propose_add(kp),
        _ => return,
    };
    if let Ok(message) = message {
        world.send(message, Kind::Other);
    }
}

fn join_external(world: &mut World, via: usize) {
    let history = world.slots[via].history.clone();
    let Some(Ok(info)) = world.slots[via].group.as_ref().map(|g| g.group_info(true)) else {
        return;
    };
    let Ok(Some(slot)) = world.new_slot() else {
        return;
    };
    world.send(
        info.clone(),
        Kind::GroupInfo {
            history: history.clone(),
        },
    );
    world.join_external(slot, &info, history, false);
}

fn deliver_mutated(world: &mut World, id: usize, to: usize, mutations: &[Mutation]) {
    let Some(sent) = world.pool.get(id) else {
        return;
    };
    let mut bytes = sent.bytes.clone();
    {
        let donors: Vec<&[u8]> = world.pool.iter().map(|s| s.bytes.as_slice()).collect();
        for m in mutations.iter().take(MAX_MUTATIONS) {
            apply(&mut bytes, m, &donors);
        }
    }
    if bytes == sent.bytes {
        world.deliver(id as u32, to, None, false);
        return;
    }
    if let Ok(message) = MlsMessage::from_bytes(&bytes) {
        world.deliver(id as u32, to, Some(message), false);
    }
}

/// Reloads a member from its storage: it must come back as it is in
/// memory, and carries on from the loaded state.
fn reload(world: &mut World, member: usize) {
    let slot = &mut world.slots[member];
    let Some(group) = slot.group.as_ref() else {
        return;
    };
    let loaded = match Group::load(&slot.client, group.group_id()) {
        Ok(loaded) => loaded,
        Err(e) => panic!("a group that is in memory does not load from its storage: {e}"),
    };
    let view = |g: &Group<_>| {
        (
            g.epoch(),
            g.epoch_authenticator().to_vec(),
            g.members(),
            g.is_active(),
            g.has_pending_commit(),
            g.pending_proposals().cloned().collect::<Vec<_>>(),
        )
    };
    assert_eq!(
        view(group),
        view(&loaded),
        "a reloaded group differs from the one in memory"
    );
    slot.group = Some(loaded);
}

fn run(input: &Input) {
    let Ok(mut world) = World::new(input.public_handshakes) else {
        panic!("the founding group must build");
    };
    world.check();
    for op in input.ops.iter().take(MAX_OPS) {
        let slots = world.slots.len();
        let pool = world.pool.len();
        match op {
            Op::Commit {
                member,
                kind,
                merge,
            } => commit(&mut world, pick(slots, *member), kind, *merge),
            Op::Propose { member, kind } => propose(&mut world, pick(slots, *member), kind),
            Op::Send { member, size } => {
                let slot = &mut world.slots[pick(slots, *member)];
                let data = vec![0x61; usize::from(*size)];
                if let Some(Ok(m)) = slot
                    .group
                    .as_mut()
                    .map(|g| g.encrypt_application_message(&data, b"ad"))
                {
                    world.send(m, Kind::Other);
                }
            }
            Op::JoinExternal { via } => join_external(&mut world, pick(slots, *via)),
            Op::Deliver {
                message,
                to,
                discard,
            } if pool > 0 => world.deliver(
                pick(pool, *message) as u32,
                pick(slots, *to),
                None,
                *discard,
            ),
            Op::Broadcast { message } if pool > 0 => {
                for to in 0..slots {
                    world.deliver(pick(pool, *message) as u32, to, None, false);
                }
            }
            Op::DeliverMutated {
                message,
                to,
                mutations,
            } if pool > 0 => deliver_mutated(
                &mut world,
                pick(pool, *message),
                pick(slots, *to),
                mutations,
            ),
            Op::MergePending { member } => merge_pending(&mut world, pick(slots, *member)),
            Op::ClearPending { member } => {
                let slot = &mut world.slots[pick(slots, *member)];
                if let Some(Ok(())) = slot.group.as_mut().map(Group::clear_pending_commit) {
                    slot.pending = None;
                }
            }
            Op::Reload { member } => reload(&mut world, pick(slots, *member)),
            _ => {}
        }
        world.check();
    }
}

fuzz_target!(|input: Input| run(&input));
