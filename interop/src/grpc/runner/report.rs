//! What the runner reports: per config and script, the runs that passed
//! and failed, for people (a summary with failure details) and machines
//! (the Go runner's results JSON).

use super::passive::PassiveCase;
use super::run::Failure;
use serde_json::{Map, Value, json};
use std::fmt::Write as _;

/// One run of a script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunResult {
    /// The cipher suite it started on.
    pub suite: u16,
    /// Whether handshakes were PrivateMessages.
    pub encrypt: bool,
    /// Each actor and the name of the client that played it, in the
    /// script's actor order.
    pub actors: Vec<(String, String)>,
    /// `None` if it passed.
    pub failure: Option<Failure>,
}

/// The runs of one script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScriptReport {
    /// The script's name in the config.
    pub name: String,
    /// Its runs, in matrix order.
    pub runs: Vec<RunResult>,
}

/// The runs of one config, and the passive cases recorded from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigReport {
    /// The config's name (its path as given).
    pub name: String,
    /// Its scripts, by name.
    pub scripts: Vec<ScriptReport>,
    /// Passive-client cases, when recording was asked for.
    pub passive: Vec<PassiveCase>,
}

impl ScriptReport {
    /// Runs that passed.
    pub fn passed(&self) -> usize {
        self.runs.iter().filter(|r| r.failure.is_none()).count()
    }

    /// Runs that failed.
    pub fn failed(&self) -> usize {
        self.runs.len().saturating_sub(self.passed())
    }
}

impl ConfigReport {
    /// Runs that passed, over every script.
    pub fn passed(&self) -> usize {
        self.scripts.iter().map(ScriptReport::passed).sum()
    }

    /// Runs that failed, over every script.
    pub fn failed(&self) -> usize {
        self.scripts.iter().map(ScriptReport::failed).sum()
    }

    /// The Go runner's results object:
    /// `{"scripts": {name: [{"cipher_suite", "actors", "encrypt_flag",
    /// "error"?, "failed_step"?, "failed_step_json"?}]}}`. The Go
    /// runner's `transcript` of RPCs is not produced: each error names
    /// the actor and RPC that failed instead.
    pub fn to_json(&self) -> Value {
        let mut scripts = Map::new();
        for script in &self.scripts {
            let runs = script.runs.iter().map(run_json).collect();
            scripts.insert(script.name.clone(), Value::Array(runs));
        }
        json!({ "scripts": scripts })
    }

    /// The human summary: a line per script, the failures, a line for the
    /// config.
    pub fn summary(&self) -> String {
        let mut out = String::new();
        for script in &self.scripts {
            let _ = writeln!(
                out,
                "  {}: {} passed, {} failed",
                script.name,
                script.passed(),
                script.failed()
            );
            for run in &script.runs {
                if let Some(f) = &run.failure {
                    let actors: Vec<String> = run
                        .actors
                        .iter()
                        .map(|(actor, client)| format!("{actor}={client}"))
                        .collect();
                    let _ = writeln!(
                        out,
                        "    FAIL {} suite {} {} [{}] step {} {}: {}",
                        script.name,
                        run.suite,
                        if run.encrypt { "private" } else { "public" },
                        actors.join(", "),
                        f.step,
                        f.step_json,
                        f.error
                    );
                }
            }
        }
        let _ = writeln!(
            out,
            "{}: {} passed, {} failed",
            self.name,
            self.passed(),
            self.failed()
        );
        out
    }
}

fn run_json(run: &RunResult) -> Value {
    let actors: Map<String, Value> = run
        .actors
        .iter()
        .map(|(a, c)| (a.clone(), Value::String(c.clone())))
        .collect();
    let mut out = Map::new();
    out.insert("cipher_suite".into(), json!(run.suite));
    out.insert("actors".into(), Value::Object(actors));
    out.insert("encrypt_flag".into(), json!(run.encrypt));
    if let Some(f) = &run.failure {
        out.insert("error".into(), json!(f.error));
        out.insert("failed_step".into(), json!(f.step));
        out.insert("failed_step_json".into(), json!(f.step_json));
    }
    Value::Object(out)
}

/// Every config's results in one JSON document: the Go runner's object
/// for a single config, else an object from each config's name to its
/// object.
pub fn results_json(reports: &[ConfigReport]) -> Value {
    match reports {
        [one] => one.to_json(),
        many => Value::Object(many.iter().map(|r| (r.name.clone(), r.to_json())).collect()),
    }
}
