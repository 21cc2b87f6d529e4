//! `transcript-hashes.json`: the confirmed and interim transcript hashes and
//! the confirmation tag of RFC 9420 §8.2.

use super::{Tally, expect_eq};
use crate::vectors::Hex;
use mls_core::codec::{decode_exact, encode};
use mls_core::framing::{AuthenticatedContent, Content};
use mls_core::key_schedule::transcript;
use mls_core::provider::CipherSuiteProvider;
use mls_core::secret::Secret;
use serde::Deserialize;

#[derive(Deserialize)]
pub(crate) struct Case {
    pub(crate) cipher_suite: u16,
    confirmation_key: Hex,
    authenticated_content: Hex,
    interim_transcript_hash_before: Hex,
    confirmed_transcript_hash_after: Hex,
    interim_transcript_hash_after: Hex,
}

/// Cases per entry: decoding, the confirmed hash with its tag, the interim hash.
pub(crate) const CHECKS: usize = 3;

fn err(e: impl std::fmt::Display) -> String {
    e.to_string()
}

fn confirmed(
    c: &Case,
    ac: &AuthenticatedContent,
    suite: &dyn CipherSuiteProvider,
) -> Result<(), String> {
    let input = ac.confirmed_transcript_hash_input().map_err(err)?;
    let hash =
        transcript::confirmed_transcript_hash(suite, &c.interim_transcript_hash_before, &input)
            .map_err(err)?;
    expect_eq(
        "confirmed_transcript_hash",
        &c.confirmed_transcript_hash_after,
        &hash,
    )?;
    let tag = ac
        .auth
        .confirmation_tag
        .as_ref()
        .ok_or("commit without confirmation_tag")?;
    let key = Secret::from_slice(&c.confirmation_key);
    match transcript::verify_confirmation_tag(suite, &key, &hash, tag.as_slice()) {
        Ok(true) => Ok(()),
        Ok(false) => Err("confirmation_tag does not verify".into()),
        Err(e) => Err(err(e)),
    }
}

fn interim(
    ac: &AuthenticatedContent,
    c: &Case,
    suite: &dyn CipherSuiteProvider,
) -> Result<(), String> {
    let tag = ac
        .auth
        .confirmation_tag
        .as_ref()
        .ok_or("commit without confirmation_tag")?;
    let hash = transcript::interim_transcript_hash(
        suite,
        &c.confirmed_transcript_hash_after,
        tag.as_slice(),
    )
    .map_err(err)?;
    expect_eq(
        "interim_transcript_hash",
        &c.interim_transcript_hash_after,
        &hash,
    )
}

pub(crate) fn run(c: &Case, suite: &dyn CipherSuiteProvider, t: &mut Tally) {
    let ac = match decode_exact::<AuthenticatedContent>(&c.authenticated_content) {
        Ok(ac) => ac,
        Err(e) => {
            for _ in 0..CHECKS {
                t.check("decode AuthenticatedContent", Err(err(&e)));
            }
            return;
        }
    };
    t.check(
        "decode AuthenticatedContent",
        if !matches!(ac.content.content, Content::Commit(_)) {
            Err("content is not a commit".into())
        } else {
            encode(&ac).map_err(err).and_then(|bytes| {
                expect_eq(
                    "re-encoded AuthenticatedContent",
                    &c.authenticated_content,
                    &bytes,
                )
            })
        },
    );
    t.check("confirmed transcript hash", confirmed(c, &ac, suite));
    t.check("interim transcript hash", interim(&ac, c, suite));
}
