//! Watching the content folder: the kernel (inotify, through `notify`) says which paths
//! changed, and only those are looked at, after the folder has been quiet for
//! `watch_debounce_ms` (a CMS writing many files is read once). An idle agent therefore does
//! nothing, however many files the folder holds.
//!
//! A full rescan every `full_rescan_secs` is the safety net for anything the watcher could not
//! report (the kernel's event queue overflowing, say); like every look at the folder it reads
//! only files whose size or mtime differ from the scanner's index ([`crate::source::Scanner`]).
//! The folder is rescanned in full once at start too, which picks up what changed while the
//! agent was stopped. The watcher is set up before that first scan, so nothing that changes
//! during it is missed.
//!
//! When the folder cannot be watched (`watch = false`, inotify limits, a file system that
//! reports nothing, the folder missing or replaced) it is rescanned every `scan_interval_ms`
//! with the same cheap comparison; a warning says so once, and watching is tried again at every
//! safety-net interval.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use notify::event::{AccessKind, AccessMode, ModifyKind};
use notify::{EventKind, RecommendedWatcher, RecursiveMode, Watcher};
use tokio::sync::Notify;
use tokio::time::Instant;

use crate::config::AgentConfig;
use crate::outbox::Outbox;
use crate::source::{ScanReport, Scanner};

/// What the watcher's thread has seen since the scanner last looked.
#[derive(Default)]
struct Pending {
    paths: HashSet<PathBuf>,
    /// Events were lost (the kernel's queue overflowed): only a full rescan is sure.
    rescan: bool,
    /// The watcher no longer covers the folder (why): fall back to rescanning.
    broken: Option<String>,
    /// When the last change was reported, to tell when the folder has gone quiet.
    last: Option<std::time::Instant>,
}

/// Shared between the watcher's thread (which fills it) and the scan loop.
#[derive(Default)]
struct Inbox {
    pending: Mutex<Pending>,
    wake: Notify,
}

impl Inbox {
    fn lock(&self) -> std::sync::MutexGuard<'_, Pending> {
        // A panic elsewhere while holding the lock leaves plain data behind: keep using it.
        self.pending.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn take(&self) -> Pending {
        std::mem::take(&mut *self.lock())
    }

    fn last(&self) -> Option<std::time::Instant> {
        self.lock().last
    }

    /// Runs on the watcher's thread for every event.
    fn handle(&self, root: &Path, res: notify::Result<notify::Event>) {
        let mut p = self.lock();
        match res {
            Ok(ev) => {
                if ev.need_rescan() {
                    p.rescan = true;
                }
                match ev.kind {
                    // Reads (the scan's own, or the web server's) change nothing. A write that
                    // is closed marks the end of a file being written in place.
                    EventKind::Access(AccessKind::Close(AccessMode::Write)) => {}
                    EventKind::Access(_) => return,
                    EventKind::Remove(_) | EventKind::Modify(ModifyKind::Name(_))
                        if ev.paths.iter().any(|p| p == root) =>
                    {
                        p.broken = Some("the content folder was removed or moved".into());
                    }
                    _ => {}
                }
                p.paths.extend(ev.paths);
            }
            Err(e) => {
                if matches!(e.kind, notify::ErrorKind::MaxFilesWatch) {
                    p.broken = Some(
                        "a new sub-folder cannot be watched: the inotify watch limit \
                         (fs.inotify.max_user_watches) is reached"
                            .into(),
                    );
                } else {
                    p.rescan = true;
                }
            }
        }
        p.last = Some(std::time::Instant::now());
        drop(p);
        self.wake.notify_one();
    }
}

/// Starts watching `dir` recursively (symbolic links are not followed: the scan does not follow
/// them either).
fn start_watcher(dir: &Path, inbox: &Arc<Inbox>) -> notify::Result<RecommendedWatcher> {
    let (root, inbox) = (dir.to_path_buf(), inbox.clone());
    let mut w = RecommendedWatcher::new(
        move |res| inbox.handle(&root, res),
        notify::Config::default().with_follow_symlinks(false),
    )?;
    w.watch(dir, RecursiveMode::Recursive)?;
    Ok(w)
}

/// Timing of the scan loop.
#[derive(Debug, Clone, Copy)]
pub struct Timing {
    pub watch: bool,
    pub debounce: Duration,
    pub full_rescan: Duration,
    pub poll: Duration,
}

impl Timing {
    pub fn of(cfg: &AgentConfig) -> Self {
        Self {
            watch: cfg.watch,
            debounce: Duration::from_millis(cfg.watch_debounce_ms),
            full_rescan: Duration::from_secs(cfg.full_rescan_secs.max(1)),
            poll: Duration::from_millis(cfg.scan_interval_ms.max(1)),
        }
    }
}

/// After a failed look at the folder (the outbox's disk, the folder unreadable), the next full
/// rescan comes this soon; what failed was not recorded, so the rescan finds it again.
const RETRY: Duration = Duration::from_secs(1);

/// Keeps the outbox in step with the content folder for ever; `wake` is notified whenever
/// something was queued.
pub async fn run(outbox: &Outbox, dir: &Path, timing: Timing, wake: &Notify) {
    let mut scanner = loop {
        match Scanner::load(outbox.clone(), dir.to_path_buf()).await {
            Ok(s) => break s,
            Err(e) => {
                tracing::warn!(error = %e, "cannot read what the outbox remembers of the folder");
                tokio::time::sleep(RETRY).await;
            }
        }
    };
    let inbox = Arc::new(Inbox::default());
    let mut watcher: Option<RecommendedWatcher> = None;
    let mut last_error = String::new();
    if timing.watch {
        match start_watcher(dir, &inbox) {
            Ok(w) => {
                tracing::info!(dir = %dir.display(), files = scanner.len(), "watching content folder");
                watcher = Some(w);
            }
            Err(e) => warn_polling(dir, &e.to_string(), timing),
        }
    } else {
        tracing::info!(dir = %dir.display(), every_ms = timing.poll.as_millis() as u64,
            "rescanning content folder (watch = false)");
    }
    // The first full scan picks up what changed while the agent was stopped.
    let mut next_full = Instant::now();
    let mut next_rewatch = Instant::now() + timing.full_rescan;
    loop {
        let full_due = tokio::select! {
            biased;
            _ = tokio::time::sleep_until(next_full) => true,
            _ = inbox.wake.notified() => false,
        };
        if !full_due {
            settle(&inbox, timing.debounce).await;
        }
        let pending = inbox.take();
        if let Some(why) = pending.broken
            && watcher.take().is_some()
        {
            warn_polling(dir, &why, timing);
            next_rewatch = Instant::now() + timing.full_rescan;
        }
        if watcher.is_none() && timing.watch && Instant::now() >= next_rewatch {
            // Try watching again (a limit raised, the folder back), before the scan, so that
            // nothing changing during the scan is missed.
            next_rewatch = Instant::now() + timing.full_rescan;
            if let Ok(w) = start_watcher(dir, &inbox) {
                tracing::info!(dir = %dir.display(), "watching content folder again");
                watcher = Some(w);
            }
        }
        let full = full_due || pending.rescan || watcher.is_none();
        let result = if full {
            scanner.scan_all().await
        } else {
            let rels = pending
                .paths
                .iter()
                .filter_map(|p| relative(dir, p))
                .collect::<Vec<_>>();
            scanner.check(rels).await
        };
        if full {
            next_full = Instant::now()
                + if watcher.is_some() {
                    timing.full_rescan
                } else {
                    timing.poll
                };
        }
        match result {
            Ok(r) => {
                last_error.clear();
                report(&r, wake);
            }
            Err(e) => {
                // Said once per kind of failure, not on every retry.
                let msg = format!("{e:#}");
                if msg != last_error {
                    tracing::warn!(error = %msg, dir = %dir.display(), "scan failed; retrying");
                    last_error = msg;
                }
                next_full = next_full.min(Instant::now() + RETRY);
            }
        }
    }
}

/// Waits until no change has been reported for `quiet`, or five times that since the first.
/// Measured from the last change itself (the watcher's thread may still be handing over the
/// rest of a burst when the loop wakes), so a single change waits `quiet` once.
async fn settle(inbox: &Inbox, quiet: Duration) {
    let deadline = Instant::now() + quiet * 5;
    loop {
        let quiet_at = inbox
            .last()
            .map_or_else(Instant::now, |t| Instant::from_std(t) + quiet);
        if quiet_at <= Instant::now() {
            return;
        }
        tokio::time::sleep_until(quiet_at.min(deadline)).await;
        if Instant::now() >= deadline {
            return;
        }
    }
}

/// Said once each time the agent falls back to rescanning (attempts to watch again are
/// silent until one succeeds).
fn warn_polling(dir: &Path, why: &str, timing: Timing) {
    tracing::warn!(
        dir = %dir.display(),
        reason = why,
        every_ms = timing.poll.as_millis() as u64,
        "cannot watch the content folder; rescanning it periodically instead"
    );
}

/// `path` (as the watcher reports it) relative to the folder, '/'-separated; "" for the folder
/// itself, `None` outside it or for names that are not UTF-8.
fn relative(dir: &Path, path: &Path) -> Option<String> {
    let rel = path.strip_prefix(dir).ok()?;
    let parts: Option<Vec<&str>> = rel.components().map(|c| c.as_os_str().to_str()).collect();
    Some(parts?.join("/"))
}

fn report(r: &ScanReport, wake: &Notify) {
    if r.changed() || r.rejected > 0 {
        tracing::info!(
            media = r.media,
            published = r.published,
            withdrawn = r.withdrawn,
            rejected = r.rejected,
            "content folder changed"
        );
        wake.notify_one();
    }
}

#[cfg(test)]
mod tests;
