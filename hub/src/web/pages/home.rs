//! Home pages: the provincial portal's and each tenant's. The latest items of each main
//! category, the leaders' schedule of this week, every category, and (on the provincial
//! portal) the component portals grouped by kind.

use maud::{Markup, html};
use portal_core::TenantKind;
use portal_store::{ItemView, Tenant};

use super::category::schedule_table;
use super::layout::{self, Chrome, Menu};
use super::{SiteContext, iso_date};
use crate::service::catalog::{Home, SCHEDULE};
use crate::web::i18n::Msg;

/// A short list of items under a section's h2 (home pages): title, date, unit (on the
/// provincial portal) and summary.
pub(super) fn item_list(ctx: &SiteContext, items: &[ItemView], show_unit: bool) -> Markup {
    items_with_headings(ctx, items, show_unit, 3)
}

/// The same list right under the page's h1 (a category page), its titles h2: headings never
/// skip a level (WCAG 1.3.1).
pub(super) fn top_item_list(ctx: &SiteContext, items: &[ItemView], show_unit: bool) -> Markup {
    items_with_headings(ctx, items, show_unit, 2)
}

fn items_with_headings(
    ctx: &SiteContext,
    items: &[ItemView],
    show_unit: bool,
    level: u8,
) -> Markup {
    html! {
        ul.items {
            @for it in items {
                @let title = html! { a href=(ctx.tenant_href(&it.tenant_slug, &format!("/items/{}", it.external_id))) { (it.title) } };
                li lang=(it.language) {
                    @if level == 2 { h2 { (title) } } @else { h3 { (title) } }
                    p.meta {
                        time datetime=(iso_date(it.published_at)) { (ctx.date_time(it.published_at)) }
                        @if show_unit { " · " span lang="vi" { (it.tenant_name) } }
                    }
                    @if let Some(s) = &it.summary { p.summary { (s) } }
                }
            }
        }
    }
}

/// Links to every category of the registry, on the current site.
pub(super) fn all_categories(
    ctx: &SiteContext,
    registry: &portal_core::category::Registry,
) -> Markup {
    html! {
        ul.categories {
            @for c in &registry.categories {
                li { a href=(ctx.here(&format!("/categories/{}", c.code))) { (ctx.category_name(c)) } }
            }
        }
    }
}

/// Component portals grouped by kind: departments, districts, other units.
pub(super) fn tenant_groups(ctx: &SiteContext, tenants: &[Tenant]) -> Markup {
    let groups = [
        (Msg::KindDepartment, vec![TenantKind::Department]),
        (Msg::KindDistrict, vec![TenantKind::District]),
        (
            Msg::KindOther,
            vec![TenantKind::Unit, TenantKind::ProvincialOffice],
        ),
    ];
    html! {
        @for (label, kinds) in &groups {
            @let members: Vec<&Tenant> = tenants.iter().filter(|t| kinds.contains(&t.kind)).collect();
            @if !members.is_empty() {
                h3 { (ctx.t(*label)) }
                ul.tenants {
                    @for t in members {
                        li lang="vi" { a href=(ctx.tenant_href(&t.slug, "/")) { (t.name) } }
                    }
                }
            }
        }
    }
}

/// The home page of the provincial portal or of a tenant's site.
pub fn home_page(ctx: &SiteContext, home: &Home) -> String {
    let tenant = home.tenant.as_ref();
    let heading = tenant.map_or_else(|| ctx.portal_name(), |t| t.name.clone());
    let on_province = tenant.is_none();
    let schedule_def = home.registry.get(SCHEDULE);
    let main = html! {
        // A tenant's name is Vietnamese whatever the interface's language.
        h1 lang=[tenant.and(ctx.vi_if_other())] { (heading) }
        div.home {
            @for s in &home.sections {
                @let id = format!("muc-{}", s.category.code);
                section.latest aria-labelledby=(id) {
                    h2 id=(id) { (ctx.category_name(&s.category)) }
                    @if s.items.is_empty() {
                        p { (ctx.t(Msg::NothingYet)) }
                    } @else {
                        (item_list(ctx, &s.items, on_province))
                    }
                    p.more {
                        a href=(ctx.here(&format!("/categories/{}", s.category.code))) {
                            (ctx.fill(Msg::SeeAll, &[ctx.category_name(&s.category)]))
                        }
                    }
                }
            }
        }
        @if let Some(def) = schedule_def {
            section aria-labelledby="lich-tuan" {
                h2 id="lich-tuan" { (ctx.t(Msg::ScheduleThisWeek)) }
                (schedule_table(ctx, def, &home.week, on_province))
                p.more { a href=(ctx.here(&format!("/categories/{SCHEDULE}"))) { (ctx.fill(Msg::SeeAll, &[ctx.category_name(def)])) } }
            }
        }
        @if on_province {
            section aria-labelledby="cong-thanh-phan" {
                h2 id="cong-thanh-phan" { (ctx.t(Msg::ComponentPortals)) }
                (tenant_groups(ctx, &home.tenants))
            }
        }
        section aria-labelledby="chuyen-muc" {
            h2 id="chuyen-muc" { (ctx.t(Msg::AllCategories)) }
            (all_categories(ctx, &home.registry))
        }
    };
    let mut chrome = Chrome::new(tenant, "/", heading);
    chrome.menu = Some(Menu::Home);
    chrome.meta.dc_type = "Collection";
    layout::page(ctx, &chrome, main)
}
