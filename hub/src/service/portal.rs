//! What the public pages show of one item, for anonymous readers. The rules of publication live
//! here: only published items are shown; a withdrawn item's page says when and why it was
//! withdrawn (410), and its history stays public (Art 12).

use std::sync::Arc;

use portal_core::PublicationState;
use portal_core::category::Registry;
use portal_store::{ItemView, Tenant, VersionView, WithdrawnItem};

use super::ServiceError;
use crate::state::HubState;

/// Versions per page of an item's history.
pub const VERSIONS_PER_PAGE: u32 = 50;

/// One item with what its page needs to label it.
pub struct ItemPage {
    pub tenant: Tenant,
    pub item: ItemView,
    /// The registry in force (for the category's name and its fields' labels).
    pub registry: Arc<Registry>,
}

/// An item taken off the pages: its page says so, with the date and the agent's reason.
pub struct WithdrawnPage {
    pub tenant: Tenant,
    pub id: String,
    pub item: WithdrawnItem,
}

/// An item's page: the item, or the notice that it was withdrawn.
pub enum ItemOutcome {
    Published(Box<ItemPage>),
    Withdrawn(WithdrawnPage),
}

/// One page of an item's history, newest first.
pub struct History {
    pub tenant: Tenant,
    /// Without its body.
    pub item: ItemView,
    pub withdrawn: bool,
    pub versions: Vec<VersionView>,
    /// 1-based, and how many there are.
    pub page: u32,
    pub pages: u32,
}

/// Two versions of an item to compare.
pub struct Comparison {
    pub tenant: Tenant,
    /// Without its body.
    pub item: ItemView,
    pub withdrawn: bool,
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

/// An item published or withdrawn (its history stays public), without its body.
async fn archived(
    st: &HubState,
    slug: &str,
    id: &str,
) -> Result<(Tenant, ItemView, bool), ServiceError> {
    let t = tenant(st, slug).await?;
    let (item, state) = st
        .store
        .archived_item(&t, id)
        .await?
        .ok_or_else(|| ServiceError::NotFound(format!("no item {id:?}")))?;
    Ok((t, item, state == PublicationState::Withdrawn))
}

pub async fn item(st: &HubState, slug: &str, id: &str) -> Result<ItemOutcome, ServiceError> {
    let tenant = tenant(st, slug).await?;
    if let Some(item) = st.store.published_item(&tenant, id).await? {
        return Ok(ItemOutcome::Published(Box::new(ItemPage {
            tenant,
            item,
            registry: st.registry(),
        })));
    }
    match st.store.withdrawn_item(&tenant, id).await? {
        Some(item) => Ok(ItemOutcome::Withdrawn(WithdrawnPage {
            tenant,
            id: id.to_string(),
            item,
        })),
        None => Err(ServiceError::NotFound(format!("no published item {id:?}"))),
    }
}

/// Page `page` (1-based) of an item's history: versions are numbered 1..=n with no gaps, so a
/// page is a range of version numbers and costs the same wherever it is.
pub async fn history(
    st: &HubState,
    slug: &str,
    id: &str,
    page: u32,
) -> Result<History, ServiceError> {
    let (tenant, item, withdrawn) = archived(st, slug, id).await?;
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
        withdrawn,
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
    let (tenant, item, withdrawn) = archived(st, slug, id).await?;
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
        withdrawn,
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
