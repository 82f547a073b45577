//! Enrollment (token -> certificate) and renewal (certificate -> new certificate, same key).

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context;
use portal_proto::timestamp_to;
use portal_proto::v1::enroll_service_client::EnrollServiceClient;
use portal_proto::v1::{EnrollRequest, RenewRequest};
use tonic::transport::Channel;

use crate::config::{AgentConfig, host_of};
use crate::identity::{IdentityFiles, IdentityInfo, write_atomic};

pub struct EnrollOptions {
    pub data_dir: PathBuf,
    pub hub: String,
    pub hub_name: Option<String>,
    pub token: String,
    pub ca_file: PathBuf,
    pub name: String,
    pub content_dir: Option<PathBuf>,
}

/// Enrolls: makes a key here, sends only a CSR, stores the certificate the hub returns, and
/// writes `agent.toml` (when absent) so that `portal-agent run` needs no more flags.
pub async fn enroll(opts: &EnrollOptions) -> anyhow::Result<IdentityInfo> {
    let files = IdentityFiles::new(&opts.data_dir);
    anyhow::ensure!(
        !files.exists(),
        "{} already holds an enrolled agent; use another --data-dir or remove it first",
        opts.data_dir.display()
    );
    create_private_dir(&opts.data_dir)?;
    let ca = std::fs::read_to_string(&opts.ca_file)
        .with_context(|| format!("reading the hub CA from {}", opts.ca_file.display()))?;
    let hub_name = opts
        .hub_name
        .clone()
        .unwrap_or_else(|| host_of(&opts.hub).to_string());
    let key = portal_pki::generate_agent_key(&opts.name)?;
    let channel =
        crate::uplink::connect(&opts.hub, &hub_name, &ca, None, Duration::from_secs(30)).await?;
    let resp = EnrollServiceClient::new(channel)
        .enroll(EnrollRequest {
            token: opts.token.trim().to_string(),
            csr_der: key.csr_der,
            agent_name: opts.name.clone(),
        })
        .await
        .map_err(|s| anyhow::anyhow!("enrollment refused: {}", s.message()))?
        .into_inner();
    let info = IdentityInfo {
        agent_id: resp.agent_id,
        tenant: resp.tenant_slug,
        domain: resp.domain,
        not_after_ms: resp
            .not_after
            .as_ref()
            .map_or(0, |t| timestamp_to(t).as_millis()),
    };
    files.store(
        &key.key_pem,
        &resp.certificate_pem,
        &resp.ca_certificate_pem,
        &info,
    )?;
    let config = opts.data_dir.join("agent.toml");
    if !config.exists() {
        let mut text = format!(
            "# portal-agent configuration; every key is explained in deploy/agent.example.toml.\nhub = {:?}\nhub_name = {:?}\n",
            opts.hub, hub_name
        );
        if let Some(dir) = &opts.content_dir {
            text.push_str(&format!(
                "content_dir = {:?}\n",
                std::path::absolute(dir)?.display().to_string()
            ));
        }
        write_atomic(&config, text.as_bytes(), 0o644)?;
    }
    Ok(info)
}

fn create_private_dir(p: &Path) -> anyhow::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(p)
        .with_context(|| format!("cannot create {}", p.display()))
}

/// Renews the certificate over the current mutual-TLS channel, keeping the same key (so only
/// the certificate file changes, atomically).
pub async fn renew(cfg: &AgentConfig, channel: Channel) -> anyhow::Result<()> {
    let files = IdentityFiles::new(&cfg.data_dir);
    let mut info = files.load_info()?;
    let key_pem = std::fs::read_to_string(&files.key)?;
    let key = rcgen::KeyPair::from_pem(&key_pem)?;
    let csr = portal_pki::generate_csr(&key, &info.agent_id)?;
    let resp = EnrollServiceClient::new(channel)
        .renew(RenewRequest { csr_der: csr })
        .await
        .map_err(|s| anyhow::anyhow!("renewal refused: {}", s.message()))?
        .into_inner();
    write_atomic(&files.cert, resp.certificate_pem.as_bytes(), 0o644)?;
    info.not_after_ms = resp
        .not_after
        .as_ref()
        .map_or(0, |t| timestamp_to(t).as_millis());
    write_atomic(
        &files.info,
        serde_json::to_string_pretty(&info)?.as_bytes(),
        0o644,
    )?;
    tracing::info!(not_after_ms = info.not_after_ms, "certificate renewed");
    Ok(())
}
