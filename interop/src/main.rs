//! `mls-interop`: the conformance runner.
//!
//! ```text
//! mls-interop conformance [--vectors DIR] [--json]
//! ```

#![forbid(unsafe_code)]

use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "usage: mls-interop conformance [--vectors DIR] [--json]

Runs the official MLS test vectors against every crypto backend.
  --vectors DIR   vector folder (default: $MLS_TEST_VECTORS, else ../shared/test-vectors)
  --json          print rows as JSON instead of a table
Exit status is non-zero when any case fails.";

struct Args {
    vectors: Option<PathBuf>,
    json: bool,
}

fn parse(mut args: impl Iterator<Item = String>) -> Result<Args, String> {
    match args.next().as_deref() {
        Some("conformance") => {}
        Some("-h" | "--help") | None => return Err(USAGE.into()),
        Some(other) => return Err(format!("unknown command {other:?}\n\n{USAGE}")),
    }
    let mut out = Args {
        vectors: None,
        json: false,
    };
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--json" => out.json = true,
            "--vectors" => {
                let dir = args.next().ok_or("--vectors needs a folder")?;
                out.vectors = Some(PathBuf::from(dir));
            }
            "-h" | "--help" => return Err(USAGE.into()),
            other => return Err(format!("unknown argument {other:?}\n\n{USAGE}")),
        }
    }
    Ok(out)
}

fn main() -> ExitCode {
    let args = match parse(std::env::args().skip(1)) {
        Ok(a) => a,
        Err(msg) => {
            eprintln!("{msg}");
            return ExitCode::from(2);
        }
    };
    let dir = match interop::vectors::locate(args.vectors.as_deref()) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let rows = match interop::conformance::run(&dir, &interop::backends::all()) {
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
