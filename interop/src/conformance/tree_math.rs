//! `tree-math.json`: RFC 9420 Appendix C on full trees of 1 to 512 leaves.

use super::Tally;
use mls_core::tree_math::{NodeIndex, TreeSize};
use serde::Deserialize;

#[derive(Deserialize)]
pub(crate) struct Case {
    n_leaves: u32,
    n_nodes: u32,
    root: u32,
    left: Vec<Option<u32>>,
    right: Vec<Option<u32>>,
    parent: Vec<Option<u32>>,
    sibling: Vec<Option<u32>>,
}

fn compare(
    name: &str,
    expected: &[Option<u32>],
    width: u32,
    f: impl Fn(NodeIndex) -> Option<NodeIndex>,
) -> Result<(), String> {
    if u32::try_from(expected.len()).ok() != Some(width) {
        return Err(format!(
            "{name}: {} entries for {width} nodes",
            expected.len()
        ));
    }
    for (i, want) in (0u32..).zip(expected) {
        let got = f(NodeIndex(i)).map(|n| n.0);
        if got != *want {
            return Err(format!("{name}[{i}]: expected {want:?}, got {got:?}"));
        }
    }
    Ok(())
}

/// Checks size and root, then left, right, parent and sibling of every node.
const CHECKS_PER_CASE: usize = 5;

pub(crate) fn run(cases: &[Case], t: &mut Tally) {
    for c in cases {
        let tag = format!("n_leaves={}", c.n_leaves);
        let Some(tree) = TreeSize::from_leaf_count(c.n_leaves) else {
            for _ in 0..CHECKS_PER_CASE {
                t.check(&tag, Err("leaf count is not a power of two".into()));
            }
            continue;
        };
        let width = tree.node_width();
        t.check(
            &format!("{tag} size/root"),
            if width == c.n_nodes && tree.root().0 == c.root {
                Ok(())
            } else {
                Err(format!(
                    "expected {} nodes, root {}; got {width}, {}",
                    c.n_nodes,
                    c.root,
                    tree.root().0
                ))
            },
        );
        t.check(&tag, compare("left", &c.left, width, |x| tree.left(x)));
        t.check(&tag, compare("right", &c.right, width, |x| tree.right(x)));
        t.check(
            &tag,
            compare("parent", &c.parent, width, |x| tree.parent(x)),
        );
        t.check(
            &tag,
            compare("sibling", &c.sibling, width, |x| tree.sibling(x)),
        );
    }
}
