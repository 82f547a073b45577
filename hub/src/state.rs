//! What every part of a running hub shares.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use portal_core::category::Registry;
use portal_core::{TenantKind, UnixMillis};
use portal_pki::CertificateAuthority;
use portal_store::{Outcome, Store};

use crate::config::HubConfig;
use crate::health::Health;
use crate::media::MediaFiles;
use crate::service::EnrollLimiter;
use crate::web::cache::PageCache;
use crate::web::render::RenderPool;

/// The clock of the hub (tests and benchmarks use the real one too).
pub fn now() -> UnixMillis {
    UnixMillis::from_system_time(std::time::SystemTime::now())
}

/// Counters an operator (and the tests) can read.
#[derive(Default, Debug)]
pub struct Counters {
    pub entries_accepted: AtomicU64,
    pub entries_unchanged: AtomicU64,
    /// Resends of entries already committed: proof that replay protection ran.
    pub entries_duplicate: AtomicU64,
    pub entries_rejected: AtomicU64,
}

impl Counters {
    fn counter(&self, outcome: Outcome) -> &AtomicU64 {
        match outcome {
            Outcome::Accepted => &self.entries_accepted,
            Outcome::Unchanged => &self.entries_unchanged,
            Outcome::Duplicate => &self.entries_duplicate,
            Outcome::Rejected => &self.entries_rejected,
        }
    }

    pub fn add(&self, outcome: Outcome) {
        self.counter(outcome).fetch_add(1, Ordering::Relaxed);
    }

    pub fn get(&self, outcome: Outcome) -> u64 {
        self.counter(outcome).load(Ordering::Relaxed)
    }
}

pub struct HubStateInner {
    pub config: Arc<HubConfig>,
    pub store: Store,
    pub ca: CertificateAuthority,
    pub cache: Arc<PageCache>,
    pub render: RenderPool,
    pub counters: Counters,
    pub health: Health,
    pub media: MediaFiles,
    /// Media being uploaded right now; a second upload of the same object waits its turn.
    pub media_uploads: std::sync::Mutex<std::collections::HashSet<String>>,
    /// Failed enrollments by source address.
    pub enroll_limiter: EnrollLimiter,
    /// The category registry in force (reloaded when another process loads a new version).
    registry: std::sync::RwLock<Arc<Registry>>,
    /// Tenant kinds by slug (a tenant's kind never changes), so the category rules need no
    /// query per call.
    tenant_kinds: std::sync::RwLock<std::collections::HashMap<String, TenantKind>>,
    /// What verified client certificates say, by their DER bytes: parsing X.509 on every call
    /// would cost more than the rest of authentication. Only parsing is cached; whether the
    /// agent may still call is asked of the store on every call.
    pub peer_certs: moka::sync::Cache<Vec<u8>, portal_pki::PeerCertificate>,
    /// The full-text index (`service::search`), set once it is open.
    pub search: std::sync::OnceLock<Arc<portal_search::SearchIndex>>,
}

pub type HubState = Arc<HubStateInner>;

impl HubStateInner {
    pub fn new(
        config: HubConfig,
        store: Store,
        ca: CertificateAuthority,
        registry: Registry,
    ) -> Self {
        let render = RenderPool::new(config.render_threads, config.render_budget.get());
        let health = Health::new(
            vec![config.data_dir.clone(), config.media_dir()],
            config.min_free_disk_bytes,
        );
        Self {
            cache: Arc::new(PageCache::new(config.page_cache_bytes)),
            render,
            counters: Counters::default(),
            health,
            media: MediaFiles::new(&config.media_dir()),
            media_uploads: Default::default(),
            enroll_limiter: EnrollLimiter::new(
                config.enroll_failures_allowed,
                config.enroll_backoff_max.get(),
            ),
            registry: std::sync::RwLock::new(Arc::new(registry)),
            tenant_kinds: Default::default(),
            peer_certs: moka::sync::Cache::builder()
                .max_capacity(50_000)
                .time_to_idle(std::time::Duration::from_secs(3600))
                .build(),
            search: std::sync::OnceLock::new(),
            store,
            ca,
            config: Arc::new(config),
        }
    }

    pub fn registry(&self) -> Arc<Registry> {
        match self.registry.read() {
            Ok(r) => r.clone(),
            Err(p) => p.into_inner().clone(),
        }
    }

    pub fn set_registry(&self, r: Registry) {
        match self.registry.write() {
            Ok(mut g) => *g = Arc::new(r),
            Err(p) => *p.into_inner() = Arc::new(r),
        }
    }

    /// The kind of a tenant, from memory or once from the store; `None` if there is no such
    /// tenant.
    pub async fn tenant_kind(&self, slug: &str) -> portal_store::Result<Option<TenantKind>> {
        if let Ok(map) = self.tenant_kinds.read()
            && let Some(k) = map.get(slug)
        {
            return Ok(Some(*k));
        }
        let Some(t) = self.store.tenant_by_slug(slug).await? else {
            return Ok(None);
        };
        if let Ok(mut map) = self.tenant_kinds.write() {
            map.insert(slug.to_string(), t.kind);
        }
        Ok(Some(t.kind))
    }
}
