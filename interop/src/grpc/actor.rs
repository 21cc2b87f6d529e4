//! An actor of the runner's scripts (`alice`, `bob`): one MLS client with
//! a basic credential carrying exactly the identity bytes the runner sent
//! (it names members by them in `removed_id`), on this server's crypto
//! backend and storage.

use super::status::{invalid, mls_error};
use mls_core::cipher_suite::CipherSuite;
use mls_core::credential::{AcceptAll, Credential};
use mls_core::crypto::generate_signature_key_pair;
use mls_core::group::{Client, DefaultRules, SigningIdentity};
use mls_core::provider::{CryptoProvider, DynProvider, MlsProvider, Signer, StorageProvider};
use mls_core::secret::SignaturePrivateKey;
use mls_crypto_rustcrypto::SystemRand;
use mls_storage_memory::MemoryStorage;
use mls_storage_sqlite::SqliteStorage;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use tonic::Status;

/// Where actors keep their state.
pub enum Store {
    /// Each actor in its own in-memory store.
    Memory,
    /// Each actor in its own SQLite file in this folder (removed with the
    /// server).
    Sqlite {
        /// The folder.
        dir: tempfile::TempDir,
        /// Numbers the files.
        next: AtomicU64,
    },
}

/// Removes an actor's database file once nothing uses the actor.
struct DbFile(PathBuf);

impl Drop for DbFile {
    fn drop(&mut self) {
        for suffix in ["", "-wal", "-shm"] {
            let mut path = self.0.clone().into_os_string();
            path.push(suffix);
            // Best effort: the folder goes with the server anyway.
            let _ = std::fs::remove_file(path);
        }
    }
}

/// One actor's client. Cheap to clone: a join, a branch and a
/// re-initialization keep using the client (and storage) that made the
/// KeyPackage or the old group.
#[derive(Clone)]
pub struct Actor {
    /// The client.
    pub client: Client<DynProvider>,
    // Declared after `client` so the database is closed before its file
    // goes.
    _file: Option<Arc<DbFile>>,
}

/// A new actor's client and the private key of its signature key (the
/// runner asks for it with every KeyPackage, for passive-client vectors).
pub struct NewActor {
    /// The actor.
    pub actor: Actor,
    /// The private signature key, in the format of the official vectors.
    pub signature_private: SignaturePrivateKey,
}

/// A signature key: the private key, the public key and a signer.
pub type SignatureKey = (SignaturePrivateKey, Vec<u8>, Box<dyn Signer>);

/// A signature key pair for `suite` on `crypto`.
pub fn signature_key(
    crypto: &dyn CryptoProvider,
    suite: CipherSuite,
) -> Result<SignatureKey, Status> {
    let cs = crypto
        .cipher_suite(suite)
        .map_err(|e| invalid(format!("cipher suite {}: {e}", suite.code())))?;
    let (private, public) = generate_signature_key_pair(cs, &SystemRand).map_err(mls_error)?;
    let signer = cs
        .signer(private.as_bytes())
        .map_err(|e| mls_error(e.into()))?;
    Ok((private, public, signer))
}

/// A suite code from the runner, as a suite `crypto` implements.
pub fn suite_of(crypto: &dyn CryptoProvider, code: u32) -> Result<CipherSuite, Status> {
    let code =
        u16::try_from(code).map_err(|_| invalid(format!("cipher suite {code} is not a uint16")))?;
    crypto
        .supported_cipher_suites()
        .into_iter()
        .find(|suite| suite.code() == code)
        .ok_or_else(|| {
            invalid(format!(
                "cipher suite {code} is not supported by this server"
            ))
        })
}

impl Actor {
    /// A new client named `identity` with a fresh signature key for
    /// `suite`, on `crypto`, in a store of its own.
    pub fn create(
        crypto: Box<dyn CryptoProvider>,
        store: &Store,
        identity: &[u8],
        suite: CipherSuite,
    ) -> Result<NewActor, Status> {
        let (signature_private, _, signer) = signature_key(crypto.as_ref(), suite)?;
        let (storage, file): (Arc<dyn StorageProvider>, _) = match store {
            Store::Memory => (Arc::new(MemoryStorage::new()), None),
            Store::Sqlite { dir, next } => {
                let n = next.fetch_add(1, Ordering::Relaxed);
                let path = dir.path().join(format!("actor-{n}.sqlite"));
                let storage = SqliteStorage::open(&path).map_err(|e| {
                    Status::internal(format!("cannot open {}: {e}", path.display()))
                })?;
                (Arc::new(storage), Some(Arc::new(DbFile(path))))
            }
        };
        let provider: DynProvider = MlsProvider::new(crypto, Box::new(SystemRand), storage);
        // The runner is the application here: it admits everyone (joins
        // and proposals from outside the group included) and has no
        // Authentication Service, so every credential is accepted.
        let client = Client::builder(provider, Credential::basic(identity.to_vec()), signer)
            .rules(DefaultRules::open())
            .credential_validator(AcceptAll)
            .build();
        Ok(NewActor {
            actor: Actor {
                client,
                _file: file,
            },
            signature_private,
        })
    }

    /// An identity of this actor for `suite`: the default one if its key
    /// fits the suite's signature scheme, else a new key (with the same
    /// credential) added to the client, for a re-initialization to a suite
    /// with another scheme.
    pub fn identity_for(&self, suite: CipherSuite) -> Result<SigningIdentity, Status> {
        let default = self.client.default_identity();
        if suite.definition().map(|d| d.signature) == Some(default.signer.scheme()) {
            return Ok(default.clone());
        }
        let crypto = self.client.provider().crypto.as_ref();
        let (_, _, signer) = signature_key(crypto, suite)?;
        let identity = SigningIdentity::new(default.credential.clone(), signer);
        self.client.add_identity(identity.clone());
        Ok(identity)
    }
}
