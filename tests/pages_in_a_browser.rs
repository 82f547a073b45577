//! Pages as a reader's browser sees them: headless Chromium loads an item page whose body is
//! full of script-injection attempts; none of them may run.

use std::path::PathBuf;
use std::time::Duration;

use portal_proto::v1::{Item, Outcome, PublishEntry, PublishRequest};
use portal_testkit::{AgentProcess, Db, TestHub, agent_client};

fn chromium() -> PathBuf {
    let p = std::env::var_os("CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| "/usr/bin/chromium".into());
    assert!(
        p.exists(),
        "{} not found: install Debian's chromium (.ci/run does) or set CHROMIUM",
        p.display()
    );
    p
}

/// Loads `url` in headless Chromium, lets scripts run, and returns the resulting DOM.
async fn rendered_dom(url: &str) -> String {
    let profile = tempfile::tempdir().unwrap();
    let out = tokio::time::timeout(
        Duration::from_secs(60),
        tokio::process::Command::new(chromium())
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--virtual-time-budget=3000",
                "--dump-dom",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg(url)
            .output(),
    )
    .await
    .expect("chromium timed out")
    .expect("chromium runs");
    assert!(
        out.status.success(),
        "chromium failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).to_string()
}

const ATTACKS: &str = r#"Bài viết có nội dung độc hại.

<script>document.title='PWNED-script'</script>

<img src="x" onerror="document.body.setAttribute('data-x','PWNED-onerror')">

<svg onload="document.title='PWNED-svg'"><script>document.title='PWNED-svg-script'</script></svg>

<iframe srcdoc="<script>parent.document.title='PWNED-iframe'</script>"></iframe>

<details open ontoggle="document.title='PWNED-toggle'"><summary>x</summary></details>

<object data="javascript:document.title='PWNED-object'"></object>

<a href="javascript:document.title='PWNED-link'">liên kết</a>

<style>body { display: none }</style>

<math><mtext><table><mglyph><style><img src=x onerror="document.title='PWNED-math'">

[markdown link](javascript:document.title='PWNED-md')
"#;

#[tokio::test]
async fn item_page_shows_vietnamese_text_and_runs_no_script_from_the_item() {
    let hub = TestHub::start(Db::Sqlite).await.unwrap();
    hub.add_tenant("thanhphu", "UBND huyện Thạnh Phú")
        .await
        .unwrap();
    let agent = AgentProcess::enroll(&hub, "thanhphu").await.unwrap();
    let mut client = agent_client(&agent).await.unwrap();
    let resp = client
        .publish(PublishRequest {
            entries: vec![PublishEntry {
                seq: 1,
                item: Some(Item {
                    id: "tan-cong".into(),
                    title: "Ủy ban nhân dân huyện Thạnh Phú thông báo".into(),
                    category: "news".into(),
                    language: "vi".into(),
                    author: "Văn phòng HĐND và UBND huyện".into(),
                    source: "UBND huyện Thạnh Phú".into(),
                    published_at: Some(prost_types::Timestamp {
                        seconds: 1_717_200_000,
                        nanos: 0,
                    }),
                    body_markdown: ATTACKS.into(),
                    ..Default::default()
                }),
            }],
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(resp.results[0].outcome(), Outcome::Accepted);

    let dom = rendered_dom(&format!("{}/t/thanhphu/items/tan-cong", hub.http_base())).await;
    assert!(dom.contains("<html lang=\"vi\">"), "{dom}");
    assert!(
        dom.contains("<title>Ủy ban nhân dân huyện Thạnh Phú thông báo"),
        "{dom}"
    );
    assert!(
        dom.contains("Bài viết có nội dung độc hại."),
        "the text itself is shown: {dom}"
    );
    assert!(dom.contains("UBND huyện Thạnh Phú"), "source shown");
    assert!(
        !dom.contains("PWNED"),
        "a script from the item ran or survived:\n{dom}"
    );
    assert!(!dom.contains("javascript:"), "{dom}");
    assert!(
        !dom.contains("<iframe") && !dom.contains("<object") && !dom.contains("<svg"),
        "{dom}"
    );

    // The front page in the browser lists the item with its Vietnamese title.
    let front = rendered_dom(&format!("{}/", hub.http_base())).await;
    assert!(
        front.contains("Ủy ban nhân dân huyện Thạnh Phú thông báo"),
        "{front}"
    );
    assert!(!front.contains("PWNED"));
}
