//! The pages of the public sites, as one enum: what each is called in the page cache and how
//! each is built are decided in one exhaustive `match` each, so a new page cannot compile
//! without deciding its cache key, and two pages can never share one.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;

use super::cache::Rendered;
use super::pages::{self, SiteContext};
use super::render::RenderError;
use super::site::LinkMode;
use crate::service::{ServiceError, portal};
use crate::state::HubState;

/// A page a reader can ask for, with everything that identifies it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Page {
    /// The provincial portal's front page.
    Front,
    /// A tenant's home page.
    TenantHome { slug: String },
    /// One item.
    Item { slug: String, id: String },
    /// One page of an item's history.
    History { slug: String, id: String, page: u32 },
    /// Two versions of an item compared.
    Compare {
        slug: String,
        id: String,
        old: i32,
        new: i32,
    },
}

impl Page {
    /// The tenant whose content the page shows (its cache entries go stale with it), or `None`
    /// for the front page, which shows every tenant's.
    fn tenant(&self) -> Option<&str> {
        match self {
            Page::Front => None,
            Page::TenantHome { slug }
            | Page::Item { slug, .. }
            | Page::History { slug, .. }
            | Page::Compare { slug, .. } => Some(slug),
        }
    }

    /// The cache key: the link mode (links differ), the page and all its parameters, under
    /// the generation of its tenant (or of the front page).
    pub(super) fn cache_key(&self, st: &HubState, mode: LinkMode) -> String {
        let what = match self {
            Page::Front => "front".to_string(),
            Page::TenantHome { .. } => "home".to_string(),
            Page::Item { id, .. } => format!("item/{id}"),
            Page::History { id, page, .. } => format!("history/{id}/{page}"),
            Page::Compare { id, old, new, .. } => format!("compare/{id}/{old}/{new}"),
        };
        let path = format!("{}:{what}", mode.as_str());
        match self.tenant() {
            None => st.cache.front_key(&path),
            Some(slug) => st.cache.tenant_key(slug, &path),
        }
    }

    /// Loads what the page shows (on the runtime: queries) and renders it (on a render thread).
    async fn build(&self, st: &HubState, ctx: &SiteContext, key: &str) -> Result<String, Failure> {
        let ctx = ctx.clone();
        let html = match self {
            Page::Front => {
                let data = portal::front_page(st).await?;
                st.render
                    .render(key, move || pages::front_page(&ctx, &data))
                    .await
            }
            Page::TenantHome { slug } => {
                let data = portal::tenant_home(st, slug).await?;
                st.render
                    .render(key, move || pages::tenant_page(&ctx, &data))
                    .await
            }
            Page::Item { slug, id } => {
                let data = portal::item(st, slug, id).await?;
                st.render
                    .render(key, move || pages::item_page(&ctx, &data))
                    .await
            }
            Page::History { slug, id, page } => {
                let data = portal::history(st, slug, id, *page).await?;
                st.render
                    .render(key, move || pages::versions_page(&ctx, &data))
                    .await
            }
            Page::Compare { slug, id, old, new } => {
                let data = portal::compare(st, slug, id, *old, *new).await?;
                st.render
                    .render(key, move || pages::diff_page(&ctx, &data))
                    .await
            }
        };
        Ok(html?)
    }
}

/// Why a page was not built.
enum Failure {
    Service(ServiceError),
    Render(RenderError),
}

impl From<ServiceError> for Failure {
    fn from(e: ServiceError) -> Self {
        Self::Service(e)
    }
}

impl From<RenderError> for Failure {
    fn from(e: RenderError) -> Self {
        Self::Render(e)
    }
}

/// Serves a page from the cache, or builds, caches and serves it.
pub(super) async fn serve(
    st: &HubState,
    ctx: &SiteContext,
    page: Page,
    headers: &HeaderMap,
) -> Response {
    let key = page.cache_key(st, ctx.mode);
    let built = st
        .cache
        .get_or_build(key.clone(), async {
            page.build(st, ctx, &key).await.map(Rendered::new)
        })
        .await;
    match built {
        Ok(rendered) => respond(StatusCode::OK, HTML, &rendered, headers),
        Err(failure) => match &*failure {
            Failure::Service(e) => super::error::page(ctx, e.clone()),
            Failure::Render(e) => {
                let mut r = super::error::page(ctx, ServiceError::Unavailable(e.to_string()));
                if *e == RenderError::Busy {
                    r.headers_mut()
                        .insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
                }
                r
            }
        },
    }
}

pub(super) const HTML: &str = "text/html; charset=utf-8";

/// Pages send a Content-Security-Policy without `script-src`: nothing in an item can run.
pub(super) const PAGE_CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self' https: data:; \
                            media-src 'self' https:; base-uri 'none'; form-action 'self'; \
                            frame-ancestors 'none'";

/// A rendered page, or `304 Not Modified` when the reader holds it already. The length is
/// always given, also for `HEAD` (whose body the router drops).
pub(super) fn respond(
    status: StatusCode,
    content_type: &'static str,
    page: &Arc<Rendered>,
    headers: &HeaderMap,
) -> Response {
    let not_modified = status == StatusCode::OK
        && headers
            .get(header::IF_NONE_MATCH)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| {
                v.split(',')
                    .any(|t| t.trim() == page.etag || t.trim() == "*")
            });
    let mut b = Response::builder()
        .status(if not_modified {
            StatusCode::NOT_MODIFIED
        } else {
            status
        })
        .header(header::CONTENT_TYPE, content_type)
        .header(header::CACHE_CONTROL, "no-cache")
        .header(header::CONTENT_SECURITY_POLICY, PAGE_CSP);
    if let Ok(v) = HeaderValue::from_str(&page.etag) {
        b = b.header(header::ETAG, v);
    }
    let body = if not_modified {
        Body::empty()
    } else {
        b = b.header(header::CONTENT_LENGTH, page.body.len());
        Body::from(page.body.clone())
    };
    b.body(body)
        .unwrap_or_else(|_| Response::new(Body::empty()))
}
