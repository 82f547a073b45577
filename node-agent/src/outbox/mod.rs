//! The durable outbox: every detected change is committed here (SQLite, WAL,
//! `synchronous=FULL`) before anything is sent, and leaves only when the hub has acknowledged it.
//!
//! Delivery guarantee: an entry is deleted in the same transaction that records the hub's
//! answer, so a crash at any point leaves it either pending (it is sent again and the hub answers
//! `Duplicate` if it had committed it) or done. Sequence numbers are never reused.

mod entity;
mod migration;

use std::path::Path;
use std::time::Duration;

use anyhow::Context;
use entity::{awaiting_medium, meta, outbox_entry, rejection, watched_file};
use portal_core::{FieldError, ItemDraft};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectOptions, ConnectionTrait, DatabaseConnection,
    EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Statement, TransactionTrait,
};
use sea_orm_migration::MigratorTrait;

pub use outbox_entry::Model as OutboxEntry;

/// Set on a new outbox until the hub's high-water mark has been learnt (see [`Outbox::sync_seq`]).
const NEEDS_SEQ_SYNC: &str = "needs_seq_sync";
const LAST_PUBLISH: &str = "last_successful_publish_ms";

/// How the hub answered one entry.
#[derive(Debug, Clone)]
pub struct Answer {
    pub seq: i64,
    pub item_id: String,
    /// `None` for accepted, unchanged or duplicate; the reasons for a rejection.
    pub rejected: Option<Vec<FieldError>>,
}

/// The facts about a file that was queued.
#[derive(Debug, Clone)]
pub struct FileFacts {
    pub path: String,
    pub content_hash: String,
    pub size: i64,
    pub mtime_ms: i64,
}

#[derive(Clone)]
pub struct Outbox {
    db: DatabaseConnection,
}

fn now_ms() -> i64 {
    crate::now_ms()
}

impl Outbox {
    pub async fn open(data_dir: &Path) -> anyhow::Result<Self> {
        let path = data_dir.join("outbox.db");
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
        use sea_orm::{SqliteTransactionMode, TransactionOptions};
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

    /// True until the hub's high-water mark has been applied to a new outbox.
    pub async fn needs_seq_sync(&self) -> anyhow::Result<bool> {
        Ok(self.get_meta(NEEDS_SEQ_SYNC).await?.is_some())
    }

    /// A new outbox (first start, or after its file was lost) must number its entries above
    /// what the hub has already seen from this agent; otherwise the hub would take new entries
    /// for resends and drop them. Entries queued before the sync are renumbered.
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

    /// Queues a publication; `file` records which file version it came from, in the same
    /// transaction, so the scan never queues the same change twice.
    pub async fn enqueue_publish(
        &self,
        draft: &ItemDraft,
        file: Option<&FileFacts>,
    ) -> anyhow::Result<i64> {
        let txn = self.begin_write().await?;
        let res = outbox_entry::Entity::insert(outbox_entry::ActiveModel {
            kind: Set("publish".into()),
            item_id: Set(draft.id.clone()),
            payload: Set(serde_json::to_string(draft)?),
            created_at: Set(now_ms()),
            ..Default::default()
        })
        .exec(&txn)
        .await?;
        if let Some(f) = file {
            remember_file(&txn, f, &draft.id).await?;
        }
        txn.commit().await?;
        Ok(res.last_insert_id)
    }

    /// Queues the upload of a medium found in the content folder (content-addressed by `sha`).
    pub async fn enqueue_media(&self, abs_path: &str, file: &FileFacts) -> anyhow::Result<i64> {
        let txn = self.begin_write().await?;
        let res =
            outbox_entry::Entity::insert(media_entry(abs_path, &file.content_hash, file.size))
                .exec(&txn)
                .await?;
        remember_file(&txn, file, &format!("media:{}", file.content_hash)).await?;
        txn.commit().await?;
        Ok(res.last_insert_id)
    }

    /// Queues the upload of a medium that is not a file of the content folder (one that
    /// `portal-agent publish FILE` found beside FILE): nothing is remembered about the file.
    pub async fn enqueue_media_upload(
        &self,
        abs_path: &str,
        sha256: &str,
        size: i64,
    ) -> anyhow::Result<i64> {
        let res = outbox_entry::Entity::insert(media_entry(abs_path, sha256, size))
            .exec(&self.db)
            .await?;
        Ok(res.last_insert_id)
    }

    /// Queues a withdrawal; `forget` is the file whose deletion caused it.
    pub async fn enqueue_withdraw(
        &self,
        item_id: &str,
        reason: &str,
        forget: Option<&str>,
    ) -> anyhow::Result<i64> {
        let txn = self.begin_write().await?;
        let res = outbox_entry::Entity::insert(outbox_entry::ActiveModel {
            kind: Set("withdraw".into()),
            item_id: Set(item_id.to_string()),
            payload: Set(reason.to_string()),
            created_at: Set(now_ms()),
            ..Default::default()
        })
        .exec(&txn)
        .await?;
        if let Some(path) = forget {
            watched_file::Entity::delete_by_id(path).exec(&txn).await?;
        }
        txn.commit().await?;
        Ok(res.last_insert_id)
    }

    /// Records that a file could not be read as an item (it is not sent) and remembers its
    /// version so the same broken file is not reported on every scan. `awaiting` names the media
    /// files (relative to the content folder) it links to that are missing: the file is read
    /// again when one of them appears (see [`Self::waiting_items`]). Replaces the file's earlier
    /// waits.
    pub async fn reject_locally(
        &self,
        file: &FileFacts,
        item_id: &str,
        errors: &[FieldError],
        awaiting: &[String],
    ) -> anyhow::Result<()> {
        let txn = self.begin_write().await?;
        awaiting_medium::Entity::delete_many()
            .filter(awaiting_medium::Column::ItemPath.eq(&file.path))
            .exec(&txn)
            .await?;
        for media_path in awaiting {
            awaiting_medium::Entity::insert(awaiting_medium::ActiveModel {
                media_path: Set(media_path.clone()),
                item_path: Set(file.path.clone()),
                item_hash: Set(file.content_hash.clone()),
            })
            .on_conflict(
                OnConflict::columns([
                    awaiting_medium::Column::MediaPath,
                    awaiting_medium::Column::ItemPath,
                ])
                .update_column(awaiting_medium::Column::ItemHash)
                .to_owned(),
            )
            .exec_without_returning(&txn)
            .await?;
        }
        rejection::Entity::insert(rejection::ActiveModel {
            seq: Set(0),
            item_id: Set(item_id.to_string()),
            source: Set(file.path.clone()),
            errors: Set(serde_json::to_string(errors)?),
            at: Set(now_ms()),
            ..Default::default()
        })
        .exec_without_returning(&txn)
        .await?;
        remember_file(&txn, file, item_id).await?;
        txn.commit().await?;
        Ok(())
    }

    /// The oldest pending entries of one kind, in order, at most `limit`.
    pub async fn next_batch(&self, limit: usize) -> anyhow::Result<Vec<OutboxEntry>> {
        let rows = outbox_entry::Entity::find()
            .order_by_asc(outbox_entry::Column::Seq)
            .limit(limit as u64)
            .all(&self.db)
            .await?;
        let Some(kind) = rows.first().map(|r| r.kind.clone()) else {
            return Ok(rows);
        };
        Ok(rows.into_iter().take_while(|r| r.kind == kind).collect())
    }

    /// Applies the hub's answers: answered entries leave the outbox, rejections are kept for
    /// `portal-agent status`, all in one transaction.
    pub async fn complete(&self, answers: &[Answer]) -> anyhow::Result<()> {
        let txn = self.begin_write().await?;
        let now = now_ms();
        let seqs: Vec<i64> = answers.iter().map(|a| a.seq).collect();
        for chunk in seqs.chunks(500) {
            outbox_entry::Entity::delete_many()
                .filter(outbox_entry::Column::Seq.is_in(chunk.iter().copied()))
                .exec(&txn)
                .await?;
        }
        for a in answers {
            if let Some(errors) = &a.rejected {
                rejection::Entity::insert(rejection::ActiveModel {
                    seq: Set(a.seq),
                    item_id: Set(a.item_id.clone()),
                    source: Set(String::new()),
                    errors: Set(serde_json::to_string(errors)?),
                    at: Set(now),
                    ..Default::default()
                })
                .exec_without_returning(&txn)
                .await?;
            }
        }
        set_meta(&txn, LAST_PUBLISH, &now.to_string()).await?;
        txn.commit().await?;
        Ok(())
    }

    /// Records a file's current facts without queueing anything (same content, new mtime).
    pub async fn remember(&self, file: &FileFacts, item_id: &str) -> anyhow::Result<()> {
        remember_file(&self.db, file, item_id).await
    }

    /// Forgets a file that was never published (it was rejected locally) once it is deleted.
    pub async fn forget(&self, path: &str) -> anyhow::Result<()> {
        watched_file::Entity::delete_by_id(path)
            .exec(&self.db)
            .await?;
        Ok(())
    }

    /// Item files waiting for the medium `media_path` whose refused version is still their
    /// current one. Waits of files that changed or left since are dropped.
    pub async fn waiting_items(&self, media_path: &str) -> anyhow::Result<Vec<String>> {
        let backend = self.db.get_database_backend();
        self.db
            .execute_raw(Statement::from_sql_and_values(
                backend,
                "DELETE FROM awaiting_media WHERE media_path = ? AND NOT EXISTS \
                 (SELECT 1 FROM watched_files w WHERE w.path = awaiting_media.item_path \
                  AND w.content_hash = awaiting_media.item_hash)",
                [media_path.into()],
            ))
            .await?;
        Ok(awaiting_medium::Entity::find()
            .filter(awaiting_medium::Column::MediaPath.eq(media_path))
            .order_by_asc(awaiting_medium::Column::ItemPath)
            .all(&self.db)
            .await?
            .into_iter()
            .map(|w| w.item_path)
            .collect())
    }

    /// Every medium some refused item file waits for.
    pub async fn awaited_media(&self) -> anyhow::Result<Vec<String>> {
        Ok(awaiting_medium::Entity::find()
            .select_only()
            .column(awaiting_medium::Column::MediaPath)
            .distinct()
            .into_tuple::<String>()
            .all(&self.db)
            .await?)
    }

    /// Drops an item file's waits (it was read and queued).
    pub async fn stop_waiting(&self, item_path: &str) -> anyhow::Result<()> {
        awaiting_medium::Entity::delete_many()
            .filter(awaiting_medium::Column::ItemPath.eq(item_path))
            .exec(&self.db)
            .await?;
        Ok(())
    }

    /// Whether a file other than `path` last queued the item `item_id` (a file renamed, or two
    /// files naming one item): then `path` leaving does not withdraw the item.
    pub async fn item_held_elsewhere(&self, item_id: &str, path: &str) -> anyhow::Result<bool> {
        Ok(watched_file::Entity::find()
            .filter(watched_file::Column::ItemId.eq(item_id))
            .filter(watched_file::Column::Path.ne(path))
            .count(&self.db)
            .await?
            > 0)
    }

    /// `(path, size, mtime_ms)` of every remembered file: what the scan needs to tell whether a
    /// file may have changed (read once at start; the rest of each row stays on disk).
    pub async fn file_stats(&self) -> anyhow::Result<Vec<(String, i64, i64)>> {
        Ok(watched_file::Entity::find()
            .select_only()
            .columns([
                watched_file::Column::Path,
                watched_file::Column::Size,
                watched_file::Column::MtimeMs,
            ])
            .into_tuple()
            .all(&self.db)
            .await?)
    }

    pub async fn depth(&self) -> anyhow::Result<u64> {
        Ok(outbox_entry::Entity::find().count(&self.db).await?)
    }

    pub async fn last_successful_publish(&self) -> anyhow::Result<Option<i64>> {
        Ok(self
            .get_meta(LAST_PUBLISH)
            .await?
            .and_then(|v| v.parse().ok()))
    }

    pub async fn file(&self, path: &str) -> anyhow::Result<Option<watched_file::Model>> {
        Ok(watched_file::Entity::find_by_id(path).one(&self.db).await?)
    }

    pub async fn files(&self) -> anyhow::Result<Vec<watched_file::Model>> {
        Ok(watched_file::Entity::find().all(&self.db).await?)
    }

    /// The most recent rejections, newest first: (seq, item, source file, errors, time).
    pub async fn recent_rejections(
        &self,
        n: u64,
    ) -> anyhow::Result<Vec<(i64, String, String, Vec<FieldError>, i64)>> {
        Ok(rejection::Entity::find()
            .order_by_desc(rejection::Column::Id)
            .limit(n)
            .all(&self.db)
            .await?
            .into_iter()
            .map(|r| {
                let errors = serde_json::from_str(&r.errors).unwrap_or_default();
                (r.seq, r.item_id, r.source, errors, r.at)
            })
            .collect())
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

/// An outbox row for the upload of the medium at `abs_path` (SHA-256 `sha256`).
fn media_entry(abs_path: &str, sha256: &str, size: i64) -> outbox_entry::ActiveModel {
    outbox_entry::ActiveModel {
        kind: Set("media".into()),
        item_id: Set(sha256.to_string()),
        payload: Set(serde_json::json!({ "path": abs_path, "size": size }).to_string()),
        created_at: Set(now_ms()),
        ..Default::default()
    }
}

async fn remember_file<C: ConnectionTrait>(
    c: &C,
    f: &FileFacts,
    item_id: &str,
) -> anyhow::Result<()> {
    watched_file::Entity::insert(watched_file::ActiveModel {
        path: Set(f.path.clone()),
        item_id: Set(item_id.to_string()),
        content_hash: Set(f.content_hash.clone()),
        size: Set(f.size),
        mtime_ms: Set(f.mtime_ms),
    })
    .on_conflict(
        OnConflict::column(watched_file::Column::Path)
            .update_columns([
                watched_file::Column::ItemId,
                watched_file::Column::ContentHash,
                watched_file::Column::Size,
                watched_file::Column::MtimeMs,
            ])
            .to_owned(),
    )
    .exec_without_returning(c)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn sequence_numbers_are_never_reused_and_sync_above_the_hub() {
        let dir = tempfile::tempdir().unwrap();
        let ob = Outbox::open(dir.path()).await.unwrap();
        assert!(ob.needs_seq_sync().await.unwrap());
        let draft = ItemDraft {
            id: "a".into(),
            ..Default::default()
        };
        let s1 = ob.enqueue_publish(&draft, None).await.unwrap();
        // The hub had seen up to 40 from this agent (its outbox was lost).
        ob.sync_seq(40).await.unwrap();
        assert!(!ob.needs_seq_sync().await.unwrap());
        let batch = ob.next_batch(10).await.unwrap();
        assert_eq!(batch.len(), 1);
        assert!(
            batch[0].seq > 40,
            "renumbered above the hub: {} (was {s1})",
            batch[0].seq
        );
        ob.complete(&[Answer {
            seq: batch[0].seq,
            item_id: "a".into(),
            rejected: None,
        }])
        .await
        .unwrap();
        assert_eq!(ob.depth().await.unwrap(), 0);
        // After deleting the newest row, the next seq is still higher.
        let s3 = ob.enqueue_withdraw("a", "gone", None).await.unwrap();
        assert!(s3 > batch[0].seq);
        ob.close().await.unwrap();
        let ob = Outbox::open(dir.path()).await.unwrap();
        assert!(!ob.needs_seq_sync().await.unwrap());
        let s4 = ob.enqueue_withdraw("b", "gone", None).await.unwrap();
        assert!(s4 > s3);
    }

    #[tokio::test]
    async fn batches_do_not_mix_kinds() {
        let dir = tempfile::tempdir().unwrap();
        let ob = Outbox::open(dir.path()).await.unwrap();
        let d = ItemDraft {
            id: "a".into(),
            ..Default::default()
        };
        ob.enqueue_publish(&d, None).await.unwrap();
        ob.enqueue_publish(&d, None).await.unwrap();
        ob.enqueue_withdraw("a", "x", None).await.unwrap();
        ob.enqueue_publish(&d, None).await.unwrap();
        let b = ob.next_batch(10).await.unwrap();
        assert_eq!(b.len(), 2);
        assert!(b.iter().all(|e| e.kind == "publish"));
    }
}
