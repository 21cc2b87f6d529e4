use super::*;

fn tree(n: u32) -> TreeSize {
    TreeSize::from_leaf_count(n).unwrap()
}

#[test]
fn eight_leaf_tree_matches_appendix_c() {
    let t = tree(8);
    assert_eq!(t.node_width(), 15);
    assert_eq!(t.root(), NodeIndex(7));
    assert_eq!(NodeIndex(7).level(), 3);
    assert_eq!(t.left(NodeIndex(7)), Some(NodeIndex(3)));
    assert_eq!(t.right(NodeIndex(7)), Some(NodeIndex(11)));
    assert_eq!(t.parent(NodeIndex(4)), Some(NodeIndex(5)));
    assert_eq!(t.parent(NodeIndex(7)), None);
    assert_eq!(t.sibling(NodeIndex(9)), Some(NodeIndex(13)));
    assert_eq!(
        t.direct_path(NodeIndex(4)).unwrap(),
        vec![NodeIndex(5), NodeIndex(3), NodeIndex(7)]
    );
    assert_eq!(
        t.copath(NodeIndex(4)).unwrap(),
        vec![NodeIndex(6), NodeIndex(1), NodeIndex(11)]
    );
    assert!(t.direct_path(NodeIndex(7)).unwrap().is_empty());
}

#[test]
fn common_ancestor_matches_semantic_definition() {
    let t = tree(32);
    for x in 0..t.node_width() {
        for y in 0..t.node_width() {
            let (x, y) = (NodeIndex(x), NodeIndex(y));
            let mut dx = t.direct_path(x).unwrap();
            dx.insert(0, x);
            let mut dy = t.direct_path(y).unwrap();
            dy.insert(0, y);
            let expected = dx
                .iter()
                .filter(|n| dy.contains(n))
                .min_by_key(|n| n.level())
                .copied();
            assert_eq!(t.common_ancestor(x, y), expected, "{x:?} {y:?}");
        }
    }
}

#[test]
fn out_of_tree_and_extreme_indices_do_not_panic() {
    let t = tree(4);
    assert_eq!(t.parent(NodeIndex(7)), None);
    assert_eq!(t.left(NodeIndex(99)), None);
    assert_eq!(t.direct_path(NodeIndex(u32::MAX)), None);
    assert_eq!(t.common_ancestor(NodeIndex(0), NodeIndex(u32::MAX)), None);
    assert_eq!(LeafIndex(u32::MAX).node(), None);
    assert_eq!(NodeIndex(u32::MAX).right(), None);
    assert_eq!(
        NodeIndex(u32::MAX >> 1).right(),
        Some(NodeIndex(0xbfff_ffff))
    );

    let big = tree(1 << 31);
    assert_eq!(big.node_width(), u32::MAX);
    assert_eq!(big.root(), NodeIndex((1 << 31) - 1));
    let last = LeafIndex((1 << 31) - 1).node().unwrap();
    assert_eq!(big.direct_path(last).unwrap().len(), 31);
    assert_eq!(big.sibling(last), Some(NodeIndex(u32::MAX - 3)));
}

#[test]
fn tree_size_requires_power_of_two() {
    assert!(TreeSize::from_leaf_count(0).is_none());
    assert!(TreeSize::from_leaf_count(3).is_none());
    assert_eq!(TreeSize::covering(5).unwrap().leaf_count(), 8);
    assert_eq!(TreeSize::covering(0).unwrap().leaf_count(), 1);
    assert!(TreeSize::covering(u32::MAX).is_none());
}
