//! What the outbox remembers of the content folder: the last queued version of each file, the
//! files refused locally, and the item files waiting for a medium that is missing.

use portal_core::FieldError;
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Statement,
};

use super::entity::{awaiting_medium, rejection, watched_file};
use super::{Outbox, now_ms};

/// The facts about a file that was queued.
#[derive(Debug, Clone)]
pub struct FileFacts {
    pub path: String,
    pub content_hash: String,
    pub size: i64,
    pub mtime_ms: i64,
}

pub use watched_file::Model as WatchedFile;

impl Outbox {
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

    pub async fn file(&self, path: &str) -> anyhow::Result<Option<watched_file::Model>> {
        Ok(watched_file::Entity::find_by_id(path).one(&self.db).await?)
    }

    pub async fn files(&self) -> anyhow::Result<Vec<watched_file::Model>> {
        Ok(watched_file::Entity::find().all(&self.db).await?)
    }
}

pub(super) async fn remember_file<C: ConnectionTrait>(
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
