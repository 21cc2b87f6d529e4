//! `mls-interop demo` runs to the end: members on three crypto backends
//! talk through the delivery service (in process, over HTTP), agree at
//! every epoch, see the service refuse a second commit for one epoch, come
//! back from their SQLite files at the same epoch after a restart (the
//! service's too), and carry on.

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
    assert!(
        text.contains(
            "every message goes through the delivery service (mls-ds) at http://127.0.0.1:"
        ),
        "{text}"
    );
    assert!(
        text.contains("carol's commit for the same epoch: refused (409, stale epoch"),
        "{text}"
    );
    assert!(
        text.contains("the delivery service restarts on ds.db"),
        "{text}"
    );
    assert_eq!(
        text.matches("delivered through the service, each read as sent")
            .count(),
        4,
        "{text}"
    );
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
    let names = interop::demo::MEMBERS.iter().map(|(name, _)| *name);
    for name in names.chain(["ds"]) {
        let db = dir.path().join(format!("{name}.db"));
        assert!(db.is_file(), "{} missing", db.display());
    }
}

#[test]
fn the_demo_refuses_a_folder_with_databases_of_an_earlier_run() {
    for name in ["alice.db", "ds.db"] {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(name), b"").unwrap();
        let err = interop::demo::run(dir.path(), &mut Vec::new()).unwrap_err();
        assert!(err.to_string().contains(name), "{err}");
    }
}

/// `--ds URL`: the members go through a service that runs apart (here one
/// started by the test), which is not restarted with them.
#[test]
fn the_demo_runs_through_a_service_elsewhere() {
    let service_dir = tempfile::tempdir().unwrap();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let service = mls_ds::serve(
        listener,
        mls_ds::Config::new(service_dir.path().join("elsewhere.db")),
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut out = Vec::new();
    let result = interop::demo::run_with(dir.path(), Some(&service.url()), &mut out);
    let text = String::from_utf8(out).unwrap();
    if let Err(e) = result {
        panic!("demo failed: {e}\noutput so far:\n{text}");
    }
    assert!(
        text.contains(&format!("at {}, run elsewhere", service.url())),
        "{text}"
    );
    assert!(text.contains("keeps running"), "{text}");
    assert!(!dir.path().join("ds.db").exists());
    // A second run on the same service registers other client ids.
    let again = tempfile::tempdir().unwrap();
    interop::demo::run_with(again.path(), Some(&service.url()), &mut Vec::new()).unwrap();
    service.shutdown().unwrap();
}

/// `--suite`: the demo on the X-Wing suite (0x004D, provisional). Only
/// RustCrypto has it, so every member runs there; the service in this
/// process takes the suite, and everything else is as on suite 1.
#[test]
fn the_demo_runs_on_a_post_quantum_suite() {
    let suite = interop::demo::parse_suite("0x004d").unwrap();
    assert_eq!(
        suite,
        mls_core::CipherSuite::MLS_256_XWING_CHACHA20POLY1305_SHA256_Ed25519
    );
    assert_eq!(
        interop::demo::backends_for(suite),
        Some(["rustcrypto"; 4]),
        "aws-lc and ring lack X-Wing"
    );
    let dir = tempfile::tempdir().unwrap();
    let mut out = Vec::new();
    let result = interop::demo::run_on_suite(dir.path(), None, suite, &mut out);
    let text = String::from_utf8(out).unwrap();
    if let Err(e) = result {
        panic!("demo failed: {e}\noutput so far:\n{text}");
    }
    assert!(
        text.contains("suite 0x004d MLS_256_XWING_CHACHA20POLY1305_SHA256_Ed25519"),
        "{text}"
    );
    assert!(text.contains("a provisional code point (from "), "{text}");
    assert!(
        text.contains("alice on rustcrypto, bob on rustcrypto"),
        "{text}"
    );
    assert!(
        text.contains("all members agreed at every epoch, before and after the restart"),
        "{text}"
    );
}

/// Suites are named by code point (hex or decimal) or name; anything else
/// is an error that says what is expected.
#[test]
fn demo_suites_are_parsed_by_code_point_or_name() {
    use interop::demo::parse_suite;
    use mls_core::CipherSuite;
    let p256 = CipherSuite::MLS_128_DHKEMP256_AES128GCM_SHA256_P256;
    assert_eq!(parse_suite("0x0002").unwrap(), p256);
    assert_eq!(parse_suite("2").unwrap(), p256);
    assert_eq!(
        parse_suite("mls_128_dhkemp256_aes128gcm_sha256_p256").unwrap(),
        p256
    );
    assert_eq!(
        parse_suite("0x0907").unwrap(),
        CipherSuite::MLS_256_MLKEM1024_AES256GCM_SHA384_MLDSA87
    );
    for bad in ["0x7777", "0xzz", "", "suite1"] {
        let err = parse_suite(bad).unwrap_err().to_string();
        assert!(err.contains("not a built-in cipher suite"), "{bad}: {err}");
    }
}
