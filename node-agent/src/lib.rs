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
pub mod tasks;
pub mod uplink;
pub mod watch;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Notify;

pub use config::AgentConfig;
use outbox::Outbox;

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> i64 {
    portal_core::UnixMillis::from_system_time(std::time::SystemTime::now()).as_millis()
}

/// Runs the agent until `stop` resolves: watches the folder, and runs the uplink's tasks
/// (drain, heartbeat, renewal; see `tasks`).
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
    let shared = tasks::Shared::new(&cfg, outbox.clone(), wake.clone());
    let scanner = {
        let (outbox, wake, cfg) = (outbox.clone(), wake.clone(), cfg.clone());
        tokio::spawn(async move { scan_loop(&cfg, &outbox, &wake).await })
    };
    let heartbeats = tokio::spawn(tasks::heartbeats(shared.clone()));
    let renewal = tokio::spawn(tasks::renewal(shared.clone()));
    let drain = {
        let shared = shared.clone();
        tokio::spawn(async move {
            // The task only returns on a local error (e.g. the outbox's disk); start it over.
            loop {
                if let Err(e) = tasks::drain(shared.clone()).await {
                    tracing::error!(error = %e, "sending the outbox failed; starting over");
                }
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        })
    };
    stop.await;
    for t in [scanner, heartbeats, renewal, drain] {
        t.abort();
        let _ = t.await;
    }
    drop(shared);
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
                let shared = tasks::Shared::new(cfg, outbox.clone(), Arc::new(Notify::new()));
                tasks::drain_once(&shared, 5).await?;
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

/// `portal-agent status`: identity, outbox depth, why it does not drain, last publication,
/// recent rejections, parked entries.
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
    let depth = outbox.depth().await?;
    match outbox.oldest_ms().await? {
        Some(oldest) => writeln!(
            out,
            "outbox      {depth} entr(ies) waiting, the oldest since {}",
            fmt_ms(oldest)
        )?,
        None => writeln!(out, "outbox      empty")?,
    }
    match outbox.stalled().await? {
        Some(outbox::Stalled::Refused { since_ms, reason }) => writeln!(
            out,
            "NOT SENDING the hub refuses this agent since {}: {reason}\n            \
             (ask the Provincial Office; the agent tries again every 5 minutes)",
            fmt_ms(since_ms)
        )?,
        Some(outbox::Stalled::Failing { since_ms, reason }) if depth > 0 => writeln!(
            out,
            "NOT DRAINING since {}: {reason} (retrying with back-off)",
            fmt_ms(since_ms)
        )?,
        _ => {}
    }
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
    let parked = outbox.parked().await?;
    if !parked.is_empty() {
        writeln!(
            out,
            "parked (kept, not sent: this agent cannot read them; an upgrade may):"
        )?;
        for (seq, kind, subject, reason) in parked {
            writeln!(out, "  seq {seq} {kind} {subject}: {reason}")?;
        }
    }
    outbox.close().await?;
    Ok(())
}

/// A time for people on the component portal's machine: local to Vietnam, zone written out.
fn fmt_ms(ms: i64) -> String {
    portal_core::UnixMillis::from_millis(ms).to_operator_time()
}

/// True when `dir` holds an enrolled identity.
pub fn is_enrolled(dir: &Path) -> bool {
    identity::IdentityFiles::new(dir).exists()
}
