//! Writes the committed seed corpora of the wire targets: real messages
//! made by the library on the fuzzing provider (never copied from the
//! working group's vectors, which are not ours to commit; see
//! `vector_seeds.rs` for those).
//!
//! ```sh
//! RUSTFLAGS="--cfg fuzzing" CARGO_TARGET_DIR=/tmp/fuzz-target \
//!     cargo +nightly run --manifest-path fuzz/Cargo.toml --example seeds -- fuzz/corpus
//! ```
#![forbid(unsafe_code)]

use mls_core::extensions::Extensions;
use mls_core::group::ExternalJoinOptions;
use mls_core::{Error, Group, MlsMessage};
use mls_fuzz::clients::{client, config, key_package};
use mls_fuzz::provider::SUITE;
use mls_fuzz::seeds::SeedDir;
use mls_fuzz::split::parts;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "fuzz/corpus".into());
    let mut seeds = SeedDir::new(&dir);
    for public in [true, false] {
        for message in lifecycle(public)? {
            for (target, bytes) in parts(&message) {
                seeds.add(target, &bytes)?;
            }
        }
    }
    for (target, bytes) in trees()? {
        seeds.add(target, &bytes)?;
    }
    eprintln!("{} new seed files under {dir}", seeds.written);
    Ok(())
}

/// A group's life, every message it sends: KeyPackages, Welcomes,
/// GroupInfos, and each kind of proposal and commit, as PublicMessages
/// (`public`) or PrivateMessages.
fn lifecycle(public: bool) -> Result<Vec<MlsMessage>, Error> {
    let mut sent = Vec::new();
    let (alice, bob, carol, dave) = (
        client("alice", 1)?,
        client("bob", 2)?,
        client("carol", 3)?,
        client("dave", 4)?,
    );
    let mut a = Group::create(&alice, SUITE, Extensions::default(), config(public))?;
    let (kb, kc) = (key_package(&bob)?, key_package(&carol)?);
    sent.push(kb.to_message());
    let out = a.add_members(&[kb, kc])?;
    a.merge_pending_commit()?;
    let welcome = out.welcome.ok_or(Error::Internal("no Welcome"))?;
    let mut b = Group::join(&bob, &welcome, config(public))?;
    let mut c = Group::join(&carol, &welcome, config(public))?;
    sent.extend([out.commit, welcome, out.group_info]);
    sent.push(a.encrypt_application_message(b"hello", b"ad")?);

    // Each proposal type a member can send, then a commit of them all.
    alice.store_external_psk(b"psk", &[5; 32])?;
    bob.store_external_psk(b"psk", &[5; 32])?;
    carol.store_external_psk(b"psk", &[5; 32])?;
    let psk = a.external_psk_id(b"psk")?;
    let proposals = [
        b.propose_update()?,
        c.propose_remove(b.own_leaf_index())?,
        a.propose_add(key_package(&dave)?)?,
        a.propose_psk(psk)?,
        a.propose_group_context_extensions(Extensions::default())?,
    ];
    for p in &proposals {
        for g in [&mut a, &mut b, &mut c] {
            let _ = g.process_message(p);
        }
    }
    sent.extend(proposals);
    let out = a.commit()?;
    a.merge_pending_commit()?;
    c.process_and_merge(&out.commit)?;
    sent.extend([out.commit, out.group_info]);
    sent.extend(out.welcome);

    // An external join, its commit carrying ExternalInit, and a ReInit.
    let info = a.group_info(true)?;
    let erin = client("erin", 5)?;
    let (mut e, commit) = Group::join_by_external_commit(
        &erin,
        &info,
        config(public),
        ExternalJoinOptions::default(),
    )?;
    e.merge_pending_commit()?;
    a.process_and_merge(&commit)?;
    sent.extend([info, commit]);
    sent.push(e.propose_reinit(b"next group", SUITE, Extensions::default())?);
    let out = a.self_update()?;
    sent.extend([out.commit, out.group_info]);
    Ok(sent)
}

/// Ratchet trees of several shapes: growing to eight leaves, then with
/// blanks from removals.
fn trees() -> Result<Vec<(&'static str, Vec<u8>)>, Error> {
    let mut out = Vec::new();
    let founder = client("founder", 10)?;
    let mut g = Group::create(&founder, SUITE, Extensions::default(), config(true))?;
    out.push(("ratchet_tree", g.ratchet_tree().to_bytes()?));
    for n in 0..7 {
        let joiner = client(&format!("m{n}"), 20 + n)?;
        g.add_members(&[key_package(&joiner)?])?;
        g.merge_pending_commit()?;
        out.push(("ratchet_tree", g.ratchet_tree().to_bytes()?));
    }
    for leaf in [2, 5] {
        g.remove_members(&[leaf])?;
        g.merge_pending_commit()?;
        out.push(("ratchet_tree", g.ratchet_tree().to_bytes()?));
    }
    let out_commit = g.self_update()?;
    g.merge_pending_commit()?;
    out.extend(parts(&out_commit.commit));
    out.push(("ratchet_tree", g.ratchet_tree().to_bytes()?));
    Ok(out)
}
