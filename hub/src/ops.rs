//! Operator commands that act on the data dir directly: tenants, tokens, agents.

use base64::Engine;
use portal_core::TenantKind;
use portal_store::Actor;

use crate::config::HubConfig;
use crate::state::now;

fn operator() -> Actor {
    let user = std::env::var("SUDO_USER")
        .or_else(|_| std::env::var("USER"))
        .unwrap_or_else(|_| "cli".into());
    Actor::Operator(user)
}

async fn store(cfg: &HubConfig) -> anyhow::Result<portal_store::Store> {
    Ok(portal_store::Store::open(&cfg.database_url()).await?)
}

/// `tenant add`.
pub async fn add_tenant(
    cfg: &HubConfig,
    slug: &str,
    name: &str,
    kind: &str,
) -> anyhow::Result<portal_store::Tenant> {
    portal_core::validate_slug(slug).map_err(|e| anyhow::anyhow!("--slug: {e}"))?;
    let kind: TenantKind = kind.parse().map_err(|e| anyhow::anyhow!("--kind: {e}"))?;
    let name = portal_core::text::normalize_line(name);
    anyhow::ensure!(!name.is_empty(), "--name must not be empty");
    let s = store(cfg).await?;
    let t = s.add_tenant(slug, &name, kind, &operator(), now()).await?;
    s.close().await?;
    Ok(t)
}

/// `token issue`: returns the token, which is shown once and stored only as a hash.
pub async fn issue_token(
    cfg: &HubConfig,
    tenant: &str,
    ttl: Option<&str>,
) -> anyhow::Result<(String, portal_core::UnixMillis)> {
    let ttl = match ttl {
        Some(t) => {
            portal_core::duration::parse_duration(t).map_err(|e| anyhow::anyhow!("--ttl: {e}"))?
        }
        None => cfg.token_ttl.get(),
    };
    let bytes: [u8; 32] = rand::random();
    let token = format!(
        "ptk_{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    );
    let now = now();
    let expires = now.saturating_add(ttl);
    let s = store(cfg).await?;
    s.add_enrollment_token(
        tenant,
        &crate::service::token_hash(&token),
        expires,
        &operator(),
        now,
    )
    .await?;
    s.close().await?;
    Ok((token, expires))
}

/// `agent revoke`.
pub async fn revoke_agent(cfg: &HubConfig, id: &str) -> anyhow::Result<()> {
    let s = store(cfg).await?;
    s.revoke_agent(id, &operator(), now()).await?;
    s.close().await?;
    Ok(())
}

/// `tenant list`.
pub async fn list_tenants(cfg: &HubConfig) -> anyhow::Result<Vec<portal_store::Tenant>> {
    let s = store(cfg).await?;
    let t = s.tenants().await?;
    s.close().await?;
    Ok(t)
}

/// `agent list`.
pub async fn list_agents(cfg: &HubConfig) -> anyhow::Result<Vec<portal_store::Agent>> {
    let s = store(cfg).await?;
    let a = s.agents().await?;
    s.close().await?;
    Ok(a)
}

/// `categories load FILE`: checks a registry file and makes it the one in force (kept as a new
/// version; loading the same file again changes nothing). Returns (version, categories, changed).
pub async fn load_categories(
    cfg: &HubConfig,
    path: &std::path::Path,
) -> anyhow::Result<(u32, usize, bool)> {
    let text =
        std::fs::read_to_string(path).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    let registry = portal_core::category::Registry::from_toml(&text)
        .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    let s = store(cfg).await?;
    let changed = s
        .load_category_registry(registry.version as i32, &text, &operator(), now())
        .await?;
    s.close().await?;
    Ok((registry.version, registry.categories.len(), changed))
}

/// `categories list`: the registry in force.
pub async fn list_categories(cfg: &HubConfig) -> anyhow::Result<portal_core::category::Registry> {
    let s = store(cfg).await?;
    let r = crate::load_registry(&s).await?;
    s.close().await?;
    Ok(r)
}

/// `agent list` as a table: tenants by slug, times with their zone, and the outbox depth the
/// agent reported at its last heartbeat.
pub fn agent_table(agents: &[portal_store::Agent]) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<32}  {:<16}  {:<20}  {:<7}  {:<26}  {:>6}  VERSION",
        "AGENT", "TENANT", "NAME", "STATE", "LAST HEARTBEAT", "OUTBOX"
    );
    for a in agents {
        let _ = writeln!(
            out,
            "{:<32}  {:<16}  {:<20}  {:<7}  {:<26}  {:>6}  {}",
            a.id,
            a.tenant_slug,
            crate::service::clip(&a.name, 20),
            if a.revoked_at.is_some() {
                "REVOKED"
            } else {
                "active"
            },
            a.last_seen_at
                .map(|t| t.to_operator_time())
                .unwrap_or_else(|| "never".into()),
            a.outbox_depth
                .map(|d| d.to_string())
                .unwrap_or_else(|| "-".into()),
            a.agent_version.as_deref().unwrap_or("-"),
        );
    }
    out
}
