//! `deserialization.json`: §2.1.2 variable-length headers.

use super::{Tally, expect_eq};
use crate::vectors::Hex;
use mls_core::codec::{read_varint, write_varint};
use serde::Deserialize;

#[derive(Deserialize)]
pub(crate) struct Case {
    vlbytes_header: Hex,
    length: usize,
}

fn check(c: &Case) -> Result<(), String> {
    let (len, rest) = read_varint(&c.vlbytes_header).map_err(|e| e.to_string())?;
    if !rest.is_empty() {
        return Err(format!("{} byte(s) left after the header", rest.len()));
    }
    if len != c.length {
        return Err(format!("decoded {len}, expected {}", c.length));
    }
    let mut encoded = Vec::new();
    write_varint(len, &mut encoded).map_err(|e| e.to_string())?;
    expect_eq("re-encoded header", &c.vlbytes_header, &encoded)
}

pub(crate) fn run(cases: &[Case], t: &mut Tally) {
    for c in cases {
        t.check(
            &format!("header {}", hex::encode(&*c.vlbytes_header)),
            check(c),
        );
    }
}
