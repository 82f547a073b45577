//! HTML of the public pages: valid HTML5 in the site's layout, usable without JavaScript, with
//! landmarks, a skip link, labelled forms and captioned tables (WCAG 2.1 AA), in Vietnamese or
//! English (`i18n`). Pure functions from what the service layer returned to markup, run on a
//! render thread:
//!
//! - `layout`: the frame of every page (header, menu, search box, language switch,
//!   breadcrumbs, footer with the operator, metadata: Dublin Core, canonical, Open Graph);
//! - `home`: the provincial portal's and the tenants' home pages;
//! - `category`: article lists, record tables with their filters, the leaders' schedule;
//! - `export`: the same rows as CSV and JSON;
//! - `item`: an item, its withdrawal notice, its history and comparisons;
//! - `info`: contact, questions, the map of the portal, error pages;
//! - `record`: how record values read (dates, numbers, enum labels);
//! - `search`: the search form and its results;
//! - `css`: the one stylesheet (print included).

mod category;
mod css;
mod export;
mod home;
mod info;
mod item;
mod layout;
mod record;
mod search;

use std::sync::Arc;

use portal_core::UnixMillis;
use portal_store::Tenant;

pub use category::category_page;
pub use css::SITE_CSS;
pub use export::{export_csv, export_json};
pub use home::home_page;
pub use info::{bad_request, contact_page, not_found, portal_map, questions_page, unavailable};
pub use item::{diff_page, item_page, versions_page, withdrawn_page};
pub use search::search_page;

use super::i18n::{Lang, Msg};
use super::site::{LinkMode, Site};
use crate::config::{HubConfig, Operator};

/// What every page needs to know about the site it is on (owned and cheap to clone, so that a
/// page can be rendered on another thread).
#[derive(Debug, Clone)]
pub struct SiteContext {
    pub config: Arc<HubConfig>,
    pub mode: LinkMode,
    pub lang: Lang,
    /// The site the page is on.
    pub site: Site,
}

impl SiteContext {
    /// `lang` for text that is Vietnamese whatever the interface's language (names of units,
    /// the operator's details from configuration): `None` on Vietnamese pages, whose `html`
    /// element says it already.
    pub fn vi_if_other(&self) -> Option<&'static str> {
        (self.lang != Lang::Vi).then_some("vi")
    }

    /// A message of the interface in the page's language.
    pub fn t(&self, m: Msg) -> &'static str {
        m.text(self.lang)
    }

    pub fn fill(&self, m: Msg, args: &[&str]) -> String {
        m.fill(self.lang, args)
    }

    /// The portal's name in the page's language.
    pub fn portal_name(&self) -> String {
        let p = &self.config.portal;
        match self.lang {
            Lang::Vi if !p.name.is_empty() => p.name.clone(),
            Lang::En if !p.name_en.is_empty() => p.name_en.clone(),
            Lang::Vi => self.fill(Msg::DefaultPortalName, &[&self.config.province_name]),
            Lang::En => self.fill(
                Msg::DefaultPortalName,
                &[&portal_core::text::fold_diacritics(
                    &self.config.province_name,
                )],
            ),
        }
    }

    fn tenant_slug(&self) -> Option<&str> {
        match &self.site {
            Site::Tenant(s) => Some(s),
            Site::Province => None,
        }
    }

    /// A link to `path` (starting with `/`) on the provincial site, from this page.
    pub fn province_href(&self, path: &str) -> String {
        let prefix = self.lang.prefix();
        if self.mode == LinkMode::Host && self.tenant_slug().is_some() {
            let c = &self.config;
            format!("{}://{}{prefix}{path}", c.public_scheme, c.domain)
        } else {
            format!("{prefix}{path}")
        }
    }

    /// A link to `path` (starting with `/`) on a tenant's site, from this page.
    pub fn tenant_href(&self, slug: &str, path: &str) -> String {
        let prefix = self.lang.prefix();
        match self.mode {
            LinkMode::Path => format!("{prefix}/t/{slug}{path}"),
            LinkMode::Host if self.tenant_slug() == Some(slug) => format!("{prefix}{path}"),
            LinkMode::Host => {
                let c = &self.config;
                format!("{}://{slug}.{}{prefix}{path}", c.public_scheme, c.domain)
            }
        }
    }

    /// A link to `path` on the site of `tenant` (the provincial site for `None`).
    pub fn site_href(&self, tenant: Option<&str>, path: &str) -> String {
        match tenant {
            Some(slug) => self.tenant_href(slug, path),
            None => self.province_href(path),
        }
    }

    /// A link to `path` on the site this page is on.
    pub fn here(&self, path: &str) -> String {
        self.site_href(self.tenant_slug(), path)
    }

    /// The public address of `path` on the site of `tenant` in `lang`: always by host name,
    /// whichever way the page was reached.
    pub fn canonical(&self, tenant: Option<&str>, lang: Lang, path: &str) -> String {
        let c = &self.config;
        let host = match tenant {
            Some(slug) => format!("{slug}.{}", c.domain),
            None => c.domain.clone(),
        };
        format!("{}://{host}{}{path}", c.public_scheme, lang.prefix())
    }

    /// The same page in the other language.
    pub fn other_language_href(&self, path: &str) -> String {
        let other = SiteContext {
            lang: self.lang.other(),
            ..self.clone()
        };
        other.here(path)
    }

    /// Who runs the site of `tenant` (the footer).
    pub fn operator(&self, tenant: Option<&Tenant>) -> Operator {
        let p = &self.config.portal;
        match tenant {
            None => p.operator.clone(),
            Some(t) => p.tenants.get(&t.slug).cloned().unwrap_or_else(|| Operator {
                unit: t.name.clone(),
                ..p.operator.clone()
            }),
        }
    }

    /// A moment as readers of the page's language write it, in Vietnam time.
    pub fn date_time(&self, t: UnixMillis) -> String {
        t.to_vietnam_date_time()
    }

    /// A day as readers write it: 01/12/2026.
    pub fn date(&self, d: chrono::NaiveDate) -> String {
        d.format("%d/%m/%Y").to_string()
    }

    pub fn weekday(&self, d: chrono::NaiveDate) -> &'static str {
        use chrono::Datelike;
        let m = match d.weekday() {
            chrono::Weekday::Mon => Msg::Weekday1,
            chrono::Weekday::Tue => Msg::Weekday2,
            chrono::Weekday::Wed => Msg::Weekday3,
            chrono::Weekday::Thu => Msg::Weekday4,
            chrono::Weekday::Fri => Msg::Weekday5,
            chrono::Weekday::Sat => Msg::Weekday6,
            chrono::Weekday::Sun => Msg::Weekday7,
        };
        self.t(m)
    }

    /// The name of a category in the page's language.
    pub fn category_name<'a>(&self, def: &'a portal_core::category::CategoryDef) -> &'a str {
        match self.lang {
            Lang::Vi => &def.name_vi,
            Lang::En => &def.name_en,
        }
    }
}

/// RFC 3339, for `datetime` attributes.
fn iso_date(t: UnixMillis) -> String {
    t.to_rfc3339()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(mode: LinkMode, lang: Lang, site: Site) -> SiteContext {
        SiteContext {
            config: Arc::new(HubConfig::default()),
            mode,
            lang,
            site,
        }
    }

    #[test]
    fn links_follow_the_site_the_mode_and_the_language() {
        let t = || Site::Tenant("stc".into());
        let c = ctx(LinkMode::Host, Lang::Vi, t());
        assert_eq!(c.here("/items/a"), "/items/a");
        assert_eq!(c.province_href("/"), "https://bentre.gov.vn/");
        assert_eq!(c.tenant_href("skhdt", "/"), "https://skhdt.bentre.gov.vn/");
        assert_eq!(c.other_language_href("/items/a"), "/en/items/a");
        let c = ctx(LinkMode::Path, Lang::En, Site::Province);
        assert_eq!(c.here("/search"), "/en/search");
        assert_eq!(c.tenant_href("stc", "/items/a"), "/en/t/stc/items/a");
        assert_eq!(c.other_language_href("/"), "/");
        assert_eq!(
            c.canonical(Some("stc"), Lang::En, "/items/a"),
            "https://stc.bentre.gov.vn/en/items/a"
        );
        assert_eq!(
            c.portal_name(),
            "Ben Tre Provincial Electronic Information Portal"
        );
        let c = ctx(LinkMode::Path, Lang::Vi, t());
        assert_eq!(c.portal_name(), "Cổng Thông tin điện tử tỉnh Bến Tre");
    }
}
