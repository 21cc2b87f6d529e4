//! The pinned copy of the official test vectors.
//!
//! The vectors are the MLS working group's files, not ours: the repository
//! never holds them. It records instead where they come from (one commit of
//! the working group's interop repository) and what each must hash to, the
//! way projects pin an external test suite. `mls-interop fetch-vectors`
//! downloads exactly these files, and every file is checked against its
//! digest before the runner or a test reads it.
//!
//! To move the pin: take the files of the new commit by hand, write its hash
//! in [`UPSTREAM_COMMIT`] and each file's size and `sha256sum` in [`FILES`],
//! and update the case counts in `tests/vectors.rs` in the same commit.
//!
//! Upstream's folder also holds `passive-client-random.json` at this commit.
//! It is not pinned (the project's copies do not include it), so a folder
//! that holds it is refused by name until it is added here; the runner
//! already reads its format (`--passive`).

/// The working group's interop repository.
pub const UPSTREAM_REPOSITORY: &str = "mlswg/mls-implementations";

/// The commit of [`UPSTREAM_REPOSITORY`] the digests below were taken from.
pub const UPSTREAM_COMMIT: &str = "cfd450286d1bfd9cd2519b95c80f9771f94a5b1a";

/// The folder of [`UPSTREAM_REPOSITORY`] that holds the vectors.
pub const UPSTREAM_FOLDER: &str = "test-vectors";

/// Where `fetch-vectors` downloads from by default: files are at
/// `{DEFAULT_BASE_URL}/{UPSTREAM_COMMIT}/{UPSTREAM_FOLDER}/{name}`.
pub const DEFAULT_BASE_URL: &str = "https://raw.githubusercontent.com/mlswg/mls-implementations";

/// One pinned file: its name, size in bytes and SHA-256 digest (hex).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PinnedFile {
    /// The file name inside the vector folder.
    pub name: &'static str,
    /// Its exact length in bytes.
    pub size: u64,
    /// Its SHA-256 digest, lowercase hex.
    pub sha256: &'static str,
}

/// A set of pinned files from one commit of a repository.
#[derive(Clone, Copy, Debug)]
pub struct Pin {
    /// The commit the files were taken from.
    pub commit: &'static str,
    /// The folder inside that commit.
    pub folder: &'static str,
    /// The files, in report order.
    pub files: &'static [PinnedFile],
}

impl Pin {
    /// The pinned file called `name`, if the pin lists it.
    pub fn file(&self, name: &str) -> Option<&'static PinnedFile> {
        self.files.iter().find(|f| f.name == name)
    }
}

/// The official vectors this project is tested against.
pub const OFFICIAL: Pin = Pin {
    commit: UPSTREAM_COMMIT,
    folder: UPSTREAM_FOLDER,
    files: &FILES,
};

/// The 15 files of [`OFFICIAL`], in the order the runner reports them.
pub const FILES: [PinnedFile; 15] = [
    PinnedFile {
        name: "tree-math.json",
        size: 91_438,
        sha256: "27f04891f56106593b74b674445f01b845e173953770c084deb2f8cf5592e2fc",
    },
    PinnedFile {
        name: "deserialization.json",
        size: 934,
        sha256: "1e394706e79f77df71454e5970f2aa736d4ab8b6c7e3219dd5609992388a953e",
    },
    PinnedFile {
        name: "crypto-basics.json",
        size: 20_116,
        sha256: "17cfcf89af9f51d0f2aa7af77f6f9ec99376a039214b6d42a6f11646b83e8c29",
    },
    PinnedFile {
        name: "key-schedule.json",
        size: 101_795,
        sha256: "05aa9a68bd2538ace72d8c53375984cc728ef62220ebf314df675708546d97a7",
    },
    PinnedFile {
        name: "psk_secret.json",
        size: 155_437,
        sha256: "2b534969dba0b65a04b7d790496af5c0ccdb472b3fc4ca25c8c82df3e8523784",
    },
    PinnedFile {
        name: "secret-tree.json",
        size: 211_298,
        sha256: "08f92e6272452e2c832e32d38e16cf0c4aa28967e47d3842c60bc354c6b67a94",
    },
    PinnedFile {
        name: "transcript-hashes.json",
        size: 7_328,
        sha256: "58046b58fbd98519b4e60953a105f550e4b427e2b140ea67dedcb751260eecb8",
    },
    PinnedFile {
        name: "message-protection.json",
        size: 30_812,
        sha256: "f7c1ae62ce63c3003e526d539c99f2b1444f65ee0a487d3a5667d46867526c45",
    },
    PinnedFile {
        name: "messages.json",
        size: 2_685_714,
        sha256: "b194abe1561995223482dbad51c180146920dc2f637e74d01e07a388308791fb",
    },
    PinnedFile {
        name: "tree-validation.json",
        size: 1_383_087,
        sha256: "b66a432d93b520623f0640835ed43b9dfc95e116b8be081d81581d7c11e67a37",
    },
    PinnedFile {
        name: "tree-operations.json",
        size: 50_670,
        sha256: "9a25f8720714d1256ba2dad8d83a660ba0bae0d33ed15c682b9d74a5d67aad0a",
    },
    PinnedFile {
        name: "treekem.json",
        size: 1_970_683,
        sha256: "d8bbdf78394797f21db7476fd286af6830ebcb18d2e3b2c839fecd4eb11056f8",
    },
    PinnedFile {
        name: "welcome.json",
        size: 16_815,
        sha256: "06be9d5c99817ef2545e4b15b8e73fd9b604685a8e55b59ca168eda98e236502",
    },
    PinnedFile {
        name: "passive-client-welcome.json",
        size: 719_346,
        sha256: "92ebb04b67b1aca4290965ae363650921842ceebe275bd79a2733414078d849c",
    },
    PinnedFile {
        name: "passive-client-handling-commit.json",
        size: 1_285_850,
        sha256: "b24949fdf857bf79d511f57504a8bdc7ce3247eb199684745e439c11b1a1da21",
    },
];
