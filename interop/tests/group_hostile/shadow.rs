//! A delivery service's view of a [`World`]'s group (`PublicGroup`),
//! checked at every delivery (issue 15): after each handshake the members
//! accept, it holds their GroupContext (epoch, tree hash, confirmed
//! transcript hash, extensions), tree and cached proposals; a hostile
//! handshake the members refuse for a reason that needs no secret, it
//! refuses with an error the test accepts, and stays as it was.
//!
//! The view starts from a member's GroupInfo and starts again from one
//! whenever a test moved the members on without the world (a message
//! processed by hand): a GroupInfo carries no proposals, so while the
//! members hold proposals the view did not see, it sits out.

use super::{World, config};
use interop::SeededRand;
use interop::clients::{TestProvider, crypto, seed};
use mls_core::codec::encode;
use mls_core::framing::{Content, MlsMessageBody};
use mls_core::group::PublicGroup;
use mls_core::key_schedule::GroupContext;
use mls_core::provider::{MlsProvider, RandProvider};
use mls_core::tree::node::RatchetTree;
use mls_core::{Error, MlsMessage, ProtocolError};
use mls_storage_memory::MemoryStorage;

/// The view and what it did.
#[derive(Default)]
pub(crate) struct Shadow {
    view: Option<PublicGroup<TestProvider>>,
    /// Handshakes followed to the members' state.
    pub(crate) followed: usize,
    /// Hostile handshakes refused, with the members' error where the
    /// reason needs no secret.
    pub(crate) refused: usize,
    /// Hostile handshakes only a member can refuse (see
    /// [`beyond_the_view`]), which the view took: it then starts again.
    pub(crate) beyond_view: usize,
    /// Times the view was built from a member's GroupInfo.
    pub(crate) built: usize,
}

/// Errors whose reason a view without secrets cannot see, or which come
/// from a member's own policy: the membership and confirmation tags (MACs
/// under the epoch's keys), path secrets and PSK values, the members'
/// rules and Authentication Service (the view accepts every credential;
/// a delivery service has its own policy), and crypto failures opening
/// what is encrypted to members.
fn beyond_the_view(e: &Error) -> bool {
    match e {
        Error::Protocol(p) => matches!(
            p,
            ProtocolError::MembershipTagMismatch
                | ProtocolError::ConfirmationTagMismatch
                | ProtocolError::DecryptionFailed(_)
                | ProtocolError::NoPathSecretForUs
                | ProtocolError::PathPublicKeyMismatch(_)
                | ProtocolError::PskNotFound
                | ProtocolError::ProposalRejectedByRules(_)
                | ProtocolError::CommitRejectedByRules(_)
                | ProtocolError::CredentialRejected { .. }
                | ProtocolError::CredentialNotSuccessor { .. }
        ),
        Error::Crypto(_) => true,
        _ => false,
    }
}

fn is_handshake(msg: &MlsMessage) -> bool {
    matches!(&msg.body, MlsMessageBody::PublicMessage(p)
        if !matches!(p.content.content, Content::Application(_)))
}

/// GroupContext, tree, and the cached proposals (encoded, in order).
type ViewState = (GroupContext, RatchetTree, Vec<Vec<u8>>);

fn state(v: &PublicGroup<TestProvider>) -> ViewState {
    (
        v.group_context().clone(),
        v.ratchet_tree(),
        v.pending_proposals()
            .iter()
            .map(|p| encode(&p.proposal).expect("proposal"))
            .collect(),
    )
}

impl World {
    /// The first member with a group, other than `skip`.
    pub(crate) fn first_member_but(&self, skip: Option<usize>) -> Option<usize> {
        (0..self.members.len()).find(|i| Some(*i) != skip && self.members[*i].group.is_some())
    }

    fn member_state(&self, i: usize) -> Option<ViewState> {
        let g = self.members.get(i)?.group.as_ref()?;
        Some((
            g.group_context().clone(),
            g.ratchet_tree(),
            g.pending_proposals()
                .map(|p| encode(p).expect("proposal"))
                .collect(),
        ))
    }

    /// Keeps the view on member `reference`'s state: as it is if it
    /// agrees, else built again from the member's GroupInfo (or none while
    /// the member holds proposals the view cannot get).
    pub(crate) fn sync_shadow(&mut self, reference: Option<usize>) {
        let Some(expected) = reference.and_then(|r| self.member_state(r)) else {
            self.shadow.view = None;
            return;
        };
        if self
            .shadow
            .view
            .as_ref()
            .is_some_and(|v| state(v) == expected)
        {
            return;
        }
        self.shadow.view = None;
        if !expected.2.is_empty() {
            return;
        }
        let r = reference.expect("a reference member");
        let info = self.gr(r).group_info(true).expect("a member's GroupInfo");
        let provider = MlsProvider::new(
            crypto(self.backend).expect("backend"),
            Box::new(SeededRand::new(seed(50_000 + self.shadow.built as u64)))
                as Box<dyn RandProvider>,
            MemoryStorage::new(),
        );
        let view = PublicGroup::builder(provider)
            .credential_validator(mls_core::credential::AcceptAll)
            .config(config())
            .build_from_group_info(&info, None)
            .unwrap_or_else(|e| panic!("the public view refused member {r}'s GroupInfo: {e:?}"));
        self.shadow.view = Some(view);
        self.shadow.built += 1;
    }

    /// After a delivery every member accepted: the view takes the
    /// handshake too and agrees with the members.
    pub(crate) fn shadow_follows(&mut self, from: usize, msg: &MlsMessage) {
        if !is_handshake(msg) {
            return;
        }
        let Some(v) = self.shadow.view.as_mut() else {
            return;
        };
        if let Err(e) = v.process_and_merge(msg) {
            panic!("the public view refused a handshake every member accepted: {e:?}");
        }
        let now = state(v);
        match self
            .first_member_but(Some(from))
            .and_then(|r| self.member_state(r))
        {
            Some(expected) => {
                assert_eq!(now.0, expected.0, "the public view's GroupContext");
                assert_eq!(now.1, expected.1, "the public view's tree");
                assert_eq!(now.2, expected.2, "the public view's proposals");
                self.shadow.followed += 1;
            }
            None => self.shadow.view = None,
        }
    }

    /// After the members refused `msg` with `members_error`: the view
    /// refuses it too, with an error `expected` accepts where the reason
    /// needs no secret, and stays as it was.
    pub(crate) fn shadow_refuses(
        &mut self,
        msg: &MlsMessage,
        what: &str,
        members_error: &Error,
        expected: impl Fn(&Error) -> bool,
    ) {
        if !is_handshake(msg) {
            return;
        }
        let Some(v) = self.shadow.view.as_mut() else {
            return;
        };
        let before = state(v);
        match v.process_and_merge(msg) {
            Err(e) => {
                assert!(
                    beyond_the_view(members_error) || expected(&e),
                    "{what}: the members refused it with {members_error:?}, \
                     the public view with {e:?}"
                );
                assert!(
                    state(v) == before,
                    "{what}: the public view changed on a refused message"
                );
                self.shadow.refused += 1;
            }
            Ok(taken) => {
                assert!(
                    beyond_the_view(members_error),
                    "{what}: the public view took a message the members refuse for a \
                     reason that needs no secret ({members_error:?}): {taken:?}"
                );
                self.shadow.beyond_view += 1;
                self.shadow.view = None;
            }
        }
    }
}
