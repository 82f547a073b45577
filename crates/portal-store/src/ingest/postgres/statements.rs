//! The statements of the PostgreSQL writer, each of one fixed shape: rows as JSON documents,
//! keys as `text[]`, bodies as one `bytea`.

use std::collections::HashMap;
use std::sync::LazyLock;

use sea_orm::{ConnectionTrait, DatabaseTransaction, DbBackend, Statement, Value};
use serde::Serialize;

use super::super::columns::{self, Content};
use super::super::tx::{AgentRow, CurrentItem, ItemRow, Records, parse_state};
use crate::{Result, StoreError};

pub(super) fn json<T: Serialize>(rows: &T) -> Result<Value> {
    serde_json::to_string(rows)
        .map(Value::from)
        .map_err(|e| StoreError::Db(sea_orm::DbErr::Custom(format!("encoding rows: {e}"))))
}

/// A `text[]` literal (`{"a","b"}`): with the values in the statement's parameters, the
/// planner sees them and looks each one up in the index.
pub(super) fn text_array(items: &[&str]) -> Value {
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

pub(super) fn statement(sql: &str, values: Vec<Value>) -> Statement {
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
                    state: parse_state(&r.try_get::<String>("", "state")?)?,
                },
            ))
        })
        .collect()
}

/// Current items read ahead, for the tenants of the agents read with them.
pub(super) struct Prefetched {
    /// The items found, by tenant (every tenant read has an entry) and external id.
    by_tenant: HashMap<i64, HashMap<String, CurrentItem>>,
    asked: std::collections::HashSet<String>,
}

impl Prefetched {
    /// The answer to `current_items(tenant_id, external_ids)`, if this read covered it.
    pub(super) fn get(
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
                    state: parse_state(&r.try_get::<String>("", "state")?)?,
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

/// An item row as JSON: the content columns and the item's own.
#[derive(Serialize)]
pub(super) struct ItemJson<'a> {
    tenant_id: i64,
    external_id: &'a str,
    version: i32,
    #[serde(flatten)]
    content: Content<'a>,
    state: &'a str,
    province_review: &'a str,
    updated_at: i64,
}

pub(super) fn item_json<'a>(r: &'a ItemRow<'a>) -> ItemJson<'a> {
    ItemJson {
        tenant_id: r.tenant_id,
        external_id: &r.item.id,
        version: r.version,
        content: Content::of(r.item, r.tags, r.record),
        state: r.state.as_str(),
        province_review: r.review.as_str(),
        updated_at: r.updated_at.as_millis(),
    }
}

/// Inserts new items; their ids by `(tenant id, external id)`.
pub(super) async fn insert_items(
    txn: &DatabaseTransaction,
    rows: &[ItemRow<'_>],
) -> Result<HashMap<(i64, String), i64>> {
    static SQL: LazyLock<String> = LazyLock::new(|| {
        let cols = format!(
            "tenant_id, external_id, version, {}, state, province_review, updated_at",
            columns::names()
        );
        format!(
            "INSERT INTO items ({cols}) SELECT {cols} \
             FROM json_to_recordset($1::text::json) AS r(tenant_id bigint, external_id text, \
             version int, {}, state text, province_review text, updated_at bigint) \
             RETURNING id, tenant_id, external_id",
            columns::pg_record_types()
        )
    });
    let doc: Vec<ItemJson> = rows.iter().map(item_json).collect();
    let rows = txn
        .query_all_raw(statement(&SQL, vec![json(&doc)?]))
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
pub(super) struct VersionJson<'a> {
    item_id: i64,
    version: i32,
    #[serde(flatten)]
    content: Content<'a>,
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
pub(super) struct FeedJson<'a> {
    n: usize,
    tenant_id: i64,
    item_id: i64,
    external_id: &'a str,
    version: i32,
    kind: &'a str,
    at: i64,
}

#[derive(Serialize)]
pub(super) struct AuditJson<'a> {
    n: usize,
    at: i64,
    actor: String,
    action: &'a str,
    tenant_id: i64,
    subject: &'a str,
    detail: String,
}

#[derive(Serialize)]
pub(super) struct MarkJson<'a> {
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
            content: Content::of(r.item, r.tags, r.record),
            body_at: bodies.len() + 1,
            body_len: {
                bodies.extend_from_slice(r.item.body_markdown.as_bytes());
                r.item.body_markdown.len()
            },
            notes: r.notes.as_deref(),
            agent_id: r.agent_id,
            agent_seq: r.agent_seq,
            created_at: r.created_at.as_millis(),
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
            kind: r.kind.as_str(),
            at: r.at.as_millis(),
        })
        .collect();
    let audits: Vec<AuditJson> = rec
        .audits
        .iter()
        .enumerate()
        .map(|(n, r)| AuditJson {
            n,
            at: r.at.as_millis(),
            actor: r.actor(),
            action: r.action.as_str(),
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
    static SQL: LazyLock<String> = LazyLock::new(|| {
        format!(
            "WITH v AS (INSERT INTO item_versions (item_id, version, {names}, body_markdown, \
             notes, agent_id, agent_seq, created_at) \
             SELECT item_id, version, {names}, \
             convert_from(substring($5::bytea FROM body_at FOR body_len), 'UTF8'), \
             notes, agent_id, agent_seq, created_at \
             FROM json_to_recordset($1::text::json) AS r(item_id bigint, version int, \
             {types}, body_at int, body_len int, notes text, agent_id text, agent_seq bigint, \
             created_at bigint)), \
             f AS (INSERT INTO change_feed (tenant_id, item_id, external_id, version, kind, at) \
             SELECT tenant_id, item_id, external_id, version, kind, at \
             FROM json_to_recordset($2::text::json) AS r(n int, tenant_id bigint, \
             item_id bigint, external_id text, version int, kind text, at bigint) ORDER BY n), \
             a AS (INSERT INTO audit_log (at, actor, action, tenant_id, subject, detail) \
             SELECT at, actor, action, tenant_id, subject, detail \
             FROM json_to_recordset($3::text::json) AS r(n int, at bigint, actor text, \
             action text, tenant_id bigint, subject text, detail text) ORDER BY n) \
             UPDATE agents SET high_water_seq = m.seq \
             FROM json_to_recordset($4::text::json) AS m(id text, seq bigint) \
             WHERE agents.id = m.id",
            names = columns::names(),
            types = columns::pg_record_types(),
        )
    });
    txn.execute_raw(statement(
        &SQL,
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

#[cfg(test)]
mod tests {
    use sea_orm::{ConnectionTrait, Database};

    use super::{statement, text_array};

    /// The server reads back exactly the strings given, whatever they hold.
    #[tokio::test]
    async fn text_arrays_reach_the_server_intact() {
        let db = Database::connect(format!(
            "{}/postgres",
            crate::testing::postgres_server_url()
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
