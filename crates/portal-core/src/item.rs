//! Items: what a component portal publishes, how the hub checks it, and its publication state.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::text::{normalize_block, normalize_line};

/// One problem with one field, reported back to the agent as it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub reason: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            reason: reason.into(),
        }
    }
}

impl std::fmt::Display for FieldError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field, self.reason)
    }
}

/// An item as received, before any check. Times are unix milliseconds (0 = missing).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ItemDraft {
    pub id: String,
    pub title: String,
    pub category: String,
    pub language: String,
    pub author: String,
    pub source: String,
    pub source_url: String,
    pub published_at_ms: i64,
    pub summary: String,
    pub tags: Vec<String>,
    pub body_markdown: String,
    /// Id of the same content in the other language (Art 4.4), if any.
    pub translation_id: String,
    /// Fields of a structured record (category of kind record), as text values.
    pub record: BTreeMap<String, String>,
    /// What the sender already did to the text (e.g. the agent converted a TCVN3 file).
    pub notes: Vec<String>,
}

/// An item that passed validation, normalised; this is what the store keeps as a version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NormalizedItem {
    pub id: String,
    pub title: String,
    pub category: String,
    pub language: String,
    pub author: String,
    pub source: String,
    pub source_url: Option<String>,
    pub published_at_ms: i64,
    pub summary: Option<String>,
    pub tags: Vec<String>,
    /// The body as sent, normalised. Pages show it through `render::markdown_to_safe_html` when
    /// they are built, so no HTML is stored and a sanitiser fix reaches every version.
    pub body_markdown: String,
    /// SHA-256 (hex) of the normalised content: equal content, equal hash.
    pub content_hash: String,
    /// Uploaded media the body refers to (`media:<sha256>`); they must exist on the hub.
    pub media: Vec<String>,
    pub translation_id: Option<String>,
    /// The validated, normalised record, for categories of kind record.
    pub record: Option<BTreeMap<String, String>>,
    /// What normalisation did that an editor should know (e.g. a legacy encoding converted).
    pub notes: Vec<String>,
}

/// Where an item stands on its tenant's own site.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PublicationState {
    Published,
    Withdrawn,
}

impl PublicationState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Published => "published",
            Self::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Published, Self::Withdrawn]
            .into_iter()
            .find(|v| v.as_str() == s)
    }
}

/// Where an item stands for the provincial portal, which needs Editorial Board review (Art 9.4).
/// Until the review workflow exists the hub's policy approves on acceptance, but the state is
/// stored for every item so review adds behaviour, not meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProvinceReview {
    Pending,
    Approved,
    Rejected,
}

impl ProvinceReview {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Approved => "approved",
            Self::Rejected => "rejected",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Pending, Self::Approved, Self::Rejected]
            .into_iter()
            .find(|v| v.as_str() == s)
    }
}

pub const MAX_ID: usize = 128;
pub const MAX_TITLE: usize = 500;
pub const MAX_NAME: usize = 300;
pub const MAX_URL: usize = 2000;
pub const MAX_SUMMARY: usize = 4000;
pub const MAX_TAGS: usize = 30;
pub const MAX_TAG: usize = 64;
pub const MAX_BODY_BYTES: usize = 1024 * 1024;
pub const MAX_NOTES: usize = 10;
/// 1945-09-02: nothing the provincial portal republishes predates the state.
const MIN_PUBLISHED_MS: i64 = -767_836_800_000;
const MAX_FUTURE_MS: i64 = 86_400_000;

/// An item id is part of a URL path: lower-case ASCII letters, digits, '-' and '_'.
pub fn validate_item_id(id: &str) -> Result<(), FieldError> {
    if id.is_empty() {
        return Err(FieldError::new("id", "is required"));
    }
    if id.len() > MAX_ID {
        return Err(FieldError::new(
            "id",
            format!("is longer than {MAX_ID} characters"),
        ));
    }
    if !id
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
    {
        return Err(FieldError::new(
            "id",
            "may contain only lower-case a-z, 0-9, '-' and '_'",
        ));
    }
    Ok(())
}

fn token_ok(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

fn required_line(
    errors: &mut Vec<FieldError>,
    field: &str,
    value: &str,
    max_chars: usize,
) -> String {
    let v = normalize_line(value);
    if v.is_empty() {
        errors.push(FieldError::new(field, "is required"));
    } else if v.chars().count() > max_chars {
        errors.push(FieldError::new(
            field,
            format!("is longer than {max_chars} characters"),
        ));
    }
    v
}

impl ItemDraft {
    /// Checks and normalises a draft. `now_ms` bounds `published_at` (a day of clock skew is
    /// tolerated). Every problem is reported, not just the first. Text that arrived in a legacy
    /// Vietnamese encoding (TCVN3, VNI, mis-decoded as Windows-1252/Latin-1) is converted first
    /// and the conversion noted.
    pub fn validate(&self, now_ms: i64) -> Result<NormalizedItem, Vec<FieldError>> {
        let mut notes: Vec<String> = self
            .notes
            .iter()
            .take(MAX_NOTES)
            .map(|n| normalize_line(n).chars().take(300).collect())
            .collect();
        let repaired = self.repair_legacy(&mut notes);
        let this = repaired.as_ref().unwrap_or(self);
        this.validate_unicode(now_ms, notes)
    }

    /// A copy with legacy-encoded fields converted, or `None` when nothing needed it.
    fn repair_legacy(&self, notes: &mut Vec<String>) -> Option<ItemDraft> {
        let mut copy: Option<ItemDraft> = None;
        let mut fix = |field: &str, value: &str| -> Option<String> {
            // Plain ASCII cannot be mis-decoded Vietnamese, and a letter beyond Latin-1 (such as
            // ế, ư, đ) proves genuine Unicode: skip the detector in these common cases.
            // (U+2000..=U+2212 holds Windows-1252 punctuation and the TCVN3 "−", so it proves nothing.)
            if value.is_ascii()
                || value
                    .chars()
                    .any(|c| matches!(c as u32, 0x100..=0x1FFF | 0x2213..))
            {
                return None;
            }
            let (fixed, conv) = crate::legacy::repair_text(value)?;
            notes.push(format!("{field}: {}", conv.describe()));
            Some(fixed)
        };
        let d = self;
        let mut set = |f: &mut dyn FnMut(&mut ItemDraft)| f(copy.get_or_insert_with(|| d.clone()));
        for (name, value) in [
            ("title", &d.title),
            ("author", &d.author),
            ("source", &d.source),
            ("summary", &d.summary),
            ("body", &d.body_markdown),
        ] {
            if let Some(fixed) = fix(name, value) {
                set(&mut |c: &mut ItemDraft| match name {
                    "title" => c.title = fixed.clone(),
                    "author" => c.author = fixed.clone(),
                    "source" => c.source = fixed.clone(),
                    "summary" => c.summary = fixed.clone(),
                    _ => c.body_markdown = fixed.clone(),
                });
            }
        }
        for (i, tag) in d.tags.iter().enumerate() {
            if let Some(fixed) = fix(&format!("tags[{i}]"), tag) {
                set(&mut |c: &mut ItemDraft| c.tags[i] = fixed.clone());
            }
        }
        for (k, v) in &d.record {
            if let Some(fixed) = fix(&format!("record.{k}"), v) {
                set(&mut |c: &mut ItemDraft| {
                    c.record.insert(k.clone(), fixed.clone());
                });
            }
        }
        copy
    }

    fn validate_unicode(
        &self,
        now_ms: i64,
        notes: Vec<String>,
    ) -> Result<NormalizedItem, Vec<FieldError>> {
        let mut errors = Vec::new();
        if let Err(e) = validate_item_id(&self.id) {
            errors.push(e);
        }
        let title = required_line(&mut errors, "title", &self.title, MAX_TITLE);
        let category = self.category.trim().to_string();
        if category.is_empty() {
            errors.push(FieldError::new("category", "is required"));
        } else if !token_ok(&category) {
            errors.push(FieldError::new(
                "category",
                "must be a category code (a-z, 0-9, '-', '_')",
            ));
        }
        let language = self.language.trim().to_ascii_lowercase();
        match language.as_str() {
            "vi" | "en" => {}
            "" => errors.push(FieldError::new("language", "is required (vi or en)")),
            other => errors.push(FieldError::new(
                "language",
                format!("{other:?} is not supported (vi or en)"),
            )),
        }
        let author = required_line(&mut errors, "author", &self.author, MAX_NAME);
        let source = required_line(&mut errors, "source", &self.source, MAX_NAME);
        let source_url = normalize_line(&self.source_url);
        let source_url = if source_url.is_empty() {
            None
        } else {
            if source_url.len() > MAX_URL {
                errors.push(FieldError::new(
                    "source_url",
                    format!("is longer than {MAX_URL} characters"),
                ));
            } else if !(source_url.starts_with("https://") || source_url.starts_with("http://"))
                || source_url.contains(char::is_whitespace)
            {
                errors.push(FieldError::new(
                    "source_url",
                    "must be an http:// or https:// URL",
                ));
            }
            Some(source_url)
        };
        if self.published_at_ms == 0 {
            errors.push(FieldError::new("published_at", "is required"));
        } else if self.published_at_ms < MIN_PUBLISHED_MS {
            errors.push(FieldError::new("published_at", "is before 1945-09-02"));
        } else if self.published_at_ms > now_ms + MAX_FUTURE_MS {
            errors.push(FieldError::new(
                "published_at",
                "is more than a day in the future",
            ));
        }
        let summary = normalize_block(&self.summary);
        if summary.chars().count() > MAX_SUMMARY {
            errors.push(FieldError::new(
                "summary",
                format!("is longer than {MAX_SUMMARY} characters"),
            ));
        }
        let summary = (!summary.is_empty()).then_some(summary);
        if self.tags.len() > MAX_TAGS {
            errors.push(FieldError::new(
                "tags",
                format!("has more than {MAX_TAGS} tags"),
            ));
        }
        let mut tags: Vec<String> = Vec::with_capacity(self.tags.len());
        for (i, tag) in self.tags.iter().enumerate() {
            let t = normalize_line(tag);
            if t.is_empty() || t.chars().count() > MAX_TAG {
                errors.push(FieldError::new(
                    format!("tags[{i}]"),
                    format!("must be 1 to {MAX_TAG} characters"),
                ));
            } else if !tags.contains(&t) {
                tags.push(t);
            }
        }
        if self.body_markdown.len() > MAX_BODY_BYTES {
            errors.push(FieldError::new(
                "body",
                format!("is larger than {MAX_BODY_BYTES} bytes"),
            ));
        }
        let body_markdown = normalize_block(&self.body_markdown);
        if body_markdown.trim().is_empty() && self.record.is_empty() {
            errors.push(FieldError::new(
                "body",
                "is required (or a record for structured categories)",
            ));
        }
        let translation_id = match self.translation_id.trim() {
            "" => None,
            t if t == self.id => {
                errors.push(FieldError::new("translation_id", "must name another item"));
                None
            }
            t => match validate_item_id(t) {
                Ok(()) => Some(t.to_string()),
                Err(e) => {
                    errors.push(FieldError::new("translation_id", e.reason));
                    None
                }
            },
        };
        let mut record = BTreeMap::new();
        for (k, v) in &self.record {
            if k.is_empty() || k.len() > 64 || !token_ok(k) {
                errors.push(FieldError::new(
                    format!("record.{k}"),
                    "is not a field name (a-z, 0-9, '_', '-')",
                ));
            } else if v.len() > MAX_BODY_BYTES {
                errors.push(FieldError::new(
                    format!("record.{k}"),
                    format!("is larger than {MAX_BODY_BYTES} bytes"),
                ));
            } else {
                record.insert(k.clone(), normalize_block(v));
            }
        }
        let media = match crate::media::media_refs(&body_markdown) {
            Ok(refs) => refs.into_iter().map(|r| r.sha256).collect(),
            Err(e) => {
                errors.extend(e);
                Vec::new()
            }
        };
        crate::markdown_limits::push_body_errors(&body_markdown, &mut errors);
        if !errors.is_empty() {
            return Err(errors);
        }
        let mut item = NormalizedItem {
            id: self.id.clone(),
            title,
            category,
            language,
            author,
            source,
            source_url,
            published_at_ms: self.published_at_ms,
            summary,
            tags,
            body_markdown,
            content_hash: String::new(),
            media,
            translation_id,
            record: (!record.is_empty()).then_some(record),
            notes,
        };
        item.content_hash = item.compute_hash();
        Ok(item)
    }
}

impl NormalizedItem {
    /// Recomputes the content hash after a later step changed a field (e.g. the record was
    /// normalised against its category).
    pub fn rehash(&mut self) {
        self.content_hash = self.compute_hash();
    }

    /// Hash of every field a reader can see, in a fixed order with lengths, so that no two
    /// different contents share a hash input.
    fn compute_hash(&self) -> String {
        let mut h = Sha256::new();
        let mut field = |s: &str| {
            h.update((s.len() as u64).to_le_bytes());
            h.update(s.as_bytes());
        };
        field(&self.id);
        field(&self.title);
        field(&self.category);
        field(&self.language);
        field(&self.author);
        field(&self.source);
        field(self.source_url.as_deref().unwrap_or(""));
        field(&self.published_at_ms.to_string());
        field(self.summary.as_deref().unwrap_or(""));
        field(&self.tags.len().to_string());
        for t in &self.tags {
            field(t);
        }
        field(&self.body_markdown);
        field(self.translation_id.as_deref().unwrap_or(""));
        let record = self.record.as_ref();
        field(&record.map_or(0, BTreeMap::len).to_string());
        for (k, v) in record.into_iter().flatten() {
            field(k);
            field(v);
        }
        hex::encode(h.finalize())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn good() -> ItemDraft {
        ItemDraft {
            id: "tin-2024-001".into(),
            title: "Hội nghị xúc tiến đầu tư tỉnh Bến Tre".into(),
            category: "news".into(),
            language: "vi".into(),
            author: "Nguyễn Văn A".into(),
            source: "Sở Kế hoạch và Đầu tư".into(),
            source_url: "https://skhdt.bentre.gov.vn/tin/1".into(),
            published_at_ms: 1_700_000_000_000,
            summary: "Tóm tắt".into(),
            tags: vec!["đầu tư".into(), "đầu tư".into()],
            body_markdown: "Nội dung **chính**.".into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_good_item_is_normalised_and_hashed() {
        let item = good().validate(1_800_000_000_000).unwrap();
        assert_eq!(item.tags, vec!["đầu tư".to_string()]);
        assert_eq!(item.body_markdown, "Nội dung **chính**.");
        assert_eq!(item.content_hash.len(), 64);
        let again = good().validate(1_800_000_000_000).unwrap();
        assert_eq!(item.content_hash, again.content_hash);
        let mut changed = good();
        changed.title.push('!');
        assert_ne!(
            changed.validate(1_800_000_000_000).unwrap().content_hash,
            item.content_hash
        );
    }

    #[test]
    fn every_problem_is_reported_with_its_field() {
        let draft = ItemDraft {
            id: "Bad Id".into(),
            language: "fr".into(),
            source_url: "javascript:alert(1)".into(),
            published_at_ms: 0,
            ..Default::default()
        };
        let errors = draft.validate(1_800_000_000_000).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        for f in [
            "id",
            "title",
            "category",
            "language",
            "author",
            "source",
            "source_url",
            "published_at",
            "body",
        ] {
            assert!(fields.contains(&f), "missing {f} in {fields:?}");
        }
    }

    #[test]
    fn legacy_text_is_converted_and_noted() {
        // "Ủy ban nhân dân tỉnh Bến Tre" typed in VNI and read as Windows-1252.
        let mut d = good();
        d.title = "UÛy ban nhaân daân tænh Beán Tre".into();
        let item = d.validate(1_800_000_000_000).unwrap();
        assert_eq!(item.title, "Ủy ban nhân dân tỉnh Bến Tre");
        assert_eq!(item.notes.len(), 1, "{:?}", item.notes);
        assert!(
            item.notes[0].starts_with("title: converted from VNI"),
            "{:?}",
            item.notes
        );
        // Genuine Unicode is left alone and noted nowhere.
        assert!(good().validate(1_800_000_000_000).unwrap().notes.is_empty());
    }

    #[test]
    fn future_dates_are_refused() {
        let mut d = good();
        d.published_at_ms = 1_800_000_000_000 + 2 * 86_400_000;
        let e = d.validate(1_800_000_000_000).unwrap_err();
        assert_eq!(e[0].field, "published_at");
    }
}
