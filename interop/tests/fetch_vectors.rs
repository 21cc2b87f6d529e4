//! `fetch-vectors` against a small HTTP server on the loopback address, with
//! a pin of three made-up files: what it downloads, what it refuses, and
//! that a name in the folder only ever holds a whole verified file.

#![allow(clippy::unwrap_used, clippy::panic, clippy::expect_used)]

use interop::vectors::pin::{Pin, PinnedFile};
use interop::vectors::{FetchError, Origin, Problem, fetch};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const COMMIT: &str = "0123456789abcdef0123456789abcdef01234567";

/// The made-up vector files the test pin lists.
fn contents() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        ("a.json", b"[1, 2, 3]".to_vec()),
        ("b.json", (0..5000u32).map(|i| (i % 251) as u8).collect()),
        ("c.json", b"{}".to_vec()),
    ]
}

/// A pin of [`contents`], leaked so it lives as long as the official one.
fn test_pin() -> &'static Pin {
    let files: Vec<PinnedFile> = contents()
        .into_iter()
        .map(|(name, bytes)| PinnedFile {
            name,
            size: bytes.len() as u64,
            sha256: Box::leak(hex::encode(Sha256::digest(&bytes)).into_boxed_str()),
        })
        .collect();
    Box::leak(Box::new(Pin {
        commit: COMMIT,
        folder: "test-vectors",
        files: Box::leak(files.into_boxed_slice()),
    }))
}

/// How the server answers one path.
#[derive(Clone)]
enum Reply {
    /// 200 with these bytes.
    Body(Vec<u8>),
    /// 200 announcing `claimed` bytes, sending `bytes`, then closing.
    Cut { bytes: Vec<u8>, claimed: usize },
    /// This status, empty body.
    Status(u16),
}

/// An HTTP/1.1 server on 127.0.0.1 that answers each connection once and
/// closes it. It stops when dropped, and on its own after 60 s.
struct Server {
    port: u16,
    requests: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Server {
    fn start(routes: HashMap<String, Reply>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let port = listener.local_addr().unwrap().port();
        let requests = Arc::new(AtomicUsize::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let routes = Arc::new(Mutex::new(routes));
        let thread = {
            let (requests, stop) = (requests.clone(), stop.clone());
            std::thread::spawn(move || {
                let deadline = Instant::now() + Duration::from_secs(60);
                while !stop.load(Ordering::Acquire) && Instant::now() < deadline {
                    match listener.accept() {
                        Ok((stream, _)) => {
                            requests.fetch_add(1, Ordering::AcqRel);
                            let routes = routes.lock().unwrap().clone();
                            answer(stream, &routes);
                        }
                        Err(_) => std::thread::sleep(Duration::from_millis(5)),
                    }
                }
            })
        };
        Self {
            port,
            requests,
            stop,
            thread: Some(thread),
        }
    }

    fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn requests(&self) -> usize {
        self.requests.load(Ordering::Acquire)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Release);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn answer(stream: TcpStream, routes: &HashMap<String, Reply>) {
    stream.set_nonblocking(false).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() {
        return;
    }
    // Skip the headers.
    let mut line = String::new();
    while reader.read_line(&mut line).map(|n| n > 2).unwrap_or(false) {
        line.clear();
    }
    let path = request_line.split(' ').nth(1).unwrap_or("").to_string();
    let reply = routes.get(&path).cloned().unwrap_or(Reply::Status(404));
    let mut stream = stream;
    let (status, body, claimed) = match reply {
        Reply::Body(b) => (200, b.clone(), b.len()),
        Reply::Cut { bytes, claimed } => (200, bytes, claimed),
        Reply::Status(code) => (code, Vec::new(), 0),
    };
    let head =
        format!("HTTP/1.1 {status} X\r\nContent-Length: {claimed}\r\nConnection: close\r\n\r\n");
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(&body);
    let _ = stream.flush();
}

/// Every file of [`contents`] served where the pin says, with `change`
/// applied to the routes.
fn serve(change: impl FnOnce(&mut HashMap<String, Reply>)) -> Server {
    let mut routes: HashMap<String, Reply> = contents()
        .into_iter()
        .map(|(name, bytes)| (route(name), Reply::Body(bytes)))
        .collect();
    change(&mut routes);
    Server::start(routes)
}

fn route(name: &str) -> String {
    format!("/{COMMIT}/test-vectors/{name}")
}

fn run(dir: &Path, origin: Origin, server: &Server) -> Result<Vec<&'static str>, FetchError> {
    let mut log = Vec::new();
    fetch(test_pin(), dir, origin, &server.base_url(), &mut log).map(|f| f.downloaded)
}

/// The names in `dir`, hidden ones included, sorted.
fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn download_failures(err: FetchError) -> Vec<(&'static str, String)> {
    match err {
        FetchError::Download { failures, .. } => {
            failures.into_iter().map(|(f, _, why)| (f, why)).collect()
        }
        other => panic!("expected a download failure, got {other}"),
    }
}

#[test]
fn downloads_every_missing_file_and_then_nothing() {
    let server = serve(|_| {});
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("new-folder");
    let downloaded = run(&target, Origin::Argument, &server).unwrap();
    assert_eq!(downloaded, vec!["a.json", "b.json", "c.json"]);
    for (name, bytes) in contents() {
        assert_eq!(std::fs::read(target.join(name)).unwrap(), bytes, "{name}");
    }
    assert_eq!(listing(&target), vec!["a.json", "b.json", "c.json"]);
    assert_eq!(server.requests(), 3);

    // A second run verifies and asks nothing of the server.
    assert!(run(&target, Origin::Argument, &server).unwrap().is_empty());
    assert_eq!(server.requests(), 3);

    // Only a missing file is fetched again.
    std::fs::remove_file(target.join("b.json")).unwrap();
    assert_eq!(
        run(&target, Origin::Argument, &server).unwrap(),
        vec!["b.json"]
    );
    assert_eq!(server.requests(), 4);
}

#[test]
fn a_download_with_one_byte_changed_is_refused_and_not_written() {
    let server = serve(|routes| {
        let mut bytes = contents()[1].1.clone();
        bytes[100] ^= 0x01;
        routes.insert(route("b.json"), Reply::Body(bytes));
    });
    let dir = tempfile::tempdir().unwrap();
    let err = run(dir.path(), Origin::Argument, &server).unwrap_err();
    let message = err.to_string();
    let failures = download_failures(err);
    assert_eq!(failures.len(), 1, "{failures:?}");
    assert_eq!(failures[0].0, "b.json");
    assert!(failures[0].1.starts_with("digest mismatch"), "{failures:?}");
    assert!(message.contains("b.json: digest mismatch"), "{message}");
    assert!(message.contains("MLS_TEST_VECTORS"), "{message}");
    // The good files are kept; no trace of the bad one.
    assert_eq!(listing(dir.path()), vec!["a.json", "c.json"]);
}

#[test]
fn a_partial_download_is_an_error_naming_the_file() {
    let server = serve(|routes| {
        let full = contents()[1].1.clone();
        routes.insert(
            route("b.json"),
            Reply::Cut {
                bytes: full[..1000].to_vec(),
                claimed: full.len(),
            },
        );
    });
    let dir = tempfile::tempdir().unwrap();
    let failures = download_failures(run(dir.path(), Origin::Argument, &server).unwrap_err());
    assert_eq!(failures.len(), 1, "{failures:?}");
    assert_eq!(failures[0].0, "b.json");
    let why = &failures[0].1;
    assert!(
        why.starts_with("download interrupted") || why.starts_with("partial download"),
        "{why}"
    );
    assert_eq!(listing(dir.path()), vec!["a.json", "c.json"]);
}

#[test]
fn a_longer_file_or_an_http_error_is_refused() {
    let server = serve(|routes| {
        let mut longer = contents()[0].1.clone();
        longer.extend_from_slice(b"   ");
        routes.insert(route("a.json"), Reply::Body(longer));
        routes.insert(route("c.json"), Reply::Status(404));
    });
    let dir = tempfile::tempdir().unwrap();
    let failures = download_failures(run(dir.path(), Origin::Argument, &server).unwrap_err());
    assert_eq!(failures.len(), 2, "{failures:?}");
    assert_eq!(failures[0].0, "a.json");
    assert!(
        failures[0].1.contains("more than the pinned 9 bytes"),
        "{failures:?}"
    );
    assert_eq!(failures[1].0, "c.json");
    assert!(failures[1].1.contains("HTTP 404"), "{failures:?}");
    assert_eq!(listing(dir.path()), vec!["b.json"]);
}

#[test]
fn no_network_is_an_error_naming_each_file_and_what_to_do() {
    // Bind a port, then free it: nothing listens there.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let dir = tempfile::tempdir().unwrap();
    let mut log = Vec::new();
    let base = format!("http://127.0.0.1:{port}");
    let err = fetch(test_pin(), dir.path(), Origin::Argument, &base, &mut log).unwrap_err();
    let message = err.to_string();
    let failures = download_failures(err);
    // The first file finds the network dead; the others are not tried,
    // so a dead network costs one timeout, not one per file.
    assert_eq!(failures.len(), 3);
    assert!(failures[0].1.starts_with("cannot download"), "{failures:?}");
    for (_, why) in &failures[1..] {
        assert_eq!(why, "not tried: the server was unreachable");
    }
    assert!(message.contains("\n  a.json: cannot download"), "{message}");
    assert!(message.contains("\n  c.json: not tried"), "{message}");
    assert_eq!(
        String::from_utf8(log)
            .unwrap()
            .matches("downloading")
            .count(),
        1
    );
    assert!(message.contains("check the network"), "{message}");
    assert!(listing(dir.path()).is_empty());
}

#[test]
fn a_folder_of_the_users_is_never_overwritten() {
    let server = serve(|_| {});
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.json"), b"[1, 2, 4]").unwrap();
    std::fs::write(dir.path().join("extra.json"), b"[]").unwrap();
    for origin in [Origin::Argument, Origin::Environment] {
        let err = run(dir.path(), origin, &server).unwrap_err();
        let FetchError::Refused { problems, .. } = err else {
            panic!("expected Refused, got {err}");
        };
        assert!(matches!(&problems[..], [
            Problem::Mismatch { file: a, .. },
            Problem::Unexpected { file: extra },
        ] if a.ends_with("a.json") && extra.ends_with("extra.json")));
    }
    assert_eq!(server.requests(), 0, "nothing is downloaded");
    assert_eq!(
        std::fs::read(dir.path().join("a.json")).unwrap(),
        b"[1, 2, 4]"
    );
}

#[test]
fn the_download_cache_is_brought_to_the_pin() {
    let server = serve(|_| {});
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.json"), b"[1, 2, 4]").unwrap();
    std::fs::write(dir.path().join("dropped-from-the-pin.json"), b"[]").unwrap();
    std::fs::write(dir.path().join("README"), b"kept").unwrap();
    let mut log = Vec::new();
    let fetched = fetch(
        test_pin(),
        dir.path(),
        Origin::Cache,
        &server.base_url(),
        &mut log,
    )
    .unwrap();
    assert_eq!(fetched.downloaded, vec!["a.json", "b.json", "c.json"]);
    assert_eq!(
        fetched.removed,
        vec![dir.path().join("dropped-from-the-pin.json")]
    );
    assert_eq!(
        listing(dir.path()),
        vec!["README", "a.json", "b.json", "c.json"]
    );
    assert_eq!(
        std::fs::read(dir.path().join("a.json")).unwrap(),
        b"[1, 2, 3]"
    );
    let log = String::from_utf8(log).unwrap();
    assert!(log.contains("replacing"), "{log}");
}
