use portal_core::ItemDraft;
use sea_orm::{ConnectionTrait, Statement};
use sea_orm_migration::MigratorTrait;

use super::entry::Entry;
use super::*;

const ANY: BatchLimits = BatchLimits {
    entries: 100,
    bytes: 1 << 30,
    alone: 1 << 30,
};

fn draft(id: &str) -> ItemDraft {
    ItemDraft {
        id: id.into(),
        ..Default::default()
    }
}

async fn batch(ob: &Outbox, limits: BatchLimits) -> Vec<Queued> {
    match ob.next_batch(limits).await.unwrap() {
        Next::Batch(b) => b,
        Next::Empty => Vec::new(),
        Next::TooLarge(q) => panic!("too large: {}", q.seq),
    }
}

#[tokio::test]
async fn sequence_numbers_are_never_reused_and_sync_above_the_hub() {
    let dir = tempfile::tempdir().unwrap();
    let ob = Outbox::open(dir.path()).await.unwrap();
    assert!(ob.needs_seq_sync().await.unwrap());
    let s1 = ob.enqueue_publish(&draft("a"), None).await.unwrap();
    // The hub had seen up to 40 from this agent (its outbox was lost).
    ob.sync_seq(40).await.unwrap();
    assert!(!ob.needs_seq_sync().await.unwrap());
    let b = batch(&ob, ANY).await;
    assert_eq!(b.len(), 1);
    assert!(
        b[0].seq > 40,
        "renumbered above the hub: {} (was {s1})",
        b[0].seq
    );
    assert_eq!(
        b[0].entry,
        Entry::publish(&draft("a")),
        "renumbered unchanged"
    );
    ob.complete(&[Answer {
        seq: b[0].seq,
        item_id: "a".into(),
        rejected: None,
    }])
    .await
    .unwrap();
    assert_eq!(ob.depth().await.unwrap(), 0);
    // After deleting the newest row, the next seq is still higher.
    let s3 = ob.enqueue_withdraw("a", "gone", None).await.unwrap();
    assert!(s3 > b[0].seq);
    ob.close().await.unwrap();
    let ob = Outbox::open(dir.path()).await.unwrap();
    assert!(!ob.needs_seq_sync().await.unwrap());
    let s4 = ob.enqueue_withdraw("b", "gone", None).await.unwrap();
    assert!(s4 > s3);
}

#[tokio::test]
async fn batches_do_not_mix_kinds() {
    let dir = tempfile::tempdir().unwrap();
    let ob = Outbox::open(dir.path()).await.unwrap();
    ob.enqueue_publish(&draft("a"), None).await.unwrap();
    ob.enqueue_publish(&draft("a"), None).await.unwrap();
    ob.enqueue_withdraw("a", "x", None).await.unwrap();
    ob.enqueue_publish(&draft("a"), None).await.unwrap();
    let b = batch(&ob, ANY).await;
    assert_eq!(b.len(), 2);
    assert!(b.iter().all(|q| matches!(q.entry, Entry::Publish { .. })));
}

/// Twenty items of 1 MB do not go in one batch: batches stop at the byte limit (and the count);
/// an entry larger than that still goes alone, and one larger than any message the hub accepts
/// is handed back as too large.
#[tokio::test]
async fn batches_are_bounded_by_bytes_as_well_as_count() {
    let dir = tempfile::tempdir().unwrap();
    let ob = Outbox::open(dir.path()).await.unwrap();
    for i in 0..20 {
        let mut d = draft(&format!("lon-{i}"));
        d.body_markdown = "x".repeat(1_000_000);
        ob.enqueue_publish(&d, None).await.unwrap();
    }
    let limits = BatchLimits {
        entries: 200,
        bytes: 4 << 20,
        alone: 16 << 20,
    };
    let b = batch(&ob, limits).await;
    assert_eq!(b.len(), 4, "4 MiB hold four entries of 1 MB");
    let few = batch(
        &ob,
        BatchLimits {
            entries: 2,
            bytes: 4 << 20,
            alone: 16 << 20,
        },
    )
    .await;
    assert_eq!(few.len(), 2);
    // One entry more than the packing budget still goes, alone.
    let alone = batch(
        &ob,
        BatchLimits {
            entries: 200,
            bytes: 500_000,
            alone: 16 << 20,
        },
    )
    .await;
    assert_eq!(alone.len(), 1);
    match ob
        .next_batch(BatchLimits {
            entries: 200,
            bytes: 500_000,
            alone: 900_000,
        })
        .await
        .unwrap()
    {
        Next::TooLarge(q) => assert_eq!(q.seq, b[0].seq),
        other => panic!("{other:?}"),
    }
    // Refused here, it leaves the queue with its reason; the others stay.
    ob.refuse(&b[0], "too large").await.unwrap();
    assert_eq!(ob.depth().await.unwrap(), 19);
    let rejected = ob.recent_rejections(5).await.unwrap();
    assert_eq!(rejected[0].3[0].reason, "too large");
}

/// An entry queued by an agent of before the outbox had formats (the JSON of that day's
/// `ItemDraft`) is read back exactly after the upgrade; one that cannot be read is parked
/// with its reason, never dropped.
#[tokio::test]
async fn entries_queued_before_the_upgrade_are_sent_unchanged_or_parked() {
    let dir = tempfile::tempdir().unwrap();
    let ob = Outbox::open(dir.path()).await.unwrap();
    // Back to the schema of the agent before formats, and a row as it wrote them.
    migration::Migrator::down(&ob.db, Some(1)).await.unwrap();
    let old = r#"{"id":"cu","title":"Tin cũ","category":"news","language":"vi","author":"A","source":"B","source_url":"","published_at_ms":1715650200000,"summary":"","tags":["x"],"body_markdown":"Nội dung","translation_id":"","record":{},"notes":[]}"#;
    for (kind, subject, payload) in [
        ("publish", "cu", old),
        ("withdraw", "cu-hon", "file deleted on the component portal"),
        ("publish", "hong", "{\"id\": \"hong\""),
    ] {
        ob.db
            .execute_raw(Statement::from_sql_and_values(
                ob.db.get_database_backend(),
                "INSERT INTO outbox (kind, item_id, payload, created_at) VALUES (?, ?, ?, 1)",
                [kind.into(), subject.into(), payload.into()],
            ))
            .await
            .unwrap();
    }
    ob.close().await.unwrap();
    let ob = Outbox::open(dir.path()).await.unwrap();
    let b = batch(&ob, ANY).await;
    let want = ItemDraft {
        id: "cu".into(),
        title: "Tin cũ".into(),
        category: "news".into(),
        language: "vi".into(),
        author: "A".into(),
        source: "B".into(),
        published_at_ms: 1_715_650_200_000,
        tags: vec!["x".into()],
        body_markdown: "Nội dung".into(),
        ..Default::default()
    };
    assert_eq!(b.len(), 1);
    assert_eq!(b[0].entry, Entry::publish(&want));
    ob.complete(&[Answer {
        seq: b[0].seq,
        item_id: "cu".into(),
        rejected: None,
    }])
    .await
    .unwrap();
    let w = batch(&ob, ANY).await;
    assert_eq!(
        w[0].entry,
        Entry::Withdraw {
            item_id: "cu-hon".into(),
            reason: "file deleted on the component portal".into()
        }
    );
    ob.complete(&[Answer {
        seq: w[0].seq,
        item_id: "cu-hon".into(),
        rejected: None,
    }])
    .await
    .unwrap();
    // The broken one is moved aside on the way, with why; nothing is left to send.
    assert!(batch(&ob, ANY).await.is_empty());
    let parked = ob.parked().await.unwrap();
    assert_eq!(parked.len(), 1, "{parked:?}");
    assert_eq!(parked[0].2, "hong");
    assert!(parked[0].3.contains("cannot be read"), "{parked:?}");
}

#[tokio::test]
async fn a_stalled_queue_says_why_until_sending_works_again() {
    let dir = tempfile::tempdir().unwrap();
    let ob = Outbox::open(dir.path()).await.unwrap();
    assert_eq!(ob.stalled().await.unwrap(), None);
    ob.record_send_failure("the hub could not be reached", false)
        .await
        .unwrap();
    let Some(Stalled::Failing { since_ms, reason }) = ob.stalled().await.unwrap() else {
        panic!()
    };
    assert_eq!(reason, "the hub could not be reached");
    ob.record_send_failure("still down", false).await.unwrap();
    assert!(matches!(
        ob.stalled().await.unwrap(),
        Some(Stalled::Failing { since_ms: s, .. }) if s == since_ms
    ));
    ob.record_send_failure("agent x has been revoked", true)
        .await
        .unwrap();
    assert!(matches!(
        ob.stalled().await.unwrap(),
        Some(Stalled::Refused { .. })
    ));
    ob.record_send_success().await.unwrap();
    assert_eq!(ob.stalled().await.unwrap(), None);
}

#[tokio::test]
async fn the_outbox_is_private_whatever_the_umask() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let ob = Outbox::open(dir.path()).await.unwrap();
    ob.enqueue_withdraw("a", "x", None).await.unwrap();
    for f in ["outbox.db", "outbox.db-wal"] {
        let mode = std::fs::metadata(dir.path().join(f))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "{f}");
    }
}
