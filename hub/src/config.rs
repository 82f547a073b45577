//! The hub's configuration: defaults, then `hub.toml` in the data dir (or `--config`), then
//! `PORTAL_HUB_*` environment variables. Every key is documented in `deploy/hub.example.toml`.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HubConfig {
    /// Where the CA, the server certificate and (by default) the SQLite database live.
    pub data_dir: PathBuf,
    /// The province's domain; tenants are served at `<slug>.<domain>`.
    pub domain: String,
    /// Display name of the province, e.g. "Bến Tre".
    pub province_name: String,
    /// `sqlite://...` or `postgres://...`; empty means `<data_dir>/hub.db`.
    pub database_url: String,
    /// Agents' mutual-TLS gRPC port (enrollment uses it too, without a client certificate).
    pub grpc_listen: SocketAddr,
    /// Public web pages.
    pub http_listen: SocketAddr,
    /// Scheme used in canonical links (`https` behind a TLS-terminating proxy).
    pub public_scheme: String,
    /// `human` or `json`.
    pub log_format: String,
    /// Lifetime of agents' client certificates, e.g. `7d`.
    pub agent_cert_validity: String,
    /// Default lifetime of enrollment tokens, e.g. `24h`.
    pub token_ttl: String,
    /// Largest gRPC message accepted or sent, in bytes.
    pub grpc_max_message_bytes: usize,
    /// Most entries in one publish or withdraw batch.
    pub max_batch_entries: usize,
    /// Per-request deadline on the gRPC port, in seconds.
    pub grpc_request_timeout_secs: u64,
    /// TLS handshakes that take longer are dropped, in seconds.
    pub tls_handshake_timeout_secs: u64,
    /// HTTP/2 streams one connection may have open at once.
    pub grpc_max_concurrent_streams: u32,
    /// Review state given to accepted items for the provincial portal until the Editorial
    /// Board's workflow exists: `approved` (publish at once) or `pending` (hold).
    pub province_review_on_accept: String,
    /// Entries in the page cache.
    pub page_cache_entries: u64,
    /// Where uploaded media are kept; empty means `<data_dir>/media`. Several replicas must
    /// share it (a network file system or a mounted object store).
    pub media_dir: PathBuf,
}

impl Default for HubConfig {
    fn default() -> Self {
        Self {
            data_dir: PathBuf::from("./hub-data"),
            domain: "bentre.gov.vn".into(),
            province_name: "Bến Tre".into(),
            database_url: String::new(),
            grpc_listen: "127.0.0.1:7443".parse().expect("valid default"),
            http_listen: "127.0.0.1:8080".parse().expect("valid default"),
            public_scheme: "https".into(),
            log_format: "human".into(),
            agent_cert_validity: "7d".into(),
            token_ttl: "24h".into(),
            grpc_max_message_bytes: 16 * 1024 * 1024,
            max_batch_entries: 1000,
            grpc_request_timeout_secs: 30,
            tls_handshake_timeout_secs: 10,
            grpc_max_concurrent_streams: 256,
            province_review_on_accept: "approved".into(),
            page_cache_entries: 10_000,
            media_dir: PathBuf::new(),
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
        portal_core::duration::parse_duration_secs(&self.agent_cert_validity)
            .map_err(|e| anyhow::anyhow!("agent_cert_validity: {e}"))?;
        portal_core::duration::parse_duration_secs(&self.token_ttl)
            .map_err(|e| anyhow::anyhow!("token_ttl: {e}"))?;
        self.review_on_accept()?;
        anyhow::ensure!(
            matches!(self.log_format.as_str(), "human" | "json"),
            "log_format must be \"human\" or \"json\""
        );
        anyhow::ensure!(!self.domain.is_empty(), "domain must not be empty");
        Ok(())
    }

    pub fn review_on_accept(&self) -> anyhow::Result<portal_core::ProvinceReview> {
        match self.province_review_on_accept.as_str() {
            "approved" => Ok(portal_core::ProvinceReview::Approved),
            "pending" => Ok(portal_core::ProvinceReview::Pending),
            other => anyhow::bail!(
                "province_review_on_accept must be \"approved\" or \"pending\", not {other:?}"
            ),
        }
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

    pub fn agent_cert_validity_secs(&self) -> i64 {
        portal_core::duration::parse_duration_secs(&self.agent_cert_validity).unwrap_or(604_800)
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
}
