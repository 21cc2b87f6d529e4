//! Signatures with ring: Ed25519 and ECDSA over P-256 / P-384 (RFC 9420
//! §5.1.2), plus [`RingSigner`], the in-memory [`Signer`].
//!
//! Private keys are stored as MLS stores them: the 32-byte Ed25519 seed, or
//! the big-endian ECDSA scalar. ring loads an ECDSA key only together with
//! its public key and cannot compute one, so the public point is computed
//! with `p256` / `p384` and ring then checks that the two match. ECDSA
//! signatures are DER-encoded (`*_ASN1` algorithms), as MLS requires.
//!
//! ECDSA signing draws its nonce from ring's `SystemRandom` (hedged with the
//! key and message by ring): the signing API of the suite takes no rand
//! provider, and ECDSA output is not meant to be reproducible anyway. Ed25519
//! is deterministic.

use mls_core::provider::Signer;
use mls_core::secret::SignaturePrivateKey;
use mls_core::{CryptoError, SignatureScheme};
use p256::elliptic_curve::sec1::ToSec1Point;
use ring::rand::SystemRandom;
use ring::signature::{self, EcdsaKeyPair, Ed25519KeyPair, KeyPair as _, UnparsedPublicKey};
use zeroize::Zeroizing;

fn scheme_name(scheme: SignatureScheme) -> &'static str {
    scheme.name()
}

/// A private key parsed by ring, with its encoded public key.
enum KeyPair {
    Ed25519(Ed25519KeyPair),
    Ecdsa(EcdsaKeyPair, SystemRandom),
}

/// ring keeps the parsed key; the normalised private bytes are returned too
/// so `signature_key_pair_from_private` can hand them back.
struct Parsed {
    key_pair: KeyPair,
    private_key: SignaturePrivateKey,
    public_key: Vec<u8>,
}

/// Left-pads a big-endian scalar to the field size: some encoders (and the
/// official test vectors) drop leading zero bytes. Longer or empty input is
/// rejected.
fn pad_scalar(
    scheme: SignatureScheme,
    private_key: &[u8],
) -> Result<SignaturePrivateKey, CryptoError> {
    let size = scheme.private_key_len();
    if private_key.is_empty() || private_key.len() > size {
        return Err(CryptoError::InvalidLength {
            what: "ECDSA private key",
            len: private_key.len(),
        });
    }
    let mut padded = Zeroizing::new(vec![0u8; size]);
    padded
        .get_mut(size.saturating_sub(private_key.len())..)
        .ok_or(CryptoError::InvalidPrivateKey(scheme_name(scheme)))?
        .copy_from_slice(private_key);
    Ok(SignaturePrivateKey::new(std::mem::take(&mut *padded)))
}

/// The uncompressed SEC1 public key of a padded ECDSA scalar.
fn ecdsa_public_key(scheme: SignatureScheme, scalar: &[u8]) -> Result<Vec<u8>, CryptoError> {
    let invalid = || CryptoError::InvalidPrivateKey(scheme_name(scheme));
    // `from_slice` rejects zero and scalars not below the group order.
    match scheme {
        SignatureScheme::EcdsaSecp256r1Sha256 => {
            let secret = p256::SecretKey::from_slice(scalar).map_err(|_| invalid())?;
            Ok(secret.public_key().to_sec1_point(false).as_bytes().to_vec())
        }
        SignatureScheme::EcdsaSecp384r1Sha384 => {
            let secret = p384::SecretKey::from_slice(scalar).map_err(|_| invalid())?;
            Ok(secret.public_key().to_sec1_point(false).as_bytes().to_vec())
        }
        other => Err(CryptoError::UnsupportedAlgorithm(scheme_name(other))),
    }
}

fn ecdsa_signing_algorithm(
    scheme: SignatureScheme,
) -> Option<&'static signature::EcdsaSigningAlgorithm> {
    match scheme {
        SignatureScheme::EcdsaSecp256r1Sha256 => Some(&signature::ECDSA_P256_SHA256_ASN1_SIGNING),
        SignatureScheme::EcdsaSecp384r1Sha384 => Some(&signature::ECDSA_P384_SHA384_ASN1_SIGNING),
        _ => None,
    }
}

fn parse(scheme: SignatureScheme, private_key: &[u8]) -> Result<Parsed, CryptoError> {
    let invalid = |_| CryptoError::InvalidPrivateKey(scheme_name(scheme));
    match scheme {
        SignatureScheme::Ed25519 => {
            if private_key.len() != scheme.private_key_len() {
                return Err(CryptoError::InvalidLength {
                    what: "Ed25519 private key",
                    len: private_key.len(),
                });
            }
            // "Unchecked" only because no public key is given to compare
            // against; every 32-byte seed is a valid Ed25519 key.
            let key_pair = Ed25519KeyPair::from_seed_unchecked(private_key).map_err(invalid)?;
            let public_key = key_pair.public_key().as_ref().to_vec();
            Ok(Parsed {
                key_pair: KeyPair::Ed25519(key_pair),
                private_key: SignaturePrivateKey::from_slice(private_key),
                public_key,
            })
        }
        SignatureScheme::EcdsaSecp256r1Sha256 | SignatureScheme::EcdsaSecp384r1Sha384 => {
            let alg = ecdsa_signing_algorithm(scheme)
                .ok_or(CryptoError::UnsupportedAlgorithm(scheme_name(scheme)))?;
            let padded = pad_scalar(scheme, private_key)?;
            let public_key = ecdsa_public_key(scheme, padded.as_bytes())?;
            let rng = SystemRandom::new();
            let key_pair = EcdsaKeyPair::from_private_key_and_public_key(
                alg,
                padded.as_bytes(),
                &public_key,
                &rng,
            )
            .map_err(invalid)?;
            Ok(Parsed {
                key_pair: KeyPair::Ecdsa(key_pair, rng),
                private_key: padded,
                public_key,
            })
        }
        other => Err(CryptoError::UnsupportedAlgorithm(scheme_name(other))),
    }
}

impl KeyPair {
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, CryptoError> {
        match self {
            KeyPair::Ed25519(key_pair) => Ok(key_pair.sign(message).as_ref().to_vec()),
            KeyPair::Ecdsa(key_pair, rng) => key_pair
                .sign(rng, message)
                .map(|sig| sig.as_ref().to_vec())
                .map_err(|_| CryptoError::Backend("ECDSA signing failed".into())),
        }
    }
}

/// Checks private key bytes and returns the normalised private key (ECDSA
/// scalars left-padded to the field size) and the encoded public key.
pub(crate) fn key_pair_from_private(
    scheme: SignatureScheme,
    private_key: &[u8],
) -> Result<(SignaturePrivateKey, Vec<u8>), CryptoError> {
    let parsed = parse(scheme, private_key)?;
    Ok((parsed.private_key, parsed.public_key))
}

/// Signs `message` with private key bytes (parsed on every call; use
/// [`RingSigner`] to sign repeatedly with one key).
pub(crate) fn sign(
    scheme: SignatureScheme,
    private_key: &SignaturePrivateKey,
    message: &[u8],
) -> Result<Vec<u8>, CryptoError> {
    parse(scheme, private_key.as_bytes())?
        .key_pair
        .sign(message)
}

/// Verifies `signature` over `message`; [`CryptoError::InvalidSignature`] if
/// it does not verify, including when the public key or the DER is malformed.
pub(crate) fn verify(
    scheme: SignatureScheme,
    public_key: &[u8],
    message: &[u8],
    signature: &[u8],
) -> Result<(), CryptoError> {
    let alg: &'static dyn signature::VerificationAlgorithm = match scheme {
        SignatureScheme::Ed25519 => &signature::ED25519,
        SignatureScheme::EcdsaSecp256r1Sha256 => &signature::ECDSA_P256_SHA256_ASN1,
        SignatureScheme::EcdsaSecp384r1Sha384 => &signature::ECDSA_P384_SHA384_ASN1,
        other => return Err(CryptoError::UnsupportedAlgorithm(scheme_name(other))),
    };
    UnparsedPublicKey::new(alg, public_key)
        .verify(message, signature)
        .map_err(|_| CryptoError::InvalidSignature)
}

/// An in-memory [`Signer`] on ring. The key is parsed once, at construction.
///
/// The private key bytes this crate holds are zeroized on drop; the parsed
/// copy inside ring's key pair types is not (ring offers no zeroization).
pub struct RingSigner {
    scheme: SignatureScheme,
    key_pair: KeyPair,
    public_key: Vec<u8>,
}

impl RingSigner {
    /// A signer for `private_key` (Ed25519 seed or big-endian ECDSA scalar,
    /// left-padded if short) under `scheme`: Ed25519, ECDSA P-256 or P-384.
    pub fn from_private_key(
        scheme: SignatureScheme,
        private_key: &[u8],
    ) -> Result<Self, CryptoError> {
        let parsed = parse(scheme, private_key)?;
        Ok(Self {
            scheme,
            key_pair: parsed.key_pair,
            public_key: parsed.public_key,
        })
    }
}

impl std::fmt::Debug for RingSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RingSigner")
            .field("scheme", &self.scheme)
            .field("public_key", &self.public_key)
            .finish_non_exhaustive()
    }
}

impl Signer for RingSigner {
    fn scheme(&self) -> SignatureScheme {
        self.scheme
    }

    fn public_key(&self) -> &[u8] {
        &self.public_key
    }

    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, CryptoError> {
        self.key_pair.sign(message)
    }
}
