//! The search page: the form (words, and on the provincial site the unit; category and dates
//! everywhere), then the results with their count, highlighted titles and snippets, and
//! paging; or why the search could not run, with the form to try again.

use maud::{Markup, PreEscaped, html};
use portal_core::UnixMillis;
use portal_search::{MAX_QUERY_CHARS, PAGE_SIZE, QueryError, QueryNote};

use super::layout::{self, Chrome, pager};
use super::{SiteContext, iso_date};
use crate::service::search::{SearchForm, SearchOutcome, SearchPage, SearchProblem};
use crate::web::i18n::Msg;

fn problem_text(ctx: &SiteContext, p: &SearchProblem) -> String {
    match p {
        SearchProblem::Query(QueryError::TooLong { chars, max }) => {
            ctx.fill(Msg::SearchTooLong, &[&chars.to_string(), &max.to_string()])
        }
        SearchProblem::Query(QueryError::NoWords) => ctx.t(Msg::SearchNoWords).to_string(),
        SearchProblem::Query(QueryError::TooManyWords { words, max }) => ctx.fill(
            Msg::SearchTooManyWords,
            &[&words.to_string(), &max.to_string()],
        ),
        SearchProblem::Query(QueryError::Empty) => ctx.t(Msg::SearchEmpty).to_string(),
        SearchProblem::BadParameter(name) => ctx.fill(Msg::SearchBadFilter, &[name]),
        SearchProblem::DatesReversed => ctx.t(Msg::SearchDatesReversed).to_string(),
    }
}

fn note_text(n: QueryNote) -> Msg {
    match n {
        QueryNote::UnclosedQuote => Msg::SearchUnclosedQuote,
        QueryNote::OperatorsIgnored => Msg::SearchOperatorsIgnored,
        QueryNote::ControlsRemoved => Msg::SearchControlsRemoved,
    }
}

fn form(ctx: &SiteContext, p: &SearchPage) -> Markup {
    let f = &p.form;
    // What the visitor typed, shown back no longer than a query may be.
    let typed: String = f.q.chars().take(MAX_QUERY_CHARS).collect();
    let day = |d: Option<chrono::NaiveDate>| d.map(|d| d.format("%Y-%m-%d").to_string());
    html! {
        form.search-page role="search" method="get" action=(ctx.here("/search")) {
            div.field {
                label for="s-q" { (ctx.t(Msg::SearchQueryLabel)) }
                input id="s-q" type="search" name="q" value=(typed)
                    maxlength=(MAX_QUERY_CHARS) aria-describedby="s-hint";
                p.hint id="s-hint" { (ctx.t(Msg::SearchHint)) }
            }
            fieldset {
                legend { (ctx.t(Msg::SearchFilters)) }
                div.fields {
                    @if p.tenant.is_none() && !p.tenants.is_empty() {
                        div.field {
                            label for="s-unit" { (ctx.t(Msg::Unit)) }
                            select id="s-unit" name="tenant" {
                                option value="" { (ctx.t(Msg::SearchAllUnits)) }
                                @for t in &p.tenants {
                                    option value=(t.slug) selected[f.tenant.as_deref() == Some(t.slug.as_str())] lang="vi" { (t.name) }
                                }
                            }
                        }
                    }
                    div.field {
                        label for="s-category" { (ctx.t(Msg::Category)) }
                        select id="s-category" name="category" {
                            option value="" { (ctx.t(Msg::SearchAllCategories)) }
                            @for c in &p.registry.categories {
                                option value=(c.code) selected[f.category.as_deref() == Some(c.code.as_str())] { (ctx.category_name(c)) }
                            }
                        }
                    }
                    div.field {
                        label for="s-from" { (ctx.t(Msg::From)) }
                        input id="s-from" type="date" name="from" value=[day(f.from)];
                    }
                    div.field {
                        label for="s-to" { (ctx.t(Msg::To)) }
                        input id="s-to" type="date" name="to" value=[day(f.to)];
                    }
                }
            }
            button type="submit" { (ctx.t(Msg::SearchButton)) }
        }
    }
}

fn href(ctx: &SiteContext, f: &SearchForm, page: u32) -> String {
    ctx.here(&format!("/search?{}", f.to_query(page)))
}

pub fn search_page(ctx: &SiteContext, p: &SearchPage) -> String {
    let on_province = p.tenant.is_none();
    let body = match &p.outcome {
        SearchOutcome::Empty => html! { p.search-empty { (ctx.t(Msg::SearchEmpty)) } },
        SearchOutcome::Problem(problem) => html! {
            div.search-problem role="alert" {
                h2 { (ctx.t(Msg::SearchProblemTitle)) }
                p { (problem_text(ctx, problem)) }
            }
        },
        SearchOutcome::Found { query, results } => {
            let first = (results.page as usize - 1) * PAGE_SIZE + 1;
            html! {
                @for n in &query.notes {
                    p.search-note { (ctx.t(note_text(*n))) }
                }
                p.count role="status" { (ctx.fill(Msg::SearchCount, &[&results.total.to_string()])) }
                @if results.hits.is_empty() {
                    p { (ctx.t(Msg::SearchNone)) }
                } @else {
                    h2.vh { (ctx.t(Msg::SearchResultsList)) }
                    ol.results start=(first) {
                        @for h in &results.hits {
                            li lang=(h.language) {
                                h3 {
                                    a href=(ctx.tenant_href(&h.tenant_slug, &format!("/items/{}", h.external_id))) {
                                        (PreEscaped(&h.title_html))
                                    }
                                }
                                p.meta {
                                    @let at = UnixMillis::from_millis(h.published_at_ms);
                                    time datetime=(iso_date(at)) { (ctx.date_time(at)) }
                                    @if on_province { " · " span lang="vi" { (h.tenant_name) } }
                                    @if let Some(def) = p.registry.get(&h.category) {
                                        " · " a href=(ctx.here(&format!("/categories/{}", def.code))) { (ctx.category_name(def)) }
                                    }
                                }
                                @if !h.snippet_html.is_empty() {
                                    p.snippet { (PreEscaped(&h.snippet_html)) }
                                }
                            }
                        }
                    }
                    (pager(ctx, results.page, results.pages, |n| href(ctx, &p.form, n)))
                }
            }
        }
    };
    let title = match &p.outcome {
        SearchOutcome::Found { query, .. } => ctx.fill(Msg::SearchResultsFor, &[&query.display]),
        _ => ctx.t(Msg::SearchTitle).to_string(),
    };
    let main = html! {
        h1 { (title) }
        (form(ctx, p))
        (body)
    };
    let path = match &p.outcome {
        SearchOutcome::Found { .. } => format!("/search?{}", p.form.to_query(p.form.page)),
        _ => "/search".to_string(),
    };
    let mut chrome = Chrome::new(p.tenant.as_ref(), path, title);
    // Result pages are not for search engines.
    chrome.index = false;
    layout::page(ctx, &chrome, main)
}
