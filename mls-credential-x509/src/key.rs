//! The binding of the certificate to the leaf. RFC 9420 §5.3: "The public
//! key encoded in the `subjectPublicKeyInfo` of the end-entity certificate
//! MUST be identical to the `signature_key` in the LeafNode containing this
//! credential."
//!
//! MLS encodes a signature public key (§5.1.1) as the raw 32 or 57 bytes of
//! an EdDSA key (RFC 8032) and as the uncompressed SEC1 point of an ECDSA
//! key. Those are exactly the contents of the `subjectPublicKey` BIT STRING
//! of an X.509 SubjectPublicKeyInfo for the same algorithms (RFC 8410 §4,
//! RFC 5480 §2.2), so the comparison is of bytes, no re-encoding.

use crate::cert::ParsedCert;
use crate::error::{Error, Refusal};
use x509_cert::der::asn1::ObjectIdentifier;

const ID_ED25519: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.112");
const ID_ED448: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.113");
const ID_EC_PUBLIC_KEY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
const SECP256R1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");
const SECP384R1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.34");
const SECP521R1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.35");

/// A key algorithm some MLS signature scheme uses, with the length of its
/// public key in MLS encoding.
#[derive(Clone, Copy)]
struct KeyAlgorithm {
    name: &'static str,
    len: usize,
}

/// The MLS signature algorithm of the certificate's key. An algorithm no
/// MLS cipher suite signs with (RSA, DSA, an EC key on another curve) is
/// refused here rather than left for the signature check to fail on, so
/// the message says why.
fn key_algorithm(cert: &ParsedCert<'_>) -> Result<KeyAlgorithm, Error> {
    let algorithm = &cert
        .cert
        .tbs_certificate()
        .subject_public_key_info()
        .algorithm;
    let unsupported = |what: String| {
        Err(Error::Unsupported(format!(
            "the leaf certificate's key is {what}, which no MLS signature scheme uses"
        )))
    };
    if algorithm.oid == ID_ED25519 || algorithm.oid == ID_ED448 {
        // RFC 8410 §3: the parameters MUST be absent.
        if algorithm.parameters.is_some() {
            return Err(Error::Malformed {
                index: cert.index,
                detail: "an EdDSA key algorithm with parameters (RFC 8410 §3)".to_owned(),
            });
        }
        return Ok(if algorithm.oid == ID_ED25519 {
            KeyAlgorithm {
                name: "Ed25519",
                len: 32,
            }
        } else {
            KeyAlgorithm {
                name: "Ed448",
                len: 57,
            }
        });
    }
    if algorithm.oid != ID_EC_PUBLIC_KEY {
        return unsupported(format!("of algorithm {}", algorithm.oid));
    }
    // RFC 5480 §2.1.1: namedCurve is the only form to support.
    let curve = algorithm
        .parameters
        .as_ref()
        .and_then(|params| params.decode_as::<ObjectIdentifier>().ok());
    match curve {
        Some(curve) if curve == SECP256R1 => Ok(KeyAlgorithm {
            name: "ECDSA P-256",
            len: 65,
        }),
        Some(curve) if curve == SECP384R1 => Ok(KeyAlgorithm {
            name: "ECDSA P-384",
            len: 97,
        }),
        Some(curve) if curve == SECP521R1 => Ok(KeyAlgorithm {
            name: "ECDSA P-521",
            len: 133,
        }),
        Some(curve) => unsupported(format!("an EC key on curve {curve}")),
        None => unsupported("an EC key without a named curve".to_owned()),
    }
}

/// §5.3: the credential is valid only for the `signature_key` it
/// certifies.
pub(crate) fn check_key_binding(leaf: &ParsedCert<'_>, signature_key: &[u8]) -> Result<(), Error> {
    let algorithm = key_algorithm(leaf)?;
    let spki = leaf.cert.tbs_certificate().subject_public_key_info();
    // A key is a whole number of bytes; a BIT STRING with unused bits
    // certifies no MLS key.
    let certified = spki
        .subject_public_key
        .as_bytes()
        .ok_or_else(|| Error::Malformed {
            index: leaf.index,
            detail: "the subject public key is not a whole number of bytes".to_owned(),
        })?;
    // A compressed EC point, or a key of the wrong size, is no MLS key.
    if certified.len() != algorithm.len {
        return Err(Error::Malformed {
            index: leaf.index,
            detail: format!(
                "the {} key is {} bytes, not {} (MLS needs the raw EdDSA key or the \
                 uncompressed EC point)",
                algorithm.name,
                certified.len(),
                algorithm.len
            ),
        });
    }
    if certified != signature_key {
        return Err(Refusal::KeyMismatch {
            algorithm: algorithm.name,
            cert_len: certified.len(),
            key_len: signature_key.len(),
        }
        .into());
    }
    Ok(())
}
