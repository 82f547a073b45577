//! The page cache: rendered pages (with their compressed variants and validators) in moka,
//! bounded in bytes, invalidated only where a change lands, and served stale for a moment
//! while one request renders the new copy.
//!
//! Every page belongs to one [`Scope`]: the provincial site's pages (which show every tenant's
//! content), a tenant's pages (home, lists, feeds, sitemap), or one item's pages (the item,
//! its history, its comparisons). A change to an item invalidates that item's pages *hard*
//! (they are removed and never served again: a withdrawn item must disappear at once) and its
//! tenant's and the provincial site's pages *soft*: their scope's generation moves on, and an
//! entry of an older generation is stale. A stale page is still served for at most
//! [`MAX_STALE`] after the change that made it stale, while one request (single flight per
//! page) renders the new copy in the background; after that, readers wait for the new copy.
//! So a trickle of publications costs one render per affected page, not a collapse of the
//! cache, and pages of other tenants and other items are untouched.
//!
//! The keys are stable (the page and its parameters) and entries carry the generation they were
//! built from, instead of keys that embed generations: otherwise an invalidated page could not
//! be found to be served stale, and dead generations would fill the cache until evicted.
//! A global epoch, moved by changes that may touch everything (a new tenant, a new category
//! registry), invalidates everything hard.

use std::collections::{HashMap, HashSet, VecDeque};
use std::future::Future;
use std::hash::Hash;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;
use portal_store::FeedKind;

/// How long after a change a page it made stale may still be served (while it re-renders).
pub const MAX_STALE: Duration = Duration::from_secs(2);

/// Bodies smaller than this are not compressed: the saving does not pay for the work.
const MIN_COMPRESS: usize = 1024;

/// How long a page stays cached at most (a safety net: changes invalidate pages without it).
const PAGE_TTL: Duration = Duration::from_secs(3600);

/// Item changes remembered (see `PageCache::item_changes`).
const ITEM_CHANGES_KEPT: u64 = 100_000;

/// Bytes an entry costs beyond its bodies (key, validators, moka's bookkeeping), for the weigher.
const ENTRY_OVERHEAD: usize = 256;

/// A rendered page with its validators, and its compressed variants when they are worth it.
/// Compression happens once, when the page enters the cache (on a render thread), never per
/// request.
#[derive(Debug)]
pub struct Rendered {
    pub body: Bytes,
    pub gzip: Option<Bytes>,
    pub br: Option<Bytes>,
    /// The strong validator of the identity body, quotes included; compressed variants have
    /// their own (`"…-gz"`, `"…-br"`), as RFC 9110 requires of different representations.
    pub etag: String,
    /// Whole seconds: what `Last-Modified` says and `If-Modified-Since` is compared with.
    pub last_modified: SystemTime,
}

impl Rendered {
    /// A page rendered now, compressed when it is large enough.
    pub fn new(html: String) -> Self {
        Self::with_modified(html, SystemTime::now())
    }

    /// A page whose content last changed at `modified`.
    pub fn with_modified(html: String, modified: SystemTime) -> Self {
        use sha2::{Digest, Sha256};
        let digest = Sha256::digest(html.as_bytes());
        let (gzip, br) = if html.len() >= MIN_COMPRESS {
            (gzip(html.as_bytes()), brotli(html.as_bytes()))
        } else {
            (None, None)
        };
        Self {
            etag: format!("\"{}\"", hex::encode(&digest[..12])),
            body: Bytes::from(html),
            gzip,
            br,
            last_modified: whole_seconds(modified),
        }
    }

    /// The same page, its content last changed at `modified` (never later than now).
    pub fn modified_at(mut self, modified: SystemTime) -> Self {
        self.last_modified = whole_seconds(modified.min(SystemTime::now()));
        self
    }

    /// Bytes the page holds in memory (for the cache's weigher).
    fn weight(&self) -> usize {
        self.body.len()
            + self.gzip.as_ref().map_or(0, Bytes::len)
            + self.br.as_ref().map_or(0, Bytes::len)
            + ENTRY_OVERHEAD
    }
}

/// `t` without its fraction of a second: HTTP dates have none, and a validator compared with
/// one must not be newer by a fraction.
pub fn whole_seconds(t: SystemTime) -> SystemTime {
    match t.duration_since(SystemTime::UNIX_EPOCH) {
        Ok(d) => SystemTime::UNIX_EPOCH + Duration::from_secs(d.as_secs()),
        Err(_) => SystemTime::UNIX_EPOCH,
    }
}

/// A variant is kept only when it saves at least a tenth.
fn worth(compressed: Vec<u8>, original: usize) -> Option<Bytes> {
    (compressed.len() < original - original / 10).then(|| Bytes::from(compressed))
}

fn gzip(body: &[u8]) -> Option<Bytes> {
    use std::io::Write;
    let mut e = flate2::write::GzEncoder::new(
        Vec::with_capacity(body.len() / 3),
        flate2::Compression::new(6),
    );
    e.write_all(body).ok()?;
    worth(e.finish().ok()?, body.len())
}

fn brotli(body: &[u8]) -> Option<Bytes> {
    use std::io::Write;
    let mut out = Vec::with_capacity(body.len() / 3);
    {
        // Quality 5: within a few per cent of the best ratio for HTML at a fraction of the CPU
        // (a page is compressed again each time its content changes).
        let mut w = brotli::CompressorWriter::new(&mut out, 4096, 5, 22);
        w.write_all(body).ok()?;
        w.flush().ok()?;
    }
    worth(out, body.len())
}

/// Whose change makes a page stale.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Scope {
    /// The provincial site's pages: they list every tenant's content.
    Front,
    /// A tenant's pages that list its content (home, categories, feeds, sitemap).
    Tenant(String),
    /// One item's pages: the item, its history, its comparisons.
    Item { slug: String, id: String },
}

/// A page in the cache: its scope and what identifies it within the scope.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PageKey {
    pub scope: Scope,
    pub path: String,
}

/// What a cached page was built from: the epoch, and its scope's generation (front, tenant) or
/// the change clock (item) when the build began.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamp {
    epoch: u64,
    generation: u64,
}

struct Entry {
    page: Arc<Rendered>,
    stamp: Stamp,
    /// Weight in bytes, computed once.
    weight: u32,
}

/// A generation with the times of its last few moves (to tell how long a page has been stale).
#[derive(Default)]
struct Generation {
    generation: u64,
    moves: VecDeque<(u64, Instant)>,
}

/// Moves kept per scope: a page more moves behind than this is treated as stale for too long.
const MOVES_KEPT: usize = 32;

impl Generation {
    fn bump(&mut self, at: Instant) {
        self.generation += 1;
        if self.moves.len() == MOVES_KEPT {
            self.moves.pop_front();
        }
        self.moves.push_back((self.generation, at));
    }

    /// When the page built at `generation` became stale, if that is still known.
    fn stale_since(&self, generation: u64) -> Option<Instant> {
        self.moves
            .iter()
            .find(|(g, _)| *g == generation + 1)
            .map(|(_, t)| *t)
    }
}

/// Why a page was not served from the cache nor built.
#[derive(Debug)]
pub enum Miss<E> {
    /// The build failed (not cached).
    Failed(E),
    /// The item changed while its page was built: the page is served to this request but not
    /// cached (a withdrawal racing with a render must not leave the old page behind).
    Raced(Arc<Rendered>),
}

/// How a page was found.
enum Lookup {
    Fresh(Arc<Rendered>),
    /// Servable while one request re-renders it.
    Stale(Arc<Entry>),
    /// Absent, or too stale to serve.
    Missing,
}

pub struct PageCache {
    pages: moka::future::Cache<PageKey, Arc<Entry>>,
    epoch: AtomicU64,
    front: Mutex<Generation>,
    tenants: RwLock<HashMap<String, Generation>>,
    /// The change clock: moves with every item change; item pages are stamped with it.
    clock: AtomicU64,
    /// The clock value of item changes, by (tenant, item): an item page stamped before its
    /// item's change is never served, and a build that began before it is not cached. Kept as
    /// long as a page can live, so no page outlives the record of its change; a record pushed
    /// out early (more changes than the cache holds) raises `forgotten` instead. Keyed by a
    /// hash of the two (no allocation per read): a collision only costs a needless render.
    item_changes: moka::sync::Cache<u64, u64>,
    /// Item pages stamped before this clock value are treated as changed.
    forgotten: Arc<AtomicU64>,
    /// Pages whose stale copy is being re-rendered (single flight per page).
    refreshing: Mutex<HashSet<PageKey>>,
    /// Items this hub changed itself (tenant, external id, version, kind): the change-feed
    /// follower skips them instead of invalidating twice.
    own_writes: moka::sync::Cache<(String, String, i32, FeedKind), ()>,
    /// Pages built so far (first builds and refreshes): what operators and tests read to see
    /// how much a change cost.
    builds: AtomicU64,
}

impl PageCache {
    /// A cache holding at most `max_bytes` of pages (bodies and their compressed variants).
    pub fn new(max_bytes: u64) -> Self {
        let forgotten = Arc::new(AtomicU64::new(0));
        let forgotten_by_size = forgotten.clone();
        Self {
            pages: moka::future::Cache::builder()
                .max_capacity(max_bytes)
                .weigher(|k: &PageKey, e: &Arc<Entry>| {
                    e.weight
                        .saturating_add(u32::try_from(k.path.len()).unwrap_or(u32::MAX))
                })
                .time_to_live(PAGE_TTL)
                .build(),
            epoch: AtomicU64::new(0),
            front: Mutex::new(Generation::default()),
            tenants: RwLock::new(HashMap::new()),
            clock: AtomicU64::new(0),
            item_changes: moka::sync::Cache::builder()
                .max_capacity(ITEM_CHANGES_KEPT)
                .time_to_live(PAGE_TTL + Duration::from_secs(60))
                .eviction_listener(move |_, at: u64, cause| {
                    if cause == moka::notification::RemovalCause::Size {
                        forgotten_by_size.fetch_max(at, Ordering::AcqRel);
                    }
                })
                .build(),
            forgotten,
            refreshing: Mutex::new(HashSet::new()),
            own_writes: moka::sync::Cache::builder()
                .max_capacity(100_000)
                .time_to_live(Duration::from_secs(300))
                .build(),
            builds: AtomicU64::new(0),
        }
    }

    /// The stamp a build of `key` starting now carries.
    fn stamp(&self, key: &PageKey) -> Stamp {
        let epoch = self.epoch.load(Ordering::Acquire);
        let generation = match &key.scope {
            Scope::Front => lock(&self.front).generation,
            Scope::Tenant(slug) => self
                .tenants
                .read()
                .map(|t| t.get(slug).map_or(0, |g| g.generation))
                .unwrap_or(0),
            Scope::Item { .. } => self.clock.load(Ordering::Acquire),
        };
        Stamp { epoch, generation }
    }

    /// Whether the item of an item page changed after `stamp` was taken.
    fn item_changed_since(&self, key: &PageKey, stamp: Stamp) -> bool {
        match &key.scope {
            Scope::Item { slug, id } => {
                stamp.generation < self.forgotten.load(Ordering::Acquire)
                    || self
                        .item_changes
                        .get(&item_hash(slug, id))
                        .is_some_and(|at| at > stamp.generation)
            }
            Scope::Front | Scope::Tenant(_) => false,
        }
    }

    async fn lookup(&self, key: &PageKey) -> Lookup {
        let Some(entry) = self.pages.get(key).await else {
            return Lookup::Missing;
        };
        let now = self.stamp(key);
        if entry.stamp.epoch != now.epoch || self.item_changed_since(key, entry.stamp) {
            return Lookup::Missing;
        }
        let stale_since = match &key.scope {
            Scope::Item { .. } => return Lookup::Fresh(entry.page.clone()),
            _ if entry.stamp.generation == now.generation => {
                return Lookup::Fresh(entry.page.clone());
            }
            Scope::Front => lock(&self.front).stale_since(entry.stamp.generation),
            Scope::Tenant(slug) => self.tenants.read().ok().and_then(|t| {
                t.get(slug)
                    .and_then(|g| g.stale_since(entry.stamp.generation))
            }),
        };
        match stale_since {
            Some(t) if t.elapsed() <= MAX_STALE => Lookup::Stale(entry),
            _ => Lookup::Missing,
        }
    }

    /// The page under `key`: fresh from the cache; or stale from the cache while one request
    /// re-renders it in the background; or built by `build` (concurrent requests for the same
    /// page wait for one build). `build` gets a name for the page that changes with what it was
    /// built from (for the render pool's memory of failures). A failed build is not cached.
    pub async fn get_or_build<F, Fut, E>(
        self: &Arc<Self>,
        key: PageKey,
        build: F,
    ) -> Result<Arc<Rendered>, Arc<Miss<E>>>
    where
        F: FnOnce(String) -> Fut + Send + 'static,
        Fut: Future<Output = Result<Rendered, E>> + Send + 'static,
        E: Send + Sync + 'static,
    {
        match self.lookup(&key).await {
            Lookup::Fresh(page) => Ok(page),
            Lookup::Stale(old) => {
                let page = old.page.clone();
                if let Some(claim) = self.claim_refresh(&key) {
                    let cache = self.clone();
                    // A task of its own: the refresh finishes even if this reader goes away.
                    tokio::spawn(async move {
                        let _claim = claim;
                        cache.refresh(key, old, build).await;
                    });
                }
                Ok(page)
            }
            Lookup::Missing => {
                // Removing first makes `try_get_with` build instead of returning the old
                // entry; concurrent requests then wait for this one build.
                self.pages.invalidate(&key).await;
                let cache = self.clone();
                let k = key.clone();
                let built = self
                    .pages
                    .try_get_with(key, async move {
                        let stamp = cache.stamp(&k);
                        cache.builds.fetch_add(1, Ordering::Relaxed);
                        let page =
                            Arc::new(build(cache.name(&k, stamp)).await.map_err(Miss::Failed)?);
                        if cache.item_changed_since(&k, stamp) {
                            return Err(Miss::Raced(page));
                        }
                        Ok(entry(page, stamp))
                    })
                    .await;
                match built {
                    Ok(e) => Ok(e.page.clone()),
                    Err(miss) => match &*miss {
                        Miss::Raced(page) => Ok(page.clone()),
                        Miss::Failed(_) => Err(miss),
                    },
                }
            }
        }
    }

    /// Renders a stale page again and puts it in place. If nothing in it changed, the old copy
    /// stays (with its `Last-Modified`) under the new stamp.
    async fn refresh<F, Fut, E>(&self, key: PageKey, old: Arc<Entry>, build: F)
    where
        F: FnOnce(String) -> Fut,
        Fut: Future<Output = Result<Rendered, E>>,
    {
        let stamp = self.stamp(&key);
        self.builds.fetch_add(1, Ordering::Relaxed);
        let Ok(page) = build(self.name(&key, stamp)).await else {
            // Readers will wait for a build of their own once the stale copy is too old.
            return;
        };
        let page = if page.etag == old.page.etag {
            old.page.clone()
        } else {
            Arc::new(page)
        };
        self.pages.insert(key, entry(page, stamp)).await;
    }

    fn claim_refresh(self: &Arc<Self>, key: &PageKey) -> Option<RefreshClaim> {
        let mut set = lock(&self.refreshing);
        set.insert(key.clone()).then(|| RefreshClaim {
            cache: self.clone(),
            key: key.clone(),
        })
    }

    /// An item was published or withdrawn: its own pages go at once. (Its tenant's lists go
    /// stale with [`Self::tenant_changed`], once per batch.)
    pub fn item_changed(&self, slug: &str, id: &str) {
        let at = self.clock.fetch_add(1, Ordering::AcqRel) + 1;
        self.item_changes.insert(item_hash(slug, id), at);
    }

    /// A tenant's content changed: its list pages and the provincial site's go stale.
    pub fn tenant_changed(&self, slug: &str) {
        let now = Instant::now();
        if let Ok(mut t) = self.tenants.write() {
            t.entry(slug.to_string()).or_default().bump(now);
        }
        lock(&self.front).bump(now);
    }

    /// Something changed that may touch every page (a new tenant, a new category registry).
    pub fn invalidate_all(&self) {
        self.epoch.fetch_add(1, Ordering::AcqRel);
        self.pages.invalidate_all();
    }

    /// Records a change this hub made itself, so that the change-feed follower can skip it.
    pub fn note_own_write(&self, slug: &str, id: &str, version: i32, kind: FeedKind) {
        self.own_writes
            .insert((slug.to_string(), id.to_string(), version, kind), ());
    }

    /// Whether a change-feed entry is one this hub made itself (and already invalidated);
    /// each is recognised once.
    pub fn take_own_write(&self, slug: &str, id: &str, version: i32, kind: FeedKind) -> bool {
        self.own_writes
            .remove(&(slug.to_string(), id.to_string(), version, kind))
            .is_some()
    }

    /// The name a build of `key` at `stamp` gets: the render pool remembers failed pages by
    /// it, until what the page shows changes. For an item's pages that is the item's own last
    /// change, not the clock (which every item's change moves).
    fn name(&self, key: &PageKey, stamp: Stamp) -> String {
        let (tenant, generation) = match &key.scope {
            Scope::Front => ("-", stamp.generation),
            Scope::Tenant(slug) => (slug.as_str(), stamp.generation),
            Scope::Item { slug, id } => (
                slug.as_str(),
                self.item_changes.get(&item_hash(slug, id)).unwrap_or(0),
            ),
        };
        format!("{}:{generation}:{tenant}:{}", stamp.epoch, key.path)
    }

    /// Pages built since the hub started.
    pub fn builds(&self) -> u64 {
        self.builds.load(Ordering::Relaxed)
    }

    /// Bytes held (an estimate that moka settles lazily) and pages held.
    pub async fn usage(&self) -> (u64, u64) {
        self.pages.run_pending_tasks().await;
        (self.pages.weighted_size(), self.pages.entry_count())
    }
}

/// The key of an item in `PageCache::item_changes`.
fn item_hash(slug: &str, id: &str) -> u64 {
    use std::hash::Hasher;
    let mut h = std::collections::hash_map::DefaultHasher::new();
    h.write(slug.as_bytes());
    h.write_u8(0);
    h.write(id.as_bytes());
    h.finish()
}

fn entry(page: Arc<Rendered>, stamp: Stamp) -> Arc<Entry> {
    let weight = u32::try_from(page.weight()).unwrap_or(u32::MAX);
    Arc::new(Entry {
        page,
        stamp,
        weight,
    })
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    match m.lock() {
        Ok(g) => g,
        Err(p) => p.into_inner(),
    }
}

/// The right to re-render one stale page; released when dropped (also on cancellation).
struct RefreshClaim {
    cache: Arc<PageCache>,
    key: PageKey,
}

impl Drop for RefreshClaim {
    fn drop(&mut self) {
        lock(&self.cache.refreshing).remove(&self.key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;

    fn key(scope: Scope) -> PageKey {
        PageKey {
            scope,
            path: "p".into(),
        }
    }

    fn item(slug: &str, id: &str) -> PageKey {
        key(Scope::Item {
            slug: slug.into(),
            id: id.into(),
        })
    }

    /// Serves `key`, counting builds, with a body naming the build.
    async fn serve(c: &Arc<PageCache>, k: &PageKey, builds: &Arc<AtomicUsize>) -> String {
        let b = builds.clone();
        let page = c
            .get_or_build(k.clone(), move |_| async move {
                let n = b.fetch_add(1, Ordering::SeqCst) + 1;
                Ok::<_, ()>(Rendered::new(format!("build {n}")))
            })
            .await
            .map_err(|_| "failed")
            .unwrap();
        String::from_utf8(page.body.to_vec()).unwrap()
    }

    #[tokio::test]
    async fn a_change_invalidates_its_item_hard_and_its_lists_soft_and_nothing_else() {
        let c = Arc::new(PageCache::new(1 << 20));
        let n = Arc::new(AtomicUsize::new(0));
        let (x, y, other) = (item("a", "x"), item("a", "y"), item("b", "z"));
        let (list_a, list_b, front) = (
            key(Scope::Tenant("a".into())),
            key(Scope::Tenant("b".into())),
            key(Scope::Front),
        );
        for k in [&x, &y, &other, &list_a, &list_b, &front] {
            serve(&c, k, &n).await;
        }
        assert_eq!(n.load(Ordering::SeqCst), 6);
        c.item_changed("a", "x");
        c.tenant_changed("a");
        // The item itself: built again at once.
        assert_eq!(serve(&c, &x, &n).await, "build 7");
        // Its tenant's lists and the front page: the stale copy, while one refresh runs.
        assert_eq!(serve(&c, &list_a, &n).await, "build 4");
        assert_eq!(serve(&c, &front, &n).await, "build 6");
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert_eq!(n.load(Ordering::SeqCst), 9, "one refresh each");
        assert_eq!(serve(&c, &list_a, &n).await, "build 8");
        // Other items of the tenant, and other tenants: untouched.
        for (k, body) in [(&y, "build 2"), (&other, "build 3"), (&list_b, "build 5")] {
            assert_eq!(serve(&c, k, &n).await, body);
        }
        assert_eq!(n.load(Ordering::SeqCst), 9);
        c.invalidate_all();
        assert_eq!(serve(&c, &list_b, &n).await, "build 10");
    }

    #[tokio::test]
    async fn a_stale_page_is_served_only_for_a_moment_after_the_change() {
        let c = Arc::new(PageCache::new(1 << 20));
        let n = Arc::new(AtomicUsize::new(0));
        let list = key(Scope::Tenant("a".into()));
        serve(&c, &list, &n).await;
        c.tenant_changed("a");
        // Nobody asked within MAX_STALE: the next reader waits for a new copy.
        if let Ok(mut t) = c.tenants.write()
            && let Some(g) = t.get_mut("a")
        {
            for m in g.moves.iter_mut() {
                m.1 -= MAX_STALE + Duration::from_millis(10);
            }
        }
        assert_eq!(serve(&c, &list, &n).await, "build 2");
    }

    #[tokio::test]
    async fn a_build_overtaken_by_its_items_change_is_served_but_not_cached() {
        let c = Arc::new(PageCache::new(1 << 20));
        let x = item("a", "x");
        let c2 = c.clone();
        let page = c
            .get_or_build(x.clone(), move |_| async move {
                c2.item_changed("a", "x");
                Ok::<_, ()>(Rendered::new("old".into()))
            })
            .await
            .map_err(|_| "failed")
            .unwrap();
        assert_eq!(&page.body[..], b"old");
        let n = Arc::new(AtomicUsize::new(0));
        assert_eq!(serve(&c, &x, &n).await, "build 1");
    }

    #[test]
    fn a_failed_item_page_keeps_its_name_until_its_own_item_changes() {
        // The render pool does not retry a failed page while its name stays the same.
        let c = PageCache::new(1 << 20);
        let x = item("a", "x");
        let before = c.name(&x, c.stamp(&x));
        c.item_changed("a", "y");
        c.tenant_changed("a");
        assert_eq!(c.name(&x, c.stamp(&x)), before);
        c.item_changed("a", "x");
        assert_ne!(c.name(&x, c.stamp(&x)), before);
    }

    #[tokio::test]
    async fn the_cache_is_bounded_in_bytes() {
        let c = Arc::new(PageCache::new(200_000));
        for i in 0..100 {
            let k = PageKey {
                scope: Scope::Front,
                path: format!("p{i}"),
            };
            let page = Rendered::new(format!("{i}{}", "x".repeat(10_000)));
            c.get_or_build(k, move |_| async move { Ok::<_, ()>(page) })
                .await
                .map_err(|_| "failed")
                .unwrap();
        }
        let (bytes, pages) = c.usage().await;
        assert!(bytes <= 200_000, "{bytes} bytes held");
        assert!(pages < 100, "{pages} pages held");
    }

    #[test]
    fn large_pages_get_variants_that_decode_to_the_page() {
        use std::io::Read;
        let html = "<p>Ủy ban nhân dân tỉnh Bến Tre</p>\n".repeat(100);
        let r = Rendered::new(html.clone());
        let mut out = String::new();
        flate2::read::GzDecoder::new(&r.gzip.as_ref().unwrap()[..])
            .read_to_string(&mut out)
            .unwrap();
        assert_eq!(out, html);
        out.clear();
        brotli::Decompressor::new(&r.br.as_ref().unwrap()[..], 4096)
            .read_to_string(&mut out)
            .unwrap();
        assert_eq!(out, html);
        let small = Rendered::new("<p>ngắn</p>".into());
        assert!(small.gzip.is_none() && small.br.is_none());
    }
}
