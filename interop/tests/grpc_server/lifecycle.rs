//! A whole lifecycle over three servers, one per crypto backend (one on
//! SQLite): every RPC of the service in the order a runner would call
//! them, with the epoch authenticator compared at every member after every
//! change of epoch, and every id freed at the end.

use super::grpc_support::{Running, call, runtime, start_one as start};
use interop::grpc::messages::*;
use interop::grpc::server::StorageChoice;
use tonic::transport::Channel;

/// Suite 1 (X25519, AES-128-GCM, Ed25519), which all three backends have.
const SUITE: u32 = 1;
/// Suite 2 (P-256): a ReInit to it changes the signature scheme too.
const NEW_SUITE: u32 = 2;

/// An actor: the server it lives on and its current state id.
struct Member<'a> {
    channel: &'a Channel,
    state: u32,
}

async fn key_package(channel: &Channel, identity: &str, suite: u32) -> CreateKeyPackageResponse {
    let kp: CreateKeyPackageResponse = call(
        channel,
        "CreateKeyPackage",
        CreateKeyPackageRequest {
            cipher_suite: suite,
            identity: identity.as_bytes().to_vec(),
        },
    )
    .await
    .expect("CreateKeyPackage");
    assert!(!kp.key_package.is_empty() && kp.transaction_id != 0);
    assert!(!kp.init_priv.is_empty() && !kp.encryption_priv.is_empty());
    assert!(!kp.signature_priv.is_empty());
    kp
}

async fn auth(member: &Member<'_>) -> Vec<u8> {
    let response: StateAuthResponse = call(
        member.channel,
        "StateAuth",
        StateAuthRequest {
            state_id: member.state,
        },
    )
    .await
    .expect("StateAuth");
    response.state_auth_secret
}

/// Commits at `committer` (by reference and by value), merges it there and
/// has `others` handle it; returns the commit response and the epoch
/// authenticator everyone agreed on.
async fn full_commit(
    committer: &Member<'_>,
    by_reference: Vec<Vec<u8>>,
    by_value: Vec<ProposalDescription>,
    others: &[&Member<'_>],
    external_tree: bool,
) -> (CommitResponse, Vec<u8>) {
    let commit: CommitResponse = call(
        committer.channel,
        "Commit",
        CommitRequest {
            state_id: committer.state,
            by_reference: by_reference.clone(),
            by_value,
            force_path: true,
            external_tree,
        },
    )
    .await
    .expect("Commit");
    let merged: HandleCommitResponse = call(
        committer.channel,
        "HandlePendingCommit",
        HandlePendingCommitRequest {
            state_id: committer.state,
        },
    )
    .await
    .expect("HandlePendingCommit");
    for other in others {
        let handled: HandleCommitResponse = call(
            other.channel,
            "HandleCommit",
            HandleCommitRequest {
                state_id: other.state,
                proposal: by_reference.clone(),
                commit: commit.commit.clone(),
            },
        )
        .await
        .expect("HandleCommit");
        assert_eq!(handled.epoch_authenticator, merged.epoch_authenticator);
    }
    (commit, merged.epoch_authenticator)
}

async fn join(
    channel: &Channel,
    kp: &CreateKeyPackageResponse,
    commit: &CommitResponse,
    encrypt: bool,
) -> (u32, Vec<u8>) {
    let joined: JoinGroupResponse = call(
        channel,
        "JoinGroup",
        JoinGroupRequest {
            transaction_id: kp.transaction_id,
            welcome: commit.welcome.clone(),
            encrypt_handshake: encrypt,
            identity: Vec::new(),
            ratchet_tree: commit.ratchet_tree.clone(),
        },
    )
    .await
    .expect("JoinGroup");
    (joined.state_id, joined.epoch_authenticator)
}

async fn group_info(member: &Member<'_>, external_tree: bool) -> GroupInfoResponse {
    call(
        member.channel,
        "GroupInfo",
        GroupInfoRequest {
            state_id: member.state,
            external_tree,
        },
    )
    .await
    .expect("GroupInfo")
}

async fn proposal<Req>(member: &Member<'_>, rpc: &str, request: Req) -> Vec<u8>
where
    Req: prost::Message + Send + Sync + 'static,
{
    let response: ProposalResponse = call(member.channel, rpc, request)
        .await
        .unwrap_or_else(|e| panic!("{rpc}: {e}"));
    response.proposal
}

async fn lifecycle(servers: &[Running; 3], encrypt: bool) -> usize {
    let [a, b, c] = servers;
    let mut epochs = 0;
    // alice creates; bob joins by an Add by reference with the tree out of
    // band.
    let created: CreateGroupResponse = call(
        &a.channel,
        "CreateGroup",
        CreateGroupRequest {
            group_id: b"lifecycle".to_vec(),
            cipher_suite: SUITE,
            encrypt_handshake: encrypt,
            identity: b"alice".to_vec(),
        },
    )
    .await
    .expect("CreateGroup");
    let alice = Member {
        channel: &a.channel,
        state: created.state_id,
    };
    let bob_kp = key_package(&b.channel, "bob", SUITE).await;
    let add = proposal(
        &alice,
        "AddProposal",
        AddProposalRequest {
            state_id: alice.state,
            key_package: bob_kp.key_package.clone(),
        },
    )
    .await;
    let (commit, epoch) = full_commit(&alice, vec![add], vec![], &[], true).await;
    assert!(
        !commit.ratchet_tree.is_empty(),
        "external_tree returns the tree"
    );
    let (state, joined) = join(&b.channel, &bob_kp, &commit, encrypt).await;
    assert_eq!(joined, epoch);
    let bob = Member {
        channel: &b.channel,
        state,
    };
    epochs += 1;

    // charlie by value, the tree in the Welcome.
    let charlie_kp = key_package(&c.channel, "charlie", SUITE).await;
    let add = ProposalDescription {
        proposal_type: b"add".to_vec(),
        key_package: charlie_kp.key_package.clone(),
        ..Default::default()
    };
    let (commit, epoch) = full_commit(&alice, vec![], vec![add], &[&bob], false).await;
    assert!(commit.ratchet_tree.is_empty());
    let (state, joined) = join(&c.channel, &charlie_kp, &commit, encrypt).await;
    assert_eq!(joined, epoch);
    let charlie = Member {
        channel: &c.channel,
        state,
    };
    epochs += 1;
    let all = [&alice, &bob, &charlie];
    for m in all {
        assert_eq!(auth(m).await, epoch);
        let exported: ExportResponse = call(
            m.channel,
            "Export",
            ExportRequest {
                state_id: m.state,
                label: "interop".into(),
                context: b"ctx".to_vec(),
                key_length: 32,
            },
        )
        .await
        .expect("Export");
        let first: ExportResponse = call(
            alice.channel,
            "Export",
            ExportRequest {
                state_id: alice.state,
                label: "interop".into(),
                context: b"ctx".to_vec(),
                key_length: 32,
            },
        )
        .await
        .expect("Export");
        assert_eq!(exported.exported_secret.len(), 32);
        assert_eq!(exported.exported_secret, first.exported_secret);
    }

    // Application data from bob to the others.
    let sealed: ProtectResponse = call(
        bob.channel,
        "Protect",
        ProtectRequest {
            state_id: bob.state,
            authenticated_data: b"aad".to_vec(),
            plaintext: b"hello".to_vec(),
        },
    )
    .await
    .expect("Protect");
    for m in [&alice, &charlie] {
        let opened: UnprotectResponse = call(
            m.channel,
            "Unprotect",
            UnprotectRequest {
                state_id: m.state,
                ciphertext: sealed.ciphertext.clone(),
            },
        )
        .await
        .expect("Unprotect");
        assert_eq!(opened.plaintext, b"hello");
        assert_eq!(opened.authenticated_data, b"aad");
    }

    // An Update, an external PSK and a resumption PSK, committed by bob
    // (his own PSK proposal comes back in the list and is skipped).
    for m in all {
        let _: StorePSKResponse = call(
            m.channel,
            "StorePSK",
            StorePSKRequest {
                state_or_transaction_id: m.state,
                psk_id: b"psk".to_vec(),
                psk_secret: [7u8; 32].to_vec(),
            },
        )
        .await
        .expect("StorePSK");
    }
    let update = proposal(
        &charlie,
        "UpdateProposal",
        UpdateProposalRequest {
            state_id: charlie.state,
        },
    )
    .await;
    let psk = proposal(
        &bob,
        "ExternalPSKProposal",
        ExternalPSKProposalRequest {
            state_id: bob.state,
            psk_id: b"psk".to_vec(),
        },
    )
    .await;
    let resumption = proposal(
        &alice,
        "ResumptionPSKProposal",
        ResumptionPSKProposalRequest {
            state_id: alice.state,
            epoch_id: 2,
        },
    )
    .await;
    full_commit(
        &bob,
        vec![update, psk, resumption],
        vec![],
        &[&alice, &charlie],
        false,
    )
    .await;
    epochs += 1;

    // An external sender, then a Remove of charlie from it.
    let signer: CreateExternalSignerResponse = call(
        &a.channel,
        "CreateExternalSigner",
        CreateExternalSignerRequest {
            cipher_suite: SUITE,
            identity: b"ds".to_vec(),
        },
    )
    .await
    .expect("CreateExternalSigner");
    let gce = proposal(
        &alice,
        "AddExternalSigner",
        AddExternalSignerRequest {
            state_id: alice.state,
            external_sender: signer.external_sender.clone(),
        },
    )
    .await;
    full_commit(&alice, vec![gce], vec![], &[&bob, &charlie], false).await;
    epochs += 1;
    let info = group_info(&bob, true).await;
    let remove = ProposalDescription {
        proposal_type: b"remove".to_vec(),
        removed_id: b"charlie".to_vec(),
        ..Default::default()
    };
    let external: ProposalResponse = call(
        &a.channel,
        "ExternalSignerProposal",
        ExternalSignerProposalRequest {
            signer_id: signer.signer_id,
            signer_index: 0,
            group_info: info.group_info,
            ratchet_tree: info.ratchet_tree,
            description: Some(remove),
        },
    )
    .await
    .expect("ExternalSignerProposal");
    full_commit(&bob, vec![external.proposal], vec![], &[&alice], false).await;
    epochs += 1;

    // dave joins by external commit, with a PSK.
    let info = group_info(&alice, false).await;
    let dave: ExternalJoinResponse = call(
        &c.channel,
        "ExternalJoin",
        ExternalJoinRequest {
            group_info: info.group_info,
            ratchet_tree: Vec::new(),
            encrypt_handshake: encrypt,
            identity: b"dave".to_vec(),
            remove_prior: false,
            psks: vec![PreSharedKey {
                psk_id: b"psk".to_vec(),
                psk_secret: [7u8; 32].to_vec(),
            }],
        },
    )
    .await
    .expect("ExternalJoin");
    for m in [&alice, &bob] {
        let handled: HandleCommitResponse = call(
            m.channel,
            "HandleCommit",
            HandleCommitRequest {
                state_id: m.state,
                proposal: vec![],
                commit: dave.commit.clone(),
            },
        )
        .await
        .expect("HandleCommit of the external commit");
        assert_eq!(handled.epoch_authenticator, dave.epoch_authenticator);
    }
    let dave_member = Member {
        channel: &c.channel,
        state: dave.state_id,
    };
    epochs += 1;

    // erin asks to be added (new_member_proposal); alice commits it.
    let info = group_info(&alice, false).await;
    let erin: NewMemberAddProposalResponse = call(
        &b.channel,
        "NewMemberAddProposal",
        NewMemberAddProposalRequest {
            group_info: info.group_info,
            identity: b"erin".to_vec(),
        },
    )
    .await
    .expect("NewMemberAddProposal");
    assert!(!erin.init_priv.is_empty() && !erin.signature_priv.is_empty());
    let (commit, epoch) = full_commit(
        &alice,
        vec![erin.proposal.clone()],
        vec![],
        &[&bob, &dave_member],
        false,
    )
    .await;
    let erin_kp = CreateKeyPackageResponse {
        transaction_id: erin.transaction_id,
        ..Default::default()
    };
    let (state, joined) = join(&b.channel, &erin_kp, &commit, encrypt).await;
    assert_eq!(joined, epoch);
    let erin_member = Member {
        channel: &b.channel,
        state,
    };
    epochs += 1;

    // A branch with bob, the tree out of band.
    let bob_branch_kp = key_package(&b.channel, "bob", SUITE).await;
    let branch: CreateSubgroupResponse = call(
        alice.channel,
        "CreateBranch",
        CreateBranchRequest {
            state_id: alice.state,
            group_id: b"branch".to_vec(),
            extensions: vec![],
            key_packages: vec![bob_branch_kp.key_package.clone()],
            force_path: true,
            external_tree: true,
        },
    )
    .await
    .expect("CreateBranch");
    let handled: HandleBranchResponse = call(
        bob.channel,
        "HandleBranch",
        HandleBranchRequest {
            state_id: bob.state,
            transaction_id: bob_branch_kp.transaction_id,
            welcome: branch.welcome.clone(),
            ratchet_tree: branch.ratchet_tree.clone(),
        },
    )
    .await
    .expect("HandleBranch");
    assert_eq!(handled.epoch_authenticator, branch.epoch_authenticator);
    let branch_ids = [
        (alice.channel, branch.state_id),
        (bob.channel, handled.state_id),
    ];

    // A ReInit to suite 2 (another signature scheme), proposed by bob,
    // committed by alice, welcomed by dave.
    let reinit = proposal(
        &bob,
        "ReInitProposal",
        ReInitProposalRequest {
            state_id: bob.state,
            cipher_suite: NEW_SUITE,
            group_id: b"lifecycle++".to_vec(),
            extensions: vec![],
        },
    )
    .await;
    let commit: CommitResponse = call(
        alice.channel,
        "ReInitCommit",
        CommitRequest {
            state_id: alice.state,
            by_reference: vec![reinit.clone()],
            ..Default::default()
        },
    )
    .await
    .expect("ReInitCommit");
    let merged: HandleReInitCommitResponse = call(
        alice.channel,
        "HandlePendingReInitCommit",
        HandlePendingCommitRequest {
            state_id: alice.state,
        },
    )
    .await
    .expect("HandlePendingReInitCommit");
    let mut reinits = vec![(alice.channel, merged.reinit_id, merged.key_package)];
    for m in [&bob, &dave_member, &erin_member] {
        let handled: HandleReInitCommitResponse = call(
            m.channel,
            "HandleReInitCommit",
            HandleCommitRequest {
                state_id: m.state,
                proposal: vec![reinit.clone()],
                commit: commit.commit.clone(),
            },
        )
        .await
        .expect("HandleReInitCommit");
        assert_eq!(handled.epoch_authenticator, merged.epoch_authenticator);
        reinits.push((m.channel, handled.reinit_id, handled.key_package));
    }
    epochs += 1;
    // dave (third) welcomes the others into the new group.
    let welcomer = &reinits[2];
    let others: Vec<_> = reinits
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != 2)
        .map(|(_, r)| r)
        .collect();
    let key_packages = others.iter().map(|r| r.2.clone()).collect();
    let welcome: CreateSubgroupResponse = call(
        welcomer.0,
        "ReInitWelcome",
        ReInitWelcomeRequest {
            reinit_id: welcomer.1,
            key_package: key_packages,
            force_path: false,
            external_tree: false,
        },
    )
    .await
    .expect("ReInitWelcome");
    let mut new_states = vec![(welcomer.0, welcome.state_id)];
    for (channel, reinit_id, _) in &others {
        let joined: JoinGroupResponse = call(
            channel,
            "HandleReInitWelcome",
            HandleReInitWelcomeRequest {
                reinit_id: *reinit_id,
                welcome: welcome.welcome.clone(),
                ratchet_tree: vec![],
            },
        )
        .await
        .expect("HandleReInitWelcome");
        assert_eq!(joined.epoch_authenticator, welcome.epoch_authenticator);
        new_states.push((channel, joined.state_id));
    }
    assert_eq!(new_states.len(), 4);
    epochs += 1;

    // Free everything this run created.
    let mut ids: Vec<(&Channel, u32)> = vec![
        (alice.channel, alice.state),
        (bob.channel, bob.state),
        (charlie.channel, charlie.state),
        (c.channel_ref(), dave.state_id),
        (b.channel_ref(), erin.transaction_id),
        (erin_member.channel, erin_member.state),
        (a.channel_ref(), signer.signer_id),
        (b.channel_ref(), bob_kp.transaction_id),
        (c.channel_ref(), charlie_kp.transaction_id),
        (b.channel_ref(), bob_branch_kp.transaction_id),
    ];
    ids.extend(branch_ids);
    ids.extend(reinits.iter().map(|(ch, id, _)| (*ch, *id)));
    ids.extend(new_states.iter().map(|(ch, id)| (*ch, *id)));
    for (channel, id) in ids {
        let _: FreeResponse = call(channel, "Free", FreeRequest { state_id: id })
            .await
            .expect("Free");
    }
    epochs
}

trait ChannelRef {
    fn channel_ref(&self) -> &Channel;
}

impl ChannelRef for Running {
    fn channel_ref(&self) -> &Channel {
        &self.channel
    }
}

#[test]
fn a_lifecycle_over_three_backends_with_every_rpc() {
    runtime().block_on(async {
        let servers = [
            start("rustcrypto", StorageChoice::Memory).await,
            start("ring", StorageChoice::Sqlite).await,
            start("awslc", StorageChoice::Memory).await,
        ];
        for encrypt in [false, true] {
            let epochs = lifecycle(&servers, encrypt).await;
            assert_eq!(epochs, 9, "encrypt_handshake {encrypt}");
            for server in &servers {
                assert_eq!(
                    server.handle.held(),
                    0,
                    "{}: Free left state behind",
                    server.name
                );
            }
        }
    });
}
