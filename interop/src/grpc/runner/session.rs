//! One invocation of `mls-interop run-scenarios`: dial the clients, run
//! each config, print the summaries, write the JSON results and the
//! passive-client files.

use super::{Options, passive_json, read_config, report, run_config};
use crate::grpc::client::MlsClientConn;
use std::io::Write;
use std::path::PathBuf;

/// What the command line asked for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Session {
    /// Client addresses (`host:port`), each dialled over plain HTTP/2.
    pub clients: Vec<String>,
    /// Config files, run in order.
    pub configs: Vec<PathBuf>,
    /// How to run them.
    pub options: Options,
    /// Where to write the results JSON (`--json`).
    pub json: Option<PathBuf>,
    /// Where to write passive-client files (`--passive-out`), one
    /// `<config-stem>.json` per config.
    pub passive_out: Option<PathBuf>,
}

/// Runs the session on a new multi-threaded runtime, printing to `out`.
/// `Ok(true)` when every run passed.
pub fn run(session: &Session, out: &mut dyn Write) -> Result<bool, String> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the async runtime: {e}"))?;
    runtime.block_on(run_async(session, out))
}

/// [`run`] on the caller's runtime.
pub async fn run_async(session: &Session, out: &mut dyn Write) -> Result<bool, String> {
    if session.clients.is_empty() {
        return Err("no --client given".into());
    }
    if session.configs.is_empty() {
        return Err("no --config given".into());
    }
    // Every config is read before any client is dialled, so a typo fails
    // at once.
    let configs = session
        .configs
        .iter()
        .map(|p| read_config(p).map(|c| (p, c)))
        .collect::<Result<Vec<_>, _>>()?;
    if let Some(dir) = &session.passive_out {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    let mut pool = Vec::with_capacity(session.clients.len());
    for address in &session.clients {
        let conn = MlsClientConn::connect(address).await?;
        let _ = writeln!(
            out,
            "client {address}: {} (suites {:?})",
            conn.name(),
            conn.suites()
        );
        pool.push(conn);
    }

    let mut options = session.options;
    options.record_passive = session.passive_out.is_some();
    let mut reports = Vec::with_capacity(configs.len());
    for (path, config) in &configs {
        let name = path.display().to_string();
        let _ = writeln!(out, "config {name}");
        let report = run_config(&pool, &name, config, &options).await?;
        let _ = write!(out, "{}", report.summary());
        if let Some(dir) = &session.passive_out {
            let stem = path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_else(|| "config".into());
            let file = dir.join(format!("{stem}.json"));
            std::fs::write(&file, passive_json(&report.passive)?)
                .map_err(|e| format!("cannot write {}: {e}", file.display()))?;
            let epochs: usize = report.passive.iter().map(|c| c.epochs.len()).sum();
            let _ = writeln!(
                out,
                "  passive: {} cases, {epochs} epochs in {}",
                report.passive.len(),
                file.display()
            );
        }
        let failed = report.failed() > 0;
        reports.push(report);
        if failed && options.fail_fast {
            break;
        }
    }
    let passed: usize = reports.iter().map(report::ConfigReport::passed).sum();
    let failed: usize = reports.iter().map(report::ConfigReport::failed).sum();
    let _ = writeln!(out, "total: {passed} passed, {failed} failed");
    if let Some(file) = &session.json {
        let text = serde_json::to_string_pretty(&report::results_json(&reports))
            .map_err(|e| format!("cannot encode the results: {e}"))?;
        std::fs::write(file, text).map_err(|e| format!("cannot write {}: {e}", file.display()))?;
    }
    Ok(failed == 0)
}
