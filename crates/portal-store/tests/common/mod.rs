//! Helpers shared by the store's test files: throw-away stores, items, enrolled agents.
#![allow(dead_code)] // each test file uses some of them

use portal_core::ItemDraft;
use portal_store::{IngestEntry, IssuedSerial, Store, scratch};

pub const NOW: i64 = 1_800_000_000_000;

pub async fn sqlite() -> (Store, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&scratch::sqlite_url(dir.path())).await.unwrap();
    (store, dir)
}

/// A store on a new PostgreSQL database, dropped with the second value.
pub async fn postgres() -> (Store, scratch::ScratchDatabase) {
    let db = scratch::ScratchDatabase::create("portal_store_test")
        .await
        .expect("PostgreSQL must be running for the store tests (see .ci/run)");
    (Store::open(db.url()).await.unwrap(), db)
}

pub fn draft(id: &str, title: &str) -> ItemDraft {
    ItemDraft {
        id: id.into(),
        title: title.into(),
        category: "news".into(),
        language: "vi".into(),
        author: "Phòng Thông tin".into(),
        source: "Sở Tài chính".into(),
        published_at_ms: NOW - 1000,
        body_markdown: "Nội dung".into(),
        ..Default::default()
    }
}

pub fn entry(seq: i64, d: ItemDraft) -> IngestEntry {
    IngestEntry {
        seq,
        item_id: d.id.clone(),
        item: d.validate(NOW),
    }
}

pub async fn enrolled(store: &Store, slug: &str) -> portal_store::AgentAuth {
    store
        .add_tenant(slug, "Sở Tài chính", "department", "operator:test", NOW)
        .await
        .unwrap();
    another_agent(store, slug, "").await
}

/// Enrolls one more agent of an existing tenant (`agent-<slug><suffix>`).
pub async fn another_agent(store: &Store, slug: &str, suffix: &str) -> portal_store::AgentAuth {
    let token = format!("hash-{slug}{suffix}");
    store
        .add_enrollment_token(slug, &token, NOW + 60_000, "operator:test", NOW)
        .await
        .unwrap();
    let agent_id = format!("agent-{slug}{suffix}");
    let serial = format!("serial-{slug}{suffix}");
    let issued = serial.clone();
    store
        .enroll_agent(&token, &agent_id, "test", NOW, move |_| {
            Ok((
                "PEM".into(),
                IssuedSerial {
                    serial_hex: issued,
                    not_after: NOW + 1000,
                },
            ))
        })
        .await
        .unwrap();
    store
        .authorize_agent(&agent_id, slug, &serial)
        .await
        .unwrap()
}
