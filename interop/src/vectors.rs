//! Finding and reading the official test vectors.

use serde::de::DeserializeOwned;
use std::path::{Path, PathBuf};

/// The environment variable naming the vector folder.
pub const ENV_VAR: &str = "MLS_TEST_VECTORS";

/// Where the vectors were looked for and why none were used.
#[derive(Debug)]
pub struct VectorsNotFound {
    /// Every folder tried, in order.
    pub tried: Vec<PathBuf>,
}

impl std::fmt::Display for VectorsNotFound {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "test vector folder not found; looked in:")?;
        for p in &self.tried {
            write!(f, " {}", p.display())?;
        }
        write!(f, " (pass --vectors DIR or set {ENV_VAR})")
    }
}

impl std::error::Error for VectorsNotFound {}

/// Resolves the vector folder: `explicit` (from `--vectors`), else
/// `$MLS_TEST_VECTORS`, else `../shared/test-vectors` from the working
/// directory, else the same folder relative to the workspace root (so
/// `cargo test`, which runs in the crate folder, finds it too). An explicit
/// or environment choice that does not exist is an error, not a fallback.
pub fn locate(explicit: Option<&Path>) -> Result<PathBuf, VectorsNotFound> {
    let chosen = explicit
        .map(Path::to_path_buf)
        .or_else(|| std::env::var_os(ENV_VAR).map(PathBuf::from));
    let candidates = match chosen {
        Some(dir) => vec![dir],
        None => vec![
            PathBuf::from("../shared/test-vectors"),
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/test-vectors"),
        ],
    };
    candidates
        .iter()
        .find(|p| p.is_dir())
        .cloned()
        .ok_or(VectorsNotFound { tried: candidates })
}

/// Reads and parses one vector file.
pub fn load<T: DeserializeOwned>(dir: &Path, file: &str) -> Result<T, String> {
    load_path(&dir.join(file))
}

/// Reads and parses the vector file at `path`.
pub fn load_path<T: DeserializeOwned>(path: &Path) -> Result<T, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("cannot parse {}: {e}", path.display()))
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
