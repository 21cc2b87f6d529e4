//! The timed rows, run interleaved across libraries, and their tables.

use crate::lib_api::{Lib, Member};
use crate::make_lib;
use std::collections::BTreeMap;
use std::hint::black_box;
use std::time::{Duration, Instant};

/// Wall time one sample runs for at least (iterations are repeated until
/// it has passed; a single iteration may take longer).
const SAMPLE: Duration = Duration::from_millis(200);
const MESSAGE_LEN: usize = 1024;

/// The rows, in table order.
pub const ROWS: [&str; 11] = [
    "1. KeyPackage generation (serialized)",
    "2. Add N-1 members in one commit: create (parse KeyPackages, commit + Welcome, serialize)",
    "3. Add N-1 members: creator's merge",
    "4. Join from the Welcome (last-added member, tree in the Welcome)",
    "5. Full commit (empty, with path): create",
    "6. Full commit: process incl. merge (leaf 1)",
    "7a. Remove one member: create",
    "7b. Remove one member: process incl. merge (leaf 1)",
    "8a. Application message 1 KiB, group of 10: encrypt",
    "8b. Application message 1 KiB, group of 10: decrypt",
    "",
];

/// Seconds per operation: `(row, N)` → one list of samples per library.
pub type Results = BTreeMap<(usize, usize), Vec<Vec<f64>>>;

/// One library's state for one size.
struct Fixture {
    lib: Box<dyn Lib>,
    n: usize,
    /// Leaf 0.
    creator: Member,
    /// KeyPackages of leaves 1..N-1; the last is replaced by a fresh
    /// joiner's before every add.
    key_packages: Vec<Vec<u8>>,
    /// Members whose KeyPackage is in `key_packages` and that join the
    /// final group: leaf 1 (the receiver) and the populating leaves.
    keep: Vec<(usize, Member)>,
    /// The last joiner (leaf N-1) and its Welcome.
    joiner: Option<Member>,
    welcome: Vec<u8>,
    /// Leaf 1, once joined.
    receiver: Option<Member>,
}

/// Leaves 2^k and (N-1) xor 2^k (k ≥ 1): their UpdatePaths fill the
/// copaths of leaf 0 (the committer) and of leaf N-1 (the member row 7
/// removes, so the nodes its removal blanks resolve to one node per level),
/// as in a long-lived group.
pub fn populating_leaves(n: usize) -> Vec<usize> {
    let mut leaves = Vec::new();
    for k in 1..usize::BITS {
        if 1usize << k >= n.next_power_of_two() {
            break;
        }
        for leaf in [1usize << k, (n - 1) ^ (1usize << k)] {
            if leaf > 1 && leaf < n - 1 && !leaves.contains(&leaf) {
                leaves.push(leaf);
            }
        }
    }
    leaves
}

/// Runs `f` until [`SAMPLE`] has passed (at least once); the mean of each
/// of its timed parts, in seconds.
fn sample<const K: usize>(mut f: impl FnMut() -> [Duration; K]) -> [f64; K] {
    let start = Instant::now();
    let mut sums = [Duration::ZERO; K];
    let mut iterations = 0u32;
    loop {
        for (sum, d) in sums.iter_mut().zip(f()) {
            *sum += d;
        }
        iterations += 1;
        if start.elapsed() >= SAMPLE {
            break;
        }
    }
    sums.map(|s| s.as_secs_f64() / f64::from(iterations))
}

fn timed<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let start = Instant::now();
    let t = f();
    (t, start.elapsed())
}

fn setup(name: &str, n: usize) -> Fixture {
    let start = Instant::now();
    let mut lib = make_lib(name);
    let creator = lib.new_member("member 0");
    let wanted: Vec<usize> = std::iter::once(1).chain(populating_leaves(n)).collect();
    let mut keep = Vec::new();
    let mut key_packages = Vec::with_capacity(n - 1);
    for leaf in 1..n - 1 {
        let m = lib.new_member(&format!("member {leaf}"));
        key_packages.push(lib.key_package(m));
        if wanted.contains(&leaf) {
            keep.push((leaf, m));
        } else {
            lib.drop_member(m);
        }
    }
    key_packages.push(Vec::new());
    eprintln!(
        "setup {name} N={n}: {} clients and KeyPackages in {:.2} s",
        n - 1,
        start.elapsed().as_secs_f64()
    );
    Fixture {
        lib,
        n,
        creator,
        key_packages,
        keep,
        joiner: None,
        welcome: Vec::new(),
        receiver: None,
    }
}

fn row_keypackage(f: &mut Fixture) -> [f64; 1] {
    let lib = &mut f.lib;
    let m = lib.new_member("kp");
    let r = sample(|| [timed(|| black_box(lib.key_package(m))).1]);
    lib.drop_member(m);
    r
}

/// Rows 2-4: create a group, add N-1 (the last a fresh joiner), merge,
/// join as the last-added member; checks the joiner agrees.
fn row_add_join(f: &mut Fixture) -> [f64; 3] {
    let n = f.n;
    sample(|| {
        let lib = &mut f.lib;
        let joiner = lib.new_member(&format!("member {}", n - 1));
        f.key_packages[n - 2] = lib.key_package(joiner);
        lib.drop_group(f.creator);
        lib.create_group(f.creator);
        let ((_commit, welcome), add) = timed(|| lib.add(f.creator, &f.key_packages));
        let ((), merge) = timed(|| lib.merge_pending(f.creator));
        let ((), join) = timed(|| lib.join(joiner, &welcome));
        assert_eq!(lib.leaf_index(joiner) as usize, n - 1);
        assert_eq!(
            lib.epoch_authenticator(joiner),
            lib.epoch_authenticator(f.creator),
            "{}: joiner and creator disagree",
            lib.name()
        );
        if let Some(old) = f.joiner.replace(joiner) {
            lib.drop_member(old);
        }
        f.welcome = welcome;
        [add, merge, join]
    })
}

/// Untimed: leaf 1 and the populating leaves join the last group; each
/// populating leaf commits an UpdatePath that everyone processes.
fn populate(f: &mut Fixture) {
    let start = Instant::now();
    let lib = &mut f.lib;
    for &(leaf, m) in &f.keep {
        lib.join(m, &f.welcome);
        assert_eq!(lib.leaf_index(m) as usize, leaf);
    }
    if let Some(j) = f.joiner.take() {
        lib.drop_member(j);
    }
    let mut holders: Vec<Member> = std::iter::once(f.creator)
        .chain(f.keep.iter().map(|&(_, m)| m))
        .collect();
    let mut largest = 0;
    for &(leaf, committer) in &f.keep {
        if leaf == 1 {
            continue;
        }
        let commit = lib.self_update(committer);
        largest = largest.max(commit.len());
        lib.merge_pending(committer);
        for &m in &holders {
            if m != committer {
                lib.process_commit(m, &commit);
            }
        }
    }
    let receiver = f
        .keep
        .iter()
        .find(|(leaf, _)| *leaf == 1)
        .expect("leaf 1")
        .1;
    for &(leaf, m) in &f.keep {
        if leaf != 1 {
            lib.drop_member(m);
        }
    }
    holders.retain(|&m| m == f.creator || m == receiver);
    f.keep.clear();
    f.receiver = Some(receiver);
    // One steady-state commit, to show its size (one HPKE ciphertext per
    // copath level when the copath is populated).
    let probe = lib.self_update(f.creator);
    lib.merge_pending(f.creator);
    lib.process_commit(receiver, &probe);
    agree(f);
    eprintln!(
        "populate {} N={}: {} joins and {} commits (largest {} B) in {:.2} s; full commit now {} B",
        f.lib.name(),
        f.n,
        holders.len() - 1 + populating_leaves(f.n).len(),
        populating_leaves(f.n).len(),
        largest,
        start.elapsed().as_secs_f64(),
        probe.len()
    );
}

fn agree(f: &Fixture) {
    let receiver = f.receiver.expect("receiver");
    assert_eq!(
        f.lib.epoch_authenticator(f.creator),
        f.lib.epoch_authenticator(receiver),
        "{}: creator and receiver disagree",
        f.lib.name()
    );
}

/// Rows 5-6: leaf 0 commits (timed), merges (untimed), leaf 1 processes
/// and merges (timed).
fn row_commit(f: &mut Fixture) -> [f64; 2] {
    let receiver = f.receiver.expect("receiver");
    let lib = &mut f.lib;
    let creator = f.creator;
    let r = sample(|| {
        let (commit, create) = timed(|| lib.self_update(creator));
        lib.merge_pending(creator);
        let ((), process) = timed(|| lib.process_commit(receiver, &commit));
        [create, process]
    });
    agree(f);
    r
}

/// Row 7: leaf 0 removes leaf N-1 (timed), merges, leaf 1 processes
/// (timed); then, untimed, leaf 0 adds a fresh client back at leaf N-1.
fn row_remove(f: &mut Fixture) -> [f64; 2] {
    let receiver = f.receiver.expect("receiver");
    let lib = &mut f.lib;
    let (creator, n) = (f.creator, f.n);
    let r = sample(|| {
        let (commit, create) = timed(|| lib.remove(creator, (n - 1) as u32));
        lib.merge_pending(creator);
        let ((), process) = timed(|| lib.process_commit(receiver, &commit));
        let again = lib.new_member(&format!("member {}", n - 1));
        let kp = lib.key_package(again);
        let (add, _welcome) = lib.add(creator, &[kp]);
        lib.merge_pending(creator);
        lib.process_commit(receiver, &add);
        lib.drop_member(again);
        [create, process]
    });
    agree(f);
    r
}

/// Row 8: leaf 0 encrypts 1 KiB messages for [`SAMPLE`] (timed), leaf 1
/// decrypts them in order (timed) and checks the data.
fn row_app(f: &mut Fixture) -> [f64; 2] {
    let receiver = f.receiver.expect("receiver");
    let lib = &mut f.lib;
    let data = vec![0x42u8; MESSAGE_LEN];
    let mut messages = Vec::new();
    let start = Instant::now();
    let mut encrypt = Duration::ZERO;
    while start.elapsed() < SAMPLE {
        let (m, d) = timed(|| lib.encrypt(f.creator, &data));
        encrypt += d;
        messages.push(m);
    }
    let mut decrypt = Duration::ZERO;
    for m in &messages {
        let (plain, d) = timed(|| lib.decrypt(receiver, m));
        decrypt += d;
        assert_eq!(plain, data, "{}: wrong plaintext", lib.name());
    }
    let count = messages.len() as f64;
    [encrypt.as_secs_f64() / count, decrypt.as_secs_f64() / count]
}

/// `reps` rounds of `f` over every library in turn.
fn interleave(fixtures: &mut [Fixture], reps: usize, f: &mut dyn FnMut(usize, &mut Fixture)) {
    for _ in 0..reps {
        for (i, fixture) in fixtures.iter_mut().enumerate() {
            f(i, fixture);
        }
    }
}

fn default_reps(n: usize) -> usize {
    match n {
        0..=100 => 7,
        101..=1_000 => 5,
        _ => 2,
    }
}

/// Runs every row for every size, interleaving the libraries sample by
/// sample.
pub fn run(libs: &[&str], sizes: &[usize], reps: Option<usize>) -> Results {
    let mut results = Results::new();
    for &n in sizes {
        assert!(n >= 4, "sizes start at 4");
        let size_start = Instant::now();
        let reps = reps.unwrap_or_else(|| default_reps(n));
        let mut fixtures: Vec<Fixture> = libs.iter().map(|name| setup(name, n)).collect();
        let mut record = |row: usize, lib: usize, value: f64| {
            results
                .entry((row, n))
                .or_insert_with(|| vec![Vec::new(); libs.len()])[lib]
                .push(value);
        };
        interleave(&mut fixtures, reps, &mut |i, f| {
            let [kp] = row_keypackage(f);
            record(0, i, kp);
        });
        interleave(&mut fixtures, reps, &mut |i, f| {
            let [add, merge, join] = row_add_join(f);
            record(1, i, add);
            record(2, i, merge);
            record(3, i, join);
        });
        eprintln!(
            "N={n}: rows 1-4 done after {:.1} s",
            size_start.elapsed().as_secs_f64()
        );
        for f in fixtures.iter_mut() {
            populate(f);
        }
        interleave(&mut fixtures, reps, &mut |i, f| {
            let [create, process] = row_commit(f);
            record(4, i, create);
            record(5, i, process);
        });
        interleave(&mut fixtures, reps, &mut |i, f| {
            let [create, process] = row_remove(f);
            record(6, i, create);
            record(7, i, process);
        });
        if n == 10 {
            interleave(&mut fixtures, reps, &mut |i, f| {
                let [encrypt, decrypt] = row_app(f);
                record(8, i, encrypt);
                record(9, i, decrypt);
            });
        }
        eprintln!(
            "N={n}: done in {:.1} s ({reps} samples per row and library)",
            size_start.elapsed().as_secs_f64()
        );
    }
    results
}

fn median(samples: &[f64]) -> f64 {
    let mut s = samples.to_vec();
    s.sort_by(f64::total_cmp);
    let mid = s.len() / 2;
    if s.len() % 2 == 1 {
        s[mid]
    } else {
        (s[mid - 1] + s[mid]) / 2.0
    }
}

fn min(samples: &[f64]) -> f64 {
    samples.iter().copied().fold(f64::INFINITY, f64::min)
}

/// A duration in the unit that suits it.
pub fn fmt_time(secs: f64) -> String {
    if secs >= 1.0 {
        format!("{secs:.2} s")
    } else if secs >= 1e-3 {
        format!("{:.2} ms", secs * 1e3)
    } else {
        format!("{:.1} µs", secs * 1e6)
    }
}

/// Best of ours ÷ best peer, by median (below 1: ours is faster).
fn ratio(libs: &[&str], medians: &[Option<f64>]) -> String {
    let best = |ours: bool| {
        libs.iter()
            .zip(medians)
            .filter(|(name, _)| name.starts_with("ours") == ours)
            .filter_map(|(_, m)| *m)
            .fold(None, |acc: Option<f64>, m| {
                Some(acc.map_or(m, |a| a.min(m)))
            })
    };
    match (best(true), best(false)) {
        (Some(o), Some(p)) => format!("{:.2}", o / p),
        _ => "–".into(),
    }
}

/// One Markdown table per row: median (min) per library, and the ratio.
pub fn print_tables(libs: &[&str], results: &Results) {
    println!(
        "\nCells: median (min) per operation over the samples; application rows also show messages/s at the median. `ratio` = best of ours ÷ best peer (medians; < 1 means ours is faster)."
    );
    for (row, title) in ROWS.iter().enumerate() {
        let entries: Vec<_> = results.range((row, 0)..(row + 1, 0)).collect();
        if entries.is_empty() {
            continue;
        }
        println!("\n### {title}\n");
        println!("| N | {} | ratio |", libs.join(" | "));
        println!("|---|{}---|", "---|".repeat(libs.len()));
        for ((_, n), per_lib) in entries {
            let medians: Vec<Option<f64>> = per_lib
                .iter()
                .map(|s| (!s.is_empty()).then(|| median(s)))
                .collect();
            let cells: Vec<String> = per_lib
                .iter()
                .zip(&medians)
                .map(|(s, m)| match m {
                    None => "–".into(),
                    Some(m) if row >= 8 => {
                        format!(
                            "{} ({}, {:.0}k msg/s)",
                            fmt_time(*m),
                            fmt_time(min(s)),
                            1e-3 / m
                        )
                    }
                    Some(m) => format!("{} ({})", fmt_time(*m), fmt_time(min(s))),
                })
                .collect();
            println!(
                "| {n} | {} | {} |",
                cells.join(" | "),
                ratio(libs, &medians)
            );
        }
    }
}

/// Machine facts for the report.
pub fn machine_facts() {
    let nproc = std::thread::available_parallelism().map_or(0, |n| n.get());
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with("model name"))
        .and_then(|l| l.split(':').nth(1))
        .unwrap_or("?")
        .trim()
        .to_string();
    let commit = std::process::Command::new("git")
        .args(["rev-parse", "--short", "HEAD"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map_or("?".into(), |o| {
            String::from_utf8_lossy(&o.stdout).trim().to_string()
        });
    println!("## Machine");
    println!();
    println!("- CPU: {cpu}, nproc {nproc}");
    println!("- load average at start: {}", load.trim());
    println!("- git commit: {commit}");
    println!(
        "- RAYON_NUM_THREADS: {} (ours joins with rayon through mls-core's `parallel` feature; mls-rs has its default `rayon` feature)",
        std::env::var("RAYON_NUM_THREADS").unwrap_or_else(|_| "unset".into())
    );
    println!(
        "- suite 1 (X25519, AES-128-GCM, SHA-256, Ed25519), basic credentials, PublicMessage handshakes, no padding, ratchet tree in the Welcome, a path on every commit"
    );
}
