//! A typed client of `mls_client.MLSClient` on tonic's client API: the
//! scenario runner's side of the wire, one method per RPC.
//!
//! Written like the server ([`super::service`]) without generated code:
//! each method is a unary call by path (`/mls_client.MLSClient/<Rpc>`) with
//! prost's codec over one HTTP/2 channel. Replies are decoded under tonic's
//! default 4 MiB limit, so a misbehaving client cannot make the runner
//! allocate without bound.

use super::messages::*;
use super::service::SERVICE_NAME;
use std::time::Duration;
use tonic::transport::{Channel, Endpoint};

/// How long one RPC may take, as the working group's runner allows
/// (120 s): long enough for a large group on a slow backend, short enough
/// that a hung client fails its run instead of the whole session.
pub const RPC_TIMEOUT: Duration = Duration::from_secs(120);

/// A connection to one `MLSClient` server, with the name and suites it
/// reported when it was dialled.
#[derive(Debug, Clone)]
pub struct MlsClientConn {
    channel: Channel,
    address: String,
    name: String,
    suites: Vec<u16>,
}

/// An RPC that failed: which RPC and the status (or transport error) the
/// server gave, in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RpcError {
    /// The RPC's name (`CreateGroup`).
    pub rpc: &'static str,
    /// The gRPC status code and message, or why no call was made.
    pub message: String,
}

impl std::fmt::Display for RpcError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} failed: {}", self.rpc, self.message)
    }
}

impl std::error::Error for RpcError {}

/// Declares one typed method per RPC from `method(Request) -> Response:
/// "Rpc";`.
macro_rules! rpc_methods {
    ($($(#[doc = $doc:literal])* $method:ident($req:ident) -> $resp:ident: $rpc:literal;)*) => {$(
        $(#[doc = $doc])*
        pub async fn $method(&self, request: $req) -> Result<$resp, RpcError> {
            self.call($rpc, request).await
        }
    )*};
}

impl MlsClientConn {
    /// Dials `address` (`host:port`, plain HTTP/2 as the working group's
    /// runner uses) and asks for the server's name and cipher suites.
    pub async fn connect(address: &str) -> Result<Self, String> {
        let uri = if address.contains("://") {
            address.to_string()
        } else {
            format!("http://{address}")
        };
        let endpoint = Endpoint::from_shared(uri)
            .map_err(|e| format!("client address {address:?}: {e}"))?
            .timeout(RPC_TIMEOUT)
            .connect_timeout(Duration::from_secs(10));
        let channel = endpoint
            .connect()
            .await
            .map_err(|e| format!("cannot connect to client {address}: {e}"))?;
        let mut conn = Self {
            channel,
            address: address.to_string(),
            name: String::new(),
            suites: Vec::new(),
        };
        conn.name = conn
            .name_rpc(NameRequest {})
            .await
            .map_err(|e| format!("client {address}: {e}"))?
            .name;
        let reported = conn
            .supported_ciphersuites(SupportedCiphersuitesRequest {})
            .await
            .map_err(|e| format!("client {address}: {e}"))?
            .ciphersuites;
        // A code point that does not fit a u16 names no suite (RFC 9420
        // §17.1); ignoring it keeps the rest of the client usable.
        conn.suites = reported
            .into_iter()
            .filter_map(|s| u16::try_from(s).ok())
            .collect();
        Ok(conn)
    }

    /// The address it was dialled at, as given.
    pub fn address(&self) -> &str {
        &self.address
    }

    /// The name the server reported (`Name`).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The suites the server reported (`SupportedCiphersuites`).
    pub fn suites(&self) -> &[u16] {
        &self.suites
    }

    /// Whether the server reported `suite`.
    pub fn supports(&self, suite: u16) -> bool {
        self.suites.contains(&suite)
    }

    /// One unary call of `rpc`.
    async fn call<Req, Resp>(&self, rpc: &'static str, request: Req) -> Result<Resp, RpcError>
    where
        Req: prost::Message + Send + Sync + 'static,
        Resp: prost::Message + Default + Send + Sync + 'static,
    {
        let failed = |message: String| RpcError { rpc, message };
        let mut grpc = tonic::client::Grpc::new(self.channel.clone());
        grpc.ready()
            .await
            .map_err(|e| failed(format!("connection not ready: {e}")))?;
        let path = http::uri::PathAndQuery::try_from(format!("/{SERVICE_NAME}/{rpc}"))
            .map_err(|e| failed(format!("bad RPC path: {e}")))?;
        let codec = tonic_prost::ProstCodec::<Req, Resp>::default();
        grpc.unary(tonic::Request::new(request), path, codec)
            .await
            .map(tonic::Response::into_inner)
            .map_err(|status| {
                failed(format!(
                    "{:?}: {}",
                    status.code(),
                    if status.message().is_empty() {
                        "(no message)"
                    } else {
                        status.message()
                    }
                ))
            })
    }

    rpc_methods! {
        /// `Name`.
        name_rpc(NameRequest) -> NameResponse: "Name";
        /// `SupportedCiphersuites`.
        supported_ciphersuites(SupportedCiphersuitesRequest) -> SupportedCiphersuitesResponse:
            "SupportedCiphersuites";
        /// `CreateGroup`.
        create_group(CreateGroupRequest) -> CreateGroupResponse: "CreateGroup";
        /// `CreateKeyPackage`.
        create_key_package(CreateKeyPackageRequest) -> CreateKeyPackageResponse:
            "CreateKeyPackage";
        /// `JoinGroup`.
        join_group(JoinGroupRequest) -> JoinGroupResponse: "JoinGroup";
        /// `ExternalJoin`.
        external_join(ExternalJoinRequest) -> ExternalJoinResponse: "ExternalJoin";
        /// `GroupInfo`.
        group_info(GroupInfoRequest) -> GroupInfoResponse: "GroupInfo";
        /// `StateAuth`.
        state_auth(StateAuthRequest) -> StateAuthResponse: "StateAuth";
        /// `Export`.
        export(ExportRequest) -> ExportResponse: "Export";
        /// `Protect`.
        protect(ProtectRequest) -> ProtectResponse: "Protect";
        /// `Unprotect`.
        unprotect(UnprotectRequest) -> UnprotectResponse: "Unprotect";
        /// `StorePSK`.
        store_psk(StorePSKRequest) -> StorePSKResponse: "StorePSK";
        /// `AddProposal`.
        add_proposal(AddProposalRequest) -> ProposalResponse: "AddProposal";
        /// `UpdateProposal`.
        update_proposal(UpdateProposalRequest) -> ProposalResponse: "UpdateProposal";
        /// `RemoveProposal`.
        remove_proposal(RemoveProposalRequest) -> ProposalResponse: "RemoveProposal";
        /// `ExternalPSKProposal`.
        external_psk_proposal(ExternalPSKProposalRequest) -> ProposalResponse:
            "ExternalPSKProposal";
        /// `ResumptionPSKProposal`.
        resumption_psk_proposal(ResumptionPSKProposalRequest) -> ProposalResponse:
            "ResumptionPSKProposal";
        /// `GroupContextExtensionsProposal`.
        group_context_extensions_proposal(GroupContextExtensionsProposalRequest)
            -> ProposalResponse: "GroupContextExtensionsProposal";
        /// `Commit`.
        commit(CommitRequest) -> CommitResponse: "Commit";
        /// `HandleCommit`.
        handle_commit(HandleCommitRequest) -> HandleCommitResponse: "HandleCommit";
        /// `HandlePendingCommit`.
        handle_pending_commit(HandlePendingCommitRequest) -> HandleCommitResponse:
            "HandlePendingCommit";
        /// `ReInitProposal`.
        reinit_proposal(ReInitProposalRequest) -> ProposalResponse: "ReInitProposal";
        /// `ReInitCommit`.
        reinit_commit(CommitRequest) -> CommitResponse: "ReInitCommit";
        /// `HandlePendingReInitCommit`.
        handle_pending_reinit_commit(HandlePendingCommitRequest)
            -> HandleReInitCommitResponse: "HandlePendingReInitCommit";
        /// `HandleReInitCommit`.
        handle_reinit_commit(HandleCommitRequest) -> HandleReInitCommitResponse:
            "HandleReInitCommit";
        /// `ReInitWelcome`.
        reinit_welcome(ReInitWelcomeRequest) -> CreateSubgroupResponse: "ReInitWelcome";
        /// `HandleReInitWelcome`.
        handle_reinit_welcome(HandleReInitWelcomeRequest) -> JoinGroupResponse:
            "HandleReInitWelcome";
        /// `CreateBranch`.
        create_branch(CreateBranchRequest) -> CreateSubgroupResponse: "CreateBranch";
        /// `HandleBranch`.
        handle_branch(HandleBranchRequest) -> HandleBranchResponse: "HandleBranch";
        /// `NewMemberAddProposal`.
        new_member_add_proposal(NewMemberAddProposalRequest)
            -> NewMemberAddProposalResponse: "NewMemberAddProposal";
        /// `CreateExternalSigner`.
        create_external_signer(CreateExternalSignerRequest)
            -> CreateExternalSignerResponse: "CreateExternalSigner";
        /// `AddExternalSigner`.
        add_external_signer(AddExternalSignerRequest) -> ProposalResponse:
            "AddExternalSigner";
        /// `ExternalSignerProposal`.
        external_signer_proposal(ExternalSignerProposalRequest) -> ProposalResponse:
            "ExternalSignerProposal";
        /// `Free`.
        free(FreeRequest) -> FreeResponse: "Free";
    }
}
