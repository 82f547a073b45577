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
    pub media: usize,
    pub published: usize,
    pub withdrawn: usize,
    pub rejected: usize,
}

impl ScanReport {
    pub fn changed(&self) -> bool {
        self.media + self.published + self.withdrawn > 0
    }
}

const MEDIA_EXTENSIONS: &[&str] = &[
    "jpg", "jpeg", "png", "gif", "webp", "pdf", "mp3", "aac", "m4a", "mp4",
];

fn extension(name: &str) -> String {
    name.rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default()
}

fn is_item_file(name: &str) -> bool {
    matches!(extension(name).as_str(), "md" | "markdown" | "json")
}

/// A candidate medium by name; its type is then checked by content on the hub.
fn is_media_file(name: &str) -> bool {
    MEDIA_EXTENSIONS.contains(&extension(name).as_str())
}

fn wanted(name: &str) -> bool {
    !(name.starts_with('.')
        || name.ends_with('~')
        || name.ends_with(".tmp")
        || name.ends_with(".swp"))
        && (is_item_file(name) || is_media_file(name))
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
    if is_media_file(rel) {
        outbox
            .enqueue_media(&path.display().to_string(), &facts)
            .await?;
        report.media += 1;
        return Ok(());
    }
    let fallback = default_id(rel);
    // Unicode as it should be; TCVN3 or VNI bytes from an old CMS are converted here (the
    // conversion travels with the item and is noted on its version); anything else is refused.
    let draft = match portal_core::legacy::decode_bytes(&bytes) {
        Err(reason) => Err(FieldError::new("file", reason)),
        Ok((text, conversion)) => {
            let parsed = if extension(rel) == "json" {
                portal_core::front_matter::parse_item_json(&text, &fallback)
                    .map_err(|e| FieldError::new("file", e.to_string()))
            } else {
                portal_core::front_matter::parse_item_file(&text, &fallback)
                    .map_err(|e| FieldError::new("front_matter", e.to_string()))
            };
            parsed.and_then(|mut d| {
                let base = Path::new(rel).parent().unwrap_or(Path::new(""));
                d.body_markdown = link_media(&d.body_markdown, dir, base)?;
                if let Some(c) = conversion {
                    d.notes.push(format!("file {rel}: {}", c.describe()));
                }
                Ok(d)
            })
        }
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
    // Media first, so that their uploads precede the items that show them.
    for rel in files.iter().filter(|f| is_media_file(f)) {
        ingest_file(outbox, dir, rel, &mut report).await?;
    }
    for rel in files.iter().filter(|f| is_item_file(f)) {
        ingest_file(outbox, dir, rel, &mut report).await?;
    }
    let present: HashSet<&str> = files.iter().map(String::as_str).collect();
    for known in outbox.files().await? {
        if present.contains(known.path.as_str()) {
            continue;
        }
        // Media are content-addressed and may be shared: deleting the file withdraws nothing.
        if known.item_id.is_empty() || known.item_id.starts_with("media:") {
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

/// Rewrites links and images that point at media files beside the item (`![Cầu](anh/cau.jpg)`)
/// into content-addressed references (`media:<sha256>`), which the hub serves. A referenced file
/// that does not exist is an error: the page would show a hole.
fn link_media(markdown: &str, dir: &Path, base: &Path) -> Result<String, FieldError> {
    use pulldown_cmark::{Event, Parser, Tag};
    let mut out = markdown.to_string();
    for event in Parser::new(markdown) {
        let dest = match &event {
            Event::Start(Tag::Image { dest_url, .. })
            | Event::Start(Tag::Link { dest_url, .. }) => dest_url.to_string(),
            _ => continue,
        };
        let local = !(dest.contains("://")
            || dest.starts_with('/')
            || dest.starts_with('#')
            || dest.contains(':'));
        if !local || !is_media_file(&dest) {
            continue;
        }
        let rel = base.join(&dest);
        if rel
            .components()
            .any(|c| matches!(c, std::path::Component::ParentDir))
        {
            return Err(FieldError::new(
                "body",
                format!("{dest}: media must be inside the content folder"),
            ));
        }
        let bytes = std::fs::read(dir.join(&rel)).map_err(|_| {
            FieldError::new("body", format!("{dest}: file not found beside the item"))
        })?;
        let sha = hex::encode(Sha256::digest(&bytes));
        out = out.replace(&format!("]({dest})"), &format!("](media:{sha})"));
        out = out.replace(&format!("]({dest} "), &format!("](media:{sha} "));
    }
    Ok(out)
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
        assert!(wanted("anh.JPG"));
        assert!(!wanted("tai-lieu.docx"));
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
                media: 0,
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

#[cfg(test)]
mod media_tests {
    use super::*;

    #[tokio::test]
    async fn media_beside_items_are_queued_first_and_linked_by_hash() {
        let out = tempfile::tempdir().unwrap();
        let content = tempfile::tempdir().unwrap();
        let ob = Outbox::open(out.path()).await.unwrap();
        std::fs::create_dir_all(content.path().join("anh")).unwrap();
        let png = b"\x89PNG\r\n\x1a\nnot really an image".to_vec();
        let sha = hex::encode(Sha256::digest(&png));
        std::fs::write(content.path().join("anh/cau.png"), &png).unwrap();
        std::fs::write(
            content.path().join("a.md"),
            "---\nid: a\n---\n![Cầu Rạch Miễu](anh/cau.png) [tải về](anh/cau.png)\n",
        )
        .unwrap();
        std::fs::write(
            content.path().join("b.md"),
            "---\nid: b\n---\n![x](anh/khong-co.png)\n",
        )
        .unwrap();
        let r = scan(&ob, content.path()).await.unwrap();
        assert_eq!((r.media, r.published, r.rejected), (1, 1, 1));
        let batch = ob.next_batch(10).await.unwrap();
        assert_eq!(batch[0].kind, "media");
        assert_eq!(batch[0].item_id, sha);
        let rest = ob.next_batch(10).await.unwrap();
        assert_eq!(rest.len(), 1);
        ob.complete(&[crate::outbox::Answer {
            seq: batch[0].seq,
            item_id: sha.clone(),
            rejected: None,
        }])
        .await
        .unwrap();
        let items = ob.next_batch(10).await.unwrap();
        let draft: portal_core::ItemDraft = serde_json::from_str(&items[0].payload).unwrap();
        assert!(
            draft
                .body_markdown
                .contains(&format!("![Cầu Rạch Miễu](media:{sha})")),
            "{}",
            draft.body_markdown
        );
        assert!(
            draft
                .body_markdown
                .contains(&format!("[tải về](media:{sha})"))
        );
        // Deleting a medium withdraws nothing.
        std::fs::remove_file(content.path().join("anh/cau.png")).unwrap();
        assert_eq!(scan(&ob, content.path()).await.unwrap().withdrawn, 0);
    }
}
