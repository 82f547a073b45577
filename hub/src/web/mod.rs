//! The public web port: the provincial portal and every tenant's site, routed by axum with one
//! handler per page; pages come from the service layer, are rendered off the runtime
//! (`render`) and cached (`cache`).
//!
//! Sites are chosen by `Host` (`site`): `<domain>` is the provincial portal, `<slug>.<domain>` a
//! tenant's site, and for local use `/t/<slug>/...` on any host.
//!
//! The server is our own accept loop over hyper (not `axum::serve`) so that it has the limits
//! a public port needs: connections held at once, a deadline for each request's headers (also
//! between kept-alive requests), and an idle deadline on every connection.

pub mod cache;
mod error;
mod feeds;
pub mod i18n;
mod media;
mod page;
pub mod pages;
pub mod render;
mod respond;
pub mod site;

use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::{FromRequestParts, Path, RawQuery, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Request, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::get;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::service::TowerToHyperService;
use serde::Deserialize;
use tokio::net::TcpListener;

use crate::health::Status as HealthStatus;
use crate::net::{ConnectionLimit, Deadlines, Guarded};
use crate::service::{ServiceError, catalog};
use crate::state::HubState;
use cache::Rendered;
use i18n::Lang;
use page::Page;
use pages::SiteContext;
use site::{LinkMode, Site, SiteHost};

/// Registers `path` on the provincial site and under `/t/<slug>` for tenants' sites reached
/// without their host name.
fn on_every_site(
    r: Router<HubState>,
    path: &str,
    handler: axum::routing::MethodRouter<HubState>,
) -> Router<HubState> {
    let tenant = if path == "/" {
        "/t/{slug}".to_string()
    } else {
        format!("/t/{{slug}}{path}")
    };
    let r = r
        .route(path, handler.clone())
        .route(&tenant, handler.clone());
    if path == "/" {
        r.route("/t/{slug}/", handler)
    } else {
        r
    }
}

pub fn router(state: HubState) -> Router {
    let mut r = Router::new();
    for (path, handler) in [
        ("/", get(home)),
        ("/categories/{code}", get(category)),
        ("/categories/{code}/data.csv", get(export_csv)),
        ("/categories/{code}/data.json", get(export_json)),
        ("/items/{id}", get(item)),
        ("/items/{id}/versions", get(history)),
        ("/items/{id}/diff/{old}/{new}", get(compare)),
        ("/lien-he", get(contact)),
        ("/hoi-dap", get(questions)),
        ("/so-do-cong", get(portal_map)),
        ("/search", get(search)),
        // Feeds, sitemaps and robots.txt (`feeds`).
        ("/rss.xml", get(feeds::rss)),
        ("/atom.xml", get(feeds::atom)),
        ("/categories/{code}/rss.xml", get(feeds::rss)),
        ("/categories/{code}/atom.xml", get(feeds::atom)),
        ("/sitemap.xml", get(feeds::sitemap)),
        ("/sitemap-{file}", get(feeds::sitemap_file)),
        ("/robots.txt", get(feeds::robots)),
    ] {
        r = on_every_site(r, path, handler);
    }
    let site = r
        .route("/static/site.css", get(css))
        .route("/healthz", get(healthz))
        .route("/media/{sha}", get(media::serve))
        .fallback(not_found)
        .layer(middleware::from_fn(security_headers))
        .with_state(state);
    // The language is taken off the path before routing: `/en/...` is the English page of
    // `/...`.
    let languages = tower::ServiceBuilder::new()
        .map_request(language)
        .service(site);
    Router::new().fallback_service(languages)
}

/// Moves a leading `/en` from the path into the request's [`Lang`].
fn language(mut req: Request<Body>) -> Request<Body> {
    let (lang, rest) = Lang::split_path(req.uri().path());
    if lang == Lang::En {
        let pq = match req.uri().query() {
            Some(q) => format!("{rest}?{q}"),
            None => rest.to_string(),
        };
        let mut parts = req.uri().clone().into_parts();
        if let Ok(pq) = pq.parse() {
            parts.path_and_query = Some(pq);
            if let Ok(uri) = axum::http::Uri::from_parts(parts) {
                *req.uri_mut() = uri;
            }
        }
    }
    req.extensions_mut().insert(lang);
    req
}

impl<S: Send + Sync> FromRequestParts<S> for Lang {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(parts.extensions.get::<Lang>().copied().unwrap_or_default())
    }
}

/// The site a page is on: the `slug` of a `/t/<slug>/` path, or else the host's.
fn place(host: SiteHost, slug: Option<String>) -> (Site, LinkMode) {
    match slug {
        Some(s) => (Site::Tenant(s), LinkMode::Path),
        None => (host.site, host.mode),
    }
}

fn context(st: &HubState, mode: LinkMode, lang: Lang, site: Site) -> SiteContext {
    SiteContext {
        config: st.config.clone(),
        mode,
        lang,
        site,
    }
}

/// What every page handler starts from: the site (by host or `/t/<slug>`), the language, and
/// the request's headers.
struct Reader {
    ctx: SiteContext,
    headers: HeaderMap,
}

impl Reader {
    fn new(
        st: &HubState,
        host: SiteHost,
        slug: Option<String>,
        lang: Lang,
        headers: HeaderMap,
    ) -> Self {
        let (site, mode) = place(host, slug);
        Self {
            ctx: context(st, mode, lang, site),
            headers,
        }
    }

    /// The tenant whose site this is.
    fn slug(&self) -> Option<String> {
        match &self.ctx.site {
            Site::Tenant(s) => Some(s.clone()),
            Site::Province => None,
        }
    }

    async fn serve(&self, st: &HubState, page: Page) -> Response {
        page::serve(st, &self.ctx, page, &self.headers).await
    }

    fn error(&self, e: ServiceError) -> Response {
        error::page(&self.ctx, e)
    }

    fn missing(&self) -> Response {
        self.error(ServiceError::NotFound("no such page".into()))
    }
}

#[derive(Deserialize)]
struct SitePath {
    slug: Option<String>,
}

/// The provincial front page, or a tenant's home page.
async fn home(
    State(st): State<HubState>,
    host: SiteHost,
    lang: Lang,
    Path(p): Path<SitePath>,
    headers: HeaderMap,
) -> Response {
    let r = Reader::new(&st, host, p.slug, lang, headers);
    let monday = catalog::monday_of(catalog::today());
    r.serve(
        &st,
        Page::Home {
            slug: r.slug(),
            monday,
        },
    )
    .await
}

#[derive(Deserialize)]
struct CategoryPath {
    slug: Option<String>,
    code: String,
}

/// A category page: `?page=`, the table's filters, `sort=` and `dir=`, `week=`.
async fn category(
    State(st): State<HubState>,
    host: SiteHost,
    lang: Lang,
    Path(p): Path<CategoryPath>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Response {
    let r = Reader::new(&st, host, p.slug, lang, headers);
    match catalog::category_query(&st, &p.code, raw.as_deref().unwrap_or("")) {
        Ok(query) => {
            let page = Page::Category {
                slug: r.slug(),
                code: p.code,
                query,
            };
            r.serve(&st, page).await
        }
        Err(e) => r.error(e),
    }
}

async fn export(
    st: HubState,
    r: Reader,
    code: String,
    raw: Option<String>,
    format: page::Format,
) -> Response {
    match catalog::category_query(&st, &code, raw.as_deref().unwrap_or("")) {
        Ok(query) => {
            let page = Page::Export {
                slug: r.slug(),
                code,
                query,
                format,
            };
            r.serve(&st, page).await
        }
        Err(e) => r.error(e),
    }
}

/// A record table as CSV (the same filters and order as its page).
async fn export_csv(
    State(st): State<HubState>,
    host: SiteHost,
    lang: Lang,
    Path(p): Path<CategoryPath>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Response {
    let r = Reader::new(&st, host, p.slug, lang, headers);
    export(st, r, p.code, raw, page::Format::Csv).await
}

/// A record table as JSON.
async fn export_json(
    State(st): State<HubState>,
    host: SiteHost,
    lang: Lang,
    Path(p): Path<CategoryPath>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Response {
    let r = Reader::new(&st, host, p.slug, lang, headers);
    export(st, r, p.code, raw, page::Format::Json).await
}

#[derive(Deserialize)]
struct ItemPath {
    slug: Option<String>,
    id: String,
}

/// An item's page.
async fn item(
    State(st): State<HubState>,
    host: SiteHost,
    lang: Lang,
    Path(p): Path<ItemPath>,
    headers: HeaderMap,
) -> Response {
    let r = Reader::new(&st, host, p.slug, lang, headers);
    match r.slug() {
        Some(slug) => r.serve(&st, Page::Item { slug, id: p.id }).await,
        None => r.missing(),
    }
}

/// A page of an item's history: `?page=N` (1 = the newest versions).
async fn history(
    State(st): State<HubState>,
    host: SiteHost,
    lang: Lang,
    Path(p): Path<ItemPath>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let r = Reader::new(&st, host, p.slug, lang, headers);
    let number = match query.as_deref().map(page_number) {
        None => Some(1),
        Some(n) => n,
    };
    match (r.slug(), number) {
        (Some(slug), Some(page)) => {
            let page = Page::History {
                slug,
                id: p.id,
                page,
            };
            r.serve(&st, page).await
        }
        _ => r.missing(),
    }
}

/// `page=N` in a query (other parameters are ignored); `None` if it is not a page number.
fn page_number(query: &str) -> Option<u32> {
    match query.split('&').find_map(|kv| kv.strip_prefix("page=")) {
        None => Some(1),
        Some(n) => n.parse().ok().filter(|n| *n > 0),
    }
}

#[derive(Deserialize)]
struct ComparePath {
    slug: Option<String>,
    id: String,
    old: String,
    new: String,
}

/// Two versions of an item compared.
async fn compare(
    State(st): State<HubState>,
    host: SiteHost,
    lang: Lang,
    Path(p): Path<ComparePath>,
    headers: HeaderMap,
) -> Response {
    let r = Reader::new(&st, host, p.slug, lang, headers);
    let versions = (p.old.parse::<i32>(), p.new.parse::<i32>());
    match (r.slug(), versions) {
        (Some(slug), (Ok(old), Ok(new))) if old > 0 && new > 0 => {
            let page = Page::Compare {
                slug,
                id: p.id,
                old,
                new,
            };
            r.serve(&st, page).await
        }
        _ => r.missing(),
    }
}

async fn contact(
    State(st): State<HubState>,
    host: SiteHost,
    lang: Lang,
    Path(p): Path<SitePath>,
    headers: HeaderMap,
) -> Response {
    let r = Reader::new(&st, host, p.slug, lang, headers);
    r.serve(&st, Page::Contact { slug: r.slug() }).await
}

async fn questions(
    State(st): State<HubState>,
    host: SiteHost,
    lang: Lang,
    Path(p): Path<SitePath>,
    headers: HeaderMap,
) -> Response {
    let r = Reader::new(&st, host, p.slug, lang, headers);
    r.serve(&st, Page::Questions { slug: r.slug() }).await
}

async fn portal_map(
    State(st): State<HubState>,
    host: SiteHost,
    lang: Lang,
    Path(p): Path<SitePath>,
    headers: HeaderMap,
) -> Response {
    let r = Reader::new(&st, host, p.slug, lang, headers);
    r.serve(&st, Page::Map { slug: r.slug() }).await
}

/// Full-text search (`service::search`). Not cached: results change with every publication,
/// and every combination of parameters would be its own entry.
async fn search(
    State(st): State<HubState>,
    host: SiteHost,
    lang: Lang,
    Path(p): Path<SitePath>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Response {
    use crate::service::search::{SearchOutcome, search_page};
    let r = Reader::new(&st, host, p.slug, lang, headers);
    let raw = raw.unwrap_or_default();
    let data = match search_page(&st, r.slug().as_deref(), &raw).await {
        Ok(data) => data,
        Err(e) => return r.error(e),
    };
    let status = match data.outcome {
        SearchOutcome::Problem(_) => StatusCode::BAD_REQUEST,
        _ => StatusCode::OK,
    };
    let ctx = r.ctx.clone();
    // The render pool remembers failed keys: a digest keeps a 10 KB query from being one.
    let digest = {
        use sha2::Digest;
        hex::encode(&sha2::Sha256::digest(raw.as_bytes())[..12])
    };
    let key = format!("search/{}{}:{digest}", ctx.mode.as_str(), ctx.lang.code());
    match st
        .render
        .render(&key, move || pages::search_page(&ctx, &data))
        .await
    {
        Ok(html) => page::respond(status, page::HTML, &Rendered::new(html), &r.headers),
        Err(e) => r.error(ServiceError::Unavailable(e.to_string())),
    }
}

async fn css(headers: HeaderMap) -> Response {
    static CSS: std::sync::LazyLock<Rendered> =
        std::sync::LazyLock::new(|| Rendered::new(pages::SITE_CSS.to_string()));
    page::respond(StatusCode::OK, "text/css; charset=utf-8", &CSS, &headers)
}

async fn not_found(State(st): State<HubState>, host: SiteHost, lang: Lang) -> Response {
    Reader::new(&st, host, None, lang, HeaderMap::new()).missing()
}

/// `ok`, or `503` with what is wrong: the database does not answer, writes are failing, or a
/// file system is nearly full.
async fn healthz(State(st): State<HubState>) -> Response {
    let (code, text) = match st.store.change_feed_head().await {
        Err(e) => {
            tracing::warn!(error = %e, "health check: the database does not answer");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                "unavailable\ndatabase: does not answer\n".to_string(),
            )
        }
        Ok(_) => match st.health.status(crate::state::now()) {
            HealthStatus::Ok => (StatusCode::OK, "ok\n".to_string()),
            HealthStatus::Degraded(reasons) => (
                StatusCode::SERVICE_UNAVAILABLE,
                format!("degraded\n{}\n", reasons.join("\n")),
            ),
        },
    };
    Response::builder()
        .status(code)
        .header(header::CONTENT_TYPE, "text/plain; charset=utf-8")
        .header(header::CACHE_CONTROL, "no-store")
        .header(header::CONTENT_LENGTH, text.len())
        .body(Body::from(text))
        .unwrap_or_else(|_| Response::new(Body::empty()))
}

/// Headers every response carries, whoever made it (pages, media, errors, the health check,
/// the router's own 404 and 405): a response that set its own policy keeps it. HSTS is the
/// TLS-terminating proxy's to send (this port is plain HTTP).
async fn security_headers(req: Request<Body>, next: Next) -> Response {
    let mut r = next.run(req).await;
    let h = r.headers_mut();
    for (name, value) in [
        (
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; frame-ancestors 'none'",
        ),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "strict-origin-when-cross-origin"),
        (header::X_FRAME_OPTIONS, "DENY"),
    ] {
        if !h.contains_key(&name) {
            h.insert(name, HeaderValue::from_static(value));
        }
    }
    r
}

/// Serves the public pages on `listener` until `stop` turns true.
pub async fn serve(
    state: HubState,
    listener: TcpListener,
    limit: ConnectionLimit,
    mut stop: tokio::sync::watch::Receiver<bool>,
) -> anyhow::Result<()> {
    let header_timeout = state.config.http_header_read_timeout.get();
    let deadlines = Deadlines {
        first_byte: header_timeout,
        idle: state.config.http_idle_timeout.get(),
    };
    let app = router(state);
    let mut builder = auto::Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(header_timeout)
        .keep_alive(true);
    builder
        .http2()
        .timer(TokioTimer::new())
        .max_concurrent_streams(64)
        .keep_alive_interval(Some(Duration::from_secs(30)))
        .keep_alive_timeout(Duration::from_secs(10));
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    loop {
        let permit = tokio::select! {
            _ = stop.wait_for(|v| *v) => break,
            p = limit.acquire() => p,
        };
        let accepted = tokio::select! {
            _ = stop.wait_for(|v| *v) => break,
            a = listener.accept() => a,
        };
        let tcp = match accepted {
            Ok((tcp, _peer)) => tcp,
            Err(e) => {
                // Out of file descriptors and the like: back off instead of spinning.
                tracing::warn!(error = %e, "accept failed");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let _ = tcp.set_nodelay(true);
        let io = TokioIo::new(Guarded::new(tcp, deadlines, permit));
        let conn = builder
            .serve_connection(io, TowerToHyperService::new(app.clone()))
            .into_owned();
        let conn = graceful.watch(conn);
        tokio::spawn(async move {
            // Errors here are a peer going away or timing out: nothing to report.
            let _ = conn.await;
        });
    }
    drop(listener);
    if tokio::time::timeout(Duration::from_secs(10), graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!("some HTTP connections did not finish within 10 s of shutdown");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn history_pages_come_from_the_query() {
        assert_eq!(page_number("page=3"), Some(3));
        assert_eq!(page_number("x=1&page=2"), Some(2));
        assert_eq!(page_number("utm=1"), Some(1));
        assert_eq!(page_number("page=0"), None);
        assert_eq!(page_number("page=x"), None);
    }
}
