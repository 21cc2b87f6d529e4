//! Our library (mls-core) on one of its three crypto backends.

use crate::lib_api::{Lib, Member, Slots};
use mls_core::credential::{AcceptAll, Credential};
use mls_core::crypto::generate_signer;
use mls_core::framing::WireFormat;
use mls_core::provider::{CryptoProvider, MlsProvider, RandProvider};
use mls_core::{
    CipherSuite, Client, Group, GroupConfig, KeyPackageOptions, MlsMessage, ProcessedMessage,
};
use mls_storage_memory::MemoryStorage;

type P = MlsProvider<Box<dyn CryptoProvider>, Box<dyn RandProvider>, MemoryStorage>;

const SUITE: CipherSuite = CipherSuite::MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519;

/// A backend: its crypto provider (with the provisional suites too when
/// asked) and its system randomness.
type Backend = fn(bool) -> (Box<dyn CryptoProvider>, Box<dyn RandProvider>);

struct M {
    client: Client<P>,
    group: Option<Group<P>>,
}

/// Our library on one backend.
pub struct Ours {
    name: &'static str,
    backend: Backend,
    suite: CipherSuite,
    members: Slots<M>,
}

impl Ours {
    /// `rustcrypto`, `ring` or `aws-lc`.
    pub fn new(backend: &str) -> Option<Self> {
        let (name, backend): (&'static str, Backend) = match backend {
            "rustcrypto" => ("ours-rustcrypto", |provisional| {
                let crypto = if provisional {
                    mls_crypto_rustcrypto::RustCryptoProvider::with_provisional_suites()
                } else {
                    mls_crypto_rustcrypto::RustCryptoProvider::new()
                };
                (
                    Box::new(crypto),
                    Box::new(mls_crypto_rustcrypto::SystemRand),
                )
            }),
            "ring" => ("ours-ring", |_| {
                (
                    Box::new(mls_crypto_ring::RingProvider::new()),
                    Box::new(mls_crypto_ring::SystemRand::new()),
                )
            }),
            "aws-lc" => ("ours-aws-lc", |_| {
                (
                    Box::new(mls_crypto_awslc::AwsLcProvider::new()),
                    Box::new(mls_crypto_awslc::SystemRand),
                )
            }),
            _ => return None,
        };
        Some(Self {
            name,
            backend,
            suite: SUITE,
            members: Slots::default(),
        })
    }

    /// [`Ours::new`] on `suite` (a provisional post-quantum one on
    /// `rustcrypto`).
    pub fn with_suite(backend: &str, suite: CipherSuite) -> Option<Self> {
        Some(Self {
            suite,
            ..Self::new(backend)?
        })
    }

    fn group(&mut self, m: Member) -> &mut Group<P> {
        self.members.get_mut(m).group.as_mut().expect("in a group")
    }
}

/// PublicMessage handshakes, no padding (the default), ratchet tree in
/// the Welcome (the default), no external_pub in the GroupInfo (the
/// peers put none in theirs either).
fn config() -> GroupConfig {
    GroupConfig {
        handshake_wire_format: WireFormat::PublicMessage,
        external_pub_in_group_info: false,
        ..GroupConfig::default()
    }
}

fn parse(bytes: &[u8]) -> MlsMessage {
    MlsMessage::from_bytes(bytes).expect("parse")
}

impl Lib for Ours {
    fn name(&self) -> &'static str {
        self.name
    }

    fn new_member(&mut self, identity: &str) -> Member {
        let (crypto, rand) = (self.backend)(self.suite != SUITE);
        let signer = generate_signer(crypto.cipher_suite(self.suite).expect("suite"), &rand)
            .expect("signature key");
        let provider = MlsProvider::new(crypto, rand, MemoryStorage::new());
        let client = Client::builder(
            provider,
            Credential::basic(identity.as_bytes().to_vec()),
            signer,
        )
        .credential_validator(AcceptAll)
        .cipher_suites(&[self.suite])
        .build();
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
        client
            .generate_key_package(self.suite, &KeyPackageOptions::default())
            .expect("KeyPackage")
            .to_message()
            .to_bytes()
            .expect("encode")
    }

    fn create_group(&mut self, m: Member) {
        let suite = self.suite;
        let member = self.members.get_mut(m);
        let group =
            Group::create(&member.client, suite, Default::default(), config()).expect("create");
        member.group = Some(group);
    }

    fn add(&mut self, m: Member, key_packages: &[Vec<u8>]) -> (Vec<u8>, Vec<u8>) {
        let group = self.group(m);
        // add_members() adds a path only where the RFC requires one (never
        // for adds alone): the builder forces it.
        let out = key_packages
            .iter()
            .fold(group.commit_builder().force_path(true), |b, kp| {
                b.add_member(parse(kp).into_key_package().expect("a KeyPackage"))
            })
            .build()
            .expect("add commit");
        (
            out.commit.to_bytes().expect("encode"),
            out.welcome.expect("Welcome").to_bytes().expect("encode"),
        )
    }

    fn merge_pending(&mut self, m: Member) {
        self.group(m).merge_pending_commit().expect("merge");
    }

    fn join(&mut self, m: Member, welcome: &[u8]) {
        let member = self.members.get_mut(m);
        let group = Group::join(&member.client, &parse(welcome), config()).expect("join");
        member.group = Some(group);
    }

    fn self_update(&mut self, m: Member) -> Vec<u8> {
        let out = self.group(m).self_update().expect("commit");
        out.commit.to_bytes().expect("encode")
    }

    fn remove(&mut self, m: Member, leaf: u32) -> Vec<u8> {
        let out = self.group(m).remove_members(&[leaf]).expect("remove");
        out.commit.to_bytes().expect("encode")
    }

    fn process_commit(&mut self, m: Member, commit: &[u8]) {
        let result = self
            .group(m)
            .process_and_merge(&parse(commit))
            .expect("process commit");
        assert!(matches!(result, ProcessedMessage::Commit(_)));
    }

    fn encrypt(&mut self, m: Member, data: &[u8]) -> Vec<u8> {
        self.group(m)
            .encrypt_application_message(data, b"")
            .expect("encrypt")
            .to_bytes()
            .expect("encode")
    }

    fn decrypt(&mut self, m: Member, message: &[u8]) -> Vec<u8> {
        match self.group(m).process_message(&parse(message)) {
            Ok(ProcessedMessage::Application(a)) => a.data,
            _ => panic!("expected application data"),
        }
    }

    fn epoch_authenticator(&self, m: Member) -> Vec<u8> {
        let group = self.members.get(m).group.as_ref().expect("in a group");
        group.epoch_authenticator().to_vec()
    }

    fn leaf_index(&self, m: Member) -> u32 {
        let group = self.members.get(m).group.as_ref().expect("in a group");
        group.own_leaf_index()
    }

    fn drop_group(&mut self, m: Member) {
        let member = self.members.get_mut(m);
        if let Some(group) = member.group.take() {
            let id = group.group_id().to_vec();
            drop(group);
            member.client.delete_group(&id).expect("delete group");
        }
    }
}
