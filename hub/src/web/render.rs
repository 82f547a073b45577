//! Rendering pages off the async runtime, within a time budget.
//!
//! Turning an item's Markdown into sanitised HTML and laying out a page is CPU work that grows
//! with what an agent sent; on a runtime thread, one slow page would stall every other request
//! and the agents' calls. So pages are rendered on blocking threads, at most `threads` at once
//! (a semaphore), and a render that takes longer than the budget is answered as failed: its
//! thread finishes in the background while holding its permit, so runaway renders can never
//! occupy more than `threads` cores. A page that failed is remembered (by its cache key, which
//! changes with its content) and not rendered again for every request.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Semaphore;

/// Why a page could not be rendered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RenderError {
    /// Every render thread was busy for the whole budget.
    #[error("every page renderer is busy")]
    Busy,
    /// This page took too long (now or before) or its renderer failed.
    #[error("the page could not be rendered")]
    Failed,
}

pub struct RenderPool {
    permits: Arc<Semaphore>,
    budget: Duration,
    /// Keys of pages whose render failed: not tried again until their content changes (new key)
    /// or a while has passed.
    failed: moka::sync::Cache<String, ()>,
}

impl RenderPool {
    pub fn new(threads: usize, budget: Duration) -> Self {
        Self {
            permits: Arc::new(Semaphore::new(threads.max(1))),
            budget,
            failed: moka::sync::Cache::builder()
                .max_capacity(10_000)
                .time_to_live(Duration::from_secs(600))
                .build(),
        }
    }

    /// Runs `render` on a blocking thread; `key` names the page for the memory of failures.
    pub async fn render<T, F>(&self, key: &str, render: F) -> Result<T, RenderError>
    where
        T: Send + 'static,
        F: FnOnce() -> T + Send + 'static,
    {
        if self.failed.contains_key(key) {
            return Err(RenderError::Failed);
        }
        let permit = tokio::time::timeout(self.budget, self.permits.clone().acquire_owned())
            .await
            .map_err(|_| RenderError::Busy)?
            .map_err(|_| RenderError::Busy)?;
        let job = tokio::task::spawn_blocking(move || {
            let _permit = permit;
            render()
        });
        match tokio::time::timeout(self.budget, job).await {
            Ok(Ok(page)) => Ok(page),
            Ok(Err(panicked)) => {
                tracing::error!(page = key, error = %panicked, "page renderer failed");
                self.failed.insert(key.to_string(), ());
                Err(RenderError::Failed)
            }
            Err(_) => {
                tracing::warn!(
                    page = key,
                    budget_ms = self.budget.as_millis() as u64,
                    "page took longer than its budget to render; not retried until it changes"
                );
                self.failed.insert(key.to_string(), ());
                Err(RenderError::Failed)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[tokio::test]
    async fn a_slow_page_fails_once_and_is_not_rendered_again() {
        let pool = RenderPool::new(1, Duration::from_millis(100));
        let runs = Arc::new(AtomicUsize::new(0));
        for _ in 0..3 {
            let r = runs.clone();
            let out = pool
                .render("slow", move || {
                    r.fetch_add(1, Ordering::SeqCst);
                    std::thread::sleep(Duration::from_millis(300));
                    String::from("late")
                })
                .await;
            assert_eq!(out, Err(RenderError::Failed));
        }
        assert_eq!(runs.load(Ordering::SeqCst), 1, "rendered once only");
        // While the runaway render holds the only thread, others wait at most the budget.
        let busy = pool.render("other", || String::from("x")).await;
        assert_eq!(busy, Err(RenderError::Busy));
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(
            pool.render("other", || String::from("x")).await.unwrap(),
            "x"
        );
    }
}
