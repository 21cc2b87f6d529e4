//! `welcome.json`: decrypting and verifying a Welcome (RFC 9420
//! §12.4.3.1) as the new member would, up to the point where the ratchet
//! tree is needed.
//!
//! The vector has neither the ratchet tree nor the new member's leaf
//! encryption key or signature key, so `Group::join` cannot run on it. The
//! steps of FORMATS.md are done here with the same mls-core primitives the
//! join uses: the entry named by the KeyPackageRef, `DecryptWithLabel` of
//! the GroupSecrets under `init_priv`, the welcome key and nonce from the
//! joiner secret with no PSKs, the GroupInfo signature under `signer_pub`,
//! and the confirmation tag of the epoch derived from the joiner secret.

use super::Tally;
use crate::vectors::Hex;
use mls_core::codec::decode_exact;
use mls_core::crypto::decrypt_with_label;
use mls_core::framing::{MlsMessage, MlsMessageBody};
use mls_core::group::group_info::GroupInfo;
use mls_core::group::welcome::{GroupSecrets, Welcome};
use mls_core::key_schedule::transcript::verify_confirmation_tag;
use mls_core::key_schedule::{EpochSecrets, psk_secret, welcome_key_nonce, welcome_secret};
use mls_core::provider::CipherSuiteProvider;
use mls_core::secret::{HpkePrivateKey, Secret};
use serde::Deserialize;

#[derive(Deserialize)]
pub(crate) struct Case {
    pub(crate) cipher_suite: u16,
    init_priv: Hex,
    signer_pub: Hex,
    key_package: Hex,
    welcome: Hex,
}

/// Cases per vector: the GroupSecrets (entry found and decrypted), the
/// GroupInfo (decrypted), its signature, its confirmation tag.
pub(crate) const CHECKS: usize = 4;

fn err(e: impl std::fmt::Display) -> String {
    e.to_string()
}

/// The Welcome and the new member's GroupSecrets: the entry whose
/// `new_member` is the KeyPackageRef of `key_package`, decrypted with
/// `init_priv` (§12.4.3.1).
fn group_secrets(
    c: &Case,
    suite: &dyn CipherSuiteProvider,
) -> Result<(Welcome, GroupSecrets), String> {
    let key_package = decode_exact::<MlsMessage>(&c.key_package)
        .map_err(|e| format!("key_package: {e}"))?
        .into_key_package()
        .ok_or("key_package is not an MLSMessage(KeyPackage)")?;
    let welcome = match decode_exact::<MlsMessage>(&c.welcome)
        .map_err(|e| format!("welcome: {e}"))?
        .body
    {
        MlsMessageBody::Welcome(w) => w,
        _ => return Err("welcome is not an MLSMessage(Welcome)".into()),
    };
    if welcome.cipher_suite != suite.cipher_suite()
        || key_package.cipher_suite != welcome.cipher_suite
    {
        return Err(format!(
            "cipher suites differ: welcome {}, key package {}, vector {}",
            welcome.cipher_suite.code(),
            key_package.cipher_suite.code(),
            c.cipher_suite
        ));
    }
    let reference = key_package.reference(suite).map_err(err)?;
    let entry = welcome
        .secrets_for(&reference)
        .ok_or("no entry in welcome.secrets for the key package's reference")?;
    let ct = &entry.encrypted_group_secrets;
    let plaintext = decrypt_with_label(
        suite,
        &HpkePrivateKey::from_slice(&c.init_priv),
        "Welcome",
        welcome.encrypted_group_info.as_slice(),
        ct.kem_output.as_slice(),
        ct.ciphertext.as_slice(),
    )
    .map_err(|e| format!("decrypting the group secrets: {e}"))?;
    let secrets: GroupSecrets =
        decode_exact(plaintext.as_bytes()).map_err(|e| format!("group secrets: {e}"))?;
    Ok((welcome, secrets))
}

/// The PSK secret of "no PSKs" (§8.4: all zero, `KDF.Nh` bytes); the
/// vector's GroupSecrets must name none.
fn no_psks(suite: &dyn CipherSuiteProvider, secrets: &GroupSecrets) -> Result<Secret, String> {
    if !secrets.psks.as_slice().is_empty() {
        return Err(format!(
            "the group secrets name {} PSKs; the vector has none",
            secrets.psks.as_slice().len()
        ));
    }
    psk_secret(suite, &[]).map_err(err)
}

/// The GroupInfo, decrypted under the welcome key and nonce (§8,
/// §12.4.3.1).
fn group_info(
    suite: &dyn CipherSuiteProvider,
    welcome: &Welcome,
    secrets: &GroupSecrets,
) -> Result<GroupInfo, String> {
    let psk = no_psks(suite, secrets)?;
    let welcome_secret = welcome_secret(suite, &secrets.joiner_secret, &psk).map_err(err)?;
    let (key, nonce) = welcome_key_nonce(suite, &welcome_secret).map_err(err)?;
    let bytes = suite
        .aead_open(
            key.as_bytes(),
            nonce.as_bytes(),
            &[],
            welcome.encrypted_group_info.as_slice(),
        )
        .map_err(|e| format!("decrypting the group info: {e}"))?;
    decode_exact(bytes.as_bytes()).map_err(|e| format!("group info: {e}"))
}

/// The confirmation tag (§8.1, §12.4.3.1): recomputed with the
/// `confirmation_key` of the epoch the joiner secret starts, over the
/// GroupContext's `confirmed_transcript_hash`.
fn confirmation(
    suite: &dyn CipherSuiteProvider,
    secrets: &GroupSecrets,
    info: &GroupInfo,
) -> Result<(), String> {
    let psk = no_psks(suite, secrets)?;
    let context = info.group_context.to_bytes().map_err(err)?;
    let epoch = EpochSecrets::derive(suite, &secrets.joiner_secret, &psk, &context).map_err(err)?;
    let ok = verify_confirmation_tag(
        suite,
        &epoch.confirmation_key,
        info.group_context.confirmed_transcript_hash.as_slice(),
        info.confirmation_tag.as_slice(),
    )
    .map_err(err)?;
    if ok {
        Ok(())
    } else {
        Err("the recomputed confirmation_tag differs from the group info's".into())
    }
}

pub(crate) fn run(c: &Case, suite: &dyn CipherSuiteProvider, t: &mut Tally) {
    let (welcome, secrets) = match group_secrets(c, suite) {
        Ok(v) => {
            t.check("group secrets", Ok(()));
            v
        }
        Err(why) => {
            t.check("group secrets", Err(why.clone()));
            for name in ["group info", "signature", "confirmation_tag"] {
                t.check(name, Err(format!("no group secrets: {why}")));
            }
            return;
        }
    };
    let info = match group_info(suite, &welcome, &secrets) {
        Ok(info) => {
            t.check("group info", Ok(()));
            info
        }
        Err(why) => {
            t.check("group info", Err(why.clone()));
            for name in ["signature", "confirmation_tag"] {
                t.check(name, Err(format!("no group info: {why}")));
            }
            return;
        }
    };
    t.check(
        "signature",
        info.verify_signature(suite, &c.signer_pub)
            .map_err(|e| format!("group info signature under signer_pub: {e}")),
    );
    t.check("confirmation_tag", confirmation(suite, &secrets, &info));
}
