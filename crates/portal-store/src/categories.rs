//! The category registry as stored: every loaded version is kept; the newest is in force.

use portal_core::UnixMillis;
use sea_orm::{ActiveValue::Set, EntityTrait, QueryOrder, QuerySelect};

use crate::entity::category_registry;
use crate::events::{Actor, AuditAction, FeedKind, audit, feed_event};
use crate::{Result, Store};

impl Store {
    /// The registry in force: (declared version, TOML source), or `None` before the first load.
    pub async fn category_registry(&self) -> Result<Option<(i32, String)>> {
        Ok(category_registry::Entity::find()
            .order_by_desc(category_registry::Column::Id)
            .one(&self.db)
            .await?
            .map(|r| (r.version, r.source)))
    }

    /// Row id of the registry in force, to notice cheaply that another one was loaded.
    pub async fn category_registry_id(&self) -> Result<Option<i64>> {
        Ok(category_registry::Entity::find()
            .order_by_desc(category_registry::Column::Id)
            .select_only()
            .column(category_registry::Column::Id)
            .into_tuple()
            .one(&self.db)
            .await?)
    }

    /// Stores a new registry version (already checked by the caller). Returns false when it is
    /// identical to the one in force, so loading the same file twice is harmless.
    pub async fn load_category_registry(
        &self,
        version: i32,
        source: &str,
        actor: &Actor,
        now: UnixMillis,
    ) -> Result<bool> {
        if let Some((v, s)) = self.category_registry().await?
            && v == version
            && s == source
        {
            return Ok(false);
        }
        let _w = self.write_guard().await;
        let txn = self.begin_write().await?;
        category_registry::Entity::insert(category_registry::ActiveModel {
            version: Set(version),
            source: Set(source.to_string()),
            loaded_at: Set(now.as_millis()),
            actor: Set(actor.as_text()),
            ..Default::default()
        })
        .exec_without_returning(&txn)
        .await?;
        // Running hubs notice the change through the feed and reload.
        feed_event(&txn, 0, FeedKind::CategoriesUpdated, version, now).await?;
        audit(
            &txn,
            now,
            actor,
            AuditAction::CategoriesLoad,
            None,
            "registry",
            serde_json::json!({ "version": version }),
        )
        .await?;
        txn.commit().await?;
        Ok(true)
    }
}
