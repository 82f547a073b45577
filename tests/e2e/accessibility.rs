//! The portal as people with disabilities and people on phones use it (WCAG 2.1 AA, Circular
//! 32/2017): real agents publish a department's and a district's content to a real hub, and
//! headless Chromium, driven by `tests/e2e/browser/check.js` (playwright-core and axe-core,
//! installed by `deploy/test-deps.sh`), loads the pages readers land on. No page may have a
//! serious or critical axe violation, scroll sideways on a 360 px phone or at 200 % zoom, skip
//! a heading level or leave a table without its caption; a keyboard alone reaches the skip
//! link, the search box and the language switch, with the focus always visible.

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use portal_testkit::{AgentProcess, Db, TestHub, item_markdown, wait_for};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;

const T: Duration = Duration::from_secs(60);

fn chromium() -> PathBuf {
    std::env::var_os("CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| "/usr/bin/chromium".into())
}

/// Where the checker lives, with its Node packages.
fn browser_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("e2e/browser");
    assert!(
        dir.join("node_modules/playwright-core").is_dir()
            && dir.join("node_modules/axe-core").is_dir(),
        "{}: run deploy/test-deps.sh (npm ci) first",
        dir.display()
    );
    assert!(
        chromium().exists(),
        "{} not found: install Debian's chromium (deploy/test-deps.sh) or set CHROMIUM",
        chromium().display()
    );
    dir
}

/// Runs the checker on `request` (see check.js) and returns its report.
async fn check_in_browser(request: Value) -> Value {
    let dir = browser_dir();
    let mut child = tokio::process::Command::new(std::env::var("NODE").unwrap_or("node".into()))
        .arg(dir.join("check.js"))
        .current_dir(&dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("node runs (deploy/test-deps.sh installs it)");
    let mut stdin = child.stdin.take().unwrap();
    stdin
        .write_all(request.to_string().as_bytes())
        .await
        .unwrap();
    drop(stdin);
    let out = tokio::time::timeout(Duration::from_secs(600), child.wait_with_output())
        .await
        .expect("the browser checks finish within 10 minutes")
        .unwrap();
    assert!(
        out.status.success(),
        "check.js failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "check.js wrote no JSON ({e}): {}",
            String::from_utf8_lossy(&out.stdout)
        )
    })
}

const STATUSES: [&str; 3] = ["preparing", "in_progress", "completed"];
const FIELDS: [&str; 3] = ["Giao thông vận tải", "Y tế", "Giáo dục và Đào tạo"];

fn project(i: usize) -> String {
    json!({
        "id": format!("du-an-{i:02}"),
        "title": format!("Dự án đầu tư xây dựng số {i:02}"),
        "category": "investment-project",
        "language": "vi",
        "author": "Phòng Kinh tế ngành",
        "source": "Sở Kế hoạch và Đầu tư tỉnh Bến Tre",
        "source_url": "https://skhdt.bentre.gov.vn/du-an",
        "published_at": format!("2024-05-{:02}T08:00:00+07:00", 1 + i % 28),
        "record": {
            "name": format!("Nâng cấp, mở rộng tuyến đường tỉnh ĐT.883 đoạn từ cầu Hàm Luông đến ngã ba Tân Thạch số {i:02}"),
            "objective": "Nâng cấp hạ tầng giao thông, kết nối vùng kinh tế ven biển.",
            "field": FIELDS[i % 3],
            "project_type": "Dự án nhóm B",
            "start_date": "2024-01-01",
            "budget_million_vnd": format!("{}.5", 100_000 + i * 3_701),
            "funding_type": "state_budget",
            "status": STATUSES[i % 3],
            "approval_date": format!("{}-03-15", 2022 + i % 3),
        }
    })
    .to_string()
}

fn legal_document(i: usize, pdf_digest: &str) -> String {
    format!(
        "---\nid: qd-{i:02}-2024\ntitle: \"Quyết định số {i:02}/2024/QĐ-UBND về phân cấp quản lý vốn đầu tư công\"\n\
         category: legal-document\nlanguage: vi\nauthor: Văn phòng Sở\nsource: Sở Kế hoạch và Đầu tư\n\
         published_at: 2024-04-{d:02}T08:00:00+07:00\nrecord:\n  document_form: quyet_dinh\n  issuer: UBND tỉnh Bến Tre\n\
         \x20 number_symbol: \"{i:02}/2024/QĐ-UBND\"\n  issue_date: \"2024-04-{d:02}\"\n  effective_date: \"2024-05-01\"\n\
         \x20 summary: \"Phân cấp quản lý vốn đầu tư công trên địa bàn tỉnh Bến Tre\"\n  field: \"Đầu tư công\"\n\
         \x20 file: \"{pdf_digest}\"\n---\n[Toàn văn (PDF)](van-ban.pdf)\n",
        d = 1 + i
    )
}

/// An article with what breaks layouts on phones: a long address, a long word, a wide code
/// block and a table, under headings that start below the page's own h1.
fn long_article() -> String {
    let body = "## Nội dung chính\n\n\
        Hồ sơ xem tại https://skhdt.bentre.gov.vn/van-ban/chi-tiet/quyet-dinh-phe-duyet-chu-truong-dau-tu-du-an-nang-cap-mo-rong-tuyen-duong-tinh-dt883-doan-tu-cau-ham-luong-den-nga-ba-tan-thach \
        và tệp ThongBaoKetQuaLuaChonNhaThauGoiThauSo12XayLapCongTrinhKeChongSatLoBoSongHamLuong.pdf.\n\n\
        ### Tiến độ giải ngân\n\n\
        | Quý | Kế hoạch vốn (triệu đồng) | Đã giải ngân (triệu đồng) | Tỷ lệ | Ghi chú của Phòng Kinh tế ngành |\n\
        |---|---|---|---|---|\n\
        | I | 125.000 | 37.500 | 30% | Chậm do vướng mặt bằng tại xã Tân Thạch và xã An Khánh |\n\
        | II | 250.000 | 162.500 | 65% | Đạt kế hoạch |\n\n\
        ### Mã tra cứu\n\n\
        ```\n\
        DT883-HAMLUONG-TANTHACH-2024-GOI-THAU-12-XAY-LAP-KE-CHONG-SAT-LO-BO-SONG-HAM-LUONG-DOAN-QUA-XA-TAN-THACH\n\
        ```\n\n\
        > Mọi ý kiến góp ý xin gửi về Sở Kế hoạch và Đầu tư tỉnh Bến Tre.\n";
    item_markdown(
        "giai-ngan-dau-tu-cong",
        "Đẩy nhanh tiến độ giải ngân vốn đầu tư công năm 2024",
        body,
    )
    .replace("Phòng Văn hóa", "Phòng Kinh tế ngành")
    .replace("UBND huyện Châu Thành", "Sở Kế hoạch và Đầu tư")
}

/// An engagement of the district's chairman on Tuesday this week (the home page's schedule).
fn schedule_this_week() -> String {
    use chrono::Datelike;
    let today = chrono::Utc::now()
        .with_timezone(&chrono::FixedOffset::east_opt(7 * 3600).unwrap())
        .date_naive();
    let tuesday = today - chrono::Duration::days(i64::from(today.weekday().num_days_from_monday()))
        + chrono::Duration::days(1);
    json!({
        "id": "lich-tuan-nay",
        "title": format!("Lịch công tác ngày {tuesday}"),
        "category": "leader-schedule",
        "language": "vi",
        "author": "Văn phòng HĐND và UBND huyện",
        "source": "UBND huyện Châu Thành",
        "published_at": "2024-05-01T08:00:00+07:00",
        "record": {
            "date": tuesday.format("%Y-%m-%d").to_string(),
            "time": "08:00",
            "leader": "Chủ tịch UBND huyện",
            "content": "Họp giao ban tiến độ giải ngân vốn đầu tư công",
            "place": "Hội trường UBND huyện Châu Thành",
        }
    })
    .to_string()
}

fn english_article() -> String {
    item_markdown(
        "coconut-festival",
        "Ben Tre Coconut Festival opens in Chau Thanh",
        "## Programme\n\nThe festival runs for five days with a coconut products fair.",
    )
    .replace("language: vi", "language: en")
}

#[tokio::test]
async fn pages_pass_axe_fit_a_phone_and_work_with_a_keyboard() {
    let hub = TestHub::start(Db::Sqlite).await.unwrap();
    hub.add_tenant("skhdt", "Sở Kế hoạch và Đầu tư")
        .await
        .unwrap();
    hub.add_tenant_of_kind("chauthanh", "UBND huyện Châu Thành", "district")
        .await
        .unwrap();
    let mut department = AgentProcess::enroll(&hub, "skhdt").await.unwrap();
    for i in 0..8 {
        department
            .write_file(&format!("du-an-{i:02}.json"), &project(i))
            .unwrap();
    }
    let pdf = b"%PDF-1.7\n% van ban\n%%EOF\n".to_vec();
    let digest = hex::encode(Sha256::digest(&pdf));
    std::fs::write(department.content_dir().join("van-ban.pdf"), &pdf).unwrap();
    for i in 1..=3 {
        department
            .write_file(&format!("qd-{i:02}.md"), &legal_document(i, &digest))
            .unwrap();
    }
    department
        .write_file("giai-ngan.md", &long_article())
        .unwrap();
    let mut district = AgentProcess::enroll(&hub, "chauthanh").await.unwrap();
    for i in 0..5 {
        let md = item_markdown(
            &format!("tin-{i:02}"),
            &format!("Huyện Châu Thành đầu tư xây dựng nông thôn mới, tin số {i:02}"),
            "Nội dung.",
        );
        district.write_file(&format!("tin-{i:02}.md"), &md).unwrap();
    }
    district
        .write_file("coconut-festival.md", &english_article())
        .unwrap();
    district
        .write_file("lich-tuan-nay.json", &schedule_this_week())
        .unwrap();
    department.start().unwrap();
    district.start().unwrap();
    wait_for("every item on the portal", T, || async {
        let (_, p) = hub.get("/categories/investment-project", None).await?;
        let (_, l) = hub.get("/categories/legal-document", None).await?;
        let (_, n) = hub.get("/t/chauthanh/categories/news", None).await?;
        let (a, _) = hub
            .get("/t/skhdt/items/giai-ngan-dau-tu-cong", None)
            .await?;
        let (_, h) = hub.get("/", None).await?;
        let all = p.contains("8 dòng")
            && l.contains("3 dòng")
            && n.contains("6 mục")
            && a == 200
            && h.contains("Họp giao ban tiến độ");
        Ok(all.then_some(()))
    })
    .await
    .unwrap_or_else(|e| panic!("{e}\n{}\n{}", department.log(), district.log()));

    // On English pages, what stays Vietnamese says so (screen readers switch voices).
    let (_, en_home) = hub.get("/en/t/chauthanh/", None).await.unwrap();
    for needle in [
        "<h1 lang=\"vi\">UBND huyện Châu Thành</h1>",
        "<p class=\"tenant-name\" lang=\"vi\">",
        "<p class=\"footer-name\" lang=\"vi\">UBND huyện Châu Thành</p>",
    ] {
        assert!(en_home.contains(needle), "{needle} not in\n{en_home}");
    }

    let base = hub.http_base();
    let pages = [
        ("provincial home page", "/"),
        ("tenant home page", "/t/chauthanh/"),
        ("article list", "/t/chauthanh/categories/news"),
        (
            "record table, filtered and sorted",
            "/categories/investment-project?field=Y+t%E1%BA%BF&sort=budget_million_vnd&dir=desc",
        ),
        ("legal documents", "/categories/legal-document"),
        ("item page", "/t/skhdt/items/giai-ngan-dau-tu-cong"),
        ("record item page", "/t/skhdt/items/du-an-01"),
        (
            "English item page",
            "/en/t/chauthanh/items/coconut-festival",
        ),
        ("English tenant home page", "/en/t/chauthanh/"),
        ("English record table", "/en/categories/investment-project"),
        ("search results", "/search?q=%C4%91%E1%BA%A7u+t%C6%B0"),
        ("404 page", "/khong-co-trang-nay"),
        (
            "leaders' schedule",
            "/t/chauthanh/categories/leader-schedule",
        ),
        ("portal map", "/so-do-cong"),
        ("contact page", "/en/lien-he"),
    ];
    let request = json!({
        "chromium": chromium(),
        "pages": pages.iter().map(|(name, path)| json!({ "name": name, "url": format!("{base}{path}") })).collect::<Vec<_>>(),
        "keyboard": { "home": format!("{base}/"), "query": "đầu tư công" },
        // To look at the pages as a phone shows them: a folder for full-page screenshots.
        "screenshots": std::env::var("PORTAL_A11Y_SCREENSHOTS").ok(),
    });
    let report = check_in_browser(request).await;

    let mut failures = Vec::new();
    for p in report["pages"].as_array().unwrap() {
        let name = p["name"].as_str().unwrap();
        if let Some(e) = p.get("error") {
            failures.push(format!("{name}: the browser could not check it: {e}"));
            continue;
        }
        let status = p["status"].as_u64().unwrap_or(0);
        let expected = if name == "404 page" { 404 } else { 200 };
        if status != expected {
            failures.push(format!("{name}: HTTP {status}, expected {expected}"));
        }
        for v in p["violations"].as_array().unwrap() {
            let impact = v["impact"].as_str().unwrap_or("");
            let line = format!(
                "{name}: {impact} {}: {} ({})\n    {}",
                v["id"].as_str().unwrap_or(""),
                v["help"].as_str().unwrap_or(""),
                v["tags"],
                v["nodes"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|n| format!("{} {}", n["target"], n["summary"]))
                    .collect::<Vec<_>>()
                    .join("\n    ")
            );
            if matches!(impact, "serious" | "critical") {
                failures.push(line);
            } else {
                eprintln!("axe (not failing the test): {line}");
            }
        }
        for (layout, o) in p["overflow"].as_object().unwrap() {
            let (scroll, client) = (o["scrollWidth"].as_u64(), o["clientWidth"].as_u64());
            if scroll > client.map(|c| c + 1) {
                failures.push(format!(
                    "{name} at {layout}: the page scrolls sideways ({scroll:?} px of content in {client:?} px): {}",
                    o["sticking"]
                ));
            }
        }
        for problem in p["structure"]["problems"].as_array().unwrap() {
            failures.push(format!("{name}: {}", problem.as_str().unwrap_or("")));
        }
        if p["print"] != json!({ "header": false, "search": false, "main": true }) {
            failures.push(format!(
                "{name}: the print view is not the content alone: {}",
                p["print"]
            ));
        }
        let lang = if name.starts_with("English") || name == "contact page" {
            "en"
        } else {
            "vi"
        };
        if p["lang"] != lang {
            failures.push(format!("{name}: html lang={}, expected {lang}", p["lang"]));
        }
    }
    let steps = report["keyboard"]
        .as_array()
        .expect("the keyboard scenario ran");
    assert!(steps.len() >= 10, "{steps:#?}");
    for s in steps {
        if s["ok"] != true {
            failures.push(format!("keyboard: {} failed: {}", s["step"], s["detail"]));
        }
    }
    assert!(
        failures.is_empty(),
        "{} problems:\n{}",
        failures.len(),
        failures.join("\n")
    );
    department.stop();
    district.stop();
}
