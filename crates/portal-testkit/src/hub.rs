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

    /// Adds a tenant of another kind (`district`, `unit`, `provincial_office`).
    pub async fn add_tenant_of_kind(
        &self,
        slug: &str,
        name: &str,
        kind: &str,
    ) -> anyhow::Result<portal_store::Tenant> {
        portal_hub::ops::add_tenant(&self.config, slug, name, kind).await
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

impl TestHub {
    /// Stores an item the way an older hub (or a bug in ingest) might have accepted it: the
    /// draft is validated with a placeholder body, then `body` is put in unchecked. For tests of
    /// what pages do with any stored text. The cache is told, as ingest would.
    pub async fn store_unchecked(
        &self,
        agent: &crate::AgentProcess,
        seq: i64,
        mut draft: portal_core::ItemDraft,
        body: &str,
    ) -> anyhow::Result<()> {
        let auth = self.store().authorise_agent(&agent.claims()?).await?;
        draft.body_markdown = "x".into();
        let now = portal_hub::state::now();
        let mut item = draft
            .validate(now.as_millis())
            .map_err(|e| anyhow::anyhow!("{e:?}"))?;
        item.body_markdown = body.to_string();
        item.rehash();
        let id = item.id.clone();
        let r = self
            .store()
            .publish(
                &auth,
                vec![portal_store::IngestEntry {
                    seq,
                    item_id: item.id.clone(),
                    item: Ok(item),
                }],
                portal_core::ProvinceReview::Approved,
                now,
            )
            .await?;
        anyhow::ensure!(r[0].outcome == portal_store::Outcome::Accepted, "{r:?}");
        let cache = &self.running().state.cache;
        cache.item_changed(&auth.tenant_slug, &id);
        cache.tenant_changed(&auth.tenant_slug);
        Ok(())
    }
}

/// A real `portal-hub serve` process on a [`TestHub`]'s data dir and ports (stop the in-process
/// hub first), killed when dropped.
pub struct HubProcess {
    child: std::process::Child,
    pub log: PathBuf,
}

impl TestHub {
    /// Runs `portal-hub serve` on this hub's data dir and ports, with extra `PORTAL_HUB_*`
    /// settings and, if given, a limit on the process's open files (soft and hard). Returns
    /// once both ports accept connections.
    pub async fn spawn_process(
        &self,
        settings: &[(&str, &str)],
        open_files: Option<u64>,
    ) -> anyhow::Result<HubProcess> {
        use std::os::unix::process::CommandExt;
        anyhow::ensure!(self.running.is_none(), "stop the in-process hub first");
        let log = self.dir.path().join("hub-process.log");
        let out = std::fs::File::create(&log)?;
        let mut cmd = std::process::Command::new(crate::bin("portal-hub"));
        cmd.arg("--data-dir")
            .arg(self.dir.path().join("hub"))
            .arg("serve")
            .env(
                "PORTAL_HUB_GRPC_LISTEN",
                self.config.grpc_listen.to_string(),
            )
            .env(
                "PORTAL_HUB_HTTP_LISTEN",
                self.config.http_listen.to_string(),
            )
            .env("RUST_LOG", "info")
            .stdout(std::process::Stdio::null())
            .stderr(out);
        for (k, v) in settings {
            cmd.env(format!("PORTAL_HUB_{}", k.to_ascii_uppercase()), v);
        }
        if let Some(n) = open_files {
            // SAFETY: setrlimit is async-signal-safe; it runs in the child before exec.
            unsafe {
                cmd.pre_exec(move || {
                    let lim = libc::rlimit {
                        rlim_cur: n,
                        rlim_max: n,
                    };
                    if libc::setrlimit(libc::RLIMIT_NOFILE, &lim) == 0 {
                        Ok(())
                    } else {
                        Err(std::io::Error::last_os_error())
                    }
                });
            }
        }
        let child = cmd.spawn()?;
        let process = HubProcess { child, log };
        for addr in [self.config.grpc_listen, self.config.http_listen] {
            crate::wait_for(
                "the hub process",
                std::time::Duration::from_secs(30),
                || async move { Ok(tokio::net::TcpStream::connect(addr).await.ok().map(|_| ())) },
            )
            .await?;
        }
        Ok(process)
    }
}

impl HubProcess {
    /// SIGKILL, as a power cut or the OOM killer would.
    pub fn kill9(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// What the process logged so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for HubProcess {
    fn drop(&mut self) {
        self.kill9();
    }
}
