//! Memory of a member joining a large group, each join in a fresh process.
//!
//! The parent spawns `bench-peers rss-child <lib> <N> <dir>`. The child
//! makes its client and one KeyPackage (its private keys stay in the
//! child's storage), writes the KeyPackage to `<dir>/kp` and says so. The
//! parent, in its own address space, makes N-2 other clients and their
//! KeyPackages, creates a group and adds all N-1 (the child's last) in one
//! commit, and writes the Welcome to `<dir>/welcome`. The child reads the
//! Welcome file, notes VmRSS and VmHWM from /proc/self/status, joins
//! (parsing included) and notes them again, with the group alive. The
//! creator's state never touches the child, and every library goes
//! through the same steps.

use crate::harness::fmt_time;
use crate::make_lib;
use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Instant;

/// kB from /proc/self/status: (VmRSS, VmHWM).
fn status() -> (u64, u64) {
    let text = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    let field = |name: &str| {
        text.lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse().ok())
            .expect("a status field")
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// The child: `<lib> <N> <dir>`.
pub fn child(args: &[String]) {
    let [name, n, dir] = args else {
        panic!("rss-child <lib> <N> <dir>")
    };
    let n: usize = n.parse().expect("N");
    let dir = PathBuf::from(dir);
    let mut lib = make_lib(name);
    let m = lib.new_member(&format!("member {}", n - 1));
    let kp = lib.key_package(m);
    std::fs::write(dir.join("kp"), kp).expect("write kp");
    println!("kp-ready");
    let mut line = String::new();
    std::io::stdin().read_line(&mut line).expect("go");
    let welcome = std::fs::read(dir.join("welcome")).expect("read welcome");
    let (rss0, hwm0) = status();
    let start = Instant::now();
    lib.join(m, &welcome);
    let took = start.elapsed().as_secs_f64();
    let (rss1, hwm1) = status();
    assert_eq!(lib.leaf_index(m) as usize, n - 1);
    println!("rss {rss0} {hwm0} {rss1} {hwm1} {took}");
    if std::env::var_os(KEEP).is_some() {
        std::mem::forget(lib);
    }
}

/// One measurement, kB (and the join's time).
#[derive(Clone, Copy)]
pub struct Rss {
    rss_before: u64,
    hwm_before: u64,
    rss_after: u64,
    hwm_after: u64,
    join_secs: f64,
}

/// Set in a wrapped child (`--rss-wrap`): the joined group is leaked at
/// exit, so a heap profiler's "leaked" total is the memory held after
/// the join.
const KEEP: &str = "BENCH_PEERS_KEEP_AFTER_JOIN";

/// Reads lines until one satisfies `done` (a wrapper such as heaptrack
/// prints its own lines on the child's stdout).
fn read_until(out: &mut impl BufRead, line: &mut String, done: impl Fn(&str) -> bool) {
    loop {
        line.clear();
        let read = out.read_line(line).expect("child output");
        assert!(read > 0, "the child ended early");
        if done(line.trim()) {
            return;
        }
    }
}

fn measure(name: &str, n: usize, wrap: Option<&str>) -> Rss {
    let dir = std::env::temp_dir().join(format!("bench-peers-{}-{name}-{n}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let exe = std::env::current_exe().expect("own path");
    let mut command = match wrap {
        Some(wrapper) => {
            let mut c = Command::new(wrapper);
            c.arg(exe).env(KEEP, "1");
            c
        }
        None => Command::new(exe),
    };
    let mut child = command
        .args(["rss-child", name, &n.to_string()])
        .arg(&dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn child");
    let mut out = BufReader::new(child.stdout.take().expect("stdout"));
    let mut line = String::new();
    read_until(&mut out, &mut line, |l| l == "kp-ready");
    let joiner_kp = std::fs::read(dir.join("kp")).expect("kp");
    {
        let mut lib = make_lib(name);
        let creator = lib.new_member("member 0");
        let mut kps: Vec<Vec<u8>> = (1..n - 1)
            .map(|leaf| {
                let m = lib.new_member(&format!("member {leaf}"));
                let kp = lib.key_package(m);
                lib.drop_member(m);
                kp
            })
            .collect();
        kps.push(joiner_kp);
        lib.create_group(creator);
        let (_commit, welcome) = lib.add(creator, &kps);
        std::fs::write(dir.join("welcome"), welcome).expect("write welcome");
    }
    let mut stdin = child.stdin.take().expect("stdin");
    writeln!(stdin, "go").expect("tell child");
    read_until(&mut out, &mut line, |l| l.starts_with("rss "));
    let status = child.wait().expect("child exit");
    assert!(status.success(), "child {name} N={n} failed");
    let _ = std::fs::remove_dir_all(&dir);
    let v: Vec<&str> = line.split_whitespace().collect();
    assert_eq!(v.first(), Some(&"rss"), "child said {line:?}");
    let k = |i: usize| v[i].parse::<u64>().expect("kB");
    Rss {
        rss_before: k(1),
        hwm_before: k(2),
        rss_after: k(3),
        hwm_after: k(4),
        join_secs: v[5].parse().expect("secs"),
    }
}

/// One joiner process per library and size.
pub fn run(libs: &[&str], sizes: &[usize], wrap: Option<&str>) -> Vec<(usize, Vec<Rss>)> {
    sizes
        .iter()
        .map(|&n| {
            let row = libs
                .iter()
                .map(|name| {
                    let start = Instant::now();
                    let r = measure(name, n, wrap);
                    eprintln!(
                        "rss {name} N={n}: {:.1} s (join {:.2} s)",
                        start.elapsed().as_secs_f64(),
                        r.join_secs
                    );
                    r
                })
                .collect();
            (n, row)
        })
        .collect()
}

fn mib(kb: u64) -> String {
    format!("{:.1}", kb as f64 / 1024.0)
}

/// The memory tables.
pub fn print(libs: &[&str], rows: &[(usize, Vec<Rss>)]) {
    if rows.is_empty() {
        return;
    }
    println!("\n### 9. Memory of a member joining a group of N (fresh process per cell; MiB)\n");
    println!(
        "Cell: RSS after join / peak (VmHWM) — delta over the RSS just before the join: +RSS / +peak; join time.\n"
    );
    println!("| N | {} | ratio (+peak) |", libs.join(" | "));
    println!("|---|{}---|", "---|".repeat(libs.len()));
    for (n, row) in rows {
        let cells: Vec<String> = row
            .iter()
            .map(|r| {
                format!(
                    "{} / {} — +{} / +{}; {}",
                    mib(r.rss_after),
                    mib(r.hwm_after.max(r.hwm_before)),
                    mib(r.rss_after.saturating_sub(r.rss_before)),
                    mib(r.hwm_after.saturating_sub(r.rss_before)),
                    fmt_time(r.join_secs)
                )
            })
            .collect();
        let best = |ours: bool| {
            libs.iter()
                .zip(row)
                .filter(|(name, _)| name.starts_with("ours") == ours)
                .map(|(_, r)| r.hwm_after.saturating_sub(r.rss_before))
                .min()
        };
        let ratio = match (best(true), best(false)) {
            (Some(o), Some(p)) if p > 0 => format!("{:.2}", o as f64 / p as f64),
            _ => "–".into(),
        };
        println!("| {n} | {} | {ratio} |", cells.join(" | "));
    }
}
