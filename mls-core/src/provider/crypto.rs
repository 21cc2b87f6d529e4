use super::{RandProvider, Signer};
use crate::cipher_suite::{CipherSuite, CipherSuiteDefinition};
use crate::error::{CryptoError, Error, Unsupported};
use crate::secret::{HpkePrivateKey, Secret, SignaturePrivateKey};

/// The output of HPKE `SealBase`: the KEM output (`enc`) and the ciphertext.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HpkeCiphertext {
    /// The encapsulated key, `enc` in RFC 9180.
    pub kem_output: Vec<u8>,
    /// The AEAD ciphertext with its tag.
    pub ciphertext: Vec<u8>,
}

/// One recipient of [`CipherSuiteProvider::hpke_seal_many`].
#[derive(Clone, Copy)]
pub struct HpkeRecipient<'a> {
    /// The recipient's HPKE public key.
    pub public_key: &'a [u8],
    /// What to seal to it.
    pub plaintext: &'a [u8],
    /// Where its ephemeral key's randomness comes from.
    pub rand: &'a dyn RandProvider,
}

impl std::fmt::Debug for HpkeRecipient<'_> {
    // The plaintext is usually a secret (a Welcome's GroupSecrets).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HpkeRecipient")
            .field("public_key", &self.public_key)
            .field("plaintext_len", &self.plaintext.len())
            .finish_non_exhaustive()
    }
}

/// The sender side of an HPKE export: the KEM output to send, and the
/// exported secret.
#[derive(Debug)]
pub struct HpkeExport {
    /// The encapsulated key to send to the receiver.
    pub kem_output: Vec<u8>,
    /// The exported secret.
    pub secret: Secret,
}

/// A crypto backend: lists its suites and hands out one object per suite.
pub trait CryptoProvider: Send + Sync {
    /// A short name for logs and reports ("rustcrypto", "ring", "aws-lc").
    fn name(&self) -> &'static str;

    /// The suites this provider implements, in code-point order.
    fn supported_cipher_suites(&self) -> Vec<CipherSuite>;

    /// The object that performs every operation of `suite`, or `None` if the
    /// provider does not implement it.
    fn suite(&self, suite: CipherSuite) -> Option<&dyn CipherSuiteProvider>;

    /// Whether the provider's primitives run on a FIPS module in FIPS mode
    /// (and so it offers only suites whose every algorithm is approved).
    /// It does not say that every operation is an approved service of the
    /// module: the backend's docs list what runs outside it (HPKE's
    /// composition, `DeriveKeyPair`, where randomness comes from).
    fn fips_mode(&self) -> bool {
        false
    }

    /// Like [`CryptoProvider::suite`], but an error naming the suite and the
    /// provider when it is missing. Protocol code calls this once per group.
    fn cipher_suite(&self, suite: CipherSuite) -> Result<&dyn CipherSuiteProvider, Error> {
        self.suite(suite).ok_or_else(|| {
            Unsupported::CipherSuiteNotProvided {
                suite,
                provider: self.name(),
            }
            .into()
        })
    }
}

/// Checks a provider's suite definitions before it builds suite objects from
/// them: no code point twice, and every definition's algorithms among those
/// `implements` accepts. Every backend's `with_suites` calls this, so they
/// refuse the same lists with the same errors.
pub fn check_suite_definitions(
    provider: &'static str,
    definitions: &[CipherSuiteDefinition],
    implements: impl Fn(&CipherSuiteDefinition) -> bool,
) -> Result<(), Unsupported> {
    for (i, d) in definitions.iter().enumerate() {
        if definitions
            .get(..i)
            .unwrap_or_default()
            .iter()
            .any(|e| e.suite == d.suite)
        {
            return Err(Unsupported::DuplicateCipherSuite(d.suite.code()));
        }
        if !implements(d) {
            return Err(Unsupported::AlgorithmsNotProvided {
                code: d.suite.code(),
                name: d.name,
                provider,
            });
        }
    }
    Ok(())
}

/// Every primitive of one cipher suite.
///
/// Backends implement primitives only; the labeled MLS constructions
/// (`ExpandWithLabel`, `SignWithLabel`, ...) are written once in
/// [`crate::crypto`] on top of this trait. Sizes come from here, never from
/// tables in protocol code.
pub trait CipherSuiteProvider: Send + Sync {
    /// The suite this object implements: its code point and algorithms.
    /// Protocol code takes the signature scheme and sizes from here, so a
    /// provider can offer a suite under any code point.
    fn definition(&self) -> &CipherSuiteDefinition;

    /// The suite's code point.
    fn cipher_suite(&self) -> CipherSuite {
        self.definition().suite
    }

    /// Nh: hash and KDF output length.
    fn hash_len(&self) -> usize;
    /// Nk: AEAD key length.
    fn aead_key_len(&self) -> usize;
    /// Nn: AEAD nonce length.
    fn aead_nonce_len(&self) -> usize;
    /// Nsk: serialized HPKE private key length.
    fn kem_private_key_len(&self) -> usize;
    /// Length of a serialized signature private key (seed or scalar).
    fn signature_private_key_len(&self) -> usize;

    /// The suite's hash function.
    fn hash(&self, data: &[u8]) -> Result<Vec<u8>, CryptoError>;
    /// HMAC with the suite's hash.
    fn mac(&self, key: &[u8], data: &[u8]) -> Result<Vec<u8>, CryptoError>;
    /// HKDF-Extract.
    fn kdf_extract(&self, salt: &[u8], ikm: &[u8]) -> Result<Secret, CryptoError>;
    /// HKDF-Expand to `len` bytes. `prk` must be exactly Nh bytes (every MLS
    /// expand input is a KDF output) and `len` at most `255 * Nh`; otherwise
    /// `CryptoError::InvalidLength` (`what` = `"HKDF PRK"` or
    /// `"HKDF-Expand output"`).
    fn kdf_expand(&self, prk: &[u8], info: &[u8], len: usize) -> Result<Secret, CryptoError>;

    /// AEAD encryption; the tag is appended.
    fn aead_seal(
        &self,
        key: &[u8],
        nonce: &[u8],
        aad: &[u8],
        plaintext: &[u8],
    ) -> Result<Vec<u8>, CryptoError>;
    /// AEAD decryption of ciphertext-with-tag.
    fn aead_open(
        &self,
        key: &[u8],
        nonce: &[u8],
        aad: &[u8],
        ciphertext: &[u8],
    ) -> Result<Secret, CryptoError>;

    /// HPKE `SealBase` (RFC 9180 §6.1). On a DH KEM the ephemeral key is
    /// `DeriveKeyPair(rand(Nsk))`; a KEM implemented whole (ML-KEM, X-Wing)
    /// takes its encapsulation randomness from `rand` (32 bytes for ML-KEM's
    /// `m`, 64 for X-Wing's `eseed`). Either way a seeded `rand` gives the
    /// same output on every backend. A public key of the wrong size or
    /// encoding is `CryptoError::InvalidPublicKey`.
    fn hpke_seal(
        &self,
        public_key: &[u8],
        info: &[u8],
        aad: &[u8],
        plaintext: &[u8],
        rand: &dyn RandProvider,
    ) -> Result<HpkeCiphertext, CryptoError>;
    /// HPKE `SealBase` of one `info` and `aad` to each recipient, in order:
    /// the same bytes as one [`CipherSuiteProvider::hpke_seal`] per
    /// recipient with its own `rand`. A backend overrides it to hash `info`
    /// once (RFC 9180 §5.1 `info_hash`) instead of once per recipient: a
    /// Welcome's `info` holds the whole encrypted GroupInfo (RFC 9420
    /// §12.4.3.1), megabytes in a large group, sealed to every joiner.
    fn hpke_seal_many(
        &self,
        info: &[u8],
        aad: &[u8],
        recipients: &[HpkeRecipient<'_>],
    ) -> Result<Vec<HpkeCiphertext>, CryptoError> {
        recipients
            .iter()
            .map(|r| self.hpke_seal(r.public_key, info, aad, r.plaintext, r.rand))
            .collect()
    }
    /// HPKE `OpenBase`.
    fn hpke_open(
        &self,
        private_key: &HpkePrivateKey,
        kem_output: &[u8],
        info: &[u8],
        aad: &[u8],
        ciphertext: &[u8],
    ) -> Result<Secret, CryptoError>;
    /// HPKE `SetupBaseS` followed by `Export` (RFC 9180 §5.3), as used by
    /// external commits (RFC 9420 §8.3). `len` at most `255 * Nh`, else
    /// `CryptoError::InvalidLength` (`what` = `"HPKE export"`).
    fn hpke_export_to(
        &self,
        public_key: &[u8],
        info: &[u8],
        exporter_context: &[u8],
        len: usize,
        rand: &dyn RandProvider,
    ) -> Result<HpkeExport, CryptoError>;
    /// HPKE `SetupBaseR` followed by `Export`.
    fn hpke_export_from(
        &self,
        private_key: &HpkePrivateKey,
        kem_output: &[u8],
        info: &[u8],
        exporter_context: &[u8],
        len: usize,
    ) -> Result<Secret, CryptoError>;

    /// KEM `DeriveKeyPair(ikm)` (RFC 9180 §7.1.3): (private key, public key).
    fn kem_derive_key_pair(&self, ikm: &[u8]) -> Result<(HpkePrivateKey, Vec<u8>), CryptoError>;

    /// A fresh key pair from `Nsk` uniformly random bytes (RFC 9180 §4
    /// `GenerateKeyPair`, its randomness drawn by the caller so a seeded
    /// `rand` repeats). The default, `DeriveKeyPair(random)`, is right for
    /// every KEM. Where any `Nsk` bytes are a private key (X25519 and X448,
    /// RFC 7748 §5) a backend may take them as the key and skip the two
    /// HKDF steps, as this workspace's backends all do: backends that
    /// differ here give different keys for one seed, each as good.
    fn kem_key_pair_from_random(
        &self,
        random: &[u8],
    ) -> Result<(HpkePrivateKey, Vec<u8>), CryptoError> {
        self.kem_derive_key_pair(random)
    }

    /// Builds a signature key pair from private key bytes, checking them:
    /// returns the normalised private key and the encoded public key.
    /// ECDSA scalars shorter than the field size are left-padded.
    fn signature_key_pair_from_private(
        &self,
        private_key: &[u8],
    ) -> Result<(SignaturePrivateKey, Vec<u8>), CryptoError>;
    /// Signs `message` with a private key of this suite's scheme.
    fn sign(
        &self,
        private_key: &SignaturePrivateKey,
        message: &[u8],
    ) -> Result<Vec<u8>, CryptoError>;
    /// Verifies `signature` over `message`. Any failure, a malformed public
    /// key included, is `Err(CryptoError::InvalidSignature)`, so every
    /// backend answers the same way.
    fn verify(
        &self,
        public_key: &[u8],
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), CryptoError>;
    /// An in-memory [`Signer`] for a private key of this suite's scheme.
    fn signer(&self, private_key: &[u8]) -> Result<Box<dyn Signer>, CryptoError>;
}

/// A boxed provider is a provider, so backends can be chosen at run time.
impl<C: CryptoProvider + ?Sized> CryptoProvider for Box<C> {
    fn name(&self) -> &'static str {
        (**self).name()
    }
    fn supported_cipher_suites(&self) -> Vec<CipherSuite> {
        (**self).supported_cipher_suites()
    }
    fn suite(&self, suite: CipherSuite) -> Option<&dyn CipherSuiteProvider> {
        (**self).suite(suite)
    }
    fn fips_mode(&self) -> bool {
        (**self).fips_mode()
    }
}

/// A shared provider is a provider.
impl<C: CryptoProvider + ?Sized> CryptoProvider for std::sync::Arc<C> {
    fn name(&self) -> &'static str {
        (**self).name()
    }
    fn supported_cipher_suites(&self) -> Vec<CipherSuite> {
        (**self).supported_cipher_suites()
    }
    fn suite(&self, suite: CipherSuite) -> Option<&dyn CipherSuiteProvider> {
        (**self).suite(suite)
    }
    fn fips_mode(&self) -> bool {
        (**self).fips_mode()
    }
}
