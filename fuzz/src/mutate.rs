//! Byte-level damage chosen by the fuzz input: what a broken network,
//! a hostile peer or a damaged disk does to bytes.

use arbitrary::Arbitrary;

/// Longest run of bytes one mutation inserts.
const MAX_INSERT: usize = 64;

/// One change to a byte string. Offsets wrap around the length.
#[derive(Arbitrary, Clone, Debug)]
pub enum Mutation {
    /// XOR one byte with a mask.
    Flip { at: u16, mask: u8 },
    /// Keep only the first `len` bytes.
    Truncate { len: u16 },
    /// Write bytes over the existing ones from `at`.
    Overwrite { at: u16, bytes: Vec<u8> },
    /// Insert bytes at `at`.
    Insert { at: u16, bytes: Vec<u8> },
    /// Remove `len` bytes from `at`.
    Remove { at: u16, len: u16 },
    /// Copy `len` bytes of a donor (another message or record) over `at`.
    Splice {
        donor: u8,
        from: u16,
        len: u16,
        at: u16,
    },
    /// Set a byte that is likely a length or a type code to an edge value.
    Edge { at: u16, value: EdgeValue },
}

/// Values that break length and type checks.
#[derive(Arbitrary, Clone, Copy, Debug)]
pub enum EdgeValue {
    Zero,
    Max,
    VarintTwoBytes,
    VarintFourBytes,
    Reserved,
}

impl EdgeValue {
    fn byte(self) -> u8 {
        match self {
            EdgeValue::Zero => 0x00,
            EdgeValue::Max => 0xff,
            EdgeValue::VarintTwoBytes => 0x40,
            EdgeValue::VarintFourBytes => 0x80,
            EdgeValue::Reserved => 0xc0,
        }
    }
}

fn wrap(at: u16, len: usize) -> usize {
    if len == 0 { 0 } else { usize::from(at) % len }
}

/// Applies `mutation` to `bytes`; `donors` lends bytes to `Splice`.
pub fn apply(bytes: &mut Vec<u8>, mutation: &Mutation, donors: &[&[u8]]) {
    match mutation {
        Mutation::Flip { at, mask } => {
            let i = wrap(*at, bytes.len());
            if let Some(b) = bytes.get_mut(i) {
                // A zero mask would change nothing.
                *b ^= (*mask).max(1);
            }
        }
        Mutation::Truncate { len } => bytes.truncate(usize::from(*len) % bytes.len().max(1)),
        Mutation::Overwrite { at, bytes: new } => {
            let start = wrap(*at, bytes.len());
            for (i, b) in new.iter().take(MAX_INSERT).enumerate() {
                if let Some(slot) = bytes.get_mut(start + i) {
                    *slot = *b;
                }
            }
        }
        Mutation::Insert { at, bytes: new } => {
            let i = wrap(*at, bytes.len().saturating_add(1));
            let new = &new[..new.len().min(MAX_INSERT)];
            bytes.splice(i..i, new.iter().copied());
        }
        Mutation::Remove { at, len } => {
            let start = wrap(*at, bytes.len());
            let end = start.saturating_add(usize::from(*len)).min(bytes.len());
            bytes.drain(start..end);
        }
        Mutation::Splice {
            donor,
            from,
            len,
            at,
        } => {
            let Some(donor) = donors.get(usize::from(*donor) % donors.len().max(1)) else {
                return;
            };
            let from = wrap(*from, donor.len());
            let len = usize::from(*len).min(donor.len() - from);
            let at = wrap(*at, bytes.len());
            let end = at.saturating_add(len).min(bytes.len());
            bytes.splice(at..end, donor[from..from + len].iter().copied());
        }
        Mutation::Edge { at, value } => {
            let i = wrap(*at, bytes.len());
            if let Some(b) = bytes.get_mut(i) {
                *b = value.byte();
            }
        }
    }
}
