//! The uplink: a mutual-TLS gRPC channel to the hub, and the loop that drains the outbox in
//! sequence order with capped, jittered exponential backoff.

use std::time::Duration;

use anyhow::Context;
use portal_core::FieldError;
use portal_core::UnixMillis;
use portal_proto::v1::agent_service_client::AgentServiceClient;
use portal_proto::v1::{
    HeartbeatRequest, HeartbeatResponse, Item, MediaChunk, MediaStatusRequest, MediaUploaded,
    Outcome, PublishEntry, PublishRequest, WithdrawEntry, WithdrawRequest,
};
use portal_proto::{timestamp_from, timestamp_to};
use tonic::transport::{Certificate, Channel, ClientTlsConfig, Endpoint, Identity};

use crate::config::AgentConfig;
use crate::identity::IdentityFiles;
use crate::outbox::entry::{Entry, ItemV1};
use crate::outbox::{Answer, BatchLimits, Outbox, Queued};

/// Opens a channel to the hub. With `with_identity`, the agent's certificate is presented
/// (mutual TLS); without, only the hub is authenticated (enrollment).
pub async fn connect(
    hub: &str,
    hub_name: &str,
    ca_pem: &str,
    identity: Option<(String, String)>,
    timeout: Duration,
) -> anyhow::Result<Channel> {
    let mut tls = ClientTlsConfig::new()
        .ca_certificate(Certificate::from_pem(ca_pem))
        .domain_name(hub_name.to_string());
    if let Some((cert, key)) = identity {
        tls = tls.identity(Identity::from_pem(cert, key));
    }
    let endpoint = Endpoint::from_shared(format!("https://{hub}"))
        .with_context(|| format!("hub address {hub:?} is not HOST:PORT"))?
        .tls_config(tls)?
        .connect_timeout(Duration::from_secs(10))
        .timeout(timeout)
        .tcp_nodelay(true)
        .http2_keep_alive_interval(Duration::from_secs(30))
        .keep_alive_timeout(Duration::from_secs(10))
        .keep_alive_while_idle(true);
    Ok(endpoint.connect().await?)
}

/// Opens the mutual-TLS channel with the identity on disk.
pub async fn connect_mtls(cfg: &AgentConfig) -> anyhow::Result<Channel> {
    let files = IdentityFiles::new(&cfg.data_dir);
    let cert = std::fs::read_to_string(&files.cert).context("reading agent.pem (enroll first)")?;
    let key = std::fs::read_to_string(&files.key).context("reading agent.key (enroll first)")?;
    let ca = std::fs::read_to_string(&files.ca).context("reading ca.pem (enroll first)")?;
    connect(
        &cfg.hub,
        &cfg.hub_name,
        &ca,
        Some((cert, key)),
        Duration::from_secs(cfg.request_timeout_secs),
    )
    .await
}

/// Capped exponential backoff with full jitter, so that many agents coming back after a hub
/// restart spread out instead of arriving together.
pub struct Backoff {
    initial: u64,
    max: u64,
    current: u64,
}

impl Backoff {
    pub fn new(initial_ms: u64, max_ms: u64) -> Self {
        Self {
            initial: initial_ms.max(1),
            max: max_ms.max(initial_ms.max(1)),
            current: initial_ms.max(1),
        }
    }

    pub fn reset(&mut self) {
        self.current = self.initial;
    }

    /// The next delay: uniformly random in [current/2, current], then current doubles.
    pub fn next_delay(&mut self) -> Duration {
        let half = self.current / 2;
        let ms = half + rand::random_range(0..=self.current - half);
        self.current = (self.current.saturating_mul(2)).min(self.max);
        Duration::from_millis(ms)
    }
}

/// What the hub accepts, as its heartbeat announces it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub max_message_bytes: usize,
    pub max_batch_entries: usize,
}

impl Limits {
    /// Until the first heartbeat answers: tonic's default message limit, which every hub
    /// accepts.
    pub const ASSUMED: Limits = Limits {
        max_message_bytes: 4 << 20,
        max_batch_entries: 200,
    };

    /// Room left in a message for everything but the entries' payloads.
    const MESSAGE_MARGIN: usize = 64 << 10;

    pub fn of(hb: &HeartbeatResponse) -> Self {
        let assumed = Self::ASSUMED;
        Self {
            max_message_bytes: usize::try_from(hb.max_message_bytes)
                .ok()
                .filter(|n| *n > 0)
                .unwrap_or(assumed.max_message_bytes),
            max_batch_entries: usize::try_from(hb.max_batch_entries)
                .ok()
                .filter(|n| *n > 0)
                .unwrap_or(assumed.max_batch_entries),
        }
    }

    /// How the next batch is sized: the agent's own bounds (count, and bytes, which bound its
    /// memory) within what the hub accepts.
    pub fn batch(&self, cfg: &AgentConfig) -> BatchLimits {
        let alone = self.max_message_bytes.saturating_sub(Self::MESSAGE_MARGIN);
        BatchLimits {
            entries: cfg.batch_size.min(self.max_batch_entries).max(1),
            bytes: cfg.batch_max_bytes.min(alone),
            alone,
        }
    }
}

fn item_to_pb(i: ItemV1) -> Item {
    Item {
        id: i.id,
        title: i.title,
        category: i.category,
        language: i.language,
        author: i.author,
        source: i.source,
        source_url: i.source_url,
        published_at: (i.published_at_ms != 0)
            .then(|| timestamp_from(UnixMillis::from_millis(i.published_at_ms))),
        summary: i.summary,
        tags: i.tags,
        body_markdown: i.body_markdown,
        translation_id: i.translation_id,
        record: i.record.into_iter().collect(),
        notes: i.notes,
    }
}

/// Sends one batch (all entries of one kind) and returns the hub's answers.
pub async fn send_batch(
    client: &mut AgentServiceClient<Channel>,
    batch: Vec<Queued>,
) -> Result<Vec<Answer>, tonic::Status> {
    if batch
        .first()
        .is_some_and(|q| matches!(q.entry, Entry::Media { .. }))
    {
        let mut answers = Vec::with_capacity(batch.len());
        for q in &batch {
            answers.push(send_media(client, q).await?);
        }
        return Ok(answers);
    }
    let mut publish = Vec::new();
    let mut withdraw = Vec::new();
    for q in batch {
        let seq = u64::try_from(q.seq).unwrap_or(0);
        match q.entry {
            Entry::Publish { item } => publish.push(PublishEntry {
                seq,
                item: Some(item_to_pb(*item)),
            }),
            Entry::Withdraw { item_id, reason } => withdraw.push(WithdrawEntry {
                seq,
                item_id,
                reason,
            }),
            Entry::Media { .. } => {}
        }
    }
    let results = if !publish.is_empty() {
        client
            .publish(PublishRequest { entries: publish })
            .await?
            .into_inner()
            .results
    } else {
        client
            .withdraw(WithdrawRequest { entries: withdraw })
            .await?
            .into_inner()
            .results
    };
    Ok(results
        .into_iter()
        .map(|r| Answer {
            seq: r.seq as i64,
            rejected: (r.outcome() == Outcome::Rejected).then(|| {
                r.errors
                    .iter()
                    .map(|e| FieldError::new(e.field.clone(), e.reason.clone()))
                    .collect()
            }),
            item_id: r.item_id,
        })
        .collect())
}

/// Bytes per media chunk (well under the hub's message limit).
pub const MEDIA_CHUNK: usize = 1 << 20;

/// Uploads one queued medium. A medium the hub refuses (type, size) is answered as rejected so
/// that it does not block the queue; a file that changed since it was queued is dropped (the
/// next scan queues its new content).
async fn send_media(
    client: &mut AgentServiceClient<Channel>,
    q: &Queued,
) -> Result<Answer, tonic::Status> {
    let Entry::Media { sha256, path, .. } = &q.entry else {
        return Err(tonic::Status::internal("not a medium"));
    };
    let answer = |rejected: Option<Vec<FieldError>>| Answer {
        seq: q.seq,
        item_id: sha256.clone(),
        rejected,
    };
    match upload_media(client, std::path::Path::new(path), sha256, MEDIA_CHUNK).await {
        Ok(_) => Ok(answer(None)),
        Err(UploadError::Hub(s)) if s.code() == tonic::Code::InvalidArgument => Ok(answer(Some(
            vec![FieldError::new("media", format!("{path}: {}", s.message()))],
        ))),
        Err(UploadError::Hub(s)) => Err(s),
        Err(UploadError::Local(m)) => {
            tracing::info!(file = %path, reason = %m, "medium not sent");
            Ok(answer(Some(vec![FieldError::new(
                "media",
                format!("{path}: {m}"),
            )])))
        }
    }
}

/// Why an upload did not complete.
#[derive(Debug)]
pub enum UploadError {
    /// The hub refused or could not be reached (retry unless InvalidArgument).
    Hub(tonic::Status),
    /// The local file is gone or no longer has the announced content.
    Local(String),
}

impl From<tonic::Status> for UploadError {
    fn from(s: tonic::Status) -> Self {
        Self::Hub(s)
    }
}

/// SHA-256 and size of a file, read in pieces (a video is never held in memory whole).
async fn hash_file(path: &std::path::Path) -> std::io::Result<(String, u64)> {
    use sha2::{Digest, Sha256};
    use tokio::io::AsyncReadExt;
    let mut f = tokio::fs::File::open(path).await?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 256 * 1024];
    let mut size = 0u64;
    loop {
        let n = f.read(&mut buf).await?;
        if n == 0 {
            return Ok((hex::encode(hasher.finalize()), size));
        }
        hasher.update(&buf[..n]);
        size += n as u64;
    }
}

/// Uploads a file whose SHA-256 is `sha`, resuming after what the hub already holds. `None`
/// when the hub holds it already.
pub async fn upload_media(
    client: &mut AgentServiceClient<Channel>,
    path: &std::path::Path,
    sha: &str,
    chunk: usize,
) -> Result<Option<MediaUploaded>, UploadError> {
    use tokio::io::{AsyncReadExt, AsyncSeekExt};
    let status = client
        .media_status(MediaStatusRequest {
            sha256: sha.to_string(),
        })
        .await?
        .into_inner();
    if status.complete {
        return Ok(None);
    }
    let (digest, total) = hash_file(path)
        .await
        .map_err(|e| UploadError::Local(format!("cannot read: {e}")))?;
    if digest != sha {
        return Err(UploadError::Local(
            "file changed since it was queued".into(),
        ));
    }
    let mut file = tokio::fs::File::open(path)
        .await
        .map_err(|e| UploadError::Local(e.to_string()))?;
    let start = status.received_bytes.min(total);
    file.seek(std::io::SeekFrom::Start(start))
        .await
        .map_err(|e| UploadError::Local(e.to_string()))?;
    let sha = sha.to_string();
    // Chunks are read lazily, so a large video is never held in memory whole.
    let chunks = futures::stream::unfold((file, start), move |(mut f, offset)| {
        let sha = sha.clone();
        async move {
            if offset >= total {
                return None;
            }
            let mut buf = vec![0u8; chunk.min((total - offset) as usize)];
            f.read_exact(&mut buf).await.ok()?;
            let len = buf.len() as u64;
            let msg = MediaChunk {
                sha256: sha,
                total_size: total,
                offset,
                data: buf,
            };
            Some((msg, (f, offset + len)))
        }
    });
    Ok(Some(client.upload_media(chunks).await?.into_inner()))
}

/// Sends a heartbeat with the outbox's state.
pub async fn heartbeat(
    client: &mut AgentServiceClient<Channel>,
    outbox: &Outbox,
    started: std::time::Instant,
) -> anyhow::Result<HeartbeatResponse> {
    let req = HeartbeatRequest {
        agent_version: env!("CARGO_PKG_VERSION").to_string(),
        outbox_depth: outbox.depth().await?,
        last_successful_publish: outbox
            .last_successful_publish()
            .await?
            .map(|ms| timestamp_from(UnixMillis::from_millis(ms))),
        uptime_seconds: started.elapsed().as_secs(),
    };
    Ok(client.heartbeat(req).await?.into_inner())
}

/// Milliseconds of a heartbeat's `renew_after`, if any.
pub fn renew_after_ms(hb: &HeartbeatResponse) -> Option<i64> {
    hb.renew_after.as_ref().map(|t| timestamp_to(t).as_millis())
}

#[cfg(test)]
mod tests {
    #[test]
    fn backoff_is_capped_and_jittered() {
        let mut b = super::Backoff::new(100, 1000);
        let delays: Vec<u64> = (0..8).map(|_| b.next_delay().as_millis() as u64).collect();
        assert!(delays[0] >= 50 && delays[0] <= 100, "{delays:?}");
        assert!(delays.iter().all(|d| *d <= 1000), "{delays:?}");
        assert!(delays[7] >= 500, "{delays:?}");
        b.reset();
        assert!(b.next_delay().as_millis() <= 100);
    }
}
