//! The watcher sees every kind of change a CMS makes, with the safety-net rescan too far off to
//! have seen any of them.

use super::*;
use sha2::Digest;

const HOUR: Duration = Duration::from_secs(3600);

struct Running {
    outbox: Outbox,
    task: tokio::task::JoinHandle<()>,
    _out: tempfile::TempDir,
}

impl Drop for Running {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn start(dir: &Path, timing: Timing) -> Running {
    let out = tempfile::tempdir().unwrap();
    let outbox = Outbox::open(out.path()).await.unwrap();
    let (ob, dir) = (outbox.clone(), dir.to_path_buf());
    let task = tokio::spawn(async move { run(&ob, &dir, timing, &Notify::new()).await });
    Running {
        outbox,
        task,
        _out: out,
    }
}

/// Waits until the outbox holds `want` (kind, item id) entries beyond those taken before, and
/// takes them.
async fn expect(ob: &Outbox, want: &[(&str, &str)]) {
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut got: Vec<(String, String)> = Vec::new();
    while got.len() < want.len() {
        assert!(
            Instant::now() < deadline,
            "expected {want:?}, the outbox holds {got:?}"
        );
        let batch = ob.peek(100).await;
        if batch.is_empty() {
            tokio::time::sleep(Duration::from_millis(20)).await;
            continue;
        }
        let answers: Vec<_> = batch
            .iter()
            .map(|e| crate::outbox::Answer {
                seq: e.seq,
                item_id: e.subject().to_string(),
                rejected: None,
            })
            .collect();
        ob.complete(&answers).await.unwrap();
        got.extend(
            batch
                .into_iter()
                .map(|e| (e.kind().to_string(), e.subject().to_string())),
        );
    }
    let want: Vec<(String, String)> = want
        .iter()
        .map(|(k, i)| (k.to_string(), i.to_string()))
        .collect();
    assert_eq!(got, want);
}

fn item(id: &str, title: &str) -> String {
    format!("---\nid: {id}\ntitle: {title}\n---\nNội dung\n")
}

/// Writes as a CMS exporting atomically does: a temporary file renamed over the real one.
fn write_atomically(path: &Path, text: &str) {
    let name = path.file_name().unwrap().to_str().unwrap();
    let tmp = path.with_file_name(format!(".{name}.tmp"));
    std::fs::write(&tmp, text).unwrap();
    std::fs::rename(tmp, path).unwrap();
}

#[tokio::test]
async fn the_watcher_sees_changes_that_no_rescan_could_have() {
    let content = tempfile::tempdir().unwrap();
    let dir = content.path();
    std::fs::write(dir.join("co-san.md"), item("co-san", "Có sẵn")).unwrap();
    let timing = Timing {
        watch: true,
        debounce: Duration::from_millis(50),
        full_rescan: HOUR,
        poll: HOUR,
    };
    let agent = start(dir, timing).await;
    let ob = &agent.outbox;
    // The first scan at start.
    expect(ob, &[("publish", "co-san")]).await;

    std::fs::write(dir.join("moi.md"), item("moi", "Mới")).unwrap();
    expect(ob, &[("publish", "moi")]).await;
    // Renamed over by a temporary file, as a CMS exports.
    write_atomically(&dir.join("moi.md"), &item("moi", "Mới, sửa lần một"));
    expect(ob, &[("publish", "moi")]).await;
    // Written in place.
    std::fs::write(dir.join("moi.md"), item("moi", "Mới, sửa lần hai, dài hơn")).unwrap();
    expect(ob, &[("publish", "moi")]).await;
    std::fs::remove_file(dir.join("co-san.md")).unwrap();
    expect(ob, &[("withdraw", "co-san")]).await;
    // A new sub-folder with a picture and the item that shows it.
    std::fs::create_dir_all(dir.join("2024/anh")).unwrap();
    std::fs::write(dir.join("2024/anh/a.png"), b"\x89PNG\r\n\x1a\na").unwrap();
    std::fs::write(
        dir.join("2024/a.md"),
        format!("{}![Ảnh](anh/a.png)\n", item("a", "A")),
    )
    .unwrap();
    let sha = hex::encode(sha2::Sha256::digest(b"\x89PNG\r\n\x1a\na"));
    expect(ob, &[("media", &sha), ("publish", "a")]).await;
    // A burst of files is read once each.
    for i in 0..50 {
        write_atomically(
            &dir.join(format!("2024/t{i}.md")),
            &item(&format!("t{i}"), "T"),
        );
    }
    let ids: Vec<String> = (0..50).map(|i| format!("t{i}")).collect();
    let want: Vec<(&str, &str)> = ids.iter().map(|i| ("publish", i.as_str())).collect();
    let mut want = want;
    want.sort_by_key(|(_, i)| i.to_string());
    let mut got = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(10);
    while got.len() < 50 && Instant::now() < deadline {
        for e in ob.peek(100).await {
            ob.complete(&[crate::outbox::Answer {
                seq: e.seq,
                item_id: e.subject().to_string(),
                rejected: None,
            }])
            .await
            .unwrap();
            got.push(e.subject().to_string());
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    got.sort();
    let mut ids = ids;
    ids.sort();
    assert_eq!(got, ids);
    // Nothing is queued twice.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(ob.depth().await.unwrap(), 0);
}

#[tokio::test]
async fn without_a_watcher_the_folder_is_rescanned() {
    let content = tempfile::tempdir().unwrap();
    let dir = content.path();
    let timing = Timing {
        watch: false,
        debounce: Duration::from_millis(50),
        full_rescan: HOUR,
        poll: Duration::from_millis(100),
    };
    let agent = start(dir, timing).await;
    std::fs::write(dir.join("a.md"), item("a", "A")).unwrap();
    expect(&agent.outbox, &[("publish", "a")]).await;
    std::fs::remove_file(dir.join("a.md")).unwrap();
    expect(&agent.outbox, &[("withdraw", "a")]).await;
}

#[test]
fn paths_relative_to_the_folder() {
    let dir = Path::new("/srv/export");
    assert_eq!(
        relative(dir, Path::new("/srv/export/2024/a.md")).as_deref(),
        Some("2024/a.md")
    );
    assert_eq!(relative(dir, Path::new("/srv/export")).as_deref(), Some(""));
    assert_eq!(relative(dir, Path::new("/srv/other/a.md")), None);
}

#[test]
fn what_the_watchers_thread_hands_over() {
    use notify::event::{CreateKind, Flag, RemoveKind};
    let root = Path::new("/srv/export");
    let inbox = Inbox::default();
    let ev = |kind, path: &str| Ok(notify::Event::new(kind).add_path(PathBuf::from(path)));
    // Reads change nothing and do not even wake the loop.
    inbox.handle(
        root,
        ev(
            EventKind::Access(AccessKind::Open(AccessMode::Any)),
            "/srv/export/a.md",
        ),
    );
    inbox.handle(
        root,
        ev(
            EventKind::Access(AccessKind::Close(AccessMode::Read)),
            "/srv/export/a.md",
        ),
    );
    let p = inbox.take();
    assert!(p.paths.is_empty() && p.last.is_none());
    // Changes are collected once per path.
    inbox.handle(
        root,
        ev(EventKind::Create(CreateKind::File), "/srv/export/b.md"),
    );
    inbox.handle(
        root,
        ev(
            EventKind::Access(AccessKind::Close(AccessMode::Write)),
            "/srv/export/b.md",
        ),
    );
    let p = inbox.take();
    assert_eq!(p.paths.len(), 1);
    assert!(p.last.is_some() && !p.rescan && p.broken.is_none());
    // Lost events ask for a full rescan; the folder itself going away breaks the watch.
    inbox.handle(
        root,
        Ok(notify::Event::new(EventKind::Other).set_flag(Flag::Rescan)),
    );
    assert!(inbox.take().rescan);
    inbox.handle(
        root,
        ev(EventKind::Remove(RemoveKind::Folder), "/srv/export"),
    );
    assert!(inbox.take().broken.is_some());
    inbox.handle(
        root,
        Err(notify::Error::new(notify::ErrorKind::MaxFilesWatch)),
    );
    assert!(inbox.take().broken.is_some());
    inbox.handle(root, Err(notify::Error::generic("read failed")));
    assert!(inbox.take().rescan);
}

#[tokio::test]
async fn a_folder_missing_at_start_is_picked_up_when_it_appears() {
    let parent = tempfile::tempdir().unwrap();
    let dir = parent.path().join("export");
    let timing = Timing {
        watch: true,
        debounce: Duration::from_millis(20),
        full_rescan: Duration::from_millis(300),
        poll: Duration::from_millis(100),
    };
    let agent = start(&dir, timing).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("a.md"), item("a", "A")).unwrap();
    expect(&agent.outbox, &[("publish", "a")]).await;
    // And so is what changes after the watcher could be set up (at the next safety-net
    // interval).
    tokio::time::sleep(Duration::from_millis(400)).await;
    std::fs::write(dir.join("b.md"), item("b", "B")).unwrap();
    expect(&agent.outbox, &[("publish", "b")]).await;
}
