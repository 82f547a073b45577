//! The pages of the public sites, as one enum: what each is called in the page cache and how
//! each is built are decided in one exhaustive `match` each, so a new page cannot compile
//! without deciding its cache key, and two pages can never share one.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use chrono::NaiveDate;

use super::cache::Rendered;
use super::feeds::{self, FeedFormat};
use super::pages::{self, SiteContext};
use super::render::RenderError;
use super::site::Site;
use crate::service::catalog::{self, CategoryQuery};
use crate::service::feeds as listed;
use crate::service::{ServiceError, portal};
use crate::state::HubState;

/// Whose site a page is on: a tenant's (by slug) or the provincial portal's (`None`).
pub(super) type SiteSlug = Option<String>;

/// The format of a table's download.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Format {
    Csv,
    Json,
}

/// A page a reader can ask for, with everything that identifies it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Page {
    /// A home page, for the week whose leaders' schedule it shows.
    Home {
        slug: SiteSlug,
        monday: NaiveDate,
    },
    /// A category: its list, table or schedule.
    Category {
        slug: SiteSlug,
        code: String,
        query: CategoryQuery,
    },
    /// A record table's rows for download.
    Export {
        slug: SiteSlug,
        code: String,
        query: CategoryQuery,
        format: Format,
    },
    /// One item.
    Item {
        slug: String,
        id: String,
    },
    /// One page of an item's history.
    History {
        slug: String,
        id: String,
        page: u32,
    },
    /// Two versions of an item compared.
    Compare {
        slug: String,
        id: String,
        old: i32,
        new: i32,
    },
    Contact {
        slug: SiteSlug,
    },
    Questions {
        slug: SiteSlug,
    },
    /// Sơ đồ cổng.
    Map {
        slug: SiteSlug,
    },
    /// The latest items of a site, or of one category on it, as a feed.
    Feed {
        site: Site,
        category: Option<String>,
        format: FeedFormat,
    },
    /// A site's sitemap: `/sitemap.xml` (`None`; an index when it has several files) or
    /// `/sitemap-<n>.xml`.
    Sitemap {
        site: Site,
        file: Option<u64>,
    },
    /// A site's robots.txt.
    Robots {
        site: Site,
    },
}

impl Page {
    /// The tenant whose content the page shows (its cache entries go stale with it), or `None`
    /// for the provincial site's pages, which show every tenant's.
    fn tenant(&self) -> Option<&str> {
        match self {
            Page::Home { slug, .. }
            | Page::Category { slug, .. }
            | Page::Export { slug, .. }
            | Page::Contact { slug }
            | Page::Questions { slug }
            | Page::Map { slug } => slug.as_deref(),
            Page::Item { slug, .. } | Page::History { slug, .. } | Page::Compare { slug, .. } => {
                Some(slug)
            }
            Page::Feed { site, .. } | Page::Sitemap { site, .. } | Page::Robots { site } => {
                match site {
                    Site::Province => None,
                    Site::Tenant(slug) => Some(slug),
                }
            }
        }
    }

    /// The media type of the page.
    pub(super) fn content_type(&self) -> &'static str {
        match self {
            Page::Export {
                format: Format::Csv,
                ..
            } => "text/csv; charset=utf-8",
            Page::Export {
                format: Format::Json,
                ..
            } => "application/json",
            Page::Feed { format, .. } => format.content_type(),
            Page::Sitemap { .. } => feeds::SITEMAP_TYPE,
            Page::Robots { .. } => feeds::ROBOTS_TYPE,
            _ => HTML,
        }
    }

    /// The cache key: the link mode and language (links and words differ), the page and all
    /// its parameters, under the generation of its tenant (or of the provincial site).
    pub(super) fn cache_key(&self, st: &HubState, ctx: &SiteContext) -> String {
        let what = match self {
            Page::Home { monday, .. } => format!("home/{monday}"),
            Page::Category { code, query, .. } => format!("cat/{code}?{}", query.to_query(true)),
            Page::Export {
                code,
                query,
                format,
                ..
            } => format!("export/{format:?}/{code}?{}", query.to_query(true)),
            Page::Item { id, .. } => format!("item/{id}"),
            Page::History { id, page, .. } => format!("history/{id}/{page}"),
            Page::Compare { id, old, new, .. } => format!("compare/{id}/{old}/{new}"),
            Page::Contact { .. } => "contact".into(),
            Page::Questions { .. } => "questions".into(),
            Page::Map { .. } => "map".into(),
            Page::Feed {
                category, format, ..
            } => match category {
                None => format!("feed/{}", format.as_str()),
                Some(code) => format!("feed/{}/category/{code}", format.as_str()),
            },
            Page::Sitemap { file: None, .. } => "sitemap".to_string(),
            Page::Sitemap { file: Some(n), .. } => format!("sitemap/{n}"),
            Page::Robots { .. } => "robots".to_string(),
        };
        let links = match self {
            // Absolute links on the canonical hosts in either mode and language: one document
            // (and one cache entry, which for a sitemap file can be a megabyte) serves all.
            Page::Feed { .. } | Page::Sitemap { .. } | Page::Robots { .. } => "a".to_string(),
            _ => format!("{}{}", ctx.mode.as_str(), ctx.lang.code()),
        };
        let path = format!("{links}:{what}");
        match self.tenant() {
            None => st.cache.front_key(&path),
            Some(slug) => st.cache.tenant_key(slug, &path),
        }
    }

    /// Loads what the page shows (on the runtime: queries) and renders it (on a render thread).
    async fn build(&self, st: &HubState, ctx: &SiteContext, key: &str) -> Result<String, Failure> {
        let ctx = ctx.clone();
        let render = |f: Box<dyn FnOnce() -> String + Send>| st.render.render(key, f);
        let html = match self {
            Page::Home { slug, monday } => {
                let data = catalog::home(st, slug.as_deref(), *monday).await?;
                render(Box::new(move || pages::home_page(&ctx, &data))).await
            }
            Page::Category { slug, code, query } => {
                let data = catalog::category_page(st, slug.as_deref(), code, query.clone()).await?;
                render(Box::new(move || pages::category_page(&ctx, &data))).await
            }
            Page::Export {
                slug,
                code,
                query,
                format,
            } => {
                let data = catalog::export(st, slug.as_deref(), code, query.clone()).await?;
                let format = *format;
                render(Box::new(move || match format {
                    Format::Csv => pages::export_csv(&ctx, &data),
                    Format::Json => pages::export_json(&ctx, &data),
                }))
                .await
            }
            Page::Item { slug, id } => match portal::item(st, slug, id).await? {
                portal::ItemOutcome::Published(data) => {
                    render(Box::new(move || pages::item_page(&ctx, &data))).await
                }
                portal::ItemOutcome::Withdrawn(data) => {
                    let html = render(Box::new(move || pages::withdrawn_page(&ctx, &data))).await?;
                    return Err(Failure::Gone(html));
                }
            },
            Page::History { slug, id, page } => {
                let data = portal::history(st, slug, id, *page).await?;
                render(Box::new(move || pages::versions_page(&ctx, &data))).await
            }
            Page::Compare { slug, id, old, new } => {
                let data = portal::compare(st, slug, id, *old, *new).await?;
                render(Box::new(move || pages::diff_page(&ctx, &data))).await
            }
            Page::Contact { slug } => {
                let data = catalog::portal_map(st, slug.as_deref()).await?;
                render(Box::new(move || pages::contact_page(&ctx, &data))).await
            }
            Page::Questions { slug } => {
                let data = catalog::portal_map(st, slug.as_deref()).await?;
                render(Box::new(move || pages::questions_page(&ctx, &data))).await
            }
            Page::Map { slug } => {
                let data = catalog::portal_map(st, slug.as_deref()).await?;
                render(Box::new(move || pages::portal_map(&ctx, &data))).await
            }
            Page::Feed {
                site,
                category,
                format,
            } => {
                let data = listed::feed(st, &feeds::public_site(site), category.as_deref()).await?;
                let format = *format;
                render(Box::new(move || feeds::feed_document(&ctx, &data, format))).await
            }
            Page::Sitemap { site, file: None } => {
                let data = listed::sitemap(st, &feeds::public_site(site)).await?;
                render(Box::new(move || feeds::sitemap_document(&ctx, &data))).await
            }
            Page::Sitemap {
                site,
                file: Some(n),
            } => {
                let data = listed::sitemap_file(st, &feeds::public_site(site), *n).await?;
                render(Box::new(move || feeds::sitemap_file_document(&ctx, &data))).await
            }
            Page::Robots { site } => {
                // A few lines of text: not worth a render thread.
                listed::robots(st, &feeds::public_site(site)).await?;
                Ok(feeds::robots_txt(&ctx, site))
            }
        };
        Ok(html?)
    }
}

/// Why a page was not built.
enum Failure {
    Service(ServiceError),
    Render(RenderError),
    /// The item was withdrawn: its notice, served with `410 Gone` and not cached.
    Gone(String),
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
    let key = page.cache_key(st, ctx);
    let built = st
        .cache
        .get_or_build(key.clone(), async {
            page.build(st, ctx, &key).await.map(Rendered::new)
        })
        .await;
    match built {
        Ok(rendered) => respond(StatusCode::OK, page.content_type(), &rendered, headers),
        Err(failure) => match &*failure {
            Failure::Service(e) => super::error::page(ctx, e.clone()),
            Failure::Gone(html) => respond(
                StatusCode::GONE,
                HTML,
                &Rendered::new(html.clone()),
                &HeaderMap::new(),
            ),
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
