//! What feeds, sitemaps and robots.txt of the public sites list, for anonymous readers and
//! crawlers. The rules are those of the pages (`portal`): only published items, and on the
//! provincial portal only items approved for it; a withdrawn item leaves every list at once
//! (the page cache is invalidated with the tenant, as for pages).
//!
//! Every list is bounded: a feed holds the latest [`FEED_ITEMS`]; a sitemap file holds at most
//! `sitemap_urls_per_file` URLs (the configuration), and a site with more gets an index of
//! files, each read from the store as one keyset page.
//!
//! Sitemaps follow the protocol's rule that a sitemap lists URLs of its own host only: a
//! tenant's sitemap lists its home page and item pages (all on `<slug>.<domain>`), the
//! provincial portal's lists its home page (the items it shows live on the tenants' hosts and
//! are listed there).

use portal_core::UnixMillis;
use portal_store::{FeedScope, ItemView, SitemapUrl, Tenant};

use super::{ServiceError, clip};
use crate::state::HubState;

/// Items in a feed: the latest, by publication date.
pub const FEED_ITEMS: u64 = 50;

/// Files one sitemap index may name (the protocol's limit for an index file).
pub const SITEMAP_INDEX_FILES: u64 = 50_000;

/// A public site: the provincial portal or a tenant's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PublicSite {
    Province,
    Tenant(String),
}

/// A category a feed is limited to, as the registry names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedCategory {
    pub code: String,
    pub name: String,
}

/// An item in a feed, with the registry's name of its category (`None` if the registry in
/// force no longer has it).
#[derive(Debug, Clone)]
pub struct FeedItem {
    pub item: ItemView,
    pub category_name: Option<String>,
}

/// A feed: the latest published items of a site, or of one category on it.
#[derive(Debug, Clone)]
pub struct Feed {
    /// The tenant whose site it is; `None` for the provincial portal.
    pub tenant: Option<Tenant>,
    pub category: Option<FeedCategory>,
    /// Newest first, at most [`FEED_ITEMS`], without bodies.
    pub items: Vec<FeedItem>,
}

/// A site's home page in its sitemap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HomeUrl {
    /// The newest change among the items the home page shows (`None` while it shows none).
    /// A withdrawal, which removes an item from it, is not counted: no row is left to date it.
    pub lastmod: Option<UnixMillis>,
}

/// One file of a site's sitemap.
#[derive(Debug, Clone)]
pub struct SitemapFile {
    /// The tenant whose site it is; `None` for the provincial portal.
    pub tenant: Option<Tenant>,
    /// The site's home page, listed in the first file only.
    pub home: Option<HomeUrl>,
    /// Item pages, in the order the items were first stored.
    pub items: Vec<SitemapUrl>,
}

/// A site's `/sitemap.xml`: all its URLs, or, when they do not fit one file, an index.
#[derive(Debug, Clone)]
pub enum Sitemap {
    File(SitemapFile),
    /// `/sitemap-1.xml` ..= `/sitemap-<files>.xml`.
    Index {
        tenant: Option<Tenant>,
        files: u64,
    },
}

/// The tenant of a site (`None` for the province), or `NotFound`.
async fn tenant_of(st: &HubState, site: &PublicSite) -> Result<Option<Tenant>, ServiceError> {
    match site {
        PublicSite::Province => Ok(None),
        PublicSite::Tenant(slug) => {
            st.store
                .tenant_by_slug(slug)
                .await?
                .map(Some)
                .ok_or_else(|| {
                    ServiceError::NotFound(format!("no component portal {:?}", clip(slug, 64)))
                })
        }
    }
}

fn scope(tenant: Option<&Tenant>) -> FeedScope<'_> {
    match tenant {
        None => FeedScope::Province,
        Some(t) => FeedScope::Tenant(t),
    }
}

/// The latest items of a site, or of one category of the registry on it (an unknown category
/// is `NotFound`; a known one without items is an empty feed).
pub async fn feed(
    st: &HubState,
    site: &PublicSite,
    category: Option<&str>,
) -> Result<Feed, ServiceError> {
    let registry = st.registry();
    let category = match category {
        None => None,
        Some(code) => {
            let def = registry.get(code).ok_or_else(|| {
                ServiceError::NotFound(format!("no category {:?}", clip(code, 64)))
            })?;
            Some(FeedCategory {
                code: def.code.clone(),
                name: def.name_vi.clone(),
            })
        }
    };
    let tenant = tenant_of(st, site).await?;
    let items = st
        .store
        .feed_items(
            scope(tenant.as_ref()),
            category.as_ref().map(|c| c.code.as_str()),
            FEED_ITEMS,
        )
        .await?
        .into_iter()
        .map(|item| FeedItem {
            category_name: registry.get(&item.category).map(|c| c.name_vi.clone()),
            item,
        })
        .collect();
    Ok(Feed {
        tenant,
        category,
        items,
    })
}

/// How a site's URLs are cut into files: the home page first, then its items in id order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Layout {
    per_file: u64,
    files: u64,
}

impl Layout {
    /// For a site with `items` item pages besides its home page.
    fn new(per_file: u64, items: u64) -> Self {
        let per_file = per_file.max(1);
        let urls = items.saturating_add(1);
        Self {
            per_file,
            files: urls.div_ceil(per_file),
        }
    }

    /// The most items worth counting: what the largest index can name, less the home page.
    fn items_at_most(per_file: u64) -> u64 {
        SITEMAP_INDEX_FILES
            .saturating_mul(per_file.max(1))
            .saturating_sub(1)
    }

    /// File `n` (1-based) holds the items at positions `first..first + count` (0-based, in id
    /// order); the first file gives its first place to the home page.
    fn items_of(self, n: u64) -> (u64, u64) {
        if n <= 1 {
            (0, self.per_file - 1)
        } else {
            ((n - 1) * self.per_file - 1, self.per_file)
        }
    }
}

/// A home page, dated by the newest change among the items it lists.
async fn home(st: &HubState, tenant: Option<&Tenant>) -> Result<HomeUrl, ServiceError> {
    let shown = st.store.feed_items(scope(tenant), None, FEED_ITEMS).await?;
    Ok(HomeUrl {
        lastmod: shown.iter().map(|i| i.updated_at).max(),
    })
}

async fn layout(st: &HubState, tenant: Option<&Tenant>) -> Result<Layout, ServiceError> {
    let per_file = st.config.sitemap_urls_per_file;
    let items = match tenant {
        None => 0,
        Some(t) => {
            st.store
                .sitemap_count(t, Layout::items_at_most(per_file))
                .await?
        }
    };
    Ok(Layout::new(per_file, items))
}

/// A site's `/sitemap.xml`.
pub async fn sitemap(st: &HubState, site: &PublicSite) -> Result<Sitemap, ServiceError> {
    let tenant = tenant_of(st, site).await?;
    let layout = layout(st, tenant.as_ref()).await?;
    if layout.files > 1 {
        return Ok(Sitemap::Index {
            tenant,
            files: layout.files,
        });
    }
    Ok(Sitemap::File(file(st, tenant, layout, 1).await?))
}

/// File `n` (1-based) of a site's sitemap, `/sitemap-<n>.xml`; a site whose URLs fit one file
/// has that one (the same as `/sitemap.xml`).
pub async fn sitemap_file(
    st: &HubState,
    site: &PublicSite,
    n: u64,
) -> Result<SitemapFile, ServiceError> {
    let tenant = tenant_of(st, site).await?;
    let layout = layout(st, tenant.as_ref()).await?;
    if n == 0 || n > layout.files {
        return Err(ServiceError::NotFound(format!(
            "the sitemap has {} file(s)",
            layout.files
        )));
    }
    file(st, tenant, layout, n).await
}

async fn file(
    st: &HubState,
    tenant: Option<Tenant>,
    layout: Layout,
    n: u64,
) -> Result<SitemapFile, ServiceError> {
    let home = if n == 1 {
        Some(home(st, tenant.as_ref()).await?)
    } else {
        None
    };
    let (first, count) = layout.items_of(n);
    let items = match &tenant {
        Some(t) if count > 0 => {
            let after = match first {
                0 => None,
                _ => match st.store.sitemap_cursor_at(t, first - 1).await? {
                    Some(c) => Some(c),
                    // Items were withdrawn since the layout was counted: this file is gone.
                    None => return Err(ServiceError::NotFound("no such sitemap file".into())),
                },
            };
            st.store.sitemap_urls(t, after, count).await?
        }
        _ => Vec::new(),
    };
    if home.is_none() && items.is_empty() {
        // A sitemap file must list at least one URL.
        return Err(ServiceError::NotFound("no such sitemap file".into()));
    }
    Ok(SitemapFile {
        tenant,
        home,
        items,
    })
}

/// Whether a site exists, for its `/robots.txt` (`NotFound` for an unknown tenant).
pub async fn robots(st: &HubState, site: &PublicSite) -> Result<(), ServiceError> {
    tenant_of(st, site).await.map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_hold_the_home_page_then_items_in_order() {
        // 1 home + 24 items in files of 10: 10, 10, 5.
        let l = Layout::new(10, 24);
        assert_eq!(l.files, 3);
        assert_eq!(l.items_of(1), (0, 9));
        assert_eq!(l.items_of(2), (9, 10));
        assert_eq!(l.items_of(3), (19, 10));
        // Exactly full: one file.
        assert_eq!(Layout::new(10, 9).files, 1);
        assert_eq!(Layout::new(10, 10).files, 2);
        // No items: the home page alone.
        assert_eq!(Layout::new(10_000, 0).files, 1);
        // One URL a file: the home page, then one item each.
        let one = Layout::new(1, 3);
        assert_eq!(one.files, 4);
        assert_eq!(one.items_of(1), (0, 0));
        assert_eq!(one.items_of(2), (0, 1));
        assert_eq!(one.items_of(4), (2, 1));
        // A nonsensical setting cannot divide by zero.
        assert_eq!(Layout::new(0, 2).files, 3);
    }

    #[test]
    fn counting_stops_where_an_index_is_full() {
        assert_eq!(Layout::items_at_most(10_000), 499_999_999);
        let l = Layout::new(10_000, Layout::items_at_most(10_000));
        assert_eq!(l.files, SITEMAP_INDEX_FILES);
        assert_eq!(Layout::items_at_most(u64::MAX), u64::MAX - 1);
    }
}
