//! The statements ingest needs inside one write transaction, independent of the database.
//!
//! The ingest rules (authorisation, replay protection, unchanged detection, versioning) are
//! written once against [`IngestTx`]. Two implementations carry them out:
//! - [`SeaTx`]: a sea-orm transaction, used on PostgreSQL (bulk statements, few round trips);
//! - `sqlite::SqliteTx`: a rusqlite connection owned by the SQLite writer thread (cached
//!   prepared statements of fixed shape, no thread hand-off per statement).

use std::collections::HashMap;

use portal_core::NormalizedItem;
use sea_orm::sea_query::{Expr, SimpleExpr};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter,
};

use crate::entity::{agent, audit_log, certificate, change_feed, item, item_version, tenant};
use crate::{Result, StoreError};

/// An agent as ingest sees it.
#[derive(Clone)]
pub(crate) struct AgentRow {
    pub id: String,
    pub tenant_id: i64,
    pub revoked: bool,
    pub high_water_seq: i64,
}

/// A tenant as ingest sees it.
#[derive(Clone)]
pub(crate) struct TenantRow {
    pub id: i64,
    pub slug: String,
    pub kind: String,
}

/// The current row of an item, as far as ingest needs it.
#[derive(Clone)]
pub(crate) struct CurrentItem {
    pub id: i64,
    pub version: i32,
    pub content_hash: String,
    pub state: String,
}

/// The current row of an item (insert or update).
pub(crate) struct ItemRow<'a> {
    pub tenant_id: i64,
    pub item: &'a NormalizedItem,
    pub tags: &'a str,
    pub record: Option<&'a str>,
    pub version: i32,
    pub state: &'static str,
    pub review: &'static str,
    pub updated_at: i64,
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
    pub created_at: i64,
}

/// One change-feed event about an item.
pub(crate) struct FeedRow<'a> {
    pub tenant_id: i64,
    pub item_id: i64,
    pub external_id: &'a str,
    pub version: i32,
    pub kind: &'static str,
    pub at: i64,
}

/// One audit entry written by an agent's call.
pub(crate) struct AuditRow<'a> {
    pub at: i64,
    pub agent_id: &'a str,
    pub action: &'static str,
    pub tenant_id: i64,
    pub subject: &'a str,
    pub version: i32,
    pub seq: i64,
}

impl AuditRow<'_> {
    pub(crate) fn actor(&self) -> String {
        format!("agent:{}", self.agent_id)
    }

    pub(crate) fn detail(&self) -> String {
        format!("{{\"seq\":{},\"version\":{}}}", self.seq, self.version)
    }
}

/// The statements of ingest, inside one write transaction.
///
/// Methods are `async` for the sea-orm implementation; the SQLite writer's implementation does
/// its work synchronously and its futures are ready at the first poll.
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
    async fn set_item_state(&mut self, id: i64, state: &'static str, now: i64) -> Result<()>;
    /// Writes what a run of calls did: new versions, change-feed and audit entries (each in
    /// the order given) and the agents' raised high-water marks (`(agent id, seq)`).
    async fn record(&mut self, rec: &Records<'_>) -> Result<()>;
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

/// [`IngestTx`] on a sea-orm transaction, with what its writer remembers.
pub(crate) struct SeaTx<'t> {
    txn: &'t DatabaseTransaction,
    known: &'t mut Known,
    /// Agents as of this transaction: read once (on PostgreSQL locked until commit, on SQLite
    /// the transaction is the only writer), kept up to date by its own writes.
    agents: HashMap<String, AgentRow>,
    /// Current items read by `prefetch`, valid until this transaction writes an item.
    prefetched: Option<super::pg::Prefetched>,
}

impl<'t> SeaTx<'t> {
    pub(crate) fn new(txn: &'t DatabaseTransaction, known: &'t mut Known) -> Self {
        Self {
            txn,
            known,
            agents: HashMap::new(),
            prefetched: None,
        }
    }
}

fn item_model(r: &ItemRow<'_>) -> item::ActiveModel {
    let it = r.item;
    item::ActiveModel {
        tenant_id: Set(r.tenant_id),
        external_id: Set(it.id.clone()),
        version: Set(r.version),
        content_hash: Set(it.content_hash.clone()),
        category: Set(it.category.clone()),
        language: Set(it.language.clone()),
        title: Set(it.title.clone()),
        summary: Set(it.summary.clone()),
        author: Set(it.author.clone()),
        source: Set(it.source.clone()),
        source_url: Set(it.source_url.clone()),
        published_at: Set(it.published_at_ms),
        tags: Set(r.tags.to_string()),
        translation_id: Set(it.translation_id.clone()),
        record: Set(r.record.map(str::to_string)),
        state: Set(r.state.into()),
        province_review: Set(r.review.into()),
        updated_at: Set(r.updated_at),
        ..Default::default()
    }
}

impl IngestTx for SeaTx<'_> {
    async fn prefetch(&mut self, run: &[super::Job]) -> Result<()> {
        if !self.on_postgres() {
            return Ok(());
        }
        let mut agent_ids: Vec<&str> = Vec::new();
        let mut item_ids: Vec<&str> = Vec::new();
        for (agent, items) in run.iter().filter_map(super::Job::publish_ids) {
            agent_ids.push(agent);
            item_ids.extend(items);
        }
        agent_ids.sort_unstable();
        agent_ids.dedup();
        item_ids.sort_unstable();
        item_ids.dedup();
        let (agents, items) = super::pg::prefetch(self.txn, &agent_ids, &item_ids).await?;
        for a in agents {
            self.agents.insert(a.id.clone(), a);
        }
        self.prefetched = Some(items);
        Ok(())
    }

    async fn agents(&mut self, ids: &[&str]) -> Result<Vec<AgentRow>> {
        let missing: Vec<&str> = ids
            .iter()
            .copied()
            .filter(|id| !self.agents.contains_key(*id))
            .collect();
        if !missing.is_empty() {
            let found = if self.on_postgres() {
                super::pg::agents(self.txn, &missing).await?
            } else {
                agent::Entity::find()
                    .filter(agent::Column::Id.is_in(missing))
                    .all(self.txn)
                    .await?
                    .into_iter()
                    .map(|a| AgentRow {
                        id: a.id,
                        tenant_id: a.tenant_id,
                        revoked: a.revoked_at.is_some(),
                        high_water_seq: a.high_water_seq,
                    })
                    .collect()
            };
            for a in found {
                self.agents.insert(a.id.clone(), a);
            }
        }
        Ok(ids
            .iter()
            .filter_map(|id| self.agents.get(*id).cloned())
            .collect())
    }

    async fn tenants(&mut self, ids: &[i64]) -> Result<Vec<TenantRow>> {
        let known = &mut self.known.tenants;
        let missing: Vec<i64> = ids
            .iter()
            .copied()
            .filter(|id| !known.contains_key(id))
            .collect();
        if !missing.is_empty() {
            for t in tenant::Entity::find()
                .filter(tenant::Column::Id.is_in(missing))
                .all(self.txn)
                .await?
            {
                let row = TenantRow {
                    id: t.id,
                    slug: t.slug,
                    kind: t.kind,
                };
                known.insert(row.id, row);
            }
        }
        let mut out: Vec<TenantRow> = ids.iter().filter_map(|id| known.get(id).cloned()).collect();
        out.sort_unstable_by_key(|t| t.id);
        out.dedup_by_key(|t| t.id);
        Ok(out)
    }

    async fn certificate_owners(&mut self, serials: &[&str]) -> Result<Vec<(String, String)>> {
        let known = &mut self.known.certificates;
        let missing: Vec<&str> = serials
            .iter()
            .copied()
            .filter(|s| !known.contains_key(*s))
            .collect();
        if !missing.is_empty() {
            for c in certificate::Entity::find()
                .filter(certificate::Column::Serial.is_in(missing))
                .all(self.txn)
                .await?
            {
                known.insert(c.serial, c.agent_id);
            }
        }
        Ok(serials
            .iter()
            .filter_map(|s| known.get(*s).map(|owner| (s.to_string(), owner.clone())))
            .collect())
    }

    async fn current_items(
        &mut self,
        tenant_id: i64,
        external_ids: &[&str],
    ) -> Result<HashMap<String, CurrentItem>> {
        if let Some(found) = self
            .prefetched
            .as_ref()
            .and_then(|p| p.get(tenant_id, external_ids))
        {
            return Ok(found);
        }
        if self.on_postgres() {
            return super::pg::current_items(self.txn, tenant_id, external_ids).await;
        }
        let mut map = HashMap::with_capacity(external_ids.len());
        for chunk in external_ids.chunks(500) {
            for m in item::Entity::find()
                .filter(item::Column::TenantId.eq(tenant_id))
                .filter(item::Column::ExternalId.is_in(chunk.iter().copied()))
                .all(self.txn)
                .await?
            {
                map.insert(
                    m.external_id,
                    CurrentItem {
                        id: m.id,
                        version: m.version,
                        content_hash: m.content_hash,
                        state: m.state,
                    },
                );
            }
        }
        Ok(map)
    }

    async fn insert_items(&mut self, rows: &[ItemRow<'_>]) -> Result<Vec<i64>> {
        self.prefetched = None;
        let ids: HashMap<(i64, String), i64> = if self.on_postgres() {
            super::pg::insert_items(self.txn, rows).await?
        } else {
            let mut ids = HashMap::with_capacity(rows.len());
            for chunk in rows.chunks(100) {
                for m in item::Entity::insert_many(chunk.iter().map(item_model))
                    .exec_with_returning(self.txn)
                    .await?
                {
                    ids.insert((m.tenant_id, m.external_id), m.id);
                }
            }
            ids
        };
        rows.iter()
            .map(|r| {
                ids.get(&(r.tenant_id, r.item.id.clone()))
                    .copied()
                    .ok_or_else(|| {
                        StoreError::Db(sea_orm::DbErr::Custom(format!(
                            "inserted item {} was not returned",
                            r.item.id
                        )))
                    })
            })
            .collect()
    }

    async fn update_item(&mut self, id: i64, row: &ItemRow<'_>) -> Result<()> {
        self.prefetched = None;
        let mut m = item_model(row);
        m.id = Set(id);
        item::Entity::update(m).exec(self.txn).await?;
        Ok(())
    }

    async fn set_item_state(&mut self, id: i64, state: &'static str, now: i64) -> Result<()> {
        self.prefetched = None;
        item::Entity::update_many()
            .col_expr(item::Column::State, Expr::value(state))
            .col_expr(item::Column::UpdatedAt, Expr::value(now))
            .filter(item::Column::Id.eq(id))
            .exec(self.txn)
            .await?;
        Ok(())
    }

    async fn record(&mut self, rec: &Records<'_>) -> Result<()> {
        self.prefetched = None;
        if self.on_postgres() {
            super::pg::record(self.txn, rec).await?;
        } else {
            self.insert_versions(&rec.versions).await?;
            self.insert_feed(&rec.feed).await?;
            self.insert_audit(&rec.audits).await?;
            self.set_high_waters(&rec.marks).await?;
        }
        for (id, seq) in &rec.marks {
            if let Some(a) = self.agents.get_mut(*id) {
                a.high_water_seq = *seq;
            }
        }
        Ok(())
    }
}

/// The bulk statements of sea-orm, for a database other than PostgreSQL (an in-memory
/// SQLite database: its shapes change with the group size, which matters little there).
impl SeaTx<'_> {
    fn on_postgres(&self) -> bool {
        self.txn.get_database_backend() == sea_orm::DbBackend::Postgres
    }

    async fn insert_versions(&mut self, rows: &[VersionRow<'_>]) -> Result<()> {
        // Chunked so that no statement exceeds a bound-parameter limit.
        for chunk in rows.chunks(100) {
            item_version::Entity::insert_many(chunk.iter().map(|r| {
                let it = r.item;
                item_version::ActiveModel {
                    item_id: Set(r.item_id),
                    version: Set(r.version),
                    content_hash: Set(it.content_hash.clone()),
                    category: Set(it.category.clone()),
                    language: Set(it.language.clone()),
                    title: Set(it.title.clone()),
                    summary: Set(it.summary.clone()),
                    author: Set(it.author.clone()),
                    source: Set(it.source.clone()),
                    source_url: Set(it.source_url.clone()),
                    published_at: Set(it.published_at_ms),
                    tags: Set(r.tags.to_string()),
                    body_markdown: Set(it.body_markdown.clone()),
                    translation_id: Set(it.translation_id.clone()),
                    record: Set(r.record.map(str::to_string)),
                    notes: Set(r.notes.clone()),
                    agent_id: Set(r.agent_id.to_string()),
                    agent_seq: Set(r.agent_seq),
                    created_at: Set(r.created_at),
                    ..Default::default()
                }
            }))
            .exec_without_returning(self.txn)
            .await?;
        }
        Ok(())
    }

    async fn insert_feed(&mut self, rows: &[FeedRow<'_>]) -> Result<()> {
        for chunk in rows.chunks(500) {
            change_feed::Entity::insert_many(chunk.iter().map(|r| change_feed::ActiveModel {
                tenant_id: Set(r.tenant_id),
                item_id: Set(Some(r.item_id)),
                external_id: Set(Some(r.external_id.to_string())),
                version: Set(r.version),
                kind: Set(r.kind.to_string()),
                at: Set(r.at),
                ..Default::default()
            }))
            .exec_without_returning(self.txn)
            .await?;
        }
        Ok(())
    }

    async fn insert_audit(&mut self, rows: &[AuditRow<'_>]) -> Result<()> {
        for chunk in rows.chunks(500) {
            audit_log::Entity::insert_many(chunk.iter().map(|r| audit_log::ActiveModel {
                at: Set(r.at),
                actor: Set(r.actor()),
                action: Set(r.action.to_string()),
                tenant_id: Set(Some(r.tenant_id)),
                subject: Set(r.subject.to_string()),
                detail: Set(r.detail()),
                ..Default::default()
            }))
            .exec_without_returning(self.txn)
            .await?;
        }
        Ok(())
    }

    async fn set_high_waters(&mut self, marks: &[(&str, i64)]) -> Result<()> {
        let Some((first_id, first_seq)) = marks.first().copied() else {
            return Ok(());
        };
        // One statement for all agents of the group.
        let mut case = Expr::case(agent::Column::Id.eq(first_id), Expr::value(first_seq));
        for (id, seq) in marks.iter().skip(1) {
            case = case.case(agent::Column::Id.eq(*id), Expr::value(*seq));
        }
        let case = case.finally(Expr::col(agent::Column::HighWaterSeq));
        agent::Entity::update_many()
            .col_expr(
                agent::Column::HighWaterSeq,
                SimpleExpr::Case(Box::new(case)),
            )
            .filter(agent::Column::Id.is_in(marks.iter().map(|(id, _)| *id)))
            .exec(self.txn)
            .await?;
        Ok(())
    }
}
