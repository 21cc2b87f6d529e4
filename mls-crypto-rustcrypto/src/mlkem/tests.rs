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

/// Wycheproof `testvectors_v1/mlkem_{768,1024}_test.json`, tcId 1 (flag
/// "Strcmp", from C2SP's CCTV): the re-encryption of `c` differs from `c`
/// after its leading zero byte, so decapsulation must take FIPS 203's
/// implicit rejection (§6.3, `K̄ = J(z || c)`); a byte comparison that
/// stops at a zero byte would accept it. The seed is `d || z`, our private
/// key format; the ciphertexts are in the files next to this one.
#[test]
fn ml_kem_wycheproof_implicit_rejection() {
    let cases = [
        (
            Kem::MlKem768,
            concat!(
                "cbfc4405d1b2a3a386c94c25e0f2d5f5ee92cb0388ff4d6aa04223086d51c3fd",
                "24752da14c9fc3b8ae0d9e4a8b1016b8d8fc69e229c03ea2ef08a4ae0cffc37f"
            ),
            include_str!("wycheproof_ml_kem_768_strcmp_c.hex"),
            1088,
            "76c10bb1d86d96d7eb18e298363e51f7728e113f455df7d15017940ed3541451",
        ),
        (
            Kem::MlKem1024,
            concat!(
                "8247c17686a8bc0b3afebe6bed1df1dc3ff7fa07c3670f624930235f20aecb43",
                "53ece11faa61f47d946ee501abb9a48029096de63b243a1794c4a760f98cc157"
            ),
            include_str!("wycheproof_ml_kem_1024_strcmp_c.hex"),
            1568,
            "c6338bf92f3930b95f81d87fe669fabc42aaa549e8fecfbfdbe237d739fe4d96",
        ),
    ];
    for (kem, seed, c, c_len, k) in cases {
        let (seed, c) = (hex(seed), hex(c));
        assert_eq!(c.len(), c_len, "{kem:?}");
        assert_eq!(decap(kem, &c, &seed).unwrap(), hex(k), "{kem:?}");
    }
    // The ML-KEM-768 case also lists the key of its seed.
    let ek = public_key(Kem::MlKem768, &hex(cases[0].1)).unwrap();
    assert_eq!(
        sha256(&ek),
        hex("67fe2cb60768d55758c67bfd5842692dedb14513d581c48db2cd3adf94568106"),
        "Wycheproof's ek"
    );
}
