//! The messages of the working group's `mls_client` gRPC package, as our own
//! prost types.
//!
//! Each struct is what `prost-build` would generate for the message of the
//! same name in `mls_client.proto` (same field names, numbers and wire
//! types), written by hand so that a build needs neither the `.proto` (the
//! working group's file, which stays out of this repository) nor `protoc`.
//! `tests/grpc_proto.rs` compiles the working group's file when
//! `MLS_INTEROP_PROTO` names it and checks [`MESSAGES`] against it, so a
//! difference fails CI instead of a test run against another client.
//!
//! Conventions of the protocol, in our terms:
//!
//! * A *state_id* is a handle to one [`Group`] kept by the server; a
//!   *transaction_id* is a handle to a pending join: a KeyPackage (or an
//!   external Add proposal) whose private keys the server keeps until the
//!   Welcome arrives. Handles are `uint32` and chosen by the server.
//! * Cipher suites are the RFC 9420 §17.1 code points (`u16`) carried in a
//!   `uint32`.
//! * `identity` is the identity of a basic credential (§5.3.1); the runner
//!   names members by these bytes (a Remove names its target by identity,
//!   not by leaf index).
//! * MLS values (`key_package`, `welcome`, `commit`, `proposal`,
//!   `group_info`, `ciphertext`) are TLS-encoded MLSMessages (§6);
//!   `ratchet_tree` is a TLS-encoded ratchet tree (the `ratchet_tree`
//!   extension's content, §12.4.3.3), empty when the tree travels in-band.
//! * `epoch_authenticator` is §8.7's value of the epoch the state is in after
//!   the call.
//!
//! [`Group`]: mls_core::group::Group

/// One field of a message as its prost attribute declares it, for the
/// schema comparison with the working group's `.proto`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldSchema {
    /// The field's name (the same in Rust and in the `.proto`).
    pub name: &'static str,
    /// The tokens of the field's `#[prost(...)]` attribute, as written
    /// (`bytes = "vec", repeated, tag = "2"`): the same tokens prost's
    /// derive reads, so this cannot drift from the encoding.
    pub prost: &'static str,
    /// The Rust type as written (`Vec<Extension>`,
    /// `Option<ProposalDescription>`), which names a message field's type.
    pub rust_type: &'static str,
}

/// One message: its `.proto` name and its fields in declaration order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MessageSchema {
    /// The message's name in package `mls_client`.
    pub name: &'static str,
    /// Its fields.
    pub fields: &'static [FieldSchema],
}

/// Declares each message as a prost struct and records its fields in
/// [`MESSAGES`] from the same tokens, so the table the proto test reads is
/// the code that encodes, not a copy of it.
macro_rules! proto_messages {
    ($(
        $(#[doc = $doc:literal])*
        pub struct $name:ident {
            $(
                $(#[doc = $fdoc:literal])*
                #[prost($($attr:tt)*)]
                pub $field:ident: $ty:ty,
            )*
        }
    )*) => {
        $(
            $(#[doc = $doc])*
            #[derive(Clone, PartialEq, ::prost::Message)]
            pub struct $name {
                $(
                    $(#[doc = $fdoc])*
                    #[prost($($attr)*)]
                    pub $field: $ty,
                )*
            }
        )*

        /// Every message of the `mls_client` package, in the `.proto`'s
        /// order, with each field's prost attribute.
        pub const MESSAGES: &[MessageSchema] = &[$(
            MessageSchema {
                name: stringify!($name),
                fields: &[$(
                    FieldSchema {
                        name: stringify!($field),
                        prost: stringify!($($attr)*),
                        rust_type: stringify!($ty),
                    },
                )*],
            },
        )*];
    };
}

proto_messages! {
    /// `Name`: no input.
    pub struct NameRequest {}

    /// `Name`: this implementation's name, which the runner prints in its
    /// reports.
    pub struct NameResponse {
        /// Human-readable name (ours names the crypto backend and storage).
        #[prost(string, tag = "1")]
        pub name: String,
    }

    /// `SupportedCiphersuites`: no input.
    pub struct SupportedCiphersuitesRequest {}

    /// `SupportedCiphersuites`: the suites this server's crypto backend
    /// implements; the runner only asks for these.
    pub struct SupportedCiphersuitesResponse {
        /// Cipher suite code points (`u16` values in a `uint32`).
        #[prost(uint32, repeated, tag = "1")]
        pub ciphersuites: Vec<u32>,
    }

    /// `CreateGroup`: a new one-member group (§11).
    pub struct CreateGroupRequest {
        /// The new group's `group_id`.
        #[prost(bytes = "vec", tag = "1")]
        pub group_id: Vec<u8>,
        /// Its cipher suite (a `u16` code point).
        #[prost(uint32, tag = "2")]
        pub cipher_suite: u32,
        /// Whether this member sends its proposals and commits as
        /// PrivateMessages (otherwise PublicMessages).
        #[prost(bool, tag = "3")]
        pub encrypt_handshake: bool,
        /// The identity of the creator's basic credential.
        #[prost(bytes = "vec", tag = "4")]
        pub identity: Vec<u8>,
    }

    /// `CreateGroup`: the handle of the new group.
    pub struct CreateGroupResponse {
        /// The group's state handle.
        #[prost(uint32, tag = "1")]
        pub state_id: u32,
    }

    /// `CreateKeyPackage`: a KeyPackage (§10) for a later `JoinGroup`.
    pub struct CreateKeyPackageRequest {
        /// The KeyPackage's cipher suite.
        #[prost(uint32, tag = "1")]
        pub cipher_suite: u32,
        /// The identity of its basic credential.
        #[prost(bytes = "vec", tag = "2")]
        pub identity: Vec<u8>,
    }

    /// `CreateKeyPackage`: the KeyPackage, its pending-join handle and its
    /// private keys (the runner records them for passive-client vectors).
    pub struct CreateKeyPackageResponse {
        /// Handle of the pending join that `JoinGroup` completes.
        #[prost(uint32, tag = "1")]
        pub transaction_id: u32,
        /// The KeyPackage, as an MLSMessage.
        #[prost(bytes = "vec", tag = "2")]
        pub key_package: Vec<u8>,
        /// The HPKE private key of `init_key`.
        #[prost(bytes = "vec", tag = "3")]
        pub init_priv: Vec<u8>,
        /// The HPKE private key of the leaf's `encryption_key`.
        #[prost(bytes = "vec", tag = "4")]
        pub encryption_priv: Vec<u8>,
        /// The signature private key of the leaf.
        #[prost(bytes = "vec", tag = "5")]
        pub signature_priv: Vec<u8>,
    }

    /// `JoinGroup`: complete a join with a Welcome (§12.4.3).
    pub struct JoinGroupRequest {
        /// The pending join (from `CreateKeyPackage`).
        #[prost(uint32, tag = "1")]
        pub transaction_id: u32,
        /// The Welcome, as an MLSMessage.
        #[prost(bytes = "vec", tag = "2")]
        pub welcome: Vec<u8>,
        /// Whether the new member sends handshakes as PrivateMessages.
        #[prost(bool, tag = "3")]
        pub encrypt_handshake: bool,
        /// The joiner's identity (the same as the KeyPackage's).
        #[prost(bytes = "vec", tag = "4")]
        pub identity: Vec<u8>,
        /// The ratchet tree when the Welcome's GroupInfo does not carry it;
        /// empty otherwise.
        #[prost(bytes = "vec", tag = "5")]
        pub ratchet_tree: Vec<u8>,
    }

    /// `JoinGroup` and `HandleReInitWelcome`: the joined group.
    pub struct JoinGroupResponse {
        /// The new group state's handle.
        #[prost(uint32, tag = "1")]
        pub state_id: u32,
        /// The joined epoch's epoch_authenticator (§8.7).
        #[prost(bytes = "vec", tag = "2")]
        pub epoch_authenticator: Vec<u8>,
    }

    /// An external PSK (§8.4) the joiner of `ExternalJoin` must know.
    pub struct PreSharedKey {
        /// The external PSK's `psk_id`.
        #[prost(bytes = "vec", tag = "1")]
        pub psk_id: Vec<u8>,
        /// Its secret.
        #[prost(bytes = "vec", tag = "2")]
        pub psk_secret: Vec<u8>,
    }

    /// `ExternalJoin`: join by external commit (§12.4.3.2).
    pub struct ExternalJoinRequest {
        /// The group's GroupInfo, as an MLSMessage.
        #[prost(bytes = "vec", tag = "1")]
        pub group_info: Vec<u8>,
        /// The ratchet tree when the GroupInfo does not carry it.
        #[prost(bytes = "vec", tag = "2")]
        pub ratchet_tree: Vec<u8>,
        /// Whether the new member sends later handshakes as PrivateMessages
        /// (the external commit itself is always a PublicMessage).
        #[prost(bool, tag = "3")]
        pub encrypt_handshake: bool,
        /// The joiner's identity.
        #[prost(bytes = "vec", tag = "4")]
        pub identity: Vec<u8>,
        /// Whether the commit also removes the leaf that has the same
        /// identity (a member re-joining, §12.4.3.2).
        #[prost(bool, tag = "5")]
        pub remove_prior: bool,
        /// External PSKs to store and inject through PreSharedKey
        /// proposals in the commit.
        #[prost(message, repeated, tag = "6")]
        pub psks: Vec<PreSharedKey>,
    }

    /// `ExternalJoin`: the joiner's state and the commit the members
    /// process.
    pub struct ExternalJoinResponse {
        /// The new member's state handle.
        #[prost(uint32, tag = "1")]
        pub state_id: u32,
        /// The external commit, as an MLSMessage.
        #[prost(bytes = "vec", tag = "2")]
        pub commit: Vec<u8>,
        /// The new epoch's epoch_authenticator.
        #[prost(bytes = "vec", tag = "3")]
        pub epoch_authenticator: Vec<u8>,
    }

    /// `GroupInfo`: a signed GroupInfo (§12.4.3) of a group, for an
    /// external join.
    pub struct GroupInfoRequest {
        /// The group.
        #[prost(uint32, tag = "1")]
        pub state_id: u32,
        /// Return the tree in `ratchet_tree` rather than in the
        /// GroupInfo's `ratchet_tree` extension.
        #[prost(bool, tag = "2")]
        pub external_tree: bool,
    }

    /// `GroupInfo`: the GroupInfo and, when asked for, the tree apart.
    pub struct GroupInfoResponse {
        /// The GroupInfo (with an `external_pub` extension), as an
        /// MLSMessage.
        #[prost(bytes = "vec", tag = "1")]
        pub group_info: Vec<u8>,
        /// The ratchet tree if `external_tree` was set, else empty.
        #[prost(bytes = "vec", tag = "2")]
        pub ratchet_tree: Vec<u8>,
    }

    /// `StateAuth`: the epoch's authenticator, to compare members' states.
    pub struct StateAuthRequest {
        /// The group.
        #[prost(uint32, tag = "1")]
        pub state_id: u32,
    }

    /// `StateAuth`: the current epoch_authenticator (§8.7).
    pub struct StateAuthResponse {
        /// The epoch_authenticator.
        #[prost(bytes = "vec", tag = "1")]
        pub state_auth_secret: Vec<u8>,
    }

    /// `Export`: MLS-Exporter (§8.5) of the current epoch.
    pub struct ExportRequest {
        /// The group.
        #[prost(uint32, tag = "1")]
        pub state_id: u32,
        /// The exporter label.
        #[prost(string, tag = "2")]
        pub label: String,
        /// The exporter context.
        #[prost(bytes = "vec", tag = "3")]
        pub context: Vec<u8>,
        /// The length of the secret in bytes.
        #[prost(uint32, tag = "4")]
        pub key_length: u32,
    }

    /// `Export`: the exported secret.
    pub struct ExportResponse {
        /// `key_length` bytes.
        #[prost(bytes = "vec", tag = "1")]
        pub exported_secret: Vec<u8>,
    }

    /// `Protect`: encrypt an application message (§6.3).
    pub struct ProtectRequest {
        /// The group.
        #[prost(uint32, tag = "1")]
        pub state_id: u32,
        /// The PrivateMessage's `authenticated_data`.
        #[prost(bytes = "vec", tag = "2")]
        pub authenticated_data: Vec<u8>,
        /// The application data.
        #[prost(bytes = "vec", tag = "3")]
        pub plaintext: Vec<u8>,
    }

    /// `Protect`: the PrivateMessage.
    pub struct ProtectResponse {
        /// The PrivateMessage, as an MLSMessage.
        #[prost(bytes = "vec", tag = "1")]
        pub ciphertext: Vec<u8>,
    }

    /// `Unprotect`: decrypt an application message.
    pub struct UnprotectRequest {
        /// The group.
        #[prost(uint32, tag = "1")]
        pub state_id: u32,
        /// The PrivateMessage, as an MLSMessage.
        #[prost(bytes = "vec", tag = "2")]
        pub ciphertext: Vec<u8>,
    }

    /// `Unprotect`: what the sender protected.
    pub struct UnprotectResponse {
        /// The message's `authenticated_data`.
        #[prost(bytes = "vec", tag = "1")]
        pub authenticated_data: Vec<u8>,
        /// The application data.
        #[prost(bytes = "vec", tag = "2")]
        pub plaintext: Vec<u8>,
    }

    /// `StorePSK`: make an external PSK known to a group member or to a
    /// pending join.
    pub struct StorePSKRequest {
        /// A state handle or a transaction handle (the two share one
        /// number space on the server, so this is unambiguous).
        #[prost(uint32, tag = "1")]
        pub state_or_transaction_id: u32,
        /// The external PSK's `psk_id`.
        #[prost(bytes = "vec", tag = "2")]
        pub psk_id: Vec<u8>,
        /// Its secret.
        #[prost(bytes = "vec", tag = "3")]
        pub psk_secret: Vec<u8>,
    }

    /// `StorePSK`: no output.
    pub struct StorePSKResponse {}

    /// `AddProposal`: an Add proposal (§12.1.1).
    pub struct AddProposalRequest {
        /// The proposer's group.
        #[prost(uint32, tag = "1")]
        pub state_id: u32,
        /// The KeyPackage to add, as an MLSMessage.
        #[prost(bytes = "vec", tag = "2")]
        pub key_package: Vec<u8>,
    }

    /// Every proposal RPC: the proposal message, which the runner hands to
    /// the other members and to the committer.
    pub struct ProposalResponse {
        /// The proposal as an MLSMessage (a PrivateMessage when the group
        /// was set up with `encrypt_handshake`).
        #[prost(bytes = "vec", tag = "1")]
        pub proposal: Vec<u8>,
    }

    /// `UpdateProposal`: an Update proposal (§12.1.2) with a fresh leaf.
    pub struct UpdateProposalRequest {
        /// The proposer's group.
        #[prost(uint32, tag = "1")]
        pub state_id: u32,
    }

    /// `RemoveProposal`: a Remove proposal (§12.1.3).
    pub struct RemoveProposalRequest {
        /// The proposer's group.
        #[prost(uint32, tag = "1")]
        pub state_id: u32,
        /// The identity of the member to remove (the server finds its
        /// leaf).
        #[prost(bytes = "vec", tag = "2")]
        pub removed_id: Vec<u8>,
    }

    /// `ExternalPSKProposal`: a PreSharedKey proposal (§12.1.4) for an
    /// external PSK stored with `StorePSK`.
    pub struct ExternalPSKProposalRequest {
        /// The proposer's group.
        #[prost(uint32, tag = "1")]
        pub state_id: u32,
        /// The PSK's `psk_id`.
        #[prost(bytes = "vec", tag = "2")]
        pub psk_id: Vec<u8>,
    }

    /// `ResumptionPSKProposal`: a PreSharedKey proposal for this group's
    /// resumption PSK of an earlier epoch (usage `application`).
    pub struct ResumptionPSKProposalRequest {
        /// The proposer's group.
        #[prost(uint32, tag = "1")]
        pub state_id: u32,
        /// The epoch whose resumption_psk is injected.
        #[prost(uint64, tag = "2")]
        pub epoch_id: u64,
    }

    /// An extension (§13): a type and its encoded content.
    pub struct Extension {
        /// The ExtensionType (a `u16` in a `uint32`).
        #[prost(uint32, tag = "1")]
        pub extension_type: u32,
        /// `extension_data`, as sent.
        #[prost(bytes = "vec", tag = "2")]
        pub extension_data: Vec<u8>,
    }

    /// `GroupContextExtensionsProposal`: a GroupContextExtensions proposal
    /// (§12.1.7).
    pub struct GroupContextExtensionsProposalRequest {
        /// The proposer's group.
        #[prost(uint32, tag = "1")]
        pub state_id: u32,
        /// The group's new extension list.
        #[prost(message, repeated, tag = "2")]
        pub extensions: Vec<Extension>,
    }

    /// A proposal to include by value in a commit (or, for
    /// `ExternalSignerProposal`, to send from an external sender). Only the
    /// fields of its type are set.
    pub struct ProposalDescription {
        /// ASCII: `add`, `remove`, `externalPSK`, `resumptionPSK`,
        /// `groupContextExtensions`, or `reinit` (`ExternalSignerProposal`
        /// only). Bytes, not a string, in the working group's file.
        #[prost(bytes = "vec", tag = "1")]
        pub proposal_type: Vec<u8>,
        /// `add`: the KeyPackage, as an MLSMessage.
        #[prost(bytes = "vec", tag = "2")]
        pub key_package: Vec<u8>,
        /// `remove`: the identity of the member to remove.
        #[prost(bytes = "vec", tag = "3")]
        pub removed_id: Vec<u8>,
        /// `externalPSK`: the PSK's `psk_id`.
        #[prost(bytes = "vec", tag = "4")]
        pub psk_id: Vec<u8>,
        /// `resumptionPSK`: the epoch.
        #[prost(uint64, tag = "5")]
        pub epoch_id: u64,
        /// `groupContextExtensions` and `reinit`: the extensions.
        #[prost(message, repeated, tag = "6")]
        pub extensions: Vec<Extension>,
        /// `reinit`: the new group's `group_id`.
        #[prost(bytes = "vec", tag = "7")]
        pub group_id: Vec<u8>,
        /// `reinit`: the new group's cipher suite.
        #[prost(uint32, tag = "8")]
        pub cipher_suite: u32,
    }

    /// `Commit` and `ReInitCommit`: a commit (§12.4) over proposals the
    /// member received (by reference) and proposals it makes now (by
    /// value). The commit stays pending until `HandlePendingCommit`.
    pub struct CommitRequest {
        /// The committer's group.
        #[prost(uint32, tag = "1")]
        pub state_id: u32,
        /// Proposal messages (MLSMessages) to process first and commit by
        /// reference.
        #[prost(bytes = "vec", repeated, tag = "2")]
        pub by_reference: Vec<Vec<u8>>,
        /// Proposals to make and include by value.
        #[prost(message, repeated, tag = "3")]
        pub by_value: Vec<ProposalDescription>,
        /// Include an UpdatePath even when the proposals do not require one.
        #[prost(bool, tag = "4")]
        pub force_path: bool,
        /// Return the tree in `ratchet_tree` rather than in the Welcome's
        /// GroupInfo.
        #[prost(bool, tag = "5")]
        pub external_tree: bool,
    }

    /// `Commit` and `ReInitCommit`: the commit and, if it adds members,
    /// their Welcome.
    pub struct CommitResponse {
        /// The commit, as an MLSMessage.
        #[prost(bytes = "vec", tag = "1")]
        pub commit: Vec<u8>,
        /// The Welcome as an MLSMessage, or empty when nobody is added.
        #[prost(bytes = "vec", tag = "2")]
        pub welcome: Vec<u8>,
        /// The new epoch's ratchet tree when `external_tree` was set; empty
        /// otherwise.
        #[prost(bytes = "vec", tag = "3")]
        pub ratchet_tree: Vec<u8>,
    }

    /// `HandleCommit` and `HandleReInitCommit`: process proposals, then a
    /// commit from another member.
    pub struct HandleCommitRequest {
        /// The receiver's group.
        #[prost(uint32, tag = "1")]
        pub state_id: u32,
        /// Proposal messages (MLSMessages) to process before the commit.
        #[prost(bytes = "vec", repeated, tag = "2")]
        pub proposal: Vec<Vec<u8>>,
        /// The commit, as an MLSMessage.
        #[prost(bytes = "vec", tag = "3")]
        pub commit: Vec<u8>,
    }

    /// `HandleCommit` and `HandlePendingCommit`: the group in its new epoch.
    pub struct HandleCommitResponse {
        /// The state handle of the new epoch (a new handle or the same one:
        /// the runner uses whichever it gets).
        #[prost(uint32, tag = "1")]
        pub state_id: u32,
        /// The new epoch's epoch_authenticator.
        #[prost(bytes = "vec", tag = "2")]
        pub epoch_authenticator: Vec<u8>,
    }

    /// `HandlePendingCommit` and `HandlePendingReInitCommit`: merge the
    /// commit this member made with `Commit`/`ReInitCommit`.
    pub struct HandlePendingCommitRequest {
        /// The committer's group.
        #[prost(uint32, tag = "1")]
        pub state_id: u32,
    }

    /// `ReInitProposal`: a ReInit proposal (§12.1.5).
    pub struct ReInitProposalRequest {
        /// The proposer's group.
        #[prost(uint32, tag = "1")]
        pub state_id: u32,
        /// The new group's cipher suite.
        #[prost(uint32, tag = "2")]
        pub cipher_suite: u32,
        /// The new group's `group_id`.
        #[prost(bytes = "vec", tag = "3")]
        pub group_id: Vec<u8>,
        /// The new group's extensions.
        #[prost(message, repeated, tag = "4")]
        pub extensions: Vec<Extension>,
    }

    /// `HandleReInitCommit` and `HandlePendingReInitCommit`: the old group
    /// is finished; the member offers a KeyPackage for the new one.
    pub struct HandleReInitCommitResponse {
        /// Handle of the pending reinitialization (old group's resumption
        /// PSK and the new KeyPackage's private keys).
        #[prost(uint32, tag = "1")]
        pub reinit_id: u32,
        /// A KeyPackage for the new group's suite, as an MLSMessage.
        #[prost(bytes = "vec", tag = "2")]
        pub key_package: Vec<u8>,
        /// The last epoch's epoch_authenticator of the old group.
        #[prost(bytes = "vec", tag = "3")]
        pub epoch_authenticator: Vec<u8>,
    }

    /// `ReInitWelcome`: create the reinitialized group (§11.2) with the
    /// other members' KeyPackages.
    pub struct ReInitWelcomeRequest {
        /// The pending reinitialization.
        #[prost(uint32, tag = "1")]
        pub reinit_id: u32,
        /// The other members' KeyPackages, as MLSMessages.
        #[prost(bytes = "vec", repeated, tag = "2")]
        pub key_package: Vec<Vec<u8>>,
        /// Include an UpdatePath in the first commit.
        #[prost(bool, tag = "3")]
        pub force_path: bool,
        /// Return the tree in `ratchet_tree` rather than in the Welcome.
        #[prost(bool, tag = "4")]
        pub external_tree: bool,
    }

    /// `ReInitWelcome` and `CreateBranch`: the new group and its Welcome.
    pub struct CreateSubgroupResponse {
        /// The new group's state handle.
        #[prost(uint32, tag = "1")]
        pub state_id: u32,
        /// The Welcome (with the resumption PSK), as an MLSMessage.
        #[prost(bytes = "vec", tag = "2")]
        pub welcome: Vec<u8>,
        /// The tree when `external_tree` was set; empty otherwise.
        #[prost(bytes = "vec", tag = "3")]
        pub ratchet_tree: Vec<u8>,
        /// The new group's epoch_authenticator.
        #[prost(bytes = "vec", tag = "4")]
        pub epoch_authenticator: Vec<u8>,
    }

    /// `HandleReInitWelcome`: join the reinitialized group.
    pub struct HandleReInitWelcomeRequest {
        /// The pending reinitialization.
        #[prost(uint32, tag = "1")]
        pub reinit_id: u32,
        /// The Welcome, as an MLSMessage.
        #[prost(bytes = "vec", tag = "2")]
        pub welcome: Vec<u8>,
        /// The tree when the Welcome does not carry it.
        #[prost(bytes = "vec", tag = "3")]
        pub ratchet_tree: Vec<u8>,
    }

    /// `CreateBranch`: a subgroup branched from a group (§11.3), with a
    /// resumption PSK of usage `branch`.
    pub struct CreateBranchRequest {
        /// The group branched from.
        #[prost(uint32, tag = "1")]
        pub state_id: u32,
        /// The new group's `group_id`.
        #[prost(bytes = "vec", tag = "2")]
        pub group_id: Vec<u8>,
        /// The new group's extensions.
        #[prost(message, repeated, tag = "3")]
        pub extensions: Vec<Extension>,
        /// The KeyPackages of the members taken along, as MLSMessages.
        #[prost(bytes = "vec", repeated, tag = "4")]
        pub key_packages: Vec<Vec<u8>>,
        /// Include an UpdatePath in the first commit.
        #[prost(bool, tag = "5")]
        pub force_path: bool,
        /// Return the tree in `ratchet_tree` rather than in the Welcome.
        #[prost(bool, tag = "6")]
        pub external_tree: bool,
    }

    /// `HandleBranch`: join a branched subgroup.
    pub struct HandleBranchRequest {
        /// The joiner's state in the group branched from (for the
        /// resumption PSK).
        #[prost(uint32, tag = "1")]
        pub state_id: u32,
        /// The pending join whose KeyPackage the branch used.
        #[prost(uint32, tag = "2")]
        pub transaction_id: u32,
        /// The Welcome, as an MLSMessage.
        #[prost(bytes = "vec", tag = "3")]
        pub welcome: Vec<u8>,
        /// The tree when the Welcome does not carry it.
        #[prost(bytes = "vec", tag = "4")]
        pub ratchet_tree: Vec<u8>,
    }

    /// `HandleBranch`: the joined subgroup.
    pub struct HandleBranchResponse {
        /// The subgroup's state handle.
        #[prost(uint32, tag = "1")]
        pub state_id: u32,
        /// Its epoch_authenticator.
        #[prost(bytes = "vec", tag = "2")]
        pub epoch_authenticator: Vec<u8>,
    }

    /// `NewMemberAddProposal`: an Add proposal from a new member
    /// (sender `new_member_proposal`, §12.1.8 and §6.1).
    pub struct NewMemberAddProposalRequest {
        /// The group's GroupInfo, as an MLSMessage.
        #[prost(bytes = "vec", tag = "1")]
        pub group_info: Vec<u8>,
        /// The new member's identity.
        #[prost(bytes = "vec", tag = "2")]
        pub identity: Vec<u8>,
    }

    /// `NewMemberAddProposal`: the proposal and the pending join its
    /// KeyPackage belongs to.
    pub struct NewMemberAddProposalResponse {
        /// Handle of the pending join that `JoinGroup` completes.
        #[prost(uint32, tag = "1")]
        pub transaction_id: u32,
        /// The proposal, as an MLSMessage (a PublicMessage).
        #[prost(bytes = "vec", tag = "2")]
        pub proposal: Vec<u8>,
        /// The KeyPackage's `init_key` private key.
        #[prost(bytes = "vec", tag = "3")]
        pub init_priv: Vec<u8>,
        /// The leaf's `encryption_key` private key.
        #[prost(bytes = "vec", tag = "4")]
        pub encryption_priv: Vec<u8>,
        /// The leaf's signature private key.
        #[prost(bytes = "vec", tag = "5")]
        pub signature_priv: Vec<u8>,
    }

    /// `CreateExternalSigner`: a signature key for an external sender
    /// (§12.1.8.1).
    pub struct CreateExternalSignerRequest {
        /// The suite whose signature scheme the key uses.
        #[prost(uint32, tag = "1")]
        pub cipher_suite: u32,
        /// The identity of the external sender's basic credential.
        #[prost(bytes = "vec", tag = "2")]
        pub identity: Vec<u8>,
    }

    /// `CreateExternalSigner`: the signer's handle and its ExternalSender.
    pub struct CreateExternalSignerResponse {
        /// Handle of the external signer on this server.
        #[prost(uint32, tag = "1")]
        pub signer_id: u32,
        /// The TLS-encoded ExternalSender (signature key and credential).
        #[prost(bytes = "vec", tag = "2")]
        pub external_sender: Vec<u8>,
    }

    /// `AddExternalSigner`: a GroupContextExtensions proposal that appends
    /// an ExternalSender to the group's `external_senders` extension.
    pub struct AddExternalSignerRequest {
        /// The proposer's group.
        #[prost(uint32, tag = "1")]
        pub state_id: u32,
        /// The TLS-encoded ExternalSender to add.
        #[prost(bytes = "vec", tag = "2")]
        pub external_sender: Vec<u8>,
    }

    /// Declared by the working group's file but returned by no RPC there
    /// (`AddExternalSigner` returns [`ProposalResponse`]); kept so our
    /// package matches the file message for message.
    pub struct AddExternalSignerResponse {
        /// The proposal, as an MLSMessage.
        #[prost(bytes = "vec", tag = "1")]
        pub proposal: Vec<u8>,
        /// The index of the new entry in `external_senders`.
        #[prost(uint32, tag = "2")]
        pub signer_index: u32,
    }

    /// `ExternalSignerProposal`: a proposal sent by an external sender
    /// (sender type `external`, §6.1).
    pub struct ExternalSignerProposalRequest {
        /// The external signer (from `CreateExternalSigner`).
        #[prost(uint32, tag = "1")]
        pub signer_id: u32,
        /// Its index in the group's `external_senders` extension.
        #[prost(uint32, tag = "2")]
        pub signer_index: u32,
        /// The group's GroupInfo, as an MLSMessage (for the group context
        /// the proposal is bound to).
        #[prost(bytes = "vec", tag = "3")]
        pub group_info: Vec<u8>,
        /// The tree when the GroupInfo does not carry it (needed to find a
        /// removed member by identity).
        #[prost(bytes = "vec", tag = "4")]
        pub ratchet_tree: Vec<u8>,
        /// The proposal to send.
        #[prost(message, optional, tag = "5")]
        pub description: Option<ProposalDescription>,
    }

    /// `Free`: forget a state. The runner calls it for every actor after
    /// every run, and it must succeed.
    pub struct FreeRequest {
        /// The state handle to drop.
        #[prost(uint32, tag = "1")]
        pub state_id: u32,
    }

    /// `Free`: no output.
    pub struct FreeResponse {}
}
