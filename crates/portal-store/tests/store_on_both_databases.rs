//! The store's guarantees, checked on SQLite and on PostgreSQL with the same code.

mod common;

use common::{NOW, another_agent, claims_of, draft, enrolled, entry, operator};
use portal_core::{ProvinceReview, PublicationState, TenantKind};
use portal_store::{
    AuditAction, FeedKind, IngestEntry, IssuedSerial, Outcome, Refusal, Store, StoreError,
    Withdrawal,
};

both_databases!(
    versions_dedup_and_replay,
    tokens_are_single_use_and_expire,
    concurrent_agents_share_group_commits,
    claims_are_authorised_in_the_writer,
    bodies_are_rendered_on_read_and_restored_on_rollback,
    two_agents_racing_on_one_item,
    columns_and_feed_order_survive_the_writer,
    history_is_paged_newest_first_without_bodies,
    feeds_and_sitemaps_read_bounded_pages,
);

/// Every version's metadata, oldest first.
async fn all_versions(
    store: &Store,
    tenant: &portal_store::Tenant,
    id: &str,
) -> Vec<portal_store::VersionView> {
    let mut v = store
        .item_history(tenant, id, i32::MAX, 10_000)
        .await
        .unwrap();
    v.reverse();
    v
}

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
    let versions = all_versions(&store, &tenant, "a").await;
    assert_eq!(
        versions.iter().map(|v| v.version).collect::<Vec<_>>(),
        [1, 2]
    );
    assert_eq!(versions[1].title, "Một (sửa)");
    assert_eq!(store.version_count(&tenant).await.unwrap(), 3);
    // The page shows the body of the current version (stored once, with the version).
    let shown = store.published_item(&tenant, "a").await.unwrap().unwrap();
    assert_eq!((shown.version, shown.title.as_str()), (2, "Một (sửa)"));
    assert_eq!(shown.body_markdown, "Nội dung");

    // Withdraw: gone from pages, kept in the archive; withdrawing again is unchanged.
    let w = store
        .withdraw(
            &auth,
            vec![
                Withdrawal::new(6, "a", "đã hết hiệu lực"),
                Withdrawal::new(7, "nope", ""),
                Withdrawal::new(8, "a", ""),
            ],
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
        PublicationState::Withdrawn
    );
    assert_eq!(all_versions(&store, &tenant, "a").await.len(), 2);
    let front = store.front_page_items(10).await.unwrap();
    assert_eq!(front.items.len(), 1);
    assert_eq!(front.items[0].external_id, "b");
    assert!(store.change_feed_head().await.unwrap() >= 4);
    // The withdrawal is an event in the change feed, after the publications, like any change.
    let feed = store.change_feed_since(0, 100).await.unwrap();
    let kinds: Vec<(FeedKind, Option<&str>)> = feed
        .iter()
        .map(|e| (e.kind, e.external_id.as_deref()))
        .collect();
    assert!(
        kinds.contains(&(FeedKind::Withdrawn, Some("a"))),
        "{kinds:?}"
    );
    let pos = feed
        .iter()
        .position(|e| e.kind == FeedKind::Withdrawn)
        .unwrap();
    assert!(
        feed[..pos]
            .iter()
            .any(|e| e.kind == FeedKind::Published && e.external_id.as_deref() == Some("a"))
    );
}

async fn tokens_are_single_use_and_expire(store: Store) {
    let secs = |n| std::time::Duration::from_secs(n);
    store
        .add_tenant("snv", "Sở Nội vụ", TenantKind::Department, &operator(), NOW)
        .await
        .unwrap();
    store
        .add_enrollment_token("snv", "h1", NOW.saturating_add(secs(1)), &operator(), NOW)
        .await
        .unwrap();
    store
        .add_enrollment_token(
            "snv",
            "h2",
            NOW.saturating_sub(secs(1)),
            &operator(),
            NOW.saturating_sub(secs(5)),
        )
        .await
        .unwrap();
    let issued = |serial: &str| IssuedSerial {
        serial_hex: serial.into(),
        not_after: NOW,
    };
    // Checking a token is a read that names the tenant, or says why not.
    assert_eq!(store.enrollment_token("h1", NOW).await.unwrap().slug, "snv");
    let refused = |r: portal_store::Result<portal_store::Tenant>| match r {
        Err(StoreError::Refused(why)) => why,
        other => panic!("not refused: {other:?}"),
    };
    assert_eq!(
        refused(store.enrollment_token("h2", NOW).await),
        Refusal::TokenExpired
    );
    assert_eq!(
        refused(store.enrollment_token("nope", NOW).await),
        Refusal::TokenUnknown
    );
    store
        .enroll_agent("h1", "ag1", "x", &issued("s1"), NOW)
        .await
        .unwrap();
    assert_eq!(
        refused(
            store
                .enroll_agent("h1", "ag2", "x", &issued("s2"), NOW)
                .await
        ),
        Refusal::TokenUsed
    );
    assert_eq!(
        refused(store.enrollment_token("h1", NOW).await),
        Refusal::TokenUsed
    );
    assert_eq!(
        refused(
            store
                .enroll_agent("h2", "ag3", "x", &issued("s3"), NOW)
                .await
        ),
        Refusal::TokenExpired
    );
    assert_eq!(
        refused(
            store
                .enroll_agent("nope", "ag4", "x", &issued("s4"), NOW)
                .await
        ),
        Refusal::TokenUnknown
    );

    // Revocation and certificate binding, through the one rule.
    let claims = |agent: &str, tenant: &str, serial: &str| portal_store::AgentClaims {
        agent_id: agent.into(),
        tenant_slug: tenant.into(),
        serial_hex: serial.into(),
    };
    let auth = store
        .authorise_agent(&claims("ag1", "snv", "s1"))
        .await
        .unwrap();
    assert_eq!(auth.tenant_kind, TenantKind::Department);
    let store_ref = &store;
    let why = |c| async move { store_ref.authorise_agent(&c).await.unwrap_err().to_string() };
    assert!(
        why(claims("ag1", "other", "s1"))
            .await
            .contains("another tenant")
    );
    assert!(
        why(claims("ag1", "snv", "s-unknown"))
            .await
            .contains("not issued")
    );
    assert!(
        why(claims("ag9", "snv", "s1"))
            .await
            .contains("not enrolled")
    );
    store.revoke_agent("ag1", &operator(), NOW).await.unwrap();
    assert!(why(claims("ag1", "snv", "s1")).await.contains("revoked"));
    assert_eq!(
        store.audit_count(AuditAction::AgentRevoke).await.unwrap(),
        1
    );
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

/// Claims are authorised inside the group transaction: a refused caller gets its error and
/// writes nothing, while the others in the same group are applied.
async fn claims_are_authorised_in_the_writer(store: Store) {
    let good = enrolled(&store, "t-good").await;
    let revoked = enrolled(&store, "t-rev").await;
    store
        .revoke_agent(&revoked.agent_id, &operator(), NOW)
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
            assert!(matches!(r, Err(StoreError::Refused(_))));
        }
    }
    let t = store.tenant_by_slug("t-good").await.unwrap().unwrap();
    assert_eq!(store.version_count(&t).await.unwrap(), 1);
    let t = store.tenant_by_slug("t-rev").await.unwrap().unwrap();
    assert_eq!(store.version_count(&t).await.unwrap(), 0);

    // An agent the writer has already let through is refused once revoked: what the writer
    // remembers of agents lasts one transaction.
    store
        .revoke_agent(&good.agent_id, &operator(), NOW)
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
        matches!(r, Err(StoreError::Refused(Refusal::Revoked(_)))),
        "{r:?}"
    );
    // Withdrawals are authorised by the same rule.
    let w = store
        .withdraw_claimed(
            claims(&good, "serial-t-good"),
            vec![Withdrawal::new(11, "m-0", "")],
            NOW,
        )
        .await;
    assert!(
        matches!(w, Err(StoreError::Refused(Refusal::Revoked(_)))),
        "{w:?}"
    );
    let other = claims_of("t-other", "");
    let w = store
        .withdraw_claimed(other, vec![Withdrawal::new(1, "m-0", "")], NOW)
        .await;
    assert!(
        matches!(w, Err(StoreError::Refused(Refusal::NotEnrolled(_)))),
        "{w:?}"
    );
    let t = store.tenant_by_slug("t-good").await.unwrap().unwrap();
    assert_eq!(store.version_count(&t).await.unwrap(), 1);
}

/// Versions keep Markdown only (m0006); pages render it. Rolling m0006 back gives earlier code
/// the rendered, sanitised HTML it reads; rolling forward again drops it.
async fn bodies_are_rendered_on_read_and_restored_on_rollback(store: Store) {
    use portal_store::testing;
    use sea_orm::{ConnectionTrait, Statement};
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
    let html = portal_core::render::markdown_to_safe_html(&shown.body_markdown);
    assert!(html.contains("<strong>chính</strong>"), "{html}");
    assert!(!html.contains("<script"), "{html}");

    let db = testing::connection(&store);
    testing::migrate_down_through(&store, "m0006_body_html_derived")
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
    let restored: String = stored.try_get("", "body_html").unwrap();
    assert_eq!(restored, html);
    testing::migrate_up(&store).await.unwrap();
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
    assert_eq!(again.body_markdown, shown.body_markdown);
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
    let stored = all_versions(&store, &tenant, "chung").await;
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

/// Every column of a version comes back as it was given, empty optional fields as empty; the
/// change feed lists a batch's items in the order of the batch. (PostgreSQL writes a group's
/// rows from one JSON document per statement, SQLite row by row: both must agree.)
/// The first stored version of the item with this external id, every column.
async fn stored_version(store: &Store, external_id: &str) -> portal_store::StoredVersion {
    let tenant = store.tenant_by_slug("sxd").await.unwrap().unwrap();
    store
        .stored_version(&tenant, external_id, 1)
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
    let want = full.validate(NOW.as_millis()).unwrap();
    assert_eq!(v.title, want.title);
    assert_eq!(v.summary, want.summary);
    assert_eq!(v.source_url, want.source_url);
    assert_eq!(v.translation_id, want.translation_id);
    assert_eq!(v.body_markdown, want.body_markdown);
    assert_eq!(v.content_hash, want.content_hash);
    assert_eq!(v.published_at.as_millis(), want.published_at_ms);
    assert_eq!(v.tags, ["giao thông", "đầu tư"]);
    assert!(v.notes.iter().any(|n| n.contains("TCVN3")), "{:?}", v.notes);
    assert_eq!(
        (v.agent_id.as_str(), v.agent_seq, v.created_at),
        (auth.agent_id.as_str(), 1, NOW)
    );

    let v = stored_version(&store, "toi-gian").await;
    assert_eq!(
        (&v.summary, &v.source_url, &v.translation_id),
        (&None, &None, &None)
    );
    assert_eq!((&v.record, v.notes.is_empty()), (&None, true));
    // Each body comes back whole, wherever it sat among the group's bodies.
    for d in [&bare, &third] {
        let v = stored_version(&store, &d.id).await;
        assert_eq!(
            v.body_markdown,
            d.clone().validate(NOW.as_millis()).unwrap().body_markdown
        );
    }

    let feed = store.change_feed_since(0, 100).await.unwrap();
    let order: Vec<Option<&str>> = feed
        .iter()
        .filter(|e| e.kind == FeedKind::Published)
        .map(|e| e.external_id.as_deref())
        .collect();
    assert_eq!(order, [Some("day-du"), Some("toi-gian"), Some("thu-ba")]);
}

/// The history of an item with many versions comes a page at a time, newest first, as
/// metadata only; any page costs a range of the version index.
async fn history_is_paged_newest_first_without_bodies(store: Store) {
    let auth = enrolled(&store, "sxd").await;
    let tenant = store.tenant_by_slug("sxd").await.unwrap().unwrap();
    for batch in 0..3i64 {
        let entries = (1..=40)
            .map(|i| {
                let n = batch * 40 + i;
                let mut d = draft("lich-su", &format!("Bản {n}"));
                d.body_markdown = "nội dung dài ".repeat(100);
                entry(n, d)
            })
            .collect();
        store
            .publish(&auth, entries, ProvinceReview::Approved, NOW)
            .await
            .unwrap();
    }
    let first = store
        .item_history(&tenant, "lich-su", 120, 50)
        .await
        .unwrap();
    assert_eq!(first.len(), 50);
    assert_eq!((first[0].version, first[49].version), (120, 71));
    assert_eq!(first[0].title, "Bản 120");
    let last = store
        .item_history(&tenant, "lich-su", 20, 50)
        .await
        .unwrap();
    assert_eq!(
        last.iter().map(|v| v.version).collect::<Vec<_>>(),
        (1..=20).rev().collect::<Vec<_>>()
    );
    assert!(
        store
            .item_history(&tenant, "nope", 10, 50)
            .await
            .unwrap()
            .is_empty()
    );
}

/// A database URL the driver cannot parse is quoted in its error, password and all: the store
/// takes the password out before anyone prints the error.
#[tokio::test]
async fn opening_a_database_never_shows_its_password() {
    for url in [
        "postgres://hub:p@ss w0rd@db.invalid:5432/portal",
        "postgres://hub:se%40cret@db invalid/portal",
        "postgres://hub@db invalid/portal?password=t0p-secret&sslmode=require",
    ] {
        let shown = match Store::open(url).await {
            Ok(_) => panic!("{url} opened"),
            Err(e) => e.to_string(),
        };
        for secret in ["p@ss w0rd", "se%40cret", "se@cret", "t0p-secret"] {
            assert!(!shown.contains(secret), "{secret} shown in: {shown}");
        }
    }
}

/// Feeds list the newest published items of a site (approved ones for the province), of one
/// category if asked; sitemaps page through a tenant's published items in the order they were
/// first stored, so a page that was full stays as it was when items are added.
async fn feeds_and_sitemaps_read_bounded_pages(store: Store) {
    use portal_store::FeedScope;
    let auth = enrolled(&store, "stc").await;
    let other = enrolled(&store, "sxd").await;
    let stc = store.tenant_by_slug("stc").await.unwrap().unwrap();
    let sxd = store.tenant_by_slug("sxd").await.unwrap().unwrap();
    // Stored a..f in this order, published (by date) in another: f newest, then a, b, ...
    let dated = |id: &str, minutes_ago: i64, category: &str| {
        let mut d = draft(id, &format!("Tin {id}"));
        d.published_at_ms = NOW.as_millis() - minutes_ago * 60_000;
        d.category = category.into();
        d
    };
    let entries = vec![
        entry(1, dated("a", 10, "news")),
        entry(2, dated("b", 20, "direction")),
        entry(3, dated("c", 30, "news")),
        entry(4, dated("d", 40, "direction")),
        entry(5, dated("e", 50, "news")),
    ];
    let r = store
        .publish(&auth, entries, ProvinceReview::Approved, NOW)
        .await
        .unwrap();
    assert!(r.iter().all(|e| e.outcome == Outcome::Accepted), "{r:?}");
    let r = store
        .publish(
            &auth,
            vec![entry(6, dated("f", 1, "news"))],
            ProvinceReview::Pending,
            NOW,
        )
        .await
        .unwrap();
    assert_eq!(r[0].outcome, Outcome::Accepted);
    let r = store
        .publish(
            &other,
            vec![entry(1, dated("x", 5, "news"))],
            ProvinceReview::Approved,
            NOW,
        )
        .await
        .unwrap();
    assert_eq!(r[0].outcome, Outcome::Accepted);

    let ids = |items: Vec<portal_store::ItemView>| -> Vec<String> {
        items.into_iter().map(|i| i.external_id).collect()
    };
    let tenant = |category, limit| store.feed_items(FeedScope::Tenant(&stc), category, limit);
    assert_eq!(
        ids(tenant(None, 50).await.unwrap()),
        ["f", "a", "b", "c", "d", "e"]
    );
    assert_eq!(ids(tenant(None, 2).await.unwrap()), ["f", "a"]);
    assert_eq!(
        ids(tenant(Some("direction"), 50).await.unwrap()),
        ["b", "d"]
    );
    assert!(
        tenant(Some("no-such-category"), 50)
            .await
            .unwrap()
            .is_empty()
    );
    // The province: approved items only (not f), of every tenant, each named.
    let province = store
        .feed_items(FeedScope::Province, None, 50)
        .await
        .unwrap();
    let named: Vec<(&str, &str)> = province
        .iter()
        .map(|i| (i.tenant_slug.as_str(), i.external_id.as_str()))
        .collect();
    assert_eq!(
        named,
        [
            ("sxd", "x"),
            ("stc", "a"),
            ("stc", "b"),
            ("stc", "c"),
            ("stc", "d"),
            ("stc", "e")
        ]
    );
    assert_eq!(province[0].tenant_name, sxd.name);

    // Sitemap pages: in the order items were first stored, after a cursor, bounded.
    assert_eq!(store.sitemap_count(&stc, 1000).await.unwrap(), 6);
    assert_eq!(store.sitemap_count(&stc, 4).await.unwrap(), 4);
    assert_eq!(store.sitemap_count(&sxd, 1000).await.unwrap(), 1);
    let page = |after, limit| store.sitemap_urls(&stc, after, limit);
    let urls = |v: Vec<portal_store::SitemapUrl>| -> Vec<String> {
        v.into_iter().map(|u| u.external_id).collect()
    };
    assert_eq!(urls(page(None, 2).await.unwrap()), ["a", "b"]);
    let after_b = store.sitemap_cursor_at(&stc, 1).await.unwrap();
    assert!(after_b.is_some());
    assert_eq!(urls(page(after_b, 2).await.unwrap()), ["c", "d"]);
    assert_eq!(store.sitemap_cursor_at(&stc, 6).await.unwrap(), None);
    let all = page(None, 100).await.unwrap();
    assert!(all.iter().all(|u| u.updated_at == NOW), "{all:?}");

    // A withdrawn item leaves feeds and sitemaps; the pages before it stay as they were.
    let w = store
        .withdraw(&auth, vec![Withdrawal::new(7, "c", "")], NOW)
        .await
        .unwrap();
    assert_eq!(w[0].outcome, Outcome::Accepted);
    assert_eq!(
        ids(tenant(None, 50).await.unwrap()),
        ["f", "a", "b", "d", "e"]
    );
    assert_eq!(store.sitemap_count(&stc, 1000).await.unwrap(), 5);
    assert_eq!(urls(page(None, 2).await.unwrap()), ["a", "b"]);
    assert_eq!(urls(page(after_b, 2).await.unwrap()), ["d", "e"]);
}
