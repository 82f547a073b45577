//! Open data: a record table's rows as CSV (UTF-8 with a byte-order mark, so that Excel reads
//! the diacritics; CRLF lines; RFC 4180 quoting) and as JSON (stored values, for programs).
//! The CSV has the columns of the page's table with the same text in each cell, then the
//! item's address; the JSON has every field of each record as stored.

use portal_core::category::{FieldDef, FieldType};
use portal_store::ItemView;
use serde_json::{Value, json};

use super::category::columns;
use super::{SiteContext, record};
use crate::service::catalog::Export;
use crate::web::i18n::{Lang, Msg};

/// The text of one field in the CSV: as the table shows it, media as their address.
fn csv_text(ctx: &SiteContext, f: &FieldDef, row: &ItemView) -> String {
    let Some(v) = row.record.as_ref().and_then(|r| r.get(&f.name)) else {
        return String::new();
    };
    match f.ty {
        FieldType::Media => ctx.canonical(None, Lang::Vi, &format!("/media/{v}")),
        _ => record::text(ctx, f, v),
    }
}

/// One CSV field: quoted when it must be, and never a formula when opened in a spreadsheet
/// (text starting with `=`, `+`, `-` or `@` that is not a number gets a leading `'`).
fn csv_field(out: &mut String, text: &str) {
    let is_number =
        text.parse::<f64>().is_ok() || text.replace(['.', ','], "").parse::<i64>().is_ok();
    let guarded;
    let text = if !is_number && text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        guarded = format!("'{text}");
        guarded.as_str()
    } else {
        text
    };
    if text.contains([',', '"', '\n', '\r']) {
        out.push('"');
        out.push_str(&text.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(text);
    }
}

fn csv_line(out: &mut String, cells: &[String]) {
    for (i, c) in cells.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        csv_field(out, c);
    }
    out.push_str("\r\n");
}

fn item_url(ctx: &SiteContext, row: &ItemView) -> String {
    ctx.canonical(
        Some(&row.tenant_slug),
        ctx.lang,
        &format!("/items/{}", row.external_id),
    )
}

/// The rows as CSV, with the byte-order mark.
pub fn export_csv(ctx: &SiteContext, e: &Export) -> String {
    let cols = columns(&e.category);
    let on_province = e.tenant.is_none();
    let mut out = String::from("\u{feff}");
    let mut header = vec![ctx.t(Msg::Title).to_string()];
    if on_province {
        header.push(ctx.t(Msg::Unit).to_string());
    }
    header.extend(cols.iter().map(|f| record::label(ctx, f).to_string()));
    header.push("URL".into());
    csv_line(&mut out, &header);
    for row in &e.rows {
        let mut cells = vec![row.title.clone()];
        if on_province {
            cells.push(row.tenant_name.clone());
        }
        cells.extend(cols.iter().map(|f| csv_text(ctx, f, row)));
        cells.push(item_url(ctx, row));
        csv_line(&mut out, &cells);
    }
    out
}

/// The rows as JSON: the category, its fields, and each row with its stored values.
pub fn export_json(ctx: &SiteContext, e: &Export) -> String {
    let def = &e.category;
    let fields: Vec<Value> = def
        .fields
        .iter()
        .map(|f| {
            json!({
                "name": f.name,
                "label_vi": f.label_vi,
                "label_en": f.label_en,
                "type": serde_json::to_value(f.ty).unwrap_or(Value::Null),
            })
        })
        .collect();
    let rows: Vec<Value> = e
        .rows
        .iter()
        .map(|r| {
            json!({
                "id": r.external_id,
                "url": item_url(ctx, r),
                "title": r.title,
                "unit": r.tenant_name,
                "unit_slug": r.tenant_slug,
                "language": r.language,
                "published_at": r.published_at.to_rfc3339(),
                "record": r.record.clone().unwrap_or_default(),
            })
        })
        .collect();
    let doc = json!({
        "category": def.code,
        "name_vi": def.name_vi,
        "name_en": def.name_en,
        "site": e.tenant.as_ref().map_or(ctx.config.domain.clone(), |t| format!("{}.{}", t.slug, ctx.config.domain)),
        "total": e.total,
        "part": e.part,
        "parts": e.parts,
        "fields": fields,
        "rows": rows,
    });
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_else(|_| "{}".into());
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(text: &str) -> String {
        let mut s = String::new();
        csv_field(&mut s, text);
        s
    }

    #[test]
    fn csv_fields_are_quoted_and_never_formulas() {
        assert_eq!(field("Cầu Rạch Miễu"), "Cầu Rạch Miễu");
        assert_eq!(field("a, b"), "\"a, b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("line\nbreak"), "\"line\nbreak\"");
        assert_eq!(field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(field("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(field("-999"), "-999");
        assert_eq!(field("-1.250,5"), "\"-1.250,5\"");
    }
}
