//! Media records: which content-addressed objects the hub holds.

use std::collections::HashSet;

use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QuerySelect};

use crate::entity::media;
use crate::{AgentAuth, Result, Store, audit};

pub use media::Model as MediaRecord;

impl Store {
    /// Which of `shas` the hub holds.
    pub async fn media_present(&self, shas: &[String]) -> Result<HashSet<String>> {
        let mut found = HashSet::new();
        for chunk in shas.chunks(500) {
            let rows: Vec<String> = media::Entity::find()
                .select_only()
                .column(media::Column::Sha256)
                .filter(media::Column::Sha256.is_in(chunk.iter().cloned()))
                .into_tuple()
                .all(&self.db)
                .await?;
            found.extend(rows);
        }
        Ok(found)
    }

    pub async fn media(&self, sha256: &str) -> Result<Option<MediaRecord>> {
        Ok(media::Entity::find_by_id(sha256).one(&self.db).await?)
    }

    /// Records a completely received, verified medium (its bytes are already in place).
    /// Recording the same object twice keeps the first record.
    pub async fn record_media(
        &self,
        auth: &AgentAuth,
        sha256: &str,
        content_type: &str,
        kind: &str,
        size: i64,
        now: i64,
    ) -> Result<()> {
        let _w = self.write_guard().await;
        let txn = self.begin_write().await?;
        let inserted = media::Entity::insert(media::ActiveModel {
            sha256: Set(sha256.to_string()),
            content_type: Set(content_type.to_string()),
            kind: Set(kind.to_string()),
            size: Set(size),
            tenant_id: Set(auth.tenant_id),
            created_at: Set(now),
        })
        .on_conflict(
            OnConflict::column(media::Column::Sha256)
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(&txn)
        .await?;
        if inserted > 0 {
            audit(
                &txn,
                now,
                &format!("agent:{}", auth.agent_id),
                "media.upload",
                Some(auth.tenant_id),
                sha256,
                serde_json::json!({ "content_type": content_type, "size": size }),
            )
            .await?;
        }
        txn.commit().await?;
        Ok(())
    }
}
