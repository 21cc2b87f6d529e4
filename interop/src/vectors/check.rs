//! Checking a vector folder and its files against a pin.

use super::pin::{Pin, PinnedFile};
use sha2::{Digest, Sha256};
use std::io::Read as _;
use std::path::{Path, PathBuf};

/// One thing wrong with a vector folder, naming the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Problem {
    /// A pinned file is not there.
    Missing {
        /// The path it should have.
        file: PathBuf,
    },
    /// A pinned file is there with other contents.
    Mismatch {
        /// The file.
        file: PathBuf,
        /// The digest the pin records.
        expected: &'static str,
        /// The digest of the file's bytes (of its first `size + 1` bytes
        /// when it is longer than the pinned file).
        actual: String,
    },
    /// A `.json` file the pin does not list: the runner would not run it,
    /// so a renamed or new upstream file cannot pass unnoticed.
    Unexpected {
        /// The file.
        file: PathBuf,
    },
    /// The file or folder could not be read.
    Unreadable {
        /// The file or folder.
        file: PathBuf,
        /// The system's error.
        error: String,
    },
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Problem::Missing { file } => write!(f, "{}: missing", file.display()),
            Problem::Mismatch {
                file,
                expected,
                actual,
            } => write!(
                f,
                "{}: SHA-256 is {actual}, the pin says {expected} (changed, truncated or \
                 from another commit)",
                file.display()
            ),
            Problem::Unexpected { file } => write!(
                f,
                "{}: not a pinned vector file (remove it, or add it to the pin in \
                 interop/src/vectors/pin.rs)",
                file.display()
            ),
            Problem::Unreadable { file, error } => {
                write!(f, "{}: cannot read: {error}", file.display())
            }
        }
    }
}

/// Lowercase hex SHA-256 of `bytes`.
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Whether `bytes` are exactly the pinned file.
pub(crate) fn matches(bytes: &[u8], pinned: &PinnedFile) -> Result<(), String> {
    let actual = sha256_hex(bytes);
    if u64::try_from(bytes.len()).ok() == Some(pinned.size) && actual == pinned.sha256 {
        Ok(())
    } else {
        Err(actual)
    }
}

/// Reads the file at `path` if it is exactly `pinned`. At most one byte
/// more than the pinned size is read, so a huge file in its place costs
/// nothing.
pub(crate) fn read_pinned(path: &Path, pinned: &PinnedFile) -> Result<Vec<u8>, Problem> {
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(Problem::Missing {
                file: path.to_path_buf(),
            });
        }
        Err(e) => {
            return Err(Problem::Unreadable {
                file: path.to_path_buf(),
                error: e.to_string(),
            });
        }
    };
    let mut bytes = Vec::new();
    file.take(pinned.size.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| Problem::Unreadable {
            file: path.to_path_buf(),
            error: e.to_string(),
        })?;
    match matches(&bytes, pinned) {
        Ok(()) => Ok(bytes),
        Err(actual) => Err(Problem::Mismatch {
            file: path.to_path_buf(),
            expected: pinned.sha256,
            actual,
        }),
    }
}

/// The `.json` files of `dir` that `pin` does not list, sorted.
pub(crate) fn unexpected(dir: &Path, pin: &Pin) -> Result<Vec<PathBuf>, Problem> {
    let unreadable = |e: std::io::Error| Problem::Unreadable {
        file: dir.to_path_buf(),
        error: e.to_string(),
    };
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(unreadable)? {
        let entry = entry.map_err(unreadable)?;
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        if name.ends_with(".json") && pin.file(name).is_none() {
            out.push(entry.path());
        }
    }
    out.sort();
    Ok(out)
}

/// Every problem of `dir` against `pin`: pinned files missing or changed,
/// `.json` files it does not list. Other files (a README, the format
/// notes) are left alone.
pub(crate) fn folder(dir: &Path, pin: &Pin) -> Vec<Problem> {
    let mut problems: Vec<Problem> = pin
        .files
        .iter()
        .filter_map(|f| read_pinned(&dir.join(f.name), f).err())
        .collect();
    match unexpected(dir, pin) {
        Ok(files) => problems.extend(files.into_iter().map(|file| Problem::Unexpected { file })),
        Err(p) => problems.push(p),
    }
    problems
}
