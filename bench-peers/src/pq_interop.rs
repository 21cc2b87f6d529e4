//! `interop-pq`: groups of our library (RustCrypto) and OpenMLS 0.9
//! (`openmls_rust_crypto` with its `draft-ietf-mls-pq-ciphersuites`
//! feature) on every post-quantum suite both implement, under OpenMLS'
//! code points. Members of both libraries add each other, commit, send
//! and remove; after every step every member must be at the same epoch
//! authenticator, and every application message must read as sent. A
//! failure panics with the suite and the step.
//!
//! OpenMLS 0.9's RustCrypto provider lacks 0x004D (X-Wing with
//! ChaCha20-Poly1305 and SHA-256): OpenMLS has that suite on libcrux only.

use crate::lib_api::{Lib, Member};
use crate::openmls_lib::OpenMls;
use crate::ours::Ours;
use openmls::prelude::Ciphersuite;

/// The suites `openmls_rust_crypto` 0.6 offers with the feature.
const SUITES: [Ciphersuite; 9] = [
    Ciphersuite::MLS_192_MLKEM1024_AES256GCM_SHA384_P384,
    Ciphersuite::MLS_128_MLKEM768X25519_AES256GCM_SHA384_Ed25519,
    Ciphersuite::MLS_128_MLKEM768X25519_AES128GCM_SHA256_Ed25519,
    Ciphersuite::MLS_128_MLKEM768_AES256GCM_SHA384_P256,
    Ciphersuite::MLS_192_MLKEM768_AES256GCM_SHA384_MLDSA65,
    Ciphersuite::MLS_128_MLKEM768X25519_CHACHA20POLY1305_SHA384_MLDSA44,
    Ciphersuite::MLS_256_MLKEM1024_AES256GCM_SHA512_MLDSA87,
    Ciphersuite::MLS_256_MLKEM1024_AES256GCM_SHA384_MLDSA87,
    Ciphersuite::MLS_128_MLKEM768_AES256GCM_SHA384_Ed25519,
];

/// The two libraries of one run and the members of the group, each as
/// (library, member).
struct Mixed {
    libs: [Box<dyn Lib>; 2],
    members: Vec<(usize, Member)>,
    epochs: usize,
}

const OURS: usize = 0;
const OPENMLS: usize = 1;

impl Mixed {
    fn new_member(&mut self, lib: usize, name: &str) -> (usize, Member) {
        (lib, self.libs[lib].new_member(name))
    }

    fn key_package(&mut self, (lib, m): (usize, Member)) -> Vec<u8> {
        self.libs[lib].key_package(m)
    }

    /// Every member at one epoch authenticator.
    fn agree(&mut self, step: &str) {
        let authenticators: Vec<Vec<u8>> = self
            .members
            .iter()
            .map(|&(lib, m)| self.libs[lib].epoch_authenticator(m))
            .collect();
        for (i, a) in authenticators.iter().enumerate() {
            let (lib, _) = self.members[i];
            assert_eq!(
                a,
                &authenticators[0],
                "{step}: member {i} ({}) disagrees",
                self.libs[lib].name()
            );
        }
        self.epochs += 1;
    }

    /// `by` commits (a commit it built, not yet merged); everyone else
    /// processes it.
    fn distribute(&mut self, by: (usize, Member), commit: &[u8]) {
        self.libs[by.0].merge_pending(by.1);
        for &(lib, m) in &self.members {
            if (lib, m) != by {
                self.libs[lib].process_commit(m, commit);
            }
        }
    }

    /// `by` adds `new` (a member not yet in the group), which joins from
    /// the Welcome.
    fn add(&mut self, by: (usize, Member), new: (usize, Member)) {
        let key_package = self.key_package(new);
        let (commit, welcome) = self.libs[by.0].add(by.1, &[key_package]);
        self.distribute(by, &commit);
        self.libs[new.0].join(new.1, &welcome);
        self.members.push(new);
    }

    /// Every member sends one message; every other reads it.
    fn messages(&mut self, step: &str) {
        for i in 0..self.members.len() {
            let (lib, m) = self.members[i];
            let data = format!("{step}: from member {i}").into_bytes();
            let message = self.libs[lib].encrypt(m, &data);
            for (j, &(other_lib, other)) in self.members.iter().enumerate() {
                if j != i {
                    let read = self.libs[other_lib].decrypt(other, &message);
                    assert_eq!(read, data, "{step}: member {j} read member {i}'s message");
                }
            }
        }
    }
}

/// Runs every suite; prints one line per suite.
pub fn run() {
    println!("ours (RustCrypto) and OpenMLS 0.9 (openmls_rust_crypto) in one group:");
    for suite in SUITES {
        let code = u16::from(suite);
        let ours = Ours::with_suite("rustcrypto", mls_core::CipherSuite::from_code(code))
            .expect("rustcrypto");
        let mut g = Mixed {
            libs: [Box::new(ours), Box::new(OpenMls::with_suite(suite))],
            members: Vec::new(),
            epochs: 0,
        };
        // alice (ours) creates; bob (OpenMLS) is added by alice; carol
        // (ours) by bob; dave (OpenMLS) by carol.
        let alice = g.new_member(OURS, "alice");
        let bob = g.new_member(OPENMLS, "bob");
        let carol = g.new_member(OURS, "carol");
        let dave = g.new_member(OPENMLS, "dave");
        g.libs[OURS].create_group(alice.1);
        g.members.push(alice);
        g.add(alice, bob);
        g.agree("ours adds OpenMLS");
        g.add(bob, carol);
        g.agree("OpenMLS adds ours");
        g.add(carol, dave);
        g.agree("ours adds OpenMLS again");
        g.messages("four members");
        for i in 0..g.members.len() {
            let by = g.members[i];
            let commit = g.libs[by.0].self_update(by.1);
            g.distribute(by, &commit);
            g.agree("a full commit");
        }
        // dave (OpenMLS) removes alice (ours, leaf 0); then carol (ours)
        // removes bob (OpenMLS).
        for (by, gone) in [(dave, alice), (carol, bob)] {
            let leaf = g.libs[gone.0].leaf_index(gone.1);
            let commit = g.libs[by.0].remove(by.1, leaf);
            g.members.retain(|&m| m != gone);
            // The removed member processes the commit too (it learns it
            // is out); its epoch is no longer compared.
            g.libs[gone.0].process_commit(gone.1, &commit);
            g.distribute(by, &commit);
            g.agree("a remove");
        }
        g.messages("after the removes");
        println!(
            "  0x{code:04x} {suite:?}: {} epochs agreed, messages read both ways",
            g.epochs
        );
    }
}
