//! `mls-interop demo` runs to the end: members on three crypto backends
//! agree at every epoch, come back from their SQLite files at the same
//! epoch after a restart, and carry on.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[test]
fn the_demo_runs_restarts_and_agrees() {
    let dir = tempfile::tempdir().unwrap();
    let mut out = Vec::new();
    let result = interop::demo::run(dir.path(), &mut out);
    let text = String::from_utf8(out).unwrap();
    if let Err(e) = result {
        panic!("demo failed: {e}\noutput so far:\n{text}");
    }
    assert!(text.contains("restart"), "{text}");
    assert!(text.contains("as before"), "{text}");
    assert!(
        text.contains("all members agreed at every epoch, before and after the restart"),
        "{text}"
    );
    // Epochs 0 to 6, one line each.
    for epoch in 0..=6 {
        assert!(
            text.lines()
                .any(|l| l.trim_start().starts_with(&format!("{epoch} "))),
            "no line for epoch {epoch}:\n{text}"
        );
    }
    for (name, _) in interop::demo::MEMBERS {
        let db = dir.path().join(format!("{name}.db"));
        assert!(db.is_file(), "{} missing", db.display());
    }
}

#[test]
fn the_demo_refuses_a_folder_with_databases_of_an_earlier_run() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("alice.db"), b"").unwrap();
    let err = interop::demo::run(dir.path(), &mut Vec::new()).unwrap_err();
    assert!(err.to_string().contains("alice.db"), "{err}");
}
