//! The agent's configuration: defaults, then `agent.toml` in the data dir (or `--config`), then
//! `PORTAL_AGENT_*` environment variables. Documented in `deploy/agent.example.toml`.

use std::path::{Path, PathBuf};

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LogFormat {
    /// One readable line per event (colours only on a terminal).
    Human,
    /// One JSON object per line.
    Json,
}

impl LogFormat {
    pub fn init(self) {
        portal_log::init(match self {
            LogFormat::Human => portal_log::Format::Human,
            LogFormat::Json => portal_log::Format::Json,
        });
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgentConfig {
    /// Key, certificate, identity and the outbox database live here.
    pub data_dir: PathBuf,
    /// The hub's gRPC address, `HOST:PORT`.
    pub hub: String,
    /// Name in the hub's server certificate (default: the host part of `hub`).
    pub hub_name: String,
    /// Folder the component portal exports its items to; empty disables the folder source.
    pub content_dir: PathBuf,
    /// Watch the folder for changes (inotify); `false` rescans it every `scan_interval_ms`.
    pub watch: bool,
    /// How long the folder must be quiet after a change before it is looked at, in
    /// milliseconds (a CMS writing many files is read once); at most five times this after the
    /// first change.
    pub watch_debounce_ms: u64,
    /// Seconds between full rescans while watching, the safety net for changes the watcher
    /// missed (only files whose size or mtime changed are read).
    pub full_rescan_secs: u64,
    /// When the folder is not watched (`watch = false`, or it cannot be: inotify limits, a file
    /// system without notifications), how often it is rescanned, in milliseconds.
    pub scan_interval_ms: u64,
    /// Most entries sent in one batch (the hub's own limit, learnt from its heartbeats, may be
    /// lower).
    pub batch_size: usize,
    /// Most bytes of entries sent in one batch (within the hub's message limit): what sending
    /// costs in memory.
    pub batch_max_bytes: usize,
    /// Seconds between heartbeats.
    pub heartbeat_interval_secs: u64,
    /// First retry delay after a failed send, in milliseconds; doubles up to `backoff_max_ms`.
    pub backoff_initial_ms: u64,
    pub backoff_max_ms: u64,
    /// Per-call deadline towards the hub, in seconds.
    pub request_timeout_secs: u64,
    pub log_format: LogFormat,
}

impl Default for AgentConfig {
    fn default() -> Self {
        Self {
            data_dir: PathBuf::from("./agent-data"),
            hub: String::new(),
            hub_name: String::new(),
            content_dir: PathBuf::new(),
            watch: true,
            watch_debounce_ms: 100,
            full_rescan_secs: 300,
            scan_interval_ms: 1000,
            batch_size: 200,
            batch_max_bytes: 4 << 20,
            heartbeat_interval_secs: 10,
            backoff_initial_ms: 200,
            backoff_max_ms: 30_000,
            request_timeout_secs: 30,
            log_format: LogFormat::Human,
        }
    }
}

impl AgentConfig {
    pub fn load(file: Option<&Path>, data_dir: Option<&Path>) -> anyhow::Result<Self> {
        let dir = data_dir
            .map(Path::to_path_buf)
            .or_else(|| std::env::var_os("PORTAL_AGENT_DATA_DIR").map(PathBuf::from))
            .unwrap_or_else(|| AgentConfig::default().data_dir);
        let file = file
            .map(Path::to_path_buf)
            .unwrap_or_else(|| dir.join("agent.toml"));
        let mut fig = Figment::from(Serialized::defaults(AgentConfig::default()))
            .merge(Serialized::default("data_dir", &dir));
        if file.exists() {
            fig = fig.merge(Toml::file(&file));
        }
        fig = fig.merge(Env::prefixed("PORTAL_AGENT_"));
        if let Some(d) = data_dir {
            fig = fig.merge(Serialized::default("data_dir", d));
        }
        let mut cfg: AgentConfig = fig
            .extract()
            .map_err(|e| anyhow::anyhow!("configuration: {e}"))?;
        anyhow::ensure!(cfg.batch_size > 0, "batch_size must be at least 1");
        anyhow::ensure!(
            cfg.batch_max_bytes >= 64 << 10,
            "batch_max_bytes must be at least 65536"
        );
        anyhow::ensure!(
            cfg.full_rescan_secs > 0,
            "full_rescan_secs must be at least 1"
        );
        anyhow::ensure!(
            cfg.scan_interval_ms > 0,
            "scan_interval_ms must be at least 1"
        );
        if cfg.hub_name.is_empty() {
            cfg.hub_name = host_of(&cfg.hub).to_string();
        }
        Ok(cfg)
    }
}

/// The host part of `HOST:PORT` (IPv6 in brackets allowed).
pub fn host_of(addr: &str) -> &str {
    if let Some(rest) = addr.strip_prefix('[') {
        return rest.split(']').next().unwrap_or(rest);
    }
    addr.rsplit_once(':').map_or(addr, |(h, _)| h)
}

#[cfg(test)]
mod tests {
    #[test]
    fn hosts() {
        assert_eq!(
            super::host_of("hub.bentre.gov.vn:7443"),
            "hub.bentre.gov.vn"
        );
        assert_eq!(super::host_of("127.0.0.1:7443"), "127.0.0.1");
        assert_eq!(super::host_of("[::1]:7443"), "::1");
    }
}

#[cfg(test)]
mod example_tests {
    use super::*;

    /// The documented example is a valid configuration and matches the defaults.
    #[test]
    fn example_file_is_valid_and_complete() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../deploy/agent.example.toml");
        let text = std::fs::read_to_string(&path).unwrap();
        let from_file: AgentConfig = toml::from_str(&text).unwrap();
        assert_eq!(
            toml::to_string(&from_file).unwrap(),
            toml::to_string(&AgentConfig::default()).unwrap()
        );
    }
}
