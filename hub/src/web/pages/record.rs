//! How the values of structured records read: dates and numbers the way readers of the page's
//! language write them, enum codes by their labels, media and links as links, table fields as
//! nested tables. The same text goes into the HTML tables and the CSV export, so a download
//! reads like the page.

use std::collections::BTreeMap;

use maud::{Markup, html};
use portal_core::category::{CategoryDef, FieldDef, FieldType};

use super::SiteContext;
use crate::web::i18n::{Lang, Msg};

/// A field's label in the page's language.
pub(super) fn label<'a>(ctx: &SiteContext, f: &'a FieldDef) -> &'a str {
    match ctx.lang {
        Lang::Vi => &f.label_vi,
        Lang::En => &f.label_en,
    }
}

/// The label of an enum value (its code when the registry gives none).
pub(super) fn enum_label(ctx: &SiteContext, f: &FieldDef, code: &str) -> String {
    let labels = match ctx.lang {
        Lang::Vi => &f.allowed_labels_vi,
        Lang::En => &f.allowed_labels_en,
    };
    labels
        .get(code)
        .or_else(|| f.allowed_labels_vi.get(code))
        .cloned()
        .unwrap_or_else(|| code.replace('_', " "))
}

/// A value as text: dates (01/10/2024), numbers grouped (46.500.000 / 46,500,000), enum labels,
/// booleans in words; anything else as stored.
pub(super) fn text(ctx: &SiteContext, f: &FieldDef, v: &str) -> String {
    match f.ty {
        FieldType::Enum => enum_label(ctx, f, v),
        FieldType::Boolean => match v {
            "true" => ctx.t(Msg::Yes).into(),
            "false" => ctx.t(Msg::No).into(),
            _ => v.to_string(),
        },
        FieldType::Date => chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d")
            .map(|d| ctx.date(d))
            .unwrap_or_else(|_| v.to_string()),
        FieldType::Integer | FieldType::Decimal => number(v, ctx.lang),
        _ => v.to_string(),
    }
}

/// Digits grouped by thousands: `.` and `,` in Vietnamese, `,` and `.` in English.
fn number(v: &str, lang: Lang) -> String {
    let (group, point) = match lang {
        Lang::Vi => ('.', ','),
        Lang::En => (',', '.'),
    };
    let (sign, digits) = v.strip_prefix('-').map_or(("", v), |d| ("-", d));
    let (int, frac) = digits
        .split_once('.')
        .map_or((digits, None), |(i, f)| (i, Some(f)));
    if int.is_empty() || !int.bytes().all(|b| b.is_ascii_digit()) {
        return v.to_string();
    }
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(group);
        }
        grouped.push(c);
    }
    match frac {
        Some(f) => format!("{sign}{grouped}{point}{f}"),
        None => format!("{sign}{grouped}"),
    }
}

/// A value as markup: links for media, URLs and e-mail addresses, nested tables for table
/// fields, text otherwise.
pub(super) fn value(ctx: &SiteContext, f: &FieldDef, v: &str) -> Markup {
    match f.ty {
        FieldType::Media if portal_core::media::is_sha256_hex(v) => html! {
            a href={ "/media/" (v) } { (ctx.t(Msg::DownloadFile)) }
        },
        FieldType::Url if v.starts_with("https://") || v.starts_with("http://") => html! {
            a href=(v) rel="noopener noreferrer" { (v) }
        },
        FieldType::Email => html! { a href={ "mailto:" (v) } { (v) } },
        FieldType::Table => table_value(ctx, f, v),
        // A value the registry labels only in Vietnamese reads as Vietnamese on English pages.
        FieldType::Enum
            if ctx.lang == Lang::En
                && !f.allowed_labels_en.contains_key(v)
                && f.allowed_labels_vi.contains_key(v) =>
        {
            html! {
                span lang="vi" { (enum_label(ctx, f, v)) }
            }
        }
        _ => html! { (text(ctx, f, v)) },
    }
}

fn table_value(ctx: &SiteContext, f: &FieldDef, v: &str) -> Markup {
    let Ok(rows) = serde_json::from_str::<Vec<serde_json::Map<String, serde_json::Value>>>(v)
    else {
        return html! { (v) };
    };
    let cell =
        |c: &FieldDef, row: &serde_json::Map<String, serde_json::Value>| match row.get(&c.name) {
            Some(serde_json::Value::String(s)) => value(ctx, c, s),
            Some(other) => html! { (other.to_string()) },
            None => html! {},
        };
    html! {
        table.nested {
            caption { (label(ctx, f)) }
            thead { tr { @for c in &f.columns { th scope="col" { (label(ctx, c)) } } } }
            tbody { @for r in &rows { tr { @for c in &f.columns { td { (cell(c, r)) } } } } }
        }
    }
}

/// A record on its item's page: a two-column table of labels and values in the category's
/// order (fields the category does not define come last, by name).
pub(super) fn details(
    ctx: &SiteContext,
    def: Option<&CategoryDef>,
    record: &BTreeMap<String, String>,
    caption: &str,
) -> Markup {
    let known: Vec<&FieldDef> = def
        .map(|d| {
            d.fields
                .iter()
                .filter(|f| record.contains_key(&f.name))
                .collect()
        })
        .unwrap_or_default();
    let others: Vec<(&String, &String)> = record
        .iter()
        .filter(|(k, _)| !known.iter().any(|f| &f.name == *k))
        .collect();
    html! {
        table.record {
            caption { (caption) }
            tbody {
                @for f in &known {
                    tr {
                        th scope="row" { (label(ctx, f)) }
                        td { (value(ctx, f, &record[&f.name])) }
                    }
                }
                @for (k, v) in &others {
                    tr { th scope="row" { (k) } td { (v) } }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_the_way_each_language_writes_them() {
        assert_eq!(number("46500000", Lang::Vi), "46.500.000");
        assert_eq!(number("1250.5", Lang::Vi), "1.250,5");
        assert_eq!(number("1250.5", Lang::En), "1,250.5");
        assert_eq!(number("-999", Lang::Vi), "-999");
        assert_eq!(number("abc", Lang::Vi), "abc");
        assert_eq!(number("", Lang::Vi), "");
    }
}
