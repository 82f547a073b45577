//! What every handler shares.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use portal_pki::CertificateAuthority;
use portal_store::Store;

use crate::config::HubConfig;
use crate::web::cache::PageCache;

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
    pub fn add(&self, outcome: portal_store::Outcome) {
        use portal_store::Outcome::*;
        let c = match outcome {
            Accepted => &self.entries_accepted,
            Unchanged => &self.entries_unchanged,
            Duplicate => &self.entries_duplicate,
            Rejected => &self.entries_rejected,
        };
        c.fetch_add(1, Ordering::Relaxed);
    }

    pub fn get(&self, outcome: portal_store::Outcome) -> u64 {
        use portal_store::Outcome::*;
        match outcome {
            Accepted => &self.entries_accepted,
            Unchanged => &self.entries_unchanged,
            Duplicate => &self.entries_duplicate,
            Rejected => &self.entries_rejected,
        }
        .load(Ordering::Relaxed)
    }
}

pub struct HubStateInner {
    pub config: HubConfig,
    pub store: Store,
    pub ca: CertificateAuthority,
    pub cache: PageCache,
    pub counters: Counters,
    pub review_on_accept: portal_core::ProvinceReview,
    pub media: crate::media::MediaFiles,
    /// Media being uploaded right now; a second upload of the same object waits its turn.
    pub media_uploads: std::sync::Mutex<std::collections::HashSet<String>>,
    /// The category registry in force (reloaded when another process loads a new version).
    pub registry: std::sync::RwLock<Arc<portal_core::category::Registry>>,
    /// Tenant kinds by slug (a tenant's kind never changes), so the category rules need no
    /// query per call.
    pub tenant_kinds: std::sync::RwLock<std::collections::HashMap<String, portal_core::TenantKind>>,
    /// What verified client certificates say, by their DER bytes: parsing X.509 on every call
    /// would cost more than the rest of authentication. Only parsing is cached; whether the
    /// agent may still call is asked of the store on every call.
    pub peer_certs: moka::sync::Cache<Vec<u8>, portal_pki::PeerCertificate>,
}

/// Entries of [`HubStateInner::peer_certs`]: one per connected agent.
pub fn peer_cert_cache() -> moka::sync::Cache<Vec<u8>, portal_pki::PeerCertificate> {
    moka::sync::Cache::builder()
        .max_capacity(50_000)
        .time_to_idle(std::time::Duration::from_secs(3600))
        .build()
}

impl HubStateInner {
    pub fn registry(&self) -> Arc<portal_core::category::Registry> {
        match self.registry.read() {
            Ok(r) => r.clone(),
            Err(p) => p.into_inner().clone(),
        }
    }

    /// The kind of a tenant, from memory or once from the store; `None` if there is no such
    /// tenant.
    pub async fn tenant_kind(
        &self,
        slug: &str,
    ) -> portal_store::Result<Option<portal_core::TenantKind>> {
        if let Ok(map) = self.tenant_kinds.read()
            && let Some(k) = map.get(slug)
        {
            return Ok(Some(*k));
        }
        let Some(t) = self.store.tenant_by_slug(slug).await? else {
            return Ok(None);
        };
        let kind = portal_core::TenantKind::parse(&t.kind).unwrap_or(portal_core::TenantKind::Unit);
        if let Ok(mut map) = self.tenant_kinds.write() {
            map.insert(slug.to_string(), kind);
        }
        Ok(Some(kind))
    }

    pub fn set_registry(&self, r: portal_core::category::Registry) {
        match self.registry.write() {
            Ok(mut g) => *g = Arc::new(r),
            Err(p) => *p.into_inner() = Arc::new(r),
        }
    }
}

pub type HubState = Arc<HubStateInner>;
