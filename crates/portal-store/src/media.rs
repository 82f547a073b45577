//! Media records: which content-addressed objects the hub holds.

use std::collections::HashSet;

use portal_core::UnixMillis;
use portal_core::media::MediaKind;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QuerySelect};

use crate::entity::media;
use crate::events::{Actor, AuditAction, audit};
use crate::{AgentAuth, Result, Store, StoreError};

/// A medium the hub holds (its bytes are in the hub's media directory).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaRecord {
    pub sha256: String,
    /// Recognised from the content, never from a name.
    pub content_type: String,
    pub kind: MediaKind,
    pub size: u64,
    /// The tenant whose agent uploaded it first.
    pub tenant_id: i64,
    pub created_at: UnixMillis,
}

impl TryFrom<media::Model> for MediaRecord {
    type Error = StoreError;
    fn try_from(m: media::Model) -> Result<Self> {
        Ok(Self {
            kind: parse_kind(&m.kind).ok_or_else(|| {
                StoreError::Db(sea_orm::DbErr::Custom(format!(
                    "unknown media kind {:?} in the database",
                    m.kind
                )))
            })?,
            sha256: m.sha256,
            content_type: m.content_type,
            size: u64::try_from(m.size).unwrap_or(0),
            tenant_id: m.tenant_id,
            created_at: UnixMillis::from_millis(m.created_at),
        })
    }
}

fn parse_kind(s: &str) -> Option<MediaKind> {
    [
        MediaKind::Image,
        MediaKind::Document,
        MediaKind::Audio,
        MediaKind::Video,
    ]
    .into_iter()
    .find(|k| k.as_str() == s)
}

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
        media::Entity::find_by_id(sha256)
            .one(&self.db)
            .await?
            .map(MediaRecord::try_from)
            .transpose()
    }

    /// Records a completely received, verified medium (its bytes are already in place).
    /// Recording the same object twice keeps the first record.
    pub async fn record_media(
        &self,
        auth: &AgentAuth,
        sha256: &str,
        content_type: &str,
        kind: MediaKind,
        size: u64,
        now: UnixMillis,
    ) -> Result<()> {
        let _w = self.write_guard().await;
        let txn = self.begin_write().await?;
        let size = i64::try_from(size).unwrap_or(i64::MAX);
        let inserted = media::Entity::insert(media::ActiveModel {
            sha256: Set(sha256.to_string()),
            content_type: Set(content_type.to_string()),
            kind: Set(kind.as_str().to_string()),
            size: Set(size),
            tenant_id: Set(auth.tenant_id),
            created_at: Set(now.as_millis()),
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
                &Actor::Agent(auth.agent_id.clone()),
                AuditAction::MediaUpload,
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
