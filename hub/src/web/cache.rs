//! The page cache: rendered pages in moka, keyed by generation numbers so that invalidation is
//! O(1) and immediate. A tenant's change bumps that tenant's generation and the front page's;
//! a change seen in the change feed but made elsewhere (another replica, the CLI) bumps the
//! global epoch.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

use bytes::Bytes;

/// A rendered page with its validator.
#[derive(Debug)]
pub struct Rendered {
    pub body: Bytes,
    pub etag: String,
}

impl Rendered {
    pub fn new(html: String) -> Arc<Self> {
        use sha2::{Digest, Sha256};
        let digest = Sha256::digest(html.as_bytes());
        Arc::new(Self {
            etag: format!("\"{}\"", hex::encode(&digest[..12])),
            body: Bytes::from(html),
        })
    }
}

pub struct PageCache {
    pages: moka::future::Cache<String, Arc<Rendered>>,
    tenant_gens: RwLock<HashMap<String, u64>>,
    front_gen: AtomicU64,
    epoch: AtomicU64,
}

impl PageCache {
    pub fn new(capacity: u64) -> Self {
        Self {
            pages: moka::future::Cache::builder()
                .max_capacity(capacity)
                .time_to_live(std::time::Duration::from_secs(3600))
                .build(),
            tenant_gens: RwLock::new(HashMap::new()),
            front_gen: AtomicU64::new(0),
            epoch: AtomicU64::new(0),
        }
    }

    fn tenant_gen(&self, slug: &str) -> u64 {
        self.tenant_gens
            .read()
            .map(|g| g.get(slug).copied().unwrap_or(0))
            .unwrap_or(0)
    }

    /// Cache key of a page of the provincial site.
    pub fn front_key(&self, path: &str) -> String {
        format!(
            "{}:f{}:{path}",
            self.epoch.load(Ordering::Acquire),
            self.front_gen.load(Ordering::Acquire)
        )
    }

    /// Cache key of a page of a tenant's site.
    pub fn tenant_key(&self, slug: &str, path: &str) -> String {
        format!(
            "{}:t{}:{slug}:{path}",
            self.epoch.load(Ordering::Acquire),
            self.tenant_gen(slug)
        )
    }

    pub async fn get(&self, key: &str) -> Option<Arc<Rendered>> {
        self.pages.get(key).await
    }

    pub async fn put(&self, key: String, page: Arc<Rendered>) {
        self.pages.insert(key, page).await;
    }

    /// The page under `key`, built by `build` if it is not cached. Concurrent requests for the
    /// same page wait for one build instead of each starting their own (so a slow page costs
    /// one render thread, however many readers ask for it); a failed build is not cached.
    pub async fn get_or_build<F, E>(&self, key: String, build: F) -> Result<Arc<Rendered>, Arc<E>>
    where
        F: std::future::Future<Output = Result<Arc<Rendered>, E>>,
        E: Send + Sync + 'static,
    {
        self.pages.try_get_with(key, build).await
    }

    /// A tenant's content changed: its pages and the front page are stale.
    pub fn invalidate_tenant(&self, slug: &str) {
        if let Ok(mut g) = self.tenant_gens.write() {
            *g.entry(slug.to_string()).or_insert(0) += 1;
        }
        self.front_gen.fetch_add(1, Ordering::AcqRel);
    }

    /// Something changed that this process did not do itself.
    pub fn invalidate_all(&self) {
        self.epoch.fetch_add(1, Ordering::AcqRel);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn invalidation_is_scoped_and_immediate() {
        let c = PageCache::new(100);
        let (a, b, f) = (
            c.tenant_key("a", "/"),
            c.tenant_key("b", "/"),
            c.front_key("/"),
        );
        for k in [&a, &b, &f] {
            c.put(k.clone(), Rendered::new("x".into())).await;
        }
        c.invalidate_tenant("a");
        assert!(c.get(&c.tenant_key("a", "/")).await.is_none());
        assert!(c.get(&c.front_key("/")).await.is_none());
        assert!(c.get(&c.tenant_key("b", "/")).await.is_some());
        c.invalidate_all();
        assert!(c.get(&c.tenant_key("b", "/")).await.is_none());
    }
}
