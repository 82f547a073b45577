//! Full-text search of the public sites (`portal-search`), kept by every hub process for
//! itself: the index lives in `<data_dir>/search` and follows the store's change feed, so hubs
//! on SQLite or PostgreSQL, and every replica of one database, answer alike.
//!
//! The follower polls the feed every [`POLL`] and re-reads the current state of the items a
//! batch names (a publication becomes an upsert of the current version, anything else a
//! removal), so applying an entry twice changes nothing. On PostgreSQL feed ids come from a
//! sequence and can commit out of order: an id below one already seen may appear later. The
//! follower therefore keeps a floor (every id at or below it is applied, and that is the
//! position the index records) and the ids applied above it; a missing id holds the floor
//! until it appears or [`GAP_WAIT`] has passed (a rolled-back transaction leaves a hole for
//! good). At start it re-reads [`REREAD`] entries below the recorded position.
//!
//! Searches and index writes run on blocking threads, searches at most [`SEARCHES`] at once.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use portal_core::category::Registry;
use portal_search::{Change, Document, ParsedQuery, QueryError, Results, SearchIndex};
use portal_store::{FeedEntry, FeedKind, SearchItem, Tenant};

use super::ServiceError;
use crate::state::HubState;

/// How often the follower reads the change feed (a withdrawn item leaves results within a
/// second).
pub const POLL: Duration = Duration::from_millis(150);
/// How long a missing feed id holds the floor.
pub const GAP_WAIT: Duration = Duration::from_secs(10);
/// Entries below the recorded position read again at start.
pub const REREAD: i64 = 200;
/// Feed entries read per poll.
const FEED_BATCH: u64 = 500;
/// Items read per batch of a rebuild.
const REBUILD_BATCH: u64 = 500;
/// Searches running at once (each holds a blocking thread).
pub const SEARCHES: usize = 16;

/// The index directory of a hub.
pub fn index_dir(data_dir: &std::path::Path) -> std::path::PathBuf {
    data_dir.join("search")
}

/// Opens (or creates, or rebuilds the files of) the index, off the runtime.
pub async fn open(data_dir: &std::path::Path) -> anyhow::Result<Arc<SearchIndex>> {
    let dir = index_dir(data_dir);
    let index = tokio::task::spawn_blocking(move || SearchIndex::open(&dir)).await??;
    Ok(Arc::new(index))
}

fn document(i: SearchItem) -> Document {
    Document {
        item_id: i.item_id,
        tenant_slug: i.tenant_slug,
        tenant_name: i.tenant_name,
        external_id: i.external_id,
        category: i.category,
        language: i.language,
        title: i.title,
        summary: i.summary,
        body_markdown: i.body_markdown,
        record: i.record.unwrap_or_default().into_iter().collect(),
        published_at_ms: i.published_at.as_millis(),
        on_province: i.on_province,
    }
}

async fn apply(
    index: &Arc<SearchIndex>,
    changes: Vec<Change>,
    position: Option<i64>,
) -> anyhow::Result<()> {
    let index = index.clone();
    tokio::task::spawn_blocking(move || index.apply(changes, position)).await??;
    Ok(())
}

/// Builds the index from the store: every published item, then the feed position read
/// before the first batch (entries after it are applied by the follower).
async fn rebuild(st: &HubState, index: &Arc<SearchIndex>) -> anyhow::Result<i64> {
    let head = st.store.change_feed_head().await?;
    let started = Instant::now();
    {
        let index = index.clone();
        tokio::task::spawn_blocking(move || index.clear()).await??;
    }
    let mut after = 0;
    let mut n = 0usize;
    loop {
        let batch = st.store.search_items_after(after, REBUILD_BATCH).await?;
        let Some(last) = batch.last() else { break };
        after = last.item_id;
        n += batch.len();
        let changes = batch
            .into_iter()
            .map(|i| Change::upsert(document(i)))
            .collect();
        apply(index, changes, None).await?;
    }
    apply(index, Vec::new(), Some(head)).await?;
    tracing::info!(
        items = n,
        position = head,
        ms = started.elapsed().as_millis() as u64,
        "search index built from the store"
    );
    Ok(head)
}

/// Which feed ids are applied: all up to `floor`, and `above` it.
struct Cursor {
    floor: i64,
    above: BTreeSet<i64>,
    /// Missing ids between the floor and the highest applied one, since when.
    gaps: HashMap<i64, Instant>,
}

impl Cursor {
    fn new(position: i64) -> Self {
        Self {
            floor: (position - REREAD).max(0),
            above: BTreeSet::new(),
            gaps: HashMap::new(),
        }
    }

    fn is_applied(&self, id: i64) -> bool {
        id <= self.floor || self.above.contains(&id)
    }

    fn mark(&mut self, id: i64) {
        if id > self.floor {
            self.above.insert(id);
            self.gaps.remove(&id);
        }
    }

    /// Moves the floor over applied ids and over holes older than `wait`.
    fn advance(&mut self, now: Instant, wait: Duration) {
        let Some(&top) = self.above.last() else {
            return;
        };
        // Holes are timed from when they were first seen (bounded: ids are dense in practice).
        for id in (self.floor + 1..top).take(100_000) {
            if !self.above.contains(&id) {
                self.gaps.entry(id).or_insert(now);
            }
        }
        loop {
            let next = self.floor + 1;
            if self.above.remove(&next) {
                self.floor = next;
            } else if next < top
                && self
                    .gaps
                    .get(&next)
                    .is_none_or(|since| now.duration_since(*since) >= wait)
            {
                self.gaps.remove(&next);
                self.floor = next;
            } else {
                break;
            }
        }
    }

    fn top(&self) -> i64 {
        self.above.last().copied().unwrap_or(self.floor)
    }
}

/// Applies the feed entries not applied yet: the current state of the items they name.
async fn catch_up(
    st: &HubState,
    index: &Arc<SearchIndex>,
    cursor: &mut Cursor,
) -> anyhow::Result<bool> {
    let mut entries = st.store.change_feed_since(cursor.floor, FEED_BATCH).await?;
    if entries.len() as u64 == FEED_BATCH && entries.iter().all(|e| cursor.is_applied(e.position)) {
        // Everything after the floor that fits one read is applied: look past it.
        entries = st.store.change_feed_since(cursor.top(), FEED_BATCH).await?;
    }
    let fresh: Vec<&FeedEntry> = entries
        .iter()
        .filter(|e| !cursor.is_applied(e.position))
        .collect();
    let before = cursor.floor;
    if !fresh.is_empty() {
        let mut ids: Vec<i64> = fresh
            .iter()
            .filter(|e| matches!(e.kind, FeedKind::Published | FeedKind::Withdrawn))
            .filter_map(|e| e.item_id)
            .collect();
        ids.sort_unstable();
        ids.dedup();
        let current = st.store.search_items(&ids).await?;
        let mut changes: Vec<Change> = Vec::with_capacity(ids.len());
        let published: BTreeSet<i64> = current.iter().map(|i| i.item_id).collect();
        for id in &ids {
            if !published.contains(id) {
                changes.push(Change::Remove(*id));
            }
        }
        changes.extend(current.into_iter().map(|i| Change::upsert(document(i))));
        for e in &fresh {
            cursor.mark(e.position);
        }
        cursor.advance(Instant::now(), GAP_WAIT);
        apply(index, changes, Some(cursor.floor)).await?;
        return Ok(true);
    }
    cursor.advance(Instant::now(), GAP_WAIT);
    if cursor.floor != before {
        apply(index, Vec::new(), Some(cursor.floor)).await?;
    }
    Ok(false)
}

/// Keeps the index equal to the store's published items until `stop`.
pub async fn follow(
    st: HubState,
    index: Arc<SearchIndex>,
    mut stop: tokio::sync::watch::Receiver<bool>,
) {
    let mut cursor = None;
    loop {
        if cursor.is_none() {
            // An index ahead of the feed was built from another database: built again.
            let head = st.store.change_feed_head().await.unwrap_or(i64::MAX);
            let position = match index.position() {
                Some(p) if p <= head => Ok(p),
                _ => rebuild(&st, &index).await,
            };
            match position {
                Ok(p) => cursor = Some(Cursor::new(p)),
                Err(e) => tracing::warn!(error = %e, "cannot build the search index; retrying"),
            }
        }
        if let Some(c) = cursor.as_mut() {
            // Keep going without sleeping while there is a backlog.
            loop {
                match catch_up(&st, &index, c).await {
                    Ok(true) if !*stop.borrow() => continue,
                    Ok(_) => break,
                    Err(e) => {
                        tracing::warn!(error = %e, "cannot update the search index");
                        break;
                    }
                }
            }
        }
        tokio::select! {
            _ = stop.wait_for(|v| *v) => return,
            _ = tokio::time::sleep(if cursor.is_some() { POLL } else { Duration::from_secs(5) }) => {}
        }
    }
}

/// The search form as a visitor sent it (`q`, `tenant`, `category`, `from`, `to`, `page`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchForm {
    pub q: String,
    pub tenant: Option<String>,
    pub category: Option<String>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub page: u32,
}

/// The longest parameter value kept for showing back (the query itself is checked by
/// `portal_search::parse`, which refuses anything longer than it allows).
const MAX_PARAM_BYTES: usize = 16 * 1024;

/// Why a search cannot run: what the page says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SearchProblem {
    Query(QueryError),
    /// A filter is not understood: its name.
    BadParameter(&'static str),
    /// `from` is after `to`.
    DatesReversed,
}

fn date(v: &str) -> Option<NaiveDate> {
    if v.len() != 10 {
        return None;
    }
    NaiveDate::parse_from_str(v, "%Y-%m-%d").ok()
}

impl SearchForm {
    /// Reads the query string; `Err` names the first parameter that is not understood (the
    /// form is still returned, to show back).
    pub fn parse(raw: &str, registry: &Registry) -> (Self, Option<SearchProblem>) {
        let mut f = SearchForm {
            page: 1,
            ..Self::default()
        };
        let mut problem = None;
        let bad = |name: &'static str, problem: &mut Option<SearchProblem>| {
            problem.get_or_insert(SearchProblem::BadParameter(name));
        };
        for (k, v) in form_urlencoded::parse(raw.as_bytes()) {
            if v.len() > MAX_PARAM_BYTES && k != "q" {
                bad("?", &mut problem);
                continue;
            }
            let v = v.trim();
            match &*k {
                "q" => {
                    // Kept whole (bounded by the URI limit) so the length can be reported.
                    f.q = v.to_string();
                }
                "tenant" if !v.is_empty() => {
                    if v.len() <= 64
                        && v.bytes()
                            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                    {
                        f.tenant = Some(v.to_string());
                    } else {
                        bad("tenant", &mut problem);
                    }
                }
                "category" if !v.is_empty() => {
                    if registry.get(v).is_some() {
                        f.category = Some(v.to_string());
                    } else {
                        bad("category", &mut problem);
                    }
                }
                "from" if !v.is_empty() => match date(v) {
                    Some(d) => f.from = Some(d),
                    None => bad("from", &mut problem),
                },
                "to" if !v.is_empty() => match date(v) {
                    Some(d) => f.to = Some(d),
                    None => bad("to", &mut problem),
                },
                "page" if !v.is_empty() => match v.parse::<u32>() {
                    Ok(n) if (1..=portal_search::MAX_PAGE).contains(&n) => f.page = n,
                    _ => bad("page", &mut problem),
                },
                _ => {}
            }
        }
        if let (Some(a), Some(b)) = (f.from, f.to)
            && a > b
        {
            problem.get_or_insert(SearchProblem::DatesReversed);
        }
        (f, problem)
    }

    /// The query string of this form on page `page` (for paging links).
    pub fn to_query(&self, page: u32) -> String {
        let mut s = form_urlencoded::Serializer::new(String::new());
        s.append_pair("q", &self.q);
        if let Some(t) = &self.tenant {
            s.append_pair("tenant", t);
        }
        if let Some(c) = &self.category {
            s.append_pair("category", c);
        }
        if let Some(d) = self.from {
            s.append_pair("from", &d.format("%Y-%m-%d").to_string());
        }
        if let Some(d) = self.to {
            s.append_pair("to", &d.format("%Y-%m-%d").to_string());
        }
        if page > 1 {
            s.append_pair("page", &page.to_string());
        }
        s.finish()
    }
}

/// What a search page shows.
pub enum SearchOutcome {
    /// No query yet: the form.
    Empty,
    /// The query or a filter cannot be used: why (the page answers 400).
    Problem(SearchProblem),
    Found {
        query: ParsedQuery,
        results: Results,
    },
}

pub struct SearchPage {
    pub tenant: Option<Tenant>,
    /// Every component portal (for the tenant filter on the provincial site).
    pub tenants: Vec<Tenant>,
    pub registry: Arc<Registry>,
    pub form: SearchForm,
    pub outcome: SearchOutcome,
}

/// Midnight starting `d` in Vietnam (UTC+7), in Unix milliseconds.
fn vietnam_midnight(d: NaiveDate) -> i64 {
    d.and_hms_opt(0, 0, 0)
        .map_or(0, |t| t.and_utc().timestamp_millis())
        - 7 * 3_600_000
}

/// A search on the provincial site (`tenant` `None`) or a tenant's.
pub async fn search_page(
    st: &HubState,
    tenant: Option<&str>,
    raw: &str,
) -> Result<SearchPage, ServiceError> {
    let registry = st.registry();
    let site_tenant = match tenant {
        None => None,
        Some(slug) => Some(
            st.store
                .tenant_by_slug(slug)
                .await?
                .ok_or_else(|| ServiceError::NotFound(format!("no component portal {slug:?}")))?,
        ),
    };
    let tenants = if site_tenant.is_none() {
        st.store.tenants().await?
    } else {
        Vec::new()
    };
    let (mut form, problem) = SearchForm::parse(raw, &registry);
    if site_tenant.is_some() {
        form.tenant = None;
    }
    let page = |outcome| SearchPage {
        tenant: site_tenant.clone(),
        tenants: tenants.clone(),
        registry: registry.clone(),
        form: form.clone(),
        outcome,
    };
    if let Some(p) = problem {
        return Ok(page(SearchOutcome::Problem(p)));
    }
    let parsed = match portal_search::parse(&form.q) {
        Ok(p) => p,
        Err(QueryError::Empty) => return Ok(page(SearchOutcome::Empty)),
        Err(e) => return Ok(page(SearchOutcome::Problem(SearchProblem::Query(e)))),
    };
    let Some(index) = st.search.get().cloned() else {
        return Err(ServiceError::Unavailable(
            "the search index is not open".into(),
        ));
    };
    let query = portal_search::Query {
        text: parsed.clone(),
        scope: match &site_tenant {
            None => portal_search::Scope::Province,
            Some(t) => portal_search::Scope::Tenant(t.slug.clone()),
        },
        tenant: form.tenant.clone(),
        category: form.category.clone(),
        from_ms: form.from.map(vietnam_midnight),
        until_ms: form.to.and_then(|d| d.succ_opt()).map(vietnam_midnight),
        page: form.page,
    };
    let results = run(st, index, query).await?;
    Ok(page(SearchOutcome::Found {
        query: parsed,
        results,
    }))
}

static RUNNING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(SEARCHES);

/// Runs one search on a blocking thread, at most [`SEARCHES`] at once.
async fn run(
    st: &HubState,
    index: Arc<SearchIndex>,
    query: portal_search::Query,
) -> Result<Results, ServiceError> {
    let budget = st.config.render_budget.get();
    let permit = tokio::time::timeout(budget, RUNNING.acquire())
        .await
        .map_err(|_| ServiceError::Busy("every search is busy".into()))?
        .map_err(|_| ServiceError::Busy("searches are closed".into()))?;
    let job = tokio::task::spawn_blocking(move || index.search(&query));
    let out = tokio::time::timeout(budget, job).await;
    drop(permit);
    match out {
        Ok(Ok(Ok(r))) => Ok(r),
        Ok(Ok(Err(e))) => {
            tracing::warn!(error = %e, "search failed");
            Err(ServiceError::Unavailable("the search failed".into()))
        }
        Ok(Err(e)) => {
            tracing::error!(error = %e, "search panicked");
            Err(ServiceError::Unavailable("the search failed".into()))
        }
        Err(_) => Err(ServiceError::Unavailable("the search took too long".into())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cursor_waits_for_holes_and_then_passes_them() {
        let t0 = Instant::now();
        let wait = Duration::from_secs(10);
        let mut c = Cursor::new(0);
        for id in [1, 2, 4, 5] {
            c.mark(id);
        }
        c.advance(t0, wait);
        // 3 may still commit (PostgreSQL): the floor waits below it.
        assert_eq!(c.floor, 2);
        assert!(c.is_applied(4) && !c.is_applied(3));
        // It commits: the floor moves over it and what followed.
        c.mark(3);
        c.advance(t0, wait);
        assert_eq!((c.floor, c.above.len()), (5, 0));
        // 6 never comes (a rolled-back transaction): passed after the wait.
        c.mark(7);
        c.advance(t0, wait);
        assert_eq!(c.floor, 5);
        c.advance(t0 + wait, wait);
        assert_eq!(c.floor, 7);
        assert!(c.gaps.is_empty());
        // At start a window below the recorded position is read again.
        assert_eq!(Cursor::new(1000).floor, 1000 - REREAD);
        assert_eq!(Cursor::new(5).floor, 0);
    }

    #[test]
    fn forms_are_read_with_bounds() {
        let r = Registry::builtin();
        let (f, p) = SearchForm::parse(
            "q=%C4%91%E1%BA%A7u+t%C6%B0&tenant=skhdt&category=news&from=2024-01-01&to=2024-02-01&page=2",
            &r,
        );
        assert_eq!(p, None);
        assert_eq!(f.q, "đầu tư");
        assert_eq!(f.tenant.as_deref(), Some("skhdt"));
        assert_eq!(f.page, 2);
        assert_eq!(
            f.to_query(3),
            "q=%C4%91%E1%BA%A7u+t%C6%B0&tenant=skhdt&category=news&from=2024-01-01&to=2024-02-01&page=3"
        );
        for (raw, bad) in [
            ("q=a&category=nope", SearchProblem::BadParameter("category")),
            ("q=a&from=2024-13-01", SearchProblem::BadParameter("from")),
            ("q=a&page=0", SearchProblem::BadParameter("page")),
            ("q=a&page=100000", SearchProblem::BadParameter("page")),
            ("q=a&tenant=%3Cx%3E", SearchProblem::BadParameter("tenant")),
            (
                "q=a&from=2024-02-01&to=2024-01-01",
                SearchProblem::DatesReversed,
            ),
        ] {
            assert_eq!(SearchForm::parse(raw, &r).1, Some(bad), "{raw}");
        }
        // Empty filters are no filters.
        let (f, p) = SearchForm::parse("q=&tenant=&category=&from=&to=&page=", &r);
        assert_eq!((f.tenant, f.category, f.page, p), (None, None, 1, None));
    }

    #[test]
    fn dates_are_days_in_vietnam() {
        let d = NaiveDate::from_ymd_opt(2024, 5, 1).unwrap();
        // 2024-05-01T00:00:00+07:00.
        assert_eq!(vietnam_midnight(d), 1_714_496_400_000);
    }
}
