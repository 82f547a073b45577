//! Readers who do what any anonymous visitor can: open every page in any order, ask for huge
//! histories, send HEAD, hold connections open without speaking.

use std::time::{Duration, Instant};

use portal_proto::v1::{PublishEntry, PublishRequest};
use portal_testkit::{AgentProcess, Db, TestHub, agent_client, news_item};

const DOMAIN: &str = "bentre.gov.vn";

/// Publishes `(seq, id, title, body)` entries as the agent; each must be accepted.
pub(crate) async fn publish(agent: &AgentProcess, entries: Vec<(u64, &str, String, String)>) {
    let mut client = agent_client(agent).await.unwrap();
    let req = PublishRequest {
        entries: entries
            .into_iter()
            .map(|(seq, id, title, body)| PublishEntry {
                seq,
                item: Some(news_item(id, &title, &body)),
            })
            .collect(),
    };
    let r = client.publish(req).await.unwrap().into_inner();
    assert!(
        r.results
            .iter()
            .all(|r| r.outcome() == portal_proto::v1::Outcome::Accepted),
        "{r:?}"
    );
}

/// Every page of both sites, each with something only that page shows: after any other page
/// was opened, each page is still itself (one cache entry per page, not one per site).
#[tokio::test]
async fn every_page_is_served_under_its_own_cache_entry_whatever_was_opened_before() {
    let hub = TestHub::start(Db::Sqlite).await.unwrap();
    hub.add_tenant("stc", "Sở Tài chính").await.unwrap();
    let agent = AgentProcess::enroll(&hub, "stc").await.unwrap();
    publish(
        &agent,
        vec![
            (
                1,
                "bai-a",
                "Bài A bản 1".into(),
                "Dòng một\nDòng hai".into(),
            ),
            (2, "bai-b", "Bài B".into(), "Nội dung B".into()),
        ],
    )
    .await;
    publish(
        &agent,
        vec![(3, "bai-a", "Bài A bản 2".into(), "Dòng một\nDòng 2".into())],
    )
    .await;
    publish(
        &agent,
        vec![(4, "bai-a", "Bài A bản 3".into(), "Dòng một\nDòng ba".into())],
    )
    .await;

    // (path, host, text only that page has)
    let tenant_host = format!("stc.{DOMAIN}");
    let mut pages: Vec<(String, String, &str)> = Vec::new();
    for (prefix, host) in [("", tenant_host.as_str()), ("/t/stc", "localhost")] {
        for (path, marker) in [
            ("/", "<h1>Sở Tài chính</h1>"),
            ("/items/bai-a", "Bài A bản 3</h1>"),
            ("/items/bai-b", "Bài B</h1>"),
            ("/items/bai-a/versions", "Lịch sử phiên bản</h1>"),
            ("/items/bai-a/diff/1/2", "So sánh phiên bản 1 và 2"),
            ("/items/bai-a/diff/2/3", "So sánh phiên bản 2 và 3"),
        ] {
            let path = if prefix.is_empty() {
                path.to_string()
            } else {
                format!("{prefix}{path}")
            };
            pages.push((path, host.to_string(), marker));
        }
    }
    pages.push(("/".into(), DOMAIN.into(), "Cổng thành phần</h2>"));
    pages.push(("/".into(), "localhost".into(), "Cổng thành phần</h2>"));
    let get = |path: String, host: String| {
        let hub = &hub;
        async move { hub.get(&path, Some(&host)).await.unwrap() }
    };
    for (i, (path, host, marker)) in pages.iter().enumerate() {
        for (j, (other, other_host, _)) in pages.iter().enumerate() {
            if i == j {
                continue;
            }
            get(other.clone(), other_host.clone()).await;
            let (status, body) = get(path.clone(), host.clone()).await;
            assert_eq!(status, 200, "{host}{path} after {other_host}{other}");
            assert!(
                body.contains(marker),
                "{host}{path} after {other_host}{other} is another page:\n{body}"
            );
        }
    }
    // Links on the tenant's own host stay relative; under /t/ they keep the prefix.
    let (_, hosted) = get("/".into(), tenant_host.clone()).await;
    assert!(hosted.contains("href=\"/items/bai-a\""), "{hosted}");
    let (_, local) = get("/t/stc/".into(), "localhost".into()).await;
    assert!(local.contains("href=\"/t/stc/items/bai-a\""), "{local}");
}

/// An item's history is served a page at a time without bodies: 120 versions of 20 KB make
/// three small pages, not one of 2.4 MB.
#[tokio::test]
async fn a_long_history_is_paged_and_carries_no_bodies() {
    let hub = TestHub::start(Db::Sqlite).await.unwrap();
    hub.add_tenant("stc", "Sở Tài chính").await.unwrap();
    let agent = AgentProcess::enroll(&hub, "stc").await.unwrap();
    for batch in 0..3u64 {
        let entries = (1..=40u64)
            .map(|i| {
                let n = batch * 40 + i;
                (
                    n,
                    "lich-su",
                    format!("Bản {n}"),
                    format!("thân bài {n} ").repeat(1_500),
                )
            })
            .collect();
        publish(&agent, entries).await;
    }
    let (status, first) = hub
        .get("/t/stc/items/lich-su/versions", None)
        .await
        .unwrap();
    assert_eq!(status, 200);
    assert!(first.len() < 60_000, "{} bytes", first.len());
    assert!(first.contains("Trang 1 / 3"), "{first}");
    assert_eq!(first.matches("<tr><td>").count(), 50);
    assert!(first.contains("versions?page=2"));
    assert!(!first.contains("thân bài"), "no bodies in the history");
    let (_, last) = hub
        .get("/t/stc/items/lich-su/versions?page=3", None)
        .await
        .unwrap();
    assert_eq!(last.matches("<tr><td>").count(), 20);
    assert!(last.contains("<tr><td>1</td>"));
    let (status, _) = hub
        .get("/t/stc/items/lich-su/versions?page=4", None)
        .await
        .unwrap();
    assert_eq!(status, 404);
}

/// HEAD gives a page's real length; every response, pages or not, carries the security
/// headers.
#[tokio::test]
async fn head_has_the_real_length_and_every_response_the_security_headers() {
    let hub = TestHub::start(Db::Sqlite).await.unwrap();
    hub.add_tenant("stc", "Sở Tài chính").await.unwrap();
    let agent = AgentProcess::enroll(&hub, "stc").await.unwrap();
    publish(&agent, vec![(1, "bai", "Bài".into(), "Nội dung".into())]).await;
    let client = reqwest::Client::new();
    let url = |p: &str| format!("{}{p}", hub.http_base());
    let get = client.get(url("/t/stc/items/bai")).send().await.unwrap();
    let body_len = get.bytes().await.unwrap().len();
    let head = client.head(url("/t/stc/items/bai")).send().await.unwrap();
    assert_eq!(head.status(), 200);
    assert_eq!(
        head.headers()["content-length"].to_str().unwrap(),
        body_len.to_string()
    );
    assert!(head.bytes().await.unwrap().is_empty());
    for (method, path, status) in [
        ("GET", "/healthz", 200),
        ("GET", "/nowhere", 404),
        ("GET", &format!("/media/{}", "a".repeat(64)) as &str, 404),
        ("GET", "/media/not-a-hash", 404),
        ("POST", "/", 405),
        ("GET", "/t/stc/items/bai", 200),
        ("GET", "/static/site.css", 200),
    ] {
        let r = client
            .request(method.parse().unwrap(), url(path))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), status, "{method} {path}");
        let h = r.headers();
        for name in [
            "x-content-type-options",
            "content-security-policy",
            "x-frame-options",
            "referrer-policy",
        ] {
            assert!(h.contains_key(name), "{method} {path} lacks {name}: {h:?}");
        }
    }
}

/// An item whose body is deeply nested quotes (stored before ingest refused such bodies) is
/// rendered off the runtime within a budget: while two readers ask for it, other pages and the
/// health check answer at once, and it is not rendered again for each request.
#[tokio::test]
async fn a_pathological_body_stalls_no_other_page_and_is_not_rendered_twice() {
    let hub = TestHub::start_with(Db::Sqlite, "render_budget = \"500ms\"")
        .await
        .unwrap();
    hub.add_tenant("stc", "Sở Tài chính").await.unwrap();
    let agent = AgentProcess::enroll(&hub, "stc").await.unwrap();
    publish(
        &agent,
        vec![(1, "binh-thuong", "Bình thường".into(), "Nội dung".into())],
    )
    .await;
    // Straight into the store, as an older hub would have accepted it. 8,000 levels: seconds
    // of CPU in a debug build for the renderer of that time, and far beyond any budget.
    let draft = portal_core::ItemDraft {
        id: "long-nhau".into(),
        title: "Lồng nhau".into(),
        category: "news".into(),
        language: "vi".into(),
        author: "Tác giả".into(),
        source: "Nguồn".into(),
        published_at_ms: 1_717_203_600_000,
        ..Default::default()
    };
    hub.store_unchecked(&agent, 10, draft, &"> ".repeat(8_000))
        .await
        .unwrap();
    // The hub notices a write it did not make itself through the change feed (every 500 ms);
    // let it, so that the page's cache key is settled before readers come.
    tokio::time::sleep(Duration::from_millis(1_200)).await;

    let slow = (0..2)
        .map(|_| {
            let url = format!("{}/t/stc/items/long-nhau", hub.http_base());
            tokio::spawn(async move {
                let start = Instant::now();
                let r = reqwest::get(url).await.unwrap();
                (r.status().as_u16(), start.elapsed())
            })
        })
        .collect::<Vec<_>>();
    tokio::time::sleep(Duration::from_millis(100)).await;
    for path in ["/healthz", "/t/stc/items/binh-thuong", "/"] {
        let start = Instant::now();
        let (status, _) = hub.get(path, None).await.unwrap();
        assert_eq!(status, 200, "{path}");
        assert!(
            start.elapsed() < Duration::from_secs(1),
            "{path} took {:?} while the nested item was being rendered",
            start.elapsed()
        );
    }
    for t in slow {
        let (status, took) = t.await.unwrap();
        assert!(
            took < Duration::from_secs(3),
            "the nested item took {took:?} ({status})"
        );
    }
    // Asked again: answered at once (from the cache, or from the memory of a failed render).
    let start = Instant::now();
    let (status, _) = hub.get("/t/stc/items/long-nhau", None).await.unwrap();
    assert!(
        start.elapsed() < Duration::from_millis(300),
        "{status}: {:?}",
        start.elapsed()
    );
}
