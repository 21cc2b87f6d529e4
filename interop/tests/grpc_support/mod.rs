//! In-process `MLSClient` servers for the gRPC tests (the server's and the
//! scenario runner's): each on a loopback port, on the runtime of the
//! test, stopped when dropped; and raw unary calls.

// Each test binary that includes this module uses a part of it.
#![allow(dead_code)]

use interop::grpc::client::MlsClientConn;
use interop::grpc::server::{InteropServer, ServerHandle, StorageChoice, serve};
use interop::grpc::service::SERVICE_NAME;
use std::net::SocketAddr;
use tonic::transport::Channel;
use tonic::{Request, Status};

/// The three backends, one with SQLite storage so a run also goes
/// through the stored-state encoding.
pub(crate) const SERVERS: [(&str, StorageChoice); 3] = [
    ("rustcrypto", StorageChoice::Memory),
    ("ring", StorageChoice::Sqlite),
    ("awslc", StorageChoice::Memory),
];

/// One server running in this process, with a channel to it; dropping it
/// stops the server.
pub(crate) struct Running {
    pub(crate) addr: SocketAddr,
    pub(crate) channel: Channel,
    pub(crate) handle: ServerHandle,
    pub(crate) name: String,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// Starts a server for `backend` with `storage` on a loopback port and
/// opens a channel to it.
pub(crate) async fn start_one(backend: &str, storage: StorageChoice) -> Running {
    let server =
        InteropServer::new(backend, storage).unwrap_or_else(|e| panic!("backend {backend}: {e}"));
    start_server(server).await
}

/// Starts `server` on a loopback port and opens a channel to it.
pub(crate) async fn start_server(server: InteropServer) -> Running {
    let handle = server.handle();
    let name = server.display_name();
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
        .await
        .expect("bind a loopback port");
    let addr = listener.local_addr().expect("bound address");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(async move {
        let shutdown = async {
            let _ = stopped.await;
        };
        if let Err(e) = serve(listener, server, shutdown).await {
            eprintln!("server on {addr} failed: {e}");
        }
    });
    let channel = Channel::from_shared(format!("http://{addr}"))
        .expect("a valid URI")
        .connect()
        .await
        .expect("connect to the server");
    Running {
        addr,
        channel,
        handle,
        name,
        stop: Some(stop),
    }
}

/// One unary call with any message types, as tonic-build's client code
/// makes it (the typed client cannot send a request of the wrong type).
pub(crate) async fn call<Req, Resp>(
    channel: &Channel,
    rpc: &str,
    request: Req,
) -> Result<Resp, Status>
where
    Req: prost::Message + Send + Sync + 'static,
    Resp: prost::Message + Default + Send + Sync + 'static,
{
    let mut grpc = tonic::client::Grpc::new(channel.clone());
    grpc.ready()
        .await
        .map_err(|e| Status::unavailable(format!("not ready: {e}")))?;
    let path = http::uri::PathAndQuery::try_from(format!("/{SERVICE_NAME}/{rpc}"))
        .map_err(|e| Status::internal(format!("bad path: {e}")))?;
    let codec = tonic_prost::ProstCodec::<Req, Resp>::default();
    grpc.unary(Request::new(request), path, codec)
        .await
        .map(tonic::Response::into_inner)
}

/// Running servers and the runner's connections to them; dropping this
/// stops them.
pub(crate) struct Servers {
    pub(crate) pool: Vec<MlsClientConn>,
    running: Vec<Running>,
}

impl Servers {
    /// How many ids (states, transactions, reinits, signers) the servers
    /// still hold: 0 once the runner has freed everything.
    pub(crate) fn held(&self) -> usize {
        self.running.iter().map(|r| r.handle.held()).sum()
    }
}

/// Starts one server per entry of `servers` and connects the runner's
/// client to each.
pub(crate) async fn start(servers: &[(&str, StorageChoice)]) -> Servers {
    start_with(servers, InteropServer::new).await
}

/// [`start`] with servers that offer the provisional post-quantum suites
/// too.
pub(crate) async fn start_provisional(servers: &[(&str, StorageChoice)]) -> Servers {
    start_with(servers, InteropServer::with_provisional_suites).await
}

async fn start_with(
    servers: &[(&str, StorageChoice)],
    build: fn(&str, StorageChoice) -> Result<InteropServer, String>,
) -> Servers {
    let mut pool = Vec::new();
    let mut running = Vec::new();
    for &(backend, storage) in servers {
        let server = build(backend, storage).unwrap_or_else(|e| panic!("backend {backend}: {e}"));
        let server = start_server(server).await;
        pool.push(
            MlsClientConn::connect(&server.addr.to_string())
                .await
                .unwrap_or_else(|e| panic!("{e}")),
        );
        running.push(server);
    }
    Servers { pool, running }
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
