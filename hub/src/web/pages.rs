//! HTML of the public pages: valid HTML5, `lang="vi"`, usable without JavaScript, with landmarks
//! and a skip link for keyboard and screen-reader users (WCAG 2.x AA). Pure functions from what
//! the service layer returned to markup; the presentation helpers (dates, numbers and record
//! labels the Vietnamese way) live here too.

use maud::{DOCTYPE, Markup, PreEscaped, html};
use portal_core::UnixMillis;
use portal_core::category::{CategoryDef, FieldType};
use portal_store::ItemView;

use super::site::LinkMode;
use crate::service::portal::{Comparison, FrontPage, History, ItemPage, TenantHome};

/// What every page needs to know about the site (owned, so that a page can be rendered on
/// another thread).
#[derive(Debug, Clone)]
pub struct SiteContext {
    pub province_name: String,
    pub domain: String,
    pub scheme: String,
    pub mode: LinkMode,
}

impl SiteContext {
    /// Base of a tenant's site as seen from a page of `current_tenant` (or the front page).
    pub fn tenant_base(&self, slug: &str, current_tenant: Option<&str>) -> String {
        match self.mode {
            LinkMode::Path => format!("/t/{slug}"),
            LinkMode::Host if current_tenant == Some(slug) => String::new(),
            LinkMode::Host => format!("{}://{slug}.{}", self.scheme, self.domain),
        }
    }

    fn front_href(&self, on_tenant_host: bool) -> String {
        if self.mode == LinkMode::Host && on_tenant_host {
            format!("{}://{}/", self.scheme, self.domain)
        } else {
            "/".into()
        }
    }

    /// The canonical URL of an item: on its tenant's sub-domain.
    pub fn canonical_item(&self, slug: &str, id: &str) -> String {
        format!("{}://{slug}.{}/items/{id}", self.scheme, self.domain)
    }
}

fn format_date(t: UnixMillis) -> String {
    t.to_vietnam_date_time()
}

fn iso_date(t: UnixMillis) -> String {
    t.to_rfc3339()
}

fn layout(
    ctx: &SiteContext,
    title: &str,
    site_title: &str,
    home_href: &str,
    on_tenant_host: bool,
    canonical: Option<&str>,
    main: Markup,
) -> Markup {
    html! {
        (DOCTYPE)
        html lang="vi" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) }
                @if let Some(c) = canonical { link rel="canonical" href=(c); }
                link rel="stylesheet" href="/static/site.css";
            }
            body {
                a.skip href="#noi-dung" { "Bỏ qua, đến nội dung chính" }
                header.site {
                    p.site-name { a href=(home_href) { (site_title) } }
                    nav aria-label="Điều hướng chính" {
                        ul {
                            li { a href=(home_href) { "Trang chủ" } }
                            li { a href=(ctx.front_href(on_tenant_host)) { "Cổng Thông tin điện tử tỉnh " (ctx.province_name) } }
                        }
                    }
                }
                main id="noi-dung" tabindex="-1" { (main) }
                footer.site {
                    p { "Cổng Thông tin điện tử tỉnh " (ctx.province_name) " — " (ctx.domain) }
                }
            }
        }
    }
}

fn item_list(
    ctx: &SiteContext,
    items: &[ItemView],
    current_tenant: Option<&str>,
    show_tenant: bool,
) -> Markup {
    html! {
        @if items.is_empty() {
            p { "Chưa có tin bài." }
        } @else {
            ul.items {
                @for it in items {
                    li lang=(it.language) {
                        h3 { a href={ (ctx.tenant_base(&it.tenant_slug, current_tenant)) "/items/" (it.external_id) } { (it.title) } }
                        p.meta {
                            time datetime=(iso_date(it.published_at)) { (format_date(it.published_at)) }
                            @if show_tenant { " · " (it.tenant_name) }
                        }
                        @if let Some(s) = &it.summary { p.summary { (s) } }
                    }
                }
            }
        }
    }
}

/// The provincial portal's front page: latest items of every tenant and the component portals.
pub fn front_page(ctx: &SiteContext, page: &FrontPage) -> String {
    let (tenants, items) = (&page.tenants, &page.items);
    let site_title = format!("Cổng Thông tin điện tử tỉnh {}", ctx.province_name);
    let main = html! {
        h1 { (site_title) }
        section aria-labelledby="tin-moi" {
            h2 id="tin-moi" { "Tin mới" }
            (item_list(ctx, items, None, true))
        }
        section aria-labelledby="cong-thanh-phan" {
            h2 id="cong-thanh-phan" { "Cổng thành phần" }
            @if tenants.is_empty() {
                p { "Chưa có cổng thành phần." }
            } @else {
                ul.tenants {
                    @for t in tenants {
                        li { a href={ (ctx.tenant_base(&t.slug, None)) "/" } { (t.name) } }
                    }
                }
            }
        }
    };
    layout(ctx, &site_title, &site_title, "/", false, None, main).into_string()
}

/// A tenant's home page: its items, newest first.
pub fn tenant_page(ctx: &SiteContext, page: &TenantHome) -> String {
    let (tenant, items) = (&page.tenant, &page.items);
    let base = ctx.tenant_base(&tenant.slug, Some(&tenant.slug));
    let main = html! {
        h1 { (tenant.name) }
        section aria-labelledby="tin-bai" {
            h2 id="tin-bai" { "Tin bài" }
            (item_list(ctx, items, Some(&tenant.slug), false))
        }
    };
    let title = format!(
        "{} — Cổng Thông tin điện tử tỉnh {}",
        tenant.name, ctx.province_name
    );
    let home = format!("{base}/");
    layout(ctx, &title, &tenant.name, &home, true, None, main).into_string()
}

/// Labels of a record's fields, in the category's order: (field name, label).
pub type RecordLabels<'a> = &'a [(String, String)];

/// A structured record as a readable two-column table, fields in the category's order (then
/// any others). Table-valued fields (JSON arrays of objects) become nested tables.
fn record_table(
    record: &std::collections::BTreeMap<String, String>,
    labels: RecordLabels,
) -> Markup {
    let mut order: Vec<(&str, &str)> = labels
        .iter()
        .filter(|(name, _)| record.contains_key(name))
        .map(|(n, l)| (n.as_str(), l.as_str()))
        .collect();
    for k in record.keys() {
        if !labels.iter().any(|(n, _)| n == k) {
            order.push((k.as_str(), k.as_str()));
        }
    }
    html! {
        table.record {
            caption { "Thông tin chi tiết" }
            tbody {
                @for (name, label) in order {
                    tr {
                        th scope="row" { (label) }
                        td { (record_value(&record[name])) }
                    }
                }
            }
        }
    }
}

fn record_value(v: &str) -> Markup {
    let rows: Option<Vec<serde_json::Map<String, serde_json::Value>>> = serde_json::from_str(v)
        .ok()
        .filter(|r: &Vec<_>| !r.is_empty());
    let Some(rows) = rows else {
        return html! { (v) };
    };
    let mut cols: Vec<String> = Vec::new();
    for r in &rows {
        for k in r.keys() {
            if !cols.contains(k) {
                cols.push(k.clone());
            }
        }
    }
    let cell = |v: Option<&serde_json::Value>| match v {
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
        None => String::new(),
    };
    html! {
        table {
            thead { tr { @for c in &cols { th scope="col" { (c) } } } }
            tbody { @for r in &rows { tr { @for c in &cols { td { (cell(r.get(c))) } } } } }
        }
    }
}

/// One item: title, date, author and source (Art 9.3), record, body, translation. The body is
/// rendered and sanitised here, on a render thread.
pub fn item_page(ctx: &SiteContext, page: &ItemPage) -> String {
    let tenant = &page.tenant;
    let mut it = page.item.clone();
    let def = page.registry.get(&it.category);
    let labels = record_labels(def, &mut it);
    let category = def.map_or(it.category.clone(), |d| d.name_vi.clone());
    let body_html = portal_core::render::markdown_to_safe_html(&it.body_markdown);
    let (it, labels) = (&it, labels.as_slice());
    let base = ctx.tenant_base(&tenant.slug, Some(&tenant.slug));
    let canonical = ctx.canonical_item(&tenant.slug, &it.external_id);
    let main = html! {
        article lang=(it.language) {
            h1 { (it.title) }
            dl.meta {
                dt { "Ngày đăng" }
                dd { time datetime=(iso_date(it.published_at)) { (format_date(it.published_at)) } }
                dt { "Tác giả" }
                dd { (it.author) }
                dt { "Nguồn" }
                dd {
                    @if let Some(url) = &it.source_url {
                        a href=(url) rel="noopener noreferrer" { (it.source) }
                    } @else {
                        (it.source)
                    }
                }
                dt { "Đơn vị" }
                dd { a href={ (base) "/" } { (tenant.name) } }
                dt { "Chuyên mục" }
                dd { (category) }
            }
            @if let Some(s) = &it.summary { p.summary { strong { (s) } } }
            @if let Some(record) = &it.record {
                (record_table(record, labels))
            }
            div.body { (PreEscaped(&body_html)) }
            @if let Some(t) = &it.translation_id {
                p.translation lang=(if it.language == "vi" { "en" } else { "vi" }) {
                    a href={ (base) "/items/" (t) } hreflang=(if it.language == "vi" { "en" } else { "vi" }) {
                        @if it.language == "vi" { "English version" } @else { "Bản tiếng Việt" }
                    }
                }
            }
            @if it.version > 1 {
                p.history { a href={ (base) "/items/" (it.external_id) "/versions" } { "Lịch sử phiên bản (" (it.version) ")" } }
            }
            @if !it.tags.is_empty() {
                p.tags { "Từ khóa: "
                    @for (i, t) in it.tags.iter().enumerate() {
                        @if i > 0 { ", " }
                        span.tag { (t) }
                    }
                }
            }
        }
    };
    let title = format!("{} — {}", it.title, tenant.name);
    let home = format!("{base}/");
    layout(
        ctx,
        &title,
        &tenant.name,
        &home,
        true,
        Some(&canonical),
        main,
    )
    .into_string()
}

/// A page of an item's history (Art 12), newest first, with links to compare neighbours and
/// to the other pages.
pub fn versions_page(ctx: &SiteContext, h: &History) -> String {
    let (tenant, it) = (&h.tenant, &h.item);
    let base = ctx.tenant_base(&tenant.slug, Some(&tenant.slug));
    let item_href = format!("{base}/items/{}", it.external_id);
    let page_href = |p: u32| format!("{item_href}/versions?page={p}");
    let main = html! {
        h1 { "Lịch sử phiên bản" }
        p { "Bài: " a href=(item_href) { (it.title) } }
        table.versions {
            caption { "Trang " (h.page) " / " (h.pages) " — " (it.version) " phiên bản, mới nhất trước" }
            thead { tr { th scope="col" { "Phiên bản" } th scope="col" { "Thời điểm nhận" } th scope="col" { "Tiêu đề" } th scope="col" { "So sánh" } } }
            tbody {
                @for v in &h.versions {
                    tr {
                        td { (v.version) }
                        td { (format_date(v.created_at)) }
                        td { (v.title) }
                        td {
                            @if v.version > 1 {
                                a href={ (item_href) "/diff/" (v.version - 1) "/" (v.version) } { "với phiên bản " (v.version - 1) }
                            }
                        }
                    }
                }
            }
        }
        @if h.pages > 1 {
            nav.pager aria-label="Các trang lịch sử" {
                @if h.page > 1 { a rel="prev" href=(page_href(h.page - 1)) { "← Mới hơn" } " " }
                @if h.page < h.pages { a rel="next" href=(page_href(h.page + 1)) { "Cũ hơn →" } }
            }
        }
    };
    let title = format!("Lịch sử phiên bản — {}", it.title);
    layout(
        ctx,
        &title,
        &tenant.name,
        &format!("{base}/"),
        true,
        None,
        main,
    )
    .into_string()
}

/// What changed between two versions, line by line.
pub fn diff_page(ctx: &SiteContext, c: &Comparison) -> String {
    use portal_core::diff::{DiffLine, diff_lines};
    let (tenant, it) = (&c.tenant, &c.item);
    let old = (c.old.0, &(c.old.1.clone(), c.old.2.clone()));
    let new = (c.new.0, &(c.new.1.clone(), c.new.2.clone()));
    let base = ctx.tenant_base(&tenant.slug, Some(&tenant.slug));
    let item_href = format!("{base}/items/{}", it.external_id);
    let text = |(title, body): &(String, String)| format!("# {title}\n\n{body}");
    let lines = diff_lines(&text(old.1), &text(new.1));
    let main = html! {
        h1 { "So sánh phiên bản " (old.0) " và " (new.0) }
        p { "Bài: " a href=(item_href) { (it.title) } " · " a href={ (item_href) "/versions" } { "Lịch sử phiên bản" } }
        p.legend { span.del { "− dòng bị bỏ" } " " span.ins { "+ dòng được thêm" } }
        pre.diff {
            @for l in &lines {
                @match l {
                    DiffLine::Same(t) => { span.same { "  " (t) } "\n" }
                    DiffLine::Removed(t) => { del { "− " (t) } "\n" }
                    DiffLine::Added(t) => { ins { "+ " (t) } "\n" }
                }
            }
        }
    };
    let title = format!("So sánh phiên bản — {}", it.title);
    layout(
        ctx,
        &title,
        &tenant.name,
        &format!("{base}/"),
        true,
        None,
        main,
    )
    .into_string()
}

/// A page that does not exist.
pub fn not_found(ctx: &SiteContext) -> String {
    message_page(
        ctx,
        "Không tìm thấy trang",
        "Trang bạn tìm không tồn tại hoặc đã được gỡ bỏ.",
    )
}

/// A page that cannot be shown now (busy, failed to render, limit reached).
pub fn unavailable(ctx: &SiteContext) -> String {
    message_page(
        ctx,
        "Trang tạm thời không hiển thị được",
        "Hệ thống đang bận hoặc trang này không thể hiển thị. Vui lòng thử lại sau.",
    )
}

fn message_page(ctx: &SiteContext, heading: &str, text: &str) -> String {
    let main = html! {
        h1 { (heading) }
        p { (text) " " a href="/" { "Về trang chủ" } }
    };
    let title = format!(
        "{heading} — Cổng Thông tin điện tử tỉnh {}",
        ctx.province_name
    );
    let site = format!("Cổng Thông tin điện tử tỉnh {}", ctx.province_name);
    layout(ctx, &title, &site, "/", false, None, main).into_string()
}

/// Field labels of a record's category, in the category's order; enum values (and table
/// column names) are shown with their Vietnamese labels.
fn record_labels(def: Option<&CategoryDef>, it: &mut ItemView) -> Vec<(String, String)> {
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
fn display_value(ty: &FieldType, v: &str) -> String {
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

/// The one stylesheet: readable type, AA contrast, visible focus.
pub const SITE_CSS: &str = r#"
:root { --ink:#1a1a1a; --muted:#4a4a4a; --brand:#9b1c1c; --bg:#fff; --line:#d0d0d0; }
* { box-sizing: border-box; }
body { margin:0; font: 17px/1.6 system-ui, "Segoe UI", Roboto, "Noto Sans", Arial, sans-serif; color:var(--ink); background:var(--bg); }
a { color:#0b4f8a; } a:focus-visible { outline:3px solid #f2a900; outline-offset:2px; }
.skip { position:absolute; left:-999px; top:0; background:#fff; padding:.5em 1em; }
.skip:focus { left:1em; z-index:10; }
header.site { background:var(--brand); color:#fff; padding:.75em 1.25em; }
header.site a { color:#fff; }
.site-name { font-size:1.3em; font-weight:700; margin:0; }
nav ul { list-style:none; margin:.25em 0 0; padding:0; display:flex; gap:1.5em; flex-wrap:wrap; }
main { max-width:52em; margin:0 auto; padding:1em 1.25em 3em; }
main:focus { outline:none; }
h1 { font-size:1.7em; line-height:1.3; }
ul.items { list-style:none; padding:0; }
ul.items li { border-bottom:1px solid var(--line); padding:.6em 0; }
ul.items h3 { margin:0; font-size:1.1em; }
.meta { color:var(--muted); font-size:.92em; }
dl.meta { display:grid; grid-template-columns:max-content 1fr; gap:.2em 1em; }
dl.meta dt { font-weight:600; } dl.meta dd { margin:0; }
.body table { border-collapse:collapse; } .body td, .body th { border:1px solid var(--line); padding:.3em .6em; }
.body img { max-width:100%; height:auto; }
table.versions { border-collapse:collapse; } table.versions td, table.versions th { border:1px solid var(--line); padding:.3em .6em; text-align:left; }
table.record { border-collapse:collapse; margin:1em 0; width:100%; } table.record caption { text-align:left; font-weight:700; padding:.3em 0; }
table.record th, table.record td { border:1px solid var(--line); padding:.35em .6em; text-align:left; vertical-align:top; }
table.record th[scope=row] { width:30%; background:#f6f6f6; }
nav.pager { margin:1em 0; } nav.pager a { margin-right:1.5em; }
pre.diff { white-space:pre-wrap; border:1px solid var(--line); padding:.75em; font-size:.92em; }
pre.diff del { background:#fde2e2; color:#7a0b0b; text-decoration:none; display:inline; }
pre.diff ins { background:#dcf5dc; color:#0b4a0b; text-decoration:none; display:inline; }
.legend .del { background:#fde2e2; color:#7a0b0b; padding:0 .3em; } .legend .ins { background:#dcf5dc; color:#0b4a0b; padding:0 .3em; }
footer.site { border-top:1px solid var(--line); color:var(--muted); padding:1em 1.25em; text-align:center; }
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_values_read_the_vietnamese_way() {
        assert_eq!(display_value(&FieldType::Date, "2024-10-01"), "01/10/2024");
        assert_eq!(display_value(&FieldType::Integer, "46500000"), "46.500.000");
        assert_eq!(display_value(&FieldType::Decimal, "1250.5"), "1.250,5");
        assert_eq!(display_value(&FieldType::Decimal, "-999"), "-999");
        assert_eq!(display_value(&FieldType::Text, "2024-10-01"), "2024-10-01");
    }
}
