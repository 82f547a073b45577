//! Applying a withdraw call: items leave the public pages and stay in the archive.

use portal_core::{FieldError, PublicationState};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter, QuerySelect,
};

use super::{EntryOutcome, Outcome, audit_entry, current_items, feed_entry, insert_all};
use crate::entity::{agent, item};
use crate::{AgentAuth, Result, StoreError};

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

pub(super) async fn apply_withdraw(
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
