//! Key-schedule operations the vectors do not cover end to end, on every
//! backend and suite: external initialization (§8.3) in both directions.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[allow(dead_code)]
#[path = "provider_conformance/harness.rs"]
mod harness;

use interop::SeededRand;
use mls_core::CipherSuite;
use mls_core::key_schedule::{EpochSecrets, external_init_secret_from, external_init_secret_to};
use mls_core::secret::Secret;

#[test]
fn external_init_secret_agrees_between_joiner_and_member() {
    for cs in CipherSuite::ALL {
        harness::run_suite("external init", cs, |c| {
            let nh = c.s.hash_len();
            let secrets = EpochSecrets::derive(
                c.s,
                &Secret::new(vec![1; nh]),
                &Secret::new(vec![0; nh]),
                b"context",
            )
            .unwrap();
            let (external_priv, external_pub) = secrets.external_key_pair(c.s).unwrap();
            let rand = SeededRand::new([4; 32]);
            let joiner = external_init_secret_to(c.s, &external_pub, &rand).unwrap();
            assert_eq!(joiner.secret.len(), nh);
            let member =
                external_init_secret_from(c.s, &external_priv, &joiner.kem_output).unwrap();
            assert_eq!(member, joiner.secret);
            // Another epoch's external key does not give the same secret.
            let other = EpochSecrets::derive(
                c.s,
                &Secret::new(vec![2; nh]),
                &Secret::new(vec![0; nh]),
                b"context",
            )
            .unwrap();
            let (other_priv, _) = other.external_key_pair(c.s).unwrap();
            match external_init_secret_from(c.s, &other_priv, &joiner.kem_output) {
                Ok(s) => assert_ne!(s, joiner.secret),
                Err(e) => panic!("export with another key should still succeed: {e}"),
            }
        });
    }
}
