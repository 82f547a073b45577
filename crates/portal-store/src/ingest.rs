//! Durable ingest: publishing and withdrawing items for an authorised agent.
//!
//! Guarantee: for each batch, the item rows, their new versions, change-feed entries, audit
//! entries and the agent's high-water sequence number are committed in one transaction before
//! the results are returned. An entry whose `seq` is at or below the high-water mark was
//! committed by an earlier call whose answer the agent never got; it is answered `Duplicate`
//! and changes nothing. Together with the agent's durable outbox this gives exactly-once
//! effects across crashes on either side.
//!
//! Group commit: publish and withdraw calls go to one writer task, which applies every call
//! waiting at that moment in a single transaction and a single fsync, then answers each caller.
//! Under load many agents share the cost of one durable commit; alone, a call commits at once.

use std::collections::HashMap;

use portal_core::{FieldError, NormalizedItem, ProvinceReview, PublicationState};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter,
    QuerySelect,
};

use tokio::sync::{mpsc, oneshot};

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
    /// Normalisation notes of an accepted entry.
    pub notes: Vec<String>,
}

impl EntryOutcome {
    fn new(seq: i64, item_id: &str, outcome: Outcome, version: i32) -> Self {
        Self {
            seq,
            item_id: item_id.to_string(),
            outcome,
            version,
            errors: Vec::new(),
            notes: Vec::new(),
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
    item_id: i64,
    external_id: &str,
    version: i32,
    kind: &str,
    now: i64,
) -> change_feed::ActiveModel {
    change_feed::ActiveModel {
        tenant_id: Set(tenant_id),
        item_id: Set(Some(item_id)),
        external_id: Set(Some(external_id.to_string())),
        version: Set(version),
        kind: Set(kind.to_string()),
        at: Set(now),
        ..Default::default()
    }
}

fn audit_entry(
    auth: &AgentAuth,
    action: &str,
    external_id: &str,
    version: i32,
    seq: i64,
    now: i64,
) -> audit_log::ActiveModel {
    audit_log::ActiveModel {
        at: Set(now),
        actor: Set(format!("agent:{}", auth.agent_id)),
        action: Set(action.to_string()),
        tenant_id: Set(Some(auth.tenant_id)),
        subject: Set(external_id.to_string()),
        detail: Set(serde_json::json!({ "version": version, "seq": seq }).to_string()),
        ..Default::default()
    }
}

/// One call waiting for the writer.
pub(crate) enum Job {
    Publish {
        auth: AgentAuth,
        entries: Vec<IngestEntry>,
        review: ProvinceReview,
        now: i64,
        reply: oneshot::Sender<Result<Vec<EntryOutcome>>>,
    },
    Withdraw {
        auth: AgentAuth,
        entries: Vec<(i64, String)>,
        now: i64,
        reply: oneshot::Sender<Result<Vec<EntryOutcome>>>,
    },
}

impl Job {
    fn size(&self) -> usize {
        match self {
            Job::Publish { entries, .. } => entries.len(),
            Job::Withdraw { entries, .. } => entries.len(),
        }
    }
}

/// Most entries applied in one group transaction.
const GROUP_MAX_ENTRIES: usize = 4000;

/// The writer task: drains waiting jobs into one transaction per round.
pub(crate) async fn writer(store: Store, mut rx: mpsc::Receiver<Job>) {
    while let Some(first) = rx.recv().await {
        let mut jobs = vec![first];
        let mut size = jobs[0].size();
        while size < GROUP_MAX_ENTRIES {
            match rx.try_recv() {
                Ok(j) => {
                    size += j.size();
                    jobs.push(j);
                }
                Err(_) => break,
            }
        }
        store.apply_group(jobs).await;
    }
}

impl Store {
    /// Publishes a batch for an agent. See the module docs for the guarantee.
    pub async fn publish(
        &self,
        auth: &AgentAuth,
        entries: Vec<IngestEntry>,
        review: ProvinceReview,
        now: i64,
    ) -> Result<Vec<EntryOutcome>> {
        let (reply, rx) = oneshot::channel();
        self.submit(
            Job::Publish {
                auth: auth.clone(),
                entries,
                review,
                now,
                reply,
            },
            rx,
        )
        .await
    }

    /// Withdraws items for an agent: they leave public pages but stay in the archive.
    pub async fn withdraw(
        &self,
        auth: &AgentAuth,
        entries: Vec<(i64, String)>,
        now: i64,
    ) -> Result<Vec<EntryOutcome>> {
        let (reply, rx) = oneshot::channel();
        self.submit(
            Job::Withdraw {
                auth: auth.clone(),
                entries,
                now,
                reply,
            },
            rx,
        )
        .await
    }

    async fn submit(
        &self,
        job: Job,
        rx: oneshot::Receiver<Result<Vec<EntryOutcome>>>,
    ) -> Result<Vec<EntryOutcome>> {
        let closed = || StoreError::Refused("the store is shutting down".into());
        self.writer.send(job).await.map_err(|_| closed())?;
        rx.await.map_err(|_| closed())?
    }

    async fn apply_group(&self, jobs: Vec<Job>) {
        let _w = self.write_guard().await;
        let outcome: Result<Vec<Vec<EntryOutcome>>> = async {
            let txn = self.begin_write().await?;
            let mut all = Vec::with_capacity(jobs.len());
            // Consecutive publish calls are applied together (a few statements for the whole
            // run); a withdrawal ends the run, so every call sees the effects of earlier ones.
            let mut i = 0;
            while i < jobs.len() {
                match &jobs[i] {
                    Job::Withdraw {
                        auth, entries, now, ..
                    } => {
                        all.push(apply_withdraw(&txn, auth, entries, *now).await?);
                        i += 1;
                    }
                    Job::Publish { .. } => {
                        let mut run = Vec::new();
                        while let Some(Job::Publish {
                            auth,
                            entries,
                            review,
                            now,
                            ..
                        }) = jobs.get(i)
                        {
                            run.push(PublishCall {
                                auth,
                                entries,
                                review: *review,
                                now: *now,
                            });
                            i += 1;
                        }
                        all.extend(apply_publish_run(&txn, &run).await?);
                    }
                }
            }
            txn.commit().await?;
            Ok(all)
        }
        .await;
        match outcome {
            Ok(all) => {
                for (job, results) in jobs.into_iter().zip(all) {
                    let reply = match job {
                        Job::Publish { reply, .. } | Job::Withdraw { reply, .. } => reply,
                    };
                    let _ = reply.send(Ok(results));
                }
            }
            Err(e) => {
                // Nothing was committed: every caller gets the error and retries.
                tracing::error!(error = %e, jobs = jobs.len(), "group commit failed");
                let msg = e.to_string();
                for job in jobs {
                    let reply = match job {
                        Job::Publish { reply, .. } | Job::Withdraw { reply, .. } => reply,
                    };
                    let _ = reply.send(Err(StoreError::Db(sea_orm::DbErr::Custom(msg.clone()))));
                }
            }
        }
    }
}

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
struct PublishCall<'a> {
    auth: &'a AgentAuth,
    entries: &'a [IngestEntry],
    review: ProvinceReview,
    now: i64,
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
async fn apply_publish_run(
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

async fn apply_withdraw(
    txn: &DatabaseTransaction,
    auth: &AgentAuth,
    entries: &[(i64, String)],
    now: i64,
) -> Result<Vec<EntryOutcome>> {
    let hwm = high_water(txn, &auth.agent_id).await?;
    let mut current = current_items(
        txn,
        auth.tenant_id,
        entries.iter().map(|(_, id)| id.clone()),
    )
    .await?;
    let mut results = Vec::with_capacity(entries.len());
    let mut feed = Vec::new();
    let mut audits = Vec::new();
    let mut max_seq = hwm;
    for (seq, id) in entries {
        let (seq, id) = (*seq, id.as_str());
        max_seq = max_seq.max(seq);
        if seq <= hwm {
            results.push(EntryOutcome::new(seq, id, Outcome::Duplicate, 0));
            continue;
        }
        let Some(existing) = current.get_mut(id) else {
            let mut r = EntryOutcome::new(seq, id, Outcome::Rejected, 0);
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
                id,
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
            .exec(txn)
            .await?;
        existing.state = PublicationState::Withdrawn.as_str().into();
        feed.push(feed_entry(
            auth.tenant_id,
            existing.id,
            id,
            existing.version,
            "withdrawn",
            now,
        ));
        audits.push(audit_entry(
            auth,
            "item.withdraw",
            id,
            existing.version,
            seq,
            now,
        ));
        results.push(EntryOutcome::new(
            seq,
            id,
            Outcome::Accepted,
            existing.version,
        ));
    }
    insert_all(txn, Vec::new(), feed, audits).await?;
    set_high_water(txn, &auth.agent_id, max_seq).await?;
    Ok(results)
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
