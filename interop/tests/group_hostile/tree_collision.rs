//! CHECKLIST "Parent-hash chain broken: ... one node covered twice"
//! (§7.9.2: "all non-blank parent nodes are covered by exactly one such
//! chain").
//!
//! With a sound hash this cannot be built, and the library's check can
//! only be reached through a hash collision:
//!
//! * Two nodes below the same child C of P cannot both be valid with
//!   respect to P: the third criterion of §7.9.2 asks that
//!   `P.unmerged_leaves ∩ subtree(C) = resolution(C) \ {D}`, which fixes D
//!   as the one node of resolution(C) not among P's unmerged leaves. (The
//!   4-leaf case "node 1 blank, leaves 0 and 1 both carrying
//!   ParentHash(root, tree_hash(node 5))" fails this: resolution(1) is
//!   {leaf 0, leaf 1}, and at most one of them can be the odd one out.)
//! * So a second cover must come from the other side: D1 under the left
//!   child carrying ParentHash(P, original tree hash of the right child),
//!   D2 under the right child carrying ParentHash(P, original tree hash
//!   of the left child). D1 is not one of P's unmerged leaves (criterion
//!   3 again), so the left child's original tree hash covers D1's
//!   parent_hash, which covers D2's, which covers D1's: a fixed point of
//!   the hash.
//!
//! The test therefore gives the joiners a crypto provider whose hash is
//! the suite's own except on `ParentHashInput`s of one parent key, where
//! it collides (an attacker able to find collisions, which the rule is
//! there to stop). Both sides of that parent then carry the same value,
//! every other rule of the tree holds, and the joiner must refuse the
//! tree with `ParentHashCoveredTwice`.

use super::tree::{parent, rechain, refused_in_by, set_parent_hash};
use super::world::{Invite, SUITE, World, config, welcome_of};
use interop::clients::{TestProvider, crypto, seed};
use mls_core::ProtocolError;
use mls_core::codec::VarBytes;
use mls_core::crypto::generate_signer;
use mls_core::group::Client;
use mls_core::provider::{
    CipherSuiteProvider, CryptoProvider, HpkeCiphertext, HpkeExport, MlsProvider, RandProvider,
    Signer,
};
use mls_core::secret::{HpkePrivateKey, Secret, SignaturePrivateKey};
use mls_core::tree::node::Node;
use mls_core::{CipherSuite, CipherSuiteDefinition, CryptoError};

/// The parent key whose parent hashes collide: a fixed X25519 key.
fn colliding_key() -> Vec<u8> {
    let crypto = crypto("rustcrypto").unwrap();
    crypto
        .suite(SUITE)
        .unwrap()
        .kem_derive_key_pair(&[0xc0; 32])
        .unwrap()
        .1
}

/// The value every `ParentHashInput` of [`colliding_key`] hashes to.
fn collision(cs: &dyn CipherSuiteProvider) -> Vec<u8> {
    let mut input = b"collision ".to_vec();
    input.extend(colliding_key());
    cs.hash(&input).unwrap()
}

/// Suite 1 of `inner`, with the hash colliding on the parent hashes of
/// one parent key.
struct CollidingSuite {
    inner: Box<dyn CryptoProvider>,
    /// `opaque encryption_key<V>` of the colliding key: how every
    /// `ParentHashInput` of that parent begins (§7.9). No other hash input
    /// of the protocol begins with a 32-byte opaque (tree hash inputs start
    /// with a node type, references with a label, transcripts with a wire
    /// format).
    prefix: Vec<u8>,
}

impl CollidingSuite {
    fn s(&self) -> &dyn CipherSuiteProvider {
        self.inner.suite(SUITE).expect("suite 1")
    }
}

impl CipherSuiteProvider for CollidingSuite {
    fn definition(&self) -> &CipherSuiteDefinition {
        self.s().definition()
    }
    fn hash_len(&self) -> usize {
        self.s().hash_len()
    }
    fn aead_key_len(&self) -> usize {
        self.s().aead_key_len()
    }
    fn aead_nonce_len(&self) -> usize {
        self.s().aead_nonce_len()
    }
    fn kem_private_key_len(&self) -> usize {
        self.s().kem_private_key_len()
    }
    fn signature_private_key_len(&self) -> usize {
        self.s().signature_private_key_len()
    }
    fn hash(&self, data: &[u8]) -> Result<Vec<u8>, CryptoError> {
        if data.starts_with(&self.prefix) {
            return Ok(collision(self.s()));
        }
        self.s().hash(data)
    }
    fn mac(&self, key: &[u8], data: &[u8]) -> Result<Vec<u8>, CryptoError> {
        self.s().mac(key, data)
    }
    fn kdf_extract(&self, salt: &[u8], ikm: &[u8]) -> Result<Secret, CryptoError> {
        self.s().kdf_extract(salt, ikm)
    }
    fn kdf_expand(&self, prk: &[u8], info: &[u8], len: usize) -> Result<Secret, CryptoError> {
        self.s().kdf_expand(prk, info, len)
    }
    fn aead_seal(
        &self,
        key: &[u8],
        nonce: &[u8],
        aad: &[u8],
        plaintext: &[u8],
    ) -> Result<Vec<u8>, CryptoError> {
        self.s().aead_seal(key, nonce, aad, plaintext)
    }
    fn aead_open(
        &self,
        key: &[u8],
        nonce: &[u8],
        aad: &[u8],
        ciphertext: &[u8],
    ) -> Result<Secret, CryptoError> {
        self.s().aead_open(key, nonce, aad, ciphertext)
    }
    fn hpke_seal(
        &self,
        public_key: &[u8],
        info: &[u8],
        aad: &[u8],
        plaintext: &[u8],
        rand: &dyn RandProvider,
    ) -> Result<HpkeCiphertext, CryptoError> {
        self.s().hpke_seal(public_key, info, aad, plaintext, rand)
    }
    fn hpke_open(
        &self,
        private_key: &HpkePrivateKey,
        kem_output: &[u8],
        info: &[u8],
        aad: &[u8],
        ciphertext: &[u8],
    ) -> Result<Secret, CryptoError> {
        self.s()
            .hpke_open(private_key, kem_output, info, aad, ciphertext)
    }
    fn hpke_export_to(
        &self,
        public_key: &[u8],
        info: &[u8],
        exporter_context: &[u8],
        len: usize,
        rand: &dyn RandProvider,
    ) -> Result<HpkeExport, CryptoError> {
        self.s()
            .hpke_export_to(public_key, info, exporter_context, len, rand)
    }
    fn hpke_export_from(
        &self,
        private_key: &HpkePrivateKey,
        kem_output: &[u8],
        info: &[u8],
        exporter_context: &[u8],
        len: usize,
    ) -> Result<Secret, CryptoError> {
        self.s()
            .hpke_export_from(private_key, kem_output, info, exporter_context, len)
    }
    fn kem_derive_key_pair(&self, ikm: &[u8]) -> Result<(HpkePrivateKey, Vec<u8>), CryptoError> {
        self.s().kem_derive_key_pair(ikm)
    }
    fn kem_key_pair_from_random(
        &self,
        random: &[u8],
    ) -> Result<(HpkePrivateKey, Vec<u8>), CryptoError> {
        self.s().kem_key_pair_from_random(random)
    }
    fn signature_key_pair_from_private(
        &self,
        private_key: &[u8],
    ) -> Result<(SignaturePrivateKey, Vec<u8>), CryptoError> {
        self.s().signature_key_pair_from_private(private_key)
    }
    fn sign(
        &self,
        private_key: &SignaturePrivateKey,
        message: &[u8],
    ) -> Result<Vec<u8>, CryptoError> {
        self.s().sign(private_key, message)
    }
    fn verify(
        &self,
        public_key: &[u8],
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), CryptoError> {
        self.s().verify(public_key, message, signature)
    }
    fn signer(&self, private_key: &[u8]) -> Result<Box<dyn Signer>, CryptoError> {
        self.s().signer(private_key)
    }
}

/// A crypto provider offering only [`CollidingSuite`].
struct Colliding(CollidingSuite);

impl CryptoProvider for Colliding {
    fn name(&self) -> &'static str {
        "colliding"
    }
    fn supported_cipher_suites(&self) -> Vec<CipherSuite> {
        vec![SUITE]
    }
    fn suite(&self, suite: CipherSuite) -> Option<&dyn CipherSuiteProvider> {
        (suite == SUITE).then_some(&self.0 as &dyn CipherSuiteProvider)
    }
}

/// A client like the world's (see `world::make_client`), on the colliding
/// provider.
fn colliding_client(name: &str, seed_value: [u8; 32]) -> Client<TestProvider> {
    let key = colliding_key();
    let mut prefix = vec![u8::try_from(key.len()).unwrap()];
    prefix.extend(key);
    let crypto: Box<dyn CryptoProvider> = Box::new(Colliding(CollidingSuite {
        inner: crypto("rustcrypto").unwrap(),
        prefix,
    }));
    let rand: Box<dyn RandProvider> = Box::new(interop::SeededRand::new(seed_value));
    let signer = generate_signer(crypto.cipher_suite(SUITE).unwrap(), &rand).unwrap();
    let provider = MlsProvider::new(crypto, rand, mls_storage_memory::MemoryStorage::new());
    Client::builder(
        provider,
        mls_core::credential::Credential::basic(name.as_bytes().to_vec()),
        signer,
    )
    .rules(mls_core::group::DefaultRules::open())
    .credential_validator(mls_core::credential::AcceptAll)
    .build()
}

/// The tree of `tree::world` (Alice, Bob, Carol; Bob's path; Eve added),
/// with Eve on the colliding provider.
fn world_with_a_colliding_joiner() -> (World, Invite) {
    let mut w = World::new(3);
    w.commit_all(1, |g| g.self_update());
    let client = colliding_client("eve", seed(7_001));
    let known = w.known_key_package(&client);
    let kp = known.kp.clone();
    let out = w.commit_all(0, |g| g.add_members(&[kp]));
    (
        w,
        Invite {
            client,
            known,
            welcome: welcome_of(&out),
        },
    )
}

fn colliding_zed(_: &World) -> Client<TestProvider> {
    colliding_client("zed", seed(7_002))
}

/// ```text
/// 0 Alice   1 P(Bob)   2 Bob (commit)   3 R [3]   4 Carol (commit)   5 _   6 Eve
/// ```
///
/// The root takes the colliding key. Node 1 (left of the root) carries
/// ParentHash(R, original tree hash of node 5), and Carol's leaf (right
/// of the root, across the blank node 5; Eve's leaf is unmerged at the
/// root) carries ParentHash(R, original tree hash of node 1): under the
/// collision both are the same value, so both are valid with respect to
/// the root. Bob's leaf is re-chained to the changed node 1, Carol's
/// re-signed as a commit leaf.
fn root_covered_from_both_sides(w: &World, nodes: &mut [Option<Node>]) {
    parent(nodes, 3).encryption_key = VarBytes::new(colliding_key());
    let c = collision(w.cs());
    set_parent_hash(w, nodes, 1, c.clone());
    rechain(w, nodes, &[2, 1]);
    set_parent_hash(w, nodes, 4, c);
}

/// CHECKLIST "Parent-hash chain broken: ... one node covered twice": the
/// root is covered by node 1 and by Carol's leaf, and must be refused by
/// a Welcome joiner and an external joiner alike.
#[test]
fn root_covered_twice() {
    refused_in_by(
        world_with_a_colliding_joiner,
        colliding_zed,
        "a root covered from both sides",
        config(),
        &|w, n| root_covered_from_both_sides(w, n),
        protocol!(ProtocolError::ParentHashCoveredTwice(3)),
    );
}

/// The positive control of [`root_covered_twice`]: the same tree with
/// only node 1's cover (Carol's leaf keeps a key_package source) joins on
/// the colliding provider, so the collision itself breaks nothing else.
#[test]
fn root_covered_once_on_the_colliding_provider() {
    super::tree::accepted_in_by(
        world_with_a_colliding_joiner,
        colliding_zed,
        "a root covered once, under the collision",
        &|w, nodes| {
            parent(nodes, 3).encryption_key = VarBytes::new(colliding_key());
            set_parent_hash(w, nodes, 1, collision(w.cs()));
            rechain(w, nodes, &[2, 1]);
        },
    );
}

/// The same tree sent to joiners on the world's own provider is refused
/// as uncovered: neither cover holds under the real hash, so what makes
/// [`root_covered_twice`] pass the chains is the collision alone.
#[test]
fn without_the_collision_the_root_is_uncovered() {
    super::tree::refused_in(
        super::tree::world,
        "a root covered from both sides, on a sound hash",
        config(),
        &|w, n| root_covered_from_both_sides(w, n),
        protocol!(ProtocolError::ParentHashUncovered(3)),
    );
}
