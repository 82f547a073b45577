//! Queries for public pages and for operators.

use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::entity::{change_feed, item, item_version, tenant};
use crate::{Result, Store, Tenant};

/// An item as a public page shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemView {
    pub tenant_slug: String,
    pub tenant_name: String,
    pub external_id: String,
    pub version: i32,
    pub category: String,
    pub language: String,
    pub title: String,
    pub summary: Option<String>,
    pub author: String,
    pub source: String,
    pub source_url: Option<String>,
    pub published_at: i64,
    pub tags: Vec<String>,
    /// The rendered body of this version. Filled by single-item lookups; lists, which never
    /// show bodies, leave it empty.
    pub body_html: String,
    pub updated_at: i64,
    pub translation_id: Option<String>,
    pub record: Option<std::collections::BTreeMap<String, String>>,
}

/// A list of items for one page.
#[derive(Debug, Clone, Default)]
pub struct ItemPage {
    pub items: Vec<ItemView>,
}

/// One entry of an item's history.
#[derive(Debug, Clone)]
pub struct VersionView {
    pub version: i32,
    pub content_hash: String,
    pub title: String,
    pub created_at: i64,
    pub agent_id: String,
    pub agent_seq: i64,
    pub notes: Vec<String>,
}

fn view(m: item::Model, t: &Tenant) -> ItemView {
    ItemView {
        tenant_slug: t.slug.clone(),
        tenant_name: t.name.clone(),
        external_id: m.external_id,
        version: m.version,
        category: m.category,
        language: m.language,
        title: m.title,
        summary: m.summary,
        author: m.author,
        source: m.source,
        source_url: m.source_url,
        published_at: m.published_at,
        tags: serde_json::from_str(&m.tags).unwrap_or_default(),
        body_html: String::new(),
        updated_at: m.updated_at,
        translation_id: m.translation_id,
        record: m.record.and_then(|r| serde_json::from_str(&r).ok()),
    }
}

impl Store {
    /// The row of one item of a tenant, whatever its state.
    async fn find_item(&self, tenant: &Tenant, external_id: &str) -> Result<Option<item::Model>> {
        Ok(item::Entity::find()
            .filter(item::Column::TenantId.eq(tenant.id))
            .filter(item::Column::ExternalId.eq(external_id))
            .one(&self.db)
            .await?)
    }

    /// Latest items approved for the provincial portal, from every tenant.
    pub async fn front_page_items(&self, limit: u64) -> Result<ItemPage> {
        let tenants: std::collections::HashMap<i64, Tenant> = self
            .tenants()
            .await?
            .into_iter()
            .map(|t| (t.id, t))
            .collect();
        let rows = item::Entity::find()
            .filter(item::Column::State.eq("published"))
            .filter(item::Column::ProvinceReview.eq("approved"))
            .order_by_desc(item::Column::PublishedAt)
            .order_by_desc(item::Column::Id)
            .limit(limit)
            .all(&self.db)
            .await?;
        Ok(ItemPage {
            items: rows
                .into_iter()
                .filter_map(|m| {
                    let t = tenants.get(&m.tenant_id)?;
                    Some(view(m, t))
                })
                .collect(),
        })
    }

    /// Latest published items of one tenant.
    pub async fn tenant_items(&self, tenant: &Tenant, limit: u64) -> Result<ItemPage> {
        let rows = item::Entity::find()
            .filter(item::Column::TenantId.eq(tenant.id))
            .filter(item::Column::State.eq("published"))
            .order_by_desc(item::Column::PublishedAt)
            .order_by_desc(item::Column::Id)
            .limit(limit)
            .all(&self.db)
            .await?;
        Ok(ItemPage {
            items: rows.into_iter().map(|m| view(m, tenant)).collect(),
        })
    }

    /// One published item of a tenant, or `None` if it does not exist or was withdrawn.
    pub async fn published_item(
        &self,
        tenant: &Tenant,
        external_id: &str,
    ) -> Result<Option<ItemView>> {
        let Some(m) = item::Entity::find()
            .filter(item::Column::TenantId.eq(tenant.id))
            .filter(item::Column::ExternalId.eq(external_id))
            .filter(item::Column::State.eq("published"))
            .one(&self.db)
            .await?
        else {
            return Ok(None);
        };
        let body: Option<String> = item_version::Entity::find()
            .select_only()
            .column(item_version::Column::BodyMarkdown)
            .filter(item_version::Column::ItemId.eq(m.id))
            .filter(item_version::Column::Version.eq(m.version))
            .into_tuple()
            .one(&self.db)
            .await?;
        let mut v = view(m, tenant);
        // Rendered and sanitised here, from the version's Markdown; the page cache keeps the
        // result, so this runs once per item and change.
        v.body_html = portal_core::render::markdown_to_safe_html(&body.unwrap_or_default());
        Ok(Some(v))
    }

    /// The state of an item whatever it is (`published` / `withdrawn`), for operators and tests.
    pub async fn item_state(
        &self,
        tenant: &Tenant,
        external_id: &str,
    ) -> Result<Option<(String, i32)>> {
        Ok(self
            .find_item(tenant, external_id)
            .await?
            .map(|m| (m.state, m.version)))
    }

    /// Every stored version of an item, oldest first.
    pub async fn item_versions(
        &self,
        tenant: &Tenant,
        external_id: &str,
    ) -> Result<Vec<VersionView>> {
        let Some(it) = self.find_item(tenant, external_id).await? else {
            return Ok(Vec::new());
        };
        Ok(item_version::Entity::find()
            .filter(item_version::Column::ItemId.eq(it.id))
            .order_by_asc(item_version::Column::Version)
            .all(&self.db)
            .await?
            .into_iter()
            .map(|v| VersionView {
                version: v.version,
                content_hash: v.content_hash,
                title: v.title,
                created_at: v.created_at,
                agent_id: v.agent_id,
                agent_seq: v.agent_seq,
                notes: v
                    .notes
                    .and_then(|n| serde_json::from_str(&n).ok())
                    .unwrap_or_default(),
            })
            .collect())
    }

    /// One stored version's title and Markdown body, for comparisons.
    pub async fn item_version_text(
        &self,
        tenant: &Tenant,
        external_id: &str,
        version: i32,
    ) -> Result<Option<(String, String)>> {
        let Some(it) = self.find_item(tenant, external_id).await? else {
            return Ok(None);
        };
        Ok(item_version::Entity::find()
            .filter(item_version::Column::ItemId.eq(it.id))
            .filter(item_version::Column::Version.eq(version))
            .one(&self.db)
            .await?
            .map(|v| (v.title, v.body_markdown)))
    }

    /// Change-feed entries after `position`, oldest first: what integrators and replicas follow
    /// (publications, withdrawals, new tenants, registry updates).
    pub async fn change_feed_since(
        &self,
        position: i64,
        limit: u64,
    ) -> Result<Vec<change_feed::Model>> {
        Ok(change_feed::Entity::find()
            .filter(change_feed::Column::Id.gt(position))
            .order_by_asc(change_feed::Column::Id)
            .limit(limit)
            .all(&self.db)
            .await?)
    }

    /// Position of the newest change-feed entry (0 when empty). Caches compare it to notice
    /// writes made by other processes or replicas.
    pub async fn change_feed_head(&self) -> Result<i64> {
        Ok(change_feed::Entity::find()
            .select_only()
            .column_as(change_feed::Column::Id.max(), "max_id")
            .into_tuple::<Option<i64>>()
            .one(&self.db)
            .await?
            .flatten()
            .unwrap_or(0))
    }

    /// Number of stored versions over all items of a tenant.
    pub async fn version_count(&self, tenant: &Tenant) -> Result<u64> {
        let ids: Vec<i64> = item::Entity::find()
            .select_only()
            .column(item::Column::Id)
            .filter(item::Column::TenantId.eq(tenant.id))
            .into_tuple()
            .all(&self.db)
            .await?;
        let mut n = 0;
        for chunk in ids.chunks(500) {
            n += item_version::Entity::find()
                .filter(item_version::Column::ItemId.is_in(chunk.iter().copied()))
                .count(&self.db)
                .await?;
        }
        Ok(n)
    }

    /// Number of audit entries with this action (e.g. `media.upload`).
    pub async fn audit_count(&self, action: &str) -> Result<u64> {
        use crate::entity::audit_log;
        Ok(audit_log::Entity::find()
            .filter(audit_log::Column::Action.eq(action))
            .count(&self.db)
            .await?)
    }

    /// Number of tenants (for the front page's list of component portals).
    pub async fn tenant_count(&self) -> Result<u64> {
        Ok(tenant::Entity::find().count(&self.db).await?)
    }
}
