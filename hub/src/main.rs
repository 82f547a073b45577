//! `portal-hub`: the command line of the federation hub.

use std::path::PathBuf;

use clap::{Parser, Subcommand};
use portal_hub::{HubConfig, init, ops};

// Request handling allocates and frees many small buffers on several threads (runtime, writer,
// sync); mimalloc does that with less contention and fewer page faults than glibc's malloc.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "portal-hub",
    version,
    about = "Federation hub of the provincial electronic information portal"
)]
struct Cli {
    /// Data directory (CA, certificates, SQLite database, hub.toml).
    #[arg(long, global = true, env = "PORTAL_HUB_DATA_DIR")]
    data_dir: Option<PathBuf>,
    /// Configuration file (default: <data-dir>/hub.toml).
    #[arg(long, global = true)]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create the CA, the hub's server certificate, the database and hub.toml. Never overwrites a CA.
    Init {
        #[arg(long, default_value = "bentre.gov.vn")]
        domain: String,
        /// DNS name or IP address agents use to reach the hub (repeatable).
        #[arg(long = "hub-name")]
        hub_names: Vec<String>,
    },
    /// Serve agents (gRPC, mutual TLS) and the public pages (HTTP).
    Serve,
    /// Manage tenants (component portals).
    Tenant {
        #[command(subcommand)]
        command: TenantCommand,
    },
    /// Manage one-time enrollment tokens.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// Manage enrolled agents.
    Agent {
        #[command(subcommand)]
        command: AgentCommand,
    },
    /// The category registry (mandatory information categories, Art 10).
    Categories {
        #[command(subcommand)]
        command: CategoriesCommand,
    },
}

#[derive(Subcommand)]
enum CategoriesCommand {
    /// Check a registry file (TOML, like crates/portal-core/categories.toml) and put it in force.
    Load { file: PathBuf },
    /// List the categories in force.
    List,
}

#[derive(Subcommand)]
enum TenantCommand {
    /// Add a tenant; its site will be <slug>.<domain>.
    Add {
        #[arg(long)]
        slug: String,
        #[arg(long)]
        name: String,
        /// provincial_office, department, district or unit.
        #[arg(long, default_value = "department")]
        kind: String,
    },
    /// List tenants.
    List,
}

#[derive(Subcommand)]
enum TokenCommand {
    /// Issue a one-time enrollment token for a tenant; it is printed once and stored as a hash.
    Issue {
        #[arg(long)]
        tenant: String,
        /// Lifetime, e.g. 30m, 24h, 7d (default: token_ttl from the configuration).
        #[arg(long)]
        ttl: Option<String>,
    },
}

#[derive(Subcommand)]
enum AgentCommand {
    /// List agents with their last heartbeat.
    List,
    /// Revoke an agent: its next call is refused, also on open connections.
    Revoke { id: String },
}

fn main() -> std::process::ExitCode {
    // Everything the hub creates (database, WAL, media, keys) is its own: owner-only.
    // SAFETY: umask only sets this process's file-creation mask.
    unsafe {
        libc::umask(0o077);
    }
    let cli = Cli::parse();
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let result = rt.block_on(run(cli));
    // A page render abandoned after its budget may still be running on a blocking thread:
    // do not wait for it to exit.
    rt.shutdown_timeout(std::time::Duration::from_secs(5));
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    let data_dir = cli.data_dir.as_deref();
    if let Command::Init { domain, hub_names } = &cli.command {
        let dir = data_dir
            .map(PathBuf::from)
            .unwrap_or_else(|| HubConfig::default().data_dir);
        let opts = init::InitOptions {
            data_dir: dir,
            domain: domain.clone(),
            hub_names: hub_names.clone(),
            extra_config: String::new(),
        };
        init::init(&opts, &mut std::io::stdout()).await?;
        return Ok(());
    }
    let cfg = HubConfig::load(cli.config.as_deref(), data_dir)?;
    match cli.command {
        Command::Init { .. } => unreachable!("handled above"),
        Command::Serve => {
            portal_hub::init_logging(cfg.log_format);
            let hub = portal_hub::start(cfg).await?;
            println!("gRPC (agents, mTLS)  {}", hub.grpc_addr);
            println!("HTTP (public pages)  http://{}/", hub.http_addr);
            shutdown_signal().await;
            tracing::info!("shutting down");
            hub.stop().await;
        }
        Command::Tenant {
            command: TenantCommand::Add { slug, name, kind },
        } => {
            let t = ops::add_tenant(&cfg, &slug, &name, &kind).await?;
            println!(
                "tenant {} added: {} ({}), site {}.{}",
                t.slug, t.name, t.kind, t.slug, cfg.domain
            );
        }
        Command::Tenant {
            command: TenantCommand::List,
        } => {
            for t in ops::list_tenants(&cfg).await? {
                println!("{:<20} {:<18} {}", t.slug, t.kind.as_str(), t.name);
            }
        }
        Command::Token {
            command: TokenCommand::Issue { tenant, ttl },
        } => {
            let (token, expires) = ops::issue_token(&cfg, &tenant, ttl.as_deref()).await?;
            eprintln!(
                "one-time enrollment token for {tenant}, valid until {} (shown only now):",
                expires.to_operator_time()
            );
            println!("{token}");
        }
        Command::Agent {
            command: AgentCommand::List,
        } => {
            let agents = ops::list_agents(&cfg).await?;
            print!("{}", ops::agent_table(&agents));
        }
        Command::Categories {
            command: CategoriesCommand::Load { file },
        } => {
            let (version, n, changed) = ops::load_categories(&cfg, &file).await?;
            if changed {
                println!("category registry version {version} ({n} categories) is now in force");
            } else {
                println!(
                    "category registry version {version} is already in force; nothing changed"
                );
            }
        }
        Command::Categories {
            command: CategoriesCommand::List,
        } => {
            let r = ops::list_categories(&cfg).await?;
            println!("category registry version {}", r.version);
            for c in &r.categories {
                let who: Vec<&str> = c
                    .responsible
                    .tenant_kinds
                    .iter()
                    .map(|k| k.as_str())
                    .collect();
                println!(
                    "{:<26} {:<7} {:<40} {}",
                    c.code,
                    format!("{:?}", c.kind).to_lowercase(),
                    c.name_vi,
                    if who.is_empty() {
                        "any tenant".to_string()
                    } else {
                        who.join(", ")
                    }
                );
            }
        }
        Command::Agent {
            command: AgentCommand::Revoke { id },
        } => {
            ops::revoke_agent(&cfg, &id).await?;
            println!("agent {id} revoked; its next call will be refused");
        }
    }
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(s) => s,
                Err(_) => {
                    let _ = ctrl_c.await;
                    return;
                }
            };
        tokio::select! {
            _ = ctrl_c => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = ctrl_c.await;
}
