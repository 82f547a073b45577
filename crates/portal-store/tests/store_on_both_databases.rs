//! The store's guarantees, checked on SQLite and on PostgreSQL with the same code.

mod common;

use common::{NOW, another_agent, draft, enrolled, entry, postgres, sqlite};
use portal_core::ProvinceReview;
use portal_store::{IngestEntry, IssuedSerial, Outcome, Store, entity};

async fn versions_dedup_and_replay(store: Store) {
    let auth = enrolled(&store, "stc").await;
    let tenant = store.tenant_by_slug("stc").await.unwrap().unwrap();
    let mut bad = draft("bad", "");
    bad.language = "xx".into();
    let r = store
        .publish(
            &auth,
            vec![
                entry(1, draft("a", "Một")),
                entry(2, bad.clone()),
                entry(3, draft("b", "Hai")),
            ],
            ProvinceReview::Approved,
            NOW,
        )
        .await
        .unwrap();
    let outcomes: Vec<Outcome> = r.iter().map(|e| e.outcome).collect();
    assert_eq!(
        outcomes,
        [Outcome::Accepted, Outcome::Rejected, Outcome::Accepted]
    );
    assert!(r[1].errors.iter().any(|e| e.field == "title"));
    assert!(r[1].errors.iter().any(|e| e.field == "language"));

    // The same batch again, as after a lost answer: nothing new, the bad one still rejected.
    let again = store
        .publish(
            &auth,
            vec![
                entry(1, draft("a", "Một")),
                entry(2, bad),
                entry(3, draft("b", "Hai")),
            ],
            ProvinceReview::Approved,
            NOW,
        )
        .await
        .unwrap();
    let outcomes: Vec<Outcome> = again.iter().map(|e| e.outcome).collect();
    assert_eq!(
        outcomes,
        [Outcome::Duplicate, Outcome::Rejected, Outcome::Duplicate]
    );

    // Same content under a new seq: unchanged, no version. Changed content: version 2.
    let r = store
        .publish(
            &auth,
            vec![
                entry(4, draft("a", "Một")),
                entry(5, draft("a", "Một (sửa)")),
            ],
            ProvinceReview::Approved,
            NOW,
        )
        .await
        .unwrap();
    assert_eq!(r[0].outcome, Outcome::Unchanged);
    assert_eq!((r[1].outcome, r[1].version), (Outcome::Accepted, 2));
    let versions = store.item_versions(&tenant, "a").await.unwrap();
    assert_eq!(
        versions.iter().map(|v| v.version).collect::<Vec<_>>(),
        [1, 2]
    );
    assert_eq!(versions[1].title, "Một (sửa)");
    assert_eq!(store.version_count(&tenant).await.unwrap(), 3);
    // The page shows the body of the current version (stored once, with the version).
    let shown = store.published_item(&tenant, "a").await.unwrap().unwrap();
    assert_eq!((shown.version, shown.title.as_str()), (2, "Một (sửa)"));
    assert!(shown.body_html.contains("Nội dung"), "{}", shown.body_html);

    // Withdraw: gone from pages, kept in the archive; withdrawing again is unchanged.
    let w = store
        .withdraw(
            &auth,
            vec![(6, "a".into()), (7, "nope".into()), (8, "a".into())],
            NOW,
        )
        .await
        .unwrap();
    assert_eq!(
        w.iter().map(|e| e.outcome).collect::<Vec<_>>(),
        [Outcome::Accepted, Outcome::Rejected, Outcome::Unchanged]
    );
    assert!(store.published_item(&tenant, "a").await.unwrap().is_none());
    assert_eq!(
        store.item_state(&tenant, "a").await.unwrap().unwrap().0,
        "withdrawn"
    );
    assert_eq!(store.item_versions(&tenant, "a").await.unwrap().len(), 2);
    let front = store.front_page_items(10).await.unwrap();
    assert_eq!(front.items.len(), 1);
    assert_eq!(front.items[0].external_id, "b");
    assert!(store.change_feed_head().await.unwrap() >= 4);
    // The withdrawal is an event in the change feed, after the publications, like any change.
    let feed = store.change_feed_since(0, 100).await.unwrap();
    let kinds: Vec<(&str, Option<&str>)> = feed
        .iter()
        .map(|e| (e.kind.as_str(), e.external_id.as_deref()))
        .collect();
    assert!(kinds.contains(&("withdrawn", Some("a"))), "{kinds:?}");
    let pos = feed.iter().position(|e| e.kind == "withdrawn").unwrap();
    assert!(
        feed[..pos]
            .iter()
            .any(|e| e.kind == "published" && e.external_id.as_deref() == Some("a"))
    );
}

async fn tokens_are_single_use_and_expire(store: Store) {
    store
        .add_tenant("snv", "Sở Nội vụ", "department", "operator:test", NOW)
        .await
        .unwrap();
    store
        .add_enrollment_token("snv", "h1", NOW + 1000, "operator:test", NOW)
        .await
        .unwrap();
    store
        .add_enrollment_token("snv", "h2", NOW - 1, "operator:test", NOW - 5000)
        .await
        .unwrap();
    let sign = |_: &portal_store::Tenant| {
        Ok((
            "PEM".to_string(),
            IssuedSerial {
                serial_hex: "s1".into(),
                not_after: NOW,
            },
        ))
    };
    // A failing signer leaves the token usable.
    assert!(
        store
            .enroll_agent("h1", "ag0", "x", NOW, |_| Err("bad CSR".into()))
            .await
            .is_err()
    );
    store
        .enroll_agent("h1", "ag1", "x", NOW, sign)
        .await
        .unwrap();
    let second = store.enroll_agent("h1", "ag2", "x", NOW, sign).await;
    assert!(
        second
            .unwrap_err()
            .to_string()
            .contains("already been used")
    );
    let expired = store.enroll_agent("h2", "ag3", "x", NOW, sign).await;
    assert!(expired.unwrap_err().to_string().contains("expired"));
    assert!(
        store
            .enroll_agent("nope", "ag4", "x", NOW, sign)
            .await
            .is_err()
    );

    // Revocation and certificate binding.
    store.authorize_agent("ag1", "snv", "s1").await.unwrap();
    assert!(store.authorize_agent("ag1", "other", "s1").await.is_err());
    assert!(
        store
            .authorize_agent("ag1", "snv", "s-unknown")
            .await
            .is_err()
    );
    store
        .revoke_agent("ag1", "operator:test", NOW)
        .await
        .unwrap();
    assert!(store.authorize_agent("ag1", "snv", "s1").await.is_err());
}

#[tokio::test]
async fn sqlite_versions_dedup_and_replay() {
    let (store, _dir) = sqlite().await;
    versions_dedup_and_replay(store).await;
}

#[tokio::test]
async fn postgres_versions_dedup_and_replay() {
    let (store, _db) = postgres().await;
    versions_dedup_and_replay(store).await;
}

#[tokio::test]
async fn sqlite_tokens_are_single_use_and_expire() {
    let (store, _dir) = sqlite().await;
    tokens_are_single_use_and_expire(store).await;
}

#[tokio::test]
async fn postgres_tokens_are_single_use_and_expire() {
    let (store, _db) = postgres().await;
    tokens_are_single_use_and_expire(store).await;
}

/// Many agents publishing at once share group commits; each still gets exactly its own results,
/// and each item exists once.
async fn concurrent_agents_share_group_commits(store: Store) {
    let mut auths = Vec::new();
    for slug in ["t-a", "t-b", "t-c", "t-d"] {
        auths.push(enrolled(&store, slug).await);
    }
    let mut tasks = Vec::new();
    for auth in auths.clone() {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            let mut seq = 0;
            for round in 0..10 {
                let entries: Vec<IngestEntry> = (0..5)
                    .map(|i| {
                        seq += 1;
                        // Every tenant uses the same ids: tenants must never see each other's.
                        entry(
                            seq,
                            draft(
                                &format!("muc-{round}-{i}"),
                                &format!("{} {round} {i}", auth.tenant_slug),
                            ),
                        )
                    })
                    .collect();
                let r = store
                    .publish(&auth, entries, ProvinceReview::Approved, NOW)
                    .await
                    .unwrap();
                assert!(
                    r.iter()
                        .all(|e| e.outcome == Outcome::Accepted && e.version == 1),
                    "{r:?}"
                );
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    for auth in &auths {
        let tenant = store
            .tenant_by_slug(&auth.tenant_slug)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(store.version_count(&tenant).await.unwrap(), 50);
        let item = store
            .published_item(&tenant, "muc-3-2")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(item.title, format!("{} 3 2", auth.tenant_slug));
    }
}

#[tokio::test]
async fn sqlite_concurrent_agents_share_group_commits() {
    let (store, _dir) = sqlite().await;
    concurrent_agents_share_group_commits(store).await;
}

#[tokio::test]
async fn postgres_concurrent_agents_share_group_commits() {
    let (store, _db) = postgres().await;
    concurrent_agents_share_group_commits(store).await;
}

/// Claims are authorised inside the group transaction: a refused caller gets its error and
/// writes nothing, while the others in the same group are applied.
async fn claims_are_authorised_in_the_writer(store: Store) {
    let good = enrolled(&store, "t-good").await;
    let revoked = enrolled(&store, "t-rev").await;
    store
        .revoke_agent(&revoked.agent_id, "operator:test", NOW)
        .await
        .unwrap();
    let claims = |auth: &portal_store::AgentAuth, serial: &str| portal_store::AgentClaims {
        agent_id: auth.agent_id.clone(),
        tenant_slug: auth.tenant_slug.clone(),
        serial_hex: serial.into(),
    };
    let calls = [
        (claims(&good, "serial-t-good"), true),
        (claims(&revoked, "serial-t-rev"), false),
        (claims(&good, "serial-unknown"), false),
        (
            portal_store::AgentClaims {
                tenant_slug: "t-rev".into(),
                ..claims(&good, "serial-t-good")
            },
            false,
        ),
    ];
    let mut tasks = Vec::new();
    for (i, (c, _)) in calls.iter().enumerate() {
        let store = store.clone();
        let c = c.clone();
        tasks.push(tokio::spawn(async move {
            store
                .publish_claimed(
                    c,
                    vec![entry(1 + i as i64, draft(&format!("m-{i}"), "Tin"))],
                    ProvinceReview::Approved,
                    NOW,
                )
                .await
        }));
    }
    for (t, (_, ok)) in tasks.into_iter().zip(calls.iter()) {
        let r = t.await.unwrap();
        assert_eq!(r.is_ok(), *ok, "{r:?}");
        if !ok {
            assert!(matches!(r, Err(portal_store::StoreError::Refused(_))));
        }
    }
    let t = store.tenant_by_slug("t-good").await.unwrap().unwrap();
    assert_eq!(store.version_count(&t).await.unwrap(), 1);
    let t = store.tenant_by_slug("t-rev").await.unwrap().unwrap();
    assert_eq!(store.version_count(&t).await.unwrap(), 0);

    // An agent the writer has already let through is refused once revoked: what the writer
    // remembers of agents lasts one transaction.
    store
        .revoke_agent(&good.agent_id, "operator:test", NOW)
        .await
        .unwrap();
    let r = store
        .publish_claimed(
            claims(&good, "serial-t-good"),
            vec![entry(10, draft("m-late", "Tin"))],
            ProvinceReview::Approved,
            NOW,
        )
        .await;
    assert!(
        matches!(r, Err(portal_store::StoreError::Refused(_))),
        "{r:?}"
    );
    let t = store.tenant_by_slug("t-good").await.unwrap().unwrap();
    assert_eq!(store.version_count(&t).await.unwrap(), 1);
}

#[tokio::test]
async fn sqlite_claims_are_authorised_in_the_writer() {
    let (store, _dir) = sqlite().await;
    claims_are_authorised_in_the_writer(store).await;
}

#[tokio::test]
async fn postgres_claims_are_authorised_in_the_writer() {
    let (store, _db) = postgres().await;
    claims_are_authorised_in_the_writer(store).await;
}

/// Versions keep Markdown only (m0006); pages render it. Rolling m0006 back gives earlier code
/// the rendered, sanitised HTML it reads; rolling forward again drops it.
async fn bodies_are_rendered_on_read_and_restored_on_rollback(store: Store) {
    use sea_orm::{ConnectionTrait, Statement};
    use sea_orm_migration::MigratorTrait;
    let auth = enrolled(&store, "sxd").await;
    let tenant = store.tenant_by_slug("sxd").await.unwrap().unwrap();
    let mut d = draft("quy-hoach", "Quy hoạch");
    d.body_markdown = "Nội dung **chính**.\n\n<script>alert(1)</script>".into();
    let r = store
        .publish(&auth, vec![entry(1, d)], ProvinceReview::Approved, NOW)
        .await
        .unwrap();
    assert_eq!(r[0].outcome, Outcome::Accepted);
    let shown = store
        .published_item(&tenant, "quy-hoach")
        .await
        .unwrap()
        .unwrap();
    assert!(
        shown.body_html.contains("<strong>chính</strong>"),
        "{}",
        shown.body_html
    );
    assert!(!shown.body_html.contains("<script"), "{}", shown.body_html);

    let db = store.connection();
    // m0007 (the audit index), then m0006.
    portal_store::migration::Migrator::down(db, Some(2))
        .await
        .unwrap();
    let stored = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT body_html FROM item_versions",
        ))
        .await
        .unwrap()
        .unwrap();
    let html: String = stored.try_get("", "body_html").unwrap();
    assert_eq!(html, shown.body_html);
    portal_store::migration::Migrator::up(db, None)
        .await
        .unwrap();
    let gone = db
        .query_all_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT body_html FROM item_versions",
        ))
        .await;
    assert!(gone.is_err(), "body_html is still stored after m0006");
    let again = store
        .published_item(&tenant, "quy-hoach")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(again.body_html, shown.body_html);
}

#[tokio::test]
async fn sqlite_bodies_are_rendered_on_read_and_restored_on_rollback() {
    let (store, _dir) = sqlite().await;
    bodies_are_rendered_on_read_and_restored_on_rollback(store).await;
}

#[tokio::test]
async fn postgres_bodies_are_rendered_on_read_and_restored_on_rollback() {
    let (store, _db) = postgres().await;
    bodies_are_rendered_on_read_and_restored_on_rollback(store).await;
}

/// Two agents of one tenant write the same item as fast as they can. On PostgreSQL a group is
/// built while the previous one commits, so their writes collide there; every call must still
/// succeed, and the versions must be exactly 1..=n, one per accepted write, in order.
async fn two_agents_racing_on_one_item(store: Store) {
    let first = enrolled(&store, "sct").await;
    let second = another_agent(&store, "sct", "-2").await;
    let mut tasks = Vec::new();
    for (name, auth) in [("A", first), ("B", second)] {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            let mut versions = Vec::new();
            for i in 1..=40i64 {
                let entries = vec![
                    entry(2 * i - 1, draft("chung", &format!("{name} {i}"))),
                    entry(
                        2 * i,
                        draft(&format!("rieng-{}-{i}", name.to_lowercase()), "Riêng"),
                    ),
                ];
                let r = store
                    .publish(&auth, entries, ProvinceReview::Approved, NOW)
                    .await
                    .unwrap_or_else(|e| panic!("{name} {i}: {e}"));
                assert_eq!(r[0].outcome, Outcome::Accepted, "{r:?}");
                assert_eq!((r[1].outcome, r[1].version), (Outcome::Accepted, 1));
                versions.push((r[0].version, format!("{name} {i}")));
            }
            versions
        }));
    }
    let mut accepted = Vec::new();
    for t in tasks {
        accepted.extend(t.await.unwrap());
    }
    accepted.sort();
    let numbers: Vec<i32> = accepted.iter().map(|(v, _)| *v).collect();
    assert_eq!(numbers, (1..=80).collect::<Vec<i32>>());
    let tenant = store.tenant_by_slug("sct").await.unwrap().unwrap();
    let stored = store.item_versions(&tenant, "chung").await.unwrap();
    assert_eq!(stored.len(), 80);
    for (v, (number, title)) in stored.iter().zip(&accepted) {
        assert_eq!((v.version, &v.title), (*number, title));
    }
    let shown = store
        .published_item(&tenant, "chung")
        .await
        .unwrap()
        .unwrap();
    assert_eq!((shown.version, &shown.title), (80, &accepted[79].1));
    assert_eq!(store.version_count(&tenant).await.unwrap(), 160);
}

#[tokio::test]
async fn sqlite_two_agents_racing_on_one_item() {
    let (store, _dir) = sqlite().await;
    two_agents_racing_on_one_item(store).await;
}

#[tokio::test]
async fn postgres_two_agents_racing_on_one_item() {
    let (store, _db) = postgres().await;
    two_agents_racing_on_one_item(store).await;
}

/// Every column of a version comes back as it was given, empty optional fields as empty; the
/// change feed lists a batch's items in the order of the batch. (PostgreSQL writes a group's
/// rows from one JSON document per statement, SQLite row by row: both must agree.)
/// The first stored version of the item with this external id, every column.
async fn stored_version(store: &Store, external_id: &str) -> entity::item_version::Model {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let item = entity::item::Entity::find()
        .filter(entity::item::Column::ExternalId.eq(external_id))
        .one(store.connection())
        .await
        .unwrap()
        .unwrap();
    entity::item_version::Entity::find()
        .filter(entity::item_version::Column::ItemId.eq(item.id))
        .filter(entity::item_version::Column::Version.eq(1))
        .one(store.connection())
        .await
        .unwrap()
        .unwrap()
}

async fn columns_and_feed_order_survive_the_writer(store: Store) {
    let auth = enrolled(&store, "sxd").await;
    let mut full = draft("day-du", "Đầy đủ \"trích dẫn\" \\ và dấu");
    full.summary = "Tóm tắt: dự án đường tỉnh 883".into();
    full.source_url = "https://sxd.bentre.gov.vn/tin/1".into();
    full.tags = vec!["giao thông".into(), "đầu tư".into()];
    full.translation_id = "bai-1".into();
    full.notes = vec!["chuyển từ TCVN3".into()];
    full.body_markdown = "Dòng một\n\n- mục \"a\"\n- mục\tb\n".into();
    let mut bare = draft("toi-gian", "Tối giản");
    bare.body_markdown = "Thân bài thứ hai: ế, ợ, ỹ.".into();
    let mut third = draft("thu-ba", "Thứ ba");
    third.body_markdown = "Ba".into();
    let r = store
        .publish(
            &auth,
            vec![
                entry(1, full.clone()),
                entry(2, bare.clone()),
                entry(3, third.clone()),
            ],
            ProvinceReview::Approved,
            NOW,
        )
        .await
        .unwrap();
    assert!(r.iter().all(|e| e.outcome == Outcome::Accepted), "{r:?}");

    let v = stored_version(&store, "day-du").await;
    let want = full.validate(NOW).unwrap();
    assert_eq!(v.title, want.title);
    assert_eq!(v.summary, want.summary);
    assert_eq!(v.source_url, want.source_url);
    assert_eq!(v.translation_id, want.translation_id);
    assert_eq!(v.body_markdown, want.body_markdown);
    assert_eq!(v.content_hash, want.content_hash);
    assert_eq!(v.published_at, want.published_at_ms);
    assert!(
        v.tags.contains("giao thông") && v.tags.contains("đầu tư"),
        "{}",
        v.tags
    );
    assert!(
        v.notes.as_deref().is_some_and(|n| n.contains("TCVN3")),
        "{:?}",
        v.notes
    );
    assert_eq!(
        (v.agent_id.as_str(), v.agent_seq, v.created_at),
        (auth.agent_id.as_str(), 1, NOW)
    );

    let v = stored_version(&store, "toi-gian").await;
    assert_eq!(
        (&v.summary, &v.source_url, &v.translation_id),
        (&None, &None, &None)
    );
    assert_eq!((&v.record, &v.notes), (&None, &None));
    // Each body comes back whole, wherever it sat among the group's bodies.
    for d in [&bare, &third] {
        let v = stored_version(&store, &d.id).await;
        assert_eq!(
            v.body_markdown,
            d.clone().validate(NOW).unwrap().body_markdown
        );
    }

    let feed = store.change_feed_since(0, 100).await.unwrap();
    let order: Vec<Option<&str>> = feed
        .iter()
        .filter(|e| e.kind == "published")
        .map(|e| e.external_id.as_deref())
        .collect();
    assert_eq!(order, [Some("day-du"), Some("toi-gian"), Some("thu-ba")]);
}

#[tokio::test]
async fn sqlite_columns_and_feed_order_survive_the_writer() {
    let (store, _dir) = sqlite().await;
    columns_and_feed_order_survive_the_writer(store).await;
}

#[tokio::test]
async fn postgres_columns_and_feed_order_survive_the_writer() {
    let (store, _db) = postgres().await;
    columns_and_feed_order_survive_the_writer(store).await;
}
