use super::*;

fn hex(s: &str) -> Vec<u8> {
    hex::decode(s.trim()).unwrap()
}

fn sha256(data: &[u8]) -> Vec<u8> {
    use sha2::Digest;
    sha2::Sha256::digest(data).to_vec()
}

/// NIST's ACVP known answer for FIPS 203 `Encaps_internal` (§6.2):
/// ACVP-Server `gen-val/json-files/ML-KEM-encapDecap-FIPS203/
/// internalProjection.json`, test group 3 (ML-KEM-1024, encapsulation),
/// tcId 51. The 1,568-byte `ek` is in the file next to this one (its
/// SHA3-256, `H(ek)` in the test's `dk`, is `93aee8bd...6d5275`); the
/// ciphertext is pinned by its SHA-256, the shared secret in full.
/// ML-KEM-768's encapsulation is covered by the X-Wing vector (`xwing.rs`).
#[test]
fn ml_kem_1024_acvp_encapsulation_tc51() {
    let ek = hex(include_str!("acvp_ml_kem_1024_tc51_ek.hex"));
    assert_eq!(ek.len(), 1568);
    assert_eq!(
        sha256(&ek),
        hex("c08aca990a6aa2fa449c20a558b6cf61cc9a60833e84caa5321e450948efb717")
    );
    let m = hex("96F29F0C503BAB057F7E3E2FCEE58FE17F51395578F5247A431E06F962E49099");
    let (k, c) = encap(Kem::MlKem1024, &ek, &m).unwrap();
    assert_eq!(
        k,
        hex("1FAFD894BCB9D78EF41969AE4EBB55DE27599CDBA26A3E211B9B6096B77282E6")
    );
    assert_eq!(c.len(), 1568);
    assert_eq!(
        sha256(&c),
        hex("7a728fa9dcdd5962255827ca5389328b84cb9fd3d9b2532aa14944b18d08a9c9")
    );
}

/// The same key with the last coefficient of its vector raised to q fails
/// FIPS 203's input check (§7.2) rather than encapsulating.
#[test]
fn ml_kem_1024_refuses_a_coefficient_of_q() {
    let mut ek = hex(include_str!("acvp_ml_kem_1024_tc51_ek.hex"));
    // The 12-bit coefficients are packed two per three bytes; the last
    // coefficient before the 32-byte rho is bytes 1534..1536's high 12 bits.
    let at = 1568 - 32 - 2;
    let q: u16 = 3329;
    ek[at] = (ek[at] & 0x0f) | ((q & 0x0f) << 4) as u8;
    ek[at + 1] = (q >> 4) as u8;
    assert_eq!(
        encap(Kem::MlKem1024, &ek, &[0u8; 32]).err(),
        Some(CryptoError::InvalidPublicKey("ML-KEM"))
    );
}
