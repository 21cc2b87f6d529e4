//! The decoder property every wire target checks: decoding accepts only
//! canonical encodings, and what it returns encodes back to the same bytes
//! and decodes to the same value.

use mls_core::codec::tls_codec::{DeserializeBytes, Serialize, Size};
use mls_core::codec::{decode_exact, encode};
use std::fmt::Debug;

/// Decodes `data` as one whole `T`; if that succeeds, checks that
/// encoding gives back exactly `data` and that decoding that gives the
/// same value. Returns the decoded value for further checks.
pub fn check<T>(data: &[u8]) -> Option<T>
where
    T: DeserializeBytes + Serialize + Size + PartialEq + Debug,
{
    let first: T = decode_exact(data).ok()?;
    let bytes = match encode(&first) {
        Ok(bytes) => bytes,
        Err(e) => panic!("a decoded value does not encode: {e}\n{first:?}"),
    };
    assert_eq!(
        first.tls_serialized_len(),
        bytes.len(),
        "tls_serialized_len disagrees with the encoding"
    );
    assert!(
        bytes == data,
        "decoding accepted a non-canonical encoding: input {} bytes, re-encoded {} bytes\n\
         input:     {}\nre-encoded: {}",
        data.len(),
        bytes.len(),
        hex(data),
        hex(&bytes),
    );
    let second: T = match decode_exact(&bytes) {
        Ok(second) => second,
        Err(e) => panic!("re-encoded bytes do not decode: {e}"),
    };
    assert_eq!(first, second, "decode(encode(x)) != x");
    Some(first)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
