//! Real `portal-agent` processes, and gRPC clients holding an agent's identity.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use portal_proto::v1::agent_service_client::AgentServiceClient;
use tonic::transport::Channel;

use crate::TestHub;

/// Path of a workspace binary built next to the running test (run `cargo build --bins` first;
/// `make test` does).
pub fn bin(name: &str) -> PathBuf {
    let exe = std::env::current_exe().expect("current exe");
    // Tests live in target/<profile>/deps, binaries such as portal-bench in target/<profile>.
    let here = exe.parent().expect("exe dir");
    let dir = if here.ends_with("deps") {
        here.parent().expect("target dir")
    } else {
        here
    };
    let p = dir.join(name);
    assert!(
        p.exists(),
        "{} not found: build the binaries first (cargo build --bins)",
        p.display()
    );
    p
}

/// Fast loops for tests (appended to agent.toml by [`AgentProcess::enroll`]); everything else
/// as shipped.
const FAST_LOOPS: &str = "scan_interval_ms = 100\nbackoff_initial_ms = 50\nbackoff_max_ms = 500\nheartbeat_interval_secs = 2\n";

/// An enrolled agent with its own data dir and content folder, run as a child process.
pub struct AgentProcess {
    pub dir: tempfile::TempDir,
    pub agent_id: String,
    pub tenant: String,
    child: Option<Child>,
    envs: Vec<(String, String)>,
}

impl AgentProcess {
    /// Enrolls a new agent for `slug` with the real `portal-agent enroll`.
    pub async fn enroll(hub: &TestHub, slug: &str) -> anyhow::Result<Self> {
        let token = hub.issue_token(slug, "10m").await?;
        let dir = tempfile::tempdir()?;
        std::fs::create_dir_all(dir.path().join("content"))?;
        // As the README says: from a file, so that the token never shows in `ps`.
        let token_file = dir.path().join("token");
        std::fs::write(&token_file, format!("{token}\n"))?;
        let out = run_agent_cmd(
            dir.path(),
            &[
                "enroll",
                "--hub",
                &hub.grpc_addr().to_string(),
                "--token-file",
                &token_file.display().to_string(),
                "--ca-file",
                &hub.ca_file().display().to_string(),
                "--name",
                &format!("test-{slug}"),
                "--content-dir",
                &dir.path().join("content").display().to_string(),
            ],
        )
        .await?;
        anyhow::ensure!(
            out.status.success(),
            "enroll failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let info: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(
            dir.path().join("data/identity.json"),
        )?)?;
        let mut cfg = std::fs::read_to_string(dir.path().join("data/agent.toml"))?;
        cfg.push_str(FAST_LOOPS);
        std::fs::write(dir.path().join("data/agent.toml"), cfg)?;
        Ok(Self {
            agent_id: info["agent_id"].as_str().unwrap_or_default().to_string(),
            tenant: info["tenant"].as_str().unwrap_or_default().to_string(),
            dir,
            child: None,
            envs: Vec::new(),
        })
    }

    pub fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    pub fn content_dir(&self) -> PathBuf {
        self.dir.path().join("content")
    }

    /// Appends a line to agent.toml (e.g. `batch_size = 5`).
    pub fn configure(&self, line: &str) -> anyhow::Result<()> {
        let p = self.data_dir().join("agent.toml");
        let mut cfg = std::fs::read_to_string(&p)?;
        cfg.push_str(line);
        cfg.push('\n');
        std::fs::write(p, cfg)?;
        Ok(())
    }

    /// Drops the tests' fast loops from agent.toml: the agent then runs as shipped (for
    /// benchmarks).
    pub fn shipped_settings(&self) -> anyhow::Result<()> {
        let p = self.data_dir().join("agent.toml");
        let cfg = std::fs::read_to_string(&p)?;
        std::fs::write(p, cfg.replace(FAST_LOOPS, ""))?;
        Ok(())
    }

    /// The running agent's process id.
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    /// Sets an environment variable for the next [`Self::start`].
    pub fn env(&mut self, k: &str, v: &str) {
        self.envs.push((k.into(), v.into()));
    }

    pub fn clear_env(&mut self) {
        self.envs.clear();
    }

    /// Writes an item file into the content folder atomically (temp file + rename), as a CMS
    /// export should.
    pub fn write_file(&self, name: &str, text: &str) -> anyhow::Result<()> {
        let tmp = self.content_dir().join(format!(".{name}.tmp"));
        std::fs::write(&tmp, text)?;
        std::fs::rename(tmp, self.content_dir().join(name))?;
        Ok(())
    }

    /// Starts `portal-agent run`.
    pub fn start(&mut self) -> anyhow::Result<()> {
        anyhow::ensure!(self.child.is_none(), "agent already running");
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.dir.path().join("agent.log"))?;
        let mut cmd = Command::new(bin("portal-agent"));
        cmd.arg("--data-dir")
            .arg(self.data_dir())
            .arg("run")
            .env("RUST_LOG", "info")
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log);
        for (k, v) in &self.envs {
            cmd.env(k, v);
        }
        self.child = Some(cmd.spawn()?);
        Ok(())
    }

    /// Kills the agent with SIGKILL, as a power cut or the OOM killer would.
    pub fn kill9(&mut self) {
        if let Some(mut c) = self.child.take() {
            // SAFETY: sending a signal to our own child process.
            unsafe {
                libc::kill(c.id() as i32, libc::SIGKILL);
            }
            let _ = c.wait();
        }
    }

    /// Whether the agent process has exited (e.g. after a fault-injection abort).
    pub fn exited(&mut self) -> bool {
        match self.child.as_mut().map(|c| c.try_wait()) {
            Some(Ok(Some(_))) | None => {
                self.child = None;
                true
            }
            _ => false,
        }
    }

    /// Stops the agent with SIGTERM and waits for it.
    pub fn stop(&mut self) {
        if let Some(mut c) = self.child.take() {
            // SAFETY: sending a signal to our own child process.
            unsafe {
                libc::kill(c.id() as i32, libc::SIGTERM);
            }
            let _ = c.wait();
        }
    }

    /// The agent process's highest resident memory so far (VmHWM), in KiB.
    pub fn peak_rss_kib(&self) -> Option<u64> {
        let pid = self.child.as_ref()?.id();
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
    }

    /// The agent's log so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("agent.log")).unwrap_or_default()
    }

    /// Output of `portal-agent status`.
    pub async fn status(&self) -> anyhow::Result<String> {
        let out = run_agent_cmd_in(&self.data_dir(), &["status"]).await?;
        Ok(String::from_utf8_lossy(&out.stdout).to_string())
    }

    /// What this agent's certificate claims (agent, tenant, serial), as the hub reads it.
    pub fn claims(&self) -> anyhow::Result<portal_store::AgentClaims> {
        let pem = std::fs::read_to_string(self.data_dir().join("agent.pem"))?;
        let der = portal_pki::certs_from_pem(&pem)?.remove(0);
        let peer = portal_pki::peer_certificate_from_der(&der)?;
        Ok(portal_store::AgentClaims {
            agent_id: peer.identity.agent_id,
            tenant_slug: peer.identity.tenant,
            serial_hex: peer.serial_hex,
        })
    }

    /// Entries waiting in the agent's outbox (read through the agent's own outbox code).
    pub async fn outbox_depth(&self) -> anyhow::Result<u64> {
        let ob = portal_agent::outbox::Outbox::open(&self.data_dir()).await?;
        let d = ob.depth().await?;
        ob.close().await?;
        Ok(d)
    }
}

impl Drop for AgentProcess {
    fn drop(&mut self) {
        self.kill9();
    }
}

async fn run_agent_cmd(root: &Path, args: &[&str]) -> anyhow::Result<std::process::Output> {
    run_agent_cmd_in(&root.join("data"), args).await
}

async fn run_agent_cmd_in(data: &Path, args: &[&str]) -> anyhow::Result<std::process::Output> {
    let out = tokio::time::timeout(
        Duration::from_secs(60),
        tokio::process::Command::new(bin("portal-agent"))
            .arg("--data-dir")
            .arg(data)
            .args(args)
            .output(),
    )
    .await??;
    Ok(out)
}

/// A gRPC client presenting the identity stored in an agent's data dir.
pub async fn agent_client(agent: &AgentProcess) -> anyhow::Result<AgentServiceClient<Channel>> {
    let cfg = portal_agent::AgentConfig::load(None, Some(&agent.data_dir()))?;
    Ok(AgentServiceClient::new(
        portal_agent::uplink::connect_mtls(&cfg).await?,
    ))
}
