//! Side-by-side benchmark of our MLS library (on its three crypto
//! backends), OpenMLS 0.9 and mls-rs 0.57: the same operations, interleaved
//! in one process so that all see the same machine conditions. See
//! README.md for what is measured and how.
//!
//! ```text
//! cargo run --release --manifest-path bench-peers/Cargo.toml -- --sizes 10,100
//! ```
//!
//! Flags: `--sizes 10,100,1000,10000` (the default), `--libs ours,openmls`
//! (substrings of the column names), `--reps K` (samples per row and
//! library), `--rss-sizes 1000,10000` (default: the sizes of `--sizes` that
//! are at least 1,000), `--no-rss`, `--rss-wrap CMD` (run each memory
//! child under `CMD`, e.g. `heaptrack`; the child then keeps its group to
//! the end, so the profiler's leaked total is the memory after the join).

#![forbid(unsafe_code)]

mod harness;
mod lib_api;
mod mlsrs;
mod openmls_lib;
mod ours;
mod pq_interop;
mod rss;

use lib_api::Lib;

/// Every library column, in table order.
pub const LIBS: [&str; 6] = [
    "ours-rustcrypto",
    "ours-ring",
    "ours-aws-lc",
    "openmls",
    "mlsrs-rustcrypto",
    "mlsrs-awslc",
];

/// The adapter of column `name`.
pub fn make_lib(name: &str) -> Box<dyn Lib> {
    let lib: Option<Box<dyn Lib>> = match name {
        "ours-rustcrypto" => ours::Ours::new("rustcrypto").map(|l| Box::new(l) as Box<dyn Lib>),
        "ours-ring" => ours::Ours::new("ring").map(|l| Box::new(l) as Box<dyn Lib>),
        "ours-aws-lc" => ours::Ours::new("aws-lc").map(|l| Box::new(l) as Box<dyn Lib>),
        "openmls" => Some(Box::new(openmls_lib::OpenMls::default())),
        "mlsrs-rustcrypto" => mlsrs::new("rustcrypto"),
        "mlsrs-awslc" => mlsrs::new("awslc"),
        _ => None,
    };
    lib.unwrap_or_else(|| panic!("unknown library {name}"))
}

fn list(value: &str) -> Vec<usize> {
    value
        .split(',')
        .map(|s| {
            s.trim()
                .replace('_', "")
                .parse()
                .expect("a list of numbers")
        })
        .collect()
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("rss-child") {
        rss::child(&args[2..]);
        return;
    }
    if args.get(1).map(String::as_str) == Some("interop-pq") {
        pq_interop::run();
        return;
    }
    let mut sizes = vec![10, 100, 1_000, 10_000];
    let mut libs: Vec<&str> = LIBS.to_vec();
    let mut reps = None;
    let mut rss_sizes = None;
    let mut rss_wrap = None;
    let mut i = 1;
    while i < args.len() {
        let value = || args.get(i + 1).expect("a value after the flag").as_str();
        match args[i].as_str() {
            "--sizes" => sizes = list(value()),
            "--libs" => {
                let wanted: Vec<&str> = value().split(',').collect();
                libs.retain(|l| wanted.iter().any(|w| l.contains(w.trim())));
            }
            "--reps" => reps = Some(value().parse().expect("--reps K")),
            "--rss-sizes" => rss_sizes = Some(list(value())),
            "--rss-wrap" => rss_wrap = Some(value().to_string()),
            "--no-rss" => {
                rss_sizes = Some(Vec::new());
                i -= 1;
            }
            other => panic!("unknown argument {other}"),
        }
        i += 2;
    }
    let rss_sizes =
        rss_sizes.unwrap_or_else(|| sizes.iter().copied().filter(|&n| n >= 1_000).collect());
    let start = std::time::Instant::now();
    harness::machine_facts();
    let results = harness::run(&libs, &sizes, reps);
    harness::print_tables(&libs, &results);
    let rss = rss::run(&libs, &rss_sizes, rss_wrap.as_deref());
    rss::print(&libs, &rss);
    println!("\ntotal run time: {:.1} s", start.elapsed().as_secs_f64());
}
