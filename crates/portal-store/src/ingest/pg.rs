//! Ingest statements of fixed shape on PostgreSQL.
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

use portal_core::NormalizedItem;
use sea_orm::{ConnectionTrait, DatabaseTransaction, DbBackend, Statement, Value};
use serde::Serialize;

use super::tx::{AgentRow, CurrentItem, ItemRow, Records};
use crate::{Result, StoreError};

fn json<T: Serialize>(rows: &T) -> Result<Value> {
    serde_json::to_string(rows)
        .map(Value::from)
        .map_err(|e| StoreError::Db(sea_orm::DbErr::Custom(format!("encoding rows: {e}"))))
}

/// A `text[]` literal (`{"a","b"}`): with the values in the statement's parameters, the
/// planner sees them and looks each one up in the index.
fn text_array(items: &[&str]) -> Value {
    let mut out = String::with_capacity(2 + items.iter().map(|s| s.len() + 3).sum::<usize>());
    out.push('{');
    for (i, s) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push('"');
        for c in s.chars() {
            if c == '"' || c == '\\' {
                out.push('\\');
            }
            out.push(c);
        }
        out.push('"');
    }
    out.push('}');
    Value::from(out)
}

fn statement(sql: &str, values: Vec<Value>) -> Statement {
    Statement::from_sql_and_values(DbBackend::Postgres, sql, values)
}

/// The agents among `ids`, locked until commit, so two hub replicas cannot both accept the
/// same sequence number.
pub(super) async fn agents(txn: &DatabaseTransaction, ids: &[&str]) -> Result<Vec<AgentRow>> {
    let rows = txn
        .query_all_raw(statement(
            "SELECT id, tenant_id, revoked_at IS NOT NULL AS revoked, high_water_seq \
             FROM agents WHERE id = ANY($1::text::text[]) FOR UPDATE",
            vec![text_array(ids)],
        ))
        .await?;
    rows.iter()
        .map(|r| {
            Ok(AgentRow {
                id: r.try_get("", "id")?,
                tenant_id: r.try_get("", "tenant_id")?,
                revoked: r.try_get("", "revoked")?,
                high_water_seq: r.try_get("", "high_water_seq")?,
            })
        })
        .collect()
}

/// The current rows of a tenant's items among `external_ids`, by external id.
pub(super) async fn current_items(
    txn: &DatabaseTransaction,
    tenant_id: i64,
    external_ids: &[&str],
) -> Result<HashMap<String, CurrentItem>> {
    let rows = txn
        .query_all_raw(statement(
            "SELECT id, external_id, version, content_hash, state FROM items \
             WHERE tenant_id = $1 AND external_id = ANY($2::text::text[])",
            vec![tenant_id.into(), text_array(external_ids)],
        ))
        .await?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get("", "external_id")?,
                CurrentItem {
                    id: r.try_get("", "id")?,
                    version: r.try_get("", "version")?,
                    content_hash: r.try_get("", "content_hash")?,
                    state: r.try_get("", "state")?,
                },
            ))
        })
        .collect()
}

/// Current items read ahead, for the tenants of the agents read with them.
pub(crate) struct Prefetched {
    /// The items found, by tenant (every tenant read has an entry) and external id.
    by_tenant: HashMap<i64, HashMap<String, CurrentItem>>,
    asked: std::collections::HashSet<String>,
}

impl Prefetched {
    /// The answer to `current_items(tenant_id, external_ids)`, if this read covered it.
    pub(crate) fn get(
        &self,
        tenant_id: i64,
        external_ids: &[&str],
    ) -> Option<HashMap<String, CurrentItem>> {
        let items = self.by_tenant.get(&tenant_id)?;
        if !external_ids.iter().all(|e| self.asked.contains(*e)) {
            return None;
        }
        Some(
            external_ids
                .iter()
                .filter_map(|e| items.get(*e).map(|c| (e.to_string(), c.clone())))
                .collect(),
        )
    }
}

/// The agents among `agent_ids` (locked until commit, as in [`agents`]) and, in the same round
/// trip, the current rows of their tenants' items among `item_ids`. (The tenants go to the
/// items' lookup as an array: joined to the agents instead, the planner hashed a scan of the
/// whole table, 13 ms per group at 7,000 items; this way it probes the unique index.)
pub(super) async fn prefetch(
    txn: &DatabaseTransaction,
    agent_ids: &[&str],
    item_ids: &[&str],
) -> Result<(Vec<AgentRow>, Prefetched)> {
    let rows = txn
        .query_all_raw(statement(
            "WITH a AS (SELECT id, tenant_id, revoked_at IS NOT NULL AS revoked, high_water_seq \
             FROM agents WHERE id = ANY($1::text::text[]) FOR UPDATE) \
             SELECT a.id AS agent_id, a.tenant_id, a.revoked, a.high_water_seq, \
             NULL::bigint AS item_id, NULL::text AS external_id, NULL::int AS version, \
             NULL::text AS content_hash, NULL::text AS state FROM a \
             UNION ALL \
             SELECT NULL, i.tenant_id, NULL, NULL, i.id, i.external_id::text, i.version, \
             i.content_hash::text, i.state::text FROM items i \
             WHERE i.tenant_id = ANY(ARRAY(SELECT DISTINCT tenant_id FROM a)) \
             AND i.external_id = ANY($2::text::text[])",
            vec![text_array(agent_ids), text_array(item_ids)],
        ))
        .await?;
    let mut agents = Vec::new();
    let mut items = Vec::new();
    for r in &rows {
        match r.try_get::<Option<String>>("", "agent_id")? {
            Some(id) => agents.push(AgentRow {
                id,
                tenant_id: r.try_get("", "tenant_id")?,
                revoked: r.try_get("", "revoked")?,
                high_water_seq: r.try_get("", "high_water_seq")?,
            }),
            None => items.push((
                r.try_get::<i64>("", "tenant_id")?,
                r.try_get::<String>("", "external_id")?,
                CurrentItem {
                    id: r.try_get("", "item_id")?,
                    version: r.try_get("", "version")?,
                    content_hash: r.try_get("", "content_hash")?,
                    state: r.try_get("", "state")?,
                },
            )),
        }
    }
    let mut by_tenant: HashMap<i64, HashMap<String, CurrentItem>> = agents
        .iter()
        .map(|a| (a.tenant_id, HashMap::new()))
        .collect();
    for (tenant, external_id, current) in items {
        by_tenant
            .entry(tenant)
            .or_default()
            .insert(external_id, current);
    }
    let asked = item_ids.iter().map(|s| s.to_string()).collect();
    Ok((agents, Prefetched { by_tenant, asked }))
}

/// The content columns items and versions share, as JSON (the names are the columns').
#[derive(Serialize)]
struct ContentJson<'a> {
    content_hash: &'a str,
    category: &'a str,
    language: &'a str,
    title: &'a str,
    summary: Option<&'a str>,
    author: &'a str,
    source: &'a str,
    source_url: Option<&'a str>,
    published_at: i64,
    tags: &'a str,
    translation_id: Option<&'a str>,
    record: Option<&'a str>,
}

impl<'a> ContentJson<'a> {
    fn of(it: &'a NormalizedItem, tags: &'a str, record: Option<&'a str>) -> Self {
        Self {
            content_hash: &it.content_hash,
            category: &it.category,
            language: &it.language,
            title: &it.title,
            summary: it.summary.as_deref(),
            author: &it.author,
            source: &it.source,
            source_url: it.source_url.as_deref(),
            published_at: it.published_at_ms,
            tags,
            translation_id: it.translation_id.as_deref(),
            record,
        }
    }
}

/// An item row as JSON.
#[derive(Serialize)]
struct ItemJson<'a> {
    tenant_id: i64,
    external_id: &'a str,
    version: i32,
    #[serde(flatten)]
    content: ContentJson<'a>,
    state: &'a str,
    province_review: &'a str,
    updated_at: i64,
}

/// Inserts new items; their ids by `(tenant id, external id)`.
pub(super) async fn insert_items(
    txn: &DatabaseTransaction,
    rows: &[ItemRow<'_>],
) -> Result<HashMap<(i64, String), i64>> {
    let doc: Vec<ItemJson> = rows
        .iter()
        .map(|r| ItemJson {
            tenant_id: r.tenant_id,
            external_id: &r.item.id,
            version: r.version,
            content: ContentJson::of(r.item, r.tags, r.record),
            state: r.state,
            province_review: r.review,
            updated_at: r.updated_at,
        })
        .collect();
    let rows = txn
        .query_all_raw(statement(
            "INSERT INTO items (tenant_id, external_id, version, content_hash, category, \
             language, title, summary, author, source, source_url, published_at, tags, \
             translation_id, record, state, province_review, updated_at) \
             SELECT tenant_id, external_id, version, content_hash, category, language, title, \
             summary, author, source, source_url, published_at, tags, translation_id, record, \
             state, province_review, updated_at \
             FROM json_to_recordset($1::text::json) AS r(tenant_id bigint, external_id text, \
             version int, content_hash text, category text, language text, title text, \
             summary text, author text, source text, source_url text, published_at bigint, \
             tags text, translation_id text, record text, state text, province_review text, \
             updated_at bigint) \
             RETURNING id, tenant_id, external_id",
            vec![json(&doc)?],
        ))
        .await?;
    rows.iter()
        .map(|r| {
            Ok((
                (r.try_get("", "tenant_id")?, r.try_get("", "external_id")?),
                r.try_get("", "id")?,
            ))
        })
        .collect()
}

#[derive(Serialize)]
struct VersionJson<'a> {
    item_id: i64,
    version: i32,
    #[serde(flatten)]
    content: ContentJson<'a>,
    /// Where the body is in the statement's body parameter: 1-based byte offset, length.
    body_at: usize,
    body_len: usize,
    notes: Option<&'a str>,
    agent_id: &'a str,
    agent_seq: i64,
    created_at: i64,
}

/// A change-feed or audit row; `n` keeps the order given (ids follow it).
#[derive(Serialize)]
struct FeedJson<'a> {
    n: usize,
    tenant_id: i64,
    item_id: i64,
    external_id: &'a str,
    version: i32,
    kind: &'a str,
    at: i64,
}

#[derive(Serialize)]
struct AuditJson<'a> {
    n: usize,
    at: i64,
    actor: String,
    action: &'a str,
    tenant_id: i64,
    subject: &'a str,
    detail: String,
}

#[derive(Serialize)]
struct MarkJson<'a> {
    id: &'a str,
    seq: i64,
}

/// Writes the records of a run in one statement.
pub(super) async fn record(txn: &DatabaseTransaction, rec: &Records<'_>) -> Result<()> {
    let mut bodies = Vec::with_capacity(
        rec.versions
            .iter()
            .map(|r| r.item.body_markdown.len())
            .sum(),
    );
    let versions: Vec<VersionJson> = rec
        .versions
        .iter()
        .map(|r| VersionJson {
            item_id: r.item_id,
            version: r.version,
            content: ContentJson::of(r.item, r.tags, r.record),
            body_at: bodies.len() + 1,
            body_len: {
                bodies.extend_from_slice(r.item.body_markdown.as_bytes());
                r.item.body_markdown.len()
            },
            notes: r.notes.as_deref(),
            agent_id: r.agent_id,
            agent_seq: r.agent_seq,
            created_at: r.created_at,
        })
        .collect();
    let feed: Vec<FeedJson> = rec
        .feed
        .iter()
        .enumerate()
        .map(|(n, r)| FeedJson {
            n,
            tenant_id: r.tenant_id,
            item_id: r.item_id,
            external_id: r.external_id,
            version: r.version,
            kind: r.kind,
            at: r.at,
        })
        .collect();
    let audits: Vec<AuditJson> = rec
        .audits
        .iter()
        .enumerate()
        .map(|(n, r)| AuditJson {
            n,
            at: r.at,
            actor: r.actor(),
            action: r.action,
            tenant_id: r.tenant_id,
            subject: r.subject,
            detail: r.detail(),
        })
        .collect();
    let marks: Vec<MarkJson> = rec
        .marks
        .iter()
        .map(|&(id, seq)| MarkJson { id, seq })
        .collect();
    // Every data-modifying WITH clause runs to completion whether or not anything reads it.
    txn.execute_raw(statement(
        "WITH v AS (INSERT INTO item_versions (item_id, version, content_hash, category, \
         language, title, summary, author, source, source_url, published_at, tags, \
         body_markdown, translation_id, record, notes, agent_id, agent_seq, created_at) \
         SELECT item_id, version, content_hash, category, language, title, summary, author, \
         source, source_url, published_at, tags, \
         convert_from(substring($5::bytea FROM body_at FOR body_len), 'UTF8'), \
         translation_id, record, notes, agent_id, agent_seq, created_at \
         FROM json_to_recordset($1::text::json) AS r(item_id bigint, version int, \
         content_hash text, category text, language text, title text, summary text, \
         author text, source text, source_url text, published_at bigint, tags text, \
         body_at int, body_len int, translation_id text, record text, notes text, \
         agent_id text, agent_seq bigint, created_at bigint)), \
         f AS (INSERT INTO change_feed (tenant_id, item_id, external_id, version, kind, at) \
         SELECT tenant_id, item_id, external_id, version, kind, at \
         FROM json_to_recordset($2::text::json) AS r(n int, tenant_id bigint, item_id bigint, \
         external_id text, version int, kind text, at bigint) ORDER BY n), \
         a AS (INSERT INTO audit_log (at, actor, action, tenant_id, subject, detail) \
         SELECT at, actor, action, tenant_id, subject, detail \
         FROM json_to_recordset($3::text::json) AS r(n int, at bigint, actor text, \
         action text, tenant_id bigint, subject text, detail text) ORDER BY n) \
         UPDATE agents SET high_water_seq = m.seq \
         FROM json_to_recordset($4::text::json) AS m(id text, seq bigint) \
         WHERE agents.id = m.id",
        vec![
            json(&versions)?,
            json(&feed)?,
            json(&audits)?,
            json(&marks)?,
            Value::Bytes(Some(bodies)),
        ],
    ))
    .await?;
    Ok(())
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
pub(crate) struct YoungTable {
    /// Items inserted since the last analysis, and how many there must be for the next one
    /// (`None` until the table's size was read).
    inserted: u64,
    due_at: Option<u64>,
}

impl YoungTable {
    const FIRST: u64 = 1_000;

    pub(crate) async fn inserted<C: ConnectionTrait>(&mut self, db: &C, n: usize) {
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

#[cfg(test)]
mod tests {
    use sea_orm::{ConnectionTrait, Database};

    use super::{statement, text_array};

    /// The server reads back exactly the strings given, whatever they hold.
    #[tokio::test]
    async fn text_arrays_reach_the_server_intact() {
        let db = Database::connect(format!(
            "{}/postgres",
            crate::scratch::postgres_server_url()
        ))
        .await
        .expect("PostgreSQL must be running (see .ci/run)");
        let given = [
            "a",
            "",
            "với dấu",
            "quote\"d",
            "back\\slash\\",
            "{braces},comma",
            "NULL",
            " spaced ",
        ];
        let row = db
            .query_one_raw(statement(
                "SELECT $1::text::text[] AS v",
                vec![text_array(&given)],
            ))
            .await
            .unwrap()
            .unwrap();
        let back: Vec<String> = row.try_get("", "v").unwrap();
        assert_eq!(back, given);
        let row = db
            .query_one_raw(statement(
                "SELECT cardinality($1::text::text[]) AS n",
                vec![text_array(&[])],
            ))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(row.try_get::<i32>("", "n").unwrap(), 0);
    }
}
