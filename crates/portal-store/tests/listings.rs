//! The public portal's listings on SQLite and PostgreSQL: the same rows in the same order for
//! the same query, whatever the database.

mod common;

use common::{NOW, another_agent, draft, enrolled, entry, operator};
use portal_core::{ItemDraft, ProvinceReview, TenantKind};
use portal_store::{ListingQuery, RecordFilter, RecordOrder, Scope, SortAs, Store, Withdrawal};

both_databases!(
    record_tables_filter_sort_and_page_alike,
    withdrawn_items_say_when_and_why,
);

fn project(
    id: &str,
    name: &str,
    status: &str,
    budget: &str,
    approved: &str,
    field: &str,
) -> ItemDraft {
    let mut d = draft(id, name);
    d.category = "investment-project".into();
    d.record = [
        ("name", name),
        ("status", status),
        ("budget_million_vnd", budget),
        ("approval_date", approved),
        ("field", field),
        ("decision_number", &format!("{id}/QĐ-UBND")),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    d
}

fn ids(l: &portal_store::Listing) -> Vec<&str> {
    l.items.iter().map(|i| i.external_id.as_str()).collect()
}

async fn record_tables_filter_sort_and_page_alike(store: Store) {
    let a = enrolled(&store, "skhdt").await;
    store
        .add_tenant(
            "dongkhoi",
            "Huyện Đồng Khởi",
            TenantKind::District,
            &operator(),
            NOW,
        )
        .await
        .unwrap();
    let b = another_agent(&store, "dongkhoi", "").await;
    let rows = [
        project(
            "p1",
            "Cầu Rạch Miễu 2",
            "in_progress",
            "5000",
            "2024-03-01",
            "Giao thông",
        ),
        project(
            "p2",
            "Đường tỉnh 883",
            "completed",
            "120.5",
            "2023-11-20",
            "Giao thông",
        ),
        project(
            "p3",
            "Bệnh viện đa khoa",
            "preparing",
            "980",
            "2024-07-15",
            "Y tế",
        ),
    ];
    let r = store
        .publish(
            &a,
            rows.iter()
                .enumerate()
                .map(|(i, d)| entry(i as i64 + 1, d.clone()))
                .collect(),
            ProvinceReview::Approved,
            NOW,
        )
        .await
        .unwrap();
    assert!(r.iter().all(|e| e.errors.is_empty()), "{r:?}");
    // The district's project is held from the provincial site (not approved).
    store
        .publish(
            &b,
            vec![entry(
                1,
                project(
                    "q1",
                    "Trường học",
                    "in_progress",
                    "40",
                    "2024-01-09",
                    "Giáo dục",
                ),
            )],
            ProvinceReview::Pending,
            NOW,
        )
        .await
        .unwrap();
    let mut news = draft("n1", "Tin");
    news.published_at_ms -= 10;
    store
        .publish(&a, vec![entry(4, news)], ProvinceReview::Approved, NOW)
        .await
        .unwrap();

    let q = |filters: Vec<RecordFilter>, order: Vec<RecordOrder>| ListingQuery {
        filters,
        order,
        ..ListingQuery::latest(Scope::Province, "investment-project", 0, 10)
    };
    let all = store.listing(&q(vec![], vec![])).await.unwrap();
    assert_eq!(
        all.total, 3,
        "only approved projects on the provincial site"
    );
    let by_budget = |descending| RecordOrder {
        field: "budget_million_vnd".into(),
        sort_as: SortAs::Number,
        descending,
    };
    let sorted = store
        .listing(&q(vec![], vec![by_budget(false)]))
        .await
        .unwrap();
    assert_eq!(ids(&sorted), ["p2", "p3", "p1"], "numbers sort as numbers");
    let sorted = store
        .listing(&q(vec![], vec![by_budget(true)]))
        .await
        .unwrap();
    assert_eq!(ids(&sorted), ["p1", "p3", "p2"]);
    let by_name = RecordOrder {
        field: "name".into(),
        sort_as: SortAs::Text,
        descending: false,
    };
    let sorted = store.listing(&q(vec![], vec![by_name])).await.unwrap();
    assert_eq!(
        ids(&sorted),
        ["p3", "p1", "p2"],
        "code-point order: B < C < Đ"
    );

    let status = RecordFilter::Equals {
        field: "status".into(),
        value: "in_progress".into(),
    };
    assert_eq!(
        ids(&store
            .listing(&q(vec![status.clone()], vec![]))
            .await
            .unwrap()),
        ["p1"]
    );
    let year = RecordFilter::Year {
        field: "approval_date".into(),
        year: 2024,
    };
    let l = store
        .listing(&q(vec![year], vec![by_budget(false)]))
        .await
        .unwrap();
    assert_eq!((ids(&l), l.total), (vec!["p3", "p1"], 2));
    // Contains: ASCII case-insensitive, other letters as written, `%` and `_` literal.
    for (text, expect) in [
        ("p2/qĐ", vec!["p2"]),
        ("P2/QĐ-ubnd", vec!["p2"]),
        ("%", vec![]),
        ("_", vec![]),
    ] {
        let f = RecordFilter::Contains {
            field: "decision_number".into(),
            text: text.into(),
        };
        assert_eq!(
            ids(&store.listing(&q(vec![f], vec![])).await.unwrap()),
            expect,
            "{text}"
        );
    }
    let between = RecordFilter::Between {
        field: "approval_date".into(),
        from: "2024-01-01".into(),
        to: "2024-03-01".into(),
    };
    assert_eq!(
        ids(&store.listing(&q(vec![between], vec![])).await.unwrap()),
        ["p1"]
    );
    // Paging: stable order, total unchanged.
    let page2 = ListingQuery {
        offset: 2,
        limit: 2,
        ..q(vec![], vec![by_budget(false)])
    };
    let l = store.listing(&page2).await.unwrap();
    assert_eq!((ids(&l), l.total), (vec!["p1"], 3));
    // A bad field name never reaches SQL.
    let bad = RecordFilter::Equals {
        field: "x') OR 1=1 --".into(),
        value: String::new(),
    };
    assert!(store.listing(&q(vec![bad], vec![])).await.is_err());

    // The tenant's own site shows its items, approved or not.
    let district = store.tenant_by_slug("dongkhoi").await.unwrap().unwrap();
    let own = ListingQuery::latest(Scope::Tenant(district), "investment-project", 0, 10);
    assert_eq!(ids(&store.listing(&own).await.unwrap()), ["q1"]);
    // Filters offer the values present.
    let values = store
        .record_values(&Scope::Province, "investment-project", "field", 10)
        .await
        .unwrap();
    assert_eq!(values, ["Giao thông", "Y tế"]);
    let years = store
        .record_years(&Scope::Province, "investment-project", "approval_date", 10)
        .await
        .unwrap();
    assert_eq!(years, [2024, 2023]);
    // Articles: newest first.
    let news = store
        .listing(&ListingQuery::latest(Scope::Province, "news", 0, 10))
        .await
        .unwrap();
    assert_eq!(ids(&news), ["n1"]);
}

async fn withdrawn_items_say_when_and_why(store: Store) {
    let a = enrolled(&store, "stc").await;
    let tenant = store.tenant_by_slug("stc").await.unwrap().unwrap();
    store
        .publish(
            &a,
            vec![entry(1, draft("a", "Một")), entry(2, draft("b", "Hai"))],
            ProvinceReview::Approved,
            NOW,
        )
        .await
        .unwrap();
    assert!(store.withdrawn_item(&tenant, "a").await.unwrap().is_none());
    let later = NOW.saturating_add(std::time::Duration::from_secs(60));
    let long = "lý do ".repeat(200);
    store
        .withdraw(
            &a,
            vec![
                Withdrawal::new(3, "a", "  Thông tin\u{0} đã hết hiệu lực "),
                Withdrawal::new(4, "b", &long),
            ],
            later,
        )
        .await
        .unwrap();
    let w = store.withdrawn_item(&tenant, "a").await.unwrap().unwrap();
    assert_eq!(w.title, "Một");
    assert_eq!(w.withdrawn_at, Some(later));
    assert_eq!(w.reason.as_deref(), Some("Thông tin đã hết hiệu lực"));
    let w = store.withdrawn_item(&tenant, "b").await.unwrap().unwrap();
    assert_eq!(
        w.reason.unwrap().chars().count(),
        Withdrawal::MAX_REASON_CHARS
    );
    let (item, state) = store.archived_item(&tenant, "a").await.unwrap().unwrap();
    assert_eq!(
        (item.title.as_str(), state),
        ("Một", portal_core::PublicationState::Withdrawn)
    );
    assert!(store.published_item(&tenant, "a").await.unwrap().is_none());
}
