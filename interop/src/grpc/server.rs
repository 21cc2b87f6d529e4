//! Our implementation of the `MLSClient` service: one server process is one
//! MLS client on one crypto backend and one kind of storage, chosen on the
//! command line (`mls-interop serve --backend … --storage …`).
//!
//! Every RPC of the service is answered: `Name` and
//! `SupportedCiphersuites` from the chosen backend, the others by the
//! operations of [`super::ops`] on the numbered state of
//! [`super::table`]. Failures are statuses carrying the library's error
//! text; nothing a request contains makes a handler panic, and a bug that
//! did would cost that one call, not the server.

use super::actor::Store;
use super::messages::*;
use super::ops::{self, Env};
use super::service::{MlsClient, MlsClientServer};
use super::table::Table;
use crate::backends::{self, AWS_LC};
use mls_core::CipherSuiteDefinition;
use mls_core::provider::CryptoProvider;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex, PoisonError};
use tonic::{Request, Response, Status};

/// Where a server keeps its members' state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StorageChoice {
    /// In memory (`mls-storage-memory`); lost when the process ends.
    Memory,
    /// In SQLite (`mls-storage-sqlite`), so a run also exercises the
    /// stored-state encoding of every operation.
    Sqlite,
}

impl StorageChoice {
    /// The name on the command line and in [`NameResponse`].
    pub fn name(self) -> &'static str {
        match self {
            StorageChoice::Memory => "memory",
            StorageChoice::Sqlite => "sqlite",
        }
    }

    /// Parses `memory` or `sqlite`.
    pub fn parse(name: &str) -> Result<Self, String> {
        match name {
            "memory" => Ok(StorageChoice::Memory),
            "sqlite" => Ok(StorageChoice::Sqlite),
            other => Err(format!(
                "unknown storage {other:?}; this build has: memory, sqlite"
            )),
        }
    }
}

/// The backend name `serve` uses when `--backend` is absent: RustCrypto
/// implements every suite of RFC 9420 §17.1, so the runner can schedule
/// every scenario on it.
pub const DEFAULT_BACKEND: &str = "rustcrypto";

/// The `MLSClient` server: a crypto backend, a storage choice, and the
/// numbered state the runner's calls create (see [`super::table`]).
pub struct InteropServer {
    backend: &'static str,
    crypto: Box<dyn CryptoProvider>,
    storage: StorageChoice,
    shared: Arc<Shared>,
}

/// What the blocking tasks share: the environment and the table.
struct Shared {
    env: Env,
    table: Mutex<Table>,
}

impl std::fmt::Debug for InteropServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InteropServer")
            .field("backend", &self.backend)
            .field("storage", &self.storage)
            .finish_non_exhaustive()
    }
}

impl InteropServer {
    /// A server on backend `backend` (`awslc`, `rustcrypto` or `ring`; the
    /// conformance runner's names `aws-lc` and, in a FIPS build,
    /// `aws-lc-fips` are accepted too) keeping state in `storage` (for
    /// SQLite, one database per actor in a temporary folder removed with
    /// the server).
    pub fn new(backend: &str, storage: StorageChoice) -> Result<Self, String> {
        Self::build(backend, storage, false)
    }

    /// [`InteropServer::new`], offering besides the RFC 9420 suites the
    /// provisional post-quantum suites of
    /// [`CipherSuiteDefinition::BUILT_IN`] that the backend implements
    /// (`serve --provisional-suites`). Their code points are not registered
    /// with IANA, so a runner schedules them only between clients that
    /// report them.
    pub fn with_provisional_suites(backend: &str, storage: StorageChoice) -> Result<Self, String> {
        Self::build(backend, storage, true)
    }

    fn build(backend: &str, storage: StorageChoice, provisional: bool) -> Result<Self, String> {
        // The spelling `awslc` is the aws-lc backend of this build
        // (the FIPS module in a `fips` build).
        let name = if backend == "awslc" { AWS_LC } else { backend };
        let chosen = backends::select(&[name.to_string()])?
            .into_iter()
            .next()
            .ok_or_else(|| format!("no backend named {backend:?}"))?;
        let chosen = if provisional {
            backends::offering(chosen.name, CipherSuiteDefinition::BUILT_IN)
                .ok_or_else(|| format!("no backend named {backend:?}"))?
                .map_err(|e| format!("backend {backend}: {e}"))?
        } else {
            chosen
        };
        let store = match storage {
            StorageChoice::Memory => Store::Memory,
            StorageChoice::Sqlite => Store::Sqlite {
                dir: tempfile::tempdir()
                    .map_err(|e| format!("cannot create a folder for the databases: {e}"))?,
                next: AtomicU64::new(0),
            },
        };
        Ok(Self {
            backend: chosen.name,
            crypto: chosen.provider,
            storage,
            shared: Arc::new(Shared {
                env: Env {
                    backend: chosen.name,
                    provisional,
                    store,
                },
                table: Mutex::new(Table::default()),
            }),
        })
    }

    /// The name `Name` returns: this library, its version, the backend and
    /// the storage, so a runner's report says which combination ran.
    pub fn display_name(&self) -> String {
        format!(
            "mls-rfc9420 {} ({}, {} storage)",
            env!("CARGO_PKG_VERSION"),
            self.backend,
            self.storage.name()
        )
    }

    /// The crypto backend's name in reports (`rustcrypto`, `ring`,
    /// `aws-lc`, `aws-lc-fips`).
    pub fn backend(&self) -> &'static str {
        self.backend
    }

    /// The storage choice.
    pub fn storage(&self) -> StorageChoice {
        self.storage
    }

    /// How many states, transactions, reinits and signers the server
    /// holds (all freed by `Free`).
    pub fn held(&self) -> usize {
        self.handle().held()
    }

    /// A handle on the same server state, for a caller that keeps
    /// watching the server after handing it to [`serve`].
    pub fn handle(&self) -> ServerHandle {
        ServerHandle {
            shared: Arc::clone(&self.shared),
        }
    }

    /// Runs `op` on a blocking thread with the table locked. A panic (a
    /// bug: no input should cause one) becomes an `INTERNAL` status, and
    /// the table stays usable: every later call still works.
    async fn run<Req, Resp>(
        &self,
        rpc: &'static str,
        request: Request<Req>,
        op: fn(&Env, &mut Table, Req) -> Result<Resp, Status>,
    ) -> Result<Response<Resp>, Status>
    where
        Req: Send + 'static,
        Resp: Send + 'static,
    {
        let shared = Arc::clone(&self.shared);
        let request = request.into_inner();
        let joined = tokio::task::spawn_blocking(move || {
            let mut table = shared.table.lock().unwrap_or_else(PoisonError::into_inner);
            op(&shared.env, &mut table, request)
        })
        .await;
        match joined {
            Ok(Ok(response)) => Ok(Response::new(response)),
            Ok(Err(status)) => Err(Status::new(
                status.code(),
                format!("{rpc}: {}", status.message()),
            )),
            Err(e) => Err(Status::internal(format!("{rpc} failed: {e}"))),
        }
    }
}

/// Watches a server's state from outside (tests check that `Free` left
/// nothing behind).
#[derive(Clone)]
pub struct ServerHandle {
    shared: Arc<Shared>,
}

impl std::fmt::Debug for ServerHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerHandle").finish_non_exhaustive()
    }
}

impl ServerHandle {
    /// How many states, transactions, reinits and signers the server holds.
    pub fn held(&self) -> usize {
        self.shared
            .table
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }
}

/// Methods that hand their request to an operation of [`ops`] under the
/// table's lock.
macro_rules! delegate {
    ($($method:ident($req:ident) -> $resp:ident: $rpc:literal => $op:path;)*) => {$(
        async fn $method(&self, request: Request<$req>) -> Result<Response<$resp>, Status> {
            self.run($rpc, request, $op).await
        }
    )*};
}

impl MlsClient for InteropServer {
    async fn name(&self, _request: Request<NameRequest>) -> Result<Response<NameResponse>, Status> {
        Ok(Response::new(NameResponse {
            name: self.display_name(),
        }))
    }

    async fn supported_ciphersuites(
        &self,
        _request: Request<SupportedCiphersuitesRequest>,
    ) -> Result<Response<SupportedCiphersuitesResponse>, Status> {
        let ciphersuites = self
            .crypto
            .supported_cipher_suites()
            .into_iter()
            .map(|suite| u32::from(suite.code()))
            .collect();
        Ok(Response::new(SupportedCiphersuitesResponse {
            ciphersuites,
        }))
    }

    delegate! {
        create_group(CreateGroupRequest) -> CreateGroupResponse: "CreateGroup"
            => ops::join::create_group;
        create_key_package(CreateKeyPackageRequest) -> CreateKeyPackageResponse:
            "CreateKeyPackage" => ops::join::create_key_package;
        join_group(JoinGroupRequest) -> JoinGroupResponse: "JoinGroup" => ops::join::join_group;
        external_join(ExternalJoinRequest) -> ExternalJoinResponse: "ExternalJoin"
            => ops::join::external_join;
        group_info(GroupInfoRequest) -> GroupInfoResponse: "GroupInfo"
            => ops::groups::group_info;
        state_auth(StateAuthRequest) -> StateAuthResponse: "StateAuth"
            => ops::groups::state_auth;
        export(ExportRequest) -> ExportResponse: "Export" => ops::groups::export;
        protect(ProtectRequest) -> ProtectResponse: "Protect" => ops::groups::protect;
        unprotect(UnprotectRequest) -> UnprotectResponse: "Unprotect" => ops::groups::unprotect;
        store_psk(StorePSKRequest) -> StorePSKResponse: "StorePSK" => ops::groups::store_psk;
        add_proposal(AddProposalRequest) -> ProposalResponse: "AddProposal"
            => ops::proposals::add;
        update_proposal(UpdateProposalRequest) -> ProposalResponse: "UpdateProposal"
            => ops::proposals::update;
        remove_proposal(RemoveProposalRequest) -> ProposalResponse: "RemoveProposal"
            => ops::proposals::remove;
        external_psk_proposal(ExternalPSKProposalRequest) -> ProposalResponse:
            "ExternalPSKProposal" => ops::proposals::external_psk;
        resumption_psk_proposal(ResumptionPSKProposalRequest) -> ProposalResponse:
            "ResumptionPSKProposal" => ops::proposals::resumption_psk;
        group_context_extensions_proposal(GroupContextExtensionsProposalRequest)
            -> ProposalResponse: "GroupContextExtensionsProposal"
            => ops::proposals::group_context_extensions;
        commit(CommitRequest) -> CommitResponse: "Commit" => ops::groups::commit;
        handle_commit(HandleCommitRequest) -> HandleCommitResponse: "HandleCommit"
            => ops::groups::handle_commit;
        handle_pending_commit(HandlePendingCommitRequest) -> HandleCommitResponse:
            "HandlePendingCommit" => ops::groups::handle_pending_commit;
        reinit_proposal(ReInitProposalRequest) -> ProposalResponse: "ReInitProposal"
            => ops::proposals::reinit;
        reinit_commit(CommitRequest) -> CommitResponse: "ReInitCommit" => ops::groups::commit;
        handle_pending_reinit_commit(HandlePendingCommitRequest)
            -> HandleReInitCommitResponse: "HandlePendingReInitCommit"
            => ops::resumption::handle_pending_reinit_commit;
        handle_reinit_commit(HandleCommitRequest) -> HandleReInitCommitResponse:
            "HandleReInitCommit" => ops::resumption::handle_reinit_commit;
        reinit_welcome(ReInitWelcomeRequest) -> CreateSubgroupResponse: "ReInitWelcome"
            => ops::resumption::reinit_welcome;
        handle_reinit_welcome(HandleReInitWelcomeRequest) -> JoinGroupResponse:
            "HandleReInitWelcome" => ops::resumption::handle_reinit_welcome;
        create_branch(CreateBranchRequest) -> CreateSubgroupResponse: "CreateBranch"
            => ops::resumption::create_branch;
        handle_branch(HandleBranchRequest) -> HandleBranchResponse: "HandleBranch"
            => ops::resumption::handle_branch;
        new_member_add_proposal(NewMemberAddProposalRequest)
            -> NewMemberAddProposalResponse: "NewMemberAddProposal"
            => ops::external::new_member_add_proposal;
        create_external_signer(CreateExternalSignerRequest)
            -> CreateExternalSignerResponse: "CreateExternalSigner"
            => ops::external::create_external_signer;
        add_external_signer(AddExternalSignerRequest) -> ProposalResponse:
            "AddExternalSigner" => ops::external::add_external_signer;
        external_signer_proposal(ExternalSignerProposalRequest) -> ProposalResponse:
            "ExternalSignerProposal" => ops::external::external_signer_proposal;
        free(FreeRequest) -> FreeResponse: "Free" => ops::groups::free;
    }
}

/// Serves `server` on `listener` until `shutdown` completes. Plain HTTP/2
/// (no TLS): the working group's runner connects without it, and the
/// service is meant for loopback test runs only.
pub async fn serve(
    listener: tokio::net::TcpListener,
    server: InteropServer,
    shutdown: impl Future<Output = ()>,
) -> Result<(), tonic::transport::Error> {
    tonic::transport::Server::builder()
        .add_service(MlsClientServer::new(server))
        .serve_with_incoming_shutdown(
            // Without TCP_NODELAY each small reply waits for the peer's
            // delayed ACK (tens of milliseconds): a run of the harness
            // spent most of its time there.
            tonic::transport::server::TcpIncoming::from(listener).with_nodelay(Some(true)),
            shutdown,
        )
        .await
}

/// `mls-interop serve`: binds `addr` and serves `server` until the process
/// is interrupted (Ctrl-C), on a multi-threaded runtime.
pub fn run(addr: SocketAddr, server: InteropServer) -> Result<(), String> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the async runtime: {e}"))?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
        let local = listener
            .local_addr()
            .map_err(|e| format!("cannot read the bound address: {e}"))?;
        eprintln!("{} listening on {local}", server.display_name());
        let shutdown = async {
            // An error here means no signal handler could be installed: run
            // until killed rather than stop at once.
            if tokio::signal::ctrl_c().await.is_err() {
                std::future::pending::<()>().await;
            }
        };
        serve(listener, server, shutdown)
            .await
            .map_err(|e| format!("gRPC server failed: {e}"))
    })
}
