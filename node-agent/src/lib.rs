//! The node agent (`portal-agent`), installed beside a component portal.
//!
//! Pipeline: sources (the content folder, `portal-agent publish FILE`) -> durable outbox ->
//! uplink (mutual-TLS gRPC to the hub). Guarantee: every change detected is committed to the
//! outbox before it is sent and leaves it only with the hub's answer, so kill -9, reboots and hub
//! outages of any length lose nothing and, with the hub's replay protection, duplicate nothing.

pub mod config;
pub mod enroll;
pub mod identity;
pub mod lock;
pub mod outbox;
pub mod source;
pub mod uplink;
pub mod watch;

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use portal_proto::v1::agent_service_client::AgentServiceClient;
use tokio::sync::Notify;
use tonic::Code;

pub use config::AgentConfig;
use outbox::Outbox;
use uplink::Backoff;

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// Test hook: abort the process (as a crash would) right after the N-th batch answer arrives,
/// before it is recorded, to exercise the resend path deterministically.
fn abort_after_acks() -> Option<u64> {
    std::env::var("PORTAL_FAULT_ABORT_AFTER_ACKS")
        .ok()?
        .parse()
        .ok()
}

/// Runs the agent until `stop` resolves: scans the folder, drains the outbox, heartbeats and
/// renews its certificate.
pub async fn run(
    cfg: AgentConfig,
    stop: impl std::future::Future<Output = ()>,
) -> anyhow::Result<()> {
    let _lock = lock::DataDirLock::acquire(&cfg.data_dir)?.ok_or_else(|| {
        anyhow::anyhow!(
            "another portal-agent is already running on {}",
            cfg.data_dir.display()
        )
    })?;
    let outbox = Outbox::open(&cfg.data_dir).await?;
    let wake = Arc::new(Notify::new());
    let started = Instant::now();
    let scanner = {
        let (outbox, wake, cfg) = (outbox.clone(), wake.clone(), cfg.clone());
        tokio::spawn(async move { scan_loop(&cfg, &outbox, &wake).await })
    };
    let sender = {
        let (outbox, wake, cfg) = (outbox.clone(), wake.clone(), cfg.clone());
        tokio::spawn(async move {
            // The loop only returns on a local error (e.g. the outbox disk); start it over.
            loop {
                if let Err(e) = send_loop(&cfg, &outbox, &wake, started, None).await {
                    tracing::error!(error = %e, "uplink failed; restarting it");
                }
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        })
    };
    stop.await;
    scanner.abort();
    sender.abort();
    let _ = scanner.await;
    let _ = sender.await;
    outbox.close().await?;
    Ok(())
}

async fn scan_loop(cfg: &AgentConfig, outbox: &Outbox, wake: &Notify) {
    if cfg.content_dir.as_os_str().is_empty() {
        tracing::info!("no content_dir configured; only `portal-agent publish` feeds the outbox");
        return;
    }
    watch::run(outbox, &cfg.content_dir, watch::Timing::of(cfg), wake).await;
}

/// Drains the outbox for ever (or, with `until_empty`, until it is empty or that many
/// consecutive failures happened). Also sends heartbeats and renews the certificate.
pub async fn send_loop(
    cfg: &AgentConfig,
    outbox: &Outbox,
    wake: &Notify,
    started: Instant,
    until_empty: Option<u32>,
) -> anyhow::Result<()> {
    let mut backoff = Backoff::new(cfg.backoff_initial_ms, cfg.backoff_max_ms);
    let mut failures = 0u32;
    let mut acks = 0u64;
    let abort_after = abort_after_acks();
    let heartbeat_every = Duration::from_secs(cfg.heartbeat_interval_secs.max(1));
    'connect: loop {
        if let Some(max) = until_empty
            && failures >= max
        {
            anyhow::bail!("the hub could not be reached; entries stay queued in the outbox");
        }
        let channel = match uplink::connect_mtls(cfg).await {
            Ok(c) => c,
            Err(e) => {
                failures += 1;
                let d = backoff.next_delay();
                tracing::warn!(error = %e, retry_in_ms = d.as_millis() as u64, "cannot reach the hub");
                tokio::time::sleep(d).await;
                continue;
            }
        };
        let mut client = AgentServiceClient::new(channel.clone())
            .max_decoding_message_size(16 * 1024 * 1024)
            .max_encoding_message_size(16 * 1024 * 1024);
        let mut last_heartbeat: Option<Instant> = None;
        loop {
            if last_heartbeat.is_none_or(|t| t.elapsed() >= heartbeat_every)
                || outbox.needs_seq_sync().await?
            {
                match uplink::heartbeat(&mut client, outbox, started).await {
                    Ok(hb) => {
                        last_heartbeat = Some(Instant::now());
                        if outbox.needs_seq_sync().await? {
                            outbox
                                .sync_seq(hb.high_water_seq.min(i64::MAX as u64) as i64)
                                .await?;
                            tracing::info!(
                                hub_high_water = hb.high_water_seq,
                                "outbox numbering synchronised with the hub"
                            );
                        }
                        if uplink::renew_after_ms(&hb).is_some_and(|t| now_ms() >= t) {
                            match enroll::renew(cfg, channel.clone()).await {
                                Ok(()) => continue 'connect,
                                Err(e) => {
                                    tracing::warn!(error = %e, "certificate renewal failed; will retry")
                                }
                            }
                        }
                    }
                    Err(e) => {
                        failures += 1;
                        let d = backoff.next_delay();
                        tracing::warn!(error = %e, retry_in_ms = d.as_millis() as u64, "heartbeat failed");
                        tokio::time::sleep(d).await;
                        continue 'connect;
                    }
                }
            }
            let batch = outbox.next_batch(cfg.batch_size).await?;
            if batch.is_empty() {
                if until_empty.is_some() {
                    return Ok(());
                }
                let _ = tokio::time::timeout(heartbeat_every, wake.notified()).await;
                continue;
            }
            match uplink::send_batch(&mut client, &batch).await {
                Ok(answers) => {
                    acks += 1;
                    if abort_after.is_some_and(|n| acks >= n) {
                        tracing::error!("PORTAL_FAULT_ABORT_AFTER_ACKS reached: aborting");
                        std::process::abort();
                    }
                    for a in answers.iter().filter(|a| a.rejected.is_some()) {
                        tracing::warn!(seq = a.seq, item = %a.item_id, errors = ?a.rejected, "hub rejected an item");
                    }
                    outbox.complete(&answers).await?;
                    backoff.reset();
                    failures = 0;
                    tracing::debug!(entries = answers.len(), "batch acknowledged");
                }
                Err(status) => {
                    failures += 1;
                    let d = backoff.next_delay();
                    if matches!(
                        status.code(),
                        Code::PermissionDenied | Code::Unauthenticated
                    ) {
                        tracing::error!(error = %status.message(), "the hub refuses this agent; ask the Provincial Office");
                    } else {
                        tracing::warn!(code = ?status.code(), error = %status.message(), retry_in_ms = d.as_millis() as u64, "send failed");
                    }
                    if let Some(max) = until_empty
                        && failures >= max
                    {
                        anyhow::bail!(
                            "sending failed ({}); entries stay queued in the outbox",
                            status.message()
                        );
                    }
                    tokio::time::sleep(d).await;
                    continue 'connect;
                }
            }
        }
    }
}

/// The fields a `google.rpc.BadRequest` detail names, as `field: reason; ...`.
pub fn field_violations(status: &tonic::Status) -> Option<String> {
    use tonic_types::StatusExt;
    let bad = status.get_details_bad_request()?;
    Some(
        bad.field_violations
            .iter()
            .map(|v| format!("{}: {}", v.field, v.description))
            .collect::<Vec<_>>()
            .join("; "),
    )
}

/// What `portal-agent publish FILE...` did.
#[derive(Debug, Default)]
pub struct Published {
    /// Items queued.
    pub items: usize,
    /// Media files queued for upload (those the items link to).
    pub media: usize,
    /// Files that are not items, each with the reason; nothing of them was queued.
    pub bad: Vec<(std::path::PathBuf, String)>,
}

/// `portal-agent publish FILE...`: reads every file as the folder scan does
/// ([`source::read_item`]), reports each bad one on stderr, queues every good one after the
/// media it links to and, unless a running agent owns the uplink, sends them.
pub async fn publish_files(
    cfg: &AgentConfig,
    files: &[std::path::PathBuf],
) -> anyhow::Result<Published> {
    let outbox = Outbox::open(&cfg.data_dir).await?;
    let mut done = Published::default();
    let mut media_queued = std::collections::HashSet::new();
    for f in files {
        let item = match read_file_to_publish(f) {
            Ok(item) => item,
            Err(reason) => {
                eprintln!("{}: {reason}", f.display());
                done.bad.push((f.clone(), reason));
                continue;
            }
        };
        // The media first: the hub takes an item only once it holds what the item shows.
        let folder = std::path::absolute(f)?
            .parent()
            .map(std::path::Path::to_path_buf)
            .unwrap_or_default();
        for m in &item.media {
            if media_queued.insert(m.sha256.clone()) {
                let abs = folder.join(&m.rel).display().to_string();
                outbox
                    .enqueue_media_upload(&abs, &m.sha256, m.size as i64)
                    .await?;
                done.media += 1;
            }
        }
        outbox.enqueue_publish(&item.draft, None).await?;
        done.items += 1;
    }
    if !done.bad.is_empty() {
        eprintln!(
            "{} file(s) not queued; {} item(s) queued",
            done.bad.len(),
            done.items
        );
    }
    let media = if done.media > 0 {
        format!(" and {} media file(s)", done.media)
    } else {
        String::new()
    };
    if done.items > 0 {
        match lock::DataDirLock::acquire(&cfg.data_dir)? {
            None => println!(
                "queued {} item(s){media}; the running agent will send them",
                done.items
            ),
            Some(_lock) => {
                send_loop(cfg, &outbox, &Notify::new(), Instant::now(), Some(5)).await?;
                println!("sent {} item(s){media}", done.items);
            }
        }
    }
    outbox.close().await?;
    Ok(done)
}

/// Reads one file named on the command line: its media links are taken relative to its own
/// folder, which they may not leave.
fn read_file_to_publish(f: &std::path::Path) -> Result<source::ItemFile, String> {
    let bytes = std::fs::read(f).map_err(|e| format!("cannot read: {e}"))?;
    let name = f
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or_else(|| "the file name is not UTF-8".to_string())?;
    let folder = match f.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => std::path::Path::new("."),
    };
    source::read_item(folder, name, &bytes).map_err(|e| e.to_string())
}

/// `portal-agent status`: identity, outbox depth, last publication, recent rejections.
pub async fn status(cfg: &AgentConfig, out: &mut dyn std::io::Write) -> anyhow::Result<()> {
    let info = identity::IdentityFiles::new(&cfg.data_dir).load_info()?;
    let outbox = Outbox::open(&cfg.data_dir).await?;
    writeln!(out, "agent       {}", info.agent_id)?;
    writeln!(
        out,
        "tenant      {} ({}.{})",
        info.tenant, info.tenant, info.domain
    )?;
    writeln!(out, "hub         {}", cfg.hub)?;
    writeln!(out, "certificate valid until {}", fmt_ms(info.not_after_ms))?;
    writeln!(
        out,
        "outbox      {} entr(ies) waiting",
        outbox.depth().await?
    )?;
    writeln!(
        out,
        "last sent   {}",
        outbox
            .last_successful_publish()
            .await?
            .map_or("never".to_string(), fmt_ms)
    )?;
    let rejections = outbox.recent_rejections(20).await?;
    if !rejections.is_empty() {
        writeln!(out, "recent rejections:")?;
        for (seq, item, source, errors, at) in rejections {
            let what = if item.is_empty() { source } else { item };
            let why: Vec<String> = errors.iter().map(ToString::to_string).collect();
            writeln!(out, "  {} seq {seq} {what}: {}", fmt_ms(at), why.join("; "))?;
        }
    }
    outbox.close().await?;
    Ok(())
}

fn fmt_ms(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|d| d.format("%Y-%m-%d %H:%M:%S UTC").to_string())
        .unwrap_or_default()
}

/// Sets up logging: human-readable by default, JSON lines on request. `RUST_LOG` filters.
pub fn init_logging(format: &str) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let b = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = if format == "json" {
        b.json().try_init()
    } else {
        b.try_init()
    };
}

/// True when `dir` holds an enrolled identity.
pub fn is_enrolled(dir: &Path) -> bool {
    identity::IdentityFiles::new(dir).exists()
}
