//! The folder source: one item per file in `content_dir` (Markdown with front matter, or JSON),
//! and the media files beside them. New and changed files are queued for publication (media
//! for upload), deleted files for withdrawal. Each change goes into the outbox in the same
//! transaction that records the file's new state, so a crash never loses or repeats a change.
//! Hidden and temporary files (`.x`, `x~`, `*.tmp`, `*.swp`) and hidden folders are ignored, so
//! a CMS that writes a temporary file and renames it is picked up once, complete.
//!
//! [`read_item`] turns a file's bytes into a draft; the folder scan and `portal-agent publish
//! FILE` both use it, so a file means the same whichever way it arrives.
//!
//! [`Scanner`] keeps an in-memory index of each known file's size and modification time,
//! loaded once from the outbox's `watched_files` table and changed only after the outbox has
//! committed the change it mirrors, so it never claims more than the table holds. A file is
//! read only when its size or mtime differ from the index; whether its content changed is then
//! decided by its SHA-256 against the table. What to look at comes from the watcher
//! (`crate::watch`): single paths, or the whole folder for the safety-net rescan.

use std::collections::BTreeMap;
use std::ops::Bound;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::outbox::{FileFacts, Outbox};

mod item_file;

use item_file::hash_file;
pub use item_file::{ItemFile, LinkedMedium, NotAnItem, read_item};

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

/// Whether the scan looks at `rel` (relative to the content folder, '/'-separated): a wanted
/// name, in no hidden folder.
pub fn watched(rel: &str) -> bool {
    let mut parts = rel.split('/');
    let name = parts.next_back().unwrap_or_default();
    wanted(name) && parts.all(|d| !d.is_empty() && !d.starts_with('.'))
}

fn default_id(rel: &str) -> String {
    let stem = rel.rsplit('/').next().unwrap_or(rel);
    let stem = stem.rsplit_once('.').map_or(stem, |(s, _)| s);
    stem.to_ascii_lowercase()
}

/// Size and modification time, the cheap test of whether a file may have changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stat {
    size: i64,
    mtime_ms: i64,
}

impl Stat {
    fn of(meta: &std::fs::Metadata) -> Self {
        Self {
            size: meta.len() as i64,
            mtime_ms: meta
                .modified()
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_millis() as i64),
        }
    }
}

/// One file in the index.
#[derive(Debug, Clone, Copy)]
struct Known {
    stat: Stat,
    /// The walk that last saw the file (see [`Scanner::walk`]).
    seen: u32,
}

/// What a look at the folder found to do.
#[derive(Default)]
struct Plan {
    changed: Vec<(String, Stat)>,
    gone: Vec<String>,
}

/// The folder scan over an index of what the outbox remembers (see the module docs).
pub struct Scanner {
    outbox: Outbox,
    dir: PathBuf,
    /// Keyed by path relative to `dir`; ordered so that a folder's files are one range.
    index: BTreeMap<Box<str>, Known>,
    walk: u32,
}

impl Scanner {
    /// Loads the index from the outbox (the durable truth; nothing of an earlier run's memory
    /// survives a crash).
    pub async fn load(outbox: Outbox, dir: PathBuf) -> anyhow::Result<Self> {
        let index = outbox
            .file_stats()
            .await?
            .into_iter()
            .map(|(path, size, mtime_ms)| {
                let known = Known {
                    stat: Stat { size, mtime_ms },
                    seen: 0,
                };
                (path.into_boxed_str(), known)
            })
            .collect();
        Ok(Self {
            outbox,
            dir,
            index,
            walk: 0,
        })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Files in the index.
    pub fn len(&self) -> usize {
        self.index.len()
    }

    pub fn is_empty(&self) -> bool {
        self.index.is_empty()
    }

    /// Compares the whole folder with the index (stat only) and queues the differences; also
    /// reads again every refused file whose missing medium has appeared since.
    pub async fn scan_all(&mut self) -> anyhow::Result<ScanReport> {
        let mut plan = Plan::default();
        self.walk("", &mut plan)?;
        let mut report = ScanReport::default();
        let mut appeared = Vec::new();
        for media in self.outbox.awaited_media().await? {
            if std::fs::metadata(self.dir.join(&media)).is_ok_and(|m| m.is_file()) {
                appeared.push(media);
            }
        }
        self.apply(plan, appeared, &mut report).await?;
        Ok(report)
    }

    /// Looks at the given paths (relative to the folder, as the watcher reports them): files,
    /// folders (walked), or paths that are gone (with everything under them).
    pub async fn check(
        &mut self,
        rels: impl IntoIterator<Item = String>,
    ) -> anyhow::Result<ScanReport> {
        let mut rels: Vec<String> = rels.into_iter().collect();
        rels.sort();
        rels.dedup();
        // An unmounted or vanished folder must not read as every file deleted.
        anyhow::ensure!(
            std::fs::metadata(&self.dir).is_ok_and(|m| m.is_dir()),
            "{} is not a readable folder",
            self.dir.display()
        );
        let mut plan = Plan::default();
        for rel in rels {
            if rel.is_empty() {
                self.walk("", &mut plan)?;
                continue;
            }
            match std::fs::symlink_metadata(self.dir.join(&rel)) {
                Ok(m) if m.is_dir() => {
                    if rel.split('/').all(|d| !d.starts_with('.')) {
                        // A folder created or moved in: walk it (this also finds what it lost).
                        self.walk(&rel, &mut plan)?;
                    } else {
                        self.gone_under(&rel, &mut plan);
                    }
                }
                Ok(m) => {
                    if m.is_file() && watched(&rel) {
                        let stat = Stat::of(&m);
                        if self.index.get(rel.as_str()).is_none_or(|k| k.stat != stat) {
                            plan.changed.push((rel.clone(), stat));
                        }
                    } else if self.index.contains_key(rel.as_str()) {
                        plan.gone.push(rel.clone());
                    }
                    self.gone_under(&rel, &mut plan);
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    if self.index.contains_key(rel.as_str()) {
                        plan.gone.push(rel.clone());
                    }
                    // A folder removed or moved away takes its files with it.
                    self.gone_under(&rel, &mut plan);
                }
                Err(e) => tracing::debug!(path = %rel, error = %e, "cannot look at a changed path"),
            }
        }
        plan.gone.sort();
        plan.gone.dedup();
        let mut report = ScanReport::default();
        self.apply(plan, Vec::new(), &mut report).await?;
        Ok(report)
    }

    /// Walks the folder `top` (relative; "" for the whole folder), noting files that are new or
    /// whose stat differs from the index, and known files under `top` it did not see. A folder
    /// that cannot be read fails the walk before anything is counted as gone.
    fn walk(&mut self, top: &str, plan: &mut Plan) -> anyhow::Result<()> {
        self.walk = self.walk.wrapping_add(1);
        let walk = self.walk;
        let mut stack = vec![top.to_string()];
        while let Some(d) = stack.pop() {
            let abs = if d.is_empty() {
                self.dir.clone()
            } else {
                self.dir.join(&d)
            };
            let entries = std::fs::read_dir(&abs)
                .map_err(|e| anyhow::anyhow!("reading {}: {e}", abs.display()))?;
            for entry in entries {
                let entry = entry.map_err(|e| anyhow::anyhow!("reading {}: {e}", abs.display()))?;
                // Names that are not UTF-8 cannot be named in the outbox; such files are not
                // items.
                let Ok(name) = entry.file_name().into_string() else {
                    continue;
                };
                let rel = if d.is_empty() {
                    name
                } else {
                    format!("{d}/{name}")
                };
                let Ok(ft) = entry.file_type() else { continue };
                if ft.is_dir() {
                    if !rel.rsplit('/').next().unwrap_or_default().starts_with('.') {
                        stack.push(rel);
                    }
                    continue;
                }
                if !ft.is_file() || !watched(&rel) {
                    continue;
                }
                // Vanished since it was listed: not seen, so gone if it was known.
                let Ok(meta) = entry.metadata() else { continue };
                let stat = Stat::of(&meta);
                match self.index.get_mut(rel.as_str()) {
                    Some(k) => {
                        k.seen = walk;
                        if k.stat != stat {
                            plan.changed.push((rel, stat));
                        }
                    }
                    None => plan.changed.push((rel, stat)),
                }
            }
        }
        let prefix = if top.is_empty() {
            String::new()
        } else {
            format!("{top}/")
        };
        plan.gone.extend(
            self.index
                .range::<str, _>((Bound::Included(prefix.as_str()), Bound::Unbounded))
                .take_while(|(k, _)| k.starts_with(&prefix))
                .filter(|(_, v)| v.seen != walk)
                .map(|(k, _)| k.to_string()),
        );
        Ok(())
    }

    /// Notes every known file under the folder `rel` as gone.
    fn gone_under(&self, rel: &str, plan: &mut Plan) {
        let prefix = format!("{rel}/");
        plan.gone.extend(
            self.index
                .range::<str, _>((Bound::Included(prefix.as_str()), Bound::Unbounded))
                .take_while(|(k, _)| k.starts_with(&prefix))
                .map(|(k, _)| k.to_string()),
        );
    }

    /// Queues what `plan` found: media first, so that their uploads precede the items that show
    /// them; then items; then what is gone (after the items, so that a file renamed within the
    /// folder is seen holding its item before its old name lets go of it). Then items refused
    /// for a missing medium that has appeared (`appeared`, and every medium queued here) are
    /// read again.
    async fn apply(
        &mut self,
        mut plan: Plan,
        appeared: Vec<String>,
        report: &mut ScanReport,
    ) -> anyhow::Result<()> {
        plan.changed.sort_by_key(|(rel, _)| !is_media_file(rel));
        let mut media_seen = appeared;
        for (rel, _) in plan.changed {
            if is_media_file(&rel) {
                if self.ingest_medium(&rel, report).await? {
                    media_seen.push(rel);
                }
            } else {
                self.ingest_item(&rel, false, &mut media_seen, report)
                    .await?;
            }
        }
        for rel in plan.gone {
            self.remove(&rel, report).await?;
        }
        // Reading a waiting item may queue further media; their waiters come next.
        while let Some(media) = media_seen.pop() {
            for item in self.outbox.waiting_items(&media).await? {
                if std::fs::metadata(self.dir.join(&item)).is_ok_and(|m| m.is_file()) {
                    self.ingest_item(&item, true, &mut media_seen, report)
                        .await?;
                }
            }
        }
        Ok(())
    }

    /// Queues the medium `rel` for upload if its content is new. Returns whether the file was
    /// there to be read (and so whether items waiting for it may now be complete).
    async fn ingest_medium(&mut self, rel: &str, report: &mut ScanReport) -> anyhow::Result<bool> {
        let path = self.dir.join(rel);
        // Stat before hashing: if the file changes meanwhile, its mtime moves past what is
        // recorded and it is read again.
        let Ok(meta) = std::fs::metadata(&path) else {
            return Ok(false); // vanished: its deletion is seen next
        };
        let Ok((sha256, _)) = hash_file(&path) else {
            return Ok(false);
        };
        let stat = Stat::of(&meta);
        let facts = FileFacts {
            path: rel.to_string(),
            content_hash: sha256,
            size: stat.size,
            mtime_ms: stat.mtime_ms,
        };
        let known = self.outbox.file(rel).await?;
        if known.is_some_and(|k| k.content_hash == facts.content_hash) {
            self.outbox
                .remember(&facts, &format!("media:{}", facts.content_hash))
                .await?;
        } else {
            self.outbox
                .enqueue_media(&path.display().to_string(), &facts)
                .await?;
            report.media += 1;
        }
        self.note(rel, stat);
        Ok(true)
    }

    /// Reads the item file `rel` if its content changed (or, with `again`, in any case: a
    /// medium it was missing has appeared) and queues it, or records why it is not an item.
    async fn ingest_item(
        &mut self,
        rel: &str,
        again: bool,
        media_seen: &mut Vec<String>,
        report: &mut ScanReport,
    ) -> anyhow::Result<()> {
        let path = self.dir.join(rel);
        let Ok(meta) = std::fs::metadata(&path) else {
            return Ok(()); // vanished between listing and reading: its deletion is seen next
        };
        let Ok(bytes) = std::fs::read(&path) else {
            return Ok(());
        };
        let stat = Stat::of(&meta);
        let facts = FileFacts {
            path: rel.to_string(),
            content_hash: hex::encode(Sha256::digest(&bytes)),
            size: stat.size,
            mtime_ms: stat.mtime_ms,
        };
        let known = self.outbox.file(rel).await?;
        if !again
            && let Some(k) = &known
            && k.content_hash == facts.content_hash
        {
            // Touched, not changed.
            self.outbox.remember(&facts, &k.item_id).await?;
            self.note(rel, stat);
            return Ok(());
        }
        match read_item(&self.dir, rel, &bytes) {
            Err(refused) => {
                tracing::warn!(file = rel, error = %refused, "file is not a valid item; not sent");
                // The item the file last published stays on the site (its last good version)
                // and still belongs to the file, so that deleting the file withdraws it.
                let item_id = known.as_ref().map_or("", |k| k.item_id.as_str());
                self.outbox
                    .reject_locally(&facts, item_id, &refused.errors, &refused.missing_media)
                    .await?;
                report.rejected += 1;
            }
            Ok(item) => {
                for m in &item.media {
                    self.queue_linked_medium(m, media_seen, report).await?;
                }
                let draft = item.draft;
                // The file now names another item: the old one leaves the site (unless another
                // file holds it now).
                if let Some(k) = &known
                    && !k.item_id.is_empty()
                    && k.item_id != draft.id
                    && !self.outbox.item_held_elsewhere(&k.item_id, rel).await?
                {
                    self.outbox
                        .enqueue_withdraw(&k.item_id, "file now holds another item", None)
                        .await?;
                    report.withdrawn += 1;
                }
                self.outbox.enqueue_publish(&draft, Some(&facts)).await?;
                self.outbox.stop_waiting(rel).await?;
                report.published += 1;
            }
        }
        self.note(rel, stat);
        Ok(())
    }

    /// Makes sure a medium an item links to is queued before the item: one the watcher has not
    /// reported yet (the item's event came first) is read now.
    async fn queue_linked_medium(
        &mut self,
        m: &LinkedMedium,
        media_seen: &mut Vec<String>,
        report: &mut ScanReport,
    ) -> anyhow::Result<()> {
        if watched(&m.rel) {
            let Ok(meta) = std::fs::metadata(self.dir.join(&m.rel)) else {
                return Ok(());
            };
            if self
                .index
                .get(m.rel.as_str())
                .is_none_or(|k| k.stat != Stat::of(&meta))
                && self.ingest_medium(&m.rel, report).await?
            {
                media_seen.push(m.rel.clone());
            }
        } else {
            // A medium the scan never looks at (in a hidden folder): sent along, not watched.
            let abs = self.dir.join(&m.rel).display().to_string();
            self.outbox
                .enqueue_media_upload(&abs, &m.sha256, m.size as i64)
                .await?;
            report.media += 1;
        }
        Ok(())
    }

    /// A known file is gone: its item is withdrawn (unless another file holds it now), and the
    /// file forgotten.
    async fn remove(&mut self, rel: &str, report: &mut ScanReport) -> anyhow::Result<()> {
        match self.outbox.file(rel).await? {
            None => {}
            // Media are content-addressed and may be shared: deleting the file withdraws
            // nothing; nor does deleting a file that never was an item.
            Some(k) if k.item_id.is_empty() || k.item_id.starts_with("media:") => {
                self.outbox.forget(rel).await?;
            }
            Some(k) if self.outbox.item_held_elsewhere(&k.item_id, rel).await? => {
                self.outbox.forget(rel).await?;
            }
            Some(k) => {
                self.outbox
                    .enqueue_withdraw(
                        &k.item_id,
                        "file deleted on the component portal",
                        Some(rel),
                    )
                    .await?;
                report.withdrawn += 1;
            }
        }
        self.index.remove(rel);
        Ok(())
    }

    /// Mirrors in the index what the outbox has just committed for `rel`.
    fn note(&mut self, rel: &str, stat: Stat) {
        let walk = self.walk;
        match self.index.get_mut(rel) {
            Some(k) => k.stat = stat,
            None => {
                self.index.insert(rel.into(), Known { stat, seen: walk });
            }
        }
    }
}

/// Compares the whole folder with what was last queued and queues the differences (a scanner
/// with a fresh index; the agent keeps one [`Scanner`] instead).
pub async fn scan(outbox: &Outbox, dir: &Path) -> anyhow::Result<ScanReport> {
    Scanner::load(outbox.clone(), dir.to_path_buf())
        .await?
        .scan_all()
        .await
}

#[cfg(test)]
mod tests;
