//! What the search index is built from: published items with the body of their current
//! version, in batches by item id (a rebuild), or by id (the items a change-feed batch names).
//! Both are bounded by the caller's limit; bodies of earlier versions are never read.

use std::collections::{BTreeMap, HashMap};

use portal_core::{ProvinceReview, PublicationState, UnixMillis};
use sea_orm::sea_query::Cond;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::entity::{item, item_version, tenant};
use crate::{Result, Store, Tenant};

/// A published item as the search index takes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchItem {
    /// The store's id of the item (what change-feed entries name).
    pub item_id: i64,
    pub tenant_slug: String,
    pub tenant_name: String,
    pub external_id: String,
    pub version: i32,
    pub category: String,
    pub language: String,
    pub title: String,
    pub summary: Option<String>,
    /// The current version's body (normalised Markdown).
    pub body_markdown: String,
    pub record: Option<BTreeMap<String, String>>,
    pub published_at: UnixMillis,
    /// Approved for the provincial portal.
    pub on_province: bool,
}

impl Store {
    /// Up to `limit` published items with ids above `after`, in id order: pages of a rebuild.
    pub async fn search_items_after(&self, after: i64, limit: u64) -> Result<Vec<SearchItem>> {
        let rows = item::Entity::find()
            .filter(item::Column::Id.gt(after))
            .filter(item::Column::State.eq(PublicationState::Published.as_str()))
            .order_by_asc(item::Column::Id)
            .limit(limit)
            .all(&self.db)
            .await?;
        self.with_bodies(rows).await
    }

    /// Those of these items that are published now (at most 1,000 ids are read; the rest are
    /// ignored): what a change-feed batch changed. An id missing from the answer is withdrawn
    /// or unknown.
    pub async fn search_items(&self, item_ids: &[i64]) -> Result<Vec<SearchItem>> {
        let ids: Vec<i64> = item_ids.iter().copied().take(1000).collect();
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let rows = item::Entity::find()
            .filter(item::Column::Id.is_in(ids))
            .filter(item::Column::State.eq(PublicationState::Published.as_str()))
            .order_by_asc(item::Column::Id)
            .all(&self.db)
            .await?;
        self.with_bodies(rows).await
    }

    async fn with_bodies(&self, rows: Vec<item::Model>) -> Result<Vec<SearchItem>> {
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        let mut tenant_ids: Vec<i64> = rows.iter().map(|m| m.tenant_id).collect();
        tenant_ids.sort_unstable();
        tenant_ids.dedup();
        let tenants: HashMap<i64, Tenant> = tenant::Entity::find()
            .filter(tenant::Column::Id.is_in(tenant_ids))
            .all(&self.db)
            .await?
            .into_iter()
            .map(|m| Tenant::try_from(m).map(|t| (t.id, t)))
            .collect::<Result<_>>()?;
        let mut bodies: HashMap<i64, String> = HashMap::new();
        // The current version of each item only: (item_id, version) pairs, a chunk at a time.
        for chunk in rows.chunks(200) {
            let mut cond = Cond::any();
            for m in chunk {
                cond = cond.add(
                    Cond::all()
                        .add(item_version::Column::ItemId.eq(m.id))
                        .add(item_version::Column::Version.eq(m.version)),
                );
            }
            let found: Vec<(i64, String)> = item_version::Entity::find()
                .select_only()
                .column(item_version::Column::ItemId)
                .column(item_version::Column::BodyMarkdown)
                .filter(cond)
                .into_tuple()
                .all(&self.db)
                .await?;
            bodies.extend(found);
        }
        Ok(rows
            .into_iter()
            .filter_map(|m| {
                let t = tenants.get(&m.tenant_id)?;
                Some(SearchItem {
                    item_id: m.id,
                    tenant_slug: t.slug.clone(),
                    tenant_name: t.name.clone(),
                    body_markdown: bodies.remove(&m.id).unwrap_or_default(),
                    external_id: m.external_id,
                    version: m.version,
                    category: m.category,
                    language: m.language,
                    title: m.title,
                    summary: m.summary,
                    record: m.record.and_then(|r| serde_json::from_str(&r).ok()),
                    published_at: UnixMillis::from_millis(m.published_at),
                    on_province: m.province_review == ProvinceReview::Approved.as_str(),
                })
            })
            .collect())
    }
}
