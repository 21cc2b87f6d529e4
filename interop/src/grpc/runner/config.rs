//! The working group's scenario configuration: `{"scripts": {name: [step,
//! ...]}, "mode"?: "allCombinations" | "random"}`, each step an object with
//! `action`, usually `actor`, and the action's parameters.
//!
//! Field names are read as the working group's Go runner reads them:
//! Go's `encoding/json` matches keys without regard to case (so
//! `changeCiphersuite` in `reinit.json` sets `changeCipherSuite`), and a
//! missing field is its zero value (an index of 0, `false`, empty). The
//! Go runner spells the path and tree flags `force_path`/`external_tree`
//! for `commit`, `fullCommit` and `branch`, and `forcePath`/`externalTree`
//! for `reinit`, `externalJoin` and `groupInfo`, while the working group's
//! own `branch.json` uses the second spelling for `branch`; both spellings
//! are accepted everywhere so no config silently loses a flag.
//!
//! A step's parameters are checked when the config is read, but an error
//! in them (an unknown action, a string where an index belongs) fails the
//! runs of that script at that step, as in the Go runner, rather than the
//! whole config. A config that is not JSON, or a step without `action`,
//! fails the whole config.

use base64::Engine as _;
use serde_json::{Map, Value};

/// The largest config accepted, in bytes. The working group's largest
/// (`deep_random.json`) is about 400 KiB.
pub const MAX_CONFIG_BYTES: usize = 16 * 1024 * 1024;

/// How actors are assigned to clients.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Every assignment (`allCombinations`, the default).
    AllCombinations,
    /// One random assignment per suite and handshake flag (`random`).
    Random,
}

/// A parsed config: its scripts, sorted by name.
#[derive(Debug, Clone)]
pub struct Config {
    /// The config's `mode`.
    pub mode: Mode,
    /// The scripts by name.
    pub scripts: Vec<(String, Script)>,
}

/// One script: its steps in order.
#[derive(Debug, Clone)]
pub struct Script {
    /// The steps; a step refers to an earlier one by its index here.
    pub steps: Vec<Step>,
}

/// One step of a script.
#[derive(Debug, Clone)]
pub struct Step {
    /// `actor`, empty when absent (`installExternalPSK`, `reinit`).
    pub actor: String,
    /// The step as written, for failure reports.
    pub json: String,
    /// The action with its parameters, or why they could not be read.
    pub action: Result<Action, String>,
}

/// An extension (§13) as the configs write it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExtensionSpec {
    /// `extension_type`.
    pub extension_type: u32,
    /// `extension_data`, decoded from standard base64.
    pub extension_data: Vec<u8>,
}

/// A proposal to make by value (`byValue`, and the `description` of
/// `externalSignerProposal`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProposalSpec {
    /// `proposalType`: `add`, `remove`, `externalPSK`, `resumptionPSK`,
    /// `groupContextExtensions` or `reinit` (checked when run, as the Go
    /// runner does).
    pub proposal_type: String,
    /// `keyPackage`: the `createKeyPackage` step whose KeyPackage is added.
    pub key_package: usize,
    /// `removed`: the actor to remove.
    pub removed: String,
    /// `pskID`: the `installExternalPSK` step whose PSK is injected.
    pub psk_id: usize,
    /// `epochID`: the epoch of a resumption PSK.
    pub epoch_id: u64,
    /// `extensions`.
    pub extensions: Vec<ExtensionSpec>,
    /// `changeGroupID` (`reinit`): the new group id is the first group's
    /// id followed by `++`.
    pub change_group_id: bool,
    /// `changeCipherSuite` (`reinit`): another suite every client of the
    /// run supports.
    pub change_cipher_suite: bool,
}

/// Every action of the working group's runner, with its parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(missing_docs)] // Each field is the config key of the same name.
pub enum Action {
    CreateGroup {
        members: Vec<String>,
    },
    CreateKeyPackage,
    JoinGroup {
        welcome: usize,
    },
    ExternalJoin {
        joiner: String,
        members: Vec<String>,
        external_tree: bool,
        remove_prior: bool,
        psks: Vec<usize>,
    },
    InstallExternalPsk {
        clients: Vec<String>,
    },
    GroupInfo {
        external_tree: bool,
    },
    AddProposal {
        key_package: usize,
    },
    UpdateProposal,
    RemoveProposal {
        removed: String,
    },
    ExternalPskProposal {
        psk_id: usize,
    },
    ResumptionPskProposal {
        epoch_id: u64,
    },
    GroupContextExtensionsProposal {
        extensions: Vec<ExtensionSpec>,
    },
    FullCommit {
        by_reference: Vec<usize>,
        by_value: Vec<ProposalSpec>,
        members: Vec<String>,
        joiners: Vec<String>,
        force_path: bool,
        external_tree: bool,
    },
    Commit {
        by_reference: Vec<usize>,
        by_value: Vec<ProposalSpec>,
        force_path: bool,
        external_tree: bool,
    },
    HandleCommit {
        commit: usize,
        by_reference: Vec<usize>,
    },
    HandlePendingCommit,
    Protect {
        authenticated_data: Vec<u8>,
        plaintext: Vec<u8>,
    },
    Unprotect {
        ciphertext: usize,
    },
    ReInit {
        proposer: String,
        committer: String,
        welcomer: String,
        members: Vec<String>,
        change_cipher_suite: bool,
        change_group_id: bool,
        extensions: Vec<ExtensionSpec>,
        force_path: bool,
        external_tree: bool,
        external_reinit_proposal: usize,
    },
    Branch {
        members: Vec<String>,
        force_path: bool,
        external_tree: bool,
        extensions: Vec<ExtensionSpec>,
    },
    NewMemberAddProposal {
        joiner: String,
    },
    AddExternalSigner {
        signer: String,
    },
    ExternalSignerProposal {
        member: String,
        description: ProposalSpec,
    },
}

impl Action {
    /// The action's name in the configs.
    pub fn name(&self) -> &'static str {
        match self {
            Action::CreateGroup { .. } => "createGroup",
            Action::CreateKeyPackage => "createKeyPackage",
            Action::JoinGroup { .. } => "joinGroup",
            Action::ExternalJoin { .. } => "externalJoin",
            Action::InstallExternalPsk { .. } => "installExternalPSK",
            Action::GroupInfo { .. } => "groupInfo",
            Action::AddProposal { .. } => "addProposal",
            Action::UpdateProposal => "updateProposal",
            Action::RemoveProposal { .. } => "removeProposal",
            Action::ExternalPskProposal { .. } => "externalPSKProposal",
            Action::ResumptionPskProposal { .. } => "resumptionPSKProposal",
            Action::GroupContextExtensionsProposal { .. } => "groupContextExtensionsProposal",
            Action::FullCommit { .. } => "fullCommit",
            Action::Commit { .. } => "commit",
            Action::HandleCommit { .. } => "handleCommit",
            Action::HandlePendingCommit => "handlePendingCommit",
            Action::Protect { .. } => "protect",
            Action::Unprotect { .. } => "unprotect",
            Action::ReInit { .. } => "reinit",
            Action::Branch { .. } => "branch",
            Action::NewMemberAddProposal { .. } => "newMemberAddProposal",
            Action::AddExternalSigner { .. } => "addExternalSigner",
            Action::ExternalSignerProposal { .. } => "externalSignerProposal",
        }
    }
}

impl Script {
    /// The script's actors in order of first appearance, as the Go runner
    /// collects them: the `actor` of every step that has one, and for such
    /// steps the `members` of `createGroup`, the `joiner` of
    /// `externalJoin` and `newMemberAddProposal`, and the `signer` of
    /// `addExternalSigner`. Names that only appear elsewhere (`reinit`'s
    /// roles, `fullCommit`'s joiners) must be actors by one of these.
    pub fn actors(&self) -> Vec<String> {
        let mut actors: Vec<String> = Vec::new();
        let mut add = |name: &str| {
            if !actors.iter().any(|a| a == name) {
                actors.push(name.to_string());
            }
        };
        for step in &self.steps {
            if step.actor.is_empty() {
                continue;
            }
            add(&step.actor);
            match &step.action {
                Ok(Action::CreateGroup { members }) => members.iter().for_each(|m| add(m)),
                Ok(Action::ExternalJoin { joiner, .. })
                | Ok(Action::NewMemberAddProposal { joiner }) => add(joiner),
                Ok(Action::AddExternalSigner { signer }) => add(signer),
                _ => {}
            }
        }
        actors
    }
}

/// Parses a config. Errors name the script and step.
pub fn parse(text: &[u8]) -> Result<Config, String> {
    if text.len() > MAX_CONFIG_BYTES {
        return Err(format!(
            "config is {} bytes; at most {MAX_CONFIG_BYTES} are accepted",
            text.len()
        ));
    }
    let value: Value =
        serde_json::from_slice(text).map_err(|e| format!("config is not valid JSON: {e}"))?;
    let top = value
        .as_object()
        .ok_or("config must be a JSON object with \"scripts\"")?;
    let fields = Fields(top);
    let mode = match fields.get(&["mode"]) {
        None | Some(Value::Null) => Mode::AllCombinations,
        Some(Value::String(m)) if m == "allCombinations" || m.is_empty() => Mode::AllCombinations,
        Some(Value::String(m)) if m == "random" => Mode::Random,
        Some(other) => {
            return Err(format!(
                "config \"mode\" must be \"allCombinations\" or \"random\", not {other}"
            ));
        }
    };
    let scripts = match fields.get(&["scripts"]) {
        Some(Value::Object(scripts)) => scripts,
        Some(Value::Null) | None => return Err("config has no \"scripts\" object".into()),
        Some(_) => return Err("config \"scripts\" must be an object of named scripts".into()),
    };
    let mut out = Vec::with_capacity(scripts.len());
    for (name, steps) in scripts {
        let steps = steps
            .as_array()
            .ok_or_else(|| format!("script {name:?} must be an array of steps"))?;
        let steps = steps
            .iter()
            .enumerate()
            .map(|(i, step)| parse_step(step).map_err(|e| format!("script {name:?} step {i}: {e}")))
            .collect::<Result<Vec<_>, _>>()?;
        out.push((name.clone(), Script { steps }));
    }
    Ok(Config { mode, scripts: out })
}

fn parse_step(value: &Value) -> Result<Step, String> {
    let object = value.as_object().ok_or("a step must be a JSON object")?;
    let fields = Fields(object);
    let action = match fields.get(&["action"]) {
        Some(Value::String(a)) => a.as_str(),
        Some(_) => return Err("\"action\" must be a string".into()),
        None => return Err("incomplete step: missing \"action\"".into()),
    };
    let actor = match fields.get(&["actor"]) {
        Some(Value::String(a)) => a.clone(),
        None | Some(Value::Null) => String::new(),
        Some(_) => return Err("\"actor\" must be a string".into()),
    };
    let json = serde_json::to_string(value).map_err(|e| format!("cannot print the step: {e}"))?;
    Ok(Step {
        actor,
        json,
        action: parse_action(action, &fields),
    })
}

fn parse_action(action: &str, f: &Fields<'_>) -> Result<Action, String> {
    Ok(match action {
        "createGroup" => Action::CreateGroup {
            members: f.names("members")?,
        },
        "createKeyPackage" => Action::CreateKeyPackage,
        "joinGroup" => Action::JoinGroup {
            welcome: f.index("welcome")?,
        },
        "externalJoin" => Action::ExternalJoin {
            joiner: f.string("joiner")?,
            members: f.names("members")?,
            external_tree: f.external_tree()?,
            remove_prior: f.flag(&["removePrior"])?,
            psks: f.indices("psks")?,
        },
        "installExternalPSK" => Action::InstallExternalPsk {
            clients: f.names("clients")?,
        },
        "groupInfo" => Action::GroupInfo {
            external_tree: f.external_tree()?,
        },
        "addProposal" => Action::AddProposal {
            key_package: f.index("keyPackage")?,
        },
        "updateProposal" => Action::UpdateProposal,
        "removeProposal" => Action::RemoveProposal {
            removed: f.string("removed")?,
        },
        "externalPSKProposal" => Action::ExternalPskProposal {
            psk_id: f.index("pskID")?,
        },
        "resumptionPSKProposal" => Action::ResumptionPskProposal {
            epoch_id: f.epoch("epochID")?,
        },
        "groupContextExtensionsProposal" => Action::GroupContextExtensionsProposal {
            extensions: f.extensions()?,
        },
        "fullCommit" => Action::FullCommit {
            by_reference: f.indices("byReference")?,
            by_value: f.proposals("byValue")?,
            members: f.names("members")?,
            joiners: f.names("joiners")?,
            force_path: f.force_path()?,
            external_tree: f.external_tree()?,
        },
        "commit" => Action::Commit {
            by_reference: f.indices("byReference")?,
            by_value: f.proposals("byValue")?,
            force_path: f.force_path()?,
            external_tree: f.external_tree()?,
        },
        "handleCommit" => Action::HandleCommit {
            commit: f.index("commit")?,
            by_reference: f.indices("byReference")?,
        },
        "handlePendingCommit" => Action::HandlePendingCommit,
        "protect" => Action::Protect {
            authenticated_data: f.string("authenticatedData")?.into_bytes(),
            plaintext: f.string("plaintext")?.into_bytes(),
        },
        "unprotect" => Action::Unprotect {
            ciphertext: f.index("ciphertext")?,
        },
        "reinit" => Action::ReInit {
            proposer: f.string("proposer")?,
            committer: f.string("committer")?,
            welcomer: f.string("welcomer")?,
            members: f.names("members")?,
            change_cipher_suite: f.flag(&["changeCipherSuite"])?,
            change_group_id: f.flag(&["changeGroupID"])?,
            extensions: f.extensions()?,
            force_path: f.force_path()?,
            external_tree: f.external_tree()?,
            external_reinit_proposal: f.index("externalReinitProposal")?,
        },
        "branch" => Action::Branch {
            members: f.names("members")?,
            force_path: f.force_path()?,
            external_tree: f.external_tree()?,
            extensions: f.extensions()?,
        },
        "newMemberAddProposal" => Action::NewMemberAddProposal {
            joiner: f.string("joiner")?,
        },
        "addExternalSigner" => Action::AddExternalSigner {
            signer: f.string("signer")?,
        },
        "externalSignerProposal" => Action::ExternalSignerProposal {
            member: f.string("member")?,
            description: match f.get(&["description"]) {
                None | Some(Value::Null) => proposal(&Map::new())?,
                Some(Value::Object(d)) => proposal(d).map_err(|e| format!("description: {e}"))?,
                Some(_) => return Err("\"description\" must be an object".into()),
            },
        },
        other => return Err(format!("unknown action: {other:?}")),
    })
}

fn proposal(object: &Map<String, Value>) -> Result<ProposalSpec, String> {
    let f = Fields(object);
    Ok(ProposalSpec {
        proposal_type: f.string("proposalType")?,
        key_package: f.index("keyPackage")?,
        removed: f.string("removed")?,
        psk_id: f.index("pskID")?,
        epoch_id: f.epoch("epochID")?,
        extensions: f.extensions()?,
        change_group_id: f.flag(&["changeGroupID"])?,
        change_cipher_suite: f.flag(&["changeCipherSuite"])?,
    })
}

/// A step's object, read the way Go's `encoding/json` reads a struct.
struct Fields<'a>(&'a Map<String, Value>);

impl<'a> Fields<'a> {
    /// The value of the first of `names` present: an exact key first, else
    /// a key equal but for ASCII case. `null` counts as absent.
    fn get(&self, names: &[&str]) -> Option<&'a Value> {
        let found = names.iter().find_map(|n| self.0.get(*n)).or_else(|| {
            names.iter().find_map(|n| {
                self.0
                    .iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(n))
                    .map(|(_, v)| v)
            })
        });
        found.filter(|v| !v.is_null())
    }

    fn flag(&self, names: &[&str]) -> Result<bool, String> {
        match self.get(names) {
            None => Ok(false),
            Some(Value::Bool(b)) => Ok(*b),
            Some(other) => Err(format!("{:?} must be true or false, not {other}", names[0])),
        }
    }

    fn force_path(&self) -> Result<bool, String> {
        self.flag(&["force_path", "forcePath"])
    }

    fn external_tree(&self) -> Result<bool, String> {
        self.flag(&["external_tree", "externalTree"])
    }

    fn string(&self, name: &str) -> Result<String, String> {
        match self.get(&[name]) {
            None => Ok(String::new()),
            Some(Value::String(s)) => Ok(s.clone()),
            Some(other) => Err(format!("{name:?} must be a string, not {other}")),
        }
    }

    fn names(&self, name: &str) -> Result<Vec<String>, String> {
        self.array(name)?
            .iter()
            .map(|v| match v {
                Value::String(s) => Ok(s.clone()),
                other => Err(format!("{name:?} must list names (strings), not {other}")),
            })
            .collect()
    }

    fn array(&self, name: &str) -> Result<&'a [Value], String> {
        match self.get(&[name]) {
            None => Ok(&[]),
            Some(Value::Array(a)) => Ok(a),
            Some(other) => Err(format!("{name:?} must be an array, not {other}")),
        }
    }

    fn index(&self, name: &str) -> Result<usize, String> {
        match self.get(&[name]) {
            None => Ok(0),
            Some(v) => step_index(name, v),
        }
    }

    fn indices(&self, name: &str) -> Result<Vec<usize>, String> {
        self.array(name)?
            .iter()
            .map(|v| step_index(name, v))
            .collect()
    }

    fn epoch(&self, name: &str) -> Result<u64, String> {
        match self.get(&[name]) {
            None => Ok(0),
            Some(v) => v
                .as_u64()
                .ok_or_else(|| format!("{name:?} must be an epoch number, not {v}")),
        }
    }

    fn proposals(&self, name: &str) -> Result<Vec<ProposalSpec>, String> {
        self.array(name)?
            .iter()
            .enumerate()
            .map(|(i, v)| match v {
                Value::Object(o) => proposal(o).map_err(|e| format!("{name:?}[{i}]: {e}")),
                other => Err(format!("{name:?}[{i}] must be an object, not {other}")),
            })
            .collect()
    }

    fn extensions(&self) -> Result<Vec<ExtensionSpec>, String> {
        self.array("extensions")?
            .iter()
            .enumerate()
            .map(|(i, v)| extension(v).map_err(|e| format!("\"extensions\"[{i}]: {e}")))
            .collect()
    }
}

fn step_index(name: &str, value: &Value) -> Result<usize, String> {
    value
        .as_u64()
        .and_then(|i| usize::try_from(i).ok())
        .ok_or_else(|| format!("{name:?} must be a step index (a whole number >= 0), not {value}"))
}

fn extension(value: &Value) -> Result<ExtensionSpec, String> {
    let object = value.as_object().ok_or("an extension must be an object")?;
    let f = Fields(object);
    let extension_type = match f.get(&["extension_type"]) {
        None => 0,
        Some(v) => v
            .as_u64()
            .and_then(|t| u32::try_from(t).ok())
            .ok_or_else(|| format!("\"extension_type\" must be a number, not {v}"))?,
    };
    let data = f.string("extension_data")?;
    let extension_data = base64::engine::general_purpose::STANDARD
        .decode(data.as_bytes())
        .map_err(|e| format!("\"extension_data\" is not standard base64: {e}"))?;
    Ok(ExtensionSpec {
        extension_type,
        extension_data,
    })
}
