//! Sending keys reserved in blocks (`set_sending_reservation`): the same
//! generations and keys as one at a time, the ratchet (what is stored)
//! moved once per block, and no reserved key surviving a rollback or a copy.

use super::*;
use crate::test_provider::ToySuite;

fn tree(leaves: u32) -> SecretTree {
    SecretTree::new(
        Secret::new(vec![1; 32]),
        TreeSize::from_leaf_count(leaves).unwrap(),
        OutOfOrderPolicy::default(),
    )
}

fn send(t: &mut SecretTree, leaf: u32, kind: RatchetKind) -> (u32, MessageKey) {
    t.next_sending_key(&ToySuite, LeafIndex(leaf), kind)
        .unwrap()
}

fn stored_next(t: &SecretTree, leaf: u32) -> u64 {
    t.leaf_ratchets()[&LeafIndex(leaf)].application.next
}

#[test]
fn a_block_sends_the_same_keys_and_moves_the_ratchet_once() {
    let mut one = tree(4);
    let mut block = tree(4);
    block.set_sending_reservation(4);
    block.set_journaling(true);
    for g in 0..9u32 {
        let expected = send(&mut one, 3, RatchetKind::Application);
        assert_eq!(expected.0, g);
        assert_eq!(send(&mut block, 3, RatchetKind::Application), expected);
        // Generations 0, 4 and 8 take a new block: the stored ratchet moves
        // four ahead at once; the others change nothing stored.
        assert_eq!(
            !block.take_journal().is_empty(),
            g % 4 == 0,
            "generation {g}"
        );
        assert_eq!(stored_next(&block, 3), u64::from(g / 4 + 1) * 4);
        assert_eq!(block.reserved_keys(), 3 - g as usize % 4);
    }
    // Handshake messages are never reserved.
    for g in 0..2 {
        assert_eq!(send(&mut block, 3, RatchetKind::Handshake).0, g);
        assert!(!block.take_journal().is_empty());
    }
}

#[test]
fn a_rolled_back_block_leaves_no_key_and_is_derived_again() {
    let mut t = tree(2);
    t.set_sending_reservation(8);
    t.set_journaling(true);
    let before = t.clone();
    let first = send(&mut t, 0, RatchetKind::Application);
    assert_eq!(t.reserved_keys(), 7);
    let journal = t.take_journal();
    t.rollback(journal);
    assert_eq!(t.reserved_keys(), 0);
    assert_eq!(t, before);
    assert_eq!(send(&mut t, 0, RatchetKind::Application), first);
}

#[test]
fn a_copy_holds_no_reserved_key_and_sends_after_the_block() {
    let mut t = tree(2);
    t.set_sending_reservation(4);
    assert_eq!(send(&mut t, 1, RatchetKind::Application).0, 0);
    let mut copy = t.clone();
    assert_eq!(copy.reserved_keys(), 0);
    assert_eq!(send(&mut copy, 1, RatchetKind::Application).0, 4);
    assert_eq!(send(&mut t, 1, RatchetKind::Application).0, 1);
}

#[test]
fn a_block_stops_at_the_last_generation() {
    let mut t = tree(2);
    send(&mut t, 0, RatchetKind::Application);
    t.leaves.get_mut(&LeafIndex(0)).unwrap().application.next = u64::from(u32::MAX) - 1;
    t.set_sending_reservation(4);
    assert_eq!(send(&mut t, 0, RatchetKind::Application).0, u32::MAX - 1);
    assert_eq!(t.reserved_keys(), 1);
    assert_eq!(send(&mut t, 0, RatchetKind::Application).0, u32::MAX);
    assert!(matches!(
        t.next_sending_key(&ToySuite, LeafIndex(0), RatchetKind::Application),
        Err(Error::Misuse(Misuse::RatchetExhausted))
    ));
}

#[test]
fn receiving_on_the_reserved_leaf_drops_the_block() {
    let mut t = tree(2);
    t.set_sending_reservation(4);
    send(&mut t, 0, RatchetKind::Application);
    let (_, pending) = t
        .key_for_receiving(&ToySuite, LeafIndex(0), RatchetKind::Application, 4)
        .unwrap();
    t.commit_received(pending).unwrap();
    assert_eq!(t.reserved_keys(), 0);
    // Another leaf's messages leave it alone.
    send(&mut t, 0, RatchetKind::Application);
    let (_, pending) = t
        .key_for_receiving(&ToySuite, LeafIndex(1), RatchetKind::Application, 0)
        .unwrap();
    t.commit_received(pending).unwrap();
    assert_eq!(t.reserved_keys(), 3);
}

#[test]
fn the_reservation_is_bounded() {
    let mut t = tree(2);
    t.set_sending_reservation(0);
    assert_eq!(t.sending_reservation(), 1);
    t.set_sending_reservation(u32::MAX);
    assert_eq!(t.sending_reservation(), MAX_SENDING_RESERVATION);
}
