//! Real hubs and real agents for tests and benchmarks: a hub runs in-process (its real gRPC,
//! TLS and HTTP servers on loopback ports, its real database), agents run as real
//! `portal-agent` processes that can be killed with SIGKILL. Nothing here is a mock.

mod agent;
mod hub;

pub use agent::{AgentProcess, agent_client, bin};
pub use hub::{Db, HubProcess, TestHub};

use std::time::{Duration, Instant};

/// Polls `check` until it returns `Some`, or fails after `timeout` with `what`.
pub async fn wait_for<T, F, Fut>(what: &str, timeout: Duration, mut check: F) -> anyhow::Result<T>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<Option<T>>>,
{
    let start = Instant::now();
    loop {
        if let Some(v) = check().await? {
            return Ok(v);
        }
        if start.elapsed() > timeout {
            anyhow::bail!("timed out after {timeout:?} waiting for {what}");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A Markdown item file as a component portal would export it.
pub fn item_markdown(id: &str, title: &str, body: &str) -> String {
    format!(
        "---\nid: {id}\ntitle: \"{title}\"\ncategory: news\nlanguage: vi\nauthor: Phòng Văn hóa\n\
         source: UBND huyện Châu Thành\npublished_at: 2024-06-01T08:00:00+07:00\n---\n{body}\n"
    )
}

/// The same item as [`item_markdown`], as an agent sends it over gRPC (override fields with
/// `Item { title: ..., ..news_item(...) }`).
pub fn news_item(id: &str, title: &str, body: &str) -> portal_proto::v1::Item {
    portal_proto::v1::Item {
        id: id.into(),
        title: title.into(),
        category: "news".into(),
        language: "vi".into(),
        author: "Phòng Văn hóa".into(),
        source: "UBND huyện Châu Thành".into(),
        // 2024-06-01 08:00 in Vietnam.
        published_at: Some(prost_types::Timestamp {
            seconds: 1_717_203_600,
            nanos: 0,
        }),
        body_markdown: body.into(),
        ..Default::default()
    }
}

/// Logs for tests (`RUST_LOG` to see them).
pub fn init_test_logging() {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_test_writer()
        .try_init();
}
