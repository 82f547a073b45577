//! Durable ingest: publishing and withdrawing items for an authorised agent.
//!
//! Guarantee: for each batch, the item rows, their new versions, change-feed entries, audit
//! entries and the agent's high-water sequence number are committed in one transaction before
//! the results are returned. An entry whose `seq` is at or below the high-water mark was
//! committed by an earlier call whose answer the agent never got; it is answered `Duplicate`
//! and changes nothing. Together with the agent's durable outbox this gives exactly-once
//! effects across crashes on either side.
//!
//! Group commit: publish and withdraw calls go to one writer, which applies every call waiting
//! at that moment in a single transaction, and answers each caller once that transaction is on
//! disk. Under load many agents share the cost of one durable commit; alone, a call commits at
//! once. On SQLite the writer is a thread with its own connection and a second thread flushes
//! (one `fdatasync` for every group committed meanwhile), so one group is applied while the
//! previous one is flushed (see `sqlite`); on PostgreSQL it is a thread with its own
//! connection and one transaction per group, of fixed-shape statements (see `pg`). The rules
//! themselves are written once, against `tx::IngestTx`.

use std::collections::HashMap;

use portal_core::{FieldError, NormalizedItem, ProvinceReview, UnixMillis};
use tokio::sync::{mpsc, oneshot};

mod columns;
mod postgres;
mod publish;
pub(crate) mod sqlite;
mod tx;
mod withdraw;

use crate::identity::{AgentFacts, TenantFacts, authorise};
use crate::{AgentAuth, AgentClaims, Refusal, Result, Store, StoreError};
pub(crate) use postgres::spawn_pg_writer;
use publish::{PublishCall, apply_publish_run};
use tx::IngestTx;
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

/// Who a call is for: already authorised, or only claimed by a verified certificate (then the
/// writer authorises it in the same transaction, saving a round trip per call).
pub(crate) enum Caller {
    Authorised(AgentAuth),
    Claimed(AgentClaims),
}

impl Caller {
    fn agent_id(&self) -> &str {
        match self {
            Caller::Authorised(a) => &a.agent_id,
            Caller::Claimed(c) => &c.agent_id,
        }
    }
}

/// One item to withdraw: the agent's sequence number, the item, and why (shown on the item's
/// page; may be empty).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Withdrawal {
    pub seq: i64,
    pub item_id: String,
    pub reason: String,
}

impl Withdrawal {
    /// Reasons longer than this are cut (on a character boundary).
    pub const MAX_REASON_CHARS: usize = 500;

    /// The reason is normalised like a title (NFC, no controls, one line) and cut.
    pub fn new(seq: i64, item_id: impl Into<String>, reason: &str) -> Self {
        let reason = portal_core::text::normalize_line(reason);
        let reason = reason.as_str();
        let reason = match reason.char_indices().nth(Self::MAX_REASON_CHARS) {
            Some((cut, _)) => &reason[..cut],
            None => reason,
        };
        Self {
            seq,
            item_id: item_id.into(),
            reason: reason.to_string(),
        }
    }
}

/// One call waiting for the writer.
pub(crate) enum Job {
    Publish {
        caller: Caller,
        entries: Vec<IngestEntry>,
        review: ProvinceReview,
        now: UnixMillis,
        reply: oneshot::Sender<Result<Vec<EntryOutcome>>>,
    },
    Withdraw {
        caller: Caller,
        entries: Vec<Withdrawal>,
        now: UnixMillis,
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

    /// The agent a publish call comes from, and the item ids it names (none for a withdrawal).
    fn publish_ids(&self) -> Option<(&str, impl Iterator<Item = &str>)> {
        match self {
            Job::Publish {
                caller, entries, ..
            } => Some((
                caller.agent_id(),
                entries.iter().map(|e| e.item_id.as_str()),
            )),
            Job::Withdraw { .. } => None,
        }
    }

    /// Bytes of the item bodies a call brings (what dominates its size).
    fn bytes(&self) -> usize {
        match self {
            Job::Publish { entries, .. } => entries
                .iter()
                .filter_map(|e| e.item.as_ref().ok())
                .map(|i| i.body_markdown.len())
                .sum(),
            Job::Withdraw { .. } => 0,
        }
    }
}

/// Authorises claimed callers with three lookups for the whole group: their agents, those
/// agents' tenants, and the certificates they present; then the one rule
/// ([`crate::identity::authorise`]) for each. One verdict per claim, in order.
async fn authorise_claims<T: IngestTx>(
    tx: &mut T,
    claims: &[&AgentClaims],
) -> Result<Vec<std::result::Result<AgentAuth, Refusal>>> {
    if claims.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<&str> = claims.iter().map(|c| c.agent_id.as_str()).collect();
    let agents: HashMap<String, tx::AgentRow> = tx
        .agents(&ids)
        .await?
        .into_iter()
        .map(|a| (a.id.clone(), a))
        .collect();
    let tenant_ids: Vec<i64> = agents.values().map(|a| a.tenant_id).collect();
    let tenants: HashMap<i64, tx::TenantRow> = tx
        .tenants(&tenant_ids)
        .await?
        .into_iter()
        .map(|t| (t.id, t))
        .collect();
    let serials: Vec<&str> = claims.iter().map(|c| c.serial_hex.as_str()).collect();
    let owners: HashMap<String, String> =
        tx.certificate_owners(&serials).await?.into_iter().collect();
    Ok(claims
        .iter()
        .map(|c| {
            let agent = agents.get(&c.agent_id);
            let tenant = agent.and_then(|a| tenants.get(&a.tenant_id));
            authorise(
                c,
                agent.map(|a| AgentFacts {
                    tenant_id: a.tenant_id,
                    revoked: a.revoked,
                }),
                owners.get(&c.serial_hex).map(String::as_str),
                tenant.map(|t| TenantFacts {
                    id: t.id,
                    slug: &t.slug,
                    kind: t.kind,
                }),
            )
        })
        .collect())
}

/// How much one group transaction may take in: entries, and bytes of item bodies.
#[derive(Clone, Copy, Debug)]
pub(crate) struct GroupLimit {
    pub entries: usize,
    pub bytes: usize,
}

/// A call brings at most `grpc_max_message_bytes` (16 MiB by default), so a group holds at
/// most 64 MiB of bodies and one more call. This bounds the writer's memory, and on PostgreSQL
/// the JSON document of a statement, which as one value may not exceed 1 GiB: without a bound,
/// a group of many large calls would fail, and fail again when its callers retried.
pub(crate) const GROUP_LIMIT: GroupLimit = GroupLimit {
    entries: 4000,
    bytes: 64 << 20,
};

/// What a group has taken in so far.
#[derive(Default, Debug)]
pub(crate) struct GroupSize {
    entries: usize,
    bytes: usize,
}

impl GroupSize {
    pub(crate) fn of(jobs: &[Job]) -> Self {
        let mut s = Self::default();
        jobs.iter().for_each(|j| s.add(j));
        s
    }

    pub(crate) fn add(&mut self, j: &Job) {
        self.entries += j.size();
        self.bytes += j.bytes();
    }

    pub(crate) fn full(&self, limit: GroupLimit) -> bool {
        self.entries >= limit.entries || self.bytes >= limit.bytes
    }
}

/// Takes the next group of waiting jobs: the first one (waited for) and every job already
/// queued behind it, within [`GROUP_LIMIT`].
pub(crate) fn take_group(first: Job, rx: &mut mpsc::Receiver<Job>) -> Vec<Job> {
    let mut jobs = vec![first];
    let mut size = GroupSize::of(&jobs);
    take_more(&mut jobs, &mut size, rx, GROUP_LIMIT);
    jobs
}

/// Appends the calls queued now to a group whose transaction is still open, within
/// [`GROUP_LIMIT`]; returns where they start in `jobs`, or `None` if none were added.
///
/// A call that arrives while a group is being applied would otherwise wait for that group's
/// commit and then for the whole of the next group. Taken into the open transaction, it is
/// answered at the same commit, and each commit's fixed costs (the flush, the pages or rows
/// every group touches) are shared by more calls. The caller applies the new calls before it
/// commits; they are in `jobs` already, so that an error answers them too. `size` is the
/// group's size so far, and grows with it.
pub(crate) fn absorb(
    jobs: &mut Vec<Job>,
    size: &mut GroupSize,
    rx: &mut mpsc::Receiver<Job>,
) -> Option<usize> {
    let start = jobs.len();
    take_more(jobs, size, rx, GROUP_LIMIT);
    (jobs.len() > start).then_some(start)
}

/// Appends queued jobs to `jobs` until there are none or `size` reaches `limit`.
pub(crate) fn take_more(
    jobs: &mut Vec<Job>,
    size: &mut GroupSize,
    rx: &mut mpsc::Receiver<Job>,
    limit: GroupLimit,
) {
    while !size.full(limit) {
        match rx.try_recv() {
            Ok(j) => {
                size.add(&j);
                jobs.push(j);
            }
            Err(_) => break,
        }
    }
}

/// What a group's callers are told: each its own results, or the error that rolled back the
/// whole group (nothing of it was committed; every caller retries).
type GroupOutcome = Result<Vec<Result<Vec<EntryOutcome>>>>;

fn reply_all(jobs: Vec<Job>, outcome: GroupOutcome) {
    match outcome {
        Ok(all) => {
            for (job, results) in jobs.into_iter().zip(all) {
                let _ = job.into_reply().send(results);
            }
        }
        Err(e) => {
            tracing::error!(error = %e, jobs = jobs.len(), "group commit failed");
            let msg = e.to_string();
            for job in jobs {
                let _ = job
                    .into_reply()
                    .send(Err(StoreError::Db(sea_orm::DbErr::Custom(msg.clone()))));
            }
        }
    }
}

impl Job {
    fn into_reply(self) -> oneshot::Sender<Result<Vec<EntryOutcome>>> {
        match self {
            Job::Publish { reply, .. } | Job::Withdraw { reply, .. } => reply,
        }
    }
}

/// Applies a group of jobs inside one transaction, in order. Consecutive publish calls are
/// applied together (a few statements for the whole run); a withdrawal ends the run, so every
/// call sees the effects of earlier ones. A refused caller gets its error and nothing of its
/// batch is written; an `Err` of the whole means the transaction must be rolled back.
async fn apply_jobs<T: IngestTx>(tx: &mut T, jobs: &[Job]) -> GroupOutcome {
    let mut all = Vec::with_capacity(jobs.len());
    let mut i = 0;
    while i < jobs.len() {
        if let Job::Withdraw {
            caller,
            entries,
            now,
            ..
        } = &jobs[i]
        {
            let auth = match caller {
                Caller::Authorised(a) => Ok(a.clone()),
                Caller::Claimed(c) => authorise_claims(tx, &[c])
                    .await?
                    .pop()
                    .unwrap_or(Err(Refusal::NotEnrolled(c.agent_id.clone()))),
            };
            all.push(match auth {
                Ok(auth) => Ok(apply_withdraw(tx, &auth, entries, *now).await?),
                Err(r) => Err(StoreError::Refused(r)),
            });
            i += 1;
            continue;
        }
        let start = i;
        while matches!(jobs.get(i), Some(Job::Publish { .. })) {
            i += 1;
        }
        tx.prefetch(&jobs[start..i]).await?;
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
        let mut verdicts = authorise_claims(tx, &claimed).await?.into_iter();
        let auths: Vec<Result<AgentAuth>> = jobs[start..i]
            .iter()
            .map(|j| match j {
                Job::Publish {
                    caller: Caller::Authorised(a),
                    ..
                } => Ok(a.clone()),
                Job::Publish {
                    caller: Caller::Claimed(c),
                    ..
                } => verdicts
                    .next()
                    .unwrap_or(Err(Refusal::NotEnrolled(c.agent_id.clone())))
                    .map_err(StoreError::Refused),
                Job::Withdraw { .. } => Err(internal("a withdrawal inside a publish run")),
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
        let mut applied = apply_publish_run(tx, &run).await?.into_iter();
        for a in auths {
            all.push(match a {
                Ok(_) => applied
                    .next()
                    .ok_or_else(|| internal("publish results missing")),
                Err(e) => Err(e),
            });
        }
    }
    Ok(all)
}

fn internal(what: &str) -> StoreError {
    StoreError::Db(sea_orm::DbErr::Custom(what.to_string()))
}

impl Store {
    /// Publishes a batch for an agent already authorised. See the module docs for the
    /// guarantee.
    pub async fn publish(
        &self,
        auth: &AgentAuth,
        entries: Vec<IngestEntry>,
        review: ProvinceReview,
        now: UnixMillis,
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
    /// (by [`crate::identity::authorise`]) inside the group transaction, so a revocation
    /// committed before it is honoured; a refused caller gets `StoreError::Refused` and
    /// nothing of its batch is written.
    pub async fn publish_claimed(
        &self,
        claims: AgentClaims,
        entries: Vec<IngestEntry>,
        review: ProvinceReview,
        now: UnixMillis,
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

    /// Withdraws items for an agent already authorised: they leave public pages but stay in
    /// the archive.
    pub async fn withdraw(
        &self,
        auth: &AgentAuth,
        entries: Vec<Withdrawal>,
        now: UnixMillis,
    ) -> Result<Vec<EntryOutcome>> {
        let (reply, rx) = oneshot::channel();
        let caller = Caller::Authorised(auth.clone());
        self.submit(
            Job::Withdraw {
                caller,
                entries,
                now,
                reply,
            },
            rx,
        )
        .await
    }

    /// Withdraws items for the agent a verified certificate names, authorised inside the
    /// transaction like [`Store::publish_claimed`].
    pub async fn withdraw_claimed(
        &self,
        claims: AgentClaims,
        entries: Vec<Withdrawal>,
        now: UnixMillis,
    ) -> Result<Vec<EntryOutcome>> {
        let (reply, rx) = oneshot::channel();
        self.submit(
            Job::Withdraw {
                caller: Caller::Claimed(claims),
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
        self.writer
            .send(job)
            .await
            .map_err(|_| StoreError::Closed)?;
        rx.await.map_err(|_| StoreError::Closed)?
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn publish(body_bytes: usize, entries: usize) -> Job {
        let item = portal_core::ItemDraft {
            id: "bai".into(),
            title: "Tiêu đề".into(),
            category: "news".into(),
            language: "vi".into(),
            author: "Phòng Thông tin".into(),
            source: "Sở Tài chính".into(),
            published_at_ms: 1_700_000_000_000,
            body_markdown: "x".repeat(body_bytes),
            ..Default::default()
        }
        .validate(1_800_000_000_000)
        .unwrap();
        let (reply, _) = oneshot::channel();
        Job::Publish {
            caller: Caller::Claimed(AgentClaims {
                agent_id: "a".into(),
                tenant_slug: "t".into(),
                serial_hex: "s".into(),
            }),
            entries: (0..entries)
                .map(|i| IngestEntry {
                    seq: i as i64 + 1,
                    item_id: "bai".into(),
                    item: Ok(item.clone()),
                })
                .collect(),
            review: ProvinceReview::Approved,
            now: UnixMillis::EPOCH,
            reply,
        }
    }

    /// Takes every queued job within `limit`; how many it took.
    fn take(rx: &mut mpsc::Receiver<Job>, limit: GroupLimit) -> usize {
        let (mut jobs, mut size) = (Vec::new(), GroupSize::default());
        take_more(&mut jobs, &mut size, rx, limit);
        jobs.len()
    }

    #[test]
    fn a_group_stops_taking_calls_at_its_byte_or_entry_limit() {
        let (tx, mut rx) = mpsc::channel(16);
        let limit = GroupLimit {
            entries: 100,
            bytes: 2_500,
        };
        // Bodies of 1,000 bytes: the third call crosses 2,500; the other two wait.
        for _ in 0..5 {
            tx.try_send(publish(1_000, 1)).unwrap();
        }
        assert_eq!(take(&mut rx, limit), 3);
        assert_eq!(take(&mut rx, limit), 2);
        // Calls of 40 small entries: the third crosses 100 entries.
        for _ in 0..5 {
            tx.try_send(publish(10, 40)).unwrap();
        }
        assert_eq!(take(&mut rx, limit), 3);
        assert_eq!(take(&mut rx, limit), 2);
        assert_eq!(take(&mut rx, limit), 0);
    }

    #[test]
    fn an_open_group_absorbs_the_calls_queued_meanwhile_within_its_limit() {
        let (tx, mut rx) = mpsc::channel(16);
        let mut jobs = vec![publish(10, 1)];
        let mut size = GroupSize::of(&jobs);
        assert_eq!(absorb(&mut jobs, &mut size, &mut rx), None);
        for _ in 0..3 {
            tx.try_send(publish(10, 1)).unwrap();
        }
        // The new calls follow the group's own, and the group's size counts them.
        assert_eq!(absorb(&mut jobs, &mut size, &mut rx), Some(1));
        assert_eq!((jobs.len(), size.entries), (4, 4));
        assert_eq!(absorb(&mut jobs, &mut size, &mut rx), None);
        // A full group takes nothing more: the call waits for the next group.
        let mut full = vec![publish(10, GROUP_LIMIT.entries)];
        let mut size = GroupSize::of(&full);
        tx.try_send(publish(10, 1)).unwrap();
        assert_eq!(absorb(&mut full, &mut size, &mut rx), None);
        assert_eq!(take(&mut rx, GROUP_LIMIT), 1);
    }
}
