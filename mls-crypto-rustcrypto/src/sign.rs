use mls_core::provider::Signer;
use mls_core::secret::SignaturePrivateKey;
use mls_core::{CryptoError, SignatureScheme};
use p256::ecdsa::signature::{Signer as _, Verifier as _};
use p256::elliptic_curve::sec1::ToSec1Point;
use zeroize::Zeroizing;

/// A parsed signing key, kept so repeated signing does not re-parse.
enum Key {
    Ed25519(ed25519_dalek::SigningKey),
    Ed448(Box<ed448_goldilocks::SigningKey>),
    P256(p256::ecdsa::SigningKey),
    P384(p384::ecdsa::SigningKey),
    P521(p521::ecdsa::SigningKey),
    MlDsa44(Box<ml_dsa::SigningKey<ml_dsa::MlDsa44>>),
    MlDsa65(Box<ml_dsa::SigningKey<ml_dsa::MlDsa65>>),
    MlDsa87(Box<ml_dsa::SigningKey<ml_dsa::MlDsa87>>),
}

/// A parsed key with its normalised private bytes and encoded public key.
pub(crate) struct KeyPair {
    key: Key,
    private: SignaturePrivateKey,
    public: Vec<u8>,
}

fn invalid(scheme: SignatureScheme) -> CryptoError {
    CryptoError::InvalidPrivateKey(scheme.name())
}

/// An ML-DSA key pair from its seed `ξ` (FIPS 204 Algorithm 6,
/// `ML-DSA.KeyGen_internal`).
macro_rules! ml_dsa_pair {
    ($params:ident, $variant:ident, $bytes:expr, $scheme:expr) => {{
        let seed = ml_dsa::Seed::try_from($bytes).map_err(|_| invalid($scheme))?;
        let key = ml_dsa::SigningKey::<ml_dsa::$params>::from_seed(&seed);
        let public = ml_dsa::signature::Keypair::verifying_key(&key)
            .encode()
            .to_vec();
        KeyPair {
            key: Key::$variant(Box::new(key)),
            private: SignaturePrivateKey::from_slice($bytes),
            public,
        }
    }};
}

/// ML-DSA verification, pure with the empty context (FIPS 204 Algorithm 3).
macro_rules! ml_dsa_verify {
    ($params:ident, $pk:expr, $msg:expr, $sig:expr) => {{
        let pk = ml_dsa::EncodedVerifyingKey::<ml_dsa::$params>::try_from($pk)
            .map_err(|_| CryptoError::InvalidSignature)?;
        let key = ml_dsa::VerifyingKey::<ml_dsa::$params>::decode(&pk);
        let sig = ml_dsa::EncodedSignature::<ml_dsa::$params>::try_from($sig)
            .ok()
            .and_then(|s| ml_dsa::Signature::<ml_dsa::$params>::decode(&s))
            .ok_or(CryptoError::InvalidSignature)?;
        if key.verify_with_context($msg, &[], &sig) {
            Ok(())
        } else {
            Err(CryptoError::InvalidSignature)
        }
    }};
}

/// Left-pads an ECDSA scalar whose leading zero bytes were dropped (as in
/// some official vectors) to the field size.
fn pad_scalar(scheme: SignatureScheme, bytes: &[u8]) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
    let len = scheme.private_key_len();
    if bytes.is_empty() || bytes.len() > len {
        return Err(invalid(scheme));
    }
    let mut out = Zeroizing::new(vec![0u8; len]);
    out.get_mut(len.saturating_sub(bytes.len())..)
        .ok_or_else(|| invalid(scheme))?
        .copy_from_slice(bytes);
    Ok(out)
}

macro_rules! ecdsa_pair {
    ($curve:ident, $variant:ident, $bytes:expr, $scheme:expr) => {{
        let padded = pad_scalar($scheme, $bytes)?;
        let key = $curve::ecdsa::SigningKey::from_slice(&padded).map_err(|_| invalid($scheme))?;
        let public = key
            .verifying_key()
            .as_affine()
            .to_sec1_point(false)
            .as_bytes()
            .to_vec();
        let private = SignaturePrivateKey::new(key.to_bytes().to_vec());
        KeyPair {
            key: Key::$variant(key),
            private,
            public,
        }
    }};
}

impl KeyPair {
    /// Parses and checks private key bytes of `scheme`.
    pub(crate) fn from_private(scheme: SignatureScheme, bytes: &[u8]) -> Result<Self, CryptoError> {
        Ok(match scheme {
            SignatureScheme::Ed25519 => {
                let seed: Zeroizing<[u8; 32]> =
                    Zeroizing::new(bytes.try_into().map_err(|_| invalid(scheme))?);
                let key = ed25519_dalek::SigningKey::from_bytes(&seed);
                let public = key.verifying_key().to_bytes().to_vec();
                KeyPair {
                    key: Key::Ed25519(key),
                    private: SignaturePrivateKey::from_slice(bytes),
                    public,
                }
            }
            SignatureScheme::Ed448 => {
                if bytes.len() != 57 {
                    return Err(invalid(scheme));
                }
                let key =
                    ed448_goldilocks::SigningKey::try_from(bytes).map_err(|_| invalid(scheme))?;
                let public = key.verifying_key().to_bytes().to_vec();
                KeyPair {
                    key: Key::Ed448(Box::new(key)),
                    private: SignaturePrivateKey::from_slice(bytes),
                    public,
                }
            }
            SignatureScheme::EcdsaSecp256r1Sha256 => ecdsa_pair!(p256, P256, bytes, scheme),
            SignatureScheme::EcdsaSecp384r1Sha384 => ecdsa_pair!(p384, P384, bytes, scheme),
            SignatureScheme::EcdsaSecp521r1Sha512 => ecdsa_pair!(p521, P521, bytes, scheme),
            SignatureScheme::MlDsa44 => ml_dsa_pair!(MlDsa44, MlDsa44, bytes, scheme),
            SignatureScheme::MlDsa65 => ml_dsa_pair!(MlDsa65, MlDsa65, bytes, scheme),
            SignatureScheme::MlDsa87 => ml_dsa_pair!(MlDsa87, MlDsa87, bytes, scheme),
        })
    }

    /// The normalised private key and the encoded public key.
    pub(crate) fn into_parts(self) -> (SignaturePrivateKey, Vec<u8>) {
        (self.private, self.public)
    }

    fn scheme(&self) -> SignatureScheme {
        match self.key {
            Key::Ed25519(_) => SignatureScheme::Ed25519,
            Key::Ed448(_) => SignatureScheme::Ed448,
            Key::P256(_) => SignatureScheme::EcdsaSecp256r1Sha256,
            Key::P384(_) => SignatureScheme::EcdsaSecp384r1Sha384,
            Key::P521(_) => SignatureScheme::EcdsaSecp521r1Sha512,
            Key::MlDsa44(_) => SignatureScheme::MlDsa44,
            Key::MlDsa65(_) => SignatureScheme::MlDsa65,
            Key::MlDsa87(_) => SignatureScheme::MlDsa87,
        }
    }

    /// Signs; ECDSA signatures are DER-encoded (RFC 9420 §5.1.2).
    pub(crate) fn sign(&self, message: &[u8]) -> Vec<u8> {
        match &self.key {
            Key::Ed25519(k) => k.sign(message).to_bytes().to_vec(),
            Key::Ed448(k) => k.sign_raw(message).to_bytes().to_vec(),
            Key::P256(k) => {
                let sig: p256::ecdsa::Signature = k.sign(message);
                sig.to_der().as_bytes().to_vec()
            }
            Key::P384(k) => {
                let sig: p384::ecdsa::Signature = k.sign(message);
                sig.to_der().as_bytes().to_vec()
            }
            Key::P521(k) => {
                let sig: p521::ecdsa::Signature = k.sign(message);
                sig.to_der().as_bytes().to_vec()
            }
            // The deterministic variant with the empty context (FIPS 204
            // §3.4), so a seeded run repeats; aws-lc signs hedged, and both
            // verify alike.
            Key::MlDsa44(k) => k.sign(message).encode().to_vec(),
            Key::MlDsa65(k) => k.sign(message).encode().to_vec(),
            Key::MlDsa87(k) => k.sign(message).encode().to_vec(),
        }
    }
}

macro_rules! ecdsa_verify {
    ($curve:ident, $pk:expr, $msg:expr, $sig:expr) => {{
        // RFC 9420 §5.1.1: an UncompressedPointRepresentation; the SEC1
        // parser alone would also take compressed points.
        if $pk.first() != Some(&0x04) {
            return Err(CryptoError::InvalidSignature);
        }
        let key = $curve::ecdsa::VerifyingKey::from_sec1_bytes($pk)
            .map_err(|_| CryptoError::InvalidSignature)?;
        let sig =
            $curve::ecdsa::Signature::from_der($sig).map_err(|_| CryptoError::InvalidSignature)?;
        key.verify($msg, &sig)
            .map_err(|_| CryptoError::InvalidSignature)
    }};
}

/// Verifies `signature` over `message` under `public_key`. Every failure,
/// including a malformed public key, is `InvalidSignature`: ring cannot tell
/// them apart, and all backends must answer alike.
pub(crate) fn verify(
    scheme: SignatureScheme,
    public_key: &[u8],
    message: &[u8],
    signature: &[u8],
) -> Result<(), CryptoError> {
    match scheme {
        SignatureScheme::Ed25519 => {
            let pk: [u8; 32] = public_key
                .try_into()
                .map_err(|_| CryptoError::InvalidSignature)?;
            let key = ed25519_dalek::VerifyingKey::from_bytes(&pk)
                .map_err(|_| CryptoError::InvalidSignature)?;
            let sig = ed25519_dalek::Signature::from_slice(signature)
                .map_err(|_| CryptoError::InvalidSignature)?;
            // Strict verification rejects small-order keys and non-canonical R.
            key.verify_strict(message, &sig)
                .map_err(|_| CryptoError::InvalidSignature)
        }
        SignatureScheme::Ed448 => {
            let pk: [u8; 57] = public_key
                .try_into()
                .map_err(|_| CryptoError::InvalidSignature)?;
            let key = ed448_goldilocks::VerifyingKey::from_bytes(&pk)
                .map_err(|_| CryptoError::InvalidSignature)?;
            let sig = ed448_goldilocks::Signature::from_slice(signature)
                .map_err(|_| CryptoError::InvalidSignature)?;
            key.verify_raw(&sig, message)
                .map_err(|_| CryptoError::InvalidSignature)
        }
        SignatureScheme::EcdsaSecp256r1Sha256 => {
            ecdsa_verify!(p256, public_key, message, signature)
        }
        SignatureScheme::EcdsaSecp384r1Sha384 => {
            ecdsa_verify!(p384, public_key, message, signature)
        }
        SignatureScheme::EcdsaSecp521r1Sha512 => {
            ecdsa_verify!(p521, public_key, message, signature)
        }
        SignatureScheme::MlDsa44 => ml_dsa_verify!(MlDsa44, public_key, message, signature),
        SignatureScheme::MlDsa65 => ml_dsa_verify!(MlDsa65, public_key, message, signature),
        SignatureScheme::MlDsa87 => ml_dsa_verify!(MlDsa87, public_key, message, signature),
    }
}

/// An in-memory [`Signer`] holding a parsed RustCrypto key.
pub struct RustCryptoSigner(KeyPair);

impl RustCryptoSigner {
    pub(crate) fn new(pair: KeyPair) -> Self {
        Self(pair)
    }
}

impl std::fmt::Debug for RustCryptoSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RustCryptoSigner")
            .field("scheme", &self.0.scheme())
            .finish_non_exhaustive()
    }
}

impl Signer for RustCryptoSigner {
    fn scheme(&self) -> SignatureScheme {
        self.0.scheme()
    }

    fn public_key(&self) -> &[u8] {
        &self.0.public
    }

    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, CryptoError> {
        Ok(self.0.sign(message))
    }
}
