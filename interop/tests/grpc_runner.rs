//! The scenario runner end to end: three in-process `MLSClient` servers
//! (rustcrypto, ring on SQLite, aws-lc) driven through scripts in the
//! working group's format that use every action, on every assignment of
//! servers to actors; then the passive-client vectors recorded from those
//! runs are followed by our passive client on every backend.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod grpc_support;

use grpc_support::{SERVERS, expected_runs};
use interop::conformance::{Lifetimes, run_passive};
use interop::grpc::client::MlsClientConn;
use interop::grpc::runner::report::ConfigReport;
use interop::grpc::runner::session::{Session, run_async};
use interop::grpc::runner::{self, Options, config};
use interop::grpc::server::StorageChoice;
use std::path::Path;

/// Every action of the working group's runner, in scripts of two or
/// three actors so that every assignment runs.
const EVERY_ACTION: &str = r#"{"scripts": {
  "commits": [
    {"action": "createGroup", "actor": "alice", "members": ["bob"]},
    {"action": "createKeyPackage", "actor": "charlie"},
    {"action": "addProposal", "actor": "alice", "keyPackage": 1},
    {"action": "updateProposal", "actor": "bob"},
    {"action": "installExternalPSK", "clients": ["alice", "bob", "charlie"]},
    {"action": "externalPSKProposal", "actor": "alice", "pskID": 4},
    {"action": "fullCommit", "actor": "alice", "byReference": [2, 3, 5],
     "members": ["bob"], "joiners": ["charlie"], "force_path": true},
    {"action": "protect", "actor": "bob", "authenticatedData": "ad", "plaintext": "hello"},
    {"action": "unprotect", "actor": "charlie", "ciphertext": 7},
    {"action": "unprotect", "actor": "alice", "ciphertext": 7},
    {"action": "groupContextExtensionsProposal", "actor": "alice", "extensions": [
      {"extension_type": 3, "extension_data": "AAAA"},
      {"extension_type": 5, "extension_data": "AA=="}]},
    {"action": "commit", "actor": "alice", "byReference": [10]},
    {"action": "handleCommit", "actor": "bob", "commit": 11, "byReference": [10]},
    {"action": "handleCommit", "actor": "charlie", "commit": 11, "byReference": [10]},
    {"action": "handlePendingCommit", "actor": "alice"},
    {"action": "removeProposal", "actor": "bob", "removed": "charlie"},
    {"action": "fullCommit", "actor": "alice", "byReference": [15], "members": ["bob"]},
    {"action": "resumptionPSKProposal", "actor": "alice", "epochID": 1},
    {"action": "fullCommit", "actor": "alice", "byReference": [17], "members": ["bob"]},
    {"action": "fullCommit", "actor": "alice", "members": ["bob"], "byValue": [
      {"proposalType": "groupContextExtensions",
       "extensions": [{"extension_type": 3, "extension_data": "AAAA"}]},
      {"proposalType": "resumptionPSK", "epochID": 2},
      {"proposalType": "externalPSK", "pskID": 4}]}
  ],
  "external": [
    {"action": "createGroup", "actor": "alice", "members": ["bob"]},
    {"action": "installExternalPSK", "clients": ["alice", "bob"]},
    {"action": "addExternalSigner", "actor": "alice", "signer": "ds"},
    {"action": "fullCommit", "actor": "alice", "byReference": [2], "members": ["bob"]},
    {"action": "externalSignerProposal", "actor": "ds", "member": "alice",
     "description": {"proposalType": "externalPSK", "pskID": 1}},
    {"action": "fullCommit", "actor": "alice", "byReference": [4], "members": ["bob"]},
    {"action": "externalSignerProposal", "actor": "ds", "member": "bob",
     "description": {"proposalType": "resumptionPSK", "epochID": 1}},
    {"action": "commit", "actor": "bob", "byReference": [6]},
    {"action": "handleCommit", "actor": "alice", "commit": 7, "byReference": [6]},
    {"action": "handlePendingCommit", "actor": "bob"},
    {"action": "externalSignerProposal", "actor": "ds", "member": "alice",
     "description": {"proposalType": "remove", "removed": "bob"}},
    {"action": "fullCommit", "actor": "alice", "byReference": [10]}
  ],
  "external_reinit": [
    {"action": "createGroup", "actor": "alice", "members": ["bob"]},
    {"action": "addExternalSigner", "actor": "alice", "signer": "ds"},
    {"action": "fullCommit", "actor": "alice", "byReference": [1], "members": ["bob"]},
    {"action": "externalSignerProposal", "actor": "ds", "member": "alice",
     "description": {"proposalType": "reinit", "changeGroupID": true}},
    {"action": "reinit", "committer": "alice", "welcomer": "bob", "externalReinitProposal": 3}
  ],
  "new_member": [
    {"action": "createGroup", "actor": "alice"},
    {"action": "newMemberAddProposal", "actor": "alice", "joiner": "bob"},
    {"action": "fullCommit", "actor": "alice", "byReference": [1], "joiners": ["bob"]},
    {"action": "externalJoin", "actor": "bob", "joiner": "charlie", "members": ["alice"],
     "externalTree": true},
    {"action": "installExternalPSK", "clients": ["alice", "bob"]},
    {"action": "externalJoin", "actor": "alice", "joiner": "charlie", "members": ["bob"],
     "removePrior": true, "psks": [4]},
    {"action": "protect", "actor": "charlie", "authenticatedData": "", "plaintext": "back"},
    {"action": "unprotect", "actor": "alice", "ciphertext": 6},
    {"action": "unprotect", "actor": "bob", "ciphertext": 6}
  ],
  "join_and_tree": [
    {"action": "createGroup", "actor": "alice"},
    {"action": "createKeyPackage", "actor": "bob"},
    {"action": "addProposal", "actor": "alice", "keyPackage": 1},
    {"action": "commit", "actor": "alice", "byReference": [2]},
    {"action": "handlePendingCommit", "actor": "alice"},
    {"action": "joinGroup", "actor": "bob", "welcome": 3},
    {"action": "createKeyPackage", "actor": "charlie"},
    {"action": "fullCommit", "actor": "alice", "byValue": [{"proposalType": "add", "keyPackage": 6}],
     "members": ["bob"], "joiners": ["charlie"], "external_tree": true},
    {"action": "groupInfo", "actor": "bob", "externalTree": true},
    {"action": "updateProposal", "actor": "alice"},
    {"action": "fullCommit", "actor": "charlie", "byReference": [9], "members": ["alice", "bob"]}
  ],
  "reinit": [
    {"action": "createGroup", "actor": "alice", "members": ["bob", "charlie"]},
    {"action": "reinit", "proposer": "alice", "committer": "bob", "welcomer": "charlie",
     "changeCiphersuite": true,
     "extensions": [{"extension_type": 3, "extension_data": "AAAA"}]},
    {"action": "protect", "actor": "charlie", "authenticatedData": "x", "plaintext": "new"},
    {"action": "unprotect", "actor": "alice", "ciphertext": 2}
  ],
  "reinit_same": [
    {"action": "createGroup", "actor": "alice", "members": ["bob"]},
    {"action": "reinit", "proposer": "alice", "committer": "alice", "welcomer": "alice",
     "members": ["bob"], "changeGroupID": true, "externalTree": true, "forcePath": true}
  ],
  "branch": [
    {"action": "createGroup", "actor": "alice", "members": ["bob", "charlie"]},
    {"action": "branch", "actor": "alice", "members": ["bob", "charlie"],
     "forcePath": true, "externalTree": true,
     "extensions": [{"extension_type": 3, "extension_data": "AAAA"}]},
    {"action": "protect", "actor": "bob", "authenticatedData": "b", "plaintext": "branched"},
    {"action": "unprotect", "actor": "charlie", "ciphertext": 2}
  ]
}}"#;

/// A short script on every suite: a join, an application message, and a
/// commit the joiner follows.
const EVERY_SUITE: &str = r#"{"scripts": {"join_protect_commit": [
    {"action": "createGroup", "actor": "alice", "members": ["bob"]},
    {"action": "protect", "actor": "alice", "authenticatedData": "a", "plaintext": "hi"},
    {"action": "unprotect", "actor": "bob", "ciphertext": 1},
    {"action": "fullCommit", "actor": "alice", "members": ["bob"], "force_path": true}
]}}"#;

/// Prints every failure and asserts there were none.
fn assert_passed(report: &ConfigReport) {
    print!("{}", report.summary());
    assert_eq!(report.failed(), 0, "{}", report.summary());
}

/// Follows the passive cases in `file` on every backend; returns the
/// checks that passed (each case: key pairs, join, one per epoch).
fn follow_passive(file: &Path) -> usize {
    follow_passive_on(file, interop::backends::all())
}

fn follow_passive_on(file: &Path, backends: Vec<interop::backends::Backend>) -> usize {
    let rows = run_passive(&[file], &backends, Lifetimes::Checked).expect("passive file loads");
    for row in &rows {
        assert_eq!(row.failed, 0, "{:?}: {:?}", row.backend, row.failures);
    }
    rows.iter().map(|r| r.passed).sum()
}

/// Runs [`EVERY_ACTION`] on `suite`, recording passive cases, and checks
/// that every run passed and that a script of `a` actors ran `runs(a)`
/// times.
async fn every_action(
    pool: &[MlsClientConn],
    suite: u16,
    runs: impl Fn(u32) -> usize,
) -> ConfigReport {
    let config = config::parse(EVERY_ACTION.as_bytes()).unwrap();
    let options = Options {
        suite: Some(suite),
        record_passive: true,
        ..Options::default()
    };
    let report = runner::run_config(pool, "every_action", &config, &options)
        .await
        .unwrap();
    assert_passed(&report);
    for (name, script) in &config.scripts {
        let actors = u32::try_from(script.actors().len()).unwrap();
        let ran = &report
            .scripts
            .iter()
            .find(|s| &s.name == name)
            .unwrap()
            .runs;
        assert_eq!(ran.len(), runs(actors), "{name}");
    }
    report
}

#[test]
fn every_action_on_every_assignment() {
    let rt = grpc_support::runtime();
    rt.block_on(async {
        let servers = grpc_support::start(&SERVERS).await;
        // Three servers with suite 1: 3^actors assignments, two flags.
        let report = every_action(&servers.pool, 1, |actors| {
            let runs = expected_runs(&SERVERS, actors, Some(1));
            assert_eq!(runs, 3usize.pow(actors) * 2);
            runs
        })
        .await;
        let runs: usize = report.scripts.iter().map(|s| s.runs.len()).sum();
        assert_eq!(runs, 7 * 54 + 18);
        // `Free` after every run left nothing on the servers.
        assert_eq!(servers.held(), 0);

        // Per handshake flag: commits 1 case (charlie, 1 epoch), external
        // 1 (bob, 2), external_reinit 1 (bob, 1), new_member none (its
        // joiners have no KeyPackage of their own or join externally),
        // join_and_tree 1 (bob, 2), reinit 2, reinit_same 1 and branch 2
        // (joins only: the group is replaced before any commit).
        let cases = &report.passive;
        assert_eq!(cases.len(), 2 * (1 + 1 + 1 + 1 + 2 + 1 + 2));
        let epochs: usize = cases.iter().map(|c| c.epochs.len()).sum();
        assert_eq!(epochs, 2 * (1 + 2 + 1 + 2));
        assert!(cases.iter().all(|c| c.cipher_suite == 1));
        // Only the joiner of join_and_tree's second commit got the tree
        // apart, and its case has no epochs, so was dropped.
        assert!(cases.iter().all(|c| c.ratchet_tree.is_none()));
        assert!(cases.iter().any(|c| c.external_psks.len() == 1));

        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("every_action.json");
        std::fs::write(&file, runner::passive_json(cases).unwrap()).unwrap();
        // Each case: the key pairs, the join, each epoch; on 3 backends.
        assert_eq!(follow_passive(&file), 3 * (cases.len() * 2 + epochs));
    });
}

/// The command's session on every suite the servers have: the summary,
/// the results JSON and the passive files it writes.
#[test]
fn every_suite_through_the_session() {
    let rt = grpc_support::runtime();
    rt.block_on(async {
        let servers = grpc_support::start(&SERVERS).await;
        let dir = tempfile::tempdir().unwrap();
        let config_file = dir.path().join("every_suite.json");
        std::fs::write(&config_file, EVERY_SUITE).unwrap();
        let session = Session {
            clients: servers
                .pool
                .iter()
                .map(|c| c.address().to_string())
                .collect(),
            configs: vec![config_file.clone()],
            options: Options::default(),
            json: Some(dir.path().join("results.json")),
            passive_out: Some(dir.path().join("passive")),
        };
        let mut out = Vec::new();
        let passed = run_async(&session, &mut out).await.unwrap();
        let out = String::from_utf8(out).unwrap();
        print!("{out}");
        assert!(passed, "{out}");
        let runs = expected_runs(&SERVERS, 2, None);
        assert_eq!(servers.held(), 0);
        assert!(
            out.contains(&format!("total: {runs} passed, 0 failed")),
            "{out}"
        );

        let results: serde_json::Value =
            serde_json::from_slice(&std::fs::read(dir.path().join("results.json")).unwrap())
                .unwrap();
        let listed = results["scripts"]["join_protect_commit"]
            .as_array()
            .unwrap();
        assert_eq!(listed.len(), runs);
        assert!(listed.iter().all(|r| r.get("failed_step").is_none()));
        assert_eq!(listed[0]["actors"].as_object().unwrap().len(), 2);

        // One case per suite and flag: bob, following alice's commit.
        let suites = expected_runs(&SERVERS, 0, None) / 2;
        let passive = dir.path().join("passive").join("every_suite.json");
        let cases: Vec<serde_json::Value> =
            serde_json::from_slice(&std::fs::read(&passive).unwrap()).unwrap();
        assert_eq!(cases.len(), suites * 2);
        assert!(
            cases
                .iter()
                .all(|c| c["epochs"].as_array().unwrap().len() == 1)
        );
        // Per backend, the cases of its suites: 3 checks each.
        let per_backend: usize = SERVERS
            .iter()
            .map(|(b, _)| grpc_support::suites_of(b).len() * 2 * 3)
            .sum();
        assert_eq!(follow_passive(&passive), per_backend);
    });
}

/// Servers started with `--provisional-suites` (RustCrypto on memory and on
/// SQLite, and aws-lc, which has none of those suites' KEMs): the
/// RustCrypto servers report every built-in suite and aws-lc its stock
/// ones, and every action runs on the X-Wing suite between the two
/// servers that have it.
#[test]
fn every_action_on_a_post_quantum_suite() {
    use mls_core::CipherSuiteDefinition;
    const XWING: u16 = 0x004d;
    let rt = grpc_support::runtime();
    rt.block_on(async {
        let servers = grpc_support::start_provisional(&SERVERS_PQ).await;
        let mut built_in: Vec<u16> = CipherSuiteDefinition::BUILT_IN
            .iter()
            .map(|d| d.suite.code())
            .collect();
        built_in.sort_unstable();
        for (conn, (backend, _)) in servers.pool.iter().zip(SERVERS_PQ) {
            let mut reported = conn.suites().to_vec();
            reported.sort_unstable();
            let expected = if backend == "rustcrypto" {
                built_in.clone()
            } else {
                grpc_support::suites_of(backend)
            };
            assert_eq!(reported, expected, "{backend}");
        }

        // Two of the three servers have the suite.
        let report = every_action(&servers.pool, XWING, |actors| 2usize.pow(actors) * 2).await;
        assert_eq!(servers.held(), 0);

        // The recorded sessions, followed by a passive client on every
        // backend that offers the suite (`conformance --passive`): the same
        // cases as on suite 1, and only RustCrypto has the suite.
        let cases = &report.passive;
        assert_eq!(cases.len(), 2 * (1 + 1 + 1 + 1 + 2 + 1 + 2));
        assert!(cases.iter().all(|c| c.cipher_suite == XWING));
        let epochs: usize = cases.iter().map(|c| c.epochs.len()).sum();
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("every_action_pq.json");
        std::fs::write(&file, runner::passive_json(cases).unwrap()).unwrap();
        let backends = interop::backends::select_with_provisional(&[]).unwrap();
        assert_eq!(follow_passive_on(&file, backends), cases.len() * 2 + epochs);
    });
}

/// RustCrypto on memory and on SQLite, and aws-lc.
const SERVERS_PQ: [(&str, StorageChoice); 3] = [
    ("rustcrypto", StorageChoice::Memory),
    ("rustcrypto", StorageChoice::Sqlite),
    ("awslc", StorageChoice::Memory),
];
