//! Extracts seeds for the wire targets from the MLS working group's test
//! vectors, into a directory that is never committed (the vectors are the
//! working group's files, not ours: the default, `fuzz/corpus-vectors`, is
//! in `.gitignore`). Runs and CI add it as a second corpus directory.
//!
//! ```sh
//! MLS_TEST_VECTORS=/path/to/vectors RUSTFLAGS="--cfg fuzzing" \
//!     CARGO_TARGET_DIR=/tmp/fuzz-target cargo +nightly run \
//!     --manifest-path fuzz/Cargo.toml --example vector_seeds -- fuzz/corpus-vectors
//! ```
//!
//! Every hex string of every vector file is tried as each wire type and
//! kept for each target that decodes it whole; an `MLSMessage` also gives
//! its parts (see `mls_fuzz::split`). The bare proposal bodies of
//! `messages.json` (`add_proposal`, ...) get their `ProposalType` prefixed.
#![forbid(unsafe_code)]

use mls_core::MlsMessage;
use mls_core::codec::decode_exact;
use mls_core::group::commit::Commit;
use mls_core::group::group_info::GroupInfo;
use mls_core::group::proposal::Proposal;
use mls_core::group::welcome::Welcome;
use mls_core::key_package::KeyPackage;
use mls_core::tree::node::RatchetTree;
use mls_fuzz::seeds::SeedDir;
use mls_fuzz::split::parts;
use serde_json::Value;

/// `messages.json` keys holding a proposal body without its type.
const BARE_PROPOSALS: [(&str, u16); 7] = [
    ("add_proposal", 1),
    ("update_proposal", 2),
    ("remove_proposal", 3),
    ("pre_shared_key_proposal", 4),
    ("re_init_proposal", 5),
    ("external_init_proposal", 6),
    ("group_context_extensions_proposal", 7),
];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let Some(vectors) = std::env::var_os("MLS_TEST_VECTORS") else {
        eprintln!("MLS_TEST_VECTORS is not set: no vector seeds to extract");
        return Ok(());
    };
    let out = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "fuzz/corpus-vectors".into());
    let mut seeds = SeedDir::new(&out);
    let mut files: Vec<_> = std::fs::read_dir(&vectors)?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    for file in &files {
        let json: Value = serde_json::from_slice(&std::fs::read(file)?)?;
        let mut found = Vec::new();
        strings(&json, "", &mut found);
        for (key, bytes) in found {
            for (target, seed) in seeds_of(&key, &bytes) {
                seeds.add(target, &seed)?;
            }
        }
    }
    eprintln!(
        "{} new seed files from {} vector files under {out}",
        seeds.written,
        files.len()
    );
    Ok(())
}

/// Every hex string in `value`, with the key it is under.
fn strings(value: &Value, key: &str, out: &mut Vec<(String, Vec<u8>)>) {
    match value {
        Value::String(s) if s.len() >= 2 => {
            if let Ok(bytes) = hex::decode(s) {
                out.push((key.to_string(), bytes));
            }
        }
        Value::Array(items) => items.iter().for_each(|v| strings(v, key, out)),
        Value::Object(map) => map.iter().for_each(|(k, v)| strings(v, k, out)),
        _ => {}
    }
}

fn decodes<T: mls_core::codec::tls_codec::DeserializeBytes>(bytes: &[u8]) -> bool {
    decode_exact::<T>(bytes).is_ok()
}

/// The seeds `bytes` gives, by target.
fn seeds_of(key: &str, bytes: &[u8]) -> Vec<(&'static str, Vec<u8>)> {
    let mut out = Vec::new();
    if let Some((_, code)) = BARE_PROPOSALS.iter().find(|(k, _)| *k == key) {
        let mut proposal = code.to_be_bytes().to_vec();
        proposal.extend_from_slice(bytes);
        out.push(("proposal", proposal));
    }
    if let Ok(message) = MlsMessage::from_bytes(bytes) {
        out.extend(parts(&message));
    }
    let bare: [(&str, bool); 6] = [
        ("welcome", decodes::<Welcome>(bytes)),
        ("group_info", decodes::<GroupInfo>(bytes)),
        ("key_package", decodes::<KeyPackage>(bytes)),
        ("ratchet_tree", decodes::<RatchetTree>(bytes)),
        ("proposal", decodes::<Proposal>(bytes)),
        ("commit", decodes::<Commit>(bytes)),
    ];
    out.extend(
        bare.into_iter()
            .filter(|(_, ok)| *ok)
            .map(|(target, _)| (target, bytes.to_vec())),
    );
    out
}
