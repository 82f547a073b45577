//! What an outbox entry asks the hub to do, in the outbox's own stored format.
//!
//! An entry may wait in the outbox across an upgrade of the agent (a hub outage of days, a
//! machine switched off), so what is stored is a versioned format of the outbox's own, never
//! a serialisation of a domain type that may change under it: format 1 is [`Entry`], with
//! every field required and no unknown field allowed. Format 0 is what agents wrote before
//! the outbox had a format (a publication was the JSON of the `ItemDraft` of that time, a
//! withdrawal its reason as text, a medium `{"path", "size"}`), read with a type frozen to that
//! shape ([`DraftV0`]). An entry that cannot be read exactly is never changed or dropped
//! silently: the caller parks it, with the reason, where `portal-agent status` shows it.

use std::collections::BTreeMap;

use portal_core::ItemDraft;
use serde::{Deserialize, Serialize};

/// The format new entries are written in.
pub const CURRENT_FORMAT: i32 = 1;

/// An entry of the outbox (format 1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Entry {
    Publish { item: ItemV1 },
    Withdraw { item_id: String, reason: String },
    Media { sha256: String, path: String, size: i64 },
}

/// The kind of an entry, as the `kind` column stores it (batches never mix kinds).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    Publish,
    Withdraw,
    Media,
}

impl EntryKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Publish => "publish",
            Self::Withdraw => "withdraw",
            Self::Media => "media",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Publish, Self::Withdraw, Self::Media]
            .into_iter()
            .find(|k| k.as_str() == s)
    }
}

impl Entry {
    pub fn kind(&self) -> EntryKind {
        match self {
            Entry::Publish { .. } => EntryKind::Publish,
            Entry::Withdraw { .. } => EntryKind::Withdraw,
            Entry::Media { .. } => EntryKind::Media,
        }
    }

    /// The id the entry is about (an item's, or a medium's hash).
    pub fn subject(&self) -> &str {
        match self {
            Entry::Publish { item } => &item.id,
            Entry::Withdraw { item_id, .. } => item_id,
            Entry::Media { sha256, .. } => sha256,
        }
    }

    pub fn publish(d: &ItemDraft) -> Self {
        Entry::Publish {
            item: ItemV1::from(d),
        }
    }

    /// The stored text of this entry in the current format.
    pub fn encode(&self) -> String {
        // Serialising these plain structures cannot fail.
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Reads a stored entry: its format, its `kind` column and its payload.
    pub fn decode(format: i32, kind: &str, subject: &str, payload: &str) -> Result<Self, String> {
        match format {
            1 => {
                let e: Entry = serde_json::from_str(payload)
                    .map_err(|e| format!("format 1 entry cannot be read: {e}"))?;
                if e.kind().as_str() != kind {
                    return Err(format!(
                        "the entry says {:?} but was filed as {kind:?}",
                        e.kind().as_str()
                    ));
                }
                Ok(e)
            }
            0 => decode_v0(kind, subject, payload),
            other => Err(format!(
                "format {other} entry was written by a newer agent; this agent reads formats 0 \
                 and 1"
            )),
        }
    }
}

fn decode_v0(kind: &str, subject: &str, payload: &str) -> Result<Entry, String> {
    match EntryKind::parse(kind) {
        Some(EntryKind::Publish) => {
            let d: DraftV0 = serde_json::from_str(payload)
                .map_err(|e| format!("format 0 publication cannot be read: {e}"))?;
            Ok(Entry::Publish { item: d.into() })
        }
        Some(EntryKind::Withdraw) => Ok(Entry::Withdraw {
            item_id: subject.to_string(),
            reason: payload.to_string(),
        }),
        Some(EntryKind::Media) => {
            #[derive(Deserialize)]
            #[serde(deny_unknown_fields)]
            struct MediaV0 {
                path: String,
                size: i64,
            }
            let m: MediaV0 = serde_json::from_str(payload)
                .map_err(|e| format!("format 0 medium cannot be read: {e}"))?;
            Ok(Entry::Media {
                sha256: subject.to_string(),
                path: m.path,
                size: m.size,
            })
        }
        None => Err(format!("unknown entry kind {kind:?}")),
    }
}

/// An item as format 1 stores it. Times are unix milliseconds (0: not given).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ItemV1 {
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
    pub translation_id: String,
    pub record: BTreeMap<String, String>,
    pub notes: Vec<String>,
}

impl From<&ItemDraft> for ItemV1 {
    fn from(d: &ItemDraft) -> Self {
        let ItemDraft {
            id,
            title,
            category,
            language,
            author,
            source,
            source_url,
            published_at_ms,
            summary,
            tags,
            body_markdown,
            translation_id,
            record,
            notes,
        } = d.clone();
        Self {
            id,
            title,
            category,
            language,
            author,
            source,
            source_url,
            published_at_ms,
            summary,
            tags,
            body_markdown,
            translation_id,
            record,
            notes,
        }
    }
}

impl From<ItemV1> for ItemDraft {
    fn from(i: ItemV1) -> Self {
        ItemDraft {
            id: i.id,
            title: i.title,
            category: i.category,
            language: i.language,
            author: i.author,
            source: i.source,
            source_url: i.source_url,
            published_at_ms: i.published_at_ms,
            summary: i.summary,
            tags: i.tags,
            body_markdown: i.body_markdown,
            translation_id: i.translation_id,
            record: i.record,
            notes: i.notes,
        }
    }
}

/// The `ItemDraft` JSON agents wrote before the outbox had a format, frozen to that shape.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DraftV0 {
    id: String,
    title: String,
    category: String,
    language: String,
    author: String,
    source: String,
    source_url: String,
    published_at_ms: i64,
    summary: String,
    tags: Vec<String>,
    body_markdown: String,
    translation_id: String,
    record: BTreeMap<String, String>,
    notes: Vec<String>,
}

impl From<DraftV0> for ItemV1 {
    fn from(d: DraftV0) -> Self {
        Self {
            id: d.id,
            title: d.title,
            category: d.category,
            language: d.language,
            author: d.author,
            source: d.source,
            source_url: d.source_url,
            published_at_ms: d.published_at_ms,
            summary: d.summary,
            tags: d.tags,
            body_markdown: d.body_markdown,
            translation_id: d.translation_id,
            record: d.record,
            notes: d.notes,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A publication exactly as the agent wrote it before formats existed (format 0: the
    /// JSON of that day's `ItemDraft`), and exactly as format 1 writes it: both read back to the
    /// same item, every field intact.
    const V0_PUBLISH: &str = r#"{"id":"hoi-nghi","title":"Hội nghị xúc tiến đầu tư","category":"news","language":"vi","author":"Nguyễn Thị Mai","source":"Sở Kế hoạch và Đầu tư","source_url":"https://skhdt.bentre.gov.vn/tin/1","published_at_ms":1715650200000,"summary":"Tóm tắt","tags":["đầu tư","xúc tiến"],"body_markdown":"Nội dung **chính**.\n\n![Cầu](media:aaaa)","translation_id":"investment-conference","record":{"capital":"100"},"notes":["file a.md: converted from TCVN3 (ABC) bytes that were not valid UTF-8"]}"#;
    const V1_PUBLISH: &str = r#"{"kind":"publish","item":{"id":"hoi-nghi","title":"Hội nghị xúc tiến đầu tư","category":"news","language":"vi","author":"Nguyễn Thị Mai","source":"Sở Kế hoạch và Đầu tư","source_url":"https://skhdt.bentre.gov.vn/tin/1","published_at_ms":1715650200000,"summary":"Tóm tắt","tags":["đầu tư","xúc tiến"],"body_markdown":"Nội dung **chính**.\n\n![Cầu](media:aaaa)","translation_id":"investment-conference","record":{"capital":"100"},"notes":["file a.md: converted from TCVN3 (ABC) bytes that were not valid UTF-8"]}}"#;

    fn expected() -> ItemDraft {
        ItemDraft {
            id: "hoi-nghi".into(),
            title: "Hội nghị xúc tiến đầu tư".into(),
            category: "news".into(),
            language: "vi".into(),
            author: "Nguyễn Thị Mai".into(),
            source: "Sở Kế hoạch và Đầu tư".into(),
            source_url: "https://skhdt.bentre.gov.vn/tin/1".into(),
            published_at_ms: 1_715_650_200_000,
            summary: "Tóm tắt".into(),
            tags: vec!["đầu tư".into(), "xúc tiến".into()],
            body_markdown: "Nội dung **chính**.\n\n![Cầu](media:aaaa)".into(),
            translation_id: "investment-conference".into(),
            record: [("capital".to_string(), "100".to_string())].into(),
            notes: vec![
                "file a.md: converted from TCVN3 (ABC) bytes that were not valid UTF-8".into(),
            ],
        }
    }

    #[test]
    fn entries_of_every_format_read_back_exactly() {
        for (format, payload) in [(0, V0_PUBLISH), (1, V1_PUBLISH)] {
            match Entry::decode(format, "publish", "hoi-nghi", payload).unwrap() {
                Entry::Publish { item } => assert_eq!(ItemDraft::from(item), expected()),
                other => panic!("{other:?}"),
            }
        }
        // Today's writer writes exactly format 1's text.
        assert_eq!(Entry::publish(&expected()).encode(), V1_PUBLISH);
        assert_eq!(
            Entry::decode(0, "withdraw", "hoi-nghi", "file deleted").unwrap(),
            Entry::Withdraw {
                item_id: "hoi-nghi".into(),
                reason: "file deleted".into()
            }
        );
        assert_eq!(
            Entry::decode(0, "media", "abcd", r#"{"path":"/srv/a.png","size":12}"#).unwrap(),
            Entry::Media {
                sha256: "abcd".into(),
                path: "/srv/a.png".into(),
                size: 12
            }
        );
    }

    #[test]
    fn what_cannot_be_read_exactly_is_an_error_not_a_default() {
        // A field this format does not know (a newer writer), one missing, another format.
        let extra = V1_PUBLISH.replace("\"notes\"", "\"priority\":1,\"notes\"");
        assert!(Entry::decode(1, "publish", "hoi-nghi", &extra).is_err());
        let missing = V0_PUBLISH.replace("\"summary\":\"Tóm tắt\",", "");
        assert!(Entry::decode(0, "publish", "hoi-nghi", &missing).is_err());
        assert!(Entry::decode(2, "publish", "hoi-nghi", V1_PUBLISH).is_err());
        assert!(Entry::decode(1, "withdraw", "hoi-nghi", V1_PUBLISH).is_err());
    }
}
