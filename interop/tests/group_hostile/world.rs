//! The machinery of the hostile-input tests.
//!
//! * [`World`]: a small real group (suite 1), every member on one backend,
//!   handshakes sent as PublicMessages so that they can be decoded and
//!   altered.
//! * [`Spy`]: the secrets of the current epoch. The public API does not
//!   expose the membership key or the confirmation key, so the world learns
//!   them the way a new member does: one joiner's KeyPackage is built with
//!   private keys the test holds (`Client::import_key_package`), and its
//!   Welcome is opened with the public key-schedule functions.
//! * [`World::forge`]: a Commit built outside the library, as a hostile
//!   member or joiner would: proposals chosen freely, an UpdatePath made
//!   with `treekem::create_update_path`, signed with the attacker's key,
//!   with the confirmation tag and membership tag of the epoch. Only the
//!   rule under test is broken, so a library that does not enforce it
//!   accepts the message instead of failing on some other check.
//! * [`Shadow`]: a delivery service's public view of the group
//!   (`PublicGroup`) that follows every handshake the world delivers and
//!   is checked against the members: after each it holds their
//!   GroupContext (tree hash, transcript hash) and tree; a hostile
//!   message the members refuse for a reason that needs no secret it
//!   refuses with the same error.

use interop::SeededRand;
use interop::clients::{TestProvider, crypto, seed};
use mls_core::codec::{VarBytes, VarVec, decode_exact, encode};
use mls_core::credential::{Credential, CredentialCheck, CredentialType, CredentialValidator};
use mls_core::crypto::{
    decrypt_with_label, encrypt_with_label, generate_hpke_key_pair, generate_signer,
};
use mls_core::extensions::{ExtensionType, Extensions};
use mls_core::framing::{
    AuthenticatedContent, Content, FramedContent, MlsMessageBody, PublicMessage, Sender, WireFormat,
};
use mls_core::group::commit::{Commit, HpkeCiphertextWire};
use mls_core::group::group_info::GroupInfo;
use mls_core::group::proposal::{Proposal, ProposalOrRef, ProposalRef, ProposalType};
use mls_core::group::welcome::{EncryptedGroupSecrets, GroupSecrets, Welcome};
use mls_core::group::{
    Client, CommitOutput, Group, GroupConfig, KeyPackageOptions, ProcessedMessage, ReceivedProposal,
};
use mls_core::key_package::KeyPackage;
use mls_core::key_schedule::transcript::{
    confirmation_tag, confirmed_transcript_hash, interim_transcript_hash,
};
use mls_core::key_schedule::{
    EpochSecrets, GroupContext, PreSharedKeyId, psk_secret, welcome_key_nonce, welcome_secret,
};
use mls_core::provider::{
    CipherSuiteProvider, CryptoProvider, MlsProvider, Namespace, Provider, RandProvider, Signer,
    StorageProvider,
};
use mls_core::secret::{HpkePrivateKey, Secret};
use mls_core::tree::leaf_node::{LeafNode, LeafNodeSource, LeafNodeTbsContext};
use mls_core::tree::public_tree::PublicTree;
use mls_core::tree::treekem::create_update_path;
use mls_core::tree_math::LeafIndex;
use mls_core::{CipherSuite, Error, MlsMessage};
use mls_storage_memory::MemoryStorage;
use std::cell::Cell;
use std::sync::Arc;

#[path = "shadow.rs"]
mod shadow;
pub(crate) use shadow::Shadow;

/// The suite of every world.
pub(crate) const SUITE: CipherSuite = CipherSuite::MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519;
/// The crypto backends.
pub(crate) const BACKENDS: [&str; 3] = ["rustcrypto", "ring", "aws-lc"];
/// The external PSK every member of a world holds (see [`World::share_psk`]).
pub(crate) const TEAM_PSK_ID: &[u8] = b"team";
pub(crate) const TEAM_PSK: [u8; 32] = [7u8; 32];

pub(crate) type G = Group<TestProvider>;

const NAMES: [&str; 6] = ["alice", "bob", "carol", "dave", "erin", "frank"];

/// PublicMessage handshakes, so commits can be decoded and altered.
pub(crate) fn config() -> GroupConfig {
    GroupConfig {
        handshake_wire_format: WireFormat::PublicMessage,
        ..Default::default()
    }
}

/// The suite object of `client`.
pub(crate) fn suite_of(client: &Client<TestProvider>) -> &dyn CipherSuiteProvider {
    client
        .provider()
        .crypto()
        .cipher_suite(SUITE)
        .expect("suite 1 on every backend")
}

/// Custom capabilities of one client.
#[derive(Clone, Debug, Default)]
pub(crate) struct Caps {
    pub(crate) proposals: Vec<ProposalType>,
    pub(crate) extensions: Vec<ExtensionType>,
    /// Credential types listed beyond the client's own (basic).
    pub(crate) credentials: Vec<CredentialType>,
    /// The client's Authentication Service (§5.3.1); `None`: `AcceptAll`.
    pub(crate) validator: Option<Validator>,
}

/// A shareable credential validator, for [`Caps::validator`].
#[derive(Clone)]
pub(crate) struct Validator(pub(crate) Arc<dyn CredentialValidator>);

impl std::fmt::Debug for Validator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Validator(..)")
    }
}

impl CredentialValidator for Validator {
    fn validate(&self, check: &CredentialCheck<'_>) -> Result<(), String> {
        self.0.validate(check)
    }
    fn validate_successor(&self, check: &CredentialCheck<'_>) -> Result<(), String> {
        self.0.validate_successor(check)
    }
}

/// A client on `backend` with randomness from `seed_value` and `caps`.
pub(crate) fn make_client(
    backend: &str,
    name: &str,
    seed_value: [u8; 32],
    caps: &Caps,
) -> Client<TestProvider> {
    let crypto = crypto(backend).expect("known backend");
    let rand: Box<dyn RandProvider> = Box::new(SeededRand::new(seed_value));
    let signer =
        generate_signer(crypto.cipher_suite(SUITE).expect("suite"), &rand).expect("signature key");
    let provider = MlsProvider::new(crypto, rand, MemoryStorage::new());
    Client::builder(
        provider,
        Credential::basic(name.as_bytes().to_vec()),
        signer,
    )
    .proposal_types(&caps.proposals)
    .extension_types(&caps.extensions)
    .credential_types(&caps.credentials)
    // The hostile tests send what the RFC allows from outside the group
    // and check the RFC's own rules; the default rules are tested in
    // group_rules.rs.
    .rules(mls_core::group::DefaultRules::open())
    .credential_validator(
        caps.validator
            .clone()
            .unwrap_or_else(|| Validator(Arc::new(mls_core::credential::AcceptAll))),
    )
    .build()
}

/// A KeyPackage whose private keys the test knows (and the client stores).
#[derive(Clone, Debug)]
pub(crate) struct Known {
    pub(crate) kp: KeyPackage,
    pub(crate) init_private: HpkePrivateKey,
}

/// What a Welcome holds for one new member.
pub(crate) struct Opened {
    pub(crate) secrets: GroupSecrets,
    pub(crate) info: GroupInfo,
    pub(crate) psk_secret: Secret,
}

/// Opens `known`'s entry of `welcome`; `psks` are the values of the PSKs
/// the GroupSecrets name, in order.
pub(crate) fn open_welcome(
    cs: &dyn CipherSuiteProvider,
    welcome: &Welcome,
    known: &Known,
    psks: &[(PreSharedKeyId, Secret)],
) -> Opened {
    let reference = known.kp.reference(cs).expect("KeyPackageRef");
    let entry = welcome.secrets_for(&reference).expect("an entry for us");
    let ct = &entry.encrypted_group_secrets;
    let plaintext = decrypt_with_label(
        cs,
        &known.init_private,
        "Welcome",
        welcome.encrypted_group_info.as_slice(),
        ct.kem_output.as_slice(),
        ct.ciphertext.as_slice(),
    )
    .expect("GroupSecrets decrypt");
    let secrets: GroupSecrets = decode_exact(plaintext.as_bytes()).expect("GroupSecrets");
    let psk_secret = psk_secret(cs, psks).expect("psk_secret");
    let ws = welcome_secret(cs, &secrets.joiner_secret, &psk_secret).expect("welcome_secret");
    let (key, nonce) = welcome_key_nonce(cs, &ws).expect("welcome key");
    let info_bytes = cs
        .aead_open(
            key.as_bytes(),
            nonce.as_bytes(),
            &[],
            welcome.encrypted_group_info.as_slice(),
        )
        .expect("GroupInfo decrypt");
    let info: GroupInfo = decode_exact(info_bytes.as_bytes()).expect("GroupInfo");
    Opened {
        secrets,
        info,
        psk_secret,
    }
}

/// A Welcome for one new member with `info` encrypted under the key of
/// (`joiner`, `psk`) and `secrets` encrypted to `kp`'s init key.
pub(crate) fn seal_welcome(
    cs: &dyn CipherSuiteProvider,
    rand: &dyn RandProvider,
    info: &GroupInfo,
    joiner: &Secret,
    psk: &Secret,
    kp: &KeyPackage,
    secrets: &GroupSecrets,
) -> Welcome {
    let ws = welcome_secret(cs, joiner, psk).expect("welcome_secret");
    let (key, nonce) = welcome_key_nonce(cs, &ws).expect("welcome key");
    let egi = cs
        .aead_seal(
            key.as_bytes(),
            nonce.as_bytes(),
            &[],
            &encode(info).expect("GroupInfo"),
        )
        .expect("seal GroupInfo");
    let welcome = Welcome {
        cipher_suite: SUITE,
        secrets: VarVec::new(Vec::new()),
        encrypted_group_info: VarBytes::new(egi),
    };
    rewrap_secrets(cs, rand, &welcome, kp, secrets)
}

/// `welcome` with its entries replaced by one for `kp` carrying `secrets`
/// (over the same encrypted GroupInfo).
pub(crate) fn rewrap_secrets(
    cs: &dyn CipherSuiteProvider,
    rand: &dyn RandProvider,
    welcome: &Welcome,
    kp: &KeyPackage,
    secrets: &GroupSecrets,
) -> Welcome {
    let plaintext = encode(secrets).expect("GroupSecrets");
    rewrap_secret_bytes(cs, rand, welcome, kp, &plaintext)
}

/// [`rewrap_secrets`] with the GroupSecrets given as bytes (which need not
/// decode).
pub(crate) fn rewrap_secret_bytes(
    cs: &dyn CipherSuiteProvider,
    rand: &dyn RandProvider,
    welcome: &Welcome,
    kp: &KeyPackage,
    plaintext: &[u8],
) -> Welcome {
    let ct = encrypt_with_label(
        cs,
        kp.init_key.as_slice(),
        "Welcome",
        welcome.encrypted_group_info.as_slice(),
        plaintext,
        rand,
    )
    .expect("encrypt GroupSecrets");
    Welcome {
        cipher_suite: welcome.cipher_suite,
        secrets: VarVec::new(vec![EncryptedGroupSecrets {
            new_member: kp.reference(cs).expect("KeyPackageRef"),
            encrypted_group_secrets: HpkeCiphertextWire::from(ct),
        }]),
        encrypted_group_info: welcome.encrypted_group_info.clone(),
    }
}

/// The secrets and transcript state of one epoch, and its tree.
#[derive(Clone, Debug)]
pub(crate) struct Spy {
    pub(crate) context: GroupContext,
    pub(crate) secrets: EpochSecrets,
    pub(crate) interim: Vec<u8>,
    pub(crate) tree: PublicTree,
}

impl Spy {
    /// The epoch a new member enters with `welcome`.
    fn from_welcome(
        cs: &dyn CipherSuiteProvider,
        welcome: &Welcome,
        known: &Known,
        group: &G,
    ) -> Self {
        let opened = open_welcome(cs, welcome, known, &[]);
        let context = opened.info.group_context.clone();
        let secrets = EpochSecrets::derive(
            cs,
            &opened.secrets.joiner_secret,
            &opened.psk_secret,
            &context.to_bytes().expect("context"),
        )
        .expect("epoch secrets");
        let interim = interim_transcript_hash(
            cs,
            context.confirmed_transcript_hash.as_slice(),
            opened.info.confirmation_tag.as_slice(),
        )
        .expect("interim");
        assert_eq!(
            secrets.epoch_authenticator.as_bytes(),
            group.epoch_authenticator(),
            "the spy derived the joined epoch"
        );
        Self {
            context,
            secrets,
            interim,
            tree: PublicTree::from_wire(group.ratchet_tree()).expect("tree"),
        }
    }
}

/// Who sends a forged commit.
#[derive(Clone, Copy)]
pub(crate) enum By<'a> {
    /// The world's member at this index.
    Member(usize),
    /// A joiner by external commit.
    External(&'a Client<TestProvider>),
}

/// What a forged commit carries.
#[derive(Default)]
pub(crate) struct Forge<'a> {
    pub(crate) proposals: Vec<ProposalOrRef>,
    /// Whether to send an UpdatePath.
    pub(crate) path: bool,
    /// The values of the commit's PSKs, in list order (for the key schedule).
    pub(crate) psks: Vec<(PreSharedKeyId, Secret)>,
    /// The init secret of an external commit (default: the epoch's).
    pub(crate) init_secret: Option<Secret>,
    /// Signs with this key instead of the sender's.
    pub(crate) signer: Option<&'a dyn Signer>,
}

/// What a tweak of a forged commit may need.
pub(crate) struct PathInfo {
    pub(crate) group_id: Vec<u8>,
    /// The committer's leaf (for an external commit, the new one).
    pub(crate) leaf: LeafIndex,
    /// The GroupContext the path secrets were encrypted under.
    pub(crate) encryption_context: GroupContext,
}

impl PathInfo {
    /// The group binding of the committer's leaf signature.
    pub(crate) fn tbs(&self) -> LeafNodeTbsContext<'_> {
        LeafNodeTbsContext {
            group_id: &self.group_id,
            leaf_index: self.leaf,
        }
    }
}

/// A forged commit and the epoch it leads to, had it been accepted.
pub(crate) struct Forged {
    pub(crate) message: MlsMessage,
    pub(crate) next: Spy,
}

/// One member of a world.
pub(crate) struct Member {
    pub(crate) client: Client<TestProvider>,
    /// `None` once the member was removed.
    pub(crate) group: Option<G>,
}

/// Everything about a member's group that a rejected message must leave
/// alone.
#[derive(Debug, PartialEq)]
struct Snapshot {
    epoch: u64,
    authenticator: Vec<u8>,
    exporter: Vec<u8>,
    context: GroupContext,
    tree: Vec<u8>,
    members: Vec<mls_core::group::Member>,
    pending_proposals: Vec<Proposal>,
    pending_commit: bool,
    active: bool,
    /// Every stored entry of the member's client, every namespace.
    stored: Vec<(Namespace, Vec<u8>, Vec<u8>)>,
}

fn snapshot(g: &G, client: &Client<TestProvider>) -> Snapshot {
    let storage = client.provider().storage();
    let stored = Namespace::ALL
        .into_iter()
        .flat_map(|ns| {
            storage
                .scan(ns, &[])
                .expect("scan")
                .into_iter()
                .map(move |(k, v)| (ns, k, v))
        })
        .collect();
    Snapshot {
        stored,
        epoch: g.epoch(),
        authenticator: g.epoch_authenticator().to_vec(),
        exporter: g
            .export_secret("hostile", b"snapshot", 32)
            .expect("exporter")
            .as_bytes()
            .to_vec(),
        context: g.group_context().clone(),
        tree: encode(&g.ratchet_tree()).expect("tree"),
        members: g.members(),
        pending_proposals: g.pending_proposals().cloned().collect(),
        pending_commit: g.has_pending_commit(),
        active: g.is_active(),
    }
}

/// A joiner invited by a real commit, with its (untouched) Welcome.
pub(crate) struct Invite {
    pub(crate) client: Client<TestProvider>,
    pub(crate) known: Known,
    pub(crate) welcome: Welcome,
}

/// A small group and what the test knows about its current epoch.
pub(crate) struct World {
    pub(crate) backend: &'static str,
    /// The delivery service's view, checked at every delivery.
    pub(crate) shadow: Shadow,
    pub(crate) members: Vec<Member>,
    pub(crate) spy: Spy,
    /// Proposals of the current epoch, as the members cached them.
    pub(crate) cache: Vec<ReceivedProposal>,
    /// The capabilities of the clients [`World::new_client`] makes (the
    /// spy's too). Default: `Caps::default()`.
    pub(crate) joiner_caps: Caps,
    seeds: Cell<u64>,
}

impl World {
    /// `n` members on rustcrypto.
    pub(crate) fn new(n: usize) -> Self {
        Self::on("rustcrypto", n)
    }

    /// `n` members on `backend`.
    pub(crate) fn on(backend: &'static str, n: usize) -> Self {
        Self::build(backend, &vec![Caps::default(); n])
    }

    /// One member per entry of `caps`: the first creates the group and adds
    /// the others in one commit (epoch 1); the second is the spy's joiner.
    pub(crate) fn build(backend: &'static str, caps: &[Caps]) -> Self {
        assert!(caps.len() >= 2 && caps.len() <= NAMES.len());
        let seeds = Cell::new(1);
        let next_seed = || {
            let n = seeds.get();
            seeds.set(n + 1);
            seed(n)
        };
        let mut members: Vec<Member> = caps
            .iter()
            .zip(NAMES)
            .map(|(c, name)| Member {
                client: make_client(backend, name, next_seed(), c),
                group: None,
            })
            .collect();
        let mut g0 =
            Group::create(&members[0].client, SUITE, Extensions::new(), config()).expect("create");
        let known = known_key_package(&members[1].client, &SeededRand::new(next_seed()));
        let mut kps = vec![known.kp.clone()];
        for m in &members[2..] {
            kps.push(
                m.client
                    .generate_key_package(SUITE, &KeyPackageOptions::default())
                    .expect("key package"),
            );
        }
        let out = g0.add_members(&kps).expect("add");
        g0.merge_pending_commit().expect("merge");
        let welcome = welcome_of(&out);
        for m in &mut members[1..] {
            m.group = Some(G::join(&m.client, &out.welcome_message(), config()).expect("join"));
        }
        members[0].group = Some(g0);
        let spy = Spy::from_welcome(
            suite_of(&members[0].client),
            &welcome,
            &known,
            members[1].group.as_ref().expect("joined"),
        );
        let world = Self {
            shadow: Shadow::default(),
            backend,
            members,
            spy,
            cache: Vec::new(),
            joiner_caps: Caps::default(),
            seeds,
        };
        world.assert_agree(1);
        world
    }

    fn fresh_seed(&self) -> [u8; 32] {
        let n = self.seeds.get();
        self.seeds.set(n + 1);
        // Clear of the seeds `build` hands out.
        seed(n + 1_000)
    }

    /// A fresh randomness source.
    pub(crate) fn rand(&self) -> SeededRand {
        SeededRand::new(self.fresh_seed())
    }

    /// A new client on the world's backend (not a member).
    pub(crate) fn new_client(&self, name: &str) -> Client<TestProvider> {
        make_client(self.backend, name, self.fresh_seed(), &self.joiner_caps)
    }

    /// The suite object.
    pub(crate) fn cs(&self) -> &dyn CipherSuiteProvider {
        suite_of(&self.members[0].client)
    }

    pub(crate) fn g(&mut self, i: usize) -> &mut G {
        self.members[i].group.as_mut().expect("a member")
    }

    pub(crate) fn gr(&self, i: usize) -> &G {
        self.members[i].group.as_ref().expect("a member")
    }

    pub(crate) fn client(&self, i: usize) -> &Client<TestProvider> {
        &self.members[i].client
    }

    pub(crate) fn signer(&self, i: usize) -> &dyn Signer {
        self.members[i].client.signer()
    }

    /// Member `i`'s leaf index.
    pub(crate) fn leaf(&self, i: usize) -> u32 {
        self.gr(i).own_leaf_index()
    }

    /// Member `i`'s leaf as the spy's tree holds it.
    pub(crate) fn leaf_node(&self, i: usize) -> LeafNode {
        self.spy
            .tree
            .leaf(LeafIndex(self.leaf(i)))
            .expect("member leaf")
            .clone()
    }

    /// A KeyPackage of `client` with private keys the test knows.
    pub(crate) fn known_key_package(&self, client: &Client<TestProvider>) -> Known {
        known_key_package(client, &self.rand())
    }

    /// Every member stores the team PSK.
    pub(crate) fn share_psk(&self) {
        for m in &self.members {
            m.client
                .store_external_psk(TEAM_PSK_ID, &TEAM_PSK)
                .expect("store PSK");
        }
    }

    /// A valid Update leaf for member `i` in the current epoch.
    pub(crate) fn update_leaf(&self, i: usize) -> LeafNode {
        let cs = self.cs();
        let (_, public) = generate_hpke_key_pair(cs, &self.rand()).expect("HPKE key");
        let mut leaf = self.leaf_node(i);
        leaf.encryption_key = VarBytes::new(public);
        leaf.leaf_node_source = LeafNodeSource::Update;
        leaf.sign(
            self.signer(i),
            cs,
            Some(LeafNodeTbsContext {
                group_id: self.spy.context.group_id.as_slice(),
                leaf_index: LeafIndex(self.leaf(i)),
            }),
        )
        .expect("sign leaf");
        leaf
    }

    // ----- delivering real messages -----

    /// Every member but `from` processes `msg`, which must be valid.
    /// Proposals are recorded in `cache`; a commit clears it.
    pub(crate) fn deliver(&mut self, from: usize, msg: &MlsMessage) {
        self.sync_shadow(self.first_member_but(Some(from)));
        let mut cached = None;
        let mut commit = false;
        for (i, m) in self.members.iter_mut().enumerate() {
            if i == from {
                continue;
            }
            let Some(g) = m.group.as_mut() else { continue };
            match g
                .process_and_merge(msg)
                .unwrap_or_else(|e| panic!("member {i} rejected a valid message: {e:?}"))
            {
                ProcessedMessage::Proposal(c) => cached = Some(c),
                ProcessedMessage::Commit(_) => commit = true,
                ProcessedMessage::Application(_) => {}
                other => panic!("member {i}: unexpected {other:?}"),
            }
            if !g.is_active() {
                m.group = None;
            }
        }
        if commit {
            self.cache.clear();
        }
        if let Some(c) = cached {
            self.cache.push(c);
        }
        self.shadow_follows(from, msg);
    }

    /// Member `i` sends the proposal `make` returns; everyone caches it.
    pub(crate) fn propose(
        &mut self,
        i: usize,
        make: impl FnOnce(&mut G) -> Result<MlsMessage, Error>,
    ) -> ProposalRef {
        let msg = make(self.g(i)).expect("proposal");
        self.deliver(i, &msg);
        self.cache.last().expect("cached").reference.clone()
    }

    /// Member `i` commits with `build`, merges, and the others process it.
    pub(crate) fn commit_all(
        &mut self,
        i: usize,
        build: impl FnOnce(&mut G) -> Result<CommitOutput, Error>,
    ) -> CommitOutput {
        let out = build(self.g(i)).expect("commit");
        self.g(i).merge_pending_commit().expect("merge");
        self.deliver(i, &out.commit);
        self.cache.clear();
        out
    }

    /// Member 0 commits `extra` and the Add of a new spy member (whose
    /// Welcome tells the test the new epoch's secrets).
    pub(crate) fn add_spy(
        &mut self,
        extra: impl FnOnce(
            mls_core::group::CommitBuilder<'_, TestProvider>,
        ) -> mls_core::group::CommitBuilder<'_, TestProvider>,
    ) {
        let name = NAMES.get(self.members.len()).copied().unwrap_or("spy");
        let client = self.new_client(name);
        let known = self.known_key_package(&client);
        let kp = known.kp.clone();
        let out = self.commit_all(0, |g| extra(g.commit_builder()).add_member(kp).build());
        let group = G::join(&client, &out.welcome_message(), config()).expect("spy joins");
        self.spy = Spy::from_welcome(suite_of(&client), &welcome_of(&out), &known, &group);
        self.members.push(Member {
            client,
            group: Some(group),
        });
        let epoch = self.gr(0).epoch();
        self.assert_agree(epoch);
    }

    /// Member 0 adds a new client with a known KeyPackage through `build`;
    /// the Welcome is returned unprocessed.
    pub(crate) fn invite(
        &mut self,
        name: &str,
        build: impl FnOnce(&mut G, KeyPackage) -> Result<CommitOutput, Error>,
    ) -> Invite {
        let client = self.new_client(name);
        let known = self.known_key_package(&client);
        let kp = known.kp.clone();
        let out = self.commit_all(0, |g| build(g, kp));
        Invite {
            client,
            known,
            welcome: welcome_of(&out),
        }
    }

    /// The invited client joins with its genuine Welcome, and agrees with
    /// the group.
    pub(crate) fn finish_invite(&mut self, invite: Invite) {
        let group = G::join(
            &invite.client,
            &MlsMessage::new(MlsMessageBody::Welcome(invite.welcome)),
            config(),
        )
        .expect("the genuine Welcome still joins");
        self.members.push(Member {
            client: invite.client,
            group: Some(group),
        });
        let epoch = self.gr(0).epoch();
        self.assert_agree(epoch);
    }

    // ----- forging -----

    /// A commit from `by`, built outside the library (see the module docs).
    /// `tweak` changes the commit after its path is made and before it is
    /// signed.
    pub(crate) fn forge(
        &self,
        by: By<'_>,
        f: Forge<'_>,
        tweak: impl FnOnce(&mut Commit, &PathInfo),
    ) -> Forged {
        let cs = self.cs();
        let rand = self.rand();
        let spy = &self.spy;
        let mut tree = spy.tree.clone();
        let mut provisional = spy.context.clone();
        provisional.epoch += 1;
        let (sender, own_signer, member_leaf) = match by {
            By::Member(i) => (
                Sender::Member(self.leaf(i)),
                self.signer(i),
                Some(LeafIndex(self.leaf(i))),
            ),
            By::External(c) => (Sender::NewMemberCommit, c.signer(), None),
        };
        let signer = f.signer.unwrap_or(own_signer);

        // §12.3 on the spy's tree, as far as the proposals allow.
        let resolved: Vec<(Sender, Proposal)> = f
            .proposals
            .iter()
            .filter_map(|p| match p {
                ProposalOrRef::Proposal(p) => Some((sender, p.clone())),
                ProposalOrRef::Reference(r) => self
                    .cache
                    .iter()
                    .find(|c| &c.reference == r)
                    .map(|c| (c.sender.sender, c.proposal.clone())),
            })
            .collect();
        if let Some(ext) = resolved.iter().find_map(|(_, p)| match p {
            Proposal::GroupContextExtensions(g) => Some(g.extensions.clone()),
            _ => None,
        }) {
            provisional.extensions = ext;
        }
        for (s, p) in &resolved {
            if let (Sender::Member(l), Proposal::Update(u)) = (s, p) {
                let _ = tree.update_leaf(LeafIndex(*l), u.leaf_node.clone());
            }
        }
        for (_, p) in &resolved {
            // A committer removing itself still needs its leaf for the path.
            if let Proposal::Remove(r) = p
                && member_leaf != Some(LeafIndex(r.removed))
            {
                let _ = tree.remove_leaf(LeafIndex(r.removed));
            }
        }
        let mut excluded = Vec::new();
        for (_, p) in &resolved {
            if let Proposal::Add(a) = p
                && let Ok(l) = tree.add_leaf(a.key_package.leaf_node.clone())
            {
                excluded.push(l);
            }
        }

        let (path, commit_secret, leaf) = if f.path {
            let (leaf, template) = match (member_leaf, by) {
                (Some(l), _) => (l, tree.leaf(l).expect("committer leaf").clone()),
                (None, By::External(c)) => {
                    let template = c
                        .generate_key_package(SUITE, &KeyPackageOptions::default())
                        .expect("key package")
                        .leaf_node;
                    (
                        tree.add_leaf(template.clone()).expect("joiner leaf"),
                        template,
                    )
                }
                (None, By::Member(_)) => unreachable!("a member has a leaf"),
            };
            let created = create_update_path(
                &mut tree,
                cs,
                &rand,
                signer,
                leaf,
                template,
                &excluded,
                &mut provisional,
            )
            .expect("update path");
            (Some(created.update_path), created.commit_secret, leaf)
        } else {
            provisional.tree_hash = VarBytes::new(tree.tree_hash(cs).expect("tree hash"));
            let zero = Secret::new(vec![0u8; cs.hash_len()]);
            (None, zero, member_leaf.unwrap_or(LeafIndex(u32::MAX)))
        };
        let info = PathInfo {
            group_id: spy.context.group_id.as_slice().to_vec(),
            leaf,
            encryption_context: provisional.clone(),
        };
        let mut commit = Commit {
            proposals: VarVec::new(f.proposals),
            path,
        };
        tweak(&mut commit, &info);

        let framed = FramedContent {
            group_id: spy.context.group_id.clone(),
            epoch: spy.context.epoch,
            sender,
            authenticated_data: VarBytes::default(),
            content: Content::Commit(commit),
        };
        let mut content = AuthenticatedContent::sign(
            cs,
            signer,
            WireFormat::PublicMessage,
            framed,
            Some(&spy.context),
        )
        .expect("sign");
        let init_secret = f
            .init_secret
            .unwrap_or_else(|| spy.secrets.init_secret.clone());
        let psk = psk_secret(cs, &f.psks).expect("psk_secret");
        let confirmed = confirmed_transcript_hash(
            cs,
            &spy.interim,
            &content.confirmed_transcript_hash_input().expect("input"),
        )
        .expect("confirmed hash");
        provisional.confirmed_transcript_hash = VarBytes::new(confirmed.clone());
        let (_, next) = EpochSecrets::next_epoch(
            cs,
            &init_secret,
            &commit_secret,
            &psk,
            &provisional.to_bytes().expect("context"),
        )
        .expect("key schedule");
        let tag = confirmation_tag(cs, &next.confirmation_key, &confirmed).expect("tag");
        content.set_confirmation_tag(tag.clone());
        let interim = interim_transcript_hash(cs, &confirmed, &tag).expect("interim");
        Forged {
            message: self.wrap(content),
            next: Spy {
                context: provisional,
                secrets: next,
                interim,
                tree,
            },
        }
    }

    /// A commit from member `by` with `proposals`, with or without a path.
    pub(crate) fn forge_simple(
        &self,
        by: usize,
        proposals: Vec<ProposalOrRef>,
        path: bool,
    ) -> MlsMessage {
        self.forge(
            By::Member(by),
            Forge {
                proposals,
                path,
                ..Default::default()
            },
            |_, _| {},
        )
        .message
    }

    /// `content` as a PublicMessage of the current epoch, with the
    /// membership tag if the sender is a member.
    pub(crate) fn wrap(&self, content: AuthenticatedContent) -> MlsMessage {
        let message = PublicMessage::from_authenticated(
            self.cs(),
            content,
            &self.spy.secrets.membership_key,
            &self.spy.context,
        )
        .expect("PublicMessage");
        MlsMessage::new(MlsMessageBody::PublicMessage(message))
    }

    /// `content` from `sender`, signed with `signer` over the current
    /// GroupContext (no confirmation tag yet).
    pub(crate) fn sign_content(
        &self,
        signer: &dyn Signer,
        sender: Sender,
        content: Content,
    ) -> AuthenticatedContent {
        let framed = FramedContent {
            group_id: self.spy.context.group_id.clone(),
            epoch: self.spy.context.epoch,
            sender,
            authenticated_data: VarBytes::default(),
            content,
        };
        AuthenticatedContent::sign(
            self.cs(),
            signer,
            WireFormat::PublicMessage,
            framed,
            Some(&self.spy.context),
        )
        .expect("sign")
    }

    /// A proposal from member `i`, as a PublicMessage of the current epoch.
    pub(crate) fn forge_proposal(&self, i: usize, proposal: Proposal) -> MlsMessage {
        let content = self.sign_content(
            self.signer(i),
            Sender::Member(self.leaf(i)),
            Content::Proposal(proposal),
        );
        self.wrap(content)
    }

    // ----- checking -----

    /// Every member but `attacker` rejects `msg` with an error `expected`
    /// accepts, and keeps its state.
    pub(crate) fn expect_rejected(
        &mut self,
        attacker: Option<usize>,
        msg: &MlsMessage,
        what: &str,
        expected: impl Fn(&Error) -> bool,
    ) {
        let receivers: Vec<usize> = (0..self.members.len())
            .filter(|i| Some(*i) != attacker)
            .collect();
        self.sync_shadow(self.first_member_but(attacker));
        let refused = self.expect_rejected_by(&receivers, msg, what, &expected);
        self.shadow_refuses(msg, what, &refused, expected);
    }

    /// The members `receivers` reject `msg` as in
    /// [`expect_rejected`](Self::expect_rejected).
    /// Returns the first member's error.
    pub(crate) fn expect_rejected_by(
        &mut self,
        receivers: &[usize],
        msg: &MlsMessage,
        what: &str,
        expected: impl Fn(&Error) -> bool,
    ) -> Error {
        let mut checked = 0;
        let mut first = None;
        for (i, m) in self.members.iter_mut().enumerate() {
            if !receivers.contains(&i) {
                continue;
            }
            let Some(g) = m.group.as_mut() else { continue };
            let before = snapshot(g, &m.client);
            match g.process_and_merge(msg) {
                Ok(r) => panic!("{what}: member {i} accepted the hostile message: {r:?}"),
                Err(e) => {
                    assert!(
                        expected(&e),
                        "{what}: member {i} rejected it with an unexpected error: {e:?}"
                    );
                    first.get_or_insert(e);
                }
            }
            assert_eq!(
                snapshot(g, &m.client),
                before,
                "{what}: member {i} changed state (in memory or in storage) on a rejected message"
            );
            checked += 1;
        }
        assert!(checked > 0, "{what}: nobody received the message");
        first.expect("a member rejected it")
    }

    /// Member `i`'s own call `act` (an add, a commit, a proposal) fails
    /// with an error `expected` accepts, and leaves the member's state, in
    /// memory and in storage, unchanged: nothing pending.
    pub(crate) fn expect_refused_locally<T: std::fmt::Debug>(
        &mut self,
        i: usize,
        what: &str,
        act: impl FnOnce(&mut G) -> Result<T, Error>,
        expected: impl Fn(&Error) -> bool,
    ) {
        let m = &mut self.members[i];
        let g = m.group.as_mut().expect("a member");
        let before = snapshot(g, &m.client);
        match act(g) {
            Ok(r) => panic!("{what}: member {i} accepted it: {r:?}"),
            Err(e) => assert!(
                expected(&e),
                "{what}: member {i} refused it with an unexpected error: {e:?}"
            ),
        }
        assert_eq!(
            snapshot(g, &m.client),
            before,
            "{what}: member {i} changed state (in memory or in storage) on a refused call"
        );
    }

    /// All members are in `epoch` and agree on its authenticator, exporter
    /// and GroupContext.
    pub(crate) fn assert_agree(&self, epoch: u64) {
        let groups: Vec<(usize, &G)> = self
            .members
            .iter()
            .enumerate()
            .filter_map(|(i, m)| m.group.as_ref().map(|g| (i, g)))
            .collect();
        let (_, first) = groups[0];
        let export = |g: &G| {
            g.export_secret("hostile", b"agree", 32)
                .expect("exporter")
                .as_bytes()
                .to_vec()
        };
        for (i, g) in &groups {
            assert_eq!(g.epoch(), epoch, "member {i}: epoch");
            assert_eq!(
                g.epoch_authenticator(),
                first.epoch_authenticator(),
                "member {i}: epoch authenticator"
            );
            assert_eq!(export(g), export(first), "member {i}: exporter");
            assert_eq!(g.group_context(), first.group_context(), "member {i}");
        }
    }

    /// A valid full commit from `committer` (with the proposals received
    /// this epoch) still processes at everyone, and all agree afterwards.
    pub(crate) fn assert_recovers(&mut self, committer: usize) {
        self.assert_recovers_with(committer, |g| g.commit());
    }

    /// [`assert_recovers`](Self::assert_recovers) with a chosen commit.
    pub(crate) fn assert_recovers_with(
        &mut self,
        committer: usize,
        build: impl FnOnce(&mut G) -> Result<CommitOutput, Error>,
    ) {
        let epoch = self.gr(committer).epoch();
        self.commit_all(committer, build);
        self.assert_agree(epoch + 1);
    }
}

/// Builds a KeyPackage of `client` with fresh keys from `rand`, and stores
/// it with its private keys.
fn known_key_package(client: &Client<TestProvider>, rand: &dyn RandProvider) -> Known {
    let cs = suite_of(client);
    let mut kp = client
        .generate_key_package(SUITE, &KeyPackageOptions::default())
        .expect("key package");
    let (init_private, init_public) = generate_hpke_key_pair(cs, rand).expect("init key");
    let (enc_private, enc_public) = generate_hpke_key_pair(cs, rand).expect("leaf key");
    kp.init_key = VarBytes::new(init_public);
    kp.leaf_node.encryption_key = VarBytes::new(enc_public);
    kp.leaf_node
        .sign(client.signer(), cs, None)
        .expect("sign leaf");
    kp.sign(client.signer(), cs).expect("sign key package");
    client
        .import_key_package(&kp, init_private.as_bytes(), enc_private.as_bytes())
        .expect("import");
    Known { kp, init_private }
}

/// The Welcome of a commit that added members.
pub(crate) fn welcome_of(out: &CommitOutput) -> Welcome {
    match &out.welcome.as_ref().expect("a Welcome").body {
        MlsMessageBody::Welcome(w) => w.clone(),
        other => panic!("expected a Welcome, got {other:?}"),
    }
}

/// The PublicMessage of a real handshake message.
pub(crate) fn public_message(msg: &MlsMessage) -> PublicMessage {
    match &msg.body {
        MlsMessageBody::PublicMessage(m) => m.clone(),
        other => panic!("expected a PublicMessage, got {other:?}"),
    }
}

/// The Welcome message of a commit output.
trait WelcomeMessage {
    fn welcome_message(&self) -> MlsMessage;
}

impl WelcomeMessage for CommitOutput {
    fn welcome_message(&self) -> MlsMessage {
        self.welcome.clone().expect("a Welcome")
    }
}

/// A proposal by value.
pub(crate) fn by_value(p: Proposal) -> ProposalOrRef {
    ProposalOrRef::Proposal(p)
}

/// A proposal by reference.
pub(crate) fn by_ref(r: &ProposalRef) -> ProposalOrRef {
    ProposalOrRef::Reference(r.clone())
}

/// The value of the team PSK.
pub(crate) fn team() -> Secret {
    Secret::new(TEAM_PSK.to_vec())
}

/// A PreSharedKeyID of the team PSK with a nonce of `KDF.Nh` bytes `nonce`.
pub(crate) fn team_id(nonce: u8) -> PreSharedKeyId {
    PreSharedKeyId::external(TEAM_PSK_ID.to_vec(), vec![nonce; 32])
}

/// `info` with its `ratchet_tree` extension replaced by `tree`.
pub(crate) fn replace_ratchet_tree(info: &mut GroupInfo, tree: mls_core::extensions::Extension) {
    info.extensions = Extensions::from_vec(
        info.extensions
            .as_slice()
            .iter()
            .map(|e| {
                if e.extension_type == ExtensionType::RATCHET_TREE {
                    tree.clone()
                } else {
                    e.clone()
                }
            })
            .collect(),
    );
}
