//! Feeds (RSS 2.0, Atom 1.0), sitemaps and robots.txt of the public sites: the handlers, and
//! the documents as pure functions from what the service layer returned to text.
//!
//! Every value that came from outside (titles, names, summaries, ids) is escaped, and
//! characters XML 1.0 cannot carry are dropped, so a document is well-formed whatever was
//! stored. Links are absolute and on the canonical hosts (`<slug>.<domain>`, `<domain>`)
//! whatever host the request came by: a feed or sitemap read through `/t/<slug>/` on localhost
//! names the real pages, and one document serves both link modes.

use std::borrow::Cow;
use std::fmt::Write as _;

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use portal_core::UnixMillis;
use serde::Deserialize;

use super::i18n::Lang;
use super::page::{self, Page};
use super::pages::SiteContext;
use super::site::{Site, SiteHost};
use crate::service::feeds::{Feed, FeedItem, PublicSite, Sitemap, SitemapFile};
use crate::state::HubState;

/// The two feed formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum FeedFormat {
    Rss,
    Atom,
}

impl FeedFormat {
    pub(super) fn as_str(self) -> &'static str {
        match self {
            Self::Rss => "rss",
            Self::Atom => "atom",
        }
    }

    pub(super) fn content_type(self) -> &'static str {
        match self {
            Self::Rss => "application/rss+xml; charset=utf-8",
            Self::Atom => "application/atom+xml; charset=utf-8",
        }
    }

    fn file(self) -> &'static str {
        match self {
            Self::Rss => "rss.xml",
            Self::Atom => "atom.xml",
        }
    }
}

pub(super) const SITEMAP_TYPE: &str = "application/xml; charset=utf-8";
pub(super) const ROBOTS_TYPE: &str = "text/plain; charset=utf-8";

// ---------------------------------------------------------------------------------------------
// Handlers: translate the request into a `Page` and serve it through the page cache.

#[derive(Deserialize)]
pub(super) struct FeedPath {
    slug: Option<String>,
    code: Option<String>,
}

/// `/rss.xml`, `/categories/<code>/rss.xml` (and under `/t/<slug>/`).
pub(super) async fn rss(
    State(st): State<HubState>,
    host: SiteHost,
    Path(p): Path<FeedPath>,
    headers: HeaderMap,
) -> Response {
    feed(st, host, p, FeedFormat::Rss, headers).await
}

/// `/atom.xml`, `/categories/<code>/atom.xml` (and under `/t/<slug>/`).
pub(super) async fn atom(
    State(st): State<HubState>,
    host: SiteHost,
    Path(p): Path<FeedPath>,
    headers: HeaderMap,
) -> Response {
    feed(st, host, p, FeedFormat::Atom, headers).await
}

async fn feed(
    st: HubState,
    host: SiteHost,
    p: FeedPath,
    format: FeedFormat,
    headers: HeaderMap,
) -> Response {
    let (site, mode) = super::place(host, p.slug);
    let page = Page::Feed {
        site: site.clone(),
        category: p.code,
        format,
    };
    page::serve(
        &st,
        &super::context(&st, mode, Lang::Vi, site.clone()),
        page,
        &headers,
    )
    .await
}

#[derive(Deserialize)]
pub(super) struct SitePath {
    slug: Option<String>,
}

/// `/sitemap.xml`: every URL of the site, or the index of its files.
pub(super) async fn sitemap(
    State(st): State<HubState>,
    host: SiteHost,
    Path(p): Path<SitePath>,
    headers: HeaderMap,
) -> Response {
    let (site, mode) = super::place(host, p.slug);
    let page = Page::Sitemap {
        site: site.clone(),
        file: None,
    };
    page::serve(
        &st,
        &super::context(&st, mode, Lang::Vi, site.clone()),
        page,
        &headers,
    )
    .await
}

#[derive(Deserialize)]
pub(super) struct SitemapFilePath {
    slug: Option<String>,
    /// What follows `sitemap-` in the path: `<n>.xml`.
    file: String,
}

/// `/sitemap-<n>.xml`: one file of the sitemap.
pub(super) async fn sitemap_file(
    State(st): State<HubState>,
    host: SiteHost,
    Path(p): Path<SitemapFilePath>,
    headers: HeaderMap,
) -> Response {
    let (site, mode) = super::place(host, p.slug);
    match file_number(&p.file) {
        Some(n) => {
            let page = Page::Sitemap {
                site: site.clone(),
                file: Some(n),
            };
            page::serve(
                &st,
                &super::context(&st, mode, Lang::Vi, site.clone()),
                page,
                &headers,
            )
            .await
        }
        None => super::error::page(
            &super::context(&st, mode, Lang::Vi, site),
            crate::service::ServiceError::NotFound("no such sitemap file".into()),
        ),
    }
}

/// `n` from `<n>.xml`, written the one way the index writes it (no sign, no leading zero), so
/// that each file has one URL.
fn file_number(file: &str) -> Option<u64> {
    let digits = file.strip_suffix(".xml")?;
    let n: u64 = digits.parse().ok()?;
    (n > 0 && n.to_string() == digits).then_some(n)
}

/// `/robots.txt`.
pub(super) async fn robots(
    State(st): State<HubState>,
    host: SiteHost,
    Path(p): Path<SitePath>,
    headers: HeaderMap,
) -> Response {
    let (site, mode) = super::place(host, p.slug);
    page::serve(
        &st,
        &super::context(&st, mode, Lang::Vi, site.clone()),
        Page::Robots { site },
        &headers,
    )
    .await
}

/// The service layer's name for a site.
pub(super) fn public_site(site: &Site) -> PublicSite {
    match site {
        Site::Province => PublicSite::Province,
        Site::Tenant(slug) => PublicSite::Tenant(slug.clone()),
    }
}

// ---------------------------------------------------------------------------------------------
// Text: escaping, dates, URLs.

/// Whether XML 1.0 allows the character at all (its `Char` production); C0 controls other
/// than tab, newline and carriage return, and U+FFFE/U+FFFF, make a document ill-formed.
fn xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// `s` as XML character data or an attribute value: the five special characters as entities,
/// carriage returns as a reference (a parser would turn a raw one into a newline), characters
/// XML cannot carry dropped.
pub(super) fn escape(s: &str) -> Cow<'_, str> {
    let plain = |c: char| xml_char(c) && !matches!(c, '&' | '<' | '>' | '"' | '\'' | '\r');
    if s.chars().all(plain) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\r' => out.push_str("&#xD;"),
            c if xml_char(c) => out.push(c),
            _ => {}
        }
    }
    Cow::Owned(out)
}

/// Plain text for an element that readers take as HTML (RSS `description`): escaped for HTML
/// first, so that `<b>` in a summary shows as those three characters instead of bold text or
/// markup a reader might run, then for XML.
pub(super) fn escape_as_html_text(s: &str) -> String {
    let mut html = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => html.push_str("&amp;"),
            '<' => html.push_str("&lt;"),
            '>' => html.push_str("&gt;"),
            c => html.push(c),
        }
    }
    escape(&html).into_owned()
}

/// The instants RFC 822 and RFC 3339 can write with a four-digit year (0000-01-01 to
/// 9999-12-31): stored dates are within them (ingest bounds them), and a date outside is
/// written as the nearest end rather than as an invalid document.
fn datetime(t: UnixMillis) -> chrono::DateTime<chrono::Utc> {
    const FIRST: i64 = -62_167_219_200_000; // 0000-01-01T00:00:00Z
    const LAST: i64 = 253_402_300_799_999; // 9999-12-31T23:59:59.999Z
    chrono::DateTime::from_timestamp_millis(t.as_millis().clamp(FIRST, LAST)).unwrap_or_default()
}

/// RFC 822 (with RFC 1123's four-digit year), in UTC, as RSS 2.0 wants its dates:
/// `Sat, 01 Jun 2024 01:00:00 +0000`.
pub(super) fn rfc822(t: UnixMillis) -> String {
    datetime(t)
        .format("%a, %d %b %Y %H:%M:%S +0000")
        .to_string()
}

/// RFC 3339 in UTC, as Atom wants its dates and as the sitemap protocol's W3C Datetime allows:
/// `2024-06-01T01:00:00Z`.
pub(super) fn rfc3339(t: UnixMillis) -> String {
    datetime(t).to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// A path segment from stored text (slugs, ids, category codes): kept as is when it is made of
/// URL-safe characters (as ingest makes them), percent-encoded otherwise, so that every link
/// is a valid URL whatever was stored.
fn segment(s: &str) -> Cow<'_, str> {
    let safe = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~');
    if s.bytes().all(safe) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        if safe(b) {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    Cow::Owned(out)
}

/// Absolute URLs of one site's pages, on its canonical host.
struct SiteUrls {
    /// `https://<slug>.<domain>` or `https://<domain>`, without a trailing slash.
    origin: String,
}

impl SiteUrls {
    fn new(ctx: &SiteContext, tenant: Option<&str>) -> Self {
        let origin = match tenant {
            Some(slug) => format!(
                "{}://{}.{}",
                ctx.config.public_scheme,
                segment(slug),
                ctx.config.domain
            ),
            None => format!("{}://{}", ctx.config.public_scheme, ctx.config.domain),
        };
        Self { origin }
    }

    fn home(&self) -> String {
        format!("{}/", self.origin)
    }

    fn at(&self, path: &str) -> String {
        format!("{}/{path}", self.origin)
    }

    fn feed(&self, category: Option<&str>, format: FeedFormat) -> String {
        match category {
            None => self.at(format.file()),
            Some(code) => self.at(&format!("categories/{}/{}", segment(code), format.file())),
        }
    }
}

/// An item's canonical URL, as its page names itself (`SiteContext::canonical_item`).
fn item_url(ctx: &SiteContext, slug: &str, id: &str) -> String {
    ctx.canonical(
        Some(&segment(slug)),
        Lang::Vi,
        &format!("/items/{}", segment(id)),
    )
}

// ---------------------------------------------------------------------------------------------
// XML writing: element names and attribute names are ours (static); every value is escaped.

struct Xml(String);

impl Xml {
    fn new() -> Self {
        Self(String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"))
    }

    fn start(&mut self, tag: &str, attrs: &[(&str, &str)]) {
        self.0.push('<');
        self.0.push_str(tag);
        for (name, value) in attrs {
            let _ = write!(self.0, " {name}=\"{}\"", escape(value));
        }
    }

    fn open(&mut self, tag: &str, attrs: &[(&str, &str)]) {
        self.start(tag, attrs);
        self.0.push_str(">\n");
    }

    fn close(&mut self, tag: &str) {
        let _ = writeln!(self.0, "</{tag}>");
    }

    fn empty(&mut self, tag: &str, attrs: &[(&str, &str)]) {
        self.start(tag, attrs);
        self.0.push_str("/>\n");
    }

    /// An element holding text, escaped here.
    fn text(&mut self, tag: &str, attrs: &[(&str, &str)], text: &str) {
        self.escaped(tag, attrs, &escape(text));
    }

    /// An element holding text that is escaped already.
    fn escaped(&mut self, tag: &str, attrs: &[(&str, &str)], escaped: &str) {
        self.start(tag, attrs);
        let _ = writeln!(self.0, ">{escaped}</{tag}>");
    }

    fn finish(self) -> String {
        self.0
    }
}

// ---------------------------------------------------------------------------------------------
// Feeds.

/// What a feed says about itself.
struct FeedHead {
    title: String,
    description: String,
    /// The page the feed follows (the site's home page).
    home: String,
    /// The feed's own URL in this format.
    this: String,
    /// The newest change among its items (the epoch when it has none).
    updated: UnixMillis,
}

fn site_title(ctx: &SiteContext, feed: &Feed) -> String {
    match &feed.tenant {
        Some(t) => t.name.clone(),
        None => ctx.portal_name(),
    }
}

fn head(ctx: &SiteContext, feed: &Feed, format: FeedFormat) -> FeedHead {
    let site = site_title(ctx, feed);
    let urls = SiteUrls::new(ctx, feed.tenant.as_ref().map(|t| t.slug.as_str()));
    let (title, description) = match &feed.category {
        None => (site.clone(), format!("Tin bài mới nhất của {site}")),
        Some(c) => (
            format!("{site} — {}", c.name),
            format!("Tin bài mới nhất thuộc chuyên mục {} của {site}", c.name),
        ),
    };
    FeedHead {
        title,
        description,
        home: urls.home(),
        this: urls.feed(feed.category.as_ref().map(|c| c.code.as_str()), format),
        updated: feed
            .items
            .iter()
            .map(|i| i.item.updated_at)
            .max()
            .unwrap_or(UnixMillis::EPOCH),
    }
}

/// A feed in either format.
pub(super) fn feed_document(ctx: &SiteContext, feed: &Feed, format: FeedFormat) -> String {
    match format {
        FeedFormat::Rss => rss_document(ctx, feed),
        FeedFormat::Atom => atom_document(ctx, feed),
    }
}

/// RSS 2.0 (with `atom:link rel="self"` and `dc:creator` for authors' names, as the RSS
/// Advisory Board recommends: RSS's own `author` must be an e-mail address). Items are
/// identified by their canonical URL (`guid isPermaLink="true"`); on the provincial portal's
/// feed each names its tenant's feed as its `source`.
pub(super) fn rss_document(ctx: &SiteContext, feed: &Feed) -> String {
    let head = head(ctx, feed, FeedFormat::Rss);
    let mut x = Xml::new();
    x.open(
        "rss",
        &[
            ("version", "2.0"),
            ("xmlns:atom", "http://www.w3.org/2005/Atom"),
            ("xmlns:dc", "http://purl.org/dc/elements/1.1/"),
        ],
    );
    x.open("channel", &[]);
    x.text("title", &[], &head.title);
    x.text("link", &[], &head.home);
    x.escaped("description", &[], &escape_as_html_text(&head.description));
    x.text("language", &[], "vi");
    if !feed.items.is_empty() {
        x.text("lastBuildDate", &[], &rfc822(head.updated));
    }
    x.empty(
        "atom:link",
        &[
            ("href", &head.this),
            ("rel", "self"),
            ("type", "application/rss+xml"),
        ],
    );
    for FeedItem {
        item,
        category_name,
    } in &feed.items
    {
        let url = item_url(ctx, &item.tenant_slug, &item.external_id);
        x.open("item", &[]);
        x.text("title", &[], &item.title);
        x.text("link", &[], &url);
        x.text("guid", &[("isPermaLink", "true")], &url);
        x.text("pubDate", &[], &rfc822(item.published_at));
        x.text("dc:creator", &[], &item.author);
        x.text(
            "category",
            &[],
            category_name.as_deref().unwrap_or(&item.category),
        );
        if let Some(summary) = &item.summary {
            x.escaped("description", &[], &escape_as_html_text(summary));
        }
        if feed.tenant.is_none() {
            let source = SiteUrls::new(ctx, Some(&item.tenant_slug)).feed(None, FeedFormat::Rss);
            x.text("source", &[("url", &source)], &item.tenant_name);
        }
        x.close("item");
    }
    x.close("channel");
    x.close("rss");
    x.finish()
}

/// Atom 1.0 (RFC 4287). Entries are identified by their canonical URL, dated by publication
/// (`published`) and by the hub's last change (`updated`); on the provincial portal's feed each
/// names its tenant's feed as its `source`.
pub(super) fn atom_document(ctx: &SiteContext, feed: &Feed) -> String {
    let head = head(ctx, feed, FeedFormat::Atom);
    let mut x = Xml::new();
    x.open(
        "feed",
        &[("xmlns", "http://www.w3.org/2005/Atom"), ("xml:lang", "vi")],
    );
    x.text("id", &[], &head.this);
    x.text("title", &[("type", "text")], &head.title);
    x.text("subtitle", &[("type", "text")], &head.description);
    x.text("updated", &[], &rfc3339(head.updated));
    x.empty(
        "link",
        &[
            ("rel", "self"),
            ("type", "application/atom+xml"),
            ("href", &head.this),
        ],
    );
    x.empty(
        "link",
        &[
            ("rel", "alternate"),
            ("type", "text/html"),
            ("href", &head.home),
        ],
    );
    // Every entry has its own author; this one stands for the feed as a whole.
    x.open("author", &[]);
    x.text("name", &[], &site_title(ctx, feed));
    x.close("author");
    for FeedItem {
        item,
        category_name,
    } in &feed.items
    {
        let url = item_url(ctx, &item.tenant_slug, &item.external_id);
        x.open("entry", &[("xml:lang", &item.language)]);
        x.text("id", &[], &url);
        x.text("title", &[("type", "text")], &item.title);
        x.empty(
            "link",
            &[("rel", "alternate"), ("type", "text/html"), ("href", &url)],
        );
        x.text("published", &[], &rfc3339(item.published_at));
        x.text("updated", &[], &rfc3339(item.updated_at));
        x.open("author", &[]);
        x.text("name", &[], &item.author);
        x.close("author");
        let label = category_name.as_deref().unwrap_or(&item.category);
        x.empty("category", &[("term", &item.category), ("label", label)]);
        if let Some(summary) = &item.summary {
            x.text("summary", &[("type", "text")], summary);
        }
        if feed.tenant.is_none() {
            let source = SiteUrls::new(ctx, Some(&item.tenant_slug)).feed(None, FeedFormat::Atom);
            x.open("source", &[]);
            x.text("id", &[], &source);
            x.text("title", &[("type", "text")], &item.tenant_name);
            x.empty(
                "link",
                &[
                    ("rel", "self"),
                    ("type", "application/atom+xml"),
                    ("href", &source),
                ],
            );
            x.close("source");
        }
        x.close("entry");
    }
    x.close("feed");
    x.finish()
}

// ---------------------------------------------------------------------------------------------
// Sitemaps and robots.txt.

const SITEMAP_NS: &str = "http://www.sitemaps.org/schemas/sitemap/0.9";

/// A `urlset`: each URL with its date, if known.
pub(super) fn urlset(urls: &[(String, Option<UnixMillis>)]) -> String {
    let mut x = Xml::new();
    x.open("urlset", &[("xmlns", SITEMAP_NS)]);
    for (loc, lastmod) in urls {
        x.open("url", &[]);
        x.text("loc", &[], loc);
        if let Some(t) = lastmod {
            x.text("lastmod", &[], &rfc3339(*t));
        }
        x.close("url");
    }
    x.close("urlset");
    x.finish()
}

/// A `sitemapindex` naming these sitemap files.
pub(super) fn sitemap_index(files: &[String]) -> String {
    let mut x = Xml::new();
    x.open("sitemapindex", &[("xmlns", SITEMAP_NS)]);
    for loc in files {
        x.open("sitemap", &[]);
        x.text("loc", &[], loc);
        x.close("sitemap");
    }
    x.close("sitemapindex");
    x.finish()
}

/// One sitemap file of a site: its home page (in the first file) and item pages.
pub(super) fn sitemap_file_document(ctx: &SiteContext, file: &SitemapFile) -> String {
    let slug = file.tenant.as_ref().map(|t| t.slug.as_str());
    let urls = SiteUrls::new(ctx, slug);
    let mut list = Vec::with_capacity(file.items.len() + 1);
    if let Some(home) = &file.home {
        list.push((urls.home(), home.lastmod));
    }
    if let Some(slug) = slug {
        list.extend(
            file.items
                .iter()
                .map(|u| (item_url(ctx, slug, &u.external_id), Some(u.updated_at))),
        );
    }
    urlset(&list)
}

/// A site's `/sitemap.xml`.
pub(super) fn sitemap_document(ctx: &SiteContext, sitemap: &Sitemap) -> String {
    match sitemap {
        Sitemap::File(file) => sitemap_file_document(ctx, file),
        Sitemap::Index { tenant, files } => {
            let urls = SiteUrls::new(ctx, tenant.as_ref().map(|t| t.slug.as_str()));
            let locs: Vec<String> = (1..=*files)
                .map(|n| urls.at(&format!("sitemap-{n}.xml")))
                .collect();
            sitemap_index(&locs)
        }
    }
}

/// A site's robots.txt: everything it serves is public, and its sitemap is named.
pub(super) fn robots_txt(ctx: &SiteContext, site: &Site) -> String {
    let tenant = match site {
        Site::Province => None,
        Site::Tenant(slug) => Some(slug.as_str()),
    };
    let sitemap = SiteUrls::new(ctx, tenant).at("sitemap.xml");
    // A robots.txt line ends at a line break: none can come from the configuration's domain
    // or a slug that a tenant exists under, but a value is never trusted to be one line.
    let sitemap: String = sitemap.chars().filter(|c| !c.is_control()).collect();
    format!("User-agent: *\nAllow: /\n\nSitemap: {sitemap}\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::service::feeds::{FeedCategory, HomeUrl};
    use crate::web::site::LinkMode;
    use portal_store::{ItemView, SitemapUrl, Tenant};

    fn ctx(mode: LinkMode) -> SiteContext {
        SiteContext {
            config: std::sync::Arc::new(crate::config::HubConfig::default()),
            mode,
            lang: crate::web::i18n::Lang::Vi,
            site: Site::Province,
        }
    }

    fn tenant(slug: &str, name: &str) -> Tenant {
        Tenant {
            id: 1,
            slug: slug.into(),
            name: name.into(),
            kind: portal_core::TenantKind::Department,
        }
    }

    // 2024-06-01T01:00:00Z = 08:00 in Vietnam.
    const JUNE_1: UnixMillis = UnixMillis::from_secs(1_717_203_600);

    fn item(slug: &str, id: &str, title: &str) -> FeedItem {
        FeedItem {
            item: ItemView {
                tenant_slug: slug.into(),
                tenant_name: "Sở Tài chính".into(),
                external_id: id.into(),
                version: 1,
                category: "news".into(),
                language: "vi".into(),
                title: title.into(),
                summary: Some("Tóm tắt <b>đậm</b> & \"trích\"".into()),
                author: "Phòng Văn hóa".into(),
                source: "UBND".into(),
                source_url: None,
                published_at: JUNE_1,
                tags: vec![],
                body_markdown: String::new(),
                updated_at: JUNE_1.saturating_add(std::time::Duration::from_secs(3600)),
                translation_id: None,
                record: None,
            },
            category_name: Some("Tin tức".into()),
        }
    }

    #[test]
    fn escaping_covers_markup_quotes_and_characters_xml_cannot_carry() {
        assert_eq!(escape("Sở Tài chính"), "Sở Tài chính");
        assert!(matches!(escape("plain"), Cow::Borrowed(_)));
        assert_eq!(
            escape("a & b < c > d \" e ' f"),
            "a &amp; b &lt; c &gt; d &quot; e &apos; f"
        );
        assert_eq!(escape("]]>"), "]]&gt;");
        assert_eq!(escape("x\u{0}y\u{1b}z\u{FFFE}\u{FFFF}"), "xyz");
        assert_eq!(escape("a\tb\nc\rd"), "a\tb\nc&#xD;d");
        assert_eq!(escape("😀\u{E000}"), "😀\u{E000}");
        // The text `&amp;` is `&amp;amp;` in HTML, and that is escaped once more for XML.
        assert_eq!(
            escape_as_html_text("<b>&amp;"),
            "&amp;lt;b&amp;gt;&amp;amp;amp;"
        );
    }

    #[test]
    fn dates_are_rfc_822_and_rfc_3339_in_utc() {
        assert_eq!(rfc822(JUNE_1), "Sat, 01 Jun 2024 01:00:00 +0000");
        assert_eq!(rfc3339(JUNE_1), "2024-06-01T01:00:00Z");
        assert_eq!(rfc822(UnixMillis::EPOCH), "Thu, 01 Jan 1970 00:00:00 +0000");
        // Out of range: the nearest instant with a four-digit year, never a panic.
        assert_eq!(
            rfc3339(UnixMillis::from_millis(i64::MAX)),
            "9999-12-31T23:59:59Z"
        );
        assert_eq!(
            rfc822(UnixMillis::from_millis(i64::MIN)),
            "Sat, 01 Jan 0000 00:00:00 +0000"
        );
    }

    #[test]
    fn urls_are_absolute_on_the_canonical_hosts_in_both_link_modes() {
        for mode in [LinkMode::Host, LinkMode::Path] {
            let c = ctx(mode);
            assert_eq!(
                item_url(&c, "stc", "ngan-sach"),
                "https://stc.bentre.gov.vn/items/ngan-sach"
            );
            let t = SiteUrls::new(&c, Some("stc"));
            assert_eq!(
                t.feed(Some("news"), FeedFormat::Atom),
                "https://stc.bentre.gov.vn/categories/news/atom.xml"
            );
            assert_eq!(
                SiteUrls::new(&c, None).feed(None, FeedFormat::Rss),
                "https://bentre.gov.vn/rss.xml"
            );
        }
        // Stored text that is not URL-safe is percent-encoded, never written raw.
        assert_eq!(
            item_url(&ctx(LinkMode::Host), "stc", "a b/ở\"<"),
            "https://stc.bentre.gov.vn/items/a%20b%2F%E1%BB%9F%22%3C"
        );
    }

    #[test]
    fn rss_items_have_unique_permalinks_dates_and_escaped_text() {
        let feed = Feed {
            tenant: Some(tenant("stc", "Sở Tài chính & Kế hoạch")),
            category: None,
            items: vec![
                item("stc", "a", "Ngân sách <2024> & \"dự toán\""),
                item("stc", "b", "Tin thứ hai"),
            ],
        };
        let xml = rss_document(&ctx(LinkMode::Path), &feed);
        assert!(
            xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"")
        );
        assert!(
            xml.contains("<title>Sở Tài chính &amp; Kế hoạch</title>"),
            "{xml}"
        );
        assert!(xml.contains("<link>https://stc.bentre.gov.vn/</link>"));
        assert!(xml.contains(
            "<atom:link href=\"https://stc.bentre.gov.vn/rss.xml\" rel=\"self\" type=\"application/rss+xml\"/>"
        ));
        assert!(xml.contains("<title>Ngân sách &lt;2024&gt; &amp; &quot;dự toán&quot;</title>"));
        assert!(
            xml.contains("<guid isPermaLink=\"true\">https://stc.bentre.gov.vn/items/a</guid>")
        );
        assert!(
            xml.contains("<guid isPermaLink=\"true\">https://stc.bentre.gov.vn/items/b</guid>")
        );
        assert!(xml.contains("<pubDate>Sat, 01 Jun 2024 01:00:00 +0000</pubDate>"));
        assert!(xml.contains("<lastBuildDate>Sat, 01 Jun 2024 02:00:00 +0000</lastBuildDate>"));
        assert!(xml.contains("<dc:creator>Phòng Văn hóa</dc:creator>"));
        assert!(xml.contains("<category>Tin tức</category>"));
        // The summary is text inside HTML inside XML.
        assert!(xml.contains(
            "<description>Tóm tắt &amp;lt;b&amp;gt;đậm&amp;lt;/b&amp;gt; &amp;amp; &quot;trích&quot;</description>"
        ), "{xml}");
        // A tenant's own feed names no source.
        assert!(!xml.contains("<source"));
        assert_eq!(xml.matches("<item>").count(), 2);
    }

    #[test]
    fn atom_entries_have_ids_both_dates_and_the_category() {
        let feed = Feed {
            tenant: None,
            category: Some(FeedCategory {
                code: "news".into(),
                name: "Tin tức".into(),
            }),
            items: vec![item("stc", "a", "A"), item("sxd", "a", "B")],
        };
        let xml = atom_document(&ctx(LinkMode::Host), &feed);
        assert!(xml.contains("<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"vi\">"));
        assert!(xml.contains("<id>https://bentre.gov.vn/categories/news/atom.xml</id>"));
        assert!(xml.contains(
            "<title type=\"text\">Cổng Thông tin điện tử tỉnh Bến Tre — Tin tức</title>"
        ));
        assert!(xml.contains("<updated>2024-06-01T02:00:00Z</updated>"));
        // Same id at two tenants: two entries, two ids.
        assert!(xml.contains("<id>https://stc.bentre.gov.vn/items/a</id>"));
        assert!(xml.contains("<id>https://sxd.bentre.gov.vn/items/a</id>"));
        assert!(xml.contains("<published>2024-06-01T01:00:00Z</published>"));
        assert!(xml.contains("<category term=\"news\" label=\"Tin tức\"/>"));
        assert!(xml.contains(
            "<summary type=\"text\">Tóm tắt &lt;b&gt;đậm&lt;/b&gt; &amp; &quot;trích&quot;</summary>"
        ));
        // The province's feed says where each entry comes from.
        assert!(xml.contains("<id>https://sxd.bentre.gov.vn/atom.xml</id>"));
        assert_eq!(xml.matches("<entry ").count(), 2);
        assert_eq!(xml.matches("<source>").count(), 2);
    }

    #[test]
    fn an_empty_feed_is_still_a_valid_document() {
        let feed = Feed {
            tenant: Some(tenant("stc", "Sở")),
            category: None,
            items: vec![],
        };
        let atom = atom_document(&ctx(LinkMode::Host), &feed);
        assert!(atom.contains("<updated>1970-01-01T00:00:00Z</updated>"));
        assert!(!atom.contains("<entry"));
        let rss = rss_document(&ctx(LinkMode::Host), &feed);
        assert!(!rss.contains("<lastBuildDate>"));
        assert!(rss.ends_with("</channel>\n</rss>\n"));
    }

    #[test]
    fn sitemaps_list_absolute_urls_with_dates_or_name_their_files() {
        let c = ctx(LinkMode::Path);
        let file = SitemapFile {
            tenant: Some(tenant("stc", "Sở")),
            home: Some(HomeUrl {
                lastmod: Some(JUNE_1),
            }),
            items: vec![SitemapUrl {
                external_id: "a&b".into(),
                updated_at: JUNE_1,
            }],
        };
        let xml = sitemap_file_document(&c, &file);
        assert_eq!(
            xml,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
             <urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n\
             <url>\n<loc>https://stc.bentre.gov.vn/</loc>\n<lastmod>2024-06-01T01:00:00Z</lastmod>\n</url>\n\
             <url>\n<loc>https://stc.bentre.gov.vn/items/a%26b</loc>\n<lastmod>2024-06-01T01:00:00Z</lastmod>\n</url>\n\
             </urlset>\n"
        );
        let province = SitemapFile {
            tenant: None,
            home: Some(HomeUrl { lastmod: None }),
            items: vec![],
        };
        assert!(
            sitemap_file_document(&c, &province)
                .contains("<url>\n<loc>https://bentre.gov.vn/</loc>\n</url>")
        );
        let index = sitemap_document(
            &c,
            &Sitemap::Index {
                tenant: Some(tenant("stc", "Sở")),
                files: 2,
            },
        );
        assert!(
            index.contains("<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">")
        );
        assert!(index.contains("<loc>https://stc.bentre.gov.vn/sitemap-1.xml</loc>"));
        assert!(index.contains("<loc>https://stc.bentre.gov.vn/sitemap-2.xml</loc>"));
        assert!(!index.contains("sitemap-3"));
    }

    #[test]
    fn robots_txt_allows_everything_and_names_the_canonical_sitemap() {
        let c = ctx(LinkMode::Path);
        assert_eq!(
            robots_txt(&c, &Site::Tenant("stc".into())),
            "User-agent: *\nAllow: /\n\nSitemap: https://stc.bentre.gov.vn/sitemap.xml\n"
        );
        assert!(
            robots_txt(&c, &Site::Province)
                .ends_with("Sitemap: https://bentre.gov.vn/sitemap.xml\n")
        );
    }

    #[test]
    fn sitemap_file_numbers_have_one_spelling() {
        assert_eq!(file_number("1.xml"), Some(1));
        assert_eq!(file_number("12.xml"), Some(12));
        for bad in [
            "0.xml",
            "01.xml",
            "+1.xml",
            "1",
            "1.xml.gz",
            ".xml",
            "x.xml",
            "99999999999999999999.xml",
        ] {
            assert_eq!(file_number(bad), None, "{bad}");
        }
    }
}
