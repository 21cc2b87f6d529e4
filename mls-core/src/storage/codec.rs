//! Writing and reading the bodies of stored values.
//!
//! Stored values follow the TLS presentation language (§2.1): integers in
//! network byte order, `opaque<V>` and vectors with a §2.1.2 variable-length
//! header, protocol structures in their wire encoding through tls_codec.
//! This is glue over tls_codec rather than derived structs because most
//! stored values carry secrets: [`Enc`] writes into a buffer that is wiped
//! on drop and takes secrets by reference, so encoding leaves no unwiped
//! copy behind, and [`Dec`] moves decoded secrets out without copying.

use crate::codec::{read_varint, write_varint};
use crate::error::{DecodeError, Error, Misuse, StorageError};
use crate::secret::{HpkePrivateKey, Secret};
use tls_codec::{DeserializeBytes, Serialize};
use zeroize::Zeroizing;

/// The most entries a stored list may claim. Stored lists are bounded by
/// the group (leaves, retained epochs, skipped keys); this only keeps a
/// damaged value from asking for an absurd allocation.
const MAX_LIST: usize = 1 << 24;

/// A body being written, in a buffer wiped on drop.
pub(crate) struct Enc {
    out: Zeroizing<Vec<u8>>,
}

fn too_large() -> Error {
    Misuse::TooLarge("a stored vector longer than 2^30 - 1 bytes").into()
}

impl Enc {
    pub(crate) fn new() -> Self {
        Self {
            out: Zeroizing::new(Vec::new()),
        }
    }

    pub(crate) fn u8(&mut self, v: u8) -> &mut Self {
        self.out.push(v);
        self
    }

    pub(crate) fn bool(&mut self, v: bool) -> &mut Self {
        self.u8(u8::from(v))
    }

    pub(crate) fn u16(&mut self, v: u16) -> &mut Self {
        self.out.extend_from_slice(&v.to_be_bytes());
        self
    }

    pub(crate) fn u32(&mut self, v: u32) -> &mut Self {
        self.out.extend_from_slice(&v.to_be_bytes());
        self
    }

    pub(crate) fn u64(&mut self, v: u64) -> &mut Self {
        self.out.extend_from_slice(&v.to_be_bytes());
        self
    }

    /// `opaque<V>`.
    pub(crate) fn bytes(&mut self, v: &[u8]) -> Result<&mut Self, Error> {
        write_varint(v.len(), &mut *self.out).map_err(|_| too_large())?;
        self.out.extend_from_slice(v);
        Ok(self)
    }

    /// `optional<opaque<V>>`.
    pub(crate) fn opt_bytes(&mut self, v: Option<&[u8]>) -> Result<&mut Self, Error> {
        match v {
            None => Ok(self.u8(0)),
            Some(v) => self.u8(1).bytes(v),
        }
    }

    /// A protocol structure in its wire encoding.
    pub(crate) fn value<T: Serialize>(&mut self, v: &T) -> Result<&mut Self, Error> {
        v.tls_serialize(&mut *self.out).map_err(|_| too_large())?;
        Ok(self)
    }

    /// A vector `T items<V>` whose items `write` encodes.
    pub(crate) fn list<T>(
        &mut self,
        items: impl IntoIterator<Item = T>,
        mut write: impl FnMut(&mut Enc, T) -> Result<(), Error>,
    ) -> Result<&mut Self, Error> {
        let mut inner = Enc::new();
        for item in items {
            write(&mut inner, item)?;
        }
        self.bytes(&inner.out)
    }

    pub(crate) fn finish(self) -> Zeroizing<Vec<u8>> {
        self.out
    }
}

/// A body being read. Every read checks the length first; nothing panics
/// on a damaged value.
pub(crate) struct Dec<'a> {
    input: &'a [u8],
}

impl<'a> Dec<'a> {
    pub(crate) fn new(input: &'a [u8]) -> Self {
        Self { input }
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], Error> {
        let Some((head, rest)) = self.input.split_at_checked(n) else {
            return Err(DecodeError::EndOfInput {
                needed: n.saturating_sub(self.input.len()),
            }
            .into());
        };
        self.input = rest;
        Ok(head)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], Error> {
        let mut a = [0; N];
        a.copy_from_slice(self.take(N)?);
        Ok(a)
    }

    pub(crate) fn u8(&mut self) -> Result<u8, Error> {
        Ok(self.array::<1>()?[0])
    }

    pub(crate) fn bool(&mut self) -> Result<bool, Error> {
        match self.u8()? {
            0 => Ok(false),
            1 => Ok(true),
            other => Err(DecodeError::InvalidOptional(other).into()),
        }
    }

    pub(crate) fn u16(&mut self) -> Result<u16, Error> {
        Ok(u16::from_be_bytes(self.array()?))
    }

    pub(crate) fn u32(&mut self) -> Result<u32, Error> {
        Ok(u32::from_be_bytes(self.array()?))
    }

    pub(crate) fn u64(&mut self) -> Result<u64, Error> {
        Ok(u64::from_be_bytes(self.array()?))
    }

    /// `opaque<V>`, borrowed.
    pub(crate) fn bytes(&mut self) -> Result<&'a [u8], Error> {
        let (len, rest) = read_varint(self.input)?;
        self.input = rest;
        self.take(len)
    }

    pub(crate) fn opt_bytes(&mut self) -> Result<Option<&'a [u8]>, Error> {
        Ok(if self.bool()? {
            Some(self.bytes()?)
        } else {
            None
        })
    }

    pub(crate) fn secret(&mut self) -> Result<Secret, Error> {
        Ok(Secret::from_slice(self.bytes()?))
    }

    pub(crate) fn private_key(&mut self) -> Result<HpkePrivateKey, Error> {
        Ok(HpkePrivateKey::from_slice(self.bytes()?))
    }

    /// A protocol structure in its wire encoding.
    pub(crate) fn value<T: DeserializeBytes>(&mut self) -> Result<T, Error> {
        let (value, rest) = T::tls_deserialize_bytes(self.input).map_err(DecodeError::from)?;
        self.input = rest;
        Ok(value)
    }

    /// A vector whose items `read` decodes.
    pub(crate) fn list<T>(
        &mut self,
        mut read: impl FnMut(&mut Dec<'a>) -> Result<T, Error>,
    ) -> Result<Vec<T>, Error> {
        let mut inner = Dec::new(self.bytes()?);
        let mut items = Vec::new();
        while !inner.input.is_empty() {
            if items.len() >= MAX_LIST {
                return Err(StorageError::corrupt(
                    "a stored list longer than any this library writes",
                )
                .into());
            }
            items.push(read(&mut inner)?);
        }
        Ok(items)
    }

    /// Everything not read yet, for a body with its own decoder.
    pub(crate) fn rest(&mut self) -> &'a [u8] {
        std::mem::take(&mut self.input)
    }

    /// Whether every byte was read: a record may end before a field that
    /// later writers append.
    pub(crate) fn is_at_end(&self) -> bool {
        self.input.is_empty()
    }

    /// Fails if bytes are left over.
    pub(crate) fn finish(self) -> Result<(), Error> {
        if self.input.is_empty() {
            Ok(())
        } else {
            Err(DecodeError::TrailingBytes(self.input.len()).into())
        }
    }
}
