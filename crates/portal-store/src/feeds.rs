//! Queries for feeds and sitemaps: the latest published items of a site (optionally of one
//! category), and every published item of a tenant a page at a time in id order.
//!
//! Each query has a limit the caller chooses (a feed's length, a sitemap file's size), and each
//! runs on an index (`m0008_feed_indexes`), so what a crawler or a feed reader asks for costs
//! the same on a hub with a hundred items or with a million. Sitemap files are pages of a
//! keyset over `items.id`: new items only ever join the last page, so the pages a crawler
//! fetched before stay as they were (apart from withdrawals).

use std::collections::HashMap;

use portal_core::{ProvinceReview, PublicationState, UnixMillis};
use sea_orm::sea_query::{Alias, Expr, Query};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait,
    Select,
};

use crate::entity::{item, tenant};
use crate::read::view;
use crate::{ItemView, Result, Store, Tenant};

/// Whose items a feed lists.
#[derive(Debug, Clone, Copy)]
pub enum FeedScope<'a> {
    /// The provincial portal: every tenant's items approved for it.
    Province,
    /// One tenant's published items.
    Tenant(&'a Tenant),
}

/// One published item as a sitemap lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SitemapUrl {
    pub external_id: String,
    /// When the hub last changed the item (a new version, a change of state).
    pub updated_at: UnixMillis,
}

/// Where a sitemap file starts: just after the item this names. Opaque, so that the hub pages
/// by the store's key without seeing row ids.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SitemapCursor(i64);

/// A tenant's published items: what its sitemap lists.
fn published_of(tenant: &Tenant) -> Select<item::Entity> {
    item::Entity::find()
        .filter(item::Column::TenantId.eq(tenant.id))
        .filter(item::Column::State.eq(PublicationState::Published.as_str()))
}

impl Store {
    /// The latest `limit` published items of `scope` (of one category if given), newest
    /// first by publication date, without bodies.
    pub async fn feed_items(
        &self,
        scope: FeedScope<'_>,
        category: Option<&str>,
        limit: u64,
    ) -> Result<Vec<ItemView>> {
        let mut q = item::Entity::find()
            .filter(item::Column::State.eq(PublicationState::Published.as_str()));
        q = match scope {
            FeedScope::Province => {
                q.filter(item::Column::ProvinceReview.eq(ProvinceReview::Approved.as_str()))
            }
            FeedScope::Tenant(t) => q.filter(item::Column::TenantId.eq(t.id)),
        };
        if let Some(code) = category {
            q = q.filter(item::Column::Category.eq(code));
        }
        let rows = q
            .order_by_desc(item::Column::PublishedAt)
            .order_by_desc(item::Column::Id)
            .limit(limit)
            .all(&self.db)
            .await?;
        let t = match scope {
            FeedScope::Tenant(t) => return Ok(rows.into_iter().map(|m| view(m, t)).collect()),
            FeedScope::Province => self.tenants_of(&rows).await?,
        };
        Ok(rows
            .into_iter()
            .filter_map(|m| {
                let tenant = t.get(&m.tenant_id)?;
                Some(view(m, tenant))
            })
            .collect())
    }

    /// The tenants of these rows (at most one per row, so as bounded as the rows are).
    async fn tenants_of(&self, rows: &[item::Model]) -> Result<HashMap<i64, Tenant>> {
        let mut ids: Vec<i64> = rows.iter().map(|m| m.tenant_id).collect();
        ids.sort_unstable();
        ids.dedup();
        tenant::Entity::find()
            .filter(tenant::Column::Id.is_in(ids))
            .all(&self.db)
            .await?
            .into_iter()
            .map(|m| Tenant::try_from(m).map(|t| (t.id, t)))
            .collect()
    }

    /// How many published items a tenant has, counting no further than `at_most` (a sitemap
    /// index cannot name more files than the protocol allows, so counting further is waste).
    pub async fn sitemap_count(&self, tenant: &Tenant, at_most: u64) -> Result<u64> {
        let bounded = published_of(tenant)
            .select_only()
            .column(item::Column::Id)
            .limit(at_most)
            .into_query();
        let count = Query::select()
            .expr_as(Expr::cust("COUNT(*)"), Alias::new("n"))
            .from_subquery(bounded, Alias::new("bounded"))
            .to_owned();
        let n: i64 = match self.db.query_one(&count).await? {
            Some(row) => row.try_get("", "n")?,
            None => 0,
        };
        Ok(u64::try_from(n).unwrap_or(0))
    }

    /// The cursor after the tenant's published item at `position` (0-based, in id order), or
    /// `None` if it has no more items than that. Skips over index entries only (an index-only
    /// scan), not over rows.
    pub async fn sitemap_cursor_at(
        &self,
        tenant: &Tenant,
        position: u64,
    ) -> Result<Option<SitemapCursor>> {
        let id: Option<i64> = published_of(tenant)
            .select_only()
            .column(item::Column::Id)
            .order_by_asc(item::Column::Id)
            .offset(position)
            .limit(1)
            .into_tuple()
            .one(&self.db)
            .await?;
        Ok(id.map(SitemapCursor))
    }

    /// Up to `limit` of the tenant's published items after `after` (from the first if
    /// `None`), in id order.
    pub async fn sitemap_urls(
        &self,
        tenant: &Tenant,
        after: Option<SitemapCursor>,
        limit: u64,
    ) -> Result<Vec<SitemapUrl>> {
        let mut q = published_of(tenant);
        if let Some(SitemapCursor(id)) = after {
            q = q.filter(item::Column::Id.gt(id));
        }
        let rows: Vec<(String, i64)> = q
            .select_only()
            .column(item::Column::ExternalId)
            .column(item::Column::UpdatedAt)
            .order_by_asc(item::Column::Id)
            .limit(limit)
            .into_tuple()
            .all(&self.db)
            .await?;
        Ok(rows
            .into_iter()
            .map(|(external_id, updated_at)| SitemapUrl {
                external_id,
                updated_at: UnixMillis::from_millis(updated_at),
            })
            .collect())
    }
}
