//! The public portal as readers use it, with a real agent publishing a department's and a
//! district's content to a real hub, on SQLite and on PostgreSQL: from the home page to every
//! category, article lists paged, record tables filtered, sorted and paged with GET forms,
//! downloads that hold the rows of the table, the leaders' schedule by week, the English
//! interface, error pages in the layout and the metadata of an item.

use std::collections::BTreeSet;
use std::time::Duration;

use chrono::{Datelike, Duration as Days};
use portal_core::category::Registry;
use portal_testkit::{AgentProcess, Db, TestHub, item_markdown, wait_for};
use scraper::{ElementRef, Html, Selector};

const T: Duration = Duration::from_secs(60);
const PROJECTS: usize = 30;
const NEWS: usize = 25;

fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap()
}

fn text(e: ElementRef) -> String {
    e.text().collect::<String>().trim().to_string()
}

/// The rows of the first listing table: the text of each cell (header cell first).
fn table_rows(page: &str) -> Vec<Vec<String>> {
    let doc = Html::parse_document(page);
    let row = sel("table.listing tbody tr");
    let cell = sel("th, td");
    doc.select(&row)
        .map(|r| r.select(&cell).map(text).collect())
        .collect()
}

fn links(page: &str) -> BTreeSet<String> {
    let doc = Html::parse_document(page);
    doc.select(&sel("a[href]"))
        .filter_map(|a| a.value().attr("href").map(str::to_string))
        .collect()
}

fn h1(page: &str) -> String {
    let doc = Html::parse_document(page);
    doc.select(&sel("h1")).next().map(text).unwrap_or_default()
}

const STATUSES: [&str; 3] = ["preparing", "in_progress", "completed"];
const FIELDS: [&str; 3] = ["Giao thông vận tải", "Y tế", "Giáo dục và Đào tạo"];

fn project(i: usize) -> String {
    serde_json::json!({
        "id": format!("du-an-{i:02}"),
        "title": format!("Dự án số {i:02}"),
        "category": "investment-project",
        "language": "vi",
        "author": "Phòng Kinh tế ngành",
        "source": "Sở Kế hoạch và Đầu tư tỉnh Bến Tre",
        "published_at": format!("2024-05-{:02}T08:00:00+07:00", 1 + i % 28),
        "record": {
            "name": format!("Dự án số {i:02}, đường \"huyện\", cầu"),
            "objective": "Nâng cấp hạ tầng.",
            "field": FIELDS[i % 3],
            "project_type": "Dự án nhóm C",
            "start_date": "2024-01-01",
            "budget_million_vnd": format!("{}.5", 1000 + i * 37 % 101 * 13),
            "funding_type": "state_budget",
            "status": STATUSES[i % 3],
            "approval_date": format!("{}-03-15", 2022 + i % 3),
        }
    })
    .to_string()
}

fn schedule(id: &str, day: chrono::NaiveDate, time: &str, content: &str) -> String {
    serde_json::json!({
        "id": id,
        "title": format!("Lịch công tác {day}"),
        "category": "leader-schedule",
        "language": "vi",
        "author": "Văn phòng",
        "source": "UBND huyện Châu Thành",
        "published_at": "2024-05-01T08:00:00+07:00",
        "record": {
            "date": day.format("%Y-%m-%d").to_string(),
            "time": time,
            "leader": "Chủ tịch UBND huyện",
            "content": content,
            "place": "Hội trường UBND huyện",
        }
    })
    .to_string()
}

async fn the_portal_as_readers_use_it(db: Db) {
    let hub = TestHub::start(db).await.unwrap();
    hub.add_tenant("skhdt", "Sở Kế hoạch và Đầu tư")
        .await
        .unwrap();
    hub.add_tenant_of_kind("chauthanh", "UBND huyện Châu Thành", "district")
        .await
        .unwrap();
    let mut department = AgentProcess::enroll(&hub, "skhdt").await.unwrap();
    for i in 0..PROJECTS {
        department
            .write_file(&format!("du-an-{i:02}.json"), &project(i))
            .unwrap();
    }
    let mut district = AgentProcess::enroll(&hub, "chauthanh").await.unwrap();
    for i in 0..NEWS {
        let md = item_markdown(
            &format!("tin-{i:02}"),
            &format!("Tin số {i:02}"),
            "Nội dung.",
        )
        .replace("2024-06-01T08:00", &format!("2024-06-{:02}T08:00", 1 + i));
        district.write_file(&format!("tin-{i:02}.md"), &md).unwrap();
    }
    let today = chrono::Utc::now()
        .with_timezone(&chrono::FixedOffset::east_opt(7 * 3600).unwrap())
        .date_naive();
    let monday = today - Days::days(i64::from(today.weekday().num_days_from_monday()));
    district
        .write_file(
            "lich-1.json",
            &schedule(
                "lich-1",
                monday + Days::days(1),
                "08:00",
                "Họp giao ban tuần này",
            ),
        )
        .unwrap();
    district
        .write_file(
            "lich-2.json",
            &schedule(
                "lich-2",
                monday + Days::days(8),
                "14:00",
                "Tiếp công dân tuần sau",
            ),
        )
        .unwrap();
    department.start().unwrap();
    district.start().unwrap();
    wait_for("every item on the provincial portal", T, || async {
        let (_, p) = hub.get("/categories/investment-project", None).await?;
        let (_, n) = hub.get("/t/chauthanh/categories/news", None).await?;
        let (_, s) = hub
            .get(
                &format!(
                    "/categories/leader-schedule?week={}",
                    monday + Days::days(7)
                ),
                None,
            )
            .await?;
        Ok((p.contains(&format!("{PROJECTS} dòng"))
            && n.contains(&format!("{NEWS} mục"))
            && s.contains("Tiếp công dân"))
        .then_some(()))
    })
    .await
    .unwrap_or_else(|e| panic!("{e}\n{}\n{}", department.log(), district.log()));

    // From the home page, every category of the registry is one link away, and each answers
    // with its own page.
    let (status, home) = hub.get("/", None).await.unwrap();
    assert_eq!(status, 200);
    let home_links = links(&home);
    for c in &Registry::builtin().categories {
        let href = format!("/categories/{}", c.code);
        assert!(
            home_links.contains(&href),
            "no link to {href} on the home page"
        );
        let (status, page) = hub.get(&href, None).await.unwrap();
        assert_eq!(status, 200, "{href}");
        assert_eq!(h1(&page), c.name_vi, "{href}");
    }
    // The menu reaches the mandatory pages and the home page shows this week's schedule and
    // the component portals grouped by kind.
    for href in [
        "/categories/organisation",
        "/categories/news",
        "/categories/legal-document",
        "/categories/public-service",
        "/hoi-dap",
        "/so-do-cong",
        "/lien-he",
        "/en/",
    ] {
        assert!(home_links.contains(href), "{href} not in the menu");
        assert_eq!(hub.get(href, None).await.unwrap().0, 200, "{href}");
    }
    assert!(
        home.contains("Họp giao ban tuần này"),
        "this week's schedule"
    );
    assert!(
        !home.contains("Tiếp công dân tuần sau"),
        "next week's is not this week's"
    );
    let doc = Html::parse_document(&home);
    let groups: Vec<String> = doc
        .select(&sel("#cong-thanh-phan ~ h3"))
        .map(text)
        .collect();
    assert_eq!(groups, ["Sở, ban, ngành", "Huyện, thành phố"]);

    // The schedule page walks week by week.
    let (_, week) = hub.get("/categories/leader-schedule", None).await.unwrap();
    assert!(week.contains("Họp giao ban tuần này") && !week.contains("Tiếp công dân"));
    let next = links(&week)
        .into_iter()
        .find(|l| l.contains(&format!("week={}", monday + Days::days(7))))
        .expect("a link to next week");
    let (_, week2) = hub.get(&next, None).await.unwrap();
    assert!(week2.contains("Tiếp công dân tuần sau") && !week2.contains("Họp giao ban"));

    // Article lists are paged with stable addresses; past the last page is a 404 page.
    let (_, p1) = hub.get("/t/chauthanh/categories/news", None).await.unwrap();
    let (_, p2) = hub
        .get("/t/chauthanh/categories/news?page=2", None)
        .await
        .unwrap();
    assert_eq!(p1.matches("<li lang=\"vi\">").count(), 20);
    assert_eq!(p2.matches("<li lang=\"vi\">").count(), NEWS - 20);
    assert!(
        p1.contains("Tin số 24") && p2.contains("Tin số 00"),
        "newest first"
    );
    assert!(links(&p1).contains("/t/chauthanh/categories/news?page=2"));
    let (status, missing) = hub
        .get("/t/chauthanh/categories/news?page=3", None)
        .await
        .unwrap();
    assert_eq!(status, 404);
    assert!(missing.contains("Không tìm thấy trang"));

    // A record table: filtered by GET parameters, sorted by a column, paged.
    let (_, all) = hub
        .get("/categories/investment-project", None)
        .await
        .unwrap();
    assert_eq!(table_rows(&all).len(), 25, "first page");
    let (_, page2) = hub
        .get("/categories/investment-project?page=2", None)
        .await
        .unwrap();
    assert_eq!(table_rows(&page2).len(), PROJECTS - 25);
    let q = "status=in_progress&field=Y+t%E1%BA%BF&sort=budget_million_vnd&dir=asc";
    let (status, filtered) = hub
        .get(&format!("/categories/investment-project?{q}"), None)
        .await
        .unwrap();
    assert_eq!(status, 200);
    let rows = table_rows(&filtered);
    let expected: Vec<usize> = (0..PROJECTS).filter(|i| i % 3 == 1).collect();
    assert_eq!(rows.len(), expected.len(), "{filtered}");
    // Columns: title, unit, then the category's listed fields in its order (name, field,
    // location, budget, funding, status, approval date).
    for r in &rows {
        assert_eq!(r[3], "Y tế");
        assert_eq!(r[7], "Đang thực hiện");
    }
    let budgets: Vec<f64> = rows
        .iter()
        .map(|r| r[5].replace('.', "").replace(',', ".").parse().unwrap())
        .collect();
    assert!(budgets.windows(2).all(|w| w[0] <= w[1]), "{budgets:?}");
    // The filter form says what is chosen, and works without JavaScript (a GET form).
    let doc = Html::parse_document(&filtered);
    let form = doc
        .select(&sel("form.filters"))
        .next()
        .expect("a filter form");
    assert_eq!(form.value().attr("method"), Some("get"));
    let chosen: Vec<String> = form
        .select(&sel("option[selected]"))
        .filter_map(|o| o.value().attr("value").map(str::to_string))
        .collect();
    assert_eq!(chosen, ["Y tế", "in_progress"]);
    for label in form.select(&sel("select, input:not([type=hidden])")) {
        let id = label.value().attr("id").expect("every control has an id");
        assert_eq!(
            form.select(&sel(&format!("label[for=\"{id}\"]"))).count(),
            1,
            "control {id} has a label"
        );
    }
    // By year, and a bad parameter is a clear 400 page.
    let (_, y) = hub
        .get("/categories/investment-project?approval_date=2023", None)
        .await
        .unwrap();
    assert_eq!(
        table_rows(&y).len(),
        (0..PROJECTS).filter(|i| i % 3 == 1).count()
    );
    let (status, bad) = hub
        .get("/categories/investment-project?status=maybe", None)
        .await
        .unwrap();
    assert_eq!(status, 400);
    assert!(bad.contains("status"), "{bad}");

    // The downloads hold the rows of the table: CSV with a BOM (Excel), JSON with the stored
    // values.
    let csv_href = links(&filtered)
        .into_iter()
        .find(|l| l.contains("/data.csv"))
        .expect("a CSV link");
    let resp = reqwest::get(format!("{}{csv_href}", hub.http_base()))
        .await
        .unwrap();
    assert_eq!(
        resp.headers()["content-type"].to_str().unwrap(),
        "text/csv; charset=utf-8"
    );
    let bytes = resp.bytes().await.unwrap();
    assert!(bytes.starts_with("\u{feff}".as_bytes()), "UTF-8 BOM");
    let mut reader = csv::Reader::from_reader(&bytes[3..]);
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_string)
        .collect();
    assert_eq!(
        &header[..4],
        ["Tiêu đề", "Đơn vị", "Tên dự án", "Lĩnh vực chuyên môn"]
    );
    let csv_rows: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect();
    assert_eq!(csv_rows.len(), rows.len());
    for (c, t) in csv_rows.iter().zip(&rows) {
        assert_eq!(&c[..t.len()], &t[..], "CSV row = table row");
        assert!(c[t.len()].starts_with("http"), "then the item's address");
    }
    let json_href = csv_href.replace("data.csv", "data.json");
    let (_, json) = hub.get(&json_href, None).await.unwrap();
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    let json_rows = json["rows"].as_array().unwrap();
    assert_eq!(json_rows.len(), rows.len());
    for (j, t) in json_rows.iter().zip(&rows) {
        assert_eq!(j["title"], t[0]);
        assert_eq!(j["record"]["status"], "in_progress");
        assert_eq!(j["record"]["name"], t[2]);
    }
    assert_eq!(json["total"], rows.len());

    // English: the same pages with the interface in English, and a way back.
    let (status, en) = hub
        .get("/en/categories/investment-project", None)
        .await
        .unwrap();
    assert_eq!(status, 200);
    assert!(en.contains("<html lang=\"en\">"));
    assert_eq!(h1(&en), "Investment projects");
    assert!(
        links(&en).contains("/categories/investment-project"),
        "switch back to Vietnamese"
    );
    assert!(
        links(&en)
            .iter()
            .any(|l| l.starts_with("/en/t/skhdt/items/du-an-")),
        "links stay in English"
    );

    // An item carries its metadata and attribution (Art 9.3).
    let (_, item) = hub.get("/t/chauthanh/items/tin-03", None).await.unwrap();
    for needle in [
        "<meta name=\"DC.title\" content=\"Tin số 03\">",
        "<meta name=\"DC.creator\" content=\"Phòng Văn hóa\">",
        "<meta name=\"DC.language\" content=\"vi\">",
        "<meta name=\"DC.identifier\" content=\"https://chauthanh.bentre.gov.vn/items/tin-03\">",
        "<link rel=\"canonical\" href=\"https://chauthanh.bentre.gov.vn/items/tin-03\">",
        "<meta property=\"og:title\" content=\"Tin số 03\">",
        "<dt>Tác giả</dt><dd>Phòng Văn hóa</dd>",
        "<dt>Nguồn</dt><dd>UBND huyện Châu Thành</dd>",
    ] {
        assert!(item.contains(needle), "{needle} not in\n{item}");
    }
    // Breadcrumbs lead back through the category.
    let doc = Html::parse_document(&item);
    let crumbs: Vec<String> = doc.select(&sel("nav.crumbs li")).map(text).collect();
    assert_eq!(crumbs, ["Trang chủ", "Tin tức, sự kiện", "Tin số 03"]);

    // Unknown pages and portals: 404 in the site's layout.
    for path in [
        "/nowhere",
        "/t/khong-co/",
        "/categories/khong-co",
        "/t/khong-co/items/x",
    ] {
        let (status, page) = hub.get(path, None).await.unwrap();
        assert_eq!(status, 404, "{path}");
        assert!(page.contains("<nav class=\"menu\""), "{path} in the layout");
        assert!(page.contains("Không tìm thấy trang"), "{path}");
    }
    department.stop();
    district.stop();
}

#[tokio::test]
async fn the_portal_as_readers_use_it_on_sqlite() {
    the_portal_as_readers_use_it(Db::Sqlite).await;
}

#[tokio::test]
async fn the_portal_as_readers_use_it_on_postgres() {
    the_portal_as_readers_use_it(Db::Postgres).await;
}
