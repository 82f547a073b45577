//! Readers search what agents publish, on SQLite and on PostgreSQL: without diacritics, in
//! decomposed Unicode, by a decision's number; within a tenant's site or across the province
//! with filters; a deleted file leaves the results; bad queries get a clear page, never a 500;
//! a restarted hub resumes its index, and one without an index builds it from the store.

use std::time::{Duration, Instant};

use portal_testkit::{AgentProcess, Db, TestHub, item_markdown, wait_for};
use scraper::{Html, Selector};

const T: Duration = Duration::from_secs(60);

/// Percent-encodes a query parameter value (every byte but ASCII letters and digits).
fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// The item links of a results page, in rank order.
fn hits(page: &str) -> Vec<String> {
    let doc = Html::parse_document(page);
    let a = Selector::parse("ol.results li h3 a").unwrap();
    doc.select(&a)
        .filter_map(|e| e.value().attr("href"))
        .map(|h| h.rsplit('/').next().unwrap_or_default().to_string())
        .collect()
}

fn project() -> String {
    serde_json::json!({
        "id": "du-an-dien-gio",
        "title": "Dự án điện gió ven biển Thạnh Hải",
        "category": "investment-project",
        "language": "vi",
        "author": "Phòng Kinh tế ngành",
        "source": "Sở Kế hoạch và Đầu tư tỉnh Bến Tre",
        "published_at": "2024-05-10T08:00:00+07:00",
        "record": {
            "name": "Điện gió Thạnh Hải",
            "objective": "Phát triển năng lượng tái tạo ở Bến Tre.",
            "field": "Năng lượng",
            "project_type": "Dự án nhóm A",
            "start_date": "2024-01-01",
            "budget_million_vnd": "5000",
            "funding_type": "state_budget",
            "status": "in_progress",
            "approval_date": "2019-03-15",
            "decision_number": "03/2019/QĐ-UBND",
        }
    })
    .to_string()
}

/// A provincial decision (a legal document, whose record names its full text: a PDF the agent
/// uploads first).
fn legal_document(pdf_digest: &str) -> String {
    format!(
        "---\nid: qd-07-2024\ntitle: \"Quyết định quy định mức thu phí thẩm định hồ sơ\"\n\
         category: legal-document\nlanguage: vi\nauthor: Văn phòng Sở\nsource: Ủy ban nhân dân tỉnh\n\
         published_at: 2024-04-02T08:00:00+07:00\nrecord:\n  document_form: quyet_dinh\n\
         \x20 issuer: Ủy ban nhân dân tỉnh\n  number_symbol: \"07/2024/QĐ-UBND\"\n\
         \x20 issue_date: \"2024-04-02\"\n  effective_date: \"2024-05-01\"\n\
         \x20 summary: \"Mức thu phí thẩm định hồ sơ\"\n  field: \"Phí, lệ phí\"\n\
         \x20 file: \"{pdf_digest}\"\n---\n[Toàn văn (PDF)](van-ban.pdf)\n"
    )
}

async fn search(hub: &TestHub, path: &str) -> (u16, String) {
    hub.get(path, None)
        .await
        .unwrap_or_else(|e| panic!("GET {path}: {e}"))
}

async fn readers_find_what_agents_publish(db: Db) {
    let hub = TestHub::start(db).await.unwrap();
    hub.add_tenant("skhdt", "Sở Kế hoạch và Đầu tư")
        .await
        .unwrap();
    hub.add_tenant_of_kind("chauthanh", "UBND huyện Châu Thành", "district")
        .await
        .unwrap();
    let mut department = AgentProcess::enroll(&hub, "skhdt").await.unwrap();
    let mut district = AgentProcess::enroll(&hub, "chauthanh").await.unwrap();
    department
        .write_file(
            "thu-hut-dau-tu.md",
            &item_markdown(
                "thu-hut-dau-tu",
                "Thu hút đầu tư vào Bến Tre",
                "Tỉnh **Bến Tre** kêu gọi đầu tư vào năng lượng tái tạo và chế biến dừa.",
            ),
        )
        .unwrap();
    department.write_file("du-an.json", &project()).unwrap();
    let pdf = b"%PDF-1.7\n% quyet dinh\n%%EOF\n".to_vec();
    let digest = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&pdf));
    std::fs::write(department.content_dir().join("van-ban.pdf"), &pdf).unwrap();
    department
        .write_file("qd-07-2024.md", &legal_document(&digest))
        .unwrap();
    district
        .write_file(
            "le-hoi-dua.md",
            &item_markdown(
                "le-hoi-dua",
                "Lễ hội dừa Châu Thành",
                "Lễ hội dừa diễn ra tại huyện, thu hút đầu tư vào du lịch Bến Tre.",
            ),
        )
        .unwrap();
    for i in 0..12 {
        district
            .write_file(
                &format!("nuoc-sach-{i:02}.md"),
                &item_markdown(
                    &format!("nuoc-sach-{i:02}"),
                    &format!("Thông báo số {i} về cấp nước sạch"),
                    "Lịch tạm ngưng cấp nước sạch tại xã.",
                ),
            )
            .unwrap();
    }
    department.start().unwrap();
    district.start().unwrap();

    // Without diacritics, as soon as it is published.
    let page = wait_for("the item in the results", T, || async {
        let (s, p) = hub.get("/search?q=thu+hut+dau+tu", None).await?;
        assert_eq!(s, 200, "{p}");
        Ok(hits(&p)
            .contains(&"thu-hut-dau-tu".to_string())
            .then_some(p))
    })
    .await
    .unwrap_or_else(|e| panic!("{e}\n{}\n{}", department.log(), district.log()));
    assert_eq!(
        hits(&page)[0],
        "thu-hut-dau-tu",
        "the title match ranks first"
    );
    assert!(
        page.contains("<mark>đầu</mark> <mark>tư</mark>"),
        "matched words highlighted: {page}"
    );
    assert!(page.contains("Sở Kế hoạch và Đầu tư"), "the unit is named");
    // The header's search box sends `q` to this page.
    assert!(page.contains("action=\"/search\""), "{page}");
    assert!(page.contains("name=\"q\""));

    wait_for("all three items", T, || async {
        let (_, p) = hub.get("/search?q=ben+tre", None).await?;
        Ok((hits(&p).len() == 3).then_some(()))
    })
    .await
    .unwrap();
    // Decomposed Unicode (NFD) finds composed text.
    let (s, p) = search(
        &hub,
        &format!(
            "/search?q={}",
            enc("Le\u{0302}\u{0303} ho\u{0323}\u{0302}i dư\u{0300}a")
        ),
    )
    .await;
    assert_eq!((s, hits(&p)), (200, vec!["le-hoi-dua".to_string()]), "{p}");
    // A decision found by its number/symbol, and by other spellings of it.
    for q in ["03/2019/QĐ-UBND", "03/2019/qd-ubnd", "\"03 2019 QD UBND\""] {
        let (s, p) = search(&hub, &format!("/search?q={}", enc(q))).await;
        assert_eq!(
            (s, hits(&p)),
            (200, vec!["du-an-dien-gio".to_string()]),
            "{q}: {p}"
        );
    }

    // A legal document by its number/symbol.
    let p = wait_for("the legal document by its number", T, || async {
        let (s, p) = hub
            .get(&format!("/search?q={}", enc("07/2024/QĐ-UBND")), None)
            .await?;
        assert_eq!(s, 200, "{p}");
        Ok((!hits(&p).is_empty()).then_some(p))
    })
    .await
    .unwrap_or_else(|e| panic!("{e}\n{}", department.log()));
    assert_eq!(hits(&p), ["qd-07-2024"], "{p}");

    // A tenant's site searches only its own items, by path and by host.
    let (_, p) = search(&hub, "/t/chauthanh/search?q=dau+tu").await;
    assert_eq!(hits(&p), ["le-hoi-dua"], "{p}");
    let (_, p) = hub
        .get("/search?q=ben+tre", Some("chauthanh.bentre.gov.vn"))
        .await
        .unwrap();
    assert_eq!(hits(&p), ["le-hoi-dua"], "{p}");
    let (_, p) = search(&hub, "/t/skhdt/search?q=le+hoi+dua").await;
    assert!(hits(&p).is_empty(), "{p}");
    // Filters on the provincial site: unit, category, dates (all of June 1 and May 10).
    let (_, p) = search(&hub, "/search?q=ben+tre&tenant=chauthanh").await;
    assert_eq!(hits(&p), ["le-hoi-dua"]);
    let (_, p) = search(&hub, "/search?q=ben+tre&category=investment-project").await;
    assert_eq!(hits(&p), ["du-an-dien-gio"]);
    let (_, p) = search(&hub, "/search?q=ben+tre&from=2024-05-01&to=2024-05-31").await;
    assert_eq!(hits(&p), ["du-an-dien-gio"]);
    let (_, p) = search(&hub, "/search?q=ben+tre&from=2024-06-01&to=2024-06-01").await;
    assert_eq!(hits(&p).len(), 2, "{p}");
    // Paging: 10 results a page, the rest on the next, each once.
    wait_for("twelve notices", T, || async {
        let (_, p) = hub.get("/search?q=nuoc+sach", None).await?;
        Ok(p.contains("12 kết quả").then_some(()))
    })
    .await
    .unwrap();
    let (_, first) = search(&hub, "/search?q=nuoc+sach").await;
    let next = Html::parse_document(&first)
        .select(&Selector::parse("a[rel=next]").unwrap())
        .next()
        .and_then(|a| a.value().attr("href").map(str::to_string))
        .expect("a link to the next page");
    assert_eq!(next, "/search?q=nuoc+sach&page=2");
    let (_, second) = search(&hub, &next).await;
    let mut all = hits(&first);
    assert_eq!(all.len(), 10);
    all.extend(hits(&second));
    all.sort();
    all.dedup();
    assert_eq!(all.len(), 12, "{all:?}");
    assert!(
        second.contains("<ol class=\"results\" start=\"11\">"),
        "{second}"
    );
    // English interface.
    let (s, p) = search(&hub, "/en/search?q=dau+tu").await;
    assert_eq!(s, 200);
    assert!(p.contains("Search results for"), "{p}");
    let (s, p) = search(&hub, "/en/t/chauthanh/search?q=dau+tu").await;
    assert_eq!((s, hits(&p)), (200, vec!["le-hoi-dua".to_string()]));

    // Bad queries: a clear page each, never a 500.
    let long = "a".repeat(10 * 1024);
    let bad_words = enc("AND OR (");
    for (path, status, says) in [
        ("/search".to_string(), 200, "Nhập từ khóa để tìm"),
        ("/search?q=".to_string(), 200, "Nhập từ khóa để tìm"),
        ("/search?q=+++".to_string(), 200, "Nhập từ khóa để tìm"),
        (
            format!("/search?q={long}"),
            400,
            "Từ khóa quá dài (10240 ký tự)",
        ),
        (
            format!("/search?q={}", enc("\"unbalanced")),
            200,
            "Dấu ngoặc kép chưa đóng",
        ),
        (format!("/search?q={bad_words}"), 400, "không có chữ hay số"),
        (
            format!("/search?q={}", enc("(((")),
            400,
            "không có chữ hay số",
        ),
        (
            format!("/search?q={}", enc("dừa\u{0000}\u{0007}\u{001b}")),
            200,
            "ký tự điều khiển",
        ),
        (
            "/search?q=dua&from=2024-99-01".to_string(),
            400,
            "Bộ lọc “from” không hợp lệ",
        ),
        (
            "/search?q=dua&category=%3Cscript%3E".to_string(),
            400,
            "Bộ lọc “category”",
        ),
        ("/search?q=dua&page=abc".to_string(), 400, "Bộ lọc “page”"),
        (
            "/en/search?q=%22%22".to_string(),
            400,
            "no letters or digits",
        ),
    ] {
        let (s, p) = search(&hub, &path).await;
        assert_eq!(s, status, "{path}: {p}");
        assert!(p.contains(says), "{path} should say {says:?}: {p}");
        assert!(
            p.contains("<form") && p.contains("id=\"s-q\""),
            "the form to try again"
        );
        assert!(
            !p.contains(&long[..300]),
            "a 10 KB query is not echoed whole"
        );
    }

    // Deleting the file withdraws the item; it leaves the results.
    std::fs::remove_file(department.content_dir().join("thu-hut-dau-tu.md")).unwrap();
    wait_for("the withdrawal at the hub", T, || async {
        let (s, _) = hub.get("/t/skhdt/items/thu-hut-dau-tu", None).await?;
        Ok((s == 410).then_some(()))
    })
    .await
    .unwrap();
    let withdrawn = Instant::now();
    wait_for(
        "the item out of the results",
        Duration::from_secs(5),
        || async {
            let (_, p) = hub.get("/search?q=thu+hut+dau+tu", None).await?;
            Ok((!hits(&p).contains(&"thu-hut-dau-tu".to_string())).then_some(()))
        },
    )
    .await
    .unwrap();
    assert!(
        withdrawn.elapsed() < Duration::from_secs(1),
        "left the results {:?} after the withdrawal",
        withdrawn.elapsed()
    );
    // The district's item that also matches is still found.
    let (_, p) = search(&hub, "/search?q=thu+hut+dau+tu").await;
    assert_eq!(hits(&p), ["le-hoi-dua"]);
    department.stop();
    district.stop();

    // A restarted hub resumes its index; one whose index is gone builds it from the store.
    let mut hub = hub;
    hub.stop().await;
    hub.start_again().await.unwrap();
    let (_, p) = search(&hub, "/search?q=ben+tre").await;
    assert_eq!(hits(&p).len(), 2, "resumed at once: {p}");
    hub.stop().await;
    std::fs::remove_dir_all(hub.config.data_dir.join("search")).unwrap();
    hub.start_again().await.unwrap();
    wait_for("the index rebuilt from the store", T, || async {
        let (_, p) = hub.get("/search?q=ben+tre", None).await?;
        Ok((hits(&p).len() == 2).then_some(()))
    })
    .await
    .unwrap();
    let (_, p) = search(&hub, "/search?q=thu+hut+dau+tu").await;
    assert_eq!(hits(&p), ["le-hoi-dua"], "the withdrawn item stays out");
}

#[tokio::test]
async fn search_finds_published_items_and_drops_withdrawn_ones_on_sqlite() {
    readers_find_what_agents_publish(Db::Sqlite).await;
}

#[tokio::test]
async fn search_finds_published_items_and_drops_withdrawn_ones_on_postgres() {
    readers_find_what_agents_publish(Db::Postgres).await;
}
