//! Pages as caches and browsers see them, from a real hub fed by real agents: validators
//! (ETag, Last-Modified) and `304 Not Modified`, HEAD, gzip and brotli when asked for (checked
//! by decoding them), Cache-Control a CDN can use, and a page cache that a publication only
//! touches where it lands: another tenant's publishing renders none of this tenant's item pages
//! again, a withdrawn item is gone at once, and the hub's own writes are not invalidated twice.

use std::io::Read;
use std::time::Duration;

use portal_testkit::{AgentProcess, Db, TestHub, item_markdown, wait_for};
use reqwest::header::{self, HeaderMap};

const T: Duration = Duration::from_secs(60);

/// A body long enough to be compressed.
fn long_body(words: &str) -> String {
    format!("{words}\n\n").repeat(40)
}

async fn get(
    hub: &TestHub,
    path: &str,
    headers: &[(header::HeaderName, &str)],
) -> (u16, HeaderMap, Vec<u8>) {
    request(hub, reqwest::Method::GET, path, headers).await
}

async fn request(
    hub: &TestHub,
    method: reqwest::Method,
    path: &str,
    headers: &[(header::HeaderName, &str)],
) -> (u16, HeaderMap, Vec<u8>) {
    let client = reqwest::Client::new();
    let mut req = client.request(method, format!("{}{path}", hub.http_base()));
    for (k, v) in headers {
        req = req.header(k.clone(), *v);
    }
    let resp = req.send().await.unwrap();
    let status = resp.status().as_u16();
    let h = resp.headers().clone();
    (status, h, resp.bytes().await.unwrap().to_vec())
}

fn h(headers: &HeaderMap, name: header::HeaderName) -> &str {
    headers
        .get(&name)
        .map(|v| v.to_str().unwrap())
        .unwrap_or_default()
}

fn gunzip(b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(b)
        .read_to_end(&mut out)
        .unwrap();
    out
}

fn unbrotli(b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    brotli::Decompressor::new(b, 4096)
        .read_to_end(&mut out)
        .unwrap();
    out
}

#[tokio::test]
async fn pages_revalidate_come_compressed_when_asked_and_tell_caches_how_long_to_keep_them() {
    let hub = TestHub::start(Db::Sqlite).await.unwrap();
    hub.add_tenant("skhdt", "Sở Kế hoạch và Đầu tư")
        .await
        .unwrap();
    let mut agent = AgentProcess::enroll(&hub, "skhdt").await.unwrap();
    let body = long_body("Ủy ban nhân dân tỉnh Bến Tre thông báo kế hoạch đầu tư công.");
    agent
        .write_file("ke-hoach.md", &item_markdown("ke-hoach", "Kế hoạch", &body))
        .unwrap();
    agent.start().unwrap();
    let path = "/t/skhdt/items/ke-hoach";
    wait_for("the item's page", T, || async {
        Ok((hub.get(path, None).await?.0 == 200).then_some(()))
    })
    .await
    .unwrap();

    // A plain request: the identity body with its validators and a policy for caches.
    let (status, plain, html) = get(&hub, path, &[]).await;
    assert_eq!(status, 200);
    let etag = h(&plain, header::ETAG).to_string();
    let modified = h(&plain, header::LAST_MODIFIED).to_string();
    assert!(
        etag.starts_with('"') && etag.ends_with('"'),
        "strong: {etag}"
    );
    let modified_at = httpdate::parse_http_date(&modified).unwrap();
    assert!(modified_at <= std::time::SystemTime::now());
    assert!(h(&plain, header::CACHE_CONTROL).contains("public"));
    assert!(h(&plain, header::CACHE_CONTROL).contains("max-age=60"));
    assert_eq!(h(&plain, header::VARY), "Accept-Encoding");
    assert!(plain.get(header::CONTENT_ENCODING).is_none());
    assert!(String::from_utf8_lossy(&html).contains("kế hoạch đầu tư công"));

    // If-None-Match, then If-Modified-Since; If-None-Match wins when both are sent.
    let inm = header::IF_NONE_MATCH;
    let ims = header::IF_MODIFIED_SINCE;
    let (s, hd, b) = get(&hub, path, &[(inm.clone(), &etag)]).await;
    assert_eq!((s, b.len()), (304, 0));
    assert_eq!(h(&hd, header::ETAG), etag);
    assert_eq!(h(&hd, header::LAST_MODIFIED), modified);
    let (s, _, b) = get(&hub, path, &[(ims.clone(), &modified)]).await;
    assert_eq!((s, b.len()), (304, 0));
    let a_day_earlier = httpdate::fmt_http_date(modified_at - Duration::from_secs(86_400));
    let (s, _, b) = get(&hub, path, &[(ims.clone(), &a_day_earlier)]).await;
    assert_eq!((s, b), (200, html.clone()));
    let (s, _, _) = get(&hub, path, &[(inm.clone(), "\"stale\""), (ims, &modified)]).await;
    assert_eq!(s, 200, "a tag that does not match wins over the date");

    // HEAD: the same headers, no body.
    let (s, head, b) = request(&hub, reqwest::Method::HEAD, path, &[]).await;
    assert_eq!((s, b.len()), (200, 0));
    assert_eq!(h(&head, header::ETAG), etag);
    assert_eq!(h(&head, header::CONTENT_LENGTH), html.len().to_string());
    let (s, _, _) = request(&hub, reqwest::Method::HEAD, path, &[(inm.clone(), &etag)]).await;
    assert_eq!(s, 304);

    // Compressed when asked for, by the reader's preference; decoded independently.
    let ae = header::ACCEPT_ENCODING;
    let (s, gz, b) = get(&hub, path, &[(ae.clone(), "gzip")]).await;
    assert_eq!(s, 200);
    assert_eq!(h(&gz, header::CONTENT_ENCODING), "gzip");
    assert_eq!(h(&gz, header::CONTENT_LENGTH), b.len().to_string());
    assert!(b.len() < html.len() / 2, "{} of {}", b.len(), html.len());
    assert_eq!(gunzip(&b), html);
    assert_ne!(h(&gz, header::ETAG), etag, "each coding its own strong tag");
    let (s, br, b) = get(&hub, path, &[(ae.clone(), "gzip, deflate, br")]).await;
    assert_eq!(s, 200);
    assert_eq!(h(&br, header::CONTENT_ENCODING), "br");
    assert_eq!(unbrotli(&b), html);
    let (_, refused, b) = get(&hub, path, &[(ae.clone(), "br;q=0, gzip")]).await;
    assert_eq!(h(&refused, header::CONTENT_ENCODING), "gzip");
    assert_eq!(gunzip(&b), html);
    let (_, none, b) = get(&hub, path, &[(ae.clone(), "gzip;q=0, br;q=0")]).await;
    assert!(none.get(header::CONTENT_ENCODING).is_none());
    assert_eq!(b, html);
    // A compressed copy revalidates with its own tag.
    let gz_tag = h(&gz, header::ETAG).to_string();
    let (s, _, _) = get(&hub, path, &[(ae, "gzip"), (inm, &gz_tag)]).await;
    assert_eq!(s, 304);

    // Feeds are kept longer, missing pages briefly, the health check not at all.
    let (_, feed, _) = get(&hub, "/t/skhdt/rss.xml", &[]).await;
    assert!(h(&feed, header::CACHE_CONTROL).contains("max-age=300"));
    let (s, missing, _) = get(&hub, "/t/skhdt/items/khong-co", &[]).await;
    assert_eq!(s, 404);
    assert_eq!(h(&missing, header::CACHE_CONTROL), "public, max-age=10");
    let (_, health, _) = get(&hub, "/healthz", &[]).await;
    assert_eq!(h(&health, header::CACHE_CONTROL), "no-store");
    agent.stop();
}

async fn a_publication_renders_again_only_the_pages_it_touches(db: Db) {
    let hub = TestHub::start(db).await.unwrap();
    hub.add_tenant("skhdt", "Sở Kế hoạch và Đầu tư")
        .await
        .unwrap();
    hub.add_tenant_of_kind("chauthanh", "UBND huyện Châu Thành", "district")
        .await
        .unwrap();
    let mut department = AgentProcess::enroll(&hub, "skhdt").await.unwrap();
    let mut district = AgentProcess::enroll(&hub, "chauthanh").await.unwrap();
    for i in 0..3 {
        department
            .write_file(
                &format!("tin-{i}.md"),
                &item_markdown(&format!("tin-{i}"), &format!("Tin sở {i}"), "Nội dung."),
            )
            .unwrap();
    }
    district
        .write_file(
            "tin-huyen-0.md",
            &item_markdown("tin-huyen-0", "Tin huyện 0", "Nội dung."),
        )
        .unwrap();
    department.start().unwrap();
    district.start().unwrap();
    let items: Vec<String> = (0..3).map(|i| format!("/t/skhdt/items/tin-{i}")).collect();
    wait_for("every item", T, || async {
        let mut ok = hub.get("/t/chauthanh/items/tin-huyen-0", None).await?.0 == 200;
        for p in &items {
            ok &= hub.get(p, None).await?.0 == 200;
        }
        Ok(ok.then_some(()))
    })
    .await
    .unwrap();
    let cache = &hub.running().state.cache;
    // Everything read once is cached: reading it again builds nothing.
    for p in items.iter().map(String::as_str).chain(["/t/skhdt/", "/"]) {
        hub.get(p, None).await.unwrap();
    }
    // The agents may still be sending their last entries (each one renders the lists again):
    // read until a whole round builds nothing, which must happen once they are done.
    let settled = std::sync::atomic::AtomicU64::new(cache.builds());
    wait_for("every page read once to be cached", T, || async {
        for p in items.iter().map(String::as_str).chain(["/t/skhdt/", "/"]) {
            hub.get(p, None).await?;
        }
        let now = cache.builds();
        Ok((settled.swap(now, std::sync::atomic::Ordering::SeqCst) == now).then_some(()))
    })
    .await
    .unwrap();
    let before = cache.builds();
    for p in items.iter().map(String::as_str).chain(["/t/skhdt/", "/"]) {
        hub.get(p, None).await.unwrap();
    }
    assert_eq!(cache.builds(), before, "all cached");

    // Another tenant publishes: it shows on its site and the front page at once, and none of
    // this tenant's pages is rendered again.
    district
        .write_file(
            "tin-huyen-1.md",
            &item_markdown("tin-huyen-1", "Tin huyện mới", "Nội dung."),
        )
        .unwrap();
    wait_for("the new item on the district's home page", T, || async {
        Ok((hub
            .get("/t/chauthanh/", None)
            .await?
            .1
            .contains("Tin huyện mới"))
        .then_some(()))
    })
    .await
    .unwrap();
    wait_for("the new item on the provincial front page", T, || async {
        Ok((hub.get("/", None).await?.1.contains("Tin huyện mới")).then_some(()))
    })
    .await
    .unwrap();
    // Past the follower's next look at the change feed (every 200 ms): the hub's own write
    // must not be invalidated a second time.
    tokio::time::sleep(Duration::from_millis(800)).await;
    let before = cache.builds();
    for p in items.iter().map(String::as_str).chain(["/t/skhdt/", "/"]) {
        hub.get(p, None).await.unwrap();
    }
    hub.get("/t/chauthanh/", None).await.unwrap();
    assert_eq!(
        cache.builds(),
        before,
        "no page rendered again: other tenants' pages untouched, own write not invalidated twice"
    );

    // This tenant changes one item: that item's page changes, its neighbours are not rendered.
    let (_, first) = hub.get(&items[1], None).await.unwrap();
    department
        .write_file(
            "tin-1.md",
            &item_markdown("tin-1", "Tin sở 1 đã sửa", "Nội dung mới."),
        )
        .unwrap();
    wait_for("the changed item", T, || async {
        Ok((hub
            .get(&items[1], None)
            .await?
            .1
            .contains("Tin sở 1 đã sửa"))
        .then_some(()))
    })
    .await
    .unwrap();
    assert!(first.contains("Tin sở 1"));
    let before = cache.builds();
    for p in [&items[0], &items[2]] {
        hub.get(p, None).await.unwrap();
    }
    assert_eq!(
        cache.builds(),
        before,
        "the other items' pages are untouched"
    );

    // A withdrawn item is gone at once: once its page says 410, it never says 200 again.
    std::fs::remove_file(department.content_dir().join("tin-2.md")).unwrap();
    wait_for("the withdrawn item's notice", T, || async {
        Ok((hub.get(&items[2], None).await?.0 == 410).then_some(()))
    })
    .await
    .unwrap();
    for _ in 0..20 {
        assert_eq!(hub.get(&items[2], None).await.unwrap().0, 410);
    }

    // A change made elsewhere (a new tenant, through the store): the follower sees it.
    hub.add_tenant("stc", "Sở Tài chính").await.unwrap();
    wait_for("the new tenant on the front page", T, || async {
        Ok((hub.get("/", None).await?.1.contains("Sở Tài chính")).then_some(()))
    })
    .await
    .unwrap();
    let (bytes, pages) = cache.usage().await;
    assert!(
        pages > 0 && bytes > 0 && bytes <= 64 * 1024 * 1024,
        "{bytes} bytes in {pages} pages"
    );
    department.stop();
    district.stop();
}

#[tokio::test]
async fn a_publication_renders_again_only_the_pages_it_touches_on_sqlite() {
    a_publication_renders_again_only_the_pages_it_touches(Db::Sqlite).await;
}

#[tokio::test]
async fn a_publication_renders_again_only_the_pages_it_touches_on_postgres() {
    a_publication_renders_again_only_the_pages_it_touches(Db::Postgres).await;
}
