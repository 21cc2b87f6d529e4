//! A two-member epoch on one backend and suite: Alice (leaf 0) and Bob
//! (leaf 1) with their own `MessageProtection`, and helpers that build
//! hostile PrivateMessages by hand with the epoch's real keys.

use interop::SeededRand;
use mls_core::codec::{VarBytes, encode};
use mls_core::crypto::generate_signature_key_pair;
use mls_core::extensions::Extensions;
use mls_core::framing::{
    ContentType, EpochKeys, FramedContent, MessageProtection, MlsMessage, MlsMessageBody,
    PaddingPolicy, PrivateMessage, SenderData, SenderKeys, sender_data_key_nonce,
};
use mls_core::key_schedule::{EpochSecrets, GroupContext};
use mls_core::provider::{CipherSuiteProvider, Signer};
use mls_core::secret::Secret;
use mls_core::secret_tree::{OutOfOrderPolicy, RatchetKind};
use mls_core::tree_math::{LeafIndex, TreeSize};
use mls_core::{Error, ProtocolError};

pub(crate) const GROUP_ID: &[u8] = b"framing test group";

/// Signature keys by leaf index; a leaf without one is blank.
pub(crate) struct Keys(pub(crate) Vec<Vec<u8>>);

impl SenderKeys for Keys {
    fn signature_key(&self, content: &FramedContent) -> Result<Vec<u8>, Error> {
        match content.sender {
            mls_core::framing::Sender::Member(leaf) => usize::try_from(leaf)
                .ok()
                .and_then(|i| self.0.get(i).cloned())
                .ok_or_else(|| ProtocolError::SenderLeafBlank(leaf).into()),
            mls_core::framing::Sender::External(i) => {
                Err(ProtocolError::ExternalSenderOutOfRange(i).into())
            }
            // New members sign with a key from their own content; these
            // tests give them Alice's key.
            _ => self.0.first().cloned().ok_or(Error::Internal("no keys")),
        }
    }
}

pub(crate) struct Fixture<'a> {
    pub(crate) suite: &'a dyn CipherSuiteProvider,
    pub(crate) rand: SeededRand,
    pub(crate) signers: Vec<Box<dyn Signer>>,
    pub(crate) keys: Keys,
    pub(crate) alice: MessageProtection,
    pub(crate) bob: MessageProtection,
    pub(crate) sender_data_secret: Secret,
    pub(crate) membership_key: Secret,
    pub(crate) context: GroupContext,
    pub(crate) policy: OutOfOrderPolicy,
}

pub(crate) fn context(suite: &dyn CipherSuiteProvider, epoch: u64) -> GroupContext {
    GroupContext {
        version: mls_core::ProtocolVersion,
        cipher_suite: suite.cipher_suite(),
        group_id: VarBytes::from(GROUP_ID),
        epoch,
        tree_hash: VarBytes::from(&[epoch as u8; 32][..]),
        confirmed_transcript_hash: VarBytes::from(&[7u8; 32][..]),
        extensions: Extensions::new(),
    }
}

/// The keys of `epoch`, derived from a seeded joiner secret.
pub(crate) fn epoch_keys(
    suite: &dyn CipherSuiteProvider,
    epoch: u64,
    policy: OutOfOrderPolicy,
) -> (EpochKeys, EpochSecrets) {
    let context = context(suite, epoch);
    let joiner = Secret::new(vec![epoch as u8 ^ 0x5a; suite.hash_len()]);
    let psk = Secret::new(vec![0; suite.hash_len()]);
    let secrets = EpochSecrets::derive(suite, &joiner, &psk, &context.to_bytes().unwrap()).unwrap();
    let size = TreeSize::from_leaf_count(2).unwrap();
    (EpochKeys::new(context, &secrets, size, policy), secrets)
}

impl<'a> Fixture<'a> {
    pub(crate) fn new(suite: &'a dyn CipherSuiteProvider) -> Self {
        Self::with_policy(suite, OutOfOrderPolicy::default())
    }

    pub(crate) fn with_policy(
        suite: &'a dyn CipherSuiteProvider,
        policy: OutOfOrderPolicy,
    ) -> Self {
        let rand = SeededRand::new([9; 32]);
        let mut signers = Vec::new();
        let mut public = Vec::new();
        for _ in 0..2 {
            let (private, public_key) = generate_signature_key_pair(suite, &rand).unwrap();
            signers.push(suite.signer(private.as_bytes()).unwrap());
            public.push(public_key);
        }
        let (keys, secrets) = epoch_keys(suite, 0, policy);
        Self {
            suite,
            rand,
            signers,
            keys: Keys(public),
            alice: MessageProtection::new(keys.clone(), policy, PaddingPolicy::None),
            bob: MessageProtection::new(keys, policy, PaddingPolicy::None),
            sender_data_secret: secrets.sender_data_secret.clone(),
            membership_key: secrets.membership_key.clone(),
            context: context(suite, 0),
            policy,
        }
    }

    /// Alice (leaf 0) signs `content` for `wire_format` in the current epoch.
    pub(crate) fn alice_signs(
        &self,
        wire_format: mls_core::framing::WireFormat,
        authenticated_data: &[u8],
        content: mls_core::framing::Content,
    ) -> Result<mls_core::framing::AuthenticatedContent, Error> {
        self.alice.sign(
            self.suite,
            self.signers[0].as_ref(),
            wire_format,
            mls_core::framing::Sender::Member(0),
            authenticated_data,
            content,
        )
    }

    /// Alice's application message, as bytes off the wire.
    pub(crate) fn alice_sends(&mut self, data: &[u8]) -> MlsMessage {
        let message = self
            .alice
            .protect_application(
                self.suite,
                self.signers[0].as_ref(),
                0,
                b"aad",
                data,
                &self.rand,
            )
            .unwrap();
        MlsMessage::from_bytes(&message.to_bytes().unwrap()).unwrap()
    }

    /// Bob unprotects; application data or the error.
    pub(crate) fn bob_receives(&mut self, message: &MlsMessage) -> Result<Vec<u8>, Error> {
        let verified = self.bob.unprotect(self.suite, message, &self.keys)?;
        match verified.content() {
            mls_core::framing::Content::Application(d) => Ok(d.as_slice().to_vec()),
            _ => Ok(Vec::new()),
        }
    }

    /// A PrivateMessage built by hand: `plaintext` is the raw
    /// PrivateMessageContent, encrypted with Alice's next application key,
    /// and the sender data says `leaf` and `generation` (Alice's real ones
    /// unless overridden).
    pub(crate) fn craft_private(
        &mut self,
        plaintext: &[u8],
        leaf: Option<u32>,
        generation: Option<u32>,
    ) -> MlsMessage {
        let suite = self.suite;
        let mut tree = self.alice.current().secret_tree().clone();
        let (real_generation, key) = tree
            .next_sending_key(suite, LeafIndex(0), RatchetKind::Application)
            .unwrap();
        // Keep Alice's ratchet in step with what was sent.
        let _ = self
            .alice
            .protect_application(suite, self.signers[0].as_ref(), 0, b"", b"", &self.rand)
            .unwrap();
        let group_id = VarBytes::from(GROUP_ID);
        let authenticated_data = VarBytes::from(&b"aad"[..]);
        let mut aad = encode(&group_id).unwrap();
        aad.extend(0u64.to_be_bytes());
        aad.push(ContentType::Application as u8);
        aad.extend(encode(&authenticated_data).unwrap());
        let ciphertext = suite
            .aead_seal(key.key.as_bytes(), key.nonce.as_bytes(), &aad, plaintext)
            .unwrap();
        let sender_data = encode(&SenderData {
            leaf_index: leaf.unwrap_or(0),
            generation: generation.unwrap_or(real_generation),
            reuse_guard: [0; 4],
        })
        .unwrap();
        let (sd_key, sd_nonce) =
            sender_data_key_nonce(suite, &self.sender_data_secret, &ciphertext).unwrap();
        let mut sd_aad = encode(&group_id).unwrap();
        sd_aad.extend(0u64.to_be_bytes());
        sd_aad.push(ContentType::Application as u8);
        let encrypted_sender_data = suite
            .aead_seal(
                sd_key.as_bytes(),
                sd_nonce.as_bytes(),
                &sd_aad,
                &sender_data,
            )
            .unwrap();
        MlsMessage::new(MlsMessageBody::PrivateMessage(PrivateMessage {
            group_id,
            epoch: 0,
            content_type: ContentType::Application,
            authenticated_data,
            encrypted_sender_data: VarBytes::new(encrypted_sender_data),
            ciphertext: VarBytes::new(ciphertext),
        }))
    }
}
