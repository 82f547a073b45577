//! One sender per outbox: `portal-agent run` holds an exclusive lock on the data dir, and
//! `portal-agent publish` only sends when it can take that lock. Two senders could reorder
//! sequence numbers, which the hub would read as resends.

use std::fs::File;
use std::os::fd::AsRawFd;
use std::path::Path;

use anyhow::Context;

pub struct DataDirLock {
    _file: File,
}

impl DataDirLock {
    /// Takes the lock without waiting; `None` if another process holds it. The OS releases it
    /// when the process ends, however it ends.
    pub fn acquire(dir: &Path) -> anyhow::Result<Option<Self>> {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        let file = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(dir.join("agent.lock"))
            .context("cannot open agent.lock")?;
        // SAFETY: flock on a file descriptor we own; no memory is touched.
        let rc = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
        if rc == 0 {
            Ok(Some(Self { _file: file }))
        } else {
            Ok(None)
        }
    }
}
