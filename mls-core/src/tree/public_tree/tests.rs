//! Shape rules, operations and the tree-hash cache of [`PublicTree`], on the
//! toy suite. The official tree vectors run on every backend in `interop`.

use super::*;
use crate::codec::{VarBytes, decode_exact, encode};
use crate::test_provider::ToySuite;
use crate::tree::leaf_node::LeafNodeSource;
use crate::wire_fixtures::leaf_node;
use proptest::prelude::*;

/// A leaf whose encryption key is unique to `n`.
fn leaf(n: u32) -> LeafNode {
    let mut l = leaf_node(LeafNodeSource::Update);
    l.encryption_key = VarBytes::new(n.to_be_bytes().to_vec());
    l
}

fn parent(n: u8) -> Node {
    Node::Parent(ParentNode {
        encryption_key: VarBytes::new(vec![n; 4]),
        ..ParentNode::default()
    })
}

fn protocol(r: Result<PublicTree, Error>) -> ProtocolError {
    match r {
        Err(Error::Protocol(e)) => e,
        other => panic!("expected a protocol error, got {other:?}"),
    }
}

#[test]
fn serialized_trees_must_have_the_right_shape() {
    let l = |n| Some(Node::Leaf(leaf(n)));
    assert_eq!(
        protocol(PublicTree::from_wire(RatchetTree::new(vec![]))),
        ProtocolError::TrailingBlankNode
    );
    assert_eq!(
        protocol(PublicTree::from_wire(RatchetTree::new(vec![
            l(0),
            None,
            None
        ]))),
        ProtocolError::TrailingBlankNode
    );
    assert_eq!(
        protocol(PublicTree::from_wire(RatchetTree::new(vec![
            l(0),
            l(1),
            l(2)
        ]))),
        ProtocolError::NodeTypeMismatch(1)
    );
    assert_eq!(
        protocol(PublicTree::from_wire(RatchetTree::new(vec![
            l(0),
            None,
            Some(parent(1))
        ]))),
        ProtocolError::NodeTypeMismatch(2)
    );
    // Three leaves are padded to four; the wire form drops the padding.
    let wire = RatchetTree::new(vec![l(0), Some(parent(9)), l(1), None, l(2)]);
    let tree = PublicTree::from_wire(wire.clone()).unwrap();
    assert_eq!(tree.size().leaf_count(), 4);
    assert!(tree.occupancy_is_consistent());
    assert_eq!(tree.to_wire(), wire);
    let bytes = encode(&tree.to_wire()).unwrap();
    assert_eq!(
        PublicTree::from_wire(decode_exact(&bytes).unwrap()).unwrap(),
        tree
    );
}

#[test]
fn add_fills_the_leftmost_blank_then_extends() {
    let mut tree = PublicTree::new(leaf(0));
    assert_eq!(tree.add_leaf(leaf(1)).unwrap(), LeafIndex(1));
    assert_eq!(tree.add_leaf(leaf(2)).unwrap(), LeafIndex(2));
    assert_eq!(tree.size().leaf_count(), 4);
    tree.remove_leaf(LeafIndex(1)).unwrap();
    assert_eq!(tree.add_leaf(leaf(3)).unwrap(), LeafIndex(1));
    assert_eq!(tree.member_count(), 3);
}

#[test]
fn add_records_unmerged_leaves_in_order() {
    let wire = RatchetTree::new(vec![
        Some(Node::Leaf(leaf(0))),
        Some(parent(7)),
        None,
        Some(parent(8)),
        Some(Node::Leaf(leaf(2))),
    ]);
    let mut tree = PublicTree::from_wire(wire).unwrap();
    // Leaf 1 is blank: the new member goes there, under parents 1 and 3.
    assert_eq!(tree.add_leaf(leaf(5)).unwrap(), LeafIndex(1));
    assert_eq!(
        tree.parent_node(NodeIndex(1))
            .unwrap()
            .unmerged_leaves
            .as_slice(),
        &[1]
    );
    assert_eq!(
        tree.parent_node(NodeIndex(3))
            .unwrap()
            .unmerged_leaves
            .as_slice(),
        &[1]
    );
    assert_eq!(tree.add_leaf(leaf(6)).unwrap(), LeafIndex(3));
    assert_eq!(
        tree.parent_node(NodeIndex(3))
            .unwrap()
            .unmerged_leaves
            .as_slice(),
        &[1, 3]
    );
    assert_eq!(
        tree.resolution(NodeIndex(3)),
        vec![NodeIndex(3), NodeIndex(2), NodeIndex(6)]
    );
}

#[test]
fn remove_blanks_the_path_and_truncates() {
    let mut tree = PublicTree::new(leaf(0));
    for n in 1..5 {
        tree.add_leaf(leaf(n)).unwrap();
    }
    assert_eq!(tree.size().leaf_count(), 8);
    tree.remove_leaf(LeafIndex(4)).unwrap();
    assert_eq!(tree.size().leaf_count(), 4);
    assert_eq!(
        tree.remove_leaf(LeafIndex(4)),
        Err(ProtocolError::BlankOrMissingLeaf(4).into())
    );
    tree.remove_leaf(LeafIndex(2)).unwrap();
    tree.remove_leaf(LeafIndex(3)).unwrap();
    assert_eq!(tree.size().leaf_count(), 2);
    assert_eq!(
        tree.update_leaf(LeafIndex(7), leaf(9)),
        Err(ProtocolError::BlankOrMissingLeaf(7).into())
    );
}

#[test]
fn descendants_and_filtered_direct_path() {
    let mut tree = PublicTree::new(leaf(0));
    for n in 1..4 {
        tree.add_leaf(leaf(n)).unwrap();
    }
    assert!(tree.is_descendant(NodeIndex(3), LeafIndex(3)));
    assert!(!tree.is_descendant(NodeIndex(1), LeafIndex(2)));
    let path: Vec<u32> = tree
        .filtered_direct_path(LeafIndex(0))
        .unwrap()
        .iter()
        .map(|(p, _)| p.0)
        .collect();
    assert_eq!(path, vec![1, 3]);
    tree.remove_leaf(LeafIndex(1)).unwrap();
    // Leaf 1 is blank, so node 1 drops out of leaf 0's filtered path.
    let path: Vec<u32> = tree
        .filtered_direct_path(LeafIndex(0))
        .unwrap()
        .iter()
        .map(|(p, _)| p.0)
        .collect();
    assert_eq!(path, vec![3]);
}

#[derive(Clone, Debug)]
enum Op {
    Add,
    Update(u32),
    Remove(u32),
    SetParent(u32),
}

fn ops() -> impl Strategy<Value = Vec<Op>> {
    proptest::collection::vec(
        prop_oneof![
            4 => Just(Op::Add),
            1 => any::<u32>().prop_map(Op::Update),
            2 => any::<u32>().prop_map(Op::Remove),
            1 => any::<u32>().prop_map(Op::SetParent),
        ],
        1..600,
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// Random adds, updates, removes and parent changes over trees of up
    /// to 512 leaves: the cached tree hash always equals a recomputation
    /// from scratch, and encoding then decoding gives the same tree.
    #[test]
    fn cached_tree_hash_never_goes_stale(ops in ops()) {
        let mut tree = PublicTree::new(leaf(0));
        let mut next = 1u32;
        for (step, op) in ops.iter().enumerate() {
            let leaves = tree.size().leaf_count();
            match op {
                Op::Add if tree.member_count() < 512 => {
                    tree.add_leaf(leaf(next)).unwrap();
                    next += 1;
                }
                Op::Add => {}
                Op::Update(i) => {
                    let _ = tree.update_leaf(LeafIndex(i % leaves), leaf(next));
                    next += 1;
                }
                Op::Remove(i) if tree.member_count() > 1 => {
                    let _ = tree.remove_leaf(LeafIndex(i % leaves));
                }
                Op::Remove(_) => {}
                Op::SetParent(i) => {
                    let width = tree.size().node_width();
                    let x = NodeIndex((i % width) | 1);
                    if x.0 < width {
                        tree.set_node(x, Some(parent(step as u8))).unwrap();
                    }
                }
            }
            if step % 16 == 0 || step + 1 == ops.len() {
                let cached = tree.tree_hash(&ToySuite).unwrap();
                let full = tree.tree_hash_uncached(&ToySuite, tree.size().root()).unwrap();
                prop_assert_eq!(cached, full, "after step {} ({:?})", step, op);
                prop_assert!(tree.occupancy_is_consistent(), "occupancy after step {}", step);
            }
        }
        let bytes = encode(&tree.to_wire()).unwrap();
        let back = PublicTree::from_wire(decode_exact(&bytes).unwrap());
        // These trees are built node by node, not by the protocol, so one
        // may end in a parent; that form is refused on the wire.
        if tree.to_wire().len().is_multiple_of(2) {
            prop_assert!(matches!(back, Err(Error::Protocol(ProtocolError::NodeTypeMismatch(_)))));
        } else {
            prop_assert_eq!(back.unwrap().to_wire(), tree.to_wire());
        }
    }
}

/// Applies `ops` the way the property test above does.
fn apply_ops(tree: &mut PublicTree, ops: &[Op], next: &mut u32) {
    for (step, op) in ops.iter().enumerate() {
        let leaves = tree.size().leaf_count();
        match op {
            Op::Add if tree.member_count() < 512 => {
                tree.add_leaf(leaf(*next)).unwrap();
                *next += 1;
            }
            Op::Update(i) => {
                let _ = tree.update_leaf(LeafIndex(i % leaves), leaf(*next));
                *next += 1;
            }
            Op::Remove(i) if tree.member_count() > 1 => {
                let _ = tree.remove_leaf(LeafIndex(i % leaves));
            }
            Op::SetParent(i) => {
                let width = tree.size().node_width();
                let x = NodeIndex((i % width) | 1);
                if x.0 < width {
                    tree.set_node(x, Some(parent(step as u8))).unwrap();
                }
            }
            _ => {}
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// A recorded batch of changes (growing and truncating the tree) is
    /// undone exactly, and replaying it gives exactly the changed tree,
    /// hash cache and occupancy counts included.
    #[test]
    fn recorded_changes_roll_back_and_replay(before in ops(), during in ops()) {
        let mut tree = PublicTree::new(leaf(0));
        let mut next = 1u32;
        apply_ops(&mut tree, &before, &mut next);
        let original = tree.clone();
        let original_hash = tree.tree_hash(&ToySuite).unwrap();

        tree.begin_changes();
        apply_ops(&mut tree, &during, &mut next);
        let changed = tree.clone();
        let changed_hash = tree.tree_hash(&ToySuite).unwrap();

        let changes = tree.rollback_changes().unwrap();
        prop_assert_eq!(tree.to_wire(), original.to_wire());
        prop_assert_eq!(tree.size(), original.size());
        prop_assert!(tree.occupancy_is_consistent());
        prop_assert_eq!(tree.tree_hash(&ToySuite).unwrap(), original_hash);

        tree.apply_changes(&changes).unwrap();
        prop_assert_eq!(tree.to_wire(), changed.to_wire());
        prop_assert_eq!(tree.size(), changed.size());
        prop_assert!(tree.occupancy_is_consistent());
        prop_assert_eq!(tree.tree_hash(&ToySuite).unwrap(), changed_hash);
    }
}

/// A stored tree must be as wide as its rightmost leaf needs: a damaged
/// width is refused before any allocation, whatever it claims.
#[test]
fn stored_trees_must_be_truncated() {
    let stored = || vec![(0, Node::Leaf(leaf(0))), (4, Node::Leaf(leaf(2)))];
    let four = TreeSize::from_leaf_count(4).unwrap();
    let tree = PublicTree::from_stored(four, stored()).unwrap();
    assert_eq!(tree.size(), four);
    for leaves in [2, 8, 1 << 30] {
        let size = TreeSize::from_leaf_count(leaves).unwrap();
        assert!(matches!(
            PublicTree::from_stored(size, stored()),
            Err(Error::Protocol(ProtocolError::TreeTooLarge))
        ));
    }
    assert!(matches!(
        PublicTree::from_stored(
            TreeSize::from_leaf_count(1).unwrap(),
            vec![(0, Node::Leaf(leaf(0))), (1, Node::Leaf(leaf(1)))]
        ),
        Err(Error::Protocol(ProtocolError::NodeTypeMismatch(1)))
    ));
}

/// Found by fuzzing: a serialized tree ending in a parent node (an even
/// node count) is refused, not truncated to the leaves before it.
#[test]
fn a_tree_ending_in_a_parent_is_refused() {
    let nodes = vec![
        Some(Node::Leaf(leaf(1))),
        Some(Node::Parent(crate::tree::parent_node::ParentNode::default())),
    ];
    assert_eq!(
        PublicTree::from_wire(RatchetTree::new(nodes)).unwrap_err(),
        Error::Protocol(ProtocolError::NodeTypeMismatch(1))
    );
}

#[test]
fn nodes_and_equals_wire_read_the_tree_without_copying_it() {
    let l = |n| Some(Node::Leaf(leaf(n)));
    let wire = RatchetTree::new(vec![l(0), Some(parent(7)), l(1), None, l(2)]);
    let mut tree = PublicTree::from_wire(wire.clone()).unwrap();
    let xs: Vec<u32> = tree.nodes().map(|(x, _)| x.0).collect();
    assert_eq!(xs, [0, 1, 2, 4]);
    assert!(tree.equals_wire(&wire));
    // The padded width (leaf 3 and the root) is not part of the wire form.
    assert_eq!(tree.size().node_width(), 7);
    let longer = RatchetTree::new(vec![l(0), Some(parent(7)), l(1), None, l(2), None, None]);
    assert!(!tree.equals_wire(&longer));
    let other = RatchetTree::new(vec![l(0), Some(parent(8)), l(1), None, l(2)]);
    assert!(!tree.equals_wire(&other));
    tree.remove_leaf(LeafIndex(2)).unwrap();
    assert!(!tree.equals_wire(&wire));
    assert!(tree.equals_wire(&tree.to_wire()));
}
