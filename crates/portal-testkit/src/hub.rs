//! An in-process hub on loopback ports with a throw-away data dir.

use std::net::SocketAddr;
use std::path::PathBuf;

use portal_hub::{HubConfig, RunningHub};

/// Which database the hub uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Db {
    Sqlite,
    Postgres,
}

pub struct TestHub {
    pub dir: tempfile::TempDir,
    pub config: HubConfig,
    running: Option<RunningHub>,
    /// The PostgreSQL database, dropped after the hub (fields drop in this order).
    _database: Option<portal_store::testing::ScratchDatabase>,
}

impl TestHub {
    /// Initialises a data dir (CA, server certificate, database) and starts the hub.
    pub async fn start(db: Db) -> anyhow::Result<Self> {
        Self::start_with(db, "").await
    }

    /// Like [`Self::start`], with extra lines for hub.toml (e.g. `agent_cert_validity = "8s"`).
    pub async fn start_with(db: Db, config: &str) -> anyhow::Result<Self> {
        let dir = tempfile::tempdir()?;
        let data_dir = dir.path().join("hub");
        let mut extra = String::from(
            "grpc_listen = \"127.0.0.1:0\"\nhttp_listen = \"127.0.0.1:0\"\nlog_format = \"human\"\n",
        );
        extra.push_str(config);
        extra.push('\n');
        let database = if db == Db::Postgres {
            let db = portal_store::testing::ScratchDatabase::create("portal_e2e").await?;
            extra.push_str(&format!("database_url = {:?}\n", db.url()));
            Some(db)
        } else {
            None
        };
        let opts = portal_hub::init::InitOptions {
            data_dir: data_dir.clone(),
            domain: "bentre.gov.vn".into(),
            hub_names: vec!["localhost".into(), "127.0.0.1".into()],
            extra_config: extra,
        };
        let config = portal_hub::init::init(&opts, &mut std::io::sink()).await?;
        let mut hub = Self {
            dir,
            config,
            running: None,
            _database: database,
        };
        hub.start_again().await?;
        Ok(hub)
    }

    /// Starts the hub (again) on the same ports and data.
    pub async fn start_again(&mut self) -> anyhow::Result<()> {
        anyhow::ensure!(self.running.is_none(), "hub is already running");
        let running = portal_hub::start(self.config.clone()).await?;
        // Keep the ports: agents reconnect to the same address after a restart.
        self.config.grpc_listen = running.grpc_addr;
        self.config.http_listen = running.http_addr;
        self.running = Some(running);
        Ok(())
    }

    /// Stops the hub gracefully (a restart is `stop` then `start_again`).
    pub async fn stop(&mut self) {
        if let Some(r) = self.running.take() {
            r.stop().await;
        }
    }

    pub fn running(&self) -> &RunningHub {
        self.running.as_ref().expect("hub is not running")
    }

    pub fn grpc_addr(&self) -> SocketAddr {
        self.config.grpc_listen
    }

    pub fn http_base(&self) -> String {
        format!("http://{}", self.config.http_listen)
    }

    pub fn ca_file(&self) -> PathBuf {
        self.config.pki_dir().join("ca.pem")
    }

    pub fn store(&self) -> &portal_store::Store {
        &self.running().state.store
    }

    pub async fn add_tenant(&self, slug: &str, name: &str) -> anyhow::Result<portal_store::Tenant> {
        portal_hub::ops::add_tenant(&self.config, slug, name, "department").await
    }

    pub async fn issue_token(&self, slug: &str, ttl: &str) -> anyhow::Result<String> {
        Ok(portal_hub::ops::issue_token(&self.config, slug, Some(ttl))
            .await?
            .0)
    }

    pub async fn revoke(&self, agent_id: &str) -> anyhow::Result<()> {
        portal_hub::ops::revoke_agent(&self.config, agent_id).await
    }

    /// GETs a page, optionally with a `Host` header; returns status and body.
    pub async fn get(&self, path: &str, host: Option<&str>) -> anyhow::Result<(u16, String)> {
        let client = reqwest::Client::new();
        let mut req = client.get(format!("{}{path}", self.http_base()));
        if let Some(h) = host {
            req = req.header("host", h);
        }
        let resp = req.send().await?;
        let status = resp.status().as_u16();
        Ok((status, resp.text().await?))
    }

    /// Number of stored versions of one tenant's items.
    pub async fn version_count(&self, slug: &str) -> anyhow::Result<u64> {
        let t = self
            .store()
            .tenant_by_slug(slug)
            .await?
            .ok_or_else(|| anyhow::anyhow!("no tenant {slug}"))?;
        Ok(self.store().version_count(&t).await?)
    }

    /// How many entries the hub answered with `outcome` since it started.
    pub fn count(&self, outcome: portal_store::Outcome) -> u64 {
        self.running().state.counters.get(outcome)
    }
}
