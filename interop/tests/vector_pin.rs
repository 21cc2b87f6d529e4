//! The pin on the official vectors: a folder is used only if it holds every
//! pinned file with its digest and no other `.json` file; what is wrong is
//! named, with the command that fixes it. Each check works on a copy of the
//! real vectors in a temporary folder.

#![allow(clippy::unwrap_used, clippy::panic, clippy::expect_used)]

use interop::vectors::{FETCH_COMMAND, Problem, VectorDir, VectorsError, pin};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A temporary copy of the pinned vectors.
fn copy_of_the_vectors() -> tempfile::TempDir {
    let source = VectorDir::locate(None).unwrap_or_else(|e| panic!("{e}"));
    let copy = tempfile::tempdir().unwrap();
    for file in pin::OFFICIAL.files {
        std::fs::copy(source.path().join(file.name), copy.path().join(file.name)).unwrap();
    }
    copy
}

/// Changes one byte in the middle of `path`.
fn change_one_byte(path: &Path) {
    let mut bytes = std::fs::read(path).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x01;
    std::fs::write(path, bytes).unwrap();
}

fn problems(err: VectorsError) -> Vec<Problem> {
    match err {
        VectorsError::Invalid { problems, .. } => problems,
        other => panic!("expected Invalid, got {other}"),
    }
}

/// Runs `mls-interop` with `$MLS_TEST_VECTORS` set to `env` (or unset).
fn cli(args: &[&str], env: Option<&Path>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_mls-interop"));
    cmd.args(args);
    match env {
        Some(dir) => cmd.env(interop::vectors::ENV_VAR, dir),
        None => cmd.env_remove(interop::vectors::ENV_VAR),
    };
    cmd.output().unwrap()
}

#[test]
fn the_pin_lists_fifteen_files_in_report_order_with_full_digests() {
    let names: Vec<&str> = interop::conformance::files().collect();
    assert_eq!(names.len(), 15);
    assert_eq!(names.first(), Some(&"tree-math.json"));
    assert_eq!(pin::UPSTREAM_COMMIT.len(), 40);
    for file in pin::OFFICIAL.files {
        assert_eq!(file.sha256.len(), 64, "{}", file.name);
        assert!(
            file.sha256
                .bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
        );
        assert!(file.size > 0);
    }
}

#[test]
fn an_exact_copy_is_accepted() {
    let copy = copy_of_the_vectors();
    let dir = VectorDir::pinned(copy.path(), &pin::OFFICIAL).unwrap();
    let bytes = dir.read("welcome.json").unwrap();
    assert_eq!(
        bytes.len() as u64,
        pin::OFFICIAL.file("welcome.json").unwrap().size
    );
}

#[test]
fn a_file_with_one_byte_changed_is_refused_by_digest_naming_it() {
    let copy = copy_of_the_vectors();
    let path = copy.path().join("key-schedule.json");
    change_one_byte(&path);
    let found = problems(VectorDir::pinned(copy.path(), &pin::OFFICIAL).unwrap_err());
    assert_eq!(found.len(), 1, "{found:?}");
    match &found[0] {
        Problem::Mismatch {
            file,
            expected,
            actual,
        } => {
            assert_eq!(file, &path);
            assert_eq!(
                *expected,
                pin::OFFICIAL.file("key-schedule.json").unwrap().sha256
            );
            assert_ne!(actual, expected);
        }
        other => panic!("expected a digest mismatch, got {other}"),
    }

    // The runner refuses the folder with the file's name.
    let out = cli(
        &["conformance", "--vectors", copy.path().to_str().unwrap()],
        None,
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("key-schedule.json: SHA-256 is"), "{stderr}");
    assert!(stderr.contains(FETCH_COMMAND), "{stderr}");
    assert!(out.stdout.is_empty(), "no row may be printed");
}

#[test]
fn a_file_changed_after_the_folder_was_checked_is_refused_when_read() {
    let copy = copy_of_the_vectors();
    let dir = VectorDir::pinned(copy.path(), &pin::OFFICIAL).unwrap();
    change_one_byte(&copy.path().join("psk_secret.json"));
    let found = problems(dir.read("psk_secret.json").unwrap_err());
    assert!(
        matches!(&found[..], [Problem::Mismatch { file, .. }] if file.ends_with("psk_secret.json"))
    );
    let err = dir
        .load::<serde_json::Value>("psk_secret.json")
        .unwrap_err();
    assert!(err.contains("psk_secret.json: SHA-256 is"), "{err}");
}

#[test]
fn a_json_file_the_pin_does_not_list_fails_the_run_by_name() {
    let copy = copy_of_the_vectors();
    let extra = copy.path().join("passive-client-random.json");
    std::fs::write(&extra, "[]").unwrap();
    // Other files (format notes, a README) are not vectors and are allowed.
    std::fs::write(copy.path().join("FORMATS.md"), "notes").unwrap();
    let found = problems(VectorDir::pinned(copy.path(), &pin::OFFICIAL).unwrap_err());
    assert_eq!(found, vec![Problem::Unexpected { file: extra }]);

    let out = cli(&["conformance"], Some(copy.path()));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("passive-client-random.json: not a pinned vector file"),
        "{stderr}"
    );
}

#[test]
fn missing_files_are_each_named() {
    let copy = copy_of_the_vectors();
    std::fs::remove_file(copy.path().join("treekem.json")).unwrap();
    std::fs::remove_file(copy.path().join("tree-math.json")).unwrap();
    let found = problems(VectorDir::pinned(copy.path(), &pin::OFFICIAL).unwrap_err());
    let missing: Vec<PathBuf> = found
        .iter()
        .map(|p| match p {
            Problem::Missing { file } => file.clone(),
            other => panic!("expected Missing, got {other}"),
        })
        .collect();
    assert_eq!(
        missing,
        vec![
            copy.path().join("tree-math.json"),
            copy.path().join("treekem.json")
        ]
    );
}

#[test]
fn no_folder_is_an_error_with_the_fetch_command() {
    let nowhere = tempfile::tempdir().unwrap().path().join("absent");
    let out = cli(&["conformance"], Some(&nowhere));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains(&nowhere.display().to_string()), "{stderr}");
    assert!(stderr.contains("$MLS_TEST_VECTORS"), "{stderr}");
    assert!(stderr.contains(FETCH_COMMAND), "{stderr}");

    // An explicit folder that does not exist is not replaced by another.
    let err = VectorDir::locate(Some(&nowhere)).unwrap_err();
    assert!(
        matches!(&err, VectorsError::NotFound { dir, origin: interop::vectors::Origin::Argument } if dir == &nowhere),
        "{err}"
    );
}

#[test]
fn fetch_vectors_verifies_a_complete_folder_without_the_network() {
    let copy = copy_of_the_vectors();
    // A base URL nothing listens on: any download attempt would fail.
    let offline = ["fetch-vectors", "--base-url", "http://127.0.0.1:9"];
    let out = cli(&offline, Some(copy.path()));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(stdout.contains("15 pinned vector files"), "{stdout}");
    assert!(
        stdout.contains("already present, nothing downloaded"),
        "{stdout}"
    );
    assert!(!stderr.contains("downloading"), "{stderr}");

    // The same through --dir.
    let mut args = offline.to_vec();
    let dir = copy.path().to_str().unwrap();
    args.extend(["--dir", dir]);
    let out = cli(&args, None);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // A changed file in a folder of the user's is reported, not replaced.
    change_one_byte(&copy.path().join("welcome.json"));
    let out = cli(&offline, Some(copy.path()));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("welcome.json: SHA-256 is"), "{stderr}");
    assert!(!stderr.contains("downloading"), "{stderr}");
}
