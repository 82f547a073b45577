//! The hub's configuration: defaults, then `hub.toml` in the data dir (or `--config`), then
//! `PORTAL_HUB_*` environment variables. Every key is documented in `deploy/hub.example.toml`.
//! Durations and enums are typed fields, parsed once when the file is loaded: a mistake is an
//! error that names the key at start, never a silent fallback at first use.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use portal_core::ProvinceReview;
use portal_core::duration::HumanDuration;
use serde::{Deserialize, Serialize};

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LogFormat {
    /// One readable line per event (colours only on a terminal).
    Human,
    /// One JSON object per line, for log shipping.
    Json,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HubConfig {
    /// Where the CA, the server certificate and (by default) the SQLite database live.
    pub data_dir: PathBuf,
    /// The province's domain; tenants are served at `<slug>.<domain>`.
    pub domain: String,
    /// Display name of the province, e.g. "Bến Tre".
    pub province_name: String,
    /// The portal's names and who runs it (the footer of every page), and the same for each
    /// component portal's site.
    pub portal: PortalConfig,
    /// `sqlite://...` or `postgres://...`; empty means `<data_dir>/hub.db`.
    pub database_url: String,
    /// Agents' mutual-TLS gRPC port (enrollment uses it too, without a client certificate).
    pub grpc_listen: SocketAddr,
    /// Public web pages.
    pub http_listen: SocketAddr,
    /// Scheme used in canonical links (`https` behind a TLS-terminating proxy).
    pub public_scheme: String,
    pub log_format: LogFormat,
    /// Lifetime of agents' client certificates.
    pub agent_cert_validity: HumanDuration,
    /// Default lifetime of enrollment tokens.
    pub token_ttl: HumanDuration,
    /// Largest gRPC message accepted or sent, in bytes; announced to agents.
    pub grpc_max_message_bytes: usize,
    /// Most entries in one publish or withdraw batch; announced to agents.
    pub max_batch_entries: usize,
    /// Field errors reported per refused entry (the first ones, then a count of the rest).
    pub max_errors_per_entry: usize,
    /// Deadline of one gRPC call.
    pub grpc_request_timeout: HumanDuration,
    /// TLS handshakes that take longer are dropped.
    pub tls_handshake_timeout: HumanDuration,
    /// After the TLS handshake, the client must start HTTP/2 within this time.
    pub grpc_preface_timeout: HumanDuration,
    /// A gRPC connection on which nothing moves (not even keep-alive pings) for this long is
    /// closed.
    pub grpc_idle_timeout: HumanDuration,
    /// HTTP/2 streams one connection may have open at once.
    pub grpc_max_concurrent_streams: u32,
    /// Connections the gRPC port holds at once (agents, integrators).
    pub grpc_max_connections: usize,
    /// Connections the HTTP port holds at once.
    pub http_max_connections: usize,
    /// A request's headers must arrive within this time, also for the next request on a
    /// kept-alive connection (so it is the idle timeout of HTTP/1.1 too).
    pub http_header_read_timeout: HumanDuration,
    /// A connection on which nothing moves for this long is closed (slow readers, stalled
    /// uploads, idle HTTP/2).
    pub http_idle_timeout: HumanDuration,
    /// Review state given to accepted items for the provincial portal until the Editorial
    /// Board's workflow exists: `approved` (publish at once) or `pending` (hold).
    pub province_review_on_accept: ProvinceReview,
    /// Bytes of rendered pages the page cache holds (bodies and their gzip and brotli
    /// variants); the least useful pages are evicted beyond it.
    pub page_cache_bytes: u64,
    /// Threads that render pages (off the async runtime).
    pub render_threads: usize,
    /// A page that takes longer to render is answered 503, and not rendered again until its
    /// content changes.
    pub render_budget: HumanDuration,
    /// URLs in one sitemap file; a site with more gets a sitemap index (at most 50,000, the
    /// protocol's limit per file).
    pub sitemap_urls_per_file: u64,
    /// Failed enrollments from one address before it must wait (doubling each time).
    pub enroll_failures_allowed: u32,
    /// The longest wait imposed on an address after failed enrollments.
    pub enroll_backoff_max: HumanDuration,
    /// Where uploaded media are kept; empty means `<data_dir>/media`. Several replicas must
    /// share it (a network file system or a mounted object store).
    pub media_dir: PathBuf,
    /// Unfinished uploads untouched for this long are removed.
    pub media_partial_ttl: HumanDuration,
    /// Bytes of unfinished uploads one agent may have on the hub at once.
    pub media_partial_quota_bytes: u64,
    /// Below this much free space on the data or media file system, `/healthz` reports the hub
    /// degraded.
    pub min_free_disk_bytes: u64,
}

/// The public portal's identity (Decree 42/2022 Art 7: a portal names its operating unit, the
/// person responsible, its address, telephone, e-mail and licence on every page).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PortalConfig {
    /// The portal's name in Vietnamese; empty means "Cổng Thông tin điện tử tỉnh
    /// <province_name>".
    pub name: String,
    /// Its name in English; empty means "<province_name> Provincial Electronic Information
    /// Portal" (with the province's name without diacritics).
    pub name_en: String,
    /// The footer of the provincial site.
    pub operator: Operator,
    /// The footer of each component portal's site, by slug; a tenant without one shows its
    /// own name as operating unit and the provincial operator's other lines.
    pub tenants: std::collections::BTreeMap<String, Operator>,
}

/// Who runs a site: every line is optional (an empty one is not shown).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Operator {
    /// Cơ quan chủ quản / đơn vị vận hành.
    pub unit: String,
    /// Người chịu trách nhiệm chính.
    pub responsible: String,
    pub address: String,
    pub phone: String,
    pub email: String,
    /// The licence line, e.g. "Giấy phép số 12/GP-TTĐT ngày 01/02/2020 của Sở TT&TT".
    pub licence: String,
}

fn d(s: &str) -> HumanDuration {
    HumanDuration::parse(s).expect("valid default duration")
}

impl Default for HubConfig {
    fn default() -> Self {
        Self {
            data_dir: PathBuf::from("./hub-data"),
            domain: "bentre.gov.vn".into(),
            province_name: "Bến Tre".into(),
            portal: PortalConfig::default(),
            database_url: String::new(),
            grpc_listen: "127.0.0.1:7443".parse().expect("valid default"),
            http_listen: "127.0.0.1:8080".parse().expect("valid default"),
            public_scheme: "https".into(),
            log_format: LogFormat::Human,
            agent_cert_validity: d("7d"),
            token_ttl: d("24h"),
            grpc_max_message_bytes: 16 * 1024 * 1024,
            max_batch_entries: 1000,
            max_errors_per_entry: 20,
            grpc_request_timeout: d("30s"),
            tls_handshake_timeout: d("10s"),
            grpc_preface_timeout: d("10s"),
            grpc_idle_timeout: d("5m"),
            grpc_max_concurrent_streams: 256,
            grpc_max_connections: 10_000,
            http_max_connections: 1024,
            http_header_read_timeout: d("10s"),
            http_idle_timeout: d("60s"),
            province_review_on_accept: ProvinceReview::Approved,
            page_cache_bytes: 64 * 1024 * 1024,
            render_threads: 2,
            render_budget: d("2s"),
            sitemap_urls_per_file: 10_000,
            enroll_failures_allowed: 5,
            enroll_backoff_max: d("5m"),
            media_dir: PathBuf::new(),
            media_partial_ttl: d("24h"),
            media_partial_quota_bytes: 4 << 30,
            min_free_disk_bytes: 256 << 20,
        }
    }
}

impl HubConfig {
    /// Loads the configuration. `file` defaults to `<data_dir>/hub.toml` when it exists.
    pub fn load(file: Option<&Path>, data_dir: Option<&Path>) -> anyhow::Result<Self> {
        let mut fig = Figment::from(Serialized::defaults(HubConfig::default()));
        let default_dir = data_dir
            .map(Path::to_path_buf)
            .or_else(|| std::env::var_os("PORTAL_HUB_DATA_DIR").map(PathBuf::from))
            .unwrap_or_else(|| HubConfig::default().data_dir);
        let file = file
            .map(Path::to_path_buf)
            .unwrap_or_else(|| default_dir.join("hub.toml"));
        if file.exists() {
            fig = fig.merge(Toml::file(&file));
        }
        fig = fig.merge(Env::prefixed("PORTAL_HUB_"));
        if let Some(dir) = data_dir {
            fig = fig.merge(Serialized::default("data_dir", dir));
        }
        let cfg: HubConfig = fig
            .extract()
            .map_err(|e| anyhow::anyhow!("configuration: {e}"))?;
        cfg.check()?;
        Ok(cfg)
    }

    fn check(&self) -> anyhow::Result<()> {
        anyhow::ensure!(
            self.province_review_on_accept != ProvinceReview::Rejected,
            "province_review_on_accept must be \"approved\" or \"pending\""
        );
        anyhow::ensure!(!self.domain.is_empty(), "domain must not be empty");
        anyhow::ensure!(
            self.grpc_max_message_bytes >= 64 * 1024,
            "grpc_max_message_bytes must be at least 65536"
        );
        anyhow::ensure!(
            self.max_batch_entries > 0,
            "max_batch_entries must be at least 1"
        );
        anyhow::ensure!(
            self.max_errors_per_entry > 0,
            "max_errors_per_entry must be at least 1"
        );
        anyhow::ensure!(
            self.grpc_max_connections > 0 && self.http_max_connections > 0,
            "grpc_max_connections and http_max_connections must be at least 1"
        );
        anyhow::ensure!(self.render_threads > 0, "render_threads must be at least 1");
        for slug in self.portal.tenants.keys() {
            portal_core::validate_slug(slug)
                .map_err(|e| anyhow::anyhow!("portal.tenants.{slug}: {e}"))?;
        }
        anyhow::ensure!(
            (1..=50_000).contains(&self.sitemap_urls_per_file),
            "sitemap_urls_per_file must be between 1 and 50000 (the sitemap protocol's limit)"
        );
        Ok(())
    }

    pub fn database_url(&self) -> String {
        if self.database_url.is_empty() {
            format!(
                "sqlite://{}?mode=rwc",
                self.data_dir.join("hub.db").display()
            )
        } else {
            self.database_url.clone()
        }
    }

    pub fn agent_cert_validity(&self) -> Duration {
        self.agent_cert_validity.get()
    }

    pub fn media_dir(&self) -> PathBuf {
        if self.media_dir.as_os_str().is_empty() {
            self.data_dir.join("media")
        } else {
            self.media_dir.clone()
        }
    }

    pub fn pki_dir(&self) -> PathBuf {
        self.data_dir.join("pki")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The documented example is a valid configuration and matches the defaults.
    #[test]
    fn example_file_is_valid_and_complete() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../deploy/hub.example.toml");
        let text = std::fs::read_to_string(&path).unwrap();
        let from_file: HubConfig = toml::from_str(&text).unwrap();
        let defaults = toml::to_string(&HubConfig::default()).unwrap();
        assert_eq!(
            toml::to_string(&from_file).unwrap(),
            defaults,
            "example and defaults differ"
        );
        let loaded = HubConfig::load(Some(&path), None).unwrap();
        assert_eq!(loaded.domain, "bentre.gov.vn");
    }

    /// A mistake is an error at load time that names the key.
    #[test]
    fn bad_values_are_refused_at_load_with_the_key() {
        let dir = tempfile::tempdir().unwrap();
        for (line, key) in [
            ("agent_cert_validity = \"7w\"", "agent_cert_validity"),
            (
                "province_review_on_accept = \"maybe\"",
                "province_review_on_accept",
            ),
            ("log_format = \"xml\"", "log_format"),
            ("render_budget = \"0s\"", "render_budget"),
        ] {
            let file = dir.path().join("hub.toml");
            std::fs::write(&file, line).unwrap();
            let e = HubConfig::load(Some(&file), Some(dir.path()))
                .unwrap_err()
                .to_string();
            assert!(e.contains(key), "{line}: {e}");
        }
    }
}
