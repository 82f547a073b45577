//! Media uploads: content-addressed, resumable, checked by content, bounded per agent.

use portal_store::{AgentAuth, MediaRecord};

use super::{AgentCaller, ServiceError};
use crate::health::Component;
use crate::media::MediaError;
use crate::state::{HubState, now};

/// How much of a medium the hub holds.
pub struct MediaStatus {
    pub complete: bool,
    pub received_bytes: u64,
}

/// What starting an upload found.
pub enum UploadStart<'a> {
    /// The hub holds the object already (from this tenant or another): nothing to send.
    Held(MediaRecord),
    /// Send the chunks to this upload, then finish it.
    Receiving(Upload<'a>),
}

/// An upload under way; one per object at a time (the turn is released when it is dropped).
pub struct Upload<'a> {
    st: &'a HubState,
    auth: AgentAuth,
    sha: String,
    total: u64,
}

fn check_sha(sha: &str) -> Result<(), ServiceError> {
    if portal_core::media::is_sha256_hex(sha) {
        Ok(())
    } else {
        Err(ServiceError::invalid(
            "sha256",
            "must be 64 lower-case hex digits",
        ))
    }
}

fn media_error(st: &HubState, e: MediaError) -> ServiceError {
    match e {
        MediaError::Invalid(m) => ServiceError::invalid("data", m),
        MediaError::Offset(m) => ServiceError::Precondition(m),
        MediaError::Quota(m) => ServiceError::Exhausted {
            message: m,
            retry_after: st.config.media_partial_ttl.get(),
        },
        MediaError::Io(e) => {
            tracing::error!(error = %e, "media storage failed");
            st.health.write_failed(Component::MediaStorage, &e, now());
            let why = if crate::media::is_disk_full(&e) {
                "the hub's media storage is full"
            } else {
                "the hub could not store the medium"
            };
            ServiceError::Unavailable(format!("{why}; retry later"))
        }
    }
}

/// Starts (or resumes) the upload of object `sha` of `total` bytes.
pub async fn begin_upload<'a>(
    st: &'a HubState,
    caller: &AgentCaller,
    sha: &str,
    total: u64,
) -> Result<UploadStart<'a>, ServiceError> {
    let auth = st.store.authorise_agent(&caller.claims).await?;
    check_sha(sha)?;
    if total == 0 {
        return Err(ServiceError::invalid("total_size", "must be at least 1"));
    }
    if let Some(m) = st.store.media(sha).await? {
        return Ok(UploadStart::Held(m));
    }
    take_turn(st, sha)?;
    Ok(UploadStart::Receiving(Upload {
        st,
        auth,
        sha: sha.to_string(),
        total,
    }))
}

fn take_turn(st: &HubState, sha: &str) -> Result<(), ServiceError> {
    let mut busy = st
        .media_uploads
        .lock()
        .map_err(|_| ServiceError::internal("media lock poisoned"))?;
    if !busy.insert(sha.to_string()) {
        return Err(ServiceError::Busy(
            "this object is being uploaded by another call; retry shortly".into(),
        ));
    }
    Ok(())
}

impl Upload<'_> {
    /// Stores one chunk; every chunk of an upload names the same object and size.
    pub async fn append(
        &mut self,
        sha: &str,
        total: u64,
        offset: u64,
        data: &[u8],
    ) -> Result<(), ServiceError> {
        if sha != self.sha || total != self.total {
            return Err(ServiceError::invalid(
                "sha256",
                "every chunk must name the same sha256 and total_size",
            ));
        }
        let st = self.st;
        st.media
            .append(
                &self.auth.agent_id,
                &self.sha,
                self.total,
                offset,
                data,
                st.config.media_partial_quota_bytes,
            )
            .await
            .map_err(|e| media_error(st, e))?;
        st.health.write_succeeded(Component::MediaStorage);
        Ok(())
    }

    /// Checks the whole object against its hash and type, puts it in place and records it.
    pub async fn finish(self) -> Result<MediaRecord, ServiceError> {
        let st = self.st;
        let ty = st
            .media
            .finish(&self.auth.agent_id, &self.sha, self.total)
            .await
            .map_err(|e| media_error(st, e))?;
        let now = now();
        st.store
            .record_media(&self.auth, &self.sha, ty.mime, ty.kind, self.total, now)
            .await?;
        tracing::info!(tenant = %self.auth.tenant_slug, sha = %self.sha, mime = ty.mime,
            size = self.total, "media stored");
        Ok(MediaRecord {
            sha256: self.sha.clone(),
            content_type: ty.mime.to_string(),
            kind: ty.kind,
            size: self.total,
            tenant_id: self.auth.tenant_id,
            created_at: now,
        })
    }
}

impl Drop for Upload<'_> {
    fn drop(&mut self) {
        if let Ok(mut busy) = self.st.media_uploads.lock() {
            busy.remove(&self.sha);
        }
    }
}

/// How much of object `sha` the hub holds for this agent, to resume an upload.
pub async fn media_status(
    st: &HubState,
    caller: &AgentCaller,
    sha: &str,
) -> Result<MediaStatus, ServiceError> {
    let auth = st.store.authorise_agent(&caller.claims).await?;
    check_sha(sha)?;
    if st.store.media(sha).await?.is_some() {
        return Ok(MediaStatus {
            complete: true,
            received_bytes: 0,
        });
    }
    // Bytes in place without a record (a crash between the two): record them now.
    if let Some((ty, size)) = st.media.verify_complete(sha).await {
        st.store
            .record_media(&auth, sha, ty.mime, ty.kind, size, now())
            .await?;
        return Ok(MediaStatus {
            complete: true,
            received_bytes: size,
        });
    }
    Ok(MediaStatus {
        complete: false,
        received_bytes: st.media.received(&auth.agent_id, sha).await,
    })
}
