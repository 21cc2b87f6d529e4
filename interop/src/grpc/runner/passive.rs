//! Passive-client vectors recorded from scenario runs (FORMATS.md
//! "Passive Client Scenarios"), as the working group's `active_to_passive`
//! tool derives them: an actor that joined by Welcome becomes a case whose
//! epochs are the commits it then handled.
//!
//! A passive client can only follow commits of others, so an actor's case
//! stops (and keeps what it has) at the first step in which the actor
//! itself proposes, commits, joins again or is named in a Remove, or when
//! the group is reinitialised or branched. Until then the actor did
//! nothing a passive client would not do (handle commits, protect and
//! unprotect, hand out GroupInfo, store PSKs), so a passive client with
//! its keys sees exactly what it saw.

use super::super::messages::CreateKeyPackageResponse;
use serde::Serialize;
use std::collections::HashMap;

/// The most epochs recorded per case: enough to follow a long script,
/// bounded so `deep_random` does not produce files of hundreds of MB.
pub const MAX_EPOCHS: usize = 200;

/// One passive-client case in the FORMATS.md shape (bytes as hex).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct PassiveCase {
    /// The group's cipher suite.
    pub cipher_suite: u16,
    /// External PSKs the actor was given.
    pub external_psks: Vec<ExternalPsk>,
    /// The actor's KeyPackage, as an MLSMessage.
    pub key_package: String,
    /// Its signature private key.
    pub signature_priv: String,
    /// Its leaf's HPKE private key.
    pub encryption_priv: String,
    /// Its init key's HPKE private key.
    pub init_priv: String,
    /// The Welcome it joined with, as an MLSMessage.
    pub welcome: String,
    /// The ratchet tree given beside the Welcome, or `null`.
    pub ratchet_tree: Option<String>,
    /// The epoch_authenticator after the join.
    pub initial_epoch_authenticator: String,
    /// The commits it handled, in order.
    pub epochs: Vec<PassiveEpoch>,
}

/// An external PSK of a case.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ExternalPsk {
    /// `psk_id`.
    pub psk_id: String,
    /// The secret.
    pub psk: String,
}

/// One epoch of a case.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct PassiveEpoch {
    /// Proposal messages handed to the actor before the commit.
    pub proposals: Vec<String>,
    /// The commit, as an MLSMessage.
    pub commit: String,
    /// The epoch_authenticator after it.
    pub epoch_authenticator: String,
}

struct Draft {
    open: bool,
    case: PassiveCase,
}

/// Records the cases of one run.
#[derive(Default)]
pub(super) struct Recorder {
    /// The last KeyPackage each actor created, with its private keys.
    key_packages: HashMap<String, CreateKeyPackageResponse>,
    /// External PSKs given to each actor so far.
    psks: HashMap<String, Vec<ExternalPsk>>,
    /// Cases by actor, in the order the actors joined.
    cases: Vec<(String, Draft)>,
}

impl Recorder {
    /// `actor` created a KeyPackage (it may join with it later).
    pub(super) fn key_package(&mut self, actor: &str, response: &CreateKeyPackageResponse) {
        self.key_packages
            .insert(actor.to_string(), response.clone());
    }

    /// `actor` made a KeyPackage whose bytes the runner does not see (a
    /// new member's Add proposal): a later join cannot be recorded.
    pub(super) fn forget_key_package(&mut self, actor: &str) {
        self.key_packages.remove(actor);
    }

    /// `actor` was given an external PSK.
    pub(super) fn psk(&mut self, actor: &str, id: &[u8], secret: &[u8]) {
        let psk = ExternalPsk {
            psk_id: hex::encode(id),
            psk: hex::encode(secret),
        };
        if let Some(draft) = self.open_draft(actor) {
            draft.case.external_psks.push(psk.clone());
        }
        self.psks.entry(actor.to_string()).or_default().push(psk);
    }

    /// `actor` joined by Welcome with its last KeyPackage. A second join
    /// by the same actor ends its first case and starts none: one case
    /// per actor and run.
    pub(super) fn joined(
        &mut self,
        actor: &str,
        cipher_suite: u16,
        welcome: &[u8],
        ratchet_tree: Option<&[u8]>,
        epoch_authenticator: &[u8],
    ) {
        if self.cases.iter().any(|(a, _)| a == actor) {
            self.stop(actor);
            return;
        }
        let Some(kp) = self.key_packages.get(actor) else {
            return;
        };
        let case = PassiveCase {
            cipher_suite,
            external_psks: self.psks.get(actor).cloned().unwrap_or_default(),
            key_package: hex::encode(&kp.key_package),
            signature_priv: hex::encode(&kp.signature_priv),
            encryption_priv: hex::encode(&kp.encryption_priv),
            init_priv: hex::encode(&kp.init_priv),
            welcome: hex::encode(welcome),
            ratchet_tree: ratchet_tree.map(hex::encode),
            initial_epoch_authenticator: hex::encode(epoch_authenticator),
            epochs: Vec::new(),
        };
        self.cases
            .push((actor.to_string(), Draft { open: true, case }));
    }

    /// `actor` handled `commit` after `proposals` and reached
    /// `epoch_authenticator`.
    pub(super) fn handled(
        &mut self,
        actor: &str,
        proposals: &[Vec<u8>],
        commit: &[u8],
        epoch_authenticator: &[u8],
    ) {
        if let Some(draft) = self.open_draft(actor) {
            draft.case.epochs.push(PassiveEpoch {
                proposals: proposals.iter().map(hex::encode).collect(),
                commit: hex::encode(commit),
                epoch_authenticator: hex::encode(epoch_authenticator),
            });
            if draft.case.epochs.len() >= MAX_EPOCHS {
                draft.open = false;
            }
        }
    }

    /// `actor` did something a passive client cannot (or was removed):
    /// its case ends here.
    pub(super) fn stop(&mut self, actor: &str) {
        if let Some(draft) = self.open_draft(actor) {
            draft.open = false;
        }
    }

    /// The group was reinitialised or branched: every case ends.
    pub(super) fn stop_all(&mut self) {
        for (_, draft) in &mut self.cases {
            draft.open = false;
        }
    }

    /// The cases by actor. When some case has an epoch, cases with none
    /// are dropped (they test only the join, which the others test too);
    /// when none has, all are kept so the join is still covered.
    pub(super) fn finish(self) -> Vec<(String, PassiveCase)> {
        let any_epochs = self.cases.iter().any(|(_, d)| !d.case.epochs.is_empty());
        self.cases
            .into_iter()
            .filter(|(_, d)| !any_epochs || !d.case.epochs.is_empty())
            .map(|(actor, d)| (actor, d.case))
            .collect()
    }

    fn open_draft(&mut self, actor: &str) -> Option<&mut Draft> {
        self.cases
            .iter_mut()
            .find(|(a, d)| a == actor && d.open)
            .map(|(_, d)| d)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key_package(n: u8) -> CreateKeyPackageResponse {
        CreateKeyPackageResponse {
            transaction_id: u32::from(n),
            key_package: vec![n],
            init_priv: vec![n, 1],
            encryption_priv: vec![n, 2],
            signature_priv: vec![n, 3],
        }
    }

    #[test]
    fn a_case_follows_until_the_actor_acts() {
        let mut r = Recorder::default();
        r.key_package("bob", &key_package(7));
        r.psk("bob", &[1], &[2]);
        r.joined("bob", 3, &[9], None, &[0xaa]);
        r.psk("bob", &[3], &[4]);
        r.handled("bob", &[vec![5]], &[6], &[0xbb]);
        r.handled("carol", &[], &[6], &[0xbb]);
        r.stop("bob");
        r.handled("bob", &[], &[7], &[0xcc]);
        // A second join ends nothing new and starts no second case.
        r.joined("bob", 3, &[9], None, &[0xdd]);
        let cases = r.finish();
        assert_eq!(cases.len(), 1);
        let (actor, case) = &cases[0];
        assert_eq!(actor, "bob");
        assert_eq!(case.cipher_suite, 3);
        assert_eq!(case.key_package, "07");
        assert_eq!(case.init_priv, "0701");
        assert_eq!(case.encryption_priv, "0702");
        assert_eq!(case.signature_priv, "0703");
        assert_eq!(case.welcome, "09");
        assert_eq!(case.ratchet_tree, None);
        assert_eq!(case.initial_epoch_authenticator, "aa");
        assert_eq!(case.external_psks.len(), 2);
        assert_eq!(case.external_psks[1].psk_id, "03");
        assert_eq!(
            case.epochs,
            [PassiveEpoch {
                proposals: vec!["05".into()],
                commit: "06".into(),
                epoch_authenticator: "bb".into(),
            }]
        );
    }

    #[test]
    fn joins_without_epochs_are_kept_only_when_no_case_has_one() {
        let mut r = Recorder::default();
        for (n, actor) in [(1, "a"), (2, "b")] {
            r.key_package(actor, &key_package(n));
            r.joined(actor, 1, &[n], Some(&[n]), &[n]);
        }
        r.forget_key_package("c");
        r.joined("c", 1, &[3], None, &[3]);
        let kept = std::mem::take(&mut r).finish();
        assert_eq!(kept.len(), 2);
        assert_eq!(kept[0].1.ratchet_tree.as_deref(), Some("01"));

        for (n, actor) in [(1, "a"), (2, "b")] {
            r.key_package(actor, &key_package(n));
            r.joined(actor, 1, &[n], None, &[n]);
        }
        for i in 0..=MAX_EPOCHS {
            r.handled("b", &[], &[1], &[u8::try_from(i % 256).unwrap_or(0)]);
        }
        r.stop_all();
        let kept = r.finish();
        assert_eq!(kept.len(), 1);
        assert_eq!(kept[0].0, "b");
        assert_eq!(kept[0].1.epochs.len(), MAX_EPOCHS);
    }
}
