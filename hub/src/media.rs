//! Content-addressed media files on disk: `<media_dir>/<aa>/<sha256>` once complete and
//! verified, `<media_dir>/partial/<agent>/<sha256>` while an agent's upload is under way (it
//! survives hub restarts, so an interrupted upload resumes where it stopped).
//!
//! Partial uploads are per agent so that each agent's unfinished bytes can be bounded (a
//! quota) and so that one agent cannot append to another's upload; they are swept when left
//! untouched for long. A chunk that cannot be written whole (a full disk) is cut back off, so
//! the upload resumes from a consistent offset once there is room.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use portal_core::media::{MediaType, SNIFF_BYTES, is_sha256_hex, sniff};
use sha2::{Digest, Sha256};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

pub struct MediaFiles {
    root: PathBuf,
}

/// Why a chunk or an upload was refused.
#[derive(Debug, thiserror::Error)]
pub enum MediaError {
    #[error("{0}")]
    Invalid(String),
    #[error("{0}")]
    Offset(String),
    #[error("{0}")]
    Quota(String),
    #[error("storage error: {0}")]
    Io(#[from] std::io::Error),
}

impl MediaFiles {
    pub fn new(root: &Path) -> Self {
        Self {
            root: root.to_path_buf(),
        }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Path of a complete object (the caller has checked `sha` is a SHA-256).
    pub fn path(&self, sha: &str) -> PathBuf {
        self.root.join(&sha[..2]).join(sha)
    }

    fn partial_dir(&self, agent: &str) -> PathBuf {
        self.root.join("partial").join(agent)
    }

    fn partial(&self, agent: &str, sha: &str) -> PathBuf {
        self.partial_dir(agent).join(sha)
    }

    /// Bytes this agent has already sent of an unfinished upload.
    pub async fn received(&self, agent: &str, sha: &str) -> u64 {
        tokio::fs::metadata(self.partial(agent, sha))
            .await
            .map_or(0, |m| m.len())
    }

    /// Bytes of all of an agent's unfinished uploads.
    async fn partial_bytes(&self, agent: &str) -> u64 {
        let Ok(mut dir) = tokio::fs::read_dir(self.partial_dir(agent)).await else {
            return 0;
        };
        let mut total = 0;
        while let Ok(Some(e)) = dir.next_entry().await {
            total += e.metadata().await.map_or(0, |m| m.len());
        }
        total
    }

    /// Appends a chunk at `offset`, which must be exactly what was received so far. The first
    /// bytes decide the type: anything but an allowed format is refused before it is stored.
    /// A new upload must fit the agent's quota of unfinished bytes (`quota`), counted with the
    /// whole announced size.
    pub async fn append(
        &self,
        agent: &str,
        sha: &str,
        total: u64,
        offset: u64,
        data: &[u8],
        quota: u64,
    ) -> Result<(), MediaError> {
        if !is_sha256_hex(sha) {
            return Err(MediaError::Invalid(
                "sha256: must be 64 lower-case hex digits".into(),
            ));
        }
        let have = self.received(agent, sha).await;
        if offset != have {
            return Err(MediaError::Offset(format!(
                "offset {offset} does not follow the {have} bytes already received; resume from {have}"
            )));
        }
        if offset + data.len() as u64 > total {
            return Err(MediaError::Invalid(format!(
                "data goes past total_size {total}"
            )));
        }
        if offset == 0 {
            let head = &data[..data.len().min(SNIFF_BYTES)];
            check_type(head, total)?;
            let pending = self.partial_bytes(agent).await;
            if pending.saturating_add(total) > quota {
                return Err(MediaError::Quota(format!(
                    "this agent has {pending} bytes of unfinished uploads on the hub; with these \
                     {total} bytes it would exceed its quota of {quota}; finish or wait for \
                     the unfinished ones to expire"
                )));
            }
        }
        let dir = self.partial_dir(agent);
        private_dir(&dir).await?;
        let path = self.partial(agent, sha);
        let mut f = tokio::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .mode(0o600)
            .open(&path)
            .await?;
        // tokio's file hands the write to another thread and reports its error on the next
        // flush: flush before the sync, or a failed write would go unnoticed.
        let written = async {
            f.write_all(data).await?;
            f.flush().await?;
            f.sync_data().await
        }
        .await;
        if let Err(e) = written {
            // Cut off what part of the chunk did land, so the upload resumes from `have`.
            let _ = f.set_len(have).await;
            return Err(MediaError::Io(e));
        }
        Ok(())
    }

    /// Completes an upload whose bytes have all arrived: checks the hash, moves the file into
    /// place and returns its type.
    pub async fn finish(
        &self,
        agent: &str,
        sha: &str,
        total: u64,
    ) -> Result<MediaType, MediaError> {
        let partial = self.partial(agent, sha);
        let (digest, head, size) = hash_file(&partial).await?;
        if size != total {
            return Err(MediaError::Offset(format!(
                "received {size} of {total} bytes; resume from {size}"
            )));
        }
        if digest != sha {
            // Start over: these bytes are not the object that was announced.
            let _ = tokio::fs::remove_file(&partial).await;
            return Err(MediaError::Invalid(format!(
                "content does not match sha256 {sha} (got {digest}); upload it again"
            )));
        }
        let ty = check_type(&head, total)?;
        let dest = self.path(sha);
        if let Some(parent) = dest.parent() {
            private_dir(parent).await?;
        }
        tokio::fs::rename(&partial, &dest).await?;
        if let Some(parent) = dest.parent()
            && let Ok(d) = tokio::fs::File::open(parent).await
        {
            let _ = d.sync_all().await;
        }
        Ok(ty)
    }

    /// A complete object already on disk (e.g. its record was lost in a crash before commit).
    pub async fn verify_complete(&self, sha: &str) -> Option<(MediaType, u64)> {
        let (digest, head, size) = hash_file(&self.path(sha)).await.ok()?;
        if digest != sha {
            return None;
        }
        check_type(&head, size).ok().map(|t| (t, size))
    }

    /// Removes unfinished uploads untouched for `max_age`; how many.
    pub async fn sweep_partials(&self, max_age: Duration) -> std::io::Result<usize> {
        let root = self.root.join("partial");
        let Ok(mut agents) = tokio::fs::read_dir(&root).await else {
            return Ok(0);
        };
        let now = SystemTime::now();
        let mut removed = 0;
        while let Some(agent) = agents.next_entry().await? {
            let Ok(mut files) = tokio::fs::read_dir(agent.path()).await else {
                continue;
            };
            let mut left = 0;
            while let Some(f) = files.next_entry().await? {
                let stale = f
                    .metadata()
                    .await
                    .and_then(|m| m.modified())
                    .is_ok_and(|t| now.duration_since(t).is_ok_and(|age| age > max_age));
                if stale && tokio::fs::remove_file(f.path()).await.is_ok() {
                    removed += 1;
                } else {
                    left += 1;
                }
            }
            if left == 0 {
                let _ = tokio::fs::remove_dir(agent.path()).await;
            }
        }
        Ok(removed)
    }
}

/// Media are the hub's own files: directories 0700 and files 0600 whatever the umask (the
/// public reads them through the hub, never from the disk).
async fn private_dir(dir: &Path) -> std::io::Result<()> {
    tokio::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .await
}

fn check_type(head: &[u8], total: u64) -> Result<MediaType, MediaError> {
    let ty = sniff(head).ok_or_else(|| {
        MediaError::Invalid(
            "content is not an allowed media format (JPEG, PNG, GIF, WebP, PDF, MP3, AAC, MP4/M4A)"
                .into(),
        )
    })?;
    let max = ty.kind.max_bytes();
    if total > max {
        return Err(MediaError::Invalid(format!(
            "{} of {total} bytes is larger than the {max} bytes allowed for {}",
            ty.mime,
            ty.kind.as_str()
        )));
    }
    Ok(ty)
}

async fn hash_file(path: &Path) -> std::io::Result<(String, Vec<u8>, u64)> {
    let mut f = tokio::fs::File::open(path).await?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 256 * 1024];
    let mut head = Vec::new();
    let mut size = 0u64;
    loop {
        let n = f.read(&mut buf).await?;
        if n == 0 {
            break;
        }
        if head.len() < SNIFF_BYTES {
            head.extend_from_slice(&buf[..n.min(SNIFF_BYTES - head.len())]);
        }
        hasher.update(&buf[..n]);
        size += n as u64;
    }
    Ok((hex::encode(hasher.finalize()), head, size))
}

#[cfg(test)]
mod tests {
    use super::*;

    const QUOTA: u64 = 1 << 40;

    #[tokio::test]
    async fn size_limits_depend_on_the_kind_recognised_from_content() {
        let dir = tempfile::tempdir().unwrap();
        let files = MediaFiles::new(dir.path());
        let sha = "d".repeat(64);
        let png = b"\x89PNG\r\n\x1a\n0123456789";
        // A 30 MiB PNG is too large for an image, though the same size is fine for a video.
        let err = files
            .append("a1", &sha, 30 << 20, 0, png, QUOTA)
            .await
            .unwrap_err();
        assert!(err.to_string().contains("allowed for image"), "{err}");
        let mp4 = b"\0\0\0\x20ftypisom\0\0\0\0";
        files
            .append("a1", &sha, 30 << 20, 0, mp4, QUOTA)
            .await
            .unwrap();
        assert_eq!(files.received("a1", &sha).await, mp4.len() as u64);
        // Another agent's upload of the same object is its own.
        assert_eq!(files.received("a2", &sha).await, 0);
        // Resuming must continue exactly where the bytes stop.
        assert!(matches!(
            files.append("a1", &sha, 30 << 20, 3, b"xx", QUOTA).await,
            Err(MediaError::Offset(_))
        ));
    }

    #[tokio::test]
    async fn unfinished_uploads_count_against_a_quota_and_expire() {
        let dir = tempfile::tempdir().unwrap();
        let files = MediaFiles::new(dir.path());
        let mp4 = b"\0\0\0\x20ftypisom\0\0\0\0";
        let (a, b) = ("a".repeat(64), "b".repeat(64));
        files.append("ag", &a, 1_000, 0, mp4, 1_010).await.unwrap();
        // 16 bytes held plus 1,000 announced exceeds 1,010.
        let e = files
            .append("ag", &b, 1_000, 0, mp4, 1_010)
            .await
            .unwrap_err();
        assert!(matches!(e, MediaError::Quota(_)), "{e}");
        // Another agent has its own quota.
        files
            .append("other", &b, 1_000, 0, mp4, 1_010)
            .await
            .unwrap();
        assert_eq!(
            files
                .sweep_partials(Duration::from_secs(3600))
                .await
                .unwrap(),
            0
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert_eq!(
            files
                .sweep_partials(Duration::from_millis(1))
                .await
                .unwrap(),
            2
        );
        assert_eq!(files.received("ag", &a).await, 0);
        files.append("ag", &b, 1_000, 0, mp4, 1_010).await.unwrap();
    }
}

#[cfg(test)]
mod full_disk {
    use super::*;

    /// A chunk that cannot be written (the disk is full) is an I/O error that says so.
    #[tokio::test]
    async fn a_full_disk_is_an_io_error_that_says_so() {
        let dir = tempfile::tempdir().unwrap();
        let files = MediaFiles::new(dir.path());
        let sha = "e".repeat(64);
        let partial = dir.path().join("partial").join("ag");
        std::fs::create_dir_all(&partial).unwrap();
        std::os::unix::fs::symlink("/dev/full", partial.join(&sha)).unwrap();
        let png = b"\x89PNG\r\n\x1a\n0123456789";
        match files.append("ag", &sha, 100, 0, png, 1 << 30).await {
            Err(MediaError::Io(e)) => assert!(is_disk_full(&e), "{e:?} {:?}", e.raw_os_error()),
            other => panic!("{other:?}"),
        }
    }
}

/// Whether an I/O error means the file system is full (or the quota of its user is).
pub fn is_disk_full(e: &std::io::Error) -> bool {
    e.kind() == std::io::ErrorKind::StorageFull
        || matches!(e.raw_os_error(), Some(libc::ENOSPC) | Some(libc::EDQUOT))
}
