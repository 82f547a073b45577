//! `AgentService`: translates the wire into the service layer's types and back. No rule lives
//! here.

use portal_core::ItemDraft;
use portal_proto::v1::agent_service_server::AgentService;
use portal_proto::v1::{
    EntryResult, HeartbeatRequest, HeartbeatResponse, Item, MediaChunk, MediaStatusRequest,
    MediaStatusResponse, MediaUploaded, Outcome as PbOutcome, PublishRequest, PublishResponse,
    WithdrawRequest, WithdrawResponse,
};
use portal_proto::{timestamp_from, timestamp_to};
use portal_store::{EntryOutcome, Outcome};
use tonic::{Request, Response, Status};

use super::auth::caller;
use crate::service::{self, HeartbeatReport, PublishEntry, UploadStart, WithdrawEntry};
use crate::state::HubState;

pub(super) struct AgentApi {
    state: HubState,
}

impl AgentApi {
    pub(super) fn new(state: HubState) -> Self {
        Self { state }
    }
}

fn draft_from_pb(item: Item) -> ItemDraft {
    ItemDraft {
        id: item.id,
        title: item.title,
        category: item.category,
        language: item.language,
        author: item.author,
        source: item.source,
        source_url: item.source_url,
        published_at_ms: item
            .published_at
            .as_ref()
            .map_or(0, |t| timestamp_to(t).as_millis()),
        summary: item.summary,
        tags: item.tags,
        body_markdown: item.body_markdown,
        translation_id: item.translation_id,
        record: item.record.into_iter().collect(),
        notes: item.notes,
    }
}

fn to_pb(r: EntryOutcome) -> EntryResult {
    EntryResult {
        seq: u64::try_from(r.seq).unwrap_or(0),
        item_id: r.item_id,
        outcome: match r.outcome {
            Outcome::Accepted => PbOutcome::Accepted,
            Outcome::Unchanged => PbOutcome::Unchanged,
            Outcome::Duplicate => PbOutcome::Duplicate,
            Outcome::Rejected => PbOutcome::Rejected,
        } as i32,
        version: r.version.max(0) as u32,
        errors: r
            .errors
            .into_iter()
            .map(|e| portal_proto::v1::FieldError {
                field: e.field,
                reason: e.reason,
            })
            .collect(),
        notes: r.notes,
    }
}

#[tonic::async_trait]
impl AgentService for AgentApi {
    async fn publish(
        &self,
        req: Request<PublishRequest>,
    ) -> Result<Response<PublishResponse>, Status> {
        let caller = caller(&req)?;
        let entries = req
            .into_inner()
            .entries
            .into_iter()
            .map(|e| PublishEntry {
                seq: e.seq,
                item: e.item.map(draft_from_pb),
            })
            .collect();
        let results = service::publish(&self.state, &caller, entries).await?;
        Ok(Response::new(PublishResponse {
            results: results.into_iter().map(to_pb).collect(),
        }))
    }

    async fn withdraw(
        &self,
        req: Request<WithdrawRequest>,
    ) -> Result<Response<WithdrawResponse>, Status> {
        let caller = caller(&req)?;
        let entries = req
            .into_inner()
            .entries
            .into_iter()
            .map(|e| WithdrawEntry {
                seq: e.seq,
                item_id: e.item_id,
                reason: e.reason,
            })
            .collect();
        let results = service::withdraw(&self.state, &caller, entries).await?;
        Ok(Response::new(WithdrawResponse {
            results: results.into_iter().map(to_pb).collect(),
        }))
    }

    async fn upload_media(
        &self,
        req: Request<tonic::Streaming<MediaChunk>>,
    ) -> Result<Response<MediaUploaded>, Status> {
        let caller = caller(&req)?;
        let mut stream = req.into_inner();
        let Some(first) = stream.message().await? else {
            return Err(Status::invalid_argument("no chunk received"));
        };
        let mut upload =
            match service::begin_upload(&self.state, &caller, &first.sha256, first.total_size)
                .await?
            {
                UploadStart::Held(m) => {
                    return Ok(Response::new(MediaUploaded {
                        sha256: m.sha256,
                        content_type: m.content_type,
                        size: m.size,
                    }));
                }
                UploadStart::Receiving(u) => u,
            };
        let mut chunk = Some(first);
        while let Some(c) = chunk {
            upload
                .append(&c.sha256, c.total_size, c.offset, &c.data)
                .await?;
            chunk = stream.message().await?;
        }
        let m = upload.finish().await?;
        Ok(Response::new(MediaUploaded {
            sha256: m.sha256,
            content_type: m.content_type,
            size: m.size,
        }))
    }

    async fn media_status(
        &self,
        req: Request<MediaStatusRequest>,
    ) -> Result<Response<MediaStatusResponse>, Status> {
        let caller = caller(&req)?;
        let s = service::media_status(&self.state, &caller, &req.get_ref().sha256).await?;
        Ok(Response::new(MediaStatusResponse {
            complete: s.complete,
            received_bytes: s.received_bytes,
        }))
    }

    async fn heartbeat(
        &self,
        req: Request<HeartbeatRequest>,
    ) -> Result<Response<HeartbeatResponse>, Status> {
        let caller = caller(&req)?;
        let hb = req.into_inner();
        let answer = service::heartbeat(
            &self.state,
            &caller,
            HeartbeatReport {
                agent_version: hb.agent_version,
                outbox_depth: hb.outbox_depth,
                last_publish: hb.last_successful_publish.as_ref().map(timestamp_to),
                uptime_secs: hb.uptime_seconds,
            },
        )
        .await?;
        Ok(Response::new(HeartbeatResponse {
            server_time: Some(timestamp_from(answer.server_time)),
            renew_after: Some(timestamp_from(answer.renew_after)),
            high_water_seq: answer.high_water_seq,
            max_message_bytes: answer.max_message_bytes,
            max_batch_entries: answer.max_batch_entries,
        }))
    }
}
