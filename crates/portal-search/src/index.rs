//! The index: one document per published item (its current version), replaced whole when a
//! new version comes and deleted when the item is withdrawn. Every commit carries the
//! change-feed position it reaches and the schema version in tantivy's commit payload, so a
//! restarted hub resumes where its index stopped, and an index of another schema (or one that
//! cannot be opened) is rebuilt from the store.

use std::collections::BTreeMap;
use std::ops::Bound;
use std::path::{Path, PathBuf};
use std::sync::{Condvar, Mutex, MutexGuard};

use serde::{Deserialize, Serialize};
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{BooleanQuery, ConstScoreQuery, Occur, PhraseQuery, RangeQuery, TermQuery};
use tantivy::schema::{
    Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
    Value,
};
use tantivy::snippet::SnippetGenerator;
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term};

use crate::analyzer::{ANALYZER, VietnameseTokenizer};
use crate::query::ParsedQuery;
use crate::text::plain_text;

/// Bumped whenever the schema or the analyzer changes: an index of another version is rebuilt.
pub const SCHEMA_VERSION: u32 = 2;
/// Hits per page.
pub const PAGE_SIZE: usize = 10;
/// The last page a visitor can ask for (nobody reads past it; it bounds the top-k collector).
pub const MAX_PAGE: u32 = 100;
/// Characters of text around the matched words in a snippet.
pub const SNIPPET_CHARS: usize = 220;
/// Memory of the index writer before it flushes a segment.
const WRITER_MEMORY: usize = 48 * 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("search index: {0}")]
    Index(#[from] tantivy::TantivyError),
    #[error("search index directory {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("search index writer poisoned by an earlier panic")]
    Poisoned,
    #[error("the search index is closed")]
    Closed,
}

pub type Result<T> = std::result::Result<T, SearchError>;

/// What is indexed of one published item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    /// The store's id of the item: the key under which the document is replaced or deleted.
    pub item_id: i64,
    pub tenant_slug: String,
    pub tenant_name: String,
    pub external_id: String,
    pub category: String,
    pub language: String,
    pub title: String,
    pub summary: Option<String>,
    /// The body as stored (Markdown); indexed as plain text.
    pub body_markdown: String,
    /// Record fields (name, value), indexed as text.
    pub record: Vec<(String, String)>,
    pub published_at_ms: i64,
    /// Approved for the provincial portal (province-wide searches show only these).
    pub on_province: bool,
}

/// One change to apply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// The item's current published version (replaces any earlier one).
    Upsert(Box<Document>),
    /// The item left the public pages (or never was on them).
    Remove(i64),
}

impl Change {
    pub fn upsert(d: Document) -> Self {
        Self::Upsert(Box::new(d))
    }
}

/// Whose items a search looks at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// The provincial portal: every tenant's items approved for it.
    Province,
    /// One tenant's site (tenant slug).
    Tenant(String),
}

/// A search.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    pub text: ParsedQuery,
    pub scope: Scope,
    /// On the provincial site, only this tenant's items.
    pub tenant: Option<String>,
    pub category: Option<String>,
    /// Published at or after (Unix milliseconds).
    pub from_ms: Option<i64>,
    /// Published before (Unix milliseconds, exclusive).
    pub until_ms: Option<i64>,
    /// 1-based, at most [`MAX_PAGE`].
    pub page: u32,
}

/// One result.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub item_id: i64,
    pub tenant_slug: String,
    pub tenant_name: String,
    pub external_id: String,
    pub category: String,
    pub language: String,
    pub published_at_ms: i64,
    pub title: String,
    /// The title, HTML-escaped, matched words in `<mark>`.
    pub title_html: String,
    /// Text around the matched words, HTML-escaped, matched words in `<mark>`.
    pub snippet_html: String,
    pub score: f32,
}

/// A page of results.
#[derive(Debug, Clone, PartialEq)]
pub struct Results {
    /// Matching items in all.
    pub total: u64,
    pub page: u32,
    /// Pages a visitor can reach (at most [`MAX_PAGE`]).
    pub pages: u32,
    pub hits: Vec<Hit>,
}

#[derive(Debug, Serialize, Deserialize)]
struct Payload {
    schema: u32,
    /// `None` while a rebuild is under way.
    position: Option<i64>,
}

#[derive(Clone, Copy)]
struct Fields {
    id: Field,
    tenant: Field,
    tenant_name: Field,
    external_id: Field,
    category: Field,
    language: Field,
    province: Field,
    published: Field,
    title: Field,
    /// Summary, body and record fields: stored for snippets, not indexed.
    body: Field,
    /// Title and text together: what every word must match (one posting list per word, so a
    /// query is an intersection of term lists, not of unions).
    all: Field,
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text = TextOptions::default()
        .set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(ANALYZER)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        )
        .set_stored();
    let f = Fields {
        id: b.add_u64_field("id", INDEXED | STORED),
        tenant: b.add_text_field("tenant", STRING | STORED),
        tenant_name: b.add_text_field("tenant_name", STORED),
        external_id: b.add_text_field("external_id", STORED),
        category: b.add_text_field("category", STRING | STORED),
        language: b.add_text_field("language", STRING | STORED),
        province: b.add_u64_field("province", INDEXED),
        published: b.add_i64_field("published", INDEXED | STORED),
        title: b.add_text_field("title", text.clone()),
        body: b.add_text_field("body", STORED),
        all: b.add_text_field(
            "all",
            TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(ANALYZER)
                    .set_index_option(IndexRecordOption::WithFreqsAndPositions),
            ),
        ),
    };
    (b.build(), f)
}

/// The full-text index of the public portal.
pub struct SearchIndex {
    fields: Fields,
    /// `None` once closed.
    writer: Mutex<Option<IndexWriter<TantivyDocument>>>,
    reader: IndexReader,
    position: Mutex<Option<i64>>,
    gate: Gate,
}

/// Lets one search more than there are cores run at once (so that no core idles while a
/// finished search hands on its turn); the others wait their turn in arrival order. A search is
/// pure CPU: more at once would only share the cores, and every query, the cheapest included,
/// would take as long as the slowest ones around it (search-bench, 16 readers on 2 cores: p99
/// 97 ms without the gate, 45 ms with one turn per core, 39 ms with one more).
struct Gate {
    /// Tickets handed out, searches finished.
    state: Mutex<(u64, u64)>,
    turn: Condvar,
    permits: u64,
}

impl Gate {
    fn new() -> Self {
        Self::with_permits(std::thread::available_parallelism().map_or(2, |n| n.get() as u64) + 1)
    }

    fn with_permits(permits: u64) -> Self {
        Self {
            state: Mutex::new((0, 0)),
            turn: Condvar::new(),
            permits,
        }
    }

    fn lock(&self) -> MutexGuard<'_, (u64, u64)> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn enter(&self) -> GateTurn<'_> {
        let mut s = self.lock();
        let ticket = s.0;
        s.0 += 1;
        while ticket >= s.1 + self.permits {
            s = self.turn.wait(s).unwrap_or_else(|e| e.into_inner());
        }
        GateTurn(self)
    }
}

struct GateTurn<'a>(&'a Gate);

impl Drop for GateTurn<'_> {
    fn drop(&mut self) {
        self.0.lock().1 += 1;
        self.0.turn.notify_all();
    }
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> SearchError + '_ {
    move |source| SearchError::Io {
        path: path.to_path_buf(),
        source,
    }
}

impl SearchIndex {
    /// Opens the index in `dir`, or creates it. An index that cannot be opened, or was written
    /// with another schema, is deleted and created empty: [`SearchIndex::position`] is then
    /// `None` and the caller rebuilds it.
    pub fn open(dir: &Path) -> Result<Self> {
        std::fs::create_dir_all(dir).map_err(io(dir))?;
        if dir.join("meta.json").exists() {
            match Self::open_existing(dir) {
                Ok(Some(ix)) => return Ok(ix),
                Ok(None) => {}
                // Unreadable (a crash mid-write, a tantivy of another format): rebuilt.
                Err(_) => {}
            }
            std::fs::remove_dir_all(dir).map_err(io(dir))?;
            std::fs::create_dir_all(dir).map_err(io(dir))?;
        }
        let (schema, _) = schema();
        let index = Index::create_in_dir(dir, schema)?;
        Self::from_index(index, None)
    }

    /// An index in memory (tests, benchmarks).
    pub fn in_memory() -> Result<Self> {
        let (schema, _) = schema();
        Self::from_index(Index::create_in_ram(schema), None)
    }

    fn open_existing(dir: &Path) -> Result<Option<Self>> {
        let index = Index::open_in_dir(dir)?;
        let payload: Option<Payload> = index
            .load_metas()?
            .payload
            .and_then(|p| serde_json::from_str(&p).ok());
        match payload {
            Some(p) if p.schema == SCHEMA_VERSION && index.schema() == schema().0 => {
                Self::from_index(index, p.position).map(Some)
            }
            _ => Ok(None),
        }
    }

    fn from_index(index: Index, position: Option<i64>) -> Result<Self> {
        index
            .tokenizers()
            .register(ANALYZER, TextAnalyzer::from(VietnameseTokenizer::default()));
        let (_, fields) = schema();
        let writer = index.writer_with_num_threads(1, WRITER_MEMORY)?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(Self {
            fields,
            writer: Mutex::new(Some(writer)),
            reader,
            position: Mutex::new(position),
            gate: Gate::new(),
        })
    }

    /// Stops writing: drops the writer and its lock on the directory (searches still work), so
    /// that the directory can be opened again in this process.
    pub fn close(&self) {
        let writer = match self.writer.lock() {
            Ok(mut w) => w.take(),
            Err(p) => p.into_inner().take(),
        };
        if let Some(w) = writer {
            let _ = w.wait_merging_threads();
        }
    }

    /// The change-feed position the index has reached, or `None` if it must be (re)built.
    pub fn position(&self) -> Option<i64> {
        match self.position.lock() {
            Ok(p) => *p,
            Err(p) => *p.into_inner(),
        }
    }

    /// Number of documents searchers see.
    pub fn len(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Deletes every document and marks the index as being rebuilt (position `None`).
    pub fn clear(&self) -> Result<()> {
        let mut guard = self.writer.lock().map_err(|_| SearchError::Poisoned)?;
        let w = guard.as_mut().ok_or(SearchError::Closed)?;
        w.delete_all_documents()?;
        drop(guard);
        self.apply(Vec::new(), None)
    }

    /// Applies `changes` and records `position` (the change-feed position they reach; `None`
    /// during a rebuild) in one commit, then makes them visible to searches.
    pub fn apply(&self, changes: Vec<Change>, position: Option<i64>) -> Result<()> {
        let mut guard = self.writer.lock().map_err(|_| SearchError::Poisoned)?;
        let w = guard.as_mut().ok_or(SearchError::Closed)?;
        let outcome = self.write(w, changes, position);
        if outcome.is_err() {
            let _ = w.rollback();
            return outcome;
        }
        drop(guard);
        self.reader.reload()?;
        match self.position.lock() {
            Ok(mut p) => *p = position,
            Err(p) => *p.into_inner() = position,
        }
        Ok(())
    }

    fn write(
        &self,
        w: &mut IndexWriter<TantivyDocument>,
        changes: Vec<Change>,
        position: Option<i64>,
    ) -> Result<()> {
        let f = self.fields;
        for c in changes {
            match c {
                Change::Upsert(d) => {
                    let d = *d;
                    w.delete_term(id_term(f.id, d.item_id));
                    w.add_document(self.document(&d))?;
                }
                Change::Remove(id) => {
                    w.delete_term(id_term(f.id, id));
                }
            }
        }
        let payload = serde_json::to_string(&Payload {
            schema: SCHEMA_VERSION,
            position,
        })
        .unwrap_or_default();
        let mut prepared = w.prepare_commit()?;
        prepared.set_payload(&payload);
        prepared.commit()?;
        Ok(())
    }

    fn document(&self, d: &Document) -> TantivyDocument {
        let f = self.fields;
        let mut body = String::new();
        if let Some(s) = &d.summary {
            body.push_str(s);
            body.push('\n');
        }
        body.push_str(&plain_text(&d.body_markdown));
        for (_, value) in &d.record {
            body.push('\n');
            body.push_str(value);
        }
        let mut doc = TantivyDocument::default();
        doc.add_u64(f.id, u64::try_from(d.item_id).unwrap_or(0));
        doc.add_text(f.tenant, &d.tenant_slug);
        doc.add_text(f.tenant_name, &d.tenant_name);
        doc.add_text(f.external_id, &d.external_id);
        doc.add_text(f.category, &d.category);
        doc.add_text(f.language, &d.language);
        doc.add_u64(f.province, u64::from(d.on_province));
        doc.add_i64(f.published, d.published_at_ms);
        doc.add_text(f.title, &d.title);
        doc.add_text(f.all, format!("{}\n{}", d.title, body.trim()));
        doc.add_text(f.body, body.trim());
        doc
    }

    /// One group of words (a word, or a phrase) in one field.
    fn group_query(field: Field, words: &[String]) -> Box<dyn tantivy::query::Query> {
        let terms: Vec<Term> = words
            .iter()
            .map(|w| Term::from_field_text(field, w))
            .collect();
        if terms.len() == 1 {
            Box::new(TermQuery::new(
                terms[0].clone(),
                IndexRecordOption::WithFreqs,
            ))
        } else {
            Box::new(PhraseQuery::new(terms))
        }
    }

    fn filter(term: Term) -> (Occur, Box<dyn tantivy::query::Query>) {
        (
            Occur::Must,
            Box::new(ConstScoreQuery::new(
                Box::new(TermQuery::new(term, IndexRecordOption::Basic)),
                0.0,
            )),
        )
    }

    /// Runs a search: every group must match; ranked by BM25 over title and text, plus the
    /// title's own BM25; the page's hits with highlighted title and snippet.
    pub fn search(&self, q: &Query) -> Result<Results> {
        let _turn = self.gate.enter();
        let f = self.fields;
        let mut clauses: Vec<(Occur, Box<dyn tantivy::query::Query>)> = Vec::new();
        // Every group in the title or text; a group in the title adds to the score (only
        // items that match every group are scored).
        for g in &q.text.groups {
            clauses.push((Occur::Must, Self::group_query(f.all, g)));
            clauses.push((Occur::Should, Self::group_query(f.title, g)));
        }
        match &q.scope {
            // Most items are approved for the province: excluding the few that are not skips
            // through a short list instead of intersecting with a long one.
            Scope::Province => clauses.push((
                Occur::MustNot,
                Box::new(TermQuery::new(
                    Term::from_field_u64(f.province, 0),
                    IndexRecordOption::Basic,
                )),
            )),
            Scope::Tenant(slug) => {
                clauses.push(Self::filter(Term::from_field_text(f.tenant, slug)))
            }
        }
        if let Some(t) = &q.tenant {
            clauses.push(Self::filter(Term::from_field_text(f.tenant, t)));
        }
        if let Some(c) = &q.category {
            clauses.push(Self::filter(Term::from_field_text(f.category, c)));
        }
        if q.from_ms.is_some() || q.until_ms.is_some() {
            let lower = q.from_ms.map_or(Bound::Unbounded, |m| {
                Bound::Included(Term::from_field_i64(f.published, m))
            });
            let upper = q.until_ms.map_or(Bound::Unbounded, |m| {
                Bound::Excluded(Term::from_field_i64(f.published, m))
            });
            clauses.push((
                Occur::Must,
                Box::new(ConstScoreQuery::new(
                    Box::new(RangeQuery::new(lower, upper)),
                    0.0,
                )),
            ));
        }
        let query = BooleanQuery::new(clauses);
        let page = q.page.clamp(1, MAX_PAGE);
        let offset = (page as usize - 1) * PAGE_SIZE;
        let searcher = self.reader.searcher();
        let (total, top) = searcher.search(
            &query,
            &(
                Count,
                TopDocs::with_limit(PAGE_SIZE)
                    .and_offset(offset)
                    .order_by_score(),
            ),
        )?;
        // Highlights: the words of the query wherever they are in the title and the text.
        let words: BTreeMap<String, f32> = q
            .text
            .groups
            .iter()
            .flatten()
            .map(|w| (w.clone(), 1.0))
            .collect();
        let analyzer = || TextAnalyzer::from(VietnameseTokenizer::default());
        let titles = SnippetGenerator::new(words.clone(), analyzer(), f.title, 2000);
        let bodies = SnippetGenerator::new(words, analyzer(), f.body, SNIPPET_CHARS);
        let mut hits = Vec::with_capacity(top.len());
        for (score, addr) in top {
            let doc: TantivyDocument = searcher.doc(addr)?;
            let text = |field: Field| {
                doc.get_first(field)
                    .and_then(|v| v.as_str())
                    .unwrap_or_default()
                    .to_string()
            };
            let title = text(f.title);
            let body = text(f.body);
            hits.push(Hit {
                item_id: doc
                    .get_first(f.id)
                    .and_then(|v| v.as_u64())
                    .and_then(|v| i64::try_from(v).ok())
                    .unwrap_or(0),
                tenant_slug: text(f.tenant),
                tenant_name: text(f.tenant_name),
                external_id: text(f.external_id),
                category: text(f.category),
                language: text(f.language),
                published_at_ms: doc
                    .get_first(f.published)
                    .and_then(|v| v.as_i64())
                    .unwrap_or(0),
                title_html: highlighted(&titles, &title, usize::MAX),
                snippet_html: highlighted(&bodies, &body, SNIPPET_CHARS),
                title,
                score,
            });
        }
        let pages = total.div_ceil(PAGE_SIZE).min(MAX_PAGE as usize) as u32;
        Ok(Results {
            total: total as u64,
            page,
            pages,
            hits,
        })
    }
}

fn id_term(field: Field, id: i64) -> Term {
    Term::from_field_u64(field, u64::try_from(id).unwrap_or(0))
}

/// The snippet of `text` with matched words in `<mark>`; the start of the text when no word of
/// the query is in it.
fn highlighted(generator: &SnippetGenerator, text: &str, chars: usize) -> String {
    let mut s = generator.snippet(text);
    if s.is_empty() || s.fragment().is_empty() {
        let mut head: String = text.chars().take(chars).collect();
        if head.len() < text.len() {
            // Cut at a word boundary.
            if let Some(cut) = head.rfind(char::is_whitespace) {
                head.truncate(cut);
            }
            head.push('…');
        }
        return escape(&head);
    }
    s.set_snippet_prefix_postfix("<mark>", "</mark>");
    let mut html = s.to_html();
    let range = s.fragment_range();
    if range.start > 0 {
        html.insert(0, '…');
    }
    if range.end < text.len() {
        html.push('…');
    }
    html
}

/// Text as HTML.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::Gate;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn the_gate_lets_no_more_than_its_permits_through_and_everyone_in_turn() {
        let gate = Gate::with_permits(3);
        let (inside, most, finished) = (
            AtomicUsize::new(0),
            AtomicUsize::new(0),
            AtomicUsize::new(0),
        );
        std::thread::scope(|s| {
            for _ in 0..12 {
                s.spawn(|| {
                    for _ in 0..20 {
                        let _turn = gate.enter();
                        let now = inside.fetch_add(1, Ordering::SeqCst) + 1;
                        most.fetch_max(now, Ordering::SeqCst);
                        std::thread::yield_now();
                        inside.fetch_sub(1, Ordering::SeqCst);
                        finished.fetch_add(1, Ordering::SeqCst);
                    }
                });
            }
        });
        assert_eq!(finished.load(Ordering::SeqCst), 240);
        let most = most.load(Ordering::SeqCst);
        assert!((1..=3).contains(&most), "{most} at once");
    }
}
