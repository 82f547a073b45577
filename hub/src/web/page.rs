//! The pages of the public sites, as one enum: what each is called in the page cache and how
//! each is built are decided in one exhaustive `match` each, so a new page cannot compile
//! without deciding its cache key, and two pages can never share one.

use std::time::{Duration, SystemTime};

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use chrono::NaiveDate;

use super::cache::{Miss, PageKey, Rendered, Scope};
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
    /// its parameters, in the scope whose changes make it stale: its item's (an item's pages),
    /// its tenant's, or the provincial site's.
    pub(super) fn cache_key(&self, ctx: &SiteContext) -> PageKey {
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
        let scope = match self {
            Page::Item { slug, id }
            | Page::History { slug, id, .. }
            | Page::Compare { slug, id, .. } => Scope::Item {
                slug: slug.clone(),
                id: id.clone(),
            },
            _ => match self.tenant() {
                None => Scope::Front,
                Some(slug) => Scope::Tenant(slug.to_string()),
            },
        };
        PageKey {
            scope,
            path: format!("{links}:{what}"),
        }
    }

    /// Loads what the page shows (on the runtime: queries) and renders it (on a render thread).
    /// The page is compressed on the render thread too, once, as it enters the cache.
    async fn build(
        &self,
        st: &HubState,
        ctx: &SiteContext,
        key: &str,
    ) -> Result<Rendered, Failure> {
        let ctx = ctx.clone();
        let render = |f: Box<dyn FnOnce() -> String + Send>| {
            st.render.render(key, move || Rendered::new(f()))
        };
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
                    let modified = system_time(data.item.updated_at);
                    render(Box::new(move || pages::item_page(&ctx, &data)))
                        .await
                        .map(|r| r.modified_at(modified))
                }
                portal::ItemOutcome::Withdrawn(data) => {
                    let page = render(Box::new(move || pages::withdrawn_page(&ctx, &data))).await?;
                    return Err(Failure::Gone(page));
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
                Ok(Rendered::new(feeds::robots_txt(&ctx, site)))
            }
        };
        Ok(html?)
    }
}

/// When the content of a page last changed, as the system clock says it.
fn system_time(t: portal_core::UnixMillis) -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_millis(u64::try_from(t.as_millis()).unwrap_or(0))
}

/// Why a page was not built.
enum Failure {
    Service(ServiceError),
    Render(RenderError),
    /// The item was withdrawn: its notice, served with `410 Gone` and not cached.
    Gone(Rendered),
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

/// Serves a page from the cache (fresh, or stale for a moment while it is rendered again), or
/// builds, caches and serves it.
pub(super) async fn serve(
    st: &HubState,
    ctx: &SiteContext,
    page: Page,
    headers: &HeaderMap,
) -> Response {
    let key = page.cache_key(ctx);
    let content_type = page.content_type();
    let (state, context) = (st.clone(), ctx.clone());
    let built = st
        .cache
        .get_or_build(key, move |name| async move {
            page.build(&state, &context, &name).await
        })
        .await;
    let failure = match built {
        Ok(rendered) => return respond(StatusCode::OK, content_type, &rendered, headers),
        Err(miss) => miss,
    };
    match &*failure {
        Miss::Raced(rendered) => respond(StatusCode::OK, content_type, rendered, headers),
        Miss::Failed(Failure::Service(e)) => super::error::page(ctx, e.clone()),
        Miss::Failed(Failure::Gone(page)) => respond(StatusCode::GONE, HTML, page, headers),
        Miss::Failed(Failure::Render(e)) => {
            let mut r = super::error::page(ctx, ServiceError::Unavailable(e.to_string()));
            if *e == RenderError::Busy {
                r.headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
            }
            r
        }
    }
}

pub(super) const HTML: &str = "text/html; charset=utf-8";

pub(super) use super::respond::respond;
