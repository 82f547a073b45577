//! An agent publishes a folder; the items appear on the tenant's site and the front page.

use std::time::Duration;

use portal_proto::v1::{Item, Outcome, PublishEntry, PublishRequest};
use portal_testkit::{AgentProcess, Db, TestHub, agent_client, item_markdown, wait_for};

const T: Duration = Duration::from_secs(30);

async fn folder_items_appear_on_tenant_site_and_front_page(db: Db) {
    let hub = TestHub::start(db).await.unwrap();
    hub.add_tenant("chauthanh", "UBND huyện Châu Thành")
        .await
        .unwrap();
    let mut agent = AgentProcess::enroll(&hub, "chauthanh").await.unwrap();
    for i in 0..5 {
        agent
            .write_file(
                &format!("tin-{i}.md"),
                &item_markdown(
                    &format!("tin-{i}"),
                    &format!("Đường tỉnh 88{i} ở Thạnh Phú"),
                    "Nội dung",
                ),
            )
            .unwrap();
    }
    // Decomposed Unicode in the title is stored as NFC; script in the body never runs.
    agent
        .write_file(
            "xss.md",
            &item_markdown(
                "xss",
                "Ủy ban nha\u{0302}n da\u{0302}n",
                "<script>alert(1)</script><img src=x alt=\"ảnh\" onerror=alert(2)>",
            ),
        )
        .unwrap();
    agent.start().unwrap();
    wait_for("6 items on the tenant site", T, || async {
        let (_, page) = hub.get("/t/chauthanh/categories/news", None).await?;
        Ok((page.matches("<li lang=\"vi\">").count() == 6).then_some(()))
    })
    .await
    .unwrap_or_else(|e| panic!("{e}\n{}", agent.log()));

    let (status, page) = hub
        .get("/items/tin-3", Some("chauthanh.bentre.gov.vn"))
        .await
        .unwrap();
    assert_eq!(status, 200);
    assert!(page.starts_with("<!DOCTYPE html><html lang=\"vi\">"));
    assert!(page.contains("Đường tỉnh 883 ở Thạnh Phú"));
    assert!(page.contains("Phòng Văn hóa"), "author shown");
    assert!(page.contains("UBND huyện Châu Thành"), "source shown");
    let (_, xss) = hub.get("/t/chauthanh/items/xss", None).await.unwrap();
    assert!(xss.contains("Ủy ban nhân dân"), "title normalised to NFC");
    assert!(
        !xss.contains("<script") && !xss.contains("onerror"),
        "{xss}"
    );

    let (status, front) = hub.get("/", Some("bentre.gov.vn")).await.unwrap();
    assert_eq!(status, 200);
    assert!(front.contains("Đường tỉnh 880 ở Thạnh Phú"));
    assert!(front.contains("UBND huyện Châu Thành"));
    assert!(front.contains("https://chauthanh.bentre.gov.vn/items/tin-0"));

    // Deleting a file withdraws the item: gone from the pages at once, kept in the archive.
    std::fs::remove_file(agent.content_dir().join("tin-0.md")).unwrap();
    wait_for("withdrawal", T, || async {
        let (s, _) = hub.get("/t/chauthanh/items/tin-0", None).await?;
        Ok((s == 410).then_some(()))
    })
    .await
    .unwrap();
    // Its page says so, when and why, and its history stays public (Art 12).
    let (_, gone) = hub.get("/t/chauthanh/items/tin-0", None).await.unwrap();
    assert!(gone.contains("Tin bài đã được gỡ bỏ</h1>"), "{gone}");
    assert!(
        gone.contains("file deleted on the component portal"),
        "{gone}"
    );
    assert!(
        gone.contains("href=\"/t/chauthanh/items/tin-0/versions\""),
        "{gone}"
    );
    let (s, history) = hub
        .get("/t/chauthanh/items/tin-0/versions", None)
        .await
        .unwrap();
    assert_eq!(s, 200);
    assert!(history.contains("Đã gỡ bỏ"), "{history}");
    let (_, front) = hub.get("/", None).await.unwrap();
    assert!(!front.contains("Đường tỉnh 880"));
    let t = hub
        .store()
        .tenant_by_slug("chauthanh")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        hub.store()
            .item_history(&t, "tin-0", i32::MAX, 1000)
            .await
            .unwrap()
            .len(),
        1
    );

    // Changing a file makes a new version, shown at once.
    agent
        .write_file("tin-1.md", &item_markdown("tin-1", "Tiêu đề mới", "Sửa"))
        .unwrap();
    wait_for("new version on the page", T, || async {
        let (_, p) = hub.get("/t/chauthanh/items/tin-1", None).await?;
        Ok(p.contains("Tiêu đề mới").then_some(()))
    })
    .await
    .unwrap();
    assert_eq!(
        hub.store()
            .item_history(&t, "tin-1", i32::MAX, 1000)
            .await
            .unwrap()
            .len(),
        2
    );
    agent.stop();
}

#[tokio::test]
async fn agent_publishes_folder_and_items_appear_on_sqlite() {
    folder_items_appear_on_tenant_site_and_front_page(Db::Sqlite).await;
}

#[tokio::test]
async fn agent_publishes_folder_and_items_appear_on_postgres() {
    folder_items_appear_on_tenant_site_and_front_page(Db::Postgres).await;
}

#[tokio::test]
async fn a_batch_with_one_malformed_item_stores_the_others() {
    portal_testkit::init_test_logging();
    let hub = TestHub::start(Db::Sqlite).await.unwrap();
    hub.add_tenant("stc", "Sở Tài chính").await.unwrap();
    let agent = AgentProcess::enroll(&hub, "stc").await.unwrap();
    let mut client = agent_client(&agent).await.unwrap();
    let good = |id: &str| Item {
        author: "Phòng Ngân sách".into(),
        source: "Sở Tài chính".into(),
        ..portal_testkit::news_item(id, "Công khai ngân sách", "Số liệu")
    };
    let mut bad = good("Không Hợp Lệ");
    bad.author.clear();
    let resp = client
        .publish(PublishRequest {
            entries: vec![
                PublishEntry {
                    seq: 1,
                    item: Some(good("ns-1")),
                },
                PublishEntry {
                    seq: 2,
                    item: Some(bad),
                },
                PublishEntry {
                    seq: 3,
                    item: Some(good("ns-2")),
                },
            ],
        })
        .await
        .unwrap()
        .into_inner();
    let outcomes: Vec<Outcome> = resp.results.iter().map(|r| r.outcome()).collect();
    assert_eq!(
        outcomes,
        [Outcome::Accepted, Outcome::Rejected, Outcome::Accepted]
    );
    let fields: Vec<&str> = resp.results[1]
        .errors
        .iter()
        .map(|e| e.field.as_str())
        .collect();
    assert_eq!(fields, ["id", "author"]);
    assert!(resp.results[1].errors[1].reason.contains("required"));
    assert_eq!(hub.version_count("stc").await.unwrap(), 2);

    // A call that is wrong as a whole says which field, in a standard BadRequest detail.
    let err = client
        .publish(PublishRequest { entries: vec![] })
        .await
        .unwrap_err();
    assert_eq!(err.code(), tonic::Code::InvalidArgument);
    let bad = tonic_types::StatusExt::get_details_bad_request(&err).unwrap();
    assert_eq!(
        (
            bad.field_violations[0].field.as_str(),
            bad.field_violations[0].description.as_str()
        ),
        ("entries", "must hold at least one entry")
    );

    // Through the agent's folder too: the bad file's reason shows in `portal-agent status`.
    let mut agent = agent;
    agent
        .write_file("ok.md", &item_markdown("ok", "Hợp lệ", "x"))
        .unwrap();
    agent.write_file("bad.md", "---\nid: bad\ntitle: Thiếu tác giả\ncategory: news\nlanguage: vi\nsource: Sở\npublished_at: 2024-01-01\n---\nx\n").unwrap();
    agent.start().unwrap();
    wait_for("the good file to arrive", T, || async {
        let (s, _) = hub.get("/t/stc/items/ok", None).await?;
        Ok((s == 200).then_some(()))
    })
    .await
    .unwrap();
    let status = wait_for("the rejection in the agent's status", T, || async {
        let s = agent.status().await?;
        Ok(s.contains("author: is required").then_some(s))
    })
    .await
    .unwrap();
    assert!(status.contains("bad"), "{status}");
    agent.stop();
}

#[tokio::test]
async fn structured_records_and_translations_are_validated_and_shown() {
    let hub = TestHub::start(Db::Sqlite).await.unwrap();
    hub.add_tenant("stc", "Sở Tài chính").await.unwrap();
    let mut agent = AgentProcess::enroll(&hub, "stc").await.unwrap();
    // A structured record as JSON, beside the Markdown items.
    agent
        .write_file(
            "lien-he-van-phong.json",
            r#"{"title": "Liên hệ Văn phòng Sở Tài chính", "category": "official-contact", "language": "vi",
                "author": "Văn phòng Sở", "source": "Sở Tài chính tỉnh Bến Tre", "published_at": "2025-03-01",
                "record": {"full_name": "Nguyễn Thị Hoa", "position": "Chánh Văn phòng", "unit": "Văn phòng Sở",
                           "phone": "0275 3822 456", "email": "vanphong.stc@bentre.gov.vn"}}"#,
        )
        .unwrap();
    // The same record without its required fields: rejected field by field.
    agent
        .write_file(
            "lien-he-thieu.json",
            r#"{"title": "Liên hệ thiếu", "category": "official-contact", "language": "vi", "author": "A",
                "source": "B", "published_at": "2025-03-01", "record": {"full_name": "Trần Văn B"}}"#,
        )
        .unwrap();
    // An unknown category and an English item with its Vietnamese translation.
    agent
        .write_file(
            "sai-chuyen-muc.md",
            &item_markdown("sai-chuyen-muc", "Sai chuyên mục", "x")
                .replace("category: news", "category: tin-vat"),
        )
        .unwrap();
    agent
        .write_file(
            "budget-2024.md",
            "---\nid: budget-2024\ntitle: Ben Tre publishes its 2024 budget\ncategory: news\nlanguage: en\nauthor: Budget Division\nsource: Ben Tre Department of Finance\npublished_at: 2025-01-10\ntranslation: ngan-sach-2024\n---\nThe province published its budget.\n",
        )
        .unwrap();
    agent
        .write_file(
            "ngan-sach-2024.md",
            "---\nid: ngan-sach-2024\ntitle: Bến Tre công khai ngân sách năm 2024\ncategory: news\nlanguage: vi\nauthor: Phòng Ngân sách\nsource: Sở Tài chính tỉnh Bến Tre\npublished_at: 2025-01-10\ntranslation: budget-2024\n---\nTỉnh công khai ngân sách.\n",
        )
        .unwrap();
    agent.start().unwrap();
    wait_for("the record and both translations", T, || async {
        let (a, _) = hub.get("/t/stc/items/lien-he-van-phong", None).await?;
        let (b, _) = hub.get("/t/stc/items/budget-2024", None).await?;
        let (c, _) = hub.get("/t/stc/items/ngan-sach-2024", None).await?;
        Ok((a == 200 && b == 200 && c == 200).then_some(()))
    })
    .await
    .unwrap_or_else(|e| panic!("{e}\n{}", agent.log()));
    let (_, page) = hub
        .get("/t/stc/items/lien-he-van-phong", None)
        .await
        .unwrap();
    assert!(page.contains("<table class=\"record\">"), "{page}");
    assert!(page.contains("<td>Nguyễn Thị Hoa</td>"), "{page}");
    assert!(page.contains("<td>Chánh Văn phòng</td>"), "{page}");
    assert!(page.contains("<dt>Chuyên mục</dt>"), "{page}");
    let (_, en) = hub.get("/t/stc/items/budget-2024", None).await.unwrap();
    assert!(en.contains("<h1 lang=\"en\">"), "{en}");
    assert!(
        en.contains("href=\"/t/stc/items/ngan-sach-2024\" hreflang=\"vi\">Bản tiếng Việt</a>"),
        "{en}"
    );
    let (_, vi) = hub.get("/t/stc/items/ngan-sach-2024", None).await.unwrap();
    assert!(vi.contains("hreflang=\"en\">Bản tiếng Anh</a>"), "{vi}");

    let status = wait_for("rejections in the agent's status", T, || async {
        let s = agent.status().await?;
        Ok((s.contains("record.position: is required") && s.contains("tin-vat")).then_some(s))
    })
    .await
    .unwrap_or_else(|e| panic!("{e}\n{}", agent.log()));
    assert!(status.contains("lien-he-thieu"), "{status}");
    assert!(
        status.contains("category: \"tin-vat\" is not in the category registry"),
        "{status}"
    );
    agent.stop();
}

#[tokio::test]
async fn legacy_vietnamese_encodings_are_converted_noted_or_refused() {
    let hub = TestHub::start(Db::Sqlite).await.unwrap();
    hub.add_tenant("vpubnd", "Văn phòng UBND tỉnh")
        .await
        .unwrap();
    let mut agent = AgentProcess::enroll(&hub, "vpubnd").await.unwrap();
    // 1. A file saved by an old CMS in TCVN3 (ABC): raw bytes, not UTF-8.
    let tcvn3_title = "Céng hßa x· héi chñ nghÜa ViÖt Nam";
    let mut raw: Vec<u8> = b"---\nid: quoc-hieu\ncategory: news\nlanguage: vi\nauthor: Van phong\nsource: UBND tinh\npublished_at: 2024-01-01\ntitle: \"".to_vec();
    // Each character of the TCVN3 text stands for one byte (as Windows-1252 shows it).
    raw.extend(tcvn3_title.chars().map(|c| c as u32 as u8));
    raw.extend_from_slice(b"\"\n---\nNoi dung.\n");
    std::fs::write(agent.content_dir().join("quoc-hieu.md"), &raw).unwrap();
    // 2. VNI text that was already mis-decoded as Windows-1252 (valid UTF-8, wrong letters).
    agent
        .write_file(
            "vni.md",
            &item_markdown(
                "vni",
                "Xin chaøo caùc baïn",
                "Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam",
            ),
        )
        .unwrap();
    // 3. Bytes that are neither UTF-8 nor Vietnamese: refused with a reason.
    std::fs::write(
        agent.content_dir().join("rac.md"),
        [0x00u8, 0xFF, 0xFE, 0x81, 0x90, 0x07, 0x8D],
    )
    .unwrap();
    agent.start().unwrap();
    wait_for("both converted items", T, || async {
        let (a, _) = hub.get("/t/vpubnd/items/quoc-hieu", None).await?;
        let (b, _) = hub.get("/t/vpubnd/items/vni", None).await?;
        Ok((a == 200 && b == 200).then_some(()))
    })
    .await
    .unwrap_or_else(|e| panic!("{e}\n{}", agent.log()));
    let (_, page) = hub.get("/t/vpubnd/items/quoc-hieu", None).await.unwrap();
    assert!(
        page.contains("<h1>Cộng hòa xã hội chủ nghĩa Việt Nam</h1>"),
        "{page}"
    );
    let (_, vni) = hub.get("/t/vpubnd/items/vni", None).await.unwrap();
    assert!(vni.contains("<h1>Xin chào các bạn</h1>"), "{vni}");
    assert!(vni.contains("Cộng hòa xã hội chủ nghĩa Việt Nam"), "{vni}");
    // The conversions are noted on the versions.
    let t = hub.store().tenant_by_slug("vpubnd").await.unwrap().unwrap();
    let v = hub
        .store()
        .item_history(&t, "quoc-hieu", i32::MAX, 1000)
        .await
        .unwrap();
    assert!(
        v[0].notes.iter().any(|n| n.contains("TCVN3")),
        "{:?}",
        v[0].notes
    );
    let v = hub
        .store()
        .item_history(&t, "vni", i32::MAX, 1000)
        .await
        .unwrap();
    assert!(
        v[0].notes
            .iter()
            .any(|n| n.starts_with("title: converted from VNI")),
        "{:?}",
        v[0].notes
    );
    assert!(
        v[0].notes
            .iter()
            .any(|n| n.starts_with("body: converted from VNI")),
        "{:?}",
        v[0].notes
    );
    let status = wait_for("the refusal in the agent's status", T, || async {
        let s = agent.status().await?;
        Ok(s.contains("rac.md").then_some(s))
    })
    .await
    .unwrap();
    assert!(
        status.contains("not valid UTF-8") && status.contains("TCVN3 or VNI"),
        "{status}"
    );
    agent.stop();
}

#[tokio::test]
async fn publish_command_sends_files_from_scripts_and_keeps_them_queued_when_the_hub_is_down() {
    let mut hub = TestHub::start(Db::Sqlite).await.unwrap();
    hub.add_tenant("tpbentre", "UBND thành phố Bến Tre")
        .await
        .unwrap();
    let mut agent = AgentProcess::enroll(&hub, "tpbentre").await.unwrap();
    let file = agent.dir.path().join("thong-bao.md");
    std::fs::write(
        &file,
        item_markdown("thong-bao", "Thông báo lịch tiếp công dân", "Nội dung"),
    )
    .unwrap();
    let run = |f: std::path::PathBuf, data: std::path::PathBuf| async move {
        tokio::process::Command::new(portal_testkit::bin("portal-agent"))
            .arg("--data-dir")
            .arg(data)
            .arg("publish")
            .arg(f)
            .output()
            .await
            .unwrap()
    };
    let out = run(file.clone(), agent.data_dir()).await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("sent 1 item(s)"));
    let (s, _) = hub.get("/t/tpbentre/items/thong-bao", None).await.unwrap();
    assert_eq!(s, 200);

    // With the hub down the command fails clearly and the item waits in the outbox ...
    hub.stop().await;
    let second = agent.dir.path().join("lich.md");
    std::fs::write(
        &second,
        item_markdown("lich", "Lịch tiếp công dân tháng 6", "Nội dung"),
    )
    .unwrap();
    let out = run(second, agent.data_dir()).await;
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("stay queued"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(agent.outbox_depth().await.unwrap(), 1);
    // ... until the agent runs again with the hub back.
    hub.start_again().await.unwrap();
    agent.start().unwrap();
    wait_for("the queued item", T, || async {
        let (s, _) = hub.get("/t/tpbentre/items/lich", None).await?;
        Ok((s == 200).then_some(()))
    })
    .await
    .unwrap_or_else(|e| panic!("{e}\n{}", agent.log()));
    agent.stop();
}

#[tokio::test]
async fn publish_command_reports_every_bad_file_queues_every_good_one_and_sends_their_images() {
    let hub = TestHub::start(Db::Sqlite).await.unwrap();
    hub.add_tenant("mocay", "UBND huyện Mỏ Cày Nam")
        .await
        .unwrap();
    let agent = AgentProcess::enroll(&hub, "mocay").await.unwrap();
    let dir = agent.dir.path().join("xuat");
    std::fs::create_dir_all(dir.join("anh")).unwrap();
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR dua xiem Mo Cay".to_vec();
    let digest = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&png));
    std::fs::write(dir.join("anh/dua.png"), &png).unwrap();
    let files = [
        (
            "tin-1.md",
            item_markdown("tin-1", "Hội chợ dừa", "Nội dung"),
        ),
        // Not an item: no front matter.
        ("hong.md", "Chỉ có nội dung, không có phần đầu.".to_string()),
        (
            "dua.md",
            item_markdown("dua", "Dừa xiêm Mỏ Cày", "![Vườn dừa xiêm](anh/dua.png)"),
        ),
        // Links a picture that is not there.
        (
            "thieu-anh.md",
            item_markdown("thieu-anh", "Thiếu ảnh", "![Ảnh](anh/khong-co.png)"),
        ),
        (
            "tin-2.md",
            item_markdown("tin-2", "Tin thứ hai", "Nội dung"),
        ),
    ];
    for (name, text) in &files {
        std::fs::write(dir.join(name), text).unwrap();
    }
    let out = tokio::process::Command::new(portal_testkit::bin("portal-agent"))
        .arg("--data-dir")
        .arg(agent.data_dir())
        .arg("publish")
        .args(files.iter().map(|(name, _)| dir.join(name)))
        .output()
        .await
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(!out.status.success(), "a bad file makes the command fail");
    assert!(
        stderr.contains(&format!(
            "{}: front_matter: ",
            dir.join("hong.md").display()
        )),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!(
            "{}: body: anh/khong-co.png: file not found beside the item",
            dir.join("thieu-anh.md").display()
        )),
        "{stderr}"
    );
    assert!(
        stderr.contains("2 of 5 file(s) could not be published"),
        "{stderr}"
    );
    assert!(
        stdout.contains("sent 3 item(s) and 1 media file(s)"),
        "{stdout}"
    );
    // Every good file arrived, also those after the bad ones; the image with its item.
    for id in ["tin-1", "dua", "tin-2"] {
        let (s, _) = hub
            .get(&format!("/t/mocay/items/{id}"), None)
            .await
            .unwrap();
        assert_eq!(s, 200, "{id}");
    }
    let (_, page) = hub.get("/t/mocay/items/dua", None).await.unwrap();
    assert!(
        page.contains(&format!(
            "<img src=\"/media/{digest}\" alt=\"Vườn dừa xiêm\">"
        )),
        "{page}"
    );
    let (s, _) = hub.get("/t/mocay/items/thieu-anh", None).await.unwrap();
    assert_eq!(s, 404);
    assert_eq!(agent.outbox_depth().await.unwrap(), 0);
}

#[tokio::test]
async fn the_operator_extends_the_category_registry_without_code() {
    let hub = TestHub::start(Db::Sqlite).await.unwrap();
    hub.add_tenant("sonnptnt", "Sở Nông nghiệp và Phát triển nông thôn")
        .await
        .unwrap();
    let agent = AgentProcess::enroll(&hub, "sonnptnt").await.unwrap();
    let mut client = agent_client(&agent).await.unwrap();
    let item = |seq: u64| PublishRequest {
        entries: vec![PublishEntry {
            seq,
            item: Some(Item {
                id: "khuyen-nong-dua".into(),
                title: "Hướng dẫn chăm sóc dừa mùa khô".into(),
                category: "khuyen-nong".into(),
                language: "vi".into(),
                author: "Trung tâm Khuyến nông".into(),
                source: "Sở Nông nghiệp và Phát triển nông thôn".into(),
                published_at: Some(prost_types::Timestamp {
                    seconds: 1_717_200_000,
                    nanos: 0,
                }),
                record: [("crop".to_string(), "Dừa xiêm xanh".to_string())]
                    .into_iter()
                    .collect(),
                ..Default::default()
            }),
        }],
    };
    let before = client.publish(item(1)).await.unwrap().into_inner();
    assert_eq!(before.results[0].outcome(), Outcome::Rejected);
    assert!(
        before.results[0].errors[0]
            .reason
            .contains("not in the category registry")
    );

    // The operator copies the shipped registry, adds a category, raises the version, loads it.
    let extended = portal_core::category::Registry::builtin_toml().replacen(
        "version = 1",
        "version = 2",
        1,
    ) + "\n[[category]]\ncode = \"khuyen-nong\"\nname_vi = \"Thông tin khuyến nông\"\nname_en = \"Agricultural extension\"\n\
           kind = \"record\"\nlegal_basis = \"Decision 03/2019/QĐ-UBND Art 11: each unit supplies the information of its sector.\"\n\n\
           [[category.field]]\nname = \"crop\"\nlabel_vi = \"Cây trồng\"\nlabel_en = \"Crop\"\ntype = \"text\"\nrequired = true\n";
    let file = hub.dir.path().join("categories-v2.toml");
    std::fs::write(&file, extended).unwrap();
    let (version, _, changed) = portal_hub::ops::load_categories(&hub.config, &file)
        .await
        .unwrap();
    assert_eq!((version, changed), (2, true));

    // The running hub picks it up from the change feed.
    let mut seq = 1;
    let accepted = wait_for("the new category to be accepted", T, || {
        seq += 1;
        let mut client = client.clone();
        let req = item(seq);
        async move {
            let r = client.publish(req).await?.into_inner();
            Ok((r.results[0].outcome() == Outcome::Accepted).then_some(()))
        }
    })
    .await;
    accepted.unwrap();
    let (_, page) = hub
        .get("/t/sonnptnt/items/khuyen-nong-dua", None)
        .await
        .unwrap();
    assert!(
        page.contains("<th scope=\"row\">Cây trồng</th><td>Dừa xiêm xanh</td>"),
        "{page}"
    );
    assert!(
        page.contains("<a href=\"/t/sonnptnt/categories/khuyen-nong\">Thông tin khuyến nông</a>"),
        "{page}"
    );
    // Every version of the registry is kept.
    assert_eq!(hub.store().category_registry().await.unwrap().unwrap().0, 2);
}
