//! The public view follows the official passive-client vectors on every
//! backend: after each PublicMessage commit it holds the passive client's
//! GroupContext (tree hash, confirmed transcript hash), tree and
//! confirmation tag (`interop::conformance::run_public_view`).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use interop::backends;
use interop::vectors::VectorDir;

#[test]
fn the_public_view_follows_every_public_commit_of_the_passive_client_vectors() {
    let vectors = VectorDir::locate(None).expect("the official vectors (MLS_TEST_VECTORS)");
    let mut commits = 0;
    for backend in backends::all() {
        let counts = interop::conformance::run_public_view(&vectors, &backend).unwrap();
        eprintln!("{}: {counts:?}", backend.name);
        assert!(
            counts.mismatches.is_empty(),
            "{}: {:#?}",
            backend.name,
            counts.mismatches
        );
        assert!(
            counts.cases > 0 && counts.commits > 0,
            "{}: {counts:?}",
            backend.name
        );
        commits += counts.commits;
    }
    assert!(commits > 0);
}
