//! Creating a group (RFC 9420 §11) and joining one from a Welcome
//! (§12.4.3.1).

use super::client::Client;
use super::config::GroupConfig;
use super::identity::SigningIdentity;
use super::key_index::{KeyIndex, member_credential_types};
use super::pending::ProposalCache;
use super::state::Group;
use crate::ProtocolVersion;
use crate::cipher_suite::CipherSuite;
use crate::codec::{VarBytes, decode_exact};
use crate::credential::CredentialValidator;
use crate::crypto::{decrypt_with_label, generate_hpke_key_pair};
use crate::error::{Error, Misuse, ProtocolError};
use crate::extensions::{ExtensionType, Extensions};
use crate::framing::{EpochKeys, MessageProtection, MlsMessage, MlsMessageBody};
use crate::group::group_info::GroupInfo;
use crate::group::welcome::{GroupSecrets, Welcome};
use crate::key_schedule::transcript::{
    confirmation_tag, interim_transcript_hash, verify_confirmation_tag,
};
use crate::key_schedule::{
    EpochSecrets, GroupContext, Psk, ResumptionPsk, ResumptionPskUsage, psk_secret,
    welcome_key_nonce, welcome_secret,
};
use crate::provider::{CipherSuiteProvider, Namespace, Provider, WriteBatch, random_bytes};
use crate::secret::Secret;
use crate::tree::leaf_node::{LeafNodeSource, Lifetime};
use crate::tree::leaf_validation::{LeafNodeValidator, LifetimeCheck, is_default_extension};
use crate::tree::node::RatchetTree;
use crate::tree::parent_hash::verify_parent_hashes_cached;
use crate::tree::public_tree::PublicTree;
use crate::tree::treekem::{TreePrivateKeys, keys_from_path_secret};
use crate::tree::validation::{verify_unique_encryption_keys, verify_unmerged_leaves};
use crate::tree_math::LeafIndex;
use std::collections::VecDeque;

/// Options for joining from a Welcome.
pub struct JoinOptions<'a, P: Provider> {
    /// The ratchet tree, when the Welcome's GroupInfo does not carry it
    /// (§12.4.3.3).
    pub ratchet_tree: Option<RatchetTree>,
    /// The group a reinit or branch Welcome resumes (§11.2, §11.3): its
    /// `resumption_psk` is looked up there.
    pub resumed_group: Option<&'a Group<P>>,
}

impl<P: Provider> Default for JoinOptions<'_, P> {
    fn default() -> Self {
        Self {
            ratchet_tree: None,
            resumed_group: None,
        }
    }
}

impl<P: Provider> Group<P> {
    /// Creates a one-member group (§11) with a random group id of `KDF.Nh`
    /// bytes.
    pub fn create(
        client: &Client<P>,
        cipher_suite: CipherSuite,
        extensions: Extensions,
        config: GroupConfig,
    ) -> Result<Self, Error> {
        let identity = client.default_identity().clone();
        Self::create_with_identity(client, &identity, cipher_suite, extensions, config)
    }

    /// Creates a one-member group (§11) in which we are `identity` (a
    /// credential and signer other than the client's default, for example
    /// one per group so that groups cannot be linked by our key). The
    /// identity is added to the client's identities.
    pub fn create_with_identity(
        client: &Client<P>,
        identity: &SigningIdentity,
        cipher_suite: CipherSuite,
        extensions: Extensions,
        config: GroupConfig,
    ) -> Result<Self, Error> {
        let suite = client.suite(cipher_suite)?;
        let group_id = random_bytes(&client.provider().rand(), suite.hash_len())?;
        create(
            client,
            identity,
            cipher_suite,
            &group_id,
            extensions,
            config,
        )
    }

    /// Creates a one-member group (§11) with the given group id.
    pub fn create_with_id(
        client: &Client<P>,
        cipher_suite: CipherSuite,
        group_id: &[u8],
        extensions: Extensions,
        config: GroupConfig,
    ) -> Result<Self, Error> {
        let identity = client.default_identity().clone();
        create(
            client,
            &identity,
            cipher_suite,
            group_id,
            extensions,
            config,
        )
    }
}

pub(crate) fn create<P: Provider>(
    client: &Client<P>,
    identity: &SigningIdentity,
    cipher_suite: CipherSuite,
    group_id: &[u8],
    extensions: Extensions,
    config: GroupConfig,
) -> Result<Group<P>, Error> {
    super::client::check_scheme(identity, client.signature_scheme(cipher_suite)?)?;
    client.add_identity(identity.clone());
    let suite = client.suite(cipher_suite)?;
    let rand = &client.provider().rand();
    extensions.check_no_duplicates()?;
    let required = extensions.required_capabilities()?;
    let now = client.now();
    super::proposal_list::check_external_senders(
        client.credential_validator(),
        &extensions,
        group_id,
        now,
    )?;
    let (enc_priv, enc_pub) = generate_hpke_key_pair(suite, rand)?;
    let lifetime = Lifetime {
        not_before: now.saturating_sub(3600),
        not_after: now.saturating_add(config.max_key_package_lifetime.unwrap_or(90 * 24 * 3600)),
    };
    let mut leaf = client.leaf_template_for(
        identity,
        LeafNodeSource::KeyPackage(lifetime),
        Extensions::new(),
    );
    leaf.encryption_key = VarBytes::new(enc_pub);
    leaf.sign(identity.signer.as_ref(), suite, None)?;
    // Our own leaf must satisfy the group's requirements too.
    LeafNodeValidator::new(suite, &crate::credential::AcceptAll, now)
        .with_required_capabilities(required.as_ref())
        .validate(
            &leaf,
            crate::tree::leaf_validation::ExpectedSource::KeyPackage,
            &crate::tree::leaf_validation::NoOtherLeaves,
        )?;
    check_extensions_supported(client, &extensions)?;
    let mut tree = PublicTree::new(leaf);
    let context = GroupContext {
        version: ProtocolVersion,
        cipher_suite,
        group_id: VarBytes::from(group_id),
        epoch: 0,
        tree_hash: VarBytes::new(tree.tree_hash(suite)?),
        confirmed_transcript_hash: VarBytes::default(),
        extensions,
    };
    // §11: a fresh random epoch secret. We draw the joiner secret at
    // random instead and derive from it with no PSK: the epoch secret
    // is then as random, and the one derivation path is reused.
    let joiner = Secret::new(random_bytes(rand, suite.hash_len())?);
    let zero = Secret::new(vec![0u8; suite.hash_len()]);
    let secrets = EpochSecrets::derive(suite, &joiner, &zero, &context.to_bytes()?)?;
    let tag = confirmation_tag(suite, &secrets.confirmation_key, &[])?;
    let interim = interim_transcript_hash(suite, &[], &tag)?;
    let keys = TreePrivateKeys::for_leaf(LeafIndex(0), enc_priv)?;
    let mut group = Group::from_parts(
        client.clone(),
        config,
        context,
        tree,
        keys,
        LeafIndex(0),
        secrets,
        interim,
        tag,
    );
    group.persist_new(false, WriteBatch::new())?;
    Ok(group)
}

impl<P: Provider> Group<P> {
    /// Assembles a group state that was fully checked.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn from_parts(
        client: Client<P>,
        config: GroupConfig,
        context: GroupContext,
        tree: PublicTree,
        keys: TreePrivateKeys,
        own_leaf: LeafIndex,
        secrets: EpochSecrets,
        interim_transcript_hash: Vec<u8>,
        confirmation_tag: Vec<u8>,
    ) -> Self {
        let epoch_keys =
            EpochKeys::new(context.clone(), &secrets, tree.size(), config.out_of_order);
        let protection = MessageProtection::new(epoch_keys, config.out_of_order, config.padding);
        let mut resumption_psks = VecDeque::new();
        resumption_psks.push_front((context.epoch, secrets.resumption_psk.clone()));
        let credential_counts = super::key_index::CredentialCounts::build(&tree);
        let mut secrets = secrets;
        // The secret tree holds it now; it is not kept twice (nor stored).
        secrets.encryption_secret = Secret::new(Vec::new());
        let mut group = Self {
            rules: client.rules_for(context.group_id.as_slice()),
            signer: std::sync::Arc::clone(&client.default_identity().signer),
            key_index: KeyIndex::build(&tree),
            credential_types: credential_counts.types(),
            credential_counts,
            client,
            config,
            context,
            tree,
            keys,
            own_leaf,
            secrets,
            interim_transcript_hash,
            confirmation_tag,
            protection,
            past_signature_keys: VecDeque::new(),
            resumption_psks,
            proposals: ProposalCache::default(),
            pending_commit: None,
            unmerged_external_join: None,
            write_counter: Default::default(),
            pending_update_keys: Vec::new(),
            inactive: None,
        };
        group.refresh_signer();
        group
    }

    /// Joins a group from a Welcome (§12.4.3.1), with the tree from its
    /// GroupInfo. The consumed KeyPackage's private keys are deleted from
    /// storage (unless it is `last_resort`).
    pub fn join(
        client: &Client<P>,
        welcome: &MlsMessage,
        config: GroupConfig,
    ) -> Result<Self, Error> {
        Self::join_with_options(client, welcome, config, JoinOptions::default())
    }

    /// [`Group::join`] with the tree given out of band, or a group to
    /// resume from.
    pub fn join_with_options(
        client: &Client<P>,
        welcome: &MlsMessage,
        config: GroupConfig,
        options: JoinOptions<'_, P>,
    ) -> Result<Self, Error> {
        let MlsMessageBody::Welcome(welcome) = &welcome.body else {
            return Err(Misuse::UnexpectedMessage("a Welcome").into());
        };
        join_welcome(client, welcome, config, options)
    }
}

/// §12.4.3: every GroupContext extension must be one we support.
pub(crate) fn check_extensions_supported<P: Provider>(
    client: &Client<P>,
    extensions: &Extensions,
) -> Result<(), Error> {
    let caps = client.capabilities();
    for e in extensions.as_slice() {
        let t = e.extension_type;
        if !is_default_extension(t) && !caps.lists_extension(t) {
            return Err(ProtocolError::GroupContextExtensionNotSupported(t.0).into());
        }
    }
    Ok(())
}

fn join_welcome<P: Provider>(
    client: &Client<P>,
    welcome: &Welcome,
    config: GroupConfig,
    options: JoinOptions<'_, P>,
) -> Result<Group<P>, Error> {
    // Our entry: the first whose KeyPackageRef we hold keys for.
    let mut found = None;
    for entry in welcome.secrets.as_slice() {
        if let Some(stored) = client.stored_key_package(&entry.new_member)? {
            found = Some((entry, stored));
            break;
        }
    }
    let (entry, stored) = found.ok_or(ProtocolError::WelcomeNotForUs)?;
    if stored.key_package.cipher_suite != welcome.cipher_suite {
        return Err(ProtocolError::WelcomeCipherSuiteMismatch {
            welcome: welcome.cipher_suite,
            key_package: stored.key_package.cipher_suite,
        }
        .into());
    }
    let suite = client.suite(welcome.cipher_suite)?;
    let ct = &entry.encrypted_group_secrets;
    let plaintext = decrypt_with_label(
        suite,
        &stored.init_private,
        "Welcome",
        welcome.encrypted_group_info.as_slice(),
        ct.kem_output.as_slice(),
        ct.ciphertext.as_slice(),
    )
    .map_err(crate::error::undecryptable_error("Welcome's GroupSecrets"))?;
    let secrets: GroupSecrets = decode_exact(plaintext.as_bytes())?;
    let (psk_secret_value, resumption) = welcome_psks(client, suite, &secrets, &options)?;
    let welcome_secret = welcome_secret(suite, &secrets.joiner_secret, &psk_secret_value)?;
    let (key, nonce) = welcome_key_nonce(suite, &welcome_secret)?;
    let info_bytes = suite
        .aead_open(
            key.as_bytes(),
            nonce.as_bytes(),
            &[],
            welcome.encrypted_group_info.as_slice(),
        )
        .map_err(crate::error::undecryptable("Welcome's GroupInfo"))?;
    let mut info: GroupInfo = decode_exact(info_bytes.as_bytes())?;
    // A large group's GroupInfo is mostly its tree: each copy is freed as
    // soon as it is used, which keeps the join's peak memory down.
    drop(info_bytes);
    if info.group_context.cipher_suite != stored.key_package.cipher_suite {
        return Err(ProtocolError::WelcomeCipherSuiteMismatch {
            welcome: info.group_context.cipher_suite,
            key_package: stored.key_package.cipher_suite,
        }
        .into());
    }
    let mut tree = tree_from(&info, options.ratchet_tree.clone(), config.leaf_limit())?;
    verify_group_info_and_tree(
        client.credential_validator(),
        client.now(),
        suite,
        &info,
        &mut tree,
        &config,
    )?;
    check_extensions_supported(client, &info.group_context.extensions)?;
    // The carried tree is now `tree`; nothing below reads the GroupInfo's
    // extensions.
    info.extensions = Extensions::default();

    // §12.4.3.1: our leaf is the one identical to our KeyPackage's.
    let own_leaf = tree
        .leaves()
        .find(|(_, l)| **l == stored.key_package.leaf_node)
        .map(|(i, _)| i)
        .ok_or(ProtocolError::OwnLeafNotInTree)?;
    let mut keys = TreePrivateKeys::for_leaf(own_leaf, stored.encryption_private.clone())?;
    if let Some(path_secret) = &secrets.path_secret {
        let (own, signer) = (
            own_leaf.node().ok_or(Error::Internal("leaf index"))?,
            LeafIndex(info.signer)
                .node()
                .ok_or(Error::Internal("leaf index"))?,
        );
        let ancestor = tree
            .size()
            .common_ancestor(own, signer)
            .ok_or(Error::Internal("common ancestor"))?;
        keys_from_path_secret(
            &tree,
            suite,
            ancestor,
            path_secret.path_secret.clone(),
            &mut keys,
        )?;
    }
    let context = info.group_context.clone();
    let epoch_secrets = EpochSecrets::derive(
        suite,
        &secrets.joiner_secret,
        &psk_secret_value,
        &context.to_bytes()?,
    )?;
    if !verify_confirmation_tag(
        suite,
        &epoch_secrets.confirmation_key,
        context.confirmed_transcript_hash.as_slice(),
        info.confirmation_tag.as_slice(),
    )? {
        return Err(ProtocolError::ConfirmationTagMismatch.into());
    }
    let interim = interim_transcript_hash(
        suite,
        context.confirmed_transcript_hash.as_slice(),
        info.confirmation_tag.as_slice(),
    )?;
    if let Some(psk) = &resumption {
        check_resumption(&info, psk, options.resumed_group)?;
    }
    let mut group = Group::from_parts(
        client.clone(),
        config,
        context,
        tree,
        keys,
        own_leaf,
        epoch_secrets,
        interim,
        info.confirmation_tag.as_slice().to_vec(),
    );
    // We sign with the identity of the KeyPackage the Welcome was for.
    if group.signer.public_key() != stored.key_package.leaf_node.signature_key.as_slice() {
        return Err(Misuse::GroupOfAnotherClient.into());
    }
    // The KeyPackage is consumed (unless last_resort), in the same
    // transaction that stores the group: a crash cannot leave the group
    // joined with its KeyPackage still usable, nor the KeyPackage gone
    // without the group.
    let mut consumed = WriteBatch::new();
    if !stored.last_resort {
        consumed.delete(Namespace::KeyPackages, entry.new_member.as_slice());
    }
    // The Welcome's sender chose the group id (§12.4.3.1: it must be
    // unique among our groups): its fault, not the caller's.
    group
        .persist_new(false, consumed)
        .map_err(|err| match err {
            Error::Misuse(Misuse::GroupIdInUse) => ProtocolError::WelcomeForActiveGroup.into(),
            other => other,
        })?;
    Ok(group)
}

/// The PSK secret of a Welcome, and its reinit/branch resumption PSK if
/// it has one (at most one may be, §12.4.3.1).
fn welcome_psks<P: Provider>(
    client: &Client<P>,
    suite: &dyn CipherSuiteProvider,
    secrets: &GroupSecrets,
    options: &JoinOptions<'_, P>,
) -> Result<(Secret, Option<ResumptionPsk>), Error> {
    let mut values = Vec::new();
    let mut special = None;
    for id in secrets.psks.as_slice() {
        id.check_nonce_length(suite)?;
        let value = match &id.psk {
            Psk::External(psk_id) => client.external_psk(psk_id.as_slice())?,
            Psk::Resumption(r) => {
                if matches!(
                    r.usage,
                    ResumptionPskUsage::Reinit | ResumptionPskUsage::Branch
                ) {
                    if special.is_some() {
                        return Err(ProtocolError::MultipleResumptionPsks.into());
                    }
                    special = Some(r.clone());
                }
                options
                    .resumed_group
                    .filter(|g| g.context.group_id == r.psk_group_id)
                    .and_then(|g| g.resumption_psk(r.psk_epoch).cloned())
            }
        }
        .ok_or(ProtocolError::PskNotFound)?;
        values.push((id.clone(), value));
    }
    Ok((psk_secret(suite, &values)?, special))
}

/// §12.4.3.1: a reinit or branch Welcome starts epoch 1 and matches the
/// old group as §11.2 and §11.3 require.
fn check_resumption<P: Provider>(
    info: &GroupInfo,
    psk: &ResumptionPsk,
    old: Option<&Group<P>>,
) -> Result<(), Error> {
    let context = &info.group_context;
    if context.epoch != 1 {
        return Err(ProtocolError::ResumptionEpochNotOne(context.epoch).into());
    }
    let old = old.ok_or(ProtocolError::PskNotFound)?;
    match psk.usage {
        ResumptionPskUsage::Reinit => {
            let reinit = old.reinit().ok_or(ProtocolError::ReInitMismatch(
                "the old group's last commit had no ReInit",
            ))?;
            // §11.2: the PSK's epoch is "the epoch after the Commit
            // covering the ReInit", the old group's last (it stays there).
            // An earlier epoch's `resumption_psk`, still retained, was not
            // reached by a ReInit.
            if psk.psk_epoch != old.context.epoch {
                return Err(ProtocolError::ReInitMismatch("epoch").into());
            }
            if reinit.group_id != context.group_id {
                return Err(ProtocolError::ReInitMismatch("group_id").into());
            }
            if reinit.cipher_suite != context.cipher_suite {
                return Err(ProtocolError::ReInitMismatch("cipher_suite").into());
            }
            if reinit.extensions != context.extensions {
                return Err(ProtocolError::ReInitMismatch("extensions").into());
            }
        }
        ResumptionPskUsage::Branch => {
            if old.context.cipher_suite != context.cipher_suite {
                return Err(ProtocolError::BranchMismatch.into());
            }
        }
        ResumptionPskUsage::Application => {}
    }
    Ok(())
}

/// The tree of a GroupInfo: its `ratchet_tree` extension, or the one given.
pub(crate) fn tree_from(
    info: &GroupInfo,
    given: Option<RatchetTree>,
    max_leaves: u32,
) -> Result<PublicTree, Error> {
    let carried = info.extensions.get(ExtensionType::RATCHET_TREE);
    let wire = match carried {
        Some(ext) => RatchetTree::from_bytes_bounded(ext.extension_data.as_slice(), max_leaves)?,
        None => given.ok_or(ProtocolError::RatchetTreeMissing)?,
    };
    PublicTree::from_wire_bounded(wire, max_leaves)
}

/// §12.4.3.1: the GroupInfo's signature under the signer's leaf, and the
/// tree's integrity (tree hash, parent hashes, leaves, unmerged leaves,
/// unique keys).
///
/// With `parallel` the leaves are validated while the rest is checked; the
/// error reported for a bad Welcome does not depend on the feature.
pub(crate) fn verify_group_info_and_tree(
    credential_validator: &dyn CredentialValidator,
    now: u64,
    suite: &dyn CipherSuiteProvider,
    info: &GroupInfo,
    tree: &mut PublicTree,
    config: &GroupConfig,
) -> Result<(), Error> {
    // Hashed now, compared later: the checks read the cache from several
    // threads, so none of them needs the tree mutably.
    tree.tree_hash(suite)?;
    let tree = &*tree;
    let group_id = info.group_context.group_id.as_slice();
    let required = info.group_context.extensions.required_capabilities();
    let members = member_credential_types(tree);
    let validator = |required| {
        tree_validator(suite, credential_validator, config, now)
            .with_required_capabilities(required)
            .with_members(&members)
    };
    // The leaves, one signature check each and most of a join's work, are
    // validated on every core while another thread checks the rest; the
    // structure's error comes first, as without `parallel`.
    #[cfg(feature = "parallel")]
    let required = match required {
        Ok(required) => {
            let validator = validator(required.as_ref());
            let (checked, leaves) = rayon::join(
                || verify_group_info_and_structure(credential_validator, now, suite, info, tree),
                || crate::tree::validation::validate_leaves_parallel(tree, &validator, group_id),
            );
            checked?;
            return leaves;
        }
        Err(err) => Err::<Option<crate::extensions::RequiredCapabilities>, _>(err),
    };
    verify_group_info_and_structure(credential_validator, now, suite, info, tree)?;
    let required = required?;
    crate::tree::validation::validate_leaves(tree, &validator(required.as_ref()), group_id)
}

/// Everything of [`verify_group_info_and_tree`] but the leaves, on a tree
/// whose hash cache is filled.
fn verify_group_info_and_structure(
    credential_validator: &dyn CredentialValidator,
    now: u64,
    suite: &dyn CipherSuiteProvider,
    info: &GroupInfo,
    tree: &PublicTree,
) -> Result<(), Error> {
    info.extensions.check_no_duplicates()?;
    info.group_context.extensions.check_no_duplicates()?;
    let signer = tree
        .leaf(LeafIndex(info.signer))
        .ok_or(ProtocolError::GroupInfoSignerBlank(info.signer))?;
    // GroupInfoSignatureInvalid; a backend failure stays one.
    info.verify_signature(suite, signer.signature_key.as_slice())?;
    let tree_hash = tree
        .cached_tree_hash()
        .ok_or(Error::Internal("tree hash not cached"))?;
    if tree_hash != info.group_context.tree_hash.as_slice() {
        return Err(ProtocolError::TreeHashMismatch.into());
    }
    super::proposal_list::check_external_senders(
        credential_validator,
        &info.group_context.extensions,
        info.group_context.group_id.as_slice(),
        now,
    )?;
    verify_parent_hashes_cached(tree, suite)?;
    verify_unmerged_leaves(tree)?;
    verify_unique_encryption_keys(tree)?;
    Ok(())
}

/// The validator for the leaves of a joined tree. Lifetimes there are
/// checked only if `config.check_tree_lifetimes` (§7.3 makes it
/// RECOMMENDED, not mandatory, for received leaves: a member who never
/// updates keeps its KeyPackage's lifetime, and would otherwise make the
/// group unjoinable once it expires).
fn tree_validator<'a>(
    suite: &'a dyn CipherSuiteProvider,
    credential_validator: &'a dyn CredentialValidator,
    config: &GroupConfig,
    now: u64,
) -> LeafNodeValidator<'a> {
    let lifetime = if config.check_lifetimes && config.check_tree_lifetimes {
        LifetimeCheck::At(now)
    } else {
        LifetimeCheck::Skip
    };
    LeafNodeValidator::new(suite, credential_validator, now).with_lifetime_check(lifetime)
}
