//! The statements ingest needs inside one write transaction, independent of the database.
//!
//! The ingest rules (authorisation, replay protection, unchanged detection, versioning) are
//! written once against [`IngestTx`]. Each database has one implementation in its own module,
//! with everything that belongs to it: `sqlite::SqliteTx` on the SQLite writer thread's
//! connection (cached prepared statements), `postgres::PgTx` on the PostgreSQL writer's
//! connection (fixed-shape statements over JSON rows).

use std::collections::HashMap;

use portal_core::{NormalizedItem, ProvinceReview, PublicationState, TenantKind, UnixMillis};

use crate::Result;
use crate::events::{Actor, AuditAction, FeedKind};

/// An agent as ingest sees it.
#[derive(Clone, Debug)]
pub(crate) struct AgentRow {
    pub id: String,
    pub tenant_id: i64,
    pub revoked: bool,
    pub high_water_seq: i64,
}

/// A tenant as ingest sees it.
#[derive(Clone, Debug)]
pub(crate) struct TenantRow {
    pub id: i64,
    pub slug: String,
    pub kind: TenantKind,
}

/// The current row of an item, as far as ingest needs it.
#[derive(Clone, Debug)]
pub(crate) struct CurrentItem {
    pub id: i64,
    pub version: i32,
    pub content_hash: String,
    pub state: PublicationState,
}

/// The current row of an item (insert or update).
pub(crate) struct ItemRow<'a> {
    pub tenant_id: i64,
    pub item: &'a NormalizedItem,
    pub tags: &'a str,
    pub record: Option<&'a str>,
    pub version: i32,
    pub state: PublicationState,
    pub review: ProvinceReview,
    pub updated_at: UnixMillis,
}

/// One stored version of an item (Art 12: every version is kept).
pub(crate) struct VersionRow<'a> {
    pub item_id: i64,
    pub version: i32,
    pub item: &'a NormalizedItem,
    pub tags: &'a str,
    pub record: Option<&'a str>,
    pub notes: Option<String>,
    pub agent_id: &'a str,
    pub agent_seq: i64,
    pub created_at: UnixMillis,
}

/// One change-feed event about an item.
pub(crate) struct FeedRow<'a> {
    pub tenant_id: i64,
    pub item_id: i64,
    pub external_id: &'a str,
    pub version: i32,
    pub kind: FeedKind,
    pub at: UnixMillis,
}

/// One audit entry written by an agent's call.
pub(crate) struct AuditRow<'a> {
    pub at: UnixMillis,
    pub agent_id: &'a str,
    pub action: AuditAction,
    pub tenant_id: i64,
    pub subject: &'a str,
    pub version: i32,
    pub seq: i64,
}

impl AuditRow<'_> {
    pub(crate) fn actor(&self) -> String {
        Actor::Agent(self.agent_id.to_string()).as_text()
    }

    pub(crate) fn detail(&self) -> String {
        format!("{{\"seq\":{},\"version\":{}}}", self.seq, self.version)
    }
}

/// The rows that record a run of calls, written together at its end (on PostgreSQL in one
/// statement: one round trip instead of four).
#[derive(Default)]
pub(crate) struct Records<'a> {
    pub versions: Vec<VersionRow<'a>>,
    pub feed: Vec<FeedRow<'a>>,
    pub audits: Vec<AuditRow<'a>>,
    pub marks: Vec<(&'a str, i64)>,
}

/// Rows a writer may remember for its lifetime: tenants and certificates are never updated or
/// deleted once written, so what was read stays true (a row not found is not remembered).
/// Agents are not here: revocation and high-water marks change.
#[derive(Default)]
pub(crate) struct Known {
    pub tenants: HashMap<i64, TenantRow>,
    pub certificates: HashMap<String, String>,
}

/// The statements of ingest, inside one write transaction.
///
/// Methods are `async` for the PostgreSQL implementation; the SQLite writer's implementation
/// does its work synchronously and its futures are ready at the first poll.
#[allow(async_fn_in_trait)]
pub(crate) trait IngestTx {
    /// Before a run of publish calls: an implementation may read the agents they come from and
    /// the items they name at once, ahead of the `agents` and `current_items` calls that
    /// follow; the default reads nothing.
    async fn prefetch(&mut self, _run: &[super::Job]) -> Result<()> {
        Ok(())
    }
    /// The enrolled agents among `ids`. On PostgreSQL their rows stay locked until commit, so
    /// two hub replicas cannot both accept the same sequence number.
    async fn agents(&mut self, ids: &[&str]) -> Result<Vec<AgentRow>>;
    async fn tenants(&mut self, ids: &[i64]) -> Result<Vec<TenantRow>>;
    /// `(serial, agent id)` of the certificates among `serials`.
    async fn certificate_owners(&mut self, serials: &[&str]) -> Result<Vec<(String, String)>>;
    /// The current rows of a tenant's items among `external_ids`, by external id.
    async fn current_items(
        &mut self,
        tenant_id: i64,
        external_ids: &[&str],
    ) -> Result<HashMap<String, CurrentItem>>;
    /// Inserts new items; their ids, in the order of `rows`.
    async fn insert_items(&mut self, rows: &[ItemRow<'_>]) -> Result<Vec<i64>>;
    async fn update_item(&mut self, id: i64, row: &ItemRow<'_>) -> Result<()>;
    /// Takes an item off the public pages, noting when and why.
    async fn withdraw_item(&mut self, id: i64, reason: &str, now: UnixMillis) -> Result<()>;
    /// Writes what a run of calls did: new versions, change-feed and audit entries (each in
    /// the order given) and the agents' raised high-water marks (`(agent id, seq)`).
    async fn record(&mut self, rec: &Records<'_>) -> Result<()>;
}

/// A stored text that names no state: written by a newer hub, or damaged.
pub(crate) fn parse_state(s: &str) -> Result<PublicationState> {
    PublicationState::parse(s).ok_or_else(|| {
        crate::StoreError::Db(sea_orm::DbErr::Custom(format!(
            "unknown item state {s:?} in the database"
        )))
    })
}
