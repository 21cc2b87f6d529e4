//! Excerpts of the official `crypto-basics` test vectors (mls-implementations
//! repository) for the suites this backend offers. The full files are run by
//! the `interop` crate; these keep a known answer next to each primitive.

/// One suite's vectors, hex-encoded.
pub(crate) struct CryptoBasics {
    pub(crate) cipher_suite: u16,
    /// `sign_with_label` (label "SignWithLabel").
    pub(crate) sign_priv: &'static str,
    pub(crate) sign_pub: &'static str,
    pub(crate) sign_content: &'static str,
    pub(crate) signature: &'static str,
    /// `encrypt_with_label` (label "EncryptWithLabel").
    pub(crate) hpke_priv: &'static str,
    pub(crate) hpke_pub: &'static str,
    pub(crate) hpke_context: &'static str,
    pub(crate) kem_output: &'static str,
    pub(crate) ciphertext: &'static str,
    pub(crate) plaintext: &'static str,
    /// `derive_secret` (label "DeriveSecret").
    pub(crate) derive_secret_in: &'static str,
    pub(crate) derive_secret_out: &'static str,
}

pub(crate) const CRYPTO_BASICS: &[CryptoBasics] = &[
    CryptoBasics {
        cipher_suite: 1,
        sign_priv: "a2f640dd5005fcad6adb8e9bd8b60d70946bb802e1e788307929fdac81e1ec74",
        sign_pub: "85600e54e5c2919ccbd0742126e5d837cf7a2ba50d75a69b3f35dcfe4a50ffe2",
        sign_content: "cd289cc7ba2869f64f3c32ffd133f500d17abace919a5ffe7faa974200d81932",
        signature: concat!(
            "996bd223ddb4d55a2b57d85cb2944f21facc95696053ddf66d590060fdc719f4",
            "a26c6212ce605414e0d5e66a55921dd99d11122218c35bc23408b0076e8bc40b",
        ),
        hpke_priv: "fb1ade7939987ff12a9d620772b1f9f7caeba26f8a3ecea9617d9402cd862444",
        hpke_pub: "ecea6564da58d6c6cff6c733bd4ae0815b1f60bb911b73e4ef1d06263ec4ce58",
        hpke_context: "26347dd7f218d1de8673d6a66646ce06ac5fd3aa8d5c33f65d86aeefdcf4a31e",
        kem_output: "0a144e8fbf2d6dcf6fe9d2e2b8aeca5461ff5b0ea9c0ede1040c3dc7ed1dfd1c",
        ciphertext: concat!(
            "15c80ea2bc37db221baa530ef5aea88650f0ce0f262803d6f78f3a1392f7ccd9",
            "60eff94ca081ee54efa4c3acfa0eb591",
        ),
        plaintext: "8f55dd30f03d64335c22b53ea7670bb1becf49b04021f706368fe93eeb358f46",
        derive_secret_in: "1a9ce178a53f8752d2513c27efe9c85133f6c0a97f7b35ac200695024a77228e",
        derive_secret_out: "3b08c195a246c4ad469c1d11c10e62890d8fa6b684494ff925409efdb1ff0464",
    },
    CryptoBasics {
        cipher_suite: 2,
        sign_priv: "207c472d3efaf6737a6f5ae14a3c33a139034865364a128bca5475c85cc02fe0",
        sign_pub: concat!(
            "04448971fc06de011d780cf68fd27e2570322d04079f529c3deb48a2015fdd82",
            "8162c570264e051b5856e8111171fb0341907173aefa665682c2549af982a314",
            "83",
        ),
        sign_content: "a0dda617ce4685d764c762b11186b6d60ff8de85ff01eca2413bd4ecfd3b3a57",
        signature: concat!(
            "304402206042e397e1bb78951709790e3446b13bf17f9c641aaed92fb1768b5b",
            "c99dd98402202465153d91dd79e808286088768d8ed150381f3675498d6e150a",
            "e713be43387b",
        ),
        hpke_priv: "ff21771424dadd640e05c67983aafe19b4d8df50783a0c2decc17d0c7ca4cc17",
        hpke_pub: concat!(
            "047b27b0be346d14d7b4df30296a030deeba088746da7cfda43d0ec739df3ce9",
            "0d3c96d5f302e41f935ac9020651285c7bcf073172d375c5abcfc9e491b3491f",
            "88",
        ),
        hpke_context: "e27e3b0104990cca866751732c82787af4dcf265c893f77e31bcfd679370e24e",
        kem_output: concat!(
            "041fae8a8173cad50c0cc6d55f148ff8edda63083b3673cf6dce6a0ae6ee3f0b",
            "61505470309dade87ac5ccdb581da3e9ddf6726949d5a92b65dcad6c8679c731",
            "3e",
        ),
        ciphertext: concat!(
            "98b7d4edc79f4a90f65434050f75e31a3bc6501c584d41abd6ed5fe3c2db9de2",
            "2d25ef40c45cce7d0fcc881d7d27af2f",
        ),
        plaintext: "38a6b327573639d654b5b729336cf74d01728cf4fa9af81a0ef1814ffc1d492f",
        derive_secret_in: "7165576616048aa145d20f7c1d460e2d9d8bbde882bc3bb0750d50e369809f99",
        derive_secret_out: "1ecafd3d40cb32cae416e09bc01da56357d00cb094f74e3c69c2969216e50afc",
    },
    CryptoBasics {
        cipher_suite: 3,
        sign_priv: "4e312160ee4981358db479aa877412847abc7f7054b5605511256c395404d054",
        sign_pub: "18275f892ee0ca6f4687ff26c990776387502646ff658c3f572b324faecb05c5",
        sign_content: "df308cf2dbf471edf2c29d30e3daf161b5b87d350ee3b2c715c298ec3d10d432",
        signature: concat!(
            "4f56851c2c47f5115a61ff0ab6121b4a4732d4e94805fc7135a5132f87d5ca5f",
            "1dc7408816c1ea4f25887725cf5914b48c427a52cabcfeb746a2b8a12e821f08",
        ),
        hpke_priv: "9d122ad4638fcb301b6eb5f4073414afb44bb34d37b4ddee9975b2941d700edb",
        hpke_pub: "7a5544b59f5940bf093c921469a00a170a7c92ba56c173d74db32713608d8a40",
        hpke_context: "0d6a5cf9ee88b1f8c79d8512477d9bfc5496c207c8173f8dcac0368b4dba7407",
        kem_output: "f26e9e5a94396a90f85a5f72eedf3dacfb1b7f4164e0573edeb9c6c912e1cb49",
        ciphertext: concat!(
            "40dd09ad4c5dc29d373f814bf054c9359cb75a468bc4d2c8bbcffb072a73105c",
            "4d9416ebd4fafeb62e59a9dea55da3cd",
        ),
        plaintext: "1dd4c1904996ce7d42cee7de68881459fa7a345da59a02040ade37103505baf6",
        derive_secret_in: "cae460c779ebaa3e81c061a371486dff1ed1ff273bea369cc0fc46550b83c407",
        derive_secret_out: "aad859818ca5f2a9896d4d3ee2dccc0cefcd69b666bdb16b52f1de15fb1a5567",
    },
    CryptoBasics {
        cipher_suite: 5,
        sign_priv: concat!(
            "0075aac2317c4cd22c101bee131cf4eae76960435356436c46ea76cc821f66e0",
            "c59db66f8f6524cddc621019079b57ec5f105def6c08dcfaa0122480a088a5c4",
            "4b5e",
        ),
        sign_pub: concat!(
            "040049f6755dc251dea75df263286c9617cb676434c1167e14bd48222a15e10d",
            "aa02b9251c432f31c59511e9d9a6132dc2e3a5ee0d001925f4cbf6c9aff007e3",
            "8c61f601501a72177aa3d8836ee7adbce0ad5fedd59d578b1eb5d85dfadcae51",
            "8a8a3d1549c625f47db54040da9325ad5e1273d5df18e99c2a6d03d974f40486",
            "2bf2102054",
        ),
        sign_content: concat!(
            "3ccae9578cddec157c33b42712316cd2b360fa1020c21aa763bff71c6116cf93",
            "ce9db1ee95028f85c6711675f340f36e1382cfedf59e5b8ae6d85b659cda883d",
        ),
        signature: concat!(
            "308186024160b6fe7407a52fb499a54e7a4b8a095c38c9f7f52dd18c33426920",
            "27592252fda87b3476d7f433a79c9426b05d66b1d58291e625912483e04581fb",
            "a7cd64c63a920241760fe9615de08c694e7a443a33f2df2ee25f555275006164",
            "34ff5ba19778f3afac9d5b300a46cfb53cb317e7eb4f10679b09828edf62f529",
            "317a8c0d612103b1c5",
        ),
        hpke_priv: concat!(
            "0140731573ff1b849df07d9077d49242b2c1a8e9dc845fc38fc75c708be74bfa",
            "9f7c3f3f4294d6f4f309e9ad23fbaf8d308a483c4e6cc52483c192f7e0cb62b8",
            "f7d5",
        ),
        hpke_pub: concat!(
            "0400d9488728d90e262fc67d8d4efbd76005dad0b29f695b075dbd1dcac0d792",
            "aafd4b550b3c92406e8efd97a9b5dc84b6534b4749febef436fbd974986649da",
            "38fae5017db4eadbee6600599cbb8d5be2c77b97f6c784fc5883d1c9207ab715",
            "7694e63189abec4b5198684089228700658093922c45a8d1d90d657f069282a9",
            "4274531e1e",
        ),
        hpke_context: concat!(
            "64ea1f98161c229460d04c46d78c0861e3f0189597102e4c1ee2a6776d3e6b54",
            "bbcb1a43fc24ed9dba742d553dfc583f2ca24c696644a19975cc10b0e9992b0f",
        ),
        kem_output: concat!(
            "04009e3cec5e8cbb05ed3aa5b9d71a4afbd855082852bf1d46c9c65f9229f7cd",
            "4005031cff7b642c7bbefb351271f2280d1fb01f10796a3ee25b3c9b902dfa74",
            "ff2a0d017618797aff7c24686625b93ec12d4994d25cffc7d64542578e96f02b",
            "4ea0665ac2c5649137b1beea44569fbd691aeb14c290eb6f6245c149c60d702b",
            "e2518080c3",
        ),
        ciphertext: concat!(
            "28205aeb628df17121ea4627d2da4a98b632322be1da7c5abdf47d7fe747f13c",
            "575a5d1f8f2812cd9dfd7386edc6ea1fdb9767e5e8b49f09a0808bd3264f960b",
            "3ef496a27651760be88360045aaadcf9",
        ),
        plaintext: concat!(
            "d9f4f8a07e52230c13b55e5d930230421812ed5602d2bbc1b3c6eab80ac453fb",
            "6b36bd66054e11369f421d5db19703be5525bb0c30ba295a5cfe443cdbed99be",
        ),
        derive_secret_in: concat!(
            "3efe299abc9a73a264098c9beecd6923d8b07bb842537eb21f16e90c4a094512",
            "b46f3c1cbef3b86018b2d038f8ba6e874ea3972cebcd21a4ba4eb9474cccabb8",
        ),
        derive_secret_out: concat!(
            "53b38636e19310b7a4b7c03b2e908307aea080763c223504ed21b7821bdcaad7",
            "da9ca68d5196eed9337b2f36b5e23a40404c8a1adf5c92c9bf82d4bdcbbb1243",
        ),
    },
    CryptoBasics {
        cipher_suite: 7,
        sign_priv: concat!(
            "3fa2573fe417aba24c2bf0df290c6cd4425ad12cd95ce81871b15aee5ae34f1c",
            "49531b9ca392f3fc6443c7917381b77e",
        ),
        sign_pub: concat!(
            "04fe2469e05e1fae9874891e3c05907e16eba323ed97680187ab8321504b78c3",
            "159a6747fb6dcbc600e7e95cfaf1c623be2a4e4a4855d7bd9a3104c6238397f5",
            "26de1e61b62e48cac51a5a413ee435b6d15158100649c69d0abbaa4200f80633",
            "4c",
        ),
        sign_content: concat!(
            "80e54bf4518194eb9034dade8753ed06b4763a2f7b1df80320b00d8e7c3d1f61",
            "81f56fbf663b272592ae6d90e30816fd",
        ),
        signature: concat!(
            "3066023100c0847e70396150fdbe01fd2b192166ccfdfa398dd256855d6485c2",
            "43235b32276b40ca285a1aa8adf7257732e8f25f47023100b2aa141a67e034d3",
            "33b29690d705668350c637220836c29042a146383a07b2438ffa732afc272351",
            "cb3bddaf6a26afcb",
        ),
        hpke_priv: concat!(
            "cc20f4f626228151e2f75d623198087e14cf8fecb5eb7e780bd6a177d31fafa2",
            "95e6ea24e601d52c7fc4e7a9fb8907ff",
        ),
        hpke_pub: concat!(
            "046b377162761a08807035865b8e6122beb118cb640df3468e30fe4249daaeb6",
            "0e1ee9eff15bc9b95cc08839b35ff48b6848b12de26e96d671cab4926235739b",
            "d972ad08cd36574c22e884f3e9c761c3a28a9c8e140b887bb7460b8b657b57b2",
            "8b",
        ),
        hpke_context: concat!(
            "fb91549fe16bc4540788e61d4bc7f9704cc7af3657cc96ad2940500ab9fb749b",
            "bc63065477b336bb4b1c80d212536030",
        ),
        kem_output: concat!(
            "04e7f79fb8cb58a43ad5897c5696d5ec6b2b5e8b84fd65fa24e5ef98aaccadcd",
            "95df930f04462ec378e501f60c79baeaf199f4f752cee808efd55e9a4ce32010",
            "f1624314eae209cde57a4a6c9c10b3a26c681e5555419994490d8829cf9c3bc9",
            "6c",
        ),
        ciphertext: concat!(
            "f9caffe1b567c1860b70de5676c19c81b5927d9af22b3a0361cd936865b519d3",
            "5f06e8f81dd85cb79cb6b43abdf944c2663f79f82677c71979ce7fc457e56d47",
        ),
        plaintext: concat!(
            "fd137dab4ff57f2e9064a0fe2b2d8c72dd0f162d8ca3550e3e0561d5ee45a1e3",
            "7494fc1f2547dd9f38977fc01ada7e50",
        ),
        derive_secret_in: concat!(
            "ee9426e58f77d9e2c16a18a8758097143645c523a1e3050c7e61c54b6703c721",
            "d3747961660a163230a03515f0ca0746",
        ),
        derive_secret_out: concat!(
            "ad64a2748a2894e725825fbb97d8e9e11b30c7df09056b825a9328d7dd95a354",
            "36c326929b964afb181c747c1e95c3da",
        ),
    },
];
