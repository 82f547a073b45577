//! Category pages: an article category as a paged list; a record category as a table with a
//! filter form (GET, so it works without JavaScript and every state has its own address),
//! sortable columns, paging and open-data downloads of the same rows; the leaders' schedule
//! as a week with the previous and next weeks.

use chrono::Duration as Days;
use maud::{Markup, html};
use portal_core::category::{CategoryDef, FieldDef, FieldType, FilterKind};
use portal_store::ItemView;

use super::home::top_item_list;
use super::layout::{self, Chrome, Menu, pager};
use super::{SiteContext, record};
use crate::service::catalog::{
    CategoryBody, CategoryPage, CategoryQuery, Choices, Sort, Table, Week, monday_of, today,
};
use crate::web::i18n::{Lang, Msg};

/// The path of a category page with a query (`?...` when there is one).
fn with_query(code: &str, suffix: &str, query: &str) -> String {
    if query.is_empty() {
        format!("/categories/{code}{suffix}")
    } else {
        format!("/categories/{code}{suffix}?{query}")
    }
}

pub fn category_page(ctx: &SiteContext, p: &CategoryPage) -> String {
    let def = &p.category;
    let code = &def.code;
    let on_province = p.tenant.is_none();
    let name = ctx.category_name(def).to_string();
    let (main, path) = match &p.body {
        CategoryBody::Articles {
            items,
            total,
            pages,
        } => {
            let href = |n: u32| {
                let q = if n > 1 {
                    format!("page={n}")
                } else {
                    String::new()
                };
                ctx.here(&with_query(code, "", &q))
            };
            let main = html! {
                h1 { (name) }
                p.count { (ctx.fill(Msg::ItemsTotal, &[&total.to_string()])) }
                @if items.is_empty() {
                    p { (ctx.t(Msg::NothingYet)) }
                } @else {
                    (top_item_list(ctx, items, on_province))
                }
                (pager(ctx, p.query.page, *pages, href))
                (category_feeds(ctx, code))
            };
            (main, with_query(code, "", &p.query.to_query(true)))
        }
        CategoryBody::Table(t) => (
            table_page(ctx, p, t, &name),
            with_query(code, "", &p.query.to_query(true)),
        ),
        CategoryBody::Schedule(w) => {
            let q = CategoryQuery {
                week: Some(w.monday),
                ..CategoryQuery::default()
            };
            (
                schedule_page(ctx, p, w, &name),
                with_query(code, "", &q.to_query(false)),
            )
        }
    };
    let mut chrome = Chrome::new(p.tenant.as_ref(), path, name.clone());
    chrome.menu = Menu::of_category(code);
    chrome.feed_category = Some(code.clone());
    chrome.meta.subject = Some(name);
    chrome.meta.dc_type = if matches!(p.body, CategoryBody::Articles { .. }) {
        "Collection"
    } else {
        "Dataset"
    };
    layout::page(ctx, &chrome, main)
}

/// Links to the category's own feeds (always the Vietnamese site's: feeds carry the content
/// as published).
fn category_feeds(ctx: &SiteContext, code: &str) -> Markup {
    let feeds = SiteContext {
        lang: Lang::Vi,
        ..ctx.clone()
    };
    html! {
        p.feeds {
            (ctx.t(Msg::CategoryFeeds)) ": "
            a href=(feeds.here(&format!("/categories/{code}/rss.xml"))) type="application/rss+xml" { "RSS 2.0" }
            " · "
            a href=(feeds.here(&format!("/categories/{code}/atom.xml"))) type="application/atom+xml" { "Atom 1.0" }
        }
    }
}

/// The columns of a record table: the fields marked `list`, or the first four simple fields.
pub(super) fn columns(def: &CategoryDef) -> Vec<&FieldDef> {
    let listed: Vec<&FieldDef> = def.fields.iter().filter(|f| f.list).collect();
    if !listed.is_empty() {
        return listed;
    }
    def.fields
        .iter()
        .filter(|f| {
            !matches!(
                f.ty,
                FieldType::LongText | FieldType::Table | FieldType::Media
            )
        })
        .take(4)
        .collect()
}

/// A cell of a record table.
pub(super) fn cell(ctx: &SiteContext, f: &FieldDef, row: &ItemView) -> Markup {
    match row.record.as_ref().and_then(|r| r.get(&f.name)) {
        Some(v) => record::value(ctx, f, v),
        None => html! {},
    }
}

fn filter_form(ctx: &SiteContext, p: &CategoryPage, choices: &[Choices]) -> Markup {
    let def = &p.category;
    let q = &p.query;
    let filtered: Vec<&FieldDef> = def.fields.iter().filter(|f| f.filter.is_some()).collect();
    let on_province = p.tenant.is_none();
    if filtered.is_empty() && !on_province {
        return html! {};
    }
    let value = |name: &str| q.filters.get(name).map(String::as_str).unwrap_or("");
    let options = |f: &FieldDef| {
        choices
            .iter()
            .find(|c| c.field == f.name)
            .map(|c| c.values.as_slice())
            .unwrap_or(&[])
    };
    html! {
        form.filters method="get" action=(ctx.here(&format!("/categories/{}", def.code))) {
            fieldset {
                legend { (ctx.t(Msg::FilterLegend)) }
                div.fields {
                    @if on_province && !p.tenants.is_empty() {
                        div.field {
                            label for="f-tenant" { (ctx.t(Msg::Unit)) }
                            select id="f-tenant" name="tenant" {
                                option value="" { (ctx.t(Msg::Any)) }
                                @for t in &p.tenants {
                                    option value=(t.slug) selected[q.unit.as_deref() == Some(t.slug.as_str())] { (t.name) }
                                }
                            }
                        }
                    }
                    @for f in &filtered {
                        @let id = format!("f-{}", f.name);
                        @match f.filter {
                            Some(FilterKind::Choice) | Some(FilterKind::Year) => {
                                div.field {
                                    label for=(id) { (record::label(ctx, f)) @if f.filter == Some(FilterKind::Year) { " (" (ctx.t(Msg::Year)) ")" } }
                                    select id=(id) name=(f.name) {
                                        option value="" { (ctx.t(Msg::Any)) }
                                        @for v in options(f) {
                                            option value=(v) selected[value(&f.name) == v] {
                                                @if f.ty == FieldType::Enum { (record::enum_label(ctx, f, v)) } @else { (v) }
                                            }
                                        }
                                    }
                                }
                            }
                            Some(FilterKind::Contains) => {
                                div.field {
                                    label for=(id) { (record::label(ctx, f)) }
                                    input id=(id) type="text" name=(f.name) value=(value(&f.name)) maxlength="100";
                                }
                            }
                            Some(FilterKind::Range) => {
                                @let from = format!("{}_from", f.name);
                                @let to = format!("{}_to", f.name);
                                div.field {
                                    label for={ (id) "-from" } { (record::label(ctx, f)) ": " (ctx.t(Msg::From)) }
                                    input id={ (id) "-from" } type="date" name=(from) value=(value(&from));
                                }
                                div.field {
                                    label for={ (id) "-to" } { (record::label(ctx, f)) ": " (ctx.t(Msg::To)) }
                                    input id={ (id) "-to" } type="date" name=(to) value=(value(&to));
                                }
                            }
                            None => {}
                        }
                    }
                }
                @if let Some(s) = &q.sort {
                    input type="hidden" name="sort" value=(s.field);
                    input type="hidden" name="dir" value=(if s.descending { "desc" } else { "asc" });
                }
                div.actions {
                    button type="submit" { (ctx.t(Msg::Filter)) }
                    @if q.is_filtered() {
                        " " a href=(ctx.here(&format!("/categories/{}", def.code))) { (ctx.t(Msg::ClearFilters)) }
                    }
                }
            }
        }
    }
}

/// The header of a sortable column: a link that sorts by it (ascending, or descending when it
/// is sorted ascending already), with `aria-sort` on the sorted one.
fn sort_header(ctx: &SiteContext, p: &CategoryPage, f: &FieldDef) -> Markup {
    let label = record::label(ctx, f);
    let current = p.query.sort.as_ref().filter(|s| s.field == f.name);
    let next_desc = current.is_some_and(|s| !s.descending);
    let q = CategoryQuery {
        sort: Some(Sort {
            field: f.name.clone(),
            descending: next_desc,
        }),
        page: 1,
        ..p.query.clone()
    };
    let href = ctx.here(&with_query(&p.category.code, "", &q.to_query(false)));
    let hint = if next_desc {
        ctx.fill(Msg::SortDescending, &[label])
    } else {
        ctx.fill(Msg::SortAscending, &[label])
    };
    let aria = current.map(|s| {
        if s.descending {
            "descending"
        } else {
            "ascending"
        }
    });
    html! {
        th scope="col" aria-sort=[aria] {
            a href=(href) title=(hint) { (label) }
            @if let Some(s) = current {
                " " span.sorted { "(" (if s.descending { ctx.t(Msg::SortedDescending) } else { ctx.t(Msg::SortedAscending) }) ")" }
            }
        }
    }
}

fn downloads(ctx: &SiteContext, code: &str, query: &str) -> Markup {
    html! {
        p.downloads {
            (ctx.t(Msg::Download)) ": "
            a href=(ctx.here(&with_query(code, "/data.csv", query))) type="text/csv" download { (ctx.t(Msg::DownloadCsv)) }
            " · "
            a href=(ctx.here(&with_query(code, "/data.json", query))) type="application/json" { (ctx.t(Msg::DownloadJson)) }
        }
    }
}

fn table_page(ctx: &SiteContext, p: &CategoryPage, t: &Table, name: &str) -> Markup {
    let def = &p.category;
    let cols = columns(def);
    let on_province = p.tenant.is_none();
    let page_href = |n: u32| {
        let q = CategoryQuery {
            page: n,
            ..p.query.clone()
        };
        ctx.here(&with_query(&def.code, "", &q.to_query(true)))
    };
    html! {
        h1 { (name) }
        (filter_form(ctx, p, &t.choices))
        (downloads(ctx, &def.code, &p.query.to_query(false)))
        div.table-wrap role="region" aria-labelledby="bang-caption" tabindex="0" {
            table.listing {
                caption id="bang-caption" {
                    (ctx.fill(Msg::TableCaption, &[name, &ctx.fill(Msg::RowsTotal, &[&t.total.to_string()])]))
                    @if t.pages > 1 { " — " (ctx.fill(Msg::PageOf, &[&p.query.page.to_string(), &t.pages.to_string()])) }
                }
                thead {
                    tr {
                        th scope="col" { (ctx.t(Msg::Title)) }
                        @if on_province { th scope="col" { (ctx.t(Msg::Unit)) } }
                        @for f in &cols { (sort_header(ctx, p, f)) }
                    }
                }
                tbody {
                    @for row in &t.rows {
                        tr lang=(row.language) {
                            th scope="row" { a href=(ctx.tenant_href(&row.tenant_slug, &format!("/items/{}", row.external_id))) { (row.title) } }
                            @if on_province { td lang="vi" { (row.tenant_name) } }
                            @for f in &cols { td { (cell(ctx, f, row)) } }
                        }
                    }
                }
            }
        }
        @if t.rows.is_empty() { p { (ctx.t(Msg::NoRows)) } }
        (pager(ctx, p.query.page, t.pages, page_href))
        (category_feeds(ctx, &def.code))
    }
}

/// One week of the schedule as a table, day by day (used on home pages too).
pub(super) fn schedule_table(
    ctx: &SiteContext,
    def: &CategoryDef,
    w: &Week,
    show_unit: bool,
) -> Markup {
    let cols: Vec<&FieldDef> = columns(def)
        .into_iter()
        .filter(|f| f.name != "date")
        .collect();
    let sunday = w.monday + Days::days(6);
    let caption = ctx.fill(Msg::WeekOf, &[&ctx.date(w.monday), &ctx.date(sunday)]);
    let day_of = |it: &ItemView| {
        it.record
            .as_ref()
            .and_then(|r| r.get("date"))
            .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
    };
    html! {
        @if w.entries.is_empty() {
            p { (caption) ": " (ctx.t(Msg::NoScheduleThisWeek)) }
        } @else {
            div.table-wrap role="region" aria-label=(caption) tabindex="0" {
                table.listing.schedule {
                    caption { (caption) }
                    thead {
                        tr {
                            th scope="col" { (ctx.t(Msg::Day)) }
                            @for f in &cols { th scope="col" { (record::label(ctx, f)) } }
                            @if show_unit { th scope="col" { (ctx.t(Msg::Unit)) } }
                        }
                    }
                    tbody {
                        @for it in &w.entries {
                            tr lang=(it.language) {
                                th scope="row" {
                                    @if let Some(d) = day_of(it) { (ctx.weekday(d)) ", " (ctx.date(d)) }
                                }
                                @for f in &cols {
                                    td {
                                        @if f.name == "content" {
                                            a href=(ctx.tenant_href(&it.tenant_slug, &format!("/items/{}", it.external_id))) { (cell(ctx, f, it)) }
                                        } @else {
                                            (cell(ctx, f, it))
                                        }
                                    }
                                }
                                @if show_unit { td lang="vi" { (it.tenant_name) } }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn schedule_page(ctx: &SiteContext, p: &CategoryPage, w: &Week, name: &str) -> Markup {
    let code = &p.category.code;
    let week_href = |monday: chrono::NaiveDate| {
        let q = CategoryQuery {
            week: Some(monday),
            ..CategoryQuery::default()
        };
        ctx.here(&with_query(code, "", &q.to_query(false)))
    };
    let this = monday_of(today());
    let q = CategoryQuery {
        week: Some(w.monday),
        ..CategoryQuery::default()
    };
    html! {
        h1 { (name) }
        nav.pager aria-label=(ctx.t(Msg::Pages)) {
            a rel="prev" href=(week_href(w.monday - Days::days(7))) { (ctx.t(Msg::PreviousWeek)) }
            " "
            @if w.monday != this { a href=(week_href(this)) { (ctx.t(Msg::ThisWeek)) } " " }
            a rel="next" href=(week_href(w.monday + Days::days(7))) { (ctx.t(Msg::NextWeek)) }
        }
        (schedule_table(ctx, &p.category, w, p.tenant.is_none()))
        (downloads(ctx, code, &q.to_query(false)))
    }
}
