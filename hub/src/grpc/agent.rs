//! `AgentService`: publish, withdraw, heartbeat. Thin: authenticate, validate with the domain,
//! call the store, invalidate pages, translate results.

use portal_core::{FieldError, ItemDraft};
use portal_proto::v1::agent_service_server::AgentService;
use portal_proto::v1::{
    EntryResult, HeartbeatRequest, HeartbeatResponse, Item, MediaChunk, MediaStatusRequest,
    MediaStatusResponse, MediaUploaded, Outcome as PbOutcome, PublishRequest, PublishResponse,
    WithdrawRequest, WithdrawResponse,
};
use portal_proto::{timestamp_from_millis, timestamp_to_millis};
use portal_store::{EntryOutcome, Heartbeat, IngestEntry, Outcome};
use tonic::{Request, Response, Status};

use super::auth::{authenticate, authenticate_with_cert};
use crate::now_ms;
use crate::state::HubState;

pub struct AgentApi {
    state: HubState,
}

impl AgentApi {
    pub fn new(state: HubState) -> Self {
        Self { state }
    }

    fn check_batch(&self, n: usize) -> Result<(), Status> {
        let max = self.state.config.max_batch_entries;
        if n == 0 {
            return Err(super::bad_request(
                "the batch is empty",
                &[("entries", "must hold at least one entry".into())],
            ));
        }
        if n > max {
            return Err(super::bad_request(
                "the batch is too large",
                &[(
                    "entries",
                    format!("{n} entries in one batch, at most {max} allowed"),
                )],
            ));
        }
        Ok(())
    }

    /// Items may only refer to media the hub holds: otherwise the page would show a hole.
    async fn check_media(&self, entries: &mut [IngestEntry]) -> Result<(), Status> {
        let wanted: Vec<String> = entries
            .iter()
            .filter_map(|e| e.item.as_ref().ok())
            .flat_map(|i| i.media.iter().cloned())
            .collect();
        if wanted.is_empty() {
            return Ok(());
        }
        let present = self
            .state
            .store
            .media_present(&wanted)
            .await
            .map_err(store_status)?;
        for e in entries.iter_mut() {
            let missing: Vec<FieldError> = match &e.item {
                Ok(item) => item
                    .media
                    .iter()
                    .filter(|m| !present.contains(*m))
                    .map(|m| {
                        FieldError::new(
                            "body",
                            format!("media:{m} has not been uploaded; upload it before the item"),
                        )
                    })
                    .collect(),
                Err(_) => continue,
            };
            if !missing.is_empty() {
                e.item = Err(missing);
            }
        }
        Ok(())
    }

    fn finish(&self, tenant_slug: &str, results: Vec<EntryOutcome>) -> Vec<EntryResult> {
        let mut changed = false;
        let out = results
            .into_iter()
            .map(|r| {
                self.state.counters.add(r.outcome);
                changed |= r.outcome == Outcome::Accepted;
                if r.outcome == Outcome::Rejected {
                    tracing::info!(tenant = tenant_slug, seq = r.seq, item = %r.item_id,
                        errors = ?r.errors, "entry rejected");
                }
                to_pb(r)
            })
            .collect();
        if changed {
            self.state.cache.invalidate_tenant(tenant_slug);
        }
        out
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
        published_at_ms: item.published_at.as_ref().map_or(0, timestamp_to_millis),
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
        seq: r.seq as u64,
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

/// A sequence number must fit the store's signed 64-bit column and be positive.
fn seq_of(seq: u64) -> Result<i64, FieldError> {
    i64::try_from(seq)
        .ok()
        .filter(|s| *s > 0)
        .ok_or_else(|| FieldError::new("seq", "must be between 1 and 2^63-1"))
}

fn store_status(e: portal_store::StoreError) -> Status {
    match e {
        portal_store::StoreError::Refused(m) => Status::permission_denied(m),
        other => super::internal(other),
    }
}

#[tonic::async_trait]
impl AgentService for AgentApi {
    async fn publish(
        &self,
        req: Request<PublishRequest>,
    ) -> Result<Response<PublishResponse>, Status> {
        // The store authorises these claims inside its write transaction (one query per group
        // of calls instead of one per call); nothing is written for a refused caller.
        let peer = super::auth::verified_peer(&self.state, &req)?;
        let claims = portal_store::AgentClaims {
            agent_id: peer.identity.agent_id.clone(),
            tenant_slug: peer.identity.tenant.clone(),
            serial_hex: peer.serial_hex.clone(),
        };
        let tenant_kind = self
            .state
            .tenant_kind(&claims.tenant_slug)
            .await
            .map_err(store_status)?
            .ok_or_else(|| Status::permission_denied("the certificate's tenant does not exist"))?;
        let entries = req.into_inner().entries;
        self.check_batch(entries.len())?;
        let now = now_ms();
        let registry = self.state.registry();
        let mut ingest = Vec::with_capacity(entries.len());
        let mut bad_seq = Vec::new();
        for e in entries {
            let item_id = e.item.as_ref().map(|i| i.id.clone()).unwrap_or_default();
            let seq = match seq_of(e.seq) {
                Ok(s) => s,
                Err(err) => {
                    bad_seq.push(EntryOutcome::rejected(0, item_id, vec![err]));
                    continue;
                }
            };
            let item = match e.item {
                Some(item) => draft_from_pb(item)
                    .validate(now)
                    .and_then(|i| registry.apply(i, tenant_kind, &claims.tenant_slug)),
                None => Err(vec![FieldError::new("item", "is required")]),
            };
            ingest.push(IngestEntry { seq, item_id, item });
        }
        self.check_media(&mut ingest).await?;
        let mut results = if ingest.is_empty() {
            // Nothing to write, but the caller must still be one the store accepts.
            self.state
                .store
                .authorize_agent(&claims.agent_id, &claims.tenant_slug, &claims.serial_hex)
                .await
                .map_err(store_status)?;
            Vec::new()
        } else {
            self.state
                .store
                .publish_claimed(claims.clone(), ingest, self.state.review_on_accept, now)
                .await
                .map_err(store_status)?
        };
        results.extend(bad_seq);
        Ok(Response::new(PublishResponse {
            results: self.finish(&claims.tenant_slug, results),
        }))
    }

    async fn withdraw(
        &self,
        req: Request<WithdrawRequest>,
    ) -> Result<Response<WithdrawResponse>, Status> {
        let auth = authenticate(&self.state, &req).await?;
        let entries = req.into_inner().entries;
        self.check_batch(entries.len())?;
        let mut valid = Vec::with_capacity(entries.len());
        let mut rejected = Vec::new();
        for e in entries {
            match (
                seq_of(e.seq),
                portal_core::item::validate_item_id(&e.item_id),
            ) {
                (Ok(seq), Ok(())) => valid.push((seq, e.item_id)),
                (s, i) => rejected.push(EntryOutcome::rejected(
                    s.as_ref().map_or(0, |s| *s),
                    e.item_id,
                    [s.err(), i.err()].into_iter().flatten().collect(),
                )),
            }
        }
        let mut results = if valid.is_empty() {
            Vec::new()
        } else {
            self.state
                .store
                .withdraw(&auth, valid, now_ms())
                .await
                .map_err(store_status)?
        };
        results.extend(rejected);
        Ok(Response::new(WithdrawResponse {
            results: self.finish(&auth.tenant_slug, results),
        }))
    }

    async fn upload_media(
        &self,
        req: Request<tonic::Streaming<MediaChunk>>,
    ) -> Result<Response<MediaUploaded>, Status> {
        let auth = authenticate(&self.state, &req).await?;
        let mut stream = req.into_inner();
        let Some(first) = stream.message().await? else {
            return Err(Status::invalid_argument("no chunk received"));
        };
        let (sha, total) = (first.sha256.clone(), first.total_size);
        if !portal_core::media::is_sha256_hex(&sha) {
            return Err(Status::invalid_argument(
                "sha256: must be 64 lower-case hex digits",
            ));
        }
        if total == 0 {
            return Err(Status::invalid_argument("total_size: must be at least 1"));
        }
        let _turn = UploadTurn::take(&self.state, &sha)?;
        let st = &self.state;
        if let Some(m) = st.store.media(&sha).await.map_err(store_status)? {
            // Already here (from this tenant or another): nothing to store.
            return Ok(Response::new(MediaUploaded {
                sha256: sha,
                content_type: m.content_type,
                size: m.size as u64,
            }));
        }
        let mut chunk = Some(first);
        while let Some(c) = chunk {
            if c.sha256 != sha || c.total_size != total {
                return Err(Status::invalid_argument(
                    "every chunk must name the same sha256 and total_size",
                ));
            }
            st.media
                .append(&sha, total, c.offset, &c.data)
                .await
                .map_err(media_status)?;
            chunk = stream.message().await?;
        }
        let ty = st.media.finish(&sha, total).await.map_err(media_status)?;
        st.store
            .record_media(
                &auth,
                &sha,
                ty.mime,
                ty.kind.as_str(),
                total as i64,
                now_ms(),
            )
            .await
            .map_err(store_status)?;
        tracing::info!(tenant = %auth.tenant_slug, %sha, mime = ty.mime, size = total, "media stored");
        Ok(Response::new(MediaUploaded {
            sha256: sha,
            content_type: ty.mime.to_string(),
            size: total,
        }))
    }

    async fn media_status(
        &self,
        req: Request<MediaStatusRequest>,
    ) -> Result<Response<MediaStatusResponse>, Status> {
        let auth = authenticate(&self.state, &req).await?;
        let sha = req.into_inner().sha256;
        if !portal_core::media::is_sha256_hex(&sha) {
            return Err(Status::invalid_argument(
                "sha256: must be 64 lower-case hex digits",
            ));
        }
        let st = &self.state;
        if st.store.media(&sha).await.map_err(store_status)?.is_some() {
            return Ok(Response::new(MediaStatusResponse {
                complete: true,
                received_bytes: 0,
            }));
        }
        // Bytes in place without a record (a crash between the two): record them now.
        if let Some((ty, size)) = st.media.verify_complete(&sha).await {
            st.store
                .record_media(
                    &auth,
                    &sha,
                    ty.mime,
                    ty.kind.as_str(),
                    size as i64,
                    now_ms(),
                )
                .await
                .map_err(store_status)?;
            return Ok(Response::new(MediaStatusResponse {
                complete: true,
                received_bytes: size,
            }));
        }
        Ok(Response::new(MediaStatusResponse {
            complete: false,
            received_bytes: st.media.received(&sha).await,
        }))
    }

    async fn heartbeat(
        &self,
        req: Request<HeartbeatRequest>,
    ) -> Result<Response<HeartbeatResponse>, Status> {
        let (auth, cert) = authenticate_with_cert(&self.state, &req).await?;
        let hb = req.into_inner();
        let now = now_ms();
        let status = Heartbeat {
            agent_version: hb.agent_version.chars().take(64).collect(),
            outbox_depth: i64::try_from(hb.outbox_depth).unwrap_or(i64::MAX),
            last_publish_at: hb.last_successful_publish.as_ref().map(timestamp_to_millis),
            uptime_secs: i64::try_from(hb.uptime_seconds).unwrap_or(i64::MAX),
        };
        self.state
            .store
            .record_heartbeat(&auth.agent_id, &status, now)
            .await
            .map_err(store_status)?;
        // Renew once two thirds of the configured lifetime have passed.
        let validity = self.state.config.agent_cert_validity_secs();
        let renew_after = (cert.not_after - validity / 3) * 1000;
        let high_water_seq = self
            .state
            .store
            .agent(&auth.agent_id)
            .await
            .map_err(store_status)?
            .map_or(0, |a| a.high_water_seq.max(0) as u64);
        Ok(Response::new(HeartbeatResponse {
            server_time: Some(timestamp_from_millis(now)),
            renew_after: Some(timestamp_from_millis(renew_after)),
            high_water_seq,
        }))
    }
}

fn media_status(e: crate::media::MediaError) -> Status {
    use crate::media::MediaError;
    match e {
        MediaError::Invalid(m) => super::bad_request(m.clone(), &[("data", m)]),
        MediaError::Offset(m) => Status::failed_precondition(m),
        MediaError::Io(e) => super::internal(e),
    }
}

/// One upload per object at a time; released when dropped.
struct UploadTurn<'a> {
    state: &'a HubState,
    sha: String,
}

impl<'a> UploadTurn<'a> {
    fn take(state: &'a HubState, sha: &str) -> Result<Self, Status> {
        let mut busy = state
            .media_uploads
            .lock()
            .map_err(|_| Status::internal("media lock poisoned"))?;
        if !busy.insert(sha.to_string()) {
            return Err(Status::aborted(
                "this object is being uploaded by another call; retry shortly",
            ));
        }
        Ok(Self {
            state,
            sha: sha.to_string(),
        })
    }
}

impl Drop for UploadTurn<'_> {
    fn drop(&mut self) {
        if let Ok(mut busy) = self.state.media_uploads.lock() {
            busy.remove(&self.sha);
        }
    }
}
