//! Tests of the folder source: reading item files, the scan, its index, and items waiting for
//! a medium.

use super::*;
use item_file::inside;

fn outbox_and_folder() -> (tempfile::TempDir, tempfile::TempDir) {
    (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap())
}

fn item(id: &str, body: &str) -> String {
    format!("---\nid: {id}\ntitle: Tin {id}\n---\n{body}\n")
}

/// Kinds and item ids of everything queued, in order (the outbox is left as it was).
async fn queued(ob: &Outbox) -> Vec<(String, String)> {
    let mut all = Vec::new();
    let mut done = Vec::new();
    loop {
        let batch = ob.peek(1000).await;
        if batch.is_empty() {
            break;
        }
        for e in &batch {
            all.push((e.kind().to_string(), e.subject().to_string()));
            done.push(crate::outbox::Answer {
                seq: e.seq,
                item_id: e.subject().to_string(),
                rejected: None,
            });
        }
        ob.complete(&done).await.unwrap();
        done.clear();
    }
    all
}

#[test]
fn names() {
    assert!(wanted("tin-1.md"));
    assert!(!wanted(".tin-1.md"));
    assert!(!wanted("tin-1.md.tmp"));
    assert!(!wanted("tin-1.md~"));
    assert!(wanted("anh.JPG"));
    assert!(!wanted("tai-lieu.docx"));
    assert_eq!(default_id("2024/Tin-1.md"), "tin-1");
    assert!(watched("2024/06/tin-1.md"));
    assert!(!watched(".git/tin-1.md"));
    assert!(!watched("2024/.nhap/tin-1.md"));
    assert_eq!(
        inside("tin", "anh/cau.png").as_deref(),
        Some("tin/anh/cau.png")
    );
    assert_eq!(
        inside("tin", "./anh/cau.png").as_deref(),
        Some("tin/anh/cau.png")
    );
    assert_eq!(inside("tin", "../cau.png"), None);
    assert_eq!(inside("", "/etc/cau.png"), None);
}

#[test]
fn one_reader_for_item_files() {
    let root = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(root.path().join("tin/anh")).unwrap();
    let png = b"\x89PNG\r\n\x1a\nanh".to_vec();
    std::fs::write(root.path().join("tin/anh/cau.png"), &png).unwrap();
    let sha = hex::encode(Sha256::digest(&png));
    let md = "---\ntitle: Cầu\n---\n![Cầu](anh/cau.png) và [bản in](anh/cau.png)\n";
    let read = read_item(root.path(), "tin/Cau-Moi.md", md.as_bytes()).unwrap();
    assert_eq!(read.draft.id, "cau-moi", "the id defaults to the file name");
    assert_eq!(
        read.draft.body_markdown,
        format!("![Cầu](media:{sha}) và [bản in](media:{sha})\n")
    );
    assert_eq!(
        read.media,
        [LinkedMedium {
            rel: "tin/anh/cau.png".into(),
            sha256: sha.clone(),
            size: png.len() as u64
        }]
    );
    // JSON records go through the same reader.
    let json = r#"{"title": "Liên hệ", "body": "![Cầu](tin/anh/cau.png)"}"#.as_bytes();
    let read = read_item(root.path(), "lien-he.json", json).unwrap();
    assert_eq!(read.draft.id, "lien-he");
    assert!(read.draft.body_markdown.contains(&sha));
    // TCVN3 bytes are converted and the conversion noted.
    let mut tcvn3 = b"---\ntitle: \"".to_vec();
    tcvn3.extend(
        "Céng hßa x· héi chñ nghÜa ViÖt Nam"
            .chars()
            .map(|c| c as u32 as u8),
    );
    tcvn3.extend_from_slice(b"\"\n---\nx\n");
    let read = read_item(root.path(), "quoc-hieu.md", &tcvn3).unwrap();
    assert_eq!(read.draft.title, "Cộng hòa xã hội chủ nghĩa Việt Nam");
    assert!(
        read.draft
            .notes
            .iter()
            .any(|n| n.starts_with("file quoc-hieu.md: "))
    );
    // Every problem is named; missing media are listed so that the file can wait for them.
    let bad = "---\nid: a\n---\n![a](a.png) ![b](b.jpg) ![a again](a.png) ![out](../c.png)\n";
    let refused = read_item(root.path(), "a.md", bad.as_bytes()).unwrap_err();
    assert_eq!(refused.missing_media, ["a.png", "b.jpg"]);
    assert_eq!(
        refused.to_string(),
        "body: a.png: file not found beside the item; body: b.jpg: file not found beside the \
         item; body: ../c.png: media must be inside the content folder"
    );
    let refused = read_item(root.path(), "b.md", b"no front matter").unwrap_err();
    assert_eq!(refused.errors[0].field, "front_matter");
    assert!(refused.missing_media.is_empty());
    let refused = read_item(root.path(), "c.md", &[0x00, 0xFF, 0xFE, 0x81]).unwrap_err();
    assert_eq!(refused.errors[0].field, "file");
}

#[tokio::test]
async fn new_changed_deleted_and_broken_files() {
    let (out, content) = outbox_and_folder();
    let ob = Outbox::open(out.path()).await.unwrap();
    let item = |title: &str| format!("---\nid: a\ntitle: {title}\n---\nBody\n");
    std::fs::write(content.path().join("a.md"), item("Một")).unwrap();
    std::fs::write(content.path().join("bad.md"), "no front matter").unwrap();
    let r = scan(&ob, content.path()).await.unwrap();
    assert_eq!(
        r,
        ScanReport {
            media: 0,
            published: 1,
            withdrawn: 0,
            rejected: 1
        }
    );
    // Nothing changed: nothing queued, broken file not reported again.
    assert_eq!(
        scan(&ob, content.path()).await.unwrap(),
        ScanReport::default()
    );
    std::thread::sleep(std::time::Duration::from_millis(20));
    std::fs::write(content.path().join("a.md"), item("Hai")).unwrap();
    assert_eq!(scan(&ob, content.path()).await.unwrap().published, 1);
    std::fs::remove_file(content.path().join("a.md")).unwrap();
    std::fs::remove_file(content.path().join("bad.md")).unwrap();
    assert_eq!(scan(&ob, content.path()).await.unwrap().withdrawn, 1);
    let kinds: Vec<String> = ob
        .peek(10)
        .await
        .into_iter()
        .map(|e| e.kind().to_string())
        .collect();
    assert_eq!(kinds, ["publish", "publish"]);
    assert_eq!(ob.depth().await.unwrap(), 3);
    assert_eq!(ob.recent_rejections(10).await.unwrap().len(), 1);
}

#[tokio::test]
async fn media_beside_items_are_queued_first_and_linked_by_hash() {
    let (out, content) = outbox_and_folder();
    let ob = Outbox::open(out.path()).await.unwrap();
    std::fs::create_dir_all(content.path().join("anh")).unwrap();
    let png = b"\x89PNG\r\n\x1a\nnot really an image".to_vec();
    let sha = hex::encode(Sha256::digest(&png));
    std::fs::write(content.path().join("anh/cau.png"), &png).unwrap();
    std::fs::write(
        content.path().join("a.md"),
        "---\nid: a\n---\n![Cầu Rạch Miễu](anh/cau.png) [tải về](anh/cau.png)\n",
    )
    .unwrap();
    std::fs::write(
        content.path().join("b.md"),
        "---\nid: b\n---\n![x](anh/khong-co.png)\n",
    )
    .unwrap();
    let r = scan(&ob, content.path()).await.unwrap();
    assert_eq!((r.media, r.published, r.rejected), (1, 1, 1));
    let batch = ob.peek(10).await;
    assert_eq!(batch[0].kind(), "media");
    assert_eq!(batch[0].subject(), sha);
    let rest = ob.peek(10).await;
    assert_eq!(rest.len(), 1);
    ob.complete(&[crate::outbox::Answer {
        seq: batch[0].seq,
        item_id: sha.clone(),
        rejected: None,
    }])
    .await
    .unwrap();
    let items = ob.peek(10).await;
    let draft = items[0].draft().unwrap();
    assert!(
        draft
            .body_markdown
            .contains(&format!("![Cầu Rạch Miễu](media:{sha})")),
        "{}",
        draft.body_markdown
    );
    assert!(
        draft
            .body_markdown
            .contains(&format!("[tải về](media:{sha})"))
    );
    // Deleting a medium withdraws nothing.
    std::fs::remove_file(content.path().join("anh/cau.png")).unwrap();
    assert_eq!(scan(&ob, content.path()).await.unwrap().withdrawn, 0);
}

#[tokio::test]
async fn an_item_missing_a_medium_is_read_again_when_it_appears_and_only_then() {
    let (out, content) = outbox_and_folder();
    let ob = Outbox::open(out.path()).await.unwrap();
    let dir = content.path();
    std::fs::write(dir.join("cau.md"), item("cau", "![Cầu](anh/cau.png)")).unwrap();
    std::fs::write(dir.join("hong.md"), "no front matter").unwrap();
    let mut scanner = Scanner::load(ob.clone(), dir.to_path_buf()).await.unwrap();
    assert_eq!(scanner.scan_all().await.unwrap().rejected, 2);
    // Neither broken file is reported again while nothing changes.
    assert_eq!(scanner.scan_all().await.unwrap(), ScanReport::default());
    assert_eq!(ob.awaited_media().await.unwrap(), ["anh/cau.png"]);

    // The medium appears (in a folder of its own, as a CMS writes it): the item follows it.
    std::fs::create_dir_all(dir.join("anh")).unwrap();
    std::fs::write(dir.join("anh/cau.png"), b"\x89PNG\r\n\x1a\ncau").unwrap();
    let r = scanner.check(["anh".to_string()]).await.unwrap();
    assert_eq!((r.media, r.published, r.rejected), (1, 1, 0), "{r:?}");
    assert_eq!(
        queued(&ob).await,
        [
            (
                "media".into(),
                hex::encode(Sha256::digest(b"\x89PNG\r\n\x1a\ncau"))
            ),
            ("publish".into(), "cau".into())
        ]
    );
    assert!(
        ob.awaited_media().await.unwrap().is_empty(),
        "the wait is over"
    );
    assert_eq!(scanner.scan_all().await.unwrap(), ScanReport::default());
}

#[tokio::test]
async fn a_medium_that_appeared_while_the_agent_was_stopped_releases_its_items_at_start() {
    let (out, content) = outbox_and_folder();
    let dir = content.path();
    {
        let ob = Outbox::open(out.path()).await.unwrap();
        std::fs::write(dir.join("a.md"), item("a", "![A](a.png)")).unwrap();
        std::fs::write(dir.join("b.md"), item("b", "![A](a.png) ![B](b.png)")).unwrap();
        assert_eq!(scan(&ob, dir).await.unwrap().rejected, 2);
        ob.close().await.unwrap();
    }
    std::fs::write(dir.join("a.png"), b"\x89PNG\r\n\x1a\na").unwrap();
    let ob = Outbox::open(out.path()).await.unwrap();
    let r = scan(&ob, dir).await.unwrap();
    // a.md is complete now; b.md still misses b.png and says so once more.
    assert_eq!((r.media, r.published, r.rejected), (1, 1, 1), "{r:?}");
    assert_eq!(ob.awaited_media().await.unwrap(), ["b.png"]);
    assert_eq!(scan(&ob, dir).await.unwrap(), ScanReport::default());
    std::fs::write(dir.join("b.png"), b"\x89PNG\r\n\x1a\nb").unwrap();
    let r = scan(&ob, dir).await.unwrap();
    assert_eq!((r.media, r.published, r.rejected), (1, 1, 0), "{r:?}");
}

#[tokio::test]
async fn an_item_edited_while_it_waits_is_not_read_again_for_the_old_wait() {
    let (out, content) = outbox_and_folder();
    let ob = Outbox::open(out.path()).await.unwrap();
    let dir = content.path();
    std::fs::write(dir.join("a.md"), item("a", "![A](a.png)")).unwrap();
    let mut scanner = Scanner::load(ob.clone(), dir.to_path_buf()).await.unwrap();
    assert_eq!(scanner.scan_all().await.unwrap().rejected, 1);
    // The editor drops the picture instead: the file is read for that change only.
    std::fs::write(dir.join("a.md"), item("a", "Không có ảnh.")).unwrap();
    assert_eq!(scanner.check(["a.md".into()]).await.unwrap().published, 1);
    std::fs::write(dir.join("a.png"), b"\x89PNG\r\n\x1a\na").unwrap();
    let r = scanner.check(["a.png".into()]).await.unwrap();
    assert_eq!((r.media, r.published), (1, 0), "{r:?}");
}

#[tokio::test]
async fn single_paths_folders_and_renames() {
    let (out, content) = outbox_and_folder();
    let ob = Outbox::open(out.path()).await.unwrap();
    let dir = content.path();
    let mut scanner = Scanner::load(ob.clone(), dir.to_path_buf()).await.unwrap();
    assert_eq!(scanner.scan_all().await.unwrap(), ScanReport::default());

    std::fs::create_dir_all(dir.join("2024/06")).unwrap();
    std::fs::write(dir.join("2024/06/a.md"), item("a", "x")).unwrap();
    std::fs::write(dir.join("2024/b.md"), item("b", "x")).unwrap();
    std::fs::write(dir.join("2024/ghi-chu.txt"), "not an item").unwrap();
    // The watcher reports the folder that was created: everything under it is read.
    assert_eq!(scanner.check(["2024".into()]).await.unwrap().published, 2);
    assert_eq!(scanner.len(), 2);
    // A path that did not change costs a stat.
    assert_eq!(
        scanner.check(["2024/b.md".into()]).await.unwrap(),
        ScanReport::default()
    );
    // A file renamed within the folder keeps its item: published from the new name, and the
    // old name lets go without withdrawing it.
    std::fs::rename(dir.join("2024/b.md"), dir.join("2024/b-moi.md")).unwrap();
    let r = scanner
        .check(["2024/b.md".into(), "2024/b-moi.md".into()])
        .await
        .unwrap();
    assert_eq!((r.published, r.withdrawn), (1, 0), "{r:?}");
    // A folder moved away withdraws what it held.
    std::fs::rename(dir.join("2024"), out.path().join("2024")).unwrap();
    let r = scanner.check(["2024".into()]).await.unwrap();
    assert_eq!(r.withdrawn, 2, "{r:?}");
    assert!(scanner.is_empty());
    // A folder that disappears altogether is an error, not the deletion of every file.
    std::fs::write(dir.join("c.md"), item("c", "x")).unwrap();
    scanner.check(["c.md".into()]).await.unwrap();
    let moved = out.path().join("content-moved");
    std::fs::rename(dir, &moved).unwrap();
    assert!(scanner.check(["c.md".into()]).await.is_err());
    assert!(scanner.scan_all().await.is_err());
    assert_eq!(scanner.len(), 1);
    std::fs::rename(&moved, dir).unwrap();
}

#[tokio::test]
async fn the_index_is_reloaded_from_the_outbox_and_only_follows_commits() {
    let (out, content) = outbox_and_folder();
    let dir = content.path();
    let ob = Outbox::open(out.path()).await.unwrap();
    for i in 0..20 {
        std::fs::write(dir.join(format!("t{i}.md")), item(&format!("t{i}"), "x")).unwrap();
    }
    let mut scanner = Scanner::load(ob.clone(), dir.to_path_buf()).await.unwrap();
    assert_eq!(scanner.scan_all().await.unwrap().published, 20);
    // A new scanner (as after a crash) knows exactly what the outbox committed.
    let mut again = Scanner::load(ob.clone(), dir.to_path_buf()).await.unwrap();
    assert_eq!(again.len(), 20);
    assert_eq!(again.scan_all().await.unwrap(), ScanReport::default());
    // A change whose commit fails is not remembered: it is queued once the outbox works.
    let before = again.index["t3.md"].stat;
    std::fs::write(dir.join("t3.md"), item("t3", "changed, longer")).unwrap();
    ob.clone().close().await.unwrap();
    assert!(again.check(["t3.md".into()]).await.is_err());
    assert_eq!(again.index["t3.md"].stat, before);
    let ob = Outbox::open(out.path()).await.unwrap();
    let mut after = Scanner::load(ob.clone(), dir.to_path_buf()).await.unwrap();
    assert_eq!(after.scan_all().await.unwrap().published, 1);
}

#[tokio::test]
async fn a_published_file_that_breaks_and_is_then_deleted_withdraws_its_item() {
    let (out, content) = outbox_and_folder();
    let ob = Outbox::open(out.path()).await.unwrap();
    let dir = content.path();
    std::fs::write(dir.join("a.md"), item("a", "x")).unwrap();
    assert_eq!(scan(&ob, dir).await.unwrap().published, 1);
    std::fs::write(dir.join("a.md"), "the front matter is gone").unwrap();
    assert_eq!(scan(&ob, dir).await.unwrap().rejected, 1);
    std::fs::remove_file(dir.join("a.md")).unwrap();
    assert_eq!(scan(&ob, dir).await.unwrap().withdrawn, 1);
    assert_eq!(
        queued(&ob).await,
        [
            ("publish".into(), "a".into()),
            ("withdraw".into(), "a".into())
        ]
    );
}
