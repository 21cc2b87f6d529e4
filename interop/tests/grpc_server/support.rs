//! A tonic client over a real HTTP/2 connection, calling the server the
//! way the working group's runner does, and servers started in-process.

use interop::grpc::server::{InteropServer, ServerHandle, StorageChoice, serve};
use interop::grpc::service::SERVICE_NAME;
use tonic::transport::Channel;
use tonic::{Request, Status};

/// One unary call, as tonic-build's client code makes it.
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

/// A server running in this process.
pub(crate) struct Running {
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
/// connects to it.
pub(crate) async fn start(backend: &str, storage: StorageChoice) -> Running {
    let server =
        InteropServer::new(backend, storage).unwrap_or_else(|e| panic!("backend {backend}: {e}"));
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
        channel,
        handle,
        name,
        stop: Some(stop),
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
