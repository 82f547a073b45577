//! The durable outbox: every detected change is committed here (SQLite, WAL,
//! `synchronous=FULL`) before anything is sent, and leaves only when the hub has answered it.
//!
//! Delivery guarantee: an entry is deleted in the same transaction that records the hub's
//! answer, so a crash at any point leaves it either pending (it is sent again and the hub answers
//! `Duplicate` if it had committed it) or done. Sequence numbers are never reused. Entries are
//! stored in the outbox's own versioned format (`entry`), so an upgrade never changes or drops
//! what was queued before it.
//!
//! - `entry`: the stored format of an entry (publish, withdraw, media);
//! - `queue`: entries in, batches (by count and bytes) out, answers recorded;
//! - `files`: what the folder source remembers of its files.

mod entity;
pub mod entry;
mod files;
mod migration;
mod queue;

use std::path::Path;
use std::time::Duration;

use anyhow::Context;
use entity::{meta, outbox_entry};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveValue::Set, ConnectOptions, ConnectionTrait, DatabaseConnection, EntityTrait,
    PaginatorTrait, QueryOrder, Statement,
};
use sea_orm_migration::MigratorTrait;

pub use files::{FileFacts, WatchedFile};
pub use queue::{Answer, BatchLimits, Next, Queued};

/// Set on a new outbox until the hub's high-water mark has been learnt (see [`Outbox::sync_seq`]).
const NEEDS_SEQ_SYNC: &str = "needs_seq_sync";
const LAST_PUBLISH: &str = "last_successful_publish_ms";
/// Why the queue is not draining: the last failure to send, as `<unix ms> <message>`.
const SEND_FAILURE: &str = "send_failure";
/// The hub refuses this agent (revoked, unknown): `<unix ms> <message>`.
const REFUSED: &str = "refused";

#[derive(Clone)]
pub struct Outbox {
    db: DatabaseConnection,
}

fn now_ms() -> i64 {
    crate::now_ms()
}

/// Why the outbox is not draining, as the sender last saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stalled {
    /// The hub refuses this agent (revoked, not enrolled): only the Provincial Office can help.
    Refused { since_ms: i64, reason: String },
    /// Sending failed (hub unreachable, a limit, an error): retried with back-off.
    Failing { since_ms: i64, reason: String },
}

impl Outbox {
    pub async fn open(data_dir: &Path) -> anyhow::Result<Self> {
        let path = data_dir.join("outbox.db");
        create_private_file(&path)?;
        let mut opts = ConnectOptions::new(format!("sqlite://{}?mode=rwc", path.display()));
        opts.sqlx_logging(false)
            .max_connections(2)
            .min_connections(1);
        opts.map_sqlx_sqlite_opts(|o| {
            use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
            o.journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Full)
                .busy_timeout(Duration::from_secs(30))
                .create_if_missing(true)
                // Rows are read by key, a few at a time; SQLite's default cache of up to
                // 2 MiB per connection only held on to pages of the content folder's table.
                .pragma("cache_size", "-256")
        });
        let db = sea_orm::Database::connect(opts)
            .await
            .with_context(|| format!("opening outbox {}", path.display()))?;
        migrate(&db).await?;
        Ok(Self { db })
    }

    /// `BEGIN IMMEDIATE`: the write lock is taken up front, so a transaction that reads first
    /// cannot fail with `SQLITE_BUSY_SNAPSHOT` when another writer (the scanner, a concurrent
    /// `portal-agent publish`) committed meanwhile; it waits (busy timeout) instead.
    async fn begin_write(&self) -> anyhow::Result<sea_orm::DatabaseTransaction> {
        use sea_orm::{SqliteTransactionMode, TransactionOptions, TransactionTrait};
        Ok(self
            .db
            .begin_with_options(TransactionOptions {
                sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
                ..Default::default()
            })
            .await?)
    }

    pub async fn close(self) -> anyhow::Result<()> {
        self.db.close().await?;
        Ok(())
    }

    async fn get_meta(&self, key: &str) -> anyhow::Result<Option<String>> {
        Ok(meta::Entity::find_by_id(key)
            .one(&self.db)
            .await?
            .map(|m| m.value))
    }

    async fn delete_meta(&self, key: &str) -> anyhow::Result<()> {
        meta::Entity::delete_by_id(key).exec(&self.db).await?;
        Ok(())
    }

    /// True until the hub's high-water mark has been applied to a new outbox.
    pub async fn needs_seq_sync(&self) -> anyhow::Result<bool> {
        Ok(self.get_meta(NEEDS_SEQ_SYNC).await?.is_some())
    }

    /// A new outbox (first start, or after its file was lost) must number its entries above
    /// what the hub has already seen from this agent; otherwise the hub would take new entries
    /// for resends and drop them. Entries queued before the sync are renumbered, unchanged.
    pub async fn sync_seq(&self, hub_high_water: i64) -> anyhow::Result<()> {
        let txn = self.begin_write().await?;
        let pending = outbox_entry::Entity::find()
            .order_by_asc(outbox_entry::Column::Seq)
            .all(&txn)
            .await?;
        let below = pending.iter().any(|e| e.seq <= hub_high_water);
        if below {
            outbox_entry::Entity::delete_many().exec(&txn).await?;
        }
        let backend = txn.get_database_backend();
        txn.execute_raw(Statement::from_sql_and_values(
            backend,
            "UPDATE sqlite_sequence SET seq = MAX(seq, ?) WHERE name = 'outbox'",
            [hub_high_water.into()],
        ))
        .await?;
        txn.execute_raw(Statement::from_sql_and_values(
            backend,
            "INSERT INTO sqlite_sequence (name, seq) SELECT 'outbox', ? \
             WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'outbox')",
            [hub_high_water.into()],
        ))
        .await?;
        if below {
            for e in pending {
                outbox_entry::Entity::insert(outbox_entry::ActiveModel {
                    kind: Set(e.kind),
                    item_id: Set(e.item_id),
                    payload: Set(e.payload),
                    created_at: Set(e.created_at),
                    format: Set(e.format),
                    ..Default::default()
                })
                .exec_without_returning(&txn)
                .await?;
            }
        }
        meta::Entity::delete_by_id(NEEDS_SEQ_SYNC)
            .exec(&txn)
            .await?;
        txn.commit().await?;
        Ok(())
    }

    pub async fn depth(&self) -> anyhow::Result<u64> {
        Ok(outbox_entry::Entity::find().count(&self.db).await?)
    }

    /// When the oldest waiting entry was queued (unix ms), if any.
    pub async fn oldest_ms(&self) -> anyhow::Result<Option<i64>> {
        Ok(outbox_entry::Entity::find()
            .order_by_asc(outbox_entry::Column::Seq)
            .one(&self.db)
            .await?
            .map(|e| e.created_at))
    }

    pub async fn last_successful_publish(&self) -> anyhow::Result<Option<i64>> {
        Ok(self
            .get_meta(LAST_PUBLISH)
            .await?
            .and_then(|v| v.parse().ok()))
    }

    /// Records why sending failed (kept until a batch goes through), for `status`.
    pub async fn record_send_failure(&self, reason: &str, refused: bool) -> anyhow::Result<()> {
        let (key, other) = if refused {
            (REFUSED, SEND_FAILURE)
        } else {
            (SEND_FAILURE, REFUSED)
        };
        // The first failure of a spell says since when.
        let since = match self.get_meta(key).await? {
            Some(v) => v
                .split_once(' ')
                .map_or(now_ms().to_string(), |(t, _)| t.to_string()),
            None => now_ms().to_string(),
        };
        set_meta(&self.db, key, &format!("{since} {reason}")).await?;
        self.delete_meta(other).await
    }

    /// Sending works again.
    pub async fn record_send_success(&self) -> anyhow::Result<()> {
        self.delete_meta(SEND_FAILURE).await?;
        self.delete_meta(REFUSED).await
    }

    /// Why the outbox is not draining, if the last attempt to send failed.
    pub async fn stalled(&self) -> anyhow::Result<Option<Stalled>> {
        let parse = |v: String| {
            let (t, r) = v.split_once(' ').unwrap_or(("0", v.as_str()));
            (t.parse().unwrap_or(0), r.to_string())
        };
        if let Some(v) = self.get_meta(REFUSED).await? {
            let (since_ms, reason) = parse(v);
            return Ok(Some(Stalled::Refused { since_ms, reason }));
        }
        Ok(self.get_meta(SEND_FAILURE).await?.map(|v| {
            let (since_ms, reason) = parse(v);
            Stalled::Failing { since_ms, reason }
        }))
    }
}

/// Creates the outbox file readable by its owner only, if it does not exist yet (SQLite gives
/// its WAL the same mode), whatever the umask: it holds what the portal published.
fn create_private_file(path: &Path) -> anyhow::Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
    {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(anyhow::anyhow!("cannot create {}: {e}", path.display())),
    }
}

/// Applies migrations; two processes opening a new outbox at once (`run` and `publish`) may
/// race, and the loser simply finds the schema in place on its next try.
async fn migrate(db: &DatabaseConnection) -> anyhow::Result<()> {
    let mut attempt = 0;
    loop {
        match migration::Migrator::up(db, None).await {
            Ok(()) => return Ok(()),
            Err(e) if attempt < 5 => {
                attempt += 1;
                tracing::debug!(error = %e, "outbox migration raced; retrying");
                tokio::time::sleep(Duration::from_millis(50 * attempt)).await;
            }
            Err(e) => return Err(e.into()),
        }
    }
}

async fn set_meta<C: ConnectionTrait>(c: &C, key: &str, value: &str) -> anyhow::Result<()> {
    meta::Entity::insert(meta::ActiveModel {
        key: Set(key.to_string()),
        value: Set(value.to_string()),
    })
    .on_conflict(
        OnConflict::column(meta::Column::Key)
            .update_column(meta::Column::Value)
            .to_owned(),
    )
    .exec_without_returning(c)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests;
