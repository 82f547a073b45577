//! The federation hub (`portal-hub`): configuration, the store, the PKI, the service layer,
//! and its two edges: the agents' mutual-TLS gRPC port and the public web pages.

pub mod config;
pub mod grpc;
pub mod health;
pub mod init;
pub mod media;
pub mod net;
pub mod ops;
pub mod service;
pub mod state;
pub mod web;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

pub use config::HubConfig;
use net::ConnectionLimit;
use state::{HubState, HubStateInner, now};

/// A hub serving gRPC and HTTP until [`RunningHub::stop`].
pub struct RunningHub {
    pub grpc_addr: SocketAddr,
    pub http_addr: SocketAddr,
    pub state: HubState,
    /// Connections the ports may hold, after fitting them to the descriptor limit.
    pub grpc_connections: ConnectionLimit,
    pub http_connections: ConnectionLimit,
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
        if let Some(search) = self.state.search.get() {
            search.close();
        }
        drop(self.state);
        let _ = store.close().await;
    }
}

/// Starts a hub from its configuration (the data dir must have been initialised).
pub async fn start(config: HubConfig) -> anyhow::Result<RunningHub> {
    init::secure_data_dir(&config.data_dir)?;
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
    let registry = load_registry(&store).await?;
    let (grpc_max, http_max, cut) =
        net::fit_to_descriptors(config.grpc_max_connections, config.http_max_connections);
    if let Some(note) = cut {
        tracing::warn!("{note}");
    }
    let grpc_connections = ConnectionLimit::new(grpc_max);
    let http_connections = ConnectionLimit::new(http_max);
    let state: HubState = Arc::new(HubStateInner::new(config, store, ca, registry));
    let search = service::search::open(&state.config.data_dir).await?;
    let _ = state.search.set(search.clone());
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
        let (state, rx, limit) = (state.clone(), rx.clone(), grpc_connections.clone());
        tasks.push(tokio::spawn(async move {
            if let Err(e) = grpc::serve(state, grpc_listener, limit, rx).await {
                tracing::error!(error = %e, "gRPC server stopped");
            }
        }));
    }
    {
        let (state, rx, limit) = (state.clone(), rx.clone(), http_connections.clone());
        tasks.push(tokio::spawn(async move {
            if let Err(e) = web::serve(state, http_listener, limit, rx).await {
                tracing::error!(error = %e, "HTTP server stopped");
            }
        }));
    }
    tasks.push(tokio::spawn(follow_change_feed(state.clone(), rx.clone())));
    tasks.push(tokio::spawn(service::search::follow(
        state.clone(),
        search,
        rx.clone(),
    )));
    tasks.push(tokio::spawn(maintenance(state.clone(), rx)));
    tracing::info!(%grpc_addr, %http_addr, domain = %state.config.domain,
        grpc_connections = grpc_max, http_connections = http_max, "hub serving");
    Ok(RunningHub {
        grpc_addr,
        http_addr,
        state,
        grpc_connections,
        http_connections,
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
                    &portal_store::Actor::Hub,
                    now(),
                )
                .await?;
            Ok(builtin)
        }
    }
}

/// Change-feed entries read per query by the follower.
const FEED_BATCH: u64 = 1_000;
/// Entries behind after which the follower stops reading them one by one and drops every
/// cached page instead (a replica that was paused, a bulk import by the CLI).
const FEED_BACKLOG: usize = 10_000;

/// Follows the change feed for writes made by other processes (the CLI, other replicas) and
/// invalidates only what each one touches: the item's pages, its tenant's lists and the
/// provincial site's. The hub's own writes were invalidated when they were answered and are
/// skipped. A new tenant or category registry invalidates everything (and the registry is
/// reloaded).
async fn follow_change_feed(state: HubState, mut stop: tokio::sync::watch::Receiver<bool>) {
    let mut seen = state.store.change_feed_head().await.unwrap_or(0);
    let mut registry_id = state.store.category_registry_id().await.unwrap_or(None);
    let mut slugs = std::collections::HashMap::<i64, String>::new();
    loop {
        tokio::select! {
            _ = stop.wait_for(|v| *v) => return,
            _ = tokio::time::sleep(Duration::from_millis(200)) => {}
        }
        let mut entries = Vec::new();
        let caught_up = loop {
            match state.store.change_feed_since(seen, FEED_BATCH).await {
                Ok(batch) => {
                    let full = batch.len() as u64 == FEED_BATCH;
                    if let Some(last) = batch.last() {
                        seen = last.position;
                    }
                    entries.extend(batch);
                    if !full || entries.len() >= FEED_BACKLOG {
                        break !full;
                    }
                }
                Err(e) => {
                    tracing::warn!(error = %e, "cannot read the change feed");
                    break true;
                }
            }
        };
        if entries.is_empty() {
            continue;
        }
        if !caught_up {
            tracing::info!(
                behind = entries.len(),
                "far behind the change feed: every cached page dropped"
            );
            state.cache.invalidate_all();
            seen = state.store.change_feed_head().await.unwrap_or(seen);
        } else {
            invalidate_for(&state, &entries, &mut slugs).await;
        }
        let registry_changed = entries
            .iter()
            .any(|e| e.kind == portal_store::FeedKind::CategoriesUpdated);
        if registry_changed {
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
    }
}

/// Invalidates the pages that change-feed `entries` touch, skipping this hub's own writes.
async fn invalidate_for(
    state: &HubState,
    entries: &[portal_store::FeedEntry],
    slugs: &mut std::collections::HashMap<i64, String>,
) {
    use portal_store::FeedKind;
    let mut tenants = std::collections::HashSet::new();
    for e in entries {
        match e.kind {
            FeedKind::TenantAdded | FeedKind::CategoriesUpdated => {
                state.cache.invalidate_all();
                continue;
            }
            FeedKind::Published | FeedKind::Withdrawn => {}
        }
        if !slugs.contains_key(&e.tenant_id) {
            match state.store.tenants().await {
                Ok(all) => slugs.extend(all.into_iter().map(|t| (t.id, t.slug))),
                Err(err) => tracing::warn!(error = %err, "cannot read the tenants"),
            }
        }
        let (Some(slug), Some(id)) = (slugs.get(&e.tenant_id), e.external_id.as_deref()) else {
            // A tenant this hub cannot name: do not guess which pages it touches.
            state.cache.invalidate_all();
            continue;
        };
        if state.cache.take_own_write(slug, id, e.version, e.kind) {
            continue;
        }
        state.cache.item_changed(slug, id);
        tenants.insert(slug.clone());
    }
    for slug in tenants {
        state.cache.tenant_changed(&slug);
    }
}

/// Periodic chores: failed enrollments to the audit log (each minute), unfinished media
/// uploads left for too long removed (each hour, and at start).
async fn maintenance(state: HubState, mut stop: tokio::sync::watch::Receiver<bool>) {
    let mut minutes = 0u64;
    loop {
        if minutes.is_multiple_of(60) {
            match state
                .media
                .sweep_partials(state.config.media_partial_ttl.get())
                .await
            {
                Ok(0) => {}
                Ok(n) => tracing::info!(removed = n, "unfinished media uploads expired"),
                Err(e) => tracing::warn!(error = %e, "cannot sweep unfinished media uploads"),
            }
        }
        let stopping = tokio::select! {
            _ = stop.wait_for(|v| *v) => true,
            _ = tokio::time::sleep(Duration::from_secs(60)) => false,
        };
        service::audit_enroll_failures(&state).await;
        if stopping {
            return;
        }
        minutes += 1;
    }
}

/// Sets up logging (see `portal-log`).
pub fn init_logging(format: config::LogFormat) {
    portal_log::init(match format {
        config::LogFormat::Human => portal_log::Format::Human,
        config::LogFormat::Json => portal_log::Format::Json,
    });
}
