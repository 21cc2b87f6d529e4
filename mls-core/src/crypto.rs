//! The labeled operations of RFC 9420 §5 and §8, written once on top of
//! [`CipherSuiteProvider`] so every backend computes them identically.

use crate::codec::{VarSlice, encode};
use crate::error::{CryptoError, Error, Misuse};
use crate::provider::{
    CipherSuiteProvider, HpkeCiphertext, HpkeRecipient, RandProvider, Signer, random_bytes,
};
use crate::secret::{HpkePrivateKey, Secret, SignaturePrivateKey};

/// Prefix of every MLS label (§5.1.2, §5.1.3, §8).
const LABEL_PREFIX: &[u8] = b"MLS 1.0 ";

/// `opaque label<V>` holding `prefix ‖ label`, written without
/// concatenating the two first: labels are encoded on every key derivation
/// and signature, and this keeps them free of allocations.
#[derive(Clone, Copy)]
struct Label<'a> {
    prefix: &'static [u8],
    label: &'a [u8],
}

impl tls_codec::Size for Label<'_> {
    fn tls_serialized_len(&self) -> usize {
        let len = self.prefix.len().saturating_add(self.label.len());
        crate::codec::varint_len(len)
            .unwrap_or(0)
            .saturating_add(len)
    }
}

impl tls_codec::Serialize for Label<'_> {
    fn tls_serialize<W: std::io::Write>(&self, writer: &mut W) -> Result<usize, tls_codec::Error> {
        let len = self.prefix.len().saturating_add(self.label.len());
        let header = crate::codec::write_varint(len, writer)?;
        writer.write_all(self.prefix)?;
        writer.write_all(self.label)?;
        Ok(header.saturating_add(len))
    }
}

/// `"MLS 1.0 " ‖ label`.
fn mls_label(label: &str) -> Label<'_> {
    Label {
        prefix: LABEL_PREFIX,
        label: label.as_bytes(),
    }
}

/// `struct { opaque label<V>; opaque content<V>; }`: the shape shared by
/// `RefHashInput` (§5.2), `SignContent` (§5.1.2) and `EncryptContext`
/// (§5.1.3). `content` is any encodable value, written inside the
/// `opaque<V>` without being encoded on its own first.
struct LabeledContent<'a, C> {
    label: Label<'a>,
    content: &'a C,
}

impl<C: tls_codec::Size> tls_codec::Size for LabeledContent<'_, C> {
    fn tls_serialized_len(&self) -> usize {
        let len = self.content.tls_serialized_len();
        self.label
            .tls_serialized_len()
            .saturating_add(crate::codec::varint_len(len).unwrap_or(0))
            .saturating_add(len)
    }
}

impl<C: tls_codec::Serialize + tls_codec::Size> tls_codec::Serialize for LabeledContent<'_, C> {
    fn tls_serialize<W: std::io::Write>(&self, writer: &mut W) -> Result<usize, tls_codec::Error> {
        let len = self.content.tls_serialized_len();
        let label = self.label.tls_serialize(writer)?;
        let header = crate::codec::write_varint(len, writer)?;
        let written = self.content.tls_serialize(writer)?;
        if written != len {
            return Err(tls_codec::Error::EncodingError(
                "labeled content wrote other than its size".into(),
            ));
        }
        Ok(label.saturating_add(header).saturating_add(written))
    }
}

/// `KDFLabel` (§8).
#[derive(tls_codec::TlsSerialize, tls_codec::TlsSize)]
struct KdfLabel<'a> {
    length: u16,
    label: Label<'a>,
    context: VarSlice<'a>,
}

/// A `KDFLabel` up to this size is encoded on the stack: every one the
/// protocol derives (the longest context is a ciphertext sample or a
/// hash, at most 64 bytes) fits.
const KDF_LABEL_ON_STACK: usize = 160;

fn labeled(label: Label<'_>, content: &[u8]) -> Result<Vec<u8>, Error> {
    labeled_encoded(label, &RawBytes(content))
}

fn labeled_encoded<C: tls_codec::Serialize + tls_codec::Size>(
    label: Label<'_>,
    content: &C,
) -> Result<Vec<u8>, Error> {
    encode(&LabeledContent { label, content })
}

/// Bytes written as they are (the inside of an `opaque<V>` whose header
/// [`LabeledContent`] writes).
struct RawBytes<'a>(&'a [u8]);

impl tls_codec::Size for RawBytes<'_> {
    fn tls_serialized_len(&self) -> usize {
        self.0.len()
    }
}

impl tls_codec::Serialize for RawBytes<'_> {
    fn tls_serialize<W: std::io::Write>(&self, writer: &mut W) -> Result<usize, tls_codec::Error> {
        writer.write_all(self.0)?;
        Ok(self.0.len())
    }
}

/// `RefHash(label, value) = Hash(RefHashInput)` (§5.2). `label` is used as
/// given (for example `"MLS 1.0 KeyPackage Reference"`), without a prefix.
pub fn ref_hash(
    suite: &dyn CipherSuiteProvider,
    label: &[u8],
    value: &[u8],
) -> Result<Vec<u8>, Error> {
    let input = labeled(Label { prefix: b"", label }, value)?;
    Ok(suite.hash(&input)?)
}

/// `ExpandWithLabel(secret, label, context, length)` (§8).
pub fn expand_with_label(
    suite: &dyn CipherSuiteProvider,
    secret: &[u8],
    label: &str,
    context: &[u8],
    length: u16,
) -> Result<Secret, Error> {
    let info = KdfLabel {
        length,
        label: mls_label(label),
        context: VarSlice(context),
    };
    let len = tls_codec::Size::tls_serialized_len(&info);
    let out = usize::from(length);
    if len <= KDF_LABEL_ON_STACK {
        // Nothing secret here: the label and context are public.
        let mut buf = [0u8; KDF_LABEL_ON_STACK];
        let mut writer = &mut buf[..];
        tls_codec::Serialize::tls_serialize(&info, &mut writer)
            .map_err(|_| Misuse::TooLarge("a KDFLabel context"))?;
        let info = buf.get(..len).ok_or(Error::Internal("KDFLabel length"))?;
        Ok(suite.kdf_expand(secret, info, out)?)
    } else {
        Ok(suite.kdf_expand(secret, &encode(&info)?, out)?)
    }
}

/// `DeriveSecret(secret, label) = ExpandWithLabel(secret, label, "", Nh)` (§8).
pub fn derive_secret(
    suite: &dyn CipherSuiteProvider,
    secret: &[u8],
    label: &str,
) -> Result<Secret, Error> {
    expand_with_label(suite, secret, label, &[], hash_len_u16(suite)?)
}

/// `DeriveTreeSecret(secret, label, generation, length)` (§9).
pub fn derive_tree_secret(
    suite: &dyn CipherSuiteProvider,
    secret: &[u8],
    label: &str,
    generation: u32,
    length: u16,
) -> Result<Secret, Error> {
    expand_with_label(suite, secret, label, &generation.to_be_bytes(), length)
}

fn hash_len_u16(suite: &dyn CipherSuiteProvider) -> Result<u16, Error> {
    u16::try_from(suite.hash_len()).map_err(|_| Misuse::TooLarge("hash length").into())
}

/// `SignWithLabel(key, label, content)` (§5.1.2).
pub fn sign_with_label(
    signer: &dyn Signer,
    suite: &dyn CipherSuiteProvider,
    label: &str,
    content: &[u8],
) -> Result<Vec<u8>, Error> {
    sign_encoded_with_label(signer, suite, label, &RawBytes(content))
}

/// [`sign_with_label`] over `content`'s encoding, written straight into
/// the `SignContent`.
pub(crate) fn sign_encoded_with_label<C: tls_codec::Serialize + tls_codec::Size>(
    signer: &dyn Signer,
    suite: &dyn CipherSuiteProvider,
    label: &str,
    content: &C,
) -> Result<Vec<u8>, Error> {
    let expected = suite.definition().signature;
    if signer.scheme() != expected {
        return Err(Misuse::SignatureSchemeMismatch {
            signer: signer.scheme(),
            suite: expected,
        }
        .into());
    }
    let sign_content = labeled_encoded(mls_label(label), content)?;
    Ok(signer.sign(&sign_content)?)
}

/// `VerifyWithLabel(key, label, content, signature)` (§5.1.2).
pub fn verify_with_label(
    suite: &dyn CipherSuiteProvider,
    public_key: &[u8],
    label: &str,
    content: &[u8],
    signature: &[u8],
) -> Result<(), Error> {
    verify_encoded_with_label(suite, public_key, label, &RawBytes(content), signature)
}

/// [`verify_with_label`] over `content`'s encoding, written straight into
/// the `SignContent`.
pub(crate) fn verify_encoded_with_label<C: tls_codec::Serialize + tls_codec::Size>(
    suite: &dyn CipherSuiteProvider,
    public_key: &[u8],
    label: &str,
    content: &C,
    signature: &[u8],
) -> Result<(), Error> {
    check_signature_key(suite.definition().signature, public_key)?;
    let sign_content = labeled_encoded(mls_label(label), content)?;
    Ok(suite.verify(public_key, &sign_content, signature)?)
}

/// §5.1.1: a `SignaturePublicKey` is the raw key for EdDSA (and ML-DSA) and the
/// uncompressed SEC1 point (`0x04 || X || Y`) for ECDSA. Checked here, before
/// any backend sees the key, so a compressed, hybrid, DER-wrapped or
/// truncated key is the same named error on every backend (ring cannot
/// tell a malformed key from a bad signature, aws-lc-rs would accept a
/// compressed point). A point of the right shape but off the curve is
/// still refused by the backend, as a signature that does not verify.
pub fn check_signature_key(
    scheme: crate::cipher_suite::SignatureScheme,
    public_key: &[u8],
) -> Result<(), Error> {
    use crate::cipher_suite::SignatureScheme as S;
    let (len, uncompressed_point) = match scheme {
        S::Ed25519 => (32, false),
        S::Ed448 => (57, false),
        S::EcdsaSecp256r1Sha256 => (65, true),
        S::EcdsaSecp384r1Sha384 => (97, true),
        S::EcdsaSecp521r1Sha512 => (133, true),
        // FIPS 204 Table 2: pkEncode's output sizes.
        S::MlDsa44 => (1312, false),
        S::MlDsa65 => (1952, false),
        S::MlDsa87 => (2592, false),
    };
    let well_formed =
        public_key.len() == len && (!uncompressed_point || public_key.first() == Some(&0x04));
    if well_formed {
        return Ok(());
    }
    Err(crate::error::ProtocolError::MalformedSignatureKey {
        scheme,
        len: public_key.len(),
        first_byte: public_key.first().copied(),
    }
    .into())
}

/// `EncryptWithLabel(pk, label, context, plaintext)` (§5.1.3).
pub fn encrypt_with_label(
    suite: &dyn CipherSuiteProvider,
    public_key: &[u8],
    label: &str,
    context: &[u8],
    plaintext: &[u8],
    rand: &dyn RandProvider,
) -> Result<HpkeCiphertext, Error> {
    let info = labeled(mls_label(label), context)?;
    Ok(suite.hpke_seal(public_key, &info, &[], plaintext, rand)?)
}

/// `EncryptWithLabel(pk, label, context, plaintext)` (§5.1.3) of one
/// `label` and `context` to each recipient, in order. The EncryptContext is
/// encoded once and handed to [`CipherSuiteProvider::hpke_seal_many`], so a
/// backend hashes it once rather than once per recipient: a Welcome's
/// context is the encrypted GroupInfo (§12.4.3.1), which grows with the
/// group. With the `parallel` feature the recipients are split into one
/// run per thread.
pub fn encrypt_with_label_to_many(
    suite: &dyn CipherSuiteProvider,
    label: &str,
    context: &[u8],
    recipients: &[HpkeRecipient<'_>],
) -> Result<Vec<HpkeCiphertext>, Error> {
    let info = labeled(mls_label(label), context)?;
    #[cfg(feature = "parallel")]
    {
        use rayon::prelude::*;
        let threads = rayon::current_num_threads().max(1);
        let chunk = recipients.len().div_ceil(threads).max(1);
        let runs: Result<Vec<Vec<HpkeCiphertext>>, CryptoError> = recipients
            .par_chunks(chunk)
            .map(|run| suite.hpke_seal_many(&info, &[], run))
            .collect();
        Ok(runs?.into_iter().flatten().collect())
    }
    #[cfg(not(feature = "parallel"))]
    Ok(suite.hpke_seal_many(&info, &[], recipients)?)
}

/// `DecryptWithLabel(sk, label, context, kem_output, ciphertext)` (§5.1.3).
pub fn decrypt_with_label(
    suite: &dyn CipherSuiteProvider,
    private_key: &HpkePrivateKey,
    label: &str,
    context: &[u8],
    kem_output: &[u8],
    ciphertext: &[u8],
) -> Result<Secret, Error> {
    let info = labeled(mls_label(label), context)?;
    Ok(suite.hpke_open(private_key, kem_output, &info, &[], ciphertext)?)
}

/// A fresh HPKE key pair from `Nsk` bytes of `rand`
/// ([`CipherSuiteProvider::kem_key_pair_from_random`]). The randomness is
/// drawn here rather than in each backend, so that a seeded `rand` yields
/// the same key on every backend.
pub fn generate_hpke_key_pair(
    suite: &dyn CipherSuiteProvider,
    rand: &dyn RandProvider,
) -> Result<(HpkePrivateKey, Vec<u8>), Error> {
    let [pair] = generate_hpke_key_pairs(suite, rand)?;
    Ok(pair)
}

/// `K` fresh HPKE key pairs from one draw of `K × Nsk` bytes of `rand`,
/// split in order (a KeyPackage needs two, and a call to the system's
/// generator costs about as much as an HKDF).
pub fn generate_hpke_key_pairs<const K: usize>(
    suite: &dyn CipherSuiteProvider,
    rand: &dyn RandProvider,
) -> Result<[(HpkePrivateKey, Vec<u8>); K], Error> {
    let nsk = suite.kem_private_key_len();
    let len = nsk
        .checked_mul(K)
        .ok_or(Error::Internal("key pair count"))?;
    let random = Secret::new(random_bytes(rand, len)?);
    let mut pairs = Vec::with_capacity(K);
    for chunk in random.as_bytes().chunks_exact(nsk.max(1)) {
        pairs.push(suite.kem_key_pair_from_random(chunk)?);
    }
    pairs
        .try_into()
        .map_err(|_| Error::Internal("key pair count"))
}

/// Bounded retries for ECDSA scalar sampling: each try fails with
/// probability below 2^-32, so this never runs out in practice.
const KEYGEN_ATTEMPTS: usize = 8;

/// A fresh signature key pair from `rand`: an EdDSA seed, or an ECDSA scalar
/// by rejection sampling (for P-521 the top 7 bits of the 66 bytes are
/// cleared first, as in RFC 9180's DeriveKeyPair).
pub fn generate_signature_key_pair(
    suite: &dyn CipherSuiteProvider,
    rand: &dyn RandProvider,
) -> Result<(SignaturePrivateKey, Vec<u8>), Error> {
    use crate::cipher_suite::SignatureScheme;
    let scheme = suite.definition().signature;
    let len = suite.signature_private_key_len();
    let mut last = CryptoError::InvalidPrivateKey("signature");
    for _ in 0..KEYGEN_ATTEMPTS {
        let mut candidate = SignaturePrivateKey::new(random_bytes(rand, len)?);
        if scheme == SignatureScheme::EcdsaSecp521r1Sha512 {
            let mut bytes = candidate.as_bytes().to_vec();
            if let Some(first) = bytes.first_mut() {
                *first &= 0x01;
            }
            candidate = SignaturePrivateKey::new(bytes);
        }
        match suite.signature_key_pair_from_private(candidate.as_bytes()) {
            Ok(pair) => return Ok(pair),
            Err(err) => last = err,
        }
    }
    Err(last.into())
}

/// A fresh in-memory signer for `suite` (see [`generate_signature_key_pair`]):
/// the common way to give a new client its signature key.
pub fn generate_signer(
    suite: &dyn CipherSuiteProvider,
    rand: &dyn RandProvider,
) -> Result<Box<dyn crate::provider::Signer>, Error> {
    let (private, _) = generate_signature_key_pair(suite, rand)?;
    Ok(suite.signer(private.as_bytes())?)
}

#[cfg(test)]
mod tests;
