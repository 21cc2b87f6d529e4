//! The operations every library adapter offers, on bytes.
//!
//! An adapter owns its members (a client with its keys and storage, and at
//! most one group); the harness names them by [`Member`]. Every message
//! crosses the API serialized, and every method that takes bytes parses
//! them itself, so parsing is inside whatever the harness times. Errors are
//! panics: a benchmark that fails must stop, not measure a broken path.

/// A member of one adapter (an index into its table).
pub type Member = usize;

/// One library on one crypto backend.
pub trait Lib {
    /// The column name (`ours-ring`, `openmls`, ...).
    fn name(&self) -> &'static str;
    /// A new client named `identity` with a fresh signature key and
    /// in-memory storage.
    fn new_member(&mut self, identity: &str) -> Member;
    /// Frees a member (client and group).
    fn drop_member(&mut self, m: Member);
    /// A fresh KeyPackage of `m` as a serialized MLSMessage; its private
    /// keys stay in `m`'s storage.
    fn key_package(&mut self, m: Member) -> Vec<u8>;
    /// `m` creates a new group (suite 1) of one member.
    fn create_group(&mut self, m: Member);
    /// `m` builds (does not merge) one commit adding every KeyPackage, with
    /// an UpdatePath; returns the serialized Commit and Welcome.
    fn add(&mut self, m: Member, key_packages: &[Vec<u8>]) -> (Vec<u8>, Vec<u8>);
    /// `m` merges its pending commit.
    fn merge_pending(&mut self, m: Member);
    /// `m` joins from a serialized Welcome (ratchet tree inside).
    fn join(&mut self, m: Member, welcome: &[u8]);
    /// `m` builds (does not merge) an empty commit with a path.
    fn self_update(&mut self, m: Member) -> Vec<u8>;
    /// `m` builds (does not merge) a commit removing `leaf`.
    fn remove(&mut self, m: Member, leaf: u32) -> Vec<u8>;
    /// `m` processes a serialized commit from another member and moves to
    /// its epoch.
    fn process_commit(&mut self, m: Member, commit: &[u8]);
    /// `m` protects application data (empty AAD); serialized.
    fn encrypt(&mut self, m: Member, data: &[u8]) -> Vec<u8>;
    /// `m` reads a serialized application message; returns its data.
    fn decrypt(&mut self, m: Member, message: &[u8]) -> Vec<u8>;
    /// The epoch authenticator of `m`'s group.
    fn epoch_authenticator(&self, m: Member) -> Vec<u8>;
    /// `m`'s leaf index.
    fn leaf_index(&self, m: Member) -> u32;
    /// Drops `m`'s group (and deletes it from `m`'s storage where the
    /// library stores groups).
    fn drop_group(&mut self, m: Member);
}

/// A slot table shared by the adapters.
pub struct Slots<T>(Vec<Option<T>>);

impl<T> Default for Slots<T> {
    fn default() -> Self {
        Self(Vec::new())
    }
}

impl<T> Slots<T> {
    /// Stores `t`, returning its id.
    pub fn insert(&mut self, t: T) -> Member {
        self.0.push(Some(t));
        self.0.len() - 1
    }
    /// Frees slot `m`.
    pub fn remove(&mut self, m: Member) {
        self.0[m] = None;
    }
    /// The member in slot `m`.
    pub fn get(&self, m: Member) -> &T {
        self.0[m].as_ref().expect("live member")
    }
    /// The member in slot `m`, mutably.
    pub fn get_mut(&mut self, m: Member) -> &mut T {
        self.0[m].as_mut().expect("live member")
    }
}
