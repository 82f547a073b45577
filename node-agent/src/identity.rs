//! The agent's identity on disk: its private key (mode 0600, never sent anywhere), its current
//! client certificate, the hub CA, and who it is.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IdentityInfo {
    pub agent_id: String,
    pub tenant: String,
    pub domain: String,
    /// Certificate expiry, unix milliseconds.
    pub not_after_ms: i64,
}

pub struct IdentityFiles {
    pub key: PathBuf,
    pub cert: PathBuf,
    pub ca: PathBuf,
    pub info: PathBuf,
}

impl IdentityFiles {
    pub fn new(data_dir: &Path) -> Self {
        Self {
            key: data_dir.join("agent.key"),
            cert: data_dir.join("agent.pem"),
            ca: data_dir.join("ca.pem"),
            info: data_dir.join("identity.json"),
        }
    }

    pub fn exists(&self) -> bool {
        self.key.exists() && self.cert.exists() && self.info.exists()
    }

    pub fn load_info(&self) -> anyhow::Result<IdentityInfo> {
        let text = std::fs::read_to_string(&self.info).with_context(|| {
            format!(
                "{} is missing: enroll first (portal-agent enroll)",
                self.info.display()
            )
        })?;
        Ok(serde_json::from_str(&text)?)
    }

    /// Stores a new key and certificate. Each file is written beside its final name and renamed
    /// over it, so a crash leaves either the old or the new file, never half of one.
    pub fn store(
        &self,
        key_pem: &str,
        cert_pem: &str,
        ca_pem: &str,
        info: &IdentityInfo,
    ) -> anyhow::Result<()> {
        write_atomic(&self.key, key_pem.as_bytes(), 0o600)?;
        write_atomic(&self.cert, cert_pem.as_bytes(), 0o644)?;
        write_atomic(&self.ca, ca_pem.as_bytes(), 0o644)?;
        write_atomic(
            &self.info,
            serde_json::to_string_pretty(info)?.as_bytes(),
            0o644,
        )?;
        Ok(())
    }
}

/// Writes `path` atomically with the given mode (fsync of file and directory).
pub fn write_atomic(path: &Path, data: &[u8], mode: u32) -> anyhow::Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    let dir = path.parent().unwrap_or(Path::new("."));
    let tmp = dir.join(format!(
        ".{}.tmp",
        path.file_name().and_then(|n| n.to_str()).unwrap_or("file")
    ));
    let _ = std::fs::remove_file(&tmp);
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(mode)
        .open(&tmp)
        .with_context(|| format!("cannot write {}", tmp.display()))?;
    f.write_all(data)?;
    f.sync_all()?;
    std::fs::rename(&tmp, path).with_context(|| format!("cannot replace {}", path.display()))?;
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}
