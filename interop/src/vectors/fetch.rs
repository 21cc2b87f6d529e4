//! `fetch-vectors`: making the pinned vectors available in a folder.
//!
//! Files already there with their pinned digest are kept and nothing is
//! asked of the network; the others are downloaded over HTTPS (ureq on
//! rustls with the webpki roots), each checked against its size and digest
//! and only then moved into place, so the folder never holds a partial or
//! unverified file under a vector's name.

use super::check::{self, Problem};
use super::pin::{Pin, PinnedFile};
use super::{ENV_VAR, Origin, short};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// What [`fetch`] did.
#[derive(Debug)]
pub struct Fetched {
    /// The folder that now holds every pinned file.
    pub dir: PathBuf,
    /// The files it downloaded (none when all were present).
    pub downloaded: Vec<&'static str>,
    /// Files it removed from the download cache: pinned files whose bytes
    /// had changed, and `.json` files the pin no longer lists.
    pub removed: Vec<PathBuf>,
}

/// Why [`fetch`] did not leave every pinned file in the folder.
#[derive(Debug)]
pub enum FetchError {
    /// The folder could not be created or listed.
    Folder {
        /// The folder.
        dir: PathBuf,
        /// The system's error.
        error: String,
    },
    /// A folder of the user's holds files that would make the runner fail
    /// (a changed vector, a file the pin does not list); they are not
    /// overwritten or removed, and nothing was downloaded.
    Refused {
        /// The folder.
        dir: PathBuf,
        /// The files, each with what is wrong.
        problems: Vec<Problem>,
    },
    /// Some files could not be downloaded or did not match the pin. Those
    /// that did are in place.
    Download {
        /// The folder.
        dir: PathBuf,
        /// `(file, url, what went wrong)` for each file that failed.
        failures: Vec<(&'static str, String, String)>,
        /// The pin's commit, for the message.
        commit: &'static str,
    },
}

impl std::fmt::Display for FetchError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FetchError::Folder { dir, error } => {
                write!(f, "cannot use the folder {}: {error}", dir.display())
            }
            FetchError::Refused { dir, problems } => {
                write!(
                    f,
                    "{} holds files that do not match the pin; they are yours, so \
                     fetch-vectors leaves them alone:",
                    dir.display()
                )?;
                for p in problems {
                    write!(f, "\n  {p}")?;
                }
                write!(
                    f,
                    "\nTo fix: remove those files and run the command again, or fetch into \
                     another folder with --dir."
                )
            }
            FetchError::Download {
                dir,
                failures,
                commit,
            } => {
                write!(
                    f,
                    "{} pinned vector file(s) could not be put in {}:",
                    failures.len(),
                    dir.display()
                )?;
                for (file, url, why) in failures {
                    write!(f, "\n  {file}: {why} (from {url})")?;
                }
                write!(
                    f,
                    "\nFiles that were verified are kept. To fix: check the network and run the \
                     command again. Without network, copy the files (folder test-vectors/ of \
                     mlswg/mls-implementations at commit {}) from another machine into a \
                     folder and set {ENV_VAR} to it.",
                    short(commit)
                )
            }
        }
    }
}

impl std::error::Error for FetchError {}

/// Makes every file of `pin` available in `dir`, downloading from
/// `{base_url}/{commit}/{folder}/{name}` only what is missing.
///
/// `origin` says whose folder it is. The download cache belongs to this
/// command: a file there whose bytes no longer match (an older pin) is
/// replaced, and a `.json` file the pin does not list is removed. A folder
/// the user chose is never overwritten: such files are reported and nothing
/// is downloaded. Progress goes to `log`.
pub fn fetch(
    pin: &Pin,
    dir: &Path,
    origin: Origin,
    base_url: &str,
    log: &mut dyn Write,
) -> Result<Fetched, FetchError> {
    let folder_error = |e: std::io::Error| FetchError::Folder {
        dir: dir.to_path_buf(),
        error: e.to_string(),
    };
    std::fs::create_dir_all(dir).map_err(folder_error)?;
    let owned = origin == Origin::Cache;

    let mut needed: Vec<&'static PinnedFile> = Vec::new();
    let mut refused: Vec<Problem> = Vec::new();
    let mut removed: Vec<PathBuf> = Vec::new();
    for file in pin.files {
        match check::read_pinned(&dir.join(file.name), file) {
            Ok(_) => {}
            Err(Problem::Missing { .. }) => needed.push(file),
            Err(problem) if owned => {
                let _ = writeln!(log, "replacing {problem}");
                needed.push(file);
            }
            Err(problem) => refused.push(problem),
        }
    }
    let unexpected = check::unexpected(dir, pin).map_err(|p| FetchError::Folder {
        dir: dir.to_path_buf(),
        error: p.to_string(),
    })?;
    for file in unexpected {
        if owned {
            std::fs::remove_file(&file).map_err(folder_error)?;
            let _ = writeln!(log, "removed {} (not in the pin)", file.display());
            removed.push(file);
        } else {
            refused.push(Problem::Unexpected { file });
        }
    }
    if !refused.is_empty() {
        return Err(FetchError::Refused {
            dir: dir.to_path_buf(),
            problems: refused,
        });
    }
    if needed.is_empty() {
        return Ok(Fetched {
            dir: dir.to_path_buf(),
            downloaded: Vec::new(),
            removed,
        });
    }

    let agent = agent();
    let base = base_url.trim_end_matches('/');
    let mut downloaded = Vec::new();
    let mut failures = Vec::new();
    let mut unreachable = false;
    for file in needed {
        let url = format!("{base}/{}/{}/{}", pin.commit, pin.folder, file.name);
        if unreachable {
            // One dead network is enough: trying the other files would
            // only wait out the same timeout again.
            failures.push((
                file.name,
                url,
                "not tried: the server was unreachable".into(),
            ));
            continue;
        }
        let _ = writeln!(log, "downloading {} ({} bytes)", file.name, file.size);
        let result = download(&agent, &url, file)
            .and_then(|bytes| write_atomically(dir, file.name, &bytes).map_err(Failure::Other));
        match result {
            Ok(()) => downloaded.push(file.name),
            Err(Failure::Unreachable(why)) => {
                unreachable = true;
                failures.push((file.name, url, why));
            }
            Err(Failure::Other(why)) => failures.push((file.name, url, why)),
        }
    }
    if failures.is_empty() {
        Ok(Fetched {
            dir: dir.to_path_buf(),
            downloaded,
            removed,
        })
    } else {
        Err(FetchError::Download {
            dir: dir.to_path_buf(),
            failures,
            commit: pin.commit,
        })
    }
}

/// An HTTP agent with bounded waits, so a dead network ends in an error
/// rather than a hang.
fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_connect(Some(Duration::from_secs(20)))
        .timeout_global(Some(Duration::from_secs(300)))
        .http_status_as_error(false)
        .build()
        .into()
}

/// Why one download failed.
enum Failure {
    /// The server could not be reached at all (no route, no name, refused,
    /// timed out): the other files would fail the same way.
    Unreachable(String),
    /// This file failed (HTTP status, size, digest, writing it).
    Other(String),
}

/// Downloads one file: exactly its pinned size (at most one byte more is
/// read) and its pinned digest.
fn download(agent: &ureq::Agent, url: &str, file: &PinnedFile) -> Result<Vec<u8>, Failure> {
    let mut response = agent.get(url).call().map_err(|e| {
        let why = format!("cannot download: {e}");
        match e {
            ureq::Error::Io(_)
            | ureq::Error::Timeout(_)
            | ureq::Error::HostNotFound
            | ureq::Error::ConnectionFailed => Failure::Unreachable(why),
            _ => Failure::Other(why),
        }
    })?;
    let status = response.status();
    if status != 200 {
        return Err(Failure::Other(format!("the server answered HTTP {status}")));
    }
    let bytes = response
        .body_mut()
        .with_config()
        .limit(file.size.saturating_add(1))
        .read_to_vec()
        .map_err(|e| match e {
            ureq::Error::BodyExceedsLimit(_) => Failure::Other(format!(
                "the server sent more than the pinned {} bytes",
                file.size
            )),
            e => Failure::Other(format!("download interrupted: {e}")),
        })?;
    let received = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
    if received < file.size {
        return Err(Failure::Other(format!(
            "partial download: received {received} of {} bytes",
            file.size
        )));
    }
    check::matches(&bytes, file).map_err(|actual| {
        Failure::Other(format!(
            "digest mismatch: SHA-256 is {actual}, the pin says {}",
            file.sha256
        ))
    })?;
    Ok(bytes)
}

/// Writes `bytes` under `name` in `dir` through a hidden temporary file
/// that is synced and then renamed, so the name only ever holds the whole
/// verified file.
fn write_atomically(dir: &Path, name: &str, bytes: &[u8]) -> Result<(), String> {
    let temporary = dir.join(format!(".{name}.partial"));
    let result = (|| {
        let mut file = std::fs::File::create(&temporary)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        drop(file);
        std::fs::rename(&temporary, dir.join(name))?;
        // The rename itself is durable once the folder is synced.
        std::fs::File::open(dir)?.sync_all()
    })();
    result.map_err(|e| {
        let _ = std::fs::remove_file(&temporary);
        format!("cannot write it: {e}")
    })
}
