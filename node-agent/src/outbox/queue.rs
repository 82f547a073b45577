//! The queue itself: entries in, batches out, answers recorded.
//!
//! A batch holds entries of one kind, in sequence order, at most so many and at most so many
//! bytes (the hub announces its message limit; see `uplink::Limits`). Sizes are read from the
//! database before any payload is, so a queue of large items never costs more memory than one
//! batch. An entry that could never fit a message on its own is handed back as too large, for
//! the caller to refuse with that reason; an entry this agent cannot read exactly is parked.

use portal_core::{FieldError, ItemDraft};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter,
    QueryOrder, QuerySelect,
};

use super::entity::{outbox_entry, parked, rejection, watched_file};
use super::entry::{CURRENT_FORMAT, Entry};
use super::files::{FileFacts, remember_file};
use super::{LAST_PUBLISH, Outbox, now_ms, set_meta};

/// An entry waiting in the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Queued {
    pub seq: i64,
    pub entry: Entry,
    /// Bytes of its stored payload: close to (and more than) what it costs in a message.
    pub stored_bytes: usize,
}

/// How the hub answered one entry.
#[derive(Debug, Clone)]
pub struct Answer {
    pub seq: i64,
    pub item_id: String,
    /// `None` for accepted, unchanged or duplicate; the reasons for a rejection.
    pub rejected: Option<Vec<FieldError>>,
}

/// The most a batch may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BatchLimits {
    pub entries: usize,
    /// Bytes of entries packed into one batch.
    pub bytes: usize,
    /// The largest entry that may go alone (what the hub accepts in one message, less room for
    /// the rest of the message); a larger one can never be sent.
    pub alone: usize,
}

/// What to send next.
#[derive(Debug, PartialEq, Eq)]
pub enum Next {
    Empty,
    Batch(Vec<Queued>),
    /// The oldest entry is larger than any message the hub accepts.
    TooLarge(Box<Queued>),
}

/// What an entry costs in a batch besides its payload (sequence number, field tags, lengths).
const ENTRY_OVERHEAD: usize = 64;

#[derive(FromQueryResult)]
struct EntrySize {
    seq: i64,
    kind: String,
    bytes: i64,
}

/// Writes an entry in the current format; its sequence number.
async fn insert(c: &impl ConnectionTrait, entry: &Entry) -> anyhow::Result<i64> {
    let res = outbox_entry::Entity::insert(outbox_entry::ActiveModel {
        kind: Set(entry.kind().as_str().into()),
        item_id: Set(entry.subject().to_string()),
        payload: Set(entry.encode()),
        created_at: Set(now_ms()),
        format: Set(CURRENT_FORMAT),
        ..Default::default()
    })
    .exec(c)
    .await?;
    Ok(res.last_insert_id)
}

impl Outbox {
    /// Queues a publication; `file` records which file version it came from, in the same
    /// transaction, so the scan never queues the same change twice.
    pub async fn enqueue_publish(
        &self,
        draft: &ItemDraft,
        file: Option<&FileFacts>,
    ) -> anyhow::Result<i64> {
        let txn = self.begin_write().await?;
        let seq = insert(&txn, &Entry::publish(draft)).await?;
        if let Some(f) = file {
            remember_file(&txn, f, &draft.id).await?;
        }
        txn.commit().await?;
        Ok(seq)
    }

    /// Queues the upload of a medium found in the content folder (content-addressed by `sha`).
    pub async fn enqueue_media(&self, abs_path: &str, file: &FileFacts) -> anyhow::Result<i64> {
        let txn = self.begin_write().await?;
        let entry = Entry::Media {
            sha256: file.content_hash.clone(),
            path: abs_path.to_string(),
            size: file.size,
        };
        let seq = insert(&txn, &entry).await?;
        remember_file(&txn, file, &format!("media:{}", file.content_hash)).await?;
        txn.commit().await?;
        Ok(seq)
    }

    /// Queues the upload of a medium that is not a file of the content folder (one that
    /// `portal-agent publish FILE` found beside FILE): nothing is remembered about the file.
    pub async fn enqueue_media_upload(
        &self,
        abs_path: &str,
        sha256: &str,
        size: i64,
    ) -> anyhow::Result<i64> {
        let entry = Entry::Media {
            sha256: sha256.to_string(),
            path: abs_path.to_string(),
            size,
        };
        insert(&self.db, &entry).await
    }

    /// Queues a withdrawal; `forget` is the file whose deletion caused it.
    pub async fn enqueue_withdraw(
        &self,
        item_id: &str,
        reason: &str,
        forget: Option<&str>,
    ) -> anyhow::Result<i64> {
        let txn = self.begin_write().await?;
        let entry = Entry::Withdraw {
            item_id: item_id.to_string(),
            reason: reason.to_string(),
        };
        let seq = insert(&txn, &entry).await?;
        if let Some(path) = forget {
            watched_file::Entity::delete_by_id(path).exec(&txn).await?;
        }
        txn.commit().await?;
        Ok(seq)
    }

    /// The oldest entries of one kind, in order, within `limits`. Entries that cannot be read
    /// are parked on the way.
    pub async fn next_batch(&self, limits: BatchLimits) -> anyhow::Result<Next> {
        loop {
            let sizes = EntrySize::find_by_statement(sea_orm::Statement::from_sql_and_values(
                self.db.get_database_backend(),
                "SELECT seq, kind, length(CAST(payload AS BLOB)) AS bytes FROM outbox \
                 ORDER BY seq LIMIT ?",
                [(limits.entries.max(1) as i64).into()],
            ))
            .all(&self.db)
            .await?;
            let Some(first) = sizes.first() else {
                return Ok(Next::Empty);
            };
            let mut chosen = Vec::new();
            let mut bytes = 0usize;
            for s in sizes.iter().take_while(|s| s.kind == first.kind) {
                let cost = usize::try_from(s.bytes).unwrap_or(usize::MAX) + ENTRY_OVERHEAD;
                if !chosen.is_empty() && bytes.saturating_add(cost) > limits.bytes {
                    break;
                }
                bytes = bytes.saturating_add(cost);
                chosen.push(s.seq);
            }
            let rows = outbox_entry::Entity::find()
                .filter(outbox_entry::Column::Seq.is_in(chosen.iter().copied()))
                .order_by_asc(outbox_entry::Column::Seq)
                .all(&self.db)
                .await?;
            let mut batch = Vec::with_capacity(rows.len());
            let mut parked_any = false;
            for r in rows {
                match Entry::decode(r.format, &r.kind, &r.item_id, &r.payload) {
                    Ok(entry) => batch.push(Queued {
                        seq: r.seq,
                        stored_bytes: r.payload.len(),
                        entry,
                    }),
                    Err(reason) => {
                        tracing::error!(seq = r.seq, %reason, "outbox entry parked");
                        self.park(r, &reason).await?;
                        parked_any = true;
                    }
                }
            }
            if parked_any {
                continue;
            }
            if batch.len() == 1 && bytes > limits.alone {
                return Ok(Next::TooLarge(Box::new(batch.remove(0))));
            }
            return Ok(Next::Batch(batch));
        }
    }

    /// Moves an entry that cannot be read, unchanged, out of the queue.
    async fn park(&self, row: outbox_entry::Model, reason: &str) -> anyhow::Result<()> {
        let txn = self.begin_write().await?;
        parked::Entity::insert(parked::ActiveModel {
            seq: Set(row.seq),
            kind: Set(row.kind),
            item_id: Set(row.item_id),
            payload: Set(row.payload),
            format: Set(row.format),
            created_at: Set(row.created_at),
            reason: Set(reason.to_string()),
            parked_at: Set(now_ms()),
        })
        .exec_without_returning(&txn)
        .await?;
        outbox_entry::Entity::delete_by_id(row.seq)
            .exec(&txn)
            .await?;
        txn.commit().await?;
        Ok(())
    }

    /// Entries parked because this agent could not read them: `(seq, kind, subject, reason)`.
    pub async fn parked(&self) -> anyhow::Result<Vec<(i64, String, String, String)>> {
        Ok(parked::Entity::find()
            .order_by_asc(parked::Column::Seq)
            .all(&self.db)
            .await?
            .into_iter()
            .map(|p| (p.seq, p.kind, p.item_id, p.reason))
            .collect())
    }

    /// Refuses an entry here, without sending it (it could never be accepted as it is): it
    /// leaves the queue and its reason is kept for `portal-agent status`.
    pub async fn refuse(&self, q: &Queued, reason: &str) -> anyhow::Result<()> {
        self.complete(&[Answer {
            seq: q.seq,
            item_id: q.entry.subject().to_string(),
            rejected: Some(vec![FieldError::new("entry", reason)]),
        }])
        .await
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

impl Queued {
    /// `publish`, `withdraw` or `media`.
    pub fn kind(&self) -> &'static str {
        self.entry.kind().as_str()
    }

    /// The item (or medium) the entry is about.
    pub fn subject(&self) -> &str {
        self.entry.subject()
    }

    /// The item a publication carries.
    pub fn draft(&self) -> Option<ItemDraft> {
        match &self.entry {
            Entry::Publish { item } => Some((**item).clone().into()),
            _ => None,
        }
    }
}

#[cfg(test)]
impl Outbox {
    /// The next batch of at most `n` entries whatever their size, or nothing (for tests).
    pub(crate) async fn peek(&self, n: usize) -> Vec<Queued> {
        let limits = BatchLimits {
            entries: n,
            bytes: usize::MAX,
            alone: usize::MAX,
        };
        match self.next_batch(limits).await {
            Ok(Next::Batch(b)) => b,
            Ok(Next::TooLarge(q)) => vec![*q],
            Ok(Next::Empty) => Vec::new(),
            Err(e) => panic!("{e:#}"),
        }
    }
}
