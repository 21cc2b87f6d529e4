//! `mls-interop run-scenarios`: the MLS working group's interop scenario
//! runner, in Rust. It drives `MLSClient` gRPC servers (ours from
//! `mls-interop serve`, or any other implementation's) through the
//! scripts of the working group's configs and checks that they agree.
//!
//! * [`config`]: the config format (`{"scripts": {...}, "mode"?}`).
//! * [`matrix`]: which runs a script gets (suite × handshake flag ×
//!   assignment of actors to clients).
//! * The steps run as the working group's Go runner runs them; every RPC
//!   error or disagreement fails the run at that step, and every handle
//!   the run obtained is then freed with `Free` (a failed `Free` fails the
//!   run too).
//! * [`report`]: the results, as a summary and as the Go runner's JSON.
//! * [`passive`]: passive-client test vectors recorded from passing runs
//!   (`--passive-out`).
//! * [`session`]: one command-line invocation over several configs.
//!
//! ```no_run
//! # async fn example() -> Result<(), String> {
//! use interop::grpc::client::MlsClientConn;
//! use interop::grpc::runner::{self, Options};
//! let pool = vec![MlsClientConn::connect("127.0.0.1:50051").await?];
//! let config = runner::config::parse(br#"{"scripts": {"one": [
//!     {"action": "createGroup", "actor": "alice", "members": ["bob"]}]}}"#)?;
//! let report = runner::run_config(&pool, "inline", &config, &Options::default()).await?;
//! assert_eq!(report.failed(), 0);
//! # Ok(()) }
//! ```

pub mod config;
pub mod matrix;
pub mod passive;
pub mod report;
mod run;
pub mod session;
mod steps;

pub use run::Failure;

use crate::grpc::client::MlsClientConn;
use config::{Config, Mode};
use matrix::Handshakes;
use passive::PassiveCase;
use report::{ConfigReport, RunResult, ScriptReport};
use std::collections::{HashMap, HashSet};

/// How to run a config.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Options {
    /// Only this suite (`--suite N`).
    pub suite: Option<u16>,
    /// Which handshake flags (`--private`, `--public`).
    pub handshakes: Handshakes,
    /// How actors are assigned to clients (`--random`, `--rotate`; the
    /// config's `mode: random` turns `All` into `Random`).
    pub assign: matrix::Assign,
    /// Stop at the first failed run (`--fail-fast`).
    pub fail_fast: bool,
    /// Record passive-client cases (`--passive-out`).
    pub record_passive: bool,
}

/// Runs every script of `config` on `pool`. `name` names the config in
/// the report. An error means nothing could run (no client supports the
/// suite asked for, or the matrix is too large); failed runs are in the
/// report.
pub async fn run_config(
    pool: &[MlsClientConn],
    name: &str,
    config: &Config,
    options: &Options,
) -> Result<ConfigReport, String> {
    let client_suites: Vec<&[u16]> = pool.iter().map(MlsClientConn::suites).collect();
    let assign = match (options.assign, config.mode) {
        (matrix::Assign::All, Mode::Random) => matrix::Assign::Random,
        (assign, _) => assign,
    };
    let mut report = ConfigReport {
        name: name.to_string(),
        scripts: Vec::new(),
        passive: Vec::new(),
    };
    // At most one passive case per script, suite, flag and actor.
    let mut recorded: HashSet<(String, u16, bool, String)> = HashSet::new();
    for (script_name, script) in &config.scripts {
        let actors = script.actors();
        let runs = matrix::assignments(
            &client_suites,
            actors.len(),
            options.suite,
            options.handshakes,
            assign,
            &mut matrix::random_below,
        )
        .map_err(|e| format!("script {script_name:?}: {e}"))?;
        let mut results = Vec::with_capacity(runs.len());
        let mut stop = false;
        for assignment in runs {
            let mut by_actor: HashMap<String, &MlsClientConn> = HashMap::new();
            let mut named = Vec::with_capacity(actors.len());
            for (actor, &client) in actors.iter().zip(&assignment.clients) {
                let conn = pool
                    .get(client)
                    .ok_or_else(|| format!("no client {client} in the pool"))?;
                by_actor.insert(actor.clone(), conn);
                named.push((actor.clone(), conn.name().to_string()));
            }
            let outcome = run::Run::new(
                assignment.suite,
                assignment.encrypt,
                by_actor,
                script.steps.len(),
                options.record_passive,
            )
            .execute(script)
            .await;
            for (actor, case) in outcome.passive {
                let key = (
                    script_name.clone(),
                    assignment.suite,
                    assignment.encrypt,
                    actor,
                );
                if recorded.insert(key) {
                    report.passive.push(case);
                }
            }
            stop = options.fail_fast && outcome.failure.is_some();
            results.push(RunResult {
                suite: assignment.suite,
                encrypt: assignment.encrypt,
                actors: named,
                failure: outcome.failure,
            });
            if stop {
                break;
            }
        }
        report.scripts.push(ScriptReport {
            name: script_name.clone(),
            runs: results,
        });
        if stop {
            break;
        }
    }
    Ok(report)
}

/// Passive cases as the JSON array FORMATS.md describes.
pub fn passive_json(cases: &[PassiveCase]) -> Result<String, String> {
    serde_json::to_string_pretty(cases).map_err(|e| format!("cannot encode passive cases: {e}"))
}

/// Reads a config file, at most [`config::MAX_CONFIG_BYTES`] of it.
pub fn read_config(path: &std::path::Path) -> Result<Config, String> {
    use std::io::Read as _;
    let file =
        std::fs::File::open(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let mut text = Vec::new();
    let limit = u64::try_from(config::MAX_CONFIG_BYTES)
        .unwrap_or(u64::MAX)
        .saturating_add(1);
    file.take(limit)
        .read_to_end(&mut text)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    config::parse(&text).map_err(|e| format!("{}: {e}", path.display()))
}
