//! The content columns that items and their versions share, declared once.
//!
//! Both ingest backends write them: SQLite as statement parameters, PostgreSQL as the keys of
//! the JSON rows its statements read with `json_to_recordset`. Both take the names, types and
//! values from the one list below, so adding a column is one line here plus a migration.

use portal_core::NormalizedItem;
use serde::Serialize;

macro_rules! content_columns {
    (
        ($item:ident, $tags:ident, $record:ident);
        $($name:ident : $ty:ty, $pg:literal = $value:expr;)+
    ) => {
        /// The content columns of one item or version row; serialised, the keys are the
        /// columns' names.
        #[derive(Serialize)]
        pub(crate) struct Content<'a> {
            $(pub(crate) $name: $ty,)+
        }

        impl<'a> Content<'a> {
            /// Column names, in declaration order.
            pub(crate) const NAMES: &'static [&'static str] = &[$(stringify!($name)),+];
            /// Their PostgreSQL types, for `json_to_recordset` column lists.
            pub(crate) const PG_TYPES: &'static [&'static str] = &[$($pg),+];

            pub(crate) fn of(
                $item: &'a NormalizedItem,
                $tags: &'a str,
                $record: Option<&'a str>,
            ) -> Self {
                Self { $($name: $value,)+ }
            }

            /// The values in the order of [`Self::NAMES`], as statement parameters.
            pub(crate) fn push_params<'s>(&'s self, out: &mut Vec<&'s dyn rusqlite::ToSql>) {
                $(out.push(&self.$name);)+
            }
        }
    };
}

content_columns! {
    (it, tags, record);
    content_hash: &'a str, "text" = &it.content_hash;
    category: &'a str, "text" = &it.category;
    language: &'a str, "text" = &it.language;
    title: &'a str, "text" = &it.title;
    summary: Option<&'a str>, "text" = it.summary.as_deref();
    author: &'a str, "text" = &it.author;
    source: &'a str, "text" = &it.source;
    source_url: Option<&'a str>, "text" = it.source_url.as_deref();
    published_at: i64, "bigint" = it.published_at_ms;
    tags: &'a str, "text" = tags;
    translation_id: Option<&'a str>, "text" = it.translation_id.as_deref();
    record: Option<&'a str>, "text" = record;
}

/// `a, b, c` of the content columns.
pub(crate) fn names() -> String {
    Content::NAMES.join(", ")
}

/// `a text, b bigint, ...` of the content columns, for a `json_to_recordset` column list.
pub(crate) fn pg_record_types() -> String {
    Content::NAMES
        .iter()
        .zip(Content::PG_TYPES)
        .map(|(n, t)| format!("{n} {t}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `?{from}, ?{from+1}, ...` for as many content columns as there are.
pub(crate) fn sqlite_placeholders(from: usize) -> String {
    (from..from + Content::NAMES.len())
        .map(|i| format!("?{i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_types_and_values_line_up() {
        assert_eq!(Content::NAMES.len(), Content::PG_TYPES.len());
        let item = portal_core::ItemDraft {
            id: "a".into(),
            title: "Tiêu đề".into(),
            category: "news".into(),
            language: "vi".into(),
            author: "Tác giả".into(),
            source: "Nguồn".into(),
            published_at_ms: 1_700_000_000_000,
            body_markdown: "Nội dung".into(),
            ..Default::default()
        }
        .validate(1_800_000_000_000)
        .unwrap();
        let c = Content::of(&item, "[]", None);
        let mut params = Vec::new();
        c.push_params(&mut params);
        assert_eq!(params.len(), Content::NAMES.len());
        // The JSON keys are the column names, in the same order.
        let json = serde_json::to_value(&c).unwrap();
        let keys: Vec<&str> = json
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(keys, Content::NAMES);
        assert_eq!(
            sqlite_placeholders(3).split(", ").count(),
            Content::NAMES.len()
        );
        assert!(pg_record_types().starts_with("content_hash text, category text"));
    }
}
