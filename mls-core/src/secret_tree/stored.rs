//! The stored form of a sender's ratchets (namespace `epoch_secrets`).

use super::ratchet::HashRatchet;
use super::{LeafRatchets, MessageKey};
use crate::error::Error;
use crate::storage::codec::{Dec, Enc};
use std::collections::BTreeMap;

fn write_ratchet(enc: &mut Enc, r: &HashRatchet) -> Result<(), Error> {
    enc.opt_bytes(r.secret.as_ref().map(|s| s.as_bytes()))?;
    enc.u64(r.next);
    enc.list(&r.skipped, |enc, (generation, key)| {
        enc.u32(*generation);
        enc.bytes(key.key.as_bytes())?;
        enc.bytes(key.nonce.as_bytes())?;
        Ok(())
    })?;
    Ok(())
}

fn read_ratchet(dec: &mut Dec<'_>) -> Result<HashRatchet, Error> {
    let secret = dec.opt_bytes()?.map(crate::secret::Secret::from_slice);
    let next = dec.u64()?;
    let skipped: BTreeMap<u32, MessageKey> = dec
        .list(|dec| {
            Ok((
                dec.u32()?,
                MessageKey {
                    key: dec.secret()?,
                    nonce: dec.secret()?,
                },
            ))
        })?
        .into_iter()
        .collect();
    Ok(HashRatchet {
        secret,
        next,
        skipped,
    })
}

/// `struct { HashRatchet handshake; HashRatchet application; }`.
pub(crate) fn write_leaf(enc: &mut Enc, leaf: &LeafRatchets) -> Result<(), Error> {
    write_ratchet(enc, &leaf.handshake)?;
    write_ratchet(enc, &leaf.application)
}

pub(crate) fn read_leaf(dec: &mut Dec<'_>) -> Result<LeafRatchets, Error> {
    Ok(LeafRatchets {
        handshake: read_ratchet(dec)?,
        application: read_ratchet(dec)?,
    })
}
