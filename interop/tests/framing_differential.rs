//! Differential property test of message protection: a PrivateMessage
//! protected by one backend unprotects under every other backend offering
//! the suite, and for the EdDSA suites (deterministic signatures) every
//! backend produces the same bytes from the same seed.

#![allow(clippy::unwrap_used, clippy::panic)]

#[allow(dead_code)]
#[path = "framing/fixture.rs"]
mod fixture;

use fixture::{Keys, epoch_keys};
use interop::{SeededRand, backends};
use mls_core::crypto::generate_signature_key_pair;
use mls_core::framing::{Content, MessageProtection, MlsMessage, PaddingPolicy};
use mls_core::provider::{CipherSuiteProvider, Signer};
use mls_core::secret_tree::OutOfOrderPolicy;
use mls_core::{CipherSuite, SignatureScheme};
use proptest::prelude::*;
use std::sync::OnceLock;

type Suites = Vec<(&'static str, &'static dyn CipherSuiteProvider)>;

fn shared() -> &'static [(CipherSuite, Suites)] {
    static SHARED: OnceLock<Vec<(CipherSuite, Suites)>> = OnceLock::new();
    SHARED.get_or_init(|| {
        let all: &'static [backends::Backend] = Box::leak(backends::all().into_boxed_slice());
        CipherSuite::ALL
            .into_iter()
            .map(|cs| {
                let impls: Suites = all
                    .iter()
                    .filter_map(|b| b.provider.suite(cs).map(|s| (b.name, s)))
                    .collect();
                (cs, impls)
            })
            .filter(|(_, impls)| impls.len() >= 2)
            .collect()
    })
}

#[derive(Debug, Clone)]
struct Inputs {
    data: Vec<u8>,
    aad: Vec<u8>,
    padding: u16,
    skipped: u8,
    seed: [u8; 32],
}

fn inputs() -> impl Strategy<Value = Inputs> {
    (
        proptest::collection::vec(any::<u8>(), 0..1500),
        proptest::collection::vec(any::<u8>(), 0..40),
        prop_oneof![Just(0u16), Just(1), Just(32), Just(257)],
        0u8..12,
        any::<[u8; 32]>(),
    )
        .prop_map(|(data, aad, padding, skipped, seed)| Inputs {
            data,
            aad,
            padding,
            skipped,
            seed,
        })
}

/// `sender` protects `skipped` messages and then the input; returns the
/// last message's bytes, the skipped ones, and the public signature key.
fn protect(suite: &dyn CipherSuiteProvider, i: &Inputs) -> (Vec<u8>, Vec<Vec<u8>>, Vec<u8>) {
    let rand = SeededRand::new(i.seed);
    let (private, public) = generate_signature_key_pair(suite, &rand).unwrap();
    let signer: Box<dyn Signer> = suite.signer(private.as_bytes()).unwrap();
    let policy = OutOfOrderPolicy::default();
    let padding = match i.padding {
        0 => PaddingPolicy::None,
        m => PaddingPolicy::Multiple(m),
    };
    let mut alice = MessageProtection::new(epoch_keys(suite, 0, policy).0, policy, padding);
    let mut send = |data: &[u8]| {
        alice
            .protect_application(suite, signer.as_ref(), 0, &i.aad, data, &rand)
            .unwrap()
            .to_bytes()
            .unwrap()
    };
    let skipped = (0..i.skipped).map(|n| send(&[n])).collect();
    (send(&i.data), skipped, public)
}

fn check(i: &Inputs) -> Result<(), String> {
    for (cs, impls) in shared() {
        let mut produced = Vec::new();
        for &(sender_name, sender) in impls {
            let (message, skipped, public) = protect(sender, i);
            for &(receiver_name, receiver) in impls {
                let policy = OutOfOrderPolicy::default();
                let mut bob = MessageProtection::new(
                    epoch_keys(receiver, 0, policy).0,
                    policy,
                    PaddingPolicy::None,
                );
                let keys = Keys(vec![public.clone(), Vec::new()]);
                let m = MlsMessage::from_bytes(&message).map_err(|e| e.to_string())?;
                let verified = bob
                    .unprotect(receiver, &m, &keys)
                    .map_err(|e| format!("{cs}: {sender_name} -> {receiver_name}: {e}"))?;
                let Content::Application(data) = verified.content() else {
                    return Err("not application data".into());
                };
                if data.as_slice() != i.data.as_slice() || verified.authenticated_data() != i.aad {
                    return Err(format!(
                        "{cs}: {sender_name} -> {receiver_name}: content differs"
                    ));
                }
                // Late delivery of the skipped messages works across backends too.
                if let Some(first) = skipped.first() {
                    let m = MlsMessage::from_bytes(first).map_err(|e| e.to_string())?;
                    bob.unprotect(receiver, &m, &keys).map_err(|e| {
                        format!("{cs}: late message {sender_name} -> {receiver_name}: {e}")
                    })?;
                }
            }
            produced.push((sender_name, message));
        }
        if matches!(
            cs.definition().unwrap().signature,
            SignatureScheme::Ed25519 | SignatureScheme::Ed448
        ) {
            let (first_name, first) = &produced[0];
            for (name, bytes) in &produced[1..] {
                if bytes != first {
                    return Err(format!(
                        "{cs}: {first_name} and {name} produced different bytes"
                    ));
                }
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn private_messages_unprotect_across_backends(i in inputs()) {
        prop_assert!(check(&i).is_ok(), "{}", check(&i).unwrap_err());
    }
}

/// The check can fail: a message from one epoch's keys does not open under
/// another's, on any backend pair.
#[test]
fn check_detects_mismatched_keys() {
    let (cs, impls) = &shared()[0];
    let (_, a) = impls[0];
    let (_, b) = impls[1];
    let i = Inputs {
        data: b"x".to_vec(),
        aad: Vec::new(),
        padding: 0,
        skipped: 0,
        seed: [1; 32],
    };
    let (message, _, public) = protect(a, &i);
    let policy = OutOfOrderPolicy::default();
    let mut other = MessageProtection::new(epoch_keys(b, 5, policy).0, policy, PaddingPolicy::None);
    let m = MlsMessage::from_bytes(&message).unwrap();
    assert!(
        other.unprotect(b, &m, &Keys(vec![public])).is_err(),
        "{cs}: a message opened under the wrong epoch's keys"
    );
}
