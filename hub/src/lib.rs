//! The federation hub (`portal-hub`): thin wiring of configuration, store, PKI, the agents'
//! mutual-TLS gRPC endpoint and the public web pages.

pub mod config;
pub mod grpc;
pub mod init;
pub mod media;
pub mod ops;
pub mod state;
pub mod web;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

pub use config::HubConfig;
use state::{HubState, HubStateInner};

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// A hub serving gRPC and HTTP until [`RunningHub::stop`].
pub struct RunningHub {
    pub grpc_addr: SocketAddr,
    pub http_addr: SocketAddr,
    pub state: HubState,
    stop: tokio::sync::watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

impl RunningHub {
    /// Stops accepting, finishes what is in flight, closes the database.
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        for t in self.tasks {
            let _ = tokio::time::timeout(Duration::from_secs(10), t).await;
        }
        let store = self.state.store.clone();
        drop(self.state);
        let _ = store.close().await;
    }
}

async fn stopped(mut rx: tokio::sync::watch::Receiver<bool>) {
    let _ = rx.wait_for(|v| *v).await;
}

/// Starts a hub from its configuration (the data dir must have been initialised).
pub async fn start(config: HubConfig) -> anyhow::Result<RunningHub> {
    let files = init::PkiFiles::new(&config.pki_dir());
    let ca = files.load_ca()?;
    let store = portal_store::Store::open(&config.database_url())
        .await
        .with_context(|| {
            format!(
                "opening database {}",
                init::redact_url(&config.database_url())
            )
        })?;
    let review_on_accept = config.review_on_accept()?;
    let registry = load_registry(&store).await?;
    let state: HubState = Arc::new(HubStateInner {
        cache: web::cache::PageCache::new(config.page_cache_entries),
        counters: Default::default(),
        review_on_accept,
        media: media::MediaFiles::new(&config.media_dir()),
        media_uploads: Default::default(),
        registry: std::sync::RwLock::new(Arc::new(registry)),
        tenant_kinds: Default::default(),
        peer_certs: state::peer_cert_cache(),
        store,
        ca,
        config,
    });
    let grpc_listener = TcpListener::bind(state.config.grpc_listen)
        .await
        .with_context(|| format!("binding gRPC port {}", state.config.grpc_listen))?;
    let http_listener = TcpListener::bind(state.config.http_listen)
        .await
        .with_context(|| format!("binding HTTP port {}", state.config.http_listen))?;
    let grpc_addr = grpc_listener.local_addr()?;
    let http_addr = http_listener.local_addr()?;
    let (stop, rx) = tokio::sync::watch::channel(false);
    let mut tasks = Vec::new();
    {
        let state = state.clone();
        let rx = rx.clone();
        tasks.push(tokio::spawn(async move {
            if let Err(e) = grpc::serve(state, grpc_listener, rx).await {
                tracing::error!(error = %e, "gRPC server stopped");
            }
        }));
    }
    {
        let app = web::router(state.clone());
        let rx = rx.clone();
        tasks.push(tokio::spawn(async move {
            if let Err(e) = axum::serve(http_listener, app)
                .with_graceful_shutdown(stopped(rx))
                .await
            {
                tracing::error!(error = %e, "HTTP server stopped");
            }
        }));
    }
    tasks.push(tokio::spawn(follow_change_feed(state.clone(), rx)));
    tracing::info!(%grpc_addr, %http_addr, domain = %state.config.domain, "hub serving");
    Ok(RunningHub {
        grpc_addr,
        http_addr,
        state,
        stop,
        tasks,
    })
}

/// The registry in force; a new database gets the registry shipped with the hub.
pub async fn load_registry(
    store: &portal_store::Store,
) -> anyhow::Result<portal_core::category::Registry> {
    use portal_core::category::Registry;
    match store.category_registry().await? {
        Some((_, source)) => Registry::from_toml(&source)
            .map_err(|e| anyhow::anyhow!("the stored category registry is invalid: {e}")),
        None => {
            let builtin = Registry::builtin();
            store
                .load_category_registry(
                    builtin.version as i32,
                    Registry::builtin_toml(),
                    "hub:builtin",
                    now_ms(),
                )
                .await?;
            Ok(builtin)
        }
    }
}

/// Notices writes made by other processes (the CLI, other replicas) through the change feed and
/// drops cached pages when there are any.
async fn follow_change_feed(state: HubState, mut stop: tokio::sync::watch::Receiver<bool>) {
    let mut seen = state.store.change_feed_head().await.unwrap_or(0);
    let mut registry_id = state.store.category_registry_id().await.unwrap_or(None);
    loop {
        tokio::select! {
            _ = stop.wait_for(|v| *v) => return,
            _ = tokio::time::sleep(Duration::from_millis(500)) => {}
        }
        match state.store.change_feed_head().await {
            Ok(head) if head != seen => {
                seen = head;
                state.cache.invalidate_all();
                // Re-parse the registry only when another version was loaded, not on every
                // publication.
                let id = state
                    .store
                    .category_registry_id()
                    .await
                    .unwrap_or(registry_id);
                if id != registry_id {
                    match load_registry(&state.store).await {
                        Ok(r) => {
                            state.set_registry(r);
                            registry_id = id;
                        }
                        Err(e) => tracing::warn!(error = %e, "cannot reload the category registry"),
                    }
                }
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "cannot read the change feed"),
        }
    }
}

/// Sets up logging: human-readable by default, JSON lines on request. `RUST_LOG` filters.
pub fn init_logging(format: &str) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = if format == "json" {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
}
