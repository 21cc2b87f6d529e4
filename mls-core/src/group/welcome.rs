//! Welcome messages (RFC 9420 §12.4.3.1): the secrets and GroupInfo a new
//! member needs to join.
//!
//! The secret fields of [`GroupSecrets`] and [`PathSecret`] are
//! [`Secret`]s: zeroized on drop and redacted in `Debug`. Their codec is
//! written by hand for that reason; the encoding is the plain
//! `opaque x<V>` of the RFC.

use crate::CipherSuite;
use crate::codec::{VarBytes, VarVec, varint_len, write_varint};
use crate::group::commit::HpkeCiphertextWire;
use crate::key_package::KeyPackageRef;
use crate::key_schedule::PreSharedKeyId;
use crate::secret::Secret;
use std::io::Write;
use tls_codec::{DeserializeBytes, Serialize, Size, TlsDeserializeBytes, TlsSerialize, TlsSize};

/// `EncryptedGroupSecrets` (§12.4.3.1): one new member's GroupSecrets,
/// encrypted to its KeyPackage's `init_key`.
#[derive(Clone, Debug, PartialEq, Eq, TlsSerialize, TlsDeserializeBytes, TlsSize)]
pub struct EncryptedGroupSecrets {
    /// The KeyPackage the secrets are for.
    pub new_member: KeyPackageRef,
    /// `EncryptWithLabel(init_key, "Welcome", encrypted_group_info,
    /// GroupSecrets)`.
    pub encrypted_group_secrets: HpkeCiphertextWire,
}

/// `Welcome` (§12.4.3.1).
#[derive(Clone, Debug, PartialEq, Eq, TlsSerialize, TlsDeserializeBytes, TlsSize)]
pub struct Welcome {
    /// The group's cipher suite.
    pub cipher_suite: CipherSuite,
    /// `EncryptedGroupSecrets secrets<V>`, one per new member.
    pub secrets: VarVec<EncryptedGroupSecrets>,
    /// `opaque encrypted_group_info<V>`: the GroupInfo, AEAD-encrypted under
    /// the welcome key and nonce.
    pub encrypted_group_info: VarBytes,
}

impl Welcome {
    /// The entry for `key_package_ref`, if there is one.
    pub fn secrets_for(&self, key_package_ref: &KeyPackageRef) -> Option<&EncryptedGroupSecrets> {
        self.secrets
            .as_slice()
            .iter()
            .find(|s| &s.new_member == key_package_ref)
    }
}

/// `struct { opaque path_secret<V>; } PathSecret` (§12.4.3.1).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PathSecret {
    /// The path secret of the lowest node on the new member's direct path
    /// that the committer's path updated.
    pub path_secret: Secret,
}

/// `GroupSecrets` (§12.4.3.1): what a new member decrypts from a Welcome.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupSecrets {
    /// `opaque joiner_secret<V>`.
    pub joiner_secret: Secret,
    /// `optional<PathSecret> path_secret`: present when the commit had a path.
    pub path_secret: Option<PathSecret>,
    /// `PreSharedKeyID psks<V>`: the PSKs of the commit, in order.
    pub psks: VarVec<PreSharedKeyId>,
}

fn secret_len(secret: &Secret) -> usize {
    varint_len(secret.len())
        .unwrap_or(0)
        .saturating_add(secret.len())
}

fn write_secret<W: Write>(secret: &Secret, writer: &mut W) -> Result<usize, tls_codec::Error> {
    let header = write_varint(secret.len(), writer)?;
    writer.write_all(secret.as_bytes())?;
    Ok(header.saturating_add(secret.len()))
}

fn read_secret(bytes: &[u8]) -> Result<(Secret, &[u8]), tls_codec::Error> {
    // The decoded vector moves into the Secret: no unzeroized copy is left.
    let (value, rest) = VarBytes::tls_deserialize_bytes(bytes)?;
    Ok((Secret::new(value.into_vec()), rest))
}

impl Size for PathSecret {
    fn tls_serialized_len(&self) -> usize {
        secret_len(&self.path_secret)
    }
}

impl Serialize for PathSecret {
    fn tls_serialize<W: Write>(&self, writer: &mut W) -> Result<usize, tls_codec::Error> {
        write_secret(&self.path_secret, writer)
    }
}

impl DeserializeBytes for PathSecret {
    fn tls_deserialize_bytes(bytes: &[u8]) -> Result<(Self, &[u8]), tls_codec::Error> {
        let (path_secret, rest) = read_secret(bytes)?;
        Ok((Self { path_secret }, rest))
    }
}

impl Size for GroupSecrets {
    fn tls_serialized_len(&self) -> usize {
        secret_len(&self.joiner_secret)
            .saturating_add(self.path_secret.tls_serialized_len())
            .saturating_add(self.psks.tls_serialized_len())
    }
}

impl Serialize for GroupSecrets {
    fn tls_serialize<W: Write>(&self, writer: &mut W) -> Result<usize, tls_codec::Error> {
        let a = write_secret(&self.joiner_secret, writer)?;
        let b = self.path_secret.tls_serialize(writer)?;
        let c = self.psks.tls_serialize(writer)?;
        Ok(a.saturating_add(b).saturating_add(c))
    }
}

impl DeserializeBytes for GroupSecrets {
    fn tls_deserialize_bytes(bytes: &[u8]) -> Result<(Self, &[u8]), tls_codec::Error> {
        let (joiner_secret, rest) = read_secret(bytes)?;
        let (path_secret, rest) = Option::<PathSecret>::tls_deserialize_bytes(rest)?;
        let (psks, rest) = VarVec::tls_deserialize_bytes(rest)?;
        Ok((
            Self {
                joiner_secret,
                path_secret,
                psks,
            },
            rest,
        ))
    }
}

#[cfg(test)]
mod tests;
