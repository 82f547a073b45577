//! `make bench`: durable ingest of 1 KiB items over mutual TLS, against a bare tonic mTLS echo
//! server that answers the same batches without storing them, measured in the same run.
//!
//! The subject (hub or echo server) runs as its own process pinned to CPU 0; this load generator
//! pins itself to CPU 1. Runs alternate echo/hub and the median ratio is reported.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use clap::{Parser, Subcommand};
use portal_proto::bench::v1::echo_service_client::EchoServiceClient;
use portal_proto::bench::v1::echo_service_server::{EchoService, EchoServiceServer};
use portal_proto::v1::agent_service_client::AgentServiceClient;
use portal_proto::v1::enroll_service_client::EnrollServiceClient;
use portal_proto::v1::{
    EnrollRequest, EntryResult, Item, Outcome, PublishEntry, PublishRequest, PublishResponse,
};
use tonic::transport::{Certificate, Channel, ClientTlsConfig, Identity, Server, ServerTlsConfig};

#[derive(Parser)]
#[command(about = "Ingest benchmark: portal hub vs bare tonic mTLS echo")]
struct Cli {
    #[command(subcommand)]
    command: Option<Cmd>,
    /// Seconds per measured run.
    #[arg(long, default_value_t = 4)]
    seconds: u64,
    /// Runs of each subject (alternating).
    #[arg(long, default_value_t = 5)]
    runs: usize,
    /// Concurrent agents (one stream each).
    #[arg(long, default_value_t = 8)]
    agents: usize,
    /// Items per batch.
    #[arg(long, default_value_t = 100)]
    batch: usize,
    /// Body size of each item in bytes.
    #[arg(long, default_value_t = 1024)]
    item_bytes: usize,
    /// Use PostgreSQL (PORTAL_TEST_POSTGRES_URL or 127.0.0.1:5432) instead of SQLite.
    #[arg(long)]
    postgres: bool,
}

#[derive(Subcommand)]
enum Cmd {
    /// Internal: the baseline server.
    EchoServer {
        #[arg(long)]
        pki: PathBuf,
        #[arg(long)]
        listen: SocketAddr,
    },
}

struct Echo;

#[tonic::async_trait]
impl EchoService for Echo {
    async fn publish(
        &self,
        req: tonic::Request<PublishRequest>,
    ) -> Result<tonic::Response<PublishResponse>, tonic::Status> {
        let results = req
            .into_inner()
            .entries
            .into_iter()
            .map(|e| EntryResult {
                seq: e.seq,
                item_id: e.item.map(|i| i.id).unwrap_or_default(),
                outcome: Outcome::Accepted as i32,
                version: 1,
                errors: Vec::new(),
                notes: Vec::new(),
            })
            .collect();
        Ok(tonic::Response::new(PublishResponse { results }))
    }
}

fn pin_to_cpu(cpu: usize) -> bool {
    // SAFETY: plain syscall on a zeroed cpu_set_t owned by this frame.
    unsafe {
        let mut set: libc::cpu_set_t = std::mem::zeroed();
        libc::CPU_SET(cpu, &mut set);
        libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &set) == 0
    }
}

fn spawn_pinned(mut cmd: Command, cpu: usize) -> anyhow::Result<Child> {
    use std::os::unix::process::CommandExt;
    // SAFETY: only an async-signal-safe syscall between fork and exec.
    unsafe {
        cmd.pre_exec(move || {
            let mut set: libc::cpu_set_t = std::mem::zeroed();
            libc::CPU_SET(cpu, &mut set);
            libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &set);
            Ok(())
        });
    }
    Ok(cmd
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()?)
}

/// CPU time a process has used so far (user + system), from `/proc/<pid>/stat`; `None` where
/// that is not available.
fn cpu_seconds(pid: u32) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command name (which may hold spaces) start with the state, field 3.
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    // SAFETY: sysconf only reads a configuration value.
    let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
    (hz > 0).then(|| ticks as f64 / hz as f64)
}

/// A measured run: its rate and the subject's CPU time per item (µs), where known.
struct Run {
    rate: f64,
    cpu_us_per_item: Option<f64>,
}

/// Runs a measurement of `pid` (the subject) and adds the subject's CPU time per item.
async fn with_cpu(
    pid: u32,
    measurement: impl std::future::Future<Output = anyhow::Result<f64>>,
) -> anyhow::Result<Run> {
    let before = cpu_seconds(pid);
    let start = Instant::now();
    let rate = measurement.await?;
    let items = rate * start.elapsed().as_secs_f64();
    let cpu_us_per_item = match (before, cpu_seconds(pid)) {
        (Some(b), Some(a)) if items > 0.0 => Some((a - b) * 1e6 / items),
        _ => None,
    };
    Ok(Run {
        rate,
        cpu_us_per_item,
    })
}

fn free_addr() -> anyhow::Result<SocketAddr> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?)
}

async fn wait_port(addr: SocketAddr) -> anyhow::Result<()> {
    let start = Instant::now();
    while tokio::net::TcpStream::connect(addr).await.is_err() {
        anyhow::ensure!(
            start.elapsed() < Duration::from_secs(30),
            "{addr} did not open"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Ok(())
}

async fn echo_server(pki: &Path, listen: SocketAddr) -> anyhow::Result<()> {
    let cert = std::fs::read_to_string(pki.join("server.pem"))?;
    let key = std::fs::read_to_string(pki.join("server.key"))?;
    let ca = std::fs::read_to_string(pki.join("ca.pem"))?;
    Server::builder()
        .tls_config(
            ServerTlsConfig::new()
                .identity(Identity::from_pem(cert, key))
                .client_ca_root(Certificate::from_pem(ca)),
        )?
        .add_service(
            EchoServiceServer::new(Echo)
                .max_decoding_message_size(16 << 20)
                .max_encoding_message_size(16 << 20),
        )
        .serve(listen)
        .await?;
    Ok(())
}

struct AgentCreds {
    cert: String,
    key: String,
    seq: u64,
    next_item: u64,
    name: String,
}

async fn channel(addr: SocketAddr, ca: &str, creds: &AgentCreds) -> anyhow::Result<Channel> {
    let tls = ClientTlsConfig::new()
        .ca_certificate(Certificate::from_pem(ca))
        .identity(Identity::from_pem(&creds.cert, &creds.key))
        .domain_name("127.0.0.1");
    Ok(Channel::from_shared(format!("https://{addr}"))?
        .tls_config(tls)?
        .tcp_nodelay(true)
        .connect()
        .await?)
}

fn batch(creds: &mut AgentCreds, n: usize, body: &str) -> PublishRequest {
    let entries = (0..n)
        .map(|_| {
            creds.seq += 1;
            creds.next_item += 1;
            PublishEntry {
                seq: creds.seq,
                item: Some(Item {
                    id: format!("{}-{}", creds.name, creds.next_item),
                    title: format!("Tin số {} về đầu tư tại Bến Tre", creds.next_item),
                    category: "news".into(),
                    language: "vi".into(),
                    author: "Phòng Tổng hợp".into(),
                    source: "Sở Kế hoạch và Đầu tư".into(),
                    published_at: Some(prost_types::Timestamp {
                        seconds: 1_717_200_000,
                        nanos: 0,
                    }),
                    body_markdown: body.to_string(),
                    ..Default::default()
                }),
            }
        })
        .collect();
    PublishRequest { entries }
}

#[derive(Clone, Copy, PartialEq)]
enum Subject {
    Echo,
    Hub,
}

/// Runs all agents against one subject for `secs`; returns accepted items per second.
async fn measure(
    subject: Subject,
    addr: SocketAddr,
    ca: &str,
    agents: &mut [AgentCreds],
    batch_size: usize,
    body: &str,
    secs: u64,
) -> anyhow::Result<f64> {
    let mut tasks = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(secs);
    let start = Instant::now();
    for creds in agents.iter_mut() {
        let ch = channel(addr, ca, creds).await?;
        // Each task owns a copy of the credentials' counters and gives them back.
        let mut mine = AgentCreds {
            cert: String::new(),
            key: String::new(),
            seq: creds.seq,
            next_item: creds.next_item,
            name: creds.name.clone(),
        };
        let body = body.to_string();
        tasks.push(tokio::spawn(async move {
            let mut echo = EchoServiceClient::new(ch.clone()).max_decoding_message_size(16 << 20);
            let mut hub = AgentServiceClient::new(ch).max_decoding_message_size(16 << 20);
            let mut accepted = 0u64;
            while Instant::now() < deadline {
                let req = batch(&mut mine, batch_size, &body);
                let resp = match subject {
                    Subject::Echo => echo.publish(req).await?.into_inner(),
                    Subject::Hub => hub.publish(req).await?.into_inner(),
                };
                accepted += resp
                    .results
                    .iter()
                    .filter(|r| r.outcome() == Outcome::Accepted)
                    .count() as u64;
            }
            anyhow::Ok((accepted, mine.seq, mine.next_item))
        }));
    }
    let mut total = 0;
    for (t, creds) in tasks.into_iter().zip(agents.iter_mut()) {
        let (n, seq, next) = t.await??;
        total += n;
        creds.seq = seq;
        creds.next_item = next;
    }
    Ok(total as f64 / start.elapsed().as_secs_f64())
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

async fn orchestrate(cli: &Cli) -> anyhow::Result<()> {
    let cpus = std::thread::available_parallelism().map_or(0, |n| n.get());
    let pinned = cpus >= 2 && pin_to_cpu(1);
    let dir = tempfile::tempdir()?;
    let data = dir.path().join("hub");
    let (grpc, http, echo_addr) = (free_addr()?, free_addr()?, free_addr()?);
    let mut extra = format!("grpc_listen = \"{grpc}\"\nhttp_listen = \"{http}\"\n");
    let scratch_db = if cli.postgres {
        let url = portal_store::testing::create_postgres_database("portal_bench").await?;
        extra.push_str(&format!("database_url = {url:?}\n"));
        Some(url)
    } else {
        None
    };
    let db_label = if cli.postgres {
        "PostgreSQL (synchronous_commit on)"
    } else {
        "SQLite WAL, WAL fdatasync before every answer (durability of synchronous=FULL)"
    };
    let opts = portal_hub::init::InitOptions {
        data_dir: data.clone(),
        domain: "bentre.gov.vn".into(),
        hub_names: vec!["127.0.0.1".into()],
        extra_config: extra,
    };
    let cfg = portal_hub::init::init(&opts, &mut std::io::sink()).await?;
    portal_hub::ops::add_tenant(&cfg, "skhdt", "Sở Kế hoạch và Đầu tư", "department").await?;
    let ca = std::fs::read_to_string(cfg.pki_dir().join("ca.pem"))?;

    let mut hub_cmd = Command::new(portal_testkit::bin("portal-hub"));
    hub_cmd
        .arg("--data-dir")
        .arg(&data)
        .arg("serve")
        .env("RUST_LOG", "warn");
    let mut hub = spawn_pinned(hub_cmd, 0)?;
    let mut echo_cmd = Command::new(std::env::current_exe()?);
    echo_cmd
        .args(["echo-server", "--pki"])
        .arg(cfg.pki_dir())
        .args(["--listen", &echo_addr.to_string()]);
    let mut echo = spawn_pinned(echo_cmd, 0)?;
    let (hub_pid, echo_pid) = (hub.id(), echo.id());
    let result = async {
        wait_port(grpc).await?;
        wait_port(echo_addr).await?;
        let mut agents = Vec::new();
        for i in 0..cli.agents {
            let (token, _) = portal_hub::ops::issue_token(&cfg, "skhdt", Some("1h")).await?;
            let key = portal_pki::generate_agent_key("bench")?;
            let ch = Channel::from_shared(format!("https://{grpc}"))?
                .tls_config(ClientTlsConfig::new().ca_certificate(Certificate::from_pem(&ca)).domain_name("127.0.0.1"))?
                .connect()
                .await?;
            let resp = EnrollServiceClient::new(ch)
                .enroll(EnrollRequest { token, csr_der: key.csr_der, agent_name: format!("bench-{i}") })
                .await?
                .into_inner();
            agents.push(AgentCreds {
                cert: resp.certificate_pem,
                key: key.key_pem,
                seq: 0,
                next_item: 0,
                name: format!("a{i}"),
            });
        }
        let body: String = "Nội dung bài viết về phát triển kinh tế tỉnh Bến Tre. "
            .chars()
            .cycle()
            .take(cli.item_bytes)
            .collect();
        let body: String = body.chars().take_while({
            let mut n = 0;
            move |c| {
                n += c.len_utf8();
                n <= cli.item_bytes
            }
        }).collect();
        // Warm-up: connections, caches, page cache of the database file.
        measure(Subject::Echo, echo_addr, &ca, &mut agents, cli.batch, &body, 1).await?;
        measure(Subject::Hub, grpc, &ca, &mut agents, cli.batch, &body, 1).await?;
        let stored_before = {
            let store = portal_store::Store::open(&cfg.database_url()).await?;
            let t = store.tenant_by_slug("skhdt").await?.ok_or_else(|| anyhow::anyhow!("tenant"))?;
            let n = store.version_count(&t).await?;
            store.close().await?;
            n
        };
        let mut hub_accepted = 0f64;
        let (mut echo_rates, mut hub_rates, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
        let (mut echo_cpu, mut hub_cpu) = (Vec::new(), Vec::new());
        for run in 0..cli.runs {
            let er = with_cpu(echo_pid, measure(Subject::Echo, echo_addr, &ca, &mut agents, cli.batch, &body, cli.seconds)).await?;
            let hr = with_cpu(hub_pid, measure(Subject::Hub, grpc, &ca, &mut agents, cli.batch, &body, cli.seconds)).await?;
            let (e, h) = (er.rate, hr.rate);
            let cpu = match (er.cpu_us_per_item, hr.cpu_us_per_item) {
                (Some(ec), Some(hc)) => {
                    echo_cpu.push(ec);
                    hub_cpu.push(hc);
                    format!("   CPU per item: echo {ec:.1} µs, hub {hc:.1} µs")
                }
                _ => String::new(),
            };
            println!("run {}: echo {:>9.0} items/s   hub {:>9.0} items/s   ratio {:.3}{cpu}", run + 1, e, h, h / e);
            echo_rates.push(e);
            hub_rates.push(h);
            hub_accepted += h * cli.seconds as f64;
            ratios.push(h / e);
        }
        // Sanity: every accepted item is stored once.
        let store = portal_store::Store::open(&cfg.database_url()).await?;
        let tenant = store.tenant_by_slug("skhdt").await?.ok_or_else(|| anyhow::anyhow!("tenant"))?;
        let stored = store.version_count(&tenant).await? - stored_before;
        println!();
        println!("machine        {} CPUs, subject pinned to CPU 0, load generator {}", cpus, if pinned { "pinned to CPU 1" } else { "NOT pinned" });
        println!("workload       {} agents x batches of {} items, {} B bodies, {} s per run, {} runs each", cli.agents, cli.batch, cli.item_bytes, cli.seconds, cli.runs);
        println!("database       {db_label}");
        println!("echo (tonic)   median {:>9.0} items/s", median(&mut echo_rates));
        println!("hub (durable)  median {:>9.0} items/s", median(&mut hub_rates));
        println!("ratio          median {:.3}  (target >= {})", median(&mut ratios), if cli.postgres { "0.3" } else { "0.5" });
        if !hub_cpu.is_empty() {
            println!("CPU per item   median echo {:.1} µs, hub {:.1} µs (subject's user + system time / items)", median(&mut echo_cpu), median(&mut hub_cpu));
        }
        println!("stored         {stored} new versions in the database during the measured hub runs (~{hub_accepted:.0} acknowledged)");
        anyhow::Ok(())
    }
    .await;
    let _ = hub.kill();
    let _ = echo.kill();
    let _ = hub.wait();
    let _ = echo.wait();
    if let Some(url) = scratch_db {
        // The benchmark's items are of no further use; do not leave them on the server.
        portal_store::testing::drop_postgres_database(&url).await?;
    }
    result
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    if let Some(Cmd::EchoServer { pki, listen }) = &cli.command {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()?;
        return rt.block_on(echo_server(pki, *listen));
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()?;
    rt.block_on(orchestrate(&cli))
}
