//! Operator commands that act on the data dir directly: tenants, tokens, agents.

use base64::Engine;
use portal_core::TenantKind;

use crate::config::HubConfig;
use crate::now_ms;

fn operator() -> String {
    let user = std::env::var("SUDO_USER")
        .or_else(|_| std::env::var("USER"))
        .unwrap_or_else(|_| "cli".into());
    format!("operator:{user}")
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
    let kind = TenantKind::parse(kind).ok_or_else(|| {
        anyhow::anyhow!("--kind must be provincial_office, department, district or unit")
    })?;
    let name = portal_core::text::normalize_line(name);
    anyhow::ensure!(!name.is_empty(), "--name must not be empty");
    let s = store(cfg).await?;
    let t = s
        .add_tenant(slug, &name, kind.as_str(), &operator(), now_ms())
        .await?;
    s.close().await?;
    Ok(t)
}

/// `token issue`: returns the token, which is shown once and stored only as a hash.
pub async fn issue_token(
    cfg: &HubConfig,
    tenant: &str,
    ttl: Option<&str>,
) -> anyhow::Result<(String, i64)> {
    let ttl = ttl.unwrap_or(&cfg.token_ttl);
    let secs = portal_core::duration::parse_duration_secs(ttl)
        .map_err(|e| anyhow::anyhow!("--ttl: {e}"))?;
    let bytes: [u8; 32] = rand::random();
    let token = format!(
        "ptk_{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    );
    let now = now_ms();
    let expires = now + secs * 1000;
    let s = store(cfg).await?;
    s.add_enrollment_token(
        tenant,
        &crate::grpc::token_hash(&token),
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
    s.revoke_agent(id, &operator(), now_ms()).await?;
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
pub async fn list_agents(
    cfg: &HubConfig,
) -> anyhow::Result<Vec<portal_store::entity::agent::Model>> {
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
        .load_category_registry(registry.version as i32, &text, &operator(), now_ms())
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
