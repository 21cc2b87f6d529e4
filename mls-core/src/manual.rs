//! Design notes for maintainers (documentation only, no code).
//!
//! # Providers are parts, not a monolith
//!
//! [`crate::provider::MlsProvider`] is a struct of three independent parts —
//! crypto, randomness, storage — in the manner of rustls' `CryptoProvider`.
//! A deployment pairs aws-lc-rs crypto with SQLite storage; a test keeps a
//! real backend and swaps only the randomness for a seeded one. A signing key
//! is a [`crate::provider::Signer`], so it can live in an HSM: the protocol
//! only ever asks it to sign.
//!
//! Backends implement primitives only. The labeled constructions of §5 and §8
//! are written once in [`crate::crypto`]; a backend never sees an MLS
//! structure. If a backend needs to know about MLS, the trait is wrong.
//!
//! # Randomness and determinism
//!
//! Every random byte comes from [`crate::provider::RandProvider`]:
//!
//! * HPKE ephemeral keys are `DeriveKeyPair(rand(Nsk))` (the backends share
//!   one HPKE implementation, `mls-crypto-hpke`, which draws exactly Nsk
//!   bytes per encapsulation);
//! * HPKE key pairs from [`crate::crypto::generate_hpke_key_pair`] are
//!   `kem_key_pair_from_random(rand(Nsk))`: on X25519 and X448 the bytes are
//!   the private key, on NIST curves `DeriveKeyPair` of them (a KeyPackage
//!   draws its two keys' bytes in one call);
//! * signature keys from [`crate::crypto::generate_signature_key_pair`] are a
//!   seed (EdDSA) or a rejection-sampled scalar (ECDSA, with P-521's top bits
//!   masked as in RFC 9180's DeriveKeyPair).
//!
//! So with a seeded rand, every backend produces byte-identical keys and HPKE
//! output. ECDSA *signing* nonces are the exception: RustCrypto uses RFC 6979,
//! ring and aws-lc-rs draw their own, and neither ring nor aws-lc-rs accepts
//! outside randomness. Byte-identical messages across backends are therefore
//! promised only for the EdDSA suites (1, 3, 4, 6); ECDSA signatures
//! cross-verify instead.
//!
//! # Secrets
//!
//! Key material lives in [`crate::secret`] types: zeroized on drop, `Debug`
//! prints `<redacted N bytes>`. MACs and tags are compared with
//! [`crate::secret::ct_eq`], which checks the length first (lengths are
//! public) and then compares in constant time — a tag comparison without the
//! length check was a real bug class in other MLS implementations.
//!
//! # Decoding
//!
//! Input from the network or from storage is decoded with
//! [`crate::codec::decode_exact`]: trailing bytes are an error. The §2.1.2
//! vector types ([`crate::codec::VarBytes`], [`crate::codec::VarVec`]) are
//! ours rather than `tls_codec`'s `VLBytes`, because the latter hits a
//! `debug_assert!` (a panic in debug builds) when a length prefix exceeds the
//! input. Ours reject the reserved `0b11` prefix and non-minimal headers with
//! typed errors, check the length against the remaining input before copying,
//! and bound every element loop by the bytes consumed.
//!
//! Tree index arithmetic ([`crate::tree_math`]) never wraps: an index outside
//! the tree, or one whose neighbours would not fit in `u32`, gives `None`.
//!
//! # Receiving messages: nothing changes until everything checks
//!
//! [`crate::framing::MessageProtection::unprotect`] is the only way from wire
//! bytes to a [`crate::framing::VerifiedContent`]. In order it checks the
//! group id, the epoch (a PublicMessage only in the current epoch; a
//! PrivateMessage also in a retained past one), the sender rules, then the
//! membership tag (length first, constant time) or the two decryptions, the
//! zero padding, and the signature. The secret tree is consulted without
//! being changed ([`crate::secret_tree::SecretTree::key_for_receiving`]) and
//! the ratchet moves only after the signature verified
//! ([`crate::secret_tree::SecretTree::commit_received`]). So a replayed,
//! forged or corrupted message cannot advance or wipe a sender's ratchet —
//! an OpenMLS-style bug where a replayed ciphertext destroyed keys.
//!
//! # Out-of-order delivery is bounded
//!
//! [`crate::secret_tree::OutOfOrderPolicy`] sets three bounds (defaults in
//! brackets): how far ahead a generation may be (1,000), how many skipped
//! keys each ratchet keeps (32), and how many past epochs keep their secret
//! trees (1). A generation beyond the jump bound is refused with one
//! comparison before anything is derived, so `0xffffffff` costs nothing.
//! Skipped keys are kept only for the `max_skipped_keys` generations below
//! the newest one received; a missing key in that window was used (a
//! replay), below it was dropped (too old), and the error says which. A
//! message from an epoch no longer retained fails with
//! `ProtocolError::EpochNotRetained`, never silently.
//!
//! The tree itself is lazy: a node secret is deleted as soon as its children
//! are derived (§9.2), so memory grows with the senders seen, not with the
//! group.
//!
//! # Groups: commits without copying the tree
//!
//! A commit is applied to the live [`crate::tree::public_tree::PublicTree`]
//! while the tree records every node it replaces. A commit we receive is
//! checked in full (§12.4.2) on that tree; if any check fails the changes
//! are undone, and if all pass they stay. A commit we create is built the
//! same way, then undone and kept as a redo list until the caller merges it
//! ([`crate::group::Group::merge_pending_commit`]). Either way the work is
//! proportional to the nodes the commit touches: cloning a 10,000-member
//! tree would cost far more than the commit itself. The uniqueness rules
//! of §7.3 use a key index and the members' credential types are kept as
//! counts, both updated per changed node, so no commit scans every leaf.
//!
//! Proposals are validated when they arrive (KeyPackage, Update leaf,
//! GroupContextExtensions support, custom types) and again when committed.
//! Checking on arrival matters: a proposal that can never be committed
//! would otherwise sit in the cache and make every later `commit()` of the
//! epoch fail. A committer includes the received proposals that can go
//! together (§12.2: Removes before Updates of the same leaf, the latest
//! Update, the first of duplicates, PSKs it holds, a ReInit only alone).
//!
//! Lifetimes: a KeyPackage in an Add must be current and no longer than
//! `GroupConfig::max_key_package_lifetime` (§7.2 requires a bound). The
//! leaves of a tree we join are not checked for expiry by default: §7.3
//! only recommends it for received leaves, and a member who never updates
//! keeps its KeyPackage's lifetime, which would make the group unjoinable
//! once it lapsed.
//!
//! A Welcome's encryptions run in parallel (feature `parallel`), each with
//! randomness expanded from bytes drawn from the client's rand in joiner
//! order, so a seeded rand still gives the same Welcome bytes.
//!
//! # Persistence: one transaction per transition, never the whole tree
//!
//! Every call that changes a group stores the change before it returns, in
//! one [`crate::provider::WriteBatch`] that the backend applies atomically
//! ([`crate::storage`] documents keys and records). A commit writes the
//! tree nodes it changed (the change journal above lists them), the new
//! epoch's secrets and secret-tree root, the small group record and our
//! private keys; the previous epoch's record is rewritten without its
//! `init_secret` and exporter, and epochs beyond the retention bound are
//! deleted in the same batch. A message sent or received writes the
//! sender's ratchets and the secret-tree nodes it consumed, so a used key
//! is gone from storage before the plaintext is returned or the ciphertext
//! leaves. Our own application messages do so in blocks: the ratchet is
//! stored [`reserved_sending_generations`](crate::group::GroupConfig::reserved_sending_generations)
//! generations ahead at once, and the sends in between use keys held in
//! memory, write nothing and only read the write counter; after a reload
//! the rest of the block is skipped. Joining writes the whole group and deletes the consumed
//! KeyPackage in one batch. So a crash at any write leaves the old state or
//! the new one, and bytes per commit grow with log N.
//!
//! The group changes in memory first; if the write fails, the change is
//! undone (tree journal, secret-tree journals, a snapshot of the small
//! fields) and the error returned, so the call can be retried. A failed
//! write never leaves memory ahead of storage.
//!
//! Values carry a format version, a record kind and a CRC-32 over
//! namespace, key and value: damage, and a value moved under another key,
//! are `StorageErrorKind::Corrupt`. [`crate::group::Group::load`] also
//! checks that the stored tree hashes to the stored GroupContext's
//! `tree_hash`. The CRC guards against damage, not against someone who can
//! write the database; that needs the database itself to be protected.
//!
//! # Traps in the official vectors
//!
//! * Some P-521 private keys are 65 bytes (a leading zero dropped): HPKE and
//!   ECDSA key parsing left-pad them to 66 instead of rejecting them.
//! * `hpke-rs` has no `DeriveKeyPair` for X448; `mls-crypto-hpke` implements
//!   DHKEM(X448) and hands the shared secret to `hpke-rs`' key schedule.
//! * In `key-schedule.json` the exporter `label` is the literal string, not
//!   hex; its `context` is hex.
//! * `RefHash` labels are used as given (no `"MLS 1.0 "` prefix), unlike the
//!   labels of `ExpandWithLabel`, `SignWithLabel` and `EncryptWithLabel`.
