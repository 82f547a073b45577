//! Full-text search of the public portal: a tantivy index of every published item, with a
//! Vietnamese folding analyzer (accents, case and Unicode normalisation do not matter), a
//! query grammar of words and quoted phrases that never exposes tantivy's own, filters by
//! scope, tenant, category and date, BM25 ranking and highlighted snippets.
//!
//! The index follows the hub's change feed (see the hub's `service::search`): [`SearchIndex::apply`]
//! commits upserts and removals together with the feed position they reach.

pub mod analyzer;
pub mod index;
pub mod query;
pub mod text;

pub use index::{
    Change, Document, Hit, MAX_PAGE, PAGE_SIZE, Query, Results, SCHEMA_VERSION, Scope, SearchError,
    SearchIndex, escape,
};
pub use query::{MAX_QUERY_CHARS, MAX_WORDS, ParsedQuery, QueryError, QueryNote, parse};
