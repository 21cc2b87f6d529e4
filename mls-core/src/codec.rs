//! The TLS presentation language as MLS uses it (RFC 9420 §2.1).
//!
//! Fixed-size integers, enums, `optional<T>` and structs come from
//! [`tls_codec`] and its derive macros. The variable-size vectors of §2.1.2
//! (`opaque x<V>`, `T x<V>`) are written here: `tls_codec` 0.5's `VLBytes`
//! fires a `debug_assert!` (a panic in debug builds) when a length prefix is
//! larger than the input, and does not report the §2.1.2 rule that was broken.
//! [`VarBytes`] and [`VarVec`] implement `tls_codec`'s traits so they compose
//! with its derives, and they never allocate more than the bytes that exist.

use crate::error::DecodeError;
use std::io::{Read, Write};
use tls_codec::{Deserialize, DeserializeBytes, Serialize, Size};

pub use tls_codec;

/// Largest length a §2.1.2 header can carry: 2^30 - 1.
pub const MAX_VARINT: usize = (1 << 30) - 1;

// Messages carried through `tls_codec::Error::DecodingError` so that the typed
// reason survives nesting inside derived structs; `From<tls_codec::Error>`
// maps them back (see error.rs).
pub(crate) const MSG_RESERVED_PREFIX: &str = "mls: reserved varint prefix 0b11";
pub(crate) const MSG_NON_MINIMAL: &str = "mls: non-minimal varint";
pub(crate) const MSG_LENGTH_EXCEEDS: &str = "mls: vector length exceeds input";

/// Reads one variable-length integer header (§2.1.2, `ReadVarint`).
///
/// Returns the value and the rest of the input. Rejects the reserved `0b11`
/// prefix and any value not encoded in the minimum number of bytes.
pub fn read_varint(input: &[u8]) -> Result<(usize, &[u8]), DecodeError> {
    let (&first, rest) = input
        .split_first()
        .ok_or(DecodeError::EndOfInput { needed: 1 })?;
    let prefix = first >> 6;
    // Bytes after the first: the header is 1, 2 or 4 bytes long.
    let tail_len: usize = match prefix {
        0 => 0,
        1 => 1,
        2 => 3,
        _ => return Err(DecodeError::ReservedVarintPrefix),
    };
    let tail = rest.get(..tail_len).ok_or(DecodeError::EndOfInput {
        needed: tail_len.saturating_sub(rest.len()),
    })?;
    let mut value = usize::from(first & 0x3f);
    for &b in tail {
        value = (value << 8) | usize::from(b);
    }
    // "Check if the value would fit in half the provided length."
    let min = match prefix {
        1 => 1 << 6,
        2 => 1 << 14,
        _ => 0,
    };
    if value < min {
        return Err(DecodeError::NonMinimalVarint);
    }
    Ok((value, rest.get(tail_len..).unwrap_or_default()))
}

/// Number of bytes [`write_varint`] uses for `value`, or `None` above 2^30 - 1.
pub fn varint_len(value: usize) -> Option<usize> {
    match value {
        0..=0x3f => Some(1),
        0x40..=0x3fff => Some(2),
        0x4000..=MAX_VARINT => Some(4),
        _ => None,
    }
}

/// Writes `value` as a minimal §2.1.2 header.
pub fn write_varint<W: Write>(value: usize, out: &mut W) -> Result<usize, tls_codec::Error> {
    let len = varint_len(value).ok_or(tls_codec::Error::InvalidVectorLength)?;
    let v = u32::try_from(value).map_err(|_| tls_codec::Error::InvalidVectorLength)?;
    match len {
        1 => out.write_all(&[v as u8])?,
        2 => out.write_all(&(0x4000 | v as u16).to_be_bytes())?,
        _ => out.write_all(&(0x8000_0000 | v).to_be_bytes())?,
    }
    Ok(len)
}

fn varint_to_codec(err: DecodeError) -> tls_codec::Error {
    match err {
        DecodeError::EndOfInput { .. } => tls_codec::Error::EndOfStream,
        DecodeError::ReservedVarintPrefix => {
            tls_codec::Error::DecodingError(MSG_RESERVED_PREFIX.into())
        }
        DecodeError::NonMinimalVarint => tls_codec::Error::DecodingError(MSG_NON_MINIMAL.into()),
        other => tls_codec::Error::DecodingError(other.to_string()),
    }
}

/// Reads a header and splits off exactly that many content bytes.
pub(crate) fn read_vector_bytes(input: &[u8]) -> Result<(&[u8], &[u8]), tls_codec::Error> {
    let (len, rest) = read_varint(input).map_err(varint_to_codec)?;
    if len > rest.len() {
        return Err(tls_codec::Error::DecodingError(MSG_LENGTH_EXCEEDS.into()));
    }
    Ok(rest.split_at(len))
}

/// Reads a header from a stream; the stream must be bounded by the caller.
fn read_varint_stream<R: Read>(reader: &mut R) -> Result<usize, tls_codec::Error> {
    let mut first = [0u8; 1];
    reader.read_exact(&mut first)?;
    let extra = match first[0] >> 6 {
        0 => 0,
        1 => 1,
        2 => 3,
        _ => return Err(tls_codec::Error::DecodingError(MSG_RESERVED_PREFIX.into())),
    };
    let mut buf = [first[0], 0, 0, 0];
    let tail = buf
        .get_mut(1..=extra)
        .ok_or(tls_codec::Error::LibraryError)?;
    reader.read_exact(tail)?;
    let header = buf
        .get(..extra.saturating_add(1))
        .ok_or(tls_codec::Error::LibraryError)?;
    let (len, _) = read_varint(header).map_err(varint_to_codec)?;
    Ok(len)
}

/// `opaque data<V>`: a byte vector with a §2.1.2 length header.
#[derive(Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct VarBytes(Vec<u8>);

impl VarBytes {
    /// Wraps bytes.
    pub fn new(bytes: Vec<u8>) -> Self {
        Self(bytes)
    }

    /// The content bytes.
    pub fn as_slice(&self) -> &[u8] {
        &self.0
    }

    /// Takes the content bytes out.
    pub fn into_vec(self) -> Vec<u8> {
        self.0
    }
}

impl std::fmt::Debug for VarBytes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "VarBytes(")?;
        for b in &self.0 {
            write!(f, "{b:02x}")?;
        }
        write!(f, ")")
    }
}

impl From<Vec<u8>> for VarBytes {
    fn from(v: Vec<u8>) -> Self {
        Self(v)
    }
}

impl From<&[u8]> for VarBytes {
    fn from(v: &[u8]) -> Self {
        Self(v.to_vec())
    }
}

impl Size for VarBytes {
    fn tls_serialized_len(&self) -> usize {
        varint_len(self.0.len())
            .unwrap_or(0)
            .saturating_add(self.0.len())
    }
}

impl Serialize for VarBytes {
    fn tls_serialize<W: Write>(&self, writer: &mut W) -> Result<usize, tls_codec::Error> {
        let header = write_varint(self.0.len(), writer)?;
        writer.write_all(&self.0)?;
        Ok(header.saturating_add(self.0.len()))
    }
}

/// `opaque data<V>` over borrowed bytes, for encode-only structs whose
/// content can be large (a group's GroupInfo under a signature): encoding
/// it copies the bytes once, into the output.
#[derive(Clone, Copy, Debug)]
pub(crate) struct VarSlice<'a>(pub(crate) &'a [u8]);

impl Size for VarSlice<'_> {
    fn tls_serialized_len(&self) -> usize {
        varint_len(self.0.len())
            .unwrap_or(0)
            .saturating_add(self.0.len())
    }
}

impl Serialize for VarSlice<'_> {
    fn tls_serialize<W: Write>(&self, writer: &mut W) -> Result<usize, tls_codec::Error> {
        let header = write_varint(self.0.len(), writer)?;
        writer.write_all(self.0)?;
        Ok(header.saturating_add(self.0.len()))
    }
}

// By reference, so encode-only structs (AADs, labels) can borrow fields.
impl Size for &VarBytes {
    fn tls_serialized_len(&self) -> usize {
        (*self).tls_serialized_len()
    }
}

impl Serialize for &VarBytes {
    fn tls_serialize<W: Write>(&self, writer: &mut W) -> Result<usize, tls_codec::Error> {
        (*self).tls_serialize(writer)
    }
}

impl DeserializeBytes for VarBytes {
    fn tls_deserialize_bytes(bytes: &[u8]) -> Result<(Self, &[u8]), tls_codec::Error> {
        let (content, rest) = read_vector_bytes(bytes)?;
        Ok((Self(content.to_vec()), rest))
    }
}

impl Deserialize for VarBytes {
    fn tls_deserialize<R: Read>(bytes: &mut R) -> Result<Self, tls_codec::Error> {
        let len = read_varint_stream(bytes)?;
        // Grow with the bytes that actually arrive rather than trusting `len`.
        let mut out = Vec::with_capacity(len.min(4096));
        bytes.take(len as u64).read_to_end(&mut out)?;
        if out.len() != len {
            return Err(tls_codec::Error::DecodingError(MSG_LENGTH_EXCEEDS.into()));
        }
        Ok(Self(out))
    }
}

/// `T data<V>`: a vector of encoded elements with a §2.1.2 length header
/// counting bytes, not elements.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct VarVec<T>(Vec<T>);

impl<T> Default for VarVec<T> {
    fn default() -> Self {
        Self(Vec::new())
    }
}

impl<T> VarVec<T> {
    /// Wraps elements.
    pub fn new(items: Vec<T>) -> Self {
        Self(items)
    }

    /// The elements.
    pub fn as_slice(&self) -> &[T] {
        &self.0
    }

    /// Takes the elements out.
    pub fn into_vec(self) -> Vec<T> {
        self.0
    }
}

impl<T> From<Vec<T>> for VarVec<T> {
    fn from(v: Vec<T>) -> Self {
        Self(v)
    }
}

impl<T: Size> Size for VarVec<T> {
    fn tls_serialized_len(&self) -> usize {
        let content = self
            .0
            .iter()
            .fold(0usize, |acc, x| acc.saturating_add(x.tls_serialized_len()));
        varint_len(content).unwrap_or(0).saturating_add(content)
    }
}

impl<T: Serialize + Size> Serialize for VarVec<T> {
    fn tls_serialize<W: Write>(&self, writer: &mut W) -> Result<usize, tls_codec::Error> {
        let content = self
            .0
            .iter()
            .try_fold(0usize, |acc, x| acc.checked_add(x.tls_serialized_len()))
            .ok_or(tls_codec::Error::InvalidVectorLength)?;
        let mut written = write_varint(content, writer)?;
        for item in &self.0 {
            written = written.saturating_add(item.tls_serialize(writer)?);
        }
        Ok(written)
    }
}

impl<T: DeserializeBytes> DeserializeBytes for VarVec<T> {
    fn tls_deserialize_bytes(bytes: &[u8]) -> Result<(Self, &[u8]), tls_codec::Error> {
        let (mut content, rest) = read_vector_bytes(bytes)?;
        let mut items = Vec::new();
        while !content.is_empty() {
            let (item, remainder) = T::tls_deserialize_bytes(content)?;
            // Every element consumes at least one byte, so the loop is bounded
            // by the content length; a zero-size element would never finish.
            if remainder.len() >= content.len() {
                return Err(tls_codec::Error::DecodingError(
                    "mls: vector element consumed no bytes".into(),
                ));
            }
            items.push(item);
            content = remainder;
        }
        Ok((Self(items), rest))
    }
}

/// Defines a `uint16` registry code point as a newtype (§17): kept raw so
/// unknown and GREASE values (§13.5) survive a round trip.
macro_rules! code_point {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(
            Clone,
            Copy,
            Debug,
            PartialEq,
            Eq,
            PartialOrd,
            Ord,
            Hash,
            tls_codec::TlsSerialize,
            tls_codec::TlsDeserializeBytes,
            tls_codec::TlsSize,
        )]
        pub struct $name(pub u16);
    };
}
pub(crate) use code_point;

/// Decodes one whole `T` from `bytes`; leftover bytes are an error.
pub fn decode_exact<T: DeserializeBytes>(bytes: &[u8]) -> Result<T, DecodeError> {
    let (value, rest) = T::tls_deserialize_bytes(bytes)?;
    if !rest.is_empty() {
        return Err(DecodeError::TrailingBytes(rest.len()));
    }
    Ok(value)
}

/// Encodes `value` into a fresh byte vector.
pub fn encode<T: Serialize + Size>(value: &T) -> Result<Vec<u8>, crate::Error> {
    let mut out = Vec::with_capacity(value.tls_serialized_len());
    encode_into(value, &mut out)?;
    Ok(out)
}

/// [`encode`] appending to `out`, for a caller that sized `out` for
/// several values and so copies none of them twice.
pub(crate) fn encode_into<T: Serialize>(value: &T, out: &mut Vec<u8>) -> Result<(), crate::Error> {
    // Writing to a Vec cannot fail, so the only error is a vector over 2^30 - 1.
    value
        .tls_serialize(out)
        .map_err(|_| crate::error::Misuse::TooLarge("a vector longer than 2^30 - 1 bytes"))?;
    Ok(())
}

#[cfg(test)]
mod tests;
