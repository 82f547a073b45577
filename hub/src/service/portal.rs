//! What the public pages show, for anonymous readers. The rules of publication live here: only
//! published items are shown, the provincial front page shows only items approved for it, and
//! an item's history is public only while the item is.

use std::sync::Arc;

use portal_core::category::Registry;
use portal_store::{ItemView, Tenant, VersionView};

use super::ServiceError;
use crate::state::HubState;

/// Items listed on a home page.
pub const LIST_LIMIT: u64 = 50;
/// Versions per page of an item's history.
pub const VERSIONS_PER_PAGE: u32 = 50;

/// The provincial portal's front page.
pub struct FrontPage {
    pub tenants: Vec<Tenant>,
    pub items: Vec<ItemView>,
}

/// A tenant's home page.
pub struct TenantHome {
    pub tenant: Tenant,
    pub items: Vec<ItemView>,
}

/// One item with what its page needs to label it.
pub struct ItemPage {
    pub tenant: Tenant,
    pub item: ItemView,
    /// The registry in force (for the category's name and its fields' labels).
    pub registry: Arc<Registry>,
}

/// One page of an item's history, newest first.
pub struct History {
    pub tenant: Tenant,
    pub item: ItemView,
    pub versions: Vec<VersionView>,
    /// 1-based, and how many there are.
    pub page: u32,
    pub pages: u32,
}

/// Two versions of an item to compare.
pub struct Comparison {
    pub tenant: Tenant,
    pub item: ItemView,
    /// (version, title, body)
    pub old: (i32, String, String),
    pub new: (i32, String, String),
}

async fn tenant(st: &HubState, slug: &str) -> Result<Tenant, ServiceError> {
    st.store
        .tenant_by_slug(slug)
        .await?
        .ok_or_else(|| ServiceError::NotFound(format!("no component portal {slug:?}")))
}

async fn published(
    st: &HubState,
    slug: &str,
    id: &str,
) -> Result<(Tenant, ItemView), ServiceError> {
    let t = tenant(st, slug).await?;
    let item = st
        .store
        .published_item(&t, id)
        .await?
        .ok_or_else(|| ServiceError::NotFound(format!("no published item {id:?}")))?;
    Ok((t, item))
}

pub async fn front_page(st: &HubState) -> Result<FrontPage, ServiceError> {
    Ok(FrontPage {
        tenants: st.store.tenants().await?,
        items: st.store.front_page_items(LIST_LIMIT).await?.items,
    })
}

pub async fn tenant_home(st: &HubState, slug: &str) -> Result<TenantHome, ServiceError> {
    let tenant = tenant(st, slug).await?;
    let items = st.store.tenant_items(&tenant, LIST_LIMIT).await?.items;
    Ok(TenantHome { tenant, items })
}

pub async fn item(st: &HubState, slug: &str, id: &str) -> Result<ItemPage, ServiceError> {
    let (tenant, item) = published(st, slug, id).await?;
    Ok(ItemPage {
        tenant,
        item,
        registry: st.registry(),
    })
}

/// Page `page` (1-based) of an item's history: versions are numbered 1..=n with no gaps, so a
/// page is a range of version numbers and costs the same wherever it is.
pub async fn history(
    st: &HubState,
    slug: &str,
    id: &str,
    page: u32,
) -> Result<History, ServiceError> {
    let (tenant, item) = published(st, slug, id).await?;
    let per = VERSIONS_PER_PAGE;
    let newest = u32::try_from(item.version.max(1)).unwrap_or(1);
    let pages = newest.div_ceil(per);
    if page == 0 || page > pages {
        return Err(ServiceError::NotFound(format!(
            "the history has {pages} page(s)"
        )));
    }
    let up_to = newest - (page - 1) * per;
    let versions = st
        .store
        .item_history(&tenant, id, up_to as i32, u64::from(per))
        .await?;
    Ok(History {
        tenant,
        item,
        versions,
        page,
        pages,
    })
}

pub async fn compare(
    st: &HubState,
    slug: &str,
    id: &str,
    old: i32,
    new: i32,
) -> Result<Comparison, ServiceError> {
    let (tenant, item) = published(st, slug, id).await?;
    let text = |v: i32| {
        let (tenant, store) = (&tenant, &st.store);
        async move {
            store
                .version_text(tenant, id, v)
                .await?
                .ok_or_else(|| ServiceError::NotFound(format!("no version {v}")))
        }
    };
    let (old_title, old_body) = text(old).await?;
    let (new_title, new_body) = text(new).await?;
    Ok(Comparison {
        tenant,
        item,
        old: (old, old_title, old_body),
        new: (new, new_title, new_body),
    })
}

/// A medium, for readers: every medium the hub holds is public (items link to them).
pub async fn medium(
    st: &HubState,
    sha: &str,
) -> Result<(portal_store::MediaRecord, std::path::PathBuf), ServiceError> {
    if !portal_core::media::is_sha256_hex(sha) {
        return Err(ServiceError::NotFound("no such medium".into()));
    }
    let record = st
        .store
        .media(sha)
        .await?
        .ok_or_else(|| ServiceError::NotFound("no such medium".into()))?;
    Ok((record, st.media.path(sha)))
}
