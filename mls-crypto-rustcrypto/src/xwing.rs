//! X-Wing (draft-connolly-cfrg-xwing-kem-06) on RustCrypto's `x-wing`
//! crate, and SHAKE256 for its `DeriveKeyPair`. `mls-crypto-hpke` checks
//! every length before these run.

use mls_core::CryptoError;
use shake::{ExtendableOutput, Shake256, Update, XofReader};
use x_wing::{Decapsulate, DecapsulationKey, EncapsulationKey, KeyExport};
use zeroize::Zeroizing;

fn seed(private_key: &[u8]) -> Result<DecapsulationKey, CryptoError> {
    let seed: Zeroizing<[u8; x_wing::DECAPSULATION_KEY_SIZE]> = Zeroizing::new(
        private_key
            .try_into()
            .map_err(|_| CryptoError::InvalidPrivateKey("X-Wing"))?,
    );
    Ok(DecapsulationKey::from(*seed))
}

/// The encapsulation key of the seed `private_key`.
pub(crate) fn public_key(private_key: &[u8]) -> Result<Vec<u8>, CryptoError> {
    use x_wing::Decapsulator;
    Ok(seed(private_key)?.encapsulation_key().to_bytes().to_vec())
}

/// `Encap` with the 64 bytes of `randomness` (`eseed`): (shared secret, ct).
/// `x-wing` checks the ML-KEM half of the key (FIPS 203 §7.2).
pub(crate) fn encap(
    public_key: &[u8],
    randomness: &[u8],
) -> Result<(Vec<u8>, Vec<u8>), CryptoError> {
    let ek = EncapsulationKey::try_from(public_key)
        .map_err(|_| CryptoError::InvalidPublicKey("X-Wing"))?;
    let eseed: Zeroizing<[u8; x_wing::ENCAPSULATION_RANDOMNESS_SIZE]> = Zeroizing::new(
        randomness
            .try_into()
            .map_err(|_| CryptoError::Rand("X-Wing needs 64 bytes of randomness".into()))?,
    );
    let (ct, ss) = ek.encapsulate_deterministic(&(*eseed).into());
    Ok((ss.to_vec(), ct.to_vec()))
}

/// `Decap(ct, sk)`. X-Wing decapsulation does not fail: a bad ciphertext
/// gives a shared secret the sender does not have (implicit rejection).
pub(crate) fn decap(enc: &[u8], private_key: &[u8]) -> Result<Vec<u8>, CryptoError> {
    let ct = x_wing::Ciphertext::try_from(enc)
        .map_err(|_| CryptoError::InvalidPublicKey("X-Wing ciphertext"))?;
    Ok(seed(private_key)?.decapsulate(&ct).to_vec())
}

/// `SHAKE256(data, len)`.
pub(crate) fn shake256(data: &[u8], len: usize) -> Vec<u8> {
    let mut hasher = Shake256::default();
    hasher.update(data);
    let mut out = vec![0u8; len];
    hasher.finalize_xof().read(&mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(s: &str) -> Vec<u8> {
        hex::decode(s).unwrap()
    }

    fn sha256(data: &[u8]) -> Vec<u8> {
        use sha2::Digest;
        sha2::Sha256::digest(data).to_vec()
    }

    /// draft-connolly-cfrg-xwing-kem-06, Appendix C, the first vector: the
    /// key of `seed`, then `Encap` with `eseed`. The 1,216-byte public key
    /// and 1,120-byte ciphertext are pinned by their SHA-256.
    #[test]
    fn xwing_draft06_appendix_c_first_vector() {
        let seed = hex("7f9c2ba4e88f827d616045507605853ed73b8093f6efbc88eb1a6eacfa66ef26");
        let eseed = hex(concat!(
            "3cb1eea988004b93103cfb0aeefd2a686e01fa4a58e8a3639ca8a1e3f9ae57e2",
            "35b8cc873c23dc62b8d260169afa2f75ab916a58d974918835d25e6a435085b2"
        ));
        let ss = hex("d2df0522128f09dd8e2c92b1e905c793d8f57a54c3da25861f10bf4ca613e384");

        let pk = public_key(&seed).unwrap();
        assert_eq!(pk.len(), 1216);
        assert_eq!(
            sha256(&pk),
            hex("2e816deebcd76c5c80d0cd2d174478871658e8e2ff42bc9d4a6e486372e856bb")
        );
        let (shared, ct) = encap(&pk, &eseed).unwrap();
        assert_eq!(ct.len(), 1120);
        assert_eq!(
            sha256(&ct),
            hex("17cd532d657e44c897ca6583e548a5424fc70bf54f99515a4d2bcf99e3469f33")
        );
        assert_eq!(shared, ss);
        assert_eq!(decap(&ct, &seed).unwrap(), ss);
    }

    /// FIPS 202: the first 32 bytes of SHAKE256 of the empty string.
    #[test]
    fn shake256_of_the_empty_string() {
        assert_eq!(
            shake256(b"", 32),
            hex("46b9dd2b0ba88d13233b3feb743eeb243fcd52ea62b81b82b50c27646ed5762f")
        );
    }

    #[test]
    fn malformed_inputs_are_errors() {
        assert!(public_key(&[0u8; 31]).is_err());
        assert!(encap(&[0u8; 1215], &[0u8; 64]).is_err());
        let pk = public_key(&[1u8; 32]).unwrap();
        assert!(encap(&pk, &[0u8; 63]).is_err());
        assert!(decap(&[0u8; 1119], &[1u8; 32]).is_err());
        // Implicit rejection: a ciphertext of the right size always decapsulates.
        assert_eq!(decap(&[0u8; 1120], &[1u8; 32]).unwrap().len(), 32);
    }
}
