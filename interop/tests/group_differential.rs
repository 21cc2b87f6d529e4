//! Differential test of the group layer across crypto backends: proptest
//! generates scripts of group operations (adds, removes, updates,
//! proposals by reference, external joins, application messages); each
//! script runs with the same seeded randomness on rustcrypto, ring and
//! aws-lc, for suites 1 and 3 (Ed25519 signatures are deterministic). Every
//! MLS message produced must be byte-identical across backends, and every
//! epoch authenticator equal (within a run, at every member too).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use interop::clients::{TestProvider, client, seed};
use mls_core::group::{ExternalJoinOptions, Group, GroupConfig, KeyPackageOptions};
use mls_core::{CipherSuite, MlsMessage};
use proptest::prelude::*;

type G = Group<TestProvider>;

const BACKENDS: [&str; 3] = ["rustcrypto", "ring", "aws-lc"];
const SUITES: [CipherSuite; 2] = [
    CipherSuite::MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519,
    CipherSuite::MLS_128_DHKEMX25519_CHACHA20POLY1305_SHA256_Ed25519,
];
const MAX_MEMBERS: usize = 8;

/// One step of a script. Member numbers are taken modulo the current
/// member count, so every script is valid whatever came before.
#[derive(Clone, Debug)]
enum Op {
    /// `by` adds a new client in a commit.
    Add { by: usize },
    /// `by` removes `target` (never itself).
    Remove { by: usize, target: usize },
    /// `by` sends an empty full commit.
    Update { by: usize },
    /// `who` proposes an Update; `by` commits it by reference.
    ProposeUpdate { who: usize, by: usize },
    /// `who` proposes removing `target`; `by` commits it by reference.
    ProposeRemove {
        who: usize,
        target: usize,
        by: usize,
    },
    /// `who` proposes adding a new client; `by` commits it by reference.
    ProposeAdd { who: usize, by: usize },
    /// A new client joins by external commit from `via`'s GroupInfo.
    ExternalJoin { via: usize },
    /// `from` sends application data.
    Message { from: usize },
}

fn op() -> impl Strategy<Value = Op> {
    let m = 0..MAX_MEMBERS;
    prop_oneof![
        m.clone().prop_map(|by| Op::Add { by }),
        (m.clone(), m.clone()).prop_map(|(by, target)| Op::Remove { by, target }),
        m.clone().prop_map(|by| Op::Update { by }),
        (m.clone(), m.clone()).prop_map(|(who, by)| Op::ProposeUpdate { who, by }),
        (m.clone(), m.clone(), m.clone()).prop_map(|(who, target, by)| Op::ProposeRemove {
            who,
            target,
            by
        }),
        (m.clone(), m.clone()).prop_map(|(who, by)| Op::ProposeAdd { who, by }),
        m.clone().prop_map(|via| Op::ExternalJoin { via }),
        m.prop_map(|from| Op::Message { from }),
    ]
}

/// What a run produced: every message's bytes and every epoch's
/// authenticator, in order.
#[derive(Debug, PartialEq, Eq)]
struct Transcript {
    messages: Vec<Vec<u8>>,
    authenticators: Vec<Vec<u8>>,
}

struct World {
    backend: &'static str,
    suite: CipherSuite,
    members: Vec<G>,
    next_client: u64,
    out: Transcript,
}

impl World {
    fn new_client(&mut self) -> mls_core::group::Client<TestProvider> {
        self.next_client += 1;
        let n = self.next_client;
        client(self.backend, self.suite, &format!("client {n}"), seed(n)).unwrap()
    }

    fn record(&mut self, message: &MlsMessage) {
        self.out.messages.push(message.to_bytes().unwrap());
    }

    /// Every member but `from` processes `message`.
    fn deliver(&mut self, from: usize, message: &MlsMessage) {
        self.record(message);
        for (i, g) in self.members.iter_mut().enumerate() {
            if i != from {
                g.process_and_merge(message)
                    .unwrap_or_else(|e| panic!("{}: member {i}: {e}", self.backend));
            }
        }
    }

    /// `by` merges its commit, the others process it; the removed drop out.
    fn finish_commit(&mut self, by: usize, out: mls_core::group::CommitOutput) {
        self.members[by].merge_pending_commit().unwrap();
        self.deliver(by, &out.commit);
        if let Some(w) = &out.welcome {
            self.record(w);
        }
        self.members.retain(|g| g.is_active());
        self.check_agreement();
    }

    fn check_agreement(&mut self) {
        let first = self.members[0].epoch_authenticator().to_vec();
        for g in &self.members {
            assert_eq!(g.epoch_authenticator(), first, "{}", self.backend);
        }
        self.out.authenticators.push(first);
    }

    fn key_package(
        &mut self,
    ) -> (
        mls_core::group::Client<TestProvider>,
        mls_core::key_package::KeyPackage,
    ) {
        let c = self.new_client();
        let kp = c
            .generate_key_package(self.suite, &KeyPackageOptions::default())
            .unwrap();
        (c, kp)
    }

    fn join_from(
        &mut self,
        joiner: &mls_core::group::Client<TestProvider>,
        welcome: Option<&MlsMessage>,
    ) {
        let g = Group::join(joiner, welcome.unwrap(), GroupConfig::default()).unwrap();
        self.members.push(g);
    }

    fn step(&mut self, op: &Op) {
        let n = self.members.len();
        match *op {
            Op::Add { by } if n < MAX_MEMBERS => {
                let by = by % n;
                let (c, kp) = self.key_package();
                let out = self.members[by].add_members(&[kp]).unwrap();
                let welcome = out.welcome.clone();
                self.finish_commit(by, out);
                self.join_from(&c, welcome.as_ref());
            }
            Op::Remove { by, target } if n > 1 => {
                let by = by % n;
                let target = (by + 1 + target % (n - 1)) % n;
                let leaf = self.members[target].own_leaf_index();
                let out = self.members[by].remove_members(&[leaf]).unwrap();
                self.finish_commit(by, out);
            }
            Op::Update { by } => {
                let by = by % n;
                let out = self.members[by].self_update().unwrap();
                self.finish_commit(by, out);
            }
            Op::ProposeUpdate { who, by } if n > 1 => {
                let who = who % n;
                let by = (who + 1 + by % (n - 1)) % n;
                let p = self.members[who].propose_update().unwrap();
                self.deliver(who, &p);
                let out = self.members[by].commit().unwrap();
                self.finish_commit(by, out);
            }
            Op::ProposeRemove { who, target, by } if n > 2 => {
                let who = who % n;
                let target = (who + 1 + target % (n - 1)) % n;
                let leaf = self.members[target].own_leaf_index();
                let p = self.members[who].propose_remove(leaf).unwrap();
                self.deliver(who, &p);
                // The committer is neither the target (it cannot remove itself).
                let by = (0..n).map(|k| (by + k) % n).find(|b| *b != target).unwrap();
                let out = self.members[by].commit().unwrap();
                self.finish_commit(by, out);
            }
            Op::ProposeAdd { who, by } if n < MAX_MEMBERS => {
                let (who, by) = (who % n, by % n);
                let (c, kp) = self.key_package();
                let p = self.members[who].propose_add(kp).unwrap();
                self.deliver(who, &p);
                let out = self.members[by].commit().unwrap();
                let welcome = out.welcome.clone();
                self.finish_commit(by, out);
                self.join_from(&c, welcome.as_ref());
            }
            Op::ExternalJoin { via } if n < MAX_MEMBERS => {
                let via = via % n;
                let info = self.members[via].group_info(true).unwrap();
                self.record(&info);
                let c = self.new_client();
                let (g, commit) = Group::join_by_external_commit(
                    &c,
                    &info,
                    GroupConfig::default(),
                    ExternalJoinOptions::default(),
                )
                .unwrap();
                let mut g = g;
                g.merge_pending_commit().unwrap();
                self.members.push(g);
                let joiner = self.members.len() - 1;
                self.deliver(joiner, &commit);
                self.check_agreement();
            }
            Op::Message { from } => {
                let from = from % n;
                let m = self.members[from]
                    .encrypt_application_message(b"differential", b"ad")
                    .unwrap();
                self.deliver(from, &m);
            }
            // Size bounds make some steps no-ops.
            _ => {}
        }
    }
}

fn run(backend: &'static str, suite: CipherSuite, ops: &[Op]) -> Transcript {
    let mut world = World {
        backend,
        suite,
        members: Vec::new(),
        next_client: 0,
        out: Transcript {
            messages: Vec::new(),
            authenticators: Vec::new(),
        },
    };
    let creator = world.new_client();
    let group = Group::create_with_id(
        &creator,
        suite,
        b"differential",
        Default::default(),
        GroupConfig::default(),
    )
    .unwrap();
    world.members.push(group);
    world.check_agreement();
    world.step(&Op::Add { by: 0 });
    for op in ops {
        world.step(op);
    }
    world.out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    #[test]
    fn every_backend_produces_the_same_bytes(ops in prop::collection::vec(op(), 1..16)) {
        for suite in SUITES {
            let reference = run(BACKENDS[0], suite, &ops);
            prop_assert!(!reference.messages.is_empty());
            for backend in &BACKENDS[1..] {
                let other = run(backend, suite, &ops);
                prop_assert_eq!(other.messages.len(), reference.messages.len());
                for (i, (a, b)) in reference.messages.iter().zip(&other.messages).enumerate() {
                    prop_assert!(a == b, "suite {:?}: message {} differs between {} and {}", suite, i, BACKENDS[0], backend);
                }
                prop_assert_eq!(&other.authenticators, &reference.authenticators);
            }
        }
    }
}

/// The comparison can fail: the same script in another suite gives other
/// bytes, and a run is reproducible.
#[test]
fn transcripts_depend_on_their_inputs() {
    let ops = [Op::Update { by: 0 }, Op::Message { from: 1 }];
    let a = run("rustcrypto", SUITES[0], &ops);
    assert_eq!(a, run("rustcrypto", SUITES[0], &ops));
    let other_suite = run("rustcrypto", SUITES[1], &ops);
    assert_ne!(other_suite.messages, a.messages);
    assert_ne!(other_suite.authenticators, a.authenticators);
}
