//! Finding, checking and reading the official test vectors.
//!
//! The vectors are not in this repository: [`pin`] records which files of
//! which upstream commit the project is tested against, with their SHA-256
//! digests. A folder holding them is found by [`VectorDir::locate`]: the
//! `--vectors` argument, else `$MLS_TEST_VECTORS`, else the download cache
//! that [`fetch()`] fills ([`cache_dir`]). The whole folder is checked against
//! the pin when it is found, and each file again when it is read, so a run
//! never uses bytes the pin does not vouch for.

mod check;
mod fetch;
pub mod pin;

pub use check::Problem;
pub use fetch::{FetchError, Fetched, fetch};

use serde::de::DeserializeOwned;
use std::path::{Path, PathBuf};

/// The environment variable naming the vector folder.
pub const ENV_VAR: &str = "MLS_TEST_VECTORS";

/// The command that makes the pinned vectors available.
pub const FETCH_COMMAND: &str = "cargo run -q -p interop -- fetch-vectors";

/// The download cache: `mls-test-vectors` in Cargo's target folder
/// (`$CARGO_TARGET_DIR`, else `target/` of this workspace).
pub fn cache_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            let interop = Path::new(env!("CARGO_MANIFEST_DIR"));
            interop.parent().unwrap_or(interop).join("target")
        });
    target.join("mls-test-vectors")
}

/// Where a vector folder was chosen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// The `--vectors` (or `--dir`) argument.
    Argument,
    /// `$MLS_TEST_VECTORS`.
    Environment,
    /// The download cache, [`cache_dir`].
    Cache,
}

impl Origin {
    fn describe(self) -> &'static str {
        match self {
            Origin::Argument => "the folder given as argument",
            Origin::Environment => "$MLS_TEST_VECTORS",
            Origin::Cache => "the download cache",
        }
    }
}

/// The folder to use: the argument, else `$MLS_TEST_VECTORS` (if set and
/// not empty), else the download cache. A folder that was chosen is used
/// or refused; there is no fallback to the next one.
pub fn choose(explicit: Option<&Path>) -> (PathBuf, Origin) {
    if let Some(dir) = explicit {
        return (dir.to_path_buf(), Origin::Argument);
    }
    match std::env::var_os(ENV_VAR).filter(|v| !v.is_empty()) {
        Some(dir) => (PathBuf::from(dir), Origin::Environment),
        None => (cache_dir(), Origin::Cache),
    }
}

/// Why no usable vector folder was found, or a file could not be used.
#[derive(Debug)]
pub enum VectorsError {
    /// The chosen folder does not exist.
    NotFound {
        /// The folder.
        dir: PathBuf,
        /// How it was chosen.
        origin: Origin,
    },
    /// The folder exists but does not hold exactly the pinned files.
    Invalid {
        /// The folder.
        dir: PathBuf,
        /// Every problem found, each naming its file.
        problems: Vec<Problem>,
    },
}

impl std::fmt::Display for VectorsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            VectorsError::NotFound { dir, origin } => {
                write!(
                    f,
                    "test vectors not found: {} ({}) does not exist",
                    dir.display(),
                    origin.describe()
                )?;
                if *origin == Origin::Cache {
                    write!(f, "; they are not in this repository")?;
                }
                write!(
                    f,
                    ".\nTo fix: run `{FETCH_COMMAND}` (downloads the {} pinned files of {}@{} \
                     into {} and checks their digests), or set {ENV_VAR} to a folder holding them.",
                    pin::OFFICIAL.files.len(),
                    pin::UPSTREAM_REPOSITORY,
                    short(pin::OFFICIAL.commit),
                    cache_dir().display()
                )
            }
            VectorsError::Invalid { dir, problems } => {
                write!(
                    f,
                    "the test vector folder {} does not hold the pinned vectors of {}@{}:",
                    dir.display(),
                    pin::UPSTREAM_REPOSITORY,
                    short(pin::OFFICIAL.commit)
                )?;
                for p in problems {
                    write!(f, "\n  {p}")?;
                }
                write!(
                    f,
                    "\nTo fix: run `{FETCH_COMMAND}` (add `--dir {}` for this folder; \
                     it fills in missing files but leaves a changed one for you to remove).",
                    dir.display()
                )
            }
        }
    }
}

impl std::error::Error for VectorsError {}

/// The first 12 hex digits of a commit, as in messages.
pub(crate) fn short(commit: &str) -> &str {
    commit.get(..12).unwrap_or(commit)
}

/// A vector folder whose files are checked before use.
#[derive(Clone, Debug)]
pub struct VectorDir {
    dir: PathBuf,
    pin: Option<&'static pin::Pin>,
}

impl VectorDir {
    /// Finds the official vectors (see [`choose`]) and checks the folder
    /// against [`pin::OFFICIAL`]: every pinned file present with its digest,
    /// and no other `.json` file.
    pub fn locate(explicit: Option<&Path>) -> Result<Self, VectorsError> {
        let (dir, origin) = choose(explicit);
        if !dir.is_dir() {
            return Err(VectorsError::NotFound { dir, origin });
        }
        Self::pinned(&dir, &pin::OFFICIAL)
    }

    /// Checks `dir` against `pin` as [`locate`](Self::locate) does.
    pub fn pinned(dir: &Path, pin: &'static pin::Pin) -> Result<Self, VectorsError> {
        let problems = check::folder(dir, pin);
        if problems.is_empty() {
            Ok(Self {
                dir: dir.to_path_buf(),
                pin: Some(pin),
            })
        } else {
            Err(VectorsError::Invalid {
                dir: dir.to_path_buf(),
                problems,
            })
        }
    }

    /// A folder of files in the vectors' formats that the pin does not
    /// vouch for (edited copies in tests, recorded sessions): files are
    /// read as they are.
    pub fn unpinned(dir: &Path) -> Self {
        Self {
            dir: dir.to_path_buf(),
            pin: None,
        }
    }

    /// The folder.
    pub fn path(&self) -> &Path {
        &self.dir
    }

    /// The bytes of `file`; for a pinned folder, only if they match the
    /// pin (checked on these bytes, so a file changed after
    /// [`locate`](Self::locate) is refused too).
    pub fn read(&self, file: &str) -> Result<Vec<u8>, VectorsError> {
        let path = self.dir.join(file);
        let invalid = |problem| VectorsError::Invalid {
            dir: self.dir.clone(),
            problems: vec![problem],
        };
        match self.pin {
            Some(pin) => {
                let pinned = pin
                    .file(file)
                    .ok_or_else(|| invalid(Problem::Unexpected { file: path.clone() }))?;
                check::read_pinned(&path, pinned).map_err(invalid)
            }
            None => std::fs::read(&path).map_err(|e| {
                invalid(Problem::Unreadable {
                    file: path.clone(),
                    error: e.to_string(),
                })
            }),
        }
    }

    /// Reads and parses `file`.
    pub fn load<T: DeserializeOwned>(&self, file: &str) -> Result<T, String> {
        let bytes = self.read(file).map_err(|e| e.to_string())?;
        serde_json::from_slice(&bytes)
            .map_err(|e| format!("cannot parse {}: {e}", self.dir.join(file).display()))
    }
}

/// Reads and parses the file at `path`, which no pin covers (a recorded
/// passive-client session given by path).
pub fn load_path<T: DeserializeOwned>(path: &Path) -> Result<T, String> {
    let text = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    serde_json::from_slice(&text).map_err(|e| format!("cannot parse {}: {e}", path.display()))
}

/// Hex bytes as they appear in the vector files.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hex(pub Vec<u8>);

impl<'de> serde::Deserialize<'de> for Hex {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        hex::decode(&s).map(Hex).map_err(serde::de::Error::custom)
    }
}

impl std::ops::Deref for Hex {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        &self.0
    }
}
