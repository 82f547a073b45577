//! `portal-agent`: the command line of the node agent.

use std::path::PathBuf;

use clap::{Parser, Subcommand};
use portal_agent::AgentConfig;

#[derive(Parser)]
#[command(
    name = "portal-agent",
    version,
    about = "Node agent: sends a component portal's content and status to the provincial hub"
)]
struct Cli {
    /// Data directory (key, certificate, outbox, agent.toml).
    #[arg(long, global = true, env = "PORTAL_AGENT_DATA_DIR")]
    data_dir: Option<PathBuf>,
    /// Configuration file (default: <data-dir>/agent.toml).
    #[arg(long, global = true)]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Enroll with a one-time token from the Provincial Office.
    Enroll {
        /// The hub's gRPC address, HOST:PORT.
        #[arg(long)]
        hub: String,
        /// A file holding the one-time token, or `-` to read it from standard input (a token
        /// on the command line is visible to every user of the machine in `ps`).
        #[arg(long, conflicts_with = "token")]
        token_file: Option<PathBuf>,
        /// The one-time token itself (visible in `ps`; prefer --token-file).
        #[arg(long, required_unless_present = "token_file")]
        token: Option<String>,
        /// The hub CA certificate (ca.pem), obtained from the Provincial Office out of band.
        #[arg(long)]
        ca_file: PathBuf,
        /// Name of the hub in its certificate, if it differs from HOST.
        #[arg(long)]
        hub_name: Option<String>,
        /// A label for operators (default: this host's name).
        #[arg(long)]
        name: Option<String>,
        /// Folder the component portal exports items to.
        #[arg(long)]
        content_dir: Option<PathBuf>,
    },
    /// Run: watch the content folder, send the outbox, heartbeat, renew the certificate.
    Run,
    /// Queue item files, and the media they link to, and send them (if no `run` is active).
    /// Every file that is not an item is named with the reason, the others are queued all the
    /// same, and the exit status is then non-zero.
    Publish {
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Show identity, outbox depth and recent rejections.
    Status,
}

fn main() -> std::process::ExitCode {
    // The key, the certificate, the outbox and the configuration are the agent's own:
    // owner-only, whatever the umask of the shell that started it.
    // SAFETY: umask only sets this process's file-creation mask.
    unsafe {
        libc::umask(0o077);
    }
    // One malloc arena for the few threads (runtime, SQLite connections, watcher): glibc's
    // default of one arena per thread kept freed memory of each.
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: sets a malloc parameter before any other thread exists.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 1);
    }
    let cli = Cli::parse();
    // One thread is plenty for an agent and keeps its footprint small.
    let rt = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match rt.block_on(run(cli)) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn hostname() -> String {
    std::fs::read_to_string("/etc/hostname")
        .map(|s| s.trim().to_string())
        .ok()
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "agent".into())
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    if let Command::Enroll {
        hub,
        token_file,
        token,
        ca_file,
        hub_name,
        name,
        content_dir,
    } = &cli.command
    {
        let data_dir = cli
            .data_dir
            .clone()
            .unwrap_or_else(|| AgentConfig::default().data_dir);
        let token = match (token_file, token) {
            (Some(f), _) => read_token(f)?,
            (None, Some(t)) => {
                eprintln!(
                    "warning: a token on the command line is visible to other users (ps); \
                     use --token-file FILE or --token-file - next time"
                );
                t.clone()
            }
            (None, None) => anyhow::bail!("give the token with --token-file FILE (or -)"),
        };
        let info = portal_agent::enroll::enroll(&portal_agent::enroll::EnrollOptions {
            data_dir: data_dir.clone(),
            hub: hub.clone(),
            hub_name: hub_name.clone(),
            token,
            ca_file: ca_file.clone(),
            name: name.clone().unwrap_or_else(hostname),
            content_dir: content_dir.clone(),
        })
        .await?;
        println!(
            "enrolled as agent {} of tenant {} ({}.{}); start it with: portal-agent --data-dir {} run",
            info.agent_id,
            info.tenant,
            info.tenant,
            info.domain,
            data_dir.display()
        );
        return Ok(());
    }
    let cfg = AgentConfig::load(cli.config.as_deref(), cli.data_dir.as_deref())?;
    match cli.command {
        Command::Enroll { .. } => unreachable!("handled above"),
        Command::Run => {
            cfg.log_format.init();
            anyhow::ensure!(!cfg.hub.is_empty(), "no hub configured; enroll first");
            portal_agent::run(cfg, shutdown_signal()).await?;
        }
        Command::Publish { files } => {
            cfg.log_format.init();
            let done = portal_agent::publish_files(&cfg, &files).await?;
            // Each bad file was named with its reason; the good ones are queued all the same.
            anyhow::ensure!(
                done.bad.is_empty(),
                "{} of {} file(s) could not be published",
                done.bad.len(),
                files.len()
            );
        }
        Command::Status => portal_agent::status(&cfg, &mut std::io::stdout()).await?,
    }
    Ok(())
}

/// The token from a file, or from standard input for `-`: the first line, trimmed.
fn read_token(source: &std::path::Path) -> anyhow::Result<String> {
    use std::io::Read;
    let mut text = String::new();
    if source == std::path::Path::new("-") {
        std::io::stdin()
            .take(4096)
            .read_to_string(&mut text)
            .map_err(|e| anyhow::anyhow!("reading the token from standard input: {e}"))?;
    } else {
        std::fs::File::open(source)
            .and_then(|f| f.take(4096).read_to_string(&mut text))
            .map_err(|e| anyhow::anyhow!("reading the token from {}: {e}", source.display()))?;
    }
    let token = text.lines().next().unwrap_or("").trim().to_string();
    anyhow::ensure!(!token.is_empty(), "the token file is empty");
    Ok(token)
}

async fn shutdown_signal() {
    let mut term = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
        Ok(s) => s,
        Err(_) => {
            let _ = tokio::signal::ctrl_c().await;
            return;
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = term.recv() => {}
    }
}
