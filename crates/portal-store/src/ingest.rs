//! Durable ingest: publishing and withdrawing items for an authorised agent.
//!
//! Guarantee: for each batch, the item rows, their new versions, change-feed entries, audit
//! entries and the agent's high-water sequence number are committed in one transaction before
//! the results are returned. An entry whose `seq` is at or below the high-water mark was
//! committed by an earlier call whose answer the agent never got; it is answered `Duplicate`
//! and changes nothing. Together with the agent's durable outbox this gives exactly-once
//! effects across crashes on either side.

use std::collections::HashMap;

use portal_core::{FieldError, NormalizedItem, ProvinceReview, PublicationState};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter,
    QuerySelect,
};

use crate::entity::{agent, audit_log, change_feed, item, item_version};
use crate::{AgentAuth, Result, Store, StoreError};

/// One entry of a publish batch, already validated by the domain (or rejected by it).
pub struct IngestEntry {
    pub seq: i64,
    pub item_id: String,
    pub item: std::result::Result<NormalizedItem, Vec<FieldError>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Accepted,
    Unchanged,
    Duplicate,
    Rejected,
}

/// What happened to one entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryOutcome {
    pub seq: i64,
    pub item_id: String,
    pub outcome: Outcome,
    pub version: i32,
    pub errors: Vec<FieldError>,
}

impl EntryOutcome {
    fn new(seq: i64, item_id: &str, outcome: Outcome, version: i32) -> Self {
        Self {
            seq,
            item_id: item_id.to_string(),
            outcome,
            version,
            errors: Vec::new(),
        }
    }
}

/// Locks the agent's row and returns its high-water mark.
async fn high_water(txn: &DatabaseTransaction, agent_id: &str) -> Result<i64> {
    let mut q = agent::Entity::find_by_id(agent_id);
    if txn.get_database_backend() == sea_orm::DbBackend::Postgres {
        q = q.lock_exclusive();
    }
    Ok(q.one(txn)
        .await?
        .ok_or_else(|| StoreError::Refused(format!("agent {agent_id} is not enrolled")))?
        .high_water_seq)
}

async fn set_high_water(txn: &DatabaseTransaction, agent_id: &str, seq: i64) -> Result<()> {
    agent::Entity::update_many()
        .col_expr(agent::Column::HighWaterSeq, Expr::value(seq))
        .filter(agent::Column::Id.eq(agent_id))
        .filter(agent::Column::HighWaterSeq.lt(seq))
        .exec(txn)
        .await?;
    Ok(())
}

/// The current rows of the items a batch touches, by external id.
async fn current_items(
    txn: &DatabaseTransaction,
    tenant_id: i64,
    ids: impl Iterator<Item = String>,
) -> Result<HashMap<String, item::Model>> {
    let ids: Vec<String> = ids.collect();
    let mut map = HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        for m in item::Entity::find()
            .filter(item::Column::TenantId.eq(tenant_id))
            .filter(item::Column::ExternalId.is_in(chunk.iter().cloned()))
            .all(txn)
            .await?
        {
            map.insert(m.external_id.clone(), m);
        }
    }
    Ok(map)
}

fn feed_entry(
    tenant_id: i64,
    item: &item::Model,
    kind: &str,
    now: i64,
) -> change_feed::ActiveModel {
    change_feed::ActiveModel {
        tenant_id: Set(tenant_id),
        item_id: Set(Some(item.id)),
        external_id: Set(Some(item.external_id.clone())),
        version: Set(item.version),
        kind: Set(kind.to_string()),
        at: Set(now),
        ..Default::default()
    }
}

fn audit_entry(
    auth: &AgentAuth,
    action: &str,
    item: &item::Model,
    seq: i64,
    now: i64,
) -> audit_log::ActiveModel {
    audit_log::ActiveModel {
        at: Set(now),
        actor: Set(format!("agent:{}", auth.agent_id)),
        action: Set(action.to_string()),
        tenant_id: Set(Some(auth.tenant_id)),
        subject: Set(item.external_id.clone()),
        detail: Set(serde_json::json!({ "version": item.version, "seq": seq }).to_string()),
        ..Default::default()
    }
}

impl Store {
    /// Publishes a batch for an agent. See the module docs for the guarantee.
    pub async fn publish(
        &self,
        auth: &AgentAuth,
        entries: Vec<IngestEntry>,
        review_on_accept: ProvinceReview,
        now: i64,
    ) -> Result<Vec<EntryOutcome>> {
        let _w = self.write_guard().await;
        let txn = self.begin_write().await?;
        let hwm = high_water(&txn, &auth.agent_id).await?;
        let mut current = current_items(
            &txn,
            auth.tenant_id,
            entries
                .iter()
                .filter(|e| e.seq > hwm && e.item.is_ok())
                .map(|e| e.item_id.clone()),
        )
        .await?;
        let mut results = Vec::with_capacity(entries.len());
        let mut versions = Vec::new();
        let mut feed = Vec::new();
        let mut audits = Vec::new();
        let mut max_seq = hwm;
        for entry in entries {
            max_seq = max_seq.max(entry.seq);
            let item = match entry.item {
                // Validation is pure, so a resent bad entry is rejected again, same reasons.
                Err(errors) => {
                    let mut r = EntryOutcome::new(entry.seq, &entry.item_id, Outcome::Rejected, 0);
                    r.errors = errors;
                    results.push(r);
                    continue;
                }
                Ok(_) if entry.seq <= hwm => {
                    results.push(EntryOutcome::new(
                        entry.seq,
                        &entry.item_id,
                        Outcome::Duplicate,
                        0,
                    ));
                    continue;
                }
                Ok(item) => item,
            };
            let existing = current.get(&item.id);
            if let Some(e) = existing
                && e.content_hash == item.content_hash
                && e.state == PublicationState::Published.as_str()
            {
                results.push(EntryOutcome::new(
                    entry.seq,
                    &item.id,
                    Outcome::Unchanged,
                    e.version,
                ));
                continue;
            }
            let tags = serde_json::to_string(&item.tags).unwrap_or_else(|_| "[]".into());
            let mut row = item::ActiveModel {
                tenant_id: Set(auth.tenant_id),
                external_id: Set(item.id.clone()),
                version: Set(existing.map_or(1, |e| e.version + 1)),
                content_hash: Set(item.content_hash.clone()),
                category: Set(item.category.clone()),
                language: Set(item.language.clone()),
                title: Set(item.title.clone()),
                summary: Set(item.summary.clone()),
                author: Set(item.author.clone()),
                source: Set(item.source.clone()),
                source_url: Set(item.source_url.clone()),
                published_at: Set(item.published_at_ms),
                tags: Set(tags.clone()),
                body_html: Set(item.body_html.clone()),
                state: Set(PublicationState::Published.as_str().into()),
                province_review: Set(review_on_accept.as_str().into()),
                updated_at: Set(now),
                ..Default::default()
            };
            let model = match existing {
                Some(e) => {
                    row.id = Set(e.id);
                    item::Entity::update(row).exec(&txn).await?
                }
                None => item::Entity::insert(row).exec_with_returning(&txn).await?,
            };
            versions.push(item_version::ActiveModel {
                item_id: Set(model.id),
                version: Set(model.version),
                content_hash: Set(item.content_hash),
                category: Set(item.category),
                language: Set(item.language),
                title: Set(item.title),
                summary: Set(item.summary),
                author: Set(item.author),
                source: Set(item.source),
                source_url: Set(item.source_url),
                published_at: Set(item.published_at_ms),
                tags: Set(tags),
                body_markdown: Set(item.body_markdown),
                body_html: Set(item.body_html),
                agent_id: Set(auth.agent_id.clone()),
                agent_seq: Set(entry.seq),
                created_at: Set(now),
                ..Default::default()
            });
            feed.push(feed_entry(auth.tenant_id, &model, "published", now));
            audits.push(audit_entry(auth, "item.publish", &model, entry.seq, now));
            results.push(EntryOutcome::new(
                entry.seq,
                &model.external_id,
                Outcome::Accepted,
                model.version,
            ));
            current.insert(model.external_id.clone(), model);
        }
        insert_all(&txn, versions, feed, audits).await?;
        set_high_water(&txn, &auth.agent_id, max_seq).await?;
        txn.commit().await?;
        Ok(results)
    }

    /// Withdraws items for an agent: they leave public pages but stay in the archive.
    pub async fn withdraw(
        &self,
        auth: &AgentAuth,
        entries: Vec<(i64, String)>,
        now: i64,
    ) -> Result<Vec<EntryOutcome>> {
        let _w = self.write_guard().await;
        let txn = self.begin_write().await?;
        let hwm = high_water(&txn, &auth.agent_id).await?;
        let mut current = current_items(
            &txn,
            auth.tenant_id,
            entries.iter().map(|(_, id)| id.clone()),
        )
        .await?;
        let mut results = Vec::with_capacity(entries.len());
        let mut feed = Vec::new();
        let mut audits = Vec::new();
        let mut max_seq = hwm;
        for (seq, id) in entries {
            max_seq = max_seq.max(seq);
            if seq <= hwm {
                results.push(EntryOutcome::new(seq, &id, Outcome::Duplicate, 0));
                continue;
            }
            let Some(existing) = current.get_mut(&id) else {
                let mut r = EntryOutcome::new(seq, &id, Outcome::Rejected, 0);
                r.errors.push(FieldError::new(
                    "item_id",
                    "no item with this id for this tenant",
                ));
                results.push(r);
                continue;
            };
            if existing.state == PublicationState::Withdrawn.as_str() {
                results.push(EntryOutcome::new(
                    seq,
                    &id,
                    Outcome::Unchanged,
                    existing.version,
                ));
                continue;
            }
            item::Entity::update_many()
                .col_expr(
                    item::Column::State,
                    Expr::value(PublicationState::Withdrawn.as_str()),
                )
                .col_expr(item::Column::UpdatedAt, Expr::value(now))
                .filter(item::Column::Id.eq(existing.id))
                .exec(&txn)
                .await?;
            existing.state = PublicationState::Withdrawn.as_str().into();
            feed.push(feed_entry(auth.tenant_id, existing, "withdrawn", now));
            audits.push(audit_entry(auth, "item.withdraw", existing, seq, now));
            results.push(EntryOutcome::new(
                seq,
                &id,
                Outcome::Accepted,
                existing.version,
            ));
        }
        insert_all(&txn, Vec::new(), feed, audits).await?;
        set_high_water(&txn, &auth.agent_id, max_seq).await?;
        txn.commit().await?;
        Ok(results)
    }
}

async fn insert_all(
    txn: &DatabaseTransaction,
    versions: Vec<item_version::ActiveModel>,
    feed: Vec<change_feed::ActiveModel>,
    audits: Vec<audit_log::ActiveModel>,
) -> Result<()> {
    // Chunked so that no statement exceeds SQLite's bound-parameter limit.
    for chunk in versions.chunks(100) {
        item_version::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(txn)
            .await?;
    }
    for chunk in feed.chunks(500) {
        change_feed::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(txn)
            .await?;
    }
    for chunk in audits.chunks(500) {
        audit_log::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(txn)
            .await?;
    }
    Ok(())
}
