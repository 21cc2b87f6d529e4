//! In-process `MLSClient` servers for the scenario-runner tests: each on a
//! loopback port, on the runtime of the test, stopped when dropped.

// Each test binary that includes this module uses a part of it.
#![allow(dead_code)]

use interop::grpc::client::MlsClientConn;
use interop::grpc::server::{InteropServer, ServerHandle, StorageChoice, serve};

/// The three backends, one with SQLite storage so a run also goes
/// through the stored-state encoding.
pub(crate) const SERVERS: [(&str, StorageChoice); 3] = [
    ("rustcrypto", StorageChoice::Memory),
    ("ring", StorageChoice::Sqlite),
    ("awslc", StorageChoice::Memory),
];

/// Running servers; dropping this stops them.
pub(crate) struct Servers {
    pub(crate) pool: Vec<MlsClientConn>,
    handles: Vec<ServerHandle>,
    _stop: Vec<tokio::sync::oneshot::Sender<()>>,
}

impl Servers {
    /// How many ids (states, transactions, reinits, signers) the servers
    /// still hold: 0 once the runner has freed everything.
    pub(crate) fn held(&self) -> usize {
        self.handles.iter().map(ServerHandle::held).sum()
    }
}

/// Starts one server per entry of `servers` and connects to each.
pub(crate) async fn start(servers: &[(&str, StorageChoice)]) -> Servers {
    let mut pool = Vec::new();
    let mut stop = Vec::new();
    let mut handles = Vec::new();
    for &(backend, storage) in servers {
        let server = InteropServer::new(backend, storage)
            .unwrap_or_else(|e| panic!("backend {backend}: {e}"));
        handles.push(server.handle());
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
            .await
            .expect("bind a loopback port");
        let addr = listener.local_addr().expect("bound address");
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(async move {
            let shutdown = async {
                let _ = rx.await;
            };
            if let Err(e) = serve(listener, server, shutdown).await {
                eprintln!("server on {addr} failed: {e}");
            }
        });
        pool.push(
            MlsClientConn::connect(&addr.to_string())
                .await
                .unwrap_or_else(|e| panic!("{e}")),
        );
        stop.push(tx);
    }
    Servers {
        pool,
        handles,
        _stop: stop,
    }
}

/// A multi-threaded runtime for a test.
pub(crate) fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime")
}

/// The suites backend `name` implements, as the runner will see them.
pub(crate) fn suites_of(name: &str) -> Vec<u16> {
    let server = InteropServer::new(name, StorageChoice::Memory).expect("backend");
    interop::clients::crypto(server.backend())
        .expect("backend by name")
        .supported_cipher_suites()
        .into_iter()
        .map(|s| s.code())
        .collect()
}

/// Runs of a script with `actors` actors on `servers`, restricted to
/// `only` if given: per suite, (servers supporting it)^actors, times two
/// handshake flags.
pub(crate) fn expected_runs(
    servers: &[(&str, StorageChoice)],
    actors: u32,
    only: Option<u16>,
) -> usize {
    let per_server: Vec<Vec<u16>> = servers.iter().map(|(b, _)| suites_of(b)).collect();
    let mut suites: Vec<u16> = per_server.iter().flatten().copied().collect();
    suites.sort_unstable();
    suites.dedup();
    suites
        .into_iter()
        .filter(|s| only.is_none_or(|o| o == *s))
        .map(|s| {
            per_server
                .iter()
                .filter(|p| p.contains(&s))
                .count()
                .pow(actors)
                * 2
        })
        .sum()
}
