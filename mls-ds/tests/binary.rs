//! The `mls-ds` binary: refuses bad arguments, serves on the address it
//! is given, and keeps its tables in the file it is given.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::Person;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_mls-ds");

#[test]
fn bad_arguments_exit_with_usage() {
    for args in [
        &[][..],
        &["--db"][..],
        &["--db", "x.db"][..],
        &["--what"][..],
    ] {
        let out = Command::new(BIN).args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("usage"),
            "{args:?}"
        );
    }
}

#[test]
fn serves_and_keeps_its_tables() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ds.db");
    let mut child = Command::new(BIN)
        .args(["--db", db.to_str().unwrap(), "--listen", "127.0.0.1:0"])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stderr.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line
        .trim()
        .strip_prefix("mls-ds: listening on ")
        .unwrap_or_else(|| panic!("{line}"));
    let alice = Person::new(&format!("http://{addr}"), "alice");
    let registered = alice.ds.register();
    alice.publish(true);
    let counts = alice.ds.key_package_counts();
    child.kill().unwrap();
    child.wait().unwrap();
    registered.unwrap();
    assert_eq!(counts.unwrap().last_resort, 1);

    // The same file, served in-process: Alice and her package are there.
    let server = common::start_with(mls_ds::Config::new(&db));
    let mut alice = alice;
    alice.reconnect(&server.url());
    assert_eq!(alice.ds.key_package_counts().unwrap().last_resort, 1);
}
