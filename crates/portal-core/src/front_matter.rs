//! Reading an item from a file as component portals export it: Markdown with a front matter
//! block, YAML between `---` lines or TOML between `+++` lines.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::ItemDraft;

/// Why a file could not be read as an item.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum FrontMatterError {
    #[error("the file does not start with a front matter block (--- YAML --- or +++ TOML +++)")]
    Missing,
    #[error("the front matter block is not closed")]
    Unclosed,
    #[error("front matter is not valid {format}: {message}")]
    Syntax {
        format: &'static str,
        message: String,
    },
    #[error("published_at {0:?} is not a date (use RFC 3339, e.g. 2024-05-01T08:00:00+07:00)")]
    BadDate(String),
}

#[derive(Debug, Default, Deserialize)]
struct Fields {
    id: Option<String>,
    title: Option<String>,
    category: Option<String>,
    language: Option<String>,
    author: Option<String>,
    source: Option<String>,
    source_url: Option<String>,
    published_at: Option<String>,
    summary: Option<String>,
    #[serde(default)]
    tags: Vec<String>,
    /// Id of the same item in the other language.
    translation: Option<String>,
    /// Fields of a structured record; any scalar, or a list/table written as JSON.
    #[serde(default)]
    record: BTreeMap<String, serde_json::Value>,
    /// Body, in JSON item files only (Markdown files carry it after the front matter).
    body: Option<String>,
}

/// Record values as the hub takes them: text; numbers and booleans as written; lists and
/// tables as JSON.
fn record_text(record: BTreeMap<String, serde_json::Value>) -> BTreeMap<String, String> {
    record
        .into_iter()
        .filter(|(_, v)| !v.is_null())
        .map(|(k, v)| {
            let text = match v {
                serde_json::Value::String(s) => s,
                other => other.to_string(),
            };
            (k, text)
        })
        .collect()
}

impl Fields {
    fn into_draft(self, default_id: &str, body: String) -> Result<ItemDraft, FrontMatterError> {
        let published_at_ms = match self.published_at.as_deref() {
            None => 0,
            Some(s) if s.trim().is_empty() => 0,
            Some(s) => parse_date_ms(s).ok_or_else(|| FrontMatterError::BadDate(s.to_string()))?,
        };
        Ok(ItemDraft {
            id: self.id.unwrap_or_else(|| default_id.to_string()),
            title: self.title.unwrap_or_default(),
            category: self.category.unwrap_or_default(),
            language: self.language.unwrap_or_default(),
            author: self.author.unwrap_or_default(),
            source: self.source.unwrap_or_default(),
            source_url: self.source_url.unwrap_or_default(),
            published_at_ms,
            summary: self.summary.unwrap_or_default(),
            tags: self.tags,
            body_markdown: body,
            translation_id: self.translation.unwrap_or_default(),
            record: record_text(self.record),
            notes: Vec::new(),
        })
    }
}

/// Parses a JSON item file: an object with the same keys as the front matter, plus `body`.
/// Structured records usually come this way.
pub fn parse_item_json(text: &str, default_id: &str) -> Result<ItemDraft, FrontMatterError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut fields: Fields = serde_json::from_str(text).map_err(|e| FrontMatterError::Syntax {
        format: "JSON",
        message: e.to_string(),
    })?;
    let body = fields.body.take().unwrap_or_default();
    fields.into_draft(default_id, body)
}

/// Vietnam's offset, used when a date is given without one.
const VN_OFFSET_SECS: i32 = 7 * 3600;

/// Parses a date as RFC 3339, or `YYYY-MM-DD[ HH:MM[:SS]]` in Vietnam time.
pub fn parse_date_ms(s: &str) -> Option<i64> {
    use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, TimeZone};
    let s = s.trim();
    if let Ok(dt) = DateTime::parse_from_rfc3339(s) {
        return Some(dt.timestamp_millis());
    }
    let tz = FixedOffset::east_opt(VN_OFFSET_SECS)?;
    for fmt in ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"] {
        if let Ok(n) = NaiveDateTime::parse_from_str(s, fmt) {
            return tz
                .from_local_datetime(&n)
                .single()
                .map(|d| d.timestamp_millis());
        }
    }
    let d = NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()?;
    tz.from_local_datetime(&d.and_hms_opt(0, 0, 0)?)
        .single()
        .map(|d| d.timestamp_millis())
}

/// Parses a Markdown file with front matter. `default_id` (usually the file name without its
/// extension) is used when the front matter has no `id`.
pub fn parse_item_file(text: &str, default_id: &str) -> Result<ItemDraft, FrontMatterError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let (fence, format) = if text.starts_with("---") {
        ("---", "YAML")
    } else if text.starts_with("+++") {
        ("+++", "TOML")
    } else {
        return Err(FrontMatterError::Missing);
    };
    let after_open = text[3..]
        .strip_prefix("\r\n")
        .or_else(|| text[3..].strip_prefix('\n'))
        .ok_or(FrontMatterError::Missing)?;
    // The block ends at the first line that is exactly the fence.
    let mut offset = 0;
    let mut end = None;
    for line in after_open.split_inclusive('\n') {
        if line.trim_end_matches(['\r', '\n']) == fence {
            end = Some((offset, offset + line.len()));
            break;
        }
        offset += line.len();
    }
    let (block_end, body_start) = end.ok_or(FrontMatterError::Unclosed)?;
    let block = &after_open[..block_end];
    let body = &after_open[body_start..];
    let fields: Fields = if format == "YAML" {
        if block.trim().is_empty() {
            Fields::default()
        } else {
            serde_yaml_ng::from_str(block).map_err(|e| FrontMatterError::Syntax {
                format,
                message: e.to_string(),
            })?
        }
    } else {
        let mut table: toml::Table =
            toml::from_str(block).map_err(|e| FrontMatterError::Syntax {
                format,
                message: e.to_string(),
            })?;
        // TOML has a native date type; the struct wants its text.
        if let Some(toml::Value::Datetime(dt)) = table.get("published_at") {
            let s = dt.to_string();
            table.insert("published_at".into(), toml::Value::String(s));
        }
        Fields::deserialize(table).map_err(|e| FrontMatterError::Syntax {
            format,
            message: e.to_string(),
        })?
    };
    fields.into_draft(default_id, body.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_front_matter() {
        let d = parse_item_file(
            "---\nid: a-1\ntitle: \"Thạnh Phú: mùa nước nổi\"\ncategory: news\nlanguage: vi\nauthor: Trần B\nsource: UBND huyện Thạnh Phú\npublished_at: 2024-05-01T08:00:00+07:00\ntags: [lũ, nông nghiệp]\n---\nNội dung\n",
            "fallback",
        )
        .unwrap();
        assert_eq!(d.id, "a-1");
        assert_eq!(d.title, "Thạnh Phú: mùa nước nổi");
        assert_eq!(d.published_at_ms, 1_714_525_200_000);
        assert_eq!(d.tags.len(), 2);
        assert_eq!(d.body_markdown, "Nội dung\n");
    }

    #[test]
    fn toml_front_matter_with_native_date_and_default_id() {
        let d = parse_item_file(
            "+++\ntitle = \"Đường tỉnh 885\"\npublished_at = 2024-05-01\n+++\nBody",
            "duong-885",
        )
        .unwrap();
        assert_eq!(d.id, "duong-885");
        assert_eq!(d.published_at_ms, 1_714_496_400_000);
        assert_eq!(d.body_markdown, "Body");
    }

    #[test]
    fn records_and_translations_in_front_matter_and_json() {
        let d = parse_item_file(
            "---\nid: du-an-1\ncategory: investment-project\ntranslation: project-1\nrecord:\n  name: Nhà máy điện gió\n  budget: 1250.5\n  communes: [An Thủy, Bảo Thạnh]\n---\n",
            "x",
        )
        .unwrap();
        assert_eq!(d.translation_id, "project-1");
        assert_eq!(d.record["name"], "Nhà máy điện gió");
        assert_eq!(d.record["budget"], "1250.5");
        assert_eq!(d.record["communes"], "[\"An Thủy\",\"Bảo Thạnh\"]");
        let j = parse_item_json(
            r#"{"title": "Dự án", "category": "investment-project", "published_at": "2024-05-01", "record": {"status": "in_progress", "year": 2024}, "body": "Mô tả"}"#,
            "du-an-2",
        )
        .unwrap();
        assert_eq!(j.id, "du-an-2");
        assert_eq!(j.record["year"], "2024");
        assert_eq!(j.body_markdown, "Mô tả");
        assert!(matches!(
            parse_item_json("{", "x"),
            Err(FrontMatterError::Syntax { format: "JSON", .. })
        ));
    }

    #[test]
    fn broken_files_say_why() {
        assert_eq!(
            parse_item_file("no fm", "x"),
            Err(FrontMatterError::Missing)
        );
        assert_eq!(
            parse_item_file("---\ntitle: a\n", "x"),
            Err(FrontMatterError::Unclosed)
        );
        assert!(matches!(
            parse_item_file("---\ntitle: [\n---\n", "x"),
            Err(FrontMatterError::Syntax { .. })
        ));
        assert!(matches!(
            parse_item_file("---\npublished_at: yesterday\n---\n", "x"),
            Err(FrontMatterError::BadDate(_))
        ));
    }
}
