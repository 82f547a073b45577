//! The uplink: a mutual-TLS gRPC channel to the hub, and the loop that drains the outbox in
//! sequence order with capped, jittered exponential backoff.

use std::time::Duration;

use anyhow::Context;
use portal_core::UnixMillis;
use portal_core::{FieldError, ItemDraft};
use portal_proto::v1::agent_service_client::AgentServiceClient;
use portal_proto::v1::{
    HeartbeatRequest, HeartbeatResponse, Item, MediaChunk, MediaStatusRequest, MediaUploaded,
    Outcome, PublishEntry, PublishRequest, WithdrawEntry, WithdrawRequest,
};
use portal_proto::{timestamp_from, timestamp_to};
use tonic::transport::{Certificate, Channel, ClientTlsConfig, Endpoint, Identity};

use crate::config::AgentConfig;
use crate::identity::IdentityFiles;
use crate::outbox::{Answer, Outbox, OutboxEntry};

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

fn item_to_pb(d: ItemDraft) -> Item {
    Item {
        id: d.id,
        title: d.title,
        category: d.category,
        language: d.language,
        author: d.author,
        source: d.source,
        source_url: d.source_url,
        published_at: (d.published_at_ms != 0)
            .then(|| timestamp_from(UnixMillis::from_millis(d.published_at_ms))),
        summary: d.summary,
        tags: d.tags,
        body_markdown: d.body_markdown,
        translation_id: d.translation_id,
        record: d.record.into_iter().collect(),
        notes: d.notes,
    }
}

/// Sends one batch (all entries of one kind) and returns the hub's answers.
pub async fn send_batch(
    client: &mut AgentServiceClient<Channel>,
    batch: &[OutboxEntry],
) -> Result<Vec<Answer>, tonic::Status> {
    let results = match batch.first().map(|e| e.kind.as_str()) {
        Some("media") => {
            let mut answers = Vec::with_capacity(batch.len());
            for e in batch {
                answers.push(send_media(client, e).await?);
            }
            return Ok(answers);
        }
        Some("withdraw") => {
            let entries = batch
                .iter()
                .map(|e| WithdrawEntry {
                    seq: e.seq as u64,
                    item_id: e.item_id.clone(),
                    reason: e.payload.clone(),
                })
                .collect();
            client
                .withdraw(WithdrawRequest { entries })
                .await?
                .into_inner()
                .results
        }
        _ => {
            let entries = batch
                .iter()
                .map(|e| PublishEntry {
                    seq: e.seq as u64,
                    item: serde_json::from_str::<ItemDraft>(&e.payload)
                        .ok()
                        .map(item_to_pb),
                })
                .collect();
            client
                .publish(PublishRequest { entries })
                .await?
                .into_inner()
                .results
        }
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
    e: &OutboxEntry,
) -> Result<Answer, tonic::Status> {
    let answer = |rejected: Option<Vec<FieldError>>| Answer {
        seq: e.seq,
        item_id: e.item_id.clone(),
        rejected,
    };
    let payload: serde_json::Value = serde_json::from_str(&e.payload).unwrap_or_default();
    let path = payload["path"].as_str().unwrap_or_default().to_string();
    match upload_media(
        client,
        std::path::Path::new(&path),
        &e.item_id,
        MEDIA_CHUNK,
        None,
    )
    .await
    {
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

/// Uploads a file whose SHA-256 is `sha`, resuming after what the hub already holds. With
/// `stop_after`, only that many chunks are sent (to test resumption).
pub async fn upload_media(
    client: &mut AgentServiceClient<Channel>,
    path: &std::path::Path,
    sha: &str,
    chunk: usize,
    stop_after: Option<usize>,
) -> Result<Option<MediaUploaded>, UploadError> {
    use sha2::{Digest, Sha256};
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
    let bytes = tokio::fs::read(path)
        .await
        .map_err(|e| UploadError::Local(format!("cannot read: {e}")))?;
    if hex::encode(Sha256::digest(&bytes)) != sha {
        return Err(UploadError::Local(
            "file changed since it was queued".into(),
        ));
    }
    drop(bytes);
    let total = tokio::fs::metadata(path)
        .await
        .map_err(|e| UploadError::Local(e.to_string()))?
        .len();
    let mut file = tokio::fs::File::open(path)
        .await
        .map_err(|e| UploadError::Local(e.to_string()))?;
    let start = status.received_bytes.min(total);
    file.seek(std::io::SeekFrom::Start(start))
        .await
        .map_err(|e| UploadError::Local(e.to_string()))?;
    let sha = sha.to_string();
    // Chunks are read lazily, so a large video is never held in memory whole.
    let chunks = futures::stream::unfold((file, start, 0usize), move |(mut f, offset, sent)| {
        let sha = sha.clone();
        async move {
            if offset >= total || stop_after.is_some_and(|n| sent >= n) {
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
            Some((msg, (f, offset + len, sent + 1)))
        }
    });
    let resp = client.upload_media(chunks).await;
    match resp {
        Ok(r) => Ok(Some(r.into_inner())),
        // An upload stopped on purpose ends with the hub saying it is incomplete.
        Err(s) if stop_after.is_some() && s.code() == tonic::Code::FailedPrecondition => Ok(None),
        Err(s) => Err(UploadError::Hub(s)),
    }
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
