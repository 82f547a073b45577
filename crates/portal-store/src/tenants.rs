//! Tenants: adding and finding component portals.

use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::entity::tenant;
use crate::{Result, Store, StoreError, audit, feed_event};

/// A component portal as the rest of the hub sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tenant {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub kind: String,
}

impl From<tenant::Model> for Tenant {
    fn from(m: tenant::Model) -> Self {
        Self {
            id: m.id,
            slug: m.slug,
            name: m.name,
            kind: m.kind,
        }
    }
}

impl Store {
    /// Adds a tenant. Slug and kind must already be validated by the caller (portal-core).
    pub async fn add_tenant(
        &self,
        slug: &str,
        name: &str,
        kind: &str,
        actor: &str,
        now: i64,
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
            kind: Set(kind.to_string()),
            created_at: Set(now),
            ..Default::default()
        })
        .exec(&txn)
        .await?;
        let id = res.last_insert_id;
        feed_event(&txn, id, "tenant_added", 0, now).await?;
        audit(
            &txn,
            now,
            actor,
            "tenant.add",
            Some(id),
            slug,
            serde_json::json!({ "name": name, "kind": kind }),
        )
        .await?;
        txn.commit().await?;
        Ok(Tenant {
            id,
            slug: slug.to_string(),
            name: name.to_string(),
            kind: kind.to_string(),
        })
    }

    pub async fn tenant_by_slug(&self, slug: &str) -> Result<Option<Tenant>> {
        Ok(tenant::Entity::find()
            .filter(tenant::Column::Slug.eq(slug))
            .one(&self.db)
            .await?
            .map(Tenant::from))
    }

    pub async fn tenants(&self) -> Result<Vec<Tenant>> {
        Ok(tenant::Entity::find()
            .order_by_asc(tenant::Column::Name)
            .all(&self.db)
            .await?
            .into_iter()
            .map(Tenant::from)
            .collect())
    }
}
