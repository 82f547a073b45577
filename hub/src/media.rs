//! Content-addressed media files on disk: `<media_dir>/<aa>/<sha256>` once complete and
//! verified, `<media_dir>/partial/<sha256>` while an upload is under way (it survives hub
//! restarts, so an interrupted upload resumes where it stopped).

use std::path::{Path, PathBuf};

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
    #[error("storage error: {0}")]
    Io(#[from] std::io::Error),
}

impl MediaFiles {
    pub fn new(root: &Path) -> Self {
        Self {
            root: root.to_path_buf(),
        }
    }

    /// Path of a complete object (the caller has checked `sha` is a SHA-256).
    pub fn path(&self, sha: &str) -> PathBuf {
        self.root.join(&sha[..2]).join(sha)
    }

    fn partial(&self, sha: &str) -> PathBuf {
        self.root.join("partial").join(sha)
    }

    /// Bytes already received of an unfinished upload.
    pub async fn received(&self, sha: &str) -> u64 {
        tokio::fs::metadata(self.partial(sha))
            .await
            .map_or(0, |m| m.len())
    }

    /// Appends a chunk at `offset`, which must be exactly what was received so far. The first
    /// bytes decide the type: anything but an allowed format is refused before it is stored.
    pub async fn append(
        &self,
        sha: &str,
        total: u64,
        offset: u64,
        data: &[u8],
    ) -> Result<(), MediaError> {
        if !is_sha256_hex(sha) {
            return Err(MediaError::Invalid(
                "sha256: must be 64 lower-case hex digits".into(),
            ));
        }
        let have = self.received(sha).await;
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
        }
        let dir = self.root.join("partial");
        tokio::fs::create_dir_all(&dir).await?;
        let mut f = tokio::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.partial(sha))
            .await?;
        f.write_all(data).await?;
        f.sync_data().await?;
        Ok(())
    }

    /// Completes an upload whose bytes have all arrived: checks the hash, moves the file into
    /// place and returns its type.
    pub async fn finish(&self, sha: &str, total: u64) -> Result<MediaType, MediaError> {
        let partial = self.partial(sha);
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
            tokio::fs::create_dir_all(parent).await?;
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

    #[tokio::test]
    async fn size_limits_depend_on_the_kind_recognised_from_content() {
        let dir = tempfile::tempdir().unwrap();
        let files = MediaFiles::new(dir.path());
        let sha = "d".repeat(64);
        let png = b"\x89PNG\r\n\x1a\n0123456789";
        // A 30 MiB PNG is too large for an image, though the same size is fine for a video.
        let err = files.append(&sha, 30 << 20, 0, png).await.unwrap_err();
        assert!(err.to_string().contains("allowed for image"), "{err}");
        let mp4 = b"\0\0\0\x20ftypisom\0\0\0\0";
        files.append(&sha, 30 << 20, 0, mp4).await.unwrap();
        assert_eq!(files.received(&sha).await, mp4.len() as u64);
        // Resuming must continue exactly where the bytes stop.
        assert!(matches!(
            files.append(&sha, 30 << 20, 3, b"xx").await,
            Err(MediaError::Offset(_))
        ));
    }
}
