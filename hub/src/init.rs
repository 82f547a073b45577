//! `portal-hub init`: creates the CA, the hub's server certificate, the database and a config
//! file. Re-running it keeps what exists; it never overwrites a CA.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;
use portal_pki::CertificateAuthority;

use crate::config::HubConfig;
use crate::state::now;

/// Where the hub keeps its key material inside `<data_dir>/pki`.
pub struct PkiFiles {
    pub ca_cert: PathBuf,
    pub ca_key: PathBuf,
    pub server_cert: PathBuf,
    pub server_key: PathBuf,
}

impl PkiFiles {
    pub fn new(pki_dir: &Path) -> Self {
        Self {
            ca_cert: pki_dir.join("ca.pem"),
            ca_key: pki_dir.join("ca.key"),
            server_cert: pki_dir.join("server.pem"),
            server_key: pki_dir.join("server.key"),
        }
    }

    pub fn load_ca(&self) -> anyhow::Result<CertificateAuthority> {
        let cert = read(&self.ca_cert)?;
        let key = read(&self.ca_key)?;
        Ok(CertificateAuthority::from_pem(&cert, &key)?)
    }
}

fn read(p: &Path) -> anyhow::Result<String> {
    std::fs::read_to_string(p)
        .with_context(|| format!("cannot read {} (run `portal-hub init` first)", p.display()))
}

/// Writes a new file that must not exist yet, readable by the owner only (the hub's files are
/// its own; the CA certificate is handed to agents' operators out of band).
pub fn write_new(path: &Path, contents: &str) -> anyhow::Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .with_context(|| format!("cannot create {}", path.display()))?;
    f.write_all(contents.as_bytes())?;
    f.sync_all()?;
    Ok(())
}

fn create_private_dir(p: &Path) -> anyhow::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(p)
        .with_context(|| format!("cannot create {}", p.display()))
}

/// The data dir holds the CA key, the database and media: only the hub's user may enter it.
/// A dir that others can read or enter (made by hand, or by an older version) is closed, with
/// a warning, before anything is opened in it.
pub fn secure_data_dir(dir: &Path) -> anyhow::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let meta = std::fs::metadata(dir)
        .with_context(|| format!("{} (run `portal-hub init` first)", dir.display()))?;
    let mode = meta.permissions().mode() & 0o777;
    if mode & 0o077 != 0 {
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700)).with_context(
            || {
                format!(
                    "{} is open to other users and cannot be closed",
                    dir.display()
                )
            },
        )?;
        tracing::warn!(dir = %dir.display(), was = format!("{mode:o}"),
            "the data dir was open to other users; it is now 0700");
    }
    Ok(())
}

/// Options of `portal-hub init`.
pub struct InitOptions {
    pub data_dir: PathBuf,
    pub domain: String,
    /// DNS names and IP addresses agents use to reach the hub's gRPC port.
    pub hub_names: Vec<String>,
    /// Extra lines for the generated config file (e.g. listen addresses for the demo).
    pub extra_config: String,
}

/// Runs `init`; `out` gets the human report.
pub async fn init(opts: &InitOptions, out: &mut dyn Write) -> anyhow::Result<HubConfig> {
    portal_core::validate_domain(&opts.domain).map_err(|e| anyhow::anyhow!("domain: {e}"))?;
    create_private_dir(&opts.data_dir)?;
    let config_path = opts.data_dir.join("hub.toml");
    if config_path.exists() {
        writeln!(out, "kept      {}", config_path.display())?;
    } else {
        let data_dir = std::path::absolute(&opts.data_dir)?;
        let text = format!(
            "# Portal hub configuration; every key is explained in deploy/hub.example.toml.\n\
             data_dir = {:?}\ndomain = {:?}\n{}",
            data_dir.display().to_string(),
            opts.domain,
            opts.extra_config
        );
        write_new(&config_path, &text)?;
        writeln!(out, "created   {}", config_path.display())?;
    }
    let cfg = HubConfig::load(Some(&config_path), Some(&opts.data_dir))?;
    let pki_dir = cfg.pki_dir();
    create_private_dir(&pki_dir)?;
    let files = PkiFiles::new(&pki_dir);
    let now = now();
    let ca = if files.ca_key.exists() || files.ca_cert.exists() {
        writeln!(
            out,
            "kept      {} (an existing CA is never replaced)",
            files.ca_cert.display()
        )?;
        files.load_ca()?
    } else {
        let ca = CertificateAuthority::generate(&cfg.domain, now, 10)?;
        write_new(&files.ca_key, ca.key_pem())?;
        write_new(&files.ca_cert, ca.cert_pem())?;
        writeln!(
            out,
            "created   {} (CA, ECDSA P-256, 10 years)",
            files.ca_cert.display()
        )?;
        ca
    };
    if files.server_cert.exists() {
        writeln!(out, "kept      {}", files.server_cert.display())?;
    } else {
        let mut names = opts.hub_names.clone();
        if names.is_empty() {
            names = vec![
                format!("hub.{}", cfg.domain),
                "localhost".into(),
                "127.0.0.1".into(),
            ];
        }
        let server = ca.issue_server_certificate(&names, now, 825)?;
        write_new(&files.server_key, &server.key_pem)?;
        write_new(&files.server_cert, &server.cert_pem)?;
        writeln!(
            out,
            "created   {} (server certificate for {})",
            files.server_cert.display(),
            names.join(", ")
        )?;
    }
    secure_data_dir(&opts.data_dir)?;
    let store = portal_store::Store::open(&cfg.database_url()).await?;
    store.close().await?;
    writeln!(out, "database  ready ({})", redact_url(&cfg.database_url()))?;
    writeln!(
        out,
        "\nNext steps:\n\
         1. portal-hub --data-dir {dir} serve\n\
         2. portal-hub --data-dir {dir} tenant add --slug skhdt --name \"Sở Kế hoạch và Đầu tư\" --kind department\n\
         3. portal-hub --data-dir {dir} token issue --tenant skhdt --ttl 24h\n\
         4. On the component portal's host, give the token and {ca} to\n   \
            portal-agent enroll --hub HOST:{port} --token TOKEN --ca-file ca.pem --data-dir /var/lib/portal-agent",
        dir = opts.data_dir.display(),
        ca = files.ca_cert.display(),
        port = cfg.grpc_listen.port(),
    )?;
    Ok(cfg)
}

/// Hides a password in a database URL before it is printed or logged.
pub use portal_store::redact_url;
