//! Starting and stopping the server: in-process on a listener (tests, the
//! demo) or from the binary.

use crate::config::Config;
use crate::error::Error;
use crate::routes::{Shared, router};
use crate::views::Views;
use crate::{Core, db};
use mls_crypto_rustcrypto::RustCryptoProvider;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

fn shared(config: Config) -> Result<Shared, Error> {
    let crypto = RustCryptoProvider::with_suites(config.cipher_suites.iter().copied())
        .map_err(|e| Error::Unsupported(format!("the configured cipher suites: {e}")))?;
    let conn = db::open(config.database.as_deref())?;
    Ok(Arc::new(Mutex::new(Core {
        conn,
        views: Views::new(crypto.clone()),
        config,
        crypto,
    })))
}

/// Serves on `listener` until `shutdown` completes, then returns once the
/// requests in flight are answered. The database is opened (and its
/// tables created) before the first request is accepted.
pub async fn run(
    listener: tokio::net::TcpListener,
    config: Config,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), Error> {
    let max_body = config.max_body_bytes;
    let app = router(shared(config)?, max_body);
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await?;
    Ok(())
}

/// A server running on its own threads, started by [`serve`]. Dropping it
/// stops the server too.
#[derive(Debug)]
pub struct ServerHandle {
    local_addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<Result<(), Error>>>,
}

impl ServerHandle {
    /// The address the server listens on.
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// The server's base URL, `http://ADDR`.
    pub fn url(&self) -> String {
        format!("http://{}", self.local_addr)
    }

    /// Stops accepting requests, waits for those in flight, and closes
    /// the database.
    pub fn shutdown(mut self) -> Result<(), Error> {
        self.stop_and_join()
    }

    fn stop_and_join(&mut self) -> Result<(), Error> {
        if let Some(stop) = self.stop.take() {
            // The server may have stopped on its own; nothing to tell then.
            let _ = stop.send(());
        }
        match self.thread.take() {
            Some(thread) => thread
                .join()
                .map_err(|_| Error::Io(std::io::Error::other("the server thread panicked")))?,
            None => Ok(()),
        }
    }
}

impl Drop for ServerHandle {
    fn drop(&mut self) {
        let _ = self.stop_and_join();
    }
}

/// Starts the server on `listener` (for example bound to `127.0.0.1:0`)
/// on a runtime of its own, and returns at once. The database is opened
/// before this returns, so an unusable one is reported here.
pub fn serve(listener: std::net::TcpListener, config: Config) -> Result<ServerHandle, Error> {
    listener.set_nonblocking(true)?;
    let local_addr = listener.local_addr()?;
    let max_body = config.max_body_bytes;
    let app = router(shared(config)?, max_body);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let thread = std::thread::Builder::new()
        .name("mls-ds".into())
        .spawn(move || {
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener)?;
                axum::serve(listener, app)
                    .with_graceful_shutdown(async move {
                        let _ = stopped.await;
                    })
                    .await?;
                Ok(())
            })
        })?;
    Ok(ServerHandle {
        local_addr,
        stop: Some(stop),
        thread: Some(thread),
    })
}
