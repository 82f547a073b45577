//! The hub's service layer: every operation the edges offer, written once.
//!
//! gRPC handlers (`grpc/`) and web handlers (`web/`) translate their wire formats into the
//! domain types here, call one function, and translate its result back; the rules (batch
//! limits, validation, the category registry, media references, who may do what, cache
//! invalidation, what is logged) live here and in the store, never in an edge. Each operation
//! takes the caller as the edge authenticated it ([`AgentCaller`] from a verified certificate,
//! or an anonymous reader for public pages) and returns a domain result or a
//! [`ServiceError`], which each edge maps to its own responses in one place.
//!
//! - `agents`: publish, withdraw, heartbeat;
//! - `media`: resumable uploads and their status;
//! - `enrollment`: enroll (one-time token) and renew (certificate), with the limiter of failed
//!   enrollments;
//! - `portal`: what the public pages show of one item (its page, history, versions, media);
//! - `catalog`: what they list (home pages, category pages and tables, exports, the map).
//! - `feeds`: what feeds, sitemaps and robots.txt of the public sites list.
//! - `search`: full-text search, and the follower that keeps its index.

mod agents;
pub mod catalog;
mod enrollment;
mod error;
pub mod feeds;
mod media;
pub mod portal;
pub mod search;

use std::net::SocketAddr;

use portal_core::UnixMillis;
use portal_store::AgentClaims;

pub use agents::{
    HeartbeatAnswer, HeartbeatReport, PublishEntry, WithdrawEntry, heartbeat, publish, withdraw,
};
pub use enrollment::{
    EnrollLimiter, EnrollRequest, Enrolled, Renewed, audit_enroll_failures, enroll, renew,
    token_hash,
};
pub use error::ServiceError;
pub use media::{MediaStatus, Upload, UploadStart, begin_upload, media_status};

/// An agent as its verified client certificate names it: authenticated by the edge (the TLS
/// handshake and the certificate's identity), not yet authorised; each operation asks the store
/// ([`portal_store::Store::authorise_agent`], or the group-commit writer for publications)
/// whether it may still act, so a revocation applies to connections already open.
#[derive(Debug, Clone)]
pub struct AgentCaller {
    pub claims: AgentClaims,
    pub not_before: UnixMillis,
    pub not_after: UnixMillis,
    /// The certified public key, to tell a renewal with a new key (rotation) from one with the
    /// same key.
    pub public_key: Vec<u8>,
    pub remote: Option<SocketAddr>,
}

/// Shortens what an outside party sent before it goes into a log line or an answer: at most
/// `max` characters, with the length said when cut.
pub fn clip(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        None => s.to_string(),
        Some((cut, _)) => format!("{}… ({} bytes)", &s[..cut], s.len()),
    }
}
