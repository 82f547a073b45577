//! For tests and benchmarks only (the `testing` feature, never enabled by the hub): throw-away
//! databases, so that every run starts from an empty schema on both backends, and a way into
//! the raw connection for tests that look under the store's API (migrations, planner
//! statistics).

use sea_orm::{ConnectionTrait, Database, DatabaseConnection};
use sea_orm_migration::MigratorTrait;

use crate::Store;

/// The store's own connection pool.
pub fn connection(store: &Store) -> &DatabaseConnection {
    &store.db
}

/// Rolls back the newest `n` migrations.
pub async fn migrate_down(store: &Store, n: u32) -> crate::Result<()> {
    Ok(crate::migration::Migrator::down(&store.db, Some(n)).await?)
}

/// Reverts every migration from the newest down to `name`, that one included.
pub async fn migrate_down_through(store: &Store, name: &str) -> crate::Result<()> {
    use sea_orm_migration::MigratorTrait;
    let all = crate::migration::Migrator::migrations();
    let at = all
        .iter()
        .position(|m| m.name() == name)
        .ok_or_else(|| crate::StoreError::NotFound(format!("no migration {name}")))?;
    migrate_down(store, (all.len() - at) as u32).await
}

/// Applies every pending migration.
pub async fn migrate_up(store: &Store) -> crate::Result<()> {
    Ok(crate::migration::Migrator::up(&store.db, None).await?)
}

/// Base URL of the PostgreSQL server used by tests: `PORTAL_TEST_POSTGRES_URL`, or the local
/// server on 127.0.0.1:5432.
pub fn postgres_server_url() -> String {
    std::env::var("PORTAL_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".to_string())
}

/// Creates a new, uniquely named PostgreSQL database and returns its URL.
pub async fn create_postgres_database(prefix: &str) -> crate::Result<String> {
    let server = postgres_server_url();
    let admin = Database::connect(format!("{server}/postgres")).await?;
    let name = format!("{prefix}_{}_{}", std::process::id(), rand_suffix());
    admin
        .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
        .await?;
    admin.close().await?;
    Ok(format!("{server}/{name}"))
}

/// Drops a database made by [`create_postgres_database`] (its URL), closing any connection
/// still open to it.
pub async fn drop_postgres_database(url: &str) -> crate::Result<()> {
    let Some((server, name)) = url.rsplit_once('/') else {
        return Ok(());
    };
    let admin = Database::connect(format!("{server}/postgres")).await?;
    admin
        .execute_unprepared(&format!(
            "DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)",
            name.replace('"', "\"\"")
        ))
        .await?;
    admin.close().await?;
    Ok(())
}

/// A database made by [`create_postgres_database`] that is dropped with this value, unless the
/// thread is panicking: a failed test keeps its database for inspection (`make test` drops the
/// leftovers of earlier runs before it starts).
pub struct ScratchDatabase {
    url: String,
}

impl ScratchDatabase {
    /// Creates the database (see [`create_postgres_database`]).
    pub async fn create(prefix: &str) -> crate::Result<Self> {
        Ok(Self {
            url: create_postgres_database(prefix).await?,
        })
    }

    pub fn url(&self) -> &str {
        &self.url
    }
}

impl Drop for ScratchDatabase {
    fn drop(&mut self) {
        if std::thread::panicking() {
            return;
        }
        // A thread of its own with its own runtime: this may run inside a runtime, which
        // cannot be blocked on from within.
        let url = std::mem::take(&mut self.url);
        let dropped = std::thread::spawn(move || {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map(|rt| rt.block_on(drop_postgres_database(&url)))
        })
        .join();
        if !matches!(dropped, Ok(Ok(Ok(())))) {
            eprintln!("could not drop a scratch database; the next `make test` will");
        }
    }
}

fn rand_suffix() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!("{nanos:x}{}", N.fetch_add(1, Ordering::Relaxed))
}

/// URL of a new SQLite database file inside `dir`.
pub fn sqlite_url(dir: &std::path::Path) -> String {
    format!("sqlite://{}?mode=rwc", dir.join("hub.db").display())
}
