//! What agents do: publish and withdraw items, and report how they are (heartbeat).

use std::collections::HashSet;
use std::time::Duration;

use portal_core::{FieldError, ItemDraft, UnixMillis};
use portal_store::{EntryOutcome, FeedKind, Heartbeat, IngestEntry, Outcome, Withdrawal};

use super::{AgentCaller, ServiceError, clip};
use crate::health::Component;
use crate::state::{HubState, now};

/// One entry of a publish batch as the agent sent it.
pub struct PublishEntry {
    pub seq: u64,
    pub item: Option<ItemDraft>,
}

/// One entry of a withdraw batch.
pub struct WithdrawEntry {
    pub seq: u64,
    pub item_id: String,
    /// Why, in the agent's words (shown on the item's page; cut at 500 characters).
    pub reason: String,
}

/// What an agent reports in a heartbeat.
pub struct HeartbeatReport {
    pub agent_version: String,
    pub outbox_depth: u64,
    pub last_publish: Option<UnixMillis>,
    pub uptime_secs: u64,
}

/// What the hub answers a heartbeat with.
pub struct HeartbeatAnswer {
    pub server_time: UnixMillis,
    /// When the agent should renew its certificate.
    pub renew_after: UnixMillis,
    /// Highest sequence number committed from this agent.
    pub high_water_seq: u64,
    /// The largest message the hub accepts, and the most entries in a batch: the agent sizes
    /// its batches by both.
    pub max_message_bytes: u64,
    pub max_batch_entries: u64,
}

/// Longest field name and reason sent back or logged per error: a field name can come from a
/// record key the agent chose.
const MAX_FIELD_CHARS: usize = 200;
const MAX_REASON_CHARS: usize = 1_000;
/// Rejected entries logged one by one per batch; the rest are counted.
const LOGGED_REJECTIONS: usize = 10;

fn check_batch(st: &HubState, n: usize) -> Result<(), ServiceError> {
    let max = st.config.max_batch_entries;
    if n == 0 {
        return Err(ServiceError::invalid(
            "entries",
            "must hold at least one entry",
        ));
    }
    if n > max {
        return Err(ServiceError::invalid(
            "entries",
            format!("{n} entries in one batch, at most {max} allowed"),
        ));
    }
    Ok(())
}

/// The sequence numbers of a batch: each must fit the store's signed column, be positive, and
/// appear once (a second entry with the same number would otherwise be applied twice).
struct Seqs(HashSet<u64>);

impl Seqs {
    fn new() -> Self {
        Self(HashSet::new())
    }

    fn take(&mut self, seq: u64) -> Result<i64, FieldError> {
        let s = i64::try_from(seq)
            .ok()
            .filter(|s| *s > 0)
            .ok_or_else(|| FieldError::new("seq", "must be between 1 and 2^63-1"))?;
        if !self.0.insert(seq) {
            return Err(FieldError::new(
                "seq",
                format!("{seq} appears more than once in this batch"),
            ));
        }
        Ok(s)
    }
}

/// The first `max` errors, each clipped, and a count of the rest.
pub(crate) fn cap_errors(errors: Vec<FieldError>, max: usize) -> Vec<FieldError> {
    let total = errors.len();
    let mut out: Vec<FieldError> = errors
        .into_iter()
        .take(max)
        .map(|e| {
            FieldError::new(
                clip(&e.field, MAX_FIELD_CHARS),
                clip(&e.reason, MAX_REASON_CHARS),
            )
        })
        .collect();
    if total > max {
        out.push(FieldError::new(
            "errors",
            format!("{} more errors not shown", total - max),
        ));
    }
    out
}

/// Counts, caps, logs and invalidates after a batch was answered: each accepted item's pages,
/// and (once) its tenant's and the provincial site's lists. `kind` is what the change feed
/// calls the batch's changes, so that the follower can tell them from others' writes.
fn finish(
    st: &HubState,
    tenant: &str,
    kind: FeedKind,
    results: Vec<EntryOutcome>,
) -> Vec<EntryOutcome> {
    let max = st.config.max_errors_per_entry;
    let mut rejected = 0usize;
    let mut changed = false;
    let out: Vec<EntryOutcome> = results
        .into_iter()
        .map(|mut r| {
            st.counters.add(r.outcome);
            if r.outcome == Outcome::Accepted {
                changed = true;
                st.cache.note_own_write(tenant, &r.item_id, r.version, kind);
                st.cache.item_changed(tenant, &r.item_id);
            }
            if r.outcome == Outcome::Rejected {
                r.item_id = clip(&r.item_id, 200);
                r.errors = cap_errors(std::mem::take(&mut r.errors), max);
                rejected += 1;
                if rejected <= LOGGED_REJECTIONS {
                    tracing::info!(tenant, seq = r.seq, item = %r.item_id,
                        errors = ?r.errors, "entry rejected");
                }
            }
            r
        })
        .collect();
    if rejected > LOGGED_REJECTIONS {
        tracing::info!(
            tenant,
            more = rejected - LOGGED_REJECTIONS,
            "more entries of the batch rejected"
        );
    }
    if changed {
        st.cache.tenant_changed(tenant);
    }
    out
}

/// Items may only refer to media the hub holds: otherwise the page would show a hole.
async fn check_media(st: &HubState, entries: &mut [IngestEntry]) -> Result<(), ServiceError> {
    let wanted: Vec<String> = entries
        .iter()
        .filter_map(|e| e.item.as_ref().ok())
        .flat_map(|i| i.media.iter().cloned())
        .collect();
    if wanted.is_empty() {
        return Ok(());
    }
    let present = st.store.media_present(&wanted).await?;
    for e in entries.iter_mut() {
        let missing: Vec<FieldError> = match &e.item {
            Ok(item) => item
                .media
                .iter()
                .filter(|m| !present.contains(*m))
                .map(|m| {
                    FieldError::new(
                        "body",
                        format!("media:{m} has not been uploaded; upload it before the item"),
                    )
                })
                .collect(),
            Err(_) => continue,
        };
        if !missing.is_empty() {
            e.item = Err(missing);
        }
    }
    Ok(())
}

/// What the store's ingest failure means for the hub's health.
fn ingest_failed(st: &HubState, e: portal_store::StoreError) -> ServiceError {
    if matches!(e, portal_store::StoreError::Db(_)) {
        st.health.write_failed(Component::Ingest, &e, now());
    }
    e.into()
}

/// Publishes a batch: every entry is validated and checked against the category registry and
/// the media the hub holds; the store authorises the caller and commits the batch in its group
/// transaction. One result per entry, in order; one bad entry never fails the others.
pub async fn publish(
    st: &HubState,
    caller: &AgentCaller,
    entries: Vec<PublishEntry>,
) -> Result<Vec<EntryOutcome>, ServiceError> {
    check_batch(st, entries.len())?;
    let claims = &caller.claims;
    let tenant_kind = st
        .tenant_kind(&claims.tenant_slug)
        .await?
        .ok_or_else(|| ServiceError::Refused("the certificate's tenant does not exist".into()))?;
    let now = now();
    let registry = st.registry();
    let mut seqs = Seqs::new();
    let mut ingest = Vec::with_capacity(entries.len());
    let mut refused_early = Vec::new();
    for e in entries {
        let item_id = e.item.as_ref().map(|i| i.id.clone()).unwrap_or_default();
        let seq = match seqs.take(e.seq) {
            Ok(s) => s,
            Err(err) => {
                let seq = i64::try_from(e.seq).unwrap_or(0);
                refused_early.push(EntryOutcome::rejected(seq, item_id, vec![err]));
                continue;
            }
        };
        let item = match e.item {
            Some(draft) => draft
                .validate(now.as_millis())
                .and_then(|i| registry.apply(i, tenant_kind, &claims.tenant_slug)),
            None => Err(vec![FieldError::new("item", "is required")]),
        };
        ingest.push(IngestEntry { seq, item_id, item });
    }
    check_media(st, &mut ingest).await?;
    let mut results = if ingest.is_empty() {
        // Nothing to write, but the caller must still be one the store accepts.
        st.store.authorise_agent(claims).await?;
        Vec::new()
    } else {
        let r = st
            .store
            .publish_claimed(
                claims.clone(),
                ingest,
                st.config.province_review_on_accept,
                now,
            )
            .await
            .map_err(|e| ingest_failed(st, e))?;
        st.health.write_succeeded(Component::Ingest);
        r
    };
    results.extend(refused_early);
    Ok(finish(
        st,
        &claims.tenant_slug,
        FeedKind::Published,
        results,
    ))
}

/// Withdraws items: they leave the public pages and stay in the archive with every version.
pub async fn withdraw(
    st: &HubState,
    caller: &AgentCaller,
    entries: Vec<WithdrawEntry>,
) -> Result<Vec<EntryOutcome>, ServiceError> {
    check_batch(st, entries.len())?;
    let mut seqs = Seqs::new();
    let mut valid = Vec::with_capacity(entries.len());
    let mut refused_early = Vec::new();
    for e in entries {
        match (
            seqs.take(e.seq),
            portal_core::item::validate_item_id(&e.item_id),
        ) {
            (Ok(seq), Ok(())) => valid.push(Withdrawal::new(seq, e.item_id, &e.reason)),
            (s, i) => refused_early.push(EntryOutcome::rejected(
                i64::try_from(e.seq).unwrap_or(0),
                e.item_id,
                [s.err(), i.err()].into_iter().flatten().collect(),
            )),
        }
    }
    let claims = &caller.claims;
    let mut results = if valid.is_empty() {
        st.store.authorise_agent(claims).await?;
        Vec::new()
    } else {
        let r = st
            .store
            .withdraw_claimed(claims.clone(), valid, now())
            .await
            .map_err(|e| ingest_failed(st, e))?;
        st.health.write_succeeded(Component::Ingest);
        r
    };
    results.extend(refused_early);
    Ok(finish(
        st,
        &claims.tenant_slug,
        FeedKind::Withdrawn,
        results,
    ))
}

/// Records how an agent is and tells it what it needs to keep going: its high-water mark, when
/// to renew, and the hub's limits.
pub async fn heartbeat(
    st: &HubState,
    caller: &AgentCaller,
    report: HeartbeatReport,
) -> Result<HeartbeatAnswer, ServiceError> {
    let auth = st.store.authorise_agent(&caller.claims).await?;
    let now = now();
    let status = Heartbeat {
        agent_version: clip(&report.agent_version, 64),
        outbox_depth: i64::try_from(report.outbox_depth).unwrap_or(i64::MAX),
        last_publish_at: report.last_publish,
        uptime_secs: i64::try_from(report.uptime_secs).unwrap_or(i64::MAX),
    };
    let high_water = st
        .store
        .record_heartbeat(&auth.agent_id, &status, now)
        .await?;
    // Renew once two thirds of the configured lifetime have passed.
    let validity = st.config.agent_cert_validity();
    let renew_after = caller.not_after.saturating_sub(validity / 3);
    Ok(HeartbeatAnswer {
        server_time: now,
        renew_after,
        high_water_seq: u64::try_from(high_water).unwrap_or(0),
        max_message_bytes: st.config.grpc_max_message_bytes as u64,
        max_batch_entries: st.config.max_batch_entries as u64,
    })
}

/// How long before expiry a certificate may be renewed: at most half its configured lifetime
/// (agents are told to renew at two thirds). See `enrollment::renew`.
pub(crate) fn renewal_window(st: &HubState) -> Duration {
    st.config.agent_cert_validity() / 2
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_lists_are_capped_with_a_count_and_clipped() {
        let errors: Vec<FieldError> = (0..500)
            .map(|i| FieldError::new(format!("record.f{i}"), "x".repeat(5_000)))
            .collect();
        let capped = cap_errors(errors, 20);
        assert_eq!(capped.len(), 21);
        assert_eq!(capped[20].reason, "480 more errors not shown");
        assert!(
            capped[0].reason.chars().count() < 1_100,
            "{}",
            capped[0].reason.len()
        );
        let long_field = vec![FieldError::new(
            "record.".to_string() + &"k".repeat(100_000),
            "bad",
        )];
        assert!(cap_errors(long_field, 20)[0].field.len() < 300);
    }

    #[test]
    fn a_sequence_number_counts_once_per_batch() {
        let mut s = Seqs::new();
        assert_eq!(s.take(7), Ok(7));
        assert!(s.take(7).unwrap_err().reason.contains("more than once"));
        assert!(s.take(0).is_err());
        assert!(s.take(u64::MAX).is_err());
    }
}
