//! Enrollment tokens, agents, their certificates, revocation and heartbeats.

use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};

use crate::entity::{agent, certificate, enrollment_token, tenant};
use crate::{Result, Store, StoreError, Tenant, audit};

/// An agent that has just enrolled.
#[derive(Debug, Clone)]
pub struct EnrolledAgent {
    pub agent_id: String,
    pub tenant: Tenant,
}

/// What a verified, unrevoked agent may act as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgentAuth {
    pub agent_id: String,
    pub tenant_id: i64,
    pub tenant_slug: String,
    /// `provincial_office`, `department`, `district` or `unit` (Art 10 responsibilities).
    pub tenant_kind: String,
}

/// The status an agent reports.
#[derive(Debug, Clone, Default)]
pub struct Heartbeat {
    pub agent_version: String,
    pub outbox_depth: i64,
    pub last_publish_at: Option<i64>,
    pub uptime_secs: i64,
}

/// A certificate the CA issued, as the store records it.
pub struct IssuedSerial {
    pub serial_hex: String,
    pub not_after: i64,
}

impl Store {
    /// Records a new enrollment token (by hash only) for a tenant.
    pub async fn add_enrollment_token(
        &self,
        tenant_slug: &str,
        token_hash: &str,
        expires_at: i64,
        actor: &str,
        now: i64,
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
            created_at: Set(now),
            expires_at: Set(expires_at),
            ..Default::default()
        })
        .exec_without_returning(&txn)
        .await?;
        audit(
            &txn,
            now,
            actor,
            "token.issue",
            Some(tenant.id),
            tenant_slug,
            serde_json::json!({ "expires_at": expires_at }),
        )
        .await?;
        txn.commit().await?;
        Ok(tenant)
    }

    /// Redeems a one-time token: in one transaction the token is marked used, the agent is
    /// created and its first certificate recorded. `sign` issues the certificate once the
    /// tenant is known; if it fails, nothing is written and the token stays usable.
    pub async fn enroll_agent<F>(
        &self,
        token_hash: &str,
        agent_id: &str,
        agent_name: &str,
        now: i64,
        sign: F,
    ) -> Result<(EnrolledAgent, String)>
    where
        F: FnOnce(&Tenant) -> std::result::Result<(String, IssuedSerial), String>,
    {
        let _w = self.write_guard().await;
        let txn = self.begin_write().await?;
        let token = enrollment_token::Entity::find()
            .filter(enrollment_token::Column::TokenHash.eq(token_hash))
            .one(&txn)
            .await?
            .ok_or_else(|| StoreError::Refused("enrollment token is not valid".into()))?;
        if token.used_at.is_some() {
            return Err(StoreError::Refused(
                "enrollment token has already been used; ask the Provincial Office for a new one"
                    .into(),
            ));
        }
        if token.expires_at <= now {
            return Err(StoreError::Refused(
                "enrollment token has expired; ask the Provincial Office for a new one".into(),
            ));
        }
        let tenant: Tenant = tenant::Entity::find_by_id(token.tenant_id)
            .one(&txn)
            .await?
            .ok_or_else(|| StoreError::NotFound("token's tenant no longer exists".into()))?
            .into();
        let (cert_pem, issued) = sign(&tenant).map_err(StoreError::Refused)?;
        // Guarded update: two concurrent redemptions cannot both succeed.
        let used = enrollment_token::Entity::update_many()
            .col_expr(enrollment_token::Column::UsedAt, Expr::value(now))
            .col_expr(enrollment_token::Column::UsedByAgent, Expr::value(agent_id))
            .filter(enrollment_token::Column::Id.eq(token.id))
            .filter(enrollment_token::Column::UsedAt.is_null())
            .exec(&txn)
            .await?;
        if used.rows_affected != 1 {
            return Err(StoreError::Refused(
                "enrollment token has already been used".into(),
            ));
        }
        agent::Entity::insert(agent::ActiveModel {
            id: Set(agent_id.to_string()),
            tenant_id: Set(tenant.id),
            name: Set(agent_name.to_string()),
            created_at: Set(now),
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
        insert_certificate(&txn, agent_id, &issued, now).await?;
        audit(
            &txn,
            now,
            &format!("agent:{agent_id}"),
            "agent.enroll",
            Some(tenant.id),
            agent_id,
            serde_json::json!({ "name": agent_name, "serial": issued.serial_hex }),
        )
        .await?;
        txn.commit().await?;
        Ok((
            EnrolledAgent {
                agent_id: agent_id.to_string(),
                tenant,
            },
            cert_pem,
        ))
    }

    /// Checks, on every call, that the certificate's agent exists, belongs to the tenant the
    /// certificate names, is not revoked, and that this exact certificate was issued to it.
    pub async fn authorize_agent(
        &self,
        agent_id: &str,
        tenant_slug: &str,
        serial_hex: &str,
    ) -> Result<AgentAuth> {
        use sea_orm::sea_query::{Alias, Query};
        // One round trip: this runs on every agent call.
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
            .inner_join(
                t.clone(),
                Expr::col((t.clone(), Alias::new("id")))
                    .equals((a.clone(), Alias::new("tenant_id"))),
            )
            .left_join(
                c.clone(),
                Expr::col((c.clone(), Alias::new("serial")))
                    .eq(serial_hex)
                    .and(
                        Expr::col((c.clone(), Alias::new("agent_id")))
                            .equals((a.clone(), Alias::new("id"))),
                    ),
            )
            .and_where(Expr::col((a, Alias::new("id"))).eq(agent_id))
            .to_owned();
        let Some(row) = self.db.query_one(&q).await? else {
            return Err(StoreError::Refused(format!(
                "agent {agent_id} is not enrolled"
            )));
        };
        let revoked: Option<i64> = row.try_get("", "revoked_at")?;
        let cert_agent: Option<String> = row.try_get("", "cert_agent")?;
        let tenant_id: i64 = row.try_get("", "tenant_id")?;
        let slug: String = row.try_get("", "tenant_slug")?;
        let tenant_kind: String = row.try_get("", "tenant_kind")?;
        if revoked.is_some() {
            return Err(StoreError::Refused(format!(
                "agent {agent_id} has been revoked"
            )));
        }
        if cert_agent.as_deref() != Some(agent_id) {
            return Err(StoreError::Refused(
                "certificate was not issued to this agent".into(),
            ));
        }
        if slug != tenant_slug {
            return Err(StoreError::Refused(
                "certificate names another tenant than the agent's".into(),
            ));
        }
        Ok(AgentAuth {
            agent_id: agent_id.to_string(),
            tenant_id,
            tenant_slug: slug,
            tenant_kind,
        })
    }

    /// Records a renewed certificate for an agent that was just authorised.
    pub async fn record_renewal(
        &self,
        auth: &AgentAuth,
        issued: IssuedSerial,
        now: i64,
    ) -> Result<()> {
        let _w = self.write_guard().await;
        let txn = self.begin_write().await?;
        insert_certificate(&txn, &auth.agent_id, &issued, now).await?;
        audit(
            &txn,
            now,
            &format!("agent:{}", auth.agent_id),
            "agent.renew",
            Some(auth.tenant_id),
            &auth.agent_id,
            serde_json::json!({ "serial": issued.serial_hex, "not_after": issued.not_after }),
        )
        .await?;
        txn.commit().await?;
        Ok(())
    }

    /// Revokes an agent: every certificate it holds stops working on its next call.
    pub async fn revoke_agent(&self, agent_id: &str, actor: &str, now: i64) -> Result<()> {
        let _w = self.write_guard().await;
        let txn = self.begin_write().await?;
        let Some(a) = agent::Entity::find_by_id(agent_id).one(&txn).await? else {
            return Err(StoreError::NotFound(format!("no agent {agent_id:?}")));
        };
        if a.revoked_at.is_none() {
            agent::Entity::update_many()
                .col_expr(agent::Column::RevokedAt, Expr::value(now))
                .filter(agent::Column::Id.eq(agent_id))
                .exec(&txn)
                .await?;
        }
        audit(
            &txn,
            now,
            actor,
            "agent.revoke",
            Some(a.tenant_id),
            agent_id,
            serde_json::json!({}),
        )
        .await?;
        txn.commit().await?;
        Ok(())
    }

    /// Stores an agent's reported status and when it was last heard from.
    pub async fn record_heartbeat(&self, agent_id: &str, hb: &Heartbeat, now: i64) -> Result<()> {
        let _w = self.write_guard().await;
        agent::Entity::update_many()
            .col_expr(agent::Column::LastSeenAt, Expr::value(now))
            .col_expr(
                agent::Column::AgentVersion,
                Expr::value(hb.agent_version.clone()),
            )
            .col_expr(agent::Column::OutboxDepth, Expr::value(hb.outbox_depth))
            .col_expr(
                agent::Column::LastPublishAt,
                Expr::value(hb.last_publish_at),
            )
            .col_expr(agent::Column::UptimeSecs, Expr::value(hb.uptime_secs))
            .filter(agent::Column::Id.eq(agent_id))
            .exec(&self.db)
            .await?;
        Ok(())
    }

    /// All agents of all tenants, for operators.
    pub async fn agents(&self) -> Result<Vec<agent::Model>> {
        Ok(agent::Entity::find()
            .order_by_asc(agent::Column::TenantId)
            .order_by_asc(agent::Column::CreatedAt)
            .all(&self.db)
            .await?)
    }

    pub async fn agent(&self, agent_id: &str) -> Result<Option<agent::Model>> {
        Ok(agent::Entity::find_by_id(agent_id).one(&self.db).await?)
    }
}

async fn insert_certificate<C: sea_orm::ConnectionTrait>(
    c: &C,
    agent_id: &str,
    issued: &IssuedSerial,
    now: i64,
) -> Result<()> {
    certificate::Entity::insert(certificate::ActiveModel {
        serial: Set(issued.serial_hex.clone()),
        agent_id: Set(agent_id.to_string()),
        issued_at: Set(now),
        not_after: Set(issued.not_after),
    })
    .exec_without_returning(c)
    .await?;
    Ok(())
}
