//! One object per cipher suite, made of the algorithms of [`crate::hash`],
//! [`crate::kdf`], [`crate::aead`], [`crate::hpke`] and [`crate::sign`].

use crate::hash::{self, HashAlgorithm};
use crate::hpke::{self, AwsLcHpke};
use crate::sign::{self, AwsLcSigner, SignatureAlgorithm};
use crate::{aead, kdf};
use aws_lc_rs::{aead as lc_aead, agreement};
use mls_core::provider::{CipherSuiteProvider, Signer};
use mls_core::secret::{Secret, SignaturePrivateKey};
use mls_core::{CipherSuite, CipherSuiteDefinition, CryptoError};

/// The primitives of one cipher suite on aws-lc-rs. Obtained from
/// [`crate::AwsLcProvider`] through
/// [`CryptoProvider::suite`](mls_core::provider::CryptoProvider::suite).
#[derive(Clone)]
pub struct AwsLcSuite {
    definition: CipherSuiteDefinition,
    /// The DHKEM's curve. HPKE itself reaches the curve through
    /// `mls-crypto-hpke`, which passes the suite's KEM id to [`AwsLcHpke`];
    /// a test checks both name the same curve.
    kem: &'static agreement::Algorithm,
    hash: &'static HashAlgorithm,
    aead: &'static lc_aead::Algorithm,
    signature: &'static SignatureAlgorithm,
}

/// Every suite aws-lc-rs can implement, in code-point order. Suites 4 and 6
/// need X448 and Ed448, which aws-lc-rs does not have.
pub(crate) static SUITES: [AwsLcSuite; 5] = [
    AwsLcSuite {
        definition: CipherSuiteDefinition::RFC9420[0],
        kem: &agreement::X25519,
        hash: &hash::SHA256,
        aead: &lc_aead::AES_128_GCM,
        signature: &sign::ED25519,
    },
    AwsLcSuite {
        definition: CipherSuiteDefinition::RFC9420[1],
        kem: &agreement::ECDH_P256,
        hash: &hash::SHA256,
        aead: &lc_aead::AES_128_GCM,
        signature: &sign::ECDSA_P256_SHA256,
    },
    AwsLcSuite {
        definition: CipherSuiteDefinition::RFC9420[2],
        kem: &agreement::X25519,
        hash: &hash::SHA256,
        aead: &lc_aead::CHACHA20_POLY1305,
        signature: &sign::ED25519,
    },
    AwsLcSuite {
        definition: CipherSuiteDefinition::RFC9420[4],
        kem: &agreement::ECDH_P521,
        hash: &hash::SHA512,
        aead: &lc_aead::AES_256_GCM,
        signature: &sign::ECDSA_P521_SHA512,
    },
    AwsLcSuite {
        definition: CipherSuiteDefinition::RFC9420[6],
        kem: &agreement::ECDH_P384,
        hash: &hash::SHA384,
        aead: &lc_aead::AES_256_GCM,
        signature: &sign::ECDSA_P384_SHA384,
    },
];

impl AwsLcSuite {
    /// The suite object for the RFC 9420 suite `suite`, or `None` if this
    /// build does not offer it: suites 4 and 6 never (no X448 or Ed448 in
    /// aws-lc-rs), suites 1 and 3 not with the `fips` feature.
    pub fn get(suite: CipherSuite) -> Option<&'static AwsLcSuite> {
        Self::all().find(|s| s.definition.suite == suite)
    }

    /// The suite object of `definition`'s algorithms, or `None` if
    /// aws-lc-rs lacks one of them (X448, Ed448) or, in the `fips` build,
    /// one of them is not FIPS-approved.
    pub fn from_definition(definition: CipherSuiteDefinition) -> Option<AwsLcSuite> {
        let suite = AwsLcSuite {
            definition,
            kem: hpke::agreement_algorithm(definition.kem)?,
            hash: hash::for_kdf(definition.kdf),
            aead: aead::for_aead(definition.aead),
            signature: sign::for_scheme(definition.signature)?,
        };
        (!cfg!(feature = "fips") || suite.fips_approved()).then_some(suite)
    }

    /// Every suite object this build offers, in code-point order: all of
    /// [`SUITES`], or with the `fips` feature only the FIPS-approved ones.
    pub(crate) fn all() -> impl Iterator<Item = &'static AwsLcSuite> {
        SUITES
            .iter()
            .filter(|s| !cfg!(feature = "fips") || s.fips_approved())
    }

    /// Whether every algorithm of the suite is FIPS-approved.
    ///
    /// Destructures `self` (rustls' `CryptoProvider::fips()` trick, STYLE.md
    /// §3): a field added to the suite breaks the build here until its FIPS
    /// status is decided.
    pub(crate) fn fips_approved(&self) -> bool {
        let Self {
            definition: _,
            kem,
            hash,
            aead: aead_alg,
            signature,
        } = self;
        hpke::fips_approved(kem)
            && hash.fips_approved()
            && aead::fips_approved(aead_alg)
            && signature.fips_approved()
    }
}

impl std::fmt::Debug for AwsLcSuite {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AwsLcSuite")
            .field("suite", &self.definition.suite)
            .finish_non_exhaustive()
    }
}

impl CipherSuiteProvider for AwsLcSuite {
    fn definition(&self) -> &CipherSuiteDefinition {
        &self.definition
    }

    fn hash_len(&self) -> usize {
        self.hash.digest.output_len()
    }

    fn aead_key_len(&self) -> usize {
        self.aead.key_len()
    }

    fn aead_nonce_len(&self) -> usize {
        self.aead.nonce_len()
    }

    fn kem_private_key_len(&self) -> usize {
        self.definition.kem.private_key_len()
    }

    fn signature_private_key_len(&self) -> usize {
        self.signature.scheme().private_key_len()
    }

    fn hash(&self, data: &[u8]) -> Result<Vec<u8>, CryptoError> {
        Ok(hash::hash(self.hash, data))
    }

    fn mac(&self, key: &[u8], data: &[u8]) -> Result<Vec<u8>, CryptoError> {
        Ok(hash::mac(self.hash, key, data))
    }

    fn kdf_extract(&self, salt: &[u8], ikm: &[u8]) -> Result<Secret, CryptoError> {
        Ok(kdf::extract(self.hash, salt, ikm))
    }

    fn kdf_expand(&self, prk: &[u8], info: &[u8], len: usize) -> Result<Secret, CryptoError> {
        kdf::expand(self.hash, prk, info, len)
    }

    fn aead_seal(
        &self,
        key: &[u8],
        nonce: &[u8],
        aad: &[u8],
        plaintext: &[u8],
    ) -> Result<Vec<u8>, CryptoError> {
        aead::seal(self.aead, key, nonce, aad, plaintext)
    }

    fn aead_open(
        &self,
        key: &[u8],
        nonce: &[u8],
        aad: &[u8],
        ciphertext: &[u8],
    ) -> Result<Secret, CryptoError> {
        let mut plaintext = aead::open(self.aead, key, nonce, aad, ciphertext)?;
        Ok(Secret::new(std::mem::take(&mut *plaintext)))
    }

    mls_crypto_hpke::cipher_suite_hpke_methods!(AwsLcHpke);

    fn signature_key_pair_from_private(
        &self,
        private_key: &[u8],
    ) -> Result<(SignaturePrivateKey, Vec<u8>), CryptoError> {
        let (pair, private_key) = self.signature.key_pair(private_key)?;
        Ok((private_key, pair.public_key().to_vec()))
    }

    fn sign(
        &self,
        private_key: &SignaturePrivateKey,
        message: &[u8],
    ) -> Result<Vec<u8>, CryptoError> {
        let (pair, _) = self.signature.key_pair(private_key.as_bytes())?;
        pair.sign(message)
    }

    fn verify(
        &self,
        public_key: &[u8],
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), CryptoError> {
        self.signature.verify(public_key, message, signature)
    }

    fn signer(&self, private_key: &[u8]) -> Result<Box<dyn Signer>, CryptoError> {
        Ok(Box::new(AwsLcSigner::from_private_key(
            self.signature.scheme(),
            private_key,
        )?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The table agrees with mls-core's description of each suite, and with
    /// the lookups HPKE and the signer use.
    #[test]
    fn table_matches_suite_definitions() {
        for row in &SUITES {
            let d = row.definition;
            let suite = d.suite;
            assert_eq!(Some(row.kem), hpke::agreement_algorithm(d.kem), "{suite}");
            assert!(std::ptr::eq(row.hash, hash::for_kdf(d.kdf)), "{suite}");
            assert_eq!(row.aead, aead::for_aead(d.aead), "{suite}");
            assert_eq!(row.signature.scheme(), d.signature, "{suite}");
            assert!(
                sign::for_scheme(d.signature).is_some_and(|alg| std::ptr::eq(alg, row.signature)),
                "{suite}"
            );
            assert_eq!(row.hash_len(), d.kdf.hash_len(), "{suite}");
            assert_eq!(row.aead_key_len(), d.aead.key_len(), "{suite}");
            assert_eq!(row.aead_nonce_len(), d.aead.nonce_len(), "{suite}");
        }
        let codes: Vec<u16> = SUITES.iter().map(|s| s.definition.suite.code()).collect();
        assert_eq!(codes, [1, 2, 3, 5, 7]);
    }

    #[test]
    fn fips_approved_suites() {
        let approved: Vec<u16> = SUITES
            .iter()
            .filter(|s| s.fips_approved())
            .map(|s| s.definition.suite.code())
            .collect();
        assert_eq!(approved, [2, 5, 7]);
    }
}
