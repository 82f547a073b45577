//! The agent's uplink while it runs: three tasks, one job each, sharing one mutual-TLS
//! connection ([`Link`]) and what the hub last said ([`HubView`]).
//!
//! - **heartbeat**: tells the hub how the agent is, every `heartbeat_interval_secs` (and at once
//!   when the outbox has just drained, so the hub's view catches up); learns the hub's
//!   high-water mark, its limits, and when to renew the certificate.
//! - **drain**: sends the outbox, oldest first, in batches sized by the hub's limits, and
//!   records each answer; waits for the first heartbeat, so that a new outbox numbers above the
//!   hub's high-water mark before anything is sent.
//! - **renewal**: renews the certificate when the hub says so and reconnects with it.
//!
//! A failure to send is recorded in the outbox ([`Outbox::record_send_failure`]) so that
//! `portal-agent status` says why nothing drains; a hub that refuses this agent (revoked) is
//! asked again only every few minutes.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use portal_proto::v1::agent_service_client::AgentServiceClient;
use tokio::sync::{Mutex, Notify, watch};
use tonic::Code;
use tonic::transport::Channel;

use crate::config::AgentConfig;
use crate::outbox::{Next, Outbox};
use crate::uplink::{self, Backoff, Limits};

/// The largest message the agent itself sends or reads; what it sends is bounded far lower by
/// its batch limits, and the hub's answers are capped (errors per entry).
const CLIENT_MESSAGE_LIMIT: usize = 64 << 20;

/// How long a hub that refuses this agent (revoked, unknown) is left alone between tries.
const REFUSED_RETRY: Duration = Duration::from_secs(300);

/// The connection to the hub: opened when first needed, dropped after a failure (the next call
/// opens a new one), replaced after a renewal.
pub struct Link {
    cfg: AgentConfig,
    channel: Mutex<Option<Channel>>,
}

impl Link {
    pub fn new(cfg: &AgentConfig) -> Self {
        Self {
            cfg: cfg.clone(),
            channel: Mutex::new(None),
        }
    }

    pub async fn channel(&self) -> anyhow::Result<Channel> {
        let mut ch = self.channel.lock().await;
        if let Some(c) = ch.as_ref() {
            return Ok(c.clone());
        }
        let c = uplink::connect_mtls(&self.cfg).await?;
        *ch = Some(c.clone());
        Ok(c)
    }

    pub async fn client(&self) -> anyhow::Result<AgentServiceClient<Channel>> {
        Ok(AgentServiceClient::new(self.channel().await?)
            .max_decoding_message_size(CLIENT_MESSAGE_LIMIT)
            .max_encoding_message_size(CLIENT_MESSAGE_LIMIT))
    }

    /// After a failure: the next call connects again (with the certificate on disk).
    pub async fn reset(&self) {
        *self.channel.lock().await = None;
    }
}

/// What the hub said in its last heartbeat answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HubView {
    pub high_water: i64,
    pub limits: Limits,
    pub renew_after_ms: Option<i64>,
}

/// What the tasks share.
pub struct Shared {
    pub cfg: AgentConfig,
    pub outbox: Outbox,
    pub link: Link,
    pub view: watch::Sender<Option<HubView>>,
    /// New entries were queued.
    pub wake: Arc<Notify>,
    /// Send a heartbeat now.
    pub beat: Notify,
    pub started: Instant,
}

impl Shared {
    pub fn new(cfg: &AgentConfig, outbox: Outbox, wake: Arc<Notify>) -> Arc<Self> {
        Arc::new(Self {
            cfg: cfg.clone(),
            outbox,
            link: Link::new(cfg),
            view: watch::channel(None).0,
            wake,
            beat: Notify::new(),
            started: Instant::now(),
        })
    }

    fn backoff(&self) -> Backoff {
        Backoff::new(self.cfg.backoff_initial_ms, self.cfg.backoff_max_ms)
    }
}

/// A hub refusal: this agent may not act, only the Provincial Office can change that.
fn refused(status: &tonic::Status) -> bool {
    matches!(
        status.code(),
        Code::PermissionDenied | Code::Unauthenticated
    )
}

/// One heartbeat; what the hub answered.
pub async fn heartbeat_once(sh: &Shared) -> Result<HubView, tonic::Status> {
    let mut client = sh
        .link
        .client()
        .await
        .map_err(|e| tonic::Status::unavailable(format!("cannot reach the hub: {e:#}")))?;
    let hb = uplink::heartbeat(&mut client, &sh.outbox, sh.started)
        .await
        .map_err(|e| match e.downcast::<tonic::Status>() {
            Ok(s) => s,
            Err(e) => tonic::Status::unavailable(format!("{e:#}")),
        })?;
    Ok(HubView {
        high_water: i64::try_from(hb.high_water_seq).unwrap_or(i64::MAX),
        limits: Limits::of(&hb),
        renew_after_ms: uplink::renew_after_ms(&hb),
    })
}

/// The heartbeat task.
pub async fn heartbeats(sh: Arc<Shared>) {
    let every = Duration::from_secs(sh.cfg.heartbeat_interval_secs.max(1));
    let mut backoff = sh.backoff();
    loop {
        let wait = match heartbeat_once(&sh).await {
            Ok(view) => {
                sh.view.send_replace(Some(view));
                backoff.reset();
                every
            }
            Err(s) => {
                let _ = record_failure(&sh, &s).await;
                sh.link.reset().await;
                if refused(&s) {
                    REFUSED_RETRY
                } else {
                    backoff.next_delay().min(every)
                }
            }
        };
        tokio::select! {
            _ = tokio::time::sleep(wait) => {}
            _ = sh.beat.notified() => {}
        }
    }
}

async fn record_failure(sh: &Shared, s: &tonic::Status) -> anyhow::Result<()> {
    if refused(s) {
        tracing::error!(error = %s.message(),
            "the hub refuses this agent; ask the Provincial Office (trying again every 5 minutes)");
    } else {
        tracing::warn!(code = ?s.code(), error = %s.message(), "cannot talk to the hub");
    }
    sh.outbox.record_send_failure(s.message(), refused(s)).await
}

/// What one step of draining did.
#[derive(Debug, PartialEq, Eq)]
pub enum Progress {
    /// Nothing is waiting.
    Empty,
    /// A batch was answered (or an entry refused here); `drained` if nothing is left.
    Sent { entries: usize, drained: bool },
}

/// Test hook: abort the process (as a crash would) right after the N-th batch answer arrives,
/// before it is recorded, to exercise the resend path deterministically.
fn abort_after_acks() -> Option<u64> {
    std::env::var("PORTAL_FAULT_ABORT_AFTER_ACKS")
        .ok()?
        .parse()
        .ok()
}

static ACKS: AtomicU64 = AtomicU64::new(0);

/// Sends the next batch (sized by `limits`) and records the answers.
pub async fn send_next(sh: &Shared, limits: Limits) -> Result<Progress, tonic::Status> {
    let internal = |e: anyhow::Error| tonic::Status::internal(format!("{e:#}"));
    let batch = match sh
        .outbox
        .next_batch(limits.batch(&sh.cfg))
        .await
        .map_err(internal)?
    {
        Next::Empty => return Ok(Progress::Empty),
        Next::TooLarge(q) => {
            let reason = format!(
                "this entry is {} bytes, more than the hub accepts in one message ({} bytes); \
                 it was not sent: make the item smaller",
                q.stored_bytes, limits.max_message_bytes
            );
            tracing::warn!(seq = q.seq, item = %q.entry.subject(), %reason, "entry refused here");
            sh.outbox.refuse(&q, &reason).await.map_err(internal)?;
            return Ok(Progress::Sent {
                entries: 1,
                drained: sh.outbox.depth().await.map_err(internal)? == 0,
            });
        }
        Next::Batch(b) => b,
    };
    let mut client = sh
        .link
        .client()
        .await
        .map_err(|e| tonic::Status::unavailable(format!("cannot reach the hub: {e:#}")))?;
    let answers = uplink::send_batch(&mut client, batch).await?;
    let n = ACKS.fetch_add(1, Ordering::SeqCst) + 1;
    if abort_after_acks().is_some_and(|max| n >= max) {
        tracing::error!("PORTAL_FAULT_ABORT_AFTER_ACKS reached: aborting");
        std::process::abort();
    }
    for a in answers.iter().filter(|a| a.rejected.is_some()) {
        tracing::warn!(seq = a.seq, item = %a.item_id, errors = ?a.rejected, "hub rejected an item");
    }
    sh.outbox.complete(&answers).await.map_err(internal)?;
    sh.outbox.record_send_success().await.map_err(internal)?;
    Ok(Progress::Sent {
        entries: answers.len(),
        drained: sh.outbox.depth().await.map_err(internal)? == 0,
    })
}

/// Waits for the first heartbeat answer; a new outbox then numbers above the hub's mark.
async fn first_view(sh: &Shared) -> anyhow::Result<HubView> {
    let mut rx = sh.view.subscribe();
    let view = *rx
        .wait_for(Option::is_some)
        .await
        .map_err(|_| anyhow::anyhow!("the heartbeat task ended"))?;
    let view = view.ok_or_else(|| anyhow::anyhow!("no heartbeat"))?;
    if sh.outbox.needs_seq_sync().await? {
        sh.outbox.sync_seq(view.high_water).await?;
        tracing::info!(
            hub_high_water = view.high_water,
            "outbox numbering synchronised with the hub"
        );
    }
    Ok(view)
}

/// The drain task. Returns only on a local error (the outbox's disk).
pub async fn drain(sh: Arc<Shared>) -> anyhow::Result<()> {
    first_view(&sh).await?;
    let idle = Duration::from_secs(sh.cfg.heartbeat_interval_secs.max(1));
    let mut backoff = sh.backoff();
    loop {
        let limits = sh.view.borrow().map_or(Limits::ASSUMED, |v| v.limits);
        match send_next(&sh, limits).await {
            Ok(Progress::Empty) => {
                let _ = tokio::time::timeout(idle, sh.wake.notified()).await;
            }
            Ok(Progress::Sent { entries, drained }) => {
                backoff.reset();
                tracing::debug!(entries, "batch acknowledged");
                if drained {
                    // The hub hears at once that the outbox is empty.
                    sh.beat.notify_one();
                }
            }
            Err(s) if s.code() == Code::Internal => return Err(anyhow::anyhow!("{}", s.message())),
            Err(s) => {
                record_failure(&sh, &s).await?;
                sh.link.reset().await;
                let wait = if refused(&s) {
                    REFUSED_RETRY
                } else {
                    backoff.next_delay()
                };
                let mut views = sh.view.subscribe();
                tokio::select! {
                    _ = tokio::time::sleep(wait) => {}
                    // A heartbeat that got through says the hub is back.
                    _ = views.changed(), if !refused(&s) => {}
                }
            }
        }
    }
}

/// The renewal task: renews when the hub's `renew_after` has passed, then reconnects.
pub async fn renewal(sh: Arc<Shared>) {
    let mut rx = sh.view.subscribe();
    let mut backoff = sh.backoff();
    loop {
        let due = rx.borrow().and_then(|v| v.renew_after_ms);
        let now = crate::now_ms();
        let wait = match due {
            None => None,
            Some(t) if t <= now => Some(Duration::ZERO),
            Some(t) => Some(Duration::from_millis((t - now) as u64)),
        };
        match wait {
            Some(d) if d.is_zero() => {
                let renewed = async {
                    let channel = sh.link.channel().await?;
                    crate::enroll::renew(&sh.cfg, channel).await
                }
                .await;
                match renewed {
                    Ok(()) => {
                        backoff.reset();
                        sh.link.reset().await;
                        // Until the next heartbeat says otherwise, nothing is due.
                        sh.view.send_modify(|v| {
                            if let Some(v) = v {
                                v.renew_after_ms = None;
                            }
                        });
                        sh.beat.notify_one();
                    }
                    Err(e) => {
                        let d = backoff.next_delay();
                        tracing::warn!(error = %e, retry_in_ms = d.as_millis() as u64,
                            "certificate renewal failed; will retry");
                        tokio::time::sleep(d).await;
                    }
                }
            }
            Some(d) => {
                tokio::select! {
                    _ = tokio::time::sleep(d) => {}
                    _ = rx.changed() => {}
                }
            }
            None => {
                if rx.changed().await.is_err() {
                    return;
                }
            }
        }
    }
}

/// Drains the outbox once, for `portal-agent publish`: one heartbeat (for the numbering and
/// the hub's limits), then batches until nothing is left; gives up after `attempts`
/// consecutive failures (entries stay queued for `portal-agent run`).
pub async fn drain_once(sh: &Shared, attempts: u32) -> anyhow::Result<usize> {
    let mut backoff = sh.backoff();
    let mut failures = 0;
    let mut sent = 0;
    let view = loop {
        match heartbeat_once(sh).await {
            Ok(v) => break v,
            Err(s) => {
                record_failure(sh, &s).await?;
                failures += 1;
                if failures >= attempts || refused(&s) {
                    anyhow::bail!(
                        "the hub could not be reached ({}); entries stay queued in the outbox",
                        s.message()
                    );
                }
                sh.link.reset().await;
                tokio::time::sleep(backoff.next_delay()).await;
            }
        }
    };
    sh.view.send_replace(Some(view));
    first_view(sh).await?;
    loop {
        match send_next(sh, view.limits).await {
            Ok(Progress::Empty) => return Ok(sent),
            Ok(Progress::Sent { entries, .. }) => {
                sent += entries;
                failures = 0;
            }
            Err(s) => {
                record_failure(sh, &s).await?;
                failures += 1;
                if failures >= attempts || refused(&s) || s.code() == Code::Internal {
                    anyhow::bail!(
                        "sending failed ({}); entries stay queued in the outbox",
                        s.message()
                    );
                }
                sh.link.reset().await;
                tokio::time::sleep(backoff.next_delay()).await;
            }
        }
    }
}
