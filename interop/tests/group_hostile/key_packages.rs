//! CHECKLIST "KeyPackage (§10.1)" and "LeafNode (§7.2, §7.3)", through the
//! public group API.
//!
//! A KeyPackage reaches a group three ways (§10.1: "when a KeyPackage is
//! downloaded by a group member, before it is used to add the client to
//! the group; when a KeyPackage is received by a group member in an Add
//! message"): a member adds it itself, a member receives an Add proposal
//! carrying it, or a member receives a commit carrying the Add by value.
//! [`refused_everywhere`] tries all three on one hostile KeyPackage, each
//! time expecting the exact error of the rule broken and no change of
//! state. LeafNode rules that only apply to Updates are tested with forged
//! Update proposals.
//!
//! Each hostile KeyPackage starts as a genuine one of a fresh client,
//! changes the one thing named and is re-signed (leaf, then package) by
//! that client's key, so only the rule under test is broken.

use super::world::{By, Caps, Forge, SUITE, Validator, World, by_value};
use interop::clients::{client as suite_client, seed};
use mls_core::codec::{VarBytes, VarVec};
use mls_core::credential::{
    Certificate, Credential, CredentialCheck, CredentialType, CredentialValidator,
};
use mls_core::crypto::generate_hpke_key_pair;
use mls_core::extensions::{
    Extension, ExtensionBody, ExtensionType, Extensions, RequiredCapabilities,
};
use mls_core::framing::MlsMessageBody;
use mls_core::group::proposal::{Add, Proposal, ProposalType, Update};
use mls_core::group::{Client, KeyPackageOptions, ProcessedMessage};
use mls_core::key_package::KeyPackage;
use mls_core::tree::leaf_node::{LeafNode, LeafNodeSource, LeafNodeTbsContext, Lifetime};
use mls_core::tree_math::LeafIndex;
use mls_core::{CipherSuite, DecodeError, Error, MlsMessage, ProtocolError};
use std::sync::Arc;

type TestClient = Client<interop::clients::TestProvider>;

const DAY: u64 = 24 * 3600;
const P256: CipherSuite = CipherSuite::MLS_128_DHKEMP256_AES128GCM_SHA256_P256;
/// A custom extension type nobody lists unless told to.
const EXT: ExtensionType = ExtensionType(0xf00e);
/// A custom proposal type.
const PROP: ProposalType = ProposalType(0xf00d);

/// A genuine KeyPackage of `client` with `change` applied, re-signed by
/// the client (leaf, then package).
fn resigned(w: &World, client: &TestClient, change: impl FnOnce(&mut KeyPackage)) -> KeyPackage {
    let cs = w.cs();
    let mut kp = client
        .generate_key_package(SUITE, &KeyPackageOptions::default())
        .unwrap();
    change(&mut kp);
    kp.leaf_node.sign(client.signer(), cs, None).unwrap();
    kp.sign(client.signer(), cs).unwrap();
    kp
}

/// [`resigned`] for a fresh client `name` of the world.
fn hostile(w: &World, name: &str, change: impl FnOnce(&mut KeyPackage)) -> KeyPackage {
    let client = w.new_client(name);
    resigned(w, &client, change)
}

/// [`resigned`] with fresh init and leaf keys whose private halves
/// `client` stores, so it can join with the Welcome that adds it.
fn joinable(w: &World, client: &TestClient, change: impl FnOnce(&mut KeyPackage)) -> KeyPackage {
    let cs = w.cs();
    let rand = w.rand();
    let (init_private, init_public) = generate_hpke_key_pair(cs, &rand).unwrap();
    let (leaf_private, leaf_public) = generate_hpke_key_pair(cs, &rand).unwrap();
    let kp = resigned(w, client, |kp| {
        change(kp);
        kp.init_key = VarBytes::new(init_public);
        kp.leaf_node.encryption_key = VarBytes::new(leaf_public);
    });
    client
        .import_key_package(&kp, init_private.as_bytes(), leaf_private.as_bytes())
        .unwrap();
    kp
}

fn add(kp: &KeyPackage) -> Proposal {
    Proposal::Add(Add {
        key_package: kp.clone(),
    })
}

/// The three entry points of §10.1 refuse `kp` with an error `expected`
/// accepts, and no state changes:
/// (a) Alice adds it herself, with `add_members` and with the commit
///     builder (with a path), and proposes it with `propose_add`;
/// (b) Bob's Add proposal of it reaches the others;
/// (c) Bob's commit carrying the Add by value, without and with a path,
///     reaches the others.
fn refused_everywhere(
    w: &mut World,
    kp: &KeyPackage,
    what: &str,
    expected: impl Fn(&Error) -> bool,
) {
    w.expect_refused_locally(
        0,
        &format!("{what}: add_members"),
        |g| g.add_members(std::slice::from_ref(kp)),
        &expected,
    );
    w.expect_refused_locally(
        0,
        &format!("{what}: commit_builder().add_member"),
        |g| {
            g.commit_builder()
                .add_member(kp.clone())
                .force_path(true)
                .build()
        },
        &expected,
    );
    w.expect_refused_locally(
        0,
        &format!("{what}: propose_add"),
        |g| g.propose_add(kp.clone()),
        &expected,
    );
    let msg = w.forge_proposal(1, add(kp));
    w.expect_rejected(
        Some(1),
        &msg,
        &format!("{what}: received Add proposal"),
        &expected,
    );
    for path in [false, true] {
        let msg = w.forge_simple(1, vec![by_value(add(kp))], path);
        w.expect_rejected(
            Some(1),
            &msg,
            &format!("{what}: received commit with the Add by value (path: {path})"),
            &expected,
        );
    }
}

/// The lifetime of `kp`'s leaf.
fn set_lifetime(kp: &mut KeyPackage, not_before: u64, not_after: u64) {
    kp.leaf_node.leaf_node_source = LeafNodeSource::KeyPackage(Lifetime {
        not_before,
        not_after,
    });
}

/// An Update leaf of member `i`: its current leaf with source `update`,
/// `change` applied, then signed by `signer` over the group binding of
/// leaf `i` (§7.2). No new encryption key unless `change` sets one.
fn update_leaf_with(
    w: &World,
    i: usize,
    signer: &dyn mls_core::provider::Signer,
    change: impl FnOnce(&mut LeafNode),
) -> LeafNode {
    let mut leaf = w.leaf_node(i);
    leaf.leaf_node_source = LeafNodeSource::Update;
    change(&mut leaf);
    let group_id = w.spy.context.group_id.as_slice().to_vec();
    leaf.sign(
        signer,
        w.cs(),
        Some(LeafNodeTbsContext {
            group_id: &group_id,
            leaf_index: LeafIndex(w.leaf(i)),
        }),
    )
    .unwrap();
    leaf
}

/// A fresh HPKE public key.
fn fresh_key(w: &World) -> VarBytes {
    let (_, public) = generate_hpke_key_pair(w.cs(), &w.rand()).unwrap();
    VarBytes::new(public)
}

/// Carol (member 2) sends `leaf` as her Update; everyone else refuses it.
fn update_refused(w: &mut World, leaf: LeafNode, what: &str, expected: impl Fn(&Error) -> bool) {
    let msg = w.forge_proposal(2, Proposal::Update(Update { leaf_node: leaf }));
    w.expect_rejected(Some(2), &msg, what, expected);
}

/// An X.509 credential; the library does not parse certificates (the
/// Authentication Service does), and every test client accepts all.
fn x509() -> Credential {
    Credential::X509 {
        certificates: VarVec::new(vec![Certificate {
            cert_data: VarBytes::new(b"an X.509 certificate".to_vec()),
        }]),
    }
}

// ----- KeyPackage (§10.1) -----

/// CHECKLIST KeyPackage: "Suite ... differs from the group's" (§10.1): a
/// genuine KeyPackage of suite 3 (P-256), and a suite-1 one relabelled
/// suite 3 and re-signed.
#[test]
fn key_package_cipher_suite_differs() {
    let mut w = World::new(3);
    let dave = suite_client("rustcrypto", P256, "dave", seed(4242)).unwrap();
    let genuine = dave
        .generate_key_package(P256, &KeyPackageOptions::default())
        .unwrap();
    assert_eq!(genuine.cipher_suite, P256);
    let mismatch = protocol!(ProtocolError::KeyPackageCipherSuiteMismatch {
        key_package: P256,
        group: SUITE
    });
    refused_everywhere(&mut w, &genuine, "a P-256 KeyPackage", mismatch);
    let relabelled = hostile(&w, "erin", |kp| kp.cipher_suite = P256);
    refused_everywhere(
        &mut w,
        &relabelled,
        "a KeyPackage relabelled P-256",
        mismatch,
    );
    w.assert_recovers(0);
}

/// Where `kp` starts in `bytes` (at its version).
fn key_package_at(bytes: &[u8], kp: &KeyPackage) -> usize {
    // The KeyPackage: version, cipher_suite, init_key<V> (32 bytes: a
    // one-byte length).
    let mut pattern = vec![0, 1, 0, 1, 32];
    pattern.extend_from_slice(kp.init_key.as_slice());
    bytes
        .windows(pattern.len())
        .position(|win| win == pattern.as_slice())
        .expect("the KeyPackage's version, suite and init_key")
}

/// CHECKLIST KeyPackage: "version differs from the group's" (§10.1).
/// `ProtocolVersion` has only `mls10`, so another version cannot be
/// represented: it is refused when the bytes are decoded, as an unknown
/// value. On a published KeyPackage (the KeyPackage's version, and the
/// MlsMessage's), and inside a PublicMessage carrying an Add.
#[test]
fn key_package_version_differs_on_the_wire() {
    let w = World::new(3);
    let kp = w
        .new_client("dave")
        .generate_key_package(SUITE, &KeyPackageOptions::default())
        .unwrap();
    let unknown_2 = |bytes: &[u8], what: &str| {
        let err = MlsMessage::from_bytes(bytes).expect_err(what);
        assert!(
            matches!(err, Error::Decode(DecodeError::UnknownValue(2))),
            "{what}: unexpected error {err:?}"
        );
    };

    let published = MlsMessage::new(MlsMessageBody::KeyPackage(kp.clone()))
        .to_bytes()
        .unwrap();
    // Control: the genuine bytes decode, and the KeyPackage starts after
    // the MlsMessage's version and wire format (mls_key_package = 5).
    MlsMessage::from_bytes(&published).unwrap();
    assert_eq!(&published[..4], &[0, 1, 0, 5]);
    let at = key_package_at(&published, &kp);
    assert_eq!(at, 4);
    let mut bytes = published.clone();
    bytes[at + 1] = 2;
    unknown_2(&bytes, "KeyPackage version 0x0002");
    let mut bytes = published.clone();
    bytes[1] = 2;
    unknown_2(&bytes, "MlsMessage version 0x0002 around a KeyPackage");

    let proposal = w.forge_proposal(1, add(&kp)).to_bytes().unwrap();
    MlsMessage::from_bytes(&proposal).unwrap();
    let at = key_package_at(&proposal, &kp);
    let mut bytes = proposal.clone();
    bytes[at + 1] = 2;
    unknown_2(
        &bytes,
        "an Add proposal whose KeyPackage has version 0x0002",
    );
}

/// CHECKLIST KeyPackage: "bad signature" (§10.1), and LeafNode: "Bad
/// signature" (§7.3) of the leaf inside a KeyPackage, through all three
/// entry points (the received ones are also in proposals.rs).
#[test]
fn key_package_or_its_leaf_badly_signed() {
    let mut w = World::new(3);
    let mut kp = hostile(&w, "dave", |_| {});
    let mut sig = kp.signature.as_slice().to_vec();
    sig[0] ^= 1;
    kp.signature = VarBytes::new(sig);
    refused_everywhere(
        &mut w,
        &kp,
        "a bad KeyPackage signature",
        protocol!(ProtocolError::KeyPackageSignatureInvalid),
    );
    // The leaf's signature is broken, the package's is valid over it.
    let dave = w.new_client("erin");
    let mut kp = resigned(&w, &dave, |_| {});
    let mut sig = kp.leaf_node.signature.as_slice().to_vec();
    sig[0] ^= 1;
    kp.leaf_node.signature = VarBytes::new(sig);
    kp.sign(dave.signer(), w.cs()).unwrap();
    refused_everywhere(
        &mut w,
        &kp,
        "a bad leaf signature in a validly signed KeyPackage",
        protocol!(ProtocolError::LeafNodeSignatureInvalid),
    );
    w.assert_recovers(0);
}

/// CHECKLIST KeyPackage: "init_key equal to the leaf encryption_key"
/// (§10.1).
#[test]
fn init_key_equals_encryption_key() {
    let mut w = World::new(3);
    let kp = hostile(&w, "dave", |kp| {
        kp.init_key = kp.leaf_node.encryption_key.clone();
    });
    refused_everywhere(
        &mut w,
        &kp,
        "init_key == encryption_key",
        protocol!(ProtocolError::InitKeyEqualsEncryptionKey),
    );
    w.assert_recovers(0);
}

/// CHECKLIST KeyPackage: "leaf_node_source not key_package" (§10.1,
/// §7.3): sources `update` and `commit`. Their leaf signatures bind a
/// group; they are signed for Dave's would-be leaf 3 of this group.
#[test]
fn key_package_leaf_source_not_key_package() {
    let mut w = World::new(3);
    let group_id = w.spy.context.group_id.as_slice().to_vec();
    for source in [
        LeafNodeSource::Update,
        LeafNodeSource::Commit(VarBytes::new(vec![0xaa; 32])),
    ] {
        let name = source.name();
        let dave = w.new_client("dave");
        let cs = w.cs();
        let mut kp = dave
            .generate_key_package(SUITE, &KeyPackageOptions::default())
            .unwrap();
        kp.leaf_node.leaf_node_source = source;
        kp.leaf_node
            .sign(
                dave.signer(),
                cs,
                Some(LeafNodeTbsContext {
                    group_id: &group_id,
                    leaf_index: LeafIndex(3),
                }),
            )
            .unwrap();
        kp.sign(dave.signer(), cs).unwrap();
        refused_everywhere(
            &mut w,
            &kp,
            &format!("a KeyPackage leaf of source {name}"),
            protocol!(ProtocolError::WrongLeafNodeSource { found, expected }
                if *found == name && expected.starts_with("key_package, for a leaf in a KeyPackage")),
        );
    }
    w.assert_recovers(0);
}

// ----- LeafNode (§7.2, §7.3) -----

/// CHECKLIST LeafNode: "credential type not in its own capabilities"
/// (§7.2): a basic credential whose leaf lists only x509, or nothing.
#[test]
fn credential_type_not_in_own_capabilities() {
    let mut w = World::new(3);
    for listed in [vec![CredentialType::X509], vec![]] {
        let kp = hostile(&w, "dave", |kp| {
            kp.leaf_node.capabilities.credentials = VarVec::new(listed.clone());
        });
        refused_everywhere(
            &mut w,
            &kp,
            &format!("a basic credential, capabilities listing {listed:?}"),
            protocol!(ProtocolError::CredentialTypeNotInCapabilities { credential_type: 1 }),
        );
    }
    // In an Update too.
    let leaf = update_leaf_with(&w, 2, w.signer(2), |l| {
        l.encryption_key = fresh_key(&w);
        l.capabilities.credentials = VarVec::new(vec![CredentialType::X509]);
    });
    update_refused(
        &mut w,
        leaf,
        "an Update whose capabilities omit its basic credential",
        protocol!(ProtocolError::CredentialTypeNotInCapabilities { credential_type: 1 }),
    );
    w.assert_recovers(0);
}

/// CHECKLIST LeafNode: "Missing a required capability" (§7.3, §11.1):
/// the group's `required_capabilities` names a custom extension type, a
/// custom proposal type and the x509 credential type (every member lists
/// them); KeyPackages each lacking one are refused with the entry missing.
/// Also a leaf without the group's cipher suite or without mls10 (§11.1:
/// "MUST support the protocol version and cipher suite").
#[test]
fn missing_required_capability() {
    let all = Caps {
        extensions: vec![EXT],
        proposals: vec![PROP],
        credentials: vec![CredentialType::X509],
        ..Caps::default()
    };
    let mut w = World::build("rustcrypto", &[all.clone(), all.clone(), all.clone()]);
    w.joiner_caps = all.clone();
    let required = RequiredCapabilities {
        extension_types: VarVec::new(vec![EXT]),
        proposal_types: VarVec::new(vec![PROP]),
        credential_types: VarVec::new(vec![CredentialType::X509]),
    }
    .to_extension()
    .unwrap();
    w.add_spy(|b| b.group_context_extensions(Extensions::from_vec(vec![required])));
    assert!(
        w.gr(0)
            .group_context()
            .extensions
            .required_capabilities()
            .unwrap()
            .is_some()
    );

    let lacking = [
        ("required extension type", EXT.0),
        ("required proposal type", PROP.0),
        ("required credential type", CredentialType::X509.0),
    ];
    for (what, code) in lacking {
        let kp = hostile(&w, "dave", |kp| {
            let caps = &mut kp.leaf_node.capabilities;
            match what {
                "required extension type" => caps.extensions = VarVec::new(vec![]),
                "required proposal type" => caps.proposals = VarVec::new(vec![]),
                _ => caps.credentials = VarVec::new(vec![CredentialType::BASIC]),
            }
        });
        refused_everywhere(
            &mut w,
            &kp,
            &format!("a KeyPackage lacking the {what} {code:#06x}"),
            protocol!(ProtocolError::MissingCapability { what: w2, code: c }
                if *w2 == what && *c == code),
        );
    }
    let kp = hostile(&w, "dave", |kp| {
        kp.leaf_node.capabilities.cipher_suites = VarVec::new(vec![P256.code()]);
    });
    refused_everywhere(
        &mut w,
        &kp,
        "a KeyPackage without the group's suite in its capabilities",
        protocol!(ProtocolError::MissingCapability {
            what: "cipher suite",
            code: 1
        }),
    );
    let kp = hostile(&w, "dave", |kp| {
        kp.leaf_node.capabilities.versions = VarVec::new(vec![]);
    });
    refused_everywhere(
        &mut w,
        &kp,
        "a KeyPackage without mls10 in its capabilities",
        protocol!(ProtocolError::MissingCapability {
            what: "protocol version",
            code: 1
        }),
    );
    w.assert_recovers(0);
}

/// CHECKLIST LeafNode: "an extension it uses is not in its capabilities"
/// (§7.2, §7.3), in a KeyPackage's leaf and in an Update.
#[test]
fn extension_not_in_capabilities() {
    let mut w = World::new(3);
    let unlisted = Extension {
        extension_type: EXT,
        extension_data: VarBytes::new(vec![1, 2, 3]),
    };
    let kp = hostile(&w, "dave", |kp| {
        kp.leaf_node.extensions = Extensions::from_vec(vec![unlisted.clone()]);
    });
    refused_everywhere(
        &mut w,
        &kp,
        "a KeyPackage leaf with an unlisted extension",
        protocol!(ProtocolError::ExtensionNotInCapabilities {
            extension_type: 0xf00e
        }),
    );
    let leaf = update_leaf_with(&w, 2, w.signer(2), |l| {
        l.encryption_key = fresh_key(&w);
        l.extensions = Extensions::from_vec(vec![unlisted.clone()]);
    });
    update_refused(
        &mut w,
        leaf,
        "an Update leaf with an unlisted extension",
        protocol!(ProtocolError::ExtensionNotInCapabilities {
            extension_type: 0xf00e
        }),
    );
    w.assert_recovers(0);
}

/// CHECKLIST LeafNode: "a credential type some member cannot handle"
/// (§7.3: "the credential type is supported by all members of the
/// group"): Dave's x509 credential, which he lists, in a group whose
/// members list only basic.
#[test]
fn credential_type_not_supported_by_members() {
    let mut w = World::new(3);
    let kp = hostile(&w, "dave", |kp| {
        kp.leaf_node.credential = x509();
        kp.leaf_node.capabilities.credentials =
            VarVec::new(vec![CredentialType::BASIC, CredentialType::X509]);
    });
    refused_everywhere(
        &mut w,
        &kp,
        "an x509 joiner in a basic-only group",
        protocol!(ProtocolError::CredentialTypeNotSupportedByMembers { credential_type: 2 }),
    );
    w.assert_recovers(0);
}

/// CHECKLIST LeafNode: "a credential type some member cannot handle", the
/// other direction (§7.3: "the capabilities field of this LeafNode
/// indicates support for all the credential types currently in use by
/// other members"): every member lists x509 and Dave uses it; Frank lists
/// only basic.
#[test]
fn joiner_cannot_handle_a_member_credential_type() {
    let x509_too = Caps {
        credentials: vec![CredentialType::X509],
        ..Caps::default()
    };
    let mut w = World::build(
        "rustcrypto",
        &[x509_too.clone(), x509_too.clone(), x509_too.clone()],
    );
    w.joiner_caps = x509_too;
    let dave = hostile(&w, "dave", |kp| kp.leaf_node.credential = x509());
    w.add_spy(|b| b.add_member(dave));
    assert!(
        w.gr(0)
            .members()
            .iter()
            .any(|m| m.credential.credential_type() == CredentialType::X509),
        "Dave, with an x509 credential, is a member"
    );
    w.joiner_caps = Caps::default();
    let kp = hostile(&w, "frank", |_| {});
    assert_eq!(
        kp.leaf_node.capabilities.credentials.as_slice(),
        &[CredentialType::BASIC]
    );
    refused_everywhere(
        &mut w,
        &kp,
        "a joiner that does not list x509, in use by Dave",
        protocol!(ProtocolError::MemberCredentialTypeNotSupported { credential_type: 2 }),
    );
    w.assert_recovers(0);
}

/// CHECKLIST LeafNode: "Wrong leaf_node_source for the context" (§7.3):
/// an Update whose leaf has source `key_package` or `commit`; and "an
/// Update that keeps the old encryption_key" (§7.3: "MUST be different").
#[test]
fn update_with_wrong_source_or_old_encryption_key() {
    let mut w = World::new(3);
    let now = w.client(0).now();
    let cs = w.cs();
    let mut leaf = w.leaf_node(2);
    leaf.encryption_key = fresh_key(&w);
    leaf.leaf_node_source = LeafNodeSource::KeyPackage(Lifetime {
        not_before: now - DAY,
        not_after: now + DAY,
    });
    leaf.sign(w.signer(2), cs, None).unwrap();
    update_refused(
        &mut w,
        leaf,
        "an Update leaf of source key_package",
        protocol!(ProtocolError::WrongLeafNodeSource {
            found: "key_package",
            expected
        } if expected.starts_with("update")),
    );
    let leaf = update_leaf_with(&w, 2, w.signer(2), |l| {
        l.encryption_key = fresh_key(&w);
        l.leaf_node_source = LeafNodeSource::Commit(VarBytes::new(vec![0xaa; 32]));
    });
    update_refused(
        &mut w,
        leaf,
        "an Update leaf of source commit",
        protocol!(ProtocolError::WrongLeafNodeSource {
            found: "commit",
            expected
        } if expected.starts_with("update")),
    );
    // Properly signed and sourced, with Carol's current encryption key.
    let leaf = update_leaf_with(&w, 2, w.signer(2), |_| {});
    assert_eq!(leaf.encryption_key, w.leaf_node(2).encryption_key);
    update_refused(
        &mut w,
        leaf,
        "an Update keeping the old encryption_key",
        protocol!(ProtocolError::UpdateKeepsEncryptionKey),
    );
    // Control: the same Update with a fresh key is accepted by all.
    let leaf = update_leaf_with(&w, 2, w.signer(2), |l| l.encryption_key = fresh_key(&w));
    let msg = w.forge_proposal(2, Proposal::Update(Update { leaf_node: leaf }));
    for i in [0, 1] {
        assert!(matches!(
            w.g(i).process_and_merge(&msg),
            Ok(ProcessedMessage::Proposal(_))
        ));
    }
    // Carol has no private key for that leaf: commit without it.
    w.assert_recovers_with(0, |g| g.self_update());
}

/// CHECKLIST LeafNode: "Lifetime expired or not yet valid (checked on
/// KeyPackages and Adds)" (§7.3), relative to the members' clock (the
/// system clock: the world's clients set none).
#[test]
fn key_package_lifetime_expired_or_not_yet_valid() {
    let mut w = World::new(3);
    let t0 = w.client(0).now();
    for (what, not_before, not_after) in [
        ("expired a day ago", t0 - 30 * DAY, t0 - DAY),
        ("valid from tomorrow", t0 + DAY, t0 + 30 * DAY),
    ] {
        let kp = hostile(&w, "dave", |kp| set_lifetime(kp, not_before, not_after));
        refused_everywhere(
            &mut w,
            &kp,
            &format!("a KeyPackage {what}"),
            protocol!(ProtocolError::LifetimeNotValid { not_before: b, not_after: a, now }
                if *b == not_before && *a == not_after && *now >= t0 && *now < t0 + 3600),
        );
    }
    w.assert_recovers(0);
}

/// CHECKLIST LeafNode: "signature_key or encryption_key already used by
/// another leaf" (§7.3). In an Update (Carol's leaf with Bob's signature
/// key, signed by Bob's key; with Bob's encryption key) and in a commit's
/// path leaf; in a KeyPackage (Bob's encryption key).
///
/// A KeyPackage carrying a member's signature key is the Add of a client
/// already in the group (§12.2), which the library names
/// `AddOfExistingMember` before §7.3's uniqueness check can run (see
/// `proposals.rs::add_of_existing_member`); it is checked here too.
#[test]
fn leaf_key_already_used_by_another_leaf() {
    let mut w = World::new(3);
    let bob_leaf = w.leaf_node(1);
    let leaf = update_leaf_with(&w, 2, w.signer(1), |l| {
        l.encryption_key = fresh_key(&w);
        l.signature_key = bob_leaf.signature_key.clone();
    });
    update_refused(
        &mut w,
        leaf,
        "Carol's Update with Bob's signature key",
        protocol!(ProtocolError::DuplicateSignatureKey),
    );
    let leaf = update_leaf_with(&w, 2, w.signer(2), |l| {
        l.encryption_key = bob_leaf.encryption_key.clone();
    });
    update_refused(
        &mut w,
        leaf,
        "Carol's Update with Bob's encryption key",
        protocol!(ProtocolError::DuplicateEncryptionKey),
    );

    // Carol's commit whose path leaf carries Bob's signature key.
    let (cs, bob) = (w.cs(), w.signer(1));
    let forged = w.forge(
        By::Member(2),
        Forge {
            path: true,
            ..Default::default()
        },
        |c, info| {
            let leaf = &mut c.path.as_mut().expect("a path").leaf_node;
            leaf.signature_key = bob_leaf.signature_key.clone();
            leaf.sign(bob, cs, Some(info.tbs())).unwrap();
        },
    );
    w.expect_rejected(
        Some(2),
        &forged.message,
        "a commit whose path leaf has Bob's signature key",
        protocol!(ProtocolError::DuplicateSignatureKey),
    );

    let kp = hostile(&w, "dave", |kp| {
        kp.leaf_node.encryption_key = bob_leaf.encryption_key.clone();
    });
    refused_everywhere(
        &mut w,
        &kp,
        "a KeyPackage with Bob's encryption key",
        protocol!(ProtocolError::DuplicateEncryptionKey),
    );
    // Dave's KeyPackage with Bob's signature key, signed by Bob's key.
    let dave = w.new_client("dave");
    let (cs, bob) = (w.cs(), w.signer(1));
    let mut kp = dave
        .generate_key_package(SUITE, &KeyPackageOptions::default())
        .unwrap();
    kp.leaf_node.signature_key = bob_leaf.signature_key.clone();
    kp.leaf_node.sign(bob, cs, None).unwrap();
    kp.sign(bob, cs).unwrap();
    let bob_index = w.leaf(1);
    refused_everywhere(
        &mut w,
        &kp,
        "a KeyPackage with Bob's signature key",
        protocol!(ProtocolError::AddOfExistingMember(l) if *l == bob_index),
    );
    w.assert_recovers(0);
}

// ----- GREASE (§13.5) -----

/// The GREASE values of §13.5: 0x0A0A, 0x1A1A, ..., 0xEAEA.
fn grease(n: u16) -> u16 {
    assert!(n < 15);
    0x0A0A + n * 0x1010
}

/// §13.5 via CHECKLIST Encoding ("GREASE values that must be ignored"):
/// a KeyPackage whose capabilities list GREASE cipher suites, extension,
/// proposal and credential types, with a GREASE extension in its leaf and
/// one in the KeyPackage (both listed, as §13.5 and §10.1 ask), is
/// accepted as an Add proposal (cached by every member) and by
/// `add_members`; both joiners join with the Welcome and everyone agrees.
#[test]
fn grease_values_are_ignored() {
    let mut w = World::new(3);
    let with_grease = |kp: &mut KeyPackage| {
        let caps = &mut kp.leaf_node.capabilities;
        let mut suites = caps.cipher_suites.as_slice().to_vec();
        suites.insert(0, grease(0));
        caps.cipher_suites = VarVec::new(suites);
        let mut extensions = caps.extensions.as_slice().to_vec();
        extensions.extend([ExtensionType(grease(1)), ExtensionType(grease(2))]);
        caps.extensions = VarVec::new(extensions);
        caps.proposals = VarVec::new(vec![ProposalType(grease(3))]);
        let mut credentials = caps.credentials.as_slice().to_vec();
        credentials.push(CredentialType(grease(4)));
        caps.credentials = VarVec::new(credentials);
        kp.leaf_node.extensions = Extensions::from_vec(vec![Extension {
            extension_type: ExtensionType(grease(1)),
            extension_data: VarBytes::new(vec![0x5a; 7]),
        }]);
        kp.extensions = Extensions::from_vec(vec![Extension {
            extension_type: ExtensionType(grease(2)),
            extension_data: VarBytes::new(vec![0xa5; 13]),
        }]);
    };
    let dave = w.new_client("dave");
    let erin = w.new_client("erin");
    let proposed = joinable(&w, &dave, with_grease);
    let added = joinable(&w, &erin, with_grease);

    // Received as a proposal (by every member: Bob's group did not make
    // it), and cached.
    let msg = w.forge_proposal(1, add(&proposed));
    let mut references = Vec::new();
    for i in 0..3 {
        match w.g(i).process_and_merge(&msg) {
            Ok(ProcessedMessage::Proposal(p)) => references.push(p.reference),
            other => panic!("member {i} did not cache the GREASE Add: {other:?}"),
        }
        assert_eq!(w.gr(i).pending_proposals().count(), 1, "member {i}");
    }
    assert!(
        references.windows(2).all(|r| r[0] == r[1]),
        "every member computed the same ProposalRef"
    );

    // add_members commits Erin by value and Dave's Add by reference.
    let out = w.commit_all(0, |g| g.add_members(std::slice::from_ref(&added)));
    assert_eq!(out.proposals.len(), 2, "both Adds are committed");
    let welcome = out.welcome.expect("a Welcome");
    for client in [dave, erin] {
        let group = mls_core::group::Group::join(&client, &welcome, super::world::config())
            .expect("the GREASE joiner joins");
        w.members.push(super::world::Member {
            client,
            group: Some(group),
        });
    }
    w.assert_agree(2);
    assert_eq!(w.gr(0).members().len(), 5);
}

// ----- Authentication Service (§5.3.1, §7.3) -----

/// Refuses the basic credential of one identity, for any use.
struct Refuses(&'static [u8]);

impl CredentialValidator for Refuses {
    fn validate(&self, check: &CredentialCheck<'_>) -> Result<(), String> {
        match check.credential {
            Credential::Basic { identity } if identity.as_slice() == self.0 => {
                Err("mallory is not one of ours".to_owned())
            }
            _ => Ok(()),
        }
    }
}

/// CHECKLIST LeafNode: "credential rejected by the application's
/// validator" (§5.3.1, §7.3), and Authorization: "A new credential
/// (KeyPackage ...) that the Authentication Service rejects is refused",
/// on the RECEIVING side: Carol's validator refuses Mallory, the others
/// accept her. Carol refuses Alice's genuine commit adding Mallory, Bob's
/// Add proposal and Bob's commit with the Add by value, keeping her state;
/// her own add_members refuses Mallory too.
#[test]
fn credential_rejected_by_the_receiver_validator() {
    let strict = Caps {
        validator: Some(Validator(Arc::new(Refuses(b"mallory")))),
        ..Caps::default()
    };
    let mut w = World::build("rustcrypto", &[Caps::default(), Caps::default(), strict]);
    let mallory = w.new_client("mallory");
    let kp = resigned(&w, &mallory, |_| {});
    let rejected = protocol!(ProtocolError::CredentialRejected { reason }
        if reason == "mallory is not one of ours");

    // Alice (AcceptAll) adds Mallory; only Carol receives the commit.
    let out = w.g(0).add_members(std::slice::from_ref(&kp)).unwrap();
    w.expect_rejected_by(&[2], &out.commit, "Alice's commit adding Mallory", rejected);
    w.g(0).clear_pending_commit().unwrap();

    let msg = w.forge_proposal(1, add(&kp));
    w.expect_rejected_by(&[2], &msg, "Bob's Add proposal of Mallory", rejected);
    // Control: Alice's validator accepts the same proposal (she caches
    // it, so her recovery commit below leaves received proposals out).
    assert!(matches!(
        w.g(0).process_and_merge(&msg),
        Ok(ProcessedMessage::Proposal(_))
    ));
    for path in [false, true] {
        let msg = w.forge_simple(1, vec![by_value(add(&kp))], path);
        w.expect_rejected_by(
            &[2],
            &msg,
            &format!("Bob's commit adding Mallory by value (path: {path})"),
            rejected,
        );
    }
    w.expect_refused_locally(
        2,
        "Carol adding Mallory",
        |g| g.add_members(std::slice::from_ref(&kp)),
        rejected,
    );
    w.assert_recovers_with(0, |g| g.self_update());
}
