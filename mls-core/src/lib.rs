//! # mls-core
//!
//! The protocol logic of RFC 9420 Messaging Layer Security, and the traits
//! through which it reaches crypto, randomness and storage. This crate depends
//! on no crypto implementation and no database: pick a backend crate
//! (`mls-crypto-rustcrypto`, `mls-crypto-ring`, `mls-crypto-awslc`) and a
//! storage crate (`mls-storage-memory`, `mls-storage-sqlite`).
//!
//! Modules follow the RFC so the two can be read side by side:
//!
//! | module | RFC 9420 |
//! |---|---|
//! | [`codec`] | §2.1 presentation language, variable-length vectors |
//! | [`tree_math`] | Appendix C array-based trees |
//! | [`cipher_suite`] | §5.1, §17.1 cipher suites |
//! | [`crypto`] | §5 and §8 labeled operations |
//! | [`credential`] | §5.3 credentials |
//! | [`framing`] | §6 MLSMessage, PublicMessage, PrivateMessage, protection |
//! | [`tree`] | §7 ratchet tree: leaf and parent nodes, the serialized tree |
//! | [`key_package`] | §10 key packages and their references |
//! | [`key_schedule`] | §8 GroupContext, epoch secrets, transcript hashes, PSKs, exporter |
//! | [`secret_tree`] | §9 secret tree, sender ratchets, deletion schedule, out-of-order bounds |
//! | [`group`] | §12 proposals, commits, GroupInfo, Welcome |
//! | [`provider`] | crypto, signer, randomness and storage traits |
//! | [`secret`] | zeroizing secret types |
//! | [`manual`] | design notes: providers, randomness, secrets, decoding, vector traps |
//!
//! ## Features
//!
//! * `parallel`: `tree::validation::validate_leaves_parallel` checks the
//!   leaves of a joined tree on rayon's thread pool; joining a large group
//!   is dominated by those signature checks.
//!
//! ## Example
//!
//! Encoding and decoding a §2.1.2 variable-length vector, and the tree math of
//! Appendix C:
//!
//! ```
//! use mls_core::codec::{VarBytes, decode_exact, encode};
//! use mls_core::tree_math::{LeafIndex, TreeSize};
//!
//! let bytes = encode(&VarBytes::from(&b"hello"[..])).unwrap();
//! assert_eq!(bytes, b"\x05hello");
//! let back: VarBytes = decode_exact(&bytes).unwrap();
//! assert_eq!(back.as_slice(), b"hello");
//!
//! let tree = TreeSize::from_leaf_count(8).unwrap();
//! let leaf = LeafIndex(5).node().unwrap();
//! assert_eq!(tree.root().0, 7);
//! assert_eq!(tree.direct_path(leaf).unwrap().len(), 3);
//! ```
//!
//! With a crypto backend, the labeled operations of [`crypto`] run on any
//! suite the backend offers; each backend crate's documentation shows a
//! signing and HPKE round trip (`mls-crypto-rustcrypto`, `mls-crypto-ring`,
//! `mls-crypto-awslc`).
#![forbid(unsafe_code)]
#![cfg_attr(
    not(test),
    warn(clippy::indexing_slicing, clippy::arithmetic_side_effects)
)]

pub mod cipher_suite;
pub mod codec;
pub mod credential;
pub mod crypto;
pub mod error;
pub mod extensions;
pub mod framing;
pub mod group;
pub mod key_package;
pub mod key_schedule;
pub mod manual;
pub mod provider;
pub mod secret;
pub mod secret_tree;
pub mod storage;
mod tbs;
#[cfg(test)]
mod test_provider;
pub mod tree;
pub mod tree_math;
#[cfg(test)]
mod wire_fixtures;

pub use cipher_suite::{
    Aead, CipherSuite, CipherSuiteDefinition, Kdf, Kem, ProtocolVersion, Registration,
    SignatureScheme,
};
pub use error::{
    CryptoError, DecodeError, Error, Misuse, ProtocolError, StorageError, StorageErrorKind,
    Unsupported,
};
pub use framing::MlsMessage;

/// This crate's version (`CARGO_PKG_VERSION`), for logs and for telling
/// peers' bug reports apart.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
pub use group::{
    Client, CommitOutput, CommitSummary, DefaultRules, Group, GroupConfig, GroupRules,
    KeyPackageOptions, MessageSender, ProcessedMessage, PublicGroup, StagedCommit,
};
