//! Tenants: adding and finding component portals.

use portal_core::{TenantKind, UnixMillis};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::entity::tenant;
use crate::events::{Actor, AuditAction, FeedKind, audit, feed_event};
use crate::{Result, Store, StoreError};

/// A component portal as the rest of the hub sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tenant {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub kind: TenantKind,
}

impl TryFrom<tenant::Model> for Tenant {
    type Error = StoreError;
    fn try_from(m: tenant::Model) -> Result<Self> {
        Ok(Self {
            kind: parse_kind(&m.kind)?,
            id: m.id,
            slug: m.slug,
            name: m.name,
        })
    }
}

pub(crate) fn parse_kind(s: &str) -> Result<TenantKind> {
    TenantKind::parse(s).ok_or_else(|| {
        StoreError::Db(sea_orm::DbErr::Custom(format!(
            "unknown tenant kind {s:?} in the database"
        )))
    })
}

impl Store {
    /// Adds a tenant. The slug must already be validated by the caller (portal-core).
    pub async fn add_tenant(
        &self,
        slug: &str,
        name: &str,
        kind: TenantKind,
        actor: &Actor,
        now: UnixMillis,
    ) -> Result<Tenant> {
        let _w = self.write_guard().await;
        let txn = self.begin_write().await?;
        if tenant::Entity::find()
            .filter(tenant::Column::Slug.eq(slug))
            .one(&txn)
            .await?
            .is_some()
        {
            return Err(StoreError::Conflict(format!(
                "tenant {slug:?} already exists"
            )));
        }
        let res = tenant::Entity::insert(tenant::ActiveModel {
            slug: Set(slug.to_string()),
            name: Set(name.to_string()),
            kind: Set(kind.as_str().to_string()),
            created_at: Set(now.as_millis()),
            ..Default::default()
        })
        .exec(&txn)
        .await?;
        let id = res.last_insert_id;
        feed_event(&txn, id, FeedKind::TenantAdded, 0, now).await?;
        audit(
            &txn,
            now,
            actor,
            AuditAction::TenantAdd,
            Some(id),
            slug,
            serde_json::json!({ "name": name, "kind": kind.as_str() }),
        )
        .await?;
        txn.commit().await?;
        Ok(Tenant {
            id,
            slug: slug.to_string(),
            name: name.to_string(),
            kind,
        })
    }

    pub async fn tenant_by_slug(&self, slug: &str) -> Result<Option<Tenant>> {
        tenant::Entity::find()
            .filter(tenant::Column::Slug.eq(slug))
            .one(&self.db)
            .await?
            .map(Tenant::try_from)
            .transpose()
    }

    /// Every tenant, by name.
    pub async fn tenants(&self) -> Result<Vec<Tenant>> {
        tenant::Entity::find()
            .order_by_asc(tenant::Column::Name)
            .all(&self.db)
            .await?
            .into_iter()
            .map(Tenant::try_from)
            .collect()
    }
}
