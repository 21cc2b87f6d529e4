//! OpenMLS 0.9 on its RustCrypto provider (`openmls_rust_crypto`, with
//! its in-memory storage).

use crate::lib_api::{Lib, Member, Slots};
use openmls::prelude::tls_codec::Deserialize;
use openmls::prelude::*;
use openmls::treesync::LeafNodeParameters;
use openmls_basic_credential::SignatureKeyPair;
use openmls_rust_crypto::OpenMlsRustCrypto;

const SUITE: Ciphersuite = Ciphersuite::MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519;

struct M {
    provider: OpenMlsRustCrypto,
    signer: SignatureKeyPair,
    credential: CredentialWithKey,
    group: Option<MlsGroup>,
}

/// OpenMLS with `openmls_rust_crypto`.
pub struct OpenMls {
    suite: Ciphersuite,
    members: Slots<M>,
}

impl Default for OpenMls {
    fn default() -> Self {
        Self::with_suite(SUITE)
    }
}

impl OpenMls {
    /// OpenMLS on `suite` (its post-quantum suites need the crate's
    /// `draft-ietf-mls-pq-ciphersuites` feature, which bench-peers enables).
    pub fn with_suite(suite: Ciphersuite) -> Self {
        Self {
            suite,
            members: Slots::default(),
        }
    }
}

/// Handshakes out as PublicMessage (application messages are always
/// PrivateMessage, so incoming is "mixed"), no padding, ratchet tree in
/// the Welcome's GroupInfo.
fn create_config(suite: Ciphersuite) -> MlsGroupCreateConfig {
    MlsGroupCreateConfig::builder()
        .ciphersuite(suite)
        .wire_format_policy(MIXED_PLAINTEXT_WIRE_FORMAT_POLICY)
        .padding_size(0)
        .use_ratchet_tree_extension(true)
        .build()
}

fn join_config() -> MlsGroupJoinConfig {
    MlsGroupJoinConfig::builder()
        .wire_format_policy(MIXED_PLAINTEXT_WIRE_FORMAT_POLICY)
        .padding_size(0)
        .use_ratchet_tree_extension(true)
        .build()
}

fn parse(bytes: &[u8]) -> MlsMessageBodyIn {
    MlsMessageIn::tls_deserialize_exact(bytes)
        .expect("parse")
        .extract()
}

fn encode(message: &MlsMessageOut) -> Vec<u8> {
    message.to_bytes().expect("encode")
}

impl OpenMls {
    fn parts(&mut self, m: Member) -> (&OpenMlsRustCrypto, &SignatureKeyPair, &mut MlsGroup) {
        let member = self.members.get_mut(m);
        (
            &member.provider,
            &member.signer,
            member.group.as_mut().expect("in a group"),
        )
    }

    fn process(&mut self, m: Member, bytes: &[u8]) -> ProcessedMessageContent {
        let (provider, _, group) = self.parts(m);
        let message = MlsMessageIn::tls_deserialize_exact(bytes)
            .expect("parse")
            .try_into_protocol_message()
            .expect("a protocol message");
        group
            .process_message(provider, message)
            .expect("process")
            .into_content()
    }
}

impl Lib for OpenMls {
    fn name(&self) -> &'static str {
        "openmls"
    }

    fn new_member(&mut self, identity: &str) -> Member {
        let provider = OpenMlsRustCrypto::default();
        let signer =
            SignatureKeyPair::new(self.suite.signature_algorithm()).expect("signature key");
        let credential = CredentialWithKey {
            credential: BasicCredential::new(identity.as_bytes().to_vec()).into(),
            signature_key: signer.to_public_vec().into(),
        };
        self.members.insert(M {
            provider,
            signer,
            credential,
            group: None,
        })
    }

    fn drop_member(&mut self, m: Member) {
        self.drop_group(m);
        self.members.remove(m);
    }

    fn key_package(&mut self, m: Member) -> Vec<u8> {
        let member = self.members.get(m);
        let bundle = KeyPackage::builder()
            .build(
                self.suite,
                &member.provider,
                &member.signer,
                member.credential.clone(),
            )
            .expect("KeyPackage");
        encode(&MlsMessageOut::from(bundle.key_package().clone()))
    }

    fn create_group(&mut self, m: Member) {
        let config = create_config(self.suite);
        let member = self.members.get_mut(m);
        let group = MlsGroup::new(
            &member.provider,
            &member.signer,
            &config,
            member.credential.clone(),
        )
        .expect("create");
        member.group = Some(group);
    }

    fn add(&mut self, m: Member, key_packages: &[Vec<u8>]) -> (Vec<u8>, Vec<u8>) {
        let (provider, signer, group) = self.parts(m);
        let key_packages: Vec<KeyPackage> = key_packages
            .iter()
            .map(|bytes| match parse(bytes) {
                MlsMessageBodyIn::KeyPackage(kp) => kp
                    .validate(provider.crypto(), ProtocolVersion::Mls10)
                    .expect("valid KeyPackage"),
                _ => panic!("not a KeyPackage"),
            })
            .collect();
        // add_members() forces a path (force_self_update = true).
        let (commit, welcome, _) = group
            .add_members(provider, signer, &key_packages)
            .expect("add commit");
        (encode(&commit), encode(&welcome))
    }

    fn merge_pending(&mut self, m: Member) {
        let (provider, _, group) = self.parts(m);
        group.merge_pending_commit(provider).expect("merge");
    }

    fn join(&mut self, m: Member, welcome: &[u8]) {
        let member = self.members.get_mut(m);
        let MlsMessageBodyIn::Welcome(welcome) = parse(welcome) else {
            panic!("not a Welcome")
        };
        let group =
            StagedWelcome::new_from_welcome(&member.provider, &join_config(), welcome, None)
                .expect("stage join")
                .into_group(&member.provider)
                .expect("join");
        member.group = Some(group);
    }

    fn self_update(&mut self, m: Member) -> Vec<u8> {
        let (provider, signer, group) = self.parts(m);
        let bundle = group
            .self_update(provider, signer, LeafNodeParameters::default())
            .expect("commit");
        encode(bundle.commit())
    }

    fn remove(&mut self, m: Member, leaf: u32) -> Vec<u8> {
        let (provider, signer, group) = self.parts(m);
        let (commit, _, _) = group
            .remove_members(provider, signer, &[LeafNodeIndex::new(leaf)])
            .expect("remove");
        encode(&commit)
    }

    fn process_commit(&mut self, m: Member, commit: &[u8]) {
        let ProcessedMessageContent::StagedCommitMessage(staged) = self.process(m, commit) else {
            panic!("expected a commit")
        };
        let (provider, _, group) = self.parts(m);
        group
            .merge_staged_commit(provider, *staged)
            .expect("merge staged commit");
    }

    fn encrypt(&mut self, m: Member, data: &[u8]) -> Vec<u8> {
        let (provider, signer, group) = self.parts(m);
        encode(
            &group
                .create_message(provider, signer, data)
                .expect("encrypt"),
        )
    }

    fn decrypt(&mut self, m: Member, message: &[u8]) -> Vec<u8> {
        match self.process(m, message) {
            ProcessedMessageContent::ApplicationMessage(a) => a.into_bytes(),
            _ => panic!("expected application data"),
        }
    }

    fn epoch_authenticator(&self, m: Member) -> Vec<u8> {
        let group = self.members.get(m).group.as_ref().expect("in a group");
        group.epoch_authenticator().as_slice().to_vec()
    }

    fn leaf_index(&self, m: Member) -> u32 {
        let group = self.members.get(m).group.as_ref().expect("in a group");
        group.own_leaf_index().u32()
    }

    fn drop_group(&mut self, m: Member) {
        let member = self.members.get_mut(m);
        if let Some(mut group) = member.group.take() {
            group
                .delete(member.provider.storage())
                .expect("delete group");
        }
    }
}
