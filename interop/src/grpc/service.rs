//! The `mls_client.MLSClient` service on tonic's server API, written by hand
//! in the shape `tonic-build` generates (a trait with one method per RPC, and
//! a [`MlsClientServer`] that routes each `/mls_client.MLSClient/<Rpc>` path
//! through [`tonic::server::Grpc::unary`] with prost's codec), so the build
//! needs no `.proto` and no `protoc`.
//!
//! One table, in the `mls_client_service!` invocation below, declares the
//! RPCs: the trait, the routing and [`RPCS`] (which the proto test compares
//! with the working group's file) all come from it, so they cannot disagree.

use super::messages::*;
use http_body::Body as HttpBody;
use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use tonic::body::Body;
use tonic::{Request, Response, Status};

/// The gRPC service name: package `mls_client`, service `MLSClient`.
pub const SERVICE_NAME: &str = "mls_client.MLSClient";

/// One RPC: its `.proto` name and message types, for the schema comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RpcSchema {
    /// The RPC's name in the `.proto` (`CreateGroup`); its HTTP/2 path is
    /// `/mls_client.MLSClient/<name>`.
    pub name: &'static str,
    /// The request message's name.
    pub request: &'static str,
    /// The response message's name.
    pub response: &'static str,
}

/// What a boxed handler future resolves to.
type BoxFuture<T> = Pin<Box<dyn Future<Output = Result<T, Infallible>> + Send + 'static>>;

/// Declares the trait, [`RPCS`] and the routing of [`MlsClientServer`] from
/// one list of `rpc Name(Request) -> Response as method;`.
macro_rules! mls_client_service {
    ($(
        $(#[doc = $doc:literal])*
        rpc $rpc:ident($req:ident) -> $resp:ident as $method:ident;
    )*) => {
        /// The server side of `mls_client.MLSClient`: one method per RPC, in
        /// the `.proto`'s order. Every failure is a [`Status`]; an
        /// implementation must not panic on any request.
        ///
        /// Methods are `async fn`s whose futures are `Send` (what tonic's
        /// server needs), without the `async_trait` boxing of older codegen.
        pub trait MlsClient: Send + Sync + 'static {
            $(
                $(#[doc = $doc])*
                fn $method(
                    &self,
                    request: Request<$req>,
                ) -> impl Future<Output = Result<Response<$resp>, Status>> + Send;
            )*
        }

        /// Every RPC of the service, in the `.proto`'s order.
        pub const RPCS: &[RpcSchema] = &[$(
            RpcSchema {
                name: stringify!($rpc),
                request: stringify!($req),
                response: stringify!($resp),
            },
        )*];

        impl<T, B> tower_service::Service<http::Request<B>> for MlsClientServer<T>
        where
            T: MlsClient,
            B: HttpBody + Send + 'static,
            B::Error: Into<Box<dyn std::error::Error + Send + Sync>> + Send + 'static,
        {
            type Response = http::Response<Body>;
            type Error = Infallible;
            type Future = BoxFuture<Self::Response>;

            fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
                Poll::Ready(Ok(()))
            }

            fn call(&mut self, req: http::Request<B>) -> Self::Future {
                match req.uri().path() {
                    $(
                        concat!("/mls_client.MLSClient/", stringify!($rpc)) => {
                            // One unary handler per RPC, as tonic-build
                            // writes it: the codec decodes `$req`, the
                            // handler runs, the codec encodes the reply or
                            // the status.
                            struct Svc<T>(Arc<T>);
                            impl<T: MlsClient> tonic::server::UnaryService<$req> for Svc<T> {
                                type Response = $resp;
                                type Future = Pin<Box<
                                    dyn Future<Output = Result<Response<$resp>, Status>> + Send,
                                >>;
                                fn call(&mut self, request: Request<$req>) -> Self::Future {
                                    let inner = Arc::clone(&self.0);
                                    Box::pin(async move { inner.$method(request).await })
                                }
                            }
                            let inner = Arc::clone(&self.inner);
                            let limits = self.limits;
                            Box::pin(async move {
                                let codec = tonic_prost::ProstCodec::<$resp, $req>::default();
                                let mut grpc = tonic::server::Grpc::new(codec)
                                    .apply_max_message_size_config(
                                        limits.max_decoding_message_size,
                                        limits.max_encoding_message_size,
                                    );
                                Ok(grpc.unary(Svc(inner), req).await)
                            })
                        }
                    )*
                    _ => Box::pin(async move { Ok(unknown_method()) }),
                }
            }
        }
    };
}

mls_client_service! {
    /// The implementation's human-readable name.
    rpc Name(NameRequest) -> NameResponse as name;
    /// The cipher suites the server can run.
    rpc SupportedCiphersuites(SupportedCiphersuitesRequest) -> SupportedCiphersuitesResponse
        as supported_ciphersuites;
    /// Create a one-member group.
    rpc CreateGroup(CreateGroupRequest) -> CreateGroupResponse as create_group;
    /// Create a KeyPackage and keep its private keys for a join.
    rpc CreateKeyPackage(CreateKeyPackageRequest) -> CreateKeyPackageResponse
        as create_key_package;
    /// Join a group from a Welcome.
    rpc JoinGroup(JoinGroupRequest) -> JoinGroupResponse as join_group;
    /// Join a group by external commit.
    rpc ExternalJoin(ExternalJoinRequest) -> ExternalJoinResponse as external_join;
    /// A GroupInfo of the group, for external joins.
    rpc GroupInfo(GroupInfoRequest) -> GroupInfoResponse as group_info;
    /// The epoch_authenticator of the current epoch.
    rpc StateAuth(StateAuthRequest) -> StateAuthResponse as state_auth;
    /// MLS-Exporter of the current epoch.
    rpc Export(ExportRequest) -> ExportResponse as export;
    /// Encrypt an application message.
    rpc Protect(ProtectRequest) -> ProtectResponse as protect;
    /// Decrypt an application message.
    rpc Unprotect(UnprotectRequest) -> UnprotectResponse as unprotect;
    /// Store an external PSK for a group or a pending join.
    rpc StorePSK(StorePSKRequest) -> StorePSKResponse as store_psk;
    /// An Add proposal.
    rpc AddProposal(AddProposalRequest) -> ProposalResponse as add_proposal;
    /// An Update proposal.
    rpc UpdateProposal(UpdateProposalRequest) -> ProposalResponse as update_proposal;
    /// A Remove proposal, naming the member by identity.
    rpc RemoveProposal(RemoveProposalRequest) -> ProposalResponse as remove_proposal;
    /// A PreSharedKey proposal for an external PSK.
    rpc ExternalPSKProposal(ExternalPSKProposalRequest) -> ProposalResponse
        as external_psk_proposal;
    /// A PreSharedKey proposal for a resumption PSK.
    rpc ResumptionPSKProposal(ResumptionPSKProposalRequest) -> ProposalResponse
        as resumption_psk_proposal;
    /// A GroupContextExtensions proposal.
    rpc GroupContextExtensionsProposal(GroupContextExtensionsProposalRequest) -> ProposalResponse
        as group_context_extensions_proposal;
    /// A commit, left pending until `HandlePendingCommit`.
    rpc Commit(CommitRequest) -> CommitResponse as commit;
    /// Process another member's proposals and commit.
    rpc HandleCommit(HandleCommitRequest) -> HandleCommitResponse as handle_commit;
    /// Merge this member's pending commit.
    rpc HandlePendingCommit(HandlePendingCommitRequest) -> HandleCommitResponse
        as handle_pending_commit;
    /// A ReInit proposal.
    rpc ReInitProposal(ReInitProposalRequest) -> ProposalResponse as reinit_proposal;
    /// A commit that includes a ReInit proposal.
    rpc ReInitCommit(CommitRequest) -> CommitResponse as reinit_commit;
    /// Merge this member's pending ReInit commit; offer a KeyPackage for the
    /// new group.
    rpc HandlePendingReInitCommit(HandlePendingCommitRequest) -> HandleReInitCommitResponse
        as handle_pending_reinit_commit;
    /// Process another member's ReInit commit; offer a KeyPackage for the
    /// new group.
    rpc HandleReInitCommit(HandleCommitRequest) -> HandleReInitCommitResponse
        as handle_reinit_commit;
    /// Create the reinitialized group and its Welcome.
    rpc ReInitWelcome(ReInitWelcomeRequest) -> CreateSubgroupResponse as reinit_welcome;
    /// Join the reinitialized group.
    rpc HandleReInitWelcome(HandleReInitWelcomeRequest) -> JoinGroupResponse
        as handle_reinit_welcome;
    /// Branch a subgroup and welcome its members.
    rpc CreateBranch(CreateBranchRequest) -> CreateSubgroupResponse as create_branch;
    /// Join a branched subgroup.
    rpc HandleBranch(HandleBranchRequest) -> HandleBranchResponse as handle_branch;
    /// An Add proposal from a new member (outside the group).
    rpc NewMemberAddProposal(NewMemberAddProposalRequest) -> NewMemberAddProposalResponse
        as new_member_add_proposal;
    /// A signature key for an external sender.
    rpc CreateExternalSigner(CreateExternalSignerRequest) -> CreateExternalSignerResponse
        as create_external_signer;
    /// A proposal that adds an external sender to the group.
    rpc AddExternalSigner(AddExternalSignerRequest) -> ProposalResponse
        as add_external_signer;
    /// A proposal sent by an external sender.
    rpc ExternalSignerProposal(ExternalSignerProposalRequest) -> ProposalResponse
        as external_signer_proposal;
    /// Forget a state; must succeed for every actor after every run.
    rpc Free(FreeRequest) -> FreeResponse as free;
}

/// Message size limits of every RPC (`None`: tonic's default, 4 MiB to
/// decode and no limit to encode).
#[derive(Debug, Clone, Copy, Default)]
struct Limits {
    max_decoding_message_size: Option<usize>,
    max_encoding_message_size: Option<usize>,
}

/// A [`MlsClient`] as a tower service that tonic's
/// [`Server`](tonic::transport::Server) can serve.
#[derive(Debug)]
pub struct MlsClientServer<T> {
    inner: Arc<T>,
    limits: Limits,
}

impl<T> MlsClientServer<T> {
    /// Serves `inner`.
    pub fn new(inner: T) -> Self {
        Self::from_arc(Arc::new(inner))
    }

    /// Serves an `inner` that is shared with other code.
    pub fn from_arc(inner: Arc<T>) -> Self {
        Self {
            inner,
            limits: Limits::default(),
        }
    }

    /// The largest request this server decodes. Large groups' trees and
    /// Welcomes can exceed tonic's 4 MiB default.
    pub fn max_decoding_message_size(mut self, limit: usize) -> Self {
        self.limits.max_decoding_message_size = Some(limit);
        self
    }

    /// The largest reply this server encodes.
    pub fn max_encoding_message_size(mut self, limit: usize) -> Self {
        self.limits.max_encoding_message_size = Some(limit);
        self
    }
}

// Not derived: a derive would require `T: Clone`, and only the `Arc` is
// cloned.
impl<T> Clone for MlsClientServer<T> {
    fn clone(&self) -> Self {
        Self {
            inner: Arc::clone(&self.inner),
            limits: self.limits,
        }
    }
}

impl<T> tonic::server::NamedService for MlsClientServer<T> {
    const NAME: &'static str = SERVICE_NAME;
}

/// The reply to a path that names no RPC of the service: gRPC status
/// UNIMPLEMENTED in the headers, as tonic-build's servers answer.
fn unknown_method() -> http::Response<Body> {
    let mut response = http::Response::new(Body::default());
    let headers = response.headers_mut();
    headers.insert(
        Status::GRPC_STATUS,
        http::HeaderValue::from(tonic::Code::Unimplemented as i32),
    );
    headers.insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static("application/grpc"),
    );
    response
}
