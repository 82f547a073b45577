//! `make bench`: the public pages under load, in one run, against nginx serving the same bytes.
//!
//! - a cached item page from the hub vs nginx (one worker, `sendfile on`, `open_file_cache on`)
//!   serving that page's bytes as a static file;
//! - `304 Not Modified` revalidation (If-None-Match) from each;
//! - the hub over 2,000 item pages, without and with another tenant's real `portal-agent`
//!   publishing 2 items per second;
//! - publish → visible: from the moment the agent's file lands in its folder until the item's
//!   page answers 200.
//!
//! The servers run pinned to CPU 0; this process (the load generator, and the publishing agent)
//! to CPU 1. The load generator is a minimal HTTP/1.1 client over keep-alive connections (one
//! request in flight per connection), so that it costs far less per request than either server.
//! Runs alternate between subjects and medians are reported.

use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::Parser;
use portal_proto::v1::{Item, PublishEntry, PublishRequest};
use portal_testkit::{AgentProcess, Db, TestHub, agent_client, item_markdown};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

#[derive(Parser)]
#[command(about = "Public pages: hub page cache vs nginx, and under a trickle of publications")]
struct Cli {
    /// Seconds per measured run.
    #[arg(long, default_value_t = 3)]
    seconds: u64,
    /// Runs of each measurement (alternating subjects).
    #[arg(long, default_value_t = 3)]
    runs: usize,
    /// Keep-alive connections of the load generator.
    #[arg(long, default_value_t = 32)]
    connections: usize,
    /// Item pages of the tenant read under load.
    #[arg(long, default_value_t = 2000)]
    pages: usize,
    /// Publications per second by the other tenant's agent during the trickle runs.
    #[arg(long, default_value_t = 2.0)]
    publish_rate: f64,
}

fn pin_to_cpu(cpu: usize) -> bool {
    // SAFETY: a zeroed cpu_set_t is a valid empty set; sched_setaffinity reads it.
    unsafe {
        let mut set: libc::cpu_set_t = std::mem::zeroed();
        libc::CPU_SET(cpu, &mut set);
        libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &set) == 0
    }
}

fn free_addr() -> anyhow::Result<SocketAddr> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?)
}

/// What one load run measured.
#[derive(Debug, Default)]
struct Load {
    rate: f64,
    p50_us: u32,
    p99_us: u32,
    /// Responses with a status other than the one expected.
    unexpected: u64,
    /// Body bytes of the last response (to check that both subjects serve the same bytes).
    body_len: usize,
}

/// One response read off a keep-alive connection: status and body length.
async fn read_response(s: &mut TcpStream, buf: &mut Vec<u8>) -> anyhow::Result<(u16, usize)> {
    let mut chunk = [0u8; 64 * 1024];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        let n = s.read(&mut chunk).await?;
        anyhow::ensure!(n > 0, "connection closed");
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = std::str::from_utf8(&buf[..head_end])?;
    let status: u16 = head.get(9..12).unwrap_or("0").parse()?;
    let len = head
        .lines()
        .find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case("content-length")
                .then(|| v.trim().parse::<usize>().ok())?
        })
        .unwrap_or(0);
    let len = if status == 304 { 0 } else { len };
    while buf.len() < head_end + len {
        let n = s.read(&mut chunk).await?;
        anyhow::ensure!(n > 0, "connection closed");
        buf.extend_from_slice(&chunk[..n]);
    }
    buf.drain(..head_end + len);
    Ok((status, len))
}

fn request(path: &str, extra: &str) -> Vec<u8> {
    format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: portal-web-bench\r\n{extra}\r\n")
        .into_bytes()
}

/// `connections` connections, each sending the requests in turn (starting at its own offset)
/// for `secs` seconds.
async fn load(
    addr: SocketAddr,
    requests: Arc<Vec<Vec<u8>>>,
    expect: u16,
    connections: usize,
    secs: f64,
) -> anyhow::Result<Load> {
    let start = Instant::now();
    let deadline = start + Duration::from_secs_f64(secs);
    let mut tasks = Vec::new();
    for c in 0..connections {
        let requests = requests.clone();
        tasks.push(tokio::spawn(async move {
            let mut s = TcpStream::connect(addr).await?;
            s.set_nodelay(true)?;
            let mut buf = Vec::with_capacity(128 * 1024);
            let mut lat = Vec::with_capacity(100_000);
            let (mut unexpected, mut body_len) = (0u64, 0usize);
            let mut i = c * requests.len() / connections.max(1);
            while Instant::now() < deadline {
                let t = Instant::now();
                s.write_all(&requests[i % requests.len()]).await?;
                let (status, len) = read_response(&mut s, &mut buf).await?;
                lat.push(u32::try_from(t.elapsed().as_micros()).unwrap_or(u32::MAX));
                unexpected += u64::from(status != expect);
                body_len = len;
                i += 1;
            }
            anyhow::Ok((lat, unexpected, body_len))
        }));
    }
    let mut all = Vec::new();
    let mut out = Load::default();
    for t in tasks {
        let (lat, unexpected, len) = t.await??;
        all.extend(lat);
        out.unexpected += unexpected;
        out.body_len = len;
    }
    let elapsed = start.elapsed().as_secs_f64();
    all.sort_unstable();
    out.rate = all.len() as f64 / elapsed;
    out.p50_us = percentile(&all, 0.50);
    out.p99_us = percentile(&all, 0.99);
    Ok(out)
}

fn percentile<T: Copy + Default>(sorted: &[T], p: f64) -> T {
    if sorted.is_empty() {
        return T::default();
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v.get(v.len() / 2).copied().unwrap_or(0.0)
}

/// A plain GET returning status, headers and body (for set-up and checks, not for load).
async fn fetch(
    addr: SocketAddr,
    path: &str,
    extra: &str,
) -> anyhow::Result<(u16, String, Vec<u8>)> {
    let mut s = TcpStream::connect(addr).await?;
    s.write_all(&request(path, &format!("{extra}Connection: close\r\n")))
        .await?;
    let mut all = Vec::new();
    s.read_to_end(&mut all).await?;
    let end = all
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| anyhow::anyhow!("no header end"))?;
    let head = String::from_utf8_lossy(&all[..end]).to_string();
    let status = head.get(9..12).unwrap_or("0").parse()?;
    Ok((status, head, all[end + 4..].to_vec()))
}

fn header<'a>(head: &'a str, name: &str) -> Option<&'a str> {
    head.lines().find_map(|l| {
        let (k, v) = l.split_once(':')?;
        k.eq_ignore_ascii_case(name).then_some(v.trim())
    })
}

/// nginx as the issue asks: one worker, sendfile, open_file_cache; pinned to CPU 0.
fn start_nginx(dir: &std::path::Path, addr: SocketAddr) -> anyhow::Result<Child> {
    use std::os::unix::process::CommandExt;
    let conf = format!(
        "worker_processes 1;\nworker_cpu_affinity 1;\ndaemon off;\nerror_log {dir}/error.log warn;\n\
         pid {dir}/nginx.pid;\nevents {{ worker_connections 1024; }}\n\
         http {{\n  access_log off;\n  sendfile on;\n  tcp_nopush on;\n  tcp_nodelay on;\n\
         keepalive_requests 1000000;\n  keepalive_timeout 60s;\n\
         open_file_cache max=1000 inactive=60s;\n  open_file_cache_valid 60s;\n\
         client_body_temp_path {dir}/tmp;\n  proxy_temp_path {dir}/tmp;\n  fastcgi_temp_path {dir}/tmp;\n\
         uwsgi_temp_path {dir}/tmp;\n  scgi_temp_path {dir}/tmp;\n\
         types {{ text/html html; }}\n\
         server {{\n    listen {addr};\n    root {dir}/www;\n  }}\n}}\n",
        dir = dir.display()
    );
    std::fs::create_dir_all(dir.join("tmp"))?;
    std::fs::write(dir.join("nginx.conf"), conf)?;
    let bin = ["/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/bin/nginx"]
        .into_iter()
        .find(|p| std::path::Path::new(p).exists())
        .ok_or_else(|| anyhow::anyhow!("nginx is not installed (make bench installs it)"))?;
    let mut cmd = Command::new(bin);
    cmd.arg("-c").arg(dir.join("nginx.conf")).arg("-p").arg(dir);
    // SAFETY: sched_setaffinity is async-signal-safe; it runs in the child before exec.
    unsafe {
        cmd.pre_exec(|| {
            let mut set: libc::cpu_set_t = std::mem::zeroed();
            libc::CPU_SET(0, &mut set);
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

async fn wait_port(addr: SocketAddr) -> anyhow::Result<()> {
    let start = Instant::now();
    while TcpStream::connect(addr).await.is_err() {
        anyhow::ensure!(
            start.elapsed() < Duration::from_secs(30),
            "{addr} did not open"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Ok(())
}

/// A news item of a realistic size (~3 KB of Markdown).
fn body(i: usize) -> String {
    format!(
        "Ủy ban nhân dân tỉnh Bến Tre thông báo kết quả thực hiện kế hoạch số {i}.\n\n{}",
        "Trong tháng, các sở, ban, ngành và địa phương đã tập trung triển khai nhiệm vụ phát \
         triển kinh tế - xã hội, bảo đảm an sinh xã hội và cải cách hành chính.\n\n"
            .repeat(14)
    )
}

/// Publishes the tenant's `n` items over the agent's own gRPC identity, in batches.
async fn populate(agent: &AgentProcess, n: usize) -> anyhow::Result<()> {
    let mut client = agent_client(agent).await?;
    let mut seq = 0u64;
    for chunk in (0..n).collect::<Vec<_>>().chunks(100) {
        let entries = chunk
            .iter()
            .map(|&i| {
                seq += 1;
                PublishEntry {
                    seq,
                    item: Some(Item {
                        id: format!("tin-{i:05}"),
                        title: format!("Tin số {i} về đầu tư tại Bến Tre"),
                        category: "news".into(),
                        language: "vi".into(),
                        author: "Phòng Tổng hợp".into(),
                        source: "Sở Kế hoạch và Đầu tư".into(),
                        published_at: Some(prost_types::Timestamp {
                            seconds: 1_717_200_000,
                            nanos: 0,
                        }),
                        body_markdown: body(i),
                        ..Default::default()
                    }),
                }
            })
            .collect();
        let r = client
            .publish(PublishRequest { entries })
            .await?
            .into_inner();
        let accepted = r
            .results
            .iter()
            .filter(|r| r.outcome() == portal_proto::v1::Outcome::Accepted)
            .count();
        anyhow::ensure!(
            accepted == chunk.len(),
            "only {accepted} of {} accepted",
            chunk.len()
        );
    }
    Ok(())
}

/// While `run` lasts, the agent gets a new item file every `1 / rate` seconds; returns the
/// time from each file landing to its page answering 200.
async fn trickle(
    agent: &AgentProcess,
    http: SocketAddr,
    rate: f64,
    secs: f64,
    first: &mut usize,
) -> anyhow::Result<Vec<f64>> {
    let period = Duration::from_secs_f64(1.0 / rate);
    let end = Instant::now() + Duration::from_secs_f64(secs);
    let mut waits = Vec::new();
    let mut next = Instant::now();
    let mut pending: Vec<(String, Instant)> = Vec::new();
    while Instant::now() < end || !pending.is_empty() {
        if Instant::now() >= next && Instant::now() < end {
            *first += 1;
            let id = format!("moi-{:05}", *first);
            agent.write_file(
                &format!("{id}.md"),
                &item_markdown(&id, &format!("Tin mới {id}"), &body(*first)),
            )?;
            pending.push((id, Instant::now()));
            next += period;
        }
        let mut still = Vec::new();
        for (id, at) in pending {
            let (status, _, _) = fetch(http, &format!("/t/chauthanh/items/{id}"), "").await?;
            if status == 200 {
                waits.push(at.elapsed().as_secs_f64());
            } else if at.elapsed() > Duration::from_secs(30) {
                anyhow::bail!("{id} did not appear within 30 s");
            } else {
                still.push((id, at));
            }
        }
        pending = still;
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    Ok(waits)
}

async fn orchestrate(cli: &Cli) -> anyhow::Result<()> {
    let cpus = std::thread::available_parallelism().map_or(0, |n| n.get());
    let mut hub = TestHub::start(Db::Sqlite).await?;
    hub.add_tenant("skhdt", "Sở Kế hoạch và Đầu tư").await?;
    hub.add_tenant_of_kind("chauthanh", "UBND huyện Châu Thành", "district")
        .await?;
    let department = AgentProcess::enroll(&hub, "skhdt").await?;
    let mut district = AgentProcess::enroll(&hub, "chauthanh").await?;
    district.shipped_settings()?;
    populate(&department, cli.pages).await?;
    hub.stop().await;
    // The hub process inherits this thread's CPU; then this process moves to the other one.
    let pinned = cpus >= 2 && pin_to_cpu(0);
    let hub_process = hub.spawn_process(&[("log_format", "human")], None).await?;
    let pinned = pinned && pin_to_cpu(1);
    district.start()?;
    let http: SocketAddr = hub.http_base().trim_start_matches("http://").parse()?;

    let paths: Vec<String> = (0..cli.pages)
        .map(|i| format!("/t/skhdt/items/tin-{i:05}"))
        .collect();
    let page = &paths[0];
    let (status, head, bytes) = fetch(http, page, "").await?;
    anyhow::ensure!(status == 200, "{page}: {status}");
    let etag = header(&head, "etag").unwrap_or_default().to_string();

    let nginx_dir = tempfile::tempdir()?;
    std::fs::create_dir_all(nginx_dir.path().join("www"))?;
    {
        // nginx's worker runs as an unprivileged user: it must be able to read the file.
        use std::os::unix::fs::PermissionsExt;
        for d in [nginx_dir.path().to_path_buf(), nginx_dir.path().join("www")] {
            std::fs::set_permissions(d, std::fs::Permissions::from_mode(0o755))?;
        }
    }
    std::fs::write(nginx_dir.path().join("www/page.html"), &bytes)?;
    let nginx_addr = free_addr()?;
    let mut nginx = start_nginx(nginx_dir.path(), nginx_addr)?;
    let result = async {
        wait_port(nginx_addr).await?;
        let (s, nhead, nbytes) = fetch(nginx_addr, "/page.html", "").await?;
        anyhow::ensure!(s == 200 && nbytes == bytes, "nginx serves other bytes ({s})");
        let nginx_etag = header(&nhead, "etag").unwrap_or_default().to_string();
        let (s, _, _) = fetch(http, page, &format!("If-None-Match: {etag}\r\n")).await?;
        anyhow::ensure!(s == 304, "the hub did not revalidate: {s}");

        let c = cli.connections;
        let secs = cli.seconds as f64;
        let one = |path: &str, extra: &str| Arc::new(vec![request(path, extra)]);
        let hub_page = one(page, "");
        let nginx_page = one("/page.html", "");
        let hub_304 = one(page, &format!("If-None-Match: {etag}\r\n"));
        let nginx_304 = one("/page.html", &format!("If-None-Match: {nginx_etag}\r\n"));
        let all_pages = Arc::new(paths.iter().map(|p| request(p, "")).collect::<Vec<_>>());

        // Warm-up: every page once into the cache, connections, CPU frequency.
        load(http, all_pages.clone(), 200, c, 2.0).await?;
        load(nginx_addr, nginx_page.clone(), 200, c, 1.0).await?;

        let (mut r_page, mut r_304, mut r_trickle) = (Vec::new(), Vec::new(), Vec::new());
        let (mut hub_rates, mut nginx_rates, mut hub_304s, mut nginx_304s) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let (mut calm_rates, mut busy_rates) = (Vec::new(), Vec::new());
        let mut visible = Vec::new();
        let mut published = 0usize;
        for run in 1..=cli.runs {
            let n = load(nginx_addr, nginx_page.clone(), 200, c, secs).await?;
            let h = load(http, hub_page.clone(), 200, c, secs).await?;
            anyhow::ensure!(h.body_len == n.body_len, "not the same bytes");
            let n304 = load(nginx_addr, nginx_304.clone(), 304, c, secs).await?;
            let h304 = load(http, hub_304.clone(), 304, c, secs).await?;
            let calm = load(http, all_pages.clone(), 200, c, secs).await?;
            let (busy, waits) = tokio::join!(
                load(http, all_pages.clone(), 200, c, secs),
                trickle(&district, http, cli.publish_rate, secs, &mut published)
            );
            let (busy, waits) = (busy?, waits?);
            for l in [&n, &h, &n304, &h304, &calm, &busy] {
                anyhow::ensure!(l.unexpected == 0, "unexpected statuses: {l:?}");
            }
            println!(
                "run {run}: page hub {:>7.0}/s nginx {:>7.0}/s ({:.2}x) | 304 hub {:>7.0}/s nginx {:>7.0}/s ({:.2}x) | \
                 {} pages {:>7.0}/s, with {}/s publishing {:>7.0}/s ({:.2}x, p99 {} -> {} µs)",
                h.rate,
                n.rate,
                h.rate / n.rate,
                h304.rate,
                n304.rate,
                h304.rate / n304.rate,
                cli.pages,
                calm.rate,
                cli.publish_rate,
                busy.rate,
                busy.rate / calm.rate,
                calm.p99_us,
                busy.p99_us,
            );
            r_page.push(h.rate / n.rate);
            r_304.push(h304.rate / n304.rate);
            r_trickle.push(busy.rate / calm.rate);
            hub_rates.push(h.rate);
            nginx_rates.push(n.rate);
            hub_304s.push(h304.rate);
            nginx_304s.push(n304.rate);
            calm_rates.push(calm.rate);
            busy_rates.push(busy.rate);
            visible.extend(waits);
        }
        visible.sort_by(|a, b| a.total_cmp(b));
        println!();
        println!(
            "machine          {cpus} CPUs; servers pinned to CPU 0, load generator and agent {}",
            if pinned { "to CPU 1" } else { "NOT pinned" }
        );
        println!(
            "workload         {c} keep-alive connections, {} s per run, {} runs; page {} B (identity)",
            cli.seconds,
            cli.runs,
            bytes.len()
        );
        println!(
            "cached page      hub {:>7.0}/s  nginx {:>7.0}/s  ratio {:.2} (target >= 0.8)",
            median(&mut hub_rates),
            median(&mut nginx_rates),
            median(&mut r_page)
        );
        println!(
            "304              hub {:>7.0}/s  nginx {:>7.0}/s  ratio {:.2} (target >= 0.7)",
            median(&mut hub_304s),
            median(&mut nginx_304s),
            median(&mut r_304)
        );
        println!(
            "{} pages      calm {:>7.0}/s  {}/s publishing {:>7.0}/s  ratio {:.2} (target >= 0.8)",
            cli.pages,
            median(&mut calm_rates),
            cli.publish_rate,
            median(&mut busy_rates),
            median(&mut r_trickle)
        );
        println!(
            "publish→visible  {} items: p50 {:.0} ms, p99 {:.0} ms, max {:.0} ms (target p99 < 1000 ms)",
            visible.len(),
            percentile(&visible, 0.5) * 1e3,
            percentile(&visible, 0.99) * 1e3,
            visible.last().copied().unwrap_or(0.0) * 1e3
        );
        anyhow::Ok(())
    }
    .await;
    let _ = nginx.kill();
    let _ = nginx.wait();
    district.stop();
    drop(hub_process);
    result
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    // One thread: the load generator must not compete with the server for CPU 0.
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    rt.block_on(orchestrate(&cli))
}
