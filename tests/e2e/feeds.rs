//! Readers and crawlers follow the sites without visiting them: RSS and Atom feeds of the
//! province, of each tenant and of each category, sitemaps (an index when a site outgrows one
//! file) and robots.txt. What the hub serves is judged by parsers from another ecosystem
//! (Python's feedparser, and xmlschema with the sitemap protocol's own XML Schema, vendored in
//! `schemas/`), through `feeds_check.py`; a withdrawn item must leave all of them.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

use portal_core::UnixMillis;
use portal_proto::v1::{Outcome, PublishEntry, PublishRequest, WithdrawEntry, WithdrawRequest};
use portal_testkit::{AgentProcess, Db, TestHub, agent_client, item_markdown, wait_for};
use serde_json::Value;

const T: Duration = Duration::from_secs(30);
/// As the hub's `FEED_ITEMS`: the latest 50.
const FEED_ITEMS: usize = 50;
/// Files of 10 URLs, so that a site of a few dozen items needs an index.
const PER_FILE: usize = 10;
const RSS: &str = "application/rss+xml; charset=utf-8";
const ATOM: &str = "application/atom+xml; charset=utf-8";

/// An item the test published, and what every feed and sitemap must say about it.
#[derive(Debug, Clone)]
struct Published {
    slug: &'static str,
    id: String,
    title: String,
    category: &'static str,
    summary: Option<String>,
    published: UnixMillis,
}

impl Published {
    fn url(&self) -> String {
        format!("https://{}.bentre.gov.vn/items/{}", self.slug, self.id)
    }
}

/// The feeds a reader expects: `slug` `None` is the province (every item is approved here).
fn expected<'a>(
    all: &'a [Published],
    slug: Option<&str>,
    category: Option<&str>,
) -> Vec<&'a Published> {
    let mut v: Vec<&Published> = all
        .iter()
        .filter(|p| slug.is_none_or(|s| p.slug == s))
        .filter(|p| category.is_none_or(|c| p.category == c))
        .collect();
    v.sort_by_key(|p| std::cmp::Reverse(p.published));
    v.truncate(FEED_ITEMS);
    v
}

/// A response as a crawler sees it.
struct Fetched {
    status: u16,
    content_type: String,
    etag: Option<String>,
    body: String,
}

async fn fetch(hub: &TestHub, host: Option<&str>, path: &str) -> Fetched {
    let mut req = reqwest::Client::new().get(format!("{}{path}", hub.http_base()));
    if let Some(h) = host {
        req = req.header("host", h);
    }
    let resp = req.send().await.unwrap();
    let header = |name| {
        resp.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    Fetched {
        status: resp.status().as_u16(),
        content_type: header(reqwest::header::CONTENT_TYPE).unwrap_or_default(),
        etag: header(reqwest::header::ETAG),
        body: resp.text().await.unwrap(),
    }
}

/// Runs `feeds_check.py` (the parsers' verdicts as JSON).
async fn python(args: Vec<PathBuf>) -> Vec<Value> {
    let here = Path::new(env!("CARGO_MANIFEST_DIR")).join("e2e");
    let python = std::env::var_os("PYTHON").unwrap_or_else(|| "python3".into());
    let out = tokio::process::Command::new(&python)
        .arg(here.join("feeds_check.py"))
        .args(args)
        .output()
        .await
        .unwrap_or_else(|e| {
            panic!("{python:?} does not run ({e}): deploy/test-deps.sh installs Python's parsers")
        });
    assert!(
        out.status.success(),
        "feeds_check.py failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// One feed to fetch and what it must hold.
struct FeedCase {
    host: Option<&'static str>,
    path: &'static str,
    content_type: &'static str,
    slug: Option<&'static str>,
    category: Option<&'static str>,
}

fn feed(
    host: Option<&'static str>,
    path: &'static str,
    slug: Option<&'static str>,
    category: Option<&'static str>,
) -> FeedCase {
    let content_type = if path.ends_with("rss.xml") { RSS } else { ATOM };
    FeedCase {
        host,
        path,
        content_type,
        slug,
        category,
    }
}

/// Every feed of the three sites, in both link modes.
fn feed_cases() -> Vec<FeedCase> {
    let (province, stc) = (Some("bentre.gov.vn"), Some("stc.bentre.gov.vn"));
    vec![
        feed(province, "/rss.xml", None, None),
        feed(province, "/atom.xml", None, None),
        feed(
            province,
            "/categories/direction/rss.xml",
            None,
            Some("direction"),
        ),
        feed(province, "/categories/news/atom.xml", None, Some("news")),
        // The provincial portal reached by IP: the same feeds.
        feed(None, "/atom.xml", None, None),
        feed(stc, "/rss.xml", Some("stc"), None),
        feed(stc, "/atom.xml", Some("stc"), None),
        feed(
            stc,
            "/categories/direction/atom.xml",
            Some("stc"),
            Some("direction"),
        ),
        feed(stc, "/categories/news/rss.xml", Some("stc"), Some("news")),
        feed(None, "/t/stc/rss.xml", Some("stc"), None),
        feed(
            None,
            "/t/stc/categories/direction/atom.xml",
            Some("stc"),
            Some("direction"),
        ),
        feed(None, "/t/chauthanh/rss.xml", Some("chauthanh"), None),
        feed(None, "/t/chauthanh/atom.xml", Some("chauthanh"), None),
        feed(
            None,
            "/t/chauthanh/categories/direction/rss.xml",
            Some("chauthanh"),
            Some("direction"),
        ),
        feed(
            None,
            "/t/chauthanh/categories/news/atom.xml",
            Some("chauthanh"),
            Some("news"),
        ),
    ]
}

/// Fetches every feed, has feedparser read them, and checks each against what was published.
async fn check_feeds(hub: &TestHub, all: &[Published], dir: &Path) {
    let cases = feed_cases();
    let mut args = vec![PathBuf::from("feed")];
    let mut bodies = Vec::new();
    for (i, case) in cases.iter().enumerate() {
        let f = fetch(hub, case.host, case.path).await;
        assert_eq!(f.status, 200, "{} {:?}: {}", case.path, case.host, f.body);
        assert_eq!(f.content_type, case.content_type, "{}", case.path);
        assert!(f.etag.is_some(), "{} has no ETag", case.path);
        let file = dir.join(format!("feed-{i}.xml"));
        std::fs::write(&file, &f.body).unwrap();
        args.push(file);
        args.push(PathBuf::from(case.content_type));
        bodies.push(f.body);
    }
    // Links name the real hosts whichever host served the feed: the same document each way.
    let body = |path: &str, host: Option<&str>| {
        let i = cases
            .iter()
            .position(|c| c.path == path && c.host == host)
            .unwrap();
        &bodies[i]
    };
    assert_eq!(
        body("/rss.xml", Some("stc.bentre.gov.vn")),
        body("/t/stc/rss.xml", None)
    );
    assert_eq!(
        body("/atom.xml", Some("bentre.gov.vn")),
        body("/atom.xml", None)
    );

    let verdicts = python(args).await;
    assert_eq!(verdicts.len(), cases.len());
    for (case, v) in cases.iter().zip(&verdicts) {
        let what = format!("{} (host {:?})", case.path, case.host);
        assert_eq!(v["bozo"], 0, "{what}: feedparser: {}", v["bozo_exception"]);
        let version = if case.content_type == RSS {
            "rss20"
        } else {
            "atom10"
        };
        assert_eq!(v["version"], version, "{what}");
        let home = match case.slug {
            Some(s) => format!("https://{s}.bentre.gov.vn/"),
            None => "https://bentre.gov.vn/".to_string(),
        };
        assert_eq!(v["link"], home.as_str(), "{what}");
        assert!(v["title"].as_str().is_some_and(|t| !t.is_empty()), "{what}");
        let want = expected(all, case.slug, case.category);
        let entries = v["entries"].as_array().unwrap();
        assert_eq!(entries.len(), want.len(), "{what}: {v}");
        if case.content_type == ATOM {
            assert!(v["updated"].is_string(), "{what}: the feed is dated");
        }
        for (e, p) in entries.iter().zip(&want) {
            let url = p.url();
            assert_eq!(e["id"], url.as_str(), "{what}: id of {}", p.id);
            assert_eq!(e["link"], url.as_str(), "{what}: link of {}", p.id);
            assert_eq!(e["title"], p.title.as_str(), "{what}: title of {}", p.id);
            assert_eq!(
                e["published"],
                p.published.to_rfc3339().as_str(),
                "{what}: date of {}",
                p.id
            );
            assert_eq!(e["author"], "Phòng Văn hóa", "{what}");
            let tags = e["tags"].as_array().unwrap();
            assert_eq!(tags.len(), 1, "{what}: one category per entry");
            if case.content_type == ATOM {
                assert_eq!(tags[0], p.category, "{what}");
                assert!(e["updated"].is_string(), "{what}: entries are dated");
            }
            match &p.summary {
                Some(s) => assert_eq!(e["summary"], s.as_str(), "{what}: summary of {}", p.id),
                None => assert!(e["summary"].is_null(), "{what}: {e}"),
            }
        }
        let ids: BTreeSet<&str> = entries.iter().filter_map(|e| e["id"].as_str()).collect();
        assert_eq!(ids.len(), entries.len(), "{what}: ids are unique");
    }
}

/// A sitemap document fetched for validation: where it was found, and its file.
async fn fetch_sitemap(hub: &TestHub, host: Option<&str>, path: &str, file: PathBuf) -> PathBuf {
    let f = fetch(hub, host, path).await;
    assert_eq!(f.status, 200, "{path} {host:?}: {}", f.body);
    assert_eq!(f.content_type, "application/xml; charset=utf-8", "{path}");
    assert!(f.etag.is_some(), "{path}");
    std::fs::write(&file, f.body).unwrap();
    file
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap_or("").to_string())
        .collect()
}

/// Fetches every sitemap file (following the tenant's index), validates all of them against
/// the protocol's schema, and checks they list exactly the published items and home pages.
async fn check_sitemaps(hub: &TestHub, all: &[Published], dir: &Path) {
    let schemas = Path::new(env!("CARGO_MANIFEST_DIR")).join("e2e/schemas");
    let stc_host = Some("stc.bentre.gov.vn");
    let index = fetch_sitemap(hub, stc_host, "/sitemap.xml", dir.join("stc-index.xml")).await;
    let verdict = python(vec!["sitemap".into(), schemas.clone(), index]).await;
    let stc_items = all.iter().filter(|p| p.slug == "stc").count();
    let files = (stc_items + 1).div_ceil(PER_FILE);
    assert_eq!(verdict[0]["root"], "sitemapindex", "{}", verdict[0]);
    assert_eq!(verdict[0]["valid"], true, "{}", verdict[0]["errors"]);
    let listed = strings(&verdict[0]["locs"]);
    let want: Vec<String> = (1..=files)
        .map(|n| format!("https://stc.bentre.gov.vn/sitemap-{n}.xml"))
        .collect();
    assert_eq!(listed, want);

    // Every file the index names (by its path on the tenant's host), the other sites' sitemaps,
    // and the same file through /t/stc/: all validated in one run.
    let mut docs = vec!["sitemap".into(), schemas];
    for (n, loc) in listed.iter().enumerate() {
        let path = loc.strip_prefix("https://stc.bentre.gov.vn").unwrap();
        docs.push(fetch_sitemap(hub, stc_host, path, dir.join(format!("stc-{n}.xml"))).await);
    }
    docs.push(fetch_sitemap(hub, None, "/t/chauthanh/sitemap.xml", dir.join("ct.xml")).await);
    docs.push(
        fetch_sitemap(
            hub,
            Some("bentre.gov.vn"),
            "/sitemap.xml",
            dir.join("p.xml"),
        )
        .await,
    );
    docs.push(
        fetch_sitemap(
            hub,
            None,
            "/t/stc/sitemap-1.xml",
            dir.join("stc-path-1.xml"),
        )
        .await,
    );
    let verdicts = python(docs).await;
    for v in &verdicts {
        assert_eq!(v["root"], "urlset", "{v}");
        assert_eq!(v["valid"], true, "{}", v["errors"]);
        let locs = strings(&v["locs"]);
        assert!(!locs.is_empty() && locs.len() <= PER_FILE, "{v}");
        assert!(locs.iter().all(|l| l.starts_with("https://")), "{v}");
    }
    let urls_of = |slug: &str| -> BTreeSet<String> {
        all.iter()
            .filter(|p| p.slug == slug)
            .map(Published::url)
            .chain([format!("https://{slug}.bentre.gov.vn/")])
            .collect()
    };
    // The tenant's files together: every published item and the home page, each once, dated.
    let stc_files = &verdicts[..files];
    let mut seen = Vec::new();
    for v in stc_files {
        seen.extend(strings(&v["locs"]));
        assert!(
            strings(&v["lastmods"]).iter().all(|d| d.ends_with('Z')),
            "{v}"
        );
    }
    assert_eq!(seen[0], "https://stc.bentre.gov.vn/", "the home page first");
    assert_eq!(seen.len(), stc_items + 1, "no URL twice");
    assert_eq!(seen.into_iter().collect::<BTreeSet<_>>(), urls_of("stc"));
    let [ct, province, stc_path] = &verdicts[files..] else {
        panic!("{verdicts:?}")
    };
    assert_eq!(
        strings(&ct["locs"]).into_iter().collect::<BTreeSet<_>>(),
        urls_of("chauthanh")
    );
    assert_eq!(strings(&province["locs"]), ["https://bentre.gov.vn/"]);
    assert_eq!(stc_path["locs"], stc_files[0]["locs"]);
}

async fn check_robots(hub: &TestHub) {
    for (host, path, sitemap) in [
        (
            Some("bentre.gov.vn"),
            "/robots.txt",
            "https://bentre.gov.vn/sitemap.xml",
        ),
        (
            Some("stc.bentre.gov.vn"),
            "/robots.txt",
            "https://stc.bentre.gov.vn/sitemap.xml",
        ),
        (
            None,
            "/t/chauthanh/robots.txt",
            "https://chauthanh.bentre.gov.vn/sitemap.xml",
        ),
    ] {
        let f = fetch(hub, host, path).await;
        assert_eq!(f.status, 200, "{path}");
        assert_eq!(f.content_type, "text/plain; charset=utf-8");
        assert_eq!(
            f.body,
            format!("User-agent: *\nAllow: /\n\nSitemap: {sitemap}\n")
        );
    }
}

async fn check_everything(hub: &TestHub, all: &[Published]) {
    // Lists and feeds may be served stale for a moment after a change (while one request
    // renders them again); after `MAX_STALE` every one of them is current.
    tokio::time::sleep(portal_hub::web::cache::MAX_STALE + std::time::Duration::from_millis(100))
        .await;
    let dir = tempfile::tempdir().unwrap();
    check_feeds(hub, all, dir.path()).await;
    check_sitemaps(hub, all, dir.path()).await;
    check_robots(hub).await;
}

/// 2024-06-01 09:00 in Vietnam, and a minute more for each item.
fn at(minutes: i64) -> UnixMillis {
    UnixMillis::from_secs(1_717_207_200 + minutes * 60)
}

async fn feeds_and_sitemaps_pass_independent_parsers(db: Db) {
    let hub = TestHub::start_with(db, &format!("sitemap_urls_per_file = {PER_FILE}"))
        .await
        .unwrap();
    hub.add_tenant("stc", "Sở Tài chính & Đầu tư")
        .await
        .unwrap();
    hub.add_tenant("chauthanh", "UBND huyện Châu Thành")
        .await
        .unwrap();

    // Tenant stc: 58 items in one batch over the agent's mutual-TLS channel, more than a feed
    // holds, in two categories, one title full of markup and quotes, half with a summary.
    let stc = AgentProcess::enroll(&hub, "stc").await.unwrap();
    let mut client = agent_client(&stc).await.unwrap();
    let mut all: Vec<Published> = (0..58)
        .map(|i| Published {
            slug: "stc",
            id: format!("tin-{i:02}"),
            title: if i == 57 {
                "Ngân sách <dự toán> & \"2024\" — 'Bến Tre' </title>".to_string()
            } else {
                format!("Tin số {i} của Sở")
            },
            category: if i % 8 == 3 { "direction" } else { "news" },
            summary: (i % 2 == 0).then(|| format!("Tóm tắt <b>đậm</b> & \"trích\" số {i}")),
            published: at(i),
        })
        .collect();
    let entries = all
        .iter()
        .zip(1..)
        .map(|(p, seq)| PublishEntry {
            seq,
            item: Some(portal_proto::v1::Item {
                category: p.category.into(),
                summary: p.summary.clone().unwrap_or_default(),
                published_at: Some(prost_types::Timestamp {
                    seconds: p.published.as_secs(),
                    nanos: 0,
                }),
                ..portal_testkit::news_item(&p.id, &p.title, "Nội dung")
            }),
        })
        .collect();
    let r = client
        .publish(PublishRequest { entries })
        .await
        .unwrap()
        .into_inner();
    assert!(
        r.results.iter().all(|e| e.outcome() == Outcome::Accepted),
        "{:?}",
        r.results
    );

    // Tenant chauthanh: two files in a real agent's folder, newer than everything else.
    let mut ct = AgentProcess::enroll(&hub, "chauthanh").await.unwrap();
    for (id, title, category, date, published) in [
        (
            "le-hoi",
            "Lễ hội Dừa",
            "news",
            "2024-07-01T08:00:00+07:00",
            1_719_795_600,
        ),
        (
            "chi-dao",
            "Chỉ đạo phòng chống hạn mặn",
            "direction",
            "2024-07-02T08:00:00+07:00",
            1_719_882_000,
        ),
    ] {
        let md = item_markdown(id, title, "Nội dung")
            .replace("category: news", &format!("category: {category}"))
            .replace("2024-06-01T08:00:00+07:00", date);
        ct.write_file(&format!("{id}.md"), &md).unwrap();
        all.push(Published {
            slug: "chauthanh",
            id: id.into(),
            title: title.into(),
            category,
            summary: None,
            published: UnixMillis::from_secs(published),
        });
    }
    ct.start().unwrap();
    for id in ["le-hoi", "chi-dao"] {
        wait_for("the agent's items", T, || async {
            let (s, _) = hub.get(&format!("/t/chauthanh/items/{id}"), None).await?;
            Ok((s == 200).then_some(()))
        })
        .await
        .unwrap_or_else(|e| panic!("{e}\n{}", ct.log()));
    }

    check_everything(&hub, &all).await;

    // Feeds are pages like any other: HEAD gives the length without the body, and a reader
    // holding the current version gets 304.
    let url = format!("{}/t/stc/atom.xml", hub.http_base());
    let get = fetch(&hub, None, "/t/stc/atom.xml").await;
    let head = reqwest::Client::new().head(&url).send().await.unwrap();
    assert_eq!(head.status(), 200);
    assert_eq!(
        head.headers()[reqwest::header::CONTENT_LENGTH],
        get.body.len().to_string().as_str()
    );
    assert_eq!(head.headers()[reqwest::header::CONTENT_TYPE], ATOM);
    assert!(head.text().await.unwrap().is_empty());
    let etag = get.etag.unwrap();
    let again = reqwest::Client::new()
        .get(&url)
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);

    // Unknown categories, tenants and sitemap files are 404.
    for (host, path) in [
        (None, "/categories/khong-co/rss.xml"),
        (None, "/t/stc/categories/khong-co/atom.xml"),
        (None, "/t/khong-co/rss.xml"),
        (None, "/t/khong-co/sitemap.xml"),
        (None, "/t/khong-co/robots.txt"),
        (Some("khongco.bentre.gov.vn"), "/atom.xml"),
        (None, "/t/stc/sitemap-0.xml"),
        (None, "/t/stc/sitemap-01.xml"),
        (None, "/t/stc/sitemap-7.xml"),
        (None, "/t/stc/sitemap-x.xml"),
        (None, "/sitemap-2.xml"),
    ] {
        assert_eq!(fetch(&hub, host, path).await.status, 404, "{path} {host:?}");
    }

    // Withdrawn items (one over gRPC, one by deleting its file) leave every feed and sitemap:
    // the next item moves up into the site's feed, and the sitemap lists one URL fewer.
    let r = client
        .withdraw(WithdrawRequest {
            entries: vec![WithdrawEntry {
                seq: 59,
                item_id: "tin-57".into(),
                reason: "nhầm số liệu".into(),
            }],
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(r.results[0].outcome(), Outcome::Accepted);
    std::fs::remove_file(ct.content_dir().join("le-hoi.md")).unwrap();
    wait_for("the withdrawal of le-hoi", T, || async {
        let (s, _) = hub.get("/t/chauthanh/items/le-hoi", None).await?;
        Ok((s == 410).then_some(()))
    })
    .await
    .unwrap_or_else(|e| panic!("{e}\n{}", ct.log()));
    all.retain(|p| p.id != "tin-57" && p.id != "le-hoi");
    check_everything(&hub, &all).await;
    let (_, feed) = hub.get("/t/stc/rss.xml", None).await.unwrap();
    assert!(
        !feed.contains("tin-57") && feed.contains("tin-07"),
        "{feed}"
    );
    ct.stop();
}

#[tokio::test]
async fn feeds_and_sitemaps_pass_independent_parsers_on_sqlite() {
    feeds_and_sitemaps_pass_independent_parsers(Db::Sqlite).await;
}

#[tokio::test]
async fn feeds_and_sitemaps_pass_independent_parsers_on_postgres() {
    feeds_and_sitemaps_pass_independent_parsers(Db::Postgres).await;
}
