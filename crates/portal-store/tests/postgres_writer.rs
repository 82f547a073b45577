//! The PostgreSQL writer's own concerns: statistics of a young table, and its connection.

mod common;

use common::{NOW, draft, enrolled, entry, postgres};
use portal_core::ProvinceReview;
use portal_store::Outcome;

/// A young items table gets planner statistics from the writer itself, long before
/// autovacuum would look at it (after a minute at the earliest).
#[tokio::test]
async fn postgres_writer_analyzes_a_young_items_table() {
    use sea_orm::ConnectionTrait;
    let (store, _db) = postgres().await;
    let auth = enrolled(&store, "sdl").await;
    let reltuples = || async {
        portal_store::testing::connection(&store)
            .query_one_raw(sea_orm::Statement::from_string(
                sea_orm::DbBackend::Postgres,
                "SELECT reltuples::bigint AS n FROM pg_class WHERE oid = 'items'::regclass",
            ))
            .await
            .unwrap()
            .unwrap()
            .try_get::<i64>("", "n")
            .unwrap()
    };
    assert!(reltuples().await <= 0, "a new table has no statistics yet");
    for batch in 0..11 {
        let entries = (0..100)
            .map(|i| {
                let n = batch * 100 + i;
                entry(n + 1, draft(&format!("bai-{n}"), &format!("Bài {n}")))
            })
            .collect();
        store
            .publish(&auth, entries, ProvinceReview::Approved, NOW)
            .await
            .unwrap();
    }
    // The analysis runs right after the commit that crossed 1,000 new items.
    let mut n = reltuples().await;
    for _ in 0..50 {
        if n >= 1_000 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        n = reltuples().await;
    }
    assert!(n >= 1_000, "items were not analyzed: reltuples = {n}");
}

/// The server drops every connection (a restart, a failover): the writer's own connection is
/// replaced, and publishing works again after at most a failed attempt, which the agent
/// retries; nothing is stored twice.
#[tokio::test]
async fn postgres_writer_reconnects_after_its_connection_is_dropped() {
    use sea_orm::ConnectionTrait;
    let (store, db) = postgres().await;
    let url = db.url();
    let auth = enrolled(&store, "syt").await;
    let tenant = store.tenant_by_slug("syt").await.unwrap().unwrap();
    let r = store
        .publish(
            &auth,
            vec![entry(1, draft("truoc", "Trước"))],
            ProvinceReview::Approved,
            NOW,
        )
        .await
        .unwrap();
    assert_eq!(r[0].outcome, Outcome::Accepted);

    let admin = sea_orm::Database::connect(url).await.unwrap();
    let killed = admin
        .query_all_raw(sea_orm::Statement::from_string(
            sea_orm::DbBackend::Postgres,
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
             WHERE datname = current_database() AND pid <> pg_backend_pid()",
        ))
        .await
        .unwrap();
    assert!(killed.len() >= 2, "the pool's and the writer's connections");

    // As the agent does: the same entry again until it is answered.
    let mut answered = None;
    for _ in 0..50 {
        match store
            .publish(
                &auth,
                vec![entry(2, draft("sau", "Sau"))],
                ProvinceReview::Approved,
                NOW,
            )
            .await
        {
            Ok(r) => {
                answered = Some(r);
                break;
            }
            Err(_) => tokio::time::sleep(std::time::Duration::from_millis(100)).await,
        }
    }
    let r = answered.expect("the writer never recovered its connection");
    assert!(matches!(
        r[0].outcome,
        Outcome::Accepted | Outcome::Duplicate
    ));
    assert_eq!(store.version_count(&tenant).await.unwrap(), 2);
}
