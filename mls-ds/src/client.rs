//! A small blocking client of the service (over `ureq`) that signs every
//! request with the client's key: what the tests and the demo use, and a
//! reference for clients in other languages.

use crate::api::*;
use crate::auth::{RequestToSign, suite_for_scheme};
use crate::error::Error;
use mls_core::MlsMessage;
use mls_core::provider::{RandProvider, Signer};
use mls_core::tree::node::RatchetTree;
use mls_crypto_rustcrypto::{RustCryptoProvider, SystemRand};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::sync::Arc;

/// A raw answer: status and body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawResponse {
    /// The HTTP status code.
    pub status: u16,
    /// The body.
    pub body: Vec<u8>,
}

impl RawResponse {
    /// The reason of a refusal (`{"error": ...}`), or the body as text.
    pub fn reason(&self) -> String {
        serde_json::from_slice::<serde_json::Value>(&self.body)
            .ok()
            .and_then(|v| v.get("error").and_then(|e| e.as_str()).map(str::to_owned))
            .unwrap_or_else(|| String::from_utf8_lossy(&self.body).into_owned())
    }
}

/// A commit and what goes with it, for [`DsClient::send_commit`].
#[derive(Debug, Clone, Default)]
pub struct CommitUpload<'a> {
    /// The commit.
    pub commit: Option<&'a MlsMessage>,
    /// The GroupInfo of the epoch it creates.
    pub group_info: Option<&'a MlsMessage>,
    /// The new epoch's tree (only for a PrivateMessage commit whose
    /// GroupInfo has no `ratchet_tree` extension).
    pub ratchet_tree: Option<&'a RatchetTree>,
    /// The Welcome for the members it adds.
    pub welcome: Option<&'a MlsMessage>,
    /// Who the Welcome is for.
    pub welcome_recipients: Vec<String>,
}

/// The most messages one [`DsClient::drain`] takes.
pub const DRAIN_LIMIT: usize = 10_000;

/// A client of the delivery service, signing as `client_id`.
pub struct DsClient {
    base: String,
    client_id: String,
    signer: Arc<dyn Signer>,
    crypto: RustCryptoProvider,
    agent: ureq::Agent,
}

impl std::fmt::Debug for DsClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DsClient")
            .field("base", &self.base)
            .field("client_id", &self.client_id)
            .finish_non_exhaustive()
    }
}

fn hex_message(m: &MlsMessage) -> Result<String, Error> {
    Ok(hex::encode(m.to_bytes()?))
}

fn unhex_message(s: &str) -> Result<MlsMessage, Error> {
    let bytes = hex::decode(s).map_err(|_| Error::BadAnswer("a message is not hex".into()))?;
    MlsMessage::from_bytes(&bytes).map_err(|e| Error::BadAnswer(format!("a message: {e}")))
}

impl DsClient {
    /// A client of the service at `base_url` (`http://host:port`), signing
    /// as `client_id` with `signer`.
    pub fn new(base_url: &str, client_id: &str, signer: Arc<dyn Signer>) -> Self {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(std::time::Duration::from_secs(30)))
            .build()
            .into();
        Self {
            base: base_url.trim_end_matches('/').to_owned(),
            client_id: client_id.to_owned(),
            signer,
            // Every suite RustCrypto has, so a member signing with a
            // post-quantum scheme can sign its requests too.
            crypto: RustCryptoProvider::with_provisional_suites(),
            agent,
        }
    }

    /// The client id requests are signed as.
    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    /// The authentication headers of a request (see [`crate::auth`]), with
    /// the current time and a fresh nonce unless given.
    pub fn auth_headers(
        &self,
        method: &str,
        path_and_query: &str,
        body: &[u8],
        timestamp: Option<u64>,
        nonce: Option<&[u8]>,
    ) -> Result<[(&'static str, String); 4], Error> {
        let suite = suite_for_scheme(&self.crypto, self.signer.scheme()).ok_or_else(|| {
            Error::Unsupported(format!("signature scheme {:?}", self.signer.scheme()))
        })?;
        let mut fresh = [0u8; 16];
        let nonce = match nonce {
            Some(n) => n,
            None => {
                SystemRand.fill(&mut fresh).map_err(mls_core::Error::from)?;
                &fresh
            }
        };
        let timestamp = timestamp.unwrap_or_else(crate::config::system_clock);
        Ok(RequestToSign {
            client_id: &self.client_id,
            method,
            path_and_query,
            timestamp,
            nonce,
            body,
        }
        .sign(self.signer.as_ref(), suite)?)
    }

    /// Sends a request with the given headers (none: unsigned) and returns
    /// the answer whatever its status.
    pub fn send_raw(
        &self,
        method: &str,
        path_and_query: &str,
        body: &[u8],
        headers: &[(&str, String)],
    ) -> Result<RawResponse, Error> {
        let mut request = ureq::http::Request::builder()
            .method(method)
            .uri(format!("{}{path_and_query}", self.base));
        for (name, value) in headers {
            request = request.header(*name, value);
        }
        if !body.is_empty() {
            request = request.header("content-type", "application/octet-stream");
        }
        let request = request
            .body(body.to_vec())
            .map_err(|e| Error::Transport(e.to_string()))?;
        let mut response = self
            .agent
            .run(request)
            .map_err(|e| Error::Transport(e.to_string()))?;
        let status = response.status().as_u16();
        let body = response
            .body_mut()
            .with_config()
            .limit(64 << 20)
            .read_to_vec()
            .map_err(|e| Error::Transport(e.to_string()))?;
        Ok(RawResponse { status, body })
    }

    /// A signed request; the raw answer.
    pub fn request(
        &self,
        method: &str,
        path_and_query: &str,
        body: &[u8],
    ) -> Result<RawResponse, Error> {
        let headers = self.auth_headers(method, path_and_query, body, None, None)?;
        self.send_raw(method, path_and_query, body, &headers)
    }

    fn call<T: DeserializeOwned>(
        &self,
        method: &str,
        path_and_query: &str,
        body: &[u8],
    ) -> Result<T, Error> {
        let response = self.request(method, path_and_query, body)?;
        if !(200..300).contains(&response.status) {
            return Err(Error::Refused {
                status: response.status,
                reason: response.reason(),
            });
        }
        serde_json::from_slice(&response.body).map_err(|e| Error::BadAnswer(e.to_string()))
    }

    fn call_json<B: Serialize, T: DeserializeOwned>(
        &self,
        method: &str,
        path: &str,
        body: &B,
    ) -> Result<T, Error> {
        let body = serde_json::to_vec(body).map_err(|e| Error::BadAnswer(e.to_string()))?;
        self.call(method, path, &body)
    }

    /// Registers this client with its signer's public key.
    pub fn register(&self) -> Result<RegisterResponse, Error> {
        self.call_json(
            "POST",
            "/v1/clients",
            &RegisterRequest {
                client_id: self.client_id.clone(),
                signature_scheme: self.signer.scheme() as u16,
                signature_key: hex::encode(self.signer.public_key()),
            },
        )
    }

    /// Publishes a KeyPackage (an MLSMessage carrying one).
    pub fn publish_key_package(&self, key_package: &MlsMessage) -> Result<PublishResponse, Error> {
        self.call("POST", "/v1/key-packages", &key_package.to_bytes()?)
    }

    /// How many KeyPackages of ours are left.
    pub fn key_package_counts(&self) -> Result<KeyPackageCounts, Error> {
        self.call("GET", "/v1/key-packages", &[])
    }

    /// Claims a KeyPackage of `client_id` for `suite`.
    pub fn claim_key_package(
        &self,
        client_id: &str,
        suite: mls_core::CipherSuite,
    ) -> Result<MlsMessage, Error> {
        let out: ClaimResponse = self.call_json(
            "POST",
            "/v1/key-packages/claim",
            &ClaimRequest {
                client_id: client_id.to_owned(),
                cipher_suite: suite.code(),
            },
        )?;
        unhex_message(&out.key_package)
    }

    /// Creates a group from its GroupInfo (and tree, if the GroupInfo does
    /// not carry it).
    pub fn create_group(
        &self,
        group_info: &MlsMessage,
        ratchet_tree: Option<&RatchetTree>,
    ) -> Result<GroupState, Error> {
        self.call_json(
            "POST",
            "/v1/groups",
            &CreateGroupRequest {
                group_info: hex_message(group_info)?,
                ratchet_tree: ratchet_tree
                    .map(|t| t.to_bytes().map(hex::encode))
                    .transpose()?,
            },
        )
    }

    /// The group's state as the service has it (members only).
    pub fn group_state(&self, group_id: &[u8]) -> Result<GroupState, Error> {
        self.call("GET", &format!("/v1/groups/{}", hex::encode(group_id)), &[])
    }

    /// Sends a proposal or an application message to the group.
    pub fn send_message(
        &self,
        group_id: &[u8],
        message: &MlsMessage,
    ) -> Result<SubmitResponse, Error> {
        self.submit(
            group_id,
            &SubmitRequest {
                message: hex_message(message)?,
                ..SubmitRequest::default()
            },
        )
    }

    /// Sends a commit and what goes with it.
    pub fn send_commit(
        &self,
        group_id: &[u8],
        upload: &CommitUpload<'_>,
    ) -> Result<SubmitResponse, Error> {
        let commit = upload
            .commit
            .ok_or_else(|| Error::Mls(mls_core::Misuse::UnexpectedMessage("a commit").into()))?;
        self.submit(
            group_id,
            &SubmitRequest {
                message: hex_message(commit)?,
                group_info: upload.group_info.map(hex_message).transpose()?,
                ratchet_tree: upload
                    .ratchet_tree
                    .map(|t| t.to_bytes().map(hex::encode))
                    .transpose()?,
                welcome: upload.welcome.map(hex_message).transpose()?,
                welcome_recipients: upload.welcome_recipients.clone(),
            },
        )
    }

    /// Sends a prepared submission.
    pub fn submit(
        &self,
        group_id: &[u8],
        request: &SubmitRequest,
    ) -> Result<SubmitResponse, Error> {
        self.call_json(
            "POST",
            &format!("/v1/groups/{}/messages", hex::encode(group_id)),
            request,
        )
    }

    /// The current GroupInfo and tree, for an external join.
    pub fn group_info(&self, group_id: &[u8]) -> Result<(u64, MlsMessage, RatchetTree), Error> {
        let out: GroupInfoResponse = self.call(
            "GET",
            &format!("/v1/groups/{}/group-info", hex::encode(group_id)),
            &[],
        )?;
        let tree = hex::decode(&out.ratchet_tree)
            .map_err(|_| Error::BadAnswer("the tree is not hex".into()))?;
        let tree = RatchetTree::from_bytes_bounded(&tree, mls_core::group::MAX_LEAVES_CEILING)
            .map_err(|e| Error::BadAnswer(format!("the tree: {e}")))?;
        Ok((out.epoch, unhex_message(&out.group_info)?, tree))
    }

    /// Uploads the GroupInfo of the group's current epoch.
    pub fn put_group_info(
        &self,
        group_id: &[u8],
        group_info: &MlsMessage,
    ) -> Result<GroupInfoResponse, Error> {
        self.call_json(
            "PUT",
            &format!("/v1/groups/{}/group-info", hex::encode(group_id)),
            &PutGroupInfoRequest {
                group_info: hex_message(group_info)?,
            },
        )
    }

    /// Our queues with something in them.
    pub fn queues(&self) -> Result<QueueList, Error> {
        self.call("GET", &format!("/v1/queues/{}", self.client_id), &[])
    }

    /// Up to `limit` messages of our queue for the group after `after`.
    pub fn fetch(&self, group_id: &[u8], after: u64, limit: u32) -> Result<FetchResponse, Error> {
        self.call(
            "GET",
            &format!(
                "/v1/queues/{}/{}?after={after}&limit={limit}",
                self.client_id,
                hex::encode(group_id)
            ),
            &[],
        )
    }

    /// Deletes our queue's messages through id `through`.
    pub fn ack(&self, group_id: &[u8], through: u64) -> Result<AckResponse, Error> {
        self.call_json(
            "POST",
            &format!(
                "/v1/queues/{}/{}/ack",
                self.client_id,
                hex::encode(group_id)
            ),
            &AckRequest { through },
        )
    }

    /// Fetches every message waiting for us in the group, decoded, and
    /// acknowledges them: at most [`DRAIN_LIMIT`] messages per call (call
    /// again for more). A server whose message ids do not increase is
    /// refused ([`Error::BadAnswer`]) rather than followed round a loop.
    pub fn drain(&self, group_id: &[u8]) -> Result<Vec<(QueuedMessage, MlsMessage)>, Error> {
        let mut out = Vec::new();
        let mut after = 0;
        while out.len() < DRAIN_LIMIT {
            let batch = self.fetch(group_id, after, 100)?;
            if batch.messages.is_empty() {
                break;
            }
            for m in batch.messages {
                if m.id <= after {
                    return Err(Error::BadAnswer(format!(
                        "queue message id {} after {after}: ids must increase",
                        m.id
                    )));
                }
                after = m.id;
                let message = unhex_message(&m.message)?;
                out.push((m, message));
            }
        }
        if after > 0 {
            self.ack(group_id, after)?;
        }
        Ok(out)
    }
}

/// Decodes a queued message's MLSMessage.
pub fn decode_queued(message: &QueuedMessage) -> Result<MlsMessage, Error> {
    unhex_message(&message.message)
}
