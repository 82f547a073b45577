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

use portal_core::{FieldError, NormalizedItem, ProvinceReview};
use sea_orm::{ActiveValue::Set, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter};

use tokio::sync::{mpsc, oneshot};

use crate::entity::{audit_log, change_feed, item, item_version};

mod publish;
mod withdraw;

use crate::{AgentAuth, Result, Store, StoreError};
use publish::{PublishCall, apply_publish_run};
use withdraw::apply_withdraw;

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
    /// An entry refused before it reached the store, with its reasons.
    pub fn rejected(seq: i64, item_id: String, errors: Vec<FieldError>) -> Self {
        Self {
            seq,
            item_id,
            outcome: Outcome::Rejected,
            version: 0,
            errors,
            notes: Vec::new(),
        }
    }

    pub(super) fn new(seq: i64, item_id: &str, outcome: Outcome, version: i32) -> Self {
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

/// The current rows of the items a batch touches, by external id.
pub(super) async fn current_items(
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

pub(super) fn feed_entry(
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

pub(super) fn audit_entry(
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
/// Who a publish call is for: already authorised, or only claimed by a verified certificate
/// (then the writer authorises it in the same transaction, saving a round trip per call).
pub(crate) enum Caller {
    Authorised(AgentAuth),
    Claimed(AgentClaims),
}

/// What a verified client certificate says; checked against the store before anything is
/// written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgentClaims {
    pub agent_id: String,
    pub tenant_slug: String,
    pub serial_hex: String,
}

pub(crate) enum Job {
    Publish {
        caller: Caller,
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

/// Authorises claimed callers with three queries for the whole group: their agents, those
/// agents' tenants, and the certificates they present. One verdict per claim, in order.
async fn authorise_claims(
    txn: &DatabaseTransaction,
    claims: &[&AgentClaims],
) -> Result<Vec<Result<AgentAuth>>> {
    use crate::entity::{agent, certificate, tenant};
    if claims.is_empty() {
        return Ok(Vec::new());
    }
    let agents: HashMap<String, agent::Model> = agent::Entity::find()
        .filter(agent::Column::Id.is_in(claims.iter().map(|c| c.agent_id.clone())))
        .all(txn)
        .await?
        .into_iter()
        .map(|a| (a.id.clone(), a))
        .collect();
    let tenants: HashMap<i64, tenant::Model> = tenant::Entity::find()
        .filter(tenant::Column::Id.is_in(agents.values().map(|a| a.tenant_id)))
        .all(txn)
        .await?
        .into_iter()
        .map(|t| (t.id, t))
        .collect();
    let certs: HashMap<String, String> = certificate::Entity::find()
        .filter(certificate::Column::Serial.is_in(claims.iter().map(|c| c.serial_hex.clone())))
        .all(txn)
        .await?
        .into_iter()
        .map(|c| (c.serial, c.agent_id))
        .collect();
    Ok(claims
        .iter()
        .map(|c| {
            let refused = |m: String| Err(StoreError::Refused(m));
            let Some(a) = agents.get(&c.agent_id) else {
                return refused(format!("agent {} is not enrolled", c.agent_id));
            };
            if a.revoked_at.is_some() {
                return refused(format!("agent {} has been revoked", c.agent_id));
            }
            if certs.get(&c.serial_hex) != Some(&a.id) {
                return refused("certificate was not issued to this agent".into());
            }
            match tenants.get(&a.tenant_id) {
                Some(t) if t.slug == c.tenant_slug => Ok(AgentAuth {
                    agent_id: a.id.clone(),
                    tenant_id: t.id,
                    tenant_slug: t.slug.clone(),
                    tenant_kind: t.kind.clone(),
                }),
                _ => refused("certificate names another tenant than the agent's".into()),
            }
        })
        .collect())
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
                caller: Caller::Authorised(auth.clone()),
                entries,
                review,
                now,
                reply,
            },
            rx,
        )
        .await
    }

    /// Publishes a batch for the agent a verified certificate names. The agent is authorised
    /// (exists, not revoked, this certificate issued to it, its tenant) inside the group
    /// transaction, so a revocation committed before it is honoured; a refused caller gets
    /// `StoreError::Refused` and nothing of its batch is written.
    pub async fn publish_claimed(
        &self,
        claims: AgentClaims,
        entries: Vec<IngestEntry>,
        review: ProvinceReview,
        now: i64,
    ) -> Result<Vec<EntryOutcome>> {
        let (reply, rx) = oneshot::channel();
        self.submit(
            Job::Publish {
                caller: Caller::Claimed(claims),
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
        let outcome: Result<Vec<Result<Vec<EntryOutcome>>>> = async {
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
                        all.push(Ok(apply_withdraw(&txn, auth, entries, *now).await?));
                        i += 1;
                    }
                    Job::Publish { .. } => {
                        let start = i;
                        while matches!(jobs.get(i), Some(Job::Publish { .. })) {
                            i += 1;
                        }
                        let claimed: Vec<&AgentClaims> = jobs[start..i]
                            .iter()
                            .filter_map(|j| match j {
                                Job::Publish {
                                    caller: Caller::Claimed(c),
                                    ..
                                } => Some(c),
                                _ => None,
                            })
                            .collect();
                        let mut verdicts = authorise_claims(&txn, &claimed).await?.into_iter();
                        let auths: Vec<Result<AgentAuth>> = jobs[start..i]
                            .iter()
                            .map(|j| match j {
                                Job::Publish {
                                    caller: Caller::Authorised(a),
                                    ..
                                } => Ok(a.clone()),
                                _ => verdicts.next().unwrap_or_else(|| {
                                    Err(StoreError::Refused("caller was not authorised".into()))
                                }),
                            })
                            .collect();
                        let run: Vec<PublishCall> = jobs[start..i]
                            .iter()
                            .zip(&auths)
                            .filter_map(|(j, a)| match (j, a) {
                                (
                                    Job::Publish {
                                        entries,
                                        review,
                                        now,
                                        ..
                                    },
                                    Ok(auth),
                                ) => Some(PublishCall {
                                    auth,
                                    entries,
                                    review: *review,
                                    now: *now,
                                }),
                                _ => None,
                            })
                            .collect();
                        let mut applied = apply_publish_run(&txn, &run).await?.into_iter();
                        for a in auths {
                            all.push(match a {
                                Ok(_) => applied.next().ok_or_else(|| {
                                    StoreError::Db(sea_orm::DbErr::Custom(
                                        "publish results missing".into(),
                                    ))
                                }),
                                Err(e) => Err(e),
                            });
                        }
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
                    let _ = reply.send(results);
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

pub(super) async fn insert_all(
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
