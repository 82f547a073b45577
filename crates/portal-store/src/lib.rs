//! Storage of the hub: the schema and every query the hub needs, behind types of its own.
//!
//! SQLite (WAL; durable commits, see `ingest::sqlite`) by default, PostgreSQL at scale; the same
//! migrations and queries run on both. Every write that an agent or operator is told about is
//! committed before this crate returns. Callers see domain types ([`Tenant`], [`Agent`],
//! [`ItemView`], [`FeedEntry`]...), never the sea-orm entities, which stay private, so the
//! schema can change without changing the hub.

mod catalog;
mod categories;
mod entity;
mod events;
mod feeds;
mod identity;
mod ingest;
mod media;
mod migration;
mod read;
mod redact;
mod search;
mod tenants;
#[cfg(feature = "testing")]
pub mod testing;

use std::time::Duration;

use sea_orm::{ConnectOptions, DatabaseConnection};
use sea_orm_migration::MigratorTrait;

pub use catalog::{Listing, ListingQuery, RecordFilter, RecordOrder, Scope, SortAs, WithdrawnItem};
pub use events::{Actor, AuditAction, FeedEntry, FeedKind};
pub use feeds::{FeedScope, SitemapCursor, SitemapUrl};
pub use identity::{Agent, AgentAuth, AgentClaims, Heartbeat, IssuedSerial, Refusal};
pub use ingest::{EntryOutcome, IngestEntry, Outcome, Withdrawal};
pub use media::MediaRecord;
pub use read::{ItemPage, ItemView, StoredVersion, VersionView};
pub use redact::{redact_in, redact_url};
pub use search::SearchItem;
pub use tenants::Tenant;

/// Errors at the store's border.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database failed or is unreachable; the caller may retry.
    #[error("database error: {0}")]
    Db(#[from] sea_orm::DbErr),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    /// The caller (an agent, a token) is not allowed to do this.
    #[error("{0}")]
    Refused(Refusal),
    /// The store is shutting down.
    #[error("the store is shutting down")]
    Closed,
    /// A database URL the store cannot use.
    #[error("{0}")]
    Config(String),
}

pub type Result<T> = std::result::Result<T, StoreError>;

/// Creates the database file readable by its owner only, if it does not exist yet: SQLite
/// gives its write-ahead log and shared-memory files the mode of the database file, so the
/// whole database stays private whatever the process's umask.
fn create_private_file(path: &std::path::Path) -> Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
    {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(StoreError::Config(format!(
            "cannot create the database {}: {e}",
            path.display()
        ))),
    }
}

/// A handle on the hub's database. Cheap to clone.
#[derive(Clone)]
pub struct Store {
    db: DatabaseConnection,
    /// SQLite allows one writer at a time; taking this lock first turns lock contention inside
    /// SQLite (`SQLITE_BUSY`) into orderly waiting. PostgreSQL does not need it.
    write_lock: std::sync::Arc<tokio::sync::Mutex<()>>,
    sqlite: bool,
    /// Publish and withdraw calls, applied by the group-commit writer (see `ingest`).
    writer: tokio::sync::mpsc::Sender<ingest::Job>,
}

impl Store {
    /// Opens (creating if needed) the database at `url` and brings its schema up to date.
    ///
    /// `sqlite://path?mode=rwc` or `postgres://user@host/db`.
    pub async fn open(url: &str) -> Result<Self> {
        Self::open_inner(url).await.map_err(|e| match e {
            // The driver may quote the URL (password and all) in its message.
            StoreError::Db(db) => {
                StoreError::Db(sea_orm::DbErr::Custom(redact_in(&db.to_string(), url)))
            }
            other => other,
        })
    }

    async fn open_inner(url: &str) -> Result<Self> {
        let sqlite = url.starts_with("sqlite:");
        let sqlite_file = ingest::sqlite::path_of_url(url);
        if sqlite && sqlite_file.is_none() {
            // The ingest writer has a connection of its own, which would see another, empty
            // in-memory database.
            return Err(StoreError::Config(
                "an in-memory SQLite database cannot be used; give a file, e.g. \
                 sqlite:///var/lib/portal-hub/hub.db?mode=rwc"
                    .into(),
            ));
        }
        if let Some(path) = sqlite_file {
            create_private_file(std::path::Path::new(path))?;
        }
        let mut opts = ConnectOptions::new(url.to_string());
        opts.sqlx_logging(false)
            .connect_timeout(Duration::from_secs(10))
            .acquire_timeout(Duration::from_secs(30));
        if sqlite {
            opts.max_connections(4).min_connections(1);
            opts.map_sqlx_sqlite_opts(|o| {
                use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
                o.journal_mode(SqliteJournalMode::Wal)
                    // The pool's own writes (tenants, tokens, heartbeats, media records) are
                    // few: FULL makes each durable at its commit. The ingest writer has its
                    // own connection with NORMAL and flushes before it answers (see
                    // `ingest::sqlite`).
                    .synchronous(SqliteSynchronous::Full)
                    .busy_timeout(Duration::from_secs(30))
                    .foreign_keys(true)
                    .create_if_missing(true)
                    // Whichever connection commits past this WAL size checkpoints; the ingest
                    // writer does nearly all the writing, so it is nearly always that one (see
                    // `ingest::sqlite`), and the others need not copy the WAL more often.
                    .pragma(
                        "wal_autocheckpoint",
                        ingest::sqlite::CHECKPOINT_PAGES.to_string(),
                    )
            });
        } else {
            opts.max_connections(16).min_connections(1);
        }
        // The options before the pool's own: the PostgreSQL writer starts from these.
        let base = opts.clone();
        if !sqlite {
            // Statements are prepared once per connection; a generic plan chosen while a
            // table was small (a new hub) would keep scanning it whole as it grows. Plan each
            // execution with the current size instead. (The writer's few statements keep
            // PostgreSQL's default: see `ingest::postgres::YoungTable`.)
            opts.map_sqlx_postgres_opts(|o| o.options([("plan_cache_mode", "force_custom_plan")]));
        }
        let db = sea_orm::Database::connect(opts).await?;
        // `portal-hub serve` and a CLI command opening a new database at once may race on the
        // migration table; the loser finds the schema in place on its next try.
        let mut attempt = 0;
        while let Err(e) = migration::Migrator::up(&db, None).await {
            attempt += 1;
            if attempt > 5 {
                return Err(e.into());
            }
            tokio::time::sleep(Duration::from_millis(50 * attempt)).await;
        }
        let (writer, jobs) = tokio::sync::mpsc::channel(1024);
        let store = Self {
            db,
            write_lock: Default::default(),
            sqlite,
            writer,
        };
        // The writer ends when every handle (and so every sender) is dropped. A SQLite file
        // gets its own writer thread and connection, PostgreSQL its own thread and
        // connection too (see `ingest::postgres`).
        match sqlite_file {
            Some(path) => ingest::sqlite::spawn_writer(
                std::path::Path::new(path),
                store.write_lock.clone(),
                jobs,
            )?,
            None => {
                let mut own = base;
                // One connection, checked only after a quiet spell: a ping before every
                // group would be one more round trip on the critical path.
                own.max_connections(1)
                    .min_connections(1)
                    .test_before_acquire_if_idle_for(Duration::from_secs(10));
                ingest::spawn_pg_writer(own, store.without_writer(), jobs).await?;
            }
        }
        Ok(store)
    }

    /// A handle for the writer itself: same pool (until `with_connection` gives it its own) and
    /// lock, and a closed job channel so the writer does not keep its own queue open.
    fn without_writer(&self) -> Self {
        let (writer, _) = tokio::sync::mpsc::channel(1);
        Self {
            db: self.db.clone(),
            write_lock: self.write_lock.clone(),
            sqlite: self.sqlite,
            writer,
        }
    }

    /// The same handle on another connection (the PostgreSQL writer's own).
    fn with_connection(mut self, db: DatabaseConnection) -> Self {
        self.db = db;
        self
    }

    async fn write_guard(&self) -> Option<tokio::sync::MutexGuard<'_, ()>> {
        if self.sqlite {
            Some(self.write_lock.lock().await)
        } else {
            None
        }
    }

    /// Starts a write transaction. On SQLite it is `BEGIN IMMEDIATE`: the write lock is taken
    /// up front, so a transaction that reads before it writes cannot fail with
    /// `SQLITE_BUSY_SNAPSHOT` when another process (the CLI, a second hub) wrote meanwhile.
    pub(crate) async fn begin_write(&self) -> Result<sea_orm::DatabaseTransaction> {
        use sea_orm::{SqliteTransactionMode, TransactionOptions, TransactionTrait};
        Ok(self
            .db
            .begin_with_options(TransactionOptions {
                sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
                ..Default::default()
            })
            .await?)
    }

    /// Closes the pool, so that a restarted hub in the same process finds the files free.
    pub async fn close(self) -> Result<()> {
        self.db.close().await?;
        Ok(())
    }
}
