//! mls-rs 0.57 on `mls-rs-crypto-rustcrypto` or `mls-rs-crypto-awslc`.

use crate::lib_api::{Lib, Member, Slots};
use mls_rs::client_builder::{MlsConfig, PaddingMode};
use mls_rs::group::ReceivedMessage;
use mls_rs::identity::SigningIdentity;
use mls_rs::identity::basic::{BasicCredential, BasicIdentityProvider};
use mls_rs::mls_rules::{CommitOptions, DefaultMlsRules, EncryptionOptions};
use mls_rs::{CipherSuite, CipherSuiteProvider, Client, CryptoProvider, Group, MlsMessage};

const SUITE: CipherSuite = CipherSuite::CURVE25519_AES128;

struct M<C: MlsConfig> {
    client: Client<C>,
    group: Option<Group<C>>,
}

/// mls-rs on one crypto provider; `make` builds a client (its config type
/// is inferred, never named).
pub struct MlsRs<C: MlsConfig, F: Fn(&str) -> Client<C>> {
    name: &'static str,
    make: F,
    members: Slots<M<C>>,
}

/// Paths on every commit (adds included), ratchet tree in the Welcome
/// (the default), handshakes as PublicMessage and no padding.
fn client<P: CryptoProvider + Clone>(
    crypto: &P,
    identity: &str,
) -> Client<impl MlsConfig + use<P>> {
    let suite = crypto.cipher_suite_provider(SUITE).expect("suite");
    let (secret, public) = suite.signature_key_generate().expect("signature key");
    let credential = BasicCredential::new(identity.as_bytes().to_vec()).into_credential();
    Client::builder()
        .identity_provider(BasicIdentityProvider)
        .crypto_provider(crypto.clone())
        .mls_rules(
            DefaultMlsRules::new()
                .with_commit_options(
                    CommitOptions::new()
                        .with_path_required(true)
                        .with_ratchet_tree_extension(true),
                )
                .with_encryption_options(EncryptionOptions::new(false, PaddingMode::None)),
        )
        .signing_identity(SigningIdentity::new(credential, public), secret, SUITE)
        .build()
}

/// mls-rs on `backend` (`rustcrypto` or `awslc`).
pub fn new(backend: &str) -> Option<Box<dyn Lib>> {
    match backend {
        "rustcrypto" => {
            let crypto = mls_rs_crypto_rustcrypto::RustCryptoProvider::new();
            Some(Box::new(MlsRs {
                name: "mlsrs-rustcrypto",
                make: move |id: &str| client(&crypto, id),
                members: Slots::default(),
            }))
        }
        "awslc" => {
            let crypto = mls_rs_crypto_awslc::AwsLcCryptoProvider::new();
            Some(Box::new(MlsRs {
                name: "mlsrs-awslc",
                make: move |id: &str| client(&crypto, id),
                members: Slots::default(),
            }))
        }
        _ => None,
    }
}

/// Writes the group to its client's storage, unless `MLSRS_NO_STORE` is
/// set (to see what storing costs).
fn store<C: MlsConfig>(group: &mut Group<C>) {
    if std::env::var_os("MLSRS_NO_STORE").is_none() {
        group.write_to_storage().expect("store");
    }
}

fn parse(bytes: &[u8]) -> MlsMessage {
    MlsMessage::from_bytes(bytes).expect("parse")
}

fn encode(message: &MlsMessage) -> Vec<u8> {
    message.to_bytes().expect("encode")
}

impl<C: MlsConfig, F: Fn(&str) -> Client<C>> MlsRs<C, F> {
    fn group(&mut self, m: Member) -> &mut Group<C> {
        self.members.get_mut(m).group.as_mut().expect("in a group")
    }
}

impl<C: MlsConfig, F: Fn(&str) -> Client<C>> Lib for MlsRs<C, F> {
    fn name(&self) -> &'static str {
        self.name
    }

    fn new_member(&mut self, identity: &str) -> Member {
        let client = (self.make)(identity);
        self.members.insert(M {
            client,
            group: None,
        })
    }

    fn drop_member(&mut self, m: Member) {
        self.drop_group(m);
        self.members.remove(m);
    }

    fn key_package(&mut self, m: Member) -> Vec<u8> {
        let client = &self.members.get(m).client;
        encode(
            &client
                .generate_key_package_message(Default::default(), Default::default(), None)
                .expect("KeyPackage"),
        )
    }

    fn create_group(&mut self, m: Member) {
        let member = self.members.get_mut(m);
        let group = member
            .client
            .create_group(Default::default(), Default::default(), None)
            .expect("create");
        member.group = Some(group);
    }

    fn add(&mut self, m: Member, key_packages: &[Vec<u8>]) -> (Vec<u8>, Vec<u8>) {
        let group = self.group(m);
        let mut builder = group.commit_builder();
        for kp in key_packages {
            builder = builder.add_member(parse(kp)).expect("add proposal");
        }
        let out = builder.build().expect("add commit");
        assert_eq!(out.welcome_messages.len(), 1);
        (
            encode(&out.commit_message),
            encode(&out.welcome_messages[0]),
        )
    }

    /// Merges, then writes the new epoch to the client's (in-memory) group
    /// storage: mls-rs stores only when asked, ours and OpenMLS store every
    /// new epoch as part of the merge.
    fn merge_pending(&mut self, m: Member) {
        let group = self.group(m);
        group.apply_pending_commit().expect("merge");
        store(group);
    }

    fn join(&mut self, m: Member, welcome: &[u8]) {
        let member = self.members.get_mut(m);
        let (mut group, _) = member
            .client
            .join_group(None, &parse(welcome), None)
            .expect("join");
        store(&mut group);
        member.group = Some(group);
    }

    fn self_update(&mut self, m: Member) -> Vec<u8> {
        encode(
            &self
                .group(m)
                .commit(Vec::new())
                .expect("commit")
                .commit_message,
        )
    }

    fn remove(&mut self, m: Member, leaf: u32) -> Vec<u8> {
        let out = self
            .group(m)
            .commit_builder()
            .remove_member(leaf)
            .expect("remove proposal")
            .build()
            .expect("remove");
        encode(&out.commit_message)
    }

    fn process_commit(&mut self, m: Member, commit: &[u8]) {
        let group = self.group(m);
        let received = group
            .process_incoming_message(parse(commit))
            .expect("process commit");
        assert!(matches!(received, ReceivedMessage::Commit(_)));
        store(group);
    }

    fn encrypt(&mut self, m: Member, data: &[u8]) -> Vec<u8> {
        encode(
            &self
                .group(m)
                .encrypt_application_message(data, Vec::new())
                .expect("encrypt"),
        )
    }

    fn decrypt(&mut self, m: Member, message: &[u8]) -> Vec<u8> {
        match self.group(m).process_incoming_message(parse(message)) {
            Ok(ReceivedMessage::ApplicationMessage(a)) => a.data().to_vec(),
            _ => panic!("expected application data"),
        }
    }

    fn epoch_authenticator(&self, m: Member) -> Vec<u8> {
        let group = self.members.get(m).group.as_ref().expect("in a group");
        group.epoch_authenticator().expect("authenticator").to_vec()
    }

    fn leaf_index(&self, m: Member) -> u32 {
        let group = self.members.get(m).group.as_ref().expect("in a group");
        group.current_member_index()
    }

    fn drop_group(&mut self, m: Member) {
        self.members.get_mut(m).group = None;
    }
}
