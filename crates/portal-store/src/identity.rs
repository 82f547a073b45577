//! Enrollment tokens, agents, their certificates, revocation and heartbeats; and the one rule
//! that decides whether a verified certificate may act ([`authorise`]).

use portal_core::{TenantKind, UnixMillis};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};

use crate::entity::{agent, certificate, enrollment_token, tenant};
use crate::events::{Actor, AuditAction, audit};
use crate::tenants::parse_kind;
use crate::{Result, Store, StoreError, Tenant};

/// Why the store refuses a caller or a token. The messages are shown to agents as they are.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("agent {0} is not enrolled")]
    NotEnrolled(String),
    #[error("agent {0} has been revoked; ask the Provincial Office")]
    Revoked(String),
    #[error("certificate was not issued to this agent")]
    ForeignCertificate,
    #[error("certificate names another tenant than the agent's")]
    TenantMismatch,
    #[error("enrollment token is not valid")]
    TokenUnknown,
    #[error("enrollment token has already been used; ask the Provincial Office for a new one")]
    TokenUsed,
    #[error("enrollment token has expired; ask the Provincial Office for a new one")]
    TokenExpired,
}

/// What a verified client certificate says; checked against the store ([`authorise`]) before
/// anything is done for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgentClaims {
    pub agent_id: String,
    pub tenant_slug: String,
    pub serial_hex: String,
}

/// What a verified, unrevoked agent may act as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgentAuth {
    pub agent_id: String,
    pub tenant_id: i64,
    pub tenant_slug: String,
    /// Art 10 responsibilities follow the kind.
    pub tenant_kind: TenantKind,
}

/// An agent as the store knows it, for the rule.
#[derive(Debug, Clone, Copy)]
pub(crate) struct AgentFacts {
    pub tenant_id: i64,
    pub revoked: bool,
}

/// A tenant as the rule needs it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TenantFacts<'a> {
    pub id: i64,
    pub slug: &'a str,
    pub kind: TenantKind,
}

/// The authorisation rule, in one place for every path (a call checked on its own, and the
/// publish calls of a group checked inside the transaction that writes them): the agent the
/// certificate names exists and is not revoked, this exact certificate was issued to it, and
/// the tenant the certificate names is the agent's. Everything is asked of the store on every
/// call, so a revocation applies to connections opened before it.
pub(crate) fn authorise(
    claims: &AgentClaims,
    agent: Option<AgentFacts>,
    certificate_owner: Option<&str>,
    tenant: Option<TenantFacts<'_>>,
) -> std::result::Result<AgentAuth, Refusal> {
    let Some(agent) = agent else {
        return Err(Refusal::NotEnrolled(claims.agent_id.clone()));
    };
    if agent.revoked {
        return Err(Refusal::Revoked(claims.agent_id.clone()));
    }
    if certificate_owner != Some(claims.agent_id.as_str()) {
        return Err(Refusal::ForeignCertificate);
    }
    match tenant {
        Some(t) if t.id == agent.tenant_id && t.slug == claims.tenant_slug => Ok(AgentAuth {
            agent_id: claims.agent_id.clone(),
            tenant_id: t.id,
            tenant_slug: t.slug.to_string(),
            tenant_kind: t.kind,
        }),
        _ => Err(Refusal::TenantMismatch),
    }
}

/// The status an agent reports.
#[derive(Debug, Clone, Default)]
pub struct Heartbeat {
    pub agent_version: String,
    pub outbox_depth: i64,
    pub last_publish_at: Option<UnixMillis>,
    pub uptime_secs: i64,
}

/// A certificate the CA issued, as the store records it.
#[derive(Debug, Clone)]
pub struct IssuedSerial {
    pub serial_hex: String,
    pub not_after: UnixMillis,
}

/// An agent, for operators.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Agent {
    pub id: String,
    pub tenant_slug: String,
    pub name: String,
    pub created_at: UnixMillis,
    pub revoked_at: Option<UnixMillis>,
    /// Highest outbox sequence number committed for it.
    pub high_water_seq: i64,
    pub last_seen_at: Option<UnixMillis>,
    pub agent_version: Option<String>,
    /// As the agent reported it at `last_seen_at`.
    pub outbox_depth: Option<i64>,
    pub last_publish_at: Option<UnixMillis>,
    pub uptime_secs: Option<i64>,
}

fn at(ms: Option<i64>) -> Option<UnixMillis> {
    ms.map(UnixMillis::from_millis)
}

impl Store {
    /// Records a new enrollment token (by hash only) for a tenant.
    pub async fn add_enrollment_token(
        &self,
        tenant_slug: &str,
        token_hash: &str,
        expires_at: UnixMillis,
        actor: &Actor,
        now: UnixMillis,
    ) -> Result<Tenant> {
        let tenant = self
            .tenant_by_slug(tenant_slug)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("no tenant {tenant_slug:?}")))?;
        let _w = self.write_guard().await;
        let txn = self.begin_write().await?;
        enrollment_token::Entity::insert(enrollment_token::ActiveModel {
            tenant_id: Set(tenant.id),
            token_hash: Set(token_hash.to_string()),
            created_at: Set(now.as_millis()),
            expires_at: Set(expires_at.as_millis()),
            ..Default::default()
        })
        .exec_without_returning(&txn)
        .await?;
        audit(
            &txn,
            now,
            actor,
            AuditAction::TokenIssue,
            Some(tenant.id),
            tenant_slug,
            serde_json::json!({ "expires_at": expires_at.as_millis() }),
        )
        .await?;
        txn.commit().await?;
        Ok(tenant)
    }

    /// The tenant a token would enroll an agent for, or why it would not: a read, without the
    /// write lock, so that guessing tokens costs the writers of the hub nothing.
    pub async fn enrollment_token(&self, token_hash: &str, now: UnixMillis) -> Result<Tenant> {
        let token = enrollment_token::Entity::find()
            .filter(enrollment_token::Column::TokenHash.eq(token_hash))
            .one(&self.db)
            .await?
            .ok_or(StoreError::Refused(Refusal::TokenUnknown))?;
        check_token(&token, now)?;
        tenant::Entity::find_by_id(token.tenant_id)
            .one(&self.db)
            .await?
            .ok_or_else(|| StoreError::NotFound("the token's tenant no longer exists".into()))?
            .try_into()
    }

    /// Redeems a one-time token: in one transaction the token is marked used, the agent is
    /// created and its first certificate (issued by the caller for the tenant that
    /// [`Store::enrollment_token`] named) recorded. A token redeemed meanwhile refuses; the
    /// certificate issued for it is then never recorded, so it authorises nothing.
    pub async fn enroll_agent(
        &self,
        token_hash: &str,
        agent_id: &str,
        agent_name: &str,
        issued: &IssuedSerial,
        now: UnixMillis,
    ) -> Result<Tenant> {
        let _w = self.write_guard().await;
        let txn = self.begin_write().await?;
        let token = enrollment_token::Entity::find()
            .filter(enrollment_token::Column::TokenHash.eq(token_hash))
            .one(&txn)
            .await?
            .ok_or(StoreError::Refused(Refusal::TokenUnknown))?;
        check_token(&token, now)?;
        let tenant: Tenant = tenant::Entity::find_by_id(token.tenant_id)
            .one(&txn)
            .await?
            .ok_or_else(|| StoreError::NotFound("the token's tenant no longer exists".into()))?
            .try_into()?;
        // Guarded update: two concurrent redemptions cannot both succeed.
        let used = enrollment_token::Entity::update_many()
            .col_expr(
                enrollment_token::Column::UsedAt,
                Expr::value(now.as_millis()),
            )
            .col_expr(enrollment_token::Column::UsedByAgent, Expr::value(agent_id))
            .filter(enrollment_token::Column::Id.eq(token.id))
            .filter(enrollment_token::Column::UsedAt.is_null())
            .exec(&txn)
            .await?;
        if used.rows_affected != 1 {
            return Err(StoreError::Refused(Refusal::TokenUsed));
        }
        agent::Entity::insert(agent::ActiveModel {
            id: Set(agent_id.to_string()),
            tenant_id: Set(tenant.id),
            name: Set(agent_name.to_string()),
            created_at: Set(now.as_millis()),
            revoked_at: Set(None),
            high_water_seq: Set(0),
            last_seen_at: Set(None),
            agent_version: Set(None),
            outbox_depth: Set(None),
            last_publish_at: Set(None),
            uptime_secs: Set(None),
        })
        .exec_without_returning(&txn)
        .await?;
        insert_certificate(&txn, agent_id, issued, now).await?;
        audit(
            &txn,
            now,
            &Actor::Agent(agent_id.to_string()),
            AuditAction::AgentEnroll,
            Some(tenant.id),
            agent_id,
            serde_json::json!({ "name": agent_name, "serial": issued.serial_hex }),
        )
        .await?;
        txn.commit().await?;
        Ok(tenant)
    }

    /// Records failed enrollment attempts from one source address over a window: one entry
    /// per window, so that a flood of guesses costs one write, not one per guess.
    pub async fn record_enroll_failures(
        &self,
        source: &str,
        attempts: u64,
        since: UnixMillis,
        now: UnixMillis,
    ) -> Result<()> {
        let _w = self.write_guard().await;
        audit(
            &self.db,
            now,
            &Actor::Hub,
            AuditAction::EnrollFailed,
            None,
            source,
            serde_json::json!({ "attempts": attempts, "since": since.as_millis() }),
        )
        .await
    }

    /// Checks, on every call, the claims of a verified certificate against the store with
    /// [`authorise`] (one round trip).
    pub async fn authorise_agent(&self, claims: &AgentClaims) -> Result<AgentAuth> {
        use sea_orm::sea_query::{Alias, Query};
        let (a, c, t) = (
            Alias::new("agents"),
            Alias::new("certificates"),
            Alias::new("tenants"),
        );
        let q = Query::select()
            .expr_as(
                Expr::col((a.clone(), Alias::new("revoked_at"))),
                Alias::new("revoked_at"),
            )
            .expr_as(
                Expr::col((a.clone(), Alias::new("tenant_id"))),
                Alias::new("agent_tenant"),
            )
            .expr_as(
                Expr::col((c.clone(), Alias::new("agent_id"))),
                Alias::new("cert_agent"),
            )
            .expr_as(
                Expr::col((t.clone(), Alias::new("id"))),
                Alias::new("tenant_id"),
            )
            .expr_as(
                Expr::col((t.clone(), Alias::new("slug"))),
                Alias::new("tenant_slug"),
            )
            .expr_as(
                Expr::col((t.clone(), Alias::new("kind"))),
                Alias::new("tenant_kind"),
            )
            .from(a.clone())
            .left_join(
                t.clone(),
                Expr::col((t.clone(), Alias::new("id")))
                    .equals((a.clone(), Alias::new("tenant_id"))),
            )
            .left_join(
                c.clone(),
                Expr::col((c.clone(), Alias::new("serial")))
                    .eq(claims.serial_hex.as_str())
                    .and(
                        Expr::col((c.clone(), Alias::new("agent_id")))
                            .equals((a.clone(), Alias::new("id"))),
                    ),
            )
            .and_where(Expr::col((a, Alias::new("id"))).eq(claims.agent_id.as_str()))
            .to_owned();
        let row = self.db.query_one(&q).await?;
        let (agent, owner, tenant) = match &row {
            None => (None, None, None),
            Some(row) => {
                let revoked: Option<i64> = row.try_get("", "revoked_at")?;
                let agent_tenant: i64 = row.try_get("", "agent_tenant")?;
                let owner: Option<String> = row.try_get("", "cert_agent")?;
                let tenant_id: Option<i64> = row.try_get("", "tenant_id")?;
                let slug: Option<String> = row.try_get("", "tenant_slug")?;
                let kind: Option<String> = row.try_get("", "tenant_kind")?;
                let tenant = match (tenant_id, slug, kind) {
                    (Some(id), Some(slug), Some(kind)) => Some((id, slug, parse_kind(&kind)?)),
                    _ => None,
                };
                (
                    Some(AgentFacts {
                        tenant_id: agent_tenant,
                        revoked: revoked.is_some(),
                    }),
                    owner,
                    tenant,
                )
            }
        };
        authorise(
            claims,
            agent,
            owner.as_deref(),
            tenant.as_ref().map(|(id, slug, kind)| TenantFacts {
                id: *id,
                slug,
                kind: *kind,
            }),
        )
        .map_err(StoreError::Refused)
    }

    /// Records a renewed certificate for an agent that was just authorised; `rekeyed` when the
    /// new certificate is for another key than the one presented (key rotation).
    pub async fn record_renewal(
        &self,
        auth: &AgentAuth,
        issued: &IssuedSerial,
        rekeyed: bool,
        now: UnixMillis,
    ) -> Result<()> {
        let _w = self.write_guard().await;
        let txn = self.begin_write().await?;
        insert_certificate(&txn, &auth.agent_id, issued, now).await?;
        audit(
            &txn,
            now,
            &Actor::Agent(auth.agent_id.clone()),
            if rekeyed {
                AuditAction::AgentRekey
            } else {
                AuditAction::AgentRenew
            },
            Some(auth.tenant_id),
            &auth.agent_id,
            serde_json::json!({
                "serial": issued.serial_hex,
                "not_after": issued.not_after.as_millis(),
            }),
        )
        .await?;
        txn.commit().await?;
        Ok(())
    }

    /// Revokes an agent: every certificate it holds stops working on its next call.
    pub async fn revoke_agent(&self, agent_id: &str, actor: &Actor, now: UnixMillis) -> Result<()> {
        let _w = self.write_guard().await;
        let txn = self.begin_write().await?;
        let Some(a) = agent::Entity::find_by_id(agent_id).one(&txn).await? else {
            return Err(StoreError::NotFound(format!("no agent {agent_id:?}")));
        };
        if a.revoked_at.is_none() {
            agent::Entity::update_many()
                .col_expr(agent::Column::RevokedAt, Expr::value(now.as_millis()))
                .filter(agent::Column::Id.eq(agent_id))
                .exec(&txn)
                .await?;
        }
        audit(
            &txn,
            now,
            actor,
            AuditAction::AgentRevoke,
            Some(a.tenant_id),
            agent_id,
            serde_json::json!({}),
        )
        .await?;
        txn.commit().await?;
        Ok(())
    }

    /// Stores an agent's reported status and when it was last heard from; returns the agent's
    /// high-water sequence number (what the hub has committed from it), which the heartbeat
    /// answers with.
    pub async fn record_heartbeat(
        &self,
        agent_id: &str,
        hb: &Heartbeat,
        now: UnixMillis,
    ) -> Result<i64> {
        let _w = self.write_guard().await;
        let res = agent::Entity::update_many()
            .col_expr(agent::Column::LastSeenAt, Expr::value(now.as_millis()))
            .col_expr(
                agent::Column::AgentVersion,
                Expr::value(hb.agent_version.clone()),
            )
            .col_expr(agent::Column::OutboxDepth, Expr::value(hb.outbox_depth))
            .col_expr(
                agent::Column::LastPublishAt,
                Expr::value(hb.last_publish_at.map(UnixMillis::as_millis)),
            )
            .col_expr(agent::Column::UptimeSecs, Expr::value(hb.uptime_secs))
            .filter(agent::Column::Id.eq(agent_id))
            .exec_with_returning(&self.db)
            .await?;
        res.first()
            .map(|a| a.high_water_seq)
            .ok_or_else(|| StoreError::NotFound(format!("no agent {agent_id:?}")))
    }

    /// All agents of all tenants, for operators: by tenant, oldest first.
    pub async fn agents(&self) -> Result<Vec<Agent>> {
        let slugs: std::collections::HashMap<i64, String> = tenant::Entity::find()
            .all(&self.db)
            .await?
            .into_iter()
            .map(|t| (t.id, t.slug))
            .collect();
        let mut agents: Vec<Agent> = agent::Entity::find()
            .order_by_asc(agent::Column::CreatedAt)
            .all(&self.db)
            .await?
            .into_iter()
            .map(|a| agent_view(a, &slugs))
            .collect();
        agents.sort_by(|a, b| a.tenant_slug.cmp(&b.tenant_slug));
        Ok(agents)
    }

    /// One agent, for operators.
    pub async fn agent(&self, agent_id: &str) -> Result<Option<Agent>> {
        let Some(a) = agent::Entity::find_by_id(agent_id).one(&self.db).await? else {
            return Ok(None);
        };
        let slugs = tenant::Entity::find_by_id(a.tenant_id)
            .one(&self.db)
            .await?
            .map(|t| (t.id, t.slug))
            .into_iter()
            .collect();
        Ok(Some(agent_view(a, &slugs)))
    }
}

fn agent_view(a: agent::Model, slugs: &std::collections::HashMap<i64, String>) -> Agent {
    Agent {
        tenant_slug: slugs
            .get(&a.tenant_id)
            .cloned()
            .unwrap_or_else(|| format!("(tenant {} gone)", a.tenant_id)),
        id: a.id,
        name: a.name,
        created_at: UnixMillis::from_millis(a.created_at),
        revoked_at: at(a.revoked_at),
        high_water_seq: a.high_water_seq,
        last_seen_at: at(a.last_seen_at),
        agent_version: a.agent_version,
        outbox_depth: a.outbox_depth,
        last_publish_at: at(a.last_publish_at),
        uptime_secs: a.uptime_secs,
    }
}

fn check_token(token: &enrollment_token::Model, now: UnixMillis) -> Result<()> {
    if token.used_at.is_some() {
        return Err(StoreError::Refused(Refusal::TokenUsed));
    }
    if token.expires_at <= now.as_millis() {
        return Err(StoreError::Refused(Refusal::TokenExpired));
    }
    Ok(())
}

async fn insert_certificate<C: ConnectionTrait>(
    c: &C,
    agent_id: &str,
    issued: &IssuedSerial,
    now: UnixMillis,
) -> Result<()> {
    certificate::Entity::insert(certificate::ActiveModel {
        serial: Set(issued.serial_hex.clone()),
        agent_id: Set(agent_id.to_string()),
        issued_at: Set(now.as_millis()),
        not_after: Set(issued.not_after.as_millis()),
    })
    .exec_without_returning(c)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims() -> AgentClaims {
        AgentClaims {
            agent_id: "a1".into(),
            tenant_slug: "stc".into(),
            serial_hex: "01".into(),
        }
    }

    #[test]
    fn the_rule_refuses_each_broken_claim_with_its_reason() {
        let tenant = Some(TenantFacts {
            id: 7,
            slug: "stc",
            kind: TenantKind::Department,
        });
        let agent = Some(AgentFacts {
            tenant_id: 7,
            revoked: false,
        });
        let ok = authorise(&claims(), agent, Some("a1"), tenant).unwrap();
        assert_eq!((ok.tenant_id, ok.tenant_slug.as_str()), (7, "stc"));
        assert_eq!(
            authorise(&claims(), None, Some("a1"), tenant),
            Err(Refusal::NotEnrolled("a1".into()))
        );
        let revoked = Some(AgentFacts {
            tenant_id: 7,
            revoked: true,
        });
        assert_eq!(
            authorise(&claims(), revoked, Some("a1"), tenant),
            Err(Refusal::Revoked("a1".into()))
        );
        assert_eq!(
            authorise(&claims(), agent, Some("a2"), tenant),
            Err(Refusal::ForeignCertificate)
        );
        assert_eq!(
            authorise(&claims(), agent, None, tenant),
            Err(Refusal::ForeignCertificate)
        );
        let other = Some(TenantFacts {
            id: 8,
            slug: "sxd",
            kind: TenantKind::Department,
        });
        assert_eq!(
            authorise(&claims(), agent, Some("a1"), other),
            Err(Refusal::TenantMismatch)
        );
        // The agent's tenant row carries another slug than the certificate.
        let renamed = Some(TenantFacts {
            id: 7,
            slug: "sxd",
            kind: TenantKind::Department,
        });
        assert_eq!(
            authorise(&claims(), agent, Some("a1"), renamed),
            Err(Refusal::TenantMismatch)
        );
    }
}
