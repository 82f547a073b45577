//! Applying a withdraw call: items leave the public pages and stay in the archive.

use portal_core::{FieldError, PublicationState, UnixMillis};

use super::tx::{AuditRow, FeedRow, IngestTx, Records};
use super::{EntryOutcome, Outcome, Withdrawal};
use crate::events::{AuditAction, FeedKind};
use crate::{AgentAuth, Refusal, Result, StoreError};

pub(super) async fn apply_withdraw<T: IngestTx>(
    tx: &mut T,
    auth: &AgentAuth,
    entries: &[Withdrawal],
    now: UnixMillis,
) -> Result<Vec<EntryOutcome>> {
    let hwm = tx
        .agents(&[auth.agent_id.as_str()])
        .await?
        .first()
        .map(|a| a.high_water_seq)
        .ok_or_else(|| StoreError::Refused(Refusal::NotEnrolled(auth.agent_id.clone())))?;
    let ids: Vec<&str> = entries.iter().map(|w| w.item_id.as_str()).collect();
    let mut current = tx.current_items(auth.tenant_id, &ids).await?;
    let withdrawn = PublicationState::Withdrawn;
    let mut results = Vec::with_capacity(entries.len());
    let mut done: Vec<(&str, i64, i32, i64)> = Vec::new();
    let mut max_seq = hwm;
    for w in entries {
        let (seq, id) = (w.seq, w.item_id.as_str());
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
        if existing.state == withdrawn {
            results.push(EntryOutcome::new(
                seq,
                id,
                Outcome::Unchanged,
                existing.version,
            ));
            continue;
        }
        tx.withdraw_item(existing.id, &w.reason, now).await?;
        existing.state = withdrawn;
        done.push((id, existing.id, existing.version, seq));
        results.push(EntryOutcome::new(
            seq,
            id,
            Outcome::Accepted,
            existing.version,
        ));
    }
    let feed: Vec<FeedRow> = done
        .iter()
        .map(|&(id, item_id, version, _)| FeedRow {
            tenant_id: auth.tenant_id,
            item_id,
            external_id: id,
            version,
            kind: FeedKind::Withdrawn,
            at: now,
        })
        .collect();
    let audits: Vec<AuditRow> = done
        .iter()
        .map(|&(id, _, version, seq)| AuditRow {
            at: now,
            agent_id: &auth.agent_id,
            action: AuditAction::ItemWithdraw,
            tenant_id: auth.tenant_id,
            subject: id,
            version,
            seq,
        })
        .collect();
    let marks = if max_seq > hwm {
        vec![(auth.agent_id.as_str(), max_seq)]
    } else {
        Vec::new()
    };
    tx.record(&Records {
        versions: Vec::new(),
        feed,
        audits,
        marks,
    })
    .await?;
    Ok(results)
}
