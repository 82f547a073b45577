//! Whether the hub can do its job, for `/healthz` and operators: besides the database answering,
//! writes must be succeeding (a full disk leaves pages up while every upload and publication
//! fails) and the file systems it writes to must have room.
//!
//! Components report failed and successful writes; a component whose latest write failed is
//! degraded, with the reason, until one succeeds again.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Mutex;

use portal_core::UnixMillis;

/// A part of the hub that writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Component {
    /// Item publications and withdrawals (the group-commit writer).
    Ingest,
    /// Uploaded media files.
    MediaStorage,
}

impl Component {
    fn name(self) -> &'static str {
        match self {
            Self::Ingest => "ingest",
            Self::MediaStorage => "media storage",
        }
    }
}

/// The hub's view of its own health.
pub struct Health {
    failing: Mutex<BTreeMap<Component, (UnixMillis, String)>>,
    /// Directories whose file systems must keep `min_free` bytes free.
    watched: Vec<PathBuf>,
    min_free: u64,
}

/// What `/healthz` reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    Ok,
    /// The hub serves pages but cannot do all of its work; each reason names what and why.
    Degraded(Vec<String>),
}

impl Health {
    pub fn new(watched: Vec<PathBuf>, min_free: u64) -> Self {
        Self {
            failing: Mutex::new(BTreeMap::new()),
            watched,
            min_free,
        }
    }

    pub fn write_failed(&self, c: Component, reason: impl std::fmt::Display, now: UnixMillis) {
        let mut f = self.failing.lock().unwrap_or_else(|p| p.into_inner());
        f.entry(c).or_insert_with(|| (now, reason.to_string()));
    }

    pub fn write_succeeded(&self, c: Component) {
        let mut f = self.failing.lock().unwrap_or_else(|p| p.into_inner());
        f.remove(&c);
    }

    /// The current status (a `statvfs` per watched directory: cheap).
    pub fn status(&self, now: UnixMillis) -> Status {
        let mut reasons: Vec<String> = {
            let f = self.failing.lock().unwrap_or_else(|p| p.into_inner());
            f.iter()
                .map(|(c, (since, why))| {
                    format!(
                        "{}: writes failing for {}s: {why}",
                        c.name(),
                        now.duration_since(*since).as_secs()
                    )
                })
                .collect()
        };
        for dir in &self.watched {
            if let Some(free) = free_bytes(dir)
                && free < self.min_free
            {
                reasons.push(format!(
                    "{}: only {} MiB free (less than {} MiB)",
                    dir.display(),
                    free >> 20,
                    self.min_free >> 20
                ));
            }
        }
        if reasons.is_empty() {
            Status::Ok
        } else {
            Status::Degraded(reasons)
        }
    }
}

/// Bytes available to unprivileged writers on the file system holding `dir`.
fn free_bytes(dir: &std::path::Path) -> Option<u64> {
    use std::os::unix::ffi::OsStrExt;
    let path = std::ffi::CString::new(dir.as_os_str().as_bytes()).ok()?;
    // SAFETY: statvfs fills the struct we pass; the path is a valid C string.
    unsafe {
        let mut s: libc::statvfs = std::mem::zeroed();
        if libc::statvfs(path.as_ptr(), &mut s) != 0 {
            return None;
        }
        Some((s.f_bavail as u64).saturating_mul(s.f_frsize as u64))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failing_write_degrades_until_one_succeeds() {
        let dir = tempfile::tempdir().unwrap();
        let h = Health::new(vec![dir.path().to_path_buf()], 1);
        let t = UnixMillis::from_secs(100);
        assert_eq!(h.status(t), Status::Ok);
        h.write_failed(Component::MediaStorage, "No space left on device", t);
        let Status::Degraded(r) = h.status(UnixMillis::from_secs(112)) else {
            panic!("not degraded");
        };
        assert_eq!(
            r,
            ["media storage: writes failing for 12s: No space left on device"]
        );
        h.write_succeeded(Component::MediaStorage);
        assert_eq!(h.status(t), Status::Ok);
        // A file system with less room than required.
        let full = Health::new(vec![dir.path().to_path_buf()], u64::MAX);
        assert!(matches!(full.status(t), Status::Degraded(_)));
    }
}
