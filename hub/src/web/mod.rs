//! Public web pages, routed by Host: `<domain>` is the provincial portal, `<slug>.<domain>` a
//! tenant's site, and for local use `/t/<slug>/...` on any host. Pages are rendered from the store
//! through the page cache.

pub mod cache;
mod media;
pub mod pages;

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::Response;
use cache::Page;
use pages::{LinkMode, SiteContext};

use crate::state::HubState;

const CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self' https: data:; \
                   media-src 'self' https:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
const PAGE_LIMIT: u64 = 50;

pub fn router(state: HubState) -> Router {
    Router::new().fallback(dispatch).with_state(state)
}

/// Which site a request is for.
#[derive(Debug, PartialEq, Eq)]
enum Site {
    Province,
    Tenant(String),
}

fn host_site(host: &str, domain: &str) -> (Site, LinkMode) {
    let host = host.rsplit_once(':').map_or(host, |(h, port)| {
        if port.bytes().all(|b| b.is_ascii_digit()) {
            h
        } else {
            host
        }
    });
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    if host == domain || host == format!("www.{domain}") {
        return (Site::Province, LinkMode::Host);
    }
    if let Some(sub) = host.strip_suffix(domain).and_then(|s| s.strip_suffix('.'))
        && portal_core::validate_slug(sub).is_ok()
    {
        return (Site::Tenant(sub.to_string()), LinkMode::Host);
    }
    (Site::Province, LinkMode::Path)
}

/// What a path asks for, once the site is known.
#[derive(Debug, PartialEq, Eq)]
enum Route {
    Home,
    Item(String),
    Versions(String),
    Diff(String, i32, i32),
    Css,
    Health,
    Media(String),
    NotFound,
}

fn route(site: Site, mode: LinkMode, path: &str) -> (Site, LinkMode, Route) {
    let segs: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    match (site, segs.as_slice()) {
        (_, ["static", "site.css"]) => (Site::Province, mode, Route::Css),
        (_, ["healthz"]) => (Site::Province, mode, Route::Health),
        (_, ["media", sha]) => (Site::Province, mode, Route::Media(sha.to_string())),
        (_, ["t", slug] | ["t", slug, ""]) => {
            (Site::Tenant(slug.to_string()), LinkMode::Path, Route::Home)
        }
        (_, ["t", slug, "items", id]) => (
            Site::Tenant(slug.to_string()),
            LinkMode::Path,
            Route::Item(id.to_string()),
        ),
        (_, ["t", slug, "items", id, rest @ ..]) => (
            Site::Tenant(slug.to_string()),
            LinkMode::Path,
            history_route(id, rest),
        ),
        (site, [""]) => (site, mode, Route::Home),
        (Site::Tenant(s), ["items", id]) => (Site::Tenant(s), mode, Route::Item(id.to_string())),
        (Site::Tenant(s), ["items", id, rest @ ..]) => {
            (Site::Tenant(s), mode, history_route(id, rest))
        }
        (site, _) => (site, mode, Route::NotFound),
    }
}

fn history_route(id: &str, rest: &[&str]) -> Route {
    match rest {
        ["versions"] => Route::Versions(id.to_string()),
        ["diff", a, b] => match (a.parse(), b.parse()) {
            (Ok(a), Ok(b)) => Route::Diff(id.to_string(), a, b),
            _ => Route::NotFound,
        },
        _ => Route::NotFound,
    }
}

fn respond(
    status: StatusCode,
    content_type: &'static str,
    page: &Page,
    headers: &HeaderMap,
    head: bool,
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
        .header(header::CONTENT_SECURITY_POLICY, CSP)
        .header(header::X_CONTENT_TYPE_OPTIONS, "nosniff")
        .header(header::REFERRER_POLICY, "strict-origin-when-cross-origin")
        .header("x-frame-options", "DENY");
    if let Ok(v) = HeaderValue::from_str(&page.etag) {
        b = b.header(header::ETAG, v);
    }
    let body = if not_modified || head {
        Body::empty()
    } else {
        Body::from(page.body.clone())
    };
    b.body(body)
        .unwrap_or_else(|_| Response::new(Body::empty()))
}

const HTML: &str = "text/html; charset=utf-8";

async fn dispatch(
    State(state): State<HubState>,
    method: Method,
    headers: HeaderMap,
    uri: Uri,
) -> Response {
    if method != Method::GET && method != Method::HEAD {
        let mut r = Response::new(Body::from("method not allowed"));
        *r.status_mut() = StatusCode::METHOD_NOT_ALLOWED;
        r.headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return r;
    }
    let head = method == Method::HEAD;
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .or_else(|| uri.host())
        .unwrap_or("");
    let cfg = &state.config;
    let (site, mode) = host_site(host, &cfg.domain);
    let (site, mode, route) = route(site, mode, uri.path());
    let ctx = SiteContext {
        province_name: &cfg.province_name,
        domain: &cfg.domain,
        scheme: &cfg.public_scheme,
        mode,
    };
    match route {
        Route::Css => {
            static CSS: std::sync::LazyLock<Arc<Page>> =
                std::sync::LazyLock::new(|| Page::new(pages::SITE_CSS.to_string()));
            return respond(
                StatusCode::OK,
                "text/css; charset=utf-8",
                &CSS,
                &headers,
                head,
            );
        }
        Route::Health => {
            return match state.store.change_feed_head().await {
                Ok(_) => Response::new(Body::from("ok")),
                Err(_) => {
                    let mut r = Response::new(Body::from("database unavailable"));
                    *r.status_mut() = StatusCode::SERVICE_UNAVAILABLE;
                    r
                }
            };
        }
        Route::Media(sha) => return media::serve(&state, &sha, &headers, head).await,
        Route::NotFound => {
            return respond(
                StatusCode::NOT_FOUND,
                HTML,
                &Page::new(pages::not_found(&ctx)),
                &headers,
                head,
            );
        }
        Route::Home | Route::Item(_) | Route::Versions(_) | Route::Diff(..) => {}
    }
    let key = match (&site, &route) {
        (Site::Province, _) => state.cache.front_key(&format!("{}:home", mode.as_str())),
        (Site::Tenant(slug), Route::Item(id)) => state
            .cache
            .tenant_key(slug, &format!("{}:item:{id}", mode.as_str())),
        (Site::Tenant(slug), _) => state
            .cache
            .tenant_key(slug, &format!("{}:home", mode.as_str())),
    };
    if let Some(page) = state.cache.get(&key).await {
        return respond(StatusCode::OK, HTML, &page, &headers, head);
    }
    match render(&state, &ctx, &site, &route).await {
        Ok(Some(html)) => {
            let page = Page::new(html);
            state.cache.put(key, page.clone()).await;
            respond(StatusCode::OK, HTML, &page, &headers, head)
        }
        Ok(None) => respond(
            StatusCode::NOT_FOUND,
            HTML,
            &Page::new(pages::not_found(&ctx)),
            &headers,
            head,
        ),
        Err(e) => {
            tracing::error!(error = %e, "page could not be rendered");
            let mut r = Response::new(Body::from("Hệ thống đang bận, vui lòng thử lại sau."));
            *r.status_mut() = StatusCode::SERVICE_UNAVAILABLE;
            r
        }
    }
}

/// Field labels of a record's category, in the category's order; enum values (and table
/// column names) are shown with their Vietnamese labels.
fn record_labels(
    def: Option<&portal_core::category::CategoryDef>,
    it: &mut portal_store::ItemView,
) -> Vec<(String, String)> {
    let Some(def) = def else {
        return Vec::new();
    };
    if let Some(record) = it.record.as_mut() {
        for f in &def.fields {
            if let Some(v) = record.get_mut(&f.name) {
                if let Some(label) = f.allowed_labels_vi.get(v.as_str()) {
                    *v = label.clone();
                } else {
                    *v = display_value(&f.ty, v);
                }
            }
            // Table columns: rename keys to their labels so the nested table reads well.
            if !f.columns.is_empty()
                && let Some(v) = record.get_mut(&f.name)
                && let Ok(rows) =
                    serde_json::from_str::<Vec<serde_json::Map<String, serde_json::Value>>>(v)
            {
                let relabelled: Vec<serde_json::Map<String, serde_json::Value>> = rows
                    .into_iter()
                    .map(|row| {
                        f.columns
                            .iter()
                            .filter_map(|c| {
                                row.get(&c.name)
                                    .map(|val| (c.label_vi.clone(), val.clone()))
                            })
                            .collect()
                    })
                    .collect();
                if let Ok(text) = serde_json::to_string(&relabelled) {
                    *v = text;
                }
            }
        }
    }
    def.fields
        .iter()
        .map(|f| (f.name.clone(), f.label_vi.clone()))
        .collect()
}

/// Dates and numbers as Vietnamese readers write them: 01/10/2024, 46.500.000, 1.250,5.
fn display_value(ty: &portal_core::category::FieldType, v: &str) -> String {
    use portal_core::category::FieldType;
    match ty {
        FieldType::Date => chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d")
            .map(|d| d.format("%d/%m/%Y").to_string())
            .unwrap_or_else(|_| v.to_string()),
        FieldType::Integer | FieldType::Decimal => {
            let (sign, digits) = v.strip_prefix('-').map_or(("", v), |d| ("-", d));
            let (int, frac) = digits
                .split_once('.')
                .map_or((digits, None), |(i, f)| (i, Some(f)));
            if !int.bytes().all(|b| b.is_ascii_digit()) {
                return v.to_string();
            }
            let mut grouped = String::new();
            for (i, c) in int.chars().enumerate() {
                if i > 0 && (int.len() - i) % 3 == 0 {
                    grouped.push('.');
                }
                grouped.push(c);
            }
            match frac {
                Some(f) => format!("{sign}{grouped},{f}"),
                None => format!("{sign}{grouped}"),
            }
        }
        _ => v.to_string(),
    }
}

async fn render(
    state: &HubState,
    ctx: &SiteContext<'_>,
    site: &Site,
    route: &Route,
) -> Result<Option<String>, portal_store::StoreError> {
    let store = &state.store;
    match site {
        Site::Province => {
            let tenants = store.tenants().await?;
            let items = store.front_page_items(PAGE_LIMIT).await?;
            Ok(Some(pages::front_page(ctx, &tenants, &items.items)))
        }
        Site::Tenant(slug) => {
            let Some(tenant) = store.tenant_by_slug(slug).await? else {
                return Ok(None);
            };
            match route {
                Route::Item(id) => {
                    let Some(mut it) = store.published_item(&tenant, id).await? else {
                        return Ok(None);
                    };
                    let registry = state.registry();
                    let def = registry.get(&it.category);
                    let labels = record_labels(def, &mut it);
                    let category = def.map_or(it.category.clone(), |d| d.name_vi.clone());
                    Ok(Some(pages::item_page(
                        ctx, &tenant, &it, &labels, &category,
                    )))
                }
                // History is public only while the item itself is.
                Route::Versions(id) => {
                    let Some(it) = store.published_item(&tenant, id).await? else {
                        return Ok(None);
                    };
                    let versions = store.item_versions(&tenant, id).await?;
                    Ok(Some(pages::versions_page(ctx, &tenant, &it, &versions)))
                }
                Route::Diff(id, a, b) => {
                    let Some(it) = store.published_item(&tenant, id).await? else {
                        return Ok(None);
                    };
                    let (Some(old), Some(new)) = (
                        store.item_version_text(&tenant, id, *a).await?,
                        store.item_version_text(&tenant, id, *b).await?,
                    ) else {
                        return Ok(None);
                    };
                    Ok(Some(pages::diff_page(
                        ctx,
                        &tenant,
                        &it,
                        (*a, &old),
                        (*b, &new),
                    )))
                }
                _ => {
                    let items = store.tenant_items(&tenant, PAGE_LIMIT).await?;
                    Ok(Some(pages::tenant_page(ctx, &tenant, &items.items)))
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_values_read_the_vietnamese_way() {
        use portal_core::category::FieldType;
        assert_eq!(display_value(&FieldType::Date, "2024-10-01"), "01/10/2024");
        assert_eq!(display_value(&FieldType::Integer, "46500000"), "46.500.000");
        assert_eq!(display_value(&FieldType::Decimal, "1250.5"), "1.250,5");
        assert_eq!(display_value(&FieldType::Decimal, "-999"), "-999");
        assert_eq!(display_value(&FieldType::Text, "2024-10-01"), "2024-10-01");
    }

    #[test]
    fn hosts_and_paths_route_to_sites() {
        let d = "bentre.gov.vn";
        assert_eq!(
            host_site("bentre.gov.vn", d),
            (Site::Province, LinkMode::Host)
        );
        assert_eq!(
            host_site("skhdt.bentre.gov.vn:8080", d),
            (Site::Tenant("skhdt".into()), LinkMode::Host)
        );
        assert_eq!(
            host_site("localhost:8080", d),
            (Site::Province, LinkMode::Path)
        );
        assert_eq!(host_site("evil.com", d), (Site::Province, LinkMode::Path));
        assert_eq!(
            host_site("a.b.bentre.gov.vn", d),
            (Site::Province, LinkMode::Path)
        );
        let (s, m, r) = route(Site::Province, LinkMode::Path, "/t/stc/items/x-1");
        assert_eq!(
            (s, m, r),
            (
                Site::Tenant("stc".into()),
                LinkMode::Path,
                Route::Item("x-1".into())
            )
        );
        let (_, _, r) = route(Site::Province, LinkMode::Host, "/items/x");
        assert_eq!(r, Route::NotFound);
        let (_, _, r) = route(Site::Province, LinkMode::Path, "/t/stc/items/x/diff/1/2");
        assert_eq!(r, Route::Diff("x".into(), 1, 2));
        let (_, _, r) = route(
            Site::Tenant("stc".into()),
            LinkMode::Host,
            "/items/x/versions",
        );
        assert_eq!(r, Route::Versions("x".into()));
        let (_, _, r) = route(
            Site::Tenant("stc".into()),
            LinkMode::Host,
            "/items/x/diff/a/2",
        );
        assert_eq!(r, Route::NotFound);
    }
}
