//! Queries for public pages and for operators. Everything here is bounded by the caller's
//! limit: no query a reader can trigger loads an unbounded number of rows or bodies.

use std::collections::BTreeMap;

use portal_core::{ProvinceReview, PublicationState, UnixMillis};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::entity::{audit_log, change_feed, item, item_version, tenant};
use crate::events::{AuditAction, FeedEntry};
use crate::{Result, Store, StoreError, Tenant};

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
    pub published_at: UnixMillis,
    pub tags: Vec<String>,
    /// The body of this version as stored (normalised Markdown); pages render and sanitise
    /// it. Filled by single-item lookups; lists, which never show bodies, leave it empty.
    pub body_markdown: String,
    pub updated_at: UnixMillis,
    pub translation_id: Option<String>,
    pub record: Option<BTreeMap<String, String>>,
}

/// A list of items for one page.
#[derive(Debug, Clone, Default)]
pub struct ItemPage {
    pub items: Vec<ItemView>,
}

/// One entry of an item's history, without its body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionView {
    pub version: i32,
    pub content_hash: String,
    pub title: String,
    pub created_at: UnixMillis,
    pub agent_id: String,
    pub agent_seq: i64,
    pub notes: Vec<String>,
}

/// One stored version with every column, as it was accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredVersion {
    pub version: i32,
    pub content_hash: String,
    pub category: String,
    pub language: String,
    pub title: String,
    pub summary: Option<String>,
    pub author: String,
    pub source: String,
    pub source_url: Option<String>,
    pub published_at: UnixMillis,
    pub tags: Vec<String>,
    pub body_markdown: String,
    pub translation_id: Option<String>,
    pub record: Option<BTreeMap<String, String>>,
    pub notes: Vec<String>,
    pub agent_id: String,
    pub agent_seq: i64,
    pub created_at: UnixMillis,
}

pub(crate) fn view(m: item::Model, t: &Tenant) -> ItemView {
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
        published_at: UnixMillis::from_millis(m.published_at),
        tags: serde_json::from_str(&m.tags).unwrap_or_default(),
        body_markdown: String::new(),
        updated_at: UnixMillis::from_millis(m.updated_at),
        translation_id: m.translation_id,
        record: m.record.and_then(|r| serde_json::from_str(&r).ok()),
    }
}

fn notes(json: Option<&str>) -> Vec<String> {
    json.and_then(|n| serde_json::from_str(n).ok())
        .unwrap_or_default()
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
            .filter(item::Column::State.eq(PublicationState::Published.as_str()))
            .filter(item::Column::ProvinceReview.eq(ProvinceReview::Approved.as_str()))
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
            .filter(item::Column::State.eq(PublicationState::Published.as_str()))
            .order_by_desc(item::Column::PublishedAt)
            .order_by_desc(item::Column::Id)
            .limit(limit)
            .all(&self.db)
            .await?;
        Ok(ItemPage {
            items: rows.into_iter().map(|m| view(m, tenant)).collect(),
        })
    }

    /// One published item of a tenant with the body of its current version, or `None` if it
    /// does not exist or was withdrawn.
    pub async fn published_item(
        &self,
        tenant: &Tenant,
        external_id: &str,
    ) -> Result<Option<ItemView>> {
        let Some(m) = item::Entity::find()
            .filter(item::Column::TenantId.eq(tenant.id))
            .filter(item::Column::ExternalId.eq(external_id))
            .filter(item::Column::State.eq(PublicationState::Published.as_str()))
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
        v.body_markdown = body.unwrap_or_default();
        Ok(Some(v))
    }

    /// The state and current version of an item whatever its state, for operators and tests.
    pub async fn item_state(
        &self,
        tenant: &Tenant,
        external_id: &str,
    ) -> Result<Option<(PublicationState, i32)>> {
        self.find_item(tenant, external_id)
            .await?
            .map(|m| {
                let state = PublicationState::parse(&m.state).ok_or_else(|| {
                    StoreError::Db(sea_orm::DbErr::Custom(format!(
                        "unknown item state {:?} in the database",
                        m.state
                    )))
                })?;
                Ok((state, m.version))
            })
            .transpose()
    }

    /// Up to `limit` entries of an item's history, newest first, from version `up_to` down;
    /// metadata only (bodies are what make a version large). A range on the version index,
    /// so the thousandth page costs what the first does.
    pub async fn item_history(
        &self,
        tenant: &Tenant,
        external_id: &str,
        up_to: i32,
        limit: u64,
    ) -> Result<Vec<VersionView>> {
        let Some(it) = self.find_item(tenant, external_id).await? else {
            return Ok(Vec::new());
        };
        type Row = (i32, String, String, i64, String, i64, Option<String>);
        let rows: Vec<Row> = item_version::Entity::find()
            .select_only()
            .column(item_version::Column::Version)
            .column(item_version::Column::ContentHash)
            .column(item_version::Column::Title)
            .column(item_version::Column::CreatedAt)
            .column(item_version::Column::AgentId)
            .column(item_version::Column::AgentSeq)
            .column(item_version::Column::Notes)
            .filter(item_version::Column::ItemId.eq(it.id))
            .filter(item_version::Column::Version.lte(up_to))
            .order_by_desc(item_version::Column::Version)
            .limit(limit)
            .into_tuple()
            .all(&self.db)
            .await?;
        Ok(rows
            .into_iter()
            .map(
                |(version, content_hash, title, created_at, agent_id, agent_seq, n)| VersionView {
                    version,
                    content_hash,
                    title,
                    created_at: UnixMillis::from_millis(created_at),
                    agent_id,
                    agent_seq,
                    notes: notes(n.as_deref()),
                },
            )
            .collect())
    }

    /// Title and body of one version, for comparing versions.
    pub async fn version_text(
        &self,
        tenant: &Tenant,
        external_id: &str,
        version: i32,
    ) -> Result<Option<(String, String)>> {
        let Some(it) = self.find_item(tenant, external_id).await? else {
            return Ok(None);
        };
        Ok(item_version::Entity::find()
            .select_only()
            .column(item_version::Column::Title)
            .column(item_version::Column::BodyMarkdown)
            .filter(item_version::Column::ItemId.eq(it.id))
            .filter(item_version::Column::Version.eq(version))
            .into_tuple()
            .one(&self.db)
            .await?)
    }

    /// One version with every column, as it was accepted.
    pub async fn stored_version(
        &self,
        tenant: &Tenant,
        external_id: &str,
        version: i32,
    ) -> Result<Option<StoredVersion>> {
        let Some(it) = self.find_item(tenant, external_id).await? else {
            return Ok(None);
        };
        Ok(item_version::Entity::find()
            .filter(item_version::Column::ItemId.eq(it.id))
            .filter(item_version::Column::Version.eq(version))
            .one(&self.db)
            .await?
            .map(|v| StoredVersion {
                version: v.version,
                content_hash: v.content_hash,
                category: v.category,
                language: v.language,
                title: v.title,
                summary: v.summary,
                author: v.author,
                source: v.source,
                source_url: v.source_url,
                published_at: UnixMillis::from_millis(v.published_at),
                tags: serde_json::from_str(&v.tags).unwrap_or_default(),
                body_markdown: v.body_markdown,
                translation_id: v.translation_id,
                record: v.record.and_then(|r| serde_json::from_str(&r).ok()),
                notes: notes(v.notes.as_deref()),
                agent_id: v.agent_id,
                agent_seq: v.agent_seq,
                created_at: UnixMillis::from_millis(v.created_at),
            }))
    }

    /// Change-feed entries after `position`, oldest first: what integrators and replicas follow
    /// (publications, withdrawals, new tenants, registry updates).
    pub async fn change_feed_since(&self, position: i64, limit: u64) -> Result<Vec<FeedEntry>> {
        change_feed::Entity::find()
            .filter(change_feed::Column::Id.gt(position))
            .order_by_asc(change_feed::Column::Id)
            .limit(limit)
            .all(&self.db)
            .await?
            .into_iter()
            .map(FeedEntry::try_from)
            .collect()
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

    /// Number of audit entries with this action.
    pub async fn audit_count(&self, action: AuditAction) -> Result<u64> {
        Ok(audit_log::Entity::find()
            .filter(audit_log::Column::Action.eq(action.as_str()))
            .count(&self.db)
            .await?)
    }

    /// Number of tenants.
    pub async fn tenant_count(&self) -> Result<u64> {
        Ok(tenant::Entity::find().count(&self.db).await?)
    }
}
