use super::*;
use crate::codec::{VarBytes, decode_exact, encode};
use crate::error::DecodeError;
use crate::tree::leaf_node::LeafNodeSource;
use crate::wire_fixtures::{bytes, key_package_leaf, leaf_node, round_trip, truncations_fail};

fn parent() -> ParentNode {
    ParentNode {
        encryption_key: bytes(0xe0, 32),
        parent_hash: bytes(0x0a, 32),
        unmerged_leaves: VarVec::new(vec![1, 3, 0x0102_0304]),
    }
}

#[test]
fn parent_node_layout() {
    let p = ParentNode {
        encryption_key: VarBytes::new(vec![1]),
        parent_hash: VarBytes::default(),
        unmerged_leaves: VarVec::new(vec![5]),
    };
    assert_eq!(round_trip(&p), [1, 1, 0, 4, 0, 0, 0, 5]);
    let encoded = round_trip(&parent());
    truncations_fail::<ParentNode>(&encoded);
    // unmerged_leaves holds whole u32s only.
    assert!(decode_exact::<ParentNode>(&[0, 0, 3, 0, 0, 0]).is_err());
}

#[test]
fn node_types_round_trip() {
    let leaf = Node::Leaf(key_package_leaf());
    let encoded = round_trip(&leaf);
    assert_eq!(encoded[0], 1);
    truncations_fail::<Node>(&encoded);
    let encoded = round_trip(&Node::Parent(parent()));
    assert_eq!(encoded[0], 2);
    truncations_fail::<Node>(&encoded);
}

#[test]
fn unknown_node_type_is_rejected() {
    let mut encoded = encode(&Node::Parent(parent())).unwrap();
    for t in [0u8, 3, 0xff] {
        encoded[0] = t;
        assert_eq!(
            decode_exact::<Node>(&encoded).unwrap_err(),
            DecodeError::UnknownValue(t.into())
        );
    }
}

#[test]
fn ratchet_tree_round_trips_with_blanks() {
    let tree = RatchetTree::new(vec![
        Some(Node::Leaf(key_package_leaf())),
        Some(Node::Parent(parent())),
        None,
        None,
        Some(Node::Leaf(leaf_node(LeafNodeSource::Commit(bytes(1, 32))))),
    ]);
    let encoded = round_trip(&tree);
    assert_eq!(tree.nodes().len(), 5);
    truncations_fail::<RatchetTree>(&encoded);
    assert_eq!(tree.clone().into_nodes().len(), 5);
}

#[test]
fn ratchet_tree_presence_byte_must_be_0_or_1() {
    // One node: presence byte 2.
    assert_eq!(
        decode_exact::<RatchetTree>(&[1, 2]).unwrap_err(),
        DecodeError::InvalidOptional(2)
    );
    assert_eq!(
        decode_exact::<RatchetTree>(&[1, 0]).unwrap().into_nodes(),
        [None]
    );
}

#[test]
fn a_ratchet_tree_round_trips_through_bytes() {
    let tree = RatchetTree::new(vec![
        Some(Node::Leaf(leaf_node(LeafNodeSource::Commit(bytes(
            0x11, 32,
        ))))),
        Some(Node::Parent(parent())),
        None,
        None,
        Some(Node::Leaf(key_package_leaf())),
    ]);
    let encoded = tree.to_bytes().unwrap();
    assert_eq!(encoded, encode(&tree).unwrap());
    assert_eq!(RatchetTree::from_bytes(&encoded).unwrap(), tree);
    // One whole tree: a trailing byte is refused, as in MlsMessage.
    let mut longer = encoded.clone();
    longer.push(0);
    assert!(RatchetTree::from_bytes(&longer).is_err());
}
