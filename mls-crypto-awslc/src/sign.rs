//! Signatures (RFC 9420 §5.1.2): Ed25519, ECDSA over P-256/SHA-256,
//! P-384/SHA-384 and P-521/SHA-512, and ML-DSA-44/65/87 (FIPS 204).
//!
//! Encodings, as RFC 9420 §5.1.1 and the TLS 1.3 signature schemes fix them:
//! an Ed25519 private key is its 32-byte seed and its public key the 32-byte
//! RFC 8032 encoding; an ECDSA private key is the big-endian scalar, its
//! public key the uncompressed SEC1 point `0x04 || X || Y`, and signatures
//! are DER-encoded `ECDSA-Sig-Value`s. An ML-DSA private key is its 32-byte
//! seed `ξ`, its public key FIPS 204's `pkEncode`, its signature `sigEncode`
//! (pure ML-DSA, empty context).

use aws_lc_rs::signature::{
    self, EcdsaKeyPair, EcdsaSigningAlgorithm, EcdsaVerificationAlgorithm, Ed25519KeyPair,
    KeyPair as _, PqdsaKeyPair, PqdsaSigningAlgorithm, PqdsaVerificationAlgorithm,
    UnparsedPublicKey, VerificationAlgorithm,
};
use aws_lc_rs::{agreement, rand::SystemRandom};
use mls_core::provider::Signer;
use mls_core::secret::SignaturePrivateKey;
use mls_core::{CryptoError, SignatureScheme};
use zeroize::Zeroizing;

/// An ECDSA scheme: its curve (for deriving the public key from the scalar),
/// and its signing and verification algorithms.
#[derive(Debug)]
pub(crate) struct EcdsaAlgorithm {
    scheme: SignatureScheme,
    name: &'static str,
    curve: &'static agreement::Algorithm,
    signing: &'static EcdsaSigningAlgorithm,
    verification: &'static EcdsaVerificationAlgorithm,
}

impl EcdsaAlgorithm {
    /// Length of the big-endian scalar.
    fn scalar_len(&self) -> usize {
        self.scheme.private_key_len()
    }

    /// Length of the uncompressed point: `0x04`, then X and Y.
    fn public_key_len(&self) -> usize {
        self.scalar_len().saturating_mul(2).saturating_add(1)
    }
}

/// An ML-DSA parameter set.
#[derive(Debug)]
pub(crate) struct MlDsaAlgorithm {
    scheme: SignatureScheme,
    name: &'static str,
    signing: &'static PqdsaSigningAlgorithm,
    verification: &'static PqdsaVerificationAlgorithm,
}

/// A signature scheme as this backend implements it.
#[derive(Debug)]
pub(crate) enum SignatureAlgorithm {
    /// Ed25519 (RFC 8032).
    Ed25519,
    /// ECDSA with DER signatures.
    Ecdsa(EcdsaAlgorithm),
    /// ML-DSA (FIPS 204).
    MlDsa(MlDsaAlgorithm),
}

/// ML-DSA-44.
pub(crate) static ML_DSA_44: SignatureAlgorithm = SignatureAlgorithm::MlDsa(MlDsaAlgorithm {
    scheme: SignatureScheme::MlDsa44,
    name: "ML-DSA-44",
    signing: &signature::ML_DSA_44_SIGNING,
    verification: &signature::ML_DSA_44,
});

/// ML-DSA-65.
pub(crate) static ML_DSA_65: SignatureAlgorithm = SignatureAlgorithm::MlDsa(MlDsaAlgorithm {
    scheme: SignatureScheme::MlDsa65,
    name: "ML-DSA-65",
    signing: &signature::ML_DSA_65_SIGNING,
    verification: &signature::ML_DSA_65,
});

/// ML-DSA-87.
pub(crate) static ML_DSA_87: SignatureAlgorithm = SignatureAlgorithm::MlDsa(MlDsaAlgorithm {
    scheme: SignatureScheme::MlDsa87,
    name: "ML-DSA-87",
    signing: &signature::ML_DSA_87_SIGNING,
    verification: &signature::ML_DSA_87,
});

/// Ed25519.
pub(crate) static ED25519: SignatureAlgorithm = SignatureAlgorithm::Ed25519;

/// ECDSA P-256 with SHA-256.
pub(crate) static ECDSA_P256_SHA256: SignatureAlgorithm =
    SignatureAlgorithm::Ecdsa(EcdsaAlgorithm {
        scheme: SignatureScheme::EcdsaSecp256r1Sha256,
        name: "ECDSA P-256",
        curve: &agreement::ECDH_P256,
        signing: &signature::ECDSA_P256_SHA256_ASN1_SIGNING,
        verification: &signature::ECDSA_P256_SHA256_ASN1,
    });

/// ECDSA P-384 with SHA-384.
pub(crate) static ECDSA_P384_SHA384: SignatureAlgorithm =
    SignatureAlgorithm::Ecdsa(EcdsaAlgorithm {
        scheme: SignatureScheme::EcdsaSecp384r1Sha384,
        name: "ECDSA P-384",
        curve: &agreement::ECDH_P384,
        signing: &signature::ECDSA_P384_SHA384_ASN1_SIGNING,
        verification: &signature::ECDSA_P384_SHA384_ASN1,
    });

/// ECDSA P-521 with SHA-512.
pub(crate) static ECDSA_P521_SHA512: SignatureAlgorithm =
    SignatureAlgorithm::Ecdsa(EcdsaAlgorithm {
        scheme: SignatureScheme::EcdsaSecp521r1Sha512,
        name: "ECDSA P-521",
        curve: &agreement::ECDH_P521,
        signing: &signature::ECDSA_P521_SHA512_ASN1_SIGNING,
        verification: &signature::ECDSA_P521_SHA512_ASN1,
    });

/// The implementation of `scheme`, or `None` for Ed448 (not in aws-lc-rs).
pub(crate) fn for_scheme(scheme: SignatureScheme) -> Option<&'static SignatureAlgorithm> {
    match scheme {
        SignatureScheme::Ed25519 => Some(&ED25519),
        SignatureScheme::EcdsaSecp256r1Sha256 => Some(&ECDSA_P256_SHA256),
        SignatureScheme::EcdsaSecp384r1Sha384 => Some(&ECDSA_P384_SHA384),
        SignatureScheme::EcdsaSecp521r1Sha512 => Some(&ECDSA_P521_SHA512),
        SignatureScheme::MlDsa44 => Some(&ML_DSA_44),
        SignatureScheme::MlDsa65 => Some(&ML_DSA_65),
        SignatureScheme::MlDsa87 => Some(&ML_DSA_87),
        SignatureScheme::Ed448 => None,
    }
}

impl SignatureAlgorithm {
    /// The TLS signature scheme.
    pub(crate) fn scheme(&self) -> SignatureScheme {
        match self {
            SignatureAlgorithm::Ed25519 => SignatureScheme::Ed25519,
            SignatureAlgorithm::Ecdsa(ecdsa) => ecdsa.scheme,
            SignatureAlgorithm::MlDsa(ml_dsa) => ml_dsa.scheme,
        }
    }

    /// Whether the scheme is an approved service of the FIPS module: ECDSA
    /// over the NIST curves with SHA-2 is (FIPS 186-5), and ML-DSA (FIPS 204;
    /// aws-lc-rs documents its key generation, signing and verification as
    /// approved). FIPS 186-5 also allows Ed25519, but aws-lc-rs documents
    /// its Ed25519 signing as not for use in FIPS mode, so it is not counted
    /// here.
    pub(crate) fn fips_approved(&self) -> bool {
        match self {
            SignatureAlgorithm::Ed25519 => false,
            SignatureAlgorithm::Ecdsa(_) | SignatureAlgorithm::MlDsa(_) => true,
        }
    }

    /// Parses private key bytes into a key pair, returning the normalised
    /// private key with it: the Ed25519 seed as given, or the ECDSA scalar
    /// left-padded to the field size (official vectors drop leading zeros,
    /// e.g. 65-byte P-521 keys).
    pub(crate) fn key_pair(
        &self,
        private_key: &[u8],
    ) -> Result<(KeyPair, SignaturePrivateKey), CryptoError> {
        match self {
            SignatureAlgorithm::Ed25519 => {
                if private_key.len() != 32 {
                    return Err(CryptoError::InvalidLength {
                        what: "Ed25519 private key",
                        len: private_key.len(),
                    });
                }
                let pair = Ed25519KeyPair::from_seed_unchecked(private_key)
                    .map_err(|_| CryptoError::InvalidPrivateKey("Ed25519"))?;
                Ok((
                    KeyPair::Ed25519(pair),
                    SignaturePrivateKey::from_slice(private_key),
                ))
            }
            SignatureAlgorithm::Ecdsa(ecdsa) => {
                let mut scalar = left_pad(ecdsa, private_key)?;
                let invalid = || CryptoError::InvalidPrivateKey(ecdsa.name);
                // aws-lc-rs builds an ECDSA key only from scalar and point
                // together; the point comes from the same scalar through the
                // ECDH key type. Zero and scalars >= n are rejected here.
                let public = agreement::PrivateKey::from_private_key(ecdsa.curve, &scalar)
                    .map_err(|_| invalid())?
                    .compute_public_key()
                    .map_err(|_| invalid())?;
                let pair = EcdsaKeyPair::from_private_key_and_public_key(
                    ecdsa.signing,
                    &scalar,
                    public.as_ref(),
                )
                .map_err(|_| invalid())?;
                Ok((
                    KeyPair::Ecdsa(pair),
                    SignaturePrivateKey::new(std::mem::take(&mut *scalar)),
                ))
            }
            SignatureAlgorithm::MlDsa(ml_dsa) => {
                // FIPS 204 Algorithm 6, `ML-DSA.KeyGen_internal(ξ)`.
                let pair = PqdsaKeyPair::from_seed(ml_dsa.signing, private_key)
                    .map_err(|_| CryptoError::InvalidPrivateKey(ml_dsa.name))?;
                Ok((
                    KeyPair::MlDsa(pair),
                    SignaturePrivateKey::from_slice(private_key),
                ))
            }
        }
    }

    /// Verifies `signature` over `message` with an encoded public key.
    ///
    /// Any failure is [`CryptoError::InvalidSignature`], as the
    /// `CipherSuiteProvider::verify` contract requires of every backend: a
    /// signature that does not verify (a malformed DER encoding included),
    /// and equally a public key that is not the scheme's exact encoding.
    ///
    /// That encoding is checked strictly: an Ed25519 key is exactly 32
    /// bytes, an ECDSA key exactly the uncompressed SEC1 point
    /// `0x04 || X || Y` (one byte plus twice the field size). Wrong lengths
    /// and compressed, hybrid or DER-wrapped points are refused before
    /// aws-lc sees them (aws-lc-rs would take compressed points and SPKI DER,
    /// but MLS fixes one encoding and every backend must agree on which keys
    /// are valid); aws-lc then refuses points off the curve.
    pub(crate) fn verify(
        &self,
        public_key: &[u8],
        message: &[u8],
        sig: &[u8],
    ) -> Result<(), CryptoError> {
        let (verification, well_formed): (&'static dyn VerificationAlgorithm, bool) = match self {
            SignatureAlgorithm::Ed25519 => (&signature::ED25519, public_key.len() == 32),
            SignatureAlgorithm::Ecdsa(ecdsa) => (
                ecdsa.verification,
                public_key.len() == ecdsa.public_key_len() && public_key.first() == Some(&0x04),
            ),
            SignatureAlgorithm::MlDsa(ml_dsa) => (
                ml_dsa.verification,
                public_key.len() == ml_dsa.signing.public_key_len(),
            ),
        };
        if !well_formed {
            return Err(CryptoError::InvalidSignature);
        }
        UnparsedPublicKey::new(verification, public_key)
            .parse()
            .map_err(|_| CryptoError::InvalidSignature)?
            .verify_sig(message, sig)
            .map_err(|_| CryptoError::InvalidSignature)
    }
}

/// Left-pads an ECDSA scalar to the field size.
fn left_pad(ecdsa: &EcdsaAlgorithm, scalar: &[u8]) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
    let len = ecdsa.scalar_len();
    if scalar.is_empty() || scalar.len() > len {
        return Err(CryptoError::InvalidLength {
            what: "ECDSA private key",
            len: scalar.len(),
        });
    }
    let mut padded = Zeroizing::new(vec![0u8; len]);
    padded
        .get_mut(len.saturating_sub(scalar.len())..)
        .ok_or(CryptoError::InvalidPrivateKey(ecdsa.name))?
        .copy_from_slice(scalar);
    Ok(padded)
}

/// A parsed signing key. aws-lc frees key material with `OPENSSL_free`,
/// which cleanses it first.
pub(crate) enum KeyPair {
    Ed25519(Ed25519KeyPair),
    Ecdsa(EcdsaKeyPair),
    MlDsa(PqdsaKeyPair),
}

impl KeyPair {
    /// The encoded public key.
    pub(crate) fn public_key(&self) -> &[u8] {
        match self {
            KeyPair::Ed25519(pair) => pair.public_key().as_ref(),
            KeyPair::Ecdsa(pair) => pair.public_key().as_ref(),
            KeyPair::MlDsa(pair) => pair.public_key().as_ref(),
        }
    }

    /// Signs `message`. ECDSA nonces come from AWS-LC's own DRBG: aws-lc-rs
    /// takes no caller randomness for them, so ECDSA signatures are not
    /// reproducible from a seeded [`mls_core::provider::RandProvider`]
    /// (Ed25519 ones are deterministic).
    ///
    /// ML-DSA signs hedged (FIPS 204 §3.4, randomness from AWS-LC's DRBG),
    /// so its signatures differ from RustCrypto's deterministic ones; both
    /// verify either.
    pub(crate) fn sign(&self, message: &[u8]) -> Result<Vec<u8>, CryptoError> {
        let failed = |_| CryptoError::Backend("aws-lc signing failed".into());
        let sig = match self {
            KeyPair::Ed25519(pair) => pair.try_sign(message),
            KeyPair::Ecdsa(pair) => pair.sign(&SystemRandom::new(), message),
            KeyPair::MlDsa(pair) => {
                let mut sig = vec![0u8; pair.algorithm().signature_len()];
                let len = pair.sign(message, &mut sig).map_err(failed)?;
                sig.truncate(len);
                return Ok(sig);
            }
        }
        .map_err(failed)?;
        Ok(sig.as_ref().to_vec())
    }
}

/// An in-memory [`Signer`] holding a parsed aws-lc key.
pub struct AwsLcSigner {
    scheme: SignatureScheme,
    key: KeyPair,
}

impl AwsLcSigner {
    /// Builds a signer from private key bytes: a 32-byte Ed25519 seed, or a
    /// big-endian ECDSA scalar (left-padded if shorter than the field).
    ///
    /// Fails with [`CryptoError::UnsupportedAlgorithm`] for Ed448, which
    /// aws-lc-rs does not implement, and with
    /// [`CryptoError::InvalidPrivateKey`] or [`CryptoError::InvalidLength`]
    /// for bad key bytes.
    pub fn from_private_key(
        scheme: SignatureScheme,
        private_key: &[u8],
    ) -> Result<Self, CryptoError> {
        let alg = for_scheme(scheme).ok_or(CryptoError::UnsupportedAlgorithm("Ed448"))?;
        let (key, _) = alg.key_pair(private_key)?;
        Ok(Self { scheme, key })
    }
}

impl std::fmt::Debug for AwsLcSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AwsLcSigner")
            .field("scheme", &self.scheme)
            .field("public_key_len", &self.key.public_key().len())
            .finish_non_exhaustive()
    }
}

impl Signer for AwsLcSigner {
    fn scheme(&self) -> SignatureScheme {
        self.scheme
    }

    fn public_key(&self) -> &[u8] {
        self.key.public_key()
    }

    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, CryptoError> {
        self.key.sign(message)
    }
}
