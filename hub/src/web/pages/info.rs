//! The portal's own pages: contact, questions and answers (until the service exists), the map
//! of the portal (Sơ đồ cổng), and the pages of errors, all in the site's layout.

use maud::html;
use portal_core::category::CategoryKind;

use super::SiteContext;
use super::home::tenant_groups;
use super::layout::{self, Chrome, Menu};
use crate::service::catalog::PortalMap;
use crate::web::i18n::Msg;

fn operator_block(ctx: &SiteContext, m: &PortalMap) -> maud::Markup {
    let op = ctx.operator(m.tenant.as_ref());
    html! {
        address.operator {
            // The operator's details are configured in Vietnamese.
            @if !op.unit.is_empty() { strong lang=[ctx.vi_if_other()] { (op.unit) } br; }
            @if !op.responsible.is_empty() { (ctx.t(Msg::Responsible)) ": " span lang=[ctx.vi_if_other()] { (op.responsible) } br; }
            @if !op.address.is_empty() { (ctx.t(Msg::Address)) ": " span lang=[ctx.vi_if_other()] { (op.address) } br; }
            @if !op.phone.is_empty() { (ctx.t(Msg::Phone)) ": " a href={ "tel:" (op.phone.replace(' ', "")) } { (op.phone) } br; }
            @if !op.email.is_empty() { (ctx.t(Msg::Email)) ": " a href={ "mailto:" (op.email) } { (op.email) } }
        }
    }
}

pub fn contact_page(ctx: &SiteContext, m: &PortalMap) -> String {
    let title = ctx.t(Msg::Contact);
    let main = html! {
        h1 { (title) }
        p { (ctx.t(Msg::ContactIntro)) }
        (operator_block(ctx, m))
        @if m.registry.get("official-contact").is_some() {
            p { a href=(ctx.here("/categories/official-contact")) { (ctx.t(Msg::OfficialContacts)) } }
        }
    };
    let mut chrome = Chrome::new(m.tenant.as_ref(), "/lien-he", title);
    chrome.menu = Some(Menu::Contact);
    layout::page(ctx, &chrome, main)
}

pub fn questions_page(ctx: &SiteContext, m: &PortalMap) -> String {
    let title = ctx.t(Msg::Questions);
    let main = html! {
        h1 { (title) }
        p { (ctx.t(Msg::QuestionsIntro)) }
        (operator_block(ctx, m))
    };
    let mut chrome = Chrome::new(m.tenant.as_ref(), "/hoi-dap", title);
    chrome.menu = Some(Menu::Questions);
    layout::page(ctx, &chrome, main)
}

/// Sơ đồ cổng: the menu, every category (articles, then records), and the component portals.
pub fn portal_map(ctx: &SiteContext, m: &PortalMap) -> String {
    let title = ctx.t(Msg::PortalMap);
    let by_kind = |kind: CategoryKind| m.registry.categories.iter().filter(move |c| c.kind == kind);
    let main = html! {
        h1 { (title) }
        p { (ctx.t(Msg::PortalMapIntro)) }
        section aria-labelledby="so-do-menu" {
            h2 id="so-do-menu" { (ctx.t(Msg::MainMenu)) }
            ul {
                @for (label, path) in [
                    (Msg::Home, "/"), (Msg::About, "/categories/organisation"),
                    (Msg::News, "/categories/news"), (Msg::Documents, "/categories/legal-document"),
                    (Msg::PublicServices, "/categories/public-service"), (Msg::Questions, "/hoi-dap"),
                    (Msg::Contact, "/lien-he"), (Msg::SearchTitle, "/search"),
                ] {
                    li { a href=(ctx.here(path)) { (ctx.t(label)) } }
                }
            }
        }
        section aria-labelledby="so-do-chuyen-muc" {
            h2 id="so-do-chuyen-muc" { (ctx.t(Msg::AllCategories)) }
            ul {
                @for c in by_kind(CategoryKind::Article).chain(by_kind(CategoryKind::Record)) {
                    li { a href=(ctx.here(&format!("/categories/{}", c.code))) { (ctx.category_name(c)) } }
                }
            }
        }
        @if m.tenant.is_none() {
            section aria-labelledby="so-do-cong-thanh-phan" {
                h2 id="so-do-cong-thanh-phan" { (ctx.t(Msg::ComponentPortals)) }
                (tenant_groups(ctx, &m.tenants))
            }
        } @else {
            p { a href=(ctx.province_href("/so-do-cong")) { (ctx.t(Msg::ProvincialPortal)) ": " (ctx.t(Msg::PortalMap)) } }
        }
    };
    let mut chrome = Chrome::new(m.tenant.as_ref(), "/so-do-cong", title);
    chrome.menu = Some(Menu::Map);
    layout::page(ctx, &chrome, main)
}

fn message_page(ctx: &SiteContext, path: &str, heading: &str, text: &str) -> String {
    let main = html! {
        h1 { (heading) }
        p { (text) }
        p { a href=(ctx.province_href("/")) { (ctx.t(Msg::BackHome)) } }
        form.search-again role="search" action=(ctx.province_href("/search")) method="get" {
            label for="q-error" { (ctx.t(Msg::SearchLabel)) }
            " "
            input id="q-error" type="search" name="q" maxlength="200";
            " "
            button type="submit" { (ctx.t(Msg::SearchButton)) }
        }
    };
    let mut chrome = Chrome::new(None, path, heading);
    chrome.index = false;
    layout::page(ctx, &chrome, main)
}

/// A page that does not exist (or a component portal that does not).
pub fn not_found(ctx: &SiteContext) -> String {
    message_page(
        ctx,
        "/",
        ctx.t(Msg::NotFoundTitle),
        ctx.t(Msg::NotFoundText),
    )
}

/// A page that cannot be shown now (busy, failed to render, limit reached).
pub fn unavailable(ctx: &SiteContext) -> String {
    message_page(
        ctx,
        "/",
        ctx.t(Msg::UnavailableTitle),
        ctx.t(Msg::UnavailableText),
    )
}

/// A request whose parameters are not understood; `what` names the parameter and the reason.
pub fn bad_request(ctx: &SiteContext, what: &str) -> String {
    message_page(
        ctx,
        "/",
        ctx.t(Msg::BadRequestTitle),
        &ctx.fill(Msg::BadRequestText, &[what]),
    )
}
