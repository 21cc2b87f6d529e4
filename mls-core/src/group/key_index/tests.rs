//! The key index answers from the tree it is given: a key it indexed is
//! found only while that node still holds it.

use super::*;
use crate::codec::VarBytes;
use crate::tree::leaf_node::LeafNodeSource;
use crate::tree::node::RatchetTree;
use crate::tree::parent_node::ParentNode;
use crate::wire_fixtures::leaf_node;

fn leaf(n: u8) -> LeafNode {
    let mut l = leaf_node(LeafNodeSource::Update);
    l.encryption_key = VarBytes::new(vec![n; 32]);
    l.signature_key = VarBytes::new(vec![n.wrapping_add(100); 32]);
    l
}

/// Leaves 0 and 1 under parent 1, leaf 2.
fn tree() -> PublicTree {
    let parent = Node::Parent(ParentNode {
        encryption_key: VarBytes::new(vec![50; 32]),
        ..ParentNode::default()
    });
    PublicTree::from_wire(RatchetTree::new(vec![
        Some(Node::Leaf(leaf(0))),
        Some(parent),
        Some(Node::Leaf(leaf(1))),
        None,
        Some(Node::Leaf(leaf(2))),
    ]))
    .unwrap()
}

#[test]
fn finds_every_key_where_the_tree_holds_it() {
    let tree = tree();
    let index = KeyIndex::build(&tree);
    for n in 0..3u8 {
        assert_eq!(
            index.signature_key_leaf(&tree, &[n + 100; 32]),
            Some(u32::from(n))
        );
        assert_eq!(
            index.encryption_key_node(&tree, &[n; 32]),
            Some(NodeIndex(2 * u32::from(n)))
        );
    }
    assert_eq!(
        index.encryption_key_node(&tree, &[50; 32]),
        Some(NodeIndex(1))
    );
    assert_eq!(index.signature_key_leaf(&tree, &[7; 32]), None);
    assert_eq!(index.encryption_key_node(&tree, &[7; 32]), None);
    // A signature key is not an encryption key, nor a prefix a key.
    assert_eq!(index.encryption_key_node(&tree, &[100; 32]), None);
    assert_eq!(index.signature_key_leaf(&tree, &[100; 31]), None);
}

#[test]
fn a_key_the_tree_no_longer_holds_is_not_found() {
    let mut tree = tree();
    let index = KeyIndex::build(&tree);
    tree.update_leaf(LeafIndex(1), leaf(9)).unwrap();
    assert_eq!(index.signature_key_leaf(&tree, &[101; 32]), None);
    assert_eq!(index.encryption_key_node(&tree, &[1; 32]), None);
    // Not indexed yet, so not found either.
    assert_eq!(index.signature_key_leaf(&tree, &[109; 32]), None);
}

/// Applies `change` to `tree` and tells `index` of every node it changed,
/// as the group does through its tree journal.
fn change(tree: &mut PublicTree, index: &mut KeyIndex, change: impl FnOnce(&mut PublicTree)) {
    let width = tree.size().node_width();
    let before: Vec<Option<Node>> = (0..width)
        .map(|x| tree.node(NodeIndex(x)).cloned())
        .collect();
    change(tree);
    for (x, old) in (0u32..).zip(&before) {
        let new = tree.node(NodeIndex(x));
        if old.as_ref() != new {
            index.replace(NodeIndex(x), old.as_ref(), new);
        }
    }
}

#[test]
fn replace_moves_a_node_s_keys() {
    let mut tree = tree();
    let mut index = KeyIndex::build(&tree);
    change(&mut tree, &mut index, |t| {
        t.update_leaf(LeafIndex(1), leaf(9)).unwrap()
    });
    assert_eq!(index.signature_key_leaf(&tree, &[109; 32]), Some(1));
    assert_eq!(
        index.encryption_key_node(&tree, &[9; 32]),
        Some(NodeIndex(2))
    );
    // The update blanked the parent.
    assert_eq!(index.encryption_key_node(&tree, &[50; 32]), None);
    assert_eq!(index, KeyIndex::build(&tree));

    change(&mut tree, &mut index, |t| {
        t.remove_leaf(LeafIndex(1)).unwrap()
    });
    assert_eq!(index.signature_key_leaf(&tree, &[109; 32]), None);
    assert_eq!(index, KeyIndex::build(&tree));
    assert_ne!(index, KeyIndex::build(&self::tree()));
}

#[test]
fn one_key_at_two_nodes_stays_indexed_at_the_other() {
    // The map this replaced kept one node per key, the last indexed, so
    // removing that holder forgot the key at the other.
    let mut tree = tree();
    let mut index = KeyIndex::build(&tree);
    let mut twin = leaf(2);
    twin.encryption_key = VarBytes::new(vec![0; 32]);
    change(&mut tree, &mut index, |t| {
        t.update_leaf(LeafIndex(2), twin).unwrap()
    });
    change(&mut tree, &mut index, |t| {
        t.remove_leaf(LeafIndex(0)).unwrap()
    });
    assert_eq!(
        index.encryption_key_node(&tree, &[0; 32]),
        Some(NodeIndex(4))
    );
}
