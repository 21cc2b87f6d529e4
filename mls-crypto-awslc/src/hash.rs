//! The suite's hash function and HMAC (RFC 9420 §5.1: `Hash`, `MAC`).

use aws_lc_rs::{digest, hkdf, hmac};
use mls_core::Kdf;

/// One hash function and everything this backend keys by it: the digest,
/// HMAC and HKDF algorithm objects of aws-lc-rs, which cannot be built from
/// one another.
#[derive(Debug)]
pub(crate) struct HashAlgorithm {
    /// The HPKE KDF id this hash belongs to.
    pub(crate) kdf: Kdf,
    pub(crate) digest: &'static digest::Algorithm,
    pub(crate) hmac: hmac::Algorithm,
    pub(crate) hkdf: hkdf::Algorithm,
}

impl HashAlgorithm {
    /// Whether the hash is FIPS-approved (FIPS 180-4).
    pub(crate) fn fips_approved(&self) -> bool {
        // Destructured so that a new field must be judged here too.
        let Self {
            kdf,
            digest: _,
            hmac: _,
            hkdf: _,
        } = self;
        match kdf {
            Kdf::HkdfSha256 | Kdf::HkdfSha384 | Kdf::HkdfSha512 => true,
        }
    }
}

/// SHA-256, HMAC-SHA256, HKDF-SHA256.
pub(crate) static SHA256: HashAlgorithm = HashAlgorithm {
    kdf: Kdf::HkdfSha256,
    digest: &digest::SHA256,
    hmac: hmac::HMAC_SHA256,
    hkdf: hkdf::HKDF_SHA256,
};

/// SHA-384, HMAC-SHA384, HKDF-SHA384.
pub(crate) static SHA384: HashAlgorithm = HashAlgorithm {
    kdf: Kdf::HkdfSha384,
    digest: &digest::SHA384,
    hmac: hmac::HMAC_SHA384,
    hkdf: hkdf::HKDF_SHA384,
};

/// SHA-512, HMAC-SHA512, HKDF-SHA512.
pub(crate) static SHA512: HashAlgorithm = HashAlgorithm {
    kdf: Kdf::HkdfSha512,
    digest: &digest::SHA512,
    hmac: hmac::HMAC_SHA512,
    hkdf: hkdf::HKDF_SHA512,
};

/// The hash of an HPKE KDF id.
pub(crate) fn for_kdf(kdf: Kdf) -> &'static HashAlgorithm {
    match kdf {
        Kdf::HkdfSha256 => &SHA256,
        Kdf::HkdfSha384 => &SHA384,
        Kdf::HkdfSha512 => &SHA512,
    }
}

/// `Hash(data)`.
pub(crate) fn hash(alg: &HashAlgorithm, data: &[u8]) -> Vec<u8> {
    digest::digest(alg.digest, data).as_ref().to_vec()
}

/// `HMAC(key, data)`. Any key length is allowed (RFC 2104 §2).
pub(crate) fn mac(alg: &HashAlgorithm, key: &[u8], data: &[u8]) -> Vec<u8> {
    hmac::sign(&hmac::Key::new(alg.hmac, key), data)
        .as_ref()
        .to_vec()
}
