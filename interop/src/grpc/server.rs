//! Our implementation of the `MLSClient` service: one server process is one
//! MLS client on one crypto backend and one kind of storage, chosen on the
//! command line (`mls-interop serve --backend … --storage …`).
//!
//! This first step answers `Name` and `SupportedCiphersuites` from the
//! chosen backend; every other RPC replies `UNIMPLEMENTED` with the RPC's
//! name, so the runner reports what is missing instead of hanging or
//! misreading an empty reply.

use super::messages::*;
use super::service::{MlsClient, MlsClientServer};
use crate::backends::{self, AWS_LC};
use mls_core::provider::CryptoProvider;
use std::future::Future;
use std::net::SocketAddr;
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

/// The `MLSClient` server: a crypto backend and a storage choice. Later
/// steps add the tables of group states, pending joins and external signers
/// behind handles.
pub struct InteropServer {
    backend: &'static str,
    crypto: Box<dyn CryptoProvider>,
    storage: StorageChoice,
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
    /// `aws-lc-fips` are accepted too) keeping state in `storage`.
    pub fn new(backend: &str, storage: StorageChoice) -> Result<Self, String> {
        // The spelling `awslc` is the aws-lc backend of this build
        // (the FIPS module in a `fips` build).
        let name = if backend == "awslc" { AWS_LC } else { backend };
        let chosen = backends::select(&[name.to_string()])?
            .into_iter()
            .next()
            .ok_or_else(|| format!("no backend named {backend:?}"))?;
        Ok(Self {
            backend: chosen.name,
            crypto: chosen.provider,
            storage,
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
}

/// The status of an RPC this build does not implement yet.
fn not_implemented(rpc: &str) -> Status {
    Status::unimplemented(format!("{rpc} is not implemented by this server yet"))
}

/// Methods that reply [`not_implemented`]; each later step moves one out of
/// this list into a real method.
macro_rules! not_implemented_yet {
    ($($method:ident($req:ident) -> $resp:ident: $rpc:literal;)*) => {$(
        async fn $method(&self, _request: Request<$req>) -> Result<Response<$resp>, Status> {
            Err(not_implemented($rpc))
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

    not_implemented_yet! {
        create_group(CreateGroupRequest) -> CreateGroupResponse: "CreateGroup";
        create_key_package(CreateKeyPackageRequest) -> CreateKeyPackageResponse:
            "CreateKeyPackage";
        join_group(JoinGroupRequest) -> JoinGroupResponse: "JoinGroup";
        external_join(ExternalJoinRequest) -> ExternalJoinResponse: "ExternalJoin";
        group_info(GroupInfoRequest) -> GroupInfoResponse: "GroupInfo";
        state_auth(StateAuthRequest) -> StateAuthResponse: "StateAuth";
        export(ExportRequest) -> ExportResponse: "Export";
        protect(ProtectRequest) -> ProtectResponse: "Protect";
        unprotect(UnprotectRequest) -> UnprotectResponse: "Unprotect";
        store_psk(StorePSKRequest) -> StorePSKResponse: "StorePSK";
        add_proposal(AddProposalRequest) -> ProposalResponse: "AddProposal";
        update_proposal(UpdateProposalRequest) -> ProposalResponse: "UpdateProposal";
        remove_proposal(RemoveProposalRequest) -> ProposalResponse: "RemoveProposal";
        external_psk_proposal(ExternalPSKProposalRequest) -> ProposalResponse:
            "ExternalPSKProposal";
        resumption_psk_proposal(ResumptionPSKProposalRequest) -> ProposalResponse:
            "ResumptionPSKProposal";
        group_context_extensions_proposal(GroupContextExtensionsProposalRequest)
            -> ProposalResponse: "GroupContextExtensionsProposal";
        commit(CommitRequest) -> CommitResponse: "Commit";
        handle_commit(HandleCommitRequest) -> HandleCommitResponse: "HandleCommit";
        handle_pending_commit(HandlePendingCommitRequest) -> HandleCommitResponse:
            "HandlePendingCommit";
        reinit_proposal(ReInitProposalRequest) -> ProposalResponse: "ReInitProposal";
        reinit_commit(CommitRequest) -> CommitResponse: "ReInitCommit";
        handle_pending_reinit_commit(HandlePendingCommitRequest)
            -> HandleReInitCommitResponse: "HandlePendingReInitCommit";
        handle_reinit_commit(HandleCommitRequest) -> HandleReInitCommitResponse:
            "HandleReInitCommit";
        reinit_welcome(ReInitWelcomeRequest) -> CreateSubgroupResponse: "ReInitWelcome";
        handle_reinit_welcome(HandleReInitWelcomeRequest) -> JoinGroupResponse:
            "HandleReInitWelcome";
        create_branch(CreateBranchRequest) -> CreateSubgroupResponse: "CreateBranch";
        handle_branch(HandleBranchRequest) -> HandleBranchResponse: "HandleBranch";
        new_member_add_proposal(NewMemberAddProposalRequest)
            -> NewMemberAddProposalResponse: "NewMemberAddProposal";
        create_external_signer(CreateExternalSignerRequest)
            -> CreateExternalSignerResponse: "CreateExternalSigner";
        add_external_signer(AddExternalSignerRequest) -> ProposalResponse:
            "AddExternalSigner";
        external_signer_proposal(ExternalSignerProposalRequest) -> ProposalResponse:
            "ExternalSignerProposal";
        free(FreeRequest) -> FreeResponse: "Free";
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
            tonic::transport::server::TcpIncoming::from(listener),
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
