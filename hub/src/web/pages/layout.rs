//! The frame of every page: skip link, header (portal and tenant names, search box, language
//! switch, main menu), breadcrumbs, main content, footer (the site's operator, Decree 42/2022
//! Art 7), and in the head the page's metadata: Dublin Core, canonical and alternate-language
//! links, Open Graph, feeds.

use maud::{DOCTYPE, Markup, html};
use portal_core::UnixMillis;
use portal_store::Tenant;

use super::{SiteContext, iso_date};
use crate::web::i18n::{Lang, Msg};

/// The entries of the main menu.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Menu {
    Home,
    About,
    News,
    Documents,
    Services,
    Questions,
    Map,
    Contact,
}

impl Menu {
    const ALL: [Menu; 8] = [
        Menu::Home,
        Menu::About,
        Menu::News,
        Menu::Documents,
        Menu::Services,
        Menu::Questions,
        Menu::Map,
        Menu::Contact,
    ];

    fn label(self) -> Msg {
        match self {
            Menu::Home => Msg::Home,
            Menu::About => Msg::About,
            Menu::News => Msg::News,
            Menu::Documents => Msg::Documents,
            Menu::Services => Msg::PublicServices,
            Menu::Questions => Msg::Questions,
            Menu::Map => Msg::PortalMap,
            Menu::Contact => Msg::Contact,
        }
    }

    /// The path of the entry on any site.
    pub(super) fn path(self) -> &'static str {
        match self {
            Menu::Home => "/",
            Menu::About => "/categories/organisation",
            Menu::News => "/categories/news",
            Menu::Documents => "/categories/legal-document",
            Menu::Services => "/categories/public-service",
            Menu::Questions => "/hoi-dap",
            Menu::Map => "/so-do-cong",
            Menu::Contact => "/lien-he",
        }
    }

    /// The entry a category page belongs to.
    pub(super) fn of_category(code: &str) -> Option<Menu> {
        Menu::ALL[1..=4]
            .iter()
            .find(|m| m.path().strip_prefix("/categories/") == Some(code))
            .copied()
    }
}

/// What the metadata of a page says (Dublin Core, Open Graph).
#[derive(Debug, Clone, Default)]
pub(super) struct Meta {
    pub description: Option<String>,
    /// The author (an item's), or the site's operator.
    pub creator: Option<String>,
    /// The category, or what the page lists.
    pub subject: Option<String>,
    pub date: Option<UnixMillis>,
    /// DCMI type: `Text`, `Collection`, `Dataset`.
    pub dc_type: &'static str,
    /// The language of the content, when it is not the interface's.
    pub content_lang: Option<String>,
    /// `article` for an item, `website` otherwise.
    pub article: bool,
}

/// One page's place in the site and what its head says.
pub(super) struct Chrome<'a> {
    /// The tenant whose site the page is on (`None`: the provincial portal).
    pub tenant: Option<&'a Tenant>,
    /// The page's path on its site with its canonical query, without the language prefix.
    pub path: String,
    /// The page's own title (its heading and last breadcrumb).
    pub title: String,
    /// Breadcrumbs between the home page and this one: (label, href).
    pub crumbs: Vec<(String, String)>,
    pub menu: Option<Menu>,
    pub meta: Meta,
    /// Error pages are not for search engines.
    pub index: bool,
    /// The category whose own feeds the page announces (a category page's).
    pub feed_category: Option<String>,
}

impl<'a> Chrome<'a> {
    pub(super) fn new(
        tenant: Option<&'a Tenant>,
        path: impl Into<String>,
        title: impl Into<String>,
    ) -> Self {
        Self {
            tenant,
            path: path.into(),
            title: title.into(),
            crumbs: Vec::new(),
            menu: None,
            meta: Meta {
                dc_type: "Text",
                ..Meta::default()
            },
            index: true,
            feed_category: None,
        }
    }
}

fn operator_lines(ctx: &SiteContext, tenant: Option<&Tenant>) -> Markup {
    let op = ctx.operator(tenant);
    let line = |label: Msg, value: &str| {
        html! {
            @if !value.is_empty() {
                li { (ctx.t(label)) ": " @if let Some(l) = ctx.vi_if_other() { span lang=(l) { (value) } } @else { (value) } }
            }
        }
    };
    html! {
        ul.operator {
            (line(Msg::OperatorUnit, &op.unit))
            (line(Msg::Responsible, &op.responsible))
            (line(Msg::Address, &op.address))
            (line(Msg::Phone, &op.phone))
            @if !op.email.is_empty() {
                li { (ctx.t(Msg::Email)) ": " a href={ "mailto:" (op.email) } { (op.email) } }
            }
            @if !op.licence.is_empty() { li lang=[ctx.vi_if_other()] { (op.licence) } }
        }
    }
}

/// The page: `main` in the frame.
pub(super) fn page(ctx: &SiteContext, c: &Chrome, main: Markup) -> String {
    let slug = c.tenant.map(|t| t.slug.as_str());
    let portal = ctx.portal_name();
    let site_name = c.tenant.map_or(portal.clone(), |t| t.name.clone());
    let is_home = c.menu == Some(Menu::Home);
    let title = if is_home {
        match c.tenant {
            Some(t) => format!("{} | {portal}", t.name),
            None => portal.clone(),
        }
    } else {
        format!("{} | {site_name}", c.title)
    };
    let canonical = ctx.canonical(slug, ctx.lang, &c.path);
    let alternate = |l: Lang| ctx.canonical(slug, l, &c.path);
    let home = ctx.here("/");
    let feeds = SiteContext {
        lang: Lang::Vi,
        ..ctx.clone()
    };
    let description = c
        .meta
        .description
        .clone()
        .unwrap_or_else(|| site_name.clone());
    let publisher = ctx.operator(c.tenant).unit;
    let publisher = if publisher.is_empty() {
        portal.clone()
    } else {
        publisher
    };
    let dc_lang = c.meta.content_lang.as_deref().unwrap_or(ctx.lang.code());
    let other = ctx.lang.other();
    html! {
        (DOCTYPE)
        html lang=(ctx.lang.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) }
                meta name="description" content=(description);
                @if !c.index { meta name="robots" content="noindex"; }
                link rel="canonical" href=(canonical);
                link rel="alternate" hreflang=(ctx.lang.code()) href=(canonical);
                link rel="alternate" hreflang=(other.code()) href=(alternate(other));
                link rel="alternate" type="application/rss+xml" title={ (site_name) " — RSS" } href=(feeds.here("/rss.xml"));
                link rel="alternate" type="application/atom+xml" title={ (site_name) " — Atom" } href=(feeds.here("/atom.xml"));
                @if let Some(code) = &c.feed_category {
                    link rel="alternate" type="application/rss+xml" title={ (c.title) " — RSS" } href=(feeds.here(&format!("/categories/{code}/rss.xml")));
                    link rel="alternate" type="application/atom+xml" title={ (c.title) " — Atom" } href=(feeds.here(&format!("/categories/{code}/atom.xml")));
                }
                link rel="schema.DC" href="http://purl.org/dc/elements/1.1/";
                meta name="DC.title" content=(c.title);
                @if let Some(cr) = &c.meta.creator { meta name="DC.creator" content=(cr); }
                @if let Some(s) = &c.meta.subject { meta name="DC.subject" content=(s); }
                meta name="DC.description" content=(description);
                meta name="DC.publisher" content=(publisher);
                @if let Some(d) = c.meta.date { meta name="DC.date" content=(iso_date(d)); }
                meta name="DC.type" content=(c.meta.dc_type);
                meta name="DC.format" content="text/html";
                meta name="DC.identifier" content=(canonical);
                meta name="DC.language" content=(dc_lang);
                meta property="og:title" content=(c.title);
                meta property="og:description" content=(description);
                meta property="og:type" content=(if c.meta.article { "article" } else { "website" });
                meta property="og:url" content=(canonical);
                meta property="og:site_name" content=(portal);
                meta property="og:locale" content=(ctx.lang.locale());
                link rel="stylesheet" href="/static/site.css";
            }
            body {
                a.skip href="#noi-dung" { (ctx.t(Msg::SkipToContent)) }
                header.site {
                    div.brand {
                        p.site-name { a href=(ctx.province_href("/")) { (portal) } }
                        @if let Some(t) = c.tenant {
                            p.tenant-name lang=[ctx.vi_if_other()] { a href=(home) { (t.name) } }
                        }
                    }
                    div.tools {
                        form.search role="search" action=(ctx.here("/search")) method="get" {
                            label.vh for="q-header" { (ctx.t(Msg::SearchLabel)) }
                            input id="q-header" type="search" name="q" maxlength="200";
                            button type="submit" { (ctx.t(Msg::SearchButton)) }
                        }
                        p.language {
                            a href=(ctx.other_language_href(&c.path)) hreflang=(other.code()) lang=(other.code()) {
                                (ctx.t(Msg::OtherLanguage))
                            }
                        }
                    }
                    nav.menu aria-label=(ctx.t(Msg::MainMenu)) {
                        ul {
                            @for m in Menu::ALL {
                                li {
                                    @if c.menu == Some(m) {
                                        a href=(ctx.here(m.path())) aria-current="page" { (ctx.t(m.label())) }
                                    } @else {
                                        a href=(ctx.here(m.path())) { (ctx.t(m.label())) }
                                    }
                                }
                            }
                            @if c.tenant.is_some() {
                                li { a href=(ctx.province_href("/")) { (ctx.t(Msg::ProvincialPortal)) } }
                            }
                        }
                    }
                }
                @if !is_home {
                    nav.crumbs aria-label=(ctx.t(Msg::Breadcrumbs)) {
                        ol {
                            li { a href=(home) { (ctx.t(Msg::Home)) } }
                            @for (label, href) in &c.crumbs {
                                li { a href=(href) { (label) } }
                            }
                            li aria-current="page" { (c.title) }
                        }
                    }
                }
                main id="noi-dung" tabindex="-1" { (main) }
                footer.site {
                    p.footer-name lang=[c.tenant.and(ctx.vi_if_other())] { (site_name) }
                    (operator_lines(ctx, c.tenant))
                    p.footer-links {
                        a href=(ctx.here("/so-do-cong")) { (ctx.t(Msg::PortalMap)) }
                        " · "
                        a href=(ctx.here("/lien-he")) { (ctx.t(Msg::Contact)) }
                        " · "
                        a href=(feeds.here("/rss.xml")) { (ctx.t(Msg::Feeds)) }
                    }
                }
            }
        }
    }
    .into_string()
}

/// A pager for page `page` of `pages`, linking `href(n)`.
pub(super) fn pager(
    ctx: &SiteContext,
    page: u32,
    pages: u32,
    href: impl Fn(u32) -> String,
) -> Markup {
    html! {
        @if pages > 1 {
            nav.pager aria-label=(ctx.t(Msg::Pages)) {
                @if page > 1 { a rel="prev" href=(href(page - 1)) { (ctx.t(Msg::Previous)) } " " }
                span { (ctx.fill(Msg::PageOf, &[&page.to_string(), &pages.to_string()])) }
                @if page < pages { " " a rel="next" href=(href(page + 1)) { (ctx.t(Msg::Next)) } }
            }
        }
    }
}
