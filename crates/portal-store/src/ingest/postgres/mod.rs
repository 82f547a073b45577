//! Ingest on PostgreSQL: the writer thread with its own connection, and [`PgTx`], whose
//! statements have a fixed shape.
//!
//! A group's rows travel as one JSON document per statement (`json_to_recordset`), so every
//! statement has the same text whatever the group size: the writer's connection prepares it
//! once and keeps it. sea-orm's bulk statements have one shape per row count; the statement
//! cache then misses for nearly every group, and each miss costs one more round trip (parse
//! and describe) before the statement runs. The rows that record a run (versions, change
//! feed, audit, high-water marks) are written by one statement with data-modifying `WITH`
//! clauses, and the agents are read together with the current items. A run of publish calls
//! takes three round trips (agents and current items, new items, records), a group one run
//! and those it absorbs (`ingest::absorb`) between `BEGIN` and `COMMIT`.
//!
//! JSON carries `NULL` where a column is empty, which arrays bound through sea-query cannot.
//! Version bodies, the bulk of a group's bytes, travel apart: concatenated in one `bytea`
//! parameter, each row giving its offset and length. The server then copies them instead of
//! lexing them twice (a `json` value is checked when it is cast, then parsed again by
//! `json_to_recordset`), and the writer copies them instead of escaping them: 100-item
//! batches went from 22.3k to 23.8k items/s (three A/B runs each).

use std::collections::HashMap;
use std::sync::LazyLock;

use portal_core::{PublicationState, UnixMillis};
use sea_orm::{ConnectionTrait, DatabaseTransaction, TransactionTrait, Value};
use tokio::sync::{mpsc, oneshot};

mod statements;

use statements::{
    Prefetched, agents, current_items, insert_items, item_json, json, prefetch, record, statement,
    text_array,
};

use super::columns::{self, Content};
use super::tx::{AgentRow, CurrentItem, IngestTx, ItemRow, Known, Records, TenantRow};
use super::{GroupSize, Job, Outcome, absorb, apply_jobs, reply_all, take_group};
use crate::tenants::parse_kind;
use crate::{Result, Store, StoreError};

/// Starts the PostgreSQL writer: an OS thread with its own single-threaded runtime and its own
/// connection (`opts`), running [`writer`] with `store`'s pool for everything else. Like the
/// SQLite writer, it keeps the group's round trips off the runtime that answers requests, and
/// its connection is never shared: no ping before a group, and its prepared statements stay
/// cached. Returns once the connection is open (or could not be opened).
pub(crate) async fn spawn_pg_writer(
    opts: sea_orm::ConnectOptions,
    store: Store,
    jobs: mpsc::Receiver<Job>,
) -> Result<()> {
    let (ready, opened) = oneshot::channel::<Result<()>>();
    std::thread::Builder::new()
        .name("portal-writer".into())
        .spawn(move || {
            let rt = match tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            {
                Ok(rt) => rt,
                Err(e) => {
                    let _ = ready.send(Err(StoreError::Db(sea_orm::DbErr::Custom(format!(
                        "writer runtime: {e}"
                    )))));
                    return;
                }
            };
            rt.block_on(async move {
                match sea_orm::Database::connect(opts).await {
                    Ok(own) => {
                        let _ = ready.send(Ok(()));
                        writer(store.with_connection(own), jobs).await;
                    }
                    Err(e) => {
                        let _ = ready.send(Err(e.into()));
                    }
                }
            });
        })
        .map_err(|e| StoreError::Db(sea_orm::DbErr::Custom(format!("thread: {e}"))))?;
    opened.await.map_err(|_| {
        StoreError::Db(sea_orm::DbErr::Custom(
            "the writer thread ended at start".into(),
        ))
    })?
}

/// The group-commit writer: one transaction per group, with the calls that arrive while it is
/// applied (see `ingest::absorb`).
async fn writer(store: Store, mut rx: mpsc::Receiver<Job>) {
    let mut known = Known::default();
    let mut young = YoungTable::default();
    while let Some(first) = rx.recv().await {
        let mut jobs = take_group(first, &mut rx);
        let outcome = async {
            let txn = store.db.begin().await?;
            let mut all = apply_jobs(&mut PgTx::new(&txn, &mut known), &jobs).await?;
            let mut size = GroupSize::of(&jobs);
            while let Some(start) = absorb(&mut jobs, &mut size, &mut rx) {
                let more = apply_jobs(&mut PgTx::new(&txn, &mut known), &jobs[start..]).await?;
                all.extend(more);
            }
            txn.commit().await?;
            Ok(all)
        }
        .await;
        let new_items = match &outcome {
            Ok(all) => all
                .iter()
                .flatten()
                .flatten()
                .filter(|e| e.outcome == Outcome::Accepted && e.version == 1)
                .count(),
            Err(_) => 0,
        };
        reply_all(jobs, outcome);
        young.inserted(&store.db, new_items).await;
    }
}

/// [`IngestTx`] on the PostgreSQL writer's transaction, with what its writer remembers.
pub(crate) struct PgTx<'t> {
    txn: &'t DatabaseTransaction,
    known: &'t mut Known,
    /// Agents as of this transaction: read once (locked until commit), kept up to date by its
    /// own writes.
    agents: HashMap<String, AgentRow>,
    /// Current items read by `prefetch`, valid until this transaction writes an item.
    prefetched: Option<Prefetched>,
}

impl<'t> PgTx<'t> {
    fn new(txn: &'t DatabaseTransaction, known: &'t mut Known) -> Self {
        Self {
            txn,
            known,
            agents: HashMap::new(),
            prefetched: None,
        }
    }
}

impl IngestTx for PgTx<'_> {
    async fn prefetch(&mut self, run: &[Job]) -> Result<()> {
        let mut agent_ids: Vec<&str> = Vec::new();
        let mut item_ids: Vec<&str> = Vec::new();
        for (agent, items) in run.iter().filter_map(Job::publish_ids) {
            agent_ids.push(agent);
            item_ids.extend(items);
        }
        agent_ids.sort_unstable();
        agent_ids.dedup();
        item_ids.sort_unstable();
        item_ids.dedup();
        let (agents, items) = prefetch(self.txn, &agent_ids, &item_ids).await?;
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
            for a in agents(self.txn, &missing).await? {
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
        let mut missing: Vec<i64> = ids
            .iter()
            .copied()
            .filter(|id| !known.contains_key(id))
            .collect();
        missing.sort_unstable();
        missing.dedup();
        if !missing.is_empty() {
            let list = missing
                .iter()
                .map(i64::to_string)
                .collect::<Vec<_>>()
                .join(",");
            let rows = self
                .txn
                .query_all_raw(statement(
                    "SELECT id, slug, kind FROM tenants WHERE id = ANY($1::text::bigint[])",
                    vec![Value::from(format!("{{{list}}}"))],
                ))
                .await?;
            for r in rows {
                let kind: String = r.try_get("", "kind")?;
                let row = TenantRow {
                    id: r.try_get("", "id")?,
                    slug: r.try_get("", "slug")?,
                    kind: parse_kind(&kind)?,
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
            let rows = self
                .txn
                .query_all_raw(statement(
                    "SELECT serial, agent_id FROM certificates \
                     WHERE serial = ANY($1::text::text[])",
                    vec![text_array(&missing)],
                ))
                .await?;
            for r in rows {
                known.insert(r.try_get("", "serial")?, r.try_get("", "agent_id")?);
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
        current_items(self.txn, tenant_id, external_ids).await
    }

    async fn insert_items(&mut self, rows: &[ItemRow<'_>]) -> Result<Vec<i64>> {
        self.prefetched = None;
        let ids = insert_items(self.txn, rows).await?;
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
        static SQL: LazyLock<String> = LazyLock::new(|| {
            let set: Vec<String> = ["version"]
                .iter()
                .chain(Content::NAMES)
                .chain(&["state", "province_review", "updated_at"])
                .map(|c| format!("{c} = r.{c}"))
                .collect();
            format!(
                "UPDATE items SET {} FROM json_to_record($1::text::json) AS r(version int, {}, \
                 state text, province_review text, updated_at bigint) \
                 WHERE items.id = $2 AND items.tenant_id = $3",
                set.join(", "),
                columns::pg_record_types()
            )
        });
        let doc = item_json(row);
        self.txn
            .execute_raw(statement(
                &SQL,
                vec![json(&doc)?, id.into(), row.tenant_id.into()],
            ))
            .await?;
        Ok(())
    }

    async fn withdraw_item(&mut self, id: i64, reason: &str, now: UnixMillis) -> Result<()> {
        self.prefetched = None;
        let reason = (!reason.is_empty()).then(|| reason.to_string());
        self.txn
            .execute_raw(statement(
                "UPDATE items SET state = $2, updated_at = $3, withdrawn_at = $3, \
                 withdraw_reason = $4 WHERE id = $1",
                vec![
                    id.into(),
                    PublicationState::Withdrawn.as_str().into(),
                    now.as_millis().into(),
                    reason.into(),
                ],
            ))
            .await?;
        Ok(())
    }

    async fn record(&mut self, rec: &Records<'_>) -> Result<()> {
        self.prefetched = None;
        record(self.txn, rec).await?;
        for (id, seq) in &rec.marks {
            if let Some(a) = self.agents.get_mut(*id) {
                a.high_water_seq = *seq;
            }
        }
        Ok(())
    }
}

/// Keeps the planner's statistics of `items` current while the table is young.
///
/// The writer's connection keeps PostgreSQL's default plan caching: after a few executions a
/// statement runs with a generic plan, planned once, which saves about half a millisecond of
/// planning per group; every analysis of the table replans it.
///
/// The writer's lookups go through the unique index on `(tenant_id, external_id)` only if the
/// planner knows how many rows a tenant has. Autovacuum analyzes a table once a minute at most,
/// and only after a tenth of it changed; a new hub receiving its first items (or a benchmark)
/// meanwhile plans with no statistics, guesses that a tenant has a handful of rows, and scans
/// all of that tenant's items for every group (measured: 11 ms per group at 5,000 items,
/// growing with the table, against 0.3 ms through the unique index). So the writer analyzes
/// the table itself each time the items it inserted reach the table's size at the last
/// analysis (from 1,000): a handful of times while the table is young, almost never after.
#[derive(Default)]
struct YoungTable {
    /// Items inserted since the last analysis, and how many there must be for the next one
    /// (`None` until the table's size was read).
    inserted: u64,
    due_at: Option<u64>,
}

impl YoungTable {
    const FIRST: u64 = 1_000;

    async fn inserted<C: ConnectionTrait>(&mut self, db: &C, n: usize) {
        if n == 0 {
            return;
        }
        self.inserted += n as u64;
        let due_at = match self.due_at {
            Some(d) => d,
            None => {
                let d = Self::rows(db).await.max(Self::FIRST);
                self.due_at = Some(d);
                d
            }
        };
        if self.inserted < due_at {
            return;
        }
        if let Err(e) = db.execute_unprepared("ANALYZE items").await {
            tracing::warn!(error = %e, "could not analyze the items table");
        }
        self.inserted = 0;
        self.due_at = Some(Self::rows(db).await.max(Self::FIRST));
    }

    /// The table's size as the planner knows it (0 if never analyzed).
    async fn rows<C: ConnectionTrait>(db: &C) -> u64 {
        let row = db
            .query_one_raw(statement(
                "SELECT reltuples::bigint AS n FROM pg_class WHERE oid = 'items'::regclass",
                Vec::new(),
            ))
            .await;
        match row {
            Ok(Some(r)) => r.try_get::<i64>("", "n").unwrap_or(0).max(0) as u64,
            _ => 0,
        }
    }
}
