//! `mls-interop`: the conformance runner, the vector fetcher, the demo, the
//! stored-state corpus generator, and the gRPC server and scenario runner
//! of the working group's interoperability harness.
//!
//! ```text
//! mls-interop conformance [--vectors DIR] [--backend NAME]... [--json]
//! mls-interop conformance --passive FILE... [--no-lifetime-check] [--backend NAME]... [--json]
//! mls-interop fetch-vectors [--dir DIR] [--base-url URL]
//! mls-interop demo [--dir PATH] [--ds URL] [--suite SUITE]
//! mls-interop storage-corpus --out DIR
//! mls-interop serve --port N [--backend awslc|rustcrypto|ring] [--storage memory|sqlite]
//!                  [--provisional-suites]
//! mls-interop run-scenarios --client ADDR [--client ADDR]... --config FILE [--config FILE]...
//!                  [--suite N] [--private|--public] [--random|--rotate] [--fail-fast]
//!                  [--json FILE] [--passive-out DIR]
//! ```

#![forbid(unsafe_code)]

use interop::conformance::Lifetimes;
use interop::vectors::{self, VectorDir};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const USAGE: &str = "usage: mls-interop conformance [--vectors DIR] [--backend NAME]... [--json]
       mls-interop conformance --passive FILE... [--no-lifetime-check] [--backend NAME]... [--json]
       mls-interop fetch-vectors [--dir DIR] [--base-url URL]
       mls-interop demo [--dir PATH] [--ds URL] [--suite SUITE]
       mls-interop storage-corpus --out DIR
       mls-interop serve --port N [--backend awslc|rustcrypto|ring] [--storage memory|sqlite]
                 [--provisional-suites]
       mls-interop run-scenarios --client ADDR [--client ADDR]... --config FILE [--config FILE]...
                 [--suite N] [--private|--public] [--random|--rotate] [--fail-fast]
                 [--json FILE] [--passive-out DIR]

fetch-vectors: makes the pinned official vectors available (they are not in
this repository; interop/src/vectors/pin.rs names the upstream commit and
each file's SHA-256). Files already present with their digest are kept and
the network is not used; missing ones are downloaded over HTTPS, checked
and moved into place.
  --dir DIR              the folder (default: $MLS_TEST_VECTORS, else
                         target/mls-test-vectors, the download cache)
  --base-url URL         a mirror laid out like the upstream repository:
                         URL/COMMIT/test-vectors/NAME
A folder of yours is never overwritten: a changed or unknown .json file
there is reported and nothing is downloaded. In the download cache such
files are replaced or removed.

demo: a group of four members on three crypto backends, each keeping its
state in a SQLite file and talking through the reference delivery service
(mls-ds) over HTTP, restarted halfway (see interop/src/demo.rs).
  --dir PATH             keep the databases in PATH (default: a temporary
                         folder, removed at the end)
  --ds URL               use the mls-ds running at URL (default: start one
                         in this process on a loopback port)
  --suite SUITE          the group's cipher suite, by code point (0x0001,
                         0x004d) or name (default: 0x0001). A provisional
                         post-quantum suite runs every member whose backend
                         lacks it on RustCrypto; a service given with --ds
                         must take it (mls-ds --provisional-suites)
storage-corpus: writes the stored-state corpus of this build's storage
format to DIR, which must be empty or new
(interop/tests/fixtures/storage/README.md).

serve: this library as an MLSClient gRPC server for the MLS working
group's interoperability runner, on 127.0.0.1:N (plain HTTP/2), until
interrupted.
  --port N               the TCP port (0: any free port, printed)
  --backend NAME         awslc, rustcrypto (default) or ring
  --storage KIND         memory (default) or sqlite
  --provisional-suites   offer the post-quantum suites the backend has too
                         (code points not registered with IANA; see the
                         README)

run-scenarios: the working group's interop scenario runner. Runs every
script of each config (their JSON format: {\"scripts\": {...}, \"mode\"?})
on every suite some client supports, with handshakes as PrivateMessage and
as PublicMessage, for every assignment of the clients to the script's
actors; then frees every state. Prints passed/failed per script and config
with each failure's step and error.
  --client ADDR          an MLSClient gRPC server at host:port (repeatable)
  --config FILE          a config file (repeatable)
  --suite N              only cipher suite N
  --private, --public    only encrypted, or only plaintext, handshakes
  --random               one random assignment per suite and flag
  --rotate               one assignment per client: actor i on client
                         (i + k) mod n in run k (every actor on every
                         client, linear in the clients; what CI runs)
  --fail-fast            stop at the first failed run
  --json FILE            write the results as the Go runner's JSON
  --passive-out DIR      write passive-client vectors recorded from the
                         passing runs to DIR/<config-stem>.json

conformance: runs the official MLS test vectors against every crypto backend.
  --vectors DIR          vector folder (default: $MLS_TEST_VECTORS, else the
                         download cache of fetch-vectors); every pinned file
                         is checked against its digest, and a .json file the
                         pin does not list fails the run
  --backend NAME         run only this backend (repeatable): rustcrypto,
                         ring, aws-lc (aws-lc-fips in a build with
                         --features fips)
  --json                 print rows as JSON instead of a table
  --passive FILE...      run only these files (any path), as passive-client
                         scenarios (FORMATS.md \"Passive Client Scenarios\");
                         KeyPackage lifetimes are checked; the provisional
                         post-quantum suites run too
  --no-lifetime-check    with --passive: do not check KeyPackage lifetimes
                         (for recorded sessions whose KeyPackages expired)
The default run checks the two official passive-client files with the
lifetime check off (their KeyPackages expired in 2024-2025) and says so in
their rows. Exit status is non-zero when any case fails.";

struct Args {
    vectors: Option<PathBuf>,
    backends: Vec<String>,
    json: bool,
    passive: Vec<PathBuf>,
    passive_given: bool,
    no_lifetime_check: bool,
}

fn parse(args: impl Iterator<Item = String>) -> Result<Args, String> {
    let mut args = args.peekable();
    match args.next().as_deref() {
        Some("conformance") => {}
        Some("-h" | "--help") | None => return Err(USAGE.into()),
        Some(other) => return Err(format!("unknown command {other:?}\n\n{USAGE}")),
    }
    let mut out = Args {
        vectors: None,
        backends: Vec::new(),
        json: false,
        passive: Vec::new(),
        passive_given: false,
        no_lifetime_check: false,
    };
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--json" => out.json = true,
            "--vectors" => {
                let dir = args.next().ok_or("--vectors needs a folder")?;
                out.vectors = Some(PathBuf::from(dir));
            }
            "--backend" => {
                let name = args.next().ok_or("--backend needs a name")?;
                out.backends.push(name);
            }
            "--passive" => {
                out.passive_given = true;
                while let Some(file) = args.next_if(|a| !a.starts_with("--")) {
                    out.passive.push(PathBuf::from(file));
                }
            }
            "--no-lifetime-check" => out.no_lifetime_check = true,
            "-h" | "--help" => return Err(USAGE.into()),
            other => return Err(format!("unknown argument {other:?}\n\n{USAGE}")),
        }
    }
    if out.passive_given && out.passive.is_empty() {
        return Err(format!("--passive needs at least one file\n\n{USAGE}"));
    }
    if out.no_lifetime_check && !out.passive_given {
        return Err(format!(
            "--no-lifetime-check applies only to --passive files\n\n{USAGE}"
        ));
    }
    if out.passive_given && out.vectors.is_some() {
        return Err(format!(
            "--vectors does not apply to --passive, which takes file paths\n\n{USAGE}"
        ));
    }
    Ok(out)
}

/// The rows of the run the arguments ask for.
fn rows(args: &Args) -> Result<Vec<interop::conformance::Row>, String> {
    if args.passive_given {
        // Recorded sessions may be on provisional suites.
        let backends = interop::backends::select_with_provisional(&args.backends)?;
        let lifetimes = if args.no_lifetime_check {
            Lifetimes::OffByOption
        } else {
            Lifetimes::Checked
        };
        eprintln!(
            "passive-client files: {}",
            if args.no_lifetime_check {
                "KeyPackage lifetime check OFF (--no-lifetime-check)"
            } else {
                "KeyPackage lifetime check on"
            }
        );
        let paths: Vec<&Path> = args.passive.iter().map(PathBuf::as_path).collect();
        return interop::conformance::run_passive(&paths, &backends, lifetimes);
    }
    let backends = interop::backends::select(&args.backends)?;
    let vectors = VectorDir::locate(args.vectors.as_deref()).map_err(|e| e.to_string())?;
    let rows = interop::conformance::run(&vectors, &backends)?;
    if let Some(idle) = interop::conformance::idle_backends(&rows, &backends).first() {
        eprint!("{}", interop::report::table(&rows));
        return Err(format!(
            "backend {idle} passed no case of the official vectors"
        ));
    }
    Ok(rows)
}

/// `fetch-vectors [--dir DIR] [--base-url URL]`.
fn fetch_vectors(mut args: impl Iterator<Item = String>) -> ExitCode {
    let mut dir = None;
    let mut base_url = vectors::pin::DEFAULT_BASE_URL.to_string();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--dir" => match args.next() {
                Some(d) => dir = Some(PathBuf::from(d)),
                None => return usage_error("--dir needs a folder"),
            },
            "--base-url" => match args.next() {
                Some(u) => base_url = u,
                None => return usage_error("--base-url needs a URL"),
            },
            "-h" | "--help" => return usage_error(""),
            other => return usage_error(&format!("unknown argument {other:?}")),
        }
    }
    let (dir, origin) = vectors::choose(dir.as_deref());
    let pin = &vectors::pin::OFFICIAL;
    let mut log = std::io::stderr().lock();
    match vectors::fetch(pin, &dir, origin, &base_url, &mut log) {
        Ok(fetched) => {
            let how = if fetched.downloaded.is_empty() {
                "already present, nothing downloaded".to_string()
            } else {
                format!("{} downloaded", fetched.downloaded.len())
            };
            println!(
                "{} pinned vector files of {}@{} verified in {} ({how})",
                pin.files.len(),
                vectors::pin::UPSTREAM_REPOSITORY,
                pin.commit,
                fetched.dir.display()
            );
            if origin != vectors::Origin::Cache {
                println!(
                    "use them with: {}={}",
                    vectors::ENV_VAR,
                    fetched.dir.display()
                );
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// `demo [--dir PATH] [--ds URL] [--suite SUITE]`.
fn demo(mut args: impl Iterator<Item = String>) -> ExitCode {
    let mut dir = None;
    let mut ds = None;
    let mut suite = interop::demo::SUITE;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--dir" => match args.next() {
                Some(d) => dir = Some(PathBuf::from(d)),
                None => return usage_error("--dir needs a folder"),
            },
            "--ds" => match args.next() {
                Some(url) => ds = Some(url),
                None => return usage_error("--ds needs the service's URL"),
            },
            "--suite" => match args.next().map(|s| interop::demo::parse_suite(&s)) {
                Some(Ok(s)) => suite = s,
                Some(Err(e)) => return usage_error(&e.to_string()),
                None => return usage_error("--suite needs a code point or a suite name"),
            },
            "-h" | "--help" => return usage_error(""),
            other => return usage_error(&format!("unknown argument {other:?}")),
        }
    }
    let mut out = std::io::stdout().lock();
    match interop::demo::run_cli(dir.as_deref(), ds.as_deref(), suite, &mut out) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// `storage-corpus --out DIR`.
fn storage_corpus(mut args: impl Iterator<Item = String>) -> ExitCode {
    let mut dir = None;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--out" => match args.next() {
                Some(d) => dir = Some(PathBuf::from(d)),
                None => return usage_error("--out needs a folder"),
            },
            "-h" | "--help" => return usage_error(""),
            other => return usage_error(&format!("unknown argument {other:?}")),
        }
    }
    let Some(dir) = dir else {
        return usage_error("storage-corpus needs --out DIR");
    };
    match interop::corpus::generate(&dir) {
        Ok(files) => {
            let total: u64 = files.iter().map(|(_, len)| len).sum();
            for (name, len) in &files {
                println!("{:>9} bytes  {}", len, dir.join(name).display());
            }
            println!("{total:>9} bytes in {} files", files.len());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// `serve --port N [--backend NAME] [--storage KIND] [--provisional-suites]`.
fn serve(mut args: impl Iterator<Item = String>) -> ExitCode {
    let mut port = None;
    let mut backend = interop::grpc::server::DEFAULT_BACKEND.to_string();
    let mut storage = interop::grpc::server::StorageChoice::Memory;
    let mut provisional = false;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--port" => match args.next().map(|p| p.parse::<u16>()) {
                Some(Ok(p)) => port = Some(p),
                Some(Err(e)) => return usage_error(&format!("--port: {e}")),
                None => return usage_error("--port needs a number"),
            },
            "--backend" => match args.next() {
                Some(b) => backend = b,
                None => return usage_error("--backend needs a name"),
            },
            "--storage" => match args
                .next()
                .map(|s| interop::grpc::server::StorageChoice::parse(&s))
            {
                Some(Ok(s)) => storage = s,
                Some(Err(e)) => return usage_error(&e),
                None => return usage_error("--storage needs memory or sqlite"),
            },
            "--provisional-suites" => provisional = true,
            "-h" | "--help" => return usage_error(""),
            other => return usage_error(&format!("unknown argument {other:?}")),
        }
    }
    let Some(port) = port else {
        return usage_error("serve needs --port N");
    };
    let server = if provisional {
        interop::grpc::server::InteropServer::with_provisional_suites(&backend, storage)
    } else {
        interop::grpc::server::InteropServer::new(&backend, storage)
    };
    let server = match server {
        Ok(s) => s,
        Err(e) => return usage_error(&e),
    };
    // Loopback only: the service has no authentication and the runner runs
    // on the same machine.
    let addr = std::net::SocketAddr::from(([127, 0, 0, 1], port));
    match interop::grpc::server::run(addr, server) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// `run-scenarios --client ADDR... --config FILE... [options]`.
fn run_scenarios(mut args: impl Iterator<Item = String>) -> ExitCode {
    use interop::grpc::runner::matrix::Handshakes;
    let mut session = interop::grpc::runner::session::Session::default();
    let (mut private, mut public) = (false, false);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--client" => match args.next() {
                Some(a) => session.clients.push(a),
                None => return usage_error("--client needs host:port"),
            },
            "--config" => match args.next() {
                Some(f) => session.configs.push(PathBuf::from(f)),
                None => return usage_error("--config needs a file"),
            },
            "--suite" => match args.next().map(|s| s.parse::<u16>()) {
                Some(Ok(s)) => session.options.suite = Some(s),
                Some(Err(e)) => return usage_error(&format!("--suite: {e}")),
                None => return usage_error("--suite needs a number"),
            },
            "--private" => private = true,
            "--public" => public = true,
            "--random" => session.options.assign = interop::grpc::runner::matrix::Assign::Random,
            "--rotate" => session.options.assign = interop::grpc::runner::matrix::Assign::Rotate,
            "--fail-fast" => session.options.fail_fast = true,
            "--json" => match args.next() {
                Some(f) => session.json = Some(PathBuf::from(f)),
                None => return usage_error("--json needs a file"),
            },
            "--passive-out" => match args.next() {
                Some(d) => session.passive_out = Some(PathBuf::from(d)),
                None => return usage_error("--passive-out needs a folder"),
            },
            "-h" | "--help" => return usage_error(""),
            other => return usage_error(&format!("unknown argument {other:?}")),
        }
    }
    // Both flags, like neither, run both kinds (as the Go runner does).
    session.options.handshakes = match (private, public) {
        (true, false) => Handshakes::Private,
        (false, true) => Handshakes::Public,
        _ => Handshakes::Both,
    };
    if session.clients.is_empty() || session.configs.is_empty() {
        return usage_error("run-scenarios needs --client ADDR and --config FILE");
    }
    let mut out = std::io::stdout().lock();
    match interop::grpc::runner::session::run(&session, &mut out) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

/// Prints `message` (if any) and the usage; exit status 2.
fn usage_error(message: &str) -> ExitCode {
    if message.is_empty() {
        eprintln!("{USAGE}");
    } else {
        eprintln!("{message}\n\n{USAGE}");
    }
    ExitCode::from(2)
}

fn main() -> ExitCode {
    let mut argv = std::env::args().skip(1).peekable();
    match argv.peek().map(String::as_str) {
        Some("demo") => return demo(argv.skip(1)),
        Some("storage-corpus") => return storage_corpus(argv.skip(1)),
        Some("fetch-vectors") => return fetch_vectors(argv.skip(1)),
        Some("serve") => return serve(argv.skip(1)),
        Some("run-scenarios") => return run_scenarios(argv.skip(1)),
        _ => {}
    }
    let args = match parse(argv) {
        Ok(a) => a,
        Err(msg) => {
            eprintln!("{msg}");
            return ExitCode::from(2);
        }
    };
    let rows = match rows(&args) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    eprint!("{}", interop::report::failures(&rows));
    if args.json {
        match interop::report::json(&rows) {
            Ok(s) => println!("{s}"),
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(2);
            }
        }
    } else {
        print!("{}", interop::report::table(&rows));
    }
    if rows.iter().any(|r| r.failed > 0) {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
