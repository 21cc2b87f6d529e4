//! Malformed requests: every byte field of every RPC filled with garbage
//! gets an error status naming the problem, and the server keeps serving.

use super::grpc_support::{call, runtime, start_one as start};
use interop::grpc::messages::*;
use interop::grpc::server::StorageChoice;
use tonic::Code;

#[test]
fn garbage_in_every_field_is_refused_and_the_server_keeps_serving() {
    runtime().block_on(async {
        let server = start("rustcrypto", StorageChoice::Memory).await;
        let ch = &server.channel;
        // A real group and transaction, so ids are valid and the garbage
        // is what gets refused.
        let group: CreateGroupResponse = call(
            ch,
            "CreateGroup",
            CreateGroupRequest {
                group_id: b"g".to_vec(),
                cipher_suite: 1,
                encrypt_handshake: false,
                identity: b"alice".to_vec(),
            },
        )
        .await
        .expect("CreateGroup");
        let kp: CreateKeyPackageResponse = call(
            ch,
            "CreateKeyPackage",
            CreateKeyPackageRequest {
                cipher_suite: 1,
                identity: b"bob".to_vec(),
            },
        )
        .await
        .expect("CreateKeyPackage");
        let state = group.state_id;
        let garbage = vec![0xff; 64];
        let mut refused = Vec::new();
        macro_rules! refuse {
            ($rpc:literal, $req:expr, $resp:ty) => {{
                let status = call::<_, $resp>(ch, $rpc, $req)
                    .await
                    .expect_err(concat!($rpc, " accepted garbage"));
                assert_ne!(status.code(), Code::Unimplemented, "{}", $rpc);
                assert_ne!(
                    status.code(),
                    Code::Internal,
                    "{}: {}",
                    $rpc,
                    status.message()
                );
                assert_ne!(
                    status.code(),
                    Code::Unknown,
                    "{}: {}",
                    $rpc,
                    status.message()
                );
                refused.push($rpc);
            }};
        }
        refuse!(
            "JoinGroup",
            JoinGroupRequest {
                transaction_id: kp.transaction_id,
                welcome: garbage.clone(),
                ..Default::default()
            },
            JoinGroupResponse
        );
        refuse!(
            "JoinGroup",
            JoinGroupRequest {
                transaction_id: state,
                welcome: garbage.clone(),
                ..Default::default()
            },
            JoinGroupResponse
        );
        refuse!(
            "ExternalJoin",
            ExternalJoinRequest {
                group_info: garbage.clone(),
                ..Default::default()
            },
            ExternalJoinResponse
        );
        refuse!(
            "AddProposal",
            AddProposalRequest {
                state_id: state,
                key_package: garbage.clone()
            },
            ProposalResponse
        );
        refuse!(
            "AddProposal",
            AddProposalRequest {
                state_id: state,
                key_package: kp.key_package[..kp.key_package.len() - 1].to_vec()
            },
            ProposalResponse
        );
        refuse!(
            "RemoveProposal",
            RemoveProposalRequest {
                state_id: state,
                removed_id: b"nobody".to_vec()
            },
            ProposalResponse
        );
        refuse!(
            "Unprotect",
            UnprotectRequest {
                state_id: state,
                ciphertext: garbage.clone()
            },
            UnprotectResponse
        );
        refuse!(
            "HandleCommit",
            HandleCommitRequest {
                state_id: state,
                proposal: vec![garbage.clone()],
                commit: garbage.clone()
            },
            HandleCommitResponse
        );
        refuse!(
            "HandleCommit",
            HandleCommitRequest {
                state_id: state,
                proposal: vec![],
                commit: garbage.clone()
            },
            HandleCommitResponse
        );
        refuse!(
            "HandlePendingCommit",
            HandlePendingCommitRequest { state_id: state },
            HandleCommitResponse
        );
        refuse!(
            "Commit",
            CommitRequest {
                state_id: state,
                by_reference: vec![garbage.clone()],
                ..Default::default()
            },
            CommitResponse
        );
        refuse!(
            "Commit",
            CommitRequest {
                state_id: state,
                by_value: vec![ProposalDescription {
                    proposal_type: b"bogus".to_vec(),
                    ..Default::default()
                }],
                ..Default::default()
            },
            CommitResponse
        );
        refuse!(
            "Export",
            ExportRequest {
                state_id: state,
                label: "x".into(),
                context: vec![],
                key_length: 1 << 20
            },
            ExportResponse
        );
        refuse!(
            "GroupContextExtensionsProposal",
            GroupContextExtensionsProposalRequest {
                state_id: state,
                extensions: vec![Extension {
                    extension_type: 1 << 20,
                    extension_data: vec![]
                }]
            },
            ProposalResponse
        );
        refuse!(
            "ReInitProposal",
            ReInitProposalRequest {
                state_id: state,
                cipher_suite: 0xffff,
                ..Default::default()
            },
            ProposalResponse
        );
        refuse!(
            "HandleReInitCommit",
            HandleCommitRequest {
                state_id: state,
                proposal: vec![],
                commit: garbage.clone()
            },
            HandleReInitCommitResponse
        );
        refuse!(
            "ReInitWelcome",
            ReInitWelcomeRequest {
                reinit_id: state,
                ..Default::default()
            },
            CreateSubgroupResponse
        );
        refuse!(
            "HandleReInitWelcome",
            HandleReInitWelcomeRequest {
                reinit_id: state,
                welcome: garbage.clone(),
                ..Default::default()
            },
            JoinGroupResponse
        );
        refuse!(
            "CreateBranch",
            CreateBranchRequest {
                state_id: state,
                key_packages: vec![garbage.clone()],
                ..Default::default()
            },
            CreateSubgroupResponse
        );
        refuse!(
            "HandleBranch",
            HandleBranchRequest {
                state_id: state,
                transaction_id: kp.transaction_id,
                welcome: garbage.clone(),
                ratchet_tree: garbage.clone()
            },
            HandleBranchResponse
        );
        refuse!(
            "NewMemberAddProposal",
            NewMemberAddProposalRequest {
                group_info: garbage.clone(),
                identity: b"x".to_vec()
            },
            NewMemberAddProposalResponse
        );
        refuse!(
            "CreateExternalSigner",
            CreateExternalSignerRequest {
                cipher_suite: 0xfffff,
                identity: vec![]
            },
            CreateExternalSignerResponse
        );
        refuse!(
            "AddExternalSigner",
            AddExternalSignerRequest {
                state_id: state,
                external_sender: garbage.clone()
            },
            ProposalResponse
        );
        refuse!(
            "ExternalSignerProposal",
            ExternalSignerProposalRequest {
                signer_id: state,
                group_info: garbage.clone(),
                ..Default::default()
            },
            ProposalResponse
        );
        refuse!(
            "StorePSK",
            StorePSKRequest {
                state_or_transaction_id: 999_999,
                ..Default::default()
            },
            StorePSKResponse
        );
        refuse!(
            "GroupInfo",
            GroupInfoRequest {
                state_id: kp.transaction_id,
                external_tree: false
            },
            GroupInfoResponse
        );
        assert_eq!(refused.len(), 26);

        // The group is unharmed: it still commits and answers.
        let _: CommitResponse = call(
            ch,
            "Commit",
            CommitRequest {
                state_id: state,
                ..Default::default()
            },
        )
        .await
        .expect("the group still commits");
        let _: HandleCommitResponse = call(
            ch,
            "HandlePendingCommit",
            HandlePendingCommitRequest { state_id: state },
        )
        .await
        .expect("and merges");
        for id in [state, kp.transaction_id] {
            let _: FreeResponse = call(ch, "Free", FreeRequest { state_id: id })
                .await
                .expect("Free");
        }
        assert_eq!(server.handle.held(), 0);
    });
}
