//! Turning a cached page into a response: the representation the reader asked for (brotli,
//! gzip or none, from `Accept-Encoding`), `304 Not Modified` when the reader holds it already
//! (`If-None-Match`, else `If-Modified-Since`), and the validators and `Cache-Control` that a
//! CDN in front of the hub can use.
//!
//! Nothing is compressed here: the variants were made once, when the page entered the cache.
//! The request's headers are read within fixed bounds (length, number of list members), so a
//! hostile header costs no more than a normal one.

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use bytes::Bytes;

use super::cache::Rendered;

/// Longest header value read for negotiation or validation; the rest is ignored.
const MAX_HEADER: usize = 4096;
/// List members read from one header.
const MAX_MEMBERS: usize = 64;

/// A content coding the hub has variants in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Coding {
    Identity,
    Gzip,
    Br,
}

impl Coding {
    fn token(self) -> Option<&'static str> {
        match self {
            Coding::Identity => None,
            Coding::Gzip => Some("gzip"),
            Coding::Br => Some("br"),
        }
    }

    fn etag_suffix(self) -> &'static str {
        match self {
            Coding::Identity => "",
            Coding::Gzip => "-gz",
            Coding::Br => "-br",
        }
    }
}

/// How long others may keep a response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Freshness {
    /// Pages: a minute, then revalidate (with the ETag, cheaply) or serve stale briefly while
    /// revalidating.
    Page,
    /// Feeds, sitemaps, robots.txt: read by machines that poll.
    Feed,
    /// 404 and 410: briefly, so that an item published a moment later appears.
    Missing,
    /// Errors that say nothing about the page (busy, unavailable, bad request).
    NoStore,
}

impl Freshness {
    /// What fits a response of `status` and `content_type`.
    pub(super) fn of(status: StatusCode, content_type: &str) -> Self {
        match status {
            StatusCode::OK if is_feed(content_type) => Freshness::Feed,
            StatusCode::OK => Freshness::Page,
            StatusCode::NOT_FOUND | StatusCode::GONE => Freshness::Missing,
            _ => Freshness::NoStore,
        }
    }

    fn cache_control(self) -> &'static str {
        match self {
            Freshness::Page => "public, max-age=60, stale-while-revalidate=30",
            Freshness::Feed => "public, max-age=300, stale-while-revalidate=60",
            Freshness::Missing => "public, max-age=10",
            Freshness::NoStore => "no-store",
        }
    }
}

fn is_feed(content_type: &str) -> bool {
    content_type.starts_with("application/") && content_type.contains("xml")
        || content_type.starts_with("text/plain")
}

/// The header's value as text, at most [`MAX_HEADER`] bytes of it (cut at a list separator).
fn bounded<'a>(headers: &'a HeaderMap, name: &header::HeaderName) -> Option<&'a str> {
    let v = headers.get(name)?.to_str().ok()?;
    if v.len() <= MAX_HEADER {
        return Some(v);
    }
    let cut = v[..MAX_HEADER].rfind(',').unwrap_or(0);
    Some(&v[..cut])
}

/// The coding to send `page` in: the reader's most preferred among those it accepts (q > 0)
/// and the page has; brotli before gzip at equal preference.
pub(super) fn negotiate(headers: &HeaderMap, page: &Rendered) -> Coding {
    let Some(accept) = bounded(headers, &header::ACCEPT_ENCODING) else {
        return Coding::Identity;
    };
    let (mut br, mut gzip, mut any) = (None::<f32>, None::<f32>, None::<f32>);
    for member in accept.split(',').take(MAX_MEMBERS) {
        let mut parts = member.split(';');
        let name = parts.next().unwrap_or("").trim();
        let mut q = 1.0f32;
        for p in parts {
            if let Some(v) = p.trim().strip_prefix("q=").or(p.trim().strip_prefix("Q=")) {
                q = v.trim().parse::<f32>().unwrap_or(0.0).clamp(0.0, 1.0);
            }
        }
        let slot = if name.eq_ignore_ascii_case("br") {
            &mut br
        } else if name.eq_ignore_ascii_case("gzip") || name.eq_ignore_ascii_case("x-gzip") {
            &mut gzip
        } else if name == "*" {
            &mut any
        } else {
            continue;
        };
        *slot = Some(q);
    }
    let br = br.or(any).unwrap_or(0.0);
    let gzip = gzip.or(any).unwrap_or(0.0);
    let have_br = page.br.is_some() && br > 0.0;
    let have_gzip = page.gzip.is_some() && gzip > 0.0;
    match (have_br, have_gzip) {
        (true, true) if gzip > br => Coding::Gzip,
        (true, _) => Coding::Br,
        (false, true) => Coding::Gzip,
        (false, false) => Coding::Identity,
    }
}

/// The ETag of `page` in `coding`.
fn etag(page: &Rendered, coding: Coding) -> String {
    let base = page.etag.trim_end_matches('"');
    format!("{base}{}\"", coding.etag_suffix())
}

/// Whether the reader holds the page already: `If-None-Match` names one of its tags (in any
/// coding: the content is the same) or is `*`; or, only when there is no `If-None-Match`,
/// `If-Modified-Since` is not older than the page.
pub(super) fn not_modified(headers: &HeaderMap, page: &Rendered) -> bool {
    if headers.contains_key(header::IF_NONE_MATCH) {
        let Some(tags) = bounded(headers, &header::IF_NONE_MATCH) else {
            return false;
        };
        let base = page.etag.trim_end_matches('"');
        return tags.split(',').take(MAX_MEMBERS).any(|t| {
            // Weak comparison, as RFC 9110 asks for If-None-Match.
            let t = t.trim();
            let t = t.strip_prefix("W/").unwrap_or(t);
            t == "*"
                || t.strip_suffix('"').is_some_and(|t| {
                    t == base
                        || t.strip_prefix(base)
                            .is_some_and(|s| s == "-gz" || s == "-br")
                })
        });
    }
    bounded(headers, &header::IF_MODIFIED_SINCE)
        .and_then(|v| httpdate::parse_http_date(v).ok())
        .is_some_and(|since| page.last_modified <= since)
}

/// Pages send a Content-Security-Policy without `script-src`: nothing in an item can run.
pub(super) const PAGE_CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self' https: data:; \
                            media-src 'self' https:; base-uri 'none'; form-action 'self'; \
                            frame-ancestors 'none'";

/// A rendered page in the reader's coding, or `304 Not Modified` when the reader holds it
/// already (only for a `200`). The length is always given, also for `HEAD` (whose body the
/// router drops).
pub(super) fn respond(
    status: StatusCode,
    content_type: &'static str,
    page: &Rendered,
    headers: &HeaderMap,
) -> Response {
    let coding = negotiate(headers, page);
    let freshness = Freshness::of(status, content_type);
    let not_modified = status == StatusCode::OK && not_modified(headers, page);
    let mut b = Response::builder()
        .status(if not_modified {
            StatusCode::NOT_MODIFIED
        } else {
            status
        })
        .header(header::CONTENT_TYPE, content_type)
        .header(header::CACHE_CONTROL, freshness.cache_control())
        .header(header::VARY, "Accept-Encoding")
        .header(header::CONTENT_SECURITY_POLICY, PAGE_CSP)
        .header(
            header::LAST_MODIFIED,
            httpdate::fmt_http_date(page.last_modified),
        );
    if let Ok(v) = HeaderValue::from_str(&etag(page, coding)) {
        b = b.header(header::ETAG, v);
    }
    if not_modified {
        return b
            .body(Body::empty())
            .unwrap_or_else(|_| Response::new(Body::empty()));
    }
    let body: Bytes = match coding {
        Coding::Br => page.br.clone(),
        Coding::Gzip => page.gzip.clone(),
        Coding::Identity => None,
    }
    .unwrap_or_else(|| page.body.clone());
    if let Some(token) = coding.token() {
        b = b.header(header::CONTENT_ENCODING, token);
    }
    b.header(header::CONTENT_LENGTH, body.len())
        .body(Body::from(body))
        .unwrap_or_else(|_| Response::new(Body::empty()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, SystemTime};

    fn page() -> Rendered {
        Rendered::with_modified(
            "<p>Sở Tài chính</p>".repeat(200),
            SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000),
        )
    }

    fn with(pairs: &[(header::HeaderName, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(k.clone(), HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn the_reader_gets_the_coding_it_prefers_and_never_one_it_refuses() {
        let p = page();
        let ae = header::ACCEPT_ENCODING;
        for (accept, want) in [
            ("gzip, deflate, br", Coding::Br),
            ("gzip", Coding::Gzip),
            ("br;q=0, gzip", Coding::Gzip),
            ("br;q=0.5, gzip;q=0.8", Coding::Gzip),
            ("gzip;q=0, br;q=0", Coding::Identity),
            ("*;q=0", Coding::Identity),
            ("*", Coding::Br),
            ("identity", Coding::Identity),
            ("deflate", Coding::Identity),
            ("BR;Q=1", Coding::Br),
            ("gzip;q=abc", Coding::Identity),
        ] {
            assert_eq!(
                negotiate(&with(&[(ae.clone(), accept)]), &p),
                want,
                "{accept}"
            );
        }
        assert_eq!(negotiate(&HeaderMap::new(), &p), Coding::Identity);
        let small = Rendered::new("<p>x</p>".into());
        assert_eq!(
            negotiate(&with(&[(ae.clone(), "br, gzip")]), &small),
            Coding::Identity
        );
        let long = format!("{}br", "x, ".repeat(5000));
        assert_eq!(negotiate(&with(&[(ae, &long)]), &p), Coding::Identity);
    }

    #[test]
    fn conditional_requests_match_any_coding_and_if_none_match_comes_first() {
        let p = page();
        let inm = header::IF_NONE_MATCH;
        let ims = header::IF_MODIFIED_SINCE;
        let gz = etag(&p, Coding::Gzip);
        let weak = format!("W/{}", p.etag);
        let later = httpdate::fmt_http_date(p.last_modified + Duration::from_secs(1));
        let same = httpdate::fmt_http_date(p.last_modified);
        let earlier = httpdate::fmt_http_date(p.last_modified - Duration::from_secs(1));
        assert!(not_modified(&with(&[(inm.clone(), &p.etag)]), &p));
        assert!(not_modified(&with(&[(inm.clone(), &gz)]), &p));
        assert!(not_modified(&with(&[(inm.clone(), &weak)]), &p));
        assert!(not_modified(&with(&[(inm.clone(), "\"a\", *")]), &p));
        assert!(!not_modified(&with(&[(inm.clone(), "\"other\"")]), &p));
        assert!(!not_modified(&with(&[(inm.clone(), "\"other-gz\"")]), &p));
        assert!(not_modified(&with(&[(ims.clone(), &same)]), &p));
        assert!(not_modified(&with(&[(ims.clone(), &later)]), &p));
        assert!(!not_modified(&with(&[(ims.clone(), &earlier)]), &p));
        assert!(!not_modified(&with(&[(ims.clone(), "yesterday")]), &p));
        // A tag that does not match wins over a date that would.
        assert!(!not_modified(
            &with(&[(inm, "\"other\""), (ims, &later)]),
            &p
        ));
    }

    #[test]
    fn responses_carry_validators_and_a_policy_for_caches() {
        let p = page();
        let r = respond(
            StatusCode::OK,
            "text/html; charset=utf-8",
            &p,
            &with(&[(header::ACCEPT_ENCODING, "gzip")]),
        );
        let h = r.headers();
        assert_eq!(h[header::CONTENT_ENCODING], "gzip");
        assert_eq!(h[header::VARY], "Accept-Encoding");
        assert_eq!(h[header::LAST_MODIFIED], "Tue, 14 Nov 2023 22:13:20 GMT");
        assert!(
            h[header::CACHE_CONTROL]
                .to_str()
                .unwrap()
                .contains("max-age=60")
        );
        let gone = respond(StatusCode::GONE, "text/html", &p, &HeaderMap::new());
        assert_eq!(gone.headers()[header::CACHE_CONTROL], "public, max-age=10");
        let busy = respond(
            StatusCode::SERVICE_UNAVAILABLE,
            "text/html",
            &p,
            &with(&[(header::IF_NONE_MATCH, &p.etag)]),
        );
        assert_eq!(busy.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(busy.headers()[header::CACHE_CONTROL], "no-store");
    }
}
