//! `make bench`, agent part: what an idle `portal-agent` costs beside the portal it serves,
//! with a content folder of many item files already delivered, against an agent with an empty
//! folder measured in the same run; and how soon one changed file reaches the hub.
//!
//! A real hub runs in this process (SQLite); the two agents are real `portal-agent run`
//! processes (the binary beside this one), enrolled with the hub and running with the shipped
//! settings. CPU is the agents' user + system time from `/proc/<pid>/stat` over the idle window
//! (and the sum of their threads' run time from `schedstat`, which counts nanoseconds rather
//! than 10 ms ticks); memory is `VmRSS` and `VmHWM` from `/proc/<pid>/status`.

use std::path::Path;
use std::time::{Duration, Instant};

use clap::Parser;
use portal_testkit::{AgentProcess, Db, TestHub, item_markdown, wait_for};

#[derive(Parser)]
#[command(about = "Idle cost and change latency of portal-agent with a large content folder")]
struct Cli {
    /// Item files in the large folder.
    #[arg(long, default_value_t = 10_000)]
    files: usize,
    /// Seconds after delivery before measuring (the agents' start-up work is over).
    #[arg(long, default_value_t = 10)]
    settle_secs: u64,
    /// Length of the idle measurement, in seconds.
    #[arg(long, default_value_t = 30)]
    idle_secs: u64,
    /// Changed files timed, per agent.
    #[arg(long, default_value_t = 9)]
    samples: usize,
    /// Environment for both agents, `KEY=VALUE` (repeatable; for experiments such as
    /// `GLIBC_TUNABLES=glibc.malloc.arena_max=1`).
    #[arg(long = "agent-env")]
    agent_env: Vec<String>,
}

/// User + system CPU seconds of a process so far.
fn cpu_seconds(pid: u32) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    // SAFETY: sysconf only reads a configuration value.
    let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
    (hz > 0).then(|| ticks as f64 / hz as f64)
}

/// Run time of all of a process's threads so far, in seconds (nanosecond counters).
fn run_seconds(pid: u32) -> Option<f64> {
    let mut ns = 0u64;
    for task in std::fs::read_dir(format!("/proc/{pid}/task")).ok()? {
        let s = std::fs::read_to_string(task.ok()?.path().join("schedstat")).ok()?;
        ns += s.split_whitespace().next()?.parse::<u64>().ok()?;
    }
    Some(ns as f64 / 1e9)
}

/// A `/proc/<pid>/status` field in KiB (`VmRSS`, `VmHWM`, ...), or a count (`Threads`).
fn status_field(pid: u32, name: &str) -> Option<u64> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    s.lines()
        .find_map(|l| l.strip_prefix(name)?.strip_prefix(':'))?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// Sum of `Referenced` over a process's mappings, in KiB.
fn referenced_kib(pid: u32) -> Option<u64> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).ok()?;
    s.lines()
        .find_map(|l| l.strip_prefix("Referenced:"))?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

struct Idle {
    cpu_percent: f64,
    run_percent: f64,
    rss_kib: u64,
    hwm_kib: u64,
    anon_kib: u64,
    file_kib: u64,
    /// Resident pages the agent used during the idle window.
    touched_kib: Option<u64>,
    threads: u64,
}

fn mib(kib: u64) -> String {
    format!("{:.1} MiB", kib as f64 / 1024.0)
}

/// Times `samples` changes of one item file: from writing it (atomically, as a CMS does) to the
/// hub holding the new version.
async fn latencies(
    hub: &TestHub,
    agent: &AgentProcess,
    slug: &str,
    file_id: impl Fn(usize) -> String,
    samples: usize,
) -> anyhow::Result<Vec<Duration>> {
    let tenant = hub
        .store()
        .tenant_by_slug(slug)
        .await?
        .ok_or_else(|| anyhow::anyhow!("no tenant {slug}"))?;
    let mut out = Vec::new();
    for s in 0..samples {
        let id = file_id(s);
        let before = hub
            .store()
            .item_state(&tenant, &id)
            .await?
            .map_or(0, |(_, v)| v);
        let text = item_markdown(&id, &format!("Bản tin số {s}, đã sửa"), "Nội dung đã sửa.");
        let start = Instant::now();
        agent.write_file(&format!("{id}.md"), &text)?;
        loop {
            let now = hub.store().item_state(&tenant, &id).await?;
            if now.is_some_and(|(_, v)| v > before) {
                break;
            }
            anyhow::ensure!(
                start.elapsed() < Duration::from_secs(30),
                "{slug}: the change to {id} did not arrive\n{}",
                agent.log()
            );
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        out.push(start.elapsed());
        // Apart, so that each sample is a change of its own.
        tokio::time::sleep(Duration::from_millis(700)).await;
    }
    Ok(out)
}

fn median_max(v: &[Duration]) -> (Duration, Duration) {
    let mut v = v.to_vec();
    v.sort();
    (v[v.len() / 2], v[v.len() - 1])
}

async fn bench(cli: &Cli) -> anyhow::Result<()> {
    let hub = TestHub::start(Db::Sqlite).await?;
    hub.add_tenant("trong", "Thư mục trống").await?;
    hub.add_tenant("day", "Thư mục đầy").await?;
    let mut empty = AgentProcess::enroll(&hub, "trong").await?;
    let mut full = AgentProcess::enroll(&hub, "day").await?;
    empty.shipped_settings()?;
    full.shipped_settings()?;
    for kv in &cli.agent_env {
        let (k, v) = kv
            .split_once('=')
            .ok_or_else(|| anyhow::anyhow!("--agent-env wants KEY=VALUE, not {kv}"))?;
        empty.env(k, v);
        full.env(k, v);
    }
    for i in 0..cli.files {
        full.write_file(
            &format!("tin-{i}.md"),
            &item_markdown(
                &format!("tin-{i}"),
                &format!("Bản tin số {i} của Sở"),
                "Nội dung bản tin, một đoạn văn ngắn về hoạt động của đơn vị.",
            ),
        )?;
    }
    let start = Instant::now();
    empty.start()?;
    full.start()?;
    let files = cli.files as u64;
    wait_for(
        "every file on the hub",
        Duration::from_secs(600),
        || async { Ok((hub.version_count("day").await? >= files).then_some(())) },
    )
    .await
    .map_err(|e| anyhow::anyhow!("{e}\n{}", full.log()))?;
    let delivered = start.elapsed();
    println!(
        "delivered      {} files in {:.1} s after start (initial scan and sending)",
        cli.files,
        delivered.as_secs_f64()
    );
    tokio::time::sleep(Duration::from_secs(cli.settle_secs)).await;

    let pids = [
        empty
            .pid()
            .ok_or_else(|| anyhow::anyhow!("empty agent not running"))?,
        full.pid()
            .ok_or_else(|| anyhow::anyhow!("full agent not running"))?,
    ];
    // Clear the pages' referenced bits, so that the window's end shows which pages the idle
    // agent touched (its working set); needs root, like writing any clear_refs.
    let cleared = pids
        .iter()
        .all(|p| std::fs::write(format!("/proc/{p}/clear_refs"), "1").is_ok());
    let before: Vec<_> = pids
        .iter()
        .map(|&p| (cpu_seconds(p), run_seconds(p)))
        .collect();
    let t0 = Instant::now();
    tokio::time::sleep(Duration::from_secs(cli.idle_secs)).await;
    let wall = t0.elapsed().as_secs_f64();
    let mut idle = Vec::new();
    for (i, &pid) in pids.iter().enumerate() {
        let cpu = match (before[i].0, cpu_seconds(pid)) {
            (Some(a), Some(b)) => (b - a) / wall * 100.0,
            _ => f64::NAN,
        };
        let run = match (before[i].1, run_seconds(pid)) {
            (Some(a), Some(b)) => (b - a) / wall * 100.0,
            _ => f64::NAN,
        };
        idle.push(Idle {
            cpu_percent: cpu,
            run_percent: run,
            rss_kib: status_field(pid, "VmRSS").unwrap_or(0),
            hwm_kib: status_field(pid, "VmHWM").unwrap_or(0),
            anon_kib: status_field(pid, "RssAnon").unwrap_or(0),
            file_kib: status_field(pid, "RssFile").unwrap_or(0),
            touched_kib: if cleared { referenced_kib(pid) } else { None },
            threads: status_field(pid, "Threads").unwrap_or(0),
        });
    }

    let lat_empty = latencies(&hub, &empty, "trong", |_| "mau".to_string(), cli.samples).await?;
    let n = cli.files.max(1);
    let lat_full = latencies(
        &hub,
        &full,
        "day",
        |s| format!("tin-{}", (s * 7919) % n),
        cli.samples,
    )
    .await?;
    let hwm_after: Vec<u64> = pids
        .iter()
        .map(|&p| status_field(p, "VmHWM").unwrap_or(0))
        .collect();

    println!();
    println!(
        "agent binary   {}",
        portal_testkit::bin("portal-agent").display()
    );
    println!(
        "idle window    {wall:.0} s, after {} s of settling; shipped settings",
        cli.settle_secs
    );
    println!(
        "{:<34} {:>16} {:>16}",
        "",
        "empty folder",
        format!("{} files", cli.files)
    );
    let row = |name: &str, f: &dyn Fn(&Idle) -> String| {
        println!("{name:<34} {:>16} {:>16}", f(&idle[0]), f(&idle[1]));
    };
    row("idle CPU (utime+stime), % of core", &|i| {
        format!("{:.3}", i.cpu_percent)
    });
    row("idle CPU (schedstat), % of core", &|i| {
        format!("{:.3}", i.run_percent)
    });
    row("VmRSS", &|i| mib(i.rss_kib));
    row("  of which RssAnon (own memory)", &|i| mib(i.anon_kib));
    row("  of which RssFile (mapped files)", &|i| mib(i.file_kib));
    row("pages touched while idle", &|i| {
        i.touched_kib.map_or("n/a".into(), mib)
    });
    row("VmHWM (peak incl. start-up)", &|i| mib(i.hwm_kib));
    row("threads", &|i| i.threads.to_string());
    let (me, xe) = median_max(&lat_empty);
    let (mf, xf) = median_max(&lat_full);
    println!(
        "{:<34} {:>16} {:>16}",
        format!("change -> hub, median ({} samples)", cli.samples),
        format!("{} ms", me.as_millis()),
        format!("{} ms", mf.as_millis())
    );
    println!(
        "{:<34} {:>16} {:>16}",
        "change -> hub, max",
        format!("{} ms", xe.as_millis()),
        format!("{} ms", xf.as_millis())
    );
    println!(
        "{:<34} {:>16} {:>16}",
        "VmHWM after the changes",
        mib(hwm_after[0]),
        mib(hwm_after[1])
    );
    let all: Vec<String> = lat_full.iter().map(|d| d.as_millis().to_string()).collect();
    println!("latencies (ms, {} files): {}", cli.files, all.join(" "));
    println!(
        "targets        idle CPU <= 0.1 % of a core and VmRSS <= 12 MiB with {} files; a change seen within 1 s",
        cli.files
    );
    empty.stop();
    full.stop();
    Ok(())
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    anyhow::ensure!(cli.samples > 0, "--samples must be at least 1");
    anyhow::ensure!(
        Path::new("/proc/self/stat").exists(),
        "this benchmark reads /proc (Linux)"
    );
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()?;
    rt.block_on(bench(&cli))
}
