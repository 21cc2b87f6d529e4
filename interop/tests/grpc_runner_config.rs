//! The scenario runner's config parsing, run matrix and client, without
//! the group RPCs: what works against any server that answers `Name` and
//! `SupportedCiphersuites`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod grpc_support;

use interop::grpc::runner::config::{self, Action, ExtensionSpec, Mode};
use interop::grpc::runner::matrix::Handshakes;
use interop::grpc::runner::{self, Options};

fn action(text: &str, script: &str, step: usize) -> Result<Action, String> {
    let config = config::parse(text.as_bytes()).expect("a valid config");
    let (_, script) = config
        .scripts
        .iter()
        .find(|(name, _)| name == script)
        .expect("the script");
    script.steps[step].action.clone()
}

#[test]
fn path_and_tree_flags_in_both_spellings() {
    let text = r#"{"scripts": {"s": [
        {"action": "fullCommit", "actor": "a", "force_path": true, "external_tree": true},
        {"action": "fullCommit", "actor": "a", "forcePath": true, "externalTree": true},
        {"action": "branch", "actor": "a", "members": ["b"], "forcePath": true, "externalTree": true},
        {"action": "branch", "actor": "a", "members": ["b"], "force_path": true},
        {"action": "reinit", "committer": "a", "welcomer": "a", "external_tree": true,
         "changeCiphersuite": true, "CHANGEGROUPID": true},
        {"action": "externalJoin", "actor": "a", "joiner": "j", "externalTree": true},
        {"action": "commit", "actor": "a"}
    ]}}"#;
    for step in 0..2 {
        match action(text, "s", step) {
            Ok(Action::FullCommit {
                force_path: true,
                external_tree: true,
                ..
            }) => {}
            other => panic!("step {step}: {other:?}"),
        }
    }
    match action(text, "s", 2) {
        Ok(Action::Branch {
            force_path: true,
            external_tree: true,
            members,
            ..
        }) => assert_eq!(members, ["b"]),
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        action(text, "s", 3),
        Ok(Action::Branch {
            force_path: true,
            external_tree: false,
            ..
        })
    ));
    // Go's encoding/json matches keys without regard to case:
    // reinit.json's `changeCiphersuite` is `changeCipherSuite`.
    match action(text, "s", 4) {
        Ok(Action::ReInit {
            external_tree: true,
            change_cipher_suite: true,
            change_group_id: true,
            force_path: false,
            proposer,
            ..
        }) => assert!(proposer.is_empty()),
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        action(text, "s", 5),
        Ok(Action::ExternalJoin {
            external_tree: true,
            remove_prior: false,
            ..
        })
    ));
    assert!(matches!(
        action(text, "s", 6),
        Ok(Action::Commit {
            force_path: false,
            external_tree: false,
            ..
        })
    ));
}

#[test]
fn parameters_extensions_and_actors() {
    let text = r#"{"mode": "random", "scripts": {"s": [
        {"action": "createGroup", "actor": "alice", "members": ["bob", "carol"]},
        {"action": "installExternalPSK", "clients": ["alice", "zed"]},
        {"action": "groupContextExtensionsProposal", "actor": "alice", "extensions": [
            {"extension_type": 3, "extension_data": "AAAA"},
            {"extension_type": 5, "extension_data": "AA=="}]},
        {"action": "fullCommit", "actor": "alice", "byReference": [2],
         "byValue": [{"proposalType": "remove", "removed": "bob"},
                     {"proposalType": "resumptionPSK", "epochID": 7}],
         "members": ["carol"]},
        {"action": "externalJoin", "actor": "carol", "joiner": "dave", "psks": [1],
         "removePrior": true},
        {"action": "addExternalSigner", "actor": "alice", "signer": "ds"},
        {"action": "newMemberAddProposal", "actor": "alice", "joiner": "erin"},
        {"action": "protect", "actor": "alice", "authenticatedData": "ad", "plaintext": "hi"},
        {"action": "reinit", "proposer": "frank", "committer": "alice", "welcomer": "alice"}
    ]}}"#;
    let config = config::parse(text.as_bytes()).unwrap();
    assert_eq!(config.mode, Mode::Random);
    let script = &config.scripts[0].1;
    // `zed` (only in installExternalPSK) and `frank` (only in reinit,
    // which has no actor) are not actors, as in the Go runner.
    assert_eq!(
        script.actors(),
        ["alice", "bob", "carol", "dave", "ds", "erin"]
    );
    match &script.steps[2].action {
        Ok(Action::GroupContextExtensionsProposal { extensions }) => assert_eq!(
            extensions,
            &[
                ExtensionSpec {
                    extension_type: 3,
                    extension_data: vec![0, 0, 0]
                },
                ExtensionSpec {
                    extension_type: 5,
                    extension_data: vec![0]
                }
            ]
        ),
        other => panic!("{other:?}"),
    }
    match &script.steps[3].action {
        Ok(Action::FullCommit {
            by_reference,
            by_value,
            members,
            joiners,
            ..
        }) => {
            assert_eq!(by_reference, &[2]);
            assert_eq!(by_value.len(), 2);
            assert_eq!(by_value[0].proposal_type, "remove");
            assert_eq!(by_value[0].removed, "bob");
            assert_eq!(by_value[1].epoch_id, 7);
            assert_eq!(members, &["carol"]);
            assert!(joiners.is_empty());
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        &script.steps[4].action,
        Ok(Action::ExternalJoin { psks, remove_prior: true, .. }) if psks == &[1]
    ));
    assert!(matches!(
        &script.steps[7].action,
        Ok(Action::Protect { authenticated_data, plaintext })
            if authenticated_data == b"ad" && plaintext == b"hi"
    ));
    assert!(script.steps[7].json.contains("\"plaintext\":\"hi\""));
}

#[test]
fn bad_configs_are_clear_errors() {
    let not_json = config::parse(b"{\"scripts\": [").unwrap_err();
    assert!(not_json.contains("not valid JSON"), "{not_json}");
    let no_scripts = config::parse(b"{}").unwrap_err();
    assert!(no_scripts.contains("no \"scripts\""), "{no_scripts}");
    let no_action = config::parse(br#"{"scripts": {"s": [{"actor": "a"}]}}"#).unwrap_err();
    assert!(
        no_action.contains("script \"s\" step 0") && no_action.contains("missing \"action\""),
        "{no_action}"
    );
    let bad_mode = config::parse(br#"{"mode": "sometimes", "scripts": {}}"#).unwrap_err();
    assert!(bad_mode.contains("mode"), "{bad_mode}");
    let huge = vec![b' '; config::MAX_CONFIG_BYTES + 1];
    assert!(config::parse(&huge).unwrap_err().contains("at most"));

    // Errors in a step's parameters belong to that step: the config
    // parses, and the runs fail there.
    let text = r#"{"scripts": {"s": [
        {"action": "createGroup", "actor": "a"},
        {"action": "dance", "actor": "a"},
        {"action": "joinGroup", "actor": "a", "welcome": "one"},
        {"action": "joinGroup", "actor": "a", "welcome": -1},
        {"action": "groupContextExtensionsProposal", "actor": "a",
         "extensions": [{"extension_type": 3, "extension_data": "!!"}]},
        {"action": "commit", "actor": "a", "force_path": "yes"}
    ]}}"#;
    let config = config::parse(text.as_bytes()).unwrap();
    let steps = &config.scripts[0].1.steps;
    assert!(steps[0].action.is_ok());
    let errors: Vec<String> = steps[1..]
        .iter()
        .map(|s| s.action.clone().unwrap_err())
        .collect();
    assert!(
        errors[0].contains("unknown action: \"dance\""),
        "{errors:?}"
    );
    assert!(errors[1].contains("\"welcome\" must be a step index"));
    assert!(errors[2].contains("\"welcome\" must be a step index"));
    assert!(errors[3].contains("base64"), "{errors:?}");
    assert!(errors[4].contains("true or false"), "{errors:?}");
}

/// Against servers that only answer `Name` and `SupportedCiphersuites`
/// (every server does): the client reports them, the matrix has the
/// expected size, and a step that cannot run fails its run at that step.
#[test]
fn runs_fail_at_the_step_that_cannot_run() {
    let rt = grpc_support::runtime();
    rt.block_on(async {
        let servers = grpc_support::start(&grpc_support::SERVERS).await;
        for (conn, (backend, _)) in servers.pool.iter().zip(grpc_support::SERVERS) {
            assert!(conn.name().contains("mls-rfc9420"), "{}", conn.name());
            assert_eq!(conn.suites(), grpc_support::suites_of(backend));
        }
        let text = r#"{"scripts": {
            "unknown": [{"action": "dance", "actor": "alice"},
                        {"action": "createGroup", "actor": "bob"}],
            "missing_welcome": [{"action": "joinGroup", "actor": "alice", "welcome": 4}]
        }}"#;
        let config = config::parse(text.as_bytes()).unwrap();
        let options = Options {
            suite: Some(1),
            ..Options::default()
        };
        let report = runner::run_config(&servers.pool, "inline", &config, &options)
            .await
            .unwrap();
        assert_eq!(report.scripts.len(), 2);
        let missing = &report.scripts[0];
        assert_eq!(missing.name, "missing_welcome");
        // One actor, three clients with suite 1, two flags.
        assert_eq!(missing.runs.len(), 3 * 2);
        for run in &missing.runs {
            let f = run.failure.as_ref().expect("fails");
            assert_eq!(f.step, 0);
            assert_eq!(f.error, "no message for key welcome at step 4");
        }
        let unknown = &report.scripts[1];
        assert_eq!(unknown.runs.len(), 9 * 2);
        assert_eq!(unknown.failed(), 18);
        for run in &unknown.runs {
            let f = run.failure.as_ref().expect("fails");
            assert_eq!(f.step, 0);
            assert_eq!(f.error, "unknown action: \"dance\"");
            assert!(f.step_json.contains("dance"));
            assert_eq!(run.suite, 1);
            assert_eq!(run.actors.len(), 2);
        }
        assert_eq!(
            report.to_json()["scripts"]["unknown"][0]["failed_step"],
            serde_json::json!(0)
        );

        // The full matrix over every suite, and the filters.
        let all = Options::default();
        let report = runner::run_config(&servers.pool, "inline", &config, &all)
            .await
            .unwrap();
        assert_eq!(
            report.scripts[1].runs.len(),
            grpc_support::expected_runs(&grpc_support::SERVERS, 2, None)
        );
        let one = Options {
            handshakes: Handshakes::Private,
            assign: interop::grpc::runner::matrix::Assign::Random,
            fail_fast: false,
            ..Options::default()
        };
        let report = runner::run_config(&servers.pool, "inline", &config, &one)
            .await
            .unwrap();
        let suites = grpc_support::expected_runs(&grpc_support::SERVERS, 0, None) / 2;
        assert_eq!(report.scripts[1].runs.len(), suites);
        assert!(report.scripts[1].runs.iter().all(|r| r.encrypt));
        let stop = Options {
            fail_fast: true,
            ..Options::default()
        };
        let report = runner::run_config(&servers.pool, "inline", &config, &stop)
            .await
            .unwrap();
        assert_eq!(report.scripts.len(), 1);
        assert_eq!(report.scripts[0].runs.len(), 1);
        let bad_suite = Options {
            suite: Some(0x7777),
            ..Options::default()
        };
        let err = runner::run_config(&servers.pool, "inline", &config, &bad_suite)
            .await
            .unwrap_err();
        assert!(err.contains("supported by none"), "{err}");
    });
}
