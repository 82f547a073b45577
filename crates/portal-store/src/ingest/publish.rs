//! Applying runs of publish calls with a constant number of statements.

use std::collections::HashMap;

use portal_core::{NormalizedItem, ProvinceReview, PublicationState};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter,
    QuerySelect,
};

use super::{
    EntryOutcome, IngestEntry, Outcome, audit_entry, current_items, feed_entry, insert_all,
};
use crate::entity::{agent, item, item_version};
use crate::{AgentAuth, Result, StoreError};

fn record_json(item: &NormalizedItem) -> Option<String> {
    item.record
        .as_ref()
        .and_then(|r| serde_json::to_string(r).ok())
}

fn item_row(
    auth: &AgentAuth,
    item: &NormalizedItem,
    tags: &str,
    version: i32,
    review: ProvinceReview,
    now: i64,
) -> item::ActiveModel {
    item::ActiveModel {
        tenant_id: Set(auth.tenant_id),
        external_id: Set(item.id.clone()),
        version: Set(version),
        content_hash: Set(item.content_hash.clone()),
        category: Set(item.category.clone()),
        language: Set(item.language.clone()),
        title: Set(item.title.clone()),
        summary: Set(item.summary.clone()),
        author: Set(item.author.clone()),
        source: Set(item.source.clone()),
        source_url: Set(item.source_url.clone()),
        published_at: Set(item.published_at_ms),
        tags: Set(tags.to_string()),
        body_html: Set(item.body_html.clone()),
        translation_id: Set(item.translation_id.clone()),
        record: Set(record_json(item)),
        state: Set(PublicationState::Published.as_str().into()),
        province_review: Set(review.as_str().into()),
        updated_at: Set(now),
        ..Default::default()
    }
}

/// One publish call within a group.
pub(super) struct PublishCall<'a> {
    pub(super) auth: &'a AgentAuth,
    pub(super) entries: &'a [IngestEntry],
    pub(super) review: ProvinceReview,
    pub(super) now: i64,
}

/// An accepted entry on its way to the database.
struct Accepted<'a> {
    call: usize,
    slot: usize,
    seq: i64,
    item: &'a NormalizedItem,
    tags: String,
}

type ItemKey = (i64, String);

/// High-water marks of several agents, locking their rows on PostgreSQL.
async fn high_waters(txn: &DatabaseTransaction, ids: Vec<String>) -> Result<HashMap<String, i64>> {
    let mut q = agent::Entity::find().filter(agent::Column::Id.is_in(ids));
    if txn.get_database_backend() == sea_orm::DbBackend::Postgres {
        q = q.lock_exclusive();
    }
    Ok(q.all(txn)
        .await?
        .into_iter()
        .map(|a| (a.id, a.high_water_seq))
        .collect())
}

/// Applies consecutive publish calls with a constant number of statements per run (plus one
/// per changed existing item): one read of the agents, one of the touched items per tenant,
/// bulk inserts of new items, versions, change-feed and audit entries, one high-water update.
pub(super) async fn apply_publish_run(
    txn: &DatabaseTransaction,
    calls: &[PublishCall<'_>],
) -> Result<Vec<Vec<EntryOutcome>>> {
    let mut agent_ids: Vec<String> = calls.iter().map(|c| c.auth.agent_id.clone()).collect();
    agent_ids.sort();
    agent_ids.dedup();
    let start_hwm = high_waters(txn, agent_ids.clone()).await?;
    for id in &agent_ids {
        if !start_hwm.contains_key(id) {
            return Err(StoreError::Refused(format!("agent {id} is not enrolled")));
        }
    }
    let mut hwm = start_hwm.clone();
    let mut wanted: HashMap<i64, Vec<String>> = HashMap::new();
    for c in calls {
        let h = hwm[&c.auth.agent_id];
        for e in c.entries.iter().filter(|e| e.seq > h && e.item.is_ok()) {
            wanted
                .entry(c.auth.tenant_id)
                .or_default()
                .push(e.item_id.clone());
        }
    }
    let mut current: HashMap<ItemKey, item::Model> = HashMap::new();
    for (tenant, ids) in wanted {
        for (id, m) in current_items(txn, tenant, ids.into_iter()).await? {
            current.insert((tenant, id), m);
        }
    }
    let mut results: Vec<Vec<EntryOutcome>> = Vec::with_capacity(calls.len());
    let mut pending_new: Vec<Accepted> = Vec::new();
    let mut accepted: Vec<(Accepted, i64, i32)> = Vec::new();
    for (ci, call) in calls.iter().enumerate() {
        let mut out = Vec::with_capacity(call.entries.len());
        let h = hwm[&call.auth.agent_id];
        let mut max_seq = h;
        for entry in call.entries {
            max_seq = max_seq.max(entry.seq);
            let item = match &entry.item {
                // Validation is pure, so a resent bad entry is rejected again, same reasons.
                Err(errors) => {
                    let mut r = EntryOutcome::new(entry.seq, &entry.item_id, Outcome::Rejected, 0);
                    r.errors = errors.clone();
                    out.push(r);
                    continue;
                }
                Ok(_) if entry.seq <= h => {
                    out.push(EntryOutcome::new(
                        entry.seq,
                        &entry.item_id,
                        Outcome::Duplicate,
                        0,
                    ));
                    continue;
                }
                Ok(item) => item,
            };
            let key: ItemKey = (call.auth.tenant_id, item.id.clone());
            if pending_new.iter().any(|a| {
                a.item.id == item.id && calls[a.call].auth.tenant_id == call.auth.tenant_id
            }) {
                flush_new(txn, calls, &mut pending_new, &mut current, &mut accepted).await?;
            }
            let existing = current.get(&key);
            if let Some(e) = existing
                && e.content_hash == item.content_hash
                && e.state == PublicationState::Published.as_str()
            {
                out.push(EntryOutcome::new(
                    entry.seq,
                    &item.id,
                    Outcome::Unchanged,
                    e.version,
                ));
                continue;
            }
            let tags = serde_json::to_string(&item.tags).unwrap_or_else(|_| "[]".into());
            let mut accepted_outcome = EntryOutcome::new(entry.seq, &item.id, Outcome::Accepted, 0);
            accepted_outcome.notes = item.notes.clone();
            let acc = Accepted {
                call: ci,
                slot: out.len(),
                seq: entry.seq,
                item,
                tags,
            };
            out.push(accepted_outcome);
            match existing {
                Some(e) => {
                    let mut row = item_row(
                        call.auth,
                        item,
                        &acc.tags,
                        e.version + 1,
                        call.review,
                        call.now,
                    );
                    row.id = Set(e.id);
                    let model = item::Entity::update(row).exec(txn).await?;
                    accepted.push((acc, model.id, model.version));
                    current.insert(key, model);
                }
                None => pending_new.push(acc),
            }
        }
        hwm.insert(call.auth.agent_id.clone(), max_seq);
        results.push(out);
    }
    flush_new(txn, calls, &mut pending_new, &mut current, &mut accepted).await?;
    let mut versions = Vec::with_capacity(accepted.len());
    let mut feed = Vec::with_capacity(accepted.len());
    let mut audits = Vec::with_capacity(accepted.len());
    for (acc, item_id, version) in accepted {
        let call = &calls[acc.call];
        let (auth, now, it) = (call.auth, call.now, acc.item);
        let seq = acc.seq;
        results[acc.call][acc.slot].version = version;
        versions.push(item_version::ActiveModel {
            item_id: Set(item_id),
            version: Set(version),
            content_hash: Set(it.content_hash.clone()),
            category: Set(it.category.clone()),
            language: Set(it.language.clone()),
            title: Set(it.title.clone()),
            summary: Set(it.summary.clone()),
            author: Set(it.author.clone()),
            source: Set(it.source.clone()),
            source_url: Set(it.source_url.clone()),
            published_at: Set(it.published_at_ms),
            tags: Set(acc.tags),
            body_markdown: Set(it.body_markdown.clone()),
            body_html: Set(it.body_html.clone()),
            translation_id: Set(it.translation_id.clone()),
            record: Set(record_json(it)),
            notes: Set((!it.notes.is_empty())
                .then(|| serde_json::to_string(&it.notes).unwrap_or_default())),
            agent_id: Set(auth.agent_id.clone()),
            agent_seq: Set(seq),
            created_at: Set(now),
            ..Default::default()
        });
        feed.push(feed_entry(
            auth.tenant_id,
            item_id,
            &it.id,
            version,
            "published",
            now,
        ));
        audits.push(audit_entry(auth, "item.publish", &it.id, version, seq, now));
    }
    insert_all(txn, versions, feed, audits).await?;
    let raised: Vec<(String, i64)> = hwm
        .into_iter()
        .filter(|(id, seq)| start_hwm.get(id).is_some_and(|old| seq > old))
        .collect();
    set_high_waters(txn, raised).await?;
    Ok(results)
}

/// Raises several agents' high-water marks in one statement.
async fn set_high_waters(txn: &DatabaseTransaction, raised: Vec<(String, i64)>) -> Result<()> {
    let Some((first_id, first_seq)) = raised.first().cloned() else {
        return Ok(());
    };
    let mut case = Expr::case(agent::Column::Id.eq(first_id), Expr::value(first_seq));
    for (id, seq) in raised.iter().skip(1) {
        case = case.case(agent::Column::Id.eq(id.clone()), Expr::value(*seq));
    }
    let case = case.finally(Expr::col(agent::Column::HighWaterSeq));
    agent::Entity::update_many()
        .col_expr(
            agent::Column::HighWaterSeq,
            sea_orm::sea_query::SimpleExpr::Case(Box::new(case)),
        )
        .filter(agent::Column::Id.is_in(raised.into_iter().map(|(id, _)| id)))
        .exec(txn)
        .await?;
    Ok(())
}

/// Inserts the waiting new items with few statements and files them as existing.
async fn flush_new<'a>(
    txn: &DatabaseTransaction,
    calls: &[PublishCall<'_>],
    pending: &mut Vec<Accepted<'a>>,
    current: &mut HashMap<ItemKey, item::Model>,
    accepted: &mut Vec<(Accepted<'a>, i64, i32)>,
) -> Result<()> {
    if pending.is_empty() {
        return Ok(());
    }
    let rows: Vec<item::ActiveModel> = pending
        .iter()
        .map(|a| {
            let c = &calls[a.call];
            item_row(c.auth, a.item, &a.tags, 1, c.review, c.now)
        })
        .collect();
    let mut inserted: HashMap<ItemKey, item::Model> = HashMap::with_capacity(rows.len());
    for chunk in rows.chunks(100) {
        for m in item::Entity::insert_many(chunk.to_vec())
            .exec_with_returning(txn)
            .await?
        {
            inserted.insert((m.tenant_id, m.external_id.clone()), m);
        }
    }
    for acc in pending.drain(..) {
        let key = (calls[acc.call].auth.tenant_id, acc.item.id.clone());
        let m = inserted.remove(&key).ok_or_else(|| {
            StoreError::Db(sea_orm::DbErr::Custom(format!(
                "inserted item {} was not returned",
                acc.item.id
            )))
        })?;
        accepted.push((acc, m.id, m.version));
        current.insert(key, m);
    }
    Ok(())
}
