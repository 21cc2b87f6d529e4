//! One run: a script on one suite, one handshake flag and one assignment
//! of actors to clients. Holds what the Go runner's `ScriptActorConfig`
//! holds (each actor's state, pending join and external signer handles,
//! and the outputs of earlier steps by step index), plus the handles to
//! `Free` at the end and the passive-case recorder.

use super::config::{Action, Script, Step};
use super::passive::{PassiveCase, Recorder};
use crate::grpc::client::{MlsClientConn, RpcError};
use crate::grpc::messages::FreeRequest;
use std::collections::HashMap;

/// How one run ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Outcome {
    /// `None` if every step and every `Free` succeeded; else the failure.
    pub(super) failure: Option<Failure>,
    /// Passive cases recorded (only for runs that passed, when asked for).
    pub(super) passive: Vec<(String, PassiveCase)>,
}

/// Where and why a run failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The step's index; the script's length for a failed `Free`, as the
    /// Go runner reports it.
    pub step: usize,
    /// The step as written (`"Free"` for a failed `Free`).
    pub step_json: String,
    /// What went wrong.
    pub error: String,
}

/// The state of one run.
pub(super) struct Run<'a> {
    pub(super) suite: u16,
    pub(super) encrypt: bool,
    clients: HashMap<String, &'a MlsClientConn>,
    pub(super) state_id: HashMap<String, u32>,
    pub(super) transaction_id: HashMap<String, u32>,
    pub(super) signer_id: HashMap<String, u32>,
    cache: Vec<HashMap<&'static str, Vec<u8>>>,
    /// Every handle a server gave the run (state, transaction, reinit and
    /// signer ids), with the actor whose server gave it, to free at the
    /// end. All are freed, used up or not: a server forgets an unknown id
    /// without error, and a run cannot tell which ids a server reuses.
    held: Vec<(String, u32)>,
    pub(super) recorder: Option<Recorder>,
}

impl<'a> Run<'a> {
    pub(super) fn new(
        suite: u16,
        encrypt: bool,
        clients: HashMap<String, &'a MlsClientConn>,
        steps: usize,
        record: bool,
    ) -> Self {
        Self {
            suite,
            encrypt,
            clients,
            state_id: HashMap::new(),
            transaction_id: HashMap::new(),
            signer_id: HashMap::new(),
            cache: vec![HashMap::new(); steps],
            held: Vec::new(),
            recorder: record.then(Recorder::default),
        }
    }

    /// Runs every step, then frees every handle.
    pub(super) async fn execute(mut self, script: &Script) -> Outcome {
        let mut failure = None;
        for (index, step) in script.steps.iter().enumerate() {
            if let Err(error) = self.step(index, step).await {
                failure = Some(Failure {
                    step: index,
                    step_json: step.json.clone(),
                    error,
                });
                break;
            }
        }
        if let Err(error) = self.free_all().await {
            match &mut failure {
                Some(f) => f.error = format!("{}; then {error}", f.error),
                None => {
                    failure = Some(Failure {
                        step: script.steps.len(),
                        step_json: "Free".into(),
                        error,
                    });
                }
            }
        }
        let passive = match (&failure, self.recorder) {
            (None, Some(recorder)) => recorder.finish(),
            _ => Vec::new(),
        };
        Outcome { failure, passive }
    }

    async fn step(&mut self, index: usize, step: &Step) -> Result<(), String> {
        let action = step.action.as_ref().map_err(Clone::clone)?;
        let actor = step.actor.as_str();
        match action {
            Action::CreateGroup { members } => self.create_group(index, actor, members).await,
            Action::CreateKeyPackage => self.create_key_package(index, actor).await,
            Action::JoinGroup { welcome } => self.join_group(actor, *welcome).await,
            Action::ExternalJoin {
                joiner,
                members,
                external_tree,
                remove_prior,
                psks,
            } => {
                self.external_join(
                    index,
                    actor,
                    joiner,
                    members,
                    *external_tree,
                    *remove_prior,
                    psks,
                )
                .await
            }
            Action::InstallExternalPsk { clients } => {
                self.install_external_psk(index, clients).await
            }
            Action::GroupInfo { external_tree } => {
                self.group_info(index, actor, *external_tree).await
            }
            Action::AddProposal { .. }
            | Action::UpdateProposal
            | Action::RemoveProposal { .. }
            | Action::ExternalPskProposal { .. }
            | Action::ResumptionPskProposal { .. }
            | Action::GroupContextExtensionsProposal { .. } => {
                self.proposal(index, actor, action).await
            }
            Action::FullCommit {
                by_reference,
                by_value,
                members,
                joiners,
                force_path,
                external_tree,
            } => {
                let commit = super::steps::commit::CommitParams {
                    by_reference,
                    by_value,
                    force_path: *force_path,
                    external_tree: *external_tree,
                };
                self.full_commit(index, actor, &commit, members, joiners)
                    .await
            }
            Action::Commit {
                by_reference,
                by_value,
                force_path,
                external_tree,
            } => {
                let commit = super::steps::commit::CommitParams {
                    by_reference,
                    by_value,
                    force_path: *force_path,
                    external_tree: *external_tree,
                };
                self.commit(index, actor, &commit).await
            }
            Action::HandleCommit {
                commit,
                by_reference,
            } => self.handle_commit(actor, *commit, by_reference).await,
            Action::HandlePendingCommit => self.handle_pending_commit(actor).await,
            Action::Protect {
                authenticated_data,
                plaintext,
            } => {
                self.protect(index, actor, authenticated_data, plaintext)
                    .await
            }
            Action::Unprotect { ciphertext } => self.unprotect(index, actor, *ciphertext).await,
            Action::ReInit { .. } => self.reinit(action).await,
            Action::Branch {
                members,
                force_path,
                external_tree,
                extensions,
            } => {
                self.branch(actor, members, *force_path, *external_tree, extensions)
                    .await
            }
            Action::NewMemberAddProposal { joiner } => {
                self.new_member_add_proposal(index, actor, joiner).await
            }
            Action::AddExternalSigner { signer } => {
                self.add_external_signer(index, actor, signer).await
            }
            Action::ExternalSignerProposal {
                member,
                description,
            } => {
                self.external_signer_proposal(index, actor, member, description)
                    .await
            }
        }
    }

    /// The client playing `actor`.
    pub(super) fn client(&self, actor: &str) -> Result<&'a MlsClientConn, String> {
        self.clients.get(actor).copied().ok_or_else(|| {
            if actor.is_empty() {
                "the step names no actor".to_string()
            } else {
                format!("{actor:?} is not an actor of this script")
            }
        })
    }

    /// Every client of the run (for a suite they all support).
    pub(super) fn all_clients(&self) -> impl Iterator<Item = &'a MlsClientConn> + '_ {
        self.clients.values().copied()
    }

    /// `actor`'s state handle; 0 (which the server will reject) when it
    /// has none, as the Go runner sends.
    pub(super) fn state(&self, actor: &str) -> u32 {
        self.state_id.get(actor).copied().unwrap_or(0)
    }

    /// `actor`'s state is now `state` (a new epoch, or another group: the
    /// old state stays held and is freed at the end too).
    pub(super) fn set_state(&mut self, actor: &str, state: u32) {
        self.hold(actor, state);
        self.state_id.insert(actor.to_string(), state);
    }

    /// A handle `actor`'s server gave (pending join, reinitialisation,
    /// external signer, state), freed at the end of the run.
    pub(super) fn hold(&mut self, actor: &str, handle: u32) {
        if !self.held.iter().any(|(a, h)| a == actor && *h == handle) {
            self.held.push((actor.to_string(), handle));
        }
    }

    /// Keeps the output `key` of step `index`.
    pub(super) fn store(&mut self, index: usize, key: &'static str, bytes: Vec<u8>) {
        if let Some(slot) = self.cache.get_mut(index) {
            slot.insert(key, bytes);
        }
    }

    /// The output `key` of step `index`.
    pub(super) fn get(&self, index: usize, key: &str) -> Result<Vec<u8>, String> {
        self.cache
            .get(index)
            .and_then(|slot| slot.get(key))
            .cloned()
            .ok_or_else(|| format!("no message for key {key} at step {index}"))
    }

    /// The outputs `key` of several steps.
    pub(super) fn get_all(&self, indices: &[usize], key: &str) -> Result<Vec<Vec<u8>>, String> {
        indices.iter().map(|&i| self.get(i, key)).collect()
    }

    /// The recorder, if passive cases are recorded.
    pub(super) fn rec(&mut self) -> Option<&mut Recorder> {
        self.recorder.as_mut()
    }

    /// Frees every handle of the run once, each on its own client. All
    /// are tried; the errors are reported together.
    async fn free_all(&mut self) -> Result<(), String> {
        let handles = std::mem::take(&mut self.held);
        let mut freed: Vec<(&str, u32)> = Vec::new();
        let mut errors = Vec::new();
        for (actor, handle) in &handles {
            let Ok(client) = self.client(actor) else {
                continue;
            };
            // Two actors on one server share its handle space.
            if freed
                .iter()
                .any(|(addr, h)| *addr == client.address() && h == handle)
            {
                continue;
            }
            freed.push((client.address(), *handle));
            if let Err(e) = client.free(FreeRequest { state_id: *handle }).await {
                errors.push(format!("{actor} (handle {handle}): {e}"));
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(format!("Free failed: {}", errors.join("; ")))
        }
    }
}

/// An RPC error with the actor that made the call.
pub(super) fn by(actor: &str) -> impl Fn(RpcError) -> String + '_ {
    move |e| format!("{actor}: {e}")
}

/// The Go runner's epoch authenticator check.
pub(super) fn agree(who: &str, actor: &str, got: &[u8], want: &[u8]) -> Result<(), String> {
    if got == want {
        Ok(())
    } else {
        Err(format!(
            "{who} [{actor}] failed to agree on epoch authenticator: {} != {}",
            hex::encode(got),
            hex::encode(want)
        ))
    }
}
