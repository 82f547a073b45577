//! The folder source: one item per file in `content_dir` (Markdown with front matter). New and
//! changed files are queued for publication, deleted files for withdrawal. Each change goes into
//! the outbox in the same transaction that records the file's new state, so a crash never loses
//! or repeats a change. Hidden and temporary files (`.x`, `x~`, `*.tmp`, `*.swp`) are ignored,
//! so a CMS that writes a temporary file and renames it is picked up once, complete.

use std::collections::HashSet;
use std::path::Path;

use portal_core::FieldError;
use sha2::{Digest, Sha256};

use crate::outbox::{FileFacts, Outbox};

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct ScanReport {
    pub published: usize,
    pub withdrawn: usize,
    pub rejected: usize,
}

impl ScanReport {
    pub fn changed(&self) -> bool {
        self.published + self.withdrawn > 0
    }
}

fn wanted(name: &str) -> bool {
    !(name.starts_with('.')
        || name.ends_with('~')
        || name.ends_with(".tmp")
        || name.ends_with(".swp"))
        && (name.ends_with(".md") || name.ends_with(".markdown"))
}

/// Lists item files under `dir` (recursively), as paths relative to `dir` with '/' separators.
fn list(dir: &Path) -> std::io::Result<Vec<String>> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d)? {
            let entry = entry?;
            let name = entry.file_name().to_string_lossy().to_string();
            let ft = entry.file_type()?;
            if ft.is_dir() && !name.starts_with('.') {
                stack.push(entry.path());
            } else if ft.is_file()
                && wanted(&name)
                && let Ok(rel) = entry.path().strip_prefix(dir)
            {
                out.push(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    out.sort();
    Ok(out)
}

fn default_id(rel: &str) -> String {
    let stem = rel.rsplit('/').next().unwrap_or(rel);
    let stem = stem.rsplit_once('.').map_or(stem, |(s, _)| s);
    stem.to_ascii_lowercase()
}

/// Reads one file into the outbox if it changed. Returns what happened.
pub async fn ingest_file(
    outbox: &Outbox,
    dir: &Path,
    rel: &str,
    report: &mut ScanReport,
) -> anyhow::Result<()> {
    let path = dir.join(rel);
    let Ok(meta) = std::fs::metadata(&path) else {
        return Ok(()); // vanished between listing and reading: the next scan sees the deletion
    };
    let size = meta.len() as i64;
    let mtime_ms = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_millis() as i64);
    let known = outbox.file(rel).await?;
    if let Some(k) = &known
        && k.size == size
        && k.mtime_ms == mtime_ms
    {
        return Ok(());
    }
    let Ok(bytes) = std::fs::read(&path) else {
        return Ok(());
    };
    let facts = FileFacts {
        path: rel.to_string(),
        content_hash: hex::encode(Sha256::digest(&bytes)),
        size,
        mtime_ms,
    };
    if let Some(k) = &known
        && k.content_hash == facts.content_hash
    {
        outbox.remember(&facts, &k.item_id).await?;
        return Ok(());
    }
    let fallback = default_id(rel);
    let draft = match String::from_utf8(bytes) {
        Err(_) => Err(FieldError::new(
            "file",
            "is not valid UTF-8; save it as UTF-8 (Unicode, TCVN 6909)",
        )),
        Ok(text) => portal_core::front_matter::parse_item_file(&text, &fallback)
            .map_err(|e| FieldError::new("front_matter", e.to_string())),
    };
    match draft {
        Err(err) => {
            tracing::warn!(file = rel, error = %err, "file is not a valid item; not sent");
            outbox.reject_locally(&facts, "", &[err]).await?;
            report.rejected += 1;
        }
        Ok(draft) => {
            // The file now names another item: the old one leaves the site.
            if let Some(k) = &known
                && !k.item_id.is_empty()
                && k.item_id != draft.id
            {
                outbox
                    .enqueue_withdraw(&k.item_id, "file now holds another item", None)
                    .await?;
                report.withdrawn += 1;
            }
            outbox.enqueue_publish(&draft, Some(&facts)).await?;
            report.published += 1;
        }
    }
    Ok(())
}

/// Compares the folder with what was last queued and queues the differences.
pub async fn scan(outbox: &Outbox, dir: &Path) -> anyhow::Result<ScanReport> {
    let mut report = ScanReport::default();
    let files = list(dir)?;
    for rel in &files {
        ingest_file(outbox, dir, rel, &mut report).await?;
    }
    let present: HashSet<&str> = files.iter().map(String::as_str).collect();
    for known in outbox.files().await? {
        if present.contains(known.path.as_str()) {
            continue;
        }
        if known.item_id.is_empty() {
            outbox.forget(&known.path).await?;
        } else {
            outbox
                .enqueue_withdraw(
                    &known.item_id,
                    "file deleted on the component portal",
                    Some(&known.path),
                )
                .await?;
            report.withdrawn += 1;
        }
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert!(wanted("tin-1.md"));
        assert!(!wanted(".tin-1.md"));
        assert!(!wanted("tin-1.md.tmp"));
        assert!(!wanted("tin-1.md~"));
        assert!(!wanted("anh.jpg"));
        assert_eq!(default_id("2024/Tin-1.md"), "tin-1");
    }

    #[tokio::test]
    async fn new_changed_deleted_and_broken_files() {
        let out = tempfile::tempdir().unwrap();
        let content = tempfile::tempdir().unwrap();
        let ob = Outbox::open(out.path()).await.unwrap();
        let item = |title: &str| format!("---\nid: a\ntitle: {title}\n---\nBody\n");
        std::fs::write(content.path().join("a.md"), item("Một")).unwrap();
        std::fs::write(content.path().join("bad.md"), "no front matter").unwrap();
        let r = scan(&ob, content.path()).await.unwrap();
        assert_eq!(
            r,
            ScanReport {
                published: 1,
                withdrawn: 0,
                rejected: 1
            }
        );
        // Nothing changed: nothing queued, broken file not reported again.
        assert_eq!(
            scan(&ob, content.path()).await.unwrap(),
            ScanReport::default()
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
        std::fs::write(content.path().join("a.md"), item("Hai")).unwrap();
        assert_eq!(scan(&ob, content.path()).await.unwrap().published, 1);
        std::fs::remove_file(content.path().join("a.md")).unwrap();
        std::fs::remove_file(content.path().join("bad.md")).unwrap();
        assert_eq!(scan(&ob, content.path()).await.unwrap().withdrawn, 1);
        let kinds: Vec<String> = ob
            .next_batch(10)
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.kind)
            .collect();
        assert_eq!(kinds, ["publish", "publish"]);
        assert_eq!(ob.depth().await.unwrap(), 3);
        assert_eq!(ob.recent_rejections(10).await.unwrap().len(), 1);
    }
}
