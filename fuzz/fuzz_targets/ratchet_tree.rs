//! `ratchet_tree` (§12.4.3.3), in-band extension data or out of band:
//! decode, re-encode, decode again (see `mls_fuzz::roundtrip`); then what a
//! joiner does with it before trusting it: build the public tree (shape
//! checks), hash it, and run the §7.9 and §12.4.3.1 checks, on the fuzzing
//! provider so the checks behind signatures are reached.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mls_core::tree::node::RatchetTree;
use mls_core::tree::parent_hash::verify_parent_hashes;
use mls_core::tree::public_tree::PublicTree;
use mls_core::tree::validation::{
    verify_leaf_signatures, verify_unique_encryption_keys, verify_unique_signature_keys,
    verify_unmerged_leaves,
};
use mls_core::tree_math::NodeIndex;
use mls_fuzz::provider::FuzzSuite;

/// TODO(fuzz finding `regressions/ratchet_tree/trailing-parent-dropped`):
/// `PublicTree::from_wire` accepts a tree whose last node is a parent (an
/// even node count) and, when the count is a power of two, drops that node
/// instead of extending the tree with blanks as §12.4.3.3 says. While
/// mls-core has that bug, the round trip through the built tree is not
/// checked for such trees; set this to `false` once it is fixed.
const TOLERATE_TRAILING_PARENT_DROPPED: bool = false;

fuzz_target!(|data: &[u8]| {
    let Some(wire) = mls_fuzz::roundtrip::check::<RatchetTree>(data) else {
        return;
    };
    let Ok(mut tree) = PublicTree::from_wire(wire.clone()) else {
        return;
    };
    // §12.4.3.3: the receiver extends the tree with blank nodes, so the
    // tree it builds serializes back to what it received.
    let ends_with_parent = wire.nodes().len() % 2 == 0;
    if !(TOLERATE_TRAILING_PARENT_DROPPED && ends_with_parent) {
        assert_eq!(tree.to_wire(), wire, "a built tree serializes differently");
    }
    let _ = tree.tree_hash(&FuzzSuite);
    let _ = verify_unmerged_leaves(&tree);
    let _ = verify_unique_encryption_keys(&tree);
    let _ = verify_unique_signature_keys(&tree);
    let _ = verify_leaf_signatures(&tree, &FuzzSuite, b"group");
    let _ = verify_parent_hashes(&mut tree, &FuzzSuite);
    for i in 0..tree.size().node_width().min(64) {
        let _ = tree.resolution(NodeIndex(i));
    }
    let _ = tree.member_count();
});
