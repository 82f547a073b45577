//! Helpers shared by the store's test files: throw-away stores, items, enrolled agents, and
//! the macro that runs one scenario on both databases.
#![allow(dead_code)] // each test file uses some of them

use portal_core::{ItemDraft, TenantKind, UnixMillis};
use portal_store::{Actor, AgentClaims, IngestEntry, IssuedSerial, Store, testing};

pub(crate) const NOW: UnixMillis = UnixMillis::from_millis(1_800_000_000_000);

pub(crate) fn operator() -> Actor {
    Actor::Operator("test".into())
}

pub(crate) async fn sqlite() -> (Store, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&testing::sqlite_url(dir.path())).await.unwrap();
    (store, dir)
}

/// A store on a new PostgreSQL database, dropped with the second value.
pub(crate) async fn postgres() -> (Store, testing::ScratchDatabase) {
    let db = testing::ScratchDatabase::create("portal_store_test")
        .await
        .expect("PostgreSQL must be running for the store tests (see deploy/test-deps.sh)");
    (Store::open(db.url()).await.unwrap(), db)
}

/// `both_databases!(scenario, ...)`: for each `async fn scenario(store: Store)`, a module
/// `scenario` with the tests `sqlite` and `postgres` that run it on a new store of each kind.
#[macro_export]
macro_rules! both_databases {
    ($($scenario:ident),+ $(,)?) => {$(
        mod $scenario {
            #[tokio::test]
            async fn sqlite() {
                let (store, _dir) = $crate::common::sqlite().await;
                super::$scenario(store).await;
            }

            #[tokio::test]
            async fn postgres() {
                let (store, _db) = $crate::common::postgres().await;
                super::$scenario(store).await;
            }
        }
    )+};
}

pub(crate) fn draft(id: &str, title: &str) -> ItemDraft {
    ItemDraft {
        id: id.into(),
        title: title.into(),
        category: "news".into(),
        language: "vi".into(),
        author: "Phòng Thông tin".into(),
        source: "Sở Tài chính".into(),
        published_at_ms: NOW.as_millis() - 1000,
        body_markdown: "Nội dung".into(),
        ..Default::default()
    }
}

pub(crate) fn entry(seq: i64, d: ItemDraft) -> IngestEntry {
    IngestEntry {
        seq,
        item_id: d.id.clone(),
        item: d.validate(NOW.as_millis()),
    }
}

pub(crate) async fn enrolled(store: &Store, slug: &str) -> portal_store::AgentAuth {
    store
        .add_tenant(
            slug,
            "Sở Tài chính",
            TenantKind::Department,
            &operator(),
            NOW,
        )
        .await
        .unwrap();
    another_agent(store, slug, "").await
}

/// The claims of a certificate issued to `agent-<slug><suffix>` (see [`another_agent`]).
pub(crate) fn claims_of(slug: &str, suffix: &str) -> AgentClaims {
    AgentClaims {
        agent_id: format!("agent-{slug}{suffix}"),
        tenant_slug: slug.into(),
        serial_hex: format!("serial-{slug}{suffix}"),
    }
}

/// Enrolls one more agent of an existing tenant (`agent-<slug><suffix>`).
pub(crate) async fn another_agent(
    store: &Store,
    slug: &str,
    suffix: &str,
) -> portal_store::AgentAuth {
    let token = format!("hash-{slug}{suffix}");
    store
        .add_enrollment_token(
            slug,
            &token,
            NOW.saturating_add(std::time::Duration::from_secs(60)),
            &operator(),
            NOW,
        )
        .await
        .unwrap();
    let claims = claims_of(slug, suffix);
    let issued = IssuedSerial {
        serial_hex: claims.serial_hex.clone(),
        not_after: NOW.saturating_add(std::time::Duration::from_secs(1)),
    };
    store
        .enroll_agent(&token, &claims.agent_id, "test", &issued, NOW)
        .await
        .unwrap();
    store.authorise_agent(&claims).await.unwrap()
}
