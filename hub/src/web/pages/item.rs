//! An item's page (title, attribution per Art 9.3, record, body, translation), the notice of
//! a withdrawn item (410, with the date and the agent's reason; its history stays reachable,
//! Art 12), its history and the comparison of two versions.

use maud::{PreEscaped, html};

use super::layout::{self, Chrome, Menu};
use super::{SiteContext, iso_date, record};
use crate::service::portal::{Comparison, History, ItemPage, WithdrawnPage};
use crate::web::i18n::Msg;

/// `lang` for content whose language differs from the interface's (`None` when it is the same).
fn lang_if_other<'a>(ctx: &SiteContext, content: &'a str) -> Option<&'a str> {
    (content != ctx.lang.code()).then_some(content)
}

/// One item. The body is rendered and sanitised here, on a render thread.
pub fn item_page(ctx: &SiteContext, page: &ItemPage) -> String {
    let (tenant, it) = (&page.tenant, &page.item);
    let def = page.registry.get(&it.category);
    let category = def.map_or(it.category.clone(), |d| ctx.category_name(d).to_string());
    let body_html = portal_core::render::markdown_to_safe_html(&it.body_markdown);
    let item_path = format!("/items/{}", it.external_id);
    let lang = lang_if_other(ctx, &it.language);
    let other_lang = if it.language == "vi" { "en" } else { "vi" };
    let main = html! {
        article {
            h1 lang=[lang] { (it.title) }
            dl.meta {
                dt { (ctx.t(Msg::Published)) }
                dd { time datetime=(iso_date(it.published_at)) { (ctx.date_time(it.published_at)) } }
                dt { (ctx.t(Msg::Author)) }
                dd lang=[lang] { (it.author) }
                dt { (ctx.t(Msg::Source)) }
                dd lang=[lang] {
                    @if let Some(url) = &it.source_url {
                        a href=(url) rel="noopener noreferrer" { (it.source) }
                    } @else {
                        (it.source)
                    }
                }
                dt { (ctx.t(Msg::Unit)) }
                dd lang="vi" { a href=(ctx.here("/")) { (tenant.name) } }
                dt { (ctx.t(Msg::Category)) }
                dd { a href=(ctx.here(&format!("/categories/{}", it.category))) { (category) } }
            }
            @if let Some(s) = &it.summary { p.summary lang=[lang] { strong { (s) } } }
            @if let Some(r) = &it.record {
                (record::details(ctx, def, r, ctx.t(Msg::Details)))
            }
            div.body lang=[lang] { (PreEscaped(&body_html)) }
            @if let Some(t) = &it.translation_id {
                p.translation {
                    a href=(ctx.here(&format!("/items/{t}"))) hreflang=(other_lang) {
                        @if it.language == "vi" { (ctx.t(Msg::EnglishVersion)) } @else { (ctx.t(Msg::VietnameseVersion)) }
                    }
                }
            }
            @if it.version > 1 {
                p.history { a href=(ctx.here(&format!("{item_path}/versions"))) { (ctx.fill(Msg::VersionHistory, &[&it.version.to_string()])) } }
            }
            @if !it.tags.is_empty() {
                p.tags { (ctx.t(Msg::Keywords)) ": "
                    @for (i, t) in it.tags.iter().enumerate() {
                        @if i > 0 { ", " }
                        span.tag lang=[lang] { (t) }
                    }
                }
            }
        }
    };
    let mut chrome = Chrome::new(Some(tenant), item_path, it.title.clone());
    if let Some(d) = def {
        chrome.crumbs.push((
            ctx.category_name(d).to_string(),
            ctx.here(&format!("/categories/{}", d.code)),
        ));
        chrome.menu = Menu::of_category(&d.code);
    }
    chrome.meta.description = it.summary.clone();
    chrome.meta.creator = Some(it.author.clone());
    chrome.meta.subject = Some(category);
    chrome.meta.date = Some(it.published_at);
    chrome.meta.content_lang = Some(it.language.clone());
    chrome.meta.article = true;
    layout::page(ctx, &chrome, main)
}

/// The page of a withdrawn item: when, why, and its archived versions.
pub fn withdrawn_page(ctx: &SiteContext, w: &WithdrawnPage) -> String {
    let it = &w.item;
    let item_path = format!("/items/{}", w.id);
    let title = ctx.t(Msg::WithdrawnTitle);
    let main = html! {
        h1 { (title) }
        div.notice role="status" {
            p {
                @match it.withdrawn_at {
                    Some(at) => (ctx.fill(Msg::WithdrawnOn, &[&it.title, &ctx.date_time(at)])),
                    None => (ctx.fill(Msg::WithdrawnNoDate, &[&it.title])),
                }
            }
            @if let Some(r) = &it.reason {
                p { strong { (ctx.t(Msg::WithdrawnReason)) ": " } span lang="vi" { (r) } }
            }
        }
        p {
            (ctx.t(Msg::WithdrawnHistory)) " "
            a href=(ctx.here(&format!("{item_path}/versions"))) { (ctx.fill(Msg::VersionHistory, &[&it.version.to_string()])) }
        }
        p { a href=(ctx.here("/")) { (ctx.t(Msg::BackHome)) } }
    };
    let mut chrome = Chrome::new(Some(&w.tenant), item_path, title);
    chrome.index = false;
    layout::page(ctx, &chrome, main)
}

/// A page of an item's history (Art 12), newest first, with links to compare neighbours and
/// to the other pages.
pub fn versions_page(ctx: &SiteContext, h: &History) -> String {
    let (tenant, it) = (&h.tenant, &h.item);
    let item_path = format!("/items/{}", it.external_id);
    let item_href = ctx.here(&item_path);
    let page_href = |p: u32| ctx.here(&format!("{item_path}/versions?page={p}"));
    let lang = lang_if_other(ctx, &it.language);
    let title = ctx.t(Msg::History).to_string();
    let main = html! {
        h1 { (title) }
        p {
            (ctx.t(Msg::Item)) ": "
            a href=(item_href) lang=[lang] { (it.title) }
            @if h.withdrawn { " " span.badge { "(" (ctx.t(Msg::WithdrawnBadge)) ")" } }
        }
        table.versions {
            caption { (ctx.fill(Msg::HistoryCaption, &[&h.page.to_string(), &h.pages.to_string(), &it.version.to_string()])) }
            thead { tr {
                th scope="col" { (ctx.t(Msg::Version)) }
                th scope="col" { (ctx.t(Msg::ReceivedAt)) }
                th scope="col" { (ctx.t(Msg::Title)) }
                th scope="col" { (ctx.t(Msg::VersionNotes)) }
                th scope="col" { (ctx.t(Msg::Compare)) }
            } }
            tbody {
                @for v in &h.versions {
                    tr {
                        td { (v.version) }
                        td { (ctx.date_time(v.created_at)) }
                        td lang=[lang] { (v.title) }
                        td {
                            @for (i, n) in v.notes.iter().enumerate() {
                                @if i > 0 { br; }
                                (n)
                            }
                        }
                        td {
                            @if v.version > 1 {
                                a href=(ctx.here(&format!("{item_path}/diff/{}/{}", v.version - 1, v.version))) { (ctx.fill(Msg::WithVersion, &[&(v.version - 1).to_string()])) }
                            }
                        }
                    }
                }
            }
        }
        @if h.pages > 1 {
            nav.pager aria-label=(ctx.t(Msg::HistoryPages)) {
                @if h.page > 1 { a rel="prev" href=(page_href(h.page - 1)) { (ctx.t(Msg::Newer)) } " " }
                @if h.page < h.pages { a rel="next" href=(page_href(h.page + 1)) { (ctx.t(Msg::Older)) } }
            }
        }
    };
    let path = if h.page > 1 {
        format!("{item_path}/versions?page={}", h.page)
    } else {
        format!("{item_path}/versions")
    };
    let mut chrome = Chrome::new(Some(tenant), path, title);
    chrome.crumbs.push((it.title.clone(), item_href.clone()));
    layout::page(ctx, &chrome, main)
}

/// What changed between two versions, line by line.
pub fn diff_page(ctx: &SiteContext, c: &Comparison) -> String {
    use portal_core::diff::{DiffLine, diff_lines};
    let (tenant, it) = (&c.tenant, &c.item);
    let item_path = format!("/items/{}", it.external_id);
    let item_href = ctx.here(&item_path);
    let text = |title: &str, body: &str| format!("# {title}\n\n{body}");
    let lines = diff_lines(&text(&c.old.1, &c.old.2), &text(&c.new.1, &c.new.2));
    let lang = lang_if_other(ctx, &it.language);
    let title = ctx.fill(
        Msg::CompareTitle,
        &[&c.old.0.to_string(), &c.new.0.to_string()],
    );
    let main = html! {
        h1 { (title) }
        p {
            (ctx.t(Msg::Item)) ": " a href=(item_href) lang=[lang] { (it.title) }
            " · " a href=(ctx.here(&format!("{item_path}/versions"))) { (ctx.t(Msg::History)) }
        }
        p.legend { span.del { (ctx.t(Msg::LinesRemoved)) } " " span.ins { (ctx.t(Msg::LinesAdded)) } }
        pre.diff lang=[lang] {
            @for l in &lines {
                @match l {
                    DiffLine::Same(t) => { span.same { "  " (t) } "\n" }
                    DiffLine::Removed(t) => { del { "− " (t) } "\n" }
                    DiffLine::Added(t) => { ins { "+ " (t) } "\n" }
                }
            }
        }
    };
    let path = format!("{item_path}/diff/{}/{}", c.old.0, c.new.0);
    let mut chrome = Chrome::new(Some(tenant), path, title);
    chrome.crumbs.push((it.title.clone(), item_href));
    chrome.crumbs.push((
        ctx.t(Msg::History).to_string(),
        ctx.here(&format!("{item_path}/versions")),
    ));
    layout::page(ctx, &chrome, main)
}
