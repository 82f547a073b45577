//! Applying runs of publish calls: the rules, written once for both databases.

use std::collections::HashMap;

use portal_core::{NormalizedItem, ProvinceReview, PublicationState, UnixMillis};

use super::tx::{AuditRow, CurrentItem, FeedRow, IngestTx, ItemRow, Records, VersionRow};
use super::{EntryOutcome, IngestEntry, Outcome};
use crate::events::{AuditAction, FeedKind};
use crate::{AgentAuth, Refusal, Result, StoreError};

/// One publish call within a group.
pub(super) struct PublishCall<'a> {
    pub(super) auth: &'a AgentAuth,
    pub(super) entries: &'a [IngestEntry],
    pub(super) review: ProvinceReview,
    pub(super) now: UnixMillis,
}

/// An accepted entry on its way to the database.
struct Accepted<'a> {
    call: usize,
    slot: usize,
    seq: i64,
    item: &'a NormalizedItem,
    tags: String,
    record: Option<String>,
}

impl Accepted<'_> {
    fn row<'r>(&'r self, calls: &[PublishCall<'_>], version: i32) -> ItemRow<'r> {
        let c = &calls[self.call];
        ItemRow {
            tenant_id: c.auth.tenant_id,
            item: self.item,
            tags: &self.tags,
            record: self.record.as_deref(),
            version,
            state: PublicationState::Published,
            review: c.review,
            updated_at: c.now,
        }
    }
}

type ItemKey = (i64, String);

/// Applies consecutive publish calls with few statements per run: one read of the agents, one
/// of the touched items per tenant, inserts of new items, versions, change-feed and audit
/// entries, one update per changed existing item, one high-water update.
pub(super) async fn apply_publish_run<T: IngestTx>(
    tx: &mut T,
    calls: &[PublishCall<'_>],
) -> Result<Vec<Vec<EntryOutcome>>> {
    let mut agent_ids: Vec<&str> = calls.iter().map(|c| c.auth.agent_id.as_str()).collect();
    agent_ids.sort_unstable();
    agent_ids.dedup();
    let start_hwm: HashMap<String, i64> = tx
        .agents(&agent_ids)
        .await?
        .into_iter()
        .map(|a| (a.id, a.high_water_seq))
        .collect();
    for id in &agent_ids {
        if !start_hwm.contains_key(*id) {
            return Err(StoreError::Refused(Refusal::NotEnrolled(id.to_string())));
        }
    }
    let mut hwm = start_hwm.clone();
    let mut wanted: HashMap<i64, Vec<&str>> = HashMap::new();
    for c in calls {
        let h = hwm[&c.auth.agent_id];
        for e in c.entries.iter().filter(|e| e.seq > h && e.item.is_ok()) {
            wanted
                .entry(c.auth.tenant_id)
                .or_default()
                .push(e.item_id.as_str());
        }
    }
    let mut current: HashMap<ItemKey, CurrentItem> = HashMap::new();
    for (tenant, ids) in wanted {
        for (id, m) in tx.current_items(tenant, &ids).await? {
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
                flush_new(tx, calls, &mut pending_new, &mut current, &mut accepted).await?;
            }
            let existing = current.get(&key);
            if let Some(e) = existing
                && e.content_hash == item.content_hash
                && e.state == PublicationState::Published
            {
                out.push(EntryOutcome::new(
                    entry.seq,
                    &item.id,
                    Outcome::Unchanged,
                    e.version,
                ));
                continue;
            }
            let mut accepted_outcome = EntryOutcome::new(entry.seq, &item.id, Outcome::Accepted, 0);
            accepted_outcome.notes = item.notes.clone();
            let acc = Accepted {
                call: ci,
                slot: out.len(),
                seq: entry.seq,
                item,
                tags: serde_json::to_string(&item.tags).unwrap_or_else(|_| "[]".into()),
                record: item
                    .record
                    .as_ref()
                    .and_then(|r| serde_json::to_string(r).ok()),
            };
            out.push(accepted_outcome);
            match existing {
                Some(e) => {
                    let (id, version) = (e.id, e.version + 1);
                    tx.update_item(id, &acc.row(calls, version)).await?;
                    current.insert(
                        key,
                        CurrentItem {
                            id,
                            version,
                            content_hash: item.content_hash.clone(),
                            state: PublicationState::Published,
                        },
                    );
                    accepted.push((acc, id, version));
                }
                None => pending_new.push(acc),
            }
        }
        hwm.insert(call.auth.agent_id.clone(), max_seq);
        results.push(out);
    }
    flush_new(tx, calls, &mut pending_new, &mut current, &mut accepted).await?;
    let mut versions = Vec::with_capacity(accepted.len());
    let mut feed = Vec::with_capacity(accepted.len());
    let mut audits = Vec::with_capacity(accepted.len());
    for (acc, item_id, version) in &accepted {
        let call = &calls[acc.call];
        let (auth, now, it) = (call.auth, call.now, acc.item);
        results[acc.call][acc.slot].version = *version;
        versions.push(VersionRow {
            item_id: *item_id,
            version: *version,
            item: it,
            tags: &acc.tags,
            record: acc.record.as_deref(),
            notes: (!it.notes.is_empty())
                .then(|| serde_json::to_string(&it.notes).unwrap_or_default()),
            agent_id: &auth.agent_id,
            agent_seq: acc.seq,
            created_at: now,
        });
        feed.push(FeedRow {
            tenant_id: auth.tenant_id,
            item_id: *item_id,
            external_id: &it.id,
            version: *version,
            kind: FeedKind::Published,
            at: now,
        });
        audits.push(AuditRow {
            at: now,
            agent_id: &auth.agent_id,
            action: AuditAction::ItemPublish,
            tenant_id: auth.tenant_id,
            subject: &it.id,
            version: *version,
            seq: acc.seq,
        });
    }
    let marks: Vec<(&str, i64)> = hwm
        .iter()
        .filter(|(id, seq)| start_hwm.get(*id).is_some_and(|old| *seq > old))
        .map(|(id, seq)| (id.as_str(), *seq))
        .collect();
    tx.record(&Records {
        versions,
        feed,
        audits,
        marks,
    })
    .await?;
    Ok(results)
}

/// Inserts the waiting new items and files them as existing.
async fn flush_new<'a, T: IngestTx>(
    tx: &mut T,
    calls: &[PublishCall<'_>],
    pending: &mut Vec<Accepted<'a>>,
    current: &mut HashMap<ItemKey, CurrentItem>,
    accepted: &mut Vec<(Accepted<'a>, i64, i32)>,
) -> Result<()> {
    if pending.is_empty() {
        return Ok(());
    }
    let rows: Vec<ItemRow> = pending.iter().map(|a| a.row(calls, 1)).collect();
    let ids = tx.insert_items(&rows).await?;
    drop(rows);
    for (acc, id) in pending.drain(..).zip(ids) {
        current.insert(
            (calls[acc.call].auth.tenant_id, acc.item.id.clone()),
            CurrentItem {
                id,
                version: 1,
                content_hash: acc.item.content_hash.clone(),
                state: PublicationState::Published,
            },
        );
        accepted.push((acc, id, 1));
    }
    Ok(())
}
