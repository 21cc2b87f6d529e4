//! Clients and groups for the rules tests.

use interop::clients::{TestProvider, client_builder, seed};
use mls_core::CipherSuite;
use mls_core::group::{Client, ClientBuilder, Group, GroupConfig, KeyPackageOptions};

pub(crate) const SUITE: CipherSuite = CipherSuite::MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519;
pub(crate) const BACKEND: &str = "rustcrypto";

/// A client with the library's default rules and validator.
pub(crate) fn member(name: &str, n: u64) -> Client<TestProvider> {
    builder(name, n).build()
}

pub(crate) fn builder(name: &str, n: u64) -> ClientBuilder<TestProvider> {
    client_builder(BACKEND, SUITE, name, seed(n)).unwrap()
}

/// `creator`'s new group with `others` added in one commit (merged by all).
pub(crate) fn group_of(
    creator: &Client<TestProvider>,
    others: &[&Client<TestProvider>],
    extensions: mls_core::extensions::Extensions,
) -> Vec<Group<TestProvider>> {
    group_with_config(creator, others, extensions, GroupConfig::default())
}

/// [`group_of`] with `config` for every member (for example PublicMessage
/// handshakes, which a test may process again after a refusal: a refused
/// PrivateMessage has spent its key).
pub(crate) fn group_with_config(
    creator: &Client<TestProvider>,
    others: &[&Client<TestProvider>],
    extensions: mls_core::extensions::Extensions,
    config: GroupConfig,
) -> Vec<Group<TestProvider>> {
    let mut a = Group::create(creator, SUITE, extensions, config.clone()).unwrap();
    if others.is_empty() {
        return vec![a];
    }
    let kps: Vec<_> = others
        .iter()
        .map(|c| {
            c.generate_key_package(SUITE, &KeyPackageOptions::default())
                .unwrap()
        })
        .collect();
    let out = a.add_members(&kps).unwrap();
    a.merge_pending_commit().unwrap();
    let welcome = out.welcome.unwrap();
    let mut groups = vec![a];
    for c in others {
        groups.push(Group::join(c, &welcome, config.clone()).unwrap());
    }
    groups
}

/// What must not change when a message is refused: the epoch, its
/// authenticator and the cached proposals, in memory and in storage.
pub(crate) fn snapshot(g: &Group<TestProvider>) -> (u64, Vec<u8>, usize) {
    (
        g.epoch(),
        g.epoch_authenticator().to_vec(),
        g.pending_proposals().count(),
    )
}

/// Asserts `g` and its stored copy are both at `before`.
pub(crate) fn assert_unchanged(
    g: &Group<TestProvider>,
    client: &Client<TestProvider>,
    before: &(u64, Vec<u8>, usize),
) {
    assert_eq!(&snapshot(g), before, "in memory");
    let stored = Group::load(client, g.group_id()).unwrap();
    assert_eq!(&snapshot(&stored), before, "in storage");
}

/// The identity of a basic credential.
pub(crate) fn name(credential: &mls_core::credential::Credential) -> &[u8] {
    match credential {
        mls_core::credential::Credential::Basic { identity } => identity.as_slice(),
        _ => b"",
    }
}

/// Accepts every credential, and as a successor one whose identity keeps
/// the old one as a prefix ("bob" may become "bob#2"): a stand-in for a
/// renewed certificate.
pub(crate) struct Renewals;

impl mls_core::credential::CredentialValidator for Renewals {
    fn validate(&self, _: &mls_core::credential::CredentialCheck<'_>) -> Result<(), String> {
        Ok(())
    }
    fn validate_successor(
        &self,
        check: &mls_core::credential::CredentialCheck<'_>,
    ) -> Result<(), String> {
        let (old, _) = check.predecessor.ok_or("no predecessor")?;
        if name(check.credential).starts_with(name(old)) {
            Ok(())
        } else {
            Err("a renewal keeps the identity".to_owned())
        }
    }
}

/// A signing identity with a basic credential `name` and a fresh key from
/// `seed(n)`.
pub(crate) fn signing_identity(name: &str, n: u64) -> mls_core::group::SigningIdentity {
    use mls_core::provider::CryptoProvider;
    let crypto = interop::clients::crypto(BACKEND).unwrap();
    let signer = mls_core::crypto::generate_signer(
        crypto.cipher_suite(SUITE).unwrap(),
        &interop::SeededRand::new(seed(n)),
    )
    .unwrap();
    mls_core::group::SigningIdentity::new(
        mls_core::credential::Credential::basic(name.as_bytes().to_vec()),
        signer,
    )
}
