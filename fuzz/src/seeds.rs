//! Writing seed files: one directory per target, file names from the
//! content (as libFuzzer names corpus entries), so writing twice adds
//! nothing.

use crate::provider::mix;
use std::path::{Path, PathBuf};

/// Where seeds for each target go.
pub struct SeedDir {
    root: PathBuf,
    pub written: usize,
}

/// The wire targets and the `MlsMessage` body each one decodes.
pub const WIRE_TARGETS: [&str; 7] = [
    "mls_message",
    "welcome",
    "group_info",
    "key_package",
    "ratchet_tree",
    "proposal",
    "commit",
];

impl SeedDir {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self {
            root: root.into(),
            written: 0,
        }
    }

    /// Writes `bytes` as a seed of `target`.
    pub fn add(&mut self, target: &str, bytes: &[u8]) -> std::io::Result<()> {
        let dir = self.root.join(target);
        std::fs::create_dir_all(&dir)?;
        let name: String = mix(&[b"seed name", bytes], 12)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let path: &Path = &dir.join(name);
        if !path.exists() {
            std::fs::write(path, bytes)?;
            self.written += 1;
        }
        Ok(())
    }
}
