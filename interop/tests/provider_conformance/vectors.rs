//! Published known answers, copied from their sources: FIPS 180-2, RFC 4231,
//! RFC 5869, RFC 8032, SEC 2 / FIPS 186-4 (curve constants), the MLS
//! working group's crypto-basics vectors, and RFC 9180 Appendix A.

use crate::harness::h;
use mls_core::{CipherSuite, SignatureScheme};

/// `(sha256, sha384, sha512)` of one message.
pub(crate) type PerHash = (&'static str, &'static str, &'static str);

/// FIPS 180-2 Appendix B.1 / C.1 / D.1: the message "abc".
pub(crate) const HASH_ABC: PerHash = (
    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    concat!(
        "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed",
        "8086072ba1e7cc2358baeca134c825a7"
    ),
    concat!(
        "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a",
        "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"
    ),
);

/// The empty message (FIPS 180-2 padding of zero bits).
pub(crate) const HASH_EMPTY: PerHash = (
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    concat!(
        "38b060a751ac96384cd9327eb1b1e36a21fdb71114be07434c0cc7bf63f6e1da",
        "274edebfe76f65fbd51ad2f14898b95b"
    ),
    concat!(
        "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce",
        "47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e"
    ),
);

/// RFC 4231 §4.2, test case 1: key 0x0b * 20, data "Hi There".
pub(crate) const HMAC_CASE_1: PerHash = (
    "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
    concat!(
        "afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59c",
        "faea9ea9076ede7f4af152e8b2fa9cb6"
    ),
    concat!(
        "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cde",
        "daa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854"
    ),
);

/// RFC 4231 §4.3, test case 2: key "Jefe", data "what do ya want for nothing?".
pub(crate) const HMAC_CASE_2: PerHash = (
    "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
    concat!(
        "af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e",
        "8e2240ca5e69e2c78b3239ecfab21649"
    ),
    concat!(
        "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554",
        "9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737"
    ),
);

/// One RFC 5869 Appendix A case (HKDF-SHA256).
pub(crate) struct HkdfCase {
    pub(crate) ikm: &'static str,
    pub(crate) salt: &'static str,
    pub(crate) info: &'static str,
    pub(crate) prk: &'static str,
    pub(crate) okm: &'static str,
}

/// RFC 5869 A.1 (basic) and A.3 (empty salt and info).
pub(crate) const HKDF_SHA256: [HkdfCase; 2] = [
    HkdfCase {
        ikm: "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b",
        salt: "000102030405060708090a0b0c",
        info: "f0f1f2f3f4f5f6f7f8f9",
        prk: "077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5",
        okm: concat!(
            "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf",
            "34007208d5b887185865"
        ),
    },
    HkdfCase {
        ikm: "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b",
        salt: "",
        info: "",
        prk: "19ef24a32c717b167f33a91d6f648bdf96596776afdb6377ac434c1c293ccb04",
        okm: concat!(
            "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d",
            "9d201395faa4b61a96c8"
        ),
    },
];

/// The `derive_secret` case of the official crypto-basics vectors
/// (`DeriveSecret(secret, "DeriveSecret")`, an HKDF-Expand of Nh bytes), for
/// each suite: `(secret, out)`.
pub(crate) fn derive_secret_vector(cs: CipherSuite) -> (&'static str, &'static str) {
    match cs {
        CipherSuite::MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519 => (
            "1a9ce178a53f8752d2513c27efe9c85133f6c0a97f7b35ac200695024a77228e",
            "3b08c195a246c4ad469c1d11c10e62890d8fa6b684494ff925409efdb1ff0464",
        ),
        CipherSuite::MLS_128_DHKEMP256_AES128GCM_SHA256_P256 => (
            "7165576616048aa145d20f7c1d460e2d9d8bbde882bc3bb0750d50e369809f99",
            "1ecafd3d40cb32cae416e09bc01da56357d00cb094f74e3c69c2969216e50afc",
        ),
        CipherSuite::MLS_128_DHKEMX25519_CHACHA20POLY1305_SHA256_Ed25519 => (
            "cae460c779ebaa3e81c061a371486dff1ed1ff273bea369cc0fc46550b83c407",
            "aad859818ca5f2a9896d4d3ee2dccc0cefcd69b666bdb16b52f1de15fb1a5567",
        ),
        CipherSuite::MLS_256_DHKEMX448_AES256GCM_SHA512_Ed448 => (
            concat!(
                "92c5ae58c8aeed565d772847a41f4901a999572ae53740b56a2a3df94c62e57c",
                "60f1107c88c70d8aa902049d5f33d36cc4d1f7c233b1406947deb6c1fb243007"
            ),
            concat!(
                "ffed9b67c5b8388af9ba51bfa983400dc6cee5c1d79b4cc45a400611075139b8",
                "42642f1a8d4d92ed3aa9f7497d8a3ce5516552230a883c57dd2bb277ef1e571c"
            ),
        ),
        CipherSuite::MLS_256_DHKEMP521_AES256GCM_SHA512_P521 => (
            concat!(
                "3efe299abc9a73a264098c9beecd6923d8b07bb842537eb21f16e90c4a094512",
                "b46f3c1cbef3b86018b2d038f8ba6e874ea3972cebcd21a4ba4eb9474cccabb8"
            ),
            concat!(
                "53b38636e19310b7a4b7c03b2e908307aea080763c223504ed21b7821bdcaad7",
                "da9ca68d5196eed9337b2f36b5e23a40404c8a1adf5c92c9bf82d4bdcbbb1243"
            ),
        ),
        CipherSuite::MLS_256_DHKEMX448_CHACHA20POLY1305_SHA512_Ed448 => (
            concat!(
                "082065745545cd8112e5385fa15321ad34e55c97971ec6ef4510720054d03ddf",
                "a610f04656996980256b171d25565fb7d34899c1e98db4f69614dfaf72e8838c"
            ),
            concat!(
                "c8413f81c9f94350ff784f043f98ce8e49f6549eb14301c287e8d8f6d4449776",
                "da1006e706145a3e8cf222802bdaee170b540d8f5d7513e2440736d3c4f1d894"
            ),
        ),
        CipherSuite::MLS_256_DHKEMP384_AES256GCM_SHA384_P384 => (
            concat!(
                "ee9426e58f77d9e2c16a18a8758097143645c523a1e3050c7e61c54b6703c721",
                "d3747961660a163230a03515f0ca0746"
            ),
            concat!(
                "ad64a2748a2894e725825fbb97d8e9e11b30c7df09056b825a9328d7dd95a354",
                "36c326929b964afb181c747c1e95c3da"
            ),
        ),
        other => panic!("no crypto-basics vector for {other}"),
    }
}

/// An RFC 8032 EdDSA test: seed, public key, message, signature.
pub(crate) struct EddsaCase {
    pub(crate) seed: &'static str,
    pub(crate) public: &'static str,
    pub(crate) message: &'static str,
    pub(crate) signature: &'static str,
}

/// RFC 8032 §7.1, TEST 1 (Ed25519, empty message).
pub(crate) const ED25519_TEST_1: EddsaCase = EddsaCase {
    seed: "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
    public: "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
    message: "",
    signature: concat!(
        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155",
        "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
    ),
};

/// RFC 8032 §7.4, "-----Blank" (Ed448, empty message, empty context).
pub(crate) const ED448_BLANK: EddsaCase = EddsaCase {
    seed: concat!(
        "6c82a562cb808d10d632be89c8513ebf6c929f34ddfa8c9f63c9960ef6e348a3",
        "528c8a3fcc2f044e39a3fc5b94492f8f032e7549a20098f95b"
    ),
    public: concat!(
        "5fd7449b59b461fd2ce787ec616ad46a1da1342485a70e1f8a0ea75d80e96778",
        "edf124769b46c7061bd6783df1e50f6cd1fa1abeafe8256180"
    ),
    message: "",
    signature: concat!(
        "533a37f6bbe457251f023c0d88f976ae2dfb504a843e34d2074fd823d41a591f",
        "2b233f034f628281f2fd7a22ddd47d7828c59bd0a21bfd3980ff0d2028d4b18a",
        "9df63e006c5d1c2d345b925d8dc00b4104852db99ac5c7cdda8530a113a0f4db",
        "b61149f05a7363268c71d95808ff2e652600"
    ),
};

/// One signature known answer per ML-DSA parameter set, from Wycheproof
/// (`testvectors_v1/mldsa_{44,65,87}_sign_seed_test.json`, tcId 1,
/// "baseline"; tcId 2 gives the same bytes with an explicitly empty
/// context): the key of [`ML_DSA_SIGN_SEED`] signs
/// [`ML_DSA_SIGN_MESSAGE`] with the empty context and FIPS 204's
/// deterministic variant (Algorithm 2, `rnd` = 0^32), the way MLS signs
/// (draft-ietf-mls-pq-ciphersuites). The signatures are kept as hex files
/// next to this one because they are 2,420 to 4,627 bytes long.
pub(crate) fn ml_dsa_wycheproof_signature(scheme: SignatureScheme) -> Option<Vec<u8>> {
    let text = match scheme {
        SignatureScheme::MlDsa44 => include_str!("wycheproof/mldsa_44_sign_seed_tc1.sig.hex"),
        SignatureScheme::MlDsa65 => include_str!("wycheproof/mldsa_65_sign_seed_tc1.sig.hex"),
        SignatureScheme::MlDsa87 => include_str!("wycheproof/mldsa_87_sign_seed_tc1.sig.hex"),
        SignatureScheme::Ed25519
        | SignatureScheme::Ed448
        | SignatureScheme::EcdsaSecp256r1Sha256
        | SignatureScheme::EcdsaSecp384r1Sha384
        | SignatureScheme::EcdsaSecp521r1Sha512 => return None,
    };
    Some(h(&text.split_whitespace().collect::<String>()))
}

/// Wycheproof's ML-DSA signing seed (`privateSeed`).
pub(crate) const ML_DSA_SIGN_SEED: [u8; 32] = [0x2a; 32];

/// Wycheproof's ML-DSA baseline message (`msg`).
pub(crate) const ML_DSA_SIGN_MESSAGE: &[u8] = b"Hello world";

/// The example ML-DSA keys of the LAMPS ML-DSA certificates draft
/// (draft-ietf-lamps-dilithium-certificates, Appendix C): the seed
/// `00 01 .. 1f` gives a public key with this SHA-256.
pub(crate) fn ml_dsa_example_key_sha256(scheme: SignatureScheme) -> Option<&'static str> {
    match scheme {
        SignatureScheme::MlDsa44 => {
            Some("9f107644c1084526af3bc8098680b05499a2325a644e388fb4f970e058d19d46")
        }
        SignatureScheme::MlDsa65 => {
            Some("d666806e11cee19a7c989f7445f90dd419cf4d2d51db8c0fdb4c0f0a542238c9")
        }
        SignatureScheme::MlDsa87 => {
            Some("91dc389cfaa01470b7f66eee45a4ae9026d154817c754dfe22298b3fa241ffcd")
        }
        SignatureScheme::Ed25519
        | SignatureScheme::Ed448
        | SignatureScheme::EcdsaSecp256r1Sha256
        | SignatureScheme::EcdsaSecp384r1Sha384
        | SignatureScheme::EcdsaSecp521r1Sha512 => None,
    }
}

/// A NIST curve's generator `G = (x, y)` and group order `n`, big-endian at
/// the field size (SEC 2 §2.4.2, §2.5.1; FIPS 186-4 D.1.2.5).
pub(crate) struct Curve {
    pub(crate) gx: &'static str,
    pub(crate) gy: &'static str,
    pub(crate) n: &'static str,
}

pub(crate) const P256: Curve = Curve {
    gx: "6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296",
    gy: "4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5",
    n: "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551",
};

pub(crate) const P384: Curve = Curve {
    gx: concat!(
        "aa87ca22be8b05378eb1c71ef320ad746e1d3b628ba79b9859f741e082542a38",
        "5502f25dbf55296c3a545e3872760ab7"
    ),
    gy: concat!(
        "3617de4a96262c6f5d9e98bf9292dc29f8f41dbd289a147ce9da3113b5f0b8c0",
        "0a60b1ce1d7e819d7a431d7c90ea0e5f"
    ),
    n: concat!(
        "ffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf",
        "581a0db248b0a77aecec196accc52973"
    ),
};

pub(crate) const P521: Curve = Curve {
    gx: concat!(
        "00c6858e06b70404e9cd9e3ecb662395b4429c648139053fb521f828af606b4d",
        "3dbaa14b5e77efe75928fe1dc127a2ffa8de3348b3c1856a429bf97e7e31c2e5",
        "bd66"
    ),
    gy: concat!(
        "011839296a789a3bc0045c8a5fb42c7d1bd998f54449579b446817afbd17273e",
        "662c97ee72995ef42640c550b9013fad0761353c7086a272c24088be94769fd1",
        "6650"
    ),
    n: concat!(
        "01ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
        "fffa51868783bf2f966b7fcc0148f709a5d03bb5c9b8899c47aebb6fb71e9138",
        "6409"
    ),
};

/// RFC 9180 Appendix A: one suite's base-mode setup, its first encryption
/// and its exported values. `info`, `pt` and the first `aad` are common to
/// every suite ([`RFC9180_INFO`], [`RFC9180_PT`], [`RFC9180_AAD_0`]).
pub(crate) struct Rfc9180Base {
    pub(crate) section: &'static str,
    pub(crate) suite: CipherSuite,
    pub(crate) ids: (u16, u16, u16),
    pub(crate) ikm_e: &'static str,
    pub(crate) pk_em: &'static str,
    pub(crate) sk_em: &'static str,
    pub(crate) ikm_r: &'static str,
    pub(crate) pk_rm: &'static str,
    pub(crate) sk_rm: &'static str,
    pub(crate) shared_secret: &'static str,
    pub(crate) key_schedule_context: &'static str,
    pub(crate) secret: &'static str,
    pub(crate) key: &'static str,
    pub(crate) base_nonce: &'static str,
    pub(crate) exporter_secret: &'static str,
    /// The ciphertext of sequence number 0.
    pub(crate) ct: &'static str,
    /// `(exporter_context, exported_value)`, L = 32.
    pub(crate) exports: [(&'static str, &'static str); 3],
}

pub(crate) const RFC9180_INFO: &str = "4f6465206f6e2061204772656369616e2055726e";
pub(crate) const RFC9180_PT: &str = "4265617574792069732074727574682c20747275746820626561757479";
pub(crate) const RFC9180_AAD_0: &str = "436f756e742d30";

/// The three exporter contexts of every Appendix A suite.
const EXPORTER_CONTEXTS: [&str; 3] = ["", "00", "54657374436f6e74657874"];

pub(crate) const RFC9180_A1: Rfc9180Base = Rfc9180Base {
    section: "RFC 9180 A.1.1",
    suite: CipherSuite::MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519,
    ids: (0x0020, 0x0001, 0x0001),
    ikm_e: "7268600d403fce431561aef583ee1613527cff655c1343f29812e66706df3234",
    pk_em: "37fda3567bdbd628e88668c3c8d7e97d1d1253b6d4ea6d44c150f741f1bf4431",
    sk_em: "52c4a758a802cd8b936eceea314432798d5baf2d7e9235dc084ab1b9cfa2f736",
    ikm_r: "6db9df30aa07dd42ee5e8181afdb977e538f5e1fec8a06223f33f7013e525037",
    pk_rm: "3948cfe0ad1ddb695d780e59077195da6c56506b027329794ab02bca80815c4d",
    sk_rm: "4612c550263fc8ad58375df3f557aac531d26850903e55a9f23f21d8534e8ac8",
    shared_secret: "fe0e18c9f024ce43799ae393c7e8fe8fce9d218875e8227b0187c04e7d2ea1fc",
    key_schedule_context: concat!(
        "00725611c9d98c07c03f60095cd32d400d8347d45ed67097bbad50fc56da742d",
        "07cb6cffde367bb0565ba28bb02c90744a20f5ef37f30523526106f637abb054",
        "49"
    ),
    secret: "12fff91991e93b48de37e7daddb52981084bd8aa64289c3788471d9a9712f397",
    key: "4531685d41d65f03dc48f6b8302c05b0",
    base_nonce: "56d890e5accaaf011cff4b7d",
    exporter_secret: "45ff1c2e220db587171952c0592d5f5ebe103f1561a2614e38f2ffd47e99e3f8",
    ct: concat!(
        "f938558b5d72f1a23810b4be2ab4f84331acc02fc97babc53a52ae8218a355a9",
        "6d8770ac83d07bea87e13c512a"
    ),
    exports: [
        (
            EXPORTER_CONTEXTS[0],
            "3853fe2b4035195a573ffc53856e77058e15d9ea064de3e59f4961d0095250ee",
        ),
        (
            EXPORTER_CONTEXTS[1],
            "2e8f0b54673c7029649d4eb9d5e33bf1872cf76d623ff164ac185da9e88c21a5",
        ),
        (
            EXPORTER_CONTEXTS[2],
            "e9e43065102c3836401bed8c3c3c75ae46be1639869391d62c61f1ec7af54931",
        ),
    ],
};

pub(crate) const RFC9180_A2: Rfc9180Base = Rfc9180Base {
    section: "RFC 9180 A.2.1",
    suite: CipherSuite::MLS_128_DHKEMX25519_CHACHA20POLY1305_SHA256_Ed25519,
    ids: (0x0020, 0x0001, 0x0003),
    ikm_e: "909a9b35d3dc4713a5e72a4da274b55d3d3821a37e5d099e74a647db583a904b",
    pk_em: "1afa08d3dec047a643885163f1180476fa7ddb54c6a8029ea33f95796bf2ac4a",
    sk_em: "f4ec9b33b792c372c1d2c2063507b684ef925b8c75a42dbcbf57d63ccd381600",
    ikm_r: "1ac01f181fdf9f352797655161c58b75c656a6cc2716dcb66372da835542e1df",
    pk_rm: "4310ee97d88cc1f088a5576c77ab0cf5c3ac797f3d95139c6c84b5429c59662a",
    sk_rm: "8057991eef8f1f1af18f4a9491d16a1ce333f695d4db8e38da75975c4478e0fb",
    shared_secret: "0bbe78490412b4bbea4812666f7916932b828bba79942424abb65244930d69a7",
    key_schedule_context: concat!(
        "00431df6cd95e11ff49d7013563baf7f11588c75a6611ee2a4404a49306ae4cf",
        "c5b69c5718a60cc5876c358d3f7fc31ddb598503f67be58ea1e798c0bb19eb97",
        "96"
    ),
    secret: "5b9cd775e64b437a2335cf499361b2e0d5e444d5cb41a8a53336d8fe402282c6",
    key: "ad2744de8e17f4ebba575b3f5f5a8fa1f69c2a07f6e7500bc60ca6e3e3ec1c91",
    base_nonce: "5c4d98150661b848853b547f",
    exporter_secret: "a3b010d4994890e2c6968a36f64470d3c824c8f5029942feb11e7a74b2921922",
    ct: concat!(
        "1c5250d8034ec2b784ba2cfd69dbdb8af406cfe3ff938e131f0def8c8b60b4db",
        "21993c62ce81883d2dd1b51a28"
    ),
    exports: [
        (
            EXPORTER_CONTEXTS[0],
            "4bbd6243b8bb54cec311fac9df81841b6fd61f56538a775e7c80a9f40160606e",
        ),
        (
            EXPORTER_CONTEXTS[1],
            "8c1df14732580e5501b00f82b10a1647b40713191b7c1240ac80e2b68808ba69",
        ),
        (
            EXPORTER_CONTEXTS[2],
            "5acb09211139c43b3090489a9da433e8a30ee7188ba8b0a9a1ccf0c229283e53",
        ),
    ],
};

pub(crate) const RFC9180_A3: Rfc9180Base = Rfc9180Base {
    section: "RFC 9180 A.3.1",
    suite: CipherSuite::MLS_128_DHKEMP256_AES128GCM_SHA256_P256,
    ids: (0x0010, 0x0001, 0x0001),
    ikm_e: "4270e54ffd08d79d5928020af4686d8f6b7d35dbe470265f1f5aa22816ce860e",
    pk_em: concat!(
        "04a92719c6195d5085104f469a8b9814d5838ff72b60501e2c4466e5e67b325a",
        "c98536d7b61a1af4b78e5b7f951c0900be863c403ce65c9bfcb9382657222d18",
        "c4"
    ),
    sk_em: "4995788ef4b9d6132b249ce59a77281493eb39af373d236a1fe415cb0c2d7beb",
    ikm_r: "668b37171f1072f3cf12ea8a236a45df23fc13b82af3609ad1e354f6ef817550",
    pk_rm: concat!(
        "04fe8c19ce0905191ebc298a9245792531f26f0cece2460639e8bc39cb7f706a",
        "826a779b4cf969b8a0e539c7f62fb3d30ad6aa8f80e30f1d128aafd68a2ce72e",
        "a0"
    ),
    sk_rm: "f3ce7fdae57e1a310d87f1ebbde6f328be0a99cdbcadf4d6589cf29de4b8ffd2",
    shared_secret: "c0d26aeab536609a572b07695d933b589dcf363ff9d93c93adea537aeabb8cb8",
    key_schedule_context: concat!(
        "00b88d4e6d91759e65e87c470e8b9141113e9ad5f0c8ceefc1e088c82e698050",
        "0798e486f9c9c09c9b5c753ac72d6005de254c607d1b534ed11d493ae1c1d9ac",
        "85"
    ),
    secret: "2eb7b6bf138f6b5aff857414a058a3f1750054a9ba1f72c2cf0684a6f20b10e1",
    key: "868c066ef58aae6dc589b6cfdd18f97e",
    base_nonce: "4e0bc5018beba4bf004cca59",
    exporter_secret: "14ad94af484a7ad3ef40e9f3be99ecc6fa9036df9d4920548424df127ee0d99f",
    ct: concat!(
        "5ad590bb8baa577f8619db35a36311226a896e7342a6d836d8b7bcd2f20b6c7f",
        "9076ac232e3ab2523f39513434"
    ),
    exports: [
        (
            EXPORTER_CONTEXTS[0],
            "5e9bc3d236e1911d95e65b576a8a86d478fb827e8bdfe77b741b289890490d4d",
        ),
        (
            EXPORTER_CONTEXTS[1],
            "6cff87658931bda83dc857e6353efe4987a201b849658d9b047aab4cf216e796",
        ),
        (
            EXPORTER_CONTEXTS[2],
            "d8f1ea7942adbba7412c6d431c62d01371ea476b823eb697e1f6e6cae1dab85a",
        ),
    ],
};

pub(crate) const RFC9180_A6: Rfc9180Base = Rfc9180Base {
    section: "RFC 9180 A.6.1",
    suite: CipherSuite::MLS_256_DHKEMP521_AES256GCM_SHA512_P521,
    ids: (0x0012, 0x0003, 0x0002),
    ikm_e: concat!(
        "7f06ab8215105fc46aceeb2e3dc5028b44364f960426eb0d8e4026c2f8b5d7e7",
        "a986688f1591abf5ab753c357a5d6f0440414b4ed4ede71317772ac98d9239f7",
        "0904"
    ),
    pk_em: concat!(
        "040138b385ca16bb0d5fa0c0665fbbd7e69e3ee29f63991d3e9b5fa740aab890",
        "0aaeed46ed73a49055758425a0ce36507c54b29cc5b85a5cee6bae0cf1c21f27",
        "31ece2013dc3fb7c8d21654bb161b463962ca19e8c654ff24c94dd2898de1205",
        "1f1ed0692237fb02b2f8d1dc1c73e9b366b529eb436e98a996ee522aef863dd5",
        "739d2f29b0"
    ),
    sk_em: concat!(
        "014784c692da35df6ecde98ee43ac425dbdd0969c0c72b42f2e708ab9d535415",
        "a8569bdacfcc0a114c85b8e3f26acf4d68115f8c91a66178cdbd03b7bcc5291e",
        "374b"
    ),
    ikm_r: concat!(
        "2ad954bbe39b7122529f7dde780bff626cd97f850d0784a432784e69d86eccaa",
        "de43b6c10a8ffdb94bf943c6da479db137914ec835a7e715e36e45e29b587bab",
        "3bf1"
    ),
    pk_rm: concat!(
        "0401b45498c1714e2dce167d3caf162e45e0642afc7ed435df7902ccae0e84ba",
        "0f7d373f646b7738bbbdca11ed91bdeae3cdcba3301f2457be452f271fa68375",
        "80e661012af49583a62e48d44bed350c7118c0d8dc861c238c72a2bda17f6470",
        "4f464b57338e7f40b60959480c0e58e6559b190d81663ed816e523b6b6a418f6",
        "6d2451ec64"
    ),
    sk_rm: concat!(
        "01462680369ae375e4b3791070a7458ed527842f6a98a79ff5e0d4cbde83c271",
        "96a3916956655523a6a2556a7af62c5cadabe2ef9da3760bb21e005202f7b246",
        "2847"
    ),
    shared_secret: concat!(
        "776ab421302f6eff7d7cb5cb1adaea0cd50872c71c2d63c30c4f1d5e43653336",
        "fef33b103c67e7a98add2d3b66e2fda95b5b2a667aa9dac7e59cc1d46d30e818"
    ),
    key_schedule_context: concat!(
        "0083a27c5b2358ab4dae1b2f5d8f57f10ccccc822a473326f543f239a70aee46",
        "347324e84e02d7651a10d08fb3dda739d22d50c53fbfa8122baacd0f9ae59130",
        "72ef45baa1f3a4b169e141feb957e48d03f28c837d8904c3d6775308c3d3faa7",
        "5dd64adfa44e1a1141edf9349959b8f8e5291cbdc56f62b0ed6527d692e85b09",
        "a4"
    ),
    secret: concat!(
        "49fd9f53b0f93732555b2054edfdc0e3101000d75df714b98ce5aa295a37f1b1",
        "8dfa86a1c37286d805d3ea09a20b72f93c21e83955a1f01eb7c5eead563d21e7"
    ),
    key: "751e346ce8f0ddb2305c8a2a85c70d5cf559c53093656be636b9406d4d7d1b70",
    base_nonce: "55ff7a7d739c69f44b25447b",
    exporter_secret: concat!(
        "e4ff9dfbc732a2b9c75823763c5ccc954a2c0648fc6de80a58581252d0ee3215",
        "388a4455e69086b50b87eb28c169a52f42e71de4ca61c920e7bd24c95cc3f992"
    ),
    ct: concat!(
        "170f8beddfe949b75ef9c387e201baf4132fa7374593dfafa90768788b7b2b20",
        "0aafcc6d80ea4c795a7c5b841a"
    ),
    exports: [
        (
            EXPORTER_CONTEXTS[0],
            "05e2e5bd9f0c30832b80a279ff211cc65eceb0d97001524085d609ead60d0412",
        ),
        (
            EXPORTER_CONTEXTS[1],
            "fca69744bb537f5b7a1596dbf34eaa8d84bf2e3ee7f1a155d41bd3624aa92b63",
        ),
        (
            EXPORTER_CONTEXTS[2],
            "f389beaac6fcf6c0d9376e20f97e364f0609a88f1bc76d7328e9104df8477013",
        ),
    ],
};
