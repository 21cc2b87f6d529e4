//! The client: one identity (a credential and its signer) bound to a
//! provider. It makes KeyPackages, creates and joins groups.

use super::identity::SigningIdentity;
use super::rules::{DefaultRules, GroupRules};
use super::stored_key_package::StoredKeyPackage;
use crate::ProtocolVersion;
use crate::cipher_suite::{CipherSuite, SignatureScheme};
use crate::codec::{VarBytes, VarVec, encode};
use crate::credential::CredentialType;
use crate::credential::{Credential, CredentialValidator};
use crate::crypto::generate_hpke_key_pairs;
use crate::error::{Error, Misuse};
use crate::extensions::{Extension, ExtensionType, Extensions};
use crate::group::proposal::ProposalType;
use crate::key_package::{KeyPackage, KeyPackageRef};
use crate::provider::{
    CipherSuiteProvider, CryptoProvider, Namespace, Provider, Signer, StorageProvider, WriteBatch,
};
use crate::secret::Secret;
use crate::storage::{self, RecordKind};
use crate::tree::leaf_node::{Capabilities, LeafNode, LeafNodeSource, Lifetime};
use std::sync::{Arc, RwLock};

/// The `last_resort` KeyPackage extension (draft-ietf-mls-extensions): a
/// package that may be used by more than one Welcome, for when a client's
/// other packages have run out. Its private keys are kept after a join.
pub const LAST_RESORT: ExtensionType = ExtensionType(0x000a);

/// Options of [`Client::generate_key_package`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyPackageOptions {
    /// Seconds the package is valid from now (`not_before` is set an hour
    /// back to absorb clock skew). Default: 28 days.
    pub lifetime: u64,
    /// Extensions of the KeyPackage itself.
    pub extensions: Vec<Extension>,
    /// Extensions of its leaf (for example `application_id`).
    pub leaf_extensions: Vec<Extension>,
    /// Marks the package `last_resort`: joins do not consume it.
    pub last_resort: bool,
}

impl Default for KeyPackageOptions {
    fn default() -> Self {
        Self {
            lifetime: 28 * 24 * 3600,
            extensions: Vec::new(),
            leaf_extensions: Vec::new(),
            last_resort: false,
        }
    }
}

/// The private keys that go with a KeyPackage
/// ([`Client::key_package_private_keys`]): the HPKE private key of its
/// `init_key` and of its leaf's `encryption_key`. They zeroize on drop and
/// do not print in `Debug`.
#[derive(Clone, Debug)]
pub struct KeyPackagePrivateKeys {
    /// The private key of `KeyPackage.init_key`.
    pub init_private: crate::secret::HpkePrivateKey,
    /// The private key of `leaf_node.encryption_key`.
    pub encryption_private: crate::secret::HpkePrivateKey,
}

/// One MLS client: a credential, the signer of its signature key, and the
/// provider (crypto, randomness, storage) it runs on. Cheap to clone; every
/// group made from it shares it.
pub struct Client<P: Provider> {
    inner: Arc<Inner<P>>,
}

impl<P: Provider> Clone for Client<P> {
    fn clone(&self) -> Self {
        Self {
            inner: Arc::clone(&self.inner),
        }
    }
}

/// Gives each group its rules, by group id.
type RulesFactory = Box<dyn Fn(&[u8]) -> Arc<dyn GroupRules> + Send + Sync>;

struct Inner<P: Provider> {
    provider: P,
    /// The identity groups use unless told otherwise.
    default: SigningIdentity,
    /// Every identity groups may sign with, the default first; a group
    /// finds its own by the signature key in its leaf.
    identities: RwLock<Vec<SigningIdentity>>,
    /// Credential types listed in our capabilities beyond our identities'.
    credential_types: Vec<CredentialType>,
    credential_validator: Box<dyn CredentialValidator>,
    group_rules: RulesFactory,
    extensions: Vec<ExtensionType>,
    proposals: Vec<ProposalType>,
    clock: Box<dyn Fn() -> u64 + Send + Sync>,
    cipher_suites: Option<Vec<CipherSuite>>,
}

impl<P: Provider> std::fmt::Debug for Client<P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("credential", &self.inner.default.credential)
            .field(
                "signature_key",
                &VarBytes::from(self.inner.default.signature_key()),
            )
            .finish_non_exhaustive()
    }
}

/// Builds a [`Client`] with non-default hooks and capabilities.
pub struct ClientBuilder<P: Provider> {
    inner: Inner<P>,
}

impl<P: Provider> ClientBuilder<P> {
    /// The application's credential validator (§5.3.1). Default:
    /// [`NoValidator`](crate::credential::NoValidator), which refuses every
    /// credential: a client adds and joins no one until the application
    /// says who is who. [`AcceptAll`](crate::credential::AcceptAll) is for tests and for applications
    /// that authenticate members out of band.
    pub fn credential_validator(mut self, validator: impl CredentialValidator + 'static) -> Self {
        self.inner.credential_validator = Box::new(validator);
        self
    }

    /// Another identity this client's groups may use (see
    /// [`Client::add_identity`]).
    pub fn identity(self, identity: SigningIdentity) -> Self {
        self.inner.add_identity(identity);
        self
    }

    /// Credential types our leaves list as supported (§7.2) besides those
    /// of our identities: a member must support every credential type in
    /// use in its group, so a client that will meet X.509 members lists
    /// it here even while its own credential is basic.
    pub fn credential_types(mut self, types: &[CredentialType]) -> Self {
        self.inner.credential_types = types.to_vec();
        self
    }

    /// The same rules for every group of this client (they see the group
    /// id, so one value can still treat groups differently). Default:
    /// [`DefaultRules`], which refuses proposals and joins from outside
    /// the group.
    pub fn rules(mut self, rules: impl GroupRules + 'static) -> Self {
        let rules: Arc<dyn GroupRules> = Arc::new(rules);
        self.inner.group_rules = Box::new(move |_| Arc::clone(&rules));
        self
    }

    /// The rules of each group, by group id: called when a group is
    /// created, joined or loaded, so a stored group gets its rules back.
    pub fn group_rules(
        mut self,
        rules_for: impl Fn(&[u8]) -> Arc<dyn GroupRules> + Send + Sync + 'static,
    ) -> Self {
        self.inner.group_rules = Box::new(rules_for);
        self
    }

    /// Extension types beyond the RFC's defaults this client supports
    /// (listed in its leaves' capabilities, §7.2).
    pub fn extension_types(mut self, types: &[ExtensionType]) -> Self {
        self.inner.extensions = types.to_vec();
        self
    }

    /// Custom proposal types this client supports (§7.2).
    pub fn proposal_types(mut self, types: &[ProposalType]) -> Self {
        self.inner.proposals = types.to_vec();
        self
    }

    /// The clock, in seconds since the Unix epoch, used for lifetimes of
    /// our leaves and for checking others'. Default: the system clock.
    /// Tests that compare bytes across runs fix it.
    pub fn clock(mut self, clock: impl Fn() -> u64 + Send + Sync + 'static) -> Self {
        self.inner.clock = Box::new(clock);
        self
    }

    /// The cipher suites our leaves advertise (§7.2). Default: every suite
    /// the crypto provider offers. Members on different backends that must
    /// produce identical leaves (differential tests) fix the list.
    pub fn cipher_suites(mut self, suites: &[CipherSuite]) -> Self {
        self.inner.cipher_suites = Some(suites.to_vec());
        self
    }

    /// The client.
    pub fn build(self) -> Client<P> {
        Client {
            inner: Arc::new(self.inner),
        }
    }
}

impl<P: Provider> Client<P> {
    /// A client with `credential`, whose signature key is `signer`'s, on
    /// `provider`, with default hooks. See [`Client::builder`] for others.
    pub fn new(provider: P, credential: Credential, signer: impl Signer + 'static) -> Self {
        Self::builder(provider, credential, signer).build()
    }

    /// A builder for a client with non-default hooks or capabilities.
    pub fn builder(
        provider: P,
        credential: Credential,
        signer: impl Signer + 'static,
    ) -> ClientBuilder<P> {
        let default = SigningIdentity::new(credential, signer);
        ClientBuilder {
            inner: Inner {
                provider,
                identities: RwLock::new(vec![default.clone()]),
                default,
                credential_types: Vec::new(),
                credential_validator: Box::new(crate::credential::NoValidator),
                group_rules: Box::new(|_| Arc::new(DefaultRules::default())),
                extensions: Vec::new(),
                proposals: Vec::new(),
                clock: Box::new(now_seconds),
                cipher_suites: None,
            },
        }
    }

    /// The provider.
    pub fn provider(&self) -> &P {
        &self.inner.provider
    }

    /// The client's default credential.
    pub fn credential(&self) -> &Credential {
        &self.inner.default.credential
    }

    /// The signer of the client's default signature key.
    pub fn signer(&self) -> &dyn Signer {
        self.inner.default.signer.as_ref()
    }

    /// The client's default identity: its credential and signer.
    pub fn default_identity(&self) -> &SigningIdentity {
        &self.inner.default
    }

    /// Makes `identity` available to this client's groups: a group created,
    /// joined or loaded with its signature key in our leaf signs with it.
    /// Identities are held in memory only; after a restart, add them again
    /// before [`Group::load`](super::Group::load).
    pub fn add_identity(&self, identity: SigningIdentity) {
        self.inner.add_identity(identity);
    }

    /// The identity whose signature key is `signature_key`, if this client
    /// holds it.
    pub fn identity_for_key(&self, signature_key: &[u8]) -> Option<SigningIdentity> {
        self.inner
            .identities
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .iter()
            .find(|i| i.signature_key() == signature_key)
            .cloned()
    }

    /// An identity to sign with in a group of `suite`: `preferred` if its
    /// key has the suite's signature scheme, else one of this client's
    /// identities with the same credential and that scheme, else any with
    /// that scheme (a re-initialization to a suite with another signature
    /// scheme, §11.2, continues under the key made for it).
    pub(crate) fn identity_for_suite(
        &self,
        preferred: &SigningIdentity,
        suite: CipherSuite,
    ) -> Result<SigningIdentity, Error> {
        let needed = self.signature_scheme(suite)?;
        if check_scheme(preferred, needed).is_ok() {
            return Ok(preferred.clone());
        }
        let identities = self
            .inner
            .identities
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let fits = |i: &&SigningIdentity| check_scheme(i, needed).is_ok();
        identities
            .iter()
            .filter(fits)
            .find(|i| i.credential == preferred.credential)
            .or_else(|| identities.iter().find(fits))
            .cloned()
            .ok_or_else(|| {
                Misuse::SignatureSchemeMismatch {
                    signer: preferred.signer.scheme(),
                    suite: needed,
                }
                .into()
            })
    }

    /// The current time by the client's clock (seconds since the Unix epoch).
    pub fn now(&self) -> u64 {
        (self.inner.clock)()
    }

    pub(crate) fn credential_validator(&self) -> &dyn CredentialValidator {
        self.inner.credential_validator.as_ref()
    }

    /// The rules of the group `group_id`.
    pub(crate) fn rules_for(&self, group_id: &[u8]) -> Arc<dyn GroupRules> {
        (self.inner.group_rules)(group_id)
    }

    /// The signature scheme of `suite` as this client's crypto provider
    /// defines it (a provider may give a suite a private code point).
    pub(crate) fn signature_scheme(&self, suite: CipherSuite) -> Result<SignatureScheme, Error> {
        Ok(self
            .inner
            .provider
            .crypto()
            .cipher_suite(suite)?
            .definition()
            .signature)
    }

    /// The suite object for `suite`, checking that the signer fits it.
    pub(crate) fn suite(&self, suite: CipherSuite) -> Result<&dyn CipherSuiteProvider, Error> {
        let provider = self.inner.provider.crypto().cipher_suite(suite)?;
        let needed = provider.definition().signature;
        let have = self.inner.default.signer.scheme();
        // Called for every message: the default identity answers without
        // the lock in the common case.
        let any = have == needed
            || self
                .inner
                .identities
                .read()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .iter()
                .any(|i| i.signer.scheme() == needed);
        if !any {
            return Err(Misuse::SignatureSchemeMismatch {
                signer: have,
                suite: needed,
            }
            .into());
        }
        Ok(provider)
    }

    /// The capabilities our leaves advertise (§7.2): MLS 1.0, every suite
    /// the crypto provider offers, the credential types of our identities
    /// and those configured, and the extra extension and proposal types
    /// configured.
    pub fn capabilities(&self) -> Capabilities {
        let mut extensions = self.inner.extensions.clone();
        if !extensions.contains(&LAST_RESORT) {
            extensions.push(LAST_RESORT);
        }
        Capabilities {
            versions: VarVec::new(vec![ProtocolVersion::MLS10]),
            cipher_suites: VarVec::new(
                self.inner
                    .cipher_suites
                    .clone()
                    .unwrap_or_else(|| self.inner.provider.crypto().supported_cipher_suites())
                    .into_iter()
                    .map(CipherSuite::code)
                    .collect(),
            ),
            extensions: VarVec::new(extensions),
            proposals: VarVec::new(self.inner.proposals.clone()),
            credentials: VarVec::new(self.credential_types()),
        }
    }

    fn credential_types(&self) -> Vec<CredentialType> {
        let mut types = Vec::new();
        let identities = self
            .inner
            .identities
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let ours = identities.iter().map(|i| i.credential.credential_type());
        for t in ours.chain(self.inner.credential_types.iter().copied()) {
            if !types.contains(&t) {
                types.push(t);
            }
        }
        types
    }

    /// A leaf for `identity` with the given source and extensions, not yet
    /// keyed or signed.
    pub(crate) fn leaf_template_for(
        &self,
        identity: &SigningIdentity,
        source: LeafNodeSource,
        extensions: Extensions,
    ) -> LeafNode {
        LeafNode {
            encryption_key: VarBytes::default(),
            signature_key: VarBytes::from(identity.signature_key()),
            credential: identity.credential.clone(),
            capabilities: self.capabilities(),
            leaf_node_source: source,
            extensions,
            signature: VarBytes::default(),
        }
    }

    /// Generates a KeyPackage for `suite` (§10) and stores its private keys
    /// (init key and leaf encryption key) in the provider's storage, in one
    /// transaction, under its KeyPackageRef. Publish the returned package
    /// (as an `MlsMessage`) for others to add us.
    pub fn generate_key_package(
        &self,
        suite: CipherSuite,
        options: &KeyPackageOptions,
    ) -> Result<KeyPackage, Error> {
        self.generate_key_package_as(&self.inner.default.clone(), suite, options)
    }

    /// [`generate_key_package`](Self::generate_key_package) for `identity`,
    /// which is added to the client's identities: the group joined with
    /// this package signs with it.
    pub fn generate_key_package_as(
        &self,
        identity: &SigningIdentity,
        suite: CipherSuite,
        options: &KeyPackageOptions,
    ) -> Result<KeyPackage, Error> {
        check_scheme(identity, self.signature_scheme(suite)?)?;
        // Added first: `suite` refuses a suite none of our identities can
        // sign for, and this one may be the first that can.
        self.add_identity(identity.clone());
        let cs = self.suite(suite)?;
        let rand = &self.inner.provider.rand();
        let [(init_priv, init_pub), (enc_priv, enc_pub)] = generate_hpke_key_pairs(cs, rand)?;
        let now = self.now();
        let lifetime = Lifetime {
            not_before: now.saturating_sub(3600),
            not_after: now.saturating_add(options.lifetime),
        };
        let mut leaf = self.leaf_template_for(
            identity,
            LeafNodeSource::KeyPackage(lifetime),
            Extensions::from_vec(options.leaf_extensions.clone()),
        );
        leaf.encryption_key = VarBytes::new(enc_pub);
        leaf.sign(identity.signer.as_ref(), cs, None)?;
        let mut extensions = options.extensions.clone();
        if options.last_resort {
            extensions.push(Extension {
                extension_type: LAST_RESORT,
                extension_data: VarBytes::default(),
            });
        }
        let mut key_package = KeyPackage {
            version: ProtocolVersion,
            cipher_suite: suite,
            init_key: VarBytes::new(init_pub),
            leaf_node: leaf,
            extensions: Extensions::from_vec(extensions),
            signature: VarBytes::default(),
        };
        key_package.sign(identity.signer.as_ref(), cs)?;
        // The package is encoded once, for storage; its reference is hashed
        // from that encoding.
        let (body, package) = StoredKeyPackage::encode_parts(
            &key_package,
            &init_priv,
            &enc_priv,
            options.last_resort,
        )?;
        let encoded = body
            .get(package)
            .ok_or(Error::Internal("the package's range in its stored value"))?;
        let reference = KeyPackageRef::from_encoded(cs, encoded)?;
        self.put_key_package(&reference, &body)?;
        Ok(key_package)
    }

    /// Stores a KeyPackage made elsewhere with its private keys (HPKE
    /// `init_key` and leaf `encryption_key` private keys), so a Welcome to
    /// it can be joined. For restoring packages and for replaying recorded
    /// sessions such as the passive-client test vectors. The package must
    /// be signed by the key of one of this client's identities.
    pub fn import_key_package(
        &self,
        key_package: &KeyPackage,
        init_private: &[u8],
        encryption_private: &[u8],
    ) -> Result<KeyPackageRef, Error> {
        let cs = self.suite(key_package.cipher_suite)?;
        if self
            .identity_for_key(key_package.leaf_node.signature_key.as_slice())
            .is_none()
        {
            return Err(
                Misuse::UnexpectedMessage("a KeyPackage signed by this client's key").into(),
            );
        }
        let reference = key_package.reference(cs)?;
        self.store_key_package(
            &reference,
            StoredKeyPackage {
                key_package: key_package.clone(),
                init_private: crate::secret::HpkePrivateKey::from_slice(init_private),
                encryption_private: crate::secret::HpkePrivateKey::from_slice(encryption_private),
                last_resort: key_package.extensions.get(LAST_RESORT).is_some(),
            },
        )?;
        Ok(reference)
    }

    /// The private keys of the KeyPackage `reference` this client holds
    /// (`None` once a join consumed it or it was deleted): for exporting a
    /// package to another device or for recording a session as a
    /// passive-client test vector, which carries them (the working group's
    /// interop harness asks for them too). Handle with care: whoever holds
    /// them can join any group that adds the package.
    pub fn key_package_private_keys(
        &self,
        reference: &KeyPackageRef,
    ) -> Result<Option<KeyPackagePrivateKeys>, Error> {
        Ok(self
            .stored_key_package(reference)?
            .map(|stored| KeyPackagePrivateKeys {
                init_private: stored.init_private.clone(),
                encryption_private: stored.encryption_private.clone(),
            }))
    }

    /// Writes a KeyPackage's private parts under its reference.
    fn store_key_package(
        &self,
        reference: &KeyPackageRef,
        stored: StoredKeyPackage,
    ) -> Result<(), Error> {
        self.put_key_package(reference, &stored.encode()?)
    }

    /// Stores `body`, a [`StoredKeyPackage`]'s encoding, under `reference`.
    fn put_key_package(&self, reference: &KeyPackageRef, body: &[u8]) -> Result<(), Error> {
        let mut batch = WriteBatch::new();
        storage::put_record(
            &mut batch,
            Namespace::KeyPackages,
            reference.as_slice().to_vec(),
            RecordKind::KeyPackage,
            body,
        );
        Ok(self.inner.provider.storage().commit(batch)?)
    }

    /// The stored private parts of the KeyPackage `reference`, if held.
    pub(crate) fn stored_key_package(
        &self,
        reference: &KeyPackageRef,
    ) -> Result<Option<StoredKeyPackage>, Error> {
        storage::get_record(
            self.inner.provider.storage(),
            Namespace::KeyPackages,
            reference.as_slice(),
            RecordKind::KeyPackage,
            |dec| StoredKeyPackage::decode(dec.rest()),
        )
    }

    /// The KeyPackages whose private keys this client holds (published and
    /// not yet consumed by a join, plus last-resort ones), in no
    /// particular order.
    pub fn key_packages(&self) -> Result<Vec<KeyPackage>, Error> {
        let storage = self.inner.provider.storage();
        storage::scan_records(storage, Namespace::KeyPackages, &[])?
            .into_iter()
            .map(|(key, value)| {
                storage::decode_record(
                    Namespace::KeyPackages,
                    &key,
                    RecordKind::KeyPackage,
                    &value,
                    |dec| StoredKeyPackage::decode(dec.rest()),
                )
                .map(|stored| stored.key_package.clone())
            })
            .collect()
    }

    /// Deletes the private keys of the KeyPackage `reference` (a package
    /// withdrawn from the delivery service). Deleting an unknown one is
    /// not an error.
    pub fn delete_key_package(&self, reference: &KeyPackageRef) -> Result<(), Error> {
        let mut batch = WriteBatch::new();
        batch.delete(Namespace::KeyPackages, reference.as_slice());
        Ok(self.inner.provider.storage().commit(batch)?)
    }

    /// Stores an external PSK (§8.4) under `psk_id`, for commits and
    /// Welcomes that name it.
    pub fn store_external_psk(&self, psk_id: &[u8], psk: &[u8]) -> Result<(), Error> {
        let mut batch = WriteBatch::new();
        storage::put_encoded(
            &mut batch,
            Namespace::Psks,
            external_psk_key(psk_id)?,
            RecordKind::ExternalPsk,
            |enc| enc.bytes(psk).map(drop),
        )?;
        Ok(self.inner.provider.storage().commit(batch)?)
    }

    /// The external PSK `psk_id`, if stored.
    pub(crate) fn external_psk(&self, psk_id: &[u8]) -> Result<Option<Secret>, Error> {
        storage::get_record(
            self.inner.provider.storage(),
            Namespace::Psks,
            &external_psk_key(psk_id)?,
            RecordKind::ExternalPsk,
            |dec| dec.secret(),
        )
    }
}

/// Storage key of an external PSK: its encoded id, so ids cannot collide.
fn external_psk_key(psk_id: &[u8]) -> Result<Vec<u8>, Error> {
    encode(&VarBytes::from(psk_id))
}

impl<P: Provider> Inner<P> {
    fn add_identity(&self, identity: SigningIdentity) {
        let mut identities = self
            .identities
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(known) = identities
            .iter_mut()
            .find(|i| i.signature_key() == identity.signature_key())
        {
            *known = identity;
        } else {
            identities.push(identity);
        }
    }
}

/// Fails unless `identity` signs with `needed`, a suite's scheme.
pub(crate) fn check_scheme(
    identity: &SigningIdentity,
    needed: SignatureScheme,
) -> Result<(), Error> {
    let have = identity.signer.scheme();
    if needed != have {
        return Err(Misuse::SignatureSchemeMismatch {
            signer: have,
            suite: needed,
        }
        .into());
    }
    Ok(())
}

/// Seconds since the Unix epoch; 0 if the clock is before it.
pub(crate) fn now_seconds() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}
